// "Första mötet" on the person page: the last first meeting logged for the
// person (GET /persons/<id>/first-contact, newest first: its date, who
// logged it, the checklist as ticked and the note) and, when the person's
// `allowed` offers log_first_contact (whoever reads the person, while the
// case is open), "Logga första mötet": the meeting's date (today by
// default, not in the future), one checkbox per point of the checklist,
// labelled from the first-contact guidance in the UI's language
// (guidance.js), and an optional note. A record is never changed.

import { api } from './api.js';
import { h } from './dom.js';
import { t, formatDateTime } from './i18n.js';
import { alertBox, definitionList, errorMessage } from './ui.js';
import { inputField, textareaField, choiceGroup, createForm, disclosure } from './form.js';
import { firstContactChecklist } from './guidance.js';

// Today's date in Sweden ("YYYY-MM-DD"), the server's rule for "not in the
// future".
export function swedishToday(now = new Date()) {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit',
	}).format(now);
}

function lastRecord(rec, checklist, orgName) {
	const checks = h('ul', { class: 'first-contact-checks', id: 'first-contact-checks' },
	    checklist.map((c) => {
		    const done = rec.checklist && rec.checklist[c.code] === true;
		    return h('li', { 'data-code': c.code },
		        h('span', { class: ['badge', done ? 'badge-yes' : 'badge-no'] },
		            done ? t('firstContact.yes') : t('firstContact.no')),
		        h('span', null, c.label));
	    }));
	return [
		h('h3', null, t('firstContact.last')),
		definitionList([
			[t('firstContact.date'), h('span', { id: 'first-contact-date' }, rec.date)],
			[t('firstContact.by'), `${rec.author.username} (${orgName(rec.author.organization)}), ` +
			    formatDateTime(rec.at)],
			rec.note ? [t('firstContact.note'), h('span', { class: 'prose', id: 'first-contact-note' }, rec.note)]
			    : null,
		]),
		h('h4', { class: 'visually-hidden' }, t('firstContact.checklist')),
		checks,
	];
}

function logForm(ctx, personId, checklist, onSaved) {
	const date = inputField({
		label: t('firstContact.date'), id: 'first-contact-date-input', name: 'date', type: 'date',
		max: swedishToday(), value: swedishToday(), required: true,
	});
	const checks = choiceGroup({
		legend: t('firstContact.checklist'), hint: t('firstContact.checklistHint'), name: 'checklist',
		options: checklist.map((c) => [c.code, c.label]),
	});
	const note = textareaField({
		label: t('firstContact.note'), hint: t('firstContact.noteHint'), optional: true,
		id: 'first-contact-note-input', name: 'note', rows: '3', maxlength: '4000',
	});
	const panel = disclosure({
		id: 'log-first-contact', text: t('firstContact.log'),
		panelId: 'first-contact-panel', panelClass: 'form-panel',
		onOpen: () => date.control.focus(),
		onClose() {
			if (form.isBusy())
				return false;
			form.reset();
			return true;
		},
	});
	const form = createForm(ctx, {
		id: 'first-contact-form', label: t('firstContact.log'),
		fields: { date, checklist: checks, note },
		body: [date.wrap, checks.wrap, note.wrap],
		submit: { id: 'first-contact-submit', text: t('firstContact.submit') },
		cancel: { id: 'first-contact-cancel', text: t('firstContact.cancel'), onClick: () => panel.close(true) },
		collect() {
			const ticked = new Set(checks.values());
			const body = {
				date: date.control.value,
				checklist: Object.fromEntries(checklist.map((c) => [c.code, ticked.has(c.code)])),
			};
			const text = note.control.value.trim();
			if (text)
				body.note = text;
			const errors = [];
			if (!body.date)
				errors.push({ field: 'date', message: t('firstContact.dateRequired') });
			else if (body.date > swedishToday())
				errors.push({ field: 'date', message: t('firstContact.dateFuture') });
			return { body, errors };
		},
		send: (body) => api.logFirstContact(personId, body),
		async done() {
			panel.close(false);
			ctx.announce(t('firstContact.saved'), { kind: 'success' });
			await onSaved();
		},
	});
	panel.panel.append(form.el);
	return panel;
}

// The section; orgName(code) names an organisation.
export function firstContactSection(ctx, { person, mayLog, orgName }) {
	const heading = h('h2', { id: 'first-contact-heading', tabindex: '-1' }, t('firstContact.title'));
	const host = h('div', { id: 'first-contact-last' }, h('p', { class: 'loading' }, t('app.loading')));
	const head = h('div', { class: 'section-head' }, heading);
	const section = h('section', { class: 'card', id: 'first-contact', 'aria-labelledby': 'first-contact-heading' },
	    head, host);
	let panel = null;

	async function load() {
		let list, checklist;
		try {
			[list, checklist] = await Promise.all([
				api.listFirstContacts(person.id, { limit: 1 }), firstContactChecklist(),
			]);
		} catch (err) {
			if (ctx.isCurrent() && err.status !== 401)
				host.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (!ctx.isCurrent())
			return;
		const last = list.items && list.items[0];
		host.replaceChildren(...(last ? lastRecord(last, checklist, orgName)
		    : [h('p', { class: 'muted', id: 'first-contact-none' }, t('firstContact.none'))]));
		if (mayLog && !panel) {
			panel = logForm(ctx, person.id, checklist, async () => {
				await load();
				heading.focus();
			});
			head.append(panel.toggle);
			section.append(panel.panel);
		}
	}
	load();
	return section;
}
