// docs/openapi.yaml as a contract: the document is valid, the checker in contract.mjs catches
// broken answers, every documented operation is served, and every route the server has is
// documented. The server's routes are found by probing (never by reading its sources): a path
// it routes answers a method it does not know with 405 and an Allow header, a path it does not
// route answers 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertProblem, assertFieldError, caseBody, personBody,
  createCase, createPerson,
} from './harness.mjs';
import {
  doc, documentProblems, operations, documentedMethods, matchPath, checkResponse, componentSchema, accepts,
  isApiPath,
} from './contract.mjs';

let srv;
let u;

before(async () => {
  srv = await startServer();
  u = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
});
after(async () => { if (srv) await srv.close(); });

const ID = '0c8d4a52-6a4e-4f8e-9b51-3f0e2d7c9a11'; // a well-formed id that names nothing
const fill = (template) => template.replace(/\{[^}]+\}/g, ID);
// A method no route uses: a routed path answers it with 405 and Allow, an unrouted one 404.
const PROBE = 'NMTPROBE';

test('docs/openapi.yaml is a valid OpenAPI 3.1 document', () => {
  // Loading contract.mjs already compiled every schema in it (ajv strict) and resolved every
  // $ref; this adds the OpenAPI 3.1 meta-schema, the license and unique operationIds.
  const problems = documentProblems();
  assert.deepEqual(problems, [], `docs/openapi.yaml:\n  ${problems.join('\n  ')}`);
  assert.ok(operations().length > 0);
});

test('the contract checker refuses answers that break the document', () => {
  const header = (h) => (n) => h[n.toLowerCase()] ?? null;
  const json = { 'content-type': 'application/json' };
  const problem = { 'content-type': 'application/problem+json' };
  const prob = (status) => JSON.stringify({ type: 'about:blank', title: 'x', status, detail: 'x' });
  const bad = [
    ['a body missing required fields', /must have required property 'display_name'/, { method: 'GET', path: '/api/v1/me', status: 200, text: '{"username":"a"}', h: json }],
    ['a value outside an enum', /\/role must be equal to one of the allowed values/, {
      method: 'GET', path: '/api/v1/me', status: 200, h: json,
      text: JSON.stringify({ username: 'a', display_name: 'A', role: 'king', organization: { code: 'X', name: 'X' }, region: null }),
    }],
    ['an undocumented status', /status 409 is not documented for this operation/, { method: 'GET', path: '/api/v1/me', status: 409, text: prob(409), h: problem }],
    ['a Content-Type the document does not list', /Content-Type "application\/json" is not one the document lists/, { method: 'GET', path: '/api/v1/me', status: 401, text: prob(401), h: json }],
    ['a problem whose status is not the HTTP status', /problem\.status is 400/, { method: 'GET', path: '/api/v1/me', status: 401, text: prob(400), h: problem }],
    ['a body where the document has none', /has no content in the document, but a body came/, { method: 'DELETE', path: '/api/v1/session', status: 204, text: '{}', h: { ...json, 'set-cookie': 'nmt_session=; Path=/' } }],
    ['a missing required header', /response 201 requires the header Location/, {
      method: 'POST', path: '/api/v1/cases', status: 201, text: '{}', h: json,
    }],
    ['a 405 without Allow', /Allow is null; the document lists DELETE, POST/, {
      method: 'PATCH', path: '/api/v1/session', status: 405, text: prob(405), h: problem,
    }],
    ['an accepted request body the document refuses', /accepted a request body that the document refuses:\n    \/title must match pattern/, {
      method: 'POST', path: '/api/v1/cases', status: 400, h: problem, text: prob(400),
      requestBody: { title: '   ', county: '12', exploitation: [] }, acceptedAs: 201,
    }],
    ['an accepted query parameter the document refuses', /accepted the query parameter limit="500"/, {
      method: 'GET', path: '/api/v1/cases?limit=500', status: 400, h: problem, text: prob(400), acceptedAs: 200,
    }],
    ['an undocumented path that is served', /an undocumented request was served/, { method: 'GET', path: '/api/v1/secret', status: 200, text: '{}', h: json }],
    ['an undocumented path answered without a problem', /expected an application\/problem\+json answer/, { method: 'GET', path: '/api/v1/secret', status: 404, text: 'no', h: { 'content-type': 'text/plain' } }],
    ['a 405 whose Allow is not the documented methods', /Allow is "GET"; the document lists GET, POST/, {
      method: 'PUT', path: '/api/v1/cases', status: 405, text: prob(405), h: { ...problem, allow: 'GET' },
    }],
    ['a header that breaks its schema', /header Retry-After: "soon" breaks the document/, {
      method: 'POST', path: '/api/v1/session', status: 429, h: { ...problem, 'retry-after': 'soon' }, text: prob(429),
    }],
  ];
  for (const [what, why, r0] of bad) {
    // acceptedAs: the status of an acceptance, tried with a body that is fine otherwise; the
    // same request refused (r0.status) must pass: only an accepted request is compared.
    const r = r0.acceptedAs ? { ...r0, status: r0.acceptedAs, h: json, text: '{}' } : r0;
    if (r0.acceptedAs) {
      checkResponse({ ...r0, contentType: r0.h['content-type'], header: header(r0.h) });
    }
    assert.throws(() => checkResponse({ ...r, contentType: r.h['content-type'], header: header(r.h) }),
      (e) => /^contract \(docs\/openapi\.yaml\): /.test(e.message) && why.test(e.message),
      `the checker let through ${what} (or refused it for another reason)`);
  }
  // And lets through what is fine, including the UI outside the API area.
  checkResponse({ method: 'GET', path: '/api/v1/me?x=1', status: 401, contentType: 'application/problem+json; charset=utf-8', text: prob(401), header: header(problem) });
  checkResponse({ method: 'GET', path: '/api/v1/nothing', status: 404, contentType: 'application/problem+json', text: prob(404), header: header(problem) });
  checkResponse({ method: 'GET', path: '/index.html', status: 200, contentType: 'text/html', text: '<html>', header: header({}) });
});

