// "Att tänka på vid första kontakten": the first-contact guidance (GET
// /api/v1/guidance, data that admins edit) as a collapsible side panel
// beside a page's content, and below it on a narrow screen. One call puts it
// on a page:
//
//   ctx.root.replaceChildren(withGuidance([...the page's nodes]));
//
// guidanceLayout({topic}) → {el, main} is the same for a page that repaints
// its content into main and keeps the panel.
//
// withGuidance(nodes, {topic}) → <div class="with-guidance"> with the nodes
// first (so the keyboard and a screen reader meet the page before the
// advice) and the <aside> after them. The panel fetches the guidance in the
// UI's language when it is built (pages are rebuilt on a language switch);
// "Dölj vägledningen" folds it to its heading, and the choice is remembered
// in this browser (no personal data). On a phone it starts folded unless
// the user opened it before.
//
// firstContactChecklist() gives the first-meeting checklist ([{code,
// label}]) in the UI's language, from the same guidance, for the person
// page's form.

import { api } from './api.js';
import { h } from './dom.js';
import { t, getLang } from './i18n.js';
import { alertBox } from './ui.js';

const OPEN_KEY = 'nmt.guidance.open';
const NARROW = '(max-width: 900px)';

function storedOpen() {
	try {
		const v = window.localStorage.getItem(OPEN_KEY);
		if (v === 'true' || v === 'false')
			return v === 'true';
	} catch {
		/* storage may be disabled */
	}
	return !window.matchMedia(NARROW).matches;
}

function storeOpen(open) {
	try {
		window.localStorage.setItem(OPEN_KEY, String(open));
	} catch {
		/* the choice then lasts for this page only */
	}
}

// The guidance of a topic in the UI's language (a request each time: an
// admin's edit shows on the next page).
export function fetchGuidance(topic = 'first-contact') {
	return api.guidance(getLang(), topic);
}

export async function firstContactChecklist() {
	const g = await fetchGuidance('first-contact');
	return g.checklist || [];
}

export function guidanceItems(g) {
	return h('ol', { class: 'guidance-items' }, (g.items || []).map((it) =>
		h('li', { class: 'guidance-item', 'data-code': it.code },
		    h('h3', null, it.heading),
		    h('p', { class: 'prose' }, it.text))));
}

// The <aside>: heading, fold button, and the items once fetched.
export function guidancePanel({ topic = 'first-contact', onToggle } = {}) {
	// One panel per page: fixed ids.
	const headingId = 'guidance-heading';
	const bodyId = 'guidance-body';
	const body = h('div', { class: 'guidance-body', id: bodyId },
	    h('p', { class: 'loading' }, t('guidance.loading')));
	const toggle = h('button', {
		type: 'button', class: 'btn btn-secondary btn-small guidance-toggle', id: 'guidance-toggle',
		'aria-controls': bodyId,
	});
	const aside = h('aside', { class: 'card guidance-panel', 'aria-labelledby': headingId },
	    h('div', { class: 'section-head' },
	        h('h2', { id: headingId }, t('guidance.title')), toggle),
	    body);

	function setOpen(open) {
		body.hidden = !open;
		toggle.setAttribute('aria-expanded', String(open));
		toggle.textContent = open ? t('guidance.hide') : t('guidance.show');
		aside.classList.toggle('is-folded', !open);
		if (onToggle)
			onToggle(open);
	}
	toggle.addEventListener('click', () => {
		const open = body.hidden;
		storeOpen(open);
		setOpen(open);
	});

	async function load() {
		try {
			const g = await fetchGuidance(topic);
			body.replaceChildren(guidanceItems(g));
		} catch (err) {
			if (err && err.status === 401)
				return;
			const retry = h('button', { type: 'button', class: 'btn btn-secondary' }, t('guidance.retry'));
			retry.addEventListener('click', () => {
				body.replaceChildren(h('p', { class: 'loading' }, t('guidance.loading')));
				load();
			});
			body.replaceChildren(alertBox(t('guidance.failed')), retry);
		}
	}

	setOpen(storedOpen());
	load();
	return aside;
}

// The layout alone, for a page that repaints its content and keeps the
// panel: {el, main} (put the content into main).
export function guidanceLayout(opts = {}) {
	const main = h('div', { class: 'with-guidance-main' });
	const el = h('div', { class: 'with-guidance' }, main);
	el.append(guidancePanel({
		...opts,
		onToggle: (open) => el.classList.toggle('guidance-folded', !open),
	}));
	return { el, main };
}

// The page's nodes with the guidance panel beside them (below on a phone).
export function withGuidance(nodes, opts = {}) {
	const layout = guidanceLayout(opts);
	layout.main.append(...nodes);
	return layout.el;
}
