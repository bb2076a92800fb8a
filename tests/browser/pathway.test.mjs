// The person page's support pathway in Chromium: log a granted reflection
// period with the keyboard and see its clock (30 days, the grant day as day
// 1) with the days left and its last day; a child's protection assessment
// due tomorrow and an overdue reflection period marked in words; the six
// steps' status; a correction; the section in English and on a phone.
// Screenshots in /tmp/nmt-pathway-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, apiCaller, createCaseWithPerson, openPage, expected401, axeViolations,
} from './helpers.mjs';

let server;
let browser;
let page;
let call;
let caseId;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-pathway-${name}.png`, fullPage: true });
}

// axe-core's violations on the page as it is (every rule, as a11y.test.mjs runs it).
// The Swedish civil date `days` days from now, as the server counts it.
function swedishDay(days = 0) {
	const [y, m, d] = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit',
	}).format(new Date()).split('-').map(Number);
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

before(async () => {
	server = await startServer();
	call = apiCaller(server, 'anna');
	({ caseId, personId } = await createCaseWithPerson(call, {
		title: 'Lägenhet i Huddinge', summary: 'Misstänkt människohandel för sexuella ändamål.', county: '01',
		exploitation: ['sexual'],
	}, { pseudonym: 'Person R', gender: 'female', birth_year: 1998 }));
	browser = await launchBrowser();
	// Before the login, GET /api/v1/me answers 401; the refused permit below answers 400.
	page = await openPage(browser, problems, {
		expected: (text, where) => expected401(text, where) ||
		    (/status of 400/.test(text) && where.endsWith('/pathway/events')),
	});
	await page.goto(`${server.url}/#/persons/${personId}`);
	await login(page, server.user);
	await page.locator('#pathway-heading').waitFor();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a new person: six steps not started, no clocks, no events; every form control labelled', async () => {
	await page.locator('#pathway-events-empty').waitFor();
	assert.equal((await page.textContent('#pathway-heading')).trim(), 'Stödprocess');
	assert.match(await page.textContent('#pathway-clocks-empty'), /Inga tidsfrister löper/);
	const steps = await page.locator('#pathway-steps li').allTextContents();
	assert.equal(steps.length, 6);
	assert.match(steps[0], /Identifiering.*Ej påbörjat/);
	assert.match(steps[5], /Ett tryggt återvändande.*Ej påbörjat/);
	const unlabelled = await page.$$eval('#pathway-form input, #pathway-form select, #pathway-form textarea',
	    (els) => els.filter((e) => e.labels.length === 0).map((e) => e.name || e.id));
	assert.deepEqual(unlabelled, []);
	// The types grouped by step; the date defaults to today; no end date until a permit is chosen.
	const groups = await page.$$eval('#pathway-type optgroup', (els) => els.map((g) => g.label));
	assert.deepEqual(groups, ['Steg 1 · Identifiering', 'Steg 2 · Akut skydd', 'Steg 3 · Inledande stöd',
		'Steg 4 · Långsiktigt stöd', 'Steg 5 · Straffrättsligt förfarande', 'Steg 6 · Ett tryggt återvändande']);
	assert.equal(await page.inputValue('#pathway-date'), swedishDay());
	assert.equal(await page.isVisible('#pathway-until'), false);
	assert.equal(await page.locator('#pathway-type option[value="entered_in_error"]').count(), 0,
		'a withdrawal only when correcting');
});

test('a granted reflection period logged with the keyboard shows its clock: 30 days, days left', async () => {
	await page.focus('#pathway-type');
	await page.selectOption('#pathway-type', 'reflection_period_granted');
	await page.keyboard.press('Tab'); // the date, today already
	assert.equal(await page.evaluate(() => document.activeElement.id), 'pathway-date');
	// Tab walks the date's parts (year, month, day, the picker), then leaves it.
	for (let i = 0; i < 6 && await page.evaluate(() => document.activeElement.id) === 'pathway-date'; i++)
		await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'pathway-note',
		'no hidden end date in the tab order');
	await page.keyboard.type('Beslut från Migrationsverket');
	await page.keyboard.press('Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'pathway-submit');
	await page.keyboard.press('Enter');
	await page.locator('#pathway-clocks li[data-kind="reflection_period"]').waitFor();
	const clock = page.locator('#pathway-clocks li[data-kind="reflection_period"]');
	const text = await clock.textContent();
	assert.match(text, /Betänketid \(30 dagar\)/);
	assert.match(text, /29 dagar kvar/, 'the grant day is day 1 of 30');
	assert.ok(text.includes(`${swedishDay()} – ${swedishDay(29)} (sista dag)`), text);
	assert.equal(await clock.getAttribute('class'), 'pathway-clock', 'not marked: far from its end');
	const ev = await page.locator('#pathway-events li').allTextContents();
	assert.equal(ev.length, 1);
	assert.match(ev[0], /Betänketid beviljad/);
	assert.match(ev[0], /Steg 3/);
	assert.match(ev[0], /Beslut från Migrationsverket/);
	assert.match(ev[0], /anna, Regionkoordinator Stockholm · registrerad /);
	const steps = await page.locator('#pathway-steps li').evaluateAll((els) => els.map((e) => e.dataset.status));
	assert.deepEqual(steps, ['done', 'done', 'active', 'not_started', 'not_started', 'not_started']);
	assert.equal(await page.inputValue('#pathway-note'), '', 'the form is emptied');
	await shot('granted');
});

