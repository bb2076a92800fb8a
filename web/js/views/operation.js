// One operation (#/operations/<id>): its facts and status with the next
// steps the status machine allows as buttons (Aktivera, Avsluta,
// Utvärdera, Ställ in – the last asks first), "Registrera i fält" while it
// is active, the participants (add, remove, role), the checklist (a
// checkbox per point, PATCH with If-Match; a 412 is explained and the page
// read again), the persons registered (each a link to the person in its
// case), the summary's figures (computed by the server) and, from
// completed on, the outcome (persons met, after-action notes, lessons).
// What the page offers follows the operation's `allowed`; the server
// decides every request.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, getLang, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage, definitionList, noticeBox } from '../ui.js';
import { inputField, textareaField, selectField, createForm, disclosure } from '../form.js';
import { dataTable } from '../table.js';
import { statusBadge } from './operations.js';

// The status a step of the answer's `allowed` moves to (the status
// machine is the server's: API.md).
const STEPS = [['start', 'active'], ['complete', 'completed'], ['evaluate', 'evaluated'], ['cancel', 'cancelled']];
const AFTER = new Set(['completed', 'evaluated']);

function text(obj) {
	if (!obj || typeof obj !== 'object')
		return obj || '';
	return obj[getLang()] || obj.sv || '';
}

// What the answer's `allowed` offers: edit, add_participant,
// remove_participant, register_encounter, start, complete, evaluate,
// cancel, set_outcome.
function may(op, action) {
	return Array.isArray(op.allowed) && op.allowed.includes(action);
}

export function mayRegister(op) {
	return may(op, 'register_encounter');
}

