// Statistics (#/stats): the analyst's page, also the secretariat's
// coordinators' (national) and a regional coordinator's (its own region,
// fixed). Tabs:
//   Tabell och diagram     GET /stats: a measure by one or two dimensions,
//                          for a year, region and source; a table (two
//                          dimensions: a cross table with row and column
//                          totals) and a bar chart beside it
//   Utveckling över tid    GET /stats?by=year[,DIM]: a table and a line
//                          chart by year
//   Eurostat               GET /stats/eurostat?year=
//   Nationell årsrapport   GET /stats/national?year=
// Each result can be downloaded as CSV and Excel (the same query with the
// Accept header; the file is named by the query, never by personal data).
// A withheld (small) cell is shown as ".." with the explanation and the
// threshold from the answer; charts leave it out as a gap, never as zero.
// No query goes into the URL: the page's address stays #/stats.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, has, formatDateTime, locale } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { selectField, inputField } from '../form.js';
import { barChart, lineChart, legend, WITHHELD } from '../chart.js';
import { statsRegion, releasesStats } from '../roles.js';

// The dimensions each measure may be counted by (API.md "Statistics").
const DIMENSIONS = {
	persons: ['citizenship', 'citizenship_group', 'exploitation', 'gender', 'age_band', 'child',
		'presumed_victim', 'region', 'county', 'year'],
	consultations: ['channel', 'requester_kind', 'urgency', 'region', 'county', 'year'],
	cases: ['exploitation', 'region', 'county', 'year'],
};
const MEASURES = Object.keys(DIMENSIONS);
// Code lists of the API (vocab.js) for a dimension's values.
const VOCAB_OF = {
	exploitation: 'exploitation_forms', gender: 'genders', channel: 'consultation_channels',
	urgency: 'urgencies', requester_kind: 'organization_kinds', sex: 'genders',
};
// Dimensions whose values are "yes" and "no".
const YES_NO = ['child', 'presumed_victim'];
const YEARS_BACK = 15;

// What the page keeps between tabs (and visits) while signed in.
const query = { measure: 'persons', dim1: 'citizenship', dim2: '', year: '', region: '', source: '' };
const trend = { measure: 'persons', dim: '', region: '', source: '' };
const report = { eurostat: '', national: '' };
const release = { year: '', dim1: 'citizenship', dim2: '', epsilon: '' };
// The dimensions a release may be made by (POST /stats/releases; persons).
const RELEASE_DIMENSIONS = ['citizenship', 'gender', 'age_band', 'child', 'exploitation', 'region', 'county', 'year'];

// On sign-out (app.js): the next user starts from the defaults.
export function resetFilters() {
	Object.assign(query, { measure: 'persons', dim1: 'citizenship', dim2: '', year: '', region: '', source: '' });
	Object.assign(trend, { measure: 'persons', dim: '', region: '', source: '' });
	Object.assign(report, { eurostat: '', national: '' });
	Object.assign(release, { year: '', dim1: 'citizenship', dim2: '', epsilon: '' });
}

function thisYear() {
	return new Date().getFullYear();
}

function yearOptions(withAll) {
	const out = withAll ? [['', t('stats.yearAll')]] : [];
	for (let y = thisYear(); y > thisYear() - YEARS_BACK; y -= 1)
		out.push([String(y), String(y)]);
	return out;
}

export function dimLabel(dim) {
	return has(`stats.dim.${dim}`) ? t(`stats.dim.${dim}`) : dim;
}

// The text of a dimension's value: vocabulary labels, countries, regions
// and counties by name; true/false as yes/no; a missing value as unknown.
function valueLabel(refs, dim, v) {
	if (v === null || v === undefined || v === 'unknown')
		return t('stats.unknown');
	if (typeof v === 'boolean')
		return t(v ? 'yes' : 'no');
	const code = String(v);
	if (YES_NO.includes(dim) && (code === 'yes' || code === 'no'))
		return t(code);
	if (VOCAB_OF[dim])
		return vocab.label(VOCAB_OF[dim], code);
	const country = dim === 'citizenship' && (refs.countries || []).find((c) => c.code === code);
	if (country)
		return ref.displayName(country);
	if (dim === 'region')
		return ref.displayName((refs.regions || []).find((r) => r.code === code)) || code;
	if (dim === 'county')
		return ref.nameOf(refs.counties, code) || code;
	const key = `stats.val.${dim}.${code}`;
	return has(key) ? t(key) : code;
}

// A key value as a map key (values may be strings, numbers, booleans, null).
function k(v) {
	return v === null || v === undefined ? '\u0000' : String(v);
}

