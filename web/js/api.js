// API client for /api/v1. Holds the CSRF token in memory only (never in
// storage); a reloaded page gets it back from GET /api/v1/me. Every write
// carries X-CSRF-Token and Content-Type: application/json.

const BASE = '/api/v1';

let csrfToken = null;
let unauthorizedHandler = null;

export class ApiError extends Error {
	constructor(status, problem) {
		super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
		this.name = 'ApiError';
		this.status = status;          // 0 = network failure
		this.problem = problem || null;
	}

	get fieldErrors() {
		const errs = this.problem && Array.isArray(this.problem.errors) ? this.problem.errors : [];
		return errs.filter((e) => e && typeof e.field === 'string');
	}
}

export function setCsrfToken(token) {
	csrfToken = token || null;
}

// Called on any 401 except for the login request itself.
export function onUnauthorized(fn) {
	unauthorizedHandler = fn;
}

function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params || {}))
		if (v !== undefined && v !== null && v !== '')
			q.set(k, v);
	const s = q.toString();
	return s ? `?${s}` : '';
}

async function request(method, path, { body, params, signal, login = false, version } = {}) {
	const headers = { Accept: 'application/json, application/problem+json' };
	// Optimistic locking: a change names the version it was based on.
	if (version !== undefined && version !== null)
		headers['If-Match'] = `"${version}"`;
	const write = method !== 'GET' && method !== 'HEAD';
	if (write) {
		headers['Content-Type'] = 'application/json';
		if (csrfToken)
			headers['X-CSRF-Token'] = csrfToken;
	}
	let res;
	try {
		res = await fetch(BASE + path + query(params), {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			credentials: 'same-origin',
			cache: 'no-store',
			signal,
		});
	} catch (e) {
		if (e && e.name === 'AbortError')
			throw e;
		throw new ApiError(0, null);
	}
	let data = null;
	const type = res.headers.get('Content-Type') || '';
	if (res.status !== 204 && type.includes('json')) {
		try {
			data = await res.json();
		} catch {
			data = null;
		}
	}
	if (!res.ok) {
		const err = new ApiError(res.status, data);
		if (res.status === 401 && !login && unauthorizedHandler)
			unauthorizedHandler(err);
		throw err;
	}
	return data;
}

