/*
 * scenarios.h — the operation scenarios kept as data
 * (data/scenarios/scenarios.json, embedded): reusable plans for
 * operations (punktinsatser) with a checklist, suggested participants by
 * organization kind and standard tasks, in Swedish and English.
 */
#ifndef NMT_DOMAIN_SCENARIOS_H
#define NMT_DOMAIN_SCENARIOS_H

#include <jansson.h>

/*
 * Every scenario as served by GET /api/v1/scenarios: a JSON array of
 * {"id", "name", "kind", "exploitation", "checklist", "participants",
 * "tasks"} (borrowed: loaded and checked once; aborts on a broken file,
 * a build defect).
 */
const json_t *scenarios_all(void);
/* The scenario with that id, or NULL (borrowed). */
const json_t *scenario_find(const char *id);
/*
 * The organization a scenario's participant kind maps to in region, into
 * code (65 bytes; "" when the kind maps to none, as social services and
 * interpreters). fallback: a second candidate when the first does not
 * exist ("" none): the police region's, then POLISEN-NOA.
 */
void scenario_org(const char *kind, const char *region, char code[65],
    char fallback[65]);

#endif
