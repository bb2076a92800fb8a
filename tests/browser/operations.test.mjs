// Operations (punktinsatser) in Chromium, the whole flow of issue 11: a
// regional coordinator plans an operation from the labour-exploitation
// site-inspection scenario (its checklist shown before and after saving),
// adds Södertälje's social services as a field participant and activates
// it; that organisation's member, on a 390×844 phone, registers three
// persons with the field form – the second while the browser is offline
// (queued, "1 väntar på att skickas", sent when the network is back) and
// the third after a reload that keeps what was typed – and the API then
// holds exactly three encounters; the coordinator completes the
// operation, records its outcome and evaluates it, and the field
// organisation's member can no longer open the operation's case (the page
// says not found, the API answers 404). "Ställ in" asks before it cancels.
// Screenshots in /tmp/nmt-operations-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, logout, apiCaller, openPage,
} from './helpers.mjs';

const FIELD_ORG = 'SOC-0181';   // Södertälje's social services
let server;
let browser;
let page;
let anna;          // the coordinator's API caller
let frida;         // the field member's API caller
let fridaUser;
let opId;
let caseId;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-operations-${name}.png`, fullPage: true });
}

async function go(hash, ready) {
	await page.evaluate((h) => { location.hash = h; }, hash);
	await page.locator(ready).first().waitFor();
}

before(async () => {
	server = await startServer();
	fridaUser = server.ctl('user', 'add', '--username', 'frida', '--display-name', 'Frida Fält',
	    '--org', FIELD_ORG, '--role', 'member');
	anna = apiCaller(server, 'anna');
	frida = apiCaller(server, 'frida');
	browser = await launchBrowser();
	page = await openPage(browser, problems, {
		// The requests this test makes fail on purpose: the stale tick
		// (412), the offline registration, the refused one (400) and the
		// case the field organisation has lost (404).
		expected: (text, where) => (/status of 401/.test(text) && where.endsWith('/api/v1/me')) ||
		    (/status of 412/.test(text) && where.endsWith(`/api/v1/operations/${opId}`)) ||
		    /ERR_INTERNET_DISCONNECTED/.test(text) ||
		    (/status of 400/.test(text) && where.endsWith('/encounters')) ||
		    (/status of 404/.test(text) && where.endsWith(`/api/v1/cases/${caseId}`)),
	});
	await page.goto(server.url);
	await login(page, server.user);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the coordinator plans an operation from the site-inspection scenario and activates it', async () => {
	await page.click('#nav-operations');
	await page.locator('#operations-empty').waitFor();
	await page.click('#operations-new');
	await page.locator('#op-scenario').waitFor();
	const scenarios = await page.locator('#op-scenario option').evaluateAll((os) => os.map((o) => [o.value, o.textContent]));
	const labour = scenarios.find(([v, text]) => v && /arbetsplats|arbetskraft|arbetsmiljö/i.test(text));
	assert.ok(labour, `a labour site-inspection scenario among ${JSON.stringify(scenarios)}`);
	await page.selectOption('#op-scenario', labour[0]);
	const planned = await page.locator('#scenario-checklist li').allTextContents();
	assert.ok(planned.length >= 3, `the scenario's checklist is shown: ${planned}`);
	assert.ok((await page.locator('#scenario-participants li').count()) >= 3, 'and its suggested participants');
	assert.equal(await page.inputValue('#op-title'), labour[1], 'the title starts as the scenario\'s name');
	await page.fill('#op-title', 'Byggarbetsplatser i Södertälje');
	await page.fill('#op-purpose', 'Kontroll av arbetsvillkor tillsammans med Arbetsmiljöverket.');
	await page.check('#op-counties-host input[value="01"]');
	await page.fill('#op-place', 'Södertälje');
	await page.selectOption('#op-lead', 'POLISEN-STOCKHOLM');
	// A last day before the first is caught before sending.
	await page.fill('#op-ends-on', '2020-01-01');
	await page.click('#operation-submit');
	await page.locator('#operation-form .error-summary').waitFor();
	assert.match(await page.textContent('#operation-form .error-summary'), /Sista dag kan inte vara före första dag/);
	await page.fill('#op-ends-on', await page.inputValue('#op-starts-on'));
	const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/operations'));
	await page.click('#operation-submit');
	const body = JSON.parse((await request).postData());
	assert.equal(body.scenario, labour[0]);
	assert.deepEqual(body.counties, ['01']);
	await page.locator('#operation-checklist').waitFor();
	opId = /#\/operations\/([^/]+)$/.exec(page.url())[1];
	assert.equal(await page.getAttribute('#operation-status .badge', 'data-status'), 'planned');
	assert.deepEqual(await page.locator('#operation-checklist label').allTextContents(), planned,
	    'the operation starts with the scenario\'s checklist');
	assert.equal(await page.locator('#operation-field').count(), 0, 'no field registration while planned');

	// Tick a checklist point (PATCH with If-Match). A click, not check():
	// the page draws the checklist again from the answer, and check() would
	// find its checkbox replaced and click the new one (at the same place)
	// again.
	const patch = page.waitForRequest((r) => r.method() === 'PATCH');
	await page.locator('#operation-checklist input').first().click();
	assert.match((await patch).headers()['if-match'], /^"\d+"$/);
	// The page is drawn again from the answer: the count follows.
	await page.locator('#checklist-count', { hasText: /^1 av \d+ klara$/ }).waitFor();
	assert.ok(await page.isChecked('#operation-checklist input >> nth=0'));
	// Someone else changes the operation meanwhile: the next tick is refused
	// (412), the page says why and shows the operation as it now is.
	const now = await anna('GET', `/operations/${opId}`);
	await anna('PATCH', `/operations/${opId}`, { place: 'Södertälje hamn' }, { version: now.version });
	const refused = page.waitForResponse((r) => r.request().method() === 'PATCH');
	const reread = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith(`/operations/${opId}`));
	await page.locator('#operation-checklist input').nth(1).click();
	assert.equal((await refused).status(), 412, 'the tick at the old version is refused');
	assert.equal((await reread).status(), 200, 'the page reads the operation again');
	await page.locator('#operation-messages .alert-warn', { hasText: 'Någon annan har ändrat insatsen' }).waitFor();
	await page.locator('#operation-body', { hasText: 'Södertälje hamn' }).waitFor();
	assert.equal(await page.isChecked('#operation-checklist input >> nth=1'), false, 'the refused tick is not shown as done');
	assert.match(await page.textContent('#checklist-count'), /^1 av \d+ klara$/);

	// Södertälje's social services join the field work.
	await page.click('#participant-add');
	await page.selectOption('#participant-org', FIELD_ORG);
	await page.selectOption('#participant-role', 'field');
	await page.click('#participant-submit');
	await page.locator(`#participants-table tr[data-org="${FIELD_ORG}"][data-role="field"]`).waitFor();
	await shot('planned');

	await page.click('#operation-to-active');
	await page.locator('#operation-status .badge[data-status="active"]').waitFor();
	assert.ok(await page.locator('#operation-field').isVisible(), '"Registrera i fält" while active');
	assert.deepEqual(await page.locator('#operation-steps button').allTextContents(), ['Avsluta', 'Ställ in']);
	const op = await anna('GET', `/operations/${opId}`);
	assert.equal(op.status, 'active');

	// The month calendar: the operation a link on its day; months change
	// with the keyboard.
	await page.click('#nav-operations');
	await page.click('#operations-mode-calendar');
	const day = page.locator(`#operations-calendar-grid td[data-date="${op.starts_on}"] a[data-id="${opId}"]`);
	await day.waitFor();
	const month = await page.textContent('#operations-month');
	await page.focus('#operations-next');
	await page.keyboard.press('Enter');
	await page.locator('#operations-month', { hasNotText: month }).waitFor();
	assert.equal(await day.count(), 0);
	assert.equal(await page.evaluate(() => document.activeElement.id), 'operations-next');
	await page.keyboard.press('Shift+Tab');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'operations-prev');
	await page.keyboard.press('Enter');
	await day.waitFor();
	await shot('calendar');
	await page.click('#operations-mode-list');
	await logout(page);
});

