// Latency of GET requests one at a time on one keep-alive connection (node >= 18, no packages):
// what one user clicking waits, without queueing behind other clients.
//   node seq.mjs BASE_URL TOKEN ROUNDS WARMUP [CAP_SECONDS] < requests.tsv
// requests.tsv: one "LABEL<TAB>PATH" a line. Per line: WARMUP untimed requests, then ROUNDS
// timed ones, or fewer when CAP_SECONDS of timed requests have passed (n says how many; the
// warm-up stops early too once it has taken a third of CAP_SECONDS). Prints one JSON line per label: {"label","path","n","p50","p99","max","bytes",
// "items"} (milliseconds; items = length of .items or .cells of the answer, or null).
// Exits 1 on any answer other than 200, naming the label and the status (never the body).
import { readFileSync } from "node:fs";
import http from "node:http";

const [base, token, roundsArg, warmArg, capArg] = process.argv.slice(2);
const rounds = Number(roundsArg), warmup = Number(warmArg || 0), capMs = Number(capArg || 1e6) * 1000;
if (!base || !token || !(rounds >= 1)) {
  console.error("usage: node seq.mjs BASE_URL TOKEN ROUNDS WARMUP < requests.tsv");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(base);

function get(path) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get({ host: url.hostname, port: url.port, path, agent,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks),
        ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on("error", reject);
  });
}

const lines = readFileSync(0, "utf8").split("\n").filter((l) => l.trim() !== "");
for (const line of lines) {
  const [label, path] = line.split("\t");
  const times = [];
  let last, spent = 0, warm = 0;
  for (let i = 0; i < warmup + rounds && spent < capMs; i++) {
    if (i < warmup && warm > capMs / 3) i = warmup;
    last = await get(path);
    if (last.status !== 200) {
      console.error(`seq: ${label}: HTTP ${last.status}`);
      process.exit(1);
    }
    if (i >= warmup) { times.push(last.ms); spent += last.ms; } else warm += last.ms;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))];
  let items = null;
  try {
    const j = JSON.parse(last.body);
    items = Array.isArray(j.items) ? j.items.length : Array.isArray(j.cells) ? j.cells.length : null;
  } catch { /* not JSON: items stays null */ }
  console.log(JSON.stringify({ label, path, n: times.length, p50: +at(0.5).toFixed(2),
    p99: +at(0.99).toFixed(2), max: +times[times.length - 1].toFixed(2), bytes: last.body.length, items }));
}
agent.destroy();
