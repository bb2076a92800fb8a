// The duplicate check, POST /api/v1/persons/match (API.md "Consultations
// (intake)"): pseudonyms folded (Unicode case folding, å/ä/ö letters of their
// own) among the persons the caller sees, narrowed by birth year and
// citizenship; identity numbers and names with dates of birth through keyed
// blind indexes anywhere, a match the caller may not see answered only as
// "elsewhere"; every query audited, flagged when it found a match elsewhere;
// and the blind indexes reveal nothing without the key file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  startServer, addUserWithToken, api, assertFieldError, assertProblem, assertStatus, createCase,
  createPerson,
} from './harness.mjs';

let srv;
let A; // member, POLISEN-SYD: owns case CA (Skåne, region syd)
let B; // member, POLISEN-VAST: owns case CB (Västra Götaland, region vast)
let S; // coordinator of the NMT secretariat
let R; // regional coordinator, syd
let CA;
let CB;
const P = {}; // persons by name

const match = (u, body) => api(srv, 'POST', '/api/v1/persons/match', { token: u.token, body });
async function matchOk(u, body) {
  const r = await match(u, body);
  assertStatus(r, 200, `match ${JSON.stringify(body)}`);
  return r.json;
}
const ids = (res) => res.matches.map((m) => m.person).sort();

before(async () => {
  srv = await startServer();
  A = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  B = await addUserWithToken(srv, { org: 'POLISEN-VAST', role: 'member' });
  S = await addUserWithToken(srv, { org: 'NMT', role: 'coordinator' });
  R = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  CA = await createCase(srv, A.token, { title: 'Ärende A', county: '12' });
  CB = await createCase(srv, B.token, { title: 'Ärende B', county: '14' });
  P.asaA = await createPerson(srv, A.token, CA.id, { pseudonym: 'Åsa' });
  P.strasse = await createPerson(srv, A.token, CA.id, { pseudonym: 'Straße Ett' });
  P.istanbul = await createPerson(srv, A.token, CA.id, { pseudonym: 'İstanbul' });
  P.mira90 = await createPerson(srv, A.token, CA.id, { pseudonym: 'Mira', birth_year: 1990, citizenship: 'RO' });
  P.mira95 = await createPerson(srv, A.token, CA.id, { pseudonym: 'Mira', birth_year: 1995, citizenship: 'BG' });
  P.miraX = await createPerson(srv, A.token, CA.id, { pseudonym: 'mira' });
  P.asaB = await createPerson(srv, B.token, CB.id, { pseudonym: 'Åsa' });
  P.idB = await createPerson(srv, B.token, CB.id, {
    pseudonym: 'Lejla', identity: { id_number: '19850709-9805', full_name: 'Lejla Ölund' },
  });
  P.nameB = await createPerson(srv, B.token, CB.id, {
    pseudonym: 'Nadia', identity: { full_name: 'Maria  José Ölund', date_of_birth: '1992-03-04' },
  });
  P.otherB = await createPerson(srv, B.token, CB.id, {
    pseudonym: 'Oana', identity: { id_number: 'ab 12-345 678' },
  });
});

after(async () => { await srv?.close(); });

test('a pseudonym matches with full case folding; å, ä and ö are letters of their own', async () => {
  for (const q of ['åsa', 'ÅSA', ' Åsa ', 'A\u030Asa']) {
    const r = await matchOk(A, { pseudonym: q });
    assert.deepEqual(ids(r), [P.asaA.id], q);
    assert.deepEqual(r.matches[0], {
      person: P.asaA.id, case: CA.id, number: CA.number, pseudonym: 'Åsa', reason: 'pseudonym', reasons: ['pseudonym'],
    });
    assert.equal(r.elsewhere, false);
  }
  for (const q of ['Asa', 'Äsa', 'Osa']) assert.deepEqual(ids(await matchOk(A, { pseudonym: q })), [], q);
  // Full folding: ß is ss, and white space runs are one space.
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'STRASSE   ETT' })), [P.strasse.id]);
  // İ folds to i with a dot above, which is dropped: İstanbul = ISTANBUL = istanbul; the dotless ı is its own letter.
  for (const q of ['istanbul', 'ISTANBUL', 'İSTANBUL', 'i̇stanbul']) {
    assert.deepEqual(ids(await matchOk(A, { pseudonym: q })), [P.istanbul.id], q);
  }
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'ıstanbul' })), []);
});

