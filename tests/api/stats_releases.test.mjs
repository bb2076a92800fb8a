// API.md "Statistics", differential privacy: POST /api/v1/stats/releases releases counts with
// two-sided geometric noise at a stated ε for every combination of the dimensions' value domains,
// stores them immutable, and spends ε from the year's budget (409 past it, nothing stored), also
// under concurrent requests; GET /api/v1/stats/releases[/{id}]. Callers: the analyst and the
// secretariat's coordinators; every other role 403. Audited as stats.release.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, createPerson,
  randomId, RFC3339_UTC,
} from './harness.mjs';

const GENDERS = ['female', 'male', 'other', 'unknown'];
const BANDS = ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+', 'unknown'];

let srv; // budget 1.0 (the default)
let wide; // budget 1000: exact releases at a huge ε, and many releases
const U = {};
const W = {};

/** The persons of 2027 in srv/wide: 3 women born 2000 (27), 2 men born 2012 (15, a child). */
async function persons(s, who) {
  s.setClock('2027-03-01T12:00:00Z');
  const c = await createCase(s, who, { county: '12', exploitation: ['sexual', 'begging'] });
  for (let i = 0; i < 3; i++) await createPerson(s, who, c.id, { gender: 'female', birth_year: 2000 });
  for (let i = 0; i < 2; i++) await createPerson(s, who, c.id, { gender: 'male', birth_year: 2012 });
}

