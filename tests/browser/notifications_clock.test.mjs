// A support-pathway clock close to its end in Chromium: a reflection period granted 27 days ago
// shows in "Aviseringar" as "Betänketiden för en person i ärende NMT-… går ut om 2 dagar" (no
// pseudonym), in English as "The reflection period of a person in case NMT-… ends in 2 days",
// and opens the person's page with the keyboard. Screenshots in /tmp/nmt-clock-*.png (one on a
// phone's width).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login } from './helpers.mjs';

let server;
let browser;
let page;
let auth;
let caseNumber;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-clock-${name}.png`, fullPage: true });
}

async function call(method, p, body) {
	const headers = { ...auth };
	if (body)
		headers['Content-Type'] = 'application/json';
	const r = await fetch(`${server.url}/api/v1${p}`, { method, headers, body: body && JSON.stringify(body) });
	const json = await r.json();
	assert.ok(r.ok, `${method} ${p}: ${r.status} ${JSON.stringify(json)}`);
	return json;
}

/** The Swedish civil date days before today. */
function daysAgo(days) {
	const d = new Date(Date.now() - days * 86400000);
	return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(d);
}

before(async () => {
	server = await startServer();
	const { token } = server.ctl('token', 'create', '--username', 'anna');
	auth = { Authorization: `Bearer ${token}` };
	const c = await call('POST', '/cases', {
		title: 'Städbolag i Solna', summary: 'Städare utan lön.', county: '01', exploitation: ['forced_labour'],
	});
	caseNumber = c.number;
	const p = await call('POST', `/cases/${c.id}/persons`, { pseudonym: 'Person Q', gender: 'female' });
	personId = p.id;
	await call('POST', `/persons/${personId}/pathway/events`, { type: 'reflection_period_granted', date: daysAgo(27) });
	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	page.on('console', (msg) => {
		const where = (msg.location() && msg.location().url) || '';
		if (msg.type() === 'error' && !(/status of 401/.test(msg.text()) && where.endsWith('/api/v1/me')))
			problems.push(`console: ${msg.text()} (${where})`);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	await page.goto(`${server.url}/#/notifications`);
	await login(page, server.user);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the deadline reads in Swedish with the case number and days left, no pseudonym', async () => {
	const link = page.locator('#notes-table tbody tr[data-kind="clock_due"] a');
	await link.waitFor();
	assert.equal((await link.textContent()).trim(),
	    `Betänketiden för en person i ärende ${caseNumber} går ut om 2 dagar`);
	assert.ok(!(await page.textContent('main')).includes('Person Q'), 'no pseudonym on the page');
	await page.setViewportSize({ width: 390, height: 844 });
	await shot('sv-phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	await shot('sv');
});

test('in English, and it opens the person with the keyboard', async () => {
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'en');
	const link = page.locator('#notes-table tbody tr[data-kind="clock_due"] a');
	await page.waitForFunction(() => {
		const a = document.querySelector('#notes-table tbody tr[data-kind="clock_due"] a');
		return a && a.textContent.startsWith('The reflection period');
	});
	assert.equal((await link.textContent()).trim(),
	    `The reflection period of a person in case ${caseNumber} ends in 2 days`);
	await shot('en');
	await link.focus();
	await page.keyboard.press('Enter');
	await page.waitForURL(`**/#/persons/${personId}`);
	await page.locator('#person-pseudonym').waitFor();
	assert.equal((await page.textContent('#person-pseudonym')).trim(), 'Person Q');
	assert.deepEqual(problems, []);
});
