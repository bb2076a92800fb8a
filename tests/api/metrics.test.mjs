// Issue 14, observability: GET /metrics (Prometheus text format 0.0.4), GET /readyz, and the
// JSON-lines log (docs/OPERATIONS.md "Metrics, logs and alerts", docs/SECURITY.md).
//
// The exposition is parsed with parse-prometheus-text-format, which throws on a line that is
// not in the format. That parser folds every series of a histogram family into one (it knows
// only unlabelled histograms), so the per-route histograms' series are read a second time with
// their families declared untyped: each _bucket, _sum and _count line then keeps its labels.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import parsePrometheus from 'parse-prometheus-text-format';
import {
  startServer, addUserWithToken, addUser, api, loginOk, login, assertStatus, assertProblem,
  createCase, createPerson, DB_KIND, run,
} from './harness.mjs';

const TOKEN = 'mt_' + randomBytes(24).toString('hex');
const NAME = 'Zlatana Metriksdottir';
const PSEUDONYM = 'Obsmetrik-Pseud';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let srv;
let u;

before(async () => {
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'nmt-metrics-'));
  const tokenFile = path.join(dir, 'metrics.token');
  fs.writeFileSync(tokenFile, TOKEN + '\n', { mode: 0o600 });
  srv = await startServer({ env: { NMT_LOG_FORMAT: 'json', NMT_METRICS_TOKEN_FILE: tokenFile } });
  u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});
after(async () => { if (srv) await srv.close(); });

/** GET /metrics as the scraper (a direct loopback client); the text and both parses. */
async function scrape(opts = {}) {
  const r = await api(srv, 'GET', '/metrics', opts);
  assertStatus(r, 200, 'GET /metrics');
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4; charset=utf-8$/);
  const families = parsePrometheus(r.text);
  const untyped = parsePrometheus(r.text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'));
  const samples = [];
  for (const f of untyped) for (const m of f.metrics) samples.push({ name: f.name, labels: m.labels || {}, value: Number(m.value) });
  return { text: r.text, families, samples };
}

function family(s, name) {
  const f = s.families.find((x) => x.name === name);
  assert.ok(f, `family ${name} in the exposition`);
  return f;
}

/** The value of the sample name{labels} (0 when the series is not there yet). */
function value(s, name, labels = {}) {
  const hit = s.samples.filter((x) => x.name === name &&
    Object.entries(labels).every(([k, v]) => x.labels[k] === v) &&
    Object.keys(x.labels).length === Object.keys(labels).length);
  assert.ok(hit.length <= 1, `one series ${name} ${JSON.stringify(labels)}`);
  return hit.length ? hit[0].value : 0;
}

