// API.md "Statistics", small cells: for many random tables (one and two dimensions, many sizes,
// many small counts) the published answer is taken as an attacker would, and its linear system
// (every row's cells sum to the row's total, every column's to the column's, the totals to the
// grand total) is solved here, independently of the server (exact rational arithmetic with
// BigInt): no withheld cell or total may be determined by the published ones. The answer must
// also be true: published counts equal the counts made, every count of 1..threshold-1 withheld,
// 0 never withheld.
// A reader also knows that every withheld value is a whole number of at least 1 (zeros are
// published, a combination not listed is 0). So beyond the linear algebra, every withheld value
// must be able to take at least two values among the integer solutions of the published
// equations with every withheld value >= 1: searched exhaustively for tables with up to 8
// withheld values, by interval bound propagation for bigger ones.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, addUserWithToken, api, assertStatus } from './harness.mjs';

const THRESHOLD = 5; // the default
let srv;
let analyst;

// A small deterministic generator (mulberry32), so a failure can be replayed.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIZENSHIPS = ['RO', 'NG', 'TH', 'BG', 'SE', 'UA', 'VN', 'UZ', 'AR', 'TR', 'MA', 'PL'];
const BANDS = ['0-8', '9-17', '18-20', '21-23', '24-26', '27-29', '30-38', '39-47', '48+', 'unknown'];
const GENDERS = ['female', 'male', 'other', 'unknown'];
const TABLES = [];

/** A random table: its dimensions, values and true counts (many zeros and small ones). */
function makeTable(i, rand, small = false) {
  const shapes = [['citizenship'], ['age_band'], ['citizenship', 'age_band'], ['gender', 'age_band'],
    ['citizenship', 'gender']];
  const by = shapes[i % shapes.length];
  const pool = { citizenship: CITIZENSHIPS, age_band: BANDS, gender: GENDERS };
  const pick = (d) => pool[d].slice(0, 1 + Math.floor(rand() * pool[d].length));
  const values = by.map(pick);
  const cells = new Map();
  const combos = values.length === 1 ? values[0].map((a) => [a])
    : values[0].flatMap((a) => values[1].map((b) => [a, b]));
  for (const k of combos) {
    const x = rand();
    // small: mostly 1s and 2s, where the bound >= 1 pins values
    const n = small ? (x < 0.2 ? 0 : x < 0.5 ? 1 : x < 0.65 ? 2 : THRESHOLD + Math.floor(rand() * 30))
      : x < 0.3 ? 0 : x < 0.75 ? 1 + Math.floor(rand() * (THRESHOLD - 1)) : THRESHOLD + Math.floor(rand() * 25);
    if (n > 0) cells.set(k.join('|'), n);
  }
  return { source: `rand-${i}`, by, cells };
}

function insertSql(t) {
  const col = (d, k) => k[t.by.indexOf(d)];
  return [...t.cells].map(([key, n], j) => {
    const k = key.split('|');
    const cit = t.by.includes('citizenship') ? col('citizenship', k) : 'SE';
    const bandv = t.by.includes('age_band') ? col('age_band', k) : '30-38';
    const gender = t.by.includes('gender') ? col('gender', k) : 'female';
    return `INSERT INTO stat_record (source, record_key, year, gender, age_band, child, citizenship, datasource, imported_at) ` +
      `SELECT '${t.source}', 'c${j}-' || i, 2024, '${gender}', '${bandv}', 'no', '${cit}', 'test', '2026-01-01T00:00:00Z' ` +
      `FROM tmp_numbers WHERE i <= ${n};`;
  });
}

