-- bench/stats: N person-level statistical records (source 'bench') with the distributions of
-- DOMAIN.md §4 (gender, age, citizenship, forms; a tenth in a second form), made by SQL alone.
-- :N is replaced by the script. The same text runs on SQLite and PostgreSQL: the pseudo-random
-- draws are fixed hashes of the row number (no random()), so every run has the same rows.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :N),
h AS (SELECT i, (i * 2654435761) % 1000 AS g, (i * 40503 + 7) % 997 AS a,
             (i * 69069 + 1) % 1009 AS c, (i * 1103515245 + 12345) % 1013 AS y FROM n),
r AS (SELECT i,
  2010 + y % 15 AS year,
  CASE WHEN g < 600 THEN 'female' WHEN g < 970 THEN 'male' WHEN g < 980 THEN 'other' ELSE 'unknown' END AS gender,
  CASE WHEN a < 20 THEN '0-8' WHEN a < 120 THEN '9-17' WHEN a < 220 THEN '18-20' WHEN a < 350 THEN '21-23'
       WHEN a < 480 THEN '24-26' WHEN a < 590 THEN '27-29' WHEN a < 810 THEN '30-38' WHEN a < 920 THEN '39-47'
       WHEN a < 967 THEN '48+' ELSE 'unknown' END AS age_band,
  CASE WHEN a < 120 THEN 'yes' WHEN a < 967 THEN 'no' ELSE 'unknown' END AS child,
  CASE WHEN c < 150 THEN 'RO' WHEN c < 250 THEN 'NG' WHEN c < 350 THEN 'TH' WHEN c < 430 THEN 'BG'
       WHEN c < 510 THEN 'SE' WHEN c < 570 THEN 'UA' WHEN c < 620 THEN 'VN' WHEN c < 660 THEN 'UZ'
       WHEN c < 690 THEN 'AR' WHEN c < 720 THEN 'TR' WHEN c < 750 THEN 'MA' WHEN c < 780 THEN 'PL'
       WHEN c < 800 THEN 'CN' WHEN c < 820 THEN 'AF' WHEN c < 840 THEN 'SY' WHEN c < 860 THEN 'ER'
       WHEN c < 875 THEN 'HU' WHEN c < 890 THEN 'LT' WHEN c < 905 THEN 'AL' WHEN c < 920 THEN 'BR'
       WHEN c < 935 THEN 'PH' WHEN c < 950 THEN 'IQ' WHEN c < 960 THEN 'SO' ELSE 'unknown' END AS citizenship
  FROM h)
INSERT INTO stat_record (source, record_key, year, gender, age_band, child, citizenship, datasource, imported_at)
SELECT 'bench', 'b' || i, year, gender, age_band, child, citizenship, 'bench', '2026-01-01T00:00:00Z' FROM r;

INSERT INTO stat_record_form (source, record_key, form)
SELECT source, record_key,
  CASE WHEN (CAST(substr(record_key, 2) AS INTEGER) * 7919) % 100 < 48 THEN 'sexual'
       WHEN (CAST(substr(record_key, 2) AS INTEGER) * 7919) % 100 < 78 THEN 'forced_labour'
       WHEN (CAST(substr(record_key, 2) AS INTEGER) * 7919) % 100 < 86 THEN 'begging'
       WHEN (CAST(substr(record_key, 2) AS INTEGER) * 7919) % 100 < 92 THEN 'criminal_activities'
       WHEN (CAST(substr(record_key, 2) AS INTEGER) * 7919) % 100 < 96 THEN 'unreasonable_work'
       ELSE 'other' END
FROM stat_record WHERE source = 'bench';
INSERT INTO stat_record_form (source, record_key, form)
SELECT source, record_key, 'begging' FROM stat_record
WHERE source = 'bench' AND (CAST(substr(record_key, 2) AS INTEGER) * 31) % 10 = 3
  AND NOT EXISTS (SELECT 1 FROM stat_record_form f WHERE f.source = stat_record.source
                  AND f.record_key = stat_record.record_key AND f.form = 'begging');
