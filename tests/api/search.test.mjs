// API.md "Cases" and "Case work": q on GET /api/v1/cases is a word search over the cases' titles and
// summaries and the journal entries the caller reads (SQLite FTS5 / PostgreSQL full text, db/search.c).
// Every word must match within one document (the case's title and summary, or one journal entry), the
// last word also as the start of a word; text and query are folded alike (NFKC, full case folding, İ as
// i, any non-letter a separator) with å, ä and ö letters of their own; hits are ranked (a title above a
// journal entry) unless a sort is asked; nothing the caller may not read is found, returned or paged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, listAll, ctlFor,
} from './harness.mjs';
import { rollBackTo } from './rollback.mjs';

let srv;
const U = {};

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' }); // owns the cases
  U.mig = await addUserWithToken(srv, { org: 'MIGRATIONSVERKET', role: 'member' }); // pseudonymous
  U.tax = await addUserWithToken(srv, { org: 'SKATTEVERKET', role: 'member' }); // on no team
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
});

after(async () => { await srv?.stop(); });

// Each test uses words of its own, so the tests do not see each other's cases.
async function ids(auth, q, extra = '') {
  const items = await listAll(srv, `/api/v1/cases?q=${encodeURIComponent(q)}${extra}`, { auth });
  return items.map((c) => c.id);
}
const sorted = (a) => [...a].sort();

async function entry(c, text, visibility = 'team', auth = U.pol) {
  const r = await api(srv, 'POST', `/api/v1/cases/${c.id}/journal`, { auth, body: { kind: 'note', text, visibility } });
  assertStatus(r, 201, 'journal entry');
  return r.json;
}

async function share(c, org, access) {
  assertStatus(await api(srv, 'POST', `/api/v1/cases/${c.id}/team`,
    { auth: U.pol, body: { organization: org, access } }), 201, 'team row');
}

test('İstanbul, ISTANBUL and istanbul find each other (full case folding, İ as i)', async () => {
  const a = await createCase(srv, U.pol, { title: 'Resa från İstanbul' });
  const b = await createCase(srv, U.pol, { title: 'Hamn', summary: 'Kontakt i ISTANBUL' });
  const c = await createCase(srv, U.pol, { title: 'Lager' });
  await entry(c, 'Samtal om istanbul och Göteborg');
  const all = sorted([a.id, b.id, c.id]);
  for (const q of ['istanbul', 'İstanbul', 'İSTANBUL', 'ISTANBUL', 'Istanbul'])
    assert.deepEqual(sorted(await ids(U.pol, q)), all, `q=${q}`);
  // Full folding: ß is ss, and compatibility forms fold too (NFKC).
  const d = await createCase(srv, U.pol, { title: 'Straße der Fischer' });
  assert.deepEqual(await ids(U.pol, 'strasse'), [d.id], 'ß folds to ss');
  assert.deepEqual(await ids(U.pol, 'STRASSE FISCHER'), [d.id]);
  assert.deepEqual(await ids(U.pol, 'ＳＴＲＡＳＳＥ'), [d.id], 'full-width letters (NFKC)');
});

test('any Unicode space or separator between words: a pasted no-break space works', async () => {
  const a = await createCase(srv, U.pol, { title: 'Tvättstuga Norrmalm' });
  const b = await createCase(srv, U.pol, { title: 'Tvättstuga\u00a0Söder', summary: 'Nagelsalong/Kungsholmen' });
  assert.deepEqual(await ids(U.pol, 'tvättstuga\u00a0norrmalm'), [a.id], 'NBSP in the query');
  assert.deepEqual(await ids(U.pol, 'tvättstuga\u2003norrmalm'), [a.id], 'EM SPACE in the query');
  assert.deepEqual(await ids(U.pol, 'tvättstuga\u3000norrmalm'), [a.id], 'IDEOGRAPHIC SPACE in the query');
  assert.deepEqual(await ids(U.pol, 'tvättstuga söder'), [b.id], 'NBSP in the title');
  assert.deepEqual(await ids(U.pol, 'nagelsalong kungsholmen'), [b.id], 'a slash separates words');
  assert.deepEqual(await ids(U.pol, 'nagelsalong/kungsholmen'), [b.id], 'in the query too');
});

