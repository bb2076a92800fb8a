// The statistics page's shared parts (views/stats.js, stats-releases.js):
// the measures and their dimensions, the downloads (CSV, Excel), the
// words of dimensions and their values (vocabulary labels, countries,
// regions and counties by name), the year choices, and the tables of an
// answer {cells: [{key, count}], totals}: one dimension as a row per
// value with the total, more as a cross table with row and column totals;
// a withheld count (null) is ".." with a hidden explanation for screen
// readers, and withheldNote() says why with the answer's threshold.

import { api } from './api.js';
import { h } from './dom.js';
import { t, has } from './i18n.js';
import * as ref from './ref.js';
import * as vocab from './vocab.js';
import { selectField } from './form.js';
import { alertBox, errorMessage } from './ui.js';
import { WITHHELD } from './chart.js';

// The dimensions each measure may be counted by (API.md "Statistics").
export const DIMENSIONS = {
	persons: ['citizenship', 'citizenship_group', 'exploitation', 'gender', 'age_band', 'child',
		'presumed_victim', 'region', 'county', 'year'],
	consultations: ['channel', 'requester_kind', 'urgency', 'region', 'county', 'year'],
	cases: ['exploitation', 'region', 'county', 'year'],
};
export const MEASURES = Object.keys(DIMENSIONS);

// Code lists of the API (vocab.js) for a dimension's values.
const VOCAB_OF = {
	exploitation: 'exploitation_forms', gender: 'genders', channel: 'consultation_channels',
	urgency: 'urgencies', requester_kind: 'organization_kinds', sex: 'genders',
};
// Dimensions whose values are "yes" and "no".
const YES_NO = ['child', 'presumed_victim'];
const YEARS_BACK = 15;

export function thisYear() {
	return new Date().getFullYear();
}

export function yearOptions(withAll) {
	const out = withAll ? [['', t('stats.yearAll')]] : [];
	for (let y = thisYear(); y > thisYear() - YEARS_BACK; y -= 1)
		out.push([String(y), String(y)]);
	return out;
}

export function dimLabel(dim) {
	return has(`stats.dim.${dim}`) ? t(`stats.dim.${dim}`) : dim;
}

// The text of a dimension's value: vocabulary labels, countries, regions
// and counties by name; true/false as yes/no; a missing value as unknown.
export function valueLabel(refs, dim, v) {
	if (v === null || v === undefined || v === 'unknown')
		return t('stats.unknown');
	if (typeof v === 'boolean')
		return t(v ? 'yes' : 'no');
	const code = String(v);
	if (YES_NO.includes(dim) && (code === 'yes' || code === 'no'))
		return t(code);
	if (VOCAB_OF[dim])
		return vocab.label(VOCAB_OF[dim], code);
	const country = dim === 'citizenship' && (refs.countries || []).find((c) => c.code === code);
	if (country)
		return ref.displayName(country);
	if (dim === 'region')
		return ref.displayName((refs.regions || []).find((r) => r.code === code)) || code;
	if (dim === 'county')
		return ref.nameOf(refs.counties, code) || code;
	const key = `stats.val.${dim}.${code}`;
	return has(key) ? t(key) : code;
}

// A key value as a map key (values may be strings, numbers, booleans, null).
function k(v) {
	return v === null || v === undefined ? '\u0000' : String(v);
}

// ".." for a withheld count (screen readers hear what it means).
export function countCell(v) {
	if (typeof v === 'number')
		return String(v);
	return h('span', { class: 'withheld', dataset: { withheld: 'true' } },
	    h('span', { 'aria-hidden': 'true' }, WITHHELD),
	    h('span', { class: 'visually-hidden' }, t('stats.withheldShort')));
}

export function td(v, className) {
	return h('td', { class: ['num', className, typeof v !== 'number' && 'is-withheld'] }, countCell(v));
}

export function anyWithheld(data) {
	if (data && data.tables)
		return Object.values(data.tables).some(anyWithheld);
	const counts = ((data && data.cells) || []).map((c) => c.count);
	for (const [name, v] of Object.entries((data && data.totals) || {}))
		if (Array.isArray(v))
			counts.push(...v.map((x) => x.count));
		else if (name === 'all')
			counts.push(v);
	return counts.some((c) => c === null);
}

// host's content: the nodes given, leaving out the absent (null) ones.
export function fill(host, ...nodes) {
	host.replaceChildren(...nodes.flat().filter(Boolean));
}

// A key's values of dims as one map key, and as text.
export function comboKey(key, dims) {
	return dims.map((d) => k(key[d])).join('|');
}

export function comboLabel(refs, key, dims) {
	return dims.map((d) => valueLabel(refs, d, key[d])).join(', ');
}

// The distinct combinations of dims' values in the cells, in their order
// (years ascending): [{id, key}].
export function combos(cells, dims) {
	const seen = new Map();
	for (const c of cells) {
		const id = comboKey(c.key, dims);
		if (!seen.has(id))
			seen.set(id, { id, key: c.key });
	}
	const out = [...seen.values()];
	if (dims.length === 1 && dims[0] === 'year')
		out.sort((x, y) => Number(x.key.year) - Number(y.key.year));
	return out;
}

