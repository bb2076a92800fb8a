// The statistics page (issue 12) in a real browser on a real nmtd: persons
// with known citizenships are registered through the API (12 from RO, 7
// from NG, 2 from TH and 3 from VN in Stockholm cases, 6 from PL in Västra
// Götaland). An analyst opens "Statistik", asks for persons by citizenship
// for the year and sees 12 and 7, and the two small cells withheld (".."
// with the explanation and the threshold, never 2 or 3), a bar per
// published cell and no bar for a withheld one; the table matches the
// API's answer cell for cell. The CSV and Excel downloads carry the same
// query (CSV content checked against the table, the withheld cells empty
// or marked; the XLSX is a zip file); the trend, Eurostat and national
// report tabs show their tables; the tabs work with the keyboard; a
// differential-privacy release is made with an ε from the year's budget
// (an empty ε refused at the field, one past the budget by the server);
// the page fits a 390 px phone. A regional coordinator sees its own
// region only, fixed. Screenshots go to $NMT_SCREENSHOTS when set. With
// NMT_TEST_DB=pg (and tests/support/pg.sh's NMT_TEST_PG_HOST and
// NMT_TEST_PG_PORT) nmtd runs on PostgreSQL.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
	startServer, launchBrowser, login, logout, apiCaller, openPage, expected401,
} from './helpers.mjs';

const YEAR = new Date().getUTCFullYear();
// Stockholm (county 01): two cells under the threshold, so that neither
// can be worked out from the total; Västra Götaland (14): PL.
const STOCKHOLM = { RO: 12, NG: 7, TH: 2, VN: 3 };
const VAST = { PL: 6 };

let server;
let browser;
let page;
const problems = [];
const users = {};
let analystApi;

async function register(call, county, counts) {
	const c = await call('POST', '/cases', {
		title: `Statistikärende ${county}`, summary: 'Underlag för statistiken.', county, exploitation: ['sexual'],
	});
	let n = 0;
	for (const [citizenship, count] of Object.entries(counts)) {
		for (let i = 0; i < count; i++) {
			n += 1;
			await call('POST', `/cases/${c.id}/persons`, {
				pseudonym: `Person ${county}-${n}`, gender: i % 2 ? 'male' : 'female', birth_year: 1990, citizenship,
			});
		}
	}
}

async function shot(name, fullPage = true) {
	if (process.env.NMT_SCREENSHOTS)
		await page.screenshot({ path: path.join(process.env.NMT_SCREENSHOTS, `${name}.png`), fullPage });
}

// The rows of a one-dimension result table: {key: {text, withheld}}.
async function tableRows(id) {
	return page.$$eval(`#${id} tbody tr[data-key]`, (trs) => Object.fromEntries(trs.map((tr) => {
		const td = tr.querySelector('td');
		const mark = td.querySelector('[data-withheld] [aria-hidden]');
		return [tr.dataset.key, { shown: (mark || td).textContent.trim(),
			withheld: Boolean(td.querySelector('[data-withheld]')) }];
	})));
}

// The shown text of a cross table's cell (".." for a withheld one): the
// row by its data-key, the column by the data-key of its value head.
async function crossCell(id, rowKey, colKey) {
	const col = await page.$$eval(`#${id} thead tr:last-child th`, (ths, key) =>
		ths.findIndex((th) => th.dataset.key === key), colKey);
	assert.ok(col >= 0, `${id} has the column ${colKey}`);
	return page.$eval(`#${id} tbody tr[data-key="${rowKey}"]`,
	    (tr, i) => (tr.children[i].querySelector('[aria-hidden]') || tr.children[i]).textContent.trim(), col + 1);
}

// A download started by clicking selector: {name, body (Buffer)}.
async function download(selector) {
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
	const file = await dl.path();
	return { name: dl.suggestedFilename(), body: readFileSync(file) };
}

// CSV (comma or semicolon separated, RFC 4180 quotes) → rows of fields.
function parseCsv(text) {
	const sep = text.split(/\r?\n/)[0].includes(';') ? ';' : ',';
	return text.split(/\r?\n/).filter((l) => l.length).map((line) => {
		const out = [];
		let cur = '';
		let q = false;
		for (let i = 0; i < line.length; i++) {
			const ch = line[i];
			if (q && ch === '"' && line[i + 1] === '"') {
				cur += '"';
				i++;
			} else if (ch === '"') {
				q = !q;
			} else if (ch === sep && !q) {
				out.push(cur);
				cur = '';
			} else {
				cur += ch;
			}
		}
		out.push(cur);
		return out;
	});
}

