// API.md "Team suggestions, tasks and the support pathway" (issue 10, items 1, 2 and 4):
// team suggestions from the routing rules, tasks between organizations with their state
// machine and the team access they grant, overdue tasks on the Stockholm calendar,
// notifications and the mail notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startServer, addUser, addUserWithToken, token, api, assertStatus, assertFieldError, assertProblem,
  createCase, createPerson, listAll, randomId, swedishDate, uname,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // the owner side
  U.pol2 = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.mig2 = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.sos = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // outside every task
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
});
after(async () => { if (srv) await srv.close(); });

const tasksOf = (caseId) => `/api/v1/cases/${caseId}/tasks`;
const send = (who, caseId, body) => api(srv, 'POST', tasksOf(caseId), { auth: who, body });
const move = (who, id, verb, body) => api(srv, 'POST', `/api/v1/tasks/${id}/${verb}`, { auth: who, body });
const getTask = (who, id) => api(srv, 'GET', `/api/v1/tasks/${id}`, { auth: who });

function addDays(date, days) {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return t.toISOString().slice(0, 10);
}
const serverToday = () => swedishDate(srv.now());

async function sendOk(who, caseId, over = {}) {
  const r = await send(who, caseId, { organization: 'MIGRATIONSVERKET', title: 'Bedöm betänketid',
    access: 'pseudonymous', ...over });
  assertStatus(r, 201, 'send task');
  return r.json;
}

async function notifications(who, query = '') {
  return listAll(srv, `/api/v1/notifications${query}`, { auth: who });
}

test('a task is sent with its fields; requested, not overdue, Location, audited as task.create', async () => {
  const c = await createCase(srv, U.pol);
  const p = await createPerson(srv, U.pol, c.id);
  const due = addDays(serverToday(), 7);
  const r = await send(U.pol, c.id, { organization: 'MIGRATIONSVERKET', title: 'Ansökan om betänketid',
    description: 'Bedöm ansökan.', due, person: p.id, access: 'full' });
  assertStatus(r, 201);
  const t = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/tasks/${t.id}`);
  assert.equal(t.status, 'requested');
  assert.equal(t.case, c.id);
  assert.equal(t.case_number, c.number);
  assert.equal(t.person, p.id);
  assert.equal(t.pseudonym, p.pseudonym);
  assert.equal(t.organization, 'MIGRATIONSVERKET');
  assert.equal(t.organization_name, 'Migrationsverket');
  assert.equal(t.from_organization, 'POLISEN-SYD');
  assert.equal(t.from_user, U.pol.username);
  assert.equal(t.title, 'Ansökan om betänketid');
  assert.equal(t.description, 'Bedöm ansökan.');
  assert.equal(t.due, due);
  assert.equal(t.access, 'full');
  assert.equal(t.overdue, false);
  assert.deepEqual(t.allowed, ['revoke'], 'the sender may revoke');
  const m = await getTask(U.mig, t.id);
  assertStatus(m, 200);
  assert.deepEqual(m.json.allowed, ['accept', 'decline'], 'the receiver may accept or decline');
  const audit = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const e = audit.find((x) => x.action === 'task.create');
  assert.ok(e, 'task.create is in the audit log');
  assert.equal(e.object, `task:${t.id}`);
  assert.equal(e.actor, U.pol.username);
});

test('bad input is a 400 naming the field and sends nothing', async () => {
  const c = await createCase(srv, U.pol);
  const other = await createCase(srv, U.pol);
  const p = await createPerson(srv, U.pol, other.id);
  const base = { organization: 'MIGRATIONSVERKET', title: 'Uppdrag', access: 'full' };
  const cases = [
    [{ ...base, organization: 'NO-SUCH-ORG' }, 'organization'],
    [{ ...base, organization: 'POLISEN-SYD' }, 'organization'], // the sender's own
    [{ ...base, title: '' }, 'title'],
    [{ organization: 'MIGRATIONSVERKET', access: 'full' }, 'title'],
    [{ ...base, access: 'everything' }, 'access'],
    [{ ...base, due: '2026-02-30' }, 'due'],
    [{ ...base, due: addDays(serverToday(), -1) }, 'due'],
    [{ ...base, person: p.id }, 'person'], // a person of another case
    [{ ...base, person: randomId() }, 'person'],
    [{ ...base, colour: 'red' }, ''], // an unknown field is named by its code only, never echoed
    [{ ...base, title: 'a\u202eb' }, 'title'],
  ];
  for (const [body, field] of cases) assertFieldError(await send(U.pol, c.id, body), field, JSON.stringify(body));
  assert.deepEqual(await listAll(srv, tasksOf(c.id), { auth: U.pol }), []);
  assert.deepEqual(await notifications(U.mig, '?unread=true').then((l) => l.filter((n) => n.kind === 'task_new'
    && n.link.includes(c.id))), []);
  const team = await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol });
  assert.deepEqual(team.json.items.map((m) => m.organization), ['POLISEN-SYD']);
});

test('who may send: the owner side and coordinators who see the case; others 403, a hidden case 404; closed 409',
  async () => {
    const c = await createCase(srv, U.pol);
    const body = { organization: 'SOS-AVV', title: 'Uppdrag', access: 'pseudonymous' };
    assertStatus(await send(U.tax, c.id, body), 404, 'not on the team: hidden');
    assertStatus(await send(U.rksyd, c.id, body), 201, 'regional coordinator of the case region');
    assertStatus(await send(U.nmt, c.id, { ...body, organization: 'SKATTEVERKET' }), 201, 'secretariat');
    // SKATTEVERKET is on the team now, through the task: it sees the case but does not send.
    assertStatus(await send(U.tax, c.id, { ...body, organization: 'ARBETSMILJOVERKET' }), 403,
      'a team member is not the owner side');
    assertStatus(await send(U.auditor, c.id, body), 403, 'auditors never work cases');
    const closed = await createCase(srv, U.pol);
    const v = closed.version;
    assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${closed.id}`, { auth: U.pol, headers: { 'if-match': `"${v}"` },
      body: { status: 'closed', closing_reason: 'no_indication' } }), 200);
    assertStatus(await send(U.pol, closed.id, body), 409, 'a closed case');
    assert.deepEqual(await listAll(srv, tasksOf(closed.id), { auth: U.pol }), []);
  });

