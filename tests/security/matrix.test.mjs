// The authorization matrix (issue 6, item 10): every role × every endpoint with an object ×
// the object as own / visible / invisible / absent (and each person plain or protected) → the
// exact status that policy_model.mjs derives from the rules of API.md "Who sees what". The
// expectations are never read from the server. Invisible objects answer 404, never 403.
// Prints "authorization matrix: N cases".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  personWithIdentity, startServer, addUserWithToken, api, createCase, createPerson, randomId,
} from '../api/harness.mjs';
import * as M from './policy_model.mjs';

// The principals: every role, and the variants the policy distinguishes.
const PRINCIPALS = {
  admin: { org: 'NMT', role: 'admin' },
  coord_nmt: { org: 'NMT', role: 'coordinator' },
  coord_region_in: { org: 'RK-STOCKHOLM', role: 'coordinator', region: 'stockholm' },
  coord_region_out: { org: 'RK-SYD', role: 'coordinator', region: 'syd' },
  coord_no_region: { org: 'POLISEN-VAST', role: 'coordinator' },
  member_full: { org: 'POLISEN-SYD', role: 'member' },
  member_pseudo: { org: 'MIGRATIONSVERKET', role: 'member' },
  member_named: { org: 'AKLAGARE-INTERNATIONELLA', role: 'member' },
  member_colleague: { org: 'AKLAGARE-INTERNATIONELLA', role: 'member' },
  member_none: { org: 'SOS-AVV', role: 'member' },
  requester: { org: 'POLISEN-NOA', role: 'requester' },
  requester_soc: { org: 'SOC-0180', role: 'requester' },
  analyst: { org: 'NMT', role: 'analyst' },
  auditor: { org: 'NMT', role: 'auditor' },
};
// No principal belongs to these: the fixture row refused callers try to remove, and the
// organization allowed callers add and remove again (so no fact of any case changes).
const FIXTURE_ORG = 'SKATTEVERKET';
const CHURN_ORG = 'ARBETSMILJOVERKET';

// The cases: creator (owner organization), county (region), team rows added by the creator.
const CASES = {
  nmt_stockholm: { by: 'coord_nmt', county: '01', region: 'stockholm',
    team: [{ org: 'POLISEN-SYD', access: 'full' }, { org: 'MIGRATIONSVERKET', access: 'pseudonymous' }] },
  syd_police: { by: 'member_full', county: '12', region: 'syd',
    team: [{ org: 'AKLAGARE-INTERNATIONELLA', user: 'member_named', access: 'full' }] },
  vast_police: { by: 'coord_no_region', county: '14', region: 'vast',
    team: [{ org: 'RK-STOCKHOLM', access: 'full' },
      { org: 'MIGRATIONSVERKET', user: 'member_pseudo', access: 'pseudonymous' }] },
  migration_stockholm: { by: 'member_pseudo', county: '01', region: 'stockholm', team: [] },
  nmt_nord: { by: 'coord_nmt', county: '25', region: 'nord', team: [] },
};

// Each principal writes its own language next to 'sv' (ISO 639-1 codes).
const LANGUAGES = ['en', 'ro', 'bg', 'ar', 'ti', 'so', 'fa', 'ru', 'uk', 'es', 'pl', 'de', 'fr', 'th', 'vi', 'zh'];
const IDENTITY = {
  full_name: 'Matris Testperson', date_of_birth: '1990-01-02', id_number: '19900102-0000',
  phone: '+46 70 111 22 33', address: 'Matrisgatan 1, 111 11 Stockholm',
};

let srv;
const U = {}; // name → user (with token) + model principal
const W = {}; // name → {id, model, persons: [{id, model}], fixtureRow}
const tally = new Map(); // "role/relation" → count
let total = 0;

function principal(name) {
  const s = PRINCIPALS[name];
  return { role: s.role, org: s.org, region: s.region || null, username: U[name].username };
}

/** Compare and count one matrix cell. */
function cell(failures, who, endpoint, object, expected, r) {
  total += 1;
  const key = `${PRINCIPALS[who].role}/${object}`;
  tally.set(key, (tally.get(key) || 0) + 1);
  if (r.status !== expected) {
    failures.push(`${who} ${endpoint} [${object}]: expected ${expected}, got ${r.status} ${r.text.slice(0, 120)}`);
  }
}

