// API.md "Team suggestions, tasks and the support pathway": a person's
// support pathway — the six steps with a status derived from the events,
// the events (append-only, corrected by new events) and the legal clocks
// (reflection period, a child's protection assessment, the residence
// permit) counted in Swedish civil days from the server's (test) clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  createCase, createPerson, listAll, randomId, RFC3339_UTC,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // not on the team
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  U.admin = await addUserWithToken(srv, { org: 'NMT', role: 'admin' });
});
after(async () => { if (srv) await srv.close(); });

const pathway = (id) => `/api/v1/persons/${id}/pathway`;
const add = (who, id, body) => api(srv, 'POST', `${pathway(id)}/events`, { auth: who, body });
const get = async (who, id) => {
  const r = await api(srv, 'GET', pathway(id), { auth: who });
  assertStatus(r, 200, 'GET pathway');
  return r.json;
};
const status = (p) => p.steps.map((s) => s.status);
const clock = (p, kind) => p.clocks.find((c) => c.kind === kind);

/** A case of POLISEN-SYD with MIGRATIONSVERKET on its team (pseudonymous) and one adult person. */
async function adult(over = {}) {
  const c = await createCase(srv, U.pol, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  const p = await createPerson(srv, U.pol, c.id, { birth_year: 1990, ...over });
  return { c, p };
}

test('a new person: six steps not started, no events, no clocks; the vocabularies name them', async () => {
  srv.setClock('2027-01-15T10:00:00Z');
  const { p } = await adult();
  const pw = await get(U.pol, p.id);
  assert.equal(pw.person, p.id);
  assert.equal(pw.today, '2027-01-15');
  assert.deepEqual(pw.steps.map((s) => [s.step, s.code]), [[1, 'identification'], [2, 'acute_protection'],
    [3, 'initial_support'], [4, 'long_term_support'], [5, 'criminal_proceedings'], [6, 'safe_return']]);
  assert.deepEqual(pw.steps[1].name, { sv: 'Akut skydd', en: 'Acute protection' });
  assert.deepEqual(pw.steps[2].event_types, ['reflection_period_granted', 'counsel_appointed', 'reflection_period_ended']);
  assert.deepEqual(pw.steps[5].event_types, ['return_programme_applied', 'return_programme_admitted', 'returned']);
  assert.ok(!pw.steps.some((s) => s.event_types.includes('entered_in_error')), 'a withdrawal belongs to no step');
  assert.deepEqual(status(pw), Array(6).fill('not_started'));
  assert.deepEqual(pw.events, []);
  assert.deepEqual(pw.clocks, [], 'an adult has no protection-assessment clock');
  assert.ok(pw.allowed.includes('add_pathway_event'));
  const person = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol });
  assert.ok(person.json.allowed.includes('add_pathway_event'), 'the person offers it too');

  const v = (await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.pol })).json;
  const types = v.pathway_event_types.map((t) => t.code);
  for (const t of ['reflection_period_applied', 'reflection_period_granted', 'reflection_period_ended',
    'protection_assessment_done', 'police_report_filed', 'preliminary_investigation_opened', 'permit_applied',
    'permit_granted', 'permit_renewed', 'return_programme_applied', 'return_programme_admitted', 'returned'])
    assert.ok(types.includes(t), t);
  assert.deepEqual(v.pathway_event_types.find((t) => t.code === 'reflection_period_granted').label,
    { sv: 'Betänketid beviljad', en: 'Reflection period granted' });
  assert.deepEqual(v.pathway_clocks.map((c) => c.code), ['reflection_period', 'protection_assessment', 'residence_permit']);
  assert.equal(v.pathway_steps.length, 6);
});

test('an event is answered and listed with its step, author and time; events in date order', async () => {
  srv.setClock('2027-01-15T10:00:00Z');
  const { p } = await adult();
  const r = await add(U.mig, p.id, { type: 'police_report_filed', date: '2027-01-14', note: 'Anmälan K123-27' });
  assertStatus(r, 201);
  const e = r.json;
  assert.match(e.id, /^[0-9a-f-]{36}$/);
  assert.equal(e.type, 'police_report_filed');
  assert.equal(e.step, 5);
  assert.equal(e.date, '2027-01-14');
  assert.equal(e.until, null);
  assert.equal(e.note, 'Anmälan K123-27');
  assert.equal(e.corrects, null);
  assert.equal(e.corrected_by, null);
  assert.deepEqual(e.author, { username: U.mig.username, organization: 'MIGRATIONSVERKET' });
  assert.match(e.at, RFC3339_UTC);
  const earlier = (await add(U.pol, p.id, { type: 'identified', date: '2027-01-10' })).json;
  assert.equal(earlier.note, null);
  const pw = await get(U.pol, p.id);
  assert.deepEqual(pw.events.map((x) => x.id), [earlier.id, e.id], 'by date, not by writing order');
  assert.deepEqual(pw.events[1], e, 'listed as it was answered');
});

