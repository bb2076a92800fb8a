// The field form's offline queue and draft (issue 11). Encounters that
// could not be sent (no network, or the server unavailable) wait in this
// browser's localStorage, one list per operation and user
// ("nmt.field.queue.<username>.<operation id>"), each entry
// {client_ref, body, error?}: body holds only the field form's own fields
// (pseudonym, gender, age_estimate, citizenship, languages, needs) – never
// an identity. They are sent in order with their client_ref, so a resend
// of an encounter the server already took answers that first encounter and
// writes nothing. An entry the server refuses (a 4xx other than 401) keeps
// the server's message in `error` and is not sent again until the user
// asks ("Försök igen") or removes it.
//
// The draft – what is typed but not yet submitted – lives in
// sessionStorage ("nmt.field.draft.<username>.<operation id>") and
// survives a reload of the tab.

const FIELDS = ['pseudonym', 'gender', 'age_estimate', 'citizenship', 'languages', 'needs'];

function read(store, key, fallback) {
	try {
		const v = JSON.parse(store.getItem(key));
		return v === null ? fallback : v;
	} catch {
		return fallback;
	}
}

function write(store, key, value) {
	try {
		if (value === null)
			store.removeItem(key);
		else
			store.setItem(key, JSON.stringify(value));
		return true;
	} catch {
		return false;   // storage full or disabled
	}
}

// Only the form's own fields, never anything else.
export function clean(body) {
	const out = {};
	for (const k of FIELDS)
		if (body[k] !== undefined && body[k] !== null)
			out[k] = body[k];
	return out;
}

export function newRef() {
	if (window.crypto && typeof window.crypto.randomUUID === 'function')
		return window.crypto.randomUUID();
	const b = window.crypto.getRandomValues(new Uint8Array(16));
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/*
 * fieldQueue(username, operationId) → {entries(), add(body) → entry,
 *   remove(ref), markError(ref, message), clearError(ref), pending()
 *   (entries without error), draft(), saveDraft(obj), clearDraft()}.
 * Entries come back oldest first.
 */
export function fieldQueue(username, operationId) {
	const qkey = `nmt.field.queue.${username}.${operationId}`;
	const dkey = `nmt.field.draft.${username}.${operationId}`;
	const entries = () => read(window.localStorage, qkey, []);
	const save = (list) => write(window.localStorage, qkey, list.length ? list : null);
	return {
		entries,
		pending: () => entries().filter((e) => !e.error),
		add(body, clientRef = newRef()) {
			const entry = { client_ref: clientRef, body: clean(body) };
			const list = entries();
			list.push(entry);
			return save(list) ? entry : null;
		},
		remove(ref) {
			save(entries().filter((e) => e.client_ref !== ref));
		},
		markError(ref, message) {
			save(entries().map((e) => (e.client_ref === ref ? { ...e, error: message } : e)));
		},
		clearError(ref) {
			save(entries().map((e) => {
				if (e.client_ref !== ref)
					return e;
				const { error, ...rest } = e;
				void error;
				return rest;
			}));
		},
		draft: () => read(window.sessionStorage, dkey, null),
		saveDraft: (obj) => write(window.sessionStorage, dkey, obj),
		clearDraft: () => write(window.sessionStorage, dkey, null),
	};
}

// Whether a failed request should wait in the queue (the network, the
// session or the server) rather than be shown as refused.
export function retryable(err) {
	return !err || err.status === 0 || err.status === 401 || err.status >= 500;
}
