-- The person counts of migration 0027, cheaper to keep on PostgreSQL.
-- Each person written updates 30 rows of stat_own_pair and stat_own_nat,
-- a few of them (this year's, a region's) for nearly every person. 0027
-- indexed their empty rows (WHERE n = 0) to delete them; that index names
-- n, so no update of a count could be a HOT update: each one left a dead
-- row version and a new entry in the key's index, and the next lookups
-- of that key walked them until a vacuum came. Now the rows a person
-- leaves are deleted by their keys when they reach 0 (as stat_case and
-- stat_consultation do), the empty-row indexes go, and the summaries
-- leave room on each page (fillfactor) for a count's next version beside
-- the old one. A new person's rows are all distinct (one per pair of
-- dimensions), so they are inserted as they are, without the grouping
-- that cancels an old row against a new one. Rows go in key order, so
-- concurrent writers take their locks in one order.
DROP INDEX stat_own_pair_empty;
DROP INDEX stat_own_nat_empty;
ALTER TABLE stat_own_pair SET (fillfactor = 50);
ALTER TABLE stat_own_nat SET (fillfactor = 50);
ALTER TABLE stat_case SET (fillfactor = 50);
ALTER TABLE stat_consultation SET (fillfactor = 50);
-- Written again, so the room is there on the pages they have already.
CLUSTER stat_own_pair USING stat_own_pair_pkey;
CLUSTER stat_own_nat USING stat_own_nat_pkey;
CLUSTER stat_case USING stat_case_pkey;
CLUSTER stat_consultation USING stat_consultation_pkey;

CREATE OR REPLACE FUNCTION stat_person_move(o stat_person, nw stat_person)
RETURNS void LANGUAGE sql AS $$
	INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
	SELECT x.pair, x.year, x.region, x.v1, x.v2, sum(x.d)
	FROM (SELECT * FROM stat_person_pairs(o, -1)
	    UNION ALL SELECT * FROM stat_person_pairs(nw, 1)) x
	GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.d) <> 0 ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (pair, year, region, v1, v2)
	DO UPDATE SET n = stat_own_pair.n + EXCLUDED.n;
	INSERT INTO stat_own_nat (year, region, gender, child, citizenship,
	    forms, n)
	SELECT x.year, x.region, x.gender, x.child, x.citizenship, x.forms,
	    sum(x.d)
	FROM (SELECT o.year, o.region, o.gender, o.child, o.citizenship,
	    o.forms, -1 AS d WHERE o.person_id IS NOT NULL
	    UNION ALL SELECT nw.year, nw.region, nw.gender, nw.child,
	    nw.citizenship, nw.forms, 1 WHERE nw.person_id IS NOT NULL) x
	GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(x.d) <> 0
	ORDER BY 1, 2, 3, 4, 5, 6
	ON CONFLICT (year, region, gender, child, citizenship, forms)
	DO UPDATE SET n = stat_own_nat.n + EXCLUDED.n;
	DELETE FROM stat_own_pair s USING stat_person_pairs(o, -1) x
	WHERE s.pair = x.pair AND s.year = x.year AND s.region = x.region
	    AND s.v1 = x.v1 AND s.v2 = x.v2 AND s.n = 0;
	DELETE FROM stat_own_nat s
	WHERE o.person_id IS NOT NULL AND s.year = o.year
	    AND s.region = o.region AND s.gender = o.gender
	    AND s.child = o.child AND s.citizenship = o.citizenship
	    AND s.forms = o.forms AND s.n = 0;
$$;

CREATE OR REPLACE FUNCTION stat_person_counted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO stat_own_pair (pair, year, region, v1, v2, n)
		SELECT x.pair, x.year, x.region, x.v1, x.v2, x.d
		FROM stat_person_pairs(NEW, 1) x ORDER BY 1, 2, 3, 4, 5
		ON CONFLICT (pair, year, region, v1, v2)
		DO UPDATE SET n = stat_own_pair.n + EXCLUDED.n;
		INSERT INTO stat_own_nat (year, region, gender, child,
		    citizenship, forms, n)
		VALUES (NEW.year, NEW.region, NEW.gender, NEW.child,
		    NEW.citizenship, NEW.forms, 1)
		ON CONFLICT (year, region, gender, child, citizenship, forms)
		DO UPDATE SET n = stat_own_nat.n + EXCLUDED.n;
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM stat_person_move(OLD, NULL);
	ELSE
		PERFORM stat_person_move(OLD, NEW);
	END IF;
	RETURN NULL;
END;
$$;