// Drives a new task to state; returns it.
async function taskIn(state) {
  const c = await createCase(srv, U.pol);
  const t = await sendOk(U.pol, c.id);
  if (state === 'accepted' || state === 'completed') assertStatus(await move(U.mig, t.id, 'accept'), 200);
  if (state === 'completed') assertStatus(await move(U.mig, t.id, 'complete', { outcome: 'Beviljad.' }), 200);
  if (state === 'declined') assertStatus(await move(U.mig, t.id, 'decline', { reason: 'Fel myndighet.' }), 200);
  if (state === 'revoked') assertStatus(await move(U.pol, t.id, 'revoke'), 200);
  return { c, t };
}

const VERBS = {
  accept: { who: 'mig', body: undefined, to: 'accepted' },
  decline: { who: 'mig', body: { reason: 'Inte vår uppgift.' }, to: 'declined' },
  complete: { who: 'mig', body: { outcome: 'Klart.' }, to: 'completed' },
  revoke: { who: 'pol', body: undefined, to: 'revoked' },
};
const ALLOWED = {
  requested: ['accept', 'decline', 'revoke'],
  accepted: ['complete', 'revoke'],
  declined: [],
  completed: [],
  revoked: [],
};

test('the state machine: every transition from every state, 200 or 409 with nothing changed', async () => {
  for (const state of Object.keys(ALLOWED)) {
    for (const [verb, v] of Object.entries(VERBS)) {
      const { t } = await taskIn(state);
      const before = (await getTask(U.pol, t.id)).json;
      assert.equal(before.status, state);
      const r = await move(U[v.who], t.id, verb, v.body);
      if (ALLOWED[state].includes(verb)) {
        assertStatus(r, 200, `${verb} from ${state}`);
        assert.equal(r.json.status, v.to);
        if (verb === 'decline') assert.equal(r.json.reason, 'Inte vår uppgift.');
        if (verb === 'complete') assert.equal(r.json.outcome, 'Klart.');
        if (verb !== 'revoke') assert.equal(r.json.answered_by, U.mig.username);
        assert.equal(r.json.version, before.version + 1);
      } else {
        assertProblem(r, 409, `${verb} from ${state}`);
        assert.deepEqual((await getTask(U.pol, t.id)).json, before, `${verb} from ${state} changed nothing`);
      }
    }
  }
});

