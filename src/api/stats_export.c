/*
 * stats_export.c — statistics tables as JSON, CSV and XLSX (see
 * stats_export.h). A table becomes rows first (a JSON array of arrays:
 * a header, then one row per cell and per total, a withheld count null),
 * and the rows become CSV or an XLSX workbook. The XLSX is written by
 * libxlsxwriter into a file of a fresh private directory (mkdtemp, mode
 * 0700), read back and removed before the answer leaves.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "api/stats_export.h"
#include "core/log.h"
#include "core/util.h"

#define XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The i-th part of a key "a|b" (parts: how many it has) into out. */
static void
key_part(const char *key, int parts, int i, char out[STATS_KEY])
{
	const char *bar = parts > 1 ? strchr(key, '|') : NULL;

	if (bar == NULL) {
		strlcopy(out, i == 0 ? key : "unknown", STATS_KEY);
		return;
	}
	if (i == 0) {
		size_t n = (size_t)(bar - key);

		memcpy(out, key, n);
		out[n] = '\0';
	} else
		strlcopy(out, bar + 1, STATS_KEY);
}

static json_t *
key_json(const struct stats_layout *l, int d, const char *key, json_t *into)
{
	char part[STATS_KEY];
	int  i;

	for (i = 0; i < l->n[d]; i++) {
		key_part(key, l->n[d], i, part);
		json_object_set_new(into, l->names[d][i], json_string(part));
	}
	return into;
}

static json_t *
count_json(long long n, int withheld)
{
	return withheld ? json_null() : json_integer(n);
}

json_t *
stats_table_json(const struct stats_table *t, const struct stats_layout *l)
{
	json_t *cells = json_array(), *totals = json_object(), *key;
	size_t  i;
	int     d;

	for (i = 0; i < t->ncells; i++) {
		key = key_json(l, 0, t->cells[i].key[0], json_object());
		if (t->ndims > 1)
			key_json(l, 1, t->cells[i].key[1], key);
		json_array_append_new(cells,
		    json_pack("{s:o,s:o}", "key", key, "count",
		        count_json(t->cells[i].count, t->cells[i].withheld)));
	}
	for (d = 0; t->ndims > 1 && d < 2; d++) {
		json_t *list = json_array();
		char    name[64];

		for (i = 0; i < t->ntotals[d]; i++) {
			const struct stats_total *x = &t->totals[d][i];

			key = l->n[d] > 1 ?
			    key_json(l, d, x->key, json_object()) :
			    json_string(x->key);
			json_array_append_new(list,
			    json_pack("{s:o,s:o}", "key", key, "count",
			        count_json(x->count, x->withheld)));
		}
		strlcopy(name, l->names[d][0], sizeof(name));
		if (l->n[d] > 1) {
			strlcopy(name + strlen(name), ",",
			    sizeof(name) - strlen(name));
			strlcopy(name + strlen(name), l->names[d][1],
			    sizeof(name) - strlen(name));
		}
		json_object_set_new(totals, name, list);
	}
	json_object_set_new(totals, "all", count_json(t->all, t->all_withheld));
	return json_pack("{s:o,s:o}", "cells", cells, "totals", totals);
}

/* ---- rows ---- */

/* The columns of a layout, in order, then "count". */
static size_t
layout_columns(const struct stats_layout *l, int ndims, const char **cols)
{
	size_t n = 0;
	int    d, i;

	for (d = 0; d < ndims; d++)
		for (i = 0; i < l->n[d]; i++)
			cols[n++] = l->names[d][i];
	return n;
}

static int
column_of(const json_t *header, const char *name)
{
	size_t i;

	for (i = 0; i < json_array_size(header); i++)
		if (strcmp(json_string_value(json_array_get(header, i)),
		        name) == 0)
			return (int)i;
	return -1;
}

/*
 * One row into rows: the key of dimension d (key NULL: "all") in its
 * columns of header, the count in the last; other columns "".
 */