test('every documented operation is served', async () => {
  for (const { method, template, op } of operations()) {
    const p = fill(template);
    const r = await api(srv, method, p, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
    const isPublic = Array.isArray(op.security) && op.security.length === 0;
    if (isPublic) {
      // Not a route-level refusal: the route exists and took the request.
      assert.notEqual(r.status, 404, `${method} ${template} (public) answered 404: not routed`);
      assert.notEqual(r.status, 405, `${method} ${template} (public) answered 405: method not routed`);
    } else {
      // The pipeline answers 401 to an unauthenticated request on a routed, protected path.
      assertProblem(r, 401, `${method} ${template} without credentials`);
    }
  }
});

test('documented paths refuse every other method with 405 and the documented Allow', async () => {
  for (const template of Object.keys(doc.paths)) {
    const want = documentedMethods(template);
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', PROBE]) {
      if (want.includes(m)) continue;
      const r = await api(srv, m, fill(template), { auth: u });
      assertStatus(r, 405, `${m} ${template}`);
      // contract.mjs has compared Allow with the documented methods.
    }
  }
});

// Resource names from API.md (built and planned) and the usual suspects. Probed as
// /api/v1/NAME, /api/v1/NAME/{id}, and below every path that turns out to be routed.
const WORDS = [
  'session', 'sessions', 'login', 'logout', 'me', 'users', 'user', 'tokens', 'token', 'organizations', 'regions',
  'counties', 'countries', 'vocabularies', 'cases', 'case', 'team', 'teams', 'members', 'persons', 'person',
  'identity', 'break-glass', 'grants', 'audit', 'history', 'journal', 'consultations', 'guidance', 'match',
  'indicators', 'assessments', 'suggestions', 'tasks', 'accept', 'decline', 'complete', 'revoke', 'pathway',
  'events', 'notifications', 'operations', 'participants', 'encounters', 'summary', 'scenarios', 'stats',
  'releases', 'eurostat', 'export', 'import', 'health', 'healthz', 'version', 'openapi', 'openapi.yaml',
  'openapi.json', 'docs', 'metrics', 'status', 'config', 'admin', 'search', 'csrf', 'verify',
];

test('every route the server has is documented (found by probing)', async () => {
  const found = new Map(); // concrete path → Allow
  const seen = new Set();
  const queue = ['/healthz', '/api/healthz', '/api/v1', '/api/v1/', '/api'];
  for (const w of WORDS) queue.push(`/api/v1/${w}`, `/api/v1/${w}/${ID}`);
  for (const t of Object.keys(doc.paths)) queue.push(fill(t));
  const expand = (p) => {
    for (const w of WORDS) queue.push(`${p}/${w}`);
    queue.push(`${p}/${ID}`);
  };
  let probes = 0;
  while (queue.length) {
    const batch = queue.splice(0, 16).filter((p) => !seen.has(p) && p.split('/').length <= 9);
    batch.forEach((p) => seen.add(p));
    const answers = await Promise.all(batch.map((p) => api(srv, PROBE, p, { auth: u })));
    probes += batch.length;
    batch.forEach((p, i) => {
      const r = answers[i];
      if (!isApiPath(p)) return; // the UI's area
      if (r.status === 404) return;
      // Anything but 404 means the path is routed; our unknown method must then get 405.
      assertStatus(r, 405, `${PROBE} ${p}`);
      found.set(p, r.headers.get('allow'));
      expand(p);
    });
  }
  const undocumented = [];
  const wrongMethods = [];
  const servedTemplates = new Set();
  for (const [p, allow] of found) {
    const template = matchPath(p);
    if (template === null) { undocumented.push(`${p} (Allow: ${allow})`); continue; }
    servedTemplates.add(template);
    const served = String(allow || '').split(',').map((s) => s.trim()).filter(Boolean).sort();
    const documented = documentedMethods(template).sort();
    if (served.join() !== documented.join()) {
      wrongMethods.push(`${template}: served ${served.join(', ')}; documented ${documented.join(', ')}`);
    }
  }
  assert.deepEqual(undocumented, [], `routes the server has that docs/openapi.yaml does not name:\n  ${undocumented.join('\n  ')}`);
  assert.deepEqual(wrongMethods, [], `methods that differ:\n  ${wrongMethods.join('\n  ')}`);
  assert.deepEqual([...servedTemplates].sort(), Object.keys(doc.paths).sort(), 'every documented path was found routed');
  assert.ok(probes > WORDS.length, `probed ${probes} paths`);
});

