// "Fältregistrering" (#/operations/<id>/field): the one-screen form for a
// phone, used with one thumb during an active operation. Pseudonym first
// (focused), then gender, estimated age and immediate needs as large
// toggle chips, citizenship and languages picked by name (type to search);
// "Registrera" sits fixed at the bottom of the screen. Each registration
// is POST /api/v1/operations/<id>/encounters with a client_ref made here.
//
// Offline (field-queue.js): when the browser is offline or the request
// fails on the network (or the server is unavailable), the registration
// waits in this browser's storage – the form's fields only – and the page
// says "N väntar på att skickas". The queue is sent in order when the
// browser comes back online, when the page opens and on "Skicka nu"; an
// entry the server refuses keeps its message and waits for the user
// ("Försök igen" or "Ta bort"). What is typed but not yet sent survives a
// reload (a draft in sessionStorage). "Första kontakten" opens the
// first-contact guidance in a dialog, one tap away.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, fieldErrorText } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage, noticeBox } from '../ui.js';
import { field, formErrors } from '../form.js';
import { fetchGuidance, guidanceItems } from '../guidance.js';
import { fieldQueue, newRef, retryable } from '../field-queue.js';
import { mayRegister } from './operation.js';

// Estimated age as ranges; the estimate sent is the range's middle
// (rounded), so a child is never sent as an adult.
const AGES = [
	['lt13', 10], ['13-15', 14], ['16-17', 17], ['18-24', 21], ['25-34', 30], ['35-49', 42], ['50+', 55],
];

let current = null;   // the field page on screen: {flush, isCurrent}

window.addEventListener('online', () => {
	if (current && current.isCurrent())
		current.flush();
});

// A fieldset of large toggle chips (radios or checkboxes).
function chips({ legend, name, options, type = 'radio', id }) {
	const inputs = [];
	const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
	const items = options.map(([value, label]) => {
		const input = h('input', { type, name, value, id: `${id}-${value.replace(/[^A-Za-z0-9_-]/g, '_')}`, class: 'chip-input' });
		inputs.push(input);
		return h('div', { class: 'chip' }, input, h('label', { for: input.id }, label));
	});
	const wrap = h('fieldset', { class: 'field chips', id },
	    h('legend', null, legend), errorEl, h('div', { class: 'chip-row' }, items));
	return {
		wrap, inputs, focusTarget: inputs[0], labelText: legend,
		values: () => inputs.filter((i) => i.checked).map((i) => i.value),
		set(values) {
			for (const i of inputs)
				i.checked = values.includes(i.value);
		},
		setError(message) {
			errorEl.textContent = message || '';
			errorEl.hidden = !message;
			wrap.classList.toggle('has-error', Boolean(message));
			if (message)
				wrap.setAttribute('aria-describedby', errorEl.id);
			else
				wrap.removeAttribute('aria-describedby');
		},
	};
}

// A search-select: a text input with the names as suggestions (datalist).
function searchSelect({ label, id, list, hint }) {
	const dl = h('datalist', { id: `${id}-list` }, list.map((x) => h('option', { value: ref.displayName(x) })));
	const f = field({
		label, hint, optional: true,
		control: h('input', { type: 'text', id, list: dl.id, autocomplete: 'off', enterkeyhint: 'next', class: 'field-big' }),
	});
	f.wrap.append(dl);
	// The code of what is typed: a name (either language) or a code.
	f.code = () => {
		const v = f.control.value.trim().toLowerCase();
		if (!v)
			return '';
		const hit = list.find((x) => x.code.toLowerCase() === v || (x.name || '').toLowerCase() === v ||
		    (x.name_en || '').toLowerCase() === v);
		return hit ? hit.code : null;
	};
	return f;
}

