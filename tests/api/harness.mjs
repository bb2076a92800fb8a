// Shared helpers for the NMT API test suite (node:test, Node 20; ajv, ajv-formats and yaml for
// contract.mjs).
//
// Every answer received through api(), rawRequest() and rawSocketRequest() is checked against
// docs/openapi.yaml (see contract.mjs for the rules); an answer that breaks the document fails
// the test that asked for it.
//
// Environment:
//   NMT_BUILD_DIR      build directory with nmtd and nmtctl (default "build", relative to the repo root)
//   NMT_TEST_DB        "sqlite" (default) or "pg"
//   NMT_TEST_PG_HOST   PostgreSQL Unix socket directory (pg only; see tests/support/pg.sh)
//   NMT_TEST_PG_PORT   PostgreSQL port (pg only)
//   NMT_TEST_KEEP=1    keep temporary directories and databases (debugging)
//   NMT_TEST_VERBOSE=1 copy nmtd's stderr to ours
//
// The build must have the test clock (meson option -Dtest_clock=true; scripts/test sets it): each
// database gets an offset file, passed to nmtd and nmtctl as NMT_TEST_CLOCK_FILE, and the tests
// move the time of a running server with srv.advanceClock(seconds) / srv.setClock(iso) instead of
// sleeping. srv.now() is the server's time; TOTP codes are computed for it.

import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkResponse } from './contract.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUILD_DIR = path.resolve(ROOT, process.env.NMT_BUILD_DIR || 'build');
export const BUILD_NMTD = path.join(BUILD_DIR, 'nmtd');
export const BUILD_NMTCTL = path.join(BUILD_DIR, 'nmtctl');
export const DB_KIND = (process.env.NMT_TEST_DB || 'sqlite').toLowerCase();
if (DB_KIND !== 'sqlite' && DB_KIND !== 'pg') {
  throw new Error(`NMT_TEST_DB must be "sqlite" or "pg", not "${process.env.NMT_TEST_DB}"`);
}
const KEEP = process.env.NMT_TEST_KEEP === '1';
const VERBOSE = process.env.NMT_TEST_VERBOSE === '1';
const PG_USER = 'postgres';

// ---------------------------------------------------------------------------
// Process helpers

/** Run a program; resolves {code, signal, stdout, stderr}. Never rejects on a non-zero exit. */
export function run(cmd, args, { env, input, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: { ...process.env, ...(env || {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run ${cmd}: ${e.message}`)); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const liveChildren = new Set();
const liveDbs = new Set();
process.on('exit', () => {
  for (const c of liveChildren) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
  if (!KEEP) {
    for (const db of liveDbs) {
      try { db.dropSync(); } catch { /* best effort */ }
    }
  }
});

// ---------------------------------------------------------------------------
// Binaries: each test file works on its own copy of nmtd and nmtctl, taken once they have been
// unchanged for a moment, so that a rebuild during a run cannot pull them away half-written.
// NMT_TEST_NO_SNAPSHOT=1 runs the build directory's files directly.

async function snapshotBinaries() {
  const src = [BUILD_NMTD, BUILD_NMTCTL];
  if (process.env.NMT_TEST_NO_SNAPSHOT === '1' || !src.every((f) => fs.existsSync(f))) return src;
  const deadline = Date.now() + 180000;
  for (;;) {
    const st = src.map((f) => { try { return fs.statSync(f); } catch { return null; } });
    const ready = st.every((x) => x && (x.mode & 0o111) && Date.now() - x.mtimeMs > 1500);
    if (ready) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-test-bin-'));
      process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      const out = src.map((f) => path.join(dir, path.basename(f)));
      src.forEach((f, i) => { fs.copyFileSync(f, out[i]); fs.chmodSync(out[i], 0o755); });
      const again = src.map((f) => { try { return fs.statSync(f); } catch { return null; } });
      if (again.every((x, i) => x && x.mtimeMs === st[i].mtimeMs && x.size === st[i].size)) return out;
    }
    if (Date.now() > deadline) return src;
    await sleep(500);
  }
}

export const [NMTD, NMTCTL] = await snapshotBinaries();

// ---------------------------------------------------------------------------
// The test clock

/** Whether the build directory was configured with -Dtest_clock=true (null: cannot tell). */
export const TEST_CLOCK = (() => {
  try {
    const opts = JSON.parse(fs.readFileSync(path.join(BUILD_DIR, 'meson-info', 'intro-buildoptions.json'), 'utf8'));
    const o = opts.find((x) => x.name === 'test_clock');
    return o ? o.value === true : false;
  } catch {
    return null;
  }
})();

/** The offset (seconds) in a clock file; 0 when there is none. */
function clockOffset(file) {
  try {
    const n = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/** Writes a clock file whole (write + rename), so nmtd never reads half of it. */
function writeClockOffset(file, offset) {
  if (TEST_CLOCK === false) {
    throw new Error(`${path.relative(ROOT, BUILD_DIR) || '.'} is built without the test clock: ` +
      `meson configure ${path.relative(ROOT, BUILD_DIR) || '.'} -Dtest_clock=true`);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${Math.round(offset)}\n`);
  fs.renameSync(tmp, file);
}

/** The Swedish civil date ("YYYY-MM-DD") at a time in seconds since the epoch (default: now). */
export function swedishDate(seconds = Date.now() / 1000) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit',
    day: '2-digit' }).format(new Date(seconds * 1000));
}

