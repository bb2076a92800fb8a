// Audit log (#/audit), for auditors: every entry, newest first, in a dense
// table paged with "Visa fler". Filters: "Endast flaggade", one case (its
// number, or its id; anything else is refused at the field), user,
// organization, event and a date range (Swedish dates, both days
// included); the server's 400 is shown at its field. A case number in the
// table shows that case's log. "Exportera CSV" downloads the filtered log.
// The filters live in memory only, never in the URL.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, label, has } from '../i18n.js';
import * as ref from '../ref.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { inputField, checkField, selectField } from '../form.js';
import { pagedTable } from '../table.js';
import {
	PAGE, auditColumns, auditRowProps, auditCount, normalizeUuid,
} from '../audit-table.js';

const filters = { flagged: false, caseId: '', user: '', organization: '', action: '', from: '', to: '' };

const CASE_NUMBER_RE = /^NMT-\d{4}-\d{5}$/i;

const ACTIONS = ['login.success', 'login.failure', 'login.locked', 'logout', 'case.create', 'case.read',
	'case.update', 'case.close', 'case.reopen', 'case.list', 'case.history', 'case.denied', 'case.write_denied',
	'journal.create', 'journal.read', 'person.create', 'person.read', 'person.update', 'person.history',
	'person.identity.read', 'person.denied', 'person.write_denied', 'person.break_glass', 'team.add',
	'team.remove', 'team.read', 'break_glass.list', 'audit.read', 'audit.export', 'user.create',
	'user.disable', 'token.create', 'token.revoke', 'key.rotate',
	'person.match', // the duplicate check (issue 8)
];

// The log of one case (by its number), from another page.
export function showCase(number) {
	resetFilters();
	filters.caseId = number;
}

// The case filter as query parameters: a number or an id.
function caseParams(text) {
	if (!text)
		return {};
	return CASE_NUMBER_RE.test(text) ? { case_number: text } : { case: text };
}

function query() {
	return {
		...caseParams(filters.caseId),
		user: filters.user || undefined,
		organization: filters.organization || undefined,
		action: filters.action || undefined,
		from: filters.from || undefined,
		to: filters.to || undefined,
		flagged: filters.flagged ? 'true' : undefined,
	};
}

