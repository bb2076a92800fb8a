/*
 * routes.c — the route registry: every resource's table of declared
 * routes (see api.h, struct route). A new resource adds its table here and
 * touches no other shared file. The routes' indexes (their places in
 * the tables, in order) name them in the metrics.
 */
#include "api/api.h"

extern const struct route session_routes[];
extern const struct route reference_routes[];
extern const struct route vocabulary_routes[];
extern const struct route case_routes[];
extern const struct route team_routes[];
extern const struct route person_routes[];
extern const struct route break_glass_routes[];
extern const struct route audit_routes[];
extern const struct route journal_routes[];
extern const struct route history_routes[];
extern const struct route assessment_routes[];
extern const struct route guidance_routes[];
extern const struct route pathway_routes[];
extern const struct route person_match_routes[];
extern const struct route consultation_routes[];
extern const struct route task_routes[];
extern const struct route notification_routes[];
/* Operations (issue 11). */
extern const struct route operation_routes[];
/* Statistics (issue 12): differential-privacy releases. */
extern const struct route stat_release_routes[];
/* statistics (issue 12) */
extern const struct route stats_routes[];
/* Operations (issue 14): /healthz, /readyz, /metrics. */
extern const struct route health_routes[];

const struct route *const api_routes[] = {
	session_routes,
	reference_routes,
	vocabulary_routes,
	case_routes,
	team_routes,
	person_routes,
	break_glass_routes,
	audit_routes,
	journal_routes,
	history_routes,
	assessment_routes,
	guidance_routes,
	pathway_routes,
	person_match_routes,
	consultation_routes,
	task_routes,
	notification_routes,
	/* Operations (issue 11). */
	operation_routes,
	stat_release_routes,
	/* statistics (issue 12) */
	stats_routes,
	/* Operations (issue 14) */
	health_routes,
	NULL,
};

size_t
api_route_count(void)
{
	static size_t n; /* computed once; the tables are constant */
	const struct route *const *t;
	const struct route        *r;
	size_t                     k = 0;

	if (n != 0)
		return n;
	for (t = api_routes; *t != NULL; t++)
		for (r = *t; r->method != NULL; r++)
			k++;
	n = k;
	return n;
}

size_t
api_route_index(const struct route *r)
{
	const struct route *const *t;
	const struct route        *q;
	size_t                     base = 0;

	if (r == NULL)
		return api_route_count();
	for (t = api_routes; *t != NULL; t++) {
		for (q = *t; q->method != NULL; q++)
			if (q == r)
				return base + (size_t)(q - *t);
		base += (size_t)(q - *t);
	}
	return api_route_count();
}

const struct route *
api_route_at(size_t i)
{
	const struct route *const *t;
	const struct route        *r;

	for (t = api_routes; *t != NULL; t++)
		for (r = *t; r->method != NULL; r++)
			if (i-- == 0)
				return r;
	return NULL;
}

const char *
api_route_pattern(const struct route *r)
{
	return r != NULL ? r->pattern : "unmatched";
}

const char *
api_route_name(const struct ctx *c)
{
	return api_route_pattern(c->route);
}
