-- PostgreSQL's functions of the persons' counts move to PL/pgSQL, which
-- keeps their plans (0039_stat_plans.pg.sql). SQLite's triggers hold
-- their statements themselves and keep them prepared: nothing changes.
SELECT 1;
