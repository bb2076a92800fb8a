// API.md "Cases": create, read, update with If-Match, search, filters, team.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  caseBody, createCase, caseIds, randomId, RFC3339_UTC, swedishDate, createPerson,
} from './harness.mjs';

let srv;
let pol; // POLISEN-SYD member (owner side)
let pol2; // another POLISEN-SYD member
let tax; // SKATTEVERKET member
let mig; // MIGRATIONSVERKET member
let rksyd; // RK-SYD coordinator

before(async () => {
  srv = await startServer();
  pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  pol2 = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' });
  mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
});
after(async () => { if (srv) await srv.close(); });

const NUMBER = /^NMT-(\d{4})-(\d{5})$/;
let first; // the first created case

test('create → 201 with Location, number, region, owner, team, status, version, ETag', async () => {
  const body = caseBody({
    title: 'Bärplockare i Skåne', summary: 'Misstänkt tvångsarbete', county: '12',
    exploitation: ['forced_labour', 'unreasonable_work'],
  });
  const r = await api(srv, 'POST', '/api/v1/cases', { auth: pol, body });
  assertStatus(r, 201);
  const c = r.json;
  assert.equal(typeof c.id, 'string');
  assert.ok(c.id.length > 0);
  const loc = r.headers.get('location');
  assert.ok(loc, 'Location header missing');
  assert.equal(new URL(loc, srv.base).pathname, `/api/v1/cases/${c.id}`);
  const m = NUMBER.exec(c.number);
  assert.ok(m, `number ${c.number}`);
  assert.equal(Number(m[1]), Number(swedishDate(srv.now()).slice(0, 4)), 'the Swedish year');
  assert.equal(c.title, body.title);
  assert.equal(c.summary, body.summary);
  assert.equal(c.county, '12');
  assert.equal(c.region, 'syd');
  assert.deepEqual([...c.exploitation].sort(), ['forced_labour', 'unreasonable_work']);
  assert.equal(c.status, 'open');
  assert.equal(c.version, 1);
  assert.equal('notes' in c, false, 'notes live in the journal now');
  assert.deepEqual(c.owner, { username: pol.username, organization: 'POLISEN-SYD' });
  assert.ok(Array.isArray(c.team));
  const own = c.team.filter((t) => t.organization === 'POLISEN-SYD');
  assert.equal(own.length, 1, `team: ${JSON.stringify(c.team)}`);
  assert.equal(own[0].access, 'full');
  assert.deepEqual(c.persons, []);
  assert.match(c.created_at, RFC3339_UTC);
  assert.match(c.updated_at, RFC3339_UTC);
  assert.equal(r.headers.get('etag'), '"1"');
  first = c;
});

test('case numbers increase', async () => {
  const a = await createCase(srv, pol, { title: 'Andra' });
  const b = await createCase(srv, tax, { title: 'Tredje' });
  const n = (c) => Number(NUMBER.exec(c.number)[2]);
  assert.ok(n(a) > n(first), `${a.number} after ${first.number}`);
  assert.ok(n(b) > n(a), `${b.number} after ${a.number}`);
  assert.notEqual(a.id, first.id);
});

test('GET by id → 200 with ETag', async () => {
  const r = await api(srv, 'GET', `/api/v1/cases/${first.id}`, { auth: pol });
  assertStatus(r, 200);
  assert.equal(r.headers.get('etag'), '"1"');
  for (const k of ['id', 'number', 'title', 'summary', 'status', 'county', 'region', 'owner', 'version', 'created_at']) {
    assert.deepEqual(r.json[k], first[k], k);
  }
  // Another user of the owner organization sees it too.
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${first.id}`, { auth: pol2 }), 200, 'same organization');
  // An unknown or malformed id is a 404.
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${randomId()}`, { auth: pol }), 404);
  assertProblem(await api(srv, 'GET', '/api/v1/cases/not-an-id', { auth: pol }), 404);
});