// ".." for a withheld count (screen readers hear what it means).
function countCell(v) {
	if (typeof v === 'number')
		return String(v);
	return h('span', { class: 'withheld', dataset: { withheld: 'true' } },
	    h('span', { 'aria-hidden': 'true' }, WITHHELD),
	    h('span', { class: 'visually-hidden' }, t('stats.withheldShort')));
}

function td(v, className) {
	return h('td', { class: ['num', className, typeof v !== 'number' && 'is-withheld'] }, countCell(v));
}

function anyWithheld(data) {
	if (data && data.tables)
		return Object.values(data.tables).some(anyWithheld);
	const counts = ((data && data.cells) || []).map((c) => c.count);
	for (const [name, v] of Object.entries((data && data.totals) || {}))
		if (Array.isArray(v))
			counts.push(...v.map((x) => x.count));
		else if (name === 'all')
			counts.push(v);
	return counts.some((c) => c === null);
}

// host's content: the nodes given, leaving out the absent (null) ones.
function fill(host, ...nodes) {
	host.replaceChildren(...nodes.flat().filter(Boolean));
}

// A key's values of dims as one map key, and as text.
function comboKey(key, dims) {
	return dims.map((d) => k(key[d])).join('|');
}

function comboLabel(refs, key, dims) {
	return dims.map((d) => valueLabel(refs, d, key[d])).join(', ');
}

// The distinct combinations of dims' values in the cells, in their order
// (years ascending): [{id, key}].
function combos(cells, dims) {
	const seen = new Map();
	for (const c of cells) {
		const id = comboKey(c.key, dims);
		if (!seen.has(id))
			seen.set(id, { id, key: c.key });
	}
	const out = [...seen.values()];
	if (dims.length === 1 && dims[0] === 'year')
		out.sort((x, y) => Number(x.key.year) - Number(y.key.year));
	return out;
}

// A total of the answer's totals["a,b"]: its key is the value (one
// dimension) or an object of the values.
function totalFor(totals, dims, id) {
	const list = (totals || {})[dims.join(',')] || [];
	const hit = list.find((x) => comboKey(x.key && typeof x.key === 'object' ? x.key : { [dims[0]]: x.key }, dims) === id);
	return hit ? hit.count : null;
}

/*
 * A table {cells, totals} as a table: with no column dimensions a row per
 * value of rowDims and the total; otherwise a cross table (rowDims down,
 * colDims across, each a combination of one or two dimensions) with row
 * and column totals and the grand total. A withheld count is "..".
 * Rows and column heads carry data-key (the values joined by "|").
 */
function crossTable(refs, table, rowDims, colDims, id, caption, { totals: withTotals = true } = {}) {
	const cells = table.cells || [];
	const totals = table.totals || {};
	const byKey = new Map(cells.map((c) => [comboKey(c.key, [...rowDims, ...colDims]), c.count]));
	const count = (r, c) => {
		const id2 = c ? `${r.id}|${c.id}` : r.id;
		return byKey.has(id2) ? byKey.get(id2) : 0;
	};
	const rows = combos(cells, rowDims);
	const rowHead = rowDims.map(dimLabel).join(', ');
	let head;
	let body;
	if (!colDims.length) {
		head = h('tr', null, h('th', { scope: 'col' }, rowHead), h('th', { scope: 'col', class: 'num' }, t('stats.count')));
		body = rows.map((r) => h('tr', { dataset: { key: r.id } },
		    h('th', { scope: 'row' }, comboLabel(refs, r.key, rowDims)), td(count(r))));
		if (withTotals)
			body.push(h('tr', { class: 'total-row' }, h('th', { scope: 'row' }, t('stats.total')), td(totals.all, 'total')));
	} else {
		const cols = combos(cells, colDims);
		// Two head rows: the column dimensions over their values.
		head = [h('tr', null, h('th', { scope: 'col', rowspan: '2' }, rowHead),
		    h('th', { scope: 'colgroup', colspan: String(cols.length), class: 'col-group' }, colDims.map(dimLabel).join(', ')),
		    withTotals ? h('th', { scope: 'col', rowspan: '2', class: 'num total' }, t('stats.total')) : null),
		h('tr', null, cols.map((c) => h('th', { scope: 'col', class: 'num', dataset: { key: c.id } },
		    comboLabel(refs, c.key, colDims))))];
		body = rows.map((r) => h('tr', { dataset: { key: r.id } },
		    h('th', { scope: 'row' }, comboLabel(refs, r.key, rowDims)),
		    cols.map((c) => td(count(r, c))),
		    withTotals ? td(totalFor(totals, rowDims, r.id), 'total') : null));
		if (withTotals) {
			body.push(h('tr', { class: 'total-row' }, h('th', { scope: 'row' }, t('stats.total')),
			    cols.map((c) => td(totalFor(totals, colDims, c.id), 'total')), td(totals.all, 'total')));
		}
	}
	return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table stats-table', id },
	    h('caption', null, caption), h('thead', null, head), h('tbody', null, body)));
}

