// API.md "Programs" and contract.md "Build and programs": nmtctl and nmtd command lines.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import {
  BUILD_DIR, startServer, createDatabase, ctlFor, addUserWithToken, api, assertStatus, createCase, DB_KIND, NMTCTL, NMTD, run,
} from './harness.mjs';

const cleanup = [];
after(async () => {
  for (const f of cleanup.reverse()) {
    try { await f(); } catch { /* best effort */ }
  }
});

test('nmtctl init creates the key file (0600) and is idempotent', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.ok(!fs.existsSync(db.keyFile));
  const r1 = await ctlFor(db, ['init']);
  assert.equal(r1.code, 0, r1.stderr);
  assert.ok(fs.existsSync(db.keyFile), 'key file created');
  assert.equal(fs.statSync(db.keyFile).mode & 0o777, 0o600, 'key file mode 0600');
  const key = fs.readFileSync(db.keyFile);
  const u = await ctlFor(db, ['user', 'add', '--username', 'idem', '--display-name', 'Idem Potent',
    '--org', 'POLISEN-SYD', '--role', 'member', '--json']);
  assert.equal(u.code, 0, u.stderr);
  const r2 = await ctlFor(db, ['init']);
  assert.equal(r2.code, 0, `second init: ${r2.stderr}`);
  assert.deepEqual(fs.readFileSync(db.keyFile), key, 'init keeps an existing key file');
  // The user survived the second init.
  const t = await ctlFor(db, ['token', 'create', '--username', 'idem', '--json']);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(typeof JSON.parse(t.stdout).token, 'string');
});

