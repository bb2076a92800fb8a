// README "Trying it out": `nmtctl demo` gives every demo user real work to look at, the same on
// every run: a dozen cases in several regions, open and closed; persons with children, a
// protected identity, citizenships, languages and vulnerabilities; teams where mira sees one
// case only pseudonymously; one break-the-glass grant and an audit log for greta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, createDatabase, ctlFor, api, assertStatus, listAll, setDatabaseClock,
} from './harness.mjs';

// The demo is written five minutes before a Swedish midnight (23:55 CET), where counting days as
// 86 400 s back from now puts things on the wrong Swedish day (its cases go back across the summer-
// time change, its persons a minute apart); the second run of "the same on every run" writes it at
// 00:05 the same day.
const LATE = '2026-11-29T22:55:00Z';
const EARLY = '2026-11-28T23:05:00Z';

let db;
let srv;
const U = {};
let demoOut;

/** A demo database: init and demo; returns the demo's output. */
async function demoDatabase(d) {
  const init = await ctlFor(d, ['init']);
  assert.equal(init.code, 0, init.stderr);
  const r = await ctlFor(d, ['demo']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

/** Cases as the user sees them, each with its full document, by title. */
async function casesOf(user) {
  const items = await listAll(srv, '/api/v1/cases', { auth: user });
  const docs = [];
  for (const c of items) {
    const r = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: user });
    assertStatus(r, 200, c.title);
    docs.push(r.json);
  }
  return new Map(docs.map((c) => [c.title, c]));
}

before(async () => {
  db = await createDatabase();
  setDatabaseClock(db, LATE);
  demoOut = await demoDatabase(db);
  srv = await startServer({ db, init: false });
  for (const name of ['sara', 'rasmus', 'petra', 'mira', 'greta']) {
    const t = await ctlFor(db, ['token', 'create', '--username', name, '--json']);
    assert.equal(t.code, 0, t.stderr);
    U[name] = { username: name, token: JSON.parse(t.stdout).token };
  }
});

after(async () => {
  await srv?.stop();
  await db?.drop();
});

test('the demo prints the five logins and refuses a second run', async () => {
  for (const name of ['sara', 'rasmus', 'petra', 'mira', 'greta']) {
    assert.match(demoOut, new RegExp(`^  ${name} +\\w+ .* password \\S+  TOTP secret [A-Z2-7]+`, 'm'), name);
  }
  const again = await ctlFor(db, ['demo']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exist already/);
});

test('sara (secretariat) sees about a dozen cases across regions, open and closed', async () => {
  const cases = await casesOf(U.sara);
  assert.ok(cases.size >= 12, `${cases.size} cases`);
  const all = [...cases.values()];
  assert.ok(new Set(all.map((c) => c.region)).size >= 6, 'several regions');
  assert.ok(all.filter((c) => c.status === 'closed').length >= 2, 'some closed');
  assert.ok(all.filter((c) => c.status === 'open').length >= 8, 'most open');
  assert.ok(all.every((c) => c.team.length >= 1));
  assert.ok(all.some((c) => c.team.some((m) => m.access === 'pseudonymous')), 'pseudonymous team rows');
  assert.ok(all.some((c) => c.team.some((m) => m.username)), 'a single user in a team');
});

test('the persons: children, a protected identity, citizenships, languages, vulnerabilities', async () => {
  const cases = await casesOf(U.sara);
  const persons = [];
  for (const c of cases.values()) {
    for (const s of c.persons) {
      const r = await api(srv, 'GET', `/api/v1/persons/${s.id}`, { auth: U.sara });
      assertStatus(r, 200);
      persons.push(r.json);
    }
  }
  assert.ok(persons.length >= 15, `${persons.length} persons`);
  assert.ok(persons.filter((p) => p.is_child).length >= 2, 'children');
  assert.ok(persons.some((p) => p.protected_identity === 'protected_address'), 'a protected identity');
  assert.ok(new Set(persons.map((p) => p.citizenship).filter(Boolean)).size >= 5, 'several citizenships');
  assert.ok(persons.filter((p) => p.languages.length > 0).length >= 10, 'languages');
  assert.ok(persons.filter((p) => p.vulnerabilities.length > 0).length >= 10, 'vulnerabilities');
  assert.ok(persons.some((p) => p.languages.length >= 2), 'more than one language');
  const vocab = (await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.sara })).json;
  const known = new Set(vocab.vulnerabilities.map((t) => t.code));
  assert.deepEqual(persons.flatMap((p) => p.vulnerabilities).filter((v) => !known.has(v)), [],
    'vulnerabilities are codes of the vocabulary');
});

