// API.md "Statistics" of cases, counted from the summary the write path keeps current (migration
// 0030, docs/STATISTICS.md "A million persons"): a case created, moved to another county or given
// other forms shows in the very next answer, counted in the Swedish civil year it was registered;
// a case removed leaves its cell; the cases stored before the migration are counted after it; the
// summary always equals a count of the cases themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, createCase,
} from './harness.mjs';
import { STATS_ENV, statsCells, civilYearSql, assertSameRows, upgradedServer } from './stats_summary.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer({ env: STATS_ENV });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
});
after(async () => { await srv?.stop(); });

/** measure=cases&QUERY as the analyst: { "v1|v2": count } (null: withheld). */
const cells = (query, s = srv, who = U.analyst) => statsCells(s, who, `measure=cases&${query}`);

async function patchCase(c, body) {
  const cur = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol });
  assertStatus(cur, 200);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: `"${cur.json.version}"`, body });
  assertStatus(r, 200, 'patch case');
}

/** The summary against the cases themselves, counted again with the civil year of each. */
async function assertSummaryCurrent(s = srv) {
  const recount = `SELECT ${civilYearSql('created_at')}, region, county, exploitation, count(*) FROM nmt_case
    GROUP BY 1, 2, 3, 4`;
  const stored = 'SELECT year, region, county, exploitation, n FROM stat_case';
  await assertSameRows(s, [[stored, recount]], 'the counts are those of the cases');
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
  const s2 = await startServer({ env: STATS_ENV });
  let s3;
  try {
    const pol = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const analyst = await addUserWithToken(s2, { org: 'NMT', role: 'analyst' });
    for (const forms of [['sexual'], ['sexual', 'begging'], ['begging']]) {
      for (let i = 0; i < 3; i++) await createCase(s2, pol, { county: '12', exploitation: forms });
    }
    assert.deepEqual(await cells('by=exploitation', s2, analyst), { begging: 6, sexual: 6 });
    s3 = await upgradedServer(s2, 29, 'SELECT count(*) FROM nmt_case',
      ['by=exploitation', 'by=region,county', 'by=year'], (q, s) => cells(q, s, analyst));
    await assertSummaryCurrent(s3);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
