// API.md "Who sees what", "Persons": visibility, identity, protected identity, is_child,
// and that the identity is not stored in clear text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  personWithIdentity,
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  createCase, createPerson, caseIds, personBody, randomId, dateYearsAgo, RFC3339_UTC, swedishDate,
} from './harness.mjs';

let srv;
const U = {};
let A; // case A: POLISEN-SYD member, county 12 (syd), person P1 with identity
let B; // case B: RK-NORD coordinator, county 25 (nord)
let C; // case C: MIGRATIONSVERKET member, county 01 (stockholm)
let P1;

const SECRET_WORD = 'Zephyrkvarn'; // only in case A's title
const IDENT = {
  full_name: 'Qvintessa Brännvinsgård',
  date_of_birth: '1991-04-17',
  id_number: '19910417-7351',
  phone: '+46 70 913 57 24',
  address: 'Kvarngränd 17, 211 19 Malmö',
};
const IDENT_PROT = {
  full_name: 'Xandrina Ödekullsdotter',
  date_of_birth: '1994-08-09',
  id_number: '19940809-4418',
  phone: '+46 73 402 88 19',
  address: 'Skyddsvägen 44, 222 22 Lund',
};

/** A complete identity block (all five fields) with a name and overrides. */
function ident(fullName, over = {}) {
  return {
    full_name: fullName, date_of_birth: '1985-06-15', id_number: '19850615-0000',
    phone: '+46 70 000 00 00', address: 'Testgatan 1, 111 11 Stockholm', ...over,
  };
}

before(async () => {
  srv = await startServer();
  const spec = {
    nmtc: { org: 'NMT', role: 'coordinator' },
    rksyd: { org: 'RK-SYD', role: 'coordinator', region: 'syd' },
    rknord: { org: 'RK-NORD', role: 'coordinator', region: 'nord' },
    pol: { org: 'POLISEN-SYD', role: 'member' },
    pol2: { org: 'POLISEN-SYD', role: 'member' },
    mig: { org: 'MIGRATIONSVERKET', role: 'member' },
    tax: { org: 'SKATTEVERKET', role: 'member' },
    admin: { org: 'NMT', role: 'admin' },
    analyst: { org: 'NMT', role: 'analyst' },
    auditor: { org: 'NMT', role: 'auditor' },
    requester: { org: 'POLISEN-SYD', role: 'requester' },
  };
  for (const [k, s] of Object.entries(spec)) U[k] = await addUserWithToken(srv, { ...s, username: `v${k}` });
  A = await createCase(srv, U.pol, { title: `Alfa ${SECRET_WORD}`, county: '12' });
  P1 = await createPerson(srv, U.pol, A.id, {
    pseudonym: 'Alfa-1', gender: 'female', birth_year: 1991, citizenship: 'RO',
    languages: ['ro', 'en'], identity: IDENT,
  });
  B = await createCase(srv, U.rknord, { title: 'Beta', county: '25' });
  C = await createCase(srv, U.mig, { title: 'Gamma', county: '01' });
});
after(async () => { if (srv) await srv.close(); });

const sorted = (a) => [...a].sort();
const get = (who, p) => api(srv, 'GET', p, { auth: U[who] });
// A person as `who` reads it, with the identity `who` may reveal (harness.mjs).
const getP = (who, id) => personWithIdentity(srv, U[who], id);

test('person create → 201 with the contract shape', async () => {
  assert.equal(typeof P1.id, 'string');
  assert.equal(P1.case, A.id);
  assert.equal(P1.pseudonym, 'Alfa-1');
  assert.equal(P1.gender, 'female');
  assert.equal(P1.birth_year, 1991);
  assert.equal(P1.age_estimate, null);
  assert.equal(P1.is_child, false);
  assert.equal(P1.citizenship, 'RO');
  assert.deepEqual(P1.languages, ['ro', 'en']);
  assert.deepEqual(P1.vulnerabilities, []);
  assert.equal(P1.protected_identity, 'none');
  assert.equal(P1.version, 1);
  assert.match(P1.created_at, RFC3339_UTC);
  assert.ok(!('identity' in P1), 'the create answer carries no identity');
  const g = await getP('pol', P1.id);
  assertStatus(g, 200);
  assert.equal(g.headers.get('etag'), '"1"');
  assert.deepEqual(g.json.identity, IDENT);
  // The case lists the person as a summary, without identity.
  const c = await get('pol', `/api/v1/cases/${A.id}`);
  const s = c.json.persons.find((p) => p.id === P1.id);
  assert.ok(s, 'person summary in the case');
  assert.equal(s.pseudonym, 'Alfa-1');
  assert.equal(s.is_child, false);
  assert.equal(s.protected_identity, 'none');
  assert.ok(!('identity' in s), 'no identity in the case summary');
});

