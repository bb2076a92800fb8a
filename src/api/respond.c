/*
 * respond.c — the answers handlers give: JSON documents, RFC 9457
 * problems from one status table, the one mapping of enum nmt_err to an
 * answer, ETags, created resources, and pages with their opaque cursors.
 * The first reply of a request wins; any later one is ignored, so an
 * error path can never overwrite an answer already given. The one
 * exception is reply_instead(): a read whose audit entry could not be
 * written has its unsent answer replaced by the error's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/parse.h"
#include "core/log.h"
#include "core/util.h"

/* At most this many field errors in one answer (the rest are counted). */
#define MAX_FIELD_ERRORS 50
/* Seconds a client waits before asking again after a 503. */
#define RETRY_AFTER_503 "5"

static const struct {
	int         status;
	const char *title;
} titles[] = {
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 409, "Conflict" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 428, "Precondition Required" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

/* The one answer of each error (detail texts name no values). */
static const struct {
	enum nmt_err err;
	int          status;
	const char  *detail;
} errors[] = {
	{ NMT_NOT_FOUND, 404, "Resursen finns inte." },
	{ NMT_FORBIDDEN, 403, "Du har inte behörighet till detta." },
	{ NMT_CONFLICT, 409, "Ändringen krockar med befintliga uppgifter." },
	{ NMT_STALE, 412,
	    "Resursen har ändrats av någon annan; hämta den "
	    "på nytt." },
	{ NMT_INVALID, 400, "Begäran innehåller ogiltiga fält." },
	{ NMT_UNAVAILABLE, 503,
	    "Databasen är inte tillgänglig just nu. "
	    "Försök igen om en stund." },
	{ NMT_BUSY, 503,
	    "Databasen är upptagen just nu. Försök igen om en "
	    "stund." },
};

static const char *
status_title(int status)
{
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			return titles[i].title;
	return "Error";
}

static void
set_status(struct ctx *c, int status)
{
	c->status = c->res->status = status;
	/* Every 503 is temporary (the database): say when to come back. */
	if (status == 503)
		http_response_header(c->res, "Retry-After", RETRY_AFTER_503);
}

static void
reply_document(struct ctx *c, int status, const char *type, json_t *doc)
{
	char *body;

	if (c->replied) {
		json_decref(doc);
		return;
	}
	c->replied = 1;
	/*
	 * Reals with 15 significant digits: the API's reals are decimals
	 * of at most six decimals (ε in micro-units), so 0.05 reads 0.05,
	 * not jansson's default 17 digits (0.050000000000000003).
	 */
	body = doc != NULL ?
	    json_dumps(doc, JSON_COMPACT | JSON_REAL_PRECISION(15)) :
	    NULL;
	json_decref(doc);
	if (body == NULL) {
		/* A document that cannot be built is a fault, not a 2xx. */
		log_error("no response document for %s %s", c->req->method,
		    api_route_name(c));
		status = 500;
		type = "application/problem+json";
		body = xstrdup(
		    "{\"type\":\"about:blank\",\"title\":"
		    "\"Internal Server Error\",\"status\":500,\"detail\":"
		    "\"Ett internt fel inträffade.\"}");
	}
	set_status(c, status);
	http_response_body(c->res, type, body, strlen(body));
}

void
reply_json(struct ctx *c, int status, json_t *body)
{
	reply_document(c, status, "application/json", body);
}

void
reply_body(struct ctx *c, int status, const char *type, char *body, size_t len)
{
	if (c->replied) {
		free(body);
		return;
	}
	c->replied = 1;
	set_status(c, status);
	http_response_body(c->res, type, body, len);
}

void
reply_empty(struct ctx *c, int status)
{
	if (c->replied)
		return;
	c->replied = 1;
	set_status(c, status);
}

static json_t *
problem(int status, const char *detail)
{
	return json_pack("{s:s,s:s,s:i,s:s}", "type", "about:blank", "title",
	    status_title(status), "status", status, "detail", detail);
}

void
reply_problem(struct ctx *c, int status, const char *detail)
{
	reply_document(c, status, "application/problem+json",
	    problem(status, detail));
}

void
reply_problem_with(struct ctx *c, int status, const char *detail,
    json_t *members)
{
	json_t *doc = problem(status, detail);

	if (doc != NULL && members != NULL)
		json_object_update_missing(doc, members);
	json_decref(members);
	reply_document(c, status, "application/problem+json", doc);
}

void
reply_invalid(struct ctx *c, json_t *errs)
{
	json_t *doc = problem(400, "Begäran innehåller ogiltiga fält.");
	size_t  n = json_array_size(errs);

	if (n > MAX_FIELD_ERRORS) {
		while (json_array_size(errs) > MAX_FIELD_ERRORS)
			json_array_remove(errs, MAX_FIELD_ERRORS);
		json_object_set_new(doc, "errors_omitted",
		    json_integer((json_int_t)(n - MAX_FIELD_ERRORS)));
	}
	json_object_set_new(doc, "type",
	    json_string("urn:nmt:problem:validation"));
	json_object_set_new(doc, "errors", errs);
	reply_document(c, 400, "application/problem+json", doc);
}

void
reply_error(struct ctx *c, enum nmt_err e)
{
	size_t i;

	for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
		if (errors[i].err == e) {
			reply_problem(c, errors[i].status, errors[i].detail);
			return;
		}
	if (!c->replied)
		log_error("error %d on %s %s", (int)e, c->req->method,
		    api_route_name(c));
	reply_problem(c, 500, "Ett internt fel inträffade.");
}

void
reply_policy(struct ctx *c, enum policy_decision d)
{
	reply_error(c, d == POLICY_HIDDEN ? NMT_NOT_FOUND : NMT_FORBIDDEN);
}

void
reply_instead(struct ctx *c, enum nmt_err e)
{
	struct http_response *res = c->res;
	int                   i;

	http_response_body(res, NULL, NULL, 0);
	for (i = 0; i < res->nheaders; i++) {
		free(res->header_names[i]);
		free(res->header_values[i]);
	}
	res->nheaders = 0;
	c->replied = 0;
	/* A 503 carries its Retry-After (reply_document). */
	reply_error(c, e);
}

void
reply_header(struct ctx *c, const char *name, const char *value)
{
	http_response_header(c->res, name, value);
}

void
reply_etag(struct ctx *c, long long version)
{
	char etag[32];

	snprintf(etag, sizeof(etag), "\"%lld\"", version);
	reply_header(c, "ETag", etag);
}

void
reply_created(struct ctx *c, const char *prefix, const char *id, json_t *doc)
{
	char *location = xasprintf("%s/%s", prefix, id);

	reply_header(c, "Location", location);
	free(location);
	reply_json(c, 201, doc);
}

void
reply_page(struct ctx *c, json_t *items, int more, const char *key,
    const char *id)
{
	json_t *next = json_null();
	char   *cursor;

	if (more && key != NULL) {
		cursor = cursor_make(c->app->keys.token, (int)c->route->kind,
		    key, id);
		if (cursor == NULL) { /* a list's key too long: a defect */
			json_decref(items);
			reply_error(c, NMT_ERROR);
			return;
		}
		next = json_string(cursor);
		free(cursor);
	}
	reply_json(c, 200,
	    json_pack("{s:o,s:o}", "items", items, "next_cursor", next));
}

int
cursor_decode(struct ctx *c, const char *text)
{
	if (cursor_parse(c->app->keys.token, (int)c->route->kind, text,
	        c->cursor_key, c->cursor_id) != 0)
		return -1;
	c->page.key = c->cursor_key;
	c->page.id = *c->cursor_id != '\0' ? c->cursor_id : NULL;
	return 0;
}
