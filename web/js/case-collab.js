// The case page's collaboration sections: "Förslag till teamet" (the
// organizations the routing rules suggest, GET …/team/suggestions, each
// with its reason, read when "Visa förslag" opens them — every reading is
// an audit entry; "Lägg till föreslagna" adds those the rules name with
// the access chosen, through the team endpoint one by one), offered where
// the case's `allowed` has add_member, and "Uppdrag" (the case's tasks,
// which come with the case, with their actions; "Skicka uppdrag":
// organization, title, description, last day, person and access, offered
// with add_member too: sending a task is the same right on the server).

import { api } from './api.js';
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import * as ref from './ref.js';
import * as vocab from './vocab.js';
import { alertBox, errorMessage } from './ui.js';
import { createForm, disclosure, inputField, selectField, textareaField } from './form.js';
import { dataTable } from './table.js';
import { taskColumns, taskActions, doneText } from './tasks-ui.js';

/*
 * collabSections(ctx, {getCase, orgs, refresh}) → {suggestions, tasks,
 * load()}: two <section>s and the loader that fills them (after the case
 * or its team changed). refresh() reloads the case (team and allowed).
 */
export function collabSections(ctx, { getCase, orgs, refresh }) {
	const orgName = (code) => ref.nameOf(orgs, code) || code;
	const may = (action) => Array.isArray(getCase().allowed) && getCase().allowed.includes(action);

	// ---- suggestions ----
	const sHeading = h('h2', { id: 'suggestions-heading', tabindex: '-1' }, t('suggest.title'));
	const sBody = h('div', { class: 'section-body' });
	const sMsg = h('div', { class: 'section-message' });
	const accessOptions = vocab.options('team_access');
	const sAccess = selectField({
		label: t('suggest.access'), id: 'suggest-access', name: 'access', options: accessOptions,
		value: accessOptions.some(([code]) => code === 'pseudonymous') ? 'pseudonymous' : undefined,
	});
	const addAll = h('button', {
		type: 'button', class: 'btn btn-primary', id: 'suggest-add',
		on: { click: () => addSuggested() },
	}, t('suggest.addAll'));
	// Hidden until the suggestions are read: before, there is nothing to add.
	const sTools = h('div', { class: 'suggest-tools', hidden: true }, sAccess.wrap, addAll);
	let suggestions = [];

	function paintSuggestions() {
		const named = suggestions.filter((s) => s.organization);
		sTools.hidden = !may('add_member') || named.length === 0;
		if (suggestions.length === 0) {
			sBody.replaceChildren(h('p', { class: 'empty', id: 'suggest-empty' }, t('suggest.empty')));
			return;
		}
		sBody.replaceChildren(h('ul', { class: 'suggest-list', id: 'suggest-list' }, suggestions.map((s) =>
			h('li', { dataset: { org: s.organization || `kind:${s.kind}` } },
			    h('strong', null, s.organization ? `${s.name || orgName(s.organization)} (${s.organization})`
				: t('suggest.kind', { kind: t(`suggest.kinds.${s.kind}`) })),
			    h('span', { class: 'suggest-reason' }, ` – ${vocab.label('suggestion_reasons', s.reason)}`)))));
	}

	async function addSuggested() {
		sMsg.replaceChildren();
		const access = sAccess.control.value;
		let added = 0;
		addAll.disabled = true;
		try {
			for (const s of suggestions.filter((x) => x.organization)) {
				await api.addTeamMember(getCase().id, { organization: s.organization, access });
				added += 1;
			}
		} catch (err) {
			if (err.status !== 401 && ctx.isCurrent())
				sMsg.replaceChildren(alertBox(errorMessage(err)));
		} finally {
			addAll.disabled = false;
		}
		if (!ctx.isCurrent())
			return;
		if (added)
			ctx.announce(t('suggest.added', { n: added }), { kind: 'success' });
		await refresh();
		sHeading.focus();
	}

	// Shown on demand ("Visa förslag"): each reading is an audit entry.
	const shown = disclosure({
		id: 'suggest-show', text: t('suggest.show'), panelId: 'suggest-panel',
		content: [h('p', { class: 'section-intro' }, t('suggest.intro')), sMsg, sBody, sTools],
		onOpen: () => loadSuggestions(),
	});
	const suggestionsEl = h('section', { class: 'card', 'aria-labelledby': 'suggestions-heading', id: 'suggestions' },
	    h('div', { class: 'section-head' }, sHeading, shown.toggle), shown.panel);

	// ---- tasks ----
	const tHeading = h('h2', { id: 'tasks-heading', tabindex: '-1' }, t('tasks.caseTitle'));
	const tBody = h('div', { class: 'section-body' });
	const tMsg = h('div', { class: 'section-message' });
	const form = sendForm(ctx, { getCase, orgs, msgHost: tMsg, done: () => reload() });

	// After a change of a task: the case again (with its tasks).
	async function reload() {
		await refresh();
	}

	async function changed(task, verb) {
		ctx.announce(doneText(verb), { kind: 'success' });
		await reload();
		tHeading.focus();
	}

	function paintTasks(items) {
		tBody.replaceChildren(dataTable({
			id: 'case-tasks-table', caption: t('tasks.caseCaption'), items, stack: true,
			empty: { id: 'case-tasks-empty', text: t('tasks.caseEmpty') },
			rowProps: (x) => ({ dataset: { id: x.id, status: x.status } }),
			columns: taskColumns({ orgName, direction: 'both', actions: (x) => taskActions(ctx, x, changed) })
				.filter((c) => c.key !== 'case'),
		}));
	}

	const tasksEl = h('section', { class: 'card', 'aria-labelledby': 'tasks-heading', id: 'tasks' },
	    h('div', { class: 'section-head' }, tHeading, form.toggle),
	    tMsg, tBody, form.panel);

	// What the suggestions depend on: read again (each reading is an
	// audit entry) only when it changed while they are shown.
	let loadedFor = null;
	const basis = () => JSON.stringify([getCase().status, getCase().exploitation,
		(getCase().team || []).map((m) => [m.organization, m.username]),
		(getCase().persons || []).map((p) => [p.id, p.citizenship, p.is_child])]);

	// After each paint of the case: its tasks and `allowed` are new.
	async function load() {
		form.toggle.hidden = !may('add_member');
		if (!may('add_member'))
			form.close(false);
		paintTasks(getCase().tasks || []);
		suggestionsEl.hidden = !may('add_member');
		if (shown.isOpen() && loadedFor !== basis())
			await loadSuggestions();
	}

	async function loadSuggestions() {
		sMsg.replaceChildren();
		sTools.hidden = true;
		loadedFor = basis();
		try {
			const r = await api.teamSuggestions(getCase().id);
			if (!ctx.isCurrent())
				return;
			suggestions = r.items || [];
			paintSuggestions();
		} catch (err) {
			if (err.status !== 401 && ctx.isCurrent())
				sMsg.replaceChildren(alertBox(errorMessage(err)));
		}
	}

	return { suggestions: suggestionsEl, tasks: tasksEl, load };
}

