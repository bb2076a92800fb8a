-- Countries (ISO 3166-1 alpha-2) for citizenship, seeded from
-- data/countries.csv.
CREATE TABLE country (
	code		TEXT PRIMARY KEY,
	name_sv		TEXT NOT NULL,
	name_en		TEXT NOT NULL
);
