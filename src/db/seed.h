/*
 * seed.h — loads the embedded reference data (regions, counties,
 * organizations) into the database.
 */
#ifndef NMT_DB_SEED_H
#define NMT_DB_SEED_H

#include <stddef.h>

#include "core/embed.h"
#include "db/db.h"

/*
 * Upserts regions.csv, counties.csv, organizations.csv (and the other
 * files of data/, municipalities.csv with its SOC-<kommunkod>
 * organizations) from
 * embed_reference_data in one transaction (insert new codes, update
 * changed ones, delete nothing), so it is idempotent and corrected data
 * is applied on the next run. A malformed file gives NMT_ERROR with the
 * file name and line in err; database errors give their db_err.
 */
enum nmt_err db_seed(struct db *db, char *err, size_t errlen);

/* The same from another list of files (tests, imports). */
enum nmt_err db_seed_from(struct db *db, const struct embed_file *list,
    char *err, size_t errlen);

/*
 * Adds the guidance items of data/guidance/<topic>.json (embedded with the
 * reference data) whose id is new, each file in one transaction; stored
 * items, edited or not, are left as they are. A malformed file gives
 * NMT_ERROR with its name and the reason in err, and writes nothing.
 */
enum nmt_err db_seed_guidance(struct db *db, char *err, size_t errlen);
/* The same from another list of files (tests). */
enum nmt_err db_seed_guidance_from(struct db *db, const struct embed_file *list,
    char *err, size_t errlen);

#endif
