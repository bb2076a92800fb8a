-- Statistics (issue 12): differential-privacy releases and the yearly
-- ε budget they spend (POST /api/v1/stats/releases).
--
-- A release is never changed or removed (the triggers below refuse it):
-- its cells (JSON: [{"key": {...}, "count"}]) are the noisy counts as
-- published. ε is kept in integer micro-units (1.0 = 1000000).
--
-- stat_budget holds what each year has spent: a release spends with one
-- conditional UPDATE (spent + ε <= budget) in the release's transaction,
-- so concurrent releases can never overspend (the row lock serialises
-- them, and READ COMMITTED re-checks the condition on the newest row);
-- budget_micro is the configured budget at the last spend.
CREATE TABLE stat_release (
	id		TEXT PRIMARY KEY,
	measure		TEXT NOT NULL,
	by_dims		TEXT NOT NULL,
	year		INTEGER NOT NULL,
	epsilon_micro	BIGINT NOT NULL CHECK (epsilon_micro > 0),
	mechanism	TEXT NOT NULL CHECK (mechanism = 'geometric'),
	cells		TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	created_by	TEXT NOT NULL REFERENCES app_user(id)
);
CREATE INDEX stat_release_year ON stat_release(year, created_at);

CREATE FUNCTION stat_release_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER stat_release_append_only BEFORE UPDATE OR DELETE
ON stat_release FOR EACH ROW
EXECUTE FUNCTION stat_release_append_only();
CREATE TRIGGER stat_release_no_truncate BEFORE TRUNCATE
ON stat_release FOR EACH STATEMENT
EXECUTE FUNCTION stat_release_append_only();

CREATE TABLE stat_budget (
	year		INTEGER PRIMARY KEY,
	spent_micro	BIGINT NOT NULL CHECK (spent_micro >= 0),
	budget_micro	BIGINT NOT NULL CHECK (budget_micro > 0)
);
