// Writes that arrive together commit together (SQLite: one transaction and one fsync for the
// batch, each write in its own savepoint; PostgreSQL: its own commits). A write that fails
// inside a batch is rolled back alone: the others keep their changes, their numbers and their
// audit entries, and the failed one leaves nothing behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  startServer, addUserWithToken, api, assertStatus, createCase, ctlFor, listAll, DB_KIND,
} from './harness.mjs';

let srv;
const cleanup = [];
after(async () => {
  if (srv) await srv.close();
  for (const f of cleanup) await f();
});

/** The value of an unlabelled gauge in GET /metrics (null when the family is not there). */
async function gauge(s, name) {
  const r = await api(s, 'GET', '/metrics');
  assertStatus(r, 200, 'GET /metrics');
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(r.text);
  return m ? Number(m[1]) : null;
}

/**
 * SQLite's write lock, held by another process until release() (or the test fails at once when
 * sqlite3 cannot take it, instead of waiting for a line that never comes).
 */
async function holdWriteLock(s) {
  const holder = spawn('sqlite3', [s.db.file], { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanup.push(() => { if (holder.exitCode === null) holder.kill(); });
  holder.stdout.setEncoding('utf8');
  holder.stdin.write(".timeout 5000\nBEGIN IMMEDIATE; SELECT 'held';\n");
  const first = await Promise.race([
    once(holder.stdout, 'data').then(([d]) => d.trim()),
    once(holder, 'exit').then(([code]) => `sqlite3 exited (${code})`),
  ]);
  assert.equal(first, 'held');
  return {
    async release() {
      if (holder.exitCode !== null) return;
      holder.stdin.end('COMMIT;\n');
      await once(holder, 'exit');
    },
  };
}

/** Polls the gauge until it reads want (each poll is a request answered); its last value. */
async function gaugeReaches(s, name, want) {
  const deadline = Date.now() + 4000;
  let v = await gauge(s, name);
  while (v !== want && Date.now() < deadline) v = await gauge(s, name);
  return v;
}

const waitingCase = (i) => ({ title: `Väntar ${i}`, summary: 'skrivlåset är taget', county: '12',
  exploitation: ['sexual'] });

test('writes waiting for their commit hold no server thread (SQLite: one thread, the write lock held elsewhere)',
  { skip: DB_KIND !== 'sqlite' && 'the write pool runs on SQLite' }, async () => {
    const s = await startServer({ args: ['--threads', '1'] });
    cleanup.push(() => s.close());
    const u = await addUserWithToken(s, { org: 'POLISEN-SYD', role: 'member' });
    assert.equal(await gauge(s, 'nmt_write_pool_jobs'), 0);

    const lock = await holdWriteLock(s);
    const writes = [1, 2].map((i) => api(s, 'POST', '/api/v1/cases', { auth: u, body: waitingCase(i) }));
    let jobs;
    try {
      // The one server thread answers while both writes wait in the pool for the lock.
      jobs = await gaugeReaches(s, 'nmt_write_pool_jobs', 2);
      assertStatus(await api(s, 'GET', '/healthz'), 200);
    } finally {
      await lock.release();
    }
    const done = await Promise.all(writes);
    assert.equal(jobs, 2, 'two writes waiting at once, with one server thread');
    for (const r of done) assertStatus(r, 201);
    assert.deepEqual(done.map((r) => r.json.title).sort(), ['Väntar 1', 'Väntar 2']);
    // A write leaves the count before its answer is sent.
    assert.equal(await gauge(s, 'nmt_write_pool_jobs'), 0);
  });

test('a write whose client left while it waited still commits, and is logged and counted',
  { skip: DB_KIND !== 'sqlite' && 'the write pool runs on SQLite' }, async () => {
    const s = await startServer({ args: ['--threads', '1'] });
    cleanup.push(() => s.close());
    const u = await addUserWithToken(s, { org: 'POLISEN-SYD', role: 'member' });
    const lock = await holdWriteLock(s);
    const gone = new AbortController();
    const write = fetch(`${s.base}/api/v1/cases`, { method: 'POST', signal: gone.signal,
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(waitingCase('utan mottagare')) });
    try {
      assert.equal(await gaugeReaches(s, 'nmt_write_pool_jobs', 1), 1, 'the write waits in the pool');
      gone.abort(); // the client closes its connection
      await assert.rejects(write, { name: 'AbortError' });
    } finally {
      await lock.release();
    }
    assert.equal(await gaugeReaches(s, 'nmt_write_pool_jobs', 0), 0);
    const list = await api(s, 'GET', '/api/v1/cases?q=mottagare', { auth: u });
    assertStatus(list, 200);
    assert.deepEqual(list.json.items.map((c) => c.title), ['Väntar utan mottagare']);
    // Its access line and its count, like every answered request's.
    const deadline = Date.now() + 4000;
    while (!/ request POST \/api\/v1\/cases 201 /.test(s.stderr()) && Date.now() < deadline) {
      assertStatus(await api(s, 'GET', '/healthz'), 200);
    }
    assert.match(s.stderr(), / request POST \/api\/v1\/cases 201 /);
    const m = await api(s, 'GET', '/metrics');
    assert.match(m.text, /^nmt_http_requests_total\{[^}]*method="POST"[^}]*code="201"[^}]*\} 1$/m);
  });

