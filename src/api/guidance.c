/*
 * guidance.c — first-contact guidance and the first meetings logged per
 * person.
 *
 * Guidance is data (data/guidance/<topic>.json, seeded by nmtctl init):
 * items in Swedish and English, read by every logged-in user in one
 * language (GET /guidance?topic=&lang=), with the first-meeting
 * checklist's labels taken from the items that carry a check. Admins edit
 * one item at a time (PATCH /guidance/items/{id} with If-Match); the
 * version it replaces is kept (GET /guidance/items/{id}/history) and the
 * edit is an audit entry (guidance.update). The policy decides both
 * (OBJ_GUIDANCE).
 *
 * A first meeting (POST /persons/{id}/first-contact) is logged by whoever
 * may read the person while its case is open (ACT_FIRST_CONTACT; a closed
 * case answers 409 from the write path): a Swedish date not in the future,
 * every checklist code ticked or not, an optional note. The list is the
 * person's meetings, newest first, read by those who read the person; both
 * are audited with the person's case.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/util.h"
#include "domain/calendar.h"

#define HEADING_MAX 200
#define TEXT_MAX    4000
#define LABEL_MAX   200
#define NOTE_MAX    4000

/* 0 for "sv", 1 for "en" (the query spec has checked it). */
static int
lang_index(const char *lang)
{
	return lang != NULL && strcmp(lang, "en") == 0 ? 1 : 0;
}

/* One item in one language: what the panel shows. */
static json_t *
item_in(const struct guidance_rec *g, int l)
{
	json_t *doc = render_record(&guidance_record, g);

	json_object_set_new(doc, "heading", json_string(g->heading[l]));
	json_object_set_new(doc, "text", json_string(g->text[l]));
	return doc;
}

static json_t *
texts_of(char *const heading[2], char *const text[2],
    char *const check_label[2], int l)
{
	json_t *o = json_pack("{s:s,s:s}", "heading", heading[l], "text",
	    text[l]);

	if (check_label[l] != NULL)
		json_object_set_new(o, "check_label",
		    json_string(check_label[l]));
	return o;
}

/* One item in both languages: what an admin edits. */
static json_t *
item_full(const struct guidance_rec *g)
{
	json_t *doc = render_record(&guidance_record, g);

	json_object_set_new(doc, "sv",
	    texts_of(g->heading, g->text, g->check_label, 0));
	json_object_set_new(doc, "en",
	    texts_of(g->heading, g->text, g->check_label, 1));
	return doc;
}

