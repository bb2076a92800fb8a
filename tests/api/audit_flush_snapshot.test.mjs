// API.md "Audit" / audit.c: the log is flushed before it is read, so it shows every access made
// before the request — also a refused read, whose entry is queued off the answer path. The read's
// statements share one snapshot (router.c): a snapshot taken before the flush would not see them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertProblem, assertStatus, createCase } from './harness.mjs';

let srv;
after(async () => { if (srv) await srv.close(); });

test('a refused read just before is in the log read right after (flush, then snapshot)', async () => {
  srv = await startServer();
  const pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  const rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  const rknord = await addUserWithToken(srv, { org: 'RK-NORD', role: 'coordinator', region: 'nord' });
  const auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const A = await createCase(srv, pol, { title: 'Granskad', county: '12' });
  let refused = 0;
  for (const [who, path] of [[auditor, `/api/v1/audit?case=${A.id}`], [rksyd, `/api/v1/audit?case=${A.id}`],
    [auditor, `/api/v1/audit?user=${rknord.username}`]]) {
    assertProblem(await api(srv, 'GET', `/api/v1/cases/${A.id}`, { auth: rknord }), 404, 'hidden case');
    refused += 1;
    const r = await api(srv, 'GET', `${path}&limit=200`, { auth: who });
    assertStatus(r, 200, path);
    const denied = r.json.items.filter((e) => e.action === 'case.denied' && e.actor === rknord.username);
    assert.equal(denied.length, refused, `${who === rksyd ? 'coordinator' : 'auditor'} ${path}: every refused read so far`);
  }
});
