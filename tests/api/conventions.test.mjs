// API.md "Conventions": headers, errors, body rules, lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, rawRequest, rawSocketRequest, assertProblem, assertFieldError, assertStatus,
  caseBody, createCase, caseIds, randomId,
} from './harness.mjs';

let srv;
let pol; // POLISEN-SYD member
let tax; // SKATTEVERKET member, used for exact list contents

before(async () => {
  srv = await startServer();
  pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
});
after(async () => { if (srv) await srv.close(); });

function assertApiHeaders(r, what) {
  const cc = r.headers.get('cache-control') || '';
  assert.ok(cc.split(',').map((s) => s.trim().toLowerCase()).includes('no-store'),
    `${what}: Cache-Control must contain no-store, got ${JSON.stringify(cc)}`);
  assert.equal((r.headers.get('x-content-type-options') || '').toLowerCase(), 'nosniff',
    `${what}: X-Content-Type-Options`);
}

test('API responses carry Cache-Control: no-store and X-Content-Type-Options: nosniff', async () => {
  const ok = await api(srv, 'GET', '/api/v1/me', { auth: pol });
  assertStatus(ok, 200);
  assertApiHeaders(ok, 'GET /me 200');

  const list = await api(srv, 'GET', '/api/v1/cases', { auth: pol });
  assertStatus(list, 200);
  assertApiHeaders(list, 'GET /cases 200');

  const created = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody() });
  assertStatus(created, 201);
  assertApiHeaders(created, 'POST /cases 201');

  const unauth = await api(srv, 'GET', '/api/v1/cases');
  assertStatus(unauth, 401);
  assertApiHeaders(unauth, 'GET /cases 401');

  const nf = await api(srv, 'GET', `/api/v1/cases/${randomId()}`, { auth: pol });
  assertStatus(nf, 404);
  assertApiHeaders(nf, 'GET /cases/{random} 404');

  const bad = await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: '{' });
  assertStatus(bad, 400);
  assertApiHeaders(bad, 'POST /cases bad JSON 400');
});

test('GET / serves the UI with a strict Content-Security-Policy', async () => {
  const r = await api(srv, 'GET', '/');
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type') || '', /^text\/html\b/i);
  assert.match(r.text, /<html/i);
  const csp = r.headers.get('content-security-policy');
  assert.ok(csp, 'Content-Security-Policy header missing on GET /');
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors/);
  assert.ok(!csp.includes("'unsafe-inline'"), `CSP must not allow 'unsafe-inline': ${csp}`);
  // Scripts only from the site itself: script-src has nothing but 'self'.
  const scriptSrc = csp.split(';').map((s) => s.trim()).find((s) => s.startsWith('script-src'));
  assert.equal(scriptSrc, "script-src 'self'", `script-src must be only 'self': ${csp}`);
});

