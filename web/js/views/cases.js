// Case list (#/cases): filters (status, region, free text as you type),
// table of cases, "Visa fler" by cursor. The filters live in memory only,
// never in the URL, so search words do not end up in the browser history.

import { api } from '../api.js';
import { h, debounce } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import { setTitle, pageHeading, alertBox, errorMessage, tableWrap } from '../ui.js';

const filters = { status: '', region: '', q: '' };
const PAGE = 50;

export async function render(ctx) {
	setTitle('cases.title');
	let regions = [];
	let counties = [];
	try {
		[regions, counties] = await Promise.all([ref.regions(), ref.counties()]);
	} catch (err) {
		if (err.status === 401 || !ctx.isCurrent())
			return;
		throw err;
	}
	if (!ctx.isCurrent())
		return;

	const statusSelect = h('select', { id: 'filter-status', name: 'status' },
	    h('option', { value: '' }, t('cases.statusAll')),
	    h('option', { value: 'open' }, label('status', 'open')),
	    h('option', { value: 'closed' }, label('status', 'closed')));
	statusSelect.value = filters.status;
	const regionSelect = h('select', { id: 'filter-region', name: 'region' },
	    h('option', { value: '' }, t('cases.regionAll')),
	    regions.map((r) => h('option', { value: r.code }, ref.displayName(r))));
	regionSelect.value = filters.region;
	const search = h('input', {
		id: 'filter-q', name: 'q', type: 'search', autocomplete: 'off', spellcheck: 'false',
		'aria-describedby': 'filter-q-hint', value: filters.q,
	});

	const tbody = h('tbody');
	const table = h('table', { class: 'data-table cases-table', id: 'cases-table' },
	    h('caption', { class: 'visually-hidden' }, t('cases.caption')),
	    h('thead', null, h('tr', null,
	        h('th', { scope: 'col' }, t('cases.col.number')),
	        h('th', { scope: 'col' }, t('cases.col.title')),
	        h('th', { scope: 'col' }, t('cases.col.status')),
	        h('th', { scope: 'col' }, t('cases.col.region')),
	        h('th', { scope: 'col' }, t('cases.col.county')),
	        h('th', { scope: 'col' }, t('cases.col.updated')))),
	    tbody);
	const empty = h('p', { class: 'empty', id: 'cases-empty', hidden: true });
	const error = h('div', { class: 'list-error' });
	const more = h('button', {
		type: 'button', class: 'btn', id: 'cases-more', hidden: true,
		on: { click: () => load({ append: true }) },
	}, t('cases.more'));
	const count = h('p', { class: 'list-count', id: 'cases-count', 'aria-live': 'polite' });
	const results = h('div', { class: 'results', 'aria-busy': 'false' },
	    tableWrap(table), empty, h('div', { class: 'list-footer' }, more));

	const form = h('form', {
		class: 'filters', role: 'search', 'aria-label': t('cases.filters'),
		on: { submit: (ev) => { ev.preventDefault(); searchNow(); } },
	},
	h('div', { class: 'field field-search' },
	    h('label', { for: 'filter-q' }, t('cases.search')),
	    search,
	    h('p', { class: 'hint', id: 'filter-q-hint' }, t('cases.searchHint'))),
	h('div', { class: 'field' }, h('label', { for: 'filter-status' }, t('cases.status')), statusSelect),
	h('div', { class: 'field' }, h('label', { for: 'filter-region' }, t('cases.region')), regionSelect));

	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' },
	        pageHeading(t('cases.title')),
	        h('a', { href: '#/cases/new', class: 'btn btn-primary', id: 'new-case' }, t('cases.new'))),
	    form, error, count, results);

	let cursor = null;
	let shown = 0;
	let controller = null;

	async function load({ append = false } = {}) {
		if (controller)
			controller.abort();
		controller = new AbortController();
		const mine = controller;
		results.setAttribute('aria-busy', 'true');
		const params = { status: filters.status, region: filters.region, q: filters.q.trim() };
		if (append && cursor)
			params.cursor = cursor;
		let data;
		try {
			data = await api.listCases(params, mine.signal);
		} catch (err) {
			if ((err && err.name === 'AbortError') || !ctx.isCurrent() || mine !== controller)
				return;
			results.setAttribute('aria-busy', 'false');
			if (err.status === 401)
				return;
			error.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (!ctx.isCurrent() || mine !== controller)
			return;
		controller = null;
		error.replaceChildren();
		results.setAttribute('aria-busy', 'false');
		const items = (data && data.items) || [];
		if (!append) {
			tbody.replaceChildren();
			shown = 0;
		}
		for (const c of items)
			tbody.appendChild(row(c));
		shown += items.length;
		cursor = data && data.next_cursor ? data.next_cursor : null;
		more.hidden = !cursor;
		const filtered = Boolean(filters.status || filters.region || filters.q.trim());
		table.hidden = shown === 0;
		empty.hidden = shown !== 0;
		empty.textContent = filtered ? t('cases.emptyFiltered') : t('cases.empty');
		if (shown === 0)
			count.textContent = '';
		else if (cursor)
			count.textContent = t('cases.countMore', { n: shown });
		else
			count.textContent = shown === 1 ? t('cases.countOne') : t('cases.count', { n: shown });
	}

	function row(c) {
		const href = `#/cases/${encodeURIComponent(c.id)}`;
		return h('tr', { dataset: { id: c.id } },
		    h('td', { class: 'nowrap' }, h('a', { href, class: 'case-link' }, c.number || c.id)),
		    h('td', { class: 'cell-title' }, c.title || ''),
		    h('td', null, h('span', { class: ['badge', `badge-${c.status}`] }, label('status', c.status))),
		    h('td', null, ref.nameOf(regions, c.region) || t('dash')),
		    h('td', null, ref.nameOf(counties, c.county) || t('dash')),
		    h('td', { class: 'nowrap' }, formatDateTime(c.updated_at)));
	}

	const searchSoon = debounce(() => load(), 250);
	function searchNow() {
		searchSoon.cancel();
		filters.q = search.value;
		load();
	}
	search.addEventListener('input', () => {
		filters.q = search.value;
		searchSoon();
	});
	statusSelect.addEventListener('change', () => {
		filters.status = statusSelect.value;
		searchSoon.cancel();
		load();
	});
	regionSelect.addEventListener('change', () => {
		filters.region = regionSelect.value;
		searchSoon.cancel();
		load();
	});
	// Rows are clickable for mouse users; the number link is the keyboard target.
	tbody.addEventListener('click', (ev) => {
		if (ev.target.closest('a'))
			return;
		const tr = ev.target.closest('tr');
		if (tr && tr.dataset.id && !window.getSelection().toString())
			ctx.navigate(`#/cases/${encodeURIComponent(tr.dataset.id)}`);
	});

	await load();
}

export function resetFilters() {
	filters.status = '';
	filters.region = '';
	filters.q = '';
}
