// Consultations: the coordinators' queue (#/consultations) and a
// requester's own (#/consultations/mine). The queue is the server's order:
// acute first, then oldest first; it shows the counts per status, a status
// filter (the open ones by default) and, for the secretariat, a region
// filter. Each consultation offers what its "allowed" says: take it
// (in progress, assigned to me), answer, refer or close it, or open a case
// from it (then the new case's page). A requester sees its own with their
// status and the answer. Both have a search field (words from the number,
// the question and the answer, and for the coordinators their notes; all
// words must match) that filters the list as you type and keeps its order;
// the counts follow it. No filter value or search word goes into the URL.
// The first-contact guidance stands beside the list (below it on a phone).

import { api } from '../api.js';
import { h, debounce } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import * as ref from '../ref.js';
import * as vocab from '../vocab.js';
import { setTitle, pageHeading, alertBox, errorMessage } from '../ui.js';
import { inputField, selectField, textareaField } from '../form.js';
import { requests, secretariat } from '../roles.js';
import { withGuidance } from '../guidance.js';

const PAGE = 50;
const filters = { status: 'open', region: '', q: '' };

// On sign-out (app.js): the next user starts from the defaults.
export function resetFilters() {
	filters.status = 'open';
	filters.region = '';
	filters.q = '';
}

// The server's refusal of q (a word of punctuation only, too many words),
// in its own words; null for any other error.
function searchRefusal(err) {
	const errors = err && err.status === 400 && err.problem && Array.isArray(err.problem.errors) ?
		err.problem.errors : [];
	const e = errors.find((x) => x.field === 'q');
	return e ? e.message : null;
}

function statusBadge(status) {
	return h('span', { class: ['badge', `badge-kons-${status}`] }, vocab.label('consultation_statuses', status));
}

function facts(rows) {
	return h('dl', { class: 'facts kons-facts' },
	    rows.filter(Boolean).map(([term, value]) => h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, value))));
}

// The actions a coordinator may take on q now (its "allowed").
function actions(ctx, q, refresh) {
	const allowed = q.allowed || [];
	const out = [];
	const message = h('div', { class: 'kons-message', role: 'status' });
	const fail = (err) => {
		if (err && err.status === 401)
			return;
		message.replaceChildren(alertBox(errorMessage(err)));
	};
	const busy = (btn, fn) => async () => {
		btn.disabled = true;
		try {
			await fn();
		} catch (err) {
			fail(err);
		} finally {
			btn.disabled = false;
		}
	};
	if (allowed.includes('take')) {
		const take = h('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { action: 'take' } },
		    t('kons.take'));
		take.addEventListener('click', busy(take, async () => {
			await api.updateConsultation(q.id, { status: 'in_progress' }, q.version);
			ctx.announce(t('kons.taken', { number: q.number }), { kind: 'success' });
			await refresh();
		}));
		out.push(take);
	}
	if (allowed.includes('open_case')) {
		const open = h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { action: 'open-case' } },
		    t('kons.openCase'));
		open.addEventListener('click', busy(open, async () => {
			const c = await api.openCaseFromConsultation(q.id, {});
			ctx.announce(t('kons.caseOpened', { number: c.number }), { persist: true, kind: 'success' });
			ctx.navigate(`#/cases/${encodeURIComponent(c.id)}`);
		}));
		out.push(open);
	}
	let panel = null;
	if (allowed.includes('answer')) {
		const answer = textareaField({ label: t('kons.answer'), hint: t('kons.answerHint'), id: `kons-answer-${q.id}`,
			rows: '3', maxlength: '10000' });
		const send = (status) => busy(buttons[status], async () => {
			const text = answer.control.value.trim();
			if (status === 'answered' && !text) {
				answer.setError(t('kons.requiredAnswer'));
				answer.control.focus();
				return;
			}
			answer.setError(null);
			const body = { status };
			if (status === 'answered')
				body.answer = text;
			await api.updateConsultation(q.id, body, q.version);
			ctx.announce(t(`kons.done.${status}`, { number: q.number }), { kind: 'success' });
			await refresh();
		});
		const buttons = {
			answered: h('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { action: 'answer' } },
			    t('kons.sendAnswer')),
			referred: h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { action: 'refer' } },
			    t('kons.refer')),
			closed: h('button', { type: 'button', class: 'btn btn-small btn-secondary', dataset: { action: 'close' } },
			    t('kons.close')),
		};
		for (const [status, btn] of Object.entries(buttons))
			btn.addEventListener('click', send(status));
		panel = h('div', { class: 'kons-answer' }, answer.wrap,
		    h('div', { class: 'form-actions' }, Object.values(buttons)));
	}
	if (!out.length && !panel)
		return null;
	return h('div', { class: 'kons-actions' }, panel, out.length ? h('div', { class: 'form-actions' }, out) : null, message);
}

