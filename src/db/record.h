/*
 * record.h — typed records: C structs described by a column table.
 *
 * A store function takes and returns a struct; its record type lists, per
 * field, the SQL column (or a read-only expression), the name the API
 * serves it under, its type and its place in the struct. One helper reads
 * result rows into structs, one writes INSERT and UPDATE statements and
 * binds their parameters, and api/render.c turns a struct into its JSON
 * answer through the same table — so no resource hand-writes
 * row-to-JSON or column-to-parameter code.
 *
 * Field types: COL_TEXT is a char * (malloc'd, NULL for SQL NULL);
 * COL_INT a long long (REC_NULL_INT for SQL NULL); COL_BOOL an int stored
 * as 0/1; COL_LIST a struct text_list stored as a JSON array of strings.
 */
#ifndef NMT_DB_RECORD_H
#define NMT_DB_RECORD_H

#include <limits.h>
#include <stddef.h>

#include "db/db.h"
#include "db/sql.h"

#define REC_NULL_INT LLONG_MIN

enum col_type {
	COL_TEXT,
	COL_INT,
	COL_BOOL,
	COL_LIST,
};

#define COL_NULLABLE   0x1  /* served as null when NULL */
#define COL_COMPUTED   0x2  /* read only: an expression, never written */
#define COL_MUTABLE    0x4  /* written by record_update */
#define COL_KEY        0x8  /* the row's id (first column) */
#define COL_VERSION    0x10 /* the optimistic-lock version */
#define COL_WRITE_ONLY 0x20 /* written, never read back (search text) */
#define COL_OMIT_NULL  0x40 /* not served at all when NULL */
#define COL_NO_HISTORY \
	0x80 /* a changeable column the change history
			      leaves out (updated_at) */

struct text_list {
	size_t n;
	char **items;
};

struct column {
	const char   *sql;  /* column name, or the expression */
	const char   *json; /* served name; NULL: never served */
	enum col_type type;
	size_t        offset;
	unsigned      flags;
};

struct record_type {
	const char          *table;
	const char          *alias; /* in SELECTs: "c" */
	const struct column *cols;
	size_t               ncols;
	size_t               size;  /* sizeof the struct */
	const char          *order; /* a list's ORDER BY, or NULL */
};

#define RECORD_TYPE(table, alias, type, cols) \
	{ \
		table, alias, cols, sizeof(cols) / sizeof(cols[0]), \
		    sizeof(type), NULL \
	}
#define RECORD_TYPE_ORDERED(table, alias, type, cols, order) \
	{ \
		table, alias, cols, sizeof(cols) / sizeof(cols[0]), \
		    sizeof(type), order \
	}

/* Appends "SELECT <alias.col, ...> FROM <table> <alias>" to b. */
void record_select(struct sql *b, const struct record_type *t);
/* The same in two parts, for extra columns: "SELECT <cols>" ... */
void record_columns(struct sql *b, const struct record_type *t);
/* ... and " FROM <table> <alias>". */
void record_from(struct sql *b, const struct record_type *t);
/* How many result columns record_columns selects. */
int record_width(const struct record_type *t);
/* Reads row of r (selected by record_select) into rec (zeroed first). */
void record_read(const struct record_type *t, const struct db_result *r,
    int row, void *rec);
/* The same from column col0 of the row on. */
void record_read_at(const struct record_type *t, const struct db_result *r,
    int row, int col0, void *rec);
/*
 * One part of a UNION ALL that reads the rows of several record types in
 * one statement (one round trip): appends "SELECT tag, sort1, sort2,
 * CAST(<col> AS TEXT), ..., NULL, ... FROM <table> <alias>", t's columns
 * padded with NULLs to width (record_width of the widest type). The
 * caller adds each part's WHERE and " UNION ALL " between the parts and
 * reads each part with record_union_rows (sort1, sort2: SQL expressions,
 * "NULL" for none, the part's order). Every value is text, so that
 * PostgreSQL can unite columns of different types; the reader takes
 * integers from their text as it does from any result.
 */
void record_union_part(struct sql *b, const struct record_type *t, int tag,
    const char *sort1, const char *sort2, int width);
/*
 * The rows of r tagged tag as a malloc'd array of records of type t, in
 * the order of their sort keys (text, NULL first; descending: the
 * reverse; sorted here: an ORDER BY over the whole union costs SQLite
 * more than the statements it saves); *n_r gets their count. Free with
 * record_free_all.
 */
void *record_union_rows(const struct record_type *t, const struct db_result *r,
    int tag, int descending, size_t *n_r);
/*
 * Reads the first limit rows of r (all when limit < 0) into a malloc'd
 * array of records; *n_r gets their count. Free with record_free_all.
 */
void *record_read_all(const struct record_type *t, const struct db_result *r,
    int limit, size_t *n_r);
void  record_free_all(const struct record_type *t, void *rows, size_t n);
/* Runs b and reads every row into records of type t (record_free_all). */
enum nmt_err record_list(struct db *db, struct sql *b,
    const struct record_type *t, void **rows_r, size_t *n_r);
/*
 * Runs a list statement built with sql_page(): *rows_r gets at most
 * pg->limit records (free with record_free_all), *more whether another
 * page follows. r_r, when not NULL, receives the result for columns past
 * the record's (the caller frees it).
 */
enum nmt_err record_page(struct db *db, struct sql *b,
    const struct record_type *t, const struct page *pg, void **rows_r,
    size_t *n_r, int *more, struct db_result **r_r);
/* Frees what record_read or the caller allocated into rec; zeroes it. */
void record_free(const struct record_type *t, void *rec);
/* Inserts rec: every column that is not COL_COMPUTED. */
enum nmt_err record_insert(struct db *db, const struct record_type *t,
    const void *rec);
/*
 * Updates the COL_MUTABLE columns of the row with rec's key, when its
 * version is rec's version; the stored version goes up by one. NMT_STALE
 * when the row is not at that version (or gone).
 */
enum nmt_err record_update(struct db *db, const struct record_type *t,
    const void *rec);
/*
 * Reads the one row "WHERE <alias>.<key> = id" (plus " FOR UPDATE" on
 * PostgreSQL when lock); NMT_NOT_FOUND when there is none.
 */
enum nmt_err record_get(struct db *db, const struct record_type *t,
    const char *id, int lock, void *rec);

/* A list of copies of the strings in items (n of them). */
void text_list_set(struct text_list *l, const char *const *items, size_t n);
void text_list_free(struct text_list *l);

/* Access to a field of a record. */
#define REC_FIELD(rec, col, type) \
	((type *)(void *)((char *)(rec) + (col)->offset))

#endif
