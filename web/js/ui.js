// Shared view helpers: page title, headings, messages and fact lists.
// Forms are built with form.js, tables with table.js.

import { h } from './dom.js';
import { t } from './i18n.js';

// document.title never carries personal data: only the kind of page.
export function setTitle(key) {
	document.title = `${t(key)} – ${t('app.titleSuffix')}`;
}

export function pageHeading(text, extra) {
	return h('h1', { class: 'page-heading', tabindex: '-1', ...extra }, text);
}

export function errorMessage(err) {
	if (!err || typeof err.status !== 'number')
		return t('error.generic', { status: '?' });
	if (err.status === 0)
		return t('error.network');
	if (err.status === 503)
		return t('error.unavailable');
	const detail = err.problem && typeof err.problem.detail === 'string' ? err.problem.detail : '';
	if (detail)
		return detail;
	if (err.status === 403)
		return t('error.forbidden');
	if (err.status === 409 || err.status === 412)
		return t('error.conflict');
	return t('error.generic', { status: err.status });
}

export function alertBox(message, kind = 'error') {
	return h('div', { class: ['alert', `alert-${kind}`], role: 'alert' }, message);
}

export function definitionList(rows, className) {
	return h('dl', { class: ['facts', className] },
	    rows.filter(Boolean).map(([term, value]) => h('div', { class: 'fact' },
	        h('dt', null, term), h('dd', null, value))));
}

// A calm notice (kind info or warn) with optional buttons under the text.
export function noticeBox(message, kind, ...actions) {
	return h('div', { class: ['alert', `alert-${kind}`], role: kind === 'info' ? 'status' : 'alert' },
	    h('p', { class: 'alert-text' }, message),
	    actions.length ? h('div', { class: 'alert-actions' }, actions) : null);
}