// The stand: nmtd on a fresh SQLite database (helpers.mjs), or with
// NMT_TEST_DB=pg on a fresh PostgreSQL one (tests/api/harness.mjs, its
// NMT_TEST_PG_HOST and NMT_TEST_PG_PORT). → {url, regional (anna, the
// coordinator of RK-STOCKHOLM), addUser(username, name, org, role,
// region?), caller(username) (as apiCaller), stop()}.
async function stand() {
	if ((process.env.NMT_TEST_DB || 'sqlite') !== 'pg') {
		const s = await startServer();
		return {
			url: s.url, regional: s.user, stop: () => s.stop(), caller: (u) => apiCaller(s, u),
			addUser: (username, name, org, role, region) => s.ctl('user', 'add', '--username', username,
			    '--display-name', name, '--org', org, '--role', role, ...(region ? ['--region', region] : [])),
		};
	}
	const H = await import('../api/harness.mjs');
	const s = await H.startServer();
	assert.match(s.dbUrl, /^postgresql:/, 'the stand runs on PostgreSQL');
	const addUser = (username, displayName, org, role, region) => H.addUser(s, { username, displayName, org, role, region });
	// apiCaller asks its server's ctl for a token: here the harness makes it.
	const caller = async (u) => {
		const made = await H.token(s, u);
		return apiCaller({ url: s.url, ctl: () => ({ token: made }) }, u);
	};
	return {
		url: s.url, regional: await addUser('anna', 'Anna Andersson', 'RK-STOCKHOLM', 'coordinator', 'stockholm'),
		stop: () => s.close(), caller, addUser,
	};
}

before(async () => {
	server = await stand();
	users.regional = server.regional;
	users.analyst = await server.addUser('alva', 'Alva Analytiker', 'NMT', 'analyst');
	await server.addUser('vera', 'Vera Väst', 'RK-VAST', 'coordinator', 'vast');
	await register(await server.caller('anna'), '01', STOCKHOLM);
	await register(await server.caller('vera'), '14', VAST);
	analystApi = await server.caller('alva');
	browser = await launchBrowser();
	// The browser logs the refused release (409, past the budget) as an error.
	page = await openPage(browser, problems, {
		expected: (text, where) => expected401(text, where) ||
		    (/status of 409/.test(text) && where.endsWith('/api/v1/stats/releases')),
	});
});

after(async () => {
	if (browser)
		await browser.close();
	if (server)
		await server.stop();
});

