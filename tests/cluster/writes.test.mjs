// Concurrent writes through two nmtd over one PostgreSQL database and through nginx in front of
// them (issue 14, item 4): case numbers stay unique and gap-free per year, there is one audit
// chain that `nmtctl audit verify` accepts with every write's and every read's entry in it (the
// reads through each instance's group-commit writer), and an optimistic-
// concurrency conflict between the instances has exactly one winner.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addUserWithToken, api, assertProblem, assertStatus, caseBody, ctlFor, listAll,
} from '../api/harness.mjs';
import { CLIENT_ADDRESS, startCluster } from './cluster.mjs';

const WRITERS = 8;
const CASES_PER_WRITER = 25;
const NUMBER = /^NMT-(\d{4})-(\d{5})$/;

let cl;
let coordinator;
let auditor;
// [{writer, via, id}] of every case created
const created = [];

before(async () => {
  cl = await startCluster();
  coordinator = await addUserWithToken(cl.a, { org: 'NMT', role: 'coordinator' });
  auditor = await addUserWithToken(cl.a, { org: 'NMT', role: 'auditor' });
});
after(async () => { if (cl) await cl.stop(); });

test(`${WRITERS} writers × ${CASES_PER_WRITER} cases through A, B and nginx at once: numbers unique and gap-free`,
  async () => {
    // Writers 0–2 on A, 3–5 on B, 6–7 through nginx; each a member of another police region.
    const orgs = ['POLISEN-SYD', 'POLISEN-VAST', 'POLISEN-STOCKHOLM', 'POLISEN-BERGSLAGEN'];
    const writers = [];
    for (let w = 0; w < WRITERS; w++) {
      const via = w < 3 ? 'a' : w < 6 ? 'b' : 'nginx';
      writers.push({ w, via, user: await addUserWithToken(cl.a, { org: orgs[w % orgs.length], role: 'member' }) });
    }
    await Promise.all(writers.map(async ({ w, via, user }) => {
      for (let i = 0; i < CASES_PER_WRITER; i++) {
        const r = await api(cl[via], 'POST', '/api/v1/cases',
          { auth: user, body: caseBody({ title: `Skrivare ${w} ärende ${i}` }) });
        assertStatus(r, 201, `writer ${w} (${via}) case ${i}`);
        created.push({ w, via, id: r.json.id, number: r.json.number });
        // Read back on the other instance: its audit entry comes through that instance's
        // group-commit writer, into the same chain as the other's writes.
        const reader = via === 'a' ? 'b' : via === 'b' ? 'a' : 'nginx';
        assertStatus(await api(cl[reader], 'GET', `/api/v1/cases/${r.json.id}`, { auth: user }), 200,
          `writer ${w} reads case ${i} via ${reader}`);
      }
    }));
    assert.equal(created.length, WRITERS * CASES_PER_WRITER);

    // Every case, as the secretariat coordinator sees them, read through B.
    const cases = await listAll(cl.b, '/api/v1/cases', { auth: coordinator });
    assert.equal(cases.length, created.length, 'every created case is listed, nothing else');
    const listed = new Map(cases.map((c) => [c.id, c.number]));
    for (const c of created) assert.equal(listed.get(c.id), c.number, `case ${c.id} keeps its number`);

    const byYear = new Map();
    for (const c of cases) {
      const m = NUMBER.exec(c.number);
      assert.ok(m, `number ${c.number}`);
      if (!byYear.has(m[1])) byYear.set(m[1], []);
      byYear.get(m[1]).push(Number(m[2]));
    }
    for (const [year, ns] of byYear) {
      ns.sort((x, y) => x - y);
      assert.deepEqual(ns, ns.map((_, i) => i + 1), `the numbers of ${year} are 1..${ns.length}, no gap or repeat`);
    }
  });