test('PATCH needs If-Match: missing → 428, stale → 412, current → 200', async () => {
  const c = await createCase(srv, pol, { title: 'Versioner' });
  const url = `/api/v1/cases/${c.id}`;
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, body: { title: 'Utan' } }), 428);
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"7"', body: { title: 'Gammal' } }), 412);
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"0"', body: { title: 'Gammal' } }), 412);
  const ok = await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { title: 'Ny titel' } });
  assertStatus(ok, 200);
  assert.equal(ok.json.version, 2);
  assert.equal(ok.json.title, 'Ny titel');
  assert.equal(ok.headers.get('etag'), '"2"');
  assert.ok(ok.json.updated_at >= c.updated_at);
  // The old version is stale now.
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { title: 'Igen' } }), 412);
  const g = await api(srv, 'GET', url, { auth: pol });
  assert.equal(g.json.title, 'Ny titel');
  assert.equal(g.json.version, 2);
  assert.equal(g.headers.get('etag'), '"2"');
  // Updating the summary; notes are journal entries now, not a case field.
  const old = assertFieldError(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"2"', body: { notes: 'Anteckning' } }), '');
  assert.equal(old.errors[0].code, 'unknown_field');
  const n = await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"2"', body: { summary: 'Ny' } });
  assertStatus(n, 200);
  assert.equal(n.json.summary, 'Ny');
  assert.equal(n.json.version, 3);
});

test('changing the county changes the region', async () => {
  const c = await createCase(srv, pol, { county: '12' });
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: pol, ifMatch: '"1"', body: { county: '14' } });
  assertStatus(r, 200);
  assert.equal(r.json.county, '14');
  assert.equal(r.json.region, 'vast');
  const r2 = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: pol, ifMatch: '"2"', body: { county: '25' } });
  assertStatus(r2, 200);
  assert.equal(r2.json.region, 'nord');
  // Region derivation for a few more counties at creation.
  for (const [county, region] of [['01', 'stockholm'], ['03', 'mitt'], ['05', 'ost'], ['18', 'bergslagen']]) {
    const x = await createCase(srv, tax, { county });
    assert.equal(x.region, region, `county ${county}`);
  }
});

test('invalid county, exploitation or status → 400 with errors', async () => {
  const c = await createCase(srv, pol, { title: 'Validering' });
  const url = `/api/v1/cases/${c.id}`;
  assertFieldError(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ county: '02' }) }), 'county');
  assertFieldError(await api(srv, 'POST', '/api/v1/cases', { auth: pol, body: caseBody({ county: 12 }) }), 'county');
  assertFieldError(await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, body: caseBody({ exploitation: ['begging', 'trafficking'] }) }), 'exploitation[1]');
  assertFieldError(await api(srv, 'POST', '/api/v1/cases',
    { auth: pol, body: caseBody({ exploitation: 'sexual' }) }), 'exploitation');
  assertFieldError(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { status: 'archived' } }), 'status');
  assertFieldError(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { county: '26' } }), 'county');
  assertFieldError(await api(srv, 'PATCH', url,
    { auth: pol, ifMatch: '"1"', body: { exploitation: ['sexual', 'x'] } }), 'exploitation[1]');
  // Fields that cannot be patched.
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { number: 'NMT-1999-00001' } }), 400);
  assertProblem(await api(srv, 'PATCH', url, { auth: pol, ifMatch: '"1"', body: { region: 'nord' } }), 400);
  const g = await api(srv, 'GET', url, { auth: pol });
  assert.equal(g.json.version, 1, 'refused PATCHes changed nothing');
  assert.equal(g.json.region, 'syd');
  // All the exploitation forms of the contract are accepted.
  const all = ['sexual', 'forced_labour', 'unreasonable_work', 'begging', 'criminal_activities',
    'slavery_servitude', 'organ_removal', 'military_service', 'forced_marriage', 'illegal_adoption',
    'surrogacy', 'other'];
  const x = await createCase(srv, pol, { exploitation: all });
  assert.deepEqual([...x.exploitation].sort(), [...all].sort());
});