test('each side its transitions: the other side 403, a stranger 404, and bodies are checked', async () => {
  const { t } = await taskIn('requested');
  assertStatus(await move(U.pol, t.id, 'accept'), 403, 'the sender does not accept');
  assertStatus(await move(U.pol, t.id, 'decline', { reason: 'x' }), 403);
  assertStatus(await move(U.mig, t.id, 'revoke'), 403, 'the receiver does not revoke');
  assertStatus(await move(U.tax, t.id, 'accept'), 404, 'a stranger does not see it');
  assertStatus(await getTask(U.tax, t.id), 404);
  assertStatus(await getTask(U.tax, randomId()), 404, 'a missing task answers alike');
  assertStatus(await getTask(U.auditor, t.id), 403);
  assertFieldError(await move(U.mig, t.id, 'decline', {}), 'reason');
  assertFieldError(await move(U.mig, t.id, 'decline', { reason: '' }), 'reason');
  assert.equal((await getTask(U.pol, t.id)).json.status, 'requested');
  assertStatus(await move(U.mig, t.id, 'accept'), 200);
  assertFieldError(await move(U.mig, t.id, 'complete', {}), 'outcome');
  assert.equal((await getTask(U.pol, t.id)).json.status, 'accepted');
  // The coordinator of the case's region sees it and may revoke it (it changes the team).
  assertStatus(await getTask(U.rksyd, t.id), 200);
  assertStatus(await move(U.rksyd, t.id, 'revoke'), 200);
  const audit = await listAll(srv, `/api/v1/audit?case=${t.case}`, { auth: U.auditor });
  const actions = audit.map((e) => e.action);
  for (const a of ['task.create', 'task.accept', 'task.revoke']) assert.ok(actions.includes(a), a);
  assert.ok(audit.some((e) => e.action === 'task.write_denied' && e.actor === U.pol.username),
    'a refused transition on a task the caller sees is audited');
});

test('the receiving organization is on the team while the task is active, and leaves when it ends', async () => {
  for (const end of ['complete', 'decline', 'revoke']) {
    const c = await createCase(srv, U.pol);
    assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig }), 404, 'before the task');
    const t = await sendOk(U.pol, c.id, { access: 'pseudonymous' });
    const seen = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig2 });
    assertStatus(seen, 200, 'requested: every user of the organization sees the case');
    const team = await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol });
    const row = team.json.items.find((m) => m.organization === 'MIGRATIONSVERKET');
    assert.equal(row.access, 'pseudonymous');
    assert.equal(row.task, t.id);
    assert.ok(!row.allowed.includes('remove_member'), 'a task row is not removed by hand');
    assertProblem(await api(srv, 'DELETE', `/api/v1/cases/${c.id}/team/${row.id}`, { auth: U.pol }), 409);
    assertStatus(await move(U.mig, t.id, 'accept'), 200);
    assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig }), 200, 'accepted');
    if (end === 'complete') assertStatus(await move(U.mig, t.id, 'complete', { outcome: 'Klart.' }), 200);
    if (end === 'decline') {
      // Declining needs "requested": this one is revoked and a second one declined.
      const t2 = await sendOk(U.pol, c.id);
      assertStatus(await move(U.pol, t.id, 'revoke'), 200);
      assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig }), 200, 'the second task keeps it');
      assertStatus(await move(U.mig, t2.id, 'decline', { reason: 'Nej.' }), 200);
    }
    if (end === 'revoke') assertStatus(await move(U.pol, t.id, 'revoke'), 200);
    assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig }), 404, `after ${end}`);
    const after = await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol });
    assert.deepEqual(after.json.items.map((m) => m.organization), ['POLISEN-SYD']);
    // The task itself stays visible to its receiver (it is theirs), not the case.
    assertStatus(await getTask(U.mig, t.id), 200);
  }
});

