// Small DOM builder. Builds elements with createElement/textContent only:
// the page runs under a strict CSP and never parses HTML strings.

const PROPS_AFTER_CHILDREN = new Set(['value', 'checked', 'selected']);

export function h(tag, props, ...children) {
	const el = document.createElement(tag);
	const late = [];
	if (props) {
		for (const [k, v] of Object.entries(props)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k === 'class')
				el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
			else if (k === 'text')
				el.textContent = v;
			else if (k === 'on')
				for (const [ev, fn] of Object.entries(v))
					el.addEventListener(ev, fn);
			else if (k === 'dataset')
				Object.assign(el.dataset, v);
			else if (k === 'style')
				throw new Error('inline styles are not allowed (CSP)');
			else if (PROPS_AFTER_CHILDREN.has(k))
				late.push([k, v]);
			else
				el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	for (const [k, v] of late)
		el[k] = v;
	return el;
}

export function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else if (c instanceof Node)
			el.appendChild(c);
		else
			el.appendChild(document.createTextNode(String(c)));
	}
	return el;
}

export function clear(el) {
	el.replaceChildren();
	return el;
}

let idSeq = 0;
export function uid(prefix = 'f') {
	idSeq += 1;
	return `${prefix}-${idSeq}`;
}

export function debounce(fn, ms) {
	let timer = null;
	const d = (...args) => {
		clearTimeout(timer);
		timer = setTimeout(() => fn(...args), ms);
	};
	d.cancel = () => clearTimeout(timer);
	return d;
}