test('closed cases carry their reason, and the journals hold real work', async () => {
  const sara = await casesOf(U.sara);
  const vocab = (await api(srv, 'GET', '/api/v1/vocabularies', { auth: U.sara })).json;
  const reasons = new Set(vocab.closing_reasons.map((t) => t.code));
  const closed = [...sara.values()].filter((c) => c.status === 'closed');
  for (const c of closed) {
    assert.ok(reasons.has(c.closing_reason), `${c.title}: ${c.closing_reason}`);
    assert.ok(c.closed_at);
    assert.deepEqual(c.allowed, ['reopen'], 'a closed case offers only reopening');
  }
  const sos = sara.get('Hänvisning från akutmottagningen SÖS');
  const all = await listAll(srv, `/api/v1/cases/${sos.id}/journal`, { auth: U.sara });
  assert.ok(all.length >= 3, 'the SÖS case has a journal');
  assert.ok(all.some((e) => e.visibility === 'full'));
  // petra is a pseudonymous member there: the team's entries only.
  const petra = await listAll(srv, `/api/v1/cases/${sos.id}/journal`, { auth: U.petra });
  assert.deepEqual(petra.map((e) => e.id), all.filter((e) => e.visibility === 'team').map((e) => e.id));
  const malmo = sara.get('Annonser för sexuella tjänster, Malmö');
  const entries = await listAll(srv, `/api/v1/cases/${malmo.id}/journal`, { auth: U.petra });
  assert.ok(entries.some((e) => e.corrects && entries.some((x) => x.id === e.corrects)), 'a correction');
  const greta = await listAll(srv, '/api/v1/break-glass', { auth: U.greta });
  assert.equal(greta[0].category, 'protection_measure');
});

test('each closed case has the change-history entry of its closing', async () => {
  const sara = await casesOf(U.sara);
  const closed = [...sara.values()].filter((c) => c.status === 'closed');
  assert.ok(closed.length >= 2);
  for (const c of closed) {
    const items = await listAll(srv, `/api/v1/cases/${c.id}/history`, { auth: U.sara });
    assert.ok(items.length >= 1, `${c.number} has a history`);
    const last = items[0];
    assert.equal(last.version, c.version, `${c.number}: the closing is its latest version`);
    assert.equal(last.at, c.closed_at);
    assert.deepEqual(last.changes, [
      { field: 'status', from: 'open', to: 'closed' },
      { field: 'closing_reason', from: null, to: c.closing_reason },
      { field: 'closed_at', from: null, to: c.closed_at },
    ], c.number);
    assert.deepEqual(last.actor, c.owner, 'closed by its owner');
  }
});

