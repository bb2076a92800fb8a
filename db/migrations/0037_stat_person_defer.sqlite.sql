-- The persons of a bulk load counted once per transaction (issue 13).
-- Each person written counts itself into 30 rows of the summaries of
-- 0027 through these triggers: about 65 µs per person, a third of what
-- `nmtctl seed-synthetic` spent on each (100 000 persons). While
-- stat_defer holds its row, which a bulk load adds and removes inside
-- its own transaction (store_stat_defer and store_stat_settle), a new
-- person is only queued in stat_person_pending; before that transaction
-- commits, store_stat_settle computes the queued persons' values from
-- stat_person_facts and counts them grouped, then empties both tables.
-- A queued person has no row in stat_person and is in no count until
-- then, whatever else the transaction changes: its assessments and its
-- case's changes find no row to update, and a change of the person
-- itself waits for the settling too. Other writers never see the row of
-- stat_defer: it is gone before the bulk load's transaction commits.
CREATE TABLE stat_defer (
	id		INTEGER PRIMARY KEY CHECK (id = 1)
);
CREATE TABLE stat_person_pending (
	person_id	TEXT PRIMARY KEY
);

DROP TRIGGER stat_person_ins;
DROP TRIGGER stat_person_upd;
DROP TRIGGER stat_person_counted_ins;
CREATE TRIGGER stat_person_ins AFTER INSERT ON person
WHEN NOT EXISTS (SELECT 1 FROM stat_defer)
BEGIN
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = NEW.id;
END;
CREATE TRIGGER stat_person_queued AFTER INSERT ON person
WHEN EXISTS (SELECT 1 FROM stat_defer)
BEGIN
	INSERT OR IGNORE INTO stat_person_pending (person_id) VALUES (NEW.id);
END;
CREATE TRIGGER stat_person_upd AFTER UPDATE ON person
WHEN (OLD.case_id IS NOT NEW.case_id OR OLD.created_at IS NOT NEW.created_at
    OR OLD.citizenship IS NOT NEW.citizenship OR OLD.gender IS NOT NEW.gender
    OR OLD.birth_year IS NOT NEW.birth_year
    OR OLD.age_estimate IS NOT NEW.age_estimate
    OR OLD.is_child IS NOT NEW.is_child OR OLD.id IS NOT NEW.id)
    AND NOT EXISTS (SELECT 1 FROM stat_person_pending
    WHERE person_id = NEW.id)
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
CREATE TRIGGER stat_person_counted_ins AFTER INSERT ON stat_person
WHEN NOT EXISTS (SELECT 1 FROM stat_person_pending
    WHERE person_id = NEW.person_id)
BEGIN
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n) VALUES
	    ('', NEW.year, NEW.region, '', '', 1),
	    ('county', NEW.year, NEW.region, NEW.county, '', 1),
	    ('citizenship', NEW.year, NEW.region, NEW.citizenship, '', 1),
	    ('exploitation', NEW.year, NEW.region, NEW.forms, '', 1),
	    ('gender', NEW.year, NEW.region, NEW.gender, '', 1),
	    ('age_band', NEW.year, NEW.region, NEW.age_band, '', 1),
	    ('child', NEW.year, NEW.region, NEW.child, '', 1),
	    ('presumed_victim', NEW.year, NEW.region, NEW.presumed_victim, '', 1),
	    ('county,citizenship', NEW.year, NEW.region, NEW.county, NEW.citizenship, 1),
	    ('county,exploitation', NEW.year, NEW.region, NEW.county, NEW.forms, 1),
	    ('county,gender', NEW.year, NEW.region, NEW.county, NEW.gender, 1),
	    ('county,age_band', NEW.year, NEW.region, NEW.county, NEW.age_band, 1),
	    ('county,child', NEW.year, NEW.region, NEW.county, NEW.child, 1),
	    ('county,presumed_victim', NEW.year, NEW.region, NEW.county, NEW.presumed_victim, 1),
	    ('citizenship,exploitation', NEW.year, NEW.region, NEW.citizenship, NEW.forms, 1),
	    ('citizenship,gender', NEW.year, NEW.region, NEW.citizenship, NEW.gender, 1),
	    ('citizenship,age_band', NEW.year, NEW.region, NEW.citizenship, NEW.age_band, 1),
	    ('citizenship,child', NEW.year, NEW.region, NEW.citizenship, NEW.child, 1),
	    ('citizenship,presumed_victim', NEW.year, NEW.region, NEW.citizenship, NEW.presumed_victim, 1),
	    ('exploitation,gender', NEW.year, NEW.region, NEW.forms, NEW.gender, 1),
	    ('exploitation,age_band', NEW.year, NEW.region, NEW.forms, NEW.age_band, 1),
	    ('exploitation,child', NEW.year, NEW.region, NEW.forms, NEW.child, 1),
	    ('exploitation,presumed_victim', NEW.year, NEW.region, NEW.forms, NEW.presumed_victim, 1),
	    ('gender,age_band', NEW.year, NEW.region, NEW.gender, NEW.age_band, 1),
	    ('gender,child', NEW.year, NEW.region, NEW.gender, NEW.child, 1),
	    ('gender,presumed_victim', NEW.year, NEW.region, NEW.gender, NEW.presumed_victim, 1),
	    ('age_band,child', NEW.year, NEW.region, NEW.age_band, NEW.child, 1),
	    ('age_band,presumed_victim', NEW.year, NEW.region, NEW.age_band, NEW.presumed_victim, 1),
	    ('child,presumed_victim', NEW.year, NEW.region, NEW.child, NEW.presumed_victim, 1)
	ON CONFLICT (pair, year, region, v1, v2) DO UPDATE SET n = n +
	    excluded.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n) VALUES (NEW.year, NEW.region, NEW.gender, NEW.child,
	    NEW.citizenship, NEW.forms, 1)
	ON CONFLICT (year, region, gender, child, citizenship, forms) DO
	    UPDATE SET n = n + excluded.n;
END;