/** SQL on the PostgreSQL server's maintenance database (not the one under test). */
async function adminSql(sql) {
  const r = await run('psql', ['-h', process.env.NMT_TEST_PG_HOST, '-p', String(process.env.NMT_TEST_PG_PORT),
    '-U', 'postgres', '-d', 'postgres', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  assert.equal(r.code, 0, `psql: ${r.stderr}`);
  return r.stdout;
}

const req = (route, method, code) => ({ route, method, code, class: `${code[0]}xx` });

test('/metrics parses as the Prometheus text format, with every documented family and its type', async () => {
  await api(srv, 'GET', '/healthz');
  const s = await scrape();
  const want = {
    nmt_build_info: 'GAUGE', process_start_time_seconds: 'GAUGE', process_resident_memory_bytes: 'GAUGE',
    process_threads: 'GAUGE', process_open_fds: 'GAUGE', nmt_http_requests_total: 'COUNTER',
    nmt_http_request_duration_seconds: 'HISTOGRAM', nmt_login_failures_total: 'COUNTER',
    nmt_db_errors_total: 'COUNTER', nmt_db_reconnects_total: 'COUNTER', nmt_audit_queue_entries: 'GAUGE',
    nmt_audit_oldest_waiting_seconds: 'GAUGE', nmt_audit_batch_size: 'HISTOGRAM',
    nmt_audit_batch_failures_total: 'COUNTER', nmt_sessions_open: 'GAUGE',
  };
  for (const [name, type] of Object.entries(want)) {
    const f = family(s, name);
    assert.equal(f.type, type, name);
    assert.ok(f.help.length > 10, `${name} has its help text`);
  }
  const pkg = JSON.parse(fs.readFileSync(new URL('../../meson.build', import.meta.url).pathname.replace(/meson\.build$/, 'tests/package.json'), 'utf8'));
  assert.ok(pkg.devDependencies['parse-prometheus-text-format']);
  assert.equal(value(s, 'nmt_build_info', { version: family(s, 'nmt_build_info').metrics[0].labels.version }), 1);
  assert.match(family(s, 'nmt_build_info').metrics[0].labels.version, /^\d+\.\d+\.\d+/);
  const start = value(s, 'process_start_time_seconds');
  assert.ok(start > Date.now() / 1000 - 3600 && start <= Date.now() / 1000 + 1, `start time ${start}`);
  assert.ok(value(s, 'process_resident_memory_bytes') > 1e6, 'resident memory in bytes');
  assert.ok(value(s, 'process_threads') >= 2, 'threads');
  assert.ok(value(s, 'process_open_fds') >= 3, 'open fds');
  // Every login failure reason is there from the start, at 0 or more.
  for (const reason of ['credentials', 'incomplete', 'locked', 'rate_limited', 'busy']) {
    assert.ok(s.samples.some((x) => x.name === 'nmt_login_failures_total' && x.labels.reason === reason), reason);
  }
});

test('the counters move by exactly the requests made: a route, a 404, a failed login', async () => {
  const c = await createCase(srv, u);
  const before = await scrape();
  for (let i = 0; i < 3; i++) assertStatus(await api(srv, 'GET', '/api/v1/organizations', { auth: u }), 200);
  // A read that waits for its audit entry (deferred, then resumed): counted once.
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: u }), 200);
  assertProblem(await api(srv, 'GET', '/api/v1/no-such-thing', { auth: u }), 404);
  assertProblem(await login(srv, u, { password: 'wrong password' }), 401);
  const after = await scrape();
  const diff = (name, labels) => value(after, name, labels) - value(before, name, labels);

  assert.equal(diff('nmt_http_requests_total', req('/api/v1/organizations', 'GET', '200')), 3);
  assert.equal(diff('nmt_http_requests_total', req('/api/v1/cases/{id}', 'GET', '200')), 1);
  assert.equal(diff('nmt_http_requests_total', req('unmatched', 'other', '404')), 1);
  assert.equal(diff('nmt_http_requests_total', req('/api/v1/session', 'POST', '401')), 1);
  assert.equal(diff('nmt_http_requests_total', req('/metrics', 'GET', '200')), 1, 'the first scrape');
  assert.equal(diff('nmt_login_failures_total', { reason: 'credentials' }), 1);
  for (const reason of ['incomplete', 'locked', 'rate_limited', 'busy']) {
    assert.equal(diff('nmt_login_failures_total', { reason }), 0, reason);
  }
  // Nothing else moved: the requests' total grew by the requests made between the scrapes.
  const total = (s) => s.samples.filter((x) => x.name === 'nmt_http_requests_total').reduce((a, x) => a + x.value, 0);
  assert.equal(total(after) - total(before), 3 + 1 + 1 + 1 + 1);

  // One read, one audit entry, one committed batch of one.
  assert.equal(diff('nmt_audit_batch_size_count', {}), 1);
  assert.equal(diff('nmt_audit_batch_size_sum', {}), 1);
  assert.equal(value(after, 'nmt_audit_queue_entries'), 0);
  assert.equal(value(after, 'nmt_audit_oldest_waiting_seconds'), 0);
});

