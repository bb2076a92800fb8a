// Seed for bench/search: prints SQL (the same for SQLite and PostgreSQL) that inserts CASES cases
// with their owner team rows and ENTRIES journal entries, owned by the user OWNER_ID. The search index
// is NOT written here: `nmtctl init` builds it afterwards (search_refold), as it does on an upgrade.
//
// Usage: node search_seed.mjs CASES ENTRIES OWNER_ID > seed.sql
//
// Text: lower-case words made of Swedish syllables (å, ä, ö included), from a fixed PRNG seed, so
// every run gets the same rows. Words with a known share, for the queries of lib/search.mjs:
//   restaurang   in 30 % of the case summaries
//   nagelsalong  in 1 % of the case summaries
//   kvarnsten    in the titles of 5 cases
//   tolkbyrå     in 1 % of the journal entries (and in no case text)
// Owners rotate over four organizations and four counties; 20 % of the entries are for full access.

const [cases, entries, owner] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
if (!(cases > 0) || !(entries >= 0) || !/^[0-9a-f-]{36}$/.test(owner || '')) {
  process.stderr.write('usage: node search_seed.mjs CASES ENTRIES OWNER_ID\n');
  process.exit(2);
}

let state = 0x2545f491;
function rand() { // xorshift32, fixed seed
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 0x100000000;
}
const pick = (a) => a[Math.floor(rand() * a.length)];

const SYLLABLES = ['ka', 'la', 'mo', 'ren', 'stå', 'bä', 'gör', 'sk', 'vik', 'berg', 'ström', 'dal', 'ås', 'ön',
  'lin', 'ny', 'gå', 'hem', 'tor', 'fjäl', 'sund', 'kvis', 'ma', 'ti', 'ro', 'sä', 'bro', 'lö', 'va', 'ne'];
const VOCAB = Array.from({ length: 20000 }, () => {
  let w = '';
  const n = 2 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) w += pick(SYLLABLES);
  return w;
});
const words = (n) => Array.from({ length: n }, () => pick(VOCAB));

const ORGS = ['POLISEN-SYD', 'POLISEN-STOCKHOLM', 'POLISEN-VAST', 'MIGRATIONSVERKET'];
const PLACES = [['12', 'syd'], ['01', 'stockholm'], ['14', 'vast'], ['25', 'nord']];
const FORMS = ['sexual', 'forced_labour', 'begging', 'criminal_activities'];

function uuid(prefix, i) { // deterministic, UUID-shaped
  const hex = i.toString(16).padStart(12, '0');
  return `${prefix}-0000-4000-8000-${hex}`;
}
const q = (s) => `'${s.replace(/'/g, "''")}'`;
const out = [];
const emit = (s) => { out.push(s); if (out.length >= 2000) flush(); };
function flush() { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }

emit('BEGIN;');
const at = (i) => new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const BATCH = 500;
const PER_YEAR = 50000;
const kvarn = new Set([7, cases >> 2, cases >> 1, (3 * cases) >> 2, cases - 3]);
for (let b = 0; b < cases; b += BATCH) {
  const rows = [];
  const members = [];
  for (let i = b; i < Math.min(cases, b + BATCH); i++) {
    const [county, region] = PLACES[i % PLACES.length];
    const org = ORGS[i % ORGS.length];
    const title = [...words(3), ...(kvarn.has(i) ? ['kvarnsten'] : [])].join(' ');
    const sum = words(12);
    if (rand() < 0.30) sum.splice(3, 0, 'restaurang');
    if (rand() < 0.01) sum.splice(6, 0, 'nagelsalong');
    // Numbers stay five digits: 50 000 cases a year from 2020 on.
    const serial = (i % PER_YEAR) + 1;
    const number = `NMT-${2020 + Math.floor(i / PER_YEAR)}-${String(serial).padStart(5, '0')}`;
    const forms = JSON.stringify([FORMS[i % FORMS.length]]);
    const id = uuid('c0000000', i);
    rows.push(`(${q(id)}, ${q(number)}, ${q(title)}, ${q(sum.join(' '))}, 'open', '${county}', '${region}', `
      + `${q(forms)}, ${q(owner)}, '${org}', 1, '${at(i)}', '${at(i)}', ${serial}, '', '${at(i)}')`);
    members.push(`(${q(uuid('m0000000', i))}, ${q(id)}, '${org}', NULL, 'full', ${q(owner)}, '${at(i)}')`);
  }
  emit('INSERT INTO nmt_case (id, number, title, summary, status, county, region, exploitation, owner_user, '
    + 'owner_org, version, created_at, updated_at, serial, title_sort, last_activity) VALUES\n'
    + rows.join(',\n') + ';');
  emit('INSERT INTO case_member (id, case_id, organization, user_id, access, added_by, added_at) VALUES\n'
    + members.join(',\n') + ';');
}
const seq = new Map();
for (let b = 0; b < entries; b += BATCH) {
  const rows = [];
  for (let j = b; j < Math.min(entries, b + BATCH); j++) {
    const i = Math.floor(rand() * cases);
    const s = (seq.get(i) || 0) + 1;
    seq.set(i, s);
    const text = words(15);
    if (rand() < 0.01) text.splice(5, 0, 'tolkbyrå');
    const vis = rand() < 0.2 ? 'full' : 'team';
    rows.push(`(${q(uuid('e0000000', j))}, ${q(uuid('c0000000', i))}, ${s}, 'note', ${q(text.join(' '))}, '${vis}', `
      + `NULL, ${q(owner)}, '${ORGS[i % ORGS.length]}', '${at(cases + j)}')`);
  }
  emit('INSERT INTO case_journal (id, case_id, seq, kind, text, visibility, corrects, author_user, author_org, at) '
    + 'VALUES\n' + rows.join(',\n') + ';');
}
for (let y = 0; y * PER_YEAR < cases; y++) {
  emit(`INSERT INTO counter (name, value) VALUES ('case-${2020 + y}', ${Math.min(PER_YEAR, cases - y * PER_YEAR)}) `
    + 'ON CONFLICT (name) DO UPDATE SET value = excluded.value;');
}
emit('COMMIT;');
flush();