// The result of GET /stats: first dimension down, a second across.
function resultTable(refs, data, id, caption) {
	const [d1, d2] = data.by || [];
	return crossTable(refs, data, [d1], d2 ? [d2] : [], id, caption);
}

// The explanation of withheld cells, with the answer's threshold.
function withheldNote(data, id) {
	if (!anyWithheld(data))
		return null;
	return h('div', { class: 'stats-note', id },
	    h('p', null, h('span', { class: 'withheld-mark', 'aria-hidden': 'true' }, WITHHELD), ' ',
	        t('stats.withheldPrimary', { n: data.threshold ?? 5 })),
	    h('p', null, t('stats.withheldSecondary')));
}

// Swedish words of the query, for the caption and the chart's title.
function describe(refs, data) {
	const parts = [t(`stats.measure.${data.measure}`)];
	const by = (data.by || []).map((d) => dimLabel(d).toLowerCase()).join(t('stats.and'));
	if (by)
		parts.push(t('stats.byWord', { by }));
	const f = data.filters || {};
	if (f.year)
		parts.push(String(f.year));
	if (f.region)
		parts.push(valueLabel(refs, 'region', f.region));
	if (f.source && f.source !== 'own')
		parts.push(t('stats.sourceWord', { source: f.source === 'all' ? t('stats.sourceAll') : f.source }));
	return parts.join(', ');
}

// Categories and series of a chart from a one- or two-dimension answer
// (the keys as in the table's data-key).
function chartData(refs, data) {
	const [d1, d2] = data.by || [];
	const cells = data.cells || [];
	const dims = d2 ? [d1, d2] : [d1];
	const byKey = new Map(cells.map((c) => [comboKey(c.key, dims), c.count]));
	const find = (id) => (byKey.has(id) ? byKey.get(id) : 0);
	const cats = combos(cells, [d1]);
	const categories = cats.map((c) => ({ key: c.id, label: comboLabel(refs, c.key, [d1]) }));
	if (!d2)
		return { categories, series: [{ key: 'count', label: t('stats.count'), values: cats.map((c) => find(c.id)) }] };
	const series = combos(cells, [d2]).map((s) => ({
		key: s.id, label: comboLabel(refs, s.key, [d2]), values: cats.map((c) => find(`${c.id}|${s.id}`)),
	}));
	return { categories, series };
}

// "Ladda ner CSV" and "Ladda ner Excel" for a query (path and params).
function exportButtons(ctx, idPrefix, path, params, name) {
	const message = h('div', { class: 'stats-export-message', id: `${idPrefix}-export-message` });
	const button = (kind, text) => {
		const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: `${idPrefix}-${kind}` }, text);
		b.addEventListener('click', async () => {
			b.disabled = true;
			message.replaceChildren();
			try {
				const blob = await api.statsFile(path, params, kind);
				save(blob, `${name}.${kind}`);
				ctx.announce(t('stats.downloaded'), { kind: 'success' });
			} catch (err) {
				if (err && err.status !== 401)
					message.replaceChildren(alertBox(errorMessage(err)));
			} finally {
				b.disabled = false;
			}
		});
		return b;
	};
	return h('div', { class: 'stats-exports' },
	    h('div', { class: 'stats-export-buttons' }, button('csv', t('stats.csv')), button('xlsx', t('stats.xlsx'))),
	    message);
}

function save(blob, filename) {
	const url = URL.createObjectURL(blob);
	const a = h('a', { href: url, download: filename, hidden: true });
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 0);
}

// A file name from the query's codes: letters, digits and hyphens only.
function fileName(parts) {
	return ['nmt-statistik', ...parts.filter(Boolean)]
	    .map((p) => String(p).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''))
	    .filter(Boolean).join('-');
}

// The chart and its data table side by side (stacked on a phone).
function figure(chartSvg, legendEl, tableEl, id) {
	return h('div', { class: 'stats-figure', id },
	    h('div', { class: 'stats-chart' }, chartSvg, legendEl),
	    h('div', { class: 'stats-data' }, tableEl));
}

// The region filter: a select for national callers, the own region as
// fixed text for a regional coordinator.
function regionControl(refs, user, state, id) {
	const own = statsRegion(user);
	if (own) {
		state.region = own;
		return h('div', { class: 'field stats-fixed-region' },
		    h('p', { class: 'field-label', id: `${id}-label` }, t('stats.region')),
		    h('p', { id, class: 'fixed-value', dataset: { region: own } },
		        t('stats.ownRegion', { region: valueLabel(refs, 'region', own) })));
	}
	const f = selectField({
		label: t('stats.region'), id, value: state.region,
		options: [['', t('stats.regionAll')], ...(refs.regions || []).map((r) => [r.code, ref.displayName(r)])],
	});
	f.control.addEventListener('change', () => { state.region = f.control.value; });
	return f.wrap;
}

