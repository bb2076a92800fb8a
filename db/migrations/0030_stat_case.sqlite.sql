-- Statistics of cases at national-history scale (issue 13): the cases
-- counted per civil year of registration in Europe/Stockholm, region,
-- county and exploitation forms (the case's JSON array as stored; the
-- statistics split it), so that GET /api/v1/stats?measure=cases reads a
-- few thousand counts instead of every case. The civil year of an
-- instant is its UTC year one hour later: every new year falls in
-- standard time (UTC+1), as in 0027. A count that falls to 0 is removed.
-- Triggers keep it current in the transaction of every write that adds,
-- changes or removes a case, whoever the writer is.
CREATE TABLE stat_case (
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	exploitation	TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (year, region, county, exploitation)
);

-- the cases stored before this migration
INSERT INTO stat_case (year, region, county, exploitation, n)
SELECT COALESCE(CAST(strftime('%Y', created_at, '+1 hour') AS INTEGER), 0),
    region, county, exploitation, count(*)
FROM nmt_case GROUP BY 1, 2, 3, 4;

CREATE TRIGGER stat_case_ins AFTER INSERT ON nmt_case
BEGIN
	INSERT INTO stat_case (year, region, county, exploitation, n)
	SELECT COALESCE(CAST(strftime('%Y', NEW.created_at, '+1 hour')
	    AS INTEGER), 0), NEW.region, NEW.county, NEW.exploitation, 1
	WHERE true
	ON CONFLICT (year, region, county, exploitation) DO UPDATE SET
	    n = n + 1;
END;

CREATE TRIGGER stat_case_del AFTER DELETE ON nmt_case
BEGIN
	UPDATE stat_case SET n = n - 1
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND exploitation = OLD.exploitation;
	DELETE FROM stat_case
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND exploitation = OLD.exploitation AND n = 0;
END;

CREATE TRIGGER stat_case_upd AFTER UPDATE ON nmt_case
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.region IS NOT NEW.region
    OR OLD.county IS NOT NEW.county
    OR OLD.exploitation IS NOT NEW.exploitation
BEGIN
	UPDATE stat_case SET n = n - 1
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND exploitation = OLD.exploitation;
	DELETE FROM stat_case
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND exploitation = OLD.exploitation AND n = 0;
	INSERT INTO stat_case (year, region, county, exploitation, n)
	SELECT COALESCE(CAST(strftime('%Y', NEW.created_at, '+1 hour')
	    AS INTEGER), 0), NEW.region, NEW.county, NEW.exploitation, 1
	WHERE true
	ON CONFLICT (year, region, county, exploitation) DO UPDATE SET
	    n = n + 1;
END;
