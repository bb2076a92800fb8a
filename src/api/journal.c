/*
 * journal.c — a case's journal: notes, calls, meetings and decisions,
 * oldest first. An entry is never changed or removed; a mistake is put
 * right by a new entry that corrects it. Anyone who may read the case
 * writes in it; "full" entries are read and written only by those with
 * full access to the case (the policy's ACT_JOURNAL_FULL), and the
 * others' lists leave them out in SQL. A correction has the visibility of
 * the entry it corrects unless it asks for one, and never a wider one
 * (400). An entry to correct that the caller may not see answers 404
 * exactly like one that does not exist, and is audited (flagged
 * case.write_denied) when it exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"

#define JOURNAL_TEXT_MAX 20000

/* Whether the caller reads and writes the case's "full" entries. */
static int
sees_full(struct ctx *c)
{
	return policy_decide(&c->actor.principal, OBJ_CASE, ACT_JOURNAL_FULL,
	           &c->facts) == POLICY_ALLOW;
}

static json_t *
render_entry(const struct journal_rec *e)
{
	json_t *doc = render_record(&journal_record, e);

	json_object_set_new(doc, "author",
	    json_pack("{s:s?,s:s}", "username", e->author_username,
	        "organization", e->author_org));
	return doc;
}

static void
journal_list(struct ctx *c)
{
	struct journal_rec *rows;
	json_t             *items;
	char                key[24];
	size_t              n, i;
	int                 more;
	enum nmt_err        e;

	if (!page_key_is_int(c))
		return;
	if ((e = store_journal_list(c->db, c->params[0], sees_full(c), &c->page,
	         &rows, &n, &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render_entry(&rows[i]));
	if (n > 0)
		snprintf(key, sizeof(key), "%lld", rows[n - 1].seq);
	reply_page(c, items, more, n > 0 ? key : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_journal_free(rows, n);
}

/*
 * A write: the entry, the visibility asked (NULL: none) and, when the
 * entry to correct is one the caller does not see, that refusal.
 */
struct journal_write {
	struct journal_rec rec;
	const char        *asked;
	int                refused; /* no entry to correct the caller sees */
	int                exists;  /* ... but there is one (hidden) */
};

/*
 * The correction's visibility, from the entry it corrects: that entry's
 * when none is asked, and never a wider one (a "team" correction of a
 * "full" entry: 400). An entry the caller may not see is refused like a
 * missing one (NMT_NOT_FOUND), the same way for both, and left in w.
 */
static enum nmt_err
correction_visibility(struct ctx *c, struct journal_write *w, int full)
{
	int          old_full = 0;
	enum nmt_err e;

	e = store_journal_visibility(c->db, c->params[0], w->rec.corrects,
	    &old_full);
	if (e == NMT_NOT_FOUND || (e == NMT_OK && old_full && !full)) {
		w->refused = 1;
		w->exists = e == NMT_OK;
		return NMT_NOT_FOUND;
	}
	if (e != NMT_OK)
		return e;
	if (w->asked == NULL)
		w->rec.visibility = (char *)(old_full ? "full" : "team");
	else if (old_full && strcmp(w->asked, "full") != 0) {
		json_t *errors = json_array();

		validate_error(errors, "visibility", "conflict",
		    "En rättelse kan inte visas för fler än posten den "
		    "rättar: välj endast full åtkomst.");
		reply_invalid(c, errors);
		return NMT_INVALID;
	}
	return NMT_OK;
}

/* Inside the transaction: the entry to correct, then the new entry. */
static enum nmt_err
journal_insert(struct ctx *c, void *arg)
{
	struct journal_write *w = arg;
	int                   full = sees_full(c);
	enum nmt_err          e;

	if (w->asked != NULL && strcmp(w->asked, "full") == 0 && !full) {
		reply_problem(c, 403,
		    "Endast den som har full åtkomst till ärendet kan skriva "
		    "en post med den synligheten.");
		return NMT_FORBIDDEN;
	}
	if (w->rec.corrects != NULL &&
	    (e = correction_visibility(c, w, full)) != NMT_OK)
		return e;
	if ((e = store_journal_insert(c->db, &w->rec)) == NMT_OK)
		note_object(c, "journal", w->rec.id);
	return e;
}

/*
 * A correction refused because the caller may not see the entry: the
 * flagged case.write_denied entry naming it, made alike for a missing
 * entry and kept only for an existing one, off the answer path.
 */
static void
correction_refused(struct ctx *c, const struct journal_write *w)
{
	struct audit_note n;

	memset(&n, 0, sizeof(n));
	n.action = case_object.write_denied;
	snprintf(n.object, sizeof(n.object), "journal:%s", w->rec.corrects);
	strlcopy(n.case_id, c->params[0], sizeof(n.case_id));
	n.flagged = 1;
	audit_refused(c, &n, w->exists);
}

static void
journal_create(struct ctx *c)
{
	struct journal_write w;
	struct journal_rec  *j = &w.rec;

	memset(&w, 0, sizeof(w));
	w.asked = json_str(c->body, "visibility");
	j->case_id = (char *)c->params[0];
	j->kind = (char *)json_str(c->body, "kind");
	j->text = (char *)json_str(c->body, "text");
	j->visibility = (char *)(w.asked != NULL ? w.asked : "team");
	j->corrects = (char *)json_str(c->body, "corrects");
	j->author_user = c->actor.user_id;
	j->author_username = c->actor.username;
	j->author_org = c->actor.org;
	j->at = c->now_text;
	if (api_write(c, journal_insert, &w) == NMT_OK)
		reply_json(c, 201, render_entry(j));
	else if (w.refused)
		correction_refused(c, &w);
	free(j->id);
}

/* The route's rule: the entry to correct is named by its id. */
static enum nmt_err
corrects_check(struct ctx *c, json_t *errors)
{
	const char *id = json_str(c->body, "corrects");

	if (id != NULL && !token_is_uuid(id) &&
	    !validate_has_error(errors, "corrects"))
		validate_error(errors, "corrects", "invalid_value",
		    "Ange id för den post som rättas.");
	return NMT_OK;
}

static const struct field_spec journal_spec[] = {
	{ "kind", FT_CODE, FIELD_REQUIRED, 0, 0, 0, vocab_journal_kind, NULL },
	{ "text", FT_TEXT, FIELD_REQUIRED | FIELD_NONEMPTY, JOURNAL_TEXT_MAX, 0,
	    0, NULL, NULL },
	{ "visibility", FT_CODE, FIELD_NULLABLE, 0, 0, 0,
	    vocab_journal_visibility, NULL },
	{ "corrects", FT_STRING, FIELD_NULLABLE, 36, 0, 0, NULL, NULL },
	FIELD_END,
};

#define JOURNAL_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route journal_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}/journal",
	    .roles = JOURNAL_ROLES,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "journal.read",
	    .handler = journal_list,
	    .flags = R_PAGED },
	{ .method = "POST",
	    .pattern = "/api/v1/cases/{id}/journal",
	    .roles = JOURNAL_ROLES,
	    .body = journal_spec,
	    .object = &case_object,
	    .action = ACT_JOURNAL_WRITE,
	    .audit = "journal.create",
	    .handler = journal_create,
	    .check = corrects_check },
	ROUTE_END,
};
