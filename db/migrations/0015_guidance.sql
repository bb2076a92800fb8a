-- First-contact guidance as data, and the first meetings logged per person.
--
-- guidance_item: one point of a topic's guidance (topic 'first-contact'),
-- in Swedish and English, in the order of position. Seeded by nmtctl init
-- from data/guidance/<topic>.json (an item is added when its id is new and
-- never overwritten there), edited by admins through the API (version for
-- If-Match). An item with check_code is also a point of the first-meeting
-- checklist; its label is check_label_sv / check_label_en.
CREATE TABLE guidance_item (
	id		TEXT PRIMARY KEY,
	topic		TEXT NOT NULL,
	code		TEXT NOT NULL,
	position	INTEGER NOT NULL,
	check_code	TEXT,
	heading_sv	TEXT NOT NULL,
	text_sv		TEXT NOT NULL,
	check_label_sv	TEXT,
	heading_en	TEXT NOT NULL,
	text_en		TEXT NOT NULL,
	check_label_en	TEXT,
	version		INTEGER NOT NULL DEFAULT 1,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT REFERENCES app_user(id),
	CHECK ((check_code IS NULL) = (check_label_sv IS NULL)),
	CHECK ((check_code IS NULL) = (check_label_en IS NULL))
);
CREATE UNIQUE INDEX guidance_item_code ON guidance_item (topic, code);
CREATE UNIQUE INDEX guidance_item_check ON guidance_item (topic, check_code);

-- Every version an item had before an edit replaced it: who made that
-- version and when (the seed's first version has no user).
CREATE TABLE guidance_revision (
	id		TEXT PRIMARY KEY,
	item_id		TEXT NOT NULL REFERENCES guidance_item(id),
	version		INTEGER NOT NULL,
	heading_sv	TEXT NOT NULL,
	text_sv		TEXT NOT NULL,
	check_label_sv	TEXT,
	heading_en	TEXT NOT NULL,
	text_en		TEXT NOT NULL,
	check_label_en	TEXT,
	updated_at	TEXT NOT NULL,
	updated_by	TEXT REFERENCES app_user(id),
	replaced_at	TEXT NOT NULL,
	replaced_by	TEXT NOT NULL REFERENCES app_user(id)
);
CREATE UNIQUE INDEX guidance_revision_item
	ON guidance_revision (item_id, version);

-- A first meeting with a person: its Swedish date, the checklist as ticked
-- (one column per stable code), an optional note, who logged it and when.
CREATE TABLE first_contact (
	id				TEXT PRIMARY KEY,
	person_id			TEXT NOT NULL REFERENCES person(id),
	case_id				TEXT NOT NULL REFERENCES nmt_case(id),
	met_on				TEXT NOT NULL,
	introduced_self_and_mission	INTEGER NOT NULL
	    CHECK (introduced_self_and_mission IN (0, 1)),
	explained_can_and_cannot	INTEGER NOT NULL
	    CHECK (explained_can_and_cannot IN (0, 1)),
	interpreter_outside_network	INTEGER NOT NULL
	    CHECK (interpreter_outside_network IN (0, 1)),
	safety_discussed		INTEGER NOT NULL
	    CHECK (safety_discussed IN (0, 1)),
	own_questions_answered		INTEGER NOT NULL
	    CHECK (own_questions_answered IN (0, 1)),
	note				TEXT,
	author_user			TEXT NOT NULL REFERENCES app_user(id),
	author_org			TEXT NOT NULL REFERENCES organization(code),
	at				TEXT NOT NULL
);
CREATE INDEX first_contact_person ON first_contact (person_id, at, id);
