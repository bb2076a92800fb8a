/*
 * scenarios.c — the embedded operation scenarios (see scenarios.h):
 * loaded and checked once, found by id, and the mapping from a
 * participant kind to a concrete organization (data/scenarios/README.md).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "core/util.h"
#include "domain/scenarios.h"

static json_t        *all;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static int
has_texts(const json_t *o)
{
	return json_is_string(json_object_get(o, "sv")) &&
	    json_is_string(json_object_get(o, "en"));
}

/* Whether one scenario has every field the API promises. */
static int
scenario_ok(const json_t *s)
{
	const json_t *v;
	size_t        i;

	if (!json_is_string(json_object_get(s, "id")) ||
	    !has_texts(json_object_get(s, "name")) ||
	    !json_is_string(json_object_get(s, "kind")) ||
	    !json_is_array(json_object_get(s, "exploitation")) ||
	    !json_is_array(json_object_get(s, "checklist")) ||
	    !json_is_array(json_object_get(s, "participants")) ||
	    !json_is_array(json_object_get(s, "tasks")))
		return 0;
	json_array_foreach(json_object_get(s, "checklist"), i, v)
	{
		if (!json_is_string(json_object_get(v, "id")) ||
		    !has_texts(json_object_get(v, "text")))
			return 0;
	}
	json_array_foreach(json_object_get(s, "participants"), i, v)
	{
		if (!json_is_string(json_object_get(v, "kind")) ||
		    !json_is_string(json_object_get(v, "role")))
			return 0;
	}
	return 1;
}

static void
load(void)
{
	const struct embed_file *f = embed_find(embed_scenarios,
	    "scenarios.json");
	json_error_t             err;
	json_t                  *doc;
	const json_t            *s;
	size_t                   i;

	ASSERT(f != NULL);
	doc = json_loadb(f->data, f->len, 0, &err);
	ASSERT(doc != NULL);
	all = json_incref(json_object_get(doc, "scenarios"));
	json_decref(doc);
	ASSERT(json_is_array(all));
	json_array_foreach(all, i, s)
	{
		ASSERT(scenario_ok(s));
	}
}

const json_t *
scenarios_all(void)
{
	pthread_once(&loaded, load);
	return all;
}

const json_t *
scenario_find(const char *id)
{
	const json_t *s;
	size_t        i;

	if (id == NULL)
		return NULL;
	json_array_foreach(scenarios_all(), i, s)
	{
		if (strcmp(json_string_value(json_object_get(s, "id")), id) ==
		    0)
			return s;
	}
	return NULL;
}

static const struct {
	const char *kind;
	const char *code;
} fixed[] = {
	{ "labour_inspection", "ARBETSMILJOVERKET" },
	{ "tax", "SKATTEVERKET" },
	{ "migration", "MIGRATIONSVERKET" },
	{ "health", "SOS-AVV" },
};

void
scenario_org(const char *kind, const char *region, char code[65],
    char fallback[65])
{
	size_t i;
	char  *p;

	*code = *fallback = '\0';
	if (strcmp(kind, "police") == 0) {
		snprintf(code, 65, "POLISEN-%s", region);
		for (p = code; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		strlcopy(fallback, "POLISEN-NOA", 65);
		return;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(kind, fixed[i].kind) == 0)
			strlcopy(code, fixed[i].code, 65);
}
