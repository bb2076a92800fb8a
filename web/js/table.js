// Tables: every table of the UI is declared by its columns and built here,
// with a (visually hidden) caption, <th scope="col"> heads and, where a
// column is the row's name, <th scope="row"> cells.
//
//   column: {key, label, cell(item) → node | text, className?,
//            rowHeader?: true (the cell is <th scope="row">),
//            hideLabel?: true (the head is read by screen readers only),
//            sort?: the server's sort key (the head becomes a button)}
//
// Sorting (pagedTable's `sorting: {key, order, onSort(key)}`): a sortable
// column's head is a button that sorts by it (again: the other way round);
// the sorted column's head carries aria-sort.
//
//   dataTable(opts)        a table of the items given (or an empty text)
//   pagedTable(ctx, opts)  a table filled page by page with "Visa fler"
//
// Both take `stack: true` for a table of a few columns: on a phone each row
// is then a block with every value under its column's name (the cells carry
// the name in data-label; app.css). Explicit ARIA roles keep it a table for
// screen readers when CSS changes its display.

import { h } from './dom.js';
import { alertBox, errorMessage } from './ui.js';

function headContent(c, sorting) {
	if (c.hideLabel)
		return h('span', { class: 'visually-hidden' }, c.label);
	if (!c.sort || !sorting)
		return c.label;
	return h('button', {
		type: 'button', class: 'sort-button', dataset: { sort: c.sort },
		on: { click: () => sorting.onSort(c.sort) },
	}, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }));
}

function head(columns, roles, sorting) {
	return h('thead', { role: roles && 'rowgroup' }, h('tr', { role: roles && 'row' }, columns.map((c) => h('th', {
		scope: 'col', class: [c.className, c.sort && sorting && 'sortable'], dataset: { col: c.key }, role: roles && 'columnheader',
	}, headContent(c, sorting)))));
}

// aria-sort on the sorted column's head, none on the others.
function markSort(table, columns, sorting) {
	if (!sorting)
		return;
	columns.forEach((c, i) => {
		const th = table.tHead.rows[0].cells[i];
		if (c.sort && c.sort === sorting.key)
			th.setAttribute('aria-sort', sorting.order === 'asc' ? 'ascending' : 'descending');
		else
			th.removeAttribute('aria-sort');
	});
}

function rowOf(columns, rowProps, item, roles) {
	const tr = h('tr', rowProps ? rowProps(item) : null, columns.map((c) => {
		const v = c.cell(item);
		return h(c.rowHeader ? 'th' : 'td', {
			scope: c.rowHeader ? 'row' : null, class: c.className,
			role: roles && (c.rowHeader ? 'rowheader' : 'cell'),
			dataset: c.rowHeader || c.hideLabel ? null : { label: c.label },
		}, v === null || v === undefined ? '' : v);
	}));
	if (roles)
		tr.setAttribute('role', 'row');
	return tr;
}

// The <table> in its scrolling wrapper; rows are added with add().
function tableParts({ id, className, caption, columns, rowProps, stack = false, sorting = null }) {
	const tbody = h('tbody', { role: stack && 'rowgroup' });
	const table = h('table', { class: ['data-table', stack && 'table-stack', className], id, role: stack && 'table' },
	    h('caption', { class: 'visually-hidden' }, caption), head(columns, stack, sorting), tbody);
	markSort(table, columns, sorting);
	return {
		table, tbody,
		markSort: () => markSort(table, columns, sorting),
		wrap: h('div', { class: 'table-wrap' }, table),
		// Appends rows; returns the first new <tr>.
		add(items) {
			let first = null;
			for (const item of items) {
				const tr = rowOf(columns, rowProps, item, stack);
				first = first || tr;
				tbody.appendChild(tr);
			}
			return first;
		},
	};
}

/*
 * dataTable({id, className, caption, columns, items, rowProps(item) → <tr>
 * props, empty: {text, id}}) → the table in its wrapper, or the empty text
 * (a <p class="empty">) when there are no items and `empty` is given.
 */
