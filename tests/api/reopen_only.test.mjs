// Reopening a closed case changes nothing but its status: a PATCH that
// reopens and also edits the case answers 409 and leaves the case closed
// and as it was; reopened, the case takes the edit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus, createCase } from './harness.mjs';

let srv;
let U;

before(async () => {
  srv = await startServer();
  U = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});

after(async () => { await srv?.stop(); });

test('a reopening that also edits the case is refused and changes nothing', async () => {
  const c = await createCase(srv, U.token, { title: 'Före stängning', county: '12' });
  const url = `/api/v1/cases/${c.id}`;
  assertStatus(await api(srv, 'PATCH', url, {
    token: U.token, ifMatch: `"${c.version}"`, body: { status: 'closed', closing_reason: 'contact_lost' },
  }), 200);
  const closed = (await api(srv, 'GET', url, { token: U.token })).json;
  assert.equal(closed.status, 'closed');

  for (const extra of [{ title: 'Ändrad vid öppning' }, { summary: 'Ny text' }, { county: '01' }]) {
    const r = await api(srv, 'PATCH', url, {
      token: U.token, ifMatch: `"${closed.version}"`,
      body: { status: 'open', reopen_reason: 'Ny uppgift från polisen.', ...extra },
    });
    assertStatus(r, 409, JSON.stringify(extra));
    const now = (await api(srv, 'GET', url, { token: U.token })).json;
    assert.equal(now.status, 'closed');
    assert.equal(now.version, closed.version);
    assert.equal(now.title, 'Före stängning');
    assert.equal(now.county, '12');
    assert.equal(now.reopen_reason, null);
  }

  const reopened = await api(srv, 'PATCH', url, {
    token: U.token, ifMatch: `"${closed.version}"`, body: { status: 'open', reopen_reason: 'Ny uppgift från polisen.' },
  });
  assertStatus(reopened, 200);
  assert.equal(reopened.json.status, 'open');
  const edited = await api(srv, 'PATCH', url, {
    token: U.token, ifMatch: `"${reopened.json.version}"`, body: { title: 'Efter öppning' },
  });
  assertStatus(edited, 200);
  assert.equal(edited.json.title, 'Efter öppning');
});
