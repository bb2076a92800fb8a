// Reference data (regions, counties, countries, languages, organisations),
// fetched once per login and kept in memory. Lists that are paginated are followed to the end.

import { api } from './api.js';
import { getLang } from './i18n.js';

let cache = {};

async function all(fetchPage) {
	let data = await fetchPage();
	const items = [...((data && data.items) || [])];
	let guard = 0;
	while (data && data.next_cursor && guard < 50) {
		data = await fetchPage({ cursor: data.next_cursor });
		items.push(...((data && data.items) || []));
		guard += 1;
	}
	return items;
}

function cached(key, loader) {
	if (!cache[key]) {
		cache[key] = loader().catch((e) => {
			delete cache[key];
			throw e;
		});
	}
	return cache[key];
}

export function regions() {
	return cached('regions', () => all((p) => api.regions(p)));
}

export function counties() {
	return cached('counties', () => all((p) => api.counties(p)));
}

export function countries() {
	return cached('countries', () => all((p) => api.countries(p)));
}

export function languages() {
	return cached('languages', () => all((p) => api.languages(p)));
}

export function organizations() {
	return cached('organizations', () => all((p) => api.organizations(p)));
}

export function clearReference() {
	cache = {};
}

export function nameOf(list, code) {
	if (code === null || code === undefined)
		return null;
	const hit = (list || []).find((x) => x.code === code);
	return hit ? displayName(hit) : code;
}

// The English name where the reference data has one (e.g. regions' name_en).
export function displayName(item) {
	if (!item)
		return '';
	if (getLang() === 'en' && item.name_en)
		return item.name_en;
	return item.name || item.code;
}