test('the analyst\'s persons by citizenship: published counts, withheld cells marked, chart and data table', async () => {
	const answer = await analystApi('GET', `/stats?measure=persons&by=citizenship&year=${YEAR}`);
	const byCode = Object.fromEntries(answer.cells.map((c) => [c.key.citizenship, c.count]));
	assert.deepEqual(byCode, { RO: 12, NG: 7, TH: null, VN: null, PL: 6 }, 'the API withholds the small cells');

	await login(page, users.analyst, server.url);
	assert.match(await page.evaluate(() => location.hash), /^#\/stats$/, 'an analyst starts at the statistics');
	await page.click('#nav-stats');
	await page.locator('#stats-heading').waitFor();
	await page.selectOption('#stats-measure', 'persons');
	await page.selectOption('#stats-dim1', 'citizenship');
	await page.selectOption('#stats-dim2', '');
	await page.selectOption('#stats-year', String(YEAR));
	await page.click('#stats-submit');
	await page.locator('#stats-table tbody tr[data-key="PL"]').waitFor();

	const rows = await tableRows('stats-table');
	assert.deepEqual(Object.keys(rows).sort(), ['NG', 'PL', 'RO', 'TH', 'VN']);
	assert.equal(rows.RO.shown, '12');
	assert.equal(rows.NG.shown, '7');
	assert.equal(rows.PL.shown, '6');
	for (const code of ['TH', 'VN']) {
		assert.equal(rows[code].withheld, true, `${code} is marked withheld`);
		assert.equal(rows[code].shown, '..', `${code} shows the mark, not its count`);
	}
	// The names come from the reference data, not the codes.
	assert.equal(await page.textContent('#stats-table tr[data-key="RO"] th'), 'Rumänien');
	const total = await page.$eval('#stats-table .total-row td', (td) =>
		(td.querySelector('[aria-hidden]') || td).textContent.trim());
	assert.equal(total, answer.totals.all === null ? '..' : String(answer.totals.all));
	const note = await page.textContent('#stats-note');
	assert.match(note, new RegExp(`Färre än ${answer.threshold} – uppgiften redovisas inte`));

	// The chart: one bar per published cell with its count, a mark where a
	// cell is withheld (no bar: never drawn as zero); named by title/desc.
	const bars = await page.$$eval('#stats-chart rect.chart-bar',
	    (rs) => rs.map((r) => [r.dataset.category, Number(r.dataset.value)]).sort());
	assert.deepEqual(bars, [['NG', 7], ['PL', 6], ['RO', 12]]);
	const gaps = await page.$$eval('#stats-chart .chart-withheld', (ts) => ts.map((x) => x.dataset.category).sort());
	assert.deepEqual(gaps, ['TH', 'VN']);
	const svg = await page.$eval('#stats-chart', (s) => ({
		role: s.getAttribute('role'), labelledby: s.getAttribute('aria-labelledby'),
		title: s.querySelector('title').textContent, desc: s.querySelector('desc').textContent,
	}));
	assert.equal(svg.role, 'img');
	assert.equal(svg.labelledby, 'stats-chart-title stats-chart-desc');
	assert.match(svg.title, new RegExp(`Personer, efter medborgarskap, ${YEAR}`));
	assert.match(svg.desc, /tabellen bredvid/);
	assert.match(await page.textContent('.chart-legend'), /redovisas inte/);
	await shot('stats-desktop');
});

test('CSV and Excel downloads carry the query in their names and the table\'s figures', async () => {
	const csv = await download('#stats-csv');
	assert.equal(csv.name, `nmt-statistik-persons-citizenship-${YEAR}.csv`);
	const rows = parseCsv(csv.body.toString('utf8').replace(/^\uFEFF/, ''));
	const row = (code) => rows.find((r) => r.includes(code));
	const last = (r) => r[r.length - 1];
	assert.equal(last(row('RO')), '12');
	assert.equal(last(row('NG')), '7');
	assert.equal(last(row('PL')), '6');
	for (const code of ['TH', 'VN']) {
		assert.ok(row(code), `${code} has a row`);
		assert.ok(!['2', '3'].includes(last(row(code))), `${code}'s count is not published: ${last(row(code))}`);
		assert.ok(!/^\d+$/.test(last(row(code))), `${code} is empty or marked`);
	}
	const xlsx = await download('#stats-xlsx');
	assert.equal(xlsx.name, `nmt-statistik-persons-citizenship-${YEAR}.xlsx`);
	assert.ok(xlsx.body.length > 100, 'the workbook is not empty');
	assert.equal(xlsx.body.subarray(0, 2).toString('latin1'), 'PK', 'the workbook is a zip file');
});

test('a second dimension gives a cross table with totals and grouped bars', async () => {
	await page.selectOption('#stats-dim2', 'gender');
	await page.click('#stats-submit');
	await page.locator('#stats-table thead th[data-key="female"]').waitFor();
	const answer = await analystApi('GET', `/stats?measure=persons&by=citizenship,gender&year=${YEAR}`);
	// Every cell of the answer in its row and column, as published.
	for (const c of answer.cells) {
		assert.equal(await crossCell('stats-table', c.key.citizenship, c.key.gender),
		    c.count === null ? '..' : String(c.count), `${c.key.citizenship} × ${c.key.gender}`);
	}
	// Each row's total in the last column, as the API publishes it.
	for (const x of answer.totals.citizenship) {
		const last = await page.$eval(`#stats-table tbody tr[data-key="${x.key}"] td:last-child`,
		    (td) => (td.querySelector('[aria-hidden]') || td).textContent.trim());
		assert.equal(last, x.count === null ? '..' : String(x.count), `total of ${x.key}`);
	}
	const published = answer.cells.filter((c) => c.count !== null).length;
	assert.equal(await page.locator('#stats-chart rect.chart-bar').count(), published);
	assert.equal(await page.locator('.chart-legend li').count() >= 2, true, 'a legend names the series');
	await page.selectOption('#stats-dim2', '');
	await page.click('#stats-submit');
	await page.locator('#stats-table thead th[data-key="female"]').waitFor({ state: 'detached' });
});

test('the trend, Eurostat and national report tabs; the tabs work with the keyboard', async () => {
	await page.focus('#stats-tab-table');
	await page.keyboard.press('ArrowRight');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'stats-tab-trend');
	assert.equal(await page.getAttribute('#stats-tab-trend', 'aria-selected'), 'true');
	await page.locator('#trend-chart').waitFor();
	const trendAnswer = await analystApi('GET', '/stats?measure=persons&by=year');
	const years = trendAnswer.cells.filter((c) => c.count !== null).map((c) => String(c.key.year)).sort();
	assert.deepEqual(await page.$$eval('#trend-chart circle.chart-point', (cs) => cs.map((c) => c.dataset.category).sort()), years);
	// The line's data table behind "Visa som tabell" (a keyboard button).
	assert.equal(await page.isVisible('#trend-table'), false);
	await page.focus('#trend-table-toggle');
	await page.keyboard.press('Enter');
	await page.locator('#trend-table').waitFor();
	assert.equal(await page.getAttribute('#trend-table-toggle', 'aria-expanded'), 'true');
	assert.equal((await tableRows('trend-table'))[String(YEAR)].shown, String(trendAnswer.cells.find((c) => String(c.key.year) === String(YEAR)).count));

	await page.keyboard.press('Shift+Tab');
	await page.focus('#stats-tab-trend');
	await page.keyboard.press('ArrowRight');
	assert.equal(await page.getAttribute('#stats-tab-eurostat', 'aria-selected'), 'true');
	await page.locator('#eurostat-result table').first().waitFor();
	// Sex and child/adult down, citizenship group and form across, as the API counts them.
	const euro = await analystApi('GET', `/stats/eurostat?year=${YEAR}`);
	assert.ok(euro.cells.length > 0);
	for (const c of euro.cells) {
		assert.equal(await crossCell('eurostat-table', `${c.key.sex}|${c.key.age_group}`, `${c.key.citizenship}|${c.key.form}`),
		    c.count === null ? '..' : String(c.count));
	}
	assert.match(await page.textContent('#eurostat-table thead'), /Land utanför EU, Sexuell exploatering/);
	await shot('stats-eurostat');

	await page.focus('#stats-tab-eurostat');
	await page.keyboard.press('End');
	assert.equal(await page.getAttribute('#stats-tab-releases', 'aria-selected'), 'true');
	await page.keyboard.press('ArrowLeft');
	assert.equal(await page.evaluate(() => document.activeElement.id), 'stats-tab-national');
	assert.equal(await page.getAttribute('#stats-tab-national', 'aria-selected'), 'true');
	await page.locator('#national-citizenship').waitFor();
	const national = await analystApi('GET', `/stats/national?year=${YEAR}`);
	for (const c of national.tables.citizenship.cells) {
		assert.equal(await crossCell('national-citizenship', c.key.region, c.key.citizenship),
		    c.count === null ? '..' : String(c.count));
	}
	await shot('stats-national');
});

