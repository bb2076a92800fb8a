// Issue 14, item 1: `nmtctl backup FILE` while nmtd takes a steady stream of writes from several
// clients, `nmtctl restore FILE` into a fresh database, and every row of every table compared
// with the database's own client (sqlite3 / psql): the restored database is the source as of one
// snapshot (its counts are the manifest's, every row equals its source row, the source's extra
// rows are exactly those written after the manifest's audit head), its audit chain verifies, and
// nmtd serves it. A backup of a quiet database restores every row of every table unchanged. A
// damaged, truncated, foreign, newer or missing file and a target holding data are refused with
// nothing written. Runs on SQLite and PostgreSQL (NMT_TEST_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import {
  startServer, createDatabase, ctlFor, addUserWithToken, api, assertStatus, createCase,
  createPerson, loginOk, DB_KIND,
} from './harness.mjs';

const WRITERS = 4;
let srv; // nmtd on the source
let src; // the source database
let U; // writers, each with a token
let spare; // a user who never logged in on the source
let loaded; // {manifest, file, restored, written}: the backup taken under load

const rowsOf = async (db, table) => {
  if (db.kind === 'sqlite') {
    const out = await db.exec(`.mode json\nSELECT * FROM "${table}";\n`);
    return out.trim() === '' ? [] : JSON.parse(out).map((r) => JSON.stringify(r));
  }
  return JSON.parse(await db.exec(`SELECT coalesce(json_agg(t), '[]') FROM "${table}" t`))
    .map((r) => JSON.stringify(r));
};

const tablesOf = async (db) => (await db.exec(db.kind === 'sqlite'
  ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
  : 'SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename'))
  .trim().split('\n').filter(Boolean);

/** Every table's rows, sorted: {table: [row JSON, ...]}. */
async function snapshot(db) {
  const out = {};
  for (const t of await tablesOf(db)) out[t] = (await rowsOf(db, t)).sort();
  return out;
}

/** What a database holds, to prove a refused restore changed nothing. */
async function fingerprint(db) {
  if (db.kind === 'sqlite' && !fs.existsSync(db.file)) return 'no file';
  // (pg_dump writes a random \restrict key into each dump: not the data)
  const bytes = db.kind === 'pg'
    ? (await db.dump()).toString('utf8').replace(/^\\(un)?restrict .*$/gm, '') : await db.dump();
  return createHash('sha256').update(bytes).digest('hex');
}

const auditOf = (rows) => rows.map((r) => JSON.parse(r)).sort((a, b) => Number(a.seq) - Number(b.seq));

/**
 * Writers that each create a case, a person with an identity and a journal entry, again and
 * again, until stopped. count() is the number of rounds done; reached(n) resolves when n are.
 */
function startLoad() {
  let stopped = false;
  let done = 0;
  const waiting = [];
  const round = async (u, i) => {
    const c = await createCase(srv, u, { title: `Ärende ${u.username} ${i}` });
    await createPerson(srv, u, c.id, { identity: { full_name: `Person ${i} ${u.username}` } });
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
      { auth: u, body: { kind: 'note', text: `Anteckning ${i}` } }), 201, 'journal entry');
    done += 1;
    for (const w of waiting.filter((x) => done >= x.n)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(); }
  };
  const runs = U.map(async (u) => { for (let i = 0; !stopped; i++) await round(u, i); });
  return {
    count: () => done,
    reached: (n) => (done >= n ? Promise.resolve() : new Promise((resolve) => waiting.push({ n, resolve }))),
    stop: async () => { stopped = true; await Promise.all(runs); },
  };
}

/** A fresh target database sharing the source's key file (made by init when asked). */
async function target({ init = false, keyFile = src.keyFile } = {}) {
  const db = await createDatabase();
  db.keyFile = keyFile;
  if (init) {
    const r = await ctlFor(db, ['init']);
    assert.equal(r.code, 0, r.stderr);
  }
  return db;
}

