// API.md "Case work" and "Audit": the case list as people at the screen use it (search by case
// number or serial, sorting, filters, paging, person count and last activity) and the audit log's
// filters, case numbers, pseudonyms and CSV export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, assertProblem, createCase,
  createPerson, listAll, uname, swedishDate,
} from './harness.mjs';

let srv;
const U = {};
const C = {}; // cases by name
let hidden; // a case U.pol may not see

before(async () => {
  srv = await startServer();
  // Midday in Sweden today, so that everything written here falls on one Swedish day whatever the
  // hour of the run (the audit test reads "today" as a date).
  srv.setClock(`${swedishDate()}T10:00:00Z`);
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.pol2 = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.noa = await addUserWithToken(srv, { org: 'POLISEN-NOA', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  U.auditor = await addUserWithToken(srv, { org: 'NMT', role: 'auditor' });
  // A username a spreadsheet would read as a formula (nmtctl allows a leading '-').
  U.dash = await addUserWithToken(srv, { username: `-${uname('x')}`, org: 'POLISEN-SYD', role: 'member' });

  C.alfa = await createCase(srv, U.pol, { title: 'Alfa', county: '12', exploitation: ['sexual'] });
  C.oland = await createCase(srv, U.pol, { title: 'Ödla', county: '12', exploitation: ['begging'] });
  C.asa = await createCase(srv, U.pol, { title: 'Åsa', county: '01', exploitation: ['sexual', 'forced_labour'] });
  C.arla = await createCase(srv, U.pol, { title: 'ärla', county: '12', exploitation: ['sexual'] });
  C.beta = await createCase(srv, U.pol, { title: 'Beta', county: '12', exploitation: ['sexual'] });
  C.dash = await createCase(srv, U.dash, { title: 'Streck', county: '12', exploitation: ['sexual'] });
  hidden = await createCase(srv, U.noa, { title: 'Dolt', county: '01', exploitation: ['sexual'] });
});

after(async () => {
  await srv?.close();
});

const mine = () => [C.alfa, C.oland, C.asa, C.arla, C.beta, C.dash];
const serial = (c) => String(Number(c.number.slice(-5)));

async function list(auth, query) {
  const r = await api(srv, 'GET', `/api/v1/cases?${query}`, { auth });
  assertStatus(r, 200, query);
  return r.json;
}

test('q finds a case by its number in any letter case, and only a visible one', async () => {
  const r = await list(U.pol, `q=${C.oland.number.toLowerCase()}`);
  assert.deepEqual(r.items.map((c) => c.id), [C.oland.id]);
  assert.equal(r.next_cursor, null);
  const none = await list(U.pol, `q=${hidden.number}`);
  assert.deepEqual(none.items, [], 'a case the caller may not see is neither found nor counted');
  const noa = await list(U.noa, `q=${hidden.number}`);
  assert.deepEqual(noa.items.map((c) => c.id), [hidden.id], 'its own team finds it');
});

test('q of digits finds the case by its serial, with or without leading zeros', async () => {
  for (const q of [serial(C.beta), C.beta.number.slice(-5)]) {
    const r = await list(U.pol, `q=${q}`);
    assert.deepEqual(r.items.map((c) => c.id), [C.beta.id], `q=${q}`);
  }
  const r = await list(U.pol, `q=${serial(hidden)}`);
  assert.deepEqual(r.items, [], 'the serial of an invisible case finds nothing');
  assert.deepEqual((await list(U.pol, 'q=0')).items, [], 'serial 0 names no case');
  // A word search still works beside it.
  assert.deepEqual((await list(U.pol, 'q=alf')).items.map((c) => c.id), [C.alfa.id]);
});

test('summaries carry the owner organization, person count, exploitation and last activity', async () => {
  const r = await list(U.pol, `q=${C.asa.number}`);
  const s = r.items[0];
  assert.equal(s.owner_organization, 'POLISEN-SYD');
  assert.equal(s.person_count, 0);
  assert.deepEqual(s.exploitation, ['sexual', 'forced_labour']);
  assert.equal(s.last_activity, C.asa.created_at);
});

test('last activity moves when a person is added; the person count follows', async () => {
  const c = await createCase(srv, U.pol2, { title: 'Aktivitet', county: '12' });
  srv.advanceClock(120);
  const p = await createPerson(srv, U.pol2, c.id);
  const after1 = (await list(U.pol2, `q=${c.number}`)).items[0];
  assert.equal(after1.person_count, 1);
  assert.equal(after1.updated_at, c.updated_at, 'the case itself did not change');
  assert.ok(after1.last_activity > c.last_activity, `${after1.last_activity} > ${c.last_activity}`);
  const top = await list(U.pol2, 'sort=activity&limit=1');
  assert.equal(top.items[0].id, c.id, 'the most recently active case first');
  // A person's change moves it too.
  srv.advanceClock(120);
  const r = await api(srv, 'PATCH', `/api/v1/persons/${p.id}`,
    { auth: U.pol2, body: { gender: 'male' }, ifMatch: `"${p.version}"` });
  assertStatus(r, 200);
  const after2 = (await list(U.pol2, `q=${c.number}`)).items[0];
  assert.ok(after2.last_activity > after1.last_activity, 'a person update is activity');
  const full = await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol2 });
  assert.equal(full.json.last_activity, after2.last_activity, 'the case answer carries it too');
  // A team change moves it too; a read does not.
  srv.advanceClock(120);
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol2, body: { organization: 'RK-SYD', access: 'pseudonymous' } }), 201);
  const after3 = (await list(U.pol2, `q=${c.number}`)).items[0];
  assert.ok(after3.last_activity > after2.last_activity, 'a team change is activity');
  srv.advanceClock(120);
  assertStatus(await api(srv, 'GET', `/api/v1/cases/${c.id}`, { auth: U.pol2 }), 200);
  assert.equal((await list(U.pol2, `q=${c.number}`)).items[0].last_activity, after3.last_activity, 'a read is not');
});

