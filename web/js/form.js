// Forms: labelled fields, the error summary with per-field messages (aria
// wired), sending with the submit button disabled, and the disclosure that
// shows a form panel. Every form of the UI is built from these:
//
//   inputField / textareaField / selectField / checkField / choiceGroup
//       a control with its label, hint and error → {wrap, control, setError…}
//   createForm(ctx, opts)   the <form>: summary, body, submit (+ cancel);
//       local checks, then the request through sendForm
//   disclosure(opts)        a button that shows and hides a panel
//
// Controls are built with dom.js only (the page runs under a strict CSP).

import { h, uid } from './dom.js';
import { t, fieldErrorText } from './i18n.js';
import { errorMessage } from './ui.js';

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


// Sends a form's request: the submit button is disabled meanwhile; a 400's
// field errors (or any other error's message) are shown in the form. Resolves
// to true when the request succeeded. `handle`, if given, may take an error
// over (e.g. 412, or every error of the login): it returns true when it did;
// a 401 it leaves alone goes to the router. `messages`, if given, is emptied
// first (a section message from an earlier action).
export async function sendForm(ctx, { submit, messages, errors, handle }, send) {
	submit.disabled = true;
	if (messages)
		messages.replaceChildren();
	try {
		await send();
		return true;
	} catch (err) {
		if (!ctx.isCurrent())
			return false;
		if (handle && handle(err))
			return false;
		if (err.status === 401)
			return false;
		const fe = err.fieldErrors || [];
		if (err.status === 400 && fe.length)
			errors.show(fe);
		else
			errors.showMessage(errorMessage(err));
		return false;
	} finally {
		submit.disabled = false;
	}
}

// Field builders: `attrs` go to the control (id, name, value, maxlength …);
// the rest is field()'s. Inputs and textareas have autocomplete off unless
// told otherwise.
export function inputField({ label, hint, optional, className, ...attrs }) {
	return field({
		label, hint, optional, className,
		control: h('input', { type: 'text', autocomplete: 'off', ...attrs }),
	});
}

export function textareaField({ label, hint, optional, className, ...attrs }) {
	return field({
		label, hint, optional, className,
		control: h('textarea', { autocomplete: 'off', ...attrs }),
	});
}

// options: [[value, text]]; `choose` adds an empty first option with that
// text; a current value missing from the options is kept as its own option
// (shown as the code), so an edit never silently changes it.
export function selectField({ label, hint, optional, className, options, choose, value, ...attrs }) {
	const opts = options.map(([v, text]) => h('option', { value: v }, text));
	const have = value === undefined || value === null || value === '' ||
	    options.some(([v]) => v === value);
	const control = h('select', { ...attrs, value: have ? value || undefined : value },
	    choose !== undefined ? h('option', { value: '' }, choose) : null,
	    have ? null : h('option', { value }, String(value)),
	    opts);
	// A form's reset() comes back to this value too.
	for (const o of control.options)
		o.defaultSelected = o.value === control.value;
	return field({ label, hint, optional, className, control });
}

// One checkbox with its label after it (a filter such as "Endast flaggade").
export function checkField({ label, className, ...attrs }) {
	const control = h('input', { type: 'checkbox', ...attrs });
	if (!control.id)
		control.id = uid('c');
	const wrap = h('div', { class: ['field', 'field-check', className] },
	    h('div', { class: 'choice' }, control, h('label', { for: control.id }, label)));
	return { wrap, control };
}

/*
 * createForm(ctx, opts) → {el, errors, summary, submit, isBusy(), reset()}
 *
 *   id, className ('stack-form'), labelledBy or label (the form's name),
 *   autocomplete ('off'; null leaves it to the browser)
 *   fields     {API field path: field} – where errors are shown
 *   body       the nodes between the error summary and the buttons
 *   summaryId  id of the error summary's host
 *   submit     {id, text, busyText}
 *   cancel     {id, text, onClick} or {id, text, href}   (optional)
 *   collect()  → {body, errors: [{field, message}]} from the controls, or
 *              null when there is nothing to send (collect dealt with it)
 *   send(body) → Promise of the result
 *   handle(err) → true when it took the error over (412, 403 …)
 *   done(result) after success (may be async)
 *   clears     an element emptied when sending (a section's message)
 *   on         more listeners of the <form> (e.g. keydown)
 */
