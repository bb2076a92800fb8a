// API.md "Audit": what is logged, who may read it, and `nmtctl audit verify` against tampering.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUser, addUserWithToken, api, login, loginOk, badCode, assertProblem, assertStatus,
  createCase, createPerson, listAll, ctlFor, RFC3339_UTC,
} from './harness.mjs';

let srv;
const U = {};
let A; // case by pol in syd
let P; // person on A
let member; // team member added and removed
let cookieCase; // case created through a cookie session
let entries; // all audit entries as the auditor sees them

before(async () => {
  srv = await startServer();
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.rknord = await addUserWithToken(srv, { org: 'RK-NORD', role: 'coordinator', region: 'nord' });
  U.admin = await addUserWithToken(srv, { org: 'NMT', role: 'admin' });
  U.locky = await addUser(srv, { org: 'SKATTEVERKET', role: 'member' });

  // Logins: a failure, a success (cookie session), a lockout.
  const fail = await login(srv, U.pol, { password: 'wrong password', totp: badCode(U.pol) });
  assertProblem(fail, 401);
  const session = await loginOk(srv, U.pol);
  for (let i = 0; i < 5; i++) await login(srv, U.locky, { password: 'nope', totp: badCode(U.locky) });
  const locked = await login(srv, U.locky);
  assertProblem(locked, 429, 'locked account');

  // Case create/read/update/list, through the cookie and through a token.
  const r = await api(srv, 'POST', '/api/v1/cases',
    { session, body: { title: 'Cookie', summary: 's', county: '12', exploitation: ['begging'] } });
  assertStatus(r, 201);
  cookieCase = r.json;
  A = await createCase(srv, U.pol, { title: 'Granskad', county: '12' });
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.pol }), 200);
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.pol, ifMatch: '"1"', body: { summary: 'granskning' } }), 200);
  assertStatus(await api(srv, 'GET', '/api/v1/cases', { auth: U.pol }), 200);

  // Persons.
  P = await createPerson(srv, U.pol, A.id, { identity: {
    full_name: 'Audit Person', date_of_birth: '1990-01-01', id_number: '19900101-0000',
    phone: '+46 70 123 45 67', address: 'Gatan 1' } });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${P.id}`, { auth: U.pol }), 200);
  assertStatus(await api(srv, 'PATCH', `/api/v1/persons/${P.id}`,
    { auth: U.pol, ifMatch: '"1"', body: { pseudonym: 'Ändrad' } }), 200);

  // Team add/remove.
  const add = await api(srv, 'POST', `/api/v1/cases/${A.id}/team`,
    { auth: U.pol, body: { organization: 'SOS-AVV', access: 'pseudonymous' } });
  assertStatus(add, 201);
  member = add.json;
  assertStatus(await api(srv, 'DELETE', `/api/v1/cases/${A.id}/team/${member.id}`, { auth: U.pol }), 204);

  // Refused reads of existing objects.
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.rknord }), 404);
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${P.id}`, { auth: U.rknord }), 404);

  // Logout.
  assertStatus(await api(srv, 'DELETE', '/api/v1/session', { session }), 204);
});
after(async () => { if (srv) await srv.close(); });

function find(pred) { return entries.filter(pred); }

function expectEntry(desc, pred) {
  const hits = find(pred);
  assert.ok(hits.length > 0, `no audit entry for ${desc}; actions seen: ` +
    JSON.stringify([...new Set(entries.map((e) => e.action))]));
  return hits;
}

