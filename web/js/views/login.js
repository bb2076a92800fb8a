// Login: username, password and a 6-digit TOTP code. One generic message for
// every failure (no hint which part was wrong); a distinct one for 429.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { setTitle, pageHeading, field, errorMessage } from '../ui.js';

export function focusOnEnter(root) {
	return root.querySelector('#login-username');
}

export async function render(ctx) {
	setTitle('login.title');
	const username = field({
		label: t('login.username'),
		control: h('input', {
			id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
			autocapitalize: 'none', spellcheck: 'false', required: true,
		}),
	});
	const password = field({
		label: t('login.password'),
		control: h('input', {
			id: 'login-password', name: 'password', type: 'password',
			autocomplete: 'current-password', required: true,
		}),
	});
	const code = field({
		label: t('login.code'),
		hint: t('login.codeHint'),
		control: h('input', {
			id: 'login-code', name: 'totp', type: 'text', inputmode: 'numeric',
			autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: '6',
			required: true, spellcheck: 'false', class: 'input-code',
		}),
	});
	const message = h('div', { class: 'form-message', id: 'login-error' });
	const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'login-submit' },
	    t('login.submit'));

	let busy = false;
	const form = h('form', {
		class: 'login-form', novalidate: true, 'aria-labelledby': 'login-heading',
		on: {
			submit: async (ev) => {
				ev.preventDefault();
				if (busy)
					return;
				const u = username.control.value.trim();
				const p = password.control.value;
				const c = code.control.value.replace(/\s+/g, '');
				message.replaceChildren();
				if (!u || !p || !/^[0-9]{6}$/.test(c)) {
					showFailure(t('login.failed'));
					return;
				}
				busy = true;
				submit.disabled = true;
				submit.textContent = t('login.busy');
				try {
					const user = await api.login(u, p, c);
					if (!ctx.isCurrent())
						return;
					ctx.onLoggedIn(user);
				} catch (err) {
					if (!ctx.isCurrent())
						return;
					if (err.status === 429)
						showFailure(t('login.locked'));
					else if (err.status === 400 || err.status === 401 || err.status === 403)
						showFailure(t('login.failed'));
					else
						showFailure(errorMessage(err));
				} finally {
					busy = false;
					submit.disabled = false;
					submit.textContent = t('login.submit');
				}
			},
		},
	},
	message,
	username.wrap, password.wrap, code.wrap,
	h('div', { class: 'form-actions' }, submit));

	function showFailure(text) {
		const box = h('div', { class: 'alert alert-error', role: 'alert', tabindex: '-1' }, text);
		message.replaceChildren(box);
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
	        form,
	        h('p', { class: 'notice' }, t('login.notice')))));
}
