/*
 * store_person.c — persons of a case, and the break-the-glass grants on
 * their identities. The identity block arrives and leaves sealed
 * (crypto/seal.h); this module never sees it in clear text.
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/store.h"

static const char *
text0(const struct db_result *r, int col)
{
	const char	*s = db_text(r, 0, col);

	return s ? s : "";
}

static json_t *
int_or_null(const struct db_result *r, int col)
{
	return db_isnull(r, 0, col) ? json_null() :
	    json_integer(db_int(r, 0, col));
}

static json_t *
list_or_empty(const struct db_result *r, int col)
{
	json_t	*v = json_loads(text0(r, col), JSON_DECODE_ANY, NULL);

	if (!json_is_array(v)) {
		json_decref(v);
		return json_array();
	}
	return v;
}

static struct db_param
opt_int(long v)
{
	return v < 0 ? DB_NULL : DB_INT(v);
}

enum nmt_err
store_person_insert(struct db *db, const char *case_id, const char *id,
    const struct person_values *v, const char *created_by, const char *now)
{
	char		*langs, *vulns;
	enum nmt_err	 e;

	langs = json_dumps(v->languages, JSON_COMPACT);
	vulns = json_dumps(v->vulnerabilities, JSON_COMPACT);
	{
		struct db_param	p[14] = {
			DB_TEXT(id), DB_TEXT(case_id), DB_TEXT(v->pseudonym),
			DB_TEXT(v->gender), opt_int(v->birth_year),
			opt_int(v->age_estimate), DB_INT(v->is_child),
			DB_TEXT(v->citizenship), DB_TEXT(langs),
			DB_TEXT(vulns), DB_TEXT(v->protection),
			DB_TEXT(v->identity_sealed), DB_TEXT(created_by),
			DB_TEXT(now),
		};

		e = db_query(db, "INSERT INTO person (id, case_id, pseudonym, "
		    "gender, birth_year, age_estimate, is_child, citizenship, "
		    "languages, vulnerabilities, protected_identity, "
		    "identity_sealed, created_by, version, created_at, "
		    "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
		    "$10, $11, $12, $13, 1, $14, $14)", p, 14, NULL);
	}
	free(langs);
	free(vulns);
	return e;
}

json_t *
store_person_get(struct db *db, const char *person_id, enum nmt_err *e)
{
	struct db_param		 p[1] = { DB_TEXT(person_id) };
	struct db_result	*r = NULL;
	json_t			*doc;

	if ((*e = db_query(db, "SELECT id, case_id, pseudonym, gender, "
	    "birth_year, age_estimate, is_child, citizenship, languages, "
	    "vulnerabilities, protected_identity, identity_sealed, "
	    "created_at, updated_at, version FROM person WHERE id = $1", p, 1,
	    &r)) != NMT_OK)
		return NULL;
	if (db_rows(r) != 1) {
		db_result_free(r);
		return NULL;
	}
	doc = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:o,s:o,s:o,s:s,s:s,"
	    "s:s,s:I}",
	    "id", text0(r, 0), "case", text0(r, 1), "pseudonym", text0(r, 2),
	    "gender", text0(r, 3), "birth_year", int_or_null(r, 4),
	    "age_estimate", int_or_null(r, 5), "is_child", db_int(r, 0, 6) != 0,
	    "citizenship", db_isnull(r, 0, 7) ? json_null() :
	    json_string(text0(r, 7)), "languages", list_or_empty(r, 8),
	    "vulnerabilities", list_or_empty(r, 9), "protected_identity",
	    text0(r, 10), "created_at", text0(r, 12), "updated_at",
	    text0(r, 13), "version", (json_int_t)db_int(r, 0, 14));
	if (!db_isnull(r, 0, 11))
		json_object_set_new(doc, "identity_sealed",
		    json_string(text0(r, 11)));
	db_result_free(r);
	return doc;
}

enum nmt_err
store_person_update(struct db *db, const char *person_id, long long version,
    const struct person_values *v, const char *now, int *stale)
{
	char		*langs, *vulns;
	enum nmt_err	 e;

	*stale = 0;
	langs = json_dumps(v->languages, JSON_COMPACT);
	vulns = json_dumps(v->vulnerabilities, JSON_COMPACT);
	{
		struct db_param	p[13] = {
			DB_TEXT(person_id), DB_TEXT(v->pseudonym),
			DB_TEXT(v->gender), opt_int(v->birth_year),
			opt_int(v->age_estimate), DB_INT(v->is_child),
			DB_TEXT(v->citizenship), DB_TEXT(langs),
			DB_TEXT(vulns), DB_TEXT(v->protection),
			DB_TEXT(v->identity_sealed), DB_TEXT(now),
			DB_INT(version),
		};

		e = db_query(db, "UPDATE person SET pseudonym = $2, "
		    "gender = $3, birth_year = $4, age_estimate = $5, "
		    "is_child = $6, citizenship = $7, languages = $8, "
		    "vulnerabilities = $9, protected_identity = $10, "
		    "identity_sealed = $11, updated_at = $12, "
		    "version = version + 1 WHERE id = $1 AND version = $13",
		    p, 13, NULL);
	}
	if (e == NMT_OK && db_changes(db) != 1)
		*stale = 1;
	free(langs);
	free(vulns);
	return e;
}

enum nmt_err
store_glass_insert(struct db *db, const char *id, const char *person_id,
    const char *case_id, const char *user_id, const char *reason,
    const char *now, const char *expires_at)
{
	struct db_param	p[7] = { DB_TEXT(id), DB_TEXT(person_id),
			    DB_TEXT(case_id), DB_TEXT(user_id), DB_TEXT(reason),
			    DB_TEXT(now), DB_TEXT(expires_at) };

	return db_query(db, "INSERT INTO break_glass (id, person_id, case_id, "
	    "user_id, reason, created_at, expires_at) VALUES ($1, $2, $3, $4, "
	    "$5, $6, $7)", p, 7, NULL);
}

enum nmt_err
store_glass_until(struct db *db, const char *person_id, const char *user_id,
    const char *now, char until[21])
{
	struct db_param		 p[3] = { DB_TEXT(person_id), DB_TEXT(user_id),
				    DB_TEXT(now) };
	struct db_result	*r = NULL;
	enum nmt_err		 e;

	*until = '\0';
	if ((e = db_query(db, "SELECT MAX(expires_at) FROM break_glass WHERE "
	    "person_id = $1 AND user_id = $2 AND expires_at > $3", p, 3,
	    &r)) != NMT_OK)
		return e;
	if (db_rows(r) == 1 && db_text(r, 0, 0) != NULL)
		strlcopy(until, db_text(r, 0, 0), 21);
	db_result_free(r);
	return NMT_OK;
}

json_t *
store_glass_list(struct db *db, const char *case_id, const char *before,
    int limit, enum nmt_err *e)
{
	struct db_param		 p[3] = { DB_TEXT(case_id), DB_TEXT(before),
				    DB_INT(limit + 1) };
	struct db_result	*r = NULL;
	json_t			*items, *next = json_null();
	char			*cursor;
	int			 i, n;

	if ((*e = db_query(db, "SELECT g.id, g.person_id, g.case_id, "
	    "u.username, g.reason, g.created_at, g.expires_at FROM "
	    "break_glass g JOIN app_user u ON u.id = g.user_id WHERE "
	    "(CAST($1 AS TEXT) IS NULL OR g.case_id = $1) AND "
	    "(CAST($2 AS TEXT) IS NULL OR g.created_at || '/' || g.id < $2) "
	    "ORDER BY g.created_at DESC, g.id DESC LIMIT $3", p, 3, &r)) !=
	    NMT_OK)
		return NULL;
	items = json_array();
	n = db_rows(r);
	for (i = 0; i < n && i < limit; i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s,s:s,"
		    "s:s,s:s}", "id", db_text(r, i, 0), "person",
		    db_text(r, i, 1), "case", db_text(r, i, 2), "user",
		    db_text(r, i, 3), "reason", db_text(r, i, 4), "granted_at",
		    db_text(r, i, 5), "expires_at", db_text(r, i, 6)));
	if (n > limit) {
		cursor = xasprintf("%s/%s", db_text(r, limit - 1, 5),
		    db_text(r, limit - 1, 0));
		json_decref(next);
		next = json_string(cursor);
		free(cursor);
	}
	db_result_free(r);
	return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}