test('sort by title: A to Ö with å, ä, ö last, and descending', async () => {
  const ids = mine().map((c) => c.id);
  const asc = (await listAll(srv, '/api/v1/cases?sort=title', { auth: U.pol }))
    .filter((c) => ids.includes(c.id)).map((c) => c.title);
  assert.deepEqual(asc, ['Alfa', 'Beta', 'Streck', 'Åsa', 'ärla', 'Ödla']);
  const desc = (await listAll(srv, '/api/v1/cases?sort=title&order=desc', { auth: U.pol }))
    .filter((c) => ids.includes(c.id)).map((c) => c.title);
  assert.deepEqual(desc, [...asc].reverse());
});

test('sort by number both ways, and by updated', async () => {
  const byNumber = (await listAll(srv, '/api/v1/cases?sort=number&order=asc', { auth: U.pol })).map((c) => c.number);
  assert.deepEqual(byNumber, [...byNumber].sort());
  const desc = (await listAll(srv, '/api/v1/cases', { auth: U.pol })).map((c) => c.number);
  assert.deepEqual(desc, [...byNumber].reverse(), 'the default is newest number first');
  srv.advanceClock(60);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${C.alfa.id}`,
    { auth: U.pol, body: { summary: 'Ändrad' }, ifMatch: `"${C.alfa.version}"` });
  assertStatus(r, 200);
  C.alfa = r.json;
  const updated = await list(U.pol, 'sort=updated&limit=1');
  assert.equal(updated.items[0].id, C.alfa.id, 'the case changed last comes first');
  const oldest = await list(U.pol, 'sort=updated&order=asc&limit=1');
  assert.notEqual(oldest.items[0].id, C.alfa.id);
});

test('paging: each sort and order pages through every case once, in order', async () => {
  const ids = mine().map((c) => c.id);
  for (const sort of ['number', 'title', 'updated', 'activity']) {
    for (const order of ['asc', 'desc']) {
      const q = `sort=${sort}&order=${order}`;
      const whole = (await list(U.pol, `${q}&limit=200`)).items.map((c) => c.id);
      const paged = [];
      let cursor = null;
      for (let i = 0; i < 20; i++) {
        const r = await list(U.pol, `${q}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        paged.push(...r.items.map((c) => c.id));
        cursor = r.next_cursor;
        if (cursor === null) break;
      }
      assert.deepEqual(paged, whole, q);
      for (const id of ids) assert.ok(whole.includes(id), `${q}: every visible case`);
      assert.ok(!whole.includes(hidden.id), `${q}: never an invisible case`);
    }
  }
});

