// Intake in Chromium, the first-contact guidance and the search: the consultation form shows
// "Att tänka på vid första kontakten" beside it for a requester and for a coordinator (below it
// on a phone), as the queue and "Mina konsultationer" do; the search field filters the list as
// one types or with Enter, the counts follow it, the coordinator finds the notes and the
// requester does not, and a refused search is named at the field. Screenshots in
// /tmp/nmt-intake-guidance-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login, logout, apiCaller, openPage } from './helpers.mjs';

let server;
let browser;
let page;
let requester;
let syd;
let call;
const problems = [];

function consultation(question) {
	return {
		channel: 'phone', requester: { name: 'Ringare' }, county: '12', question, concerns: ['sexual'],
		child_involved: false, urgency: 'normal', consent: 'none',
	};
}

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-intake-guidance-${name}.png`, fullPage: true });
}

// The cards' numbers in the list, in their order.
async function numbers() {
	return page.locator('.kons-card').evaluateAll((els) => els.map((e) => e.dataset.number));
}

// The guidance panel is there, has its items, and comes after the page's content.
async function assertGuidance(where) {
	const panel = page.locator('.with-guidance > aside.guidance-panel');
	await panel.waitFor();
	assert.equal(await panel.locator('h2').innerText(), 'Att tänka på vid första kontakten', where);
	await panel.locator('.guidance-item').first().waitFor();
	assert.ok(await panel.locator('.guidance-item').count() >= 3, `${where}: the guidance's items`);
	const after = await page.evaluate(() => {
		const main = document.querySelector('.with-guidance-main');
		const aside = document.querySelector('.with-guidance > aside');
		return Boolean(main.compareDocumentPosition(aside) & Node.DOCUMENT_POSITION_FOLLOWING);
	});
	assert.equal(after, true, `${where}: the page comes first, then the advice`);
}

before(async () => {
	server = await startServer({ username: 'nmt', org: 'NMT', role: 'coordinator', region: null });
	call = apiCaller(server, 'nmt');
	requester = server.ctl('user', 'add', '--username', 'karin', '--display-name', 'Karin Kommun',
		'--org', 'SOC-1280', '--role', 'requester');
	syd = server.ctl('user', 'add', '--username', 'sara', '--display-name', 'Sara Syd',
		'--org', 'RK-SYD', '--role', 'coordinator', '--region', 'syd');
	// Two of the requester's own, one with the coordinators' notes; one from someone else.
	const reqToken = server.ctl('token', 'create', '--username', 'karin').token;
	const own = async (question) => {
		const r = await fetch(`${server.url}/api/v1/consultations`, {
			method: 'POST', headers: { Authorization: `Bearer ${reqToken}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(consultation(question)),
		});
		assert.equal(r.status, 201);
		return r.json();
	};
	const a = await own('Massagesalongen på Storgatan har folk som sover där.');
	await own('En fråga om boende i Lund.');
	await call('PATCH', `/consultations/${a.id}`, { status: 'in_progress', notes: 'Polisen känner till Vindskyddet.' },
		{ version: a.version });
	await call('POST', '/consultations', consultation('Massagesalongen i Ystad, ett annat samtal.'));
	browser = await launchBrowser();
	page = await openPage(browser, problems, { expected: (text) => /status of (401|400)/.test(text) });
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('the requester: guidance beside the form and the list; the search never finds the notes', async () => {
	await login(page, requester, server.url);
	await page.locator('.kons-card').first().waitFor();
	await assertGuidance('Mina konsultationer');
	assert.equal((await numbers()).length, 2, 'its own two');

	await page.click('#nav-consultation-new');
	await page.locator('#kons-question').waitFor();
	await assertGuidance('the requester\'s form');
	await shot('form-requester');

	await page.click('#nav-consultations-mine');
	await page.locator('#kons-filter-q').waitFor();
	// Typing filters (after a pause); the other requester's hit is not there.
	await page.locator('#kons-filter-q').pressSequentially('massagesalongen');
	await page.waitForFunction(() => document.querySelectorAll('.kons-card').length === 1);
	assert.match(await page.locator('.kons-card').innerText(), /Storgatan/);
	// The coordinators' notes are not the requester's: no hit, an empty list that says why.
	await page.fill('#kons-filter-q', 'vindskyddet');
	await page.keyboard.press('Enter');
	await page.locator('#kons-empty').waitFor();
	assert.equal(await page.locator('#kons-empty').innerText(), 'Inga konsultationer innehåller alla sökorden.');
	await shot('mine-search');
	await logout(page);
});

test('Syd\'s coordinator: guidance beside the queue and the form; the search finds the notes, counts follow', async () => {
	await login(page, syd);
	await page.click('#nav-consultations');
	await page.locator('.kons-card').first().waitFor();
	await assertGuidance('the queue');
	await page.selectOption('#kons-filter-status', '');
	await page.waitForFunction(() => document.querySelectorAll('.kons-card').length === 3);
	await page.fill('#kons-filter-q', 'vindskyddet');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.querySelectorAll('.kons-card').length === 1);
	assert.match(await page.locator('.kons-card').innerText(), /Storgatan/);
	await page.locator('#kons-counts', { hasText: 'Pågår: 1' }).waitFor();
	assert.match(await page.locator('#kons-counts').innerText(), /^Ny: 0 · Pågår: 1/);
	// All words: both Massagesalongen calls, then only Ystad's.
	await page.fill('#kons-filter-q', 'MASSAGESALONGEN');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.querySelectorAll('.kons-card').length === 2);
	await page.fill('#kons-filter-q', 'massagesalongen ystad');
	await page.keyboard.press('Enter');
	await page.waitForFunction(() => document.querySelectorAll('.kons-card').length === 1);
	assert.match(await page.locator('.kons-card').innerText(), /Ystad/);
	await shot('queue-search');
	// A word of punctuation only: the server's reason at the field.
	await page.fill('#kons-filter-q', '--');
	await page.keyboard.press('Enter');
	const error = page.locator('#kons-filter-q-error');
	await error.waitFor();
	assert.match(await error.innerText(), /bokstav eller en siffra/);
	assert.match(await page.locator('#kons-filter-q').getAttribute('aria-describedby'), /kons-filter-q-error/);

	await page.click('#kons-new');
	await page.locator('#kons-question').waitFor();
	await assertGuidance('the coordinator\'s form');
	await shot('form-coordinator');

	// On a phone the guidance comes below the form, in one column, with no sideways scrolling.
	await page.setViewportSize({ width: 390, height: 800 });
	const layout = await page.evaluate(() => {
		const form = document.querySelector('.with-guidance-main').getBoundingClientRect();
		const aside = document.querySelector('.with-guidance > aside').getBoundingClientRect();
		return { below: aside.top >= form.bottom - 1, overflow: document.documentElement.scrollWidth > window.innerWidth + 1 };
	});
	assert.deepEqual(layout, { below: true, overflow: false });
	await shot('form-phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	await logout(page);
	assert.deepEqual(problems, []);
});
