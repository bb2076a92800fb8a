// API.md "Cases", docs/openapi.yaml (GET /cases, q): a word search ranks its hits only while its words
// are in few documents (SEARCH_RANK_MAX, 1000; ranking every hit of a word in a third of all cases costs
// more than a page may). Past that the cases come newest matching document first: each case where its
// newest document the caller reads that holds the words puts it (order=asc: oldest first, each at its
// oldest), pages give every case once, and what the caller may not read neither finds nor moves a case.
// A test build lowers the threshold (NMT_TEST_SEARCH_RANK_MAX), so a few documents show both orders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus, createCase } from './harness.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer({ env: { NMT_TEST_SEARCH_RANK_MAX: '3' } });
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // owns the cases
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous on some
});

after(async () => { await srv?.stop(); });

async function entry(c, text, visibility = 'team') {
  const r = await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
    { auth: U.pol, body: { kind: 'note', text, visibility } });
  assertStatus(r, 201, 'journal entry');
}

async function share(c) {
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201, 'team row');
}

// Every page of q for auth with limit, in order; asserts each page's size and the last cursor.
async function pages(auth, q, limit, extra = '') {
  const out = [];
  let cursor = null;
  for (let n = 0; n < 50; n++) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=${q}&limit=${limit}${extra}`
      + `${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`, { auth });
    assertStatus(r, 200);
    out.push(...r.json.items.map((c) => c.id));
    cursor = r.json.next_cursor;
    if (cursor === null) return out;
    assert.equal(r.json.items.length, limit, 'a page with a next one is full');
  }
  assert.fail('no last page');
}

test('few documents are ranked (a title hit first); many come newest matching document first', async () => {
  const title = await createCase(srv, U.pol, { title: 'Pelikan vid bryggan', summary: 'Hamnen' });
  const s2 = await createCase(srv, U.pol, { title: 'Lager', summary: 'En pelikan i lagret' });
  const s3 = await createCase(srv, U.pol, { title: 'Kök', summary: 'pelikan på taket' });
  // Three documents: ranked, the title hit first although it is the oldest.
  let r = await api(srv, 'GET', '/api/v1/cases?q=pelikan', { auth: U.pol });
  assertStatus(r, 200);
  assert.equal(r.json.items[0].id, title.id, 'ranked: the title hit first');
  const s4 = await createCase(srv, U.pol, { title: 'Verkstad', summary: 'Pelikanen och pelikan' });
  await entry(s2, 'Samtal om en pelikan'); // s2's newest document is now the newest of all
  // Five documents: newest matching document first; s2 once, at its journal entry.
  const newest = [s2.id, s4.id, s3.id, title.id];
  r = await api(srv, 'GET', '/api/v1/cases?q=pelikan', { auth: U.pol });
  assertStatus(r, 200);
  assert.deepEqual(r.json.items.map((c) => c.id), newest, 'newest matching document first, the title hit last');
  for (const limit of [1, 2, 3])
    assert.deepEqual(await pages(U.pol, 'pelikan', limit), newest, `pages of ${limit}: every case once, in order`);
  // Ascending: oldest first, each case at its oldest matching document (s2 at its summary).
  const oldest = [title.id, s2.id, s3.id, s4.id];
  assert.deepEqual(await pages(U.pol, 'pelikan', 200, '&order=asc'), oldest, 'order=asc: oldest first');
  assert.deepEqual(await pages(U.pol, 'pelikan', 1, '&order=asc'), oldest, 'pages of 1, ascending');
  // A prefix is in as many documents as its words: the same rule.
  assert.deepEqual(await pages(U.pol, 'pelik', 2), newest, 'a prefix: newest matching document first');
  // An asked sort orders as asked, every case once.
  assert.deepEqual(await pages(U.pol, 'pelikan', 2, '&sort=number&order=asc'), [title.id, s2.id, s3.id, s4.id]);
});

test('a full entry moves a case only for those who read it; a page of a narrow scope reads on', async () => {
  const mine = [];
  for (let i = 0; i < 4; i++) mine.push(await createCase(srv, U.pol, { title: `Skarv ${i}`, summary: 'skarvfågel' }));
  for (const c of mine) await share(c);
  // Newer documents the member does not read: twenty cases not shared, and a full entry.
  const others = [];
  for (let i = 0; i < 20; i++) others.push(await createCase(srv, U.pol, { title: 'Hamnkontor', summary: 'skarvfågel' }));
  await entry(mine[0], 'skarvfågel sedd vid kontoret', 'full');
  const owner = await pages(U.pol, 'skarvfågel', 5);
  assert.equal(owner.length, 24, 'the owner finds all');
  assert.equal(owner[0], mine[0].id, 'the owner reads the full entry: that case first');
  assert.deepEqual(owner.slice(1, 21), others.map((c) => c.id).reverse(), 'then newest case first');
  // The member reads none of the newer documents: its cases, each at its own document, newest first.
  const member = [...mine].reverse().map((c) => c.id);
  assert.deepEqual(await pages(U.mig, 'skarvfågel', 1), member, 'pages of 1 read on past what it may not see');
  assert.deepEqual(await pages(U.mig, 'skarvfågel', 200), member);
});