test('releases: the ε budget, a new release with its noisy counts, refusals at the field and past the budget', async () => {
	await page.click('#stats-tab-releases');
	await page.locator('#releases-budget').waitFor();
	assert.equal(await page.getAttribute('#releases-budget', 'data-remaining'), '1');
	assert.match(await page.textContent('#releases-empty'), /Inga publiceringar/);
	// No ε: refused at the field before anything is sent.
	let posts = 0;
	const countPosts = (req) => {
		if (req.method() === 'POST' && req.url().endsWith('/api/v1/stats/releases'))
			posts += 1;
	};
	page.on('request', countPosts);
	await page.selectOption('#release-measure', 'persons');
	await page.selectOption('#release-dim1', 'citizenship');
	await page.selectOption('#release-dim2', '');
	await page.click('#release-submit');
	await page.locator('#release-epsilon-error:not([hidden])').waitFor();
	assert.equal(await page.getAttribute('#release-epsilon', 'aria-invalid'), 'true');
	assert.equal(posts, 0);

	await page.fill('#release-epsilon', '0,3');
	await page.click('#release-submit');
	await page.locator('#release-table').waitFor();
	assert.equal(posts, 1);
	const list = await analystApi('GET', `/stats/releases?year=${YEAR}`);
	assert.equal(list.items.length, 1);
	assert.equal(list.items[0].epsilon, 0.3);
	assert.equal(await page.getAttribute('#releases-budget', 'data-remaining'), String(list.budget.remaining));
	assert.equal(await page.locator('#releases-table tbody tr').count(), 1);
	// The release's counts as stored, one row per citizenship released.
	const stored = await analystApi('GET', `/stats/releases/${list.items[0].id}`);
	const shown = await page.$$eval('#release-table tbody tr[data-key]', (trs) =>
		Object.fromEntries(trs.map((tr) => [tr.dataset.key, tr.querySelector('td').textContent.trim()])));
	assert.deepEqual(shown, Object.fromEntries(stored.cells.map((c) => [c.key.citizenship, String(c.count)])));
	assert.equal(await page.locator('#release-table [data-withheld]').count(), 0, 'noisy counts are all published');
	// Its file: the released counts, named by the release's query.
	const file = await download('#release-csv');
	assert.equal(file.name, `nmt-statistik-publicering-persons-citizenship-${YEAR}.csv`);
	// (cells of count 0 are left out of the file)
	const fileRows = parseCsv(file.body.toString('utf8').replace(/^\uFEFF/, ''));
	const nonZero = Object.entries(shown).filter(([, n]) => n !== '0');
	assert.ok(nonZero.length > 0);
	for (const [code, n] of nonZero) {
		const row = fileRows.find((r) => r[0] === code);
		assert.equal(row && row[row.length - 1], n, `${code} in the file`);
	}

	// Past the year's budget: the server's refusal, nothing stored.
	await page.fill('#release-epsilon', '0.8');
	await page.click('#release-submit');
	await page.locator('#releases-message .alert').waitFor();
	assert.match(await page.textContent('#releases-message'), /budget/);
	assert.equal((await analystApi('GET', `/stats/releases?year=${YEAR}`)).items.length, 1);
	page.off('request', countPosts);
	await shot('stats-releases', false);
});

