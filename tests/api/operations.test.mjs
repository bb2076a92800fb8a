// API.md "Operations (punktinsatser)" (issue 11): creating by role, who sees an operation,
// the status machine from every state, If-Match, participants, scenarios, encounters only
// while active into the group case (its team rows, pseudonymous field access), client_ref
// resends, the team rows ending with the operation, and the computed summary. An operation never
// reveals a case its participant cannot see (API.md "Who sees what"): not through a client_ref, the
// encounters list or the summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, createPerson, listAll,
  randomId, swedishDate,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.rkvast = await addUserWithToken(srv, { org: 'RK-VAST', role: 'coordinator', region: 'vast' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // the lead's
  U.av = await addUserWithToken(srv, { org: 'ARBETSMILJOVERKET', role: 'member' }); // field
  U.skv = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // support
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // by name
  U.mig2 = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // not named
  U.sos = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  for (const role of ['admin', 'analyst', 'auditor', 'requester'])
    U[role] = await addUserWithToken(srv, { org: 'NMT', role });
});
after(async () => { if (srv) await srv.close(); });

const today = () => swedishDate(srv.now());
const OPS = '/api/v1/operations';
const opUrl = (id) => `${OPS}/${id}`;
const getOp = (who, id) => api(srv, 'GET', opUrl(id), { auth: who });
const patch = (who, op, body, ifMatch = `"${op.version}"`) =>
  api(srv, 'PATCH', opUrl(op.id), { auth: who, body, ifMatch });
const encounter = (who, id, body) => api(srv, 'POST', `${opUrl(id)}/encounters`, { auth: who, body });
const addPart = (who, id, body) => api(srv, 'POST', `${opUrl(id)}/participants`, { auth: who, body });
const team = async (caseId) => (await api(srv, 'GET', `/api/v1/cases/${caseId}/team`, { auth: U.nmt })).json.items;

function opBody(over = {}) {
  return { kind: 'operational', title: 'Kontroll av bärplockarläger', purpose: 'Hitta och stödja utsatta.',
    region: 'syd', counties: ['12'], place: 'Skogsvägen', starts_on: today(), ends_on: today(),
    lead: 'POLISEN-SYD', exploitation: ['forced_labour'], ...over };
}
async function createOp(who = U.rksyd, over = {}) {
  const r = await api(srv, 'POST', OPS, { auth: who, body: opBody(over) });
  assertStatus(r, 201, 'create operation');
  return r.json;
}
/** PATCHes the status along allowed moves; returns the operation as it is then. */
async function moveTo(op, ...states) {
  for (const status of states) {
    const r = await patch(U.rksyd, op, { status });
    assertStatus(r, 200, `to ${status}`);
    op = r.json;
  }
  return op;
}
/** An active operation in Syd with a field, a support and a named participant. */
async function activeOp() {
  let op = await createOp();
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'ARBETSMILJOVERKET', role: 'field' }), 201);
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'SKATTEVERKET', role: 'support' }), 201);
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'MIGRATIONSVERKET', username: U.mig.username,
    role: 'observer' }), 201);
  op = (await getOp(U.rksyd, op.id)).json;
  return moveTo(op, 'active');
}
const person = (over = {}) => ({ pseudonym: `F-${randomId().slice(0, 6)}`, gender: 'female', ...over });
async function audit(query) {
  return listAll(srv, `/api/v1/audit?${query}`, { auth: U.auditor });
}

test('create by role: coordinators only, a regional one for its own region; the new operation', async () => {
  const r = await api(srv, 'POST', OPS, { auth: U.rksyd, body: opBody() });
  assertStatus(r, 201);
  const op = r.json;
  assert.equal(r.headers.get('location'), `${OPS}/${op.id}`);
  assert.equal(r.headers.get('etag'), '"1"');
  assert.match(op.number, /^OP-\d{4}-\d{4}$/);
  assert.equal(op.number.slice(3, 7), today().slice(0, 4));
  assert.equal(op.status, 'planned');
  assert.equal(op.version, 1);
  assert.equal(op.lead, 'POLISEN-SYD');
  assert.deepEqual(op.counties, ['12']);
  assert.deepEqual(op.checklist, []);
  assert.equal(op.outcome, null);
  assert.equal(op.case, null);
  assert.deepEqual(op.participants.map((p) => [p.organization, p.username, p.role]),
    [['POLISEN-SYD', null, 'lead']]);
  assert.deepEqual(op.allowed, ['edit', 'add_participant', 'remove_participant', 'start', 'cancel']);
  const e = (await audit(`action=operation.create`)).find((x) => x.object === `operation:${op.id}`);
  assert.ok(e, 'operation.create is audited');
  assert.equal(e.actor, U.rksyd.username);

  const second = await createOp(U.nmt, { region: 'vast', counties: ['14'], lead: 'POLISEN-VAST' });
  assert.equal(Number(second.number.slice(8)), Number(op.number.slice(8)) + 1, 'numbers run on');
  assertStatus(await api(srv, 'POST', OPS, { auth: U.rksyd,
    body: opBody({ region: 'vast', counties: [], lead: 'POLISEN-VAST' }) }), 403, 'another region');
  for (const who of ['pol', 'admin', 'analyst', 'auditor', 'requester'])
    assertStatus(await api(srv, 'POST', OPS, { auth: U[who], body: opBody() }), 403, who);
});