test('an organization on the team for another reason stays after its task ends; a team add keeps a task row', async () => {
  const c = await createCase(srv, U.pol);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, { auth: U.pol,
    body: { organization: 'MIGRATIONSVERKET', access: 'full' } }), 201);
  const t = await sendOk(U.pol, c.id, { access: 'pseudonymous' });
  let team = (await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol })).json.items;
  const row = team.find((m) => m.organization === 'MIGRATIONSVERKET');
  assert.equal(row.task, null, 'the explicit row stays explicit');
  assert.equal(row.access, 'full', 'a pseudonymous task does not lower it');
  assertStatus(await move(U.pol, t.id, 'revoke'), 200);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.mig }), 200, 'still a member');
  // A task brings SOS-AVV in; adding it by hand makes the row explicit, so it stays.
  const t2 = await sendOk(U.pol, c.id, { organization: 'SOS-AVV' });
  const add = await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, { auth: U.pol,
    body: { organization: 'SOS-AVV', access: 'full' } });
  assertStatus(add, 201);
  assert.equal(add.json.task, null);
  assert.equal(add.json.access, 'full');
  assertStatus(await move(U.pol, t2.id, 'revoke'), 200);
  team = (await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U.pol })).json.items;
  assert.ok(team.some((m) => m.organization === 'SOS-AVV'), 'kept after the task');
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.sos }), 200);
});

const IDENTITY = { full_name: 'Ylva Identitetsdottir', date_of_birth: '1990-04-05', id_number: '19900405-1234',
  phone: '+46701112233', address: 'Hemlig gatan 7, Malmö' };

function assertNoIdentity(text, what) {
  for (const v of Object.values(IDENTITY)) assert.ok(!text.includes(v), `${what}: no identity value (${v})`);
  assert.ok(!/"identity"\s*:/.test(text), `${what}: no identity field`);
}

test('a pseudonymous task never gives its receiver the identity: before, during, after', async () => {
  const c = await createCase(srv, U.pol, { exploitation: ['forced_labour'] });
  const p = await createPerson(srv, U.pol, c.id, { identity: IDENTITY });
  const reveal = () => api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.mig });
  const answers = [];
  const look = async () => {
    for (const u of [`/api/v1/cases/${c.id}`, `/api/v1/persons/${p.id}`, `/api/v1/cases/${c.id}/team`,
      `/api/v1/cases/${c.id}/journal`, `/api/v1/persons/${p.id}/history`, '/api/v1/tasks',
      `/api/v1/cases/${c.id}/tasks`, '/api/v1/notifications']) {
      answers.push(await api(srv, 'GET', u, { auth: U.mig }));
    }
  };
  assertStatus(await reveal(), 404, 'before');
  await look();
  const t = await sendOk(U.pol, c.id, { person: p.id, access: 'pseudonymous' });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.mig }), 200, 'the person is seen');
  assertStatus(await reveal(), 404, 'requested');
  await look();
  assertStatus(await move(U.mig, t.id, 'accept'), 200);
  assertStatus(await reveal(), 404, 'accepted');
  await look();
  const done = await move(U.mig, t.id, 'complete', { outcome: 'Klart.' });
  answers.push(done);
  assertStatus(await reveal(), 404, 'after');
  await look();
  answers.push(await getTask(U.mig, t.id));
  for (const a of answers) assertNoIdentity(a.text, a.url || 'an answer');
  // A full task does open it (the control: the identity is there to be had).
  const t2 = await sendOk(U.pol, c.id, { access: 'full' });
  const open = await reveal();
  assertStatus(open, 200, 'full access');
  assert.equal(open.json.full_name, IDENTITY.full_name);
  assertStatus(await move(U.pol, t2.id, 'revoke'), 200);
  assertStatus(await reveal(), 404, 'gone with the task');
});