async function version(kind, id) {
  const r = await api(srv, 'GET', `/api/v1/${kind}/${id}`, { auth: U.coord_nmt });
  assert.equal(r.status, 200, `version of ${kind}/${id}: ${r.text}`);
  return `"${r.json.version}"`;
}

before(async () => {
  srv = await startServer();
  for (const [name, spec] of Object.entries(PRINCIPALS)) {
    U[name] = await addUserWithToken(srv, { ...spec, username: `m_${name}` });
  }
  for (const [name, spec] of Object.entries(CASES)) {
    const creator = U[spec.by];
    const c = await createCase(srv, creator, { title: `Matris ${name}`, county: spec.county });
    const team = [];
    for (const row of [...spec.team, { org: FIXTURE_ORG, access: 'pseudonymous' }]) {
      const body = { organization: row.org, access: row.access };
      if (row.user) body.username = U[row.user].username;
      const r = await api(srv, 'POST', `/api/v1/cases/${c.id}/team`, { auth: creator, body });
      assert.equal(r.status, 201, `team row on ${name}: ${r.text}`);
      team.push({ org: row.org, username: row.user ? U[row.user].username : null, access: row.access,
        id: r.json.id });
    }
    const model = { owner: PRINCIPALS[spec.by].org, region: spec.region,
      team: [{ org: PRINCIPALS[spec.by].org, username: null, access: 'full' }, ...team] };
    const persons = [];
    for (const prot of [false, true]) {
      const p = await createPerson(srv, creator, c.id, {
        pseudonym: `M-${name}-${prot ? 'skyddad' : 'plain'}`, identity: IDENTITY,
        protected_identity: prot ? 'protected_address' : 'none',
      });
      persons.push({ id: p.id, model: { protected: prot } });
    }
    // One journal entry for full access only, which the others' lists must leave out.
    const j = await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`,
      { auth: creator, body: { kind: 'note', text: 'Endast full åtkomst', visibility: 'full' } });
    assert.equal(j.status, 201, `journal entry on ${name}: ${j.text}`);
    W[name] = { id: c.id, model, persons, fixtureRow: team[team.length - 1].id, fullEntry: j.json.id };
  }
});

after(async () => {
  if (srv) await srv.close();
});

// Every principal × case pairs with its relation, plus an absent object per principal.
function objects() {
  const out = [];
  for (const name of Object.keys(W)) out.push({ name, w: W[name], model: W[name].model });
  out.push({ name: 'absent', w: { id: randomId(), persons: [{ id: randomId(), model: { protected: false } }],
    fixtureRow: randomId() }, model: null });
  return out;
}

test('reads: case, team, person (with the identity it carries), audit by case, lists', async () => {
  const failures = [];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    for (const o of objects()) {
      const rel = M.relation(p, o.model);
      let e = 'GET /cases/{id}';
      cell(failures, who, e, rel, M.expect[e](p, o.model), await api(srv, 'GET', `/api/v1/cases/${o.w.id}`, { auth }));
      e = 'GET /cases/{id}/team';
      cell(failures, who, e, rel, M.expect[e](p, o.model),
        await api(srv, 'GET', `/api/v1/cases/${o.w.id}/team`, { auth }));
      e = 'GET /audit?case={id}';
      cell(failures, who, e, rel, M.expect[e](p, o.model),
        await api(srv, 'GET', `/api/v1/audit?case=${o.w.id}`, { auth }));
      e = 'GET /cases/{id}/history';
      cell(failures, who, e, rel, M.expect[e](p, o.model),
        await api(srv, 'GET', `/api/v1/cases/${o.w.id}/history`, { auth }));
      e = 'GET /cases/{id}/journal';
      const j = await api(srv, 'GET', `/api/v1/cases/${o.w.id}/journal?limit=200`, { auth });
      cell(failures, who, e, rel, M.expect[e](p, o.model), j);
      if (j.status === 200) {
        // The full entry exactly for those with full access.
        total += 1;
        const has = j.json.items.some((x) => x.id === o.w.fullEntry);
        if (has !== M.mayWrite(p, o.model)) {
          failures.push(`${who} journal of ${o.name}: full entry ${has ? 'shown' : 'left out'}`);
        }
      }
      for (const person of o.w.persons) {
        const prel = person.model.protected ? `${rel}+protected` : rel;
        e = 'GET /persons/{id}/first-contact';
        cell(failures, who, e, prel, M.expect[e](p, o.model),
          await api(srv, 'GET', `/api/v1/persons/${person.id}/first-contact`, { auth }));
        e = 'GET /persons/{id}/history';
        cell(failures, who, e, prel, M.expect[e](p, o.model),
          await api(srv, 'GET', `/api/v1/persons/${person.id}/history`, { auth }));
        e = 'GET /persons/{id}/assessments';
        cell(failures, who, e, prel, M.expect[e](p, o.model),
          await api(srv, 'GET', `/api/v1/persons/${person.id}/assessments`, { auth }));
        e = 'GET /persons/{id}/pathway';
        cell(failures, who, e, prel, M.expect[e](p, o.model),
          await api(srv, 'GET', `/api/v1/persons/${person.id}/pathway`, { auth }));
        e = 'GET /persons/{id}';
        // The person answer, and the identity the caller may reveal (GET …/identity).
        const r = await personWithIdentity(srv, auth, person.id);
        cell(failures, who, e, prel, M.expect[e](p, o.model), r);
        if (r.status === 200) {
          // The identity the answer carries, exactly as far as the rules allow.
          const view = M.identityView(p, o.model, person.model);
          total += 1;
          const got = r.json.identity_access;
          const id = r.json.identity;
          const shape = view === 'none' ? id === undefined
            : view === 'full' ? id && id.address === IDENTITY.address && id.full_name === IDENTITY.full_name
              : id && id.address === undefined && id.full_name === IDENTITY.full_name;
          if (got !== view || !shape) {
            failures.push(`${who} identity of ${o.name} ${prel}: expected ${view}, got ${got} ` +
              `(identity ${JSON.stringify(id)})`);
          }
          const bg = M.mayBreakGlass(p, o.model, person.model);
          total += 1;
          if (r.json.allowed.includes('break_glass') !== bg) {
            failures.push(`${who} allowed break_glass of ${o.name} ${prel}: expected ${bg}, got ` +
              `${JSON.stringify(r.json.allowed)}`);
          }
          total += 1;
          if (r.json.allowed.includes('reveal_identity') !== (view !== 'none')) {
            failures.push(`${who} allowed reveal_identity of ${o.name} ${prel}: expected ${view !== 'none'}, got ` +
              `${JSON.stringify(r.json.allowed)}`);
          }
          // Indicator screening (issue 9): whoever reads the person may assess it.
          total += 1;
          if (!r.json.allowed.includes('assess')) {
            failures.push(`${who} allowed assess of ${o.name} ${prel}: missing from ${JSON.stringify(r.json.allowed)}`);
          }
          // support pathway: offered to whoever reads the person (the world's cases are open).
          total += 1;
          if (!r.json.allowed.includes('add_pathway_event')) {
            failures.push(`${who} allowed add_pathway_event of ${o.name} ${prel}: expected, got ` +
              `${JSON.stringify(r.json.allowed)}`);
          }
        }
      }
    }
    // The lists: exactly the visible cases of the world (a list never holds what the caller may
    // not see, and holds all it may).
    let e = 'GET /cases';
    const r = await api(srv, 'GET', '/api/v1/cases?limit=200', { auth });
    cell(failures, who, e, 'list', M.expect[e](p), r);
    if (r.status === 200) {
      const ours = new Set(Object.values(W).map((x) => x.id));
      const got = r.json.items.map((x) => x.id).filter((id) => ours.has(id)).sort();
      const want = Object.values(W).filter((x) => M.sees(p, x.model)).map((x) => x.id).sort();
      total += 1;
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        failures.push(`${who} GET /cases holds ${got.length} of the world's cases, expected ${want.length}`);
      }
    }
    e = 'GET /break-glass';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/break-glass', { auth }));
    e = 'GET /indicators';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/indicators', { auth }));
  }
  assert.deepEqual(failures, []);
});

