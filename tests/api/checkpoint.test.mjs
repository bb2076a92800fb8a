// Signed audit checkpoints: nmtctl audit checkpoint-key makes the Ed25519 key and prints its public
// key; nmtd writes the signed chain head to its log and to the checkpoint file at start, when due
// (test clock) and at stop; nmtctl audit verify --checkpoints checks every line's signature and that
// the chain at its seq has its hash — so a chain rewritten with the audit key (tests/unit's
// audit_rechain tool) verifies alone but not against the checkpoints.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  BUILD_DIR, createDatabase, ctlFor, run, sleep, startServer, addUserWithToken, createCase, api,
  assertStatus,
} from './harness.mjs';

const RECHAIN = path.join(BUILD_DIR, 'tests', 'unit', 'audit_rechain');
const LINE = /^nmt-checkpoint v1 seq=(\d+) hash=([0-9a-f]{64}) at=(\S+) key=([0-9a-f]{16}) sig=([0-9a-f]{128})$/;

let db;
let srv;
let keyFile;
let cpFile;
let pubFile;
let pub;

/** The checkpoint file's lines, parsed. */
function checkpoints() {
  if (!fs.existsSync(cpFile)) return [];
  return fs.readFileSync(cpFile, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const m = LINE.exec(l);
    assert.ok(m, `not a checkpoint line: ${l}`);
    return { line: l, seq: Number(m[1]), hash: m[2], at: m[3], key: m[4] };
  });
}

/** Waits (polling, bounded) until the checkpoint file has more than n lines. */
async function moreCheckpointsThan(n) {
  const deadline = Date.now() + 15000;
  while (checkpoints().length <= n) {
    assert.ok(Date.now() < deadline, `no checkpoint after ${n}; nmtd stderr:\n${srv.stderr()}`);
    await sleep(25);
  }
  return checkpoints();
}

async function head(d) {
  const r = await ctlFor(d, ['audit', 'verify']);
  assert.equal(r.code, 0, r.stderr);
  const m = /^head: (\d+):([0-9a-f]{64})$/m.exec(r.stdout);
  return { seq: Number(m[1]), hash: m[2] };
}

const verifyArgs = (extra = []) => ['audit', 'verify', '--checkpoints', cpFile, '--public-key', pubFile, ...extra];

before(async () => {
  db = await createDatabase();
  keyFile = path.join(db.dir, 'checkpoint.key');
  cpFile = path.join(db.dir, 'checkpoints.log');
  pubFile = path.join(db.dir, 'checkpoint.pub');
});

after(async () => { await srv?.stop(); await db?.drop(); });

test('audit checkpoint-key creates the key file 0600 once and prints its public key', async () => {
  const none = await ctlFor(db, ['audit', 'checkpoint-key']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--checkpoint-key/);
  const r = await ctlFor(db, ['--checkpoint-key', keyFile, 'audit', 'checkpoint-key']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
  assert.match(r.stderr, /created/);
  assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
  pub = r.stdout.trim();
  fs.writeFileSync(pubFile, r.stdout);
  const again = await ctlFor(db, ['audit', 'checkpoint-key'], { env: { NMT_CHECKPOINT_KEY: keyFile } });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), pub);
  assert.match(again.stderr, /exists/);
});

/** Starting nmtd must fail with a message matching re (a server that starts is stopped). */
async function refused(opts, re) {
  let s;
  try {
    s = await startServer(opts);
  } catch (e) {
    assert.match(e.message, re);
    return;
  }
  await s.stop();
  assert.fail(`nmtd started; expected a refusal matching ${re}`);
}

test('nmtd refuses to start with a checkpoint key that is missing or too open', async () => {
  await refused({ db, env: { NMT_CHECKPOINT_KEY: path.join(db.dir, 'nope') } },
    /checkpoint key .*does not exist/);
  const open = path.join(db.dir, 'open.key');
  fs.copyFileSync(keyFile, open);
  fs.chmodSync(open, 0o644);
  await refused({ db, init: false, env: { NMT_CHECKPOINT_KEY: open } }, /0600/);
  assert.equal(fs.existsSync(cpFile), false);
});

