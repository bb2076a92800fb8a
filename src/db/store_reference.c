/*
 * store_reference.c — organizations, regions, counties and countries as
 * seeded by `nmtctl init` from the CSV files in data/.
 */
#include <string.h>

#include "core/util.h"
#include "db/store.h"

/* Runs a query whose columns become the named string members of items. */
static json_t *
items_query(struct db *db, const char *sql, const char *const *names,
    enum nmt_err *e)
{
	struct db_result	*r = NULL;
	json_t			*items, *obj, *v;
	int			 i, j;

	if ((*e = db_query(db, sql, NULL, 0, &r)) != NMT_OK)
		return NULL;
	items = json_array();
	for (i = 0; i < db_rows(r); i++) {
		obj = json_object();
		for (j = 0; names[j] != NULL; j++) {
			v = db_isnull(r, i, j) ? json_null() :
			    json_string(db_text(r, i, j));
			json_object_set_new(obj, names[j], v);
		}
		json_array_append_new(items, obj);
	}
	db_result_free(r);
	return json_pack("{s:o,s:n}", "items", items, "next_cursor");
}

json_t *
store_organizations(struct db *db, enum nmt_err *e)
{
	static const char *const	names[] = { "code", "name", "kind",
					    "region", NULL };

	return items_query(db, "SELECT code, name, kind, region "
	    "FROM organization ORDER BY code", names, e);
}

json_t *
store_regions(struct db *db, enum nmt_err *e)
{
	static const char *const	names[] = { "code", "name", "name_en",
					    NULL };

	return items_query(db, "SELECT code, name_sv, name_en FROM region "
	    "ORDER BY name_sv", names, e);
}

json_t *
store_counties(struct db *db, enum nmt_err *e)
{
	static const char *const	names[] = { "code", "name", "region",
					    NULL };

	return items_query(db, "SELECT code, name, region FROM county "
	    "ORDER BY code", names, e);
}

json_t *
store_countries(struct db *db, enum nmt_err *e)
{
	static const char *const	names[] = { "code", "name", "name_en",
					    NULL };

	return items_query(db, "SELECT code, name_sv, name_en FROM country "
	    "ORDER BY code", names, e);
}

static enum nmt_err
one_text(struct db *db, const char *sql, const char *param, char *out,
    size_t outlen, int *found)
{
	struct db_param		 p[1] = { DB_TEXT(param) };
	struct db_result	*r = NULL;
	enum nmt_err		 e;

	*found = 0;
	if ((e = db_query(db, sql, p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) > 0) {
		*found = 1;
		if (out != NULL)
			strlcopy(out, db_text(r, 0, 0) ? db_text(r, 0, 0) : "",
			    outlen);
	}
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_county_region(struct db *db, const char *county, char region[33],
    int *found)
{
	return one_text(db, "SELECT region FROM county WHERE code = $1",
	    county, region, 33, found);
}

enum nmt_err
store_org_exists(struct db *db, const char *code, int *found)
{
	return one_text(db, "SELECT code FROM organization WHERE code = $1",
	    code, NULL, 0, found);
}

enum nmt_err
store_region_exists(struct db *db, const char *code, int *found)
{
	return one_text(db, "SELECT code FROM region WHERE code = $1", code,
	    NULL, 0, found);
}

enum nmt_err
store_country_exists(struct db *db, const char *code, int *found)
{
	return one_text(db, "SELECT code FROM country WHERE code = $1", code,
	    NULL, 0, found);
}
