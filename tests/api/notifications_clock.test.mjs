// API.md "Team suggestions, tasks and the support pathway", GET /api/v1/notifications: a
// support-pathway clock close to its end (3 days left or fewer, overdue included) gives one
// clock_due notification per clock end to the active coordinators and members of the owner
// organization of the person's case, made by the pass that reading the notifications runs
// (with the server's test clock). It links to the person by id, names the clock, its end and the
// case's number, and never the person's pseudonym.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, addUserWithToken, api, assertStatus, createCase, createPerson, listAll, uname, token, ctlFor,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.pol2 = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'coordinator' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // on the team
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'auditor' });
});
after(async () => { if (srv) await srv.close(); });

/** The civil date days after the date d ("YYYY-MM-DD"). */
function addDays(d, days) {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

/** Sets the server's clock to noon UTC of the date d (the same civil date in Stockholm). */
function setDay(d) {
  srv.setClock(`${d}T12:00:00Z`);
}

const addEvent = async (who, personId, body) => {
  const r = await api(srv, 'POST', `/api/v1/persons/${personId}/pathway/events`, { auth: who, body });
  assertStatus(r, 201, `event ${body.type}`);
  return r.json;
};

/** The clock_due notifications of a user about one person (the list runs the pass). */
async function clockDue(who, personId) {
  return (await listAll(srv, '/api/v1/notifications', { auth: who }))
    .filter((n) => n.kind === 'clock_due' && n.person === personId);
}

/** A case of POLISEN-SYD (region syd) with MIGRATIONSVERKET on its team and one adult person. */
async function adult(pseudonym) {
  const c = await createCase(srv, U.pol, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'full' } }), 201);
  const p = await createPerson(srv, U.pol, c.id, { birth_year: 1990, pseudonym });
  return { c, p };
}

test('a reflection period granted 28 days ago: one clock_due for the owner organization\'s users only, no pseudonym', async () => {
  const today = '2027-03-01';
  setDay(today);
  const { c, p } = await adult('Klocka-Anna');
  const far = await adult('Klocka-Berit');
  await addEvent(U.pol, p.id, { type: 'reflection_period_granted', date: addDays(today, -28) });
  await addEvent(U.pol, far.p.id, { type: 'reflection_period_granted', date: addDays(today, -20) });
  const pw = (await api(srv, 'GET', `/api/v1/persons/${p.id}/pathway`, { auth: U.pol })).json;
  assert.deepEqual(pw.clocks.map((k) => [k.kind, k.end, k.days_left]),
    [['reflection_period', addDays(today, 1), 1]]);

  const mine = await clockDue(U.pol, p.id);
  assert.equal(mine.length, 1, 'one notification');
  const n = mine[0];
  assert.equal(n.link, `#/persons/${p.id}`);
  assert.equal(n.clock, 'reflection_period');
  assert.equal(n.clock_end, addDays(today, 1));
  assert.equal(n.days_left, 1, 'counted from the server\'s today');
  assert.equal(n.case_number, c.number);
  assert.equal(n.task, null);
  assert.equal(n.read, false);
  assert.ok(!JSON.stringify(n).includes('Klocka'), 'no pseudonym in the notification');
  assert.equal((await clockDue(U.pol2, p.id)).length, 1, 'every user of the owner organization');
  assert.deepEqual(await clockDue(U.pol, far.p.id), [], '9 days left: not yet');

  assert.deepEqual(await clockDue(U.mig, p.id), [], 'a team organization is not told');
  assert.deepEqual(await clockDue(U.rksyd, p.id), [], 'nor the region\'s coordinator');
  assert.deepEqual(await clockDue(U.tax, p.id), [], 'nor an organization that cannot see the person');
  assert.deepEqual(await clockDue(U.auditor, p.id), [], 'nor an auditor of the owner organization');
  const count = await api(srv, 'GET', '/api/v1/notifications/count', { auth: U.pol });
  assertStatus(count, 200);
  assert.ok(count.json.unread >= 1);
});

