// API.md "Statistics", exchange: `nmtctl import ctdc FILE --source NAME` loads a file in the CTDC
// global data set layout (semicolon CSV, the published header, quoted fields, CRLF, empty cells)
// as statistical records; GET /api/v1/stats?source=NAME then counts exactly what an independent
// count of the same file gives above the threshold and withholds the rest, with nothing solvable.
// A second import adds nothing; a bad line stops the import naming its line and column, and
// nothing is imported; progress goes to stderr. `nmtctl export ctdc --year Y` writes the
// system's own persons k-anonymised in the same layout, and importing that file counts what the
// file itself holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ROOT, startServer, addUserWithToken, api, assertStatus, assertFieldError, createCase, createPerson,
} from './harness.mjs';

const HEADER = fs.readFileSync(path.join(ROOT, 'data', 'ctdc', 'ctdc-layout.csv'), 'utf8').replace(/\r?\n$/, '');
const COLS = HEADER.split(';');
const IX = Object.fromEntries(COLS.map((c, i) => [c, i]));
const THRESHOLD = 5; // the default
const FLAGS = {
  isForcedLabour: ['forced_labour'], isSexualExploit: ['sexual'], isOtherExploit: ['other'],
  isSexAndLabour: ['sexual', 'forced_labour'], isForcedMarriage: ['forced_marriage'],
  isForcedMilitary: ['military_service'], isOrganRemoval: ['organ_removal'],
  isSlaveryAndPractices: ['slavery_servitude'],
};
const AGES = { '0--8': '0-8', '9--17': '9-17', '18--20': '18-20', '21--23': '21-23', '24--26': '24-26',
  '27--29': '27-29', '30--38': '30-38', '39--47': '39-47', '48+': '48+', '': 'unknown' };

let srv;
let dir;
const U = {};