test('a cursor made for one order is refused by another', async () => {
  const first = await list(U.pol, 'sort=title&limit=1');
  assert.equal(typeof first.next_cursor, 'string');
  const c = encodeURIComponent(first.next_cursor);
  for (const q of [`sort=number&cursor=${c}`, `sort=title&order=desc&cursor=${c}`]) {
    const r = await api(srv, 'GET', `/api/v1/cases?${q}`, { auth: U.pol });
    assertFieldError(r, 'cursor', q);
  }
  const ok = await list(U.pol, `sort=title&order=asc&cursor=${c}&limit=1`);
  assert.equal(ok.items.length, 1);
});

test('a title-sorted cursor is opaque: neither a title nor its sort form is in it', async () => {
  // The sort key of a title: folded, å ä ö as the three characters after z.
  const sortForm = (t) => t.toLowerCase().replace(/å/g, '{').replace(/ä/g, '|').replace(/ö/g, '}');
  for (const order of ['asc', 'desc']) {
    const cursors = [];
    let cursor = null;
    for (let i = 0; i < 20; i++) {
      const r = await list(U.pol, `sort=title&order=${order}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      cursor = r.next_cursor;
      if (cursor === null) break;
      cursors.push({ cursor, last: r.items[0] });
    }
    assert.ok(cursors.length >= mine().length - 1, `${order}: a cursor after each case but the last`);
    const lengths = new Set(cursors.map((c) => c.cursor.length));
    assert.equal(lengths.size, 1, `${order}: every cursor is as long, whatever the title`);
    for (const { cursor: c, last } of cursors) {
      assert.match(c, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
      const raw = Buffer.from(c, 'base64url');
      for (const t of [last.title, last.title.toLowerCase(), sortForm(last.title), `title.${order}|`, last.id]) {
        assert.equal(raw.indexOf(Buffer.from(t, 'utf8')), -1, `${order}: "${t}" is not in the cursor after ${last.title}`);
        assert.ok(!c.includes(t), `${order}: "${t}" is not in the cursor text`);
      }
    }
  }
});

test('a cursor with one changed character, or cut short, is refused as the field cursor', async () => {
  const first = await list(U.pol, 'sort=title&limit=1');
  const c = first.next_cursor;
  const at = Math.floor(c.length / 2);
  const changed = c.slice(0, at) + (c[at] === 'A' ? 'B' : 'A') + c.slice(at + 1);
  for (const bad of [changed, c.slice(0, -4), `${c}AAAA`]) {
    const q = `sort=title&cursor=${encodeURIComponent(bad)}`;
    assertFieldError(await api(srv, 'GET', `/api/v1/cases?${q}`, { auth: U.pol }), 'cursor', q);
  }
});

test('filters: county, exploitation form, mine', async () => {
  const county = await listAll(srv, '/api/v1/cases?county=01', { auth: U.pol });
  assert.deepEqual(county.map((c) => c.id), [C.asa.id]);
  const begging = await listAll(srv, '/api/v1/cases?exploitation=begging', { auth: U.pol });
  assert.deepEqual(begging.map((c) => c.id), [C.oland.id]);
  const labour = await listAll(srv, '/api/v1/cases?exploitation=forced_labour&county=01', { auth: U.pol });
  assert.deepEqual(labour.map((c) => c.id), [C.asa.id]);

  // The regional coordinator sees the region's cases; "mine" are its organization's and those
  // whose team names it.
  const own = await createCase(srv, U.rksyd, { title: 'Samordnarens', county: '12' });
  const r = await api(srv, 'POST', `/api/v1/cases/${C.beta.id}/team`,
    { auth: U.pol, body: { organization: 'RK-SYD', username: U.rksyd.username, access: 'full' } });
  assertStatus(r, 201);
  const all = (await listAll(srv, '/api/v1/cases', { auth: U.rksyd })).map((c) => c.id);
  assert.ok(all.includes(C.alfa.id), 'the region\'s case is in the whole list');
  const m = (await listAll(srv, '/api/v1/cases?mine=true', { auth: U.rksyd })).map((c) => c.id).sort();
  assert.deepEqual(m, [own.id, C.beta.id].sort());
  const notMine = (await listAll(srv, '/api/v1/cases?mine=false', { auth: U.rksyd })).map((c) => c.id);
  assert.deepEqual(notMine.sort(), all.sort(), 'mine=false filters nothing');
});

test('bad filters: a clear 400 naming the field', async () => {
  assertFieldError(await api(srv, 'GET', '/api/v1/cases?county=99', { auth: U.pol }), 'county');
  assertFieldError(await api(srv, 'GET', '/api/v1/cases?exploitation=nope', { auth: U.pol }), 'exploitation');
  assertFieldError(await api(srv, 'GET', '/api/v1/cases?sort=size', { auth: U.pol }), 'sort');
  assertFieldError(await api(srv, 'GET', '/api/v1/cases?order=up', { auth: U.pol }), 'order');
  assertFieldError(await api(srv, 'GET', '/api/v1/cases?mine=yes', { auth: U.pol }), 'mine');
});

// ---------------------------------------------------------------------------
// The audit log

async function audit(auth, query) {
  return listAll(srv, `/api/v1/audit?${query}`, { auth });
}

// The entries of the case work (reading the log is an entry too, and moves on as the test reads).
const work = (entries) => entries.filter((e) => !e.action.startsWith('audit.'));

test('audit: filter by case number (any letter case) or id; entries carry the number', async () => {
  const byNumber = await audit(U.auditor, `case_number=${C.oland.number.toLowerCase()}`);
  assert.ok(byNumber.length >= 1);
  for (const e of byNumber) {
    assert.equal(e.case, C.oland.id);
    assert.equal(e.case_number, C.oland.number);
    assert.equal('pseudonym' in e, false, 'an auditor never gets pseudonyms');
  }
  const byId = await audit(U.auditor, `case=${C.oland.id}`);
  assert.deepEqual(work(byId).map((e) => e.seq), work(byNumber).map((e) => e.seq));
  assert.deepEqual(await audit(U.auditor, 'case_number=NMT-1999-99999'), [], 'no such case: no entries');
  assertFieldError(await api(srv, 'GET', `/api/v1/audit?case=${C.oland.id}&case_number=${C.oland.number}`,
    { auth: U.auditor }), 'case_number');
});

test('audit: filter by user, organization and action', async () => {
  const byUser = await audit(U.auditor, `user=${encodeURIComponent(U.noa.username)}`);
  assert.ok(byUser.length >= 1);
  assert.ok(byUser.every((e) => e.actor === U.noa.username));
  assert.ok(byUser.some((e) => e.action === 'case.create' && e.case === hidden.id));
  const byOrg = await audit(U.auditor, 'organization=POLISEN-NOA');
  assert.deepEqual(byOrg.map((e) => e.seq), byUser.map((e) => e.seq), 'NOA has one user here');
  const creates = await audit(U.auditor, 'action=case.create&organization=POLISEN-SYD');
  assert.ok(creates.every((e) => e.action === 'case.create' && e.organization === 'POLISEN-SYD'));
  for (const c of [C.alfa, C.oland, C.asa]) {
    assert.ok(creates.some((e) => e.case === c.id && e.case_number === c.number), c.title);
  }
});

test('audit: a time range as instants or Swedish dates', async () => {
  const all = await audit(U.auditor, `case=${C.asa.id}`);
  const create = all.find((e) => e.action === 'case.create');
  assert.ok(create);
  const at = await audit(U.auditor, `case=${C.asa.id}&from=${create.at}&to=${create.at}`);
  assert.ok(at.some((e) => e.seq === create.seq), 'from and to include their second');
  assert.ok(at.every((e) => e.at === create.at));
  const later = new Date(Date.parse(create.at) + 1000).toISOString().replace('.000Z', 'Z');
  const after1 = await audit(U.auditor, `case=${C.asa.id}&from=${later}`);
  assert.ok(!after1.some((e) => e.seq === create.seq), 'from excludes what came before');
  const day = swedishDate(srv.now());
  const today = await audit(U.auditor, `case=${C.asa.id}&from=${day}&to=${day}`);
  assert.deepEqual(work(today).map((e) => e.seq), work(all).map((e) => e.seq), 'today as a date holds all of it');
  const [y, m, d] = day.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  const prev = new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
  assert.deepEqual(await audit(U.auditor, `case=${C.asa.id}&from=${next}`), []);
  assert.deepEqual(await audit(U.auditor, `case=${C.asa.id}&to=${prev}`), []);
  assertFieldError(await api(srv, 'GET', '/api/v1/audit?from=igår', { auth: U.auditor }), 'from');
  assertFieldError(await api(srv, 'GET', '/api/v1/audit?to=2026-02-30', { auth: U.auditor }), 'to');
});

test('audit: a coordinator reading a case it sees gets person pseudonyms; by case number too', async () => {
  const p = await createPerson(srv, U.pol, C.arla.id, { pseudonym: 'Lärkan' });
  assertStatus(await api(srv, 'GET', `/api/v1/persons/${p.id}`, { auth: U.pol }), 200);
  const entries = await audit(U.rksyd, `case_number=${C.arla.number}`);
  const personEntries = entries.filter((e) => e.object === `person:${p.id}`);
  assert.ok(personEntries.length >= 2, 'person.create and person.read');
  assert.ok(personEntries.every((e) => e.pseudonym === 'Lärkan'));
  assert.ok(entries.filter((e) => !e.object?.startsWith('person:')).every((e) => !('pseudonym' in e)));
  const auditor = await audit(U.auditor, `case=${C.arla.id}`);
  assert.ok(auditor.every((e) => !('pseudonym' in e)), 'never for auditors');
  // A case the coordinator may not see: 404 by number exactly as by id, and for no such number.
  const byId = await api(srv, 'GET', `/api/v1/audit?case=${hidden.id}`, { auth: U.rksyd });
  const byNum = await api(srv, 'GET', `/api/v1/audit?case_number=${hidden.number}`, { auth: U.rksyd });
  const none = await api(srv, 'GET', '/api/v1/audit?case_number=NMT-1999-99999', { auth: U.rksyd });
  assertProblem(byId, 404);
  assertProblem(byNum, 404);
  assertProblem(none, 404);
  assert.equal(byNum.json.detail, none.json.detail);
});

// ---------------------------------------------------------------------------
// CSV export

/** RFC 4180 parse: rows of fields (quoted fields may hold commas, quotes and line ends). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i += 1; continue; }
      field += ch; i += 1; continue;
    }
    if (ch === '"') { quoted = true; i += 1; continue; }
    if (ch === ',') { row.push(field); field = ''; i += 1; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    assert.notEqual(ch, '\n', 'lines end in CRLF');
    field += ch; i += 1;
  }
  assert.equal(field, '', 'the last line ends in CRLF');
  assert.equal(row.length, 0);
  return rows;
}

const HEADER = ['seq', 'at', 'actor', 'organization', 'action', 'object', 'case', 'case_number', 'client', 'flagged'];

test('CSV export: header, quoting, the filters, formula cells neutralised, and itself audited', async () => {
  const r = await api(srv, 'GET', `/api/v1/audit/export?case_number=${C.dash.number}`, { auth: U.auditor });
  assertStatus(r, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition') || '', /attachment/);
  assert.equal(r.headers.get('nmt-next-cursor'), null, 'all of it in one part');
  assert.match(r.text, /^"seq","at",/, 'every field quoted');
  const rows = parseCsv(r.text);
  assert.deepEqual(rows[0], HEADER);
  const json = work(await audit(U.auditor, `case=${C.dash.id}`));
  const body = rows.slice(1).filter((row) => !row[4].startsWith('audit.'));
  assert.equal(body.length, json.length, 'the same entries as the JSON list');
  body.forEach((row, k) => {
    const e = json[k];
    assert.equal(row[0], String(e.seq));
    assert.equal(row[1], e.at);
    assert.equal(row[4], e.action);
    assert.equal(row[6], C.dash.id);
    assert.equal(row[7], C.dash.number);
    assert.equal(row[9], e.flagged ? 'true' : 'false');
  });
  const create = body.find((row) => row[4] === 'case.create');
  assert.equal(create[2], `'${U.dash.username}`, 'a cell starting with - is kept as text');
  // The export is an entry of its own, naming the case filtered on.
  const exports = await audit(U.auditor, `action=audit.export&user=${U.auditor.username}`);
  assert.ok(exports.some((e) => e.case === C.dash.id && e.case_number === C.dash.number));
});

test('CSV export: filters by user and time, and parts with a cursor', async () => {
  const r = await api(srv, 'GET', `/api/v1/audit/export?user=${encodeURIComponent(U.noa.username)}&action=case.create`,
    { auth: U.auditor });
  assertStatus(r, 200);
  const rows = parseCsv(r.text).slice(1);
  assert.ok(rows.length >= 1);
  assert.ok(rows.every((row) => row[2] === U.noa.username && row[4] === 'case.create'));
  const future = await api(srv, 'GET', '/api/v1/audit/export?from=2999-01-01', { auth: U.auditor });
  assert.deepEqual(parseCsv(future.text), [HEADER], 'only the header when nothing matches');
  assertFieldError(await api(srv, 'GET', '/api/v1/audit/export?cursor=nope', { auth: U.auditor }), 'cursor');
  assertFieldError(await api(srv, 'GET', '/api/v1/audit/export?from=x', { auth: U.auditor }), 'from');
});

test('CSV export in parts: each part has the header, the cursor continues, every entry once', async () => {
  const q = `case=${C.oland.id}&action=case.create`;
  const whole = parseCsv((await api(srv, 'GET', `/api/v1/audit/export?case=${C.alfa.id}`, { auth: U.auditor })).text);
  const want = whole.slice(1).filter((row) => !row[4].startsWith('audit.')).map((row) => row[0]);
  assert.ok(want.length >= 2, 'alfa has several entries (created, changed)');
  const got = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const r = await api(srv, 'GET',
      `/api/v1/audit/export?case=${C.alfa.id}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { auth: U.auditor });
    assertStatus(r, 200);
    const rows = parseCsv(r.text);
    assert.deepEqual(rows[0], HEADER, 'each part has its header');
    assert.ok(rows.length <= 2, 'at most limit rows');
    got.push(...rows.slice(1).map((row) => row[0]));
    cursor = r.headers.get('nmt-next-cursor');
    if (cursor === null) break;
  }
  // Later audit.export entries are newer than the first part's, so they are not in the parts.
  const seqs = got.filter((seq) => want.includes(seq));
  assert.deepEqual(seqs, want, 'every entry once, newest first');
  assertFieldError(await api(srv, 'GET', `/api/v1/audit/export?${q}&limit=0`, { auth: U.auditor }), 'limit');
  assertFieldError(await api(srv, 'GET', `/api/v1/audit/export?${q}&limit=50001`, { auth: U.auditor }), 'limit');
});

test('CSV export: auditors only', async () => {
  for (const u of [U.pol, U.rksyd]) {
    const r = await api(srv, 'GET', `/api/v1/audit/export?case=${C.alfa.id}`, { auth: u });
    assertProblem(r, 403, u.role);
  }
});
