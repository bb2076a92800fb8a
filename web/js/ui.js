// Shared view helpers: page title, headings, messages, form fields and
// error display (error summary + per-field messages with aria wiring).

import { h, uid } from './dom.js';
import { t, fieldErrorText } from './i18n.js';

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

// A labelled form field. `control` is an input/select/textarea; its id is
// set here unless it has one. Returns {wrap, control, error, setError}.
export function field({ label, control, hint, optional = false, className }) {
	if (!control.id)
		control.id = uid('f');
	const id = control.id;
	const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
	const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
	const labelEl = h('label', { for: id }, label,
	    optional ? h('span', { class: 'optional' }, ` ${t('form.optional')}`) : null);
	const wrap = h('div', { class: ['field', className] }, labelEl, hintEl, errorEl, control);
	const describe = (withError) => {
		const ids = [];
		if (hintEl)
			ids.push(hintEl.id);
		if (withError)
			ids.push(errorEl.id);
		if (ids.length)
			control.setAttribute('aria-describedby', ids.join(' '));
		else
			control.removeAttribute('aria-describedby');
	};
	describe(false);
	return {
		wrap, control, error: errorEl, focusTarget: control, labelText: label,
		setError(message) {
			if (message) {
				errorEl.textContent = message;
				errorEl.hidden = false;
				control.setAttribute('aria-invalid', 'true');
				wrap.classList.add('has-error');
				describe(true);
			} else {
				errorEl.textContent = '';
				errorEl.hidden = true;
				control.removeAttribute('aria-invalid');
				wrap.classList.remove('has-error');
				describe(false);
			}
		},
	};
}

// A fieldset of checkboxes (or radios). Returns {wrap, inputs, setError, values()}.
export function choiceGroup({ legend, hint, name, options, type = 'checkbox', checked = [] }) {
	const id = uid(name);
	const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
	const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
	const inputs = [];
	const items = options.map(([value, text]) => {
		const input = h('input', {
			type, name, value, id: `${id}-${value}`, checked: checked.includes(value),
		});
		inputs.push(input);
		return h('div', { class: 'choice' }, input, h('label', { for: input.id }, text));
	});
	const wrap = h('fieldset', { class: 'field choice-group', id },
	    h('legend', null, legend), hintEl, errorEl, h('div', { class: 'choices' }, items));
	const describe = (withError) => {
		const ids = [hintEl && hintEl.id, withError && errorEl.id].filter(Boolean);
		if (ids.length)
			wrap.setAttribute('aria-describedby', ids.join(' '));
		else
			wrap.removeAttribute('aria-describedby');
	};
	describe(false);
	return {
		wrap, inputs, error: errorEl, focusTarget: inputs[0], labelText: legend,
		values: () => inputs.filter((i) => i.checked).map((i) => i.value),
		setError(message) {
			errorEl.textContent = message || '';
			errorEl.hidden = !message;
			wrap.classList.toggle('has-error', Boolean(message));
			for (const i of inputs) {
				if (message)
					i.setAttribute('aria-invalid', 'true');
				else
					i.removeAttribute('aria-invalid');
			}
			describe(Boolean(message));
		},
	};
}

// Manages the error summary and per-field errors of one form.
// `fields` maps API field paths (e.g. "title", "identity.full_name") to
// objects from field()/choiceGroup(). Server paths such as "exploitation[1]"
// fall back to their base name.
export function formErrors(summaryHost, fields) {
	function lookup(path) {
		if (fields[path])
			return fields[path];
		const base = path.replace(/\[\d+\]$/, '');
		if (fields[base])
			return fields[base];
		const head = path.split(/[.[]/)[0];
		return fields[head] || null;
	}
	function clearAll() {
		for (const f of Object.values(fields))
			f.setError(null);
		summaryHost.replaceChildren();
	}
	// errors: [{field, message}], plus optional general message.
	function show(errors, general) {
		clearAll();
		const seen = new Map();
		const items = [];
		for (const e of errors) {
			const f = e.field ? lookup(e.field) : null;
			const msg = fieldErrorText(e);
			if (f) {
				if (seen.has(f))
					continue;   // one message per field
				seen.set(f, msg);
				f.setError(msg);
				items.push(h('li', null, h('a', {
					href: `#${f.focusTarget.id}`,
					on: {
						click: (ev) => {
							ev.preventDefault();
							f.focusTarget.focus();
						},
					},
				}, f.labelText ? `${f.labelText}: ${msg}` : msg)));
			} else {
				items.push(h('li', null, msg));
			}
		}
		if (general)
			items.unshift(h('li', null, general));
		const box = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1' },
		    h('h2', null, t('form.errorSummary')), h('ul', null, items));
		summaryHost.replaceChildren(box);
		box.focus();
	}
	// A message for the whole form. kind: error | warn | info (calm, for
	// what is not the user's fault); actions: buttons shown under the text.
	function showMessage(message, { kind = 'error', actions } = {}) {
		clearAll();
		const box = h('div', {
			class: ['alert', `alert-${kind}`], role: kind === 'info' ? 'status' : 'alert', tabindex: '-1',
		}, h('p', { class: 'alert-text' }, message),
		actions ? h('div', { class: 'alert-actions' }, actions) : null);
		summaryHost.replaceChildren(box);
		box.focus();
	}
	return { show, showMessage, clear: clearAll };
}

export function definitionList(rows, className) {
	return h('dl', { class: ['facts', className] },
	    rows.filter(Boolean).map(([term, value]) => h('div', { class: 'fact' },
	        h('dt', null, term), h('dd', null, value))));
}

export function tableWrap(table) {
	return h('div', { class: 'table-wrap' }, table);
}

// Sends a form's request: the submit button is disabled meanwhile; a 400's
// field errors (or any other error's message) are shown in the form. Resolves
// to true when the request succeeded; 401 is left to the router. `handle`,
// if given, may take an error over (e.g. 412): it returns true when it did.
export async function sendForm(ctx, { submit, messages, errors, handle }, send) {
	submit.disabled = true;
	messages.replaceChildren();
	try {
		await send();
		return true;
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return false;
		if (handle && handle(err))
			return false;
		const fe = err.fieldErrors;
		if (err.status === 400 && fe.length)
			errors.show(fe);
		else
			errors.showMessage(errorMessage(err));
		return false;
	} finally {
		submit.disabled = false;
	}
}
