// The security headers of docs/SECURITY.md §8 on every endpoint (the route tables are read from
// src/api so that a new route without a check here fails), on the API's error answers and on
// static files; sessions and logout (the cookie is dead after logout, no fixation, CSRF), TOTP
// replay and lockout (docs/SECURITY.md §3). Prints "security headers: N answers checked".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ROOT, startServer, addUser, addUserWithToken, api, createCase, createPerson, login, loginOk,
  totpStep, markStep, nextStep, badCode, rawSocketRequest,
} from '../api/harness.mjs';

const API_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
const STATIC_HEADERS = {
  ...API_HEADERS,
  'cache-control': 'no-cache',
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

let srv;
const U = {};
let checked = 0;

before(async () => {
  srv = await startServer();
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator', username: 'h_nmt' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_pol' });
  U.aud = await addUserWithToken(srv, { org: 'NMT', role: 'auditor', username: 'h_aud' });
});

after(async () => {
  console.log(`security headers: ${checked} answers checked`);
  if (srv) await srv.close();
});

/** A headers getter for fetch() answers and for raw heads. */
function getter(r) {
  if (r.headers && typeof r.headers.get === 'function') return (n) => r.headers.get(n);
  const m = new Map();
  for (const l of (r.head || '').split('\r\n').slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) m.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  return (n) => m.get(n) ?? null;
}

function checkHeaders(r, want, where, { tls = false } = {}) {
  const h = getter(r);
  for (const [k, v] of Object.entries(want)) assert.equal(h(k), v, `${where}: ${k}`);
  if (tls) assert.equal(h('strict-transport-security'), 'max-age=31536000', `${where}: HSTS over TLS`);
  else assert.equal(h('strict-transport-security'), null, `${where}: no HSTS over plain HTTP`);
  for (const k of ['access-control-allow-origin', 'access-control-allow-credentials', 'x-powered-by', 'server']) {
    assert.equal(h(k), null, `${where}: ${k} must not be sent`);
  }
  checked += 1;
}

/** Every route declared in src/api: "METHOD /pattern". */
function declaredRoutes() {
  const dir = path.join(ROOT, 'src', 'api');
  const out = new Set();
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.c'))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/\.method\s*=\s*"([A-Z]+)",\s*\.pattern\s*=\s*"([^"]+)"/g)) out.add(`${m[1]} ${m[2]}`);
    // REFERENCE("/path", fn): GET routes declared through a macro.
    for (const m of text.matchAll(/^\s*REFERENCE\("([^"]+)"/gm)) out.add(`GET ${m[1]}`);
  }
  return out;
}

const NO_ID = '00000000-0000-4000-8000-000000000000';