test('the documented code lists are the server\'s vocabularies', async () => {
  const r = await api(srv, 'GET', '/api/v1/vocabularies', { auth: u });
  assertStatus(r, 200);
  const lists = {
    roles: 'Role', team_access: 'Access', genders: 'Gender', protection_levels: 'ProtectedIdentity',
    exploitation_forms: 'ExploitationForm', case_statuses: 'CaseStatus', vulnerabilities: 'Vulnerability',
    closing_reasons: 'ClosingReason', break_glass_categories: 'BreakGlassCategory',
    journal_kinds: 'JournalKind', journal_visibility: 'JournalVisibility',
    // The support pathway (issue 10).
    pathway_steps: 'PathwayStepCode', pathway_event_types: 'PathwayEventType', pathway_clocks: 'PathwayClockKind',
    // Intake.
    organization_kinds: 'OrganizationKind', consultation_statuses: 'ConsultationStatus',
    consultation_channels: 'ConsultationChannel', urgencies: 'Urgency', consents: 'Consent',
   
    suggestion_reasons: 'SuggestionReason', task_statuses: 'TaskStatus', notification_kinds: 'NotificationKind',
    // Operations (issue 11).
    operation_kinds: 'OperationKind', operation_statuses: 'OperationStatus', participant_roles: 'ParticipantRole',
    immediate_needs: 'ImmediateNeed',
  };
  assert.deepEqual(Object.keys(r.json).sort(), Object.keys(lists).sort(), 'the vocabularies served');
  for (const [name, schema] of Object.entries(lists)) {
    // Same codes in the same order: a client may build its menus from either.
    assert.deepEqual(r.json[name].map((t) => t.code), componentSchema(schema).enum,
      `vocabularies.${name} against components/schemas/${schema}.enum`);
  }
});

test('the server and the document agree on text: the longest, one more, blank', async () => {
  const S = doc.components.schemas;
  const rk = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  const c = await createCase(srv, u, { county: '12' });
  const prot = await createPerson(srv, u, c.id, { protected_identity: 'marked', identity: { full_name: 'Skyddad' } });
  // [field as the server names it, its schema, send(value) → answer]
  const fields = [
    ['title', S.CaseCreate.properties.title, (v) => api(srv, 'POST', '/api/v1/cases', { auth: u, body: caseBody({ title: v }) })],
    ['summary', S.CaseCreate.properties.summary, (v) => api(srv, 'POST', '/api/v1/cases', { auth: u, body: caseBody({ summary: v }) })],
    ['text', S.JournalEntryCreate.properties.text,
      (v) => api(srv, 'POST', `/api/v1/cases/${c.id}/journal`, { auth: u, body: { kind: 'note', text: v } })],
    ['pseudonym', S.PersonCreate.properties.pseudonym,
      (v) => api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, { auth: u, body: personBody({ pseudonym: v }) })],
    ['languages[0]', S.LanguageCode,
      (v) => api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, { auth: u, body: personBody({ languages: [v] }) })],
    ...['full_name', 'id_number', 'phone', 'address'].map((k) => [`identity.${k}`, S.Identity.properties[k],
      (v) => api(srv, 'POST', `/api/v1/cases/${c.id}/persons`, { auth: u, body: personBody({ identity: { [k]: v } }) })]),
    ['reason', S.BreakGlassRequest.properties.reason,
      (v) => api(srv, 'POST', `/api/v1/persons/${prot.id}/break-glass`, { auth: rk, body: { category: 'other', reason: v } })],
    // The support pathway (issue 10).
    ['note', S.PathwayEventCreate.properties.note, (v) => api(srv, 'POST', `/api/v1/persons/${prot.id}/pathway/events`,
      { auth: u, body: { type: 'identified', date: '2026-01-15', note: v } })],
  ];
  for (const [field, schema, send] of fields) {
    const max = schema.maxLength;
    assert.ok(Number.isInteger(max), `${field}: the document gives no maxLength`);
    // 'å' is two UTF-8 bytes and one code point: lengths count code points.
    for (const [what, value] of [[`${max} code points`, 'å'.repeat(max)], [`${max + 1} code points`, 'å'.repeat(max + 1)],
      ['blank', '   ']]) {
      const [ok, why] = accepts(schema, value);
      const r = await send(value);
      // Whatever the document says of the value, the server must say the same.
      if (ok) assertStatus(r, 201, `${field}, ${what}: the document accepts it`);
      else assertFieldError(r, field, `${field}, ${what}: the document refuses it:\n${why}\n`);
    }
  }
});
