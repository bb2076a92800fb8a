// API.md "Case work": what each caller may do now (`allowed`), closing with a
// reason, a closed case read-only until reopened with a reason, the identity on
// demand (its own audit entry) and break-the-glass with a category and a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertStatus, assertFieldError,
  createCase, createPerson, listAll,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.nmt = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  U.full = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  U.pseudo = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  U.outsider = await addUserWithToken(srv, { org: 'RK-NORD', role: 'coordinator', region: 'nord' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
});

after(async () => { await srv?.stop(); });

/** A case owned by POLISEN-SYD in Skåne with a full and a pseudonymous member. */
async function workedCase() {
  const c = await createCase(srv, U.owner, { county: '12' });
  for (const [organization, access] of [['SOS-AVV', 'full'], ['MIGRATIONSVERKET', 'pseudonymous']]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, {
      auth: U.owner, body: { organization, access },
    }), 201);
  }
  return c;
}

const getCase = async (auth, id) => {
  const r = await api(srv, 'GET', `/api/v1/cases/${id}`, { auth });
  assertStatus(r, 200);
  return r.json;
};
const patchCase = async (auth, id, body) => {
  const cur = await getCase(U.owner, id);
  return api(srv, 'PATCH', `/api/v1/cases/${id}`, { auth, ifMatch: `"${cur.version}"`, body });
};
const close = (auth, id, extra = {}) =>
  patchCase(auth, id, { status: 'closed', closing_reason: 'support_completed', ...extra });
const reopen = (auth, id) => patchCase(auth, id, { status: 'open', reopen_reason: 'Ny uppgift från polisen.' });
const sorted = (a) => [...a].sort();

const CASE_WRITER = ['add_member', 'add_person', 'close', 'edit', 'write_journal', 'write_journal_full'];

test('allowed on an open case, per role', async () => {
  const c = await workedCase();
  const expect = {
    owner: CASE_WRITER,
    rksyd: CASE_WRITER,
    nmt: CASE_WRITER,
    full: ['add_person', 'edit', 'write_journal', 'write_journal_full'],
    pseudo: ['write_journal'],
  };
  for (const [who, allowed] of Object.entries(expect)) {
    assert.deepEqual(sorted((await getCase(U[who], c.id)).allowed), allowed, who);
  }
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.outsider }), 404);
});

test('what allowed omits is refused, what it lists is done', async () => {
  const c = await workedCase();
  // The full member may edit and add persons but not close or change the team.
  assertStatus(await patchCase(U.full, c.id, { title: 'Ny titel' }), 200);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, {
    auth: U.full, body: { pseudonym: 'Full-1', gender: 'female' },
  }), 201);
  assertProblem(await close(U.full, c.id), 403);
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, {
    auth: U.full, body: { organization: 'SKATTEVERKET', access: 'full' },
  }), 403);
  // The pseudonymous member reads only.
  assertProblem(await patchCase(U.pseudo, c.id, { title: 'Nej' }), 403);
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, {
    auth: U.pseudo, body: { pseudonym: 'Nej', gender: 'female' },
  }), 403);
  assert.equal((await getCase(U.owner, c.id)).status, 'open');
});

test('team rows: remove_member everywhere the owner side may change the team, never on the owner row', async () => {
  const c = await workedCase();
  for (const who of ['owner', 'rksyd']) {
    const doc = await getCase(U[who], c.id);
    for (const row of doc.team) {
      const owner = row.organization === 'POLISEN-SYD' && row.username === null;
      assert.deepEqual(row.allowed, owner ? [] : ['remove_member'], `${who}: ${row.organization}`);
    }
    const list = await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: U[who] });
    assert.deepEqual(list.json.items.map((r) => r.allowed), doc.team.map((r) => r.allowed));
  }
  for (const who of ['full', 'pseudo']) {
    for (const row of (await getCase(U[who], c.id)).team) assert.deepEqual(row.allowed, [], who);
  }
  const ownerRow = (await getCase(U.owner, c.id)).team.find((r) => r.organization === 'POLISEN-SYD');
  assertProblem(await api(srv, 'DELETE', `/api/v1/cases/${c.id}/team/${ownerRow.id}`, { auth: U.owner }), 409);
  const added = await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, {
    auth: U.owner, body: { organization: 'SKATTEVERKET', access: 'full' },
  });
  assertStatus(added, 201);
  assert.deepEqual(added.json.allowed, ['remove_member']);
});

