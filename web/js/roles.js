// What each role can use in this version of the UI. The server decides
// every request (403 otherwise); this only keeps the UI from offering what
// the role cannot use:
//   coordinator, member – work cases (and a coordinator reads a case's log);
//   auditor             – reads the audit log and the nödåtkomst grants;
//   admin, analyst, requester – nothing here yet: a start page says so.

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

// Where a user starts after login and on "#/".
export function homeRoute(user) {
	if (worksCases(user))
		return '#/cases';
	if (audits(user))
		return '#/audit';
	return '#/start';
}
