// The case page's journal (GET/POST /api/v1/cases/<id>/journal): entries
// oldest first, each with its kind, date, author and organisation, and a
// form to write one (kind, text, who may see it). Entries are never changed:
// "Rätta" on an entry writes a new entry that corrects it, with the
// entry's visibility and never a wider one (for a "full" entry "the whole
// team" is not offered); the corrected entry is marked as corrected with a
// link to its correction, and the correction links back. Entries for full access only are marked; the server
// leaves them out for those without it, and refuses them a full entry (403).

import { api } from './api.js';
import { h, uid } from './dom.js';
import { t, formatDateTime } from './i18n.js';
import * as vocab from './vocab.js';
import { alertBox, noticeBox, errorMessage } from './ui.js';
import {
	textareaField, selectField, choiceGroup, createForm,
} from './form.js';
import { norm } from './edit.js';

const PAGE = 200;
const TEXT_MAX = 20000;

// Every entry of the case, following the pages to the end.
async function loadAll(caseId) {
	const items = [];
	let cursor = null;
	do {
		const page = await api.listJournal(caseId, { limit: PAGE, cursor });
		items.push(...(page.items || []));
		cursor = page.next_cursor || null;
	} while (cursor);
	return items;
}

/*
 * journalSection(ctx, {caseId, orgName}) → {el, load()}
 * orgName(code) gives an organisation's name for the author line.
 */
