// An operation's encounters in Chromium as a field participant who may
// not read every case they went into (API.md "Who sees what"): the police
// (the lead) register a person into one of their own cases, the field
// organisation's member one into the group case. On a 390×844 phone the
// member's encounters table shows both rows, but the police case's row
// names no case, person or registering user ("Ärendet är inte tillgängligt
// för dig", no links), while the member's own row links to the person and
// the group case. Screenshot in /tmp/nmt-operations-restricted.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login, apiCaller, openPage,
} from './helpers.mjs';

const FIELD_ORG = 'SOC-0181';   // Södertälje's social services
let server;
let browser;
let page;
const problems = [];

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	page = await openPage(browser, problems);
});

after(async () => {
	await browser?.close();
	await server?.stop();
});

test('a field member sees the other case\'s encounter as restricted, with no case, person or creator', async () => {
	const frida = server.ctl('user', 'add', '--username', 'frida', '--display-name', 'Frida Fält',
	    '--org', FIELD_ORG, '--role', 'member');
	server.ctl('user', 'add', '--username', 'pelle', '--display-name', 'Pelle Polis',
	    '--org', 'POLISEN-STOCKHOLM', '--role', 'member');
	const anna = apiCaller(server, 'anna');
	const fridaApi = apiCaller(server, 'frida');
	const pelle = apiCaller(server, 'pelle');
	const today = new Date().toISOString().slice(0, 10);
	let op = await anna('POST', '/operations', { kind: 'operational', title: 'Kontroll i Södertälje',
		purpose: 'Hitta och stödja utsatta.', region: 'stockholm', starts_on: today, ends_on: today,
		lead: 'POLISEN-STOCKHOLM' });
	await anna('POST', `/operations/${op.id}/participants`, { organization: FIELD_ORG, role: 'field' });
	op = await anna('GET', `/operations/${op.id}`);
	await anna('PATCH', `/operations/${op.id}`, { status: 'active' }, { version: op.version });
	const policeCase = await pelle('POST', '/cases', { title: 'Polisens ärende', summary: 'Spaning',
		county: '01', exploitation: ['forced_labour'] });
	const hidden = await pelle('POST', `/operations/${op.id}/encounters`,
	    { pseudonym: 'Polisens-P1', gender: 'male', case: policeCase.id });
	const own = await fridaApi('POST', `/operations/${op.id}/encounters`,
	    { pseudonym: 'Fridas-F1', gender: 'female', needs: ['shelter'] });

	await page.setViewportSize({ width: 390, height: 844 });
	await page.goto(server.url);
	await login(page, frida);
	await page.evaluate((h) => { location.hash = h; }, `#/operations/${op.id}`);
	const rows = page.locator('#encounters-table tbody tr');
	await rows.nth(1).waitFor();
	assert.equal(await rows.count(), 2, 'both encounters are listed');
	const restricted = page.locator(`#encounters-table tbody tr[data-id="${hidden.id}"]`);
	assert.match(await restricted.innerText(), /Ärendet är inte tillgängligt för dig/);
	assert.equal(await restricted.locator('a').count(), 0, 'no link to a case or person');
	const mine = page.locator(`#encounters-table tbody tr[data-id="${own.id}"]`);
	assert.match(await mine.innerText(), /Fridas-F1/);
	assert.equal(await mine.locator(`a[href="#/cases/${own.case}"]`).count(), 1, 'the group case is linked');
	assert.equal(await mine.locator(`a[href="#/persons/${own.person}"]`).count(), 1);
	const html = await page.content();
	for (const secret of [policeCase.id, policeCase.number, hidden.person, 'Polisens-P1', 'pelle'])
		assert.ok(!html.includes(secret), `the page names nothing of the police case (${secret})`);
	await page.screenshot({ path: '/tmp/nmt-operations-restricted.png', fullPage: true });
	assert.deepEqual(problems, []);
});