test('latency histograms: cumulative buckets in seconds, _count equal to the requests', async () => {
  const route = { route: '/api/v1/regions', method: 'GET' };
  const before = await scrape();
  for (let i = 0; i < 4; i++) assertStatus(await api(srv, 'GET', '/api/v1/regions', { auth: u }), 200);
  const after = await scrape();
  const name = 'nmt_http_request_duration_seconds';
  const buckets = after.samples.filter((x) => x.name === `${name}_bucket` &&
    x.labels.route === route.route && x.labels.method === route.method);
  const les = buckets.map((b) => b.labels.le);
  assert.deepEqual(les, ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
  for (let i = 1; i < buckets.length; i++) {
    assert.ok(buckets[i].value >= buckets[i - 1].value, `bucket le=${les[i]} is cumulative`);
  }
  const count = value(after, `${name}_count`, route);
  assert.equal(count - value(before, `${name}_count`, route), 4);
  assert.equal(buckets.at(-1).value, count, 'the +Inf bucket is the count');
  assert.equal(value(after, 'nmt_http_requests_total', req('/api/v1/regions', 'GET', '200')), count);
  const sum = value(after, `${name}_sum`, route);
  assert.ok(sum > 0 && sum < 4 * 10, `the sum is in seconds: ${sum}`);
  // A route no one called has no series.
  assert.ok(!after.samples.some((x) => x.name === `${name}_count` && x.labels.route === '/api/v1/countries'));
});

test('open sessions: a login adds one, a logout takes it away', async () => {
  const who = await addUser(srv, { org: 'POLISEN-SYD', role: 'member' });
  const n0 = value(await scrape(), 'nmt_sessions_open');
  const session = await loginOk(srv, who);
  assert.equal(value(await scrape(), 'nmt_sessions_open'), n0 + 1);
  assertStatus(await api(srv, 'DELETE', '/api/v1/session', { session }), 204);
  assert.equal(value(await scrape(), 'nmt_sessions_open'), n0);
});

test('no label holds an id, a name or a URL: routes are their declared patterns', async () => {
  const c = await createCase(srv, u);
  const p = await createPerson(srv, u, c.id, { pseudonym: PSEUDONYM,
    identity: { full_name: NAME, date_of_birth: '1990-01-01' } });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: u }), 200);
  assertStatus(await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(NAME)}`, { auth: u }), 200);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}/${encodeURIComponent(NAME)}`, { auth: u }), 404);
  const s = await scrape();
  assert.ok(!s.text.includes(c.id) && !s.text.includes(p.id), 'no object id anywhere');
  assert.ok(!s.text.includes('Zlatana') && !s.text.includes(PSEUDONYM) && !s.text.includes(u.username));
  const routes = new Set();
  for (const x of s.samples) {
    for (const [k, v] of Object.entries(x.labels)) {
      assert.doesNotMatch(v, UUID, `${x.name} ${k}`);
      assert.ok(!v.includes('?'), `${x.name} ${k}=${v}: no query`);
    }
    if (x.labels.route !== undefined) routes.add(x.labels.route);
  }
  assert.ok(routes.has('/api/v1/persons/{id}') && routes.has('/api/v1/cases'), [...routes].join(' '));
  for (const r of routes) assert.match(r, /^(unmatched|\/[a-z0-9/_{}.-]*)$/, r);
});

