/*
 * driver.h — the internal interface both storage drivers implement.
 *
 * db.c parses nothing but the URL scheme: it picks a driver and calls it
 * through this vtable with an opaque per-connection pointer. A driver owns
 * its connection, its prepared-statement cache and the text of its last
 * error (which never contains parameter values). Results are built with
 * the db_result_* builder below, which copies every value, so a result
 * never points into driver memory.
 */
#ifndef NMT_DB_DRIVER_H
#define NMT_DB_DRIVER_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

struct db_driver {
	enum db_kind kind;
	/* Returns NULL and writes err (no secrets) on failure. */
	void *(*open)(const char *url, char *err, size_t errlen);
	void (*close)(void *conn);
	enum nmt_err (*begin)(void *conn);
	enum nmt_err (*commit)(void *conn);
	enum nmt_err (*rollback)(void *conn);
	/* Optional (NULL: nothing to do): see db_snapshot_begin. */
	enum nmt_err (*snapshot_begin)(void *conn);
	void (*snapshot_end)(void *conn);
	enum nmt_err (*exec)(void *conn, const char *sql);
	/*
	 * nparams >= 0; params != NULL when nparams > 0. plan_each: plan
	 * the statement for these values (db_query_planned).
	 */
	enum nmt_err (*query)(void *conn, const char *sql,
	    const struct db_param *params, int nparams, int plan_each,
	    struct db_result **res_r);
	int64_t (*changes)(void *conn);
	const char *(*errmsg)(void *conn);
	/* Test hooks: see db_stat_prepares and db_set_busy_timeout. */
	uint64_t (*prepares)(void *conn);
	enum nmt_err (*busy_timeout)(void *conn, int ms);
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

/*
 * Result builder. A result has a fixed column count; rows are appended
 * one at a time and their cells start as NULL. db_result_set copies len
 * bytes (data NULL means SQL NULL) into the last row.
 */
struct db_result *db_result_new(int ncols);
void              db_result_add_row(struct db_result *res);
void db_result_set(struct db_result *res, int col, const char *data,
    size_t len);

/* Allocation helpers: they abort on failure and never return NULL. */

/* snprintf into err when err != NULL and errlen > 0. */
void db_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
