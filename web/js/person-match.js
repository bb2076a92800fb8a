// The duplicate check of "Lägg till person" (POST /api/v1/persons/match):
// when the user leaves the pseudonym, birth year, citizenship or an
// identity field, or presses "Sök dubbletter", the possible duplicates are
// shown under the fields — "Möjlig dubblett: … i ärende NMT-…", or, for a
// match in cases the user cannot see, only that one exists and whom to
// contact. It never blocks saving. The same question is not asked twice in
// a row (each query is an audit entry); identity values go only in the
// request body.

import { h } from './dom.js';
import { t } from './i18n.js';
import { api } from './api.js';

const clean = (v) => String(v ?? '').trim().replace(/\s+/g, ' ');

// The query from the form's values (as person-form.js names them), or
// null when there is nothing to search for.
export function matchQuery(values, caseId) {
	const body = {};
	const identity = {};
	if (clean(values.pseudonym))
		body.pseudonym = clean(values.pseudonym);
	if (/^[0-9]{4}$/.test(clean(values.birth_year)))
		body.birth_year = Number(clean(values.birth_year));
	if (/^[A-Za-z]{2}$/.test(clean(values.citizenship)))
		body.citizenship = clean(values.citizenship).toUpperCase();
	if (clean(values['identity.id_number']))
		identity.id_number = clean(values['identity.id_number']);
	const name = clean(values['identity.full_name']);
	const dob = clean(values['identity.date_of_birth']);
	if (name && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(dob)) {
		identity.full_name = name;
		identity.date_of_birth = dob;
	}
	if (Object.keys(identity).length)
		body.identity = identity;
	if (!body.pseudonym && !body.identity)
		return null;
	body.case = caseId;
	return body;
}

function reasonText(m) {
	return (m.reasons || [m.reason]).map((r) => t(`match.reason.${r}`)).join(t('match.and'));
}

// The panel: {node, check(), reset()}. getValues() gives the form's values,
// getCaseId() the case the person is added to.
export function matchPanel({ id, getValues, getCaseId }) {
	const status = h('div', { id: `${id}-result`, role: 'status', 'aria-live': 'polite' });
	const button = h('button', {
		type: 'button', class: 'btn btn-secondary', id: `${id}-search`,
		'aria-describedby': `${id}-hint`,
		on: { click: () => check(true) },
	}, t('match.search'));
	const node = h('div', { class: 'match-check', id },
	    h('p', { class: 'hint', id: `${id}-hint` }, t('match.hint')),
	    button, status);
	let asked = '';
	let seq = 0;

	function show(box) {
		status.replaceChildren(...(box ? [box] : []));
	}
	function render(res) {
		const caseId = getCaseId();
		const items = res.matches.map((m) => h('li', null,
		    m.case === caseId
			? t('match.thisCase', { pseudonym: m.pseudonym, reasons: reasonText(m) })
			: [t('match.found', { pseudonym: m.pseudonym, number: m.number, reasons: reasonText(m) }), ' ',
			    h('a', { href: `#/persons/${encodeURIComponent(m.person)}` }, m.pseudonym)]));
		if (res.elsewhere)
			items.push(h('li', { class: 'match-elsewhere' }, t('match.elsewhere')));
		if (!items.length) {
			show(h('p', { class: 'hint match-none' }, t('match.none')));
			return;
		}
		show(h('div', { class: 'alert alert-warn', id: `${id}-found` },
		    h('p', { class: 'alert-text' }, h('strong', null, t('match.title'))),
		    h('ul', { class: 'match-list' }, items),
		    h('p', { class: 'alert-text' }, t('match.still'))));
	}
	// Asks the server, unless it was asked this very question last
	// (force: the button asks again).
	async function check(force = false) {
		const body = matchQuery(getValues(), getCaseId());
		const key = body ? JSON.stringify(body) : '';
		if (!body) {
			asked = '';
			show(null);
			return;
		}
		if (key === asked && !force)
			return;
		asked = key;
		const mine = ++seq;
		show(h('p', { class: 'hint' }, t('match.searching')));
		try {
			const res = await api.matchPersons(body);
			if (mine === seq)
				render(res);
		} catch {
			if (mine === seq) {
				asked = '';
				show(h('p', { class: 'hint' }, t('match.failed')));
			}
		}
	}
	function reset() {
		asked = '';
		seq++;
		show(null);
	}
	return { node, check, reset };
}
