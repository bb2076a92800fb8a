// API.md "Authentication" and contract.md session/lockout details.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUser, addUserWithToken, token, api, login, loginOk, nextStep, markStep, totp, totpStep,
  base32Encode, badCode, assertProblem, assertStatus, caseBody, caseIds,
} from './harness.mjs';

let srv;
let alice; // POLISEN-SYD member: logins, CSRF, logout
let bob; // wrong parts
let rk; // RK-SYD coordinator with a region

before(async () => {
  srv = await startServer();
  alice = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member', displayName: 'Alice Ärlig' });
  bob = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  rk = await addUser(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd', displayName: 'Rk Syd' });
});
after(async () => { if (srv) await srv.close(); });

test('TOTP helper matches RFC 6238 (SHA-1)', () => {
  const key = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
  assert.equal(totp(key, 59), '287082');
  assert.equal(totp(key, 1111111109), '081804');
  assert.equal(totp(key, 1111111111), '050471');
  assert.equal(totp(key, 1234567890), '005924');
});

test('user add --json gives an otpauth URI for the secret', () => {
  assert.match(alice.otpauth_uri, /^otpauth:\/\/totp\//);
  const u = new URL(alice.otpauth_uri);
  assert.equal(u.searchParams.get('secret').replace(/=+$/, '').toUpperCase(),
    alice.totp_secret.replace(/=+$/, '').toUpperCase());
  const alg = u.searchParams.get('algorithm');
  if (alg !== null) assert.equal(alg.toUpperCase(), 'SHA1');
  const digits = u.searchParams.get('digits');
  if (digits !== null) assert.equal(digits, '6');
  const period = u.searchParams.get('period');
  if (period !== null) assert.equal(period, '30');
});

let aliceSession;

test('login → 201 with user, csrf_token and an HttpOnly SameSite=Strict cookie', async () => {
  const r = await login(srv, alice);
  assertStatus(r, 201);
  assert.equal(r.json.user.username, alice.username);
  assert.equal(r.json.user.display_name, 'Alice Ärlig');
  assert.equal(r.json.user.role, 'member');
  assert.equal(r.json.user.organization.code, 'POLISEN-SYD');
  assert.equal(typeof r.json.csrf_token, 'string');
  assert.ok(r.json.csrf_token.length >= 16, 'csrf_token should be long and random');
  assert.ok(r.setCookie, 'Set-Cookie nmt_session missing');
  const a = r.setCookie.attributes;
  assert.ok(r.setCookie.value.length >= 16, 'session id should be long and random');
  assert.equal(a.httponly, true, `HttpOnly missing: ${r.setCookie.raw}`);
  assert.equal(String(a.samesite).toLowerCase(), 'strict', `SameSite=Strict missing: ${r.setCookie.raw}`);
  assert.equal(a.secure, undefined, `Secure must not be set over plain http: ${r.setCookie.raw}`);
  assert.equal(a.path, '/', `Path=/ expected: ${r.setCookie.raw}`);
  // The session secret is not in the body.
  assert.ok(!r.text.includes(r.setCookie.value), 'session id leaked into the body');
  aliceSession = r.session;
});

test('GET /me with the cookie', async () => {
  const r = await api(srv, 'GET', '/api/v1/me', { session: aliceSession });
  assertStatus(r, 200);
  assert.equal(r.json.username, alice.username);
  assert.equal(r.json.display_name, 'Alice Ärlig');
  assert.equal(r.json.role, 'member');
  assert.equal(r.json.organization.code, 'POLISEN-SYD');
  assert.equal(typeof r.json.organization.name, 'string');
  assert.ok(r.json.organization.name.length > 0);
  assert.ok('region' in r.json, 'region key missing in /me');
  assert.ok(!('password' in r.json) && !('totp_secret' in r.json), 'secrets in /me');
  // A reloaded page has only the cookie and recovers the token from /me (openapi.yaml).
  assert.equal(typeof r.json.csrf_token, 'string', `csrf_token missing in a cookie /me: ${r.text}`);
  assert.equal(r.json.csrf_token, aliceSession.csrf, 'the session\'s token, as login gave it');
  const cookieOnly = { cookie: aliceSession.cookie, csrf: null };
  const refused = await api(srv, 'POST', '/api/v1/cases',
    { session: cookieOnly, body: caseBody({ title: 'Utan token från me' }) });
  assertProblem(refused, 403, 'cookie write without the token');
  const w = await api(srv, 'POST', '/api/v1/cases',
    { session: cookieOnly, csrf: r.json.csrf_token, body: caseBody({ title: 'Via me' }) });
  assertStatus(w, 201, 'write with csrf_token from /me');
});

test('GET /me of a regional coordinator shows its region; bearer /me has no csrf_token', async () => {
  const s = await loginOk(srv, rk);
  const r = await api(srv, 'GET', '/api/v1/me', { session: s });
  assertStatus(r, 200);
  assert.equal(r.json.username, rk.username);
  assert.equal(r.json.role, 'coordinator');
  assert.equal(r.json.region, 'syd');
  assert.deepEqual(Object.keys(r.json.organization).sort().filter((k) => ['code', 'name'].includes(k)),
    ['code', 'name']);
  assert.equal(r.json.organization.code, 'RK-SYD');

  const b = await api(srv, 'GET', '/api/v1/me', { token: alice.token });
  assertStatus(b, 200);
  assert.equal(b.json.username, alice.username);
  assert.ok(!('csrf_token' in b.json), 'csrf_token must only be present for cookie sessions');
});

test('wrong password, wrong TOTP and unknown user give the same 401', async () => {
  const wrongPw = await login(srv, bob, { password: bob.password + 'x' });
  const step = await nextStep(srv, bob.username);
  const good = totpStep(bob.totp_secret, step);
  let bad = String((Number(good) + 1) % 1000000).padStart(6, '0');
  for (let s = step - 2; s <= step + 2; s++) if (totpStep(bob.totp_secret, s) === bad) bad = badCode(bob);
  const wrongTotp = await login(srv, bob, { totp: bad });
  const unknown = await login(srv, { username: 'nosuchuser' + Date.now(), password: bob.password,
    totp_secret: bob.totp_secret });
  for (const [name, r] of [['wrong password', wrongPw], ['wrong totp', wrongTotp], ['unknown user', unknown]]) {
    assertProblem(r, 401, name);
    assert.equal(r.setCookie, null, `${name}: no session cookie`);
  }
  assert.deepEqual(wrongTotp.json, wrongPw.json, 'wrong TOTP and wrong password must not differ');
  assert.deepEqual(unknown.json, wrongPw.json, 'unknown user and wrong password must not differ');
});

test('login without totp is refused (not 201)', async () => {
  const r = await login(srv, bob, { omitTotp: true });
  // openapi.yaml: a missing username/password/totp is a wrong part like any other: the same 401.
  assertProblem(r, 401, 'missing totp');
  assert.equal(r.setCookie, null);
  // A malformed body is not a login either.
  const r2 = await api(srv, 'POST', '/api/v1/session', { body: { username: bob.username } });
  assertProblem(r2, 401, 'username only');
});

test('after fewer than 5 failures the right credentials still work', async () => {
  // bob has had 3-4 failures above.
  const r = await login(srv, bob);
  assertStatus(r, 201, 'bob after a few failures');
});

test('a TOTP code is accepted only once', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  const step = await nextStep(srv, u.username);
  const first = await login(srv, u, { step });
  assertStatus(first, 201, 'first use');
  const again = await login(srv, u, { step });
  assertProblem(again, 401, 'replayed code');
  assert.equal(again.setCookie, null);
  // The body is the same as for any other failure.
  const wrong = await login(srv, u, { password: 'not-the-password' });
  assert.deepEqual(again.json, wrong.json);
});

test('a code used by concurrent logins logs in only once', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  const step = await nextStep(srv, u.username);
  const rs = await Promise.all([0, 1, 2, 3].map(() => login(srv, u, { step })));
  const statuses = rs.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 401, 401, 401], `concurrent logins with one code: ${statuses}`);
});

