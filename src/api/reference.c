/*
 * reference.c — organizations, regions, counties, countries and languages
 * (seeded from data/), readable by every authenticated user (the health
 * checks are in health.c).
 */
#include <stdlib.h>

#include "api/api.h"

static void
reply_reference(struct ctx *c, const struct record_type *t)
{
	struct ref_row *rows;
	size_t          n;
	enum nmt_err    e;

	if ((e = store_reference(c->db, t, &rows, &n)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_page(c, render_records(t, rows, n), 0, NULL, NULL);
	record_free_all(t, rows, n);
}

static void
organizations(struct ctx *c)
{
	reply_reference(c, &organization_record);
}

static void
regions(struct ctx *c)
{
	reply_reference(c, &region_record);
}

static void
counties(struct ctx *c)
{
	reply_reference(c, &county_record);
}

static void
countries(struct ctx *c)
{
	reply_reference(c, &country_record);
}

static void
languages(struct ctx *c)
{
	reply_reference(c, &language_record);
}

#define REFERENCE(path, fn) \
	{ \
		.method = "GET", .pattern = path, .roles = ROLES_ANY, \
		.kind = OBJ_REFERENCE, .action = ACT_LIST, .handler = fn \
	}

const struct route reference_routes[] = {
	REFERENCE("/api/v1/organizations", organizations),
	REFERENCE("/api/v1/regions", regions),
	REFERENCE("/api/v1/counties", counties),
	REFERENCE("/api/v1/countries", countries),
	REFERENCE("/api/v1/languages", languages),
	ROUTE_END,
};
