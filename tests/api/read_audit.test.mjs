// API.md "Audit": every read of a case or a person is an audit entry, and (DESIGN.md §5) a read's
// answer leaves only after its entry is committed. So kill -9 right after N answered reads leaves
// N read entries, and a database that refuses the entry gets the read a 503, never the data.
// The entries are counted in the audit table itself (the daemon is dead or cannot write).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, addUserWithToken, api, assertStatus, assertProblem, createCase, createPerson, ctlFor,
  DB_KIND,
} from './harness.mjs';

const servers = [];
after(async () => {
  for (const s of servers) await s.close();
});

// SQL on the test database while nmtd may hold it (sqlite3 waits for the write lock).
const sql = (db, text) => db.exec(DB_KIND === 'sqlite' ? `.timeout 5000\n${text}` : text);

// {action: count} of the entries a user left.
async function entriesOf(db, username) {
  const out = await sql(db, `SELECT action || '=' || COUNT(*) FROM audit WHERE actor = '${username}' ` +
    'GROUP BY action ORDER BY action;');
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => {
    const [a, n] = l.trim().split('=');
    return [a, Number(n)];
  }));
}

async function setup() {
  const srv = await startServer();
  servers.push(srv);
  const owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const reader = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const c = await createCase(srv, owner, { title: 'Läst före kraschen' });
  const p = await createPerson(srv, owner, c.id, { identity: { full_name: 'Granskad Person' } });
  return { srv, reader, c, p };
}

test('kill -9 right after N answered reads leaves N read entries', async () => {
  const { srv, reader, c, p } = await setup();
  const answered = { 'case.read': 0, 'person.read': 0, 'team.read': 0 };
  const read = async (path, action) => {
    const r = await api(srv, 'GET', path, { auth: reader });
    assertStatus(r, 200, `${action} ${path}`);
    answered[action] += 1;
  };
  // One at a time, then many at once (sharing commits), then the last one right before the kill.
  for (let i = 0; i < 5; i++) await read(`/api/v1/cases/${c.id}`, 'case.read');
  await Promise.all([
    ...Array.from({ length: 12 }, () => read(`/api/v1/cases/${c.id}`, 'case.read')),
    ...Array.from({ length: 8 }, () => read(`/api/v1/persons/${p.id}`, 'person.read')),
    ...Array.from({ length: 4 }, () => read(`/api/v1/cases/${c.id}/team`, 'team.read')),
  ]);
  await read(`/api/v1/persons/${p.id}`, 'person.read');
  await srv.kill9();

  assert.deepEqual(await entriesOf(srv.db, reader.username), answered,
    'every answered read has its entry after kill -9');
  const v = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(v.code, 0, `audit verify after kill -9: ${v.stderr}`);
});

test('a database that refuses the audit entry gets reads a 503, not the data', async () => {
  const { srv, reader, c, p } = await setup();
  const before = await entriesOf(srv.db, reader.username);
  assert.deepEqual(before, {}, 'no entries of the reader yet');
  // The audit table refuses new rows; everything else still works.
  await sql(srv.db, DB_KIND === 'sqlite' ?
    "CREATE TRIGGER test_refuse BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'refused'); END;" :
    'CREATE TRIGGER test_refuse BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();');
  const refused = await Promise.all([
    api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: reader }),
    api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: reader }),
    api(srv, 'GET', '/api/v1/cases', { auth: reader }),
    api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: reader }),
  ]);
  for (const r of refused) {
    assertProblem(r, 503, 'read without its audit entry');
    assert.match(r.headers.get('retry-after') || '', /^[1-9][0-9]*$/, 'Retry-After in seconds');
    assert.ok(!r.text.includes(c.title) && !r.text.includes('Granskad'), 'no data in the 503');
    assert.equal(r.headers.get('etag'), null, 'no header of the withdrawn answer');
  }
  await sql(srv.db, DB_KIND === 'sqlite' ? 'DROP TRIGGER test_refuse;' : 'DROP TRIGGER test_refuse ON audit;');
  const ok = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: reader });
  assertStatus(ok, 200, 'reads answer again once the entry can be written');
  assert.equal(ok.json.title, c.title);
  // Only the answered read left an entry: the refused ones were dropped, not written later.
  assert.deepEqual(await entriesOf(srv.db, reader.username), { 'case.read': 1 });
  await srv.stop();
  const v = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(v.code, 0, `audit verify: ${v.stderr}`);
});

// A COMMIT whose answer is lost (the connection cut right after the server committed) is not a
// batch that failed: written again, its entries would be in the log twice. Test builds stand in
// for the cut with NMT_TEST_AUDIT_LOST_ANSWER (store_audit.c): the next committed batch reports
// the connection lost and the hook's file is removed.
test('a batch committed without an answer is not written again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-lost-'));
  const hook = path.join(dir, 'lost-answer');
  const srv = await startServer({ env: { NMT_TEST_AUDIT_LOST_ANSWER: hook } });
  servers.push(srv);
  const owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const outsider = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
  const c = await createCase(srv, owner, { title: 'Svaret kom aldrig' });
  fs.writeFileSync(hook, '');
  // A refused read: nobody waits for its entry, so a batch taken as failed would queue it again.
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: outsider }), 404);
  // A read that waits for its entry: its batch holds the refusal's entry too, unless the writer
  // took that one alone before (AUDIT_LATE_MS); either way the hook fires on the refusal's batch.
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: owner }), 200,
    'a read in a batch committed without an answer is answered');
  assert.equal(fs.existsSync(hook), false, 'the hook fired');
  await srv.stop();
  assert.deepEqual(await entriesOf(srv.db, outsider.username), { 'case.denied': 1 },
    'the refused read is in the log once');
  assert.deepEqual(await entriesOf(srv.db, owner.username), { 'case.create': 1, 'case.read': 1 });
  const v = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(v.code, 0, `audit verify: ${v.stderr}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
