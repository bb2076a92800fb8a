/*
 * api.h — the application behind the HTTP server: its shared state, the
 * per-request context, and the helpers every resource handler uses.
 *
 * A request travels one way: router (method, path, authentication, CSRF,
 * content type, JSON parse) → handler (validate through a field spec,
 * ask the policy, call the store inside one transaction with its audit
 * entry) → JSON reply. Handlers never write a response twice: the first
 * reply or problem wins and later ones are ignored.
 */
#ifndef NMT_API_API_H
#define NMT_API_API_H

#include <jansson.h>
#include <pthread.h>
#include <time.h>

#include "crypto/keys.h"
#include "crypto/token.h"
#include "db/db.h"
#include "db/store.h"
#include "domain/policy.h"
#include "domain/validate.h"
#include "http/http.h"

struct audit_writer;

struct app {
	char			*db_url;
	struct keyring		 keys;
	pthread_key_t		 db_key;	/* this thread's connection */
	struct audit_writer	*audit;
	long			 session_idle;	/* seconds */
	long			 session_max;	/* seconds */
};

/* The authenticated user behind a request. */
struct actor {
	char			 user_id[UUID_TEXT];
	char			 username[65];
	char			 display_name[DISPLAY_NAME_BYTES];
	char			 org[65];
	char			 org_name[512];
	char			 region[33];
	enum role		 role;
	int			 via_session;		/* cookie, not bearer */
	char			 session_hash[TOKEN_HASH_HEX];
	char			 csrf_token[64];
	struct principal	 principal;		/* points into this */
};

struct ctx {
	struct app			*app;
	const struct http_request	*req;
	struct http_response		*res;
	struct db			*db;
	time_t				 now;
	int				 authenticated;
	struct actor			 actor;
	const char			*params[2];	/* {id} path segments */
	json_t				*body;		/* parsed JSON body or NULL */
	int				 replied;
	char				 object[64];	/* ctx_object() */
};

int	app_init(struct app *app, const char *db_url, const char *key_file,
	    char *err, size_t errlen);
void	app_cleanup(struct app *app);
/* The HTTP entry point (http_app_fn). */
void	app_handle(void *app, const struct http_request *req,
	    struct http_response *res);
/* This thread's database connection, opened on first use; NULL if down. */
struct db *app_db(struct app *app);

/* Replies. */
void	reply_json(struct ctx *c, int status, json_t *body);	/* steals */
void	reply_empty(struct ctx *c, int status);
void	reply_problem(struct ctx *c, int status, const char *detail);
void	reply_invalid(struct ctx *c, json_t *errors);		/* steals */
void	reply_error(struct ctx *c, enum nmt_err e);
void	reply_policy(struct ctx *c, enum policy_decision d);
void	reply_header(struct ctx *c, const char *name, const char *value);
void	reply_etag(struct ctx *c, long long version);

/*
 * Validates the body against spec (400 with field errors when it fails).
 * Returns 0 when valid.
 */
int	require_body(struct ctx *c, const struct field_spec *spec);
/*
 * The same in two steps, for handlers with checks of their own, so that
 * every error is reported in one answer: check_body() collects the spec's
 * errors into *errors_r (-1 and a reply when the body is no object);
 * reply_if_invalid() answers 400 when errors holds any (and returns -1),
 * else frees it and returns 0.
 */
int	check_body(struct ctx *c, const struct field_spec *spec,
	    json_t **errors_r);
int	reply_if_invalid(struct ctx *c, json_t *errors);
/* Reads If-Match as a version: 0 ok, or replies 428/412 and returns -1. */
int	require_if_match(struct ctx *c, long long *version_r);
/* Parses ?limit= (default 50, 1..200); replies 400 and returns -1. */
int	query_limit(struct ctx *c, int *limit_r);

/* Audit: a write's entry, inside the caller's open transaction. */
enum nmt_err	audit_in_tx(struct ctx *c, const char *action,
		    const char *object, const char *case_id, int flagged);
/* Audit: a read's entry, group-committed shortly after. */
void		audit_later(struct ctx *c, const char *action,
		    const char *object, const char *case_id, int flagged);

/* Handlers, one group per resource file. */
void	api_session_create(struct ctx *c);
void	api_session_delete(struct ctx *c);
void	api_me(struct ctx *c);
void	api_organizations(struct ctx *c);
void	api_regions(struct ctx *c);
void	api_counties(struct ctx *c);
void	api_countries(struct ctx *c);
void	api_vocabularies(struct ctx *c);
void	api_cases_create(struct ctx *c);
void	api_cases_list(struct ctx *c);
void	api_case_get(struct ctx *c);
void	api_case_patch(struct ctx *c);
void	api_team_list(struct ctx *c);
void	api_team_add(struct ctx *c);
void	api_team_remove(struct ctx *c);
void	api_persons_create(struct ctx *c);
void	api_person_get(struct ctx *c);
void	api_person_patch(struct ctx *c);
void	api_break_glass(struct ctx *c);
void	api_break_glass_list(struct ctx *c);
void	api_audit_list(struct ctx *c);
void	api_health(struct ctx *c);

/* Authentication (auth.c): fills c->actor from cookie or bearer. */
int	auth_request(struct ctx *c);
/* The session cookie header value for a token (Secure over TLS). */
char	*auth_cookie(const struct ctx *c, const char *token, long max_age);

#endif
