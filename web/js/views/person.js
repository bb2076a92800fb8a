// Person page (#/persons/<id>): pseudonymised facts; the identity block is
// rendered only when the API returned it, and stays hidden until the user
// asks for it ("Visa identitetsuppgifter"). It is hidden again when the tab
// is left in the background.
//
// A protected identity (protected_identity ≠ "none") is shown in full only
// to the owner organisation, and without the address to the national
// secretariat's coordinators. Anyone else who sees the case gets a
// "Skyddad identitet" section with nödåtkomst (break the glass): they state
// a reason and the server opens the identity to them for one hour, flagging
// the grant and every read in the audit log. The reason is sent once and not
// kept anywhere by the page.
//
// "Redigera" changes pseudonym, gender, age, citizenship and protected
// identity and, for a user who sees the whole identity (identity_access
// "full", not through nödåtkomst, which only reads), the identity block,
// pre-filled in a collapsed <details> that exists only while the form is
// open. Only the fields changed are sent; the identity block as a whole.
//
// "Ändringshistorik" (history.js), collapsed, lists what each change of the
// person changed; identity fields by name only.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime, formatTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import {
	setTitle, pageHeading, alertBox, errorMessage, definitionList,
} from '../ui.js';
import { textareaField, createForm, disclosure } from '../form.js';
import { createEditor, textValue } from '../edit.js';
import { personFields, personBody } from '../person-form.js';
import { historySection } from '../history.js';

// Loads the person and works out what the page can say about the identity,
// from what the server says of this caller:
//   offerGlass  – protected, not shown in full, and the policy lets this
//                 user break the glass (break_glass_allowed): offer it;
//   noAddress   – … but shown without the address (the secretariat);
//   shownInFull – protected and shown in full (so a missing identity means
//                 that none is registered);
//   grant       – until when a nödåtkomst grant opens it, if only that does.
async function load(ctx, id) {
	return stateOf(await api.getPerson(id));
}

// "Rumänien (RO)"; the code alone when the country list does not have it.
function countryText(countries, code) {
	const name = ref.nameOf(countries, code);
	return name && name !== code ? `${name} (${code})` : code;
}

function stateOf(p) {
	const identity = p.identity && typeof p.identity === 'object' ? p.identity : null;
	const protectedId = Boolean(p.protected_identity) && p.protected_identity !== 'none';
	return {
		person: p,
		identity,
		grant: p.break_glass_until || null,
		shownInFull: protectedId && p.identity_access === 'full',
		offerGlass: protectedId && p.identity_access !== 'full' &&
		    p.break_glass_allowed === true,
		noAddress: protectedId && p.identity_access === 'without_address',
		// Changing the identity or its protection needs the full view; a
		// nödåtkomst grant only reads (the server answers 403).
		identityEditable: p.identity_access === 'full' && !p.break_glass_until,
	};
}

