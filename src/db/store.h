/*
 * store.h — what the application keeps, as functions over a connection.
 *
 * Every function runs its statements on the given connection and leaves
 * transactions to the caller (api/write.c opens one per change, with its
 * audit entry). Functions take and return typed records (db/record.h):
 * no JSON crosses this interface, and sealed fields are sealed and opened
 * here, never handed out sealed. Arrays of records are malloc'd; free them
 * with the matching *_free.
 */
#ifndef NMT_DB_STORE_H
#define NMT_DB_STORE_H

#include <time.h>

#include "crypto/blind.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/record.h"
#include "db/search.h"
#include "db/sql.h"
#include "domain/pathway.h"
#include "domain/policy.h"

/* ---- reference data (store_reference.c) ---- */

/* A reference row: up to five text columns, as its record type names. */
struct ref_row {
	char *col[5];
};

extern const struct record_type organization_record;
extern const struct record_type region_record;
extern const struct record_type county_record;
extern const struct record_type country_record;
extern const struct record_type language_record;

/*
 * Every row of a reference table, in its order: *rows_r (free each with
 * record_free and the array with free), *n_r rows.
 */
enum nmt_err store_reference(struct db *db, const struct record_type *t,
    struct ref_row **rows_r, size_t *n_r);
enum nmt_err store_country_exists(struct db *db, const char *code, int *found);
/* Whether code is a language of the table (ISO 639-1, lower case). */
enum nmt_err store_language_exists(struct db *db, const char *code, int *found);
/* The region of a county into region (33 bytes); *found 0 if unknown. */
enum nmt_err store_county_region(struct db *db, const char *county,
    char region[33], int *found);
enum nmt_err store_org_exists(struct db *db, const char *code, int *found);
enum nmt_err store_region_exists(struct db *db, const char *code, int *found);

/* ---- accounts (store_account.c) ---- */

#define DISPLAY_NAME_BYTES 512 /* with the NUL; nmtctl refuses longer names */

struct user_row {
	char      id[UUID_TEXT];
	char      username[65];
	char      display_name[DISPLAY_NAME_BYTES];
	char      org[65];
	char      org_name[512];
	char      region[33]; /* "" when none */
	enum role role;
	char     *password_hash; /* malloc'd */
	char     *totp_sealed;   /* malloc'd */
	long long totp_last_step;
	int       active;
};

void         user_row_cleanup(struct user_row *u);
enum nmt_err store_user_insert(struct db *db, const struct user_row *u,
    const char *created_at);
enum nmt_err store_user_by_name(struct db *db, const char *username,
    struct user_row *u, int *found);
/*
 * Disables a user: status 'disabled', every session ended and every API
 * token revoked. *found 0 when no such user.
 */
enum nmt_err store_user_disable(struct db *db, const char *username,
    const char *now, int *found);
/* Revokes every API token of a user; *count gets how many. */
enum nmt_err store_token_revoke_all(struct db *db, const char *user_id,
    const char *now, long long *count);
/* Records a TOTP step as used; *taken 0 when it (or a later one) was. */
enum nmt_err store_user_use_step(struct db *db, const char *user_id,
    long long step, int *taken);

/* Login throttling by keyed hash of the folded user name. */
/*
 * Inside a write transaction: takes the name's throttle row (creating it
 * with no failures, last_failure_at now; FOR UPDATE on PostgreSQL, so
 * concurrent logins of one name queue) and tells whether the name is
 * locked at now.
 */
enum nmt_err store_throttle_hold(struct db *db, const char *name_hash,
    const char *now, int *locked);
enum nmt_err store_throttle_locked(struct db *db, const char *name_hash,
    const char *now, int *locked);
/*
 * Counts a failure on the row store_throttle_hold() took in this
 * transaction (failures before window_start are forgotten); at
 * max_failures the name is locked until lock_until and *now_locked is 1.
 */
enum nmt_err store_throttle_fail(struct db *db, const char *name_hash,
    int max_failures, const char *now, const char *window_start,
    const char *lock_until, int *now_locked);
enum nmt_err store_throttle_clear(struct db *db, const char *name_hash);

/*
 * Failed logins per client (keyed hash of its address): one instant,
 * free_at, when the client's failures are paid off. Read without a lock
 * (*found 0: no row), or inside a write transaction held (the row created
 * at now when missing; FOR UPDATE on PostgreSQL) and then set.
 */
enum nmt_err store_client_read(struct db *db, const char *client_hash,
    char free_at[21], int *found);
enum nmt_err store_client_hold(struct db *db, const char *client_hash,
    const char *now, char free_at[21]);
enum nmt_err store_client_set(struct db *db, const char *client_hash,
    const char *free_at);

/*
 * Inside a write transaction: deletes up to limit expired name rows (last
 * failure before window_start, not locked at now) and up to limit
 * paid-off client rows (free_at at or before now), never the two rows
 * this transaction holds; on PostgreSQL rows other transactions hold are
 * skipped, not waited for. *purged gets how many went.
 */
enum nmt_err store_login_purge(struct db *db, const char *now,
    const char *window_start, const char *held_name, const char *held_client,
    int limit, long long *purged);

/*
 * The live sessions: created after created_after and seen after
 * seen_after (the limits store_session_find applies), into *n.
 */
enum nmt_err store_session_count(struct db *db, const char *created_after,
    const char *seen_after, long long *n);
/* Deletes sessions past their absolute or idle limit. */
enum nmt_err store_session_purge(struct db *db, const char *created_before,
    const char *seen_before);
enum nmt_err store_session_insert(struct db *db, const char *token_hash,
    const char *user_id, const char *csrf, const char *now);
/*
 * The object whose policy facts a request's authentication reads in its
 * own statement (store_facts.c): kind q, the asked id, now (ISO time);
 * the facts into *f, for the user the credential names (f->exists 0 when
 * there is no such object or no such user).
 */
struct facts_ask {
	const struct facts_query *q;
	const char               *id;
	const char               *now;
	struct facts             *f;
};
/*
 * Finds a live session (created after created_after, seen after
 * seen_after) and its user in one statement, with ask (NULL: none) the
 * facts of the object it asks for too: fills u (release with
 * user_row_cleanup when found), csrf and last_seen.
 */
enum nmt_err store_session_find(struct db *db, const char *token_hash,
    const char *created_after, const char *seen_after,
    const struct facts_ask *ask, struct user_row *u, char csrf[64],
    char last_seen[21], int *found);
enum nmt_err store_session_touch(struct db *db, const char *token_hash,
    const char *now);
enum nmt_err store_session_delete(struct db *db, const char *token_hash);

enum nmt_err store_token_insert(struct db *db, const char *token_hash,
    const char *user_id, const char *now);
/* An API token's user, unless revoked, in one statement (as above). */
enum nmt_err store_token_find(struct db *db, const char *token_hash,
    const struct facts_ask *ask, struct user_row *u, int *found);

/* ---- the policy facts of an object (store_facts.c) ---- */

