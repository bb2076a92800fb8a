-- The deferral of 0037, made safe (issue 13).
--
-- A deferral (store_stat_defer) cannot commit unsettled: its row of
-- stat_defer names a row of stat_defer_never, which stays empty, and
-- the check of that reference waits for the commit, so a transaction
-- that has not removed the row (store_stat_settle) fails to commit and
-- leaves nothing behind. A row added by hand without that reference
-- (NULL) is settled by nmtd when it starts (store_stat_settle_left).
--
-- And a person who takes the id of a queued one gives up the row of its
-- old id: 0037's update trigger skipped its whole body for a queued id,
-- the removal of the old row with the rest; now only the recount waits
-- for the settling.
CREATE TABLE stat_defer_never (
	id		INTEGER PRIMARY KEY
);
ALTER TABLE stat_defer ADD COLUMN must_settle INTEGER
    REFERENCES stat_defer_never (id) DEFERRABLE INITIALLY DEFERRED;

DROP TRIGGER stat_person_upd;
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
	    AND NOT EXISTS (SELECT 1 FROM stat_person_pending
	    WHERE person_id = NEW.id)
	ON CONFLICT (person_id) DO UPDATE SET year = excluded.year,
	    region = excluded.region, county = excluded.county,
	    citizenship = excluded.citizenship, gender = excluded.gender,
	    age_band = excluded.age_band, child = excluded.child,
	    presumed_victim = excluded.presumed_victim,
	    forms = excluded.forms;
END;
