// Case work in the UI: for each kind of user at the screen, the case page, its
// team rows and the person page offer exactly the actions the API's `allowed`
// lists, and none other; closing asks for a reason and reopening for one; the
// identity is fetched on demand and its reading is in the audit log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, login as loginAs, logout as logoutOf, apiCaller,
} from './helpers.mjs';

let server;
let browser;
let page;
const problems = [];
const users = {};
let caseId;
let personId;

const IDENTITY_NAME = 'Ana Exempelsson';

function addUser(username, org, role, region) {
	const args = ['user', 'add', '--username', username, '--display-name', `Test ${username}`,
		'--org', org, '--role', role];
	if (region)
		args.push('--region', region);
	const u = server.ctl(...args);
	u.call = apiCaller(server, username);
	return u;
}

async function login(user) {
	await loginAs(page, user, `${server.url}/`);
}

async function logout() {
	await logoutOf(page);
}

// The visible buttons of the page's main area, by id or (without one) text.
async function visibleButtons() {
	return page.$$eval('main button', (els) => els
	    .filter((b) => b.offsetParent !== null)
	    .map((b) => b.id || b.textContent.trim()));
}

// The actions the case page offers, read from what it shows.
const CASE_BUTTONS = {
	'edit-case': 'edit', 'add-person': 'add_person', 'add-member': 'add_member',
	'journal-submit': 'write_journal', Rätta: 'write_journal',
	// sending a task and adding the suggested organizations are changes of the team
	'send-task': 'add_member', 'suggest-show': 'add_member', 'suggest-add': 'add_member',
};
const NOT_ACTIONS = new Set(['case-log-toggle', 'case-history-toggle', 'guidance-toggle']);

async function caseActionsShown() {
	const shown = [];
	for (const b of await visibleButtons()) {
		if (CASE_BUTTONS[b])
			shown.push(CASE_BUTTONS[b]);
		else if (b === 'case-status-action') {
			const text = (await page.textContent('#case-status-action')).trim();
			shown.push(text === 'Avsluta ärendet' ? 'close' : text === 'Öppna ärendet igen' ? 'reopen' : `?${text}`);
		} else if (b !== 'Ta bort' && !NOT_ACTIONS.has(b)) {
			shown.push(`?${b}`);
		}
	}
	return [...new Set(shown)].sort();
}

const PERSON_BUTTONS = {
	'edit-person': 'edit', 'show-identity': 'reveal_identity', 'request-glass': 'break_glass',
	'log-first-contact': 'log_first_contact', 'pathway-submit': 'add_pathway_event',
};

async function personActionsShown() {
	return (await visibleButtons()).filter((b) => b !== 'person-history-toggle' && b !== 'guidance-toggle')
	    .map((b) => PERSON_BUTTONS[b] || `?${b}`).sort();
}

// The case page against the API's allowed, for the case and each team row.
async function checkCasePage(user) {
	const doc = await user.call('GET', `/cases/${caseId}`);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#team-table').waitFor();
	await page.locator('#journal-empty, #journal-entries').first().waitFor();
	assert.deepEqual(await caseActionsShown(), [...doc.allowed].filter((a) => a !== 'write_journal_full').sort(),
	    `${user.username}: case actions`);
	// The journal's form only with write_journal; "full access only" only with write_journal_full.
	assert.equal(await page.isVisible('#journal-form'), doc.allowed.includes('write_journal'),
	    `${user.username}: the journal form`);
	assert.equal(await page.locator('#journal-form input[name="visibility"][value="full"]').isVisible(),
	    doc.allowed.includes('write_journal_full'), `${user.username}: "Endast full åtkomst"`);
	for (const row of doc.team) {
		const removable = await page.locator(`#team-table tr[data-id="${row.id}"] button`, { hasText: 'Ta bort' }).count();
		assert.equal(removable, row.allowed.includes('remove_member') ? 1 : 0,
		    `${user.username}: "Ta bort" on ${row.organization}`);
	}
}

async function checkPersonPage(user) {
	const p = await user.call('GET', `/persons/${personId}`);
	await page.goto(`${server.url}/#/persons/${personId}`);
	await page.locator('#person-pseudonym').waitFor();
	await page.locator('#identity-heading, #protected-heading').first().waitFor();
	await page.locator('#first-contact-none, #first-contact-checks').first().waitFor();
	await page.locator('#pathway-steps').waitFor(); // the support pathway, loaded after the page
	// "assess" is offered on the person's screening page (#/persons/{id}/assessment), not here.
	assert.deepEqual(await personActionsShown(), [...p.allowed].filter((a) => a !== 'assess').sort(),
	    `${user.username}: person actions`);
	await page.goto(`${server.url}/#/persons/${personId}/assessment`);
	await page.locator('#assessment-history').waitFor();
	assert.equal(await page.locator('#assessment-submit').isVisible(), p.allowed.includes('assess'),
	    `${user.username}: the assessment form`);
}

