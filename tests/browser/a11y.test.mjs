// Accessibility by test: axe-core (tests/node_modules/axe-core) on every
// page of the UI, in Swedish and in English, with the dialogs and panels
// open where a user opens them: the login page, the case list, the new
// case form, the case page (person form, duplicate warning, edit form,
// team form, case log), the person page (identity shown, edit form), the
// not-found case, the audit log, the nödåtkomst grants, the page a role
// gets for what it cannot use, the start page, the guidance admin page,
// and intake: the consultation form and queue (coordinator), the form and
// "Mina konsultationer" (requester), each with the first-contact guidance
// and a search; and operations: the list, calendar, plan form, operation
// page and field form. Any violation fails; each page prints its
// violation count.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
	startServer, launchBrowser, login as loginAs, logout as logoutOf, apiCaller, createCaseWithPerson,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let server;
let browser;
let page;
let caseId;
let personId;
const users = {};
const results = [];   // {page, lang, violations}

// Runs axe on the page as it is now; records and prints the result.
async function check(name) {
	const lang = await page.evaluate(() => document.documentElement.lang);
	// The page's CSP admits only its own scripts: axe goes in through the
	// DevTools protocol, once per document.
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(AXE);
	const violations = await page.evaluate(async () => {
		// Every rule, the experimental ones too (label-content-name-mismatch:
		// a control's accessible name holds its visible text, WCAG 2.5.3).
		const rules = {};
		for (const rule of window.axe.getRules(['experimental']))
			rules[rule.ruleId] = { enabled: true };
		const r = await window.axe.run(document, { rules, resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
		}));
	});
	results.push({ page: name, lang, violations });
	console.log(`axe ${name} [${lang}]: ${violations.length} violation(s)`);
	for (const v of violations)
		console.log(`  ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

async function login(user) {
	await loginAs(page, user, server.url);
}

async function logout() {
	await logoutOf(page);
}

async function setLang(lang) {
	if (await page.evaluate(() => document.documentElement.lang) !== lang) {
		await page.click('#lang-switch');
		await page.waitForFunction((l) => document.documentElement.lang === l, lang);
	}
}

async function go(hash, ready) {
	await page.evaluate((h) => { location.hash = h; }, hash);
	await page.locator(ready).first().waitFor();
}

before(async () => {
	server = await startServer();
	users.coordinator = server.user;
	users.auditor = server.ctl('user', 'add', '--username', 'greta', '--display-name', 'Greta Granskare',
	    '--org', 'NMT', '--role', 'auditor');
	users.admin = server.ctl('user', 'add', '--username', 'adam', '--display-name', 'Adam Admin',
	    '--org', 'NMT', '--role', 'admin');
	users.police = server.ctl('user', 'add', '--username', 'polis', '--display-name', 'Pia Polis',
	    '--org', 'POLISEN-STOCKHOLM', '--role', 'member');
	users.requester = server.ctl('user', 'add', '--username', 'karin', '--display-name', 'Karin Kommun',
	    '--org', 'SOC-1280', '--role', 'requester');
	// Statistics (issue 12): the analyst.
	users.analyst = server.ctl('user', 'add', '--username', 'alva', '--display-name', 'Alva Analytiker',
	    '--org', 'NMT', '--role', 'analyst');
	const call = apiCaller(server, server.user.username);
	({ caseId, personId } = await createCaseWithPerson(call, {
		title: 'Bärplockare i Norrland', summary: 'Tips från kommunen.', county: '01', exploitation: ['forced_labour'],
	}, {
		pseudonym: 'Maria', gender: 'female', birth_year: 1990, citizenship: 'RO', languages: ['ro', 'en'],
		vulnerabilities: ['poverty'], identity: { full_name: 'Test Testsson', phone: '070-000 00 00' },
	}));
	// A consultation from the requester, for the queue and "Mina konsultationer".
	await apiCaller(server, 'karin')('POST', '/consultations', {
		channel: 'web', requester: { name: 'Karin Kommun' }, county: '01',
		question: 'En man sover på byggarbetsplatsen och får ingen lön.', concerns: ['forced_labour'],
		child_involved: false, urgency: 'acute', consent: 'none',
	});
	// A protected person in a case the coordinator's organisation does not
	// own, for the nödåtkomst section and a grant for the auditor's list.
	const polCall = apiCaller(server, 'polis');
	const pc = await polCall('POST', '/cases', {
		title: 'Skyddat ärende', summary: 'Skyddad person.', county: '01', exploitation: ['sexual'],
	});
	const pp = await polCall('POST', `/cases/${pc.id}/persons`, {
		pseudonym: 'Selma', gender: 'female', protected_identity: 'marked', identity: { full_name: 'Selma Skyddad' },
	});
	await polCall('POST', `/cases/${pc.id}/team`, { organization: 'RK-STOCKHOLM', access: 'full' });
	await call('POST', `/persons/${pp.id}/break-glass`,
	    { category: 'urgent_decision', reason: 'Behöver nå personen i dag inför ett möte med socialtjänsten.' });

	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('the login page, in both languages', async () => {
	await page.goto(server.url);
	await page.locator('#login-username').waitFor();
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await check('login');
		// A failed login shows its message.
		await page.fill('#login-username', 'nobody');
		await page.fill('#login-password', 'wrong');
		await page.fill('#login-code', '000000');
		await page.click('#login-submit');
		await page.locator('main [role="alert"]').first().waitFor();
		await check('login, failed');
	}
	await setLang('sv');
});

test('axe sees the language button\'s old fault (a name without its visible text)', async () => {
	await page.goto(server.url);
	await page.locator('#lang-switch').waitFor();
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(AXE);
	const ids = await page.evaluate(async () => {
		const old = document.createElement('button');
		old.type = 'button';
		old.setAttribute('aria-label', 'Byt språk till engelska');
		old.textContent = 'English';
		document.querySelector('.header-tools').append(old);
		try {
			const r = await window.axe.run(old, { runOnly: ['label-content-name-mismatch'] });
			return r.violations.map((v) => v.id);
		} finally {
			old.remove();
		}
	});
	assert.deepEqual(ids, ['label-content-name-mismatch']);
	// The button as it is now: "English – byt språk till engelska".
	assert.equal(await page.locator('#lang-switch').evaluate((b) => b.textContent), 'English – byt språk till engelska');
});

test('a coordinator\'s pages, in both languages', async () => {
	await login(users.coordinator);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/cases', '#cases-table, table');
		await check('case list');
		await go('#/cases/new', '#new-case-form');
		await check('new case form');
		await page.click('#case-submit');
		await page.locator('#new-case-form .form-summary :is(h2, ul, p)').first().waitFor();
		await check('new case form, errors');

		await go(`#/cases/${caseId}`, '#persons-table');
		await check('case page');
		await page.click('#add-person');
		await page.fill('#person-pseudonym', 'Maria');
		await page.selectOption('#person-gender', 'female');
		await page.selectOption('#person-languages-select', 'ro');
		await page.click('#person-languages-add');
		await page.click('#person-submit');
		await page.locator('#person-duplicate').waitFor();
		await check('case page, person form with the duplicate warning');
		await page.click('#add-person');
		await page.click('#edit-case');
		await page.locator('#edit-case-form').waitFor();
		await check('case page, edit form');
		await page.click('#edit-case');
		await page.click('#add-member');
		await check('case page, team form');
		await page.click('#add-member');
		// the task form, the inbox and the notifications
		await page.click('#send-task');
		await page.locator('#task-form').waitFor();
		await check('case page, task form');
		await page.click('#send-task');
		await go('#/tasks', '#tasks-received-heading');
		await check('tasks (inbox)');
		await go('#/notifications', '#notes-read-all');
		await check('notifications');
		const log = page.locator('#case-log-toggle, button[aria-controls*="case-log"]').first();
		if (await log.count()) {
			await log.click();
			await page.locator('#case-log-table, #case-log .empty-state, #case-log p').first().waitFor();
			await check('case page, case log');
		}

		await go(`#/persons/${personId}`, '#person-pseudonym');
		await page.locator('#pathway-steps').waitFor(); // the support pathway, loaded after the page
		await check('person page');
		await page.click('#show-identity');
		await check('person page, identity shown');
		await page.click('#edit-person');
		await page.locator('#edit-person-form').waitFor();
		await check('person page, edit form');
		await page.click('#edit-person');

		await go('#/cases/00000000-0000-4000-8000-000000000000', 'main [role="alert"], main .alert');
		await check('case not found');
	}
	await setLang('sv');
	await logout();
});