// One registration through the form: pseudonym, gender, age, a need and
// citizenship; returns when the form is cleared for the next person.
async function fill(pseudonym, { gender, age, citizenship }) {
	await page.fill('#field-pseudonym', pseudonym);
	await page.click(`#field-gender label[for="field-gender-${gender}"]`);
	await page.click(`#field-age label[for="field-age-${age}"]`);
	await page.locator('#field-needs label').first().click();
	await page.fill('#field-citizenship', citizenship);
}

test('a field member registers three persons on a phone, one of them offline', async () => {
	await page.setViewportSize({ width: 390, height: 844 });
	await login(page, fridaUser);
	await page.click('#nav-operations');
	assert.equal(await page.locator('#operations-new').count(), 0, 'members do not plan operations');
	await page.locator(`#operations-table a[data-id="${opId}"]`).click();
	await page.click('#operation-field');
	await page.locator('#field-pseudonym:focus').waitFor();

	// One screen for one thumb: no sideways scrolling, "Registrera" fixed at
	// the bottom, every control at least 44 px tall.
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
	const submit = await page.locator('#field-submit').boundingBox();
	assert.ok(submit.y + submit.height <= 844 && submit.y + submit.height >= 844 - 40, `submit at the bottom: ${JSON.stringify(submit)}`);
	const small = await page.$$eval('#field-form .chip label, #field-form button, #field-form input[type="text"], #field-guidance-open',
	    (els) => els.filter((e) => e.getBoundingClientRect().height < 44).map((e) => e.id || e.htmlFor || e.textContent));
	assert.deepEqual(small, [], 'touch targets of at least 44 px');

	await fill('Ana', { gender: 'female', age: '18-24', citizenship: 'Rumänien' });
	// Languages by name: typed, picked, shown as a chip with "Ta bort".
	await page.fill('#field-language', 'rumänska');
	await page.press('#field-language', 'Enter');
	await page.locator('#field-languages button[data-code="ro"]').waitFor();
	await shot('field-phone');
	const first = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/encounters'));
	await page.click('#field-submit');
	const firstBody = JSON.parse((await first).postData());
	assert.deepEqual({ ...firstBody, client_ref: undefined }, {
		pseudonym: 'Ana', gender: 'female', age_estimate: 21, citizenship: 'RO', languages: ['ro'],
		needs: [firstBody.needs[0]], client_ref: undefined,
	});
	assert.match(firstBody.client_ref, /^[0-9a-f-]{36}$/);
	await page.locator('#field-confirm:text("Registrerad.")').waitFor();
	await page.locator('#field-count:text("1 person registrerad i insatsen")').waitFor();
	assert.equal(await page.inputValue('#field-pseudonym'), '', 'the form is cleared');

	// The network drops: the registration waits in the browser.
	await browser.context.setOffline(true);
	await fill('Bogdan', { gender: 'male', age: '16-17', citizenship: 'Moldavien' });
	await page.click('#field-submit');
	await page.locator('#field-waiting:has-text("1 väntar på att skickas")').waitFor();
	const queued = await page.evaluate(() => Object.entries(localStorage)
	    .filter(([k]) => k.startsWith('nmt.field.queue.')).map(([, v]) => JSON.parse(v)));
	assert.equal(queued.length, 1);
	assert.equal(queued[0].length, 1);
	assert.match(queued[0][0].client_ref, /^[0-9a-f-]{36}$/);
	assert.deepEqual(Object.keys(queued[0][0].body).sort(), ['age_estimate', 'citizenship', 'gender', 'needs', 'pseudonym']);
	assert.equal(queued[0][0].body.age_estimate, 17, 'a 16–17 year old is sent as a child');
	await shot('field-offline');

	// Back online: the queue goes by itself, with its client_ref.
	const resend = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/encounters'));
	await browser.context.setOffline(false);
	const sent = JSON.parse((await resend).postData());
	assert.equal(sent.client_ref, queued[0][0].client_ref);
	assert.equal(sent.pseudonym, 'Bogdan');
	await page.locator('#field-confirm:text("Den väntande registreringen är skickad.")').waitFor();
	await page.locator('#field-waiting').waitFor({ state: 'detached' });
	await page.locator('#field-count:text("2 personer registrerade i insatsen")').waitFor();

	// What is typed survives a reload.
	await fill('Cosmin', { gender: 'male', age: '25-34', citizenship: 'Rumänien' });
	await page.reload();
	await page.locator('#field-pseudonym').waitFor();
	await page.locator('#field-count:text("2 personer registrerade i insatsen")').waitFor();
	assert.equal(await page.inputValue('#field-pseudonym'), 'Cosmin');
	assert.ok(await page.isChecked('#field-gender-male'));
	assert.equal(await page.inputValue('#field-citizenship'), 'Rumänien');
	await page.click('#field-submit');
	await page.locator('#field-count:text("3 personer registrerade i insatsen")').waitFor();

	// The first-contact guidance, one tap away.
	await page.click('#field-guidance-open');
	await page.locator('#field-guidance .guidance-item').first().waitFor();
	await page.click('#field-guidance-close');

	// A waiting registration the server refuses (an invisible character in
	// the pseudonym, which the form does not check) keeps the server's
	// reason and is not sent again by itself.
	let danPosts = 0;
	page.on('request', (r) => {
		if (r.method() === 'POST' && r.url().endsWith('/encounters') && /Dan/.test(r.postData() || ''))
			danPosts += 1;
	});
	await browser.context.setOffline(true);
	await fill('Dan\u200b', { gender: 'male', age: '35-49', citizenship: 'Rumänien' });
	await page.click('#field-submit');
	await page.locator('#field-waiting:has-text("1 väntar på att skickas")').waitFor();
	await browser.context.setOffline(false);
	const refused = page.locator('#field-refused li');
	await refused.waitFor();
	assert.match(await refused.textContent(), /^Dan.*: Pseudonym: \S/);
	assert.equal(await page.locator('#field-waiting').count(), 0);
	await page.reload();
	await page.locator('#field-refused li').waitFor();
	await page.locator('#field-count:text("3 personer registrerade i insatsen")').waitFor();
	assert.equal(danPosts, 1, 'a refused entry is not sent again on opening the page');
	await page.click('#field-refused button[data-action="drop"]');
	await page.locator('#field-refused').waitFor({ state: 'detached' });
	assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('nmt.field.queue.')).length), 0);

	const list = await anna('GET', `/operations/${opId}/encounters`);
	assert.deepEqual(list.items.map((e) => e.pseudonym).sort(), ['Ana', 'Bogdan', 'Cosmin'], 'exactly three, no duplicate');
	assert.equal(new Set(list.items.map((e) => e.person)).size, 3);
	caseId = list.items[0].case;
	assert.ok(list.items.every((e) => e.case === caseId), 'all in the operation\'s case');
	// The field organisation reads the case while the operation runs.
	await frida('GET', `/cases/${caseId}`);
	await go(`#/cases/${caseId}`, '#persons-heading');
	await logout(page);
	await page.setViewportSize({ width: 1280, height: 860 });
});