export function journalSection(ctx, { caseId, orgName }) {
	const listHost = h('div', { class: 'journal-list' });
	const msg = h('div', { class: 'section-message', id: 'journal-message' });
	const heading = h('h2', { id: 'journal-heading', tabindex: '-1' }, t('journal.title'));
	let entries = [];
	let allowed = [];
	const form = buildForm();

	function entryId(id) {
		return `journal-${id}`;
	}

	// A button that moves the keyboard and the view to another entry.
	function jump(targetId, text) {
		return h('button', {
			type: 'button', class: 'link-button',
			on: {
				click: () => {
					const el = document.getElementById(entryId(targetId));
					if (el) {
						el.scrollIntoView({ block: 'center' });
						el.focus();
					}
				},
			},
		}, text);
	}

	function entryView(e, byId, corrections) {
		const a = e.author || {};
		const fixes = corrections.get(e.id) || [];
		const meta = h('p', { class: 'journal-meta' },
		    h('span', { class: ['badge', 'badge-kind', `badge-kind-${e.kind}`] }, vocab.label('journal_kinds', e.kind)),
		    ' ',
		    h('time', { datetime: e.at || '' }, formatDateTime(e.at)),
		    ' · ',
		    h('span', { class: 'journal-author' },
		        t('journal.by', { user: a.username || t('dash'), org: orgName(a.organization) })),
		    e.visibility === 'full'
		        ? [' ', h('span', { class: 'badge badge-protected journal-full' }, t('journal.fullOnly'))] : null);
		const notes = [];
		if (e.corrects) {
			const orig = byId.get(e.corrects);
			notes.push(h('p', { class: 'journal-note journal-corrects' },
			    orig ? [t('journal.correctsPrefix'), ' ',
			        jump(orig.id, t('journal.entryOf', { when: formatDateTime(orig.at) }))]
			        : t('journal.correctsHidden')));
		}
		if (fixes.length) {
			const last = fixes[fixes.length - 1];
			notes.push(h('p', { class: 'journal-note journal-corrected' },
			    h('strong', null, t('journal.corrected')), ' ',
			    jump(last.id, t('journal.seeCorrection', { when: formatDateTime(last.at) }))));
		}
		const fixBtn = h('button', {
			type: 'button', class: 'btn btn-small btn-secondary journal-correct',
			'aria-label': t('journal.correctLabel', { when: formatDateTime(e.at) }),
			on: { click: () => form.startCorrection(e) },
		}, t('journal.correct'));
		return h('li', {
			class: ['journal-entry', fixes.length ? 'is-corrected' : null],
			id: entryId(e.id), tabindex: '-1', dataset: { id: e.id, kind: e.kind },
		}, meta, h('p', { class: 'prose journal-text' }, e.text), notes,
		allowed.includes('write_journal') ? h('div', { class: 'row-actions' }, fixBtn) : null);
	}

	function paint() {
		if (!entries.length) {
			listHost.replaceChildren(h('p', { class: 'empty', id: 'journal-empty' }, t('journal.empty')));
			return;
		}
		const byId = new Map(entries.map((e) => [e.id, e]));
		const corrections = new Map();
		for (const e of entries)
			if (e.corrects)
				corrections.set(e.corrects, [...(corrections.get(e.corrects) || []), e]);
		listHost.replaceChildren(h('ol', { class: 'journal', id: 'journal-entries', 'aria-labelledby': 'journal-heading' },
		    entries.map((e) => entryView(e, byId, corrections))));
	}

	async function load() {
		try {
			entries = await loadAll(caseId);
		} catch (err) {
			if (!ctx.isCurrent() || err.status === 401)
				return;
			listHost.replaceChildren(alertBox(errorMessage(err)));
			return;
		}
		if (ctx.isCurrent())
			paint();
	}

	// The form under the list: a new entry, or the correction of one.
	function buildForm() {
		const titleId = uid('journal-form');
		const kind = selectField({
			label: t('journal.kind'), id: 'journal-kind', name: 'kind',
			options: vocab.options('journal_kinds'), value: 'note',
		});
		const text = textareaField({
			label: t('journal.text'), id: 'journal-text', name: 'text',
			rows: '5', maxlength: String(TEXT_MAX), required: true, class: 'input-wide',
		});
		const visibility = choiceGroup({
			legend: t('journal.visibility'), name: 'visibility', type: 'radio', checked: ['team'],
			options: vocab.options('journal_visibility'),
		});
		visibility.wrap.classList.add('choice-inline');
		// The form's reset comes back to "the whole team".
		for (const input of visibility.inputs)
			input.defaultChecked = input.value === 'team';
		const correcting = h('div', { class: 'journal-correcting', id: 'journal-correcting', hidden: true });
		const title = h('h3', { id: titleId }, t('journal.newTitle'));
		let corrects = null;

		// A correction is seen by no more than the entry it corrects: for
		// a "full" entry, "the whole team" is not offered. null: all.
		function narrowTo(vis) {
			for (const input of visibility.inputs) {
				const wider = vis === 'full' && input.value === 'team';
				if (vis)
					input.checked = input.value === vis;
				input.disabled = wider;
				input.parentElement.hidden = wider;
			}
		}

		function stopCorrection() {
			corrects = null;
			narrowTo(null);
			correcting.hidden = true;
			correcting.replaceChildren();
			title.textContent = t('journal.newTitle');
		}

		const f = createForm(ctx, {
			id: 'journal-form', labelledBy: titleId, clears: msg,
			fields: { kind, text, visibility },
			body: [correcting, h('div', { class: 'row' }, kind.wrap, visibility.wrap), text.wrap],
			submit: { id: 'journal-submit', text: t('journal.submit') },
			collect() {
				const body = {
					kind: kind.control.value,
					text: norm(text.control.value),
					visibility: visibility.values()[0] || 'team',
				};
				if (corrects)
					body.corrects = corrects.id;
				const errors = body.text ? [] : [{ field: 'text', message: t('journal.requiredText') }];
				return { body, errors };
			},
			send: (body) => api.addJournalEntry(caseId, body),
			handle(err) {
				if (err.status === 403) {
					msg.replaceChildren(noticeBox(t('journal.forbidden'), 'info'));
					return true;
				}
				return false;
			},
			async done(entry) {
				const was = corrects;
				f.reset();
				stopCorrection();
				ctx.announce(was ? t('journal.correctedDone') : t('journal.added'), { kind: 'success' });
				await load();
				const el = entry && document.getElementById(entryId(entry.id));
				if (el)
					el.focus();
			},
		});

		function startCorrection(e) {
			corrects = e;
			title.textContent = t('journal.correctTitle');
			const cancel = h('button', {
				type: 'button', class: 'btn btn-small btn-secondary', id: 'journal-correct-cancel',
				on: {
					click: () => {
						stopCorrection();
						text.control.focus();
					},
				},
			}, t('journal.correctCancel'));
			const what = t('journal.correcting', { when: formatDateTime(e.at) });
			correcting.replaceChildren(noticeBox(
			    e.visibility === 'full' ? `${what} ${t('journal.correctingFull')}` : what, 'info', cancel));
			correcting.hidden = false;
			kind.control.value = e.kind;
			narrowTo(e.visibility === 'full' ? 'full' : 'team');
			text.control.value = e.text;
			text.control.focus();
		}

		// Without write_journal_full every entry is for the whole team.
		function setFull(full) {
			visibility.wrap.hidden = !full;
			if (!full)
				for (const input of visibility.inputs)
					input.checked = input.value === 'team';
		}

		return {
			el: h('div', { class: 'form-panel journal-form' }, title, f.el),
			startCorrection,
			setFull,
		};
	}

	// What the case offers this user (its `allowed`): the form and "Rätta"
	// only with write_journal, the choice of "full access only" only with
	// write_journal_full.
	function setAllowed(list) {
		allowed = list || [];
		form.el.hidden = !allowed.includes('write_journal');
		form.setFull(allowed.includes('write_journal_full'));
		if (entries.length)
			paint();
	}

	const el = h('section', { class: 'card', 'aria-labelledby': 'journal-heading', id: 'journal' },
	    h('div', { class: 'section-head' }, heading),
	    h('p', { class: 'muted' }, t('journal.intro')),
	    msg, listHost, form.el);
	return { el, load, setAllowed };
}
