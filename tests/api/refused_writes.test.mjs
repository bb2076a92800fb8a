// Refused writes are audited and change nothing: a write the policy refuses on an existing
// object the caller sees (403) or may not see (404) leaves one flagged `<kind>.write_denied`
// entry, after which the object, its team and the rest of the log are as before. A random id
// answers the same bytes as a hidden object and leaves no entry.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertStatus, createCase, createPerson,
  listAll, randomId,
} from './harness.mjs';

let srv;
const U = {};
let A; // owned by POLISEN-SYD; MIGRATIONSVERKET pseudonymous, SOS-AVV full on its team
let P; // a person of A

before(async () => {
  srv = await startServer();
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.pseudo = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.full = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  U.outsider = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
  A = await createCase(srv, U.owner, { title: 'Nekade ändringar', summary: 'Oförändrad' });
  P = await createPerson(srv, U.owner, A.id, { pseudonym: 'Vera' });
  for (const [organization, access] of [['MIGRATIONSVERKET', 'pseudonymous'], ['SOS-AVV', 'full']]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${A.id}/team`,
      { auth: U.owner, body: { organization, access } }), 201);
  }
});

after(async () => { await srv?.stop(); });

const entries = () => listAll(srv, '/api/v1/audit', { auth: U.auditor });

/** The case and its person as the owner reads them (the read entries they leave are the owner's). */
async function snapshot() {
  const c = await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.owner });
  const p = await api(srv, 'GET', `/api/v1/persons/${P.id}`, { auth: U.owner });
  assertStatus(c, 200);
  assertStatus(p, 200);
  return { case: c.json, person: p.json };
}

/**
 * Runs refuse() and returns the entries it added: everything in the log after the last entry
 * seen before, except the owner's reads for the snapshots and the auditor's own log reads,
 * oldest first.
 */
async function refusedEntries(refuse) {
  const before = await snapshot();
  const last = Math.max(...(await entries()).map((e) => e.seq));
  await refuse();
  const after = await snapshot();
  assert.deepEqual(after, before, 'a refused write changed the case or the person');
  return (await entries()).filter((e) => e.seq > last && e.actor !== U.owner.username &&
    e.action !== 'audit.read').sort((a, b) => a.seq - b.seq);
}

function assertEntry(e, user, action, object) {
  assert.equal(e.action, action);
  assert.equal(e.actor, user.username);
  assert.equal(e.organization, user.org);
  assert.equal(e.object, object);
  assert.equal(e.case, A.id);
  assert.equal(e.flagged, true);
  assert.equal(e.client, '127.0.0.1');
}

test('a PATCH by a pseudonymous team member answers 403 and is audited as case.write_denied', async () => {
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
      { auth: U.pseudo, ifMatch: `"${A.version}"`, body: { title: 'Ändrad' } }), 403);
  });
  assert.equal(got.length, 1, JSON.stringify(got));
  assertEntry(got[0], U.pseudo, 'case.write_denied', `case:${A.id}`);
});

test('a person PATCH by a pseudonymous team member is audited as person.write_denied', async () => {
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${P.id}`,
      { auth: U.pseudo, ifMatch: `"${P.version}"`, body: { pseudonym: 'Annan' } }), 403);
  });
  assert.equal(got.length, 1, JSON.stringify(got));
  assertEntry(got[0], U.pseudo, 'person.write_denied', `person:${P.id}`);
});

test('a team change by a member who does not own the case answers 403 and is audited', async () => {
  const team = async () => (await api(srv, 'GET', `/api/v1/cases/${A.id}/team`, { auth: U.owner })).json;
  const teamBefore = await team();
  const owners = teamBefore.items ?? teamBefore;
  const row = owners.find((m) => m.organization === 'MIGRATIONSVERKET');
  assert.ok(row, JSON.stringify(teamBefore));
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'POST', `/api/v1/cases/${A.id}/team`,
      { auth: U.full, body: { organization: 'RK-NORD', access: 'full' } }), 403);
    assertProblem(await api(srv, 'DELETE', `/api/v1/cases/${A.id}/team/${row.id}`, { auth: U.full }), 403);
  });
  assert.deepEqual(await team(), teamBefore);
  assert.equal(got.length, 2, JSON.stringify(got));
  for (const e of got) assertEntry(e, U.full, 'case.write_denied', `case:${A.id}`);
});

test('an identity change the writer may not see is refused inside the write, rolled back and audited', async () => {
  const prot = await createPerson(srv, U.owner, A.id,
    { pseudonym: 'Skyddad', protected_identity: 'protected_address', identity: { full_name: 'Dold Adress' } });
  const read = async () => (await api(srv, 'GET', `/api/v1/persons/${prot.id}`, { auth: U.owner })).json;
  const before = await read();
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${prot.id}`, {
      auth: U.full, ifMatch: `"${prot.version}"`,
      body: { pseudonym: 'Ny', identity: { full_name: 'Annat Namn' } },
    }), 403);
  });
  assert.deepEqual(await read(), before);
  assert.equal(got.length, 1, JSON.stringify(got));
  assertEntry(got[0], U.full, 'person.write_denied', `person:${prot.id}`);
});

test('a write on a case the caller may not see answers 404 and is audited; a random id is not', async () => {
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
      { auth: U.outsider, ifMatch: '"1"', body: { title: 'Ändrad' } }), 404);
    assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${randomId()}`,
      { auth: U.outsider, ifMatch: '"1"', body: { title: 'Ändrad' } }), 404);
    assertProblem(await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`,
      { auth: U.outsider, body: { pseudonym: 'X', gender: 'female' } }), 404);
    assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${P.id}`,
      { auth: U.outsider, ifMatch: '"1"', body: { pseudonym: 'Annan' } }), 404);
  });
  assert.deepEqual(got.map((e) => [e.action, e.object]), [
    ['case.write_denied', `case:${A.id}`],
    ['case.write_denied', `case:${A.id}`],
    ['person.write_denied', `person:${P.id}`],
  ]);
  for (const e of got) assertEntry(e, U.outsider, e.action, e.object);
  // (The refused person POST added nobody: the case document, persons included, is unchanged.)
});

test('a refused read of a hidden case is still case.denied, a refused write never is', async () => {
  const got = await refusedEntries(async () => {
    assertProblem(await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.outsider }), 404);
  });
  assert.deepEqual(got.map((e) => e.action), ['case.denied']);
});

test('a hidden object and a random id answer the same bytes, for reads and writes', async () => {
  const answer = async (method, path, opts = {}) => {
    const r = await api(srv, method, path, { auth: U.outsider, ...opts });
    const headers = [...r.headers].filter(([k]) => k !== 'date');
    return { status: r.status, headers, text: r.text };
  };
  const patch = { ifMatch: '"1"', body: { title: 'Ändrad' } };
  assert.deepEqual(await answer('GET', `/api/v1/cases/${A.id}`),
    await answer('GET', `/api/v1/cases/${randomId()}`));
  assert.deepEqual(await answer('GET', `/api/v1/persons/${P.id}`),
    await answer('GET', `/api/v1/persons/${randomId()}`));
  assert.deepEqual(await answer('PATCH', `/api/v1/cases/${A.id}`, patch),
    await answer('PATCH', `/api/v1/cases/${randomId()}`, patch));
  assert.deepEqual(await answer('GET', `/api/v1/cases/${A.id}/team`),
    await answer('GET', `/api/v1/cases/${randomId()}/team`));
});