// Source: the system's own persons (default), all sources, or a named
// imported one. → {nodes, check()}: check() marks an empty name and
// returns false, true otherwise.
function sourceControl(state, id) {
	const known = ['', 'all'];
	const other = !known.includes(state.source);
	const f = selectField({
		label: t('stats.source'), id, value: other ? 'other' : state.source,
		options: [['', t('stats.sourceOwn')], ['all', t('stats.sourceAll')], ['other', t('stats.sourceOther')]],
	});
	const name = inputField({
		label: t('stats.sourceName'), hint: t('stats.sourceNameHint'), id: `${id}-name`, maxlength: '64',
		value: other ? state.source : '',
	});
	name.wrap.hidden = !other;
	const sync = () => {
		name.wrap.hidden = f.control.value !== 'other';
		state.source = f.control.value === 'other' ? name.control.value.trim() : f.control.value;
		name.setError(null);
	};
	f.control.addEventListener('change', sync);
	name.control.addEventListener('input', sync);
	return {
		nodes: [f.wrap, name.wrap],
		check() {
			if (f.control.value === 'other' && !name.control.value.trim()) {
				name.setError(t('stats.sourceNameMissing'));
				name.control.focus();
				return false;
			}
			return true;
		},
	};
}

/*
 * A query form and its result: the fields, "Visa", and the result host.
 * load() → the answer; show(data) draws it into host. Returns
 * {form, host, run(asked)}: a run the user asked for is announced.
 */
function queryForm(ctx, { id, label, fields, check, load, show }) {
	const host = h('div', { class: 'stats-result', id: `${id}-result` });
	const run = async (asked) => {
		if (check && !check())
			return;
		host.setAttribute('aria-busy', 'true');
		try {
			const data = await load();
			if (!ctx.isCurrent())
				return;
			show(host, data || {});
			if (asked) {
				const heading = host.querySelector('h2');
				ctx.announce(t('stats.updated', { what: heading ? heading.textContent : '' }));
			}
		} catch (err) {
			if (ctx.isCurrent() && err && err.status !== 401)
				host.replaceChildren(alertBox(errorMessage(err)));
		} finally {
			host.setAttribute('aria-busy', 'false');
		}
	};
	const form = h('form', {
		class: 'filters stats-form', id: `${id}-form`, 'aria-label': label, novalidate: true,
		on: { submit: (ev) => { ev.preventDefault(); run(true); } },
	}, fields, h('div', { class: 'field field-submit' },
	    h('button', { type: 'submit', class: 'btn btn-primary', id: `${id}-submit` }, t('stats.show'))));
	return { form, host, run };
}

function selectOf(label, id, options, value, onChange) {
	const f = selectField({ label, id, value, options });
	f.control.addEventListener('change', () => onChange(f.control.value, f));
	return f;
}

/* ---- Tabell och diagram ---- */

function queryParams() {
	const by = [query.dim1, query.dim2].filter(Boolean);
	return {
		measure: query.measure, by: by.join(','), year: query.year || undefined,
		region: query.region || undefined, source: query.source || undefined,
	};
}

function tablePanel(ctx, refs, panel) {
	if (!query.year)
		query.year = String(thisYear());
	const dimOptions = (withNone) => [
		...(withNone ? [['', t('stats.dimNone')]] : []),
		...DIMENSIONS[query.measure].map((d) => [d, dimLabel(d)])];
	let dim1;
	let dim2;
	const refill = () => {
		if (!DIMENSIONS[query.measure].includes(query.dim1))
			query.dim1 = DIMENSIONS[query.measure][0];
		if (query.dim2 === query.dim1 || !DIMENSIONS[query.measure].includes(query.dim2))
			query.dim2 = '';
		const fill = (sel, opts, value) => {
			sel.replaceChildren(...opts.map(([v, text]) => h('option', { value: v }, text)));
			sel.value = value;
		};
		fill(dim1.control, dimOptions(false), query.dim1);
		fill(dim2.control, dimOptions(true).filter(([v]) => v !== query.dim1), query.dim2);
	};
	const measure = selectOf(t('stats.measure'), 'stats-measure',
	    MEASURES.map((m) => [m, t(`stats.measure.${m}`)]), query.measure, (v) => {
		    query.measure = v;
		    refill();
	    });
	dim1 = selectOf(t('stats.dim1'), 'stats-dim1', dimOptions(false), query.dim1, (v) => {
		query.dim1 = v;
		refill();
	});
	dim2 = selectOf(t('stats.dim2'), 'stats-dim2', dimOptions(true), query.dim2, (v) => { query.dim2 = v; });
	refill();
	const year = selectOf(t('stats.year'), 'stats-year', yearOptions(true), query.year, (v) => { query.year = v; });

	const source = sourceControl(query, 'stats-source');
	let params = null;
	const q = queryForm(ctx, {
		id: 'stats', label: t('stats.formLabel'), check: source.check,
		fields: [measure.wrap, dim1.wrap, dim2.wrap, year.wrap, regionControl(refs, ctx.user, query, 'stats-region'),
			...source.nodes],
		load: () => {
			params = queryParams();
			return api.stats(params);
		},
		show: (host, data) => showResult(ctx, refs, host, data, params),
	});
	panel.replaceChildren(q.form, q.host);
	return q.run(false);
}

