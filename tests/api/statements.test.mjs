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
  randomId,
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

/** The access lines logged so far. */
function accessLines() {
  return srv.stderr().split('\n').filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l)).filter((o) => o.message === 'request');
}

/**
 * Sends a request and returns its answer with the access line it left: the first line after
 * those logged before it. Waits for the line on nmtd's stderr (the line is written as the
 * answer is made, and the pipe may deliver it after the answer).
 */
async function withLine(method, p, opts) {
  const before = accessLines().length;
  const r = await api(srv, method, p, opts);
  const lines = await new Promise((resolve, reject) => {
    const check = () => {
      const now = accessLines();
      if (now.length <= before) return false;
      srv.proc.stderr.off('data', onData);
      clearTimeout(timer);
      resolve(now.slice(before));
      return true;
    };
    const onData = () => { setImmediate(check); };
    const timer = setTimeout(() => {
      srv.proc.stderr.off('data', onData);
      reject(new Error(`no access line for ${method} ${p} within 10 s`));
    }, 10000);
    srv.proc.stderr.on('data', onData);
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
