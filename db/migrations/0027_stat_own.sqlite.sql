-- Statistics at national-history scale (issue 13): the system's own
-- persons counted by summaries the write path keeps current, so that
-- GET /api/v1/stats reads a few thousand counts instead of a million
-- persons, their cases and their assessments.
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
-- untrusted). The Swedish civil year begins at 23:00 UTC on 31 December:
-- every new year falls in standard time (UTC+1), so the year of an
-- instant is the UTC year of the instant plus one hour (PostgreSQL asks
-- its own time-zone database, AT TIME ZONE 'Europe/Stockholm').
--
-- stat_person holds those values per person (derived, one row each).
-- The counts, per year and region (every query may name both):
-- - stat_own_pair: the persons per value of one dimension (pair 'gender',
--   v1 the value), of two ('citizenship,gender', the dimensions in the
--   order county, citizenship, exploitation, gender, age_band, child,
--   presumed_victim; v1 and v2 their values), or of none (pair ''), so a
--   table of one or two dimensions reads one pair's rows;
-- - stat_own_nat: the persons per gender, child, citizenship and forms,
--   what the Eurostat and the national tables count by.
-- A count that falls to 0 is removed. Triggers keep all of them current
-- in the transaction of every write that changes a value — a person
-- inserted, changed or removed, a case's region, county or forms changed,
-- an assessment made — whoever the writer is (nmtd, nmtctl
-- seed-synthetic, an import, SQL by hand), so a query never sees a stale
-- count.
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

CREATE TABLE stat_own_pair (
	pair		TEXT NOT NULL,
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	v1		TEXT NOT NULL,
	v2		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (pair, year, region, v1, v2)
);
CREATE INDEX stat_own_pair_empty ON stat_own_pair (pair) WHERE n = 0;

CREATE TABLE stat_own_nat (
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	gender		TEXT NOT NULL,
	child		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	forms		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (year, region, gender, child, citizenship, forms)
);
CREATE INDEX stat_own_nat_empty ON stat_own_nat (year) WHERE n = 0;

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
INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
SELECT pair, year, region, v1, v2, sum(d) FROM (
    SELECT '' AS pair, p.year AS year, p.region AS region, '' AS v1, '' AS
        v2, 1 AS d FROM stat_person p
    UNION ALL SELECT 'county', p.year, p.region, p.county, '', 1 FROM
        stat_person p
    UNION ALL SELECT 'citizenship', p.year, p.region, p.citizenship, '', 1
        FROM stat_person p
    UNION ALL SELECT 'exploitation', p.year, p.region, p.forms, '', 1 FROM
        stat_person p
    UNION ALL SELECT 'gender', p.year, p.region, p.gender, '', 1 FROM
        stat_person p
    UNION ALL SELECT 'age_band', p.year, p.region, p.age_band, '', 1 FROM
        stat_person p
    UNION ALL SELECT 'child', p.year, p.region, p.child, '', 1 FROM
        stat_person p
    UNION ALL SELECT 'presumed_victim', p.year, p.region,
        p.presumed_victim, '', 1 FROM stat_person p
    UNION ALL SELECT 'county,citizenship', p.year, p.region, p.county,
        p.citizenship, 1 FROM stat_person p
    UNION ALL SELECT 'county,exploitation', p.year, p.region, p.county,
        p.forms, 1 FROM stat_person p
    UNION ALL SELECT 'county,gender', p.year, p.region, p.county, p.gender,
        1 FROM stat_person p
    UNION ALL SELECT 'county,age_band', p.year, p.region, p.county,
        p.age_band, 1 FROM stat_person p
    UNION ALL SELECT 'county,child', p.year, p.region, p.county, p.child, 1
        FROM stat_person p
    UNION ALL SELECT 'county,presumed_victim', p.year, p.region, p.county,
        p.presumed_victim, 1 FROM stat_person p
    UNION ALL SELECT 'citizenship,exploitation', p.year, p.region,
        p.citizenship, p.forms, 1 FROM stat_person p
    UNION ALL SELECT 'citizenship,gender', p.year, p.region, p.citizenship,
        p.gender, 1 FROM stat_person p
    UNION ALL SELECT 'citizenship,age_band', p.year, p.region,
        p.citizenship, p.age_band, 1 FROM stat_person p
    UNION ALL SELECT 'citizenship,child', p.year, p.region, p.citizenship,
        p.child, 1 FROM stat_person p
    UNION ALL SELECT 'citizenship,presumed_victim', p.year, p.region,
        p.citizenship, p.presumed_victim, 1 FROM stat_person p
    UNION ALL SELECT 'exploitation,gender', p.year, p.region, p.forms,
        p.gender, 1 FROM stat_person p
    UNION ALL SELECT 'exploitation,age_band', p.year, p.region, p.forms,
        p.age_band, 1 FROM stat_person p
    UNION ALL SELECT 'exploitation,child', p.year, p.region, p.forms,
        p.child, 1 FROM stat_person p
    UNION ALL SELECT 'exploitation,presumed_victim', p.year, p.region,
        p.forms, p.presumed_victim, 1 FROM stat_person p
    UNION ALL SELECT 'gender,age_band', p.year, p.region, p.gender,
        p.age_band, 1 FROM stat_person p
    UNION ALL SELECT 'gender,child', p.year, p.region, p.gender, p.child, 1
        FROM stat_person p
    UNION ALL SELECT 'gender,presumed_victim', p.year, p.region, p.gender,
        p.presumed_victim, 1 FROM stat_person p
    UNION ALL SELECT 'age_band,child', p.year, p.region, p.age_band,
        p.child, 1 FROM stat_person p
    UNION ALL SELECT 'age_band,presumed_victim', p.year, p.region,
        p.age_band, p.presumed_victim, 1 FROM stat_person p
    UNION ALL SELECT 'child,presumed_victim', p.year, p.region, p.child,
        p.presumed_victim, 1 FROM stat_person p)
