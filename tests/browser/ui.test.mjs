// Browser test of the NMT web UI against the real nmtd (fresh database).
// Run: cd tests && npm install && node --test browser/   (NMT_BUILD_DIR selects the binaries)
// Screenshots of each main step go to /tmp/nmt-ui-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
	startServer, launchBrowser, freshTotp, login as loginAs, logout as logoutOf,
} from './helpers.mjs';

const CASE_TITLE = 'Bärplockare i Norrland';
const PSEUDONYM = 'Person A';
const FULL_NAME = 'Test Testsson';
const PERSONAL = [PSEUDONYM, FULL_NAME, CASE_TITLE];
// A protected identity in a case owned by another organisation (set up
// through nmtctl and the API, not the UI) and the reason for nödåtkomst.
const PROTECTED_CASE = 'Skyddat ärende';
const PROTECTED_NAME = 'Selma Skyddad';
const PROTECTED_ADDRESS = 'Hemlig gata 1';
const GLASS_REASON = 'Polisen behöver nå personen i dag inför ett förhör.\nKontakt via socialtjänsten har inte lyckats.';
PERSONAL.push(PROTECTED_CASE, PROTECTED_NAME, PROTECTED_ADDRESS, 'Polisen behöver');
// Editing (step 16): the case's new title and texts, someone else's change
// made through the API meanwhile, the person's new pseudonym and phone.
const NEW_TITLE = `${CASE_TITLE}, Arjeplog`;
const OTHER_SUMMARY = 'Ändrad via API: fler arbetare har hört av sig.';
const MY_TITLE = `${NEW_TITLE} (ändrad under tiden)`;
const NEW_PSEUDONYM = 'Person B';
const PHONE = '070-123 45 67';
PERSONAL.push(NEW_TITLE, 'Arjeplog', 'arbetsgivaren', NEW_PSEUDONYM, PHONE);
// Roles (step 17): an auditor and an administrator, created with nmtctl.
const ADMIN_TEXT = 'Användare och behörigheter hanteras med kommandot nmtctl på servern.';
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let server;
let browser;
let page;
let polisUser;           // the member who owns the protected case (nmtctl output)
const problems = [];     // console errors, page errors, CSP violations
const titles = [];       // every document.title seen
const urls = [];         // every URL navigated to

// Chromium logs every failed fetch as a console error. Expected ones: 401 from
// GET /me before login and after logout and from the deliberately failed
// login, 404 from the deliberately unknown case, 400 from the deliberately
// invalid team member, 400 from the deliberately empty nödåtkomst reason,
// 412 from the deliberately stale case edit and the simulated 403, 400 from
// the simulated refusal of an audit log filter, 503 from the simulated
// failure of the code lists.
const NOT_FOUND_CASE = '00000000-0000-4000-8000-000000000000';
const EXPECTED_FAILURES = [
	[401, /\/api\/v1\/(me|session)$/],
	[404, new RegExp(`/api/v1/cases/${NOT_FOUND_CASE}$`)],
	[400, /\/api\/v1\/cases\/[0-9a-f-]{36}\/team$/],
	[400, /\/api\/v1\/persons\/[0-9a-f-]{36}\/break-glass$/],
	[412, /\/api\/v1\/cases\/[0-9a-f-]{36}$/],
	[403, /\/api\/v1\/cases\/[0-9a-f-]{36}$/],
	[400, /\/api\/v1\/audit\?/],
	[503, /\/api\/v1\/vocabularies$/],
];

function expectedFailure(msg) {
	const m = /Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
	if (!m)
		return false;
	const where = (msg.location() && msg.location().url) || '';
	return EXPECTED_FAILURES.some(([status, re]) => Number(m[1]) === status && re.test(where));
}

async function shot(name) {
	await page.screenshot({ path: `/tmp/nmt-ui-${name}.png`, fullPage: true });
}

async function heading() {
	return (await page.locator('main h1').first().textContent()).trim();
}

async function recordTitle() {
	titles.push(await page.title());
}

// Signs in through the login form with a fresh TOTP code (each code is
// taken once per user); waits for the page the role starts at.
async function login(user) {
	await loginAs(page, user);
}

async function logout() {
	await logoutOf(page);
}

// The texts of the header's menu.
async function navTexts() {
	return (await page.locator('.site-nav a').allTextContents()).map((x) => x.trim());
}

