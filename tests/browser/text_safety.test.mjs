// Browser test: the new case form shows the server's refusal of invisible characters at the
// title field, in Swedish and in English, without echoing the text; the corrected title with
// Swedish letters and an emoji is saved and shown as typed (trimmed).
// Screenshots go to /tmp/nmt-txt-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, openPage } from './helpers.mjs';

const SPOOF = 'Faktura\u202egpj.exe'; // shows as "Fakturaexe.jpg"
const TITLE = 'Ärende i Örebro – åäö 😀';

let server;
let browser;
let page;
const problems = [];

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	// GET /me before the login (401) and the refused POSTs (400) are expected.
	page = await openPage(browser, problems, { expected: (text) => /status of (400|401)\b/.test(text) });
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('an invisible character in a title is refused at the field; a Swedish title with emoji is kept', async () => {
	await page.goto(`${server.url}/`);
	await login(page, server.user);
	await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();

	await page.click('#new-case');
	await page.locator('main h1', { hasText: 'Nytt ärende' }).waitFor();
	await page.fill('#case-title', SPOOF);
	await page.selectOption('#case-county', '18');
	await page.check('input[name="exploitation"][value="forced_labour"]');
	await page.click('#case-submit');
	await page.locator('#case-title-error').waitFor();
	assert.equal(await page.getAttribute('#case-title', 'aria-invalid'), 'true');
	const sv = (await page.textContent('#case-title-error')).trim();
	assert.match(sv, /osynliga tecken/);
	assert.ok(!sv.includes('gpj') && !sv.includes('Faktura'), 'the text is not echoed');
	const summary = (await page.textContent('.error-summary')).trim();
	assert.match(summary, /osynliga tecken/);
	await page.screenshot({ path: '/tmp/nmt-txt-1-refused-sv.png', fullPage: true });

	await page.click('#lang-switch');
	await page.locator('main h1', { hasText: 'New case' }).waitFor();
	await page.fill('#case-title', SPOOF);
	await page.selectOption('#case-county', '18');
	await page.check('input[name="exploitation"][value="forced_labour"]');
	await page.click('#case-submit');
	await page.locator('#case-title-error', { hasText: 'invisible characters' }).waitFor();
	await page.screenshot({ path: '/tmp/nmt-txt-2-refused-en.png', fullPage: true });
	await page.click('#lang-switch');
	await page.locator('main h1', { hasText: 'Nytt ärende' }).waitFor();

	await page.fill('#case-title', `\u00a0${TITLE}\u3000`);
	await page.selectOption('#case-county', '18');
	await page.check('input[name="exploitation"][value="forced_labour"]');
	await page.click('#case-submit');
	await page.locator('#case-number').waitFor();
	await page.waitForFunction(() => /^NMT-\d{4}-\d{5}$/.test(document.querySelector('#case-number').textContent));
	assert.equal((await page.locator('main h1').first().textContent()).trim(), TITLE);
	await page.screenshot({ path: '/tmp/nmt-txt-3-saved.png', fullPage: true });
	assert.deepEqual(problems, []);
});
