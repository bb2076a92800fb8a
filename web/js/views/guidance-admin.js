// Guidance page for admins (#/guidance): the first-contact guidance item by
// item, in Swedish and English, each with "Redigera" (edit.js: only the
// texts changed are sent, with If-Match naming the version shown; 412 keeps
// the admin's input and offers "Ladda om"). A checklist point also has its
// checklist text in both languages. Every edit keeps the version it
// replaces and is an audit entry (guidance.update); every user sees the new
// text the next time a page with the panel opens.

import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { setTitle, pageHeading, alertBox, errorMessage, definitionList } from '../ui.js';
import { inputField, textareaField } from '../form.js';
import { createEditor, textValue } from '../edit.js';

const LANGS = [['sv', 'guidanceAdmin.sv'], ['en', 'guidanceAdmin.en']];

function itemFacts(it) {
	return h('div', { class: 'guidance-admin-langs' }, LANGS.map(([lang, key]) => {
		const x = it[lang];
		return h('div', { class: 'guidance-admin-lang', lang },
		    h('h3', null, t(`${key}Title`)),
		    definitionList([
			    [t('guidanceAdmin.heading'), x.heading],
			    [t('guidanceAdmin.text'), h('span', { class: 'prose' }, x.text)],
			    x.check_label ? [t('guidanceAdmin.checkLabel'), x.check_label] : null,
		    ], 'guidance-admin-facts'));
	}));
}

// The edit form's fields for an item as shown.
function buildFields(it, prefix) {
	const nodes = [];
	const fields = {};
	const errorFields = {};
	let first = null;
	for (const [lang, key] of LANGS) {
		const x = it[lang];
		const heading = inputField({
			label: `${t('guidanceAdmin.heading')} (${t(key)})`, id: `${prefix}-${lang}-heading`,
			name: `${lang}.heading`, value: x.heading, maxlength: '200', lang, required: true,
		});
		const text = textareaField({
			label: `${t('guidanceAdmin.text')} (${t(key)})`, id: `${prefix}-${lang}-text`,
			name: `${lang}.text`, rows: '6', maxlength: '4000', lang, required: true,
		});
		text.control.value = x.text;
		const group = [heading, text];
		fields[`${lang}.heading`] = textValue(heading);
		fields[`${lang}.text`] = textValue(text);
		if (it.check) {
			const label = inputField({
				label: `${t('guidanceAdmin.checkLabel')} (${t(key)})`, id: `${prefix}-${lang}-check`,
				name: `${lang}.check_label`, value: x.check_label || '', maxlength: '200', lang, required: true,
			});
			group.push(label);
			fields[`${lang}.check_label`] = textValue(label);
		}
		for (const f of group) {
			errorFields[f.control.name] = f;
			nodes.push(f.wrap);
		}
		first = first || heading.control;
	}
	return { nodes, fields, errorFields, first };
}

// {sv: {...}, en: {...}} of the changed texts; a blank one is refused here.
function toBody(values, changed) {
	const body = {};
	const errors = [];
	for (const name of changed) {
		const [lang, field] = name.split('.');
		const v = String(values[name] ?? '').trim();
		if (!v) {
			errors.push({ field: name, message: t('guidanceAdmin.required') });
			continue;
		}
		body[lang] = body[lang] || {};
		body[lang][field] = v;
	}
	return { body, errors };
}

function itemCard(ctx, item) {
	let it = item;
	const prefix = `guidance-${it.position}`;
	const titleId = `${prefix}-title`;
	const title = h('h2', { id: titleId, tabindex: '-1' });
	const factsHost = h('div');
	const meta = h('p', { class: 'muted' });
	const editor = createEditor({
		ctx,
		ids: {
			toggle: `${prefix}-edit`, panel: `${prefix}-panel`, form: `${prefix}-form`,
			submit: `${prefix}-submit`, cancel: `${prefix}-cancel`, reload: `${prefix}-reload`,
		},
		text: {
			toggle: t('guidanceAdmin.edit'), title: t('guidanceAdmin.editTitle'), submit: t('guidanceAdmin.save'),
			cancel: t('guidanceAdmin.cancel'), saved: t('guidanceAdmin.saved'),
			conflict: t('guidanceAdmin.conflict'), reloaded: t('guidanceAdmin.reloaded'),
			forbidden: t('guidanceAdmin.forbidden'),
		},
		getData: () => it,
		build: (data) => buildFields(data, prefix),
		toBody,
		save: (data, body) => api.updateGuidanceItem(data.id, data.version, body),
		fetch: (data) => api.guidanceItem(data.id),
		onSaved: (data) => paint(data),
		onReloaded: (data) => paint(data),
	});

	function paint(data) {
		it = data;
		title.textContent = `${it.position}. ${it.sv.heading}`;
		factsHost.replaceChildren(itemFacts(it));
		meta.textContent = it.updated_by
			? t('guidanceAdmin.changed', { time: formatDateTime(it.updated_at), user: it.updated_by })
			: t('guidanceAdmin.seeded');
	}
	paint(it);
	return h('section', { class: 'card guidance-admin-item', 'aria-labelledby': titleId, id: prefix },
	    h('div', { class: 'section-head' }, title, editor.toggle),
	    it.check ? h('p', null, h('span', { class: 'badge badge-kind' }, t('guidanceAdmin.checklistPoint'))) : null,
	    factsHost, meta, editor.panel);
}

export async function render(ctx) {
	setTitle('guidanceAdmin.title');
	let items;
	try {
		const list = await api.guidance('sv');
		items = await Promise.all(list.items.map((x) => api.guidanceItem(x.id)));
	} catch (err) {
		if (!ctx.isCurrent() || err.status === 401)
			return;
		ctx.root.replaceChildren(pageHeading(t('guidanceAdmin.title')), alertBox(errorMessage(err)));
		return;
	}
	if (!ctx.isCurrent())
		return;
	ctx.root.replaceChildren(
	    pageHeading(t('guidanceAdmin.title')),
	    h('p', { class: 'lead' }, t('guidanceAdmin.intro')),
	    ...items.map((it) => itemCard(ctx, it)));
}
