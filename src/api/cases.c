/*
 * cases.c — creating, listing, reading and updating cases.
 *
 * The region follows from the county; the creator's organization owns the
 * case and joins its team with full access; the case number's year is the
 * Swedish civil year of creation. A case the caller may not see answers
 * 404 exactly like one that does not exist (the router's gate).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "domain/calendar.h"

#define TITLE_MAX   200
#define SUMMARY_MAX 10000
#define NOTES_MAX   20000
#define QUERY_MAX   200

static enum nmt_err
case_facts(struct ctx *c, const char *id, int lock, struct facts *f)
{
	return store_case_facts(c->db, &c->actor.principal, id, c->now_text,
	    lock, f);
}

const struct object_type case_object = { OBJ_CASE, "case", case_facts,
	"case.denied", "case.write_denied" };

/* The case document: the case, its owner, team and person summaries. */
static enum nmt_err
case_document(struct ctx *c, const char *id, json_t **doc_r,
    long long *version_r)
{
	struct case_rec    rec;
	struct member_rec *team;
	struct person_rec *persons;
	size_t             nteam, npersons;
	json_t            *doc;
	enum nmt_err       e;

	memset(&rec, 0, sizeof(rec));
	if ((e = store_case_get(c->db, id, 0, &rec)) != NMT_OK)
		return e;
	doc = render_record(&case_record, &rec);
	json_object_set_new(doc, "owner",
	    json_pack("{s:s?,s:s}", "username", rec.owner_username,
	        "organization", rec.owner_org));
	*version_r = rec.version;
	record_free(&case_record, &rec);
	if ((e = store_team_list(c->db, id, &team, &nteam)) != NMT_OK) {
		json_decref(doc);
		return e;
	}
	json_object_set_new(doc, "team",
	    render_records(&member_record, team, nteam));
	store_members_free(team, nteam);
	if ((e = store_case_persons(c->db, id, &persons, &npersons)) !=
	    NMT_OK) {
		json_decref(doc);
		return e;
	}
	json_object_set_new(doc, "persons",
	    render_records(&person_summary_record, persons, npersons));
	store_persons_free(persons, npersons);
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
	set_text(&rec->notes, body, "notes");
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
	rec.notes = xstrdup("");
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

static void
cases_list(struct ctx *c)
{
	struct case_filter f;
	struct case_rec   *rows;
	const char        *q = http_query(c->req, "q");
	char              *folded = q ? text_fold(q) : NULL;
	size_t             n;
	int                more, found = 1;
	enum nmt_err       e;

	memset(&f, 0, sizeof(f));
	f.principal = &c->actor.principal;
	f.scope = policy_scope(&c->actor.principal, OBJ_CASE);
	f.status = http_query(c->req, "status");
	f.region = http_query(c->req, "region");
	f.query = folded;
	f.now = c->now_text;
	if (f.region != NULL &&
	    (e = store_region_exists(c->db, f.region, &found)) != NMT_OK)
		goto fail;
	if (!found) {
		json_t *errors = json_array();

		validate_error(errors, "region", "invalid_value",
		    "Okänd region.");
		reply_invalid(c, errors);
		goto out;
	}
	if ((e = store_case_list(c->db, &f, &c->page, &rows, &n, &more)) !=
	    NMT_OK)
		goto fail;
	reply_page(c, render_records(&case_summary_record, rows, n), more,
	    n > 0 ? rows[n - 1].number : NULL, n > 0 ? rows[n - 1].id : NULL);
	store_cases_free(rows, n);
	goto out;
fail:
	reply_error(c, e);
out:
	free(folded);
}

static void
case_get(struct ctx *c)
{
	reply_case(c, c->params[0], 0);
}

static enum nmt_err
case_update(struct ctx *c, void *region)
{
	struct case_rec rec;
	enum nmt_err    e;

	memset(&rec, 0, sizeof(rec));
	if ((e = store_case_get(c->db, c->params[0], 1, &rec)) != NMT_OK)
		return e;
	/* Merge only onto the version named, so no change is lost. */
	if (rec.version != c->version)
		e = NMT_STALE;
	else {
		case_apply(&rec, c->body, region);
		free(rec.updated_at);
		rec.updated_at = xstrdup(c->now_text);
		e = store_case_update(c->db, &rec);
	}
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
	{ "notes", FT_TEXT, FIELD_NULLABLE, NOTES_MAX, 0, 0, NULL, NULL },
	{ "county", FT_STRING, FIELD_REQUIRED, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, FIELD_REQUIRED, 12, 0, 0,
	    vocab_exploitation, NULL },
	FIELD_END,
};

static const struct field_spec case_patch_spec[] = {
	{ "title", FT_STRING, FIELD_NONEMPTY, TITLE_MAX, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, 0, SUMMARY_MAX, 0, 0, NULL, NULL },
	{ "notes", FT_TEXT, 0, NOTES_MAX, 0, 0, NULL, NULL },
	{ "status", FT_CODE, 0, 0, 0, 0, vocab_case_status, NULL },
	{ "county", FT_STRING, FIELD_NONEMPTY, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation, NULL },
	FIELD_END,
};

static const struct query_spec cases_query[] = {
	{ "status", Q_CODE, 0, vocab_case_status },
	{ "region", Q_TEXT, 32, NULL },
	{ "q", Q_TEXT, QUERY_MAX, NULL },
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
	    .check = county_check },
	ROUTE_END,
};
