// Issue 13: `nmtctl seed-synthetic --cases N --persons-per-case K [--seed S]` writes a synthetic
// register through the store: the counts asked for, an audit chain that verifies, the same rows
// for the same seed and other rows for another, data the API reads back (the case, its persons
// with their sealed identities opened, the list, the search, the statistics), and a refusal of a
// database that holds cases or of bad arguments, with nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createDatabase, ctlFor, api, assertStatus, listAll, DB_KIND,
} from './harness.mjs';
import { assertOwnSummaryCurrent } from './stats_summary.mjs';

const CASES = 50;
const PER = 3;
let a; // seed 42
let b; // seed 42 again, the same key file
let c; // seed 43, the same key file
let srv;
let sara; // syn-sekretariat's token
let seedOut;
const dumps = {}; // each register as written, before the tests add their own entries

const count = async (db, sql) => Number((await db.exec(sql)).trim());

/** A database made by init; with key, it uses that key file. */
async function initDb(keyFile) {
  const db = await createDatabase();
  if (keyFile) db.keyFile = keyFile;
  const r = await ctlFor(db, ['init']);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

async function seed(db, seedValue) {
  const r = await ctlFor(db, ['seed-synthetic', '--cases', String(CASES),
    '--persons-per-case', String(PER), '--seed', String(seedValue)]);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

/*
 * The register's rows in a fixed order, without what is random by design: the sealed identity
 * and TOTP bytes (random nonces). Everything else, ids and the audit chain's hashes included,
 * must be the same for a seed.
 */
const DUMP = [
  'SELECT id, number, title, summary, status, county, region, exploitation, owner_user, owner_org, '
    + 'version, created_at, updated_at, closing_reason, closed_at, serial, title_sort, last_activity '
    + 'FROM nmt_case ORDER BY id',
  'SELECT id, case_id, pseudonym, gender, birth_year, age_estimate, is_child, citizenship, languages, '
    + 'vulnerabilities, protected_identity, identity_sealed IS NULL, created_by, created_at FROM person ORDER BY id',
  'SELECT person_id, pseudonym_fold, id_number_hash, name_dob_hash FROM person_match ORDER BY person_id',
  'SELECT id, case_id, organization, user_id, access, added_by, added_at, task_id FROM case_member ORDER BY id',
  'SELECT * FROM case_journal ORDER BY id',
  'SELECT * FROM pathway_event ORDER BY id',
  'SELECT * FROM person_assessment ORDER BY id',
  'SELECT * FROM task ORDER BY id',
  'SELECT * FROM consultation ORDER BY id',
  'SELECT * FROM notification ORDER BY id',
  'SELECT * FROM change_history ORDER BY id',
  'SELECT * FROM counter ORDER BY name',
  'SELECT id, username, display_name, organization, role, region, status, created_at FROM app_user ORDER BY id',
  'SELECT * FROM audit ORDER BY seq',
  'SELECT * FROM audit_head',
];

async function dump(db) {
  const out = [];
  for (const q of DUMP) out.push(await db.exec(q));
  return out;
}

before(async () => {
  a = await initDb();
  seedOut = (await seed(a, 42)).stdout;
  b = await initDb(a.keyFile);
  await seed(b, 42);
  c = await initDb(a.keyFile);
  await seed(c, 43);
  for (const [k, db] of Object.entries({ a, b, c })) dumps[k] = await dump(db);
  srv = await startServer({ db: a, init: false });
  const t = await ctlFor(a, ['token', 'create', '--username', 'syn-sekretariat', '--json']);
  assert.equal(t.code, 0, t.stderr);
  sara = { username: 'syn-sekretariat', token: JSON.parse(t.stdout).token };
});

after(async () => {
  await srv?.stop();
  for (const db of [a, b, c]) await db?.drop();
});

test('the register holds what was asked for, and the output says so', async () => {
  assert.equal(await count(a, 'SELECT count(*) FROM nmt_case'), CASES);
  assert.equal(await count(a, 'SELECT count(*) FROM person'), CASES * PER);
  assert.equal(await count(a, 'SELECT count(DISTINCT case_id) FROM person'), CASES);
  assert.equal(await count(a, `SELECT count(*) FROM (SELECT case_id FROM person GROUP BY case_id
    HAVING count(*) <> ${PER}) x`), 0, 'every case has K persons');
  assert.match(seedOut, new RegExp(`^cases ${CASES} \\(closed \\d+\\)$`, 'm'));
  assert.match(seedOut, new RegExp(`^persons ${CASES * PER}$`, 'm'));
  const printed = (label) => Number(seedOut.match(new RegExp(`^${label} (\\d+)`, 'm'))[1]);
  const tables = {
    'journal entries': 'case_journal', assessments: 'person_assessment', 'pathway events': 'pathway_event',
    tasks: 'task', consultations: 'consultation',
  };
  for (const [label, table] of Object.entries(tables)) {
    const n = await count(a, `SELECT count(*) FROM ${table}`);
    assert.ok(n > 0, `${table} has rows`);
    assert.equal(printed(label), n, label);
  }
  // every case has at least one journal entry, open and closed cases both
  assert.equal(await count(a, 'SELECT count(DISTINCT case_id) FROM case_journal'), CASES);
  const closed = await count(a, "SELECT count(*) FROM nmt_case WHERE status = 'closed'");
  assert.ok(closed > 0 && closed < CASES, `${closed} closed`);
  assert.equal(printed('cases \\d+ \\(closed'), closed);
  // teams: organizations and single users, full and pseudonymous
  assert.ok(await count(a, "SELECT count(*) FROM case_member WHERE access = 'pseudonymous'") > 0);
  assert.ok(await count(a, 'SELECT count(*) FROM case_member WHERE user_id IS NOT NULL') > 0);
  // consultations that led to a case and ones without
  assert.ok(await count(a, 'SELECT count(*) FROM consultation WHERE case_id IS NOT NULL') > 0);
  assert.ok(await count(a, 'SELECT count(*) FROM consultation WHERE case_id IS NULL') > 0);
  // tasks in more than one state
  assert.ok(await count(a, 'SELECT count(DISTINCT status) FROM task') >= 2);
  // cases over ten years and every region
  assert.ok(await count(a, 'SELECT count(DISTINCT substr(created_at, 1, 4)) FROM nmt_case') >= 8);
  assert.ok(await count(a, 'SELECT count(DISTINCT region) FROM nmt_case') >= 5);
  // identities sealed: no made-up name in clear text in the database
  assert.ok(await count(a, 'SELECT count(*) FROM person WHERE identity_sealed IS NOT NULL') > 0);
});

test('the numbers follow the years, as the store gives them', async () => {
  const rows = (await a.exec("SELECT number, created_at FROM nmt_case ORDER BY created_at")).trim().split('\n');
  const seen = new Map();
  for (const row of rows) {
    const [number, at] = row.split('|');
    const [, year, serial] = number.match(/^NMT-(\d{4})-(\d{5})$/);
    assert.equal(year, at.slice(0, 4), `${number} registered ${at}`);
    seen.set(year, (seen.get(year) || 0) + 1);
    assert.equal(Number(serial), seen.get(year), `${number} is the year's next`);
  }
});

test('a case\'s work happens in its life: after it was registered, before it was closed', async () => {
  const outside = (table, at) => count(a, `SELECT count(*) FROM ${table} x JOIN nmt_case c ON c.id = x.case_id
    WHERE x.${at} < c.created_at OR (c.closed_at IS NOT NULL AND x.${at} > c.closed_at)`);
  for (const [table, at] of [['case_journal', 'at'], ['pathway_event', 'at'], ['person_assessment', 'assessed_at'],
    ['person', 'created_at'], ['task', 'created_at'], ['task', 'updated_at']]) {
    assert.equal(await outside(table, at), 0, `${table}.${at}`);
  }
  assert.equal(await count(a, `SELECT count(*) FROM nmt_case WHERE last_activity < created_at
    OR (closed_at IS NOT NULL AND last_activity <> closed_at)`), 0, 'the last activity of a closed case is its closing');
});

test('ids are UUID v7 carrying their case\'s registration time: the case, its persons, its team rows', async () => {
  const rows = (await a.exec(`SELECT c.id, c.created_at, p.id, m.id FROM nmt_case c
    JOIN person p ON p.case_id = c.id JOIN case_member m ON m.case_id = c.id ORDER BY c.id, p.id, m.id`))
    .trim().split('\n');
  assert.ok(rows.length >= CASES * PER, `${rows.length} rows`);
  const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  for (const row of rows) {
    const [caseId, createdAt, ...ids] = row.split('|');
    for (const id of [caseId, ...ids]) {
      assert.match(id, v7);
      assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), Date.parse(createdAt), `${id} of ${createdAt}`);
    }
  }
});