test('every endpoint answers with the API security headers, with and without TLS in front', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  const p = await createPerson(srv, U.pol, c.id, { protected_identity: 'marked',
    identity: { full_name: 'H H', date_of_birth: '1990-01-01', id_number: '1', phone: '2', address: '3' } });
  const session = await loginOk(srv, await addUser(srv, { org: 'NMT', role: 'analyst', username: 'h_ana' }));
  const kons = { channel: 'phone', requester: { name: 'H' }, county: '12', question: 'H', concerns: [],
    child_involved: false, urgency: 'normal', consent: 'none' };
  const q = (await api(srv, 'POST', '/api/v1/consultations', { auth: U.nmt, body: kons })).json;
  const calls = {
    'GET /healthz': () => api(srv, 'GET', '/healthz'),
    // operations (issue 14): readiness and the metrics (a direct loopback client)
    'GET /readyz': () => api(srv, 'GET', '/readyz'),
    'GET /metrics': () => api(srv, 'GET', '/metrics'),
    'GET /api/v1/organizations': () => api(srv, 'GET', '/api/v1/organizations', { auth: U.pol }),
    'GET /api/v1/regions': () => api(srv, 'GET', '/api/v1/regions', { auth: U.pol }),
    'GET /api/v1/counties': () => api(srv, 'GET', '/api/v1/counties', { auth: U.pol }),
    'GET /api/v1/countries': () => api(srv, 'GET', '/api/v1/countries', { auth: U.pol }),
    'GET /api/v1/languages': () => api(srv, 'GET', '/api/v1/languages', { auth: U.pol }),
    'GET /api/v1/vocabularies': () => api(srv, 'GET', '/api/v1/vocabularies', { auth: U.pol }),
    'GET /api/v1/me': () => api(srv, 'GET', '/api/v1/me', { auth: U.pol }),
    'POST /api/v1/session': () => api(srv, 'POST', '/api/v1/session',
      { body: { username: 'h_nobody', password: 'x', totp: '000000' } }),
    'DELETE /api/v1/session': () => api(srv, 'DELETE', '/api/v1/session', { auth: session }),
    'GET /api/v1/cases': () => api(srv, 'GET', '/api/v1/cases', { auth: U.pol }),
    'POST /api/v1/cases': () => api(srv, 'POST', '/api/v1/cases',
      { auth: U.pol, body: { title: 'H', county: '12', exploitation: ['sexual'] } }),
    'GET /api/v1/cases/{id}': () => api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol }),
    'PATCH /api/v1/cases/{id}': () => api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
      { auth: U.pol, ifMatch: '"1"', body: { summary: 'h' } }),
    'GET /api/v1/cases/{id}/team': () => api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol }),
    'POST /api/v1/cases/{id}/team': () => api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { auth: U.pol, body: { organization: 'SKATTEVERKET', access: 'pseudonymous' } }),
    'DELETE /api/v1/cases/{id}/team/{id}': () => api(srv, 'DELETE',
      `/api/v1/cases/${c.id}/team/00000000-0000-4000-8000-000000000000`, { auth: U.pol }),
    'POST /api/v1/cases/{id}/persons': () => api(srv, 'POST', `/api/v1/cases/${c.id}/persons`,
      { auth: U.pol, body: { pseudonym: 'H', gender: 'male' } }),
    'GET /api/v1/persons/{id}': () => api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol }),
    'GET /api/v1/persons/{id}/identity': () => api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.pol }),
    'PATCH /api/v1/persons/{id}': () => api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
      { auth: U.pol, ifMatch: '"1"', body: { languages: ['sv'] } }),
    'POST /api/v1/persons/{id}/break-glass': () => api(srv, 'POST', `/api/v1/persons/${p.id}/break-glass`,
      { auth: U.nmt, body: { category: 'urgent_decision', reason: 'Behövs för att nå personen i dag.' } }),
    'GET /api/v1/break-glass': () => api(srv, 'GET', '/api/v1/break-glass', { auth: U.aud }),
    'GET /api/v1/audit': () => api(srv, 'GET', '/api/v1/audit?limit=5', { auth: U.aud }),
    'GET /api/v1/audit/export': () => api(srv, 'GET', '/api/v1/audit/export?limit=5', { auth: U.aud }),
    'GET /api/v1/cases/{id}/journal': () => api(srv, 'GET', `/api/v1/cases/${c.id}/journal`, { auth: U.pol }),
    'POST /api/v1/cases/{id}/journal': () => api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
      { auth: U.pol, body: { kind: 'note', text: 'H' } }),
    'GET /api/v1/cases/{id}/history': () => api(srv, 'GET', `/api/v1/cases/${c.id}/history`, { auth: U.pol }),
    'GET /api/v1/persons/{id}/history': () => api(srv, 'GET', `/api/v1/persons/${p.id}/history`, { auth: U.pol }),
    // Indicator screening (issue 9).
    'GET /api/v1/indicators': () => api(srv, 'GET', '/api/v1/indicators', { auth: U.pol }),
    'GET /api/v1/persons/{id}/assessments': () => api(srv, 'GET', `/api/v1/persons/${p.id}/assessments`,
      { auth: U.pol }),
    'POST /api/v1/persons/{id}/assessments': () => api(srv, 'POST', `/api/v1/persons/${p.id}/assessments`,
      { auth: U.pol, body: { observed: [] } }),
    // First-contact guidance and first meetings (issue 8 item 5).
    'GET /api/v1/guidance': () => api(srv, 'GET', '/api/v1/guidance?topic=first-contact&lang=en', { auth: U.pol }),
    'GET /api/v1/guidance/items/{id}': () => api(srv, 'GET',
      '/api/v1/guidance/items/00000000-0000-4000-8000-000000000000', { auth: U.pol }),
    'PATCH /api/v1/guidance/items/{id}': () => api(srv, 'PATCH',
      '/api/v1/guidance/items/00000000-0000-4000-8000-000000000000', { auth: U.pol, ifMatch: '"1"',
        body: { sv: { text: 'h' } } }),
    'GET /api/v1/guidance/items/{id}/history': () => api(srv, 'GET',
      '/api/v1/guidance/items/00000000-0000-4000-8000-000000000000/history', { auth: U.pol }),
    'GET /api/v1/persons/{id}/first-contact': () => api(srv, 'GET', `/api/v1/persons/${p.id}/first-contact`,
      { auth: U.pol }),
    'POST /api/v1/persons/{id}/first-contact': () => api(srv, 'POST', `/api/v1/persons/${p.id}/first-contact`,
      { auth: U.pol, body: { date: '2026-01-02', checklist: { introduced_self_and_mission: true,
        explained_can_and_cannot: true, interpreter_outside_network: false, safety_discussed: true,
        own_questions_answered: false } } }),
    // The support pathway (issue 10).
    'GET /api/v1/persons/{id}/pathway': () => api(srv, 'GET', `/api/v1/persons/${p.id}/pathway`, { auth: U.pol }),
    'POST /api/v1/persons/{id}/pathway/events': () => api(srv, 'POST', `/api/v1/persons/${p.id}/pathway/events`,
      { auth: U.pol, body: { type: 'identified', date: '2026-01-15' } }),
    // the duplicate check (issue 8)
    'POST /api/v1/persons/match': () => api(srv, 'POST', '/api/v1/persons/match',
      { auth: U.pol, body: { pseudonym: 'H' } }),
    // Intake.
    'POST /api/v1/organizations': () => api(srv, 'POST', '/api/v1/organizations',
      { auth: U.pol, body: { code: 'HNGO', name: 'H', kind: 'ngo' } }),
    'GET /api/v1/consultations': () => api(srv, 'GET', '/api/v1/consultations', { auth: U.nmt }),
    'GET /api/v1/consultations/counts': () => api(srv, 'GET', '/api/v1/consultations/counts', { auth: U.nmt }),
    'POST /api/v1/consultations': () => api(srv, 'POST', '/api/v1/consultations', { auth: U.nmt, body: kons }),
    'GET /api/v1/consultations/{id}': () => api(srv, 'GET', `/api/v1/consultations/${q.id}`, { auth: U.nmt }),
    'PATCH /api/v1/consultations/{id}': () => api(srv, 'PATCH', `/api/v1/consultations/${q.id}`,
      { auth: U.nmt, ifMatch: '"1"', body: { notes: 'H' } }),
    'POST /api/v1/consultations/{id}/case': () => api(srv, 'POST', `/api/v1/consultations/${q.id}/case`,
      { auth: U.nmt, body: {} }),
    // team suggestions, tasks, notifications
    'GET /api/v1/cases/{id}/team/suggestions': () => api(srv, 'GET', `/api/v1/cases/${c.id}/team/suggestions`,
      { auth: U.pol }),
    'POST /api/v1/cases/{id}/tasks': () => api(srv, 'POST', `/api/v1/cases/${c.id}/tasks`,
      { auth: U.pol, body: { organization: 'SOS-AVV', title: 'H', access: 'pseudonymous' } }),
    'GET /api/v1/cases/{id}/tasks': () => api(srv, 'GET', `/api/v1/cases/${c.id}/tasks`, { auth: U.pol }),
    'GET /api/v1/tasks': () => api(srv, 'GET', '/api/v1/tasks', { auth: U.pol }),
    'GET /api/v1/tasks/{id}': () => api(srv, 'GET', `/api/v1/tasks/${NO_ID}`, { auth: U.pol }),
    'POST /api/v1/tasks/{id}/accept': () => api(srv, 'POST', `/api/v1/tasks/${NO_ID}/accept`, { auth: U.pol }),
    'POST /api/v1/tasks/{id}/decline': () => api(srv, 'POST', `/api/v1/tasks/${NO_ID}/decline`,
      { auth: U.pol, body: { reason: 'H' } }),
    'POST /api/v1/tasks/{id}/complete': () => api(srv, 'POST', `/api/v1/tasks/${NO_ID}/complete`,
      { auth: U.pol, body: { outcome: 'H' } }),
    'POST /api/v1/tasks/{id}/revoke': () => api(srv, 'POST', `/api/v1/tasks/${NO_ID}/revoke`, { auth: U.pol }),
    'GET /api/v1/notifications': () => api(srv, 'GET', '/api/v1/notifications', { auth: U.pol }),
    'GET /api/v1/notifications/count': () => api(srv, 'GET', '/api/v1/notifications/count', { auth: U.pol }),
    'POST /api/v1/notifications/read': () => api(srv, 'POST', '/api/v1/notifications/read', { auth: U.pol }),
    'POST /api/v1/notifications/{id}/read': () => api(srv, 'POST', `/api/v1/notifications/${NO_ID}/read`,
      { auth: U.pol }),
    // Operations (issue 11).
    'GET /api/v1/scenarios': () => api(srv, 'GET', '/api/v1/scenarios', { auth: U.pol }),
    'GET /api/v1/operations': () => api(srv, 'GET', '/api/v1/operations', { auth: U.pol }),
    'POST /api/v1/operations': () => api(srv, 'POST', '/api/v1/operations', { auth: U.nmt,
      body: { kind: 'structural', title: 'H', purpose: 'H', region: 'syd', starts_on: '2026-01-02',
        ends_on: '2026-01-02', lead: 'POLISEN-SYD' } }),
    'GET /api/v1/operations/{id}': () => api(srv, 'GET', `/api/v1/operations/${NO_ID}`, { auth: U.pol }),
    'PATCH /api/v1/operations/{id}': () => api(srv, 'PATCH', `/api/v1/operations/${NO_ID}`,
      { auth: U.pol, ifMatch: '"1"', body: { notes: 'h' } }),
    'POST /api/v1/operations/{id}/participants': () => api(srv, 'POST', `/api/v1/operations/${NO_ID}/participants`,
      { auth: U.pol, body: { organization: 'SOS-AVV', role: 'field' } }),
    'DELETE /api/v1/operations/{id}/participants/{id}': () => api(srv, 'DELETE',
      `/api/v1/operations/${NO_ID}/participants/${NO_ID}`, { auth: U.pol }),
    'POST /api/v1/operations/{id}/encounters': () => api(srv, 'POST', `/api/v1/operations/${NO_ID}/encounters`,
      { auth: U.pol, body: { pseudonym: 'H', gender: 'male' } }),
    'GET /api/v1/operations/{id}/encounters': () => api(srv, 'GET', `/api/v1/operations/${NO_ID}/encounters`,
      { auth: U.pol }),
    'GET /api/v1/operations/{id}/summary': () => api(srv, 'GET', `/api/v1/operations/${NO_ID}/summary`,
      { auth: U.pol }),
    // statistics (issue 12): differential-privacy releases
    'POST /api/v1/stats/releases': () => api(srv, 'POST', '/api/v1/stats/releases',
      { auth: U.nmt, body: { measure: 'persons', by: ['gender'], year: 2026, epsilon: 0.1 } }),
    'GET /api/v1/stats/releases': () => api(srv, 'GET', '/api/v1/stats/releases', { auth: U.nmt }),
    'GET /api/v1/stats/releases/{id}': () => api(srv, 'GET', `/api/v1/stats/releases/${NO_ID}`, { auth: U.nmt }),
    // statistics (issue 12): JSON, and the CSV and XLSX answers
    'GET /api/v1/stats': async () => {
      for (const accept of ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']) {
        const r = await api(srv, 'GET', '/api/v1/stats?by=gender', { auth: U.nmt, headers: { accept } });
        assert.equal(r.status, 200, accept);
        checkHeaders(r, API_HEADERS, `GET /api/v1/stats as ${accept}`);
      }
      return api(srv, 'GET', '/api/v1/stats?by=gender', { auth: U.nmt });
    },
    'GET /api/v1/stats/eurostat': () => api(srv, 'GET', '/api/v1/stats/eurostat?year=2026', { auth: U.nmt }),
    'GET /api/v1/stats/national': () => api(srv, 'GET', '/api/v1/stats/national?year=2026', { auth: U.nmt }),
  };
  const declared = declaredRoutes();
  assert.ok(declared.size >= 20, `routes read from src/api: ${declared.size}`);
  for (const r of declared) assert.ok(calls[r], `route ${r} has no header check here`);
  for (const [name, call] of Object.entries(calls)) {
    const r = await call();
    assert.ok(r.status < 500, `${name}: ${r.status} ${r.text}`);
    checkHeaders(r, API_HEADERS, `${name} (${r.status})`);
  }
  // Behind nginx (loopback peer, X-Forwarded-Proto: https): HSTS too.
  for (const p2 of ['/healthz', '/api/v1/me', '/api/v1/cases/not-an-id']) {
    const r = await api(srv, 'GET', p2, { auth: U.pol, headers: { 'x-forwarded-proto': 'https' } });
    checkHeaders(r, API_HEADERS, `${p2} over TLS`, { tls: true });
  }
});

