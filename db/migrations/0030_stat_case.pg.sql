-- Statistics of cases at national-history scale (issue 13): the cases
-- counted per civil year of registration in Europe/Stockholm, region,
-- county and exploitation forms (the case's JSON array as stored; the
-- statistics split it), so that GET /api/v1/stats?measure=cases reads a
-- few thousand counts instead of every case. A count that falls to 0 is
-- removed. A trigger keeps it current in the transaction of every write
-- that adds, changes or removes a case, whoever the writer is.
CREATE TABLE stat_case (
	year		BIGINT NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	exploitation	TEXT NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (year, region, county, exploitation)
);

CREATE FUNCTION stat_case_year(at TEXT) RETURNS BIGINT
LANGUAGE sql STABLE AS $$
	SELECT COALESCE(extract(year FROM at::timestamptz
	    AT TIME ZONE 'Europe/Stockholm')::bigint, 0);
$$;

-- the cases stored before this migration
INSERT INTO stat_case (year, region, county, exploitation, n)
SELECT stat_case_year(created_at), region, county, exploitation, count(*)
FROM nmt_case GROUP BY 1, 2, 3, 4;

CREATE FUNCTION stat_case_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE stat_case SET n = n - 1
		WHERE year = stat_case_year(OLD.created_at)
		    AND region = OLD.region AND county = OLD.county
		    AND exploitation = OLD.exploitation;
		DELETE FROM stat_case
		WHERE year = stat_case_year(OLD.created_at)
		    AND region = OLD.region AND county = OLD.county
		    AND exploitation = OLD.exploitation AND n = 0;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO stat_case (year, region, county, exploitation, n)
		VALUES (stat_case_year(NEW.created_at), NEW.region,
		    NEW.county, NEW.exploitation, 1)
		ON CONFLICT (year, region, county, exploitation) DO UPDATE
		    SET n = stat_case.n + 1;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_case_counted AFTER INSERT OR DELETE ON nmt_case
FOR EACH ROW EXECUTE FUNCTION stat_case_counted();
CREATE TRIGGER stat_case_recounted AFTER UPDATE ON nmt_case
FOR EACH ROW WHEN ((OLD.created_at, OLD.region, OLD.county,
    OLD.exploitation) IS DISTINCT FROM (NEW.created_at, NEW.region,
    NEW.county, NEW.exploitation))
EXECUTE FUNCTION stat_case_counted();
