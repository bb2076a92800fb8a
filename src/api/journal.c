/*
 * journal.c — a case's journal: notes, calls, meetings and decisions,
 * oldest first. An entry is never changed or removed; a mistake is put
 * right by a new entry that corrects it. Anyone who may read the case
 * writes in it; "full" entries are read and written only by those with
 * full access to the case (the policy's ACT_JOURNAL_FULL), and the
 * others' lists leave them out in SQL. An entry to correct that the
 * caller may not see answers 404 exactly like one that does not exist.
 */
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

/* Inside the transaction: the entry to correct, then the new entry. */
static enum nmt_err
journal_insert(struct ctx *c, void *arg)
{
	struct journal_rec *j = arg, old;
	int                 full = sees_full(c);
	enum nmt_err        e;

	if (strcmp(j->visibility, "full") == 0 && !full) {
		reply_problem(c, 403,
		    "Endast den som har full åtkomst till ärendet kan skriva "
		    "en post med den synligheten.");
		return NMT_FORBIDDEN;
	}
	if (j->corrects != NULL) {
		memset(&old, 0, sizeof(old));
		if ((e = store_journal_get(c->db, c->params[0], j->corrects,
		         full, &old)) != NMT_OK)
			return e;
		record_free(&journal_record, &old);
	}
	if ((e = store_journal_insert(c->db, j)) == NMT_OK)
		note_object(c, "journal", j->id);
	return e;
}

static void
journal_create(struct ctx *c)
{
	struct journal_rec j;
	const char        *vis = json_str(c->body, "visibility");

	memset(&j, 0, sizeof(j));
	j.case_id = (char *)c->params[0];
	j.kind = (char *)json_str(c->body, "kind");
	j.text = (char *)json_str(c->body, "text");
	j.visibility = (char *)(vis != NULL ? vis : "team");
	j.corrects = (char *)json_str(c->body, "corrects");
	j.author_user = c->actor.user_id;
	j.author_username = c->actor.username;
	j.author_org = c->actor.org;
	j.at = c->now_text;
	if (api_write(c, journal_insert, &j) == NMT_OK)
		reply_json(c, 201, render_entry(&j));
	free(j.id);
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
