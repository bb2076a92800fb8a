// Retention (gallring, issue 14; docs/OPERATIONS.md "Retention (gallring)"): `nmtctl retention run
// [--dry-run] [--rules FILE] [--checkpoints FILE --public-key KEY]` reports what each rule of
// data/retention/rules.json finds due (counts and the oldest date, no personal data); a dry run
// changes nothing; a run anonymises closed cases 5 years after closing (identity, pseudonyms and
// every free text gone, from the search index too, the statistics the same), consultations
// without a case 2 years after their last change, and prunes audit entries older than 10 years
// down to a signed checkpoint, after which `nmtctl audit verify` verifies from that checkpoint.
// Every action is audited, a second run finds nothing, and a bad rules file is refused.
// The test clock moves the server and nmtctl years ahead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  createDatabase, setDatabaseClock, ctlFor, startServer, addUserWithToken, api, assertStatus,
  createCase, createPerson, listAll,
} from './harness.mjs';

const T0 = '2027-03-10T10:00:00Z';
const DAY = 86400;
// Words that exist only in the texts retention must remove.
const W = {
  title: 'sjöbodenfallet', title2: 'tångräkefallet', summary: 'havsörnsvägen', journal: 'blåbärsriset',
  note: 'lingonmyren', pathway: 'hjortronkärret', task: 'molnbärsuppdraget', taskDesc: 'kråkbärsbeskrivning',
  closing: 'nyponbusken', pseudonym: 'Kråkvinge', question: 'rönnbärsfrågan', answer: 'slånbärssvaret',
  requester: 'Tyra Skogsbärsdotter', qnotes: 'smultronanteckning', name: 'Zlatana Grönkvist',
  oldQuestion: 'vildhallonfrågan', oldRequester: 'Märta Vinbärsson', place: 'granskogsgläntan',
  opNotes: 'tallbarrsnotering', afterAction: 'björkrisberättelse', lessons: 'enbärslärdom',
};

let db;
let srv;
let cpKey;
let cpFile;
let pubFile;
const U = {};
const A = {}; // the case closed first (due first), its persons and the rest
const B = {}; // the case closed two days later (just inside the period when A is due)
const Q = {}; // consultations without a case
const O = {}; // operations: one ending at T0, one three days later