test('bad input is a 400 naming the field and creates nothing', async () => {
  const before = (await listAll(srv, OPS, { auth: U.nmt })).length;
  const cases = [
    [{ ends_on: '2020-01-01' }, 'ends_on'],
    [{ starts_on: '2026-02-30' }, 'starts_on'],
    [{ counties: ['14'] }, 'counties[0]'], // Västra Götaland is not in Syd
    [{ counties: ['12', '99'] }, 'counties[1]'],
    [{ lead: 'NO-SUCH-ORG' }, 'lead'],
    [{ region: 'atlantis', counties: [] }, 'region'],
    [{ scenario: 'no-such-scenario' }, 'scenario'],
    [{ kind: 'covert' }, 'kind'],
    [{ title: 'Insats\u202e' }, 'title'],
    [{ purpose: '' }, 'purpose'],
    [{ colour: 'red' }, ''],
  ];
  for (const [over, field] of cases)
    assertFieldError(await api(srv, 'POST', OPS, { auth: U.nmt, body: opBody(over) }), field, JSON.stringify(over));
  assert.equal((await listAll(srv, OPS, { auth: U.nmt })).length, before);
});

test('the status machine: every move from every state; others 409 with nothing changed', async () => {
  const states = ['planned', 'active', 'completed', 'evaluated', 'cancelled'];
  const path = { planned: [], active: ['active'], completed: ['active', 'completed'],
    evaluated: ['active', 'completed', 'evaluated'], cancelled: ['cancelled'] };
  const allowed = new Set(['planned>active', 'active>completed', 'completed>evaluated', 'planned>cancelled',
    'active>cancelled']);
  for (const from of states) {
    for (const to of states) {
      if (from === to) continue;
      const op = await moveTo(await createOp(), ...path[from]);
      const r = await patch(U.rksyd, op, { status: to });
      const now = (await getOp(U.rksyd, op.id)).json;
      if (allowed.has(`${from}>${to}`)) {
        assertStatus(r, 200, `${from} -> ${to}`);
        assert.equal(r.json.status, to);
        assert.equal(r.json.version, op.version + 1);
        assert.equal(now.status, to);
      } else {
        assertStatus(r, 409, `${from} -> ${to}`);
        assert.equal(r.json.status, 409);
        assert.deepEqual([now.status, now.version, now.updated_at], [from, op.version, op.updated_at],
          `${from} -> ${to} changes nothing`);
      }
    }
  }
  const moved = (await audit('action=operation.status')).filter((x) => x.actor === U.rksyd.username);
  assert.ok(moved.length >= 5, 'status moves are audited as operation.status');
});

test('If-Match: missing 428, stale 412; a cancelled operation takes no change', async () => {
  const op = await createOp();
  assertStatus(await api(srv, 'PATCH', opUrl(op.id), { auth: U.rksyd, body: { title: 'Ny' } }), 428);
  assertStatus(await patch(U.rksyd, op, { title: 'Ny' }, '"7"'), 412);
  const r = await patch(U.rksyd, op, { title: 'Ny rubrik', notes: 'Samling 06.00' });
  assertStatus(r, 200);
  assert.deepEqual([r.json.title, r.json.notes, r.json.version], ['Ny rubrik', 'Samling 06.00', 2]);
  assert.equal(r.headers.get('etag'), '"2"');
  assertStatus(await patch(U.rksyd, r.json, { title: 'Gammal' }, '"1"'), 412);
  const cancelled = await moveTo(r.json, 'cancelled');
  assertStatus(await patch(U.rksyd, cancelled, { title: 'Efteråt' }), 409);
  assertStatus(await patch(U.rksyd, op, { ends_on: '2000-01-01' }, '"3"'), 409);
  const op2 = await createOp();
  assertFieldError(await patch(U.rksyd, op2, { ends_on: '2000-01-01' }), 'ends_on');
  assertFieldError(await patch(U.rksyd, op2, { counties: ['01'] }), 'counties[0]');
  assert.equal((await getOp(U.rksyd, op2.id)).json.version, 1);
});

