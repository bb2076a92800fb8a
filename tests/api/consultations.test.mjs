// API.md "Reference data" (the municipalities' social services, organizations added by admins) and
// "Consultations (intake)": routing by county, anonymity without consent, who sees what, the
// queue's order, the status flow, If-Match, and opening a case from a consultation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus, listAll,
} from './harness.mjs';

let srv;
let U; // the users, by name

before(async () => {
  srv = await startServer();
  const spec = {
    malmo: { org: 'SOC-1280', role: 'requester' },
    malmo2: { org: 'SOC-1280', role: 'requester' },
    sthlmReq: { org: 'SOC-0180', role: 'requester' },
    nmt: { org: 'NMT', role: 'coordinator' },
    rksyd: { org: 'RK-SYD', role: 'coordinator', region: 'syd' },
    rksthlm: { org: 'RK-STOCKHOLM', role: 'coordinator', region: 'stockholm' },
    rknord: { org: 'RK-NORD', role: 'coordinator', region: 'nord' },
    member: { org: 'POLISEN-SYD', role: 'member' },
    admin: { org: 'NMT', role: 'admin' },
    auditor: { org: 'NMT', role: 'auditor' },
    analyst: { org: 'NMT', role: 'analyst' },
  };
  U = {};
  for (const [k, s] of Object.entries(spec)) U[k] = await addUserWithToken(srv, s);
});
after(async () => { if (srv) await srv.close(); });

/** A valid consultation body (anonymous, normal). */
function body(over = {}) {
  return {
    channel: 'web',
    requester: { name: 'Karin Handläggare', phone: '040-34 10 00', email: 'karin@malmo.se' },
    county: '12',
    question: 'En ung kvinna bor hos sin arbetsgivare och har inte fått lön.',
    concerns: ['forced_labour'],
    child_involved: false,
    urgency: 'normal',
    consent: 'none',
    ...over,
  };
}

async function create(auth, over = {}) {
  const r = await api(srv, 'POST', '/api/v1/consultations', { auth, body: body(over) });
  assertStatus(r, 201, 'POST /api/v1/consultations');
  return r.json;
}

async function audit(action) {
  return listAll(srv, `/api/v1/audit?action=${action}`, { auth: U.auditor });
}

// ---- reference data ----

test('the 290 municipalities\' social services are organizations SOC-<kommunkod> with county and region', async () => {
  const r = await api(srv, 'GET', '/api/v1/organizations', { auth: U.malmo });
  assertStatus(r, 200);
  const soc = r.json.items.filter((o) => o.code.startsWith('SOC-'));
  assert.equal(soc.length, 290);
  assert.ok(soc.every((o) => o.kind === 'social_services' && /^SOC-\d{4}$/.test(o.code)));
  const by = Object.fromEntries(soc.map((o) => [o.code, o]));
  const samples = [
    ['SOC-0180', 'Socialtjänsten i Stockholm', '01', 'stockholm'],
    ['SOC-1280', 'Socialtjänsten i Malmö', '12', 'syd'],
    ['SOC-1480', 'Socialtjänsten i Göteborg', '14', 'vast'],
    ['SOC-2584', 'Socialtjänsten i Kiruna', '25', 'nord'],
    ['SOC-0114', 'Socialtjänsten i Upplands Väsby', '01', 'stockholm'],
    ['SOC-0980', 'Socialtjänsten på Gotland', '09', 'stockholm'],
    ['SOC-0580', 'Socialtjänsten i Linköping', '05', 'ost'],
    ['SOC-1880', 'Socialtjänsten i Örebro', '18', 'bergslagen'],
    ['SOC-0380', 'Socialtjänsten i Uppsala', '03', 'mitt'],
    ['SOC-1383', 'Socialtjänsten i Varberg', '13', 'vast'],
  ];
  for (const [code, name, county, region] of samples) {
    assert.ok(by[code], `${code} seeded`);
    assert.deepEqual([by[code].name, by[code].county, by[code].region], [name, county, region], code);
  }
  // Every county has its municipalities.
  assert.equal(new Set(soc.map((o) => o.county)).size, 21);
  // The seeded national team keeps its shape: no county where none is known.
  const rk = r.json.items.find((o) => o.code === 'RK-SYD');
  assert.equal('county' in rk, false);
});

