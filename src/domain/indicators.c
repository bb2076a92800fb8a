/*
 * indicators.c — the embedded indicator catalogues (see indicators.h):
 * loading and checking every version once, the API document of each,
 * the default set, and an evaluation of observed indicators.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/util.h"
#include "domain/indicators.h"

#define CATALOGUES_MAX 32

static struct catalogue catalogues[CATALOGUES_MAX];
static size_t           ncatalogues;
static pthread_once_t   loaded = PTHREAD_ONCE_INIT;

static const char *const set_ids[CATALOGUE_SETS] = { "adult-labour",
	"adult-sexual", "child-labour", "child-sexual" };

static int
in_list(const json_t *list, const char *s)
{
	const json_t *v;
	size_t        i;

	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* The set's text of an indicator: the sexual sets' wording where one is. */
static json_t *
indicator_text(const json_t *ind, const char *set)
{
	json_t *sexual = json_object_get(ind, "text_sexual");

	if (strstr(set, "sexual") != NULL && json_is_object(sexual))
		return sexual;
	return json_object_get(ind, "text");
}

/* The indicators of one set in one dimension, for the API document. */
static json_t *
dimension_doc(const json_t *dim, int d, const struct catalogue_set *s)
{
	const struct catalogue_indicator *it;
	json_t                           *items = json_array();
	size_t                            i;

	for (i = 0; i < s->n; i++) {
		it = &s->items[i];
		if (it->dimension == d)
			json_array_append_new(items,
			    json_pack("{s:s,s:O,s:s#,s:b}", "id", it->id,
			        "text", it->text, "weight", &it->weight,
			        (size_t)1, "provisional", it->provisional));
	}
	return json_pack("{s:O,s:O,s:o}", "id", json_object_get(dim, "id"),
	    "name", json_object_get(dim, "name"), "indicators", items);
}

/* The document GET /api/v1/indicators serves for a catalogue. */
static json_t *
catalogue_doc(const json_t *src, const struct catalogue *cat)
{
	json_t       *sets = json_array();
	json_t       *meta, *dims, *set;
	const json_t *dim;
	size_t        i, j;
	int           any;

	for (i = 0; i < CATALOGUE_SETS; i++) {
		const struct catalogue_set *s = &cat->sets[i];

		meta = NULL;
		json_array_foreach(json_object_get(src, "sets"), j, meta)
		{
			if (strcmp(json_string_value(
			               json_object_get(meta, "id")),
			        s->id) == 0)
				break;
		}
		dims = json_array();
		json_array_foreach(json_object_get(src, "dimensions"), j, dim)
		    json_array_append_new(dims, dimension_doc(dim, (int)j, s));
		for (any = 0, j = 0; j < s->n; j++)
			any |= s->items[j].provisional;
		set = json_pack("{s:s,s:s,s:O,s:O,s:b,s:o}", "id", s->id,
		    "rule", screen_rule_code(s->rule), "name",
		    json_object_get(meta, "name"), "source",
		    json_object_get(meta, "source"), "provisional", any,
		    "dimensions", dims);
		json_array_append_new(sets, set);
	}
	return json_pack("{s:i,s:O,s:O,s:O,s:o}", "version", cat->version,
	    "published", json_object_get(src, "published"), "title",
	    json_object_get(src, "title"), "caveat",
	    json_object_get(src, "caveat"), "sets", sets);
}

static int
dimension_index(const char *id)
{
	return id != NULL && id[0] == 'D' && id[1] >= '1' && id[1] <= '6' &&
	        id[2] == '\0' ?
	    id[1] - '1' :
	    -1;
}

/* One set of a catalogue from its file: its indicators in file order. */
static void
load_set(const json_t *src, struct catalogue_set *s, const char *id)
{
	const json_t *meta, *ind, *w;
	size_t        i, j;
	int           rule = -1;

	json_array_foreach(json_object_get(src, "sets"), i, meta)
	{
		if (json_is_string(json_object_get(meta, "id")) &&
		    strcmp(json_string_value(json_object_get(meta, "id")),
		        id) == 0)
			rule = screen_rule_parse(
			    json_string_value(json_object_get(meta, "rule")));
	}
	ASSERT(rule >= 0);
	s->id = id;
	s->rule = (enum screen_rule)rule;
	s->items = xreallocarray(NULL,
	    json_array_size(json_object_get(src, "indicators")) + 1,
	    sizeof(*s->items));
	s->n = 0;
	json_array_foreach(json_object_get(src, "indicators"), i, ind)
	{
		struct catalogue_indicator *it = &s->items[s->n];

		w = json_object_get(json_object_get(ind, "weights"), id);
		if (w == NULL)
			continue;
		it->id = json_string_value(json_object_get(ind, "id"));
		it->dimension = dimension_index(
		    json_string_value(json_object_get(ind, "dimension")));
		ASSERT(it->id != NULL && it->dimension >= 0);
		ASSERT(json_is_string(w) && json_string_length(w) == 1 &&
		    strchr("SMW", json_string_value(w)[0]) != NULL);
		it->weight = json_string_value(w)[0];
		it->provisional = in_list(json_object_get(ind, "provisional"),
		    id);
		it->text = indicator_text(ind, id);
		ASSERT(json_is_string(json_object_get(it->text, "sv")) &&
		    json_is_string(json_object_get(it->text, "en")));
		for (j = 0; j < s->n; j++)
			ASSERT(strcmp(s->items[j].id, it->id) != 0);
		s->n++;
	}
	ASSERT(s->n > 0);
}