const iso = (s) => new Date(Math.floor(s) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** The instant `years` calendar years after the instant text t, plus `days` days. */
function later(t, years, days = 0) {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return new Date(d.getTime() + days * DAY * 1000);
}

const ctl = (args) => ctlFor(db, args, { env: { NMT_CHECKPOINT_KEY: cpKey } });
const retention = (...args) => ctl(['retention', 'run', ...args]);
const withCheckpoints = ['--checkpoints', () => cpFile, '--public-key', () => pubFile];
const cpArgs = () => withCheckpoints.map((a) => (typeof a === 'function' ? a() : a));

/** Every row of every table, as the database's own dump (logical: live rows only). */
async function rows() {
  if (db.kind === 'sqlite') return db.exec('.dump');
  // (less pg_dump's \restrict lines, a random key of each dump, and the sequences' positions:
  // not rows, and a rolled-back insert advances them too)
  return (await db.dump()).toString('utf8').replace(/^\\(un)?restrict .*$/gm, '')
    .replace(/^SELECT pg_catalog\.setval\(.*$/gm, '');
}
const sql = async (q) => (await db.exec(q)).trim();

/** The report's line for a rule and its "due:" line. */
function due(report, kind) {
  const m = new RegExp(`^${kind}: .*\\n  due: (.*)$`, 'm').exec(report);
  assert.ok(m, `no ${kind} rule in:\n${report}`);
  return m[1];
}

async function startOn(extraEnv = {}) {
  srv = await startServer({
    db, init: false,
    env: { NMT_CHECKPOINT_KEY: cpKey, NMT_CHECKPOINT_FILE: cpFile, NMT_CHECKPOINT_EVERY: '3600',
      NMT_STATS_THRESHOLD: '3', ...extraEnv },
  });
}

async function patch(who, p, body) {
  const cur = await api(srv, 'GET', p, { auth: who });
  assertStatus(cur, 200, `GET ${p}`);
  const r = await api(srv, 'PATCH', p, { auth: who, ifMatch: `"${cur.json.version}"`, body });
  assertStatus(r, 200, `PATCH ${p}`);
  return r.json;
}

async function consultation(who, over = {}) {
  const r = await api(srv, 'POST', '/api/v1/consultations', {
    auth: who,
    body: {
      channel: 'phone', requester: { name: W.requester, phone: '040-34 10 00', email: 'tyra@example.se' },
      county: '12', question: `Fråga om ${W.question}.`, concerns: ['forced_labour'], child_involved: false,
      urgency: 'normal', consent: 'none', ...over,
    },
  });
  assertStatus(r, 201, 'consultation');
  return r.json;
}

/** Takes and answers a consultation as the regional coordinator. */
async function answer(q, text) {
  const p = `/api/v1/consultations/${q.id}`;
  await patch(U.rksyd, p, { status: 'in_progress', notes: `Notering ${W.qnotes}.` });
  return patch(U.rksyd, p, { status: 'answered', answer: text });
}

/** Every statistic the API serves of persons, cases and consultations, by each dimension and pair. */
async function allStats() {
  const dims = {
    persons: ['year', 'region', 'county', 'citizenship', 'citizenship_group', 'exploitation', 'gender',
      'age_band', 'child', 'presumed_victim'],
    cases: ['year', 'region', 'county', 'exploitation'],
    consultations: ['year', 'region', 'county', 'channel', 'requester_kind', 'urgency'],
  };
  const out = {};
  for (const [measure, ds] of Object.entries(dims)) {
    const bys = [...ds, ...ds.flatMap((a, i) => ds.slice(i + 1).map((b) => `${a},${b}`))];
    for (const by of bys) {
      const r = await api(srv, 'GET', `/api/v1/stats?measure=${measure}&by=${by}`, { auth: U.analyst });
      assertStatus(r, 200, `stats ${measure} by ${by}`);
      out[`${measure}:${by}`] = { cells: r.json.cells, totals: r.json.totals };
    }
  }
  return out;
}

const statPersonRows = () => sql('SELECT person_id, year, region, county, citizenship, gender, age_band, child, '
  + 'presumed_victim, forms FROM stat_person ORDER BY person_id;');

before(async () => {
  db = await createDatabase();
  setDatabaseClock(db, T0);
  cpKey = path.join(db.dir, 'checkpoint.key');
  cpFile = path.join(db.dir, 'checkpoints.log');
  pubFile = path.join(db.dir, 'checkpoint.pub');
  const init = await ctlFor(db, ['init']);
  assert.equal(init.code, 0, init.stderr);
  const k = await ctl(['audit', 'checkpoint-key']);
  assert.equal(k.code, 0, k.stderr);
  fs.writeFileSync(pubFile, k.stdout);
  await startOn();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.malmo = await addUserWithToken(srv, { org: 'SOC-1280', role: 'requester' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });

  // Case A: opened from a consultation, with persons (identities), journal, history, an
  // assessment, a pathway event and a task, closed at T0 with a note.
  A.q = await consultation(U.malmo);
  const opened = await api(srv, 'POST', `/api/v1/consultations/${A.q.id}/case`, { auth: U.rksyd, body: {} });
  assertStatus(opened, 201, 'case from consultation');
  A.id = opened.json.id;
  await patch(U.rksyd, `/api/v1/cases/${A.id}`, { title: `Ärendet ${W.title}`, summary: `Bor vid ${W.summary}.` });
  await patch(U.rksyd, `/api/v1/cases/${A.id}`, { title: `Ärendet ${W.title2}` });
  A.persons = [
    await createPerson(srv, U.rksyd, A.id, { pseudonym: W.pseudonym, gender: 'female', citizenship: 'RO',
      birth_year: 1999, identity: { full_name: W.name, date_of_birth: '1999-05-06', id_number: '19990506-1234' } }),
    await createPerson(srv, U.rksyd, A.id, { pseudonym: 'Skata', gender: 'female', citizenship: 'RO', birth_year: 2009 }),
    await createPerson(srv, U.rksyd, A.id, { pseudonym: 'Korp', gender: 'male', citizenship: 'TH', age_estimate: 34 }),
  ];
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${A.id}/journal`,
    { auth: U.rksyd, body: { kind: 'note', text: `Samtal om ${W.journal}.` } }), 201, 'journal');
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${A.persons[0].id}/assessments`,
    { auth: U.rksyd, body: { set: 'adult-labour', observed: ['d1-nature', 'd1-wages', 'd4-hours', 'd4-pay',
      'd5-documents', 'd5-violence'], note: `Berättade om ${W.note}.` } }), 201, 'assessment');
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${A.persons[0].id}/pathway/events`,
    { auth: U.rksyd, body: { type: 'identified', date: '2027-03-09', note: `Vid ${W.pathway}.` } }), 201, 'pathway');
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${A.id}/tasks`,
    { auth: U.rksyd, body: { organization: 'MIGRATIONSVERKET', title: `Om ${W.task}`,
      description: `Se ${W.taskDesc}.`, access: 'pseudonymous' } }), 201, 'task');
  await patch(U.rksyd, `/api/v1/cases/${A.id}`, { status: 'closed', closing_reason: 'other',
    closing_note: `Avslutat vid ${W.closing}.` });
  A.closedAt = (await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.rksyd })).json.closed_at;
  // An old consultation without a case, answered at T0.
  Q.old = await answer(await consultation(U.malmo, { question: `Om ${W.oldQuestion}.`,
    requester: { name: W.oldRequester } }), 'Ett svar.');
  // Two operations, completed with an account: one ended at T0, one ends three days later.
  for (const [k, ends] of [['old', '2027-03-10'], ['young', '2027-03-13']]) {
    const r = await api(srv, 'POST', '/api/v1/operations', { auth: U.rksyd, body: {
      kind: 'operational', title: `Insats ${k}`, purpose: 'Hitta och stödja utsatta.', region: 'syd',
      counties: ['12'], place: `Vid ${W.place}`, starts_on: '2027-03-10', ends_on: ends, lead: 'POLISEN-SYD',
      exploitation: ['forced_labour'] } });
    assertStatus(r, 201, 'operation');
    const p = `/api/v1/operations/${r.json.id}`;
    await patch(U.rksyd, p, { notes: `Om ${W.opNotes}.` });
    await patch(U.rksyd, p, { status: 'active' });
    O[k] = await patch(U.rksyd, p, { status: 'completed', outcome: { persons_met: 4,
      after_action: `Om ${W.afterAction}.`, lessons: `Om ${W.lessons}.` } });
  }
  // The chain head so far is signed at the stop: the checkpoint a prune may reach.
  await srv.stop();
  await startOn();

  // Two days later: case B closed, a second consultation answered; case C stays open.
  srv.advanceClock(2 * DAY);
  B.id = (await createCase(srv, U.pol, { title: 'Ärendet B', summary: 'Sammanfattning B' })).id;
  B.person = await createPerson(srv, U.pol, B.id, { gender: 'male', citizenship: 'SE', birth_year: 1990 });
  await patch(U.pol, `/api/v1/cases/${B.id}`, { status: 'closed', closing_reason: 'support_completed' });
  Q.young = await answer(await consultation(U.malmo), `Svaret ${W.answer}.`);
  await createCase(srv, U.pol, { title: 'Ärendet C' });
});

