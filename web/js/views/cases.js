// Case list (#/cases): filters (status, region, free text as you type),
// table of cases, "Visa fler" by cursor. The filters live in memory only,
// never in the URL, so search words do not end up in the browser history.

import { api } from '../api.js';
import { h, debounce } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { inputField, selectField } from '../form.js';
import { pagedTable } from '../table.js';

const filters = { status: '', region: '', q: '' };

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

	const statusField = selectField({
		label: t('cases.status'), id: 'filter-status', name: 'status',
		choose: t('cases.statusAll'), options: vocab.options('case_statuses'), value: filters.status,
	});
	const regionField = selectField({
		label: t('cases.region'), id: 'filter-region', name: 'region',
		choose: t('cases.regionAll'),
		options: regions.map((r) => [r.code, ref.displayName(r)]), value: filters.region,
	});
	const searchField = inputField({
		label: t('cases.search'), hint: t('cases.searchHint'), className: 'field-search',
		id: 'filter-q', name: 'q', type: 'search', spellcheck: 'false', value: filters.q,
	});
	const statusSelect = statusField.control;
	const regionSelect = regionField.control;
	const search = searchField.control;

	const caseHref = (c) => `#/cases/${encodeURIComponent(c.id)}`;
	const list = pagedTable(ctx, {
		id: 'cases-table', idPrefix: 'cases', className: 'cases-table', stack: true,
		caption: t('cases.caption'),
		columns: [
			{
				key: 'number', label: t('cases.col.number'), className: 'nowrap', rowHeader: true,
				cell: (c) => h('a', { href: caseHref(c), class: 'case-link' }, c.number || c.id),
			},
			{ key: 'title', label: t('cases.col.title'), className: 'cell-title', cell: (c) => c.title || '' },
			{
				key: 'status', label: t('cases.col.status'),
				cell: (c) => h('span', { class: ['badge', `badge-${c.status}`] }, vocab.label('case_statuses', c.status)),
			},
			{ key: 'region', label: t('cases.col.region'), cell: (c) => ref.nameOf(regions, c.region) || t('dash') },
			{ key: 'county', label: t('cases.col.county'), cell: (c) => ref.nameOf(counties, c.county) || t('dash') },
			{ key: 'updated', label: t('cases.col.updated'), className: 'nowrap', cell: (c) => formatDateTime(c.updated_at) },
		],
		rowProps: (c) => ({ dataset: { id: c.id } }),
		fetchPage: (cursor, signal) => api.listCases({
			status: filters.status, region: filters.region, q: filters.q.trim(), cursor,
		}, signal),
		emptyText: () => (filters.status || filters.region || filters.q.trim()
			? t('cases.emptyFiltered') : t('cases.empty')),
		countText: (n, hasMore) => {
			if (hasMore)
				return t('cases.countMore', { n });
			return n === 1 ? t('cases.countOne') : t('cases.count', { n });
		},
		moreText: t('cases.more'),
	});
	const load = () => list.load();

	const form = h('form', {
		class: 'filters', role: 'search', 'aria-label': t('cases.filters'),
		on: { submit: (ev) => { ev.preventDefault(); searchNow(); } },
	}, searchField.wrap, statusField.wrap, regionField.wrap);

	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' },
	        pageHeading(t('cases.title')),
	        h('a', { href: '#/cases/new', class: 'btn btn-primary', id: 'new-case' }, t('cases.new'))),
	    form, list.el);

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
	list.table.tBodies[0].addEventListener('click', (ev) => {
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
