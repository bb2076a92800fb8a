// Browser test of the indicator assessment page (#/persons/<id>/assessment):
// reached from the person page, the caveat and the context (vulnerability
// factors), the default set, indicators ticked with the keyboard and the live
// result that follows them and explains itself, provisional weights marked,
// saving, the history newest first with the differences between assessments,
// English, the page on a phone, and axe-core on the page in both languages.
// Screenshots go to /tmp/nmt-scr-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, apiCaller, createCaseWithPerson, openPage, axeViolations,
} from './helpers.mjs';

let server;
let browser;
let page;
let apiCall;
let personId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-scr-${name}.png`, fullPage: true });
}

// axe-core's violations on the page as it is now (every rule, as a11y.test.mjs runs it).
const liveResult = () => page.locator('#live-result').innerText();

// Ticks an indicator with the keyboard (focus, Space).
async function tick(id) {
	await page.focus(`#ind-${id}`);
	await page.keyboard.press('Space');
	assert.equal(await page.isChecked(`#ind-${id}`), true, id);
}

before(async () => {
	server = await startServer();
	apiCall = apiCaller(server, server.user.username);
	({ personId } = await createCaseWithPerson(apiCall, {
		title: 'Bärplockning', summary: 'Arbetskraft', county: '01', exploitation: ['forced_labour'],
	}, {
		pseudonym: 'Ana', gender: 'female', age_estimate: 30, vulnerabilities: ['poverty', 'small_network'],
	}));

	browser = await launchBrowser();
	page = await openPage(browser, problems, { expected: (text) => /status of 401/.test(text) });
	await page.goto(server.url);
	await login(page, server.user);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('filling in an assessment: live result, saving, history with differences', async () => {
	await page.goto(`${server.url}/#/persons/${personId}`);
	await page.click('#open-screening');
	await page.locator('#assessment-form').waitFor();
	assert.match(await page.locator('#screen-caveat').innerText(), /avgör aldrig/);
	assert.equal(await page.locator('#context-vulnerabilities').innerText(),
	    'Fattigdom, Litet eller obefintligt socialt nätverk');
	assert.equal(await page.locator('#context-child').innerText(), 'Nej');
	// The default set: an adult, labour exploitation.
	assert.equal(await page.inputValue('#assessment-set'), 'adult-labour');
	assert.equal(await page.locator('#assessment-none').innerText(), 'Personen har inte bedömts ännu.');
	assert.equal(await liveResult(), 'Inga indikationer');

	// The weight is shown beside each indicator.
	assert.match(await page.locator('label[for="ind-d1-nature"]').innerText(), /Stark/);
	assert.match(await page.locator('label[for="ind-d1-wages"]').innerText(), /Medel/);
	await tick('d1-nature');
	assert.equal(await liveResult(), 'Indikationer på människohandel');
	// D1 has no second strong indicator: only a medium or weak one can make it positive.
	assert.equal(await page.locator('#live-explanation li[data-part="D1"]').innerText(),
	    'D1 är inte positiv. Det som saknas: en medelstark eller svag.');
	await tick('d1-wages');
	assert.match(await page.locator('#dim-status-D1').innerText(), /^Positiv/);
	await tick('d4-hours');
	await tick('d4-pay');
	assert.match(await page.locator('#live-explanation li[data-part="rule"]').innerText(),
	    /Det som saknas: en positiv D5 eller D6\.$/);
	await tick('d5-documents');
	await tick('d5-violence');
	assert.equal(await liveResult(), 'Förmodat offer för människohandel');
	const liveExplanation = await page.locator('#live-explanation').innerText();

	// Provisional weights are marked in the sexual sets; the ticks are kept across sets.
	await page.selectOption('#assessment-set', 'adult-sexual');
	assert.ok(await page.locator('#dim-D2 .badge-provisional').count() > 0, 'provisional weights marked');
	assert.equal(await page.locator('#dim-D1 .badge-provisional').count(), 1, 'only D1\'s weak item is unconfirmed');
	await shot('sexual-set');
	await page.selectOption('#assessment-set', 'adult-labour');
	assert.equal(await page.locator('.badge-provisional').count(), 0);
	assert.equal(await page.isChecked('#ind-d5-violence'), true);
	await page.fill('#assessment-note', 'Första samtalet');
	await shot('form');
	await page.click('#assessment-submit');
	await page.locator('#assessment-1').waitFor();
	assert.equal(await page.locator('#assessment-1-result').innerText(), 'Förmodat offer för människohandel');
	assert.match(await page.locator('#assessment-1').innerText(), /Första bedömningen av personen\./);
	// The server's explanation is the one the live panel showed.
	await page.click('#assessment-1 summary');
	assert.equal(await page.locator('#assessment-1-explanation').innerText(), liveExplanation);
	// The form is empty again.
	assert.equal(await page.isChecked('#ind-d1-nature'), false);
	assert.equal(await liveResult(), 'Inga indikationer');

	// A second assessment: fewer indicators; the history is newest first and says what changed.
	await tick('d1-nature');
	await tick('d1-wages');
	await page.click('#assessment-submit');
	await page.locator('#assessment-2').waitFor();
	const cards = await page.locator('#assessment-list article').evaluateAll((els) => els.map((e) => e.id));
	assert.deepEqual(cards, ['assessment-2', 'assessment-1']);
	const diff = await page.locator('#assessment-2 .diff').innerText();
	assert.match(diff, /Resultat: Förmodat offer för människohandel → Indikationer på människohandel/);
	assert.match(diff, /Borttaget: Orimligt många arbetsdagar eller arbetstimmar; Låg eller ingen lön; /);
	assert.doesNotMatch(diff, /Tillkommit/);
	// The first is as it was.
	assert.equal(await page.locator('#assessment-1-result').innerText(), 'Förmodat offer för människohandel');
	const stored = await apiCall('GET', `/persons/${personId}/assessments`);
	assert.deepEqual(stored.items.map((a) => [a.seq, a.result, a.note]),
	    [[2, 'indications', null], [1, 'presumed_victim', 'Första samtalet']]);
	await shot('history');

	await page.click('#assessment-2 summary');
	assert.deepEqual(await axeViolations(page), [], 'axe, Swedish');

	// English.
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'en');
	await page.locator('#assessment-2').waitFor();
	assert.deepEqual(await axeViolations(page), [], 'axe, English');
	assert.equal(await page.locator('#assessment-2-result').innerText(), 'Indications of trafficking');
	assert.match(await page.locator('#screen-caveat').innerText(), /never decide/);
	await page.click('#lang-switch');
	await page.waitForFunction(() => document.documentElement.lang === 'sv');
	assert.deepEqual(problems, []);
});

test('on a phone the page fits the screen and the live result comes before the indicators', async () => {
	await page.setViewportSize({ width: 390, height: 844 });
	try {
		await page.goto(`${server.url}/#/persons/${personId}/assessment`);
		await page.locator('#assessment-2').waitFor();
		const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
		assert.ok(widths[0] <= widths[1], `no sideways scrolling: ${widths}`);
		const order = await page.evaluate(() => {
			const live = document.getElementById('live-panel').getBoundingClientRect().top;
			const groups = document.getElementById('dimension-groups').getBoundingClientRect().top;
			return live < groups;
		});
		assert.ok(order, 'the result panel is above the indicators');
		await shot('phone');
	} finally {
		await page.setViewportSize({ width: 1280, height: 860 });
	}
	assert.deepEqual(problems, []);
});
