// Sessions, TOTP, lockout and revocation across two nmtd over one PostgreSQL database (issue 14,
// item 4): nothing about who is logged in lives in one instance, so what A decides B knows at
// once, with no stickiness in front of them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addUser, addUserWithToken, api, assertProblem, assertStatus, badCode, caseBody, login, totpStep,
} from '../api/harness.mjs';
import { clusterLoginOk, startCluster } from './cluster.mjs';

let cl;

// Sessions end after IDLE seconds without use (NMT_SESSION_IDLE; the last use is written at most
// every IDLE / 2 seconds): short enough to cross with the test clock, long enough for every test.
const IDLE = 600;

before(async () => { cl = await startCluster({ env: { NMT_SESSION_IDLE: String(IDLE) } }); });
after(async () => { if (cl) await cl.stop(); });

const me = (srv, session) => api(srv, 'GET', '/api/v1/me', { session });

test('a session made on A works on B and through nginx, its CSRF token too', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const s = await clusterLoginOk(cl, cl.a, u);
  for (const srv of [cl.b, cl.nginx]) {
    const r = await me(srv, s);
    assertStatus(r, 200);
    assert.equal(r.json.username, u.username);
  }
  const c = await api(cl.b, 'POST', '/api/v1/cases', { session: s, body: caseBody() });
  assertStatus(c, 201, 'a cookie write on B with the CSRF token from A');
  assertProblem(await api(cl.b, 'POST', '/api/v1/cases', { session: s, csrf: false, body: caseBody() }), 403,
    'without the token');
});

test('logout on A ends the session on B and through nginx at once', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const s = await clusterLoginOk(cl, cl.a, u);
  assertStatus(await me(cl.b, s), 200, 'alive on B first');
  assertStatus(await api(cl.a, 'DELETE', '/api/v1/session', { session: s }), 204);
  assertProblem(await me(cl.b, s), 401, 'the very next request on B');
  assertProblem(await me(cl.nginx, s), 401, 'through nginx');
  assertProblem(await me(cl.a, s), 401, 'and on A');
});

test('use on B keeps a session from A alive; idle on both, it ends on both', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const s = await clusterLoginOk(cl, cl.a, u);
  cl.a.advanceClock(IDLE - 100);
  assertStatus(await me(cl.b, s), 200, 'used on B before the idle limit');
  cl.a.advanceClock(IDLE - 100);
  // 2 × IDLE - 200 s after the login, IDLE - 100 s after the use on B.
  assertStatus(await me(cl.a, s), 200, 'A counts the use on B');
  cl.a.advanceClock(IDLE + 1);
  assertProblem(await me(cl.b, s), 401, 'idle past the limit: ended on B');
  assertProblem(await me(cl.a, s), 401, 'and on A');
});

test('a TOTP code that logged in on A is refused on B (replay)', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const first = await cl.login(cl.a, u);
  assertStatus(first, 201);
  const again = await login(cl.b, u, { step: first.step });
  assertProblem(again, 401, 'the same code on B');
  const viaNginx = await login(cl.nginx, u, { step: first.step });
  assertProblem(viaNginx, 401, 'the same code through nginx');
  // The account itself is fine: a fresh code logs in on B.
  assertStatus(await cl.login(cl.b, u), 201, 'a new code on B');
});

test('one TOTP code sent to A and B at the same moment logs in exactly once', async () => {
  for (let round = 0; round < 5; round++) {
    const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
    const step = Math.floor(cl.a.now() / 30);
    const totp = totpStep(u.totp_secret, step);
    const [ra, rb] = await Promise.all([login(cl.a, u, { totp }), login(cl.b, u, { totp })]);
    const ok = [ra, rb].filter((r) => r.status === 201);
    assert.equal(ok.length, 1, `round ${round}: one login (A ${ra.status}, B ${rb.status})`);
    assertProblem(ra.status === 201 ? rb : ra, 401, `round ${round}: the replay`);
  }
});

test('failed logins spread over A and B lock the account on both', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  // Five failures (the limit), alternating: no instance alone has seen five.
  const order = [cl.a, cl.b, cl.a, cl.b, cl.a];
  for (const [i, srv] of order.entries()) {
    assertProblem(await login(srv, u, { totp: badCode(u) }), 401, `failure ${i + 1}`);
  }
  // Right password and code now: locked everywhere.
  for (const srv of [cl.b, cl.a, cl.nginx]) {
    const r = await cl.login(srv, u);
    assertProblem(r, 429, `locked on ${srv.base}`);
    assert.equal(r.headers.get('retry-after'), '900');
  }
});

test('failed logins sent to A and B at once are all counted', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const code = badCode(u);
  const rs = await Promise.all([cl.a, cl.b, cl.a, cl.b, cl.a].map((srv) => login(srv, u, { totp: code })));
  for (const r of rs) assertProblem(r, 401);
  const r = await cl.login(cl.b, u);
  assertProblem(r, 429, 'the fifth concurrent failure locked the account');
});

test('fewer failures than the limit, spread over A and B, lock nothing', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  for (const srv of [cl.a, cl.b, cl.a, cl.b]) assertProblem(await login(srv, u, { totp: badCode(u) }), 401);
  assertStatus(await cl.login(cl.b, u), 201, 'four failures are below the limit');
});

test('a revoked token is refused on A, B and through nginx at once', async () => {
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  for (const srv of cl.all) assertStatus(await api(srv, 'GET', '/api/v1/me', { auth: u }), 200);
  const r = await cl.b.ctl(['token', 'revoke', '--username', u.username]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /revoked 1 token/);
  for (const srv of cl.all) assertProblem(await api(srv, 'GET', '/api/v1/me', { auth: u }), 401, srv.base);
});

test('a disabled user is refused on A, B and through nginx at once: sessions and tokens', async () => {
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const sa = await clusterLoginOk(cl, cl.a, u);
  const sb = await clusterLoginOk(cl, cl.b, u);
  for (const srv of cl.all) {
    assertStatus(await me(srv, sa), 200);
    assertStatus(await me(srv, sb), 200);
  }
  const r = await cl.a.ctl(['user', 'disable', '--username', u.username]);
  assert.equal(r.code, 0, r.stderr);
  for (const srv of cl.all) {
    assertProblem(await me(srv, sa), 401, `session from A on ${srv.base}`);
    assertProblem(await me(srv, sb), 401, `session from B on ${srv.base}`);
    assertProblem(await api(srv, 'GET', '/api/v1/me', { auth: u }), 401, `token on ${srv.base}`);
  }
  assertProblem(await cl.login(cl.b, u), 401, 'no new login either');
});