before(async () => {
	server = await startServer();
	users.anna = { ...server.user, call: apiCaller(server, 'anna') };
	users.polis = addUser('polis', 'POLISEN-STOCKHOLM', 'member');
	users.soc = addUser('soc', 'SOS-AVV', 'member');
	users.migr = addUser('migr', 'MIGRATIONSVERKET', 'member');
	users.revisor = addUser('revisor', 'NMT', 'auditor');
	const c = await users.polis.call('POST', '/cases', {
		title: 'Arbete på byggarbetsplats', summary: 's', county: '01', exploitation: ['forced_labour'],
	});
	caseId = c.id;
	await users.polis.call('POST', `/cases/${caseId}/team`, { organization: 'SOS-AVV', access: 'full' });
	await users.polis.call('POST', `/cases/${caseId}/team`, { organization: 'MIGRATIONSVERKET', access: 'pseudonymous' });
	const p = await users.polis.call('POST', `/cases/${caseId}/persons`, {
		pseudonym: 'Person B', gender: 'male', identity: { full_name: IDENTITY_NAME, phone: '070-000 00 00' },
	});
	personId = p.id;

	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('each user is offered exactly what the API allows', async (t) => {
	for (const who of ['polis', 'anna', 'soc', 'migr']) {
		await t.test(who, async () => {
			await login(users[who]);
			await checkCasePage(users[who]);
			await page.screenshot({ path: `/tmp/nmt-casework-${who}-case.png`, fullPage: true });
			await checkPersonPage(users[who]);
			await page.screenshot({ path: `/tmp/nmt-casework-${who}-person.png`, fullPage: true });
			await logout();
		});
	}
	// The owner organisation's own row is never offered for removal.
	const doc = await users.polis.call('GET', `/cases/${caseId}`);
	assert.deepEqual(doc.team.find((r) => r.organization === 'POLISEN-STOCKHOLM').allowed, []);
	assert.deepEqual(problems, []);
});

test('close with a reason, the closed case offers only reopening, reopen with a reason', async () => {
	await login(users.polis);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#case-status-action').click();
	await page.selectOption('#case-closing-reason-select', 'other');
	// "Annat skäl" needs a note: told at the field, nothing sent.
	await page.click('#case-status-confirm');
	await page.locator('#case-status-form .error-summary').waitFor();
	assert.equal(await page.getAttribute('#case-closing-note', 'aria-invalid'), 'true');
	await page.fill('#case-closing-note', 'Personen har flyttat till Norge.');
	// On a phone the form fits the screen.
	await page.setViewportSize({ width: 390, height: 844 });
	assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 390), 'no sideways scrolling');
	await page.screenshot({ path: '/tmp/nmt-casework-close-form-phone.png', fullPage: true });
	await page.setViewportSize({ width: 1280, height: 860 });
	await page.click('#case-status-confirm');
	await page.locator('#case-status', { hasText: 'Avslutat' }).waitFor();
	assert.match(await page.textContent('#case-closing-reason'), /Annat skäl – Personen har flyttat till Norge\./);
	await page.screenshot({ path: '/tmp/nmt-casework-closed.png', fullPage: true });
	assert.deepEqual(await caseActionsShown(), ['reopen']);
	await checkCasePage(users.polis);
	await checkPersonPage(users.polis);
	await logout();
	for (const who of ['soc', 'migr']) {
		await login(users[who]);
		await checkCasePage(users[who]);
		assert.deepEqual(await caseActionsShown(), [], `${who} on a closed case`);
		await logout();
	}

	await login(users.anna);
	await page.goto(`${server.url}/#/cases/${caseId}`);
	await page.locator('#case-status-action', { hasText: 'Öppna ärendet igen' }).click();
	await page.click('#case-status-confirm');
	await page.locator('#case-status-form .error-summary').waitFor();
	await page.fill('#case-reopen-reason', 'Personen har återvänt till Sverige.');
	await page.click('#case-status-confirm');
	await page.locator('#case-status', { hasText: 'Öppet' }).waitFor();
	assert.deepEqual(await caseActionsShown(), ['add_member', 'add_person', 'close', 'edit', 'write_journal']);
	const doc = await users.anna.call('GET', `/cases/${caseId}`);
	assert.equal(doc.reopen_reason, 'Personen har återvänt till Sverige.');
	await logout();
	assert.deepEqual(problems, []);
});

test('the identity is fetched on demand, and the reading is audited', async () => {
	await login(users.soc);
	let reads = 0;
	page.on('request', (r) => {
		if (r.url().endsWith(`/api/v1/persons/${personId}/identity`))
			reads++;
	});
	await page.goto(`${server.url}/#/persons/${personId}`);
	await page.locator('#show-identity').waitFor();
	assert.equal(reads, 0, 'nothing fetched before asked');
	assert.equal(await page.locator('body', { hasText: IDENTITY_NAME }).count(), 0);
	await page.click('#show-identity');
	await page.locator('#identity-panel', { hasText: IDENTITY_NAME }).waitFor();
	assert.equal(reads, 1);
	await page.screenshot({ path: '/tmp/nmt-casework-identity.png', fullPage: true });
	await page.click('#show-identity');
	assert.equal(await page.locator('body', { hasText: IDENTITY_NAME }).count(), 0, 'dropped when hidden');
	await logout();
	const audit = await users.revisor.call('GET', `/audit?case=${caseId}&limit=200`);
	const entry = audit.items.find((e) => e.action === 'person.identity.read' && e.actor === 'soc');
	assert.ok(entry, 'the reveal is an audit entry');
	assert.equal(entry.object, `person:${personId}`);
	assert.equal(entry.flagged, false);
	assert.deepEqual(problems, []);
});
