// The case list and the audit log as people at the screen use them: search by case number,
// sorting by a click (or Enter) on a column head with aria-sort, the filters, the audit log
// filtered by case number and its CSV download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
	startServer, launchBrowser, login as loginAs, apiCaller, openPage,
} from './helpers.mjs';

let server;
let browser;
let page;
let call;
let auditor;
const problems = [];
const cases = {};

async function login(user) {
	await loginAs(page, user);
}

async function titles() {
	return (await page.locator('#cases-table tbody tr td.cell-title').allTextContents()).map((x) => x.trim());
}

before(async () => {
	server = await startServer();
	call = apiCaller(server, server.user.username);
	auditor = server.ctl('user', 'add', '--username', 'greta', '--display-name', 'Greta Granskare',
		'--org', 'NMT', '--role', 'auditor');
	cases.beta = await call('POST', '/cases', { title: 'Beta i hamnen', summary: '', county: '01', exploitation: ['sexual'] });
	cases.alfa = await call('POST', '/cases', { title: 'Alfa på torget', summary: '', county: '01', exploitation: ['begging'] });
	cases.oresund = await call('POST', '/cases', { title: 'Öresundsbron', summary: '', county: '01', exploitation: ['forced_labour'] });
	await call('POST', `/cases/${cases.beta.id}/persons`, { pseudonym: 'Ruth', gender: 'female' });
	browser = await launchBrowser();
	// GET /me after signing out answers 401, as it should.
	page = await openPage(browser, problems, {
		expected: (text, where) => /status of 401/.test(text) && /\/api\/v1\/(me|session)$/.test(where),
	});
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('the case list: search by number, sort by column heads, filters', async () => {
	await page.goto(`${server.url}/`);
	await login(server.user);
	await page.locator('#cases-table tbody tr').first().waitFor();
	assert.match(await page.getAttribute('#filter-q', 'placeholder'), /Ärendenummer/);
	const heads = (await page.locator('#cases-table thead th').allTextContents()).map((x) => x.trim());
	assert.deepEqual(heads, ['Ärendenummer', 'Rubrik', 'Status', 'Exploatering', 'Län', 'Ägare', 'Personer',
		'Senaste aktivitet']);
	// Default: newest number first, said by aria-sort.
	assert.equal(await page.getAttribute('#cases-table th[data-col="number"]', 'aria-sort'), 'descending');
	assert.deepEqual(await titles(), ['Öresundsbron', 'Alfa på torget', 'Beta i hamnen']);
	const beta = page.locator('#cases-table tbody tr', { hasText: 'Beta i hamnen' });
	assert.equal((await beta.locator('td').nth(5).textContent()).trim(), '1', 'person count');
	assert.equal((await beta.locator('td').nth(2).textContent()).trim(), 'Sexuella ändamål');

	// Search by the case number, in lower case, then by the serial alone.
	await page.fill('#filter-q', cases.alfa.number.toLowerCase());
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 1);
	assert.deepEqual(await titles(), ['Alfa på torget']);
	await page.fill('#filter-q', String(Number(cases.beta.number.slice(-5))));
	await page.waitForFunction(() => document.querySelector('#cases-table tbody tr td.cell-title')?.textContent === 'Beta i hamnen'
		&& document.querySelectorAll('#cases-table tbody tr').length === 1);
	await page.fill('#filter-q', '');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 3);

	// Sort by title with a click: A–Ö (Ö last); Enter on the same head turns it round.
	await page.click('#cases-table th[data-col="title"] button');
	await page.waitForFunction(() => document.querySelector('#cases-table th[data-col="title"]').getAttribute('aria-sort') === 'ascending');
	assert.deepEqual(await titles(), ['Alfa på torget', 'Beta i hamnen', 'Öresundsbron']);
	assert.equal(await page.getAttribute('#cases-table th[data-col="number"]', 'aria-sort'), null);
	await page.focus('#cases-table th[data-col="title"] button');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.querySelector('#cases-table th[data-col="title"]').getAttribute('aria-sort') === 'descending');
	assert.deepEqual(await titles(), ['Öresundsbron', 'Beta i hamnen', 'Alfa på torget']);
	await page.screenshot({ path: '/tmp/nmt-lists-cases.png', fullPage: true });

	// Filters: the exploitation form, then "Mina ärenden" (anna's organization owns all three).
	await page.selectOption('#filter-exploitation', 'begging');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 1);
	assert.deepEqual(await titles(), ['Alfa på torget']);
	await page.selectOption('#filter-exploitation', '');
	await page.check('#filter-mine');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 3);
	await page.selectOption('#filter-county', '12');
	await page.locator('#cases-empty').waitFor({ state: 'visible' });
	await page.selectOption('#filter-county', '');
	await page.uncheck('#filter-mine');

	// On a phone the table stacks (no column heads); the order is a choice among the filters.
	await page.setViewportSize({ width: 390, height: 800 });
	assert.equal(await page.inputValue('#filter-sort'), 'title.desc', 'the choice follows the heads');
	await page.selectOption('#filter-sort', 'activity.desc');
	await page.waitForFunction(() => document.querySelector('#cases-table th[data-col="activity"]').getAttribute('aria-sort') === 'descending');
	const byActivity = await call('GET', '/cases?sort=activity&order=desc');
	assert.deepEqual(await titles(), byActivity.items.map((c) => c.title), 'the server\'s order');
	await page.screenshot({ path: '/tmp/nmt-lists-cases-phone.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 860 });
	await page.click('#logout');
});

