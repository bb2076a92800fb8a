/*
 * routes.c — the route registry: every resource's table of declared
 * routes (see api.h, struct route). A new resource adds its table here and
 * touches no other shared file.
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
/* Statistics (issue 12): differential-privacy releases. */
extern const struct route stat_release_routes[];
/* statistics (issue 12) */
extern const struct route stats_routes[];

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
	stat_release_routes,
	/* statistics (issue 12) */
	stats_routes,
	NULL,
};
