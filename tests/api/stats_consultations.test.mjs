// API.md "Statistics" of consultations, counted from the summary the write path keeps current
// (migration 0031, docs/STATISTICS.md "A million persons"): a consultation registered shows in the
// very next answer, counted in the Swedish civil year it was registered, with the kind of the
// organization that asked; one changed or removed by hand moves or leaves its cell; the
// consultations stored before the migration are counted after it; the summary always equals a
// count of the consultations themselves.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus } from './harness.mjs';
import { STATS_ENV, statsCells, civilYearSql, assertSameRows, upgradedServer } from './stats_summary.mjs';

let srv;
const U = {};

async function users(s) {
  return {
    malmo: await addUserWithToken(s, { org: 'SOC-1280', role: 'requester' }),
    nmt: await addUserWithToken(s, { org: 'NMT', role: 'coordinator' }),
    analyst: await addUserWithToken(s, { org: 'NMT', role: 'analyst' }),
  };
}

before(async () => {
  srv = await startServer({ env: STATS_ENV });
  Object.assign(U, await users(srv));
});
after(async () => { await srv?.stop(); });

/** A consultation registered by who (county 12 unless over says otherwise). */
async function consult(s, who, over = {}) {
  const r = await api(s, 'POST', '/api/v1/consultations', {
    auth: who,
    body: {
      channel: 'phone', requester: { name: 'Karin Handläggare' }, county: '12',
      question: 'En ung kvinna bor hos sin arbetsgivare och har inte fått lön.',
      concerns: ['forced_labour'], child_involved: false, urgency: 'normal', consent: 'none', ...over,
    },
  });
  assertStatus(r, 201, 'POST /api/v1/consultations');
  return r.json;
}

/** measure=consultations&QUERY as the analyst: { "v1|v2": count }. */
const cells = (query, s = srv, who = U.analyst) => statsCells(s, who, `measure=consultations&${query}`);

/** The summary against the consultations themselves, counted again with the civil year of each. */
async function assertSummaryCurrent(s = srv) {
  const recount = `SELECT ${civilYearSql('created_at')}, region, county, channel, COALESCE(requester_org, ''),
    urgency, count(*) FROM consultation GROUP BY 1, 2, 3, 4, 5, 6`;
  const stored = 'SELECT year, region, county, channel, requester_org, urgency, n FROM stat_consultation';
  await assertSameRows(s, [[stored, recount]], 'the counts are those of the consultations');
}

test('each consultation registered shows in the next answer, in its Swedish year, by who asked', async () => {
  // 00:30 on New Year's Day in Sweden is 23:30 UTC the day before: it belongs to 2031.
  srv.setClock('2030-12-31T23:30:00Z');
  const made = [];
  for (let i = 0; i < 6; i++) made.push(await consult(srv, U.malmo, { urgency: 'acute' }));
  for (let i = 0; i < 5; i++) made.push(await consult(srv, U.nmt, { channel: 'email' }));
  assert.deepEqual(await cells('by=year&year=2031'), { 2031: 11 });
  assert.deepEqual(await cells('by=year&year=2030'), {});
  assert.deepEqual(await cells('by=channel,urgency&year=2031'), { 'email|normal': 5, 'phone|acute': 6 });
  assert.deepEqual(await cells('by=requester_kind&year=2031'), { social_services: 6, unknown: 5 },
    'Malmö\'s social services asked six times; the secretariat registered five with no requesting organization');
  assert.deepEqual(await cells('by=county&year=2031&region=syd'), { 12: 11 });
  await assertSummaryCurrent();

  // No API moves or removes a consultation; the store's own tables may (an import, a
  // retention job, SQL by hand): the triggers count it.
  const ids = (xs) => xs.map((c) => `'${c.id}'`).join(', ');
  await srv.db.exec(`UPDATE consultation SET county = '01', region = 'stockholm', urgency = 'normal'
    WHERE id IN (${ids(made.slice(0, 3))});`);
  assert.deepEqual(await cells('by=region,urgency&year=2031'),
    { 'stockholm|normal': 3, 'syd|acute': 3, 'syd|normal': 5 });
  await srv.db.exec(`DELETE FROM consultation WHERE id IN (${ids(made.slice(0, 3))});`);
  assert.deepEqual(await cells('by=region&year=2031'), { syd: 8 });
  const left = await srv.db.exec("SELECT count(*) FROM stat_consultation WHERE region = 'stockholm';");
  assert.equal(left.trim(), '0', 'the emptied cells are gone, not left at 0');
  await assertSummaryCurrent();
});

test('consultations stored before the migration are counted after it (nmtctl init)', async () => {
  const s2 = await startServer({ env: STATS_ENV });
  let s3;
  try {
    const u = await users(s2);
    for (const urgency of ['normal', 'acute']) {
      for (let i = 0; i < 3; i++) {
        await consult(s2, u.malmo, { urgency });
        await consult(s2, u.nmt, { urgency, channel: 'web' });
      }
    }
    assert.deepEqual(await cells('by=urgency', s2, u.analyst), { acute: 6, normal: 6 });
    s3 = await upgradedServer(s2, 30, 'SELECT count(*) FROM consultation',
      ['by=urgency', 'by=channel,requester_kind', 'by=year', 'by=region,county'], (q, s) => cells(q, s, u.analyst));
    await assertSummaryCurrent(s3);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
