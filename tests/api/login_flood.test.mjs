// Logins that cannot stall the service (SECURITY.md "Login throttling"): passwords are checked on
// two hashing threads behind a queue of 8; a request waiting for its check is suspended, so its
// worker thread serves others; a login that does not fit in the queue answers 429 at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, addUserWithToken, api, assertProblem, assertStatus } from './harness.mjs';

const QUEUE_MAX = 8; // PASSWORD_QUEUE_MAX (src/crypto/password.h)

let srv;
let holdFile;
let watcher; // a user whose bearer token reads /me during the floods

before(async () => {
  // NMT_TEST_HASH_HOLD (test-clock builds only): while the file exists, the hashing threads start
  // no new check, so the queue can be filled on purpose.
  holdFile = path.join(fs.mkdtempSync('/tmp/nmt-hold-'), 'hold');
  srv = await startServer({ env: { NMT_TEST_HASH_HOLD: holdFile } });
  watcher = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});
after(async () => {
  if (srv) await srv.close();
  fs.rmSync(path.dirname(holdFile), { recursive: true, force: true });
});

const wrongLogin = (ip) => api(srv, 'POST', '/api/v1/session', {
  body: { username: 'flood' + randomBytes(6).toString('hex'), password: 'wrong-password', totp: '000000' },
  headers: { 'x-real-ip': ip },
});

/** Polls cond() every 10 ms until it holds; fails after ms. */
async function until(cond, ms, what) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The promise's value; fails (instead of hanging) when it has not settled within ms. */
async function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

test('a full password queue answers 429 at once; waiting logins hold no worker thread', async () => {
  fs.writeFileSync(holdFile, '');
  const extra = 4;
  const settled = [];
  const refused = [];
  const all = [];
  for (let i = 0; i < QUEUE_MAX + extra; i++) {
    const p = wrongLogin(`192.0.2.${10 + i}`);
    all.push(p);
    p.then((r) => settled.push(r), (e) => settled.push(e));
  }
  try {
    // The checks are held: exactly the ones that found the queue full are answered.
    await until(() => settled.length >= extra, 20000, `${extra} refused logins`);
    for (const r of settled) {
      assertProblem(r, 429, 'login that found the queue full');
      assert.equal(r.headers.get('retry-after'), '1', 'Retry-After of a full queue');
    }
    // 8 logins are waiting for their checks (as many as nmtd has worker threads); others are
    // answered meanwhile, by those same threads.
    for (let i = 0; i < 3; i++) {
      assertStatus(await within(api(srv, 'GET', '/healthz'), 10000, 'healthz while logins wait'), 200);
      assertStatus(await within(api(srv, 'GET', '/api/v1/me', { token: watcher.token }), 10000,
        '/me while logins wait'), 200);
    }
    assert.equal(settled.length, extra, 'the queued logins are still waiting for their checks');
    refused.push(...settled);
  } finally {
    fs.rmSync(holdFile, { force: true });
  }
  const rs = await Promise.all(all);
  const queued = rs.filter((r) => !refused.includes(r));
  assert.equal(queued.length, QUEUE_MAX);
  for (const r of queued) assertProblem(r, 401, 'a queued wrong login, once checked');
});

test('16 clients flooding wrong logins: healthz and /me go on being answered', async () => {
  const clients = 16;
  const perClient = 6; // under the per-client limit: every one of them costs a password check
  let flooding = true;
  const flood = (async () => {
    try {
      return await Promise.all(Array.from({ length: clients }, async (_, c) => {
        const out = [];
        for (let i = 0; i < perClient; i++) out.push(await wrongLogin(`198.51.100.${c + 1}`));
        return out;
      }));
    } finally {
      flooding = false;
    }
  })();
  const probes = [];
  while (flooding) {
    const h = await api(srv, 'GET', '/healthz');
    const m = await api(srv, 'GET', '/api/v1/me', { token: watcher.token });
    probes.push({ h: h.status, m: m.status, during: flooding });
  }
  const answers = (await flood).flat();
  assert.equal(answers.length, clients * perClient);
  let refused = 0;
  for (const r of answers) {
    if (r.status === 429) {
      refused += 1;
      assert.equal(r.headers.get('retry-after'), '1', 'only the full queue refuses in this flood');
    } else {
      assertProblem(r, 401, 'a wrong login during the flood');
    }
  }
  const during = probes.filter((p) => p.during);
  assert.ok(during.length >= 5, `only ${during.length} probe rounds completed while the flood ran`);
  for (const p of probes) {
    assert.equal(p.h, 200, 'GET /healthz during the flood');
    assert.equal(p.m, 200, 'GET /api/v1/me during the flood');
  }
  // Figures for the record (bench/login_flood measures latency).
  console.log(`# flood: ${answers.length} logins (${refused} refused by the full queue), ` +
    `${during.length} probe rounds answered during it`);
});