test('each case worker sees real work; mira sees one case only pseudonymously', async () => {
  const rasmus = await casesOf(U.rasmus);
  const petra = await casesOf(U.petra);
  const mira = await casesOf(U.mira);
  for (const [who, cases] of [['rasmus', rasmus], ['petra', petra], ['mira', mira]]) {
    assert.ok(cases.size >= 3, `${who} sees ${cases.size} cases`);
    assert.ok([...cases.values()].some((c) => c.persons.length > 0), `${who} sees persons`);
  }
  assert.ok([...rasmus.values()].every((c) => c.region === 'stockholm' ||
    c.team.some((m) => m.organization === 'RK-STOCKHOLM')), 'rasmus: his region and his teams');
  const pseudo = mira.get('Misstänkt tvångsarbete på restaurang');
  assert.ok(pseudo, 'mira sees the restaurant case');
  assert.equal(pseudo.team.find((m) => m.organization === 'MIGRATIONSVERKET').access, 'pseudonymous');
  for (const s of pseudo.persons) {
    assertStatus(await api(srv, 'GET', `/api/v1/persons/${s.id}/identity`, { auth: U.mira }), 404,
      `mira sees no identity of ${s.pseudonym}`);
  }
  // The same person with its identity for the case's owner.
  const owner = (await casesOf(U.rasmus)).get('Misstänkt tvångsarbete på restaurang');
  const withIdentity = [];
  for (const s of owner.persons) {
    withIdentity.push((await api(srv, 'GET', `/api/v1/persons/${s.id}`, { auth: U.rasmus })).json);
  }
  assert.ok(withIdentity.some((p) => p.identity_access === 'full'), 'the owner has the identity');
  const revealed = withIdentity.find((p) => p.has_identity);
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${revealed.id}/identity`, { auth: U.rasmus }), 200);
  assert.ok(mira.get('Tiggeri i organiserad form'), 'mira works another case in full');
});

test('greta (auditor) sees no cases but the audit log and the break-the-glass grant', async () => {
  assertStatus(await api(srv, 'GET', '/api/v1/cases', { auth: U.greta }), 403);
  const audit = await listAll(srv, '/api/v1/audit', { auth: U.greta });
  assert.ok(audit.some((e) => e.action === 'case.create'));
  assert.ok(audit.some((e) => e.action === 'person.create'));
  assert.ok(audit.some((e) => e.action === 'person.break_glass' && e.flagged), 'a flagged break-the-glass');
  const grants = await listAll(srv, '/api/v1/break-glass', { auth: U.greta });
  assert.equal(grants.length, 1);
  assert.ok(grants[0].reason.length >= 20);
  const v = await ctlFor(db, ['audit', 'verify']);
  assert.equal(v.code, 0, v.stderr);
});

test('the demo is the same on every run, at any hour (titles, statuses, persons, their clocks)', async () => {
  const other = await createDatabase();
  try {
    setDatabaseClock(other, EARLY);
    await demoDatabase(other);
    const srv2 = await startServer({ db: other, init: false });
    try {
      const t = await ctlFor(other, ['token', 'create', '--username', 'sara', '--json']);
      const sara2 = { token: JSON.parse(t.stdout).token };
      const shape = async (s, auth) => {
        const items = await listAll(s, '/api/v1/cases', { auth });
        const out = [];
        for (const c of items) {
          const d = (await api(s, 'GET', `/api/v1/cases/${c.id}`, { auth })).json;
          const persons = [];
          for (const p of d.persons) {
            const pw = (await api(s, 'GET', `/api/v1/persons/${p.id}/pathway`, { auth })).json;
            persons.push([p.pseudonym, p.is_child, pw.clocks.map((k) => [k.kind, k.start, k.end, k.days_left])]);
          }
          out.push([d.number, d.title, d.status, d.region, persons.sort((a, b) => a[0].localeCompare(b[0]))]);
        }
        return out.sort((a, b) => a[0].localeCompare(b[0]));
      };
      assert.deepEqual(await shape(srv2, sara2), await shape(srv, U.sara));
    } finally {
      await srv2.stop();
    }
  } finally {
    await other.drop();
  }
});

// Indicator screening (issue 9).
test('the demo holds indicator assessments: one person assessed twice, a child in the child set', async () => {
  const cases = await casesOf(U.sara);
  const assessmentsOf = async (title, pseudonym) => {
    const p = cases.get(title).persons.find((x) => x.pseudonym === pseudonym);
    return listAll(srv, `/api/v1/persons/${p.id}/assessments`, { auth: U.sara });
  };
  const r1 = await assessmentsOf('Misstänkt tvångsarbete på restaurang', 'Restaurang-1');
  assert.deepEqual(r1.map((a) => [a.seq, a.set, a.result, a.assessed_by.username]),
    [[2, 'adult-labour', 'presumed_victim', 'rasmus'], [1, 'adult-labour', 'indications', 'rasmus']]);
  assert.deepEqual(r1[0].vulnerabilities, ['limited_knowledge', 'distrust_of_authorities']);
  const h1 = await assessmentsOf('Ung person i hotellmiljö, Helsingborg', 'Hotell-1');
  assert.deepEqual(h1.map((a) => [a.set, a.result, a.is_child]), [['child-sexual', 'presumed_victim', true]]);
  const b1 = await assessmentsOf('Byggarbetsplats i Umeå', 'Bygg-1');
  assert.deepEqual(b1.map((a) => a.result), ['indications']);
  const audit = await listAll(srv, '/api/v1/audit?action=assessment.create', { auth: U.greta });
  assert.equal(audit.length, 4);
});

// The support pathway (issue 10).
test('the demo persons have support pathways that show every clock', async () => {
  const sara = await casesOf(U.sara);
  const person = (title, pseudonym) => sara.get(title).persons.find((p) => p.pseudonym === pseudonym);
  const pathway = async (title, pseudonym) => {
    const r = await api(srv, 'GET', `/api/v1/persons/${person(title, pseudonym).id}/pathway`, { auth: U.sara });
    assertStatus(r, 200, pseudonym);
    return r.json;
  };
  const clocks = (pw) => Object.fromEntries(pw.clocks.map((k) => [k.kind, k.days_left]));
  // Bygg-1: granted 3 days after the case (30 days ago) → 2 days left; Skuld-1: 5 after (21 ago) → 13.
  assert.deepEqual(clocks(await pathway('Byggarbetsplats i Umeå', 'Bygg-1')), { reflection_period: 2 });
  assert.deepEqual(clocks(await pathway('Asylsökande med skuld till resebyrå', 'Skuld-1')), { reflection_period: 13 });
  const rest = await pathway('Misstänkt tvångsarbete på restaurang', 'Restaurang-1');
  assert.deepEqual(Object.keys(clocks(rest)), ['residence_permit'], 'the reflection period ended');
  assert.ok(clocks(rest).residence_permit > 100);
  assert.deepEqual(rest.steps.map((s) => s.status), ['done', 'done', 'done', 'active', 'not_started', 'not_started']);
  assert.deepEqual(clocks(await pathway('Ung person i hotellmiljö, Helsingborg', 'Hotell-1')), {});
  // Eleven was registered two days ago; her protection assessment was due the day after.
  assert.deepEqual(clocks(await pathway('Oro för tvångsäktenskap, anmälan från skola', 'Eleven')),
    { protection_assessment: -1 }, 'an overdue protection assessment');
  const lund = await pathway('Lägenhetsbordell i Lund', 'Lund-1');
  assert.equal(lund.steps[5].status, 'done');
  const audit = await listAll(srv, '/api/v1/audit?action=pathway_event.create', { auth: U.greta });
  assert.equal(audit.length, 19);
});

// Tasks between organizations and the notifications they and the clocks make.
test('the demo has tasks to the Migration Agency (requested, accepted, overdue) and notifications for them', async () => {
  const inbox = await listAll(srv, '/api/v1/tasks', { auth: U.mira });
  const byTitle = new Map(inbox.map((t) => [t.title, t]));
  const want = [
    ['Pröva uppehållstillstånd efter betänketiden', 'requested', false, 'Byggarbetsplats i Umeå'],
    ['Kontrollera vistelsestatus', 'accepted', false, 'Annonser för sexuella tjänster, Malmö'],
    ['Uppgifter om inresan', 'requested', true, 'Stölder i butiker på beställning'],
  ];
  const cases = await casesOf(U.sara);
  const petraCases = await casesOf(U.petra);
  for (const [title, status, overdue, caseTitle] of want) {
    const t = byTitle.get(title);
    assert.ok(t, `mira's inbox holds "${title}"`);
    assert.equal(t.organization, 'MIGRATIONSVERKET');
    assert.equal(t.status, status, title);
    assert.equal(t.overdue, overdue, title);
    assert.equal(t.case, (cases.get(caseTitle) || petraCases.get(caseTitle)).id, title);
  }
  const accepted = byTitle.get('Kontrollera vistelsestatus');
  assert.equal(accepted.answered_by, 'mira');
  assert.equal(accepted.from_organization, 'POLISEN-SYD');
  // mira works the cases of her requested tasks pseudonymously, as the tasks grant.
  const mira = await casesOf(U.mira);
  const bygg = mira.get('Byggarbetsplats i Umeå');
  assert.ok(bygg, 'a requested task puts her organization on the team');
  assert.equal(bygg.team.find((m) => m.organization === 'MIGRATIONSVERKET').access, 'pseudonymous');

  const notes = async (who) => listAll(srv, '/api/v1/notifications', { auth: who });
  const miraNotes = await notes(U.mira);
  const kinds = (list, task) => list.filter((n) => n.task === task.id).map((n) => n.kind).sort();
  assert.deepEqual(kinds(miraNotes, byTitle.get('Pröva uppehållstillstånd efter betänketiden')), ['task_new']);
  assert.deepEqual(kinds(miraNotes, accepted), ['task_new']);
  assert.deepEqual(kinds(miraNotes, byTitle.get('Uppgifter om inresan')), ['task_new', 'task_overdue']);
  assert.deepEqual(kinds(await notes(U.petra), accepted), ['task_answered']);
  const sara = await notes(U.sara);
  assert.deepEqual(kinds(sara, byTitle.get('Uppgifter om inresan')), ['task_overdue']);
  // The clocks: Bygg-1's reflection period (2 days left) to the secretariat, the overdue
  // protection assessment of the child at the school to the Stockholm coordinators.
  const byggPerson = cases.get('Byggarbetsplats i Umeå').persons[0];
  const clockNotes = sara.filter((n) => n.kind === 'clock_due');
  assert.deepEqual(clockNotes.filter((n) => n.clock === 'reflection_period').map((n) => [n.person, n.case_number]),
    [[byggPerson.id, cases.get('Byggarbetsplats i Umeå').number]]);
  assert.ok(clockNotes.every((n) => n.days_left <= 3), 'only clocks close to their end');
  const ownCases = new Set([...cases.values()].filter((c) => c.owner.organization === 'NMT').map((c) => c.number));
  assert.ok(clockNotes.every((n) => ownCases.has(n.case_number)), 'only the secretariat\'s own cases');
  const rasmusClock = (await notes(U.rasmus)).filter((n) => n.kind === 'clock_due');
  assert.deepEqual(rasmusClock.map((n) => [n.clock, n.case_number]),
    [['protection_assessment', cases.get('Oro för tvångsäktenskap, anmälan från skola').number]]);
  assert.equal(rasmusClock[0].days_left, -1, 'overdue since yesterday');
  assert.deepEqual(miraNotes.filter((n) => n.kind === 'clock_due'), [], 'the Migration Agency owns no clock near its end');
  const audit = await listAll(srv, '/api/v1/audit?action=task.create', { auth: U.greta });
  assert.equal(audit.length, 3);
});