test('errors are application/problem+json with type, title, status, detail', async () => {
  assertProblem(await api(srv, 'GET', '/api/v1/cases'), 401, 'no credentials');
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${randomId()}`, { auth: pol }), 404, 'unknown case');
  assertProblem(await api(srv, 'GET', '/api/v1/no-such-endpoint', { auth: pol }), 404, 'unknown path');
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: '{"title": ' }), 400,
    'invalid JSON');
});

test('unknown /api/v1 path → 404', async () => {
  assertProblem(await api(srv, 'GET', '/api/v1/does/not/exist', { auth: pol }), 404);
  assertProblem(await api(srv, 'POST', '/api/v1/nothing-here', { auth: pol, body: {} }), 404);
});

test('wrong method on a known path → 405', async () => {
  assertProblem(await api(srv, 'PUT', '/api/v1/cases', { auth: pol, body: caseBody() }), 405, 'PUT /cases');
  assertProblem(await api(srv, 'DELETE', '/api/v1/organizations', { auth: pol }), 405, 'DELETE /organizations');
  const r = await api(srv, 'DELETE', '/api/v1/counties', { auth: pol });
  assertProblem(r, 405, 'DELETE /counties');
  assertApiHeaders(r, '405');
});

test('POST with a non-JSON content type → 415', async () => {
  const body = JSON.stringify(caseBody());
  const tp = await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: body, contentType: 'text/plain' });
  assertProblem(tp, 415, 'text/plain');
  assertApiHeaders(tp, '415');
  assertProblem(await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, rawBody: body, contentType: 'application/x-www-form-urlencoded' }), 415, 'form');
  // No content type at all is not application/json either.
  const r = await fetch(srv.base + '/api/v1/cases', {
    method: 'POST', headers: { authorization: `Bearer ${pol.token}` }, body: new Blob([body]),
  });
  assert.equal(r.status, 415, `no Content-Type: ${r.status}`);
});

test('a JSON body over 1 MiB → 413', async () => {
  const big = JSON.stringify(caseBody({ summary: 'a'.repeat(1.5 * 1024 * 1024) }));
  // An ordinary client (fetch) sends the body right after the headers. The 413 must reach it
  // every time, not a reset connection (the server has to read or drain what is sent while it
  // answers, or close only its sending side first).
  const outcomes = [];
  let last = null;
  for (let i = 0; i < 6; i++) {
    try {
      const res = await fetch(srv.base + '/api/v1/cases', {
        method: 'POST', body: big,
        headers: { authorization: `Bearer ${tax.token}`, 'content-type': 'application/json' },
      });
      const text = await res.text();
      outcomes.push(res.status);
      last = { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
    } catch (e) {
      outcomes.push(`network error ${(e.cause && e.cause.code) || e.message}`);
    }
  }
  // The same from a plain socket that writes the whole request at once.
  const head = `POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${tax.token}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(big)}\r\nConnection: close\r\n\r\n`;
  for (let i = 0; i < 4; i++) {
    const r = await rawSocketRequest(srv, Buffer.concat([Buffer.from(head), Buffer.from(big)]));
    outcomes.push(r.status ?? `no answer (${r.error && r.error.code})`);
  }
  assert.ok(last, `no answer at all: ${outcomes.join(', ')}`);
  assertProblem(last, 413);
  assertApiHeaders(last, '413');
  // The limit also holds for a chunked body (no Content-Length).
  const ch = await rawRequest(srv, {
    method: 'POST', path: '/api/v1/cases', body: big, chunked: true,
    headers: { authorization: `Bearer ${tax.token}`, 'content-type': 'application/json' },
  });
  assert.ok(!ch.error, `chunked request failed without an HTTP answer: ${ch.error && ch.error.message}`);
  assertProblem(ch, 413, 'chunked 1.5 MiB body');
  // And nothing was created.
  assert.deepEqual(await caseIds(srv, tax), []);
  assert.deepEqual(outcomes, Array(10).fill(413), `outcomes of 10 oversized POSTs (6 fetch, 4 raw socket): ${outcomes.join(', ')}`);
});

test('request headers over 16 KiB are refused', async () => {
  const r = await rawRequest(srv, {
    method: 'GET', path: '/api/v1/me',
    headers: { authorization: `Bearer ${pol.token}`, 'x-filler': 'x'.repeat(40 * 1024) },
  });
  // ARCHITECTURE.md: request line + headers ≤ 16 KiB, else 431 (API.md names the limit only).
  assert.ok(!r.error, `no HTTP answer: ${r.error && r.error.message}`);
  assertStatus(r, 431, '40 KiB of headers');
});

test('invalid JSON → 400', async () => {
  for (const raw of ['{', '{"title": "x",}', 'nope', '', '[]', '"string"', '{"title": "a"} trailing']) {
    const r = await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: raw });
    assertProblem(r, 400, `body ${JSON.stringify(raw)}`);
  }
});

test('duplicate keys → 400', async () => {
  const raw = '{"title":"a","title":"b","summary":"s","county":"12","exploitation":["sexual"]}';
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: raw }), 400);
});

test('unknown fields → 400, reported without their key', async () => {
  // A key is input like any value: an unknown member is reported as unknown_field at the path of
  // the object holding it ("" at the top), never by its key.
  const top = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: { ...caseBody(), titel: 'typo' } });
  const j = assertFieldError(top, '', 'unknown top-level field');
  assert.ok(j.errors.some((e) => e.field === '' && e.code === 'unknown_field'), top.text);
  assert.ok(!top.text.includes('titel'), `the key is echoed: ${top.text}`);
  const c = await createCase(srv, pol);
  const patch = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: pol, ifMatch: '"1"', body: { titel: 'typo' } });
  assertFieldError(patch, '', 'unknown field in PATCH');
  assert.ok(!patch.text.includes('titel'), `the key is echoed: ${patch.text}`);
  const nested = await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`,
    { auth: pol, body: { pseudonym: 'X', gender: 'male', identity: { full_name: 'A', '19800203-1111': 'B' } } });
  const n = assertFieldError(nested, 'identity', 'unknown nested field');
  assert.ok(n.errors.some((e) => e.field === 'identity' && e.code === 'unknown_field'), nested.text);
  assert.ok(!nested.text.includes('19800203'), `the key is echoed: ${nested.text}`);
});

