// "Att tänka på vid första kontakten" in Chromium: the guidance panel beside the case page in
// Swedish and in English, folded and unfolded from the keyboard, below the content on a phone;
// a first meeting logged on the person page with the checklist ticked, shown as the last
// meeting and stored as ticked; and an admin editing a point on "Vägledning", with a conflicting
// edit met by "Ladda om". Screenshots in /tmp/nmt-guidance-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, logout, apiCaller, createCaseWithPerson, openPage, axeViolations,
} from './helpers.mjs';

let server;
let browser;
let page;
let call;
let caseId;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-guidance-${name}.png`, fullPage: true });
}

// axe-core (every rule, the experimental ones too) on the page as it is: no violations.
async function axe(name) {
	assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
}

const headings = () => page.locator('.guidance-panel .guidance-item h3').allTextContents();

before(async () => {
	server = await startServer();
	call = apiCaller(server, 'anna');
	({ caseId, personId } = await createCaseWithPerson(call, {
		title: 'Massagesalong i Huddinge', summary: 'Tips från hyresvärden.', county: '01', exploitation: ['sexual'],
	}, { pseudonym: 'Person L', gender: 'female' }));
	browser = await launchBrowser();
	page = await openPage(browser, problems);
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
	await axe('the case page in English');
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
	await axe('the person page with the first-meeting form');
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
	await axe('the person page with a first meeting');

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
	await axe('the case page on a phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	assert.deepEqual(problems, []);
});

test('an admin edits a point of the guidance; a conflicting edit is met by "Ladda om"', async () => {
	const admin = server.ctl('user', 'add', '--username', 'ada', '--display-name', 'Ada Admin', '--org', 'NMT',
	    '--role', 'admin');
	const adminCall = apiCaller(server, 'ada');
	await logout(page);
	await login(page, { username: 'ada', password: admin.password, totp_secret: admin.totp_secret });
	await page.click('#nav-guidance');
	await page.locator('#guidance-6-title').waitFor();
	assert.equal((await page.textContent('h1')).trim(), 'Vägledning för första kontakten');
	assert.equal((await page.textContent('#guidance-6-title')).trim(), '6. Trauma');
	await axe('the guidance page');

	// Edit the Swedish text of "Trauma" with the keyboard.
	const text = 'Trauma påverkar minnet. Ta pauser och pressa inte på detaljer.';
	await page.locator('#guidance-6-edit').focus();
	await page.keyboard.press('Enter');
	await page.locator('#guidance-6-sv-text').fill(text);
	await shot('admin-edit');
	await axe('the guidance page with an edit form');
	await page.locator('#guidance-6-submit').click();
	await page.locator('#guidance-6 .guidance-admin-facts', { hasText: text }).waitFor();
	assert.match(await page.textContent('#guidance-6'), /Senast ändrad .* av ada\./);

	// Someone else edits the English heading meanwhile: saving answers 412, "Ladda om" keeps the
	// admin's Swedish change and takes the other one in.
	await page.locator('#guidance-6-edit').click();
	await page.locator('#guidance-6-sv-heading').fill('Trauma och minne');
	const g = await call('GET', '/guidance?topic=first-contact&lang=en');
	const trauma = g.items.find((x) => x.code === 'trauma');
	await adminCall('PATCH', `/guidance/items/${trauma.id}`, { en: { heading: 'Trauma and memory' } },
	    { version: trauma.version });
	await page.locator('#guidance-6-submit').click();
	await page.locator('#guidance-6-reload').waitFor();
	await shot('admin-conflict');
	await page.locator('#guidance-6-reload').click();
	await page.locator('#status', { hasText: 'Punkten laddades om.' }).waitFor();
	assert.equal(await page.inputValue('#guidance-6-sv-heading'), 'Trauma och minne');
	assert.equal(await page.inputValue('#guidance-6-en-heading'), 'Trauma and memory');
	await page.locator('#guidance-6-submit').click();
	await page.locator('#guidance-6-title', { hasText: '6. Trauma och minne' }).waitFor();

	const stored = await call('GET', `/guidance/items/${trauma.id}`);
	assert.equal(stored.sv.heading, 'Trauma och minne');
	assert.equal(stored.sv.text, text);
	assert.equal(stored.en.heading, 'Trauma and memory');
	const history = await call('GET', `/guidance/items/${trauma.id}/history`);
	assert.equal(history.items.length, 3, 'every replaced version kept');
	assert.deepEqual(problems.filter((x) => !/status of 412/.test(x)), []);
});
