// The duplicate check of "Lägg till person" (POST /api/v1/persons/match):
// when the user leaves the pseudonym, birth year, citizenship or an
// identity field, or presses "Sök dubbletter", the possible duplicates are
// shown above the buttons — "Möjlig dubblett: … i ärende NMT-…", or, for a
// match in cases the user cannot see, only that one exists and whom to
// contact. "Spara person" asks first when the answer to the values as they
// are is not on screen yet: with nothing more to see it saves at once,
// otherwise it shows the answer and saves on the next press — the person
// can always be added. Leaving a field for the form's buttons asks nothing
// (the page must not move under the pointer). The same question is not
// asked twice in a row (each query is an audit entry); identity values go
// only in the request body.

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

// The panel: {node, check(), ready(), ensure(), needsLook(res), reset()}.
// getValues() gives the form's values, getCaseId() the case the person is
// added to.
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
	let done = null;     // the query last answered (its key), or null
	let flight = null;   // {key, promise} of the question under way
	let seq = 0;

	const keyOf = () => {
		const body = matchQuery(getValues(), getCaseId());
		return { body, key: body ? JSON.stringify(body) : '' };
	};
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
		show(h('div', { class: 'alert alert-warn', id: `${id}-found`, tabindex: '-1' },
		    h('p', { class: 'alert-text' }, h('strong', null, t('match.title'))),
		    h('ul', { class: 'match-list' }, items),
		    h('p', { class: 'alert-text' }, t('match.still'))));
	}
	// Asks the server about the form's values now, unless that very
	// question was answered last or is under way (force: the button asks
	// again). Resolves to the answer, or null (nothing to ask, or failed).
	function check(force = false) {
		const { body, key } = keyOf();
		if (!body) {
			done = '';
			show(null);
			return Promise.resolve(null);
		}
		if (flight && flight.key === key)
			return flight.promise;
		if (key === done && !force)
			return Promise.resolve(undefined);
		const mine = ++seq;
		show(h('p', { class: 'hint' }, t('match.searching')));
		const promise = api.matchPersons(body).then((res) => {
			if (mine === seq)
				render(res);
			return res;
		}, () => {
			if (mine === seq)
				show(h('p', { class: 'hint' }, t('match.failed')));
			return null;
		}).finally(() => {
			if (mine === seq) {
				done = key;
				flight = null;
			}
		});
		flight = { key, promise };
		return promise;
	}
	return {
		node, check,
		// Whether the answer to the form's values now is on screen.
		ready: () => {
			const { body, key } = keyOf();
			return !body || (key === done && !flight);
		},
		// The answer to the form's values now, asked if need be.
		ensure: () => check(false),
		// Whether an answer shows more than a person of this case with the
		// same pseudonym (which the form's own question covers).
		needsLook: (res) => Boolean(res) && (res.elsewhere ||
		    res.matches.some((m) => m.case !== getCaseId() || m.reason !== 'pseudonym')),
		focus() {
			const box = status.querySelector('[tabindex="-1"]');
			if (box)
				box.focus();
		},
		reset() {
			done = null;
			flight = null;
			seq++;
			show(null);
		},
	};
}