function card(ctx, q, counties, requester, refresh) {
	const county = ref.nameOf(counties, q.county);
	const who = [q.requester.organization_name || q.requester.organization, q.requester.name].filter(Boolean).join(' – ');
	const headingId = `kons-${q.id}-heading`;
	return h('article', { class: ['card', 'kons-card', q.urgency === 'acute' ? 'kons-acute' : null],
		'aria-labelledby': headingId, dataset: { id: q.id, number: q.number } },
	    h('h2', { class: 'kons-heading', id: headingId },
	        h('span', { class: 'kons-number' }, q.number), ' ',
	        q.urgency === 'acute' ? h('span', { class: 'badge badge-acute' }, vocab.label('urgencies', 'acute')) : null, ' ',
	        statusBadge(q.status)),
	    h('p', { class: 'kons-question' }, q.question),
	    facts([
		[t('kons.received'), formatDateTime(q.created_at)],
		[t('kons.county'), county],
		requester ? null : [t('kons.requester'), who],
		requester ? null : [t('kons.contact'), [q.requester.phone, q.requester.email].filter(Boolean).join(', ') || t('dash')],
		[t('kons.concerns'), q.concerns.length ? q.concerns.map((c) => vocab.label('exploitation_forms', c)).join(', ') : t('dash')],
		q.child_involved ? [t('kons.childShort'), t('kons.yes')] : null,
		[t('kons.consent'), vocab.label('consents', q.consent)],
		[t('kons.assigned'), q.assigned_to.username
		    ? `${q.assigned_to.organization} (${q.assigned_to.username})` : q.assigned_to.organization],
		q.answer ? [t('kons.answer'), q.answer] : null,
		q.case ? [t('kons.case'), requester ? q.case.number
		    : h('a', { href: `#/cases/${encodeURIComponent(q.case.id)}` }, q.case.number)] : null,
	    ]),
	    requester ? null : actions(ctx, q, refresh));
}

