/*
 * store_case.c — cases and their teams.
 *
 * A case's number (NMT-YYYY-NNNNN) comes from a per-year counter advanced
 * in the creating transaction. search_text holds the folded title,
 * summary and notes (core/text.h), so word search behaves the same on
 * both databases. Case lists are filtered in SQL by the scope the policy
 * gives, and every row is checked against the policy once more before it
 * is returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define MAX_QUERY_WORDS 8
/*
 * The most parameters a case list binds: the access column (3), the
 * scope (4), status, region and cursor (3), the words, and the limit.
 */
#define MAX_LIST_PARAMS (3 + 4 + 3 + MAX_QUERY_WORDS + 1)

static const char *
text0(const struct db_result *r, int row, int col)
{
	const char	*s = db_text(r, row, col);

	return s ? s : "";
}

static json_t *
json_text_or_null(const struct db_result *r, int row, int col)
{
	return db_isnull(r, row, col) ? json_null() :
	    json_string(db_text(r, row, col));
}

static json_t *
json_list_column(const struct db_result *r, int row, int col)
{
	json_t	*v = json_loads(text0(r, row, col), JSON_DECODE_ANY, NULL);

	if (!json_is_array(v)) {
		json_decref(v);
		return json_array();
	}
	return v;
}

/* A statement under construction with its parameters in order of use. */
struct sql_builder {
	char		 sql[4096];
	size_t		 len;
	struct db_param	 params[MAX_LIST_PARAMS];
	int		 nparams;
	char		*owned[MAX_QUERY_WORDS];
	int		 nowned;
};

static void
sb_add(struct sql_builder *b, const char *text)
{
	size_t	n = strlen(text);

	ASSERT(b->len + n < sizeof(b->sql));
	memcpy(b->sql + b->len, text, n + 1);
	b->len += n;
}

/* Appends "$k" for a new parameter. */
static void
sb_param(struct sql_builder *b, struct db_param p)
{
	char	ref[16];

	ASSERT(b->nparams < MAX_LIST_PARAMS);
	b->params[b->nparams++] = p;
	snprintf(ref, sizeof(ref), "$%d", b->nparams);
	sb_add(b, ref);
}

/*
 * Appends the condition that team row m of case c reaches the principal:
 * an organization-wide row (no user) for its organization, or a row
 * naming the principal itself, that has not expired. A row naming a user
 * reaches that user only, never the rest of the organization.
 */
static void
sb_member_match(struct sql_builder *b, const struct principal *p,
    const char *now)
{
	sb_add(b, "m.case_id = c.id AND ((m.user_id IS NULL AND "
	    "m.organization = ");
	sb_param(b, DB_TEXT(p->org));
	sb_add(b, ") OR m.user_id = ");
	sb_param(b, DB_TEXT(p->user_id));
	sb_add(b, ") AND (m.expires_at IS NULL OR m.expires_at > ");
	sb_param(b, DB_TEXT(now));
	sb_add(b, ")");
}

/* Appends the best team access (2 full, 1 pseudonymous, NULL none). */
static void
sb_team_access(struct sql_builder *b, const struct principal *p,
    const char *now)
{
	sb_add(b, "(SELECT MAX(CASE m.access WHEN 'full' THEN 2 ELSE 1 END) "
	    "FROM case_member m WHERE ");
	sb_member_match(b, p, now);
	sb_add(b, ")");
}

static char *
search_text(const char *title, const char *summary, const char *notes)
{
	char	*joined, *folded;

	joined = xasprintf("%s\n%s\n%s", title, summary, notes);
	folded = text_fold(joined);
	free(joined);
	return folded ? folded : xstrdup("");
}

static enum access
access_from_level(long long level)
{
	return level >= 2 ? ACCESS_FULL : level == 1 ? ACCESS_PSEUDONYMOUS :
	    ACCESS_NONE;
}