before(async () => {
	server = await startServer();
	browser = await launchBrowser();
	page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(10000);
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) => {
			console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
		});
	});
	page.on('console', (msg) => {
		if (msg.type() !== 'error')
			return;
		if (!expectedFailure(msg))
			problems.push(`console: ${msg.text()} (${(msg.location() && msg.location().url) || ''})`);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	page.on('framenavigated', (f) => {
		if (f === page.mainFrame())
			urls.push(f.url());
	});
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('NMT web UI: login, cases, persons, team, search, language', async (t) => {
	let caseUrl;

	await t.test('the login page is served with a strict CSP', async () => {
		const res = await page.goto(`${server.url}/`);
		assert.equal(res.status(), 200);
		const csp = res.headers()['content-security-policy'] || '';
		assert.match(csp, /script-src 'self'/);
		assert.doesNotMatch(csp, /unsafe-inline/);
		assert.match(csp, /frame-ancestors 'none'/);
		await page.locator('#login-username').waitFor();
		assert.equal(await heading(), 'Logga in');
		assert.equal(await page.title(), 'Logga in – NMT');
		assert.equal(await page.getAttribute('html', 'lang'), 'sv');
		const code = page.locator('#login-code');
		assert.equal(await code.getAttribute('inputmode'), 'numeric');
		assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
		// Focus starts in the username field.
		assert.equal(await page.evaluate(() => document.activeElement.id), 'login-username');
		await shot('01-login');
	});

	await t.test('a failed login shows one generic message', async () => {
		await page.fill('#login-username', server.user.username);
		await page.fill('#login-password', 'not-the-password');
		await page.fill('#login-code', '000000');
		await page.click('#login-submit');
		const alert = page.locator('#login-error [role="alert"]');
		await alert.waitFor();
		assert.equal((await alert.textContent()).trim(),
		    'Inloggningen misslyckades. Kontrollera uppgifterna och försök igen.');
		await shot('02-login-failed');
	});

	await t.test('login with the keyboard (Enter) opens the case list', async () => {
		await page.fill('#login-username', server.user.username);
		await page.fill('#login-password', server.user.password);
		await page.fill('#login-code', await freshTotp(server.user.totp_secret));
		await page.press('#login-code', 'Enter');
		await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();
		assert.equal(await page.title(), 'Ärenden – NMT');
		assert.match(page.url(), /#\/cases$/);
		assert.equal((await page.textContent('#user-name')).trim(), 'Anna Andersson');
		assert.equal((await page.textContent('#user-role')).trim(), 'Koordinator');
		assert.ok((await page.textContent('#user-org')).trim().length > 0, 'organisation name shown');
		await page.locator('#cases-empty').waitFor({ state: 'visible' });
		assert.equal((await page.textContent('#cases-empty')).trim(), 'Det finns inga ärenden att visa.');
		// Focus moved to the page heading.
		assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
		// The region filter is filled from GET /api/v1/regions.
		assert.ok(await page.locator('#filter-region option').count() >= 8);
		await recordTitle();
		await shot('03-cases-empty');
	});

	await t.test('the new case form shows field errors', async () => {
		await page.click('#new-case');
		await page.locator('main h1', { hasText: 'Nytt ärende' }).waitFor();
		assert.equal(await page.title(), 'Nytt ärende – NMT');
		// Every control has a label.
		const unlabelled = await page.$$eval('main input, main select, main textarea',
		    (els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.name || e.id));
		assert.deepEqual(unlabelled, []);
		assert.equal(await page.locator('#case-county option').count(), 22, 'placeholder + 21 counties');
		assert.equal(await page.locator('fieldset.choice-group input[type="checkbox"]').count(), 12);
		await page.click('#case-submit');
		await page.locator('.error-summary').waitFor();
		assert.equal(await page.getAttribute('#case-title', 'aria-invalid'), 'true');
		const described = await page.getAttribute('#case-title', 'aria-describedby');
		assert.ok(described && described.includes('case-title-error'));
		assert.ok((await page.textContent('#case-title-error')).trim().length > 0);
		await shot('04-new-case-errors');
	});

	await t.test('creating a case opens its page with the case number', async () => {
		await page.fill('#case-title', CASE_TITLE);
		await page.fill('#case-summary', 'Säsongsarbetare från Thailand, ersättning uteblir.');
		await page.selectOption('#case-county', '25');
		assert.match(await page.locator('#case-county option:checked').textContent(), /Norrbotten/);
		await page.check('input[name="exploitation"][value="forced_labour"]');
		await page.click('#case-submit');
		await page.locator('#case-number').waitFor();
		await page.waitForFunction(() => /^NMT-\d{4}-\d{5}$/.test(document.querySelector('#case-number').textContent));
		caseUrl = page.url();
		assert.match(caseUrl, /#\/cases\/[0-9a-f-]{36}$/i);
		assert.equal(await page.title(), 'Ärende – NMT');
		assert.equal(await heading(), CASE_TITLE);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-heading');
		assert.match(await page.textContent('#case-county'), /Norrbotten/);
		assert.match(await page.textContent('#case-exploitation'), /Tvångsarbete/);
		assert.match(await page.textContent('#case-status'), /Öppet/);
		assert.match(await page.textContent('#status'), /Ärendet har skapats/);
		await recordTitle();
		await shot('05-case');
	});

	await t.test('code labels come from GET /api/v1/vocabularies, in both languages', async () => {
		const vocab = await page.evaluate(async () => (await fetch('/api/v1/vocabularies')).json());
		const labels = (list, lang) => vocab[list].map((x) => x.label[lang]);
		const labelOf = (list, code, lang) => vocab[list].find((x) => x.code === code).label[lang];
		const texts = async (sel) => (await page.locator(sel).allTextContents()).map((x) => x.trim());
		for (const lang of ['sv', 'en']) {
			if (lang === 'en') {
				await page.click('#lang-switch');
				await page.locator('#add-person', { hasText: 'Add person' }).waitFor();
			}
			assert.equal((await page.textContent('#user-role')).trim(), labelOf('roles', 'coordinator', lang));
			assert.equal((await page.textContent('#case-status')).trim(), labelOf('case_statuses', 'open', lang));
			assert.equal((await page.textContent('#case-exploitation li')).trim(),
			    labelOf('exploitation_forms', 'forced_labour', lang));
			await page.click('#add-person');
			assert.deepEqual(await texts('#person-gender option:not([value=""])'), labels('genders', lang));
			assert.deepEqual(await page.$$eval('#person-gender option:not([value=""])', (os) => os.map((o) => o.value)),
			    vocab.genders.map((x) => x.code));
			assert.deepEqual(await texts('#person-protected option'), labels('protection_levels', lang));
			await page.click('#add-member');
			assert.deepEqual(await texts('#member-access option'), labels('team_access', lang));
			assert.equal(await page.inputValue('#member-access'), 'pseudonymous');
			await page.click('#add-member');
			await page.click('#add-person');
		}
		assert.equal(labelOf('genders', 'female', 'en'), 'Female');
		await page.click('#lang-switch');
		await page.locator('#add-person', { hasText: 'Lägg till person' }).waitFor();
	});

	await t.test('without the code lists the page says so and "Försök igen" recovers', async () => {
		await page.route('**/api/v1/vocabularies', (route) => route.fulfill({
			status: 503, contentType: 'application/problem+json',
			body: JSON.stringify({ title: 'Service Unavailable', status: 503 }),
		}));
		await page.reload();
		await page.locator('#vocab-error').waitFor();
		assert.match(await page.textContent('#vocab-error'), /Kodlistorna .* kunde inte hämtas/);
		assert.equal(await heading(), 'Sidan kan inte visas');
		assert.equal(await page.locator('#case-number').count(), 0);
		await shot('05b-vocab-failed');
		await page.unroute('**/api/v1/vocabularies');
		await page.click('#vocab-retry');
		await page.locator('#case-number').waitFor();
		assert.equal(await heading(), CASE_TITLE);
		assert.equal((await page.textContent('#user-role')).trim(), 'Koordinator');
	});

	await t.test('adding a person shows the person with child = yes', async () => {
		await page.click('#add-person');
		assert.equal(await page.getAttribute('#add-person', 'aria-expanded'), 'true');
		// The identity block is collapsed until opened.
		assert.equal(await page.locator('#person-identity').evaluate((d) => d.open), false);
		assert.equal(await page.isVisible('#person-identity-full-name'), false);
		await page.fill('#person-pseudonym', PSEUDONYM);
		await page.selectOption('#person-gender', 'female');
		await page.fill('#person-birth-year', '2010');
		// Citizenship offers the countries the server accepts, in Swedish.
		const listId = await page.getAttribute('#person-citizenship', 'list');
		await page.waitForFunction((lid) => document.getElementById(lid)?.options.length >= 249, listId);
		assert.equal(await page.locator(`#${listId} option[value="RO"]`).textContent(), 'RO – Rumänien');
		await page.fill('#person-citizenship', 'RO');
		await page.click('#person-identity summary');
		await page.fill('#person-identity-full-name', FULL_NAME);
		await shot('06-person-form');
		await page.click('#person-submit');
		const row = page.locator('#persons-table tbody tr', { hasText: PSEUDONYM });
		await row.waitFor();
		assert.equal((await row.locator('.cell-child').textContent()).trim(), 'Ja');
		assert.match(await row.textContent(), /Kvinna/);
		// The identity typed in the form is not shown on the case page.
		assert.equal(await page.locator('main', { hasText: FULL_NAME }).count(), 0);
		assert.equal(await page.title(), 'Ärende – NMT');
		await recordTitle();
		await shot('07-person-added');
	});

	await t.test('on a phone the case page, the person form and the new case form fit the width', async () => {
		const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
		await page.setViewportSize({ width: 390, height: 844 });
		try {
			await page.locator('#persons-table').waitFor();
			assert.ok(await fits(), 'case page wider than the phone');
			await shot('07b-case-phone');
			await page.click('#add-person');
			await page.click('#person-identity summary');
			assert.ok(await fits(), 'person form wider than the phone');
			await shot('07c-person-form-phone');
			await page.click('#add-person');
			await page.click('#nav-new');
			await page.locator('#new-case-form').waitFor();
			assert.ok(await fits(), 'new case form wider than the phone');
			await shot('07d-new-case-phone');
			await page.goBack();
			await page.locator('#persons-table').waitFor();
		} finally {
			await page.setViewportSize({ width: 1280, height: 860 });
		}
	});

	await t.test('the person page hides identity until asked', async () => {
		await page.click(`#persons-table a:has-text("${PSEUDONYM}")`);
		await page.locator('#show-identity').waitFor();
		assert.match(page.url(), /#\/persons\/[0-9a-f-]{36}$/i);
		assert.equal(await page.title(), 'Person – NMT');
		assert.equal(await page.isVisible('#identity-panel'), false);
		assert.equal(await page.locator('main', { hasText: FULL_NAME }).count(), 0);
		assert.equal((await page.textContent('#person-child')).trim(), 'Ja');
		await page.click('#show-identity');
		await page.locator('#identity-panel', { hasText: FULL_NAME }).waitFor();
		assert.equal(await page.getAttribute('#show-identity', 'aria-expanded'), 'true');
		await recordTitle();
		await shot('08-person-identity');
		await page.click('#show-identity');
		assert.equal(await page.isVisible('#identity-panel'), false);
	});

	await t.test('an unknown case answers with the not-found message', async () => {
		await page.goto(`${server.url}/#/cases/${NOT_FOUND_CASE}`);
		await page.locator('main [role="alert"]').waitFor();
		assert.equal((await page.textContent('main [role="alert"]')).trim(),
		    'Ärendet finns inte eller så har du inte behörighet.');
	});

	await t.test('after a reload the session and CSRF token still work (team add/remove)', async () => {
		await page.goto(caseUrl);
		await page.reload();
		await page.locator('#case-number').waitFor();
		await page.click('#add-member');
		await page.selectOption('#member-organization', 'POLISEN-NOA');
		await page.selectOption('#member-access', 'pseudonymous');
		// A 400 from the server is shown next to the field and in a summary.
		await page.fill('#member-username', 'ingen-sadan-anvandare');
		await page.click('#member-submit');
		await page.locator('#member-form .error-summary').waitFor();
		assert.equal(await page.getAttribute('#member-username', 'aria-invalid'), 'true');
		assert.ok((await page.getAttribute('#member-username', 'aria-describedby')).includes('member-username-error'));
		assert.ok((await page.textContent('#member-username-error')).trim().length > 0);
		await shot('09-team-error');
		await page.fill('#member-username', '');
		await page.click('#member-submit');
		const row = page.locator('#team-table tbody tr', { hasText: 'POLISEN-NOA' });
		await row.waitFor();
		assert.match(await row.textContent(), /Pseudonymiserad/);
		await shot('10-team');
		await row.locator('button', { hasText: 'Ta bort' }).click();
		const confirm = row.locator('button', { hasText: 'Bekräfta borttagning' });
		await confirm.waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Bekräfta borttagning');
		await confirm.click();
		await page.locator('#team-table tbody tr', { hasText: 'POLISEN-NOA' }).waitFor({ state: 'detached' });
		assert.match(await page.textContent('#status'), /tagits bort/);
	});

	await t.test('editing the case sends only the changed fields', async () => {
		await page.locator('#edit-case').waitFor();
		assert.equal((await page.textContent('#edit-case')).trim(), 'Redigera ärende');
		assert.equal(await page.getAttribute('#edit-case', 'aria-expanded'), 'false');
		assert.equal(await page.isVisible('#edit-case-panel'), false);
		// Keyboard: the button opens the form, focus goes to the first field.
		await page.focus('#edit-case');
		await page.keyboard.press('Enter');
		await page.locator('#edit-case-form').waitFor();
		assert.equal(await page.getAttribute('#edit-case', 'aria-expanded'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-case-title');
		// Filled from the case; every control has a label.
		assert.equal(await page.inputValue('#edit-case-title'), CASE_TITLE);
		assert.equal(await page.inputValue('#edit-case-summary'), 'Säsongsarbetare från Thailand, ersättning uteblir.');
		assert.equal(await page.locator('#edit-case-notes').count(), 0, 'notes are journal entries now');
		assert.equal(await page.inputValue('#edit-case-county'), '25');
		assert.equal(await page.locator('#edit-case-county option').count(), 21);
		assert.ok(await page.isChecked('#edit-case-form input[name="exploitation"][value="forced_labour"]'));
		assert.equal(await page.locator('#edit-case-form input[name="exploitation"]:checked').count(), 1);
		// The status is changed by closing and reopening, not in this form.
		assert.equal(await page.locator('#edit-case-form input[name="status"]').count(), 0);
		const unlabelled = await page.$$eval('#edit-case-form input, #edit-case-form select, #edit-case-form textarea',
		    (els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.name || e.id));
		assert.deepEqual(unlabelled, []);
		// An emptied title is caught before sending.
		await page.fill('#edit-case-title', '');
		await page.click('#edit-case-submit');
		await page.locator('#edit-case-form .error-summary').waitFor();
		assert.equal(await page.getAttribute('#edit-case-title', 'aria-invalid'), 'true');
		// "Avbryt" closes the form, drops what was typed and returns focus.
		await page.click('#edit-case-cancel');
		assert.equal(await page.isVisible('#edit-case-panel'), false);
		assert.equal(await page.getAttribute('#edit-case', 'aria-expanded'), 'false');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-case');
		await page.click('#edit-case');
		assert.equal(await page.inputValue('#edit-case-title'), CASE_TITLE);
		assert.equal(await page.locator('#edit-case-form .error-summary').count(), 0);

		await page.fill('#edit-case-title', NEW_TITLE);
		await shot('16-case-edit-form');
		const request = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('#edit-case-submit');
		const sent = await request;
		assert.match(sent.headers()['if-match'], /^"\d+"$/);
		assert.deepEqual(JSON.parse(sent.postData()), { title: NEW_TITLE });
		await page.locator('#case-heading', { hasText: NEW_TITLE }).waitFor();
		assert.equal(await heading(), NEW_TITLE);
		assert.match(await page.textContent('#case-summary'), /Säsongsarbetare/);
		assert.equal((await page.textContent('#status')).trim(), 'Ärendet har sparats.');
		assert.equal(await page.isVisible('#edit-case-panel'), false);
		assert.equal(await page.locator('#edit-case-form').count(), 0);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-case');
		assert.equal(await page.title(), 'Ärende – NMT');
		await recordTitle();
		await shot('16-case-saved');
	});

	await t.test('closing the case asks why; the list filtered on closed shows it; reopening asks why', async () => {
		const action = page.locator('#case-status-action');
		assert.equal((await action.textContent()).trim(), 'Avsluta ärendet');
		await action.click();
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-closing-reason-select');
		assert.match(await page.textContent('#case-status-panel'), /Avsluta ärendet\?/);
		// "Avbryt" changes nothing and returns focus.
		await page.click('#case-status-keep');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-status-action');
		assert.match(await page.textContent('#case-status'), /Öppet/);
		await action.click();
		// No reason: told at the field, nothing sent.
		await page.click('#case-status-confirm');
		await page.locator('#case-status-form .error-summary').waitFor();
		assert.equal(await page.getAttribute('#case-closing-reason-select', 'aria-invalid'), 'true');
		await page.selectOption('#case-closing-reason-select', 'referred_on');
		await shot('16-case-close-confirm');
		const request = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('#case-status-confirm');
		assert.deepEqual(JSON.parse((await request).postData()), { status: 'closed', closing_reason: 'referred_on' });
		await page.locator('#case-status', { hasText: 'Avslutat' }).waitFor();
		assert.equal((await action.textContent()).trim(), 'Öppna ärendet igen');
		assert.match(await page.textContent('#case-closing-reason'), /Överlämnat till annan aktör/);
		// A closed case offers nothing but reopening.
		for (const sel of ['#edit-case', '#add-person', '#add-member'])
			assert.equal(await page.isVisible(sel), false, sel);
		assert.equal(await page.locator('#team-table button', { hasText: 'Ta bort' }).count(), 0);
		assert.equal((await page.textContent('#status')).trim(), 'Ärendet har avslutats.');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-status-action');
		assert.equal(await heading(), NEW_TITLE);
		await shot('16-case-closed');

		await page.click('#nav-cases');
		await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();
		await page.locator('#cases-table tbody tr').first().waitFor();
		await page.selectOption('#filter-status', 'open');
		await page.locator('#cases-empty').waitFor({ state: 'visible' });
		await page.selectOption('#filter-status', 'closed');
		const row = page.locator('#cases-table tbody tr', { hasText: NEW_TITLE });
		await row.waitFor();
		assert.equal(await page.locator('#cases-table tbody tr').count(), 1);
		assert.match(await row.textContent(), /Avslutat/);
		await shot('16-list-closed');
		await page.selectOption('#filter-status', '');
		assert.equal(await page.inputValue('#filter-status'), '');
		await row.waitFor();

		// Reopening asks for the reason; then the case is worked again.
		await page.goto(caseUrl);
		await action.click();
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-reopen-reason');
		await page.fill('#case-reopen-reason', 'Nya uppgifter från socialtjänsten.');
		const reopen = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('#case-status-confirm');
		assert.deepEqual(JSON.parse((await reopen).postData()),
		    { status: 'open', reopen_reason: 'Nya uppgifter från socialtjänsten.' });
		await page.locator('#case-status', { hasText: 'Öppet' }).waitFor();
		assert.equal((await page.textContent('#status')).trim(), 'Ärendet har öppnats igen.');
		assert.equal(await page.isVisible('#edit-case'), true);
	});

	await t.test('a change by someone else meanwhile gives 412; reloading keeps my input', async () => {
		await page.goto(caseUrl);
		await page.locator('#edit-case').waitFor();
		await page.click('#edit-case');
		await page.locator('#edit-case-form').waitFor();
		// The same user changes the summary through the API meanwhile.
		const caseId = /#\/cases\/([0-9a-f-]{36})$/i.exec(caseUrl)[1];
		const { token } = server.ctl('token', 'create', '--username', 'anna');
		const auth = { Authorization: `Bearer ${token}` };
		const current = await (await fetch(`${server.url}/api/v1/cases/${caseId}`, { headers: auth })).json();
		const res = await fetch(`${server.url}/api/v1/cases/${caseId}`, {
			method: 'PATCH',
			headers: { ...auth, 'Content-Type': 'application/json', 'If-Match': `"${current.version}"` },
			body: JSON.stringify({ summary: OTHER_SUMMARY }),
		});
		assert.equal(res.status, 200, await res.clone().text());

		await page.fill('#edit-case-title', MY_TITLE);
		await page.click('#edit-case-submit');
		const box = page.locator('#edit-case-form [role="alert"]');
		await box.waitFor();
		assert.equal((await box.locator('.alert-text').textContent()).trim(),
		    'Ärendet har ändrats av någon annan sedan du öppnade det. Ladda om för att se ändringarna.');
		assert.equal((await page.textContent('#edit-case-reload')).trim(), 'Ladda om');
		// The user's input is still on screen; the page still shows the old data.
		assert.equal(await page.inputValue('#edit-case-title'), MY_TITLE);
		assert.equal(await page.isVisible('#edit-case-panel'), true);
		assert.equal(await page.evaluate(() => document.activeElement.closest('[role="alert"]') !== null), true);
		await shot('16-case-conflict');

		// "Ladda om": the other change is shown and taken into the form; mine stays.
		await page.click('#edit-case-reload');
		await page.locator('#case-summary', { hasText: OTHER_SUMMARY }).waitFor();
		assert.equal(await page.inputValue('#edit-case-summary'), OTHER_SUMMARY);
		assert.equal(await page.inputValue('#edit-case-title'), MY_TITLE);
		assert.equal(await page.locator('#edit-case-form [role="alert"]').count(), 0);
		assert.match(await page.textContent('#status'), /laddats om/);
		await shot('16-case-reloaded');
		const request = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('#edit-case-submit');
		assert.deepEqual(JSON.parse((await request).postData()), { title: MY_TITLE });
		await page.locator('#status', { hasText: 'Ärendet har sparats.' }).waitFor();
		assert.equal(await heading(), MY_TITLE);
		assert.equal(await page.textContent('#case-summary'), OTHER_SUMMARY);
		assert.match(await page.textContent('#case-status'), /Öppet/);
	});

	await t.test('a 403 on saving is shown as a calm message', async () => {
		// anna may change this case, so the server's 403 is simulated here.
		const pattern = '**/api/v1/cases/*';
		await page.route(pattern, (route) => (route.request().method() === 'PATCH'
			? route.fulfill({
				status: 403, contentType: 'application/problem+json',
				body: JSON.stringify({ type: 'about:blank', title: 'Forbidden', status: 403 }),
			})
			: route.continue()));
		try {
			await page.click('#edit-case');
			await page.fill('#edit-case-title', 'Annan rubrik');
			await page.click('#edit-case-submit');
			const box = page.locator('#edit-case-form .alert');
			await box.waitFor();
			assert.equal(await box.getAttribute('role'), 'status');
			assert.match(await box.getAttribute('class'), /alert-info/);
			assert.equal((await box.textContent()).trim(),
			    'Du kan se ärendet men inte ändra det. Kontakta ärendets ägare om något behöver ändras.');
			assert.equal(await page.inputValue('#edit-case-title'), 'Annan rubrik');
			await shot('16-case-forbidden');
		} finally {
			await page.unroute(pattern);
		}
		await page.click('#edit-case-cancel');
		assert.equal(await heading(), MY_TITLE);
	});

	await t.test('editing the person changes the pseudonym and replaces the identity', async () => {
		await page.click(`#persons-table a:has-text("${PSEUDONYM}")`);
		await page.locator('#edit-person').waitFor();
		assert.equal(await page.getAttribute('#edit-person', 'aria-expanded'), 'false');
		// The identity is fetched only when shown; only then can it be edited.
		await page.click('#edit-person');
		await page.locator('#edit-person-form').waitFor();
		assert.equal(await page.locator('#edit-person-identity').count(), 0);
		await page.click('#edit-person-cancel');
		await page.click('#show-identity');
		await page.locator('#identity-panel', { hasText: FULL_NAME }).waitFor();
		await page.click('#edit-person');
		await page.locator('#edit-person-form').waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-person-pseudonym');
		assert.equal(await page.inputValue('#edit-person-pseudonym'), PSEUDONYM);
		assert.equal(await page.inputValue('#edit-person-gender'), 'female');
		assert.equal(await page.inputValue('#edit-person-birth-year'), '2010');
		assert.equal(await page.inputValue('#edit-person-protected'), 'none');
		assert.equal(await page.isDisabled('#edit-person-protected'), false);
		// The identity (full view) is pre-filled inside the collapsed block.
		assert.equal(await page.locator('#edit-person-identity').evaluate((d) => d.open), false);
		assert.equal(await page.isVisible('#edit-person-identity-full-name'), false);
		await page.click('#edit-person-identity summary');
		assert.equal(await page.inputValue('#edit-person-identity-full-name'), FULL_NAME);
		const unlabelled = await page.$$eval('#edit-person-form input, #edit-person-form select, #edit-person-form textarea',
		    (els) => els.filter((e) => e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.name || e.id));
		assert.deepEqual(unlabelled, []);
		await page.fill('#edit-person-pseudonym', NEW_PSEUDONYM);
		await page.fill('#edit-person-identity-phone', PHONE);
		await shot('16-person-edit-form');
		const request = page.waitForRequest((r) => r.method() === 'PATCH');
		await page.click('#edit-person-submit');
		const sent = await request;
		assert.match(sent.headers()['if-match'], /^"\d+"$/);
		assert.deepEqual(JSON.parse(sent.postData()),
		    { pseudonym: NEW_PSEUDONYM, identity: { full_name: FULL_NAME, phone: PHONE } });
		await page.locator('main h1', { hasText: NEW_PSEUDONYM }).waitFor();
		assert.equal(await heading(), `Person: ${NEW_PSEUDONYM}`);
		assert.equal((await page.textContent('#person-pseudonym')).trim(), NEW_PSEUDONYM);
		assert.equal((await page.textContent('#status')).trim(), 'Personen har sparats.');
		assert.equal(await page.locator('#edit-person-form').count(), 0);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-person');
		// The identity is hidden again, and holds the new phone.
		assert.equal(await page.isVisible('#identity-panel'), false);
		assert.equal(await page.locator('main', { hasText: PHONE }).count(), 0);
		await page.click('#show-identity');
		await page.locator('#identity-panel', { hasText: PHONE }).waitFor();
		assert.match(await page.textContent('#identity-panel'), new RegExp(FULL_NAME));
		assert.equal(await page.title(), 'Person – NMT');
		await recordTitle();
		await shot('16-person-saved');
		await page.click('#show-identity');
		// Back on the case page the table shows the new pseudonym.
		await page.click('.breadcrumb a');
		await page.locator('#persons-table tbody tr', { hasText: NEW_PSEUDONYM }).waitFor();
	});

	await t.test('a protected identity needs nödåtkomst with a reason', async () => {
		// Another organisation's user owns a case in Stockholms län (anna's
		// region) with a person under protected_address.
		polisUser = server.ctl('user', 'add', '--username', 'polis', '--display-name', 'Polis Ett',
		    '--org', 'POLISEN-STOCKHOLM', '--role', 'member');
		const { token } = server.ctl('token', 'create', '--username', 'polis');
		const asPolis = async (path, body) => {
			const res = await fetch(`${server.url}/api/v1${path}`, {
				method: 'POST',
				headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
			assert.equal(res.status, 201, `POST ${path}: ${res.status} ${await res.clone().text()}`);
			return res.json();
		};
		const created = await asPolis('/cases', {
			title: PROTECTED_CASE, summary: 's', county: '01', exploitation: ['sexual'],
		});
		const person = await asPolis(`/cases/${created.id}/persons`, {
			pseudonym: 'Person S', gender: 'female', protected_identity: 'protected_address',
			identity: { full_name: PROTECTED_NAME, address: PROTECTED_ADDRESS },
		});

		await page.goto(`${server.url}/#/persons/${person.id}`);
		const section = page.locator('#protected-identity');
		await section.waitFor();
		assert.equal(await page.title(), 'Person – NMT');
		assert.equal((await section.locator('h2').textContent()).trim(), 'Skyddad identitet');
		assert.match(await section.textContent(), /Skyddad folkbokföring/);
		assert.match(await section.textContent(), /granskas/);
		assert.match(await section.textContent(), /en timme/);
		// Nothing of the identity reached the page.
		assert.equal(await page.locator('body', { hasText: PROTECTED_NAME }).count(), 0);
		assert.equal(await page.locator('#show-identity').count(), 0);
		assert.equal(await page.isVisible('#glass-panel'), false);
		await shot('15-protected');

		// Keyboard: the button opens the form and focus goes to the grounds.
		await page.focus('#request-glass');
		await page.keyboard.press('Enter');
		await page.locator('#glass-reason').waitFor({ state: 'visible' });
		assert.equal(await page.getAttribute('#request-glass', 'aria-expanded'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'glass-category');
		assert.equal((await page.locator('label[for="glass-category"]').textContent()).trim(), 'Grund för nödåtkomst');
		assert.equal((await page.locator('label[for="glass-reason"]').textContent()).trim(), 'Skäl');
		const hintId = await page.getAttribute('#glass-reason', 'aria-describedby');
		assert.equal((await page.textContent(`#${hintId}`)).trim(),
		    'Beskriv med minst 20 tecken varför du behöver uppgifterna nu. Skälet sparas för granskning.');
		// Escape and "Avbryt" close the form and return focus to the button.
		await page.keyboard.press('Escape');
		assert.equal(await page.isVisible('#glass-panel'), false);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'request-glass');
		await page.click('#request-glass');
		await page.fill('#glass-reason', 'utkast');
		await page.click('#glass-cancel');
		assert.equal(await page.isVisible('#glass-panel'), false);
		assert.equal(await page.getAttribute('#request-glass', 'aria-expanded'), 'false');
		await page.click('#request-glass');
		assert.equal(await page.inputValue('#glass-reason'), '', 'a cancelled reason is not kept');
		await shot('15-glass-form');

		// No grounds and an empty reason: shown at the fields.
		await page.click('#glass-submit');
		await page.locator('#glass-form .error-summary').waitFor();
		assert.equal(await page.getAttribute('#glass-reason', 'aria-invalid'), 'true');
		const described = await page.getAttribute('#glass-reason', 'aria-describedby');
		assert.ok(described.includes('glass-reason-error') && described.includes(hintId));
		assert.ok((await page.textContent('#glass-reason-error')).trim().length > 0);
		await shot('15-glass-error');

		// Grounds and a reason: access is granted for one hour.
		await page.selectOption('#glass-category', 'urgent_decision');
		await page.fill('#glass-reason', GLASS_REASON);
		const hhmm = () => page.evaluate(() => new Intl.DateTimeFormat('sv-SE',
		    { hour: '2-digit', minute: '2-digit' }).format(Date.now() + 3600 * 1000));
		const before = await hhmm();
		await page.click('#glass-submit');
		await page.locator('#status', { hasText: 'Nödåtkomst gäller till' }).waitFor();
		const after = await hhmm();
		const status = (await page.textContent('#status')).trim();
		const m = /^Nödåtkomst gäller till (\d{2}:\d{2})\.?$/.exec(status);
		assert.ok(m, `status: ${status}`);
		assert.ok([before, after].includes(m[1]), `${m[1]} is one hour from now`);
		await page.locator('#show-identity').waitFor();
		assert.equal(await page.locator('#protected-identity').count(), 0);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'identity-heading');
		assert.match(await page.textContent('#glass-note'), /nödåtkomst/);
		// The identity is still behind the button, and the reason is gone.
		assert.equal(await page.isVisible('#identity-panel'), false);
		assert.equal(await page.locator('body', { hasText: PROTECTED_NAME }).count(), 0);
		assert.equal(await page.locator('#glass-reason').count(), 0);
		assert.equal(await page.locator('body', { hasText: 'Polisen behöver' }).count(), 0);
		await recordTitle();
		await shot('15-glass-granted');

		await page.click('#show-identity');
		const panel = page.locator('#identity-panel');
		await panel.locator('text=' + PROTECTED_NAME).waitFor();
		assert.ok(await panel.locator(`text=${PROTECTED_NAME}`).isVisible());
		assert.ok(await panel.locator(`text=${PROTECTED_ADDRESS}`).isVisible());
		await shot('15-glass-identity');
		await page.click('#show-identity');
		assert.equal(await page.isVisible('#identity-panel'), false);

		// Nödåtkomst only reads: the edit form leaves the identity and its
		// protection alone.
		await page.click('#edit-person');
		await page.locator('#edit-person-form').waitFor();
		assert.equal(await page.locator('#edit-person-identity').count(), 0);
		assert.equal(await page.isDisabled('#edit-person-protected'), true);
		assert.equal(await page.inputValue('#edit-person-protected'), 'protected_address');
		assert.equal(await page.locator('#edit-person-form', { hasText: PROTECTED_NAME }).count(), 0);
		await shot('16-person-edit-glass');
		await page.click('#edit-person-cancel');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'edit-person');
	});

	await t.test('a coordinator opens "Ärendets logg" on the case page', async () => {
		const caseId = /#\/cases\/([0-9a-f-]{36})$/i.exec(caseUrl)[1];
		await page.goto(caseUrl);
		await page.locator('#case-number').waitFor();
		const toggle = page.locator('#case-log-toggle');
		assert.equal((await toggle.textContent()).trim(), 'Ärendets logg');
		assert.equal(await toggle.evaluate((b) => b.parentElement.tagName), 'H2');
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
		assert.equal(await page.isVisible('#case-log-panel'), false);
		// Keyboard: Enter on the heading's button opens it and reads the log.
		const request = page.waitForRequest((r) => r.url().includes('/api/v1/audit?'));
		await toggle.focus();
		await page.keyboard.press('Enter');
		const sent = new URL((await request).url());
		assert.equal(sent.searchParams.get('case'), caseId);
		assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
		const created = page.locator('#case-log-table tbody tr[data-action="case.create"]');
		await created.waitFor();
		assert.equal(await created.count(), 1);
		assert.match(await created.textContent(), /Ärendet skapades/);
		assert.equal((await created.locator('.cell-actor').textContent()).trim(), 'anna');
		assert.ok(await page.locator('#case-log-table tbody tr', { hasText: 'Ärendet ändrades' }).count() >= 1);
		assert.ok(await page.locator('#case-log-table tbody tr', { hasText: 'Person lades till' }).count() >= 1);
		// The columns of the audit log without "Ärende"; headers have a scope.
		const heads = (await page.locator('#case-log-table thead th').allTextContents()).map((x) => x.trim());
		assert.deepEqual(heads, ['Nr', 'Tid', 'Användare', 'Organisation', 'Händelse', 'Objekt', 'Klient', 'Flaggad']);
		assert.equal(await page.locator('#case-log-table thead th:not([scope="col"])').count(), 0);
		assert.match((await created.locator('time').textContent()).trim(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		assert.match(await page.textContent('#case-log-table-count'), /händelse/);
		assert.equal(await page.title(), 'Ärende – NMT');
		await recordTitle();
		await shot('17-case-log');
		// Closing hides it again and keeps focus on the button.
		await page.keyboard.press('Enter');
		assert.equal(await page.isVisible('#case-log-panel'), false);
		assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'case-log-toggle');
	});

	await t.test('the list filters as you type', async () => {
		await page.click('#nav-cases');
		await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();
		await page.locator('#cases-table tbody tr').first().waitFor();
		await page.click('#filter-q');
		await page.keyboard.type('bärplock', { delay: 40 });
		const row = page.locator('#cases-table tbody tr', { hasText: CASE_TITLE });
		await row.waitFor();
		assert.match(await row.locator('a').getAttribute('href'), /^#\/cases\/[0-9a-f-]{36}$/i);
		assert.match(await row.textContent(), /NMT-\d{4}-\d{5}/);
		await shot('11-search-hit');
		await page.fill('#filter-q', '');
		await page.keyboard.type('zzzz', { delay: 40 });
		await page.locator('#cases-empty').waitFor({ state: 'visible' });
		assert.equal(await row.count(), 0);
		assert.equal((await page.textContent('#cases-empty')).trim(), 'Inga ärenden matchar sökningen eller filtren.');
		// The search words stay out of the URL.
		assert.match(page.url(), /#\/cases$/);
		await recordTitle();
		await shot('12-search-empty');
		await page.fill('#filter-q', '');
		await page.locator('#cases-table tbody tr', { hasText: CASE_TITLE }).waitFor();
	});

	await t.test('switching to English changes the texts and is remembered', async () => {
		await page.click('#lang-switch');
		await page.locator('main h1', { hasText: 'Cases' }).waitFor();
		assert.equal(await heading(), 'Cases');
		assert.equal(await page.getAttribute('html', 'lang'), 'en');
		assert.equal(await page.title(), 'Cases – NMT');
		assert.equal((await page.textContent('#logout')).trim(), 'Sign out');
		await shot('13-english');
		await page.reload();
		await page.locator('main h1', { hasText: 'Cases' }).waitFor();
		await page.click('#lang-switch');
		await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();
	});

	await t.test('logout returns to the login page and ends the session', async () => {
		await page.click('#logout');
		await page.locator('#login-username').waitFor();
		assert.equal(await page.title(), 'Logga in – NMT');
		const status = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
		assert.equal(status, 401);
		await shot('14-logged-out');
	});

	await t.test('an auditor starts at the audit log: logins, the case creation, paging', async () => {
		const caseId = /#\/cases\/([0-9a-f-]{36})$/i.exec(caseUrl)[1];
		const greta = server.ctl('user', 'add', '--username', 'greta', '--display-name', 'Greta Granskare',
		    '--org', 'NMT', '--role', 'auditor');
		// More than a page of entries: polis reads the case list 60 times.
		const { token } = server.ctl('token', 'create', '--username', 'polis');
		for (let i = 0; i < 60; i++) {
			const res = await fetch(`${server.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${token}` } });
			assert.equal(res.status, 200);
			await res.arrayBuffer();
		}
		// Reads are committed in groups; reading the log commits them now, so
		// that they come before greta's login.
		const { token: gretaToken } = server.ctl('token', 'create', '--username', 'greta');
		const flushed = await fetch(`${server.url}/api/v1/audit?limit=1`, { headers: { Authorization: `Bearer ${gretaToken}` } });
		assert.equal(flushed.status, 200);
		await flushed.arrayBuffer();
		await login(greta);
		await page.locator('main h1', { hasText: 'Granskningslogg' }).waitFor();
		assert.match(page.url(), /#\/audit$/);
		assert.equal(await page.title(), 'Granskningslogg – NMT');
		assert.equal((await page.textContent('#user-role')).trim(), 'Granskare');
		assert.deepEqual(await navTexts(), ['Granskningslogg', 'Nödåtkomster']);
		assert.equal(await page.getAttribute('#nav-audit', 'aria-current'), 'page');
		assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
		const rows = page.locator('#audit-table tbody tr');
		await rows.first().waitFor();
		const heads = (await page.locator('#audit-table thead th').allTextContents()).map((x) => x.trim());
		assert.deepEqual(heads, ['Nr', 'Tid', 'Användare', 'Organisation', 'Händelse', 'Objekt', 'Ärende', 'Klient', 'Flaggad']);
		assert.equal(await page.locator('#audit-table thead th:not([scope="col"])').count(), 0);
		assert.equal(await page.locator('#audit-table tbody tr > th[scope="row"]').count(), await rows.count());
		// Newest first: the latest login is greta's own.
		const top = page.locator('#audit-table tbody tr[data-action="login.success"]').first();
		assert.match(await top.textContent(), /Inloggning/);
		assert.equal((await top.locator('.cell-actor').textContent()).trim(), 'greta');
		assert.equal((await top.locator('td').nth(2).textContent()).trim(), 'NMT');
		assert.match((await top.locator('time').textContent()).trim(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
		const seqs = (await page.locator('#audit-table tbody th').allTextContents()).map(Number);
		assert.deepEqual(seqs, [...seqs].sort((a, b) => b - a));
		assert.equal(await rows.count(), 50);
		await shot('17-audit');

		// "Visa fler" until anna's case.create shows up (older entries).
		const created = page.locator(`#audit-table tbody tr[data-action="case.create"]:has(.cell-case [title="${caseId}"])`);
		const more = page.locator('#audit-table-more');
		let pages = 1;
		while (await created.count() === 0) {
			assert.ok(await more.isVisible(), 'another page exists');
			const before = await rows.count();
			await more.click();
			await page.waitForFunction((n) => document.querySelectorAll('#audit-table tbody tr').length > n, before);
			pages += 1;
			assert.ok(pages < 20);
		}
		assert.ok(pages > 1, 'the log needs more than one page here');
		assert.match(await created.textContent(), /Ärendet skapades/);
		assert.equal((await created.locator('.cell-actor').textContent()).trim(), 'anna');
		assert.match((await created.locator('.cell-case .case-number').textContent()).trim(), /^NMT-\d{4}-\d{5}$/);
		assert.equal(await page.locator('#audit-table tbody tr[data-action="login.success"]', { hasText: 'anna' }).count(), 1);
		assert.match(await page.textContent('#audit-table-count'), /^\d+ händelser visas\./);
		assert.doesNotMatch(await page.title(), UUID_IN_TEXT);
		await recordTitle();
	});

	await t.test('the audit log filters on flagged entries and on one case', async () => {
		const caseId = /#\/cases\/([0-9a-f-]{36})$/i.exec(caseUrl)[1];
		const rows = page.locator('#audit-table tbody tr');
		// "Endast flaggade": only flagged entries, among them the nödåtkomst.
		await page.check('#audit-flagged');
		await page.waitForFunction(() => {
			const trs = [...document.querySelectorAll('#audit-table tbody tr')];
			return trs.length > 0 && trs.every((tr) => tr.dataset.flagged === 'true');
		});
		const all = await rows.count();
		assert.equal(await page.locator('#audit-table tbody tr .badge-flagged').count(), all);
		const glass = page.locator('#audit-table tbody tr[data-action="person.break_glass"]');
		assert.equal(await glass.count(), 1);
		assert.match(await glass.textContent(), /Nödåtkomst beviljades/);
		assert.match(await glass.textContent(), /Flaggad/);
		assert.equal((await glass.locator('.cell-actor').textContent()).trim(), 'anna');
		assert.ok(all < 50, 'fewer flagged entries than entries');
		await shot('17-audit-flagged');
		await page.uncheck('#audit-flagged');
		await page.waitForFunction(() => [...document.querySelectorAll('#audit-table tbody tr')]
		    .some((tr) => tr.dataset.flagged === 'false'));

		// A case id that is not one is refused at the field, before sending.
		let sent = 0;
		const countAudit = (r) => { if (r.url().includes('/api/v1/audit?')) sent += 1; };
		page.on('request', countAudit);
		await page.fill('#audit-case', 'ärende 1');
		await page.press('#audit-case', 'Enter');
		await page.locator('#audit-case-error').waitFor({ state: 'visible' });
		page.off('request', countAudit);
		assert.equal(sent, 0);
		assert.equal(await page.getAttribute('#audit-case', 'aria-invalid'), 'true');
		assert.ok((await page.getAttribute('#audit-case', 'aria-describedby')).includes('audit-case-error'));
		assert.match(await page.textContent('#audit-case-error'), /ärende-id/);
		assert.equal(await page.evaluate(() => document.activeElement.id), 'audit-case');
		await shot('17-audit-case-error');

		// The server's 400 for the case (simulated) is shown at the field too.
		const pattern = '**/api/v1/audit?*';
		await page.route(pattern, (route) => route.fulfill({
			status: 400, contentType: 'application/problem+json',
			body: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'case måste vara ett ärende-id.' }),
		}));
		try {
			await page.fill('#audit-case', '00000000-0000-4000-8000-000000000001');
			await page.click('#audit-apply');
			await page.locator('#audit-case-error', { hasText: 'case måste vara ett ärende-id.' }).waitFor();
			assert.equal(await page.getAttribute('#audit-case', 'aria-invalid'), 'true');
			assert.equal(await page.locator('main [role="alert"]').count(), 0);
		} finally {
			await page.unroute(pattern);
		}

		// A case id (any case of letters): only that case's entries.
		await page.fill('#audit-case', caseId.toUpperCase());
		const request = page.waitForRequest((r) => r.url().includes('/api/v1/audit?'));
		await page.click('#audit-apply');
		assert.equal(new URL((await request).url()).searchParams.get('case'), caseId);
		await page.locator('#audit-table tbody tr[data-action="case.create"]').waitFor();
		assert.equal(await page.inputValue('#audit-case'), caseId);
		assert.equal(await page.getAttribute('#audit-case', 'aria-invalid'), null);
		assert.equal(await page.isVisible('#audit-case-error'), false);
		const cases = await page.locator('#audit-table tbody .cell-case .case-number').evaluateAll(
		    (els) => [...new Set(els.map((e) => e.getAttribute('title')))]);
		assert.deepEqual(cases, [caseId]);
		assert.equal(await page.locator('#audit-table tbody tr').count(),
		    await page.locator('#audit-table tbody .cell-case .case-number').count());
		assert.match(await page.textContent('#audit-table tbody tr[data-action="case.create"]'), /Ärendet skapades/);
		assert.ok(await page.locator('#audit-table tbody tr[data-action="case.update"]').count() >= 1);
		// The case id stays out of the URL and the title.
		assert.match(page.url(), /#\/audit$/);
		assert.doesNotMatch(await page.title(), UUID_IN_TEXT);
		await recordTitle();
		await shot('17-audit-case');
		// With "Endast flaggade" too: this case has no flagged entries.
		await page.check('#audit-flagged');
		await page.locator('#audit-table-empty').waitFor({ state: 'visible' });
		assert.equal((await page.textContent('#audit-table-empty')).trim(), 'Inga händelser matchar filtren.');
		// "Rensa filter" empties both.
		await page.click('#audit-clear');
		await page.locator('#audit-table tbody tr').first().waitFor();
		assert.equal(await page.inputValue('#audit-case'), '');
		assert.equal(await page.isChecked('#audit-flagged'), false);
		assert.equal(await page.isVisible('#audit-clear'), false);

		// English labels, then back.
		await page.click('#lang-switch');
		await page.locator('main h1', { hasText: 'Audit log' }).waitFor();
		await page.locator('#audit-table tbody tr').first().waitFor();
		assert.match(await page.textContent('#audit-table tbody tr[data-action="login.success"]'), /Signed in/);
		assert.deepEqual(await navTexts(), ['Audit log', 'Emergency access']);
		await page.click('#lang-switch');
		await page.locator('main h1', { hasText: 'Granskningslogg' }).waitFor();
	});

	await t.test('the auditor sees the nödåtkomst grants with their reasons', async () => {
		await page.click('#nav-break-glass');
		await page.locator('main h1', { hasText: 'Nödåtkomster' }).waitFor();
		assert.match(page.url(), /#\/audit\/break-glass$/);
		assert.equal(await page.title(), 'Nödåtkomster – NMT');
		assert.equal(await page.getAttribute('#nav-break-glass', 'aria-current'), 'page');
		const row = page.locator('#glass-table tbody tr', { hasText: 'anna' });
		await row.waitFor();
		assert.equal(await page.locator('#glass-table tbody tr').count(), 1);
		const heads = (await page.locator('#glass-table thead th').allTextContents()).map((x) => x.trim());
		assert.deepEqual(heads, ['Beviljad', 'Giltig till', 'Användare', 'Person', 'Ärende', 'Grund', 'Skäl']);
		assert.equal(await page.locator('#glass-table thead th:not([scope="col"])').count(), 0);
		assert.equal((await row.locator('.cell-category').textContent()).trim(), 'Beslut som måste fattas i dag');
		// The reason as written, line break included, in a block element.
		const reason = row.locator('.reason');
		assert.equal(await reason.textContent(), GLASS_REASON);
		assert.equal(await reason.evaluate((e) => getComputedStyle(e).whiteSpace), 'pre-wrap');
		assert.equal(await reason.evaluate((e) => getComputedStyle(e).display), 'block');
		assert.ok((await reason.boundingBox()).height > 30, 'the reason shows on two lines');
		// Ids are shortened; the whole id is in the title.
		const person = row.locator('.cell-person .id-short');
		assert.match(await person.getAttribute('title'), UUID_IN_TEXT);
		assert.equal((await person.textContent()).length, 8);
		assert.match(await row.textContent(), /Gäller nu/);
		assert.doesNotMatch(await page.title(), UUID_IN_TEXT);
		await recordTitle();
		await shot('17-break-glass');
		// Reading the grants is itself audited.
		await page.click('#nav-audit');
		await page.locator('#audit-table tbody tr[data-action="break_glass.list"]', { hasText: 'Nödåtkomster lästes' }).waitFor();
	});

	await t.test('the auditor gets the start page for case pages; the start survives a reload', async () => {
		await page.goto(`${server.url}/#/cases`);
		await page.locator('#start-denied').waitFor();
		assert.equal(await heading(), 'Välkommen till NMT');
		assert.match(await page.textContent('#start-text'), /granskar/);
		assert.equal(await page.locator('main [role="alert"]').count(), 0);
		assert.equal(await page.locator('#start-audit').getAttribute('href'), '#/audit');
		await page.goto(`${server.url}/`);
		await page.locator('main h1', { hasText: 'Granskningslogg' }).waitFor();
		assert.match(page.url(), /#\/audit$/);
		await logout();
	});

	await t.test('an administrator gets a calm start page and no case menu', async () => {
		const adam = server.ctl('user', 'add', '--username', 'adam', '--display-name', 'Adam Admin',
		    '--org', 'NMT', '--role', 'admin');
		await login(adam);
		await page.locator('#start-text').waitFor();
		assert.match(page.url(), /#\/start$/);
		assert.equal(await heading(), 'Välkommen till NMT');
		assert.equal(await page.title(), 'Startsida – NMT');
		assert.equal((await page.textContent('#start-text')).trim(), ADMIN_TEXT);
		assert.equal((await page.textContent('#start-role')).trim(), 'Din roll: Administratör');
		assert.equal((await page.textContent('#user-role')).trim(), 'Administratör');
		assert.equal(await page.locator('#start-denied').count(), 0);
		// No case menu: the admin's menu holds the guidance it edits, and nothing else.
		assert.deepEqual((await page.locator('.site-nav a').allTextContents()).map((x) => x.trim()), ['Vägledning']);
		assert.doesNotMatch(await page.textContent('header'), /Ärenden/);
		assert.equal(await page.locator('main [role="alert"]').count(), 0);
		await recordTitle();
		await shot('17-start-admin');

		// Direct navigation to a case route: the same calm page, no 403.
		const calls = [];
		const onResponse = (r) => { if (r.url().includes('/api/v1/') && r.status() >= 400) calls.push(r.url()); };
		page.on('response', onResponse);
		for (const hash of ['#/cases', '#/cases/new', '#/audit', '#/audit/break-glass']) {
			await page.goto(`${server.url}/${hash}`);
			await page.locator('#start-denied').waitFor();
			assert.equal((await page.textContent('#start-text')).trim(), ADMIN_TEXT);
			assert.equal((await page.textContent('#start-denied')).trim(), 'Sidan du försökte öppna ingår inte i din roll.');
			assert.equal(await page.locator('main [role="alert"]').count(), 0);
			assert.equal(await page.title(), 'Startsida – NMT');
		}
		await shot('17-start-admin-cases');
		await page.reload();
		await page.locator('#start-denied').waitFor();
		page.off('response', onResponse);
		assert.deepEqual(calls, []);
		await page.click('.brand-mark');
		// The start page is already shown: wait for its re-render without
		// the note, not for an element the previous render has too.
		await page.waitForURL(/#\/start$/);
		await page.locator('#start-denied').waitFor({ state: 'detached' });
		await page.locator('#start-text').waitFor();
		await logout();
	});

	await t.test('a member does not see "Ärendets logg"', async () => {
		await login(polisUser);
		await page.locator('main h1', { hasText: 'Ärenden' }).waitFor();
		assert.match(page.url(), /#\/cases$/);
		assert.deepEqual(await navTexts(), ['Ärenden', 'Nytt ärende', 'Uppdrag', 'Insatser']); // the inbox, operations
		await page.click(`#cases-table a:has-text("NMT-")`);
		await page.locator('#case-number').waitFor();
		await page.locator('#team-table').waitFor();
		assert.equal(await page.locator('#case-log').count(), 0);
		assert.equal(await page.locator('main', { hasText: 'Ärendets logg' }).count(), 0);
		assert.doesNotMatch(await page.textContent('main'), /\b(null|undefined)\b/);
		await shot('17-member-case');
		await logout();
	});

	await t.test('no personal data in titles or URLs; no console errors or CSP violations', async () => {
		await recordTitle();
		for (const title of titles)
			for (const word of PERSONAL)
				assert.ok(!title.includes(word), `title ${JSON.stringify(title)} contains ${word}`);
		for (const u of urls) {
			const decoded = decodeURIComponent(u);
			for (const word of [...PERSONAL, 'bärplock', 'zzzz'])
				assert.ok(!decoded.includes(word), `URL ${decoded} contains ${word}`);
		}
		assert.deepEqual(problems, []);
	});

	await t.test('the message table has every key in both languages', async () => {
		const missing = await page.evaluate(async () => (await import('/js/i18n.js')).missingKeys());
		assert.deepEqual(missing, { en: [], sv: [] });
	});
});
