/*
 * backup_file.h — the sealed backup file: its header, its manifest and
 * its chunks (the format is described in backup_file.c).
 *
 * A writer streams plaintext into path + ".tmp" in sealed chunks and,
 * on finish, syncs it and renames it to path, so that path never names
 * a half-written backup. A reader authenticates as it reads: every
 * chunk, their order and the end of the stream, so a flipped byte, a
 * truncated file, a file sealed under another key and trailing bytes
 * are all told apart and refused.
 */
#ifndef NMT_DB_BACKUP_FILE_H
#define NMT_DB_BACKUP_FILE_H

#include <stddef.h>
#include <stdint.h>

/* The format this build writes and reads. */
#define BACKUP_FORMAT 1
/* A key id: 16 lowercase hex characters and a NUL. */
#define BACKUP_KEY_ID_HEX 17

/*
 * The key id of a backup key (KEY_BYTES): a keyed hash of a fixed text,
 * which names the key without revealing it. Fills out.
 */
void backup_key_id(const unsigned char *key, char out[BACKUP_KEY_ID_HEX]);

struct backup_writer;

/*
 * Starts a backup file: creates path + ".tmp" (mode 0600, replacing a
 * stale one), writes the header and the manifest (NUL-terminated text,
 * sealed as the first chunk). key: KEY_BYTES. Refuses (NULL, message
 * in err) when path exists and force is 0.
 */
struct backup_writer *backup_writer_open(const char *path, int force,
    const unsigned char *key, const char *manifest, char *err, size_t errlen);
/* Appends len bytes of content. 0, or -1 with a message in err. */
int backup_writer_put(struct backup_writer *w, const void *buf, size_t len,
    char *err, size_t errlen);
/* Content bytes put so far. */
uint64_t backup_writer_bytes(const struct backup_writer *w);
/*
 * Seals the last chunk, syncs the file, renames it to path and syncs
 * the directory; frees w. 0, or -1 with a message in err (then the
 * temporary file is removed and path is untouched).
 */
int backup_writer_finish(struct backup_writer *w, char *err, size_t errlen);
/* Removes the temporary file and frees w (NULL: nothing). */
void backup_writer_abort(struct backup_writer *w);

struct backup_reader;

/*
 * Opens a backup file and authenticates its header and manifest with
 * key (KEY_BYTES). On success *manifest_r is the manifest (malloc'd,
 * NUL-terminated). Returns NULL with a message in err naming what is
 * wrong: missing, not a backup, another format, another key (both key
 * ids), damaged.
 */
struct backup_reader *backup_reader_open(const char *path,
    const unsigned char *key, char **manifest_r, char *err, size_t errlen);
/*
 * The next piece of content: 1 with *buf (valid until the next call)
 * and *len, 0 at the authenticated end of the file, -1 with a message
 * in err when the file is damaged or truncated.
 */
int backup_reader_next(struct backup_reader *r, const unsigned char **buf,
    size_t *len, char *err, size_t errlen);
/* Content bytes read so far, and the file's size. */
uint64_t backup_reader_bytes(const struct backup_reader *r);
uint64_t backup_reader_size(const struct backup_reader *r);
void     backup_reader_close(struct backup_reader *r);

#endif
