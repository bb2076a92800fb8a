// The soak (bench/soak; bench/README.md "Soak"): mixed load against nmtd on PostgreSQL for
// SOAK_SECONDS with a PostgreSQL restart in the middle, then one line per minute and a PASS/FAIL
// per criterion. Loopback only, bounded in time (every request has a timeout) and in count.
//
//   node bench/lib/soak.mjs NMTD NMTCTL DATABASE_URL PGSH PGDIR
//
// Load: SOAK_CLIENTS closed-loop clients paced to SOAK_RATE requests/s in all, each request drawn
// from a fixed mix (reads of a case, list pages, searches, GET /me, new cases, persons and
// journal entries), plus one login client: password + TOTP (RFC 6238, computed here), GET /me
// with the session, logout, over SOAK_LOGIN_USERS users (each TOTP step is used once).
// At SOAK_RESTART_AT seconds `pg.sh restart` runs (fast shutdown, start); the restart window is
// from that moment until SOAK_RECOVERY_SECONDS after PostgreSQL accepts connections again.
//
// Criteria: no 5xx outside the window and no answer other than the expected 2xx (or 503 with
// Retry-After inside it); RSS growth from the first minute to the last (the least sample of
// each minute's second half) < SOAK_RSS_GROWTH_PCT (5); every acknowledged write present; every write answered 503 absent
// or counted as "committed, answer lost"; `nmtctl audit verify` passes; nmtd served again after
// the restart. Exit status 1 when a criterion fails.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const [NMTD, NMTCTL, DB_URL, PGSH, PGDIR] = process.argv.slice(2);
if (!PGDIR) {
  console.error('usage: soak.mjs NMTD NMTCTL DATABASE_URL PGSH PGDIR');
  process.exit(2);
}

function knob(name, def) {
  const v = process.env[name] === undefined || process.env[name] === '' ? def : Number(process.env[name]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be a whole number (got ${process.env[name]})`);
  return v;
}
const SECONDS = knob('SOAK_SECONDS', 600);
const BUCKET = knob('SOAK_BUCKET_SECONDS', 60);
const CLIENTS = knob('SOAK_CLIENTS', 8);
const RATE = knob('SOAK_RATE', 150);
const RESTART_AT = knob('SOAK_RESTART_AT', Math.floor(SECONDS / 2));
const RECOVERY = knob('SOAK_RECOVERY_SECONDS', 3);
const CASES = knob('SOAK_CASES', 400);
const LOGIN_USERS = knob('SOAK_LOGIN_USERS', 20);
const RSS_PCT = knob('SOAK_RSS_GROWTH_PCT', 5);
const THREADS = process.env.SOAK_NMTD_THREADS;
const TIMEOUT_MS = 30000;
if (SECONDS < 2 * BUCKET || BUCKET < 1) throw new Error('SOAK_SECONDS must cover at least two SOAK_BUCKET_SECONDS');
if (CLIENTS < 1 || RATE < 1) throw new Error('SOAK_CLIENTS and SOAK_RATE must be at least 1');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-soak-'));
const KEY = path.join(tmp, 'key');
const log = (m) => process.stderr.write(`soak: ${m}\n`);

function ctl(...a) {
  const r = spawnSync(NMTCTL, ['--database', DB_URL, '--key-file', KEY, ...a], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nmtctl ${a[0]} ${a[1] || ''}: ${r.stderr}`);
  return r.stdout;
}

