// Browser test of the person form's languages and vulnerability factors,
// country and language names in Swedish and English (persons table and
// person page), the warning before a second person with the same pseudonym,
// long words that must not widen any page, and the printed confidentiality
// marking. Screenshots go to /tmp/nmt-pf-*.png, the printout to
// /tmp/nmt-pf-print.pdf.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, apiCaller, openPage } from './helpers.mjs';

const LONG_WORD = 'Ö'.repeat(50) + 'x'.repeat(150);   // 200 characters, no break
const LONG_PSEUDONYM = 'P'.repeat(100);                // the longest pseudonym

let server;
let browser;
let page;
let apiCall;
let caseId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-pf-${name}.png`, fullPage: true });
}

async function persons() {
	return (await apiCall('GET', `/cases/${caseId}`)).persons;
}

async function openCase() {
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#persons-table').waitFor();
}

async function openPerson(pseudonym) {
	await openCase();
	await page.click(`#persons-table a:text-is("${pseudonym}")`);
	await page.locator('#person-pseudonym').waitFor();
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
	const c = await apiCall('POST', '/cases', {
		title: LONG_WORD, summary: `Lång text: ${LONG_WORD}`, county: '01', exploitation: ['sexual'],
	});
	caseId = c.id;
	await apiCall('POST', `/cases/${caseId}/persons`, { pseudonym: 'Maria', gender: 'female', age_estimate: 25 });
	await apiCall('POST', `/cases/${caseId}/persons`, { pseudonym: LONG_PSEUDONYM, gender: 'unknown' });

	browser = await launchBrowser();
	// GET /me answers 401 before the login.
	page = await openPage(browser, problems, { expected: (text) => /status of 401/.test(text) });
	await page.goto(server.url);
	await login(page, server.user);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('adding a person with languages and vulnerabilities; names, not codes, in Swedish', async () => {
	await openCase();
	await page.click('#add-person');
	await page.fill('#person-pseudonym', 'Ana');
	await page.selectOption('#person-gender', 'female');
	await page.fill('#person-birth-year', '1990');
	await page.fill('#person-citizenship', 'RO');
	assert.equal(await page.textContent('#person-citizenship-name'), 'Rumänien');
	// The languages are offered by their Swedish names.
	assert.equal(await page.locator('#person-languages-select option[value="ro"]').textContent(), 'rumänska');
	for (const code of ['ro', 'en']) {
		await page.selectOption('#person-languages-select', code);
		await page.click('#person-languages-add');
	}
	assert.deepEqual(await page.locator('#person-languages-chosen .chosen-name').allTextContents(),
	    ['rumänska', 'engelska']);
	// A chosen language cannot be added twice.
	assert.equal(await page.locator('#person-languages-select option[value="ro"]').isDisabled(), true);
	// Removing one: the button names the language it removes.
	await page.selectOption('#person-languages-select', 'bg');
	await page.click('#person-languages-add');
	await page.click('#person-languages-chosen button[aria-label="Ta bort bulgariska"]');
	assert.deepEqual(await page.locator('#person-languages-chosen .chosen-name').allTextContents(),
	    ['rumänska', 'engelska']);
	await page.getByLabel('Fattigdom').check();
	await page.getByLabel('Litet eller obefintligt socialt nätverk').check();
	await shot('01-form');
	await page.click('#person-submit');
	const row = page.locator('#persons-table tbody tr', { hasText: 'Ana' });
	await row.waitFor();
	assert.equal((await row.locator('.cell-citizenship').textContent()).trim(), 'Rumänien');
	assert.equal((await row.locator('.cell-age').textContent()).trim(), 'f. 1990');
	const maria = page.locator('#persons-table tbody tr', { hasText: 'Maria' });
	assert.equal((await maria.locator('.cell-age').textContent()).trim(), 'ca 25 år');
	assert.equal((await maria.locator('.cell-citizenship').textContent()).trim(), '–');
	await shot('02-persons-table');

	const ana = (await persons()).find((p) => p.pseudonym === 'Ana');
	const stored = await apiCall('GET', `/persons/${ana.id}`);
	assert.deepEqual(stored.languages, ['ro', 'en']);
	assert.deepEqual(stored.vulnerabilities, ['small_network', 'poverty']);

	await openPerson('Ana');
	assert.equal(await page.textContent('#person-citizenship'), 'Rumänien (RO)');
	assert.equal(await page.textContent('#person-languages'), 'rumänska, engelska');
	assert.equal(await page.textContent('#person-vulnerabilities'), 'Litet eller obefintligt socialt nätverk, Fattigdom');
});

