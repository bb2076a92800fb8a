/*
 * persons.c — the persons of a case (presumed victims, pseudonymised).
 *
 * The identity block is sealed before it reaches the store, bound to the
 * person's id, and opened only when the policy grants the caller a view
 * of it; the address is dropped for the narrower view. Whether a person
 * is a child is computed here from the registration day, never taken
 * from the client. A writer who may not see the identity may not replace
 * it either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "api/resource.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "crypto/seal.h"
#include "db/store.h"
#include "domain/person_rules.h"

static const struct field_spec identity_spec[] = {
	{ "full_name", FT_STRING, FIELD_NULLABLE, 200, 0, 0, NULL, NULL },
	{ "date_of_birth", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "id_number", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "phone", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "address", FT_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL },
	FIELD_END
};

#define PERSON_FIELDS(req)						\
	{ "pseudonym", FT_STRING, req, 100, 0, 0, NULL, NULL },		\
	{ "gender", FT_CODE, req, 0, 0, 0, vocab_genders, NULL },	\
	{ "birth_year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL }, \
	{ "age_estimate", FT_INT, FIELD_NULLABLE, 0, 0, 120, NULL, NULL }, \
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL }, \
	{ "languages", FT_STRING_LIST, 0, 20, 0, 0, NULL, NULL },	\
	{ "vulnerabilities", FT_STRING_LIST, 0, 30, 0, 0, NULL, NULL },	\
	{ "protected_identity", FT_CODE, 0, 0, 0, 0, vocab_protection,	\
	    NULL },							\
	{ "identity", FT_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL,		\
	    identity_spec },						\
	FIELD_END

static const struct field_spec person_create_spec[] = {
	PERSON_FIELDS(FIELD_REQUIRED)
};

static const struct field_spec person_patch_spec[] = {
	PERSON_FIELDS(FIELD_NONEMPTY)
};

/*
 * The rules the spec cannot express, added to errors: dates not in the
 * future, a birth year or an age estimate (not both), a citizenship that
 * is a known country. Returns -1 (after replying) only when the database
 * fails.
 */
static int
person_rules(struct ctx *c, const json_t *merged, json_t *errors)
{
	const json_t	*identity = json_object_get(merged, "identity");
	const char	*dob = json_is_object(identity) ?
			    json_str(identity, "date_of_birth") : NULL;
	const char	*citizenship = json_str(merged, "citizenship");
	long		 birth_year = json_long(merged, "birth_year");
	char		 today[11];
	int		 year, month, day, found;
	enum nmt_err	 e;

	date_today(c->now, &year, &month, &day);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", year, month, day);
	/* Dates are ISO text, so text order is time order. */
	if (dob != NULL && strcmp(dob, today) > 0)
		validate_error(errors, "identity.date_of_birth", "out_of_range",
		    "Födelsedatumet ligger i framtiden.");
	if (birth_year >= 0 && json_long(merged, "age_estimate") >= 0)
		validate_error(errors, "age_estimate", "conflict",
		    "Ange antingen födelseår eller uppskattad ålder.");
	if (birth_year > year)
		validate_error(errors, "birth_year", "out_of_range",
		    "Födelseåret ligger i framtiden.");
	if (citizenship != NULL && strlen(citizenship) == 2) {
		if ((e = store_country_exists(c->db, citizenship, &found)) !=
		    NMT_OK) {
			json_decref(errors);
			reply_error(c, e);
			return -1;
		}
		if (!found)
			validate_error(errors, "citizenship", "invalid_country",
			    "Okänd landskod (ISO 3166-1 alfa-2).");
	}
	return 0;
}

/* Fills v from a person document (create body, or stored merged). */
static void
person_values(struct ctx *c, const json_t *doc, const char *registered,
    struct person_values *v)
{
	const json_t	*identity = json_object_get(doc, "identity");
	const char	*protection = json_str(doc, "protected_identity");
	time_t		 reg;
	int		 year, month, day;

	memset(v, 0, sizeof(*v));
	v->pseudonym = json_str(doc, "pseudonym");
	v->gender = json_str(doc, "gender");
	v->birth_year = json_long(doc, "birth_year");
	v->age_estimate = json_long(doc, "age_estimate");
	v->citizenship = json_str(doc, "citizenship");
	v->protection = protection ? protection : "none";
	v->languages = json_object_get(doc, "languages");
	v->vulnerabilities = json_object_get(doc, "vulnerabilities");
	if (time_parse(registered, &reg) != 0)
		reg = c->now;
	date_today(reg, &year, &month, &day);
	v->is_child = person_is_child(year, month, day,
	    json_is_object(identity) ? json_str(identity, "date_of_birth") :
	    NULL, v->birth_year, v->age_estimate);
}

/* Seals the identity object of doc (if any) for person id. */
static char *
seal_identity(struct ctx *c, const json_t *doc, const char *person_id)
{
	const json_t	*identity = json_object_get(doc, "identity");
	char		*plain, *sealed, *aad;

	if (!json_is_object(identity))
		return NULL;
	plain = json_dumps(identity, JSON_COMPACT | JSON_SORT_KEYS);
	aad = xasprintf("person:%s:identity", person_id);
	sealed = seal_text(c->app->keys.identity, plain, strlen(plain), aad);
	sodium_memzero(plain, strlen(plain));
	free(plain);
	free(aad);
	return sealed;
}

static json_t *
empty_list_if_absent(json_t *doc, const char *key)
{
	if (!json_is_array(json_object_get(doc, key)))
		json_object_set_new(doc, key, json_array());
	return doc;
}