// ------------------------------------------------------------------ TOTP (RFC 6238, SHA-1, 30 s)
function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, val = 0;
  const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    val = (val << 5) | abc.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((val >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
function totpAt(secret, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// ------------------------------------------------------------------ set-up
log(`setting up: nmtctl init, ${LOGIN_USERS + 1} users, ${CASES} cases (seed-synthetic)`);
ctl('init');
ctl('user', 'add', '--username', 'soak', '--display-name', 'Soak Coordinator', '--org', 'NMT', '--role', 'coordinator',
  '--json');
const TOKEN = JSON.parse(ctl('token', 'create', '--username', 'soak', '--json')).token;
const loginUsers = [];
for (let i = 0; i < LOGIN_USERS; i++) {
  const u = JSON.parse(ctl('user', 'add', '--username', `soaklogin${i}`, '--display-name', `Inloggning ${i}`,
    '--org', 'POLISEN-SYD', '--role', 'member', '--json'));
  loginUsers.push({ ...u, lastStep: -1 });
}
if (CASES > 0) ctl('seed-synthetic', '--cases', String(CASES), '--persons-per-case', '2', '--seed', '14');

const args = ['--database', DB_URL, '--key-file', KEY, '--listen', '127.0.0.1:0'];
if (THREADS) args.push('--threads', THREADS);
const nmtd = spawn(NMTD, args, { stdio: ['ignore', 'pipe', 'pipe'] });
let nmtdErr = '';
nmtd.stderr.on('data', (d) => { nmtdErr = (nmtdErr + d).slice(-20000); });
let nmtdExited = null;
nmtd.on('exit', (code, signal) => { nmtdExited = { code, signal }; });
const PORT = await new Promise((resolve, reject) => {
  let out = '';
  const t = setTimeout(() => reject(new Error('nmtd did not listen within 60 s')), 60000);
  nmtd.stdout.on('data', (d) => {
    out += d;
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) { clearTimeout(t); resolve(Number(m[1])); }
  });
  nmtd.on('exit', () => reject(new Error(`nmtd exited during start-up: ${nmtdErr}`)));
});
const stopNmtd = () => { if (!nmtdExited) nmtd.kill('SIGTERM'); };
process.on('exit', stopNmtd);

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS + 2 });
/** One request; resolves {status, ms, json, retryAfter, problem} or {status: 0, error}. */
function request(method, p, { body, headers = {} } = {}) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: '127.0.0.1', port: PORT, method, path: p, agent, timeout: TIMEOUT_MS, headers: {
      accept: 'application/json', ...headers,
      ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}),
    } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { json = null; }
        resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6, json,
          retryAfter: res.headers['retry-after'], problem: /problem\+json/.test(res.headers['content-type'] || ''),
          cookie: (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('nmt_session=')) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - t0) / 1e6, error: e.message }));
    req.end(data);
  });
}
const bearer = { authorization: `Bearer ${TOKEN}` };

