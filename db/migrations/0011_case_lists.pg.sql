-- The case list's sort keys and filters, and the audit log's filters.
--
-- serial: the case number's running number (NMT-2026-00002 → 2), so a
-- search by serial finds its cases through an index. title_sort: the
-- title folded for sorting (written by the store: lower case, with å, ä,
-- ö after z as in the Swedish alphabet, at most 40 bytes; empty here, and
-- filled by `nmtctl init` right after the migrations, since only C folds
-- text the same way on both databases). last_activity: the latest write that
-- touched the case, its persons or its team (kept by the write path,
-- api/write.c). On PostgreSQL the sort key is compared byte by byte
-- (COLLATE "C") whatever the database's locale, as on SQLite.
ALTER TABLE nmt_case ADD COLUMN serial INTEGER NOT NULL DEFAULT 0;
ALTER TABLE nmt_case ADD COLUMN title_sort TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE nmt_case ADD COLUMN last_activity TEXT NOT NULL DEFAULT '';
UPDATE nmt_case SET serial = CAST(SUBSTR(number, 10) AS INTEGER),
    last_activity = COALESCE((SELECT MAX(p.updated_at) FROM person p
        WHERE p.case_id = nmt_case.id AND p.updated_at > nmt_case.updated_at),
        updated_at);
CREATE INDEX IF NOT EXISTS nmt_case_serial ON nmt_case(serial);
CREATE INDEX IF NOT EXISTS nmt_case_title_sort ON nmt_case(title_sort, id);
CREATE INDEX IF NOT EXISTS nmt_case_updated ON nmt_case(updated_at, id);
CREATE INDEX IF NOT EXISTS nmt_case_activity ON nmt_case(last_activity, id);
CREATE INDEX IF NOT EXISTS nmt_case_county ON nmt_case(county, id);
CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor, seq);
CREATE INDEX IF NOT EXISTS audit_organization ON audit(organization, seq);
CREATE INDEX IF NOT EXISTS audit_action ON audit(action, seq);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
