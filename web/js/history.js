// "Ändringshistorik" on the case and person pages: a collapsed section that
// reads the object's change history (GET /api/v1/{cases|persons}/<id>/history)
// each time it is opened, newest change first: when, who (organisation),
// which field, before and after. Identity fields are named only; the server
// never sends their values, and the table says so.

import { api } from './api.js';
import { h } from './dom.js';
import { t, has, formatDateTime } from './i18n.js';
import * as vocab from './vocab.js';
import { disclosure } from './form.js';
import { pagedTable } from './table.js';

const PAGE = 50;

// Fields whose values are codes of a vocabulary.
const CODED = {
	status: 'case_statuses',
	exploitation: 'exploitation_forms',
	gender: 'genders',
	protected_identity: 'protection_levels',
};

// A field's name in the UI's words; a field the UI does not know as it is.
function fieldName(field) {
	const key = `history.field.${field}`;
	return has(key) ? t(key) : field;
}

function valueText(field, v) {
	if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0))
		return h('span', { class: 'muted' }, t('history.empty'));
	if (typeof v === 'boolean')
		return v ? t('yes') : t('no');
	const one = (x) => (CODED[field] ? vocab.label(CODED[field], x) : String(x));
	return h('span', { class: 'history-value' }, Array.isArray(v) ? v.map(one).join(', ') : one(v));
}

// One row per changed field, with the version's time and author.
function rows(items) {
	return items.flatMap((v) => (v.changes || []).map((ch, i) => ({ ...ch, version: v, first: i === 0 })));
}

/*
 * historySection(ctx, {kind: 'case' | 'person', id, orgName}) → the section
 */
export function historySection(ctx, { kind, id, orgName }) {
	const fetch = kind === 'case' ? api.caseHistory : api.personHistory;
	const list = pagedTable(ctx, {
		id: `${kind}-history-table`,
		caption: t('history.caption'),
		className: 'history-table',
		stack: true,
		columns: [
			{
				key: 'at', label: t('history.col.at'), rowHeader: true,
				cell: (r) => h('time', { datetime: r.version.at || '' }, formatDateTime(r.version.at)),
			},
			{
				key: 'actor', label: t('history.col.actor'),
				cell: (r) => {
					const a = r.version.actor || {};
					return t('history.by', { user: a.username || t('dash'), org: orgName(a.organization) });
				},
			},
			{ key: 'field', label: t('history.col.field'), cell: (r) => fieldName(r.field) },
			{
				key: 'from', label: t('history.col.from'),
				cell: (r) => (r.field.startsWith('identity.')
					? h('span', { class: 'muted' }, t('history.hidden')) : valueText(r.field, r.from)),
			},
			{
				key: 'to', label: t('history.col.to'),
				cell: (r) => (r.field.startsWith('identity.')
					? h('span', { class: 'muted' }, t('history.hidden')) : valueText(r.field, r.to)),
			},
		],
		rowProps: (r) => ({ class: r.first ? 'history-version' : null, dataset: { version: String(r.version.version) } }),
		fetchPage: async (cursor, signal) => {
			const page = await fetch(id, { limit: PAGE, cursor }, signal);
			return { items: rows(page.items || []), next_cursor: page.next_cursor };
		},
		emptyText: () => t('history.none'),
		countText: (n, more) => (more ? t('history.countMore', { n }) : t('history.count', { n })),
		moreText: t('history.more'),
	});
	const panel = disclosure({
		id: `${kind}-history-toggle`, text: t('history.title'), className: 'disclosure',
		panelId: `${kind}-history-panel`, panelClass: 'disclosure-panel',
		content: [h('p', { class: 'muted' }, t(kind === 'case' ? 'history.introCase' : 'history.introPerson')), list.el],
		onOpen: () => list.load(),
		onClose: () => list.reset(),
	});
	return h('section', {
		class: 'card history', id: `${kind}-history`, 'aria-labelledby': `${kind}-history-toggle`,
	}, h('h2', { class: 'disclosure-heading' }, panel.toggle), panel.panel);
}
