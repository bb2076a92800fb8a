/*
 * retention.c — the retention rules (see retention.h): the embedded
 * defaults, checked once, and the operator's override of their periods.
 */
#include "domain/retention.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/embed.h"
#include "core/util.h"

static const char *const kind_names[RETENTION_KINDS] = { "case", "consultation",
	"operation", "audit" };
static const char *const kind_actions[RETENTION_KINDS] = { "anonymise",
	"anonymise", "anonymise", "prune" };
static const char *const kind_dates[RETENTION_KINDS] = { "closed_at",
	"updated_at", "ends_on", "at" };

static int
kind_of(const char *name)
{
	int k;

	for (k = 0; k < RETENTION_KINDS; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

/* A whole number of years in range from v, or -1. */
static int
years_of(const json_t *v)
{
	json_int_t n;

	if (!json_is_integer(v))
		return -1;
	n = json_integer_value(v);
	return n >= 1 && n <= RETENTION_MAX_YEARS ? (int)n : -1;
}

void
retention_defaults(struct retention_rules *r)
{
	const struct embed_file *f = embed_find(embed_retention, "rules.json");
	json_t                  *doc, *rules, *it;
	json_error_t             jerr;
	size_t                   i;
	int                      k, seen = 0;

	ASSERT(f != NULL);
	doc = json_loadb(f->data, f->len, 0, &jerr);
	rules = json_object_get(doc, "rules");
	ASSERT(json_is_array(rules));
	memset(r, 0, sizeof(*r));
	json_array_foreach(rules, i, it)
	{
		k = kind_of(json_string_value(json_object_get(it, "kind")) ?
		        json_string_value(json_object_get(it, "kind")) :
		        "");
		ASSERT(k >= 0 && !(seen & (1 << k)));
		ASSERT(strcmp(json_string_value(json_object_get(it, "action")),
		           kind_actions[k]) == 0);
		ASSERT(strcmp(json_string_value(
		                  json_object_get(it, "counted_from")),
		           kind_dates[k]) == 0);
		ASSERT(json_array_size(json_object_get(it, "legal_basis")) > 0);
		r->rule[k].after_years = years_of(
		    json_object_get(it, "after_years"));
		ASSERT(r->rule[k].after_years > 0);
		seen |= 1 << k;
	}
	ASSERT(seen == (1 << RETENTION_KINDS) - 1);
	json_decref(doc);
	for (k = 0; k < RETENTION_KINDS; k++) {
		r->rule[k].kind = (enum retention_kind)k;
		r->rule[k].name = kind_names[k];
		r->rule[k].action = kind_actions[k];
		r->rule[k].counted_from = kind_dates[k];
	}
}

/* A list of 1..RETENTION_MAX_BASES non-empty texts. */
static int
bases_ok(const json_t *v)
{
	const json_t *s;
	size_t        i;

	if (!json_is_array(v) || json_array_size(v) == 0 ||
	    json_array_size(v) > RETENTION_MAX_BASES)
		return 0;
	json_array_foreach(v, i, s)
	{
		if (!json_is_string(s) || json_string_length(s) == 0)
			return 0;
	}
	return 1;
}

/* One rule of an override file (rules[i]) into years[kind]. */
static int
override_one(const json_t *it, size_t i, int years[RETENTION_KINDS], char *err,
    size_t errlen)
{
	const char *key, *name;
	json_t     *v;
	int         k, y;

	if (!json_is_object(it)) {
		snprintf(err, errlen, "rules[%zu]: expected an object", i);
		return -1;
	}
	name = json_string_value(json_object_get(it, "kind"));
	if (name == NULL || (k = kind_of(name)) < 0) {
		snprintf(err, errlen,
		    "rules[%zu].kind: expected \"case\", \"consultation\", "
		    "\"operation\" or \"audit\"",
		    i);
		return -1;
	}
	json_object_foreach((json_t *)it, key, v)
	{
		if (strcmp(key, "kind") == 0 ||
		    strcmp(key, "after_years") == 0 ||
		    strcmp(key, "legal_basis") == 0)
			continue;
		if ((strcmp(key, "what") == 0 ||
		        strcmp(key, "why_this_period") == 0) &&
		    json_is_string(v))
			continue;
		if ((strcmp(key, "action") == 0 && json_is_string(v) &&
		        strcmp(json_string_value(v), kind_actions[k]) == 0) ||
		    (strcmp(key, "counted_from") == 0 && json_is_string(v) &&
		        strcmp(json_string_value(v), kind_dates[k]) == 0))
			continue;
		if (strcmp(key, "action") == 0 ||
		    strcmp(key, "counted_from") == 0)
			snprintf(err, errlen,
			    "rules[%zu].%s: cannot be changed (only "
			    "after_years and legal_basis can)",
			    i, key);
		else
			snprintf(err, errlen,
			    "rules[%zu].%.40s: unknown field (a rule has kind, "
			    "after_years and legal_basis)",
			    i, key);
		return -1;
	}
	if (years[k] != 0) {
		snprintf(err, errlen, "rules[%zu].kind: \"%s\" given twice", i,
		    name);
		return -1;
	}
	if ((y = years_of(json_object_get(it, "after_years"))) < 0) {
		snprintf(err, errlen,
		    "rules[%zu].after_years: expected a whole number of years "
		    "from 1 to %d",
		    i, RETENTION_MAX_YEARS);
		return -1;
	}
	if ((v = json_object_get(it, "legal_basis")) != NULL && !bases_ok(v)) {
		snprintf(err, errlen,
		    "rules[%zu].legal_basis: expected a list of 1 to %d "
		    "non-empty texts",
		    i, RETENTION_MAX_BASES);
		return -1;
	}
	years[k] = y;
	return 0;
}

int
retention_override(struct retention_rules *r, const char *path, char *err,
    size_t errlen)
{
	int          years[RETENTION_KINDS] = { 0 };
	json_error_t jerr;
	json_t      *doc, *rules, *it;
	const char  *key;
	size_t       i;
	int          k, rc = -1;

	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		snprintf(err, errlen, "not a JSON file (line %d): %.120s",
		    jerr.line, jerr.text);
		return -1;
	}
	rules = json_object_get(doc, "rules");
	if (!json_is_object(doc) || !json_is_array(rules) ||
	    json_array_size(rules) == 0) {
		snprintf(err, errlen,
		    "rules: expected an object {\"rules\": [...]} with at "
		    "least one rule");
		goto out;
	}
	json_object_foreach(doc, key, it)
	{
		if (strcmp(key, "about") == 0 && json_is_string(it))
			continue;
		if (strcmp(key, "version") == 0 && json_is_integer(it) &&
		    json_integer_value(it) == 1)
			continue;
		if (strcmp(key, "rules") != 0) {
			snprintf(err, errlen, "%.40s: unknown field", key);
			goto out;
		}
	}
	json_array_foreach(rules, i, it)
	{
		if (override_one(it, i, years, err, errlen) != 0)
			goto out;
	}
	for (k = 0; k < RETENTION_KINDS; k++) {
		if (years[k] != 0 && years[k] != r->rule[k].after_years) {
			r->rule[k].after_years = years[k];
			r->rule[k].overridden = 1;
		}
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

time_t
retention_cutoff(const struct retention_rule *rule, time_t now)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	tm.tm_year -= rule->after_years;
	tm.tm_isdst = 0;
	return timegm(&tm);
}
