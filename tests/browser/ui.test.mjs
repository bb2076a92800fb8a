// Browser test of the NMT web UI against the real nmtd (fresh database).
// Run: cd tests && npm install && node --test browser/   (NMT_BUILD_DIR selects the binaries)
// Screenshots of each main step go to /tmp/nmt-ui-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, freshTotp } from './helpers.mjs';

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

let server;
let browser;
let page;
const problems = [];     // console errors, page errors, CSP violations
const titles = [];       // every document.title seen
const urls = [];         // every URL navigated to

// Chromium logs every failed fetch as a console error. Expected ones: 401 from
// GET /me before login and after logout and from the deliberately failed
// login, 404 from the deliberately unknown case, 400 from the deliberately
// invalid team member and 400 from the deliberately empty nödåtkomst reason.
const NOT_FOUND_CASE = '00000000-0000-4000-8000-000000000000';
const EXPECTED_FAILURES = [
	[401, /\/api\/v1\/(me|session)$/],
	[404, new RegExp(`/api/v1/cases/${NOT_FOUND_CASE}$`)],
	[400, /\/api\/v1\/cases\/[0-9a-f-]{36}\/team$/],
	[400, /\/api\/v1\/persons\/[0-9a-f-]{36}\/break-glass$/],
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

	await t.test('adding a person shows the person with child = yes', async () => {
		await page.click('#add-person');
		assert.equal(await page.getAttribute('#add-person', 'aria-expanded'), 'true');
		// The identity block is collapsed until opened.
		assert.equal(await page.locator('#person-identity').evaluate((d) => d.open), false);
		assert.equal(await page.isVisible('#person-identity-full-name'), false);
		await page.fill('#person-pseudonym', PSEUDONYM);
		await page.selectOption('#person-gender', 'female');
		await page.fill('#person-birth-year', '2010');
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

	await t.test('a protected identity needs nödåtkomst with a reason', async () => {
		// Another organisation's user owns a case in Stockholms län (anna's
		// region) with a person under protected_address.
		server.ctl('user', 'add', '--username', 'polis', '--display-name', 'Polis Ett',
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

		// Keyboard: the button opens the form and focus goes to the reason.
		await page.focus('#request-glass');
		await page.keyboard.press('Enter');
		await page.locator('#glass-reason').waitFor({ state: 'visible' });
		assert.equal(await page.getAttribute('#request-glass', 'aria-expanded'), 'true');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'glass-reason');
		assert.equal((await page.locator('label[for="glass-reason"]').textContent()).trim(), 'Skäl');
		const hintId = await page.getAttribute('#glass-reason', 'aria-describedby');
		assert.equal((await page.textContent(`#${hintId}`)).trim(),
		    'Beskriv varför du behöver uppgifterna nu. Skälet sparas för granskning.');
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

		// An empty reason: the server's 400 is shown at the field.
		await page.click('#glass-submit');
		await page.locator('#glass-form .error-summary').waitFor();
		assert.equal(await page.getAttribute('#glass-reason', 'aria-invalid'), 'true');
		const described = await page.getAttribute('#glass-reason', 'aria-describedby');
		assert.ok(described.includes('glass-reason-error') && described.includes(hintId));
		assert.ok((await page.textContent('#glass-reason-error')).trim().length > 0);
		await shot('15-glass-error');

		// A reason: access is granted for one hour.
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