test('malformed UTF-8 in a string → 400', async () => {
  const raw = Buffer.concat([
    Buffer.from('{"title":"ab'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from('","summary":"s","county":"12","exploitation":["sexual"]}'),
  ]);
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: raw }), 400);
  // An overlong encoding of "/" is not valid UTF-8 either.
  const overlong = Buffer.concat([
    Buffer.from('{"title":"a'), Buffer.from([0xc0, 0xaf]),
    Buffer.from('","summary":"s","county":"12","exploitation":["sexual"]}'),
  ]);
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: overlong }), 400, 'overlong');
});

test('field validation → 400 with errors [{field, message}]', async () => {
  assertFieldError(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ county: '99' }) }),
    'county', 'county 99');
  assertFieldError(await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, body: caseBody({ exploitation: ['sexual', 'smuggling'] }) }), 'exploitation[1]', 'exploitation');
  const noTitle = caseBody();
  delete noTitle.title;
  assertFieldError(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: noTitle }), 'title', 'missing title');
  assertFieldError(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ title: 42 }) }),
    'title', 'title not a string');
});

test('limit outside 1..200 → 400', async () => {
  for (const l of ['0', '201', '-1', 'abc']) {
    assertProblem(await api(srv, 'GET', `/api/v1/cases?limit=${l}`, { auth: pol }), 400, `limit=${l}`);
  }
  assertStatus(await api(srv, 'GET', '/api/v1/cases?limit=1', { auth: pol }), 200);
  assertStatus(await api(srv, 'GET', '/api/v1/cases?limit=200', { auth: pol }), 200);
});

