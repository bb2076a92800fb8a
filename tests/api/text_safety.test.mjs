// API.md "Case work": text fields refuse control and invisible format characters with 400
// naming the field; a required text of Unicode white space only is empty; leading and trailing
// Unicode white space is trimmed; ordinary Swedish text with emoji is kept as sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, addUserWithToken, api, assertFieldError, assertStatus, createCase, createPerson,
  caseIds, caseBody,
} from './harness.mjs';

let srv;
const U = {};
let K; // a case of the police member, county 12
let P; // a person in K
let PROT; // a person in K with a protected identity

const RLO = '\u202e'; // right-to-left override
const ZWJ = '\u200d'; // zero-width joiner
const BLANK = '\u00a0\u2003\u3000 '; // no-break, em and ideographic space
const SWEDISH = 'Ärende i Öresund – åäö ÅÄÖ 😀 🇸🇪';

before(async () => {
  srv = await startServer();
  U.pol = await addUserWithToken(srv, { org: 'POLISEN-SYD', role: 'member' });
  U.rksyd = await addUserWithToken(srv, { org: 'RK-SYD', role: 'coordinator', region: 'syd' });
  K = await createCase(srv, U.pol, { title: 'Utgångsläge', county: '12' });
  P = await createPerson(srv, U.pol, K.id, { pseudonym: 'Utgång-1' });
  PROT = await createPerson(srv, U.pol, K.id,
    { protected_identity: 'protected_address', identity: { full_name: 'Skyddad Person' } });
});

after(async () => { await srv?.stop(); });

/** The errors[] entry of a 400 for field, asserting its code and that the text is not echoed. */
function fieldError(r, field, code, sent) {
  const j = assertFieldError(r, field);
  const e = j.errors.find((x) => x.field === field);
  assert.equal(e.code, code, `${field}: ${r.text}`);
  if (sent) assert.ok(!r.text.includes(sent), `the refused text is echoed: ${r.text}`);
  return e;
}

const patchCase = async (body) => {
  const cur = (await api(srv, 'GET', `/api/v1/cases/${K.id}`, { auth: U.pol })).json;
  return api(srv, 'PATCH', `/api/v1/cases/${K.id}`, { auth: U.pol, ifMatch: `"${cur.version}"`, body });
};
const patchPerson = async (body) => {
  const cur = (await api(srv, 'GET', `/api/v1/persons/${P.id}`, { auth: U.pol })).json;
  return api(srv, 'PATCH', `/api/v1/persons/${P.id}`, { auth: U.pol, ifMatch: `"${cur.version}"`, body });
};

test('POST /cases: each invisible format character in a title is refused naming title', async () => {
  const before = (await caseIds(srv, U.pol)).length;
  const chars = ['\u202a', '\u202b', '\u202c', '\u202d', RLO, '\u2066', '\u2067', '\u2068', '\u2069',
    '\u200e', '\u200f', '\u061c', '\u200b', '\u200c', ZWJ, '\u2060', '\ufeff', '\u00ad'];
  for (const ch of chars) {
    const title = `Faktura${ch}fdp.exe`;
    const r = await api(srv, 'POST', '/api/v1/cases', {
      auth: U.pol, body: caseBody({ title }),
    });
    const e = fieldError(r, 'title', 'invisible_character', title);
    assert.match(e.message, /osynliga tecken/, `U+${ch.codePointAt(0).toString(16)}`);
  }
  assert.equal((await caseIds(srv, U.pol)).length, before, 'no case was created');
});

test('POST /cases: control characters and a line break in a one-line title are refused', async () => {
  for (const title of ['Rad ett\nrad två', 'Flik\there', 'Escape\u001b[2J', 'C1\u0085', 'Sep\u2028arat']) {
    const r = await api(srv, 'POST', '/api/v1/cases', { auth: U.pol, body: caseBody({ title }) });
    fieldError(r, 'title', 'invalid_text', title);
  }
  // Private use and unassigned code points carry no meaning anyone can read.
  for (const title of ['Privat\ue000', 'Plan\u{f0000}', 'Icke\uffff']) {
    const r = await api(srv, 'POST', '/api/v1/cases', { auth: U.pol, body: caseBody({ title }) });
    fieldError(r, 'title', 'invalid_text', title);
  }
});

test('POST /cases: a title of Unicode white space only is required; the summary may hold lines', async () => {
  fieldError(await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: '\u00a0\u2003' }),
  }), 'title', 'required');
  fieldError(await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: BLANK }),
  }), 'title', 'required');
  // Multi-line: tab and line breaks stay; invisible characters do not.
  fieldError(await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: 'Fall', summary: `Rad ett\nrad ${RLO}två` }),
  }), 'summary', 'invisible_character');
  const ok = await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: 'Fall', summary: 'Rad ett\n\tindrag\r\nrad tre' }),
  });
  assertStatus(ok, 201);
  assert.equal(ok.json.summary, 'Rad ett\n\tindrag\r\nrad tre');
});

