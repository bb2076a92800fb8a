// Create a case (#/cases/new): title, summary, county, exploitation forms.
// Validation errors from the API (400 with "errors") are shown next to the
// fields and in an error summary; 201 goes to the new case page.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as ref from '../ref.js';
import { setTitle, pageHeading, field, choiceGroup, formErrors, errorMessage } from '../ui.js';

export const EXPLOITATION = [
	'sexual', 'forced_labour', 'unreasonable_work', 'begging', 'criminal_activities',
	'slavery_servitude', 'organ_removal', 'military_service', 'forced_marriage',
	'illegal_adoption', 'surrogacy', 'other',
];

export async function render(ctx) {
	setTitle('newCase.title');
	const counties = await ref.counties();
	if (!ctx.isCurrent())
		return;
	const sorted = [...counties].sort((a, b) => String(a.code).localeCompare(String(b.code)));

	const title = field({
		label: t('newCase.caseTitle'),
		control: h('input', { id: 'case-title', name: 'title', type: 'text', autocomplete: 'off', maxlength: '200', required: true }),
	});
	const summary = field({
		label: t('newCase.summary'),
		optional: true,
		control: h('textarea', { id: 'case-summary', name: 'summary', rows: '5', autocomplete: 'off' }),
	});
	const county = field({
		label: t('newCase.county'),
		control: h('select', { id: 'case-county', name: 'county', required: true },
		    h('option', { value: '' }, t('newCase.countyChoose')),
		    sorted.map((c) => h('option', { value: c.code }, ref.displayName(c)))),
	});
	const exploitation = choiceGroup({
		legend: t('newCase.exploitation'),
		hint: t('newCase.exploitationHint'),
		name: 'exploitation',
		options: EXPLOITATION.map((code) => [code, t(`exploitation.${code}`)]),
	});

	const summaryHost = h('div', { class: 'form-summary' });
	const errors = formErrors(summaryHost, {
		title, summary, county, exploitation,
	});
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'case-submit' },
	    t('newCase.submit'));
	let busy = false;

	const form = h('form', {
		class: 'stack-form', id: 'new-case-form', novalidate: true,
		on: {
			submit: async (ev) => {
				ev.preventDefault();
				if (busy)
					return;
				const body = {
					title: title.control.value.trim(),
					summary: summary.control.value.trim(),
					county: county.control.value,
					exploitation: exploitation.values(),
				};
				const local = [];
				if (!body.title)
					local.push({ field: 'title', message: t('newCase.requiredTitle') });
				if (!body.county)
					local.push({ field: 'county', message: t('newCase.requiredCounty') });
				if (local.length) {
					errors.show(local);
					return;
				}
				busy = true;
				submit.disabled = true;
				try {
					const created = await api.createCase(body);
					if (!ctx.isCurrent())
						return;
					ctx.announce(t('newCase.created'), { persist: true, kind: 'success' });
					ctx.navigate(`#/cases/${encodeURIComponent(created.id)}`);
				} catch (err) {
					if (!ctx.isCurrent() || err.status === 401)
						return;
					const fe = err.fieldErrors || [];
					if (err.status === 400 && fe.length)
						errors.show(fe);
					else
						errors.showMessage(errorMessage(err));
				} finally {
					busy = false;
					submit.disabled = false;
				}
			},
		},
	},
	summaryHost,
	title.wrap, summary.wrap, county.wrap, exploitation.wrap,
	h('div', { class: 'form-actions' },
	    submit,
	    h('a', { href: '#/cases', class: 'btn btn-secondary' }, t('newCase.cancel'))));

	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
	    pageHeading(t('newCase.title')),
	    h('p', { class: 'lead' }, t('newCase.intro')),
	    h('div', { class: 'card' }, form));
}
