-- Statistics (issue 12): a summary of the imported statistical records
-- for GET /api/v1/stats at a million records. stat_summary counts the
-- records of a source by every attribute the statistics group by, forms
-- included (a record's forms sorted and comma-separated, '' for none), so
-- a query groups tens of thousands of summary rows instead of a million
-- records. It is derived data: store_stats_summarize() rebuilds a
-- source's rows (nmtctl stats summarize; the CTDC import after loading).
--
-- stat_source marks, per source, whether its records or their forms
-- changed since the summary was built (dirty = 1; triggers set it on
-- every change, and write only when it was 0, so a million inserts do
-- not rewrite one row a million times). Queries use the summary only
-- where it is clean and count the records themselves otherwise, so a
-- summary can be late but never wrong.
CREATE TABLE stat_summary (
	source		TEXT NOT NULL,
	year		INTEGER NOT NULL,
	gender		TEXT NOT NULL,
	age_band	TEXT NOT NULL,
	child		TEXT NOT NULL,
	citizenship	TEXT NOT NULL,
	forms		TEXT NOT NULL,
	n		INTEGER NOT NULL,
	PRIMARY KEY (source, year, gender, age_band, child, citizenship, forms)
);

CREATE TABLE stat_source (
	source		TEXT PRIMARY KEY,
	dirty		INTEGER NOT NULL CHECK (dirty IN (0, 1))
);
-- records loaded before this migration: not summarized yet
INSERT INTO stat_source (source, dirty)
SELECT DISTINCT source, 1 FROM stat_record;

CREATE TRIGGER stat_record_changed_ins AFTER INSERT ON stat_record
BEGIN
	INSERT INTO stat_source (source, dirty) VALUES (NEW.source, 1)
	ON CONFLICT (source) DO UPDATE SET dirty = 1 WHERE dirty = 0;
END;
CREATE TRIGGER stat_record_changed_upd AFTER UPDATE ON stat_record
BEGIN
	INSERT INTO stat_source (source, dirty) VALUES (NEW.source, 1)
	ON CONFLICT (source) DO UPDATE SET dirty = 1 WHERE dirty = 0;
	UPDATE stat_source SET dirty = 1 WHERE source = OLD.source AND dirty = 0;
END;
CREATE TRIGGER stat_record_changed_del AFTER DELETE ON stat_record
BEGIN
	UPDATE stat_source SET dirty = 1 WHERE source = OLD.source AND dirty = 0;
END;
CREATE TRIGGER stat_form_changed_ins AFTER INSERT ON stat_record_form
BEGIN
	INSERT INTO stat_source (source, dirty) VALUES (NEW.source, 1)
	ON CONFLICT (source) DO UPDATE SET dirty = 1 WHERE dirty = 0;
END;
CREATE TRIGGER stat_form_changed_upd AFTER UPDATE ON stat_record_form
BEGIN
	INSERT INTO stat_source (source, dirty) VALUES (NEW.source, 1)
	ON CONFLICT (source) DO UPDATE SET dirty = 1 WHERE dirty = 0;
	UPDATE stat_source SET dirty = 1 WHERE source = OLD.source AND dirty = 0;
END;
CREATE TRIGGER stat_form_changed_del AFTER DELETE ON stat_record_form
BEGIN
	UPDATE stat_source SET dirty = 1 WHERE source = OLD.source AND dirty = 0;
END;
