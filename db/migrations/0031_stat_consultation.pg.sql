-- Statistics of consultations at national-history scale (issue 13): the
-- consultations counted per civil year of registration in
-- Europe/Stockholm (stat_case_year of 0030), region, county, channel,
-- requesting organization ('' for none; its kind is read with the
-- counts, so a change of an organization's kind needs no recount) and
-- urgency, so that GET /api/v1/stats?measure=consultations reads a few
-- thousand counts instead of every consultation. A count that falls to 0
-- is removed. A trigger keeps it current in the transaction of every
-- write that adds, changes or removes a consultation, whoever the writer
-- is.
CREATE TABLE stat_consultation (
	year		BIGINT NOT NULL,
	region		TEXT NOT NULL,
	county		TEXT NOT NULL,
	channel		TEXT NOT NULL,
	requester_org	TEXT NOT NULL,
	urgency		TEXT NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (year, region, county, channel, requester_org, urgency)
);

-- the consultations stored before this migration
INSERT INTO stat_consultation (year, region, county, channel, requester_org,
    urgency, n)
SELECT stat_case_year(created_at), region, county, channel,
    COALESCE(requester_org, ''), urgency, count(*)
FROM consultation GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION stat_consultation_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'INSERT' THEN
		UPDATE stat_consultation SET n = n - 1
		WHERE year = stat_case_year(OLD.created_at)
		    AND region = OLD.region AND county = OLD.county
		    AND channel = OLD.channel
		    AND requester_org = COALESCE(OLD.requester_org, '')
		    AND urgency = OLD.urgency;
		DELETE FROM stat_consultation
		WHERE year = stat_case_year(OLD.created_at)
		    AND region = OLD.region AND county = OLD.county
		    AND channel = OLD.channel
		    AND requester_org = COALESCE(OLD.requester_org, '')
		    AND urgency = OLD.urgency AND n = 0;
	END IF;
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO stat_consultation (year, region, county, channel,
		    requester_org, urgency, n)
		VALUES (stat_case_year(NEW.created_at), NEW.region,
		    NEW.county, NEW.channel, COALESCE(NEW.requester_org, ''),
		    NEW.urgency, 1)
		ON CONFLICT (year, region, county, channel, requester_org,
		    urgency) DO UPDATE SET n = stat_consultation.n + 1;
	END IF;
	RETURN NULL;
END;
$$;
CREATE TRIGGER stat_consultation_counted AFTER INSERT OR DELETE
ON consultation FOR EACH ROW EXECUTE FUNCTION stat_consultation_counted();
CREATE TRIGGER stat_consultation_recounted AFTER UPDATE ON consultation
FOR EACH ROW WHEN ((OLD.created_at, OLD.region, OLD.county, OLD.channel,
    OLD.requester_org, OLD.urgency) IS DISTINCT FROM (NEW.created_at,
    NEW.region, NEW.county, NEW.channel, NEW.requester_org, NEW.urgency))
EXECUTE FUNCTION stat_consultation_counted();