/*
 * How the policy facts of one object kind are read: one statement
 *   SELECT <cols> FROM <principal row> a,
 *       (SELECT CAST($id AS TEXT) AS id) k <joins>
 * returning one row for any id, its first column (the object's id) NULL
 * when there is no such object, so the work does not depend on whether
 * it exists. cols name the principal as a.id (its user id) and
 * a.organization (sql_team_access with p NULL); the principal row is a
 * known principal (store_facts) or the user a credential names
 * (store_token_find, store_session_find).
 */
struct facts_query {
	enum object_kind kind;
	/* Appends the select list, the object's id first; now: ISO time. */
	void (*cols)(struct sql *b, const char *now);
	/* After k: the object's rows joined to k.id ("" for none). */
	const char *joins;
	/*
	 * Inside a write: the statement locking the rows the object belongs
	 * to, $1 the asked id (FOR UPDATE on PostgreSQL); NULL: none.
	 */
	const char *lock;
	/* The facts from the row's columns (f zeroed, kind and exists set). */
	void (*read)(const struct db_result *r, struct facts *f);
};
extern const struct facts_query case_facts_query;
extern const struct facts_query person_facts_query;
extern const struct facts_query task_facts_query;
extern const struct facts_query consultation_facts_query;
extern const struct facts_query notification_facts_query;
extern const struct facts_query operation_facts_query;
extern const struct facts_query stat_release_facts_query;

/*
 * The facts of the object of kind q with id for principal p at now (ISO
 * time), in one statement; with lock, inside a write transaction, the
 * lock statement first. f->exists 0 when there is none.
 */
enum nmt_err store_facts(struct db *db, const struct facts_query *q,
    const struct principal *p, const char *id, const char *now, int lock,
    struct facts *f);
/* The statement store_facts runs (the caller frees b with sql_free). */
void store_facts_sql(struct sql *b, const struct facts_query *q,
    const struct principal *p, const char *id, const char *now);
/* Appends ", (SELECT CAST($k AS TEXT) AS id) k <joins>" for id. */
void store_facts_from(struct sql *b, const struct facts_query *q,
    const char *id);
/* f from row 0 of a facts statement (none or a NULL id: not exists). */
void store_facts_read(const struct facts_query *q, const struct db_result *r,
    struct facts *f);

/* ---- cases, teams, persons (store_case.c, store_person.c) ---- */

struct case_rec {
	char            *id, *number, *title, *summary;
	char            *status, *county, *region;
	char            *closing_reason, *closing_note, *closed_at;
	char            *reopen_reason, *reopened_at; /* the last reopening */
	char            *anonymised_at; /* retention's last anonymisation */
	struct text_list exploitation;
	char            *owner_user, *owner_username, *owner_org;
	char     *consultation_id, *consultation_number; /* intake's, or NULL */
	char     *title_sort; /* written by the store */
	char     *created_at, *updated_at;
	char     *last_activity; /* kept by store_case_touch */
	long long serial;        /* the number's running part */
	long long person_count;  /* summaries only */
	long long version;
	char      rank_key[48]; /* a ranked list's page key */
};
/*
 * The next number of kind in year (store_counter.c): advances the counter
 * "<kind>-<year>" inside the caller's transaction and sets *number_r to
 * "<prefix>-<year>-<value>", value zero-padded to digits (e.g. "case",
 * "NMT", 5 → NMT-2026-00042). The caller frees *number_r. Errors: the
 * database's.
 */
enum nmt_err store_year_number(struct db *db, const char *kind,
    const char *prefix, int year, int digits, char **number_r);

/* The full case (case_record) and its list summary (case_summary_record). */
extern const struct record_type case_record;
extern const struct record_type case_summary_record;

/*
 * Inserts a case from c (title, summary, county, region,
 * exploitation, owner_user, owner_org, created_at): the store sets id,
 * number (NMT-<year>-NNNNN from the per-year counter; year is the civil
 * year of creation), status and version, puts its search document
 * (title and summary, read by the whole team) and adds the owner
 * organization's full team row.
 */
enum nmt_err store_case_insert(struct db *db, struct case_rec *c, int year);
enum nmt_err store_case_get(struct db *db, const char *case_id, int lock,
    struct case_rec *c);
/*
 * Writes c's changeable fields (title, summary, status, the
 * closing and reopening fields, county, region, exploitation,
 * updated_at) when the stored case is at
 * c->version, and its search document; NMT_STALE when it is not.
 */
enum nmt_err store_case_update(struct db *db, struct case_rec *c);

/* The orders of the case list (each on an indexed key, then the id). */
enum case_sort {
	CASE_SORT_NUMBER,   /* number */
	CASE_SORT_TITLE,    /* title_sort */
	CASE_SORT_UPDATED,  /* updated_at */
	CASE_SORT_ACTIVITY, /* last_activity */
	CASE_SORT_RANK,     /* a search's rank, then the number */
};

/*
 * The case list's filters (NULL or 0: none). mine: the caller's
 * organization owns the case, or a team row names the caller. number: an
 * exact case number; serial: a number's running part (-1 matches
 * nothing); search: a word search (db/search.h): a case matches when
 * one of its documents the caller reads holds every word (the case's
 * title and summary, or a journal entry, "full" ones only where the
 * caller has full access); dialect: the database's (set by
 * store_case_list; CASE_SORT_RANK and search render per dialect).
 */
struct case_filter {
	const struct principal    *principal;
	struct scope               scope;
	const char                *status;
	const char                *region;
	const char                *county;
	const char                *exploitation; /* a form the case names */
	int                        mine;
	const struct search_query *search;
	enum db_kind               dialect;
	const char                *number;
	long long                  serial;
	enum case_sort             sort;
	int                        ascending; /* else descending */
	const char                *now;
	/*
	 * Set by store_case_list: 0 for a ranked search; for a wide one (its
	 * words in more than SEARCH_RANK_MAX documents) how many of the
	 * newest documents the page is read from (INT64_MAX: all).
	 */
	long long window;
	/*
	 * Set by store_case_list: 1 when the scope admits team cases only
	 * and they are at most CASE_TEAM_DRIVEN_MAX; the page is then read
	 * from those cases (a wide search on SQLite: from the hits among
	 * their documents, window INT64_MAX; on PostgreSQL from the walk of
	 * the newest hits as for more team rows; a ranked one from its few
	 * hits all the same), not by
	 * walking every case in the list's order or the newest hits of
	 * every case.
	 */
	int team_driven;
	/*
	 * Set by store_case_list: 1 when the scope admits team cases only
	 * and the list is in number order without a search; the page is
	 * then read by walking the caller's team rows in that order (they
	 * keep their case's number, migration 0034) and stops after it.
	 */
	int team_ordered;
};
/*
 * A team-only scope with at most this many team rows reads its pages in
 * another order than the number's from its cases (about 3 µs each at 1 M
 * persons), and a wide word's from their documents (about 4 µs per case);
 * with more, the walk in the list's order, or of the newest hits of the
 * team's cases, meets the page's cases soon enough.
 */