test('overdue: unfinished and due before today in Stockholm; ?overdue=true; one task_overdue notification', async () => {
  const c = await createCase(srv, U.pol);
  const today = serverToday();
  const late = await sendOk(U.pol, c.id, { due: today, title: 'Sen' });
  const done = await sendOk(U.pol, c.id, { due: today, title: 'Klar', organization: 'SOS-AVV' });
  const none = await sendOk(U.pol, c.id, { title: 'Utan datum', organization: 'SKATTEVERKET' });
  assertStatus(await move(U.sos, done.id, 'accept'), 200);
  assertStatus(await move(U.sos, done.id, 'complete', { outcome: 'Klart.' }), 200);
  assert.equal((await getTask(U.pol, late.id)).json.overdue, false, 'due today is not overdue');
  const overdueIds = async (who) => (await listAll(srv, '/api/v1/tasks?overdue=true', { auth: who }))
    .filter((x) => x.case === c.id).map((x) => x.id);
  assert.deepEqual(await overdueIds(U.pol), []);
  assert.ok(!(await notifications(U.mig)).some((n) => n.kind === 'task_overdue' && n.task === late.id));
  // Noon UTC two days on (13:00 or 14:00 in Stockholm, the same civil date).
  srv.setClock(`${addDays(today, 2)}T12:00:00Z`);
  assert.equal(serverToday(), addDays(today, 2));
  assert.equal((await getTask(U.pol, late.id)).json.overdue, true);
  assert.equal((await getTask(U.pol, done.id)).json.overdue, false, 'a finished task is never overdue');
  assert.equal((await getTask(U.pol, none.id)).json.overdue, false, 'no due date, never overdue');
  assert.deepEqual(await overdueIds(U.pol), [late.id]);
  assert.deepEqual(await overdueIds(U.mig), [late.id]);
  const count = async (who) => (await notifications(who)).filter((n) => n.kind === 'task_overdue'
    && n.task === late.id).length;
  assert.equal(await count(U.mig), 1, 'the receiver');
  assert.equal(await count(U.mig), 1, 'once per task, however often read');
  assert.equal(await count(U.pol), 1, 'the sender');
  assert.equal(await count(U.pol2), 1, 'every user of the sending organization');
  assert.equal(await count(U.sos), 0);
  const status = await listAll(srv, '/api/v1/tasks?status=completed', { auth: U.sos });
  assert.deepEqual(status.filter((x) => x.case === c.id).map((x) => x.id), [done.id]);
  assertFieldError(await api(srv, 'GET', '/api/v1/tasks?status=lost', { auth: U.pol }), 'status');
});