before(async () => {
  srv = await startServer();
  analyst = await addUserWithToken(srv, { org: 'NMT', role: 'analyst' });
  const rand = rng(20261129);
  for (let i = 0; i < 120; i++) TABLES.push(makeTable(i, rand));
  for (let i = 120; i < 320; i++) TABLES.push(makeTable(i, rand, true));
  // The outside probe's table: persons by gender 13 / 28 / 1 / 1.
  TABLES.push({ source: 'probe', by: ['gender'],
    cells: new Map([['female', 13], ['male', 28], ['other', 1], ['unknown', 1]]) });
  await srv.db.exec('CREATE TABLE tmp_numbers AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL ' +
    'SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n;');
  const stmts = TABLES.flatMap(insertSql);
  for (let i = 0; i < stmts.length; i += 200) await srv.db.exec(`BEGIN;\n${stmts.slice(i, i + 200).join('\n')}\nCOMMIT;`);
});
after(async () => { if (srv) await srv.close(); });

// ---- exact linear algebra on rationals (BigInt) ----

const gcd = (a, b) => { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) [a, b] = [b, a % b]; return a; };

/** The rank of a matrix of BigInt rows, by Gaussian elimination over the rationals. */
function rank(rows) {
  const m = rows.map((r) => r.slice());
  let rk = 0;
  const ncols = m.length ? m[0].length : 0;
  for (let c = 0; c < ncols && rk < m.length; c++) {
    const p = m.findIndex((r, i) => i >= rk && r[c] !== 0n);
    if (p < 0) continue;
    [m[rk], m[p]] = [m[p], m[rk]];
    for (let i = rk + 1; i < m.length; i++) {
      if (m[i][c] === 0n) continue;
      const a = m[rk][c];
      const b = m[i][c];
      let g = 0n;
      for (let j = 0; j < ncols; j++) { m[i][j] = m[i][j] * a - m[rk][j] * b; g = gcd(g, m[i][j]); }
      if (g > 1n) for (let j = 0; j < ncols; j++) m[i][j] /= g;
    }
    rk++;
  }
  return rk;
}

/**
 * The published table as equations over its withheld values: unknowns (names), and equations
 * each {terms: [[unknown index, +1/-1]], rhs} meaning sum of coef * unknown = rhs (the published
 * values moved to the right side).
 */
function equations(answer, by) {
  const unknowns = [];
  const idx = new Map();
  const eqs = [];
  const cellName = (c) => `cell:${by.map((d) => c.key[d]).join('|')}`;
  const term = (eq, name, count, sign) => {
    if (count !== null) { eq.rhs -= sign * count; return; }
    if (!idx.has(name)) { idx.set(name, unknowns.length); unknowns.push(name); }
    eq.terms.push([idx.get(name), sign]);
  };
  const all = answer.totals.all;
  if (by.length === 1) {
    const eq = { terms: [], rhs: 0 };
    for (const c of answer.cells) term(eq, cellName(c), c.count, 1);
    term(eq, 'all', all, -1);
    eqs.push(eq);
  } else {
    for (const d of by) {
      const sumEq = { terms: [], rhs: 0 };
      for (const t of answer.totals[d]) {
        const eq = { terms: [], rhs: 0 };
        for (const c of answer.cells.filter((x) => x.key[d] === t.key)) term(eq, cellName(c), c.count, 1);
        term(eq, `${d}:${t.key}`, t.count, -1);
        eqs.push(eq);
        term(sumEq, `${d}:${t.key}`, t.count, 1);
      }
      term(sumEq, 'all', all, -1);
      eqs.push(sumEq);
    }
  }
  return { unknowns, eqs: eqs.filter((e) => e.terms.length > 0 || e.rhs !== 0) };
}

/** Whether some equation, with the unknowns in [lo, hi], cannot hold. */
function infeasible(eqs, lo, hi) {
  for (const e of eqs) {
    let min = 0;
    let max = 0;
    for (const [j, s] of e.terms) { min += s > 0 ? lo[j] : -hi[j]; max += s > 0 ? hi[j] : -lo[j]; }
    if (e.rhs < min || e.rhs > max) return true;
  }
  return false;
}

/**
 * Exhaustive search: whether unknown j can take a value other than truth[j] in an integer
 * solution with every unknown in [1, B]. Depth-first over the unknowns, pruned by the
 * equations' ranges. A solution found inside [1, B] is a solution, so a smaller B can only make
 * this stricter.
 */
