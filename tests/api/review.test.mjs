// Regressions found in review: each test failed (or crashed the daemon)
// before its fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { rollBackTo } from './rollback.mjs';
import {
  startServer, addUser, addUserWithToken, api, login, badCode, assertProblem, assertStatus,
  createCase, createPerson, listAll, run, NMTD, NMTCTL, createDatabase, ctlFor,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
});

after(async () => { await srv?.stop(); });

test('a case list with every filter and eight words answers (it used to abort the daemon)', async () => {
  const older = await createCase(srv, U.owner, { title: 'a b c d e f g h', county: '12' });
  const newer = await createCase(srv, U.owner, { title: 'a b c d e f g h', county: '12' });
  const q = encodeURIComponent('a b c d e f g h');
  for (const who of [U.owner, U.rksyd]) {
    const base = `/api/v1/cases?status=open&region=syd&q=${q}&limit=1`;
    const first = await api(srv, 'GET', base, { auth: who });
    assertStatus(first, 200);
    assert.deepEqual(first.json.items.map((x) => x.id), [newer.id]);
    assert.equal(typeof first.json.next_cursor, 'string');
    const r = await api(srv, 'GET', `${base}&cursor=${encodeURIComponent(first.json.next_cursor)}`, { auth: who });
    assertStatus(r, 200);
    assert.deepEqual(r.json.items.map((x) => x.id), [older.id]);
  }
  assertStatus(await api(srv, 'GET', '/healthz'), 200);
});

test('a PATCH merges only onto the version it names; protection is never written back', async () => {
  const c = await createCase(srv, U.owner);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.owner, body: { organization: 'MIGRATIONSVERKET', access: 'full' } }), 201);
  for (let i = 0; i < 25; i++) {
    const p = await createPerson(srv, U.owner, c.id, { identity: { full_name: 'X Y', address: 'Gata 1' } });
    const v = p.version;
    const [ro, rm] = await Promise.all([
      api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
        { auth: U.owner, ifMatch: `"${v}"`, body: { protected_identity: 'protected_address' } }),
      api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
        { auth: U.mig, ifMatch: `"${v + 1}"`, body: { pseudonym: `M-${i}` } }),
    ]);
    assertStatus(ro, 200);
    const fin = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.owner });
    assert.equal(fin.json.protected_identity, 'protected_address', `round ${i}`);
    // The two requests race, so which answer the member's gets depends on the order they
    // ran in; each answer must match the final state exactly: 200 only if it ran on v + 1
    // (after the owner's change), else 412 Precondition Failed and nothing of it written.
    if (fin.json.pseudonym === `M-${i}`) {
      assertStatus(rm, 200, `round ${i}: the member's change is stored`);
      assert.equal(fin.json.version, v + 2, `round ${i}`);
    } else {
      assertProblem(rm, 412, `round ${i}: the member's change is not stored`);
      assert.equal(fin.json.version, v + 1, `round ${i}`);
    }
  }
  // The same for cases: a guessed version never overwrites a newer state.
  const k = await createCase(srv, U.owner, { title: 'Före' });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${k.id}`,
    { auth: U.owner, ifMatch: '"1"', body: { title: 'Efter' } }), 200);
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${k.id}`,
    { auth: U.owner, ifMatch: '"3"', body: { summary: 'x' } }), 412);
});

