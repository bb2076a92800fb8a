-- Statistics (issue 12): person-level statistical records from outside
-- the system's own cases (`nmtctl import ctdc FILE --source NAME`: earlier
-- years, other data sources). A record carries no identity and belongs to
-- no case; GET /api/v1/stats counts it under source=NAME (and under
-- source=all), never under the system's own persons.
--
-- record_key makes an import idempotent: a digest of the record's
-- normalised fields and of its occurrence among identical records of the
-- same file (the k-anonymised CTDC file repeats identical rows), so the
-- same file imported twice adds nothing. Values use the system's codes:
-- gender as person.gender, age_band a CTDC band ('0-8' … '48+') or
-- 'unknown', child 'yes' | 'no' | 'unknown', citizenship ISO 3166-1
-- alpha-2 or 'unknown'. A record counts once in each of its exploitation
-- forms (stat_record_form, codes of the exploitation_forms vocabulary).
CREATE TABLE stat_record (
	source		TEXT NOT NULL,
	record_key	TEXT NOT NULL,
	year		INTEGER NOT NULL,
	gender		TEXT NOT NULL CHECK (gender IN ('female', 'male',
			    'other', 'unknown')),
	age_band	TEXT NOT NULL,
	child		TEXT NOT NULL CHECK (child IN ('yes', 'no', 'unknown')),
	citizenship	TEXT NOT NULL,
	datasource	TEXT NOT NULL,
	imported_at	TEXT NOT NULL,
	PRIMARY KEY (source, record_key)
);

CREATE TABLE stat_record_form (
	source		TEXT NOT NULL,
	record_key	TEXT NOT NULL,
	form		TEXT NOT NULL,
	PRIMARY KEY (source, record_key, form),
	FOREIGN KEY (source, record_key) REFERENCES stat_record(source, record_key)
);
