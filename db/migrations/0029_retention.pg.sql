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
-- entries be rewritten (never removed, never moved to another case);
-- scope 'audit' lets the audit entries with seq <= upto be removed
-- (nothing else: no audit entry is ever changed, the log never
-- truncated). The retention run writes the row and removes it again in
-- the one transaction, so no other transaction ever sees it.
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
	upto		BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_base (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	seq		BIGINT NOT NULL,
	hash		TEXT NOT NULL,
	checkpoint	TEXT NOT NULL,
	pruned_at	TEXT NOT NULL
);

CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM retention_permit
	    WHERE scope = 'audit' AND OLD.seq <= upto) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'the audit log is append-only';
END;
$$;

-- case_work_append_only (case_journal, change_history),
-- person_assessment_append_only and pathway_event_append_only: an update
-- of a row's texts under its case's permit passes.
CREATE OR REPLACE FUNCTION case_work_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
	    AND EXISTS (SELECT 1 FROM retention_permit
	    WHERE scope = OLD.case_id) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION person_assessment_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
	    AND EXISTS (SELECT 1 FROM retention_permit
	    WHERE scope = OLD.case_id) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE OR REPLACE FUNCTION pathway_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id
	    AND EXISTS (SELECT 1 FROM retention_permit
	    WHERE scope = OLD.case_id) THEN
		RETURN NEW;
	END IF;
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
