// A 201 means the data is on disk: kill -9 right after the answer, restart, it is there.
// A kill -9 loses nothing the kernel already has, so this test cannot tell synchronous=FULL
// from OFF (only a power cut could): tests/unit/test_db.c (test_pragmas,
// test_commit_visibility) asserts the pragmas of the driver's connections and that a write is
// visible only after its commit. Here, on SQLite, the file the daemon wrote is in WAL mode.
import fs from 'node:fs';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  personWithIdentity,
  startServer, addUserWithToken, api, assertStatus, assertProblem, createCase, createPerson, ctlFor, listAll,
  run, sleep, DB_KIND,
} from './harness.mjs';

let srv;
let srv2;
after(async () => {
  if (srv2) await srv2.stop();
  if (srv) await srv.close();
});

test('created data survives kill -9 and a restart', async () => {
  srv = await startServer();
  const u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const first = await createCase(srv, u, { title: 'Före kraschen' });
  const person = await createPerson(srv, u, first.id, { identity: {
    full_name: 'Kvarstående Person', date_of_birth: '1980-02-03', id_number: '19800203-1111',
    phone: '+46 70 555 55 55', address: 'Hållbar väg 3' } });
  const patched = await api(srv, 'PATCH', `/api/v1/cases/${first.id}`,
    { auth: u, ifMatch: '"1"', body: { summary: 'sparad' } });
  assertStatus(patched, 200);
  // A burst of creates; the last one answered right before the kill.
  const burst = await Promise.all([1, 2, 3, 4, 5].map((i) => createCase(srv, u, { title: `Skur ${i}` })));
  const last = await createCase(srv, u, { title: 'Sist' });
  await srv.kill9();
  if (DB_KIND === 'sqlite') {
    // Header bytes 18 and 19 (file format write/read version) are 2 in WAL mode, and the
    // unclean stop left the write-ahead log behind for the next open to recover.
    const head = fs.readFileSync(srv.db.file).subarray(0, 20);
    assert.deepEqual([head[18], head[19]], [2, 2], 'database file in WAL mode');
    assert.ok(fs.existsSync(`${srv.db.file}-wal`), 'WAL file left by kill -9');
  }

  srv2 = await startServer({ db: srv.db });
  const g = await api(srv2, 'GET', `/api/v1/cases/${last.id}`, { auth: u });
  assertStatus(g, 200, 'case created right before kill -9');
  assert.equal(g.json.number, last.number);
  assert.equal(g.json.title, 'Sist');
  const f = await api(srv2, 'GET', `/api/v1/cases/${first.id}`, { auth: u });
  assertStatus(f, 200);
  assert.equal(f.json.summary, 'sparad');
  assert.equal(f.json.version, 2);
  for (const b of burst) assertStatus(await api(srv2, 'GET', `/api/v1/cases/${b.id}`, { auth: u }), 200, b.title);
  // The identity is still readable (the key file was kept and used).
  const p = await personWithIdentity(srv2, u, person.id);
  assertStatus(p, 200);
  assert.equal(p.json.identity.full_name, 'Kvarstående Person');
  // Numbering continues after the restart.
  const next = await createCase(srv2, u, { title: 'Efter' });
  const n = (c) => Number(c.number.slice(-5));
  assert.ok(n(next) > n(last), `${next.number} after ${last.number}`);
  // Every committed create has its audit entry, and the chain is intact.
  const entries = await listAll(srv2, '/api/v1/audit', { auth: auditor });
  for (const c of [first, ...burst, last]) {
    assert.ok(entries.some((e) => e.action === 'case.create' && e.case === c.id), `case.create for ${c.title}`);
  }
  await srv2.stop();
  const v = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(v.code, 0, `audit verify after a crash: ${v.stderr}`);
});

test('PostgreSQL unavailable → 503, and the server recovers when it is back', { skip: DB_KIND !== 'pg' && 'PostgreSQL only' }, async () => {
  const s = await startServer();
  try {
    const u = await addUserWithToken(s, { org: 'POLISEN-SYD', role: 'member' });
    const c = await createCase(s, u);
    const name = s.db.name;
    // Refuse new connections and cut the existing ones.
    await run('psql', ['-h', process.env.NMT_TEST_PG_HOST, '-p', process.env.NMT_TEST_PG_PORT, '-U', 'postgres',
      '-d', 'postgres', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c',
      `ALTER DATABASE ${name} ALLOW_CONNECTIONS false; ` +
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid();`]);
    const r = await api(s, 'GET', `/api/v1/cases/${c.id}`, { auth: u });
    assertProblem(r, 503, 'database down');
    const w = await api(s, 'POST', '/api/v1/cases', { auth: u, body: { title: 't', summary: 's', county: '12', exploitation: ['sexual'] } });
    assertProblem(w, 503, 'write with the database down');
    await run('psql', ['-h', process.env.NMT_TEST_PG_HOST, '-p', process.env.NMT_TEST_PG_PORT, '-U', 'postgres',
      '-d', 'postgres', '-X', '-q', '-c', `ALTER DATABASE ${name} ALLOW_CONNECTIONS true;`]);
    let ok = null;
    for (let i = 0; i < 50; i++) {
      ok = await api(s, 'GET', `/api/v1/cases/${c.id}`, { auth: u });
      if (ok.status === 200) break;
      await sleep(200);
    }
    assertStatus(ok, 200, 'recovered after the database came back');
  } finally {
    await s.close();
  }
});
