// The API's closed code lists (GET /api/v1/vocabularies): roles,
// team_access, genders, protection_levels, exploitation_forms,
// case_statuses, each [{code, label: {sv, en}}]. Loaded once per login
// (app.js, before the first page is drawn) and kept in memory; the UI keeps
// no copy of the codes or their labels.

import { api } from './api.js';
import { getLang, t } from './i18n.js';

let lists = null;     // {name: [{code, label}]} once loaded
let pending = null;   // the request in flight

// Loads the lists unless they are loaded; rejects with the ApiError.
export function load() {
	if (lists)
		return Promise.resolve();
	if (!pending) {
		pending = api.vocabularies().then((doc) => {
			const next = {};
			for (const [name, terms] of Object.entries(doc || {}))
				if (Array.isArray(terms))
					next[name] = terms.filter((x) => x && typeof x.code === 'string');
			lists = next;
		}).finally(() => {
			pending = null;
		});
	}
	return pending;
}

export function loaded() {
	return lists !== null;
}

// On sign-out: the next user loads them again.
export function clear() {
	lists = null;
}

function termText(term) {
	const l = term.label || {};
	return l[getLang()] || l.sv || term.code;
}

// The codes of a list, in the server's order.
export function codes(name) {
	return ((lists && lists[name]) || []).map((x) => x.code);
}

// [[code, label]] in the current language, for selects and choice groups.
export function options(name) {
	return ((lists && lists[name]) || []).map((x) => [x.code, termText(x)]);
}

// The label of a code in the current language; an unknown code is shown as
// it is, so a new server-side code never breaks a page.
export function label(name, code) {
	if (code === null || code === undefined || code === '')
		return t('dash');
	const hit = ((lists && lists[name]) || []).find((x) => x.code === code);
	return hit ? termText(hit) : String(code);
}