test('/metrics is refused, as an unknown path, to a forwarded request without the token', async () => {
  const unknown = await api(srv, 'GET', '/api/v1/no-such-thing');
  assertProblem(unknown, 404);
  const forwardedHeaders = [
    { 'x-forwarded-for': '203.0.113.9' },
    { 'x-real-ip': '203.0.113.9', 'x-forwarded-proto': 'https' }, // what deploy/nginx sends
    { forwarded: 'for=203.0.113.9' },
  ];
  for (const headers of forwardedHeaders) {
    const r = await api(srv, 'GET', '/metrics', { headers });
    assertProblem(r, 404, JSON.stringify(headers));
    assert.deepEqual(r.json, unknown.json, 'the same answer as an unknown path');
    assert.ok(!r.text.includes('nmt_'), 'no metric in the refusal');
    // With the token, the same forwarded request is answered.
    await scrape({ headers: { ...headers, authorization: `Bearer ${TOKEN}` } });
  }
  // A wrong token is refused even from loopback, and a user's API token is not a metrics token.
  assertProblem(await api(srv, 'GET', '/metrics', { token: TOKEN + 'x' }), 404);
  assertProblem(await api(srv, 'GET', '/metrics', { token: u.token }), 404);
  assertProblem(await api(srv, 'GET', '/metrics', { headers: { 'x-forwarded-for': '1.2.3.4' }, token: u.token }), 404);
});

test('/readyz: 200 when ready; 503 naming the schema check when the database has a newer schema', async () => {
  const ok = await api(srv, 'GET', '/readyz');
  assertStatus(ok, 200);
  assert.deepEqual(ok.json, { status: 'ready', checks: { database: 'ok', schema: 'ok', audit: 'ok' } });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await srv.db.exec(`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future.sql', 'x', '${now}')`);
  try {
    const r = await api(srv, 'GET', '/readyz');
    assertProblem(r, 503);
    assert.equal(r.headers.get('retry-after'), '5');
    assert.deepEqual(r.json.failed, ['schema']);
    assert.deepEqual(r.json.checks, { database: 'ok', schema: 'failed', audit: 'ok' });
    assert.ok(!/9999|migration|sql/i.test(r.text), `no internals: ${r.text}`);
    // Alive all the same.
    assertStatus(await api(srv, 'GET', '/healthz'), 200);
  } finally {
    await srv.db.exec('DELETE FROM schema_migrations WHERE version = 9999');
  }
  assertStatus(await api(srv, 'GET', '/readyz'), 200);
});

test('/readyz: 503 naming the database check when the database is gone', async () => {
  const s2 = await startServer();
  try {
    assertStatus(await api(s2, 'GET', '/readyz'), 200);
    assert.match((await api(s2, 'GET', '/metrics')).text, /\nnmt_db_errors_total 0\n/, 'no database error yet');
    if (DB_KIND === 'pg') {
      // No connection to the database any more, and none allowed.
      await adminSql(`ALTER DATABASE ${s2.db.name} ALLOW_CONNECTIONS false`);
      await adminSql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${s2.db.name}'`);
    } else {
      // The table every readiness check reads is gone.
      await s2.db.exec('ALTER TABLE schema_migrations RENAME TO schema_migrations_gone');
    }
    const r = await api(s2, 'GET', '/readyz');
    assertProblem(r, 503);
    assert.deepEqual(r.json.failed, ['database']);
    assert.equal(r.json.checks.database, 'failed');
    assert.equal(r.json.checks.schema, 'unknown');
    // The metrics are still answered; without a database, without its gauge.
    const m = await api(s2, 'GET', '/metrics');
    assertStatus(m, 200);
    parsePrometheus(m.text);
    // The failed statement (SQLite: no such table; PostgreSQL: the lost connection) is counted.
    assert.match(m.text, /\nnmt_db_errors_total [1-9]/, 'database errors counted');
    if (DB_KIND === 'pg') assert.ok(!m.text.includes('\nnmt_sessions_open '), 'no session gauge without the database');
  } finally {
    if (DB_KIND === 'pg') await adminSql(`ALTER DATABASE ${s2.db.name} ALLOW_CONNECTIONS true`);
    await s2.close();
  }
});

