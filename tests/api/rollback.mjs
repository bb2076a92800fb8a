// Takes a database back to an older schema version, for the tests of
// migrations that change data already stored (an upgrade test rolls back,
// stores what an older NMT would have, and runs `nmtctl init` again).
//
// UNDO holds, for every migration from 0005 on, the SQL that removes what
// it added (per dialect where they differ). A new migration adds its undo
// here, so every upgrade test keeps working without knowing about it.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'db', 'migrations');

/** The text of an older migration from start up to and including end, for an undo that puts it back. */
function statementOf(file, start, end) {
  const text = fs.readFileSync(path.join(MIGRATIONS, file), 'utf8');
  const i = text.indexOf(start);
  const j = i < 0 ? -1 : text.indexOf(end, i);
  if (j < 0) throw new Error(`tests/api/rollback.mjs: ${start} not found in ${file}`);
  return text.slice(i, j + end.length);
}

const UNDO = {
  5: () => 'DROP INDEX case_member_unique;',
  6: () => 'DROP TABLE country;',
  7: () => 'DROP INDEX break_glass_time; DROP INDEX break_glass_case; DROP INDEX audit_flagged;',
  8: () => 'DROP INDEX login_throttle_last_failure; DROP TABLE login_client;',
  9: () => ['closing_reason', 'closing_note', 'closed_at', 'reopen_reason', 'reopened_at']
    .map((c) => `ALTER TABLE nmt_case DROP COLUMN ${c};`).join('\n')
    + '\nALTER TABLE break_glass DROP COLUMN category;',
  10: (pg) => `DROP TABLE case_journal; DROP TABLE change_history;
    ${pg ? 'DROP FUNCTION case_work_append_only();' : ''}
    ALTER TABLE nmt_case ADD COLUMN notes TEXT NOT NULL DEFAULT '';`,
  11: () => ['nmt_case_serial', 'nmt_case_title_sort', 'nmt_case_updated', 'nmt_case_activity',
    'nmt_case_county', 'audit_actor', 'audit_organization', 'audit_action', 'audit_at']
    .map((i) => `DROP INDEX ${i};`).join('\n')
    + '\n' + ['serial', 'title_sort', 'last_activity'].map((c) => `ALTER TABLE nmt_case DROP COLUMN ${c};`).join('\n'),
  12: () => 'DROP TABLE language;',
  // Indicator screening (issue 9).
  17: (pg) => `DROP TABLE person_assessment;
    ${pg ? 'DROP FUNCTION person_assessment_append_only();' : ''}`,
  // 15: first-contact guidance and first meetings (issue 8 item 5).
  15: () => 'DROP TABLE first_contact; DROP TABLE guidance_revision; DROP TABLE guidance_item;',
  // The support pathway (issue 10).
  19: (pg) => `DROP TABLE pathway_event;${pg ? ' DROP FUNCTION pathway_event_append_only();' : ''}`,
  // the duplicate check (issue 8)
  14: () => 'DROP TABLE person_match;',
  // Intake: the derived SOC- organizations go with their municipalities.
  13: () => `DROP TABLE consultation_person; DROP TABLE consultation; DROP TABLE municipality;
    DELETE FROM counter WHERE name LIKE 'consultation-%';`,
  // word search: the search index; the folded column it replaced comes back empty.
  16: (pg) => `${pg ? '' : 'DROP TABLE search_fts;'} DROP TABLE search_doc;
    ALTER TABLE nmt_case ADD COLUMN search_text TEXT NOT NULL DEFAULT '';`,
  18: () => `DROP TABLE notification; ALTER TABLE case_member DROP COLUMN task_id;
    ALTER TABLE app_user DROP COLUMN email; DROP TABLE task;`,
  // clock_due notifications, one per clock end (issue 10).
  21: () => `DROP TABLE clock_notice; ALTER TABLE notification DROP COLUMN person_id;
    ALTER TABLE notification DROP COLUMN clock_kind; ALTER TABLE notification DROP COLUMN clock_end;`,
  // statistics (issue 12): imported person-level records.
  23: () => 'DROP TABLE stat_record_form; DROP TABLE stat_record;',
  // operations (issue 11): the operations, their participants and encounters.
  22: () => `DROP TABLE operation_encounter; DROP TABLE operation_participant; DROP TABLE operation;
    ALTER TABLE case_member DROP COLUMN operation_id; DELETE FROM counter WHERE name LIKE 'operation-%';`,
  // lists at scale (issue 13): the filters' indexes in list order.
  28: () => ['nmt_case_region_number', 'nmt_case_status_number', 'nmt_case_county_number', 'nmt_case_owner_number',
    'consultation_status', 'consultation_open'].map((i) => `DROP INDEX ${i};`).join(' '),
  // statistics (issue 12): differential-privacy releases and their budget.
  25: (pg) => `DROP TABLE stat_budget; DROP TABLE stat_release;${pg ? ' DROP FUNCTION stat_release_append_only();' : ''}`,
  // statistics (issue 12): the summary of imported records and the sources' dirty marks.
  24: (pg) => `DROP TABLE stat_summary; DROP TABLE stat_source;
    ${pg ? 'DROP TRIGGER stat_record_changed ON stat_record; DROP TRIGGER stat_form_changed ON stat_record_form; DROP FUNCTION stat_source_changed();'
    : ['stat_record_changed_ins', 'stat_record_changed_upd', 'stat_record_changed_del', 'stat_form_changed_ins',
      'stat_form_changed_upd', 'stat_form_changed_del'].map((t) => `DROP TRIGGER ${t};`).join(' ')}`,
  // statistics at scale (issue 13): the counts of the system's own persons and their triggers.
  27: (pg) => (pg
    ? `DROP TRIGGER stat_person_assessed ON person_assessment; DROP TRIGGER stat_person_case_changed ON nmt_case;
      DROP TRIGGER stat_person_changed ON person; DROP TRIGGER stat_person_updated ON person;
      DROP FUNCTION stat_person_assessed(); DROP FUNCTION stat_person_case_changed();
      DROP FUNCTION stat_person_changed(); DROP FUNCTION stat_person_refresh(TEXT);
      DROP FUNCTION stat_person_move(stat_person, stat_person); DROP FUNCTION stat_person_pairs(stat_person, BIGINT);
      DROP VIEW stat_person_facts; DROP TABLE stat_person; DROP FUNCTION stat_person_counted();
      DROP TABLE stat_own_pair; DROP TABLE stat_own_nat;`
    : `${['stat_person_ins', 'stat_person_upd', 'stat_person_del', 'stat_person_case_upd', 'stat_person_assessed_ins',
      'stat_person_assessed_upd', 'stat_person_assessed_del'].map((t) => `DROP TRIGGER ${t};`).join(' ')}
      DROP VIEW stat_person_facts; DROP TABLE stat_person; DROP TABLE stat_own_pair; DROP TABLE stat_own_nat;`),
  // statistics at scale (issue 13): the counts of cases and their triggers.
  30: (pg) => (pg
    ? `DROP TRIGGER stat_case_counted ON nmt_case; DROP TRIGGER stat_case_recounted ON nmt_case;
      DROP FUNCTION stat_case_counted(); DROP FUNCTION stat_case_year(TEXT); DROP TABLE stat_case;`
    : 'DROP TRIGGER stat_case_ins; DROP TRIGGER stat_case_del; DROP TRIGGER stat_case_upd; DROP TABLE stat_case;'),
  // statistics at scale (issue 13): the counts of consultations and their triggers.
  31: (pg) => (pg
    ? `DROP TRIGGER stat_consultation_counted ON consultation; DROP TRIGGER stat_consultation_recounted ON consultation;
      DROP FUNCTION stat_consultation_counted(); DROP TABLE stat_consultation;`
    : `DROP TRIGGER stat_consultation_ins; DROP TRIGGER stat_consultation_del; DROP TRIGGER stat_consultation_upd;
      DROP TABLE stat_consultation;`),
  // what nmtctl init last checked (the search index)
  32: () => 'DROP TABLE init_state;',
  // a person counted by VALUES rows: 0027's grouping triggers (SQLite); its functions, empty-row
  // indexes and full pages (PostgreSQL)
  33: (pg) => (pg
    ? `${['CREATE FUNCTION stat_person_move(', 'CREATE FUNCTION stat_person_counted()']
      .map((f) => statementOf('0027_stat_own.pg.sql', f, '$$;').replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'))
      .join('\n')}
      ${statementOf('0027_stat_own.pg.sql', 'CREATE INDEX stat_own_pair_empty', ';')}
      ${statementOf('0027_stat_own.pg.sql', 'CREATE INDEX stat_own_nat_empty', ';')}
      ${['stat_own_pair', 'stat_own_nat', 'stat_case', 'stat_consultation']
        .map((t) => `ALTER TABLE ${t} RESET (fillfactor);`).join(' ')}`
    : `DROP TRIGGER stat_person_counted_ins; DROP TRIGGER stat_person_counted_del;
      ${statementOf('0027_stat_own.sqlite.sql', 'CREATE TRIGGER stat_person_counted_ins', '\nEND;')}
      ${statementOf('0027_stat_own.sqlite.sql', 'CREATE TRIGGER stat_person_counted_del', '\nEND;')}`),
  // a member's case list in number order (issue 13): the team rows' case numbers
  34: (pg) => `DROP INDEX case_member_org_number; DROP INDEX case_member_user_number;
    ${pg ? 'DROP TRIGGER case_member_number ON case_member; DROP FUNCTION case_member_number();'
    : 'DROP TRIGGER case_member_number;'}
    ALTER TABLE case_member DROP COLUMN case_number;`,
  // a team row's two keys with its end, for the scope's check of a case (issue 13)
  35: () => `DROP INDEX case_member_org; CREATE INDEX case_member_org ON case_member(organization, case_id);
    DROP INDEX case_member_user; CREATE INDEX case_member_user ON case_member(user_id, case_id);`,
  // an organization's active tasks on a case, at every task write (issue 13)
  36: () => 'DROP INDEX task_case_org;',
  // a bulk load's persons counted once per transaction (issue 13): the triggers and functions of
  // 0027 and 0033 as they were
  37: (pg) => `${pg
    ? `${['CREATE FUNCTION stat_person_changed()', 'CREATE FUNCTION stat_person_refresh(']
      .map((f) => statementOf('0027_stat_own.pg.sql', f, '$$;').replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'))
      .join('\n')}
      ${statementOf('0033_stat_person_values.pg.sql', 'CREATE OR REPLACE FUNCTION stat_person_counted()', '$$;')}`
    : `${['stat_person_ins', 'stat_person_queued', 'stat_person_upd', 'stat_person_counted_ins']
      .map((t) => `DROP TRIGGER ${t};`).join(' ')}
      ${statementOf('0027_stat_own.sqlite.sql', 'CREATE TRIGGER stat_person_ins', '\nEND;')}
      ${statementOf('0027_stat_own.sqlite.sql', 'CREATE TRIGGER stat_person_upd', '\nEND;')}
      ${statementOf('0033_stat_person_values.sqlite.sql', 'CREATE TRIGGER stat_person_counted_ins', '\nEND;')}`}
    DROP TABLE stat_person_pending; DROP TABLE stat_defer;`,
  // a deferral that cannot commit unsettled; a renamed person's old row (SQLite)
  38: (pg) => (pg
    ? 'ALTER TABLE stat_defer DROP COLUMN must_settle; DROP TABLE stat_defer_never;'
    : `DROP TABLE stat_defer; ${statementOf('0037_stat_person_defer.sqlite.sql', 'CREATE TABLE stat_defer', ');')}
      DROP TABLE stat_defer_never; DROP TRIGGER stat_person_upd;
      ${statementOf('0037_stat_person_defer.sqlite.sql', 'CREATE TRIGGER stat_person_upd', '\nEND;')}`),
  // the persons' counts' functions in PL/pgSQL (issue 13): the SQL functions as 0037 and 0033 left them
  39: (pg) => (pg
    ? `${statementOf('0037_stat_person_defer.pg.sql', 'CREATE OR REPLACE FUNCTION stat_person_refresh(', '$$;')}
      ${statementOf('0033_stat_person_values.pg.sql', 'CREATE OR REPLACE FUNCTION stat_person_move(', '$$;')}`
    : 'SELECT 1;'),
  40: () => 'DROP TABLE pathway_due; DROP INDEX notification_unread; DROP INDEX task_overdue;',
  41: () => 'DROP INDEX consultation_region_status;',
  // SQLite's task_overdue comes back (PostgreSQL kept it).
  42: (pg) => (pg ? 'SELECT 1;' : statementOf('0040_notification_reads.sql', 'CREATE INDEX task_overdue', ';')),
  // retention (issue 14): the anonymised marks, the permits, the audit chain's base; the
  // append-only rules as they were.
  29: (pg) => `ALTER TABLE nmt_case DROP COLUMN anonymised_at; ALTER TABLE consultation DROP COLUMN anonymised_at;
    ALTER TABLE operation DROP COLUMN anonymised_at;
    DROP TABLE audit_base; ${pg ? `
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$;
    ${['case_work', 'person_assessment', 'pathway_event'].map((f) => `
    CREATE OR REPLACE FUNCTION ${f}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$;`).join('')}`
    : `${[['audit_no_delete', 'DELETE', 'audit', 'the audit log is append-only'],
      ['case_journal_no_update', 'UPDATE', 'case_journal', 'the case journal is append-only'],
      ['change_history_no_update', 'UPDATE', 'change_history', 'the change history is append-only'],
      ['person_assessment_no_update', 'UPDATE', 'person_assessment', 'assessments are append-only'],
      ['pathway_event_no_update', 'UPDATE', 'pathway_event', 'the pathway events are append-only']]
      .map(([t, op, table, msg]) => `DROP TRIGGER ${t};
    CREATE TRIGGER ${t} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, '${msg}'); END;`).join('\n')}`}
    DROP TABLE retention_permit;`,
};

/**
 * Undoes every applied migration newer than version (newest first) on db (the harness's
 * createDatabase() object, with no server running on it) and forgets them in
 * schema_migrations, so that `nmtctl init` applies them again.
 */
export async function rollBackTo(db, version) {
  const applied = (await db.exec('SELECT version FROM schema_migrations ORDER BY version DESC;'))
    .split('\n').map((x) => Number(x.trim())).filter((v) => v > version);
  for (const v of applied) {
    if (!UNDO[v])
      throw new Error(`tests/api/rollback.mjs: no undo for migration ${v}; add it to UNDO`);
    await db.exec(UNDO[v](db.kind === 'pg'));
  }
  await db.exec(`DELETE FROM schema_migrations WHERE version > ${version};`);
  // What init checked last was checked on the newer schema: the next init checks again.
  if (version >= 32) await db.exec('DELETE FROM init_state;');
}
