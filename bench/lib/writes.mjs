// Latency of a caseworker's writes one at a time on one keep-alive connection (node >= 18, no
// packages): what one user waits for each save, every write durable and audited.
//   node writes.mjs BASE_URL TOKEN ROUNDS WARMUP [CAP_SECONDS]
// Makes one case and one person of its own, then for each kind of write: WARMUP untimed
// requests, then ROUNDS timed ones, or fewer once CAP_SECONDS of timed requests have passed.
// One kind times the notification count right after a child is added (the read that runs the
// clock pass for it).
// Prints one JSON line per kind in seq.mjs's shape: {"label","path","n","p50","p99","max",
// "bytes","items"} (milliseconds; items null). Exits 1 on an unexpected status, naming the kind
// and the status (never the body).
import http from "node:http";

const [base, token, roundsArg, warmArg, capArg] = process.argv.slice(2);
const rounds = Number(roundsArg), warmup = Number(warmArg || 0), capMs = Number(capArg || 1e6) * 1000;
if (!base || !token || !(rounds >= 1)) {
  console.error("usage: node writes.mjs BASE_URL TOKEN ROUNDS WARMUP [CAP_SECONDS]");
  process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const url = new URL(base);
const today = new Date().toISOString().slice(0, 10);

function request(method, path, body, headers = {}) {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: url.hostname, port: url.port, path, method, agent,
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json",
        ...(data ? { "Content-Type": "application/json", "Content-Length": data.length } : {}),
        ...headers } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks);
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, bytes: text.length,
          ms: Number(process.hrtime.bigint() - t0) / 1e6 });
      });
    });
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

async function must(label, status, p) {
  const r = await p;
  if (r.status !== status) {
    console.error(`writes: ${label}: HTTP ${r.status}, expected ${status}`);
    process.exit(1);
  }
  return r;
}

const c = (await must("the case", 201, request("POST", "/api/v1/cases", {
  title: "Bänkfall skrivningar restaurang", summary: "Ett ärende för mätningen av skrivningar.",
  county: "01", exploitation: ["forced_labour"] }))).json;
let version = c.version;
const p = (await must("the person", 201, request("POST", `/api/v1/cases/${c.id}/persons`,
  { pseudonym: "Bänk-Person", gender: "female", birth_year: 1990 }))).json;

// Each kind: its label, its path, and the request of round i (a promise of the answer).
const kinds = [
  ["write: a journal note", `/api/v1/cases/${c.id}/journal`, 201, (i) =>
    request("POST", `/api/v1/cases/${c.id}/journal`, { kind: "note", text: `Samtal med polisen, nummer ${i}.` })],
  ["write: the case's title", `/api/v1/cases/${c.id}`, 200, async (i) => {
    const r = await request("PATCH", `/api/v1/cases/${c.id}`, { title: `Bänkfall skrivningar ${i}` },
      { "If-Match": `"${version}"` });
    if (r.json && r.json.version) version = r.json.version;
    return r;
  }],
  ["write: a person", `/api/v1/cases/${c.id}/persons`, 201, (i) =>
    request("POST", `/api/v1/cases/${c.id}/persons`, { pseudonym: `Bänk-${i}`, gender: "male", birth_year: 1985 })],
  // A child's protection assessment is due at once: the count after it (timed; the child's
  // write is not) runs the clock pass that tells it.
  ["notification count, a child just added", "/api/v1/notifications/count", 200, async (i) => {
    await must("a child", 201, request("POST", `/api/v1/cases/${c.id}/persons`,
      { pseudonym: `Bänk-barn-${i}`, gender: "female", birth_year: 2014 }));
    return request("GET", "/api/v1/notifications/count");
  }],
  ["write: a pathway event", `/api/v1/persons/${p.id}/pathway/events`, 201, () =>
    request("POST", `/api/v1/persons/${p.id}/pathway/events`, { type: "police_report_filed", date: today })],
  ["write: an assessment", `/api/v1/persons/${p.id}/assessments`, 201, () =>
    request("POST", `/api/v1/persons/${p.id}/assessments`, { observed: ["d4-hours", "d4-pay"] })],
  ["write: a task", `/api/v1/cases/${c.id}/tasks`, 201, (i) =>
    request("POST", `/api/v1/cases/${c.id}/tasks`,
      { organization: "MIGRATIONSVERKET", title: `Bedömning ${i}`, access: "pseudonymous" })],
  ["write: a consultation", "/api/v1/consultations", 201, () =>
    request("POST", "/api/v1/consultations", { channel: "phone", county: "01",
      requester: { name: "Karin Handläggare", phone: "08-123 45 67" },
      question: "En man sover på sin arbetsplats och har inte fått lön.", concerns: ["forced_labour"],
      child_involved: false, urgency: "normal", consent: "none" })],
  ["write: notifications read", "/api/v1/notifications/read", 200, () =>
    request("POST", "/api/v1/notifications/read", {})],
];

for (const [label, path, status, make] of kinds) {
  const times = [];
  let last, spent = 0, warm = 0;
  for (let i = 0; i < warmup + rounds && spent < capMs; i++) {
    if (i < warmup && warm > capMs / 3) i = warmup;
    last = await must(label, status, make(i));
    if (i >= warmup) { times.push(last.ms); spent += last.ms; } else warm += last.ms;
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))];
  console.log(JSON.stringify({ label, path, n: times.length, p50: +at(0.5).toFixed(2),
    p99: +at(0.99).toFixed(2), max: +times[times.length - 1].toFixed(2), bytes: last.bytes, items: null }));
}
agent.destroy();
