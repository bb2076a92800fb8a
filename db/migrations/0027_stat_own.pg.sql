-- Statistics at national-history scale (issue 13): the system's own
-- persons counted by summaries the write path keeps current (see the
-- SQLite file for the whole comment). stat_person_facts: each person's
-- value in every dimension of docs/STATISTICS.md (the civil year of
-- registration from the time-zone database, AT TIME ZONE
-- 'Europe/Stockholm'); stat_person: those values per person;
-- stat_own_pair: the persons per year, region and the values of one, two
-- or no dimensions; stat_own_nat: per year, region, gender, child,
-- citizenship and forms (n > 0 in both). Triggers keep them current in
-- the transaction of every write that changes a value, whoever the
-- writer is. A change of a person's values moves it between counts in
-- one statement per table, taking the rows in key order, so two such
-- changes never wait for each other in a cycle.
CREATE TABLE stat_person (
	person_id	TEXT PRIMARY KEY,
	year		BIGINT NOT NULL,
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
	year		BIGINT NOT NULL,
	region		TEXT NOT NULL,
	v1		TEXT NOT NULL,
	v2		TEXT NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (pair, year, region, v1, v2)
);
CREATE INDEX stat_own_pair_empty ON stat_own_pair (pair) WHERE n = 0;

CREATE TABLE stat_own_nat (
	year		BIGINT NOT NULL,
	region		TEXT NOT NULL,
	gender		TEXT NOT NULL,
	child		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	forms		TEXT NOT NULL,
	n		BIGINT NOT NULL,
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
		COALESCE(extract(year FROM p.created_at::timestamptz
		    AT TIME ZONE 'Europe/Stockholm')::bigint, 0) AS year,
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
		CASE WHEN jsonb_typeof(c.exploitation::jsonb) = 'array'
		    THEN COALESCE((SELECT string_agg(j.v #>> '{}', ','
		        ORDER BY j.v #>> '{}')
		        FROM jsonb_array_elements(c.exploitation::jsonb) j(v)
		        WHERE jsonb_typeof(j.v) = 'string'), '')
		    ELSE '' END AS forms
	FROM person p JOIN nmt_case c ON c.id = p.case_id) y) a;

-- the persons stored before this migration
INSERT INTO stat_person (person_id, year, region, county, citizenship,
    gender, age_band, child, presumed_victim, forms)
SELECT person_id, year, region, county, citizenship, gender, age_band,
    child, presumed_victim, forms FROM stat_person_facts;

-- A person's rows of stat_own_pair, each counting d (none for a NULL r).
CREATE FUNCTION stat_person_pairs(r stat_person, d BIGINT)
RETURNS TABLE (pair TEXT, year BIGINT, region TEXT, v1 TEXT, v2 TEXT, d BIGINT)
LANGUAGE sql IMMUTABLE AS $$
	SELECT x.pair, r.year, r.region, x.v1, x.v2, d
	FROM (VALUES ('', '', ''),
	    ('county', r.county, ''),
	    ('citizenship', r.citizenship, ''),
	    ('exploitation', r.forms, ''),
	    ('gender', r.gender, ''),
	    ('age_band', r.age_band, ''),
	    ('child', r.child, ''),
	    ('presumed_victim', r.presumed_victim, ''),
	    ('county,citizenship', r.county, r.citizenship),
	    ('county,exploitation', r.county, r.forms),
	    ('county,gender', r.county, r.gender),
	    ('county,age_band', r.county, r.age_band),
	    ('county,child', r.county, r.child),
	    ('county,presumed_victim', r.county, r.presumed_victim),
	    ('citizenship,exploitation', r.citizenship, r.forms),
	    ('citizenship,gender', r.citizenship, r.gender),
	    ('citizenship,age_band', r.citizenship, r.age_band),
	    ('citizenship,child', r.citizenship, r.child),
	    ('citizenship,presumed_victim', r.citizenship, r.presumed_victim),
	    ('exploitation,gender', r.forms, r.gender),
	    ('exploitation,age_band', r.forms, r.age_band),
	    ('exploitation,child', r.forms, r.child),
	    ('exploitation,presumed_victim', r.forms, r.presumed_victim),
	    ('gender,age_band', r.gender, r.age_band),
	    ('gender,child', r.gender, r.child),
	    ('gender,presumed_victim', r.gender, r.presumed_victim),
	    ('age_band,child', r.age_band, r.child),
	    ('age_band,presumed_victim', r.age_band, r.presumed_victim),
	    ('child,presumed_victim', r.child, r.presumed_victim)) x(pair,
	        v1, v2)
	WHERE r.person_id IS NOT NULL;
$$;

INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
SELECT x.pair, x.year, x.region, x.v1, x.v2, sum(x.d)
FROM stat_person p, stat_person_pairs(p, 1) x
GROUP BY 1, 2, 3, 4, 5;
INSERT INTO stat_own_nat (year, region, gender, child, citizenship, forms, n)
SELECT year, region, gender, child, citizenship, forms, count(*) FROM
    stat_person
GROUP BY year, region, gender, child, citizenship, forms;


