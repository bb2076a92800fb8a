// API.md "Statistics" over the system's own persons, counted from the summary the write path keeps
// current (migration 0027, docs/STATISTICS.md "A million persons"): every change made through the
// API — a new person, a changed gender, citizenship or birth year, a new assessment, a case's forms
// or county — shows in the very next answer; the persons stored before the migration are counted
// after it; the summary always equals a count of the persons themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, createCase, createPerson,
} from './harness.mjs';
import { STATS_ENV, statsCells, upgradedServer, assertOwnSummaryCurrent } from './stats_summary.mjs';

let srv;
const U = {};
// Full destination coercion etc.: an adult's presumed victim (see assessments.test.mjs).
const PRESUMED = ['d1-nature', 'd1-wages', 'd4-hours', 'd4-pay', 'd5-documents', 'd5-violence'];

before(async () => {
  srv = await startServer({ env: STATS_ENV });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
});
after(async () => { await srv?.stop(); });

/** GET /api/v1/stats?QUERY as the analyst: { "v1|v2": count } (null: withheld). */
const cells = (query, s = srv, who = U.analyst) => statsCells(s, who, query);

async function patchPerson(p, body) {
  const cur = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol });
  assertStatus(cur, 200);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol, ifMatch: `"${cur.json.version}"`, body });
  assertStatus(r, 200, 'patch person');
}

async function patchCase(c, body) {
  const cur = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol });
  assertStatus(cur, 200);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: `"${cur.json.version}"`, body });
  assertStatus(r, 200, 'patch case');
}

