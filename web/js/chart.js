// Charts as SVG, drawn with the DOM only (no library, no inline styles:
// the CSP allows style-src 'self'; colours and text come from app.css
// classes .chart-*). Two kinds:
//
//   barChart(opts)   vertical bars: one per category, or grouped bars (one
//                    per series within each category) for two dimensions
//   lineChart(opts)  a time series: a line with a point per category (year)
//                    for each series
//
// opts:
//   id          the <svg>'s id; its <title> and <desc> get id-title / id-desc
//   title       the chart's name (the <title>, and with desc its accessible
//               name through aria-labelledby)
//   desc        one sentence on what it shows (the <desc>)
//   categories  [{key, label}] along the x axis, in order
//   series      [{key, label, values: [count | null]}] one value per
//               category; null is a withheld value (a small cell)
//
// A withheld value is never drawn as zero: a bar is left out (a gap with
// the mark ".." at the axis, class chart-withheld) and a line breaks
// there (no point). Zero is drawn as a bar of no height with its value.
// The chart scales with its viewBox (width 100 % in app.css), so it fits a
// 390 px phone; it is an image for screen readers (role="img") whose data
// stand in the table the caller puts beside it.

const NS = 'http://www.w3.org/2000/svg';

// Sizes in viewBox units.
const W = 480;
const H = 280;
const PAD = { top: 14, right: 10, bottom: 40, left: 40 };

// The mark of a withheld value (as in the tables).
export const WITHHELD = '..';

// Series colours: classes .chart-s0 … .chart-s5 (app.css), each ≥ 3:1
// against white and against each other's neighbours.
export const SERIES_CLASSES = 6;

function el(tag, attrs, ...children) {
	const node = document.createElementNS(NS, tag);
	for (const [k, v] of Object.entries(attrs || {}))
		if (v !== undefined && v !== null)
			node.setAttribute(k, String(v));
	for (const c of children)
		if (c !== null && c !== undefined)
			node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
	return node;
}

// The largest value of all series (at least 1), rounded up to a tidy step.
function scaleMax(series) {
	let max = 1;
	for (const s of series)
		for (const v of s.values)
			if (typeof v === 'number' && v > max)
				max = v;
	const step = niceStep(max);
	return Math.ceil(max / step) * step;
}

// A step of 1, 2 or 5 × 10^n giving about four grid lines up to max.
function niceStep(max) {
	const raw = max / 4;
	const mag = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10])
		if (raw <= m * mag)
			return Math.max(1, m * mag);
	return Math.max(1, 10 * mag);
}

// The <svg> shell with title, desc, the y grid and its labels.
function frame(opts, max) {
	const titleId = `${opts.id}-title`;
	const descId = `${opts.id}-desc`;
	const svg = el('svg', {
		id: opts.id, class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
		'aria-labelledby': `${titleId} ${descId}`, preserveAspectRatio: 'xMidYMid meet',
	}, el('title', { id: titleId }, opts.title), el('desc', { id: descId }, opts.desc));
	const step = niceStep(max);
	const grid = el('g', { class: 'chart-grid', 'aria-hidden': 'true' });
	for (let v = 0; v <= max; v += step) {
		const y = yOf(v, max);
		grid.appendChild(el('line', { x1: PAD.left, x2: W - PAD.right, y1: y, y2: y }));
		grid.appendChild(el('text', { x: PAD.left - 6, y: y + 4, class: 'chart-tick', 'text-anchor': 'end' },
		    String(v)));
	}
	svg.appendChild(grid);
	return svg;
}

function yOf(v, max) {
	return PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
}

// A category's label under the axis, shortened to fit, whole in a <title>.
function xLabel(x, text, band) {
	const room = Math.max(3, Math.floor(band / 7.5));
	const short = text.length > room ? `${text.slice(0, room - 1)}…` : text;
	return el('text', { x, y: H - PAD.bottom + 18, class: 'chart-label', 'text-anchor': 'middle' },
	    el('title', null, text), short);
}

function seriesClass(i) {
	return `chart-s${i % SERIES_CLASSES}`;
}

/* barChart(opts) → <svg>; see the file's head. Bars carry class chart-bar
 * and data-category / data-series (the keys) and data-value. */