test('person validation → 400 with errors', async () => {
  const url = `/api/v1/cases/${A.id}/persons`;
  assertFieldError(await api(srv, 'POST', url, { auth: U.pol, body: personBody({ gender: 'woman' }) }), 'gender');
  assertFieldError(await api(srv, 'POST', url, { auth: U.pol, body: personBody({ citizenship: 'Sweden' }) }),
    'citizenship');
  assertFieldError(await api(srv, 'POST', url,
    { auth: U.pol, body: personBody({ protected_identity: 'secret' }) }), 'protected_identity');
  assertFieldError(await api(srv, 'POST', url,
    { auth: U.pol, body: personBody({ identity: { ...IDENT, date_of_birth: '1991-02-30' } }) }),
  'identity.date_of_birth');
  const np = personBody();
  delete np.pseudonym;
  assertFieldError(await api(srv, 'POST', url, { auth: U.pol, body: np }), 'pseudonym');
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${randomId()}/persons`, { auth: U.pol, body: personBody() }),
    404, 'person on an unknown case');
});

test('a coordinator who creates a case owns it and its organization is on the team with full access', async () => {
  assert.deepEqual(B.owner, { username: U.rknord.username, organization: 'RK-NORD' });
  assert.ok(B.team.some((m) => m.organization === 'RK-NORD' && m.access === 'full'), JSON.stringify(B.team));
  assert.equal(B.region, 'nord');
});

test('case lists: each role sees exactly its cases', async () => {
  const want = {
    nmtc: [A.id, B.id, C.id],
    rksyd: [A.id],
    rknord: [B.id],
    pol: [A.id],
    pol2: [A.id],
    mig: [C.id],
    tax: [],
  };
  for (const [who, ids] of Object.entries(want)) {
    assert.deepEqual(await caseIds(srv, U[who]), sorted(ids), `list of ${who}`);
  }
});

test('GET case: 200 when visible, 404 otherwise (never 403)', async () => {
  const want = {
    nmtc: { A: 200, B: 200, C: 200 },
    rksyd: { A: 200, B: 404, C: 404 },
    rknord: { A: 404, B: 200, C: 404 },
    pol: { A: 200, B: 404, C: 404 },
    pol2: { A: 200, B: 404, C: 404 },
    mig: { A: 404, B: 404, C: 200 },
    tax: { A: 404, B: 404, C: 404 },
  };
  const cases = { A, B, C };
  for (const [who, m] of Object.entries(want)) {
    for (const [name, status] of Object.entries(m)) {
      const r = await get(who, `/api/v1/cases/${cases[name].id}`);
      if (status === 404) assertProblem(r, 404, `${who} GET case ${name}`);
      else assertStatus(r, 200, `${who} GET case ${name}`);
    }
  }
});

test('identity: present for owner organization and coordinators with visibility, absent otherwise', async () => {
  for (const who of ['pol', 'pol2', 'nmtc', 'rksyd']) {
    const r = await getP(who, P1.id);
    assertStatus(r, 200, who);
    assert.deepEqual(r.json.identity, IDENT, `identity for ${who}`);
  }
  for (const who of ['rknord', 'mig', 'tax']) {
    assertProblem(await getP(who, P1.id), 404, `${who} GET person`);
  }
});

test('admin, analyst, auditor and requester get 403 on case and person endpoints', async () => {
  for (const who of ['admin', 'analyst', 'auditor', 'requester']) {
    assertProblem(await get(who, '/api/v1/cases'), 403, `${who} list`);
    assertProblem(await get(who, `/api/v1/cases/${A.id}`), 403, `${who} GET case`);
    assertProblem(await getP(who, P1.id), 403, `${who} GET person`);
    assertProblem(await api(srv, 'POST', '/api/v1/cases',
      { auth: U[who], body: { title: 't', summary: 's', county: '12', exploitation: ['sexual'] } }), 403, `${who} POST case`);
    assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
      { auth: U[who], ifMatch: '"1"', body: { title: 'x' } }), 403, `${who} PATCH case`);
    assertProblem(await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`,
      { auth: U[who], body: personBody() }), 403, `${who} POST person`);
    assertProblem(await api(srv, 'GET', `/api/v1/cases/${A.id}/team`, { auth: U[who] }), 403, `${who} team`);
    // Refused by role, whether the object exists or not.
    assertProblem(await get(who, `/api/v1/cases/${randomId()}`), 403, `${who} GET unknown case`);
    assertProblem(await getP(who, randomId()), 403, `${who} GET unknown person`);
  }
  const a = await get('pol', `/api/v1/cases/${A.id}`);
  assert.equal(a.json.version, 1, 'refused writes changed nothing');
  assert.equal(a.json.persons.length, 1);
});

