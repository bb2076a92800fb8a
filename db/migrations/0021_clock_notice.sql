-- The support pathway's clock_due notifications (issue 10): one per clock
-- end. clock_notice holds the clock ends already told of; its key makes
-- the notification pass idempotent (two passes at once: the second's
-- insert finds the row and tells nobody again). A renewed permit's new
-- end date is a new key. A clock_due notification names the person
-- (for its link), the clock and its end; the list shows the case's
-- number, never a pseudonym.
CREATE TABLE clock_notice (
	person_id	TEXT NOT NULL REFERENCES person(id),
	kind		TEXT NOT NULL,
	end_date	TEXT NOT NULL,
	at		TEXT NOT NULL,
	PRIMARY KEY (person_id, kind, end_date)
);

ALTER TABLE notification ADD COLUMN person_id TEXT;
ALTER TABLE notification ADD COLUMN clock_kind TEXT;
ALTER TABLE notification ADD COLUMN clock_end TEXT;