test('moving the clock on does not repeat it, overdue included; a renewed permit\'s new end is a new one', async () => {
  const today = '2027-04-01';
  setDay(today);
  const { c, p } = await adult('Tillstånd-Cecilia');
  await addEvent(U.pol, p.id, { type: 'permit_granted', date: addDays(today, -182), until: addDays(today, 3) });
  const first = await clockDue(U.pol, p.id);
  assert.deepEqual(first.map((n) => [n.clock, n.clock_end]), [['residence_permit', addDays(today, 3)]]);
  assert.equal(first[0].case_number, c.number);

  setDay(addDays(today, 1));
  assert.equal((await clockDue(U.pol, p.id)).length, 1, 'the next day: still one');
  setDay(addDays(today, 10));
  const overdue = await clockDue(U.pol, p.id);
  assert.equal(overdue.length, 1, 'overdue: still one');
  assert.equal(overdue[0].days_left, -7, 'days_left follows the clock; negative when overdue');
  assert.equal((await clockDue(U.pol2, p.id)).length, 1);

  const renewed = addDays(today, 10 + 190);
  await addEvent(U.pol, p.id, { type: 'permit_renewed', date: addDays(today, 10), until: renewed });
  assert.equal((await clockDue(U.pol, p.id)).length, 1, 'a renewal far from its end: nothing new');
  setDay(addDays(renewed, -4));
  assert.equal((await clockDue(U.pol, p.id)).length, 1, '4 days left: nothing new');
  setDay(addDays(renewed, -3));
  const after = await clockDue(U.pol, p.id);
  assert.deepEqual(after.map((n) => n.clock_end).sort(), [addDays(today, 3), renewed].sort(),
    'the renewed permit\'s end gives a new notification');
  setDay(addDays(renewed, -1));
  assert.equal((await clockDue(U.pol, p.id)).length, 2, 'and only one');
});

test('a person the user cannot see gives it nothing; a child\'s protection assessment is due at once', async () => {
  const today = '2028-01-10';
  setDay(today);
  const c = await createCase(srv, U.tax, { county: '01' });
  const p = await createPerson(srv, U.tax, c.id, { birth_year: 1985, pseudonym: 'Skatt-Dana' });
  await addEvent(U.tax, p.id, { type: 'reflection_period_granted', date: addDays(today, -28) });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol }), 404);
  assert.deepEqual(await clockDue(U.pol, p.id), [], 'hidden person: nothing');
  assert.equal((await clockDue(U.tax, p.id)).length, 1, 'its owner organization is told');

  const { p: child } = await adult('Barn-Elin');
  const kid = await createPerson(srv, U.pol, (await createCase(srv, U.pol, { county: '12' })).id,
    { birth_year: 2016, pseudonym: 'Barn-Frida' });
  assert.deepEqual(await clockDue(U.pol, child.id), [], 'an adult has no such clock');
  const due = await clockDue(U.pol, kid.id);
  assert.deepEqual(due.map((n) => [n.clock, n.clock_end]), [['protection_assessment', addDays(today, 1)]]);
  assert.deepEqual(await clockDue(U.tax, kid.id), []);
});

