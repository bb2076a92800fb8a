// API.md "Consultations (intake)", GET /api/v1/guidance: the first-contact guidance as data in
// Swedish and English (seeded by nmtctl init, read by every logged-in user, edited by admins item
// by item with If-Match, each replaced version kept and audited), and the first meetings logged
// per person with the checklist whose labels the guidance gives (who may read the person logs
// one while the case is open; hidden 404, closed 409, validation 400).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  createCase, createPerson, listAll, randomId, swedishDate, RFC3339_UTC,
} from './harness.mjs';

let srv;
const U = {};
const CHECKS = ['introduced_self_and_mission', 'explained_can_and_cannot', 'interpreter_outside_network',
  'safety_discussed', 'own_questions_answered'];

before(async () => {
  srv = await startServer();
  U.admin = await addUserWithToken(srv, { org: 'NMT', role: 'admin' });
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // not on the team
  U.rkvast = await addUserWithToken(srv, { org: 'RK-VAST', role: 'coordinator', region: 'vast' });
  U.requester = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'requester' });
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
});
after(async () => { if (srv) await srv.close(); });

const guidance = (who, query = '?topic=first-contact&lang=sv') => api(srv, 'GET', `/api/v1/guidance${query}`,
  { auth: who });
const item = (id) => `/api/v1/guidance/items/${id}`;
const firstContact = (id) => `/api/v1/persons/${id}/first-contact`;
const allTicked = (v = true) => Object.fromEntries(CHECKS.map((c) => [c, v]));

async function auditEntries(action) {
  return listAll(srv, `/api/v1/audit?action=${action}`, { auth: U.auditor });
}

// ---------------------------------------------------------------------------
// Reading the guidance

test('the first-contact guidance is served in Swedish and in English, item for item', async () => {
  const sv = await guidance(U.pol, '?topic=first-contact&lang=sv');
  const en = await guidance(U.pol, '?topic=first-contact&lang=en');
  assertStatus(sv, 200);
  assertStatus(en, 200);
  assert.equal(sv.json.topic, 'first-contact');
  assert.equal(sv.json.lang, 'sv');
  assert.equal(en.json.lang, 'en');
  const codes = sv.json.items.map((i) => i.code);
  for (const code of ['mission', 'can_and_cannot', 'real_story', 'interpreter', 'respect_safety', 'trauma',
    'own_questions', 'children'])
    assert.ok(codes.includes(code), `the guidance has the point ${code}`);
  assert.deepEqual(en.json.items.map((i) => i.code), codes, 'the same items in the same order in both languages');
  assert.deepEqual(sv.json.items.map((i) => i.position), codes.map((_, i) => i + 1), 'positions 1, 2, ...');
  const bySv = Object.fromEntries(sv.json.items.map((i) => [i.code, i]));
  const byEn = Object.fromEntries(en.json.items.map((i) => [i.code, i]));
  // From the seed slide: "Tydlig sammanhangsmarkering; vem är du och vilket är ditt uppdrag?"
  assert.match(bySv.mission.text, /sammanhangsmarkering/);
  assert.match(bySv.real_story.text, /verkliga historia och inte en inlärd/);
  assert.match(bySv.respect_safety.text, /respekt/);
  assert.match(bySv.interpreter.text, /nätverk/);
  assert.match(bySv.children.text, /skyddsbedömning/);
  assert.match(byEn.real_story.heading, /real story/i);
  assert.match(byEn.children.text, /protection assessment/);
  for (const code of codes) {
    assert.notEqual(bySv[code].text, byEn[code].text, `${code}: a text in each language`);
    assert.equal(bySv[code].id, byEn[code].id, `${code}: one item, two languages`);
  }
  // The checklist: the five stable codes, labelled in the language asked, each on its item.
  assert.deepEqual(sv.json.checklist.map((c) => c.code), CHECKS);
  assert.deepEqual(en.json.checklist.map((c) => c.code), CHECKS);
  assert.equal(sv.json.checklist[2].item, bySv.interpreter.id);
  assert.equal(bySv.interpreter.check, 'interpreter_outside_network');
  assert.equal(bySv.trauma.check, null);
  assert.match(sv.json.checklist[2].label, /Tolken/);
  assert.match(en.json.checklist[2].label, /interpreter/);
  assert.notEqual(sv.json.checklist[0].label, en.json.checklist[0].label);
});

