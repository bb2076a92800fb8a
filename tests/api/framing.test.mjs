// HTTP framing (SECURITY.md "Request framing"): every request two parsers could read differently
// (RFC 9112 section 6, RFC 9110 section 5.5) is refused with a problem, the API's security headers,
// exactly one status line, and the connection closed by the server, so nothing sent after it on
// that connection is read as another request. Also the answers the HTTP library used to make
// itself (no Host, bad Content-Length, URI too long, too many fields) come out the same way.
//
// Each case goes out as raw bytes on a fresh socket that stays open for writing (the client does
// not half-close), and the test waits for the server to close it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, addUserWithToken, assertProblem } from './harness.mjs';
import { checkResponse } from './contract.mjs';

let srv;
let pol;

before(async () => {
  srv = await startServer();
  pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});
after(async () => { if (srv) await srv.close(); });

/**
 * Sends bytes and reads until the server closes (or waitMs pass). Resolves
 * {closed, responses: [{status, head, headers, text}]}: every response found, in order.
 */
function exchange(bytes, { waitMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const u = new URL(srv.base);
    const sock = net.connect(Number(u.port), u.hostname);
    const chunks = [];
    let closed = false;
    const timer = setTimeout(() => sock.destroy(), waitMs);
    sock.on('data', (d) => chunks.push(d));
    sock.on('error', () => {});
    sock.on('end', () => { closed = true; });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ closed, responses: splitResponses(Buffer.concat(chunks)) });
    });
    sock.on('connect', () => sock.write(bytes));
  });
}

/** Splits what came back into responses (each framed by its Content-Length). */
function splitResponses(buf) {
  const out = [];
  let rest = buf;
  while (rest.length > 0) {
    const raw = rest.toString('latin1');
    const sep = raw.indexOf('\r\n\r\n');
    if (sep < 0) { out.push({ status: null, head: raw, headers: new Map(), text: '' }); break; }
    const head = raw.slice(0, sep);
    const m = /^HTTP\/1\.[01] (\d{3}) /.exec(head);
    const headers = new Map();
    for (const l of head.split('\r\n').slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
    }
    const len = Number(headers.get('content-length') || 0);
    const body = rest.subarray(sep + 4, sep + 4 + len);
    out.push({ status: m ? Number(m[1]) : null, head, headers, text: body.toString('utf8') });
    rest = rest.subarray(sep + 4 + len);
  }
  return out;
}