test('step status follows the events (documented derivation)', async () => {
  srv.setClock('2027-01-15T10:00:00Z');
  const { p } = await adult();
  const step = async (body, want) => {
    assertStatus(await add(U.pol, p.id, body), 201, body.type);
    assert.deepEqual(status(await get(U.pol, p.id)), want, body.type);
  };
  const N = 'not_started'; const A = 'active'; const D = 'done';
  await step({ type: 'police_report_filed', date: '2027-01-02' }, [N, N, N, N, A, N]);
  await step({ type: 'coordinator_contacted', date: '2027-01-03' }, [D, A, N, N, A, N]);
  await step({ type: 'reflection_period_granted', date: '2027-01-05' }, [D, D, A, N, A, N]);
  await step({ type: 'reflection_period_ended', date: '2027-01-12' }, [D, D, D, N, A, N]);
  await step({ type: 'preliminary_investigation_opened', date: '2027-01-12' }, [D, D, D, N, A, N]);
  await step({ type: 'preliminary_investigation_closed', date: '2027-01-13' }, [D, D, D, N, D, N]);
  await step({ type: 'return_programme_applied', date: '2027-01-14' }, [D, D, D, N, D, A]);
  await step({ type: 'returned', date: '2027-01-15' }, [D, D, D, N, D, D]);
  // An investigation opened again after it was closed makes step 5 active again.
  await step({ type: 'preliminary_investigation_opened', date: '2027-01-15' }, [D, D, D, N, A, D]);
});