-- A person out of its old counts (o) and into its new ones (nw); either
-- may be NULL.
CREATE FUNCTION stat_person_move(o stat_person, nw stat_person)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
	SELECT x.pair, x.year, x.region, x.v1, x.v2, sum(x.d)
	FROM (SELECT * FROM stat_person_pairs(o, -1)
	    UNION ALL SELECT * FROM stat_person_pairs(nw, 1)) x
	GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (pair, year, region, v1, v2)
	DO UPDATE SET n = stat_own_pair.n + EXCLUDED.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n)
	SELECT x.year, x.region, x.gender, x.child, x.citizenship, x.forms,
	    sum(x.d)
	FROM (SELECT o.year, o.region, o.gender, o.child, o.citizenship,
	    o.forms, -1 AS d WHERE o.person_id IS NOT NULL
	    UNION ALL SELECT nw.year, nw.region, nw.gender, nw.child,
	    nw.citizenship, nw.forms, 1 WHERE nw.person_id IS NOT NULL) x
	GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(x.d) <> 0
	ORDER BY 1, 2, 3, 4, 5, 6
	ON CONFLICT (year, region, gender, child, citizenship, forms)
	DO UPDATE SET n = stat_own_nat.n + EXCLUDED.n;
	DELETE FROM stat_own_pair WHERE n = 0;
	DELETE FROM stat_own_nat WHERE n = 0;
$$;

-- stat_person → the counts.
CREATE FUNCTION stat_person_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM stat_person_move(NULL, NEW);
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM stat_person_move(OLD, NULL);
	ELSE
		PERFORM stat_person_move(OLD, NEW);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_person_counted AFTER INSERT OR DELETE ON stat_person
FOR EACH ROW EXECUTE FUNCTION stat_person_counted();
CREATE TRIGGER stat_person_recounted AFTER UPDATE ON stat_person
FOR EACH ROW WHEN ((OLD.year, OLD.region, OLD.county, OLD.citizenship,
    OLD.gender, OLD.age_band, OLD.child, OLD.presumed_victim, OLD.forms)
    IS DISTINCT FROM (NEW.year, NEW.region, NEW.county, NEW.citizenship,
    NEW.gender, NEW.age_band, NEW.child, NEW.presumed_victim, NEW.forms))
EXECUTE FUNCTION stat_person_counted();

-- A person's values computed again (nothing when it has none).
CREATE FUNCTION stat_person_refresh(pid TEXT) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = pid
	ON CONFLICT (person_id) DO UPDATE SET year = EXCLUDED.year,
	    region = EXCLUDED.region, county = EXCLUDED.county,
	    citizenship = EXCLUDED.citizenship, gender = EXCLUDED.gender,
	    age_band = EXCLUDED.age_band, child = EXCLUDED.child,
	    presumed_victim = EXCLUDED.presumed_victim,
	    forms = EXCLUDED.forms
	WHERE (stat_person.year, stat_person.region, stat_person.county,
	    stat_person.citizenship, stat_person.gender,
	    stat_person.age_band, stat_person.child,
	    stat_person.presumed_victim, stat_person.forms)
	    IS DISTINCT FROM (EXCLUDED.year, EXCLUDED.region,
	    EXCLUDED.county, EXCLUDED.citizenship, EXCLUDED.gender,
	    EXCLUDED.age_band, EXCLUDED.child, EXCLUDED.presumed_victim,
	    EXCLUDED.forms);
$$;

-- the sources → stat_person
CREATE FUNCTION stat_person_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN
		DELETE FROM stat_person WHERE person_id = OLD.id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM stat_person_refresh(NEW.id);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_person_changed AFTER INSERT OR DELETE ON person
FOR EACH ROW EXECUTE FUNCTION stat_person_changed();
CREATE TRIGGER stat_person_updated AFTER UPDATE ON person
FOR EACH ROW WHEN (OLD.case_id IS DISTINCT FROM NEW.case_id
    OR OLD.created_at IS DISTINCT FROM NEW.created_at
    OR OLD.citizenship IS DISTINCT FROM NEW.citizenship
    OR OLD.gender IS DISTINCT FROM NEW.gender
    OR OLD.birth_year IS DISTINCT FROM NEW.birth_year
    OR OLD.age_estimate IS DISTINCT FROM NEW.age_estimate
    OR OLD.is_child IS DISTINCT FROM NEW.is_child
    OR OLD.id IS DISTINCT FROM NEW.id)
EXECUTE FUNCTION stat_person_changed();

CREATE FUNCTION stat_person_case_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	pid TEXT;
BEGIN
	FOR pid IN SELECT id FROM person WHERE case_id = NEW.id ORDER BY id
	LOOP
		PERFORM stat_person_refresh(pid);
	END LOOP;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_person_case_changed AFTER UPDATE ON nmt_case
FOR EACH ROW WHEN (OLD.region IS DISTINCT FROM NEW.region
    OR OLD.county IS DISTINCT FROM NEW.county
    OR OLD.exploitation IS DISTINCT FROM NEW.exploitation)
EXECUTE FUNCTION stat_person_case_changed();

CREATE FUNCTION stat_person_assessed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		PERFORM stat_person_refresh(OLD.person_id);
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM stat_person_refresh(NEW.person_id);
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_person_assessed AFTER INSERT OR UPDATE OR DELETE
ON person_assessment FOR EACH ROW EXECUTE FUNCTION stat_person_assessed();
