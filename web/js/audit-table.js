// Tables of the audit log (#/audit, the case page's "Ärendets logg") and of
// the nödåtkomst grants (#/audit/break-glass): shortened ids with the full id
// in a title, action labels, and a table paged with "Visa fler".

import { h } from './dom.js';
import { t, label, formatDateTimeSeconds } from './i18n.js';
import { alertBox, errorMessage, tableWrap } from './ui.js';

export const PAGE = 50;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A case id as the server takes it (lowercase), or null when it is none.
export function normalizeUuid(text) {
	const v = String(text || '').trim().toLowerCase();
	return UUID_RE.test(v) ? v : null;
}

export function shortId(id) {
	return id ? String(id).slice(0, 8) : '';
}

// An id shown by its first 8 characters; the whole id is in the title.
export function idText(id) {
	if (!id)
		return h('span', { class: 'muted' }, t('dash'));
	return h('span', { class: 'id-short', title: String(id), dataset: { id: String(id) } }, shortId(id));
}

export function timeText(iso) {
	return h('time', { datetime: iso || '' }, formatDateTimeSeconds(iso));
}

// "case:<id>" → "Ärende 1a2b3c4d"; "user:<name>" → "Användare name".
function objectText(object) {
	if (!object)
		return h('span', { class: 'muted' }, t('dash'));
	const i = object.indexOf(':');
	if (i < 0)
		return h('span', { class: 'id-short' }, object);
	const kind = object.slice(0, i);
	const rest = object.slice(i + 1);
	return h('span', { class: 'object', title: object },
	    h('span', { class: 'object-kind' }, label('auditObject', kind)), ' ',
	    UUID_RE.test(rest) ? h('span', { class: 'id-short' }, shortId(rest)) : h('span', { class: 'object-name' }, rest));
}

// Columns of an audit table; withCase adds "Ärende".
export function auditColumns({ withCase = true } = {}) {
	return [
		['seq', t('audit.col.seq'), 'col-num'],
		['at', t('audit.col.at')],
		['actor', t('audit.col.actor')],
		['organization', t('audit.col.organization')],
		['action', t('audit.col.action')],
		['object', t('audit.col.object')],
		withCase ? ['case', t('audit.col.case')] : null,
		['client', t('audit.col.client')],
		['flagged', t('audit.col.flagged')],
	].filter(Boolean);
}

export function auditRow(e, { withCase = true, orgName } = {}) {
	const org = e.organization || '';
	const orgTitle = org && orgName ? orgName(org) : null;
	return h('tr', {
		class: e.flagged ? 'row-flagged' : null,
		dataset: { seq: String(e.seq), action: e.action || '', flagged: e.flagged ? 'true' : 'false' },
	},
	h('th', { scope: 'row', class: 'col-num' }, String(e.seq)),
	h('td', { class: 'nowrap' }, timeText(e.at)),
	h('td', { class: 'cell-actor' }, e.actor || h('span', { class: 'muted' }, t('audit.unknownActor'))),
	h('td', { class: 'nowrap' }, org
		? h('span', { title: orgTitle && orgTitle !== org ? orgTitle : null }, org)
		: h('span', { class: 'muted' }, t('dash'))),
	h('td', { class: 'cell-action' }, h('span', { title: e.action || null }, label('auditAction', e.action))),
	h('td', { class: 'nowrap cell-object' }, objectText(e.object)),
	withCase ? h('td', { class: 'nowrap cell-case' }, idText(e.case)) : null,
	h('td', { class: 'nowrap cell-client' }, e.client || h('span', { class: 'muted' }, t('dash'))),
	h('td', { class: 'cell-flag' }, e.flagged
		? h('span', { class: 'badge badge-flagged' }, t('audit.flagged'))
		: h('span', { class: 'visually-hidden' }, t('no'))));
}

// A table filled page by page. fetchPage(cursor, signal) → {items,
// next_cursor}; row(item) → <tr>. `onError(err)` may take over an error
// (returns true when it did). Returns {el, load(), table}.
export function pagedTable(ctx, {
	id, caption, columns, row, fetchPage, emptyText, countText, moreText, onError,
}) {
	const tbody = h('tbody');
	const table = h('table', { class: 'data-table log-table', id },
	    h('caption', { class: 'visually-hidden' }, caption),
	    h('thead', null, h('tr', null,
	        columns.map(([key, text, cls]) => h('th', { scope: 'col', class: cls, dataset: { col: key } }, text)))),
	    tbody);
	const empty = h('p', { class: 'empty', id: `${id}-empty`, hidden: true });
	const error = h('div', { class: 'list-error', id: `${id}-error` });
	const count = h('p', { class: 'list-count', id: `${id}-count`, 'aria-live': 'polite' });
	const more = h('button', {
		type: 'button', class: 'btn', id: `${id}-more`, hidden: true,
		on: { click: () => load({ append: true }) },
	}, moreText);
	const results = h('div', { class: 'results', 'aria-busy': 'false' },
	    tableWrap(table), empty, h('div', { class: 'list-footer' }, more));
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
		let first = null;
		for (const item of items) {
			const tr = row(item);
			if (!first)
				first = tr;
			tbody.appendChild(tr);
		}
		shown += items.length;
		cursor = data && data.next_cursor ? String(data.next_cursor) : null;
		more.hidden = !cursor;
		table.hidden = shown === 0;
		empty.hidden = shown !== 0;
		empty.textContent = shown === 0 ? emptyText() : '';
		count.textContent = shown === 0 ? '' : countText(shown, Boolean(cursor));
		// "Visa fler" gone: keep the keyboard where the new rows start.
		if (append && moreHadFocus && more.hidden && first) {
			const head = first.querySelector('th, td');
			head.setAttribute('tabindex', '-1');
			head.focus();
		}
		return true;
	}

	return { el, load, table, reset };
}

// Count line of an audit table.
export function auditCount(n, hasMore) {
	if (hasMore)
		return t('audit.countMore', { n });
	return n === 1 ? t('audit.countOne') : t('audit.count', { n });
}