test('q never returns what the caller may not see', async () => {
  const q = `q=${SECRET_WORD.toLowerCase()}`;
  assert.deepEqual(await caseIds(srv, U.rknord, q), [], 'rk-nord');
  assert.deepEqual(await caseIds(srv, U.mig, q), [], 'migration');
  assert.deepEqual(await caseIds(srv, U.tax, q), [], 'tax');
  assert.deepEqual(await caseIds(srv, U.nmtc, q), [A.id], 'nmt coordinator (control)');
  assert.deepEqual(await caseIds(srv, U.pol, q), [A.id], 'owner (control)');
  assert.deepEqual(await caseIds(srv, U.rksyd, q), [A.id], 'rk-syd (control)');
  // A page of size 1 for a caller who sees nothing is empty and has no cursor.
  const r = await api(srv, 'GET', `/api/v1/cases?${q}&limit=1`, { auth: U.rknord });
  assertStatus(r, 200);
  assert.deepEqual(r.json, { ...r.json, items: [], next_cursor: null });
});

function normalised(r, id) {
  return JSON.parse(r.text.split(id).join('{id}'));
}

test('404 for an invisible existing case or person looks like a 404 for a nonexistent one', async () => {
  const rnd = randomId();
  const inv = await get('rknord', `/api/v1/cases/${A.id}`);
  const none = await get('rknord', `/api/v1/cases/${rnd}`);
  assertProblem(inv, 404);
  assertProblem(none, 404);
  assert.deepEqual(normalised(inv, A.id), normalised(none, rnd));

  const pinv = await getP('rknord', P1.id);
  const pnone = await getP('rknord', rnd);
  assertProblem(pinv, 404);
  assertProblem(pnone, 404);
  assert.deepEqual(normalised(pinv, P1.id), normalised(pnone, rnd));

  // Same for writes.
  const w1 = await api(srv, 'PATCH', `/api/v1/cases/${A.id}`, { auth: U.rknord, ifMatch: '"1"', body: { title: 'x' } });
  const w2 = await api(srv, 'PATCH', `/api/v1/cases/${rnd}`, { auth: U.rknord, ifMatch: '"1"', body: { title: 'x' } });
  assertProblem(w1, 404);
  assertProblem(w2, 404);
  assert.deepEqual(normalised(w1, A.id), normalised(w2, rnd));
  const t1 = await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`, { auth: U.tax, body: personBody() });
  assertProblem(t1, 404, 'adding a person to an invisible case');
  // Neither a stale nor a missing If-Match reveals that the case exists.
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.rknord, ifMatch: '"999"', body: { title: 'x' } }), 404, 'stale If-Match on an invisible case');
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.rknord, body: { title: 'x' } }), 404, 'no If-Match on an invisible case');
  assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${P1.id}`,
    { auth: U.rknord, ifMatch: '"999"', body: { pseudonym: 'x' } }), 404, 'stale If-Match on an invisible person');
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.rknord, ifMatch: '"1"', body: { county: '99' } }), 404, 'invalid PATCH on an invisible case');
});

