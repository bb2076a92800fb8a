/*
 * audit.c — the audit entries of requests, and reading the log.
 *
 * A write's entry is appended inside its own transaction (audit_in_tx,
 * from api_write), so a change and its entry commit or fail together. A
 * read's entry goes to the group commit and the request waits for it
 * (audit_read): when it cannot be written, the answer is withdrawn and
 * the read answers 503, so no data leaves without its entry. A refusal's
 * entry (a refused read of a hidden object, a refused write) is queued
 * off the answer path (audit_refused), made the same way for a missing
 * object and dropped there, so a hidden object answers as fast as a
 * missing one. Reading the
 * log: auditors read all of it; a coordinator one case's entries where it
 * sees the case (the same gate as reading the case, and audited so). The
 * log is flushed before it is read, so it shows every access made before
 * the request; reading it is an entry of its own (audit.read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/audit_writer.h"
#include "core/util.h"

static void
entry_fill(struct ctx *c, struct audit_entry *a, const struct audit_note *n)
{
	memset(a, 0, sizeof(*a));
	a->at = xstrdup(c->now_text);
	a->actor = *c->actor.username ? xstrdup(c->actor.username) : NULL;
	a->organization = *c->actor.org ? xstrdup(c->actor.org) : NULL;
	a->action = xstrdup(n->action);
	a->object = *n->object ? xstrdup(n->object) : NULL;
	a->case_id = *n->case_id ? xstrdup(n->case_id) : NULL;
	a->client = c->req->client ? xstrdup(c->req->client) : NULL;
	a->flagged = n->flagged;
}

enum nmt_err
audit_in_tx(struct ctx *c, const struct audit_note *n)
{
	struct audit_entry a;
	enum nmt_err       e;

	entry_fill(c, &a, n);
	e = store_audit_append(c->db, c->app->keys.audit, &a, 1);
	audit_entry_cleanup(&a);
	return e;
}

void
audit_read(struct ctx *c)
{
	struct audit_entry a;

	entry_fill(c, &a, &c->note);
	if (audit_writer_commit(c->app->audit, &a) != 0)
		reply_instead(c, NMT_UNAVAILABLE);
}

void
audit_refused(struct ctx *c, const struct audit_note *n, int exists)
{
	struct audit_entry a;

	entry_fill(c, &a, n);
	audit_writer_offer(c->app->audit, &a, exists);
}

static void
audit_list(struct ctx *c)
{
	const char         *case_id = http_query(c->req, "case");
	const char         *flagged = http_query(c->req, "flagged");
	struct scope        s = policy_scope(&c->actor.principal, OBJ_AUDIT);
	struct audit_entry *rows;
	size_t              n;
	int                 more;
	enum nmt_err        e;

	if (!(s.reasons & SCOPE_ALL)) {
		if (case_id == NULL) {
			reply_problem(c, 400,
			    "Ange ärendet (case) vars logg "
			    "du vill läsa.");
			return;
		}
		if (gate_object(c, &case_object, case_id, ACT_READ) != 0)
			return;
	}
	if (audit_writer_flush(c->app->audit) != 0) {
		reply_error(c, NMT_UNAVAILABLE);
		return;
	}
	if ((e = store_audit_list(c->db, case_id,
	         flagged == NULL ? -1 : strcmp(flagged, "true") == 0, &c->page,
	         &rows, &n, &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	if (n > 0) {
		char seq[24];

		snprintf(seq, sizeof(seq), "%lld", rows[n - 1].seq);
		reply_page(c, render_records(&audit_record, rows, n), more, seq,
		    NULL);
	} else
		reply_page(c, json_array(), 0, NULL, NULL);
	store_audit_entries_free(rows, n);
	/* Reading the log is itself an entry: the case is the filter. */
	*c->note.object = '\0';
	if (case_id != NULL)
		strlcopy(c->note.case_id, case_id, sizeof(c->note.case_id));
}

static const struct query_spec audit_query[] = {
	{ "case", Q_ID, 0, NULL },
	{ "flagged", Q_BOOL, 0, NULL },
	QUERY_END,
};

const struct route audit_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/audit",
	    .roles = ROLE_BIT(ROLE_AUDITOR) | ROLE_BIT(ROLE_COORDINATOR),
	    .query = audit_query,
	    .kind = OBJ_AUDIT,
	    .action = ACT_LIST,
	    .audit = "audit.read",
	    .handler = audit_list,
	    .flags = R_PAGED },
	ROUTE_END,
};
