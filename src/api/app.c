/*
 * app.c — the application's shared state: configuration, keys, the audit
 * writer, the write pool (SQLite), and one database connection per
 * server or pool thread (opened on first use, closed when the thread
 * ends, reopened after the database was unavailable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/audit_writer.h"
#include "api/write_pool.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/util.h"
#include "crypto/password.h"
#include "db/store_stat_defer.h"

#define DEFAULT_SESSION_IDLE 1800
#define DEFAULT_SESSION_MAX  43200

static void
close_thread_db(void *db)
{
	db_close(db);
}

static long
env_seconds(const char *name, long fallback)
{
	const char *text = getenv(name);
	int64_t     v;

	if (text == NULL || *text == '\0')
		return fallback;
	if (parse_int(text, 1, 7 * 24 * 3600, &v) == 0)
		return (long)v;
	log_warn("%s is not a number of seconds (1..604800); using %ld", name,
	    fallback);
	return fallback;
}

/*
 * A deferral of the statistics found committed (on SQLite, a loader
 * that did not settle; anywhere, a row of stat_defer added by hand):
 * settled at start, so that persons do not stay uncounted
 * (store_stat_defer.h).
 */
static void
stat_deferral_left(struct db *db)
{
	long long left;

	if (store_stat_settle_left(db, &left) != NMT_OK)
		log_error("statistics: a deferral of the person counts found "
		          "committed could not be settled: %s",
		    db_errmsg(db));
	else if (left >= 0)
		log_warn("statistics: a deferral of the person counts was "
		         "found committed; its %lld queued entries are settled "
		         "now",
		    left);
}

int
app_init(struct app *app, const char *db_url, const char *key_file, char *err,
    size_t errlen)
{
	struct db *db;
	char       why[256];

	memset(app, 0, sizeof(*app));
	if (db_files_private(db_url, err, errlen) != 0)
		return -1;
	/*
	 * A database that answers must have this build's schema; one that
	 * does not answer yet is waited for (503 until it does).
	 */
	if ((db = db_open(db_url, why, sizeof(why))) == NULL)
		log_warn("database unavailable at start: %s", why);
	else if (db_schema_current(db, why, sizeof(why)) != NMT_OK) {
		snprintf(err, errlen,
		    "the database is not ready (%s); run "
		    "nmtctl init",
		    why);
		db_close(db);
		return -1;
	}
	if (db != NULL)
		stat_deferral_left(db);
	db_close(db);
	if (keys_load(key_file, 0, &app->keys, err, errlen) != 0)
		return -1;
	app->db_url = xstrdup(db_url);
	pthread_key_create(&app->db_key, close_thread_db);
	app->session_idle = env_seconds("NMT_SESSION_IDLE",
	    DEFAULT_SESSION_IDLE);
	app->session_max = env_seconds("NMT_SESSION_MAX", DEFAULT_SESSION_MAX);
	app->audit = audit_writer_start(app->db_url, app->keys.audit);
	/* PostgreSQL commits each write on its own: no group to wait for. */
	if (db_url_kind(db_url) == DB_SQLITE)
		app->writes = write_pool_start(WRITE_POOL_THREADS);
	metrics_requests_init(api_route_count());
	return 0;
}

void
app_cleanup(struct app *app)
{
	struct db *db;

	write_pool_stop(app->writes); /* its jobs may queue audit entries */
	audit_writer_stop(app->audit);
	password_pool_stop();
	if ((db = pthread_getspecific(app->db_key)) != NULL) {
		db_close(db);
		pthread_setspecific(app->db_key, NULL);
	}
	db_write_group_close();
	keys_free(&app->keys);
	free(app->db_url);
}

struct db *
app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	char       err[256];

	if (db != NULL)
		return db;
	if ((db = db_open(app->db_url, err, sizeof(err))) == NULL) {
		log_error("database unavailable: %s", err);
		return NULL;
	}
	pthread_setspecific(app->db_key, db);
	return db;
}