function showResult(ctx, refs, host, data, params) {
	const title = describe(refs, data);
	const cells = data.cells || [];
	if (cells.length === 0) {
		host.replaceChildren(h('p', { class: 'empty', id: 'stats-empty' }, t('stats.empty')));
		return;
	}
	const { categories, series } = chartData(refs, data);
	const withheld = anyWithheld(data);
	const chart = barChart({
		id: 'stats-chart', title, categories, series,
		desc: t(series.length > 1 ? 'stats.chartDescGrouped' : 'stats.chartDesc'),
	});
	const lg = legend(series, { withheld, withheldText: t('stats.legendWithheld') });
	fill(host,
	    h('h2', { class: 'stats-result-heading', id: 'stats-result-heading' }, title),
	    figure(chart, lg, resultTable(refs, data, 'stats-table', title), 'stats-figure'),
	    withheldNote(data, 'stats-note'),
	    exportButtons(ctx, 'stats', '/stats', params,
	        fileName([data.measure, ...(data.by || []), params.year || 'alla-ar', params.region, params.source])));
}

/* ---- Utveckling över tid ---- */

function trendPanel(ctx, refs, panel) {
	const dims = () => DIMENSIONS[trend.measure].filter((d) => d !== 'year');
	let dim;
	const measure = selectOf(t('stats.measure'), 'trend-measure',
	    MEASURES.map((m) => [m, t(`stats.measure.${m}`)]), trend.measure, (v) => {
		    trend.measure = v;
		    if (!dims().includes(trend.dim))
			    trend.dim = '';
		    dim.control.replaceChildren(...[['', t('stats.dimNone')], ...dims().map((d) => [d, dimLabel(d)])]
			.map(([v2, text]) => h('option', { value: v2 }, text)));
		    dim.control.value = trend.dim;
	    });
	dim = selectOf(t('stats.trendDim'), 'trend-dim', [['', t('stats.dimNone')], ...dims().map((d) => [d, dimLabel(d)])],
	    trend.dim, (v) => { trend.dim = v; });
	const source = sourceControl(trend, 'trend-source');
	let params = null;
	const q = queryForm(ctx, {
		id: 'trend', label: t('stats.trendFormLabel'), check: source.check,
		fields: [measure.wrap, dim.wrap, regionControl(refs, ctx.user, trend, 'trend-region'), ...source.nodes],
		load: () => {
			params = {
				measure: trend.measure, by: ['year', trend.dim].filter(Boolean).join(','),
				region: trend.region || undefined, source: trend.source || undefined,
			};
			return api.stats(params);
		},
		show: (host, data) => showTrend(ctx, refs, host, data, params),
	});
	panel.replaceChildren(q.form, q.host);
	return q.run(false);
}

function showTrend(ctx, refs, host, data, params) {
	const title = describe(refs, { ...data, by: (data.by || []).filter((d) => d !== 'year') }) +
	    t('stats.overYears');
	if ((data.cells || []).length === 0) {
		host.replaceChildren(h('p', { class: 'empty', id: 'trend-empty' }, t('stats.empty')));
		return;
	}
	const { categories, series } = chartData(refs, data);
	const chart = lineChart({ id: 'trend-chart', title, categories, series, desc: t('stats.trendDesc') });
	const lg = legend(series, { withheld: anyWithheld(data), withheldText: t('stats.legendWithheldLine') });
	fill(host,
	    h('h2', { class: 'stats-result-heading', id: 'trend-result-heading' }, title),
	    figure(chart, lg, tableToggle(resultTable(refs, data, 'trend-table', title), 'trend'), 'trend-figure'),
	    withheldNote(data, 'trend-note'),
	    exportButtons(ctx, 'trend', '/stats', params,
	        fileName([data.measure, ...(data.by || []), params.region, params.source])));
}

