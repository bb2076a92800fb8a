// API.md "Consultations (intake)": q on GET /api/v1/consultations and /consultations/counts is a word
// search over a consultation's number, question and answer, and its coordinators' notes for those who
// read them (the coordinators; never the requester). The folding is the case search's (db/search.c):
// İ as i, any Unicode space or punctuation separates, å/ä/ö are letters of their own, every word must
// match, the last also as a prefix. A search filters within the caller's scope and keeps the queue
// order (acute first, then oldest); nothing out of scope is returned, counted or paged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertFieldError, assertStatus, listAll, ctlFor,
} from './harness.mjs';
import { rollBackTo } from './rollback.mjs';

let srv;
let U;

before(async () => {
  srv = await startServer();
  const spec = {
    malmo: { org: 'SOC-1280', role: 'requester' },
    malmo2: { org: 'SOC-1280', role: 'requester' },
    sthlmReq: { org: 'SOC-0180', role: 'requester' },
    nmt: { org: 'NMT', role: 'coordinator' },
    rksyd: { org: 'RK-SYD', role: 'coordinator', region: 'syd' },
    rksthlm: { org: 'RK-STOCKHOLM', role: 'coordinator', region: 'stockholm' },
  };
  U = {};
  for (const [k, s] of Object.entries(spec)) U[k] = await addUserWithToken(srv, s);
});
after(async () => { await srv?.stop(); });

function body(over = {}) {
  return {
    channel: 'phone',
    requester: { name: 'Karin Handläggare', phone: '040-34 10 00' },
    county: '12',
    question: 'En fråga.',
    concerns: ['forced_labour'],
    child_involved: false,
    urgency: 'normal',
    consent: 'none',
    ...over,
  };
}

async function create(s, auth, over = {}) {
  const r = await api(s, 'POST', '/api/v1/consultations', { auth, body: body(over) });
  assertStatus(r, 201, 'POST /api/v1/consultations');
  return r.json;
}

async function patch(s, auth, q, b) {
  const r = await api(s, 'PATCH', `/api/v1/consultations/${q.id}`, { auth, body: b, ifMatch: `"${q.version}"` });
  assertStatus(r, 200, 'PATCH consultation');
  return r.json;
}

async function ids(auth, q, extra = '', s = srv) {
  const items = await listAll(s, `/api/v1/consultations?q=${encodeURIComponent(q)}${extra}`, { auth });
  return items.map((x) => x.id);
}
const sorted = (a) => [...a].sort();

async function total(auth, q) {
  const r = await api(srv, 'GET', `/api/v1/consultations/counts?q=${encodeURIComponent(q)}`, { auth });
  assertStatus(r, 200, 'counts');
  return r.json;
}

test('İstanbul, ISTANBUL and istanbul find each other; ß is ss; full-width letters fold', async () => {
  const a = await create(srv, U.malmo, { question: 'Hon reste från İstanbul i våras.' });
  const b = await create(srv, U.malmo, { question: 'Kontakt i ISTANBUL via Straße der Fischer.' });
  await create(srv, U.malmo, { question: 'Ingen resa alls.' });
  for (const q of ['istanbul', 'İstanbul', 'İSTANBUL', 'ISTANBUL', 'Istanbul'])
    assert.deepEqual(sorted(await ids(U.rksyd, q)), sorted([a.id, b.id]), `q=${q}`);
  assert.deepEqual(await ids(U.rksyd, 'strasse'), [b.id]);
  assert.deepEqual(await ids(U.rksyd, 'ＳＴＲＡＳＳＥ'), [b.id], 'full-width (NFKC)');
});

test('a no-break space or any separator between words; every word must match, the last as a prefix', async () => {
  const a = await create(srv, U.malmo, { question: 'Nagelsalong\u00a0Kungsholmen, kvällstid.' });
  const b = await create(srv, U.malmo, { question: 'Nagelsalong/Södermalm.' });
  assert.deepEqual(await ids(U.rksyd, 'nagelsalong\u00a0kungsholmen'), [a.id], 'NBSP in the query');
  assert.deepEqual(await ids(U.rksyd, 'nagelsalong\u2003kungsholmen'), [a.id], 'EM SPACE in the query');
  assert.deepEqual(await ids(U.rksyd, 'nagelsalong södermalm'), [b.id], 'a slash separates');
  assert.deepEqual(sorted(await ids(U.rksyd, 'nagelsalong')), sorted([a.id, b.id]));
  assert.deepEqual(await ids(U.rksyd, 'nagelsalong kungs'), [a.id], 'the last word as a prefix');
  assert.deepEqual(await ids(U.rksyd, 'kungs nagelsalong'), [], 'only the last word is a prefix');
  assert.deepEqual(await ids(U.rksyd, 'nagelsalong vasastan'), [], 'all words must match');
});