test('an auditor\'s pages and the page for what the role cannot use, in both languages', async () => {
	await login(users.auditor);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/audit', '#audit-table, main table');
		await check('audit log');
		await go('#/audit/break-glass', 'main table');
		await check('nödåtkomst grants');
		await go(`#/cases/${caseId}`, '#start-denied');
		await check('no case access');
	}
	await setLang('sv');
	await logout();
});

test('the start page and the guidance admin page, in both languages', async () => {
	await login(users.admin);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/start', '#start-heading');
		await check('start page');
		await go('#/guidance', '.guidance-admin-item');
		await check('guidance admin');
	}
	await setLang('sv');
	await logout();
});

test('intake: the consultation queue and form (coordinator), the form and own list (requester), both languages', async () => {
	await login(users.coordinator);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/consultations', '.kons-card');
		await page.locator('#guidance-body .guidance-item').first().waitFor();
		await check('consultation queue');
		// A refused search shows its message at the field.
		await page.fill('#kons-filter-q', '--');
		await page.locator('#kons-filter-q-error:not([hidden])').waitFor();
		await check('consultation queue, refused search');
		await page.fill('#kons-filter-q', '');
		await go('#/consultations/new', '#kons-question');
		await page.locator('#guidance-body .guidance-item').first().waitFor();
		await check('consultation form (coordinator)');
	}
	await setLang('sv');
	await logout();
	await login(users.requester);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/consultations/mine', '.kons-card');
		await page.locator('#guidance-body .guidance-item').first().waitFor();
		await check('my consultations');
		await go('#/consultations/new', '#kons-question');
		await page.locator('#guidance-body .guidance-item').first().waitFor();
		await check('consultation form (requester)');
	}
	await setLang('sv');
	await logout();
});

