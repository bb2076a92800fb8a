// Nödåtkomster (#/audit/break-glass), for auditors: the grants with the
// category (grund) and the reason given, newest first, paged with "Visa fler". The reason is shown
// as text (line breaks kept); reading the list is audited by the server.
// A grant's case number opens that case's entries in the audit log.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { pagedTable } from '../table.js';
import { PAGE, idText, timeText, caseText } from '../audit-table.js';
import { showCase } from './audit.js';

function count(n, hasMore) {
	if (hasMore)
		return t('glass.countMore', { n });
	return n === 1 ? t('glass.countOne') : t('glass.count', { n });
}

function active(g) {
	const expires = Date.parse(g.expires_at);
	return Number.isFinite(expires) && expires > Date.now();
}

// The columns of the grants table (table.js).
function columns(onCase) {
	return [
		{ key: 'granted', label: t('glass.col.granted'), className: 'nowrap', rowHeader: true, cell: (g) => timeText(g.granted_at) },
		{
			key: 'expires', label: t('glass.col.expires'), className: 'nowrap',
			cell: (g) => [timeText(g.expires_at),
				active(g) ? h('span', { class: 'badge badge-active' }, t('glass.active')) : null],
		},
		{ key: 'user', label: t('glass.col.user'), className: 'cell-actor', cell: (g) => g.user || t('dash') },
		{ key: 'person', label: t('glass.col.person'), className: 'nowrap cell-person', cell: (g) => idText(g.person) },
		{ key: 'case', label: t('glass.col.case'), className: 'nowrap cell-case', cell: (g) => caseText(g.case, g.case_number, onCase) },
		{ key: 'category', label: t('glass.col.category'), className: 'cell-category', cell: (g) => (g.category ? vocab.label('break_glass_categories', g.category) : t('dash')) },
		{ key: 'reason', label: t('glass.col.reason'), className: 'col-reason cell-reason', cell: (g) => h('div', { class: 'reason' }, g.reason || '') },
	];
}

export async function render(ctx) {
	setTitle('glass.title');
	const list = pagedTable(ctx, {
		id: 'glass-table',
		caption: t('glass.caption'),
		className: 'log-table',
		columns: columns((number) => {
			showCase(number);
			ctx.navigate('#/audit');
		}),
		rowProps: (g) => ({ class: active(g) ? 'row-active' : null, dataset: { id: g.id || '' } }),
		fetchPage: (cursor, signal) => api.listBreakGlass({ limit: PAGE, cursor }, signal),
		emptyText: () => t('glass.empty'),
		countText: count,
		moreText: t('glass.more'),
	});
	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('glass.title'))),
	    h('p', { class: 'lead' }, t('glass.intro')),
	    list.el);
	await list.load();
}
