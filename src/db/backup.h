/*
 * backup.h — backups of a whole database and their restore
 * (`nmtctl backup FILE`, `nmtctl restore FILE`).
 *
 * A backup is one consistent snapshot, sealed into a backup file
 * (db/backup_file.h) with a manifest, a JSON object:
 *
 *   {"format": 1, "product": "nmt", "version": "0.1.0",
 *    "database": "sqlite" | "postgresql", "schema": 28,
 *    "written_at": "2026-11-29T23:59:00Z", "key_id": "<16 hex>",
 *    "content": "sqlite-database" | "pg_dump-plain",
 *    "tables": {"<table>": <rows>, ...},
 *    "audit": {"seq": <n>, "hash": "<64 hex>"}}
 *
 * SQLite: the online backup API copies the database in steps inside one
 * read transaction (so it completes while nmtd writes), next to the
 * database, and the copy is sealed. PostgreSQL: the manifest is read in a
 * repeatable-read transaction whose snapshot pg_dump (plain format) then
 * dumps. The connection is passed to pg_dump and psql through the PG*
 * environment and a private PGPASSFILE, never on their command line.
 *
 * A restore goes into an empty database of the same kind (no users, no
 * cases; the reference data of `nmtctl init` may be there and is
 * replaced). The whole file is authenticated before anything is
 * written; afterwards the row counts must equal the manifest's and the
 * audit chain must verify up to the manifest's head.
 */
#ifndef NMT_DB_BACKUP_H
#define NMT_DB_BACKUP_H

#include <stddef.h>
#include <stdio.h>

struct keyring;

/*
 * Writes a sealed backup of the database at url to path (via path.tmp,
 * replacing an existing path only when force). Progress goes to progress
 * (NULL: none). On success returns 0 and the manifest as JSON text in
 * *manifest_r (malloc'd); else -1 with a message in err, path untouched.
 */
int db_backup(const char *url, const struct keyring *keys, const char *path,
    int force, FILE *progress, char **manifest_r, char *err, size_t errlen);

/*
 * Restores the backup file path into the empty database at url. keys
 * opens the file (backup key) and verifies the chain (audit key). On
 * success returns 0 and the manifest in *manifest_r (malloc'd). Returns
 * 1 (message in err, nothing written) when the file or the target is
 * refused, -1 when the restore failed on the way.
 */
int db_restore(const char *url, const struct keyring *keys, const char *path,
    FILE *progress, char **manifest_r, char *err, size_t errlen);

#endif