// Operations (punktinsatser): the list, the calendar, the plan form with a
// scenario chosen, the operation page with the participant form open, the
// field form with its errors and the first-contact guidance dialog.
test('operations: list, calendar, plan form, operation page and field form, both languages', async () => {
	const call = apiCaller(server, server.user.username);
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(new Date());
	const op = await call('POST', '/operations', {
		kind: 'operational', title: 'Byggarbetsplatser', purpose: 'Kontroll av arbetsvillkor.', region: 'stockholm',
		counties: ['01'], place: 'Södertälje', starts_on: today, ends_on: today, lead: 'POLISEN-STOCKHOLM',
	});
	await call('PATCH', `/operations/${op.id}`, { status: 'active' }, { version: op.version });
	await login(users.coordinator);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/operations', '#operations-table');
		await check('operations list');
		await page.click('#operations-mode-calendar');
		await page.locator('#operations-calendar-grid').waitFor();
		await check('operations calendar');
		await page.click('#operations-mode-list');
		await page.locator('#operations-table').waitFor();
		await go('#/operations/new', '#op-title');
		await page.selectOption('#op-scenario', { index: 1 });
		await page.locator('#scenario-checklist li').first().waitFor();
		await check('plan operation');
		await go(`#/operations/${op.id}`, '#summary-figures');
		await page.click('#participant-add');
		await page.locator('#participant-org').waitFor();
		await check('operation page');
		await go(`#/operations/${op.id}/field`, '#field-pseudonym');
		await page.click('#field-submit');
		await page.locator('#field-form .error-summary').waitFor();
		await check('field form, errors');
		await page.click('#field-guidance-open');
		await page.locator('#field-guidance .guidance-item').first().waitFor();
		await check('field form, guidance');
		await page.click('#field-guidance-close');
	}
	await setLang('sv');
	await logout();
});

// Statistics (issue 12): each tab with its result (a withheld cell: the
// one person of the seeded case), the trend's table shown.
test('the statistics page and its tabs, in both languages', async () => {
	await login(users.analyst);
	for (const lang of ['sv', 'en']) {
		await setLang(lang);
		await go('#/stats', '#stats-table');
		await check('statistics: table and chart');
		await page.click('#stats-tab-trend');
		await page.locator('#trend-chart').waitFor();
		await page.click('#trend-table-toggle');
		await check('statistics: trend with its table');
		await page.click('#stats-tab-eurostat');
		await page.locator('#eurostat-result table').first().waitFor();
		await check('statistics: Eurostat');
		await page.click('#stats-tab-national');
		await page.locator('#national-result table').first().waitFor();
		await check('statistics: national report');
		await page.click('#stats-tab-releases');
		await page.locator('#releases-budget').waitFor();
		await page.click('#release-submit');   // no ε: the message at the field
		await page.locator('#release-epsilon-error:not([hidden])').waitFor();
		await check('statistics: releases, refused ε');
		await page.fill('#release-epsilon', '0.1');
		await page.click('#release-submit');
		await page.locator(`#releases-table tbody tr:nth-child(${lang === 'sv' ? 1 : 2})`).waitFor();
		await page.locator('#release-table').waitFor();
		await check('statistics: a release and its counts');
	}
	await setLang('sv');
	await logout();
});

test('no page has an accessibility violation', () => {
	const langs = new Set(results.map((r) => r.lang));
	assert.deepEqual([...langs].sort(), ['en', 'sv'], 'both languages were checked');
	assert.ok(results.length >= 30, `${results.length} pages checked`);
	const bad = results.filter((r) => r.violations.length)
	    .map((r) => `${r.page} [${r.lang}]: ${r.violations.map((v) => v.id).join(', ')}`);
	assert.deepEqual(bad, []);
});