test('one audit chain holds every write and read, with the client each came from, and `nmtctl audit verify` accepts it',
  async () => {
    assert.equal(created.length, WRITERS * CASES_PER_WRITER, 'the writes ran');
    const entries = await listAll(cl.a, '/api/v1/audit', { auth: auditor });
    const seqs = entries.map((e) => e.seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'one sequence 1..n: no gap or repeat between instances');

    const creates = new Map();
    for (const e of entries.filter((x) => x.action === 'case.create')) {
      assert.ok(!creates.has(e.object), `one case.create entry for ${e.object}`);
      creates.set(e.object, e);
    }
    assert.equal(creates.size, created.length, 'a case.create entry for every case and no other');
    const reads = new Map();
    for (const e of entries.filter((x) => x.action === 'case.read')) {
      assert.ok(!reads.has(e.object), `one case.read entry for ${e.object}`);
      reads.set(e.object, e);
    }
    assert.equal(reads.size, created.length, 'a case.read entry for every read and no other');
    for (const c of created) {
      const read = reads.get(`case:${c.id}`);
      assert.ok(read, `the read audit entry of case ${c.id}`);
      assert.equal(read.client, c.via === 'nginx' ? CLIENT_ADDRESS : '127.0.0.1');
      const e = creates.get(`case:${c.id}`);
      assert.ok(e, `the audit entry of case ${c.id} (writer ${c.w} via ${c.via})`);
      assert.equal(e.case, c.id);
      // Direct to an instance the peer is 127.0.0.1; through nginx the client nginx names.
      assert.equal(e.client, c.via === 'nginx' ? CLIENT_ADDRESS : '127.0.0.1', `client of ${c.via}'s write`);
    }

    // The chain as stored, end to end: verify reads every entry the two instances appended.
    const count = Number((await cl.db.exec('SELECT count(*) FROM audit')).trim());
    const head = Number((await cl.db.exec('SELECT seq FROM audit_head')).trim());
    assert.equal(head, count, 'the chain head is the last of the entries');
    assert.ok(count >= entries.length);
    const v = await ctlFor(cl.db, ['audit', 'verify']);
    assert.equal(v.code, 0, `audit verify: ${v.stderr}${v.stdout}`);
    assert.match(v.stdout, new RegExp(`audit chain intact: ${count} entries`));
  });

test('If-Match: the same version updated on A and B at once has exactly one winner', async () => {
  const owner = await addUserWithToken(cl.a, { org: 'POLISEN-SYD', role: 'member' });
  const r0 = await api(cl.a, 'POST', '/api/v1/cases', { auth: owner, body: caseBody({ title: 'Tävling' }) });
  assertStatus(r0, 201);
  const url = `/api/v1/cases/${r0.json.id}`;
  let version = r0.json.version;
  for (let round = 0; round < 10; round++) {
    const tag = `"${version}"`;
    const [ra, rb] = await Promise.all([
      api(cl.a, 'PATCH', url, { auth: owner, ifMatch: tag, body: { title: `A vann ${round}` } }),
      api(cl.b, 'PATCH', url, { auth: owner, ifMatch: tag, body: { title: `B vann ${round}` } }),
    ]);
    const wins = [ra, rb].filter((r) => r.status === 200);
    assert.equal(wins.length, 1, `round ${round}: one winner (A ${ra.status}, B ${rb.status})`);
    const loser = ra.status === 200 ? rb : ra;
    assertProblem(loser, 412, `round ${round}: the other one is stale`);
    const winner = wins[0].json;
    assert.equal(winner.version, version + 1, 'the winner moved the version by one');
    const now = await api(ra.status === 200 ? cl.b : cl.a, 'GET', url, { auth: owner });
    assertStatus(now, 200);
    assert.equal(now.json.title, winner.title, 'the other instance reads the winner\'s title');
    assert.equal(now.json.version, version + 1);
    assert.equal(now.headers.get('etag'), `"${version + 1}"`);
    version += 1;
  }
});
