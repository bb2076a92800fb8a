// Case page (#/cases/<id>): facts, summary, journal (journal.js), persons (age and
// citizenship by name; the "Lägg till person" form asks before adding a
// second person with a pseudonym the case has already, and shows possible
// duplicates in this and other cases before the person is saved:
// person-match.js) and team (with "Lägg till i teamet" and removal
// with a confirm step). Identity details typed into the person form are sent
// once and never shown on this page.
//
// "Redigera ärende" changes title, summary, county and exploitation
// (only the fields changed are sent, with the version read); "Avsluta
// ärendet" asks for the closing reason (and a note for "Annat skäl"), "Öppna
// ärendet igen" for the reason to reopen. The page offers exactly the actions
// the server lists in the case's and each team row's `allowed`, and nothing
// else; a closed case shows why it was closed and offers only reopening.
//
// "Ändringshistorik" (history.js), collapsed, lists what each change of the
// case changed. Coordinators also get "Ärendets logg": a collapsed section that reads the
// case's audit entries (GET /api/v1/audit?case=<id>) each time it is opened.
// Beside it all: "Att tänka på vid första kontakten" (guidance.js).

import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import {
	setTitle, pageHeading, errorMessage, alertBox, noticeBox, definitionList,
} from '../ui.js';
import {
	inputField, textareaField, selectField, choiceGroup, checkField, createForm, disclosure,
} from '../form.js';
import { dataTable, pagedTable } from '../table.js';
import { createEditor, textValue, choiceValue, norm } from '../edit.js';
import { personFields, newPersonBody } from '../person-form.js';
import { matchPanel } from '../person-match.js';
import { countyOptions } from './case-new.js';
import { readsCaseLog } from '../roles.js';
import { PAGE, auditColumns, auditRowProps, auditCount } from '../audit-table.js';
import { journalSection } from '../journal.js';
import { historySection } from '../history.js';
import { withGuidance } from '../guidance.js';
import { collabSections } from '../case-collab.js';

