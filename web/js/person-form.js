// The fields of a person, shared by "Lägg till person" (case page, ids
// person-…) and "Redigera" (person page, ids edit-person-…): pseudonym,
// gender, birth year or age estimate, citizenship, languages,
// vulnerability factors, protected identity and, in a collapsed
// <details>, the identity block.

import { h, uid } from './dom.js';
import { t, getLang } from './i18n.js';
import * as ref from './ref.js';
import * as vocab from './vocab.js';
import { inputField, textareaField, selectField, choiceGroup } from './form.js';
import { norm } from './edit.js';

// The name of a language code in the current language ("rumänska"); the
// code itself when the list does not have it.
export function languageName(languages, code) {
	return ref.nameOf(languages, code) || code;
}

// "Språk": the chosen languages as a list, each with a "Ta bort" button,
// and a select with "Lägg till" for one more (a select alone would add a
// language on every arrow key). `languages` is GET /api/v1/languages.
// Returns a field-like object: {wrap, labelText, focusTarget, get(),
// set(codes), setError(message), reset()}.
function languagePicker({ id, languages, value = [] }) {
	const legendId = `${id}-legend`;
	const errorEl = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
	const hint = h('p', { class: 'hint', id: `${id}-hint` }, t('persons.languagesHint'));
	const list = h('ul', { class: 'chosen-list', id: `${id}-chosen` });
	const sorted = [...languages].sort((a, b) =>
	    ref.displayName(a).localeCompare(ref.displayName(b), getLang()));
	const select = h('select', { id: `${id}-select`, 'aria-describedby': hint.id },
	    h('option', { value: '' }, t('persons.languageChoose')),
	    sorted.map((l) => h('option', { value: l.code }, ref.displayName(l))));
	const add = h('button', {
		type: 'button', class: 'btn btn-secondary', id: `${id}-add`,
		on: { click: () => addChosen() },
	}, t('persons.languageAdd'));
	let chosen = [];
	let initial = [...value];

	function paint() {
		list.replaceChildren(...chosen.map((code) => {
			const name = languageName(languages, code);
			return h('li', null, h('span', { class: 'chosen-name' }, name),
			    h('button', {
				    type: 'button', class: 'btn btn-secondary btn-remove',
				    'aria-label': t('persons.languageRemove', { name }),
				    on: { click: () => remove(code) },
			    }, t('persons.remove')));
		}));
		list.hidden = chosen.length === 0;
		for (const o of select.options)
			o.disabled = o.value !== '' && chosen.includes(o.value);
	}
	function addChosen() {
		const code = select.value;
		if (code && !chosen.includes(code))
			chosen.push(code);
		select.value = '';
		paint();
		select.focus();
	}
	function remove(code) {
		chosen = chosen.filter((c) => c !== code);
		paint();
		select.focus();
	}
	function set(codes) {
		chosen = Array.isArray(codes) ? [...codes] : [];
		paint();
	}
	set(value);

	const wrap = h('fieldset', { class: 'field language-picker', id, 'aria-labelledby': legendId },
	    h('legend', { id: legendId }, t('persons.languages'),
	        h('span', { class: 'optional' }, ` ${t('form.optional')}`)),
	    hint, errorEl, list,
	    h('div', { class: 'picker-row' },
	        h('label', { for: select.id, class: 'visually-hidden' }, t('persons.languageAddLabel')),
	        select, add));
	return {
		wrap, labelText: t('persons.languages'), focusTarget: select, control: select,
		get: () => [...chosen],
		set,
		reset: () => set(initial),
		setError(message) {
			errorEl.textContent = message || '';
			errorEl.hidden = !message;
			wrap.classList.toggle('has-error', Boolean(message));
			select.setAttribute('aria-describedby', message ? `${hint.id} ${errorEl.id}` : hint.id);
			if (message)
				select.setAttribute('aria-invalid', 'true');
			else
				select.removeAttribute('aria-invalid');
		},
	};
}

/*
 * prefix            id prefix of the controls ("person", "edit-person")
 * values            initial values (a person document), optional
 * genderChoose      offer an empty "Välj kön" option (adding)
 * withIdentity      include the identity block
 * identity          its initial values
 * identityHint      the hint inside the identity block
 * protectedLocked   the protected identity cannot be changed by this user
 * languages         GET /api/v1/languages (the picker's choices)
 *
 * Returns the fields, the identity <details>, `nodes` (the form body in
 * order) and `errorFields` for formErrors (errors inside the collapsed
 * identity block open it).
 */