// "Visa som tabell": the chart's data table behind a keyboard-operable
// button (a disclosure; the table is hidden until asked for).
function tableToggle(tableEl, idPrefix) {
	const panelId = `${idPrefix}-table-panel`;
	const panel = h('div', { id: panelId, hidden: true }, tableEl);
	const btn = h('button', {
		type: 'button', class: 'btn btn-secondary btn-small', id: `${idPrefix}-table-toggle`,
		'aria-expanded': 'false', 'aria-controls': panelId,
	}, t('stats.showTable'));
	btn.addEventListener('click', () => {
		panel.hidden = !panel.hidden;
		btn.setAttribute('aria-expanded', String(!panel.hidden));
		btn.textContent = t(panel.hidden ? 'stats.showTable' : 'stats.hideTable');
	});
	return h('div', { class: 'stats-table-toggle' }, btn, panel);
}

/* ---- Eurostat and the national report ---- */

// The national report's tables (GET /stats/national: tables.persons,
// .exploitation, .citizenship), each region down and its other
// dimensions across.
const NATIONAL_TABLES = ['persons', 'exploitation', 'citizenship'];

function reportTables(refs, data, which, caption) {
	if (which === 'eurostat') {
		if (!(data.cells || []).length)
			return [];
		return [crossTable(refs, data, ['sex', 'age_group'], ['citizenship', 'form'], 'eurostat-table', caption)];
	}
	const out = [];
	for (const name of NATIONAL_TABLES) {
		const table = (data.tables || {})[name];
		if (!table || !(table.cells || []).length)
			continue;
		const first = table.cells[0].key;
		const cols = Object.keys(first).filter((d) => d !== 'region');
		const title = t(`stats.national.${name}`);
		out.push(h('h3', { class: 'stats-subheading' }, title),
		    crossTable(refs, table, ['region'], cols, `national-${name}`, `${caption}: ${title}`));
	}
	return out;
}

function reportPanel(ctx, refs, panel, which) {
	const path = which === 'eurostat' ? '/stats/eurostat' : '/stats/national';
	const get = which === 'eurostat' ? api.statsEurostat : api.statsNational;
	if (!report[which])
		report[which] = String(thisYear());
	const year = selectOf(t('stats.year'), `${which}-year`, yearOptions(false), report[which],
	    (v) => { report[which] = v; });
	let params = null;
	const q = queryForm(ctx, {
		id: which, label: t(`stats.tab.${which}`), fields: [year.wrap],
		load: () => {
			params = { year: report[which] };
			return get(params);
		},
		show: (host, data) => {
			const caption = t(`stats.${which}Caption`, { year: params.year });
			const tables = reportTables(refs, data, which, caption);
			fill(host,
			    h('h2', { class: 'stats-result-heading', id: `${which}-result-heading` }, caption),
			    ...(tables.length ? tables : [h('p', { class: 'empty' }, t('stats.empty'))]),
			    withheldNote(data, `${which}-note`),
			    exportButtons(ctx, which, path, params, fileName([which, params.year])));
		},
	});
	panel.replaceChildren(h('p', { class: 'muted stats-intro' }, t(`stats.${which}Intro`)), q.form, q.host);
	return q.run(false);
}

/* ---- Publiceringar (differential privacy) ---- */

function epsilonText(v) {
	return new Intl.NumberFormat(locale(), { maximumFractionDigits: 3 }).format(v);
}

// The year's ε budget: {year, budget, spent, remaining}.
function budgetFacts(b) {
	if (!b)
		return null;
	return h('p', { class: 'stats-budget', id: 'releases-budget', dataset: { remaining: String(b.remaining) } },
	    t('stats.releases.budget', {
		    year: b.year, budget: epsilonText(b.budget), spent: epsilonText(b.spent), remaining: epsilonText(b.remaining),
	    }));
}

// A release's dimensions ("citizenship,gender") in words.
function byText(by) {
	return String(by || '').split(',').filter(Boolean).map((d) => dimLabel(d).toLowerCase()).join(t('stats.and'));
}

// A release with its noisy counts (every one published, none withheld).
function releaseView(refs, r) {
	const dims = String(r.by).split(',').filter(Boolean);
	const caption = t('stats.releases.caption', { by: byText(r.by), year: r.year, epsilon: epsilonText(r.epsilon) });
	return h('div', { class: 'stats-release', id: 'release-view', dataset: { id: r.id } },
	    h('h3', { class: 'stats-subheading', id: 'release-view-heading', tabindex: '-1' }, caption),
	    h('p', { class: 'muted' }, t('stats.releases.noise', {
		    who: r.created_by, when: formatDateTime(r.created_at),
	    })),
	    // A long release (every country) scrolls in its own box.
	    h('div', {
		    class: 'stats-release-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'release-view-heading',
	    }, crossTable(refs, { cells: r.cells || [] }, [dims[0]], dims.slice(1), 'release-table', caption, { totals: false })));
}

