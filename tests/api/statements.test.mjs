// How many database statements a request runs, from the access line's "statements" (nmtd's
// own connection; the audit writer's batch is not counted). An authenticated read of one
// object takes two: the credential's statement, which reads the facts of the object the path
// names beside the user (src/db/store_facts.c), and the object's own. A refusal takes the
// first alone, whether the object exists or not. The session's last use, when due, is one
// more statement after the request's own (docs/PERFORMANCE.md, docs/SECURITY.md).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, loginOk, assertStatus, assertProblem, createCase,
  randomId, DB_KIND,
} from './harness.mjs';

let srv;
let owner;
let outsider;
let caseId;

before(async () => {
  // Every word in two documents or more is read from its newest hits (SEARCH_RANK_MAX), and
  // every member's from the walk of them (CASE_TEAM_DRIVEN_MAX); nothing else here searches.
  srv = await startServer({
    env: { NMT_LOG_FORMAT: 'json', NMT_TEST_SEARCH_RANK_MAX: '1', NMT_TEST_TEAM_DRIVEN_MAX: '0' },
  });
  owner = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  outsider = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' });
  caseId = (await createCase(srv, owner)).id;
});
after(async () => { if (srv) await srv.close(); });

/** The access lines a server (this file's by default) has logged so far. */
function accessLines(server = srv) {
  return server.stderr().split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l)).filter((o) => o.message === 'request');
}

/**
 * Sends a request and returns its answer with the access line it left: the first line after
 * those logged before it. Waits for the line on nmtd's stderr (the line is written as the
 * answer is made, and the pipe may deliver it after the answer).
 */
async function withLine(method, p, opts, server = srv) {
  const before = accessLines(server).length;
  const r = await api(server, method, p, opts);
  const lines = await new Promise((resolve, reject) => {
    const check = () => {
      const now = accessLines(server);
      if (now.length <= before) return false;
      server.proc.stderr.off('data', onData);
      clearTimeout(timer);
      resolve(now.slice(before));
      return true;
    };
    const onData = () => { setImmediate(check); };
    const timer = setTimeout(() => {
      server.proc.stderr.off('data', onData);
      reject(new Error(`no access line for ${method} ${p} within 10 s`));
    }, 10000);
    server.proc.stderr.on('data', onData);
    check();
  });
  assert.equal(lines.length, 1, 'one request, one access line');
  return { r, line: lines[0] };
}

test('a case read with a bearer token runs two statements', async () => {
  const { r, line } = await withLine('GET', `/api/v1/cases/${caseId}`, { auth: owner });
  assertStatus(r, 200);
  assert.equal(r.json.id, caseId);
  assert.equal(line.route, '/api/v1/cases/{id}');
  assert.equal(line.status, 200);
  assert.equal(line.statements, 2);
});

test('a case read with the session cookie runs two statements', async () => {
  const session = await loginOk(srv, owner);
  const { r, line } = await withLine('GET', `/api/v1/cases/${caseId}`, { session });
  assertStatus(r, 200);
  assert.equal(line.statements, 2);
});

test('a refused read runs one statement, for a hidden case and a random id alike', async () => {
  const hidden = await withLine('GET', `/api/v1/cases/${caseId}`, { auth: outsider });
  assertProblem(hidden.r, 404);
  assert.equal(hidden.line.statements, 1);
  const missing = await withLine('GET', `/api/v1/cases/${randomId()}`, { auth: outsider });
  assertProblem(missing.r, 404);
  assert.equal(missing.line.statements, 1);
});

test('an unknown credential runs one statement and is told nothing of the case', async () => {
  const { r, line } = await withLine('GET', `/api/v1/cases/${caseId}`, { token: 'mt_' + '0'.repeat(48) });
  assertProblem(r, 401);
  assert.equal(line.statements, 1);
});

