// The notification indicator in the header: a link to #/notifications
// with the number of unread notifications ("Aviseringar (3)"), read from
// GET /api/v1/notifications/count after login, on each page change and
// every minute while signed in. A failed count leaves the link without a
// number.

import { api } from './api.js';
import { h } from './dom.js';
import { t } from './i18n.js';

const REFRESH_MS = 60000;
let link = null;
let timer = null;
let unread = null;

function paint() {
	if (!link)
		return;
	const n = unread || 0;
	link.replaceChildren(t('notes.nav'));
	if (n > 0)
		link.append(h('span', { class: 'notify-count', id: 'notify-count', 'aria-hidden': 'true' }, String(n)),
		    h('span', { class: 'visually-hidden' }, ` – ${t('notes.unreadCount', { n })}`));
}

// The header's link; call refreshIndicator() to fill in the number.
export function indicator() {
	link = h('a', { href: '#/notifications', class: 'notify-link', id: 'nav-notifications' });
	paint();
	if (!timer)
		timer = setInterval(refreshIndicator, REFRESH_MS);
	return link;
}

export async function refreshIndicator() {
	if (!link)
		return;
	try {
		const r = await api.notificationCount();
		unread = r && typeof r.unread === 'number' ? r.unread : null;
	} catch {
		unread = null;
	}
	paint();
}

// At sign-out: no link, no timer.
export function stopIndicator() {
	if (timer)
		clearInterval(timer);
	timer = null;
	link = null;
	unread = null;
}