before(async () => {
  srv = await startServer();
  U.analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
  U.member = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nmt-ctdc-'));
});
after(async () => {
  if (srv) await srv.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A deterministic generator (mulberry32). */
function rng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (r, weighted) => {
  const total = weighted.reduce((a, [, w]) => a + w, 0);
  let x = r() * total;
  for (const [v, w] of weighted) { if ((x -= w) < 0) return v; }
  return weighted[weighted.length - 1][0];
};

/** One row of the layout from named values (the rest empty). */
function row(values) {
  const cells = COLS.map(() => '');
  for (const [k, v] of Object.entries(values)) cells[IX[k]] = v;
  return cells.map((v) => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';');
}

/** n rows of the year with known distributions (rare citizenships give small cells). */
function generate(n, seed = 7, year = '2019') {
  const r = rng(seed);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const v = {
      yearOfRegistration: year,
      Datasource: pick(r, [['Case Management', 3], ['Hotline', 1]]),
      gender: pick(r, [['Female', 6], ['Male', 3], ['', 1]]),
      ageBroad: pick(r, [['9--17', 2], ['18--20', 3], ['21--23', 2], ['30--38', 2], ['48+', 1], ['', 1]]),
      majorityStatus: pick(r, [['', 3], ['Adult', 1], ['Minor', 1]]),
      citizenship: pick(r, [['RO', 5], ['NG', 4], ['TH', 2], ['', 2], ['VN', 0.15], ['SE', 0.1]]),
      typeOfExploitConcatenated: 'Other;Not specified',
      meansOfControlConcatenated: 'Threats;"Debt"',
    };
    for (const f of ['isSexualExploit', 'isForcedLabour', 'isSexAndLabour', 'isForcedMarriage', 'isOtherExploit']) {
      v[f] = pick(r, [['1', f === 'isSexualExploit' ? 5 : 1], ['0', 4], ['', 1]]);
    }
    // A majority status that contradicts nothing: Minor only with a minor's band or none.
    if (v.majorityStatus === 'Minor' && !['9--17', ''].includes(v.ageBroad)) v.majorityStatus = 'Adult';
    if (v.majorityStatus === 'Adult' && v.ageBroad === '9--17') v.majorityStatus = '';
    rows.push(v);
  }
  return rows;
}

const fileOf = (rows, { eol = '\r\n', header = HEADER } = {}) =>
  [header, ...rows.map((v) => (typeof v === 'string' ? v : row(v)))].join(eol) + eol;

/** The records an independent reading of the rows gives, in the engine's terms. */
function recordsOf(rows) {
  return rows.map((v) => {
    const age = AGES[v.ageBroad || ''];
    const child = v.majorityStatus === 'Minor' ? 'yes' : v.majorityStatus === 'Adult' ? 'no'
      : age === 'unknown' ? 'unknown' : ['0-8', '9-17'].includes(age) ? 'yes' : 'no';
    const forms = [...new Set(Object.entries(FLAGS).filter(([f]) => v[f] === '1').flatMap(([, fs]) => fs))];
    return {
      year: String(v.yearOfRegistration), gender: { Female: 'female', Male: 'male' }[v.gender] || 'unknown',
      age_band: age, child, citizenship: v.citizenship || 'unknown',
      exploitation: forms.length ? forms : ['unknown'],
    };
  });
}

/** Independent count: Map "v1|v2" → n. */
function count(items, by) {
  const m = new Map();
  for (const it of items) {
    const keys = by.map((d) => [].concat(it[d])).reduce((acc, vs) => acc.flatMap((k) => vs.map((x) => [...k, x])), [[]]);
    for (const k of keys) m.set(k.join('|'), (m.get(k.join('|')) || 0) + 1);
  }
  return m;
}

/**
 * Whether some withheld value of the answer is computable from the published ones: the rows,
 * columns and totals as linear relations over the withheld values (known values moved to the
 * right side), a withheld value computable iff its unit vector is in the relations' row space
 * (exact rank with fractions as BigInt rows).
 */
function solvable(ans, by) {
  const vars = new Map(); // name -> index
  const v = (name) => { if (!vars.has(name)) vars.set(name, vars.size); return vars.get(name); };
  const cellName = (c) => 'c:' + by.map((d) => c.key[d]).join('|');
  const rels = []; // each: Map var -> coeff (only withheld ones)
  const term = (rel, name, count, coeff) => { if (count === null) rel.set(v(name), (rel.get(v(name)) || 0n) + coeff); };
  if (by.length === 1) {
    const rel = new Map();
    for (const c of ans.cells) term(rel, cellName(c), c.count, 1n);
    term(rel, 'all', ans.totals.all, -1n);
    rels.push(rel);
  } else {
    for (const [i, d] of by.entries()) {
      for (const t of ans.totals[d]) {
        const rel = new Map();
        for (const c of ans.cells.filter((x) => x.key[d] === t.key)) term(rel, cellName(c), c.count, 1n);
        term(rel, `t:${d}:${t.key}`, t.count, -1n);
        rels.push(rel);
      }
      const rel = new Map();
      for (const t of ans.totals[d]) term(rel, `t:${d}:${t.key}`, t.count, 1n);
      term(rel, 'all', ans.totals.all, -1n);
      rels.push(rel);
      void i;
    }
  }
  const n = vars.size;
  const matrix = rels.map((rel) => Array.from({ length: n }, (_, j) => rel.get(j) || 0n));
  const rank = (m) => {
    const a = m.map((r) => r.slice());
    let rk = 0;
    for (let col = 0; col < n && rk < a.length; col++) {
      const p = a.findIndex((r, i) => i >= rk && r[col] !== 0n);
      if (p < 0) continue;
      [a[rk], a[p]] = [a[p], a[rk]];
      for (let i = 0; i < a.length; i++) {
        if (i === rk || a[i][col] === 0n) continue;
        const f = a[i][col], g = a[rk][col];
        a[i] = a[i].map((x, j) => x * g - a[rk][j] * f);
      }
      rk++;
    }
    return rk;
  };
  const base = rank(matrix);
  for (let j = 0; j < n; j++) {
    const unit = Array.from({ length: n }, (_, k) => (k === j ? 1n : 0n));
    if (rank([...matrix, unit]) === base) return [...vars.keys()][j];
  }
  return null;
}

/** The answer for source and by equals the truth above the threshold, withholds below, leaks nothing. */
async function assertCounts(source, year, by, truth) {
  const r = await api(srv, 'GET', `/api/v1/stats?measure=persons&by=${by.join(',')}&year=${year}&source=${source}`,
    { auth: U.analyst });
  assertStatus(r, 200, `stats ${by}`);
  const got = new Map(r.json.cells.map((c) => [by.map((d) => c.key[d]).join('|'), c.count]));
  assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort(), `the cells of ${by}`);
  let published = 0;
  for (const [k, n] of truth) {
    if (n < THRESHOLD) assert.equal(got.get(k), null, `${by} ${k}: ${n} withheld`);
    else if (got.get(k) !== null) { assert.equal(got.get(k), n, `${by} ${k}`); published++; }
  }
  assert.ok(published > 0, `${by}: some cells published`);
  assert.equal(solvable(r.json, by), null, `${by}: no withheld value is computable`);
  return r.json;
}

