/*
 * store_guidance.c — guidance items (a topic's points in Swedish and
 * English, editable by admins, each earlier version kept) and the first
 * meetings logged per person (migration 0015).
 *
 * An item's edit replaces its texts at the version the editor read
 * (record_update: NMT_STALE otherwise) and appends the replaced version to
 * guidance_revision in the same transaction, so no text an item ever had
 * is lost. Seeding adds the items whose id is new and never overwrites an
 * edited one. First meetings are only ever added; a person's are listed
 * newest first.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "crypto/token.h"
#include "db/store.h"

#define G(f) offsetof(struct guidance_rec, f)

static const struct column guidance_cols[] = {
	{ "id", "id", COL_TEXT, G(id), COL_KEY },
	{ "topic", "topic", COL_TEXT, G(topic), 0 },
	{ "code", "code", COL_TEXT, G(code), 0 },
	{ "position", "position", COL_INT, G(position), 0 },
	{ "check_code", "check", COL_TEXT, G(check_code), COL_NULLABLE },
	{ "heading_sv", NULL, COL_TEXT, G(heading[0]), COL_MUTABLE },
	{ "text_sv", NULL, COL_TEXT, G(text[0]), COL_MUTABLE },
	{ "check_label_sv", NULL, COL_TEXT, G(check_label[0]),
	    COL_MUTABLE | COL_NULLABLE },
	{ "heading_en", NULL, COL_TEXT, G(heading[1]), COL_MUTABLE },
	{ "text_en", NULL, COL_TEXT, G(text[1]), COL_MUTABLE },
	{ "check_label_en", NULL, COL_TEXT, G(check_label[1]),
	    COL_MUTABLE | COL_NULLABLE },
	{ "version", "version", COL_INT, G(version), COL_VERSION },
	{ "updated_at", "updated_at", COL_TEXT, G(updated_at), COL_MUTABLE },
	{ "updated_by", NULL, COL_TEXT, G(updated_by),
	    COL_MUTABLE | COL_NULLABLE },
	{ "(SELECT u.username FROM app_user u WHERE u.id = g.updated_by)",
	    "updated_by", COL_TEXT, G(updated_by_username),
	    COL_COMPUTED | COL_NULLABLE },
};

const struct record_type guidance_record = RECORD_TYPE_ORDERED("guidance_item",
    "g", struct guidance_rec, guidance_cols, "g.position, g.id");

#define R(f) offsetof(struct guidance_revision_rec, f)

/* A revision: an item's texts as they were, by whom, and who replaced it. */
static const struct column revision_cols[] = {
	{ "id", NULL, COL_TEXT, R(id), COL_KEY },
	{ "item_id", NULL, COL_TEXT, R(item_id), 0 },
	{ "version", "version", COL_INT, R(version), 0 },
	{ "heading_sv", NULL, COL_TEXT, R(heading[0]), 0 },
	{ "text_sv", NULL, COL_TEXT, R(text[0]), 0 },
	{ "check_label_sv", NULL, COL_TEXT, R(check_label[0]), COL_NULLABLE },
	{ "heading_en", NULL, COL_TEXT, R(heading[1]), 0 },
	{ "text_en", NULL, COL_TEXT, R(text[1]), 0 },
	{ "check_label_en", NULL, COL_TEXT, R(check_label[1]), COL_NULLABLE },
	{ "updated_at", "updated_at", COL_TEXT, R(updated_at), 0 },
	{ "updated_by", NULL, COL_TEXT, R(updated_by), COL_NULLABLE },
	{ "(SELECT u.username FROM app_user u WHERE u.id = r.updated_by)",
	    "updated_by", COL_TEXT, R(updated_by_username),
	    COL_COMPUTED | COL_NULLABLE },
	{ "replaced_at", "replaced_at", COL_TEXT, R(replaced_at), 0 },
	{ "replaced_by", NULL, COL_TEXT, R(replaced_by), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = r.replaced_by)",
	    "replaced_by", COL_TEXT, R(replaced_by_username), COL_COMPUTED },
};

const struct record_type guidance_revision_record =
    RECORD_TYPE("guidance_revision", "r", struct guidance_revision_rec,
        revision_cols);