test('nmtd writes signed checkpoints at start, when due and at stop; verify checks them', async () => {
  srv = await startServer({
    db, init: false,
    env: { NMT_CHECKPOINT_KEY: keyFile, NMT_CHECKPOINT_FILE: cpFile, NMT_CHECKPOINT_EVERY: '60' },
  });
  let cps = await moreCheckpointsThan(0);
  assert.equal(cps[0].key, pub.slice(0, 16));
  assert.equal(fs.statSync(cpFile).mode & 0o777, 0o600);

  const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const c = await createCase(srv, u);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200);
  // Not due yet: nothing new. Then the clock passes the interval: the moved head is checkpointed.
  const before = cps.length;
  const moved = srv.advanceClock(61);
  cps = await moreCheckpointsThan(before);
  const due = cps[cps.length - 1];
  assert.ok(due.seq > cps[0].seq, `the head moved: ${due.seq} > ${cps[0].seq}`);
  assert.ok(Date.parse(due.at) / 1000 >= Math.floor(moved) - 1, `${due.at} is on the test clock`);

  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200);
  await srv.stop();
  cps = checkpoints();
  const last = cps[cps.length - 1];
  const h = await head(db);
  assert.deepEqual({ seq: last.seq, hash: last.hash }, h, 'the stop checkpoint is the final head');
  // Each line went to the log too (the journal under systemd).
  for (const cp of cps) assert.ok(srv.stderr().includes(`audit checkpoint: ${cp.line}\n`), cp.line);
  // ...and the log's copy verifies on its own, as the journal's would.
  const fromLog = path.join(db.dir, 'from-log.cp');
  fs.writeFileSync(fromLog, srv.stderr().match(/nmt-checkpoint v1 .*/g).join('\n') + '\n');
  const logged = await ctlFor(db, ['audit', 'verify', '--checkpoints', fromLog, '--public-key', pub]);
  assert.equal(logged.code, 0, logged.stderr);
  assert.match(logged.stdout, new RegExp(`^checkpoints: ${cps.length} verified`, 'm'));

  const ok = await ctlFor(db, verifyArgs());
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(`^checkpoints: ${cps.length} verified, the newest at entry ${h.seq} `, 'm'));
  // The public key may be given as its text too, and with other keys beside it.
  const other = path.join(db.dir, 'other.key');
  const o = await ctlFor(db, ['--checkpoint-key', other, 'audit', 'checkpoint-key']);
  assert.equal(o.code, 0, o.stderr);
  const both = await ctlFor(db, ['audit', 'verify', '--checkpoints', cpFile,
    '--public-key', o.stdout.trim(), '--public-key', pub]);
  assert.equal(both.code, 0, both.stderr);
  // Another key alone: every line is signed by a key not given.
  const wrong = await ctlFor(db, ['audit', 'verify', '--checkpoints', cpFile, '--public-key', o.stdout.trim()]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /line 1: signed by a key not given/);
  // Missing --public-key is a usage error.
  assert.equal((await ctlFor(db, ['audit', 'verify', '--checkpoints', cpFile])).code, 2);
});

test('a checkpoint altered in the file is refused, naming its line', async () => {
  const lines = fs.readFileSync(cpFile, 'utf8').split('\n');
  const altered = path.join(db.dir, 'altered.log');
  const n = lines.findIndex((l) => /seq=[1-9]/.test(l));
  assert.ok(n >= 0);
  const copy = [...lines];
  copy[n] = copy[n].replace(/seq=(\d+)/, (_, s) => `seq=${Number(s) - 1}`);
  fs.writeFileSync(altered, copy.join('\n'));
  const r = await ctlFor(db, ['audit', 'verify', '--checkpoints', altered, '--public-key', pubFile]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`line ${n + 1}: the signature does not verify`));
  fs.writeFileSync(altered, '');
  const empty = await ctlFor(db, ['audit', 'verify', '--checkpoints', altered, '--public-key', pubFile]);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /no checkpoints/);
});

test('a chain rewritten with the audit key verifies alone but not against the checkpoints', async () => {
  assert.ok(fs.existsSync(RECHAIN), `${RECHAIN} not built`);
  const cps = checkpoints();
  const original = await head(db);
  const forged = await db.clone();
  try {
    const r = await run(RECHAIN, [forged.url, forged.keyFile, '2', 'mallory']);
    assert.equal(r.code, 0, r.stderr);
    const alone = await ctlFor(forged, ['audit', 'verify']);
    assert.equal(alone.code, 0, `the rewritten chain is consistent: ${alone.stderr}`);
    const h = await head(forged);
    assert.equal(h.seq, original.seq);
    assert.notEqual(h.hash, original.hash);

    const checked = await ctlFor(forged, ['audit', 'verify', '--checkpoints', cpFile, '--public-key', pubFile]);
    assert.equal(checked.code, 1, checked.stdout);
    // The first checkpoint at or after the rewritten entry is where it shows.
    const first = cps.map((c, i) => ({ ...c, lineNo: i + 1 })).filter((c) => c.seq >= 2)
      .sort((a, b) => a.seq - b.seq || a.lineNo - b.lineNo)[0];
    assert.match(checked.stderr, new RegExp(`broken at entry ${first.seq}: entry differs from the anchor or checkpoint`));
    assert.match(checked.stderr, new RegExp(`on line ${first.lineNo} of `));
  } finally {
    await forged.drop();
  }
});
