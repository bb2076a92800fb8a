/*
 * store_stat_record.h — the person-level statistical records imported
 * from other sources (stat_record, stat_record_form: migration 0023) and
 * the system's own persons read as such records for an export
 * (`nmtctl import ctdc` / `export ctdc`, cli/cmd_ctdc.c).
 */
#ifndef NMT_DB_STORE_STAT_RECORD_H
#define NMT_DB_STORE_STAT_RECORD_H

#include <stddef.h>

#include "core/err.h"
#include "db/db.h"
#include "domain/ctdc.h"

/*
 * The ISO alpha-2 codes of the country table, sorted (strcmp), into a
 * malloc'd array of n_r malloc'd strings (free with
 * store_stat_codes_free).
 */
enum nmt_err store_stat_countries(struct db *db, char ***codes_r, size_t *n_r);
void         store_stat_codes_free(char **codes, size_t n);

/*
 * Inserts n records, records[i] under (source, keys[i]), with their
 * forms, in the caller's transaction; a key already there is left as
 * it is. *added_r: how many were new. progress (may be NULL) is called
 * every 1000 records and at the end with the number done. now: RFC 3339
 * (imported_at).
 */
enum nmt_err store_stat_records_add(struct db *db, const char *source,
    const char *const *keys, const struct ctdc_rec *recs, size_t n,
    const char *now, size_t *added_r, void (*progress)(size_t, void *),
    void *arg);

/*
 * Whether any record was imported under source (a well-formed name,
 * stats_source_valid()) into *found (1 or 0). Errors: the database's.
 */
enum nmt_err store_stat_source_exists(struct db *db, const char *source,
    int *found);

/*
 * The system's own persons registered in year (the civil year in Sweden
 * of the person's created_at, as the statistics count it) as records
 * (no identity, no id): gender, age band at registration
 * (year − birth_year, else the age estimate), child,
 * citizenship, and the CTDC forms of the person's case (a form CTDC has
 * no flag for counts as other), datasource "Case Management". A
 * malloc'd array of n_r records, oldest first.
 */
enum nmt_err store_stat_own_persons(struct db *db, int year,
    struct ctdc_rec **recs_r, size_t *n_r);

#endif
