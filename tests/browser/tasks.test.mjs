// Tasks (uppdrag) in Chromium: a regional coordinator sees the team suggestions on a case and
// sends a task to MIGRATIONSVERKET; a Migration Agency member sees the notification count in
// the header and accepts the task in its inbox ("Uppdrag") with the keyboard; the coordinator
// sees it accepted on the case and gets its notification. Then "Lägg till föreslagna" adds
// the suggested organizations to the team. Screenshots in /tmp/nmt-tasks-*.png (one on a
// phone's width).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, logout, apiCaller, createCaseWithPerson, openPage,
} from './helpers.mjs';

let server;
let browser;
let page;
let call;
let caseId;
let mia;
const problems = [];

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-tasks-${name}.png`, fullPage: true });
}

before(async () => {
	server = await startServer();
	call = apiCaller(server, 'anna');
	mia = server.ctl('user', 'add', '--username', 'mia', '--display-name', 'Mia Mattsson',
	    '--org', 'MIGRATIONSVERKET', '--role', 'member');
	({ caseId } = await createCaseWithPerson(call, {
		title: 'Bärplockare i Norrtälje', summary: 'Arbetare utan lön.', county: '01', exploitation: ['forced_labour'],
	}, { pseudonym: 'Person T', gender: 'male', citizenship: 'TH' }));
	browser = await launchBrowser();
	page = await openPage(browser, problems);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await login(page, server.user);
	await page.locator('#suggestions-heading').waitFor();
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('the coordinator sees the suggestions and sends a task to the Migration Agency', async () => {
	// The suggestions are read when asked for (each reading is audited).
	assert.equal(await page.getAttribute('#suggest-show', 'aria-expanded'), 'false');
	await page.click('#suggest-show');
	const list = page.locator('#suggest-list');
	await list.waitFor();
	const mig = list.locator('li[data-org="MIGRATIONSVERKET"]');
	assert.match(await mig.textContent(), /Migrationsverket.*Medborgare utanför EU\/EES/);
	assert.match(await list.locator('li[data-org="ARBETSMILJOVERKET"]').textContent(), /Arbetskraftsexploatering/);
	assert.match(await list.locator('li[data-org="POLISEN-STOCKHOLM"]').textContent(), /Misstänkt brott/);
	await page.locator('#case-tasks-empty').waitFor();
	await page.click('#send-task');
	await page.locator('#task-form').waitFor();
	const unlabelled = await page.$$eval('#task-form input, #task-form select, #task-form textarea',
	    (els) => els.filter((e) => e.labels.length === 0).map((e) => e.name || e.id));
	assert.deepEqual(unlabelled, []);
	// Nothing chosen: caught before sending.
	await page.click('#task-submit');
	await page.locator('#task-form .error-summary').waitFor();
	await page.selectOption('#task-organization', 'MIGRATIONSVERKET');
	await page.fill('#task-title', 'Bedöm betänketid');
	await page.fill('#task-description', 'Personen har ansökt om betänketid.');
	await page.selectOption('#task-access', 'pseudonymous');
	assert.deepEqual((await page.locator('#task-person option').allTextContents()), ['Ingen särskild person', 'Person T']);
	await page.selectOption('#task-person', { label: 'Person T' });
	const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/tasks'));
	await page.click('#task-submit');
	const body = JSON.parse((await request).postData());
	assert.equal(body.organization, 'MIGRATIONSVERKET');
	assert.equal(body.access, 'pseudonymous');
	assert.equal(body.title, 'Bedöm betänketid');
	const row = page.locator('#case-tasks-table tbody tr').first();
	await row.waitFor();
	assert.equal(await row.getAttribute('data-status'), 'requested');
	assert.match(await row.textContent(), /Bedöm betänketid.*Migrationsverket.*Skickat/s);
	assert.ok(await row.locator('button[data-action="revoke"]').isVisible(), 'the sender may revoke');
	// The Migration Agency is on the team now, through the task, and no longer suggested.
	await page.locator('#team-table').getByText('Migrationsverket').first().waitFor();
	await page.locator('#suggest-list li[data-org="MIGRATIONSVERKET"]').waitFor({ state: 'detached' });
	await shot('case-sent');
});

test('the Migration Agency member sees the notification and accepts the task in its inbox', async () => {
	await logout(page);
	await login(page, mia);
	await page.locator('#notify-count').waitFor();
	assert.equal((await page.textContent('#notify-count')).trim(), '1');
	await page.click('#nav-tasks');
	const row = page.locator('#tasks-received tbody tr').first();
	await row.waitFor();
	assert.match(await row.textContent(), /Bedöm betänketid/);
	assert.equal(await page.locator('#tasks-sent-empty').isVisible(), true);
	await page.setViewportSize({ width: 390, height: 844 });
	await shot('inbox-phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	// With the keyboard: focus "Acceptera" and press Enter.
	await row.locator('button[data-action="accept"]').focus();
	const accepted = page.waitForResponse((r) => r.url().endsWith('/accept') && r.status() === 200);
	await page.keyboard.press('Enter');
	await accepted;
	await page.locator('#tasks-received tbody tr[data-status="accepted"]').waitFor();
	assert.match(await page.textContent('#status'), /Uppdraget har accepterats/);
	const after = page.locator('#tasks-received tbody tr').first();
	assert.ok(await after.locator('button[data-action="complete"]').isVisible(), 'now it may be completed');
	// The notification opens the task.
	await page.click('#nav-notifications');
	const note = page.locator('#notes-table tbody tr[data-kind="task_new"] a');
	await note.waitFor();
	await note.click();
	await page.locator('#task-heading').waitFor();
	assert.equal((await page.textContent('#task-heading')).trim(), 'Bedöm betänketid');
	assert.ok(!(await page.title()).includes('Bedöm'), 'no task text in the page title');
	await page.locator('#notify-count').waitFor({ state: 'detached' });
	await shot('task');
});

test('the coordinator sees the task accepted and its notification', async () => {
	await logout(page);
	await login(page, server.user);
	await page.locator('#notify-count').waitFor();
	assert.equal((await page.textContent('#notify-count')).trim(), '1');
	await page.goto(`${server.url}/#/cases/${caseId}`);
	const row = page.locator('#case-tasks-table tbody tr').first();
	await row.waitFor();
	assert.equal(await row.getAttribute('data-status'), 'accepted');
	assert.match(await row.textContent(), /Accepterat/);
	await shot('case-accepted');
});

test('"Lägg till föreslagna" adds the suggested organizations to the team', async () => {
	// While the suggestions are on their way there is nothing to add: no button to press.
	let release;
	const held = new Promise((r) => { release = r; });
	let asked;
	const asking = new Promise((r) => { asked = r; });
	await page.route('**/team/suggestions', async (route) => { asked(); await held; await route.continue(); });
	await page.click('#suggest-show');
	await asking;
	await page.locator('#suggest-panel').waitFor();
	assert.equal(await page.locator('#suggest-add').isVisible(), false, 'no "add" before the suggestions are read');
	release();
	await page.locator('#suggest-add').waitFor();
	await page.unroute('**/team/suggestions');
	await page.selectOption('#suggest-access', 'pseudonymous');
	await page.click('#suggest-add');
	await page.locator('#suggest-empty').waitFor();
	const team = await page.locator('#team-table').textContent();
	for (const name of ['Arbetsmiljöverket', 'Skatteverket', 'Polismyndigheten – region Stockholm'])
		assert.ok(team.includes(name), `${name} on the team`);
	assert.equal(await page.locator('#suggest-add').isVisible(), false);
	await shot('suggested-added');
	assert.deepEqual(problems, []);
});