export function personFields({
	prefix, values = {}, genderChoose = true, withIdentity = true, identity = null,
	identityHint = t('persons.identityHint'), protectedLocked = false, languages = [],
}) {
	const id = (name) => `${prefix}-${name}`;
	const num = (v) => (v === null || v === undefined ? '' : String(v));

	const pseudonym = inputField({
		label: t('persons.pseudonym'), hint: t('persons.pseudonymHint'),
		id: id('pseudonym'), name: 'pseudonym', spellcheck: 'false', maxlength: '100',
		value: values.pseudonym || '',
	});
	const gender = selectField({
		label: t('persons.gender'), id: id('gender'), name: 'gender',
		choose: genderChoose ? t('persons.genderChoose') : undefined,
		options: vocab.options('genders'), value: values.gender || '',
	});
	const short = { inputmode: 'numeric', class: 'input-short' };
	const birthYear = inputField({
		label: t('persons.birthYear'), id: id('birth-year'), name: 'birth_year', maxlength: '4',
		...short, value: num(values.birth_year),
	});
	const ageEstimate = inputField({
		label: t('persons.ageEstimate'), id: id('age-estimate'), name: 'age_estimate', maxlength: '3',
		...short, value: num(values.age_estimate),
	});
	const ageHint = h('p', { class: 'hint', id: uid(`${prefix}-age-hint`) }, t('persons.ageHint'));
	const ageGroup = h('fieldset', { class: 'field-group', 'aria-describedby': ageHint.id },
	    h('legend', null, t('persons.age')), ageHint,
	    h('div', { class: 'row row-compact' }, birthYear.wrap, ageEstimate.wrap));
	// The code is typed or picked from the countries the server accepts
	// (GET /api/v1/countries, in the current language).
	const countryList = h('datalist', { id: id('countries') });
	ref.countries().then((list) => countryList.replaceChildren(...list.map((c) =>
	    h('option', { value: c.code }, `${c.code} – ${ref.displayName(c)}`)))).catch(() => {});
	const citizenship = inputField({
		label: t('persons.citizenship'), hint: t('persons.citizenshipHint'), optional: true,
		id: id('citizenship'), name: 'citizenship', autocapitalize: 'characters', spellcheck: 'false',
		maxlength: '2', class: 'input-short', list: countryList.id, value: values.citizenship || '',
	});
	// The country's name beside the code as it is typed ("Rumänien").
	const countryName = h('output', {
		class: 'country-name', id: id('citizenship-name'), for: citizenship.control.id,
	});
	const showCountry = (list) => {
		const code = citizenship.control.value.trim().toUpperCase();
		const hit = (list || []).find((c) => c.code === code);
		countryName.textContent = hit ? ref.displayName(hit) : '';
	};
	let countries = [];
	ref.countries().then((list) => {
		countries = list;
		showCountry(countries);
	}).catch(() => {});
	citizenship.control.addEventListener('input', () => showCountry(countries));
	citizenship.wrap.append(countryList, countryName);
	const protectedId = selectField({
		label: t('persons.protected'),
		hint: protectedLocked ? t('personEdit.protectedLocked') : null,
		id: id('protected'), name: 'protected_identity', disabled: protectedLocked,
		options: vocab.options('protection_levels'), value: values.protected_identity || 'none',
	});

	const langs = languagePicker({ id: id('languages'), languages, value: values.languages || [] });
	const vulnerabilities = choiceGroup({
		legend: t('persons.vulnerabilities'), hint: t('persons.vulnerabilitiesHint'),
		name: `${prefix}-vulnerabilities`, options: vocab.options('vulnerabilities'),
		checked: values.vulnerabilities || [],
	});
	vulnerabilities.labelText = t('persons.vulnerabilities');

	const errorFields = {
		pseudonym, gender, birth_year: birthYear, age_estimate: ageEstimate,
		citizenship, protected_identity: protectedId, languages: langs, vulnerabilities,
	};
	const nodes = [
		h('div', { class: 'row' }, pseudonym.wrap, gender.wrap),
		ageGroup,
		h('div', { class: 'row' }, citizenship.wrap, protectedId.wrap),
		langs.wrap,
		vulnerabilities.wrap,
	];

	let identityFields = null;
	let identityBlock = null;
	if (withIdentity) {
		const idv = identity || {};
		const idField = (key, name, attrs = {}, build = inputField) => build({
			label: t(key), optional: true,
			id: id(`identity-${name.replace(/_/g, '-')}`), name: `identity.${name}`,
			spellcheck: 'false', value: idv[name] ?? '', ...attrs,
		});
		identityFields = {
			full_name: idField('persons.fullName', 'full_name', { type: 'text', maxlength: '200' }),
			date_of_birth: idField('persons.dateOfBirth', 'date_of_birth', { type: 'date' }),
			id_number: idField('persons.idNumber', 'id_number', { type: 'text', maxlength: '64' }),
			phone: idField('persons.phone', 'phone', { type: 'tel', maxlength: '64' }),
			address: idField('persons.address', 'address', { rows: '2', maxlength: '500' }, textareaField),
		};
		identityBlock = h('details', { class: 'identity-block', id: id('identity') },
		    h('summary', null, t('persons.identity')),
		    h('fieldset', { class: 'field-group' },
		        h('legend', { class: 'visually-hidden' }, t('persons.identity')),
		        h('p', { class: 'hint' }, identityHint),
		        Object.values(identityFields).map((f) => f.wrap)));
		// An error inside the collapsed block must be visible: open it.
		const openOnError = (f) => ({
			...f,
			setError(m) {
				if (m)
					identityBlock.open = true;
				f.setError(m);
			},
		});
		for (const [k, f] of Object.entries(identityFields))
			errorFields[`identity.${k}`] = openOnError(f);
		errorFields.identity = openOnError(identityFields.full_name);
		nodes.push(identityBlock);
	}

	// The values as the API names them (identity fields as "identity.<key>").
	const controls = {
		pseudonym, gender, birth_year: birthYear, age_estimate: ageEstimate,
		citizenship, protected_identity: protectedId,
		languages: langs, vulnerabilities: { get: () => vulnerabilities.values() },
	};
	for (const [k, f] of Object.entries(identityFields || {}))
		controls[`identity.${k}`] = f;

	return {
		pseudonym, gender, birthYear, ageEstimate, citizenship, protectedId,
		languages: langs, vulnerabilities,
		identityFields, identityBlock, errorFields, nodes, controls,
	};
}

