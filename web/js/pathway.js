// The person page's support pathway (GET /api/v1/persons/<id>/pathway,
// POST …/pathway/events): the legal clocks with the days left (three days
// or fewer and overdue are marked in words as well as colour), the manual's
// six steps with their status, the events by date, and a form to log an
// event. The server derives the steps and the clocks; the page shows them
// as they come and keeps no rule of its own. Events are never changed:
// "Rätta" fills the form with the event and logs a new event that replaces
// it ("Felregistrerad" withdraws it); the replaced event stays, struck
// through, with a link to its correction. The form and "Rätta" are offered
// only when the pathway's `allowed` has add_pathway_event.

import { api } from './api.js';
import { h, uid } from './dom.js';
import { t, formatDateTime, getLang } from './i18n.js';
import * as vocab from './vocab.js';
import { alertBox, noticeBox, errorMessage } from './ui.js';
import { field, inputField, textareaField, createForm } from './form.js';
import { norm } from './edit.js';

const NOTE_MAX = 2000;
const PERMIT_TYPES = ['permit_granted', 'permit_renewed'];
const WITHDRAW = 'entered_in_error';

// "3 dagar kvar", "Sista dagen i dag", "2 dagar försenad".
function daysLeftText(n) {
	if (n > 1)
		return t('pathway.daysLeft', { n });
	if (n === 1)
		return t('pathway.dayLeft');
	if (n === 0)
		return t('pathway.lastDay');
	return n === -1 ? t('pathway.overdueDay') : t('pathway.overdueDays', { n: -n });
}

function clockView(k) {
	const overdue = k.days_left < 0;
	const soon = !overdue && k.days_left <= 3;
	return h('li', {
		class: ['pathway-clock', overdue ? 'is-overdue' : null, soon ? 'is-soon' : null],
		dataset: { kind: k.kind },
	},
	h('p', { class: 'pathway-clock-name' }, vocab.label('pathway_clocks', k.kind)),
	h('p', { class: 'pathway-clock-left' },
	    overdue || soon
		? [h('span', { class: ['badge', overdue ? 'badge-overdue' : 'badge-soon'] },
		    overdue ? t('pathway.overdue') : t('pathway.soon')), ' ']
		: null,
	    h('strong', { class: 'pathway-days' }, daysLeftText(k.days_left))),
	h('p', { class: 'pathway-clock-dates' },
	    t('pathway.clockDates', { start: k.start, end: k.end })));
}

function stepView(s) {
	const name = (s.name && (s.name[getLang()] || s.name.sv)) || s.code;
	return h('li', { class: ['pathway-step', `is-${s.status}`], dataset: { step: String(s.step), status: s.status } },
	    h('span', { class: 'pathway-step-no', 'aria-hidden': 'true' }, String(s.step)),
	    h('span', { class: 'pathway-step-name' },
	        h('span', { class: 'visually-hidden' }, `${t('pathway.step', { n: s.step })}: `), name),
	    h('span', { class: ['badge', `badge-step-${s.status}`] }, t(`pathway.status.${s.status}`)));
}

/*
 * pathwaySection(ctx, {personId, orgName}) → {el, load()}
 * orgName(code) gives an organisation's name for the author line.
 */
