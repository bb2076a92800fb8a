// A new consultation (#/consultations/new): a requester's web form, or a
// coordinator logging a call, mail or meeting. Anonymous unless the person
// has consented: only then are the consent's scope and persons (pseudonym,
// gender, birth year, citizenship; never an identity) asked for. The
// county routes it to the region's coordinators; a requester's county
// starts at its own organization's. Errors from the API (400 "errors")
// are shown next to the fields; 201 goes to the list. The first-contact
// guidance stands beside the form (below it on a phone).

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { inputField, textareaField, selectField, checkField, choiceGroup, createForm } from '../form.js';
import { countyOptions } from './case-new.js';
import { requests } from '../roles.js';
import { withGuidance } from '../guidance.js';

// One person row: pseudonym, gender, birth year, citizenship.
function personRow(index, countries, onRemove) {
	const n = index + 1;
	const pseudonym = inputField({
		label: t('kons.personPseudonym', { n }), id: `kons-person-${index}-pseudonym`, maxlength: '100',
	});
	const gender = selectField({
		label: t('kons.personGender', { n }), id: `kons-person-${index}-gender`,
		options: vocab.options('genders'), value: 'unknown',
	});
	const birthYear = inputField({
		label: t('kons.personBirthYear', { n }), optional: true, id: `kons-person-${index}-birth-year`,
		inputmode: 'numeric', maxlength: '4',
	});
	const citizenship = selectField({
		label: t('kons.personCitizenship', { n }), optional: true, id: `kons-person-${index}-citizenship`,
		choose: t('kons.unknown'), options: countries.map((c) => [c.code, ref.displayName(c)]),
	});
	const remove = h('button', {
		type: 'button', class: 'btn btn-small btn-secondary', id: `kons-person-${index}-remove`,
		on: { click: onRemove },
	}, t('kons.personRemove', { n }));
	const wrap = h('fieldset', { class: 'field kons-person' },
	    h('legend', null, t('kons.personLegend', { n })),
	    pseudonym.wrap, gender.wrap, birthYear.wrap, citizenship.wrap, remove);
	return {
		wrap,
		fields: { pseudonym, gender, birth_year: birthYear, citizenship },
		value() {
			const year = birthYear.control.value.trim();
			const out = { pseudonym: pseudonym.control.value.trim(), gender: gender.control.value };
			if (year)
				out.birth_year = /^\d{4}$/.test(year) ? Number(year) : year;
			if (citizenship.control.value)
				out.citizenship = citizenship.control.value;
			return out;
		},
	};
}

