-- Login throttling keyed by a keyed hash of the folded user name, so that
-- failures against names that do not exist are counted alike and no
-- unknown user name is ever stored. Failures count within a window that
-- starts again after a quiet period (last_failure_at).
CREATE TABLE login_throttle (
	name_hash	TEXT PRIMARY KEY,
	failures	INTEGER NOT NULL DEFAULT 0,
	locked_until	TEXT,
	last_failure_at	TEXT
);
