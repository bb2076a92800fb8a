-- Word search (db/search.c): one document per searchable text of an
-- object (a case's title and summary, a journal entry), with the case it
-- belongs to and who reads it ('team': everyone who sees the case;
-- 'full': those with full access). The texts live in the FTS5 table
-- search_fts under the document's id. The application folds every text
-- before it is indexed (NFKC, Unicode case folding, anything but
-- letters, marks and numbers made a space), so the tokenizer only splits
-- on spaces and never strips a diacritic: å, ä and ö stay letters.
--
-- The documents of the cases and entries already stored are filled here
-- with their texts as written; `nmtctl init` folds them right after the
-- migrations (only C folds the same way on both databases), as it brings
-- every document up to what the build indexes. search_text, the folded
-- column the old LIKE search read, goes.
CREATE TABLE search_doc (
	id		INTEGER PRIMARY KEY,
	kind		TEXT NOT NULL,
	object_id	TEXT NOT NULL,
	case_id		TEXT REFERENCES nmt_case(id),
	visibility	TEXT NOT NULL CHECK (visibility IN ('team', 'full')),
	UNIQUE (kind, object_id)
);
CREATE INDEX search_doc_case ON search_doc (case_id);

CREATE VIRTUAL TABLE search_fts USING fts5(title, body,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'");

INSERT INTO search_doc (kind, object_id, case_id, visibility)
SELECT 'case', id, id, 'team' FROM nmt_case ORDER BY created_at, id;
INSERT INTO search_doc (kind, object_id, case_id, visibility)
SELECT 'journal', id, case_id, visibility FROM case_journal
ORDER BY at, id;
INSERT INTO search_fts (rowid, title, body)
SELECT d.id, c.title, c.summary FROM search_doc d
JOIN nmt_case c ON c.id = d.object_id WHERE d.kind = 'case';
INSERT INTO search_fts (rowid, title, body)
SELECT d.id, '', j.text FROM search_doc d
JOIN case_journal j ON j.id = d.object_id WHERE d.kind = 'journal';

ALTER TABLE nmt_case DROP COLUMN search_text;
