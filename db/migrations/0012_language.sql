-- Languages (ISO 639-1) for a person's languages, seeded from
-- data/languages.csv (made by tools/languages.py from Debian's iso-codes).
CREATE TABLE language (
	code		TEXT PRIMARY KEY,
	name_sv		TEXT NOT NULL,
	name_en		TEXT NOT NULL
);