enum nmt_err
store_case_facts(struct db *db, const char *case_id,
    const struct principal *p, const char *now, struct case_row_facts *f,
    int *found)
{
	struct sql_builder	*b = xcalloc(1, sizeof(*b));
	struct db_result	*r = NULL;
	enum nmt_err		 e;

	*found = 0;
	memset(f, 0, sizeof(*f));
	sb_add(b, "SELECT c.region, c.owner_org, ");
	sb_team_access(b, p, now);
	sb_add(b, " FROM nmt_case c WHERE c.id = ");
	sb_param(b, DB_TEXT(case_id));
	if ((e = db_query(db, b->sql, b->params, b->nparams, &r)) != NMT_OK)
		goto out;
	if (db_rows(r) == 1) {
		strlcopy(f->region, text0(r, 0, 0), sizeof(f->region));
		strlcopy(f->owner_org, text0(r, 0, 1), sizeof(f->owner_org));
		f->team_access = access_from_level(db_int(r, 0, 2));
		f->facts.region = f->region;
		f->facts.owner_org = f->owner_org;
		f->facts.team_access = f->team_access;
		*found = 1;
	}
out:
	db_result_free(r);
	free(b);
	return e;
}

static enum nmt_err
next_case_number(struct db *db, const char *now, char number[32])
{
	char			 name[16], year[5];
	struct db_param		 p[1];
	struct db_result	*r = NULL;
	enum nmt_err		 e;

	memcpy(year, now, 4);
	year[4] = '\0';
	snprintf(name, sizeof(name), "case-%s", year);
	p[0] = DB_TEXT(name);
	if ((e = db_query(db, "INSERT INTO counter (name, value) VALUES ($1, 1) "
	    "ON CONFLICT (name) DO UPDATE SET value = counter.value + 1 "
	    "RETURNING value", p, 1, &r)) != NMT_OK)
		return e;
	if (db_rows(r) != 1) {
		db_result_free(r);
		return NMT_ERROR;
	}
	snprintf(number, 32, "NMT-%s-%05lld", year, (long long)db_int(r, 0, 0));
	db_result_free(r);
	return NMT_OK;
}

enum nmt_err
store_case_insert(struct db *db, const struct new_case *nc, const char *now,
    char id[UUID_TEXT])
{
	char		 number[32], member_id[UUID_TEXT], *expl, *search;
	enum nmt_err	 e;

	if ((e = next_case_number(db, now, number)) != NMT_OK)
		return e;
	token_uuid(id);
	expl = json_dumps(nc->exploitation, JSON_COMPACT);
	search = search_text(nc->title, nc->summary, nc->notes);
	{
		struct db_param	p[13] = {
			DB_TEXT(id), DB_TEXT(number), DB_TEXT(nc->title),
			DB_TEXT(nc->summary), DB_TEXT(nc->notes),
			DB_TEXT(nc->county), DB_TEXT(nc->region),
			DB_TEXT(expl), DB_TEXT(nc->owner_user),
			DB_TEXT(nc->owner_org), DB_TEXT(search), DB_TEXT(now),
			DB_INT(1),
		};

		e = db_query(db, "INSERT INTO nmt_case (id, number, title, "
		    "summary, notes, status, county, region, exploitation, "
		    "owner_user, owner_org, search_text, version, created_at, "
		    "updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, "
		    "$8, $9, $10, $11, $13, $12, $12)", p, 13, NULL);
	}
	free(expl);
	free(search);
	if (e != NMT_OK)
		return e;
	return store_team_add(db, id, nc->owner_org, NULL, "full",
	    nc->owner_user, now, member_id);
}

static json_t *
team_from_rows(const struct db_result *r)
{
	json_t	*team = json_array();
	int	 i;

	for (i = 0; i < db_rows(r); i++)
		json_array_append_new(team, json_pack("{s:s,s:s,s:o,s:s,s:s,s:s}",
		    "id", text0(r, i, 0), "organization", text0(r, i, 1),
		    "username", json_text_or_null(r, i, 2), "access",
		    text0(r, i, 3), "added_by", text0(r, i, 4), "added_at",
		    text0(r, i, 5)));
	return team;
}

