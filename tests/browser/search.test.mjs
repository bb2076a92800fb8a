// The case list's word search as people at the screen use it: words from the title or the journal
// found as you type, best match first while searching (the order choice says so), back to the newest
// number when the search is cleared, and a search the server refuses shown at the search field in its
// own words (aria-invalid, described by the message), with the keyboard only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, apiCaller, openPage } from './helpers.mjs';

let server;
let browser;
let page;
let call;
const problems = [];

async function titles() {
	return (await page.locator('#cases-table tbody tr td.cell-title').allTextContents()).map((x) => x.trim());
}

before(async () => {
	server = await startServer();
	call = apiCaller(server, server.user.username);
	await call('POST', '/cases', { title: 'Flodhästen i hamnen', summary: '', county: '01', exploitation: ['sexual'] });
	const later = await call('POST', '/cases', { title: 'Tvätteriet', summary: '', county: '01', exploitation: ['begging'] });
	await call('POST', `/cases/${later.id}/journal`, { kind: 'call', text: 'Samtal med tolk om en flodhäst på bild' });
	await call('POST', '/cases', { title: 'Öresundsbron', summary: '', county: '01', exploitation: ['forced_labour'] });
	browser = await launchBrowser();
	// A refused search answers 400, and GET /me after signing out 401: both as they should.
	page = await openPage(browser, problems, {
		expected: (text, where) => /status of (400|401)/.test(text) && /\/api\/v1\/(me|session|cases\?)/.test(where),
	});
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('word search: title and journal hits, best match first, refusals at the field', async () => {
	await page.goto(`${server.url}/`);
	await login(page, server.user);
	await page.locator('#cases-table tbody tr').first().waitFor();
	assert.match(await page.textContent('#filter-q-hint'), /journal/);
	assert.deepEqual(await titles(), ['Öresundsbron', 'Tvätteriet', 'Flodhästen i hamnen'], 'newest number first');

	// Typed with the keyboard: the prefix of the last word finds the title and the journal entry;
	// the title hit comes first although its case is older.
	await page.focus('#filter-q');
	await page.keyboard.type('FLODHÄST');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 2);
	assert.deepEqual(await titles(), ['Flodhästen i hamnen', 'Tvätteriet']);
	assert.equal(await page.inputValue('#filter-sort'), 'rank.desc', 'the order choice says best match first');
	assert.equal(await page.getAttribute('#cases-table th[data-col="number"]', 'aria-sort'), null);
	await page.screenshot({ path: '/tmp/nmt-search-ranked.png', fullPage: true });

	// A word of punctuation only: the server's message at the field, nothing else changes.
	await page.fill('#filter-q', 'flodhäst &');
	await page.locator('#filter-q-error').waitFor({ state: 'visible' });
	assert.match(await page.textContent('#filter-q-error'), /bokstav eller en siffra/);
	assert.equal(await page.getAttribute('#filter-q', 'aria-invalid'), 'true');
	assert.match(await page.getAttribute('#filter-q', 'aria-describedby'), /filter-q-error/);
	await page.screenshot({ path: '/tmp/nmt-search-refused.png', fullPage: true });

	// Cleared: the message goes and the list is back in number order.
	await page.fill('#filter-q', '');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 3);
	assert.equal(await page.isVisible('#filter-q-error'), false);
	assert.equal(await page.getAttribute('#filter-q', 'aria-invalid'), null);
	assert.equal(await page.inputValue('#filter-sort'), 'number.desc');
	assert.deepEqual(await titles(), ['Öresundsbron', 'Tvätteriet', 'Flodhästen i hamnen']);

	// An order the user picks stays while searching.
	await page.selectOption('#filter-sort', 'number.desc');
	await page.fill('#filter-q', 'flodhäst');
	await page.waitForFunction(() => document.querySelectorAll('#cases-table tbody tr').length === 2);
	assert.deepEqual(await titles(), ['Tvätteriet', 'Flodhästen i hamnen']);
	assert.equal(await page.inputValue('#filter-sort'), 'number.desc');

	// On a phone the list stacks and the search field keeps its hint.
	await page.setViewportSize({ width: 390, height: 800 });
	await page.screenshot({ path: '/tmp/nmt-search-phone.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 860 });
	assert.deepEqual(problems, []);
});
