/*
 * store_person.c — persons of a case, their sealed identities, and the
 * break-the-glass grants on them.
 *
 * The identity block is sealed here on its way in and opened here on its
 * way out (crypto/seal.h, XChaCha20-Poly1305, bound to
 * "person:<id>:identity"); its sealed form never leaves this file. Its
 * clear form is a JSON object of the identity record's fields, sorted by
 * key. A block that does not open is NMT_SEALED: never an empty identity,
 * so a change can never silently drop one. Every insert and update also
 * writes the person's duplicate-check row (store_match.c) in the same
 * transaction, and a child's marks it for the clocks' due list
 * (store_clock.c).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/log.h"
#include "core/util.h"
#include "crypto/seal.h"
#include "crypto/token.h"
#include "db/store.h"

#define P(f) offsetof(struct person_rec, f)

static const struct column person_cols[] = {
	{ "id", "id", COL_TEXT, P(id), COL_KEY },
	{ "case_id", "case", COL_TEXT, P(case_id), 0 },
	{ "(SELECT n.number FROM nmt_case n WHERE n.id = p.case_id)",
	    "case_number", COL_TEXT, P(case_number), COL_COMPUTED },
	{ "pseudonym", "pseudonym", COL_TEXT, P(pseudonym), COL_MUTABLE },
	{ "gender", "gender", COL_TEXT, P(gender), COL_MUTABLE },
	{ "birth_year", "birth_year", COL_INT, P(birth_year),
	    COL_MUTABLE | COL_NULLABLE },
	{ "age_estimate", "age_estimate", COL_INT, P(age_estimate),
	    COL_MUTABLE | COL_NULLABLE },
	{ "is_child", "is_child", COL_BOOL, P(is_child), COL_MUTABLE },
	{ "citizenship", "citizenship", COL_TEXT, P(citizenship),
	    COL_MUTABLE | COL_NULLABLE },
	{ "languages", "languages", COL_LIST, P(languages), COL_MUTABLE },
	{ "vulnerabilities", "vulnerabilities", COL_LIST, P(vulnerabilities),
	    COL_MUTABLE },
	{ "protected_identity", "protected_identity", COL_TEXT, P(protection),
	    COL_MUTABLE },
	{ "identity_sealed", NULL, COL_TEXT, P(identity_sealed), COL_MUTABLE },
	{ "created_by", NULL, COL_TEXT, P(created_by), 0 },
	{ "created_at", "created_at", COL_TEXT, P(created_at), 0 },
	{ "updated_at", "updated_at", COL_TEXT, P(updated_at),
	    COL_MUTABLE | COL_NO_HISTORY },
	{ "version", "version", COL_INT, P(version), COL_VERSION },
};

static const struct column person_summary_cols[] = {
	{ "id", "id", COL_TEXT, P(id), COL_KEY },
	{ "pseudonym", "pseudonym", COL_TEXT, P(pseudonym), 0 },
	{ "gender", "gender", COL_TEXT, P(gender), 0 },
	{ "birth_year", "birth_year", COL_INT, P(birth_year), COL_NULLABLE },
	{ "age_estimate", "age_estimate", COL_INT, P(age_estimate),
	    COL_NULLABLE },
	{ "citizenship", "citizenship", COL_TEXT, P(citizenship),
	    COL_NULLABLE },
	{ "is_child", "is_child", COL_BOOL, P(is_child), 0 },
	{ "protected_identity", "protected_identity", COL_TEXT, P(protection),
	    0 },
};

const struct record_type person_record = RECORD_TYPE("person", "p",
    struct person_rec, person_cols);
const struct record_type person_summary_record = RECORD_TYPE("person", "p",
    struct person_rec, person_summary_cols);

#define I(f) offsetof(struct identity, f)

/* Not a table: the fields of the sealed block. */
static const struct column identity_cols[] = {
	{ "full_name", "full_name", COL_TEXT, I(full_name), COL_OMIT_NULL },
	{ "date_of_birth", "date_of_birth", COL_TEXT, I(date_of_birth),
	    COL_OMIT_NULL },
	{ "id_number", "id_number", COL_TEXT, I(id_number), COL_OMIT_NULL },
	{ "phone", "phone", COL_TEXT, I(phone), COL_OMIT_NULL },
	{ "address", "address", COL_TEXT, I(address), COL_OMIT_NULL },
};

