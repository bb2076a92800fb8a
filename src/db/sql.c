/*
 * sql.c — statement building, the scope rendered to SQL, optional
 * filters and keyset pages (see sql.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "db/sql.h"

#define MAX_QUERY_WORDS 8

struct sql *
sql_new(void)
{
	return xcalloc(1, sizeof(struct sql));
}

void
sql_free(struct sql *b)
{
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < b->nowned; i++)
		free(b->owned[i]);
	free(b);
}

void
sql_add(struct sql *b, const char *text)
{
	size_t n = strlen(text);

	ASSERT(b->len + n < sizeof(b->text));
	memcpy(b->text + b->len, text, n + 1);
	b->len += n;
}

void
sql_param(struct sql *b, struct db_param p)
{
	char ref[16];

	ASSERT(b->nparams < SQL_MAX_PARAMS);
	b->params[b->nparams++] = p;
	snprintf(ref, sizeof(ref), "$%d", b->nparams);
	sql_add(b, ref);
}

const char *
sql_keep(struct sql *b, char *s)
{
	ASSERT(b->nowned < SQL_MAX_OWNED);
	b->owned[b->nowned++] = s;
	return s;
}

enum nmt_err
sql_run(struct db *db, struct sql *b, struct db_result **r)
{
	return b->plan_each ?
	    db_query_planned(db, b->text, b->params, b->nparams, r) :
	    db_query(db, b->text, b->params, b->nparams, r);
}

void
sql_and_eq(struct sql *b, const char *col, struct db_param v)
{
	if (v.type == DBP_NULL)
		return;
	sql_add(b, " AND ");
	sql_add(b, col);
	sql_add(b, " = ");
	sql_param(b, v);
}

/* A LIKE pattern matching word anywhere, with %, _ and \ escaped. */
static char *
like_pattern(const char *word, size_t len)
{
	char  *out = xmalloc(len * 2 + 3), *o = out;
	size_t i;

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

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

void
sql_and_words(struct sql *b, const char *search, const char *folded)
{
	const char *p = folded, *start;
	int         n = 0;

	while (p != NULL && *p != '\0' && n < MAX_QUERY_WORDS) {
		while (is_space(*p))
			p++;
		start = p;
		while (*p != '\0' && !is_space(*p))
			p++;
		if (p == start)
			break;
		sql_add(b, " AND ");
		sql_add(b, search);
		sql_add(b, " LIKE ");
		sql_param(b,
		    DB_TEXT(
		        sql_keep(b, like_pattern(start, (size_t)(p - start)))));
		sql_add(b, " ESCAPE '\\'");
		n++;
	}
}

/* " AND" the team row m is live at now (no end, or an end after it). */
static void
sql_and_live(struct sql *b, const char *now)
{
	sql_add(b, " AND (m.expires_at IS NULL OR m.expires_at > ");
	sql_param(b, DB_TEXT(now));
	sql_add(b, ")");
}

/*
 * Team row m of the case at case_col (NULL: of any case) reaches the
 * principal (org, user_id; both NULL: the facts statement's principal
 * row): an organization-wide row (no user) for its organization, or a
 * row naming the principal itself, that has not expired. A row naming a
 * user reaches that user only.
 */
static void
sql_member_match(struct sql *b, const char *org, const char *user_id,
    const char *case_col, const char *now)
{
	int row = org == NULL && user_id == NULL;

	if (case_col != NULL) {
		sql_add(b, "m.case_id = ");
		sql_add(b, case_col);
		sql_add(b, " AND ");
	}
	sql_add(b, "((m.user_id IS NULL AND m.organization = ");
	if (row)
		sql_add(b, "a.organization");
	else
		sql_param(b, DB_TEXT(org));
	sql_add(b, ") OR m.user_id = ");
	if (row)
		sql_add(b, "a.id");
	else
		sql_param(b, DB_TEXT(user_id));
	sql_add(b, ")");
	sql_and_live(b, now);
}

void
sql_team_access(struct sql *b, const struct principal *p, const char *case_col,
    const char *now)
{
	/* 2 * level + (1 when the row names the principal): the best row. */
	sql_add(b,
	    "(SELECT MAX(CASE m.access WHEN 'full' THEN 4 ELSE 2 END + "
	    "CASE WHEN m.user_id IS NULL THEN 0 ELSE 1 END) "
	    "FROM case_member m WHERE ");
	sql_member_match(b, p != NULL ? p->org : NULL,
	    p != NULL ? p->user_id : NULL, case_col, now);
	sql_add(b, ")");
}

void
sql_case_scope(struct sql *b, const struct scope *s, const char *case_col,
    const char *region_col, const char *now)
{
	const char *sep = "";

	if (s->reasons & SCOPE_ALL) {
		sql_add(b, "1 = 1");
		return;
	}
	if ((s->reasons & (SCOPE_REGION | SCOPE_TEAM)) == 0) {
		sql_add(b, "1 = 0");
		return;
	}
	sql_add(b, "(");
	if (s->reasons & SCOPE_REGION) {
		sql_add(b, region_col);
		sql_add(b, " = ");
		sql_param(b, DB_TEXT(s->region));
		sep = " OR ";
	}
	if (s->reasons & SCOPE_TEAM) {
		sql_add(b, sep);
		sql_team_reaches(b, s, case_col, now);
	}
	sql_add(b, ")");
}

void
sql_team_side(struct sql *b, const struct scope *s, int named,
    const char *case_col, const char *now)
{
	if (named) {
		sql_add(b, "m.user_id = ");
		sql_param(b, DB_TEXT(s->user_id));
	} else {
		sql_add(b, "m.user_id IS NULL AND m.organization = ");
		sql_param(b, DB_TEXT(s->org));
	}
	if (case_col != NULL) {
		sql_add(b, " AND m.case_id = ");
		sql_add(b, case_col);
	}
	sql_and_live(b, now);
}

void
sql_team_reaches(struct sql *b, const struct scope *s, const char *case_col,
    const char *now)
{
	/* Each side on both its keys (0035). */
	sql_add(b, "(EXISTS (SELECT 1 FROM case_member m WHERE ");
	sql_team_side(b, s, 0, case_col, now);
	sql_add(b, ") OR EXISTS (SELECT 1 FROM case_member m WHERE ");
	sql_team_side(b, s, 1, case_col, now);
	sql_add(b, "))");
}

void
sql_team_cases(struct sql *b, const struct scope *s, const char *now)
{
	/* Each side read from its own index alone (0034); the UNION merges. */
	sql_add(b, "(SELECT m.case_id FROM case_member m WHERE ");
	sql_team_side(b, s, 0, NULL, now);
	sql_add(b, " UNION SELECT m.case_id FROM case_member m WHERE ");
	sql_team_side(b, s, 1, NULL, now);
	sql_add(b, ")");
}

void
sql_consultation_scope(struct sql *b, const struct scope *s,
    const char *region_col, const char *creator_col)
{
	const char *sep = "";

	if (s->reasons & SCOPE_ALL) {
		sql_add(b, "1 = 1");
		return;
	}
	if ((s->reasons & (SCOPE_REGION | SCOPE_OWN)) == 0) {
		sql_add(b, "1 = 0");
		return;
	}
	sql_add(b, "(");
	if (s->reasons & SCOPE_REGION) {
		sql_add(b, region_col);
		sql_add(b, " = ");
		sql_param(b, DB_TEXT(s->region));
		sep = " OR ";
	}
	if (s->reasons & SCOPE_OWN) {
		sql_add(b, sep);
		sql_add(b, creator_col);
		sql_add(b, " = ");
		sql_param(b, DB_TEXT(s->user_id));
	}
	sql_add(b, ")");
}

void
sql_case_full(struct sql *b, const struct principal *p, const char *case_col,
    const char *now)
{
	if (policy_full_everywhere(p)) {
		sql_add(b, "1 = 1");
		return;
	}
	sql_add(b, "(EXISTS (SELECT 1 FROM nmt_case o WHERE o.id = ");
	sql_add(b, case_col);
	sql_add(b, " AND o.owner_org = ");
	sql_param(b, DB_TEXT(p->org));
	sql_add(b, ") OR EXISTS (SELECT 1 FROM case_member m WHERE ");
	sql_member_match(b, p->org, p->user_id, case_col, now);
	sql_add(b, " AND m.access = 'full'))");
}

static struct db_param
key_param(const char *key, int key_is_int)
{
	int64_t v = 0;

	if (key_is_int && parse_int(key, INT64_MIN, INT64_MAX, &v) == 0)
		return DB_INT(v);
	return DB_TEXT(key);
}

void
sql_page(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int)
{
	sql_page_order(b, pg, key_col, id_col, key_is_int, 0);
}

void
sql_page_after(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int, int ascending)
{
	const char *after = ascending ? " > " : " < ";

	if (pg->key != NULL) {
		sql_add(b, " AND (");
		sql_add(b, key_col);
		sql_add(b, after);
		sql_param(b, key_param(pg->key, key_is_int));
		if (id_col != NULL && pg->id != NULL) {
			sql_add(b, " OR (");
			sql_add(b, key_col);
			sql_add(b, " = ");
			sql_param(b, key_param(pg->key, key_is_int));
			sql_add(b, " AND ");
			sql_add(b, id_col);
			sql_add(b, after);
			sql_param(b, DB_TEXT(pg->id));
			sql_add(b, ")");
		}
		sql_add(b, ")");
	}
}

void
sql_page_order(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int, int ascending)
{
	const char *dir = ascending ? " ASC" : " DESC";

	sql_page_after(b, pg, key_col, id_col, key_is_int, ascending);
	sql_add(b, " ORDER BY ");
	sql_add(b, key_col);
	sql_add(b, dir);
	if (id_col != NULL) {
		sql_add(b, ", ");
		sql_add(b, id_col);
		sql_add(b, dir);
	}
	sql_add(b, " LIMIT ");
	sql_param(b, DB_INT(pg->limit + 1));
}

int
sql_page_more(const struct db_result *r, const struct page *pg)
{
	return db_rows(r) > pg->limit;
}
