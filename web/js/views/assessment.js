// Indicator assessment page (#/persons/<id>/assessment): the person's
// screening against the ILO/EC operational indicators (GET /api/v1/indicators).
//
// The caveat first: indicators support an assessment and never decide it
// (DOMAIN.md §3.2). Then the context (the person's vulnerability factors and
// whether a child: context only, they do not change the result), the form and
// the history.
//
// The form ("Ny bedömning", offered when the person's `allowed` holds
// `assess`) groups the set's indicators by dimension, each with its weight
// (Stark / Medel / Svag) and, where a source does not confirm it, "preliminär
// vikt". The set is preselected as the server would choose it (child or not,
// sexual exploitation in the case or not). The result panel beside it is
// recomputed on every change by screening.js, the same rule and the same
// explanation the server gives (tests/api/assessments.test.mjs holds them to
// one answer); the result, not the explanation, is announced politely to
// screen readers.
//
// The history ("Tidigare bedömningar", newest first) shows each assessment as
// it was made (assessments are never changed), its explanation, and what
// differs from the one before it: indicators added and removed, another set,
// another result. An assessment made with an older catalogue is shown with
// that version's texts.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, getLang, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage, definitionList, noticeBox } from '../ui.js';
import { selectField, textareaField, createForm } from '../form.js';
import { evaluate } from '../screening.js';

const PAGE = 50;
const WEIGHT_CLASS = { S: 'weight-strong', M: 'weight-medium', W: 'weight-weak' };

// Catalogues by version, for this page's life (the newest is loaded first).
function catalogues() {
	const byVersion = new Map();
	return {
		add(cat) { byVersion.set(cat.version, Promise.resolve(cat)); },
		get(version) {
			if (!byVersion.has(version))
				byVersion.set(version, api.indicators({ version }));
			return byVersion.get(version);
		},
	};
}

const lang = (bi) => (bi ? bi[getLang()] || bi.sv : '');

// The set the server would choose for the person (API.md).
function defaultSet(person, kase) {
	const sexual = Array.isArray(kase && kase.exploitation) && kase.exploitation.includes('sexual');
	return `${person.is_child ? 'child' : 'adult'}-${sexual ? 'sexual' : 'labour'}`;
}

// id → {text, weight, provisional, dimension} of a set.
function indicatorIndex(set) {
	const m = new Map();
	for (const d of set ? set.dimensions : [])
		for (const i of d.indicators)
			m.set(i.id, { ...i, dimension: d.id });
	return m;
}

function resultBadge(result, id) {
	return h('span', { class: ['badge', `badge-result-${result}`], id }, t(`screen.result.${result}`));
}

function weightBadge(ind) {
	return h('span', { class: 'indicator-weight' },
	    h('span', { class: ['badge', 'badge-weight', WEIGHT_CLASS[ind.weight]] },
	        h('span', { class: 'visually-hidden' }, `${t('screen.weightWord')} `), t(`screen.weight.${ind.weight}`)),
	    ind.provisional ? h('span', { class: 'badge badge-provisional', title: t('screen.provisionalHint') },
	        t('screen.provisional')) : null);
}

function explanationList(items, id) {
	return h('ul', { class: 'explanation', id },
	    (items || []).map((e) => h('li', { class: e.positive ? 'explained-positive' : null, dataset: { part: e.part } },
	        lang(e.text))));
}


