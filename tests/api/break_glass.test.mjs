// API.md "Who sees what": a protected identity goes to the owner organization
// (address included) and the secretariat's coordinators (without address);
// anyone else who sees the case uses break-the-glass — a stated reason, a
// time limit, and flagged audit entries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertStatus, assertFieldError,
  createCase, createPerson, listAll, RFC3339_UTC,
} from './harness.mjs';

let srv;
const U = {};
let A;
let prot; // protected person
let plain; // unprotected person

const IDENT = { full_name: 'Vendela Skyddad', address: 'Hemlig väg 3, 222 22 Lund' };

before(async () => {
  srv = await startServer();
  U.police = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.rknord = await addUserWithToken(srv, { org: 'RK-NORD', role: 'coordinator', region: 'nord' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.pseudo = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  A = await createCase(srv, U.police, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${A.id}/team`, {
    auth: U.police, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' },
  }), 201);
  prot = await createPerson(srv, U.police, A.id,
    { protected_identity: 'protected_address', identity: IDENT });
  plain = await createPerson(srv, U.police, A.id, { identity: { full_name: 'Vanlig Person' } });
});

after(async () => { await srv?.stop(); });

const glass = (auth, id, body) =>
  api(srv, 'POST', `/api/v1/persons/${id}/break-glass`, { auth, body: { category: 'danger_to_life_or_health', ...body } });
const identity = (auth, id) => api(srv, 'GET', `/api/v1/persons/${id}/identity`, { auth });
const REASON = 'Akut placering i skyddat boende i natt.';

test('without a grant the regional coordinator sees no protected identity', async () => {
  const r = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.rksyd });
  assertStatus(r, 200);
  assert.equal(r.json.identity, undefined);
  assertProblem(await identity(U.rksyd, prot.id), 404);
  assert.ok(r.json.allowed.includes('break_glass'));
  assert.ok(!r.json.allowed.includes('reveal_identity'));
});

test('each response says how much of the identity the caller receives', async () => {
  const read = async (auth, id) => (await api(srv, 'GET', `/api/v1/persons/${id}`, { auth })).json;
  assert.equal((await read(U.police, prot.id)).identity_access, 'full');
  assert.equal((await read(U.nmt, prot.id)).identity_access, 'without_address');
  assert.equal((await read(U.rksyd, prot.id)).identity_access, 'none');
  assert.equal((await read(U.pseudo, plain.id)).identity_access, 'none');
  assert.equal((await read(U.rksyd, plain.id)).identity_access, 'full');
});

test('a reason is required, and blank is no reason', async () => {
  assertFieldError(await glass(U.rksyd, prot.id, {}), 'reason');
  assertFieldError(await glass(U.rksyd, prot.id, { reason: '' }), 'reason');
  assertFieldError(await glass(U.rksyd, prot.id, { reason: '  \n ' }), 'reason');
});

test('breaking the glass opens the whole identity for a limited time, flagged', async () => {
  const r = await glass(U.rksyd, prot.id, { reason: REASON });
  assertStatus(r, 201);
  assert.equal(r.json.person, prot.id);
  assert.equal(r.json.category, 'danger_to_life_or_health');
  assert.match(r.json.expires_at, RFC3339_UTC);
  const minutes = (Date.parse(r.json.expires_at) - Date.parse(r.json.granted_at)) / 60000;
  assert.ok(minutes > 0 && minutes <= 240, `a time limit, not forever (${minutes} min)`);
  assert.ok(!JSON.stringify(r.json).includes('Akut placering'), 'the reason is not echoed');

  const p = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.rksyd });
  assertStatus(p, 200);
  assert.equal(p.json.identity, undefined, 'the person answer never carries the identity');
  assert.equal(p.json.identity_access, 'full');
  assert.equal(p.json.break_glass_until, r.json.expires_at);
  assert.ok(p.json.allowed.includes('reveal_identity'));
  assert.ok(!p.json.allowed.includes('break_glass'), 'one live grant at a time');
  assertProblem(await glass(U.rksyd, prot.id, { reason: REASON }), 409);
  const id = await identity(U.rksyd, prot.id);
  assertStatus(id, 200);
  const { access, break_glass_until: until, ...block } = id.json;
  assert.deepEqual(block, IDENT);
  assert.equal(access, 'full');
  assert.equal(until, r.json.expires_at);

  const entries = await listAll(srv, `/api/v1/audit?case=${A.id}`, { auth: U.auditor });
  const mine = entries.filter((e) => e.actor === U.rksyd.username && e.object === `person:${prot.id}`);
  const grant = mine.find((e) => e.action === 'person.break_glass');
  assert.ok(grant && grant.flagged, 'the grant is a flagged entry');
  assert.ok(mine.some((e) => e.action === 'person.identity.read' && e.flagged), 'reads through it are flagged');
  const flagged = await listAll(srv, '/api/v1/audit?flagged=true', { auth: U.auditor });
  assert.ok(flagged.some((e) => e.action === 'person.break_glass' && e.actor === U.rksyd.username));
});

test('the grant is personal: others still see no identity', async () => {
  const other = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  const r = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: other });
  assertStatus(r, 200);
  assert.equal(r.json.identity_access, 'none');
  assertProblem(await identity(other, prot.id), 404);
});

test('the secretariat breaks the glass for the address', async () => {
  let r = await identity(U.nmt, prot.id);
  assert.equal(r.json.full_name, IDENT.full_name);
  assert.equal(r.json.address, undefined);
  assert.equal(r.json.access, 'without_address');
  assertStatus(await glass(U.nmt, prot.id, { reason: 'Polisen behöver adressen för skydd.' }), 201);
  r = await identity(U.nmt, prot.id);
  assert.equal(r.json.address, IDENT.address);
});

test('a grant reads; it never changes the identity or its protection', async () => {
  const cur = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.rksyd });
  assert.equal(cur.json.break_glass_until !== undefined, true, 'the grant is live');
  for (const body of [{ protected_identity: 'none' }, { identity: { full_name: 'Annan' } }]) {
    assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${prot.id}`, {
      auth: U.rksyd, ifMatch: `"${cur.json.version}"`, body,
    }), 403);
  }
  const after = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.police });
  assert.equal(after.json.protected_identity, 'protected_address');
  const { access, ...block } = (await identity(U.police, prot.id)).json;
  assert.equal(access, 'full');
  assert.deepEqual(block, IDENT);
});

