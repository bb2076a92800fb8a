// Input at the edges of the contract (docs/openapi.yaml): an identity block with no value in it
// is no identity; the audit filters refuse an unknown action and a range that ends before it
// starts; the field error of a closed vocabulary lists the valid codes, never the value sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertFieldError, assertStatus, createCase, createPerson,
  personBody, personWithIdentity,
} from './harness.mjs';
import { doc } from './contract.mjs';

let srv;
const U = {};
let C;

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  C = await createCase(srv, U.pol, { title: 'Kanter', county: '12' });
});

after(async () => { await srv?.stop(); });

/** The person as its owner reads it, with the identity it reveals (absent when none). */
async function read(id) {
  const r = await personWithIdentity(srv, U.pol, id);
  assertStatus(r, 200);
  return r.json;
}

/** The person's change history, newest first. */
async function historyOf(id) {
  const r = await api(srv, 'GET', `/api/v1/persons/${id}/history`, { auth: U.pol });
  assertStatus(r, 200);
  return r.json.items;
}

const EMPTY_IDENTITIES = [
  {},
  { full_name: '\u00a0' },
  { full_name: '  ', phone: '', address: ' \n ' },
  { full_name: null, id_number: '\u2003' },
];

test('an identity with no value in it stores no identity on create', async () => {
  const none = await read((await createPerson(srv, U.pol, C.id)).id);
  assert.equal(none.has_identity, false);
  assert.deepEqual(none.identity, {}, 'a person without identity reveals an empty block');
  for (const identity of EMPTY_IDENTITIES) {
    const p = await createPerson(srv, U.pol, C.id, { identity });
    assert.equal(p.has_identity, false, JSON.stringify(identity));
    const got = await read(p.id);
    assert.equal(got.has_identity, false, JSON.stringify(identity));
    assert.deepEqual(got.identity, {}, 'revealed as a person without identity');
  }
});

test('an empty field of an identity is no value; the others are kept', async () => {
  const p = await createPerson(srv, U.pol, C.id, { identity: { full_name: ' Ana Popescu ', phone: ' ' } });
  assert.equal(p.has_identity, true);
  const got = await read(p.id);
  assert.deepEqual(got.identity, { full_name: 'Ana Popescu' }, 'trimmed; a blank phone is no phone');
});

test('PATCH with an identity with no value removes the stored one, as null does', async () => {
  for (const identity of EMPTY_IDENTITIES) {
    const p = await createPerson(srv, U.pol, C.id, { identity: { full_name: 'Ana Popescu', phone: '0701234567' } });
    assert.equal(p.has_identity, true);
    const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
      { auth: U.pol, ifMatch: `"${p.version}"`, body: { identity } });
    assertStatus(r, 200, JSON.stringify(identity));
    assert.equal(r.json.has_identity, false, JSON.stringify(identity));
    const got = await read(p.id);
    assert.equal(got.has_identity, false);
    assert.deepEqual(got.identity, {}, 'the block is gone');
    const [last] = await historyOf(p.id);
    assert.deepEqual(last.changes.map((ch) => ch.field).sort(), ['identity.full_name', 'identity.phone']);
  }
});

test('PATCH with an empty identity on a person without one changes nothing', async () => {
  const p = await createPerson(srv, U.pol, C.id);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol, ifMatch: `"${p.version}"`, body: { identity: { full_name: ' ' } } });
  assertStatus(r, 200);
  assert.equal(r.json.has_identity, false);
  assert.deepEqual(await historyOf(p.id), [], 'no change recorded');
});

/** The 400 of an audit read, naming field. */
function assertAuditError(r, field, what) {
  const j = assertFieldError(r, field, what);
  assert.deepEqual(j.errors.map((e) => e.field), [field], what);
  return j.errors[0];
}

test('the audit filters refuse an action that is not an audit action, naming action', async () => {
  for (const path of ['/api/v1/audit', '/api/v1/audit/export']) {
    for (const action of ['bogus', 'case', 'CASE.READ', 'case.read ', 'person.identity']) {
      const r = await api(srv, 'GET', `${path}?action=${encodeURIComponent(action)}`, { auth: U.auditor });
      const e = assertAuditError(r, 'action', `${path} ${action}`);
      assert.equal(e.code, 'invalid_value');
      // Every action listed (later capabilities add theirs after key.rotate).
      // Later capabilities add their actions after key.rotate (intake: consultation.*).
      assert.match(e.message, /^Ogiltigt värde\. Tillåtna: audit\.read, audit\.export, .*case\.read, .*key\.rotate(, [a-z_.]+)*\.$/);
      assert.ok(!e.message.includes('bogus'));
    }
  }
});

