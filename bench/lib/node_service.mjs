// The Node + SQLite reference for GET /api/v1/cases/{id}: what a plain service of the same
// endpoint does, in one Node process (node:http + better-sqlite3, synchronous calls).
//
//   node node_service.mjs NMT_DB NODE_DB TOKEN MODULE_DIR
//
// NMT_DB is nmtd's SQLite file, attached read-only in spirit (nothing is written to it);
// NODE_DB is a file of the service's own on the same disk, holding its token table and its
// audit table. TOKEN is the bearer token it accepts (stored as its SHA-256, as a plain
// service would); MODULE_DIR is where better-sqlite3 (or node-sqlite3-wasm) is installed.
// Prints "listening on http://127.0.0.1:PORT" once it listens.
//
// Per request it does: parse the path, hash the bearer token and look it up (401 if
// unknown), read the user and its organization, read the case row (404 if none), its team
// and its persons, build the JSON, INSERT one audit row (autocommit, WAL,
// synchronous=NORMAL: the usual setting of such a service, no fsync per row), answer 200.
// It does NOT: decide access by the case's region or team (no policy), check a session
// expiry or the user's status, hash-chain the audit rows, wait for a durable commit before
// answering, send nmtd's security headers, read the tasks and consultations of the case.
import http from "node:http";
import crypto from "node:crypto";
import { createRequire } from "node:module";

const [nmtDb, nodeDb, token, moduleDir] = process.argv.slice(2);
if (!nmtDb || !nodeDb || !token || !moduleDir) {
  console.error("usage: node node_service.mjs NMT_DB NODE_DB TOKEN MODULE_DIR");
  process.exit(2);
}
const require = createRequire(moduleDir.replace(/\/?$/, "/") + "package.json");
const Database = require("better-sqlite3");

const db = new Database(nodeDb);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.prepare("ATTACH DATABASE ? AS nmt").run(nmtDb);
db.exec(`CREATE TABLE IF NOT EXISTS node_token (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS node_audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL,
           actor TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL, client TEXT)`);
const sha = (t) => crypto.createHash("sha256").update(t).digest("hex");
const bench = db.prepare("SELECT id FROM nmt.app_user WHERE username = 'bench'").get();
if (!bench) { console.error("node_service: no user bench"); process.exit(1); }
db.prepare("INSERT OR REPLACE INTO node_token VALUES (?, ?)").run(sha(token), bench.id);

const qToken = db.prepare("SELECT user_id FROM node_token WHERE token_hash = ?");
const qUser = db.prepare(`SELECT u.id, u.username, u.organization, o.name AS org_name, u.role
  FROM nmt.app_user u JOIN nmt.organization o ON o.code = u.organization WHERE u.id = ?`);
const qCase = db.prepare(`SELECT c.id, c.number, c.title, c.summary, c.status, c.county,
  c.region, c.exploitation, c.owner_org, (SELECT u.username FROM nmt.app_user u
  WHERE u.id = c.owner_user) AS owner_username, c.created_at, c.updated_at, c.version
  FROM nmt.nmt_case c WHERE c.id = ?`);
const qTeam = db.prepare(`SELECT m.id, m.organization, (SELECT u.username FROM nmt.app_user u
  WHERE u.id = m.user_id) AS username, m.access, m.added_at FROM nmt.case_member m
  WHERE m.case_id = ? ORDER BY m.added_at, m.id`);
const qPersons = db.prepare(`SELECT p.id, p.pseudonym, p.gender, p.birth_year, p.age_estimate,
  p.citizenship, p.is_child FROM nmt.person p WHERE p.case_id = ? ORDER BY p.created_at, p.id`);
const qAudit = db.prepare(`INSERT INTO node_audit (at, actor, action, object, client)
  VALUES (?, ?, 'case.read', ?, ?)`);

function send(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

const prefix = "/api/v1/cases/";
const server = http.createServer((req, res) => {
  const auth = req.headers.authorization || "";
  if (req.method !== "GET" || !req.url.startsWith(prefix) || !auth.startsWith("Bearer "))
    return send(res, 404, '{"error":"not_found"}');
  const tok = qToken.get(sha(auth.slice(7)));
  if (!tok) return send(res, 401, '{"error":"unauthorized"}');
  const user = qUser.get(tok.user_id);
  if (!user) return send(res, 401, '{"error":"unauthorized"}');
  const id = req.url.slice(prefix.length);
  const c = qCase.get(id);
  if (!c) return send(res, 404, '{"error":"not_found"}');
  const out = {
    id: c.id, number: c.number, title: c.title, summary: c.summary, status: c.status,
    county: c.county, region: c.region, exploitation: JSON.parse(c.exploitation),
    owner: { username: c.owner_username, organization: c.owner_org },
    team: qTeam.all(id), persons: qPersons.all(id),
    created_at: c.created_at, updated_at: c.updated_at, version: c.version,
  };
  qAudit.run(new Date().toISOString(), user.username, "case:" + id, req.socket.remoteAddress);
  send(res, 200, JSON.stringify(out));
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => { server.close(); db.close(); process.exit(0); });