test('nmtctl user add / token create: output and errors (exit 2, message on stderr)', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.equal((await ctlFor(db, ['init'])).code, 0);
  const ok = await ctlFor(db, ['user', 'add', '--username', 'plain', '--display-name', 'Plain Text',
    '--org', 'RK-SYD', '--role', 'coordinator', '--region', 'syd']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /otpauth:\/\/totp\//, 'the otpauth URI is printed');
  const j = await ctlFor(db, ['user', 'add', '--username', 'jsonuser', '--display-name', 'J',
    '--org', 'NMT', '--role', 'auditor', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const o = JSON.parse(j.stdout);
  assert.equal(o.username, 'jsonuser');
  assert.ok(o.password.length >= 12, 'a generated password of reasonable length');
  assert.match(o.totp_secret, /^[A-Z2-7]+=*$/, 'base32 secret');
  assert.ok(o.totp_secret.replace(/=/g, '').length >= 16, 'at least 80 bits of secret');
  assert.match(o.otpauth_uri, /^otpauth:\/\/totp\//);
  assert.ok(ok.stdout.length > 0);

  const fails = [
    ['unknown organization', ['--username', 'x1', '--display-name', 'X', '--org', 'NO-SUCH', '--role', 'member']],
    ['unknown role', ['--username', 'x2', '--display-name', 'X', '--org', 'NMT', '--role', 'overlord']],
    ['duplicate username', ['--username', 'jsonuser', '--display-name', 'X', '--org', 'NMT', '--role', 'auditor']],
    ['unknown region', ['--username', 'x3', '--display-name', 'X', '--org', 'RK-SYD', '--role', 'coordinator',
      '--region', 'atlantis']],
  ];
  for (const [name, args] of fails) {
    const r = await ctlFor(db, ['user', 'add', ...args, '--json']);
    assert.equal(r.code, 2, `${name}: exit ${r.code}`);
    assert.ok(r.stderr.trim().length > 0, `${name}: message on stderr`);
  }
  const t = await ctlFor(db, ['token', 'create', '--username', 'nobody-here', '--json']);
  assert.equal(t.code, 2, `token for an unknown user: exit ${t.code}`);
  assert.ok(t.stderr.trim().length > 0);
  // Two tokens are different.
  const t1 = JSON.parse((await ctlFor(db, ['token', 'create', '--username', 'jsonuser', '--json'])).stdout).token;
  const t2 = JSON.parse((await ctlFor(db, ['token', 'create', '--username', 'jsonuser', '--json'])).stdout).token;
  assert.notEqual(t1, t2);
  // An unknown command is an error.
  const bad = await run(NMTCTL, ['--database', db.url, '--key-file', db.keyFile, 'frobnicate']);
  assert.notEqual(bad.code, 0);
});

test('nmtd takes its settings from NMT_DATABASE, NMT_KEY_FILE, NMT_LISTEN; SIGTERM stops it cleanly', async () => {
  const srv = await startServer({ viaEnv: true });
  cleanup.push(() => srv.close());
  const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const c = await createCase(srv, u);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200);
  const r = await srv.stop();
  assert.equal(r.code, 0, `exit after SIGTERM: code ${r.code} signal ${r.signal}; stderr ${srv.stderr().slice(-500)}`);
});

test('nmtd\'s default worker threads: four per core with SQLite (at most 64), two per core with PostgreSQL', async () => {
  const srv = await startServer();
  cleanup.push(() => srv.close());
  const cores = Math.min(os.cpus().length, 64);
  const want = DB_KIND === 'sqlite' ? Math.min(4 * cores, 64) : 2 * cores;
  assert.equal((await srv.stop()).code, 0);
  if (!srv.proc.stderr.readableEnded) await once(srv.proc.stderr, 'end'); // its whole log
  const m = /nmtd started \((\d+) threads\)/.exec(srv.stderr());
  assert.ok(m, `the start line in: ${srv.stderr().slice(-500)}`);
  assert.equal(Number(m[1]), want);
});

test('nmtd and nmtctl allocate with tcmalloc unless built with -Dallocator=system or a sanitizer', async () => {
  const opts = JSON.parse(fs.readFileSync(path.join(BUILD_DIR, 'meson-info', 'intro-buildoptions.json'), 'utf8'));
  const opt = (name) => opts.find((o) => o.name === name)?.value;
  assert.ok(['tcmalloc', 'system'].includes(opt('allocator')), `meson option allocator: ${opt('allocator')}`);
  const want = opt('allocator') === 'tcmalloc' && opt('b_sanitize') === 'none';
  const srv = await startServer();
  cleanup.push(() => srv.close());
  const maps = fs.readFileSync(`/proc/${srv.proc.pid}/maps`, 'utf8');
  assert.equal(/\/libtcmalloc_minimal\.so\.4[.\d]*$/m.test(maps), want,
    `allocator ${opt('allocator')}, b_sanitize ${opt('b_sanitize')}: nmtd's mappings`);
  const ldd = await run('ldd', [NMTCTL]);
  assert.equal(/libtcmalloc_minimal\.so\.4 => \//.test(ldd.stdout), want, `nmtctl: ${ldd.stdout}`);
});

test('database URL forms', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  let forms;
  if (DB_KIND === 'sqlite') {
    forms = [db.file, `sqlite://${db.file}`]; // a plain path and sqlite:///abs/path
  } else {
    forms = [db.url, db.url.replace(/^postgresql:/, 'postgres:')];
  }
  let first = true;
  let u;
  let c;
  for (const url of forms) {
    const r = await run(NMTCTL, ['--database', url, '--key-file', db.keyFile, 'init']);
    assert.equal(r.code, 0, `init with ${url}: ${r.stderr}`);
    const srv = await startServer({ db, dbUrl: url, init: false });
    try {
      if (first) {
        u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
        c = await createCase(srv, u);
        first = false;
      } else {
        // The same database through the other URL form.
        assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200, url);
      }
    } finally {
      await srv.stop();
    }
  }
});

// SECURITY.md "Process": started as root, nmtd reads its key, binds its socket and opens its web
// directory as root, then runs as --user (NMT_USER) before it serves anything.
const ROOT_ONLY = process.getuid() !== 0 && 'needs root';

/** The real, effective, saved and file-system ids on a /proc/PID/status line ("Uid:" or "Gid:"). */
function procIds(pid, line) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${line}:\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$`, 'm').exec(status);
  assert.ok(m, `${line} in /proc/${pid}/status`);
  return m.slice(1).map(Number);
}

test('nmtd started as root with --user nobody runs as nobody and still serves', { skip: ROOT_ONLY }, async () => {
  const nobody = await run('id', ['-u', 'nobody']);
  const nobodyGid = await run('id', ['-g', 'nobody']);
  const uid = Number(nobody.stdout.trim());
  const gid = Number(nobodyGid.stdout.trim());
  assert.ok(uid > 0, 'user nobody exists');
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  const init = await ctlFor(db, ['init']);
  assert.equal(init.code, 0, init.stderr);
  // The database belongs to the service user; the key file stays root's own (0600).
  fs.chownSync(db.dir, uid, gid);
  if (db.file) fs.chownSync(db.file, uid, gid);
  assert.equal(fs.statSync(db.keyFile).uid, 0);
  const srv = await startServer({ db, init: false, env: { NMT_USER: 'nobody' } });
  cleanup.push(() => srv.stop());
  assert.deepEqual(procIds(srv.proc.pid, 'Uid'), [uid, uid, uid, uid], 'every user id is nobody');
  assert.deepEqual(procIds(srv.proc.pid, 'Gid'), [gid, gid, gid, gid], 'every group id is nobody\'s');
  const groups = /^Groups:(.*)$/m.exec(fs.readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'))[1].trim();
  assert.ok(!groups.split(/\s+/).includes('0'), `root's group is gone (${groups})`);
  assert.match(srv.stderr(), /running as user nobody/);
  // It still serves: a write (the database, as nobody), a read of the sealed identity (the key).
  const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const c = await createCase(srv, u);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200);
  const r = await srv.stop();
  assert.equal(r.code, 0, `exit after SIGTERM: ${srv.stderr().slice(-500)}`);
});

