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
//   Publiceringar          differential-privacy releases (stats-releases.js;
//                          analysts and the secretariat only)
// Labels and tables: stats-ui.js. Each result can be downloaded as CSV
// and Excel (the same query with the Accept header; the file is named by
// the query, never by personal data).
// A withheld (small) cell is shown as ".." with the explanation and the
// threshold from the answer; charts leave it out as a gap, never as zero.
// No query goes into the URL: the page's address stays #/stats.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as ref from '../ref.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { selectField, inputField } from '../form.js';
import { barChart, lineChart, legend } from '../chart.js';
import { statsRegion, releasesStats } from '../roles.js';
import {
	DIMENSIONS, MEASURES, thisYear, yearOptions, dimLabel, valueLabel, anyWithheld, fill, comboKey, comboLabel,
	combos, crossTable, resultTable, withheldNote, selectOf, exportButtons, fileName,
} from '../stats-ui.js';
import { releasesPanel, resetReleases } from '../stats-releases.js';

// What the page keeps between tabs (and visits) while signed in.
const query = { measure: 'persons', dim1: 'citizenship', dim2: '', year: '', region: '', source: '' };
const trend = { measure: 'persons', dim: '', region: '', source: '' };
const report = { eurostat: '', national: '' };

// On sign-out (app.js): the next user starts from the defaults.
export function resetFilters() {
	Object.assign(query, { measure: 'persons', dim1: 'citizenship', dim2: '', year: '', region: '', source: '' });
	Object.assign(trend, { measure: 'persons', dim: '', region: '', source: '' });
	Object.assign(report, { eurostat: '', national: '' });
	resetReleases();
}

// The query in words (the UI's language), for the caption and the chart's title.
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
			if (!(err && typeof err.status === 'number'))
				console.error(err);   // a fault of the page, not an answer
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