GROUP BY pair, year, region, v1, v2;
INSERT INTO stat_own_nat (year, region, gender, child, citizenship, forms, n)
SELECT year, region, gender, child, citizenship, forms, count(*) FROM
    stat_person
GROUP BY year, region, gender, child, citizenship, forms;

-- stat_person → the counts: a person counts once in each (its forms as
-- one list); a change moves it out of its old counts and into its new
-- ones in one statement per table.
CREATE TRIGGER stat_person_counted_ins AFTER INSERT ON stat_person
BEGIN
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
	SELECT pair, year, region, v1, v2, sum(d) FROM (
	    SELECT '' AS pair, NEW.year AS year, NEW.region AS region, ''
	        AS v1, '' AS v2, 1 AS d
	    UNION ALL SELECT 'county', NEW.year, NEW.region, NEW.county, '', 1
	    UNION ALL SELECT 'citizenship', NEW.year, NEW.region,
	        NEW.citizenship, '', 1
	    UNION ALL SELECT 'exploitation', NEW.year, NEW.region,
	        NEW.forms, '', 1
	    UNION ALL SELECT 'gender', NEW.year, NEW.region, NEW.gender, '', 1
	    UNION ALL SELECT 'age_band', NEW.year, NEW.region,
	        NEW.age_band, '', 1
	    UNION ALL SELECT 'child', NEW.year, NEW.region, NEW.child, '', 1
	    UNION ALL SELECT 'presumed_victim', NEW.year, NEW.region,
	        NEW.presumed_victim, '', 1
	    UNION ALL SELECT 'county,citizenship', NEW.year, NEW.region,
	        NEW.county, NEW.citizenship, 1
	    UNION ALL SELECT 'county,exploitation', NEW.year, NEW.region,
	        NEW.county, NEW.forms, 1
	    UNION ALL SELECT 'county,gender', NEW.year, NEW.region,
	        NEW.county, NEW.gender, 1
	    UNION ALL SELECT 'county,age_band', NEW.year, NEW.region,
	        NEW.county, NEW.age_band, 1
	    UNION ALL SELECT 'county,child', NEW.year, NEW.region,
	        NEW.county, NEW.child, 1
	    UNION ALL SELECT 'county,presumed_victim', NEW.year,
	        NEW.region, NEW.county, NEW.presumed_victim, 1
	    UNION ALL SELECT 'citizenship,exploitation', NEW.year,
	        NEW.region, NEW.citizenship, NEW.forms, 1
	    UNION ALL SELECT 'citizenship,gender', NEW.year, NEW.region,
	        NEW.citizenship, NEW.gender, 1
	    UNION ALL SELECT 'citizenship,age_band', NEW.year, NEW.region,
	        NEW.citizenship, NEW.age_band, 1
	    UNION ALL SELECT 'citizenship,child', NEW.year, NEW.region,
	        NEW.citizenship, NEW.child, 1
	    UNION ALL SELECT 'citizenship,presumed_victim', NEW.year,
	        NEW.region, NEW.citizenship, NEW.presumed_victim, 1
	    UNION ALL SELECT 'exploitation,gender', NEW.year, NEW.region,
	        NEW.forms, NEW.gender, 1
	    UNION ALL SELECT 'exploitation,age_band', NEW.year, NEW.region,
	        NEW.forms, NEW.age_band, 1
	    UNION ALL SELECT 'exploitation,child', NEW.year, NEW.region,
	        NEW.forms, NEW.child, 1
	    UNION ALL SELECT 'exploitation,presumed_victim', NEW.year,
	        NEW.region, NEW.forms, NEW.presumed_victim, 1
	    UNION ALL SELECT 'gender,age_band', NEW.year, NEW.region,
	        NEW.gender, NEW.age_band, 1
	    UNION ALL SELECT 'gender,child', NEW.year, NEW.region,
	        NEW.gender, NEW.child, 1
	    UNION ALL SELECT 'gender,presumed_victim', NEW.year,
	        NEW.region, NEW.gender, NEW.presumed_victim, 1
	    UNION ALL SELECT 'age_band,child', NEW.year, NEW.region,
	        NEW.age_band, NEW.child, 1
	    UNION ALL SELECT 'age_band,presumed_victim', NEW.year,
	        NEW.region, NEW.age_band, NEW.presumed_victim, 1
	    UNION ALL SELECT 'child,presumed_victim', NEW.year, NEW.region,
	        NEW.child, NEW.presumed_victim, 1)
	WHERE true GROUP BY pair, year, region, v1, v2 HAVING sum(d) <> 0
	ON CONFLICT (pair, year, region, v1, v2) DO UPDATE SET n = n +
	    excluded.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n)
	SELECT year, region, gender, child, citizenship, forms, sum(d) FROM (
	    SELECT NEW.year AS year, NEW.region AS region, NEW.gender AS
	        gender, NEW.child AS child, NEW.citizenship AS citizenship,
	        NEW.forms AS forms, 1 AS d)
	WHERE true GROUP BY year, region, gender, child, citizenship, forms
	    HAVING sum(d) <> 0
	ON CONFLICT (year, region, gender, child, citizenship, forms) DO
	    UPDATE SET n = n + excluded.n;