test('POST /organizations: admins add an NGO; the code is checked; others are refused', async () => {
  const ngo = { code: 'NOVAHUSET', name: 'Novahuset', kind: 'ngo', county: '01' };
  for (const who of ['member', 'rksyd', 'malmo', 'auditor']) {
    assertProblem(await api(srv, 'POST', '/api/v1/organizations', { auth: U[who], body: ngo }), 403, who);
  }
  const r = await api(srv, 'POST', '/api/v1/organizations', { auth: U.admin, body: ngo });
  assertStatus(r, 201);
  assert.deepEqual(r.json, { ...ngo, region: 'stockholm' });
  const list = await api(srv, 'GET', '/api/v1/organizations', { auth: U.member });
  assert.deepEqual(list.json.items.find((o) => o.code === 'NOVAHUSET'),
    { code: 'NOVAHUSET', name: 'Novahuset', kind: 'ngo', region: 'stockholm', county: '01' });
  assertProblem(await api(srv, 'POST', '/api/v1/organizations', { auth: U.admin, body: ngo }), 409);
  assertFieldError(await api(srv, 'POST', '/api/v1/organizations',
    { auth: U.admin, body: { ...ngo, code: 'SOC-9999' } }), 'code');
  assertFieldError(await api(srv, 'POST', '/api/v1/organizations',
    { auth: U.admin, body: { ...ngo, code: 'små bokstäver' } }), 'code');
  assertFieldError(await api(srv, 'POST', '/api/v1/organizations',
    { auth: U.admin, body: { ...ngo, code: 'X2', kind: 'church' } }), 'kind');
  assertFieldError(await api(srv, 'POST', '/api/v1/organizations',
    { auth: U.admin, body: { ...ngo, code: 'X3', county: '12', region: 'nord' } }), 'region');
  const added = await audit('organization.create');
  assert.ok(added.some((e) => e.object === 'organization:NOVAHUSET' && e.actor === U.admin.username));
});

test('nmtctl org add adds an organization a user can belong to', async () => {
  const r = await srv.ctl(['org', 'add', '--code', 'PLATTFORMEN', '--name', 'Plattformen Civila Sverige mot människohandel',
    '--kind', 'ngo', '--region', 'syd']);
  assert.equal(r.code, 0, r.stderr);
  const again = await srv.ctl(['org', 'add', '--code', 'PLATTFORMEN', '--name', 'X', '--kind', 'ngo']);
  assert.notEqual(again.code, 0);
  const bad = await srv.ctl(['org', 'add', '--code', 'SOC-0001', '--name', 'X', '--kind', 'ngo']);
  assert.notEqual(bad.code, 0);
  const u = await addUserWithToken(srv, { org: 'PLATTFORMEN', role: 'requester' });
  const me = await api(srv, 'GET', '/api/v1/me', { auth: u });
  assert.equal(me.json.organization.code, 'PLATTFORMEN');
  const list = await api(srv, 'GET', '/api/v1/organizations', { auth: u });
  assert.deepEqual(list.json.items.find((o) => o.code === 'PLATTFORMEN'),
    { code: 'PLATTFORMEN', name: 'Plattformen Civila Sverige mot människohandel', kind: 'ngo', region: 'syd' });
});

// ---- routing ----

const COUNTY_REGION = {
  '01': 'stockholm', '03': 'mitt', '04': 'ost', '05': 'ost', '06': 'ost', '07': 'syd', '08': 'syd',
  '09': 'stockholm', 10: 'syd', 12: 'syd', 13: 'vast', 14: 'vast', 17: 'bergslagen', 18: 'bergslagen',
  19: 'mitt', 20: 'bergslagen', 21: 'mitt', 22: 'nord', 23: 'nord', 24: 'nord', 25: 'nord',
};

test('routing: every county lands in its region\'s coordinator queue (RK-<REGION>)', async () => {
  assert.equal(Object.keys(COUNTY_REGION).length, 21);
  for (const [county, region] of Object.entries(COUNTY_REGION)) {
    const q = await create(U.nmt, { county, channel: 'phone', requester: { name: 'Ringare', organization_name: 'Kommunen' } });
    assert.equal(q.county, county);
    assert.equal(q.region, region, `county ${county}`);
    assert.deepEqual(q.assigned_to, { organization: `RK-${region.toUpperCase()}`, username: null }, `county ${county}`);
    assert.equal(q.status, 'new');
    assert.match(q.number, /^KONS-\d{4}-\d{5}$/);
    assert.equal(q.version, 1);
  }
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations', { auth: U.nmt, body: body({ county: '02' }) }), 'county');
});

