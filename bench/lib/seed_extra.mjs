// What the list rows of bench/run need besides cases and persons, through the API (node >= 18):
//   node seed_extra.mjs BASE_URL TOKEN CONSULTATIONS JOURNAL_CASE_ID JOURNAL_ENTRIES RARE_CASES RARE_WORD
// CONSULTATIONS consultations (counties and urgency rotating, no personal data: consent none),
// JOURNAL_ENTRIES notes on the case JOURNAL_CASE_ID, and RARE_CASES cases whose summary holds
// RARE_WORD (the rare word of the search row). Any of the counts may be 0. Four requests in
// flight. Prints {"consultations","journal","rare","seconds"}; exits 1 on any non-201.
const [base, token, nConsArg, journalCase, nJournalArg, nRareArg, rareWord] = process.argv.slice(2);
const nCons = Number(nConsArg), nJournal = Number(nJournalArg), nRare = Number(nRareArg);
if (!base || !token || !(nCons >= 0) || !(nJournal >= 0) || !(nRare >= 0) || !rareWord) {
  console.error("usage: node seed_extra.mjs BASE TOKEN CONSULTATIONS JOURNAL_CASE_ID JOURNAL_ENTRIES RARE_CASES RARE_WORD");
  process.exit(2);
}
const counties = ["01", "03", "12", "14", "25"];
const forms = ["sexual", "forced_labour", "begging", "criminal_activities"];

async function post(path, body, what) {
  const res = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body),
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${what}: HTTP ${res.status}: ${text.slice(0, 300)}`);
}

const jobs = [];
for (let i = 0; i < nCons; i++)
  jobs.push(() => post("/api/v1/consultations", {
    channel: ["phone", "email", "web", "meeting"][i % 4],
    requester: { organization_name: "Socialtjänsten i bänkkommunen", name: "Handläggare Bänk" },
    county: counties[i % counties.length],
    question: `Fråga ${i + 1}: en arbetsgivare på en restaurang håller passen, vad gör vi nu?`,
    concerns: [forms[i % forms.length]], child_involved: i % 7 === 0,
    urgency: i % 5 === 0 ? "acute" : "normal", consent: "none" }, `consultation ${i}`));
for (let i = 0; i < nJournal; i++)
  jobs.push(() => post(`/api/v1/cases/${journalCase}/journal`, { kind: ["note", "call", "meeting"][i % 3],
    text: `Anteckning ${i + 1}: samtal med kontaktpersonen om boende, skuld och fortsatt stöd.` }, `journal ${i}`));
for (let i = 0; i < nRare; i++)
  jobs.push(() => post("/api/v1/cases", { title: `Ovanligt ärende ${i + 1}`,
    summary: `Spår av en ${rareWord} i ett lager, ärende ${i + 1}.`, county: counties[i % counties.length],
    exploitation: ["forced_labour"] }, `rare case ${i}`));

const t0 = process.hrtime.bigint();
let next = 0;
async function worker() { while (next < jobs.length) await jobs[next++](); }
try {
  await Promise.all(Array.from({ length: 4 }, worker));
} catch (e) {
  console.error(`seed_extra: FAILED: ${e.message}`);
  process.exit(1);
}
console.log(JSON.stringify({ consultations: nCons, journal: nJournal, rare: nRare,
  seconds: +(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3) }));
