-- Indexes for the grant list (newest first, optionally of one case) and
-- the audit log's flagged filter, so every list filter uses an index.
CREATE INDEX IF NOT EXISTS break_glass_time ON break_glass(created_at, id);
CREATE INDEX IF NOT EXISTS break_glass_case ON break_glass(case_id, created_at, id);
CREATE INDEX IF NOT EXISTS audit_flagged ON audit(flagged, seq);
