/*
 * record.c — reading, writing and freeing typed records through their
 * column tables (see record.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/util.h"
#include "db/record.h"

void
text_list_set(struct text_list *l, const char *const *items, size_t n)
{
	size_t i;

	text_list_free(l);
	l->items = n > 0 ? xreallocarray(NULL, n, sizeof(char *)) : NULL;
	for (i = 0; i < n; i++)
		l->items[i] = xstrdup(items[i]);
	l->n = n;
}

void
text_list_free(struct text_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* A stored JSON array of strings; anything else reads as empty. */
static void
list_read(struct text_list *l, const char *text)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	json_t *item;
	size_t  i;

	l->n = 0;
	l->items = NULL;
	if (json_is_array(v) && json_array_size(v) > 0) {
		l->items = xreallocarray(NULL, json_array_size(v),
		    sizeof(char *));
		json_array_foreach(v, i, item) if (json_is_string(item))
		    l->items[l->n++] = xstrdup(json_string_value(item));
	}
	json_decref(v);
}

static char *
list_text(const struct text_list *l)
{
	json_t *a = json_array();
	char   *text;
	size_t  i;

	for (i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->items[i]));
	text = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	if (text == NULL)
		ASSERT(!"a list that jansson cannot write");
	return text;
}

void
record_columns(struct sql *b, const struct record_type *t)
{
	const char *sep = "";
	size_t      i;

	sql_add(b, "SELECT ");
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & COL_WRITE_ONLY)
			continue;
		sql_add(b, sep);
		if (!(t->cols[i].flags & COL_COMPUTED)) {
			sql_add(b, t->alias);
			sql_add(b, ".");
		}
		sql_add(b, t->cols[i].sql);
		sep = ", ";
	}
}

void
record_from(struct sql *b, const struct record_type *t)
{
	sql_add(b, " FROM ");
	sql_add(b, t->table);
	sql_add(b, " ");
	sql_add(b, t->alias);
}

void
record_select(struct sql *b, const struct record_type *t)
{
	record_columns(b, t);
	record_from(b, t);
}

int
record_width(const struct record_type *t)
{
	size_t i;
	int    n = 0;

	for (i = 0; i < t->ncols; i++)
		if (!(t->cols[i].flags & COL_WRITE_ONLY))
			n++;
	return n;
}

void
record_union_part(struct sql *b, const struct record_type *t, int tag,
    const char *sort1, const char *sort2, int width)
{
	char   head[64];
	size_t i;
	int    n = 0;

	snprintf(head, sizeof(head), "SELECT %d, ", tag);
	sql_add(b, head);
	sql_add(b, sort1);
	sql_add(b, ", ");
	sql_add(b, sort2);
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & COL_WRITE_ONLY)
			continue;
		sql_add(b, ", CAST(");
		if (!(t->cols[i].flags & COL_COMPUTED)) {
			sql_add(b, t->alias);
			sql_add(b, ".");
		}
		sql_add(b, t->cols[i].sql);
		sql_add(b, " AS TEXT)");
		n++;
	}
	for (; n < width; n++)
		sql_add(b, ", NULL");
	record_from(b, t);
}

/* Text order, NULL first. */
static int
union_key_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/*
 * Row i of a union before row j: by the two sort keys (columns 1, 2),
 * ascending or descending.
 */
static int
union_before(const struct db_result *r, int i, int j, int descending)
{
	int d = union_key_cmp(db_text(r, i, 1), db_text(r, j, 1));

	if (d == 0)
		d = union_key_cmp(db_text(r, i, 2), db_text(r, j, 2));
	return descending ? d > 0 : d < 0;
}

