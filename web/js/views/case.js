// Case page (#/cases/<id>): facts, summary, notes, persons (with the
// "Lägg till person" form) and team (with "Lägg till i teamet" and removal
// with a confirm step). Identity details typed into the person form are sent
// once and never shown on this page.
//
// "Redigera ärende" changes title, summary, notes, county, exploitation and
// status (only the fields changed are sent, with the version read); "Avsluta
// ärendet" / "Öppna ärendet igen" changes the status alone after a confirm
// step. Whether the user may change the case is the server's decision (403).
//
// Coordinators also get "Ärendets logg": a collapsed section that reads the
// case's audit entries (GET /api/v1/audit?case=<id>) each time it is opened.

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { t, label, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import {
	setTitle, pageHeading, field, choiceGroup, formErrors, errorMessage, alertBox, definitionList,
	tableWrap, sendForm,
} from '../ui.js';
import { createEditor, textValue, choiceValue, norm } from '../edit.js';
import { personFields } from '../person-form.js';
import { EXPLOITATION } from './case-new.js';
import { readsCaseLog } from '../roles.js';
import { PAGE, auditColumns, auditRow, auditCount, pagedTable } from '../audit-table.js';

const ACCESS = ['pseudonymous', 'full'];
const STATUSES = ['open', 'closed'];

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
	const caseMsg = h('div', { class: 'section-message', id: 'case-message' });
	const statusHost = h('div', { class: 'status-action' });

	function paint(data) {
		c = data;
		numberEl.textContent = c.number || '';
		headingEl.textContent = c.title || t('case.title');
		showStatusAction();
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

	// "Avsluta ärendet" / "Öppna ärendet igen", with a confirm step.
	function showStatusAction() {
		const closing = c.status !== 'closed';
		statusHost.replaceChildren(h('button', {
			type: 'button', class: 'btn btn-secondary', id: 'case-status-action',
			on: { click: () => showStatusConfirm() },
		}, closing ? t('case.close') : t('case.reopen')));
	}

	function focusStatusAction() {
		const b = statusHost.querySelector('button');
		if (b)
			b.focus();
	}

	function showStatusConfirm() {
		const closing = c.status !== 'closed';
		const promptId = uid('status-prompt');
		const confirmBtn = h('button', {
			type: 'button', class: 'btn btn-primary', id: 'case-status-confirm',
			on: { click: () => changeStatus(closing ? 'closed' : 'open', confirmBtn) },
		}, closing ? t('case.closeConfirm') : t('case.reopenConfirm'));
		const keep = h('button', {
			type: 'button', class: 'btn btn-secondary', id: 'case-status-keep',
			on: {
				click: () => {
					showStatusAction();
					focusStatusAction();
				},
			},
		}, t('case.statusKeep'));
		statusHost.replaceChildren(h('div', { class: 'confirm', role: 'group', 'aria-labelledby': promptId },
		    h('span', { class: 'confirm-text', id: promptId },
		        closing ? t('case.closeQuestion') : t('case.reopenQuestion')),
		    confirmBtn, keep));
		confirmBtn.focus();
	}

	async function changeStatus(status, btn) {
		btn.disabled = true;
		caseMsg.replaceChildren();
		let data;
		try {
			data = await api.updateCase(c.id, c.version, { status });
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return;
			showStatusAction();
			if (err.status === 412) {
				const reload = h('button', {
					type: 'button', class: 'btn btn-small btn-secondary', id: 'case-reload',
					on: { click: () => reloadCase(reload) },
				}, t('edit.reload'));
				caseMsg.replaceChildren(noticeBox(t('caseEdit.conflict'), 'warn', reload));
			} else if (err.status === 403) {
				caseMsg.replaceChildren(noticeBox(t('caseEdit.forbidden'), 'info'));
			} else {
				caseMsg.replaceChildren(alertBox(errorMessage(err)));
			}
			focusStatusAction();
			return;
		}
		if (!ctx.isCurrent())
			return;
		// An open edit form continues from the new version.
		if (editor.isOpen())
			editor.rebase(data);
		paint(data);
		ctx.announce(status === 'closed' ? t('case.closedDone') : t('case.reopenedDone'), { kind: 'success' });
		focusStatusAction();
	}

	async function reloadCase(btn) {
		btn.disabled = true;
		let data;
		try {
			data = await api.getCase(c.id);
		} catch (err) {
			btn.disabled = false;
			if (ctx.isCurrent() && err.status !== 401)
				caseMsg.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (!ctx.isCurrent())
			return;
		caseMsg.replaceChildren();
		if (editor.isOpen())
			editor.rebase(data);
		paint(data);
		ctx.announce(t('case.reloaded'), { kind: 'info' });
		headingEl.focus();
	}

	const editor = createEditor({
		ctx,
		ids: {
			toggle: 'edit-case', panel: 'edit-case-panel', form: 'edit-case-form',
			submit: 'edit-case-submit', cancel: 'edit-case-cancel', reload: 'edit-case-reload',
		},
		text: {
			toggle: t('caseEdit.edit'), title: t('caseEdit.title'), submit: t('caseEdit.submit'),
			cancel: t('caseEdit.cancel'), saved: t('caseEdit.saved'), conflict: t('caseEdit.conflict'),
			reloaded: t('caseEdit.reloaded'), forbidden: t('caseEdit.forbidden'),
		},
		getData: () => c,
		build: (data) => caseFields(data, counties),
		toBody: caseBody,
		save: (data, body) => api.updateCase(data.id, data.version, body),
		fetch: (data) => api.getCase(data.id),
		onSaved: (data) => {
			caseMsg.replaceChildren();
			paint(data);
		},
		onReloaded: (data) => {
			caseMsg.replaceChildren();
			paint(data);
		},
	});

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
	const sections = [
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
	    h('div', { class: 'case-head' },
	        h('div', { class: 'case-head-text' }, numberEl, headingEl),
	        h('div', { class: 'case-actions' }, editor.toggle, statusHost)),
	    caseMsg,
	    editor.panel,
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
	        teamMsg, teamHost, teamForm.panel),
	];
	if (readsCaseLog(ctx.user))
		sections.push(caseLog(ctx, c.id, orgName));
	ctx.root.replaceChildren(...sections);
}

// "Ärendets logg" (coordinators): a heading button that shows and hides the
// case's audit entries; they are read again each time it is opened.
function caseLog(ctx, caseId, orgName) {
	const panelId = 'case-log-panel';
	const toggle = h('button', {
		type: 'button', class: 'disclosure', id: 'case-log-toggle',
		'aria-expanded': 'false', 'aria-controls': panelId,
	}, t('caseLog.title'));
	const list = pagedTable(ctx, {
		id: 'case-log-table',
		caption: t('caseLog.caption'),
		columns: auditColumns({ withCase: false }),
		row: (e) => auditRow(e, { withCase: false, orgName }),
		fetchPage: (cursor, signal) => api.listAudit({ case: caseId, limit: PAGE, cursor }, signal),
		emptyText: () => t('audit.empty'),
		countText: auditCount,
		moreText: t('audit.more'),
	});
	const panel = h('div', { class: 'disclosure-panel', id: panelId, hidden: true },
	    h('p', { class: 'muted' }, t('caseLog.intro')), list.el);
	toggle.addEventListener('click', () => {
		const open = panel.hidden;
		panel.hidden = !open;
		toggle.setAttribute('aria-expanded', String(open));
		if (open)
			list.load();
		else
			list.reset();
	});
	return h('section', { class: 'card case-log', id: 'case-log', 'aria-labelledby': 'case-log-toggle' },
	    h('h2', { class: 'disclosure-heading' }, toggle), panel);
}

// A calm notice (kind info or warn) with optional buttons under the text.
function noticeBox(message, kind, ...actions) {
	return h('div', { class: ['alert', `alert-${kind}`], role: kind === 'info' ? 'status' : 'alert' },
	    h('p', { class: 'alert-text' }, message),
	    actions.length ? h('div', { class: 'alert-actions' }, actions) : null);
}

// The fields of "Redigera ärende", filled from the case.
function caseFields(c, counties) {
	const sorted = [...counties].sort((a, b) => String(a.code).localeCompare(String(b.code)));
	const title = field({
		label: t('newCase.caseTitle'),
		control: h('input', {
			id: 'edit-case-title', name: 'title', type: 'text', autocomplete: 'off',
			maxlength: '200', required: true, value: c.title || '', class: 'input-wide',
		}),
	});
	const summary = field({
		label: t('newCase.summary'), optional: true,
		control: h('textarea', {
			id: 'edit-case-summary', name: 'summary', rows: '4', maxlength: '10000', class: 'input-wide',
			autocomplete: 'off', value: c.summary || '',
		}),
	});
	const notes = field({
		label: t('case.notes'), optional: true,
		control: h('textarea', {
			id: 'edit-case-notes', name: 'notes', rows: '6', maxlength: '20000', class: 'input-wide',
			autocomplete: 'off', value: c.notes || '',
		}),
	});
	const known = sorted.some((x) => x.code === c.county);
	const county = field({
		label: t('newCase.county'),
		control: h('select', { id: 'edit-case-county', name: 'county', value: c.county || '' },
		    known ? null : h('option', { value: c.county || '' }, c.county || t('newCase.countyChoose')),
		    sorted.map((x) => h('option', { value: x.code }, ref.displayName(x)))),
	});
	const exploitation = choiceGroup({
		legend: t('newCase.exploitation'), hint: t('newCase.exploitationHint'),
		name: 'exploitation',
		options: EXPLOITATION.map((code) => [code, t(`exploitation.${code}`)]),
		checked: Array.isArray(c.exploitation) ? c.exploitation : [],
	});
	const status = choiceGroup({
		legend: t('case.status'), name: 'status', type: 'radio',
		options: STATUSES.map((code) => [code, label('status', code)]),
		checked: [c.status],
	});
	status.wrap.classList.add('choice-inline');
	return {
		nodes: [
			title.wrap, summary.wrap, notes.wrap,
			h('div', { class: 'row' }, county.wrap, status.wrap),
			exploitation.wrap,
		],
		fields: {
			title: textValue(title),
			summary: textValue(summary),
			notes: textValue(notes),
			county: textValue(county),
			exploitation: choiceValue(exploitation),
			status: choiceValue(status, { single: true }),
		},
		errorFields: { title, summary, notes, county, exploitation, status },
		first: title.control,
	};
}

// The PATCH body of the changed fields (and local checks).
function caseBody(values, changed) {
	const body = {};
	const errors = [];
	for (const name of changed) {
		const v = values[name];
		if (name === 'title') {
			if (norm(v))
				body.title = norm(v);
			else
				errors.push({ field: 'title', message: t('newCase.requiredTitle') });
		} else if (name === 'summary' || name === 'notes') {
			body[name] = norm(v);
		} else if (name === 'county') {
			if (v)
				body.county = v;
			else
				errors.push({ field: 'county', message: t('newCase.requiredCounty') });
		} else {
			body[name] = v;   // exploitation (list), status
		}
	}
	return { body, errors };
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

	const {
		pseudonym, gender, birthYear, ageEstimate, citizenship, protectedId,
		identityFields, identityBlock: identity, errorFields, nodes,
	} = personFields({ prefix: 'person' });
	const summaryHost = h('div', { class: 'form-summary' });
	const errors = formErrors(summaryHost, errorFields);

	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'person-submit' }, t('persons.submit'));
	const cancel = h('button', { type: 'button', class: 'btn btn-secondary', on: { click: () => close(true) } }, t('persons.cancel'));
	let busy = false;

	const form = h('form', {
		class: 'stack-form', id: 'person-form', novalidate: true, autocomplete: 'off',
		'aria-labelledby': `${panelId}-title`,
		on: { submit: onSubmit },
	},
	summaryHost,
	nodes,
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