#define TEAM_SELECT \
	"SELECT m.id, m.organization, u.username, m.access, a.username, " \
	"m.added_at FROM case_member m LEFT JOIN app_user u ON " \
	"u.id = m.user_id JOIN app_user a ON a.id = m.added_by "

json_t *
store_team_list(struct db *db, const char *case_id, enum nmt_err *e)
{
	struct db_param		 p[1] = { DB_TEXT(case_id) };
	struct db_result	*r = NULL;
	json_t			*team;

	if ((*e = db_query(db, TEAM_SELECT "WHERE m.case_id = $1 "
	    "ORDER BY m.added_at, m.id", p, 1, &r)) != NMT_OK)
		return NULL;
	team = team_from_rows(r);
	db_result_free(r);
	return team;
}

json_t *
store_team_member(struct db *db, const char *case_id, const char *member_id,
    enum nmt_err *e)
{
	struct db_param		 p[2] = { DB_TEXT(case_id), DB_TEXT(member_id) };
	struct db_result	*r = NULL;
	json_t			*team, *member = NULL;

	if ((*e = db_query(db, TEAM_SELECT "WHERE m.case_id = $1 AND "
	    "m.id = $2", p, 2, &r)) != NMT_OK)
		return NULL;
	team = team_from_rows(r);
	if (json_array_size(team) == 1)
		member = json_incref(json_array_get(team, 0));
	json_decref(team);
	db_result_free(r);
	return member;
}

enum nmt_err
store_team_add(struct db *db, const char *case_id, const char *org,
    const char *user_id, const char *access, const char *added_by,
    const char *now, char id[UUID_TEXT])
{
	struct db_param	p[7];

	token_uuid(id);
	p[0] = DB_TEXT(id);
	p[1] = DB_TEXT(case_id);
	p[2] = DB_TEXT(org);
	p[3] = DB_TEXT(user_id);
	p[4] = DB_TEXT(access);
	p[5] = DB_TEXT(added_by);
	p[6] = DB_TEXT(now);
	return db_query(db, "INSERT INTO case_member (id, case_id, "
	    "organization, user_id, access, added_by, added_at) VALUES ($1, "
	    "$2, $3, $4, $5, $6, $7)", p, 7, NULL);
}

enum nmt_err
store_team_remove(struct db *db, const char *case_id, const char *member_id,
    int *found)
{
	struct db_param	p[2] = { DB_TEXT(case_id), DB_TEXT(member_id) };
	enum nmt_err	e;

	e = db_query(db, "DELETE FROM case_member WHERE case_id = $1 AND "
	    "id = $2", p, 2, NULL);
	*found = e == NMT_OK && db_changes(db) > 0;
	return e;
}

json_t *
store_case_get(struct db *db, const char *case_id, enum nmt_err *e)
{
	struct db_param		 p[1] = { DB_TEXT(case_id) };
	struct db_result	*r = NULL;
	json_t			*c, *team, *persons;
	int			 i;

	if ((*e = db_query(db, "SELECT c.id, c.number, c.title, c.summary, "
	    "c.notes, c.status, c.county, c.region, c.exploitation, "
	    "u.username, c.owner_org, c.created_at, c.updated_at, c.version "
	    "FROM nmt_case c JOIN app_user u ON u.id = c.owner_user "
	    "WHERE c.id = $1", p, 1, &r)) != NMT_OK)
		return NULL;
	if (db_rows(r) != 1) {
		db_result_free(r);
		return NULL;
	}
	c = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:{s:s,s:s},"
	    "s:s,s:s,s:I}",
	    "id", text0(r, 0, 0), "number", text0(r, 0, 1), "title",
	    text0(r, 0, 2), "summary", text0(r, 0, 3), "notes", text0(r, 0, 4),
	    "status", text0(r, 0, 5), "county", text0(r, 0, 6), "region",
	    text0(r, 0, 7), "exploitation", json_list_column(r, 0, 8),
	    "owner", "username", text0(r, 0, 9), "organization",
	    text0(r, 0, 10), "created_at", text0(r, 0, 11), "updated_at",
	    text0(r, 0, 12), "version", (json_int_t)db_int(r, 0, 13));
	db_result_free(r);
	r = NULL;
	if ((team = store_team_list(db, case_id, e)) == NULL)
		goto fail;
	json_object_set_new(c, "team", team);
	if ((*e = db_query(db, "SELECT id, pseudonym, gender, is_child, "
	    "protected_identity FROM person WHERE case_id = $1 "
	    "ORDER BY created_at, id", p, 1, &r)) != NMT_OK)
		goto fail;
	persons = json_array();
	for (i = 0; i < db_rows(r); i++)
		json_array_append_new(persons, json_pack("{s:s,s:s,s:s,s:b,s:s}",
		    "id", text0(r, i, 0), "pseudonym", text0(r, i, 1),
		    "gender", text0(r, i, 2), "is_child",
		    db_int(r, i, 3) != 0, "protected_identity",
		    text0(r, i, 4)));
	db_result_free(r);
	json_object_set_new(c, "persons", persons);
	return c;