test('a code outside ±1 step is refused', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  const s0 = Math.floor(srv.now() / 30);
  const far = await login(srv, u, { totp: totpStep(u.totp_secret, s0 + 3) });
  assertProblem(far, 401, 'code 3 steps ahead');
  const old = await login(srv, u, { totp: totpStep(u.totp_secret, s0 - 3) });
  assertProblem(old, 401, 'code 3 steps old');
});

test('cookie writes need X-CSRF-Token; bearer writes do not', async () => {
  const before = await caseIds(srv, alice);
  const none = await api(srv, 'POST', '/api/v1/cases',
    { session: aliceSession, csrf: false, body: caseBody({ title: 'Utan token' }) });
  assertProblem(none, 403, 'no CSRF token');
  const wrong = await api(srv, 'POST', '/api/v1/cases',
    { session: aliceSession, csrf: 'x' + aliceSession.csrf.slice(1) + 'y', body: caseBody({ title: 'Fel token' }) });
  assertProblem(wrong, 403, 'wrong CSRF token');
  assert.deepEqual(await caseIds(srv, alice), before, 'refused writes created nothing');

  const ok = await api(srv, 'POST', '/api/v1/cases', { session: aliceSession, body: caseBody({ title: 'Med token' }) });
  assertStatus(ok, 201, 'correct CSRF token');

  // Another session's token does not fit this session.
  const other = await loginOk(srv, rk);
  const cross = await api(srv, 'POST', '/api/v1/cases',
    { session: aliceSession, csrf: other.csrf, body: caseBody({ title: 'Annans token' }) });
  assertProblem(cross, 403, "another session's CSRF token");

  // A PATCH through the cookie also needs it.
  const c = ok.json;
  const p = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { session: aliceSession, csrf: false, ifMatch: '"1"', body: { title: 'Ändrad' } });
  assertProblem(p, 403, 'PATCH without CSRF');

  const bearer = await api(srv, 'POST', '/api/v1/cases', { token: alice.token, body: caseBody({ title: 'Bearer' }) });
  assertStatus(bearer, 201, 'bearer write without CSRF');
  const bp = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { token: alice.token, ifMatch: '"1"', body: { title: 'Ändrad' } });
  assertStatus(bp, 200, 'bearer PATCH without CSRF');
});

