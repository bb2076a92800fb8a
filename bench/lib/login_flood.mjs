// Latency of other requests while wrong logins flood nmtd (bench/login_flood; README.md there).
// Loopback only, bounded: BENCH_FLOOD_CLIENTS clients (16) send BENCH_FLOOD_LOGINS wrong logins
// each (20), one after another, each client from its own X-Real-IP, to unknown user names. A
// probe sends GET /healthz and GET /api/v1/me (bearer) one after another, each on a new
// connection (BENCH_PROBE_KEEPALIVE=1: one keep-alive connection), first BENCH_PROBES rounds (200) with no flood, then for as long as the flood runs.
// Prints median, p99 and max per probe and phase, and how the flood's logins were answered.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

const [nmtd, nmtctl] = process.argv.slice(2);
const CLIENTS = Number(process.env.BENCH_FLOOD_CLIENTS || 16);
const LOGINS = Number(process.env.BENCH_FLOOD_LOGINS || 20);
const PROBES = Number(process.env.BENCH_PROBES || 200);
const THREADS = process.env.BENCH_NMTD_THREADS;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-flood-'));
const db = path.join(tmp, 'flood.db');
const key = path.join(tmp, 'key');
const ctl = (...a) => {
  const r = spawnSync(nmtctl, ['--database', db, '--key-file', key, ...a], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nmtctl ${a.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
ctl('init');
ctl('user', 'add', '--username', 'probe', '--display-name', 'Probe', '--org', 'NMT', '--role', 'coordinator',
  '--json');
const token = JSON.parse(ctl('token', 'create', '--username', 'probe', '--json')).token;

const args = ['--database', db, '--key-file', key, '--listen', '127.0.0.1:0'];
if (THREADS) args.push('--threads', THREADS);
const proc = spawn(nmtd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve, reject) => {
  let out = '';
  proc.stdout.on('data', (d) => {
    out += d;
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  proc.on('exit', (c) => reject(new Error(`nmtd exited (${c})`)));
});

const probeAgent = process.env.BENCH_PROBE_KEEPALIVE === '1' ?
  new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
const floodAgent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
function request(method, p, { headers = {}, body, agent } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, method, path: p, agent, headers: {
      ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
    } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6,
        retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function probeRound(into) {
  const h = await request('GET', '/healthz', { agent: probeAgent });
  const m = await request('GET', '/api/v1/me', { agent: probeAgent, headers: { authorization: `Bearer ${token}` } });
  if (h.status !== 200 || m.status !== 200) throw new Error(`probe answered ${h.status} / ${m.status}`);
  into.healthz.push(h.ms);
  into.me.push(m.ms);
}

const quiet = { healthz: [], me: [] };
for (let i = 0; i < PROBES; i++) await probeRound(quiet);

const flooded = { healthz: [], me: [] };
const counts = {};
const loginMs = [];
let running = true;
const flood = Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
  for (let i = 0; i < LOGINS; i++) {
    const body = JSON.stringify({ username: `flood${c}x${i}`, password: 'wrong-password', totp: '000000' });
    const r = await request('POST', '/api/v1/session', { body, agent: floodAgent,
      headers: { 'x-real-ip': `198.51.100.${c + 1}` } });
    const k = r.status === 429 ? `429 (Retry-After ${r.retryAfter})` : String(r.status);
    counts[k] = (counts[k] || 0) + 1;
    loginMs.push(r.ms);
  }
})).finally(() => { running = false; });
while (running) await probeRound(flooded);
await flood;

proc.kill('SIGTERM');
await new Promise((r) => proc.on('exit', r));
fs.rmSync(tmp, { recursive: true, force: true });

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `n=${String(s.length).padStart(5)}  median ${q(0.5).toFixed(2).padStart(7)} ms  ` +
    `p99 ${q(0.99).toFixed(2).padStart(7)} ms  max ${s[s.length - 1].toFixed(2).padStart(7)} ms`;
};
console.log(`nmtd ${THREADS ? `--threads ${THREADS}` : '(default threads)'}; ` +
  `flood: ${CLIENTS} clients x ${LOGINS} wrong logins; probes on ` +
  `${probeAgent ? 'one keep-alive connection' : 'a new connection each'}`);
console.log(`GET /healthz     no flood  ${stat(quiet.healthz)}`);
console.log(`GET /healthz     flood     ${stat(flooded.healthz)}`);
console.log(`GET /api/v1/me   no flood  ${stat(quiet.me)}`);
console.log(`GET /api/v1/me   flood     ${stat(flooded.me)}`);
console.log(`POST /session    flood     ${stat(loginMs)}`);
console.log(`flood answers: ${Object.entries(counts).map(([k, v]) => `${v} x ${k}`).join(', ')}`);
