-- Statistics at national-history scale (issue 13): the system's own
-- persons counted by a summary the write path keeps current, so that
-- GET /api/v1/stats groups a few thousand cells instead of reading a
-- million persons, their cases and their assessments.
--
-- stat_person_facts computes, for each person, the value of every
-- dimension the statistics count it by (docs/STATISTICS.md): the civil
-- year of registration in Europe/Stockholm, the case's region and county,
-- citizenship ('unknown' when not given), gender, the CTDC age band of
-- the age at registration, child, the latest assessment's presumed-victim
-- result and the case's exploitation forms (comma-separated, '' for
-- none: the case holds them as a JSON array of vocabulary codes, letters
-- and underscores, so its text without the JSON punctuation is the list;
-- SQLite's JSON functions are not allowed in the schema, which nmtd opens
-- untrusted). The Swedish civil year begins at 23:00 UTC on 31 December: every
-- new year falls in standard time (UTC+1), so the year of an instant is
-- the UTC year of the instant plus one hour (PostgreSQL asks its own
-- time-zone database, AT TIME ZONE 'Europe/Stockholm').
--
-- stat_person holds those values per person (derived, one row each);
-- stat_own counts the persons per combination of values (n > 0; a cell
-- whose last person leaves is removed). Triggers keep both current in
-- the transaction of every write that changes a value — a person
-- inserted, changed or removed, a case's region, county or forms
-- changed, an assessment made — whoever the writer is (nmtd, nmtctl
-- seed-synthetic, a test's SQL), so a query never sees a stale count.
CREATE TABLE stat_person (
	person_id	TEXT PRIMARY KEY,
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	gender		TEXT NOT NULL,
	age_band	TEXT NOT NULL,
	child		TEXT NOT NULL,
	presumed_victim	TEXT NOT NULL,
	forms		TEXT NOT NULL
);

CREATE TABLE stat_own (
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	gender		TEXT NOT NULL,
	age_band	TEXT NOT NULL,
	child		TEXT NOT NULL,
	presumed_victim	TEXT NOT NULL,
	forms		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (year, region, county, citizenship, gender, age_band,
	    child, presumed_victim, forms)
);

CREATE VIEW stat_person_facts AS
SELECT a.person_id AS person_id, a.year AS year, a.region AS region,
	a.county AS county, a.citizenship AS citizenship, a.gender AS gender,
	CASE WHEN a.age < 0 THEN 'unknown' WHEN a.age <= 8 THEN '0-8'
	WHEN a.age <= 17 THEN '9-17' WHEN a.age <= 20 THEN '18-20'
	WHEN a.age <= 23 THEN '21-23' WHEN a.age <= 26 THEN '24-26'
	WHEN a.age <= 29 THEN '27-29' WHEN a.age <= 38 THEN '30-38'
	WHEN a.age <= 47 THEN '39-47' ELSE '48+' END AS age_band,
	a.child AS child, a.presumed_victim AS presumed_victim,
	a.forms AS forms
FROM (SELECT y.*, CASE WHEN y.birth_year IS NOT NULL AND y.year > 0
		THEN y.year - y.birth_year
		WHEN y.age_estimate IS NOT NULL THEN y.age_estimate
		ELSE -1 END AS age
	FROM (SELECT p.id AS person_id,
		COALESCE(CAST(strftime('%Y', p.created_at, '+1 hour')
		    AS INTEGER), 0) AS year,
		p.birth_year AS birth_year, p.age_estimate AS age_estimate,
		c.region AS region, c.county AS county,
		CASE WHEN p.citizenship IS NULL OR p.citizenship = ''
		    THEN 'unknown' ELSE p.citizenship END AS citizenship,
		p.gender AS gender,
		CASE WHEN p.is_child <> 0 THEN 'yes' ELSE 'no' END AS child,
		COALESCE((SELECT CASE s.result WHEN 'presumed_victim'
		    THEN 'yes' ELSE 'no' END FROM person_assessment s
		    WHERE s.person_id = p.id ORDER BY s.seq DESC LIMIT 1),
		    'unknown') AS presumed_victim,
		replace(replace(replace(replace(c.exploitation, ' ', ''), '"',
		    ''), '[', ''), ']', '') AS forms
	FROM person p JOIN nmt_case c ON c.id = p.case_id) y) a;

-- the persons stored before this migration
INSERT INTO stat_person (person_id, year, region, county, citizenship,
    gender, age_band, child, presumed_victim, forms)
SELECT person_id, year, region, county, citizenship, gender, age_band,
    child, presumed_victim, forms FROM stat_person_facts;
INSERT INTO stat_own (year, region, county, citizenship, gender, age_band,
    child, presumed_victim, forms, n)
SELECT year, region, county, citizenship, gender, age_band, child,
    presumed_victim, forms, count(*) FROM stat_person
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

-- stat_person → stat_own: a person's cell counts it, and only it.
CREATE TRIGGER stat_person_counted_ins AFTER INSERT ON stat_person
BEGIN
	INSERT INTO stat_own (year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms, n)
	VALUES (NEW.year, NEW.region, NEW.county, NEW.citizenship,
	    NEW.gender, NEW.age_band, NEW.child, NEW.presumed_victim,
	    NEW.forms, 1)
	ON CONFLICT (year, region, county, citizenship, gender, age_band,
	    child, presumed_victim, forms) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER stat_person_counted_del AFTER DELETE ON stat_person
BEGIN
	DELETE FROM stat_own WHERE year = OLD.year AND region = OLD.region
	    AND county = OLD.county AND citizenship = OLD.citizenship
	    AND gender = OLD.gender AND age_band = OLD.age_band
	    AND child = OLD.child AND presumed_victim = OLD.presumed_victim
	    AND forms = OLD.forms AND n = 1;
	UPDATE stat_own SET n = n - 1 WHERE year = OLD.year
	    AND region = OLD.region AND county = OLD.county
	    AND citizenship = OLD.citizenship AND gender = OLD.gender
	    AND age_band = OLD.age_band AND child = OLD.child
	    AND presumed_victim = OLD.presumed_victim AND forms = OLD.forms;
END;
CREATE TRIGGER stat_person_counted_upd AFTER UPDATE ON stat_person
WHEN OLD.year <> NEW.year OR OLD.region <> NEW.region
    OR OLD.county <> NEW.county OR OLD.citizenship <> NEW.citizenship
    OR OLD.gender <> NEW.gender OR OLD.age_band <> NEW.age_band
    OR OLD.child <> NEW.child OR OLD.presumed_victim <> NEW.presumed_victim
    OR OLD.forms <> NEW.forms
BEGIN
	DELETE FROM stat_own WHERE year = OLD.year AND region = OLD.region
	    AND county = OLD.county AND citizenship = OLD.citizenship
	    AND gender = OLD.gender AND age_band = OLD.age_band
	    AND child = OLD.child AND presumed_victim = OLD.presumed_victim
	    AND forms = OLD.forms AND n = 1;
	UPDATE stat_own SET n = n - 1 WHERE year = OLD.year
	    AND region = OLD.region AND county = OLD.county
	    AND citizenship = OLD.citizenship AND gender = OLD.gender
	    AND age_band = OLD.age_band AND child = OLD.child
	    AND presumed_victim = OLD.presumed_victim AND forms = OLD.forms;
	INSERT INTO stat_own (year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms, n)
	VALUES (NEW.year, NEW.region, NEW.county, NEW.citizenship,
	    NEW.gender, NEW.age_band, NEW.child, NEW.presumed_victim,
	    NEW.forms, 1)
	ON CONFLICT (year, region, county, citizenship, gender, age_band,
	    child, presumed_victim, forms) DO UPDATE SET n = n + 1;
END;

-- the sources → stat_person
CREATE TRIGGER stat_person_ins AFTER INSERT ON person
BEGIN
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = NEW.id;
END;
CREATE TRIGGER stat_person_upd AFTER UPDATE ON person
WHEN OLD.case_id IS NOT NEW.case_id OR OLD.created_at IS NOT NEW.created_at
    OR OLD.citizenship IS NOT NEW.citizenship OR OLD.gender IS NOT NEW.gender
    OR OLD.birth_year IS NOT NEW.birth_year
    OR OLD.age_estimate IS NOT NEW.age_estimate
    OR OLD.is_child IS NOT NEW.is_child OR OLD.id IS NOT NEW.id
BEGIN
	DELETE FROM stat_person WHERE person_id = OLD.id AND OLD.id <> NEW.id;
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = NEW.id
	ON CONFLICT (person_id) DO UPDATE SET year = excluded.year,
	    region = excluded.region, county = excluded.county,
	    citizenship = excluded.citizenship, gender = excluded.gender,
	    age_band = excluded.age_band, child = excluded.child,
	    presumed_victim = excluded.presumed_victim,
	    forms = excluded.forms;
END;
CREATE TRIGGER stat_person_del AFTER DELETE ON person
BEGIN
	DELETE FROM stat_person WHERE person_id = OLD.id;
END;
CREATE TRIGGER stat_person_case_upd AFTER UPDATE ON nmt_case
WHEN OLD.region IS NOT NEW.region OR OLD.county IS NOT NEW.county
    OR OLD.exploitation IS NOT NEW.exploitation
BEGIN
	UPDATE stat_person SET (region, county, forms) = (SELECT f.region,
	    f.county, f.forms FROM stat_person_facts f
	    WHERE f.person_id = stat_person.person_id)
	WHERE person_id IN (SELECT id FROM person WHERE case_id = NEW.id);
END;
CREATE TRIGGER stat_person_assessed_ins AFTER INSERT ON person_assessment
BEGIN
	UPDATE stat_person SET presumed_victim = (SELECT f.presumed_victim
	    FROM stat_person_facts f WHERE f.person_id = NEW.person_id)
	WHERE person_id = NEW.person_id;
END;
CREATE TRIGGER stat_person_assessed_upd AFTER UPDATE ON person_assessment
BEGIN
	UPDATE stat_person SET presumed_victim = (SELECT f.presumed_victim
	    FROM stat_person_facts f WHERE f.person_id = stat_person.person_id)
	WHERE person_id IN (OLD.person_id, NEW.person_id);
END;
CREATE TRIGGER stat_person_assessed_del AFTER DELETE ON person_assessment
BEGIN
	UPDATE stat_person SET presumed_victim = COALESCE((SELECT
	    f.presumed_victim FROM stat_person_facts f
	    WHERE f.person_id = OLD.person_id), 'unknown')
	WHERE person_id = OLD.person_id;
END;
