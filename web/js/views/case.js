// Case page (#/cases/<id>): facts, summary, notes, persons (with the
// "Lägg till person" form) and team (with "Lägg till i teamet" and removal
// with a confirm step). Identity details typed into the person form are sent
// once and never shown on this page.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import {
	setTitle, pageHeading, field, formErrors, errorMessage, alertBox, definitionList, tableWrap,
	sendForm,
} from '../ui.js';

const GENDERS = ['female', 'male', 'other', 'unknown'];
const PROTECTED = ['none', 'marked', 'protected_address', 'fictitious'];
const ACCESS = ['pseudonymous', 'full'];

export async function render(ctx) {
	setTitle('case.title');
	const id = decodeURIComponent(ctx.params[0]);
	let c;
	let regions, counties, orgs;
	try {
		[c, regions, counties, orgs] = await Promise.all([
			api.getCase(id), ref.regions(), ref.counties(), ref.organizations(),
		]);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(
		    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
		    pageHeading(t('case.title')),
		    alertBox(err.status === 404 ? t('case.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;

	const orgName = (code) => ref.nameOf(orgs, code) || t('dash');

	const factsHost = h('div', { class: 'case-facts' });
	const personsHost = h('div', { class: 'section-body' });
	const teamHost = h('div', { class: 'section-body' });
	const personsMsg = h('div', { class: 'section-message' });
	const teamMsg = h('div', { class: 'section-message' });
	const headingEl = pageHeading(c.title || t('case.title'), { id: 'case-heading' });
	const numberEl = h('p', { class: 'case-number', id: 'case-number' });

	function paint(data) {
		c = data;
		numberEl.textContent = c.number || '';
		headingEl.textContent = c.title || t('case.title');
		const owner = c.owner || {};
		factsHost.replaceChildren(definitionList([
			[t('case.status'), h('span', { class: ['badge', `badge-${c.status}`], id: 'case-status' }, label('status', c.status))],
			[t('case.region'), h('span', { id: 'case-region' }, ref.nameOf(regions, c.region) || t('dash'))],
			[t('case.county'), h('span', { id: 'case-county' }, ref.nameOf(counties, c.county) || t('dash'))],
			[t('case.exploitation'), exploitationList(c.exploitation)],
			[t('case.owner'), h('span', { id: 'case-owner' },
			    [orgName(owner.organization), owner.username ? ` (${owner.username})` : ''].join(''))],
			[t('case.created'), formatDateTime(c.created_at)],
			[t('case.updated'), formatDateTime(c.updated_at)],
		]));
		summaryText.replaceChildren(textBlock(c.summary, 'case-summary'));
		notesText.replaceChildren(textBlock(c.notes, 'case-notes'));
		personsHost.replaceChildren(personsTable(c.persons || []));
		teamHost.replaceChildren(teamTable(c.team || []));
	}

	function exploitationList(list) {
		if (!Array.isArray(list) || list.length === 0)
			return h('span', { class: 'muted' }, t('case.none'));
		return h('ul', { class: 'inline-list', id: 'case-exploitation' },
		    list.map((code) => h('li', null, label('exploitation', code))));
	}

	function textBlock(text, id) {
		if (!text)
			return h('p', { class: 'muted', id }, t('case.noText'));
		return h('p', { class: 'prose', id }, text);
	}

	function personsTable(persons) {
		if (persons.length === 0)
			return h('p', { class: 'empty', id: 'persons-empty' }, t('persons.empty'));
		return tableWrap(h('table', { class: 'data-table', id: 'persons-table' },
		    h('caption', { class: 'visually-hidden' }, t('persons.caption')),
		    h('thead', null, h('tr', null,
		        h('th', { scope: 'col' }, t('persons.col.pseudonym')),
		        h('th', { scope: 'col' }, t('persons.col.gender')),
		        h('th', { scope: 'col' }, t('persons.col.child')),
		        h('th', { scope: 'col' }, t('persons.col.protected')))),
		    h('tbody', null, persons.map((p) => h('tr', { dataset: { id: p.id } },
		        h('th', { scope: 'row' }, h('a', { href: `#/persons/${encodeURIComponent(p.id)}` }, p.pseudonym)),
		        h('td', null, label('gender', p.gender)),
		        h('td', { class: 'cell-child' }, p.is_child ? t('yes') : t('no')),
		        h('td', null, p.protected_identity && p.protected_identity !== 'none'
			    ? h('span', { class: 'badge badge-protected' }, label('protected', p.protected_identity))
			    : label('protected', p.protected_identity || 'none')))))));
	}

	function teamTable(team) {
		if (team.length === 0)
			return h('p', { class: 'empty' }, t('team.empty'));
		return tableWrap(h('table', { class: 'data-table', id: 'team-table' },
		    h('caption', { class: 'visually-hidden' }, t('team.caption')),
		    h('thead', null, h('tr', null,
		        h('th', { scope: 'col' }, t('team.col.organization')),
		        h('th', { scope: 'col' }, t('team.col.user')),
		        h('th', { scope: 'col' }, t('team.col.access')),
		        h('th', { scope: 'col' }, t('team.col.added')),
		        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('team.col.actions'))))),
		    h('tbody', null, team.map(teamRow))));
	}

	function teamRow(m) {
		const name = orgName(m.organization);
		const actions = h('td', { class: 'cell-actions' });
		const showRemove = () => {
			actions.replaceChildren(h('button', {
				type: 'button', class: 'btn btn-small btn-secondary',
				'aria-label': t('team.removeLabel', { org: name }),
				on: { click: () => showConfirm() },
			}, t('team.remove')));
		};
		const showConfirm = () => {
			const confirmBtn = h('button', {
				type: 'button', class: 'btn btn-small btn-danger',
				'aria-label': t('team.confirmLabel', { org: name }),
				on: { click: () => remove(m, confirmBtn) },
			}, t('team.confirm'));
			const keep = h('button', {
				type: 'button', class: 'btn btn-small btn-secondary',
				on: {
					click: () => {
						showRemove();
						actions.querySelector('button').focus();
					},
				},
			}, t('team.keep'));
			actions.replaceChildren(h('div', { class: 'confirm' }, confirmBtn, keep));
			confirmBtn.focus();
		};
		showRemove();
		return h('tr', { dataset: { id: m.id } },
		    h('th', { scope: 'row' }, name, h('span', { class: 'code' }, ` ${m.organization}`)),
		    h('td', null, m.username || h('span', { class: 'muted' }, t('team.wholeOrg'))),
		    h('td', null, label('access', m.access)),
		    h('td', null, t('team.addedBy', { who: m.added_by || t('dash'), when: formatDateTime(m.added_at) })),
		    actions);
	}

	async function remove(m, btn) {
		btn.disabled = true;
		teamMsg.replaceChildren();
		try {
			await api.removeTeamMember(c.id, m.id);
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return;
			btn.disabled = false;
			teamMsg.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		ctx.announce(t('team.removed'), { kind: 'success' });
		await refresh();
		teamHeading.focus();
	}

	async function refresh() {
		try {
			const data = await api.getCase(c.id);
			if (ctx.isCurrent())
				paint(data);
		} catch (err) {
			ctx.showError(err, personsMsg);
		}
	}

	const summaryText = h('div');
	const notesText = h('div');
	const personsHeading = h('h2', { id: 'persons-heading', tabindex: '-1' }, t('persons.title'));
	const teamHeading = h('h2', { id: 'team-heading', tabindex: '-1' }, t('team.title'));

	const personForm = buildPersonForm(ctx, () => c, personsMsg, async () => {
		await refresh();
	});
	const teamForm = buildTeamForm(ctx, () => c, orgs, teamMsg, async () => {
		await refresh();
	});

	paint(c);
	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
	    h('div', { class: 'case-head' }, numberEl, headingEl),
	    h('div', { class: 'case-layout' },
	        h('section', { class: 'card case-main', 'aria-labelledby': 'summary-heading' },
	            h('h2', { id: 'summary-heading', class: 'visually-hidden' }, t('case.facts')),
	            factsHost,
	            h('h3', null, t('case.summary')), summaryText,
	            h('h3', null, t('case.notes')), notesText)),
	    h('section', { class: 'card', 'aria-labelledby': 'persons-heading', id: 'persons' },
	        h('div', { class: 'section-head' }, personsHeading, personForm.toggle),
	        personsMsg, personsHost, personForm.panel),
	    h('section', { class: 'card', 'aria-labelledby': 'team-heading', id: 'team' },
	        h('div', { class: 'section-head' }, teamHeading, teamForm.toggle),
	        teamMsg, teamHost, teamForm.panel));
}

// A button that shows/hides a form panel (aria-expanded).
function disclosure(buttonText, panelId, buttonId) {
	const toggle = h('button', {
		type: 'button', class: 'btn btn-secondary', id: buttonId,
		'aria-expanded': 'false', 'aria-controls': panelId,
	}, buttonText);
	return toggle;
}

function buildPersonForm(ctx, getCase, msgHost, done) {
	const panelId = uid('person-form');
	const toggle = disclosure(t('persons.add'), panelId, 'add-person');

	const pseudonym = field({
		label: t('persons.pseudonym'), hint: t('persons.pseudonymHint'),
		control: h('input', { id: 'person-pseudonym', name: 'pseudonym', type: 'text', autocomplete: 'off', spellcheck: 'false', maxlength: '100' }),
	});
	const gender = field({
		label: t('persons.gender'),
		control: h('select', { id: 'person-gender', name: 'gender' },
		    h('option', { value: '' }, t('persons.genderChoose')),
		    GENDERS.map((g) => h('option', { value: g }, label('gender', g)))),
	});
	const birthYear = field({
		label: t('persons.birthYear'),
		control: h('input', { id: 'person-birth-year', name: 'birth_year', type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '4', class: 'input-short' }),
	});
	const ageEstimate = field({
		label: t('persons.ageEstimate'),
		control: h('input', { id: 'person-age-estimate', name: 'age_estimate', type: 'text', inputmode: 'numeric', autocomplete: 'off', maxlength: '3', class: 'input-short' }),
	});
	const ageHint = h('p', { class: 'hint', id: `${panelId}-age-hint` }, t('persons.ageHint'));
	const ageGroup = h('fieldset', { class: 'field-group', 'aria-describedby': ageHint.id },
	    h('legend', null, t('persons.age')), ageHint,
	    h('div', { class: 'row row-compact' }, birthYear.wrap, ageEstimate.wrap));
	const citizenship = field({
		label: t('persons.citizenship'), hint: t('persons.citizenshipHint'), optional: true,
		control: h('input', { id: 'person-citizenship', name: 'citizenship', type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '2', class: 'input-short' }),
	});
	const protectedId = field({
		label: t('persons.protected'),
		control: h('select', { id: 'person-protected', name: 'protected_identity' },
		    PROTECTED.map((p) => h('option', { value: p }, label('protected', p)))),
	});

	const idField = (key, name, attrs = {}, tag = 'input') => field({
		label: t(key), optional: true,
		control: h(tag, { id: `person-identity-${name.replace(/_/g, '-')}`, name: `identity.${name}`, autocomplete: 'off', spellcheck: 'false', ...attrs }),
	});
	const fullName = idField('persons.fullName', 'full_name', { type: 'text' });
	const dob = idField('persons.dateOfBirth', 'date_of_birth', { type: 'date' });
	const idNumber = idField('persons.idNumber', 'id_number', { type: 'text' });
	const phone = idField('persons.phone', 'phone', { type: 'tel' });
	const address = idField('persons.address', 'address', { rows: '2' }, 'textarea');
	const identityFields = { full_name: fullName, date_of_birth: dob, id_number: idNumber, phone, address };
	const identity = h('details', { class: 'identity-block', id: 'person-identity' },
	    h('summary', null, t('persons.identity')),
	    h('fieldset', { class: 'field-group' },
	        h('legend', { class: 'visually-hidden' }, t('persons.identity')),
	        h('p', { class: 'hint' }, t('persons.identityHint')),
	        Object.values(identityFields).map((f) => f.wrap)));
	// An error inside the collapsed block must be visible: open it.
	const openOnError = (f) => ({
		...f,
		setError(m) {
			if (m)
				identity.open = true;
			f.setError(m);
		},
	});

	const summaryHost = h('div', { class: 'form-summary' });
	const fieldMap = {
		pseudonym, gender, birth_year: birthYear, age_estimate: ageEstimate,
		citizenship, protected_identity: protectedId,
	};
	for (const [k, f] of Object.entries(identityFields))
		fieldMap[`identity.${k}`] = openOnError(f);
	fieldMap.identity = openOnError(fullName);
	const errors = formErrors(summaryHost, fieldMap);

	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'person-submit' }, t('persons.submit'));
	const cancel = h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => close(true) } }, t('persons.cancel'));
	let busy = false;

	const form = h('form', {
		class: 'stack-form', id: 'person-form', novalidate: true, autocomplete: 'off',
		'aria-labelledby': `${panelId}-title`,
		on: { submit: onSubmit },
	},
	summaryHost,
	h('div', { class: 'row' }, pseudonym.wrap, gender.wrap),
	ageGroup,
	h('div', { class: 'row' }, citizenship.wrap, protectedId.wrap),
	identity,
	h('div', { class: 'form-actions' }, submit, cancel));

	const panel = h('div', { class: 'form-panel', id: panelId, hidden: true },
	    h('h3', { id: `${panelId}-title` }, t('persons.addTitle')), form);

	function open() {
		panel.hidden = false;
		toggle.setAttribute('aria-expanded', 'true');
		pseudonym.control.focus();
	}
	function close(focusToggle) {
		form.reset();
		identity.open = false;
		errors.clear();
		panel.hidden = true;
		toggle.setAttribute('aria-expanded', 'false');
		if (focusToggle)
			toggle.focus();
	}
	toggle.addEventListener('click', () => (panel.hidden ? open() : close(true)));

	async function onSubmit(ev) {
		ev.preventDefault();
		if (busy)
			return;
		const local = [];
		const body = {
			pseudonym: pseudonym.control.value.trim(),
			gender: gender.control.value,
			protected_identity: protectedId.control.value,
		};
		if (!body.pseudonym)
			local.push({ field: 'pseudonym', message: t('persons.requiredPseudonym') });
		if (!body.gender)
			local.push({ field: 'gender', message: t('persons.requiredGender') });
		const by = birthYear.control.value.trim();
		const ae = ageEstimate.control.value.trim();
		if (by && ae)
			local.push({ field: 'age_estimate', message: t('persons.ageBoth') });
		if (by) {
			if (/^[0-9]{4}$/.test(by))
				body.birth_year = Number(by);
			else
				local.push({ field: 'birth_year', message: t('persons.badYear') });
		}
		if (ae) {
			if (/^[0-9]{1,3}$/.test(ae))
				body.age_estimate = Number(ae);
			else
				local.push({ field: 'age_estimate', message: t('persons.badAge') });
		}
		const cz = citizenship.control.value.trim();
		if (cz) {
			if (/^[A-Za-z]{2}$/.test(cz))
				body.citizenship = cz.toUpperCase();
			else
				local.push({ field: 'citizenship', message: t('persons.badCitizenship') });
		}
		const ident = {};
		for (const [k, f] of Object.entries(identityFields)) {
			const v = f.control.value.trim();
			if (v)
				ident[k] = v;
		}
		if (Object.keys(ident).length)
			body.identity = ident;
		if (local.length) {
			errors.show(local);
			return;
		}
		busy = true;
		const ok = await sendForm(ctx, { submit, messages: msgHost, errors },
		    () => api.addPerson(getCase().id, body));
		busy = false;
		if (!ok)
			return;
		close(false);
		ctx.announce(t('persons.added'), { kind: 'success' });
		await done();
		toggle.focus();
	}

	return { toggle, panel };
}