test('writes: case, persons, team rows, person fields and identity', async () => {
  const failures = [];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    for (const o of objects()) {
      const rel = M.relation(p, o.model);
      let e = 'PATCH /cases/{id}';
      let want = M.expect[e](p, o.model);
      let ifMatch = o.model && M.sees(p, o.model) ? await version('cases', o.w.id) : '"1"';
      cell(failures, who, e, rel, want, await api(srv, 'PATCH', `/api/v1/cases/${o.w.id}`,
        { auth, ifMatch, body: { summary: `ändrad av ${who}` } }));
      e = 'POST /cases/{id}/journal';
      cell(failures, who, e, rel, M.expect[e](p, o.model), await api(srv, 'POST', `/api/v1/cases/${o.w.id}/journal`,
        { auth, body: { kind: 'note', text: `skriven av ${who}` } }));
      e = 'POST /cases/{id}/journal full';
      cell(failures, who, e, rel, M.expect[e](p, o.model), await api(srv, 'POST', `/api/v1/cases/${o.w.id}/journal`,
        { auth, body: { kind: 'note', text: `skriven av ${who}`, visibility: 'full' } }));
      e = 'POST /cases/{id}/persons';
      cell(failures, who, e, rel, M.expect[e](p, o.model), await api(srv, 'POST', `/api/v1/cases/${o.w.id}/persons`,
        { auth, body: { pseudonym: `M-${who}`, gender: 'unknown' } }));
      e = 'POST /cases/{id}/team';
      want = M.expect[e](p, o.model);
      const add = await api(srv, 'POST', `/api/v1/cases/${o.w.id}/team`,
        { auth, body: { organization: CHURN_ORG, access: 'pseudonymous' } });
      cell(failures, who, e, rel, want, add);
      // Allowed callers remove the row they added; everyone else tries the fixture row.
      e = 'DELETE /cases/{id}/team/{id}';
      const row = add.status === 201 ? add.json.id : o.w.fixtureRow;
      cell(failures, who, e, rel, M.expect[e](p, o.model),
        await api(srv, 'DELETE', `/api/v1/cases/${o.w.id}/team/${row}`, { auth }));
      for (const person of o.w.persons) {
        const prel = person.model.protected ? `${rel}+protected` : rel;
        e = 'PATCH /persons/{id}';
        want = M.expect[e](p, o.model, person.model);
        ifMatch = o.model && M.sees(p, o.model) ? await version('persons', person.id) : '"1"';
        cell(failures, who, e, prel, want, await api(srv, 'PATCH', `/api/v1/persons/${person.id}`,
          { auth, ifMatch, body: { languages: ['sv', LANGUAGES[Object.keys(PRINCIPALS).indexOf(who) % LANGUAGES.length]] } }));
        e = 'POST /persons/{id}/pathway/events';
        cell(failures, who, e, prel, M.expect[e](p, o.model), await api(srv, 'POST',
          `/api/v1/persons/${person.id}/pathway/events`, { auth, body: { type: 'identified', date: '2026-01-15' } }));
        e = 'PATCH /persons/{id} identity';
        want = M.expect[e](p, o.model, person.model);
        ifMatch = o.model && M.sees(p, o.model) ? await version('persons', person.id) : '"1"';
        cell(failures, who, e, prel, want, await api(srv, 'PATCH', `/api/v1/persons/${person.id}`,
          { auth, ifMatch, body: { identity: { ...IDENTITY, phone: '+46 70 999 00 00' } } }));
        e = 'POST /persons/{id}/assessments';
        cell(failures, who, e, prel, M.expect[e](p, o.model), await api(srv, 'POST',
          `/api/v1/persons/${person.id}/assessments`, { auth, body: { observed: ['d1-nature'] } }));
        e = 'POST /persons/{id}/first-contact';
        cell(failures, who, e, prel, M.expect[e](p, o.model), await api(srv, 'POST',
          `/api/v1/persons/${person.id}/first-contact`, { auth, body: { date: '2026-01-02', checklist: {
            introduced_self_and_mission: true, explained_can_and_cannot: false, interpreter_outside_network: true,
            safety_discussed: true, own_questions_answered: false } } }));
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('break the glass, and what a grant opens', async () => {
  const failures = [];
  const granted = [];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    for (const o of objects()) {
      const rel = M.relation(p, o.model);
      for (const person of o.w.persons) {
        const prel = person.model.protected ? `${rel}+protected` : rel;
        const e = 'POST /persons/{id}/break-glass';
        const r = await api(srv, 'POST', `/api/v1/persons/${person.id}/break-glass`,
          { auth, body: { category: 'protection_measure', reason: `Matristest: ${who} behöver identiteten för kontakt.` } });
        cell(failures, who, e, prel, M.expect[e](p, o.model, person.model), r);
        if (r.status === 201) granted.push({ who, p, o, person });
      }
    }
  }
  // A grant opens the whole identity for reading to its holder, and never for changing it.
  for (const g of granted) {
    const r = await personWithIdentity(srv, U[g.who], g.person.id);
    total += 1;
    const want = M.identityView(g.p, g.o.model, g.person.model, { glass: true });
    if (r.status !== 200 || r.json.identity_access !== want || !r.json.identity ||
        r.json.identity.address !== IDENTITY.address && want === 'full') {
      failures.push(`${g.who} after break-glass on ${g.o.name}: expected ${want}, got ${r.status} ` +
        `${r.json && r.json.identity_access}`);
    }
    const e = 'PATCH /persons/{id} identity';
    cell(failures, g.who, `${e} (with a grant)`, 'visible+protected', 403,
      await api(srv, 'PATCH', `/api/v1/persons/${g.person.id}`, { auth: U[g.who],
        ifMatch: await version('persons', g.person.id), body: { identity: IDENTITY } }));
  }
  assert.ok(granted.length >= 3, `only ${granted.length} grants: the world must allow some`);
  assert.deepEqual(failures, []);
});

test('guidance: every role reads it, only admins edit it', async () => {
  const failures = [];
  const g = await api(srv, 'GET', '/api/v1/guidance?topic=first-contact&lang=sv', { auth: U[Object.keys(U)[0]] });
  assert.equal(g.status, 200);
  const id = g.json.items[0].id;
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    let e = 'GET /guidance';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/guidance?lang=en', { auth }));
    e = 'PATCH /guidance/items/{id}';
    const cur = await api(srv, 'GET', `/api/v1/guidance/items/${id}`, { auth });
    cell(failures, who, 'GET /guidance/items/{id}', 'list', 200, cur);
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'PATCH', `/api/v1/guidance/items/${id}`,
      { auth, ifMatch: cur.headers.get('etag'), body: { en: { heading: `Edited by ${who}` } } }));
  }
  assert.deepEqual(failures, []);
});