test('a requester\'s consultation names its organization and numbers increase', async () => {
  const a = await create(U.malmo);
  const b = await create(U.malmo);
  assert.equal(a.requester.organization, 'SOC-1280');
  assert.equal(a.requester.name, 'Karin Handläggare');
  assert.equal(a.created_by, U.malmo.username);
  assert.ok(Number(b.number.slice(-5)) > Number(a.number.slice(-5)), `${b.number} after ${a.number}`);
  // Another organization's name is refused.
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo, body: body({ requester: { name: 'X', organization: 'SOC-0180' } }) }), 'requester.organization');
});

// ---- anonymity and consent ----

test('without consent a consultation is anonymous: persons are refused (400) and nothing is stored', async () => {
  const before = await listAll(srv, '/api/v1/consultations', { auth: U.malmo2 });
  const r = await api(srv, 'POST', '/api/v1/consultations', {
    auth: U.malmo2, body: body({ persons: [{ pseudonym: 'A', gender: 'female' }] }),
  });
  const p = assertFieldError(r, 'persons');
  assert.equal(p.errors.find((e) => e.field === 'persons').code, 'conflict');
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo2, body: body({ consent_scope: 'Kontakt med polisen' }) }), 'consent_scope');
  assert.deepEqual(await listAll(srv, '/api/v1/consultations', { auth: U.malmo2 }), before);
  const q = await create(U.malmo2);
  assert.equal(q.consent, 'none');
  assert.deepEqual(q.persons, []);
  for (const k of ['consent_scope', 'consent_recorded_by', 'consent_recorded_at']) assert.equal(k in q, false, k);
});

test('with consent persons are attached, and who recorded the consent, when and to what is kept', async () => {
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo2, body: body({ consent: 'given' }) }), 'consent_scope');
  const q = await create(U.malmo2, {
    consent: 'given', consent_scope: 'Kontakt med regionkoordinatorn och polisen',
    persons: [{ pseudonym: 'Maja', gender: 'female', birth_year: 2009, citizenship: 'RO' }, { pseudonym: 'Ion', gender: 'male' }],
  });
  assert.equal(q.consent, 'given');
  assert.equal(q.consent_scope, 'Kontakt med regionkoordinatorn och polisen');
  assert.equal(q.consent_recorded_by, U.malmo2.username);
  assert.equal(q.consent_recorded_at, q.created_at);
  assert.deepEqual(q.persons, [
    { pseudonym: 'Maja', gender: 'female', birth_year: 2009, citizenship: 'RO' },
    { pseudonym: 'Ion', gender: 'male', birth_year: null, citizenship: null },
  ]);
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations', {
    auth: U.malmo2, body: body({ consent: 'given', consent_scope: 'x', persons: [{ pseudonym: 'A', gender: 'female', citizenship: 'QQ' }] }),
  }), 'persons[0].citizenship');
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations', {
    auth: U.malmo2, body: body({ consent: 'given', consent_scope: 'x', persons: [{ gender: 'female' }] }),
  }), 'persons[0].pseudonym');
  const future = Number(new Date(srv.now() * 1000).getUTCFullYear()) + 2;
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations', {
    auth: U.malmo2, body: body({ consent: 'given', consent_scope: 'x', persons: [{ pseudonym: 'B', gender: 'male', birth_year: future }] }),
  }), 'persons[0].birth_year');
});

test('the requester\'s contact data is validated and never echoed', async () => {
  const r = await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo, body: body({ requester: { name: 'Karin', email: 'karin.at.malmo.se', phone: 'ring mig' } }) });
  const p = assertFieldError(r, 'requester.email');
  assert.ok(p.errors.some((e) => e.field === 'requester.phone'));
  assert.equal(r.text.includes('karin.at.malmo.se'), false);
  assert.equal(r.text.includes('ring mig'), false);
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo, body: body({ requester: { name: 'Karin\u202Eevil' } }) }), 'requester.name');
  assertFieldError(await api(srv, 'POST', '/api/v1/consultations',
    { auth: U.malmo, body: body({ requester: { email: 'a@b.se' } }) }), 'requester.name');
});

