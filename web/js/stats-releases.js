// "Publiceringar" on the statistics page (views/stats.js): the year's
// differential-privacy releases (GET /api/v1/stats/releases?year=), the ε
// budget left, a new release (POST {measure, by: [DIM, DIM?], year,
// epsilon}: an empty ε refused at the field, one past the budget by the
// server's 409) and a release's noisy counts with its CSV and Excel files.
// Analysts and the secretariat's coordinators only (roles.js
// releasesStats).

import { api } from './api.js';
import { h } from './dom.js';
import { t, formatDateTime, locale } from './i18n.js';
import { alertBox, errorMessage } from './ui.js';
import { inputField } from './form.js';
import {
	DIMENSIONS, MEASURES, thisYear, yearOptions, dimLabel, crossTable, selectOf, exportButtons, fileName,
} from './stats-ui.js';

const release = { year: '', measure: 'persons', dim1: 'citizenship', dim2: '', epsilon: '' };

// On sign-out: the next user starts from the defaults.
export function resetReleases() {
	Object.assign(release, { year: '', measure: 'persons', dim1: 'citizenship', dim2: '', epsilon: '' });
}

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

// A release's dimensions (an array; older answers "a,b").
function dimsOf(r) {
	return Array.isArray(r.by) ? r.by : String(r.by || '').split(',').filter(Boolean);
}

// "personer efter medborgarskap och kön"
function whatText(r) {
	const by = dimsOf(r).map((d) => dimLabel(d).toLowerCase()).join(t('stats.and'));
	return t('stats.releases.what', { measure: t(`stats.measure.${r.measure || 'persons'}`).toLowerCase(), by });
}

// A release with its noisy counts (every one published, none withheld)
// and its files.
function releaseView(ctx, refs, r) {
	const dims = dimsOf(r);
	const caption = t('stats.releases.caption', { what: whatText(r), year: r.year, epsilon: epsilonText(r.epsilon) });
	return h('div', { class: 'stats-release', id: 'release-view', dataset: { id: r.id } },
	    h('h3', { class: 'stats-subheading', id: 'release-view-heading', tabindex: '-1' }, caption),
	    h('p', { class: 'muted' }, t('stats.releases.noise', {
		    who: r.created_by, when: formatDateTime(r.created_at),
	    })),
	    // A long release (every country) scrolls in its own box.
	    h('div', {
		    class: 'stats-release-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'release-view-heading',
	    }, crossTable(refs, { cells: r.cells || [] }, [dims[0]], dims.slice(1), 'release-table', caption, { totals: false })),
	    exportButtons(ctx, 'release', `/stats/releases/${encodeURIComponent(r.id)}`, {},
	        fileName(['publicering', r.measure, ...dims, r.year])));
}

// The year's releases, newest first, each with "Visa" (onShow(id)).
function listTable(items, year, onShow) {
	if (!items.length)
		return h('p', { class: 'empty', id: 'releases-empty' }, t('stats.releases.none'));
	return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table stats-table', id: 'releases-table' },
	    h('caption', { class: 'visually-hidden' }, t('stats.releases.listCaption', { year })),
	    h('thead', null, h('tr', null,
	        h('th', { scope: 'col' }, t('stats.releases.when')),
	        h('th', { scope: 'col' }, t('stats.releases.by')),
	        h('th', { scope: 'col', class: 'num' }, 'ε'),
	        h('th', { scope: 'col' }, t('stats.releases.who')),
	        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('stats.releases.actions'))))),
	    h('tbody', null, items.map((r) => h('tr', { dataset: { id: r.id } },
	        h('th', { scope: 'row' }, formatDateTime(r.created_at)),
	        h('td', null, whatText(r)),
	        h('td', { class: 'num' }, epsilonText(r.epsilon)),
	        h('td', null, r.created_by),
	        h('td', null, h('button', {
		        type: 'button', class: 'btn btn-small btn-secondary', dataset: { release: r.id },
		        'aria-label': t('stats.releases.showOne', { what: whatText(r), when: formatDateTime(r.created_at) }),
		        on: { click: () => onShow(r.id) },
	        }, t('stats.releases.show'))))))));
}

