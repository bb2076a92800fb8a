-- The persons' counts' functions in PL/pgSQL, whose statements keep
-- their plans for the session (issue 13). As SQL functions they were
-- planned again at every call: stat_person_refresh, run by every insert,
-- change or removal of a person, an assessment or a case's place, spent
-- about 0.7 ms planning its read of stat_person_facts each time
-- (pg_stat_statements: 711 µs per call, 1 746 calls of a seed of 5 000
-- persons, 26 % of the seed's time in the database), and
-- stat_person_move, run by every change of a counted person's values,
-- planned its four statements each time. The bodies are 0037's and
-- 0033's, unchanged.
CREATE OR REPLACE FUNCTION stat_person_refresh(pid TEXT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO stat_person (person_id, year, region, county,
	    citizenship, gender, age_band, child, presumed_victim, forms)
	SELECT person_id, year, region, county, citizenship, gender,
	    age_band, child, presumed_victim, forms
	FROM stat_person_facts WHERE person_id = pid
	    AND NOT EXISTS (SELECT 1 FROM stat_person_pending q
	    WHERE q.person_id = pid)
	ON CONFLICT (person_id) DO UPDATE SET year = EXCLUDED.year,
	    region = EXCLUDED.region, county = EXCLUDED.county,
	    citizenship = EXCLUDED.citizenship, gender = EXCLUDED.gender,
	    age_band = EXCLUDED.age_band, child = EXCLUDED.child,
	    presumed_victim = EXCLUDED.presumed_victim,
	    forms = EXCLUDED.forms
	WHERE (stat_person.year, stat_person.region, stat_person.county,
	    stat_person.citizenship, stat_person.gender,
	    stat_person.age_band, stat_person.child,
	    stat_person.presumed_victim, stat_person.forms)
	    IS DISTINCT FROM (EXCLUDED.year, EXCLUDED.region,
	    EXCLUDED.county, EXCLUDED.citizenship, EXCLUDED.gender,
	    EXCLUDED.age_band, EXCLUDED.child, EXCLUDED.presumed_victim,
	    EXCLUDED.forms);
END;
$$;

CREATE OR REPLACE FUNCTION stat_person_move(o stat_person, nw stat_person)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
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
END;
$$;
