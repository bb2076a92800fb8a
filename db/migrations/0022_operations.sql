-- Operations (punktinsatser, issue 11): planned multi-agency efforts in a
-- region, their participants and the persons registered in the field.
--
-- An operation is planned → active → completed → evaluated, and planned |
-- active → cancelled. Its number (OP-YYYY-NNNN) comes from the per-year
-- counter ("operation-YYYY"). counties, exploitation: JSON arrays of
-- codes; checklist: a JSON array [{"id", "text": {"sv", "en"}, "done"}]
-- (a scenario's, ticked by PATCH). case_id: the operation's group case,
-- created at its first encounter without a named case.
CREATE TABLE operation (
	id		TEXT PRIMARY KEY,
	number		TEXT NOT NULL UNIQUE,
	kind		TEXT NOT NULL CHECK (kind IN ('operational', 'structural')),
	title		TEXT NOT NULL,
	purpose		TEXT NOT NULL,
	region		TEXT NOT NULL REFERENCES region(code),
	counties	TEXT NOT NULL,
	place		TEXT,
	starts_on	TEXT NOT NULL,
	ends_on		TEXT NOT NULL,
	lead_org	TEXT NOT NULL REFERENCES organization(code),
	exploitation	TEXT NOT NULL,
	scenario	TEXT,
	status		TEXT NOT NULL CHECK (status IN ('planned', 'active',
			    'completed', 'evaluated', 'cancelled')),
	checklist	TEXT NOT NULL,
	notes		TEXT,
	persons_met	INTEGER,
	after_action	TEXT,
	lessons		TEXT,
	case_id		TEXT REFERENCES nmt_case(id),
	created_by	TEXT NOT NULL REFERENCES app_user(id),
	created_at	TEXT NOT NULL,
	updated_at	TEXT NOT NULL,
	version		INTEGER NOT NULL
);
CREATE INDEX operation_start ON operation(starts_on, id);
CREATE INDEX operation_region ON operation(region, starts_on, id);

-- Who takes part: an organization, or one of its users by name, with a
-- role (lead, field, support, interpreter, observer). The lead
-- organization's row (role lead) is made with the operation.
CREATE TABLE operation_participant (
	id		TEXT PRIMARY KEY,
	operation_id	TEXT NOT NULL REFERENCES operation(id),
	organization	TEXT NOT NULL REFERENCES organization(code),
	user_id		TEXT REFERENCES app_user(id),
	role		TEXT NOT NULL CHECK (role IN ('lead', 'field', 'support',
			    'interpreter', 'observer')),
	added_by	TEXT NOT NULL REFERENCES app_user(id),
	added_at	TEXT NOT NULL
);
CREATE UNIQUE INDEX operation_participant_unique ON operation_participant
    (operation_id, organization, COALESCE(user_id, ''));
CREATE INDEX operation_participant_org ON operation_participant
    (organization, operation_id);
CREATE INDEX operation_participant_user ON operation_participant
    (user_id, operation_id);

-- A person registered in the field: the person is an ordinary person of
-- case_id (the group case or a named one). needs: a JSON array of
-- immediate_needs codes. client_ref: the field form's own id, so a
-- resent encounter is answered, not written twice.
CREATE TABLE operation_encounter (
	id		TEXT PRIMARY KEY,
	operation_id	TEXT NOT NULL REFERENCES operation(id),
	person_id	TEXT NOT NULL REFERENCES person(id),
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	needs		TEXT NOT NULL,
	client_ref	TEXT,
	created_by	TEXT NOT NULL REFERENCES app_user(id),
	created_at	TEXT NOT NULL
);
CREATE INDEX operation_encounter_op ON operation_encounter
    (operation_id, created_at, id);
CREATE UNIQUE INDEX operation_encounter_ref ON operation_encounter
    (operation_id, client_ref);

-- A team row an operation granted on its group case: it ends with the
-- operation (store_operation.c), unless the organization is on the team
-- for another reason (an explicit row; an active task takes it over).
ALTER TABLE case_member ADD COLUMN operation_id TEXT;