test('nmtctl audit verify passes, and every change has its entry', async () => {
  const v = await ctlFor(a, ['audit', 'verify']);
  assert.equal(v.code, 0, v.stderr + v.stdout);
  const entries = await count(a, 'SELECT count(*) FROM audit');
  assert.match(v.stdout, new RegExp(`intact: ${entries} entries`));
  assert.equal(await count(a, "SELECT count(*) FROM audit WHERE action = 'case.create'"), CASES);
  assert.equal(await count(a, "SELECT count(*) FROM audit WHERE action = 'person.create'"), CASES * PER);
  assert.equal(await count(a, "SELECT count(*) FROM audit WHERE action = 'journal.create'"),
    await count(a, 'SELECT count(*) FROM case_journal'));
  assert.equal(await count(a, "SELECT count(*) FROM audit WHERE action = 'pathway_event.create'"),
    await count(a, 'SELECT count(*) FROM pathway_event'));
  assert.equal(await count(a, "SELECT count(*) FROM audit WHERE action = 'case.close'"),
    await count(a, "SELECT count(*) FROM nmt_case WHERE status = 'closed'"));
  for (const b2 of [b, c]) assert.equal((await ctlFor(b2, ['audit', 'verify'])).code, 0);
});

test('the same seed gives the same register; another seed another', async () => {
  const { a: da, b: db, c: dc } = dumps;
  for (let i = 0; i < DUMP.length; i++) assert.equal(db[i], da[i], DUMP[i]);
  assert.notEqual(dc[0], da[0], 'other cases for seed 43');
  assert.notEqual(dc[1], da[1], 'other persons for seed 43');
});