test('å, ä and ö are letters of their own: no accent stripping', async () => {
  const a = await createCase(srv, U.pol, { title: 'Sågverket Ålund', summary: 'Flera år i Öxabäck' });
  const b = await createCase(srv, U.pol, { title: 'Sagverket Alund', summary: 'Arbetare från Oxabacka' });
  assert.deepEqual(await ids(U.pol, 'ålund'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'ÅLUND'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'alund'), [b.id], 'alund does not find Ålund');
  assert.deepEqual(await ids(U.pol, 'sågverket'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'sagverket'), [b.id]);
  assert.deepEqual(await ids(U.pol, 'öxabäck'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'oxabäck'), [], 'oxabäck does not find Öxabäck');
  // "ar" must not find "år" (a prefix of the last word finds Arbetare, never år).
  assert.deepEqual(await ids(U.pol, 'flera ar'), [], 'ar does not find år');
  assert.deepEqual(await ids(U.pol, 'flera år'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'från ar'), [b.id], 'ar as a prefix finds Arbetare, never år');
});

test('all words are required, within one document; the last word also as a prefix', async () => {
  const a = await createCase(srv, U.pol, { title: 'Kvarnsten Tegelbruk' });
  const b = await createCase(srv, U.pol, { title: 'Kvarnsten Glasbruk' });
  const c = await createCase(srv, U.pol, { title: 'Tegelbruk' });
  await entry(c, 'Besök vid en glasbruksbod');
  assert.deepEqual(await ids(U.pol, 'kvarnsten tegelbruk'), [a.id]);
  assert.deepEqual(sorted(await ids(U.pol, 'kvarnsten')), sorted([a.id, b.id]));
  assert.deepEqual(await ids(U.pol, 'tegelbruk glasbruk kvarnsten'), [], 'no case has all three words');
  assert.deepEqual(await ids(U.pol, 'tegelbruk glasbruksbod'), [],
    'words in two documents of one case (title, entry) do not make a hit');
  // Prefix: the last word only.
  assert.deepEqual(sorted(await ids(U.pol, 'kvarns')), sorted([a.id, b.id]), 'prefix of the last word');
  assert.deepEqual(await ids(U.pol, 'tegelbruk kvarns'), [a.id]);
  assert.deepEqual(await ids(U.pol, 'kvarns tegelbruk'), [], 'a word before the last is a whole word');
});