test('the coordinator completes the operation and the field organisation loses the case', async () => {
	await login(page, server.user);
	await go(`#/operations/${opId}`, '#operation-steps');
	await page.locator('#encounters-table tbody tr').nth(2).waitFor();
	await page.locator('#summary-figures').waitFor();
	await shot('active');
	await page.click('#operation-to-completed');
	await page.locator('#operation-status .badge[data-status="completed"]').waitFor();
	assert.equal(await page.locator('#operation-field').count(), 0);
	await page.locator('#outcome-heading').waitFor();
	assert.deepEqual(await page.locator('#operation-steps button').allTextContents(), ['Utvärdera']);
	// Follow-up: the outcome, then the evaluation.
	await page.click('#outcome-edit');
	await page.fill('#outcome-met', '12');
	await page.fill('#outcome-after', 'Tre personer fick skyddat boende samma kväll.');
	await page.fill('#outcome-lessons-input', 'Boka tolk för rumänska i förväg.');
	await page.click('#outcome-submit');
	await page.locator('#outcome-persons-met:text("12")').waitFor();
	const done = await anna('GET', `/operations/${opId}`);
	assert.deepEqual(done.outcome, {
		persons_met: 12, after_action: 'Tre personer fick skyddat boende samma kväll.',
		lessons: 'Boka tolk för rumänska i förväg.',
	});
	await shot('completed');
	await page.click('#operation-to-evaluated');
	await page.locator('#operation-status .badge[data-status="evaluated"]').waitFor();
	assert.equal(await page.locator('#operation-steps button').count(), 0);
	await logout(page);

	await login(page, fridaUser);
	await go(`#/cases/${caseId}`, '.alert');
	assert.match(await page.textContent('#view'), /finns inte/);
	const r = await fetch(`${server.url}/api/v1/cases/${caseId}`, { headers: frida.auth });
	assert.equal(r.status, 404);
	assert.deepEqual(problems, []);
});

