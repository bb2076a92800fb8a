// Case list (#/cases): filters (status, region, county, exploitation form,
// "Mina ärenden", free text or a case number as you type), the table of
// cases sorted by a click on a column head (number, title, last activity),
// "Visa fler" by cursor. The filters and the order live in memory only,
// never in the URL, so search words do not end up in the browser history.
// While words are searched the best matches come first ("rank": no sort
// asked of the server), until the user picks another order.

import { api } from '../api.js';
import { h, debounce } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { inputField, selectField, checkField } from '../form.js';
import { pagedTable } from '../table.js';

const filters = { status: '', region: '', county: '', exploitation: '', mine: false, q: '' };
// The server's default: newest case number first; chosen: the user picked
// an order (else a search orders by rank, best match first).
const sorting = { key: 'number', order: 'desc', chosen: false };
const SORTS = ['rank.desc', 'number.desc', 'number.asc', 'title.asc', 'title.desc', 'activity.desc', 'activity.asc',
	'updated.desc', 'updated.asc'];

export async function render(ctx) {
	setTitle('cases.title');
	let regions = [];
	let counties = [];
	let orgs = [];
	try {
		[regions, counties, orgs] = await Promise.all([ref.regions(), ref.counties(), ref.organizations()]);
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
		placeholder: t('cases.searchPlaceholder'),
	});
	const countyField = selectField({
		label: t('cases.county'), id: 'filter-county', name: 'county',
		choose: t('cases.countyAll'),
		options: counties.map((c) => [c.code, ref.displayName(c)]), value: filters.county,
	});
	const formField = selectField({
		label: t('cases.exploitation'), id: 'filter-exploitation', name: 'exploitation',
		choose: t('cases.exploitationAll'),
		options: vocab.options('exploitation_forms'), value: filters.exploitation,
	});
	const mineField = checkField({
		label: t('cases.mine'), id: 'filter-mine', name: 'mine', checked: filters.mine,
	});
	// The order as a choice too: on a phone the table's heads are not shown.
	const sortField = selectField({
		label: t('cases.sort'), id: 'filter-sort', name: 'sort',
		options: SORTS.map((o) => [o, t(`cases.sort.${o}`)]), value: `${sorting.key}.${sorting.order}`,
	});
	const statusSelect = statusField.control;
	const regionSelect = regionField.control;
	const search = searchField.control;

	const caseHref = (c) => `#/cases/${encodeURIComponent(c.id)}`;
	const list = pagedTable(ctx, {
		id: 'cases-table', idPrefix: 'cases', className: 'cases-table', stack: true,
		caption: t('cases.caption'),
		sorting: { ...sorting, onSort: (key) => sortBy(key) },
		columns: [
			{
				key: 'number', label: t('cases.col.number'), className: 'nowrap', rowHeader: true, sort: 'number',
				cell: (c) => h('a', { href: caseHref(c), class: 'case-link' }, c.number || c.id),
			},
			{ key: 'title', label: t('cases.col.title'), className: 'cell-title', sort: 'title', cell: (c) => c.title || '' },
			{
				key: 'status', label: t('cases.col.status'),
				cell: (c) => h('span', { class: ['badge', `badge-${c.status}`] }, vocab.label('case_statuses', c.status)),
			},
			{
				key: 'exploitation', label: t('cases.col.exploitation'), className: 'cell-exploitation',
				cell: (c) => (c.exploitation || []).map((f) => vocab.label('exploitation_forms', f)).join(', ') || t('dash'),
			},
			{ key: 'county', label: t('cases.col.county'), cell: (c) => ref.nameOf(counties, c.county) || t('dash') },
			{
				key: 'owner', label: t('cases.col.owner'), className: 'nowrap',
				cell: (c) => h('span', { title: ref.nameOf(orgs, c.owner_organization) || null }, c.owner_organization || ''),
			},
			{ key: 'persons', label: t('cases.col.persons'), className: 'col-num', cell: (c) => String(c.person_count ?? '') },
			{
				key: 'activity', label: t('cases.col.activity'), className: 'nowrap', sort: 'activity',
				cell: (c) => formatDateTime(c.last_activity || c.updated_at),
			},
		],
		rowProps: (c) => ({ dataset: { id: c.id } }),
		fetchPage: (cursor, signal) => api.listCases({
			status: filters.status, region: filters.region, county: filters.county,
			exploitation: filters.exploitation, mine: filters.mine ? 'true' : undefined,
			q: filters.q.trim(), cursor,
			sort: sorting.key === 'rank' ? undefined : sorting.key,
			order: sorting.key === 'rank' ? undefined : sorting.order,
		}, signal),
		// A search the server refuses (a word of punctuation only, too
		// many words) is shown at the search field, in its own words.
		onError: (err) => {
			const e = err.status === 400 && err.problem && Array.isArray(err.problem.errors) ?
				err.problem.errors.find((x) => x.field === 'q') : null;
			if (!e)
				return false;
			searchField.setError(e.message);
			return true;
		},
		emptyText: () => (filtered() ? t('cases.emptyFiltered') : t('cases.empty')),
		countText: (n, hasMore) => {
			if (hasMore)
				return t('cases.countMore', { n });
			return n === 1 ? t('cases.countOne') : t('cases.count', { n });
		},
		moreText: t('cases.more'),
	});
	const load = () => {
		searchField.setError('');
		return list.load();
	};
	const filtered = () => Boolean(filters.status || filters.region || filters.county ||
		filters.exploitation || filters.mine || filters.q.trim());

	// A click on a sorted column's head turns the order round; on another
	// column, that column's natural order (titles A–Ö, numbers and times
	// newest first).
	function sortBy(key, order) {
		sorting.chosen = true;
		if (order)
			sorting.order = order;
		else if (sorting.key === key)
			sorting.order = sorting.order === 'asc' ? 'desc' : 'asc';
		else
			sorting.order = key === 'title' ? 'asc' : 'desc';
		sorting.key = key;
		Object.assign(list.sorting, sorting);
		sortField.control.value = `${sorting.key}.${sorting.order}`;
		searchSoon.cancel();
		load();
	}

	const form = h('form', {
		class: 'filters', role: 'search', 'aria-label': t('cases.filters'),
		on: { submit: (ev) => { ev.preventDefault(); searchNow(); } },
	}, searchField.wrap, statusField.wrap, regionField.wrap, countyField.wrap, formField.wrap, sortField.wrap, mineField.wrap);

	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' },
	        pageHeading(t('cases.title')),
	        h('a', { href: '#/cases/new', class: 'btn btn-primary', id: 'new-case' }, t('cases.new'))),
	    form, list.el);

	// Until the user picks an order, words are ranked and no words numbered.
	function searchOrder() {
		if (sorting.chosen)
			return;
		const [key, order] = filters.q.trim() ? ['rank', 'desc'] : ['number', 'desc'];
		sorting.key = key;
		sorting.order = order;
		Object.assign(list.sorting, { key, order });
		sortField.control.value = `${key}.${order}`;
	}
	const searchSoon = debounce(() => load(), 250);
	function searchNow() {
		searchSoon.cancel();
		filters.q = search.value;
		searchOrder();
		load();
	}
	search.addEventListener('input', () => {
		filters.q = search.value;
		searchOrder();
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
	countyField.control.addEventListener('change', () => {
		filters.county = countyField.control.value;
		searchSoon.cancel();
		load();
	});
	formField.control.addEventListener('change', () => {
		filters.exploitation = formField.control.value;
		searchSoon.cancel();
		load();
	});
	sortField.control.addEventListener('change', () => {
		const [key, order] = sortField.control.value.split('.');
		sortBy(key, order);
	});
	mineField.control.addEventListener('change', () => {
		filters.mine = mineField.control.checked;
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
	filters.county = '';
	filters.exploitation = '';
	filters.mine = false;
	filters.q = '';
	sorting.key = 'number';
	sorting.order = 'desc';
	sorting.chosen = false;
}
