// API.md "Indicator screening": the catalogue (GET /api/v1/indicators) and a person's
// assessments (POST/GET /api/v1/persons/{id}/assessments): the default set, 400 for an id
// not in the set, the rule's result and explanation (the same as the browser's
// web/js/screening.js gives), history newest first and never rewritten, 404 for a hidden
// person, 409 on a closed case, an audit entry per assessment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  startServer, addUserWithToken, api, assertProblem, assertFieldError, assertStatus,
  createCase, createPerson, listAll, randomId, ROOT, RFC3339_UTC,
} from './harness.mjs';

const screening = await import(pathToFileURL(path.join(ROOT, 'web', 'js', 'screening.js')).href);

let srv;
let catalogue;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // not on the team
  U.admin = await addUserWithToken(srv, { org: 'NMT', role: 'admin' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  const r = await api(srv, 'GET', '/api/v1/indicators', { auth: U.pol });
  assertStatus(r, 200);
  catalogue = r.json;
});
after(async () => { if (srv) await srv.close(); });

const url = (id) => `/api/v1/persons/${id}/assessments`;
const assess = (who, id, body) => api(srv, 'POST', url(id), { auth: who, body });
const history = (who, id) => listAll(srv, url(id), { auth: who });
const set = (id) => catalogue.sets.find((s) => s.id === id);
const ids = (s) => s.dimensions.flatMap((d) => d.indicators.map((i) => i.id));

async function teamPerson(caseOver = {}, personOver = {}) {
  const c = await createCase(srv, U.pol, { county: '12', ...caseOver });
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
  const p = await createPerson(srv, U.pol, c.id, personOver);
  return { c, p };
}