test('who sees an operation, and who may change it', async () => {
  const op = await activeOp();
  const sees = { nmt: 200, rksyd: 200, rkvast: 404, pol: 200, av: 200, skv: 200, mig: 200, mig2: 404,
    sos: 404, admin: 403, analyst: 403, auditor: 403, requester: 403 };
  for (const [who, status] of Object.entries(sees)) {
    assertStatus(await getOp(U[who], op.id), status, `GET as ${who}`);
    assertStatus(await api(srv, 'GET', `${opUrl(op.id)}/summary`, { auth: U[who] }), status, `summary as ${who}`);
    const list = await api(srv, 'GET', `${OPS}?status=active`, { auth: U[who] });
    if (status === 403) assertStatus(list, 403, `list as ${who}`);
    else {
      const all = await listAll(srv, `${OPS}?status=active`, { auth: U[who] });
      assert.equal(all.some((o) => o.id === op.id), status === 200, `list as ${who}`);
    }
  }
  assertStatus(await getOp(U.rksyd, randomId()), 404, 'no such operation');
  // PATCH: coordinators who see it and the lead organization; other participants 403.
  let cur = (await getOp(U.pol, op.id)).json;
  assert.ok(cur.allowed.includes('edit'), 'the lead organization edits');
  assertStatus(await patch(U.av, cur, { notes: 'x' }), 403, 'a field participant');
  assertStatus(await patch(U.skv, cur, { notes: 'x' }), 403, 'a support participant');
  assertStatus(await patch(U.rkvast, cur, { notes: 'x' }), 404, 'another region');
  assert.deepEqual((await getOp(U.av, op.id)).json.allowed, ['register_encounter']);
  assert.deepEqual((await getOp(U.skv, op.id)).json.allowed, []);
  const r = await patch(U.pol, cur, { notes: 'Av polisen' });
  assertStatus(r, 200);
  cur = r.json;
  // A removed participant no longer sees it.
  const named = cur.participants.find((p) => p.username === U.mig.username);
  assertStatus(await api(srv, 'DELETE', `${opUrl(op.id)}/participants/${named.id}`, { auth: U.av }), 403);
  assertStatus(await api(srv, 'DELETE', `${opUrl(op.id)}/participants/${named.id}`, { auth: U.rksyd }), 204);
  assertStatus(await getOp(U.mig, op.id), 404, 'removed: hidden');
  assert.equal((await listAll(srv, OPS, { auth: U.mig })).some((o) => o.id === op.id), false);
  const lead = cur.participants.find((p) => p.role === 'lead');
  assertStatus(await api(srv, 'DELETE', `${opUrl(op.id)}/participants/${lead.id}`, { auth: U.rksyd }), 409);
  assertStatus(await api(srv, 'DELETE', `${opUrl(op.id)}/participants/${randomId()}`, { auth: U.rksyd }), 404);
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'ARBETSMILJOVERKET', role: 'support' }), 409,
    'twice');
  assertFieldError(await addPart(U.rksyd, op.id, { organization: 'NO-SUCH', role: 'field' }), 'organization');
  assertFieldError(await addPart(U.rksyd, op.id, { organization: 'SKATTEVERKET', username: U.mig.username,
    role: 'field' }), 'username');
  assertFieldError(await addPart(U.rksyd, op.id, { organization: 'SOS-AVV', role: 'boss' }), 'role');
});

test('list filters: status, region, from and to on the start date', async () => {
  const a = await createOp(U.nmt, { starts_on: '2031-03-02', ends_on: '2031-03-04' });
  const b = await createOp(U.nmt, { region: 'vast', counties: ['14'], lead: 'POLISEN-VAST',
    starts_on: '2031-03-20', ends_on: '2031-03-20' });
  const ids = async (q) => (await listAll(srv, `${OPS}?${q}`, { auth: U.nmt })).map((o) => o.id)
    .filter((id) => id === a.id || id === b.id);
  assert.deepEqual(await ids('from=2031-03-01&to=2031-03-31'), [b.id, a.id], 'latest start first');
  assert.deepEqual(await ids('from=2031-03-03&to=2031-03-31'), [b.id]);
  assert.deepEqual(await ids('from=2031-03-01&to=2031-03-10'), [a.id]);
  assert.deepEqual(await ids('from=2031-03-01&region=vast'), [b.id]);
  assert.deepEqual(await ids('from=2031-03-01&status=active'), []);
  assertFieldError(await api(srv, 'GET', `${OPS}?from=2031-13-01`, { auth: U.nmt }), 'from');
  assertStatus(await api(srv, 'GET', `${OPS}?status=done`, { auth: U.nmt }), 400);
});

