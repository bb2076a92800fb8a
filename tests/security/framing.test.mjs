// Raw-socket framing cases (RFC 9112 §6, RFC 9110 §5.5): every ambiguous or forbidden request
// head is refused with one 400 carrying the API headers and the connection closed — never a
// second, hidden request answered. Each is refused by nmtd's gate (src/http/gate.c).
// Prints "framing: N cases".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from '../api/harness.mjs';

let srv;
let port;
let cases = 0;

before(async () => {
  srv = await startServer();
  port = Number(new URL(srv.base).port);
});

after(async () => {
  console.log(`framing: ${cases} cases`);
  if (srv) await srv.close();
});

/** Sends bytes, reads until the server closes (at most 2 s); returns every status line. */
function exchange(bytes) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    let closed = false;
    const timer = setTimeout(() => s.destroy(), 2000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('end', () => { closed = true; });
    s.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ raw, statuses: [...raw.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])), closed });
    });
    s.on('connect', () => s.write(bytes));
  });
}

const HIDDEN = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n';
const CASES = [
  ['Content-Length with Transfer-Encoding (smuggling)',
    `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\n` +
    `Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n${HIDDEN}`],
  ['two different Content-Length values',
    `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}${HIDDEN}`],
  ['whitespace before the colon',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length : 0\r\n\r\n`],
  ['NUL inside a header value',
    `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer nmtt_x\0junk\r\n\r\n`],
  ['two Host headers',
    `GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`],
  ['obsolete line folding',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\n\r\n`],
  ['a control character in a header name',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX\x01A: b\r\n\r\n`],
  ['no Host header (HTTP/1.1)',
    `GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n`],
  ['a bad Content-Length',
    `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n`],
  ['Transfer-Encoding other than chunked',
    `POST /api/v1/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`],
];

// RFC 9112 §6.1: a transfer coding the server does not understand is 501; every other case 400.
const STATUS = { 'Transfer-Encoding other than chunked': 501 };

for (const [name, bytes] of CASES) {
  const want = STATUS[name] || 400;
  test(`framing: ${name} → one ${want}, connection closed`, async () => {
    cases += 1;
    const r = await exchange(bytes);
    assert.deepEqual(r.statuses, [want], `answers: ${JSON.stringify(r.raw.slice(0, 600))}`);
    assert.ok(r.closed, 'the server closes the connection');
    assert.match(r.raw, /\r\nX-Content-Type-Options: nosniff\r\n/i, 'the API headers on the refusal');
    assert.match(r.raw, /\r\nCache-Control: no-store\r\n/i, 'the API headers on the refusal');
  });
}