function guidanceDialog() {
	const body = h('div', { class: 'guidance-body', id: 'field-guidance-body' }, h('p', { class: 'loading' }, t('guidance.loading')));
	const close = h('button', { type: 'button', class: 'btn btn-secondary field-big', id: 'field-guidance-close' }, t('field.guidanceClose'));
	const dialog = h('dialog', { class: 'field-guidance', id: 'field-guidance', 'aria-labelledby': 'field-guidance-heading' },
	    h('div', { class: 'section-head' }, h('h2', { id: 'field-guidance-heading' }, t('guidance.title')), close),
	    body);
	close.addEventListener('click', () => dialog.close());
	let loaded = false;
	return {
		dialog,
		async open() {
			dialog.showModal();
			if (loaded)
				return;
			try {
				body.replaceChildren(guidanceItems(await fetchGuidance('first-contact')));
				loaded = true;
			} catch (err) {
				if (err && err.status !== 401)
					body.replaceChildren(alertBox(t('guidance.failed')));
			}
		},
	};
}

export async function render(ctx) {
	const id = decodeURIComponent(ctx.params[0]);
	setTitle('field.title');
	let op, countries, languages;
	try {
		[op, countries, languages] = await Promise.all([
			api.getOperation(id), ref.countries(), ref.languages(),
		]);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(
		    h('p', { class: 'breadcrumb' }, h('a', { href: '#/operations' }, t('operations.back'))),
		    pageHeading(t('field.title')),
		    alertBox(err.status === 404 ? t('operation.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;
	const q = fieldQueue(ctx.user.username, id);
	const countLine = h('p', { class: 'field-count', id: 'field-count' });
	const confirm = h('p', { class: 'field-confirm', id: 'field-confirm', role: 'status', 'aria-live': 'polite' });
	const queueHost = h('div', { id: 'field-queue', 'aria-live': 'polite' });
	let count = null;    // persons registered in the operation (a page of 200 at most)
	let more = false;    // … and there are more

	function paintCount() {
		countLine.textContent = count === null ? '' : t(count === 1 ? 'field.countOne' : 'field.count', { n: more ? `${count}+` : count });
	}
	async function refreshCount() {
		try {
			const list = await api.listEncounters(id, { limit: 200 });
			count = (list.items || []).length;
			more = Boolean(list.next_cursor);
		} catch {
			return;   // offline: the count stays as it was
		}
		if (ctx.isCurrent())
			paintCount();
	}

	let flushing = false;
	async function flush() {
		if (flushing)
			return;
		flushing = true;
		let sent = 0;
		try {
			for (const e of q.pending()) {
				try {
					await api.addEncounter(id, { ...e.body, client_ref: e.client_ref });
				} catch (err) {
					if (retryable(err))
						break;
					q.markError(e.client_ref, refusal(err));
					continue;
				}
				q.remove(e.client_ref);
				sent += 1;
			}
		} finally {
			flushing = false;
		}
		if (!ctx.isCurrent())
			return;
		paintQueue();
		if (sent) {
			confirm.classList.remove('is-queued');
			confirm.textContent = t(sent === 1 ? 'field.sentOne' : 'field.sent', { n: sent });
			await refreshCount();
		}
	}

	function paintQueue() {
		const all = q.entries();
		const waiting = all.filter((e) => !e.error);
		const refused = all.filter((e) => e.error);
		const parts = [];
		if (waiting.length) {
			parts.push(noticeBox(t(waiting.length === 1 ? 'field.waitingOne' : 'field.waiting', { n: waiting.length }), 'warn',
			    h('button', { type: 'button', class: 'btn btn-secondary field-big', id: 'field-send-now', on: { click: flush } },
				t('field.sendNow'))));
			parts[0].id = 'field-waiting';
		}
		if (refused.length) {
			parts.push(h('div', { class: 'alert alert-error', id: 'field-refused' },
			    h('p', { class: 'alert-text' }, t('field.refused')),
			    h('ul', { class: 'field-refused-list' }, refused.map((e) => h('li', { dataset: { ref: e.client_ref } },
				h('span', { class: 'field-refused-name' }, e.body.pseudonym || t('dash')), ': ',
				h('span', { class: 'field-refused-error' }, e.error),
				h('div', { class: 'alert-actions' },
				    h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { action: 'retry' },
					on: { click: () => { q.clearError(e.client_ref); flush(); } } }, t('field.retry')),
				    h('button', { type: 'button', class: 'btn btn-secondary btn-small', dataset: { action: 'drop' },
					on: { click: () => { q.remove(e.client_ref); paintQueue(); } } }, t('field.drop'))))))));
		}
		queueHost.replaceChildren(...parts);
	}

	// The server's reason for refusing an entry, its field errors named by
	// the form's labels.
	function refusal(err) {
		const labels = {
			pseudonym: t('field.pseudonym'), gender: t('field.gender'), age_estimate: t('field.age'),
			citizenship: t('field.citizenship'), languages: t('field.languages'), needs: t('field.needs'),
		};
		const fe = err.fieldErrors || [];
		if (!fe.length)
			return errorMessage(err);
		return fe.map((e) => {
			const name = labels[String(e.field).replace(/\[\d+\]$/, '')];
			const msg = fieldErrorText(e);
			return name ? `${name}: ${msg}` : msg;
		}).join(' ');
	}

	current = { flush, isCurrent: ctx.isCurrent };
	const guidance = guidanceDialog();
	const top = [
		h('p', { class: 'breadcrumb' }, h('a', { href: `#/operations/${encodeURIComponent(id)}` }, `${op.number} ${op.title}`)),
		h('div', { class: 'field-head' }, pageHeading(t('field.title')),
		    h('button', { type: 'button', class: 'btn btn-secondary field-big', id: 'field-guidance-open',
			'aria-haspopup': 'dialog', on: { click: () => guidance.open() } }, t('field.guidance'))),
		countLine, confirm, queueHost,
	];
	if (!mayRegister(op)) {
		ctx.root.replaceChildren(...top,
		    noticeBox(t(op.status === 'active' ? 'field.notAllowed' : 'field.notActive'), 'info'), guidance.dialog);
		paintQueue();
		await refreshCount();
		return;
	}

	const pseudonym = field({
		label: t('field.pseudonym'), hint: t('field.pseudonymHint'),
		control: h('input', { type: 'text', id: 'field-pseudonym', name: 'pseudonym', autocomplete: 'off',
			maxlength: '100', enterkeyhint: 'next', class: 'field-big' }),
	});
	const gender = chips({ legend: t('field.gender'), name: 'gender', id: 'field-gender', options: vocab.options('genders') });
	const age = chips({
		legend: t('field.age'), name: 'age', id: 'field-age',
		options: [...AGES.map(([code]) => [code, t(`field.age.${code}`)]), ['', t('field.age.unknown')]],
	});
	const citizenship = searchSelect({ label: t('field.citizenship'), id: 'field-citizenship', list: countries });
	const language = searchSelect({ label: t('field.languages'), hint: t('field.languagesHint'), id: 'field-language', list: languages });
	const chosen = h('ul', { class: 'chosen-list field-languages', id: 'field-languages' });
	let langs = [];
	const needs = chips({
		legend: t('field.needs'), name: 'needs', id: 'field-needs', type: 'checkbox',
		options: vocab.options('immediate_needs'),
	});
	const fields = { pseudonym, gender, age_estimate: age, citizenship, languages: language, needs };
	const summary = h('div', { class: 'form-summary' });
	const errors = formErrors(summary, fields);

	function paintLangs() {
		chosen.replaceChildren(...langs.map((code) => h('li', null, ref.nameOf(languages, code),
		    h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { code },
			'aria-label': t('field.removeLanguage', { name: ref.nameOf(languages, code) }),
			on: { click: () => { langs = langs.filter((c) => c !== code); paintLangs(); saveDraft(); language.control.focus(); } } },
		    t('field.remove')))));
	}
	function addLanguage() {
		const code = language.code();
		if (code === '')
			return false;
		if (code === null) {
			language.setError(t('field.pickFromList'));
			return true;
		}
		language.setError(null);
		if (!langs.includes(code))
			langs.push(code);
		language.control.value = '';
		paintLangs();
		saveDraft();
		return true;
	}
	const addLang = h('button', { type: 'button', class: 'btn btn-secondary field-big', id: 'field-language-add',
		on: { click: () => { addLanguage(); language.control.focus(); } } }, t('field.addLanguage'));
	language.control.addEventListener('keydown', (ev) => {
		if (ev.key === 'Enter') {
			ev.preventDefault();
			addLanguage();
		}
	});
	language.control.addEventListener('change', () => {
		if (language.code())
			addLanguage();
	});

	function draftOf() {
		return {
			pseudonym: pseudonym.control.value, gender: gender.values(), age: age.values(),
			citizenship: citizenship.control.value, language: language.control.value, languages: langs, needs: needs.values(),
		};
	}
	function saveDraft() {
		q.saveDraft(draftOf());
	}
	function restore(d) {
		if (!d)
			return;
		pseudonym.control.value = d.pseudonym || '';
		gender.set(d.gender || []);
		age.set(d.age || []);
		citizenship.control.value = d.citizenship || '';
		language.control.value = d.language || '';
		langs = Array.isArray(d.languages) ? d.languages.filter((c) => typeof c === 'string') : [];
		needs.set(d.needs || []);
		paintLangs();
	}
	function clearForm() {
		form.reset();
		langs = [];
		paintLangs();
		errors.clear();
		q.clearDraft();
	}

	function collect() {
		const errs = [];
		const body = { pseudonym: pseudonym.control.value.trim(), gender: gender.values()[0] };
		if (!body.pseudonym)
			errs.push({ field: 'pseudonym', message: t('field.pseudonymRequired') });
		if (!body.gender)
			errs.push({ field: 'gender', message: t('field.genderRequired') });
		const a = AGES.find(([code]) => code === age.values()[0]);
		if (a)
			body.age_estimate = a[1];
		const c = citizenship.code();
		if (c === null)
			errs.push({ field: 'citizenship', message: t('field.pickFromList') });
		else if (c)
			body.citizenship = c;
		if (language.control.value.trim() && addLanguage() && language.code() === null)
			errs.push({ field: 'languages', message: t('field.pickFromList') });
		if (langs.length)
			body.languages = [...langs];
		if (needs.values().length)
			body.needs = needs.values();
		return { body, errors: errs };
	}

	const submit = h('button', { type: 'submit', class: 'btn btn-primary field-submit', id: 'field-submit' }, t('field.submit'));
	let busy = false;
	async function onSubmit(ev) {
		ev.preventDefault();
		if (busy)
			return;
		confirm.textContent = '';
		confirm.classList.remove('is-queued');
		const { body, errors: errs } = collect();
		if (errs.length) {
			errors.show(errs);
			return;
		}
		const clientRef = newRef();
		const queue = () => {
			if (!q.add(body, clientRef)) {
				errors.showMessage(t('field.storageFull'));
				return;
			}
			clearForm();
			paintQueue();
			confirm.textContent = t('field.queued');
			confirm.classList.add('is-queued');
			pseudonym.control.focus();
		};
		if (navigator.onLine === false) {
			queue();
			return;
		}
		busy = true;
		submit.disabled = true;
		try {
			await api.addEncounter(id, { ...body, client_ref: clientRef });
		} catch (err) {
			if (!ctx.isCurrent())
				return;
			if (retryable(err)) {
				queue();
			} else {
				const fe = err.fieldErrors || [];
				if (err.status === 400 && fe.length)
					errors.show(fe);
				else
					errors.showMessage(errorMessage(err));
			}
			return;
		} finally {
			busy = false;
			submit.disabled = false;
		}
		if (!ctx.isCurrent())
			return;
		clearForm();
		confirm.textContent = t('field.registered');
		count = count === null ? null : count + 1;
		paintCount();
		pseudonym.control.focus();
		refreshCount();
		// A connection that works: what waits goes now.
		if (q.pending().length)
			flush();
	}

	const form = h('form', {
		class: 'field-form', id: 'field-form', novalidate: true, autocomplete: 'off', 'aria-label': t('field.title'),
		on: { submit: onSubmit, input: saveDraft, change: saveDraft },
	},
	summary, pseudonym.wrap, gender.wrap, age.wrap, needs.wrap, citizenship.wrap,
	h('div', { class: 'field-lang-row' }, language.wrap, addLang), chosen,
	h('div', { class: 'field-submit-bar' }, submit));

	ctx.root.replaceChildren(h('div', { class: 'field-page' }, ...top, form), guidance.dialog);
	restore(q.draft());
	paintQueue();
	paintCount();
	refreshCount();
	if (q.pending().length && navigator.onLine !== false)
		flush();
}

// The pseudonym, focused when the page opens.
export function focusOnEnter(root) {
	return root.querySelector('#field-pseudonym');
}
