/*
 * notifications.c — the caller's own notifications: list, unread count,
 * marking one or all as read.
 *
 * Notifications are made by the changes they tell of (tasks.c; the
 * pathway's clocks through store_notify_org()/store_notify_user()), each
 * {"id", "kind", "at", "read", "link"} and the task it names, never
 * personal data. The one exception is task_overdue: reading the list or
 * the count first runs the overdue pass (store_task_overdue_notify(),
 * its own transaction, only when a task is due for it), which gives
 * every unfinished task whose due date has passed in Stockholm its one
 * task_overdue notification to both organizations' users. The pass is
 * derived from audited task data and is not audited itself; marking as
 * read is (notification.read).
 *
 * The same read then runs the clock pass (store_clock_pass()): every
 * support-pathway clock (reflection_period, protection_assessment,
 * residence_permit) of a person in an open case with PATHWAY_DUE_DAYS
 * days left or fewer, overdue included, gives one clock_due notification
 * per clock end (clock_notice's key; a renewed permit's new end is a new
 * one) to the active coordinators and members of the owner organization
 * of the person's case, in its own transaction and only when the due
 * list holds a person due by today (one index probe otherwise). The
 * notification links to the person by id and names the clock and its end
 * (the list adds the case's number): no pseudonym. No e-mail goes out for
 * it (the mail notice tells of new tasks only).
 */
#include <string.h>

#include "api/api.h"
#include "domain/calendar.h"

static const struct object_type notification_object = { OBJ_NOTIFICATION,
	"notification", &notification_facts_query, "notification.denied",
	"notification.write_denied" };

static void
today_text(struct ctx *c, char out[11])
{
	struct civil_date d;

	civil_today(c->now, &d);
	snprintf(out, 11, "%04d-%02d-%02d", d.year, d.month, d.day);
}

static enum nmt_err
overdue_write(struct ctx *c, void *arg)
{
	long long n;

	return store_task_overdue_notify(c->db, arg, c->now_text, &n);
}

/* The overdue pass, when some task waits for it; 0 or -1 (replied). */
static int
overdue_pass(struct ctx *c)
{
	char         today[11];
	int          pending;
	enum nmt_err e;

	today_text(c, today);
	if ((e = store_task_overdue_pending(c->db, today, &pending)) !=
	    NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	if (pending && api_write(c, overdue_write, today) != NMT_OK)
		return -1;
	return 0;
}

/*
 * Adds "days_left" to a rendered notification: its clock_end less
 * today's Swedish civil date (0 the last day, negative overdue), or null.
 */
static void
add_days_left(struct ctx *c, json_t *n)
{
	struct civil_date today, end;
	const char *s = json_string_value(json_object_get(n, "clock_end"));

	civil_today(c->now, &today);
	json_object_set_new(n, "days_left",
	    s != NULL && civil_parse(s, &end) == 0 ?
	        json_integer(civil_days_between(&today, &end)) :
	        json_null());
}

static json_t *
render_notifications(struct ctx *c, const struct notification_rec *rows,
    size_t n)
{
	json_t *items = render_records(&notification_record, rows, n);
	size_t  i;

	for (i = 0; i < json_array_size(items); i++)
		add_days_left(c, json_array_get(items, i));
	return items;
}

static enum nmt_err
clock_write(struct ctx *c, void *arg)
{
	size_t settled;

	return store_clock_pass(c->db, arg, c->now_text, &settled);
}

/* The clock pass, when some person is due for it; 0 or -1 (replied). */
static int
clock_pass(struct ctx *c)
{
	struct civil_date today;
	int               pending;
	enum nmt_err      e;

	civil_today(c->now, &today);
	if ((e = store_clock_pending(c->db, &today, &pending)) != NMT_OK) {
		reply_error(c, e);
		return -1;
	}
	if (pending && api_write(c, clock_write, &today) != NMT_OK)
		return -1;
	return 0;
}

/* Both passes before a read of the caller's notifications. */
static int
passes(struct ctx *c)
{
	return overdue_pass(c) != 0 ? -1 : clock_pass(c);
}

static void
notifications_list(struct ctx *c)
{
	struct notification_rec *rows;
	const char              *unread = http_query(c->req, "unread");
	size_t                   n;
	int                      more;
	enum nmt_err             e;

	if (passes(c) != 0)
		return;
	if ((e = store_notification_list(c->db, c->actor.user_id,
	         unread != NULL && strcmp(unread, "true") == 0, &c->page, &rows,
	         &n, &more)) != NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_page(c, render_notifications(c, rows, n), more,
	    n > 0 ? rows[n - 1].at : NULL, n > 0 ? rows[n - 1].id : NULL);
	record_free_all(&notification_record, rows, n);
}

static void
notifications_count(struct ctx *c)
{
	long long    n;
	enum nmt_err e;

	if (passes(c) != 0)
		return;
	if ((e = store_notification_unread(c->db, c->actor.user_id, &n)) !=
	    NMT_OK) {
		reply_error(c, e);
		return;
	}
	reply_json(c, 200, json_pack("{s:I}", "unread", (json_int_t)n));
}

static enum nmt_err
mark_write(struct ctx *c, void *arg)
{
	long long *n = arg;

	if (c->params[0] != NULL)
		note_object(c, "notification", c->params[0]);
	return store_notification_mark(c->db, c->actor.user_id, c->params[0],
	    c->now_text, n);
}

static void
notification_read(struct ctx *c)
{
	struct notification_rec rec;
	json_t                 *out;
	long long               n;
	enum nmt_err            e;

	if (api_write(c, mark_write, &n) != NMT_OK)
		return;
	if ((e = store_notification_get(c->db, c->params[0], &rec)) != NMT_OK) {
		reply_error(c, e == NMT_NOT_FOUND ? NMT_ERROR : e);
		return;
	}
	out = render_record(&notification_record, &rec);
	add_days_left(c, out);
	reply_json(c, 200, out);
	record_free(&notification_record, &rec);
}

static void
notifications_read_all(struct ctx *c)
{
	long long n;

	if (api_write(c, mark_write, &n) == NMT_OK)
		reply_json(c, 200, json_pack("{s:I}", "marked", (json_int_t)n));
}

static const struct query_spec list_query[] = {
	{ "unread", Q_BOOL, 0, NULL },
	QUERY_END,
};

const struct route notification_routes[] = {
	{ .method = "GET",
	    .pattern = "/api/v1/notifications",
	    .roles = ROLES_ANY,
	    .query = list_query,
	    .kind = OBJ_NOTIFICATION,
	    .action = ACT_LIST,
	    .handler = notifications_list,
	    .flags = R_PAGED },
	{ .method = "GET",
	    .pattern = "/api/v1/notifications/count",
	    .roles = ROLES_ANY,
	    .kind = OBJ_NOTIFICATION,
	    .action = ACT_LIST,
	    .handler = notifications_count },
	{ .method = "POST",
	    .pattern = "/api/v1/notifications/{id}/read",
	    .roles = ROLES_ANY,
	    .object = &notification_object,
	    .action = ACT_UPDATE,
	    .audit = "notification.read",
	    .handler = notification_read },
	{ .method = "POST",
	    .pattern = "/api/v1/notifications/read",
	    .roles = ROLES_ANY,
	    .kind = OBJ_NOTIFICATION,
	    .action = ACT_UPDATE,
	    .audit = "notification.read",
	    .handler = notifications_read_all },
	ROUTE_END,
};
