// The audit log's columns (#/audit, the case page's "Ärendets logg") and
// what the nödåtkomst grants (#/audit/break-glass) share with them: case
// numbers (a button that shows that case's log, where the page can), a
// person's pseudonym linked to the person where the reader may see it,
// times, action labels. The tables themselves are table.js's pagedTable.

import { h } from './dom.js';
import { t, label, formatDateTimeSeconds } from './i18n.js';

export const PAGE = 50;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A case id as the server takes it (lowercase), or null when it is none.
export function normalizeUuid(text) {
	const v = String(text || '').trim().toLowerCase();
	return UUID_RE.test(v) ? v : null;
}

export function shortId(id) {
	return id ? String(id).slice(0, 8) : '';
}

// An id shown by its first 8 characters; the whole id is in the title.
export function idText(id) {
	if (!id)
		return h('span', { class: 'muted' }, t('dash'));
	return h('span', { class: 'id-short', title: String(id), dataset: { id: String(id) } }, shortId(id));
}

export function timeText(iso) {
	return h('time', { datetime: iso || '' }, formatDateTimeSeconds(iso));
}

// A case by its number: a button that shows its log (onCase), or the
// number as text; the id is in the title either way.
export function caseText(id, number, onCase) {
	if (!id)
		return h('span', { class: 'muted' }, t('dash'));
	if (!number)
		return idText(id);
	if (!onCase)
		return h('span', { class: 'case-number', title: String(id), dataset: { id: String(id) } }, number);
	return h('button', {
		type: 'button', class: 'link-button case-number', title: String(id), dataset: { id: String(id) },
		'aria-label': t('audit.showCase', { number }),
		on: { click: () => onCase(number) },
	}, number);
}

// "case:<id>" → "Ärende NMT-2026-00002"; "person:<id>" → "Person <pseudonym>"
// linked to the person when the entry carries it; "user:<name>" →
// "Användare name".
function objectText(e) {
	const object = e.object;
	if (!object)
		return h('span', { class: 'muted' }, t('dash'));
	const i = object.indexOf(':');
	if (i < 0)
		return h('span', { class: 'id-short' }, object);
	const kind = object.slice(0, i);
	const rest = object.slice(i + 1);
	let name;
	if (kind === 'person' && e.pseudonym)
		name = h('a', { href: `#/persons/${encodeURIComponent(rest)}`, class: 'object-name' }, e.pseudonym);
	else if (kind === 'case' && rest === e.case && e.case_number)
		name = h('span', { class: 'object-name' }, e.case_number);
	else
		name = UUID_RE.test(rest) ? h('span', { class: 'id-short' }, shortId(rest)) : h('span', { class: 'object-name' }, rest);
	return h('span', { class: 'object', title: object },
	    h('span', { class: 'object-kind' }, label('auditObject', kind)), ' ', name);
}

// The columns of an audit table (table.js); withCase adds "Ärende" (with
// onCase(number), a button showing that case's log), orgName(code) gives an
// organisation's name for the title on its code.
export function auditColumns({ withCase = true, orgName, onCase } = {}) {
	const muted = (text) => h('span', { class: 'muted' }, text);
	return [
		{ key: 'seq', label: t('audit.col.seq'), className: 'col-num', rowHeader: true, cell: (e) => String(e.seq) },
		{ key: 'at', label: t('audit.col.at'), className: 'nowrap', cell: (e) => timeText(e.at) },
		{ key: 'actor', label: t('audit.col.actor'), className: 'cell-actor', cell: (e) => e.actor || muted(t('audit.unknownActor')) },
		{
			key: 'organization', label: t('audit.col.organization'), className: 'nowrap',
			cell: (e) => {
				const org = e.organization || '';
				if (!org)
					return muted(t('dash'));
				const name = orgName ? orgName(org) : null;
				return h('span', { title: name && name !== org ? name : null }, org);
			},
		},
		{ key: 'action', label: t('audit.col.action'), className: 'cell-action', cell: (e) => h('span', { title: e.action || null }, label('auditAction', e.action)) },
		{ key: 'object', label: t('audit.col.object'), className: 'nowrap cell-object', cell: (e) => objectText(e) },
		withCase ? { key: 'case', label: t('audit.col.case'), className: 'nowrap cell-case', cell: (e) => caseText(e.case, e.case_number, onCase) } : null,
		{ key: 'client', label: t('audit.col.client'), className: 'nowrap cell-client', cell: (e) => e.client || muted(t('dash')) },
		{
			key: 'flagged', label: t('audit.col.flagged'), className: 'cell-flag',
			cell: (e) => (e.flagged
				? h('span', { class: 'badge badge-flagged' }, t('audit.flagged'))
				: h('span', { class: 'visually-hidden' }, t('no'))),
		},
	].filter(Boolean);
}

// The <tr> attributes of an audit entry.
export function auditRowProps(e) {
	return {
		class: e.flagged ? 'row-flagged' : null,
		dataset: { seq: String(e.seq), action: e.action || '', flagged: e.flagged ? 'true' : 'false' },
	};
}

// Count line of an audit table.
export function auditCount(n, hasMore) {
	if (hasMore)
		return t('audit.countMore', { n });
	return n === 1 ? t('audit.countOne') : t('audit.count', { n });
}
