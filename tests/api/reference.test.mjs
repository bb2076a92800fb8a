// API.md "Reference data": organizations, regions, counties; and the countries
// (ISO 3166-1 alpha-2) that citizenship is checked against.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, listAll, assertProblem, assertFieldError, assertStatus, createCase,
} from './harness.mjs';

let srv;
let u;

before(async () => {
  srv = await startServer();
  u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});
after(async () => { if (srv) await srv.close(); });

const ORGS = {
  NMT: ['secretariat'],
  'POLISEN-NOA': ['police'],
  'POLISEN-STOCKHOLM': ['police'],
  'POLISEN-VAST': ['police'],
  'POLISEN-BERGSLAGEN': ['police'],
  'POLISEN-SYD': ['police'],
  'AKLAGARE-INTERNATIONELLA': ['prosecutor'],
  MIGRATIONSVERKET: ['migration'],
  'RK-STOCKHOLM': ['coordinator', 'stockholm'],
  'RK-VAST': ['coordinator', 'vast'],
  'RK-BERGSLAGEN': ['coordinator', 'bergslagen'],
  'RK-SYD': ['coordinator', 'syd'],
  'RK-MITT': ['coordinator', 'mitt'],
  'RK-NORD': ['coordinator', 'nord'],
  'RK-OST': ['coordinator', 'ost'],
  'SOS-AVV': ['health'],
  ARBETSMILJOVERKET: ['labour_inspection'],
  SKATTEVERKET: ['tax'],
};

const KINDS = ['secretariat', 'police', 'prosecutor', 'migration', 'coordinator', 'health',
  'labour_inspection', 'tax', 'social_services', 'ngo', 'other'];

const REGIONS = ['stockholm', 'vast', 'bergslagen', 'syd', 'mitt', 'nord', 'ost'];

const COUNTIES = {
  '01': 'stockholm', '03': 'mitt', '04': 'ost', '05': 'ost', '06': 'ost', '07': 'syd', '08': 'syd',
  '09': 'stockholm', 10: 'syd', 12: 'syd', 13: 'vast', 14: 'vast', 17: 'bergslagen', 18: 'bergslagen',
  19: 'mitt', 20: 'bergslagen', 21: 'mitt', 22: 'nord', 23: 'nord', 24: 'nord', 25: 'nord',
};

test('organizations: all seeded codes with their kinds and coordinator regions', async () => {
  const items = await listAll(srv, '/api/v1/organizations', { auth: u });
  const byCode = new Map();
  for (const o of items) {
    assert.equal(typeof o.code, 'string');
    assert.equal(typeof o.name, 'string', `name of ${o.code}`);
    assert.ok(o.name.length > 0, `name of ${o.code}`);
    assert.ok(KINDS.includes(o.kind), `kind of ${o.code}: ${o.kind}`);
    assert.ok('region' in o, `region key of ${o.code}`);
    assert.ok(o.region === null || REGIONS.includes(o.region), `region of ${o.code}: ${o.region}`);
    assert.ok(!byCode.has(o.code), `duplicate organization ${o.code}`);
    byCode.set(o.code, o);
  }
  for (const [code, [kind, region]] of Object.entries(ORGS)) {
    const o = byCode.get(code);
    assert.ok(o, `organization ${code} missing`);
    assert.equal(o.kind, kind, `kind of ${code}`);
    if (region) assert.equal(o.region, region, `region of ${code}`);
  }
  // Social services (with intake): SOC-<kommunkod> with kind social_services, if present.
  for (const o of items.filter((x) => x.code.startsWith('SOC-'))) {
    assert.match(o.code, /^SOC-\d{4}$/);
    assert.equal(o.kind, 'social_services', o.code);
    assert.ok(REGIONS.includes(o.region), `region of ${o.code}`);
  }
  const malmo = byCode.get('SOC-1280');
  if (malmo) assert.equal(malmo.region, 'syd');
});

test('regions: the seven police regions', async () => {
  const items = await listAll(srv, '/api/v1/regions', { auth: u, cursorOptional: true });
  assert.deepEqual(items.map((r) => r.code).sort(), [...REGIONS].sort());
  for (const r of items) {
    assert.equal(typeof r.name, 'string');
    assert.ok(r.name.length > 0);
  }
});