test('nmtd --user refuses root and unknown users', { skip: ROOT_ONLY }, async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.equal((await ctlFor(db, ['init'])).code, 0);
  for (const name of ['root', 'no-such-user-nmt']) {
    const r = await run(NMTD, ['--database', db.url, '--key-file', db.keyFile, '--listen', '127.0.0.1:0',
      '--user', name], { timeoutMs: 15000 });
    assert.equal(r.code, 2, `--user ${name}: ${r.stderr}`);
    assert.equal(r.stdout, '', `--user ${name} serves nothing`);
    assert.match(r.stderr, /--user/);
  }
});

// API.md "Programs": help, version and errors that list the valid values.
test('nmtctl --help, help COMMAND, COMMAND --help and --version', async () => {
  const COMMANDS = ['init', 'user', 'token', 'audit', 'key', 'demo', 'org'];
  for (const flag of ['--help', '-h', 'help']) {
    const r = await run(NMTCTL, [flag]);
    assert.equal(r.code, 0, `${flag}: ${r.stderr}`);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  nmtctl ${c}\\b`, 'm'), `${flag} lists ${c}`);
    assert.match(r.stdout, /--database URL/);
    assert.match(r.stdout, /NMT_KEY_FILE/);
    assert.equal(r.stderr, '');
  }
  for (const args of [['help', 'user'], ['user', '--help'], ['user', 'add', '--help']]) {
    const r = await run(NMTCTL, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /nmtctl user add --username U/);
    assert.match(r.stdout, /roles: admin, coordinator, member, requester, analyst, auditor/);
    assert.doesNotMatch(r.stdout, /nmtctl token create/, 'only the one command');
  }
  const audit = await run(NMTCTL, ['help', 'audit']);
  assert.equal(audit.code, 0);
  assert.match(audit.stdout, /nmtctl audit verify/);
  const unknown = await run(NMTCTL, ['help', 'frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"; commands: init, user, token, audit, key, demo/);
  for (const flag of ['--version', '-V']) {
    const v = await run(NMTCTL, [flag]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^nmtctl \d+\.\d+\.\d+\n$/);
  }
});

test('nmtctl errors name the valid values: commands, options, roles, organizations, regions', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.equal((await ctlFor(db, ['init'])).code, 0);
  const cmd = await ctlFor(db, ['frobnicate']);
  assert.equal(cmd.code, 2);
  assert.match(cmd.stderr, /unknown command "frobnicate"; commands: init, user, token, audit, key, demo/);
  assert.equal((await run(NMTCTL, [])).code, 2, 'no command');
  const opt = await run(NMTCTL, ['--frobnicate', 'init']);
  assert.equal(opt.code, 2);
  assert.match(opt.stderr, /unknown option --frobnicate/);
  const noValue = await run(NMTCTL, ['--database']);
  assert.equal(noValue.code, 2);
  assert.match(noValue.stderr, /--database needs a value/);
  const add = (over) => ctlFor(db, ['user', 'add', '--username', 'lister', '--display-name', 'L',
    '--org', 'NMT', '--role', 'member', ...over]);
  const role = await add(['--role', 'overlord']);
  assert.equal(role.code, 2);
  assert.match(role.stderr, /unknown role; roles: admin, coordinator, member, requester, analyst, auditor/);
  const org = await add(['--org', 'NO-SUCH']);
  assert.equal(org.code, 2);
  assert.match(org.stderr, /unknown organization; organizations: .*\bNMT\b/);
  assert.match(org.stderr, /\bPOLISEN-SYD\b/);
  const region = await add(['--role', 'coordinator', '--org', 'RK-SYD', '--region', 'atlantis']);
  assert.equal(region.code, 2);
  assert.match(region.stderr, /unknown region; regions: .*\bsyd\b/);
  assert.match(region.stderr, /\bstockholm\b/);
  // A display name with an invisible format character is refused like in the API.
  const name = await add(['--display-name', 'Anna\u202eB']);
  assert.equal(name.code, 2);
  assert.match(name.stderr, /display name/);
});

test('nmtd --help lists the options and environment variables; --version', async () => {
  const r = await run(NMTD, ['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const o of ['--database', '--key-file', '--listen', '--web', '--max-body', '--max-header', '--threads',
    '--user', '--checkpoint-key', '--checkpoint-file', '--checkpoint-every', '--version']) {
    assert.ok(r.stdout.includes(o), `--help lists ${o}`);
  }
  for (const e of ['NMT_DATABASE', 'NMT_KEY_FILE', 'NMT_LISTEN', 'NMT_WEB', 'NMT_MAX_BODY', 'NMT_MAX_HEADER',
    'NMT_USER', 'NMT_CHECKPOINT_KEY', 'NMT_CHECKPOINT_FILE', 'NMT_CHECKPOINT_EVERY']) {
    assert.ok(r.stdout.includes(e), `--help lists ${e}`);
  }
  const v = await run(NMTD, ['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^nmtd \d+\.\d+\.\d+\n$/);
  const bad = await run(NMTD, ['--frobnicate']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown option --frobnicate/);
  assert.equal(bad.stdout, '');
});

test('no program creates a database file on a missing path; only nmtctl init does', { skip: DB_KIND !== 'sqlite' && 'SQLite files' }, async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.ok(!fs.existsSync(db.file));
  const srv = await run(NMTD, ['--database', db.url, '--key-file', db.keyFile, '--listen', '127.0.0.1:0'],
    { timeoutMs: 15000 });
  assert.equal(srv.code, 1, srv.stderr);
  assert.equal(srv.stdout, '', 'nothing served');
  assert.match(srv.stderr, /does not exist.*nmtctl init/);
  assert.ok(!fs.existsSync(db.file), 'nmtd created no file');
  for (const args of [['user', 'add', '--username', 'early', '--display-name', 'E', '--org', 'NMT', '--role', 'admin'],
    ['token', 'create', '--username', 'early'], ['audit', 'verify'], ['demo'], ['key', 'rotate']]) {
    const r = await ctlFor(db, args);
    assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.match(r.stderr, /does not exist.*nmtctl init/, args[0]);
    assert.ok(!fs.existsSync(db.file), `nmtctl ${args[0]} created no file`);
  }
  const init = await ctlFor(db, ['init']);
  assert.equal(init.code, 0, init.stderr);
  assert.equal(fs.statSync(db.file).mode & 0o777, 0o600, 'init creates it 0600');
});

test('nmtd refuses a --web folder (or NMT_WEB) that does not exist', async () => {
  const db = await createDatabase();
  cleanup.push(() => db.drop());
  assert.equal((await ctlFor(db, ['init'])).code, 0);
  const missing = `${db.dir}/no-such-web`;
  const byOption = await run(NMTD, ['--database', db.url, '--key-file', db.keyFile, '--listen', '127.0.0.1:0',
    '--web', missing], { timeoutMs: 15000 });
  assert.equal(byOption.code, 1, byOption.stderr);
  assert.equal(byOption.stdout, '');
  assert.match(byOption.stderr, /--web .*no-such-web: not a readable folder/);
  const byEnv = await run(NMTD, [], {
    timeoutMs: 15000,
    env: { NMT_DATABASE: db.url, NMT_KEY_FILE: db.keyFile, NMT_LISTEN: '127.0.0.1:0', NMT_WEB: missing },
  });
  assert.equal(byEnv.code, 1, byEnv.stderr);
  assert.match(byEnv.stderr, /no-such-web: not a readable folder/);
});