const anyFilter = () => Boolean(filters.flagged || filters.caseId || filters.user || filters.organization ||
	filters.action || filters.from || filters.to);

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
	const userField = inputField({
		label: t('audit.user'), optional: true, id: 'audit-user', name: 'user',
		autocapitalize: 'none', spellcheck: 'false', value: filters.user,
	});
	const orgField = selectField({
		label: t('audit.organization'), id: 'audit-organization', name: 'organization',
		choose: t('audit.organizationAll'),
		options: orgs.map((o) => [o.code, `${o.code} – ${ref.displayName(o)}`]), value: filters.organization,
	});
	const actionField = selectField({
		label: t('audit.action'), id: 'audit-action', name: 'action', choose: t('audit.actionAll'),
		options: ACTIONS.map((a) => [a, has(`auditAction.${a}`) ? label('auditAction', a) : a]), value: filters.action,
	});
	const fromField = inputField({
		label: t('audit.from'), optional: true, id: 'audit-from', name: 'from', type: 'date', value: filters.from,
	});
	const toField = inputField({
		label: t('audit.to'), optional: true, id: 'audit-to', name: 'to', type: 'date', value: filters.to,
	});
	const clear = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'audit-clear',
		hidden: !anyFilter(),
		on: { click: () => clearFilters() },
	}, t('audit.clear'));
	const exportButton = h('button', {
		type: 'button', class: 'btn btn-secondary', id: 'audit-export',
		on: { click: () => exportCsv() },
	}, t('audit.export'));
	const exportStatus = h('div', { id: 'audit-export-status', 'aria-live': 'polite' });

	const list = pagedTable(ctx, {
		id: 'audit-table',
		caption: t('audit.caption'),
		className: 'log-table',
		columns: auditColumns({ orgName, onCase: (number) => filterCase(number) }),
		rowProps: auditRowProps,
		fetchPage: (cursor, signal) => api.listAudit({ limit: PAGE, cursor, ...query() }, signal),
		emptyText: () => (anyFilter() ? t('audit.emptyFiltered') : t('audit.empty')),
		countText: auditCount,
		moreText: t('audit.more'),
		onError: (err) => showFieldErrors(err),
	});

	const form = h('form', {
		class: 'filters audit-filters', role: 'search', 'aria-label': t('audit.filters'), novalidate: true,
		on: { submit: (ev) => { ev.preventDefault(); apply(); } },
	},
	flaggedField.wrap,
	caseField.wrap,
	userField.wrap,
	orgField.wrap,
	actionField.wrap,
	fromField.wrap,
	toField.wrap,
	h('div', { class: 'field field-actions' },
	    h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-apply' }, t('audit.apply')),
	    clear));

	ctx.root.replaceChildren(
	    h('div', { class: 'page-head' }, pageHeading(t('audit.title')), exportButton),
	    h('p', { class: 'lead' }, t('audit.intro')),
	    form, exportStatus, list.el);

	const fieldOf = {
		case: caseField, case_number: caseField, user: userField, from: fromField, to: toField,
	};

	// The server's 400: said at the field it names.
	function showFieldErrors(err) {
		if (err.status !== 400)
			return false;
		let shown = null;
		for (const fe of err.fieldErrors) {
			const f = fieldOf[fe.field];
			if (f) {
				f.setError(fe.message || t('audit.invalid'));
				shown = shown || f;
			}
		}
		if (!shown && filters.caseId) {
			caseField.setError(err.problem && err.problem.detail ? err.problem.detail : t('audit.caseInvalid'));
			shown = caseField;
		}
		if (shown)
			shown.control.focus();
		return Boolean(shown);
	}

	// Reads the filters; a case that is neither a number nor an id is not sent.
	function apply() {
		const raw = caseField.control.value.trim();
		let caseText = '';
		if (raw && CASE_NUMBER_RE.test(raw))
			caseText = raw.toUpperCase();
		else if (raw)
			caseText = normalizeUuid(raw);
		for (const f of Object.values(fieldOf))
			f.setError(null);
		if (caseText === null) {
			caseField.setError(t('audit.caseInvalid'));
			caseField.control.focus();
			return false;
		}
		if (raw && caseText !== raw)
			caseField.control.value = caseText;
		filters.caseId = caseText;
		filters.flagged = flagged.checked;
		filters.user = userField.control.value.trim();
		filters.organization = orgField.control.value;
		filters.action = actionField.control.value;
		filters.from = fromField.control.value;
		filters.to = toField.control.value;
		clear.hidden = !anyFilter();
		list.load();
		return true;
	}

	// A case number in the table: that case's log.
	function filterCase(number) {
		caseField.control.value = number;
		apply();
		caseField.control.focus();
	}

	function clearFilters() {
		resetFilters();
		flagged.checked = false;
		for (const f of [caseField, userField, fromField, toField]) {
			f.control.value = '';
			f.setError(null);
		}
		orgField.control.value = '';
		actionField.control.value = '';
		clear.hidden = true;
		caseField.control.focus();
		list.load();
	}

	// The filters as shown, as one CSV file (a download).
	async function exportCsv() {
		if (!apply())
			return;
		exportButton.disabled = true;
		exportStatus.replaceChildren();
		try {
			const text = await api.exportAudit(query());
			const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
			const a = h('a', { href: url, download: 'nmt-granskningslogg.csv', hidden: true });
			document.body.appendChild(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(url), 0);
			exportStatus.replaceChildren(h('p', { class: 'export-done' }, t('audit.exported')));
		} catch (err) {
			if (err.status === 401)
				return;
			if (!showFieldErrors(err))
				exportStatus.replaceChildren(alertBox(errorMessage(err)));
		} finally {
			exportButton.disabled = false;
		}
	}

	flagged.addEventListener('change', () => apply());

	await list.load();
}

export function resetFilters() {
	filters.flagged = false;
	filters.caseId = '';
	filters.user = '';
	filters.organization = '';
	filters.action = '';
	filters.from = '';
	filters.to = '';
}
