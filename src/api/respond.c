/*
 * respond.c — the replies handlers give: JSON documents, RFC 9457
 * problems, ETags, and the checks of common request parts (body spec,
 * If-Match, limit). The first reply of a request wins; any later one is
 * ignored, so an error path can never overwrite an answer already given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/util.h"

static const struct {
	int		 status;
	const char	*title;
} titles[] = {
	{ 400, "Bad Request" }, { 401, "Unauthorized" },
	{ 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 412, "Precondition Failed" }, { 413, "Content Too Large" },
	{ 415, "Unsupported Media Type" }, { 428, "Precondition Required" },
	{ 429, "Too Many Requests" }, { 500, "Internal Server Error" },
	{ 503, "Service Unavailable" },
};

static const char *
status_title(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			return titles[i].title;
	return "Error";
}

static void
reply_document(struct ctx *c, int status, const char *type, json_t *doc)
{
	char	*body;

	if (c->replied) {
		json_decref(doc);
		return;
	}
	c->replied = 1;
	body = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (body == NULL) {
		/* A document that could not be built is a fault, never a 2xx. */
		log_error("no response document for %s %s", c->req->method,
		    c->req->path);
		status = 500;
		type = "application/problem+json";
		body = xstrdup("{\"type\":\"about:blank\",\"title\":"
		    "\"Internal Server Error\",\"status\":500,\"detail\":"
		    "\"Ett internt fel inträffade.\"}");
	}
	c->res->status = status;
	http_response_body(c->res, type, body, strlen(body));
}

void
reply_json(struct ctx *c, int status, json_t *body)
{
	reply_document(c, status, "application/json", body);
}

void
reply_empty(struct ctx *c, int status)
{
	if (c->replied)
		return;
	c->replied = 1;
	c->res->status = status;
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
reply_invalid(struct ctx *c, json_t *errors)
{
	json_t	*doc = problem(400, "Begäran innehåller ogiltiga fält.");

	json_object_set_new(doc, "type", json_string("urn:nmt:problem:validation"));
	json_object_set_new(doc, "errors", errors);
	reply_document(c, 400, "application/problem+json", doc);
}

void
reply_error(struct ctx *c, enum nmt_err e)
{
	if (e == NMT_UNAVAILABLE || e == NMT_BUSY) {
		reply_problem(c, 503, "Databasen är inte tillgänglig just nu. "
		    "Försök igen om en stund.");
		return;
	}
	if (e == NMT_CONFLICT) {
		reply_problem(c, 409, "Ändringen krockar med befintliga "
		    "uppgifter.");
		return;
	}
	log_error("database error %d on %s %s", (int)e, c->req->method,
	    c->req->path);
	reply_problem(c, 500, "Ett internt fel inträffade.");
}

void
reply_policy(struct ctx *c, enum policy_decision d)
{
	if (d == POLICY_HIDDEN)
		reply_problem(c, 404, "Resursen finns inte.");
	else
		reply_problem(c, 403, "Du har inte behörighet till detta.");
}

void
reply_header(struct ctx *c, const char *name, const char *value)
{
	http_response_header(c->res, name, value);
}

void
reply_etag(struct ctx *c, long long version)
{
	char	etag[32];

	snprintf(etag, sizeof(etag), "\"%lld\"", version);
	reply_header(c, "ETag", etag);
}

int
check_body(struct ctx *c, const struct field_spec *spec, json_t **errors_r)
{
	*errors_r = NULL;
	if (!json_is_object(c->body)) {
		reply_problem(c, 400, "Begäran måste vara ett JSON-objekt.");
		return -1;
	}
	*errors_r = json_array();
	validate_object(c->body, spec, "", *errors_r);
	return 0;
}

int
reply_if_invalid(struct ctx *c, json_t *errors)
{
	if (json_array_size(errors) == 0) {
		json_decref(errors);
		return 0;
	}
	reply_invalid(c, errors);
	return -1;
}

int
require_body(struct ctx *c, const struct field_spec *spec)
{
	json_t	*errors;

	if (check_body(c, spec, &errors) != 0)
		return -1;
	return reply_if_invalid(c, errors);
}

int
require_if_match(struct ctx *c, long long *version_r)
{
	const char	*h = http_header(c->req, "If-Match");
	char		 digits[24];
	size_t		 len;
	int64_t		 v;

	if (h == NULL) {
		reply_problem(c, 428, "If-Match med resursens version krävs.");
		return -1;
	}
	/* A weak validator names the same version here. */
	if (strncmp(h, "W/", 2) == 0)
		h += 2;
	len = strlen(h);
	if (len >= 2 && len - 2 < sizeof(digits) && h[0] == '"' &&
	    h[len - 1] == '"') {
		memcpy(digits, h + 1, len - 2);
		digits[len - 2] = '\0';
		if (parse_int(digits, 1, INT64_MAX, &v) == 0) {
			*version_r = v;
			return 0;
		}
	}
	reply_problem(c, 412, "Resursen har ändrats; hämta den på nytt.");
	return -1;
}

int
query_limit(struct ctx *c, int *limit_r)
{
	const char	*s = http_query(c->req, "limit");
	int64_t		 v;

	*limit_r = 50;
	if (s == NULL)
		return 0;
	if (parse_int(s, 1, 200, &v) != 0) {
		reply_problem(c, 400, "limit måste vara ett heltal 1–200.");
		return -1;
	}
	*limit_r = (int)v;
	return 0;
}