test('a break-the-glass grant stops counting when its holder loses full access', async () => {
  const c = await createCase(srv, U.owner);
  const add = await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.owner, body: { organization: 'MIGRATIONSVERKET', access: 'full' } });
  assertStatus(add, 201);
  const p = await createPerson(srv, U.owner, c.id,
    { protected_identity: 'marked', identity: { full_name: 'Skyddad', address: 'Hemlig gata 1' } });
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${p.id}/break-glass`,
    { auth: U.mig, body: { category: 'danger_to_life_or_health', reason: 'Akut fara, personen måste nås nu.' } }), 201);
  assert.equal((await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.mig })).json.identity_access, 'full');
  assertStatus(await api(srv, 'DELETE', `/api/v1/cases/${c.id}/team/${add.json.id}`, { auth: U.owner }), 204);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.owner, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.mig });
  assertStatus(r, 200);
  assert.equal(r.json.identity, undefined);
  assert.equal(r.json.identity_access, 'none');
});

test('logins racing the lock: none succeeds or counts after the lock is set', async () => {
  const u = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });
  const wrong = Array.from({ length: 12 }, () =>
    login(srv, u, { password: 'fel lösenord', totp: badCode(u) }));
  const statuses = (await Promise.all(wrong)).map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(','));
  assert.equal(statuses.filter((s) => s === 429).length, 7, statuses.join(','));
  assertProblem(await login(srv, u), 429, 'the correct password is refused while locked');
  const failures = (await listAll(srv, '/api/v1/audit', { auth: U.auditor }))
    .filter((e) => e.action === 'login.failure' && e.object === `user:${u.username}`);
  assert.equal(failures.length, 5, 'no failure is counted after the lock');
});

test('concurrent adds of one team member leave one row; a second delete is 404', async () => {
  const c = await createCase(srv, U.owner);
  const adds = await Promise.all(Array.from({ length: 8 }, () => api(srv, 'POST',
    `/api/v1/cases/${c.id}/team`, { auth: U.owner, body: { organization: 'SKATTEVERKET', access: 'full' } })));
  const statuses = adds.map((r) => r.status).sort();
  assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409, 409, 409]);
  const team = (await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.owner })).json.items;
  const rows = team.filter((m) => m.organization === 'SKATTEVERKET');
  assert.equal(rows.length, 1);
  const dels = await Promise.all([1, 2, 3].map(() =>
    api(srv, 'DELETE', `/api/v1/cases/${c.id}/team/${rows[0].id}`, { auth: U.owner })));
  assert.deepEqual(dels.map((r) => r.status).sort(), [204, 404, 404]);
  const removed = (await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor }))
    .filter((e) => e.action === 'team.remove');
  assert.equal(removed.length, 1);
});

test('a case query value that is not an id is a 400, never logged', async () => {
  for (const path of ['/api/v1/audit?case=%FF', '/api/v1/break-glass?case=nope']) {
    assertProblem(await api(srv, 'GET', path, { auth: U.auditor }), 400);
  }
  assertProblem(await api(srv, 'GET', '/api/v1/cases?region=%FF', { auth: U.owner }), 400);
});

test('nmtctl refuses a display name that is not valid UTF-8', async () => {
  // A Latin-1 "Åsa": the byte 0xC5 alone is no UTF-8 (it used to crash nmtd at login).
  const r = await run('/bin/sh', ['-c',
    'exec "$0" --database "$1" --key-file "$2" user add --username latin1 ' +
    '--display-name "$(printf \'\\305sa\')" --org NMT --role auditor --json',
    NMTCTL, srv.db.url, srv.db.keyFile]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /UTF-8/);
});

test('nmtctl refuses a display name that would not fit whole (it used to be cut mid-character)', async () => {
  for (const name of ['漢'.repeat(200), '😀'.repeat(150)]) {
    const r = await srv.ctl(['user', 'add', '--username', `lang${name.length}`, '--display-name', name,
      '--org', 'NMT', '--role', 'auditor', '--json']);
    assert.equal(r.code, 2, r.stdout);
  }
  const ok = await srv.ctl(['user', 'add', '--username', 'lang-ok', '--display-name', '漢'.repeat(150),
    '--org', 'NMT', '--role', 'auditor', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('the unique-team migration merges duplicates an older schema may hold', async () => {
  const s2 = await startServer();
  const owner = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
  const c = await createCase(s2, owner, { county: '12' });
  await s2.stop();
  try {
    // Back to migrations 1-4, with a duplicate of the owner's team row.
    await rollBackTo(s2.db, 4);
    await s2.db.exec(`INSERT INTO case_member (id, case_id, organization, user_id, access, added_by, added_at)
      SELECT '00000000-0000-4000-8000-000000000001', case_id, organization, user_id, access, added_by,
      '2999-01-01T00:00:00Z' FROM case_member WHERE case_id = '${c.id}';`);
    const r = await ctlFor(s2.db, ['init']);
    assert.equal(r.code, 0, r.stderr);
    const rows = (await s2.db.exec(`SELECT id FROM case_member WHERE case_id = '${c.id}';`))
      .split('\n').map((x) => x.trim()).filter(Boolean);
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0], '00000000-0000-4000-8000-000000000001', 'the row added first stays');
    // 0011 ran again: init filled the title's sort key (folded, ä after z) and the serial.
    const sortKey = (await s2.db.exec(`SELECT title_sort || '/' || serial FROM nmt_case WHERE id = '${c.id}';`)).trim();
    assert.equal(sortKey, `test|rende/${Number(c.number.slice(-5))}`);
  } finally {
    await s2.db.drop();
  }
});

test('nmtd refuses a database that nmtctl init has not prepared', async () => {
  const db = await createDatabase();
  try {
    if (db.kind === 'sqlite') {
      await db.exec('CREATE TABLE x (a);');
      fs.chmodSync(db.file, 0o600); // the sqlite3 shell creates it 0644, which nmtd refuses first
    }
    const r = await run(NMTD, ['--database', db.url, '--key-file', db.keyFile, '--listen', '127.0.0.1:0'],
      { timeoutMs: 10000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /nmtctl init/);
  } finally {
    await db.drop();
  }
});

test('the header limit is configurable (NMT_MAX_HEADER)', async () => {
  const small = await startServer({ env: { NMT_MAX_HEADER: '4096' } });
  try {
    const big = await api(small, 'GET', '/healthz', { headers: { 'x-filler': 'a'.repeat(5000) } });
    assert.equal(big.status, 431);
    assertStatus(await api(small, 'GET', '/healthz', { headers: { 'x-filler': 'a'.repeat(3000) } }), 200);
    // The default (16 KiB) takes the same 5000-byte header.
    assertStatus(await api(srv, 'GET', '/healthz', { headers: { 'x-filler': 'a'.repeat(5000) } }), 200);
  } finally {
    await small.stop();
  }
});

test('a sealed identity that will not open answers 500 and is never overwritten', async () => {
  const c = await createCase(srv, U.owner, { county: '12' });
  const p = await createPerson(srv, U.owner, c.id, { identity: { full_name: 'Sigrid Sigill', address: 'Gata 9' } });
  const q = (col) => `SELECT ${col} FROM person WHERE id = '${p.id}';`;
  const sealed = (await srv.db.exec(q('identity_sealed'))).trim();
  assert.ok(sealed.length > 20);
  // Flip one character in the middle of the sealed block: it no longer opens.
  const i = Math.floor(sealed.length / 2);
  const damaged = sealed.slice(0, i) + (sealed[i] === 'A' ? 'B' : 'A') + sealed.slice(i + 1);
  await srv.db.exec(`UPDATE person SET identity_sealed = '${damaged}' WHERE id = '${p.id}';`);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.owner, ifMatch: `"${p.version}"`, body: { pseudonym: 'Ny' } });
  assertProblem(r, 500);
  assert.equal((await srv.db.exec(q('identity_sealed'))).trim(), damaged, 'the stored block is unchanged');
  assert.notEqual((await srv.db.exec(q('pseudonym'))).trim(), 'Ny', 'nothing was written');
  // The person answer never opens the block; revealing it is the fault.
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.owner }), 200);
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.owner }), 500);
});

test('an unknown protection level in storage is never read as a weaker one: nothing is served', async () => {
  const c = await createCase(srv, U.owner, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.owner, body: { organization: 'MIGRATIONSVERKET', access: 'full' } }), 201);
  const p = await createPerson(srv, U.owner, c.id, { identity: { full_name: 'Okänd Nivå' } });
  // A level written by a newer build (the CHECK rule of this one set aside).
  const update = `UPDATE person SET protected_identity = 'top_secret' WHERE id = '${p.id}';`;
  await srv.db.exec(srv.db.kind === 'sqlite' ? `PRAGMA ignore_check_constraints = ON; ${update}`
    : `ALTER TABLE person DROP CONSTRAINT IF EXISTS person_protected_identity_check; ${update}`);
  for (const who of [U.owner, U.mig, U.rksyd]) {
    const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: who });
    assertProblem(r, 500);
    assert.ok(!r.text.includes('Okänd Nivå'));
    assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: who }), 500);
  }
  assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.owner, ifMatch: `"${p.version}"`, body: { pseudonym: 'Ny' } }), 500);
  assertProblem(await api(srv, 'POST', `/api/v1/persons/${p.id}/break-glass`,
    { auth: U.mig, body: { category: 'other', reason: 'Test av okänd skyddsnivå' } }), 403);
});
