/*
 * persons.c — the persons of a case (presumed victims, pseudonymised).
 *
 * The store seals the identity block on its way in and opens it on its
 * way out; this file decides with the policy how much of it the caller
 * receives (the address is dropped for the narrower view). The person
 * answer never carries the block: GET /persons/{id}/identity gives it,
 * on demand, to those the policy opens it to (404 to anyone else), as an
 * audit entry of its own (person.identity.read, flagged when only a
 * break-the-glass grant opens it). Every person answer carries what the
 * caller may do now ("allowed"). Whether a
 * person is a child is computed from the registration day, never taken
 * from the client. A writer who may not see the identity may not replace
 * it or its protection; a grant opens it for reading only. A stored block
 * that will not open answers 500 and nothing is written.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/person_rules.h"

const struct object_type person_object = { OBJ_PERSON, "person",
	&person_facts_query, "person.denied", "person.write_denied" };

/* The identity view without any grant: what the caller sees by right. */
static enum identity_view
view_by_right(struct ctx *c)
{
	struct facts f = c->facts;

	*f.glass_until = '\0';
	return policy_identity(&c->actor.principal, &f);
}

static const char *const access_names[] = { "none", "without_address", "full" };

/*
 * The person document as the caller may see it: no identity block; how
 * much of it the caller may reveal, whether a block is stored, the end of
 * a live grant that opens it, and what the caller may do now.
 */
static json_t *
person_document(struct ctx *c, const struct person_rec *p,
    enum identity_view view)
{
	json_t *doc = render_record(&person_record, p);

	json_object_set_new(doc, "identity_access",
	    json_string(access_names[view]));
	json_object_set_new(doc, "has_identity",
	    json_boolean(view != IDENTITY_NONE && p->identity_sealed != NULL));
	if (view != view_by_right(c))
		json_object_set_new(doc, "break_glass_until",
		    json_string(c->facts.glass_until));
	json_object_set_new(doc, "allowed",
	    render_allowed(&c->actor.principal, &c->facts));
	return doc;
}

/*
 * Reads the person (the identity opened only when the caller may see
 * it: whether one is stored is all the document tells of it); c->facts
 * are the person's, as they are now.
 */
static void
reply_person(struct ctx *c, const char *id, int created)
{
	enum identity_view view = policy_identity(&c->actor.principal,
	    &c->facts);
	struct person_rec  p;
	json_t            *doc;
	enum nmt_err       e;

	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(c->db, NULL, id, 0, &p)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	doc = person_document(c, &p, view);
	reply_etag(c, p.version);
	if (created)
		reply_created(c, "/api/v1/persons", id, doc);
	else
		reply_json(c, 200, doc);
	person_rec_free(&p);
}

/* The person's facts as they are now, after a write: 0, or -1 replied. */
static int
facts_now(struct ctx *c, const char *id)
{
	if (gate_facts(c, &person_facts_query, id, 0, &c->facts) == NMT_OK)
		return 0;
	reply_error(c, NMT_ERROR);
	return -1;
}