// The request body for the person fields named in `changed`, and the local
// checks ({body, errors}). Adding names the fields filled in (and always
// pseudonym, gender and protection); editing names the fields changed, and
// an emptied field is sent as null. The identity block goes whole when any
// of its fields is named; emptied, it is removed (null).
export function personBody(values, changed, { adding = false } = {}) {
	const body = {};
	const errors = [];
	const has = (name) => changed.includes(name);
	if (has('pseudonym')) {
		if (norm(values.pseudonym))
			body.pseudonym = norm(values.pseudonym);
		else
			errors.push({ field: 'pseudonym', message: t('persons.requiredPseudonym') });
	}
	if (has('gender')) {
		if (values.gender)
			body.gender = values.gender;
		else
			errors.push({ field: 'gender', message: t('persons.requiredGender') });
	}
	const by = norm(values.birth_year);
	const ae = norm(values.age_estimate);
	if (by && ae)
		errors.push({ field: 'age_estimate', message: t('persons.ageBoth') });
	if (has('birth_year')) {
		if (!by)
			body.birth_year = null;
		else if (/^[0-9]{4}$/.test(by))
			body.birth_year = Number(by);
		else
			errors.push({ field: 'birth_year', message: t('persons.badYear') });
	}
	if (has('age_estimate')) {
		if (!ae)
			body.age_estimate = null;
		else if (/^[0-9]{1,3}$/.test(ae))
			body.age_estimate = Number(ae);
		else
			errors.push({ field: 'age_estimate', message: t('persons.badAge') });
	}
	if (has('citizenship')) {
		const cz = norm(values.citizenship);
		if (!cz)
			body.citizenship = null;
		else if (/^[A-Za-z]{2}$/.test(cz))
			body.citizenship = cz.toUpperCase();
		else
			errors.push({ field: 'citizenship', message: t('persons.badCitizenship') });
	}
	if (has('protected_identity'))
		body.protected_identity = values.protected_identity;
	for (const list of ['languages', 'vulnerabilities'])
		if (has(list))
			body[list] = [...(values[list] || [])];
	if (changed.some((n) => n.startsWith('identity.'))) {
		const identity = {};
		for (const [name, v] of Object.entries(values)) {
			if (name.startsWith('identity.') && norm(v))
				identity[name.slice('identity.'.length)] = norm(v);
		}
		if (Object.keys(identity).length)
			body.identity = identity;
		else if (!adding)
			body.identity = null;
	}
	return { body, errors };
}

// personBody for "Lägg till person": every field filled in.
export function newPersonBody(values) {
	const always = ['pseudonym', 'gender', 'protected_identity'];
	const changed = Object.keys(values).filter((n) => always.includes(n) || norm(values[n]));
	return personBody(values, changed, { adding: true });
}