function releasesPanel(ctx, refs, panel) {
	if (!release.year)
		release.year = String(thisYear());
	const budgetHost = h('div', { class: 'stats-budget-host' });
	const listHost = h('div', { class: 'stats-releases-list', id: 'releases-list' });
	const viewHost = h('div', { class: 'stats-release-host' });
	const message = h('div', { id: 'releases-message' });

	const load = async () => {
		try {
			const data = await api.statsReleases({ year: release.year });
			if (!ctx.isCurrent())
				return;
			budgetHost.replaceChildren(...[budgetFacts(data.budget)].filter(Boolean));
			listHost.replaceChildren(listTable(data.items || []));
		} catch (err) {
			if (ctx.isCurrent() && err && err.status !== 401)
				listHost.replaceChildren(alertBox(errorMessage(err)));
		}
	};
	const show = async (id) => {
		try {
			const r = await api.statsRelease(id);
			if (!ctx.isCurrent())
				return;
			viewHost.replaceChildren(releaseView(refs, r));
			viewHost.querySelector('h3').focus();
		} catch (err) {
			if (ctx.isCurrent() && err && err.status !== 401)
				viewHost.replaceChildren(alertBox(errorMessage(err)));
		}
	};
	function listTable(items) {
		if (!items.length)
			return h('p', { class: 'empty', id: 'releases-empty' }, t('stats.releases.none'));
		return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table stats-table', id: 'releases-table' },
		    h('caption', { class: 'visually-hidden' }, t('stats.releases.listCaption', { year: release.year })),
		    h('thead', null, h('tr', null,
		        h('th', { scope: 'col' }, t('stats.releases.when')),
		        h('th', { scope: 'col' }, t('stats.releases.by')),
		        h('th', { scope: 'col', class: 'num' }, 'ε'),
		        h('th', { scope: 'col' }, t('stats.releases.who')),
		        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('stats.releases.actions'))))),
		    h('tbody', null, items.map((r) => h('tr', { dataset: { id: r.id } },
		        h('th', { scope: 'row' }, formatDateTime(r.created_at)),
		        h('td', null, byText(r.by)),
		        h('td', { class: 'num' }, epsilonText(r.epsilon)),
		        h('td', null, r.created_by),
		        h('td', null, h('button', {
			        type: 'button', class: 'btn btn-small btn-secondary', dataset: { release: r.id },
			        'aria-label': t('stats.releases.showOne', { by: byText(r.by), when: formatDateTime(r.created_at) }),
			        on: { click: () => show(r.id) },
		        }, t('stats.releases.show'))))))));
	}

	const year = selectOf(t('stats.year'), 'releases-year', yearOptions(false), release.year, (v) => {
		release.year = v;
		viewHost.replaceChildren();
		load();
	});
	const dimOpts = (none) => [...(none ? [['', t('stats.dimNone')]] : []),
		...RELEASE_DIMENSIONS.map((d) => [d, dimLabel(d)])];
	const dim1 = selectOf(t('stats.dim1'), 'release-dim1', dimOpts(false), release.dim1, (v) => { release.dim1 = v; });
	const dim2 = selectOf(t('stats.dim2'), 'release-dim2', dimOpts(true), release.dim2, (v) => { release.dim2 = v; });
	const eps = inputField({
		label: t('stats.releases.epsilon'), hint: t('stats.releases.epsilonHint'), id: 'release-epsilon',
		className: 'field-epsilon',
		inputmode: 'decimal', value: release.epsilon, class: 'input-short',
	});
	eps.control.addEventListener('input', () => { release.epsilon = eps.control.value; });
	const fields = { by: dim1, epsilon: eps, year };
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'release-submit' }, t('stats.releases.create'));
	const create = async () => {
		for (const f of Object.values(fields))
			f.setError(null);
		message.replaceChildren();
		ctx.announce('');
		const value = Number(String(eps.control.value).trim().replace(',', '.'));
		if (!String(eps.control.value).trim() || !Number.isFinite(value) || value <= 0) {
			eps.setError(t('stats.releases.epsilonMissing'));
			eps.control.focus();
			return;
		}
		if (release.dim2 && release.dim2 === release.dim1) {
			dim2.setError(t('stats.releases.sameDims'));
			dim2.control.focus();
			return;
		}
		submit.disabled = true;
		try {
			const r = await api.createStatsRelease({
				measure: 'persons', by: [release.dim1, release.dim2].filter(Boolean).join(','),
				year: Number(release.year), epsilon: value,
			});
			if (!ctx.isCurrent())
				return;
			ctx.announce(t('stats.releases.created'), { kind: 'success' });
			eps.control.value = '';
			release.epsilon = '';
			await load();
			viewHost.replaceChildren(releaseView(refs, r));
		} catch (err) {
			if (!ctx.isCurrent() || (err && err.status === 401))
				return;
			const errs = err.fieldErrors || [];
			for (const e of errs)
				if (fields[e.field])
					fields[e.field].setError(e.message);
			if (!errs.some((e) => fields[e.field]))
				message.replaceChildren(alertBox(errorMessage(err)));
			else
				(fields[errs.find((e) => fields[e.field]).field]).control.focus();
		} finally {
			submit.disabled = false;
		}
	};
	const form = h('form', {
		class: 'filters stats-form', id: 'release-form', 'aria-labelledby': 'release-form-heading', novalidate: true,
		on: { submit: (ev) => { ev.preventDefault(); create(); } },
	}, dim1.wrap, dim2.wrap, eps.wrap, h('div', { class: 'field field-submit' }, submit));
	panel.replaceChildren(
	    h('p', { class: 'muted stats-intro' }, t('stats.releases.intro')),
	    h('div', { class: 'filters stats-form' }, year.wrap, budgetHost),
	    h('h2', { class: 'stats-result-heading', id: 'release-form-heading' }, t('stats.releases.new')),
	    message, form,
	    h('h2', { class: 'stats-result-heading' }, t('stats.releases.list')),
	    listHost, viewHost);
	return load();
}

