-- Case work: a case is closed with a reason from a vocabulary (and a
-- note when the reason is "other") and reopened with a reason of its
-- own; a break-the-glass grant names its category. Existing grants are
-- counted as "other": their stated reason says the rest.
ALTER TABLE nmt_case ADD COLUMN closing_reason TEXT;
ALTER TABLE nmt_case ADD COLUMN closing_note TEXT;
ALTER TABLE nmt_case ADD COLUMN closed_at TEXT;
ALTER TABLE nmt_case ADD COLUMN reopen_reason TEXT;
ALTER TABLE nmt_case ADD COLUMN reopened_at TEXT;
ALTER TABLE break_glass ADD COLUMN category TEXT NOT NULL DEFAULT 'other';