function canDiffer(eqs, n, j, truth, B) {
  const lo = new Array(n).fill(1);
  const hi = new Array(n).fill(B);
  const order = [j, ...[...Array(n).keys()].filter((k) => k !== j)];
  const dfs = (depth) => {
    if (infeasible(eqs, lo, hi)) return false;
    if (depth === n) return true;
    const k = order[depth];
    for (let v = 1; v <= B; v++) {
      if (depth === 0 && v === truth[j]) continue;
      lo[k] = v; hi[k] = v;
      if (dfs(depth + 1)) return true;
    }
    lo[k] = 1; hi[k] = B;
    return false;
  };
  return dfs(0);
}

/** Interval bound propagation to a fixpoint (lo from 1, hi unbounded): the unknowns it pins. */
function propagatePinned(eqs, n) {
  const BIG = 1e12;
  const lo = new Array(n).fill(1);
  const hi = new Array(n).fill(BIG);
  for (let changed = true; changed;) {
    changed = false;
    for (const e of eqs) {
      for (const [j, s] of e.terms) {
        // s * x_j = rhs - sum of the others
        let min = e.rhs;
        let max = e.rhs;
        for (const [k, t] of e.terms) {
          if (k === j) continue;
          min -= t > 0 ? hi[k] : -lo[k];
          max -= t > 0 ? lo[k] : -hi[k];
        }
        const [a, b] = s > 0 ? [min, max] : [-max, -min];
        if (a > lo[j]) { lo[j] = a; changed = true; }
        if (b < hi[j]) { hi[j] = b; changed = true; }
      }
    }
  }
  return [...Array(n).keys()].filter((j) => lo[j] >= hi[j]);
}

/**
 * The withheld values of a published table that take a single value among the integer
 * solutions with every withheld value >= 1: exact for up to 8 withheld values (truth: the true
 * counts by unknown name, B: a bound on every value in the search), propagation beyond.
 */
function pinned(answer, by, truth, B) {
  const { unknowns, eqs } = equations(answer, by);
  const n = unknowns.length;
  if (n > 8) return propagatePinned(eqs, n).map((j) => unknowns[j]);
  const t = unknowns.map((u) => truth.get(u));
  return unknowns.filter((_, j) => !canDiffer(eqs, n, j, t, B));
}

/** The true value of every cell and total of a test table, by the names equations() uses. */
function truthOf(t) {
  const truth = new Map();
  let all = 0;
  for (const [k, n] of t.cells) {
    truth.set(`cell:${k}`, n);
    all += n;
    if (t.by.length === 2) {
      for (const [i, d] of t.by.entries()) {
        const name = `${d}:${k.split('|')[i]}`;
        truth.set(name, (truth.get(name) || 0) + n);
      }
    }
  }
  truth.set('all', all);
  return { truth, all };
}

/**
 * The published table as a linear system over its withheld values: which of them are determined.
 * A withheld value x_j is determined iff its column is independent of the others, i.e. dropping
 * it lowers the rank of the system's matrix (the published values only move to the right side).
 */
function determined(answer, by) {
  const unknowns = []; // {name}
  const idx = new Map();
  const unknown = (name) => { if (!idx.has(name)) { idx.set(name, unknowns.length); unknowns.push(name); } return idx.get(name); };
  const eqs = []; // each: list of unknown indices with coefficient (+1/-1); knowns do not matter
  const term = (eq, name, count, sign) => { if (count === null) eq.push([unknown(name), sign]); };
  const cellName = (c) => `cell:${by.map((d) => c.key[d]).join('|')}`;
  const all = answer.totals.all;
  if (by.length === 1) {
    const eq = [];
    for (const c of answer.cells) term(eq, cellName(c), c.count, 1n);
    term(eq, 'all', all, -1n);
    eqs.push(eq);
  } else {
    for (const [i, d] of by.entries()) {
      const sumEq = [];
      for (const t of answer.totals[d]) {
        const eq = [];
        for (const c of answer.cells.filter((x) => x.key[d] === t.key)) term(eq, cellName(c), c.count, 1n);
        term(eq, `${d}:${t.key}`, t.count, -1n);
        eqs.push(eq);
        term(sumEq, `${d}:${t.key}`, t.count, 1n);
      }
      term(sumEq, 'all', all, -1n);
      eqs.push(sumEq);
      void i;
    }
  }
  const n = unknowns.length;
  const matrix = eqs.map((eq) => { const r = new Array(n).fill(0n); for (const [j, s] of eq) r[j] += s; return r; });
  const full = rank(matrix);
  return unknowns.filter((_, j) => rank(matrix.map((r) => r.filter((__, k) => k !== j))) < full);
}

