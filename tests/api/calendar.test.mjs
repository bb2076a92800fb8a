// Civil dates are Swedish (Europe/Stockholm), not UTC. With the server's clock at 23:30 UTC on
// 31 December 2026 it is 00:30 on New Year's Day 2027 in Sweden: a date of birth of that day is
// not in the future, a person born on 1 January 2009 is 18, and a new case is numbered 2027.
// An hour earlier (23:30 on 31 December in Sweden) all three are the other way round.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, createPerson,
  personBody, swedishDate,
} from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});

after(async () => { await srv?.close(); });

const addPerson = (caseId, over) =>
  api(srv, 'POST', `/api/v1/cases/${caseId}/persons`, { auth: U.pol, body: personBody(over) });

test('23:30 Swedish time on 31 December (22:30 UTC): still 2026', async () => {
  srv.setClock('2026-12-31T22:30:00Z');
  assert.equal(swedishDate(srv.now()), '2026-12-31');
  const c = await createCase(srv, U.pol);
  assert.match(c.number, /^NMT-2026-\d{5}$/, c.number);
  assertFieldError(await addPerson(c.id, { identity: { date_of_birth: '2027-01-01' } }),
    'identity.date_of_birth', 'born tomorrow (Swedish)');
  assertFieldError(await addPerson(c.id, { birth_year: 2027 }), 'birth_year', 'born next year');
  const p = await createPerson(srv, U.pol, c.id, { identity: { date_of_birth: '2009-01-01' } });
  assert.equal(p.is_child, true, 'turns 18 tomorrow: still a child');
});

test('00:30 Swedish time on New Year\'s Day (23:30 UTC on 31 December): 2027', async () => {
  srv.setClock('2026-12-31T23:30:00Z');
  assert.equal(swedishDate(srv.now()), '2027-01-01');

  const c = await createCase(srv, U.pol);
  assert.match(c.number, /^NMT-2027-\d{5}$/, `a case made at 00:30 on New Year's Day: ${c.number}`);
  const c2 = await createCase(srv, U.pol);
  assert.match(c2.number, /^NMT-2027-\d{5}$/);
  assert.equal(Number(c2.number.slice(-5)), Number(c.number.slice(-5)) + 1, 'numbered on in 2027');

  const born = await addPerson(c.id, { identity: { date_of_birth: '2027-01-01' } });
  assertStatus(born, 201, 'a date of birth of the Swedish today is not in the future');
  assert.equal(born.json.is_child, true);
  assertStatus(await addPerson(c.id, { birth_year: 2027 }), 201, 'birth year of the Swedish today');
  assertFieldError(await addPerson(c.id, { identity: { date_of_birth: '2027-01-02' } }),
    'identity.date_of_birth', 'tomorrow is still in the future');

  const adult = await createPerson(srv, U.pol, c.id, { identity: { date_of_birth: '2009-01-01' } });
  assert.equal(adult.is_child, false, 'turns 18 on this Swedish day: not a child');
  const child = await createPerson(srv, U.pol, c.id, { identity: { date_of_birth: '2009-01-02' } });
  assert.equal(child.is_child, true, 'turns 18 tomorrow: a child');

  // The rule keeps the registration day: an edit a day later changes nothing.
  srv.advanceClock(86400);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${child.id}`,
    { auth: U.pol, ifMatch: `"${child.version}"`, body: { pseudonym: 'Ändrad' } });
  assertStatus(r, 200);
  assert.equal(r.json.is_child, true, 'still a child as of the registration day');
});

test('00:30 Swedish summer time (22:30 UTC): the Swedish date', async () => {
  srv.setClock('2026-06-15T22:30:00Z');
  assert.equal(swedishDate(srv.now()), '2026-06-16');
  const c = await createCase(srv, U.pol);
  assertStatus(await addPerson(c.id, { identity: { date_of_birth: '2026-06-16' } }), 201, 'born today (Swedish)');
  const adult = await createPerson(srv, U.pol, c.id, { identity: { date_of_birth: '2008-06-16' } });
  assert.equal(adult.is_child, false, '18 today');
});
