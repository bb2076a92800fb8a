/*
 * seed_guidance.c — loads the guidance texts (data/guidance/<topic>.json,
 * embedded with the reference data) into guidance_item.
 *
 * A file is {"topic", "items": [{"id" (UUID, stable), "code", "check"?,
 * "sv": {"heading", "text", "check_label"?}, "en": {...}}]}, in the order
 * the items are shown. It is checked whole before anything is written: a
 * known topic, every id a UUID and every code once, headings and texts not
 * empty, a check label in both languages exactly when the item has a
 * check, and the checks exactly the first-meeting checklist's codes, each
 * once. Items are then added in one transaction where their id is new; an
 * item already stored (perhaps edited by an admin) is left as it is, so
 * running it again changes nothing.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/clock.h"
#include "core/embed.h"
#include "core/timeutil.h"
#include "crypto/token.h"
#include "db/driver.h"
#include "db/seed.h"
#include "db/store.h"

#define GUIDANCE_MAX_ITEMS 64

static const char *const guidance_files[] = { "first-contact.json", NULL };
static const char *const langs[2] = { "sv", "en" };

/* A non-empty string member of o, or NULL. */
static const char *
text_of(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

static int
code_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return 0;
	return 1;
}

/* One language's block of an item into g; -1 when it is not well formed. */
static int
parse_lang(const json_t *item, int l, struct guidance_rec *g)
{
	const json_t *o = json_object_get(item, langs[l]);
	const char   *key;
	json_t       *v;

	if (!json_is_object(o))
		return -1;
	json_object_foreach((json_t *)o, key, v)
	{
		if (strcmp(key, "heading") != 0 && strcmp(key, "text") != 0 &&
		    strcmp(key, "check_label") != 0)
			return -1;
	}
	g->heading[l] = (char *)text_of(o, "heading");
	g->text[l] = (char *)text_of(o, "text");
	g->check_label[l] = (char *)text_of(o, "check_label");
	if (g->heading[l] == NULL || g->text[l] == NULL)
		return -1;
	return (g->check_label[l] != NULL) == (g->check_code != NULL) ? 0 : -1;
}

/* One item; seen counts the checklist codes met so far. */
static int
parse_item(const json_t *item, const char *topic, long long position,
    struct guidance_rec *g, int seen[])
{
	const char *key;
	json_t     *v;
	int         l, k;

	if (!json_is_object(item))
		return -1;
	json_object_foreach((json_t *)item, key, v)
	{
		if (strcmp(key, "id") != 0 && strcmp(key, "code") != 0 &&
		    strcmp(key, "check") != 0 && strcmp(key, "sv") != 0 &&
		    strcmp(key, "en") != 0)
			return -1;
	}
	memset(g, 0, sizeof(*g));
	g->id = (char *)text_of(item, "id");
	g->topic = (char *)topic;
	g->code = (char *)text_of(item, "code");
	g->check_code = (char *)text_of(item, "check");
	g->position = position;
	if (g->id == NULL || !token_is_uuid(g->id) || !code_ok(g->code))
		return -1;
	if (g->check_code != NULL) {
		if ((k = vocab_index(vocab_first_contact_checks,
		         g->check_code)) < 0)
			return -1;
		seen[k]++;
	}
	for (l = 0; l < 2; l++)
		if (parse_lang(item, l, g) != 0)
			return -1;
	return 0;
}

/*
 * The items of file f into rows (at most GUIDANCE_MAX_ITEMS; *n_r of
 * them, pointing into doc); -1 with the reason in err.
 */
static int
parse_file(const struct embed_file *f, json_t **doc_r,
    struct guidance_rec *rows, size_t *n_r, char *err, size_t errlen)
{
	json_t      *doc, *items;
	json_error_t je;
	const char  *topic;
	int          seen[FIRST_CONTACT_CHECKS] = { 0 };
	size_t       i, j;

	*doc_r = doc = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		db_seterr(err, errlen, "guidance %s line %d: not JSON", f->name,
		    je.line);
		return -1;
	}
	topic = text_of(doc, "topic");
	items = json_object_get(doc, "items");
	if (vocab_index(vocab_guidance_topics, topic) < 0 ||
	    !json_is_array(items) || json_array_size(items) == 0 ||
	    json_array_size(items) > GUIDANCE_MAX_ITEMS ||
	    json_object_size(doc) != 2) {
		db_seterr(err, errlen,
		    "guidance %s: needs a known topic and "
		    "1 to 64 items",
		    f->name);
		return -1;
	}
	for (i = 0; i < json_array_size(items); i++) {
		if (parse_item(json_array_get(items, i), topic,
		        (long long)i + 1, &rows[i], seen) != 0) {
			db_seterr(err, errlen,
			    "guidance %s: item %zu is not "
			    "well formed",
			    f->name, i + 1);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(rows[j].id, rows[i].id) == 0 ||
			    strcmp(rows[j].code, rows[i].code) == 0) {
				db_seterr(err, errlen,
				    "guidance %s: item %zu "
				    "repeats an id or a code",
				    f->name, i + 1);
				return -1;
			}
	}
	for (j = 0; j < FIRST_CONTACT_CHECKS; j++)
		if (seen[j] != 1) {
			db_seterr(err, errlen,
			    "guidance %s: the checklist "
			    "code %s must be on exactly one item",
			    f->name, vocab_first_contact_checks[j].code);
			return -1;
		}
	*n_r = i;
	return 0;
}

enum nmt_err
db_seed_guidance_from(struct db *db, const struct embed_file *list, char *err,
    size_t errlen)
{
	struct guidance_rec      rows[GUIDANCE_MAX_ITEMS];
	const struct embed_file *f;
	json_t                  *doc = NULL;
	char                     now[TIME_TEXT];
	size_t                   n = 0, i, k;
	enum nmt_err             e = NMT_OK;

	time_format(clock_now(), now);
	for (k = 0; guidance_files[k] != NULL && e == NMT_OK; k++) {
		if ((f = embed_find(list, guidance_files[k])) == NULL) {
			db_seterr(err, errlen, "guidance %s is missing",
			    guidance_files[k]);
			return NMT_ERROR;
		}
		if (parse_file(f, &doc, rows, &n, err, errlen) != 0) {
			json_decref(doc);
			return NMT_ERROR;
		}
		if ((e = db_begin(db)) != NMT_OK) {
			json_decref(doc);
			db_seterr(err, errlen, "guidance: cannot begin: %s",
			    db_errmsg(db));
			return e;
		}
		for (i = 0; i < n && e == NMT_OK; i++) {
			rows[i].updated_at = now;
			e = store_guidance_seed(db, &rows[i]);
		}
		if (e == NMT_OK)
			e = db_commit(db);
		if (e != NMT_OK) {
			db_seterr(err, errlen, "guidance %s: %s", f->name,
			    db_errmsg(db));
			db_rollback(db);
		}
		json_decref(doc);
	}
	return e;
}

enum nmt_err
db_seed_guidance(struct db *db, char *err, size_t errlen)
{
	return db_seed_guidance_from(db, embed_reference_data, err, errlen);
}
