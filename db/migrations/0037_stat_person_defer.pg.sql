-- The persons of a bulk load counted once per transaction (issue 13),
-- as in the SQLite migration of the same number. While stat_defer holds
-- its row, which a bulk load adds and removes inside its own transaction
-- (store_stat_defer and store_stat_settle), a new person is only queued
-- in stat_person_pending; before that transaction commits,
-- store_stat_settle computes the queued persons' values from
-- stat_person_facts and counts them grouped, then empties both tables.
-- A queued person has no row in stat_person and is in no count until
-- then: stat_person_refresh leaves it alone (its assessments, its case's
-- changes and its own), and its row, when the settling inserts it, is
-- not counted row by row. Other transactions never see the row of
-- stat_defer: it is gone before the bulk load's transaction commits.
CREATE TABLE stat_defer (
	id		INTEGER PRIMARY KEY CHECK (id = 1)
);
CREATE TABLE stat_person_pending (
	person_id	TEXT PRIMARY KEY
);

CREATE OR REPLACE FUNCTION stat_person_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM stat_defer) THEN
		INSERT INTO stat_person_pending (person_id) VALUES (NEW.id)
		ON CONFLICT DO NOTHING;
		RETURN NULL;
	END IF;
	IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.id <> NEW.id) THEN
		DELETE FROM stat_person WHERE person_id = OLD.id;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		PERFORM stat_person_refresh(NEW.id);
	END IF;
	RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION stat_person_refresh(pid TEXT) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = pid
	    AND NOT EXISTS (SELECT 1 FROM stat_person_pending q
	    WHERE q.person_id = pid)
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

CREATE OR REPLACE FUNCTION stat_person_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM stat_person_pending q
	    WHERE q.person_id = NEW.person_id) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
		SELECT x.pair, x.year, x.region, x.v1, x.v2, x.d
		FROM stat_person_pairs(NEW, 1) x ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (pair, year, region, v1, v2)
		DO UPDATE SET n = stat_own_pair.n + EXCLUDED.n;
		INSERT INTO stat_own_nat (year, region, gender, child,
		    citizenship, forms, n)
		VALUES (NEW.year, NEW.region, NEW.gender, NEW.child,
		    NEW.citizenship, NEW.forms, 1)
		ON CONFLICT (year, region, gender, child, citizenship, forms)
		DO UPDATE SET n = stat_own_nat.n + EXCLUDED.n;
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM stat_person_move(OLD, NULL);
	ELSE
		PERFORM stat_person_move(OLD, NEW);
	END IF;
	RETURN NULL;
END;
$$;
