// sqlmap (Debian package) against every endpoint that takes parameters — query strings, JSON
// bodies and id path segments — at --level 1 --risk 1, on loopback, one endpoint at a time with a
// time limit each. Every endpoint must end with "all tested parameters do not appear to be
// injectable", no injection point, and no 500 among the answers; the daemon must still answer and
// its audit chain verify afterwards. Prints "sqlmap: N endpoints, M parameters tested, K injectable".
//
// PATCH needs the resource's current version in If-Match, and sqlmap cannot compute a header per
// request: it goes through a small loopback proxy here that sets If-Match to the version of the
// moment, so the payloads reach the update itself rather than stopping at 412. Creates go through
// it too: it writes the digits of ids and times in every answer as 0 (masked()), so that a new
// object's id and time do not read as a change of the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, addUserWithToken, api, createCase, createPerson, run, login,
} from '../api/harness.mjs';

const SQLMAP = '/usr/bin/sqlmap';
const PER_ENDPOINT_MS = 180000;

let srv;
let proxy;
let proxyUrl;
let out;
const U = {};
const figures = { endpoints: 0, parameters: 0, injectable: 0 };

before(async () => {
  srv = await startServer();
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator', username: 'sq_nmt' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member', username: 'sq_pol' });
  U.aud = await addUserWithToken(srv, { org: 'NMT', role: 'auditor', username: 'sq_aud' });
  U.login = await addUserWithToken(srv, { org: 'NMT', role: 'member', username: 'sq_login' });
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-sqlmap-'));
  // The proxy: forwards to nmtd; a PATCH gets If-Match from a GET of the same resource first.
  const target = new URL(srv.base);
  proxy = http.createServer(async (req, res) => {
    const u = new URL(req.url, srv.base);
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const headers = { ...req.headers, host: target.host };
    delete headers['proxy-connection'];
    if (req.method === 'PATCH') {
      const g = await fetch(srv.base + u.pathname, { headers: { authorization: req.headers.authorization } });
      const etag = g.headers.get('etag');
      await g.arrayBuffer();
      if (etag) headers['if-match'] = etag;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method,
      path: u.pathname + u.search, headers, agent: false }, async (r) => {
      const body = [];
      for await (const c of r) body.push(c);
      res.writeHead(r.statusCode, r.headers);
      res.end(masked(Buffer.concat(body)));
    });
    up.on('error', () => { res.writeHead(502); res.end(); });
    up.end(Buffer.concat(chunks));
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${proxy.address().port}`;
});

after(async () => {
  if (proxy) proxy.close();
  if (srv) await srv.close();
  if (out && process.env.NMT_TEST_KEEP !== '1') fs.rmSync(out, { recursive: true, force: true });
});

/*
 * An answer as sqlmap sees it through the proxy: every id and time with its digits as 0, the
 * length unchanged. A create answers with the new object's id and times, which differ from
 * request to request; ids of v7 begin with their time, so over a run the answers drift away
 * from the first one digit by digit, and sqlmap's comparison of pages can read that drift as
 * the difference between a true and a false condition. Every other byte still counts.
 */
function masked(buf) {
  return Buffer.from(buf.toString('latin1')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (m) => m.replace(/[0-9a-f]/g, '0'))
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, (m) => m.replace(/\d/g, '0')), 'latin1');
}

/** Runs sqlmap on one request; returns its output. */
async function sqlmap(name, { method = 'GET', url, data, token, viaProxy = false, ignore = null }) {
  const args = ['-u', url, '--batch', '--level', '1', '--risk', '1', '--flush-session',
    '--disable-coloring', '--timeout', '10', '--retries', '0', '--output-dir', path.join(out, name),
    '--method', method];
  const headers = [];
  if (token) headers.push(`Authorization: Bearer ${token}`);
  if (data !== undefined) {
    args.push('--data', JSON.stringify(data));
    headers.push('Content-Type: application/json');
  }
  if (headers.length) args.push(`--headers=${headers.join('\n')}`);
  if (viaProxy) args.push('--proxy', proxyUrl);
  // Answers that are right here but make sqlmap give up: a removed team row answers 404 from the
  // second request on; a wrong login 401, and 429 once the account is locked.
  if (ignore) args.push('--ignore-code', ignore);
  const r = await run(SQLMAP, args, { timeoutMs: PER_ENDPOINT_MS,
    env: { HOME: out } });
  const text = r.stdout + r.stderr;
  fs.writeFileSync(path.join(out, `${name}.log`), text);
  return { ...r, text };
}

function judge(name, r) {
  assert.equal(r.signal, null, `${name}: sqlmap did not finish within ${PER_ENDPOINT_MS} ms`);
  const tested = (r.text.match(/testing for SQL injection on /g) || []).length;
  // sqlmap's verdict, not its heuristics: an "appears to be ... injectable" it then rejects as a
  // false positive is not a finding.
  const injectable = /identified the following injection point|is vulnerable/i.test(r.text);
  const codes = /HTTP error codes detected during run:\s*\n(.*)/.exec(r.text);
  figures.endpoints += 1;
  figures.parameters += tested;
  if (injectable) figures.injectable += 1;
  assert.ok(!injectable, `${name}: sqlmap reports an injection:\n${r.text.slice(-3000)}`);
  assert.ok(tested > 0, `${name}: sqlmap tested no parameter:\n${r.text.slice(-3000)}`);
  assert.match(r.text, /all tested parameters do not appear to be injectable/,
    `${name}: sqlmap ended otherwise:\n${r.text.slice(-3000)}`);
  assert.ok(!codes || !/\b50\d \(/.test(codes[1]), `${name}: server errors during the run: ${codes && codes[1]}`);
}

test('sqlmap finds no injectable parameter on any endpoint', { timeout: 20 * 60000 }, async () => {
  const a = await createCase(srv, U.pol, { title: 'Sqlmap A', county: '12' });
  await createCase(srv, U.pol, { title: 'Sqlmap B', county: '12' });
  const p = await createPerson(srv, U.pol, a.id, { protected_identity: 'marked',
    identity: { full_name: 'Sql Map', date_of_birth: '1990-01-01', id_number: '1', phone: '2', address: '3' } });
  const row = await api(srv, 'POST', `/api/v1/cases/${a.id}/team`,
    { auth: U.pol, body: { organization: 'SKATTEVERKET', access: 'pseudonymous' } });
  assert.equal(row.status, 201);
  const page = await api(srv, 'GET', '/api/v1/cases?limit=1', { auth: U.nmt });
  const cursor = page.json.next_cursor;
  assert.equal(typeof cursor, 'string', 'a cursor to test');
  const apage = await api(srv, 'GET', '/api/v1/audit?limit=1', { auth: U.aud });
  const acursor = apage.json.next_cursor;
  const b = srv.base;
  const E = [
    ['cases-list', { url: `${b}/api/v1/cases?status=open&region=syd&q=sqlmap&limit=10&cursor=${encodeURIComponent(cursor)}`, token: U.nmt.token }],
    ['cases-create', { method: 'POST', url: `${b}/api/v1/cases`, token: U.nmt.token, viaProxy: true,
      data: { title: 'T', summary: 'S', county: '12', exploitation: ['sexual'] } }],
    ['case-read', { url: `${b}/api/v1/cases/${a.id}*`, token: U.nmt.token }],
    ['case-update', { method: 'PATCH', url: `${b}/api/v1/cases/${a.id}`, token: U.nmt.token, viaProxy: true,
      data: { title: 'T', summary: 'S', county: '12' } }],
    ['journal-read', { url: `${b}/api/v1/cases/${a.id}/journal?limit=10`, token: U.nmt.token }],
    ['journal-create', { method: 'POST', url: `${b}/api/v1/cases/${a.id}/journal`, token: U.nmt.token, viaProxy: true,
      data: { kind: 'note', text: 'N', visibility: 'team' } }],
    ['case-history', { url: `${b}/api/v1/cases/${a.id}*/history`, token: U.nmt.token }],
    ['team-read', { url: `${b}/api/v1/cases/${a.id}*/team`, token: U.nmt.token }],
    ['team-add', { method: 'POST', url: `${b}/api/v1/cases/${a.id}/team`, token: U.nmt.token,
      data: { organization: 'ARBETSMILJOVERKET', username: 'sq_pol', access: 'full' } }],
    ['team-remove', { method: 'DELETE', url: `${b}/api/v1/cases/${a.id}/team/${row.json.id}*`, token: U.nmt.token,
      ignore: '404' }],
    ['persons-create', { method: 'POST', url: `${b}/api/v1/cases/${a.id}/persons`, token: U.nmt.token, viaProxy: true,
      data: { pseudonym: 'P', gender: 'female', citizenship: 'SE', languages: ['sv'], vulnerabilities: ['poverty'],
        identity: { full_name: 'F', date_of_birth: '1990-01-01', id_number: 'I', phone: 'P', address: 'A' } } }],
    ['person-read', { url: `${b}/api/v1/persons/${p.id}*`, token: U.nmt.token }],
    ['person-update', { method: 'PATCH', url: `${b}/api/v1/persons/${p.id}`, token: U.pol.token, viaProxy: true,
      data: { pseudonym: 'P', citizenship: 'SE', languages: ['sv'],
        identity: { full_name: 'F', date_of_birth: '1990-01-01', id_number: 'I', phone: 'P', address: 'A' } } }],
    ['break-glass', { method: 'POST', url: `${b}/api/v1/persons/${p.id}/break-glass`, token: U.nmt.token,
      data: { category: 'urgent_decision', reason: 'Kontakt med personen behövs i dag.' } }],
    ['grants-list', { url: `${b}/api/v1/break-glass?case=${a.id}&limit=5`, token: U.aud.token }],
    ['audit-list', { url: `${b}/api/v1/audit?case=${a.id}&flagged=true&limit=5&cursor=${encodeURIComponent(acursor)}`,
      token: U.aud.token }],
    ['login', { method: 'POST', url: `${b}/api/v1/session`, data: { username: 'sq_login', password: 'x', totp: '123456' }, ignore: '401,429' }],
  ];
  for (const [name, spec] of E) judge(name, await sqlmap(name, spec));
  // Still serving, and the audit chain it wrote meanwhile is intact.
  const h = await api(srv, 'GET', '/healthz');
  assert.equal(h.status, 200);
  const me = await api(srv, 'GET', '/api/v1/me', { auth: U.pol });
  assert.equal(me.status, 200);
  const v = await srv.ctl(['audit', 'verify']);
  assert.equal(v.code, 0, `audit verify after sqlmap: ${v.stderr}${v.stdout}`);
  // sqlmap's wrong logins locked the account it aimed at; once the lock ends it logs in.
  assert.equal((await login(srv, U.login)).status, 429, 'locked by the failures sqlmap sent');
  srv.advanceClock(901);
  assert.equal((await login(srv, U.login)).status, 201, 'the lock ends');
  console.log(`sqlmap: ${figures.endpoints} endpoints, ${figures.parameters} parameters tested, ` +
    `${figures.injectable} injectable`);
});
