// API.md "Statistics" of cases, counted from the summary the write path keeps current (migration
// 0030, docs/STATISTICS.md "A million persons"): a case created, moved to another county or given
// other forms shows in the very next answer, counted in the Swedish civil year it was registered;
// a case removed leaves its cell; the cases stored before the migration are counted after it; the
// summary always equals a count of the cases themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, createCase, ctlFor, DB_KIND,
} from './harness.mjs';
import { rollBackTo } from './rollback.mjs';

const THRESHOLD = 3;
let srv;
const U = {};

before(async () => {
  srv = await startServer({ env: { NMT_STATS_THRESHOLD: String(THRESHOLD) } });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
});
after(async () => { await srv?.stop(); });

/** GET /api/v1/stats?measure=cases&QUERY as the analyst: Map "v1|v2" → count (null: withheld). */
async function cells(query, s = srv, who = U.analyst) {
  const r = await api(s, 'GET', `/api/v1/stats?measure=cases&${query}`, { auth: who });
  assertStatus(r, 200, query);
  return Object.fromEntries(r.json.cells.map((c) => [r.json.by.map((d) => c.key[d]).join('|'), c.count]));
}

async function patchCase(c, body) {
  const cur = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol });
  assertStatus(cur, 200);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: `"${cur.json.version}"`, body });
  assertStatus(r, 200, 'patch case');
}

/** The summary against the cases themselves, counted again with the civil year of each. */
async function assertSummaryCurrent(s = srv) {
  const year = DB_KIND === 'pg' ? 'stat_case_year(created_at)'
    : "COALESCE(CAST(strftime('%Y', created_at, '+1 hour') AS INTEGER), 0)";
  const recount = `SELECT ${year}, region, county, exploitation, count(*) FROM nmt_case GROUP BY 1, 2, 3, 4`;
  const stored = 'SELECT year, region, county, exploitation, n FROM stat_case';
  const diff = async (x, y) => (await s.db.exec(
    `SELECT count(*) FROM (SELECT * FROM (${x}) a EXCEPT SELECT * FROM (${y}) b) d;`)).trim();
  assert.deepEqual([await diff(stored, recount), await diff(recount, stored)], ['0', '0'],
    'the counts are those of the cases');
}

test('each case created or changed through the API shows in the next answer, in its Swedish year', async () => {
  // 00:30 on New Year's Day in Sweden is 23:30 UTC the day before: the case belongs to 2031.
  srv.setClock('2030-12-31T23:30:00Z');
  const made = [];
  for (let i = 0; i < 9; i++) {
    made.push(await createCase(srv, U.pol, { county: '12', exploitation: ['sexual', 'begging'] }));
  }
  assert.deepEqual(await cells('by=year&year=2031'), { 2031: 9 });
  assert.deepEqual(await cells('by=year&year=2030'), {});
  assert.deepEqual(await cells('by=county,exploitation&year=2031'), { '12|begging': 9, '12|sexual': 9 });

  for (const c of made.slice(0, 3)) await patchCase(c, { exploitation: ['forced_labour'] });
  assert.deepEqual(await cells('by=exploitation&year=2031'), { begging: 6, forced_labour: 3, sexual: 6 });
  for (const c of made.slice(3, 6)) await patchCase(c, { county: '01' });
  assert.deepEqual(await cells('by=region&year=2031'), { stockholm: 3, syd: 6 });
  assert.deepEqual(await cells('by=county&year=2031&region=syd'), { 12: 6 });
  await assertSummaryCurrent();

  // No API removes a case; the store's own tables may (a retention job): the triggers count it.
  const gone = [];
  for (let i = 0; i < 3; i++) gone.push(await createCase(srv, U.pol, { county: '14', exploitation: ['organ_removal'] }));
  assert.deepEqual(await cells('by=county&year=2031&region=vast'), { 14: 3 });
  const ids = gone.map((c) => `'${c.id}'`).join(', ');
  await srv.db.exec(`DELETE FROM case_member WHERE case_id IN (${ids}); DELETE FROM search_doc WHERE case_id IN (${ids});
    DELETE FROM nmt_case WHERE id IN (${ids});`);
  assert.deepEqual(await cells('by=county&year=2031&region=vast'), {});
  const left = await srv.db.exec("SELECT count(*) FROM stat_case WHERE county = '14';");
  assert.equal(left.trim(), '0', 'the emptied cell is gone, not left at 0');
  await assertSummaryCurrent();
});

test('cases stored before the migration are counted after it (nmtctl init)', async () => {
  const s2 = await startServer({ env: { NMT_STATS_THRESHOLD: String(THRESHOLD) } });
  let s3;
  try {
    const pol = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const analyst = await addUserWithToken(s2, { org: 'NMT', role: 'analyst' });
    for (const forms of [['sexual'], ['sexual', 'begging'], ['begging']]) {
      for (let i = 0; i < 3; i++) await createCase(s2, pol, { county: '12', exploitation: forms });
    }
    const queries = ['by=exploitation', 'by=region,county', 'by=year'];
    const before = await Promise.all(queries.map((x) => cells(x, s2, analyst)));
    assert.deepEqual(before[0], { begging: 6, sexual: 6 });
    await s2.stop();
    await rollBackTo(s2.db, 29);
    assert.match(await s2.db.exec('SELECT count(*) FROM nmt_case;'), /^\s*9\s*$/);
    const r = await ctlFor(s2.db, ['init']);
    assert.equal(r.code, 0, r.stderr);
    s3 = await startServer({ db: s2.db, init: false, env: { NMT_STATS_THRESHOLD: String(THRESHOLD) } });
    assert.deepEqual(await Promise.all(queries.map((x) => cells(x, s3, analyst))), before);
    await assertSummaryCurrent(s3);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