test('DELETE /session → 204, then the cookie no longer works', async () => {
  const s = await loginOk(srv, alice);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session: s }), 200);
  const noCsrf = await api(srv, 'DELETE', '/api/v1/session', { session: s, csrf: false });
  assertProblem(noCsrf, 403, 'logout without CSRF');
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session: s }), 200, 'still logged in');
  const out = await api(srv, 'DELETE', '/api/v1/session', { session: s });
  assertStatus(out, 204);
  assertProblem(await api(srv, 'GET', '/api/v1/me', { session: s }), 401, 'after logout');
  assertProblem(await api(srv, 'GET', '/api/v1/cases', { session: s }), 401, 'after logout');
  // The other session of the same user is unaffected.
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session: aliceSession }), 200, 'other session');
});

test('5 failed logins lock the account (429), other accounts from the same client still log in', async () => {
  const dave = await addUser(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  const carol = await addUser(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  for (let i = 1; i <= 5; i++) {
    const r = await login(srv, dave, { password: `wrong-${i}`, totp: badCode(dave) });
    if (i === 1) assertProblem(r, 401, 'first failure');
    // The 5th failure sets the lock and still answers 401 (openapi.yaml); later ones 429.
    else assertProblem(r, 401, `failure ${i}`);
    assert.equal(r.setCookie, null);
  }
  const locked = await login(srv, dave);
  assertProblem(locked, 429, 'correct credentials on a locked account');
  assert.equal(locked.setCookie, null);
  const c = await login(srv, carol);
  assertStatus(c, 201, 'another account from the same client');
  // And an existing bearer token of another user keeps working.
  assertStatus(await api(srv, 'GET', '/api/v1/me', { token: alice.token }), 200);
});

test('codes one step before and after now are accepted', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  // Not at the end of a 30 s step (where "next" would be two steps away by the time it arrives).
  let now = srv.now();
  if (now % 30 > 25) now = srv.advanceClock(Math.ceil(30 - (now % 30)) + 1);
  const s0 = Math.floor(now / 30);
  assertStatus(await login(srv, u, { step: s0 - 1 }), 201, 'previous step');
  assertStatus(await login(srv, u, { step: s0 + 1 }), 201, 'next step');
});

test('wrong TOTP codes with the right password also lock the account', async () => {
  const u = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  for (let i = 1; i <= 5; i++) {
    const r = await login(srv, u, { totp: badCode(u) });
    assertProblem(r, 401, `wrong code ${i}`);
  }
  assertProblem(await login(srv, u), 429, 'right password and code after 5 wrong codes');
});

test('each login gets a new session; unknown fields in the login body are refused', async () => {
  const u = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  const a = await loginOk(srv, u);
  const b = await loginOk(srv, u);
  assert.notEqual(a.cookie, b.cookie);
  assert.notEqual(a.csrf, b.csrf);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session: a }), 200);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { session: b }), 200);
  const u2 = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  const step = await nextStep(srv, u2.username);
  const r = await api(srv, 'POST', '/api/v1/session', { body: {
    username: u2.username, password: u2.password, totp: totpStep(u2.totp_secret, step), remember_me: true } });
  markStep(srv, u2.username, step);
  // API.md: unknown fields in a request body are rejected (400).
  assertProblem(r, 400, 'unknown field in the login body');
});