static void
load_one(const struct embed_file *f)
{
	struct catalogue *cat;
	json_error_t      err;
	json_t           *src;
	size_t            i;
	int               number = 0;

	if (sscanf(f->name, "catalogue-%4d.json", &number) != 1)
		return;
	ASSERT(ncatalogues < CATALOGUES_MAX);
	src = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &err);
	ASSERT(src != NULL);
	cat = &catalogues[ncatalogues];
	cat->version = (int)json_integer_value(json_object_get(src, "version"));
	/* Versions only go up, and the file name says which. */
	ASSERT(cat->version == number);
	ASSERT(ncatalogues == 0 ||
	    catalogues[ncatalogues - 1].version < cat->version);
	ASSERT(json_array_size(json_object_get(src, "dimensions")) ==
	    SCREEN_DIMENSIONS);
	for (i = 0; i < CATALOGUE_SETS; i++)
		load_set(src, &cat->sets[i], set_ids[i]);
	cat->doc = catalogue_doc(src, cat);
	cat->src = src; /* the indicators' ids point into it */
	ncatalogues++;
}

static void
load_all(void)
{
	const struct embed_file *f;

	for (f = embed_indicators; f->name != NULL; f++)
		load_one(f);
	ASSERT(ncatalogues > 0);
}

const struct catalogue *
catalogue_latest(void)
{
	pthread_once(&loaded, load_all);
	return &catalogues[ncatalogues - 1];
}

const struct catalogue *
catalogue_version(int version)
{
	size_t i;

	pthread_once(&loaded, load_all);
	for (i = 0; i < ncatalogues; i++)
		if (catalogues[i].version == version)
			return &catalogues[i];
	return NULL;
}

const struct catalogue_set *
catalogue_set(const struct catalogue *cat, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < CATALOGUE_SETS; i++)
		if (strcmp(cat->sets[i].id, id) == 0)
			return &cat->sets[i];
	return NULL;
}

const struct catalogue_indicator *
catalogue_indicator(const struct catalogue_set *set, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < set->n; i++)
		if (strcmp(set->items[i].id, id) == 0)
			return &set->items[i];
	return NULL;
}

const char *
catalogue_default_set(int is_child, const char *const *forms, size_t nforms)
{
	size_t i;
	int    sexual = 0;

	for (i = 0; i < nforms; i++)
		sexual |= strcmp(forms[i], "sexual") == 0;
	if (is_child)
		return sexual ? "child-sexual" : "child-labour";
	return sexual ? "adult-sexual" : "adult-labour";
}

static void
count(struct screen_counts *c, char weight)
{
	if (weight == 'S')
		c->strong++;
	else if (weight == 'M')
		c->medium++;
	else
		c->weak++;
}

void
screen_evaluate(const struct catalogue_set *set, const char *const *ids,
    size_t n, struct screen_eval *ev)
{
	const struct catalogue_indicator *it;
	size_t                            i, j;
	int                               seen;

	memset(ev, 0, sizeof(*ev));
	for (i = 0; i < set->n; i++) {
		it = &set->items[i];
		for (seen = 0, j = 0; j < n; j++)
			seen |= strcmp(ids[j], it->id) == 0;
		count(seen ? &ev->observed[it->dimension] :
		             &ev->left[it->dimension],
		    it->weight);
	}
	for (i = 0; i < SCREEN_DIMENSIONS; i++)
		ev->positive[i] = screen_dimension_positive(ev->observed[i]);
	ev->result = screen_decide(set->rule, ev->positive, n > 0);
}

json_t *
screen_dimensions_json(const struct screen_eval *ev)
{
	json_t *o = json_object();
	char    name[4];
	int     d;

	for (d = 0; d < SCREEN_DIMENSIONS; d++) {
		snprintf(name, sizeof(name), "D%d", d + 1);
		json_object_set_new(o, name,
		    json_pack("{s:b,s:i,s:i,s:i}", "positive", ev->positive[d],
		        "strong", ev->observed[d].strong, "medium",
		        ev->observed[d].medium, "weak", ev->observed[d].weak));
	}
	return o;
}
