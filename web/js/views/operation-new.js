// "Planera insats" (#/operations/new), for coordinators of a region or the
// secretariat: a scenario (GET /api/v1/scenarios; choosing one shows its
// checklist and suggested participants and sets the kind), kind, title,
// purpose, region (a regional coordinator's own), counties of that region,
// place, first and last day, lead organisation and exploitation forms.
// POST /api/v1/operations, then the operation's page.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading } from '../ui.js';
import {
	inputField, textareaField, selectField, choiceGroup, createForm,
} from '../form.js';
import { swedishToday } from '../first-contact.js';

function text(obj) {
	if (!obj || typeof obj !== 'object')
		return obj || '';
	return obj[getLang()] || obj.sv || '';
}

// A suggested participant: an organisation kind, or {kind, role}.
function participantText(p) {
	if (typeof p === 'string')
		return vocab.label('organization_kinds', p);
	const kind = p.kind || p.organization_kind || p.organization;
	const role = p.role ? ` – ${vocab.label('participant_roles', p.role)}` : '';
	return `${vocab.label('organization_kinds', kind)}${role}`;
}

function scenarioPreview(sc) {
	if (!sc)
		return [];
	return [
		h('h2', { class: 'op-preview-head' }, t('operations.plan.checklist')),
		h('ul', { class: 'op-preview-list', id: 'scenario-checklist' },
		    (sc.checklist || []).map((c) => h('li', null, text(c.text || c)))),
		h('h2', { class: 'op-preview-head' }, t('operations.plan.participants')),
		h('ul', { class: 'op-preview-list', id: 'scenario-participants' },
		    (sc.participants || []).map((p) => h('li', null, participantText(p)))),
	];
}