test('scenarios as data; an operation from one starts with its checklist and participants', async () => {
  const sc = await api(srv, 'GET', '/api/v1/scenarios', { auth: U.pol });
  assertStatus(sc, 200);
  const byId = Object.fromEntries(sc.json.items.map((s) => [s.id, s]));
  assert.deepEqual(Object.keys(byId).sort(), ['awareness-day', 'labour-site-inspection', 'sexual-hotel-action']);
  assert.equal(byId['awareness-day'].kind, 'structural');
  for (const s of sc.json.items) {
    assert.ok(s.name.sv && s.name.en && s.checklist.length > 0, s.id);
    for (const i of s.checklist) assert.ok(i.text.sv && i.text.en, `${s.id} ${i.id}`);
  }
  assertStatus(await api(srv, 'GET', '/api/v1/scenarios', { auth: U.admin }), 403);
  const op = await createOp(U.rksyd, { scenario: 'labour-site-inspection', exploitation: undefined });
  assert.equal(op.scenario, 'labour-site-inspection');
  assert.deepEqual(op.exploitation, ['forced_labour', 'unreasonable_work']);
  assert.deepEqual(op.checklist.map((i) => [i.id, i.done]),
    byId['labour-site-inspection'].checklist.map((i) => [i.id, false]));
  assert.deepEqual(op.checklist[0].text, byId['labour-site-inspection'].checklist[0].text);
  assert.deepEqual(op.participants.map((p) => [p.organization, p.role]).sort(), [
    ['ARBETSMILJOVERKET', 'field'], ['MIGRATIONSVERKET', 'support'], ['POLISEN-SYD', 'lead'],
    ['SKATTEVERKET', 'field']]);
  // Outside the police regions with their own code: POLISEN-NOA; social services are left out.
  const mitt = await createOp(U.nmt, { region: 'mitt', counties: ['03'], lead: 'RK-MITT',
    scenario: 'sexual-hotel-action' });
  assert.deepEqual(mitt.participants.map((p) => [p.organization, p.role]).sort(), [
    ['POLISEN-NOA', 'field'], ['RK-MITT', 'lead'], ['SOS-AVV', 'support']]);
  // Ticking the checklist; an unknown item is a 400 naming it.
  const r = await patch(U.rksyd, op, { checklist: [{ id: 'brief', done: true }, { id: 'shelter', done: true }] });
  assertStatus(r, 200);
  assert.deepEqual(r.json.checklist.filter((i) => i.done).map((i) => i.id), ['brief', 'shelter']);
  assertFieldError(await patch(U.rksyd, r.json, { checklist: [{ id: 'no-such', done: true }] }), 'checklist[0].id');
  const undone = await patch(U.rksyd, r.json, { checklist: [{ id: 'brief', done: false }] });
  assert.deepEqual(undone.json.checklist.filter((i) => i.done).map((i) => i.id), ['shelter']);
});

test('outcome only from completed on (409 before)', async () => {
  let op = await createOp();
  const outcome = { persons_met: 12, after_action: 'Samverkan fungerade.', lessons: 'Boka tolk tidigare.' };
  assertStatus(await patch(U.rksyd, op, { outcome }), 409);
  op = await moveTo(op, 'active');
  assertStatus(await patch(U.rksyd, op, { outcome }), 409);
  assertStatus(await patch(U.rksyd, op, { status: 'completed', outcome }), 200, 'with the move itself');
  op = (await getOp(U.rksyd, op.id)).json;
  assert.deepEqual(op.outcome, outcome);
  assert.ok(op.allowed.includes('set_outcome') && op.allowed.includes('evaluate'));
  const r = await patch(U.rksyd, op, { status: 'evaluated', outcome: { lessons: 'Fler tolkar.' } });
  assertStatus(r, 200);
  assert.deepEqual(r.json.outcome, { ...outcome, lessons: 'Fler tolkar.' });
});

test('encounters only while active, by the lead, field participants and coordinators', async () => {
  const op = await createOp();
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'ARBETSMILJOVERKET', role: 'field' }), 201);
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'SKATTEVERKET', role: 'support' }), 201);
  assertStatus(await encounter(U.pol, op.id, person()), 409, 'planned');
  const cur = (await getOp(U.rksyd, op.id)).json;
  assert.equal(cur.case, null, 'no group case yet');
  assert.equal((await listAll(srv, `${opUrl(op.id)}/encounters`, { auth: U.rksyd })).length, 0);
  await moveTo(cur, 'active');
  assertStatus(await encounter(U.skv, op.id, person()), 403, 'a support participant reads only');
  assertStatus(await encounter(U.sos, op.id, person()), 404, 'not taking part');
  assertStatus(await encounter(U.auditor, op.id, person()), 403);
  const byField = await encounter(U.av, op.id, person({ age_estimate: 16, citizenship: 'RO', languages: ['ro'],
    needs: ['shelter', 'child_protection'] }));
  assertStatus(byField, 201);
  assert.equal(byField.json.operation, op.id);
  assert.equal(byField.headers.get('location'), `/api/v1/persons/${byField.json.person}`);
  assert.deepEqual(byField.json.needs, ['shelter', 'child_protection']);
  for (const who of ['pol', 'rksyd', 'nmt']) assertStatus(await encounter(U[who], op.id, person()), 201, who);
  const done = await moveTo((await getOp(U.rksyd, op.id)).json, 'completed');
  assertStatus(await encounter(U.pol, op.id, person()), 409, 'completed');
  await moveTo(done, 'evaluated');
  assertStatus(await encounter(U.pol, op.id, person()), 409, 'evaluated');
  const other = await moveTo(await createOp(), 'cancelled');
  assertStatus(await encounter(U.rksyd, other.id, person()), 409, 'cancelled');
  assert.equal((await listAll(srv, `${opUrl(op.id)}/encounters`, { auth: U.rksyd })).length, 4);
  assert.equal((await listAll(srv, `${opUrl(other.id)}/encounters`, { auth: U.rksyd })).length, 0);
});