// The new release's form fields: measure, one or two dimensions (those of
// the measure), ε. → {nodes, fields: {API field: field}, epsilon}.
function releaseFields() {
	let dim1;
	let dim2;
	const dimOpts = (none) => [...(none ? [['', t('stats.dimNone')]] : []),
		...DIMENSIONS[release.measure].map((d) => [d, dimLabel(d)])];
	const refill = () => {
		if (!DIMENSIONS[release.measure].includes(release.dim1))
			release.dim1 = DIMENSIONS[release.measure][0];
		if (release.dim2 === release.dim1 || !DIMENSIONS[release.measure].includes(release.dim2))
			release.dim2 = '';
		for (const [sel, opts, value] of [[dim1, dimOpts(false), release.dim1],
			[dim2, dimOpts(true).filter(([v]) => v !== release.dim1), release.dim2]]) {
			sel.control.replaceChildren(...opts.map(([v, text]) => h('option', { value: v }, text)));
			sel.control.value = value;
		}
	};
	const measure = selectOf(t('stats.measure'), 'release-measure', MEASURES.map((m) => [m, t(`stats.measure.${m}`)]),
	    release.measure, (v) => {
		    release.measure = v;
		    refill();
	    });
	dim1 = selectOf(t('stats.dim1'), 'release-dim1', dimOpts(false), release.dim1, (v) => {
		release.dim1 = v;
		refill();
	});
	dim2 = selectOf(t('stats.dim2'), 'release-dim2', dimOpts(true), release.dim2, (v) => { release.dim2 = v; });
	refill();
	const epsilon = inputField({
		label: t('stats.releases.epsilon'), hint: t('stats.releases.epsilonHint'), id: 'release-epsilon',
		className: 'field-epsilon', inputmode: 'decimal', value: release.epsilon, class: 'input-short',
	});
	epsilon.control.addEventListener('input', () => { release.epsilon = epsilon.control.value; });
	return {
		nodes: [measure.wrap, dim1.wrap, dim2.wrap, epsilon.wrap],
		fields: { measure, by: dim1, epsilon },
		epsilon,
	};
}

// The body of a new release from the form, or null when ε is refused
// at the field (empty, not a number, not above 0).
function releaseBody(f) {
	const text = String(f.epsilon.control.value).trim();
	const value = Number(text.replace(',', '.'));
	if (!text || !Number.isFinite(value) || value <= 0) {
		f.epsilon.setError(t('stats.releases.epsilonMissing'));
		f.epsilon.control.focus();
		return null;
	}
	return {
		measure: release.measure, by: [release.dim1, release.dim2].filter(Boolean),
		year: Number(release.year), epsilon: value,
	};
}

// The server's refusal: field errors at their fields (by[0] at the first
// dimension), anything else (409 past the budget) in message.
function showRefusal(err, f, message) {
	const at = (e) => f.fields[String(e.field).replace(/\[\d+\]$/, '')];
	const errs = (err.fieldErrors || []).filter(at);
	for (const e of errs)
		at(e).setError(e.message);
	if (errs.length)
		at(errs[0]).control.focus();
	else
		message.replaceChildren(alertBox(errorMessage(err)));
}

export function releasesPanel(ctx, refs, panel) {
	if (!release.year)
		release.year = String(thisYear());
	const budgetHost = h('div', { class: 'stats-budget-host' });
	const listHost = h('div', { class: 'stats-releases-list', id: 'releases-list' });
	const viewHost = h('div', { class: 'stats-release-host' });
	const message = h('div', { id: 'releases-message' });
	const failed = (host) => (err) => {
		if (ctx.isCurrent() && err && err.status !== 401)
			host.replaceChildren(alertBox(errorMessage(err)));
	};
	const show = (id) => api.statsRelease(id).then((r) => {
		if (!ctx.isCurrent())
			return;
		viewHost.replaceChildren(releaseView(ctx, refs, r));
		viewHost.querySelector('h3').focus();
	}, failed(viewHost));
	const load = () => api.statsReleases({ year: release.year }).then((data) => {
		if (!ctx.isCurrent())
			return;
		budgetHost.replaceChildren(...[budgetFacts(data.budget)].filter(Boolean));
		listHost.replaceChildren(listTable(data.items || [], release.year, show));
	}, failed(listHost));

	const year = selectOf(t('stats.year'), 'releases-year', yearOptions(false), release.year, (v) => {
		release.year = v;
		viewHost.replaceChildren();
		load();
	});
	const f = releaseFields();
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'release-submit' }, t('stats.releases.create'));
	const create = async () => {
		for (const x of Object.values(f.fields))
			x.setError(null);
		message.replaceChildren();
		ctx.announce('');
		const body = releaseBody(f);
		if (!body)
			return;
		submit.disabled = true;
		try {
			const r = await api.createStatsRelease(body);
			if (!ctx.isCurrent())
				return;
			ctx.announce(t('stats.releases.created'), { kind: 'success' });
			f.epsilon.control.value = '';
			release.epsilon = '';
			await load();
			viewHost.replaceChildren(releaseView(ctx, refs, r));
		} catch (err) {
			if (ctx.isCurrent() && !(err && err.status === 401))
				showRefusal(err, f, message);
		} finally {
			submit.disabled = false;
		}
	};
	const form = h('form', {
		class: 'filters stats-form', id: 'release-form', 'aria-labelledby': 'release-form-heading', novalidate: true,
		on: { submit: (ev) => { ev.preventDefault(); create(); } },
	}, f.nodes, h('div', { class: 'field field-submit' }, submit));
	panel.replaceChildren(
	    h('p', { class: 'muted stats-intro' }, t('stats.releases.intro')),
	    h('div', { class: 'filters stats-form' }, year.wrap, budgetHost),
	    h('h2', { class: 'stats-result-heading', id: 'release-form-heading' }, t('stats.releases.new')),
	    message, form,
	    h('h2', { class: 'stats-result-heading' }, t('stats.releases.list')),
	    listHost, viewHost);
	return load();
}
