-- Intake: the municipalities whose social services ask for support, and
-- the consultations (konsultationer) of the support line.
--
-- municipality: Sweden's 290 municipalities (SCB's kommunkod, name,
-- county), seeded from data/municipalities.csv; `nmtctl init` derives
-- from it one organization SOC-<kommunkod> (kind social_services) per
-- municipality, with its county and region.
--
-- consultation: one question from a requester, routed by its county to
-- the region's coordinators (assigned_org RK-<REGION>). Anonymous unless
-- consent = 'given': only then may consultation_person rows exist, and
-- consent_scope, consent_recorded_by and consent_recorded_at say to what
-- the person agreed and who recorded it when. The requester's contact
-- data (requester_name, requester_phone, requester_email) is personal
-- data of the caller. queue_key orders the coordinators' queue: '0' for
-- acute, '1' for normal, followed by created_at (oldest first). case_id
-- is the case opened from it (at most one).
CREATE TABLE municipality (
	code		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	county		TEXT NOT NULL REFERENCES county(code)
);

CREATE TABLE consultation (
	id		TEXT PRIMARY KEY,
	number		TEXT NOT NULL UNIQUE,
	channel		TEXT NOT NULL CHECK (channel IN ('phone', 'email',
			    'web', 'meeting')),
	requester_org	TEXT REFERENCES organization(code),
	requester_org_name TEXT,
	requester_name	TEXT NOT NULL,
	requester_phone	TEXT,
	requester_email	TEXT,
	county		TEXT NOT NULL REFERENCES county(code),
	region		TEXT NOT NULL REFERENCES region(code),
	assigned_org	TEXT NOT NULL REFERENCES organization(code),
	assigned_user	TEXT REFERENCES app_user(id),
	question	TEXT NOT NULL,
	concerns	TEXT NOT NULL,
	child_involved	INTEGER NOT NULL CHECK (child_involved IN (0, 1)),
	urgency		TEXT NOT NULL CHECK (urgency IN ('acute', 'normal')),
	consent		TEXT NOT NULL CHECK (consent IN ('none', 'given')),
	consent_scope	TEXT,
	consent_recorded_by TEXT REFERENCES app_user(id),
	consent_recorded_at TEXT,
	status		TEXT NOT NULL CHECK (status IN ('new', 'in_progress',
			    'answered', 'referred', 'closed')),
	notes		TEXT NOT NULL DEFAULT '',
	answer		TEXT,
	case_id		TEXT UNIQUE REFERENCES nmt_case(id),
	queue_key	TEXT NOT NULL,
	created_by	TEXT NOT NULL REFERENCES app_user(id),
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	version		INTEGER NOT NULL,
	CHECK ((consent = 'given') = (consent_scope IS NOT NULL))
);
CREATE INDEX consultation_queue ON consultation(queue_key, id);
CREATE INDEX consultation_region ON consultation(region, queue_key, id);
CREATE INDEX consultation_creator ON consultation(created_by, queue_key, id);

CREATE TABLE consultation_person (
	id		TEXT PRIMARY KEY,
	consultation_id	TEXT NOT NULL REFERENCES consultation(id),
	position	INTEGER NOT NULL,
	pseudonym	TEXT NOT NULL,
	gender		TEXT NOT NULL,
	birth_year	INTEGER,
	citizenship	TEXT,
	UNIQUE (consultation_id, position)
);
