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

#endif