test('a write through a live grant answers without the identity; the grant still opens reads', async () => {
  const cur = await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.rksyd });
  assert.equal(typeof cur.json.break_glass_until, 'string', 'the grant is live');
  const r = await api(srv, 'PATCH', `/api/v1/persons/${prot.id}`, {
    auth: U.rksyd, ifMatch: `"${cur.json.version}"`, body: { languages: ['sv'] },
  });
  assertStatus(r, 200);
  assert.equal(r.json.identity, undefined, 'no identity in the write answer');
  assert.equal(r.json.identity_access, 'full', 'the grant still opens reads');
  assert.equal(r.json.break_glass_until, cur.json.break_glass_until);
  assert.deepEqual(r.json.languages, ['sv']);
});

test('the auditors read the grants with their reasons; nobody else does', async () => {
  const r = await api(srv, 'GET', `/api/v1/break-glass?case=${A.id}`, { auth: U.auditor });
  assertStatus(r, 200);
  const mine = r.json.items.filter((g) => g.user === U.rksyd.username);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].reason, REASON);
  assert.equal(mine[0].category, 'danger_to_life_or_health');
  assert.equal(mine[0].person, prot.id);
  assert.equal(mine[0].case, A.id);
  assert.equal(mine[0].case_number, A.number, 'the grant names its case by number');
  assert.equal(mine[0].pseudonym, undefined, 'auditors get no pseudonyms');
  const paged = await api(srv, 'GET', '/api/v1/break-glass?limit=1', { auth: U.auditor });
  assert.equal(paged.json.items.length, 1);
  assert.equal(typeof paged.json.next_cursor, 'string');
  const rest = await api(srv, 'GET', `/api/v1/break-glass?limit=1&cursor=${encodeURIComponent(paged.json.next_cursor)}`,
    { auth: U.auditor });
  assertStatus(rest, 200);
  assert.notEqual(rest.json.items[0]?.id, paged.json.items[0].id);
  for (const who of [U.rksyd, U.nmt, U.police]) {
    assertProblem(await api(srv, 'GET', '/api/v1/break-glass', { auth: who }), 403);
  }
});

test('refused where it is not needed, not allowed or not visible', async () => {
  const reason = { reason: 'Behövs för ett beslut i dag.' };
  assertProblem(await glass(U.pseudo, prot.id, reason), 403,
    'a pseudonymous member would not see the identity unprotected either');
  assertProblem(await glass(U.police, prot.id, reason), 403, 'the owner sees it already');
  assertProblem(await glass(U.rksyd, plain.id, reason), 403, 'not a protected identity');
  assertProblem(await glass(U.analyst, prot.id, reason), 403, 'no case access at all');
  const hidden = await glass(U.rknord, prot.id, reason);
  assertProblem(hidden, 404, 'a case it cannot see');
  const none = await glass(U.rksyd, '00000000-0000-4000-8000-000000000000', reason);
  assertProblem(none, 404);
  assert.deepEqual(hidden.json, none.json, 'hidden answers exactly like missing');
});