test('reflection period: 30 days with the grant day as day 1; days left in Swedish days across summer time', async () => {
  srv.setClock('2027-03-20T11:00:00Z');
  const { p } = await adult();
  const g = (await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-03-20' })).json;
  let k = clock(await get(U.pol, p.id), 'reflection_period');
  assert.deepEqual(k, { kind: 'reflection_period', start: '2027-03-20', end: '2027-04-18', days_left: 29, event: g.id });
  // 00:30 in Stockholm on 28 March (still winter time): the UTC date is the 27th, the Swedish the 28th.
  srv.setClock('2027-03-27T23:30:00Z');
  k = clock(await get(U.pol, p.id), 'reflection_period');
  assert.equal(k.days_left, 21);
  // 00:30 on 29 March, summer time (UTC+2): the day of the change is one Swedish day, 23 hours long.
  srv.setClock('2027-03-28T22:30:00Z');
  let pw = await get(U.pol, p.id);
  assert.equal(pw.today, '2027-03-29');
  assert.equal(clock(pw, 'reflection_period').days_left, 20);
  // The last day: 0 left; the day after: overdue (-1), and still listed until its end is logged.
  srv.setClock('2027-04-18T21:59:00Z'); // 23:59 in Stockholm
  assert.equal(clock(await get(U.pol, p.id), 'reflection_period').days_left, 0);
  srv.setClock('2027-04-18T22:00:05Z'); // just after midnight in Stockholm (the clock runs on)
  pw = await get(U.pol, p.id);
  assert.equal(pw.today, '2027-04-19');
  assert.equal(clock(pw, 'reflection_period').days_left, -1);
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_ended', date: '2027-04-18' }), 201);
  assert.equal(clock(await get(U.pol, p.id), 'reflection_period'), undefined, 'the clock ends with its event');
});

test('reflection periods granted on the days of the summer-time changes end on the right day', async () => {
  for (const [date, end, at] of [['2027-03-28', '2027-04-26', '2027-03-28T10:00:00Z'],
    ['2027-10-31', '2027-11-29', '2027-10-31T10:00:00Z'], ['2028-02-15', '2028-03-15', '2028-02-15T10:00:00Z']]) {
    srv.setClock(at);
    const { p } = await adult();
    assertStatus(await add(U.pol, p.id, { type: 'reflection_period_granted', date }), 201);
    const k = clock(await get(U.pol, p.id), 'reflection_period');
    assert.deepEqual([k.start, k.end, k.days_left], [date, end, 29], date);
  }
  // Winter time begins on 31 October 2027 (a 25-hour day); days left still count whole Swedish days.
  srv.setClock('2027-10-31T22:59:00Z'); // 23:59 CET on the 31st
  const { p } = await adult();
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-10-31' }), 201);
  assert.equal(clock(await get(U.pol, p.id), 'reflection_period').days_left, 29);
  srv.setClock('2027-10-31T23:00:05Z'); // just after 00:00 CET on 1 November
  assert.equal(clock(await get(U.pol, p.id), 'reflection_period').days_left, 28);
});

test('a permit granted later ends the reflection period clock; a newer grant restarts it', async () => {
  srv.setClock('2027-05-10T10:00:00Z');
  const { p } = await adult();
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-05-01' }), 201);
  assertStatus(await add(U.pol, p.id, { type: 'permit_granted', date: '2027-05-09', until: '2027-11-08' }), 201);
  let pw = await get(U.pol, p.id);
  assert.deepEqual(pw.clocks.map((k) => k.kind), ['residence_permit']);
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-05-10' }), 201);
  pw = await get(U.pol, p.id);
  assert.deepEqual(pw.clocks.map((k) => [k.kind, k.end]), [['reflection_period', '2027-06-08'],
    ['residence_permit', '2027-11-08']]);
});

test("a child's protection assessment is due the day after registration; it ends with protection_assessment_done", async () => {
  // 01:30 summer time on 31 October 2027 in Stockholm (the UTC date is the 30th).
  srv.setClock('2027-10-30T23:30:00Z');
  const c = await createCase(srv, U.pol, { county: '12' });
  const child = await createPerson(srv, U.pol, c.id, { age_estimate: 15 });
  assert.equal(child.is_child, true);
  let k = clock(await get(U.pol, child.id), 'protection_assessment');
  assert.deepEqual(k, { kind: 'protection_assessment', start: '2027-10-31', end: '2027-11-01', days_left: 1, event: null });
  srv.setClock('2027-11-02T08:00:00Z');
  k = clock(await get(U.pol, child.id), 'protection_assessment');
  assert.equal(k.days_left, -1, 'overdue by a day');
  assertStatus(await add(U.pol, child.id, { type: 'protection_assessment_done', date: '2027-11-02' }), 201);
  const pw = await get(U.pol, child.id);
  assert.deepEqual(pw.clocks, []);
  assert.deepEqual(status(pw), ['done', 'active', 'not_started', 'not_started', 'not_started', 'not_started']);
  // An adult has none.
  const grown = await createPerson(srv, U.pol, c.id, { age_estimate: 30 });
  assert.deepEqual((await get(U.pol, grown.id)).clocks, []);
});

test('residence permit: at least six months from the grant, renewals extend it, permit_ended ends it', async () => {
  srv.setClock('2027-09-01T10:00:00Z');
  const { p } = await adult();
  // Granted 31 August 2027: six months with the grant day as day 1 end on 28 February 2028 (a leap year).
  assertFieldError(await add(U.pol, p.id, { type: 'permit_granted', date: '2027-08-31' }), 'until');
  assertFieldError(await add(U.pol, p.id, { type: 'permit_granted', date: '2027-08-31', until: '2028-02-27' }), 'until');
  assertFieldError(await add(U.pol, p.id, { type: 'permit_granted', date: '2027-08-31', until: '2032-09-01' }), 'until',
    'more than five years');
  const g = await add(U.pol, p.id, { type: 'permit_granted', date: '2027-08-31', until: '2028-02-28' });
  assertStatus(g, 201);
  assert.equal(g.json.until, '2028-02-28');
  let k = clock(await get(U.pol, p.id), 'residence_permit');
  assert.deepEqual(k, { kind: 'residence_permit', start: '2027-08-31', end: '2028-02-28', days_left: 180, event: g.json.id });
  // A renewal must end later than the permit does now.
  srv.setClock('2028-02-01T10:00:00Z');
  assertFieldError(await add(U.pol, p.id, { type: 'permit_renewed', date: '2028-02-01', until: '2028-02-28' }), 'until');
  assertStatus(await add(U.pol, p.id, { type: 'permit_renewed', date: '2028-02-01', until: '2028-08-31' }), 201);
  srv.setClock('2028-02-29T12:00:00Z');
  k = clock(await get(U.pol, p.id), 'residence_permit');
  assert.deepEqual([k.start, k.end, k.days_left], ['2027-08-31', '2028-08-31', 184]);
  assertStatus(await add(U.pol, p.id, { type: 'permit_ended', date: '2028-02-29' }), 201);
  assert.equal(clock(await get(U.pol, p.id), 'residence_permit'), undefined);
});

test('bad input is a 400 naming the field and writes nothing', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { p } = await adult();
  const bad = [
    [{ date: '2027-06-01' }, 'type'],
    [{ type: 'arrested', date: '2027-06-01' }, 'type'],
    [{ type: 'identified' }, 'date'],
    [{ type: 'identified', date: '2027-02-30' }, 'date'],
    [{ type: 'identified', date: '15/06/2027' }, 'date'],
    [{ type: 'identified', date: '1999-12-31' }, 'date'],
    [{ type: 'identified', date: '2027-07-16' }, 'date'], // 31 days ahead
    [{ type: 'identified', date: '2099-01-01' }, 'date'],
    [{ type: 'identified', date: '2027-06-01', until: '2027-12-31' }, 'until'],
    [{ type: 'identified', date: '2027-06-01', note: 'x'.repeat(2001) }, 'note'],
    [{ type: 'identified', date: '2027-06-01', note: 'a\u202eb' }, 'note'],
    [{ type: 'identified', date: '2027-06-01', corrects: 'not-an-id' }, 'corrects'],
    [{ type: 'identified', date: '2027-06-01', step: 1 }, ''],
    [{ type: 'entered_in_error', date: '2027-06-01' }, 'corrects'],
    [{ type: 'reflection_period_ended', date: '2027-06-01' }, 'type'],
    [{ type: 'permit_renewed', date: '2027-06-01', until: '2028-06-01' }, 'type'],
    [{ type: 'permit_ended', date: '2027-06-01' }, 'type'],
  ];
  for (const [body, field] of bad)
    assertFieldError(await add(U.pol, p.id, body), field, JSON.stringify(body).slice(0, 80));
  assert.deepEqual((await get(U.pol, p.id)).events, [], 'nothing was written');
  assertStatus(await add(U.pol, p.id, { type: 'identified', date: '2027-07-15', note: 'x'.repeat(2000) }), 201,
    '30 days ahead and the longest note');
  // An end needs its start on or before it.
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-06-10' }), 201);
  assertFieldError(await add(U.pol, p.id, { type: 'reflection_period_ended', date: '2027-06-09' }), 'type');
  assertStatus(await add(U.pol, p.id, { type: 'reflection_period_ended', date: '2027-06-10' }), 201);
  assert.equal((await get(U.pol, p.id)).events.length, 3);
});