test('languages are added and removed with the keyboard alone', async () => {
	await openCase();
	await page.click('#add-person');
	const focused = () => page.evaluate(() => document.activeElement && document.activeElement.id);
	const chosen = () => page.locator('#person-languages-chosen .chosen-name').allTextContents();
	await page.focus('#person-languages-select');
	// Arrow keys move through the list without adding anything.
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	assert.deepEqual(await chosen(), []);
	await page.keyboard.press('Tab');
	assert.equal(await focused(), 'person-languages-add');
	await page.keyboard.press('Enter');
	const added = await chosen();
	assert.equal(added.length, 1);
	assert.equal(await focused(), 'person-languages-select', 'focus back on the list after adding');
	// Back from the list to the chosen language's "Ta bort".
	await page.keyboard.press('Shift+Tab');
	assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), `Ta bort ${added[0]}`);
	await page.keyboard.press('Enter');
	assert.deepEqual(await chosen(), []);
	assert.equal(await focused(), 'person-languages-select', 'focus back on the list after removing');
	// Closing the panel forgets the choice.
	await page.selectOption('#person-languages-select', 'sv');
	await page.click('#person-languages-add');
	await page.click('#add-person');
	await page.click('#add-person');
	assert.deepEqual(await chosen(), []);
	await page.click('#add-person');
});

test('in English the same person reads Romania, Romanian, Poverty', async () => {
	await openPerson('Ana');
	await setLang('en');
	try {
		await page.waitForFunction(() => document.getElementById('person-citizenship')?.textContent === 'Romania (RO)');
		assert.equal(await page.textContent('#person-languages'), 'Romanian, English');
		assert.equal(await page.textContent('#person-vulnerabilities'), 'Small or no social network, Poverty');
		await openCase();
		const row = page.locator('#persons-table tbody tr', { hasText: 'Ana' });
		assert.equal((await row.locator('.cell-citizenship').textContent()).trim(), 'Romania');
		assert.equal((await row.locator('.cell-age').textContent()).trim(), 'b. 1990');
		await page.click('#add-person');
		assert.equal(await page.locator('#person-languages-select option[value="ro"]').textContent(), 'Romanian');
		await shot('03-english');
		await page.click('#add-person');
	} finally {
		await setLang('sv');
	}
});

test('editing changes the languages and vulnerabilities, sending only those', async () => {
	await openPerson('Ana');
	const sent = [];
	const onRequest = (req) => {
		if (req.method() === 'PATCH')
			sent.push(req.postDataJSON());
	};
	page.on('request', onRequest);
	try {
		await page.click('#edit-person');
		assert.deepEqual(await page.locator('#edit-person-languages-chosen .chosen-name').allTextContents(),
		    ['rumänska', 'engelska']);
		await page.click('#edit-person-languages-chosen button[aria-label="Ta bort engelska"]');
		await page.selectOption('#edit-person-languages-select', 'bg');
		await page.click('#edit-person-languages-add');
		await page.getByLabel('Fysisk eller psykisk funktionsnedsättning').check();
		await page.getByLabel('Fattigdom').uncheck();
		await page.click('#edit-person-submit');
		await page.waitForFunction(() => document.getElementById('person-languages')?.textContent === 'rumänska, bulgariska');
	} finally {
		page.off('request', onRequest);
	}
	assert.deepEqual(sent, [{ languages: ['ro', 'bg'], vulnerabilities: ['small_network', 'disability'] }]);
	assert.equal(await page.textContent('#person-vulnerabilities'),
	    'Litet eller obefintligt socialt nätverk, Fysisk eller psykisk funktionsnedsättning');
});