// ---- who sees what ----

test('a requester sees only its own; another requester and other regions get 404; other roles 403', async () => {
  const mine = await create(U.malmo, { question: 'Min fråga' });
  const path = `/api/v1/consultations/${mine.id}`;
  assertStatus(await api(srv, 'GET', path, { auth: U.malmo }), 200);
  assertProblem(await api(srv, 'GET', path, { auth: U.malmo2 }), 404, 'same municipality, other requester');
  assertProblem(await api(srv, 'GET', path, { auth: U.sthlmReq }), 404);
  assertProblem(await api(srv, 'GET', path, { auth: U.rksthlm }), 404, 'another region');
  assertStatus(await api(srv, 'GET', path, { auth: U.rksyd }), 200);
  assertStatus(await api(srv, 'GET', path, { auth: U.nmt }), 200);
  for (const who of ['member', 'admin', 'auditor', 'analyst']) {
    assertProblem(await api(srv, 'GET', path, { auth: U[who] }), 403, who);
    assertProblem(await api(srv, 'GET', '/api/v1/consultations', { auth: U[who] }), 403, who);
    assertProblem(await api(srv, 'POST', '/api/v1/consultations', { auth: U[who], body: body() }), 403, who);
  }
  const own = await listAll(srv, '/api/v1/consultations', { auth: U.malmo });
  assert.ok(own.length >= 3);
  assert.ok(own.every((q) => q.created_by === U.malmo.username), 'only its own');
  const other = await listAll(srv, '/api/v1/consultations', { auth: U.sthlmReq });
  assert.equal(other.some((q) => q.id === mine.id), false);
  const sthlm = await listAll(srv, '/api/v1/consultations', { auth: U.rksthlm });
  assert.ok(sthlm.length > 0 && sthlm.every((q) => q.region === 'stockholm'));
  const all = await listAll(srv, '/api/v1/consultations', { auth: U.nmt });
  assert.ok(new Set(all.map((q) => q.region)).size === 7, 'the secretariat sees every region');
  // A requester reads but never changes or converts (403 on its own, 404 on another's).
  assertProblem(await api(srv, 'PATCH', path, { auth: U.malmo, body: { status: 'closed' }, ifMatch: '"1"' }), 403);
  assertProblem(await api(srv, 'POST', `${path}/case`, { auth: U.malmo, body: {} }), 403);
  assertProblem(await api(srv, 'POST', `${path}/case`, { auth: U.sthlmReq, body: {} }), 404);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksthlm, body: { status: 'in_progress' }, ifMatch: '"1"' }), 404);
  // The refused read of an existing one is audited, flagged.
  const denied = await audit('consultation.denied');
  assert.ok(denied.some((e) => e.object === `consultation:${mine.id}` && e.actor === U.rksthlm.username && e.flagged));
  const reads = await audit('consultation.read');
  assert.ok(reads.some((e) => e.object === `consultation:${mine.id}` && e.actor === U.malmo.username));
  const made = await audit('consultation.create');
  assert.ok(made.some((e) => e.object === `consultation:${mine.id}` && e.actor === U.malmo.username));
  // The contact data is personal data: the audit log never holds it.
  const log = await listAll(srv, '/api/v1/audit', { auth: U.auditor });
  assert.equal(JSON.stringify(log).includes('karin@malmo.se'), false);
});

test('an unknown or malformed id is 404 like a hidden one', async () => {
  assertProblem(await api(srv, 'GET', '/api/v1/consultations/00000000-0000-4000-8000-000000000000', { auth: U.nmt }), 404);
});

// ---- the queue ----