END;
CREATE TRIGGER stat_person_counted_del AFTER DELETE ON stat_person
BEGIN
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
	SELECT pair, year, region, v1, v2, sum(d) FROM (
	    SELECT '' AS pair, OLD.year AS year, OLD.region AS region, ''
	        AS v1, '' AS v2, -1 AS d
	    UNION ALL SELECT 'county', OLD.year, OLD.region, OLD.county, '', -1
	    UNION ALL SELECT 'citizenship', OLD.year, OLD.region,
	        OLD.citizenship, '', -1
	    UNION ALL SELECT 'exploitation', OLD.year, OLD.region,
	        OLD.forms, '', -1
	    UNION ALL SELECT 'gender', OLD.year, OLD.region, OLD.gender, '', -1
	    UNION ALL SELECT 'age_band', OLD.year, OLD.region,
	        OLD.age_band, '', -1
	    UNION ALL SELECT 'child', OLD.year, OLD.region, OLD.child, '', -1
	    UNION ALL SELECT 'presumed_victim', OLD.year, OLD.region,
	        OLD.presumed_victim, '', -1
	    UNION ALL SELECT 'county,citizenship', OLD.year, OLD.region,
	        OLD.county, OLD.citizenship, -1
	    UNION ALL SELECT 'county,exploitation', OLD.year, OLD.region,
	        OLD.county, OLD.forms, -1
	    UNION ALL SELECT 'county,gender', OLD.year, OLD.region,
	        OLD.county, OLD.gender, -1
	    UNION ALL SELECT 'county,age_band', OLD.year, OLD.region,
	        OLD.county, OLD.age_band, -1
	    UNION ALL SELECT 'county,child', OLD.year, OLD.region,
	        OLD.county, OLD.child, -1
	    UNION ALL SELECT 'county,presumed_victim', OLD.year,
	        OLD.region, OLD.county, OLD.presumed_victim, -1
	    UNION ALL SELECT 'citizenship,exploitation', OLD.year,
	        OLD.region, OLD.citizenship, OLD.forms, -1
	    UNION ALL SELECT 'citizenship,gender', OLD.year, OLD.region,
	        OLD.citizenship, OLD.gender, -1
	    UNION ALL SELECT 'citizenship,age_band', OLD.year, OLD.region,
	        OLD.citizenship, OLD.age_band, -1
	    UNION ALL SELECT 'citizenship,child', OLD.year, OLD.region,
	        OLD.citizenship, OLD.child, -1
	    UNION ALL SELECT 'citizenship,presumed_victim', OLD.year,
	        OLD.region, OLD.citizenship, OLD.presumed_victim, -1
	    UNION ALL SELECT 'exploitation,gender', OLD.year, OLD.region,
	        OLD.forms, OLD.gender, -1
	    UNION ALL SELECT 'exploitation,age_band', OLD.year, OLD.region,
	        OLD.forms, OLD.age_band, -1
	    UNION ALL SELECT 'exploitation,child', OLD.year, OLD.region,
	        OLD.forms, OLD.child, -1
	    UNION ALL SELECT 'exploitation,presumed_victim', OLD.year,
	        OLD.region, OLD.forms, OLD.presumed_victim, -1
	    UNION ALL SELECT 'gender,age_band', OLD.year, OLD.region,
	        OLD.gender, OLD.age_band, -1
	    UNION ALL SELECT 'gender,child', OLD.year, OLD.region,
	        OLD.gender, OLD.child, -1
	    UNION ALL SELECT 'gender,presumed_victim', OLD.year,
	        OLD.region, OLD.gender, OLD.presumed_victim, -1
	    UNION ALL SELECT 'age_band,child', OLD.year, OLD.region,
	        OLD.age_band, OLD.child, -1
	    UNION ALL SELECT 'age_band,presumed_victim', OLD.year,
	        OLD.region, OLD.age_band, OLD.presumed_victim, -1
	    UNION ALL SELECT 'child,presumed_victim', OLD.year, OLD.region,
	        OLD.child, OLD.presumed_victim, -1)
	WHERE true GROUP BY pair, year, region, v1, v2 HAVING sum(d) <> 0
	ON CONFLICT (pair, year, region, v1, v2) DO UPDATE SET n = n +
	    excluded.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n)
	SELECT year, region, gender, child, citizenship, forms, sum(d) FROM (
	    SELECT OLD.year AS year, OLD.region AS region, OLD.gender AS
	        gender, OLD.child AS child, OLD.citizenship AS citizenship,
	        OLD.forms AS forms, -1 AS d)
	WHERE true GROUP BY year, region, gender, child, citizenship, forms
	    HAVING sum(d) <> 0
	ON CONFLICT (year, region, gender, child, citizenship, forms) DO
	    UPDATE SET n = n + excluded.n;
	DELETE FROM stat_own_pair WHERE n = 0;
	DELETE FROM stat_own_nat WHERE n = 0;
