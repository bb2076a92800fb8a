/*
 * keys.h — the key file, the master keys in it and the purpose-bound
 * subkeys derived from them.
 *
 * Every purpose gets its own subkey (libsodium crypto_kdf), so a leak of
 * one use never exposes another. Keys live in sodium_malloc'd memory.
 *
 * The key file (mode 0600, refused when group or others may read or
 * write it) has one of two forms:
 *
 *   - version 1: one master key as 64 lowercase hex characters and a
 *     newline (what `nmtctl init` writes). Its master key has id 1.
 *   - version 2 (written by `nmtctl key rotate`):
 *
 *         nmt-keys 2
 *         master <id> <64 hex>     the newest: seals new values
 *         master <id> <64 hex>     only while a rotation runs
 *         token <64 hex>
 *         audit <64 hex>
 *
 *     The sealing subkeys (identity, TOTP) come from each master key;
 *     the token and audit subkeys are carried over unchanged from the
 *     first master key, since sessions, API tokens and the audit chain
 *     are keyed hashes that cannot be recomputed.
 *
 * The backup subkey is derived from the audit key (crypto_kdf, context
 * "NMTBACK1"), so it stays the same through key rotations: a backup
 * opens with any later key file of the same installation, and with no
 * other installation's.
 *
 * A sealed value names the master key id it is sealed under, so during a
 * rotation values under either key open. The sealing keys of a loaded
 * ring follow the file: sealing checks whether the file changed (and
 * then rereads it), and a value under an id not loaded rereads it too.
 */
#ifndef NMT_CRYPTO_KEYS_H
#define NMT_CRYPTO_KEYS_H

#include <stddef.h>

#define KEY_BYTES 32
/* Master keys in a file: the newest and the one a rotation replaces. */
#define KEY_MASTERS_MAX 2
/* The largest master key id. */
#define KEY_ID_MAX 999999999u

enum key_purpose {
	KEY_IDENTITY = 1, /* sealing of person identity blocks */
	KEY_TOTP = 2,     /* sealing of users' TOTP secrets */
	KEY_TOKEN = 3,    /* keyed hashes of session and API tokens */
	KEY_AUDIT = 4,    /* the audit chain's keyed hash */
	KEY_BACKUP = 5,   /* sealing of backup files (db/backup_file.c) */
};

/* The sealing subkeys of one purpose under every master key in a file. */
struct seal_keys;

struct keyring {
	struct seal_keys *identity; /* sealing; follow the file */
	struct seal_keys *totp;
	unsigned char    *token; /* each KEY_BYTES, sodium_malloc'd */
	unsigned char    *audit;
	unsigned char    *backup; /* from the audit key: see above */
};

/*
 * Reads the key file at path; when it does not exist and create is
 * non-zero, writes a new random one (version 1, mode 0600, O_EXCL).
 * Fills ring. Returns 0, or -1 with a message (no key material) in err
 * (errlen bytes).
 */
int keys_load(const char *path, int create, struct keyring *ring, char *err,
    size_t errlen);

/* Wipes and frees the subkeys. */
void keys_free(struct keyring *ring);

/*
 * The newest sealing key and its id (*id_r), locked for the caller until
 * seal_keys_release(). Rereads the key file first when it changed.
 */
const unsigned char *seal_keys_newest(struct seal_keys *ks, unsigned *id_r);
/*
 * The sealing key of master key id, locked until seal_keys_release(), or
 * NULL (nothing locked) when the file does not hold it.
 */
const unsigned char *seal_keys_find(struct seal_keys *ks, unsigned id);
void                 seal_keys_release(struct seal_keys *ks);
/*
 * The master key ids ks holds now, newest first (rereading the file when
 * it changed): how many (at most KEY_MASTERS_MAX) are in ids.
 */
size_t seal_keys_ids(struct seal_keys *ks, unsigned ids[KEY_MASTERS_MAX]);

/*
 * The master key ids in the file, newest first (*n_r of them, at most
 * KEY_MASTERS_MAX). Returns 0 or -1 with a message in err.
 */
int keys_ids(const char *path, unsigned ids[KEY_MASTERS_MAX], size_t *n_r,
    char *err, size_t errlen);

/*
 * Starts a rotation: when the file holds one master key, adds a new
 * random one with the next id (rewriting the file as version 2, atomically
 * and durably). When it holds two already, a rotation is under way and
 * nothing changes. Either way *new_r and *old_r are the ids. Returns 0
 * or -1 with a message in err.
 */
int keys_rotate_begin(const char *path, unsigned *new_r, unsigned *old_r,
    char *err, size_t errlen);

/*
 * Ends a rotation: rewrites the file without every master key but keep
 * (which must be the newest). Returns 0 or -1 with a message in err.
 */
int keys_retire(const char *path, unsigned keep, char *err, size_t errlen);

/*
 * Takes the rotation lock (an exclusive flock on path + ".lock"), so two
 * rotations never run at once. Returns the descriptor to close, or -1
 * with a message in err when the lock is held or cannot be taken.
 */
int keys_lock(const char *path, char *err, size_t errlen);

#endif
