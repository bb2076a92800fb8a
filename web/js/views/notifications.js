// "Aviseringar" (#/notifications): the user's own notifications, newest
// first — a new task, a task answered, a task overdue, a deadline close to
// its end. Each opens what it is about (and is marked read);
// "Markera alla som lästa" marks the rest. No personal data: a kind, a
// time and a link; a deadline tells its clock, the case's number and the
// days left ("Betänketiden för en person i ärende NMT-2027-0001 går ut om
// 2 dagar"), never who.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { pagedTable } from '../table.js';
import { refreshIndicator } from '../notify.js';

function count(n, more) {
	if (more)
		return t('notes.countMore', { n });
	return n === 1 ? t('notes.countOne') : t('notes.count', { n });
}

// The sentence of a clock_due notification (kind label for any other).
export function noteText(n) {
	if (n.kind !== 'clock_due' || !n.clock || n.days_left === null)
		return vocab.label('notification_kinds', n.kind);
	const what = t(`notes.clock.${n.clock}`, { case: n.case_number || '' });
	const d = n.days_left;
	if (d > 1)
		return t('notes.clock.inDays', { what, n: d });
	if (d === 1)
		return t('notes.clock.inOneDay', { what });
	if (d === 0)
		return t('notes.clock.today', { what });
	if (d === -1)
		return t('notes.clock.yesterday', { what });
	return t('notes.clock.daysAgo', { what, n: -d });
}

export async function render(ctx) {
	setTitle('notes.title');
	const msg = h('div', { class: 'section-message' });
	async function open(n) {
		try {
			if (!n.read)
				await api.readNotification(n.id);
		} catch (err) {
			if (err.status !== 401 && ctx.isCurrent())
				msg.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		refreshIndicator();
		ctx.navigate(n.link);
	}
	const list = pagedTable(ctx, {
		id: 'notes-table', caption: t('notes.caption'), stack: true,
		columns: [
			{
				key: 'kind', label: t('notes.col.kind'), rowHeader: true,
				cell: (n) => h('a', { href: n.link, on: { click: (ev) => {
					ev.preventDefault();
					open(n);
				} } }, noteText(n)),
			},
			{ key: 'at', label: t('notes.col.at'), className: 'nowrap', cell: (n) => formatDateTime(n.at) },
			{
				key: 'read', label: t('notes.col.read'),
				cell: (n) => (n.read ? t('notes.read') : h('span', { class: 'badge badge-unread' }, t('notes.unread'))),
			},
		],
		rowProps: (n) => ({ class: n.read ? null : 'row-unread', dataset: { id: n.id, kind: n.kind } }),
		fetchPage: (cursor, signal) => api.listNotifications({ limit: 50, cursor }, signal),
		emptyText: () => t('notes.empty'),
		countText: count,
		moreText: t('notes.more'),
	});
	const all = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'notes-read-all',
		on: { click: async () => {
			msg.replaceChildren();
			try {
				await api.readAllNotifications();
			} catch (err) {
				if (err.status !== 401 && ctx.isCurrent())
					msg.replaceChildren(alertBox(errorMessage(err)));
				return;
			}
			ctx.announce(t('notes.allRead'), { kind: 'success' });
			refreshIndicator();
			await list.load();
		} },
	}, t('notes.readAll'));
	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('notes.title')), all),
	    msg, list.el);
	await list.load();
	refreshIndicator();
}