test('birth year and citizenship narrow a pseudonym match; an unrecorded value does not exclude', async () => {
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'MIRA' })), [P.mira90.id, P.mira95.id, P.miraX.id].sort());
  const r = await matchOk(A, { pseudonym: 'mira', birth_year: 1990 });
  assert.deepEqual(ids(r), [P.mira90.id, P.miraX.id].sort());
  const r2 = await matchOk(A, { pseudonym: 'mira', birth_year: 1990, citizenship: 'RO' });
  const by = Object.fromEntries(r2.matches.map((m) => [m.person, m]));
  assert.deepEqual(Object.keys(by).sort(), [P.mira90.id, P.miraX.id].sort());
  assert.deepEqual(by[P.mira90.id].reasons, ['pseudonym', 'birth_year', 'citizenship']);
  assert.deepEqual(by[P.miraX.id].reasons, ['pseudonym']);
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'mira', citizenship: 'BG' })), [P.mira95.id, P.miraX.id].sort());
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'mira', birth_year: 2001, citizenship: 'SE' })), [P.miraX.id]);
});

test('pseudonyms match only among the persons the caller sees; the secretariat sees every match', async () => {
  const a = await matchOk(A, { pseudonym: 'åsa' });
  assert.deepEqual(ids(a), [P.asaA.id]);
  assert.equal(a.elsewhere, false, 'a pseudonym elsewhere is not even hinted at');
  assert.deepEqual(ids(await matchOk(B, { pseudonym: 'åsa' })), [P.asaB.id]);
  const s = await matchOk(S, { pseudonym: 'åsa' });
  assert.deepEqual(ids(s), [P.asaA.id, P.asaB.id].sort());
  assert.equal(s.elsewhere, false);
  // The regional coordinator of syd sees its region's case CA, not CB (vast).
  assert.deepEqual(ids(await matchOk(R, { pseudonym: 'åsa' })), [P.asaA.id]);
});

test('an identity number matches in any common form; outside the caller\'s cases only as elsewhere', async () => {
  for (const q of ['19850709-9805', '198507099805', '850709-9805', '8507099805', '850709 9805', '１９８５０７０９９８０５']) {
    const b = await matchOk(B, { identity: { id_number: q } });
    assert.deepEqual(b.matches, [{
      person: P.idB.id, case: CB.id, number: CB.number, pseudonym: 'Lejla', reason: 'id_number', reasons: ['id_number'],
    }], q);
    assert.equal(b.elsewhere, false);
    const a = await matchOk(A, { identity: { id_number: q } });
    assert.deepEqual(a, { matches: [], elsewhere: true }, `${q}: nothing but elsewhere`);
  }
  // Another check digit, another person; '+' means 100 years or older (1885).
  for (const q of ['850709-9806', '850709+9805', '19850710-9805']) {
    assert.deepEqual(await matchOk(A, { identity: { id_number: q } }), { matches: [], elsewhere: false }, q);
    assert.deepEqual(ids(await matchOk(B, { identity: { id_number: q } })), [], q);
  }
  // Other numbers: folded, spaces and dashes ignored.
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: 'AB12345678' } })), [P.otherB.id]);
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: 'ab–12 345–678' } })), [P.otherB.id]);
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: 'AB12345679' } })), []);
  // The secretariat sees the match itself; the regional coordinator of syd does not see CB.
  const s = await matchOk(S, { identity: { id_number: '8507099805' } });
  assert.deepEqual(ids(s), [P.idB.id]);
  assert.equal(s.elsewhere, false);
  assert.deepEqual(await matchOk(R, { identity: { id_number: '8507099805' } }), { matches: [], elsewhere: true });
});

