// "Att tänka på vid första kontakten" in Chromium: the guidance panel beside the case page in
// Swedish and in English, folded and unfolded from the keyboard, below the content on a phone;
// and a first meeting logged on the person page with the checklist ticked, shown as the last
// meeting and stored as ticked. Screenshots in /tmp/nmt-guidance-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, login } from './helpers.mjs';

let server;
let browser;
let page;
let auth;
let caseId;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-guidance-${name}.png`, fullPage: true });
}

async function call(method, p, body) {
	const headers = { ...auth };
	if (body)
		headers['Content-Type'] = 'application/json';
	const r = await fetch(`${server.url}/api/v1${p}`, { method, headers, body: body && JSON.stringify(body) });
	const json = await r.json();
	assert.ok(r.ok, `${method} ${p}: ${r.status} ${JSON.stringify(json)}`);
	return json;
}

const headings = () => page.locator('.guidance-panel .guidance-item h3').allTextContents();

before(async () => {
	server = await startServer();
	const { token } = server.ctl('token', 'create', '--username', 'anna');
	auth = { Authorization: `Bearer ${token}` };
	const c = await call('POST', '/cases', {
		title: 'Massagesalong i Huddinge', summary: 'Tips från hyresvärden.', county: '01', exploitation: ['sexual'],
	});
	caseId = c.id;
	const p = await call('POST', `/cases/${caseId}/persons`, { pseudonym: 'Person L', gender: 'female' });
	personId = p.id;
	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	page.on('console', (msg) => {
		const where = (msg.location() && msg.location().url) || '';
		if (msg.type() === 'error' && !(/status of 401/.test(msg.text()) && where.endsWith('/api/v1/me')))
			problems.push(`console: ${msg.text()} (${where})`);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await login(page, server.user);
	await page.locator('#journal-heading').waitFor();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the case page shows the guidance beside it in Swedish, folded and unfolded with the keyboard', async () => {
	const panel = page.locator('aside.guidance-panel');
	await panel.locator('.guidance-item').first().waitFor();
	assert.equal((await panel.locator('h2').textContent()).trim(), 'Att tänka på vid första kontakten');
	const hs = await headings();
	assert.ok(hs.includes('Vem du är och vilket ditt uppdrag är'), hs.join(' | '));
	assert.ok(hs.includes('Tolk som inte hör till personens nätverk'));
	assert.ok(hs.includes('Den verkliga historien, inte en inlärd'));
	assert.ok(hs.includes('Om personen kan vara ett barn'));
	assert.match(await panel.textContent(), /behandlade med respekt och kände sig trygga/);
	// Beside the content on a wide screen: to the right of the case's heading.
	const main = await page.locator('.with-guidance-main').boundingBox();
	const box = await panel.boundingBox();
	assert.ok(box.x >= main.x + main.width, `panel at x=${box.x}, content ends at ${main.x + main.width}`);
	await shot('case-sv');

	// Folded and unfolded from the keyboard; aria-expanded follows.
	const toggle = panel.locator('.guidance-toggle');
	assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
	await toggle.focus();
	await page.keyboard.press('Enter');
	assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
	assert.equal(await panel.locator('.guidance-body').isHidden(), true);
	assert.equal((await toggle.textContent()).trim(), 'Visa vägledningen');
	await page.keyboard.press('Space');
	assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
	assert.equal(await panel.locator('.guidance-body').isVisible(), true);
	assert.deepEqual(problems, []);
});

test('in English the panel and its texts are English', async () => {
	await page.click('#lang-switch');
	const panel = page.locator('aside.guidance-panel');
	await page.locator('aside.guidance-panel h2', { hasText: 'Points to consider at the first contact' }).waitFor();
	await panel.locator('.guidance-item h3', { hasText: 'An interpreter from outside the person\'s network' })
	    .waitFor();
	const hs = await headings();
	assert.ok(hs.includes('Who you are and what your mission is'), hs.join(' | '));
	assert.ok(!hs.some((x) => /Tolk/.test(x)), 'no Swedish heading left');
	await shot('case-en');
	await page.click('#lang-switch');
	await page.locator('aside.guidance-panel h2', { hasText: 'Att tänka på vid första kontakten' }).waitFor();
	assert.deepEqual(problems, []);
});

test('a first meeting is logged on the person page with the checklist ticked', async () => {
	await page.goto(`${server.url}/#/persons/${personId}`);
	await page.locator('#first-contact-none').waitFor();
	await page.locator('aside.guidance-panel .guidance-item').first().waitFor();
	assert.equal((await page.textContent('#first-contact-heading')).trim(), 'Första mötet');

	await page.click('#log-first-contact');
	const form = page.locator('#first-contact-form');
	await form.waitFor();
	// Every control has a label; the checkboxes are the guidance's checklist in Swedish.
	const unlabelled = await page.$$eval('#first-contact-form input, #first-contact-form textarea',
	    (els) => els.filter((e) => e.labels.length === 0).map((e) => e.name || e.id));
	assert.deepEqual(unlabelled, []);
	const labels = (await form.locator('.choice label').allTextContents()).map((x) => x.trim());
	assert.deepEqual(labels, [
		'Jag har berättat vem jag är och vilket mitt uppdrag är',
		'Jag har förklarat vad jag kan och inte kan göra',
		'Tolken hör inte till personens nätverk',
		'Vi har pratat om personens säkerhet',
		'Personen har fått ställa sina egna frågor',
	]);
	const today = await page.inputValue('#first-contact-date-input');
	assert.match(today, /^\d{4}-\d{2}-\d{2}$/, 'today by default');

	// Tick three with the keyboard (Space on the focused box), leave the interpreter and questions.
	for (const code of ['introduced_self_and_mission', 'explained_can_and_cannot', 'safety_discussed']) {
		await form.locator(`input[value="${code}"]`).focus();
		await page.keyboard.press('Space');
	}
	await page.fill('#first-contact-note-input', 'Mötet hölls på socialkontoret.');
	await shot('person-form');
	await page.locator('#first-contact-submit').focus();
	await page.keyboard.press('Enter');

	await page.locator('#first-contact-checks').waitFor();
	assert.equal((await page.textContent('#first-contact-date')).trim(), today);
	assert.equal((await page.textContent('#first-contact-note')).trim(), 'Mötet hölls på socialkontoret.');
	const shown = await page.$$eval('#first-contact-checks li',
	    (lis) => lis.map((li) => [li.dataset.code, li.querySelector('.badge').textContent.trim()]));
	assert.deepEqual(shown, [
		['introduced_self_and_mission', 'Ja'], ['explained_can_and_cannot', 'Ja'],
		['interpreter_outside_network', 'Nej'], ['safety_discussed', 'Ja'], ['own_questions_answered', 'Nej'],
	]);
	await shot('person-logged');

	// Stored as ticked.
	const list = await call('GET', `/persons/${personId}/first-contact`);
	assert.equal(list.items.length, 1);
	assert.deepEqual(list.items[0].checklist, {
		introduced_self_and_mission: true, explained_can_and_cannot: true, interpreter_outside_network: false,
		safety_discussed: true, own_questions_answered: false,
	});
	assert.equal(list.items[0].date, today);
	assert.deepEqual(problems, []);
});

test('on a phone the guidance comes below the content and nothing scrolls sideways', async () => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#journal-heading').waitFor();
	const panel = page.locator('aside.guidance-panel');
	const toggle = panel.locator('.guidance-toggle');
	// Unfolded earlier in this browser: it stays unfolded.
	assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
	await panel.locator('.guidance-item').first().waitFor();
	const main = await page.locator('.with-guidance-main').boundingBox();
	const box = await panel.boundingBox();
	assert.ok(box.y >= main.y + main.height - 1, `panel at y=${box.y}, content ends at ${main.y + main.height}`);
	const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	assert.ok(wide <= 0, `scrolls sideways by ${wide}px`);
	await shot('case-phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	assert.deepEqual(problems, []);
});
