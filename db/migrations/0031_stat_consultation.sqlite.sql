-- Statistics of consultations at national-history scale (issue 13): the
-- consultations counted per civil year of registration in
-- Europe/Stockholm, region, county, channel, requesting organization (''
-- for none; its kind is read with the counts, so a change of an
-- organization's kind needs no recount) and urgency, so that GET
-- /api/v1/stats?measure=consultations reads a few thousand counts
-- instead of every consultation. The civil year of an instant is its UTC
-- year one hour later: every new year falls in standard time (UTC+1), as
-- in 0027. A count that falls to 0 is removed. Triggers keep it current
-- in the transaction of every write that adds, changes or removes a
-- consultation, whoever the writer is.
CREATE TABLE stat_consultation (
	year		INTEGER NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	channel		TEXT NOT NULL,
	requester_org	TEXT NOT NULL,
	urgency		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (year, region, county, channel, requester_org, urgency)
);

-- the consultations stored before this migration
INSERT INTO stat_consultation (year, region, county, channel, requester_org,
    urgency, n)
SELECT COALESCE(CAST(strftime('%Y', created_at, '+1 hour') AS INTEGER), 0),
    region, county, channel, COALESCE(requester_org, ''), urgency, count(*)
FROM consultation GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER stat_consultation_ins AFTER INSERT ON consultation
BEGIN
	INSERT INTO stat_consultation (year, region, county, channel,
	    requester_org, urgency, n)
	VALUES (COALESCE(CAST(strftime('%Y', NEW.created_at, '+1 hour')
	    AS INTEGER), 0), NEW.region, NEW.county, NEW.channel,
	    COALESCE(NEW.requester_org, ''), NEW.urgency, 1)
	ON CONFLICT (year, region, county, channel, requester_org, urgency)
	    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER stat_consultation_del AFTER DELETE ON consultation
BEGIN
	UPDATE stat_consultation SET n = n - 1
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND channel = OLD.channel
	    AND requester_org = COALESCE(OLD.requester_org, '')
	    AND urgency = OLD.urgency;
	DELETE FROM stat_consultation
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND channel = OLD.channel
	    AND requester_org = COALESCE(OLD.requester_org, '')
	    AND urgency = OLD.urgency AND n = 0;
END;

CREATE TRIGGER stat_consultation_upd AFTER UPDATE ON consultation
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.region IS NOT NEW.region
    OR OLD.county IS NOT NEW.county OR OLD.channel IS NOT NEW.channel
    OR OLD.requester_org IS NOT NEW.requester_org
    OR OLD.urgency IS NOT NEW.urgency
BEGIN
	UPDATE stat_consultation SET n = n - 1
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND channel = OLD.channel
	    AND requester_org = COALESCE(OLD.requester_org, '')
	    AND urgency = OLD.urgency;
	DELETE FROM stat_consultation
	WHERE year = COALESCE(CAST(strftime('%Y', OLD.created_at, '+1 hour')
	    AS INTEGER), 0) AND region = OLD.region AND county = OLD.county
	    AND channel = OLD.channel
	    AND requester_org = COALESCE(OLD.requester_org, '')
	    AND urgency = OLD.urgency AND n = 0;
	INSERT INTO stat_consultation (year, region, county, channel,
	    requester_org, urgency, n)
	VALUES (COALESCE(CAST(strftime('%Y', NEW.created_at, '+1 hour')
	    AS INTEGER), 0), NEW.region, NEW.county, NEW.channel,
	    COALESCE(NEW.requester_org, ''), NEW.urgency, 1)
	ON CONFLICT (year, region, county, channel, requester_org, urgency)
	    DO UPDATE SET n = n + 1;
END;
