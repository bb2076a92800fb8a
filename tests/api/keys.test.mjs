// Issue 6 item 5, "Keys": `nmtctl key rotate` re-seals every identity block
// and TOTP secret under a new master key and retires the old one; killed
// part-way (NMT_TEST_ROTATE_KILL_AFTER, honoured only in -Dtest_clock
// builds, makes nmtctl SIGKILL itself after N re-sealed rows) and run again
// it finishes, while nmtd goes on serving (it follows the key file), and a
// copy of the database alone yields none of the clear texts. nmtd and
// nmtctl refuse a key file or SQLite database that group or others may read
// or write; a new SQLite database is created 0600.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import {
  personWithIdentity,
  startServer, createDatabase, ctlFor, addUserWithToken, api, assertStatus, createCase, createPerson,
  loginOk, listAll, DB_KIND,
} from './harness.mjs';

const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) {
    try { await f(); } catch { /* best effort */ }
  }
});

const IDENTITIES = [
  { full_name: 'Rotationsdotter Alfa', id_number: '19850312-4471', phone: '+46701112201',
    address: 'Nyckelgränd 11, 111 21 Stockholm' },
  { full_name: 'Rotationsson Beta', id_number: '19900522-8812', phone: '+46701112202',
    address: 'Låsvägen 22, 222 22 Lund' },
  { full_name: 'Rotationsdotter Gamma', id_number: '20010101-1234', phone: '+46701112203',
    address: 'Chiffergatan 33, 333 33 Jönköping' },
  { full_name: 'Rotationsson Delta', id_number: '19771111-5555', phone: '+46701112204',
    address: 'Sigillstigen 44, 444 44 Uddevalla' },
];
const LATE = { full_name: 'Mittirotationen Epsilon', id_number: '19660606-6666', phone: '+46701112205',
  address: 'Mellanvägen 55, 555 55 Jönköping' };

/** The sealed values of both fields, as [{table, id, value}]. */
async function sealedValues(db) {
  const out = [];
  for (const [table, col] of [['person', 'identity_sealed'], ['app_user', 'totp_sealed']]) {
    const rows = (await db.exec(`SELECT id || '|' || ${col} FROM ${table} WHERE ${col} IS NOT NULL`))
      .split('\n').filter((l) => l.length > 0);
    for (const l of rows) {
      const [id, value] = l.split('|');
      out.push({ table, id, value });
    }
  }
  return out;
}

const masterLines = (file) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('master '));

async function assertIdentities(srv, auth, persons, msg) {
  for (const [p, ident] of persons) {
    const r = await personWithIdentity(srv, auth, p.id);
    assertStatus(r, 200, `${msg}: read person`);
    for (const [k, v] of Object.entries(ident)) {
      assert.equal(r.json.identity?.[k], v, `${msg}: identity ${k} of ${p.id}`);
    }
  }
}

async function assertLogins(srv, users, msg) {
  // A new server forgets which TOTP steps the tests used: past them all.
  srv.advanceClock(90);
  for (const u of users) {
    const s = await loginOk(srv, u);
    assertStatus(await api(srv, 'GET', '/api/v1/me', { session: s }), 200, `${msg}: /me of ${u.username}`);
  }
}

