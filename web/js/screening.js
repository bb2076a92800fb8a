// The ILO/EC combination rule in the browser, for the assessment form's live
// result: the same rule and the same explanation texts, word for word, as
// src/domain/screening.c (tests/api/assessments.test.mjs holds the two to the
// same answers). No imports: tests load this file as it is served.

const DIMENSIONS = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'];

/** Which option makes a dimension positive ('a'..'d'), or null. */
export function dimensionOption(c) {
  if (c.strong >= 2) return 'a';
  if (c.strong >= 1 && c.medium + c.weak >= 1) return 'b';
  if (c.medium >= 3) return 'c';
  if (c.medium >= 2 && c.weak >= 1) return 'd';
  return null;
}

/** 'presumed_victim' | 'indications' | 'no_indications'. */
export function decide(rule, positive, anyObserved) {
  const recruit = positive[0] || positive[1] || positive[2];
  const means = rule === 'child' || positive[4] || positive[5];
  if (recruit && positive[3] && means) return 'presumed_victim';
  return anyObserved ? 'indications' : 'no_indications';
}

const OPTION = {
  a: ['minst två starka indikatorer', 'at least two strong indicators'],
  b: ['en stark och minst en medelstark eller svag indikator',
    'one strong and at least one medium or weak indicator'],
  c: ['minst tre medelstarka indikatorer', 'at least three medium indicators'],
  d: ['två medelstarka och minst en svag indikator', 'two medium and at least one weak indicator'],
};

const COUNT_SV = ['', 'en', 'två', 'tre'];
const COUNT_EN = ['', 'one', 'two', 'three'];
const KINDS = ['strong', 'medium', 'weak', 'either'];
const SV1 = { strong: 'stark', medium: 'medelstark', weak: 'svag', either: 'medelstark eller svag' };
const SV2 = { strong: 'starka', medium: 'medelstarka', weak: 'svaga', either: 'medelstarka eller svaga' };
const EN = { strong: 'strong', medium: 'medium', weak: 'weak', either: 'medium or weak' };

const atLeast = (want, have) => Math.max(0, want - have);
const total = (n) => n.strong + n.medium + n.weak + n.either;
const fits = (n, left) => n.strong <= left.strong && n.medium <= left.medium && n.weak <= left.weak
  && n.either <= left.medium + left.weak;

function needs(c) {
  const none = { strong: 0, medium: 0, weak: 0, either: 0 };
  return [
    { ...none, strong: atLeast(2, c.strong) },
    { ...none, strong: atLeast(1, c.strong), either: atLeast(1, c.medium + c.weak) },
    { ...none, medium: atLeast(3, c.medium) },
    { ...none, medium: atLeast(2, c.medium), weak: atLeast(1, c.weak) },
  ];
}

function needWords(n) {
  const sv = [];
  const en = [];
  for (const k of KINDS) {
    if (n[k] === 0) continue;
    sv.push(`${COUNT_SV[n[k]]} ${n[k] === 1 ? SV1[k] : SV2[k]}`);
    en.push(`${COUNT_EN[n[k]]} ${EN[k]}`);
  }
  return [sv.join(' och '), en.join(' and ')];
}

function missingWords(c, left) {
  const n = needs(c);
  const ok = n.filter((x) => fits(x, left));
  if (ok.length === 0) {
    return [' och kan inte bli det med de indikatorer som återstår.',
      ' and cannot become so with the indicators left.'];
  }
  const best = Math.min(...ok.map(total));
  const seen = new Set();
  const sv = [];
  const en = [];
  for (const x of ok) {
    const key = JSON.stringify(x);
    if (total(x) !== best || seen.has(key)) continue;
    seen.add(key);
    const [s, e] = needWords(x);
    sv.push(s);
    en.push(e);
  }
  return [`. Det som saknas: ${sv.join('; eller ')}.`, `. Missing: ${en.join('; or ')}.`];
}

function explainDimension(d, c, left) {
  const name = DIMENSIONS[d];
  const option = dimensionOption(c);
  let sv;
  let en;
  if (option) {
    sv = `${name} är positiv: ${OPTION[option][0]}.`;
    en = `${name} is positive: ${OPTION[option][1]}.`;
  } else if (c.strong + c.medium + c.weak === 0) {
    sv = `${name}: inget observerat.`;
    en = `${name}: nothing observed.`;
  } else {
    const [ms, me] = missingWords(c, left);
    sv = `${name} är inte positiv${ms}`;
    en = `${name} is not positive${me}`;
  }
  return { part: name, positive: option !== null, text: { sv, en } };
}

function explainRule(rule, pos, result) {
  let sv = rule === 'child'
    ? 'Regeln för barn: (D1 eller D2 eller D3) och D4; inga medel behöver visas.'
    : 'Regeln för vuxna: (D1 eller D2 eller D3) och D4 och (D5 eller D6).';
  let en = rule === 'child'
    ? 'The rule for children: (D1 or D2 or D3) and D4; no means need be shown.'
    : 'The rule for adults: (D1 or D2 or D3) and D4 and (D5 or D6).';
  if (result === 'presumed_victim') {
    sv += ' Uppfylld: förmodat offer för människohandel.';
    en += ' Met: presumed victim of trafficking.';
  } else if (result === 'no_indications') {
    sv += ' Inga indikatorer observerade.';
    en += ' No indicators observed.';
  } else {
    const ms = [];
    const me = [];
    if (!(pos[0] || pos[1] || pos[2])) {
      ms.push('en positiv rekryteringsdimension (D1, D2 eller D3)');
      me.push('a positive recruitment dimension (D1, D2 or D3)');
    }
    if (!pos[3]) {
      ms.push('en positiv D4');
      me.push('a positive D4');
    }
    if (rule === 'adult' && !(pos[4] || pos[5])) {
      ms.push('en positiv D5 eller D6');
      me.push('a positive D5 or D6');
    }
    sv += ` Inte uppfylld. Det som saknas: ${ms.join(', ')}.`;
    en += ` Not met. Missing: ${me.join(', ')}.`;
  }
  return { part: 'rule', positive: result === 'presumed_victim', text: { sv, en } };
}

const WEIGHT = { S: 'strong', M: 'medium', W: 'weak' };

/**
 * The evaluation of observed indicator ids under a set of GET /api/v1/indicators:
 * {dimensions: {D1: {positive, strong, medium, weak}, …}, result, explanation}, as the
 * server's assessment answer gives them.
 */
export function evaluate(set, observedIds) {
  const observed = new Set(observedIds);
  const obs = DIMENSIONS.map(() => ({ strong: 0, medium: 0, weak: 0 }));
  const left = DIMENSIONS.map(() => ({ strong: 0, medium: 0, weak: 0 }));
  set.dimensions.forEach((dim) => {
    const d = DIMENSIONS.indexOf(dim.id);
    for (const ind of dim.indicators) (observed.has(ind.id) ? obs : left)[d][WEIGHT[ind.weight]] += 1;
  });
  const pos = obs.map((c) => dimensionOption(c) !== null);
  const result = decide(set.rule, pos, observedIds.length > 0);
  const dimensions = {};
  DIMENSIONS.forEach((name, d) => { dimensions[name] = { positive: pos[d], ...obs[d] }; });
  const explanation = [...DIMENSIONS.map((_, d) => explainDimension(d, obs[d], left[d])),
    explainRule(set.rule, pos, result)];
  return { dimensions, result, explanation };
}