#define CASE_TEAM_DRIVEN_MAX 10000
/*
 * A word search ranks its hits when its words are in at most
 * SEARCH_RANK_MAX documents; past that, ranking every hit costs more
 * than a page may (bm25 / ts_rank per hit), and the cases come newest
 * matching document first, read from the newest SEARCH_WINDOW_PAGES
 * pages' worth of documents, widened SEARCH_WINDOW_GROWTH times while
 * that does not fill the page.
 */
#define SEARCH_RANK_MAX      1000
#define SEARCH_WINDOW_PAGES  8
#define SEARCH_WINDOW_GROWTH 8
/*
 * A team-only scope's window counts the team's documents only, so it
 * starts at SEARCH_WINDOW_TEAM_PAGES pages' worth of them: the walk to
 * find them passes every other case's hits, about (cases / team cases)
 * hits per document when the word is spread evenly, and all of the
 * newest hits that are not the team's (1 M persons, 10 147 team rows,
 * q=restaurang: p99 24.6-25.7 against 14.4-14.8 ms from 8 pages and
 * from 2; with 531 899 more cases, 57 243 more hits of the word and
 * none on the team, 54-58 against 44-45 ms).
 */
#define SEARCH_WINDOW_TEAM_PAGES 2
/*
 * One page of case summaries in f's order: *rows_r (n_r of them; free
 * with store_cases_free); *more 1 when another page follows. The page's
 * key is the sort column's value (store_case_sort_key).
 */
enum nmt_err store_case_list(struct db *db, const struct case_filter *f,
    const struct page *pg, struct case_rec **rows_r, size_t *n_r, int *more);
void         store_cases_free(struct case_rec *rows, size_t n);
/* The value of row's sort column for sort (a page key; not owned). */
const char *store_case_sort_key(const struct case_rec *row,
    enum case_sort                                     sort);
/*
 * Marks the case as active at now (RFC 3339): its last_activity moves
 * forward, never back. Called on the write path after a change to the
 * case, its persons or its team has succeeded, in its transaction.
 */
enum nmt_err store_case_touch(struct db *db, const char *case_id,
    const char *now);
/*
 * Writes the title sort key of every case that has none (cases from
 * before migration 0011); its own transaction. Run by `nmtctl init`.
 */
enum nmt_err store_case_fill_sort_keys(struct db *db);
/* A title's sort key (title_sort), malloc'd (retention's neutral title). */
char *store_case_title_sort(const char *title);
/* The id of the case numbered number into id; NMT_NOT_FOUND when none. */
enum nmt_err store_case_by_number(struct db *db, const char *number,
    char id[37]);
/* The list statements, for tests of their query plans (sql_free them). */
struct sql *store_case_list_sql(const struct case_filter *f,
    const struct page                                    *pg);
struct sql *store_glass_list_sql(const char *case_id, const struct page *pg);
struct audit_filter;
struct sql *store_audit_list_sql(const struct audit_filter *f,
    const struct page                                      *pg);

struct member_rec {
	char *id, *case_id, *organization, *user_id, *username;
	char *access, *added_by, *added_by_username, *added_at;
	char *task_id;      /* the task that granted the row, or NULL */
	char *operation_id; /* the operation that granted it, or NULL */
	/*
	 * Written only: the case's number when the writer has it at hand;
	 * NULL has the table's trigger read it (migration 0034), which on
	 * SQLite writes the row a second time.
	 */
	char *case_number;
};
extern const struct record_type member_record;

enum nmt_err store_team_list(struct db *db, const char *case_id,
    struct member_rec **rows_r, size_t *n_r);
/* Inserts m (id is set by the store); NMT_CONFLICT when already there. */
enum nmt_err store_team_add(struct db *db, struct member_rec *m);
enum nmt_err store_team_member(struct db *db, const char *case_id,
    const char *member_id, struct member_rec *m);
enum nmt_err store_team_remove(struct db *db, const char *case_id,
    const char *member_id);
void         store_members_free(struct member_rec *rows, size_t n);

/* The sealed identity of a person, in clear (every field may be NULL). */
struct identity {
	char *full_name, *date_of_birth, *id_number, *phone, *address;
};
extern const struct record_type identity_record;

struct person_rec {
	char            *id, *case_id, *pseudonym, *gender;
	char            *case_number;              /* read from the case */
	long long        birth_year, age_estimate; /* REC_NULL_INT */
	int              is_child;
	char            *citizenship;
	struct text_list languages, vulnerabilities;
	char            *protection;
	char            *identity_sealed; /* the store's only */
	char            *created_by, *created_at, *updated_at;
	long long        version;
	int              has_identity;
	struct identity  identity; /* opened by the store */
};
extern const struct record_type person_record;
/* The summaries in a case document. */
extern const struct record_type person_summary_record;

struct seal_keys;

/*
 * Persons: the identity is sealed under key (XChaCha20-Poly1305, bound
 * to the person's id) on its way in and opened on its way out; a stored
 * block that will not open is NMT_SEALED (nothing is written). key NULL
 * on a read leaves the identity closed.
 */
enum nmt_err store_person_insert(struct db *db, struct seal_keys *key,
    struct person_rec *p);
enum nmt_err store_person_get(struct db *db, struct seal_keys *key,
    const char *person_id, int lock, struct person_rec *p);
enum nmt_err store_person_update(struct db *db, struct seal_keys *key,
    struct person_rec *p);
enum nmt_err store_case_persons(struct db *db, const char *case_id,
    struct person_rec **rows_r, size_t *n_r);
/*
 * NMT_ERROR (logged) when a person's protection level is not one this
 * build knows: such a person is not served at all.
 */
enum nmt_err store_persons_check(const struct person_rec *rows, size_t n);
/*
 * The rows of a case document: the case (as store_case_get without
 * lock), its team (as store_team_list), its persons' summaries (as
 * store_case_persons) and its tasks (newest first, at most
 * CASE_DOC_TASKS), each list in its own order.
 */
#define CASE_DOC_TASKS 200
struct case_document {
	struct case_rec    c;
	struct member_rec *team;
	size_t             nteam;
	struct person_rec *persons;
	size_t             npersons;
	struct task_rec   *tasks;
	size_t             ntasks;
};
/*
 * Reads d in one statement (one round trip). task_org: only the tasks to
 * or from that organization, NULL for all of them. NMT_NOT_FOUND when
 * there is no such case (d then holds nothing). Free with
 * store_case_document_free.
 */
enum nmt_err store_case_document(struct db *db, const char *case_id,
    const char *task_org, struct case_document *d);
void         store_case_document_free(struct case_document *d);
void         store_persons_free(struct person_rec *rows, size_t n);
void         person_rec_free(struct person_rec *p);

/* ---- break-the-glass grants (store_person.c) ---- */

struct grant_rec {
	char *id, *person_id, *case_id, *user_id, *username, *reason;
	char *category; /* vocab_glass_category */
	char *created_at, *expires_at;
	char *case_number; /* read from the case */
};
extern const struct record_type grant_record;