after(async () => { await srv?.stop(); await db?.drop(); });

test('the report before anything is due: every rule, its period and cutoff, nothing due', async () => {
  const r = await retention('--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^retention report at \S+ \(rules: the built-in defaults\)$/m);
  assert.match(r.stdout, /^case: anonymise after 5 years from closed_at \(due: at or before \S+\)$/m);
  assert.match(r.stdout, /^consultation: anonymise after 2 years from updated_at/m);
  assert.match(r.stdout, /^audit: prune after 10 years from at/m);
  assert.match(due(r.stdout, 'case'), /^0 cases/);
  assert.match(due(r.stdout, 'consultation'), /^0 consultations/);
  assert.match(r.stdout, /^operation: anonymise after 5 years from ends_on/m);
  assert.equal(due(r.stdout, 'operation'), '0 operations');
  assert.match(due(r.stdout, 'audit'), /^0 entries$/);
  assert.match(r.stdout, /^dry run: nothing changed$/m);
});

test('consultations: just outside the period due, just inside not; dry run changes no row', async () => {
  srv.setClock(later(Q.old.updated_at, 2, 1));
  const before = await rows();
  const r = await retention('--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(due(r.stdout, 'consultation'), `1 consultations (0 persons); oldest ${Q.old.updated_at.slice(0, 10)}`);
  assert.match(due(r.stdout, 'case'), /^0 cases/);
  for (const w of Object.values(W)) assert.ok(!r.stdout.includes(w), `no personal data in the report: ${w}`);
  assert.equal(await rows(), before, 'a dry run changes no row');

  const run = await retention();
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^done: 0 cases anonymised, 1 consultations anonymised, 0 operations anonymised, 0 audit entries pruned$/m);
  const old = await api(srv, 'GET', `/api/v1/consultations/${Q.old.id}`, { auth: U.rksyd });
  assertStatus(old, 200);
  assert.equal(old.json.question, 'Texten är gallrad.');
  assert.ok(!old.text.includes(W.oldRequester) && !old.text.includes(W.oldQuestion), old.text);
  assert.ok(!old.text.includes(W.qnotes) && !old.text.includes('040-34'), old.text);
  // The younger one (answered two days later) is untouched.
  const young = await api(srv, 'GET', `/api/v1/consultations/${Q.young.id}`, { auth: U.rksyd });
  assert.equal(young.json.answer, `Svaret ${W.answer}.`);
  const found = await listAll(srv, `/api/v1/consultations?q=${encodeURIComponent(W.oldQuestion)}`, { auth: U.rksyd });
  assert.deepEqual(found, [], 'the search index no longer holds the removed words');
  assert.deepEqual((await listAll(srv, `/api/v1/consultations?q=${encodeURIComponent(W.answer)}`,
    { auth: U.rksyd })).map((x) => x.id), [Q.young.id]);
  // The consultation of case A is the case's: not due under this rule.
  const ofA = await api(srv, 'GET', `/api/v1/consultations/${A.q.id}`, { auth: U.rksyd });
  assert.ok(ofA.text.includes(W.question), 'the case\'s consultation waits for its case');
});

test('cases and operations: just outside due, just inside not; the run keeps every statistic, removes every text', async () => {
  srv.setClock(later(A.closedAt, 5, 1));
  const dry = await retention('--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(due(dry.stdout, 'case'), '1 cases (3 persons, 1 journal entries, 1 assessments, 1 pathway events, '
    + `1 tasks, 1 consultations); oldest ${A.closedAt.slice(0, 10)}`);
  assert.equal(due(dry.stdout, 'operation'), '1 operations; oldest 2027-03-10', 'the one ending 3 days later is not');
  const stats = await allStats();
  const published = (m) => Object.entries(stats).filter(([k]) => k.startsWith(`${m}:`))
    .some(([, v]) => v.cells.some((c) => c.count > 0));
  for (const m of ['persons', 'cases', 'consultations']) assert.ok(published(m), `${m}: counts to compare`);
  const statRows = await statPersonRows();

  const run = await retention();
  assert.equal(run.code, 0, run.stderr);
  // Five years on, the younger consultation (two years) is due too.
  assert.match(run.stdout, /^done: 1 cases anonymised, 1 consultations anonymised, 1 operations anonymised, 0 audit entries pruned$/m);
  assert.deepEqual(await allStats(), stats, 'every statistic reads the same');
  assert.equal(await statPersonRows(), statRows);

  // The team still reads the case: no identity, no free text.
  const c = await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: U.rksyd });
  assertStatus(c, 200);
  assert.equal(c.json.title, 'Anonymiserat ärende');
  assert.equal(c.json.summary, 'Texten är gallrad.');
  assert.equal(c.json.closing_note, 'Texten är gallrad.');
  assert.equal(c.json.anonymised_at.slice(0, 10), iso(srv.now()).slice(0, 10), 'anonymised today');
  assert.deepEqual(c.json.persons.map((p) => p.pseudonym).sort(), ['Person 1', 'Person 2', 'Person 3']);
  const texts = [c.text];
  for (const p of [`/api/v1/cases/${A.id}/journal`, `/api/v1/cases/${A.id}/history`, `/api/v1/cases/${A.id}/tasks`,
    `/api/v1/persons/${A.persons[0].id}/assessments`]) {
    texts.push(JSON.stringify(await listAll(srv, p, { auth: U.rksyd, cursorOptional: true })));
  }
  for (const p of A.persons) {
    const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.rksyd });
    assertStatus(r, 200);
    assert.equal(r.json.gender, p.gender);
    assert.equal(r.json.birth_year, p.birth_year);
    assert.equal(r.json.citizenship, p.citizenship);
    texts.push(r.text, (await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.rksyd })).text,
      (await api(srv, 'GET', `/api/v1/persons/${p.id}/pathway`, { auth: U.rksyd })).text);
  }
  texts.push((await api(srv, 'GET', `/api/v1/consultations/${A.q.id}`, { auth: U.rksyd })).text);
  const all = texts.join('\n');
  for (const w of [W.title, W.title2, W.summary, W.journal, W.note, W.pathway, W.task, W.taskDesc, W.closing,
    W.pseudonym, W.name, '19990506', W.question, W.requester, W.qnotes])
    assert.ok(!all.includes(w), `${w} is gone from what the team reads`);
  // Nor does the database hold them, or the search index find them.
  const dump = await rows();
  for (const w of [W.title, W.title2, W.summary, W.journal, W.note, W.pathway, W.task, W.taskDesc, W.closing,
    W.pseudonym, W.question, W.requester, W.qnotes, W.answer, W.oldQuestion, W.oldRequester])
    assert.ok(!dump.includes(w), `${w} is gone from every row`);
  assert.ok(dump.includes(W.place), 'the younger operation keeps its place');
  assert.equal(await sql(`SELECT COUNT(*) FROM person WHERE case_id = '${A.id}' AND identity_sealed IS NOT NULL;`), '0');
  assert.equal(await sql(`SELECT COUNT(*) FROM person_match m JOIN person p ON p.id = m.person_id WHERE p.case_id = '${A.id}'`
    + ' AND (m.id_number_hash IS NOT NULL OR m.name_dob_hash IS NOT NULL);'), '0');
  for (const w of [W.title, W.summary, W.journal, W.closing])
    assert.deepEqual(await listAll(srv, `/api/v1/cases?q=${encodeURIComponent(w)}`, { auth: U.rksyd }), [], w);

  // The operation that ended at T0: no place, notes or account; the other one untouched.
  const op = await api(srv, 'GET', `/api/v1/operations/${O.old.id}`, { auth: U.rksyd });
  assertStatus(op, 200);
  assert.equal(op.json.place, null);
  assert.equal(op.json.notes, null);
  assert.deepEqual(op.json.outcome, { persons_met: 4, after_action: 'Texten är gallrad.', lessons: 'Texten är gallrad.' });
  const young = await api(srv, 'GET', `/api/v1/operations/${O.young.id}`, { auth: U.rksyd });
  assert.equal(young.json.place, `Vid ${W.place}`);
  assert.equal(young.json.outcome.lessons, `Om ${W.lessons}.`);

  // Case B, closed two days later, is just inside its period: untouched.
  const b = await api(srv, 'GET', `/api/v1/cases/${B.id}`, { auth: U.pol });
  assert.equal(b.json.title, 'Ärendet B');
  assert.equal(b.json.anonymised_at, null);
});