test('the group case: made at the first encounter, its team, pseudonymous field access', async () => {
  const op = await activeOp();
  const r = await encounter(U.av, op.id, person({ age_estimate: 15 }));
  assertStatus(r, 201);
  const cur = (await getOp(U.rksyd, op.id)).json;
  assert.equal(r.json.case, cur.case);
  assert.equal(r.json.case_number, cur.case_number);
  const c = (await api(srv, 'GET', `/api/v1/cases/${cur.case}`, { auth: U.pol })).json;
  assert.equal(c.title, `Punktinsats ${op.number}`);
  assert.deepEqual([c.county, c.region, c.owner.organization], ['12', 'syd', 'POLISEN-SYD']);
  assert.deepEqual(c.exploitation, ['forced_labour']);
  assert.equal(c.owner.username, U.av.username, 'the registering user is the owner user');
  const rows = Object.fromEntries((await team(cur.case)).map((m) => [`${m.organization}/${m.username}`,
    [m.access, m.operation]]));
  assert.deepEqual(rows, {
    'POLISEN-SYD/null': ['full', null],
    'ARBETSMILJOVERKET/null': ['pseudonymous', op.id],
    'SKATTEVERKET/null': ['pseudonymous', op.id],
    [`MIGRATIONSVERKET/${U.mig.username}`]: ['pseudonymous', op.id],
  });
  const p = await api(srv, 'GET', `/api/v1/persons/${r.json.person}`, { auth: U.av });
  assertStatus(p, 200, 'the field organization sees the person');
  assert.equal(p.json.is_child, true);
  assert.equal(p.json.identity_access, 'none');
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${r.json.person}/identity`, { auth: U.av }), 404);
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${r.json.person}`, { auth: U.mig2 }), 404);
  // A second encounter uses the same case; a participant added later joins its team.
  const second = await encounter(U.pol, op.id, person());
  assert.equal(second.json.case, cur.case);
  assertStatus(await addPart(U.rksyd, op.id, { organization: 'SOS-AVV', role: 'support' }), 201);
  assert.ok((await team(cur.case)).some((m) => m.organization === 'SOS-AVV' && m.operation === op.id));
  // A team row the operation granted is not removed by hand.
  const row = (await team(cur.case)).find((m) => m.organization === 'SOS-AVV');
  assert.deepEqual(row.allowed, []);
  assertStatus(await api(srv, 'DELETE', `/api/v1/cases/${cur.case}/team/${row.id}`, { auth: U.pol }), 409);
  // A removed participant leaves the team.
  const sosPart = (await getOp(U.rksyd, op.id)).json.participants.find((x) => x.organization === 'SOS-AVV');
  assertStatus(await api(srv, 'DELETE', `${opUrl(op.id)}/participants/${sosPart.id}`, { auth: U.pol }), 204);
  assert.equal((await team(cur.case)).some((m) => m.organization === 'SOS-AVV'), false);
  // The encounter list: pseudonyms only to those who read the person.
  const list = await listAll(srv, `${opUrl(op.id)}/encounters`, { auth: U.skv });
  assert.equal(list.length, 2);
  assert.ok(list.every((x) => typeof x.pseudonym === 'string'), 'a team member reads the pseudonyms');
});

test('a named case; client_ref resends answer the first encounter; bad input 400', async () => {
  const op = await activeOp();
  const named = await createCase(srv, U.pol, { county: '12' });
  const r = await encounter(U.pol, op.id, person({ case: named.id }));
  assertStatus(r, 201);
  assert.equal(r.json.case, named.id);
  assert.equal((await getOp(U.rksyd, op.id)).json.case, null, 'no group case for a named one');
  assert.ok((await api(srv, 'GET', `/api/v1/cases/${named.id}`, { auth: U.pol })).json.persons
    .some((x) => x.id === r.json.person));
  assertStatus(await encounter(U.av, op.id, person({ case: named.id })), 404, 'a case the caller does not see');
  assertStatus(await encounter(U.pol, op.id, person({ case: randomId() })), 404);
  const ref = randomId();
  const first = await encounter(U.av, op.id, person({ client_ref: ref }));
  assertStatus(first, 201);
  const again = await encounter(U.av, op.id, person({ client_ref: ref, pseudonym: 'Annan' }));
  assertStatus(again, 200);
  assert.deepEqual(again.json, first.json);
  const all = await listAll(srv, `${opUrl(op.id)}/encounters`, { auth: U.rksyd });
  assert.equal(all.length, 2);
  const c = (await api(srv, 'GET', `/api/v1/cases/${first.json.case}`, { auth: U.pol })).json;
  assert.equal(c.persons.length, 1, 'the resend added no person');
  const bad = [
    [{ pseudonym: 'Ann\u200bA' }, 'pseudonym'],
    [{ pseudonym: '' }, 'pseudonym'],
    [{ gender: 'x' }, 'gender'],
    [{ citizenship: 'ZZ' }, 'citizenship'],
    [{ age_estimate: 20, birth_year: 2000 }, 'age_estimate'],
    [{ needs: ['pizza'] }, 'needs[0]'],
    [{ languages: ['xx'] }, 'languages[0]'],
    [{ client_ref: 'abc' }, 'client_ref'],
    [{ case: 'abc' }, 'case'],
    [{ identity: { full_name: 'X' } }, ''],
  ];
  for (const [over, field] of bad)
    assertFieldError(await encounter(U.pol, op.id, person(over)), field, JSON.stringify(over));
  assert.equal((await listAll(srv, `${opUrl(op.id)}/encounters`, { auth: U.rksyd })).length, 2);
});