test('the demo has a planned and an active operation in Syd, the active one with two persons met', async () => {
  const ops = await listAll(srv, '/api/v1/operations?region=syd', { auth: U.petra });
  const byTitle = new Map(ops.map((o) => [o.title, o]));
  const planned = byTitle.get('Hotellinsats i Malmö centrum');
  const active = byTitle.get('Kontroll av bärplockarläger i Skåne');
  assert.deepEqual([planned?.status, planned?.scenario], ['planned', 'sexual-hotel-action']);
  assert.deepEqual([active?.status, active?.scenario], ['active', 'labour-site-inspection']);
  const doc = (await api(srv, 'GET', `/api/v1/operations/${active.id}`, { auth: U.petra })).json;
  assert.ok(doc.checklist.length > 0);
  assert.deepEqual(doc.participants.map((p) => p.organization).sort(),
    ['ARBETSMILJOVERKET', 'MIGRATIONSVERKET', 'POLISEN-SYD', 'SKATTEVERKET']);
  const s = (await api(srv, 'GET', `/api/v1/operations/${active.id}/summary`, { auth: U.petra })).json;
  assert.deepEqual([s.persons, s.children, s.by_citizenship], [2, 1, [{ citizenship: 'TH', persons: 2 }]]);
  const team = (await api(srv, 'GET', `/api/v1/cases/${doc.case}/team`, { auth: U.petra })).json.items;
  assert.ok(team.some((m) => m.organization === 'MIGRATIONSVERKET' && m.operation === active.id
    && m.access === 'pseudonymous'), 'the participants are on the group case');
  // mira's organization takes part: she sees both operations.
  const mira = await listAll(srv, '/api/v1/operations', { auth: U.mira });
  assert.ok(mira.some((o) => o.id === active.id));
});