export async function render(ctx) {
	setTitle('operations.plan.title');
	let scenarios, regions, counties, orgs;
	try {
		[scenarios, regions, counties, orgs] = await Promise.all([
			api.scenarios(), ref.regions(), ref.counties(), ref.organizations(),
		]);
	} catch (err) {
		ctx.showError(err);
		return;
	}
	if (!ctx.isCurrent())
		return;
	const scenarioList = (scenarios && scenarios.items) || [];
	const ownRegion = ctx.user.region || '';

	const scenario = selectField({
		label: t('operations.plan.scenario'), hint: t('operations.plan.scenarioHint'), optional: true,
		id: 'op-scenario', name: 'scenario',
		options: scenarioList.map((s) => [s.id, text(s.name)]), choose: t('operations.plan.noScenario'),
	});
	const preview = h('div', { class: 'op-preview', id: 'scenario-preview', 'aria-live': 'polite' });
	const kind = choiceGroup({
		legend: t('operations.col.kind'), name: 'kind', type: 'radio',
		options: vocab.options('operation_kinds'), checked: ['operational'],
	});
	const title = inputField({ label: t('operations.plan.titleLabel'), hint: t('operations.plan.titleHint'), id: 'op-title', name: 'title', maxlength: '200' });
	const purpose = textareaField({ label: t('operations.plan.purpose'), id: 'op-purpose', name: 'purpose', rows: '3', maxlength: '4000' });
	const region = selectField({
		label: t('operations.col.region'), id: 'op-region', name: 'region',
		options: regions.filter((r) => !ownRegion || r.code === ownRegion).map((r) => [r.code, ref.displayName(r)]),
		choose: ownRegion ? undefined : t('operations.plan.chooseRegion'), value: ownRegion,
	});
	const countyHost = h('div', { id: 'op-counties-host' });
	let countyGroup = null;
	function paintCounties() {
		const inRegion = counties.filter((c) => c.region === region.control.value);
		countyGroup = choiceGroup({
			legend: t('operations.plan.counties'), hint: t('operations.plan.countiesHint'), name: 'counties',
			options: inRegion.map((c) => [c.code, ref.displayName(c)]),
		});
		countyHost.replaceChildren(inRegion.length ? countyGroup.wrap : h('p', { class: 'hint' }, t('operations.plan.countiesFirst')));
		fields.counties = countyGroup;
	}
	const place = inputField({ label: t('operations.plan.place'), hint: t('operations.plan.placeHint'), optional: true, id: 'op-place', name: 'place', maxlength: '200' });
	const startsOn = inputField({ label: t('operations.plan.startsOn'), id: 'op-starts-on', name: 'starts_on', type: 'date', value: swedishToday() });
	const endsOn = inputField({ label: t('operations.plan.endsOn'), id: 'op-ends-on', name: 'ends_on', type: 'date', value: swedishToday() });
	const lead = selectField({
		label: t('operations.plan.lead'), hint: t('operations.plan.leadHint'), id: 'op-lead', name: 'lead',
		options: orgs.filter((o) => !o.code.startsWith('SOC-') || !ownRegion || o.region === ownRegion)
		    .map((o) => [o.code, o.name || o.code]),
		choose: t('operations.plan.chooseLead'),
	});
	const exploitation = choiceGroup({
		legend: t('operations.plan.exploitation'), name: 'exploitation',
		options: vocab.options('exploitation_forms'),
	});
	const fields = {
		scenario, kind, title, purpose, region, place, starts_on: startsOn, ends_on: endsOn, lead, exploitation,
	};
	paintCounties();
	region.control.addEventListener('change', paintCounties);
	scenario.control.addEventListener('change', () => {
		const sc = scenarioList.find((s) => s.id === scenario.control.value);
		preview.replaceChildren(...scenarioPreview(sc));
		if (sc && sc.kind)
			for (const i of kind.inputs)
				i.checked = i.value === sc.kind;
		if (sc && !title.control.value)
			title.control.value = text(sc.name);
	});

	const form = createForm(ctx, {
		id: 'operation-form', label: t('operations.plan.title'),
		fields,
		body: [
			h('div', { class: 'card' }, scenario.wrap, preview),
			kind.wrap, title.wrap, purpose.wrap, region.wrap, countyHost, place.wrap,
			h('div', { class: 'row' }, startsOn.wrap, endsOn.wrap),
			lead.wrap, exploitation.wrap,
		],
		submit: { id: 'operation-submit', text: t('operations.plan.submit'), busyText: t('operations.plan.busy') },
		cancel: { id: 'operation-cancel', text: t('operations.plan.cancel'), href: '#/operations' },
		collect() {
			const body = {
				kind: kind.values()[0],
				title: title.control.value.trim(),
				purpose: purpose.control.value.trim(),
				region: region.control.value,
				starts_on: startsOn.control.value,
				ends_on: endsOn.control.value,
				lead: lead.control.value,
			};
			const errors = [];
			const chosenCounties = countyGroup ? countyGroup.values() : [];
			if (chosenCounties.length)
				body.counties = chosenCounties;
			if (place.control.value.trim())
				body.place = place.control.value.trim();
			if (scenario.control.value)
				body.scenario = scenario.control.value;
			if (exploitation.values().length)
				body.exploitation = exploitation.values();
			for (const [key, f] of [['title', title], ['purpose', purpose], ['region', region],
				['starts_on', startsOn], ['ends_on', endsOn], ['lead', lead]]) {
				if (!body[key])
					errors.push({ field: key, message: t('operations.plan.required', { what: f.labelText }) });
			}
			if (body.starts_on && body.ends_on && body.ends_on < body.starts_on)
				errors.push({ field: 'ends_on', message: t('operations.plan.endsBefore') });
			return { body, errors };
		},
		send: (body) => api.createOperation(body),
		done(op) {
			ctx.announce(t('operations.plan.saved', { number: op.number }), { persist: true, kind: 'success' });
			ctx.navigate(`#/operations/${encodeURIComponent(op.id)}`);
		},
	});
	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/operations' }, t('operations.back'))),
	    pageHeading(t('operations.plan.title')),
	    h('p', { class: 'lead' }, t('operations.plan.intro')),
	    form.el);
}