// the duplicate check: the duplicate check. Every person of the world has the same identity, so
// an identity query finds them all: each principal is shown exactly the persons whose identity it
// reads and gets `elsewhere` exactly when any other holds it; a pseudonym query
// shows a case's persons to those who see it and nothing (not even `elsewhere`) to the others.
test('the duplicate check: every principal × every case', async () => {
  const failures = [];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    const e = 'POST /persons/match';
    const byId = await api(srv, 'POST', '/api/v1/persons/match',
      { auth, body: { identity: { id_number: IDENTITY.id_number } } });
    cell(failures, who, `${e} identity`, 'list', M.expect[e](p), byId);
    for (const o of objects()) {
      const rel = M.relation(p, o.model);
      const byName = await api(srv, 'POST', '/api/v1/persons/match',
        { auth, body: { pseudonym: `m-${o.name}-PLAIN` } });
      cell(failures, who, `${e} pseudonym`, rel, M.expect[e](p), byName);
      if (byName.status !== 200) continue;
      const want = o.model !== null && M.sees(p, o.model) ? [o.w.persons[0].id] : [];
      const got = byName.json.matches.map((m) => m.person);
      if (JSON.stringify(got) !== JSON.stringify(want) || byName.json.elsewhere) {
        failures.push(`${who} ${e} pseudonym [${o.name}]: expected ${JSON.stringify(want)}, got ${byName.text}`);
      }
    }
    if (byId.status !== 200) continue;
    // Listed: the persons whose identity p reads now (GET …/identity answers it: by right or through
    // a grant of the break-the-glass test above); any other identity match is only elsewhere.
    const all = Object.values(W).flatMap((w) => w.persons.map((x) => ({ w, x })));
    const readable = [];
    for (const { w, x } of all) {
      if (M.sees(p, w.model) &&
          (await api(srv, 'GET', `/api/v1/persons/${x.id}/identity`, { auth })).status === 200) readable.push(x);
    }
    const want = readable.map((x) => x.id).sort();
    const got = byId.json.matches.map((m) => m.person).sort();
    const elsewhere = readable.length < all.length;
    if (JSON.stringify(got) !== JSON.stringify(want) || byId.json.elsewhere !== elsewhere) {
      failures.push(`${who} ${e} identity: expected ${want.length} persons, elsewhere ${elsewhere}; got ` +
        `${got.length}, elsewhere ${byId.json.elsewhere}`);
    }
  }
  assert.deepEqual(failures, []);
});