test('FTS query syntax typed in q is only words: no error, no other meaning', async () => {
  const near = await createCase(srv, U.pol, { title: 'Near Hälsingborg', summary: 'Hälsingborg or not' });
  const other = await createCase(srv, U.pol, { title: 'Hälsingborg hamn' });
  const both = sorted([near.id, other.id]);
  // Each as an operator would answer otherwise (or fail); as words they answer this.
  const cases = [
    ['NEAR(', [near.id]], ['near(hälsingborg', [near.id]], ['NEAR(hälsingborg hamn)', []],
    ['hälsingborg OR hamn', []], ['OR hälsingborg', [near.id]], ['NOT hälsingborg', [near.id]],
    ['hälsingborg NOT hamn', []], ['AND hälsingborg', []], ['"hälsingborg', both], ['hälsingborg*', both],
    ['-hälsingborg', both], ['^hälsingborg', both], ['title:hälsingborg', []], ['{title}:hamn', []],
    ["hälsingborg'", both], ['hälsingborg:*', both], ['hälsingborg&!hamn', [other.id]],
    ['hälsingborg|hamn', [other.id]], ['hälsingborg<->hamn', [other.id]], ['hälsingborg\\', both],
  ];
  for (const [q, want] of cases) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}&limit=200`, { auth: U.pol });
    assertStatus(r, 200, `q=${q}`);
    assert.deepEqual(sorted(r.json.items.map((c) => c.id)), sorted(want), `q=${JSON.stringify(q)}`);
  }
  // A word of punctuation only is refused naming q, never dropped; so are too many words.
  for (const q of ['"', '*', '(', 'hälsingborg "', 'hälsingborg ***', '- hamn', '\u00a0&\u00a0',
    'hälsingborg & !hamn', 'hälsingborg | hamn', 'hälsingborg <-> hamn']) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(q)}`, { auth: U.pol });
    assertFieldError(r, 'q', `q=${JSON.stringify(q)}`);
  }
  const words = (n) => Array.from({ length: n }, (_, i) => `ord${i}`).join(' ');
  assertStatus(await api(srv, 'GET', `/api/v1/cases?q=${words(16)}`, { auth: U.pol }), 200, '16 words');
  assertFieldError(await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(words(17))}`, { auth: U.pol }),
    'q', '17 words');
  // White space only searches nothing: the whole list.
  const all = await api(srv, 'GET', `/api/v1/cases?q=${encodeURIComponent(' \u00a0 ')}&limit=1`, { auth: U.pol });
  assertStatus(all, 200, 'white space only');
  assert.equal(all.json.items.length, 1);
});

test('ranked: a title hit above a summary or journal hit, unless a sort is asked', async () => {
  const title = await createCase(srv, U.pol, { title: 'Flodhäst i titeln' });
  const summary = await createCase(srv, U.pol, { title: 'Annat', summary: 'Här nämns en flodhäst en gång bland många andra ord' });
  const journal = await createCase(srv, U.pol, { title: 'Tredje' });
  await entry(journal, 'Anteckning där flodhäst står mitt i en längre text om annat');
  assert.deepEqual((await ids(U.pol, 'flodhäst')).slice(0, 1), [title.id], 'the title hit first');
  assert.deepEqual(sorted(await ids(U.pol, 'flodhäst')), sorted([title.id, summary.id, journal.id]));
  assert.deepEqual(await ids(U.pol, 'flodhäst', '&sort=number'), [journal.id, summary.id, title.id],
    'an asked sort orders as asked');
  assert.deepEqual(await ids(U.pol, 'flodhäst', '&sort=number&order=asc'), [title.id, summary.id, journal.id]);
  // Equal hits: newest number first.
  const x = await createCase(srv, U.pol, { title: 'Tvilling Pelikan' });
  const y = await createCase(srv, U.pol, { title: 'Tvilling Pelikan' });
  assert.deepEqual(await ids(U.pol, 'tvilling pelikan'), [y.id, x.id]);
});

test('the index follows every write: a changed title finds by its new words only', async () => {
  const c = await createCase(srv, U.pol, { title: 'Gammal Kastanj', summary: 'Björkdunge' });
  assert.deepEqual(await ids(U.pol, 'kastanj'), [c.id]);
  const r = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: '"1"', body: { title: 'Ny Lönnallé' } });
  assertStatus(r, 200);
  assert.deepEqual(await ids(U.pol, 'kastanj'), [], 'the old title word is gone');
  assert.deepEqual(await ids(U.pol, 'lönnallé'), [c.id]);
  assert.deepEqual(await ids(U.pol, 'björkdunge'), [c.id], 'the summary kept');
  // A refused write changes nothing in the index.
  const bad = await api(srv, 'PATCH', `/api/v1/cases/${c.id}`,
    { auth: U.pol, ifMatch: '"1"', body: { title: 'Stale Ekbacke' } });
  assertStatus(bad, 412);
  assert.deepEqual(await ids(U.pol, 'ekbacke'), [], 'a stale write is not indexed');
});

test('visibility: no case outside the team, no hit through a full entry for a pseudonymous member', async () => {
  const shared = await createCase(srv, U.pol, { title: 'Delat ärende', county: '12' });
  await share(shared, 'MIGRATIONSVERKET', 'pseudonymous');
  await entry(shared, 'Gemensam uppgift om Kolibri', 'team');
  await entry(shared, 'Skyddad uppgift om Papegoja', 'full');
  const own = await createCase(srv, U.pol, { title: 'Eget ärende Papegoja', county: '25' });
  assert.deepEqual(await ids(U.mig, 'kolibri'), [shared.id], 'a team entry: found');
  assert.deepEqual(await ids(U.mig, 'papegoja'), [], 'a full entry does not make the case match');
  assert.deepEqual(await ids(U.mig, 'skyddad uppgift'), [], 'not by any of its words');
  assert.deepEqual(sorted(await ids(U.pol, 'papegoja')), sorted([shared.id, own.id]), 'the owner finds both');
  assert.deepEqual(await ids(U.rksyd, 'papegoja'), [shared.id], 'the region coordinator reads full entries');
  assert.deepEqual(await ids(U.tax, 'kolibri'), [], 'a member outside the team finds nothing');
  assert.deepEqual(await ids(U.tax, 'papegoja'), []);
  // Full access opens the full entries.
  await share(shared, 'SKATTEVERKET', 'full');
  assert.deepEqual(await ids(U.tax, 'papegoja'), [shared.id], 'full access: found');
});

test('hidden hits are neither returned nor counted, and do not move next_cursor', async () => {
  const seen = [];
  for (let i = 0; i < 2; i++) {
    const c = await createCase(srv, U.pol, { title: `Synlig Flamingo ${i}`, county: '12' });
    await share(c, 'MIGRATIONSVERKET', 'pseudonymous');
    seen.push(c.id);
  }
  const full = await createCase(srv, U.pol, { title: 'Annat ärende', county: '12' });
  await share(full, 'MIGRATIONSVERKET', 'pseudonymous');
  await entry(full, 'Flamingo i en skyddad anteckning', 'full');
  for (let i = 0; i < 3; i++) await createCase(srv, U.pol, { title: `Dold Flamingo ${i}`, county: '12' });
  const first = await api(srv, 'GET', '/api/v1/cases?q=flamingo&limit=2', { auth: U.mig });
  assertStatus(first, 200);
  assert.deepEqual(sorted(first.json.items.map((c) => c.id)), sorted(seen));
  assert.equal(first.json.next_cursor, null, 'no next page for hits the caller may not see');
  const one = await api(srv, 'GET', '/api/v1/cases?q=flamingo&limit=1', { auth: U.mig });
  const rest = await api(srv, 'GET', `/api/v1/cases?q=flamingo&limit=1&cursor=${encodeURIComponent(one.json.next_cursor)}`,
    { auth: U.mig });
  assertStatus(rest, 200);
  assert.equal(rest.json.items.length, 1);
  assert.equal(rest.json.next_cursor, null);
  const none = await api(srv, 'GET', '/api/v1/cases?q=flamingo&limit=1', { auth: U.tax });
  assert.deepEqual(none.json.items, []);
  assert.equal(none.json.next_cursor, null);
  assert.equal((await ids(U.pol, 'flamingo')).length, 6, 'control: the owner finds all six');
});

test('paging a ranked search: every hit once, in rank order; a cursor of another order is refused', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await createCase(srv, U.pol, { title: `Albatross nummer ${i}` }));
  const j = await createCase(srv, U.pol, { title: 'Loggbok' });
  await entry(j, 'En albatross syntes vid kajen');
  made.push(j);
  const whole = await api(srv, 'GET', '/api/v1/cases?q=albatross&limit=200', { auth: U.pol });
  assertStatus(whole, 200);
  const order = whole.json.items.map((c) => c.id);
  assert.equal(order.at(-1), j.id, 'the journal hit last');
  const paged = [];
  let cursor = null;
  for (let n = 0; n < 10; n++) {
    const r = await api(srv, 'GET', `/api/v1/cases?q=albatross&limit=2${cursor ? '&cursor=' + encodeURIComponent(cursor) : ''}`,
      { auth: U.pol });
    assertStatus(r, 200);
    paged.push(...r.json.items.map((c) => c.id));
    cursor = r.json.next_cursor;
    if (cursor === null) break;
  }
  assert.deepEqual(paged, order, 'pages of 2 give the same order, each hit once');
  assert.deepEqual(sorted(order), sorted(made.map((c) => c.id)));
  const first = await api(srv, 'GET', '/api/v1/cases?q=albatross&limit=2', { auth: U.pol });
  assertFieldError(await api(srv, 'GET',
    `/api/v1/cases?q=albatross&sort=number&limit=2&cursor=${encodeURIComponent(first.json.next_cursor)}`,
    { auth: U.pol }), 'cursor', 'a ranked cursor with another sort');
});

test('the number and serial match is kept beside the word search', async () => {
  const c = await createCase(srv, U.pol, { title: 'Nummerärende' });
  assert.deepEqual(await ids(U.pol, c.number), [c.id]);
  assert.deepEqual(await ids(U.pol, c.number.toLowerCase()), [c.id]);
  assert.deepEqual(await ids(U.pol, String(Number(c.number.slice(-5)))), [c.id]);
});

test('on upgrade the stored cases and entries are indexed, folded by nmtctl init', async () => {
  const s2 = await startServer();
  let s3;
  try {
    const owner = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const mig = await addUserWithToken(s2, { org: 'MIGRATIONSVERKET', role: 'member' });
    const a = await createCase(s2, owner, { title: 'Gammal resa', summary: 'Från İZMİR' });
    const b = await createCase(s2, owner, { title: 'Annat gammalt' });
    assertStatus(await api(s2, 'POST', `/api/v1/cases/${b.id}/team`,
      { auth: owner, body: { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' } }), 201);
    for (const [text, visibility] of [['Möte på Ångbåtsbryggan', 'team'], ['Skyddat om Sjöbod', 'full']]) {
      assertStatus(await api(s2, 'POST', `/api/v1/cases/${b.id}/journal`,
        { auth: owner, body: { kind: 'note', text, visibility } }), 201);
    }
    await s2.stop();
    await rollBackTo(s2.db, 12);
    const r = await ctlFor(s2.db, ['init']);
    assert.equal(r.code, 0, r.stderr);
    s3 = await startServer({ db: s2.db, init: false });
    const find = async (auth, q) => (await listAll(s3, `/api/v1/cases?q=${encodeURIComponent(q)}`, { auth }))
      .map((c) => c.id);
    assert.deepEqual(await find(owner, 'izmir'), [a.id], 'folded by init: İZMİR finds as izmir');
    assert.deepEqual(await find(owner, 'ångbåtsbryggan'), [b.id], 'a team entry from before');
    assert.deepEqual(await find(mig, 'ångbåtsbryggan'), [b.id]);
    assert.deepEqual(await find(owner, 'sjöbod'), [b.id], 'a full entry from before, for full access');
    assert.deepEqual(await find(mig, 'sjöbod'), [], 'and not for the pseudonymous member');
    const again = await ctlFor(s2.db, ['init']);
    assert.equal(again.code, 0, again.stderr);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});

test('nmtctl init reads the whole search index again only when the fold, the sources or the schema changed', async () => {
  // A document that differs from what this build writes, as one an older build indexed would.
  const s2 = await startServer();
  let s3;
  try {
    const owner = await addUserWithToken(s2, { org: 'POLISEN-SYD', role: 'member' });
    const c = await createCase(s2, owner, { title: 'Kvarnstensgården' });
    await s2.stop();
    const stale = s2.db.kind === 'sqlite'
      ? `UPDATE search_fts SET title = 'utbytt' WHERE rowid = (SELECT id FROM search_doc WHERE kind = 'case' AND object_id = '${c.id}')`
      : `UPDATE search_doc SET title = 'utbytt' WHERE kind = 'case' AND object_id = '${c.id}'`;
    await s2.db.exec(stale);
    const find = async (q) => (await listAll(s3, `/api/v1/cases?q=${encodeURIComponent(q)}`, { auth: owner }))
      .map((x) => x.id);

    // Checked by the init that made the register, with this build: not read again.
    const same = await ctlFor(s2.db, ['init']);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^search index: as last checked, not read again$/m);
    s3 = await startServer({ db: s2.db, init: false });
    assert.deepEqual(await find('kvarnstensgården'), [], 'the differing document is left as it was');
    await s3.stop();

    // Asked to check again: every document is read and the differing one written.
    const forced = await ctlFor(s2.db, ['init', '--recheck-search-index']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /^search index: every document checked, 1 written$/m);
    s3 = await startServer({ db: s2.db, init: false });
    assert.deepEqual(await find('kvarnstensgården'), [c.id]);
    await s3.stop();
    const usage = await ctlFor(s2.db, ['init', '--recheck']);
    assert.equal(usage.code, 2, 'an unknown option is refused');
    await s2.db.exec(stale);

    // Last checked by another fold: every document is read and the differing one written.
    await s2.db.exec("UPDATE init_state SET value = 'fold of another build' WHERE name = 'search_index'");
    const other = await ctlFor(s2.db, ['init']);
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /^search index: every document checked, 1 written$/m);
    s3 = await startServer({ db: s2.db, init: false });
    assert.deepEqual(await find('kvarnstensgården'), [c.id]);
    const rows = await s2.db.exec("SELECT value FROM init_state WHERE name = 'search_index'");
    assert.match(rows, /^fold [0-9a-f]{32} index \d+ schema \d+$/m, 'this build\'s signature recorded');

    // A schema rolled back and migrated again (the upgrade tests): checked again.
    await s3.stop();
    s3 = null;
    await s2.db.exec(stale);
    await rollBackTo(s2.db, 32);
    const upgraded = await ctlFor(s2.db, ['init']);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stdout, /^search index: every document checked, 1 written$/m);
  } finally {
    await s3?.stop();
    await s2.stop().catch(() => {});
  }
});
