// NMT web UI entry point: session bootstrap, header, hash router, status
// messages. Routes carry ids only (#/cases/<id>, #/persons/<id>); search
// words and other input never go into the URL or the page title.
//
// What the header offers and where a user starts depend on the role
// (roles.js): case workers start at the case list, auditors at the audit
// log, the other roles at a start page. A route the role cannot use shows
// that start page in its place rather than the server's 403.

import { api, onUnauthorized, setCsrfToken } from './api.js';
import { h } from './dom.js';
import { t, getLang, setLang, formatDateTime } from './i18n.js';
import { clearReference } from './ref.js';
import * as vocab from './vocab.js';
import { errorMessage, alertBox, setTitle } from './ui.js';
import * as loginView from './views/login.js';
import * as casesView from './views/cases.js';
import * as newCaseView from './views/case-new.js';
import * as caseView from './views/case.js';
import * as personView from './views/person.js';
import * as notFoundView from './views/not-found.js';
import * as auditView from './views/audit.js';
import * as breakGlassView from './views/break-glass.js';
import * as startView from './views/start.js';
import * as assessmentView from './views/assessment.js';
import * as guidanceAdminView from './views/guidance-admin.js';
import * as consultationsView from './views/consultations.js';
import * as newConsultationView from './views/consultation-new.js';
import {
	worksCases, audits, homeRoute, editsGuidance, requests, worksQueue, logsConsultations,
} from './roles.js';
// Tasks (uppdrag) and notifications.
import * as tasksView from './views/tasks.js';
import * as notificationsView from './views/notifications.js';
import { indicator, refreshIndicator, stopIndicator } from './notify.js';
// Operations (punktinsatser).
import * as operationsView from './views/operations.js';
import * as operationNewView from './views/operation-new.js';
import * as operationView from './views/operation.js';
import * as fieldView from './views/operation-field.js';
import { worksOperations, plansOperations } from './roles.js';
// Statistics (issue 12).
import * as statsView from './views/stats.js';
import { readsStats } from './roles.js';

const state = {
	user: null,
	seq: 0,          // render sequence: a view whose seq is stale must stop
	flash: null,     // status message that survives the next navigation
	current: null,   // {view, params}
};

const anyone = () => true;

