// The cluster harness: two nmtd over one PostgreSQL database, with nginx in front of both as in
// deploy/nginx/nmt.conf (tests/cluster/*.test.mjs; scripts/test runs them in its cluster-pg stage).
//
// startCluster() gives {db, a, b, nginx, all, login(srv, user), stop()}:
//   a, b    the two nmtd (tests/api/harness.mjs startServer over the same database and key file,
//           sharing its test clock), each on its own loopback port;
//   nginx   a server object for harness api(): nginx over TLS on a loopback port, its upstream the
//           two nmtd; requests to it come from CLIENT_ADDRESS (127.0.0.2), so the audit log can
//           tell the client nginx names from nginx's own peer address (127.0.0.1).
// The nginx configuration is deploy/nginx/nmt.conf itself with only the host-specific lines
// replaced (the upstream servers, the listen addresses, the certificate and the log paths), each
// replacement checked, so a change to the shipped file is a change to what these tests run.
//
// Needs NMT_TEST_DB=pg with NMT_TEST_PG_HOST/NMT_TEST_PG_PORT (tests/support/pg.sh), nginx and
// openssl (scripts/setup installs both).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  DB_KIND, ROOT, createDatabase, ctlFor, login, markStep, nextStep, run, startServer,
} from '../api/harness.mjs';

export const DEPLOY_NGINX = path.join(ROOT, 'deploy', 'nginx', 'nmt.conf');
/** The address test clients reach nginx from (any 127/8 address is this host's). */
export const CLIENT_ADDRESS = '127.0.0.2';
/** The server name in deploy/nginx/nmt.conf, kept: the certificate is made for it. */
export const SERVER_NAME = 'nmt.example.se';

if (DB_KIND !== 'pg') {
  throw new Error('the cluster tests run over PostgreSQL: set NMT_TEST_DB=pg, NMT_TEST_PG_HOST and ' +
    'NMT_TEST_PG_PORT (tests/support/pg.sh start DIR)');
}

const liveNginx = new Set();
process.on('exit', () => {
  for (const p of liveNginx) {
    try { p.kill('SIGKILL'); } catch { /* gone */ }
  }
});

/** A TCP port free on 127.0.0.1 now (the kernel's pick). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Replaces what `re` matches in text (it must match `times` times); throws naming `what` otherwise. */
function replaceChecked(text, re, replacement, what, times = 1) {
  const n = (text.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g')) || []).length;
  if (n !== times) {
    throw new Error(`deploy/nginx/nmt.conf: expected ${times} × ${what}, found ${n}; update tests/cluster/cluster.mjs`);
  }
  return text.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), replacement);
}

/**
 * deploy/nginx/nmt.conf for this host: upstreams (ports of nmtd on 127.0.0.1), httpPort (the
 * redirect server), httpsPort, cert and key (PEM paths), accessLog (path). Returns the text.
 */
export function siteConfig({ upstreams, httpPort, httpsPort, cert, key, accessLog }) {
  let t = fs.readFileSync(DEPLOY_NGINX, 'utf8');
  t = replaceChecked(t, /^\tserver 127\.0\.0\.1:8080;$/m,
    upstreams.map((p) => `\tserver 127.0.0.1:${p};`).join('\n'), 'the upstream server line');
  t = replaceChecked(t, /^\tlisten 80;$/m, `\tlisten 127.0.0.1:${httpPort};`, 'listen 80');
  t = replaceChecked(t, /^\tlisten \[::\]:80;\n/m, '', 'listen [::]:80');
  t = replaceChecked(t, /^\tlisten 443 ssl http2;$/m, `\tlisten 127.0.0.1:${httpsPort} ssl http2;`, 'listen 443');
  t = replaceChecked(t, /^\tlisten \[::\]:443 ssl http2;\n/m, '', 'listen [::]:443');
  t = replaceChecked(t, /ssl_certificate \/etc\/ssl\/nmt\/fullchain\.pem;/, `ssl_certificate ${cert};`,
    'ssl_certificate');
  t = replaceChecked(t, /ssl_certificate_key \/etc\/ssl\/nmt\/privkey\.pem;/, `ssl_certificate_key ${key};`,
    'ssl_certificate_key');
  t = replaceChecked(t, /\/var\/log\/nginx\/nmt\.access\.log/, accessLog, 'the access log path', 2);
  return t;
}

/** The nginx main configuration around the site (a private prefix; no system paths). */
function mainConfig(dir) {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return `${asRoot ? 'user root;\n' : ''}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
	default_type application/octet-stream;
	client_body_temp_path ${dir}/body;
	proxy_temp_path ${dir}/proxy;
	fastcgi_temp_path ${dir}/fastcgi;
	uwsgi_temp_path ${dir}/uwsgi;
	scgi_temp_path ${dir}/scgi;
	include ${dir}/nmt.conf;
}
`;
}

/** A self-signed certificate for SERVER_NAME and 127.0.0.1 in dir: {cert, key, pem}. */
async function makeCertificate(dir) {
  const cert = path.join(dir, 'fullchain.pem');
  const key = path.join(dir, 'privkey.pem');
  const r = await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '2', '-subj', `/CN=${SERVER_NAME}`,
    '-addext', `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1`, '-keyout', key, '-out', cert]);
  if (r.code !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key, pem: fs.readFileSync(cert) };
}