export function barChart(opts) {
	const { categories, series } = opts;
	const max = scaleMax(series);
	const svg = frame(opts, max);
	const plotW = W - PAD.left - PAD.right;
	const band = plotW / Math.max(1, categories.length);
	const inner = band * 0.8;
	const barW = inner / Math.max(1, series.length);
	const base = yOf(0, max);
	const bars = el('g', { class: 'chart-bars' });
	categories.forEach((cat, ci) => {
		const x0 = PAD.left + band * ci + (band - inner) / 2;
		series.forEach((s, si) => {
			const v = s.values[ci];
			const x = x0 + barW * si;
			const name = series.length > 1 ? `${cat.label}, ${s.label}` : cat.label;
			if (typeof v !== 'number') {
				bars.appendChild(el('text', {
					x: x + barW / 2, y: base - 4, class: 'chart-withheld', 'text-anchor': 'middle',
					'data-category': cat.key, 'data-series': s.key,
				}, el('title', null, `${name}: ${WITHHELD}`), WITHHELD));
				return;
			}
			const y = yOf(v, max);
			bars.appendChild(el('rect', {
				x: x + 1, y, width: Math.max(1, barW - 2), height: Math.max(0, base - y),
				class: `chart-bar ${seriesClass(si)}`,
				'data-category': cat.key, 'data-series': s.key, 'data-value': v,
			}, el('title', null, `${name}: ${v}`)));
		});
		bars.appendChild(xLabel(PAD.left + band * ci + band / 2, cat.label, band));
	});
	svg.appendChild(el('line', { x1: PAD.left, x2: W - PAD.right, y1: base, y2: base, class: 'chart-axis' }));
	svg.appendChild(bars);
	return svg;
}

/* lineChart(opts) → <svg>; see the file's head. Each series is one or more
 * <path class="chart-line"> (broken at withheld values) and a
 * <circle class="chart-point"> per published value. */
export function lineChart(opts) {
	const { categories, series } = opts;
	const max = scaleMax(series);
	const svg = frame(opts, max);
	const plotW = W - PAD.left - PAD.right;
	const band = plotW / Math.max(1, categories.length);
	const xOf = (ci) => PAD.left + band * ci + band / 2;
	const base = yOf(0, max);
	svg.appendChild(el('line', { x1: PAD.left, x2: W - PAD.right, y1: base, y2: base, class: 'chart-axis' }));
	const labels = el('g', null);
	categories.forEach((cat, ci) => labels.appendChild(xLabel(xOf(ci), cat.label, band)));
	svg.appendChild(labels);
	series.forEach((s, si) => {
		const g = el('g', { class: `chart-series ${seriesClass(si)}`, 'data-series': s.key });
		let d = '';
		const flush = () => {
			if (d)
				g.appendChild(el('path', { d, class: 'chart-line' }));
			d = '';
		};
		categories.forEach((cat, ci) => {
			const v = s.values[ci];
			if (typeof v !== 'number') {
				flush();
				g.appendChild(el('text', {
					x: xOf(ci), y: base - 4, class: 'chart-withheld', 'text-anchor': 'middle',
					'data-category': cat.key,
				}, el('title', null, `${cat.label}, ${s.label}: ${WITHHELD}`), WITHHELD));
				return;
			}
			const y = yOf(v, max);
			d += `${d ? 'L' : 'M'}${xOf(ci).toFixed(1)} ${y.toFixed(1)} `;
		});
		flush();
		categories.forEach((cat, ci) => {
			const v = s.values[ci];
			if (typeof v === 'number') {
				g.appendChild(el('circle', {
					cx: xOf(ci), cy: yOf(v, max), r: 4, class: 'chart-point',
					'data-category': cat.key, 'data-value': v,
				}, el('title', null, `${cat.label}, ${s.label}: ${v}`)));
			}
		});
		svg.appendChild(g);
	});
	return svg;
}

/* legend(series, {withheld, withheldText}) → <ul class="chart-legend">: a
 * swatch and the label of each series (none for a single series), and
 * when any value is withheld the mark ".." with withheldText. */
export function legend(series, { withheld = false, withheldText = '' } = {}) {
	const ul = document.createElement('ul');
	ul.className = 'chart-legend';
	if (series.length > 1) {
		series.forEach((s, i) => {
			const li = document.createElement('li');
			const sw = document.createElementNS(NS, 'svg');
			sw.setAttribute('viewBox', '0 0 10 10');
			sw.setAttribute('class', `chart-swatch ${seriesClass(i)}`);
			sw.setAttribute('aria-hidden', 'true');
			sw.appendChild(el('rect', { x: 0, y: 0, width: 10, height: 10, class: 'chart-bar' }));
			li.append(sw, document.createTextNode(` ${s.label}`));
			ul.appendChild(li);
		});
	}
	if (withheld) {
		const li = document.createElement('li');
		li.className = 'chart-legend-withheld';
		const mark = document.createElement('span');
		mark.className = 'withheld-mark';
		mark.setAttribute('aria-hidden', 'true');
		mark.textContent = WITHHELD;
		li.append(mark, document.createTextNode(` ${withheldText}`));
		ul.appendChild(li);
	}
	return ul;
}
