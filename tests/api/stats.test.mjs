// API.md "Statistics": GET /api/v1/stats (every dimension of every measure against an independent
// count of the data this test made), the sources (own, an import source, all), the callers (roles,
// a regional coordinator's region), the audit entries, bad parameters, the threshold's
// configuration, the Eurostat and the national tables, and the CSV and XLSX answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, createPerson,
  listAll, createDatabase,
} from './harness.mjs';

const THRESHOLD = 3;
let srv;
const U = {};
// What this test made, with the attributes the statistics count by (its own independent record).
const persons = [];
const consultations = [];
const cases = [];
const records = []; // imported: {source, year, gender, age_band, child, citizenship, forms}

const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR',
  'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);
const REGION_OF = { '12': 'syd', '01': 'stockholm', '14': 'vast' };
const BANDS = [[8, '0-8'], [17, '9-17'], [20, '18-20'], [23, '21-23'], [26, '24-26'], [29, '27-29'],
  [38, '30-38'], [47, '39-47'], [Infinity, '48+']];
const band = (age) => (age == null ? 'unknown' : BANDS.find(([upto]) => age <= upto)[1]);
const group = (c) => (!c || c === 'unknown' ? 'unknown' : c === 'SE' ? 'SE' : EU.has(c) ? 'EU' : 'non_EU');
const stockholmYear = (iso) => Number(new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm', year: 'numeric' }).format(new Date(iso)));

// Full destination coercion etc.: an adult's presumed victim (see assessments.test.mjs).
const PRESUMED = ['d1-nature', 'd1-wages', 'd4-hours', 'd4-pay', 'd5-documents', 'd5-violence'];

/** The values a person has in each dimension (forms: several). */
function personValues(p) {
  const year = stockholmYear(p.created_at);
  const age = p.birth_year != null ? year - p.birth_year : p.age_estimate ?? null;
  return {
    year: String(year), region: REGION_OF[p.county], county: p.county,
    citizenship: p.citizenship || 'unknown', citizenship_group: group(p.citizenship),
    exploitation: p.forms.length ? p.forms : ['unknown'], gender: p.gender, age_band: band(age),
    child: p.is_child ? 'yes' : 'no', presumed_victim: p.assessed ?? 'unknown',
  };
}
function recordValues(r) {
  return {
    year: String(r.year), region: 'unknown', county: 'unknown', citizenship: r.citizenship,
    citizenship_group: group(r.citizenship), exploitation: r.forms.length ? r.forms : ['unknown'],
    gender: r.gender, age_band: r.age_band, child: r.child, presumed_victim: 'yes',
  };
}

/** Independent count: Map "v1|v2" → n over items (each an object of dimension values). */
function count(items, by, filter = () => true) {
  const m = new Map();
  for (const it of items.filter(filter)) {
    const vals = by.map((d) => [].concat(it[d]));
    const keys = vals.reduce((acc, vs) => acc.flatMap((k) => vs.map((v) => [...k, v])), [[]]);
    for (const k of keys) m.set(k.join('|'), (m.get(k.join('|')) || 0) + 1);
  }
  return m;
}

/** The answer holds exactly the true counts: published ones equal, small ones withheld. */
function assertTable(r, by, truth, threshold = THRESHOLD) {
  assertStatus(r, 200);
  assert.deepEqual(r.json.by, by);
  const seen = new Map(r.json.cells.map((c) => [by.map((d) => c.key[d]).join('|'), c.count]));
  assert.deepEqual([...seen.keys()].sort(), [...truth.keys()].sort(), `the cells of ${by}`);
  for (const [k, n] of truth) {
    const got = seen.get(k);
    if (n < threshold) assert.equal(got, null, `${by} ${k}: ${n} is withheld`);
    else if (got !== null) assert.equal(got, n, `${by} ${k}`);
  }
  const all = [...truth.values()].reduce((a, b) => a + b, 0);
  if (r.json.totals.all !== null) assert.equal(r.json.totals.all, all);
  else assert.ok(all < threshold || r.json.cells.some((c) => c.count === null));
  for (const [i, d] of by.length === 2 ? by.entries() : []) {
    const sums = new Map();
    for (const [k, n] of truth) { const v = k.split('|')[i]; sums.set(v, (sums.get(v) || 0) + n); }
    assert.deepEqual(r.json.totals[d].map((t) => t.key).sort(), [...sums.keys()].sort());
    for (const t of r.json.totals[d]) {
      if (sums.get(t.key) < threshold) assert.equal(t.count, null, `total ${d}=${t.key} withheld`);
      else if (t.count !== null) assert.equal(t.count, sums.get(t.key));
    }
  }
}

const get = (who, q, headers) => api(srv, 'GET', `/api/v1/stats?${q}`, { auth: who, headers });

async function addPerson(who, caseRec, spec) {
  const body = { gender: spec.gender };
  if (spec.birth_year != null) body.birth_year = spec.birth_year;
  if (spec.age_estimate != null) body.age_estimate = spec.age_estimate;
  if (spec.citizenship) body.citizenship = spec.citizenship;
  const p = await createPerson(srv, who, caseRec.id, body);
  const rec = { ...spec, id: p.id, county: caseRec.county, forms: caseRec.exploitation,
    is_child: p.is_child, created_at: p.created_at || new Date(srv.now() * 1000).toISOString() };
  if (spec.assess) {
    const r = await api(srv, 'POST', `/api/v1/persons/${p.id}/assessments`,
      { auth: who, body: { set: 'adult-labour', observed: spec.assess === 'yes' ? PRESUMED : [] } });
    assertStatus(r, 201, 'assessment');
    rec.assessed = spec.assess;
  }
  persons.push(rec);
  return rec;
}

async function addCase(who, county, exploitation) {
  const c = await createCase(srv, who, { county, exploitation });
  const rec = { id: c.id, county, exploitation, created_at: c.created_at };
  cases.push(rec);
  return rec;
}

before(async () => {
  srv = await startServer({ env: { NMT_STATS_THRESHOLD: String(THRESHOLD) } });
  const spec = {
    pol: { org: 'POLISEN-SYD', role: 'member' },
    nmt: { org: 'NMT', role: 'coordinator' },
    rksyd: { org: 'RK-SYD', role: 'coordinator', region: 'syd' },
    poladm: { org: 'POLISEN-SYD', role: 'coordinator' },
    analyst: { org: 'NMT', role: 'analyst' },
    admin: { org: 'NMT', role: 'admin' },
    auditor: { org: 'NMT', role: 'auditor' },
    requester: { org: 'SOC-1280', role: 'requester' },
    reqSthlm: { org: 'SOC-0180', role: 'requester' },
    reqPol: { org: 'POLISEN-SYD', role: 'requester' },
  };
  for (const [k, s] of Object.entries(spec)) U[k] = await addUserWithToken(srv, s);

  // Last year (a registration just before midnight on New Year's Eve in Stockholm is last year's;
  // one just after it, this year's), then this year.
  const thisYear = stockholmYear(new Date(srv.now() * 1000).toISOString());
  const last = thisYear - 1;
  srv.setClock(`${last}-06-01T10:00:00Z`);
  const old = await addCase(U.pol, '12', ['sexual']);
  for (const g of ['female', 'female', 'female', 'male']) {
    await addPerson(U.pol, old, { gender: g, birth_year: last - 25, citizenship: 'RO' });
  }
  srv.setClock(`${last}-12-31T22:59:00Z`); // 23:59 in Stockholm
  await addPerson(U.pol, old, { gender: 'female', age_estimate: 30, citizenship: 'NG' });
  srv.setClock(`${last}-12-31T23:01:00Z`); // 00:01 on New Year's Day in Stockholm
  await addPerson(U.pol, old, { gender: 'female', age_estimate: 30, citizenship: 'NG' });
  srv.setClock(`${thisYear}-03-01T09:00:00Z`);

  const a = await addCase(U.pol, '12', ['forced_labour', 'begging']);
  const b = await addCase(U.pol, '12', ['sexual', 'criminal_activities']);
  const c = await addCase(U.pol, '01', ['sexual']);
  const d = await addCase(U.pol, '01', []);
  const y = thisYear;
  const people = [
    [a, 'male', { birth_year: y - 34 }, 'TH', 'yes'], [a, 'male', { birth_year: y - 40 }, 'TH', 'yes'],
    [a, 'male', { age_estimate: 22 }, 'TH', 'no'], [a, 'male', { age_estimate: 19 }, 'TH'],
    [a, 'female', { birth_year: y - 50 }, 'UA', 'yes'], [a, 'male', {}, null],
    [b, 'female', { age_estimate: 16 }, 'RO', 'yes'], [b, 'female', { birth_year: y - 17 }, 'RO'],
    [b, 'female', { age_estimate: 24 }, 'RO', 'no'], [b, 'female', { age_estimate: 27 }, 'BG', 'yes'],
    [b, 'other', { age_estimate: 21 }, 'SE'], [b, 'female', { birth_year: y - 8 }, 'SE'],
    [c, 'female', { age_estimate: 31 }, 'NG', 'yes'], [c, 'female', { age_estimate: 35 }, 'NG', 'yes'],
    [c, 'female', { age_estimate: 29 }, 'NG'], [c, 'unknown', {}, 'SE'],
    [d, 'male', { age_estimate: 45 }, 'VN', 'no'], [d, 'female', { age_estimate: 33 }, 'SE'],
  ];
  for (const [cs, gender, age, citizenship, assess] of people) {
    await addPerson(U.pol, cs, { gender, ...age, citizenship, assess });
  }

  // Consultations (this year): channels, urgency, requester organizations.
  const cons = [
    ['phone', 'acute', 'SOC-1280', '12'], ['phone', 'normal', 'SOC-1280', '12'],
    ['web', 'normal', null, '12'], ['email', 'normal', 'SOC-0180', '01'],
    ['phone', 'normal', 'POLISEN-SYD', '12'], ['meeting', 'acute', null, '01'],
    ['phone', 'normal', 'SOC-1280', '01'],
  ];
  for (const [channel, urgency, org, county] of cons) {
    // A requester's own organization; a coordinator taking a call records none.
    const who = { 'SOC-1280': U.requester, 'SOC-0180': U.reqSthlm, 'POLISEN-SYD': U.reqPol }[org] || U.nmt;
    const requester = { name: 'Karin Handläggare' };
    const r = await api(srv, 'POST', '/api/v1/consultations', { auth: who, body: {
      channel, requester, county, question: 'Fråga', concerns: ['sexual'], child_involved: false,
      urgency, consent: 'none' } });
    assertStatus(r, 201, 'consultation');
    consultations.push({ channel, urgency, county, created_at: r.json.created_at,
      requester_kind: { 'SOC-1280': 'social_services', 'SOC-0180': 'social_services',
        'POLISEN-SYD': 'police' }[org] || 'unknown' });
  }

  // Imported records of two sources, straight into the tables (as the CTDC import writes them).
  const add = (source, n, rec) => { for (let i = 0; i < n; i++) records.push({ source, ...rec }); };
  add('ctdc-2019', 7, { year: 2019, gender: 'female', age_band: '18-20', child: 'no', citizenship: 'RO', forms: ['sexual'] });
  add('ctdc-2019', 4, { year: 2019, gender: 'male', age_band: '30-38', child: 'no', citizenship: 'TH', forms: ['forced_labour'] });
  add('ctdc-2019', 2, { year: 2019, gender: 'female', age_band: '9-17', child: 'yes', citizenship: 'NG', forms: ['sexual', 'begging'] });
  add('ctdc-2019', 3, { year: thisYear, gender: 'male', age_band: 'unknown', child: 'unknown', citizenship: 'unknown', forms: [] });
  add('other.src', 5, { year: thisYear, gender: 'female', age_band: '24-26', child: 'no', citizenship: 'SE', forms: ['sexual'] });
  add('other.src', 1, { year: thisYear, gender: 'male', age_band: '48+', child: 'no', citizenship: '=1+2', forms: ['other'] });
  const sql = records.map((r, i) => {
    const key = `k${i}`;
    return `INSERT INTO stat_record (source, record_key, year, gender, age_band, child, citizenship, datasource, imported_at) ` +
      `VALUES ('${r.source}', '${key}', ${r.year}, '${r.gender}', '${r.age_band}', '${r.child}', '${r.citizenship}', 'test', '2026-01-01T00:00:00Z');\n` +
      r.forms.map((f) => `INSERT INTO stat_record_form (source, record_key, form) VALUES ('${r.source}', '${key}', '${f}');\n`).join('');
  }).join('');
  await srv.db.exec(`BEGIN;\n${sql}COMMIT;\n`);
});
after(async () => { if (srv) await srv.close(); });

const PERSON_DIMS = ['year', 'region', 'county', 'citizenship', 'citizenship_group', 'exploitation',
  'gender', 'age_band', 'child', 'presumed_victim'];

test('persons: every dimension, alone and in pairs, matches an independent count', async () => {
  const items = persons.map(personValues);
  for (const d of PERSON_DIMS) {
    assertTable(await get(U.analyst, `by=${d}`), [d], count(items, [d]));
  }
  for (const [d1, d2] of [['year', 'gender'], ['region', 'exploitation'], ['citizenship_group', 'age_band'],
    ['gender', 'presumed_victim'], ['child', 'citizenship'], ['county', 'year']]) {
    const r = await get(U.analyst, `measure=persons&by=${d1},${d2}`);
    assertTable(r, [d1, d2], count(items, [d1, d2]));
    assert.equal(r.json.measure, 'persons');
    assert.deepEqual(r.json.filters, { year: null, region: null, source: 'own' });
    assert.equal(r.json.threshold, THRESHOLD);
  }
});

test('counting rules: the Stockholm year, age at registration, both forms, the latest assessment', async () => {
  const y = stockholmYear(new Date(srv.now() * 1000).toISOString());
  // The registration at 23:59 on New Year's Eve in Stockholm counts last year, 00:01 this year:
  // last year 4 RO + 1 NG (NG withheld, and RO with it, else NG = all - RO).
  let r = await get(U.analyst, `by=citizenship&year=${y - 1}`);
  assert.deepEqual(r.json.cells.map((c) => [c.key.citizenship, c.count]), [['NG', null], ['RO', null]]);
  assert.equal(r.json.totals.all, 5);
  r = await get(U.analyst, `by=citizenship&year=${y}`);
  assert.equal(r.json.cells.find((c) => c.key.citizenship === 'NG').count, 4);
  // A person in forced_labour and begging counts in both.
  r = await get(U.analyst, `by=exploitation&year=${y}&region=syd`);
  const byForm = Object.fromEntries(r.json.cells.map((c) => [c.key.exploitation, c.count]));
  assert.equal(byForm.forced_labour, 6);
  assert.equal(byForm.begging, 6);
  // The case without a form: its persons under "unknown".
  r = await get(U.analyst, `by=exploitation&year=${y}&region=stockholm`);
  assert.deepEqual(r.json.cells.map((c) => c.key.exploitation), ['sexual', 'unknown']);
  // Age at registration: born y-17 is 17 (9-17), an estimate of 16 also; 8 years is 0-8.
  r = await get(U.analyst, `by=age_band&year=${y}`);
  const bands = r.json.cells.map((c) => c.key.age_band);
  assert.deepEqual(bands, ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+', 'unknown']);
  // A later assessment replaces an earlier one.
  const p = persons.find((x) => x.assessed === 'no' && x.county === '01');
  const a = await api(srv, 'POST', `/api/v1/persons/${p.id}/assessments`,
    { auth: U.pol, body: { set: 'adult-labour', observed: PRESUMED } });
  assertStatus(a, 201);
  p.assessed = 'yes';
  assertTable(await get(U.analyst, 'by=presumed_victim'), ['presumed_victim'],
    count(persons.map(personValues), ['presumed_victim']));
});

test('consultations and cases: each of their dimensions', async () => {
  const citems = consultations.map((c) => ({ year: String(stockholmYear(c.created_at)),
    region: REGION_OF[c.county], county: c.county, channel: c.channel, urgency: c.urgency,
    requester_kind: c.requester_kind }));
  for (const d of ['year', 'region', 'county', 'channel', 'requester_kind', 'urgency']) {
    assertTable(await get(U.analyst, `measure=consultations&by=${d}`), [d], count(citems, [d]));
  }
  assertTable(await get(U.analyst, 'measure=consultations&by=channel,urgency'), ['channel', 'urgency'],
    count(citems, ['channel', 'urgency']));
  const kitems = cases.map((c) => ({ year: String(stockholmYear(c.created_at)), region: REGION_OF[c.county],
    county: c.county, exploitation: c.exploitation.length ? c.exploitation : ['unknown'] }));
  for (const d of ['year', 'region', 'county', 'exploitation']) {
    assertTable(await get(U.analyst, `measure=cases&by=${d}`), [d], count(kitems, [d]));
  }
  assertTable(await get(U.analyst, 'measure=cases&by=region,exploitation'), ['region', 'exploitation'],
    count(kitems, ['region', 'exploitation']));
});

test('sources: own, an import source by name, and all', async () => {
  const own = persons.map(personValues);
  const src = records.filter((r) => r.source === 'ctdc-2019').map(recordValues);
  const every = [...own, ...records.map(recordValues)];
  for (const by of [['gender'], ['year', 'citizenship_group'], ['exploitation'], ['age_band', 'child'],
    ['region'], ['presumed_victim', 'gender']]) {
    let r = await get(U.analyst, `by=${by}&source=ctdc-2019`);
    assertTable(r, by, count(src, by));
    assert.equal(r.json.filters.source, 'ctdc-2019');
    r = await get(U.analyst, `by=${by}&source=all`);
    assertTable(r, by, count(every, by));
  }
  // A year filter on imported records: a year with none of them is an empty table.
  assertTable(await get(U.analyst, 'by=gender&source=ctdc-2019&year=2019'), ['gender'],
    count(src, ['gender'], (x) => x.year === '2019'));
  const none = await get(U.analyst, 'by=gender&source=ctdc-2019&year=2001');
  assertStatus(none, 200);
  assert.deepEqual(none.json.cells, []);
  assert.equal(none.json.totals.all, 0);
});

test('a source no record was imported under is 400 naming source, not an empty table', async () => {
  for (const name of ['nothing-here', 'nonexist', 'CTDC-2019', 'ctdc-2019.']) {
    const r = await get(U.analyst, `by=gender&source=${encodeURIComponent(name)}`);
    assertFieldError(r, 'source', name);
    assert.doesNotMatch(r.text, new RegExp(name.replace('.', '\\.')), 'the name is not echoed');
  }
  for (const q of ['/api/v1/stats/eurostat?year=2019&source=nonexist', '/api/v1/stats?by=gender&source=-1']) {
    assertFieldError(await api(srv, 'GET', q, { auth: U.analyst }), 'source', q);
  }
});

test('the summary of imported records (nmtctl stats summarize) answers the same, and never stale', async () => {
  const y = stockholmYear(new Date(srv.now() * 1000).toISOString());
  const paths = ['by=gender,exploitation&source=ctdc-2019', 'by=citizenship_group,year&source=all',
    'by=age_band&source=other.src', 'by=exploitation,child&source=all&year=2019']
    .map((q) => `/api/v1/stats?${q}`).concat([`/api/v1/stats/eurostat?year=2019&source=all`,
      `/api/v1/stats/national?year=${y}&source=all`]);
  const answers = async () => Promise.all(paths.map(async (p) => {
    const r = await api(srv, 'GET', p, { auth: U.analyst });
    assertStatus(r, 200, p);
    return r.json;
  }));
  const direct = await answers();
  const before = await srv.db.exec('SELECT count(*) FROM stat_summary;');
  assert.equal(before.trim(), '0', 'nothing summarized yet: the records are counted themselves');
  const r = await srv.ctl(['stats', 'summarize']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Number((await srv.db.exec('SELECT count(*) FROM stat_summary;')).trim()) > 0);
  assert.deepEqual(await answers(), direct, 'the summary gives the same tables');
  // A record added after the summary: counted at once (the summary is stale, so it is not used).
  await srv.db.exec("INSERT INTO stat_record (source, record_key, year, gender, age_band, child, citizenship, " +
    "datasource, imported_at) VALUES ('ctdc-2019', 'late', 2019, 'female', '18-20', 'no', 'AR', 'test', " +
    "'2026-01-02T00:00:00Z');");
  records.push({ source: 'ctdc-2019', year: 2019, gender: 'female', age_band: '18-20', child: 'no',
    citizenship: 'AR', forms: [] });
  const src = records.filter((x) => x.source === 'ctdc-2019').map(recordValues);
  assertTable(await get(U.analyst, 'by=gender,exploitation&source=ctdc-2019'), ['gender', 'exploitation'],
    count(src, ['gender', 'exploitation']));
  assert.equal((await srv.ctl(['stats', 'summarize', '--source', 'ctdc-2019'])).code, 0);
  assertTable(await get(U.analyst, 'by=gender,exploitation&source=ctdc-2019'), ['gender', 'exploitation'],
    count(src, ['gender', 'exploitation']));
  assert.equal((await srv.ctl(['stats', 'summarize', '--source', 'bad name'])).code, 2);
  const audit = await listAll(srv, '/api/v1/audit?action=stats.summarize', { auth: U.auditor });
  assert.deepEqual(audit.map((e) => e.object).sort(), ['stats:source=', 'stats:source=ctdc-2019']);
});

test('callers: analyst and the secretariat nationally, a regional coordinator its region, others 403', async () => {
  const items = persons.map(personValues);
  assertTable(await get(U.nmt, 'by=region'), ['region'], count(items, ['region']));
  assertTable(await get(U.nmt, 'by=gender&region=stockholm'), ['gender'],
    count(items, ['gender'], (p) => p.region === 'stockholm'));
  let r = await get(U.rksyd, 'by=gender');
  assertTable(r, ['gender'], count(items, ['gender'], (p) => p.region === 'syd'));
  assert.equal(r.json.filters.region, 'syd');
  assertTable(await get(U.rksyd, 'by=gender&region=syd'), ['gender'],
    count(items, ['gender'], (p) => p.region === 'syd'));
  assertStatus(await get(U.rksyd, 'by=gender&region=stockholm'), 403);
  assertStatus(await api(srv, 'GET', '/api/v1/stats/eurostat?year=2026&region=stockholm', { auth: U.rksyd }), 403);
  for (const who of ['pol', 'poladm', 'admin', 'auditor', 'requester']) {
    assertStatus(await get(U[who], 'by=gender'), 403, who);
    assertStatus(await api(srv, 'GET', '/api/v1/stats/national?year=2026', { auth: U[who] }), 403, who);
  }
  assertStatus(await api(srv, 'GET', '/api/v1/stats?by=gender'), 401);
});

test('every query is audited as stats.query with the query, never a count', async () => {
  await get(U.analyst, 'measure=consultations&by=channel,urgency&year=2026');
  await get(U.rksyd, 'by=citizenship');
  await api(srv, 'GET', '/api/v1/stats/eurostat?year=2025&source=all', { auth: U.nmt });
  const entries = await listAll(srv, '/api/v1/audit?action=stats.query', { auth: U.auditor });
  const objects = entries.map((e) => `${e.actor} ${e.object}`);
  assert.ok(objects.includes(`${U.analyst.username} stats:consultations;by=channel,urgency;year=2026;region=;source=`));
  assert.ok(objects.includes(`${U.rksyd.username} stats:persons;by=citizenship;year=0;region=syd;source=`));
  assert.ok(objects.includes(`${U.nmt.username} stats:eurostat;by=;year=2025;region=;source=all`));
  // A refused query leaves no stats.query entry.
  const before = entries.length;
  await get(U.rksyd, 'by=gender&region=stockholm');
  assert.equal((await listAll(srv, '/api/v1/audit?action=stats.query', { auth: U.auditor })).length, before);
});

test('bad parameters: 400 naming the parameter', async () => {
  const cases = [
    ['', 'by'], ['by=', 'by'], ['by=shoe_size', 'by'], ['by=year,gender,region', 'by'],
    ['by=gender,gender', 'by'], ['by=channel', 'by'], ['measure=cases&by=gender', 'by'],
    ['measure=consultations&by=citizenship', 'by'], ['measure=people&by=year', 'measure'],
    ['by=year&year=20x5', 'year'], ['by=year&year=99', 'year'], ['by=year&region=atlantis', 'region'],
    ['by=year&source=no%20spaces', 'source'], ['by=year&source=.hidden', 'source'],
    ['measure=cases&by=year&source=ctdc-2019', 'source'],
  ];
  for (const [q, field] of cases) assertFieldError(await get(U.analyst, q), field, q);
  assertFieldError(await api(srv, 'GET', '/api/v1/stats/eurostat', { auth: U.analyst }), 'year');
  assertFieldError(await api(srv, 'GET', '/api/v1/stats/national?year=1', { auth: U.analyst }), 'year');
});

test('the threshold: default 5, configurable to 3, and 2 is refused at start-up', async () => {
  const other = await startServer();
  try {
    const a = await addUserWithToken(other, { org: 'NMT', role: 'analyst' });
    const r = await api(other, 'GET', '/api/v1/stats?by=gender', { auth: a });
    assertStatus(r, 200);
    assert.equal(r.json.threshold, 5);
  } finally { await other.close(); }
  const db = await createDatabase();
  try {
    await assert.rejects(startServer({ db, env: { NMT_STATS_THRESHOLD: '2' } }), /stats-threshold|NMT_STATS_THRESHOLD/);
  } finally { await db.drop(); }
  // Below the threshold withheld, at it published (THRESHOLD = 3 here).
  const r = await get(U.analyst, 'by=citizenship&source=ctdc-2019');
  const m = Object.fromEntries(r.json.cells.map((c) => [c.key.citizenship, c.count]));
  assert.equal(m.RO, 7);
  assert.equal(m.NG, null); // 2
});

function euroOf(v) {
  const cit = { SE: 'reporting_country', EU: 'other_EU', non_EU: 'non_EU', unknown: 'unknown' }[v.citizenship_group];
  const forms = [...new Set([].concat(v.exploitation).map((f) => (f === 'sexual' ? 'sexual'
    : ['forced_labour', 'unreasonable_work', 'slavery_servitude'].includes(f) ? 'labour' : 'other')))];
  return { sex: ['female', 'male'].includes(v.gender) ? v.gender : 'unknown',
    age_group: { yes: 'child', no: 'adult' }[v.child] || 'unknown', citizenship: cit, form: forms };
}

test('the Eurostat table: sex × age group × citizenship group × form, the small-cell rule', async () => {
  const y = stockholmYear(new Date(srv.now() * 1000).toISOString());
  const items = [...persons.map(personValues), ...records.map(recordValues)]
    .filter((v) => v.year === String(y)).map(euroOf);
  const r = await api(srv, 'GET', `/api/v1/stats/eurostat?year=${y}&source=all`, { auth: U.analyst });
  assertStatus(r, 200);
  const truth = count(items, ['sex', 'age_group', 'citizenship', 'form']);
  const got = new Map(r.json.cells.map((c) => [[c.key.sex, c.key.age_group, c.key.citizenship, c.key.form].join('|'), c.count]));
  assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort());
  for (const [k, n] of truth) {
    if (n < THRESHOLD) assert.equal(got.get(k), null, k);
    else if (got.get(k) !== null) assert.equal(got.get(k), n, k);
  }
  assert.ok(truth.get('male|adult|non_EU|labour') >= 3, 'the test has a publishable cell');
  const rows = r.json.totals['sex,age_group'];
  assert.ok(rows.some((t) => t.key.sex === 'female' && t.key.age_group === 'adult'));
  assert.ok(r.json.totals['citizenship,form'].length > 0);
});

test('the national table: per region persons by gender and age group, forms and citizenships', async () => {
  const y = stockholmYear(new Date(srv.now() * 1000).toISOString());
  const r = await api(srv, 'GET', `/api/v1/stats/national?year=${y}`, { auth: U.nmt });
  assertStatus(r, 200);
  const items = persons.map(personValues).filter((v) => v.year === String(y))
    .map((v) => ({ ...v, age_group: { yes: 'child', no: 'adult' }[v.child] }));
  const check = (table, names, truth) => {
    const got = new Map(table.cells.map((c) => [names.map((n) => c.key[n]).join('|'), c.count]));
    assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort());
    for (const [k, n] of truth) {
      if (n < THRESHOLD) assert.equal(got.get(k), null, k);
      else if (got.get(k) !== null) assert.equal(got.get(k), n, k);
    }
  };
  check(r.json.tables.persons, ['region', 'gender', 'age_group'], count(items, ['region', 'gender', 'age_group']));
  check(r.json.tables.exploitation, ['region', 'exploitation'], count(items, ['region', 'exploitation']));
  check(r.json.tables.citizenship, ['region', 'citizenship'], count(items, ['region', 'citizenship']));
  // The linked tables withhold a region's persons in both or in neither.
  const t1 = Object.fromEntries(r.json.tables.persons.totals.region.map((t) => [t.key, t.count]));
  const t3 = Object.fromEntries(r.json.tables.citizenship.totals.region.map((t) => [t.key, t.count]));
  assert.deepEqual(t1, t3);
  // A regional coordinator: its region only.
  const s = await api(srv, 'GET', `/api/v1/stats/national?year=${y}`, { auth: U.rksyd });
  assertStatus(s, 200);
  assert.deepEqual([...new Set(s.json.tables.citizenship.cells.map((c) => c.key.region))], ['syd']);
});