test('auditor reads the audit log: entry shape and seq order', async () => {
  entries = await listAll(srv, '/api/v1/audit', { auth: U.auditor });
  assert.ok(entries.length >= 20, `only ${entries.length} entries`);
  for (const e of entries) {
    assert.ok(Number.isInteger(e.seq), `seq ${JSON.stringify(e)}`);
    assert.match(e.at, RFC3339_UTC);
    for (const k of ['actor', 'organization', 'object', 'case', 'client']) {
      assert.ok(k in e, `key ${k} in ${JSON.stringify(e)}`);
      assert.ok(e[k] === null || typeof e[k] === 'string', `${k} in ${JSON.stringify(e)}`);
    }
    assert.equal(typeof e.action, 'string');
    assert.equal(typeof e.flagged, 'boolean');
  }
  const seqs = entries.map((e) => e.seq);
  const inc = seqs.every((s, i) => i === 0 || s > seqs[i - 1]);
  const dec = seqs.every((s, i) => i === 0 || s < seqs[i - 1]);
  assert.ok(inc || dec, 'entries come in seq order');
  const asc = [...seqs].sort((a, b) => a - b);
  for (let i = 1; i < asc.length; i++) assert.equal(asc[i], asc[i - 1] + 1, `seq gap after ${asc[i - 1]}`);
});

test('logins, case, person and team actions are logged with actor, organization, object, case, client', async () => {
  const pol = U.pol.username;
  const apiClient = (e) => typeof e.client === 'string' && e.client.includes('127.0.0.1');

  const ok = expectEntry('login.success', (e) => e.action === 'login.success' && e.actor === pol);
  assert.equal(ok[0].organization, 'POLISEN-SYD');
  assert.ok(apiClient(ok[0]), `client of login: ${ok[0].client}`);
  expectEntry('login.failure', (e) => e.action === 'login.failure' && e.actor === pol);
  expectEntry('login.locked', (e) => e.action === 'login.locked' && e.actor === U.locky.username);
  expectEntry('logout', (e) => e.action === 'logout' && e.actor === pol);

  const byCase = (action, c) => (e) => e.action === action && e.actor === pol && e.organization === 'POLISEN-SYD' &&
    e.object === `case:${c.id}` && e.case === c.id && apiClient(e);
  expectEntry('case.create (cookie)', byCase('case.create', cookieCase));
  expectEntry('case.create', byCase('case.create', A));
  expectEntry('case.read', byCase('case.read', A));
  expectEntry('case.update', byCase('case.update', A));
  expectEntry('case.list', (e) => e.action === 'case.list' && e.actor === pol);

  const byPerson = (action) => (e) => e.action === action && e.actor === pol && e.object === `person:${P.id}` &&
    e.case === A.id && e.organization === 'POLISEN-SYD';
  expectEntry('person.create', byPerson('person.create'));
  expectEntry('person.read', byPerson('person.read'));
  expectEntry('person.update', byPerson('person.update'));

  const byMember = (action) => (e) => e.action === action && e.actor === pol && e.object === `member:${member.id}` &&
    e.case === A.id;
  expectEntry('team.add', byMember('team.add'));
  expectEntry('team.remove', byMember('team.remove'));

  const denied = expectEntry('case.denied', (e) => e.action === 'case.denied' && e.actor === U.rknord.username &&
    e.organization === 'RK-NORD' && e.object === `case:${A.id}`);
  assert.ok(apiClient(denied[0]));
  expectEntry('person.denied', (e) => e.action === 'person.denied' && e.actor === U.rknord.username &&
    e.object === `person:${P.id}`);

  expectEntry('user.create', (e) => e.action === 'user.create' && e.object === `user:${pol}`);
  expectEntry('token.create', (e) => e.action === 'token.create' &&
    (e.object === `user:${pol}` || e.object === null || e.actor === pol));

  // No identity data in the audit log.
  assert.ok(!JSON.stringify(entries).includes('Audit Person'), 'identity in the audit log');
});