test('a residence permit asks for its last day; a correction replaces the grant', async () => {
	await page.selectOption('#pathway-type', 'permit_granted');
	assert.equal(await page.isVisible('#pathway-until'), true);
	await page.click('#pathway-submit');
	await page.locator('#pathway-until[aria-invalid="true"]').waitFor();
	assert.match(await page.textContent('#pathway-form'), /Ange sista giltighetsdag/);
	// The server's rule: at least six months with the grant day as day 1.
	await page.fill('#pathway-until', swedishDay(30));
	await page.click('#pathway-submit');
	await page.locator('#pathway-until[aria-invalid="true"]').waitFor();
	assert.match(await page.textContent('#pathway-form'), /minst sex månader/);
	// Correct the grant instead: the reflection period was granted yesterday.
	await page.selectOption('#pathway-type', '');
	await page.click('#pathway-events li .pathway-correct');
	assert.match(await page.textContent('#pathway-correcting'), /Du rättar Betänketid beviljad/);
	assert.equal(await page.locator('#pathway-type option[value="entered_in_error"]').count(), 1);
	await page.fill('#pathway-date', swedishDay(-1));
	await page.click('#pathway-submit');
	await page.locator('#pathway-events li.is-corrected').waitFor();
	const text = await page.textContent('#pathway-clocks li[data-kind="reflection_period"]');
	assert.match(text, /28 dagar kvar/);
	assert.match(await page.textContent('#pathway-events li.is-corrected'), /Rättad\./);
	assert.equal(await page.locator('#pathway-events li').count(), 2);
	assert.equal(await page.isVisible('#pathway-correcting'), false);
});

test('clocks close to their end and overdue are marked in words; a phone shows one column', async () => {
	const child = await call('POST', `/cases/${caseId}/persons`, { pseudonym: 'Person B', gender: 'male', age_estimate: 15 });
	await call('POST', `/persons/${child.id}/pathway/events`, { type: 'reflection_period_granted', date: swedishDay(-31) });
	await page.goto(`${server.url}/#/persons/${child.id}`);
	await page.locator('#pathway-clocks li[data-kind="protection_assessment"]').waitFor();
	const due = page.locator('#pathway-clocks li[data-kind="protection_assessment"]');
	assert.match(await due.textContent(), /Skyddsbedömning för barn.*Går snart ut.*1 dag kvar/s);
	assert.match(await due.getAttribute('class'), /is-soon/);
	const late = page.locator('#pathway-clocks li[data-kind="reflection_period"]');
	assert.match(await late.textContent(), /Försenad.*2 dagar försenad/s);
	assert.match(await late.getAttribute('class'), /is-overdue/);
	assert.deepEqual(await axeViolations(page), [], 'the marked clocks pass axe (contrast, names)');
	await page.click('#pathway-events li .pathway-correct');
	assert.deepEqual(await axeViolations(page), [], 'the correction form passes axe');
	await page.click('#pathway-correct-cancel');
	await page.setViewportSize({ width: 375, height: 800 });
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
	assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);
	const [a, b] = await page.locator('#pathway-steps li').evaluateAll((els) => els.slice(0, 2)
		.map((e) => e.getBoundingClientRect().left));
	assert.equal(a, b, 'the steps stack on a phone');
	await shot('phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	await shot('due');
});

test('in English', async () => {
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.querySelector('#pathway-heading')?.textContent.trim() === 'Support pathway');
	assert.match(await page.textContent('#pathway-clocks'), /Reflection period \(30 days\).*Overdue.*2 days overdue/s);
	assert.match(await page.textContent('#pathway-steps'), /Identification.*Done/s);
	await shot('english');
	assert.deepEqual(problems, []);
});
