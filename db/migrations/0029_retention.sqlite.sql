-- Retention (gallring, issue 14): `nmtctl retention run` anonymises closed
-- cases, consultations and operations and prunes the audit log by the rules of
-- data/retention/rules.json (domain/retention.c, db/store_retention.c).
--
-- anonymised_at: when retention anonymised the case, the consultation or
-- the operation (NULL: never); an anonymised one is not anonymised again
-- (a case only after it is reopened and closed again).
--
-- retention_permit: the append-only tables (the journal, the change
-- history, assessments, pathway events, the audit log) stay append-only
-- for everyone but retention. A row here lets the transaction that wrote
-- it change those rows: scope a case id lets the texts of that case's
-- entries be rewritten; scope 'audit' lets the audit entries with seq <=
-- upto be removed (nothing else: no audit entry is ever changed). The
-- retention run writes the row and removes it again in the one
-- transaction, so no other transaction ever sees it (SQLite has one
-- writer; PostgreSQL shows no uncommitted row).
--
-- audit_base: where the audit chain begins after a prune: the last removed
-- entry's seq and hash, and the signed checkpoint (api/checkpoint.c) of
-- that entry that allowed the removal, so that `nmtctl audit verify`
-- starts from it and checks its signature.
ALTER TABLE nmt_case ADD COLUMN anonymised_at TEXT;
ALTER TABLE consultation ADD COLUMN anonymised_at TEXT;
ALTER TABLE operation ADD COLUMN anonymised_at TEXT;

CREATE TABLE retention_permit (
	scope		TEXT PRIMARY KEY,
	upto		INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit_base (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	seq		INTEGER NOT NULL,
	hash		TEXT NOT NULL,
	checkpoint	TEXT NOT NULL,
	pruned_at	TEXT NOT NULL
);

DROP TRIGGER audit_no_delete;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
WHEN NOT EXISTS (SELECT 1 FROM retention_permit
    WHERE scope = 'audit' AND OLD.seq <= upto)
BEGIN
	SELECT RAISE(ABORT, 'the audit log is append-only');
END;

DROP TRIGGER case_journal_no_update;
CREATE TRIGGER case_journal_no_update BEFORE UPDATE ON case_journal
WHEN NOT EXISTS (SELECT 1 FROM retention_permit WHERE scope = OLD.case_id)
    OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id
BEGIN
	SELECT RAISE(ABORT, 'the case journal is append-only');
END;

DROP TRIGGER change_history_no_update;
CREATE TRIGGER change_history_no_update BEFORE UPDATE ON change_history
WHEN NOT EXISTS (SELECT 1 FROM retention_permit WHERE scope = OLD.case_id)
    OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id
BEGIN
	SELECT RAISE(ABORT, 'the change history is append-only');
END;

DROP TRIGGER person_assessment_no_update;
CREATE TRIGGER person_assessment_no_update BEFORE UPDATE ON person_assessment
WHEN NOT EXISTS (SELECT 1 FROM retention_permit WHERE scope = OLD.case_id)
    OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id
BEGIN
	SELECT RAISE(ABORT, 'assessments are append-only');
END;

DROP TRIGGER pathway_event_no_update;
CREATE TRIGGER pathway_event_no_update BEFORE UPDATE ON pathway_event
WHEN NOT EXISTS (SELECT 1 FROM retention_permit WHERE scope = OLD.case_id)
    OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id
BEGIN
	SELECT RAISE(ABORT, 'the pathway events are append-only');
END;