test('a stale session is touched after the read: one statement more, and it stays alive', async () => {
  // The idle limit is the default 1800 s: 120 s after login the last use is stale (over 60 s).
  const session = await loginOk(srv, owner);
  srv.advanceClock(120);
  const first = await withLine('GET', `/api/v1/cases/${caseId}`, { session });
  assertStatus(first.r, 200);
  assert.equal(first.line.statements, 3, 'the user with the facts, the case, the touch');
  const again = await withLine('GET', `/api/v1/cases/${caseId}`, { session });
  assertStatus(again.r, 200);
  assert.equal(again.line.statements, 2, 'touched a moment ago: not again');
  // 1 820 s after login but 1 700 s after the touch: alive only because the touch was written.
  srv.advanceClock(1700);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${caseId}`, { session }), 200);
  srv.advanceClock(1900);
  assertProblem(await api(srv, 'GET', `/api/v1/cases/${caseId}`, { session }), 401);
});

test("a member's wide word whose team has fewer hits than a page walks them twice at most", async () => {
  for (let i = 0; i < 3; i++) await createCase(srv, owner, { title: `Lagerlokal i hamnen ${i}` });
  for (let i = 0; i < 6; i++) await createCase(srv, outsider, { title: `Lagerlokal vid torget ${i}` });
  const { r, line } = await withLine('GET', '/api/v1/cases?q=lagerlokal&limit=50', { auth: owner });
  assertStatus(r, 200, 'the member searches');
  assert.equal(r.json.items.length, 3, "the team's three cases, none of the other organization's");
  // The credential, the team's rows counted, the word's documents counted, the first window
  // (short: the team has three hits), then the window's documents counted: fewer than the
  // window, so a wider one would find nothing more. Widened step by step it took 23.
  assert.equal(line.statements, 5);
});

test("a member's wide word starts from two pages' worth of the team's newest documents", async () => {
  const older = await createCase(srv, owner, { title: 'Kajskjul i hamnen' });
  const newer = await createCase(srv, owner, { title: 'Kajskjul vid kajen' });
  for (let i = 0; i < 3; i++) {
    assertStatus(await api(srv, 'POST', `/api/v1/cases/${newer.id}/journal`,
      { auth: owner, body: { kind: 'note', text: `Kajskjul besökt ${i}` } }), 201);
  }
  const { r, line } = await withLine('GET', '/api/v1/cases?q=kajskjul&limit=1', { auth: owner });
  assert.deepEqual(r.json.items.map((c) => c.id), [newer.id]);
  // A page of one: a window of 2 × (1 + 1) = 4 documents, the newer case's four, holds one case,
  // too few to tell whether there is a next page, so the walk widens once and finds the older
  // one: the credential, the team's rows and the word's documents counted, the first window,
  // its documents counted, the second window. From 8 pages (16 documents) it took four.
  assert.equal(line.statements, 6);
  const next = await api(srv, 'GET',
    `/api/v1/cases?q=kajskjul&limit=1&cursor=${encodeURIComponent(r.json.next_cursor)}`, { auth: owner });
  assert.deepEqual(next.json.items.map((c) => c.id), [older.id], 'the older case on the next page');
});

test("a small team's wide word is read from its cases' documents, a larger team's walked from the newest hits", async () => {
  // Team-driven (CASE_TEAM_DRIVEN_MAX), with SEARCH_TEAM_DOCS_MAX lowered to one team row.
  const s = await startServer({
    env: { NMT_LOG_FORMAT: 'json', NMT_TEST_SEARCH_RANK_MAX: '1', NMT_TEST_SEARCH_TEAM_DOCS_MAX: '1' },
  });
  try {
    const member = await addUserWithToken(s, { org: 'POLISEN-SYD', role: 'member' });
    const other = await addUserWithToken(s, { org: 'MIGRATIONSVERKET', role: 'member' });
    const mine = [await createCase(s, member, { title: 'Lagerlokal i hamnen' })];
    for (let i = 0; i < 3; i++) await createCase(s, other, { title: `Lagerlokal vid torget ${i}` });
    const search = () => withLine('GET', '/api/v1/cases?q=lagerlokal&limit=50', { auth: member }, s);
    let { r, line } = await search();
    assert.deepEqual(r.json.items.map((c) => c.id), mine.map((c) => c.id));
    // One team row: the credential, the team's rows counted, the word's documents counted and
    // the page from the team case's documents, whole at once. PostgreSQL walks the newest hits
    // at every size (docs_in_cases): the page, short, then the window's documents counted.
    assert.equal(line.statements, DB_KIND === 'pg' ? 5 : 4);
    mine.unshift(await createCase(s, member, { title: 'Lagerlokal vid kajen' }));
    ({ r, line } = await search());
    assert.deepEqual(r.json.items.map((c) => c.id), mine.map((c) => c.id), 'newest hit first');
    // Two team rows: the page from the walk of the newest hits (short), then the window's
    // documents counted.
    assert.equal(line.statements, 5);
  } finally {
    await s.close();
  }
});

test("a coordinator's wide word whose region has fewer hits than a page stops after one window", async () => {
  const rknord = await addUserWithToken(srv, { org: 'RK-NORD', role: 'coordinator', region: 'nord' });
  for (let i = 0; i < 2; i++) {
    await createCase(srv, rknord, { title: `Lagerlokal i Luleå ${i}`, county: '25' });
  }
  const { r, line } = await withLine('GET', '/api/v1/cases?q=lagerlokal&limit=50', { auth: rknord });
  assertStatus(r, 200, 'the coordinator searches');
  assert.equal(r.json.items.length, 2, "the region's two cases, none of the other region's nine");
  // The credential, the word's documents counted, the first window (every hit of the word,
  // short for the region), then the window's documents counted (fewer than the window).
  assert.equal(line.statements, 4);
});