test('a seeded case reads back through the API: case, persons with identities, list, search', async () => {
  const items = await listAll(srv, '/api/v1/cases', { auth: sara });
  assert.equal(items.length, CASES, 'the secretariat lists every case');
  const withIdentity = (await a.exec(
    'SELECT case_id FROM person WHERE identity_sealed IS NOT NULL ORDER BY id LIMIT 1')).trim();
  const r = await api(srv, 'GET', `/api/v1/cases/${withIdentity}`, { auth: sara });
  assertStatus(r, 200);
  assert.equal(r.json.persons.length, PER);
  assert.ok(r.json.team.length >= 1);
  let opened = 0;
  for (const p of r.json.persons) {
    const pr = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: sara });
    assertStatus(pr, 200);
    assert.equal(pr.json.case, withIdentity);
    assert.equal(pr.json.case_number, r.json.number);
    const idr = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: sara });
    if (idr.status === 200 && idr.json.full_name) {
      assert.match(idr.json.full_name, /^\S+ \S+$/, 'a made-up first name and surname');
      opened++;
    }
  }
  assert.ok(opened >= 1, 'a sealed identity opens with the key file');
  // the list filtered by region, and the search on a word of the title
  const region = r.json.region;
  const inRegion = await listAll(srv, `/api/v1/cases?region=${region}`, { auth: sara });
  assert.ok(inRegion.some((x) => x.id === withIdentity));
  const word = r.json.title.split(/[ ,]+/).find((w) => w.length >= 6);
  const found = await listAll(srv, `/api/v1/cases?q=${encodeURIComponent(word)}`, { auth: sara });
  assert.ok(found.some((x) => x.id === withIdentity), `the search for ${word} finds the case`);
});