test("the API's own error answers carry the headers too", async () => {
  const cases = [
    ['unknown path', () => api(srv, 'GET', '/api/v1/nothing-here')],
    ['no credentials', () => api(srv, 'GET', '/api/v1/cases')],
    ['bad token', () => api(srv, 'GET', '/api/v1/cases', { token: 'nmtt_bad' })],
    ['method not allowed', () => api(srv, 'PUT', '/api/v1/cases', { auth: U.pol, body: {} })],
    ['bad JSON', () => api(srv, 'POST', '/api/v1/cases', { auth: U.pol, rawBody: '{"title":' })],
    ['wrong content type', () => api(srv, 'POST', '/api/v1/cases', { auth: U.pol, rawBody: 'x', contentType: 'text/plain' })],
    ['missing If-Match', () => api(srv, 'PATCH', `/api/v1/cases/${'0'.repeat(8)}-0000-4000-8000-000000000000`,
      { auth: U.pol, body: {} })],
    ['role refused', () => api(srv, 'GET', '/api/v1/cases', { auth: U.aud })],
  ];
  for (const [name, call] of cases) {
    const r = await call();
    assert.ok(r.status >= 400 && r.status < 500, `${name}: ${r.status}`);
    checkHeaders(r, API_HEADERS, `${name} (${r.status})`);
  }
});