test('an identity match on a person whose identity the caller may not read is only elsewhere', async () => {
  // A pseudonymous member sees the case and the person, never the identity: a query by the person's
  // identity number or name must not confirm it (no listed match, only elsewhere), while its
  // pseudonym still matches. The same for a protected identity and a team member with full access.
  const M = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  const F = await addUserWithToken(srv, { org: 'SOS-AVV', role: 'member' });
  const c = await createCase(srv, B.token, { title: 'Ärende C', county: '14' });
  for (const [organization, access] of [['MIGRATIONSVERKET', 'pseudonymous'], ['SOS-AVV', 'full']]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { token: B.token, body: { organization, access } }), 201);
  }
  const plain = await createPerson(srv, B.token, c.id, {
    pseudonym: 'Vera', identity: { id_number: '19900102-1237', full_name: 'Vera Ek', date_of_birth: '1990-01-02' },
  });
  const prot = await createPerson(srv, B.token, c.id, {
    pseudonym: 'Ylva', protected_identity: 'protected_address', identity: { id_number: '19910203-1235' },
  });
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${plain.id}/identity`, { token: M.token }), 404);
  for (const identity of [{ id_number: '900102-1237' }, { full_name: 'Vera Ek', date_of_birth: '1990-01-02' }]) {
    assert.deepEqual(await matchOk(M, { identity }), { matches: [], elsewhere: true }, JSON.stringify(identity));
    assert.deepEqual(ids(await matchOk(F, { identity })), [plain.id], 'full access reads the identity');
  }
  const both = await matchOk(M, { pseudonym: 'Vera', identity: { id_number: '900102-1237' } });
  assert.deepEqual(both.matches.map((m) => [m.person, m.reasons]), [[plain.id, ['pseudonym']]]);
  assert.equal(both.elsewhere, true);
  // A protected identity: only the owner organization and the secretariat read it.
  assertProblem(await api(srv, 'GET', `/api/v1/persons/${prot.id}/identity`, { token: F.token }), 404);
  assert.deepEqual(await matchOk(F, { identity: { id_number: '910203-1235' } }), { matches: [], elsewhere: true });
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: '910203-1235' } })), [prot.id]);
  assert.deepEqual(ids(await matchOk(S, { identity: { id_number: '910203-1235' } })), [prot.id]);
});

test('a full name with a date of birth matches folded, diacritics kept', async () => {
  const body = (full_name, date_of_birth) => ({ identity: { full_name, date_of_birth } });
  const b = await matchOk(B, body('MARIA JOSÉ ÖLUND', '1992-03-04'));
  assert.deepEqual(b.matches.map((m) => [m.person, m.reason]), [[P.nameB.id, 'name_and_date_of_birth']]);
  assert.deepEqual(await matchOk(A, body('maria josé ölund', '1992-03-04')), { matches: [], elsewhere: true });
  assert.deepEqual(ids(await matchOk(B, body('Maria Jose Olund', '1992-03-04'))), [], 'diacritics kept');
  assert.deepEqual(ids(await matchOk(B, body('Maria José Ölund', '1992-03-05'))), [], 'another day');
  // A name without a date of birth (Lejla Ölund) is not indexed: no match by name alone.
  assert.deepEqual(await matchOk(A, body('Lejla Ölund', '1985-07-09')), { matches: [], elsewhere: false });
});

test('an identity change moves the blind indexes with it', async () => {
  const p = await createPerson(srv, A.token, CA.id, { pseudonym: 'Vera', identity: { id_number: '19700101-1111' } });
  assert.deepEqual(ids(await matchOk(A, { identity: { id_number: '700101-1111' } })), [p.id]);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: A.token, ifMatch: `"${p.version}"`, body: { identity: { id_number: '19700101-2222' } },
  });
  assertStatus(r, 200);
  assert.deepEqual(ids(await matchOk(A, { identity: { id_number: '700101-1111' } })), []);
  assert.deepEqual(ids(await matchOk(A, { identity: { id_number: '700101-2222' } })), [p.id]);
  const r2 = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: A.token, ifMatch: `"${r.json.version}"`, body: { pseudonym: 'Vendela' },
  });
  assertStatus(r2, 200);
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'vera' })), []);
  assert.deepEqual(ids(await matchOk(A, { pseudonym: 'VENDELA' })), [p.id]);
});

test('bad input is a 400 naming the field', async () => {
  assertFieldError(await match(A, {}), 'pseudonym');
  assertFieldError(await match(A, { pseudonym: '   ' }), 'pseudonym');
  assertFieldError(await match(A, { birth_year: 1990, citizenship: 'RO' }), 'pseudonym');
  assertFieldError(await match(A, { identity: { full_name: 'Maria' } }), 'identity.date_of_birth');
  assertFieldError(await match(A, { identity: { date_of_birth: '1992-03-04' } }), 'identity.full_name');
  const unknown = await match(A, { pseudonym: 'x', nickname: 'y' });
  assert.ok(assertFieldError(unknown, '').errors.some((e) => e.code === 'unknown_field'), unknown.text);
  assertFieldError(await match(A, { pseudonym: 'x', citizenship: 'ZZ' }), 'citizenship');
  assertFieldError(await match(A, { pseudonym: 'x', birth_year: 1800 }), 'birth_year');
  assertFieldError(await match(A, { identity: { full_name: 'M', date_of_birth: '1992-13-01' } }), 'identity.date_of_birth');
  assertFieldError(await match(A, { pseudonym: 'x', case: 'not-a-case' }), 'case');
  // A case the caller may not see and one that does not exist: the same 400.
  const hidden = await match(A, { pseudonym: 'x', case: CB.id });
  const missing = await match(A, { pseudonym: 'x', case: '00000000-0000-4000-8000-000000000000' });
  assertFieldError(hidden, 'case');
  assertFieldError(missing, 'case');
  assert.deepEqual(hidden.json.errors, missing.json.errors);
  // No identity value is echoed in an error.
  const r = await match(A, { identity: { id_number: '19850709-9805', full_name: 'Hemlig Person' } });
  assertFieldError(r, 'identity.date_of_birth');
  assert.ok(!r.text.includes('9805') && !r.text.includes('Hemlig'), r.text);
});

test('roles without case work get 403', async () => {
  for (const [org, role] of [['NMT', 'admin'], ['NMT', 'analyst'], ['NMT', 'auditor'], ['SOS-AVV', 'requester']]) {
    const u = await addUserWithToken(srv, { org, role });
    assertProblem(await match(u, { pseudonym: 'åsa' }), 403, role);
  }
});

test('every query is audited; one that finds a match elsewhere is flagged and names both cases for the secretariat', async () => {
  const before = await api(srv, 'GET', `/api/v1/cases/${CA.id}`, { token: A.token });
  await matchOk(A, { pseudonym: 'åsa', case: CA.id });
  const a = await matchOk(A, { identity: { id_number: '850709-9805' }, case: CA.id });
  assert.equal(a.elsewhere, true);
  const after = await api(srv, 'GET', `/api/v1/cases/${CA.id}`, { token: A.token });
  assert.equal(after.json.version, before.json.version, 'a check changes nothing in the case');

  const log = await api(srv, 'GET', '/api/v1/audit?action=person.match&limit=200', { token: S.token });
  assertStatus(log, 200);
  const mine = log.json.items.filter((e) => e.actor === A.username && (e.case === CA.id || e.object === `case:${CA.id}`));
  // Newest first: the flagged entry on the matched case, the flagged query, the plain query.
  assert.deepEqual(mine.slice(0, 3).map((e) => [e.action, e.case, e.object, e.flagged, e.organization]), [
    ['person.match', CB.id, `case:${CA.id}`, true, 'POLISEN-SYD'],
    ['person.match', CA.id, null, true, 'POLISEN-SYD'],
    ['person.match', CA.id, null, false, 'POLISEN-SYD'],
  ]);
  assert.equal(mine[0].case_number, CB.number);
  assert.ok(!log.text.includes('9805') && !log.text.includes('åsa'), 'no queried value in the log');
  const flagged = await api(srv, 'GET', '/api/v1/audit?action=person.match&flagged=true&limit=200', { token: S.token });
  assertStatus(flagged, 200);
  assert.ok(flagged.json.items.length >= 2 && flagged.json.items.every((e) => e.flagged));
  assert.ok(flagged.json.items.some((e) => e.case === CB.id && e.object === `case:${CA.id}` && e.actor === A.username));

  // The matched case's log shows the probe to those who see that case.
  const bLog = await api(srv, 'GET', `/api/v1/audit?case=${CB.id}&action=person.match`, { token: S.token });
  assert.ok(bLog.json.items.some((e) => e.object === `case:${CA.id}` && e.flagged));
  // Only the secretariat reads the whole log's matches: others as before.
  assertStatus(await api(srv, 'GET', '/api/v1/audit?action=person.match', { token: R.token }), 400);
  assertStatus(await api(srv, 'GET', '/api/v1/audit?action=person.read', { token: S.token }), 400);
  assertStatus(await api(srv, 'GET', '/api/v1/audit?action=person.match', { token: A.token }), 403);
  const aud = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const all = await api(srv, 'GET', '/api/v1/audit?action=person.match&flagged=true&limit=200', { token: aud.token });
  assert.ok(all.json.items.some((e) => e.case === CB.id && e.object === `case:${CA.id}`));
});

test('many pseudonym matches never hide an identity match elsewhere; at most 50 are listed', async () => {
  // 201 visible persons named Klon in CA (numbered before CB), and Lejla's number of CB asked with it.
  for (let i = 0; i < 201; i++) await createPerson(srv, A.token, CA.id, { pseudonym: 'Klon' });
  const r = await matchOk(A, { pseudonym: 'klon', identity: { id_number: '850709-9805' } });
  assert.equal(r.elsewhere, true);
  assert.equal(r.matches.length, 50);
  assert.ok(r.matches.every((m) => m.case === CA.id && m.reason === 'pseudonym'));
  const s = await matchOk(S, { pseudonym: 'klon', identity: { id_number: '850709-9805' } });
  assert.equal(s.matches[0].person, P.idB.id, 'the identity match first');
  assert.equal(s.elsewhere, false);
});

// ---- what a copy of the database shows --------------------------------------------------

const IDS = ['19850709-9805', '198507099805', '8507099805', '850709-9805', 'se:198507099805'];
const NAMES = ['nd:maria josé ölund\n1992-03-04', 'maria josé ölund\n1992-03-04', 'maria josé ölund1992-03-04',
  'maria josé ölund 1992-03-04', 'Maria José Ölund', 'maria josé ölund', 'id:ab12345678', 'ab12345678'];
function unkeyed(values) {
  const out = [];
  for (const v of values) {
    for (const alg of ['sha256', 'sha512', 'blake2b512', 'sha1', 'md5']) {
      const h = createHash(alg).update(v, 'utf8').digest();
      out.push(h.toString('hex'), h.toString('base64'), h.toString('base64url'));
    }
    const b2 = createHash('blake2b512').update(v, 'utf8').digest(); // and BLAKE2b-256 (libsodium's default)
    out.push(b2.toString('hex').slice(0, 64));
  }
  return out;
}
async function matchRows(db) {
  const sep = db.kind === 'pg' ? '' : '.separator |\n';
  const out = await db.exec(`${sep}SELECT person_id, key_id, coalesce(id_number_hash, ''), coalesce(name_dob_hash, '') FROM person_match ORDER BY person_id;`);
  return out.trim().split('\n').map((l) => l.split('|'));
}

test('a copy of the database reveals no identity through the blind indexes', async () => {
  const rows = await matchRows(srv.db);
  const byId = Object.fromEntries(rows.map((r) => [r[0], r]));
  assert.match(byId[P.idB.id][2], /^[0-9a-f]{64}$/);
  assert.match(byId[P.nameB.id][3], /^[0-9a-f]{64}$/);
  assert.equal(byId[P.asaA.id][2], '', 'no identity, no index');
  const dump = (await srv.db.dump()).toString('latin1');
  const dumpUtf8 = (await srv.db.dump()).toString('utf8');
  for (const h of unkeyed([...IDS, ...NAMES])) {
    assert.ok(!dump.includes(h) && !dumpUtf8.includes(h), `an unkeyed hash is in the database: ${h}`);
    assert.ok(!rows.some((r) => r.includes(h)));
  }
  for (const v of ['198507099805', '8507099805', '850709-9805', 'José', 'Ölund', 'ab 12-345 678']) {
    assert.ok(!dumpUtf8.includes(v), `clear identity text in the database: ${v}`);
  }
});

test('the indexes change with the key: a rotation rewrites them, matching goes on; init fills in missing rows', async () => {
  const old = Object.fromEntries((await matchRows(srv.db)).map((r) => [r[0], r]));
  const rot = await srv.ctl(['key', 'rotate']);
  assert.equal(rot.code, 0, rot.stderr);
  const now = Object.fromEntries((await matchRows(srv.db)).map((r) => [r[0], r]));
  assert.deepEqual(Object.keys(now).sort(), Object.keys(old).sort());
  for (const id of [P.idB.id, P.nameB.id, P.otherB.id]) {
    assert.notEqual(now[id][1], old[id][1], 'the new master key id');
    for (const col of [2, 3]) {
      if (old[id][col] !== '') assert.notEqual(now[id][col], old[id][col], 'a new index value');
      else assert.equal(now[id][col], '');
    }
  }
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: '850709-9805' } })), [P.idB.id]);
  assert.deepEqual(ids(await matchOk(B, { identity: { full_name: 'maria josé ölund', date_of_birth: '1992-03-04' } })), [P.nameB.id]);
  assert.deepEqual(await matchOk(A, { identity: { id_number: '850709-9805' } }), { matches: [], elsewhere: true });

  // Rows lost (as for persons stored before migration 0014) come back with `nmtctl init`.
  await srv.db.exec(`DELETE FROM person_match WHERE person_id IN ('${P.idB.id}', '${P.asaB.id}');`);
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: '850709-9805' } })), []);
  const init = await srv.ctl(['init']);
  assert.equal(init.code, 0, init.stderr);
  const back = Object.fromEntries((await matchRows(srv.db)).map((r) => [r[0], r]));
  assert.deepEqual(back[P.idB.id], now[P.idB.id]);
  assert.deepEqual(ids(await matchOk(B, { identity: { id_number: '850709-9805' } })), [P.idB.id]);
  assert.deepEqual(ids(await matchOk(B, { pseudonym: 'ÅSA' })), [P.asaB.id]);
});
