/*
 * render.c — records to JSON answers through their column tables
 * (db/record.h): the only row-to-JSON code of the API; and the "allowed"
 * array of an answer from the policy.
 */
#include "api/api.h"

static json_t *
render_field(const struct column *col, const void *rec)
{
	const struct text_list *l;
	const char             *s;
	long long               v;
	json_t                 *a;
	size_t                  i;

	switch (col->type) {
	case COL_TEXT:
		s = *REC_FIELD(rec, col, char *const);
		if (s == NULL)
			return col->flags & COL_NULLABLE ? json_null() :
			                                   json_string("");
		return json_string(s);
	case COL_INT:
		v = *REC_FIELD(rec, col, const long long);
		return v == REC_NULL_INT ? json_null() :
		                           json_integer((json_int_t)v);
	case COL_BOOL:
		return json_boolean(*REC_FIELD(rec, col, const int));
	case COL_LIST:
		l = REC_FIELD(rec, col, const struct text_list);
		a = json_array();
		for (i = 0; i < l->n; i++)
			json_array_append_new(a, json_string(l->items[i]));
		return a;
	}
	return json_null();
}

json_t *
render_record(const struct record_type *t, const void *rec)
{
	json_t *obj = json_object();
	size_t  i;

	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].json == NULL ||
		    ((t->cols[i].flags & COL_OMIT_NULL) &&
		        t->cols[i].type == COL_TEXT &&
		        *REC_FIELD(rec, &t->cols[i], char *const) == NULL))
			continue;
		json_object_set_new(obj, t->cols[i].json,
		    render_field(&t->cols[i], rec));
	}
	return obj;
}

json_t *
render_records(const struct record_type *t, const void *rows, size_t n)
{
	json_t *a = json_array();
	size_t  i;

	for (i = 0; i < n; i++)
		json_array_append_new(a,
		    render_record(t, (const char *)rows + i * t->size));
	return a;
}

json_t *
render_allowed(const struct principal *p, const struct facts *f)
{
	unsigned set = policy_allowed(p, f), i;
	json_t  *a = json_array();

	for (i = 0; i < ALLOWED_COUNT; i++)
		if (set & (1u << i))
			json_array_append_new(a,
			    json_string(policy_allowed_name(i)));
	return a;
}
