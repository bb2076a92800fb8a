// Edit forms for a versioned resource (a case, a person). A toggle button
// opens a panel whose form is built from the data as last shown; on submit
// only the fields that changed are sent, with If-Match naming the version
// the form was built from.
//
//   400 – field errors in the form (sendForm);
//   403 – a calm message: the caller may see but not change this;
//   412 – someone else changed it meanwhile: the user's input stays on
//         screen with a "Ladda om" button. Reloading takes the new data into
//         every field the user had not touched and keeps the user's own
//         changes, naming the fields that both changed, so nothing is
//         written over unseen.
//
// The form is removed from the page when the panel closes, so pre-filled
// values (a person's identity) are in the DOM only while it is open.

import { h } from './dom.js';
import { t } from './i18n.js';
import { errorMessage } from './ui.js';
import { createForm, disclosure } from './form.js';

// Comparable form of a field value: lists as sets, text trimmed with one
// kind of line end (a textarea's value always uses \n).
export function norm(v) {
	if (Array.isArray(v))
		return [...v].map(String).sort().join('\n');
	return String(v ?? '').replace(/\r\n?/g, '\n').trim();
}

export function same(a, b) {
	return norm(a) === norm(b);
}

// Adapters from ui.js fields to the editor's {label, get, set, focus}.
export function textValue(f) {
	return {
		label: f.labelText, focus: f.control,
		get: () => f.control.value,
		set: (v) => { f.control.value = v ?? ''; },
	};
}

export function choiceValue(g, { single = false } = {}) {
	return {
		label: g.labelText, focus: g.inputs[0],
		get: () => (single ? g.values()[0] || '' : g.values()),
		set: (v) => {
			const want = Array.isArray(v) ? v : [v];
			for (const i of g.inputs)
				i.checked = want.includes(i.value);
		},
	};
}

/*
 * opts:
 *   ctx
 *   ids:  {toggle, panel, form, submit, cancel, reload}
 *   text: {toggle, title, submit, cancel, saved, conflict, reloaded, forbidden}
 *   getData()       the data as shown now; the form is built from it on open
 *   build(data)     → {nodes, fields: {name: {label, get, set, focus}},
 *                      errorFields (for formErrors), first, reveal?(names)}
 *   toBody(values, changedNames, data) → {body, errors: [{field, message}]}
 *   save(data, body)  → Promise of the new data (its version is current)
 *   fetch(data)       → Promise of the data as stored now
 *   onSaved(data), onReloaded(data)   repaint the page (may be async)
 */
export function createEditor(opts) {
	const { ctx, ids, text } = opts;
	const titleId = `${ids.panel}-title`;
	const host = h('div');

	let state = null;   // {data, base, built, errors, form}
	let busy = false;   // a reload is under way

	const values = (built) => {
		const v = {};
		for (const [name, f] of Object.entries(built.fields))
			v[name] = f.get();
		return v;
	};

	const panel = disclosure({
		id: ids.toggle, text: text.toggle, panelId: ids.panel,
		panelTag: 'section', panelClass: 'card edit-panel', panelAttrs: { 'aria-labelledby': titleId },
		content: [h('h2', { id: titleId }, text.title), host],
		onOpen() {
			buildForm(opts.getData());
			state.built.first.focus();
		},
		onClose() {
			if (busy || (state && state.form.isBusy()))
				return false;
			host.replaceChildren();
			state = null;
			return true;
		},
	});
	const close = (focusToggle) => panel.close(focusToggle);

	function buildForm(data) {
		const built = opts.build(data);
		const form = createForm(ctx, {
			id: ids.form, labelledBy: titleId,
			fields: built.errorFields, body: built.nodes,
			submit: { id: ids.submit, text: text.submit },
			cancel: { id: ids.cancel, text: text.cancel, onClick: () => close(true) },
			collect: () => collect(form),
			send: (body) => opts.save(data, body),
			handle: (err) => handle(state, err),
			done: (updated) => saved(updated),
		});
		host.replaceChildren(form.el);
		state = { data, base: values(built), built, errors: form.errors, form };
	}

	// Builds the form again from fresh data, keeping what the user changed.
	// Returns the fields that the user and someone else both changed.
	function rebase(fresh) {
		const old = state;
		if (!old)
			return [];
		const typed = values(old.built);
		buildForm(fresh);
		const kept = [];
		const conflicts = [];
		for (const [name, f] of Object.entries(state.built.fields)) {
			if (!(name in typed) || same(typed[name], old.base[name]))
				continue;   // not touched: the stored value is shown
			f.set(typed[name]);
			kept.push(name);
			if (!same(state.base[name], old.base[name]) && !same(state.base[name], typed[name]))
				conflicts.push(f);
		}
		if (state.built.reveal)
			state.built.reveal(kept);
		return conflicts;
	}

	async function reload(button) {
		const s = state;
		if (!s || busy)
			return;
		busy = true;
		button.disabled = true;
		let fresh;
		try {
			fresh = await opts.fetch(s.data);
		} catch (err) {
			button.disabled = false;
			if (!ctx.isCurrent() || err.status === 401 || state !== s)
				return;
			s.errors.showMessage(errorMessage(err), { actions: button });
			return;
		} finally {
			busy = false;
		}
		if (!ctx.isCurrent() || state !== s)
			return;
		const conflicts = rebase(fresh);
		await opts.onReloaded(fresh);
		if (!ctx.isCurrent() || !state)
			return;
		let message = text.reloaded;
		if (conflicts.length)
			message += ` ${t('edit.alsoChanged', { fields: conflicts.map((f) => f.label).join(', ') })}`;
		ctx.announce(message, { kind: 'info' });
		(conflicts.length ? conflicts[0].focus : state.built.first).focus();
	}

	function handle(s, err) {
		if (err.status === 412) {
			const button = h('button', {
				type: 'button', class: 'btn btn-small btn-secondary', id: ids.reload,
				on: { click: () => reload(button) },
			}, t('edit.reload'));
			s.errors.showMessage(text.conflict, { kind: 'warn', actions: button });
			return true;
		}
		if (err.status === 403) {
			s.errors.showMessage(text.forbidden, { kind: 'info' });
			return true;
		}
		return false;
	}

	// The changed fields' body; null when nothing changed (the panel closes).
	function collect(form) {
		const s = state;
		if (busy || !s || s.form !== form)
			return null;
		const typed = values(s.built);
		const changed = Object.keys(typed).filter((name) => !same(typed[name], s.base[name]));
		const { body, errors } = opts.toBody(typed, changed, s.data);
		if (errors.length)
			return { errors };
		if (changed.length === 0) {
			close(true);
			ctx.announce(t('edit.noChanges'), { kind: 'info' });
			return null;
		}
		return { body, errors: [] };
	}

	async function saved(updated) {
		close(false);
		ctx.announce(text.saved, { kind: 'success' });
		await opts.onSaved(updated);
		if (ctx.isCurrent())
			panel.toggle.focus();
	}

	return {
		toggle: panel.toggle,
		panel: panel.panel,
		isOpen: () => state !== null,
		// Closes an open form (e.g. when the case can no longer be edited).
		close: () => panel.close(false),
		// After a change made elsewhere on the page (e.g. the status action):
		// the open form continues from the new version.
		rebase: (fresh) => rebase(fresh),
	};
}