const struct record_type identity_record = RECORD_TYPE(NULL, NULL,
    struct identity, identity_cols);

#define G(f) offsetof(struct grant_rec, f)

static const struct column grant_cols[] = {
	{ "id", "id", COL_TEXT, G(id), COL_KEY },
	{ "person_id", "person", COL_TEXT, G(person_id), 0 },
	{ "case_id", "case", COL_TEXT, G(case_id), 0 },
	{ "(SELECT n.number FROM nmt_case n WHERE n.id = g.case_id)",
	    "case_number", COL_TEXT, G(case_number), COL_COMPUTED },
	{ "user_id", NULL, COL_TEXT, G(user_id), 0 },
	{ "(SELECT u.username FROM app_user u WHERE u.id = g.user_id)", "user",
	    COL_TEXT, G(username), COL_COMPUTED },
	{ "category", "category", COL_TEXT, G(category), 0 },
	{ "reason", "reason", COL_TEXT, G(reason), 0 },
	{ "created_at", "granted_at", COL_TEXT, G(created_at), 0 },
	{ "expires_at", "expires_at", COL_TEXT, G(expires_at), 0 },
};

const struct record_type grant_record = RECORD_TYPE("break_glass", "g",
    struct grant_rec, grant_cols);

static char *
identity_aad(const char *person_id)
{
	return xasprintf("person:%s:identity", person_id);
}

/* Seals p->identity into p->identity_sealed (NULL when it has none). */
static void
identity_seal(struct seal_keys *key, struct person_rec *p)
{
	const struct column *col;
	json_t              *obj;
	char                *plain, *aad, *v;
	size_t               i;

	free(p->identity_sealed);
	p->identity_sealed = NULL;
	if (!p->has_identity)
		return;
	obj = json_object();
	for (i = 0; i < identity_record.ncols; i++) {
		col = &identity_record.cols[i];
		if ((v = *REC_FIELD(&p->identity, col, char *)) != NULL)
			json_object_set_new(obj, col->json, json_string(v));
	}
	plain = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(obj);
	ASSERT(plain != NULL);
	aad = identity_aad(p->id);
	p->identity_sealed = seal_text(key, plain, strlen(plain), aad);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	free(aad);
}

/* Opens p->identity_sealed into p->identity; NMT_SEALED when it fails. */
static enum nmt_err
identity_open(struct seal_keys *key, struct person_rec *p)
{
	const struct column *col;
	json_t              *obj = NULL;
	char                *plain = NULL, *aad;
	size_t               len = 0, i;
	int                  rc;

	if (p->identity_sealed == NULL)
		return NMT_OK;
	aad = identity_aad(p->id);
	rc = seal_open(key, p->identity_sealed, aad, &plain, &len);
	free(aad);
	if (rc == 0)
		obj = json_loadb(plain, len, 0, NULL);
	if (plain != NULL) {
		sodium_memzero(plain, len);
		free(plain);
	}
	if (!json_is_object(obj)) {
		json_decref(obj);
		return NMT_SEALED;
	}
	for (i = 0; i < identity_record.ncols; i++) {
		col = &identity_record.cols[i];
		if (json_is_string(json_object_get(obj, col->json)))
			*REC_FIELD(&p->identity, col, char *) = xstrdup(
			    json_string_value(json_object_get(obj, col->json)));
	}
	p->has_identity = 1;
	json_decref(obj);
	return NMT_OK;
}

/*
 * A protection level this build does not know is a fault, never read as
 * a weaker one: the person is not served at all.
 */
static enum nmt_err
protection_known(const struct person_rec *p)
{
	if (protection_parse(p->protection) != PROTECTION_INVALID)
		return NMT_OK;
	log_error("person %s: unknown protection level", p->id);
	return NMT_ERROR;
}