// Intake: consultations by a requester (Syd), another requester (Stockholm) and the
// secretariat (Nord).
const CONSULTATIONS = {
  by_requester: { by: 'requester', county: '12', region: 'syd' },
  by_requester_soc: { by: 'requester_soc', county: '01', region: 'stockholm' },
  by_nmt: { by: 'coord_nmt', county: '25', region: 'nord' },
};

test('consultations: read, change, list and create', async () => {
  const failures = [];
  const Q = {};
  for (const [name, spec] of Object.entries(CONSULTATIONS)) {
    const r = await api(srv, 'POST', '/api/v1/consultations', { auth: U[spec.by], body: {
      channel: 'web', requester: { name: 'Matris' }, county: spec.county, question: `Matris ${name}`,
      concerns: [], child_involved: false, urgency: 'normal', consent: 'none' } });
    assert.equal(r.status, 201, `consultation ${name}: ${r.text}`);
    Q[name] = { id: r.json.id, model: { region: spec.region, by: U[spec.by].username } };
  }
  const world = [...Object.values(Q), { id: randomId(), model: null }];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    for (const q of world) {
      const rel = M.consultationRelation(p, q.model);
      let e = 'GET /consultations/{id}';
      const got = await api(srv, 'GET', `/api/v1/consultations/${q.id}`, { auth });
      cell(failures, who, e, `consultation-${rel}`, M.expect[e](p, q.model), got);
      e = 'PATCH /consultations/{id}';
      const ifMatch = got.status === 200 ? `"${got.json.version}"` : '"1"';
      cell(failures, who, e, `consultation-${rel}`, M.expect[e](p, q.model),
        await api(srv, 'PATCH', `/api/v1/consultations/${q.id}`, { auth, ifMatch, body: { notes: `av ${who}` } }));
    }
    let e = 'GET /consultations';
    const r = await api(srv, 'GET', '/api/v1/consultations?limit=200', { auth });
    cell(failures, who, e, 'consultation-list', M.expect[e](p), r);
    if (r.status === 200) {
      const ours = new Set(Object.values(Q).map((x) => x.id));
      const listed = r.json.items.map((x) => x.id).filter((id) => ours.has(id)).sort();
      const want = Object.values(Q).filter((x) => M.seesConsultation(p, x.model)).map((x) => x.id).sort();
      total += 1;
      if (JSON.stringify(listed) !== JSON.stringify(want)) {
        failures.push(`${who} GET /consultations holds ${listed.length} of the world's, expected ${want.length}`);
      }
    }
    e = 'POST /consultations';
    cell(failures, who, e, 'consultation-create', M.expect[e](p), await api(srv, 'POST', '/api/v1/consultations',
      { auth, body: { channel: 'phone', requester: { name: 'Matris' }, county: '03', question: 'Matris',
        concerns: [], child_involved: false, urgency: 'normal', consent: 'none' } }));
  }
  assert.deepEqual(failures, []);
});