test('å, ä and ö are letters of their own', async () => {
  const a = await create(srv, U.malmo, { question: 'Arbetar på sågverket i Öxabäck.' });
  const b = await create(srv, U.malmo, { question: 'Arbetar på sagverket i Oxaback.' });
  assert.deepEqual(await ids(U.rksyd, 'sågverket'), [a.id]);
  assert.deepEqual(await ids(U.rksyd, 'SÅGVERKET'), [a.id]);
  assert.deepEqual(await ids(U.rksyd, 'sagverket'), [b.id]);
  assert.deepEqual(await ids(U.rksyd, 'öxabäck'), [a.id]);
  assert.deepEqual(await ids(U.rksyd, 'oxabäck'), []);
});

test('the number and the answer are searched; the answer is found once it is written', async () => {
  const a = await create(srv, U.malmo, { question: 'Numret söks.' });
  assert.deepEqual(await ids(U.malmo, a.number), [a.id], 'the number, as shown');
  assert.deepEqual(await ids(U.malmo, 'kontaktcentrum'), []);
  const took = await patch(srv, U.rksyd, a, { status: 'in_progress' });
  await patch(srv, U.rksyd, took, { status: 'answered', answer: 'Ring Kontaktcentrum i Malmö.' });
  assert.deepEqual(await ids(U.malmo, 'kontaktcentrum'), [a.id], 'the requester finds the answer');
  assert.deepEqual(await ids(U.rksyd, 'kontaktcentrum malmö'), [a.id]);
});

test('notes: the coordinators find them, the requester never matches on them', async () => {
  const a = await create(srv, U.malmo, { question: 'Fråga om boende.' });
  await patch(srv, U.rksyd, a, { status: 'in_progress', notes: 'Misstänkt Jönköpingsnätverk, ring polisen.' });
  assert.deepEqual(await ids(U.rksyd, 'jönköpingsnätverk'), [a.id], 'the regional coordinator');
  assert.deepEqual(await ids(U.nmt, 'jönköpingsnätverk'), [a.id], 'the national coordinators');
  assert.deepEqual(await ids(U.rksyd, 'boende jönköpingsnätverk'), [a.id], 'question and notes together');
  assert.deepEqual(await ids(U.malmo, 'jönköpingsnätverk'), [], 'not the requester on the notes');
  assert.deepEqual(await ids(U.malmo, 'boende jönköpingsnätverk'), [], 'nor with a word of the question');
  assert.deepEqual(await ids(U.malmo, 'boende'), [a.id], 'the requester finds the question');
  assert.equal((await total(U.malmo, 'jönköpingsnätverk')).total, 0, 'nor counts it');
  assert.equal((await total(U.rksyd, 'jönköpingsnätverk')).counts.in_progress, 1);
  // Notes changed: the old words are gone from the index, the new ones are in.
  const cur = (await api(srv, 'GET', `/api/v1/consultations/${a.id}`, { auth: U.rksyd })).json;
  await patch(srv, U.rksyd, cur, { notes: 'Ersatt anteckning om Vättern.' });
  assert.deepEqual(await ids(U.rksyd, 'jönköpingsnätverk'), []);
  assert.deepEqual(await ids(U.rksyd, 'vättern'), [a.id]);
  assert.deepEqual(await ids(U.malmo, 'vättern'), []);
});

