// Login: username, password and a 6-digit TOTP code. One generic message for
// every failure (no hint which part was wrong); a distinct one for 429.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { setTitle, pageHeading, errorMessage } from '../ui.js';
import { inputField, createForm } from '../form.js';

export function focusOnEnter(root) {
	return root.querySelector('#login-username');
}

export async function render(ctx) {
	setTitle('login.title');
	const username = inputField({
		label: t('login.username'), id: 'login-username', name: 'username', autocomplete: 'username',
		autocapitalize: 'none', spellcheck: 'false', required: true,
	});
	const password = inputField({
		label: t('login.password'), id: 'login-password', name: 'password', type: 'password',
		autocomplete: 'current-password', required: true,
	});
	const code = inputField({
		label: t('login.code'), hint: t('login.codeHint'),
		id: 'login-code', name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code',
		pattern: '[0-9]{6}', maxlength: '6', required: true, spellcheck: 'false', class: 'input-code',
	});

	const form = createForm(ctx, {
		className: 'login-form', labelledBy: 'login-heading', autocomplete: null,
		summaryId: 'login-error',
		body: [username.wrap, password.wrap, code.wrap],
		submit: { id: 'login-submit', text: t('login.submit'), busyText: t('login.busy') },
		collect() {
			const body = {
				u: username.control.value.trim(),
				p: password.control.value,
				c: code.control.value.replace(/\s+/g, ''),
			};
			if (!body.u || !body.p || !/^[0-9]{6}$/.test(body.c)) {
				showFailure(t('login.failed'));
				return null;
			}
			return { body, errors: [] };
		},
		send: ({ u, p, c }) => api.login(u, p, c),
		// Every failure is said here, the same way whichever part was wrong.
		handle(err) {
			if (err.status === 429)
				showFailure(t('login.locked'));
			else if (err.status === 400 || err.status === 401 || err.status === 403)
				showFailure(t('login.failed'));
			else
				showFailure(errorMessage(err));
			return true;
		},
		done: (user) => ctx.onLoggedIn(user),
	});

	function showFailure(text) {
		form.errors.showMessage(text);
		code.control.value = '';
		password.control.value = '';
		password.control.focus();
		if (!username.control.value)
			username.control.focus();
	}

	ctx.root.replaceChildren(h('div', { class: 'login-page' },
	    h('div', { class: 'card login-card' },
	        pageHeading(t('login.title'), { id: 'login-heading' }),
	        h('p', { class: 'lead' }, t('login.intro')),
	        form.el,
	        h('p', { class: 'notice' }, t('login.notice')))));
}