// One part of the audit log as CSV: {text, next} (next: the cursor of the
// following part, or null).
async function auditCsvPart(params) {
	let res;
	try {
		res = await fetch(`${BASE}/audit/export${query(params)}`, {
			headers: { Accept: 'text/csv, application/problem+json' },
			credentials: 'same-origin', cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, null);
	}
	if (!res.ok) {
		let problem = null;
		try {
			problem = await res.json();
		} catch {
			problem = null;
		}
		const err = new ApiError(res.status, problem);
		if (res.status === 401 && unauthorizedHandler)
			unauthorizedHandler(err);
		throw err;
	}
	return { text: await res.text(), next: res.headers.get('NMT-Next-Cursor') };
}

// Statistics: one answer of GET /api/v1<path> as a file (kind csv or
// xlsx, asked for with the Accept header) → a Blob; errors as ApiError.
const STATS_TYPES = {
	csv: 'text/csv',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
async function statsFile(path, params, kind) {
	let res;
	try {
		res = await fetch(`${BASE}${path}${query(params)}`, {
			headers: { Accept: `${STATS_TYPES[kind]}, application/problem+json` },
			credentials: 'same-origin', cache: 'no-store',
		});
	} catch {
		throw new ApiError(0, null);
	}
	if (!res.ok) {
		let problem = null;
		try {
			problem = await res.json();
		} catch {
			problem = null;
		}
		const err = new ApiError(res.status, problem);
		if (res.status === 401 && unauthorizedHandler)
			unauthorizedHandler(err);
		throw err;
	}
	return res.blob();
}

export const api = {
	async login(username, password, totp) {
		const data = await request('POST', '/session', {
			body: { username, password, totp }, login: true,
		});
		setCsrfToken(data && data.csrf_token);
		return data.user;
	},
	async logout() {
		try {
			await request('DELETE', '/session', { login: true });
		} finally {
			setCsrfToken(null);
		}
	},
	async me() {
		const data = await request('GET', '/me', { login: true });
		if (data && data.csrf_token)
			setCsrfToken(data.csrf_token);
		return data;
	},
	listCases(params, signal) {
		return request('GET', '/cases', { params, signal });
	},
	getCase(id) {
		return request('GET', `/cases/${encodeURIComponent(id)}`);
	},
	createCase(body) {
		return request('POST', '/cases', { body });
	},
	// Changes the fields in body; `version` is the case's version as read
	// (412 when it is no longer current).
	updateCase(id, version, body) {
		return request('PATCH', `/cases/${encodeURIComponent(id)}`, { body, version });
	},
	addPerson(caseId, body) {
		return request('POST', `/cases/${encodeURIComponent(caseId)}/persons`, { body });
	},
	getPerson(id) {
		return request('GET', `/persons/${encodeURIComponent(id)}`);
	},
	// the duplicate check: possible duplicates; identity values go in
	// the body only, never in the URL.
	matchPersons(body) {
		return request('POST', '/persons/match', { body });
	},
	updatePerson(id, version, body) {
		return request('PATCH', `/persons/${encodeURIComponent(id)}`, { body, version });
	},
	// Nödåtkomst: the reason is sent once and not kept by the client.
	// The identity block, on demand (each call is its own audit entry).
	getIdentity(id) {
		return request('GET', `/persons/${encodeURIComponent(id)}/identity`);
	},
	breakGlass(personId, body) {
		return request('POST', `/persons/${encodeURIComponent(personId)}/break-glass`, { body });
	},
	getTeam(caseId) {
		return request('GET', `/cases/${encodeURIComponent(caseId)}/team`);
	},
	addTeamMember(caseId, body) {
		return request('POST', `/cases/${encodeURIComponent(caseId)}/team`, { body });
	},
	removeTeamMember(caseId, memberId) {
		return request('DELETE',
		    `/cases/${encodeURIComponent(caseId)}/team/${encodeURIComponent(memberId)}`);
	},
	// The case journal, oldest first: {limit, cursor}.
	listJournal(caseId, params, signal) {
		return request('GET', `/cases/${encodeURIComponent(caseId)}/journal`, { params, signal });
	},
	// A new entry {kind, text, visibility, corrects?}; entries never change.
	addJournalEntry(caseId, body) {
		return request('POST', `/cases/${encodeURIComponent(caseId)}/journal`, { body });
	},
	// The person's support pathway: steps, events and running clocks.
	getPathway(personId) {
		return request('GET', `/persons/${encodeURIComponent(personId)}/pathway`);
	},
	// A new pathway event {type, date, until?, note?, corrects?}; events never change.
	addPathwayEvent(personId, body) {
		return request('POST', `/persons/${encodeURIComponent(personId)}/pathway/events`, { body });
	},
	// What each update changed, newest first: {limit, cursor}.
	caseHistory(caseId, params, signal) {
		return request('GET', `/cases/${encodeURIComponent(caseId)}/history`, { params, signal });
	},
	personHistory(personId, params, signal) {
		return request('GET', `/persons/${encodeURIComponent(personId)}/history`, { params, signal });
	},
	// The audit log, newest first: {case, flagged, limit, cursor}.
	listAudit(params, signal) {
		return request('GET', '/audit', { params, signal });
	},
	// The whole filtered log as one CSV text (auditors only): the parts
	// the server gives one after another, each part's header row once.
	async exportAudit(params) {
		let { text, next } = await auditCsvPart(params);
		while (next) {
			const part = await auditCsvPart({ ...params, cursor: next });
			text += part.text.slice(part.text.indexOf('\r\n') + 2);
			next = part.next;
		}
		return text;
	},
	// Nödåtkomst grants with their reasons (auditors only).
	listBreakGlass(params, signal) {
		return request('GET', '/break-glass', { params, signal });
	},
	// Indicator screening: the catalogue ({version} for an older one), a
	// person's assessments (newest first: {limit, cursor}), a new one.
	indicators(params) {
		return request('GET', '/indicators', { params });
	},
	listAssessments(personId, params, signal) {
		return request('GET', `/persons/${encodeURIComponent(personId)}/assessments`, { params, signal });
	},
	addAssessment(personId, body) {
		return request('POST', `/persons/${encodeURIComponent(personId)}/assessments`, { body });
	},
	// The closed code lists with their Swedish and English labels.
	vocabularies() {
		return request('GET', '/vocabularies');
	},
	regions(params) {
		return request('GET', '/regions', { params });
	},
	counties(params) {
		return request('GET', '/counties', { params });
	},
	countries(params) {
		return request('GET', '/countries', { params });
	},
	languages(params) {
		return request('GET', '/languages', { params });
	},
	organizations(params) {
		return request('GET', '/organizations', { params });
	},
	// First-contact guidance in one language: {topic, lang, items, checklist}.
	guidance(lang, topic = 'first-contact') {
		return request('GET', '/guidance', { params: { topic, lang } });
	},
	// One guidance item in both languages (admins edit it).
	guidanceItem(id) {
		return request('GET', `/guidance/items/${encodeURIComponent(id)}`);
	},
	// Changes an item's texts {sv?: {heading?, text?, check_label?}, en?: …}
	// at the version read (admins; 412 when it moved on).
	updateGuidanceItem(id, version, body) {
		return request('PATCH', `/guidance/items/${encodeURIComponent(id)}`, { body, version });
	},
	// A person's first meetings, newest first: {limit, cursor}.
	listFirstContacts(personId, params) {
		return request('GET', `/persons/${encodeURIComponent(personId)}/first-contact`, { params });
	},
	// A first meeting {date, checklist: {code: bool}, note?}; never changed.
	logFirstContact(personId, body) {
		return request('POST', `/persons/${encodeURIComponent(personId)}/first-contact`, { body });
	},
	// Intake: consultations (the queue in queue order: acute first, then
	// oldest; a requester gets its own) {status, region, urgency, open,
	// limit, cursor}, their counts per status, and the changes.
	listConsultations(params, signal) {
		return request('GET', '/consultations', { params, signal });
	},
	consultationCounts(params) {
		return request('GET', '/consultations/counts', { params });
	},
	createConsultation(body) {
		return request('POST', '/consultations', { body });
	},
	getConsultation(id) {
		return request('GET', `/consultations/${encodeURIComponent(id)}`);
	},
	updateConsultation(id, body, version) {
		return request('PATCH', `/consultations/${encodeURIComponent(id)}`, { body, version });
	},
	// A case opened from the consultation (the new case).
	openCaseFromConsultation(id, body = {}) {
		return request('POST', `/consultations/${encodeURIComponent(id)}/case`, { body });
	},
	// team suggestions, tasks (uppdrag) and notifications.
	teamSuggestions(caseId) {
		return request('GET', `/cases/${encodeURIComponent(caseId)}/team/suggestions`);
	},
	// A case's tasks, newest first: {status, limit, cursor}.
	caseTasks(caseId, params, signal) {
		return request('GET', `/cases/${encodeURIComponent(caseId)}/tasks`, { params, signal });
	},
	// {organization, title, description?, due?, person?, access}
	sendTask(caseId, body) {
		return request('POST', `/cases/${encodeURIComponent(caseId)}/tasks`, { body });
	},
	// Tasks to or from my organization: {status, overdue, case, limit, cursor}.
	listTasks(params, signal) {
		return request('GET', '/tasks', { params, signal });
	},
	getTask(id) {
		return request('GET', `/tasks/${encodeURIComponent(id)}`);
	},
	// verb: accept | decline {reason} | complete {outcome} | revoke.
	taskAction(id, verb, body) {
		return request('POST', `/tasks/${encodeURIComponent(id)}/${verb}`, { body });
	},
	listNotifications(params, signal) {
		return request('GET', '/notifications', { params, signal });
	},
	notificationCount() {
		return request('GET', '/notifications/count');
	},
	readNotification(id) {
		return request('POST', `/notifications/${encodeURIComponent(id)}/read`);
	},
	readAllNotifications() {
		return request('POST', '/notifications/read');
	},
	// Operations (punktinsatser): the list {status, region, from, to,
	// limit, cursor} by start date, one operation, its changes (If-Match:
	// the version read), participants, the scenarios, field encounters
	// (client_ref makes a resend safe) and the computed summary.
	listOperations(params, signal) {
		return request('GET', '/operations', { params, signal });
	},
	createOperation(body) {
		return request('POST', '/operations', { body });
	},
	getOperation(id) {
		return request('GET', `/operations/${encodeURIComponent(id)}`);
	},
	updateOperation(id, version, body) {
		return request('PATCH', `/operations/${encodeURIComponent(id)}`, { body, version });
	},
	addParticipant(id, body) {
		return request('POST', `/operations/${encodeURIComponent(id)}/participants`, { body });
	},
	removeParticipant(id, pid) {
		return request('DELETE',
		    `/operations/${encodeURIComponent(id)}/participants/${encodeURIComponent(pid)}`);
	},
	scenarios() {
		return request('GET', '/scenarios');
	},
	listEncounters(id, params, signal) {
		return request('GET', `/operations/${encodeURIComponent(id)}/encounters`, { params, signal });
	},
	// {pseudonym, gender, age_estimate?, citizenship?, languages?, needs?, client_ref?}
	addEncounter(id, body) {
		return request('POST', `/operations/${encodeURIComponent(id)}/encounters`, { body });
	},
	operationSummary(id) {
		return request('GET', `/operations/${encodeURIComponent(id)}/summary`);
	},
	// Statistics (issue 12): {measure, by, year, region, source}; the
	// Eurostat table and the national yearly report {year}; any of them as
	// a file (statsFile above).
	stats(params) {
		return request('GET', '/stats', { params });
	},
	statsEurostat(params) {
		return request('GET', '/stats/eurostat', { params });
	},
	statsNational(params) {
		return request('GET', '/stats/national', { params });
	},
	statsFile,
	// Differential-privacy releases: {year} → {items, budget}; one with
	// its cells; a new one {measure, by, year, epsilon}.
	statsReleases(params) {
		return request('GET', '/stats/releases', { params });
	},
	statsRelease(id) {
		return request('GET', `/stats/releases/${encodeURIComponent(id)}`);
	},
	createStatsRelease(body) {
		return request('POST', '/stats/releases', { body });
	},
};
