/*
 * assessments.c — indicator screening: the catalogue (GET /indicators)
 * and a person's assessments (POST and GET /persons/{id}/assessments).
 *
 * The catalogue is data embedded in the binaries (domain/indicators.c);
 * ?version= serves an older one, so an old assessment can be read with
 * the indicators it was made with. An assessment is made by anyone who
 * may read the person while its case is open (the policy's ACT_ASSESS,
 * 409 when closed), through api_write() with the person locked: the set
 * is the one asked for or the default for the person (is_child) and the
 * case's exploitation forms; every observed id must be in that set (400
 * naming the item, nothing stored); the rule's result, per-dimension
 * counts and explanation are computed once (domain/screening.c) and kept
 * with the catalogue version, the person's vulnerability factors and
 * whether a child, as they were then. Assessments are never changed: a
 * newer one is a new row, and the history lists them newest first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "domain/indicators.h"

#define NOTE_MAX     2000
#define OBSERVED_MAX 100

static const struct term vocab_indicator_sets[] = {
	{ "adult-labour", "Vuxna – arbetskraftsexploatering",
	    "Adults – labour exploitation" },
	{ "adult-sexual", "Vuxna – sexuell exploatering",
	    "Adults – sexual exploitation" },
	{ "child-labour", "Barn – arbetskraftsexploatering",
	    "Children – labour exploitation" },
	{ "child-sexual", "Barn – sexuell exploatering",
	    "Children – sexual exploitation" },
	{ NULL, NULL, NULL },
};

/* GET /indicators[?version=N]: the newest catalogue, or version N. */
static void
indicators_get(struct ctx *c)
{
	const char             *asked = http_query(c->req, "version");
	const struct catalogue *cat = catalogue_latest();
	int64_t                 v;
	json_t                 *errors;

	if (asked != NULL) {
		cat = parse_int(asked, 1, 9999, &v) == 0 ?
		    catalogue_version((int)v) :
		    NULL;
		if (cat == NULL) {
			errors = json_array();
			validate_error(errors, "version", "invalid_value",
			    "Ingen katalog har den versionen.");
			reply_invalid(c, errors);
			return;
		}
	}
	reply_json(c, 200, json_incref(cat->doc));
}

/* Whether any observed indicator's weight in its set is provisional. */
static int
rests_on_provisional(const struct assessment_rec *a)
{
	const struct catalogue *cat = catalogue_version(
	    (int)a->catalogue_version);
	const struct catalogue_set *set = cat ? catalogue_set(cat, a->set_id) :
	                                        NULL;
	const struct catalogue_indicator *it;
	size_t                            i;

	for (i = 0; set != NULL && i < a->observed.n; i++)
		if ((it = catalogue_indicator(set, a->observed.items[i])) !=
		        NULL &&
		    it->provisional)
			return 1;
	return 0;
}

static json_t *
stored_json(const char *text)
{
	json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);

	ASSERT(v != NULL); /* written by assessment_insert below */
	return v;
}

static json_t *
render_assessment(const struct assessment_rec *a)
{
	json_t *doc = render_record(&assessment_record, a);

	json_object_set_new(doc, "dimensions", stored_json(a->dimensions));
	json_object_set_new(doc, "explanation", stored_json(a->explanation));
	json_object_set_new(doc, "provisional",
	    json_boolean(rests_on_provisional(a)));
	json_object_set_new(doc, "assessed_by",
	    json_pack("{s:s?,s:s}", "username", a->assessed_username,
	        "organization", a->assessed_org));
	return doc;
}

/*
 * Each observed id is an indicator of the set: "observed[i]"
 * invalid_value otherwise (items the spec has refused, non-strings and
 * repeats, are skipped). Returns the number of errors added.
 */
