// The case list of a caller who sees cases through their teams only (a member): with few team
// cases its pages are read from those cases, with many by walking every case in the list's order
// (src/db/store_case.c, CASE_TEAM_DRIVEN_MAX). Both ways must give the same pages for every
// order, filter, search and page size. A test build moves the threshold
// (NMT_TEST_TEAM_DRIVEN_MAX=0: always the walk), so the same register is read both ways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus, createCase } from './harness.mjs';

let srv;
const U = {};
const QUERIES = [
  '', 'sort=number&order=asc', 'sort=title&order=asc', 'sort=title', 'sort=updated', 'sort=activity',
  'status=open', 'status=closed', 'county=12', 'region=syd', 'exploitation=begging', 'mine=true',
  'q=lagerlokal', 'q=lagerlokal&sort=number', 'county=12&exploitation=sexual',
];

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // owns the cases
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // on some teams
  U.named = await addUserWithToken(srv, { org: 'RK-SYD', role: 'member' }); // on one team, by name
  U.soc = await addUserWithToken(srv, { org: 'SOC-1280', role: 'member' }); // on none
  const titles = ['Åkeriet', 'Bärplockning', 'Lagerlokal vid hamnen', 'Nagelsalong', 'Ödegården',
    'Café', 'Lagerlokal i Malmö', 'Restaurang', 'Tiggeri vid station', 'Zoo'];
  const made = [];
  for (const [i, title] of titles.entries()) {
    made.push(await createCase(srv, U.pol, {
      title, county: i % 2 ? '12' : '13', exploitation: i % 3 ? ['sexual'] : ['begging'],
    }));
  }
  for (const c of made.filter((_, i) => i % 3 !== 1)) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
      { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  }
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${made[4].id}/team`,
    { auth: U.pol, body: { organization: 'RK-SYD', username: U.named.username, access: 'full' } }), 201);
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
  for (const limit of [2, 50]) {
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

test('a member\'s pages are the same read from its team cases and by walking every case', async () => {
  const driven = await allLists(srv);
  assert.equal(driven['mig '].length, 6, 'six cases reach the organization (one row expired)');
  assert.equal(driven['named '].length, 1, 'the named user\'s one case');
  assert.deepEqual(driven['soc '], [], 'an organization on no team sees no case');
  assert.ok(driven['mig q=lagerlokal'].length === 1 && driven['mig status=closed'].length === 1);
  await srv.stop();
  const walked = await startServer({ db: srv.db, init: false, env: { NMT_TEST_TEAM_DRIVEN_MAX: '0' } });
  try {
    assert.deepEqual(await allLists(walked), driven);
  } finally {
    await walked.stop();
  }
  srv = await startServer({ db: srv.db, init: false });
});
