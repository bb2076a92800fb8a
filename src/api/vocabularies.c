/*
 * vocabularies.c — GET /api/v1/vocabularies: every closed code list of the
 * API with its Swedish and English labels, so clients keep no copy.
 * {"<name>": [{"code", "label": {"sv", "en"}}, ...], ...}
 */
#include "api/api.h"
#include "domain/vocab.h"

static json_t *
terms_json(const struct term *terms)
{
	json_t *list = json_array();
	size_t  i;

	for (i = 0; terms[i].code != NULL; i++)
		json_array_append_new(list,
		    json_pack("{s:s,s:{s:s,s:s}}", "code", terms[i].code,
		        "label", "sv", terms[i].sv, "en", terms[i].en));
	return list;
}

static void
vocabularies_get(struct ctx *c)
{
	json_t *doc = json_object();
	size_t  i;

	for (i = 0; vocabularies[i].name != NULL; i++)
		json_object_set_new(doc, vocabularies[i].name,
		    terms_json(vocabularies[i].terms));
	reply_json(c, 200, doc);
}

const struct route vocabulary_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/vocabularies",
	    .roles = ROLES_ANY,
	    .kind = OBJ_REFERENCE,
	    .action = ACT_READ,
	    .handler = vocabularies_get },
	ROUTE_END,
};