test('no withheld cell or total of any random table can be computed from what is published', async () => {
  let withheldSeen = 0;
  let secondarySeen = 0;
  let exactChecked = 0;
  for (const t of TABLES) {
    const r = await api(srv, 'GET', `/api/v1/stats?by=${t.by.join(',')}&source=${t.source}`, { auth: analyst });
    if (t.cells.size === 0) { // no record imported under the name: 400 naming source
      assertStatus(r, 400, t.source);
      assert.ok(r.json.errors.some((e) => e.field === 'source'), t.source);
      continue;
    }
    assertStatus(r, 200);
    // The answer is true to the counts made.
    const got = new Map(r.json.cells.map((c) => [t.by.map((d) => c.key[d]).join('|'), c.count]));
    assert.deepEqual([...got.keys()].sort(), [...t.cells.keys()].sort(), t.source);
    for (const [k, n] of t.cells) {
      if (n < THRESHOLD) assert.equal(got.get(k), null, `${t.source} ${k}=${n} withheld`);
      else if (got.get(k) === null) secondarySeen++;
      else assert.equal(got.get(k), n, `${t.source} ${k}`);
      if (got.get(k) === null) withheldSeen++;
    }
    const all = [...t.cells.values()].reduce((a, b) => a + b, 0);
    if (r.json.totals.all !== null) assert.equal(r.json.totals.all, all);
    else assert.ok(all > 0, 'zero is never withheld');
    if (t.by.length === 2) {
      for (const [i, d] of t.by.entries()) {
        const sums = new Map();
        for (const [k, n] of t.cells) { const v = k.split('|')[i]; sums.set(v, (sums.get(v) || 0) + n); }
        for (const x of r.json.totals[d]) {
          if (sums.get(x.key) < THRESHOLD) assert.equal(x.count, null, `${t.source} total ${d}=${x.key}`);
          else if (x.count !== null) assert.equal(x.count, sums.get(x.key));
        }
      }
    }
    // Nothing withheld is determined, by the equations alone or with every value >= 1.
    assert.deepEqual(determined(r.json, t.by), [], `${t.source}: determined withheld values`);
    const { truth, all: total } = truthOf(t);
    assert.deepEqual(pinned(r.json, t.by, truth, total + 1), [], `${t.source}: withheld values pinned by >= 1`);
    if (equations(r.json, t.by).unknowns.length <= 8) exactChecked++;
  }
  assert.ok(exactChecked > 100, `many tables checked exhaustively (${exactChecked})`);
  assert.ok(withheldSeen > 100, `many withheld cells (${withheldSeen})`);
  assert.ok(secondarySeen > 10, `secondary suppression happened (${secondarySeen})`);
});