test('every anonymisation is audited, and a second run finds nothing and changes nothing', async () => {
  const audited = await sql("SELECT action || ' ' || object || ' ' || COALESCE(case_id, '-') FROM audit "
    + "WHERE action LIKE 'retention.%' ORDER BY seq;");
  assert.deepEqual(audited.split('\n'), [`retention.anonymise ${Q.old.id} -`, `retention.anonymise ${A.id} ${A.id}`,
    `retention.anonymise ${Q.young.id} -`, `retention.anonymise ${O.old.id} -`]);
  const before = await rows();
  const again = await retention();
  assert.equal(again.code, 0, again.stderr);
  assert.match(due(again.stdout, 'case'), /^0 cases/);
  assert.match(due(again.stdout, 'consultation'), /^0 consultations/);
  assert.match(again.stdout, /^done: 0 cases anonymised, 0 consultations anonymised, 0 operations anonymised, 0 audit entries pruned$/m);
  assert.equal(await rows(), before, 'the second run changed nothing');
  // The append-only tables stay so outside retention's own transactions: no permit is left.
  assert.equal(await sql('SELECT COUNT(*) FROM retention_permit;'), '0');
  await assert.rejects(db.exec(`UPDATE case_journal SET text = 'x' WHERE case_id = '${A.id}';`), /append-only/);
  await assert.rejects(db.exec(`UPDATE person_assessment SET note = 'x' WHERE case_id = '${A.id}';`), /append-only/);
  await assert.rejects(db.exec('DELETE FROM audit WHERE seq = 1;'), /append-only/);
  // Two more days: case B and the other operation are due now.
  srv.advanceClock(2 * DAY);
  const dry = await retention('--dry-run');
  assert.match(due(dry.stdout, 'case'), /^1 cases \(1 persons/);
  assert.equal(due(dry.stdout, 'operation'), '1 operations; oldest 2027-03-13');
});

test('an invalid rules file is refused with the field named, and nothing changes', async () => {
  const bad = [
    ['{"rules": [{"kind": "case", "after_years": 0}]}', /rules\[0\]\.after_years: expected a whole number of years from 1 to 100/],
    ['{"rules": [{"kind": "cases", "after_years": 3}]}', /rules\[0\]\.kind: expected "case", "consultation", "operation" or "audit"/],
    ['{"rules": [{"kind": "case", "after_years": 3, "action": "delete"}]}', /rules\[0\]\.action: cannot be changed/],
    ['{"rules": [{"kind": "audit", "after_years": 3}, {"kind": "audit", "after_years": 4}]}', /rules\[1\]\.kind: "audit" given twice/],
    ['{"rules": [{"kind": "case", "after_years": "5"}]}', /rules\[0\]\.after_years/],
    ['{"rules": [{"kind": "case", "after_years": 5, "legal_basis": []}]}', /rules\[0\]\.legal_basis/],
    ['{"rules": [{"kind": "case", "after_years": 5, "period": 3}]}', /rules\[0\]\.period: unknown field/],
    ['{"rule": []}', /^nmtctl: rules file .*: rules: expected an object/m],
    ['{"rules": [', /not a JSON file/],
  ];
  const before = await rows();
  for (const [text, re] of bad) {
    const f = path.join(db.dir, 'bad-rules.json');
    fs.writeFileSync(f, text);
    const r = await retention('--rules', f);
    assert.equal(r.code, 2, text);
    assert.match(r.stderr, re, text);
    assert.match(r.stderr, /nothing changed/);
    assert.equal(r.stdout, '', 'no report, no run');
  }
  assert.equal(await rows(), before, 'nothing changed');
});

test('an override file (a copy of the defaults with one period changed) changes that period; the report says so', async () => {
  const f = path.join(db.dir, 'rules.json');
  // A copy of the defaults with one period changed is a valid override.
  const defaults = JSON.parse(fs.readFileSync(new URL('../../data/retention/rules.json', import.meta.url)));
  defaults.rules.find((r) => r.kind === 'consultation').after_years = 7;
  fs.writeFileSync(f, JSON.stringify(defaults));
  const r = await retention('--dry-run', '--rules', f);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^retention report at \\S+ \\(rules: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)$`, 'm'));
  assert.match(r.stdout, /^consultation: anonymise after 7 years from updated_at .*\[period from the rules file\]$/m);
  assert.match(r.stdout, /^case: anonymise after 5 years from closed_at \(due: at or before \S+\)$/m);
});

test('a case is anonymised in one transaction: a failure part-way leaves it as it was', async () => {
  // Case B is due now (two days after A's). A trigger makes the persons' update fail, after the
  // case row and its journal were written in the same transaction.
  const failing = db.kind === 'pg'
    ? ["CREATE FUNCTION t_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'boom'; END; $$;",
      'CREATE TRIGGER t_fail BEFORE UPDATE ON person FOR EACH ROW EXECUTE FUNCTION t_fail();']
    : ["CREATE TRIGGER t_fail BEFORE UPDATE ON person BEGIN SELECT RAISE(ABORT, 'boom'); END;"];
  for (const q of failing) await db.exec(q);
  try {
    const before = await rows();
    const r = await retention();
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, new RegExp(`^nmtctl: case ${B.id}: database error -?\\d+$`, 'm'));
    assert.doesNotMatch(r.stderr, /boom/, 'no database message (it may quote a row)');
    assert.match(r.stdout, /^done: 0 cases anonymised/m);
    assert.equal(await rows(), before, 'nothing of the case changed, no audit entry');
  } finally {
    await db.exec(db.kind === 'pg' ? 'DROP TRIGGER t_fail ON person; DROP FUNCTION t_fail();' : 'DROP TRIGGER t_fail;');
  }
  const again = await retention();
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /^done: 1 cases anonymised, 0 consultations anonymised, 1 operations anonymised/m);
  const b = await api(srv, 'GET', `/api/v1/cases/${B.id}`, { auth: U.pol });
  assert.equal(b.json.title, 'Anonymiserat ärende');
});

test('audit: entries older than 10 years are pruned down to the signed checkpoint; verify starts there', async () => {
  srv.setClock(later(T0, 10, 1));
  const cps = fs.readFileSync(cpFile, 'utf8').trim().split('\n')
    .map((l) => ({ line: l, seq: Number(/ seq=(\d+) /.exec(l)[1]) }));
  // The checkpoint at the first stop, at T0: the newest one whose entries are all older than 10 years.
  const firstStart = await sql("SELECT MIN(seq) FROM audit WHERE at > '" + iso(Date.parse(T0) / 1000 + DAY) + "';");
  const cp = cps.filter((c) => c.seq < Number(firstStart)).at(-1);
  assert.ok(cp && cp.seq > 0, 'a checkpoint among the due entries');

  const without = await retention();
  assert.equal(without.code, 0, without.stderr);
  assert.match(without.stdout, /prunable: 0 entries \(no checkpoints given/);
  assert.equal(await sql('SELECT MIN(seq) FROM audit;'), '1', 'nothing pruned without checkpoints');

  const dry = await retention('--dry-run', ...cpArgs());
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(due(dry.stdout, 'audit'), `${Number(firstStart) - 1} entries; oldest ${T0.slice(0, 10)}`);
  assert.match(dry.stdout, new RegExp(`^  prunable: ${cp.seq} entries, through the signed checkpoint of entry ${cp.seq}$`, 'm'));
  assert.equal(await sql('SELECT MIN(seq) FROM audit;'), '1', 'the dry run pruned nothing');

  const run = await retention(...cpArgs());
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^done: 0 cases anonymised, 0 consultations anonymised, 0 operations anonymised, ${cp.seq} audit entries pruned$`, 'm'));
  assert.equal(await sql('SELECT MIN(seq) FROM audit;'), String(cp.seq + 1));
  assert.equal(await sql("SELECT object FROM audit WHERE action = 'retention.prune';"), `audit:1-${cp.seq}`);

  // Verify walks from the base: with the checkpoints (the older ones are of removed entries) and without.
  const v = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(v.code, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`^pruned by retention: entries 1-${cp.seq}; verified from the signed checkpoint of entry ${cp.seq} \\(signature checked\\)$`, 'm'));
  const head = Number(/^head: (\d+):/m.exec(v.stdout)[1]);
  assert.match(v.stdout, new RegExp(`^audit chain intact: ${head - cp.seq} entries$`, 'm'));
  const plain = await ctl(['audit', 'verify']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /give --checkpoints and --public-key to check its signature/);

  // Idempotent: a second run prunes nothing more.
  const again = await retention(...cpArgs());
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /0 audit entries pruned$/m);
  assert.equal(await sql('SELECT MIN(seq) FROM audit;'), String(cp.seq + 1));
});

