-- Statistics (issue 12): a summary of the imported statistical records
-- for GET /api/v1/stats at a million records (see the SQLite file for the
-- whole comment). stat_summary: the records of a source counted by every
-- attribute the statistics group by, forms included (sorted,
-- comma-separated, '' for none); derived, rebuilt by
-- store_stats_summarize(). stat_source: per source a change counter the
-- triggers bump on every change to its records or forms, and its value
-- when the summary was built; the summary is used only where they agree.
CREATE TABLE stat_summary (
	source		TEXT NOT NULL,
	year		BIGINT NOT NULL,
	gender		TEXT NOT NULL,
	age_band	TEXT NOT NULL,
	child		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	forms		TEXT NOT NULL,
	n		BIGINT NOT NULL,
	PRIMARY KEY (source, year, gender, age_band, child, citizenship, forms)
);

CREATE TABLE stat_source (
	source		TEXT PRIMARY KEY,
	changes		BIGINT NOT NULL,
	summarized	BIGINT NOT NULL
);
-- records loaded before this migration: not summarized yet
INSERT INTO stat_source (source, changes, summarized)
SELECT DISTINCT source, 1, -1 FROM stat_record;

CREATE FUNCTION stat_source_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'DELETE' THEN
		INSERT INTO stat_source (source, changes, summarized)
		VALUES (NEW.source, 1, -1)
		ON CONFLICT (source) DO UPDATE
		SET changes = stat_source.changes + 1;
	END IF;
	IF TG_OP <> 'INSERT' THEN
		UPDATE stat_source SET changes = changes + 1
		WHERE source = OLD.source;
	END IF;
	RETURN NULL;
END;
$$;

CREATE TRIGGER stat_record_changed AFTER INSERT OR UPDATE OR DELETE
ON stat_record FOR EACH ROW EXECUTE FUNCTION stat_source_changed();
CREATE TRIGGER stat_form_changed AFTER INSERT OR UPDATE OR DELETE
ON stat_record_form FOR EACH ROW EXECUTE FUNCTION stat_source_changed();