fail:
	json_decref(c);
	return NULL;
}

/* A LIKE pattern matching word anywhere, with %, _ and \ escaped. */
static char *
like_pattern(const char *word, size_t len)
{
	char	*out = xmalloc(len * 2 + 3), *o = out;
	size_t	 i;

	*o++ = '%';
	for (i = 0; i < len; i++) {
		if (word[i] == '%' || word[i] == '_' || word[i] == '\\')
			*o++ = '\\';
		*o++ = word[i];
	}
	*o++ = '%';
	*o = '\0';
	return out;
}

static void
sb_words(struct sql_builder *b, const char *query)
{
	const char	*p = query, *start;
	char		*pattern;

	while (*p != '\0' && b->nowned < MAX_QUERY_WORDS) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		start = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			p++;
		if (p == start)
			break;
		pattern = like_pattern(start, (size_t)(p - start));
		b->owned[b->nowned++] = pattern;
		sb_add(b, " AND c.search_text LIKE ");
		sb_param(b, DB_TEXT(pattern));
		sb_add(b, " ESCAPE '\\'");
	}
}

static void
sb_scope(struct sql_builder *b, const struct case_filter *f)
{
	if (f->scope == SCOPE_ALL) {
		sb_add(b, "1 = 1");
		return;
	}
	sb_add(b, "(");
	if (f->scope == SCOPE_REGION_OR_TEAM) {
		sb_add(b, "c.region = ");
		sb_param(b, DB_TEXT(f->principal->region));
		sb_add(b, " OR ");
	}
	sb_add(b, "EXISTS (SELECT 1 FROM case_member m WHERE ");
	sb_member_match(b, f->principal, f->now);
	sb_add(b, "))");
}

static json_t *
case_summary(const struct db_result *r, int i)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s,s:s,s:I}",
	    "id", text0(r, i, 0), "number", text0(r, i, 1), "title",
	    text0(r, i, 2), "status", text0(r, i, 3), "county", text0(r, i, 4),
	    "region", text0(r, i, 5), "exploitation", json_list_column(r, i, 6),
	    "owner_organization", text0(r, i, 7), "created_at", text0(r, i, 8),
	    "updated_at", text0(r, i, 9), "version",
	    (json_int_t)db_int(r, i, 10));
}