test('static files carry the UI headers; hidden and escaping paths are 404', async () => {
  for (const p of ['/', '/index.html']) {
    const r = await fetch(srv.base + p);
    await r.text();
    assert.equal(r.status, 200, p);
    checkHeaders(r, STATIC_HEADERS, p);
  }
  for (const p of ['/../README.md', '/%2e%2e/README.md', '/.git/config', '/nonexistent.js']) {
    const r = await rawSocketRequest(srv, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.equal(r.status, 404, `${p}: ${r.head}`);
  }
});

test('answers to requests the gate refuses carry the API headers',
  async () => {
    const r = await rawSocketRequest(srv, 'GET /api/v1/me HTTP/1.1\r\nConnection: close\r\n\r\n');
    assert.equal(r.status, 400, r.head);
    assert.equal((r.head.match(/^HTTP\/1\.[01] /gm) || []).length, 1, `one status line: ${r.head}`);
    checkHeaders(r, API_HEADERS, 'no Host');
  });

// ---------------------------------------------------------------------------
// Sessions

const me = (session) => api(srv, 'GET', '/api/v1/me', { session });

test('session cookie attributes; Secure only behind TLS', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_cookie' });
  const r = await login(srv, u);
  assert.equal(r.status, 201);
  const a = r.setCookie.attributes;
  assert.equal(a.httponly, true, 'HttpOnly');
  assert.equal(String(a.samesite).toLowerCase(), 'strict', 'SameSite=Strict');
  assert.equal(a.path, '/', 'Path=/');
  assert.equal(a.secure, undefined, 'no Secure over plain HTTP');
  assert.match(r.setCookie.value, /^nmts_[A-Za-z0-9_-]{43}$/, '32 random bytes');
  const step = await nextStep(srv, u.username);
  markStep(srv, u.username, step);
  const t = await api(srv, 'POST', '/api/v1/session', { headers: { 'x-forwarded-proto': 'https' },
    body: { username: u.username, password: u.password, totp: totpStep(u.totp_secret, step) } });
  assert.equal(t.status, 201);
  assert.match(t.headers.get('set-cookie'), /;\s*Secure/i, 'Secure behind TLS');
});

