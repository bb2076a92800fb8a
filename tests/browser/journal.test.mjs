// The case page's journal and the change history, in Chromium: write an
// entry with the keyboard, correct it ("Rätta"), see the corrected entry
// point at its correction, and read the case's and the person's
// "Ändringshistorik" (identity values never shown). Screenshots in
// /tmp/nmt-journal-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, apiCaller, createCaseWithPerson, openPage } from './helpers.mjs';

const FIRST = 'Samtal med kontaktpersonen kl. 14.\nHon återkommer i morgon.';
const FIX = 'Samtal med kontaktpersonen kl. 15 (rättad tid).\nHon återkommer i morgon.';
const PHONE_OLD = '070-111 11 11';
const PHONE_NEW = '070-222 22 22';

let server;
let browser;
let page;
let call;
let caseId;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-journal-${name}.png`, fullPage: true });
}

before(async () => {
	server = await startServer();
	call = apiCaller(server, 'anna');
	({ caseId, personId } = await createCaseWithPerson(call, {
		title: 'Städfirma i Solna', summary: 'Arbetare utan lön.', county: '01', exploitation: ['forced_labour'],
	}, {
		pseudonym: 'Person K', gender: 'female', identity: { full_name: 'Kim Testsson', phone: PHONE_OLD },
	}));
	browser = await launchBrowser();
	// Before the login, GET /api/v1/me answers 401 (openPage expects it).
	page = await openPage(browser, problems);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await login(page, server.user);
	await page.locator('#journal-heading').waitFor();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('an entry is written with the keyboard and shown with kind, date and author', async () => {
	await page.locator('#journal-empty').waitFor();
	assert.equal((await page.textContent('#journal-heading')).trim(), 'Journal');
	// Every control of the form has a label.
	const unlabelled = await page.$$eval('#journal-form input, #journal-form select, #journal-form textarea',
	    (els) => els.filter((e) => e.labels.length === 0).map((e) => e.name || e.id));
	assert.deepEqual(unlabelled, []);
	assert.deepEqual((await page.locator('#journal-kind option').allTextContents()).map((x) => x.trim()),
	    ['Anteckning', 'Samtal', 'Möte', 'Beslut']);
	assert.match(await page.textContent('#journal-form fieldset'), /Synlig för.*Hela teamet.*Endast full åtkomst/s);
	// An empty text is caught before sending.
	await page.click('#journal-submit');
	await page.locator('#journal-form .error-summary').waitFor();
	assert.equal(await page.getAttribute('#journal-text', 'aria-invalid'), 'true');

	await page.focus('#journal-kind');
	await page.selectOption('#journal-kind', 'call');
	await page.focus('#journal-text');
	await page.keyboard.type(FIRST.split('\n')[0]);
	await page.keyboard.press('Enter');
	await page.keyboard.type(FIRST.split('\n')[1]);
	const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/journal'));
	await page.click('#journal-submit');
	assert.deepEqual(JSON.parse((await request).postData()), { kind: 'call', text: FIRST, visibility: 'team' });
	const entry = page.locator('#journal-entries li').first();
	await entry.waitFor();
	assert.equal(await page.locator('#journal-entries li').count(), 1);
	assert.equal((await entry.locator('.journal-text').textContent()), FIRST);
	const meta = await entry.locator('.journal-meta').textContent();
	assert.match(meta, /Samtal/);
	assert.match(meta, /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
	assert.match(meta, new RegExp(`anna, ${(await orgName('RK-STOCKHOLM')).replace(/[()]/g, '.')}`));
	assert.equal(await page.inputValue('#journal-text'), '', 'the form is emptied');
	assert.equal(await page.evaluate(() => document.activeElement.classList.contains('journal-entry')), true,
	    'the keyboard is at the new entry');
	await shot('written');
});

async function orgName(code) {
	const r = await fetch(`${server.url}/api/v1/organizations`, { headers: call.auth });
	return (await r.json()).items.find((o) => o.code === code).name;
}

test('"Rätta" writes a correction; the corrected entry stays and points at it', async () => {
	const first = page.locator('#journal-entries li').first();
	const firstId = await first.getAttribute('data-id');
	await first.locator('.journal-correct').click();
	assert.equal(await page.evaluate(() => document.activeElement.id), 'journal-text');
	assert.equal(await page.inputValue('#journal-text'), FIRST, 'the text to correct is filled in');
	assert.equal(await page.inputValue('#journal-kind'), 'call');
	assert.match(await page.textContent('#journal-correcting'), /rättelse av posten från/);
	await page.fill('#journal-text', FIX);
	const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/journal'));
	await page.click('#journal-submit');
	assert.deepEqual(JSON.parse((await request).postData()),
	    { kind: 'call', text: FIX, visibility: 'team', corrects: firstId });
	await page.locator('#journal-entries li').nth(1).waitFor();
	const [orig, fix] = [page.locator('#journal-entries li').nth(0), page.locator('#journal-entries li').nth(1)];
	assert.equal(await orig.locator('.journal-text').textContent(), FIRST, 'the original is never changed');
	assert.match(await orig.getAttribute('class'), /is-corrected/);
	assert.match(await orig.locator('.journal-corrected').textContent(), /Rättad\. Se rättelsen från/);
	assert.equal(await fix.locator('.journal-text').textContent(), FIX);
	assert.match(await fix.locator('.journal-corrects').textContent(), /Rättar posten från/);
	assert.equal(await page.isHidden('#journal-correcting'), true, 'the next entry is a new one again');
	assert.equal(await page.isChecked('#journal-form input[name="visibility"][value="team"]'), true);
	// The link moves the keyboard to the correction.
	await orig.locator('.journal-corrected button').click();
	assert.equal(await page.evaluate(() => document.activeElement.dataset.id), await fix.getAttribute('data-id'));
	await shot('corrected');
	// The same on a phone.
	await page.setViewportSize({ width: 375, height: 800 });
	await shot('phone');
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
	assert.equal(overflow, false, 'nothing wider than the phone screen');
	await page.setViewportSize({ width: 1280, height: 860 });
});

test('the case\'s change history is collapsed and shows who changed what', async () => {
	const c = await call('GET', `/cases/${caseId}`);
	await call('PATCH', `/cases/${caseId}`, { title: 'Städfirma i Sundbyberg', status: 'closed', closing_reason: 'support_completed' },
	    { version: c.version });
	await page.reload();
	await page.locator('#case-history-toggle').waitFor();
	assert.equal((await page.textContent('#case-history-toggle')).trim(), 'Ändringshistorik');
	assert.equal(await page.getAttribute('#case-history-toggle', 'aria-expanded'), 'false');
	assert.equal(await page.isHidden('#case-history-panel'), true);
	await page.focus('#case-history-toggle');
	await page.keyboard.press('Enter');
	const rows = page.locator('#case-history-table tbody tr');
	await rows.first().waitFor();
	const text = (await rows.allTextContents()).join('\n');
	assert.match(text, /Rubrik.*Städfirma i Solna.*Städfirma i Sundbyberg/s);
	assert.match(text, /Status.*Öppet.*Avslutat/s);
	assert.match(text, /anna/);
	await shot('case-history');
	// Open again, so that the tests after this one can change the case's persons.
	const closed = await call('GET', `/cases/${caseId}`);
	await call('PATCH', `/cases/${caseId}`, { status: 'open', reopen_reason: 'Nya uppgifter.' },
	    { version: closed.version });
});

test('the person\'s change history names identity fields without their values', async () => {
	const p = await call('GET', `/persons/${personId}`);
	await call('PATCH', `/persons/${personId}`,
	    { pseudonym: 'Person L', identity: { full_name: 'Kim Testsson', phone: PHONE_NEW } }, { version: p.version });
	await page.goto(`${server.url}/#/persons/${personId}`);
	await page.locator('#person-history-toggle').waitFor();
	await page.click('#person-history-toggle');
	const rows = page.locator('#person-history-table tbody tr');
	await rows.first().waitFor();
	const text = (await rows.allTextContents()).join('\n');
	assert.match(text, /Pseudonym.*Person K.*Person L/s);
	assert.match(text, /Telefon \(identitet\).*Ändrad \(visas inte\)/s);
	const panel = await page.textContent('#person-history-panel');
	assert.ok(!panel.includes(PHONE_OLD) && !panel.includes(PHONE_NEW), 'no phone number in the history');
	await shot('person-history');
});

test('in English the journal speaks English', async () => {
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#journal-entries li').first().waitFor();
	await page.click('#lang-switch');
	await page.locator('#journal-submit', { hasText: 'Save in the journal' }).waitFor();
	assert.deepEqual((await page.locator('#journal-kind option').allTextContents()).map((x) => x.trim()),
	    ['Note', 'Call', 'Meeting', 'Decision']);
	assert.match(await page.textContent('#journal-entries li:first-child .journal-corrected'), /Corrected\. See the correction of/);
	assert.equal((await page.textContent('#case-history-toggle')).trim(), 'Change history');
	await shot('english');
	await page.click('#lang-switch');
	await page.locator('#journal-submit', { hasText: 'Spara i journalen' }).waitFor();
	assert.deepEqual(problems, []);
});