test('counties: 21 länskoder, each in its region', async () => {
  const items = await listAll(srv, '/api/v1/counties', { auth: u, cursorOptional: true });
  assert.equal(items.length, 21);
  const got = {};
  for (const c of items) {
    assert.match(c.code, /^\d{2}$/);
    assert.equal(typeof c.name, 'string');
    assert.ok(c.name.length > 0);
    got[c.code] = c.region;
  }
  const want = Object.fromEntries(Object.entries(COUNTIES).map(([k, v]) => [String(k).padStart(2, '0'), v]));
  assert.deepEqual(got, want);
  const names = Object.fromEntries(items.map((c) => [c.code, c.name]));
  assert.match(names['01'], /Stockholm/);
  assert.match(names['12'], /Skåne/);
  assert.match(names['25'], /Norrbotten/);
});

test('countries: ISO 3166-1 alpha-2 with Swedish names', async () => {
  const r = await api(srv, 'GET', '/api/v1/countries', { auth: u });
  assertStatus(r, 200);
  const byCode = Object.fromEntries(r.json.items.map((c) => [c.code, c]));
  assert.equal(r.json.items.length, 250, '249 ISO codes and XK');
  assert.equal(byCode.SE.name, 'Sverige');
  assert.equal(byCode.RO.name, 'Rumänien');
  assert.equal(byCode.NG.name, 'Nigeria');
  assert.equal(byCode.TH.name_en, 'Thailand');
  for (const notIso of ['AC', 'EA', 'IC', 'TA', 'XA', 'ZZ']) assert.equal(byCode[notIso], undefined, notIso);
  for (const c of r.json.items) assert.match(c.code, /^[A-Z]{2}$/);
});

test('a citizenship must be a known country', async () => {
  const c = await createCase(srv, u);
  const bad = await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`,
    { auth: u, body: { pseudonym: 'Z', gender: 'male', citizenship: 'ZZ', birth_year: 2999 } });
  assertFieldError(bad, 'citizenship');
  assertFieldError(bad, 'birth_year');
  const ok = await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`,
    { auth: u, body: { pseudonym: 'R', gender: 'female', citizenship: 'RO' } });
  assertStatus(ok, 201);
  const patch = await api(srv, 'PATCH', `/api/v1/persons/${ok.json.id}`,
    { auth: u, ifMatch: '"1"', body: { citizenship: 'QQ' } });
  assertFieldError(patch, 'citizenship');
});

test('reference data needs authentication', async () => {
  for (const p of ['/api/v1/organizations', '/api/v1/regions', '/api/v1/counties', '/api/v1/countries']) {
    assertProblem(await api(srv, 'GET', p), 401, p);
  }
});

test('every role may read reference data', async () => {
  for (const [org, role, region] of [['NMT', 'admin'], ['NMT', 'auditor'], ['NMT', 'analyst'],
    ['SOS-AVV', 'requester'], ['RK-NORD', 'coordinator', 'nord']]) {
    const x = await addUserWithToken(srv, { org, role, region });
    const r = await api(srv, 'GET', '/api/v1/counties', { auth: x });
    assert.equal(r.status, 200, `${role}: ${r.status}`);
  }
});

test('vocabularies: every closed code list, each code with a Swedish and an English label', async () => {
  const r = await api(srv, 'GET', '/api/v1/vocabularies', { auth: u });
  assertStatus(r, 200);
  const codes = (name) => r.json[name].map((t) => t.code);
  assert.deepEqual(codes('roles'), ['admin', 'coordinator', 'member', 'requester', 'analyst', 'auditor']);
  assert.deepEqual(codes('genders'), ['female', 'male', 'other', 'unknown']);
  assert.deepEqual(codes('protection_levels'), ['none', 'marked', 'protected_address', 'fictitious']);
  assert.deepEqual(codes('case_statuses'), ['open', 'closed']);
  assert.deepEqual(codes('team_access'), ['full', 'pseudonymous']);
  assert.equal(codes('exploitation_forms').length, 12);
  assert.ok(codes('exploitation_forms').includes('forced_labour'));
  for (const [name, terms] of Object.entries(r.json)) {
    for (const t of terms) {
      assert.ok(t.label.sv.length > 0 && t.label.en.length > 0, `${name}.${t.code}`);
    }
  }
  assert.equal(r.json.genders[0].label.sv, 'Kvinna/flicka');
  const anon = await api(srv, 'GET', '/api/v1/vocabularies');
  assertStatus(anon, 401);
});
