// Intake in Chromium: a requester at SOC-1280 (Malmö) sees only "Ny konsultation" and "Mina
// konsultationer", submits an acute consultation with the keyboard-reachable form; the Syd
// coordinator finds it at the top of the queue and opens a case from it (the new case's page);
// a Stockholm coordinator does not see it. Screenshots in /tmp/nmt-intake-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, logout, apiCaller, openPage, axeViolations,
} from './helpers.mjs';

let server;
let browser;
let page;
let requester;
let syd;
let sthlm;
let call;
const problems = [];

// axe-core on the page as it is now (as a11y.test.mjs does): its violations.
const axe = () => axeViolations(page);

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-intake-${name}.png`, fullPage: true });
}

function addUser(username, org, role, region) {
	const args = ['user', 'add', '--username', username, '--display-name', `Test ${username}`, '--org', org,
		'--role', role];
	if (region)
		args.push('--region', region);
	return server.ctl(...args);
}

before(async () => {
	// The server's first user is the secretariat's coordinator (to seed older consultations).
	server = await startServer({ username: 'nmt', org: 'NMT', role: 'coordinator', region: null });
	call = apiCaller(server, 'nmt');
	requester = addUser('karin', 'SOC-1280', 'requester');
	syd = addUser('sara', 'RK-SYD', 'coordinator', 'syd');
	sthlm = addUser('stina', 'RK-STOCKHOLM', 'coordinator', 'stockholm');
	// An older, normal consultation in Syd: the acute one must come before it.
	await call('POST', '/consultations', {
		channel: 'phone', requester: { name: 'Ringare', organization_name: 'Lunds kommun' }, county: '12',
		question: 'En äldre fråga om arbetsvillkor.', concerns: ['unreasonable_work'], child_involved: false,
		urgency: 'normal', consent: 'none',
	});
	browser = await launchBrowser();
	page = await openPage(browser, problems);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('a requester sends an acute consultation; Syd takes it from the top of its queue into a case', async () => {
	await login(page, requester, server.url);
	// Only the requester's two pages in the menu.
	const nav = await page.locator('.site-nav a').allTextContents();
	assert.deepEqual(nav, ['Ny konsultation', 'Mina konsultationer']);
	assert.match(page.url(), /#\/consultations\/mine$/);
	// The case pages are not for this role.
	await page.goto(`${server.url}/#/cases`);
	await page.locator('#start-denied').waitFor();

	await page.click('#nav-consultation-new');
	await page.locator('#kons-question').waitFor();
	// The county starts at the requester's own (Malmö: Skåne län).
	assert.equal(await page.inputValue('#kons-county'), '12');
	assert.equal(await page.inputValue('#kons-name'), 'Test karin');
	await page.fill('#kons-phone', '040-34 10 00');
	await page.fill('#kons-email', 'karin@malmo.se');
	await page.fill('#kons-question', 'En kvinna säljer sex i en lägenhet och verkar styras av någon annan.');
	await page.check('input[name="concerns"][value="sexual"]');
	await page.check('input[name="urgency"][value="acute"]');
	// Consent: scope and persons appear only with it.
	assert.equal(await page.locator('#kons-consent-panel').isHidden(), true);
	await page.check('input[name="consent"][value="given"]');
	await page.fill('#kons-consent-scope', 'Kontakt med regionkoordinatorn.');
	await page.click('#kons-person-add');
	await page.fill('#kons-person-0-pseudonym', 'Maja');
	await page.selectOption('#kons-person-0-gender', 'female');
	await shot('form');
	const a11y = { form: await axe() };
	await page.click('#kons-submit');
	await page.locator('.kons-card').first().waitFor();
	assert.match(page.url(), /#\/consultations\/mine$/);
	const mine = page.locator('.kons-card');
	assert.equal(await mine.count(), 1);
	const number = await mine.first().getAttribute('data-number');
	assert.match(number, /^KONS-\d{4}-\d{5}$/);
	assert.match(await mine.first().innerText(), /Ny/);
	assert.equal(await page.locator('text=null').count(), 0);
	await shot('mine');
	a11y.mine = await axe();
	await logout(page);

	// Stockholm's coordinator does not see it.
	await login(page, sthlm);
	await page.click('#nav-consultations');
	await page.locator('#kons-list').waitFor();
	await page.locator('#kons-counts .kons-count').first().waitFor();
	assert.equal(await page.locator(`.kons-card[data-number="${number}"]`).count(), 0);
	await logout(page);

	// Syd's coordinator: first in the queue (acute before the older normal one), then a case.
	await login(page, syd);
	const navSyd = await page.locator('.site-nav a').allTextContents();
	assert.ok(navSyd.includes('Konsultationer'), navSyd.join(', '));
	await page.click('#nav-consultations');
	await page.locator('.kons-card').first().waitFor();
	const cards = page.locator('.kons-card');
	assert.equal(await cards.count(), 2);
	assert.equal(await cards.first().getAttribute('data-number'), number);
	assert.match(await page.locator('#kons-counts').innerText(), /^Ny: 2 · Pågår: 0/);
	await shot('queue');
	a11y.queue = await axe();
	// In English too.
	await page.click('#lang-switch');
	await page.locator('h1', { hasText: 'Consultations' }).waitFor();
	a11y.queueEn = await axe();
	await page.click('#lang-switch');
	await page.locator('h1', { hasText: 'Konsultationer' }).waitFor();
	await cards.first().locator('button[data-action="open-case"]').click();
	await page.waitForURL(/#\/cases\/[0-9a-f-]{36}$/);
	await page.locator('h1').waitFor();
	assert.match(await page.locator('#status').innerText(), /har öppnats från konsultationen/);
	await shot('case');
	// Back in the queue the consultation is in progress, assigned to Syd, and names its case.
	await page.click('#nav-consultations');
	const first = page.locator(`.kons-card[data-number="${number}"]`);
	await first.waitFor();
	const text = await first.innerText();
	assert.match(text, /Pågår/);
	assert.match(text, /RK-SYD \(sara\)/);
	assert.match(text, /NMT-\d{4}-\d{5}/);
	// Answer it from the queue with the keyboard.
	await first.locator('textarea').fill('Vi har öppnat ett ärende och ringer dig i dag.');
	await first.locator('button[data-action="answer"]').focus();
	await page.keyboard.press('Enter');
	await page.locator('#status', { hasText: 'besvarad' }).waitFor();
	await logout(page);

	// The requester sees the answer.
	await login(page, requester);
	await page.locator('.kons-card').first().waitFor();
	const answered = await page.locator('.kons-card').first().innerText();
	assert.match(answered, /Besvarad/);
	assert.match(answered, /ringer dig i dag/);
	await shot('answered');

	// On a phone the queue fits the screen.
	await page.setViewportSize({ width: 390, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
	assert.equal(overflow, false, 'no horizontal scrolling at 390 px');
	await shot('phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	assert.deepEqual(a11y, { form: [], mine: [], queue: [], queueEn: [] });
	assert.deepEqual(problems, []);
});
