-- What `nmtctl init` found when it last checked something a later init
-- need not check again while nothing it depends on has changed: one row
-- per check. 'search_index': the search index was found or brought up to
-- what a build folds (db/search.c, search_index_signature: the fold, the
-- documents' sources and the schema version it was checked on).
CREATE TABLE init_state (
	name	TEXT PRIMARY KEY,
	value	TEXT NOT NULL
);
