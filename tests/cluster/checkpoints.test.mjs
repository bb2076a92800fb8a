// Signed audit checkpoints with two nmtd (issue 14, item 4): both instances sign the one chain
// head with the same checkpoint key into the same file, as two units sharing /etc/nmt/nmtd.env
// do, and `nmtctl audit verify --checkpoints` accepts the file and the chain written by both.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUserWithToken, api, assertStatus, caseBody, ctlFor } from '../api/harness.mjs';
import { startCluster } from './cluster.mjs';

const LINE = /^nmt-checkpoint v1 seq=(\d+) hash=([0-9a-f]{64}) at=\S+ key=[0-9a-f]{16} sig=[0-9a-f]{128}$/;

let cl;
let keyFile;
let cpFile;
let pub;

before(async () => {
  cl = await startCluster({
    async prepare(db) {
      keyFile = path.join(db.dir, 'checkpoint.key');
      cpFile = path.join(db.dir, 'checkpoints.log');
      const r = await ctlFor(db, ['--checkpoint-key', keyFile, 'audit', 'checkpoint-key']);
      assert.equal(r.code, 0, r.stderr);
      pub = r.stdout.trim().split('\n').pop();
      return { NMT_CHECKPOINT_KEY: keyFile, NMT_CHECKPOINT_FILE: cpFile };
    },
  });
});
after(async () => { if (cl) await cl.stop(); });

test('two instances checkpoint one chain into one file, and verify accepts both', async () => {
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  await Promise.all([cl.a, cl.b, cl.nginx].map(async (srv) => {
    for (let i = 0; i < 10; i++) {
      assertStatus(await api(srv, 'POST', '/api/v1/cases', { auth: u, body: caseBody() }), 201);
    }
  }));
  // Stopping writes each instance's final checkpoint: the head both last saw.
  await cl.nginx.stop();
  await cl.b.stop();
  await cl.a.stop();
  const lines = fs.readFileSync(cpFile, 'utf8').split('\n').filter(Boolean);
  const parsed = lines.map((l) => LINE.exec(l));
  assert.ok(parsed.every(Boolean), `every line whole: ${lines.join('\n')}`);
  // Two at start, two at stop at least.
  assert.ok(lines.length >= 4, `${lines.length} checkpoints`);
  const head = (await cl.db.exec('SELECT seq, hash FROM audit_head')).trim().split('|');
  const last = parsed.map((m) => ({ seq: m[1], hash: m[2] })).sort((x, y) => Number(y.seq) - Number(x.seq))[0];
  assert.deepEqual(last, { seq: head[0], hash: head[1] }, 'the newest checkpoint is the final head');

  const v = await ctlFor(cl.db, ['audit', 'verify', '--checkpoints', cpFile, '--public-key', pub]);
  assert.equal(v.code, 0, `verify: ${v.stderr}${v.stdout}`);
  assert.match(v.stdout, new RegExp(`checkpoints: ${lines.length} verified, the newest at entry ${head[0]} `));
});
