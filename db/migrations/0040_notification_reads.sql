-- The support pathway's due list (src/db/store_clock.c): one row per
-- person whose clocks the notification pass must look at again on or after
-- due_from, the Swedish civil date PATHWAY_DUE_DAYS days before the
-- earliest clock end not yet told of; '' for a person not yet worked out
-- (a write that can move a clock sets it). The pass reads the rows due by
-- today through pathway_due_from, so a notification read no longer works
-- out every running clock of the register.
CREATE TABLE pathway_due (
	person_id	TEXT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
	due_from	TEXT NOT NULL
);
CREATE INDEX pathway_due_from ON pathway_due (due_from, person_id);

-- The persons the pass asked about until now, worked out at its next run.
INSERT INTO pathway_due (person_id, due_from)
SELECT p.id, '' FROM person p JOIN nmt_case c ON c.id = p.case_id
WHERE c.status = 'open' AND (EXISTS (SELECT 1 FROM pathway_event e
	WHERE e.person_id = p.id AND e.type IN ('reflection_period_granted',
	'permit_granted')) OR (p.is_child = 1 AND NOT EXISTS (SELECT 1 FROM
	pathway_event e WHERE e.person_id = p.id AND
	e.type = 'protection_assessment_done')));

-- A user's unread notifications: the count every page asks for from the
-- index alone, never each notification's row; the list with unread=true
-- walks it for its page.
CREATE INDEX notification_unread ON notification (user_id, at, id)
WHERE read_at IS NULL;

-- The overdue pass's question at every notification read: is some task
-- due and not yet told of? PostgreSQL, taking the two conditions for
-- independent, expected thousands of matches and walked the table.
CREATE INDEX task_overdue ON task (due)
WHERE overdue_notified = 0 AND status IN ('requested', 'accepted');