test('closing needs a reason from the vocabulary; other needs a note', async () => {
  const c = await workedCase();
  assertFieldError(await patchCase(U.owner, c.id, { status: 'closed' }), 'closing_reason');
  assertFieldError(await close(U.owner, c.id, { closing_reason: 'bored' }), 'closing_reason');
  assertFieldError(await close(U.owner, c.id, { closing_reason: 'other' }), 'closing_note');
  assertFieldError(await patchCase(U.owner, c.id, { closing_reason: 'other' }), 'closing_reason');
  assertFieldError(await patchCase(U.owner, c.id, { reopen_reason: 'x' }), 'reopen_reason');
  const still = await getCase(U.owner, c.id);
  assert.equal(still.status, 'open', 'a refused close changes nothing');
  assert.equal(still.closing_reason, null);

  const r = await close(U.owner, c.id, { closing_reason: 'other', closing_note: 'Flyttat utomlands.' });
  assertStatus(r, 200);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.closing_reason, 'other');
  assert.equal(r.json.closing_note, 'Flyttat utomlands.');
  assert.equal(typeof r.json.closed_at, 'string');
  assert.deepEqual(r.json.allowed, ['reopen']);

  const voc = await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.owner });
  assert.deepEqual(voc.json.closing_reasons.map((t) => t.code),
    ['support_completed', 'referred_on', 'no_indication', 'returned_home', 'contact_lost', 'other']);
  assert.ok(voc.json.closing_reasons.every((t) => t.label.sv && t.label.en));
  const audit = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  assert.ok(audit.some((e) => e.action === 'case.close' && e.actor === U.owner.username));
});