test('the audit log: filter by case number, case numbers shown, CSV download', async () => {
	await login(auditor);
	await page.locator('#audit-table tbody tr').first().waitFor();
	await page.fill('#audit-case', cases.beta.number.toLowerCase());
	const request = page.waitForRequest((r) => r.url().includes('/api/v1/audit?'));
	await page.click('#audit-apply');
	assert.equal(new URL((await request).url()).searchParams.get('case_number'), cases.beta.number);
	await page.waitForFunction((n) => {
		const cells = [...document.querySelectorAll('#audit-table tbody .cell-case')];
		return cells.length > 0 && cells.every((c) => c.textContent.trim() === n);
	}, cases.beta.number);
	assert.equal(await page.inputValue('#audit-case'), cases.beta.number);
	assert.ok(await page.locator('#audit-table tbody tr[data-action="person.create"]').count() === 1);
	await page.screenshot({ path: '/tmp/nmt-lists-audit.png', fullPage: true });

	const download = page.waitForEvent('download');
	await page.click('#audit-export');
	const file = await download;
	const text = readFileSync(await file.path(), 'utf8');
	const lines = text.split('\r\n').filter(Boolean);
	assert.equal(lines[0], '"seq","at","actor","organization","action","object","case","case_number","client","flagged"');
	assert.ok(lines.length > 2);
	const body = lines.slice(1).filter((l) => !l.includes('"audit.'));
	assert.ok(body.every((l) => l.includes(`"${cases.beta.number}"`)), 'only the case filtered on');
	assert.ok(body.some((l) => l.includes('"person.create"')));
	await page.locator('#audit-export-status', { hasText: 'exporterats' }).waitFor();

	// A case number in the table shows that case's log (here: from all entries to one case).
	await page.click('#audit-clear');
	await page.locator('#audit-table tbody .cell-case button', { hasText: cases.alfa.number }).first().click();
	await page.waitForFunction((n) => {
		const cells = [...document.querySelectorAll('#audit-table tbody .cell-case')];
		return cells.length > 0 && cells.every((c) => c.textContent.trim() === n);
	}, cases.alfa.number);
	assert.equal(await page.inputValue('#audit-case'), cases.alfa.number);
	assert.deepEqual(problems, []);
});
