// bench/search's HTTP side: GET /api/v1/cases?q=... one request at a time over one keep-alive
// connection, ROUNDS timed requests per query and caller after WARMUP untimed ones. Prints one JSON
// line per (caller, query): {who, q, n, items, median_ms, p99_ms, qps}. Every answer must be 200
// (else exit 1), and the number of items of the first answer is reported so a row that finds
// nothing is visible.
//
// Usage: node search.mjs BASE ROUNDS WARMUP WHO=TOKEN... -- Q...

const [base, rounds, warmup, ...rest] = process.argv.slice(2);
const sep = rest.indexOf('--');
if (!base || !(Number(rounds) > 0) || !(Number(warmup) >= 0) || sep < 1) {
  process.stderr.write('usage: node search.mjs BASE ROUNDS WARMUP WHO=TOKEN... -- Q...\n');
  process.exit(2);
}
const callers = rest.slice(0, sep).map((x) => x.split('='));
const queries = rest.slice(sep + 1);

async function once(token, q) {
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}/api/v1/cases?q=${encodeURIComponent(q)}&limit=50`,
    { headers: { authorization: `Bearer ${token}` } });
  const body = await r.json();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 200) {
    process.stderr.write(`bench: q=${q}: status ${r.status}: ${JSON.stringify(body)}\n`);
    process.exit(1);
  }
  return { ms, items: body.items.length };
}

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

for (const [who, token] of callers) {
  for (const q of queries) {
    let items = 0;
    for (let i = 0; i < Number(warmup); i++) items = (await once(token, q)).items;
    const times = [];
    for (let i = 0; i < Number(rounds); i++) {
      const r = await once(token, q);
      times.push(r.ms);
      items = r.items;
    }
    times.sort((a, b) => a - b);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(JSON.stringify({
      who, q, n: times.length, items,
      median_ms: Number(quantile(times, 0.5).toFixed(3)),
      p99_ms: Number(quantile(times, 0.99).toFixed(3)),
      qps: Number((1000 / mean).toFixed(1)),
    }));
  }
}
