// Nödåtkomster (#/audit/break-glass), for auditors: the grants with the
// reasons given, newest first, paged with "Visa fler". The reason is shown
// as text (line breaks kept); reading the list is audited by the server.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { setTitle, pageHeading } from '../ui.js';
import { PAGE, pagedTable, idText, timeText } from '../audit-table.js';

function count(n, hasMore) {
	if (hasMore)
		return t('glass.countMore', { n });
	return n === 1 ? t('glass.countOne') : t('glass.count', { n });
}

function row(g) {
	const expires = Date.parse(g.expires_at);
	const active = Number.isFinite(expires) && expires > Date.now();
	return h('tr', { class: active ? 'row-active' : null, dataset: { id: g.id || '' } },
	    h('th', { scope: 'row', class: 'nowrap' }, timeText(g.granted_at)),
	    h('td', { class: 'nowrap' }, timeText(g.expires_at),
	        active ? h('span', { class: 'badge badge-active' }, t('glass.active')) : null),
	    h('td', { class: 'cell-actor' }, g.user || t('dash')),
	    h('td', { class: 'nowrap cell-person' }, idText(g.person)),
	    h('td', { class: 'nowrap cell-case' }, idText(g.case)),
	    h('td', { class: 'cell-reason' }, h('div', { class: 'reason' }, g.reason || '')));
}

export async function render(ctx) {
	setTitle('glass.title');
	const list = pagedTable(ctx, {
		id: 'glass-table',
		caption: t('glass.caption'),
		columns: [
			['granted', t('glass.col.granted')],
			['expires', t('glass.col.expires')],
			['user', t('glass.col.user')],
			['person', t('glass.col.person')],
			['case', t('glass.col.case')],
			['reason', t('glass.col.reason'), 'col-reason'],
		],
		row,
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
