/*
 * reference.c — organizations, regions, counties, countries and the
 * health check.
 * Reference data are readable by every authenticated user.
 */
#include "api/api.h"
#include "db/store.h"

static void
reply_list(struct ctx *c, json_t *(*fetch)(struct db *, enum nmt_err *))
{
	enum nmt_err	 e;
	json_t		*doc = fetch(c->db, &e);

	if (doc == NULL)
		reply_error(c, e);
	else
		reply_json(c, 200, doc);
}

void
api_organizations(struct ctx *c)
{
	reply_list(c, store_organizations);
}

void
api_regions(struct ctx *c)
{
	reply_list(c, store_regions);
}

void
api_counties(struct ctx *c)
{
	reply_list(c, store_counties);
}

void
api_countries(struct ctx *c)
{
	reply_list(c, store_countries);
}

void
api_health(struct ctx *c)
{
	enum nmt_err	e = db_query(c->db, "SELECT 1", NULL, 0, NULL);

	if (e != NMT_OK)
		reply_error(c, NMT_UNAVAILABLE);
	else
		reply_json(c, 200, json_pack("{s:s}", "status", "ok"));
}