test('q: case-insensitive word search over title, summary and journal; å/ä/ö are letters of their own', async () => {
  const c = await createCase(srv, pol, {
    title: 'Öland Hamnarbete', summary: 'Åkeri och Ängsmark', county: '08',
  });
  const n = await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
    { auth: pol, body: { kind: 'note', text: 'Kvarnstensbrott vid kusten' } });
  assertStatus(n, 201);
  const q = (s) => caseIds(srv, pol, 'q=' + encodeURIComponent(s));
  assert.deepEqual(await q('öland'), [c.id], 'öland');
  assert.deepEqual(await q('ÖLAND'), [c.id], 'ÖLAND');
  assert.deepEqual(await q('Öland'), [c.id], 'Öland');
  assert.deepEqual(await q('oland'), [], 'oland must not match Öland');
  assert.deepEqual(await q('hamnarbete'), [c.id], 'title word, lower case');
  assert.deepEqual(await q('ÅKERI'), [c.id], 'summary word, upper case');
  assert.deepEqual(await q('akeri'), [], 'akeri must not match Åkeri');
  assert.deepEqual(await q('ängsmark'), [c.id], 'ängsmark');
  assert.deepEqual(await q('angsmark'), [], 'angsmark must not match Ängsmark');
  assert.deepEqual(await q('kvarnstensbrott'), [c.id], 'the journal is searched');
  assert.deepEqual(await q('zyxwvut'), [], 'no match');
});

