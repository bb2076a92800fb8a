// Browser test of the duplicate check in "Lägg till person" (issue 8, item 6):
// possible duplicates are shown before the person is saved — in this case, in
// another case the user sees (with its number and a link), and only as "a
// possible match exists in cases you cannot see" for an identity match
// elsewhere — in Swedish and English, by keyboard, on a phone; the person can
// still be added, and no identity value ever goes into a URL. Screenshots go
// to /tmp/nmt-pm-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, apiCaller, openPage } from './helpers.mjs';

let server;
let browser;
let page;
let apiCall;
let other;
let caseId;
let case2;
const urls = [];
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-pm-${name}.png`, fullPage: true });
}

async function openForm() {
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#persons-table').waitFor();
	await page.click('#add-person');
	await page.locator('#person-pseudonym').waitFor();
}

before(async () => {
	server = await startServer();
	apiCall = apiCaller(server, server.user.username);
	// A member of the Police in Skåne, whose case the user (a coordinator of Stockholm) does not see.
	other = server.ctl('user', 'add', '--username', 'polis', '--display-name', 'Polis Syd',
		'--org', 'POLISEN-SYD', '--role', 'member');
	const otherCall = apiCaller(server, 'polis');
	const hidden = await otherCall('POST', '/cases', {
		title: 'Dolt ärende', summary: 'S', county: '12', exploitation: ['sexual'],
	});
	await otherCall('POST', `/cases/${hidden.id}/persons`, {
		pseudonym: 'Lejla', gender: 'female', identity: { id_number: '19850709-9805' },
	});

	const c = await apiCall('POST', '/cases', { title: 'Ärende Ett', summary: 'S', county: '01', exploitation: ['sexual'] });
	caseId = c.id;
	await apiCall('POST', `/cases/${caseId}/persons`, { pseudonym: 'Maria', gender: 'female', birth_year: 1990 });
	const c2 = await apiCall('POST', '/cases', { title: 'Ärende Två', summary: 'S', county: '01', exploitation: ['sexual'] });
	case2 = c2;
	await apiCall('POST', `/cases/${c2.id}/persons`, { pseudonym: 'maria', gender: 'female' });

	browser = await launchBrowser();
	page = await openPage(browser, problems, { expected: (text) => /status of 401/.test(text) });
	page.on('request', (req) => urls.push(req.url()));
	await page.goto(server.url);
	await login(page, server.user);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('possible duplicates are shown before the person is saved, and it can still be saved', async () => {
	await openForm();
	assert.equal(await page.locator('#person-matches-found').count(), 0, 'nothing before a field is filled');
	await page.fill('#person-pseudonym', 'MARIA');
	await page.press('#person-pseudonym', 'Tab'); // leaving the field searches
	const found = page.locator('#person-matches-found');
	await found.waitFor();
	const items = await found.locator('li').allTextContents();
	assert.equal(items.length, 2, items.join(' | '));
	assert.ok(items.includes('Möjlig dubblett: Maria i detta ärende (samma pseudonym).'), items.join(' | '));
	assert.ok(items.some((x) => x.startsWith(`Möjlig dubblett: maria i ärende ${case2.number} (samma pseudonym).`)),
	    items.join(' | '));
	assert.equal(await found.locator(`a[href="#/persons/${(await apiCall('GET', `/cases/${case2.id}`)).persons[0].id}"]`).count(), 1);
	assert.equal(await page.locator('#person-matches-result').getAttribute('role'), 'status');

	// A narrower birth year leaves out nothing recorded otherwise: the second Maria has none.
	await page.fill('#person-birth-year', '1991');
	await page.press('#person-birth-year', 'Tab');
	await page.waitForFunction(() => document.querySelectorAll('#person-matches-found li').length === 1);
	// (The item ends with the link to the person, named by its pseudonym.)
	assert.deepEqual(await found.locator('li').allTextContents(),
	    [`Möjlig dubblett: maria i ärende ${case2.number} (samma pseudonym). maria`]);

	// An identity number of a person in a case the user cannot see: only that there is one.
	await page.click('#person-identity summary');
	await page.fill('#person-identity-id-number', '850709-9805');
	await page.press('#person-identity-id-number', 'Tab');
	await page.locator('#person-matches-found .match-elsewhere').waitFor();
	assert.equal(await page.textContent('#person-matches-found .match-elsewhere'),
	    'En möjlig träff finns i ärenden du inte ser – kontakta nationella sekretariatet.');
	assert.ok(!(await page.textContent('#person-matches')).includes('Lejla'), 'nothing of the hidden person');
	await shot('found');

	// The person can still be added (confirming the same pseudonym in this case).
	await page.selectOption('#person-gender', 'female');
	await page.click('#person-submit');
	await page.check('#person-duplicate-ok');
	await page.click('#person-submit');
	await page.waitForFunction(() => document.querySelectorAll('#persons-table tbody tr').length === 2);
	const persons = (await apiCall('GET', `/cases/${caseId}`)).persons;
	assert.deepEqual(persons.map((p) => p.pseudonym).sort(), ['MARIA', 'Maria']);
	assert.ok(!urls.some((u) => /9805|850709/.test(decodeURIComponent(u))), 'no identity value in any URL');

	// The case's log shows the checks, the one that found a match elsewhere flagged.
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#case-log-toggle').click();
	const checks = page.locator('#case-log-table tbody tr[data-action="person.match"]');
	await checks.first().waitFor();
	assert.match(await checks.first().textContent(), /Dubblettkontroll/);
	const flagged = await page.locator('#case-log-table tbody tr[data-action="person.match"][data-flagged="true"]').count();
	assert.ok(flagged >= 1 && flagged < await checks.count(), `flagged ${flagged} of ${await checks.count()}`);
	assert.ok(!(await page.textContent('#case-log-table')).includes('9805'));
});

test('by keyboard, in English, and on a phone', async () => {
	await openForm();
	await page.fill('#person-pseudonym', 'Ingen Sådan');
	await page.focus('#person-matches-search');
	await page.keyboard.press('Enter');
	await page.locator('#person-matches .match-none').waitFor();
	assert.equal(await page.textContent('#person-matches .match-none'), 'Inga möjliga dubbletter hittades.');

	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'en');
	await openForm();
	assert.equal(await page.textContent('#person-matches-search'), 'Search for duplicates');
	await page.click('#person-identity summary');
	await page.fill('#person-identity-id-number', '198507099805');
	await page.focus('#person-matches-search');
	await page.keyboard.press('Enter');
	await page.locator('#person-matches-found .match-elsewhere').waitFor();
	assert.equal(await page.textContent('#person-matches-found .match-elsewhere'),
	    'A possible match exists in cases you cannot see – contact the national secretariat.');
	await page.setViewportSize({ width: 375, height: 800 });
	const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
	assert.equal(wide, false, 'the page does not scroll sideways on a phone');
	await shot('phone-en');
	await page.setViewportSize({ width: 1280, height: 860 });
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'sv');
	assert.deepEqual(problems, []);
});

test('"Spara person" straight from a field shows a match first and saves on the next press', async () => {
	await openForm();
	const before = (await apiCall('GET', `/cases/${caseId}`)).persons.length;
	const posts = [];
	const onRequest = (req) => {
		if (req.method() === 'POST' && /\/cases\/[^/]+\/persons$/.test(req.url()))
			posts.push(req.url());
	};
	page.on('request', onRequest);
	try {
		await page.fill('#person-pseudonym', 'Nadia');
		await page.selectOption('#person-gender', 'female');
		await page.click('#person-identity summary');
		await page.fill('#person-identity-id-number', '19850709-9805');
		await page.click('#person-submit'); // no leaving the field first
		await page.locator('#person-matches-found .match-elsewhere').waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.id), 'person-matches-found',
		    'the warning takes the focus');
		assert.deepEqual(posts, [], 'nothing saved before the warning was shown');
		await page.click('#person-submit');
		await page.locator('#add-person[aria-expanded="false"]').waitFor();
		assert.equal(posts.length, 1);
	} finally {
		page.off('request', onRequest);
	}
	const now = (await apiCall('GET', `/cases/${caseId}`)).persons;
	assert.equal(now.length, before + 1);
	assert.ok(now.some((p) => p.pseudonym === 'Nadia'));
	assert.deepEqual(problems, []);
});