test('the catalogue: four sets, six dimensions each, weights, provisional marks and sources', async () => {
  assert.equal(catalogue.version, 1);
  assert.deepEqual(catalogue.sets.map((s) => s.id).sort(),
    ['adult-labour', 'adult-sexual', 'child-labour', 'child-sexual']);
  for (const s of catalogue.sets) {
    assert.deepEqual(s.dimensions.map((d) => d.id), ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'], s.id);
    assert.equal(s.rule, s.id.startsWith('child') ? 'child' : 'adult');
    assert.ok(s.source.length > 20, `${s.id} cites its source`);
    for (const d of s.dimensions) {
      assert.ok(d.name.sv && d.name.en);
      for (const i of d.indicators) {
        assert.match(i.weight, /^[SMW]$/);
        assert.equal(typeof i.provisional, 'boolean');
        assert.ok(i.text.sv && i.text.en, i.id);
      }
    }
    assert.equal(new Set(ids(s)).size, ids(s).length, `ids unique within ${s.id}`);
    assert.equal(s.provisional, s.dimensions.some((d) => d.indicators.some((i) => i.provisional)));
  }
  assert.equal(ids(set('adult-labour')).length, 67);
  assert.equal(ids(set('child-labour')).length, 65);
  assert.equal(set('adult-labour').provisional, false);
  assert.equal(set('adult-sexual').provisional, true);
  const tasks = set('adult-sexual').dimensions[4].indicators.find((i) => i.id === 'd5-tasks');
  assert.deepEqual([tasks.weight, tasks.provisional], ['S', false], 'a weight a source supports');
  const violence = set('adult-sexual').dimensions[1].indicators.find((i) => i.id === 'd2-violence');
  assert.equal(violence.provisional, true, 'a reconstructed weight');
  const prostitution = set('adult-sexual').dimensions[0].indicators.find((i) => i.id === 'd1-conditions');
  assert.match(prostitution.text.en, /prostitution/);
  assert.ok(catalogue.caveat.sv.includes('avgör aldrig'));
  // An older version by number; an unknown one is a 400 naming it.
  const v1 = await api(srv, 'GET', '/api/v1/indicators?version=1', { auth: U.admin });
  assertStatus(v1, 200);
  assert.deepEqual(v1.json, catalogue);
  assertFieldError(await api(srv, 'GET', '/api/v1/indicators?version=99', { auth: U.pol }), 'version');
  assertFieldError(await api(srv, 'GET', '/api/v1/indicators?version=x', { auth: U.pol }), 'version');
});

test('the default set follows the person (child or not) and the case (sexual or not)', async () => {
  const cases = [
    [{ exploitation: ['sexual'] }, {}, 'adult-sexual'],
    [{ exploitation: ['sexual', 'forced_labour'] }, { age_estimate: 15 }, 'child-sexual'],
    [{ exploitation: ['forced_labour'] }, {}, 'adult-labour'],
    [{ exploitation: ['begging'] }, { age_estimate: 16 }, 'child-labour'],
    [{ exploitation: [] }, { age_estimate: 40 }, 'adult-labour'],
  ];
  for (const [co, po, want] of cases) {
    const { p } = await teamPerson(co, po);
    const r = await assess(U.pol, p.id, { observed: [] });
    assertStatus(r, 201);
    assert.equal(r.json.set, want, JSON.stringify([co, po]));
    assert.equal(r.json.is_child, want.startsWith('child'));
  }
  // A set asked for is the set used.
  const { p } = await teamPerson({ exploitation: ['sexual'] });
  const r = await assess(U.pol, p.id, { set: 'adult-labour', observed: ['d4-hours'] });
  assertStatus(r, 201);
  assert.equal(r.json.set, 'adult-labour');
});

test('bad input is a 400 naming the field, and nothing is stored', async () => {
  const { p } = await teamPerson({ exploitation: ['forced_labour'] }, { age_estimate: 14 });
  // Not in the child set (only in the adult one), unknown, repeated, wrong set, no list.
  let r = assertFieldError(await assess(U.pol, p.id, { observed: ['d1-nature', 'd4-social-protection'] }),
    'observed[1]');
  assert.match(r.errors[0].message, /child-labour/);
  assertFieldError(await assess(U.pol, p.id, { observed: ['no-such-indicator'] }), 'observed[0]');
  assertFieldError(await assess(U.pol, p.id, { observed: ['d1-nature', 'd1-nature'] }), 'observed[1]');
  assertFieldError(await assess(U.pol, p.id, { set: 'adult', observed: [] }), 'set');
  assertFieldError(await assess(U.pol, p.id, {}), 'observed');
  assertFieldError(await assess(U.pol, p.id, { observed: 'd1-nature' }), 'observed');
  assertFieldError(await assess(U.pol, p.id, { observed: [], note: 'a\u202eb' }), 'note');
  r = assertFieldError(await assess(U.pol, p.id, { observed: [], result: 'presumed_victim' }), '');
  assert.equal(r.errors[0].code, 'unknown_field');
  // Every error in one answer: the note's and the id's.
  r = await assess(U.pol, p.id, { observed: ['d1-nature', 'x'], note: 'a\u200bb' });
  assertProblem(r, 400);
  assert.deepEqual(r.json.errors.map((e) => e.field).sort(), ['note', 'observed[1]']);
  // The adult set accepts what the child set refused.
  assertStatus(await assess(U.pol, p.id, { set: 'adult-labour', observed: ['d4-social-protection'] }), 201);
  assert.equal((await history(U.pol, p.id)).length, 1, 'only the valid assessment was stored');
});

test('result, dimensions and explanation follow the rule, exactly as the browser computes them', async () => {
  const { p } = await teamPerson({ exploitation: ['forced_labour'] });
  const adult = set('adult-labour');
  // An adult: deceptive recruitment (S + M), exploitation (S + M), coercion at destination (S + S).
  const full = ['d1-nature', 'd1-wages', 'd4-hours', 'd4-pay', 'd5-documents', 'd5-violence'];
  let r = await assess(U.pol, p.id, { observed: full, note: 'Första samtalet' });
  assertStatus(r, 201);
  const a = r.json;
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  assert.equal(a.result, 'presumed_victim');
  assert.deepEqual(a.observed, full);
  assert.equal(a.note, 'Första samtalet');
  assert.deepEqual(a.dimensions.D1, { positive: true, strong: 1, medium: 1, weak: 0 });
  assert.deepEqual(a.dimensions.D5, { positive: true, strong: 2, medium: 0, weak: 0 });
  assert.deepEqual(a.dimensions.D2, { positive: false, strong: 0, medium: 0, weak: 0 });
  assert.equal(a.catalogue_version, catalogue.version);
  assert.deepEqual(a.assessed_by, { username: U.pol.username, organization: 'POLISEN-SYD' });
  assert.match(a.assessed_at, RFC3339_UTC);
  assert.equal(a.explanation.length, 7);
  assert.equal(a.explanation[0].text.sv, 'D1 är positiv: en stark och minst en medelstark eller svag indikator.');
  assert.equal(a.explanation[6].text.en,
    'The rule for adults: (D1 or D2 or D3) and D4 and (D5 or D6). Met: presumed victim of trafficking.');
  // Without destination coercion: an adult has indications only; a child is a presumed victim.
  const noMeans = full.slice(0, 4);
  r = await assess(U.pol, p.id, { observed: noMeans });
  assert.equal(r.json.result, 'indications');
  assert.match(r.json.explanation[6].text.sv, /Det som saknas: en positiv D5 eller D6\.$/);
  r = await assess(U.pol, p.id, { set: 'child-labour', observed: noMeans });
  assert.equal(r.json.result, 'presumed_victim');
  // One strong alone is not enough; nothing observed is no indications.
  r = await assess(U.pol, p.id, { observed: ['d2-violence'] });
  assert.equal(r.json.result, 'indications');
  assert.equal(r.json.explanation[1].text.en, 'D2 is not positive. Missing: one medium or weak.');
  r = await assess(U.pol, p.id, { observed: [] });
  assert.equal(r.json.result, 'no_indications');
  // Many selections in every set: the server and web/js/screening.js give the same answer.
  let seed = 7;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  let presumed = 0;
  for (const s of catalogue.sets) {
    const all = ids(s);
    for (let k = 0; k < 12; k++) {
      const observed = all.filter(() => rand() < 0.04 + k * 0.02);
      const got = await assess(U.pol, p.id, { set: s.id, observed });
      assertStatus(got, 201);
      const want = screening.evaluate(s, observed);
      assert.deepEqual({ dimensions: got.json.dimensions, result: got.json.result, explanation: got.json.explanation },
        want, `${s.id} ${JSON.stringify(observed)}`);
      presumed += want.result === 'presumed_victim';
    }
  }
  assert.ok(presumed > 3 && presumed < 48, `the samples reach both sides of the rule (${presumed})`);
});

test('web/js/screening.js states the rule: every count of 0–3 per weight, every pattern, both rules', () => {
  // The independent statement (DOMAIN.md §3.2): at least one of the five least positive
  // combinations, weight by weight.
  const least = [[2, 0, 0], [1, 1, 0], [1, 0, 1], [0, 3, 0], [0, 2, 1]];
  for (let s = 0; s <= 3; s++) {
    for (let m = 0; m <= 3; m++) {
      for (let w = 0; w <= 3; w++) {
        const want = least.some(([a, b, c]) => s >= a && m >= b && w >= c);
        assert.equal(screening.dimensionOption({ strong: s, medium: m, weak: w }) !== null, want, `S${s} M${m} W${w}`);
      }
    }
  }
  for (let bits = 0; bits < 64; bits++) {
    const p = [0, 1, 2, 3, 4, 5].map((d) => Boolean((bits >> d) & 1));
    const recruit = p[0] || p[1] || p[2];
    for (const any of bits ? [true] : [false, true]) {
      const none = any ? 'indications' : 'no_indications';
      assert.equal(screening.decide('adult', p, any), recruit && p[3] && (p[4] || p[5]) ? 'presumed_victim' : none);
      assert.equal(screening.decide('child', p, any), recruit && p[3] ? 'presumed_victim' : none);
    }
  }
});

test('vulnerability factors are kept with the assessment as context and do not change the result', async () => {
  const observed = ['d3-economic', 'd3-family', 'd3-personal', 'd4-hours', 'd4-pay'];
  const { p } = await teamPerson({ exploitation: ['forced_labour'] },
    { vulnerabilities: ['poverty', 'small_network'] });
  const { p: q } = await teamPerson({ exploitation: ['forced_labour'] });
  const a = (await assess(U.pol, p.id, { observed })).json;
  const b = (await assess(U.pol, q.id, { observed })).json;
  assert.deepEqual(a.vulnerabilities, ['poverty', 'small_network']);
  assert.deepEqual(b.vulnerabilities, []);
  assert.deepEqual([a.result, a.dimensions, a.explanation], [b.result, b.dimensions, b.explanation]);
  // A later change of the person leaves the earlier assessment's context as it was.
  assertStatus(await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol, ifMatch: `"${p.version}"`, body: { vulnerabilities: ['exclusion'] } }), 200);
  const [later] = [(await assess(U.pol, p.id, { observed })).json];
  assert.deepEqual(later.vulnerabilities, ['exclusion']);
  const list = await history(U.pol, p.id);
  assert.deepEqual(list.map((x) => x.vulnerabilities), [['exclusion'], ['poverty', 'small_network']]);
});