test('a correction is a new event that replaces the one it names; entered_in_error withdraws it', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { c, p } = await adult();
  const wrong = (await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-06-01' })).json;
  const fix = await add(U.mig, p.id, { type: 'reflection_period_granted', date: '2027-06-03', corrects: wrong.id,
    note: 'Beslutsdatum rättat' });
  assertStatus(fix, 201);
  assert.equal(fix.json.corrects, wrong.id);
  let pw = await get(U.pol, p.id);
  assert.deepEqual(pw.events.map((e) => [e.id, e.corrects, e.corrected_by]),
    [[wrong.id, null, fix.json.id], [fix.json.id, wrong.id, null]], 'the corrected event stays, marked');
  assert.deepEqual(pw.clocks.map((k) => [k.kind, k.start, k.end, k.event]),
    [['reflection_period', '2027-06-03', '2027-07-02', fix.json.id]]);
  // An event corrected already is not corrected again: the newest version is.
  assertFieldError(await add(U.pol, p.id, { type: 'reflection_period_granted', date: '2027-06-04', corrects: wrong.id }),
    'corrects');
  // Withdrawn: the clock and the step go with it.
  const gone = await add(U.pol, p.id, { type: 'entered_in_error', date: '2027-06-15', corrects: fix.json.id });
  assertStatus(gone, 201);
  assert.equal(gone.json.step, null);
  pw = await get(U.pol, p.id);
  assert.deepEqual(pw.clocks, []);
  assert.deepEqual(status(pw), Array(6).fill('not_started'));
  assertFieldError(await add(U.pol, p.id, { type: 'identified', date: '2027-06-15', corrects: gone.json.id }), 'corrects',
    'a withdrawal is not corrected');
  // An event of another person, or none: 404, and nothing written.
  const other = await createPerson(srv, U.pol, c.id, { birth_year: 1985 });
  const elsewhere = (await add(U.pol, other.id, { type: 'identified', date: '2027-06-01' })).json;
  assertProblem(await add(U.pol, p.id, { type: 'identified', date: '2027-06-01', corrects: elsewhere.id }), 404);
  assertProblem(await add(U.pol, p.id, { type: 'identified', date: '2027-06-01', corrects: randomId() }), 404);
  assert.equal((await get(U.pol, p.id)).events.length, 3);
});