let migMember;

test('pseudonymous team member: sees the case and persons, no identity, may not write', async () => {
  const add = await api(srv, 'POST', `/api/v1/cases/${A.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } });
  assertStatus(add, 201);
  migMember = add.json;
  assert.deepEqual(await caseIds(srv, U.mig), sorted([A.id, C.id]));
  const c = await get('mig', `/api/v1/cases/${A.id}`);
  assertStatus(c, 200);
  for (const v of Object.values(IDENT)) assert.ok(!c.text.includes(v), `case view leaks ${v}`);
  const p = await getP('mig', P1.id);
  assertStatus(p, 200);
  assert.equal(p.json.pseudonym, 'Alfa-1');
  assert.ok(!('identity' in p.json), 'identity key must be absent for a pseudonymous member');
  for (const v of Object.values(IDENT)) assert.ok(!p.text.includes(v), `person view leaks ${v}`);

  const version = c.json.version;
  // It sees the case, so a refused write is 403 (authenticated but not allowed), not 404.
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.mig, ifMatch: `"${version}"`, body: { title: 'Ändrat av pseudonym' } }), 403, 'pseudonymous PATCH case');
  assertProblem(await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`,
    { auth: U.mig, body: personBody() }), 403, 'pseudonymous POST person');
  assertProblem(await api(srv, 'PATCH', `/api/v1/persons/${P1.id}`,
    { auth: U.mig, ifMatch: `"${p.json.version}"`, body: { pseudonym: 'Ändrad' } }), 403, 'pseudonymous PATCH person');
  const after = await get('pol', `/api/v1/cases/${A.id}`);
  assert.equal(after.json.version, version);
  assert.equal(after.json.persons.length, 1);
  const pa = await getP('pol', P1.id);
  assert.equal(pa.json.pseudonym, 'Alfa-1');
});

