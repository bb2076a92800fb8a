// The audit log's time filter: a period that ends before it begins is refused by the server
// (400 naming `to`), and the page says so at the "Till och med" field, which takes the focus.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login } from './helpers.mjs';

let server;
let browser;
let page;
let auditor;
const problems = [];

before(async () => {
	server = await startServer();
	auditor = server.ctl('user', 'add', '--username', 'greta', '--display-name', 'Greta Granskare',
		'--org', 'NMT', '--role', 'auditor');
	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	page.on('pageerror', (err) => problems.push(String(err)));
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('a period ending before it begins is shown at the to field', async () => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`${server.url}/`);
	await login(page, auditor);
	await page.locator('#audit-table tbody tr').first().waitFor();
	await page.fill('#audit-from', '2026-03-02');
	await page.fill('#audit-to', '2026-03-01');
	const answer = page.waitForResponse((r) => r.url().includes('/api/v1/audit?'));
	await page.locator('#audit-to').press('Enter');
	assert.equal((await answer).status(), 400);
	const error = page.locator('#audit-to-error');
	await error.waitFor();
	assert.equal((await error.textContent()).trim(), 'Periodens slut ligger före dess början.');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'audit-to');
	assert.equal(await page.locator('#audit-from-error').isHidden(), true);
	await page.screenshot({ path: '/tmp/nmt-audit-range-phone.png', fullPage: true });
	assert.deepEqual(problems, []);
});