test('a regional coordinator sees the region\'s cases and its consultation queue', async () => {
  const region = (await a.exec(
    "SELECT region FROM consultation WHERE case_id IS NULL ORDER BY id LIMIT 1")).trim();
  const t = await ctlFor(a, ['token', 'create', '--username', `syn-rk-${region}`, '--json']);
  assert.equal(t.code, 0, t.stderr);
  const rk = { token: JSON.parse(t.stdout).token };
  const queue = await listAll(srv, '/api/v1/consultations', { auth: rk });
  assert.equal(queue.length, await count(a, `SELECT count(*) FROM consultation WHERE region = '${region}'`));
  const cases = await listAll(srv, `/api/v1/cases?region=${region}`, { auth: rk });
  assert.equal(cases.length, await count(a, `SELECT count(*) FROM nmt_case WHERE region = '${region}'`));
});

test('the statistics count the seeded persons', async () => {
  const r = await api(srv, 'GET', '/api/v1/stats?measure=persons&by=gender', { auth: sara });
  assertStatus(r, 200);
  assert.equal(r.json.totals.all, CASES * PER);
  const byGender = Object.fromEntries((await a.exec(
    'SELECT gender, count(*) FROM person GROUP BY gender')).trim().split('\n').map((l) => l.split('|')));
  for (const cell of r.json.cells) {
    if (cell.count !== null) assert.equal(cell.count, Number(byGender[cell.key.gender]), cell.key.gender);
  }
  // Counted once per batch (store_stat_defer.h), the summaries are those of the persons, and
  // nothing is left queued.
  await assertOwnSummaryCurrent({ db: a });
  assert.equal(await count(a, 'SELECT (SELECT count(*) FROM stat_defer) + (SELECT count(*) FROM stat_person_pending)'), 0);
});