// The case ids to read: the seeded ones, and every case created during the soak; persons and
// journal entries go to open cases only (a closed case refuses them).
async function ids(filter) {
  const out = [];
  for (let cursor = null, i = 0; i < 100; i++) {
    const r = await request('GET', `/api/v1/cases?limit=200${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers: bearer });
    if (r.status !== 200) throw new Error(`listing the seeded cases: ${r.status}`);
    out.push(...r.json.items.map((c) => c.id));
    cursor = r.json.next_cursor;
    if (!cursor) break;
  }
  return out;
}
const caseIds = await ids('');
const openIds = await ids('&status=open');
if (openIds.length === 0) {
  const r = await request('POST', '/api/v1/cases', { headers: bearer,
    body: { title: 'Soak start', summary: 'Soak', county: '12', exploitation: ['sexual'] } });
  if (r.status !== 201) throw new Error(`creating a first case: ${r.status}`);
  caseIds.push(r.json.id);
  openIds.push(r.json.id);
}

// ------------------------------------------------------------------ the mix
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const WORDS = ['restaurang', 'städfirma', 'bärplockning', 'tiggeri', 'Malmö', 'Göteborg', 'lägenhet', 'kvarnsten'];
const LISTS = ['', '&status=open', '&status=closed', '&sort=number', '&sort=title&order=asc', '&sort=updated',
  '&sort=activity', '&exploitation=forced_labour', '&region=syd'];
const FORMS = ['sexual', 'forced_labour', 'begging', 'criminal_activities', 'other'];
let serial = 0;
const acked = { case: [], person: [], journal: [] }; // ids answered 201
const refused = { case: [], person: [], journal: [] }; // keys of writes answered 5xx
const MIX = [
  [35, 'read', () => ({ method: 'GET', path: `/api/v1/cases/${pick(caseIds)}` })],
  [12, 'list', () => ({ method: 'GET', path: `/api/v1/cases?limit=50${pick(LISTS)}` })],
  [10, 'search', () => ({ method: 'GET', path: `/api/v1/cases?q=${encodeURIComponent(pick(WORDS))}&limit=20` })],
  [5, 'journal page', () => ({ method: 'GET', path: `/api/v1/cases/${pick(caseIds)}/journal?limit=50` })],
  [5, 'me', () => ({ method: 'GET', path: '/api/v1/me' })],
  [10, 'create case', () => {
    const key = `Soak ${++serial} ${pick(WORDS)}`;
    return { method: 'POST', path: '/api/v1/cases', kind: 'case', key,
      body: { title: key, summary: 'Långtidsprov', county: pick(['01', '12', '14']), exploitation: [pick(FORMS)] } };
  }],
  [11, 'add person', () => {
    const key = `S-${++serial}`;
    return { method: 'POST', path: `/api/v1/cases/${pick(openIds)}/persons`, kind: 'person', key,
      body: { pseudonym: key, gender: pick(['female', 'male', 'unknown']) } };
  }],
  [12, 'journal entry', () => {
    const key = `Soak-anteckning ${++serial}`;
    return { method: 'POST', path: `/api/v1/cases/${pick(openIds)}/journal`, kind: 'journal', key,
      body: { kind: 'note', text: key } };
  }],
];
const MIX_TOTAL = MIX.reduce((s, m) => s + m[0], 0);
function draw() {
  let x = Math.random() * MIX_TOTAL;
  for (const [w, name, make] of MIX) {
    if ((x -= w) < 0) return { name, ...make() };
  }
  return { name: MIX[0][1], ...MIX[0][2]() };
}

// ------------------------------------------------------------------ recording
const T0 = Date.now();
const now = () => (Date.now() - T0) / 1000;
const nb = Math.ceil(SECONDS / BUCKET);
const buckets = Array.from({ length: nb }, () => ({ n: 0, x5: 0, bad: 0, ms: [], rss: [], rssEarly: [] }));
const rssLog = process.env.SOAK_RSS_LOG ? fs.openSync(process.env.SOAK_RSS_LOG, 'w') : null;
const events = []; // {t, status, name}, for the window
const unexpected = []; // first few answers outside the contract
let restart = { begin: null, end: null, done: null, rc: null };
function record(name, t, r, expect) {
  const b = buckets[Math.min(nb - 1, Math.floor(t / BUCKET))];
  b.n++;
  b.ms.push(r.ms);
  events.push({ t, end: now(), status: r.status, name });
  const ok5 = r.status === 503 && r.retryAfter !== undefined && r.problem;
  if (r.status >= 500 || r.status === 0) b.x5++;
  if (r.status !== expect && !ok5) {
    b.bad++;
    if (unexpected.length < 20) unexpected.push(`${t.toFixed(1)} s ${name}: ${r.status || r.error}`);
  }
}
function rssKiB() {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${nmtd.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch { return null; }
}
const rssTimer = setInterval(() => {
  const t = now();
  const i = Math.floor(t / BUCKET);
  const k = rssKiB();
  if (rssLog !== null) fs.writeSync(rssLog, `${t.toFixed(1)} ${k}\n`);
  // The floor of a minute is taken over its second half: the first minute's first seconds are
  // nmtd's warm-up (a database connection per worker thread), not growth.
  if (i < nb && k !== null) (t - i * BUCKET >= BUCKET / 2 ? buckets[i].rss : buckets[i].rssEarly).push(k);
}, 1000);

// ------------------------------------------------------------------ clients
const deadline = () => now() >= SECONDS;
async function loadClient(k) {
  const period = (1000 * CLIENTS) / RATE; // ms between this client's requests
  let next = Date.now() + Math.random() * period;
  while (!deadline() && !nmtdExited) {
    const wait = next - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    next = Math.max(next + period, Date.now() - 1000); // catch up at most a second, never burst more
    const q = draw();
    const t = now();
    const r = await request(q.method, q.path, { body: q.body, headers: bearer });
    record(q.name, t, r, q.method === 'POST' ? 201 : 200);
    if (q.kind) {
      if (r.status === 201) {
        acked[q.kind].push(r.json.id);
        if (q.kind === 'case') {
          caseIds.push(r.json.id);
          openIds.push(r.json.id);
        }
      } else if (r.status >= 500 || r.status === 0) refused[q.kind].push(q.key);
    }
  }
  void k;
}
let logins = 0;
async function loginClient() {
  while (!deadline() && !nmtdExited) {
    const step = Math.floor(Date.now() / 1000 / 30);
    const u = loginUsers.find((x) => x.lastStep < step);
    if (!u) { // every user has logged in within this 30 s step: wait for the next one
      await new Promise((res) => setTimeout(res, Math.min(1000, (step + 1) * 30000 - Date.now() + 50)));
      continue;
    }
    u.lastStep = step;
    let t = now();
    const r = await request('POST', '/api/v1/session',
      { body: { username: u.username, password: u.password, totp: totpAt(u.totp_secret, step) } });
    record('login', t, r, 201);
    if (r.status !== 201 || !r.cookie) continue;
    logins++;
    const auth = { cookie: r.cookie };
    t = now();
    record('me (session)', t, await request('GET', '/api/v1/me', { headers: auth }), 200);
    t = now();
    record('logout', t, await request('DELETE', '/api/v1/session',
      { headers: { ...auth, 'x-csrf-token': r.json.csrf_token } }), 204);
    await new Promise((res) => setTimeout(res, 500)); // a user, not a flood
  }
}
async function restarter() {
  while (now() < RESTART_AT && !nmtdExited) await new Promise((res) => setTimeout(res, 200));
  if (nmtdExited) return;
  restart.begin = now();
  log(`restarting PostgreSQL at ${restart.begin.toFixed(1)} s`);
  const rc = await new Promise((res) => {
    const p = spawn('sh', [PGSH, 'restart', PGDIR], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => res({ code, err }));
  });
  restart.end = now();
  restart.rc = rc.code;
  if (rc.code !== 0) log(`pg.sh restart failed: ${rc.err}`);
  restart.done = restart.end + RECOVERY;
}

log(`load: ${SECONDS} s, ${CLIENTS} clients at ${RATE} req/s in all + 1 login client over ${LOGIN_USERS} users; ` +
  `PostgreSQL restart at ${RESTART_AT} s; nmtd pid ${nmtd.pid}`);
const progress = setInterval(() => log(`${Math.floor(now())} s`), BUCKET * 1000);
await Promise.all([...Array.from({ length: CLIENTS }, (_, k) => loadClient(k)), loginClient(), restarter()]);
clearInterval(rssTimer);
clearInterval(progress);
const elapsed = now();

// ------------------------------------------------------------------ verification
const q = (ms) => (a) => {
  if (a.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.ceil(ms * s.length) - 1)];
};
const p50 = q(0.5), p99 = q(0.99);
// A request is in the window when it was in flight at any moment of it.
const inWindow = (e) => restart.begin !== null && e.end >= restart.begin && e.t < (restart.done ?? Infinity);
const is5xx = (e) => e.status >= 500 || e.status === 0;
const x5in = events.filter((e) => is5xx(e) && inWindow(e)).length;
const out5 = events.filter((e) => is5xx(e) && !inWindow(e));
const x5out = out5.length;
const badAll = buckets.reduce((s, b) => s + b.bad, 0);
const served = restart.end !== null &&
  events.some((e) => e.t >= restart.done && e.status === 200 && e.name === 'read') &&
  events.some((e) => e.t >= restart.done && e.status === 201);

function psql(sql) {
  const u = new URL(DB_URL);
  const r = spawnSync('psql', ['-h', u.searchParams.get('host'), '-p', u.searchParams.get('port'),
    '-U', u.searchParams.get('user') || 'postgres', '-d', u.pathname.slice(1), '-X', '-q', '-t', '-A',
    '-v', 'ON_ERROR_STOP=1'], { input: sql, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`psql: ${r.stderr}`);
  return r.stdout.trim();
}
const lit = (s) => `'${String(s).replace(/'/g, "''")}'`;
const rows = (a) => (a.length ? a.map((x) => `(${lit(x)})`).join(',') : `(NULL)`);
const TABLES = { case: ['nmt_case', 'title'], person: ['person', 'pseudonym'], journal: ['case_journal', 'text'] };
const missing = {}, committed = {};
for (const [kind, [table, col]] of Object.entries(TABLES)) {
  missing[kind] = Number(psql(`SELECT count(*) FROM (VALUES ${rows(acked[kind])}) AS a(id)
    WHERE a.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${table} t WHERE t.id = a.id);`));
  committed[kind] = Number(psql(`SELECT count(*) FROM (VALUES ${rows(refused[kind])}) AS a(k)
    WHERE EXISTS (SELECT 1 FROM ${table} t WHERE t.${col} = a.k);`));
}
const lost = Object.values(missing).reduce((s, x) => s + x, 0);
stopNmtd();
await new Promise((res) => (nmtdExited ? res() : nmtd.once('exit', res)));
const verify = spawnSync(NMTCTL, ['--database', DB_URL, '--key-file', KEY, 'audit', 'verify'], { encoding: 'utf8' });

// ------------------------------------------------------------------ report
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
// A minute's RSS is the least of the samples (one a second) of its second half, what stays
// resident: a login's
// password hash (Argon2id, 64 MiB of working memory, unmapped when it is done) shows as a peak
// in the largest sample while logins run, not as growth.
const rssFloor = (b) => (b.rss.length ? Math.min(...b.rss) : null);
const rssMost = (b) => (b.rss.length + b.rssEarly.length ? Math.max(...b.rss, ...b.rssEarly) : null);
const mib = (k) => (k === null ? '-' : (k / 1024).toFixed(1));
console.log(`soak: ${elapsed.toFixed(0)} s of mixed load on PostgreSQL (${CLIENTS} clients at ${RATE} req/s ` +
  `+ logins), nmtd pid ${nmtd.pid}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(`restart window: ${f1(restart.begin)} s → ${f1(restart.done)} s (pg.sh restart took ` +
  `${f1(restart.end - restart.begin)} s, exit ${restart.rc}; + ${RECOVERY} s for the reconnect backoff)`);
console.log('');
console.log('minute   from–to s   requests    req/s    5xx  unexpected   p50 ms   p99 ms   RSS MiB (least, most)');
buckets.forEach((b, i) => {
  const from = i * BUCKET, to = Math.min(SECONDS, from + BUCKET);
  const mark = restart.begin !== null && restart.begin < to && (restart.done ?? Infinity) > from ? ' *restart' : '';
  console.log(`${String(i + 1).padStart(6)}  ${`${from}–${to}`.padStart(10)}  ${String(b.n).padStart(9)}  ` +
    `${(b.n / (to - from)).toFixed(1).padStart(7)}  ${String(b.x5).padStart(5)}  ${String(b.bad).padStart(10)}  ` +
    `${f1(p50(b.ms)).padStart(7)}  ${f1(p99(b.ms)).padStart(7)}  ${mib(rssFloor(b)).padStart(8)} ` +
    `${mib(rssMost(b)).padStart(6)}${mark}`);
});
const first = rssFloor(buckets[0]), last = rssFloor(buckets[nb - 1]);
const growth = first && last ? (100 * (last - first)) / first : NaN;
const writes = (o) => Object.entries(o).map(([k, a]) => `${a.length ?? a} ${k}`).join(', ');
console.log('');
console.log(`requests: ${events.length}; logins ${logins} (each: login with TOTP, GET /me, logout)`);
console.log(`writes acknowledged: ${writes(acked)}; answered 5xx: ${writes(refused)}`);
console.log(`5xx inside the restart window: ${x5in}; outside: ${x5out}`);
if (x5out) {
  console.log(`5xx outside the window (first 20): ${out5.slice(0, 20).map((e) =>
    `${e.t.toFixed(1)}–${e.end.toFixed(1)} s ${e.name}: ${e.status}`).join('; ')}`);
}
if (unexpected.length) console.log(`unexpected answers (first ${unexpected.length}): ${unexpected.join('; ')}`);
const crit = [
  ['0 5xx outside the restart window', x5out === 0, `${x5out}`],
  ['every answer as the contract says (2xx, or 503 with Retry-After and a problem document)', badAll === 0,
    `${badAll} unexpected`],
  [`RSS growth first→last minute < ${RSS_PCT} %`, Number.isFinite(growth) && growth < RSS_PCT,
    `${mib(first)} → ${mib(last)} MiB = ${f1(growth)} %`],
  ['no acknowledged write lost', lost === 0, `${lost} missing (${writes(missing)})`],
  ['writes answered 5xx: absent, or committed with the answer lost (reported)', true,
    `committed anyway: ${writes(committed)}`],
  ['nmtd served reads and writes again after the restart', served && restart.rc === 0, served ? 'yes' : 'no'],
  ['nmtctl audit verify', verify.status === 0, (verify.stdout + verify.stderr).trim().split('\n').pop()],
  ['nmtd ran to the end', !nmtdExited || nmtdExited.signal === 'SIGTERM' || nmtdExited.code === 0,
    nmtdExited ? `exit ${nmtdExited.code ?? nmtdExited.signal}` : 'yes'],
];
console.log('');
for (const [what, ok, fig] of crit) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}: ${fig}`);
const failed = crit.filter((c) => !c[1]).length;
console.log(failed ? `soak: FAIL (${failed} of ${crit.length} criteria)` : `soak: PASS (${crit.length} criteria)`);
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
