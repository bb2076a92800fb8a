// What each role can use in this version of the UI. The server decides
// every request (403 otherwise); this only keeps the UI from offering what
// the role cannot use:
//   coordinator, member – work cases (and a coordinator reads a case's log);
//   auditor             – reads the audit log and the nödåtkomst grants;
//   admin               – edits the first-contact guidance (#/guidance);
//   admin, analyst, requester – otherwise a start page says what they can do.

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

// Where a user starts after login and on "#/".
export function homeRoute(user) {
	if (worksCases(user))
		return '#/cases';
	if (audits(user))
		return '#/audit';
	return '#/start';
}