test('a second "Maria" is not saved until the user confirms it is someone else', async () => {
	await openCase();
	const before = (await persons()).length;
	const posts = [];
	const onRequest = (req) => {
		if (req.method() === 'POST' && req.url().endsWith('/persons'))
			posts.push(req.url());
	};
	page.on('request', onRequest);
	try {
		await page.click('#add-person');
		await page.fill('#person-pseudonym', ' maria ');
		await page.selectOption('#person-gender', 'female');
		await page.click('#person-submit');
		const warning = page.locator('#person-duplicate');
		await warning.waitFor();
		assert.match(await warning.textContent(), /redan en person med pseudonymen ”maria”/);
		assert.match(await page.locator('#person-form .form-summary').textContent(), /Pseudonymen finns redan i ärendet/);
		assert.deepEqual(posts, [], 'nothing sent before the confirmation');
		await shot('04-duplicate');
		// A changed pseudonym takes the warning away; the same one again brings it back.
		await page.fill('#person-pseudonym', 'Mario');
		assert.equal(await warning.isVisible(), false);
		await page.fill('#person-pseudonym', 'Maria');
		await page.click('#person-submit');
		await warning.waitFor();
		assert.deepEqual(posts, []);
		await page.check('#person-duplicate-ok');
		await page.click('#person-submit');
		await page.locator('#add-person[aria-expanded="false"]').waitFor();
	} finally {
		page.off('request', onRequest);
	}
	assert.equal(posts.length, 1);
	const now = await persons();
	assert.equal(now.length, before + 1);
	assert.equal(now.filter((p) => p.pseudonym === 'Maria').length, 2);
	// A new pseudonym is saved at once, without a question.
	await page.click('#add-person');
	assert.equal(await page.isVisible('#person-duplicate'), false);
	await page.fill('#person-pseudonym', 'Elena');
	await page.selectOption('#person-gender', 'female');
	await page.click('#person-submit');
	await page.locator('#persons-table tbody tr', { hasText: 'Elena' }).waitFor();
});

test('a 200-character word does not widen any page, on a phone or a desktop', async () => {
	const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
	try {
		for (const width of [375, 1280]) {
			await page.setViewportSize({ width, height: 800 });
			await page.goto(`${server.url}/#/cases`);
			await page.locator('main td', { hasText: 'ÖÖÖÖ' }).first().waitFor();
			assert.ok(await fits(), `case list at ${width}px`);
			await openCase();
			assert.ok(await page.locator('#case-heading').textContent().then((x) => x.includes(LONG_WORD)));
			assert.ok(await fits(), `case page at ${width}px`);
			await shot(`05-case-${width}`);
			await page.click('#add-person');
			assert.ok(await fits(), `person form at ${width}px`);
			await page.click('#add-person');
			await openPerson(LONG_PSEUDONYM);
			assert.ok(await fits(), `person page at ${width}px`);
			await shot(`06-person-${width}`);
		}
	} finally {
		await page.setViewportSize({ width: 1280, height: 860 });
	}
});

test('a printout carries the confidentiality marking on every sheet, without navigation or buttons', async () => {
	await openCase();
	// The marking is the top margin box of every printed page (@page), its
	// text the custom property --print-mark that the page keeps current.
	const pageRule = await page.evaluate(() => {
		for (const sheet of document.styleSheets)
			for (const rule of sheet.cssRules)
				if (rule instanceof CSSMediaRule && rule.media.mediaText === 'print')
					for (const inner of rule.cssRules)
						if (inner instanceof CSSPageRule)
							return inner.cssText;
		return null;
	});
	assert.match(pageRule, /@top-left\s*\{[^}]*content: var\(--print-mark/);
	const mark = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--print-mark'));
	assert.match(mark, /^"SEKRETESS\\A /);
	assert.match(mark, /offentlighets- och sekretesslagen \(2009:400\)/);
	assert.match(mark, /Utskriven av Anna Andersson \(anna\), RK-STOCKHOLM, \d{4}-\d{2}-\d{2} \d{2}:\d{2}"$/);
	await page.emulateMedia({ media: 'print' });
	try {
		assert.equal(await page.locator('.site-header').isVisible(), false);
		assert.equal(await page.locator('.breadcrumb').isVisible(), false);
		assert.equal(await page.locator('#add-person').isVisible(), false);
		assert.equal(await page.locator('main button:visible').count(), 0);
		assert.equal(await page.locator('#persons-table').isVisible(), true);
		const pdf = await page.pdf({ path: '/tmp/nmt-pf-print.pdf', format: 'A4' });
		assert.ok(pdf.length > 1000);
	} finally {
		await page.emulateMedia({ media: null });
	}
	assert.equal(await page.locator('.site-header').isVisible(), true);
	// In English the marking follows the language.
	await setLang('en');
	try {
		await page.waitForFunction(() => /Printed by Anna Andersson/.test(
		    getComputedStyle(document.documentElement).getPropertyValue('--print-mark')));
	} finally {
		await setLang('sv');
	}
});

test('no console errors', () => {
	assert.deepEqual(problems, []);
});