test('an unknown username behaves like an account: same 401s, then the same 429', async () => {
  const ghost = { username: 'ghost' + Date.now(), password: 'x', totp_secret: alice.totp_secret };
  const real = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  const seq = async (u) => {
    const out = [];
    for (let i = 0; i < 6; i++) out.push((await login(srv, u, { password: 'wrong', totp: '000000' })).status);
    return out;
  };
  const a = await seq(real);
  const b = await seq(ghost);
  assert.equal(a[0], 401);
  assert.equal(a[5], 429, `known account: ${a}`);
  assert.deepEqual(b, a, 'an unknown username must not be told apart by the lockout');
});

test('an unknown username is not told apart by timing', async () => {
  const known = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  const ghost = { username: 'nobody' + Date.now(), password: 'x', totp_secret: alice.totp_secret };
  const ms = async (u) => {
    const t0 = process.hrtime.bigint();
    const r = await login(srv, u, { password: 'wrong-password', totp: badCode(known) });
    assert.equal(r.status, 401);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const k = [];
  const g = [];
  for (let i = 0; i < 3; i++) { k.push(await ms(known)); g.push(await ms(ghost)); }
  assert.ok(median(g) >= 0.25 * median(k),
    `unknown user answered in ${median(g).toFixed(1)} ms, known user in ${median(k).toFixed(1)} ms (password hash skipped?)`);
});

test('failures must be consecutive to lock: a success resets the count', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  for (let round = 1; round <= 2; round++) {
    for (let i = 0; i < 4; i++) {
      assertProblem(await login(srv, u, { password: 'wrong', totp: badCode(u) }), 401, `round ${round} failure ${i + 1}`);
    }
    assertStatus(await login(srv, u), 201, `round ${round}: success after 4 failures`);
  }
});