test('full team member: sees the identity and may write', async () => {
  assertStatus(await api(srv, 'DELETE', `/api/v1/cases/${A.id}/team/${migMember.id}`, { auth: U.pol }), 204);
  assertProblem(await getP('mig', P1.id), 404, 'after removal');
  const add = await api(srv, 'POST', `/api/v1/cases/${A.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'full' } });
  assertStatus(add, 201);
  const p = await getP('mig', P1.id);
  assertStatus(p, 200);
  assert.deepEqual(p.json.identity, IDENT);
  const c = await get('mig', `/api/v1/cases/${A.id}`);
  const w = await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.mig, ifMatch: `"${c.json.version}"`, body: { summary: 'Uppdaterad av Migrationsverket' } });
  assertStatus(w, 200, 'full member PATCH case');
  assert.equal(w.json.version, c.json.version + 1);
  const np = await createPerson(srv, U.mig, A.id, { pseudonym: 'Alfa-mig' });
  assert.equal(np.case, A.id);
  // A coordinator with visibility writes too; a coordinator without does not.
  const c2 = await get('rksyd', `/api/v1/cases/${A.id}`);
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.rksyd, ifMatch: `"${c2.json.version}"`, body: { summary: 'Regionkoordinator' } }), 200, 'rk-syd PATCH');
  assertProblem(await api(srv, 'PATCH', `/api/v1/cases/${A.id}`,
    { auth: U.rknord, ifMatch: `"${c2.json.version + 1}"`, body: { summary: 'Nord' } }), 404, 'rk-nord PATCH');
});

test('a regional coordinator also sees cases of other regions whose team has its organization', async () => {
  const D = await createCase(srv, U.pol, { title: 'Delta', county: '12' });
  const pd = await createPerson(srv, U.pol, D.id, { identity: ident('Delta Person') });
  assertProblem(await get('rknord', `/api/v1/cases/${D.id}`), 404, 'before');
  const add = await api(srv, 'POST', `/api/v1/cases/${D.id}/team`,
    { auth: U.pol, body: { organization: 'RK-NORD', access: 'pseudonymous' } });
  assertStatus(add, 201);
  assertStatus(await get('rknord', `/api/v1/cases/${D.id}`), 200, 'after');
  assert.ok((await caseIds(srv, U.rknord)).includes(D.id));
  const p = await getP('rknord', pd.id);
  assertStatus(p, 200);
  assert.equal(p.json.identity && p.json.identity.full_name, 'Delta Person', 'coordinator with visibility sees identity');
  // A member added by name sees the case.
  const byName = await api(srv, 'POST', `/api/v1/cases/${D.id}/team`,
    { auth: U.pol, body: { organization: 'SKATTEVERKET', username: U.tax.username, access: 'pseudonymous' } });
  assertStatus(byName, 201);
  assertStatus(await get('tax', `/api/v1/cases/${D.id}`), 200, 'member added by username');
});

test('person PATCH: If-Match rules; identity is replaced as a whole', async () => {
  const before = ident('Före Efternamn', { phone: '+46 8 111 11 11', address: 'Gamla gatan 1' });
  const afterI = ident('Efter Namn', { phone: '+46 8 222 22 22', address: 'Nya gatan 2' });
  const p = await createPerson(srv, U.pol, A.id, { pseudonym: 'Patchbar', identity: before });
  const url = `/api/v1/persons/${p.id}`;
  assertProblem(await api(srv, 'PATCH', url, { auth: U.pol, body: { pseudonym: 'Ny' } }), 428);
  assertProblem(await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"5"', body: { pseudonym: 'Ny' } }), 412);
  const r = await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"1"', body: { pseudonym: 'Ny', identity: afterI } });
  assertStatus(r, 200);
  assert.equal(r.json.version, 2);
  assert.equal(r.headers.get('etag'), '"2"');
  assert.equal(r.json.pseudonym, 'Ny');
  assert.ok(!('identity' in r.json), 'the PATCH answer carries no identity');
  const g = await getP('pol', p.id);
  assert.deepEqual(g.json.identity, afterI);
  // A PATCH without identity leaves it alone.
  const r2 = await api(srv, 'PATCH', url, { auth: U.pol, ifMatch: '"2"', body: { gender: 'unknown' } });
  assertStatus(r2, 200);
  assert.equal(r2.json.gender, 'unknown');
  assert.deepEqual((await getP('pol', p.id)).json.identity, afterI);
});

const CURRENT_YEAR = Number(swedishDate().slice(0, 4)); // the Swedish year

test('is_child from birth_year, age_estimate and date_of_birth', async () => {
  const cases = [
    [{ birth_year: CURRENT_YEAR - 17 }, true, 'birth_year −17'],
    [{ birth_year: CURRENT_YEAR - 18 }, true, 'birth_year −18 (may be under 18)'],
    [{ birth_year: CURRENT_YEAR - 19 }, false, 'birth_year −19'],
    [{ age_estimate: 16 }, true, 'age_estimate 16'],
    [{ age_estimate: 17 }, true, 'age_estimate 17'],
    [{ age_estimate: 18 }, false, 'age_estimate 18'],
    [{ identity: ident('Tjugo År', { date_of_birth: dateYearsAgo(20) }) }, false, 'born 20 years ago'],
    [{ identity: ident('Sjutton År', { date_of_birth: dateYearsAgo(17) }) }, true, 'born 17 years ago'],
    [{ identity: ident('Nästan Arton', { date_of_birth: dateYearsAgo(18, -2) }) }, true, '18 in two days'],
    [{ identity: ident('Nyss Arton', { date_of_birth: dateYearsAgo(18, 2) }) }, false, '18 two days ago'],
  ];
  for (const [fields, want, name] of cases) {
    const p = await createPerson(srv, U.pol, A.id, fields);
    assert.equal(p.is_child, want, name);
    const g = await getP('pol', p.id);
    assert.equal(g.json.is_child, want, `${name} (GET)`);
    // Seen by a caller without identity, is_child is still there.
    const n = await getP('nmtc', p.id);
    assert.equal(n.json.is_child, want, `${name} (other caller)`);
  }
  const c = await get('pol', `/api/v1/cases/${A.id}`);
  const kids = c.json.persons.filter((x) => x.is_child).length;
  assert.ok(kids >= 6, `case summary carries is_child (${kids})`);
});

test('a regional coordinator follows the case region when the county changes', async () => {
  const E = await createCase(srv, U.pol, { title: 'Epsilon', county: '12' });
  assertStatus(await get('rksyd', `/api/v1/cases/${E.id}`), 200);
  assertProblem(await get('rknord', `/api/v1/cases/${E.id}`), 404);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${E.id}`, { auth: U.pol, ifMatch: '"1"', body: { county: '25' } });
  assertStatus(r, 200);
  assert.equal(r.json.region, 'nord');
  assertProblem(await get('rksyd', `/api/v1/cases/${E.id}`), 404, 'rk-syd after the move');
  assertStatus(await get('rknord', `/api/v1/cases/${E.id}`), 200, 'rk-nord after the move');
  assert.ok((await caseIds(srv, U.rknord)).includes(E.id));
  assert.ok(!(await caseIds(srv, U.rksyd)).includes(E.id));
  assertStatus(await get('pol', `/api/v1/cases/${E.id}`), 200, 'the owner still sees it');
});

