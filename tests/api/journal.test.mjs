// API.md "Case work": the case journal (append-only, with corrections and
// visibility for full access only) and the change history of cases and
// persons (identity fields named, never their values); the old case notes
// become the journal's first entry on upgrade.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rollBackTo } from './rollback.mjs';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  createCase, createPerson, listAll, randomId, ctlFor, RFC3339_UTC,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous
  U.soc = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' }); // full team access
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // not on the team
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
});
after(async () => { if (srv) await srv.close(); });

const journal = (id) => `/api/v1/cases/${id}/journal`;
const write = (who, id, body) => api(srv, 'POST', journal(id), { auth: who, body });

async function teamCase() {
  const c = await createCase(srv, U.pol, { county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'SOS-AVV', access: 'full' } }), 201);
  return c;
}

async function entries(who, id) {
  return listAll(srv, journal(id), { auth: who });
}

test('an entry is written with its kind, text, visibility, author and time; the list is oldest first', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  const r = await write(U.pol, c.id, { kind: 'call', text: 'Ringde kontaktpersonen.\nInget svar.' });
  assertStatus(r, 201);
  const e = r.json;
  assert.match(e.id, /^[0-9a-f-]{36}$/);
  assert.equal(e.kind, 'call');
  assert.equal(e.text, 'Ringde kontaktpersonen.\nInget svar.');
  assert.equal(e.visibility, 'team', 'team is the default');
  assert.equal(e.corrects, null);
  assert.deepEqual(e.author, { username: U.pol.username, organization: 'POLISEN-SYD' });
  assert.match(e.at, RFC3339_UTC);
  const kinds = ['note', 'meeting', 'decision'];
  for (const kind of kinds) assertStatus(await write(U.pol, c.id, { kind, text: `Post ${kind}` }), 201);
  const list = await entries(U.pol, c.id);
  assert.deepEqual(list.map((x) => x.kind), ['call', ...kinds], 'oldest first, in writing order');
  assert.deepEqual(list[0], e, 'the list serves the entry as it was answered');
  // Paged: two at a time give the same order.
  const p1 = await api(srv, 'GET', `${journal(c.id)}?limit=2`, { auth: U.pol });
  assertStatus(p1, 200);
  assert.deepEqual(p1.json.items.map((x) => x.kind), ['call', 'note']);
  assert.equal(typeof p1.json.next_cursor, 'string');
  const p2 = await api(srv, 'GET', `${journal(c.id)}?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { auth: U.pol });
  assertStatus(p2, 200);
  assert.deepEqual(p2.json.items.map((x) => x.kind), ['meeting', 'decision']);
  assert.equal(p2.json.next_cursor, null);
  // A cursor of another list is refused.
  await createCase(srv, U.pol, { county: '12' });
  const cases = await api(srv, 'GET', '/api/v1/cases?limit=1', { auth: U.pol });
  assert.equal(typeof cases.json.next_cursor, 'string');
  assertFieldError(await api(srv, 'GET', `${journal(c.id)}?cursor=${encodeURIComponent(cases.json.next_cursor)}`,
    { auth: U.pol }), 'cursor');
});

test('bad input is a 400 naming the field and writes nothing', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  const bad = [
    [{ text: 'x' }, 'kind'],
    [{ kind: 'letter', text: 'x' }, 'kind'],
    [{ kind: 'note' }, 'text'],
    [{ kind: 'note', text: '' }, 'text'],
    [{ kind: 'note', text: '   \n ' }, 'text'],
    [{ kind: 'note', text: 'x'.repeat(20001) }, 'text'],
    [{ kind: 'note', text: 'x', visibility: 'secret' }, 'visibility'],
    [{ kind: 'note', text: 'x', corrects: 'not-an-id' }, 'corrects'],
    [{ kind: 'note', text: 'x', author: 'someone' }, ''], // an unknown field, by its parent's path
  ];
  for (const [body, field] of bad) assertFieldError(await write(U.pol, c.id, body), field, JSON.stringify(body).slice(0, 80));
  assertStatus(await write(U.pol, c.id, { kind: 'note', text: 'x'.repeat(20000) }), 201, 'the longest text');
  assert.equal((await entries(U.pol, c.id)).length, 1);
});

test('who writes and reads: anyone who sees the case; full entries only with full access', async () => {
  const c = await teamCase();
  const team = await write(U.mig, c.id, { kind: 'meeting', text: 'Möte med tolk bokat.' });
  assertStatus(team, 201, 'a pseudonymous member writes team entries');
  assert.deepEqual(team.json.author, { username: U.mig.username, organization: 'MIGRATIONSVERKET' });
  const full = await write(U.soc, c.id, { kind: 'decision', text: 'Skyddat boende beviljat.', visibility: 'full' });
  assertStatus(full, 201, 'a full team member writes full entries');
  assertStatus(await write(U.rksyd, c.id, { kind: 'note', text: 'Samordnaren noterar.', visibility: 'full' }), 201);
  // A pseudonymous member may not write a full entry.
  assertProblem(await write(U.mig, c.id, { kind: 'note', text: 'Hemligt', visibility: 'full' }), 403);
  // Nobody outside the case sees it: 404 exactly like a missing case.
  assertProblem(await write(U.tax, c.id, { kind: 'note', text: 'x' }), 404);
  assertProblem(await api(srv, 'GET', journal(c.id), { auth: U.tax }), 404);
  assertProblem(await api(srv, 'GET', journal(randomId()), { auth: U.pol }), 404);
  assertProblem(await api(srv, 'GET', journal(c.id), { auth: U.auditor }), 403);

  const all = await entries(U.pol, c.id);
  assert.deepEqual(all.map((e) => e.visibility), ['team', 'full', 'full']);
  const seen = await entries(U.mig, c.id);
  assert.deepEqual(seen.map((e) => e.id), [team.json.id], 'the pseudonymous member sees only team entries');
  const one = await api(srv, 'GET', `${journal(c.id)}?limit=1`, { auth: U.mig });
  assert.equal(one.json.next_cursor, null, 'hidden entries are not even counted');
});

test('a correction is a new entry naming the one it corrects; the corrected entry stays as it was', async () => {
  const c = await teamCase();
  const orig = (await write(U.pol, c.id, { kind: 'call', text: 'Samtal 14:00' })).json;
  const fix = await write(U.soc, c.id, { kind: 'call', text: 'Samtal 15:00 (rättad tid)', corrects: orig.id });
  assertStatus(fix, 201);
  assert.equal(fix.json.corrects, orig.id);
  const list = await entries(U.pol, c.id);
  assert.deepEqual(list.map((e) => [e.id, e.corrects, e.text]),
    [[orig.id, null, 'Samtal 14:00'], [fix.json.id, orig.id, 'Samtal 15:00 (rättad tid)']]);

  // An entry the pseudonymous member cannot see cannot be corrected by it: 404, as for none at all.
  const secret = (await write(U.pol, c.id, { kind: 'note', text: 'Endast full', visibility: 'full' })).json;
  assertProblem(await write(U.mig, c.id, { kind: 'note', text: 'Rättelse', corrects: secret.id }), 404);
  assertProblem(await write(U.mig, c.id, { kind: 'note', text: 'Rättelse', corrects: randomId() }), 404);
  assertStatus(await write(U.mig, c.id, { kind: 'note', text: 'Rättelse', corrects: orig.id }), 201,
    'a team entry it sees');
  // An entry of another case is not one of this case's.
  const other = await createCase(srv, U.pol, { county: '12' });
  const elsewhere = (await write(U.pol, other.id, { kind: 'note', text: 'Annat ärende' })).json;
  assertProblem(await write(U.pol, c.id, { kind: 'note', text: 'x', corrects: elsewhere.id }), 404);
  assert.equal((await entries(U.pol, c.id)).length, 4, 'refused corrections wrote nothing');
});

test('a correction keeps the visibility of the entry it corrects and is never wider', async () => {
  const c = await teamCase();
  const secret = (await write(U.pol, c.id, { kind: 'decision', text: 'Skyddat boende', visibility: 'full' })).json;
  const open = (await write(U.pol, c.id, { kind: 'call', text: 'Samtal 14:00' })).json;
  // Without visibility a correction of a full entry is full, and the pseudonymous member does not see it.
  const fix = await write(U.soc, c.id, { kind: 'decision', text: 'Skyddat boende i Malmö', corrects: secret.id });
  assertStatus(fix, 201);
  assert.equal(fix.json.visibility, 'full');
  const nullFix = await write(U.soc, c.id,
    { kind: 'decision', text: 'Skyddat boende i Lund', visibility: null, corrects: secret.id });
  assertStatus(nullFix, 201);
  assert.equal(nullFix.json.visibility, 'full', 'a null visibility is an omitted one');
  assert.deepEqual((await entries(U.mig, c.id)).map((e) => e.id), [open.id]);
  // A team correction of a full entry is refused: 400 naming visibility, code conflict, nothing written.
  const wide = await write(U.soc, c.id,
    { kind: 'decision', text: 'Skyddat boende', visibility: 'team', corrects: secret.id });
  const j = assertFieldError(wide, 'visibility');
  assert.deepEqual(j.errors.map((e) => [e.field, e.code]), [['visibility', 'conflict']]);
  assert.ok(!wide.text.includes('Skyddat'), 'the refusal does not echo the text');
  // A correction of a team entry is team without visibility, and may be narrower.
  const teamFix = await write(U.mig, c.id, { kind: 'call', text: 'Samtal 15:00', corrects: open.id });
  assertStatus(teamFix, 201);
  assert.equal(teamFix.json.visibility, 'team');
  const narrow = await write(U.soc, c.id, { kind: 'call', text: 'Samtal 15:30', visibility: 'full', corrects: open.id });
  assertStatus(narrow, 201);
  assert.equal(narrow.json.visibility, 'full');
  const all = await entries(U.pol, c.id);
  assert.deepEqual(all.map((e) => [e.id, e.visibility]), [[secret.id, 'full'], [open.id, 'team'],
    [fix.json.id, 'full'], [nullFix.json.id, 'full'], [teamFix.json.id, 'team'], [narrow.json.id, 'full']],
  'the refused correction wrote nothing');
});

test('a correction of an entry the caller may not see is audited as case.write_denied; a missing one is not', async () => {
  const c = await teamCase();
  const secret = (await write(U.pol, c.id, { kind: 'note', text: 'Endast full', visibility: 'full' })).json;
  const log = () => listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const last = Math.max(...(await log()).map((e) => e.seq));
  const hidden = await write(U.mig, c.id, { kind: 'note', text: 'Rättelse', corrects: secret.id });
  const missing = await write(U.mig, c.id, { kind: 'note', text: 'Rättelse', corrects: randomId() });
  assertProblem(hidden, 404);
  assertProblem(missing, 404);
  assert.equal(hidden.text, missing.text, 'a hidden entry answers exactly like a missing one');
  const added = (await log()).filter((e) => e.seq > last && e.action !== 'audit.read');
  assert.equal(added.length, 1, JSON.stringify(added.map((e) => [e.action, e.object])));
  const e = added[0];
  assert.equal(e.action, 'case.write_denied');
  assert.equal(e.object, `journal:${secret.id}`);
  assert.equal(e.case, c.id);
  assert.equal(e.actor, U.mig.username);
  assert.equal(e.organization, 'MIGRATIONSVERKET');
  assert.equal(e.flagged, true);
  assert.ok(!JSON.stringify(added).includes('Rättelse'), 'no entry text in the audit log');
  assert.deepEqual((await entries(U.pol, c.id)).map((x) => x.id), [secret.id], 'nothing written');
});

test('the database refuses to change or remove an entry', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  const e = (await write(U.pol, c.id, { kind: 'note', text: 'Oföränderlig' })).json;
  await assert.rejects(srv.db.exec(`UPDATE case_journal SET text = 'ändrad' WHERE id = '${e.id}';`), /append-only/);
  await assert.rejects(srv.db.exec(`DELETE FROM case_journal WHERE id = '${e.id}';`), /append-only/);
  const p = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: U.pol, ifMatch: '"1"', body: { title: 'Ny' } });
  assertStatus(p, 200);
  await assert.rejects(srv.db.exec(`UPDATE change_history SET changes = '[]' WHERE object_id = '${c.id}';`),
    /append-only/);
  await assert.rejects(srv.db.exec(`DELETE FROM change_history WHERE object_id = '${c.id}';`), /append-only/);
  assert.equal((await entries(U.pol, c.id))[0].text, 'Oföränderlig');
});

test('writing and reading the journal are audited', async () => {
  const c = await teamCase();
  const e = (await write(U.mig, c.id, { kind: 'note', text: 'Granskad post' })).json;
  await entries(U.mig, c.id);
  const log = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const created = log.filter((x) => x.action === 'journal.create');
  assert.equal(created.length, 1);
  assert.equal(created[0].object, `journal:${e.id}`);
  assert.equal(created[0].actor, U.mig.username);
  const read = log.filter((x) => x.action === 'journal.read');
  assert.equal(read.length, 1);
  assert.equal(read[0].actor, U.mig.username);
  assert.ok(!JSON.stringify(log).includes('Granskad post'), 'no entry text in the audit log');
});

test('notes are no case field any more', async () => {
  const c = await createCase(srv, U.pol, { county: '12' });
  assert.equal('notes' in c, false);
  const r = assertFieldError(await api(srv, 'POST', '/api/v1/cases',
    { auth: U.pol, body: { title: 't', county: '12', exploitation: [], notes: 'x' } }), '');
  assert.equal(r.errors[0].code, 'unknown_field');
});

test('the history of a case: each update with who, when and the changed fields, newest first', async () => {
  const c = await teamCase();
  const url = `/api/v1/cases/${c.id}`;
  assertStatus(await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"1"', body: { title: 'Ny titel', summary: 'Ny' } }), 200);
  assertStatus(await api(srv, 'PATCH', url, { auth: U.soc, ifMatch: '"2"', body: { county: '01', exploitation: ['begging'] } }), 200);
  assertStatus(await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"3"', body: { status: 'closed', closing_reason: 'referred_on' } }), 200);
  const h = await listAll(srv, `${url}/history`, { auth: U.mig });
  assert.deepEqual(h.map((x) => x.version), [4, 3, 2]);
  const [closed, moved, renamed] = h;
  assert.deepEqual(renamed.actor, { username: U.pol.username, organization: 'POLISEN-SYD' });
  assert.match(renamed.at, RFC3339_UTC);
  const byField = (x) => Object.fromEntries(x.changes.map((ch) => [ch.field, [ch.from, ch.to]]));
  assert.deepEqual(byField(renamed), { title: ['Testärende', 'Ny titel'], summary: ['Sammanfattning', 'Ny'] });
  assert.deepEqual(byField(moved), { county: ['12', '01'], region: ['syd', 'stockholm'],
    exploitation: [['sexual'], ['begging']] });
  assert.deepEqual(moved.actor, { username: U.soc.username, organization: 'SOS-AVV' });
  const closing = byField(closed);
  assert.match(closing.closed_at[1], RFC3339_UTC);
  delete closing.closed_at;
  assert.deepEqual(closing, { status: ['open', 'closed'], closing_reason: [null, 'referred_on'] },
    'closing is a change too, with its reason');
  // Paged, newest first.
  const p1 = await api(srv, 'GET', `${url}/history?limit=2`, { auth: U.pol });
  assertStatus(p1, 200);
  assert.deepEqual(p1.json.items.map((x) => x.version), [4, 3]);
  const p2 = await api(srv, 'GET', `${url}/history?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { auth: U.pol });
  assertStatus(p2, 200);
  assert.deepEqual(p2.json.items.map((x) => x.version), [2]);
  assert.equal(p2.json.next_cursor, null);
  // An update that changes nothing leaves no entry (the version still goes up).
  // (On an open case: a closed one refuses every change but reopening.)
  const c2 = await teamCase();
  const url2 = `/api/v1/cases/${c2.id}`;
  assertStatus(await api(srv, 'PATCH', url2, { auth: U.pol, ifMatch: '"1"', body: { title: c2.title } }), 200);
  assert.deepEqual(await listAll(srv, `${url2}/history`, { auth: U.pol }), []);
  // The same visibility as the case.
  assertProblem(await api(srv, 'GET', `${url}/history`, { auth: U.tax }), 404);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${randomId()}/history`, { auth: U.pol }), 404);
  // A refused update leaves no history.
  assertProblem(await api(srv, 'PATCH', url2, { auth: U.mig, ifMatch: '"2"', body: { title: 'Nej' } }), 403);
  assertProblem(await api(srv, 'PATCH', url2, { auth: U.pol, ifMatch: '"1"', body: { title: 'Gammal' } }), 412);
  assert.deepEqual(await listAll(srv, `${url2}/history`, { auth: U.pol }), []);
  assert.equal((await listAll(srv, `${url}/history`, { auth: U.pol })).length, 3);
});

test('the history of a person names identity fields and never holds their values', async () => {
  const c = await teamCase();
  const secret = { full_name: 'Hemlig Hansson', phone: '+46 70 999 88 77', address: 'Dold gata 7' };
  const p = await createPerson(srv, U.pol, c.id, { pseudonym: 'Ros', identity: secret });
  const url = `/api/v1/persons/${p.id}`;
  assertStatus(await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"1"',
    body: { pseudonym: 'Lilja', identity: { ...secret, phone: '+46 70 111 22 33' } } }), 200);
  assertStatus(await api(srv, 'PATCH', url, { auth: U.soc, ifMatch: '"2"', body: { birth_year: 1990 } }), 200);
  const h = await listAll(srv, `${url}/history`, { auth: U.mig });
  assert.deepEqual(h.map((x) => x.version), [3, 2]);
  assert.deepEqual(h[0].changes, [{ field: 'birth_year', from: null, to: 1990 }]);
  assert.deepEqual(h[0].actor, { username: U.soc.username, organization: 'SOS-AVV' });
  assert.deepEqual(h[1].changes, [{ field: 'pseudonym', from: 'Ros', to: 'Lilja' }, { field: 'identity.phone' }]);
  const stored = await srv.db.exec(`SELECT changes FROM change_history WHERE object_id = '${p.id}';`);
  for (const v of ['+46 70', 'Hemlig', 'Dold']) assert.ok(!stored.includes(v), `no identity value in the table: ${v}`);
  assertProblem(await api(srv, 'GET', `${url}/history`, { auth: U.tax }), 404);
  const log = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  assert.ok(log.some((x) => x.action === 'person.history' && x.object === `person:${p.id}`));
});

test('on upgrade a case\'s notes become the first journal entry, for full access only', async () => {
  const s2 = await startServer();
  let s3;
  try {
    const owner = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const mig = await addUserWithToken(s2, { org: 'MIGRATIONSVERKET', role: 'member' });
    const withNotes = await createCase(s2, owner, { county: '12', title: 'Gammalt ärende' });
    const without = await createCase(s2, owner, { county: '12' });
    assertStatus(await api(s2, 'POST', `/api/v1/cases/${withNotes.id}/team`,
      { auth: owner, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
    await s2.stop();
    // Back to the schema before migration 0010, with notes on one case.
    const pg = s2.db.kind === 'pg';
    await rollBackTo(s2.db, 9);
    await s2.db.exec(`UPDATE nmt_case SET notes = 'Gamla anteckningar om Kvarnholmen', updated_at = '2026-01-02T03:04:05Z',
        search_text = search_text || '\nkvarnholmen' WHERE id = '${withNotes.id}';`);
    const r = await ctlFor(s2.db, ['init']);
    assert.equal(r.code, 0, r.stderr);
    s3 = await startServer({ db: s2.db, init: false });
    const list = await listAll(s3, `/api/v1/cases/${withNotes.id}/journal`, { auth: owner });
    assert.equal(list.length, 1);
    assert.equal(list[0].kind, 'note');
    assert.equal(list[0].text, 'Gamla anteckningar om Kvarnholmen');
    assert.equal(list[0].visibility, 'full');
    assert.equal(list[0].corrects, null);
    assert.deepEqual(list[0].author, { username: owner.username, organization: 'POLISEN-SYD' });
    assert.equal(list[0].at, '2026-01-02T03:04:05Z');
    assert.deepEqual(await listAll(s3, `/api/v1/cases/${without.id}/journal`, { auth: owner }), []);
    assert.deepEqual(await listAll(s3, `/api/v1/cases/${withNotes.id}/journal`, { auth: mig }), [],
      'the pseudonymous member does not see the old notes');
    const c = await api(s3, 'GET', `/api/v1/cases/${withNotes.id}`, { auth: owner });
    assertStatus(c, 200);
    assert.equal('notes' in c.json, false);
    // The notes are not searched any more, on the upgraded case either.
    const found = await listAll(s3, '/api/v1/cases?q=kvarnholmen', { auth: mig });
    assert.deepEqual(found, []);
    // A new entry follows the migrated one.
    assertStatus(await api(s3, 'POST', `/api/v1/cases/${withNotes.id}/journal`,
      { auth: owner, body: { kind: 'note', text: 'Ny' } }), 201);
    const after = await listAll(s3, `/api/v1/cases/${withNotes.id}/journal`, { auth: owner });
    assert.deepEqual(after.map((e) => e.text), ['Gamla anteckningar om Kvarnholmen', 'Ny']);
  } finally {
    await s3?.stop();
    await s2.close();
  }
});