static void
reply_person(struct ctx *c, int status, const char *person_id,
    const struct case_row_facts *f)
{
	json_t			*doc;
	enum identity_view	 view;
	char			 until[TIME_TEXT];
	enum nmt_err		 e;

	if ((doc = store_person_get(c->db, person_id, &e)) == NULL) {
		reply_error(c, e == NMT_OK ? NMT_ERROR : e);
		return;
	}
	if (identity_view(c, doc, f, &view, until) != 0) {
		json_decref(doc);
		return;
	}
	disclose_identity(c, doc, view, until, f);
	reply_etag(c, json_integer_value(json_object_get(doc, "version")));
	reply_json(c, status, doc);
}

void
api_persons_create(struct ctx *c)
{
	const char		*case_id = c->params[0];
	struct case_row_facts	 f;
	struct person_values	 v;
	char			 id[UUID_TEXT], now[TIME_TEXT], *location;
	json_t			*errors;
	enum nmt_err		 e;

	if (case_access(c, case_id, CASE_WRITE, &f) != 0 ||
	    check_body(c, person_create_spec, &errors) != 0 ||
	    person_rules(c, c->body, errors) != 0 ||
	    reply_if_invalid(c, errors) != 0)
		return;
	empty_list_if_absent(c->body, "languages");
	empty_list_if_absent(c->body, "vulnerabilities");
	token_uuid(id);
	time_format(c->now, now);
	person_values(c, c->body, now, &v);
	v.identity_sealed = seal_identity(c, c->body, id);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_person_insert(c->db, case_id, id, &v,
	    c->actor.user_id, now)) != NMT_OK ||
	    (e = audit_in_tx(c, "person.create", ctx_object(c, "person", id),
	    case_id, 0)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK) {
		db_rollback(c->db);
		reply_error(c, e);
		goto out;
	}
	location = xasprintf("/api/v1/persons/%s", id);
	reply_header(c, "Location", location);
	free(location);
	reply_person(c, 201, id, &f);
out:
	free((char *)v.identity_sealed);
}

void
api_person_get(struct ctx *c)
{
	struct case_row_facts	 f;
	enum identity_view	 view;
	json_t			*doc;
	char			 until[TIME_TEXT];

	if ((doc = person_access(c, c->params[0], CASE_READ, &f)) == NULL)
		return;
	if (identity_view(c, doc, &f, &view, until) != 0) {
		json_decref(doc);
		return;
	}
	/* A read that only a broken glass opened is flagged. */
	audit_later(c, "person.read", ctx_object(c, "person", c->params[0]),
	    json_str(doc, "case"), *until != '\0');
	disclose_identity(c, doc, view, until, &f);
	reply_etag(c, json_integer_value(json_object_get(doc, "version")));
	reply_json(c, 200, doc);
}

/* The stored document with the patch applied (null clears a field). */
static json_t *
merge_patch(json_t *stored, json_t *patch)
{
	const char	*key;
	json_t		*value;

	json_object_foreach(patch, key, value) {
		if (json_is_null(value))
			json_object_del(stored, key);
		else
			json_object_set(stored, key, value);
	}
	return stored;
}

void
api_person_patch(struct ctx *c)
{
	const char		*id = c->params[0];
	struct case_row_facts	 f;
	struct person_values	 v;
	json_t			*doc;
	char			 now[TIME_TEXT], *sealed = NULL;
	json_t			*errors;
	long long		 version;
	int			 stale, replaces_identity;
	enum nmt_err		 e;

	memset(&v, 0, sizeof(v));
	if ((doc = person_access(c, id, CASE_WRITE, &f)) == NULL)
		return;
	if (require_if_match(c, &version) != 0 ||
	    require_body(c, person_patch_spec) != 0)
		goto out;
	/*
	 * The merge starts from the stored document, so it must be the very
	 * version named: the UPDATE then succeeds only if that version is
	 * still current, and no concurrent change is ever written back.
	 */
	if (json_integer_value(json_object_get(doc, "version")) != version) {
		reply_problem(c, 412, "Personen har ändrats av någon annan; "
		    "hämta den på nytt.");
		goto out;
	}
	replaces_identity = json_object_get(c->body, "identity") != NULL ||
	    json_object_get(c->body, "protected_identity") != NULL;
	/* A break-the-glass grant reads; it never changes protection. */
	if (replaces_identity && policy_identity(&c->actor.principal, &f.facts,
	    protection_parse(json_str(doc, "protected_identity")), 0) !=
	    IDENTITY_FULL) {
		reply_policy(c, POLICY_FORBIDDEN);
		goto out;
	}
	/* Open the stored identity so an unchanged block is kept as is. */
	disclose_identity(c, doc, IDENTITY_FULL, NULL, NULL);
	json_object_del(doc, "identity_access");
	merge_patch(doc, c->body);
	errors = json_array();
	if (person_rules(c, doc, errors) != 0 ||
	    reply_if_invalid(c, errors) != 0)
		goto out;
	time_format(c->now, now);
	person_values(c, doc, json_str(doc, "created_at"), &v);
	v.identity_sealed = sealed = seal_identity(c, doc, id);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_person_update(c->db, id, version, &v, now, &stale)) !=
	    NMT_OK)
		goto fail;
	if (stale) {
		db_rollback(c->db);
		reply_problem(c, 412, "Personen har ändrats av någon annan; "
		    "hämta den på nytt.");
		goto out;
	}
	if ((e = audit_in_tx(c, "person.update", ctx_object(c, "person", id),
	    json_str(doc, "case"), 0)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK)
		goto fail;
	reply_person(c, 200, id, &f);
	goto out;
fail:
	db_rollback(c->db);
	reply_error(c, e);
out:
	free(sealed);
	json_decref(doc);
}