// ---- CSV and XLSX ----

/** RFC 4180: fields in quotes may hold commas, quotes (doubled) and line breaks; records end in CRLF. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    assert.notEqual(ch, '\n', 'a bare LF ends no record');
    field += ch; i++;
  }
  assert.equal(field, '', 'the last record ends in CRLF');
  assert.equal(row.length, 0);
  return rows;
}

/** The rows a table answer should export: cells, then totals ("all"), then the grand total. */
function expectedRows(json, names) {
  const c = (n) => (n === null ? '..' : String(n));
  const rows = json.cells.map((x) => [...names.map((n) => x.key[n]), c(x.count)]);
  if (names.length === 2) {
    for (const t of json.totals[names[0]]) rows.push([t.key, 'all', c(t.count)]);
    for (const t of json.totals[names[1]]) rows.push(['all', t.key, c(t.count)]);
  }
  rows.push([...names.map(() => 'all'), c(json.totals.all)]);
  return rows;
}

function readXlsx(buf) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-xlsx-test-'));
  const file = path.join(dir, 't.xlsx');
  fs.writeFileSync(file, buf);
  const py = 'import json,sys,openpyxl\n' +
    'wb=openpyxl.load_workbook(sys.argv[1])\nws=wb.active\n' +
    'print(json.dumps([[c for c in r] for r in ws.iter_rows(values_only=True)]))\n';
  // Debian's python3-openpyxl (scripts/setup) belongs to the system's interpreter.
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', py, file], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

