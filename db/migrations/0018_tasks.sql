-- Tasks (referrals) sent from one organization to another on a case, the
-- team rows a task grants, per-user notifications and users' e-mail
-- addresses (issue 10).
--
-- A task is requested → accepted → completed, requested → declined, or
-- requested | accepted → revoked. While it is requested or accepted its
-- receiving organization is on the case's team with the task's access
-- through an organization-wide case_member row whose task_id names the
-- task; the store adds, re-points and removes that row in the
-- transaction that changes the task (an explicit row, task_id NULL,
-- is never touched). overdue_notified: the one task_overdue
-- notification has been made.
CREATE TABLE task (
	id		TEXT PRIMARY KEY,
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	person_id	TEXT REFERENCES person(id),
	from_org	TEXT NOT NULL REFERENCES organization(code),
	from_user	TEXT NOT NULL REFERENCES app_user(id),
	to_org		TEXT NOT NULL REFERENCES organization(code),
	title		TEXT NOT NULL,
	description	TEXT,
	due		TEXT,
	access		TEXT NOT NULL CHECK (access IN ('full', 'pseudonymous')),
	status		TEXT NOT NULL CHECK (status IN ('requested', 'accepted',
			    'declined', 'completed', 'revoked')),
	reason		TEXT,
	outcome		TEXT,
	answered_by	TEXT REFERENCES app_user(id),
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	overdue_notified INTEGER NOT NULL DEFAULT 0,
	version		INTEGER NOT NULL
);
CREATE INDEX task_case ON task(case_id, created_at, id);
CREATE INDEX task_to ON task(to_org, created_at, id);
CREATE INDEX task_from ON task(from_org, created_at, id);
CREATE INDEX task_due ON task(overdue_notified, status, due);

ALTER TABLE case_member ADD COLUMN task_id TEXT;

-- One row per recipient user: the read mark is each user's own.
CREATE TABLE notification (
	id		TEXT PRIMARY KEY,
	user_id		TEXT NOT NULL REFERENCES app_user(id),
	kind		TEXT NOT NULL CHECK (kind IN ('task_new', 'task_answered',
			    'task_overdue', 'clock_due')),
	link		TEXT NOT NULL,
	task_id		TEXT,
	at		TEXT NOT NULL,
	read_at		TEXT
);
CREATE INDEX notification_user ON notification(user_id, at, id);

ALTER TABLE app_user ADD COLUMN email TEXT;