static void
guidance_get(struct ctx *c)
{
	const char          *topic = http_query(c->req, "topic");
	const char          *lang = http_query(c->req, "lang");
	struct guidance_rec *rows;
	json_t              *items, *checklist;
	size_t               n, i;
	int                  l;
	enum nmt_err         e;

	topic = topic != NULL ? topic : "first-contact";
	lang = lang != NULL ? lang : "sv";
	l = lang_index(lang);
	if ((e = store_guidance_list(c->db, topic, &rows, &n)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	checklist = json_array();
	for (i = 0; i < n; i++) {
		json_array_append_new(items, item_in(&rows[i], l));
		if (rows[i].check_code != NULL)
			json_array_append_new(checklist,
			    json_pack("{s:s,s:s,s:s}", "code",
			        rows[i].check_code, "label",
			        rows[i].check_label[l], "item", rows[i].id));
	}
	reply_json(c, 200,
	    json_pack("{s:s,s:s,s:o,s:o}", "topic", topic, "lang", lang,
	        "items", items, "checklist", checklist));
	store_guidance_free(rows, n);
}

static void
reply_item(struct ctx *c, int status)
{
	struct guidance_rec g;
	enum nmt_err        e;

	if ((e = store_guidance_get(c->db, c->params[0], 0, &g)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_etag(c, g.version);
	reply_json(c, status, item_full(&g));
	record_free(&guidance_record, &g);
}

static void
guidance_item_get(struct ctx *c)
{
	reply_item(c, 200);
}

/* A label for an item without a check: 400, naming the field. */
static enum nmt_err
label_refused(struct ctx *c, int l)
{
	json_t *errors = json_array();

	validate_error(errors, l == 0 ? "sv.check_label" : "en.check_label",
	    "conflict",
	    "Punkten hör inte till checklistan och har ingen "
	    "checklisttext.");
	reply_invalid(c, errors);
	return NMT_INVALID;
}

/* Inside the transaction: the item as read, the body's texts onto it. */
static enum nmt_err
guidance_update(struct ctx *c, void *arg)
{
	struct guidance_rec old, new;
	const json_t       *o;
	const char         *s;
	enum nmt_err        e;
	int                 l;

	(void)arg;
	if ((e = store_guidance_get(c->db, c->params[0], 1, &old)) != NMT_OK)
		return e;
	note_object(c, "guidance", old.id);
	new = old;
	new.version = c->version;
	new.updated_at = c->now_text;
	new.updated_by = c->actor.user_id;
	for (l = 0; l < 2 && e == NMT_OK; l++) {
		if ((o = json_object_get(c->body, l == 0 ? "sv" : "en")) ==
		    NULL)
			continue;
		if ((s = json_str(o, "heading")) != NULL)
			new.heading[l] = (char *)s;
		if ((s = json_str(o, "text")) != NULL)
			new.text[l] = (char *)s;
		if ((s = json_str(o, "check_label")) == NULL)
			continue;
		if (old.check_code == NULL)
			e = label_refused(c, l);
		else
			new.check_label[l] = (char *)s;
	}
	if (e == NMT_OK && old.version != c->version)
		e = NMT_STALE;
	if (e == NMT_OK)
		e = store_guidance_update(c->db, &old, &new, c->actor.user_id,
		    c->now_text);
	record_free(&guidance_record, &old);
	return e;
}

static void
guidance_item_patch(struct ctx *c)
{
	if (api_write(c, guidance_update, NULL) == NMT_OK)
		reply_item(c, 200);
}

/* The route's rule: an edit changes something. */
static enum nmt_err
guidance_patch_check(struct ctx *c, json_t *errors)
{
	const json_t *sv = json_object_get(c->body, "sv");
	const json_t *en = json_object_get(c->body, "en");

	if (json_object_size(sv) + json_object_size(en) == 0 &&
	    json_array_size(errors) == 0)
		validate_error(errors, "", "required",
		    "Ange minst en text att ändra: rubrik, text eller "
		    "checklisttext, på svenska (sv) eller engelska (en).");
	return NMT_OK;
}

static void
guidance_history(struct ctx *c)
{
	struct guidance_revision_rec *rows;
	struct guidance_rec           g;
	json_t                       *items, *doc;
	size_t                        n, i;
	enum nmt_err                  e;

	if ((e = store_guidance_get(c->db, c->params[0], 0, &g)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	record_free(&guidance_record, &g);
	if ((e = store_guidance_history(c->db, c->params[0], &rows, &n)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++) {
		doc = render_record(&guidance_revision_record, &rows[i]);
		json_object_set_new(doc, "sv",
		    texts_of(rows[i].heading, rows[i].text, rows[i].check_label,
		        0));
		json_object_set_new(doc, "en",
		    texts_of(rows[i].heading, rows[i].text, rows[i].check_label,
		        1));
		json_array_append_new(items, doc);
	}
	reply_json(c, 200, json_pack("{s:o}", "items", items));
	store_guidance_history_free(rows, n);
}

/* ---- first meetings ---- */

static json_t *
render_first_contact(const struct first_contact_rec *f)
{
	json_t *doc = render_record(&first_contact_record, f);
	json_t *checklist = json_object();
	size_t  i;

	for (i = 0; i < FIRST_CONTACT_CHECKS; i++)
		json_object_set_new(checklist,
		    vocab_first_contact_checks[i].code,
		    json_boolean(f->checks[i]));
	json_object_set_new(doc, "checklist", checklist);
	json_object_set_new(doc, "author",
	    json_pack("{s:s?,s:s}", "username", f->author_username,
	        "organization", f->author_org));
	return doc;
}

static void
first_contact_list(struct ctx *c)
{
	struct first_contact_rec *rows;
	json_t                   *items;
	size_t                    n, i;
	int                       more;
	enum nmt_err              e;

	if ((e = store_first_contact_list(c->db, c->params[0], &c->page, &rows,
	         &n, &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, render_first_contact(&rows[i]));
	reply_page(c, items, more, n > 0 ? rows[n - 1].at : NULL,
	    n > 0 ? rows[n - 1].id : NULL);
	store_first_contact_free(rows, n);
}

static enum nmt_err
first_contact_insert(struct ctx *c, void *arg)
{
	struct first_contact_rec *f = arg;
	enum nmt_err              e;

	f->case_id = c->facts.case_id;
	if ((e = store_first_contact_insert(c->db, f)) == NMT_OK)
		note_object(c, "first_contact", f->id);
	return e;
}

static void
first_contact_create(struct ctx *c)
{
	struct first_contact_rec f;
	const json_t *checklist = json_object_get(c->body, "checklist");
	size_t        i;

	memset(&f, 0, sizeof(f));
	f.person_id = (char *)c->params[0];
	f.met_on = (char *)json_str(c->body, "date");
	for (i = 0; i < FIRST_CONTACT_CHECKS; i++)
		f.checks[i] = json_is_true(json_object_get(checklist,
		    vocab_first_contact_checks[i].code));
	f.note = (char *)json_str(c->body, "note");
	f.author_user = c->actor.user_id;
	f.author_username = c->actor.username;
	f.author_org = c->actor.org;
	f.at = c->now_text;
	if (api_write(c, first_contact_insert, &f) == NMT_OK)
		reply_json(c, 201, render_first_contact(&f));
	free(f.id);
}

/* The route's rule: the meeting's Swedish date is not in the future. */
static enum nmt_err
first_contact_check(struct ctx *c, json_t *errors)
{
	struct civil_date met, today;
	const char       *date = json_str(c->body, "date");

	if (date == NULL || validate_has_error(errors, "date") ||
	    civil_parse(date, &met) != 0)
		return NMT_OK;
	civil_today(c->now, &today);
	if (civil_compare(&met, &today) > 0)
		validate_error(errors, "date", "out_of_range",
		    "Datumet för mötet kan inte ligga i framtiden.");
	return NMT_OK;
}

static const struct query_spec guidance_query[] = {
	{ "topic", Q_CODE, 0, vocab_guidance_topics },
	{ "lang", Q_CODE, 0, vocab_guidance_langs },
	QUERY_END,
};

static const struct field_spec texts_spec[] = {
	{ "heading", FT_STRING, FIELD_NONEMPTY, HEADING_MAX, 0, 0, NULL, NULL },
	{ "text", FT_TEXT, FIELD_NONEMPTY, TEXT_MAX, 0, 0, NULL, NULL },
	{ "check_label", FT_STRING, FIELD_NONEMPTY, LABEL_MAX, 0, 0, NULL,
	    NULL },
	FIELD_END,
};

static const struct field_spec guidance_patch_spec[] = {
	{ "sv", FT_OBJECT, 0, 0, 0, 0, NULL, texts_spec },
	{ "en", FT_OBJECT, 0, 0, 0, 0, NULL, texts_spec },
	FIELD_END,
};

static const struct field_spec checklist_spec[] = {
	{ "introduced_self_and_mission", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL,
	    NULL },
	{ "explained_can_and_cannot", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL,
	    NULL },
	{ "interpreter_outside_network", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL,
	    NULL },
	{ "safety_discussed", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL, NULL },
	{ "own_questions_answered", FT_BOOL, FIELD_REQUIRED, 0, 0, 0, NULL,
	    NULL },
	FIELD_END,
};

static const struct field_spec first_contact_spec[] = {
	{ "date", FT_DATE, FIELD_REQUIRED, 10, 0, 0, NULL, NULL },
	{ "checklist", FT_OBJECT, FIELD_REQUIRED, 0, 0, 0, NULL,
	    checklist_spec },
	{ "note", FT_TEXT, FIELD_NULLABLE | FIELD_NONEMPTY, NOTE_MAX, 0, 0,
	    NULL, NULL },
	FIELD_END,
};

#define FIRST_CONTACT_ROLES (ROLE_BIT(ROLE_COORDINATOR) | ROLE_BIT(ROLE_MEMBER))

const struct route guidance_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/guidance",
	    .roles = ROLES_ANY,
	    .query = guidance_query,
	    .kind = OBJ_GUIDANCE,
	    .action = ACT_READ,
	    .handler = guidance_get },
	{ .method = "GET",
	    .pattern = "/api/v1/guidance/items/{id}",
	    .roles = ROLES_ANY,
	    .kind = OBJ_GUIDANCE,
	    .action = ACT_READ,
	    .handler = guidance_item_get },
	{ .method = "PATCH",
	    .pattern = "/api/v1/guidance/items/{id}",
	    .roles = ROLES_ANY,
	    .body = guidance_patch_spec,
	    .kind = OBJ_GUIDANCE,
	    .action = ACT_UPDATE,
	    .audit = "guidance.update",
	    .handler = guidance_item_patch,
	    .flags = R_IF_MATCH,
	    .check = guidance_patch_check },
	{ .method = "GET",
	    .pattern = "/api/v1/guidance/items/{id}/history",
	    .roles = ROLES_ANY,
	    .kind = OBJ_GUIDANCE,
	    .action = ACT_READ,
	    .handler = guidance_history },
	{ .method = "GET",
	    .pattern = "/api/v1/persons/{id}/first-contact",
	    .roles = FIRST_CONTACT_ROLES,
	    .object = &person_object,
	    .action = ACT_READ,
	    .audit = "first_contact.read",
	    .handler = first_contact_list,
	    .flags = R_PAGED },
	{ .method = "POST",
	    .pattern = "/api/v1/persons/{id}/first-contact",
	    .roles = FIRST_CONTACT_ROLES,
	    .body = first_contact_spec,
	    .object = &person_object,
	    .action = ACT_FIRST_CONTACT,
	    .audit = "first_contact.create",
	    .handler = first_contact_create,
	    .check = first_contact_check },
	ROUTE_END,
};