// tasks. A case of member_full's (POLISEN-SYD, region syd) whose tasks go to SOS-AVV
// (member_none's organization): while a task is active SOS-AVV is on the team with its access,
// which the model's case carries, so every cell follows from the rules alone. Each transition
// gets a task of its own in the state it starts from; what is left active is revoked after.
test('tasks: send, read, every transition, lists and notifications (every role)', async () => {
  const failures = [];
  const sender = U.member_full;
  const c = await createCase(srv, sender, { title: 'Matris uppdrag', county: '12' });
  const base = { owner: 'POLISEN-SYD', region: 'syd', team: [{ org: 'POLISEN-SYD', username: null, access: 'full' }] };
  const withTask = (access) => ({ ...base, team: [...base.team, { org: 'SOS-AVV', username: null, access }] });
  const newTask = async (status) => {
    const r = await api(srv, 'POST', `/api/v1/cases/${c.id}/tasks`, { auth: sender,
      body: { organization: 'SOS-AVV', title: 'Matrisuppdrag', access: 'pseudonymous' } });
    assert.equal(r.status, 201, r.text);
    if (status !== 'requested') {
      const a = await api(srv, 'POST', `/api/v1/tasks/${r.json.id}/accept`, { auth: U.member_none });
      assert.equal(a.status, 200, a.text);
    }
    if (status === 'completed') {
      const d = await api(srv, 'POST', `/api/v1/tasks/${r.json.id}/complete`, { auth: U.member_none,
        body: { outcome: 'Klart.' } });
      assert.equal(d.status, 200, d.text);
    }
    return r.json.id;
  };
  const bodies = { decline: { reason: 'Matris.' }, complete: { outcome: 'Matris.' } };
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    const rel = (t) => (t === null ? 'absent' : p.org === t.to ? 'task-receiver' : p.org === t.from ? 'task-sender'
      : M.seesTask(p, t) ? 'task-team-changer' : 'task-stranger');
    // Sending (to an organization no principal belongs to, revoked at once: nothing else changes).
    let e = 'POST /cases/{id}/tasks';
    const sent = await api(srv, 'POST', `/api/v1/cases/${c.id}/tasks`, { auth,
      body: { organization: CHURN_ORG, title: 'Matris', access: 'pseudonymous' } });
    cell(failures, who, e, M.relation(p, base), M.expect[e](p, base), sent);
    if (sent.status === 201) {
      const r = await api(srv, 'POST', `/api/v1/tasks/${sent.json.id}/revoke`, { auth });
      assert.equal(r.status, 200, r.text);
    }
    e = 'GET /tasks';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/tasks', { auth }));
    e = 'GET /notifications';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/notifications', { auth }));
    // Reads and each transition from each state, on a fresh task.
    for (const status of ['requested', 'accepted', 'completed']) {
      for (const verb of ['accept', 'decline', 'complete', 'revoke']) {
        const id = await newTask(status);
        const t = { case: status === 'completed' ? base : withTask('pseudonymous'), from: 'POLISEN-SYD',
          to: 'SOS-AVV', status };
        e = 'GET /tasks/{id}';
        cell(failures, who, e, rel(t), M.expect[e](p, t), await api(srv, 'GET', `/api/v1/tasks/${id}`, { auth }));
        e = 'GET /cases/{id}/tasks';
        cell(failures, who, e, M.relation(p, t.case), M.expect[e](p, t.case),
          await api(srv, 'GET', `/api/v1/cases/${c.id}/tasks`, { auth }));
        e = 'GET /cases/{id}/team/suggestions';
        cell(failures, who, e, M.relation(p, t.case), M.expect[e](p, t.case),
          await api(srv, 'GET', `/api/v1/cases/${c.id}/team/suggestions`, { auth }));
        e = `POST /tasks/{id}/${verb}`;
        const r = await api(srv, 'POST', `/api/v1/tasks/${id}/${verb}`, { auth, body: bodies[verb] });
        cell(failures, who, `${e} [${status}]`, rel(t), M.expect[e](p, t), r);
        const now = await api(srv, 'GET', `/api/v1/tasks/${id}`, { auth: sender });
        if (M.activeTask(now.json)) {
          const x = await api(srv, 'POST', `/api/v1/tasks/${id}/revoke`, { auth: sender });
          assert.equal(x.status, 200, x.text);
        }
      }
    }
    for (const verb of ['accept', 'revoke']) {
      e = `POST /tasks/{id}/${verb}`;
      cell(failures, who, e, 'absent', M.expect[e](p, null),
        await api(srv, 'POST', `/api/v1/tasks/${randomId()}/${verb}`, { auth }));
    }
    e = 'GET /tasks/{id}';
    cell(failures, who, e, 'absent', M.expect[e](p, null), await api(srv, 'GET', `/api/v1/tasks/${randomId()}`, { auth }));
  }
  // Another user's notification is hidden from everyone but its recipient.
  const mine = (await api(srv, 'GET', '/api/v1/notifications?limit=1', { auth: U.member_none })).json.items[0];
  assert.ok(mine, 'member_none has notifications of its tasks');
  for (const who of Object.keys(PRINCIPALS).filter((x) => x !== 'member_none')) {
    const e = "POST /notifications/{id}/read (another's)";
    cell(failures, who, e, 'invisible', M.expect[e](principal(who)),
      await api(srv, 'POST', `/api/v1/notifications/${mine.id}/read`, { auth: U[who] }));
  }
  assert.deepEqual(failures, []);
});

