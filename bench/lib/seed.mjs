// Seed N cases through the API with a fixed number of requests in flight (node >= 18, no packages),
// each with K persons (POST /cases/{id}/persons, default 0).
//   node seed.mjs BASE_URL TOKEN N [CONCURRENCY] [K]
// Prints one JSON line on stdout: {"created","persons","seconds","rate","persons_rate","first_id"};
// exits 1 on any non-201.
const [base, token, nArg, cArg, kArg] = process.argv.slice(2);
const N = Number(nArg), C = Number(cArg || 8), K = Number(kArg || 0);
if (!base || !token || !(N >= 1) || !(C >= 1) || !(K >= 0)) {
  console.error("usage: node seed.mjs BASE_URL TOKEN N [CONCURRENCY] [K]");
  process.exit(2);
}
const words = ["tvångsarbete", "restaurang", "städfirma", "bärplockning", "byggarbetsplats",
  "tiggeri", "människohandel", "prostitution", "nagelsalong", "lastbilschaufför", "skuldslaveri",
  "passet", "lägenhet", "Göteborg", "Malmö", "Luleå", "Uppsala", "Kiruna", "rekrytering", "löfte",
  "arbetsgivare", "förmedlare", "skyddat", "boende", "hot", "våld", "skuld", "växthus", "tvätteri",
  "massage", "fiskindustri", "godstransport", "Örebro", "Västerås", "barn", "ensamkommande"];
const counties = ["01", "03", "12", "14", "25"];
const genders = ["female", "female", "female", "male", "male", "other", "unknown"];
const citizenships = ["RO", "NG", "TH", "BG", "SE", "UA", "VN", "UZ", "PL", "CN", "AF", "SY", "ER", "HU"];
const forms = ["sexual", "forced_labour", "unreasonable_work", "begging", "criminal_activities",
  "slavery_servitude", "forced_marriage", "other"];
// Deterministic PRNG (mulberry32) so every run seeds the same text.
let s = 0x4e4d54;
const rnd = () => { s = (s + 0x6d2b79f5) | 0; let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const phrase = (k) => Array.from({ length: k }, () => pick(words)).join(" ");

function body(i) {
  const f1 = pick(forms), f2 = pick(forms);
  return JSON.stringify({
    title: `Ärende ${i + 1}: ${phrase(3)}`,
    summary: `Misstänkt ${phrase(4)} i samband med ${phrase(5)}.`,
    county: counties[i % counties.length],
    exploitation: f1 === f2 || rnd() < 0.5 ? [f1] : [f1, f2],
  });
}

function person(i, k) {
  return JSON.stringify({ pseudonym: `P${i + 1}-${k + 1} ${pick(words)}`, gender: pick(genders),
    birth_year: 1960 + Math.floor(rnd() * 50), citizenship: pick(citizenships) });
}

async function post(path, json, what) {
  let res;
  try {
    res = await fetch(`${base}${path}`, { method: "POST", body: json,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
  } catch (e) { throw new Error(`${what}: ${e.message}`); }
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${what}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

let next = 0, created = 0, persons = 0, firstId = null, failed = null;
async function worker() {
  while (failed === null) {
    const i = next++;
    if (i >= N) return;
    try {
      const c = await post("/api/v1/cases", body(i), `case ${i}`);
      if (firstId === null) firstId = c.id;
      created++;
      for (let k = 0; k < K; k++) {
        await post(`/api/v1/cases/${c.id}/persons`, person(i, k), `person ${i}.${k}`);
        persons++;
      }
    } catch (e) { failed = e.message; return; }
  }
}
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: Math.min(C, N) }, worker));
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
if (failed !== null) { console.error(`seed: FAILED after ${created} cases: ${failed}`); process.exit(1); }
console.log(JSON.stringify({ created, persons, seconds: +secs.toFixed(3), rate: +(created / secs).toFixed(1),
  persons_rate: +(persons / secs).toFixed(1), first_id: firstId }));