test('invalid credentials on requests → 401', async () => {
  assertProblem(await api(srv, 'GET', '/api/v1/cases'), 401, 'no credentials');
  assertProblem(await api(srv, 'GET', '/api/v1/me'), 401, '/me without credentials');
  assertProblem(await api(srv, 'GET', '/api/v1/cases', { token: 'not-a-token' }), 401, 'bad bearer');
  assertProblem(await api(srv, 'GET', '/api/v1/cases', { token: alice.token + 'x' }), 401, 'altered bearer');
  assertProblem(await api(srv, 'GET', '/api/v1/cases',
    { headers: { authorization: 'Basic ' + Buffer.from('a:b').toString('base64') } }), 401, 'basic auth');
  assertProblem(await api(srv, 'GET', '/api/v1/cases',
    { headers: { cookie: 'nmt_session=' + 'A'.repeat(43) } }), 401, 'forged cookie');
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { body: caseBody() }), 401, 'unauthenticated write');
});

test('two tokens for one user both work', async () => {
  const t2 = await token(srv, alice.username);
  assert.notEqual(t2, alice.token);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { token: t2 }), 200);
  assertStatus(await api(srv, 'GET', '/api/v1/me', { token: alice.token }), 200);
});

test('sessions expire: idle (NMT_SESSION_IDLE), kept alive by use, absolute (NMT_SESSION_MAX)', async () => {
  // The server's clock is moved instead of waiting; the limits are those of a real deployment's
  // order of magnitude (10 min idle, 1 h absolute), with wide margins around them.
  const s2 = await startServer({ env: { NMT_SESSION_IDLE: '600', NMT_SESSION_MAX: '3600' } });
  try {
    const u = await addUser(s2, { org: 'POLISEN-SYD', role: 'member' });
    const tk = await token(s2, u.username);
    const me = (session) => api(s2, 'GET', '/api/v1/me', { session });

    // Idle: alive after 500 s unused, gone after 700 s more.
    let session = await loginOk(s2, u);
    assertStatus(await me(session), 200, 'fresh session');
    s2.advanceClock(500);
    assertStatus(await me(session), 200, 'after 500 s idle');
    s2.advanceClock(700);
    assertProblem(await me(session), 401, 'after 700 s idle');
    // A bearer token is not a session: unaffected.
    assertStatus(await api(s2, 'GET', '/api/v1/me', { token: tk }), 200, 'bearer token');

    // Busy: used every 400 s for 2000 s (longer than the idle limit) it stays alive; then idle.
    session = await loginOk(s2, u);
    for (let i = 1; i <= 5; i++) {
      s2.advanceClock(400);
      assertStatus(await me(session), 200, `busy session at ${i * 400} s`);
    }
    s2.advanceClock(700);
    assertProblem(await me(session), 401, 'busy session after 700 s idle');

    // Absolute: used every 400 s, it still ends 3600 s after the login.
    session = await loginOk(s2, u);
    for (let i = 1; i <= 8; i++) {
      s2.advanceClock(400);
      assertStatus(await me(session), 200, `active at ${i * 400} s`);
    }
    s2.advanceClock(500);
    assertProblem(await me(session), 401, 'past NMT_SESSION_MAX (3700 s) despite activity');
  } finally {
    await s2.close();
  }
});