static int
observed_rules(struct ctx *c, const struct catalogue_set *set, json_t *errors)
{
	const json_t *item;
	char         *field, *msg;
	size_t        i;
	int           n = 0;

	json_array_foreach(json_object_get(c->body, "observed"), i, item)
	{
		field = xasprintf("observed[%zu]", i);
		if (json_is_string(item) &&
		    !validate_has_error(errors, field) &&
		    catalogue_indicator(set, json_string_value(item)) == NULL) {
			msg = xasprintf("Indikatorn finns inte i uppsättningen "
			                "%s.",
			    set->id);
			validate_error(errors, field, "invalid_value", msg);
			free(msg);
			n++;
		}
		free(field);
	}
	return n;
}

/* The set: the one asked for, or the person's default. */
static enum nmt_err
choose_set(struct ctx *c, const struct person_rec *p, const char **set_r)
{
	struct case_rec cs;
	enum nmt_err    e;

	*set_r = json_str(c->body, "set");
	if (*set_r != NULL)
		return NMT_OK;
	memset(&cs, 0, sizeof(cs));
	if ((e = store_case_get(c->db, p->case_id, 0, &cs)) != NMT_OK)
		return e == NMT_NOT_FOUND ? NMT_ERROR : e;
	*set_r = catalogue_default_set(p->is_child,
	    (const char *const *)cs.exploitation.items, cs.exploitation.n);
	record_free(&case_record, &cs);
	return NMT_OK;
}

/* The observed ids of the body, as an array of strings (borrowed). */
static size_t
observed_ids(struct ctx *c, const char **ids)
{
	const json_t *item;
	size_t        i, n = 0;

	json_array_foreach(json_object_get(c->body, "observed"), i, item)
	    ids[n++] = json_string_value(item);
	return n;
}

void
assessment_build(const struct catalogue *cat, const struct catalogue_set *set,
    const char *const *ids, size_t n, const struct person_rec *p,
    struct assessment_rec *a)
{
	struct screen_eval ev;
	json_t            *dims, *expl;

	screen_evaluate(set, ids, n, &ev);
	dims = screen_dimensions_json(&ev);
	expl = screen_explain(set->rule, ev.observed, ev.left, ev.result);
	memset(a, 0, sizeof(*a));
	a->person_id = xstrdup(p->id);
	a->case_id = xstrdup(p->case_id);
	a->set_id = xstrdup(set->id);
	a->catalogue_version = cat->version;
	text_list_set(&a->observed, ids, n);
	a->result = xstrdup(screen_result_code(ev.result));
	a->dimensions = json_dumps(dims, JSON_COMPACT | JSON_SORT_KEYS);
	a->explanation = json_dumps(expl, JSON_COMPACT);
	ASSERT(a->dimensions != NULL && a->explanation != NULL);
	text_list_set(&a->vulnerabilities,
	    (const char *const *)p->vulnerabilities.items,
	    p->vulnerabilities.n);
	a->is_child = p->is_child;
	json_decref(dims);
	json_decref(expl);
}

/* The assessment of the body under set, by the caller now, into a. */
static void
assessment_fill(struct ctx *c, const struct person_rec *p,
    const struct catalogue *cat, const struct catalogue_set *set,
    struct assessment_rec *a)
{
	const char *ids[OBSERVED_MAX];
	const char *note = json_str(c->body, "note");

	assessment_build(cat, set, ids, observed_ids(c, ids), p, a);
	a->note = note != NULL ? xstrdup(note) : NULL;
	a->assessed_by = xstrdup(c->actor.user_id);
	a->assessed_org = xstrdup(c->actor.org);
	a->assessed_at = xstrdup(c->now_text);
}