END;
CREATE TRIGGER stat_person_counted_upd AFTER UPDATE ON stat_person
WHEN OLD.year <> NEW.year OR OLD.region <> NEW.region OR OLD.county <>
    NEW.county OR OLD.citizenship <> NEW.citizenship OR OLD.gender <>
    NEW.gender OR OLD.age_band <> NEW.age_band OR OLD.child <> NEW.child OR
    OLD.presumed_victim <> NEW.presumed_victim OR OLD.forms <> NEW.forms
BEGIN
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
	SELECT pair, year, region, v1, v2, sum(d) FROM (
	    SELECT '' AS pair, OLD.year AS year, OLD.region AS region, ''
	        AS v1, '' AS v2, -1 AS d
	    UNION ALL SELECT 'county', OLD.year, OLD.region, OLD.county, '', -1
	    UNION ALL SELECT 'citizenship', OLD.year, OLD.region,
	        OLD.citizenship, '', -1
	    UNION ALL SELECT 'exploitation', OLD.year, OLD.region,
	        OLD.forms, '', -1
	    UNION ALL SELECT 'gender', OLD.year, OLD.region, OLD.gender, '', -1
	    UNION ALL SELECT 'age_band', OLD.year, OLD.region,
	        OLD.age_band, '', -1
	    UNION ALL SELECT 'child', OLD.year, OLD.region, OLD.child, '', -1
	    UNION ALL SELECT 'presumed_victim', OLD.year, OLD.region,
	        OLD.presumed_victim, '', -1
	    UNION ALL SELECT 'county,citizenship', OLD.year, OLD.region,
	        OLD.county, OLD.citizenship, -1
	    UNION ALL SELECT 'county,exploitation', OLD.year, OLD.region,
	        OLD.county, OLD.forms, -1
	    UNION ALL SELECT 'county,gender', OLD.year, OLD.region,
	        OLD.county, OLD.gender, -1
	    UNION ALL SELECT 'county,age_band', OLD.year, OLD.region,
	        OLD.county, OLD.age_band, -1
	    UNION ALL SELECT 'county,child', OLD.year, OLD.region,
	        OLD.county, OLD.child, -1
	    UNION ALL SELECT 'county,presumed_victim', OLD.year,
	        OLD.region, OLD.county, OLD.presumed_victim, -1
	    UNION ALL SELECT 'citizenship,exploitation', OLD.year,
	        OLD.region, OLD.citizenship, OLD.forms, -1
	    UNION ALL SELECT 'citizenship,gender', OLD.year, OLD.region,
	        OLD.citizenship, OLD.gender, -1
	    UNION ALL SELECT 'citizenship,age_band', OLD.year, OLD.region,
	        OLD.citizenship, OLD.age_band, -1
	    UNION ALL SELECT 'citizenship,child', OLD.year, OLD.region,
	        OLD.citizenship, OLD.child, -1
	    UNION ALL SELECT 'citizenship,presumed_victim', OLD.year,
	        OLD.region, OLD.citizenship, OLD.presumed_victim, -1
	    UNION ALL SELECT 'exploitation,gender', OLD.year, OLD.region,
	        OLD.forms, OLD.gender, -1
	    UNION ALL SELECT 'exploitation,age_band', OLD.year, OLD.region,
	        OLD.forms, OLD.age_band, -1
	    UNION ALL SELECT 'exploitation,child', OLD.year, OLD.region,
	        OLD.forms, OLD.child, -1
	    UNION ALL SELECT 'exploitation,presumed_victim', OLD.year,
	        OLD.region, OLD.forms, OLD.presumed_victim, -1
	    UNION ALL SELECT 'gender,age_band', OLD.year, OLD.region,
	        OLD.gender, OLD.age_band, -1
	    UNION ALL SELECT 'gender,child', OLD.year, OLD.region,
	        OLD.gender, OLD.child, -1
	    UNION ALL SELECT 'gender,presumed_victim', OLD.year,
	        OLD.region, OLD.gender, OLD.presumed_victim, -1
	    UNION ALL SELECT 'age_band,child', OLD.year, OLD.region,
	        OLD.age_band, OLD.child, -1
	    UNION ALL SELECT 'age_band,presumed_victim', OLD.year,
	        OLD.region, OLD.age_band, OLD.presumed_victim, -1
	    UNION ALL SELECT 'child,presumed_victim', OLD.year, OLD.region,
	        OLD.child, OLD.presumed_victim, -1
	    UNION ALL SELECT '', NEW.year, NEW.region, '', '', 1
	    UNION ALL SELECT 'county', NEW.year, NEW.region, NEW.county, '', 1
	    UNION ALL SELECT 'citizenship', NEW.year, NEW.region,
	        NEW.citizenship, '', 1
	    UNION ALL SELECT 'exploitation', NEW.year, NEW.region,
	        NEW.forms, '', 1
	    UNION ALL SELECT 'gender', NEW.year, NEW.region, NEW.gender, '', 1
	    UNION ALL SELECT 'age_band', NEW.year, NEW.region,
	        NEW.age_band, '', 1
	    UNION ALL SELECT 'child', NEW.year, NEW.region, NEW.child, '', 1
	    UNION ALL SELECT 'presumed_victim', NEW.year, NEW.region,
	        NEW.presumed_victim, '', 1
	    UNION ALL SELECT 'county,citizenship', NEW.year, NEW.region,
	        NEW.county, NEW.citizenship, 1
	    UNION ALL SELECT 'county,exploitation', NEW.year, NEW.region,
	        NEW.county, NEW.forms, 1
	    UNION ALL SELECT 'county,gender', NEW.year, NEW.region,
	        NEW.county, NEW.gender, 1
	    UNION ALL SELECT 'county,age_band', NEW.year, NEW.region,
	        NEW.county, NEW.age_band, 1
	    UNION ALL SELECT 'county,child', NEW.year, NEW.region,
	        NEW.county, NEW.child, 1
	    UNION ALL SELECT 'county,presumed_victim', NEW.year,
	        NEW.region, NEW.county, NEW.presumed_victim, 1
	    UNION ALL SELECT 'citizenship,exploitation', NEW.year,
	        NEW.region, NEW.citizenship, NEW.forms, 1
	    UNION ALL SELECT 'citizenship,gender', NEW.year, NEW.region,
	        NEW.citizenship, NEW.gender, 1
	    UNION ALL SELECT 'citizenship,age_band', NEW.year, NEW.region,
	        NEW.citizenship, NEW.age_band, 1
	    UNION ALL SELECT 'citizenship,child', NEW.year, NEW.region,
	        NEW.citizenship, NEW.child, 1
	    UNION ALL SELECT 'citizenship,presumed_victim', NEW.year,
	        NEW.region, NEW.citizenship, NEW.presumed_victim, 1
	    UNION ALL SELECT 'exploitation,gender', NEW.year, NEW.region,
	        NEW.forms, NEW.gender, 1
	    UNION ALL SELECT 'exploitation,age_band', NEW.year, NEW.region,
	        NEW.forms, NEW.age_band, 1
	    UNION ALL SELECT 'exploitation,child', NEW.year, NEW.region,
	        NEW.forms, NEW.child, 1
	    UNION ALL SELECT 'exploitation,presumed_victim', NEW.year,
	        NEW.region, NEW.forms, NEW.presumed_victim, 1
	    UNION ALL SELECT 'gender,age_band', NEW.year, NEW.region,
	        NEW.gender, NEW.age_band, 1
	    UNION ALL SELECT 'gender,child', NEW.year, NEW.region,
	        NEW.gender, NEW.child, 1
	    UNION ALL SELECT 'gender,presumed_victim', NEW.year,
	        NEW.region, NEW.gender, NEW.presumed_victim, 1
	    UNION ALL SELECT 'age_band,child', NEW.year, NEW.region,
	        NEW.age_band, NEW.child, 1
	    UNION ALL SELECT 'age_band,presumed_victim', NEW.year,
	        NEW.region, NEW.age_band, NEW.presumed_victim, 1
	    UNION ALL SELECT 'child,presumed_victim', NEW.year, NEW.region,
	        NEW.child, NEW.presumed_victim, 1)
	WHERE true GROUP BY pair, year, region, v1, v2 HAVING sum(d) <> 0
	ON CONFLICT (pair, year, region, v1, v2) DO UPDATE SET n = n +
	    excluded.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n)
	SELECT year, region, gender, child, citizenship, forms, sum(d) FROM (
	    SELECT OLD.year AS year, OLD.region AS region, OLD.gender AS
	        gender, OLD.child AS child, OLD.citizenship AS citizenship,
	        OLD.forms AS forms, -1 AS d
	    UNION ALL SELECT NEW.year, NEW.region, NEW.gender, NEW.child,
	        NEW.citizenship, NEW.forms, 1)
	WHERE true GROUP BY year, region, gender, child, citizenship, forms
	    HAVING sum(d) <> 0
	ON CONFLICT (year, region, gender, child, citizenship, forms) DO
	    UPDATE SET n = n + excluded.n;
	DELETE FROM stat_own_pair WHERE n = 0;
	DELETE FROM stat_own_nat WHERE n = 0;
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