test('a closed case refuses every change but reopening (409), for case, persons and team', async () => {
  const c = await workedCase();
  const p = await createPerson(srv, U.owner, c.id);
  const member = (await getCase(U.owner, c.id)).team.find((r) => r.organization === 'SOS-AVV');
  assertStatus(await close(U.owner, c.id), 200);
  const before = await getCase(U.owner, c.id);

  for (const who of ['owner', 'rksyd', 'nmt', 'full', 'pseudo']) {
    const doc = await getCase(U[who], c.id);
    assert.deepEqual(doc.allowed, ['owner', 'rksyd', 'nmt'].includes(who) ? ['reopen'] : [], who);
    for (const row of doc.team) assert.deepEqual(row.allowed, [], `${who}: team row`);
  }
  assertProblem(await patchCase(U.owner, c.id, { title: 'Ändrad' }), 409);
  assertProblem(await patchCase(U.rksyd, c.id, { summary: 'Ändrad' }), 409);
  assertProblem(await close(U.owner, c.id), 409);
  const pr = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.owner });
  assert.ok(!pr.json.allowed.includes('edit'));
  assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    auth: U.owner, ifMatch: `"${pr.json.version}"`, body: { pseudonym: 'Ändrad' },
  }), 409);
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, {
    auth: U.owner, body: { pseudonym: 'Ny', gender: 'male' },
  }), 409);
  for (const who of ['owner', 'pseudo']) {
    assertProblem(await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`, {
      auth: U[who], body: { kind: 'note', text: 'Efter avslut' },
    }), 409);
  }
  assert.deepEqual(await listAll(srv, `/api/v1/cases/${c.id}/journal`, { auth: U.owner }), []);
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, {
    auth: U.owner, body: { organization: 'SKATTEVERKET', access: 'full' },
  }), 409);
  assertProblem(await api(srv, 'DELETE', `/api/v1/cases/${c.id}/team/${member.id}`, { auth: U.owner }), 409);
  // Who may not change it at all still hears 403, who may not see it 404.
  assertProblem(await patchCase(U.pseudo, c.id, { title: 'Nej' }), 403);
  assertProblem(await patchCase(U.outsider, c.id, { title: 'Nej' }), 404);

  const afterAll = await getCase(U.owner, c.id);
  assert.equal(afterAll.version, before.version, 'nothing changed');
  assert.equal(afterAll.team.length, before.team.length);
  assert.equal(afterAll.persons.length, 1);
  assert.equal((await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.owner })).json.pseudonym, p.pseudonym);
});

test('reopening needs a reason and the owner side or a coordinator', async () => {
  const c = await workedCase();
  assertStatus(await close(U.owner, c.id, { closing_reason: 'contact_lost' }), 200);
  assertFieldError(await patchCase(U.owner, c.id, { status: 'open' }), 'reopen_reason');
  assertFieldError(await patchCase(U.owner, c.id, { status: 'open', reopen_reason: '   ' }), 'reopen_reason');
  assertProblem(await reopen(U.full, c.id), 403);
  assertProblem(await reopen(U.pseudo, c.id), 403);
  assert.equal((await getCase(U.owner, c.id)).status, 'closed');

  const r = await reopen(U.rksyd, c.id);
  assertStatus(r, 200);
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.reopen_reason, 'Ny uppgift från polisen.');
  assert.equal(r.json.closing_reason, null);
  assert.deepEqual(sorted(r.json.allowed), CASE_WRITER);
  assertProblem(await reopen(U.owner, c.id), 409, 'an open case is not reopened');
  assertStatus(await patchCase(U.full, c.id, { title: 'Efter återöppning' }), 200);
  const audit = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  assert.ok(audit.some((e) => e.action === 'case.reopen' && e.actor === U.rksyd.username));

  // The secretariat and the owner may reopen too; the owner closes again.
  assertStatus(await close(U.owner, c.id), 200);
  assertStatus(await reopen(U.nmt, c.id), 200);
  assertStatus(await close(U.nmt, c.id), 200);
  assertStatus(await reopen(U.owner, c.id), 200);
});

const IDENT = { full_name: 'Mira Exempel', id_number: '19900101-1234', address: 'Gatan 1, Lund' };

test('the person answer has no identity; /identity gives it, audited, 404 to the rest', async () => {
  const c = await workedCase();
  const p = await createPerson(srv, U.owner, c.id, { identity: IDENT });
  assert.equal(p.identity, undefined, 'not even in the create answer');
  for (const who of ['owner', 'rksyd', 'nmt', 'full', 'pseudo']) {
    const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U[who] });
    assertStatus(r, 200);
    assert.equal(r.json.identity, undefined, who);
  }
  // Whoever reads the person assesses it, logs a first meeting and pathway events while the case is open.
  const expect = {
    owner: ['add_pathway_event', 'assess', 'edit', 'log_first_contact', 'reveal_identity'],
    rksyd: ['add_pathway_event', 'assess', 'edit', 'log_first_contact', 'reveal_identity'],
    full: ['add_pathway_event', 'assess', 'edit', 'log_first_contact', 'reveal_identity'],
    pseudo: ['add_pathway_event', 'assess', 'log_first_contact'],
  };
  for (const [who, allowed] of Object.entries(expect)) {
    const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U[who] });
    assert.deepEqual(sorted(r.json.allowed), allowed, who);
  }
  const r = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.full });
  assertStatus(r, 200);
  assert.deepEqual(r.json, { ...IDENT, access: 'full' });
  const audit = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const reads = audit.filter((e) => e.action === 'person.identity.read' && e.object === `person:${p.id}`);
  assert.equal(reads.length, 1);
  assert.equal(reads[0].actor, U.full.username);
  assert.equal(reads[0].flagged, false);

  const pseudo = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.pseudo });
  const outsider = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.outsider });
  const missing = await api(srv, 'GET', '/api/v1/persons/00000000-0000-4000-8000-000000000000/identity',
    { auth: U.owner });
  for (const x of [pseudo, outsider, missing]) assertProblem(x, 404);
  assert.deepEqual(pseudo.json, missing.json, 'refused exactly like missing');
  assert.deepEqual(outsider.json, missing.json);
});

test('protected identity: by right for the owner, through break-the-glass for the coordinator', async () => {
  const c = await workedCase();
  const p = await createPerson(srv, U.owner, c.id, { protected_identity: 'fictitious', identity: IDENT });
  const allowedOf = async (who) =>
    sorted((await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U[who] })).json.allowed);
  assert.deepEqual(await allowedOf('owner'), ['add_pathway_event', 'assess', 'edit', 'log_first_contact', 'reveal_identity']);
  assert.deepEqual(await allowedOf('nmt'), ['add_pathway_event', 'assess', 'break_glass', 'edit', 'log_first_contact', 'reveal_identity'],
    'the glass opens the address');
  assert.deepEqual(await allowedOf('rksyd'), ['add_pathway_event', 'assess', 'break_glass', 'edit', 'log_first_contact']);
  assert.deepEqual(await allowedOf('full'), ['add_pathway_event', 'assess', 'break_glass', 'edit', 'log_first_contact']);
  assert.deepEqual(await allowedOf('pseudo'), ['add_pathway_event', 'assess', 'log_first_contact']);
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.rksyd }), 404);
  const nmt = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.nmt });
  assert.equal(nmt.json.access, 'without_address');
  assert.equal(nmt.json.address, undefined);

  const glass = (body) => api(srv, 'POST', `/api/v1/persons/${p.id}/break-glass`, { auth: U.rksyd, body });
  const reason = 'Placering i skyddat boende i natt.';
  assertFieldError(await glass({ reason }), 'category');
  assertFieldError(await glass({ category: 'curiosity', reason }), 'category');
  assertFieldError(await glass({ category: 'other' }), 'reason');
  assertFieldError(await glass({ category: 'other', reason: 'För kort skäl.' }), 'reason');
  // 19 characters, padded with spaces: trimmed, it is too short.
  assertFieldError(await glass({ category: 'other', reason: `   ${'å'.repeat(19)}   ` }), 'reason');
  assert.deepEqual(await allowedOf('rksyd'), ['add_pathway_event', 'assess', 'break_glass', 'edit', 'log_first_contact'],
    'refused requests grant nothing');
  // 20 characters of two bytes each: counted as characters.
  assertStatus(await glass({ category: 'urgent_decision', reason: 'ö'.repeat(20) }), 201);
  assert.deepEqual(await allowedOf('rksyd'), ['add_pathway_event', 'assess', 'edit', 'log_first_contact', 'reveal_identity']);

  const r = await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.rksyd });
  assertStatus(r, 200);
  assert.equal(r.json.address, IDENT.address);
  assert.equal(typeof r.json.break_glass_until, 'string');
  const audit = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const read = audit.find((e) => e.action === 'person.identity.read' && e.actor === U.rksyd.username);
  assert.ok(read && read.flagged, 'a reveal through the grant is flagged');
  const grants = await api(srv, 'GET', `/api/v1/break-glass?case=${c.id}`, { auth: U.auditor });
  assert.equal(grants.json.items[0].category, 'urgent_decision');
  const voc = await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.owner });
  assert.deepEqual(voc.json.break_glass_categories.map((t) => t.code),
    ['danger_to_life_or_health', 'protection_measure', 'urgent_decision', 'other']);
});

test('a closed case still reveals identities and breaks the glass, nothing else', async () => {
  const c = await workedCase();
  const p = await createPerson(srv, U.owner, c.id, { protected_identity: 'marked', identity: IDENT });
  assertStatus(await close(U.owner, c.id), 200);
  const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.rksyd });
  assert.deepEqual(r.json.allowed, ['break_glass']);
  const o = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.owner });
  assert.deepEqual(o.json.allowed, ['reveal_identity']);
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}/identity`, { auth: U.owner }), 200);
});