const DIMS = [['gender'], ['age_band'], ['child'], ['citizenship'], ['exploitation'],
  ['gender', 'age_band'], ['citizenship', 'gender'], ['exploitation', 'child']];
const sourceCount = async (source) =>
  Number((await srv.db.exec(`SELECT count(*) FROM stat_record WHERE source = '${source}';`)).trim());

test('a file in the CTDC layout imports; its counts match an independent count, small ones withheld', async () => {
  const rows = generate(400);
  const file = path.join(dir, 'ctdc.csv');
  fs.writeFileSync(file, fileOf(rows));
  const r = await srv.ctl(['import', 'ctdc', file, '--source', 'ctdc-2019']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^401 lines read, 400 records: 400 new, 0 already present$/m);
  assert.equal((await srv.db.exec(`SELECT dirty FROM stat_source WHERE source = 'ctdc-2019';`))
    .trim(), '0', 'the statistics\' summary of the source is current');
  const recs = recordsOf(rows);
  for (const by of DIMS) await assertCounts('ctdc-2019', 2019, by, count(recs, by));
  // Rare citizenships exist in this file and are withheld (the check above did bite).
  const cit = count(recs, ['citizenship']);
  assert.ok([...cit.values()].some((n) => n > 0 && n < THRESHOLD), 'a small cell exists');
  // Not counted as the system's own persons.
  const own = await api(srv, 'GET', '/api/v1/stats?measure=persons&by=gender&year=2019', { auth: U.analyst });
  assert.equal(own.json.totals.all, 0);

  // The same file again adds nothing.
  const again = await srv.ctl(['import', 'ctdc', file, '--source', 'ctdc-2019']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /400 records: 0 new, 400 already present/);
  assert.equal(await sourceCount('ctdc-2019'), 400);
  await assertCounts('ctdc-2019', 2019, ['gender'], count(recs, ['gender']));
  // LF line endings read the same: the same records, nothing new.
  fs.writeFileSync(file, fileOf(rows, { eol: '\n' }));
  const lf = await srv.ctl(['import', 'ctdc', file, '--source', 'ctdc-2019']);
  assert.match(lf.stdout, /0 new, 400 already present/);
  const audit = await srv.db.exec(`SELECT object FROM audit WHERE action = 'stat_record.import' ORDER BY seq;`);
  assert.match(audit, /^stat_source:ctdc-2019 new=400 present=0 blake2b=[0-9a-f]{64}$/m);
  assert.match(audit, /^stat_source:ctdc-2019 new=0 present=400 blake2b=[0-9a-f]{64}$/m);
});

