/*
 * consultations.c — intake: the support line's consultations
 * (/api/v1/consultations...) and organizations added by admins
 * (POST /api/v1/organizations).
 *
 * A consultation is routed by its county: the county's region, assigned
 * to that region's coordinators (RK-<REGION>). It holds no personal data
 * about the person it concerns unless consent is "given"; then persons
 * (pseudonym, gender, birth year, citizenship: never an identity) may be
 * attached, and who recorded the consent, when and to what is kept. The
 * requester's own contact data (name, phone, e-mail) is personal data: it
 * is validated, served only to those who see the consultation, and never
 * logged or echoed in an error.
 *
 * Status flow (policy_consultation_move): new -> in_progress -> answered
 * | referred | closed; another move is 409. Taking one (new ->
 * in_progress) assigns it to the caller. Opening a case from one creates
 * the case (the consultation's county, concerns and persons) and links
 * them both ways, once. Who sees and does what is the policy's
 * (OBJ_CONSULTATION); every read and write is audited. The list's and
 * the counts' q is a word search (store_consultation.c) within the
 * caller's scope, on the notes only for those who read them; the list
 * keeps its queue order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "crypto/token.h"
#include "domain/calendar.h"
#include "domain/intake.h"
#include "domain/person_rules.h"

#define QUESTION_MAX  10000
#define NAME_MAX_LEN  200
#define PHONE_MAX     40
#define EMAIL_MAX     254
#define SCOPE_MAX     2000
#define PERSONS_MAX   20
#define ORG_CODE_MAX  64
#define ORG_NAME_MAX  200
#define TITLE_MAX_LEN 200
#define SEARCH_Q_MAX  200

static const struct object_type consultation_object = { OBJ_CONSULTATION,
	"consultation", &consultation_facts_query, "consultation.denied",
	"consultation.write_denied" };

/* The facts of a consultation as read (a list row, a record). */
static void
facts_of(const struct consultation_rec *q, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = OBJ_CONSULTATION;
	f->exists = 1;
	strlcopy(f->id, q->id, sizeof(f->id));
	strlcopy(f->region, q->region, sizeof(f->region));
	strlcopy(f->requester, q->created_by, sizeof(f->requester));
	strlcopy(f->consultation_status, q->status,
	    sizeof(f->consultation_status));
	strlcopy(f->consultation_case, q->case_id ? q->case_id : "",
	    sizeof(f->consultation_case));
}

static json_t *
allowed_of(const struct principal *p, const struct consultation_rec *q)
{
	static const char *const names[] = { "take", "answer", "open_case" };
	struct facts             f;
	unsigned                 set, i;
	json_t                  *a = json_array();

	facts_of(q, &f);
	set = policy_consultation_allowed(p, &f);
	for (i = 0; i < 3; i++)
		if (set & (1u << i))
			json_array_append_new(a, json_string(names[i]));
	return a;
}

/* A consultation as answered: its record and the nested objects. */
static json_t *
consultation_render(struct ctx *c, const struct consultation_rec *q)
{
	json_t *doc = render_record(&consultation_record, q);
	json_t *req = json_object();

	json_object_set_new(req, "organization",
	    q->requester_org ? json_string(q->requester_org) : json_null());
	json_object_set_new(req, "organization_name",
	    q->requester_org_name ? json_string(q->requester_org_name) :
	                            json_null());
	json_object_set_new(req, "name", json_string(q->requester_name));
	json_object_set_new(req, "phone",
	    q->requester_phone ? json_string(q->requester_phone) : json_null());
	json_object_set_new(req, "email",
	    q->requester_email ? json_string(q->requester_email) : json_null());
	json_object_set_new(doc, "requester", req);
	json_object_set_new(doc, "assigned_to",
	    json_pack("{s:s,s:s?}", "organization", q->assigned_org, "username",
	        q->assigned_username));
	json_object_set_new(doc, "case",
	    q->case_id ? json_pack("{s:s,s:s?}", "id", q->case_id, "number",
	                     q->case_number) :
	                 json_null());
	json_object_set_new(doc, "created_by",
	    json_string(q->created_by_username ? q->created_by_username : ""));
	/* The coordinators' notes are theirs, not the requester's. */
	if (!policy_consultation_notes(&c->actor.principal))
		json_object_del(doc, "notes");
	json_object_set_new(doc, "allowed", allowed_of(&c->actor.principal, q));
	return doc;
}

