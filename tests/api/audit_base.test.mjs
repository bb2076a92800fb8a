// The audit chain's base after a retention prune (docs/OPERATIONS.md "Retention (gallring)"):
// `nmtctl audit verify` starts from audit_base only when the chain itself records the prune
// that made it (a `retention.prune` entry naming `audit:FIRST-BASE`, written in the prune's
// own transaction and chained with the audit key). Someone with the database but not the key
// who removes recent entries down to any signed checkpoint and writes a matching base is found.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  createDatabase, ctlFor, startServer, addUserWithToken, createCase,
} from './harness.mjs';

let db;
let cpKey;
let cpFile;
let pubFile;
const ctl = (args) => ctlFor(db, args, { env: { NMT_CHECKPOINT_KEY: cpKey } });
const cpArgs = () => ['--checkpoints', cpFile, '--public-key', pubFile];

async function serve(work) {
  const srv = await startServer({ db, init: false,
    env: { NMT_CHECKPOINT_KEY: cpKey, NMT_CHECKPOINT_FILE: cpFile, NMT_CHECKPOINT_EVERY: '3600' } });
  await work(srv);
  await srv.stop();
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
  await serve(async (srv) => {
    const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
    await createCase(srv, u);
  });
  await serve(async (srv) => {
    const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
    await createCase(srv, u);
  });
});

after(async () => { await db?.drop(); });

test('recent entries removed down to a signed checkpoint, with a base written to match: verify fails', async () => {
  const ok = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(ok.code, 0, ok.stderr);
  // The newest checkpoint below the head: entries of today, far inside any retention period.
  const head = Number(/^head: (\d+):/m.exec(ok.stdout)[1]);
  const lines = fs.readFileSync(cpFile, 'utf8').trim().split('\n');
  const line = lines.filter((l) => Number(/ seq=(\d+) /.exec(l)[1]) < head).at(-1);
  const seq = Number(/ seq=(\d+) /.exec(line)[1]);
  const hash = / hash=([0-9a-f]{64}) /.exec(line)[1];
  assert.ok(seq > 1, line);
  await db.exec(`BEGIN; INSERT INTO retention_permit (scope, upto) VALUES ('audit', ${seq}); `
    + `DELETE FROM audit WHERE seq <= ${seq}; DELETE FROM retention_permit; `
    + `INSERT INTO audit_base (id, seq, hash, checkpoint, pruned_at) VALUES (1, ${seq}, '${hash}', '${line}', `
    + "'2026-01-01T00:00:00Z'); COMMIT;");
  const v = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(v.code, 1, `verify passed a chain pruned outside retention:\n${v.stdout}`);
  assert.match(v.stderr, new RegExp(`audit chain broken at entry ${seq + 1}`));
});
