-- Indicator screening: a person's assessments against the ILO/EC
-- indicator catalogue (data/indicators/, embedded in the binaries).
--
-- An assessment is never changed or removed: a newer one is a new row
-- (seq orders a person's assessments in the order they were made). It
-- keeps the catalogue version and set it was made with, the observed
-- indicator ids, and what the rule gave then (result, per-dimension
-- counts, explanation: JSON text), and the person's vulnerability factors
-- and whether a child at the time, as context.
CREATE TABLE person_assessment (
	id		TEXT PRIMARY KEY,
	person_id	TEXT NOT NULL REFERENCES person(id),
	case_id		TEXT NOT NULL REFERENCES nmt_case(id),
	seq		INTEGER NOT NULL,
	set_id		TEXT NOT NULL CHECK (set_id IN ('adult-labour',
			    'adult-sexual', 'child-labour', 'child-sexual')),
	catalogue_version INTEGER NOT NULL,
	observed	TEXT NOT NULL,
	note		TEXT,
	result		TEXT NOT NULL CHECK (result IN ('presumed_victim',
			    'indications', 'no_indications')),
	dimensions	TEXT NOT NULL,
	explanation	TEXT NOT NULL,
	vulnerabilities	TEXT NOT NULL,
	is_child	INTEGER NOT NULL CHECK (is_child IN (0, 1)),
	assessed_by	TEXT NOT NULL REFERENCES app_user(id),
	assessed_org	TEXT NOT NULL REFERENCES organization(code),
	assessed_at	TEXT NOT NULL
);
CREATE UNIQUE INDEX person_assessment_order
	ON person_assessment (person_id, seq);

CREATE FUNCTION person_assessment_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER person_assessment_append_only BEFORE UPDATE OR DELETE
ON person_assessment FOR EACH ROW
EXECUTE FUNCTION person_assessment_append_only();
CREATE TRIGGER person_assessment_no_truncate BEFORE TRUNCATE
ON person_assessment FOR EACH STATEMENT
EXECUTE FUNCTION person_assessment_append_only();