export function dataTable(opts) {
	const items = opts.items || [];
	if (items.length === 0 && opts.empty)
		return h('p', { class: 'empty', id: opts.empty.id }, opts.empty.text);
	const parts = tableParts(opts);
	parts.add(items);
	return parts.wrap;
}

/*
 * pagedTable(ctx, opts) → {el, load({append}), reset(), table}
 *   id, className, caption, columns, rowProps   as for dataTable
 *   idPrefix   prefix of the ids of the parts (default id): -empty,
 *              -count, -more, -error
 *   fetchPage(cursor, signal) → {items, next_cursor}
 *   emptyText() the text when there are no rows (called on each load)
 *   countText(n, hasMore), moreText
 *   onError(err) may take an error over (returns true when it did)
 *   sorting    {key, order, onSort(key)} for columns with `sort` (the
 *              caller changes key/order in onSort and loads again)
 * A newer load aborts an older one; "Visa fler" appends the next page and,
 * when it goes away, leaves the keyboard at the first new row.
 */
export function pagedTable(ctx, opts) {
	const { emptyText, countText, moreText, onError, fetchPage } = opts;
	const prefix = opts.idPrefix || opts.id;
	const parts = tableParts(opts);
	const { table, tbody } = parts;
	const empty = h('p', { class: 'empty', id: `${prefix}-empty`, hidden: true });
	const error = h('div', { class: 'list-error', id: `${prefix}-error` });
	const count = h('p', { class: 'list-count', id: `${prefix}-count`, 'aria-live': 'polite' });
	const more = h('button', {
		type: 'button', class: 'btn', id: `${prefix}-more`, hidden: true,
		on: { click: () => load({ append: true }) },
	}, moreText);
	const results = h('div', { class: 'results', 'aria-busy': 'false' },
	    parts.wrap, empty, h('div', { class: 'list-footer' }, more));
	const el = h('div', { class: 'paged-table' }, error, count, results);

	let cursor = null;
	let shown = 0;
	let controller = null;
	table.hidden = true;

	function reset() {
		if (controller) {
			controller.abort();
			controller = null;
		}
		results.setAttribute('aria-busy', 'false');
		tbody.replaceChildren();
		shown = 0;
		cursor = null;
		table.hidden = true;
		empty.hidden = true;
		more.hidden = true;
		count.textContent = '';
	}

	async function load({ append = false } = {}) {
		if (controller)
			controller.abort();
		controller = new AbortController();
		const mine = controller;
		const moreHadFocus = document.activeElement === more;
		results.setAttribute('aria-busy', 'true');
		more.disabled = true;
		let data;
		try {
			data = await fetchPage(append ? cursor : null, mine.signal);
		} catch (err) {
			if ((err && err.name === 'AbortError') || !ctx.isCurrent() || mine !== controller)
				return false;
			controller = null;
			results.setAttribute('aria-busy', 'false');
			more.disabled = false;
			if (err.status === 401)
				return false;
			if (!append)
				reset();
			error.replaceChildren();
			if (!(onError && onError(err)))
				error.replaceChildren(alertBox(errorMessage(err)));
			return false;
		}
		if (!ctx.isCurrent() || mine !== controller)
			return false;
		controller = null;
		error.replaceChildren();
		results.setAttribute('aria-busy', 'false');
		more.disabled = false;
		const items = (data && Array.isArray(data.items)) ? data.items : [];
		if (!append)
			reset();
		const first = parts.add(items);
		parts.markSort();
		shown += items.length;
		cursor = data && data.next_cursor ? String(data.next_cursor) : null;
		more.hidden = !cursor;
		table.hidden = shown === 0;
		empty.hidden = shown !== 0;
		empty.textContent = shown === 0 ? emptyText() : '';
		count.textContent = shown === 0 ? '' : countText(shown, Boolean(cursor));
		// "Visa fler" gone: keep the keyboard where the new rows start.
		if (append && moreHadFocus && more.hidden && first) {
			const cell = first.querySelector('th, td');
			cell.setAttribute('tabindex', '-1');
			cell.focus();
		}
		return true;
	}

	return { el, load, table, reset, sorting: opts.sorting || null };
}