export async function render(ctx) {
	const requester = requests(ctx.user);
	const allRegions = !requester && secretariat(ctx.user);
	setTitle(requester ? 'kons.mineTitle' : 'kons.queueTitle');
	const [counties, regions] = await Promise.all([ref.counties(), ref.regions()]);
	if (!ctx.isCurrent())
		return;

	const countsHost = h('p', { class: 'kons-counts', id: 'kons-counts' });
	const listHost = h('div', { class: 'kons-list', id: 'kons-list', 'aria-live': 'polite' });
	const more = h('button', { type: 'button', class: 'btn btn-secondary', id: 'kons-more', hidden: true }, t('kons.more'));
	let cursor = null;
	let seq = 0; // the latest load: an older answer is dropped

	const searchField = inputField({
		label: t('kons.search'), hint: t(requester ? 'kons.searchHintMine' : 'kons.searchHint'),
		className: 'field-search', id: 'kons-filter-q', name: 'q', type: 'search', spellcheck: 'false',
		value: filters.q, placeholder: t('kons.searchPlaceholder'),
	});
	const search = searchField.control;

	const statusFilter = selectField({
		label: t('kons.filterStatus'), id: 'kons-filter-status',
		options: [['open', t('kons.filterOpen')], ['', t('kons.filterAll')], ...vocab.options('consultation_statuses')],
		value: filters.status,
	});
	const regionFilter = allRegions ? selectField({
		label: t('kons.filterRegion'), id: 'kons-filter-region', choose: t('kons.filterAllRegions'),
		options: regions.map((r) => [r.code, ref.displayName(r)]), value: filters.region,
	}) : null;

	function params() {
		const p = { limit: PAGE };
		if (filters.q.trim())
			p.q = filters.q.trim();
		if (requester)
			return p;
		if (filters.status === 'open')
			p.open = 'true';
		else if (filters.status)
			p.status = filters.status;
		if (filters.region)
			p.region = filters.region;
		return p;
	}

	async function loadCounts() {
		if (requester)
			return;
		const p = {};
		if (filters.region)
			p.region = filters.region;
		if (filters.q.trim())
			p.q = filters.q.trim();
		const mine = seq;
		const c = await api.consultationCounts(p);
		if (mine !== seq || !ctx.isCurrent())
			return;
		countsHost.replaceChildren(...vocab.codes('consultation_statuses').flatMap((code, i) => [
			i ? ' · ' : '',
			h('span', { class: 'kons-count', dataset: { status: code } },
			    `${vocab.label('consultation_statuses', code)}: ${c.counts[code] ?? 0}`),
		]));
	}

	async function load(next = null) {
		const mine = seq;
		const page = await api.listConsultations({ ...params(), cursor: next || undefined });
		if (mine !== seq || !ctx.isCurrent())
			return;
		const cards = page.items.map((q) => card(ctx, q, counties, requester, refresh));
		const empty = filters.q.trim() ? 'kons.emptySearch' : requester ? 'kons.emptyMine' : 'kons.emptyQueue';
		if (!next)
			listHost.replaceChildren(...(cards.length ? cards : [h('p', { class: 'empty', id: 'kons-empty' },
			    t(empty))]));
		else
			listHost.append(...cards);
		cursor = page.next_cursor;
		more.hidden = !cursor;
	}

	async function refresh() {
		seq += 1;
		searchField.setError('');
		try {
			await Promise.all([load(), loadCounts()]);
		} catch (err) {
			const refused = searchRefusal(err);
			if (refused)
				searchField.setError(refused);
			else
				ctx.showError(err, listHost);
		}
	}
	const searchSoon = debounce(() => refresh(), 250);
	search.addEventListener('input', () => {
		filters.q = search.value;
		searchSoon();
	});
	const searchForm = h('form', {
		class: 'filters kons-filters', role: 'search', 'aria-label': t('kons.filters'),
		on: { submit: (ev) => { ev.preventDefault(); searchSoon.cancel(); filters.q = search.value; refresh(); } },
	}, searchField.wrap, requester ? null : statusFilter.wrap, regionFilter ? regionFilter.wrap : null);

	more.addEventListener('click', async () => {
		try {
			await load(cursor);
		} catch (err) {
			ctx.showError(err, listHost);
		}
	});
	statusFilter.control.addEventListener('change', () => {
		filters.status = statusFilter.control.value;
		searchSoon.cancel();
		refresh();
	});
	if (regionFilter)
		regionFilter.control.addEventListener('change', () => {
			filters.region = regionFilter.control.value;
			searchSoon.cancel();
			refresh();
		});

	// replaceChildren() would write a null as the text "null".
	ctx.root.replaceChildren(withGuidance([
	    pageHeading(t(requester ? 'kons.mineTitle' : 'kons.queueTitle')),
	    h('p', { class: 'lead' }, t(requester ? 'kons.mineIntro' : 'kons.queueIntro')),
	    h('p', null, h('a', { href: '#/consultations/new', class: 'btn btn-primary', id: 'kons-new' }, t('nav.newConsultation'))),
	    searchForm,
	    requester ? null : countsHost,
	    listHost,
	    more].filter(Boolean)));
	await refresh();
}