test('is_child follows a PATCH of birth_year or age_estimate', async () => {
  const p = await createPerson(srv, U.pol, A.id, { birth_year: CURRENT_YEAR - 30 });
  assert.equal(p.is_child, false);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol, ifMatch: '"1"', body: { birth_year: CURRENT_YEAR - 10 } });
  assertStatus(r, 200);
  assert.equal(r.json.is_child, true);
});

let P2;

test('protected identity: identity only to owner org and NMT coordinators, address only to the owner org', async () => {
  P2 = await createPerson(srv, U.pol, A.id, {
    pseudonym: 'Skyddad', protected_identity: 'protected_address', identity: IDENT_PROT,
  });
  assert.equal(P2.protected_identity, 'protected_address');
  const url = `/api/v1/persons/${P2.id}`;
  for (const who of ['pol', 'pol2']) {
    const r = await getP(who, P2.id);
    assertStatus(r, 200, who);
    assert.deepEqual(r.json.identity, IDENT_PROT, `${who} (owner organization) sees all of it`);
  }
  const n = await getP('nmtc', P2.id);
  assertStatus(n, 200);
  assert.ok(n.json.identity, 'NMT coordinator sees the identity');
  assert.equal(n.json.identity.full_name, IDENT_PROT.full_name);
  assert.equal(n.json.identity.id_number, IDENT_PROT.id_number);
  assert.ok(!n.json.identity.address, 'NMT coordinator must not get the address');
  assert.ok(!n.text.includes(IDENT_PROT.address), 'address leaks to the NMT coordinator');
  for (const who of ['rksyd', 'mig']) { // regional coordinator; full member of another org
    const r = await getP(who, P2.id);
    assertStatus(r, 200, who);
    assert.ok(!('identity' in r.json), `${who} must not get the identity of a protected person`);
    for (const v of Object.values(IDENT_PROT)) assert.ok(!r.text.includes(v), `${who}: leaks ${v}`);
  }
  const c = await get('pol', `/api/v1/cases/${A.id}`);
  const s = c.json.persons.find((x) => x.id === P2.id);
  assert.equal(s.protected_identity, 'protected_address');
});