static void
reply_consultation(struct ctx *c, const char *id, int created)
{
	struct consultation_rec         q;
	struct consultation_person_rec *persons;
	size_t                          n;
	json_t                         *doc;
	enum nmt_err                    e;

	memset(&q, 0, sizeof(q));
	if ((e = store_consultation_get(c->db, id, 0, &q)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	if ((e = store_consultation_persons(c->db, id, &persons, &n)) !=
	    NMT_OK) {
		record_free(&consultation_record, &q);
		reply_error(c, e);
		return;
	}
	doc = consultation_render(c, &q);
	json_object_set_new(doc, "persons",
	    render_records(&consultation_person_record, persons, n));
	store_consultation_persons_free(persons, n);
	reply_etag(c, q.version);
	if (created)
		reply_created(c, "/api/v1/consultations", id, doc);
	else
		reply_json(c, 200, doc);
	record_free(&consultation_record, &q);
}

/* ---- creating ---- */

static int
is_given(const json_t *body)
{
	const char *consent = json_str(body, "consent");

	return consent != NULL && strcmp(consent, "given") == 0;
}

/* The consent rules: persons and their scope only with consent. */
static void
consent_rules(struct ctx *c, json_t *errors)
{
	int given = is_given(c->body);

	if (json_str(c->body, "consent") == NULL)
		return;
	if (!given && json_object_get(c->body, "persons") != NULL &&
	    !validate_has_error(errors, "persons"))
		validate_error(errors, "persons", "conflict",
		    "Personer kan bara anges när personen har samtyckt "
		    "(consent \"given\"); utan samtycke är konsultationen "
		    "anonym.");
	if (!given && json_object_get(c->body, "consent_scope") != NULL)
		validate_error(errors, "consent_scope", "conflict",
		    "Samtyckets omfattning anges bara med samtycke.");
	if (given && json_str(c->body, "consent_scope") == NULL &&
	    !validate_has_error(errors, "consent_scope"))
		validate_error(errors, "consent_scope", "required",
		    "Ange vad personen har samtyckt till.");
}

/* The requester's contact data and organization. */
static enum nmt_err
requester_rules(struct ctx *c, json_t *errors)
{
	const json_t *r = json_object_get(c->body, "requester");
	const char   *org = json_str(r, "organization");
	const char   *phone = json_str(r, "phone");
	const char   *email = json_str(r, "email");
	int           found = 1;
	enum nmt_err  e = NMT_OK;

	if (email != NULL && !validate_has_error(errors, "requester.email") &&
	    !intake_email_valid(email))
		validate_error(errors, "requester.email", "invalid_value",
		    "Ange en e-postadress som namn@exempel.se.");
	if (phone != NULL && !validate_has_error(errors, "requester.phone") &&
	    !intake_phone_valid(phone))
		validate_error(errors, "requester.phone", "invalid_value",
		    "Ange ett telefonnummer med siffror (och + - ( ) eller "
		    "mellanslag).");
	if (org == NULL || validate_has_error(errors, "requester.organization"))
		return NMT_OK;
	if (c->actor.role == ROLE_REQUESTER && strcmp(org, c->actor.org) != 0)
		validate_error(errors, "requester.organization", "conflict",
		    "Du kan bara skicka konsultationer för din egen "
		    "organisation.");
	else if ((e = store_org_exists(c->db, org, &found)) == NMT_OK && !found)
		validate_error(errors, "requester.organization",
		    "invalid_value", "Okänd organisationskod.");
	return e;
}

/*
 * Each attached person: a birth year not after this Swedish year, a
 * citizenship that is a known country.
 */
static enum nmt_err
person_rules(struct ctx *c, json_t *errors)
{
	const json_t     *persons = json_object_get(c->body, "persons");
	const json_t     *p;
	const char       *cc;
	char              field[48];
	struct civil_date today;
	size_t            i;
	int               found;
	enum nmt_err      e;

	civil_today(c->now, &today);
	json_array_foreach((json_t *)persons, i, p)
	{
		snprintf(field, sizeof(field), "persons[%zu].birth_year", i);
		if (json_long(p, "birth_year") > today.year &&
		    !validate_has_error(errors, field))
			validate_error(errors, field, "out_of_range",
			    "Födelseåret ligger i framtiden.");
		snprintf(field, sizeof(field), "persons[%zu].citizenship", i);
		if ((cc = json_str(p, "citizenship")) == NULL ||
		    validate_has_error(errors, field))
			continue;
		if ((e = store_country_exists(c->db, cc, &found)) != NMT_OK)
			return e;
		if (!found)
			validate_error(errors, field, "invalid_value",
			    "Okänd landskod (ISO 3166-1 alfa-2).");
	}
	return NMT_OK;
}

/* The create route's rules: county, consent, requester, persons. */
static enum nmt_err
create_check(struct ctx *c, json_t *errors)
{
	const char  *county = json_str(c->body, "county");
	char         region[33];
	int          found = 1;
	enum nmt_err e = NMT_OK;

	if (county != NULL && !validate_has_error(errors, "county"))
		e = store_county_region(c->db, county, region, &found);
	if (e == NMT_OK && !found)
		validate_error(errors, "county", "invalid_value",
		    "Okänd länskod.");
	consent_rules(c, errors);
	if (e == NMT_OK)
		e = requester_rules(c, errors);
	if (e == NMT_OK && is_given(c->body))
		e = person_rules(c, errors);
	if (e != NMT_OK)
		reply_error(c, e);
	return e;
}

static char *
opt_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* The body's persons as records (with consent only). */
static struct consultation_person_rec *
persons_of(const json_t *body, size_t *n_r)
{
	const json_t                   *list = json_object_get(body, "persons");
	const json_t                   *p;
	struct consultation_person_rec *rows;
	size_t                          i, n = json_array_size(list);

	*n_r = 0;
	if (!is_given(body) || n == 0)
		return NULL;
	rows = xcalloc(n, sizeof(*rows));
	json_array_foreach((json_t *)list, i, p)
	{
		rows[i].pseudonym = xstrdup(json_str(p, "pseudonym"));
		rows[i].gender = xstrdup(json_str(p, "gender"));
		rows[i].birth_year = json_long(p, "birth_year") >= 0 ?
		    json_long(p, "birth_year") :
		    REC_NULL_INT;
		rows[i].citizenship = opt_dup(json_str(p, "citizenship"));
	}
	*n_r = n;
	return rows;
}

/* The body's fields onto a new record (the store adds the rest). */
static void
consultation_new(struct ctx *c, struct consultation_rec *q, const char *region)
{
	const json_t *r = json_object_get(c->body, "requester");
	const json_t *concerns = json_object_get(c->body, "concerns");
	const char   *items[16];
	char          assigned[40];
	size_t        i, n = 0;

	memset(q, 0, sizeof(*q));
	/* Region codes are lower-case ASCII (the reference data). */
	if (intake_coordinators(region, assigned, sizeof(assigned)) != 0)
		strlcopy(assigned, ORG_SECRETARIAT, sizeof(assigned));
	q->channel = xstrdup(json_str(c->body, "channel"));
	q->requester_org = opt_dup(json_str(r, "organization"));
	if (q->requester_org == NULL && c->actor.role == ROLE_REQUESTER)
		q->requester_org = xstrdup(c->actor.org);
	q->requester_org_name = opt_dup(json_str(r, "organization_name"));
	q->requester_name = xstrdup(json_str(r, "name"));
	q->requester_phone = opt_dup(json_str(r, "phone"));
	q->requester_email = opt_dup(json_str(r, "email"));
	q->county = xstrdup(json_str(c->body, "county"));
	q->region = xstrdup(region);
	q->assigned_org = xstrdup(assigned);
	q->question = xstrdup(json_str(c->body, "question"));
	for (i = 0; i < json_array_size(concerns) && n < 16; i++)
		items[n++] = json_string_value(json_array_get(concerns, i));
	text_list_set(&q->concerns, items, n);
	q->child_involved = json_is_true(
	    json_object_get(c->body, "child_involved"));
	q->urgency = xstrdup(json_str(c->body, "urgency"));
	q->consent = xstrdup(json_str(c->body, "consent"));
	if (is_given(c->body)) {
		q->consent_scope = xstrdup(json_str(c->body, "consent_scope"));
		q->consent_recorded_by = xstrdup(c->actor.user_id);
		q->consent_recorded_at = xstrdup(c->now_text);
	}
	q->created_by = xstrdup(c->actor.user_id);
	q->created_at = xstrdup(c->now_text);
}

static enum nmt_err
consultation_insert(struct ctx *c, void *arg)
{
	struct consultation_rec         q;
	struct consultation_person_rec *persons;
	struct civil_date               today;
	size_t                          n;
	enum nmt_err                    e;

	consultation_new(c, &q, arg);
	persons = persons_of(c->body, &n);
	civil_today(c->now, &today);
	if ((e = store_consultation_insert(c->db, &q, persons, n,
	         today.year)) == NMT_OK)
		note_object(c, "consultation", q.id);
	record_free(&consultation_record, &q);
	store_consultation_persons_free(persons, n);
	return e;
}

static void
consultations_create(struct ctx *c)
{
	char         region[33];
	int          found;
	enum nmt_err e;

	e = store_county_region(c->db, json_str(c->body, "county"), region,
	    &found);
	if (e != NMT_OK)
		reply_error(c, e);
	else if (api_write(c, consultation_insert, region) == NMT_OK)
		reply_consultation(c, c->note.object + strlen("consultation:"),
		    1);
}

/* ---- lists ---- */

/*
 * The word search of q into sq and f (none without q or for white space
 * only); 0, or -1 when q is refused (answered: 400 naming q).
 */
static int
list_search(struct ctx *c, struct consultation_filter *f,
    struct search_query *sq)
{
	const char         *q = http_query(c->req, "q");
	enum search_refusal r;
	json_t             *errors;

	memset(sq, 0, sizeof(*sq));
	if (q == NULL)
		return 0;
	if ((r = search_query_parse(q, sq)) == SEARCH_OK) {
		f->search = sq->nwords > 0 ? sq : NULL;
		f->notes = policy_consultation_notes(&c->actor.principal);
		f->dialect = db_kind(c->db);
		return 0;
	}
	errors = json_array();
	validate_error(errors, "q", "invalid_value", search_refusal_message(r));
	reply_invalid(c, errors);
	return -1;
}

/*
 * The list's filters from the query (sq holds a search's words: free
 * with search_query_free, also after a refusal); NMT_OK, or answered.
 */
static enum nmt_err
list_filter(struct ctx *c, struct consultation_filter *f,
    struct search_query *sq)
{
	const char  *open = http_query(c->req, "open");
	json_t      *errors;
	int          found = 1;
	enum nmt_err e = NMT_OK;

	memset(f, 0, sizeof(*f));
	f->scope = policy_scope(&c->actor.principal, OBJ_CONSULTATION);
	if (list_search(c, f, sq) != 0)
		return NMT_INVALID;
	f->status = http_query(c->req, "status");
	f->region = http_query(c->req, "region");
	f->urgency = http_query(c->req, "urgency");
	f->open = open != NULL && strcmp(open, "true") == 0;
	if (f->region != NULL &&
	    (e = store_region_exists(c->db, f->region, &found)) != NMT_OK) {
		reply_error(c, e);
		return e;
	}
	if (found)
		return NMT_OK;
	errors = json_array();
	validate_error(errors, "region", "invalid_value", "Okänd region.");
	reply_invalid(c, errors);
	return NMT_INVALID;
}

static void
consultations_list(struct ctx *c)
{
	struct consultation_filter f;
	struct search_query        sq;
	struct consultation_rec   *rows;
	size_t                     n, i;
	int                        more;
	json_t                    *items;
	enum nmt_err               e;

	e = list_filter(c, &f, &sq);
	if (e == NMT_OK &&
	    (e = store_consultation_list(c->db, &f, &c->page, &rows, &n,
	         &more)) != NMT_OK)
		reply_error(c, e);
	search_query_free(&sq);
	if (e != NMT_OK)
		return;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, consultation_render(c, &rows[i]));
	reply_page(c, items, more, n > 0 ? rows[n - 1].queue_key : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_consultations_free(rows, n);
}

static void
consultations_counts(struct ctx *c)
{
	struct consultation_filter f;
	struct search_query        sq;
	long long                  counts[CONSULTATION_STATUSES];
	json_t                    *obj;
	long long                  total = 0;
	int                        i;
	enum nmt_err               e;

	e = list_filter(c, &f, &sq);
	f.status = NULL;
	f.open = 0;
	if (e == NMT_OK &&
	    (e = store_consultation_counts(c->db, &f, counts)) != NMT_OK)
		reply_error(c, e);
	search_query_free(&sq);
	if (e != NMT_OK)
		return;
	obj = json_object();
	for (i = 0; i < CONSULTATION_STATUSES; i++) {
		json_object_set_new(obj, vocab_consultation_status[i].code,
		    json_integer(counts[i]));
		total += counts[i];
	}
	reply_json(c, 200,
	    json_pack("{s:o,s:I}", "counts", obj, "total", (json_int_t)total));
}

static void
consultation_get(struct ctx *c)
{
	reply_consultation(c, c->params[0], 0);
}

/* ---- changing ---- */

/* The PATCH route's rules: an answer comes with status "answered". */
static enum nmt_err
patch_check(struct ctx *c, json_t *errors)
{
	const char *status = json_str(c->body, "status");
	int answering = status != NULL && strcmp(status, "answered") == 0;

	if (answering && json_str(c->body, "answer") == NULL &&
	    !validate_has_error(errors, "answer"))
		validate_error(errors, "answer", "required",
		    "Skriv svaret till frågeställaren.");
	if (!answering && json_object_get(c->body, "answer") != NULL)
		validate_error(errors, "answer", "conflict",
		    "Ett svar anges med status answered.");
	return NMT_OK;
}

static void
set_text(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

static enum nmt_err
move_refused(struct ctx *c, const char *from, const char *to)
{
	char *detail = xasprintf("Konsultationen kan inte gå från status "
	                         "%s till %s (new → in_progress → answered, "
	                         "referred eller closed).",
	    from, to);

	reply_problem(c, 409, detail);
	free(detail);
	return NMT_CONFLICT;
}

static enum nmt_err
consultation_update(struct ctx *c, void *arg)
{
	struct consultation_rec q;
	const char             *status = json_str(c->body, "status");
	const char             *notes = json_str(c->body, "notes");
	enum nmt_err            e;

	(void)arg;
	if ((e = store_consultation_get(c->db, c->params[0], 1, &q)) != NMT_OK)
		return e;
	if (q.version != c->version)
		e = NMT_STALE;
	else if (status != NULL && !policy_consultation_move(q.status, status))
		e = move_refused(c, q.status, status);
	else {
		/* Taking it: in progress, assigned to the caller. */
		if (status != NULL && strcmp(q.status, "new") == 0 &&
		    strcmp(status, "in_progress") == 0)
			set_text(&q.assigned_user, c->actor.user_id);
		if (status != NULL)
			set_text(&q.status, status);
		if (json_str(c->body, "answer") != NULL)
			set_text(&q.answer, json_str(c->body, "answer"));
		if (notes != NULL)
			set_text(&q.notes, notes);
		set_text(&q.updated_at, c->now_text);
		e = store_consultation_update(c->db, &q);
	}
	record_free(&consultation_record, &q);
	return e;
}

static void
consultation_patch(struct ctx *c)
{
	if (api_write(c, consultation_update, NULL) == NMT_OK)
		reply_consultation(c, c->params[0], 0);
}

/* A create's own audit entry ("<kind>.create") in the transaction. */
static enum nmt_err
audit_created(struct ctx *c, const char *kind, const char *id,
    const char *case_id)
{
	struct audit_note n;
	char              action[32];

	memset(&n, 0, sizeof(n));
	snprintf(action, sizeof(action), "%s.create", kind);
	n.action = action;
	snprintf(n.object, sizeof(n.object), "%s:%s", kind, id);
	strlcopy(n.case_id, case_id, sizeof(n.case_id));
	return audit_in_tx(c, &n);
}

/* The consultation's persons as persons of the new case, each audited. */
static enum nmt_err
copy_persons(struct ctx *c, const char *case_id)
{
	struct consultation_person_rec *rows;
	struct person_rec               p;
	struct civil_date               today;
	size_t                          n, i;
	enum nmt_err                    e;

	if ((e = store_consultation_persons(c->db, c->params[0], &rows, &n)) !=
	    NMT_OK)
		return e;
	civil_today(c->now, &today);
	for (i = 0; e == NMT_OK && i < n; i++) {
		memset(&p, 0, sizeof(p));
		p.case_id = xstrdup(case_id);
		p.pseudonym = xstrdup(rows[i].pseudonym);
		p.gender = xstrdup(rows[i].gender);
		p.birth_year = rows[i].birth_year;
		p.age_estimate = REC_NULL_INT;
		p.citizenship = opt_dup(rows[i].citizenship);
		p.protection = xstrdup("none");
		p.created_by = xstrdup(c->actor.user_id);
		p.created_at = xstrdup(c->now_text);
		p.is_child = person_is_child(&today, NULL,
		    p.birth_year == REC_NULL_INT ? -1 : (long)p.birth_year, -1);
		if ((e = store_person_insert(c->db, c->app->keys.identity,
		         &p)) == NMT_OK)
			e = audit_created(c, "person", p.id, case_id);
		person_rec_free(&p);
	}
	store_consultation_persons_free(rows, n);
	return e;
}

/* The case opened from q, with its own audit entry (case.create). */
static enum nmt_err
case_from(struct ctx *c, const struct consultation_rec *q, char id[37])
{
	struct case_rec   rec;
	struct civil_date today;
	const char       *title = json_str(c->body, "title");
	enum nmt_err      e;

	memset(&rec, 0, sizeof(rec));
	rec.title = title != NULL ? xstrdup(title) :
	                            xasprintf("Konsultation %s", q->number);
	rec.summary = xstrdup(q->question);
	rec.county = xstrdup(q->county);
	rec.region = xstrdup(q->region);
	text_list_set(&rec.exploitation, (const char *const *)q->concerns.items,
	    q->concerns.n);
	rec.owner_user = xstrdup(c->actor.user_id);
	rec.owner_org = xstrdup(c->actor.org);
	rec.created_at = xstrdup(c->now_text);
	civil_today(c->now, &today);
	if ((e = store_case_insert(c->db, &rec, today.year)) == NMT_OK) {
		strlcopy(id, rec.id, 37);
		e = audit_created(c, "case", rec.id, rec.id);
	}
	record_free(&case_record, &rec);
	return e;
}

static enum nmt_err
consultation_convert(struct ctx *c, void *arg)
{
	struct consultation_rec q;
	char                    case_id[37];
	enum nmt_err            e;

	(void)arg;
	if ((e = store_consultation_get(c->db, c->params[0], 1, &q)) != NMT_OK)
		return e;
	if ((e = case_from(c, &q, case_id)) == NMT_OK &&
	    (e = copy_persons(c, case_id)) == NMT_OK) {
		set_text(&q.case_id, case_id);
		if (strcmp(q.status, "new") == 0) {
			set_text(&q.status, "in_progress");
			set_text(&q.assigned_user, c->actor.user_id);
		}
		set_text(&q.updated_at, c->now_text);
		e = store_consultation_update(c->db, &q);
		strlcopy(c->note.case_id, case_id, sizeof(c->note.case_id));
	}
	record_free(&consultation_record, &q);
	return e;
}

static void
consultation_case(struct ctx *c)
{
	if (api_write(c, consultation_convert, NULL) == NMT_OK)
		case_reply_created(c, c->note.case_id);
}

/* ---- organizations added by admins ---- */

static enum nmt_err
org_check(struct ctx *c, json_t *errors)
{
	const char  *code = json_str(c->body, "code");
	const char  *county = json_str(c->body, "county");
	const char  *region = json_str(c->body, "region");
	char         county_region[33];
	int          found = 1;
	enum nmt_err e = NMT_OK;

	if (code != NULL && !validate_has_error(errors, "code") &&
	    !intake_org_code_valid(code))
		validate_error(errors, "code", "invalid_value",
		    "Koden är 2–64 tecken A–Z, 0–9 och -, börjar med en "
		    "bokstav och inte med SOC- (kommunernas socialtjänst).");
	if (region != NULL && !validate_has_error(errors, "region") &&
	    (e = store_region_exists(c->db, region, &found)) == NMT_OK &&
	    !found)
		validate_error(errors, "region", "invalid_value",
		    "Okänd region.");
	if (e == NMT_OK && county != NULL &&
	    !validate_has_error(errors, "county") &&
	    (e = store_county_region(c->db, county, county_region, &found)) ==
	        NMT_OK) {
		if (!found)
			validate_error(errors, "county", "invalid_value",
			    "Okänd länskod.");
		else if (region != NULL && strcmp(region, county_region) != 0)
			validate_error(errors, "region", "conflict",
			    "Länet hör till en annan region.");
	}
	if (e != NMT_OK)
		reply_error(c, e);
	return e;
}

/* arg: the region stored (33 bytes; the county's when one is named). */
static enum nmt_err
org_insert(struct ctx *c, void *arg)
{
	const char  *code = json_str(c->body, "code");
	const char  *county = json_str(c->body, "county");
	char        *region = arg;
	int          found = 0;
	enum nmt_err e = NMT_OK;

	strlcopy(region,
	    json_str(c->body, "region") ? json_str(c->body, "region") : "", 33);
	if (county != NULL &&
	    (e = store_county_region(c->db, county, region, &found)) != NMT_OK)
		return e;
	e = store_org_insert(c->db, code, json_str(c->body, "name"),
	    json_str(c->body, "kind"), *region != '\0' ? region : NULL, county);
	if (e == NMT_CONFLICT) {
		reply_problem(c, 409,
		    "Det finns redan en organisation med "
		    "den koden.");
		return e;
	}
	if (e == NMT_OK)
		note_object(c, "organization", code);
	return e;
}

static void
organizations_create(struct ctx *c)
{
	const char *county = json_str(c->body, "county");
	char        region[33];
	json_t     *doc;

	if (api_write(c, org_insert, region) != NMT_OK)
		return;
	doc = json_pack("{s:s,s:s,s:s,s:o}", "code", json_str(c->body, "code"),
	    "name", json_str(c->body, "name"), "kind",
	    json_str(c->body, "kind"), "region",
	    *region != '\0' ? json_string(region) : json_null());
	if (county != NULL)
		json_object_set_new(doc, "county", json_string(county));
	/* No URL of its own: it is read in GET /api/v1/organizations. */
	reply_json(c, 201, doc);
}

/* ---- the routes ---- */

/* clang-format off */
static const struct field_spec requester_spec[] = {
	{ "organization", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE,
	    ORG_CODE_MAX, 0, 0, NULL, NULL },
	{ "organization_name", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE,
	    ORG_NAME_MAX, 0, 0, NULL, NULL },
	{ "name", FT_STRING, FIELD_REQUIRED, NAME_MAX_LEN, 0, 0, NULL, NULL },
	{ "phone", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE, PHONE_MAX, 0,
	    0, NULL, NULL },
	{ "email", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE, EMAIL_MAX, 0,
	    0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec person_spec[] = {
	{ "pseudonym", FT_STRING, FIELD_REQUIRED, 100, 0, 0, NULL, NULL },
	{ "gender", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_genders, NULL },
	{ "birth_year", FT_INT, FIELD_NULLABLE, 0, 1900, 2100, NULL, NULL },
	{ "citizenship", FT_COUNTRY, FIELD_NULLABLE, 2, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec create_spec[] = {
	{ "channel", FT_CODE, FIELD_REQUIRED, 0, 0, 0,
	    vocab_consultation_channel, NULL },
	{ "requester", FT_OBJECT, FIELD_REQUIRED, 0, 0, 0, NULL,
	    requester_spec },
	{ "county", FT_STRING, FIELD_REQUIRED, 2, 0, 0, NULL, NULL },
	{ "question", FT_TEXT, FIELD_REQUIRED, QUESTION_MAX, 0, 0, NULL,
	    NULL },
	{ "concerns", FT_CODE_LIST, FIELD_REQUIRED, 12, 0, 0,
	    vocab_exploitation, NULL },
	{ "child_involved", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	{ "urgency", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_urgency, NULL },
	{ "consent", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_consent, NULL },
	{ "consent_scope", FT_TEXT, FIELD_NONEMPTY, SCOPE_MAX, 0, 0, NULL,
	    NULL },
	{ "persons", FT_OBJECT_LIST, 0, PERSONS_MAX, 0, 0, NULL,
	    person_spec },
	FIELD_END,
};

static const struct field_spec patch_spec[] = {
	{ "status", FT_CODE, 0, 0, 0, 0, vocab_consultation_status, NULL },
	{ "notes", FT_TEXT, 0, QUESTION_MAX, 0, 0, NULL, NULL },
	{ "answer", FT_TEXT, FIELD_NONEMPTY, QUESTION_MAX, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct field_spec case_spec[] = {
	{ "title", FT_STRING, FIELD_NONEMPTY, TITLE_MAX_LEN, 0, 0, NULL,
	    NULL },
	FIELD_END,
};

static const struct field_spec org_spec[] = {
	{ "code", FT_STRING, FIELD_REQUIRED, ORG_CODE_MAX, 0, 0, NULL, NULL },
	{ "name", FT_STRING, FIELD_REQUIRED, ORG_NAME_MAX, 0, 0, NULL, NULL },
	{ "kind", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_org_kinds, NULL },
	{ "region", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE, 32, 0, 0,
	    NULL, NULL },
	{ "county", FT_STRING, FIELD_NONEMPTY | FIELD_NULLABLE, 2, 0, 0, NULL,
	    NULL },
	FIELD_END,
};
/* clang-format on */

static const struct query_spec list_query[] = {
	{ "status", Q_CODE, 0, vocab_consultation_status },
	{ "region", Q_TEXT, 32, NULL },
	{ "urgency", Q_CODE, 0, vocab_urgency },
	{ "open", Q_BOOL, 0, NULL },
	{ "q", Q_TEXT, SEARCH_Q_MAX, NULL },
	QUERY_END,
};

static const struct query_spec counts_query[] = {
	{ "region", Q_TEXT, 32, NULL },
	{ "q", Q_TEXT, SEARCH_Q_MAX, NULL },
	QUERY_END,
};

#define CONSULTATION_ROLES \
	(ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_REQUESTER))

const struct route consultation_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/consultations",
	    .roles = CONSULTATION_ROLES,
	    .query = list_query,
	    .kind = OBJ_CONSULTATION,
	    .action = ACT_LIST,
	    .audit = "consultation.list",
	    .handler = consultations_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/consultations/counts",
	    .roles = CONSULTATION_ROLES,
	    .query = counts_query,
	    .kind = OBJ_CONSULTATION,
	    .action = ACT_LIST,
	    .audit = "consultation.list",
	    .handler = consultations_counts },
	{ .method = "POST",
	    .pattern = "/api/v1/consultations",
	    .roles = CONSULTATION_ROLES,
	    .body = create_spec,
	    .kind = OBJ_CONSULTATION,
	    .action = ACT_CREATE,
	    .audit = "consultation.create",
	    .handler = consultations_create,
	    .check = create_check },
	{ .method = "GET",
	    .pattern = "/api/v1/consultations/{id}",
	    .roles = CONSULTATION_ROLES,
	    .object = &consultation_object,
	    .action = ACT_READ,
	    .audit = "consultation.read",
	    .handler = consultation_get },
	{ .method = "PATCH",
	    .pattern = "/api/v1/consultations/{id}",
	    .roles = CONSULTATION_ROLES,
	    .body = patch_spec,
	    .object = &consultation_object,
	    .action = ACT_UPDATE,
	    .audit = "consultation.update",
	    .handler = consultation_patch,
	    .flags = R_IF_MATCH,
	    .check = patch_check },
	{ .method = "POST",
	    .pattern = "/api/v1/consultations/{id}/case",
	    .roles = CONSULTATION_ROLES,
	    .body = case_spec,
	    .object = &consultation_object,
	    .action = ACT_CONVERT,
	    .audit = "consultation.convert",
	    .handler = consultation_case },
	{ .method = "POST",
	    .pattern = "/api/v1/organizations",
	    .roles = ROLE_BIT(ROLE_ADMIN),
	    .body = org_spec,
	    .kind = OBJ_REFERENCE,
	    .action = ACT_CREATE,
	    .audit = "organization.create",
	    .handler = organizations_create,
	    .check = org_check },
	ROUTE_END,
};