/**
 * A fetch() for harness api() that goes to nginx over TLS (trusting only the test certificate)
 * from CLIENT_ADDRESS. Resolves a Response, as fetch does; never follows redirects.
 */
function nginxFetch(port, ca) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca, localAddress: CLIENT_ADDRESS });
  const f = (url, { method = 'GET', headers = {}, body } = {}) => new Promise((resolve, reject) => {
    const u = new URL(url);
    const h = { ...headers };
    if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
    const req = https.request({
      host: '127.0.0.1', port, method, path: u.pathname + u.search, headers: h, agent,
      servername: SERVER_NAME,
    }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('error', reject);
      res.on('end', () => {
        const rh = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) rh.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const empty = method === 'HEAD' || [204, 205, 304].includes(res.statusCode);
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status: res.statusCode, headers: rh }));
      });
    });
    req.on('error', reject);
    req.setTimeout(60000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
  f.agent = agent;
  return f;
}

/**
 * One request to nginx's plain-HTTP port (the redirect server), outside the API contract:
 * resolves {status, headers}.
 */
export function plainHttp(nginx, p) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: nginx.httpPort, path: p, localAddress: CLIENT_ADDRESS },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
      });
    req.on('error', reject);
    req.end();
  });
}

/** Waits (bounded) until nginx answers GET /healthz through to an nmtd; throws with its log if not. */
async function waitReady(srv, proc, dir) {
  const deadline = Date.now() + 15000;
  let last = null;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    try {
      const res = await srv.fetch(`${srv.base}/healthz`, { method: 'GET', headers: {} });
      if (res.status === 200) return true;
      last = `status ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    // Polls nginx's start-up (it says nothing when it listens), not the behaviour under test.
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = fs.existsSync(path.join(dir, 'error.log')) ? fs.readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
  if (/Address already in use/.test(log)) return false;
  throw new Error(`nginx did not answer through to nmtd (${last}); error.log:\n${log}`);
}

/**
 * Starts nginx in front of upstream ports: {base, fetch, httpPort, httpsPort, dir, config, now,
 * stop()}. `now` is taken from `clockOf` (a harness server), for TOTP codes.
 */
export async function startNginx(upstreams, clockOf) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-cluster-nginx-'));
  fs.chmodSync(dir, 0o755);
  const { cert, key, pem } = await makeCertificate(dir);
  for (let attempt = 0; attempt < 5; attempt++) {
    const httpPort = await freePort();
    const httpsPort = await freePort();
    const config = siteConfig({ upstreams, httpPort, httpsPort, cert, key,
      accessLog: path.join(dir, 'access.log') });
    fs.writeFileSync(path.join(dir, 'nmt.conf'), config);
    fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
    fs.rmSync(path.join(dir, 'error.log'), { force: true });
    const proc = spawn('nginx', ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    liveNginx.add(proc);
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      liveNginx.delete(proc);
      resolve({ code, signal });
    }));
    const srv = {
      base: `https://127.0.0.1:${httpsPort}`, fetch: nginxFetch(httpsPort, pem), httpPort, httpsPort, dir,
      config, proc, now: () => clockOf.now(), advanceClock: (s) => clockOf.advanceClock(s),
      stderr: () => stderr,
      async stop() {
        srv.fetch.agent.destroy();
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        const r = await exited;
        fs.rmSync(dir, { recursive: true, force: true });
        return r;
      },
    };
    if (await waitReady(srv, proc, dir)) return srv;
    proc.kill('SIGKILL');
    await exited;
  }
  throw new Error('nginx: no free pair of ports in 5 attempts');
}

/**
 * Two nmtd over one fresh PostgreSQL database and nginx in front of them. opts.env: extra
 * environment for both nmtd; opts.prepare(db): async, runs after `nmtctl init` and before the
 * servers start, and may return more environment for both. Returns {db, a, b, nginx, all, login,
 * stop}.
 */
export async function startCluster({ env = {}, prepare } = {}) {
  const db = await createDatabase();
  const init = await ctlFor(db, ['init']);
  if (init.code !== 0) throw new Error(`nmtctl init failed (exit ${init.code}): ${init.stderr}`);
  if (prepare) env = { ...env, ...((await prepare(db)) || {}) };
  const a = await startServer({ db, env, init: false });
  const b = await startServer({ db, env, init: false });
  const nginx = await startNginx([a, b].map((s) => Number(new URL(s.base).port)), a);
  const all = [a, b, nginx];
  const cluster = {
    db, a, b, nginx, all,
    /**
     * harness login() on one of the three with a TOTP step no instance has seen used for the
     * user (the harness keeps its bookkeeping per address; the cluster shares one).
     */
    async login(srv, user, opts = {}) {
      const step = opts.step ?? await nextStep(a, user.username);
      for (const s of all) markStep(s, user.username, step);
      return login(srv, user, { ...opts, step });
    },
    async stop() {
      await nginx.stop();
      await b.stop();
      await a.close();
    },
  };
  return cluster;
}

/** harness login() must give 201: the session {cookie, csrf}. */
export async function clusterLoginOk(cluster, srv, user) {
  const r = await cluster.login(srv, user);
  if (r.status !== 201) throw new Error(`login ${user.username} via ${srv.base}: ${r.status} ${r.text}`);
  return r.session;
}