enum nmt_err store_glass_insert(struct db *db, const struct grant_rec *g);
/* Grants newest first, with their reasons; case_id NULL: all cases. */
enum nmt_err store_glass_list(struct db *db, const char *case_id,
    const struct page *pg, struct grant_rec **rows_r, size_t *n_r, int *more);
void         store_grants_free(struct grant_rec *rows, size_t n);

/* ---- the support pathway (store_pathway.c) ---- */

/* A pathway event as stored (the rules: domain/pathway.h). */
struct pathway_rec {
	char     *id, *person_id, *case_id;
	long long seq; /* the order written, per person */
	char     *type, *date, *until, *note, *corrects;
	char     *author_user, *author_username, *author_org, *at;
};
extern const struct record_type pathway_record;

/* Inserts ev (id and seq are set here), inside the caller's transaction. */
enum nmt_err store_pathway_insert(struct db *db, struct pathway_rec *ev);
/*
 * Every event of a person, corrected ones too, in date order (ties in
 * the order written): *rows_r (store_pathway_free), *n_r of them.
 */
enum nmt_err store_pathway_list(struct db *db, const char *person_id,
    struct pathway_rec **rows_r, size_t *n_r);
void         store_pathway_free(struct pathway_rec *rows, size_t n);
/* The rows as the domain's events (ev has n slots; strings borrowed). */
void store_pathway_events(const struct pathway_rec *rows, size_t n,
    struct pathway_event *ev);
/* What the clocks know of a person: is_child, the day of registration. */
void store_pathway_subject(const struct person_rec *p,
    struct pathway_subject                         *s);
/*
 * The clocks of one person that run or are overdue on the Swedish civil
 * date today (civil_today(clock_now())): kind ("reflection_period",
 * "protection_assessment", "residence_permit"), start, end (its last
 * day), days_left (end - today: 0 the last day, negative overdue) and the
 * id of the event that started it ("" for a child's protection
 * assessment), into out; *n_r how many (0 to PATHWAY_CLOCKS_MAX). This is
 * the function to call for "clock close to its end" notifications: it
 * decides nothing about who may see the person (the caller does), reads
 * outside or inside a transaction, and NMT_NOT_FOUND for no such person.
 */
enum nmt_err store_pathway_clocks(struct db *db, const char *person_id,
    const struct civil_date *today,
    struct pathway_clock out[PATHWAY_CLOCKS_MAX], size_t *n_r);
/* ---- clocks near their end (store_clock.c) ---- */

/*
 * Marks person_id for the due list (pathway_due, migration 0040): its
 * clocks are worked out again at the next pass. In the caller's writing
 * transaction, by every write that can move a clock of the person
 * (store_pathway_insert, store_person_insert and store_person_update for
 * a child). store_clock_mark_case() marks the persons of case_id that may
 * have a clock (a grant logged, or a child), for a change of the case
 * while it is open (store_case_update): a case opened again.
 */
enum nmt_err store_clock_mark(struct db *db, const char *person_id);
enum nmt_err store_clock_mark_case(struct db *db, const char *case_id);
/*
 * Whether the due list holds a person to settle on today's Swedish civil
 * date (*pending 1): the read before the pass, outside a transaction.
 */
enum nmt_err store_clock_pending(struct db *db, const struct civil_date *today,
    int *pending);
/*
 * The clock pass, in the caller's writing transaction: settles every
 * person due by today (*settled how many; one a concurrent pass settled
 * first is not counted). A person outside an open case
 * leaves the list; otherwise each clock end PATHWAY_DUE_DAYS days from
 * its end or nearer, overdue included, and not yet told of is claimed in
 * clock_notice (migration 0021) and told (store_notify_clock, at now),
 * and the person's row moves on to the first day of its next clock end,
 * or goes. Concurrent passes tell each clock end once.
 */
enum nmt_err store_clock_pass(struct db *db, const struct civil_date *today,
    const char *now, size_t *settled);

/* ---- audit (store_audit.c) ---- */

struct audit_entry {
	long long seq; /* set by the chain */
	char *at, *actor, *organization, *action, *object, *case_id, *client;
	int   flagged;
	char *case_number, *pseudonym; /* read from the case and person */
};
extern const struct record_type audit_record;

/* What a read of the log selects; NULL members select anything. */
struct audit_filter {
	const char *case_id;
	const char *actor;        /* username */
	const char *organization; /* code */
	const char *action;       /* e.g. "case.read" */
	const char *from;         /* RFC 3339: at >= from */
	const char *before;       /* RFC 3339: at < before */
	int         flagged;      /* -1: either */
	int         pseudonyms;   /* a person entry carries its pseudonym */
};

void audit_entry_cleanup(struct audit_entry *a);
/* Appends entries to the chain (caller holds a transaction). */
enum nmt_err store_audit_append(struct db *db, const unsigned char *key,
    const struct audit_entry *entries, size_t n);
/*
 * The same in a transaction of its own: the group commit of read
 * entries (api/audit_writer.c). Nothing is written unless all are. A
 * COMMIT left without an answer (NMT_UNAVAILABLE: the connection lost)
 * counts as written when the log holds the batch's last entry (its seq
 * and hash), read again after it; otherwise, or when that read fails
 * too, the error.
 */
enum nmt_err store_audit_commit(struct db *db, const unsigned char *key,
    const struct audit_entry *entries, size_t n);
/* One page of entries newest first; case_id NULL, flagged -1: any. */
/*
 * One page of f's entries, newest first, each with its case's number
 * (and, with f->pseudonyms, a person entry with its person's pseudonym).
 */
enum nmt_err store_audit_list(struct db *db, const struct audit_filter *f,
    const struct page *pg, struct audit_entry **rows_r, size_t *n_r, int *more);
void         store_audit_entries_free(struct audit_entry *rows, size_t n);
/* The record type store_audit_list reads for f (to render its rows). */
const struct record_type *store_audit_view(const struct audit_filter *f);
/* An entry's hash known from outside: --anchor or a signed checkpoint. */
struct audit_anchor {
	long long seq; /* 0: the empty log (hash CHAIN_GENESIS) */
	char      hash[65];
	long long line; /* the caller's: where it came from, 0 none */
};

struct audit_verdict {
	/* in: anchors sorted by seq (repeats allowed), nanchors of them */
	const struct audit_anchor *anchors;
	size_t                     nanchors;
	long long                  count;    /* out: entries verified */
	long long                  head_seq; /* out: the recorded head */
	char                       head_hash[65];
	long long   bad_seq; /* out: first bad entry, 0 when intact */
	const char *reason;  /* out: why it is bad */
	/* out: the anchor that failed, NULL when none did */
	const struct audit_anchor *bad_anchor;
	/*
	 * out: the chain's base after a retention prune (0: none) and the
	 * signed checkpoint line of that entry that allowed the prune; the
	 * walk starts after it, so entries 1..base_seq are not counted
	 */
	long long base_seq;
	char      base_hash[65];
	char      base_checkpoint[512];
	/*
	 * in, optional: called after each batch of entries with the entries
	 * verified so far and those to verify in all (head − base)
	 */
	void (*progress)(long long done, long long total, void *arg);
	void *progress_arg;
};

