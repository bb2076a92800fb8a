/*
 * person_match.c — POST /api/v1/persons/match, the duplicate check
 * before a person is registered.
 *
 * A pseudonym (folded: domain/match_key.h) matches only among the persons
 * the caller may see (the policy's person scope), narrowed by the birth
 * year and the citizenship where a person has one recorded. An identity
 * number, or a full name with a date of birth, matches through the keyed
 * blind indexes (store_match.c) anywhere: a match the caller may see,
 * on a person whose identity it may read (the policy's
 * ACT_REVEAL_IDENTITY, break-the-glass included), is listed; any other
 * identity match only sets "elsewhere" (no case, no person, nothing
 * more), so that nobody confirms an identity number or a name they may
 * not read. "reason" names what matched, never a value; identity
 * values arrive only in the body and are wiped once hashed.
 *
 * Audit: each query is a person.match entry (its case: the case the
 * person is being added to, "case" in the body), flagged when it found a
 * match elsewhere; then each such case gets a flagged person.match entry
 * of its own (its case: the case matched; its object: the case matched
 * from), so the secretariat's coordinators see which case was matched
 * from which case and by whom. The entries are written in one
 * transaction through api_write(), before the answer leaves; the query
 * is no case work and moves no case's last activity.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "api/api.h"
#include "core/util.h"
#include "crypto/blind.h"
#include "domain/calendar.h"
#include "domain/match_key.h"

#define MATCH_ROWS_MAX      200 /* rows read */
#define MATCH_LISTED_MAX    50  /* matches answered */
#define MATCH_ELSEWHERE_MAX 10  /* cases elsewhere audited one by one */

struct match_out {
	json_t *matches;
	int     elsewhere;
	char    hidden[MATCH_ELSEWHERE_MAX][UUID_TEXT];
	size_t  nhidden;
};