void *
record_union_rows(const struct record_type *t, const struct db_result *r,
    int tag, int descending, size_t *n_r)
{
	int   *at = xcalloc((size_t)db_rows(r) + 1, sizeof(*at));
	char  *rows;
	size_t n = 0, k;
	int    i;

	/* An insertion sort of row numbers: a part is tens of rows. */
	for (i = 0; i < db_rows(r); i++) {
		if (db_int(r, i, 0) != tag)
			continue;
		for (k = n++;
		     k > 0 && union_before(r, i, at[k - 1], descending); k--)
			at[k] = at[k - 1];
		at[k] = i;
	}
	rows = xcalloc(n > 0 ? n : 1, t->size);
	for (k = 0; k < n; k++)
		record_read_at(t, r, at[k], 3, rows + k * t->size);
	free(at);
	*n_r = n;
	return rows;
}

void
record_read(const struct record_type *t, const struct db_result *r, int row,
    void *rec)
{
	record_read_at(t, r, row, 0, rec);
}

void
record_read_at(const struct record_type *t, const struct db_result *r, int row,
    int col0, void *rec)
{
	const struct column *col;
	size_t               i;
	int                  k = col0;

	memset(rec, 0, t->size);
	for (i = 0; i < t->ncols; i++) {
		col = &t->cols[i];
		if (col->flags & COL_WRITE_ONLY)
			continue;
		switch (col->type) {
		case COL_TEXT:
			*REC_FIELD(rec, col, char *) = db_isnull(r, row, k) ?
			    NULL :
			    xstrdup(db_text(r, row, k));
			break;
		case COL_INT:
			*REC_FIELD(rec, col, long long) = db_isnull(r, row, k) ?
			    REC_NULL_INT :
			    (long long)db_int(r, row, k);
			break;
		case COL_BOOL:
			*REC_FIELD(rec, col, int) = db_int(r, row, k) != 0;
			break;
		case COL_LIST:
			list_read(REC_FIELD(rec, col, struct text_list),
			    db_text(r, row, k));
			break;
		}
		k++;
	}
}

void
record_free(const struct record_type *t, void *rec)
{
	const struct column *col;
	size_t               i;

	if (rec == NULL)
		return;
	for (i = 0; i < t->ncols; i++) {
		col = &t->cols[i];
		if (col->type == COL_TEXT)
			free(*REC_FIELD(rec, col, char *));
		else if (col->type == COL_LIST)
			text_list_free(REC_FIELD(rec, col, struct text_list));
	}
	memset(rec, 0, t->size);
}

/* The parameter for one field; list texts are kept in b until sql_free. */
static struct db_param
field_param(struct sql *b, const struct column *col, const void *rec)
{
	long long v;

	switch (col->type) {
	case COL_TEXT:
		return DB_TEXT(*REC_FIELD(rec, col, char *const));
	case COL_INT:
		v = *REC_FIELD(rec, col, const long long);
		return v == REC_NULL_INT ? DB_NULL : DB_INT(v);
	case COL_BOOL:
		return DB_INT(*REC_FIELD(rec, col, const int) != 0);
	case COL_LIST:
		return DB_TEXT(sql_keep(b,
		    list_text(REC_FIELD(rec, col, const struct text_list))));
	}
	return DB_NULL;
}

enum nmt_err
record_insert(struct db *db, const struct record_type *t, const void *rec)
{
	struct sql  *b = sql_new();
	const char  *sep = "";
	size_t       i;
	enum nmt_err e;

	sql_add(b, "INSERT INTO ");
	sql_add(b, t->table);
	sql_add(b, " (");
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & COL_COMPUTED)
			continue;
		sql_add(b, sep);
		sql_add(b, t->cols[i].sql);
		sep = ", ";
	}
	sql_add(b, ") VALUES (");
	sep = "";
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].flags & COL_COMPUTED)
			continue;
		sql_add(b, sep);
		sql_param(b, field_param(b, &t->cols[i], rec));
		sep = ", ";
	}
	sql_add(b, ")");
	e = sql_run(db, b, NULL);
	sql_free(b);
	return e;
}