test('a bad line stops the import with its line number and column; nothing is imported', async () => {
  const good = generate(5, 11);
  const cases = [
    ['wrong column count', row({ yearOfRegistration: '2019' }).replace(/;$/, ''), /line 7, 63 columns/],
    ['bad gender', row({ ...good[0], gender: 'F' }), /line 7, column gender: /],
    ['bad flag', row({ ...good[0], isForcedLabour: 'yes' }), /line 7, column isForcedLabour: /],
    ['bad year', row({ ...good[0], yearOfRegistration: '19' }), /line 7, column yearOfRegistration: /],
    ['future year', row({ ...good[0], yearOfRegistration: '2999' }), /line 7, column yearOfRegistration: /],
    ['unknown country', row({ ...good[0], citizenship: 'XX' }), /line 7, column citizenship: /],
    ['bad age band', row({ ...good[0], ageBroad: '18-20' }), /line 7, column ageBroad: /],
  ];
  for (const [what, bad, msg] of cases) {
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, fileOf([...good, bad, ...good]));
    const r = await srv.ctl(['import', 'ctdc', file, '--source', 'bad']);
    assert.notEqual(r.code, 0, what);
    assert.match(r.stderr, msg, what);
    assert.match(r.stderr, /nothing imported/, what);
    assert.doesNotMatch(r.stderr, /Case Management|Hotline/, `${what}: no values echoed`);
  }
  // Invalid UTF-8 and a NUL byte, named by their line.
  for (const [what, bytes, msg] of [['invalid UTF-8', Buffer.from([0x48, 0xff, 0x6f]), /line 7, not valid UTF-8/],
    ['NUL', Buffer.from([0x48, 0x00, 0x6f]), /line 7, a NUL byte/]]) {
    const file = path.join(dir, 'bytes.csv');
    const text = fileOf(good).split('\r\n');
    const bad = Buffer.concat([Buffer.from(row({ ...good[0], Datasource: 'X' }).replace(';X;', ';')), bytes]);
    fs.writeFileSync(file, Buffer.concat([Buffer.from(text.join('\r\n')), bad, Buffer.from('\r\n')]));
    const r = await srv.ctl(['import', 'ctdc', file, '--source', 'bad']);
    assert.notEqual(r.code, 0, what);
    assert.match(r.stderr, msg, what);
  }
  // The header is checked before any row.
  const renamed = HEADER.replace(';ageBroad;', ';age;');
  fs.writeFileSync(path.join(dir, 'hdr.csv'), fileOf(good, { header: renamed }));
  let r = await srv.ctl(['import', 'ctdc', path.join(dir, 'hdr.csv'), '--source', 'bad']);
  assert.match(r.stderr, /line 1, column 5: expected ageBroad/);
  fs.writeFileSync(path.join(dir, 'hdr.csv'), fileOf(good, { header: HEADER.split(';').slice(1).join(';') }));
  r = await srv.ctl(['import', 'ctdc', path.join(dir, 'hdr.csv'), '--source', 'bad']);
  assert.match(r.stderr, /line 1, column 1: expected the publisher's terms-of-use notice/);
  assert.equal(await sourceCount('bad'), 0, 'nothing imported');
  assert.equal((await srv.db.exec(`SELECT count(*) FROM stat_source WHERE source = 'bad';`)).trim(), '0');
  // The source's name: exactly the rule of GET /api/v1/stats?source=NAME.
  for (const name of ['own', 'all', '-cmd', '-1', '.x', '_x', 'a b', 'a/b', 'å', 'x'.repeat(65), '']) {
    r = await srv.ctl(['import', 'ctdc', path.join(dir, 'ctdc.csv'), '--source', name]);
    assert.equal(r.code, 2, name);
    assert.match(r.stderr, /--source: 1 to 64 letters, digits/, name);
    assert.equal(await sourceCount(name), 0, `nothing imported under ${JSON.stringify(name)}`);
    const q = await api(srv, 'GET', `/api/v1/stats?measure=persons&by=gender&source=${encodeURIComponent(name)}`,
      { auth: U.analyst });
    if (name !== 'all') assertFieldError(q, 'source', `the API refuses ${JSON.stringify(name)} too`);
  }
});

