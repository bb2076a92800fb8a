-- Statistics (issue 12): a summary of the imported statistical records
-- for GET /api/v1/stats at a million records. stat_summary counts the
-- records of a source by every attribute the statistics group by, forms
-- included (a record's forms sorted and comma-separated, '' for none), so
-- a query groups tens of thousands of summary rows instead of a million
-- records. It is derived data: store_stats_summarize() rebuilds a
-- source's rows (nmtctl stats summarize; the CTDC import after loading).
--
-- stat_source keeps, per source, a change counter that triggers bump on
-- every change to its records or their forms, and the counter's value
-- when the summary was built. Queries use the summary only where the two
-- agree, and count the records themselves otherwise, so a summary can be
-- late but never wrong.
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
	changes		INTEGER NOT NULL,
	summarized	INTEGER NOT NULL
);
-- records loaded before this migration: not summarized yet
INSERT INTO stat_source (source, changes, summarized)
SELECT DISTINCT source, 1, -1 FROM stat_record;

CREATE TRIGGER stat_record_changed_ins AFTER INSERT ON stat_record
BEGIN
	INSERT INTO stat_source (source, changes, summarized)
	VALUES (NEW.source, 1, -1)
	ON CONFLICT (source) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER stat_record_changed_upd AFTER UPDATE ON stat_record
BEGIN
	INSERT INTO stat_source (source, changes, summarized)
	VALUES (NEW.source, 1, -1)
	ON CONFLICT (source) DO UPDATE SET changes = changes + 1;
	UPDATE stat_source SET changes = changes + 1 WHERE source = OLD.source;
END;
CREATE TRIGGER stat_record_changed_del AFTER DELETE ON stat_record
BEGIN
	UPDATE stat_source SET changes = changes + 1 WHERE source = OLD.source;
END;
CREATE TRIGGER stat_form_changed_ins AFTER INSERT ON stat_record_form
BEGIN
	INSERT INTO stat_source (source, changes, summarized)
	VALUES (NEW.source, 1, -1)
	ON CONFLICT (source) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER stat_form_changed_upd AFTER UPDATE ON stat_record_form
BEGIN
	INSERT INTO stat_source (source, changes, summarized)
	VALUES (NEW.source, 1, -1)
	ON CONFLICT (source) DO UPDATE SET changes = changes + 1;
	UPDATE stat_source SET changes = changes + 1 WHERE source = OLD.source;
END;
CREATE TRIGGER stat_form_changed_del AFTER DELETE ON stat_record_form
BEGIN
	UPDATE stat_source SET changes = changes + 1 WHERE source = OLD.source;
END;