function buildTeamForm(ctx, getCase, orgs, msgHost, done) {
	const panelId = uid('team-form');
	const toggle = disclosure(t('team.add'), panelId, 'add-member');
	const sortedOrgs = [...orgs].sort((a, b) => ref.displayName(a).localeCompare(ref.displayName(b), 'sv'));

	const organization = field({
		label: t('team.organization'),
		control: h('select', { id: 'member-organization', name: 'organization' },
		    h('option', { value: '' }, t('team.organizationChoose')),
		    sortedOrgs.map((o) => h('option', { value: o.code }, `${ref.displayName(o)} (${o.code})`))),
	});
	const username = field({
		label: t('team.username'), hint: t('team.usernameHint'), optional: true,
		control: h('input', { id: 'member-username', name: 'username', type: 'text', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' }),
	});
	const access = field({
		label: t('team.access'),
		control: h('select', { id: 'member-access', name: 'access' },
		    ACCESS.map((a) => h('option', { value: a }, label('access', a)))),
	});
	const summaryHost = h('div', { class: 'form-summary' });
	const errors = formErrors(summaryHost, { organization, username, access });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'member-submit' }, t('team.submit'));
	const cancel = h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => close(true) } }, t('team.cancel'));
	let busy = false;

	const form = h('form', {
		class: 'stack-form', id: 'member-form', novalidate: true,
		'aria-labelledby': `${panelId}-title`,
		on: { submit: onSubmit },
	},
	summaryHost,
	h('div', { class: 'row' }, organization.wrap, username.wrap, access.wrap),
	h('div', { class: 'form-actions' }, submit, cancel));
	const panel = h('div', { class: 'form-panel', id: panelId, hidden: true },
	    h('h3', { id: `${panelId}-title` }, t('team.addTitle')), form);

	function open() {
		panel.hidden = false;
		toggle.setAttribute('aria-expanded', 'true');
		organization.control.focus();
	}
	function close(focusToggle) {
		form.reset();
		errors.clear();
		panel.hidden = true;
		toggle.setAttribute('aria-expanded', 'false');
		if (focusToggle)
			toggle.focus();
	}
	toggle.addEventListener('click', () => (panel.hidden ? open() : close(true)));

	async function onSubmit(ev) {
		ev.preventDefault();
		if (busy)
			return;
		const body = { organization: organization.control.value, access: access.control.value };
		const u = username.control.value.trim();
		if (u)
			body.username = u;
		if (!body.organization) {
			errors.show([{ field: 'organization', message: t('team.requiredOrganization') }]);
			return;
		}
		busy = true;
		const ok = await sendForm(ctx, { submit, messages: msgHost, errors },
		    () => api.addTeamMember(getCase().id, body));
		busy = false;
		if (!ok)
			return;
		close(false);
		ctx.announce(t('team.added'), { kind: 'success' });
		await done();
		toggle.focus();
	}

	return { toggle, panel };
}