test('the log is JSON lines with the access line of each request, and no personal data', async () => {
  const c = await createCase(srv, u, { title: `Ärende ${NAME}` });
  const p = await createPerson(srv, u, c.id, { pseudonym: `${PSEUDONYM}-2`,
    identity: { full_name: NAME, date_of_birth: '1990-01-01' } });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: u }), 200);
  assertStatus(await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(NAME)}`, { auth: u }), 200);
  await login(srv, { username: NAME, password: 'x', totp_secret: 'AAAAAAAAAAAAAAAA' }, { totp: '000000' });
  assertStatus(await api(srv, 'GET', '/healthz'), 200);
  const log = srv.stderr();
  const lines = log.split('\n').filter((l) => l !== '');
  assert.ok(lines.length > 10, `${lines.length} lines`);
  const objs = lines.map((l) => {
    const o = JSON.parse(l); // throws on a line that is not JSON
    assert.equal(typeof o, 'object');
    assert.match(o.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, l);
    assert.ok(['info', 'warn', 'error'].includes(o.level), l);
    assert.equal(typeof o.message, 'string', l);
    return o;
  });
  const access = objs.filter((o) => o.message === 'request');
  const find = (route, method) => access.filter((o) => o.route === route && o.method === method);
  assert.ok(find('/api/v1/persons/{id}', 'GET').some((o) => o.status === 200));
  assert.ok(find('/api/v1/cases', 'GET').some((o) => o.status === 200));
  assert.ok(find('/api/v1/session', 'POST').some((o) => o.status === 401));
  for (const o of access) {
    assert.equal(typeof o.status, 'number');
    assert.ok(typeof o.duration_ms === 'number' && o.duration_ms >= 0);
    assert.match(o.request_id, /^[0-9a-f]{16}$/);
  }
  assert.equal(new Set(access.map((o) => o.request_id)).size, access.length, 'one id per request');
  for (const secret of ['Zlatana', 'Metriksdottir', PSEUDONYM, c.id, p.id, u.username, u.token, TOKEN, '?q=']) {
    assert.ok(!log.includes(secret), `the log holds ${secret}`);
  }
  assert.doesNotMatch(log, UUID, 'no id in the log');
});

test('the Grafana dashboard and the alert rules ask only for metrics nmtd exposes', async () => {
  const { default: YAML } = await import('yaml');
  const root = new URL('../../', import.meta.url).pathname;
  const dash = JSON.parse(fs.readFileSync(path.join(root, 'deploy/grafana/nmt.json'), 'utf8'));
  const rules = YAML.parse(fs.readFileSync(path.join(root, 'deploy/prometheus/nmt-alerts.yml'), 'utf8'));
  const exprs = [
    ...dash.panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ...rules.groups.flatMap((g) => g.rules.map((r) => r.expr)),
  ];
  assert.ok(exprs.length >= 15, `${exprs.length} expressions`);
  const s = await scrape();
  const families = new Set(s.families.map((f) => f.name));
  const used = new Set();
  for (const e of exprs) {
    for (const [m] of e.matchAll(/\b(?:nmt|process)_[a-z_]+\b/g)) used.add(m.replace(/_(bucket|sum|count)$/, ''));
  }
  for (const m of used) assert.ok(families.has(m), `${m} is not exposed`);
  // The dashboard shows each family the issue names.
  for (const m of ['nmt_http_requests_total', 'nmt_http_request_duration_seconds', 'nmt_audit_oldest_waiting_seconds',
    'nmt_audit_batch_size', 'nmt_db_errors_total', 'nmt_db_reconnects_total', 'nmt_login_failures_total',
    'nmt_sessions_open', 'process_resident_memory_bytes']) {
    assert.ok(dash.panels.some((p) => p.targets.some((t) => t.expr.includes(m))), `dashboard panel for ${m}`);
  }
  for (const a of ['NmtServerErrors', 'NmtNotReady', 'NmtAuditLag', 'NmtDatabaseReconnects']) {
    assert.ok(rules.groups.some((g) => g.rules.some((r) => r.alert === a)), a);
  }
});
