/*
 * sql.h — building one statement from parts: the text with its $n
 * parameters in order of use, the policy's scope rendered to SQL, optional
 * filters that keep the indexes usable, and keyset pagination.
 *
 * Every list in the store is built here, so every list filters by the
 * same scope rule, pages the same way and adds a filter only when it is
 * given: no "($1 IS NULL OR col = $1)" conditions, which a planner cannot
 * use an index for.
 */
#ifndef NMT_DB_SQL_H
#define NMT_DB_SQL_H

#include "db/db.h"
#include "domain/policy.h"

#define SQL_MAX_TEXT   4096
#define SQL_MAX_PARAMS 64
#define SQL_MAX_OWNED  16

struct sql {
	char            text[SQL_MAX_TEXT];
	size_t          len;
	struct db_param params[SQL_MAX_PARAMS];
	int             nparams;
	char           *owned[SQL_MAX_OWNED]; /* freed by sql_free */
	int             nowned;
	int             plan_each; /* sql_run: db_query_planned */
};

/*
 * A keyset page: the rows after (key, id) in the list's order, newest
 * first. key is the sort column's text (an integer's decimal digits for
 * integer keys); both NULL for the first page.
 */
struct page {
	int         limit; /* 1..200 */
	const char *key;
	const char *id;
};

/* A fresh statement (heap, as it is large); free with sql_free. */
struct sql *sql_new(void);
void        sql_free(struct sql *b);
/* Appends text. Aborts when the statement would not fit (a program bug). */
void sql_add(struct sql *b, const char *text);
/* Appends "$k" for a new parameter k. */
void sql_param(struct sql *b, struct db_param p);
/* Keeps s (malloc'd) until sql_free, e.g. a pattern a parameter points to. */
const char *sql_keep(struct sql *b, char *s);
/*
 * Runs the statement: db_query, or db_query_planned once a part whose
 * best plan depends on its values (a full-text match, search.c) set
 * b->plan_each.
 */
enum nmt_err sql_run(struct db *db, struct sql *b, struct db_result **r);

/* " AND col = $k" when value is not NULL, else nothing. */
void sql_and_eq(struct sql *b, const char *col, struct db_param v);
/*
 * " AND <search> LIKE $k" for each whitespace-separated word of folded
 * (at most 8 words), matching anywhere, with %, _ and \ escaped.
 */
void sql_and_words(struct sql *b, const char *search, const char *folded);

/*
 * The condition that the case at case_col is in scope s for the
 * principal's team rows valid at now (ISO time): SCOPE_ALL renders
 * "1 = 1", no reason "1 = 0". The same rule as policy_in_scope().
 */
void sql_case_scope(struct sql *b, const struct scope *s, const char *case_col,
    const char *region_col, const char *now);
/*
 * One kind of team row m that reaches the principal of s (SCOPE_TEAM):
 * named, "m.user_id = <s->user_id>"; else s->org's organization-wide
 * rows, "m.user_id IS NULL AND m.organization = <s->org>"; of the case at
 * case_col (NULL: of any case), live at now. sql_member_match's rule is
 * these two sides.
 */
void sql_team_side(struct sql *b, const struct scope *s, int named,
    const char *case_col, const char *now);
/*
 * The condition that a team row of the case at case_col reaches the
 * principal of s (SCOPE_TEAM: s->org's organization-wide rows and the
 * rows naming s->user_id, live at now): sql_member_match's rule asked as
 * two EXISTS, each on both keys of its own index (migration 0035).
 */
void sql_team_reaches(struct sql *b, const struct scope *s,
    const char *case_col, const char *now);
/*
 * The cases a team row reaches the principal of s in (s->org's
 * organization-wide rows and the rows naming s->user_id, live at now):
 * "(SELECT m.case_id FROM case_member m WHERE <the organization's> UNION
 * SELECT ... <the user's>)", the cases SCOPE_TEAM admits, each once.
 */
void sql_team_cases(struct sql *b, const struct scope *s, const char *now);
/*
 * The condition that the consultation with region_col and creator_col
 * (the user who submitted it) is in scope s: SCOPE_ALL, SCOPE_REGION,
 * SCOPE_OWN; no reason "1 = 0". The same rule as policy_in_scope().
 */
void sql_consultation_scope(struct sql *b, const struct scope *s,
    const char *region_col, const char *creator_col);
/*
 * The principal's best team access to the case at case_col as one
 * number: 2 * level (2 full, 1 pseudonymous) plus 1 when that row names
 * the principal; NULL when no row reaches it. p NULL: the principal of
 * a facts statement, its row "a" (store_facts.c).
 */
void sql_team_access(struct sql *b, const struct principal *p,
    const char *case_col, const char *now);

/*
 * The condition that the principal reads the "full" journal entries of
 * the case at case_col (policy_full_everywhere(), else the case's owner
 * organization or a live team row with full access): "1 = 1" for the
 * acting coordinators. The list's counterpart of ACT_JOURNAL_FULL.
 */
void sql_case_full(struct sql *b, const struct principal *p,
    const char *case_col, const char *now);

/*
 * Pagination, newest first, on a unique (key, id) order: appends the
 * "after the cursor" condition (when pg->key is set), then
 * " ORDER BY key DESC, id DESC LIMIT limit + 1". key_is_int binds the
 * key as an integer. One more row than the limit tells whether another
 * page follows (sql_page_more).
 */
void sql_page(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int);
/*
 * sql_page in either direction: ascending pages oldest (smallest) first,
 * with the "after the cursor" condition turned round to match (a case's
 * journal by its seq alone: id_col NULL).
 */
void sql_page_order(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int, int ascending);
/*
 * sql_page_order's "after the cursor" condition alone (" AND (key < k OR
 * (key = k AND id < i))", or nothing on the first page), for a statement
 * that orders and cuts its rows itself.
 */
void sql_page_after(struct sql *b, const struct page *pg, const char *key_col,
    const char *id_col, int key_is_int, int ascending);
/* Whether the result holds another page after the limit. */
int sql_page_more(const struct db_result *r, const struct page *pg);

#endif