/*
 * Walks the chain up to its recorded head, reading its head, base and
 * entries with separate statements: a caller that runs beside writers
 * (nmtd, a retention prune) opens db_read_begin() first, so that all of
 * them see one snapshot. Intact: bad_seq 0. Otherwise
 * bad_seq names the first bad entry and reason says why. Removing the
 * newest entries and rewinding the head together, or rewriting the
 * chain with the audit key, is only detected against anchors: heads
 * printed earlier or signed checkpoints, kept elsewhere. Every anchor
 * must match the entry of its seq, which must exist — except anchors
 * before the base of a pruned chain (audit_base, db/store_retention.c):
 * the walk starts from the base, whose checkpoint the caller checks.
 */
enum nmt_err store_audit_verify(struct db *db, const unsigned char *key,
    struct audit_verdict *v);
/* The recorded chain head: its seq (0: empty) and hash. */
enum nmt_err store_audit_head(struct db *db, long long *seq, char hash[65]);

/*
 * Key rotation (store_keys.c): the sealed fields (person.identity_sealed,
 * app_user.totp_sealed) re-sealed under the newest master key, one row
 * per transaction. "Stale" is a value sealed under another key than id.
 */
enum sealed_field {
	SEALED_IDENTITY,
	SEALED_TOTP,
};

/*
 * The id of the first row (in id order) after `after` ("" for the start)
 * whose field is stale, into id_r; NMT_NOT_FOUND when there is none.
 */
enum nmt_err store_sealed_next_stale(struct db *db, enum sealed_field f,
    unsigned id, const char *after, char id_r[UUID_TEXT]);
/*
 * The number of stale rows, counted in a transaction that waits for
 * every write to the field's table under way (SQLite: the write lock;
 * PostgreSQL: a SHARE lock on the table).
 */
enum nmt_err store_sealed_count_stale(struct db *db, enum sealed_field f,
    unsigned id, long long *n_r);
/*
 * In its own transaction: re-seals the row's field under ks's newest key
 * (which must be id) unless it is no longer stale (*changed_r 0).
 * NMT_SEALED when the value does not open under any key ks holds.
 */
enum nmt_err store_sealed_reseal(struct db *db, struct seal_keys *ks,
    enum sealed_field f, unsigned id, const char *row_id, int *changed_r);

/*
 * The case journal (store_journal.c): entries are only ever added. seq
 * orders a case's entries (1, 2, ... in writing order); corrects is the
 * id of the entry this one corrects, or NULL.
 */
struct journal_rec {
	char     *id, *case_id;
	long long seq;
	char     *kind, *text, *visibility, *corrects;
	char     *author_user, *author_username, *author_org;
	char     *at;
};
extern const struct record_type journal_record;

/*
 * Adds e (all but id and seq, which the store sets) to its case, and its
 * search document (read as the entry: "team" or "full").
 */
enum nmt_err store_journal_insert(struct db *db, struct journal_rec *e);
/*
 * Whether the entry id of case case_id is a "full" entry (*full_r 1) or a
 * "team" one (0), whoever asks; NMT_NOT_FOUND when the case has no such
 * entry.
 */
enum nmt_err store_journal_visibility(struct db *db, const char *case_id,
    const char *id, int *full_r);
/* A page of a case's entries, oldest first; without full only "team". */
struct sql  *store_journal_list_sql(const char *case_id, int full,
     const struct page *pg);
enum nmt_err store_journal_list(struct db *db, const char *case_id, int full,
    const struct page *pg, struct journal_rec **rows_r, size_t *n_r, int *more);
void         store_journal_free(struct journal_rec *rows, size_t n);

/*
 * A person's indicator assessments (store_assessment.c): only ever added.
 * observed and vulnerabilities are lists of codes; dimensions (an object)
 * and explanation (an array) are JSON text as the rule gave them when the
 * assessment was made.
 */
struct assessment_rec {
	char            *id, *person_id, *case_id;
	long long        seq;
	char            *set_id;
	long long        catalogue_version;
	struct text_list observed;
	char            *note; /* NULL: none */
	char            *result, *dimensions, *explanation;
	struct text_list vulnerabilities; /* the person's, at the time */
	int              is_child;        /* ... and whether a child */
	char            *assessed_by, *assessed_username, *assessed_org;
	char            *assessed_at;
};
extern const struct record_type assessment_record;

/*
 * Adds a (all but id and seq, which the store sets: seq the person's next
 * number, under the person's lock the caller holds).
 */
enum nmt_err store_assessment_insert(struct db *db, struct assessment_rec *a);
/* A page of a person's assessments, newest first (seq). */
struct sql  *store_assessment_list_sql(const char *person_id,
     const struct page                            *pg);
enum nmt_err store_assessment_list(struct db *db, const char *person_id,
    const struct page *pg, struct assessment_rec **rows_r, size_t *n_r,
    int *more);
void         store_assessment_free(struct assessment_rec *rows, size_t n);

/*
 * The change history of cases and persons (store_journal.c): one entry
 * per update, only ever added. changes is the JSON text of an array of
 * {"field", "from"?, "to"?}.
 */
struct history_rec {
	char     *id, *object_kind, *object_id, *case_id;
	long long version;
	char     *actor_user, *actor_username, *actor_org;
	char     *at, *changes;
};
extern const struct record_type history_record;

/* Adds h (the store sets id). */
enum nmt_err store_history_insert(struct db *db, struct history_rec *h);
/* A page of an object's history, newest version first. */
struct sql  *store_history_list_sql(const char *object_id,
     const struct page                         *pg);
enum nmt_err store_history_list(struct db *db, const char *object_id,
    const struct page *pg, struct history_rec **rows_r, size_t *n_r, int *more);
void         store_history_free(struct history_rec *rows, size_t n);

/* ---- guidance and first meetings (store_guidance.c) ---- */

/*
 * A guidance item: one point of a topic, in Swedish ([0]) and English
 * ([1]); check_code (NULL: none) makes it a point of the first-meeting
 * checklist, labelled check_label[] (NULL exactly when check_code is).
 */
struct guidance_rec {
	char     *id, *topic, *code;
	long long position;
	char     *check_code;
	char     *heading[2], *text[2], *check_label[2];
	long long version;
	char     *updated_at, *updated_by, *updated_by_username;
};
extern const struct record_type guidance_record;

/* An item's texts before an edit replaced them (newest first in lists). */
struct guidance_revision_rec {
	char     *id, *item_id;
	long long version;
	char     *heading[2], *text[2], *check_label[2];
	char     *updated_at, *updated_by, *updated_by_username;
	char     *replaced_at, *replaced_by, *replaced_by_username;
};
extern const struct record_type guidance_revision_record;

/* A topic's items in their order (free with store_guidance_free). */
enum nmt_err store_guidance_list(struct db *db, const char *topic,
    struct guidance_rec **rows_r, size_t *n_r);