test('a source name the API takes is one the import takes, and the API counts it', async () => {
  const rows = generate(40, 7, '2019');
  const file = path.join(dir, 'names.csv');
  fs.writeFileSync(file, fileOf(rows));
  for (const name of ['Big.src_1-x', '9' + 'x'.repeat(63)]) {
    const r = await srv.ctl(['import', 'ctdc', file, '--source', name]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.equal(await sourceCount(name), rows.length, name);
    const q = await api(srv, 'GET', `/api/v1/stats?measure=persons&by=year&source=${encodeURIComponent(name)}`,
      { auth: U.analyst });
    assertStatus(q, 200, name);
    assert.equal(q.json.filters.source, name);
    assert.equal(q.json.totals.all, rows.length, name);
  }
});

test('a long file reports its progress on stderr and its summary', async () => {
  const rows = generate(12000, 3, '2018');
  const file = path.join(dir, 'long.csv');
  fs.writeFileSync(file, fileOf(rows));
  assert.ok(fs.statSync(file).size > 1e6);
  const r = await srv.ctl(['import', 'ctdc', file, '--source', 'long']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.deepEqual(lines.filter((l) => /read \d+%$/.test(l)).map((l) => Number(/(\d+)%$/.exec(l)[1])),
    [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.match(r.stdout, /12001 lines read, 12000 records: 12000 new, 0 already present/);
  await assertCounts('long', 2018, ['gender'], count(recordsOf(rows), ['gender']));
});

/** A minimal CSV reader for the exported file (';', quotes, CRLF). */
function parseCsv(text) {
  const out = [];
  let rowv = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') q = false; else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ';') { rowv.push(cell); cell = ''; } else if (ch === '\r' && text[i + 1] === '\n') {
      rowv.push(cell); out.push(rowv); rowv = []; cell = ''; i++;
    } else cell += ch;
  }
  return out;
}

test('export → import: the exported file is k-anonymous, carries no identity, and imports to its own counts', async () => {
  srv.setClock('2027-05-01T12:00:00Z');
  const pseudonyms = [];
  const c1 = await createCase(srv, U.member, { county: '12', exploitation: ['sexual'] });
  const c2 = await createCase(srv, U.member, { county: '12', exploitation: ['forced_labour', 'begging'] });
  const add = async (c, n, over) => {
    for (let i = 0; i < n; i++) {
      const p = await createPerson(srv, U.member, c.id, over);
      pseudonyms.push(p.pseudonym);
    }
  };
  await add(c1, 12, { gender: 'female', birth_year: 2006, citizenship: 'RO' }); // 21: one class of 12
  await add(c2, 6, { gender: 'male', birth_year: 1990, citizenship: 'NG' }); // 37: with the next, 11
  await add(c2, 5, { gender: 'male', birth_year: 1990, citizenship: 'TH' }); //   once citizenship goes
  await add(c1, 2, { gender: 'other', birth_year: 1960, citizenship: 'SE' }); // alone: left out
  const out = path.join(dir, 'export.csv');
  const r = await srv.ctl(['export', 'ctdc', '--year', '2027', '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /25 persons, 23 rows written \(k = 11\): 11 generalised, 2 left out/);
  const text = fs.readFileSync(out, 'utf8');
  assert.ok(text.startsWith(HEADER + '\r\n'), 'the published header, CRLF');
  for (const p of pseudonyms) assert.ok(!text.includes(p), 'no pseudonym');
  assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-/, 'no id');
  assert.doesNotMatch(text, /2027-\d\d/, 'no date finer than the year');
  const rows = parseCsv(text).slice(1).map((cells) => Object.fromEntries(COLS.map((c, i) => [c, cells[i]])));
  assert.equal(rows.length, 23);
  for (const x of rows) {
    assert.equal(x.Datasource, 'Case Management');
    assert.equal(x.yearOfRegistration, '2027');
  }
  // Every class of the quasi-identifiers has at least k = 11 rows.
  const classes = count(rows.map((x) => ({ k: [x.gender, x.ageBroad, x.majorityStatus, x.citizenship,
    ...Object.keys(FLAGS).map((f) => x[f])].join('/') })), ['k']);
  for (const [k, n] of classes) assert.ok(n >= 11, `class ${k}: ${n}`);
  assert.ok(rows.filter((x) => x.gender === 'Male').every((x) => x.citizenship === ''), 'generalised');
  assert.ok(rows.filter((x) => x.gender === 'Female').every((x) => x.citizenship === 'RO' && x.ageBroad === '21--23'));
  const male = rows.find((x) => x.gender === 'Male');
  assert.equal(male.isForcedLabour, '1');
  assert.equal(male.isOtherExploit, '1', 'begging has no CTDC flag: other');

  const imp = await srv.ctl(['import', 'ctdc', out, '--source', 'roundtrip']);
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, /23 records: 23 new/);
  const recs = recordsOf(rows);
  for (const by of [['gender'], ['age_band'], ['citizenship'], ['exploitation'], ['child']]) {
    const truth = count(recs, by);
    const ans = await api(srv, 'GET', `/api/v1/stats?measure=persons&by=${by}&year=2027&source=roundtrip`,
      { auth: U.analyst });
    assertStatus(ans, 200);
    const got = new Map(ans.json.cells.map((c) => [c.key[by[0]], c.count]));
    assert.deepEqual([...got.keys()].sort(), [...truth.keys()].sort(), `${by}`);
    for (const [k, n] of truth) assert.equal(got.get(k), n, `${by} ${k}`);
  }
  const audit = await srv.db.exec(`SELECT object FROM audit WHERE action = 'stat_record.export';`);
  assert.match(audit, /^stat_export:ctdc year=2027 k=11 rows=23$/m);
});

test('the leak check itself finds a computable withheld value', () => {
  const one = { cells: [{ key: { g: 'a' }, count: 7 }, { key: { g: 'b' }, count: null }], totals: { all: 9 } };
  assert.equal(solvable(one, ['g']), 'c:b');
  const two = {
    cells: [{ key: { g: 'a', h: 'x' }, count: null }, { key: { g: 'a', h: 'y' }, count: 6 },
      { key: { g: 'b', h: 'x' }, count: null }, { key: { g: 'b', h: 'y' }, count: 8 }],
    totals: { g: [{ key: 'a', count: null }, { key: 'b', count: null }],
      h: [{ key: 'x', count: null }, { key: 'y', count: 14 }], all: 18 },
  };
  assert.equal(solvable(two, ['g', 'h']), 't:h:x', 'x = all − y');
  two.totals.all = null;
  assert.equal(solvable(two, ['g', 'h']), null, 'a 2×2 block of withheld cells with withheld margins');
});
