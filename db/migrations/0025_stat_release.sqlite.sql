-- Statistics (issue 12): differential-privacy releases and the yearly
-- ε budget they spend (POST /api/v1/stats/releases).
--
-- A release is never changed or removed (the triggers below refuse it):
-- its cells (JSON: [{"key": {...}, "count"}]) are the noisy counts as
-- published. ε is kept in integer micro-units (1.0 = 1000000).
--
-- stat_budget holds what each year has spent: a release spends with one
-- conditional UPDATE (spent + ε <= budget) in the release's transaction,
-- so concurrent releases can never overspend; budget_micro is the
-- configured budget at the last spend.
CREATE TABLE stat_release (
	id		TEXT PRIMARY KEY,
	measure		TEXT NOT NULL,
	by_dims		TEXT NOT NULL,
	year		INTEGER NOT NULL,
	epsilon_micro	INTEGER NOT NULL CHECK (epsilon_micro > 0),
	mechanism	TEXT NOT NULL CHECK (mechanism = 'geometric'),
	cells		TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	created_by	TEXT NOT NULL REFERENCES app_user(id)
);
CREATE INDEX stat_release_year ON stat_release(year, created_at);

CREATE TRIGGER stat_release_no_update BEFORE UPDATE ON stat_release
BEGIN
	SELECT RAISE(ABORT, 'the statistics releases are append-only');
END;

CREATE TRIGGER stat_release_no_delete BEFORE DELETE ON stat_release
BEGIN
	SELECT RAISE(ABORT, 'the statistics releases are append-only');
END;

CREATE TABLE stat_budget (
	year		INTEGER PRIMARY KEY,
	spent_micro	INTEGER NOT NULL CHECK (spent_micro >= 0),
	budget_micro	INTEGER NOT NULL CHECK (budget_micro > 0)
);