// A total of the answer's totals["a,b"]: its key is the value (one
// dimension) or an object of the values.
function totalFor(totals, dims, id) {
	const list = (totals || {})[dims.join(',')] || [];
	const hit = list.find((x) => comboKey(x.key && typeof x.key === 'object' ? x.key : { [dims[0]]: x.key }, dims) === id);
	return hit ? hit.count : null;
}

/*
 * A table {cells, totals} as a table: with no column dimensions a row per
 * value of rowDims and the total; otherwise a cross table (rowDims down,
 * colDims across, each a combination of one or two dimensions) with row
 * and column totals and the grand total. A withheld count is "..".
 * Rows and column heads carry data-key (the values joined by "|").
 */
export function crossTable(refs, table, rowDims, colDims, id, caption, { totals: withTotals = true } = {}) {
	const cells = table.cells || [];
	const totals = table.totals || {};
	const byKey = new Map(cells.map((c) => [comboKey(c.key, [...rowDims, ...colDims]), c.count]));
	const count = (r, c) => {
		const id2 = c ? `${r.id}|${c.id}` : r.id;
		return byKey.has(id2) ? byKey.get(id2) : 0;
	};
	const rows = combos(cells, rowDims);
	const rowHead = rowDims.map(dimLabel).join(', ');
	let head;
	let body;
	if (!colDims.length) {
		head = h('tr', null, h('th', { scope: 'col' }, rowHead), h('th', { scope: 'col', class: 'num' }, t('stats.count')));
		body = rows.map((r) => h('tr', { dataset: { key: r.id } },
		    h('th', { scope: 'row' }, comboLabel(refs, r.key, rowDims)), td(count(r))));
		if (withTotals)
			body.push(h('tr', { class: 'total-row' }, h('th', { scope: 'row' }, t('stats.total')), td(totals.all, 'total')));
	} else {
		const cols = combos(cells, colDims);
		// Two head rows: the column dimensions over their values.
		head = [h('tr', null, h('th', { scope: 'col', rowspan: '2' }, rowHead),
		    h('th', { scope: 'colgroup', colspan: String(cols.length), class: 'col-group' }, colDims.map(dimLabel).join(', ')),
		    withTotals ? h('th', { scope: 'col', rowspan: '2', class: 'num total' }, t('stats.total')) : null),
		h('tr', null, cols.map((c) => h('th', { scope: 'col', class: 'num', dataset: { key: c.id } },
		    comboLabel(refs, c.key, colDims))))];
		body = rows.map((r) => h('tr', { dataset: { key: r.id } },
		    h('th', { scope: 'row' }, comboLabel(refs, r.key, rowDims)),
		    cols.map((c) => td(count(r, c))),
		    withTotals ? td(totalFor(totals, rowDims, r.id), 'total') : null));
		if (withTotals) {
			body.push(h('tr', { class: 'total-row' }, h('th', { scope: 'row' }, t('stats.total')),
			    cols.map((c) => td(totalFor(totals, colDims, c.id), 'total')), td(totals.all, 'total')));
		}
	}
	return h('div', { class: 'table-wrap' }, h('table', { class: 'data-table stats-table', id },
	    h('caption', null, caption), h('thead', null, head), h('tbody', null, body)));
}

// The result of GET /stats: first dimension down, a second across.
export function resultTable(refs, data, id, caption) {
	const [d1, d2] = data.by || [];
	return crossTable(refs, data, [d1], d2 ? [d2] : [], id, caption);
}

// The explanation of withheld cells, with the answer's threshold.
export function withheldNote(data, id) {
	if (!anyWithheld(data))
		return null;
	return h('div', { class: 'stats-note', id },
	    h('p', null, h('span', { class: 'withheld-mark', 'aria-hidden': 'true' }, WITHHELD), ' ',
	        t('stats.withheldPrimary', { n: data.threshold ?? 5 })),
	    h('p', null, t('stats.withheldSecondary')));
}

export function selectOf(label, id, options, value, onChange) {
	const f = selectField({ label, id, value, options });
	f.control.addEventListener('change', () => onChange(f.control.value, f));
	return f;
}

// "Ladda ner CSV" and "Ladda ner Excel" for a query (path and params).
export function exportButtons(ctx, idPrefix, path, params, name) {
	const message = h('div', { class: 'stats-export-message', id: `${idPrefix}-export-message` });
	const button = (kind, text) => {
		const b = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: `${idPrefix}-${kind}` }, text);
		b.addEventListener('click', async () => {
			b.disabled = true;
			message.replaceChildren();
			try {
				const blob = await api.statsFile(path, params, kind);
				save(blob, `${name}.${kind}`);
				ctx.announce(t('stats.downloaded'), { kind: 'success' });
			} catch (err) {
				if (err && err.status !== 401)
					message.replaceChildren(alertBox(errorMessage(err)));
			} finally {
				b.disabled = false;
			}
		});
		return b;
	};
	return h('div', { class: 'stats-exports' },
	    h('div', { class: 'stats-export-buttons' }, button('csv', t('stats.csv')), button('xlsx', t('stats.xlsx'))),
	    message);
}

function save(blob, filename) {
	const url = URL.createObjectURL(blob);
	const a = h('a', { href: url, download: filename, hidden: true });
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 0);
}

// A file name from the query's codes: letters, digits and hyphens only.
export function fileName(parts) {
	return ['nmt-statistik', ...parts.filter(Boolean)]
	    .map((p) => String(p).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''))
	    .filter(Boolean).join('-');
}
