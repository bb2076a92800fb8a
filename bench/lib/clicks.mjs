// The UI's pages in headless Chromium (playwright-core from tests/node_modules): signs in with
// the form (password and TOTP), then opens each page ROUNDS times by setting the location's hash,
// as a click on a link does, and takes from the page's Resource Timing the time from the hash set
// to the end of the last API answer that page asked for (a call that starts GAP_MS after every
// earlier one has ended, such as the bell's refresh, is not the page's). Prints one JSON line per page:
// {"label","n","p50","p99","max","calls","slowest"} (milliseconds, nearest rank: below 100
// rounds p99 is the max; calls = API requests of the last round; slowest = the path of the
// longest of them, ids left out). The user ({username, password, totp_secret}, as
// `nmtctl user add --json` prints it) comes in CLICKS_USER.
//   CLICKS_USER=JSON node clicks.mjs BASE_URL CASE_ID PERSON_ID ROUNDS [SCREENSHOT.png]
import { launchBrowser, login } from '../../tests/browser/helpers.mjs';

const [base, caseId, personId, roundsArg, shot] = process.argv.slice(2);
const userJson = process.env.CLICKS_USER;
const rounds = Number(roundsArg);
if (!base || !userJson || !caseId || !personId || !(rounds >= 1)) {
  console.error('usage: CLICKS_USER=JSON node clicks.mjs BASE_URL CASE_ID PERSON_ID ROUNDS [SCREENSHOT.png]');
  process.exit(2);
}
const pages = [
  ['start', '#/start'], ['case list', '#/cases'], ['a case', `#/cases/${caseId}`],
  ['a person', `#/persons/${personId}`], ['tasks', '#/tasks'], ['consultations', '#/consultations'],
  ['notifications', '#/notifications'], ['statistics', '#/stats'], ['operations', '#/operations'],
];
// The wait after a click before the next one.
const SETTLE_MS = 1500;
// A call that starts this long after every earlier call of the click has ended is not the
// page's: the notification bell refreshes its count every 60 s, whatever the page.
const GAP_MS = 100;

const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  await login(page, JSON.parse(userJson), base);
  const times = new Map(pages.map(([label]) => [label, []]));
  const last = new Map();
  for (let round = 0; round <= rounds; round++) { // round 0 warms the caches, untimed
    for (const [label, hash] of pages) {
      const t0 = await page.evaluate((h) => {
        performance.clearResourceTimings();
        performance.setResourceTimingBufferSize(1000);
        const t = performance.now();
        location.hash = h;
        return t;
      }, hash);
      await page.waitForTimeout(SETTLE_MS);
      const r = await page.evaluate(([t, gap]) => {
        const all = performance.getEntriesByType('resource')
          .filter((e) => e.startTime >= t && e.name.includes('/api/'))
          .sort((a, b) => a.startTime - b.startTime);
        // The page's calls: each starts while an earlier one runs or soon after it ended.
        const api = [];
        let end = t;
        for (const e of all) {
          if (api.length > 0 && e.startTime > end + gap) break;
          api.push(e);
          end = Math.max(end, e.responseEnd);
        }
        const slow = api.reduce((a, e) => (a === null || e.duration > a.duration ? e : a), null);
        return { ms: Math.max(0, ...api.map((e) => e.responseEnd - t)), calls: api.length,
          slowest: slow ? new URL(slow.name).pathname.replace(/[0-9a-f-]{36}/g, '{id}') : null };
      }, [t0, GAP_MS]);
      if (round > 0) times.get(label).push(r.ms);
      last.set(label, r);
    }
  }
  for (const [label] of pages) {
    const t = times.get(label).sort((a, b) => a - b);
    const at = (q) => t[Math.max(0, Math.ceil(q * t.length) - 1)];
    console.log(JSON.stringify({ label, n: t.length, p50: +at(0.5).toFixed(1), p99: +at(0.99).toFixed(1),
      max: +t[t.length - 1].toFixed(1), calls: last.get(label).calls, slowest: last.get(label).slowest }));
  }
  if (shot) {
    await page.evaluate((h) => { location.hash = h; }, `#/cases/${caseId}`);
    await page.waitForTimeout(SETTLE_MS);
    await page.screenshot({ path: shot });
  }
} finally {
  await browser.close();
}
