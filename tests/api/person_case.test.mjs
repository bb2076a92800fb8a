// A person answer names its case by number (`case_number`), so the person
// page can say which case it belongs to: on create, read and update, and
// the number of the person's own case, not another one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, createCase, createPerson,
} from './harness.mjs';

let srv;
let U;

before(async () => {
  srv = await startServer();
  U = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});

after(async () => { await srv?.stop(); });

test('a person answer carries its case\'s number on create, read and update', async () => {
  const first = await createCase(srv, U.token, { title: 'Första ärendet', county: '12' });
  const second = await createCase(srv, U.token, { title: 'Andra ärendet', county: '12' });
  assert.notEqual(first.number, second.number);

  const created = await createPerson(srv, U.token, second.id);
  assert.equal(created.case, second.id);
  assert.equal(created.case_number, second.number);

  const read = await api(srv, 'GET', `/api/v1/persons/${created.id}`, { token: U.token });
  assertStatus(read, 200);
  assert.equal(read.json.case_number, second.number);

  const upd = await api(srv, 'PATCH', `/api/v1/persons/${created.id}`, {
    token: U.token, ifMatch: `"${read.json.version}"`, body: { languages: ['ro'] },
  });
  assertStatus(upd, 200);
  assert.equal(upd.json.case_number, second.number);

  const hist = await api(srv, 'GET', `/api/v1/persons/${created.id}/history`, { token: U.token });
  assertStatus(hist, 200);
  assert.ok(hist.json.items.every((it) => it.changes.every((ch) => ch.field !== 'case_number')),
    'the case number is not a change of the person');
});
