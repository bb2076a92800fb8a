/*
 * router.c — the single request path of the API.
 *
 * The route table declares, per endpoint, the method, the path pattern
 * ({} matches one id segment), whether authentication is needed and
 * whether a JSON body is expected. app_handle() walks the request through
 * the same steps every time: match the path (404) and method (405),
 * authenticate (401), check the CSRF token of cookie-authenticated writes
 * (403), check the content type (415) and parse the JSON strictly (400:
 * duplicate keys, bad UTF-8, trailing data), then call the handler. A
 * handler that forgets to answer yields 500, never an empty 200.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "core/log.h"
#include "core/util.h"
#include "crypto/token.h"

#define R_PUBLIC	0x1	/* no authentication */
#define R_JSON		0x2	/* a JSON object body is required */

struct route {
	const char	*method;
	const char	*pattern;
	void		(*handler)(struct ctx *);
	unsigned	 flags;
};

static const struct route routes[] = {
	{ "POST", "/api/v1/session", api_session_create, R_PUBLIC | R_JSON },
	{ "DELETE", "/api/v1/session", api_session_delete, 0 },
	{ "GET", "/api/v1/me", api_me, 0 },
	{ "GET", "/api/v1/organizations", api_organizations, 0 },
	{ "GET", "/api/v1/regions", api_regions, 0 },
	{ "GET", "/api/v1/counties", api_counties, 0 },
	{ "GET", "/api/v1/countries", api_countries, 0 },
	{ "GET", "/api/v1/vocabularies", api_vocabularies, 0 },
	{ "GET", "/api/v1/cases", api_cases_list, 0 },
	{ "POST", "/api/v1/cases", api_cases_create, R_JSON },
	{ "GET", "/api/v1/cases/{}", api_case_get, 0 },
	{ "PATCH", "/api/v1/cases/{}", api_case_patch, R_JSON },
	{ "GET", "/api/v1/cases/{}/team", api_team_list, 0 },
	{ "POST", "/api/v1/cases/{}/team", api_team_add, R_JSON },
	{ "DELETE", "/api/v1/cases/{}/team/{}", api_team_remove, 0 },
	{ "POST", "/api/v1/cases/{}/persons", api_persons_create, R_JSON },
	{ "GET", "/api/v1/persons/{}", api_person_get, 0 },
	{ "PATCH", "/api/v1/persons/{}", api_person_patch, R_JSON },
	{ "POST", "/api/v1/persons/{}/break-glass", api_break_glass, R_JSON },
	{ "GET", "/api/v1/audit", api_audit_list, 0 },
	{ "GET", "/api/v1/break-glass", api_break_glass_list, 0 },
	{ "GET", "/healthz", api_health, R_PUBLIC },
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* An id segment: UUID text, lowercase hex and dashes. */
static int
is_id_segment(const char *s, size_t len)
{
	char	id[UUID_TEXT];

	if (len != UUID_TEXT - 1)
		return 0;
	memcpy(id, s, len);
	id[len] = '\0';
	return token_is_uuid(id);
}

/*
 * Matches path against pattern; stores id segments (copied into buf) in
 * params. Returns 1 on a match.
 */
static int
path_match(const char *pattern, const char *path, char buf[2][UUID_TEXT],
    const char *params[2])
{
	const char	*p = pattern, *s = path, *end;
	int		 n = 0;

	while (*p != '\0' && *s != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			end = strchr(s, '/');
			if (end == NULL)
				end = s + strlen(s);
			if (n == 2 || !is_id_segment(s, (size_t)(end - s)))
				return 0;
			memcpy(buf[n], s, (size_t)(end - s));
			buf[n][end - s] = '\0';
			params[n] = buf[n];
			n++;
			p += 2;
			s = end;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

static int
is_write(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static int
content_type_is_json(const char *ct)
{
	size_t	n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

static int
check_csrf(struct ctx *c)
{
	const char	*sent;

	if (!c->actor.via_session || !is_write(c->req->method))
		return 0;
	sent = http_header(c->req, "X-CSRF-Token");
	if (sent != NULL && token_equal(sent, c->actor.csrf_token))
		return 0;
	reply_problem(c, 403, "CSRF-token saknas eller är ogiltig.");
	return -1;
}

static int
parse_body(struct ctx *c)
{
	json_error_t	 error;

	if (!content_type_is_json(http_header(c->req, "Content-Type"))) {
		reply_problem(c, 415, "Begäran måste vara application/json.");
		return -1;
	}
	c->body = json_loadb(c->req->body, c->req->body_len,
	    JSON_REJECT_DUPLICATES, &error);
	if (c->body == NULL) {
		/* jansson's text may quote the input: give the place only. */
		char	*detail = xasprintf("Ogiltig JSON (rad %d, kolumn %d).",
		    error.line, error.column);

		reply_problem(c, 400, detail);
		free(detail);
		return -1;
	}
	if (!json_is_object(c->body)) {
		reply_problem(c, 400, "Begäran måste vara ett JSON-objekt.");
		return -1;
	}
	return 0;
}

static void
method_not_allowed(struct ctx *c, char buf[2][UUID_TEXT])
{
	const char	*params[2];
	char		 allow[64] = "";
	size_t		 i;

	for (i = 0; i < NROUTES; i++) {
		if (!path_match(routes[i].pattern, c->req->path, buf, params))
			continue;
		if (*allow != '\0')
			strlcopy(allow + strlen(allow), ", ",
			    sizeof(allow) - strlen(allow));
		strlcopy(allow + strlen(allow), routes[i].method,
		    sizeof(allow) - strlen(allow));
	}
	reply_header(c, "Allow", allow);
	reply_problem(c, 405, "Metoden stöds inte för denna resurs.");
}

static void
dispatch(struct ctx *c)
{
	const struct route	*route = NULL;
	char			 buf[2][UUID_TEXT];
	const char		*params[2] = { NULL, NULL };
	int			 path_known = 0;
	size_t			 i;

	for (i = 0; i < NROUTES && route == NULL; i++) {
		if (!path_match(routes[i].pattern, c->req->path, buf, params))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, c->req->method) == 0)
			route = &routes[i];
	}
	if (route == NULL) {
		if (path_known)
			method_not_allowed(c, buf);
		else
			reply_problem(c, 404, "Resursen finns inte.");
		return;
	}
	c->params[0] = params[0];
	c->params[1] = params[1];
	if ((c->db = app_db(c->app)) == NULL) {
		reply_error(c, NMT_UNAVAILABLE);
		return;
	}
	if (!(route->flags & R_PUBLIC)) {
		if (auth_request(c) != 0 || check_csrf(c) != 0)
			return;
	}
	if ((route->flags & R_JSON) && parse_body(c) != 0)
		return;
	route->handler(c);
}

void
app_handle(void *app, const struct http_request *req,
    struct http_response *res)
{
	struct ctx	*c = xcalloc(1, sizeof(*c));

	c->app = app;
	c->req = req;
	c->res = res;
	c->now = time(NULL);
	dispatch(c);
	if (!c->replied) {
		log_error("no reply for %s %s", req->method, req->path);
		reply_problem(c, 500, "Ett internt fel inträffade.");
	}
	json_decref(c->body);
	explicit_bzero(&c->actor, sizeof(c->actor));
	free(c);
}