test('every documented audit action is a filter the server takes', async () => {
  const actions = doc.components.schemas.AuditAction.enum;
  assert.ok(actions.length >= 30);
  for (const action of actions) {
    const r = await api(srv, 'GET', `/api/v1/audit?limit=1&action=${action}`, { auth: U.auditor });
    assertStatus(r, 200, action);
    assert.ok(r.json.items.every((e) => e.action === action), action);
  }
  const r = await api(srv, 'GET', '/api/v1/audit?action=case.create', { auth: U.auditor });
  assertStatus(r, 200);
  assert.ok(r.json.items.some((e) => e.action === 'case.create' && e.case === C.id));
});

test('a range whose to lies before its from is a 400 naming to, on list and export', async () => {
  const ranges = [
    ['2026-03-02', '2026-03-01'],
    ['2026-03-01T10:00:00Z', '2026-03-01T09:59:59Z'],
    ['2026-03-02T00:00:00Z', '2026-03-01'], // the date ends at 23:00Z (Swedish midnight)
  ];
  for (const path of ['/api/v1/audit', '/api/v1/audit/export']) {
    for (const [from, to] of ranges) {
      const r = await api(srv, 'GET', `${path}?from=${from}&to=${to}`, { auth: U.auditor });
      const e = assertAuditError(r, 'to', `${path} ${from}..${to}`);
      assert.equal(e.code, 'out_of_range');
    }
  }
});

test('a range of one day or one instant is valid, and holds what happened then', async () => {
  const all = await api(srv, 'GET', `/api/v1/audit?case=${C.id}&action=case.create`, { auth: U.auditor });
  assertStatus(all, 200);
  const at = all.json.items[0].at.replace(/\.\d+Z$/, 'Z');
  for (const [from, to] of [[at, at], ['2026-03-01', '2026-03-01']]) {
    for (const path of ['/api/v1/audit', '/api/v1/audit/export']) {
      const r = await api(srv, 'GET', `${path}?from=${from}&to=${to}`, { auth: U.auditor });
      assertStatus(r, 200, `${path} ${from}..${to}`);
    }
  }
  const r = await api(srv, 'GET', `/api/v1/audit?case=${C.id}&action=case.create&from=${at}&to=${at}`,
    { auth: U.auditor });
  assertStatus(r, 200);
  assert.equal(r.json.items.length, 1, 'the creation, at that second');
});

test('an invalid journal kind names the valid kinds, not the value sent', async () => {
  const r = await api(srv, 'POST', `/api/v1/cases/${C.id}/journal`,
    { auth: U.pol, body: { kind: 'Ana Popescu', text: 'Samtal med socialtjänsten.' } });
  const e = assertAuditError(r, 'kind', 'kind');
  assert.equal(e.code, 'invalid_value');
  assert.equal(e.message, 'Ogiltigt värde. Tillåtna: note, call, meeting, decision.');
  const list = await api(srv, 'GET', `/api/v1/cases/${C.id}/journal`, { auth: U.pol });
  assertStatus(list, 200);
  assert.deepEqual(list.json.items, [], 'nothing written');
});

test('every vocabulary field and code list item lists its codes', async () => {
  const vocab = (await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.pol })).json;
  const listed = (name) => `Ogiltigt värde. Tillåtna: ${vocab[name].map((t) => t.code).join(', ')}.`;
  const person = await api(srv, 'POST', `/api/v1/cases/${C.id}/persons`, {
    auth: U.pol,
    body: personBody({ gender: 'x', protected_identity: 'secret', vulnerabilities: ['poverty', 'x'] }),
  });
  const errs = Object.fromEntries(assertFieldError(person, 'gender').errors.map((e) => [e.field, e.message]));
  assert.deepEqual(errs, {
    gender: listed('genders'),
    protected_identity: listed('protection_levels'),
    'vulnerabilities[1]': listed('vulnerabilities'),
  });
  const kase = await api(srv, 'POST', '/api/v1/cases',
    { auth: U.pol, body: { title: 'T', summary: 's', county: '12', exploitation: ['x'] } });
  assert.equal(assertFieldError(kase, 'exploitation[0]').errors[0].message, listed('exploitation_forms'));
  const q = await api(srv, 'GET', '/api/v1/cases?status=x', { auth: U.pol });
  assert.equal(assertFieldError(q, 'status').errors[0].message, listed('case_statuses'));
});
