/*
 * break_glass.c — emergency access to a protected identity.
 *
 * Who sees a case but not a protected identity in it (API.md, "Who sees
 * what") may break the glass: name the category of need
 * (vocab_glass_category) and state a reason of at least REASON_MIN
 * characters, and see the whole identity for BREAK_GLASS_SECONDS, one
 * live grant at a time. The grant and every read through it are
 * flagged in the audit log; the reason is kept with the grant and shown
 * to the auditors only (GET /api/v1/break-glass), never echoed.
 */
#include <string.h>

#include "api/api.h"
#include "core/text.h"
#include "core/timeutil.h"
#include "core/util.h"

#define BREAK_GLASS_SECONDS 3600
#define REASON_MIN          20 /* characters, white space trimmed */
#define REASON_MAX          1000

/* The route's rule: a reason long enough to say something. */
static enum nmt_err
reason_check(struct ctx *c, json_t *errors)
{
	const char *reason = json_str(c->body, "reason");

	if (reason != NULL && !validate_has_error(errors, "reason") &&
	    text_trimmed_length(reason) < REASON_MIN)
		validate_error(errors, "reason", "too_short",
		    "Beskriv skälet med minst 20 tecken.");
	return NMT_OK;
}

static enum nmt_err
grant_insert(struct ctx *c, void *arg)
{
	struct grant_rec *g = arg;

	g->case_id = c->facts.case_id;
	c->note.flagged = 1;
	return store_glass_insert(c->db, g);
}

static void
break_glass(struct ctx *c)
{
	struct grant_rec g;
	char             id[UUID_TEXT], expires[TIME_TEXT];

	memset(&g, 0, sizeof(g));
	token_uuid(id);
	time_format(c->now + BREAK_GLASS_SECONDS, expires);
	g.id = id;
	g.person_id = (char *)c->params[0];
	g.user_id = c->actor.user_id;
	g.reason = (char *)json_str(c->body, "reason");
	g.category = (char *)json_str(c->body, "category");
	g.created_at = c->now_text;
	g.expires_at = expires;
	if (api_write(c, grant_insert, &g) != NMT_OK)
		return;
	reply_json(c, 201,
	    json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", id, "person", g.person_id,
	        "category", g.category, "granted_at", g.created_at,
	        "expires_at", expires));
}

static void
grants_list(struct ctx *c)
{
	struct grant_rec *rows;
	size_t            n;
	int               more;
	enum nmt_err      e;

	if ((e = store_glass_list(c->db, http_query(c->req, "case"), &c->page,
	         &rows, &n, &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_page(c, render_records(&grant_record, rows, n), more,
	    n > 0 ? rows[n - 1].created_at : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_grants_free(rows, n);
	if (http_query(c->req, "case") != NULL)
		strlcopy(c->note.case_id, http_query(c->req, "case"),
		    sizeof(c->note.case_id));
}

static const struct field_spec break_glass_spec[] = {
	{ "category", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_glass_category,
	    NULL },
	{ "reason", FT_TEXT, FIELD_REQUIRED, REASON_MAX, 0, 0, NULL, NULL },
	FIELD_END,
};

static const struct query_spec grants_query[] = {
	{ "case", Q_ID, 0, NULL },
	QUERY_END,
};

const struct route break_glass_routes[] = {
	{ .method = "POST",
	    .pattern = "/api/v1/persons/{id}/break-glass",
	    .roles = ROLE_BIT(ROLE_MEMBER) | ROLE_BIT(ROLE_COORDINATOR),
	    .body = break_glass_spec,
	    .object = &person_object,
	    .action = ACT_BREAK_GLASS,
	    .audit = "person.break_glass",
	    .handler = break_glass,
	    .check = reason_check },
	{ .method = "GET",
	    .pattern = "/api/v1/break-glass",
	    .roles = ROLE_BIT(ROLE_AUDITOR),
	    .query = grants_query,
	    .kind = OBJ_GRANT,
	    .action = ACT_LIST,
	    .audit = "break_glass.list",
	    .handler = grants_list,
	    .flags = R_PAGED },
	ROUTE_END,
};