test('a database with cases is refused, nothing written', async () => {
  const before = await count(a, 'SELECT count(*) FROM audit');
  const r = await ctlFor(a, ['seed-synthetic', '--cases', '5', '--persons-per-case', '2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /holds cases already/);
  assert.equal(await count(a, 'SELECT count(*) FROM audit'), before);
  assert.equal(await count(a, 'SELECT count(*) FROM nmt_case'), CASES);
});

test('two seeds started together: one writes the register, the other is refused and writes nothing', async () => {
  const d = await initDb();
  try {
    const run = () => ctlFor(d, ['seed-synthetic', '--cases', '40', '--persons-per-case', '2', '--seed', '5']);
    const both = await Promise.all([run(), run()]);
    assert.deepEqual(both.map((r) => r.code).sort(), [0, 2], both.map((r) => r.stderr).join('\n'));
    assert.match(both.find((r) => r.code === 2).stderr, /the database holds cases already/);
    assert.equal(await count(d, 'SELECT count(*) FROM nmt_case'), 40);
    assert.equal(await count(d, 'SELECT count(*) FROM person'), 80);
    assert.equal(await count(d, "SELECT count(*) FROM app_user WHERE username LIKE 'syn-%'"),
      await count(a, "SELECT count(*) FROM app_user WHERE username LIKE 'syn-%'"));
    const v = await ctlFor(d, ['audit', 'verify']);
    assert.equal(v.code, 0, v.stderr);
  } finally {
    await d.drop();
  }
});

test('bad arguments: a clear error naming the option, exit 2, nothing written', async () => {
  const d = await initDb();
  try {
    const users = await count(d, 'SELECT count(*) FROM app_user');
    const cases = [
      [['--cases', '0', '--persons-per-case', '3'], /--cases must be a whole number from 1 to 10000000/],
      [['--cases', '10000001', '--persons-per-case', '3'], /--cases must be/],
      [['--cases', '5x', '--persons-per-case', '3'], /--cases must be/],
      [['--cases', '5', '--persons-per-case', '51'], /--persons-per-case must be a whole number from 1 to 50/],
      [['--cases', '5', '--persons-per-case', '0'], /--persons-per-case must be/],
      [['--cases', '5', '--persons-per-case', '2', '--seed', '-1'], /--seed must be/],
      [['--cases', '5'], /usage: nmtctl seed-synthetic/],
      [['--cases', '5', '--persons-per-case', '2', '--bogus', '1'], /unknown option "--bogus"/],
      [['--cases'], /--cases needs a value/],
      [['--cases', '5', '--persons-per-case', '2', '--bogus'], /unknown option "--bogus"/],
      [['extra'], /unknown option "extra"/],
      [['--cases', '1', '--cases', '2', '--persons-per-case', '2'], /--cases is given twice/],
      [['--cases', ' 3', '--persons-per-case', '2'], /--cases must be/],
      [['--cases', '5', '--persons-per-case', '2', '--seed', '+7'], /--seed must be/],
    ];
    for (const [args, msg] of cases) {
      const r = await ctlFor(d, ['seed-synthetic', ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, msg, args.join(' '));
    }
    assert.equal(await count(d, 'SELECT count(*) FROM nmt_case'), 0);
    assert.equal(await count(d, 'SELECT count(*) FROM app_user'), users);
    assert.equal(await count(d, 'SELECT count(*) FROM audit'), 0);
    const help = await ctlFor(d, ['seed-synthetic', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /nmtctl seed-synthetic --cases N --persons-per-case K \[--seed S\]/);
    assert.match(help.stdout, /Never on a\s+production database/);
  } finally {
    await d.drop();
  }
});

/*
 * SQLite: FTS5's structure record (row 10 of search_fts_data, fts5_index.c): a 4-byte cookie
 * (then 4 bytes FF000001 in its second version), the varints nLevel, nSegment and
 * nWriteCounter, then per level nMerge (segments being merged) and its segments.
 */
function ftsStructure(hex) {
  const b = Buffer.from(hex.trim(), 'hex');
  let i = b.subarray(4, 8).equals(Buffer.from([0xff, 0, 0, 1])) ? 8 : 4;
  const varint = () => {
    let v = 0;
    for (;;) {
      const c = b[i++];
      v = v * 128 + (c & 0x7f);
      if (!(c & 0x80)) return v;
    }
  };
  const levels = varint();
  const segments = varint();
  varint(); // nWriteCounter
  let merging = 0;
  for (let l = 0; l < levels; l++) {
    merging += varint();
    const n = varint();
    for (let k = 0; k < n * 3; k++) varint(); // segid, first and last page
  }
  return { segments, merging };
}

test('a seed of two batches leaves the search index as one segment, with every document (SQLite)',
  { skip: DB_KIND !== 'sqlite' && 'FTS5 is SQLite\'s' }, async () => {
    // 5 000 cases a batch: each batch's documents are indexed as one large segment (search_batch)
    const d = await initDb();
    try {
      const r = await ctlFor(d, ['seed-synthetic', '--cases', '5001', '--persons-per-case', '1', '--seed', '7']);
      assert.equal(r.code, 0, r.stderr);
      const st = ftsStructure(await d.exec('SELECT hex(block) FROM search_fts_data WHERE id = 10'));
      assert.deepEqual(st, { segments: 1, merging: 0 });
      assert.equal(await count(d, 'SELECT count(*) FROM search_fts'), await count(d, 'SELECT count(*) FROM search_doc'));
    } finally {
      await d.drop();
    }
  });