test('a read whose client left while its audit entry waited is in the audit log, logged and counted',
  { skip: DB_KIND !== 'sqlite' && 'the write lock is held from a sqlite3 process' }, async () => {
    const s = await startServer({ args: ['--threads', '1'] });
    cleanup.push(() => s.close());
    const u = await addUserWithToken(s, { org: 'POLISEN-SYD', role: 'member' });
    const auditor = await addUserWithToken(s, { org: 'NMT', role: 'auditor' });
    const c = await createCase(s, u, { title: 'Läst utan mottagare' });
    const lock = await holdWriteLock(s);
    const gone = new AbortController();
    const read = fetch(`${s.base}/api/v1/cases/${c.id}`, { signal: gone.signal,
      headers: { authorization: `Bearer ${u.token}` } });
    try {
      assert.equal(await gaugeReaches(s, 'nmt_audit_queue_entries', 1), 1,
        'the answer waits for its audit entry');
      gone.abort(); // the client closes its connection
      await assert.rejects(read, { name: 'AbortError' });
    } finally {
      await lock.release();
    }
    assert.equal(await gaugeReaches(s, 'nmt_audit_queue_entries', 0), 0);
    const reads = await listAll(s, `/api/v1/audit?action=case.read&case_id=${c.id}`, { auth: auditor });
    assert.deepEqual(reads.map((e) => e.actor), [u.username], 'the read is in the audit log');
    // Its access line and its count, as the read would have answered: 200.
    const line = / request GET \/api\/v1\/cases\/\{id\} 200 /;
    const deadline = Date.now() + 4000;
    while (!line.test(s.stderr()) && Date.now() < deadline) {
      assertStatus(await api(s, 'GET', '/healthz'), 200);
    }
    assert.match(s.stderr(), line);
    const m = await api(s, 'GET', '/metrics');
    assert.match(m.text,
      /^nmt_http_requests_total\{route="\/api\/v1\/cases\/\{id\}",method="GET",code="200"[^}]*\} 1$/m);
  });

test('a burst of mixed writes: the failing ones change nothing, the others all commit', async () => {
  srv = await startServer();
  const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const open = await createCase(srv, u, { title: 'Öppet ärende' });
  const closed = await createCase(srv, u, { title: 'Avslutat ärende' });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${closed.id}`,
    { auth: u, ifMatch: '"1"', body: { status: 'closed', closing_reason: 'no_indication' } }), 200);

  const creates = Array.from({ length: 16 }, (_, i) =>
    api(srv, 'POST', '/api/v1/cases', { auth: u, body: {
      title: `Skur ${i}`, summary: 'samtidigt', county: '12', exploitation: ['sexual'] } }));
  // The same version sixteen times: one change wins, the rest find it changed.
  const patches = Array.from({ length: 16 }, (_, i) =>
    api(srv, 'PATCH', `/api/v1/cases/${open.id}`,
      { auth: u, ifMatch: '"1"', body: { summary: `ändring ${i}` } }));
  // Notes on a closed case are refused inside the transaction.
  const notes = Array.from({ length: 8 }, (_, i) =>
    api(srv, 'POST', `/api/v1/cases/${closed.id}/journal`,
      { auth: u, body: { kind: 'note', text: `anteckning ${i}` } }));
  const [c, p, n] = await Promise.all([Promise.all(creates), Promise.all(patches), Promise.all(notes)]);

  for (const r of c) assertStatus(r, 201);
  const numbers = new Set(c.map((r) => r.json.number));
  assert.equal(numbers.size, 16, 'sixteen distinct case numbers');
  assert.deepEqual(p.map((r) => r.status).sort(), [200, ...Array(15).fill(412)]);
  for (const r of n) assertStatus(r, 409);

  const winner = p.find((r) => r.status === 200).json.summary;
  const now = await api(srv, 'GET', `/api/v1/cases/${open.id}`, { auth: u });
  assertStatus(now, 200);
  assert.equal(now.json.version, 2);
  assert.equal(now.json.summary, winner);
  assert.deepEqual(await listAll(srv, `/api/v1/cases/${closed.id}/journal`, { auth: u }), []);
  for (const r of c) {
    const g = await api(srv, 'GET', `/api/v1/cases/${r.json.id}`, { auth: u });
    assertStatus(g, 200, r.json.number);
    assert.equal(g.json.title, r.json.title);
  }

  // One audit entry per committed write, none for the refused ones' changes.
  const created = await listAll(srv, '/api/v1/audit?action=case.create', { auth: auditor });
  assert.equal(created.length, 18, '16 + the two cases made first');
  const updated = await listAll(srv, `/api/v1/audit?action=case.update&case_id=${open.id}`, { auth: auditor });
  assert.equal(updated.length, 1);
  await srv.stop();
  const v = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(v.code, 0, v.stderr);
});
