// docs/SECURITY.md §12, the OWASP ASVS 4.0.3 level-2 mapping, is kept honest: every row has a
// known status, the counts in its summary line are the table's, and every test it names exists.
// Prints "ASVS L2: N of M applicable requirements covered by a test".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../api/harness.mjs';

const FILES = {
  matrix: 'tests/security/matrix.test.mjs',
  sqlmap: 'tests/security/sqlmap.test.mjs',
  hs: 'tests/security/headers_session.test.mjs',
  abuse: 'tests/security/abuse.test.mjs',
  valgrind: 'tests/security/valgrind.supp',
  fuzz: 'tests/fuzz',
};

test('the ASVS level-2 table of docs/SECURITY.md', () => {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'SECURITY.md'), 'utf8');
  const at = text.indexOf('## 12. OWASP ASVS 4.0.3 level 2');
  assert.ok(at >= 0, 'section 12 is there');
  const sec = text.slice(at);
  const rows = [...sec.matchAll(/^\| (V\d+\.\d+\.\d+) \| ([a-z/]+) \| (.+) \|$/gm)]
    .map((m) => ({ id: m[1], status: m[2], why: m[3] }));
  assert.ok(rows.length >= 250, `${rows.length} requirements`);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'each requirement once');
  const count = { test: 0, doc: 0, gap: 0, 'n/a': 0 };
  for (const r of rows) {
    assert.ok(r.status in count, `${r.id}: status ${r.status}`);
    count[r.status] += 1;
    assert.ok(r.why.length > 3, `${r.id} says why`);
    if (r.status !== 'test') continue;
    // A "test" row names at least one test, and every test it names exists.
    const named = [...r.why.matchAll(/\b(matrix|sqlmap|hs|abuse|valgrind|fuzz|api\/\*|api\/[a-z_]+|unit\/[a-z_]+)\b/g)]
      .map((m) => m[1]);
    const tools = /checksrc|scripts\/(test|setup)|UBSan|ASan/.test(r.why);
    assert.ok(named.length > 0 || tools, `${r.id}: a "test" row names no test: ${r.why}`);
    for (const n of named) {
      let f = FILES[n];
      if (!f && n.startsWith('api/')) f = n === 'api/*' ? 'tests/api' : `tests/api/${n.slice(4)}.test.mjs`;
      if (!f && n.startsWith('unit/')) f = `tests/unit/test_${n.slice(5)}.c`;
      assert.ok(fs.existsSync(path.join(ROOT, f)), `${r.id} names ${n}, but ${f} does not exist`);
    }
  }
  const applicable = rows.length - count['n/a'];
  const summary = new RegExp(`\\*\\*${count.test} of ${applicable} applicable requirements covered by a test\\*\\*`);
  assert.match(sec, summary, `the summary line must say ${count.test} of ${applicable}`);
  assert.match(sec, new RegExp(`${count.gap} gaps`), 'the number of gaps');
  assert.match(sec, new RegExp(`${count['n/a']} of ${rows.length} do not apply`), 'the number that do not apply');
  console.log(`ASVS L2: ${count.test} of ${applicable} applicable requirements covered by a test ` +
    `(${count.test + count.doc} with documents, ${count.gap} gaps, ${count['n/a']} of ${rows.length} not applicable)`);
});