test('logout kills the cookie; logout needs the CSRF token', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_logout' });
  const s = await loginOk(srv, u);
  assert.equal((await me(s)).status, 200);
  assert.equal((await api(srv, 'DELETE', '/api/v1/session', { session: s, csrf: false })).status, 403,
    'logout without X-CSRF-Token');
  assert.equal((await api(srv, 'DELETE', '/api/v1/session', { session: s, csrf: 'x'.repeat(43) })).status, 403,
    'logout with a wrong X-CSRF-Token');
  assert.equal((await me(s)).status, 200, 'still logged in after refused logouts');
  assert.equal((await api(srv, 'DELETE', '/api/v1/session', { session: s })).status, 204);
  assert.equal((await me(s)).status, 401, 'the cookie is dead after logout');
  assert.equal((await api(srv, 'DELETE', '/api/v1/session', { session: s })).status, 401, 'a second logout');
  // A cookie write without the CSRF token is refused before anything else.
  const s2 = await loginOk(srv, u);
  const w = await api(srv, 'POST', '/api/v1/cases', { session: s2, csrf: false,
    body: { title: 'x', county: '12', exploitation: ['sexual'] } });
  assert.equal(w.status, 403, 'cookie write without X-CSRF-Token');
});

test('no session fixation: a cookie the client brings is never adopted', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_fix' });
  const planted = 'nmts_' + 'A'.repeat(43);
  const step = await nextStep(srv, u.username);
  markStep(srv, u.username, step);
  const r = await api(srv, 'POST', '/api/v1/session', { headers: { cookie: `nmt_session=${planted}` },
    body: { username: u.username, password: u.password, totp: totpStep(u.totp_secret, step) } });
  assert.equal(r.status, 201);
  const set = /nmt_session=([^;]+)/.exec(r.headers.get('set-cookie'));
  assert.ok(set, 'a new cookie is set');
  assert.notEqual(set[1], planted, 'the planted value is not adopted');
  assert.equal((await me({ cookie: `nmt_session=${planted}` })).status, 401, 'the planted cookie is worthless');
  assert.equal((await me({ cookie: `nmt_session=${set[1]}` })).status, 200);
  // A second login gets a different session.
  const s2 = await loginOk(srv, u);
  assert.notEqual(s2.cookie, `nmt_session=${set[1]}`);
});

