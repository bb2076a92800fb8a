-- Break-the-glass grants: a user who sees a case but not a protected
-- identity in it may open that identity for a limited time by stating a
-- reason. Every grant and every read through it is flagged in the audit
-- log; the reasons are kept here for the auditors.
CREATE TABLE break_glass (
	id		TEXT PRIMARY KEY,
	person_id	TEXT NOT NULL REFERENCES person(id),
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	user_id		TEXT NOT NULL REFERENCES app_user(id),
	reason		TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	expires_at	TEXT NOT NULL
);
CREATE INDEX break_glass_person_user ON break_glass(person_id, user_id,
    expires_at);