export async function render(ctx) {
	setTitle('person.title');
	const id = decodeURIComponent(ctx.params[0]);
	let state;
	let countries, orgs;
	try {
		// Country and organisation names are a nicety: without them the
		// code is shown.
		[state, countries, orgs] = await Promise.all([
			load(ctx, id), ref.countries().catch(() => []),
			ref.organizations().catch(() => []),
		]);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(
		    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
		    pageHeading(t('person.title')),
		    alertBox(err.status === 404 ? t('person.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;

	// Listeners and timers of the painted page: dropped on repaint and when
	// the page is left.
	const cleanups = [];
	const dispose = () => {
		for (const fn of cleanups.splice(0))
			fn();
	};
	window.addEventListener('hashchange', dispose, { once: true });

	async function reload() {
		const next = await load(ctx, id);
		if (!ctx.isCurrent())
			return false;
		paint(next);
		return true;
	}

	// Kept across repaints: the toggle and panel are placed in each new page.
	const editor = createEditor({
		ctx,
		ids: {
			toggle: 'edit-person', panel: 'edit-person-panel', form: 'edit-person-form',
			submit: 'edit-person-submit', cancel: 'edit-person-cancel', reload: 'edit-person-reload',
		},
		text: {
			toggle: t('personEdit.edit'), title: t('personEdit.title'), submit: t('personEdit.submit'),
			cancel: t('personEdit.cancel'), saved: t('personEdit.saved'), conflict: t('personEdit.conflict'),
			reloaded: t('personEdit.reloaded'), forbidden: t('personEdit.forbidden'),
		},
		getData: () => state,
		build: personEditFields,
		toBody: (values, changed) => personBody(values, changed),
		save: async (s, body) => stateOf(await api.updatePerson(s.person.id, s.person.version, body)),
		fetch: (s) => load(ctx, s.person.id),
		onSaved: (s) => paint(s),
		onReloaded: (s) => paint(s),
	});

	async function granted(grant) {
		ctx.announce(t('person.glassGranted', { time: formatTime(grant && grant.expires_at) }),
		    { kind: 'success' });
		try {
			if (!(await reload()))
				return;
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return;
			ctx.announce(errorMessage(err), { kind: 'error' });
			return;
		}
		const target = document.getElementById('identity-heading') || ctx.root.querySelector('h1');
		if (target)
			target.focus();
	}

	function paint(s) {
		dispose();
		state = s;
		const p = s.person;
		const dash = t('dash');
		const list = (xs) => (Array.isArray(xs) && xs.length ? xs.join(', ') : dash);
		const caseHref = p.case ? `#/cases/${encodeURIComponent(p.case)}` : '#/cases';

		const facts = definitionList([
			[t('person.pseudonym'), h('span', { id: 'person-pseudonym' }, p.pseudonym)],
			[t('person.gender'), vocab.label('genders', p.gender)],
			[t('person.birthYear'), p.birth_year ?? dash],
			[t('person.ageEstimate'), p.age_estimate ?? dash],
			[t('person.child'), h('span', { id: 'person-child' }, p.is_child ? t('yes') : t('no'))],
			[t('person.citizenship'), p.citizenship
				? h('span', { id: 'person-citizenship' }, countryText(countries, p.citizenship)) : dash],
			[t('person.languages'), list(p.languages)],
			[t('person.vulnerabilities'), list(p.vulnerabilities)],
			[t('person.protected'), vocab.label('protection_levels', p.protected_identity || 'none')],
			[t('person.created'), formatDateTime(p.created_at)],
			[t('person.updated'), formatDateTime(p.updated_at)],
		]);

		const parts = [
			h('p', { class: 'breadcrumb' }, h('a', { href: caseHref }, t('person.back'))),
			h('div', { class: 'page-head' },
			    pageHeading(`${t('person.title')}: ${p.pseudonym}`),
			    editor.toggle),
			editor.panel,
			h('section', { class: 'card', 'aria-labelledby': 'person-facts-heading' },
			    h('h2', { id: 'person-facts-heading', class: 'visually-hidden' }, t('person.facts')),
			    facts),
		];
		if (s.offerGlass)
			parts.push(protectedSection(ctx, s, granted));
		if (s.identity || !s.offerGlass)
			parts.push(identitySection(ctx, s, cleanups, reload));
		parts.push(historySection(ctx, {
			kind: 'person', id: p.id, orgName: (code) => ref.nameOf(orgs, code) || code || t('dash'),
		}));
		parts.push(h('p', null, h('a', { href: caseHref, class: 'btn btn-secondary' }, t('person.openCase'))));
		ctx.root.replaceChildren(...parts);
	}

	paint(state);
}

// The fields of "Redigera", filled from the person (and the identity when
// this user may change it).
function personEditFields(s) {
	const p = s.person;
	const f = personFields({
		prefix: 'edit-person', values: p, genderChoose: false,
		withIdentity: s.identityEditable, identity: s.identity,
		identityHint: t('personEdit.identityHint'),
		protectedLocked: !s.identityEditable,
	});
	const fields = {
		pseudonym: textValue(f.pseudonym),
		gender: textValue(f.gender),
		birth_year: textValue(f.birthYear),
		age_estimate: textValue(f.ageEstimate),
		citizenship: textValue(f.citizenship),
		protected_identity: textValue(f.protectedId),
	};
	if (f.identityFields)
		for (const [k, field] of Object.entries(f.identityFields))
			fields[`identity.${k}`] = textValue(field);
	return {
		nodes: f.nodes,
		fields,
		errorFields: f.errorFields,
		first: f.pseudonym.control,
		// Changes kept after a reload are shown, also inside the identity block.
		reveal(names) {
			if (f.identityBlock && names.some((n) => n.startsWith('identity.')))
				f.identityBlock.open = true;
		},
	};
}

function identitySection(ctx, s, cleanups, reload) {
	const identity = s.identity;
	const dash = t('dash');
	const section = h('section', { class: 'card identity-card', 'aria-labelledby': 'identity-heading' },
	    h('h2', { id: 'identity-heading', tabindex: '-1' }, t('person.identity')));
	if (s.grant) {
		section.append(h('p', { class: 'glass-note', id: 'glass-note' },
		    t('person.glassActive', { time: formatTime(s.grant) })));
		// When the grant runs out, load the page again: the server then
		// withholds the identity and the panel is gone.
		const timer = setTimeout(async () => {
			if (!ctx.isCurrent())
				return;
			try {
				if (await reload())
					ctx.announce(t('person.glassExpired'), { kind: 'info' });
			} catch (err) {
				if (ctx.isCurrent() && err.status !== 401)
					ctx.announce(errorMessage(err), { kind: 'error' });
			}
		}, Math.max(0, Date.parse(s.grant) - Date.now()) + 1000);
		cleanups.push(() => clearTimeout(timer));
	}
	if (!identity) {
		section.append(h('p', { class: 'muted' },
		    s.shownInFull ? t('person.identityNone') : t('person.identityNotShown')));
		return section;
	}
	const panel = h('div', { id: 'identity-panel', class: 'identity-panel', hidden: true });
	const button = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'show-identity',
		'aria-expanded': 'false', 'aria-controls': 'identity-panel',
	}, t('person.showIdentity'));
	const hide = () => {
		panel.replaceChildren();
		panel.hidden = true;
		button.setAttribute('aria-expanded', 'false');
		button.textContent = t('person.showIdentity');
	};
	const show = () => {
		// Built only on demand and removed again when hidden.
		panel.replaceChildren(definitionList([
			[t('persons.fullName'), identity.full_name || dash],
			[t('persons.dateOfBirth'), identity.date_of_birth || dash],
			[t('persons.idNumber'), identity.id_number || dash],
			[t('persons.phone'), identity.phone || dash],
			'address' in identity ? [t('persons.address'), h('span', { class: 'prose' }, identity.address || dash)] : null,
		], 'identity-facts'));
		panel.hidden = false;
		button.setAttribute('aria-expanded', 'true');
		button.textContent = t('person.hideIdentity');
	};
	button.addEventListener('click', () => (panel.hidden ? show() : hide()));
	const onVisibility = () => {
		if (document.hidden)
			hide();
	};
	document.addEventListener('visibilitychange', onVisibility);
	cleanups.push(() => {
		hide();
		document.removeEventListener('visibilitychange', onVisibility);
	});
	section.append(h('p', { class: 'hint' }, t('person.identityHidden')), button, panel);
	return section;
}

// "Skyddad identitet": who sees the identity, and the nödåtkomst form.
function protectedSection(ctx, s, onGranted) {
	const personId = s.person.id;
	const reason = textareaField({
		label: t('person.glassReason'), hint: t('person.glassReasonHint'),
		id: 'glass-reason', name: 'reason', rows: '4', maxlength: '1000',
		spellcheck: 'false', required: true,
	});
	const glass = disclosure({
		id: 'request-glass', text: t('person.glassRequest'),
		panelId: 'glass-panel', panelClass: 'glass-panel',
		onOpen: () => reason.control.focus(),
		onClose() {
			if (form.isBusy())
				return false;
			form.reset();
			return true;
		},
	});
	const form = createForm(ctx, {
		id: 'glass-form', className: 'stack-form glass-form', label: t('person.glassRequest'),
		fields: { reason },
		body: reason.wrap,
		submit: { id: 'glass-submit', text: t('person.glassSubmit') },
		cancel: { id: 'glass-cancel', text: t('person.glassCancel'), onClick: () => glass.close(true) },
		on: {
			keydown: (ev) => {
				if (ev.key === 'Escape' && !form.isBusy()) {
					ev.preventDefault();
					glass.close(true);
				}
			},
		},
		// Blank or missing: the server answers 400 with a field error.
		collect: () => ({ body: reason.control.value.trim(), errors: [] }),
		send: (text) => api.breakGlass(personId, text),
		handle(err) {
			// Not applicable (403) or gone (404): the reason is of no
			// further use. Otherwise it is kept for another try.
			if (err.status === 403 || err.status === 404)
				reason.control.value = '';
			if (err.status === 403) {
				form.errors.showMessage(t('person.glassForbidden'));
				return true;
			}
			return false;
		},
		async done(grant) {
			glass.close(false);
			await onGranted(grant);
		},
	});
	glass.panel.append(form.el);
	const toggle = glass.toggle;
	const panel = glass.panel;

	return h('section', {
		class: 'card protected-card', id: 'protected-identity', 'aria-labelledby': 'protected-heading',
	},
	h('div', { class: 'section-head' },
	    h('h2', { id: 'protected-heading', tabindex: '-1' }, t('person.protectedTitle')),
	    h('span', { class: 'badge badge-protected' }, vocab.label('protection_levels', s.person.protected_identity))),
	h('p', null, t('person.protectedIntro'),
	    s.noAddress ? ` ${t('person.protectedNoAddress')}` : null),
	h('p', null, t('person.protectedGlass')),
	toggle,
	panel);
}