export function pathwaySection(ctx, { personId, orgName }) {
	const heading = h('h2', { id: 'pathway-heading', tabindex: '-1' }, t('pathway.title'));
	const msg = h('div', { class: 'section-message', id: 'pathway-message' });
	const clocksHost = h('div', { class: 'pathway-clocks-host' });
	const stepsHost = h('div', { class: 'pathway-steps-host' });
	const eventsHost = h('div', { class: 'pathway-events-host' });
	let data = null;
	let form = null;
	const formHost = h('div', { class: 'form-panel pathway-form' });

	const eventId = (id) => `pathway-event-${id}`;

	function jump(targetId, text) {
		return h('button', {
			type: 'button', class: 'link-button',
			on: {
				click: () => {
					const el = document.getElementById(eventId(targetId));
					if (el) {
						el.scrollIntoView({ block: 'center' });
						el.focus();
					}
				},
			},
		}, text);
	}

	function eventView(e, byId, may) {
		const a = e.author || {};
		const fixed = e.corrected_by ? byId.get(e.corrected_by) : null;
		const orig = e.corrects ? byId.get(e.corrects) : null;
		const notes = [];
		if (orig)
			notes.push(h('p', { class: 'journal-note pathway-corrects' },
			    e.type === WITHDRAW ? t('pathway.withdraws') : t('pathway.correctsPrefix'), ' ',
			    jump(orig.id, t('pathway.eventOf', { type: vocab.label('pathway_event_types', orig.type), date: orig.date }))));
		if (fixed)
			notes.push(h('p', { class: 'journal-note pathway-corrected' },
			    h('strong', null, fixed.type === WITHDRAW ? t('pathway.withdrawn') : t('pathway.corrected')), ' ',
			    jump(fixed.id, t('pathway.seeCorrection'))));
		const fixBtn = may && !fixed && e.type !== WITHDRAW
			? h('div', { class: 'row-actions' }, h('button', {
				type: 'button', class: 'btn btn-small btn-secondary pathway-correct',
				'aria-label': t('pathway.correctLabel', { type: vocab.label('pathway_event_types', e.type), date: e.date }),
				on: { click: () => form.startCorrection(e) },
			}, t('pathway.correct')))
			: null;
		return h('li', {
			class: ['journal-entry', 'pathway-event', fixed ? 'is-corrected' : null],
			id: eventId(e.id), tabindex: '-1', dataset: { id: e.id, type: e.type },
		},
		h('p', { class: 'journal-meta' },
		    h('time', { class: 'pathway-date', datetime: e.date }, e.date),
		    e.step ? h('span', { class: 'badge badge-kind' }, t('pathway.step', { n: e.step })) : null,
		    h('span', { class: 'journal-author' },
		        t('pathway.by', { user: a.username || t('dash'), org: orgName(a.organization), when: formatDateTime(e.at) }))),
		h('p', { class: 'pathway-type journal-text' }, vocab.label('pathway_event_types', e.type),
		    e.until ? h('span', { class: 'pathway-until' }, ` ${t('pathway.until', { date: e.until })}`) : null),
		e.note ? h('p', { class: 'prose pathway-note' }, e.note) : null,
		notes, fixBtn);
	}

	function paint() {
		const may = data.allowed.includes('add_pathway_event');
		clocksHost.replaceChildren(
		    h('h3', { id: 'pathway-clocks-heading' }, t('pathway.clocks')),
		    data.clocks.length
			? h('ul', { class: 'pathway-clocks', id: 'pathway-clocks', 'aria-labelledby': 'pathway-clocks-heading' },
			    data.clocks.map(clockView))
			: h('p', { class: 'empty', id: 'pathway-clocks-empty' }, t('pathway.noClocks')));
		stepsHost.replaceChildren(
		    h('h3', { id: 'pathway-steps-heading' }, t('pathway.steps')),
		    h('ol', { class: 'pathway-steps', id: 'pathway-steps', 'aria-labelledby': 'pathway-steps-heading' },
		        data.steps.map(stepView)));
		const byId = new Map(data.events.map((e) => [e.id, e]));
		eventsHost.replaceChildren(
		    h('h3', { id: 'pathway-events-heading' }, t('pathway.events')),
		    data.events.length
			? h('ol', { class: 'journal pathway-events', id: 'pathway-events', 'aria-labelledby': 'pathway-events-heading' },
			    data.events.map((e) => eventView(e, byId, may)))
			: h('p', { class: 'empty', id: 'pathway-events-empty' }, t('pathway.noEvents')));
		if (!form)
			form = buildForm();
		form.setSteps(data.steps, data.today);
		formHost.replaceChildren(form.el);
		formHost.hidden = !may;
	}

	async function load() {
		try {
			data = await api.getPathway(personId);
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return;
			msg.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (ctx.isCurrent())
			paint();
	}

	// The form: a new event, or the correction of one.
	function buildForm() {
		const titleId = uid('pathway-form');
		const title = h('h3', { id: titleId }, t('pathway.newTitle'));
		const typeControl = h('select', { id: 'pathway-type', name: 'type', required: true });
		const type = field({ label: t('pathway.type'), control: typeControl });
		const date = inputField({
			label: t('pathway.date'), hint: t('pathway.dateHint'), id: 'pathway-date', name: 'date',
			type: 'date', required: true,
		});
		const until = inputField({
			label: t('pathway.untilLabel'), hint: t('pathway.untilHint'), id: 'pathway-until', name: 'until',
			type: 'date',
		});
		const note = textareaField({
			label: t('pathway.note'), hint: t('pathway.noteHint'), optional: true, id: 'pathway-note', name: 'note',
			rows: '3', maxlength: String(NOTE_MAX), class: 'input-wide',
		});
		const correcting = h('div', { class: 'journal-correcting', id: 'pathway-correcting', hidden: true });
		let corrects = null;
		let today = '';

		const showUntil = () => {
			until.wrap.hidden = !PERMIT_TYPES.includes(typeControl.value);
		};
		typeControl.addEventListener('change', showUntil);

		// The types grouped by step; "Felregistrerad" only when correcting.
		function fillTypes(steps) {
			const groups = steps.map((s) => h('optgroup', {
				label: `${t('pathway.step', { n: s.step })} · ${(s.name && (s.name[getLang()] || s.name.sv)) || s.code}`,
			}, s.event_types.map((code) => h('option', { value: code }, vocab.label('pathway_event_types', code)))));
			typeControl.replaceChildren(h('option', { value: '' }, t('pathway.typeChoose')), ...groups,
			    corrects ? h('option', { value: WITHDRAW }, vocab.label('pathway_event_types', WITHDRAW)) : null);
		}
		let steps = [];

		function stopCorrection() {
			corrects = null;
			correcting.hidden = true;
			correcting.replaceChildren();
			title.textContent = t('pathway.newTitle');
			fillTypes(steps);
		}

		const f = createForm(ctx, {
			id: 'pathway-form', labelledBy: titleId, clears: msg,
			fields: { type, date, until, note },
			body: [correcting, type.wrap, h('div', { class: 'row' }, date.wrap, until.wrap), note.wrap],
			submit: { id: 'pathway-submit', text: t('pathway.submit') },
			collect() {
				const body = { type: typeControl.value, date: date.control.value };
				const errors = [];
				if (!body.type)
					errors.push({ field: 'type', message: t('pathway.requiredType') });
				if (!body.date)
					errors.push({ field: 'date', message: t('pathway.requiredDate') });
				if (PERMIT_TYPES.includes(body.type)) {
					body.until = until.control.value;
					if (!body.until)
						errors.push({ field: 'until', message: t('pathway.requiredUntil') });
				}
				const text = norm(note.control.value);
				if (text)
					body.note = text;
				if (corrects)
					body.corrects = corrects.id;
				return { body, errors };
			},
			send: (body) => api.addPathwayEvent(personId, body),
			async done(ev) {
				const was = corrects;
				f.reset();
				stopCorrection();
				date.control.value = today;
				showUntil();
				ctx.announce(was ? t('pathway.correctedDone') : t('pathway.added'), { kind: 'success' });
				await load();
				const el = ev && document.getElementById(eventId(ev.id));
				if (el)
					el.focus();
			},
		});

		function startCorrection(e) {
			corrects = e;
			title.textContent = t('pathway.correctTitle');
			fillTypes(steps);
			const cancel = h('button', {
				type: 'button', class: 'btn btn-small btn-secondary', id: 'pathway-correct-cancel',
				on: {
					click: () => {
						stopCorrection();
						typeControl.focus();
					},
				},
			}, t('pathway.correctCancel'));
			correcting.replaceChildren(noticeBox(t('pathway.correcting', {
				type: vocab.label('pathway_event_types', e.type), date: e.date,
			}), 'info', cancel));
			correcting.hidden = false;
			typeControl.value = e.type;
			date.control.value = e.date;
			until.control.value = e.until || '';
			note.control.value = e.note || '';
			showUntil();
			typeControl.focus();
		}

		return {
			el: h('div', null, title, f.el),
			startCorrection,
			setSteps(next, day) {
				steps = next;
				today = day;
				const keep = typeControl.value;
				fillTypes(steps);
				typeControl.value = keep;
				if (!date.control.value)
					date.control.value = day;
				showUntil();
			},
		};
	}

	const el = h('section', { class: 'card pathway', 'aria-labelledby': 'pathway-heading', id: 'pathway' },
	    h('div', { class: 'section-head' }, heading),
	    h('p', { class: 'muted' }, t('pathway.intro')),
	    msg, clocksHost, stepsHost, eventsHost, formHost);
	return { el, load };
}