export function createForm(ctx, opts) {
	const summary = h('div', { class: 'form-summary', id: opts.summaryId });
	const errors = formErrors(summary, opts.fields || {});
	const submitText = opts.submit.text;
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: opts.submit.id }, submitText);
	let cancel = null;
	if (opts.cancel && opts.cancel.href)
		cancel = h('a', { href: opts.cancel.href, class: 'btn btn-secondary', id: opts.cancel.id }, opts.cancel.text);
	else if (opts.cancel)
		cancel = h('button', {
			type: 'button', class: 'btn btn-secondary', id: opts.cancel.id,
			on: { click: () => opts.cancel.onClick() },
		}, opts.cancel.text);
	let busy = false;

	async function onSubmit(ev) {
		ev.preventDefault();
		if (busy)
			return;
		const collected = opts.collect ? opts.collect() : { body: undefined, errors: [] };
		if (!collected)
			return;
		if (collected.errors && collected.errors.length) {
			errors.show(collected.errors);
			return;
		}
		busy = true;
		summary.replaceChildren();
		if (opts.submit.busyText)
			submit.textContent = opts.submit.busyText;
		let result;
		let ok;
		try {
			ok = await sendForm(ctx, {
				submit, messages: opts.clears, errors, handle: opts.handle,
			}, async () => {
				result = await opts.send(collected.body);
			});
		} finally {
			busy = false;
			submit.textContent = submitText;
		}
		if (ok && ctx.isCurrent() && opts.done)
			await opts.done(result);
	}

	const el = h('form', {
		class: opts.className || 'stack-form', id: opts.id, novalidate: true,
		autocomplete: opts.autocomplete === undefined ? 'off' : opts.autocomplete,
		'aria-labelledby': opts.labelledBy, 'aria-label': opts.label,
		on: { ...(opts.on || {}), submit: onSubmit },
	},
	summary,
	opts.body,
	h('div', { class: 'form-actions' }, submit, cancel));

	return {
		el, errors, summary, submit,
		isBusy: () => busy,
		// Back to the values the form was built with, without messages.
		reset() {
			el.reset();
			errors.clear();
		},
	};
}

/*
 * disclosure(opts) → {toggle, panel, open(), close(focusToggle), isOpen()}
 * A button (aria-expanded, aria-controls) that shows and hides a panel.
 *   id, text, className ('btn btn-secondary') – the button
 *   panelId, panelClass, panelTag ('div'), panelAttrs, content – the panel
 *   onOpen()  after the panel is shown (build a form, focus its first field)
 *   onClose() before it is hidden (reset or remove the form); returning
 *             false keeps it open (e.g. while a request is under way)
 */
export function disclosure(opts) {
	const panelId = opts.panelId || uid('panel');
	const toggle = h('button', {
		type: 'button', class: opts.className || 'btn btn-secondary', id: opts.id,
		'aria-expanded': 'false', 'aria-controls': panelId,
	}, opts.text);
	const panel = h(opts.panelTag || 'div', {
		class: opts.panelClass, id: panelId, hidden: true, ...(opts.panelAttrs || {}),
	}, opts.content);

	function open() {
		panel.hidden = false;
		toggle.setAttribute('aria-expanded', 'true');
		if (opts.onOpen)
			opts.onOpen();
	}
	function close(focusToggle) {
		if (opts.onClose && opts.onClose() === false)
			return;
		panel.hidden = true;
		toggle.setAttribute('aria-expanded', 'false');
		if (focusToggle)
			toggle.focus();
	}
	toggle.addEventListener('click', () => (panel.hidden ? open() : close(true)));
	return { toggle, panel, open, close, isOpen: () => !panel.hidden };
}