test('queue order: acute first, then oldest first; pages keep the order; counts per status', async () => {
  const n1 = await create(U.rknord, { county: '23', channel: 'phone', requester: { name: 'A' } });
  srv.advanceClock(60);
  const n2 = await create(U.rknord, { county: '24', channel: 'phone', requester: { name: 'B' } });
  srv.advanceClock(60);
  const a1 = await create(U.rknord, { county: '25', urgency: 'acute', channel: 'phone', requester: { name: 'C' } });
  srv.advanceClock(60);
  const a2 = await create(U.rknord, { county: '22', urgency: 'acute', channel: 'phone', requester: { name: 'D' } });
  const mine = new Set([n1.id, n2.id, a1.id, a2.id]);
  const order = (items) => items.filter((q) => mine.has(q.id)).map((q) => q.id);
  const want = [a1.id, a2.id, n1.id, n2.id];
  assert.deepEqual(order(await listAll(srv, '/api/v1/consultations?region=nord', { auth: U.nmt })), want);
  // One at a time through the cursor: the same order.
  const paged = [];
  let cursor = null;
  do {
    const r = await api(srv, 'GET', `/api/v1/consultations?limit=1${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`, { auth: U.rknord });
    assertStatus(r, 200);
    paged.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  assert.deepEqual(order(paged), want);
  const acute = await listAll(srv, '/api/v1/consultations?urgency=acute', { auth: U.rknord });
  assert.ok(acute.every((q) => q.urgency === 'acute'));
  const c = await api(srv, 'GET', '/api/v1/consultations/counts?region=nord', { auth: U.nmt });
  assertStatus(c, 200);
  const nord = (await listAll(srv, '/api/v1/consultations?region=nord', { auth: U.nmt }));
  assert.equal(c.json.total, nord.length);
  assert.equal(c.json.counts.new, nord.filter((q) => q.status === 'new').length);
  assertFieldError(await api(srv, 'GET', '/api/v1/consultations?region=atlantis', { auth: U.nmt }), 'region');
  assertProblem(await api(srv, 'GET', '/api/v1/consultations?status=done', { auth: U.nmt }), 400);
});

// ---- the status flow and If-Match ----

test('status flow: take (in_progress, assigned to me), answer; other moves 409; If-Match 428/412', async () => {
  const q = await create(U.malmo, { urgency: 'acute' });
  const path = `/api/v1/consultations/${q.id}`;
  assert.deepEqual(q.allowed, []);
  const seen = await api(srv, 'GET', path, { auth: U.rksyd });
  assert.equal(seen.headers.get('etag'), '"1"');
  assert.deepEqual(seen.json.allowed, ['take', 'open_case']);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'in_progress' } }), 428);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'in_progress' }, ifMatch: '"7"' }), 412);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'answered', answer: 'Svar' }, ifMatch: '"1"' }), 409);
  assertFieldError(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'done' }, ifMatch: '"1"' }), 'status');
  const took = await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'in_progress', notes: 'Ringer tillbaka.' }, ifMatch: '"1"' });
  assertStatus(took, 200);
  assert.equal(took.json.status, 'in_progress');
  assert.deepEqual(took.json.assigned_to, { organization: 'RK-SYD', username: U.rksyd.username });
  assert.equal(took.json.notes, 'Ringer tillbaka.');
  assert.equal(took.json.version, 2);
  assert.equal(took.headers.get('etag'), '"2"');
  assert.deepEqual(took.json.allowed, ['answer', 'open_case']);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'new' }, ifMatch: '"2"' }), 409);
  assertFieldError(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'answered' }, ifMatch: '"2"' }), 'answer');
  assertFieldError(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { answer: 'Svar' }, ifMatch: '"2"' }), 'answer');
  const answered = await api(srv, 'PATCH', path, {
    auth: U.rksyd, body: { status: 'answered', answer: 'Kontakta polisen i region Syd; vi hjälper till.' }, ifMatch: '"2"',
  });
  assertStatus(answered, 200);
  assert.equal(answered.json.status, 'answered');
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'in_progress' }, ifMatch: '"3"' }), 409);
  assertProblem(await api(srv, 'PATCH', path, { auth: U.rksyd, body: { status: 'closed' }, ifMatch: '"3"' }), 409);
  // The requester sees the status and the answer, not the coordinators' notes.
  const own = await api(srv, 'GET', path, { auth: U.malmo });
  assert.equal(own.json.status, 'answered');
  assert.equal(own.json.answer, 'Kontakta polisen i region Syd; vi hjälper till.');
  assert.equal('notes' in own.json, false);
  const updates = await audit('consultation.update');
  assert.equal(updates.filter((e) => e.object === `consultation:${q.id}`).length, 2);
  // referred and closed are the other ends of in_progress.
  for (const end of ['referred', 'closed']) {
    const x = await create(U.malmo);
    const p = `/api/v1/consultations/${x.id}`;
    assertStatus(await api(srv, 'PATCH', p, { auth: U.nmt, body: { status: 'in_progress' }, ifMatch: '"1"' }), 200);
    const r = await api(srv, 'PATCH', p, { auth: U.nmt, body: { status: end }, ifMatch: '"2"' });
    assertStatus(r, 200);
    assert.equal(r.json.status, end);
  }
});

