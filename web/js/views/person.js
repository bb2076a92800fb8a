// Person page (#/persons/<id>): pseudonymised facts; the identity block is
// rendered only when the API returned it, and stays hidden until the user
// asks for it ("Visa identitetsuppgifter"). It is hidden again when the tab
// is left in the background.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import { setTitle, pageHeading, alertBox, errorMessage, definitionList } from '../ui.js';

export async function render(ctx) {
	setTitle('person.title');
	const id = decodeURIComponent(ctx.params[0]);
	let p;
	try {
		p = await api.getPerson(id);
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

	const dash = t('dash');
	const list = (xs) => (Array.isArray(xs) && xs.length ? xs.join(', ') : dash);
	const caseHref = p.case ? `#/cases/${encodeURIComponent(p.case)}` : '#/cases';

	const facts = definitionList([
		[t('person.pseudonym'), h('span', { id: 'person-pseudonym' }, p.pseudonym)],
		[t('person.gender'), label('gender', p.gender)],
		[t('person.birthYear'), p.birth_year ?? dash],
		[t('person.ageEstimate'), p.age_estimate ?? dash],
		[t('person.child'), h('span', { id: 'person-child' }, p.is_child ? t('yes') : t('no'))],
		[t('person.citizenship'), p.citizenship || dash],
		[t('person.languages'), list(p.languages)],
		[t('person.vulnerabilities'), list(p.vulnerabilities)],
		[t('person.protected'), label('protected', p.protected_identity || 'none')],
		[t('person.created'), formatDateTime(p.created_at)],
		[t('person.updated'), formatDateTime(p.updated_at)],
	]);

	const parts = [
		h('p', { class: 'breadcrumb' }, h('a', { href: caseHref }, t('person.back'))),
		pageHeading(`${t('person.title')}: ${p.pseudonym}`),
		h('section', { class: 'card', 'aria-labelledby': 'person-facts-heading' },
		    h('h2', { id: 'person-facts-heading', class: 'visually-hidden' }, t('person.facts')),
		    facts),
	];

	const identity = p.identity && typeof p.identity === 'object' ? p.identity : null;
	const section = h('section', { class: 'card identity-card', 'aria-labelledby': 'identity-heading' },
	    h('h2', { id: 'identity-heading' }, t('person.identity')));
	if (identity) {
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
		window.addEventListener('hashchange', () => {
			document.removeEventListener('visibilitychange', onVisibility);
		}, { once: true });
		section.append(h('p', { class: 'hint' }, t('person.identityHidden')), button, panel);
	} else {
		section.append(h('p', { class: 'muted' }, t('person.identityNotShown')));
	}
	parts.push(section);
	parts.push(h('p', null, h('a', { href: caseHref, class: 'btn btn-secondary' }, t('person.openCase'))));
	ctx.root.replaceChildren(...parts);
}