/** PATCH the case c to body, naming its current version. */
async function patchCase(who, caseId, body) {
  const cur = await api(srv, 'GET', `/api/v1/cases/${caseId}`, { auth: who });
  assertStatus(cur, 200);
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${caseId}`,
    { auth: who, ifMatch: `"${cur.json.version}"`, body }), 200);
}

test('a clock that comes due while its case is closed is told once the case is opened again', async () => {
  const today = '2028-07-01';
  setDay(today);
  const { c, p } = await adult('Stängd-Hanna');
  await addEvent(U.pol, p.id, { type: 'reflection_period_granted', date: addDays(today, -10) });
  assert.deepEqual(await clockDue(U.pol, p.id), [], '19 days left: nothing yet');
  await patchCase(U.pol, c.id, { status: 'closed', closing_reason: 'support_completed' });
  setDay(addDays(today, 17));
  assert.deepEqual(await clockDue(U.pol, p.id), [], 'due, but its case is closed');
  await patchCase(U.pol, c.id, { status: 'open', reopen_reason: 'Ny uppgift från polisen.' });
  const due = await clockDue(U.pol, p.id);
  assert.deepEqual(due.map((n) => [n.clock, n.clock_end, n.days_left]),
    [['reflection_period', addDays(today, 19), 2]]);
});

test('a person corrected to a child gets its protection assessment clock at the next read', async () => {
  const today = '2028-08-01';
  setDay(today);
  const { p } = await adult('Rättad-Ida');
  assert.deepEqual(await clockDue(U.pol, p.id), [], 'an adult: no clock');
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol, ifMatch: `"${p.version}"`, body: { birth_year: 2014 } });
  assertStatus(r, 200);
  assert.equal(r.json.is_child, true);
  const due = await clockDue(U.pol, p.id);
  assert.deepEqual(due.map((n) => n.clock), ['protection_assessment']);
});

test('nmtctl init settles the due list: a child added before it is told without a read', async () => {
  const s2 = await startServer();
  try {
    const pol = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const c = await createCase(s2, pol, { county: '12' });
    const kid = await createPerson(s2, pol, c.id, { birth_year: 2016, pseudonym: 'Barn-Init' });
    await s2.stop();
    const count = async (sql) => Number((await s2.db.exec(sql)).trim());
    assert.equal(await count(`SELECT count(*) FROM pathway_due WHERE person_id = '${kid.id}'`), 1, 'marked');
    const first = await ctlFor(s2.db, ['init']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^clocks: 1 persons worked out for the due list$/m);
    assert.equal(await count(`SELECT count(*) FROM pathway_due WHERE person_id = '${kid.id}'`), 0, 'settled');
    assert.equal(await count(`SELECT count(*) FROM notification WHERE kind = 'clock_due' AND person_id = '${kid.id}'`),
      1, 'told to the owner organization\'s one user');
    const again = await ctlFor(s2.db, ['init']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /^clocks:/m, 'nothing left to settle');
  } finally {
    await s2.stop();
  }
});

test('concurrent reads tell each clock end once', async () => {
  const today = '2028-03-01';
  setDay(today);
  const { p } = await adult('Samtidig-Gun');
  await addEvent(U.pol, p.id, { type: 'reflection_period_granted', date: addDays(today, -27) });
  const reads = await Promise.all([U.pol, U.pol2, U.pol, U.pol2, U.pol, U.pol2].map((who) =>
    api(srv, 'GET', '/api/v1/notifications?limit=200', { auth: who })));
  for (const r of reads) assertStatus(r, 200);
  assert.equal((await clockDue(U.pol, p.id)).length, 1);
  assert.equal((await clockDue(U.pol2, p.id)).length, 1);
});

test('a clock_due notification opens and is marked read like any other', async () => {
  const today = '2028-05-02';
  setDay(today);
  const { p } = await adult('Läst-Hanna');
  await addEvent(U.pol, p.id, { type: 'reflection_period_granted', date: addDays(today, -29) });
  const [n] = await clockDue(U.pol, p.id);
  assert.equal(n.clock_end, today, 'the last day');
  const r = await api(srv, 'POST', `/api/v1/notifications/${n.id}/read`, { auth: U.pol });
  assertStatus(r, 200);
  assert.equal(r.json.read, true);
  assert.equal(r.json.clock, 'reflection_period');
  assert.equal(r.json.days_left, 0);
  assertStatus(await api(srv, 'POST', `/api/v1/notifications/${n.id}/read`, { auth: U.pol2 }), 404);
  const [again] = await clockDue(U.pol, p.id);
  assert.equal(again.read, true);
});

test('no e-mail for a clock_due: the owner\'s user with an address gets no notice of it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-clockmail-'));
  const script = path.join(dir, 'fake-sendmail');
  // One file per run, named by the address (the last argument).
  fs.writeFileSync(script, '#!/bin/sh\nfor a; do to=$a; done\n'
    + `cat > "${dir}/to.$to.$(date +%s%N)"\n`, { mode: 0o755 });
  const mail = await startServer({ env: { NMT_MAIL_COMMAND: script } });
  try {
    const withMail = async (org, email) => {
      const name = uname('clk');
      const r = await mail.ctl(['user', 'add', '--username', name, '--display-name', 'Post',
        '--org', org, '--role', 'member', '--email', email, '--json']);
      assert.equal(r.code, 0, r.stderr);
      return { username: name, token: await token(mail, name) };
    };
    const pol = await withMail('POLISEN-SYD', 'polis@example.se');
    await withMail('SKATTEVERKET', 'skatt@example.se');
    const today = '2028-06-01';
    mail.setClock(`${today}T12:00:00Z`);
    const c = await createCase(mail, pol, { county: '12' });
    const p = await createPerson(mail, pol, c.id, { birth_year: 1990, pseudonym: 'Post-Ida' });
    assertStatus(await api(mail, 'POST', `/api/v1/persons/${p.id}/pathway/events`, { auth: pol,
      body: { type: 'reflection_period_granted', date: addDays(today, -28) } }), 201);
    const notes = await listAll(mail, '/api/v1/notifications', { auth: pol });
    assert.equal(notes.filter((n) => n.kind === 'clock_due' && n.person === p.id).length, 1);
    // Then a task to SKATTEVERKET is mailed there. The helper runs one notice at a time in the
    // order queued: once SKATTEVERKET's is there, a clock_due notice to POLISEN-SYD, had one been
    // queued, would be there too.
    assertStatus(await api(mail, 'POST', `/api/v1/cases/${c.id}/tasks`, { auth: pol,
      body: { organization: 'SKATTEVERKET', title: 'Kontroll', access: 'pseudonymous' } }), 201);
    const sent = () => fs.readdirSync(dir).filter((f) => f.startsWith('to.'));
    const deadline = Date.now() + 10000;
    while (Date.now() < deadline && !sent().some((f) => f.startsWith('to.skatt@example.se.')))
      await new Promise((res) => setImmediate(res));
    assert.ok(sent().some((f) => f.startsWith('to.skatt@example.se.')), 'the new task\'s notice');
    assert.deepEqual(sent().filter((f) => f.startsWith('to.polis@')), [], 'no notice of the clock');
  } finally {
    await mail.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