before(async () => {
  srv = await startServer();
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
  U.nat = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.reg = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.member = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.admin = await addUserWithToken(srv, { org: 'NMT', role: 'admin' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.requester = await addUserWithToken(srv, { org: 'SOC-1280', role: 'requester' });
  await persons(srv, U.member);

  wide = await startServer({ env: { NMT_STATS_EPSILON_BUDGET: '1000' } });
  W.analyst = await addUserWithToken(wide, { org: 'NMT', role: 'analyst' });
  W.member = await addUserWithToken(wide, { org: 'POLISEN-SYD', role: 'member' });
  await persons(wide, W.member);
});
after(async () => {
  if (srv) await srv.close();
  if (wide) await wide.close();
});

const release = (s, who, body) => api(s, 'POST', '/api/v1/stats/releases', { auth: who, body });
const releasesOf = async (s, who, year) => {
  const r = await api(s, 'GET', `/api/v1/stats/releases?year=${year}`, { auth: who });
  assertStatus(r, 200, 'list');
  return r.json;
};
const count = async (s, sql) => Number((await s.db.exec(sql)).trim());

test('a release: its shape, every key of the domains whatever the data, stored as released', async () => {
  const r = await release(srv, U.analyst, { measure: 'persons', by: ['gender', 'age_band'], year: 2027, epsilon: 0.1 });
  assertStatus(r, 201, 'release');
  const rel = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/stats/releases/${rel.id}`);
  assert.equal(rel.mechanism, 'geometric');
  assert.equal(rel.epsilon, 0.1);
  assert.equal(rel.measure, 'persons');
  assert.deepEqual(rel.by, ['gender', 'age_band']);
  assert.equal(rel.year, 2027);
  assert.equal(rel.created_by, U.analyst.username);
  assert.match(rel.created_at, RFC3339_UTC);
  // Every combination of the two domains, in their order (40), not only the 2 present.
  assert.deepEqual(rel.cells.map((c) => [c.key.gender, c.key.age_band]),
    GENDERS.flatMap((g) => BANDS.map((b) => [g, b])));
  for (const c of rel.cells) assert.ok(Number.isInteger(c.count) && c.count >= 0, 'a count');

  const again = await api(srv, 'GET', `/api/v1/stats/releases/${rel.id}`, { auth: U.nat });
  assertStatus(again, 200, 'read');
  assert.deepEqual(again.json, rel, 'read back exactly as released');
  const list = await releasesOf(srv, U.analyst, 2027);
  assert.ok(list.items.some((x) => x.id === rel.id && x.cells === undefined), 'listed without its cells');
  assert.equal(await count(srv, `SELECT count(*) FROM audit WHERE action = 'stats.release'
    AND object = 'stat_release:${rel.id}'`), 1, 'audited');
});

test('at a huge ε the release is the true count; at a small ε the counts carry noise', async () => {
  const exact = await release(wide, W.analyst, { measure: 'persons', by: ['gender', 'child'], year: 2027, epsilon: 400 });
  assertStatus(exact, 201);
  const cell = (rel, g, ch) => rel.cells.find((c) => c.key.gender === g && c.key.child === ch).count;
  assert.equal(cell(exact.json, 'female', 'no'), 3);
  assert.equal(cell(exact.json, 'male', 'yes'), 2);
  assert.equal(exact.json.cells.reduce((a, c) => a + c.count, 0), 5, 'every other cell 0');
  const forms = await release(wide, W.analyst, { measure: 'persons', by: ['exploitation'], year: 2027, epsilon: 400 });
  const f = Object.fromEntries(forms.json.cells.map((c) => [c.key.exploitation, c.count]));
  assert.equal(f.sexual, 5, 'a person counts once in each form of its case');
  assert.equal(f.begging, 5);
  assert.equal(f.forced_labour, 0);

  // The same release as CSV (the statistics' export): its non-zero cells and their total.
  const csv = await api(wide, 'GET', `/api/v1/stats/releases/${exact.json.id}`,
    { auth: W.analyst, headers: { accept: 'text/csv' } });
  assertStatus(csv, 200, 'csv');
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'gender,child,count');
  assert.ok(lines.includes('female,no,3') && lines.includes('male,yes,2'), csv.text);
  // Another measure: its own dimension's domain (the channel vocabulary), here all 0.
  const ch = await release(wide, W.analyst, { measure: 'consultations', by: ['channel'], year: 2026, epsilon: 400 });
  assertStatus(ch, 201);
  const voc = (await api(wide, 'GET', '/api/v1/vocabularies', { auth: W.analyst })).json;
  const channels = voc.consultation_channels.map((t) => t.code);
  assert.ok(channels.length > 0, 'the channel vocabulary');
  assert.deepEqual(ch.json.cells.map((c) => c.key.channel), [...channels, 'unknown']);
  assert.ok(ch.json.cells.every((c) => c.count === 0));

  // 20 releases at ε = 0.5 of the 12 gender × child cells: noise shows, centred near the truth
  // where the count is far from the clamp (mean of 20 draws, sd 2.8/√20 = 0.63: 4 sd = 2.5).
  const female = [];
  let differ = 0;
  for (let i = 0; i < 20; i++) {
    const r = await release(wide, W.analyst, { measure: 'persons', by: ['gender', 'child'], year: 2027, epsilon: 0.5 });
    assertStatus(r, 201);
    for (const c of r.json.cells) assert.ok(Number.isInteger(c.count) && c.count >= 0);
    differ += r.json.cells.filter((c) => c.count !== cell(exact.json, c.key.gender, c.key.child)).length;
    female.push(cell(r.json, 'female', 'no'));
  }
  assert.ok(differ > 60, `noise added (${differ} of 240 cells differ from the truth)`);
  const mean = female.reduce((a, b) => a + b, 0) / female.length;
  assert.ok(Math.abs(mean - 3) < 2.5 + 0.5, `mean of the released 3: ${mean}`);
});

test('the budget: spent per year, 409 past it with nothing stored; another year has its own', async () => {
  const y = 2026;
  const before0 = await releasesOf(srv, U.analyst, y);
  assert.deepEqual(before0.budget, { year: y, budget: 1, spent: 0, remaining: 1 });
  assertStatus(await release(srv, U.nat, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.6 }), 201);
  const over = await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.5 });
  assertStatus(over, 409, 'past the budget');
  assertStatus(await release(srv, U.analyst, { measure: 'persons', by: ['region'], year: y, epsilon: 0.4 }), 201);
  assertStatus(await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.001 }), 409);
  const after1 = await releasesOf(srv, U.analyst, y);
  assert.equal(after1.items.length, 2, 'the refused releases stored nothing');
  assert.deepEqual(after1.budget, { year: y, budget: 1, spent: 1, remaining: 0 });
  assert.equal(await count(srv, `SELECT count(*) FROM stat_release WHERE year = ${y}`), 2);
  assertStatus(await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: 2025, epsilon: 1 }), 201,
    'another year');
});

test('the budget is configured at start: a bad one stops nmtd', async () => {
  for (const bad of ['0', '-1', '0.0001', 'x', '1.5e3']) {
    await assert.rejects(startServer({ env: { NMT_STATS_EPSILON_BUDGET: bad } }),
      /NMT_STATS_EPSILON_BUDGET/, bad);
  }
});

test('8 concurrent releases of ε 0.3 against a budget of 1.0: exactly 3 succeed', async () => {
  const y = 2024;
  const rs = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    release(srv, i % 2 ? U.analyst : U.nat, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.3 })));
  const codes = rs.map((r) => r.status).sort();
  assert.deepEqual(codes, [201, 201, 201, 409, 409, 409, 409, 409]);
  assert.equal(await count(srv, `SELECT count(*) FROM stat_release WHERE year = ${y}`), 3);
  assert.equal(await count(srv, `SELECT spent_micro FROM stat_budget WHERE year = ${y}`), 900000);
});

test('bad input: 400 naming the field, nothing stored or spent', async () => {
  const y = 2023;
  const bad = [
    [{ epsilon: 0 }, 'epsilon'], [{ epsilon: -1 }, 'epsilon'], [{ epsilon: 0.0001 }, 'epsilon'],
    [{ epsilon: '0.5' }, 'epsilon'], [{ epsilon: 1.5 }, 'epsilon'],
    [{ by: ['nonsense'] }, 'by'], [{ by: ['gender', 'gender'] }, 'by[1]'], [{ by: ['gender', 'child', 'region'] }, 'by'],
    [{ by: 'gender' }, 'by'], [{ by: ['channel'] }, 'by'], [{ by: [] }, 'by'],
    [{ measure: 'cats' }, 'measure'], [{ year: 'x' }, 'year'],
  ];
  for (const [over, field] of bad) {
    const r = await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.1, ...over });
    assertFieldError(r, field, JSON.stringify(over));
  }
  assert.equal(await count(srv, `SELECT count(*) FROM stat_release WHERE year = ${y}`), 0);
  assert.equal(await count(srv, `SELECT count(*) FROM stat_budget WHERE year = ${y}`), 0);
});

test('ε: a whole number of thousandths from 0.001; 400 naming epsilon, nothing spent; read back as written', async () => {
  const y = 2020;
  const raw = (eps) => api(srv, 'POST', '/api/v1/stats/releases', {
    auth: U.analyst, headers: { 'content-type': 'application/json' },
    rawBody: `{"measure":"persons","by":["gender"],"year":${y},"epsilon":${eps}}`,
  });
  for (const eps of ['5e-324', '0.0004', '0.0009', '0.0015', '0.1234', '1e300', '1000000.001', '12345678', '0.000',
    '-0.1', '-0', '"0.5"', 'null', 'true', '[0.5]']) {
    const r = await raw(eps);
    assertFieldError(r, 'epsilon', eps);
  }
  assert.equal(await count(srv, `SELECT count(*) FROM stat_release WHERE year = ${y}`), 0, 'nothing stored');
  assert.equal(await count(srv, `SELECT count(*) FROM stat_budget WHERE year = ${y}`), 0, 'nothing spent');

  // A plain decimal reads back as written, also in the budget, as JSON numbers.
  const ok = await raw('0.05');
  assertStatus(ok, 201);
  assert.match(ok.text, /"epsilon":0\.05[,}]/);
  assert.equal(ok.json.epsilon, 0.05);
  const one = await raw(' 0.333 ');
  assertStatus(one, 201, 'white space around the number');
  assert.match(one.text, /"epsilon":0\.333[,}]/);
  const spaced = await api(srv, 'POST', '/api/v1/stats/releases', {
    auth: U.analyst, headers: { 'content-type': 'application/json' },
    rawBody: `{ "epsilon" :\n\t0.002 , "by": ["gender"], "measure": "persons", "year": ${y} }`,
  });
  assertStatus(spaced, 201, 'ε first, with white space');
  assert.equal(spaced.json.epsilon, 0.002);
  assert.equal(await count(srv, `SELECT spent_micro FROM stat_budget WHERE year = ${y}`), 385000);
  const list = await api(srv, 'GET', `/api/v1/stats/releases?year=${y}`, { auth: U.analyst });
  assertStatus(list, 200);
  assert.match(list.text, /"budget":\{"year":2020,"budget":1\.0,"spent":0\.385,"remaining":0\.615\}/);
  assert.match(list.text, /"epsilon":0\.05[,}]/);
  const read = await api(srv, 'GET', `/api/v1/stats/releases/${ok.json.id}`, { auth: U.analyst });
  assert.match(read.text, /"epsilon":0\.05[,}]/);
});

test('a release refused past the budget is audited as stats.release with its outcome, no counts', async () => {
  const y = 2019;
  assertStatus(await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: y, epsilon: 0.9 }), 201);
  const before1 = await count(srv, `SELECT count(*) FROM audit WHERE action = 'stats.release'`);
  const over = await release(srv, U.nat, { measure: 'persons', by: ['gender', 'child'], year: y, epsilon: 0.25 });
  assertStatus(over, 409, 'past the budget');
  const rows = (await srv.db.exec(`SELECT object FROM audit WHERE action = 'stats.release'
    AND object LIKE 'stat_release:refused;%;year=${y};%'`)).trim().split('\n').filter(Boolean);
  assert.deepEqual(rows, ['stat_release:refused;measure=persons;by=gender,child;year=2019;epsilon=0.250']);
  assert.equal(await count(srv, `SELECT count(*) FROM audit WHERE action = 'stats.release'`), before1 + 1,
    'one entry for the refusal');
  assert.equal(await count(srv, `SELECT count(*) FROM audit WHERE action = 'stats.release'
    AND object LIKE 'stat_release:refused;%;year=${y};%' AND actor = '${U.nat.username}'`), 1, 'the refusal names its caller');
  assert.equal(await count(srv, `SELECT count(*) FROM stat_release WHERE year = ${y}`), 1, 'nothing stored');
  assert.equal(await count(srv, `SELECT spent_micro FROM stat_budget WHERE year = ${y}`), 900000, 'nothing spent');
});

test('a release never changes: no PATCH or DELETE, and the database refuses an UPDATE or DELETE', async () => {
  const r = await release(srv, U.analyst, { measure: 'persons', by: ['child'], year: 2022, epsilon: 0.2 });
  assertStatus(r, 201);
  for (const m of ['PATCH', 'DELETE', 'PUT']) {
    assertStatus(await api(srv, m, `/api/v1/stats/releases/${r.json.id}`, { auth: U.analyst, body: {} }), 405, m);
  }
  await assert.rejects(srv.db.exec(`UPDATE stat_release SET cells = '[]' WHERE id = '${r.json.id}';`),
    /append-only/);
  await assert.rejects(srv.db.exec(`DELETE FROM stat_release WHERE id = '${r.json.id}';`), /append-only/);
  const again = await api(srv, 'GET', `/api/v1/stats/releases/${r.json.id}`, { auth: U.analyst });
  assert.deepEqual(again.json, r.json);
});

test('callers: the analyst and the secretariat\'s coordinators; every other role 403, an unknown id 404', async () => {
  const r = await release(srv, U.analyst, { measure: 'persons', by: ['gender'], year: 2021, epsilon: 0.1 });
  assertStatus(r, 201);
  const id = r.json.id;
  for (const who of [U.reg, U.member, U.admin, U.auditor, U.requester]) {
    assertStatus(await release(srv, who, { measure: 'persons', by: ['gender'], year: 2021, epsilon: 0.1 }), 403);
    assertStatus(await api(srv, 'GET', '/api/v1/stats/releases', { auth: who }), 403);
    assertStatus(await api(srv, 'GET', `/api/v1/stats/releases/${id}`, { auth: who }), 403);
  }
  for (const who of [U.analyst, U.nat]) {
    assertStatus(await api(srv, 'GET', `/api/v1/stats/releases/${id}`, { auth: who }), 200);
    assertStatus(await api(srv, 'GET', `/api/v1/stats/releases/${randomId()}`, { auth: who }), 404);
  }
  assert.equal(await count(srv, 'SELECT count(*) FROM stat_release WHERE year = 2021'), 1,
    'refused callers stored nothing');
});