enum nmt_err
store_person_insert(struct db *db, struct seal_keys *key, struct person_rec *p)
{
	char         id[UUID_TEXT];
	enum nmt_err e;

	if (p->id == NULL) {
		token_uuid(id);
		p->id = xstrdup(id);
	}
	p->version = 1;
	free(p->updated_at);
	p->updated_at = xstrdup(p->created_at);
	identity_seal(key, p);
	if ((e = record_insert(db, &person_record, p)) != NMT_OK ||
	    (e = store_person_index(db, key, p)) != NMT_OK)
		return e;
	return p->is_child ? store_clock_mark(db, p->id) : NMT_OK;
}

enum nmt_err
store_person_get(struct db *db, struct seal_keys *key, const char *person_id,
    int lock, struct person_rec *p)
{
	enum nmt_err e;

	if ((e = record_get(db, &person_record, person_id, lock, p)) != NMT_OK)
		return e;
	if ((e = protection_known(p)) == NMT_OK && key != NULL)
		e = identity_open(key, p);
	if (e != NMT_OK)
		person_rec_free(p);
	return e;
}

enum nmt_err
store_person_update(struct db *db, struct seal_keys *key, struct person_rec *p)
{
	enum nmt_err e;

	identity_seal(key, p);
	if ((e = record_update(db, &person_record, p)) != NMT_OK ||
	    (e = store_person_index(db, key, p)) != NMT_OK)
		return e;
	return p->is_child ? store_clock_mark(db, p->id) : NMT_OK;
}

void
person_rec_free(struct person_rec *p)
{
	size_t len;

	if (p->identity_sealed != NULL) {
		len = strlen(p->identity_sealed);
		sodium_memzero(p->identity_sealed, len);
	}
	record_free(&identity_record, &p->identity);
	record_free(&person_record, p);
}

enum nmt_err
store_persons_check(const struct person_rec *rows, size_t n)
{
	size_t       i;
	enum nmt_err e = NMT_OK;

	for (i = 0; e == NMT_OK && i < n; i++)
		e = protection_known(&rows[i]);
	return e;
}

enum nmt_err
store_case_persons(struct db *db, const char *case_id,
    struct person_rec **rows_r, size_t *n_r)
{
	struct sql  *b = sql_new();
	enum nmt_err e;

	record_select(b, &person_summary_record);
	sql_add(b, " WHERE p.case_id = ");
	sql_param(b, DB_TEXT(case_id));
	sql_add(b, " ORDER BY p.created_at, p.id");
	e = record_list(db, b, &person_summary_record, (void **)rows_r, n_r);
	if (e == NMT_OK)
		e = store_persons_check(*rows_r, *n_r);
	if (e != NMT_OK) {
		store_persons_free(*rows_r, *n_r);
		*rows_r = NULL;
		*n_r = 0;
	}
	sql_free(b);
	return e;
}

void
store_persons_free(struct person_rec *rows, size_t n)
{
	record_free_all(&person_summary_record, rows, n);
}

enum nmt_err
store_glass_insert(struct db *db, const struct grant_rec *g)
{
	return record_insert(db, &grant_record, g);
}

struct sql *
store_glass_list_sql(const char *case_id, const struct page *pg)
{
	struct sql *b = sql_new();

	record_select(b, &grant_record);
	sql_add(b, " WHERE 1 = 1");
	sql_and_eq(b, "g.case_id", DB_TEXT(case_id));
	sql_page(b, pg, "g.created_at", "g.id", 0);
	return b;
}

enum nmt_err
store_glass_list(struct db *db, const char *case_id, const struct page *pg,
    struct grant_rec **rows_r, size_t *n_r, int *more)
{
	struct sql  *b = store_glass_list_sql(case_id, pg);
	enum nmt_err e;

	e = record_page(db, b, &grant_record, pg, (void **)rows_r, n_r, more,
	    NULL);
	sql_free(b);
	return e;
}

void
store_grants_free(struct grant_rec *rows, size_t n)
{
	record_free_all(&grant_record, rows, n);
}