test('a lock lasts 15 minutes; failures count only within 15 minutes of each other', async () => {
  const s3 = await startServer();
  try {
    const fail = async (u, what) => assertProblem(await login(s3, u, { password: 'wrong', totp: badCode(u) }), 401, what);
    // Five failures lock the name for 900 s, from the fifth.
    const a = await addUser(s3, { org: 'POLISEN-SYD', role: 'member' });
    for (let i = 1; i <= 4; i++) await fail(a, `failure ${i}`);
    assert.ok([401, 429].includes((await login(s3, a, { password: 'wrong', totp: badCode(a) })).status));
    s3.advanceClock(800);
    assertProblem(await login(s3, a), 429, 'still locked after 800 s');
    s3.advanceClock(200);
    assertStatus(await login(s3, a), 201, 'unlocked after 1000 s');

    // Failures 800 s apart are within the window of each other: the fifth locks.
    const b = await addUser(s3, { org: 'POLISEN-SYD', role: 'member' });
    for (let i = 1; i <= 5; i++) {
      if (i > 1) s3.advanceClock(800);
      const r = await login(s3, b, { password: 'wrong', totp: badCode(b) });
      assert.ok(r.status === 401 || (i === 5 && r.status === 429), `spaced failure ${i}: ${r.status}`);
    }
    assertProblem(await login(s3, b), 429, 'five failures, each within 800 s of the last');

    // After a quiet spell longer than the window, earlier failures are forgotten.
    const c = await addUser(s3, { org: 'POLISEN-SYD', role: 'member' });
    for (let i = 1; i <= 4; i++) await fail(c, `failure ${i} before the pause`);
    s3.advanceClock(1000);
    await fail(c, 'failure after 1000 s quiet');
    assertStatus(await login(s3, c), 201, 'not locked: the earlier four are forgotten');
  } finally {
    await s3.close();
  }
});

/** A login as sent by the proxy for the client at ip (X-Real-IP, trusted from loopback). */
async function loginFrom(s, user, ip, { password, totp: code } = {}) {
  if (code === undefined) {
    const step = await nextStep(s, user.username);
    code = totpStep(user.totp_secret, step);
    markStep(s, user.username, step);
  }
  return api(s, 'POST', '/api/v1/session', {
    body: { username: user.username, password: password ?? user.password, totp: code },
    headers: { 'x-real-ip': ip },
  });
}

test('per client address: 50 failures, then one per 12 s; accounts are not locked by it', async () => {
  const s4 = await startServer();
  try {
    const ip = '203.0.113.7';
    const carol = await addUser(s4, { org: 'POLISEN-SYD', role: 'member' });
    // One unknown name: its 5th failure locks it, later tries are 429 for the name; all count
    // for the client.
    const ghost = { username: 'spray' + Date.now(), password: 'x', totp_secret: carol.totp_secret };
    for (let i = 1; i <= 50; i++) {
      const r = await loginFrom(s4, ghost, ip, { password: 'wrong', totp: '000000' });
      if (i <= 5) assertProblem(r, 401, `failure ${i}`);
      else {
        assertProblem(r, 429, `locked name, try ${i}`);
        assert.equal(r.headers.get('retry-after'), '900');
      }
    }
    // Past its rate the address is refused for any name, even with the right credentials.
    const limited = await loginFrom(s4, carol, ip);
    assertProblem(limited, 429, 'right credentials from a limited address');
    const wait = Number(limited.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 12, `Retry-After ${limited.headers.get('retry-after')}`);
    assert.equal(limited.headers.get('set-cookie'), null);
    // The account itself is not locked: from another address she logs in.
    assertStatus(await loginFrom(s4, carol, '198.51.100.20'), 201, 'the same account from elsewhere');
    // Once the address's rate allows, she logs in from it too.
    s4.advanceClock(wait);
    assertStatus(await loginFrom(s4, carol, ip), 201, 'after Retry-After');
    // Her TOTP steps may have moved the clock on: use up what the address earned meanwhile.
    const wrong = () => loginFrom(s4, { ...ghost, username: 'spray' + Math.random().toString(36).slice(2) }, ip,
      { password: 'wrong', totp: '000000' });
    let r;
    for (let i = 0; i < 10 && (r = await wrong()).status !== 429; i++) assertProblem(r, 401, 'earned meanwhile');
    assertProblem(r, 429, 'the address is limited again');
    // The rate is one failure per 12 s: after the wait one more is checked, the next refused.
    s4.advanceClock(Number(r.headers.get('retry-after')));
    assertProblem(await wrong(), 401, 'one failure allowed');
    const again = await wrong();
    assertProblem(again, 429, 'the failure after it');
    const next = Number(again.headers.get('retry-after'));
    assert.ok(next >= 11 && next <= 12, `Retry-After ${next} after one more failure`);
    // The refusals did not count against her name: 4 more failures still do not lock it.
    for (let i = 1; i <= 4; i++) {
      assertProblem(await loginFrom(s4, carol, `198.51.100.${30 + i}`, { password: 'wrong' }), 401, `failure ${i}`);
    }
    assertStatus(await loginFrom(s4, carol, '198.51.100.40'), 201, 'her name is not locked');
  } finally {
    await s4.close();
  }
});

