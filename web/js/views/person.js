// Person page (#/persons/<id>): pseudonymised facts; the identity block is
// fetched only when the user asks for it ("Visa identitetsuppgifter", GET
// /persons/<id>/identity, each time its own audit entry) and dropped again
// when hidden or when the tab is left in the background. The page offers
// exactly the actions the person's `allowed` lists: edit, reveal_identity,
// break_glass.
//
// A protected identity (protected_identity ≠ "none") is shown in full only
// to the owner organisation, and without the address to the national
// secretariat's coordinators. Anyone else who sees the case gets a
// "Skyddad identitet" section with nödåtkomst (break the glass): they state
// a category and a reason (at least 20 characters) and the server opens the
// identity to them for one hour, flagging
// the grant and every read in the audit log. The reason is sent once and not
// kept anywhere by the page.
//
// "Redigera" changes pseudonym, gender, age, citizenship, languages,
// vulnerability factors and protected
// identity and, for a user who sees the whole identity (identity_access
// "full", not through nödåtkomst, which only reads), the identity block once
// it has been shown, pre-filled in a collapsed <details> that exists only
// while the form is open. Only the fields changed are sent; the identity
// block as a whole.
//
// "Ändringshistorik" (history.js), collapsed, lists what each change of the
// person changed; identity fields by name only.
//
// "Indikatorbedömning" leads to the person's screening page
// (views/assessment.js).
// "Första mötet" (first-contact.js): the last first meeting logged and, when
// `allowed` offers log_first_contact, the form with the checklist. Beside
// the page, "Att tänka på vid första kontakten" (guidance.js), kept across
// repaints.
// "Stödprocess" (pathway.js): the legal clocks with days left, the six steps
// of the manual with their status, the events by date and the form to log
// one.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime, formatTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import {
	setTitle, pageHeading, alertBox, errorMessage, definitionList,
} from '../ui.js';
import { textareaField, selectField, createForm, disclosure } from '../form.js';
import { createEditor, textValue, choiceValue } from '../edit.js';
import { personFields, personBody, languageName } from '../person-form.js';
import { historySection } from '../history.js';
import { screeningCard } from './assessment.js';
import { guidanceLayout } from '../guidance.js';
import { firstContactSection } from '../first-contact.js';
import { pathwaySection } from '../pathway.js';

// Loads the person and works out what the page can say about the identity,
// from what the server says of this caller:
//   offerGlass  – the policy lets this user break the glass (allowed):
//                 offer it;
//   reveal      – the user may fetch the identity (allowed), and one is
//                 registered (has_identity);
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

// Whether the person's `allowed` offers action.
function may(s, action) {
	return Array.isArray(s.person.allowed) && s.person.allowed.includes(action);
}

function stateOf(p) {
	const protectedId = Boolean(p.protected_identity) && p.protected_identity !== 'none';
	const may = (action) => Array.isArray(p.allowed) && p.allowed.includes(action);
	return {
		person: p,
		identity: null, // only while shown
		grant: p.break_glass_until || null,
		mayEdit: may('edit'),
		mayReveal: may('reveal_identity'),
		hasIdentity: p.has_identity === true,
		shownInFull: protectedId && p.identity_access === 'full',
		offerGlass: may('break_glass'),
		noAddress: protectedId && p.identity_access === 'without_address',
		// Changing the identity or its protection needs the full view; a
		// nödåtkomst grant only reads (the server answers 403).
		identityEditable: may('edit') && p.identity_access === 'full' && !p.break_glass_until,
	};
}

export async function render(ctx) {
	setTitle('person.title');
	const id = decodeURIComponent(ctx.params[0]);
	let state;
	let countries, languages, orgs;
	try {
		// Country, language and organisation names are a nicety: without
		// them the code is shown.
		[state, countries, languages, orgs] = await Promise.all([
			load(ctx, id), ref.countries().catch(() => []), ref.languages().catch(() => []),
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

	// Kept across repaints: the guidance beside the page.
	const layout = guidanceLayout();

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
		build: (s) => personEditFields(s, languages),
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
			[t('person.languages'), h('span', { id: 'person-languages' },
			    list((p.languages || []).map((code) => languageName(languages, code))))],
			[t('person.vulnerabilities'), h('span', { id: 'person-vulnerabilities' },
			    list((p.vulnerabilities || []).map((code) => vocab.label('vulnerabilities', code))))],
			[t('person.protected'), vocab.label('protection_levels', p.protected_identity || 'none')],
			[t('person.created'), formatDateTime(p.created_at)],
			[t('person.updated'), formatDateTime(p.updated_at)],
		]);

		const parts = [
			h('p', { class: 'breadcrumb' }, h('a', { href: caseHref }, t('person.back'))),
			h('div', { class: 'page-head' },
			    h('div', { class: 'case-head-text' },
			        p.case_number
				    ? h('p', { class: 'case-number', id: 'person-case-number' },
				        `${t('person.case')} `, h('a', { href: caseHref }, p.case_number))
				    : null,
			        pageHeading(`${t('person.title')}: ${p.pseudonym}`)),
			    editor.toggle),
			editor.panel,
			h('section', { class: 'card', 'aria-labelledby': 'person-facts-heading' },
			    h('h2', { id: 'person-facts-heading', class: 'visually-hidden' }, t('person.facts')),
			    facts),
		];
		editor.toggle.hidden = !s.mayEdit;
		if (s.offerGlass)
			parts.push(protectedSection(ctx, s, granted));
		if (s.mayReveal || !s.offerGlass)
			parts.push(identitySection(ctx, s, cleanups, reload));
		// Indicator screening (issue 9).
		parts.push(screeningCard(p));
		const orgName = (code) => ref.nameOf(orgs, code) || code || t('dash');
		parts.push(firstContactSection(ctx, { person: p, mayLog: may(s, 'log_first_contact'), orgName }));
		// The support pathway: loaded after the page is painted.
		const pathway = pathwaySection(ctx, { personId: p.id, orgName });
		parts.push(pathway.el);
		parts.push(historySection(ctx, { kind: 'person', id: p.id, orgName }));
		parts.push(h('p', null, h('a', { href: caseHref, class: 'btn btn-secondary' }, t('person.openCase'))));
		layout.main.replaceChildren(...parts);
		if (layout.el.parentNode !== ctx.root)
			ctx.root.replaceChildren(layout.el);
		pathway.load();
	}

	paint(state);
}