async function assess(p, observed) {
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${p.id}/assessments`,
    { auth: U.pol, body: { set: 'adult-labour', observed } }), 201, 'assessment');
}

test('each change made through the API shows in the next answer', async () => {
  const year = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Stockholm', year: 'numeric' })
    .format(new Date(srv.now() * 1000));
  const q = (by) => `by=${by}&year=${year}`;
  const c = await createCase(srv, U.pol, { county: '12', exploitation: ['sexual'] });
  const ro = [];
  for (let i = 0; i < 3; i++) ro.push(await createPerson(srv, U.pol, c.id, { gender: 'female', citizenship: 'RO', birth_year: Number(year) - 25 }));
  assert.deepEqual(await cells(q('gender')), { female: 3 });

  // New persons.
  const th = [];
  for (let i = 0; i < 3; i++) th.push(await createPerson(srv, U.pol, c.id, { gender: 'male', citizenship: 'TH', age_estimate: 35 }));
  assert.deepEqual(await cells(q('gender')), { female: 3, male: 3 });
  assert.deepEqual(await cells(q('citizenship_group,age_band')), { 'EU|24-26': 3, 'non_EU|30-38': 3 });

  // A changed gender, citizenship and birth year.
  for (const p of ro) await patchPerson(p, { gender: 'other' });
  assert.deepEqual(await cells(q('gender')), { male: 3, other: 3 });
  for (const p of ro) await patchPerson(p, { citizenship: 'NG' });
  assert.deepEqual(await cells(q('citizenship')), { NG: 3, TH: 3 });
  for (const p of ro) await patchPerson(p, { birth_year: Number(year) - 19 });
  assert.deepEqual(await cells(q('age_band')), { '18-20': 3, '30-38': 3 });

  // A new assessment: the latest one counts.
  for (const p of th) await assess(p, PRESUMED);
  assert.deepEqual(await cells(q('presumed_victim')), { yes: 3, unknown: 3 });
  for (const p of th) await assess(p, []);
  assert.deepEqual(await cells(q('presumed_victim')), { no: 3, unknown: 3 });

  // The case's forms and county (its region follows).
  await patchCase(c, { exploitation: ['forced_labour', 'begging'] });
  assert.deepEqual(await cells(q('exploitation')), { begging: 6, forced_labour: 6 });
  await patchCase(c, { exploitation: [] });
  assert.deepEqual(await cells(q('exploitation')), { unknown: 6 });
  await patchCase(c, { county: '01' });
  assert.deepEqual(await cells(q('region,county')), { 'stockholm|01': 6 });
  assert.deepEqual(await cells(`${q('gender')}&region=syd`), {});

  // The Eurostat and national tables read the same summary.
  const euro = await api(srv, 'GET', `/api/v1/stats/eurostat?year=${year}`, { auth: U.analyst });
  assertStatus(euro, 200);
  assert.equal(euro.json.totals.all, 6);
  await assertOwnSummaryCurrent(srv);
});

test('a person removed leaves its cell, and an emptied cell is gone', async () => {
  const c = await createCase(srv, U.pol, { county: '14', exploitation: ['organ_removal'] });
  const p = await createPerson(srv, U.pol, c.id, { gender: 'unknown', citizenship: 'VN' });
  const vn = async () => Number((await srv.db.exec(
    "SELECT COALESCE(sum(n), -1) FROM stat_own_pair WHERE pair = 'citizenship' AND v1 = 'VN';")).trim());
  assert.equal(await vn(), 1);
  // No API removes a person; the store's own tables may (a retention job, an erasure): the
  // triggers count that too (its duplicate-check row goes with it, ON DELETE CASCADE).
  await srv.db.exec(`DELETE FROM person WHERE id = '${p.id}';`);
  assert.equal(await vn(), -1, 'the cell is gone, not left at 0');
  await assertOwnSummaryCurrent(srv);
});

test('persons stored before the migration are counted after it (nmtctl init)', async () => {
  const s2 = await startServer({ env: STATS_ENV });
  let s3;
  try {
    const pol = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const analyst = await addUserWithToken(s2, { org: 'NMT', role: 'analyst' });
    const c = await createCase(s2, pol, { county: '12', exploitation: ['sexual', 'begging'] });
    for (const g of ['female', 'female', 'female', 'male', 'male', 'male']) {
      await createPerson(s2, pol, c.id, { gender: g, citizenship: 'RO', age_estimate: 30 });
    }
    assert.deepEqual(await cells('by=gender,exploitation', s2, analyst),
      { 'female|begging': 3, 'female|sexual': 3, 'male|begging': 3, 'male|sexual': 3 });
    s3 = await upgradedServer(s2, 26, 'SELECT count(*) FROM person',
      ['by=gender,exploitation', 'by=region,age_band', 'by=year,citizenship_group'], (q, s) => cells(q, s, analyst));
    await assertOwnSummaryCurrent(s3);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});

test('a deferral added by hand is settled when nmtd starts: no person stays uncounted', async () => {
  const s2 = await startServer({ env: STATS_ENV });
  let s3;
  try {
    const pol = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const c = await createCase(s2, pol, { county: '12', exploitation: ['sexual'] });
    for (let i = 0; i < 3; i++) await createPerson(s2, pol, c.id, { gender: 'female', citizenship: 'RO' });
    // A deferral added by hand (the store's own cannot commit unsettled, migration 0038): the
    // persons written after it are queued, counted nowhere.
    await s2.db.exec('INSERT INTO stat_defer (id) VALUES (1);');
    for (let i = 0; i < 3; i++) await createPerson(s2, pol, c.id, { gender: 'male', citizenship: 'TH' });
    const queued = async (db) => (await db.exec(
      'SELECT (SELECT count(*) FROM stat_defer) || \',\' || (SELECT count(*) FROM stat_person_pending);')).trim();
    assert.equal(await queued(s2.db), '1,3');
    await s2.stop();
    s3 = await startServer({ db: s2.db, init: false, env: STATS_ENV });
    assert.equal(await queued(s3.db), '0,0');
    assert.match(s3.stderr(), /a deferral of the person counts was found committed; its 3 queued entries are settled now/);
    await assertOwnSummaryCurrent(s3);
    const analyst = await addUserWithToken(s3, { org: 'NMT', role: 'analyst' });
    assert.deepEqual(await cells('by=gender', s3, analyst), { female: 3, male: 3 });
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