static void
set_text(char **field, const json_t *v)
{
	free(*field);
	*field = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static void
set_list(struct text_list *l, const json_t *v)
{
	const char *items[32];
	size_t      i, n = 0;

	for (i = 0; i < json_array_size(v) && n < 32; i++)
		if (json_is_string(json_array_get(v, i)))
			items[n++] = json_string_value(json_array_get(v, i));
	text_list_set(l, items, n);
}

static void
set_int(long long *field, const json_t *v)
{
	*field = json_is_integer(v) ? (long long)json_integer_value(v) :
	                              REC_NULL_INT;
}

/*
 * The identity object of a body onto the record. The validator has
 * trimmed its strings: an empty one is no value, and a block with no
 * value at all is no identity, as null is (both remove a stored one).
 */
static void
set_identity(struct person_rec *p, const json_t *v)
{
	const struct column *col;
	const json_t        *field;
	size_t               i;

	record_free(&identity_record, &p->identity);
	p->has_identity = 0;
	for (i = 0; json_is_object(v) && i < identity_record.ncols; i++) {
		col = &identity_record.cols[i];
		field = json_object_get(v, col->json);
		if (json_string_length(field) == 0)
			field = NULL;
		set_text(REC_FIELD(&p->identity, col, char *), field);
		p->has_identity |= field != NULL;
	}
}

/* The body's fields onto a person record (a merge: absent stays). */
static void
person_apply(struct person_rec *p, const json_t *body)
{
	const char *key;
	json_t     *v;

	json_object_foreach((json_t *)body, key, v)
	{
		if (strcmp(key, "pseudonym") == 0)
			set_text(&p->pseudonym, v);
		else if (strcmp(key, "gender") == 0)
			set_text(&p->gender, v);
		else if (strcmp(key, "birth_year") == 0)
			set_int(&p->birth_year, v);
		else if (strcmp(key, "age_estimate") == 0)
			set_int(&p->age_estimate, v);
		else if (strcmp(key, "citizenship") == 0)
			set_text(&p->citizenship, v);
		else if (strcmp(key, "languages") == 0)
			set_list(&p->languages, v);
		else if (strcmp(key, "vulnerabilities") == 0)
			set_list(&p->vulnerabilities, v);
		else if (strcmp(key, "protected_identity") == 0 &&
		    json_is_string(v))
			set_text(&p->protection, v);
		else if (strcmp(key, "identity") == 0)
			set_identity(p, v);
	}
}

/*
 * Each language the body names is a code of the language table (ISO
 * 639-1, lower case): "languages[i]" invalid_language otherwise. Items the
 * spec already refused are skipped; stored lists are not checked again.
 */
static enum nmt_err
language_rules(struct ctx *c, json_t *errors)
{
	const json_t *item;
	char         *field;
	size_t        i;
	int           found;
	enum nmt_err  e = NMT_OK;

	json_array_foreach(json_object_get(c->body, "languages"), i, item)
	{
		field = xasprintf("languages[%zu]", i);
		found = 1;
		if (json_is_string(item) && !validate_has_error(errors, field))
			e = store_language_exists(c->db,
			    json_string_value(item), &found);
		if (e == NMT_OK && !found)
			validate_error(errors, field, "invalid_language",
			    "Okänd språkkod (ISO 639-1).");
		free(field);
		if (e != NMT_OK)
			return e;
	}
	return NMT_OK;
}

/*
 * The rules the spec cannot express, added to errors: dates not in the
 * future, a birth year or an age estimate (not both), a citizenship that
 * is a known country, languages that are known languages.
 */
static enum nmt_err
person_rules(struct ctx *c, const struct person_rec *p, json_t *errors)
{
	const char *dob = p->has_identity ? p->identity.date_of_birth : NULL;
	struct civil_date today;
	int               found = 1;
	enum nmt_err      e;

	civil_today(c->now, &today);
	if (person_birth_in_future(&today, dob))
		validate_error(errors, "identity.date_of_birth", "out_of_range",
		    "Födelsedatumet ligger i framtiden.");
	if (p->birth_year != REC_NULL_INT && p->age_estimate != REC_NULL_INT)
		validate_error(errors, "age_estimate", "conflict",
		    "Ange antingen födelseår eller uppskattad ålder.");
	if (p->birth_year != REC_NULL_INT && p->birth_year > today.year)
		validate_error(errors, "birth_year", "out_of_range",
		    "Födelseåret ligger i framtiden.");
	if (p->citizenship != NULL &&
	    !validate_has_error(errors, "citizenship") &&
	    (e = store_country_exists(c->db, p->citizenship, &found)) != NMT_OK)
		return e;
	if (!found)
		validate_error(errors, "citizenship", "invalid_country",
		    "Okänd landskod (ISO 3166-1 alfa-2).");
	return language_rules(c, errors);
}

/* The rules on a merged record: NMT_INVALID after answering 400. */
static enum nmt_err
person_valid(struct ctx *c, struct person_rec *p)
{
	json_t           *errors = json_array();
	time_t            reg;
	struct civil_date reg_day;
	const char  *dob = p->has_identity ? p->identity.date_of_birth : NULL;
	enum nmt_err e;

	if ((e = person_rules(c, p, errors)) != NMT_OK) {
		json_decref(errors);
		return e;
	}
	if (json_array_size(errors) > 0) {
		reply_invalid(c, errors);
		return NMT_INVALID;
	}
	json_decref(errors);
	/* Whether a child is decided on the registration day. */
	if (time_parse(p->created_at, &reg) != 0)
		reg = c->now;
	civil_today(reg, &reg_day);
	p->is_child = person_is_child(&reg_day, dob,
	    p->birth_year == REC_NULL_INT ? -1 : (long)p->birth_year,
	    p->age_estimate == REC_NULL_INT ? -1 : (long)p->age_estimate);
	return NMT_OK;
}

/* A new person from the body, as the create route stores it. */
static void
person_new(struct ctx *c, struct person_rec *p)
{
	char id[UUID_TEXT];

	memset(p, 0, sizeof(*p));
	p->birth_year = p->age_estimate = REC_NULL_INT;
	p->protection = xstrdup("none");
	token_uuid(id);
	p->id = xstrdup(id);
	p->case_id = xstrdup(c->params[0]);
	p->created_by = xstrdup(c->actor.user_id);
	p->created_at = xstrdup(c->now_text);
	person_apply(p, c->body);
}

/* The create route's rule: every error of the new person in one answer. */
static enum nmt_err
person_check(struct ctx *c, json_t *errors)
{
	struct person_rec p;
	enum nmt_err      e;

	person_new(c, &p);
	if ((e = person_rules(c, &p, errors)) != NMT_OK)
		reply_error(c, e);
	person_rec_free(&p);
	return e;
}

static enum nmt_err
person_insert(struct ctx *c, void *arg)
{
	struct person_rec p;
	enum nmt_err      e;

	(void)arg;
	person_new(c, &p);
	if ((e = person_valid(c, &p)) == NMT_OK &&
	    (e = store_person_insert(c->db, c->app->keys.identity, &p)) ==
	        NMT_OK)
		note_object(c, "person", p.id);
	person_rec_free(&p);
	return e;
}

/* ---- a person registered in the field (operations.c) ---- */

enum nmt_err
person_field_check(struct ctx *c, json_t *errors)
{
	return person_check(c, errors);
}

enum nmt_err
person_field_insert(struct ctx *c, const char *case_id, char id[UUID_TEXT])
{
	struct person_rec p;
	enum nmt_err      e;

	person_new(c, &p);
	free(p.case_id);
	p.case_id = xstrdup(case_id);
	if ((e = person_valid(c, &p)) == NMT_OK &&
	    (e = store_person_insert(c->db, c->app->keys.identity, &p)) ==
	        NMT_OK)
		strlcopy(id, p.id, UUID_TEXT);
	person_rec_free(&p);
	return e;
}

static void
persons_create(struct ctx *c)
{
	char id[80];

	if (api_write(c, person_insert, NULL) != NMT_OK)
		return;
	/* The new person is on the case the gate decided on. */
	strlcopy(id, c->note.object + strlen("person:"), sizeof(id));
	if (facts_now(c, id) == 0)
		reply_person(c, id, 1);
}

static void
person_get(struct ctx *c)
{
	reply_person(c, c->params[0], 0);
}

/*
 * GET /persons/{id}/identity: the block as far as the policy opens it
 * (the gate answered 404 to anyone it opens nothing to): the fields
 * stored, none when no block is. A read only a grant opens is flagged.
 */
static void
identity_get(struct ctx *c)
{
	enum identity_view view = policy_identity(&c->actor.principal,
	    &c->facts);
	struct person_rec  p;
	json_t            *doc;
	enum nmt_err       e;

	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(c->db, c->app->keys.identity, c->params[0], 0,
	         &p)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	doc = render_record(&identity_record, &p.identity);
	if (view != IDENTITY_FULL)
		json_object_del(doc, "address");
	json_object_set_new(doc, "access", json_string(access_names[view]));
	c->note.flagged = view != view_by_right(c);
	if (c->note.flagged)
		json_object_set_new(doc, "break_glass_until",
		    json_string(c->facts.glass_until));
	reply_json(c, 200, doc);
	person_rec_free(&p);
}

/* The changes from old to p, recorded as p's next version. */
static enum nmt_err
person_history(struct ctx *c, const struct person_rec *old,
    const struct person_rec *p)
{
	json_t *changes = json_array();

	history_diff(changes, &person_record, old, p, NULL);
	history_diff(changes, &identity_record, &old->identity, &p->identity,
	    "identity.");
	return history_write(c, "person", p->id, p->case_id, p->version + 1,
	    changes);
}

static enum nmt_err
person_update(struct ctx *c, void *arg)
{
	struct person_rec old, p;
	struct seal_keys *key = c->app->keys.identity;
	enum nmt_err      e;

	(void)arg;
	memset(&old, 0, sizeof(old));
	memset(&p, 0, sizeof(p));
	/* Open the stored identity so an unchanged block is kept as is. */
	if ((e = store_person_get(c->db, key, c->params[0], 1, &old)) != NMT_OK)
		return e;
	if (old.version != c->version)
		e = NMT_STALE;
	else if ((json_object_get(c->body, "identity") != NULL ||
	             json_object_get(c->body, "protected_identity") != NULL) &&
	    view_by_right(c) != IDENTITY_FULL)
		e = NMT_FORBIDDEN;
	else if ((e = store_person_get(c->db, key, c->params[0], 0, &p)) ==
	    NMT_OK) {
		person_apply(&p, c->body);
		free(p.updated_at);
		p.updated_at = xstrdup(c->now_text);
		if ((e = person_valid(c, &p)) == NMT_OK &&
		    (e = person_history(c, &old, &p)) == NMT_OK)
			e = store_person_update(c->db, key, &p);
	}
	person_rec_free(&old);
	person_rec_free(&p);
	return e;
}

static void
person_patch(struct ctx *c)
{
	if (api_write(c, person_update, NULL) == NMT_OK &&
	    facts_now(c, c->params[0]) == 0)
		reply_person(c, c->params[0], 0);
}

static const struct field_spec identity_spec[] = {
	{ "full_name", FT_STRING, FIELD_NULLABLE, 200, 0, 0, NULL, NULL },
	{ "date_of_birth", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "id_number", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "phone", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	{ "address", FT_TEXT, FIELD_NULLABLE, 500, 0, 0, NULL, NULL },
	FIELD_END,
};

/* clang-format off */
#define PERSON_FIELDS(req)						\
	{ "pseudonym", FT_STRING, req, 100, 0, 0, NULL, NULL },		\
	{ "gender", FT_CODE, req, 0, 0, 0, vocab_genders, NULL },	\
	{ "birth_year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL }, \
	{ "age_estimate", FT_INT, FIELD_NULLABLE, 0, 0, 120, NULL, NULL }, \
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL }, \
	{ "languages", FT_STRING_LIST, 0, 20, 0, 0, NULL, NULL },	\
	{ "vulnerabilities", FT_CODE_LIST, 0, 30, 0, 0,			\
	    vocab_vulnerabilities, NULL },				\
	{ "protected_identity", FT_CODE, 0, 0, 0, 0, vocab_protection,	\
	    NULL },							\
	{ "identity", FT_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL,		\
	    identity_spec },						\
	FIELD_END

static const struct field_spec person_create_spec[] = {
	PERSON_FIELDS(FIELD_REQUIRED),
};

static const struct field_spec person_patch_spec[] = {
	PERSON_FIELDS(FIELD_NONEMPTY),
};
/* clang-format on */

#define PERSON_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route person_routes[] = {
	{ .method = "POST",
	    .pattern = "/api/v1/cases/{id}/persons",
	    .roles = PERSON_ROLES,
	    .body = person_create_spec,
	    .object = &case_object,
	    .action = ACT_UPDATE,
	    .audit = "person.create",
	    .handler = persons_create,
	    .check = person_check },
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}",
	    .roles = PERSON_ROLES,
	    .object = &person_object,
	    .action = ACT_READ,
	    .audit = "person.read",
	    .handler = person_get },
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}/identity",
	    .roles = PERSON_ROLES,
	    .object = &person_object,
	    .action = ACT_REVEAL_IDENTITY,
	    .audit = "person.identity.read",
	    .handler = identity_get },
	{ .method = "PATCH",
	    .pattern = "/api/v1/persons/{id}",
	    .roles = PERSON_ROLES,
	    .body = person_patch_spec,
	    .object = &person_object,
	    .action = ACT_UPDATE,
	    .audit = "person.update",
	    .handler = person_patch,
	    .flags = R_IF_MATCH },
	ROUTE_END,
};