test('"Ställ in" asks first; kept, then cancelled', async () => {
	await logout(page);
	await login(page, server.user);
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(new Date());
	const op = await anna('POST', '/operations', {
		kind: 'structural', title: 'Kunskapsdag i Huddinge', purpose: 'Utbildning för socialtjänsten.',
		region: 'stockholm', starts_on: today, ends_on: today, lead: 'RK-STOCKHOLM',
	});
	await go(`#/operations/${op.id}`, '#operation-steps');
	assert.deepEqual(await page.locator('#operation-steps button').allTextContents(), ['Aktivera', 'Ställ in']);
	await page.click('#operation-to-cancelled');
	await page.locator('#operation-cancel-confirm:focus').waitFor();
	assert.match(await page.textContent('#operation-cancel-box'), /Vill du ställa in insatsen\?/);
	await page.click('#operation-cancel-keep');
	await page.locator('#operation-cancel-box').waitFor({ state: 'detached' });
	assert.equal((await anna('GET', `/operations/${op.id}`)).status, 'planned', 'nothing changed without the confirmation');
	await page.click('#operation-to-cancelled');
	await page.click('#operation-cancel-confirm');
	await page.locator('#operation-status .badge[data-status="cancelled"]').waitFor();
	assert.equal(await page.locator('#operation-steps button').count(), 0);
	assert.equal((await anna('GET', `/operations/${op.id}`)).status, 'cancelled');
	assert.deepEqual(problems, []);
});
