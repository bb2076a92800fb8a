// The case list of a caller who sees cases through their teams only (a member) is read one of
// three ways (src/db/store_case.c): in number order without a search by walking the caller's team
// rows in that order (they keep their case's number, migration 0034); otherwise, with few team
// cases, from those cases; with many, by walking every case in the list's order
// (CASE_TEAM_DRIVEN_MAX). Every way must give the same pages for every order, filter, search and
// page size. A test build turns the first off (NMT_TEST_TEAM_ORDERED=0) and moves the threshold
// (NMT_TEST_TEAM_DRIVEN_MAX=0: always the walk), so the same register is read each way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus, createCase } from './harness.mjs';
import { rollBackTo } from './rollback.mjs';

let srv;
const U = {};
const made = [];
const QUERIES = [
  '', 'sort=number&order=asc', 'sort=title&order=asc', 'sort=title', 'sort=updated', 'sort=activity',
  'status=open', 'status=closed', 'county=12', 'region=syd', 'exploitation=begging', 'mine=true',
  'q=lagerlokal', 'q=lagerlokal&sort=number', 'county=12&exploitation=sexual', 'order=asc&status=open',
  'county=12&order=asc',
];

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // owns the cases
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // on some teams
  U.named = await addUserWithToken(srv, { org: 'RK-SYD', role: 'member' }); // on one team, by name
  U.soc = await addUserWithToken(srv, { org: 'SOC-1280', role: 'member' }); // on none
  U.other = await addUserWithToken(srv, { org: 'RK-SYD', role: 'member' }); // named on a case the named user is not
  const titles = ['Åkeriet', 'Bärplockning', 'Lagerlokal vid hamnen', 'Nagelsalong', 'Ödegården',
    'Café', 'Lagerlokal i Malmö', 'Restaurang', 'Tiggeri vid station', 'Zoo'];
  for (const [i, title] of titles.entries()) {
    made.push(await createCase(srv, U.pol, {
      title, county: i % 2 ? '12' : '13', exploitation: i % 3 ? ['sexual'] : ['begging'],
    }));
  }
  for (const c of made.filter((_, i) => i % 3 !== 1)) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  }
  for (const c of [made[4], made[9]]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { auth: U.pol, body: { organization: 'RK-SYD', username: U.named.username, access: 'full' } }), 201);
  }
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${made[3].id}/team`,
    { auth: U.pol, body: { organization: 'RK-SYD', username: U.other.username, access: 'full' } }), 201);
  // The named user's organization on two teams, one of them a case naming the user too: both
  // sides of the team-ordered walk, between each other, and a case both reach.
  for (const c of [made[4], made[7]]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { auth: U.pol, body: { organization: 'RK-SYD', access: 'pseudonymous' } }), 201);
  }
  // The common word in journal entries too: a case with several hits, one visible to full
  // access only, so a wide search's cases come at their newest hit the caller reads.
  for (const [c, visibility] of [[made[9], 'team'], [made[4], 'full'], [made[6], 'team'], [made[9], 'full']]) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
      { auth: U.pol, body: { kind: 'note', text: 'Besök i lagerlokalen', visibility } }), 201);
  }
  // A closed case on the team, and a team row that has expired (it reaches nobody).
  const closing = await api(srv, 'GET', `/api/v1/cases/${made[0].id}`, { auth: U.pol });
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${made[0].id}`, {
    auth: U.pol, ifMatch: `"${closing.json.version}"`,
    body: { status: 'closed', closing_reason: 'no_indication' },
  }), 200);
  await srv.db.exec(`UPDATE case_member SET expires_at = '2000-01-01T00:00:00Z'
    WHERE case_id = '${made[2].id}' AND organization = 'MIGRATIONSVERKET'`);
});
after(async () => { await srv?.stop(); });

/** Every page of a list at limit 2 and at the default limit: the ids in order. */
async function pagesOf(s, auth, query) {
  const out = {};
  for (const limit of [1, 2, 50]) {
    const ids = [];
    let cursor = null;
    for (let n = 0; n < 20; n++) {
      const sep = query ? '&' : '';
      const r = await api(s, 'GET', `/api/v1/cases?${query}${sep}limit=${limit}` +
        (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''), { auth });
      assertStatus(r, 200, `${query} limit ${limit}`);
      ids.push(...r.json.items.map((c) => c.id));
      cursor = r.json.next_cursor;
      if (cursor === null) break;
    }
    out[limit] = ids;
  }
  assert.deepEqual(out[1], out[50], `${query}: pages of 1 give the one page of 50`);
  assert.deepEqual(out[2], out[50], `${query}: pages of 2 give the one page of 50`);
  return out[50];
}

