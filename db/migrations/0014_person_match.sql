-- The duplicate check (POST /api/v1/persons/match): one row per person
-- beside its sealed identity. pseudonym_fold is the pseudonym folded for
-- comparison (NFKC, Unicode case folding, white space collapsed; å, ä
-- and ö kept). id_number_hash and name_dob_hash are keyed blind indexes
-- (BLAKE2b-256, hex) of the normalised identity number and of the
-- normalised full name with the date of birth, under keys derived from
-- master key key_id; NULL when the identity has no such value. The keys
-- live outside the database, so the rows are written by the program:
-- `nmtctl init` fills in the persons this migration finds without a row.
CREATE TABLE person_match (
	person_id	TEXT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
	pseudonym_fold	TEXT NOT NULL,
	key_id		INTEGER NOT NULL,
	id_number_hash	TEXT,
	name_dob_hash	TEXT
);
CREATE INDEX person_match_pseudonym ON person_match(pseudonym_fold);
CREATE INDEX person_match_id_number ON person_match(id_number_hash);
CREATE INDEX person_match_name_dob ON person_match(name_dob_hash);
