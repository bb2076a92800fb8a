// "Publiceringar" on the statistics page (views/stats.js): the year's
// differential-privacy releases (GET /api/v1/stats/releases?year=), the ε
// budget left, a new release (POST, persons by one or two dimensions, an
// ε: an empty one refused at the field, one past the budget by the
// server's 409) and a release's noisy counts. Analysts and the
// secretariat's coordinators only (roles.js releasesStats).

import { api } from './api.js';
import { h } from './dom.js';
import { t, formatDateTime, locale } from './i18n.js';
import { alertBox, errorMessage } from './ui.js';
import { inputField } from './form.js';
import { thisYear, yearOptions, dimLabel, crossTable, selectOf } from './stats-ui.js';

// The dimensions a release may be made by (POST /stats/releases; persons).
const RELEASE_DIMENSIONS = ['citizenship', 'gender', 'age_band', 'child', 'exploitation', 'region', 'county', 'year'];
const release = { year: '', dim1: 'citizenship', dim2: '', epsilon: '' };

// On sign-out: the next user starts from the defaults.
export function resetReleases() {
	Object.assign(release, { year: '', dim1: 'citizenship', dim2: '', epsilon: '' });
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

export function releasesPanel(ctx, refs, panel) {
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