for (const end of ['completed', 'cancelled']) {
  test(`ending (${end}) ends the team rows the operation added, except for another reason`, async () => {
    const op = await activeOp();
    assertStatus(await addPart(U.rksyd, op.id, { organization: 'SOS-AVV', role: 'support' }), 201);
    const first = await encounter(U.av, op.id, person());
    const caseId = first.json.case;
    // Skatteverket joins explicitly; SÖS gets a task: both stay on.
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${caseId}/team`, { auth: U.pol,
      body: { organization: 'SKATTEVERKET', access: 'pseudonymous' } }), 201);
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${caseId}/tasks`, { auth: U.pol,
      body: { organization: 'SOS-AVV', title: 'Vård', access: 'pseudonymous' } }), 201);
    const granted = (await team(caseId)).filter((m) => m.operation === op.id);
    assert.deepEqual(granted.map((m) => m.organization).sort(), ['ARBETSMILJOVERKET', 'MIGRATIONSVERKET', 'SOS-AVV']);
    await moveTo((await getOp(U.rksyd, op.id)).json, end);
    const rows = await team(caseId);
    assert.deepEqual(rows.map((m) => [m.organization, m.access, m.operation, m.task !== null]).sort(), [
      ['POLISEN-SYD', 'full', null, false],
      ['SKATTEVERKET', 'pseudonymous', null, false],
      ['SOS-AVV', 'pseudonymous', null, true],
    ]);
    assertStatus(await api(srv, 'GET', `/api/v1/persons/${first.json.person}`, { auth: U.av }), 404,
      'the field organization no longer sees the person');
    assertStatus(await api(srv, 'GET', `/api/v1/persons/${first.json.person}`, { auth: U.sos }), 200);
    const ended = (await audit(`case=${caseId}&action=operation.team_end`)).map((e) => e.object).sort();
    const want = granted.filter((m) => m.organization !== 'SOS-AVV').map((m) => `member:${m.id}`).sort();
    assert.deepEqual(ended, want, 'one entry per ended row');
  });
}

