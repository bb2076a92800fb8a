// Tasks (uppdrag) in the UI: the columns of a task table and the actions a
// task's `allowed` offers — "Acceptera", "Avböj" (with a reason),
// "Slutför" (with an outcome) and "Återkalla" (with a confirm step). Used
// by the inbox (views/tasks.js), a task's page and the case page's
// "Uppdrag" section (case-collab.js). The server decides every action;
// these offer exactly what `allowed` lists.

import { api } from './api.js';
import { h, uid } from './dom.js';
import { t, formatDateTime } from './i18n.js';
import * as vocab from './vocab.js';
import { alertBox, errorMessage } from './ui.js';
import { createForm, textareaField } from './form.js';

export function statusBadge(task) {
	return h('span', { class: ['badge', `badge-task-${task.status}`], dataset: { status: task.status } },
	    vocab.label('task_statuses', task.status));
}

export function overdueBadge(task) {
	return task.overdue ? h('span', { class: 'badge badge-overdue' }, t('tasks.overdue')) : null;
}

function dueText(task) {
	return task.due || h('span', { class: 'muted' }, t('tasks.noDue'));
}

/*
 * The columns of a task table. opts: {orgName(code), direction: 'in' |
 * 'out' | 'both', actions(task) → node}.
 */
export function taskColumns(opts) {
	const cols = [
		{
			key: 'title', label: t('tasks.col.title'), rowHeader: true,
			cell: (x) => h('a', { href: `#/tasks/${encodeURIComponent(x.id)}` }, x.title),
		},
		{
			key: 'case', label: t('tasks.col.case'), className: 'nowrap',
			cell: (x) => h('a', { href: `#/cases/${encodeURIComponent(x.case)}` }, x.case_number),
		},
	];
	if (opts.direction !== 'in')
		cols.push({ key: 'to', label: t('tasks.col.to'), cell: (x) => opts.orgName(x.organization) });
	if (opts.direction !== 'out')
		cols.push({ key: 'from', label: t('tasks.col.from'), cell: (x) => opts.orgName(x.from_organization) });
	cols.push(
	    { key: 'access', label: t('tasks.col.access'), cell: (x) => vocab.label('team_access', x.access) },
	    { key: 'due', label: t('tasks.col.due'), className: 'nowrap', cell: (x) => [dueText(x), ' ', overdueBadge(x)] },
	    { key: 'status', label: t('tasks.col.status'), cell: statusBadge },
	    { key: 'sent', label: t('tasks.col.sent'), className: 'nowrap', cell: (x) => formatDateTime(x.created_at) });
	if (opts.actions)
		cols.push({ key: 'actions', label: t('tasks.col.actions'), hideLabel: true, className: 'cell-actions', cell: opts.actions });
	return cols;
}

const may = (task, action) => Array.isArray(task.allowed) && task.allowed.includes(action);

/*
 * The buttons of a task's allowed actions, in a host that also takes the
 * reason and outcome forms and errors. onDone(task, verb) after a change.
 */
export function taskActions(ctx, task, onDone) {
	const host = h('div', { class: 'task-actions', dataset: { task: task.id } });
	const msg = h('div', { class: 'task-action-message' });
	const buttons = h('div', { class: 'button-row' });
	const label = (key) => t(key, { title: task.title });

	async function run(verb, body) {
		msg.replaceChildren();
		try {
			const updated = await api.taskAction(task.id, verb, body);
			if (ctx.isCurrent())
				await onDone(updated, verb);
		} catch (err) {
			if (err.status !== 401 && ctx.isCurrent())
				msg.replaceChildren(alertBox(errorMessage(err)));
		}
	}

	// A short form with one text (the reason or the outcome).
	function textForm(verb, field, key) {
		const id = uid(`task-${verb}`);
		const text = textareaField({ label: t(`tasks.${key}.label`), id: `${id}-text`, name: field, rows: 3 });
		const form = createForm(ctx, {
			id, label: label(`tasks.${key}.title`), fields: { [field]: text },
			body: text.wrap,
			submit: { id: `${id}-submit`, text: t(`tasks.${key}.submit`) },
			cancel: { text: t('tasks.cancel'), onClick: () => showButtons() },
			collect() {
				const value = text.control.value.trim();
				return value ? { body: { [field]: value }, errors: [] }
					: { body: null, errors: [{ field, message: t(`tasks.${key}.required`) }] };
			},
			send: (body) => api.taskAction(task.id, verb, body),
			done: (updated) => onDone(updated, verb),
		});
		buttons.replaceChildren(form.el);
		text.control.focus();
	}

	function confirmRevoke() {
		const yes = h('button', {
			type: 'button', class: 'btn btn-small btn-danger', 'aria-label': label('tasks.revokeConfirmLabel'),
			on: { click: () => run('revoke') },
		}, t('tasks.revokeConfirm'));
		const no = h('button', {
			type: 'button', class: 'btn btn-small btn-secondary',
			on: { click: () => showButtons(true) },
		}, t('tasks.keep'));
		buttons.replaceChildren(h('span', { class: 'confirm-text' }, t('tasks.revokeQuestion')), yes, no);
		yes.focus();
	}

	function button(action, key, onClick, cls = 'btn-secondary') {
		return may(task, action) ? h('button', {
			type: 'button', class: ['btn', 'btn-small', cls], dataset: { action },
			'aria-label': label(`tasks.${key}Label`), on: { click: onClick },
		}, t(`tasks.${key}`)) : null;
	}

	function showButtons(focus = false) {
		const list = [
			button('accept', 'accept', () => run('accept'), 'btn-primary'),
			button('decline', 'decline', () => textForm('decline', 'reason', 'declineForm')),
			button('complete', 'complete', () => textForm('complete', 'outcome', 'completeForm'), 'btn-primary'),
			button('revoke', 'revoke', confirmRevoke),
		].filter(Boolean);
		buttons.replaceChildren(...list);
		if (focus && list[0])
			list[0].focus();
	}

	showButtons();
	host.append(msg, buttons);
	return host;
}

// The announcement after a change: "Uppdraget har accepterats." …
export function doneText(verb) {
	return t(`tasks.done.${verb}`);
}