test('filters status and region', async () => {
  const u = await addUserWithToken(srv, { org: 'AKLAGARE-INTERNATIONELLA', role: 'member' });
  const syd = await createCase(srv, u, { county: '12' });
  const nord = await createCase(srv, u, { county: '25' });
  const closed = await createCase(srv, u, { county: '12' });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${closed.id}`,
    { auth: u, ifMatch: '"1"', body: { status: 'closed', closing_reason: 'no_indication' } }), 200);
  const sorted = (a) => [...a].sort();
  assert.deepEqual(await caseIds(srv, u), sorted([syd.id, nord.id, closed.id]));
  assert.deepEqual(await caseIds(srv, u, 'status=closed'), [closed.id]);
  assert.deepEqual(await caseIds(srv, u, 'status=open'), sorted([syd.id, nord.id]));
  assert.deepEqual(await caseIds(srv, u, 'region=nord'), [nord.id]);
  assert.deepEqual(await caseIds(srv, u, 'region=syd'), sorted([syd.id, closed.id]));
  assert.deepEqual(await caseIds(srv, u, 'region=syd&status=open'), [syd.id]);
  assert.deepEqual(await caseIds(srv, u, 'region=vast'), []);
  // Reopening works.
  const re = await api(srv, 'PATCH', `/api/v1/cases/${closed.id}`, { auth: u, ifMatch: '"2"', body: { status: 'open', reopen_reason: 'Nya uppgifter.' } });
  assertStatus(re, 200);
  assert.equal(re.json.status, 'open');
});

test('team: add, list, remove; member shape', async () => {
  const c = await createCase(srv, pol, { title: 'Teamarbete' });
  const url = `/api/v1/cases/${c.id}/team`;
  const add = await api(srv, 'POST', url, { auth: pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } });
  assertStatus(add, 201);
  const m = add.json;
  assert.equal(typeof m.id, 'string');
  assert.equal(m.organization, 'MIGRATIONSVERKET');
  assert.equal(m.username, null);
  assert.equal(m.access, 'pseudonymous');
  const addedBy = typeof m.added_by === 'object' && m.added_by !== null ? m.added_by.username : m.added_by;
  assert.equal(addedBy, pol.username, `added_by: ${JSON.stringify(m.added_by)}`);
  assert.match(m.added_at, RFC3339_UTC);

  const withUser = await api(srv, 'POST', url,
    { auth: pol, body: { organization: 'SKATTEVERKET', username: tax.username, access: 'full' } });
  assertStatus(withUser, 201);
  assert.equal(withUser.json.username, tax.username);
  assert.equal(withUser.json.access, 'full');

  const list = await api(srv, 'GET', url, { auth: pol });
  assertStatus(list, 200);
  const ids = list.json.items.map((x) => x.id);
  assert.ok(ids.includes(m.id) && ids.includes(withUser.json.id));
  const own = list.json.items.find((x) => x.organization === 'POLISEN-SYD');
  assert.ok(own && own.access === 'full', 'owner organization in the team list');

  const cg = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: pol });
  assert.ok(cg.json.team.some((x) => x.id === m.id), 'the case shows the new member');

  const del = await api(srv, 'DELETE', `${url}/${m.id}`, { auth: pol });
  assertStatus(del, 204);
  assert.equal(del.text, '');
  const list2 = await api(srv, 'GET', url, { auth: pol });
  assert.ok(!list2.json.items.some((x) => x.id === m.id), 'removed member gone');
  assertProblem(await api(srv, 'DELETE', `${url}/${m.id}`, { auth: pol }), 404, 'second DELETE');
  assertProblem(await api(srv, 'DELETE', `${url}/${randomId()}`, { auth: pol }), 404, 'unknown member');
});

test('team: invalid additions → 400', async () => {
  const c = await createCase(srv, pol, { title: 'Ogiltigt team' });
  const url = `/api/v1/cases/${c.id}/team`;
  assertFieldError(await api(srv, 'POST', url,
    { auth: pol, body: { organization: 'NO-SUCH-ORG', access: 'full' } }), 'organization', 'unknown organization');
  assertFieldError(await api(srv, 'POST', url,
    { auth: pol, body: { organization: 'MIGRATIONSVERKET', access: 'read' } }), 'access', 'bad access');
  assertProblem(await api(srv, 'POST', url,
    { auth: pol, body: { organization: 'MIGRATIONSVERKET' } }), 400, 'missing access');
  const list = await api(srv, 'GET', url, { auth: pol });
  assert.equal(list.json.items.length, 1, 'only the owner organization');
});

test('team: who may change it', async () => {
  const c = await createCase(srv, pol, { title: 'Behörighet' });
  const url = `/api/v1/cases/${c.id}/team`;
  const body = { organization: 'SOS-AVV', access: 'pseudonymous' };
  // An organization that is not on the team does not see the case: 404.
  assertProblem(await api(srv, 'POST', url, { auth: tax, body }), 404, 'outsider adds');
  assertProblem(await api(srv, 'GET', url, { auth: tax }), 404, 'outsider lists');
  // A pseudonymous team member sees the case but may not change the team: 403.
  const pm = await api(srv, 'POST', url, { auth: pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } });
  assertStatus(pm, 201);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: mig }), 200, 'pseudonymous member reads');
  assertProblem(await api(srv, 'POST', url, { auth: mig, body }), 403, 'pseudonymous member adds');
  assertProblem(await api(srv, 'DELETE', `${url}/${pm.json.id}`, { auth: mig }), 403, 'pseudonymous member removes');
  // A full member of another organization is not the owner side either.
  const fm = await api(srv, 'POST', url, { auth: pol, body: { organization: 'SKATTEVERKET', access: 'full' } });
  assertStatus(fm, 201);
  assertProblem(await api(srv, 'POST', url, { auth: tax, body }), 403, 'full member of another org adds');
  // The owner side (another user of the owner organization) and a coordinator with visibility may.
  const o2 = await api(srv, 'POST', url, { auth: pol2, body });
  assertStatus(o2, 201, 'owner organization colleague');
  const rc = await api(srv, 'POST', url, { auth: rksyd, body: { organization: 'RK-SYD', access: 'full' } });
  assertStatus(rc, 201, 'regional coordinator of the case region');
  assertStatus(await api(srv, 'DELETE', `${url}/${o2.json.id}`, { auth: rksyd }), 204, 'coordinator removes');
  const list = await api(srv, 'GET', url, { auth: pol });
  assert.ok(!list.json.items.some((x) => x.id === o2.json.id));
});

test('a member whose organization left the team no longer sees the case', async () => {
  const c = await createCase(srv, pol, { title: 'Lämnar' });
  const url = `/api/v1/cases/${c.id}/team`;
  const add = await api(srv, 'POST', url, { auth: pol, body: { organization: 'MIGRATIONSVERKET', access: 'full' } });
  assertStatus(add, 201);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: mig }), 200);
  assert.ok((await caseIds(srv, mig)).includes(c.id));
  assertStatus(await api(srv, 'DELETE', `${url}/${add.json.id}`, { auth: pol }), 204);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: mig }), 404);
  assert.ok(!(await caseIds(srv, mig)).includes(c.id));
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`, { auth: mig, ifMatch: '"1"', body: { title: 'x' } }),
    404, 'PATCH by a former member');
});