test('the summary is computed from encounters, assessments, tasks and pathway events', async () => {
  const op = await activeOp();
  const named = await createCase(srv, U.pol, { county: '12' });
  const add = async (over) => { const r = await encounter(U.pol, op.id, person(over)); assertStatus(r, 201); return r.json; };
  const a = await add({ citizenship: 'RO', age_estimate: 30 });
  const b = await add({ citizenship: 'RO', age_estimate: 15 });
  const c = await add({ citizenship: 'TH' });
  const d = await add({ case: named.id });
  const full = ['d1-nature', 'd1-wages', 'd4-hours', 'd4-pay', 'd5-documents', 'd5-violence'];
  const assess = (p, observed) => api(srv, 'POST', `/api/v1/persons/${p.person}/assessments`,
    { auth: U.pol, body: { set: 'adult-labour', observed } });
  assert.equal((await assess(a, full)).json.result, 'presumed_victim');
  assert.equal((await assess(c, full)).json.result, 'presumed_victim');
  assert.equal((await assess(c, [])).json.result, 'no_indications', 'the latest counts');
  const task = (caseId) => api(srv, 'POST', `/api/v1/cases/${caseId}/tasks`, { auth: U.pol,
    body: { organization: 'MIGRATIONSVERKET', title: 'Betänketid', access: 'pseudonymous' } });
  assertStatus(await task(a.case), 201);
  assertStatus(await task(named.id), 201);
  const report = (p) => api(srv, 'POST', `/api/v1/persons/${p.person}/pathway/events`, { auth: U.pol,
    body: { type: 'police_report_filed', date: today() } });
  assertStatus(await report(a), 201);
  assertStatus(await report(b), 201);
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${d.person}/pathway/events`, { auth: U.pol,
    body: { type: 'permit_applied', date: today() } }), 201);
  const s = await api(srv, 'GET', `${opUrl(op.id)}/summary`, { auth: U.av });
  assertStatus(s, 200);
  assert.deepEqual(s.json, { persons: 4, children: 1, presumed_victims: 1, tasks: 1, police_reports: 2,
    by_citizenship: [{ citizenship: 'RO', persons: 2 }, { citizenship: null, persons: 1 },
      { citizenship: 'TH', persons: 1 }] });
  const empty = await api(srv, 'GET', `${opUrl((await createOp()).id)}/summary`, { auth: U.rksyd });
  assert.deepEqual(empty.json, { persons: 0, children: 0, presumed_victims: 0, tasks: 0, police_reports: 0,
    by_citizenship: [] });
});

test('the immediate needs are a served vocabulary', async () => {
  const v = await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.pol });
  assert.deepEqual(v.json.immediate_needs.map((t) => t.code),
    ['shelter', 'medical', 'interpreter', 'child_protection', 'food', 'transport', 'legal_advice']);
  assert.ok(v.json.immediate_needs.every((t) => t.label.sv && t.label.en));
  assert.deepEqual(v.json.operation_statuses.map((t) => t.code),
    ['planned', 'active', 'completed', 'evaluated', 'cancelled']);
});

// ---- an operation never reveals a case the caller cannot see ----

/** The operation's encounters as `who` lists them. */
const encountersOf = (who, id) => listAll(srv, `${opUrl(id)}/encounters`, { auth: who });

test('a client_ref used by another user is 409 naming no case or person; nothing written', async () => {
  const op = await activeOp();
  const named = await createCase(srv, U.pol, { county: '12' });
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${named.id}`, { auth: U.av }), 404, 'av does not see it');
  const ref = randomId();
  const first = await encounter(U.pol, op.id, person({ case: named.id, client_ref: ref }));
  assertStatus(first, 201);
  const before = (await audit(`action=operation.encounter`)).length;
  const r = await encounter(U.av, op.id, person({ client_ref: ref }));
  assertStatus(r, 409);
  for (const secret of [named.id, named.number, first.json.person, first.json.id, U.pol.username])
    assert.ok(!r.text.includes(secret), `the 409 names nothing of the case (${secret})`);
  assert.equal((await encountersOf(U.pol, op.id)).length, 1, 'nothing written');
  assert.equal((await getOp(U.rksyd, op.id)).json.case, null, 'no group case made');
  assert.equal((await audit(`action=operation.encounter`)).length, before);
  // A coordinator who sees the operation is another user too.
  assertStatus(await encounter(U.rksyd, op.id, person({ client_ref: ref })), 409);
  // The one who registered it gets the first encounter again.
  const again = await encounter(U.pol, op.id, person({ client_ref: ref, pseudonym: 'Annan' }));
  assertStatus(again, 200);
  assert.deepEqual(again.json, first.json);
});

test('client_ref is one reference in any letter case, kept lowercase; not a UUID is 400', async () => {
  const op = await activeOp();
  const ref = randomId();
  const first = await encounter(U.av, op.id, person({ client_ref: ref.toUpperCase() }));
  assertStatus(first, 201);
  assert.equal(first.json.client_ref, ref);
  const again = await encounter(U.av, op.id, person({ client_ref: ref }));
  assertStatus(again, 200);
  assert.deepEqual(again.json, first.json);
  const mixed = await encounter(U.av, op.id, person({ client_ref: ref.slice(0, 4).toUpperCase() + ref.slice(4) }));
  assertStatus(mixed, 200);
  assert.equal(mixed.json.id, first.json.id);
  assertFieldError(await encounter(U.av, op.id, person({ client_ref: `${ref.slice(0, 35)}g` })), 'client_ref');
  assertFieldError(await encounter(U.av, op.id, person({ client_ref: ref.replaceAll('-', '') })), 'client_ref');
  assert.equal((await encountersOf(U.rksyd, op.id)).length, 1);
  const c = (await api(srv, 'GET', `/api/v1/cases/${first.json.case}`, { auth: U.pol })).json;
  assert.equal(c.persons.length, 1, 'one person');
});

