// Administration and hardening: nmtctl user disable / token revoke, the
// audit anchor, append-only audit rows, the client address behind the proxy,
// weak ETags, dates of birth in the future, and one audit entry per refused
// person read.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUser, addUserWithToken, api, loginOk, login, assertProblem, assertStatus,
  assertFieldError, createCase, createPerson, listAll, ctlFor,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.other = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
});

after(async () => { await srv?.stop(); });

async function auditEntries() {
  return listAll(srv, '/api/v1/audit', { auth: U.auditor });
}

test('user disable ends sessions, revokes tokens and refuses logins', async () => {
  const u = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  const session = await loginOk(srv, u);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session }), 200);
  const r = await srv.ctl(['user', 'disable', '--username', u.username]);
  assert.equal(r.code, 0, r.stderr);
  assertProblem(await api(srv, 'GET', '/api/v1/me', { session }), 401);
  assertProblem(await api(srv, 'GET', '/api/v1/me', { token: u.token }), 401);
  assertProblem(await login(srv, u), 401);
  assert.ok((await auditEntries()).some((e) => e.action === 'user.disable' &&
    e.object === `user:${u.username}`));
  const missing = await srv.ctl(['user', 'disable', '--username', 'no-such-user']);
  assert.equal(missing.code, 2);
});

test('token revoke stops the bearer but not the interactive login', async () => {
  const u = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  assertStatus(await api(srv, 'GET', '/api/v1/me', { token: u.token }), 200);
  const r = await srv.ctl(['token', 'revoke', '--username', u.username]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /revoked 1 token/);
  assertProblem(await api(srv, 'GET', '/api/v1/me', { token: u.token }), 401);
  await loginOk(srv, u);
  assert.ok((await auditEntries()).some((e) => e.action === 'token.revoke'));
});

test('the client address comes from X-Real-IP of the loopback proxy, if well-formed', async () => {
  const c1 = await createCase(srv, U.pol, { title: 'Proxad' });
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c1.id}`,
    { auth: U.pol, headers: { 'x-real-ip': '203.0.113.7' } }), 200);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c1.id}`,
    { auth: U.pol, headers: { 'x-real-ip': '203.0.113.7, 10.0.0.1' } }), 200);
  const reads = (await auditEntries()).filter((e) => e.action === 'case.read' && e.case === c1.id);
  assert.deepEqual(reads.map((e) => e.client).sort(), ['127.0.0.1', '203.0.113.7']);
});

test('If-Match takes a weak validator of the same version', async () => {
  const c1 = await createCase(srv, U.pol);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c1.id}`,
    { auth: U.pol, ifMatch: 'W/"1"', body: { summary: 'svag' } });
  assertStatus(r, 200);
  assert.equal(r.json.version, 2);
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${c1.id}`,
    { auth: U.pol, ifMatch: 'W/"1"', body: { summary: 'gammal' } }), 412);
});

test('a date of birth in the future is refused', async () => {
  const c1 = await createCase(srv, U.pol);
  const next = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
  const r = await api(srv, 'POST', `/api/v1/cases/${c1.id}/persons`, {
    auth: U.pol, body: { pseudonym: 'F', gender: 'male', identity: { date_of_birth: next } },
  });
  assertFieldError(r, 'identity.date_of_birth');
});

test('a refused read of a person is audited once, as person.denied', async () => {
  const c1 = await createCase(srv, U.pol);
  const p = await createPerson(srv, U.pol, c1.id);
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.other }), 404);
  const denied = (await auditEntries()).filter((e) => e.case === c1.id && e.actor === U.other.username);
  assert.deepEqual(denied.map((e) => e.action), ['person.denied']);
  assert.equal(denied[0].flagged, true);
});

test('every field error comes in one answer, the county among them', async () => {
  const r = await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: { title: '', county: '99', exploitation: ['nope'] },
  });
  assertProblem(r, 400);
  const fields = r.json.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['county', 'exploitation[0]', 'title']);
});

test('audit rows are append-only, and an anchor reveals a cut-off end', async () => {
  await srv.stop();
  await assert.rejects(srv.db.exec("UPDATE audit SET actor = 'mallory';"), /append-only/);
  await assert.rejects(srv.db.exec('DELETE FROM audit;'), /append-only/);
  const ok = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(ok.code, 0, ok.stderr);
  const head = /^head: (\d+):([0-9a-f]{64})$/m.exec(ok.stdout);
  assert.ok(head, ok.stdout);
  const anchor = `${head[1]}:${head[2]}`;
  assert.equal((await ctlFor(srv.db, ['audit', 'verify', '--anchor', anchor])).code, 0);

  // Cut the newest entries and rewind the head: the chain alone looks intact.
  const db = await srv.db.clone();
  try {
    if (db.kind === 'sqlite') {
      await db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    } else {
      await db.exec('ALTER TABLE audit DISABLE TRIGGER ALL;');
    }
    const cut = Number(head[1]) - 2;
    await db.exec(`DELETE FROM audit WHERE seq > ${cut};`);
    await db.exec(`UPDATE audit_head SET seq = ${cut}, hash = (SELECT hash FROM audit WHERE seq = ${cut});`);
    const plain = await ctlFor(db, ['audit', 'verify']);
    assert.equal(plain.code, 0, 'without an anchor the cut is invisible');
    const anchored = await ctlFor(db, ['audit', 'verify', '--anchor', anchor]);
    assert.equal(anchored.code, 1);
    assert.match(anchored.stderr, new RegExp(`broken at entry ${cut + 1}:`));
  } finally {
    await db.drop();
  }
});