test('a requester finds only its own, a regional coordinator its region; counts and pages agree', async () => {
  const mine = await create(srv, U.malmo, { question: 'Lövångerfallet första.' });
  const other = await create(srv, U.malmo2, { question: 'Lövångerfallet andra.' });
  const sthlm = await create(srv, U.sthlmReq, { county: '01', question: 'Lövångerfallet tredje.' });
  assert.deepEqual(await ids(U.malmo, 'lövångerfallet'), [mine.id], 'its own only');
  assert.deepEqual(await ids(U.malmo2, 'lövångerfallet'), [other.id]);
  assert.deepEqual(sorted(await ids(U.rksyd, 'lövångerfallet')), sorted([mine.id, other.id]), 'its region');
  assert.deepEqual(await ids(U.rksthlm, 'lövångerfallet'), [sthlm.id]);
  assert.deepEqual(sorted(await ids(U.nmt, 'lövångerfallet')), sorted([mine.id, other.id, sthlm.id]));
  assert.equal((await total(U.malmo, 'lövångerfallet')).total, 1, 'counts only its own');
  assert.equal((await total(U.rksyd, 'lövångerfallet')).total, 2, 'counts only its region');
  assert.equal((await total(U.nmt, 'lövångerfallet')).total, 3);
  // One per page: the hidden hits leave no empty page and no cursor behind.
  const p1 = await api(srv, 'GET', '/api/v1/consultations?q=l%C3%B6v%C3%A5ngerfallet&limit=1', { auth: U.rksthlm });
  assertStatus(p1, 200);
  assert.deepEqual(p1.json.items.map((x) => x.id), [sthlm.id]);
  assert.equal(p1.json.next_cursor, null, 'no next page for a hidden hit');
  const s1 = await api(srv, 'GET', '/api/v1/consultations?q=l%C3%B6v%C3%A5ngerfallet&limit=1', { auth: U.rksyd });
  assert.equal(typeof s1.json.next_cursor, 'string');
  const s2 = await api(srv, 'GET',
    `/api/v1/consultations?q=l%C3%B6v%C3%A5ngerfallet&limit=1&cursor=${encodeURIComponent(s1.json.next_cursor)}`,
    { auth: U.rksyd });
  assertStatus(s2, 200);
  assert.equal(s2.json.items.length, 1);
  assert.equal(s2.json.next_cursor, null, 'two hits in the region, two pages');
  assert.deepEqual(sorted([s1.json.items[0].id, s2.json.items[0].id]), sorted([mine.id, other.id]));
});

test('a search keeps the queue order: acute first, then oldest; filters combine with q', async () => {
  const old = await create(srv, U.malmo, { question: 'Ordningsfrågan gammal.' });
  srv.advanceClock(60);
  const acute = await create(srv, U.malmo, { question: 'Ordningsfrågan akut.', urgency: 'acute' });
  srv.advanceClock(60);
  const young = await create(srv, U.malmo, { question: 'Ordningsfrågan ny.' });
  assert.deepEqual(await ids(U.rksyd, 'ordningsfrågan'), [acute.id, old.id, young.id]);
  assert.deepEqual(await ids(U.rksyd, 'ordningsfrågan', '&urgency=normal'), [old.id, young.id]);
  assert.deepEqual(await ids(U.rksyd, 'ordningsfrågan gammal', '&status=new'), [old.id]);
});

test('q: white space searches nothing; a word without letters or digits, or too many words, is a 400', async () => {
  const all = await listAll(srv, '/api/v1/consultations', { auth: U.malmo });
  assert.deepEqual(await ids(U.malmo, '   '), all.map((x) => x.id), 'white space: the whole list');
  for (const q of ['--', 'a '.repeat(17)]) {
    for (const p of ['/api/v1/consultations', '/api/v1/consultations/counts']) {
      const r = await api(srv, 'GET', `${p}?q=${encodeURIComponent(q)}`, { auth: U.rksyd });
      assertFieldError(r, 'q', `${p} q=${JSON.stringify(q)}`);
    }
  }
});

test('on upgrade the consultations stored before are indexed by nmtctl init', async () => {
  const s2 = await startServer();
  let s3;
  try {
    const req = await addUserWithToken(s2, { org: 'SOC-1280', role: 'requester' });
    const rk = await addUserWithToken(s2, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
    const a = await create(s2, req, { question: 'Gammal fråga om İZMİR.' });
    await patch(s2, rk, a, { status: 'in_progress', notes: 'Anteckning om Åre.' });
    await s2.stop();
    await rollBackTo(s2.db, 15);
    const r = await ctlFor(s2.db, ['init']);
    assert.equal(r.code, 0, r.stderr);
    s3 = await startServer({ db: s2.db, init: false });
    assert.deepEqual(await ids(req, 'izmir', '', s3), [a.id], 'the question, folded by init');
    assert.deepEqual(await ids(rk, 'izmir åre', '', s3), [a.id], 'the notes, for the coordinator');
    assert.deepEqual(await ids(req, 'åre', '', s3), [], 'and not for the requester');
    const again = await ctlFor(s2.db, ['init']);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
