// Times GET requests for invisible existing objects against random ids, interleaved in random
// order over one keep-alive connection, so drift and noise hit both kinds alike. Every answer
// must be 404 with the same body and headers (but Date) as the first. Prints a JSON summary per path kind (µs): median, mean of the middle 80 %, p90,
// and the difference hidden − random.
// Usage: node hidden.mjs BASE TOKEN KIND:ID,ID,... [KIND:ID,...] (KIND: cases | persons)
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const [base, token, ...groups] = process.argv.slice(2);
const ROUNDS = Number(process.env.BENCH_HIDDEN_ROUNDS || 4000);
const WARMUP = Number(process.env.BENCH_HIDDEN_WARMUP || 500);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(base);

function get(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({
      host: url.hostname, port: url.port, path, agent, method: 'GET',
      headers: { authorization: `Bearer ${token}` },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ns = Number(process.hrtime.bigint() - t0);
        const headers = res.rawHeaders.filter((_, i, a) => !/^date$/i.test(a[i - (i % 2)]));
        resolve({ status: res.statusCode, ns, bytes: `${headers.join('\n')}\n\n${Buffer.concat(chunks)}` });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const mid = s.slice(Math.floor(s.length * 0.1), Math.ceil(s.length * 0.9));
  const us = (ns) => Math.round(ns / 10) / 100;
  return { n: s.length, median_us: us(q(0.5)), mean80_us: us(mid.reduce((a, b) => a + b, 0) / mid.length),
    p90_us: us(q(0.9)) };
}

const out = {};
let first = null;
for (const g of groups) {
  const [kind, list] = g.split(':');
  const ids = list.split(',');
  const times = { hidden: [], random: [] };
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const pair = [['hidden', ids[i % ids.length]], ['random', randomUUID()]];
    if (Math.random() < 0.5) pair.reverse();
    for (const [which, id] of pair) {
      const r = await get(`/api/v1/${kind}/${id}`);
      if (r.status !== 404) throw new Error(`${which} ${kind}/${id} answered ${r.status}, expected 404`);
      first ??= r.bytes;
      if (r.bytes !== first) throw new Error(`${which} ${kind}/${id}: not the same 404 bytes as the first`);
      if (i >= WARMUP) times[which].push(r.ns);
    }
  }
  const h = stats(times.hidden);
  const r = stats(times.random);
  out[kind] = {
    hidden: h, random: r,
    diff_median_us: Math.round((h.median_us - r.median_us) * 100) / 100,
    diff_median_pct: Math.round(((h.median_us - r.median_us) / r.median_us) * 1000) / 10,
    diff_mean80_us: Math.round((h.mean80_us - r.mean80_us) * 100) / 100,
  };
}
agent.destroy();
console.log(JSON.stringify(out));
