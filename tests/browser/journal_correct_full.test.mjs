// Correcting a journal entry for full access only, in Chromium: the
// correction keeps the entry's visibility and "the whole team" is not
// offered while it is written; a team entry's correction offers both, and
// after the correction a new entry is for the whole team again.
// Screenshot in /tmp/nmt-journal-correct-full.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, apiCaller, openPage } from './helpers.mjs';

const SECRET = 'Skyddat boende beviljat i Malmö.';
const SECRET_FIX = 'Skyddat boende beviljat i Lund.';
const TEAM = 'Möte med tolk bokat.';

let server;
let browser;
let page;
let call;
let caseId;
const problems = [];

const radio = (value) => `#journal-form input[name="visibility"][value="${value}"]`;

before(async () => {
	server = await startServer();
	call = apiCaller(server, 'anna');
	const c = await call('POST', '/cases', {
		title: 'Restaurang i Malmö', summary: 'Arbetare utan lön.', county: '12', exploitation: ['forced_labour'],
	});
	caseId = c.id;
	await call('POST', `/cases/${caseId}/journal`, { kind: 'decision', text: SECRET, visibility: 'full' });
	await call('POST', `/cases/${caseId}/journal`, { kind: 'meeting', text: TEAM });
	browser = await launchBrowser();
	page = await openPage(browser, problems);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await login(page, server.user);
	await page.locator('#journal-entries li').nth(1).waitFor();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a full entry is corrected as full; the whole team is not offered', async () => {
	assert.equal(await page.isVisible(radio('team')), true, 'a new entry may be for the whole team');
	const secret = page.locator('#journal-entries li').first();
	const secretId = await secret.getAttribute('data-id');
	await secret.locator('.journal-correct').click();
	assert.equal(await page.isChecked(radio('full')), true, 'the entry\'s visibility is kept');
	assert.equal(await page.isHidden(radio('team')), true, 'a wider visibility is not offered');
	assert.equal(await page.isDisabled(radio('team')), true);
	assert.match(await page.textContent('#journal-correcting'), /syns bara för dem med full åtkomst, och det gör rättelsen också/);
	await page.screenshot({ path: '/tmp/nmt-journal-correct-full.png', fullPage: true });
	// The keyboard cannot reach "the whole team" either.
	await page.focus(radio('full'));
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowDown');
	assert.equal(await page.isChecked(radio('full')), true);
	await page.fill('#journal-text', SECRET_FIX);
	const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/journal'));
	await page.click('#journal-submit');
	assert.deepEqual(JSON.parse((await request).postData()),
	    { kind: 'decision', text: SECRET_FIX, visibility: 'full', corrects: secretId });
	await page.locator('#journal-entries li').nth(2).waitFor();
	const fix = page.locator('#journal-entries li').nth(2);
	assert.equal(await fix.locator('.journal-full').count(), 1, 'the correction is for full access only');
	// The next entry is a new one again, for the whole team.
	assert.equal(await page.isHidden('#journal-correcting'), true);
	assert.equal(await page.isVisible(radio('team')), true);
	assert.equal(await page.isEnabled(radio('team')), true);
	assert.equal(await page.isChecked(radio('team')), true);
});

test('a team entry\'s correction offers both visibilities, and cancelling offers both again', async () => {
	const team = page.locator('#journal-entries li').nth(1);
	await team.locator('.journal-correct').click();
	assert.equal(await page.isChecked(radio('team')), true);
	assert.equal(await page.isVisible(radio('full')), true, 'a narrower visibility is offered');
	assert.doesNotMatch(await page.textContent('#journal-correcting'), /full åtkomst/);
	const secret = page.locator('#journal-entries li').first();
	await secret.locator('.journal-correct').click();
	assert.equal(await page.isHidden(radio('team')), true);
	await page.click('#journal-correct-cancel');
	assert.equal(await page.isVisible(radio('team')), true, 'a new entry may be for the whole team again');
	assert.equal(await page.isEnabled(radio('team')), true);
	assert.deepEqual(problems, []);
});