// The fields of "Redigera", filled from the person (and the identity when
// this user may change it).
function personEditFields(s, languages) {
	const p = s.person;
	const f = personFields({
		prefix: 'edit-person', values: p, genderChoose: false, languages,
		// The identity can be changed once it is shown (fetched on demand).
		withIdentity: s.identityEditable && s.identity !== null, identity: s.identity,
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
		languages: { label: f.languages.labelText, focus: f.languages.focusTarget, get: f.languages.get, set: f.languages.set },
		vulnerabilities: choiceValue(f.vulnerabilities),
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
	if (!s.mayReveal || !s.hasIdentity) {
		section.append(h('p', { class: 'muted', id: 'identity-note' },
		    s.mayReveal ? t('person.identityNone') : t('person.identityNotShown')));
		return section;
	}
	const msg = h('div', { class: 'section-message' });
	const panel = h('div', { id: 'identity-panel', class: 'identity-panel', hidden: true });
	const button = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'show-identity',
		'aria-expanded': 'false', 'aria-controls': 'identity-panel',
	}, t('person.showIdentity'));
	const hide = () => {
		s.identity = null;
		panel.replaceChildren();
		panel.hidden = true;
		button.setAttribute('aria-expanded', 'false');
		button.textContent = t('person.showIdentity');
	};
	const show = async () => {
		// Fetched only on demand and dropped again when hidden.
		let identity;
		button.disabled = true;
		msg.replaceChildren();
		try {
			identity = await api.getIdentity(s.person.id);
		} catch (err) {
			if (ctx.isCurrent() && err.status !== 401)
				msg.replaceChildren(alertBox(errorMessage(err)));
			return;
		} finally {
			button.disabled = false;
		}
		if (!ctx.isCurrent())
			return;
		s.identity = identity;
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
	section.append(h('p', { class: 'hint' }, t('person.identityHidden')), msg, button, panel);
	return section;
}

// "Skyddad identitet": who sees the identity, and the nödåtkomst form.
function protectedSection(ctx, s, onGranted) {
	const personId = s.person.id;
	const category = selectField({
		label: t('person.glassCategory'), id: 'glass-category', name: 'category',
		choose: t('person.glassCategoryChoose'), options: vocab.options('break_glass_categories'),
		required: true,
	});
	const reason = textareaField({
		label: t('person.glassReason'), hint: t('person.glassReasonHint'),
		id: 'glass-reason', name: 'reason', rows: '4', maxlength: '1000',
		spellcheck: 'false', required: true,
	});
	const glass = disclosure({
		id: 'request-glass', text: t('person.glassRequest'),
		panelId: 'glass-panel', panelClass: 'glass-panel',
		onOpen: () => category.control.focus(),
		onClose() {
			if (form.isBusy())
				return false;
			form.reset();
			return true;
		},
	});
	const form = createForm(ctx, {
		id: 'glass-form', className: 'stack-form glass-form', label: t('person.glassRequest'),
		fields: { category, reason },
		body: [category.wrap, reason.wrap],
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
		collect() {
			const body = { category: category.control.value, reason: reason.control.value.trim() };
			const errors = [];
			if (!body.category)
				errors.push({ field: 'category', message: t('person.glassCategoryRequired') });
			// Counted in characters, as the server counts them.
			if ([...body.reason].length < 20)
				errors.push({ field: 'reason', message: t('person.glassReasonShort') });
			return { body, errors };
		},
		send: (body) => api.breakGlass(personId, body),
		handle(err) {
			// Not applicable (403) or gone (404): the reason is of no
			// further use. Otherwise it is kept for another try.
			if (err.status === 403 || err.status === 404) {
				reason.control.value = '';
				category.control.value = '';
			}
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