/* Inside the transaction, the person locked: check, evaluate, store. */
static enum nmt_err
assessment_insert(struct ctx *c, void *arg)
{
	struct assessment_rec      *a = arg;
	const struct catalogue     *cat = catalogue_latest();
	const struct catalogue_set *set;
	struct person_rec           p;
	const char                 *set_id;
	json_t                     *errors;
	enum nmt_err                e;

	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(c->db, NULL, c->params[0], 0, &p)) != NMT_OK)
		return e == NMT_NOT_FOUND ? NMT_ERROR : e;
	if ((e = choose_set(c, &p, &set_id)) == NMT_OK) {
		set = catalogue_set(cat, set_id);
		ASSERT(set != NULL); /* the spec's codes are the catalogue's */
		errors = json_array();
		if (observed_rules(c, set, errors) > 0) {
			reply_invalid(c, errors);
			e = NMT_INVALID;
		} else {
			json_decref(errors);
			assessment_fill(c, &p, cat, set, a);
			if ((e = store_assessment_insert(c->db, a)) == NMT_OK)
				note_object(c, "assessment", a->id);
		}
	}
	person_rec_free(&p);
	return e;
}

static void
assessment_create(struct ctx *c)
{
	struct assessment_rec a;

	memset(&a, 0, sizeof(a));
	if (api_write(c, assessment_insert, &a) == NMT_OK) {
		a.assessed_username = xstrdup(c->actor.username);
		reply_json(c, 201, render_assessment(&a));
	}
	record_free(&assessment_record, &a);
}

static void
assessment_list(struct ctx *c)
{
	struct assessment_rec *rows;
	json_t                *items;
	char                   key[24];
	size_t                 n, i;
	int                    more;
	enum nmt_err           e;

	if (!page_key_is_int(c))
		return;
	if ((e = store_assessment_list(c->db, c->params[0], &c->page, &rows, &n,
	         &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render_assessment(&rows[i]));
	if (n > 0)
		snprintf(key, sizeof(key), "%lld", rows[n - 1].seq);
	reply_page(c, items, more, n > 0 ? key : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_assessment_free(rows, n);
}

/*
 * The route's rule, with the spec's errors in one answer: the ids against
 * the set (the person's default read here; the write checks again under
 * the lock).
 */
static enum nmt_err
assessment_check(struct ctx *c, json_t *errors)
{
	struct person_rec p;
	const char       *set_id;
	enum nmt_err      e;

	if (validate_has_error(errors, "set"))
		return NMT_OK;
	memset(&p, 0, sizeof(p));
	if ((e = store_person_get(c->db, NULL, c->params[0], 0, &p)) ==
	        NMT_OK &&
	    (e = choose_set(c, &p, &set_id)) == NMT_OK)
		observed_rules(c, catalogue_set(catalogue_latest(), set_id),
		    errors);
	person_rec_free(&p);
	if (e != NMT_OK)
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
	return e;
}

static const struct field_spec assessment_spec[] = {
	{ "set", FT_CODE, FIELD_NULLABLE, 0, 0, 0, vocab_indicator_sets, NULL },
	{ "observed", FT_STRING_LIST, FIELD_REQUIRED, OBSERVED_MAX, 0, 0, NULL,
	    NULL },
	{ "note", FT_TEXT, FIELD_NULLABLE, NOTE_MAX, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct query_spec indicators_query[] = {
	{ "version", Q_TEXT, 4, NULL },
	QUERY_END,
};

#define ASSESSMENT_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route assessment_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/indicators",
	    .roles = ROLES_ANY,
	    .query = indicators_query,
	    .kind = OBJ_REFERENCE,
	    .action = ACT_LIST,
	    .handler = indicators_get },
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}/assessments",
	    .roles = ASSESSMENT_ROLES,
	    .object = &person_object,
	    .action = ACT_READ,
	    .audit = "assessment.read",
	    .handler = assessment_list,
	    .flags = R_PAGED },
	{ .method = "POST",
	    .pattern = "/api/v1/persons/{id}/assessments",
	    .roles = ASSESSMENT_ROLES,
	    .body = assessment_spec,
	    .object = &person_object,
	    .action = ACT_ASSESS,
	    .audit = "assessment.create",
	    .handler = assessment_create,
	    .check = assessment_check },
	ROUTE_END,
};