test('the history is newest first, and a newer assessment never rewrites an older one', async () => {
  const { p } = await teamPerson({ exploitation: ['forced_labour'] });
  const first = (await assess(U.pol, p.id, { observed: ['d1-nature'], note: 'Ett' })).json;
  const second = (await assess(U.mig, p.id, { observed: ['d1-nature', 'd1-wages'] })).json;
  const third = (await assess(U.pol, p.id, { set: 'adult-sexual', observed: [] })).json;
  const list = await history(U.pol, p.id);
  assert.deepEqual(list.map((x) => x.id), [third.id, second.id, first.id]);
  assert.deepEqual(list.map((x) => x.seq), [3, 2, 1]);
  assert.deepEqual(list[2], first, 'the first is served exactly as it was answered');
  assert.deepEqual(list[1], second);
  // Paged two at a time, the same order.
  const p1 = await api(srv, 'GET', `${url(p.id)}?limit=2`, { auth: U.mig });
  assertStatus(p1, 200);
  assert.deepEqual(p1.json.items.map((x) => x.id), [third.id, second.id]);
  const p2 = await api(srv, 'GET', `${url(p.id)}?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { auth: U.mig });
  assert.deepEqual(p2.json.items.map((x) => x.id), [first.id]);
  assert.equal(p2.json.next_cursor, null);
  // The database refuses to change or remove one.
  await assert.rejects(srv.db.exec(`UPDATE person_assessment SET result = 'no_indications' WHERE id = '${first.id}';`),
    /append-only/);
  await assert.rejects(srv.db.exec(`DELETE FROM person_assessment WHERE id = '${first.id}';`), /append-only/);
  assert.deepEqual((await history(U.pol, p.id))[2], first);
});

test('a person the caller may not see is 404 exactly like a missing one; other roles 403', async () => {
  const { p } = await teamPerson();
  for (const method of ['GET', 'POST']) {
    const body = method === 'POST' ? { observed: [] } : undefined;
    const hidden = await api(srv, method, url(p.id), { auth: U.tax, body });
    const missing = await api(srv, method, url(randomId()), { auth: U.tax, body });
    assertProblem(hidden, 404);
    assertProblem(missing, 404);
    assert.equal(hidden.text, missing.text, `${method}: hidden answers like missing`);
    assertProblem(await api(srv, method, url(p.id), { auth: U.admin, body }), 403);
    assertProblem(await api(srv, method, url(p.id), { auth: U.auditor, body }), 403);
  }
  assert.equal((await history(U.pol, p.id)).length, 0);
  // Anyone who reads the person may assess it, a pseudonymous member too.
  const person = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.mig });
  assert.ok(person.json.allowed.includes('assess'));
  assertStatus(await assess(U.mig, p.id, { observed: [] }), 201);
});

test('a closed case refuses new assessments (409) and keeps its history readable', async () => {
  const { c, p } = await teamPerson();
  const a = (await assess(U.pol, p.id, { observed: ['d1-nature'] })).json;
  assertStatus(await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: `"${c.version}"`, body: { status: 'closed', closing_reason: 'contact_lost' } }), 200);
  assertProblem(await assess(U.pol, p.id, { observed: [] }), 409);
  const person = await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol });
  assert.ok(!person.json.allowed.includes('assess'), 'a closed case offers no assessment');
  assert.deepEqual((await history(U.pol, p.id)).map((x) => x.id), [a.id]);
});

test('each assessment and each read of the history is audited, without the note', async () => {
  const { c, p } = await teamPerson();
  const a = (await assess(U.mig, p.id, { observed: ['d1-nature'], note: 'Hemlig anteckning' })).json;
  const b = (await assess(U.pol, p.id, { observed: [] })).json;
  await history(U.pol, p.id);
  const log = await listAll(srv, `/api/v1/audit?case=${c.id}`, { auth: U.auditor });
  const created = log.filter((x) => x.action === 'assessment.create');
  assert.deepEqual(created.map((x) => [x.object, x.actor, x.organization]).sort(), [
    [`assessment:${a.id}`, U.mig.username, 'MIGRATIONSVERKET'],
    [`assessment:${b.id}`, U.pol.username, 'POLISEN-SYD'],
  ].sort());
  const read = log.filter((x) => x.action === 'assessment.read');
  assert.equal(read.length, 1);
  assert.equal(read[0].object, `person:${p.id}`);
  assert.ok(!JSON.stringify(log).includes('Hemlig anteckning'), 'no note in the audit log');
  const actions = await api(srv, 'GET', '/api/v1/audit?action=assessment.create&limit=5', { auth: U.auditor });
  assertStatus(actions, 200);
});