json_t *
store_case_list(struct db *db, const struct case_filter *f, enum nmt_err *e)
{
	struct sql_builder	*b = xcalloc(1, sizeof(*b));
	struct db_result	*r = NULL;
	struct case_facts	 facts;
	json_t			*items = NULL, *next = json_null();
	int			 i, n;

	sb_add(b, "SELECT c.id, c.number, c.title, c.status, c.county, "
	    "c.region, c.exploitation, c.owner_org, c.created_at, "
	    "c.updated_at, c.version, ");
	sb_team_access(b, f->principal, f->now);
	sb_add(b, " FROM nmt_case c WHERE ");
	sb_scope(b, f);
	if (f->status != NULL) {
		sb_add(b, " AND c.status = ");
		sb_param(b, DB_TEXT(f->status));
	}
	if (f->region != NULL) {
		sb_add(b, " AND c.region = ");
		sb_param(b, DB_TEXT(f->region));
	}
	if (f->cursor != NULL) {
		sb_add(b, " AND c.number < ");
		sb_param(b, DB_TEXT(f->cursor));
	}
	if (f->query != NULL)
		sb_words(b, f->query);
	sb_add(b, " ORDER BY c.number DESC LIMIT ");
	sb_param(b, DB_INT(f->limit + 1));
	if ((*e = db_query(db, b->sql, b->params, b->nparams, &r)) != NMT_OK)
		goto out;
	items = json_array();
	n = db_rows(r);
	for (i = 0; i < n && i < f->limit; i++) {
		facts.region = text0(r, i, 5);
		facts.owner_org = text0(r, i, 7);
		facts.team_access = access_from_level(db_int(r, i, 11));
		/* The policy has the last word on every row. */
		if (policy_case(f->principal, CASE_READ, &facts) != POLICY_ALLOW)
			continue;
		json_array_append_new(items, case_summary(r, i));
	}
	if (n > f->limit) {
		json_decref(next);
		next = json_string(text0(r, f->limit - 1, 1));
	}
out:
	db_result_free(r);
	for (i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b);
	if (items == NULL) {
		json_decref(next);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "items", items, "next_cursor", next);
}

static const char *
upd_text(const json_t *upd, const char *key, const char *current)
{
	const json_t	*v = json_object_get(upd, key);

	return json_is_string(v) ? json_string_value(v) : current;
}

enum nmt_err
store_case_update(struct db *db, const char *case_id, long long version,
    const json_t *upd, const char *region, const char *now, int *stale)
{
	struct db_param		 p[1] = { DB_TEXT(case_id) };
	struct db_result	*r = NULL;
	const char		*title, *summary, *notes, *status, *county;
	char			*expl, *search;
	enum nmt_err		 e;

	*stale = 0;
	if ((e = db_query(db, "SELECT title, summary, notes, status, county, "
	    "region, exploitation, version FROM nmt_case WHERE id = $1", p, 1,
	    &r)) != NMT_OK)
		return e;
	/* Merge only onto the version named; see store_case_update(). */
	if (db_rows(r) != 1 || db_int(r, 0, 7) != version) {
		db_result_free(r);
		*stale = 1;
		return NMT_OK;
	}
	title = upd_text(upd, "title", text0(r, 0, 0));
	summary = upd_text(upd, "summary", text0(r, 0, 1));
	notes = upd_text(upd, "notes", text0(r, 0, 2));
	status = upd_text(upd, "status", text0(r, 0, 3));
	county = upd_text(upd, "county", text0(r, 0, 4));
	if (region == NULL)
		region = text0(r, 0, 5);
	expl = json_object_get(upd, "exploitation") ?
	    json_dumps(json_object_get(upd, "exploitation"), JSON_COMPACT) :
	    xstrdup(text0(r, 0, 6));
	search = search_text(title, summary, notes);
	{
		struct db_param	q[11] = {
			DB_TEXT(case_id), DB_TEXT(title), DB_TEXT(summary),
			DB_TEXT(notes), DB_TEXT(status), DB_TEXT(county),
			DB_TEXT(region), DB_TEXT(expl), DB_TEXT(search),
			DB_TEXT(now), DB_INT(version),
		};

		e = db_query(db, "UPDATE nmt_case SET title = $2, summary = $3, "
		    "notes = $4, status = $5, county = $6, region = $7, "
		    "exploitation = $8, search_text = $9, updated_at = $10, "
		    "version = version + 1 WHERE id = $1 AND version = $11",
		    q, 11, NULL);
	}
	if (e == NMT_OK && db_changes(db) != 1)
		*stale = 1;
	free(expl);
	free(search);
	db_result_free(r);
	return e;
}