test('key rotate killed part-way, nmtd killed too, run again: all readable under the new key, old key gone',
  async () => {
    let srv = await startServer();
    cleanup.push(() => srv.close());
    const db = srv.db;
    const nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
    const users = [nmt];
    for (const org of ['POLISEN-SYD', 'MIGRATIONSVERKET', 'SKATTEVERKET']) {
      users.push(await addUserWithToken(srv, { org, role: 'member' }));
    }
    const c = await createCase(srv, nmt);
    const persons = [];
    for (const ident of IDENTITIES) persons.push([await createPerson(srv, nmt, c.id, { identity: ident }), ident]);
    const v1Key = fs.readFileSync(db.keyFile, 'utf8');
    assert.match(v1Key, /^[0-9a-f]{64}\n$/, 'nmtctl init writes a version 1 key file');
    const before = await sealedValues(db);
    assert.equal(before.length, IDENTITIES.length + users.length);
    for (const s of before) assert.match(s.value, /^v2\.1\./, `${s.table} ${s.id} under key 1`);

    // 1. Killed (SIGKILL) after all identities and one TOTP secret.
    const killAfter = IDENTITIES.length + 1;
    const r1 = await ctlFor(db, ['key', 'rotate'], { env: { NMT_TEST_ROTATE_KILL_AFTER: String(killAfter) } });
    assert.equal(r1.signal, 'SIGKILL', `rotation was killed: ${r1.code} ${r1.stderr}`);
    assert.equal(fs.statSync(db.keyFile).mode & 0o777, 0o600, 'key file still 0600');
    assert.deepEqual(masterLines(db.keyFile).map((l) => l.split(' ')[1]), ['2', '1'],
      'during the rotation the file holds the new key and the old one');
    assert.ok(fs.readFileSync(db.keyFile, 'utf8').includes(v1Key.trim()), 'the old key is still there');
    const mid = await sealedValues(db);
    assert.equal(mid.filter((s) => s.value.startsWith('v2.2.')).length, killAfter, 'N rows re-sealed');
    assert.equal(mid.filter((s) => s.value.startsWith('v2.1.')).length, users.length - 1, 'the rest not yet');

    // nmtd (started before the rotation) opens values under either key and seals new ones under the newest.
    await assertIdentities(srv, nmt, persons, 'during the rotation');
    await assertLogins(srv, users, 'during the rotation');
    const late = await createPerson(srv, nmt, c.id, { identity: LATE });
    persons.push([late, LATE]);
    const lateSealed = (await sealedValues(db)).find((s) => s.id === late.id);
    assert.match(lateSealed.value, /^v2\.2\./, 'a new value is sealed under the newest key');

    // nmtd killed too; a new one starts on the half-rotated key file.
    await srv.kill9();
    srv = await startServer({ db, init: false });
    await assertIdentities(srv, nmt, persons, 'restarted during the rotation');

    // 2. Run again: it finishes while nmtd serves.
    const r2 = await ctlFor(db, ['key', 'rotate']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.match(r2.stdout, /key 2 replaces key 1/);
    assert.match(r2.stdout, /key 1 retired/);
    const lines = masterLines(db.keyFile);
    assert.equal(lines.length, 1, 'one master key left');
    assert.equal(lines[0].split(' ')[1], '2');
    assert.ok(!fs.readFileSync(db.keyFile, 'utf8').includes(v1Key.trim()), 'the old key is no longer in the file');
    assert.equal(fs.statSync(db.keyFile).mode & 0o777, 0o600);
    const done = await sealedValues(db);
    assert.equal(done.length, IDENTITIES.length + 1 + users.length);
    for (const s of done) assert.match(s.value, /^v2\.2\./, `${s.table} ${s.id} under key 2`);

    await assertIdentities(srv, nmt, persons, 'after the rotation');
    await assertLogins(srv, users, 'after the rotation');
    // API tokens and the audit chain do not depend on the sealing key.
    assertStatus(await api(srv, 'GET', '/api/v1/me', { auth: nmt }), 200, 'API token still valid');
    await srv.stop();
    srv = await startServer({ db, init: false });
    await assertIdentities(srv, nmt, persons, 'restarted after the rotation');
    await assertLogins(srv, users, 'restarted after the rotation');
    const v = await ctlFor(db, ['audit', 'verify']);
    assert.equal(v.code, 0, `audit chain intact: ${v.stdout}${v.stderr}`);
    const audit = await listAll(srv, '/api/v1/audit', { auth: await addUserWithToken(srv,
      { org: 'NMT', role: 'auditor' }) });
    assert.equal(audit.filter((e) => e.action === 'key.rotate' && e.object === 'key:2').length, 1,
      'the rotation is audited once');

    // A third run has nothing pending: a new rotation from key 2 to key 3.
    const r3 = await ctlFor(db, ['key', 'rotate']);
    assert.equal(r3.code, 0, r3.stderr);
    assert.match(r3.stdout, /key 3 replaces key 2/);
    await assertIdentities(srv, nmt, persons, 'after a second rotation');

    // A copy of the database alone: no name, number, phone, address or TOTP secret in its bytes.
    await srv.stop();
    const bytes = (await db.dump()).toString('latin1');
    const utf8 = (await db.dump()).toString('utf8');
    for (const [, ident] of persons) {
      for (const [k, v] of Object.entries(ident)) {
        assert.ok(!utf8.includes(v) && !bytes.includes(v), `clear ${k} in the database copy`);
      }
    }
    for (const u of users) {
      assert.ok(!utf8.includes(u.totp_secret.replace(/=+$/, '')), 'clear TOTP secret in the database copy');
    }
    // The test can fail: the pseudonyms, which are not sealed, are found.
    assert.ok(utf8.includes(persons[0][0].pseudonym), 'the dump holds the unsealed pseudonym');
  });

test('a key file or SQLite database open to group or others is refused; a new database is 0600', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  const old = process.umask(0o022);
  try {
    const r = await ctlFor(db, ['init']);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    process.umask(old);
  }
  if (DB_KIND === 'sqlite') {
    assert.equal(fs.statSync(db.file).mode & 0o777, 0o600, 'database created 0600 under umask 022');
    for (const s of ['-wal', '-shm']) {
      if (fs.existsSync(db.file + s)) assert.equal(fs.statSync(db.file + s).mode & 0o777, 0o600, s);
    }
  }
  const user = ['user', 'add', '--username', 'permcheck', '--display-name', 'P', '--org', 'NMT',
    '--role', 'auditor', '--json'];
  const files = [['key file', db.keyFile]];
  if (DB_KIND === 'sqlite') files.push(['database', db.file]);
  for (const [what, file] of files) {
    for (const mode of [0o644, 0o640, 0o604, 0o660, 0o602]) {
      fs.chmodSync(file, mode);
      const c = await ctlFor(db, user);
      assert.equal(c.code, 2, `nmtctl on a ${what} of mode ${mode.toString(8)}: exit ${c.code}`);
      assert.match(c.stderr, /permissions too open/, `${what} ${mode.toString(8)}: ${c.stderr}`);
      await assert.rejects(startServer({ db, init: false }), /permissions too open/,
        `nmtd on a ${what} of mode ${mode.toString(8)}`);
    }
    fs.chmodSync(file, 0o600);
  }
  const ok = await ctlFor(db, user);
  assert.equal(ok.code, 0, ok.stderr);
  const srv = await startServer({ db, init: false });
  await srv.stop();
});

