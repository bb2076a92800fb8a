/*
 * history.c — the change history of cases and persons: what each update
 * changed, by whom and when, written in the update's own transaction, and
 * read newest first with the object's own visibility (the router's gate).
 *
 * The changes of an update are computed here and nowhere else, from the
 * typed record before and after it, through the JSON each field is
 * served as: a changeable served field (not COL_NO_HISTORY) whose value
 * differs is {"field", "from", "to"}. Identity fields are named
 * "identity.<field>" and carry no values, so the history never holds an
 * identity in clear text.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"

void
history_diff(json_t *changes, const struct record_type *t, const void *old,
    const void *new, const char *identity_prefix)
{
	const struct column *col;
	json_t              *a = render_record(t, old);
	json_t              *b = render_record(t, new);
	json_t              *from, *to, *ch;
	char                *name;
	size_t               i;

	for (i = 0; i < t->ncols; i++) {
		col = &t->cols[i];
		if (col->json == NULL || (col->flags & COL_NO_HISTORY) ||
		    (identity_prefix == NULL && !(col->flags & COL_MUTABLE)))
			continue;
		from = json_object_get(a, col->json);
		to = json_object_get(b, col->json);
		if (from == to ||
		    (from != NULL && to != NULL && json_equal(from, to)))
			continue;
		if (identity_prefix != NULL) {
			name = xasprintf("%s%s", identity_prefix, col->json);
			ch = json_pack("{s:s}", "field", name);
			free(name);
		} else
			ch = json_pack("{s:s,s:O,s:O}", "field", col->json,
			    "from", from ? from : json_null(), "to",
			    to ? to : json_null());
		json_array_append_new(changes, ch);
	}
	json_decref(a);
	json_decref(b);
}

enum nmt_err
history_write(struct ctx *c, const char *kind, const char *object_id,
    const char *case_id, long long version, json_t *changes)
{
	struct history_rec h;
	enum nmt_err       e = NMT_OK;
	char              *text;

	if (json_array_size(changes) > 0) {
		text = json_dumps(changes, JSON_COMPACT);
		ASSERT(text != NULL);
		memset(&h, 0, sizeof(h));
		h.object_kind = (char *)kind;
		h.object_id = (char *)object_id;
		h.case_id = (char *)case_id;
		h.version = version;
		h.actor_user = c->actor.user_id;
		h.actor_org = c->actor.org;
		h.at = c->now_text;
		h.changes = text;
		e = store_history_insert(c->db, &h);
		free(h.id);
		free(text);
	}
	json_decref(changes);
	return e;
}

static json_t *
render_history(const struct history_rec *h)
{
	json_t *doc = render_record(&history_record, h);
	json_t *changes = json_loads(h->changes, 0, NULL);

	json_object_set_new(doc, "actor",
	    json_pack("{s:s?,s:s}", "username", h->actor_username,
	        "organization", h->actor_org));
	json_object_set_new(doc, "changes",
	    json_is_array(changes) ? changes : json_array());
	if (!json_is_array(changes))
		json_decref(changes);
	return doc;
}

int
page_key_is_int(struct ctx *c)
{
	int64_t v;
	json_t *errors;

	if (c->page.key == NULL ||
	    parse_int(c->page.key, 1, INT64_MAX, &v) == 0)
		return 1;
	errors = json_array();
	validate_error(errors, "cursor", "invalid_value", "Ogiltig cursor.");
	reply_invalid(c, errors);
	return 0;
}

static void
history_list(struct ctx *c)
{
	struct history_rec *rows;
	json_t             *items;
	char                key[24];
	size_t              n, i;
	int                 more;
	enum nmt_err        e;

	if (!page_key_is_int(c))
		return;
	if ((e = store_history_list(c->db, c->params[0], &c->page, &rows, &n,
	         &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render_history(&rows[i]));
	if (n > 0)
		snprintf(key, sizeof(key), "%lld", rows[n - 1].version);
	reply_page(c, items, more, n > 0 ? key : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_history_free(rows, n);
}

#define HISTORY_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route history_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/cases/{id}/history",
	    .roles = HISTORY_ROLES,
	    .object = &case_object,
	    .action = ACT_READ,
	    .audit = "case.history",
	    .handler = history_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}/history",
	    .roles = HISTORY_ROLES,
	    .object = &person_object,
	    .action = ACT_READ,
	    .audit = "person.history",
	    .handler = history_list,
	    .flags = R_PAGED },
	ROUTE_END,
};