// [pattern, view, who may use it]
const routes = [
	[/^#\/cases\/?$/, casesView, worksCases],
	[/^#\/cases\/new\/?$/, newCaseView, worksCases],
	[/^#\/cases\/([A-Za-z0-9_-]+)\/?$/, caseView, worksCases],
	[/^#\/persons\/([A-Za-z0-9_-]+)\/?$/, personView, worksCases],
	// Indicator screening (issue 9).
	[/^#\/persons\/([A-Za-z0-9_-]+)\/assessment\/?$/, assessmentView, worksCases],
	[/^#\/audit\/?$/, auditView, audits],
	[/^#\/audit\/break-glass\/?$/, breakGlassView, audits],
	[/^#\/start\/?$/, startView, anyone],
	[/^#\/guidance\/?$/, guidanceAdminView, editsGuidance],
	// Intake.
	[/^#\/consultations\/?$/, consultationsView, worksQueue],
	[/^#\/consultations\/mine\/?$/, consultationsView, requests],
	[/^#\/consultations\/new\/?$/, newConsultationView, logsConsultations],
	
	[/^#\/tasks\/?$/, tasksView, worksCases],
	[/^#\/tasks\/([A-Za-z0-9_-]+)\/?$/, tasksView, worksCases],
	[/^#\/notifications\/?$/, notificationsView, worksCases],
	// Operations (punktinsatser).
	[/^#\/operations\/?$/, operationsView, worksOperations],
	[/^#\/operations\/new\/?$/, operationNewView, plansOperations],
	[/^#\/operations\/([A-Za-z0-9_-]+)\/?$/, operationView, worksOperations],
	[/^#\/operations\/([A-Za-z0-9_-]+)\/field\/?$/, fieldView, worksOperations],
	// Statistics (issue 12).
	[/^#\/stats\/?$/, statsView, readsStats],
];

// The header's menu for a role: [id, href, message key, active when].
function navItems(user) {
	if (requests(user)) {
		return [
			['nav-consultation-new', '#/consultations/new', 'nav.newConsultation', /^#\/consultations\/new\/?$/],
			['nav-consultations-mine', '#/consultations/mine', 'nav.myConsultations', /^#\/consultations\/mine\/?$/],
		];
	}
	if (worksCases(user)) {
		return [
			['nav-cases', '#/cases', 'nav.cases', /^#\/cases\/?$/],
			['nav-new', '#/cases/new', 'nav.newCase', /^#\/cases\/new\/?$/],
			...(worksQueue(user)
			    ? [['nav-consultations', '#/consultations', 'nav.consultations', /^#\/consultations\/?$/]]
			    : []),
			['nav-tasks', '#/tasks', 'nav.tasks', /^#\/tasks(\/.*)?$/],
			// Operations (punktinsatser).
			...(worksOperations(user)
			    ? [['nav-operations', '#/operations', 'nav.operations', /^#\/operations(\/.*)?$/]]
			    : []),
		];
	}
	if (audits(user)) {
		return [
			['nav-audit', '#/audit', 'nav.audit', /^#\/audit\/?$/],
			['nav-break-glass', '#/audit/break-glass', 'nav.breakGlass', /^#\/audit\/break-glass\/?$/],
		];
	}
	if (editsGuidance(user))
		return [['nav-guidance', '#/guidance', 'nav.guidance', /^#\/guidance\/?$/]];
	return [];
}

// The whole menu: the role's items and then "Statistik" for those who
// read statistics (issue 12).
function menu(user) {
	const items = navItems(user);
	if (readsStats(user))
		items.push(['nav-stats', '#/stats', 'nav.stats', /^#\/stats\/?$/]);
	return items;
}

const els = {};

function buildShell() {
	els.skip = h('a', {
		class: 'skip-link', href: '#main',
		on: {
			click: (ev) => {
				ev.preventDefault();
				const target = els.view.querySelector('h1') || els.main;
				target.focus();
			},
		},
	});
	els.header = h('header', { class: 'site-header' });
	els.status = h('div', { class: 'status', id: 'status', role: 'status', 'aria-live': 'polite' });
	els.view = h('div', { class: 'view', id: 'view' });
	els.main = h('main', { id: 'main', tabindex: '-1' }, els.status, els.view);
	document.body.replaceChildren(els.skip, els.header, els.main);
	window.addEventListener('beforeprint', renderPrintMark);
}

// The marking at the top of every printed sheet (app.css, @page): secrecy
// and its legal basis, who printed (name, username, organisation) and when,
// as a CSS string in --print-mark on <html> (CSSOM, allowed by the CSP).
// Written on each header render and again just before printing; signed
// out, the marking is the word alone.
function printMarkText(user, now = new Date()) {
	const lines = [t('print.secrecy').toUpperCase(), t('print.basis')];
	if (user) {
		const org = user.organization ? user.organization.code : '';
		const who = user.display_name ? `${user.display_name} (${user.username})` : user.username;
		lines.push(t('print.printedBy', { user: who, org, time: formatDateTime(now.toISOString()) }));
	}
	return lines.join('\n');
}

function renderPrintMark() {
	const text = printMarkText(state.user);
	const css = `"${text.replace(/["\\]/g, '\\$&').replace(/\n/g, '\\A ')}"`;
	document.documentElement.style.setProperty('--print-mark', css);
}

function renderHeader() {
	els.skip.textContent = t('app.skip');
	const langNext = getLang() === 'sv' ? 'en' : 'sv';
	// The accessible name starts with the visible text ("English"), in its
	// own language, and says what the button does in the current one.
	const langButton = h('button', {
		type: 'button', class: 'btn btn-header', id: 'lang-switch',
		on: { click: () => switchLanguage(langNext) },
	}, h('span', { lang: langNext }, t('lang.switch')),
	    h('span', { class: 'visually-hidden' }, ` – ${t('lang.switchLabel')}`));

	const brand = h('div', { class: 'brand' },
	    h('a', { href: state.user ? homeRoute(state.user) : '#/', class: 'brand-mark' }, t('app.name')),
	    h('span', { class: 'brand-name' }, t('app.fullName')));

	const parts = [brand];
	if (state.user) {
		const u = state.user;
		const org = u.organization ? (u.organization.name || u.organization.code) : '';
		const items = menu(u);
		if (items.length) {
			parts.push(h('nav', { class: 'site-nav', 'aria-label': t('nav.label') },
			    h('ul', null, items.map(([id, href, key]) =>
				h('li', null, h('a', { href, id }, t(key)))))));
		}
		parts.push(h('div', { class: 'header-tools' },
		    h('div', { class: 'user-info' },
		        h('span', { class: 'visually-hidden' }, `${t('user.label')}: `),
		        h('span', { class: 'user-name', id: 'user-name' }, u.display_name || u.username),
		        h('span', { class: 'user-meta' },
		            h('span', { id: 'user-org' }, org),
		            vocab.loaded() ? h('span', { class: 'sep', 'aria-hidden': 'true' }, ' · ') : null,
		            h('span', { id: 'user-role' }, vocab.loaded() ? vocab.label('roles', u.role) : ''))),
		    worksCases(u) ? indicator() : null,
		    langButton,
		    h('button', {
			    type: 'button', class: 'btn btn-header', id: 'logout',
			    on: { click: logout },
		    }, t('user.logout'))));
	} else {
		parts.push(h('div', { class: 'header-tools' }, langButton));
	}
	els.header.replaceChildren(h('div', { class: 'header-inner' }, parts));
	markCurrentNav();
	renderPrintMark();
	if (state.user && worksCases(state.user))
		refreshIndicator();
}

function markCurrentNav() {
	const hash = location.hash;
	const items = menu(state.user);
	for (const a of els.header.querySelectorAll('.site-nav a')) {
		const item = items.find(([id]) => id === a.id);
		const active = Boolean(item) && item[3].test(hash);
		if (active)
			a.setAttribute('aria-current', 'page');
		else
			a.removeAttribute('aria-current');
	}
}

export function announce(message, { persist = false, kind = 'info' } = {}) {
	els.status.replaceChildren();
	els.status.className = `status status-${kind}`;
	// A fresh text node makes screen readers announce repeated messages too.
	if (message)
		els.status.appendChild(document.createTextNode(message));
	state.flash = persist ? message : null;
}

function navigate(hash, { replace = false } = {}) {
	if (location.hash === hash) {
		route();
		return;
	}
	if (replace) {
		history.replaceState(null, '', hash);
		route();
	} else {
		location.hash = hash;   // hashchange → route()
	}
}

function matchRoute(hash) {
	for (const [re, view, allowed] of routes) {
		const m = re.exec(hash);
		if (m)
			return { view, params: m.slice(1), allowed };
	}
	return null;
}

// A route this user may open.
function usable(hash) {
	const m = matchRoute(hash);
	return Boolean(m) && m.allowed(state.user);
}

async function route({ keepFocus = false } = {}) {
	const seq = ++state.seq;
	markCurrentNav();
	if (!state.flash)
		announce('');
	state.flash = null;

	if (!state.user) {
		state.current = { view: loginView, params: [] };
		await runView(loginView, [], seq, keepFocus);
		return;
	}
	// The code lists, once per login, before any page that shows codes.
	if (!vocab.loaded()) {
		try {
			await vocab.load();
		} catch (err) {
			if (seq === state.seq && state.user && err.status !== 401)
				vocabFailed(err, seq);
			return;
		}
		if (seq !== state.seq || !state.user)
			return;
		renderHeader();   // the role's label
	}
	const hash = location.hash;
	if (hash === '' || hash === '#' || hash === '#/') {
		history.replaceState(null, '', homeRoute(state.user));
		return route({ keepFocus });
	}
	const m = matchRoute(hash);
	if (m && !m.allowed(state.user)) {
		// Not for this role: the calm start page, never the server's 403.
		state.current = { view: startView, params: [] };
		await runView(startView, [], seq, keepFocus, { denied: true });
		return;
	}
	const view = m ? m.view : notFoundView;
	state.current = { view, params: m ? m.params : [] };
	if (worksCases(state.user))
		refreshIndicator();
	await runView(view, m ? m.params : [], seq, keepFocus);
}

// Without the code lists no page is drawn: a message and "Försök igen".
function vocabFailed(err, seq) {
	setTitle('vocab.title');
	const retry = h('button', {
		type: 'button', class: 'btn btn-small btn-secondary', id: 'vocab-retry',
		on: { click: () => route() },
	}, t('error.retry'));
	const detail = errorMessage(err);
	els.view.replaceChildren(
	    h('h1', { class: 'page-heading', tabindex: '-1' }, t('vocab.title')),
	    h('div', { class: 'alert alert-error', role: 'alert', id: 'vocab-error' },
	        h('p', { class: 'alert-text' }, `${t('vocab.failed')} ${detail}`),
	        h('div', { class: 'alert-actions' }, retry)));
	if (seq === state.seq)
		els.view.querySelector('h1').focus();
}

async function runView(view, params, seq, keepFocus, extra = {}) {
	const ctx = {
		...extra,
		root: els.view,
		params,
		user: state.user,
		home: homeRoute(state.user),
		isCurrent: () => seq === state.seq,
		announce,
		navigate,
		onLoggedIn,
		showError(err, host = els.view) {
			if (seq !== state.seq || (err && err.status === 401))
				return;
			host.replaceChildren(alertBox(errorMessage(err)));
		},
	};
	const loading = setTimeout(() => {
		if (ctx.isCurrent() && !els.view.querySelector('h1'))
			els.view.replaceChildren(h('p', { class: 'loading' }, t('app.loading')));
	}, 150);
	els.view.replaceChildren();
	try {
		await view.render(ctx);
	} catch (err) {
		if (ctx.isCurrent() && !(err && err.status === 401)) {
			setTitle('error.title');
			els.view.replaceChildren(
			    h('h1', { class: 'page-heading', tabindex: '-1' }, t('error.title')),
			    alertBox(errorMessage(err)));
		}
		if (!(err && typeof err.status === 'number'))
			console.error(err);
	} finally {
		clearTimeout(loading);
	}
	if (!ctx.isCurrent() || keepFocus)
		return;
	const focusFirst = view.focusOnEnter ? view.focusOnEnter(els.view) : null;
	const target = focusFirst || els.view.querySelector('h1');
	if (target)
		target.focus({ preventScroll: false });
}

// After login: the page asked for if the role may use it (a link opened
// before signing in), else the role's start.
function onLoggedIn(user) {
	state.user = user;
	renderHeader();
	if (usable(location.hash) && location.hash !== '#/start')
		route();
	else
		navigate(homeRoute(user), { replace: true });
}

async function logout() {
	try {
		await api.logout();
	} catch (err) {
		// The session may already be gone; either way we are signed out here.
	}
	signedOut(t('user.loggedOut'));
}

function signedOut(message) {
	state.user = null;
	setCsrfToken(null);
	stopIndicator();
	clearReference();
	vocab.clear();
	casesView.resetFilters();
	auditView.resetFilters();
	consultationsView.resetFilters();
	operationsView.resetFilters();
	statsView.resetFilters();
	renderHeader();
	// The next user starts where their own role starts.
	history.replaceState(null, '', '#/');
	route().then(() => announce(message, { kind: 'info' }));
}

function switchLanguage(next) {
	setLang(next);
	renderHeader();
	const btn = document.getElementById('lang-switch');
	if (btn)
		btn.focus();
	route({ keepFocus: true });
}

async function boot() {
	buildShell();
	onUnauthorized(() => {
		if (state.user)
			signedOut(t('user.sessionExpired'));
	});
	try {
		state.user = await api.me();
	} catch (err) {
		state.user = null;
		if (err && err.status !== 401) {
			renderHeader();
			await route();
			announce(errorMessage(err), { kind: 'error' });
			window.addEventListener('hashchange', () => route());
			return;
		}
	}
	renderHeader();
	window.addEventListener('hashchange', () => route());
	await route();
}

boot();