test('every logged-in role reads the guidance, requesters included; Swedish and first-contact by default', async () => {
  const expected = (await guidance(U.pol)).json;
  for (const who of ['admin', 'nmt', 'pol', 'rkvast', 'requester', 'analyst', 'auditor']) {
    const r = await guidance(U[who]);
    assertStatus(r, 200, who);
    assert.deepEqual(r.json, expected, `${who} reads the same guidance`);
  }
  const plain = await guidance(U.requester, '');
  assertStatus(plain, 200);
  assert.deepEqual(plain.json, expected, 'no parameters: first-contact in Swedish');
  assertProblem(await api(srv, 'GET', '/api/v1/guidance'), 401);
});

test('an unknown language or topic is a 400 naming the parameter', async () => {
  assertFieldError(await guidance(U.pol, '?topic=first-contact&lang=de'), 'lang');
  assertFieldError(await guidance(U.pol, '?topic=intake&lang=sv'), 'topic');
});

// ---------------------------------------------------------------------------
// Editing it

async function itemByCode(code) {
  const g = await guidance(U.admin);
  const it = g.json.items.find((i) => i.code === code);
  assert.ok(it, `item ${code}`);
  const r = await api(srv, 'GET', item(it.id), { auth: U.admin });
  assertStatus(r, 200);
  assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
  return r.json;
}

test('an admin edits an item with If-Match; the old version is kept and the edit audited', async () => {
  const before = await itemByCode('trauma');
  const svBefore = before.sv.text;
  const enBefore = before.en.text;
  const patch = (ifMatch, body) => api(srv, 'PATCH', item(before.id), { auth: U.admin, ifMatch, body });
  const text = 'Trauma påverkar minnet.\nTa pauser och pressa inte på detaljer.';

  assertProblem(await api(srv, 'PATCH', item(before.id), { auth: U.admin, body: { sv: { text } } }), 428);
  assertProblem(await patch(`"${before.version + 1}"`, { sv: { text } }), 412);
  assert.equal((await itemByCode('trauma')).sv.text, svBefore, 'a stale edit changes nothing');

  const r = await patch(`"${before.version}"`, { sv: { text } });
  assertStatus(r, 200);
  assert.equal(r.json.version, before.version + 1);
  assert.equal(r.headers.get('etag'), `"${before.version + 1}"`);
  assert.equal(r.json.sv.text, text);
  assert.equal(r.json.sv.heading, before.sv.heading, 'what is not sent stays');
  assert.equal(r.json.en.text, enBefore, 'the other language stays');
  assert.equal(r.json.updated_by, U.admin.username);
  assert.match(r.json.updated_at, RFC3339_UTC);

  const sv = (await guidance(U.requester)).json.items.find((i) => i.code === 'trauma');
  assert.equal(sv.text, text, 'everyone reads the edited text');
  assert.equal(sv.version, before.version + 1);
  const en = (await guidance(U.requester, '?lang=en')).json.items.find((i) => i.code === 'trauma');
  assert.equal(en.text, enBefore);

  // The replaced version is kept.
  const h = await api(srv, 'GET', `${item(before.id)}/history`, { auth: U.nmt });
  assertStatus(h, 200);
  assert.equal(h.json.items.length, 1);
  assert.equal(h.json.items[0].version, before.version);
  assert.equal(h.json.items[0].sv.text, svBefore);
  assert.equal(h.json.items[0].updated_by, null, 'the seeded text has no author');
  assert.equal(h.json.items[0].replaced_by, U.admin.username);

  // A second edit in English, at the new version.
  const r2 = await patch(`"${before.version + 1}"`, { en: { heading: 'Trauma and memory' } });
  assertStatus(r2, 200);
  const h2 = await api(srv, 'GET', `${item(before.id)}/history`, { auth: U.admin });
  assert.deepEqual(h2.json.items.map((x) => x.version), [before.version + 1, before.version], 'newest first');
  assert.equal(h2.json.items[0].sv.text, text);
  assert.equal(h2.json.items[0].updated_by, U.admin.username);

  const audit = (await auditEntries('guidance.update')).filter((e) => e.object === `guidance:${before.id}`);
  assert.equal(audit.length, 2, 'one audit entry per edit, none for the refused ones');
  assert.ok(audit.every((e) => e.actor === U.admin.username && e.case === null));
});

test('only admins edit: every other role gets 403 and nothing changes', async () => {
  const it = await itemByCode('not_a_victim');
  for (const who of ['nmt', 'pol', 'rkvast', 'requester', 'analyst', 'auditor']) {
    const r = await api(srv, 'PATCH', item(it.id),
      { auth: U[who], ifMatch: `"${it.version}"`, body: { sv: { heading: 'Ändrad' } } });
    assertProblem(r, 403, who);
  }
  assert.deepEqual(await itemByCode('not_a_victim'), it);
});