test('the encounters list shows a case, person and creator only to those who may read the case', async () => {
  const op = await activeOp();
  const named = await createCase(srv, U.pol, { county: '12' });
  const hidden = await encounter(U.pol, op.id, person({ case: named.id, client_ref: randomId(), needs: ['shelter'] }));
  assertStatus(hidden, 201);
  const own = await encounter(U.av, op.id, person());
  assertStatus(own, 201);
  const byId = (items) => new Map(items.map((e) => [e.id, e]));
  const av = await api(srv, 'GET', `${opUrl(op.id)}/encounters`, { auth: U.av });
  assertStatus(av, 200);
  for (const secret of [named.id, named.number, hidden.json.person, U.pol.username, hidden.json.client_ref])
    assert.ok(!av.text.includes(secret), `the list names nothing of the hidden case (${secret})`);
  const seen = byId(av.json.items);
  assert.equal(seen.size, 2, 'every encounter is listed: the count is the summary\'s');
  const h = seen.get(hidden.json.id);
  assert.deepEqual([h.restricted, h.case, h.person, h.case_number, h.created_by, h.client_ref, 'pseudonym' in h],
    [true, null, null, null, null, null, false]);
  assert.deepEqual(h.needs, ['shelter']);
  const o = seen.get(own.json.id);
  assert.deepEqual([o.restricted, o.case, o.person, o.created_by], [false, own.json.case, own.json.person, U.av.username]);
  const pol = byId(await encountersOf(U.pol, op.id)).get(hidden.json.id);
  assert.deepEqual([pol.restricted, pol.case, pol.case_number, pol.person, pol.created_by],
    [false, named.id, named.number, hidden.json.person, U.pol.username]);
  // A support participant reads the group case while the operation runs; once it has ended, not.
  assert.equal(byId(await encountersOf(U.skv, op.id)).get(own.json.id).restricted, false);
  await moveTo((await getOp(U.rksyd, op.id)).json, 'completed');
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${own.json.case}`, { auth: U.skv }), 404);
  const after = await api(srv, 'GET', `${opUrl(op.id)}/encounters`, { auth: U.skv });
  assertStatus(after, 200);
  assert.ok(after.json.items.every((e) => e.restricted && e.case === null && e.person === null));
  assert.ok(!after.text.includes(own.json.case) && !after.text.includes(own.json.person));
});

test('the summary counts only what the operation produced, never other activity of a named case', async () => {
  const op = await activeOp();
  const named = await createCase(srv, U.pol, { county: '12' });
  const other = await createPerson(srv, U.pol, named.id, { age_estimate: 12, citizenship: 'PL' });
  const met = await encounter(U.pol, op.id, person({ case: named.id, citizenship: 'RO' }));
  assertStatus(met, 201);
  const task = (body) => api(srv, 'POST', `/api/v1/cases/${named.id}/tasks`, { auth: U.pol,
    body: { organization: 'MIGRATIONSVERKET', title: 'Betänketid', access: 'pseudonymous', ...body } });
  // The named case's own activity: a task about no one, one about its other person, a police report.
  assertStatus(await task({}), 201);
  assertStatus(await task({ person: other.id }), 201);
  const report = (p) => api(srv, 'POST', `/api/v1/persons/${p}/pathway/events`, { auth: U.pol,
    body: { type: 'police_report_filed', date: today() } });
  assertStatus(await report(other.id), 201);
  const s0 = await api(srv, 'GET', `${opUrl(op.id)}/summary`, { auth: U.av });
  assertStatus(s0, 200);
  assert.deepEqual(s0.json, { persons: 1, children: 0, presumed_victims: 0, tasks: 0, police_reports: 0,
    by_citizenship: [{ citizenship: 'RO', persons: 1 }] });
  // What concerns the person met counts.
  assertStatus(await task({ person: met.json.person }), 201);
  assertStatus(await report(met.json.person), 201);
  // And every task on the group case.
  const g = await encounter(U.av, op.id, person());
  assertStatus(g, 201);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${g.json.case}/tasks`, { auth: U.pol,
    body: { organization: 'SOS-AVV', title: 'Vård', access: 'pseudonymous' } }), 201);
  const s1 = await api(srv, 'GET', `${opUrl(op.id)}/summary`, { auth: U.av });
  assert.deepEqual([s1.json.persons, s1.json.tasks, s1.json.police_reports, s1.json.children], [2, 2, 1, 0]);
});

test('role lead is the lead organization\'s only: another organization as lead is 400 naming role', async () => {
  const op = await createOp();
  const parts = async () => (await getOp(U.rksyd, op.id)).json.participants.map((p) => [p.organization, p.role]);
  const was = await parts();
  assertFieldError(await addPart(U.rksyd, op.id, { organization: 'ARBETSMILJOVERKET', role: 'lead' }), 'role');
  assertFieldError(await addPart(U.nmt, op.id, { organization: 'SOS-AVV', username: U.sos.username, role: 'lead' }),
    'role');
  assert.deepEqual(await parts(), was, 'nothing added');
  const polUser = await addPart(U.rksyd, op.id, { organization: 'POLISEN-SYD', username: U.pol.username, role: 'lead' });
  assertStatus(polUser, 201, 'a user of the lead organization may lead');
  assert.equal(polUser.json.role, 'lead');
});

test('a stale If-Match on a cancelled operation answers as on a closed case: the state first (409)', async () => {
  // The platform's order (write.c): the object's state is asked before the change checks its version.
  const c = await createCase(srv, U.pol, { county: '12' });
  const closed = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: U.pol, ifMatch: `"${c.version}"`,
    body: { status: 'closed', closing_reason: 'contact_lost' } });
  assertStatus(closed, 200);
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: U.pol, ifMatch: `"${c.version}"`,
    body: { title: 'Efteråt' } }), 409, 'a closed case, stale version');
  const op = await moveTo(await createOp(), 'cancelled');
  assertStatus(await patch(U.rksyd, op, { title: 'Efteråt' }, `"${op.version - 1}"`), 409);
  assertStatus(await patch(U.rksyd, op, { title: 'Efteråt' }), 409);
  const live = await createOp();
  assertStatus(await patch(U.rksyd, live, { title: 'Ny' }, '"9"'), 412, 'a live operation, stale version');
});