static void
add_row(json_t *rows, const json_t *header, const char *table,
    const struct stats_layout *l, int ndims, const char *const *keys,
    long long count, int withheld)
{
	size_t  w = json_array_size(header), i;
	json_t *row = json_array();
	char    part[STATS_KEY];
	int     d, k, col;

	for (i = 0; i < w; i++)
		json_array_append_new(row, json_string(""));
	if (table != NULL)
		json_array_set_new(row, 0, json_string(table));
	for (d = 0; d < ndims; d++)
		for (k = 0; k < l->n[d]; k++) {
			if ((col = column_of(header, l->names[d][k])) < 0)
				continue;
			if (keys[d] == NULL)
				strlcopy(part, "all", sizeof(part));
			else
				key_part(keys[d], l->n[d], k, part);
			json_array_set_new(row, (size_t)col, json_string(part));
		}
	json_array_set_new(row, w - 1, count_json(count, withheld));
	json_array_append_new(rows, row);
}

/* A table's rows: its cells, its totals per dimension, the grand total. */
static void
table_rows(json_t *rows, const json_t *header, const char *table,
    const struct stats_table *t, const struct stats_layout *l)
{
	const char *keys[2];
	size_t      i;
	int         d;

	for (i = 0; i < t->ncells; i++) {
		keys[0] = t->cells[i].key[0];
		keys[1] = t->cells[i].key[1];
		add_row(rows, header, table, l, t->ndims, keys,
		    t->cells[i].count, t->cells[i].withheld);
	}
	for (d = 0; t->ndims > 1 && d < 2; d++)
		for (i = 0; i < t->ntotals[d]; i++) {
			keys[d] = t->totals[d][i].key;
			keys[1 - d] = NULL;
			add_row(rows, header, table, l, 2, keys,
			    t->totals[d][i].count, t->totals[d][i].withheld);
		}
	keys[0] = keys[1] = NULL;
	add_row(rows, header, table, l, t->ndims, keys, t->all,
	    t->all_withheld);
}

/* ---- CSV ---- */

char *
stats_cell_text(const char *text)
{
	size_t n = strlen(text);
	char  *out;

	if (n == 0 || strchr("=+-@\t\r", text[0]) == NULL)
		return xstrdup(text);
	out = xmalloc(n + 2);
	out[0] = '\'';
	memcpy(out + 1, text, n + 1);
	return out;
}

struct buf {
	char  *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = 2 * (b->len + n + 1) + 256;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
csv_field(struct buf *b, const json_t *v)
{
	char  num[32], *text;
	char *q;

	if (json_is_null(v)) {
		buf_add(b, "..", 2);
		return;
	}
	if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		buf_add(b, num, strlen(num));
		return;
	}
	text = stats_cell_text(
	    json_string_value(v) ? json_string_value(v) : "");
	if (strpbrk(text, ",\"\r\n") == NULL) {
		buf_add(b, text, strlen(text));
		free(text);
		return;
	}
	buf_add(b, "\"", 1);
	for (q = text; *q; q++)
		buf_add(b, q, 1), (*q == '"' ? buf_add(b, "\"", 1) : (void)0);
	buf_add(b, "\"", 1);
	free(text);
}

char *
stats_csv(const json_t *rows, size_t *len_r)
{
	struct buf b = { NULL, 0, 0 };
	size_t     i, j;

	buf_add(&b, "", 0);
	for (i = 0; i < json_array_size(rows); i++) {
		const json_t *row = json_array_get(rows, i);

		for (j = 0; j < json_array_size(row); j++) {
			if (j > 0)
				buf_add(&b, ",", 1);
			csv_field(&b, json_array_get(row, j));
		}
		buf_add(&b, "\r\n", 2);
	}
	*len_r = b.len;
	return b.p;
}

/* ---- XLSX ---- */

static int
xlsx_write(const char *path, const json_t *rows)
{
	lxw_workbook  *wb = workbook_new(path);
	lxw_worksheet *ws;
	size_t         i, j;
	int            ok = 1;

	if (wb == NULL)
		return -1;
	ws = workbook_add_worksheet(wb, "NMT");
	for (i = 0; ws != NULL && i < json_array_size(rows); i++) {
		const json_t *row = json_array_get(rows, i);

		for (j = 0; j < json_array_size(row); j++) {
			const json_t *v = json_array_get(row, j);
			char         *text;

			if (json_is_integer(v)) {
				worksheet_write_number(ws, (lxw_row_t)i,
				    (lxw_col_t)j, (double)json_integer_value(v),
				    NULL);
				continue;
			}
			text = stats_cell_text(json_is_null(v) ? ".." :
			        json_string_value(v) ? json_string_value(v) :
			                               "");
			if (*text != '\0')
				worksheet_write_string(ws, (lxw_row_t)i,
				    (lxw_col_t)j, text, NULL);
			free(text);
		}
	}
	if (ws == NULL)
		ok = 0;
	return workbook_close(wb) == LXW_NO_ERROR && ok ? 0 : -1;
}