/* ---- Tabs ---- */

// ARIA tabs: arrow keys, Home and End move between them; a panel is built
// the first time its tab is chosen.
function tabs(defs) {
	const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('stats.tabsLabel') });
	const panels = [];
	const buttons = defs.map((d, i) => {
		const panel = h('section', {
			class: 'tab-panel', role: 'tabpanel', id: `stats-panel-${d.id}`,
			'aria-labelledby': `stats-tab-${d.id}`, tabindex: '0', hidden: true,
		});
		panels.push(panel);
		const b = h('button', {
			type: 'button', role: 'tab', class: 'tab', id: `stats-tab-${d.id}`,
			'aria-controls': panel.id, 'aria-selected': 'false', tabindex: '-1',
		}, d.label);
		b.addEventListener('click', () => {
			d.onSelect();
			select(i);
		});
		b.addEventListener('keydown', (ev) => {
			const n = defs.length;
			const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i + n - 1) % n, Home: 0, End: n - 1 }[ev.key];
			if (to === undefined)
				return;
			ev.preventDefault();
			defs[to].onSelect();
			select(to);
			buttons[to].focus();
		});
		return b;
	});
	const built = new Set();
	function select(i) {
		buttons.forEach((b, j) => {
			b.setAttribute('aria-selected', String(i === j));
			b.tabIndex = i === j ? 0 : -1;
			panels[j].hidden = i !== j;
		});
		if (!built.has(i)) {
			built.add(i);
			defs[i].build(panels[i]);
		}
	}
	list.append(...buttons);
	return { el: h('div', { class: 'stats-tabs' }, list, panels), select };
}

export async function render(ctx) {
	setTitle('stats.title');
	const [regions, counties, countries] = await Promise.all([
		ref.regions().catch(() => []), ref.counties().catch(() => []), ref.countries().catch(() => []),
	]);
	if (!ctx.isCurrent())
		return;
	const refs = { regions, counties, countries };
	const own = statsRegion(ctx.user);
	const defs = [
		{ id: 'table', label: t('stats.tab.table'), build: (p) => tablePanel(ctx, refs, p) },
		{ id: 'trend', label: t('stats.tab.trend'), build: (p) => trendPanel(ctx, refs, p) },
		{ id: 'eurostat', label: t('stats.tab.eurostat'), build: (p) => reportPanel(ctx, refs, p, 'eurostat') },
		{ id: 'national', label: t('stats.tab.national'), build: (p) => reportPanel(ctx, refs, p, 'national') },
	];
	if (releasesStats(ctx.user))
		defs.push({ id: 'releases', label: t('stats.tab.releases'), build: (p) => releasesPanel(ctx, refs, p) });
	// The last result's announcement belongs to its tab.
	for (const d of defs)
		d.onSelect = () => ctx.announce('');
	const tb = tabs(defs);
	ctx.root.replaceChildren(h('div', { class: 'stats-page' },
	    pageHeading(t('stats.heading'), { id: 'stats-heading' }),
	    h('p', { class: 'muted stats-intro', id: 'stats-scope' },
	        own ? t('stats.scopeRegion', { region: valueLabel(refs, 'region', own) }) : t('stats.scopeNational')),
	    tb.el));
	tb.select(0);
}
