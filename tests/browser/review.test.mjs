// Browser test of what a review found as a new user: the person page says
// which case the person belongs to (its number, linked to the case), in
// Swedish and English and at phone width; the audit log names every event
// of case work in words (closing, reopening, the journal, an identity
// shown), offers each as a filter, and keeps an entry's number on one
// line. Screenshots go to /tmp/nmt-rev-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login as loginAs, apiCaller, openPage } from './helpers.mjs';

let server;
let browser;
let page;
let apiCall;
let theCase;
let person;
const problems = [];

async function login(user) {
	await loginAs(page, user, server.url);
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
	apiCall = apiCaller(server, server.user.username);
	// A first case, so that the person's case is not number 00001 by chance.
	await apiCall('POST', '/cases', { title: 'Ett annat ärende', county: '01', exploitation: ['sexual'] });
	theCase = await apiCall('POST', '/cases', {
		title: 'Personens ärende', county: '01', exploitation: ['forced_labour'],
	});
	person = await apiCall('POST', `/cases/${theCase.id}/persons`, {
		pseudonym: 'Anka', gender: 'male', identity: { full_name: 'Test Testsson' },
	});

	browser = await launchBrowser();
	// GET /me answers 401 before the login.
	page = await openPage(browser, problems, { expected: (text) => /status of 401/.test(text) });
	await login(server.user);
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

test('the audit log names case work and identity reads in words, filters by them, seq on one line', async () => {
	await apiCall('GET', `/persons/${person.id}/identity`);
	await apiCall('POST', `/cases/${theCase.id}/journal`, { kind: 'call', text: 'Samtal med kontaktpersonen.' });
	for (const [status, extra] of [['closed', { closing_reason: 'referred_on' }], ['open', { reopen_reason: 'Ny uppgift från polisen.' }]]) {
		const c = await apiCall('GET', `/cases/${theCase.id}`);
		const res = await fetch(`${server.url}/api/v1/cases/${theCase.id}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${apiCall.token}`, 'content-type': 'application/json', 'if-match': `"${c.version}"` },
			body: JSON.stringify({ status, ...extra }),
		});
		assert.equal(res.status, 200, await res.text());
	}
	const auditor = server.ctl('user', 'add', '--username', 'granskare', '--display-name', 'Granskare',
		'--org', 'NMT', '--role', 'auditor');
	await page.click('#logout');
	await page.locator('#login-username').waitFor();
	await login(auditor);
	await setLang('sv');
	await page.goto(`${server.url}/#/audit`);
	const table = page.locator('#audit-table');
	await table.locator('tbody tr').first().waitFor();
	const words = {
		'person.identity.read': 'Identitetsuppgifter visades',
		'case.close': 'Ärendet avslutades',
		'case.reopen': 'Ärendet öppnades igen',
		'journal.create': 'Journalpost skrevs',
	};
	for (const [action, text] of Object.entries(words)) {
		const cell = table.locator(`tbody tr[data-action="${action}"] td.cell-action`).first();
		assert.equal((await cell.textContent()).trim(), text, action);
		const option = page.locator(`#audit-action option[value="${action}"]`);
		assert.equal((await option.textContent()).trim(), text, `filter option ${action}`);
	}
	const lines = await page.$$eval('#audit-table tbody th.col-num', (els) => els.map((el) => {
		const r = document.createRange();
		r.selectNodeContents(el);
		return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
	}));
	assert.ok(lines.length > 0 && lines.every((n) => n === 1), `seq on one line: ${lines}`);
	await page.screenshot({ path: '/tmp/nmt-rev-audit-sv.png', fullPage: true });

	await page.selectOption('#audit-action', 'person.identity.read');
	await page.click('#audit-apply');
	await page.waitForFunction(() => {
		const rows = [...document.querySelectorAll('#audit-table tbody tr')];
		return rows.length > 0 && rows.every((r) => r.dataset.action === 'person.identity.read');
	});
	await setLang('en');
	const cell = table.locator('tbody tr[data-action="person.identity.read"] td.cell-action').first();
	assert.equal((await cell.textContent()).trim(), 'Identity details shown');
	assert.deepEqual(problems, []);
});
