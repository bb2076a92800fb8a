-- Core schema: reference data, accounts, cases, persons, teams, audit.
-- Times are RFC 3339 UTC text ("2026-11-28T21:00:00Z"), which sorts in time order.
-- Booleans are integers 0/1; lists are JSON arrays in text.

CREATE TABLE region (
	code		TEXT PRIMARY KEY,
	name_sv		TEXT NOT NULL,
	name_en		TEXT NOT NULL
);

CREATE TABLE county (
	code		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	region		TEXT NOT NULL REFERENCES region(code)
);

CREATE TABLE organization (
	code		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	kind		TEXT NOT NULL CHECK (kind IN ('secretariat', 'police',
			    'prosecutor', 'migration', 'coordinator', 'health',
			    'labour_inspection', 'tax', 'social_services', 'ngo',
			    'other')),
	region		TEXT REFERENCES region(code),
	county		TEXT REFERENCES county(code)
);

CREATE TABLE app_user (
	id		TEXT PRIMARY KEY,
	username	TEXT NOT NULL UNIQUE,
	display_name	TEXT NOT NULL,
	organization	TEXT NOT NULL REFERENCES organization(code),
	role		TEXT NOT NULL CHECK (role IN ('admin', 'coordinator',
			    'member', 'requester', 'analyst', 'auditor')),
	region		TEXT REFERENCES region(code),
	password_hash	TEXT NOT NULL,
	totp_sealed	TEXT NOT NULL,
	totp_last_step	INTEGER NOT NULL DEFAULT 0,
	status		TEXT NOT NULL DEFAULT 'active'
			    CHECK (status IN ('active', 'disabled')),
	created_at	TEXT NOT NULL
);

CREATE TABLE session (
	token_hash	TEXT PRIMARY KEY,
	user_id		TEXT NOT NULL REFERENCES app_user(id),
	csrf_token	TEXT NOT NULL,
	created_at	TEXT NOT NULL,
	last_seen_at	TEXT NOT NULL
);
CREATE INDEX session_by_user ON session(user_id);

CREATE TABLE api_token (
	token_hash	TEXT PRIMARY KEY,
	user_id		TEXT NOT NULL REFERENCES app_user(id),
	created_at	TEXT NOT NULL,
	revoked_at	TEXT
);

-- Per-name counters (case numbers per year), advanced inside the
-- transaction that uses them so no number is handed out twice.
CREATE TABLE counter (
	name		TEXT PRIMARY KEY,
	value		INTEGER NOT NULL
);

CREATE TABLE nmt_case (
	id		TEXT PRIMARY KEY,
	number		TEXT NOT NULL UNIQUE,
	title		TEXT NOT NULL,
	summary		TEXT NOT NULL,
	notes		TEXT NOT NULL DEFAULT '',
	status		TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	county		TEXT NOT NULL REFERENCES county(code),
	region		TEXT NOT NULL REFERENCES region(code),
	exploitation	TEXT NOT NULL,
	owner_user	TEXT NOT NULL REFERENCES app_user(id),
	owner_org	TEXT NOT NULL REFERENCES organization(code),
	search_text	TEXT NOT NULL,
	version		INTEGER NOT NULL,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL
);
CREATE INDEX nmt_case_region ON nmt_case(region, status);
CREATE INDEX nmt_case_owner_org ON nmt_case(owner_org);

CREATE TABLE case_member (
	id		TEXT PRIMARY KEY,
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	organization	TEXT NOT NULL REFERENCES organization(code),
	user_id		TEXT REFERENCES app_user(id),
	access		TEXT NOT NULL CHECK (access IN ('full', 'pseudonymous')),
	added_by	TEXT NOT NULL REFERENCES app_user(id),
	added_at	TEXT NOT NULL,
	expires_at	TEXT
);
CREATE INDEX case_member_case ON case_member(case_id);
CREATE INDEX case_member_org ON case_member(organization, case_id);
CREATE INDEX case_member_user ON case_member(user_id, case_id);

CREATE TABLE person (
	id		TEXT PRIMARY KEY,
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	pseudonym	TEXT NOT NULL,
	gender		TEXT NOT NULL CHECK (gender IN ('female', 'male',
			    'other', 'unknown')),
	birth_year	INTEGER,
	age_estimate	INTEGER,
	is_child	INTEGER NOT NULL,
	citizenship	TEXT,
	languages	TEXT NOT NULL,
	vulnerabilities	TEXT NOT NULL,
	protected_identity TEXT NOT NULL CHECK (protected_identity IN ('none',
			    'marked', 'protected_address', 'fictitious')),
	identity_sealed	TEXT,
	created_by	TEXT NOT NULL REFERENCES app_user(id),
	version		INTEGER NOT NULL,
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL
);
CREATE INDEX person_case ON person(case_id);

-- The audit log. Each entry's hash links it to the previous one; the
-- chain head is a single row locked by every writer, so concurrent
-- writers (threads or instances) can never fork the chain.
CREATE TABLE audit (
	seq		INTEGER PRIMARY KEY,
	at		TEXT NOT NULL,
	actor		TEXT,
	organization	TEXT,
	action		TEXT NOT NULL,
	object		TEXT,
	case_id		TEXT,
	client		TEXT,
	flagged		INTEGER NOT NULL DEFAULT 0,
	hash		TEXT NOT NULL
);
CREATE INDEX audit_case ON audit(case_id, seq);

CREATE TABLE audit_head (
	id		INTEGER PRIMARY KEY CHECK (id = 1),
	seq		INTEGER NOT NULL,
	hash		TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0,
    '0000000000000000000000000000000000000000000000000000000000000000');