test('writers who may not see (all of) a protected identity do not get it echoed back', async () => {
  const prot = { ...IDENT_PROT, full_name: 'Echo Skyddsson', address: 'Ekovägen 9' };
  // NMT coordinator: identity yes, address no.
  const n = await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`,
    { auth: U.nmtc, body: personBody({ protected_identity: 'protected_address', identity: prot }) });
  assertStatus(n, 201);
  assert.ok(!('identity' in n.json), 'the create answer carries no identity');
  const nr = await getP('nmtc', n.json.id);
  assert.equal(nr.json.identity && nr.json.identity.full_name, prot.full_name);
  assert.ok(!nr.text.includes(prot.address), 'address revealed to the NMT coordinator');
  // Regional coordinator and a full member of another organization: no identity at all.
  for (const who of ['rksyd', 'mig']) {
    const r = await api(srv, 'POST', `/api/v1/cases/${A.id}/persons`,
      { auth: U[who], body: personBody({ protected_identity: 'protected_address', identity: prot }) });
    assertStatus(r, 201, who);
    assert.ok(!('identity' in r.json), `${who}: identity echoed back`);
    assert.ok(!r.text.includes(prot.full_name) && !r.text.includes(prot.address), `${who}: identity in the body`);
    // ...but it was stored: the owner organization sees it.
    const o = await getP('pol', r.json.id);
    assert.deepEqual(o.json.identity, prot, `${who}'s write is readable by the owner organization`);
    // A PATCH answer does not carry it either.
    const pr = await api(srv, 'PATCH', `/api/v1/persons/${r.json.id}`,
      { auth: U[who], ifMatch: `"${r.json.version}"`, body: { languages: ['sv'] } });
    assertStatus(pr, 200, `${who} PATCH`);
    assert.ok(!('identity' in pr.json), `${who}: identity in the PATCH answer`);
  }
  // And a PATCH by the NMT coordinator does not reveal the address.
  const np = await api(srv, 'PATCH', `/api/v1/persons/${P2.id}`,
    { auth: U.nmtc, ifMatch: `"${P2.version}"`, body: { languages: ['sv', 'en'] } });
  assertStatus(np, 200);
  assert.ok(!np.text.includes(IDENT_PROT.address), 'address in the NMT coordinator\'s PATCH answer');
  const again = await getP('pol', P2.id);
  assert.deepEqual(again.json.identity, IDENT_PROT, 'the identity is unchanged by a PATCH without identity');
});

test('protected identity "marked" and "fictitious" are stricter too', async () => {
  for (const kind of ['marked', 'fictitious']) {
    const p = await createPerson(srv, U.pol, A.id, {
      protected_identity: kind, identity: ident(`Namn ${kind}`, { address: `Gata ${kind}` }),
    });
    const rk = await getP('rksyd', p.id);
    assertStatus(rk, 200);
    assert.ok(!('identity' in rk.json), `${kind}: regional coordinator gets no identity`);
    const mg = await getP('mig', p.id);
    assert.ok(!('identity' in mg.json), `${kind}: full member of another org gets no identity`);
    const n = await getP('nmtc', p.id);
    assert.equal(n.json.identity && n.json.identity.full_name, `Namn ${kind}`, `${kind}: NMT coordinator`);
    assert.ok(!n.text.includes(`Gata ${kind}`), `${kind}: address not for the NMT coordinator`);
    const o = await getP('pol2', p.id);
    assert.equal(o.json.identity.address, `Gata ${kind}`, `${kind}: owner organization gets the address`);
  }
});

test('the identity is not stored in clear text', async (t) => {
  // Make sure what we look for was really stored (readable through the API).
  const g = await getP('pol', P1.id);
  assert.equal(g.json.identity.full_name, IDENT.full_name);
  await srv.stop();
  const bytes = await srv.db.dump();
  assert.ok(bytes.length > 0, 'database dump is empty');
  // Diagnostic only: non-identity data is usually findable (shows the dump method works).
  if (!bytes.includes(Buffer.from(SECRET_WORD, 'utf8'))) {
    t.diagnostic('case title not found in clear text in the dump either (all data encrypted?)');
  }
  for (const ident of [IDENT, IDENT_PROT]) {
    for (const [k, v] of Object.entries(ident)) {
      if (k === 'date_of_birth') continue;
      const raw = Buffer.from(v, 'utf8');
      assert.ok(!bytes.includes(raw), `identity.${k} ${JSON.stringify(v)} found in clear text in the database`);
      assert.ok(!bytes.includes(Buffer.from(raw.toString('hex'))), `identity.${k} found hex-encoded in the database`);
    }
  }
});