test('the inbox lists tasks sent to or from the organization, never others', async () => {
  const c = await createCase(srv, U.pol);
  const a = await sendOk(U.pol, c.id);
  const b = await sendOk(U.rksyd, c.id, { organization: 'SOS-AVV' });
  const ids = async (who, q = '') => (await listAll(srv, `/api/v1/tasks${q}`, { auth: who }))
    .filter((x) => x.case === c.id).map((x) => x.id).sort();
  assert.deepEqual(await ids(U.mig), [a.id]);
  assert.deepEqual(await ids(U.sos), [b.id]);
  assert.deepEqual(await ids(U.pol), [a.id], 'sent from POLISEN-SYD');
  assert.deepEqual(await ids(U.rksyd), [b.id], 'sent from RK-SYD');
  assert.deepEqual(await ids(U.tax), []);
  assert.deepEqual(await ids(U.pol, `?case=${c.id}`), [a.id]);
  assert.deepEqual(await ids(U.pol, '?direction=sent'), [a.id]);
  assert.deepEqual(await ids(U.pol, '?direction=received'), []);
  assert.deepEqual(await ids(U.mig, '?direction=received'), [a.id]);
  assert.deepEqual(await ids(U.mig, '?direction=sent'), []);
  assertFieldError(await api(srv, 'GET', '/api/v1/tasks?direction=all', { auth: U.pol }), 'direction');
  // On the case: the owner side sees all; a receiving member its own.
  const caseIds = async (who) => (await listAll(srv, tasksOf(c.id), { auth: who })).map((x) => x.id).sort();
  assert.deepEqual(await caseIds(U.pol), [a.id, b.id].sort());
  assert.deepEqual(await caseIds(U.mig), [a.id]);
  assertStatus(await api(srv, 'GET', tasksOf(c.id), { auth: U.tax }), 404);
  // The case answer carries the same tasks, read with the case.
  const inCase = async (who) => (await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: who })).json.tasks
    .map((x) => x.id).sort();
  assert.deepEqual(await inCase(U.pol), [a.id, b.id].sort());
  assert.deepEqual(await inCase(U.mig), [a.id]);
  assert.deepEqual(await inCase(U.sos), [b.id]);
  // Each as the case's task list answers it, in its order (newest first),
  // with what the caller may do with it (the list reads each task's
  // facts; the case answer takes them from the case's).
  for (const who of [U.pol, U.mig, U.sos]) {
    const doc = (await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: who })).json.tasks;
    assert.deepEqual(doc, await listAll(srv, tasksOf(c.id), { auth: who }), who.username);
  }
  assertStatus(await api(srv, 'GET', '/api/v1/tasks', { auth: U.auditor }), 403);
});

test('notifications: a new task to the receiving organization, an answer to the sender; marking read', async () => {
  const c = await createCase(srv, U.pol);
  const t = await sendOk(U.pol, c.id);
  const of = async (who, kind) => (await notifications(who)).filter((n) => n.task === t.id && n.kind === kind);
  for (const who of [U.mig, U.mig2]) {
    const n = await of(who, 'task_new');
    assert.equal(n.length, 1, `task_new to ${who.username}`);
    assert.equal(n[0].read, false);
    assert.equal(n[0].link, `#/tasks/${t.id}`);
    assert.deepEqual(Object.keys(n[0]).sort(), ['at', 'case_number', 'clock', 'clock_end', 'days_left', 'id',
      'kind', 'link', 'person', 'read', 'task']);
    for (const k of ['case_number', 'clock', 'clock_end', 'days_left', 'person'])
      assert.equal(n[0][k], null, `${k}: a clock_due's only`);
  }
  assert.deepEqual(await of(U.pol, 'task_new'), [], 'not to the sender');
  assert.deepEqual(await of(U.sos, 'task_new'), []);
  assert.deepEqual(await of(U.pol, 'task_answered'), []);
  assertStatus(await move(U.mig, t.id, 'accept'), 200);
  assert.equal((await of(U.pol, 'task_answered')).length, 1, 'accept → the sender');
  assert.equal((await of(U.pol2, 'task_answered')).length, 1);
  assert.deepEqual(await of(U.mig, 'task_answered'), []);
  assertStatus(await move(U.mig, t.id, 'complete', { outcome: 'Klart.' }), 200);
  assert.equal((await of(U.pol, 'task_answered')).length, 2, 'complete → the sender');
  // Marking read: one, then all; another user's is hidden.
  const before = (await api(srv, 'GET', '/api/v1/notifications/count', { auth: U.mig })).json.unread;
  assert.ok(before >= 1);
  const [mine] = await of(U.mig, 'task_new');
  assertStatus(await api(srv, 'POST', `/api/v1/notifications/${mine.id}/read`, { auth: U.mig2 }), 404);
  assertStatus(await api(srv, 'POST', `/api/v1/notifications/${randomId()}/read`, { auth: U.mig }), 404);
  const r = await api(srv, 'POST', `/api/v1/notifications/${mine.id}/read`, { auth: U.mig });
  assertStatus(r, 200);
  assert.equal(r.json.read, true);
  assert.equal((await api(srv, 'GET', '/api/v1/notifications/count', { auth: U.mig })).json.unread, before - 1);
  assert.equal((await of(U.mig2, 'task_new'))[0].read, false, 'each user reads its own');
  const all = await api(srv, 'POST', '/api/v1/notifications/read', { auth: U.mig2 });
  assertStatus(all, 200);
  assert.ok(all.json.marked >= 1);
  assert.equal((await api(srv, 'GET', '/api/v1/notifications/count', { auth: U.mig2 })).json.unread, 0);
  assert.deepEqual(await notifications(U.mig2, '?unread=true'), []);
});