export async function render(ctx) {
	setTitle('case.title');
	const id = decodeURIComponent(ctx.params[0]);
	let c;
	let journal = null; // the journal section, once built
	let collab = null; // team suggestions and tasks, once built
	let regions, counties, orgs, countries, languages;
	try {
		// Country and language names are a nicety: without them the code is shown.
		[c, regions, counties, orgs, countries, languages] = await Promise.all([
			api.getCase(id), ref.regions(), ref.counties(), ref.organizations(),
			ref.countries().catch(() => []), ref.languages().catch(() => []),
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
	// The closing or reopening form, under the page head at full width.
	const statusPanel = h('div', { id: 'case-status-panel' });

	const may = (action) => Array.isArray(c.allowed) && c.allowed.includes(action);

	// Only what `allowed` lists is offered; an open form for something no
	// longer allowed is closed.
	function showAllowed() {
		editor.toggle.hidden = !may('edit');
		if (!may('edit') && editor.isOpen())
			editor.close();
		personForm.toggle.hidden = !may('add_person');
		if (!may('add_person'))
			personForm.close(false);
		teamForm.toggle.hidden = !may('add_member');
		if (!may('add_member'))
			teamForm.close(false);
	}

	function closingFacts() {
		if (c.status !== 'closed' || !c.closing_reason)
			return [];
		const reason = [vocab.label('closing_reasons', c.closing_reason)];
		if (c.closing_note)
			reason.push(h('span', { class: 'closing-note' }, ` – ${c.closing_note}`));
		return [
			[t('case.closingReason'), h('span', { id: 'case-closing-reason' }, reason)],
			[t('case.closedAt'), formatDateTime(c.closed_at)],
		];
	}

	function paint(data) {
		c = data;
		numberEl.textContent = c.number || '';
		headingEl.textContent = c.title || t('case.title');
		showStatusAction();
		showAllowed();
		journal?.setAllowed(c.allowed);
		const owner = c.owner || {};
		factsHost.replaceChildren(definitionList([
			[t('case.status'), h('span', { class: ['badge', `badge-${c.status}`], id: 'case-status' }, vocab.label('case_statuses', c.status))],
			...closingFacts(),
			[t('case.region'), h('span', { id: 'case-region' }, ref.nameOf(regions, c.region) || t('dash'))],
			[t('case.county'), h('span', { id: 'case-county' }, ref.nameOf(counties, c.county) || t('dash'))],
			[t('case.exploitation'), exploitationList(c.exploitation)],
			[t('case.owner'), h('span', { id: 'case-owner' },
			    [orgName(owner.organization), owner.username ? ` (${owner.username})` : ''].join(''))],
			[t('case.created'), formatDateTime(c.created_at)],
			[t('case.updated'), formatDateTime(c.updated_at)],
		]));
		summaryText.replaceChildren(textBlock(c.summary, 'case-summary'));
		personsHost.replaceChildren(personsTable(c.persons || []));
		teamHost.replaceChildren(teamTable(c.team || []));
		collab?.load(); // again only when what it depends on changed
	}

	function exploitationList(list) {
		if (!Array.isArray(list) || list.length === 0)
			return h('span', { class: 'muted' }, t('case.none'));
		return h('ul', { class: 'inline-list', id: 'case-exploitation' },
		    list.map((code) => h('li', null, vocab.label('exploitation_forms', code))));
	}

	function textBlock(text, id) {
		if (!text)
			return h('p', { class: 'muted', id }, t('case.noText'));
		return h('p', { class: 'prose', id }, text);
	}

	function personsTable(persons) {
		return dataTable({
			id: 'persons-table', caption: t('persons.caption'), items: persons, stack: true,
			empty: { id: 'persons-empty', text: t('persons.empty') },
			rowProps: (p) => ({ dataset: { id: p.id } }),
			columns: [
				{
					key: 'pseudonym', label: t('persons.col.pseudonym'), rowHeader: true,
					cell: (p) => h('a', { href: `#/persons/${encodeURIComponent(p.id)}` }, p.pseudonym),
				},
				{ key: 'gender', label: t('persons.col.gender'), cell: (p) => vocab.label('genders', p.gender) },
				{ key: 'age', label: t('persons.col.age'), className: 'cell-age', cell: ageText },
				{
					key: 'citizenship', label: t('persons.col.citizenship'), className: 'cell-citizenship',
					cell: (p) => (p.citizenship ? ref.nameOf(countries, p.citizenship) : t('dash')),
				},
				{ key: 'child', label: t('persons.col.child'), className: 'cell-child', cell: (p) => (p.is_child ? t('yes') : t('no')) },
				{
					key: 'protected', label: t('persons.col.protected'),
					cell: (p) => {
						const text = vocab.label('protection_levels', p.protected_identity || 'none');
						return p.protected_identity && p.protected_identity !== 'none'
							? h('span', { class: 'badge badge-protected' }, text) : text;
					},
				},
			],
		});
	}

	function teamTable(team) {
		return dataTable({
			id: 'team-table', caption: t('team.caption'), items: team, stack: true,
			empty: { text: t('team.empty') },
			rowProps: (m) => ({ dataset: { id: m.id } }),
			columns: [
				{
					key: 'organization', label: t('team.col.organization'), rowHeader: true,
					cell: (m) => [orgName(m.organization), h('span', { class: 'code' }, ` ${m.organization}`)],
				},
				{ key: 'user', label: t('team.col.user'), cell: (m) => m.username || h('span', { class: 'muted' }, t('team.wholeOrg')) },
				{
					key: 'access', label: t('team.col.access'),
					cell: (m) => [vocab.label('team_access', m.access),
						m.task ? h('span', { class: 'muted' }, ` (${t('team.viaTask')})`) : null],
				},
				{
					key: 'added', label: t('team.col.added'),
					cell: (m) => t('team.addedBy', { who: m.added_by || t('dash'), when: formatDateTime(m.added_at) }),
				},
				{ key: 'actions', label: t('team.col.actions'), hideLabel: true, className: 'cell-actions', cell: removeAction },
			],
		});
	}

	// "Ta bort" with a confirm step, in a team member's row that allows it.
	function removeAction(m) {
		const name = orgName(m.organization);
		const actions = h('div', { class: 'row-actions' });
		if (!Array.isArray(m.allowed) || !m.allowed.includes('remove_member'))
			return actions;
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
		return actions;
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

	// "Avsluta ärendet" / "Öppna ärendet igen", as the case allows.
	function showStatusAction() {
		statusPanel.replaceChildren();
		const closing = may('close');
		if (!closing && !may('reopen')) {
			statusHost.replaceChildren();
			return;
		}
		statusHost.replaceChildren(h('button', {
			type: 'button', class: 'btn btn-secondary', id: 'case-status-action',
			on: { click: () => showStatusForm(closing) },
		}, closing ? t('case.close') : t('case.reopen')));
	}

	function focusStatusAction() {
		const b = statusHost.querySelector('button');
		if (b)
			b.focus();
	}

	// The closing form (reason and note) or the reopening form (reason).
	function statusFields(closing) {
		if (!closing) {
			const reason = textareaField({
				label: t('case.reopenReason'), hint: t('case.reopenHint'),
				id: 'case-reopen-reason', name: 'reopen_reason', rows: '3', maxlength: '2000',
			});
			return {
				fields: { reopen_reason: reason }, nodes: [reason.wrap], first: reason.control,
				collect() {
					const v = norm(reason.control.value);
					return v ? { body: { status: 'open', reopen_reason: v }, errors: [] }
						: { errors: [{ field: 'reopen_reason', message: t('case.reopenRequired') }] };
				},
			};
		}
		const reason = selectField({
			label: t('case.closingReason'), id: 'case-closing-reason-select', name: 'closing_reason',
			choose: t('case.closingChoose'), options: vocab.options('closing_reasons'),
		});
		const note = textareaField({
			label: t('case.closingNote'), hint: t('case.closingNoteHint'), optional: true,
			id: 'case-closing-note', name: 'closing_note', rows: '3', maxlength: '2000',
		});
		return {
			fields: { closing_reason: reason, closing_note: note },
			nodes: [reason.wrap, note.wrap], first: reason.control,
			collect() {
				const body = { status: 'closed', closing_reason: reason.control.value };
				const v = norm(note.control.value);
				const errors = [];
				if (v)
					body.closing_note = v;
				if (!body.closing_reason)
					errors.push({ field: 'closing_reason', message: t('case.closingRequired') });
				else if (body.closing_reason === 'other' && !v)
					errors.push({ field: 'closing_note', message: t('case.closingNoteRequired') });
				return { body, errors };
			},
		};
	}

	function showStatusForm(closing) {
		const titleId = uid('status-title');
		const f = statusFields(closing);
		const form = createForm(ctx, {
			id: 'case-status-form', labelledBy: titleId, fields: f.fields, clears: caseMsg,
			body: f.nodes,
			submit: { id: 'case-status-confirm', text: closing ? t('case.closeConfirm') : t('case.reopenConfirm') },
			cancel: {
				id: 'case-status-keep', text: t('case.statusKeep'),
				onClick: () => {
					showStatusAction();
					focusStatusAction();
				},
			},
			collect: () => f.collect(),
			send: (body) => api.updateCase(c.id, c.version, body),
			handle: (err) => statusRefused(err),
			done: (data) => statusChanged(data, closing),
		});
		statusHost.replaceChildren();
		statusPanel.replaceChildren(h('section', { class: 'card status-form', 'aria-labelledby': titleId },
		    h('h2', { id: titleId, class: 'status-form-title' },
		        closing ? t('case.closeQuestion') : t('case.reopenQuestion')),
		    form.el));
		f.first.focus();
	}

	// 412 and 403 get their own words; anything else the form shows.
	function statusRefused(err) {
		if (err.status !== 412 && err.status !== 403)
			return false;
		showStatusAction();
		if (err.status === 412) {
			const reload = h('button', {
				type: 'button', class: 'btn btn-small btn-secondary', id: 'case-reload',
				on: { click: () => reloadCase(reload) },
			}, t('edit.reload'));
			caseMsg.replaceChildren(noticeBox(t('caseEdit.conflict'), 'warn', reload));
		} else {
			caseMsg.replaceChildren(noticeBox(t('caseEdit.forbidden'), 'info'));
		}
		focusStatusAction();
		return true;
	}

	function statusChanged(data, closing) {
		if (!ctx.isCurrent())
			return;
		// An open edit form continues from the new version.
		if (editor.isOpen())
			editor.rebase(data);
		paint(data);
		ctx.announce(closing ? t('case.closedDone') : t('case.reopenedDone'), { kind: 'success' });
		if (statusHost.querySelector('button'))
			focusStatusAction();
		else
			headingEl.focus();
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
	const personsHeading = h('h2', { id: 'persons-heading', tabindex: '-1' }, t('persons.title'));
	const teamHeading = h('h2', { id: 'team-heading', tabindex: '-1' }, t('team.title'));

	const personForm = buildPersonForm(ctx, () => c, languages, personsMsg, async () => {
		await refresh();
	});
	const teamForm = buildTeamForm(ctx, () => c, orgs, teamMsg, async () => {
		await refresh();
	});

	journal = journalSection(ctx, { caseId: c.id, orgName });
	journal.load();
	collab = collabSections(ctx, { getCase: () => c, orgs, refresh });
	paint(c);
	const sections = [
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
	    h('div', { class: 'case-head' },
	        h('div', { class: 'case-head-text' }, numberEl, headingEl),
	        h('div', { class: 'case-actions' }, editor.toggle, statusHost)),
	    caseMsg,
	    statusPanel,
	    editor.panel,
	    h('div', { class: 'case-layout' },
	        h('section', { class: 'card case-main', 'aria-labelledby': 'summary-heading' },
	            h('h2', { id: 'summary-heading', class: 'visually-hidden' }, t('case.facts')),
	            factsHost,
	            h('h3', null, t('case.summary')), summaryText)),
	    journal.el,
	    h('section', { class: 'card', 'aria-labelledby': 'persons-heading', id: 'persons' },
	        h('div', { class: 'section-head' }, personsHeading, personForm.toggle),
	        personsMsg, personsHost, personForm.panel),
	    h('section', { class: 'card', 'aria-labelledby': 'team-heading', id: 'team' },
	        h('div', { class: 'section-head' }, teamHeading, teamForm.toggle),
	        teamMsg, teamHost, teamForm.panel),
	    collab.suggestions, collab.tasks,
	];
	sections.push(historySection(ctx, { kind: 'case', id: c.id, orgName }));
	if (readsCaseLog(ctx.user))
		sections.push(caseLog(ctx, c.id, orgName));
	// "Att tänka på vid första kontakten" beside the case (guidance.js).
	ctx.root.replaceChildren(withGuidance(sections));
}

// "Ärendets logg" (coordinators): a heading button that shows and hides the
// case's audit entries; they are read again each time it is opened.
function caseLog(ctx, caseId, orgName) {
	const list = pagedTable(ctx, {
		id: 'case-log-table',
		caption: t('caseLog.caption'),
		className: 'log-table',
		columns: auditColumns({ withCase: false, orgName }),
		rowProps: auditRowProps,
		fetchPage: (cursor, signal) => api.listAudit({ case: caseId, limit: PAGE, cursor }, signal),
		emptyText: () => t('audit.empty'),
		countText: auditCount,
		moreText: t('audit.more'),
	});
	const log = disclosure({
		id: 'case-log-toggle', text: t('caseLog.title'), className: 'disclosure',
		panelId: 'case-log-panel', panelClass: 'disclosure-panel',
		content: [h('p', { class: 'muted' }, t('caseLog.intro')), list.el],
		onOpen: () => list.load(),
		onClose: () => list.reset(),
	});
	return h('section', { class: 'card case-log', id: 'case-log', 'aria-labelledby': 'case-log-toggle' },
	    h('h2', { class: 'disclosure-heading' }, log.toggle), log.panel);
}

// Vocabulary options plus codes of the data the list does not know (shown
// as they are), so an edit keeps them.
function withUnknown(options, codes) {
	const known = new Set(options.map(([code]) => code));
	return [...options, ...codes.filter((x) => x && !known.has(x)).map((x) => [x, x])];
}

// The fields of "Redigera ärende", filled from the case.
function caseFields(c, counties) {
	const wide = { class: 'input-wide' };
	const title = inputField({
		label: t('newCase.caseTitle'), id: 'edit-case-title', name: 'title',
		maxlength: '200', required: true, value: c.title || '', ...wide,
	});
	const summary = textareaField({
		label: t('newCase.summary'), optional: true, id: 'edit-case-summary', name: 'summary',
		rows: '4', maxlength: '10000', value: c.summary || '', ...wide,
	});
	const county = selectField({
		label: t('newCase.county'), id: 'edit-case-county', name: 'county',
		choose: c.county ? undefined : t('newCase.countyChoose'),
		options: countyOptions(counties), value: c.county || '',
	});
	const checked = Array.isArray(c.exploitation) ? c.exploitation : [];
	const exploitation = choiceGroup({
		legend: t('newCase.exploitation'), hint: t('newCase.exploitationHint'),
		name: 'exploitation', checked,
		options: withUnknown(vocab.options('exploitation_forms'), checked),
	});
	return {
		nodes: [
			title.wrap, summary.wrap,
			h('div', { class: 'row' }, county.wrap),
			exploitation.wrap,
		],
		fields: {
			title: textValue(title),
			summary: textValue(summary),
			county: textValue(county),
			exploitation: choiceValue(exploitation),
		},
		errorFields: { title, summary, county, exploitation },
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
		} else if (name === 'summary') {
			body[name] = norm(v);
		} else if (name === 'county') {
			if (v)
				body.county = v;
			else
				errors.push({ field: 'county', message: t('newCase.requiredCounty') });
		} else {
			body[name] = v;   // exploitation (list)
		}
	}
	return { body, errors };
}

// "f. 1990" from a birth year, "ca 25 år" from an age estimate.
function ageText(p) {
	if (Number.isInteger(p.birth_year))
		return t('persons.bornIn', { year: p.birth_year });
	if (Number.isInteger(p.age_estimate))
		return t('persons.aboutAge', { age: p.age_estimate });
	return t('dash');
}

// The persons of the case already called `pseudonym` (case and spacing
// ignored).
function samePseudonym(c, pseudonym) {
	const key = (s) => String(s || '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase('sv');
	const want = key(pseudonym);
	return want ? (c.persons || []).filter((p) => key(p.pseudonym) === want) : [];
}

// "Lägg till person": a panel under the persons table. A pseudonym that a
// person of the case has already is not sent until the user confirms that
// this is someone else (a box that appears with the warning).
function buildPersonForm(ctx, getCase, languages, msgHost, done) {
	const panelId = uid('person-form');
	const f = personFields({ prefix: 'person', languages });
	const dupCheck = checkField({ id: 'person-duplicate-ok', label: t('persons.duplicateConfirm') });
	const dupText = h('p', { class: 'alert-text', id: 'person-duplicate-text' });
	const dupBox = h('div', { class: 'alert alert-warn', id: 'person-duplicate', hidden: true },
	    dupText, dupCheck.wrap);
	dupCheck.control.setAttribute('aria-describedby', dupText.id);
	const hideDup = () => {
		dupBox.hidden = true;
		dupCheck.control.checked = false;
	};
	// A changed pseudonym needs its own confirmation.
	f.pseudonym.control.addEventListener('input', hideDup);
	const formValues = () => {
		const values = {};
		for (const [name, x] of Object.entries(f.controls))
			values[name] = x.get ? x.get() : x.control.value;
		return values;
	};
	// the duplicate check: possible duplicates in this and other cases,
	// searched when a field they are matched on has changed.
	const matches = matchPanel({ id: 'person-matches', getValues: formValues, getCaseId: () => getCase().id });
	for (const x of [f.pseudonym, f.birthYear, f.citizenship, f.identityFields.id_number,
		f.identityFields.full_name, f.identityFields.date_of_birth]) {
		x.control.addEventListener('focusout', (ev) => {
			// Not on the way to the buttons: the page must not move under
			// the pointer ("Spara person" asks itself).
			if (!(ev.relatedTarget && ev.relatedTarget.closest('.form-actions')))
				matches.check();
		});
	}
	const panel = disclosure({
		id: 'add-person', text: t('persons.add'), panelId, panelClass: 'form-panel',
		onOpen: () => f.pseudonym.control.focus(),
		onClose() {
			form.reset();
			f.languages.reset();
			hideDup();
			matches.reset();
			f.identityBlock.open = false;
		},
	});
	const nodes = [...f.nodes, matches.node];
	nodes.splice(1, 0, dupBox);
	const form = createForm(ctx, {
		id: 'person-form', labelledBy: `${panelId}-title`,
		fields: f.errorFields, body: nodes, clears: msgHost,
		submit: { id: 'person-submit', text: t('persons.submit') },
		cancel: { text: t('persons.cancel'), onClick: () => panel.close(true) },
		collect() {
			const out = newPersonBody(formValues());
			const same = samePseudonym(getCase(), out.body.pseudonym);
			if (!out.errors.length && same.length && !dupCheck.control.checked) {
				dupText.textContent = t('persons.duplicate', { name: out.body.pseudonym, count: same.length });
				dupBox.hidden = false;
				out.errors.push({ field: 'pseudonym', message: t('persons.duplicateError') });
			}
			// The possible duplicates of these values first: saved at once
			// when there is nothing more to see, else shown (and saved on
			// the next press).
			if (!out.errors.length && !matches.ready()) {
				matches.ensure().then((res) => {
					if (!matches.needsLook(res))
						form.el.requestSubmit();
					else
						matches.focus();
				});
				return null;
			}
			return out;
		},
		send: (body) => api.addPerson(getCase().id, body),
		async done() {
			panel.close(false);
			hideDup();
			matches.reset();
			ctx.announce(t('persons.added'), { kind: 'success' });
			await done();
			panel.toggle.focus();
		},
	});
	panel.panel.append(h('h3', { id: `${panelId}-title` }, t('persons.addTitle')), form.el);
	return panel;
}

// "Lägg till i teamet": an organisation, or one user of it, and the access.
function buildTeamForm(ctx, getCase, orgs, msgHost, done) {
	const panelId = uid('team-form');
	const sortedOrgs = [...orgs].sort((a, b) => ref.displayName(a).localeCompare(ref.displayName(b), 'sv'));
	const organization = selectField({
		label: t('team.organization'), id: 'member-organization', name: 'organization',
		choose: t('team.organizationChoose'),
		options: sortedOrgs.map((o) => [o.code, `${ref.displayName(o)} (${o.code})`]),
	});
	const username = inputField({
		label: t('team.username'), hint: t('team.usernameHint'), optional: true,
		id: 'member-username', name: 'username', autocapitalize: 'none', spellcheck: 'false',
	});
	// The lesser access, pseudonymised, is preselected.
	const accessOptions = vocab.options('team_access');
	const access = selectField({
		label: t('team.access'), id: 'member-access', name: 'access', options: accessOptions,
		value: accessOptions.some(([code]) => code === 'pseudonymous') ? 'pseudonymous' : undefined,
	});
	const panel = disclosure({
		id: 'add-member', text: t('team.add'), panelId, panelClass: 'form-panel',
		onOpen: () => organization.control.focus(),
		onClose: () => form.reset(),
	});
	const form = createForm(ctx, {
		id: 'member-form', labelledBy: `${panelId}-title`, autocomplete: null,
		fields: { organization, username, access }, clears: msgHost,
		body: h('div', { class: 'row' }, organization.wrap, username.wrap, access.wrap),
		submit: { id: 'member-submit', text: t('team.submit') },
		cancel: { text: t('team.cancel'), onClick: () => panel.close(true) },
		collect() {
			const body = { organization: organization.control.value, access: access.control.value };
			const u = username.control.value.trim();
			if (u)
				body.username = u;
			const errors = body.organization ? []
				: [{ field: 'organization', message: t('team.requiredOrganization') }];
			return { body, errors };
		},
		send: (body) => api.addTeamMember(getCase().id, body),
		async done() {
			panel.close(false);
			ctx.announce(t('team.added'), { kind: 'success' });
			await done();
			panel.toggle.focus();
		},
	});
	panel.panel.append(h('h3', { id: `${panelId}-title` }, t('team.addTitle')), form.el);
	return panel;
}