/* One item (lock: FOR UPDATE); NMT_NOT_FOUND when there is none. */
enum nmt_err store_guidance_get(struct db *db, const char *id, int lock,
    struct guidance_rec *g);
/*
 * Replaces old's texts by new's (new->version: the version read; the
 * stored one goes up by one, NMT_STALE when it moved) and keeps old as a
 * revision replaced by user id by at (RFC 3339).
 */
enum nmt_err store_guidance_update(struct db *db,
    const struct guidance_rec *old, const struct guidance_rec *new,
    const char *by, const char *at);
/* An item's earlier versions, newest first (store_guidance_history_free). */
enum nmt_err store_guidance_history(struct db *db, const char *id,
    struct guidance_revision_rec **rows_r, size_t *n_r);
/* Adds g (version 1, at g->updated_at) unless its id exists already. */
enum nmt_err store_guidance_seed(struct db *db, const struct guidance_rec *g);
void         store_guidance_free(struct guidance_rec *rows, size_t n);
void store_guidance_history_free(struct guidance_revision_rec *rows, size_t n);

/*
 * A first meeting with a person: its civil date (YYYY-MM-DD), the
 * checklist ticked in the order of vocab_first_contact_checks, a note
 * (NULL: none), who logged it and when.
 */
#define FIRST_CONTACT_CHECKS 5
struct first_contact_rec {
	char *id, *person_id, *case_id, *met_on;
	int   checks[FIRST_CONTACT_CHECKS];
	char *note, *author_user, *author_username, *author_org, *at;
};
extern const struct record_type first_contact_record;

/* Adds f (all but id, which the store sets). */
enum nmt_err store_first_contact_insert(struct db *db,
    struct first_contact_rec                      *f);
/* A person's first meetings, newest first, one page of pg. */
enum nmt_err store_first_contact_list(struct db *db, const char *person_id,
    const struct page *pg, struct first_contact_rec **rows_r, size_t *n_r,
    int *more);
/* The list's statement (for the query-plan test). */
struct sql *store_first_contact_list_sql(const char *person_id,
    const struct page                               *pg);
void        store_first_contact_free(struct first_contact_rec *rows, size_t n);
/*
 * ---- the duplicate check (store_match.c; issue 8) ----
 *
 * Every person has a person_match row beside its sealed identity: its
 * folded pseudonym and the keyed blind indexes (crypto/blind.h) of its
 * normalised identity number and of its full name with date of birth,
 * under the newest master key of ks. store_person_insert() and
 * store_person_update() write it (the civil year of p->updated_at
 * settles a 10-digit personnummer's century).
 */
enum nmt_err store_person_index(struct db *db, struct seal_keys *ks,
    const struct person_rec *p);

/* What to look for; an empty hash list or a NULL field is not used. */
struct match_query {
	const char *pseudonym_fold;
	long long   birth_year; /* REC_NULL_INT: not given */
	const char *citizenship;
	char        id_hash[KEY_MASTERS_MAX][BLIND_HEX];
	size_t      n_id;
	char        name_hash[KEY_MASTERS_MAX][BLIND_HEX];
	size_t      n_name;
};

/* One person found, and what matched (each 0 or 1). */
struct match_row {
	char *person_id, *case_id, *number, *pseudonym;
	int   visible; /* the scope admits its case */
	int   pseudonym_hit, birth_year_hit, citizenship_hit;
	int   id_number_hit, name_dob_hit;
};

/*
 * The persons matching q: by pseudonym (narrowed by birth year and
 * citizenship where the person has one recorded) only where the scope s
 * admits the case; by either blind index anywhere, with visible telling
 * whether s admits it. At most limit rows: identity matches first, then
 * by case number.
 */
struct sql  *store_person_match_sql(const struct scope *s, const char *now,
     const struct match_query *q, int limit);
enum nmt_err store_person_match(struct db *db, const struct scope *s,
    const char *now, const struct match_query *q, int limit,
    struct match_row **rows_r, size_t *n_r);
void         store_match_rows_free(struct match_row *rows, size_t n);

/*
 * The next person after after (by id) whose match row is missing or not
 * under master key key_id: NMT_NOT_FOUND when none is left.
 */
enum nmt_err store_person_index_next_stale(struct db *db, unsigned key_id,
    const char *after, char id_r[UUID_TEXT]);
/*
 * Writes one person's match row again under the newest key of ks, in a
 * transaction of its own (the identity opened with ks, the row locked).
 */
enum nmt_err store_person_reindex(struct db *db, struct seal_keys *ks,
    const char *person_id);
/*
 * Every stale row (store_person_index_next_stale) written again under the
 * newest key of ks: *n_r how many.
 */
enum nmt_err store_person_reindex_all(struct db *db, struct seal_keys *ks,
    long long *n_r);
/*
 * ---- intake: consultations and added organizations
 * (store_consultation.c) ----
 */

struct consultation_rec {
	char            *id, *number, *channel;
	char            *requester_org, *requester_org_name; /* NULL: none */
	char            *requester_name, *requester_phone, *requester_email;
	char            *county, *region;
	char            *assigned_org;      /* RK-<REGION> */
	char            *assigned_user;     /* the coordinator who took it */
	char            *assigned_username; /* read */
	char            *question;
	struct text_list concerns; /* exploitation forms */
	int              child_involved;
	char            *urgency, *consent;
	char            *consent_scope; /* NULL without consent */
	char            *consent_recorded_by, *consent_recorded_by_username;
	char            *consent_recorded_at;
	char            *status, *notes, *answer;
	char            *case_id, *case_number; /* the case opened from it */
	char            *queue_key;             /* written by the store */
	char            *created_by, *created_by_username;
	char            *created_at, *updated_at;
	long long        version;
};
extern const struct record_type consultation_record;

/* A person a consultation with consent names (no identity, ever). */
struct consultation_person_rec {
	char     *id, *consultation_id;
	long long position; /* 1, 2, ... in the order sent */
	char     *pseudonym, *gender;
	long long birth_year; /* REC_NULL_INT when not given */
	char     *citizenship;
};
extern const struct record_type consultation_person_record;

/*
 * Inserts q (channel, requester_*, county, region, assigned_org,
 * question, concerns, child_involved, urgency, consent and its record
 * fields, created_by, created_at) and its persons: the store sets id,
 * number (KONS-<year>-NNNNN; year the civil year of creation), status
 * "new", queue_key, updated_at, version, and the persons' ids.
 */
enum nmt_err store_consultation_insert(struct db *db,
    struct consultation_rec *q, struct consultation_person_rec *persons,
    size_t npersons, int year);
enum nmt_err store_consultation_get(struct db *db, const char *id, int lock,
    struct consultation_rec *q);
/*
 * Writes status, notes, answer, assigned_user, case_id and updated_at
 * when the stored row is at q->version; NMT_STALE when it is not.
 */
enum nmt_err store_consultation_update(struct db *db,
    struct consultation_rec                      *q);
