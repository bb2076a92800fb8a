// Fallback for a hash that matches no route.

import { h } from '../dom.js';
import { t } from '../i18n.js';
import { setTitle, pageHeading } from '../ui.js';

export async function render(ctx) {
	setTitle('notFound.title');
	const home = ctx.home || '#/cases';
	ctx.root.replaceChildren(
	    pageHeading(t('notFound.title')),
	    h('p', null, t('notFound.text')),
	    h('p', null, h('a', { href: home }, home === '#/cases' ? t('notFound.link') : t('notFound.linkHome'))));
}
