/*
 * audit.c — writing audit entries for requests, and reading the log.
 *
 * Writes log inside their own transaction (audit_in_tx), so a change and
 * its entry commit or fail together. Reads are queued for the group
 * commit (audit_later). Reading the log: the auditor role reads all of
 * it; a coordinator who sees a case reads that case's entries; everyone
 * else is refused. The log is flushed before it is read, so it shows
 * every access made before the request.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/audit_writer.h"
#include "api/resource.h"
#include "core/timeutil.h"
#include "core/util.h"
#include "db/store.h"

static void
entry_fill(struct ctx *c, struct audit_entry *a, const char *action,
    const char *object, const char *case_id, int flagged)
{
	char	now[TIME_TEXT];

	time_format(c->now, now);
	a->at = xstrdup(now);
	a->actor = *c->actor.username ? xstrdup(c->actor.username) : NULL;
	a->organization = *c->actor.org ? xstrdup(c->actor.org) : NULL;
	a->action = xstrdup(action);
	a->object = object ? xstrdup(object) : NULL;
	a->case_id = case_id ? xstrdup(case_id) : NULL;
	a->client = c->req->client ? xstrdup(c->req->client) : NULL;
	a->flagged = flagged;
}

enum nmt_err
audit_in_tx(struct ctx *c, const char *action, const char *object,
    const char *case_id, int flagged)
{
	struct audit_entry	a;
	enum nmt_err		e;

	entry_fill(c, &a, action, object, case_id, flagged);
	e = store_audit_append(c->db, c->app->keys.audit, &a, 1);
	audit_entry_cleanup(&a);
	return e;
}

void
audit_later(struct ctx *c, const char *action, const char *object,
    const char *case_id, int flagged)
{
	struct audit_entry	a;

	entry_fill(c, &a, action, object, case_id, flagged);
	audit_writer_push(c->app->audit, &a);
}

void
api_audit_list(struct ctx *c)
{
	const char		*case_id = http_query(c->req, "case");
	const char		*flagged_q = http_query(c->req, "flagged");
	const char		*cursor = http_query(c->req, "cursor");
	int64_t			 before = 0;
	int			 limit, flagged = -1;
	json_t			*doc;
	enum nmt_err		 e;

	if (query_limit(c, &limit) != 0)
		return;
	if (case_id != NULL && !token_is_uuid(case_id)) {
		reply_problem(c, 400, "case måste vara ett ärende-id.");
		return;
	}
	if (flagged_q != NULL) {
		if (strcmp(flagged_q, "true") == 0)
			flagged = 1;
		else if (strcmp(flagged_q, "false") == 0)
			flagged = 0;
		else {
			reply_problem(c, 400, "flagged måste vara true eller "
			    "false.");
			return;
		}
	}
	if (cursor != NULL && parse_int(cursor, 1, INT64_MAX, &before) != 0) {
		reply_problem(c, 400, "Ogiltig cursor.");
		return;
	}
	if (!policy_audit_all(&c->actor.principal)) {
		if (policy_audit_case(&c->actor.principal, NULL) ==
		    POLICY_FORBIDDEN) {
			reply_policy(c, POLICY_FORBIDDEN);
			return;
		}
		if (case_id == NULL) {
			reply_problem(c, 400, "Ange ärendet (case) vars logg "
			    "du vill läsa.");
			return;
		}
		/* The same gate as reading the case itself (and audited so). */
		if (case_access(c, case_id, CASE_READ, NULL) != 0)
			return;
	}
	if (audit_writer_flush(c->app->audit) != 0) {
		reply_error(c, NMT_UNAVAILABLE);
		return;
	}
	if ((doc = store_audit_list(c->db, case_id, flagged, before, limit,
	    &e)) == NULL) {
		reply_error(c, e);
		return;
	}
	reply_json(c, 200, doc);
}
