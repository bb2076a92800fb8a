// "Insatser" (#/operations): the operations (punktinsatser) the user may
// see, as a list (filters: status, region, from/to on the start date; by
// start date, GET /api/v1/operations) or as a month calendar per region.
// The calendar is a grid of weeks (Monday first) with each operation a link
// on every day it runs; "Föregående månad" / "Nästa månad" move it. On a
// phone the grid gives way to the month's operations as a list (app CSS).
// Coordinators who plan operations get "Planera insats". Filters are kept
// in memory for the session only (resetFilters at sign-out).

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, locale } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { selectField, inputField } from '../form.js';
import { dataTable } from '../table.js';
import { plansOperations } from '../roles.js';

const MAX_PAGES = 10;

let filters = null;   // {status, region, from, to, mode, month: 'YYYY-MM'}

export function resetFilters() {
	filters = null;
}

function pad(n) {
	return String(n).padStart(2, '0');
}

function isoDate(d) {
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// Every page of a list (a month has few operations; a guard all the same).
async function allOperations(params) {
	const items = [];
	let cursor;
	for (let i = 0; i < MAX_PAGES; i++) {
		const page = await api.listOperations({ ...params, cursor, limit: 200 });
		items.push(...(page.items || []));
		if (!page.next_cursor)
			break;
		cursor = page.next_cursor;
	}
	return items;
}

export function statusBadge(status) {
	return h('span', { class: ['badge', `op-status-${status}`], dataset: { status } },
	    vocab.label('operation_statuses', status));
}

function opLink(op) {
	return h('a', { href: `#/operations/${encodeURIComponent(op.id)}`, dataset: { id: op.id } },
	    `${op.number} ${op.title}`);
}

function dates(op) {
	return op.starts_on === op.ends_on ? op.starts_on : `${op.starts_on} – ${op.ends_on}`;
}

function listTable(items, regions) {
	return dataTable({
		id: 'operations-table', caption: t('operations.caption'), stack: true,
		items,
		empty: { id: 'operations-empty', text: t('operations.empty') },
		rowProps: (op) => ({ dataset: { id: op.id, status: op.status } }),
		columns: [
			{ key: 'title', label: t('operations.col.title'), rowHeader: true, cell: opLink },
			{ key: 'dates', label: t('operations.col.dates'), cell: dates },
			{ key: 'region', label: t('operations.col.region'), cell: (op) => ref.nameOf(regions, op.region) },
			{ key: 'kind', label: t('operations.col.kind'), cell: (op) => vocab.label('operation_kinds', op.kind) },
			{ key: 'status', label: t('operations.col.status'), cell: (op) => statusBadge(op.status) },
		],
	});
}

// The weeks of a month (Monday first) as arrays of 7 Date | null.
function monthWeeks(year, month) {
	const first = new Date(year, month, 1);
	const days = new Date(year, month + 1, 0).getDate();
	const lead = (first.getDay() + 6) % 7;
	const cells = [];
	for (let i = 0; i < lead; i++)
		cells.push(null);
	for (let d = 1; d <= days; d++)
		cells.push(new Date(year, month, d));
	while (cells.length % 7)
		cells.push(null);
	const weeks = [];
	for (let i = 0; i < cells.length; i += 7)
		weeks.push(cells.slice(i, i + 7));
	return weeks;
}

function weekdayNames() {
	const fmt = new Intl.DateTimeFormat(locale(), { weekday: 'short' });
	const long = new Intl.DateTimeFormat(locale(), { weekday: 'long' });
	// 2024-01-01 was a Monday.
	return Array.from({ length: 7 }, (_, i) => {
		const d = new Date(2024, 0, 1 + i);
		return [fmt.format(d), long.format(d)];
	});
}

function monthTitle(year, month) {
	return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric' }).format(new Date(year, month, 1));
}

function calendarGrid(year, month, ops) {
	const names = weekdayNames();
	const today = isoDate(new Date());
	return h('table', { class: 'op-cal-grid', id: 'operations-calendar-grid' },
	    h('caption', { class: 'visually-hidden' }, monthTitle(year, month)),
	    h('thead', null, h('tr', null, names.map(([short, long]) =>
		h('th', { scope: 'col', abbr: long }, short)))),
	    h('tbody', null, monthWeeks(year, month).map((week) => h('tr', null, week.map((d) => {
		    if (!d)
			    return h('td', { class: 'op-cal-empty' });
		    const day = isoDate(d);
		    const here = ops.filter((op) => op.starts_on <= day && op.ends_on >= day);
		    return h('td', { class: ['op-cal-day', day === today && 'op-cal-today'], dataset: { date: day } },
			h('span', { class: 'op-cal-num' }, String(d.getDate())),
			here.length ? h('ul', { class: 'op-cal-ops' }, here.map((op) =>
				h('li', { class: `op-status-${op.status}` }, opLink(op)))) : null);
	    })))));
}

function calendarList(ops) {
	if (!ops.length)
		return h('p', { class: 'empty op-cal-list', id: 'operations-calendar-empty' }, t('operations.calendar.empty'));
	return h('ul', { class: 'op-cal-list', id: 'operations-calendar-list' }, ops.map((op) =>
		h('li', null, opLink(op), h('span', { class: 'muted' }, ` ${dates(op)} `), statusBadge(op.status))));
}

function defaults(user) {
	const now = new Date();
	return {
		status: '', region: user.region || '', from: '', to: '', mode: 'list',
		month: `${now.getFullYear()}-${pad(now.getMonth() + 1)}`,
	};
}

export async function render(ctx) {
	setTitle('operations.title');
	filters = filters || defaults(ctx.user);
	let regions = [];
	try {
		regions = await ref.regions();
	} catch (err) {
		ctx.showError(err);
		return;
	}
	if (!ctx.isCurrent())
		return;
	const regionOptions = regions.map((r) => [r.code, ref.displayName(r)]);

	const status = selectField({
		label: t('operations.col.status'), id: 'operations-status', name: 'status',
		options: vocab.options('operation_statuses'),
		choose: t('operations.statusAll'), value: filters.status,
	});
	const region = selectField({
		label: t('operations.col.region'), id: 'operations-region', name: 'region',
		options: regionOptions, choose: t('operations.regionAll'), value: filters.region,
	});
	const from = inputField({ label: t('operations.from'), id: 'operations-from', name: 'from', type: 'date', value: filters.from });
	const to = inputField({ label: t('operations.to'), id: 'operations-to', name: 'to', type: 'date', value: filters.to });
	const host = h('div', { id: 'operations-host' });
	const modeButtons = ['list', 'calendar'].map((mode) => h('button', {
		type: 'button', class: 'btn btn-secondary btn-small', id: `operations-mode-${mode}`,
		'aria-pressed': String(filters.mode === mode),
		on: { click: () => { filters.mode = mode; paintMode(); load(); } },
	}, t(`operations.mode.${mode}`)));
	const dateFilters = h('div', { class: 'op-date-filters' }, from.wrap, to.wrap);

	function paintMode() {
		for (const b of modeButtons)
			b.setAttribute('aria-pressed', String(b.id === `operations-mode-${filters.mode}`));
		// The calendar shows a month; the dates filter the list only.
		dateFilters.hidden = filters.mode !== 'list';
	}

	let seq = 0;
	async function load() {
		const mine = ++seq;
		const params = { status: filters.status, region: filters.region };
		let year, month;
		if (filters.mode === 'calendar') {
			[year, month] = filters.month.split('-').map(Number);
			month -= 1;
			// An operation that started last month may still run in this one.
			params.from = isoDate(new Date(year, month - 1, 1));
			params.to = isoDate(new Date(year, month + 1, 0));
		} else {
			params.from = filters.from;
			params.to = filters.to;
		}
		let items;
		try {
			items = await allOperations(params);
		} catch (err) {
			if (ctx.isCurrent() && mine === seq && err.status !== 401)
				host.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (!ctx.isCurrent() || mine !== seq)
			return;
		if (filters.mode === 'list') {
			host.replaceChildren(listTable(items, regions));
			return;
		}
		const first = isoDate(new Date(year, month, 1));
		const last = isoDate(new Date(year, month + 1, 0));
		const inMonth = items.filter((op) => op.starts_on <= last && op.ends_on >= first);
		const title = h('h2', { id: 'operations-month', tabindex: '-1', 'aria-live': 'polite' }, monthTitle(year, month));
		const move = (delta) => {
			const d = new Date(year, month + delta, 1);
			filters.month = `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
			load().then(() => document.getElementById(delta < 0 ? 'operations-prev' : 'operations-next')?.focus());
		};
		host.replaceChildren(h('section', { class: 'op-calendar', 'aria-labelledby': 'operations-month' },
		    h('div', { class: 'op-cal-head' },
		        h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'operations-prev',
			    on: { click: () => move(-1) } }, t('operations.calendar.prev')),
		        title,
		        h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'operations-next',
			    on: { click: () => move(1) } }, t('operations.calendar.next'))),
		    calendarGrid(year, month, inMonth),
		    calendarList(inMonth)));
	}

	for (const [f, key] of [[status, 'status'], [region, 'region'], [from, 'from'], [to, 'to']]) {
		f.control.addEventListener('change', () => {
			filters[key] = f.control.value;
			load();
		});
	}
	paintMode();
	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('operations.title')),
	        plansOperations(ctx.user)
		    ? h('a', { href: '#/operations/new', class: 'btn btn-primary', id: 'operations-new' }, t('operations.new'))
		    : null),
	    h('p', { class: 'lead' }, t('operations.intro')),
	    h('div', { class: 'filters', role: 'search', 'aria-label': t('operations.filters') },
	        status.wrap, region.wrap, dateFilters),
	    h('div', { class: 'op-modes', role: 'group', 'aria-label': t('operations.mode.label') }, modeButtons),
	    host);
	await load();
}