async function getBinary(who, p, accept) {
  const res = await fetch(srv.base + p, { headers: { authorization: `Bearer ${who.token}`, accept } });
  return { status: res.status, headers: res.headers, buf: Buffer.from(await res.arrayBuffer()) };
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('CSV: RFC 4180, CRLF, a header row, the JSON answer\'s cells and totals, withheld as ..', async () => {
  for (const [q, names] of [['by=gender,age_band&source=all', ['gender', 'age_band']], ['by=citizenship', ['citizenship']]]) {
    const json = (await get(U.analyst, q)).json;
    const r = await get(U.analyst, q, { accept: 'text/csv' });
    assertStatus(r, 200);
    assert.match(r.headers.get('content-type'), /^text\/csv/);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="nmt-statistik\.csv"$/);
    const rows = parseCsv(r.text);
    assert.deepEqual(rows[0], [...names, 'count']);
    assert.deepEqual(rows.slice(1), expectedRows(json, names));
    assert.ok(rows.some((x) => x.at(-1) === '..'), 'a withheld cell is ..');
  }
});

test('a label that starts with = is escaped in CSV and XLSX (no formula)', async () => {
  const r = await get(U.analyst, 'by=citizenship&source=other.src', { accept: 'text/csv' });
  const rows = parseCsv(r.text);
  assert.ok(rows.some((x) => x[0] === "'=1+2"), 'the apostrophe comes first');
  assert.ok(!rows.some((x) => x[0] === '=1+2'));
  const x = await getBinary(U.analyst, '/api/v1/stats?by=citizenship&source=other.src', XLSX);
  const sheet = readXlsx(x.buf);
  assert.ok(sheet.some((row) => row[0] === "'=1+2"));
  assert.ok(!sheet.some((row) => row.some((v) => typeof v === 'string' && v.startsWith('='))));
});