const backup = async (file, ...args) => {
  const r = await ctlFor(src, ['backup', file, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

before(async () => {
  srv = await startServer();
  src = srv.db;
  U = [];
  for (let i = 0; i < WRITERS; i++) U.push(await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }));
  spare = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });

  // Back up in the middle of a steady stream of writes.
  const load = startLoad();
  await load.reached(WRITERS * 3);
  const file = path.join(src.dir, 'under-load.nmtbak');
  const atStart = load.count();
  const manifest = await backup(file);
  const atEnd = load.count();
  await load.reached(atEnd + WRITERS * 2); // writes go on after the snapshot too
  await load.stop();
  const restored = await target();
  const r = await ctlFor(restored, ['restore', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), manifest, 'restore prints the manifest it restored');
  loaded = { manifest, file, restored, written: load.count(), atStart, atEnd };
});

after(async () => {
  await srv?.stop();
  await loaded?.restored?.drop();
  await src?.drop();
});

test('the manifest names the database, its schema, its rows, its audit head and the key', async () => {
  const m = loaded.manifest;
  assert.equal(m.format, 1);
  assert.equal(m.product, 'nmt');
  assert.match(m.version, /^\d+\.\d+\.\d+/);
  assert.equal(m.database, DB_KIND === 'pg' ? 'postgresql' : 'sqlite');
  assert.equal(m.content, DB_KIND === 'pg' ? 'pg_dump-plain' : 'sqlite-database');
  const latest = Number((await src.exec('SELECT max(version) FROM schema_migrations')).trim());
  assert.equal(m.schema, latest);
  assert.match(m.key_id, /^[0-9a-f]{16}$/);
  assert.match(m.written_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.deepEqual(Object.keys(m.tables).sort(), await tablesOf(src), 'every table is counted');
  assert.match(m.audit.hash, /^[0-9a-f]{64}$/);
  // a snapshot taken under load: the rounds done before it are in, the ones after are not
  // (a round in flight, one per writer, may have its case in)
  assert.ok(m.tables.nmt_case >= loaded.atStart && m.tables.nmt_case <= loaded.atEnd + WRITERS,
    `${m.tables.nmt_case} cases in the backup, ${loaded.atStart}..${loaded.atEnd} rounds done around it`);
  const sourceCases = Number((await src.exec('SELECT count(*) FROM nmt_case')).trim());
  assert.equal(sourceCases, loaded.written);
  assert.ok(sourceCases > m.tables.nmt_case, 'the source went on taking writes');
});

test('the file is sealed: no clear text of the database in it, the key id in its first line', async () => {
  const bytes = fs.readFileSync(loaded.file);
  assert.equal(bytes.subarray(0, 30).toString('latin1'), `nmt-backup 1 ${loaded.manifest.key_id}\n`);
  for (const needle of ['Anteckning', 'Ärende', 'POLISEN-SYD', 'CREATE TABLE', 'SQLite format', 'app_user']) {
    assert.equal(bytes.indexOf(Buffer.from(needle)), -1, `"${needle}" is not in the file`);
  }
  assert.equal(fs.statSync(loaded.file).mode & 0o077, 0, 'mode 0600');
  assert.ok(!fs.existsSync(`${loaded.file}.tmp`), 'no temporary file left');
});

test('the restored database is the source as of the snapshot, row by row', async () => {
  const m = loaded.manifest;
  const R = await snapshot(loaded.restored);
  const S = await snapshot(src);
  assert.deepEqual(Object.keys(R).sort(), Object.keys(m.tables).sort());
  for (const [t, n] of Object.entries(m.tables)) assert.equal(R[t].length, n, `${t}: the manifest's count`);

  // The audit log is append-only: the restored one is the source's up to the head, exactly.
  const head = Number(m.audit.seq);
  const ra = auditOf(R.audit);
  const sa = auditOf(S.audit);
  assert.equal(ra.length, head);
  assert.deepEqual(ra, sa.filter((a) => Number(a.seq) <= head));
  assert.equal(ra.at(-1).hash, m.audit.hash);
  assert.ok(sa.length > head, 'entries were written after the snapshot');

  // Rows the load only ever inserts: every restored row equals its source row, and the source's
  // extra rows are exactly those whose creation is audited after the head.
  const created = (action) => new Map(sa.filter((a) => a.action === action)
    .map((a) => [a.object.replace(/^[a-z_]+:/, ''), Number(a.seq)]));
  for (const [table, action] of [['nmt_case', 'case.create'], ['person', 'person.create'],
    ['case_journal', 'journal.create']]) {
    const inR = new Set(norm(table, R[table]));
    const inS = new Set(norm(table, S[table]));
    const audited = created(action);
    for (const row of inR) assert.ok(inS.has(row), `${table}: a restored row equals its source row: ${row}`);
    for (const row of inS) {
      const { id } = JSON.parse(row);
      if (!audited.has(id)) continue; // made outside the load (none are expected, see below)
      assert.equal(inR.has(row), audited.get(id) <= head,
        `${table} ${id}: in the backup exactly when its creation (entry ${audited.get(id)}) is at or before the head`);
    }
    assert.equal(S[table].filter((row) => !audited.has(JSON.parse(row).id)).length, 0,
      `${table}: every source row was made through the API`);
  }
  // Every other table: each restored row is a source row, but for the rows the load updates
  // (counters, the audit head, a case's last activity, sessions, statistics).
  for (const t of Object.keys(R)) {
    const inS = new Set(norm(t, S[t]));
    const changed = norm(t, R[t]).filter((row) => !inS.has(row));
    if (changed.length > 0) {
      assert.ok(MUTABLE.has(t), `${t}: ${changed.length} restored rows differ from the source: ${changed[0]}`);
    }
  }
});

// Tables whose rows the load changes in place after the snapshot, not only adds to: the audit head,
// the case number counters, the statistics aggregates, SQLite's full-text index segments.
const MUTABLE = new Set(['audit_head', 'counter', 'stat_own_nat', 'stat_own_pair', 'stat_case', 'stat_consultation', 'search_fts',
  'search_fts_content', 'search_fts_data', 'search_fts_idx', 'search_fts_docsize', 'search_fts_config']);
// Columns a later write in the same case may change: a case's latest activity.
const VOLATILE = { nmt_case: ['last_activity'] };
const norm = (table, rows) => rows.map((row) => {
  const o = JSON.parse(row);
  for (const c of VOLATILE[table] || []) delete o[c];
  return JSON.stringify(o);
});

test('the restored audit chain verifies and its head is the manifest\'s', async () => {
  const r = await ctlFor(loaded.restored, ['audit', 'verify']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^head: ${loaded.manifest.audit.seq}:${loaded.manifest.audit.hash}$`, 'm'));
});

test('nmtd serves the restored database: a case reads back, tokens and logins work', async () => {
  const caseId = JSON.parse((await rowsOf(loaded.restored, 'nmt_case'))[0]).id;
  const before = await api(srv, 'GET', `/api/v1/cases/${caseId}`, { auth: U[0] });
  assertStatus(before, 200, 'the case reads on the source');
  const s2 = await startServer({ db: loaded.restored, init: false });
  try {
    const r = await api(s2, 'GET', `/api/v1/cases/${caseId}`, { auth: U[0] });
    assertStatus(r, 200, 'the case reads on the restored database');
    assert.equal(r.json.title, before.json.title);
    assert.equal(r.json.number, before.json.number);
    await loginOk(s2, spare);
  } finally {
    await s2.stop();
  }
});

test('a backup of a quiet database restores every row of every table unchanged', async () => {
  const file = path.join(src.dir, 'quiet.nmtbak');
  await backup(file);
  const t = await target({ init: true }); // a database made by init is empty enough
  try {
    const r = await ctlFor(t, ['restore', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await snapshot(t), await snapshot(src));
  } finally {
    await t.drop();
  }
});

test('an existing file is replaced only with --force, and never left half-written', async () => {
  const file = path.join(src.dir, 'twice.nmtbak');
  await backup(file);
  const first = fs.readFileSync(file);
  const r = await ctlFor(src, ['backup', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists; give --force/);
  assert.deepEqual(fs.readFileSync(file), first, 'unchanged');
  await backup(file, '--force');
  assert.notDeepEqual(fs.readFileSync(file), first, 'replaced');
  assert.ok(!fs.existsSync(`${file}.tmp`));
});

/** Runs a restore that must be refused with msg, and proves the target unchanged. */
async function refused(db, file, msg) {
  const before = await fingerprint(db);
  const r = await ctlFor(db, ['restore', file]);
  assert.equal(r.code, 1, `refused: ${r.stderr}`);
  assert.match(r.stderr, msg);
  assert.match(r.stderr, /nothing was written/);
  assert.equal(r.stdout, '');
  assert.equal(await fingerprint(db), before, 'the target is unchanged');
}

test('a damaged file is refused: a flipped byte anywhere, a cut end, bytes added', async () => {
  const bytes = fs.readFileSync(loaded.file);
  const t = await target({ init: true });
  try {
    for (const at of [40, 100, Math.floor(bytes.length / 2), bytes.length - 5]) {
      const f = path.join(t.dir, `flipped-${at}`);
      const b = Buffer.from(bytes);
      b[at] ^= 0x01;
      fs.writeFileSync(f, b);
      await refused(t, f, /damaged/);
    }
    const cut = path.join(t.dir, 'cut');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    await refused(t, cut, /truncated/);
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await refused(t, cut, /truncated/);
    const longer = path.join(t.dir, 'longer');
    fs.writeFileSync(longer, Buffer.concat([bytes, Buffer.from('x')]));
    await refused(t, longer, /damaged/);
    const notOne = path.join(t.dir, 'not-a-backup');
    fs.writeFileSync(notOne, 'hello\n');
    await refused(t, notOne, /not an NMT backup file/);
    await refused(t, path.join(t.dir, 'missing.nmtbak'), /cannot open .*No such file/);
  } finally {
    await t.drop();
  }
});

test('a file of another installation (another key file) is refused, naming both key ids', async () => {
  const other = await createDatabase();
  const r0 = await ctlFor(other, ['init']); // its own, new key file
  assert.equal(r0.code, 0, r0.stderr);
  try {
    const r = await ctlFor(other, ['restore', loaded.file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`another key file \\(its key id ${loaded.manifest.key_id}, this key file's [0-9a-f]{16}\\)`));
    await refused(other, loaded.file, /another key file/);
  } finally {
    await other.drop();
  }
});

test('a target that holds users or cases is refused', async () => {
  await refused(loaded.restored, loaded.file, /not empty: it holds users or cases/);
});

test('a backup of a newer schema is refused', async () => {
  const newer = await target({ init: true });
  const t = await target({ init: true });
  try {
    await newer.exec("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, '9999_future.sql', 'x', '2030-01-01T00:00:00Z')");
    const file = path.join(newer.dir, 'newer.nmtbak');
    const b = await ctlFor(newer, ['backup', file]);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(JSON.parse(b.stdout).schema, 9999);
    await refused(t, file, /schema version 9999, newer than this nmtctl's/);
  } finally {
    await newer.drop();
    await t.drop();
  }
});

test('bad command lines are refused with their usage', async () => {
  for (const args of [['backup'], ['backup', '--fast', 'x'], ['restore'], ['restore', 'a', 'b']]) {
    const r = await ctlFor(src, args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, new RegExp(`usage: nmtctl ${args[0]} FILE`));
  }
});
