/*
 * store_reference.c — organizations, regions, counties, countries and
 * languages as seeded by `nmtctl init` from the CSV files in data/.
 */
#include <stddef.h>
#include <string.h>

#include "core/util.h"
#include "db/store.h"

#define R(i) (offsetof(struct ref_row, col) + (i) * sizeof(char *))

static const struct column organization_cols[] = {
	{ "code", "code", COL_TEXT, R(0), COL_KEY },
	{ "name", "name", COL_TEXT, R(1), 0 },
	{ "kind", "kind", COL_TEXT, R(2), 0 },
	{ "region", "region", COL_TEXT, R(3), COL_NULLABLE },
	{ "county", "county", COL_TEXT, R(4), COL_OMIT_NULL },
};

static const struct column region_cols[] = {
	{ "code", "code", COL_TEXT, R(0), COL_KEY },
	{ "name_sv", "name", COL_TEXT, R(1), 0 },
	{ "name_en", "name_en", COL_TEXT, R(2), 0 },
};

static const struct column county_cols[] = {
	{ "code", "code", COL_TEXT, R(0), COL_KEY },
	{ "name", "name", COL_TEXT, R(1), 0 },
	{ "region", "region", COL_TEXT, R(2), 0 },
};

static const struct column country_cols[] = {
	{ "code", "code", COL_TEXT, R(0), COL_KEY },
	{ "name_sv", "name", COL_TEXT, R(1), 0 },
	{ "name_en", "name_en", COL_TEXT, R(2), 0 },
};

static const struct column language_cols[] = {
	{ "code", "code", COL_TEXT, R(0), COL_KEY },
	{ "name_sv", "name", COL_TEXT, R(1), 0 },
	{ "name_en", "name_en", COL_TEXT, R(2), 0 },
};

const struct record_type organization_record =
    RECORD_TYPE_ORDERED("organization", "o", struct ref_row, organization_cols,
        "o.code");
const struct record_type region_record = RECORD_TYPE_ORDERED("region", "r",
    struct ref_row, region_cols, "r.name_sv");
const struct record_type county_record = RECORD_TYPE_ORDERED("county", "k",
    struct ref_row, county_cols, "k.code");
const struct record_type country_record = RECORD_TYPE_ORDERED("country", "l",
    struct ref_row, country_cols, "l.code");
const struct record_type language_record = RECORD_TYPE_ORDERED("language", "g",
    struct ref_row, language_cols, "g.code");

enum nmt_err
store_reference(struct db *db, const struct record_type *t,
    struct ref_row **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, t);
	sql_add(b, " ORDER BY ");
	sql_add(b, t->order);
	e = record_list(db, b, t, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

enum nmt_err
store_county_region(struct db *db, const char *county, char region[33],
    int *found)
{
	return db_query_text(db, "SELECT region FROM county WHERE code = $1",
	    county, region, 33, found);
}

enum nmt_err
store_org_exists(struct db *db, const char *code, int *found)
{
	return db_query_text(db,
	    "SELECT code FROM organization WHERE code = $1", code, NULL, 0,
	    found);
}

enum nmt_err
store_region_exists(struct db *db, const char *code, int *found)
{
	return db_query_text(db, "SELECT code FROM region WHERE code = $1",
	    code, NULL, 0, found);
}

enum nmt_err
store_country_exists(struct db *db, const char *code, int *found)
{
	return db_query_text(db, "SELECT code FROM country WHERE code = $1",
	    code, NULL, 0, found);
}

enum nmt_err
store_language_exists(struct db *db, const char *code, int *found)
{
	return db_query_text(db, "SELECT code FROM language WHERE code = $1",
	    code, NULL, 0, found);
}