test('a value under no key in the file stops the rotation before the old key is retired; a held lock refuses',
  async () => {
    const srv = await startServer();
    cleanup.push(() => srv.close());
    const db = srv.db;
    const nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
    const c = await createCase(srv, nmt);
    const p = await createPerson(srv, nmt, c.id, { identity: IDENTITIES[0] });
    const good = (await sealedValues(db)).find((s) => s.id === p.id).value;
    // Sealed under a key id the file never held (e.g. a database restored from before a rotation).
    await db.exec(`UPDATE person SET identity_sealed = 'v2.9.${good.slice(5)}' WHERE id = '${p.id}'`);
    const r1 = await ctlFor(db, ['key', 'rotate']);
    assert.equal(r1.code, 1, `exit ${r1.code}: ${r1.stderr}`);
    assert.match(r1.stderr, /identity of row [0-9a-f-]{36} does not open under any key/);
    assert.match(r1.stderr, /the old key is kept/);
    assert.ok(!r1.stderr.includes(IDENTITIES[0].full_name), 'no clear text in the message');
    assert.deepEqual(masterLines(db.keyFile).map((l) => l.split(' ')[1]), ['2', '1'], 'both keys kept');
    // Put right, the next run finishes.
    await db.exec(`UPDATE person SET identity_sealed = '${good}' WHERE id = '${p.id}'`);
    const r2 = await ctlFor(db, ['key', 'rotate']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(masterLines(db.keyFile).length, 1);
    await assertIdentities(srv, nmt, [[p, IDENTITIES[0]]], 'after the repaired rotation');

    // Another process holds the rotation lock: refused, nothing changes.
    const keyBefore = fs.readFileSync(db.keyFile, 'utf8');
    const holder = spawn('python3', ['-c', 'import fcntl,sys\nf=open(sys.argv[1],"a")\n' +
      'fcntl.lockf(f, fcntl.LOCK_EX)\nprint("locked", flush=True)\nsys.stdin.read()', `${db.keyFile}.lock`],
    { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise((resolve, reject) => {
      holder.stdout.once('data', resolve);
      holder.once('exit', () => reject(new Error('lock holder exited')));
    });
    try {
      const r3 = await ctlFor(db, ['key', 'rotate']);
      assert.equal(r3.code, 2, r3.stderr);
      assert.match(r3.stderr, /another key rotation is running/);
      assert.equal(fs.readFileSync(db.keyFile, 'utf8'), keyBefore, 'key file unchanged');
    } finally {
      holder.stdin.end();
    }
  });