test('concurrent creates get distinct numbers; concurrent PATCHes with one If-Match: exactly one wins', async () => {
  const made = await Promise.all(Array.from({ length: 10 }, (_, i) => createCase(srv, pol2, { title: `Parallell ${i}` })));
  assert.equal(new Set(made.map((c) => c.number)).size, 10, 'distinct numbers');
  assert.equal(new Set(made.map((c) => c.id)).size, 10, 'distinct ids');

  const c = made[0];
  const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: pol2, ifMatch: '"1"', body: { title: `Vinnare ${i}` } })));
  const won = rs.filter((r) => r.status === 200);
  const lost = rs.filter((r) => r.status === 412);
  assert.equal(won.length, 1, `statuses: ${rs.map((r) => r.status)}`);
  assert.equal(lost.length, 5, `statuses: ${rs.map((r) => r.status)}`);
  const g = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: pol2 });
  assert.equal(g.json.version, 2);
  assert.equal(g.json.title, won[0].json.title);
});

// The case document reads the case, its team and its persons in one statement (store_case_document);
// its lists must be the team and person lists of their own endpoints, row for row and in their order.
test('the case document lists the team as its endpoint does and the persons in registration order', async () => {
  const c = await createCase(srv, pol, { county: '12' });
  for (const organization of ['SOS-AVV', 'MIGRATIONSVERKET', 'SKATTEVERKET', 'RK-SYD']) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, {
      auth: pol, body: { organization, access: organization === 'SKATTEVERKET' ? 'pseudonymous' : 'full' },
    }), 201);
  }
  const made = [];
  for (let i = 0; i < 6; i++) made.push((await createPerson(srv, pol, c.id)).id);
  const doc = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: pol });
  assertStatus(doc, 200);
  const team = await api(srv, 'GET', `/api/v1/cases/${c.id}/team`, { auth: pol });
  assertStatus(team, 200);
  assert.equal(doc.json.team.length, 5, 'the owner organization and four more');
  assert.deepEqual(doc.json.team, team.json.items, 'the same team rows in the same order');
  // Persons in the order of their registration, then of their ids (store_case_persons).
  const full = [];
  for (const id of made) {
    const r = await api(srv, 'GET', `/api/v1/persons/${id}`, { auth: pol });
    assertStatus(r, 200);
    full.push(r.json);
  }
  const order = (a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 :
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  assert.deepEqual(doc.json.persons.map((p) => p.id), [...full].sort(order).map((p) => p.id),
    'every person once, in order');
  for (const p of doc.json.persons) {
    const f = full.find((q) => q.id === p.id);
    for (const k of ['pseudonym', 'gender', 'citizenship', 'is_child']) assert.deepEqual(p[k], f[k], `person ${k}`);
  }
  // A case without a team beyond its owner and without persons: empty lists, not missing ones.
  const bare = await createCase(srv, pol, { county: '12' });
  const d2 = await api(srv, 'GET', `/api/v1/cases/${bare.id}`, { auth: pol });
  assert.equal(d2.json.team.length, 1);
  assert.deepEqual(d2.json.persons, []);
});
