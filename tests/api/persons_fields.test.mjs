// A person's languages (ISO 639-1, from GET /api/v1/languages) and
// vulnerability factors (the `vulnerabilities` vocabulary): refused with a
// 400 naming the item when unknown, nothing stored then; kept in order on
// create and on PATCH. The reference data name countries and languages in
// Swedish and English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertFieldError, assertStatus, createCase, createPerson, personBody,
} from './harness.mjs';

let srv;
let U;
let C;

before(async () => {
  srv = await startServer();
  U = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  C = await createCase(srv, U.token, { title: 'Språk och sårbarheter', county: '12' });
});

after(async () => { await srv?.stop(); });

async function personsOfCase() {
  const r = await api(srv, 'GET', `/api/v1/cases/${C.id}`, { token: U.token });
  assertStatus(r, 200);
  return r.json.persons.length;
}

test('GET /api/v1/languages names the ISO 639-1 languages in Swedish and English', async () => {
  const r = await api(srv, 'GET', '/api/v1/languages', { token: U.token });
  assertStatus(r, 200);
  const by = Object.fromEntries(r.json.items.map((x) => [x.code, x]));
  assert.deepEqual(by.ro, { code: 'ro', name: 'rumänska', name_en: 'Romanian' });
  assert.deepEqual(by.sv, { code: 'sv', name: 'svenska', name_en: 'Swedish' });
  assert.deepEqual(by.ti, { code: 'ti', name: 'tigrinja', name_en: 'Tigrinya' });
  assert.equal(r.json.items.length, 184, 'every ISO 639-1 code once');
  assert.ok(r.json.items.every((x) => /^[a-z]{2}$/.test(x.code)));
  const codes = r.json.items.map((x) => x.code);
  assert.deepEqual(codes, [...codes].sort(), 'ordered by code');
});

test('countries are named in Swedish and English', async () => {
  const r = await api(srv, 'GET', '/api/v1/countries', { token: U.token });
  assertStatus(r, 200);
  const by = Object.fromEntries(r.json.items.map((x) => [x.code, x]));
  assert.deepEqual(by.RO, { code: 'RO', name: 'Rumänien', name_en: 'Romania' });
  assert.deepEqual(by.BG, { code: 'BG', name: 'Bulgarien', name_en: 'Bulgaria' });
});

test('the vulnerabilities vocabulary holds NMT\'s factors with both labels', async () => {
  const r = await api(srv, 'GET', '/api/v1/vocabularies', { token: U.token });
  assertStatus(r, 200);
  assert.deepEqual(r.json.vulnerabilities.map((x) => x.code), [
    'limited_knowledge', 'small_network', 'earlier_victimisation', 'poverty', 'exclusion', 'disability',
    'distrust_of_authorities',
  ]);
  const poverty = r.json.vulnerabilities.find((x) => x.code === 'poverty');
  assert.deepEqual(poverty.label, { sv: 'Fattigdom', en: 'Poverty' });
});

test('languages and vulnerabilities round-trip on create, in the order given', async () => {
  const p = await createPerson(srv, U.token, C.id, {
    languages: ['ro', 'en', 'sv'], vulnerabilities: ['poverty', 'small_network'],
  });
  assert.deepEqual(p.languages, ['ro', 'en', 'sv']);
  assert.deepEqual(p.vulnerabilities, ['poverty', 'small_network']);
  const r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { token: U.token });
  assertStatus(r, 200);
  assert.deepEqual(r.json.languages, ['ro', 'en', 'sv']);
  assert.deepEqual(r.json.vulnerabilities, ['poverty', 'small_network']);
});

test('an unknown language is a 400 naming the item, and no person is added', async () => {
  const before = await personsOfCase();
  for (const [list, field] of [
    [['ro', 'xx'], 'languages[1]'],    // not an ISO 639-1 code
    [['RO'], 'languages[0]'],          // upper case: codes are lower case
    [['ron'], 'languages[0]'],         // ISO 639-2, not 639-1
    [['rumänska'], 'languages[0]'],    // a name, not a code
  ]) {
    const r = await api(srv, 'POST', `/api/v1/cases/${C.id}/persons`,
      { token: U.token, body: personBody({ languages: list }) });
    const j = assertFieldError(r, field, JSON.stringify(list));
    const e = j.errors.find((x) => x.field === field);
    assert.equal(e.code, 'invalid_language');
    assert.equal(j.errors.length, 1, `only the bad item is named: ${r.text}`);
  }
  assert.equal(await personsOfCase(), before);
});

test('an unknown vulnerability is a 400 naming the item, and no person is added', async () => {
  const before = await personsOfCase();
  for (const [list, field] of [
    [['poverty', 'Fattigdom'], 'vulnerabilities[1]'], // the label, not the code
    [['homeless'], 'vulnerabilities[0]'],
    [['poverty', 'poverty'], 'vulnerabilities[1]'],   // twice
  ]) {
    const r = await api(srv, 'POST', `/api/v1/cases/${C.id}/persons`,
      { token: U.token, body: personBody({ vulnerabilities: list }) });
    const j = assertFieldError(r, field, JSON.stringify(list));
    assert.equal(j.errors.length, 1, `only the bad item is named: ${r.text}`);
  }
  assert.equal(await personsOfCase(), before);
});

test('PATCH changes the lists; a bad item changes nothing', async () => {
  const p = await createPerson(srv, U.token, C.id, { languages: ['ro'] });
  let r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: U.token, headers: { 'if-match': `"${p.version}"` },
    body: { languages: ['bg', 'ro'], vulnerabilities: ['disability'] },
  });
  assertStatus(r, 200);
  assert.deepEqual(r.json.languages, ['bg', 'ro']);
  assert.deepEqual(r.json.vulnerabilities, ['disability']);
  const version = r.json.version;

  r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: U.token, headers: { 'if-match': `"${version}"` },
    body: { languages: ['sv', 'zz'], vulnerabilities: ['poverty'] },
  });
  assert.equal(assertFieldError(r, 'languages[1]').errors[0].code, 'invalid_language');
  r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: U.token, headers: { 'if-match': `"${version}"` }, body: { vulnerabilities: ['nope'] },
  });
  assertFieldError(r, 'vulnerabilities[0]');

  r = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { token: U.token });
  assert.equal(r.json.version, version, 'refused PATCHes change nothing');
  assert.deepEqual(r.json.languages, ['bg', 'ro']);
  assert.deepEqual(r.json.vulnerabilities, ['disability']);

  r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`, {
    token: U.token, headers: { 'if-match': `"${version}"` }, body: { languages: [], vulnerabilities: [] },
  });
  assertStatus(r, 200);
  assert.deepEqual(r.json.languages, []);
  assert.deepEqual(r.json.vulnerabilities, []);
});

test('a second person with the same pseudonym in a case is accepted (the UI warns)', async () => {
  const a = await createPerson(srv, U.token, C.id, { pseudonym: 'Maria' });
  const b = await createPerson(srv, U.token, C.id, { pseudonym: 'Maria' });
  assert.notEqual(a.id, b.id);
});
