// The fields of a person, shared by "Lägg till person" (case page, ids
// person-…) and "Redigera" (person page, ids edit-person-…): pseudonym,
// gender, birth year or age estimate, citizenship, protected identity and,
// in a collapsed <details>, the identity block.

import { h, uid } from './dom.js';
import { t, label } from './i18n.js';
import * as ref from './ref.js';
import { field } from './ui.js';

export const GENDERS = ['female', 'male', 'other', 'unknown'];
export const PROTECTED = ['none', 'marked', 'protected_address', 'fictitious'];
export const IDENTITY_KEYS = ['full_name', 'date_of_birth', 'id_number', 'phone', 'address'];

/*
 * prefix            id prefix of the controls ("person", "edit-person")
 * values            initial values (a person document), optional
 * genderChoose      offer an empty "Välj kön" option (adding)
 * withIdentity      include the identity block
 * identity          its initial values
 * identityHint      the hint inside the identity block
 * protectedLocked   the protected identity cannot be changed by this user
 *
 * Returns the fields, the identity <details>, `nodes` (the form body in
 * order) and `errorFields` for formErrors (errors inside the collapsed
 * identity block open it).
 */
export function personFields({
	prefix, values = {}, genderChoose = true, withIdentity = true, identity = null,
	identityHint = t('persons.identityHint'), protectedLocked = false,
}) {
	const id = (name) => `${prefix}-${name}`;
	const num = (v) => (v === null || v === undefined ? '' : String(v));

	const pseudonym = field({
		label: t('persons.pseudonym'), hint: t('persons.pseudonymHint'),
		control: h('input', {
			id: id('pseudonym'), name: 'pseudonym', type: 'text', autocomplete: 'off',
			spellcheck: 'false', maxlength: '100', value: values.pseudonym || '',
		}),
	});
	const gender = field({
		label: t('persons.gender'),
		control: h('select', { id: id('gender'), name: 'gender', value: values.gender || '' },
		    genderChoose ? h('option', { value: '' }, t('persons.genderChoose')) : null,
		    GENDERS.map((g) => h('option', { value: g }, label('gender', g)))),
	});
	const birthYear = field({
		label: t('persons.birthYear'),
		control: h('input', {
			id: id('birth-year'), name: 'birth_year', type: 'text', inputmode: 'numeric',
			autocomplete: 'off', maxlength: '4', class: 'input-short', value: num(values.birth_year),
		}),
	});
	const ageEstimate = field({
		label: t('persons.ageEstimate'),
		control: h('input', {
			id: id('age-estimate'), name: 'age_estimate', type: 'text', inputmode: 'numeric',
			autocomplete: 'off', maxlength: '3', class: 'input-short', value: num(values.age_estimate),
		}),
	});
	const ageHint = h('p', { class: 'hint', id: uid(`${prefix}-age-hint`) }, t('persons.ageHint'));
	const ageGroup = h('fieldset', { class: 'field-group', 'aria-describedby': ageHint.id },
	    h('legend', null, t('persons.age')), ageHint,
	    h('div', { class: 'row row-compact' }, birthYear.wrap, ageEstimate.wrap));
	// The code is typed or picked from the countries the server accepts.
	const countryList = h('datalist', { id: id('countries') });
	ref.countries().then((list) => countryList.replaceChildren(...list.map((c) =>
	    h('option', { value: c.code }, `${c.code} – ${ref.displayName(c)}`)))).catch(() => {});
	const citizenship = field({
		label: t('persons.citizenship'), hint: t('persons.citizenshipHint'), optional: true,
		control: h('input', {
			id: id('citizenship'), name: 'citizenship', type: 'text', autocomplete: 'off',
			autocapitalize: 'characters', spellcheck: 'false', maxlength: '2', class: 'input-short',
			list: countryList.id, value: values.citizenship || '',
		}),
	});
	citizenship.wrap.append(countryList);
	const protectedId = field({
		label: t('persons.protected'),
		hint: protectedLocked ? t('personEdit.protectedLocked') : null,
		control: h('select', {
			id: id('protected'), name: 'protected_identity', disabled: protectedLocked,
			value: values.protected_identity || 'none',
		}, PROTECTED.map((p) => h('option', { value: p }, label('protected', p)))),
	});

	const errorFields = {
		pseudonym, gender, birth_year: birthYear, age_estimate: ageEstimate,
		citizenship, protected_identity: protectedId,
	};
	const nodes = [
		h('div', { class: 'row' }, pseudonym.wrap, gender.wrap),
		ageGroup,
		h('div', { class: 'row' }, citizenship.wrap, protectedId.wrap),
	];

	let identityFields = null;
	let identityBlock = null;
	if (withIdentity) {
		const idv = identity || {};
		const idField = (key, name, attrs = {}, tag = 'input') => field({
			label: t(key), optional: true,
			control: h(tag, {
				id: id(`identity-${name.replace(/_/g, '-')}`), name: `identity.${name}`,
				autocomplete: 'off', spellcheck: 'false', value: idv[name] ?? '', ...attrs,
			}),
		});
		identityFields = {
			full_name: idField('persons.fullName', 'full_name', { type: 'text', maxlength: '200' }),
			date_of_birth: idField('persons.dateOfBirth', 'date_of_birth', { type: 'date' }),
			id_number: idField('persons.idNumber', 'id_number', { type: 'text', maxlength: '64' }),
			phone: idField('persons.phone', 'phone', { type: 'tel', maxlength: '64' }),
			address: idField('persons.address', 'address', { rows: '2', maxlength: '500' }, 'textarea'),
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

	return {
		pseudonym, gender, birthYear, ageEstimate, citizenship, protectedId,
		identityFields, identityBlock, errorFields, nodes,
	};
}
