// Browser test of what a review found as a new user: the person page says
// which case the person belongs to (its number, linked to the case), in
// Swedish and English and at phone width. Screenshots go to
// /tmp/nmt-rev-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, freshTotp } from './helpers.mjs';

let server;
let browser;
let page;
let token;
let theCase;
let person;
const problems = [];

async function apiCall(method, path, body) {
	const res = await fetch(`${server.url}/api/v1${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = await res.json();
	assert.ok(res.ok, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
	return json;
}

async function setLang(lang) {
	const now = await page.evaluate(() => document.documentElement.lang);
	if (now !== lang) {
		await page.click('#lang-switch');
		await page.waitForFunction((l) => document.documentElement.lang === l, lang);
	}
}

before(async () => {
	server = await startServer();
	token = server.ctl('token', 'create', '--username', server.user.username).token;
	// A first case, so that the person's case is not number 00001 by chance.
	await apiCall('POST', '/cases', { title: 'Ett annat ärende', county: '01', exploitation: ['sexual'] });
	theCase = await apiCall('POST', '/cases', {
		title: 'Personens ärende', county: '01', exploitation: ['forced_labour'],
	});
	person = await apiCall('POST', `/cases/${theCase.id}/persons`, { pseudonym: 'Anka', gender: 'male' });

	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	page.on('console', (msg) => {
		// GET /me answers 401 before the login.
		if (msg.type() === 'error' && !/status of 401/.test(msg.text()))
			problems.push(`console: ${msg.text()}`);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	await page.goto(server.url);
	await page.locator('#login-username').waitFor();
	await page.fill('#login-username', server.user.username);
	await page.fill('#login-password', server.user.password);
	await page.fill('#login-code', await freshTotp(server.user.totp_secret));
	await page.click('#login-submit');
	await page.locator('#user-name').waitFor();
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('the person page names its case by number and links to it', async () => {
	await page.goto(`${server.url}/#/persons/${person.id}`);
	const number = page.locator('#person-case-number');
	await number.waitFor();
	await setLang('sv');
	assert.equal((await number.textContent()).trim(), `Ärende ${theCase.number}`);
	assert.equal(await number.locator('a').getAttribute('href'), `#/cases/${theCase.id}`);
	await page.screenshot({ path: '/tmp/nmt-rev-person-sv.png', fullPage: true });

	await setLang('en');
	assert.equal((await page.locator('#person-case-number').textContent()).trim(), `Case ${theCase.number}`);
	await page.setViewportSize({ width: 375, height: 800 });
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 375), 'no sideways scrolling');
	await page.screenshot({ path: '/tmp/nmt-rev-person-en-375.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 860 });
	await setLang('sv');

	await page.locator('#person-case-number a').click();
	await page.waitForFunction((n) => document.getElementById('case-number')?.textContent === n, theCase.number);
	assert.deepEqual(problems, []);
});