test('who: whoever sees the person reads and adds; hidden is 404, other roles 403', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { p } = await adult();
  assertStatus(await add(U.mig, p.id, { type: 'permit_applied', date: '2027-06-14' }), 201, 'a pseudonymous member');
  assertStatus(await add(U.rksyd, p.id, { type: 'coordinator_contacted', date: '2027-06-14' }), 201, 'the region');
  assert.equal((await get(U.mig, p.id)).events.length, 2);
  for (const r of [await api(srv, 'GET', pathway(p.id), { auth: U.tax }),
    await add(U.tax, p.id, { type: 'identified', date: '2027-06-14' }),
    await api(srv, 'GET', pathway(randomId()), { auth: U.pol }),
    await add(U.pol, randomId(), { type: 'identified', date: '2027-06-14' })])
    assertProblem(r, 404);
  for (const who of [U.auditor, U.admin]) {
    assertProblem(await api(srv, 'GET', pathway(p.id), { auth: who }), 403);
    assertProblem(await add(who, p.id, { type: 'identified', date: '2027-06-14' }), 403);
  }
  assert.equal((await get(U.pol, p.id)).events.length, 2);
});

test('a closed case takes no events (409) and offers none; reading stays possible', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { c, p } = await adult();
  assertStatus(await add(U.pol, p.id, { type: 'identified', date: '2027-06-14' }), 201);
  const cur = (await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol })).json;
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, {
    auth: U.pol, ifMatch: `"${cur.version}"`, body: { status: 'closed', closing_reason: 'support_completed' },
  }), 200);
  assertProblem(await add(U.pol, p.id, { type: 'returned', date: '2027-06-15' }), 409);
  const pw = await get(U.pol, p.id);
  assert.equal(pw.events.length, 1);
  assert.ok(!pw.allowed.includes('add_pathway_event'));
});

test('reads and events are audited, without the note', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { c, p } = await adult();
  const e = (await add(U.mig, p.id, { type: 'counsel_appointed', date: '2027-06-14', note: 'Advokat Hemlig' })).json;
  await get(U.mig, p.id);
  const log = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const created = log.filter((x) => x.action === 'pathway_event.create');
  assert.equal(created.length, 1);
  assert.equal(created[0].object, `pathway_event:${e.id}`);
  assert.equal(created[0].actor, U.mig.username);
  const read = log.filter((x) => x.action === 'pathway.read');
  assert.equal(read.length, 1);
  assert.equal(read[0].object, `person:${p.id}`);
  assert.ok(!JSON.stringify(log).includes('Hemlig'), 'no note in the audit log');
  // A hidden person's pathway read is a refused read.
  await api(srv, 'GET', pathway(p.id), { auth: U.tax });
  const denied = await listAll(srv, `/api/v1/audit?case=${c.id}&action=person.denied`, { auth: U.auditor });
  assert.equal(denied.length, 1);
  assert.equal(denied[0].actor, U.tax.username);
  // A hidden person's event refused is a flagged refused write, and nothing is written.
  assertProblem(await add(U.tax, p.id, { type: 'identified', date: '2027-06-14' }), 404);
  const refused = await listAll(srv, `/api/v1/audit?case=${c.id}&action=person.write_denied`, { auth: U.auditor });
  assert.equal(refused.length, 1);
  assert.equal(refused[0].actor, U.tax.username);
  assert.equal(refused[0].object, `person:${p.id}`);
  assert.equal(refused[0].flagged, true);
  assert.equal((await get(U.pol, p.id)).events.length, 1);
});

test('events are append-only in the database too', async () => {
  srv.setClock('2027-06-15T10:00:00Z');
  const { p } = await adult();
  const e = (await add(U.pol, p.id, { type: 'identified', date: '2027-06-14' })).json;
  await assert.rejects(srv.db.exec(`UPDATE pathway_event SET event_date = '2027-01-01' WHERE id = '${e.id}';`),
    /append-only/);
  await assert.rejects(srv.db.exec(`DELETE FROM pathway_event WHERE id = '${e.id}';`), /append-only/);
  assert.equal((await get(U.pol, p.id)).events[0].date, '2027-06-14');
});