enum nmt_err store_consultation_persons(struct db *db, const char *id,
    struct consultation_person_rec **rows_r, size_t *n_r);
void store_consultation_persons_free(struct consultation_person_rec *rows,
    size_t                                                           n);

/* The list's filters (NULL or 0: none); open: status new or in_progress. */
/*
 * search: the parsed q (NULL: none), matched on the question, the number
 * and the answer, and on the notes too when notes is set (the caller
 * reads them: policy_consultation_notes); dialect: the database's.
 */
struct consultation_filter {
	struct scope               scope;
	const char                *status;
	const char                *region;
	const char                *urgency;
	int                        open;
	const struct search_query *search;
	int                        notes;
	enum db_kind               dialect;
};
/* One page in queue order: acute first, then oldest first. */
struct sql  *store_consultation_list_sql(const struct consultation_filter *f,
     const struct page                                                    *pg);
enum nmt_err store_consultation_list(struct db *db,
    const struct consultation_filter *f, const struct page *pg,
    struct consultation_rec **rows_r, size_t *n_r, int *more);
void         store_consultations_free(struct consultation_rec *rows, size_t n);
/*
 * How many of f's consultations are at each status (vocabulary order); a
 * region's from the index consultation_region_status alone (0041).
 */
#define CONSULTATION_STATUSES 5
struct sql  *store_consultation_counts_sql(const struct consultation_filter *f);
enum nmt_err store_consultation_counts(struct db *db,
    const struct consultation_filter *f, long long counts[]);
/*
 * Adds an organization (region and county may be NULL); NMT_CONFLICT when
 * the code is taken.
 */
enum nmt_err store_org_insert(struct db *db, const char *code, const char *name,
    const char *kind, const char *region, const char *county);

/* ---- tasks, task-granted team rows, notifications (store_task.c) */

/*
 * A task (referral) from one organization to another on a case. due is
 * a Swedish civil date "YYYY-MM-DD" or NULL; person a person of the case
 * or NULL; status requested | accepted | declined | completed | revoked.
 */
struct task_rec {
	char     *id, *case_id, *case_number, *person_id, *pseudonym;
	char     *from_org, *from_user, *from_username, *to_org, *to_org_name;
	char     *title, *description, *due, *access, *status;
	char     *reason, *outcome, *answered_by, *answered_by_username;
	char     *created_at, *updated_at;
	long long version;
};
extern const struct record_type task_record;

/*
 * The same facts of task t of a case whose facts (case_facts_query, for
 * the same principal and time) are case_f, without a statement.
 */
void store_task_facts_in_case(const struct facts *case_f,
    const struct task_rec *t, struct facts *f);
/* Inserts t (every field set by the caller, version 1). */
enum nmt_err store_task_insert(struct db *db, const struct task_rec *t);
/* One task; NMT_NOT_FOUND when there is none. Free with record_free. */
enum nmt_err store_task_get(struct db *db, const char *id, int lock,
    struct task_rec *t);
/* Writes t's status, reason, outcome, answered_by and updated_at. */
enum nmt_err store_task_update(struct db *db, struct task_rec *t);

/*
 * What a task list holds: org (tasks sent to or from it, or by
 * direction only to it or only from it; NULL: any),
 * case_id (NULL: any), status (NULL: any), and, with overdue_before, only
 * unfinished tasks due before that civil date ("YYYY-MM-DD").
 */
struct task_filter {
	const char *org;
	int         direction; /* with org: 0 to or from it, 1 to, 2 from */
	const char *case_id;
	const char *status;
	const char *overdue_before;
};
/* A page of tasks, newest first (free with record_free_all). */
enum nmt_err store_task_list(struct db *db, const struct task_filter *f,
    const struct page *pg, struct task_rec **rows_r, size_t *n_r, int *more);
void         store_task_list_sql(struct sql *b, const struct task_filter *f,
            const struct page *pg);

/*
 * Makes the organization-wide team row of org on the case follow its
 * active tasks there (requested or accepted): none active → the row a
 * task granted is removed; some → a row with the best access among them
 * (full over pseudonymous), naming one of them, is added or re-pointed.
 * An explicit row (task_id NULL) is left as it is. In the caller's
 * transaction; added_by and now name who and when for a new row.
 */
enum nmt_err store_task_sync_team(struct db *db, const char *case_id,
    const char *org, const char *added_by, const char *now);

/*
 * The best active task (requested or accepted) of org on the case: full
 * access before pseudonymous, then the oldest. id and access get its id
 * and access, both "" when there is none. Planned by task_case_org
 * (migration 0036).
 */
enum nmt_err store_task_best(struct db *db, const char *case_id,
    const char *org, char id[UUID_TEXT], char access[16]);
void store_task_best_sql(struct sql *b, const char *case_id, const char *org);

/* sets a user's e-mail address (NMT_NOT_FOUND: no such user). */
enum nmt_err store_user_set_email(struct db *db, const char *username,
    const char *email);

/*
 * A team add for org on the case where a task's row is: the row becomes
 * explicit (task_id NULL) with access, added_by and now; *id_r gets its
 * id (malloc'd), or NULL when org has no task row there.
 */
enum nmt_err store_team_claim(struct db *db, const char *case_id,
    const char *org, const char *access, const char *added_by, const char *now,
    char **id_r);

/*
 * Notifications. kind is task_new, task_answered, task_overdue or
 * clock_due; link a UI link ("#/tasks/<id>", no personal data); task_id
 * may be NULL. store_notify_org() adds one for every active user of the
 * organization (its recipients at that moment), store_notify_user() for
 * one user; both in the caller's transaction, at now (RFC 3339 UTC).
 * The pathway's clocks call these to add clock_due notifications.
 */
enum nmt_err store_notify_org(struct db *db, const char *org, const char *kind,
    const char *link, const char *task_id, const char *now);
enum nmt_err store_notify_user(struct db *db, const char *user_id,
    const char *kind, const char *link, const char *task_id, const char *now);
/*
 * A clock_due notification for every active coordinator and member of
 * org (the owner organization of the person's case): link
 * "#/persons/<person_id>", the clock's kind and its end ("YYYY-MM-DD");
 * no pseudonym. In the caller's transaction, at now.
 */
enum nmt_err store_notify_clock(struct db *db, const char *org,
    const char *person_id, const char *clock_kind, const char *clock_end,
    const char *now);

/*
 * A notification. person_id, case_number (read from the person's case),
 * clock_kind and clock_end are set for clock_due only (else NULL).
 */
struct notification_rec {
	char *id, *user_id, *kind, *link, *task_id, *at, *read_at;
	char *person_id, *case_number, *clock_kind, *clock_end;
	int   read;
};
extern const struct record_type notification_record;

/* A page of a user's notifications, newest first. */
enum nmt_err store_notification_list(struct db *db, const char *user_id,
    int unread_only, const struct page *pg, struct notification_rec **rows_r,
    size_t *n_r, int *more);
void         store_notification_list_sql(struct sql *b, const char *user_id,
            int unread_only, const struct page *pg);
