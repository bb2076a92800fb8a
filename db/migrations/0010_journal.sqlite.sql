-- The case journal and the change history of cases and persons.
--
-- A journal entry is never changed or removed: a mistake is put right by
-- a new entry that corrects it (corrects names the entry). seq orders a
-- case's entries in the order they were written. visibility 'full'
-- entries are for those with full access to the case only.
CREATE TABLE case_journal (
	id		TEXT PRIMARY KEY,
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	seq		INTEGER NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('note', 'call', 'meeting',
			    'decision')),
	text		TEXT NOT NULL,
	visibility	TEXT NOT NULL CHECK (visibility IN ('team', 'full')),
	corrects	TEXT REFERENCES case_journal(id),
	author_user	TEXT NOT NULL REFERENCES app_user(id),
	author_org	TEXT NOT NULL REFERENCES organization(code),
	at		TEXT NOT NULL
);
CREATE UNIQUE INDEX case_journal_order ON case_journal (case_id, seq);

-- One row per update of a case or a person: the object's version after
-- it, who made it, and the changed fields as a JSON array of
-- {"field", "from", "to"} (identity fields named, never their values).
CREATE TABLE change_history (
	id		TEXT PRIMARY KEY,
	object_kind	TEXT NOT NULL CHECK (object_kind IN ('case', 'person')),
	object_id	TEXT NOT NULL,
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	version		INTEGER NOT NULL,
	actor_user	TEXT NOT NULL REFERENCES app_user(id),
	actor_org	TEXT NOT NULL REFERENCES organization(code),
	at		TEXT NOT NULL,
	changes		TEXT NOT NULL
);
CREATE UNIQUE INDEX change_history_object
	ON change_history (object_id, version);

CREATE TRIGGER case_journal_no_update BEFORE UPDATE ON case_journal
BEGIN
	SELECT RAISE(ABORT, 'the case journal is append-only');
END;

CREATE TRIGGER case_journal_no_delete BEFORE DELETE ON case_journal
BEGIN
	SELECT RAISE(ABORT, 'the case journal is append-only');
END;

CREATE TRIGGER change_history_no_update BEFORE UPDATE ON change_history
BEGIN
	SELECT RAISE(ABORT, 'the change history is append-only');
END;

CREATE TRIGGER change_history_no_delete BEFORE DELETE ON change_history
BEGIN
	SELECT RAISE(ABORT, 'the change history is append-only');
END;

-- The notes of a case become its journal's first entry: a note for full
-- access, by the case's owner, at the case's last change.
INSERT INTO case_journal (id, case_id, seq, kind, text, visibility,
    corrects, author_user, author_org, at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' ||
	    substr(hex(randomblob(2)), 2) || '-' ||
	    substr('89ab', 1 + (abs(random()) % 4), 1) ||
	    substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
	c.id, 1, 'note', c.notes, 'full', NULL, c.owner_user, c.owner_org,
	c.updated_at
FROM nmt_case c WHERE c.notes <> '';

ALTER TABLE nmt_case DROP COLUMN notes;