/* The workbook of rows into memory (malloc'd); NULL on a failure. */
static char *
xlsx_of(const json_t *rows, size_t *len_r)
{
	const char *tmp = getenv("TMPDIR");
	char        dir[256], path[300], *data = NULL;
	struct stat st;
	int         fd = -1;

	snprintf(dir, sizeof(dir), "%s/nmt-xlsx-XXXXXX",
	    tmp && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		log_error("stats: no private directory for an XLSX answer");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/t.xlsx", dir);
	if (xlsx_write(path, rows) == 0 &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    fstat(fd, &st) == 0 && st.st_size > 0) {
		data = xmalloc((size_t)st.st_size);
		if (read(fd, data, (size_t)st.st_size) != st.st_size) {
			free(data);
			data = NULL;
		} else
			*len_r = (size_t)st.st_size;
	}
	if (fd >= 0)
		close(fd);
	unlink(path);
	rmdir(dir);
	if (data == NULL)
		log_error("stats: the XLSX answer could not be written");
	return data;
}

/* ---- answers ---- */

enum format {
	F_JSON,
	F_CSV,
	F_XLSX
};

static enum format
format_of(struct ctx *c)
{
	const char *a = http_header(c->req, "Accept");

	if (a != NULL && strstr(a, "text/csv") != NULL)
		return F_CSV;
	if (a != NULL && strstr(a, XLSX_TYPE) != NULL)
		return F_XLSX;
	return F_JSON;
}

static void
answer_rows(struct ctx *c, enum format f, json_t *rows, const char *filename)
{
	char   disp[128], *body;
	size_t len = 0;

	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.%s\"", filename,
	    f == F_CSV ? "csv" : "xlsx");
	body = f == F_CSV ? stats_csv(rows, &len) : xlsx_of(rows, &len);
	json_decref(rows);
	if (body == NULL) {
		reply_error(c, NMT_ERROR);
		return;
	}
	reply_header(c, "Content-Disposition", disp);
	reply_body(c, 200,
	    f == F_CSV ? "text/csv; charset=utf-8; header=present" : XLSX_TYPE,
	    body, len);
}

static json_t *
header_of(const char *const *cols, size_t n, int with_table)
{
	json_t *h = json_array();
	size_t  i;

	if (with_table)
		json_array_append_new(h, json_string("table"));
	for (i = 0; i < n; i++)
		json_array_append_new(h, json_string(cols[i]));
	json_array_append_new(h, json_string("count"));
	return h;
}

void
stats_answer(struct ctx *c, json_t *doc, const struct stats_table *t,
    const struct stats_layout *l, const char *filename)
{
	enum format f = format_of(c);
	const char *cols[4];
	json_t     *rows, *header;

	if (f == F_JSON) {
		reply_json(c, 200, doc);
		return;
	}
	json_decref(doc);
	header = header_of(cols, layout_columns(l, t->ndims, cols), 0);
	rows = json_array();
	json_array_append(rows, header);
	table_rows(rows, header, NULL, t, l);
	json_decref(header);
	answer_rows(c, f, rows, filename);
}

void
stats_answer_national(struct ctx *c, json_t *doc,
    const struct stats_table *persons, const struct stats_layout *lp,
    const struct stats_table *forms, const struct stats_layout *lf,
    const struct stats_table *cit, const struct stats_layout *lc)
{
	static const char *const cols[] = { "region", "gender", "age_group",
		"exploitation", "citizenship" };
	enum format              f = format_of(c);
	json_t                  *rows, *header;

	if (f == F_JSON) {
		reply_json(c, 200, doc);
		return;
	}
	json_decref(doc);
	header = header_of(cols, 5, 1);
	rows = json_array();
	json_array_append(rows, header);
	table_rows(rows, header, "persons", persons, lp);
	table_rows(rows, header, "exploitation", forms, lf);
	table_rows(rows, header, "citizenship", cit, lc);
	json_decref(header);
	answer_rows(c, f, rows, "nmt-nationell");
}