test('idle and absolute session expiry', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_idle' });
  const s = await loginOk(srv, u);
  srv.advanceClock(1801);
  assert.equal((await me(s)).status, 401, 'idle for more than 30 minutes');
  const s2 = await loginOk(srv, u);
  for (let i = 0; i < 24; i++) {
    srv.advanceClock(1750);
    assert.equal((await me(s2)).status, 200, `in use, ${i}`);
  }
  srv.advanceClock(1300); // 43 300 s after login, 1 300 s after its last use
  assert.equal((await me(s2)).status, 401, 'more than 12 hours after login');
});

// ---------------------------------------------------------------------------
// TOTP replay and lockout

test('a TOTP code logs in once; an earlier step never', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_replay' });
  const step = await nextStep(srv, u.username);
  const first = await login(srv, u, { step });
  assert.equal(first.status, 201);
  const again = await login(srv, u, { totp: totpStep(u.totp_secret, step) });
  assert.equal(again.status, 401, 'the same code again');
  const earlier = await login(srv, u, { totp: totpStep(u.totp_secret, step - 1) });
  assert.equal(earlier.status, 401, 'the step before');
  assert.equal(again.text, earlier.text, 'the same answer as any failure');
  // Replays count as failures: the account is not yet locked after 2, and a fresh step works.
  srv.advanceClock(31);
  assert.equal((await login(srv, u)).status, 201, 'the next step');
});

test('lockout after 5 failures: 429 even with the right credentials, per name only, then over', async () => {
  const u = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_lock' });
  const other = await addUser(srv, { org: 'POLISEN-SYD', role: 'member', username: 'h_other' });
  const wrong = { password: 'wrong-password', totp: badCode(u) };
  const answers = [];
  for (let i = 0; i < 5; i++) answers.push((await login(srv, u, wrong)).status);
  assert.deepEqual(answers, [401, 401, 401, 401, 401]);
  // Right codes for the server's time, sent without using up a step (a locked attempt checks none).
  const right = () => ({ totp: totpStep(u.totp_secret, Math.floor(srv.now() / 30)) });
  const locked = await login(srv, u, right());
  assert.equal(locked.status, 429, 'locked, though every part is right');
  assert.equal(locked.headers.get('retry-after'), '900');
  const folded = await login(srv, u, { username: 'H_LOCK', ...right() });
  assert.equal(folded.status, 429, 'a look-alike name shares the lock');
  assert.equal((await login(srv, other)).status, 201, 'another account from the same address');
  srv.advanceClock(890);
  assert.equal((await login(srv, u, right())).status, 429, 'still locked after 890 s');
  srv.advanceClock(11);
  assert.equal((await login(srv, u)).status, 201, 'the lock ends after 900 s');
});
