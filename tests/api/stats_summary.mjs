// What the tests of the statistics summaries share (migrations 0027, 0030 and 0031, kept by
// triggers; docs/STATISTICS.md "A million persons"): a table's cells as the API answers them, the
// civil year as the migrations count it, two queries that must hold the same rows, and the upgrade
// of a register whose rows were stored before a summary's migration.
import assert from 'node:assert/strict';
import { startServer, api, assertStatus, ctlFor, DB_KIND } from './harness.mjs';
import { rollBackTo } from './rollback.mjs';

// A low threshold, so that small tables are answered.
export const STATS_ENV = { NMT_STATS_THRESHOLD: '3' };

/** GET /api/v1/stats?QUERY on server s as who: { "v1|v2": count } (null: withheld). */
export async function statsCells(s, who, query) {
  const r = await api(s, 'GET', `/api/v1/stats?${query}`, { auth: who });
  assertStatus(r, 200, query);
  return Object.fromEntries(r.json.cells.map((c) => [r.json.by.map((d) => c.key[d]).join('|'), c.count]));
}

/** The civil year in Sweden of the instant column col, in SQL, as the migrations count it. */
export function civilYearSql(col) {
  return DB_KIND === 'pg' ? `stat_case_year(${col})`
    : `COALESCE(CAST(strftime('%Y', ${col}, '+1 hour') AS INTEGER), 0)`;
}

/** Asserts that each pair of queries [x, y] holds the same rows (x EXCEPT y and y EXCEPT x empty). */
export async function assertSameRows(s, pairs, msg) {
  const diff = async (x, y) => (await s.db.exec(
    `SELECT count(*) FROM (SELECT * FROM (${x}) a EXCEPT SELECT * FROM (${y}) b) d;`)).trim();
  const found = [];
  for (const [x, y] of pairs) found.push(await diff(x, y), await diff(y, x));
  assert.deepEqual(found, found.map(() => '0'), msg);
}

/**
 * Asserts that the summaries of the system's own persons on server (or database holder) s are
 * those of the persons themselves, counted again through the migration's own view: stat_own_pair,
 * stat_own_nat and each person's row of stat_person.
 */
const D7 = ['county', 'citizenship', 'forms', 'gender', 'age_band', 'child', 'presumed_victim'];
const NAME = (d) => (d === 'forms' ? 'exploitation' : d);
export async function assertOwnSummaryCurrent(s) {
  const pairs = [["''", "''", "''"], ...D7.map((d) => [`'${NAME(d)}'`, d, "''"])];
  D7.forEach((a, i) => D7.slice(i + 1).forEach((b) => pairs.push([`'${NAME(a)},${NAME(b)}'`, a, b])));
  const recount = pairs.map(([p, v1, v2]) => `SELECT ${p}, year, region, ${v1}, ${v2}, count(*) ` +
    "FROM stat_person_facts GROUP BY 2, 3, 4, 5").join(' UNION ALL ');
  const stored = 'SELECT pair, year, region, v1, v2, n FROM stat_own_pair';
  const nat = 'year, region, gender, child, citizenship, forms';
  const natCount = `SELECT ${nat}, count(*) FROM stat_person_facts GROUP BY ${nat}`;
  const natStored = `SELECT ${nat}, n FROM stat_own_nat`;
  await assertSameRows(s, [[stored, recount], [natStored, natCount],
    ['SELECT * FROM stat_person', 'SELECT * FROM stat_person_facts']], 'the counts are those of the persons');
}

/**
 * The upgrade of a register stored before a summary's migration: stops server s2, takes its
 * database back to schema version (the summary gone; the rows, counted by kept — SQL giving one
 * count — stay), runs `nmtctl init` and starts a new server on it, which must answer each of
 * queries (read by cells(query, server)) as s2 did. Returns the new server; the caller stops it.
 */
export async function upgradedServer(s2, version, kept, queries, cells) {
  const before = await Promise.all(queries.map((q) => cells(q, s2)));
  const n = (await s2.db.exec(`${kept};`)).trim();
  await s2.stop();
  await rollBackTo(s2.db, version);
  assert.equal((await s2.db.exec(`${kept};`)).trim(), n, 'the rows are kept');
  const r = await ctlFor(s2.db, ['init']);
  assert.equal(r.code, 0, r.stderr);
  const s3 = await startServer({ db: s2.db, init: false, env: STATS_ENV });
  try {
    assert.deepEqual(await Promise.all(queries.map((q) => cells(q, s3))), before, 'the same answers after init');
  } catch (err) {
    await s3.stop();
    throw err;
  }
  return s3;
}
