/*
 * cases.c — creating, listing, reading and updating cases.
 *
 * The region follows from the county; the creator's organization owns the
 * case and joins its team with full access; the case number's year is the
 * Swedish civil year of creation. A case the caller may not see answers
 * 404 exactly like one that does not exist (the router's gate).
 *
 * Closing (status "closed") needs a closing_reason (vocab_closing_reason;
 * "other" with a closing_note) and reopening (status "open" on a closed
 * case) a reopen_reason; both are their own actions in the policy (the
 * owner side and coordinators), audited as case.close and case.reopen.
 * A closed case refuses every other change (write.c). Every case answer
 * carries what the caller may do with it now ("allowed").
 *
 * The list's q is a case number, a serial or a word search (db/search.c:
 * every word in one document the caller reads, 400 naming q for a word
 * without a letter or digit), ranked best hit first when no sort is
 * asked; its cursors name that order "rank".
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/calendar.h"

#define TITLE_MAX   200
#define SUMMARY_MAX 10000
#define QUERY_MAX   200
#define REASON_MAX  2000

const struct object_type case_object = { OBJ_CASE, "case", &case_facts_query,
	"case.denied", "case.write_denied" };

/*
 * What the caller may do now, on the case as it is now: a read's
 * snapshot is the one the gate read the facts in; after a write they are
 * read again.
 */
static enum nmt_err
case_facts_now(struct ctx *c, const char *id, struct facts *f)
{
	if (strcmp(c->route->method, "GET") == 0 && c->facts.kind == OBJ_CASE &&
	    strcmp(c->facts.case_id, id) == 0) {
		*f = c->facts;
		return NMT_OK;
	}
	return gate_facts(c, &case_facts_query, id, 0, f);
}

/* The case's own fields, its owner and the consultation it came from. */
static json_t *
case_render(const struct case_rec *rec)
{
	json_t *doc = render_record(&case_record, rec);

	json_object_set_new(doc, "owner",
	    json_pack("{s:s?,s:s}", "username", rec->owner_username,
	        "organization", rec->owner_org));
	/* Intake: the consultation the case was opened from, or null. */
	json_object_set_new(doc, "consultation",
	    rec->consultation_id != NULL ?
	        json_pack("{s:s,s:s?}", "id", rec->consultation_id, "number",
	            rec->consultation_number) :
	        json_null());
	return doc;
}

/*
 * The case document: the case, its owner, what the caller may do, the
 * team, the person summaries and the tasks the caller sees
 * (case_tasks_org), read in one statement after the case's facts.
 */
static enum nmt_err
case_document(struct ctx *c, const char *id, json_t **doc_r,
    long long *version_r)
{
	struct case_document d;
	struct facts         f;
	json_t              *doc;
	enum nmt_err         e;

	if ((e = case_facts_now(c, id, &f)) != NMT_OK ||
	    (e = store_case_document(c->db, id, case_tasks_org(c, &f), &d)) !=
	        NMT_OK)
		return e;
	doc = case_render(&d.c);
	*version_r = d.c.version;
	json_object_set_new(doc, "allowed",
	    render_allowed(&c->actor.principal, &f));
	json_object_set_new(doc, "team", team_render(c, &f, d.team, d.nteam));
	json_object_set_new(doc, "persons",
	    render_records(&person_summary_record, d.persons, d.npersons));
	json_object_set_new(doc, "tasks",
	    case_tasks_render(c, &f, d.tasks, d.ntasks));
	store_case_document_free(&d);
	*doc_r = doc;
	return NMT_OK;
}