export async function render(ctx) {
	setTitle('screen.title');
	const id = decodeURIComponent(ctx.params[0]);
	const cats = catalogues();
	let person, kase, catalogue, orgs;
	try {
		[person, catalogue, orgs] = await Promise.all([
			api.getPerson(id), api.indicators(), ref.organizations().catch(() => []),
		]);
		cats.add(catalogue);
		// The case's exploitation forms choose the default set.
		kase = await api.getCase(person.case).catch(() => null);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(pageHeading(t('screen.title')),
		    alertBox(err.status === 404 ? t('person.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;
	const personHref = `#/persons/${encodeURIComponent(person.id)}`;
	const mayAssess = Array.isArray(person.allowed) && person.allowed.includes('assess');
	const history = historySection(ctx, { person, cats, orgName: (c) => ref.nameOf(orgs, c) || c || t('dash') });

	const parts = [
		h('p', { class: 'breadcrumb' }, h('a', { href: personHref }, t('screen.back'))),
		pageHeading(`${t('screen.title')}: ${person.pseudonym}`),
		h('section', { class: 'alert alert-info screen-caveat', id: 'screen-caveat', 'aria-labelledby': 'caveat-heading' },
		    h('h2', { id: 'caveat-heading' }, t('screen.caveatTitle')),
		    h('p', null, lang(catalogue.caveat))),
		contextSection(person),
	];
	if (mayAssess)
		parts.push(formSection(ctx, { person, kase, catalogue, onSaved: () => history.load() }));
	else
		parts.push(noticeBox(t('screen.notAllowed'), 'info'));
	parts.push(history.el);
	ctx.root.replaceChildren(...parts);
	history.load();
}

// The person's vulnerability factors and age: context, not indicators.
function contextSection(p) {
	const vul = (p.vulnerabilities || []).map((c) => vocab.label('vulnerabilities', c));
	return h('section', { class: 'card', 'aria-labelledby': 'context-heading' },
	    h('h2', { id: 'context-heading' }, t('screen.context')),
	    h('p', { class: 'muted' }, t('screen.contextIntro')),
	    definitionList([
		    [t('screen.vulnerabilities'), h('span', { id: 'context-vulnerabilities' }, vul.length ? vul.join(', ') : t('dash'))],
		    [t('screen.child'), h('span', { id: 'context-child' }, p.is_child ? t('yes') : t('no'))],
	    ]));
}

function formSection(ctx, { person, kase, catalogue, onSaved }) {
	const chosen = new Set();
	const setField = selectField({
		label: t('screen.set'), hint: t('screen.setHint'), id: 'assessment-set', name: 'set',
		options: catalogue.sets.map((s) => [s.id, lang(s.name)]),
		value: defaultSet(person, kase),
	});
	const note = textareaField({
		label: t('screen.note'), hint: t('screen.noteHint'), optional: true,
		id: 'assessment-note', name: 'note', rows: '3', maxlength: '2000',
	});
	const groupsHost = h('div', { class: 'dimension-groups', id: 'dimension-groups' });
	const observedError = h('p', { class: 'field-error', id: 'observed-error', hidden: true });
	const observedField = {
		wrap: groupsHost, error: observedError, labelText: t('screen.observed'),
		get focusTarget() { return groupsHost.querySelector('input') || setField.control; },
		setError(message) {
			observedError.textContent = message || '';
			observedError.hidden = !message;
		},
	};
	// Only the result is announced as it changes; the explanation beside it
	// is read on demand (announcing seven lines per tick would drown the form).
	const live = h('p', { class: 'live-result', id: 'live-panel', 'aria-live': 'polite' });
	const liveExplanation = h('div');
	const source = h('p', { class: 'hint', id: 'set-source' });

	const currentSet = () => catalogue.sets.find((s) => s.id === setField.control.value);

	function update() {
		const set = currentSet();
		const ev = evaluate(set, [...chosen]);
		live.replaceChildren(resultBadge(ev.result, 'live-result'));
		liveExplanation.replaceChildren(explanationList(ev.explanation, 'live-explanation'));
		for (const d of set.dimensions) {
			const status = document.getElementById(`dim-status-${d.id}`);
			const c = ev.dimensions[d.id];
			if (status) {
				status.textContent = `${c.positive ? t('screen.dimPositive') : t('screen.dimNegative')} · ` +
				    t('screen.counts', { s: c.strong, m: c.medium, w: c.weak });
				status.classList.toggle('dim-positive', c.positive);
			}
		}
	}

	function drawGroups() {
		const set = currentSet();
		const ids = new Set(set.dimensions.flatMap((d) => d.indicators.map((i) => i.id)));
		for (const x of [...chosen])
			if (!ids.has(x))
				chosen.delete(x);
		source.textContent = `${t('screen.source')}: ${set.source}`;
		groupsHost.replaceChildren(observedError, ...set.dimensions.map((d) => h('fieldset', {
			class: 'dimension', id: `dim-${d.id}`, 'aria-describedby': `dim-status-${d.id}`,
		},
		h('legend', null, `${d.id} · ${lang(d.name)}`),
		h('p', { class: 'dim-status', id: `dim-status-${d.id}` }),
		h('div', { class: 'choices' }, d.indicators.map((ind) => {
			const input = h('input', {
				type: 'checkbox', name: 'observed', value: ind.id, id: `ind-${ind.id}`,
				checked: chosen.has(ind.id),
				on: {
					change: (ev) => {
						if (ev.target.checked)
							chosen.add(ind.id);
						else
							chosen.delete(ind.id);
						update();
					},
				},
			});
			return h('div', { class: 'choice indicator' }, input,
			    h('label', { for: input.id }, h('span', { class: 'indicator-text' }, lang(ind.text)), ' ', weightBadge(ind)));
		})))));
		update();
	}
	setField.control.addEventListener('change', drawGroups);

	const form = createForm(ctx, {
		id: 'assessment-form', className: 'stack-form assessment-form', labelledBy: 'assessment-new-heading',
		fields: { set: setField, observed: observedField, note },
		body: [setField.wrap, source, h('p', { class: 'hint' }, t('screen.provisionalHint')),
			h('div', { class: 'assessment-layout' }, groupsHost,
			    h('aside', { class: 'card live-card', 'aria-labelledby': 'live-heading' },
			        h('h3', { id: 'live-heading' }, t('screen.live')),
			        h('p', { class: 'hint' }, t('screen.liveHint')), live, liveExplanation)),
			note.wrap],
		submit: { id: 'assessment-submit', text: t('screen.submit') },
		collect() {
			const body = { set: setField.control.value, observed: [...chosen] };
			const text = note.control.value.trim();
			if (text)
				body.note = text;
			return { body, errors: [] };
		},
		send: (body) => api.addAssessment(person.id, body),
		async done() {
			chosen.clear();
			note.control.value = '';
			drawGroups();
			ctx.announce(t('screen.saved'), { kind: 'success' });
			await onSaved();
		},
	});
	drawGroups();
	return h('section', { class: 'card', id: 'assessment-new', 'aria-labelledby': 'assessment-new-heading' },
	    h('h2', { id: 'assessment-new-heading' }, t('screen.newTitle')),
	    h('p', { class: 'hint' }, t('screen.catalogue', { version: catalogue.version })),
	    form.el);
}

// What differs from the assessment before (older): indicators, set, result.
function differences(a, before, index) {
	if (!before)
		return h('p', { class: 'muted' }, t('screen.first'));
	const text = (x) => (index.get(x) ? lang(index.get(x).text) : x);
	const was = new Set(before.observed);
	const now = new Set(a.observed);
	const added = a.observed.filter((x) => !was.has(x));
	const removed = before.observed.filter((x) => !now.has(x));
	const rows = [];
	if (a.set !== before.set)
		rows.push(h('li', null, t('screen.diffSet', { from: before.set, to: a.set })));
	if (a.result !== before.result)
		rows.push(h('li', null, t('screen.diffResult', {
			from: t(`screen.result.${before.result}`), to: t(`screen.result.${a.result}`),
		})));
	if (added.length)
		rows.push(h('li', { class: 'diff-added' }, `${t('screen.diffAdded')}: ${added.map(text).join('; ')}`));
	if (removed.length)
		rows.push(h('li', { class: 'diff-removed' }, `${t('screen.diffRemoved')}: ${removed.map(text).join('; ')}`));
	if (!rows.length)
		return h('p', { class: 'muted' }, t('screen.diffNone'));
	return h('ul', { class: 'diff' }, rows);
}

function assessmentCard(a, before, set, orgName) {
	const index = indicatorIndex(set);
	const by = a.assessed_by || {};
	const observed = a.observed.map((x) => {
		const ind = index.get(x);
		return h('li', null, ind ? lang(ind.text) : x, ind ? [' ', weightBadge(ind)] : null);
	});
	const vul = (a.vulnerabilities || []).map((c) => vocab.label('vulnerabilities', c));
	return h('article', { class: 'card assessment', id: `assessment-${a.seq}`, 'aria-labelledby': `assessment-${a.seq}-h` },
	    h('div', { class: 'section-head' },
	        h('h3', { id: `assessment-${a.seq}-h` }, t('screen.seq', { n: a.seq }), ' – ',
	            h('time', { datetime: a.assessed_at }, formatDateTime(a.assessed_at))),
	        resultBadge(a.result, `assessment-${a.seq}-result`)),
	    definitionList([
		    [t('screen.set'), set ? lang(set.name) : a.set],
		    [t('screen.by'), `${by.username || t('dash')}, ${orgName(by.organization)}`],
		    [t('screen.version'), String(a.catalogue_version)],
		    [t('screen.vulnerabilities'), vul.length ? vul.join(', ') : t('dash')],
		    [t('screen.child'), a.is_child ? t('yes') : t('no')],
		    a.note ? [t('screen.note'), h('span', { class: 'prose' }, a.note)] : null,
	    ]),
	    a.provisional ? h('p', { class: 'hint rests-provisional' }, t('screen.rests')) : null,
	    h('h4', null, t('screen.diff')),
	    differences(a, before, index),
	    h('details', null, h('summary', null, t('screen.details')),
	        h('h4', null, t('screen.observed')),
	        observed.length ? h('ul', { class: 'observed' }, observed) : h('p', null, t('screen.observedNone')),
	        h('h4', null, t('screen.explanation')),
	        explanationList(a.explanation, `assessment-${a.seq}-explanation`)));
}

// "Tidigare bedömningar": newest first, paged with "Visa fler".
function historySection(ctx, { person, cats, orgName }) {
	const list = h('div', { class: 'assessment-list', id: 'assessment-list' });
	const msg = h('div', { class: 'section-message' });
	const more = h('button', { type: 'button', class: 'btn btn-secondary', id: 'assessment-more', hidden: true },
	    t('screen.more'));
	let items = [];
	let cursor = null;

	async function paint() {
		const sets = await Promise.all(items.map((a) => cats.get(a.catalogue_version)
		    .then((c) => c.sets.find((s) => s.id === a.set)).catch(() => null)));
		if (!ctx.isCurrent())
			return;
		list.replaceChildren(...(items.length ? items.map((a, i) => assessmentCard(a, items[i + 1], sets[i], orgName))
			: [h('p', { class: 'muted', id: 'assessment-none' }, t('screen.historyNone'))]));
		more.hidden = !cursor;
	}
	async function fetchPage(reset) {
		msg.replaceChildren();
		try {
			const page = await api.listAssessments(person.id, { limit: PAGE, cursor: reset ? undefined : cursor });
			items = reset ? page.items : [...items, ...page.items];
			cursor = page.next_cursor;
			await paint();
		} catch (err) {
			if (ctx.isCurrent() && err.status !== 401)
				msg.replaceChildren(alertBox(errorMessage(err)));
		}
	}
	more.addEventListener('click', () => fetchPage(false));
	const el = h('section', { class: 'card', id: 'assessment-history', 'aria-labelledby': 'assessment-history-heading' },
	    h('h2', { id: 'assessment-history-heading' }, t('screen.history')), msg, list, more);
	return { el, load: () => fetchPage(true) };
}

// The person page's card that leads here (person.js).
export function screeningCard(person) {
	return h('section', { class: 'card', id: 'person-screening', 'aria-labelledby': 'person-screening-heading' },
	    h('h2', { id: 'person-screening-heading' }, t('screen.title')),
	    h('p', null, t('screen.cardIntro')),
	    h('p', null, h('a', {
		    href: `#/persons/${encodeURIComponent(person.id)}/assessment`, class: 'btn btn-secondary', id: 'open-screening',
	    }, t('screen.open'))));
}