test('team suggestions: each routing rule gives its organization and reason; members already there left out',
  async () => {
    const sugg = async (c) => {
      const r = await api(srv, 'GET', `/api/v1/cases/${c.id}/team/suggestions`, { auth: U.nmt });
      assertStatus(r, 200);
      return r.json.items;
    };
    const pairs = (items) => items.map((i) => `${i.organization ?? 'kind:' + i.kind}=${i.reason}`);
    // Nothing but a region: its coordinator.
    const bare = await createCase(srv, U.nmt, { county: '12', exploitation: ['other'] });
    assert.deepEqual(pairs(await sugg(bare)), ['RK-SYD=regional_coordinator']);
    const item = (await sugg(bare))[0];
    assert.equal(item.name, 'Regionkoordinator Syd');
    assert.deepEqual(item.reason_label, { sv: 'Regionkoordinatorn i ärendets region', en: "The region's coordinator" });
    // Sexual exploitation → SÖS, and a crime → the region's police.
    const sexual = await createCase(srv, U.nmt, { county: '12', exploitation: ['sexual'] });
    assert.deepEqual(pairs(await sugg(sexual)), ['RK-SYD=regional_coordinator', 'SOS-AVV=sexual_exploitation',
      'POLISEN-SYD=crime']);
    // Labour exploitation → the Work Environment Authority and the Tax Agency.
    const labour = await createCase(srv, U.nmt, { county: '01', exploitation: ['forced_labour'] });
    assert.deepEqual(pairs(await sugg(labour)), ['RK-STOCKHOLM=regional_coordinator',
      'ARBETSMILJOVERKET=labour_exploitation', 'SKATTEVERKET=labour_exploitation', 'POLISEN-STOCKHOLM=crime']);
    // A region without its own police organization falls back to NOA (Mitt: Uppsala län).
    const mitt = await createCase(srv, U.nmt, { county: '03', exploitation: ['begging'] });
    assert.deepEqual(pairs(await sugg(mitt)), ['RK-MITT=regional_coordinator', 'POLISEN-NOA=crime']);
    // A child → social services (the kind: cases carry no municipality); a citizen outside the EU/EEA
    // → the Migration Agency; an EU citizen does not need a permit.
    const people = await createCase(srv, U.nmt, { county: '12', exploitation: ['other'] });
    await createPerson(srv, U.nmt, people.id, { citizenship: 'RO', birth_year: 1990 });
    assert.deepEqual(pairs(await sugg(people)), ['RK-SYD=regional_coordinator']);
    await createPerson(srv, U.nmt, people.id, { citizenship: 'NG', age_estimate: 15 });
    const items = await sugg(people);
    assert.deepEqual(pairs(items), ['RK-SYD=regional_coordinator', 'kind:social_services=child',
      'MIGRATIONSVERKET=no_residence_permit']);
    assert.equal(items[1].organization, null);
    // Organizations on the team are left out; adding the suggested ones is the team endpoint.
    for (const s of items.filter((i) => i.organization)) {
      assertStatus(await api(srv, 'POST', `/api/v1/cases/${people.id}/team`, { auth: U.nmt,
        body: { organization: s.organization, access: 'pseudonymous' } }), 201);
    }
    assert.deepEqual(pairs(await sugg(people)), ['kind:social_services=child']);
    // Hidden case: 404; audited as team.suggestions.
    assertStatus(await api(srv, 'GET', `/api/v1/cases/${people.id}/team/suggestions`, { auth: U.tax }), 404);
    const audit = await listAll(srv, `/api/v1/audit?case=${people.id}`, { auth: U.auditor });
    assert.ok(audit.some((e) => e.action === 'team.suggestions' && e.actor === U.nmt.username));
  });