test('the solver itself finds a value left computable (a table published with one cell withheld alone)', () => {
  // 2 x 2 with one withheld cell and every total published: the cell is row total - other cell.
  const answer = {
    cells: [
      { key: { gender: 'female', age_band: '18-20' }, count: null },
      { key: { gender: 'female', age_band: '21-23' }, count: 7 },
      { key: { gender: 'male', age_band: '18-20' }, count: 6 },
      { key: { gender: 'male', age_band: '21-23' }, count: 9 },
    ],
    totals: { gender: [{ key: 'female', count: 9 }, { key: 'male', count: 15 }],
      age_band: [{ key: '18-20', count: 8 }, { key: '21-23', count: 16 }], all: 24 },
  };
  assert.deepEqual(determined(answer, ['gender', 'age_band']), ['cell:female|18-20']);
  // Withholding the whole row's cells and the row total still leaves them determined by columns.
  answer.cells[1].count = null;
  answer.totals.gender[0].count = null;
  assert.deepEqual(determined(answer, ['gender', 'age_band']).sort(),
    ['cell:female|18-20', 'cell:female|21-23', 'gender:female']);
  // A rectangle of four withheld cells with every total published is safe.
  answer.cells[1].count = null; answer.cells[2].count = null; answer.cells[3].count = null;
  answer.totals.gender[0].count = 9;
  assert.deepEqual(determined(answer, ['gender', 'age_band']), []);
});

test('the probe\'s table (persons by gender 13 / 28 / 1 / 1) withholds more than the two 1s', async () => {
  const r = await api(srv, 'GET', '/api/v1/stats?by=gender&source=probe', { auth: analyst });
  assertStatus(r, 200);
  const count = Object.fromEntries(r.json.cells.map((c) => [c.key.gender, c.count]));
  assert.equal(count.other, null);
  assert.equal(count.unknown, null);
  // other + unknown = 2 with each >= 1 would expose both: a third value is withheld.
  assert.ok([count.female, count.male, r.json.totals.all].includes(null), JSON.stringify(r.json));
  const { truth, all } = truthOf(TABLES.find((t) => t.source === 'probe'));
  assert.deepEqual(pinned(r.json, ['gender'], truth, all + 1), []);
});

test('the bound check itself finds values pinned by >= 1 that the equations leave open', () => {
  // The probe's answer as the old engine gave it: other + unknown = 2, so both are 1.
  const answer = {
    cells: [{ key: { gender: 'female' }, count: 13 }, { key: { gender: 'male' }, count: 28 },
      { key: { gender: 'other' }, count: null }, { key: { gender: 'unknown' }, count: null }],
    totals: { all: 43 },
  };
  const truth = new Map([['cell:other', 1], ['cell:unknown', 1], ['cell:female', 13], ['cell:male', 28], ['all', 43]]);
  assert.deepEqual(determined(answer, ['gender']), []);
  assert.deepEqual(pinned(answer, ['gender'], truth, 44), ['cell:other', 'cell:unknown']);
  // 1 + 2 withheld (sum 3): either may be 1 or 2, nothing pinned.
  answer.cells[3].count = null; answer.cells[1].count = 27; answer.totals.all = 43;
  truth.set('cell:unknown', 2); truth.set('cell:male', 27);
  assert.deepEqual(pinned(answer, ['gender'], truth, 44), []);
  // Propagation (the check for bigger tables) finds the first case too.
  const { unknowns, eqs } = equations({ ...answer, cells: [answer.cells[0], { key: { gender: 'male' }, count: 28 },
    answer.cells[2], answer.cells[3]] }, ['gender']);
  assert.deepEqual(propagatePinned(eqs, unknowns.length).map((j) => unknowns[j]), ['cell:other', 'cell:unknown']);
  // 2 x 2 rectangle of withheld 1s, totals published: a 2-D cycle that would take a 1 to 0.
  const rect = {
    cells: [
      { key: { gender: 'female', age_band: '18-20' }, count: null },
      { key: { gender: 'female', age_band: '21-23' }, count: null },
      { key: { gender: 'male', age_band: '18-20' }, count: null },
      { key: { gender: 'male', age_band: '21-23' }, count: null },
    ],
    totals: { gender: [{ key: 'female', count: 2 }, { key: 'male', count: 2 }],
      age_band: [{ key: '18-20', count: 2 }, { key: '21-23', count: 2 }], all: 4 },
  };
  const rt = new Map(rect.cells.map((c) => [`cell:${c.key.gender}|${c.key.age_band}`, 1]));
  assert.deepEqual(determined(rect, ['gender', 'age_band']), []);
  assert.equal(pinned(rect, ['gender', 'age_band'], rt, 5).length, 4);
});
