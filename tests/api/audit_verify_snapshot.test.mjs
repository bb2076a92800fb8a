// `nmtctl audit verify` reads the chain's head, its base and its entries in one snapshot
// (docs/OPERATIONS.md "Audit verification"): a retention prune that commits while a verify is
// half-way through a long chain does not make it report entries missing. The test build's
// NMT_TEST_VERIFY_PAUSE holds the verify after its first batch of 1 000 entries while the prune
// runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  createDatabase, ctlFor, startServer, addUserWithToken, createCase, api, assertStatus, setDatabaseClock,
} from './harness.mjs';

const YEAR = 365.25 * 24 * 3600 * 1000;
let db;
let cpKey;
let cpFile;
let pubFile;
const ctl = (args, env = {}) => ctlFor(db, args, { env: { NMT_CHECKPOINT_KEY: cpKey, ...env } });
const cpArgs = () => ['--checkpoints', cpFile, '--public-key', pubFile];

async function serve(work) {
  const srv = await startServer({ db, init: false,
    env: { NMT_CHECKPOINT_KEY: cpKey, NMT_CHECKPOINT_FILE: cpFile, NMT_CHECKPOINT_EVERY: '3600' } });
  try {
    await work(srv);
  } finally {
    await srv.stop();
  }
}

/** Resolves when file exists (fs.watch on its folder; the wait is bounded). */
function appears(file, ms = 60000) {
  return new Promise((resolve, reject) => {
    const w = fs.watch(path.dirname(file), () => { if (fs.existsSync(file)) done(); });
    const timer = setTimeout(() => { w.close(); reject(new Error(`${file} did not appear`)); }, ms);
    function done() { clearTimeout(timer); w.close(); resolve(); }
    if (fs.existsSync(file)) done();
  });
}

before(async () => {
  db = await createDatabase();
  cpKey = path.join(db.dir, 'checkpoint.key');
  cpFile = path.join(db.dir, 'checkpoints.log');
  pubFile = path.join(db.dir, 'checkpoint.pub');
  assert.equal((await ctlFor(db, ['init'])).code, 0);
  const k = await ctl(['audit', 'checkpoint-key']);
  assert.equal(k.code, 0, k.stderr);
  fs.writeFileSync(pubFile, k.stdout);
  // Eleven years ago: more than a thousand entries (case reads), closed by a checkpoint at the stop.
  setDatabaseClock(db, new Date(Date.now() - 11 * YEAR));
  await serve(async (srv) => {
    const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
    const c = await createCase(srv, u);
    for (let i = 0; i < 60; i++) {
      const reads = await Promise.all(Array.from({ length: 20 },
        () => api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u })));
      for (const r of reads) assertStatus(r, 200);
    }
  });
  // Today: a little more, and its checkpoint.
  setDatabaseClock(db, new Date());
  await serve(async (srv) => {
    const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
    await createCase(srv, u);
  });
});

after(async () => { await db?.drop(); });

test('a prune that commits while verify is half-way leaves the verify intact', async () => {
  const whole = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(whole.code, 0, whole.stderr);
  const count = Number(/^audit chain intact: (\d+) entries$/m.exec(whole.stdout)[1]);
  assert.ok(count > 1200, `a chain longer than one batch and its prune: ${count}`);

  const pause = path.join(db.dir, 'verify-go');
  const verifying = ctl(['audit', 'verify', ...cpArgs()], { NMT_TEST_VERIFY_PAUSE: pause });
  await appears(`${pause}.paused`);
  const prune = await ctl(['retention', 'run', ...cpArgs()]);
  assert.equal(prune.code, 0, prune.stderr);
  const pruned = Number(/^done: .*, (\d+) audit entries pruned$/m.exec(prune.stdout)[1]);
  assert.ok(pruned > 1000, `the prune removes entries the paused verify has not read yet: ${pruned}`);
  fs.writeFileSync(pause, '');
  const v = await verifying;
  assert.equal(v.code, 0, `verify saw the prune half-way:\n${v.stderr}`);
  assert.match(v.stdout, new RegExp(`^audit chain intact: ${count} entries$`, 'm'), 'the chain as it was when it began');

  const after = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(after.stdout, /^pruned by retention: entries 1-\d+; verified from the signed checkpoint/m);
});