export async function render(ctx) {
	const id = decodeURIComponent(ctx.params[0]);
	setTitle('operation.title');
	let op, regions, counties, orgs, countries;
	try {
		[op, regions, counties, orgs, countries] = await Promise.all([
			api.getOperation(id), ref.regions(), ref.counties().catch(() => []), ref.organizations().catch(() => []),
			ref.countries().catch(() => []),
		]);
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(
		    h('p', { class: 'breadcrumb' }, h('a', { href: '#/operations' }, t('operations.back'))),
		    pageHeading(t('operation.title')),
		    alertBox(err.status === 404 ? t('operation.notFound') : errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;
	const orgName = (code) => ref.nameOf(orgs, code) || code;
	const messages = h('div', { id: 'operation-messages' });
	const heading = pageHeading('', { id: 'operation-heading' });
	const host = h('div', { id: 'operation-body' });

	async function reload(note) {
		let fresh;
		try {
			fresh = await api.getOperation(id);
		} catch (err) {
			if (ctx.isCurrent() && err.status !== 401)
				messages.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (!ctx.isCurrent())
			return;
		op = fresh;
		paint();
		if (note)
			messages.replaceChildren(note);
	}

	// A change at the version read; a 412 says why and reads the page again.
	async function change(body, doneText, focusId) {
		messages.replaceChildren();
		try {
			op = await api.updateOperation(id, op.version, body);
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return false;
			if (err.status === 412) {
				await reload(noticeBox(t('operation.stale'), 'warn'));
				return false;
			}
			messages.replaceChildren(alertBox(errorMessage(err)));
			messages.firstChild.setAttribute('tabindex', '-1');
			messages.firstChild.focus();
			return false;
		}
		if (!ctx.isCurrent())
			return false;
		paint();
		if (doneText)
			ctx.announce(doneText, { kind: 'success' });
		if (focusId)
			document.getElementById(focusId)?.focus();
		return true;
	}

	function statusSection() {
		const box = h('div', { class: 'op-steps', id: 'operation-steps' });
		for (const [action, next] of STEPS) {
			if (!may(op, action))
				continue;
			const btn = h('button', {
				type: 'button', class: ['btn', next === 'cancelled' ? 'btn-danger' : 'btn-primary'],
				id: `operation-to-${next}`, dataset: { status: next },
			}, t(`operation.step.${next}`));
			if (next === 'cancelled') {
				btn.addEventListener('click', () => {
					const open = document.getElementById('operation-cancel-confirm');
					if (open) {
						open.focus();
						return;
					}
					const confirm = noticeBox(t('operation.cancelConfirm'), 'warn',
					    h('button', { type: 'button', class: 'btn btn-danger', id: 'operation-cancel-confirm',
						on: { click: () => change({ status: 'cancelled' }, t('operation.done.cancelled'), 'operation-heading') } },
					    t('operation.cancelYes')),
					    h('button', { type: 'button', class: 'btn btn-secondary', id: 'operation-cancel-keep',
						on: { click: () => { confirm.remove(); btn.focus(); } } }, t('operation.cancelNo')));
					confirm.id = 'operation-cancel-box';
					box.after(confirm);
					confirm.querySelector('#operation-cancel-confirm').focus();
				});
			} else {
				btn.addEventListener('click', () => change({ status: next }, t(`operation.done.${next}`), 'operation-heading'));
			}
			box.append(btn);
		}
		return box;
	}

	function factsSection() {
		const countyNames = (op.counties || []).map((c) => ref.nameOf(counties, c)).join(', ');
		const gc = op.case;
		return definitionList([
			[t('operations.col.status'), h('span', { id: 'operation-status' }, statusBadge(op.status))],
			[t('operations.col.kind'), vocab.label('operation_kinds', op.kind)],
			[t('operations.col.dates'), op.starts_on === op.ends_on ? op.starts_on : `${op.starts_on} – ${op.ends_on}`],
			[t('operations.col.region'), ref.nameOf(regions, op.region)],
			countyNames ? [t('operations.plan.counties'), countyNames] : null,
			op.place ? [t('operations.plan.place'), op.place] : null,
			[t('operations.plan.lead'), op.lead_name || orgName(op.lead)],
			op.purpose ? [t('operations.plan.purpose'), h('p', { class: 'prose' }, op.purpose)] : null,
			(op.exploitation || []).length
			    ? [t('operations.plan.exploitation'), op.exploitation.map((e) => vocab.label('exploitation_forms', e)).join(', ')] : null,
			gc ? [t('operation.groupCase'), h('a', { href: `#/cases/${encodeURIComponent(gc)}`, id: 'operation-case' },
			    op.case_number || t('operation.groupCaseLink'))] : null,
		], 'op-facts');
	}

	function participantsSection() {
		const adds = may(op, 'add_participant');
		const removes = may(op, 'remove_participant');
		const items = op.participants || [];
		const table = dataTable({
			id: 'participants-table', caption: t('operation.participants'), stack: true, items,
			empty: { id: 'participants-empty', text: t('operation.noParticipants') },
			rowProps: (p) => ({ dataset: { id: p.id, org: p.organization, role: p.role } }),
			columns: [
				{ key: 'org', label: t('operation.col.organization'), rowHeader: true, cell: (p) => p.organization_name || orgName(p.organization) },
				{ key: 'user', label: t('operation.col.person'), cell: (p) => p.username || t('dash') },
				{ key: 'role', label: t('operation.col.role'), cell: (p) => vocab.label('participant_roles', p.role) },
				...(removes ? [{
					key: 'actions', label: t('operation.col.actions'), hideLabel: true,
					cell: (p) => h('button', {
						type: 'button', class: 'btn btn-small btn-secondary', dataset: { action: 'remove' },
						'aria-label': t('operation.removeNamed', { name: p.organization_name || orgName(p.organization) }),
						on: {
							async click() {
								messages.replaceChildren();
								try {
									await api.removeParticipant(id, p.id);
								} catch (err) {
									if (ctx.isCurrent() && err.status !== 401)
										messages.replaceChildren(alertBox(errorMessage(err)));
									return;
								}
								await reload();
								ctx.announce(t('operation.removed'), { kind: 'success' });
								document.getElementById('participants-heading')?.focus();
							},
						},
					}, t('operation.remove')),
				}] : []),
			],
		});
		const section = h('section', { class: 'card', 'aria-labelledby': 'participants-heading' },
		    h('div', { class: 'section-head' },
		        h('h2', { id: 'participants-heading', tabindex: '-1' }, t('operation.participants'))),
		    table);
		if (adds) {
			const org = selectField({
				label: t('operation.col.organization'), id: 'participant-org', name: 'organization',
				options: orgs.map((o) => [o.code, o.name || o.code]), choose: t('operations.plan.chooseLead'),
			});
			const user = inputField({ label: t('operation.username'), hint: t('operation.usernameHint'), optional: true, id: 'participant-user', name: 'username', maxlength: '64' });
			const role = selectField({
				label: t('operation.col.role'), id: 'participant-role', name: 'role',
				options: vocab.options('participant_roles'), value: 'field',
			});
			const panel = disclosure({
				id: 'participant-add', text: t('operation.addParticipant'), panelId: 'participant-panel', panelClass: 'form-panel',
				onOpen: () => org.control.focus(),
				onClose() {
					form.reset();
					return true;
				},
			});
			const form = createForm(ctx, {
				id: 'participant-form', label: t('operation.addParticipant'),
				fields: { organization: org, username: user, role },
				body: [h('div', { class: 'row' }, org.wrap, user.wrap, role.wrap)],
				submit: { id: 'participant-submit', text: t('operation.addSubmit') },
				cancel: { id: 'participant-cancel', text: t('operations.plan.cancel'), onClick: () => panel.close(true) },
				collect() {
					const body = { organization: org.control.value, role: role.control.value };
					if (user.control.value.trim())
						body.username = user.control.value.trim();
					const errors = body.organization ? [] : [{ field: 'organization', message: t('operation.orgRequired') }];
					return { body, errors };
				},
				send: (body) => api.addParticipant(id, body),
				async done() {
					await reload();
					ctx.announce(t('operation.added'), { kind: 'success' });
					document.getElementById('participants-heading')?.focus();
				},
			});
			panel.panel.append(form.el);
			section.querySelector('.section-head').append(panel.toggle);
			section.append(panel.panel);
		}
		return section;
	}

	function checklistSection() {
		const items = op.checklist || [];
		const editable = may(op, 'edit');
		const done = items.filter((c) => c.done).length;
		return h('section', { class: 'card', 'aria-labelledby': 'checklist-heading' },
		    h('h2', { id: 'checklist-heading', tabindex: '-1' }, t('operation.checklist')),
		    h('p', { class: 'muted', id: 'checklist-count' }, t('operation.checklistCount', { done, n: items.length })),
		    items.length ? h('ul', { class: 'op-checklist', id: 'operation-checklist' }, items.map((c) => {
			    const box = h('input', {
				    type: 'checkbox', id: `check-${c.id}`, checked: Boolean(c.done), disabled: !editable,
				    dataset: { id: c.id },
				    on: {
					    async change() {
						    box.disabled = true;
						    const ok = await change({ checklist: [{ id: c.id, done: box.checked }] },
						        box.checked ? t('operation.ticked') : t('operation.unticked'), `check-${c.id}`);
						    if (!ok && box.isConnected) {
							    box.checked = !box.checked;
							    box.disabled = false;
						    }
					    },
				    },
			    });
			    return h('li', { class: 'choice' }, box, h('label', { for: box.id }, text(c.text)));
		    })) : h('p', { class: 'empty' }, t('operation.noChecklist')));
	}

	function encountersSection() {
		const host2 = h('div', { id: 'encounters-host' }, h('p', { class: 'loading' }, t('app.loading')));
		(async () => {
			let list, theCase;
			try {
				// The persons' facts come from the operation's case (one read).
				[list, theCase] = await Promise.all([
					api.listEncounters(id, { limit: 200 }),
					op.case ? api.getCase(op.case).catch(() => null) : null,
				]);
			} catch (err) {
				if (ctx.isCurrent() && err.status !== 401)
					host2.replaceChildren(alertBox(errorMessage(err)));
				return;
			}
			if (!ctx.isCurrent())
				return;
			const persons = new Map(((theCase && theCase.persons) || []).map((p) => [p.id, p]));
			host2.replaceChildren(encounterTable((list.items || []).map((e) => {
				const p = persons.get(e.person);
				return p ? { ...e, gender: p.gender, age_estimate: p.age_estimate, birth_year: p.birth_year,
					citizenship: p.citizenship, is_child: p.is_child } : e;
			})));
		})();
		return h('section', { class: 'card', 'aria-labelledby': 'encounters-heading' },
		    h('h2', { id: 'encounters-heading' }, t('operation.encounters')), host2);
	}

	function encounterTable(items) {
		return dataTable({
			id: 'encounters-table', caption: t('operation.encounters'), stack: true, items,
			empty: { id: 'encounters-empty', text: t('operation.noEncounters') },
			rowProps: (e) => ({ dataset: { id: e.id, person: e.person || '' } }),
			columns: [
				{ key: 'pseudonym', label: t('field.pseudonym'), rowHeader: true,
				  cell: (e) => (e.person
				    ? h('a', { href: `#/persons/${encodeURIComponent(e.person)}` }, e.pseudonym || t('dash'))
				    : t('dash')) },
				{ key: 'gender', label: t('field.gender'), cell: (e) => vocab.label('genders', e.gender) },
				{ key: 'age', label: t('operation.col.age'), cell: (e) => ageText(e) },
				{ key: 'citizenship', label: t('field.citizenship'), cell: (e) => (e.citizenship ? ref.nameOf(countries, e.citizenship) : t('dash')) },
				{ key: 'needs', label: t('field.needs'), cell: (e) => (e.needs || []).map((n) => vocab.label('immediate_needs', n)).join(', ') || t('dash') },
				// A restricted encounter (its case not readable) names no case, person or creator.
				{ key: 'case', label: t('operation.col.case'), cell: (e) => (e.restricted || !e.case
				    ? h('span', { class: 'muted' }, t('operation.restricted'))
				    : h('a', { href: `#/cases/${encodeURIComponent(e.case)}` }, e.case_number)) },
				{ key: 'at', label: t('operation.col.registered'), cell: (e) => (e.created_by
				    ? `${formatDateTime(e.created_at)} (${e.created_by})` : formatDateTime(e.created_at)) },
			],
		});
	}

	function summarySection() {
		const host2 = h('div', { id: 'summary-host' }, h('p', { class: 'loading' }, t('app.loading')));
		(async () => {
			let s;
			try {
				s = await api.operationSummary(id);
			} catch (err) {
				if (ctx.isCurrent() && err.status !== 401)
					host2.replaceChildren(alertBox(errorMessage(err)));
				return;
			}
			if (ctx.isCurrent())
				host2.replaceChildren(...summaryFigures(s, (code) => ref.nameOf(countries, code)).filter(Boolean));
		})();
		return h('section', { class: 'card', 'aria-labelledby': 'summary-heading' },
		    h('h2', { id: 'summary-heading' }, t('operation.summary')), host2);
	}

	function outcomeSection() {
		const o = op.outcome || {};
		const editable = may(op, 'set_outcome');
		const shown = definitionList([
			[t('operation.personsMet'), h('span', { id: 'outcome-persons-met' }, o.persons_met ?? t('dash'))],
			[t('operation.afterAction'), h('p', { class: 'prose', id: 'outcome-after-action' }, o.after_action || t('dash'))],
			[t('operation.lessons'), h('p', { class: 'prose', id: 'outcome-lessons' }, o.lessons || t('dash'))],
		]);
		const section = h('section', { class: 'card', 'aria-labelledby': 'outcome-heading' },
		    h('div', { class: 'section-head' }, h('h2', { id: 'outcome-heading', tabindex: '-1' }, t('operation.outcome'))),
		    shown);
		if (!editable)
			return section;
		const met = inputField({ label: t('operation.personsMet'), hint: t('operation.personsMetHint'), id: 'outcome-met', name: 'persons_met', type: 'number', min: '0', inputmode: 'numeric', value: o.persons_met ?? '' });
		const after = textareaField({ label: t('operation.afterAction'), id: 'outcome-after', name: 'after_action', rows: '4', maxlength: '8000', value: o.after_action || '' });
		const lessons = textareaField({ label: t('operation.lessons'), id: 'outcome-lessons-input', name: 'lessons', rows: '4', maxlength: '8000', value: o.lessons || '' });
		const panel = disclosure({
			id: 'outcome-edit', text: t('operation.outcomeEdit'), panelId: 'outcome-panel', panelClass: 'form-panel',
			onOpen: () => met.control.focus(),
		});
		const form = createForm(ctx, {
			id: 'outcome-form', label: t('operation.outcome'),
			fields: { 'outcome.persons_met': met, 'outcome.after_action': after, 'outcome.lessons': lessons },
			body: [met.wrap, after.wrap, lessons.wrap],
			submit: { id: 'outcome-submit', text: t('operation.outcomeSave') },
			cancel: { id: 'outcome-cancel', text: t('operations.plan.cancel'), onClick: () => panel.close(true) },
			collect() {
				const n = met.control.value.trim();
				const errors = [];
				if (n !== '' && !/^\d+$/.test(n))
					errors.push({ field: 'outcome.persons_met', message: t('operation.personsMetBad') });
				const body = { outcome: {
					persons_met: n === '' ? null : Number(n),
					after_action: after.control.value.trim(),
					lessons: lessons.control.value.trim(),
				} };
				return { body, errors };
			},
			send: (body) => api.updateOperation(id, op.version, body),
			handle(err) {
				if (err.status !== 412)
					return false;
				reload(noticeBox(t('operation.stale'), 'warn'));
				return true;
			},
			done(updated) {
				op = updated;
				paint();
				ctx.announce(t('operation.outcomeSaved'), { kind: 'success' });
				document.getElementById('outcome-heading')?.focus();
			},
		});
		panel.panel.append(form.el);
		section.querySelector('.section-head').append(panel.toggle);
		section.append(panel.panel);
		return section;
	}

	function paint() {
		heading.textContent = `${op.number} ${op.title}`;
		const field = mayRegister(op)
		    ? h('a', { href: `#/operations/${encodeURIComponent(op.id)}/field`, class: 'btn btn-primary btn-big', id: 'operation-field' },
			t('operation.field'))
		    : null;
		host.replaceChildren(...[
			h('section', { class: 'card', 'aria-label': t('operation.facts') }, factsSection(), statusSection()),
			field,
			checklistSection(),
			participantsSection(),
			encountersSection(),
			summarySection(),
			AFTER.has(op.status) ? outcomeSection() : null,
		].filter(Boolean));
	}

	paint();
	ctx.root.replaceChildren(
	    h('p', { class: 'breadcrumb' }, h('a', { href: '#/operations' }, t('operations.back'))),
	    heading, messages, host);
}

export function ageText(e) {
	if (e.age_estimate !== undefined && e.age_estimate !== null)
		return t('operation.ageAbout', { n: e.age_estimate });
	if (e.birth_year)
		return String(e.birth_year);
	return t('dash');
}

// The summary's figures: counts, and persons by citizenship.
function summaryFigures(s, countryName) {
	const figure = (key, value) => h('div', { class: 'op-figure', dataset: { figure: key } },
	    h('dt', null, t(`operation.figure.${key}`)), h('dd', null, String(value ?? 0)));
	const keys = ['persons', 'children', 'presumed_victims', 'tasks', 'police_reports'];
	const byCit = s.by_citizenship || [];
	const rows = byCit.map((x) => [x.citizenship ? countryName(x.citizenship) : t('operation.unknown'), x.persons]);
	return [
		h('dl', { class: 'op-figures', id: 'summary-figures' }, keys.filter((k) => k in s).map((k) => figure(k, s[k]))),
		rows.length ? dataTable({
			id: 'summary-citizenship', caption: t('operation.figure.by_citizenship'), items: rows,
			columns: [
				{ key: 'c', label: t('field.citizenship'), rowHeader: true, cell: (r) => r[0] },
				{ key: 'n', label: t('operation.figure.count'), cell: (r) => String(r[1]) },
			],
		}) : null,
	];
}