// Statistics releases (issue 12): every role makes, lists and reads a release (and an absent one).
test('statistics releases: make, list and read (every role)', async () => {
  const failures = [];
  const made = await api(srv, 'POST', '/api/v1/stats/releases', { auth: U.analyst,
    body: { measure: 'persons', by: ['gender'], year: 2020, epsilon: 0.01 } });
  assert.equal(made.status, 201, made.text);
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    const auth = U[who];
    let e = 'POST /stats/releases';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'POST', '/api/v1/stats/releases',
      { auth, body: { measure: 'persons', by: ['gender'], year: 2020, epsilon: 0.01 } }));
    e = 'GET /stats/releases';
    cell(failures, who, e, 'list', M.expect[e](p), await api(srv, 'GET', '/api/v1/stats/releases', { auth }));
    e = 'GET /stats/releases/{id}';
    cell(failures, who, e, 'visible', M.expect[e](p, made.json),
      await api(srv, 'GET', `/api/v1/stats/releases/${made.json.id}`, { auth }));
    cell(failures, who, e, 'absent', M.expect[e](p, null),
      await api(srv, 'GET', `/api/v1/stats/releases/${randomId()}`, { auth }));
  }
  assert.deepEqual(failures, []);
});

// Statistics (issue 12): every principal × the three routes × no region, its own, another.
test('statistics: who reads them, and for which region', async () => {
  const failures = [];
  for (const who of Object.keys(PRINCIPALS)) {
    const p = principal(who);
    for (const region of [null, 'stockholm', 'syd']) {
      const q = region ? `&region=${region}` : '';
      const rel = region === null ? 'stats-national' : region === p.region ? 'stats-own-region' : 'stats-region';
      for (const path of [`/api/v1/stats?by=gender${q}`, `/api/v1/stats/eurostat?year=2026${q}`,
        `/api/v1/stats/national?year=2026${q}`]) {
        const r = await api(srv, 'GET', path, { auth: U[who] });
        cell(failures, who, `GET ${path}`, rel, M.expect['GET /stats'](p, region), r);
        if (r.status === 200 && p.region && p.role === 'coordinator' && !M.secretariat(p)) {
          assert.equal(r.json.filters.region, p.region, `${who}: its region, implied or asked`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('the matrix covers every role and every relation', () => {
  // Every case-working role meets own, visible, invisible, absent and protected objects;
  // every other role meets objects too (and is refused them all).
  for (const name of Object.keys(PRINCIPALS)) {
    const role = PRINCIPALS[name].role;
    const rels = [...tally.keys()].filter((k) => k.startsWith(`${role}/`)).map((k) => k.slice(role.length + 1));
    for (const need of ['visible', 'invisible', 'absent', 'visible+protected', 'invisible+protected', 'list']) {
      if (role === 'coordinator' || role === 'member') {
        assert.ok(rels.includes(need), `${role} never met a ${need} object`);
      }
    }
  }
  for (const role of ['coordinator', 'member']) {
    assert.ok(tally.has(`${role}/own`), `${role} never met its own case`);
    assert.ok(tally.has(`${role}/own+protected`), `${role} never met a protected person of its own`);
  }
  for (const role of ['admin', 'requester', 'analyst', 'auditor']) {
    assert.ok([...tally.keys()].some((k) => k.startsWith(`${role}/`)), `${role} is not in the matrix`);
  }
  const roles = new Set(Object.values(PRINCIPALS).map((s) => s.role));
  assert.equal(roles.size, 6, 'every role of API.md');
  console.log(`authorization matrix: ${total} cases (${Object.keys(PRINCIPALS).length} principals, ` +
    `${roles.size} roles, ${Object.keys(CASES).length} cases + an absent id, each with a plain and a protected person)`);
});
