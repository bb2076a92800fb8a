// What each role can use in this version of the UI. The server decides
// every request (403 otherwise); this only keeps the UI from offering what
// the role cannot use:
//   coordinator, member – work cases (and a coordinator reads a case's log);
//   auditor             – reads the audit log and the nödåtkomst grants;
//   admin               – edits the first-contact guidance (#/guidance);
//   requester           – its consultations: "Ny konsultation" and
//                         "Mina konsultationer", nothing else;
//   coordinator         – also the consultation queue of its region (the
//                         secretariat: every region);
//   analyst             – the statistics page (#/stats), where it starts;
//   coordinator         – the statistics too: the secretariat's nationally,
//                         one with a region for that region only.
//   coordinator, member – operations ("Insatser"); coordinators of a
//                         region or the secretariat also plan them.

export function worksCases(user) {
	return Boolean(user) && (user.role === 'coordinator' || user.role === 'member');
}

export function audits(user) {
	return Boolean(user) && user.role === 'auditor';
}

// GET /api/v1/audit?case=… is open to coordinators for the cases they see.
export function readsCaseLog(user) {
	return Boolean(user) && user.role === 'coordinator';
}

// The guidance texts are edited by admins (PATCH /api/v1/guidance/items/…).
export function editsGuidance(user) {
	return Boolean(user) && user.role === 'admin';
}

// Intake: requesters submit and follow their own consultations.
export function requests(user) {
	return Boolean(user) && user.role === 'requester';
}

// Intake: coordinators with coordinator rights (the secretariat's, and
// those with a region) work the consultation queue.
export function worksQueue(user) {
	return Boolean(user) && user.role === 'coordinator' &&
	    (Boolean(user.region) || (Boolean(user.organization) && user.organization.code === 'NMT'));
}

// The new-consultation form: requesters, and coordinators logging a call.
export function logsConsultations(user) {
	return requests(user) || worksQueue(user);
}

// The secretariat's coordinators see every region's queue.
export function secretariat(user) {
	return worksQueue(user) && Boolean(user.organization) && user.organization.code === 'NMT';
}

// Operations (punktinsatser): coordinators and members see those they
// may (the server decides which); coordinators with coordinator rights
// (the secretariat, or a region) plan them.
export function worksOperations(user) {
	return worksCases(user);
}

export function plansOperations(user) {
	return worksQueue(user);
}

// Where a user starts after login and on "#/".
export function homeRoute(user) {
	if (requests(user))
		return '#/consultations/mine';
	if (worksCases(user))
		return '#/cases';
	if (audits(user))
		return '#/audit';
	if (readsStats(user))
		return '#/stats';
	return '#/start';
}

// Statistics (GET /api/v1/stats…): analysts and the secretariat's
// coordinators nationally, a coordinator with a region for its region.
export function readsStats(user) {
	return Boolean(user) && (user.role === 'analyst' || worksQueue(user));
}

// The region a statistics user is held to (a regional coordinator's own),
// or null for a national one.
export function statsRegion(user) {
	return readsStats(user) && user.role === 'coordinator' && !secretariat(user) ? user.region : null;
}

// Differential-privacy releases (POST/GET /api/v1/stats/releases): the
// national statistics users only (analysts, the secretariat).
export function releasesStats(user) {
	return readsStats(user) && !statsRegion(user);
}