test('a bad edit is a 400 naming the field and changes nothing', async () => {
  const trauma = await itemByCode('real_story'); // no checklist point
  const mission = await itemByCode('mission'); // a checklist point
  const patch = (it, body) => api(srv, 'PATCH', item(it.id), { auth: U.admin, ifMatch: `"${it.version}"`, body });
  assertFieldError(await patch(trauma, { sv: { check_label: 'Kryssa' } }), 'sv.check_label');
  assertFieldError(await patch(trauma, { sv: { heading: '' } }), 'sv.heading');
  assertFieldError(await patch(trauma, { en: { text: '   ' } }), 'en.text');
  assertFieldError(await patch(trauma, { sv: { heading: 'a'.repeat(201) } }), 'sv.heading');
  assertFieldError(await patch(trauma, { sv: { heading: 'Dold\u202etext' } }), 'sv.heading');
  assertFieldError(await patch(trauma, { de: { heading: 'Neu' } }), '');
  assertFieldError(await patch(trauma, { sv: { title: 'x' } }), 'sv');
  assertProblem(await patch(trauma, {}), 400);
  assertProblem(await patch(trauma, { sv: {} }), 400);
  assert.deepEqual(await itemByCode('real_story'), trauma);
  // A checklist point's label can be edited, and the checklist serves it.
  const r = await patch(mission, { sv: { check_label: 'Jag har sagt vem jag är och vad jag gör här' } });
  assertStatus(r, 200);
  const g = await guidance(U.pol);
  assert.equal(g.json.checklist[0].label, 'Jag har sagt vem jag är och vad jag gör här');
  // An unknown item: 404 for reading, its history and editing.
  const id = randomId();
  assertProblem(await api(srv, 'GET', item(id), { auth: U.admin }), 404);
  assertProblem(await api(srv, 'GET', `${item(id)}/history`, { auth: U.admin }), 404);
  assertProblem(await api(srv, 'PATCH', item(id), { auth: U.admin, ifMatch: '"1"', body: { sv: { text: 'x' } } }),
    404);
});

test('nmtctl init again keeps an admin\'s edit', async () => {
  const it = await itemByCode('unplanned_meeting');
  const r = await api(srv, 'PATCH', item(it.id),
    { auth: U.admin, ifMatch: `"${it.version}"`, body: { sv: { text: 'Egen text för regionen.' } } });
  assertStatus(r, 200);
  const count = (await guidance(U.pol)).json.items.length;
  const init = await srv.ctl(['init']);
  assert.equal(init.code, 0, init.stderr);
  const again = await itemByCode('unplanned_meeting');
  assert.equal(again.sv.text, 'Egen text för regionen.');
  assert.equal(again.version, it.version + 1);
  assert.equal((await guidance(U.pol)).json.items.length, count, 'no item added twice');
});

// ---------------------------------------------------------------------------
// First meetings

async function teamCase() {
  const c = await createCase(srv, U.pol, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  const p = await createPerson(srv, U.pol, c.id);
  return { c, p };
}

const log = (who, id, body) => api(srv, 'POST', firstContact(id), { auth: who, body });

test('a first meeting is logged with its checklist and listed newest first', async () => {
  const { c, p } = await teamCase();
  const today = swedishDate(srv.now());
  const checklist = { ...allTicked(true), interpreter_outside_network: false };
  const r = await log(U.pol, p.id, { date: today, checklist, note: 'Träffades på mottagningen.\nTolk via telefon.' });
  assertStatus(r, 201);
  assert.match(r.json.id, /^[0-9a-f-]{36}$/);
  assert.equal(r.json.person, p.id);
  assert.equal(r.json.case, c.id);
  assert.equal(r.json.date, today);
  assert.deepEqual(r.json.checklist, checklist);
  assert.equal(r.json.note, 'Träffades på mottagningen.\nTolk via telefon.');
  assert.deepEqual(r.json.author, { username: U.pol.username, organization: 'POLISEN-SYD' });
  assert.match(r.json.at, RFC3339_UTC);

  // A pseudonymous team member reads the person, so it logs too (no note: null).
  srv.advanceClock(60);
  const r2 = await log(U.mig, p.id, { date: today, checklist: allTicked(false) });
  assertStatus(r2, 201);
  assert.equal(r2.json.note, null);

  const list = await listAll(srv, firstContact(p.id), { auth: U.mig });
  assert.deepEqual(list.map((x) => x.id), [r2.json.id, r.json.id], 'newest first');
  assert.deepEqual(list[1], r.json, 'the list serves the record as it was answered');
  const nmtList = await listAll(srv, firstContact(p.id), { auth: U.nmt });
  assert.equal(nmtList.length, 2, 'the secretariat sees every person');

  const created = (await auditEntries('first_contact.create')).filter((e) => e.case === c.id);
  assert.deepEqual(created.map((e) => e.object).sort(),
    [`first_contact:${r.json.id}`, `first_contact:${r2.json.id}`].sort());
  const read = (await auditEntries('first_contact.read')).filter((e) => e.case === c.id);
  assert.ok(read.some((e) => e.actor === U.mig.username), 'a read of the meetings is audited');
});

test('the person offers log_first_contact while the case is open; a closed case refuses with 409', async () => {
  const { c, p } = await teamCase();
  const person = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.mig });
  assert.ok(person.json.allowed.includes('log_first_contact'), 'a pseudonymous member may log');
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: `"${c.version}"`, body: { status: 'closed', closing_reason: 'contact_lost' } }), 200);
  const closed = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol });
  assert.ok(!closed.json.allowed.includes('log_first_contact'), 'a closed case offers no logging');
  assertProblem(await log(U.pol, p.id, { date: swedishDate(srv.now()), checklist: allTicked() }), 409);
  assertProblem(await log(U.nmt, p.id, { date: swedishDate(srv.now()), checklist: allTicked() }), 409);
  assert.deepEqual(await listAll(srv, firstContact(p.id), { auth: U.pol }), [], 'nothing written');
});