/** One answer: this status, a problem with the API's headers, then the server closed. */
async function refused(bytes, status, what, { method = 'GET', path = '/api/v1/me' } = {}) {
  const r = await exchange(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'));
  assert.equal(r.responses.length, 1,
    `${what}: expected exactly one answer, got ${r.responses.map((x) => x.status).join(', ') || 'none'}`);
  const res = r.responses[0];
  assert.ok(r.closed, `${what}: the server did not close the connection`);
  const h = (n) => res.headers.get(n.toLowerCase()) ?? null;
  const answer = { status: res.status, headers: { get: h }, text: res.text };
  assertProblem(answer, status, what);
  assert.equal(h('cache-control'), 'no-store', `${what}: Cache-Control`);
  assert.equal(h('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(h('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(h('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", `${what}: CSP`);
  assert.match(h('connection') || '', /close/i, `${what}: Connection: close`);
  checkResponse({ method, path, status: res.status, contentType: h('content-type'), text: res.text, header: h });
  return res;
}

const GET_ME = (extra = '', host = 'Host: 127.0.0.1\r\n') =>
  `GET /api/v1/me HTTP/1.1\r\n${host}Authorization: Bearer ${pol.token}\r\n${extra}\r\n`;

test('a valid request on the same kind of socket is answered and the connection kept', async () => {
  const r = await exchange(GET_ME(), { waitMs: 1500 });
  // Kept open: the test's own timer ends it.
  assert.equal(r.responses.length, 1);
  assert.equal(r.responses[0].status, 200);
  assert.equal(r.closed, false);
});

test('Content-Length with Transfer-Encoding: 400, and the smuggled request is never answered', async () => {
  const smuggled = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
  await refused(`POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n` +
    `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`, 400, 'CL then TE', { method: 'POST', path: '/api/v1/cases' });
  await refused(`POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n` +
    `Content-Length: 5\r\n\r\n0\r\n\r\n${smuggled}`, 400, 'TE then CL', { method: 'POST', path: '/api/v1/cases' });
  await refused(`POST /api/v1/cases HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    400, 'TE in HTTP/1.0', { method: 'POST', path: '/api/v1/cases' });
  await refused(`POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n` +
    `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`, 400, 'TE twice', { method: 'POST', path: '/api/v1/cases' });
  await refused(`POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
    501, 'TE gzip', { method: 'POST', path: '/api/v1/cases' });
});

test('repeated, conflicting or malformed Content-Length: 400', async () => {
  const post = (cl) => `POST /api/v1/cases HTTP/1.1\r\nHost: x\r\n${cl}\r\n{}`;
  const opts = { method: 'POST', path: '/api/v1/cases' };
  await refused(post('Content-Length: 2\r\nContent-Length: 2\r\n'), 400, 'CL twice, equal', opts);
  await refused(post('Content-Length: 2\r\nContent-Length: 7\r\n'), 400, 'CL twice, different', opts);
  await refused(post('Content-Length: 2, 2\r\n'), 400, 'CL as a list', opts);
  await refused(post('Content-Length: abc\r\n'), 400, 'CL not a number', opts);
  await refused(post('Content-Length: -2\r\n'), 400, 'CL negative', opts);
  await refused(post('Content-Length: 99999999999999999999999\r\n'), 413, 'CL past 64 bits', opts);
});

test('Host: missing, repeated or not a host → 400', async () => {
  await refused(GET_ME('', ''), 400, 'no Host');
  await refused(GET_ME('Host: 127.0.0.1\r\n'), 400, 'two equal Host');
  await refused(GET_ME('Host: evil.example\r\n'), 400, 'two different Host');
  await refused(GET_ME('', 'Host: a b\r\n'), 400, 'Host with a space');
});

test('header syntax: whitespace before the colon, control characters, obsolete folding → 400', async () => {
  await refused(GET_ME('', 'Host : 127.0.0.1\r\n'), 400, 'space before the colon');
  await refused(GET_ME('X-Test\t: 1\r\n'), 400, 'tab before the colon');
  await refused(GET_ME('X-Test: a\r\n folded\r\n'), 400, 'obsolete line folding');
  await refused(GET_ME('X-Test: a\x01b\r\n'), 400, 'C0 control in a value');
  await refused(GET_ME('X-Test: a\x7fb\r\n'), 400, 'DEL in a value');
  await refused(GET_ME('X-T\x00st: 1\r\n'), 400, 'NUL in a name');
  await refused('GET /api/v1/me HTTP/1.1\nHost: x\n\n', 400, 'bare LF');
  await refused(GET_ME('X-Test: a\rb\r\n'), 400, 'bare CR');
  await refused(GET_ME('NMT-Gate: 0 0\r\n'), 400, "the gate's own field");
});

test('a NUL after the bearer token is refused, not cut off', async () => {
  // Before: MHD read "Bearer <token>\0junk" as "Bearer <token>" and the request was let in.
  const ok = await exchange(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${pol.token}\r\n` +
    'Connection: close\r\n\r\n');
  assert.equal(ok.responses[0].status, 200);
  await refused(`GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${pol.token}\x00junk\r\n\r\n`,
    400, 'NUL after the token');
});

test('request line: bad syntax 400, other HTTP versions 505', async () => {
  await refused('GET  /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'two spaces');
  await refused('GET /api/v1/me HTTP/1.1 extra\r\nHost: x\r\n\r\n', 400, 'a fourth word');
  await refused('GET /api/v1/me\r\nHost: x\r\n\r\n', 400, 'no version');
  await refused('GET /api/v1/me HTTP/2.0\r\nHost: x\r\n\r\n', 505, 'HTTP/2.0');
});

test('malformed chunked bodies → 400', async () => {
  const opts = { method: 'POST', path: '/api/v1/cases' };
  const post = (body) => `POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;
  await refused(post('zz\r\n{}\r\n0\r\n\r\n'), 400, 'size not hex', opts);
  await refused(post('2\r\n{}xx\r\n0\r\n\r\n'), 400, 'data longer than its size', opts);
  await refused(post('2\n{}\r\n0\r\n\r\n'), 400, 'size line with a bare LF', opts);
});

test('a request line over 16 KiB: 414 problem (was an HTML page from the library)', async () => {
  const res = await refused(`GET /api/v1/cases?q=${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414,
    'URI too long', { path: '/api/v1/cases' });
  assert.equal(res.head.match(/HTTP\/1\./g).length, 1, 'one status line');
});

test('headers over 16 KiB: 431 problem', async () => {
  await refused(GET_ME(`X-Filler: ${'x'.repeat(17 * 1024)}\r\n`), 431, '17 KiB header');
});

test('many query parameters within 16 KiB are answered; past 256 fields a 431 problem', async () => {
  // ~700 parameters in ~8 KB once got no answer at all (the library's pool ran out).
  const params = (n) => Array.from({ length: n }, (_, i) => `p${i}=1`).join('&');
  const within = await exchange(`GET /api/v1/me?${params(250)} HTTP/1.1\r\nHost: x\r\n` +
    `Authorization: Bearer ${pol.token}\r\nConnection: close\r\n\r\n`);
  assert.equal(within.responses.length, 1);
  assert.equal(within.responses[0].status, 200, within.responses[0].text);
  assert.ok(within.closed);
  await refused(`GET /api/v1/me?${params(260)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, '260 query parameters');
  // Cookies count too.
  const cookies = Array.from({ length: 260 }, (_, i) => `c${i}=1`).join('; ');
  await refused(GET_ME(`Cookie: ${cookies}\r\n`), 431, '260 cookies');
});

test('a valid request then a refused one: two answers in order, then closed', async () => {
  const r = await exchange(GET_ME() + GET_ME('Host: 127.0.0.1\r\n') + GET_ME());
  assert.deepEqual(r.responses.map((x) => x.status), [200, 400]);
  assert.ok(r.closed, 'closed after the refusal');
});

test('chunked bodies still work, with Expect: 100-continue too', async () => {
  const body = JSON.stringify({ title: 'x' });
  const r = await exchange(`POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${pol.token}\r\n` +
    'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n' +
    `Connection: close\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
  assert.equal(r.responses.length, 1);
  // A validation answer (the body lacks required fields) shows the body arrived whole.
  assert.equal(r.responses[0].status, 400, r.responses[0].text);
  assert.match(r.responses[0].text, /errors/);
});