async function allLists(s) {
  const out = {};
  for (const who of ['mig', 'named', 'soc']) {
    for (const q of QUERIES) out[`${who} ${q}`] = await pagesOf(s, U[who], q);
  }
  return out;
}

/** Every list read by a server started on the register with env, then stopped. */
async function listsWith(env) {
  const s = await startServer({ db: srv.db, init: false, env });
  try {
    return await allLists(s);
  } finally {
    await s.stop();
  }
}

test('a member\'s pages are the same read from its team rows in order, from its team cases and by walking every case', async () => {
  const ordered = await allLists(srv);
  assert.equal(ordered['mig '].length, 6, 'six cases reach the organization (one row expired)');
  assert.equal(ordered['named '].length, 3, 'the named user\'s two cases and its organization\'s other one');
  assert.deepEqual(ordered['soc '], [], 'an organization on no team sees no case');
  assert.ok(ordered['mig q=lagerlokal'].length === 2 && ordered['mig status=closed'].length === 1);
  await srv.stop();
  assert.deepEqual(await listsWith({ NMT_TEST_TEAM_ORDERED: '0' }), ordered, 'read from the team cases');
  assert.deepEqual(await listsWith({ NMT_TEST_TEAM_ORDERED: '0', NMT_TEST_TEAM_DRIVEN_MAX: '0' }), ordered,
    'walking every case');
  // A wide search (its word in more documents than are ranked): its cases newest hit first, read
  // from the team cases' documents and from the newest hits of every case.
  const wide = await listsWith({ NMT_TEST_SEARCH_RANK_MAX: '1' });
  assert.deepEqual(wide['mig q=lagerlokal'], [made[6].id, made[9].id], 'newest hit the organization reads first');
  assert.deepEqual(wide['named q=lagerlokal'], [made[9].id, made[4].id], 'full access reads the full entries');
  assert.deepEqual(await listsWith({ NMT_TEST_SEARCH_RANK_MAX: '1', NMT_TEST_TEAM_DRIVEN_MAX: '0' }), wide,
    'a wide search read from the newest hits of every case');
  srv = await startServer({ db: srv.db, init: false });
});

test('a member\'s list in number order is read from its team rows\' case numbers', async () => {
  // A team row whose number says its case is the oldest: only the walk of the team rows leaves
  // that case off a page of one, so the default server reads the rows, not the cases.
  const [newest, next] = await pagesOf(srv, U.mig, '');
  await srv.db.exec(`UPDATE case_member SET case_number = 'NMT-0000-00000'
    WHERE case_id = '${newest}' AND organization = 'MIGRATIONSVERKET'`);
  const first = async (s) => (await api(s, 'GET', '/api/v1/cases?limit=1', { auth: U.mig })).json.items.map((c) => c.id);
  const rows = await first(srv);
  await srv.stop();
  const other = await startServer({ db: srv.db, init: false, env: { NMT_TEST_TEAM_ORDERED: '0' } });
  let cases;
  try {
    cases = await first(other);
  } finally {
    await other.stop();
    await srv.db.exec(`UPDATE case_member SET case_number = (SELECT c.number FROM nmt_case c
      WHERE c.id = case_member.case_id) WHERE case_id = '${newest}'`);
    srv = await startServer({ db: srv.db, init: false });
  }
  assert.deepEqual(rows, [next], 'the team row\'s number orders the walk');
  assert.deepEqual(cases, [newest], 'read from the cases, the case\'s own number orders it');
});

test('the team rows stored before migration 0034 get their case\'s number, and rows added later too', async () => {
  const before = await allLists(srv);
  await srv.stop();
  await rollBackTo(srv.db, 33);
  srv = await startServer({ db: srv.db });
  const unnumbered = `SELECT count(*) FROM case_member m JOIN nmt_case c ON c.id = m.case_id
    WHERE m.case_number IS NULL OR m.case_number <> c.number;`;
  assert.equal((await srv.db.exec(unnumbered)).trim(), '0');
  assert.deepEqual(await allLists(srv), before);
  const made = await createCase(srv, U.pol, { title: 'Lagerlokal i Lund', county: '12' });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${made.id}/team`,
    { auth: U.pol, body: { organization: 'RK-SYD', username: U.named.username, access: 'full' } }), 201);
  assert.equal((await srv.db.exec(unnumbered)).trim(), '0');
  const named = await pagesOf(srv, U.named, '');
  assert.deepEqual(named, [made.id, ...before['named ']], 'the newest case first');
});