export async function render(ctx) {
	setTitle('kons.newTitle');
	const requester = requests(ctx.user);
	const [counties, orgs, countries] = await Promise.all([ref.counties(), ref.organizations(), ref.countries()]);
	if (!ctx.isCurrent())
		return;
	const own = orgs.find((o) => ctx.user.organization && o.code === ctx.user.organization.code);

	const channel = selectField({
		label: t('kons.channel'), id: 'kons-channel', options: vocab.options('consultation_channels'),
		value: requester ? 'web' : 'phone',
	});
	const name = inputField({
		label: t('kons.requesterName'), hint: t('kons.requesterHint'), id: 'kons-name', maxlength: '200',
		autocomplete: 'name', value: requester ? (ctx.user.display_name || '') : '',
	});
	const orgName = inputField({
		label: t('kons.requesterOrg'), optional: true, id: 'kons-org-name', maxlength: '200',
	});
	const phone = inputField({
		label: t('kons.phone'), optional: true, id: 'kons-phone', type: 'tel', maxlength: '40', autocomplete: 'tel',
	});
	const email = inputField({
		label: t('kons.email'), optional: true, id: 'kons-email', type: 'email', maxlength: '254',
		autocomplete: 'email',
	});
	const county = selectField({
		label: t('kons.county'), hint: t('kons.countyHint'), id: 'kons-county', choose: t('newCase.countyChoose'),
		options: countyOptions(counties), value: own && own.county ? own.county : '',
	});
	const question = textareaField({
		label: t('kons.question'), hint: t('kons.questionHint'), id: 'kons-question', rows: '6', maxlength: '10000',
	});
	const concerns = choiceGroup({
		legend: t('kons.concerns'), hint: t('newCase.exploitationHint'), name: 'concerns',
		options: vocab.options('exploitation_forms'),
	});
	const child = checkField({ label: t('kons.child'), id: 'kons-child' });
	const urgency = choiceGroup({
		legend: t('kons.urgency'), name: 'urgency', type: 'radio', options: vocab.options('urgencies'),
		checked: ['normal'],
	});
	const consent = choiceGroup({
		legend: t('kons.consent'), hint: t('kons.consentHint'), name: 'consent', type: 'radio',
		options: vocab.options('consents'), checked: ['none'],
	});
	const scope = textareaField({
		label: t('kons.consentScope'), hint: t('kons.consentScopeHint'), id: 'kons-consent-scope', rows: '2',
		maxlength: '2000',
	});
	const persons = [];
	const personHost = h('div', { class: 'kons-persons' });
	const addPerson = h('button', {
		type: 'button', class: 'btn btn-small btn-secondary', id: 'kons-person-add',
		on: {
			click: () => {
				const row = personRow(persons.length, countries, () => {
					persons.splice(persons.indexOf(row), 1);
					row.wrap.remove();
					addPerson.focus();
				});
				persons.push(row);
				personHost.appendChild(row.wrap);
				row.fields.pseudonym.control.focus();
			},
		},
	}, t('kons.personAdd'));
	const consentPanel = h('div', { class: 'kons-consent', id: 'kons-consent-panel', hidden: true },
	    scope.wrap, personHost, addPerson);
	const given = () => consent.values()[0] === 'given';
	for (const input of consent.inputs)
		input.addEventListener('change', () => {
			consentPanel.hidden = !given();
		});

	const fields = {
		channel, 'requester.name': name, 'requester.organization_name': orgName, 'requester.organization': name,
		'requester.phone': phone, 'requester.email': email, county, question, concerns,
		child_involved: child, urgency, consent, consent_scope: scope, persons: scope,
	};
	const form = createForm(ctx, {
		id: 'new-consultation-form', autocomplete: null,
		fields,
		body: [requester ? null : channel.wrap, name.wrap, requester ? null : orgName.wrap, phone.wrap, email.wrap,
			county.wrap, question.wrap, concerns.wrap, child.wrap, urgency.wrap, consent.wrap, consentPanel],
		submit: { id: 'kons-submit', text: t('kons.submit') },
		cancel: { href: requester ? '#/consultations/mine' : '#/consultations', text: t('newCase.cancel') },
		collect() {
			const r = { name: name.control.value.trim() };
			if (!requester && orgName.control.value.trim())
				r.organization_name = orgName.control.value.trim();
			if (phone.control.value.trim())
				r.phone = phone.control.value.trim();
			if (email.control.value.trim())
				r.email = email.control.value.trim();
			const body = {
				channel: requester ? 'web' : channel.control.value,
				requester: r,
				county: county.control.value,
				question: question.control.value.trim(),
				concerns: concerns.values(),
				child_involved: child.control.checked,
				urgency: urgency.values()[0] || 'normal',
				consent: given() ? 'given' : 'none',
			};
			if (given()) {
				body.consent_scope = scope.control.value.trim();
				if (persons.length)
					body.persons = persons.map((p) => p.value());
			}
			const errors = [];
			if (!r.name)
				errors.push({ field: 'requester.name', message: t('kons.requiredName') });
			if (!body.county)
				errors.push({ field: 'county', message: t('newCase.requiredCounty') });
			if (!body.question)
				errors.push({ field: 'question', message: t('kons.requiredQuestion') });
			if (given() && !body.consent_scope)
				errors.push({ field: 'consent_scope', message: t('kons.requiredScope') });
			return { body, errors };
		},
		send: (body) => api.createConsultation(body),
		done(created) {
			ctx.announce(t('kons.created', { number: created.number }), { persist: true, kind: 'success' });
			ctx.navigate(requester ? '#/consultations/mine' : '#/consultations');
		},
	});

	ctx.root.replaceChildren(withGuidance([
	    pageHeading(t('kons.newTitle')),
	    h('p', { class: 'lead' }, t(requester ? 'kons.introRequester' : 'kons.introCoordinator')),
	    h('div', { class: 'card' }, form.el)]));
}
