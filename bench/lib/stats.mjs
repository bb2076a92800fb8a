// bench/stats's HTTP side: GET /api/v1/stats?QUERY one request at a time over one keep-alive
// connection, ROUNDS timed requests per query after WARMUP untimed ones. Prints one JSON line per
// query: {q, n, cells, p50_ms, p99_ms, max_ms}. Every answer must be 200 (else exit 1); the number
// of cells of the answer is reported so an empty table is visible.
//
// Usage: node stats.mjs BASE TOKEN ROUNDS WARMUP QUERY...

const [base, token, rounds, warmup, ...queries] = process.argv.slice(2);
if (!base || !token || !(Number(rounds) > 0) || !(Number(warmup) >= 0) || queries.length === 0) {
  process.stderr.write('usage: node stats.mjs BASE TOKEN ROUNDS WARMUP QUERY...\n');
  process.exit(2);
}

async function once(q) {
  const t0 = process.hrtime.bigint();
  const r = await fetch(`${base}/api/v1/stats?${q}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await r.json();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 200) {
    process.stderr.write(`bench: ${q}: status ${r.status}: ${JSON.stringify(body)}\n`);
    process.exit(1);
  }
  return { ms, cells: body.cells.length };
}

const quantile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

for (const q of queries) {
  let cells = 0;
  for (let i = 0; i < Number(warmup); i++) cells = (await once(q)).cells;
  const times = [];
  for (let i = 0; i < Number(rounds); i++) {
    const r = await once(q);
    times.push(r.ms);
    cells = r.cells;
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({
    q, n: times.length, cells,
    p50_ms: Number(quantile(times, 0.5).toFixed(2)),
    p99_ms: Number(quantile(times, 0.99).toFixed(2)),
    max_ms: Number(times.at(-1).toFixed(2)),
  }));
}