// "Skicka uppdrag": the form in its disclosure panel.
function sendForm(ctx, { getCase, orgs, msgHost, done }) {
	const panelId = uid('task-form');
	const mine = ctx.user && ctx.user.organization ? ctx.user.organization.code : '';
	const sortedOrgs = [...orgs].filter((o) => o.code !== mine)
		.sort((a, b) => ref.displayName(a).localeCompare(ref.displayName(b), 'sv'));
	const organization = selectField({
		label: t('tasks.form.organization'), id: 'task-organization', name: 'organization',
		choose: t('tasks.form.organizationChoose'),
		options: sortedOrgs.map((o) => [o.code, `${ref.displayName(o)} (${o.code})`]),
	});
	const title = inputField({ label: t('tasks.form.title'), id: 'task-title', name: 'title', maxlength: 200 });
	const description = textareaField({
		label: t('tasks.form.description'), optional: true, id: 'task-description', name: 'description', rows: 3,
	});
	const due = inputField({
		label: t('tasks.form.due'), hint: t('tasks.form.dueHint'), optional: true, id: 'task-due', name: 'due', type: 'date',
	});
	const person = selectField({
		label: t('tasks.form.person'), optional: true, id: 'task-person', name: 'person',
		choose: t('tasks.form.personNone'), options: [],
	});
	const accessOptions = vocab.options('team_access');
	const access = selectField({
		label: t('tasks.form.access'), hint: t('tasks.form.accessHint'), id: 'task-access', name: 'access',
		options: accessOptions,
		value: accessOptions.some(([code]) => code === 'pseudonymous') ? 'pseudonymous' : undefined,
	});
	const panel = disclosure({
		id: 'send-task', text: t('tasks.send'), panelId, panelClass: 'form-panel',
		onOpen: () => {
			const persons = getCase().persons || [];
			person.control.replaceChildren(h('option', { value: '' }, t('tasks.form.personNone')),
			    ...persons.map((p) => h('option', { value: p.id }, p.pseudonym)));
			organization.control.focus();
		},
		onClose: () => f.reset(),
	});
	const f = createForm(ctx, {
		id: 'task-form', labelledBy: `${panelId}-title`,
		fields: { organization, title, description, due, person, access }, clears: msgHost,
		body: h('div', null,
		    h('div', { class: 'row' }, organization.wrap, access.wrap),
		    title.wrap, description.wrap,
		    h('div', { class: 'row' }, due.wrap, person.wrap)),
		submit: { id: 'task-submit', text: t('tasks.form.submit') },
		cancel: { text: t('tasks.cancel'), onClick: () => panel.close(true) },
		collect() {
			const body = {
				organization: organization.control.value,
				title: title.control.value.trim(),
				access: access.control.value,
			};
			const d = description.control.value.trim();
			if (d)
				body.description = d;
			if (due.control.value)
				body.due = due.control.value;
			if (person.control.value)
				body.person = person.control.value;
			const errors = [];
			if (!body.organization)
				errors.push({ field: 'organization', message: t('tasks.form.requiredOrganization') });
			if (!body.title)
				errors.push({ field: 'title', message: t('tasks.form.requiredTitle') });
			return { body, errors };
		},
		send: (body) => api.sendTask(getCase().id, body),
		async done() {
			panel.close(false);
			ctx.announce(t('tasks.sent'), { kind: 'success' });
			await done();
			panel.toggle.focus();
		},
	});
	panel.panel.append(h('h3', { id: `${panelId}-title` }, t('tasks.form.title3')), f.el);
	return panel;
}