test('XLSX: opened by openpyxl, the same rows as the JSON answer, counts as numbers', async () => {
  for (const [p, names] of [['/api/v1/stats?by=year,gender&source=all', ['year', 'gender']],
    ['/api/v1/stats?measure=consultations&by=channel', ['channel']]]) {
    const json = (await api(srv, 'GET', p, { auth: U.analyst })).json;
    const r = await getBinary(U.analyst, p, XLSX);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), XLSX);
    assert.match(r.headers.get('content-disposition'), /^attachment; filename="nmt-statistik\.xlsx"$/);
    const sheet = readXlsx(r.buf);
    assert.deepEqual(sheet[0], [...names, 'count']);
    const want = expectedRows(json, names).map((row) => row.map((v, i) =>
      (i === row.length - 1 && v !== '..' ? Number(v) : v)));
    assert.deepEqual(sheet.slice(1), want);
  }
});

test('the Eurostat and national tables export as CSV and XLSX too', async () => {
  const y = stockholmYear(new Date(srv.now() * 1000).toISOString());
  let r = await api(srv, 'GET', `/api/v1/stats/eurostat?year=${y}`, { auth: U.analyst, headers: { accept: 'text/csv' } });
  assertStatus(r, 200);
  const json = (await api(srv, 'GET', `/api/v1/stats/eurostat?year=${y}`, { auth: U.analyst })).json;
  const rows = parseCsv(r.text);
  assert.deepEqual(rows[0], ['sex', 'age_group', 'citizenship', 'form', 'count']);
  assert.equal(rows.length - 1, json.cells.length + json.totals['sex,age_group'].length +
    json.totals['citizenship,form'].length + 1);
  assert.deepEqual(rows.at(-1), ['all', 'all', 'all', 'all', json.totals.all === null ? '..' : String(json.totals.all)]);
  r = await api(srv, 'GET', `/api/v1/stats/national?year=${y}`, { auth: U.analyst, headers: { accept: 'text/csv' } });
  const nrows = parseCsv(r.text);
  assert.deepEqual(nrows[0], ['table', 'region', 'gender', 'age_group', 'exploitation', 'citizenship', 'count']);
  assert.deepEqual(new Set(nrows.slice(1).map((x) => x[0])), new Set(['persons', 'exploitation', 'citizenship']));
  const x = await getBinary(U.analyst, `/api/v1/stats/national?year=${y}`, XLSX);
  assert.equal(x.status, 200);
  const sheet = readXlsx(x.buf);
  assert.equal(sheet.length, nrows.length);
  assert.deepEqual(sheet[0], nrows[0]);
});
