// Helpers for the browser tests: TOTP (RFC 6238), starting a real nmtd on a
// fresh database, launching Debian's Chromium through playwright-core.

import { createHmac } from 'node:crypto';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const buildDir = path.resolve(repoRoot, process.env.NMT_BUILD_DIR || 'build');
export const chromiumPath = process.env.NMT_CHROMIUM || '/usr/bin/chromium';

export function base32Decode(input) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	const clean = input.toUpperCase().replace(/[\s=-]/g, '');
	let bits = 0;
	let value = 0;
	const out = [];
	for (const ch of clean) {
		const idx = alphabet.indexOf(ch);
		if (idx < 0)
			throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
		value = (value << 5) | idx;
		bits += 5;
		if (bits >= 8) {
			out.push((value >>> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

// RFC 6238 TOTP: HMAC-SHA-1, 30-second steps, 6 digits (RFC 4226 truncation).
export function totp(secret, { time = Date.now(), step = 30, digits = 6, key } = {}) {
	const k = key || base32Decode(secret);
	const counter = Math.floor(time / 1000 / step);
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(counter));
	const mac = createHmac('sha1', k).update(msg).digest();
	const offset = mac[mac.length - 1] & 0x0f;
	const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) |
	    (mac[offset + 2] << 8) | mac[offset + 3];
	return String(bin % 10 ** digits).padStart(digits, '0');
}

// The last time step whose code was handed out, per secret: the server takes
// each code of a user only once.
const usedSteps = new Map();

// A code that is valid for at least `margin` more seconds (waits for the next
// step otherwise), so that a login never races a step boundary, and that has
// not been handed out before for this secret.
export async function freshTotp(secret, margin = 5) {
	for (;;) {
		const now = Date.now();
		const left = 30 - ((now / 1000) % 30);
		const step = Math.floor(now / 1000 / 30);
		if (left >= margin && usedSteps.get(secret) !== step) {
			usedSteps.set(secret, step);
			return totp(secret, { time: now });
		}
		await new Promise((r) => setTimeout(r, left * 1000 + 200));
	}
}

function binary(name) {
	const p = path.join(buildDir, name);
	if (!existsSync(p))
		throw new Error(`${p} not found: build first (meson compile -C build) or set NMT_BUILD_DIR`);
	return p;
}

// With NMT_TEST_DB=pg (and NMT_TEST_PG_HOST, NMT_TEST_PG_PORT from
// tests/support/pg.sh, as for the API tests) a fresh PostgreSQL database
// {url, drop()} instead of SQLite; null otherwise.
function pgDatabase() {
	if (process.env.NMT_TEST_DB !== 'pg')
		return null;
	const host = process.env.NMT_TEST_PG_HOST;
	const port = process.env.NMT_TEST_PG_PORT;
	if (!host || !port)
		throw new Error('NMT_TEST_DB=pg needs NMT_TEST_PG_HOST and NMT_TEST_PG_PORT (tests/support/pg.sh start DIR)');
	const name = `nmt_ui_${process.pid}_${Date.now().toString(36)}`;
	const args = ['-h', host, '-p', String(port), '-U', 'postgres'];
	execFileSync('createdb', [...args, name], { stdio: ['ignore', 'ignore', 'pipe'] });
	return {
		url: `postgresql:///${name}?host=${host}&port=${port}&user=postgres`,
		drop: () => execFileSync('dropdb', [...args, '--force', '--if-exists', name], { stdio: ['ignore', 'ignore', 'pipe'] }),
	};
}

// Starts nmtd on a fresh SQLite database (PostgreSQL: pgDatabase) with one user; returns
// {url, user: {username, password, totp_secret}, ctl(...args), stop()}.
export async function startServer({ username = 'anna', displayName = 'Anna Andersson',
    org = 'RK-STOCKHOLM', role = 'coordinator', region = 'stockholm' } = {}) {
	const nmtctl = binary('nmtctl');
	const nmtd = binary('nmtd');
	const dir = mkdtempSync(path.join(tmpdir(), 'nmt-ui-'));
	const pg = pgDatabase();
	const common = ['--database', pg ? pg.url : path.join(dir, 't.db'), '--key-file', path.join(dir, 'key')];
	execFileSync(nmtctl, [...common, 'init'], { stdio: ['ignore', 'ignore', 'pipe'] });
	const args = [...common, 'user', 'add', '--username', username, '--display-name', displayName,
		'--org', org, '--role', role];
	if (region)
		args.push('--region', region);
	args.push('--json');
	const user = JSON.parse(execFileSync(nmtctl, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));

	const child = spawn(nmtd, [...common, '--listen', '127.0.0.1:0', '--web', path.join(repoRoot, 'web')], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stderr = '';
	child.stderr.on('data', (d) => {
		stderr += d;
		if (stderr.length > 20000)
			stderr = stderr.slice(-20000);
	});
	const url = await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`nmtd did not start in time\n${stderr}`)), 15000);
		const rl = createInterface({ input: child.stdout });
		rl.once('line', (line) => {
			clearTimeout(timer);
			const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line);
			if (m)
				resolve(m[1]);
			else
				reject(new Error(`unexpected first line from nmtd: ${JSON.stringify(line)}`));
		});
		child.once('exit', (code, sig) => {
			clearTimeout(timer);
			reject(new Error(`nmtd exited early (${code ?? sig})\n${stderr}`));
		});
	});
	child.stdout.resume();
	// If the test process dies without after(), do not leave nmtd behind.
	const killOnExit = () => child.kill('SIGKILL');
	process.once('exit', killOnExit);

	async function stop() {
		process.removeListener('exit', killOnExit);
		if (child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
			await exited;
			clearTimeout(timer);
		}
		rmSync(dir, { recursive: true, force: true });
		if (pg)
			pg.drop();
	}
	// Runs nmtctl on the server's database; returns its --json output parsed.
	function ctl(...ctlArgs) {
		return JSON.parse(execFileSync(nmtctl, [...common, ...ctlArgs, '--json'],
		    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
	}
	return { url, user, stop, dir, ctl, stderr: () => stderr };
}

export const chromiumArgs = [
	'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchBrowser() {
	const { chromium } = await import('playwright-core');
	const userDataDir = mkdtempSync(path.join(tmpdir(), 'nmt-chromium-'));
	const context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: chromiumPath,
		headless: true,
		args: chromiumArgs,
		viewport: { width: 1280, height: 860 },
		locale: 'sv-SE',
		timezoneId: 'Europe/Stockholm',
	});
	return {
		context,
		async close() {
			await context.close().catch(() => {});
			rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

/*
 * Signs user ({username, password, totp_secret}) in through the login form
 * on page (which must show it, or be sent to url first), with a fresh TOTP
 * code (each code is taken once per user); waits for the signed-in header.
 */
export async function login(page, user, url = null) {
	if (url)
		await page.goto(url);
	await page.locator('#login-username').waitFor();
	await page.fill('#login-username', user.username);
	await page.fill('#login-password', user.password);
	await page.fill('#login-code', await freshTotp(user.totp_secret));
	await page.click('#login-submit');
	await page.locator('#user-name').waitFor();
}

/* Signs out with the header's button; waits for the login form. */
export async function logout(page) {
	await page.click('#logout');
	await page.locator('#login-username').waitFor();
}

/*
 * A caller of the server's JSON API as `username`, with a Bearer token made
 * by `server.ctl('token', 'create', '--username', username)`.
 * Returns `call(method, path, body, {version, headers})`: sends body (if
 * given) as JSON, `If-Match: "version"` if version is given, and any extra
 * headers; asserts the answer is 2xx (the message names method, path,
 * status and answer) and returns the answer parsed (null when empty).
 * call.token is the token, call.auth its Authorization header.
 */
export function apiCaller(server, username) {
	const { token } = server.ctl('token', 'create', '--username', username);
	const auth = { Authorization: `Bearer ${token}` };
	async function call(method, p, body, { version, headers = {} } = {}) {
		const h = { ...auth, ...headers };
		if (body !== undefined && body !== null)
			h['Content-Type'] = 'application/json';
		if (version !== undefined && version !== null)
			h['If-Match'] = `"${version}"`;
		const r = await fetch(`${server.url}/api/v1${p}`, {
			method, headers: h, body: body === undefined || body === null ? undefined : JSON.stringify(body),
		});
		const text = await r.text();
		assert.ok(r.ok, `${method} ${p}: ${r.status} ${text}`);
		return text ? JSON.parse(text) : null;
	}
	call.token = token;
	call.auth = auth;
	return call;
}

/*
 * Creates a case (POST /cases with caseFields) and a person in it (POST
 * /cases/{id}/persons with personFields) through call (from apiCaller).
 * Returns {caseId, personId, theCase, person}: the ids and the answers.
 */
export async function createCaseWithPerson(call, caseFields, personFields) {
	const theCase = await call('POST', '/cases', caseFields);
	const person = await call('POST', `/cases/${theCase.id}/persons`, personFields);
	return { caseId: theCase.id, personId: person.id, theCase, person };
}

/* The console error that every page shows before the login: GET /api/v1/me answers 401. */
export function expected401(text, where) {
	return /status of 401/.test(text) && where.endsWith('/api/v1/me');
}

/*
 * The browser's first page (a new one if it has none), with a default
 * timeout of `timeout` ms, whose console errors and uncaught exceptions are
 * pushed to the array `problems` ("console: text (url)", "pageerror:
 * message"), except the console errors for which expected(text, url) is
 * true (by default the 401 of /api/v1/me before the login). Returns the page.
 */
export async function openPage(browser, problems, { expected = expected401, timeout = 10000 } = {}) {
	const page = browser.context.pages()[0] || await browser.context.newPage();
	page.setDefaultTimeout(timeout);
	page.on('console', (msg) => {
		const where = (msg.location() && msg.location().url) || '';
		if (msg.type() === 'error' && !expected(msg.text(), where))
			problems.push(`console: ${msg.text()} (${where})`);
	});
	page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
	return page;
}

let axeSource = null;

/*
 * Runs axe-core (tests/node_modules/axe-core) on page as it is, with every
 * rule, the experimental ones too (label-content-name-mismatch: WCAG 2.5.3).
 * The page's CSP admits only its own scripts: axe goes in through the
 * DevTools protocol, once per document. Returns the violations, one string
 * "rule: target, target" each ([] when there are none).
 */
export async function axeViolations(page) {
	if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
		axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
		await page.evaluate(axeSource);
	}
	return page.evaluate(async () => {
		const rules = {};
		for (const rule of window.axe.getRules(['experimental']))
			rules[rule.ruleId] = { enabled: true };
		const r = await window.axe.run(document, { rules, resultTypes: ['violations'] });
		return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	});
}