test('pagination with limit and cursor', async () => {
  // A fresh organization with no cases yet: exactly the three cases below are visible.
  const u = await addUserWithToken(srv, { org: 'ARBETSMILJOVERKET', role: 'member' });
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await createCase(srv, u, { title: `Sida ${i}` })).id);

  const p1 = await api(srv, 'GET', '/api/v1/cases?limit=2', { auth: u });
  assertStatus(p1, 200);
  assert.equal(p1.json.items.length, 2);
  assert.equal(typeof p1.json.next_cursor, 'string');
  assert.ok(p1.json.next_cursor.length > 0);

  const p2 = await api(srv, 'GET', `/api/v1/cases?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { auth: u });
  assertStatus(p2, 200);
  assert.equal(p2.json.items.length, 1);
  assert.equal(p2.json.next_cursor, null);

  const seen = [...p1.json.items, ...p2.json.items].map((c) => c.id);
  assert.equal(new Set(seen).size, 3, 'no item twice');
  assert.deepEqual([...seen].sort(), [...made].sort());

  // Default limit: all three, next_cursor null.
  const all = await api(srv, 'GET', '/api/v1/cases', { auth: u });
  assertStatus(all, 200);
  assert.equal(all.json.items.length, 3);
  assert.equal(all.json.next_cursor, null);

  // A garbage cursor is refused, not a crash.
  const g = await api(srv, 'GET', '/api/v1/cases?cursor=not-a-real-cursor', { auth: u });
  assert.equal(g.status, 400, `garbage cursor: ${g.status}`);
});

// A cursor is opaque and tagged: only one the server made for this list is taken. One that only
// looks like a case number (the old cursors), a forged one, one changed by a single character, one
// for another list, and one that is not base64url are 400, so a client can tell a broken cursor
// from the end of the list.
test('a malformed, forged or foreign list cursor → 400', async () => {
  const u = await addUserWithToken(srv, { org: 'ARBETSMILJOVERKET', role: 'member' });
  for (let i = 0; i < 3; i++) await createCase(srv, u);
  const page = await api(srv, 'GET', '/api/v1/cases?limit=1', { auth: u });
  assertStatus(page, 200);
  const real = page.json.next_cursor;
  assertStatus(await api(srv, 'GET', `/api/v1/cases?limit=1&cursor=${encodeURIComponent(real)}`, { auth: u }), 200);
  const flipped = real.slice(0, 5) + (real[5] === 'A' ? 'B' : 'A') + real.slice(6);
  const forged = Buffer.from('0:NMT-9999-99999:').toString('base64url');
  const bad = ['NMT-2026--0000', 'NMT-2026-0000', 'NMT--00001', 'nmt-2026-00001', forged, flipped, '!!', ''];
  for (const cur of bad) {
    assertProblem(await api(srv, 'GET', `/api/v1/cases?cursor=${encodeURIComponent(cur)}`, { auth: pol }), 400, `cursor=${cur}`);
  }
  // A real case-list cursor is not an audit-log cursor.
  const auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  assertProblem(await api(srv, 'GET', `/api/v1/audit?cursor=${encodeURIComponent(real)}`, { auth: auditor }), 400);
});

test('a rejected request changes nothing', async () => {
  const before = await caseIds(srv, tax);
  const bad = [
    [400, { body: caseBody({ county: '99' }) }],
    [400, { body: { ...caseBody(), extra: true } }],
    [400, { rawBody: '{"title":"a","title":"b","summary":"s","county":"12","exploitation":["sexual"]}' }],
    [415, { rawBody: JSON.stringify(caseBody()), contentType: 'text/plain' }],
    [400, { body: caseBody({ exploitation: ['nope'] }) }],
  ];
  for (const [status, b] of bad) {
    const r = await api(srv, 'POST', '/api/v1/cases', { auth: tax, ...b });
    assertProblem(r, status, JSON.stringify(b).slice(0, 80));
  }
  assert.deepEqual(await caseIds(srv, tax), before);

  // A refused PATCH leaves the case and its version alone.
  const c = await createCase(srv, tax, { title: 'Oförändrad' });
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: tax, ifMatch: '"1"', body: { title: 'Ny titel', county: '99' } });
  assertStatus(r, 400);
  const g = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: tax });
  assertStatus(g, 200);
  assert.equal(g.json.title, 'Oförändrad');
  assert.equal(g.json.version, 1);
});

test('default limit is 50', async () => {
  const u = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  await Promise.all(Array.from({ length: 51 }, (_, i) => createCase(srv, u, { title: `Nummer ${i}` })));
  const r = await api(srv, 'GET', '/api/v1/cases', { auth: u });
  assertStatus(r, 200);
  assert.equal(r.json.items.length, 50);
  assert.equal(typeof r.json.next_cursor, 'string');
  const r2 = await api(srv, 'GET', `/api/v1/cases?cursor=${encodeURIComponent(r.json.next_cursor)}`, { auth: u });
  assertStatus(r2, 200);
  assert.equal(r2.json.items.length, 1);
  assert.equal(r2.json.next_cursor, null);
});

test('text is UTF-8 NFC: decomposed input is stored and served composed', async () => {
  const nfd = 'O\u0308land ha\u030Amn'; // "Öland hamn" decomposed
  const nfc = nfd.normalize('NFC');
  assert.notEqual(nfd, nfc);
  const r = await api(srv, 'POST', '/api/v1/cases', { auth: tax, body: caseBody({ title: nfd }) });
  // API.md: JSON in UTF-8 (NFC); the validator rewrites to NFC (ARCHITECTURE.md).
  assertStatus(r, 201);
  assert.equal(r.json.title, nfc, 'title served in NFC');
  const g = await api(srv, 'GET', `/api/v1/cases/${r.json.id}`, { auth: tax });
  assert.equal(g.json.title, nfc);
  // And it is found by the composed word.
  assert.ok((await caseIds(srv, tax, 'q=' + encodeURIComponent('öland'))).includes(r.json.id), 'q finds it');
});

test('application/json with parameters or in other letter case is JSON', async () => {
  for (const ct of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON']) {
    const r = await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: JSON.stringify(caseBody()), contentType: ct });
    assertStatus(r, 201, ct);
  }
});

test('a chunked request body is read', async () => {
  const r = await rawRequest(srv, {
    method: 'POST', path: '/api/v1/cases', body: JSON.stringify(caseBody({ title: 'Chunkad' })), chunked: true,
    headers: { authorization: `Bearer ${pol.token}`, 'content-type': 'application/json' },
  });
  assert.ok(!r.error, r.error && r.error.message);
  assertStatus(r, 201, 'chunked body');
  assert.equal(JSON.parse(r.text).title, 'Chunkad');
});

test('a body just under 1 MiB is not refused as too large', async () => {
  const body = JSON.stringify(caseBody({ summary: 'b'.repeat(1000 * 1000) }));
  assert.ok(Buffer.byteLength(body) < 1024 * 1024);
  const r = await api(srv, 'POST', '/api/v1/cases', { auth: tax, rawBody: body });
  // Read and validated, not refused for its size: the summary is over its own limit.
  assertFieldError(r, 'summary', '~1 MB body');
});

test('NMT_MAX_BODY sets the body limit', async () => {
  const s2 = await startServer({ env: { NMT_MAX_BODY: '2000' } });
  try {
    const u = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    assertStatus(await api(s2, 'POST', '/api/v1/cases', { auth: u, body: caseBody({ summary: 'c'.repeat(1000) }) }), 201);
    const r = await api(s2, 'POST', '/api/v1/cases', { auth: u, body: caseBody({ summary: 'c'.repeat(3000) }) });
    assertProblem(r, 413);
  } finally {
    await s2.close();
  }
});

test('hostile JSON is refused without harm', async () => {
  const deep = await api(srv, 'POST', '/api/v1/cases', { auth: pol, rawBody: '{"title":' + '['.repeat(400000) });
  assertProblem(deep, 400, 'deeply nested');
  const deep2 = await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, rawBody: '{"title":' + '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) + '}' });
  assertProblem(deep2, 400, 'deeply nested objects');
  // A NUL character: 400 (the strict parser refuses \u0000 before any field is looked at).
  const nul = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ title: 'a\u0000b' }) });
  assertProblem(nul, 400, 'NUL in a string');
  // A lone surrogate is not UTF-8 text: bad JSON, 400.
  const sur = await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, rawBody: JSON.stringify(caseBody({ title: 'XX' })).replace('XX', 'a\\ud800b') });
  assertProblem(sur, 400, 'lone surrogate');
  const dupNested = await api(srv, 'POST', `/api/v1/cases/${(await createCase(srv, pol)).id}/persons`, {
    auth: pol, rawBody: '{"pseudonym":"x","gender":"male","identity":{"full_name":"a","full_name":"b"}}' });
  assertProblem(dupNested, 400, 'duplicate key in a nested object');
  // Numbers where strings belong and the other way round.
  assertProblem(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ summary: ['x'] }) }), 400);
  // The server is still fine.
  assertStatus(await api(srv, 'GET', '/api/v1/me', { auth: pol }), 200);
});

test('odd paths and query values: 4xx, never a server error or a file outside web/', async () => {
  // Outside /api the static server answers 404 for anything it will not serve (traversal, NUL);
  // under /api an encoded NUL is 400 (ARCHITECTURE.md), an id that is no UUID is 404, a query
  // value that is not UTF-8 is 400, and a repeated parameter uses one of its values.
  for (const [p, status] of [
    ['/../../../../etc/passwd', 404], ['/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 404], ['/..%2f..%2f..%2fetc%2fpasswd', 404],
    ['/static/..%2f..%2f..%2f..%2fetc%2fpasswd', 404], ['/api/v1/cases/%00', 400], ['/api/v1/cases/..%2f..%2f', 404],
    ['/%00', 404], ['/api/v1/persons/%ff%fe', 404], ['/api/v1/cases?limit=1&limit=2', 200], ['/api/v1/cases?q=%ff', 400]]) {
    const r = await rawRequest(srv, { method: 'GET', path: p, headers: { authorization: `Bearer ${pol.token}` } });
    assert.ok(!r.error, `${p}: ${r.error && r.error.message}`);
    assertStatus(r, status, p);
    assert.ok(!/root:.*:0:0:/.test(r.text || ''), `${p} served /etc/passwd`);
  }
  assertProblem(await api(srv, 'GET', '/api/v1/cases?status=archived', { auth: pol }), 400, 'status filter');
  assertProblem(await api(srv, 'GET', '/api/v1/cases?region=atlantis', { auth: pol }), 400, 'region filter');
});

test('q with SQL wildcard or quote characters matches nothing special', async () => {
  const u = await addUserWithToken(srv, { org: 'RK-MITT', role: 'coordinator', region: 'mitt' });
  await createCase(srv, u, { title: 'Vanlig titel', county: '03' });
  // A word of such characters only is no word: refused naming q, never dropped.
  for (const q of ['%', '_', '*', "'", '"', '\\', "' OR '1'='1", '%%']) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`, { auth: u });
    assertFieldError(r, 'q', `q=${q}`);
  }
  // Inside a word they separate words, as spaces do.
  for (const q of ['100%', 'x_y', "o'brien", 'ord"']) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`, { auth: u });
    assertStatus(r, 200, `q=${q}`);
    assert.deepEqual(r.json.items, [], `q=${JSON.stringify(q)} must not match`);
  }
  assert.equal((await caseIds(srv, u, 'q=titel')).length, 1, 'control: the word itself matches');
});

test('field errors are bounded: 50 in the answer, the rest counted', async () => {
  const body = { title: 'T', county: '12', exploitation: ['sexual'] };
  for (let i = 0; i < 50000; i++) body[`x${i}`] = 1;
  const r = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body });
  assertProblem(r, 400);
  assert.equal(r.json.errors.length, 50);
  assert.equal(r.json.errors_omitted, 49950);
  assert.ok(r.text.length < 8192, `answer of ${r.text.length} bytes`);
  assert.ok(r.json.errors.every((e) => e.code === 'unknown_field' && e.field === ''));
});

test('a length limit holds for the text as sent: 200 decomposed letters (400 code points) are too long', async () => {
  const decomposed = 'e\u0301'.repeat(200); // 200 "é" after NFC, 400 code points as sent
  const r = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ title: decomposed }) });
  assertFieldError(r, 'title');
  assert.ok(r.json.errors.some((e) => e.field === 'title' && e.code === 'too_long'), r.text);
  const fits = 'e\u0301'.repeat(100);
  const ok = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ title: fits }) });
  assertStatus(ok, 201);
  assert.equal(ok.json.title, fits.normalize('NFC'));
});

test('an encoded NUL anywhere in the request target is 400, never a shortened value', async () => {
  for (const q of ['status=open%00x', 'limit=2%00x', 'region=syd%00x', 'q=ord%00zzz', 'cursor=%00']) {
    const r = await api(srv, 'GET', `/api/v1/cases?${q}`, { auth: pol });
    assert.equal(r.status, 400, `${q}: ${r.status} ${r.text.slice(0, 120)}`);
  }
});