static const struct column *
column_with(const struct record_type *t, unsigned flag)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (t->cols[i].flags & flag)
			return &t->cols[i];
	ASSERT(!"a record type without a key or version column");
	return NULL;
}

enum nmt_err
record_update(struct db *db, const struct record_type *t, const void *rec)
{
	const struct column *key = column_with(t, COL_KEY);
	const struct column *version = column_with(t, COL_VERSION);
	struct sql          *b = sql_new();
	size_t               i;
	enum nmt_err         e;

	sql_add(b, "UPDATE ");
	sql_add(b, t->table);
	sql_add(b, " SET ");
	for (i = 0; i < t->ncols; i++) {
		if (!(t->cols[i].flags & COL_MUTABLE))
			continue;
		sql_add(b, t->cols[i].sql);
		sql_add(b, " = ");
		sql_param(b, field_param(b, &t->cols[i], rec));
		sql_add(b, ", ");
	}
	sql_add(b, version->sql);
	sql_add(b, " = ");
	sql_add(b, version->sql);
	sql_add(b, " + 1 WHERE ");
	sql_add(b, key->sql);
	sql_add(b, " = ");
	sql_param(b, field_param(b, key, rec));
	sql_add(b, " AND ");
	sql_add(b, version->sql);
	sql_add(b, " = ");
	sql_param(b, field_param(b, version, rec));
	e = sql_run(db, b, NULL);
	sql_free(b);
	if (e == NMT_OK && db_changes(db) != 1)
		e = NMT_STALE;
	return e;
}

enum nmt_err
record_get(struct db *db, const struct record_type *t, const char *id, int lock,
    void *rec)
{
	const struct column *key = column_with(t, COL_KEY);
	struct sql          *b = sql_new();
	struct db_result    *r = NULL;
	enum nmt_err         e;

	record_select(b, t);
	sql_add(b, " WHERE ");
	sql_add(b, t->alias);
	sql_add(b, ".");
	sql_add(b, key->sql);
	sql_add(b, " = ");
	sql_param(b, DB_TEXT(id));
	if (lock)
		sql_add(b, " FOR UPDATE");
	if ((e = sql_run(db, b, &r)) == NMT_OK) {
		if (db_rows(r) == 1)
			record_read(t, r, 0, rec);
		else
			e = NMT_NOT_FOUND;
	}
	db_result_free(r);
	sql_free(b);
	return e;
}

void *
record_read_all(const struct record_type *t, const struct db_result *r,
    int limit, size_t *n_r)
{
	int   i, n = db_rows(r);
	char *rows;

	if (limit >= 0 && n > limit)
		n = limit;
	rows = xcalloc(n > 0 ? (size_t)n : 1, t->size);
	for (i = 0; i < n; i++)
		record_read(t, r, i, rows + (size_t)i * t->size);
	*n_r = (size_t)n;
	return rows;
}

void
record_free_all(const struct record_type *t, void *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		record_free(t, (char *)rows + i * t->size);
	free(rows);
}

enum nmt_err
record_page(struct db *db, struct sql *b, const struct record_type *t,
    const struct page *pg, void **rows_r, size_t *n_r, int *more,
    struct db_result **r_r)
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	*rows_r = NULL;
	*n_r = 0;
	*more = 0;
	if ((e = sql_run(db, b, &r)) == NMT_OK) {
		*more = sql_page_more(r, pg);
		*rows_r = record_read_all(t, r, pg->limit, n_r);
	}
	if (r_r != NULL)
		*r_r = r;
	else
		db_result_free(r);
	return e;
}

enum nmt_err
record_list(struct db *db, struct sql *b, const struct record_type *t,
    void **rows_r, size_t *n_r)
{
	struct db_result *r = NULL;
	enum nmt_err      e;

	*rows_r = NULL;
	*n_r = 0;
	if ((e = sql_run(db, b, &r)) == NMT_OK)
		*rows_r = record_read_all(t, r, -1, n_r);
	db_result_free(r);
	return e;
}