enum nmt_err
store_guidance_list(struct db *db, const char *topic,
    struct guidance_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &guidance_record);
	sql_add(b, " WHERE g.topic = ");
	sql_param(b, DB_TEXT(topic));
	sql_add(b, " ORDER BY g.position, g.id");
	e = record_list(db, b, &guidance_record, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

enum nmt_err
store_guidance_get(struct db *db, const char *id, int lock,
    struct guidance_rec *g)
{
	return record_get(db, &guidance_record, id, lock, g);
}

enum nmt_err
store_guidance_update(struct db *db, const struct guidance_rec *old,
    const struct guidance_rec *new, const char *by, const char *at)
{
	struct guidance_revision_rec rev;
	char                         id[UUID_TEXT];
	enum nmt_err                 e;
	int                          i;

	token_uuid(id);
	memset(&rev, 0, sizeof(rev));
	rev.id = id;
	rev.item_id = old->id;
	rev.version = old->version;
	for (i = 0; i < 2; i++) {
		rev.heading[i] = old->heading[i];
		rev.text[i] = old->text[i];
		rev.check_label[i] = old->check_label[i];
	}
	rev.updated_at = old->updated_at;
	rev.updated_by = old->updated_by;
	rev.replaced_at = (char *)at;
	rev.replaced_by = (char *)by;
	if ((e = record_insert(db, &guidance_revision_record, &rev)) != NMT_OK)
		return e;
	return record_update(db, &guidance_record, new);
}

enum nmt_err
store_guidance_history(struct db *db, const char *id,
    struct guidance_revision_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &guidance_revision_record);
	sql_add(b, " WHERE r.item_id = ");
	sql_param(b, DB_TEXT(id));
	sql_add(b, " ORDER BY r.version DESC");
	e = record_list(db, b, &guidance_revision_record, (void **)rows_r, n_r);
	sql_free(b);
	return e;
}

enum nmt_err
store_guidance_seed(struct db *db, const struct guidance_rec *g)
{
	struct db_param p[12] = { DB_TEXT(g->id), DB_TEXT(g->topic),
		DB_TEXT(g->code), DB_INT(g->position), DB_TEXT(g->check_code),
		DB_TEXT(g->heading[0]), DB_TEXT(g->text[0]),
		DB_TEXT(g->check_label[0]), DB_TEXT(g->heading[1]),
		DB_TEXT(g->text[1]), DB_TEXT(g->check_label[1]),
		DB_TEXT(g->updated_at) };

	return db_query(db,
	    "INSERT INTO guidance_item (id, topic, code, position, "
	    "check_code, heading_sv, text_sv, check_label_sv, heading_en, "
	    "text_en, check_label_en, version, updated_at, updated_by) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, "
	    "$12, NULL) ON CONFLICT (id) DO NOTHING",
	    p, 12, NULL);
}

void
store_guidance_free(struct guidance_rec *rows, size_t n)
{
	record_free_all(&guidance_record, rows, n);
}

void
store_guidance_history_free(struct guidance_revision_rec *rows, size_t n)
{
	record_free_all(&guidance_revision_record, rows, n);
}

#define F(f) offsetof(struct first_contact_rec, f)

static const struct column first_contact_cols[] = {
	{ "id", "id", COL_TEXT, F(id), COL_KEY },
	{ "person_id", "person", COL_TEXT, F(person_id), 0 },
	{ "case_id", "case", COL_TEXT, F(case_id), 0 },
	{ "met_on", "date", COL_TEXT, F(met_on), 0 },
	{ "introduced_self_and_mission", NULL, COL_BOOL, F(checks[0]), 0 },
	{ "explained_can_and_cannot", NULL, COL_BOOL, F(checks[1]), 0 },
	{ "interpreter_outside_network", NULL, COL_BOOL, F(checks[2]), 0 },
	{ "safety_discussed", NULL, COL_BOOL, F(checks[3]), 0 },
	{ "own_questions_answered", NULL, COL_BOOL, F(checks[4]), 0 },
	{ "note", "note", COL_TEXT, F(note), COL_NULLABLE },
	{ "author_user", NULL, COL_TEXT, F(author_user), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = f.author_user)",
	    NULL, COL_TEXT, F(author_username), COL_COMPUTED },
	{ "author_org", NULL, COL_TEXT, F(author_org), 0 },
	{ "at", "at", COL_TEXT, F(at), 0 },
};

const struct record_type first_contact_record = RECORD_TYPE("first_contact",
    "f", struct first_contact_rec, first_contact_cols);

enum nmt_err
store_first_contact_insert(struct db *db, struct first_contact_rec *f)
{
	char id[UUID_TEXT];

	token_uuid(id);
	free(f->id);
	f->id = xstrdup(id);
	return record_insert(db, &first_contact_record, f);
}

struct sql *
store_first_contact_list_sql(const char *person_id, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, &first_contact_record);
	sql_add(b, " WHERE f.person_id = ");
	sql_param(b, DB_TEXT(person_id));
	sql_page(b, pg, "f.at", "f.id", 0);
	return b;
}

enum nmt_err
store_first_contact_list(struct db *db, const char *person_id,
    const struct page *pg, struct first_contact_rec **rows_r, size_t *n_r,
    int *more)
{
	struct sql  *b = store_first_contact_list_sql(person_id, pg);
	enum nmt_err e;

	e = record_page(db, b, &first_contact_record, pg, (void **)rows_r, n_r,
	    more, NULL);
	sql_free(b);
	return e;
}

void
store_first_contact_free(struct first_contact_rec *rows, size_t n)
{
	record_free_all(&first_contact_record, rows, n);
}
