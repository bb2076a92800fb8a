-- The support pathway of a person: events along the manual's six steps
-- (domain/pathway.h). An event is never changed or removed: a mistake is
-- put right by a new event that corrects it (corrects names it). seq
-- orders a person's events in the order they were written; event_date is
-- the Swedish civil date the event happened on, until_date the last day
-- of a granted or renewed residence permit.
CREATE TABLE pathway_event (
	id		TEXT PRIMARY KEY,
	person_id	TEXT NOT NULL REFERENCES person(id),
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	seq		INTEGER NOT NULL,
	type		TEXT NOT NULL,
	event_date	TEXT NOT NULL,
	until_date	TEXT,
	note		TEXT,
	corrects	TEXT REFERENCES pathway_event(id),
	author_user	TEXT NOT NULL REFERENCES app_user(id),
	author_org	TEXT NOT NULL REFERENCES organization(code),
	at		TEXT NOT NULL
);
CREATE UNIQUE INDEX pathway_event_order ON pathway_event (person_id, seq);

CREATE TRIGGER pathway_event_no_update BEFORE UPDATE ON pathway_event
BEGIN
	SELECT RAISE(ABORT, 'the pathway events are append-only');
END;

CREATE TRIGGER pathway_event_no_delete BEFORE DELETE ON pathway_event
BEGIN
	SELECT RAISE(ABORT, 'the pathway events are append-only');
END;
