// The access rules of API.md "Who sees what" and docs/SECURITY.md §2, written once, in the
// test's own words — never by asking the server. matrix.test.mjs derives the expected status of
// every (caller, endpoint, object) from these functions and compares it with what nmtd answers.
//
// A principal: {role, org, region|null, username}. A case: {owner (organization code), region,
// team: [{org, username|null, access}]}. A person: {protected: bool}.

export const SECRETARIAT = 'NMT';

export const works = (p) => p.role === 'coordinator' || p.role === 'member';
export const secretariat = (p) => p.role === 'coordinator' && p.org === SECRETARIAT;
/** Coordinator rights: the secretariat's coordinators and coordinators with a region. */
export const coordRights = (p) => p.role === 'coordinator' && (p.org === SECRETARIAT || p.region !== null);
export const owner = (p, c) => p.org === c.owner;

/** The best team access that reaches p: an organization-wide row of its org, or a row naming it. */
export function teamAccess(p, c) {
  let best = 'none';
  for (const row of c.team) {
    const reaches = row.username ? row.username === p.username : row.org === p.org;
    if (!reaches) continue;
    if (row.access === 'full') best = 'full';
    else if (best === 'none') best = 'pseudonymous';
  }
  return best;
}

/** Does p see the case (list and read)? */
export function sees(p, c) {
  if (!works(p)) return false;
  if (secretariat(p)) return true;
  if (coordRights(p) && p.region === c.region) return true;
  return teamAccess(p, c) !== 'none';
}

/** Changes the case and adds/changes its persons. */
export const mayWrite = (p, c) => owner(p, c) || coordRights(p) || teamAccess(p, c) === 'full';
/** Adds and removes team rows. */
export const mayChangeTeam = (p, c) => owner(p, c) || coordRights(p);

/** The identity view as if it were not protected. */
const plainView = (p, c) => (mayWrite(p, c) ? 'full' : 'none');

/** identity_access of a person for p: 'full' | 'without_address' | 'none'. */
export function identityView(p, c, person, { glass = false } = {}) {
  if (!sees(p, c)) return 'none';
  if (!person.protected) return plainView(p, c);
  if (owner(p, c)) return 'full';
  if (glass && plainView(p, c) === 'full') return 'full';
  if (secretariat(p)) return 'without_address';
  return 'none';
}

export const mayBreakGlass = (p, c, person) =>
  person.protected && identityView(p, c, person) !== 'full' && plainView(p, c) === 'full';

// The expected status of each endpoint with an object, from the rules above. `c` is null for an
// object that does not exist (a random id).
const caseGate = (p, c, allowed, ok) => {
  if (!works(p)) return 403;
  if (c === null || !sees(p, c)) return 404;
  return allowed(p, c) ? ok : 403;
};

export const expect = {
  'GET /cases/{id}': (p, c) => caseGate(p, c, () => true, 200),
  'PATCH /cases/{id}': (p, c) => caseGate(p, c, mayWrite, 200),
  'GET /cases/{id}/team': (p, c) => caseGate(p, c, () => true, 200),
  'POST /cases/{id}/team': (p, c) => caseGate(p, c, mayChangeTeam, 201),
  'DELETE /cases/{id}/team/{id}': (p, c) => caseGate(p, c, mayChangeTeam, 204),
  'POST /cases/{id}/persons': (p, c) => caseGate(p, c, mayWrite, 201),
  'GET /persons/{id}': (p, c) => caseGate(p, c, () => true, 200),
  'GET /cases/{id}/journal': (p, c) => caseGate(p, c, () => true, 200),
  'POST /cases/{id}/journal': (p, c) => caseGate(p, c, () => true, 201),
  'POST /cases/{id}/journal full': (p, c) => caseGate(p, c, mayWrite, 201),
  'GET /cases/{id}/history': (p, c) => caseGate(p, c, () => true, 200),
  'GET /persons/{id}/history': (p, c) => caseGate(p, c, () => true, 200),
  'PATCH /persons/{id}': (p, c) => caseGate(p, c, mayWrite, 200),
  'PATCH /persons/{id} identity': (p, c, person) =>
    caseGate(p, c, () => mayWrite(p, c) && identityView(p, c, person) === 'full', 200),
  'POST /persons/{id}/break-glass': (p, c, person) =>
    caseGate(p, c, () => mayBreakGlass(p, c, person), 201),
  // support pathway: who reads the person reads its pathway and adds events (as the journal)
  'GET /persons/{id}/pathway': (p, c) => caseGate(p, c, () => true, 200),
  'POST /persons/{id}/pathway/events': (p, c) => caseGate(p, c, () => true, 201),
  'GET /audit?case={id}': (p, c) => {
    if (p.role === 'auditor') return 200;
    if (p.role !== 'coordinator') return 403;
    return c !== null && sees(p, c) ? 200 : 404;
  },
  'GET /break-glass': (p) => (p.role === 'auditor' ? 200 : 403),
  'GET /cases': (p) => (works(p) ? 200 : 403),
  // Indicator screening (issue 9): whoever reads the person assesses it (case open).
  'GET /persons/{id}/assessments': (p, c) => caseGate(p, c, () => true, 200),
  'POST /persons/{id}/assessments': (p, c) => caseGate(p, c, () => true, 201),
  'GET /indicators': () => 200,
  // First-contact guidance and first meetings (issue 8 item 5): whoever sees the person logs and
  // reads its first meetings (the world's cases are open); everyone reads the guidance, admins
  // edit it.
  'GET /persons/{id}/first-contact': (p, c) => caseGate(p, c, () => true, 200),
  'POST /persons/{id}/first-contact': (p, c) => caseGate(p, c, () => true, 201),
  'GET /guidance': () => 200,
  'PATCH /guidance/items/{id}': (p) => (p.role === 'admin' ? 200 : 403),
  // the duplicate check: the duplicate check; a case's persons are listed iff p sees the case,
  // an identity match in a case p does not see only sets `elsewhere`.
  'POST /persons/match': (p) => (works(p) ? 200 : 403),
  // tasks (a task t: {case, from, to, status}; null for an absent id) and notifications.
  'POST /cases/{id}/tasks': (p, c) => caseGate(p, c, mayChangeTeam, 201),
  'GET /cases/{id}/tasks': (p, c) => caseGate(p, c, () => true, 200),
  'GET /cases/{id}/team/suggestions': (p, c) => caseGate(p, c, () => true, 200),
  'GET /tasks': (p) => (works(p) ? 200 : 403),
  'GET /tasks/{id}': (p, t) => taskGate(p, t, () => true, () => false, 200),
  'POST /tasks/{id}/accept': (p, t) => taskGate(p, t, receives, (x) => x.status !== 'requested', 200),
  'POST /tasks/{id}/decline': (p, t) => taskGate(p, t, receives, (x) => x.status !== 'requested', 200),
  'POST /tasks/{id}/complete': (p, t) => taskGate(p, t, receives, (x) => x.status !== 'accepted', 200),
  'POST /tasks/{id}/revoke': (p, t) => taskGate(p, t, (q, x) => q.org === x.from || mayChangeTeam(q, x.case),
    (x) => !['requested', 'accepted'].includes(x.status), 200),
  'GET /notifications': () => 200,
  "POST /notifications/{id}/read (another's)": () => 404,
};

