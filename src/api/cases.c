/*
 * cases.c — creating, listing, reading and updating cases.
 *
 * The region follows from the county; the creator's organization owns the
 * case and joins its team with full access. Reads are audited through the
 * group commit, writes in their own transaction. A case the caller may not
 * see answers 404 exactly like one that does not exist (and the refused
 * read of an existing case is audited as case.denied).
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/resource.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "db/store.h"

#define TITLE_MAX 200
#define SUMMARY_MAX 10000
#define NOTES_MAX 20000
#define QUERY_MAX 200

static const struct field_spec case_create_spec[] = {
	{ "title", FT_STRING, FIELD_REQUIRED, TITLE_MAX, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, FIELD_NULLABLE, SUMMARY_MAX, 0, 0, NULL, NULL },
	{ "notes", FT_TEXT, FIELD_NULLABLE, NOTES_MAX, 0, 0, NULL, NULL },
	{ "county", FT_STRING, FIELD_REQUIRED, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, FIELD_REQUIRED, 12, 0, 0,
	    vocab_exploitation, NULL },
	FIELD_END
};

static const struct field_spec case_patch_spec[] = {
	{ "title", FT_STRING, FIELD_NONEMPTY, TITLE_MAX, 0, 0, NULL, NULL },
	{ "summary", FT_TEXT, 0, SUMMARY_MAX, 0, 0, NULL, NULL },
	{ "notes", FT_TEXT, 0, NOTES_MAX, 0, 0, NULL, NULL },
	{ "status", FT_CODE, 0, 0, 0, 0, vocab_case_status, NULL },
	{ "county", FT_STRING, FIELD_NONEMPTY, 2, 0, 0, NULL, NULL },
	{ "exploitation", FT_CODE_LIST, 0, 12, 0, 0, vocab_exploitation,
	    NULL },
	FIELD_END
};

/*
 * Looks up the region of the body's county, if the body has a county
 * that passed the spec; an unknown one is added to errors. Returns -1
 * (after replying) only when the database fails.
 */
static int
county_region(struct ctx *c, json_t *errors, char region[33])
{
	const char	*county = json_str(c->body, "county");
	size_t		 i;
	int		 found;
	enum nmt_err	 e;

	*region = '\0';
	if (county == NULL)
		return 0;
	for (i = 0; i < json_array_size(errors); i++)
		if (strcmp(json_str(json_array_get(errors, i), "field"),
		    "county") == 0)
			return 0;
	if ((e = store_county_region(c->db, county, region, &found)) != NMT_OK) {
		json_decref(errors);
		reply_error(c, e);
		return -1;
	}
	if (!found)
		validate_error(errors, "county", "invalid_value",
		    "Okänd länskod.");
	return 0;
}

/* Replies with the full case document (and its ETag). */
static void
reply_case(struct ctx *c, int status, const char *case_id)
{
	enum nmt_err	 e;
	json_t		*doc = store_case_get(c->db, case_id, &e);

	if (doc == NULL) {
		reply_error(c, e == NMT_OK ? NMT_ERROR : e);
		return;
	}
	reply_etag(c, json_integer_value(json_object_get(doc, "version")));
	reply_json(c, status, doc);
}

void
api_cases_create(struct ctx *c)
{
	struct new_case	 nc;
	char		 region[33], id[UUID_TEXT], now[TIME_TEXT], *location;
	const char	*summary, *notes;
	json_t		*errors;
	enum nmt_err	 e;
	enum policy_decision d;

	if ((d = policy_case(&c->actor.principal, CASE_CREATE, NULL)) !=
	    POLICY_ALLOW) {
		reply_policy(c, d);
		return;
	}
	if (check_body(c, case_create_spec, &errors) != 0 ||
	    county_region(c, errors, region) != 0 ||
	    reply_if_invalid(c, errors) != 0)
		return;
	summary = json_str(c->body, "summary");
	notes = json_str(c->body, "notes");
	memset(&nc, 0, sizeof(nc));
	nc.title = json_str(c->body, "title");
	nc.summary = summary ? summary : "";
	nc.notes = notes ? notes : "";
	nc.county = json_str(c->body, "county");
	nc.region = region;
	nc.exploitation = json_object_get(c->body, "exploitation");
	nc.owner_user = c->actor.user_id;
	nc.owner_org = c->actor.org;
	time_format(c->now, now);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_case_insert(c->db, &nc, now, id)) != NMT_OK ||
	    (e = audit_in_tx(c, "case.create", ctx_object(c, "case", id), id,
	    0)) != NMT_OK ||
	    (e = db_commit(c->db)) != NMT_OK) {
		db_rollback(c->db);
		reply_error(c, e);
		return;
	}
	location = xasprintf("/api/v1/cases/%s", id);
	reply_header(c, "Location", location);
	free(location);
	reply_case(c, 201, id);
}

