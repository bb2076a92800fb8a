// Retention (gallring, docs/OPERATIONS.md "Retention (gallring)"): anonymising a closed case
// removes every free text written about its persons, also the ones kept outside the case's
// own rows: the note of a logged first meeting (POST /persons/{id}/first-contact); and nothing new
// is written to it afterwards: no break-the-glass grant, whose reason would outlive the run. On
// SQLite every run that anonymised something (an ended operation alone too) leaves no removed
// text in the file or its write-ahead log, while nmtd still runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createDatabase, setDatabaseClock, ctlFor, startServer, addUserWithToken, api, assertStatus, assertProblem,
  createCase, createPerson, listAll, swedishDate,
} from './harness.mjs';

const T0 = '2027-03-10T10:00:00Z';
const DAY = 86400;
const NOTE = 'Träffades vid blåklockshaget';
const CHECKS = ['introduced_self_and_mission', 'explained_can_and_cannot', 'interpreter_outside_network',
  'safety_discussed', 'own_questions_answered'];

let db;
let srv;
const U = {};

before(async () => {
  db = await createDatabase();
  setDatabaseClock(db, T0);
  const init = await ctlFor(db, ['init']);
  assert.equal(init.code, 0, init.stderr);
  srv = await startServer({ db, init: false });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});

after(async () => { await srv?.stop(); await db?.drop(); });

test('a first meeting\'s note goes with its case', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  const p = await createPerson(srv, U.pol, c.id);
  assertStatus(await api(srv, 'POST', `/api/v1/persons/${p.id}/first-contact`, { auth: U.pol, body: {
    date: swedishDate(srv.now()), checklist: Object.fromEntries(CHECKS.map((k) => [k, true])), note: NOTE,
  } }), 201, 'first contact');
  const cur = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: U.pol, ifMatch: `"${cur.json.version}"`,
    body: { status: 'closed', closing_reason: 'support_completed' } }), 200, 'close');

  srv.advanceClock((5 * 366 + 2) * DAY);
  const run = await ctlFor(db, ['retention', 'run']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^done: 1 cases anonymised/m);

  const list = await listAll(srv, `/api/v1/persons/${p.id}/first-contact`, { auth: U.pol, cursorOptional: true });
  assert.equal(list.length, 1, 'the meeting itself is kept');
  assert.ok(!JSON.stringify(list).includes('blåklockshaget'), JSON.stringify(list));
  const dump = db.kind === 'sqlite' ? await db.exec('.dump') : (await db.dump()).toString('utf8');
  assert.ok(!dump.includes('blåklockshaget'), 'no row holds the note');
});

test('an anonymised case takes no new break-the-glass reason: there is no identity left to open', async () => {
  U.rksyd ??= await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor ??= await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const c = await createCase(srv, U.pol, { county: '12' });
  const p = await createPerson(srv, U.pol, c.id,
    { protected_identity: 'protected_address', identity: { full_name: 'Vendela Vallmosdotter' } });
  const cur = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: U.pol, ifMatch: `"${cur.json.version}"`,
    body: { status: 'closed', closing_reason: 'support_completed' } }), 200, 'close');
  srv.advanceClock((5 * 366 + 2) * DAY);
  const run = await ctlFor(db, ['retention', 'run']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^done: 1 cases anonymised/m);

  const r = await api(srv, 'POST', `/api/v1/persons/${p.id}/break-glass`, { auth: U.rksyd,
    body: { category: 'danger_to_life_or_health', reason: 'Gäller Vendelas syster Klara Vallmosdotter i Ystad.' } });
  assertProblem(r, 409, 'break the glass on an anonymised person');
  assert.ok(!r.text.includes('Vallmosdotter'));
  const person = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.rksyd });
  assertStatus(person, 200);
  assert.ok(!person.json.allowed.includes('break_glass'), 'not offered either');
  const dump = db.kind === 'sqlite' ? await db.exec('.dump') : (await db.dump()).toString('utf8');
  assert.ok(!dump.includes('Vallmosdotter'), 'no row holds a name written after the run');
});

test('on SQLite an ended operation\'s removed place and notes leave the file at once, nmtd still running', async (t) => {
  if (db.kind !== 'sqlite') return t.skip('SQLite only: the file\'s bytes');
  U.rksyd ??= await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  const today = swedishDate(srv.now());
  const r = await api(srv, 'POST', '/api/v1/operations', { auth: U.rksyd, body: {
    kind: 'operational', title: 'Insats', purpose: 'Hitta och stödja utsatta.', region: 'syd', counties: ['12'],
    place: 'Vid kvarnbäcksgläntan', starts_on: today, ends_on: today, lead: 'POLISEN-SYD',
    exploitation: ['forced_labour'] } });
  assertStatus(r, 201, 'operation');
  const p = `/api/v1/operations/${r.json.id}`;
  for (const body of [{ notes: 'Om kvarnbäcksnoteringen.' }, { status: 'active' },
    { status: 'completed', outcome: { persons_met: 1, after_action: 'Om kvarnbäcksberättelsen.' } }]) {
    const cur = await api(srv, 'GET', p, { auth: U.rksyd });
    assertStatus(await api(srv, 'PATCH', p, { auth: U.rksyd, ifMatch: `"${cur.json.version}"`, body }), 200);
  }
  // Written into the file itself, as nmtd's own checkpoints do in time.
  await db.exec('PRAGMA wal_checkpoint(TRUNCATE);');
  assert.ok((await db.dump()).includes(Buffer.from('kvarnbäcks')), 'the texts are in the file before');
  srv.advanceClock((5 * 366 + 2) * DAY);
  const run = await ctlFor(db, ['retention', 'run']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^done: 0 cases anonymised, 0 consultations anonymised, 1 operations anonymised/m);
  assert.ok(!(await db.dump()).includes(Buffer.from('kvarnbäcks')), 'no removed text left in the file or its WAL');
});
