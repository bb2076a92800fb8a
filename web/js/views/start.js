// Start page (#/start): what the signed-in user's role can do in this
// version. The roles without a page of their own (admin, analyst,
// requester) start here, and any role that opens a page it cannot use
// gets this page in its place (ctx.denied), instead of an error.

import { h } from '../dom.js';
import { t, has } from '../i18n.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { worksCases, audits, editsGuidance, readsStats } from '../roles.js';

export async function render(ctx) {
	setTitle('start.title');
	const user = ctx.user || {};
	const role = user.role;
	const links = [];
	if (worksCases(user))
		links.push(['#/cases', 'start.goCases', 'start-cases']);
	if (audits(user)) {
		links.push(['#/audit', 'start.goAudit', 'start-audit']);
		links.push(['#/audit/break-glass', 'start.goBreakGlass', 'start-break-glass']);
	}
	if (editsGuidance(user))
		links.push(['#/guidance', 'start.goGuidance', 'start-guidance']);
	if (readsStats(user))
		links.push(['#/stats', 'start.goStats', 'start-stats']);
	const caseless = !worksCases(user);
	ctx.root.replaceChildren(h('div', { class: 'start-page' },
	    h('section', { class: 'card start-card', 'aria-labelledby': 'start-heading' },
	        pageHeading(t('start.heading'), { id: 'start-heading' }),
	        ctx.denied
		    ? h('div', { class: 'alert alert-info', role: 'status', id: 'start-denied' },
		        h('p', { class: 'alert-text' }, t('start.denied')))
		    : null,
	        h('p', { class: 'start-role', id: 'start-role' }, t('start.role', { role: vocab.label('roles', role) })),
	        h('p', { class: 'start-text', id: 'start-text' },
	            t(has(`start.text.${role}`) ? `start.text.${role}` : 'start.text.other')),
	        caseless ? h('p', { class: 'muted', id: 'start-no-cases' }, t('start.noCases')) : null,
	        links.length
		    ? h('ul', { class: 'start-links' },
		        links.map(([href, key, id]) => h('li', null, h('a', { href, id }, t(key)))))
		    : null)));
}