/* A case-list cursor is a case number: NMT-YYYY-NNNNN. */
static int
valid_cursor(const char *s)
{
	int64_t	v;
	char	year[5];

	if (strlen(s) != 14 || strncmp(s, "NMT-", 4) != 0 || s[8] != '-')
		return 0;
	memcpy(year, s + 4, 4);
	year[4] = '\0';
	return parse_int(year, 1000, 9999, &v) == 0 &&
	    parse_int(s + 9, 0, 99999, &v) == 0;
}

/* A region code: 1..32 lowercase ASCII letters. */
static int
is_code(const char *s)
{
	size_t	i, n = strlen(s);

	if (n == 0 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return 0;
	return 1;
}

/* Reads and checks the list filters; replies 400 and returns -1. */
static int
list_filter(struct ctx *c, struct case_filter *f, char **folded_r)
{
	const char	*status = http_query(c->req, "status");
	const char	*region = http_query(c->req, "region");
	const char	*q = http_query(c->req, "q");
	const char	*cursor = http_query(c->req, "cursor");
	int		 found;
	enum nmt_err	 e;

	if (query_limit(c, &f->limit) != 0)
		return -1;
	if (status != NULL && vocab_index(vocab_case_status, status) < 0) {
		reply_problem(c, 400, "Okänd status.");
		return -1;
	}
	if (region != NULL) {
		if (!is_code(region)) {
			reply_problem(c, 400, "Okänd region.");
			return -1;
		}
		if ((e = store_region_exists(c->db, region, &found)) != NMT_OK) {
			reply_error(c, e);
			return -1;
		}
		if (!found) {
			reply_problem(c, 400, "Okänd region.");
			return -1;
		}
	}
	if (cursor != NULL && !valid_cursor(cursor)) {
		reply_problem(c, 400, "Ogiltig cursor.");
		return -1;
	}
	if (q != NULL && (text_length(q) < 0 || text_length(q) > QUERY_MAX)) {
		reply_problem(c, 400, "Ogiltig sökfråga.");
		return -1;
	}
	*folded_r = q ? text_fold(q) : NULL;
	f->status = status;
	f->region = region;
	f->cursor = cursor;
	f->query = *folded_r;
	return 0;
}

void
api_cases_list(struct ctx *c)
{
	struct case_filter	 f;
	char			 now[TIME_TEXT], *folded = NULL;
	json_t			*doc;
	enum nmt_err		 e;
	enum policy_decision	 d;

	if ((d = policy_case(&c->actor.principal, CASE_LIST, NULL)) !=
	    POLICY_ALLOW) {
		reply_policy(c, d);
		return;
	}
	memset(&f, 0, sizeof(f));
	if (list_filter(c, &f, &folded) != 0)
		return;
	time_format(c->now, now);
	f.principal = &c->actor.principal;
	f.scope = policy_case_scope(&c->actor.principal);
	f.now = now;
	doc = store_case_list(c->db, &f, &e);
	free(folded);
	if (doc == NULL) {
		reply_error(c, e);
		return;
	}
	audit_later(c, "case.list", NULL, NULL, 0);
	reply_json(c, 200, doc);
}

void
api_case_get(struct ctx *c)
{
	const char	*id = c->params[0];

	if (case_access(c, id, CASE_READ, NULL) != 0)
		return;
	audit_later(c, "case.read", ctx_object(c, "case", id), id, 0);
	reply_case(c, 200, id);
}

void
api_case_patch(struct ctx *c)
{
	const char	*id = c->params[0], *county;
	char		 region[33], now[TIME_TEXT];
	json_t		*errors;
	long long	 version;
	int		 stale;
	enum nmt_err	 e;

	if (case_access(c, id, CASE_WRITE, NULL) != 0 ||
	    require_if_match(c, &version) != 0)
		return;
	if (check_body(c, case_patch_spec, &errors) != 0 ||
	    county_region(c, errors, region) != 0 ||
	    reply_if_invalid(c, errors) != 0)
		return;
	county = json_str(c->body, "county");
	time_format(c->now, now);
	if ((e = db_begin(c->db)) != NMT_OK ||
	    (e = store_case_update(c->db, id, version, c->body,
	    county ? region : NULL, now, &stale)) != NMT_OK)
		goto fail;
	if (stale) {
		db_rollback(c->db);
		reply_problem(c, 412, "Ärendet har ändrats av någon annan; "
		    "hämta det på nytt.");
		return;
	}
	if ((e = audit_in_tx(c, "case.update", ctx_object(c, "case", id), id,
	    0)) != NMT_OK || (e = db_commit(c->db)) != NMT_OK)
		goto fail;
	reply_case(c, 200, id);
	return;
fail:
	db_rollback(c->db);
	reply_error(c, e);
}
