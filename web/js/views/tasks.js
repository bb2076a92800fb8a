// "Uppdrag" (#/tasks): the organization's inbox — tasks sent to it, with
// "Acceptera", "Avböj" and "Slutför" as each task allows — and the tasks
// sent from it ("Återkalla"); "Bara försenade" shows only unfinished tasks
// past their last day. #/tasks/<id> is one task with its actions; the
// notifications link there. Ids only in the URL; titles carry no data.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage, definitionList } from '../ui.js';
import { checkField } from '../form.js';
import { pagedTable } from '../table.js';
import { taskColumns, taskActions, statusBadge, overdueBadge, doneText } from '../tasks-ui.js';

const PAGE = 50;

function count(n, more) {
	if (more)
		return t('tasks.countMore', { n });
	return n === 1 ? t('tasks.countOne') : t('tasks.count', { n });
}

export async function render(ctx) {
	if (ctx.params[0])
		return renderOne(ctx, decodeURIComponent(ctx.params[0]));
	setTitle('tasks.title');
	const orgs = await ref.organizations().catch(() => []);
	if (!ctx.isCurrent())
		return;
	const orgName = (code) => ref.nameOf(orgs, code) || code;
	const overdue = checkField({ label: t('tasks.onlyOverdue'), id: 'tasks-overdue', name: 'overdue' });
	const lists = {};
	async function changed(task, verb) {
		ctx.announce(doneText(verb), { kind: 'success' });
		await Promise.all([lists.received.load(), lists.sent.load()]);
	}
	for (const direction of ['received', 'sent']) {
		lists[direction] = pagedTable(ctx, {
			id: `tasks-${direction}`,
			caption: t(`tasks.${direction}.caption`),
			columns: taskColumns({ orgName, direction: direction === 'received' ? 'in' : 'out',
				actions: (x) => taskActions(ctx, x, changed) }),
			rowProps: (x) => ({ dataset: { id: x.id, status: x.status } }),
			stack: true,
			fetchPage: (cursor, signal) => api.listTasks({ direction, limit: PAGE, cursor,
				overdue: overdue.control.checked ? 'true' : undefined }, signal),
			emptyText: () => t(`tasks.${direction}.empty`),
			countText: count,
			moreText: t('tasks.more'),
		});
	}
	overdue.control.addEventListener('change', () => {
		lists.received.load();
		lists.sent.load();
	});
	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('tasks.title'))),
	    h('p', { class: 'lead' }, t('tasks.intro')),
	    h('div', { class: 'filters' }, overdue.wrap),
	    h('section', { class: 'card', 'aria-labelledby': 'tasks-received-heading' },
	        h('h2', { id: 'tasks-received-heading' }, t('tasks.received.title')), lists.received.el),
	    h('section', { class: 'card', 'aria-labelledby': 'tasks-sent-heading' },
	        h('h2', { id: 'tasks-sent-heading' }, t('tasks.sent.title')), lists.sent.el));
	await Promise.all([lists.received.load(), lists.sent.load()]);
}

async function renderOne(ctx, id) {
	setTitle('tasks.one');
	let task, orgs;
	try {
		[task, orgs] = await Promise.all([api.getTask(id), ref.organizations().catch(() => [])]);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(
		    h('p', { class: 'breadcrumb' }, h('a', { href: '#/tasks' }, t('tasks.back'))),
		    pageHeading(t('tasks.one')),
		    alertBox(err.status === 404 ? t('tasks.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;
	const orgName = (code) => ref.nameOf(orgs, code) || code;
	const host = h('div');
	function paint(x) {
		const facts = [
			[t('tasks.col.status'), [statusBadge(x), ' ', overdueBadge(x)]],
			[t('tasks.col.case'), h('a', { href: `#/cases/${encodeURIComponent(x.case)}`, id: 'task-case' }, x.case_number)],
			[t('tasks.col.from'), `${orgName(x.from_organization)} (${x.from_user})`],
			[t('tasks.col.to'), orgName(x.organization)],
			[t('tasks.col.access'), vocab.label('team_access', x.access)],
			[t('tasks.col.due'), x.due || t('tasks.noDue')],
			x.person ? [t('tasks.col.person'), h('a', { href: `#/persons/${encodeURIComponent(x.person)}` }, x.pseudonym)] : null,
			[t('tasks.col.sent'), formatDateTime(x.created_at)],
			x.description ? [t('tasks.form.description'), h('p', { class: 'prose', id: 'task-description' }, x.description)] : null,
			x.reason ? [t('tasks.reason'), h('p', { class: 'prose', id: 'task-reason' }, x.reason)] : null,
			x.outcome ? [t('tasks.outcome'), h('p', { class: 'prose', id: 'task-outcome' }, x.outcome)] : null,
		];
		host.replaceChildren(definitionList(facts), taskActions(ctx, x, async (updated, verb) => {
			ctx.announce(doneText(verb), { kind: 'success' });
			paint(updated);
			document.getElementById('task-heading')?.focus();
		}));
	}
	paint(task);
	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/tasks' }, t('tasks.back'))),
	    pageHeading(task.title, { id: 'task-heading' }),
	    h('section', { class: 'card' }, host));
}
