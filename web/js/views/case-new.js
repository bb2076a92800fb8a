// Create a case (#/cases/new): title, summary, county, exploitation forms.
// Validation errors from the API (400 with "errors") are shown next to the
// fields and in an error summary; 201 goes to the new case page.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import { inputField, textareaField, selectField, choiceGroup, createForm } from '../form.js';

// The counties as select options, by code.
export function countyOptions(counties) {
	return [...counties].sort((a, b) => String(a.code).localeCompare(String(b.code)))
	    .map((c) => [c.code, ref.displayName(c)]);
}

export async function render(ctx) {
	setTitle('newCase.title');
	const counties = await ref.counties();
	if (!ctx.isCurrent())
		return;

	const title = inputField({
		label: t('newCase.caseTitle'), id: 'case-title', name: 'title', maxlength: '200', required: true,
	});
	const summary = textareaField({
		label: t('newCase.summary'), optional: true, id: 'case-summary', name: 'summary', rows: '5',
	});
	const county = selectField({
		label: t('newCase.county'), id: 'case-county', name: 'county', required: true,
		choose: t('newCase.countyChoose'), options: countyOptions(counties),
	});
	const exploitation = choiceGroup({
		legend: t('newCase.exploitation'), hint: t('newCase.exploitationHint'),
		name: 'exploitation', options: vocab.options('exploitation_forms'),
	});

	const form = createForm(ctx, {
		id: 'new-case-form', autocomplete: null,
		fields: { title, summary, county, exploitation },
		body: [title.wrap, summary.wrap, county.wrap, exploitation.wrap],
		submit: { id: 'case-submit', text: t('newCase.submit') },
		cancel: { href: '#/cases', text: t('newCase.cancel') },
		collect() {
			const body = {
				title: title.control.value.trim(),
				summary: summary.control.value.trim(),
				county: county.control.value,
				exploitation: exploitation.values(),
			};
			const errors = [];
			if (!body.title)
				errors.push({ field: 'title', message: t('newCase.requiredTitle') });
			if (!body.county)
				errors.push({ field: 'county', message: t('newCase.requiredCounty') });
			return { body, errors };
		},
		send: (body) => api.createCase(body),
		done(created) {
			ctx.announce(t('newCase.created'), { persist: true, kind: 'success' });
			ctx.navigate(`#/cases/${encodeURIComponent(created.id)}`);
		},
	});

	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/cases' }, t('case.back'))),
	    pageHeading(t('newCase.title')),
	    h('p', { class: 'lead' }, t('newCase.intro')),
	    h('div', { class: 'card' }, form.el));
}