test('a person the caller may not see is 404 like a missing one; other roles 403', async () => {
  const { p } = await teamCase();
  const body = { date: swedishDate(srv.now()), checklist: allTicked() };
  for (const who of ['tax', 'rkvast']) {
    assertProblem(await log(U[who], p.id, body), 404, who);
    assertProblem(await api(srv, 'GET', firstContact(p.id), { auth: U[who] }), 404, who);
  }
  assertProblem(await log(U.pol, randomId(), body), 404);
  assertProblem(await api(srv, 'GET', firstContact(randomId()), { auth: U.pol }), 404);
  for (const who of ['admin', 'requester', 'analyst', 'auditor']) {
    assertProblem(await log(U[who], p.id, body), 403, who);
    assertProblem(await api(srv, 'GET', firstContact(p.id), { auth: U[who] }), 403, who);
  }
  assert.deepEqual(await listAll(srv, firstContact(p.id), { auth: U.pol }), [], 'nothing written');
  const denied = (await auditEntries('person.write_denied')).filter((e) => e.object === `person:${p.id}`);
  assert.ok(denied.length >= 1 && denied.every((e) => e.flagged), 'a hidden write is audited, flagged');
});

test('bad input is a 400 naming the field and writes nothing', async () => {
  const { p } = await teamCase();
  const today = swedishDate(srv.now());
  const tomorrow = swedishDate(srv.now() + 86400);
  const { safety_discussed: _s, ...missingOne } = allTicked();
  const cases = [
    [{ checklist: allTicked() }, 'date'],
    [{ date: tomorrow, checklist: allTicked() }, 'date'],
    [{ date: '2026-02-30', checklist: allTicked() }, 'date'],
    [{ date: '29/11/2026', checklist: allTicked() }, 'date'],
    [{ date: today }, 'checklist'],
    [{ date: today, checklist: missingOne }, 'checklist.safety_discussed'],
    [{ date: today, checklist: { ...allTicked(), safety_discussed: 'yes' } }, 'checklist.safety_discussed'],
    [{ date: today, checklist: { ...allTicked(), hugged: true } }, 'checklist'],
    [{ date: today, checklist: allTicked(), note: '' }, 'note'],
    [{ date: today, checklist: allTicked(), note: 'x'.repeat(4001) }, 'note'],
    [{ date: today, checklist: allTicked(), note: 'Dold\u200btext' }, 'note'],
    [{ date: today, checklist: allTicked(), place: 'Malmö' }, ''],
  ];
  for (const [body, field] of cases)
    assertFieldError(await log(U.pol, p.id, body), field, JSON.stringify(body).slice(0, 80));
  assertProblem(await api(srv, 'POST', firstContact(p.id), { auth: U.pol, rawBody: 'not json' }), 400);
  assert.deepEqual(await listAll(srv, firstContact(p.id), { auth: U.pol }), [], 'nothing written');
  // Yesterday is fine.
  assertStatus(await log(U.pol, p.id, { date: swedishDate(srv.now() - 86400), checklist: allTicked() }), 201);
});
