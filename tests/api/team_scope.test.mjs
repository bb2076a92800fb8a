// A team row that names a user reaches that user only, never the rest of its
// organization; a coordinator with neither a region nor the secretariat gets
// no coordinator rights; a list whose earlier items are not strings is a 400
// (it used to crash the daemon).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  personWithIdentity,
  startServer, addUserWithToken, api, assertProblem, assertStatus, createCase, createPerson, caseIds,
} from './harness.mjs';

let srv;
const U = {};
let A; // owned by the police in region Syd
let P; // a person in A with an identity

before(async () => {
  srv = await startServer();
  U.police = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.migA = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.migB = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.lone = await addUserWithToken(srv, { org: 'RK-MITT', role: 'coordinator' });
  A = await createCase(srv, U.police.token, { title: 'Namngiven medlem', county: '12' });
  P = await createPerson(srv, U.police.token, A.id, { identity: { full_name: 'Ylva Ödmark' } });
  const r = await api(srv, 'POST', `/api/v1/cases/${A.id}/team`, {
    token: U.police.token,
    body: { organization: 'MIGRATIONSVERKET', username: U.migA.username, access: 'full' },
  });
  assertStatus(r, 201, 'add a named user');
  assert.equal(r.json.username, U.migA.username);
});

after(async () => { await srv?.stop(); });

test('the named user sees the case and the identity', async () => {
  assert.deepEqual(await caseIds(srv, U.migA.token), [A.id]);
  const r = await personWithIdentity(srv, U.migA.token, P.id);
  assertStatus(r, 200);
  assert.equal(r.json.identity?.full_name, 'Ylva Ödmark');
});

test('a colleague in the same organization sees nothing', async () => {
  assert.deepEqual(await caseIds(srv, U.migB.token), []);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${A.id}`, { token: U.migB.token }), 404);
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${P.id}`, { token: U.migB.token }), 404);
});

test('a coordinator without region or secretariat works by its team access only', async () => {
  assert.deepEqual(await caseIds(srv, U.lone.token), []);
  let r = await api(srv, 'POST', `/api/v1/cases/${A.id}/team`, {
    token: U.police.token, body: { organization: 'RK-MITT', access: 'pseudonymous' },
  });
  assertStatus(r, 201);
  assert.deepEqual(await caseIds(srv, U.lone.token), [A.id]);
  r = await personWithIdentity(srv, U.lone.token, P.id);
  assertStatus(r, 200);
  assert.equal(r.json.identity, undefined, 'no identity through pseudonymous access');
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`, {
    token: U.lone.token, headers: { 'if-match': `"${A.version}"` }, body: { title: 'x' },
  }), 403);
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${A.id}/team`, {
    token: U.lone.token, body: { organization: 'SKATTEVERKET', access: 'full' },
  }), 403);
});

test('a list with a non-string item is a field error, and the daemon lives on', async () => {
  const r = await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`, {
    token: U.police.token, body: { pseudonym: 'L', gender: 'male', languages: [1, 'sv', 'sv'] },
  });
  assertProblem(r, 400);
  assert.ok(r.json.errors.some((e) => e.field === 'languages[0]'), JSON.stringify(r.json.errors));
  assert.ok(r.json.errors.some((e) => e.field === 'languages[2]'), JSON.stringify(r.json.errors));
  assertStatus(await api(srv, 'GET', '/healthz'), 200);
});