test('POST /cases: Swedish letters and emoji are kept; Unicode white space around is trimmed', async () => {
  const r = await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: `${BLANK}${SWEDISH}\u3000`, summary: `\u2003${SWEDISH}\n` }),
  });
  assertStatus(r, 201);
  assert.equal(r.json.title, SWEDISH);
  assert.equal(r.json.summary, SWEDISH);
  const back = await api(srv, 'GET', `/api/v1/cases/${r.json.id}`, { auth: U.pol });
  assert.equal(back.json.title, SWEDISH);
  // An emoji with a variation selector and a skin tone is not an invisible character.
  const heart = await api(srv, 'POST', '/api/v1/cases', {
    auth: U.pol, body: caseBody({ title: 'Stöd ❤️ 👍🏽' }),
  });
  assertStatus(heart, 201);
  assert.equal(heart.json.title, 'Stöd ❤️ 👍🏽');
});

test('PATCH /cases/{id}: an override in the title is refused and changes nothing', async () => {
  const before = (await api(srv, 'GET', `/api/v1/cases/${K.id}`, { auth: U.pol })).json;
  fieldError(await patchCase({ title: `Ny${RLO}titel` }), 'title', 'invisible_character');
  fieldError(await patchCase({ title: BLANK }), 'title', 'required');
  fieldError(await patchCase({ summary: `a\u2069b` }), 'summary', 'invisible_character');
  const after = (await api(srv, 'GET', `/api/v1/cases/${K.id}`, { auth: U.pol })).json;
  assert.equal(after.version, before.version);
  assert.equal(after.title, 'Utgångsläge');
  assertStatus(await patchCase({ title: ` ${SWEDISH}\u00a0` }), 200);
  assert.equal((await api(srv, 'GET', `/api/v1/cases/${K.id}`, { auth: U.pol })).json.title, SWEDISH);
});

test('POST /cases/{id}/persons: a zero-width joiner in a pseudonym, identity or list is refused', async () => {
  const url = `/api/v1/cases/${K.id}/persons`;
  const count = async () => (await api(srv, 'GET', `/api/v1/cases/${K.id}`, { auth: U.pol })).json.persons.length;
  const n = await count();
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: `Anna${ZWJ}B`, gender: 'female' },
  }), 'pseudonym', 'invisible_character');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: BLANK, gender: 'female' },
  }), 'pseudonym', 'required');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: 'Ok-1', gender: 'female', identity: { full_name: `Anna\u200fSvensson` } },
  }), 'identity.full_name', 'invisible_character');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: 'Ok-2', gender: 'female', identity: { address: `Gatan 1\n${RLO}Malmö` } },
  }), 'identity.address', 'invisible_character');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: 'Ok-3', gender: 'female', languages: ['sv', '\ufeffro'] },
  }), 'languages[1]', 'invisible_character');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: 'Ok-4', gender: 'female', vulnerabilities: [`poverty${ZWJ}`] },
  }), 'vulnerabilities[0]', 'invisible_character');
  assert.equal(await count(), n, 'no person was added');
  const ok = await api(srv, 'POST', url, {
    auth: U.pol, body: { pseudonym: '\u2003Åsa-Märta 🌸 ', gender: 'female', identity: { full_name: 'Åsa Öberg\u00a0' } },
  });
  assertStatus(ok, 201);
  assert.equal(ok.json.pseudonym, 'Åsa-Märta 🌸');
});

test('PATCH /persons/{id}: an invisible pseudonym is refused and changes nothing', async () => {
  fieldError(await patchPerson({ pseudonym: `Utgång\u200b-1` }), 'pseudonym', 'invisible_character');
  fieldError(await patchPerson({ pseudonym: BLANK }), 'pseudonym', 'required');
  const cur = (await api(srv, 'GET', `/api/v1/persons/${P.id}`, { auth: U.pol })).json;
  assert.equal(cur.pseudonym, 'Utgång-1');
  assert.equal(cur.version, P.version);
});

test('POST /cases/{id}/team: invisible characters in organization and username are refused', async () => {
  const url = `/api/v1/cases/${K.id}/team`;
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { organization: `MIGRATIONS\u200bVERKET`, access: 'pseudonymous' },
  }), 'organization', 'invisible_character');
  fieldError(await api(srv, 'POST', url, {
    auth: U.pol, body: { organization: 'MIGRATIONSVERKET', username: `a${RLO}b`, access: 'pseudonymous' },
  }), 'username', 'invisible_character');
  const team = (await api(srv, 'GET', url, { auth: U.pol })).json.items;
  assert.ok(!team.some((m) => m.organization === 'MIGRATIONSVERKET'), 'nobody was added');
});

test('POST /persons/{id}/break-glass: an invisible or blank reason is refused', async () => {
  const url = `/api/v1/persons/${PROT.id}/break-glass`;
  fieldError(await api(srv, 'POST', url, {
    auth: U.rksyd, body: { reason: `Akut skyddsbedömning ${RLO}behövs nu` },
  }), 'reason', 'invisible_character');
  fieldError(await api(srv, 'POST', url, { auth: U.rksyd, body: { reason: BLANK } }), 'reason', 'required');
});
