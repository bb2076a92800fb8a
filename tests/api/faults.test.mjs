// Database faults on PostgreSQL (SECURITY.md / OPERATIONS.md "PostgreSQL"): the connections of an
// idle nmtd cut by pg_terminate_backend, or a PostgreSQL restart while it is idle, cost no
// request (the driver reconnects and runs the statement again when no transaction had begun);
// an immediate stop under load answers 503 with Retry-After, never 500.
//
// These tests stop and start PostgreSQL, so they run their own throwaway server
// (tests/support/pg.sh in a temporary directory), never the suite's shared one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  ROOT, DB_KIND, startServer, addUserWithToken, api, assertStatus, assertProblem, createCase, caseBody, run, sleep,
} from './harness.mjs';

const PG = DB_KIND === 'pg';
const skip = !PG && 'PostgreSQL only';
const PGSH = path.join(ROOT, 'tests', 'support', 'pg.sh');
let dir;
let srv;
let user;

function pgBin() {
  for (const d of ['/usr/lib/postgresql/15/bin', '/usr/local/pgsql/bin']) {
    if (fs.existsSync(path.join(d, 'pg_ctl'))) return d;
  }
  throw new Error('pg_ctl not found');
}

/** pg_ctl on our server, as its owner (pg.sh runs it as "nmtpg" when we are root). */
async function pgCtl(args) {
  const cmd = [path.join(pgBin(), 'pg_ctl'), '-D', path.join(dir, 'data'), ...args];
  const r = process.getuid() === 0 ? await run('runuser', ['-u', 'nmtpg', '--', ...cmd]) : await run(cmd[0], cmd.slice(1));
  assert.equal(r.code, 0, `pg_ctl ${args.join(' ')}: ${r.stderr}`);
}

async function pgStart() {
  const r = await run(PGSH, ['start', dir], { env: { PGPORT: process.env.NMT_TEST_PG_PORT } });
  assert.equal(r.code, 0, `pg.sh start: ${r.stderr}`);
}

async function psql(sql) {
  const r = await run('psql', ['-h', dir, '-p', process.env.NMT_TEST_PG_PORT, '-U', 'postgres', '-d', 'postgres',
    '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  assert.equal(r.code, 0, `psql: ${r.stderr}`);
  return r.stdout.trim();
}

// nmtd's sessions: its database, under the application name the driver gives them.
const NMTD_SESSIONS = () => `FROM pg_stat_activity WHERE datname = '${srv.db.name}' AND application_name = 'nmt'`;

async function backends() {
  return Number(await psql(`SELECT count(*) ${NMTD_SESSIONS()}`));
}

/** Many requests at once, so that every worker thread opens its database connection. */
async function warmUp() {
  const rs = await Promise.all(Array.from({ length: 40 }, () => api(srv, 'GET', '/api/v1/cases', { auth: user })));
  for (const r of rs) assertStatus(r, 200, 'warm-up');
}

/** 20 reads and 20 writes at once; every one must succeed. */
async function assertServes(what) {
  const reads = Promise.all(Array.from({ length: 20 }, () => api(srv, 'GET', '/api/v1/cases', { auth: user })));
  const writes = Promise.all(Array.from({ length: 20 },
    (_, i) => api(srv, 'POST', '/api/v1/cases', { auth: user, body: caseBody({ title: `${what} ${i}` }) })));
  const [rs, ws] = await Promise.all([reads, writes]);
  rs.forEach((r, i) => assertStatus(r, 200, `${what}: GET ${i + 1} of 20`));
  ws.forEach((r, i) => assertStatus(r, 201, `${what}: POST ${i + 1} of 20`));
}

before(async () => {
  if (!PG) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-faults-pg-'));
  // Only our own server from here on (a Unix socket in its own directory: no port clash).
  process.env.NMT_TEST_PG_HOST = dir;
  await pgStart();
  srv = await startServer();
  user = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  await createCase(srv, user);
});

after(async () => {
  if (!PG) return;
  if (srv) await srv.close().catch(() => {});
  await run(PGSH, ['stop', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('connections cut by pg_terminate_backend cost no request', { skip }, async () => {
  await warmUp();
  const before = await backends();
  assert.ok(before >= 2, `nmtd holds several connections (${before})`);
  await psql(`SELECT pg_terminate_backend(pid) ${NMTD_SESSIONS()}`);
  for (let i = 0; i < 100 && await backends() > 0; i++) await sleep(50);
  assert.equal(await backends(), 0, 'every connection of nmtd is gone');
  await assertServes('after pg_terminate_backend');
});

test('a PostgreSQL restart while nmtd is idle costs no request', { skip }, async () => {
  await warmUp();
  await pgCtl(['-m', 'fast', '-w', 'stop']);
  await pgStart();
  await assertServes('after a restart');
});

test('an immediate stop under load answers 503 with Retry-After, never 500', { skip }, async () => {
  await warmUp();
  const seen = [];
  let stopped = false;
  let afterStop = 0;
  // Four clients reading and writing in a loop until each has had answers after the stop.
  const client = async (k) => {
    let late = 0;
    for (let i = 0; late < 5 && i < 2000; i++) {
      const wasStopped = stopped;
      const r = i % 2 === 0
        ? await api(srv, 'GET', '/api/v1/cases', { auth: user })
        : await api(srv, 'POST', '/api/v1/cases', { auth: user, body: caseBody({ title: `last ${k}.${i}` }) });
      seen.push(r);
      if (wasStopped) {
        // Asked after the server was gone: the database is unavailable, exactly.
        assertProblem(r, 503, 'asked after the immediate stop');
        assert.equal(r.headers.get('retry-after'), '5');
        late++;
        afterStop++;
      }
    }
  };
  const load = Promise.all([0, 1, 2, 3].map(client));
  await sleep(300); // let the load run before the stop (not a synchronisation: any moment will do)
  await pgCtl(['-m', 'immediate', '-w', 'stop']);
  stopped = true;
  await load;
  assert.equal(afterStop, 20, 'every client asked after the stop');
  // While the stop happened: nothing but answers and 503s with Retry-After.
  const faults = seen.filter((r) => r.status >= 500 && r.status !== 503);
  assert.deepEqual(faults.map((r) => r.status), [], 'no 500 during the immediate stop');
  for (const r of seen.filter((x) => x.status === 503)) assert.equal(r.headers.get('retry-after'), '5');
  assert.ok(seen.some((r) => r.status === 201), 'writes were answered before the stop');

  // The server comes back and nmtd with it.
  await pgStart();
  let ok = null;
  for (let i = 0; i < 100; i++) {
    ok = await api(srv, 'GET', '/api/v1/cases', { auth: user });
    if (ok.status === 200) break;
    await sleep(100);
  }
  assertStatus(ok, 200, 'recovered after PostgreSQL came back');
});