test('on a 390 px phone the page fits without sideways scrolling', async () => {
	await page.setViewportSize({ width: 390, height: 844 });
	await page.click('#stats-tab-table');
	await page.locator('#stats-chart').waitFor();
	const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
	assert.ok(overflow <= 0, `the page is ${overflow} px too wide`);
	const chartWidth = await page.$eval('#stats-chart', (s) => s.getBoundingClientRect().width);
	assert.ok(chartWidth > 200 && chartWidth <= 390, `the chart scales to the phone (${chartWidth} px)`);
	await shot('stats-phone');
	await page.setViewportSize({ width: 1280, height: 860 });
	await logout(page);
});

test('a regional coordinator sees its own region only, fixed', async () => {
	await login(page, users.regional, server.url);
	await page.click('#nav-stats');
	await page.locator('#stats-heading').waitFor();
	assert.equal(await page.locator('select#stats-region').count(), 0, 'no region to choose');
	assert.equal(await page.getAttribute('#stats-region', 'data-region'), 'stockholm');
	assert.equal(await page.locator('#stats-tab-releases').count(), 0, 'releases are national: not offered');
	assert.match(await page.textContent('#stats-region'), /Stockholm/);
	await page.selectOption('#stats-year', String(YEAR));
	await page.click('#stats-submit');
	await page.locator('#stats-table tbody tr[data-key="RO"]').waitFor();
	const rows = await tableRows('stats-table');
	assert.deepEqual(Object.keys(rows).sort(), ['NG', 'RO', 'TH', 'VN'], 'Västra Götaland\'s persons are not counted');
	assert.equal(rows.RO.shown, '12');
	assert.equal(rows.TH.withheld, true);
	await logout(page);
	assert.deepEqual(problems, []);
});