// a task is seen by its receiving and its sending organization and by those who change the
// case's team (who see the case); its receiver answers it, the sender (or a team changer) revokes.
export const activeTask = (t) => t.status === 'requested' || t.status === 'accepted';
export const receives = (p, t) => p.org === t.to;
export const seesTask = (p, t) => works(p) && (p.org === t.to || p.org === t.from ||
  (sees(p, t.case) && mayChangeTeam(p, t.case)));
function taskGate(p, t, allowed, conflict, ok) {
  if (!works(p)) return 403;
  if (t === null || !seesTask(p, t)) return 404;
  if (!allowed(p, t)) return 403;
  return conflict(t) ? 409 : ok;
}

/** The label of an object relative to p, for the figures: own / visible / invisible / absent. */
export function relation(p, c) {
  if (c === null) return 'absent';
  if (owner(p, c)) return 'own';
  return sees(p, c) ? 'visible' : 'invisible';
}

// Intake (consultations). A consultation: {region, by (the username that submitted it)}.
// Requesters submit and see only their own; the secretariat's coordinators see all, a coordinator
// with a region its region's; only coordinators change them. Every other role: 403.
export const worksConsultations = (p) => p.role === 'requester' || coordRights(p);
export function seesConsultation(p, q) {
  if (!worksConsultations(p)) return false;
  if (secretariat(p)) return true;
  if (coordRights(p)) return p.region === q.region;
  return q.by === p.username;
}
const consultationGate = (p, q, allowed, ok) => {
  if (!worksConsultations(p)) return 403;
  if (q === null || !seesConsultation(p, q)) return 404;
  return allowed(p, q) ? ok : 403;
};
expect['GET /consultations/{id}'] = (p, q) => consultationGate(p, q, () => true, 200);
expect['PATCH /consultations/{id}'] = (p, q) => consultationGate(p, q, coordRights, 200);
expect['GET /consultations'] = (p) => (worksConsultations(p) ? 200 : 403);
expect['POST /consultations'] = (p) => (worksConsultations(p) ? 201 : 403);
/** own / visible / invisible / absent, for a consultation. */
export const consultationRelation = (p, q) => {
  if (q === null) return 'absent';
  if (q.by === p.username) return 'own';
  return seesConsultation(p, q) ? 'visible' : 'invisible';
};

// Statistics releases (issue 12): national; the analyst and the secretariat's coordinators make,
// list and read them (an absent one 404); every other role 403, whatever the release.
export const releasesStats = (p) => p.role === 'analyst' || secretariat(p);
expect['POST /stats/releases'] = (p) => (releasesStats(p) ? 201 : 403);
expect['GET /stats/releases'] = (p) => (releasesStats(p) ? 200 : 403);
expect['GET /stats/releases/{id}'] = (p, rel) => (!releasesStats(p) ? 403 : rel === null ? 404 : 200);

// Statistics (issue 12). Analysts and the secretariat's coordinators read them for the whole
// country or any region; a coordinator with a region reads its own region (asked or implied),
// another region 403; every other role (a coordinator without region or secretariat too) 403.
export const readsStatistics = (p) => p.role === 'analyst' || coordRights(p);
expect['GET /stats'] = (p, region) => {
  if (!readsStatistics(p)) return 403;
  if (p.role === 'analyst' || secretariat(p)) return 200;
  return region === null || region === p.region ? 200 : 403;
};