// ---- conversion ----

test('opening a case from a consultation links both ways, copies its persons, once; audited', async () => {
  const q = await create(U.malmo2, {
    urgency: 'acute', concerns: ['sexual'], consent: 'given', consent_scope: 'Ärende hos NMT',
    persons: [{ pseudonym: 'Maja', gender: 'female', birth_year: 2010, citizenship: 'NG' }],
  });
  const r = await api(srv, 'POST', `/api/v1/consultations/${q.id}/case`, { auth: U.rksyd, body: {} });
  assertStatus(r, 201);
  const c = r.json;
  assert.equal(new URL(r.headers.get('location'), srv.base).pathname, `/api/v1/cases/${c.id}`);
  assert.deepEqual(c.consultation, { id: q.id, number: q.number });
  assert.equal(c.county, '12');
  assert.equal(c.region, 'syd');
  assert.deepEqual(c.exploitation, ['sexual']);
  assert.equal(c.summary, q.question);
  assert.equal(c.title, `Konsultation ${q.number}`);
  assert.deepEqual(c.owner, { username: U.rksyd.username, organization: 'RK-SYD' });
  assert.equal(c.persons.length, 1);
  assert.equal(c.persons[0].pseudonym, 'Maja');
  const back = await api(srv, 'GET', `/api/v1/consultations/${q.id}`, { auth: U.rksyd });
  assert.deepEqual(back.json.case, { id: c.id, number: c.number });
  assert.equal(back.json.status, 'in_progress');
  assert.deepEqual(back.json.assigned_to, { organization: 'RK-SYD', username: U.rksyd.username });
  assert.deepEqual(back.json.allowed, ['answer']);
  const read = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.rksyd });
  assert.deepEqual(read.json.consultation, { id: q.id, number: q.number });
  // Once only.
  assertProblem(await api(srv, 'POST', `/api/v1/consultations/${q.id}/case`, { auth: U.nmt, body: {} }), 409);
  // The requester sees the link, but the case stays out of its reach.
  const own = await api(srv, 'GET', `/api/v1/consultations/${q.id}`, { auth: U.malmo2 });
  assert.equal(own.json.case.number, c.number);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.malmo2 }), 403);
  // A case that was not opened from a consultation says so.
  const plain = await api(srv, 'POST', '/api/v1/cases',
    { auth: U.rksyd, body: { title: 'Utan konsultation', county: '12', exploitation: [] } });
  assert.equal(plain.json.consultation, null);
  const conv = await audit('consultation.convert');
  assert.ok(conv.some((e) => e.object === `consultation:${q.id}` && e.case === c.id && e.actor === U.rksyd.username));
  const made = await audit('case.create');
  assert.ok(made.some((e) => e.object === `case:${c.id}` && e.actor === U.rksyd.username));
  const copied = await audit('person.create');
  assert.ok(copied.some((e) => e.object === `person:${c.persons[0].id}` && e.case === c.id));
  // A title may be given; a closed consultation opens no case.
  const t = await create(U.malmo2);
  const titled = await api(srv, 'POST', `/api/v1/consultations/${t.id}/case`, { auth: U.nmt, body: { title: 'Bärplockare' } });
  assertStatus(titled, 201);
  assert.equal(titled.json.title, 'Bärplockare');
  const x = await create(U.malmo2);
  await api(srv, 'PATCH', `/api/v1/consultations/${x.id}`, { auth: U.nmt, body: { status: 'in_progress' }, ifMatch: '"1"' });
  await api(srv, 'PATCH', `/api/v1/consultations/${x.id}`, { auth: U.nmt, body: { status: 'closed' }, ifMatch: '"2"' });
  assertProblem(await api(srv, 'POST', `/api/v1/consultations/${x.id}/case`, { auth: U.nmt, body: {} }), 409);
});