static const char *
body_text(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* The case the check is made from: visible to the caller, else 400. */
static enum nmt_err
from_case_rule(struct ctx *c, const char *id, json_t *errors)
{
	struct facts f;
	enum nmt_err e;

	if (!token_is_uuid(id)) {
		validate_error(errors, "case", "invalid_value",
		    "Ange ärendets id.");
		return NMT_OK;
	}
	if ((e = gate_facts(c, &case_facts_query, id, 0, &f)) != NMT_OK)
		return e;
	if (policy_decide(&c->actor.principal, OBJ_CASE, ACT_READ, &f) !=
	    POLICY_ALLOW)
		validate_error(errors, "case", "invalid_value",
		    "Okänt ärende.");
	return NMT_OK;
}

/*
 * Something to look for (a pseudonym, an identity number, or a full name
 * with its date of birth: both or neither), a case the caller sees, a
 * known country.
 */
static enum nmt_err
match_check(struct ctx *c, json_t *errors)
{
	const json_t *idn = json_object_get(c->body, "identity");
	const char   *name = body_text(idn, "full_name");
	const char   *dob = body_text(idn, "date_of_birth");
	const char   *from = body_text(c->body, "case"), *cz;
	int           found = 1;
	enum nmt_err  e = NMT_OK;

	if (name != NULL && dob == NULL)
		validate_error(errors, "identity.date_of_birth", "required",
		    "Ange födelsedatum tillsammans med namnet.");
	if (dob != NULL && name == NULL)
		validate_error(errors, "identity.full_name", "required",
		    "Ange namnet tillsammans med födelsedatumet.");
	if (body_text(c->body, "pseudonym") == NULL &&
	    body_text(idn, "id_number") == NULL && name == NULL && dob == NULL)
		validate_error(errors, "pseudonym", "required",
		    "Ange pseudonym eller identitetsuppgifter att söka på.");
	if (from != NULL)
		e = from_case_rule(c, from, errors);
	if (e == NMT_OK && (cz = body_text(c->body, "citizenship")) != NULL &&
	    !validate_has_error(errors, "citizenship") &&
	    (e = store_country_exists(c->db, cz, &found)) == NMT_OK && !found)
		validate_error(errors, "citizenship", "invalid_country",
		    "Okänd landskod (ISO 3166-1 alfa-2).");
	if (e != NMT_OK)
		reply_error(c, e);
	return e;
}

/* The blind indexes of a normalised value (wiped and freed). */
static size_t
hashes_of(struct ctx *c, enum blind_kind kind, char *value,
    char out[KEY_MASTERS_MAX][BLIND_HEX])
{
	size_t n;

	if (value == NULL)
		return 0;
	n = blind_index_all(c->app->keys.identity, kind, value, out);
	sodium_memzero(value, strlen(value));
	free(value);
	return n;
}

/* The query from the body; q->pseudonym_fold is malloc'd. */
static void
match_query_of(struct ctx *c, struct match_query *q)
{
	const json_t     *idn = json_object_get(c->body, "identity");
	const json_t     *by = json_object_get(c->body, "birth_year");
	const char       *v;
	struct civil_date today;

	memset(q, 0, sizeof(*q));
	civil_today(c->now, &today);
	v = body_text(c->body, "pseudonym");
	q->pseudonym_fold = v != NULL ? match_pseudonym_key(v) : NULL;
	q->birth_year = json_is_integer(by) ? json_integer_value(by) :
	                                      REC_NULL_INT;
	q->citizenship = body_text(c->body, "citizenship");
	if ((v = body_text(idn, "id_number")) != NULL)
		q->n_id = hashes_of(c, BLIND_ID_NUMBER,
		    match_id_number_key(v, today.year), q->id_hash);
	if (body_text(idn, "full_name") != NULL)
		q->n_name = hashes_of(c, BLIND_NAME_DOB,
		    match_name_dob_key(body_text(idn, "full_name"),
		        body_text(idn, "date_of_birth")),
		    q->name_hash);
}

/* What matched, strongest first: "reason" is the first of them. */
static json_t *
reasons_of(const struct match_row *r)
{
	json_t *a = json_array();

	if (r->id_number_hit)
		json_array_append_new(a, json_string("id_number"));
	if (r->name_dob_hit)
		json_array_append_new(a, json_string("name_and_date_of_birth"));
	if (r->pseudonym_hit) {
		json_array_append_new(a, json_string("pseudonym"));
		if (r->birth_year_hit)
			json_array_append_new(a, json_string("birth_year"));
		if (r->citizenship_hit)
			json_array_append_new(a, json_string("citizenship"));
	}
	return a;
}

static json_t *
match_doc(const struct match_row *r)
{
	json_t *reasons = reasons_of(r);

	return json_pack("{s:s, s:s, s:s, s:s, s:O, s:o}", "person",
	    r->person_id, "case", r->case_id, "number", r->number, "pseudonym",
	    r->pseudonym, "reason", json_array_get(reasons, 0), "reasons",
	    reasons);
}

static void
hidden_add(struct match_out *out, const char *case_id)
{
	size_t i;

	out->elsewhere = 1;
	for (i = 0; i < out->nhidden; i++)
		if (strcmp(out->hidden[i], case_id) == 0)
			return;
	if (out->nhidden < MATCH_ELSEWHERE_MAX)
		strlcopy(out->hidden[out->nhidden++], case_id, UUID_TEXT);
}

/* The query's entry and one flagged entry per case matched elsewhere. */
static enum nmt_err
match_audit(struct ctx *c, const struct match_out *out)
{
	const char       *from = body_text(c->body, "case");
	struct audit_note n;
	enum nmt_err      e;
	size_t            i;

	memset(&n, 0, sizeof(n));
	n.action = "person.match";
	n.flagged = out->elsewhere;
	if (from != NULL)
		strlcopy(n.case_id, from, sizeof(n.case_id));
	if ((e = audit_in_tx(c, &n)) != NMT_OK)
		return e;
	if (from != NULL)
		note_object(c, "case", from);
	for (i = 0; i < out->nhidden && e == NMT_OK; i++) {
		strlcopy(n.object, c->note.object, sizeof(n.object));
		strlcopy(n.case_id, out->hidden[i], sizeof(n.case_id));
		n.flagged = 1;
		e = audit_in_tx(c, &n);
	}
	/* Written here: api_write() adds none and touches no case. */
	c->note.action = NULL;
	*c->note.case_id = '\0';
	return e;
}

/*
 * Whether the caller may read the identity of the person of r (its
 * identity hits are kept only then); errors count as no.
 */
static int
identity_readable(struct ctx *c, const struct match_row *r)
{
	struct facts f;

	if (gate_facts(c, &person_facts_query, r->person_id, 0, &f) != NMT_OK)
		return 0;
	return policy_decide(&c->actor.principal, OBJ_PERSON,
	           ACT_REVEAL_IDENTITY, &f) == POLICY_ALLOW;
}

/*
 * An identity hit on a person the caller sees but whose identity it may
 * not read counts as a match elsewhere; what is left of r is listed.
 * Returns whether r is still listed.
 */
static int
match_filter(struct ctx *c, struct match_row *r, struct match_out *out)
{
	if (!r->visible) {
		hidden_add(out, r->case_id);
		return 0;
	}
	if ((r->id_number_hit || r->name_dob_hit) && !identity_readable(c, r)) {
		hidden_add(out, r->case_id);
		r->id_number_hit = r->name_dob_hit = 0;
	}
	return r->id_number_hit || r->name_dob_hit || r->pseudonym_hit;
}

static enum nmt_err
match_run(struct ctx *c, void *arg)
{
	struct match_out  *out = arg;
	struct match_query q;
	struct match_row  *rows;
	struct scope       s = policy_scope(&c->actor.principal, OBJ_PERSON);
	size_t             i, n, listed = 0;
	enum nmt_err       e;

	match_query_of(c, &q);
	e = store_person_match(c->db, &s, c->now_text, &q, MATCH_ROWS_MAX,
	    &rows, &n);
	free((char *)q.pseudonym_fold);
	sodium_memzero(&q, sizeof(q));
	if (e != NMT_OK)
		return e;
	for (i = 0; i < n; i++)
		if (match_filter(c, &rows[i], out) &&
		    listed++ < MATCH_LISTED_MAX)
			json_array_append_new(out->matches,
			    match_doc(&rows[i]));
	store_match_rows_free(rows, n);
	return match_audit(c, out);
}

static void
persons_match(struct ctx *c)
{
	struct match_out out;

	memset(&out, 0, sizeof(out));
	out.matches = json_array();
	if (api_write(c, match_run, &out) == NMT_OK)
		reply_json(c, 200,
		    json_pack("{s:o, s:b}", "matches", out.matches, "elsewhere",
		        out.elsewhere));
	else
		json_decref(out.matches);
}

static const struct field_spec match_identity_spec[] = {
	{ "full_name", FT_STRING, FIELD_NULLABLE, 200, 0, 0, NULL, NULL },
	{ "date_of_birth", FT_DATE, FIELD_NULLABLE, 10, 0, 0, NULL, NULL },
	{ "id_number", FT_STRING, FIELD_NULLABLE, 64, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec match_spec[] = {
	{ "pseudonym", FT_STRING, FIELD_NULLABLE, 100, 0, 0, NULL, NULL },
	{ "birth_year", FT_INT, FIELD_NULLABLE, 0, 1900, 9999, NULL, NULL },
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL },
	{ "identity", FT_OBJECT, FIELD_NULLABLE, 0, 0, 0, NULL,
	    match_identity_spec },
	{ "case", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	FIELD_END,
};

const struct route person_match_routes[] = {
	{ .method = "POST",
	    .pattern = "/api/v1/persons/match",
	    .roles = ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER),
	    .body = match_spec,
	    .kind = OBJ_PERSON,
	    .action = ACT_LIST,
	    .audit = "person.match",
	    .handler = persons_match,
	    .check = match_check },
	ROUTE_END,
};