// Servers running now, so that badCode() avoids codes valid at any of their times.
const liveServers = new Set();

// ---------------------------------------------------------------------------
// Databases

function pgEnv() {
  const host = process.env.NMT_TEST_PG_HOST;
  const port = process.env.NMT_TEST_PG_PORT;
  if (!host || !port) {
    throw new Error('NMT_TEST_DB=pg needs NMT_TEST_PG_HOST and NMT_TEST_PG_PORT ' +
      '(start a server with: tests/support/pg.sh start DIR)');
  }
  return { host, port };
}

function pgArgs() {
  const { host, port } = pgEnv();
  return ['-h', host, '-p', String(port), '-U', PG_USER];
}

function pgUrl(name) {
  const { host, port } = pgEnv();
  return `postgresql:///${name}?host=${host}&port=${port}&user=${PG_USER}`;
}

/**
 * A fresh database: {kind, url, dir, keyFile, name?, file?, exec(sql), dump(), clone(), drop()}.
 * `dir` is a temporary directory (always created: holds the key file, and for SQLite the db).
 */
export async function createDatabase({ dir } = {}) {
  dir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-test-'));
  const keyFile = path.join(dir, 'key');
  if (DB_KIND === 'sqlite') {
    const file = path.join(dir, 't.db');
    return makeSqliteDb(dir, file, keyFile);
  }
  const name = 'nmt_t_' + randomBytes(6).toString('hex');
  const r = await run('createdb', [...pgArgs(), name]);
  if (r.code !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
  return makePgDb(dir, name, keyFile);
}

function makeSqliteDb(dir, file, keyFile) {
  const db = {
    kind: 'sqlite', dir, file, keyFile, url: `sqlite://${file}`,
    /** Run SQL with the sqlite3 CLI; resolves stdout; throws on error. */
    async exec(sql) {
      const r = await run('sqlite3', ['-bail', file], { input: sql });
      if (r.code !== 0 || /^(Error|Parse error|Runtime error)/m.test(r.stderr)) {
        throw new Error(`sqlite3 failed (${r.code}): ${r.stderr}`);
      }
      return r.stdout;
    },
    /** All bytes of the database (main file plus WAL/journal), for clear-text checks. */
    async dump() {
      const parts = [];
      for (const suffix of ['', '-wal', '-journal']) {
        if (fs.existsSync(file + suffix)) parts.push(fs.readFileSync(file + suffix));
      }
      return Buffer.concat(parts);
    },
    /** A copy of the (stopped) database in a new temp dir sharing the same key file. */
    async clone() {
      const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-test-'));
      const f2 = path.join(d2, 't.db');
      fs.copyFileSync(file, f2);
      for (const suffix of ['-wal', '-journal']) {
        if (fs.existsSync(file + suffix)) fs.copyFileSync(file + suffix, f2 + suffix);
      }
      const c = makeSqliteDb(d2, f2, keyFile);
      c.sharedKey = true;
      return c;
    },
    async drop() { db.dropSync(); },
    dropSync() {
      liveDbs.delete(db);
      if (!KEEP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  liveDbs.add(db);
  return db;
}

function makePgDb(dir, name, keyFile) {
  const db = {
    kind: 'pg', dir, name, keyFile, url: pgUrl(name),
    async exec(sql) {
      const r = await run('psql', [...pgArgs(), '-d', name, '-X', '-q', '-A', '-t',
        '-v', 'ON_ERROR_STOP=1', '-c', sql]);
      if (r.code !== 0) throw new Error(`psql failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async dump() {
      const r = await run('pg_dump', [...pgArgs(), '-d', name]);
      if (r.code !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
      return Buffer.from(r.stdout, 'utf8');
    },
    async clone() {
      const n2 = 'nmt_t_' + randomBytes(6).toString('hex');
      const r = await run('createdb', [...pgArgs(), '-T', name, n2]);
      if (r.code !== 0) throw new Error(`createdb -T ${name} ${n2} failed: ${r.stderr}`);
      const d2 = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-test-'));
      const c = makePgDb(d2, n2, keyFile);
      c.sharedKey = true;
      return c;
    },
    async drop() {
      liveDbs.delete(db);
      if (KEEP) return;
      await run('dropdb', [...pgArgs(), '--force', '--if-exists', name]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
    dropSync() {
      liveDbs.delete(db);
      if (KEEP) return;
      spawnSync('dropdb', [...pgArgs(), '--force', '--if-exists', name]);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  liveDbs.add(db);
  return db;
}

// ---------------------------------------------------------------------------
// nmtctl and nmtd

function checkBinaries() {
  for (const b of [NMTD, NMTCTL]) {
    if (!fs.existsSync(b)) {
      // (the build directory's files, when there was nothing to copy)
      throw new Error(`${b} not found; build first (meson compile -C ${path.relative(ROOT, BUILD_DIR) || '.'}) ` +
        'or set NMT_BUILD_DIR');
    }
  }
}

/** Run nmtctl against a database: {code, stdout, stderr}. */
export function ctlFor(db, args, { env } = {}) {
  return run(NMTCTL, ['--database', db.url, '--key-file', db.keyFile, ...args],
    { env: { NMT_TEST_CLOCK_FILE: dbClock(db), ...(env || {}) } });
}

/**
 * Sets a database's clock (for nmtctl and every server started on it) to an instant (ISO text or
 * Date) before anything runs on it; it runs on from there.
 */
export function setDatabaseClock(db, instant) {
  const target = (instant instanceof Date ? instant : new Date(instant)).getTime() / 1000;
  writeClockOffset(dbClock(db), Math.round(target - Date.now() / 1000));
}

/** The clock file of a database (in its directory, so a restarted server keeps the time). */
function dbClock(db) {
  if (!db.clockFile) db.clockFile = path.join(db.dir, 'clock');
  return db.clockFile;
}

/** Directory with the UI: the repo's web/ (or a stand-in index.html when the UI is not there yet). */
export function webDir() {
  const real = path.join(ROOT, 'web');
  if (fs.existsSync(path.join(real, 'index.html'))) return real;
  const d = path.join(os.tmpdir(), 'nmt-test-web-' + process.pid);
  if (!fs.existsSync(path.join(d, 'index.html'))) {
    fs.mkdirSync(d, { recursive: true });
    process.on('exit', () => fs.rmSync(d, { recursive: true, force: true }));
    fs.writeFileSync(path.join(d, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>NMT</title></head>' +
      '<body><p>NMT test stand-in</p></body></html>\n');
  }
  return d;
}

/**
 * Start nmtd on a database (a fresh one unless `db` is given); `args` are more command-line options.
 * Returns {base, url, keyFile, dbUrl, db, proc, stop(), kill9(), close(), ctl(args), stderr()}.
 */
export async function startServer({ env = {}, db, init = true, web, viaEnv = false, dbUrl, args: more = [] } = {}) {
  checkBinaries();
  db = db || await createDatabase();
  env = { NMT_TEST_CLOCK_FILE: dbClock(db), ...env };
  const clockFile = env.NMT_TEST_CLOCK_FILE;
  if (init) {
    const r = await ctlFor(db, ['init'], { env });
    if (r.code !== 0) {
      throw new Error(`nmtctl init failed (exit ${r.code}): ${r.stderr}${r.stdout}`);
    }
  }
  const url = dbUrl || db.url;
  const webd = web || webDir();
  // Either command-line flags or (viaEnv) the environment variables NMT_DATABASE, NMT_KEY_FILE,
  // NMT_LISTEN and NMT_WEB.
  const args = (viaEnv ? [] : ['--database', url, '--key-file', db.keyFile, '--listen', '127.0.0.1:0', '--web', webd])
    .concat(more);
  const penv = { ...process.env, ...env };
  for (const k of ['NMT_DATABASE', 'NMT_KEY_FILE', 'NMT_LISTEN', 'NMT_WEB']) delete penv[k];
  if (viaEnv) {
    Object.assign(penv, { NMT_DATABASE: url, NMT_KEY_FILE: db.keyFile, NMT_LISTEN: '127.0.0.1:0', NMT_WEB: webd });
  }
  Object.assign(penv, env);
  const proc = spawn(NMTD, args, { env: penv, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(proc);
  let stderr = '';
  let stdout = '';
  proc.stderr.setEncoding('utf8');
  proc.stdout.setEncoding('utf8');
  proc.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 200000) stderr = stderr.slice(-100000);
    if (VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => { liveChildren.delete(proc); resolve({ code, signal }); });
  });
  const base = await new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      proc.kill('SIGKILL');
      reject(new Error(`nmtd did not print its listening line within 15 s; stderr:\n${stderr}`));
    }, 15000);
    proc.stdout.on('data', (d) => {
      stdout += d;
      if (done) return;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      done = true;
      clearTimeout(timer);
      const first = stdout.slice(0, nl).replace(/\r$/, '');
      const m = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(first);
      if (!m || Number(m[2]) === 0) {
        proc.kill('SIGKILL');
        reject(new Error(`unexpected first stdout line from nmtd: ${JSON.stringify(first)}`));
      } else {
        resolve(m[1]);
      }
    });
    proc.on('exit', (code, signal) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`nmtd exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr}`));
    });
  });

  let stopped = false;
  const srv = {
    base, url: base, keyFile: db.keyFile, dbUrl: db.url, db, proc, env,
    stderr: () => stderr,
    ctl: (a, o) => ctlFor(db, a, { env: { ...env, ...((o && o.env) || {}) } }),
    clockFile,
    /** The server's time now, in seconds since the epoch (with its test-clock offset). */
    now: () => Date.now() / 1000 + clockOffset(clockFile),
    /** Moves the running server's clock (and nmtctl's for this database) forward by whole seconds. */
    advanceClock(seconds) {
      writeClockOffset(clockFile, clockOffset(clockFile) + Math.round(seconds));
      return srv.now();
    },
    /** Sets the server's clock to an instant (ISO text or Date); it runs on from there. */
    setClock(when) {
      const target = (when instanceof Date ? when.getTime() : Date.parse(when)) / 1000;
      assert.ok(Number.isFinite(target), `setClock: not a time: ${when}`);
      writeClockOffset(clockFile, Math.round(target - Date.now() / 1000));
      return srv.now();
    },
    /** SIGTERM and wait; returns {code, signal}. */
    async stop() {
      liveServers.delete(srv);
      if (stopped) return exited;
      stopped = true;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 10000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
    /** SIGKILL (crash) and wait. */
    async kill9() {
      liveServers.delete(srv);
      stopped = true;
      proc.kill('SIGKILL');
      return exited;
    },
    /** Stop and drop the database. */
    async close() {
      await srv.stop();
      await db.drop();
    },
  };
  liveServers.add(srv);
  return srv;
}

let userSeq = 0;
/** Unique username with a prefix. */
export function uname(prefix = 'u') {
  userSeq += 1;
  return `${prefix}${userSeq}${randomBytes(2).toString('hex')}`;
}

/** `nmtctl user add ... --json` → {username, password, totp_secret, otpauth_uri, org, role, region, display_name}. */
export async function addUser(srv, { username, org, role, region, displayName } = {}) {
  username = username || uname(role || 'user');
  const display = displayName || `Test ${username}`;
  const args = ['user', 'add', '--username', username, '--display-name', display,
    '--org', org, '--role', role];
  if (region) args.push('--region', region);
  args.push('--json');
  const r = await srv.ctl(args);
  if (r.code !== 0) throw new Error(`nmtctl ${args.join(' ')} failed (exit ${r.code}): ${r.stderr}`);
  let j;
  try { j = JSON.parse(r.stdout); } catch {
    throw new Error(`nmtctl user add --json printed no JSON: ${JSON.stringify(r.stdout)}`);
  }
  assert.equal(j.username, username, 'user add --json: username');
  assert.equal(typeof j.password, 'string', 'user add --json: password');
  assert.equal(typeof j.totp_secret, 'string', 'user add --json: totp_secret');
  return { ...j, org, role, region: region || null, display_name: display };
}

/** `nmtctl token create --username U --json` → the bearer token string. */
export async function token(srv, username) {
  const r = await srv.ctl(['token', 'create', '--username', username, '--json']);
  if (r.code !== 0) throw new Error(`nmtctl token create failed (exit ${r.code}): ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  assert.equal(typeof j.token, 'string');
  assert.ok(j.token.length > 0);
  return j.token;
}

/** addUser + token: the user object gets a `.token` field. */
export async function addUserWithToken(srv, spec) {
  const u = await addUser(srv, spec);
  u.token = await token(srv, u.username);
  return u;
}

// ---------------------------------------------------------------------------
// TOTP (RFC 6238, SHA-1, 6 digits, 30 s)

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = s.toUpperCase().replace(/[\s=]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function base32Encode(buf) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/** HOTP value for a counter (6 digits). */
export function hotp(key, counter) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', key).update(msg).digest();
  const off = h[h.length - 1] & 0x0f;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 1000000).padStart(6, '0');
}

/** TOTP code for a base32 secret at a time (seconds since the epoch). */
export function totp(secretB32, timeSeconds = Date.now() / 1000) {
  return hotp(base32Decode(secretB32), Math.floor(timeSeconds / 30));
}

/** TOTP code for a base32 secret at a given 30 s step number. */
export function totpStep(secretB32, step) {
  return hotp(base32Decode(secretB32), step);
}

// Self-test against RFC 6238 appendix B (SHA-1 key "12345678901234567890"; 8-digit values
// 94287082 and 07081804 → 6-digit "287082" and "081804").
{
  const rfcKey = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
  if (rfcKey !== 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ') throw new Error('base32 self-test failed');
  if (totp(rfcKey, 59) !== '287082' || totp(rfcKey, 1111111109) !== '081804') {
    throw new Error('TOTP self-test against RFC 6238 failed');
  }
}

// Steps already sent with a valid code, per server and user (a code that logged in once is
// never accepted again; servers may also refuse any step not newer than the last used one,
// so we only ever move forward).
const lastStep = new Map();

function stepKey(srv, username) { return `${srv.base}|${username}`; }

/** A 6-digit code that is not valid for the user anywhere near now (for deliberate failures). */
export function badCode(user) {
  const valid = new Set();
  for (const t of [Date.now() / 1000, ...[...liveServers].map((x) => x.now())]) {
    const s0 = Math.floor(t / 30);
    for (let s = s0 - 3; s <= s0 + 3; s++) valid.add(totpStep(user.totp_secret, s));
  }
  for (let n = 123456; ; n = (n + 111111) % 1000000) {
    const c = String(n).padStart(6, '0');
    if (!valid.has(c)) return c;
  }
}

/** Mark a step as used for a user (conservative bookkeeping). */
export function markStep(srv, username, step) {
  const k = stepKey(srv, username);
  const prev = lastStep.get(k);
  if (prev === undefined || step > prev) lastStep.set(k, step);
}

/** The next usable TOTP step for a user at the server's time (moves its clock to the next 30 s window if needed). */
export async function nextStep(srv, username) {
  for (;;) {
    const now = srv.now();
    const s0 = Math.floor(now / 30);
    const into = now - s0 * 30;
    const last = lastStep.get(stepKey(srv, username));
    const cands = [];
    if (into < 20) cands.push(s0 - 1);
    cands.push(s0, s0 + 1);
    const ok = cands.filter((s) => last === undefined || s > last);
    if (ok.length) return ok[0];
    // Nothing left in ±1 of now: move the server's clock into the next window.
    srv.advanceClock(Math.ceil((s0 + 1) * 30 - now) + 1);
  }
}

function parseSetCookie(res, name = 'nmt_session') {
  const all = typeof res.headers.getSetCookie === 'function' ? res.headers.getSetCookie() : [];
  for (const line of all) {
    const parts = line.split(';').map((s) => s.trim());
    const [nv, ...attrs] = parts;
    const eq = nv.indexOf('=');
    if (eq < 0 || nv.slice(0, eq) !== name) continue;
    const attributes = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      const k = (i < 0 ? a : a.slice(0, i)).toLowerCase();
      attributes[k] = i < 0 ? true : a.slice(i + 1);
    }
    return { raw: line, value: nv.slice(eq + 1), pair: nv, attributes };
  }
  return null;
}

/**
 * POST /api/v1/session for a user (from addUser). Options: step (TOTP step), totp (code string,
 * overrides step), password (override), username (override), omitTotp.
 * Returns {status, res, json, text, cookie, csrf, session, setCookie, step}.
 */
export async function login(srv, user, opts = {}) {
  const username = opts.username ?? user.username;
  let step = opts.step;
  let code = opts.totp;
  if (code === undefined && !opts.omitTotp) {
    if (step === undefined) step = await nextStep(srv, user.username);
    code = totpStep(user.totp_secret, step);
    markStep(srv, user.username, step);
  }
  const body = { username, password: opts.password ?? user.password };
  if (!opts.omitTotp) body.totp = code;
  const r = await api(srv, 'POST', '/api/v1/session', { body });
  const sc = parseSetCookie(r.res);
  const out = { ...r, step, setCookie: sc, cookie: null, csrf: null, session: null };
  if (r.status === 201 && sc) {
    out.cookie = sc.pair;
    out.csrf = r.json && r.json.csrf_token;
    out.session = { cookie: sc.pair, csrf: out.csrf };
  }
  return out;
}

/** login() that must succeed; returns the session {cookie, csrf}. */
export async function loginOk(srv, user, opts) {
  const r = await login(srv, user, opts);
  assert.equal(r.status, 201, `login ${user.username}: ${r.text}`);
  assert.ok(r.session, 'login set no nmt_session cookie');
  return r.session;
}

// ---------------------------------------------------------------------------
// HTTP

/**
 * Call the API. opts: token (bearer string) | session ({cookie, csrf}) | auth (either of those
 * objects or a user with .token), body (JSON value), rawBody (string/Buffer), contentType,
 * headers, csrf (string to send; false to send none; default: the session's for writes), ifMatch.
 * Returns {status, headers, json, text, res}.
 */
export async function api(srv, method, p, opts = {}) {
  const headers = {};
  let tok = opts.token;
  let session = opts.session;
  if (opts.auth) {
    if (opts.auth.cookie) session = opts.auth;
    else if (opts.auth.token) tok = opts.auth.token;
    else if (typeof opts.auth === 'string') tok = opts.auth;
  }
  if (tok) headers.authorization = `Bearer ${tok}`;
  if (session) {
    headers.cookie = session.cookie;
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(method);
    if (opts.csrf !== undefined) {
      if (opts.csrf !== false && opts.csrf !== null) headers['x-csrf-token'] = opts.csrf;
    } else if (write && session.csrf) {
      headers['x-csrf-token'] = session.csrf;
    }
  } else if (typeof opts.csrf === 'string') {
    headers['x-csrf-token'] = opts.csrf;
  }
  let body;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers['content-type'] = opts.contentType || 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = opts.contentType || 'application/json';
  } else if (opts.contentType) {
    headers['content-type'] = opts.contentType;
  }
  if (opts.ifMatch !== undefined) headers['if-match'] = opts.ifMatch;
  Object.assign(headers, opts.headers || {});
  // srv.fetch: a server reached another way (tests/cluster: nginx over TLS); else the global fetch.
  const res = await (srv.fetch || fetch)(srv.base + p, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  const ct = res.headers.get('content-type') || '';
  if (text && /json/i.test(ct)) {
    try { json = JSON.parse(text); } catch { json = null; }
  }
  checkResponse({
    method, path: p, status: res.status, contentType: res.headers.get('content-type'), text,
    header: (n) => res.headers.get(n), requestBody: sentJson(body, headers['content-type']),
  });
  return { status: res.status, headers: res.headers, json, text, res };
}

/** The JSON value of a request body sent as JSON (undefined when none or not JSON). */
function sentJson(body, contentType) {
  if (body === undefined || !/^application\/json\b/i.test(contentType || '')) return undefined;
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body));
  } catch {
    return undefined;
  }
}

/**
 * A raw HTTP/1.1 request with node:http (for huge bodies or headers, where the server may
 * answer before reading everything). Resolves {status, headers, text} or {error}.
 */
export async function rawRequest(srv, opts = {}) {
  const r = await rawRequestUnchecked(srv, opts);
  if (!r.error) {
    const h = (n) => {
      const v = r.headers[n.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
    };
    const ct = Object.entries(opts.headers || {}).find(([k]) => k.toLowerCase() === 'content-type');
    checkResponse({
      method: opts.method || 'GET', path: opts.path, status: r.status, contentType: h('content-type'),
      text: r.text, header: h, requestBody: sentJson(opts.body, ct && ct[1]),
    });
  }
  return r;
}

function rawRequestUnchecked(srv, { method = 'GET', path: p, headers = {}, body, chunked = false } = {}) {
  return new Promise((resolve) => {
    const u = new URL(srv.base);
    let settled = false;
    const finish = (v) => { if (!settled) { settled = true; resolve(v); } };
    const req = http.request({
      host: u.hostname, port: u.port, method, path: p,
      headers: { ...headers, ...(body !== undefined && !chunked ? { 'content-length': Buffer.byteLength(body) } : {}) },
      agent: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => finish({ status: res.statusCode, headers: res.headers, text }));
      res.on('error', () => finish({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', (e) => {
      // The server may answer and close while we are still sending; give the response a moment.
      setTimeout(() => finish({ error: e }), 300);
    });
    req.setTimeout(15000, () => { req.destroy(new Error('timeout')); });
    if (body === undefined) req.end();
    else if (!chunked) req.end(body);
    else {
      // Without Content-Length node:http sends Transfer-Encoding: chunked; send it in pieces.
      const b = Buffer.from(body);
      const step = 64 * 1024;
      for (let i = 0; i < b.length; i += step) req.write(b.subarray(i, i + step));
      req.end();
    }
  });
}

/**
 * Send raw bytes on a fresh TCP connection (all at once, as fast as the socket takes them) and
 * read until the server closes. Resolves {status, head, text, error} (error: a socket error
 * seen while sending or reading; status is still set when an answer arrived).
 */
export async function rawSocketRequest(srv, bytes, opts = {}) {
  const r = await rawSocketRequestUnchecked(srv, bytes, opts);
  if (r.status !== null) {
    const line = Buffer.from(bytes.subarray ? bytes.subarray(0, 8192) : String(bytes).slice(0, 8192))
      .toString('latin1').split('\r\n')[0];
    const [method, target] = line.split(' ');
    const fields = new Map();
    for (const l of r.head.split('\r\n').slice(1)) {
      const i = l.indexOf(':');
      if (i < 0) continue;
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      fields.set(k, fields.has(k) ? `${fields.get(k)}, ${v}` : v);
    }
    const h = (n) => fields.get(n.toLowerCase()) ?? null;
    let text = r.text;
    if (/\bchunked\b/i.test(h('transfer-encoding') || '')) {
      // Undo the chunked framing (sizes in hex, each chunk followed by CRLF).
      let out = '';
      let rest = Buffer.from(text, 'utf8');
      for (;;) {
        const nl = rest.indexOf('\r\n');
        const size = nl < 0 ? 0 : parseInt(rest.subarray(0, nl).toString('latin1'), 16);
        if (!size) break;
        out += rest.subarray(nl + 2, nl + 2 + size).toString('utf8');
        rest = rest.subarray(nl + 2 + size + 2);
      }
      text = out;
    }
    checkResponse({ method, path: target || '/', status: r.status, contentType: h('content-type'), text, header: h });
  }
  return r;
}

function rawSocketRequestUnchecked(srv, bytes, { timeoutMs = 15000 } = {}) {
  return new Promise((resolve) => {
    const u = new URL(srv.base);
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    let error = null;
    const timer = setTimeout(() => { error = error || new Error('timeout'); sock.destroy(); }, timeoutMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', (e) => { error = error || e; });
    sock.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      const sep = raw.indexOf('\r\n\r\n');
      resolve({
        status: m ? Number(m[1]) : null,
        head: sep >= 0 ? raw.slice(0, sep) : raw,
        text: sep >= 0 ? Buffer.from(raw.slice(sep + 4), 'latin1').toString('utf8') : '',
        error,
      });
    });
    sock.on('connect', () => sock.end(bytes));
  });
}

// ---------------------------------------------------------------------------
// Assertions

/** Assert an RFC 9457 problem response with a status. Returns the body. */
export function assertProblem(r, status, msg = '') {
  const where = `${msg ? msg + ': ' : ''}${r.status} ${r.text.slice(0, 300)}`;
  assert.equal(r.status, status, `expected ${status}; got ${where}`);
  const ct = r.headers.get ? r.headers.get('content-type') : r.headers['content-type'];
  assert.match(ct || '', /^application\/problem\+json\b/i, `problem content type (${where})`);
  const j = r.json ?? JSON.parse(r.text);
  assert.equal(typeof j, 'object', where);
  assert.equal(typeof j.type, 'string', `problem.type (${where})`);
  assert.equal(typeof j.title, 'string', `problem.title (${where})`);
  assert.equal(j.status, status, `problem.status (${where})`);
  assert.equal(typeof j.detail, 'string', `problem.detail (${where})`);
  return j;
}

/** Assert a 400 validation problem naming `field` in errors[]. */
export function assertFieldError(r, field, msg = '') {
  const j = assertProblem(r, 400, msg);
  assert.ok(Array.isArray(j.errors), `errors[] missing (${msg}): ${r.text}`);
  for (const e of j.errors) {
    assert.equal(typeof e.field, 'string', `errors[].field (${msg}): ${r.text}`);
    assert.equal(typeof e.message, 'string', `errors[].message (${msg}): ${r.text}`);
  }
  assert.ok(j.errors.some((e) => e.field === field),
    `errors[] does not name field ${JSON.stringify(field)} (${msg}): ${r.text}`);
  return j;
}

/** Assert status (with the body in the message). */
export function assertStatus(r, status, msg = '') {
  assert.equal(r.status, status, `${msg ? msg + ': ' : ''}expected ${status}, got ${r.status} ${r.text.slice(0, 400)}`);
}

export function assertNot2xx(r, msg = '') {
  assert.ok(r.status < 200 || r.status >= 300,
    `${msg ? msg + ': ' : ''}expected a refusal, got ${r.status} ${r.text.slice(0, 300)}`);
}

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// ---------------------------------------------------------------------------
// Domain helpers

export function caseBody(over = {}) {
  return {
    title: 'Testärende',
    summary: 'Sammanfattning',
    county: '12',
    exploitation: ['sexual'],
    ...over,
  };
}

/** POST /api/v1/cases as `auth` (see api()); must answer 201. Returns the case. */
export async function createCase(srv, auth, over = {}) {
  const r = await api(srv, 'POST', '/api/v1/cases', { auth, body: caseBody(over) });
  assertStatus(r, 201, 'create case');
  return r.json;
}

export function personBody(over = {}) {
  return { pseudonym: 'P-' + randomBytes(3).toString('hex'), gender: 'female', ...over };
}

/** POST /api/v1/cases/{id}/persons; must answer 201. Returns the person. */
export async function createPerson(srv, auth, caseId, over = {}) {
  const r = await api(srv, 'POST', `/api/v1/cases/${caseId}/persons`, { auth, body: personBody(over) });
  assertStatus(r, 201, 'create person');
  return r.json;
}

/**
 * GET /api/v1/persons/{id} as `auth`, and with it the identity as that caller
 * may reveal it (GET …/identity): the person answer, which must carry no
 * identity of its own, with `identity` set to the revealed block (left absent
 * when the reveal answers 404) and `text` extended by the reveal's body.
 */
export async function personWithIdentity(srv, auth, id) {
  const r = await api(srv, 'GET', `/api/v1/persons/${id}`, { auth });
  if (r.status !== 200) return r;
  assert.ok(!('identity' in r.json), 'the person answer carries no identity');
  const i = await api(srv, 'GET', `/api/v1/persons/${id}/identity`, { auth });
  if (i.status === 200) {
    const { access, break_glass_until: until, ...block } = i.json;
    r.json.identity = block;
    r.text += i.text;
  } else {
    assertStatus(i, 404, 'an identity not revealed is not found');
  }
  return r;
}

/** GET a list following next_cursor until the end (limit 200). Returns all items.
 *  opts: as api(), plus cursorOptional (a missing next_cursor means the end). */
export async function listAll(srv, p, opts = {}) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 1000; i++) {
    const sep = p.includes('?') ? '&' : '?';
    const url = `${p}${sep}limit=200${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`;
    const r = await api(srv, 'GET', url, opts);
    assertStatus(r, 200, `GET ${url}`);
    assert.ok(Array.isArray(r.json.items), `items[] in ${url}`);
    if (!opts.cursorOptional) assert.ok('next_cursor' in r.json, `next_cursor in ${url}`);
    items.push(...r.json.items);
    cursor = r.json.next_cursor ?? null;
    if (cursor === null) return items;
    assert.equal(typeof cursor, 'string');
  }
  throw new Error(`listAll ${p}: too many pages`);
}

/** Ids of all cases visible to `auth` (optionally with a query string like "q=x"). */
export async function caseIds(srv, auth, query = '') {
  const items = await listAll(srv, `/api/v1/cases${query ? '?' + query : ''}`, { auth });
  return items.map((c) => c.id).sort();
}

export function randomId() { return randomUUID(); }

export function isoDate(d) { return d.toISOString().slice(0, 10); }

/** A date `years` years and `days` days before the Swedish today, as YYYY-MM-DD. */
export function dateYearsAgo(years, days = 0) {
  // From today's Swedish civil date (the server's calendar), as text arithmetic in UTC.
  const [y, m, day] = swedishDate().split('-').map(Number);
  const d = new Date(Date.UTC(y - years, m - 1, day));
  d.setUTCDate(d.getUTCDate() - days);
  return isoDate(d);
}
