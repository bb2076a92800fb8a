// nginx in front of two nmtd, configured by deploy/nginx/nmt.conf itself (issue 14, item 4): what
// nginx adds reaches nmtd as OPERATIONS.md "Behind nginx" says. The client address in the audit log
// is the one nginx saw, whatever X-Real-IP or X-Forwarded-For the client sent; TLS at nginx makes
// the session cookie Secure and adds Strict-Transport-Security; plain HTTP is redirected; both
// nmtd are upstreams, and one of them going away costs no request.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addUser, addUserWithToken, api, assertStatus, caseBody, listAll, markStep, nextStep, totpStep,
} from '../api/harness.mjs';
import { CLIENT_ADDRESS, SERVER_NAME, clusterLoginOk, plainHttp, startCluster } from './cluster.mjs';

const SPOOF = { 'x-real-ip': '203.0.113.9', 'x-forwarded-for': '198.51.100.7' };

let cl;
let auditor;

before(async () => {
  cl = await startCluster();
  auditor = await addUserWithToken(cl.a, { org: 'NMT', role: 'auditor' });
});
after(async () => { if (cl) await cl.stop(); });

/** The audit entries of a case, as the auditor reads them on A. */
const caseEntries = (id) => listAll(cl.a, `/api/v1/audit?case=${id}`, { auth: auditor });

test('the generated configuration is the shipped one with both nmtd as its upstream', () => {
  const ports = [cl.a, cl.b].map((s) => new URL(s.base).port);
  const upstream = /upstream nmtd \{([^}]*)\}/.exec(cl.nginx.config);
  assert.ok(upstream, 'an upstream block named nmtd');
  const servers = [...upstream[1].matchAll(/^\s*server 127\.0\.0\.1:(\d+);$/gm)].map((m) => m[1]);
  assert.deepEqual(servers, ports);
  for (const line of ['proxy_set_header X-Real-IP $remote_addr;', 'proxy_set_header X-Forwarded-Proto https;',
    'proxy_pass http://nmtd;']) {
    assert.ok(cl.nginx.config.includes(line), `kept: ${line}`);
  }
});

test('a write through nginx is audited with the client nginx saw, not what the client claimed', async () => {
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const r = await api(cl.nginx, 'POST', '/api/v1/cases', { auth: u, body: caseBody(), headers: SPOOF });
  assertStatus(r, 201);
  const read = await api(cl.nginx, 'GET', `/api/v1/cases/${r.json.id}`, { auth: u, headers: SPOOF });
  assertStatus(read, 200);
  const entries = await caseEntries(r.json.id);
  const create = entries.find((e) => e.action === 'case.create');
  const get = entries.find((e) => e.action === 'case.read');
  assert.ok(create && get, `entries: ${JSON.stringify(entries.map((e) => e.action))}`);
  assert.equal(create.client, CLIENT_ADDRESS);
  assert.equal(get.client, CLIENT_ADDRESS);
});

test('straight to nmtd, X-Forwarded-For is not read: the peer is recorded', async () => {
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const r = await api(cl.b, 'POST', '/api/v1/cases',
    { auth: u, body: caseBody(), headers: { 'x-forwarded-for': '198.51.100.7' } });
  assertStatus(r, 201);
  const create = (await caseEntries(r.json.id)).find((e) => e.action === 'case.create');
  assert.equal(create.client, '127.0.0.1');
});

test('a login through nginx: Secure cookie, HSTS, and the client nginx saw in the audit log', async () => {
  const u = await addUser(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const step = await nextStep(cl.a, u.username);
  for (const srv of cl.all) markStep(srv, u.username, step);
  const r = await api(cl.nginx, 'POST', '/api/v1/session', {
    body: { username: u.username, password: u.password, totp: totpStep(u.totp_secret, step) }, headers: SPOOF,
  });
  assertStatus(r, 201);
  const cookie = r.headers.getSetCookie().find((c) => c.startsWith('nmt_session='));
  assert.ok(cookie, 'a session cookie');
  const attrs = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
  assert.ok(attrs.includes('secure'), `Secure behind TLS: ${attrs}`);
  assert.ok(attrs.includes('httponly'));
  assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d+/);
  // The same user straight to an instance over plain HTTP: no Secure, no HSTS.
  const direct = await cl.login(cl.a, u);
  assertStatus(direct, 201);
  assert.equal(direct.setCookie.attributes.secure, undefined, 'no Secure over plain HTTP');
  assert.equal(direct.headers.get('strict-transport-security'), null);

  const logins = (await listAll(cl.a, '/api/v1/audit', { auth: auditor }))
    .filter((e) => e.action === 'login.success' && e.actor === u.username).sort((x, y) => x.seq - y.seq);
  assert.deepEqual(logins.map((e) => e.client), [CLIENT_ADDRESS, '127.0.0.1']);
});

test('plain HTTP is redirected to HTTPS', async () => {
  const r = await plainHttp(cl.nginx, '/api/v1/me');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, `https://${SERVER_NAME}/api/v1/me`);
});

test('both nmtd serve behind nginx: with A stopped, every request is answered by B', async () => {
  // The upstream lists both (first test); that B really serves through nginx shows when A,
  // the first of them, is gone: no request is lost, reads and writes alike.
  const u = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const s = await clusterLoginOk(cl, cl.nginx, u);
  await cl.a.stop();
  for (let i = 0; i < 6; i++) {
    assertStatus(await api(cl.nginx, 'GET', '/api/v1/me', { session: s }), 200, `request ${i} with A stopped`);
  }
  const c = await api(cl.nginx, 'POST', '/api/v1/cases', { session: s, body: caseBody() });
  assertStatus(c, 201, 'a write with A stopped');
  assertStatus(await api(cl.b, 'GET', `/api/v1/cases/${c.json.id}`, { auth: u }), 200, 'B has it');
});