test('the mail notice: the command runs without a shell for each address, with no personal data', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-mail-'));
  const script = path.join(dir, 'fake-sendmail');
  fs.writeFileSync(script, `#!/bin/sh\nn=$(date +%s%N)\nprintf '%s\\n' "$@" > "${dir}/argv.$n"\n`
    + `cat > "${dir}/stdin.$n"\n`, { mode: 0o755 });
  const mail = await startServer({ env: { NMT_MAIL_COMMAND: `${script} -i`, NMT_SITE_URL: 'https://nmt.example.se/' } });
  try {
    const owner = await addUserWithToken(mail, { org: 'POLISEN-SYD', role: 'member' });
    const withMail = [];
    for (const [i, email] of ['a.mig@example.se', 'b.mig@example.se'].entries()) {
      const name = uname('mail');
      const r = await mail.ctl(['user', 'add', '--username', name, '--display-name', `Mig ${i}`,
        '--org', 'MIGRATIONSVERKET', '--role', 'member', '--email', email, '--json']);
      assert.equal(r.code, 0, r.stderr);
      withMail.push(email);
    }
    await addUser(mail, { org: 'MIGRATIONSVERKET', role: 'member' }); // no address: no mail
    const bad = await mail.ctl(['user', 'add', '--username', uname('bad'), '--display-name', 'Bad',
      '--org', 'MIGRATIONSVERKET', '--role', 'member', '--email', '-oQ/tmp/x@y']);
    assert.notEqual(bad.code, 0, 'an address that reads as an option is refused');
    const c = await createCase(mail, owner, { title: 'Ärende Hemligt', summary: 'Känslig sammanfattning' });
    const p = await createPerson(mail, owner, c.id, { pseudonym: 'Pseudonym-Lila', identity: IDENTITY });
    const r = await api(mail, 'POST', tasksOf(c.id), { auth: owner, body: { organization: 'MIGRATIONSVERKET',
      title: 'Uppdragstitel Hemlig', description: 'Beskrivning hemlig', person: p.id, access: 'full' } });
    assertStatus(r, 201);
    // The helper runs the command after the answer: wait for its two files, bounded.
    const deadline = Date.now() + 10000;
    let files = [];
    while (Date.now() < deadline) {
      files = fs.readdirSync(dir).filter((f) => f.startsWith('stdin.'));
      if (files.length === 2 && files.every((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes('NMT.\n')))
        break;
      await new Promise((res) => setImmediate(res));
    }
    assert.equal(files.length, 2, 'one run per address with one');
    const argvs = fs.readdirSync(dir).filter((f) => f.startsWith('argv.'))
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim().split('\n'));
    assert.deepEqual(argvs.map((a) => a.slice(0, 2)), [['-i', '--'], ['-i', '--']]);
    assert.deepEqual(argvs.map((a) => a[2]).sort(), withMail, 'the address as its own argument');
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.match(text, /Du har ett nytt uppdrag i NMT\./);
      assert.match(text, /You have a new task in NMT\./);
      assert.match(text, /https:\/\/nmt\.example\.se\//);
      for (const secret of ['Hemlig', 'hemlig', 'Lila', c.number, c.id, p.id, r.json.id, 'Känslig',
        ...Object.values(IDENTITY)]) {
        assert.ok(!text.includes(secret), `no ${secret} in the mail`);
      }
    }
  } finally {
    await mail.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
