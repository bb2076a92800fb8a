// Audit log (#/audit), for auditors: every entry, newest first, in a dense
// table paged with "Visa fler". Filters: "Endast flaggade" and one case id
// (checked as a UUID here; the server's 400 is shown at the field). The
// filters live in memory only, never in the URL.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as ref from '../ref.js';
import { setTitle, pageHeading } from '../ui.js';
import { inputField, checkField } from '../form.js';
import { pagedTable } from '../table.js';
import {
	PAGE, auditColumns, auditRowProps, auditCount, normalizeUuid,
} from '../audit-table.js';

const filters = { flagged: false, caseId: '' };

export async function render(ctx) {
	setTitle('audit.title');
	// Organisation names (for a title on the code) are a nicety only.
	let orgs = [];
	try {
		orgs = await ref.organizations();
	} catch (err) {
		if (err.status === 401 || !ctx.isCurrent())
			return;
	}
	if (!ctx.isCurrent())
		return;
	const orgName = (code) => ref.nameOf(orgs, code);

	const flaggedField = checkField({
		label: t('audit.flaggedOnly'), id: 'audit-flagged', name: 'flagged', checked: filters.flagged,
	});
	const flagged = flaggedField.control;
	const caseField = inputField({
		label: t('audit.case'), hint: t('audit.caseHint'), optional: true, className: 'field-case',
		id: 'audit-case', name: 'case', autocapitalize: 'none', spellcheck: 'false',
		class: 'input-id', value: filters.caseId,
	});
	const clear = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'audit-clear',
		hidden: !(filters.flagged || filters.caseId),
		on: { click: () => clearFilters() },
	}, t('audit.clear'));

	const list = pagedTable(ctx, {
		id: 'audit-table',
		caption: t('audit.caption'),
		className: 'log-table',
		columns: auditColumns({ orgName }),
		rowProps: auditRowProps,
		fetchPage: (cursor, signal) => api.listAudit({
			limit: PAGE, cursor,
			case: filters.caseId || undefined,
			flagged: filters.flagged ? 'true' : undefined,
		}, signal),
		emptyText: () => (filters.flagged || filters.caseId ? t('audit.emptyFiltered') : t('audit.empty')),
		countText: auditCount,
		moreText: t('audit.more'),
		onError: (err) => {
			// A case id the server will not take: said at the field.
			if (err.status === 400 && filters.caseId) {
				caseField.setError(err.problem && err.problem.detail ? err.problem.detail : t('audit.caseInvalid'));
				caseField.control.focus();
				return true;
			}
			return false;
		},
	});

	const form = h('form', {
		class: 'filters audit-filters', role: 'search', 'aria-label': t('audit.filters'), novalidate: true,
		on: { submit: (ev) => { ev.preventDefault(); apply(); } },
	},
	flaggedField.wrap,
	caseField.wrap,
	h('div', { class: 'field field-actions' },
	    h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-apply' }, t('audit.apply')),
	    clear));

	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('audit.title'))),
	    h('p', { class: 'lead' }, t('audit.intro')),
	    form, list.el);

	// Reads both filters; a case id that is not one is not sent.
	function apply() {
		const raw = caseField.control.value.trim();
		const id = raw ? normalizeUuid(raw) : '';
		if (id === null) {
			caseField.setError(t('audit.caseInvalid'));
			caseField.control.focus();
			return;
		}
		caseField.setError(null);
		if (raw && id !== raw)
			caseField.control.value = id;
		filters.caseId = id;
		filters.flagged = flagged.checked;
		clear.hidden = !(filters.flagged || filters.caseId);
		list.load();
	}

	function clearFilters() {
		flagged.checked = false;
		caseField.control.value = '';
		caseField.setError(null);
		filters.flagged = false;
		filters.caseId = '';
		clear.hidden = true;
		caseField.control.focus();
		list.load();
	}

	flagged.addEventListener('change', () => apply());

	await list.load();
}

export function resetFilters() {
	filters.flagged = false;
	filters.caseId = '';
}