static void
reply_case(struct ctx *c, const char *id, int created)
{
	json_t      *doc;
	long long    version;
	enum nmt_err e;

	if ((e = case_document(c, id, &doc, &version)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	reply_etag(c, version);
	if (created)
		reply_created(c, "/api/v1/cases", id, doc);
	else
		reply_json(c, 200, doc);
}

/* The region of a known county into region ("" when none is named). */
static enum nmt_err
county_region(struct ctx *c, char region[33], int *found)
{
	const char *county = json_str(c->body, "county");

	*region = '\0';
	*found = 1;
	if (county == NULL)
		return NMT_OK;
	return store_county_region(c->db, county, region, found);
}

/* The route's rule: a county the spec let through must be known. */
static enum nmt_err
county_check(struct ctx *c, json_t *errors)
{
	char         region[33];
	int          found;
	enum nmt_err e;

	if ((e = county_region(c, region, &found)) != NMT_OK)
		reply_error(c, e);
	else if (!found && !validate_has_error(errors, "county"))
		validate_error(errors, "county", "invalid_value",
		    "Okänd länskod.");
	return e;
}

/* 400 naming a missing reason: NMT_INVALID after answering. */
static enum nmt_err
reason_missing(struct ctx *c, const char *field)
{
	json_t *errors = json_array();

	validate_error(errors, field, "required",
	    strcmp(field, "reopen_reason") == 0 ?
	        "Ange varför ärendet öppnas igen." :
	        "Ange varför ärendet avslutas.");
	reply_invalid(c, errors);
	return NMT_INVALID;
}

/*
 * The status rules of a PATCH, added to errors: closing needs a
 * closing_reason ("other" a closing_note) and allows no reopen_reason;
 * the closing fields come only with closing; reopening a closed case
 * (the gate's facts) needs a reopen_reason, which comes with status
 * "open" only.
 */
static void
status_rules(struct ctx *c, json_t *errors)
{
	const char *status = json_str(c->body, "status");
	const char *reason = json_str(c->body, "closing_reason");
	const char *note = json_str(c->body, "closing_note");
	int         closing = status != NULL && strcmp(status, "closed") == 0;
	int         opening = status != NULL && strcmp(status, "open") == 0;

	if (closing && reason == NULL &&
	    !validate_has_error(errors, "closing_reason"))
		validate_error(errors, "closing_reason", "required",
		    "Ange varför ärendet avslutas.");
	if (closing && reason != NULL && strcmp(reason, "other") == 0 &&
	    (note == NULL || *note == '\0') &&
	    !validate_has_error(errors, "closing_note"))
		validate_error(errors, "closing_note", "required",
		    "Beskriv skälet när du väljer Annat skäl.");
	if (!closing && json_object_get(c->body, "closing_reason") != NULL)
		validate_error(errors, "closing_reason", "conflict",
		    "Avslutsskäl anges bara när ärendet avslutas.");
	if (!closing && json_object_get(c->body, "closing_note") != NULL)
		validate_error(errors, "closing_note", "conflict",
		    "Avslutskommentar anges bara när ärendet avslutas.");
	if (opening && c->facts.closed &&
	    json_str(c->body, "reopen_reason") == NULL &&
	    !validate_has_error(errors, "reopen_reason"))
		validate_error(errors, "reopen_reason", "required",
		    "Ange varför ärendet öppnas igen.");
	if (!opening && json_object_get(c->body, "reopen_reason") != NULL)
		validate_error(errors, "reopen_reason", "conflict",
		    "Skäl att öppna igen anges bara med status open.");
}

/* The PATCH route's rules: a known county, the status rules. */
static enum nmt_err
case_patch_check(struct ctx *c, json_t *errors)
{
	status_rules(c, errors);
	return county_check(c, errors);
}

static void
set_text(char **field, const json_t *body, const char *key)
{
	const json_t *v = json_object_get(body, key);

	if (v == NULL)
		return;
	free(*field);
	*field = xstrdup(json_is_string(v) ? json_string_value(v) : "");
}

static void
set_list(struct text_list *l, const json_t *body, const char *key)
{
	const json_t *v = json_object_get(body, key);
	const char   *items[64];
	size_t        i, n = 0;

	if (!json_is_array(v))
		return;
	for (i = 0; i < json_array_size(v) && n < 64; i++)
		if (json_is_string(json_array_get(v, i)))
			items[n++] = json_string_value(json_array_get(v, i));
	text_list_set(l, items, n);
}

/* The body's fields onto a case record. */
static void
case_apply(struct case_rec *rec, const json_t *body, const char *region)
{
	set_text(&rec->title, body, "title");
	set_text(&rec->summary, body, "summary");
	set_text(&rec->status, body, "status");
	set_text(&rec->county, body, "county");
	set_list(&rec->exploitation, body, "exploitation");
	if (*region != '\0') {
		free(rec->region);
		rec->region = xstrdup(region);
	}
}

static enum nmt_err
case_insert(struct ctx *c, void *region)
{
	struct case_rec   rec;
	struct civil_date today;
	enum nmt_err      e;

	memset(&rec, 0, sizeof(rec));
	rec.summary = xstrdup("");
	case_apply(&rec, c->body, region);
	rec.owner_user = xstrdup(c->actor.user_id);
	rec.owner_org = xstrdup(c->actor.org);
	rec.created_at = xstrdup(c->now_text);
	civil_today(c->now, &today);
	if ((e = store_case_insert(c->db, &rec, today.year)) == NMT_OK) {
		note_object(c, "case", rec.id);
		strlcopy(c->note.case_id, rec.id, sizeof(c->note.case_id));
	}
	record_free(&case_record, &rec);
	return e;
}

/*
 * A case write: the region of a named county, then fn on the write path,
 * then the case as stored (201 for a new one).
 */
static void
case_write(struct ctx *c, enum nmt_err (*fn)(struct ctx *, void *), int created)
{
	char         region[33];
	int          found;
	enum nmt_err e;

	if ((e = county_region(c, region, &found)) != NMT_OK)
		reply_error(c, e);
	else if (api_write(c, fn, region) == NMT_OK)
		reply_case(c, created ? c->note.case_id : c->params[0],
		    created);
}

static void
cases_create(struct ctx *c)
{
	case_write(c, case_insert, 1);
}

static const struct term case_sorts[] = {
	{ "number", "Ärendenummer", "Case number" },
	{ "title", "Rubrik", "Title" },
	{ "updated", "Ändrat", "Updated" },
	{ "activity", "Senaste aktivitet", "Last activity" },
	{ NULL, NULL, NULL },
};

/* A search's order when no sort is asked: its code in cursors only. */
static const char rank_code[] = "rank";

static const struct term sort_orders[] = {
	{ "asc", "Stigande", "Ascending" },
	{ "desc", "Fallande", "Descending" },
	{ NULL, NULL, NULL },
};

/*
 * q as a case number or a serial: "NMT-YYYY-NNNNN" in any case names that
 * number; 1 to 5 digits name the serial (its value: "2", "02" and "00002"
 * alike) in every year. Anything else is the word search.
 */
static void
query_number(struct case_filter *f, const char *q, char number[16])
{
	size_t i, n = strlen(q);
	int    digits = 0;

	for (i = 0; i < n && q[i] >= '0' && q[i] <= '9'; i++)
		digits++;
	if (digits == (int)n && n >= 1 && n <= 5) {
		f->serial = strtoll(q, NULL, 10);
		f->serial = f->serial > 0 ? f->serial : -1;
		return;
	}
	if (n != 14 || strncasecmp(q, "NMT-", 4) != 0 || q[8] != '-')
		return;
	for (i = 4; i < n; i++)
		if (i != 8 && (q[i] < '0' || q[i] > '9'))
			return;
	snprintf(number, 16, "NMT-%s", q + 4);
}

/*
 * The list's order from ?sort= and ?order= (the default: newest number;
 * with a word search, best rank first).
 */
static void
case_order(struct ctx *c, struct case_filter *f, char prefix[24])
{
	const char *sort = http_query(c->req, "sort");
	const char *order = http_query(c->req, "order");
	size_t      i;

	if (sort == NULL && f->search != NULL) {
		f->sort = CASE_SORT_RANK;
		f->ascending = order != NULL && strcmp(order, "asc") == 0;
		snprintf(prefix, 24, "%s.%s|", rank_code,
		    f->ascending ? "asc" : "desc");
		return;
	}
	f->sort = CASE_SORT_NUMBER;
	for (i = 0; sort != NULL && case_sorts[i].code != NULL; i++)
		if (strcmp(sort, case_sorts[i].code) == 0)
			f->sort = (enum case_sort)i;
	/* Titles read A to Ö by default; numbers and times newest first. */
	f->ascending = order != NULL ? strcmp(order, "asc") == 0 :
	                               f->sort == CASE_SORT_TITLE;
	snprintf(prefix, 24, "%s.%s|", case_sorts[f->sort].code,
	    f->ascending ? "asc" : "desc");
}

/*
 * A cursor holds "<sort>.<order>|<key>": one made for another order is
 * refused (400) rather than read as a key of this one. 0, or -1 when
 * refused (answered).
 */
static int
cursor_for_order(struct ctx *c, const char *prefix)
{
	json_t *errors;

	if (c->page.key == NULL)
		return 0;
	if (strncmp(c->page.key, prefix, strlen(prefix)) == 0) {
		c->page.key += strlen(prefix);
		return 0;
	}
	errors = json_array();
	validate_error(errors, "cursor", "invalid_value",
	    "Markören hör till en annan sortering.");
	reply_invalid(c, errors);
	return -1;
}

/*
 * The word search of q into sq and f (none for white space only); 0, or
 * -1 when q is refused (answered: 400 naming q).
 */
static int
case_search(struct ctx *c, const char *q, struct case_filter *f,
    struct search_query *sq)
{
	enum search_refusal r = search_query_parse(q, sq);
	json_t             *errors;

	if (r == SEARCH_OK) {
		f->search = sq->nwords > 0 ? sq : NULL;
		return 0;
	}
	errors = json_array();
	validate_error(errors, "q", "invalid_value", search_refusal_message(r));
	reply_invalid(c, errors);
	return -1;
}

/* Known region and county filters; 0, or -1 when refused (answered). */
static int
case_places(struct ctx *c, const struct case_filter *f)
{
	char         region[33];
	int          region_ok = 1, county_ok = 1;
	json_t      *errors;
	enum nmt_err e = NMT_OK;

	if (f->region != NULL)
		e = store_region_exists(c->db, f->region, &region_ok);
	if (e == NMT_OK && f->county != NULL)
		e = store_county_region(c->db, f->county, region, &county_ok);
	if (e != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	if (region_ok && county_ok)
		return 0;
	errors = json_array();
	if (!region_ok)
		validate_error(errors, "region", "invalid_value",
		    "Okänd region.");
	if (!county_ok)
		validate_error(errors, "county", "invalid_value",
		    "Okänd länskod.");
	reply_invalid(c, errors);
	return -1;
}

static void
cases_list(struct ctx *c)
{
	struct case_filter  f;
	struct case_rec    *rows;
	const char         *q = http_query(c->req, "q");
	const char         *mine = http_query(c->req, "mine");
	struct search_query sq;
	char                number[16] = "", prefix[24], *key;
	size_t              n;
	int                 more;
	enum nmt_err        e;

	memset(&f, 0, sizeof(f));
	memset(&sq, 0, sizeof(sq));
	f.principal = &c->actor.principal;
	f.scope = policy_scope(&c->actor.principal, OBJ_CASE);
	f.status = http_query(c->req, "status");
	f.region = http_query(c->req, "region");
	f.county = http_query(c->req, "county");
	f.exploitation = http_query(c->req, "exploitation");
	f.mine = mine != NULL && strcmp(mine, "true") == 0;
	f.now = c->now_text;
	if (q != NULL)
		query_number(&f, q, number);
	if (*number != '\0')
		f.number = number;
	else if (q != NULL && f.serial == 0 && case_search(c, q, &f, &sq) != 0)
		goto out;
	case_order(c, &f, prefix);
	if (cursor_for_order(c, prefix) != 0 || case_places(c, &f) != 0)
		goto out;
	if ((e = store_case_list(c->db, &f, &c->page, &rows, &n, &more)) !=
	    NMT_OK) {
		reply_error(c, e);
		goto out;
	}
	key = n > 0 ? xasprintf("%s%s", prefix,
	                  store_case_sort_key(&rows[n - 1], f.sort)) :
	              NULL;
	reply_page(c, render_records(&case_summary_record, rows, n), more, key,
	    n > 0 ? rows[n - 1].id : NULL);
	free(key);
	store_cases_free(rows, n);
out:
	search_query_free(&sq);
}

void
case_reply_created(struct ctx *c, const char *id)
{
	reply_case(c, id, 1);
}

static void
case_get(struct ctx *c)
{
	reply_case(c, c->params[0], 0);
}

/*
 * The action of a PATCH on the case as facts describe it: a status that
 * closes an open case is ACT_CLOSE; one that opens a closed case, or any
 * reopen_reason, ACT_REOPEN; anything else an update (refused while the
 * case is closed).
 */
static enum action
case_action(struct ctx *c, const struct facts *f)
{
	const char *status = json_str(c->body, "status");

	if (status != NULL && strcmp(status, "closed") == 0 && !f->closed)
		return ACT_CLOSE;
	if (json_object_get(c->body, "reopen_reason") != NULL ||
	    (status != NULL && strcmp(status, "open") == 0 && f->closed))
		return ACT_REOPEN;
	return ACT_UPDATE;
}

static void
set_value(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? xstrdup(value) : NULL;
}

/* The closing or reopening fields of the record, for action. */
static void
case_status_apply(struct ctx *c, struct case_rec *rec, enum action action)
{
	if (action == ACT_CLOSE) {
		set_value(&rec->closing_reason,
		    json_str(c->body, "closing_reason"));
		set_value(&rec->closing_note,
		    json_str(c->body, "closing_note"));
		set_value(&rec->closed_at, c->now_text);
		c->note.action = "case.close";
	} else if (action == ACT_REOPEN) {
		set_value(&rec->closing_reason, NULL);
		set_value(&rec->closing_note, NULL);
		set_value(&rec->closed_at, NULL);
		set_value(&rec->reopen_reason,
		    json_str(c->body, "reopen_reason"));
		set_value(&rec->reopened_at, c->now_text);
		set_value(&rec->status, "open");
		c->note.action = "case.reopen";
	}
}

/*
 * Whether a PATCH that reopens a closed case also changes something else:
 * a closed case takes nothing but its reopening, and the rest waits until
 * it is open (409).
 */
static int
reopen_changes_more(const struct ctx *c)
{
	const char *key;
	json_t     *v;

	json_object_foreach(c->body, key, v)
	{
		if (strcmp(key, "status") != 0 &&
		    strcmp(key, "reopen_reason") != 0)
			return 1;
	}
	return 0;
}

/* The case as read (old) and as changed (rec); both read under the lock. */
static enum nmt_err
case_update(struct ctx *c, void *region)
{
	struct case_rec old, rec;
	enum action     action = case_action(c, &c->facts);
	json_t         *changes;
	enum nmt_err    e;

	memset(&old, 0, sizeof(old));
	memset(&rec, 0, sizeof(rec));
	/* Reopening names its reason (decided again on the locked facts). */
	if (action == ACT_REOPEN && json_str(c->body, "reopen_reason") == NULL)
		return reason_missing(c, "reopen_reason");
	if (action == ACT_REOPEN && c->facts.closed && reopen_changes_more(c)) {
		reply_problem(c, 409,
		    "Ärendet är avslutat. Öppna det igen först och ändra "
		    "sedan.");
		return NMT_CONFLICT;
	}
	if ((e = store_case_get(c->db, c->params[0], 1, &old)) != NMT_OK)
		return e;
	/* Merge only onto the version named, so no change is lost. */
	if (old.version != c->version)
		e = NMT_STALE;
	else if ((e = store_case_get(c->db, c->params[0], 0, &rec)) == NMT_OK) {
		case_apply(&rec, c->body, region);
		case_status_apply(c, &rec, action);
		free(rec.updated_at);
		rec.updated_at = xstrdup(c->now_text);
		changes = json_array();
		history_diff(changes, &case_record, &old, &rec, NULL);
		if ((e = store_case_update(c->db, &rec)) == NMT_OK)
			e = history_write(c, "case", rec.id, rec.id,
			    rec.version + 1, changes);
		else
			json_decref(changes);
	}
	record_free(&case_record, &old);
	record_free(&case_record, &rec);
	return e;
}

static void
case_patch(struct ctx *c)
{
	case_write(c, case_update, 0);
}

static const struct field_spec case_create_spec[] = {
	{ "title", FT_STRING, FIELD_REQUIRED, TITLE_MAX, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, FIELD_NULLABLE, SUMMARY_MAX, 0, 0, NULL, NULL },
	{ "county", FT_STRING, FIELD_REQUIRED, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, FIELD_REQUIRED, 12, 0, 0,
	    vocab_exploitation, NULL },
	FIELD_END,
};

static const struct field_spec case_patch_spec[] = {
	{ "title", FT_STRING, FIELD_NONEMPTY, TITLE_MAX, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, 0, SUMMARY_MAX, 0, 0, NULL, NULL },
	{ "status", FT_CODE, 0, 0, 0, 0, vocab_case_status, NULL },
	{ "closing_reason", FT_CODE, 0, 0, 0, 0, vocab_closing_reason, NULL },
	{ "closing_note", FT_TEXT, FIELD_NONEMPTY, REASON_MAX, 0, 0, NULL,
	    NULL },
	{ "reopen_reason", FT_TEXT, FIELD_NONEMPTY, REASON_MAX, 0, 0, NULL,
	    NULL },
	{ "county", FT_STRING, FIELD_NONEMPTY, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	FIELD_END,
};

static const struct query_spec cases_query[] = {
	{ "status", Q_CODE, 0, vocab_case_status },
	{ "region", Q_TEXT, 32, NULL },
	{ "county", Q_TEXT, 2, NULL },
	{ "exploitation", Q_CODE, 0, vocab_exploitation },
	{ "mine", Q_BOOL, 0, NULL },
	{ "q", Q_TEXT, QUERY_MAX, NULL },
	{ "sort", Q_CODE, 0, case_sorts },
	{ "order", Q_CODE, 0, sort_orders },
	QUERY_END,
};

#define CASE_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route case_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/cases",
	    .roles = CASE_ROLES,
	    .query = cases_query,
	    .kind = OBJ_CASE,
	    .action = ACT_LIST,
	    .audit = "case.list",
	    .handler = cases_list,
	    .flags = R_PAGED },
	{ .method = "POST",
	    .pattern = "/api/v1/cases",
	    .roles = CASE_ROLES,
	    .body = case_create_spec,
	    .kind = OBJ_CASE,
	    .action = ACT_CREATE,
	    .audit = "case.create",
	    .handler = cases_create,
	    .check = county_check },
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}",
	    .roles = CASE_ROLES,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "case.read",
	    .handler = case_get },
	{ .method = "PATCH",
	    .pattern = "/api/v1/cases/{id}",
	    .roles = CASE_ROLES,
	    .body = case_patch_spec,
	    .object = &case_object,
	    .action = ACT_UPDATE,
	    .audit = "case.update",
	    .handler = case_patch,
	    .flags = R_IF_MATCH,
	    .check = case_patch_check,
	    .action_of = case_action },
	ROUTE_END,
};