test('pagination of the audit log', async () => {
  const p1 = await api(srv, 'GET', '/api/v1/audit?limit=3', { auth: U.auditor });
  assertStatus(p1, 200);
  assert.equal(p1.json.items.length, 3);
  assert.equal(typeof p1.json.next_cursor, 'string');
  const p2 = await api(srv, 'GET', `/api/v1/audit?limit=3&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { auth: U.auditor });
  assertStatus(p2, 200);
  assert.equal(p2.json.items.length, 3);
  const s1 = p1.json.items.map((e) => e.seq);
  const s2 = p2.json.items.map((e) => e.seq);
  assert.equal(new Set([...s1, ...s2]).size, 6, 'pages do not overlap');
  assertProblem(await api(srv, 'GET', '/api/v1/audit?limit=0', { auth: U.auditor }), 400);
  assertProblem(await api(srv, 'GET', '/api/v1/audit?limit=201', { auth: U.auditor }), 400);
});

test('flagged filter', async () => {
  const t = await listAll(srv, '/api/v1/audit?flagged=true', { auth: U.auditor });
  assert.ok(t.every((e) => e.flagged === true), 'flagged=true gives only flagged entries');
  const f = await listAll(srv, '/api/v1/audit?flagged=false', { auth: U.auditor });
  assert.ok(f.every((e) => e.flagged === false), 'flagged=false gives only unflagged entries');
  assert.ok(f.length > 0);
  const all = await listAll(srv, '/api/v1/audit', { auth: U.auditor });
  // Reading the log is an entry of its own (audit.read, not flagged), so each read adds some.
  const other = (list) => list.filter((e) => e.action !== 'audit.read');
  assert.ok(all.some((e) => e.action === 'audit.read' && e.actor === U.auditor.username && !e.flagged));
  assert.equal(t.length + other(f).length, other(all).length,
    'flagged=true and flagged=false partition the log');
});

test('a coordinator who sees the case reads that case\'s entries; others get 403', async () => {
  const mine = await listAll(srv, `/api/v1/audit?case=${A.id}`, { auth: U.rksyd });
  assert.ok(mine.length >= 5, `entries for case A: ${mine.length}`);
  assert.ok(mine.every((e) => e.case === A.id), 'only that case\'s entries');
  assert.ok(mine.some((e) => e.action === 'case.create'));
  const fl = await listAll(srv, `/api/v1/audit?case=${A.id}&flagged=false`, { auth: U.rksyd });
  assert.ok(fl.every((e) => e.case === A.id && e.flagged === false));

  const noCase = await api(srv, 'GET', '/api/v1/audit', { auth: U.rksyd });
  // openapi.yaml: a coordinator must give `case` (400 otherwise).
  assertProblem(noCase, 400, 'coordinator without case');
  const other = await api(srv, 'GET', `/api/v1/audit?case=${A.id}`, { auth: U.rknord });
  // API.md: a case the caller may not see answers 404, never 403.
  assertProblem(other, 404, 'coordinator who does not see the case');
  assertProblem(await api(srv, 'GET', `/api/v1/audit?case=${A.id}`, { auth: U.pol }), 403, 'member with case');
  assertProblem(await api(srv, 'GET', '/api/v1/audit', { auth: U.pol }), 403, 'member');
  assertProblem(await api(srv, 'GET', '/api/v1/audit', { auth: U.admin }), 403, 'admin');
  assertProblem(await api(srv, 'GET', '/api/v1/audit'), 401, 'anonymous');
  // The auditor may filter by case too.
  const au = await listAll(srv, `/api/v1/audit?case=${A.id}`, { auth: U.auditor });
  assert.ok(au.every((e) => e.case === A.id));
  assert.ok(au.length >= mine.length);
});

// ---------------------------------------------------------------------------
// nmtctl audit verify

async function auditSeqs(db) {
  const out = await db.exec('SELECT seq FROM audit ORDER BY seq;');
  return out.split('\n').map((s) => s.trim()).filter(Boolean).map(Number);
}

function brokenAt(r) {
  const m = /broken at entry (\d+)/.exec(r.stderr);
  assert.ok(m, `verify should name the entry on stderr: ${JSON.stringify(r.stderr)}`);
  return Number(m[1]);
}

let seqs;

test('audit verify: intact chain → exit 0 with the number of entries', async () => {
  const apiCount = (await listAll(srv, '/api/v1/audit', { auth: U.auditor })).length;
  await srv.stop(); // flushes pending entries
  seqs = await auditSeqs(srv.db);
  assert.ok(seqs.length >= apiCount, `${seqs.length} rows in the audit table, ${apiCount} through the API`);
  const r = await ctlFor(srv.db, ['audit', 'verify']);
  assert.equal(r.code, 0, `verify failed: ${r.stderr}`);
  const m = /intact: (\d+) entries/.exec(r.stdout);
  assert.ok(m, `verify output: ${JSON.stringify(r.stdout)}`);
  // nmtctl itself may log its run; the count covers at least every row present before it ran.
  const after = await auditSeqs(srv.db);
  assert.ok(Number(m[1]) === seqs.length || Number(m[1]) === after.length,
    `verify counted ${m[1]}, the table has ${seqs.length} rows`);
});

/** Remove what could stop a superuser from tampering (append-only triggers, rules). */
async function unprotect(db) {
  if (db.kind === 'sqlite') {
    const names = (await db.exec("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit';"))
      .split('\n').map((x) => x.trim()).filter(Boolean);
    for (const n of names) await db.exec(`DROP TRIGGER "${n}";`);
  } else {
    await db.exec('ALTER TABLE audit DISABLE TRIGGER ALL;');
    const rules = (await db.exec("SELECT rulename FROM pg_rules WHERE tablename = 'audit';"))
      .split('\n').map((x) => x.trim()).filter(Boolean);
    for (const n of rules) await db.exec(`DROP RULE "${n}" ON audit;`);
  }
}

async function tampered(sql, check, { probe, expect } = {}) {
  const db = await srv.db.clone();
  try {
    await unprotect(db);
    await db.exec(sql);
    if (probe) assert.equal((await db.exec(probe)).trim(), expect, 'the tampering took effect');
    const r = await ctlFor(db, ['audit', 'verify']);
    assert.notEqual(r.code, 0, `verify must fail; stdout ${r.stdout}`);
    assert.doesNotMatch(r.stdout, /intact/);
    check(brokenAt(r));
  } finally {
    await db.drop();
  }
}

test('audit verify: a change to any column of an entry is found', async () => {
  const k = Number((await srv.db.exec(
    `SELECT seq FROM audit WHERE action = 'case.create' AND case_id IS NOT NULL ORDER BY seq;`)).split('\n')[0]);
  assert.ok(k > 0, 'a case.create entry');
  const other = (await srv.db.exec(`SELECT case_id FROM audit WHERE case_id IS NOT NULL ORDER BY seq DESC;`))
    .split('\n').map((x) => x.trim()).filter(Boolean).find((x) => x !== cookieCase.id && x !== A.id) || A.id;
  const changes = {
    at: "at = '2001-02-03T04:05:06Z'",
    actor: "actor = 'mallory'",
    organization: "organization = 'SKATTEVERKET'",
    object: `object = 'case:${other}'`,
    case_id: `case_id = '${other}'`,
    client: "client = '10.6.6.6'",
    flagged: ['flagged = NOT flagged', 'flagged = 1 - flagged'], // boolean or integer column
  };
  const missed = [];
  for (const [col, set] of Object.entries(changes)) {
    const db = await srv.db.clone();
    try {
      await unprotect(db);
      const sets = Array.isArray(set) ? set : [set];
      for (let i = 0; i < sets.length; i++) {
        try {
          await db.exec(`UPDATE audit SET ${sets[i]} WHERE seq = ${k};`);
          break;
        } catch (e) {
          if (i === sets.length - 1) throw e;
        }
      }
      const r = await ctlFor(db, ['audit', 'verify']);
      if (r.code === 0) missed.push(col);
      else assert.equal(brokenAt(r), k, `changed ${col} of entry ${k}`);
    } finally {
      await db.drop();
    }
  }
  assert.deepEqual(missed, [], `changes verify did not notice (columns outside the chain): ${missed.join(', ')}`);
});

test('audit verify: removing the last entry is found', async () => {
  const k = seqs[seqs.length - 1];
  const db = await srv.db.clone();
  try {
    await unprotect(db);
    await db.exec(`DELETE FROM audit WHERE seq = ${k};`);
    const r = await ctlFor(db, ['audit', 'verify']);
    assert.notEqual(r.code, 0, `verify did not notice the removal of the last entry ${k}: ${r.stdout}`);
    brokenAt(r);
  } finally {
    await db.drop();
  }
});

test('audit verify: a changed entry is found', async () => {
  const k = seqs[Math.floor(seqs.length / 2)];
  await tampered(`UPDATE audit SET action = 'case.tampered' WHERE seq = ${k};`,
    (n) => assert.equal(n, k, `changed entry ${k}`),
    { probe: `SELECT action FROM audit WHERE seq = ${k};`, expect: 'case.tampered' });
});

test('audit verify: a changed last entry is found', async () => {
  const k = seqs[seqs.length - 1];
  await tampered(`UPDATE audit SET actor = 'mallory' WHERE seq = ${k};`,
    (n) => assert.equal(n, k, `changed last entry ${k}`),
    { probe: `SELECT actor FROM audit WHERE seq = ${k};`, expect: 'mallory' });
});

test('audit verify: a removed entry is found', async () => {
  const k = seqs[Math.floor(seqs.length / 3)];
  await tampered(`DELETE FROM audit WHERE seq = ${k};`,
    (n) => assert.ok(n === k || n === k + 1, `removed entry ${k}, reported ${n}`),
    { probe: `SELECT count(*) FROM audit WHERE seq = ${k};`, expect: '0' });
});

test('audit verify: two swapped entries are found', async () => {
  const rows = (await srv.db.exec("SELECT seq || '|' || action FROM audit ORDER BY seq;"))
    .split('\n').map((x) => x.trim()).filter(Boolean).map((x) => x.split('|'));
  // Two neighbours with different actions, from the middle of the chain.
  let at = Math.floor(rows.length / 2);
  while (at + 1 < rows.length && rows[at][1] === rows[at + 1][1]) at++;
  assert.ok(at + 1 < rows.length, 'two neighbouring entries with different actions');
  const k = Number(rows[at][0]);
  const k2 = Number(rows[at + 1][0]);
  assert.equal(k2, k + 1);
  const swapSeq = `UPDATE audit SET seq = -1 WHERE seq = ${k}; UPDATE audit SET seq = ${k} WHERE seq = ${k2}; ` +
    `UPDATE audit SET seq = ${k2} WHERE seq = -1;`;
  const db = await srv.db.clone();
  let sql = swapSeq;
  try {
    await unprotect(db);
    await db.exec(swapSeq);
  } catch {
    // seq cannot be updated (e.g. an identity column): swap the contents instead.
    const cols = 'at, actor, organization, action, object, case_id, client, flagged, hash';
    sql = `CREATE TEMP TABLE sw AS SELECT * FROM audit WHERE seq IN (${k}, ${k2}); ` +
      `UPDATE audit SET (${cols}) = (SELECT ${cols} FROM sw WHERE sw.seq = ${k2}) WHERE seq = ${k}; ` +
      `UPDATE audit SET (${cols}) = (SELECT ${cols} FROM sw WHERE sw.seq = ${k}) WHERE seq = ${k2};`;
  } finally {
    await db.drop();
  }
  await tampered(sql, (n) => assert.ok(n === k || n === k2, `swapped ${k} and ${k2}, reported ${n}`),
    { probe: `SELECT action FROM audit WHERE seq = ${k};`, expect: rows[at + 1][1] });
});