/* How many of the user's notifications are unread. */
enum nmt_err store_notification_unread(struct db *db, const char *user_id,
    long long *n_r);
enum nmt_err store_notification_get(struct db *db, const char *id,
    struct notification_rec *n);
/* Marks one (id) or, with id NULL, all of the user's as read at now. */
enum nmt_err store_notification_mark(struct db *db, const char *user_id,
    const char *id, const char *now, long long *n_r);

/*
 * Whether an unfinished task due before today (a civil date) has had no
 * task_overdue notification yet (*found).
 */
enum nmt_err store_task_overdue_pending(struct db *db, const char *today,
    int *found);
/*
 * Its statement: the first such task by due date, read from an index,
 * not the task table: task_due's leading columns on SQLite, the partial
 * index task_overdue on PostgreSQL (migrations 0040, 0042).
 */
void store_task_overdue_sql(struct sql *b, const char *today);
/*
 * For every such task: a task_overdue notification to the users of its
 * receiving and of its sending organization, and the task marked, so each
 * task has one; in the caller's transaction. *n_r: how many tasks.
 */
enum nmt_err store_task_overdue_notify(struct db *db, const char *today,
    const char *now, long long *n_r);

/*
 * The e-mail addresses of the active users of org that have one (at
 * most max), for the mail notice; *n_r how many. Free each and the array.
 */
enum nmt_err store_org_emails(struct db *db, const char *org, char ***list_r,
    size_t *n_r);
/* An organization's name into name ("" when there is none). */
enum nmt_err store_org_name(struct db *db, const char *code, char *name,
    size_t len);

/* ---- operations (store_operation.c, issue 11) ---- */

struct operation_rec {
	char            *id, *number, *kind, *title, *purpose, *region;
	struct text_list counties, exploitation;
	char            *place, *starts_on, *ends_on;
	char            *lead_org, *lead_name; /* lead_name: read */
	char            *scenario, *status;
	char            *checklist; /* JSON text [{id, text, done}] */
	char            *notes;
	long long        persons_met; /* REC_NULL_INT */
	char            *after_action, *lessons;
	char            *case_id, *case_number; /* the group case, or NULL */
	char            *created_by, *created_by_username;
	char            *created_at, *updated_at;
	long long        version;
};
extern const struct record_type operation_record;

struct participant_rec {
	char *id, *operation_id, *organization, *organization_name;
	char *user_id, *username, *role;
	char *added_by, *added_by_username, *added_at;
};
extern const struct record_type participant_record;

struct encounter_rec {
	char            *id, *operation_id, *person_id, *case_id;
	char            *case_number, *pseudonym; /* read */
	struct text_list needs;
	char            *client_ref, *created_by, *created_by_username;
	char            *created_at;
};
extern const struct record_type encounter_record;

/*
 * Inserts o (kind, title, purpose, region, counties, place, dates,
 * lead_org, exploitation, scenario, checklist, created_by, created_at):
 * the store sets id, number (OP-<year>-NNNN from the per-year counter),
 * status planned and version 1, and adds the lead organization as a
 * participant with role lead.
 */
enum nmt_err store_operation_insert(struct db *db, struct operation_rec *o,
    int year);
enum nmt_err store_operation_get(struct db *db, const char *id, int lock,
    struct operation_rec *o);
/* Writes o's changeable fields at o->version (NMT_STALE when not). */
enum nmt_err store_operation_update(struct db *db, struct operation_rec *o);

/* The list's filters (NULL: none); from, to: bounds of starts_on. */
struct operation_filter {
	struct scope scope;
	const char  *status, *region, *from, *to;
};
/* A page of visible operations, latest start first (record_free_all). */
enum nmt_err store_operation_list(struct db *db,
    const struct operation_filter *f, const struct page *pg,
    struct operation_rec **rows_r, size_t *n_r, int *more);

/* Participants, oldest first (record_free_all). */
enum nmt_err store_participant_list(struct db *db, const char *op_id,
    struct participant_rec **rows_r, size_t *n_r);
/* Inserts pr (id set here); NMT_CONFLICT when already taking part. */
enum nmt_err store_participant_add(struct db *db, struct participant_rec *pr);
/* The participant pid of the operation; NMT_NOT_FOUND when none. */
enum nmt_err store_participant_get(struct db *db, const char *op_id,
    const char *pid, struct participant_rec *pr);
enum nmt_err store_participant_remove(struct db *db, const char *op_id,
    const char *pid);

enum nmt_err store_encounter_insert(struct db *db,
    const struct encounter_rec                *e);
enum nmt_err store_encounter_get(struct db *db, const char *id,
    struct encounter_rec *e);
/*
 * The encounter of the operation with client_ref (compared as given; the
 * API keeps it lowercase) into id and its creator's user id into
 * created_by (both "" none).
 */
enum nmt_err store_encounter_by_ref(struct db *db, const char *op_id,
    const char *client_ref, char id[UUID_TEXT], char created_by[UUID_TEXT]);
/* A page of an operation's encounters, newest first (record_free_all). */
enum nmt_err store_encounter_list(struct db *db, const char *op_id,
    const struct page *pg, struct encounter_rec **rows_r, size_t *n_r,
    int *more);

/*
 * The group case's team as the operation wants it: while the operation
 * is planned or active, each participant (an organization, or a user by
 * name) that does not own the case is on it, full for role lead, else
 * pseudonymous, through a row whose operation_id names the operation (an
 * organization a task brought in is taken over; an explicit row is never
 * touched); once it has ended, or for a participant no longer there, the
 * row goes, or is handed to the organization's best active task
 * (store_task.c's row). ended gets the ids of the rows that ended
 * (text_list_free it). In the caller's transaction.
 */
enum nmt_err store_operation_sync_team(struct db *db, const char *op_id,
    const char *added_by, const char *now, struct text_list *ended);

#define OP_CITIZENSHIPS_MAX 300
/*
 * The operation's figures, computed from its encounters: persons
 * registered, of them children, presumed victims (the latest assessment's
 * result), tasks on its cases (the group case and the named ones), police
 * reports filed (police_report_filed events not corrected), persons by
 * citizenship ("" for unknown), most first.
 */
struct operation_summary {
	long long persons, children, presumed_victims, tasks, police_reports;
	size_t    ncitizenship;
	struct {
		char      code[3];
		long long persons;
	} citizenship[OP_CITIZENSHIPS_MAX];
};
enum nmt_err store_operation_summary(struct db *db, const char *op_id,
    struct operation_summary *s);
/*
 * The operation's group case, made when it has none: title "Punktinsats
 * <number>" (no personal data), county the operation's first (else the
 * county of the police region's seat), its region and exploitation forms,
 * owned by the lead organization with owner_user; operation.case_id set
 * (its version unchanged). Its id into case_id; year: the case number's.
 * The team is the caller's (store_operation_sync_team).
 */
enum nmt_err store_operation_group_case(struct db *db, const char *op_id,
    const char *owner_user, const char *now, int year, char case_id[UUID_TEXT]);

#endif