test('throttle rows are purged once expired, at most 100 of each kind per login', async () => {
  const s5 = await startServer();
  const count = async (table) => Number((await s5.db.exec(`SELECT count(*) FROM ${table};`)).trim());
  const fail = async (ip) => assertProblem(await api(s5, 'POST', '/api/v1/session', {
    body: { username: 'gone' + Math.random().toString(36).slice(2), password: 'x', totp: '000000' },
    headers: { 'x-real-ip': ip },
  }), 401, `wrong login from ${ip}`);
  try {
    for (let i = 0; i < 3; i++) await fail('192.0.2.1');
    await fail('192.0.2.2');
    // Live rows stay: one per name, one per address.
    assert.equal(await count('login_throttle'), 4);
    assert.equal(await count('login_client'), 2);
    // 15 minutes and a second later every one of them has expired; the next login purges them.
    s5.advanceClock(901);
    await fail('192.0.2.3');
    assert.equal(await count('login_throttle'), 1, 'only the new name is left');
    assert.equal(await count('login_client'), 1, 'only the new address is left');
    // Bounded per login: 150 expired rows of each kind take two logins to go.
    await s5.db.exec("INSERT INTO login_throttle (name_hash, failures, last_failure_at) WITH RECURSIVE n(i) AS " +
      "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150) SELECT 'old' || i, 0, '2000-01-01T00:00:00Z' FROM n;");
    await s5.db.exec("INSERT INTO login_client (client_hash, free_at) WITH RECURSIVE n(i) AS " +
      "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150) SELECT 'old' || i, '2000-01-01T00:00:00Z' FROM n;");
    await fail('192.0.2.4');
    assert.equal(await count('login_throttle'), 1 + 150 - 100 + 1);
    assert.equal(await count('login_client'), 1 + 150 - 100 + 1);
    await fail('192.0.2.5');
    assert.equal(await count('login_throttle'), 3, 'the rest went with the next login');
    assert.equal(await count('login_client'), 3, 'the rest went with the next login');
  } finally {
    await s5.close();
  }
});

test('per client address: an IPv6 client counts by its /64', async () => {
  const s6 = await startServer();
  try {
    const dora = await addUser(s6, { org: 'POLISEN-SYD', role: 'member' });
    const ghost = { username: 'v6spray' + Date.now(), password: 'x', totp_secret: dora.totp_secret };
    // 50 failures spread over addresses of one /64 (the name locks after 5; all count).
    for (let i = 1; i <= 50; i++) {
      const r = await loginFrom(s6, ghost, `2001:db8:1:2::${i.toString(16)}`, { password: 'wrong', totp: '000000' });
      assert.equal(r.status, i <= 5 ? 401 : 429, `failure ${i}`);
    }
    const same = await loginFrom(s6, dora, '2001:db8:1:2:ffff:ffff:ffff:ffff');
    assertProblem(same, 429, 'another address of the same /64');
    assert.notEqual(same.headers.get('retry-after'), '900');
    assertStatus(await loginFrom(s6, dora, '2001:db8:1:3::1'), 201, 'the next /64');
  } finally {
    await s6.close();
  }
});