test('a pruned chain whose base was replaced does not verify', async () => {
  await srv.stop();
  if (db.kind === 'sqlite') {
    // The file itself (and its write-ahead log) no longer holds the removed texts.
    const bytes = (await db.dump()).toString('latin1');
    for (const w of [W.title, W.summary, W.journal, W.note, W.pathway, W.taskDesc, W.closing, W.question,
      W.qnotes, W.answer, W.oldQuestion, W.opNotes, W.lessons]) {
      assert.ok(!bytes.includes(Buffer.from(w, 'utf8').toString('latin1')), `${w} is not in the file`);
    }
  }
  const other = fs.readFileSync(cpFile, 'utf8').trim().split('\n').at(-1);
  const base = await sql('SELECT checkpoint FROM audit_base;');
  assert.notEqual(other, base);
  // The audit log forbids nothing on audit_base: only the signature check finds a forged base.
  await db.exec(`UPDATE audit_base SET checkpoint = '${other}';`);
  const v = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(v.code, 1, v.stdout);
  assert.match(v.stderr, /the chain's base is not the entry of its checkpoint/);
  await db.exec(`UPDATE audit_base SET checkpoint = '${base}';`);
  const ok = await ctl(['audit', 'verify', ...cpArgs()]);
  assert.equal(ok.code, 0, ok.stderr);
  await startOn();
});
