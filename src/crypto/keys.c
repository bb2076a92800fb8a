/*
 * keys.c — the key file, its master keys and the purpose-bound subkeys.
 *
 * Owns parsing (both versions), creating (version 1) and rewriting
 * (version 2, for a rotation) the key file (read, and its permissions
 * checked, by crypto/secret_file.c), the
 * rotation lock, and deriving one subkey per purpose with crypto_kdf.
 * Master keys only ever live in sodium_malloc'd memory and are wiped as
 * soon as the subkeys are derived. The sealing subkeys of a loaded ring
 * (struct seal_keys) are guarded by a mutex and follow the file.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/log.h"
#include "core/file.h"
#include "core/util.h"
#include "crypto/keys.h"
#include "crypto/secret_file.h"
#include "crypto/sodium_once.h"

#define KEY_HEX_LEN  (KEY_BYTES * 2)
#define KEY_FILE_LEN (KEY_HEX_LEN + 1)
#define KEY_FILE_MAX 1024 /* a version 2 file is far shorter */
#define KEY_CONTEXT  "NMTKEYS1"
#define KEY_HEADER   "nmt-keys 2\n"
#define KEY_BAK_CTX  "NMTBACK1" /* the backup key's context */

/* A key file's contents, in sodium_malloc'd memory. */
struct key_file {
	size_t        n; /* master keys, newest (highest id) first */
	unsigned      id[KEY_MASTERS_MAX];
	unsigned char master[KEY_MASTERS_MAX][KEY_BYTES];
	unsigned char token[KEY_BYTES];
	unsigned char audit[KEY_BYTES];
};

struct seal_keys {
	pthread_mutex_t  mu;
	enum key_purpose purpose;
	char            *path;
	struct stat      seen; /* the file the keys were read from */
	size_t           n;    /* newest first */
	unsigned         id[KEY_MASTERS_MAX];
	unsigned char   *key[KEY_MASTERS_MAX];
};

static void *
secure_alloc(size_t n)
{
	void *p;

	if ((p = sodium_malloc(n)) == NULL) {
		fputs("nmt: out of secure memory\n", stderr);
		abort();
	}
	return p;
}

static struct key_file *
kf_new(void)
{
	struct key_file *kf = secure_alloc(sizeof(*kf));

	sodium_memzero(kf, sizeof(*kf));
	return kf;
}

static void
kf_free(struct key_file *kf)
{
	/* sodium_free zeroes before unmapping. */
	if (kf != NULL)
		sodium_free(kf);
}

static void
set_err(char *err, size_t errlen, const char *path, const char *what)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "key file %s: %s", path, what);
}

static void
set_errno_err(char *err, size_t errlen, const char *path, const char *what,
    int e)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(e));
	set_err(err, errlen, path, msg);
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
derive_into(unsigned char *k, const unsigned char *master,
    enum key_purpose purpose)
{
	if (crypto_kdf_derive_from_key(k, KEY_BYTES, (uint64_t)purpose,
	        KEY_CONTEXT, master) != 0) {
		fputs("nmt: crypto_kdf_derive_from_key failed\n", stderr);
		abort();
	}
}

static unsigned char *
derive(const unsigned char *master, enum key_purpose purpose)
{
	unsigned char *k;

	k = secure_alloc(KEY_BYTES);
	derive_into(k, master, purpose);
	sodium_mprotect_readonly(k);
	return k;
}

static unsigned char *
copy_key(const unsigned char *src)
{
	unsigned char *k;

	k = secure_alloc(KEY_BYTES);
	memcpy(k, src, KEY_BYTES);
	sodium_mprotect_readonly(k);
	return k;
}

/*
 * The backup key: from the audit key, which a rotation carries over, so
 * that backups outlive rotations (keys.h).
 */
static unsigned char *
derive_backup(const unsigned char *audit)
{
	unsigned char *k = secure_alloc(KEY_BYTES);

	if (crypto_kdf_derive_from_key(k, KEY_BYTES, (uint64_t)KEY_BACKUP,
	        KEY_BAK_CTX, audit) != 0) {
		fputs("nmt: crypto_kdf_derive_from_key failed\n", stderr);
		abort();
	}
	sodium_mprotect_readonly(k);
	return k;
}

/* A version 1 file's contents: master key id 1 and its subkeys. */
static void
kf_from_master(struct key_file *kf)
{
	kf->n = 1;
	kf->id[0] = 1;
	derive_into(kf->token, kf->master[0], KEY_TOKEN);
	derive_into(kf->audit, kf->master[0], KEY_AUDIT);
}

/*
 * Creates a new version 1 key file with a fresh random key and leaves its
 * contents in kf. Returns 0, 1 when the file appeared meanwhile (EEXIST),
 * or -1.
 */
static int
create_key_file(const char *path, struct key_file *kf, char *err, size_t errlen)
{
	char *hex;
	int   fd, e;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return 1;
		set_errno_err(err, errlen, path, "cannot create", errno);
		return -1;
	}
	crypto_kdf_keygen(kf->master[0]);
	kf_from_master(kf);
	hex = secure_alloc(KEY_FILE_LEN + 1);
	sodium_bin2hex(hex, KEY_HEX_LEN + 1, kf->master[0], KEY_BYTES);
	hex[KEY_HEX_LEN] = '\n';
	hex[KEY_FILE_LEN] = '\0';
	if (write_all(fd, hex, KEY_FILE_LEN) == -1 || fsync(fd) == -1) {
		e = errno;
		sodium_free(hex);
		close(fd);
		unlink(path);
		set_errno_err(err, errlen, path, "cannot write", e);
		return -1;
	}
	sodium_free(hex);
	if (close(fd) == -1) {
		e = errno;
		unlink(path);
		set_errno_err(err, errlen, path, "cannot write", e);
		return -1;
	}
	return 0;
}

static int
is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') ||
		        (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* 64 lowercase hex characters at *p into out; advances *p. */
static int
parse_hex_key(const char **p, const char *end, unsigned char *out)
{
	size_t binlen;

	if (end - *p < KEY_HEX_LEN || !is_lower_hex(*p, KEY_HEX_LEN) ||
	    sodium_hex2bin(out, KEY_BYTES, *p, KEY_HEX_LEN, NULL, &binlen,
	        NULL) != 0 ||
	    binlen != KEY_BYTES)
		return -1;
	*p += KEY_HEX_LEN;
	return 0;
}

/* A master key id: 1 to KEY_ID_MAX, no leading zero; advances *p. */
static int
parse_id(const char **p, const char *end, unsigned *id)
{
	unsigned long v = 0;
	size_t        n = 0;

	if (*p >= end || **p < '1' || **p > '9')
		return -1;
	while (*p < end && **p >= '0' && **p <= '9' && n < 9) {
		v = v * 10 + (unsigned long)(**p - '0');
		(*p)++;
		n++;
	}
	if (*p < end && **p >= '0' && **p <= '9')
		return -1;
	*id = (unsigned)v;
	return 0;
}

static int
skip(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* Parses a version 2 file; returns 0 or -1 (malformed). */
static int
parse_v2(const char *buf, size_t len, struct key_file *kf)
{
	const char   *p = buf, *end = buf + len;
	unsigned char tmp[KEY_BYTES];
	unsigned      id;
	int           token = 0, audit = 0;

	if (memchr(buf, '\0', len) != NULL || skip(&p, end, KEY_HEADER) != 0)
		return -1;
	while (p < end) {
		if (skip(&p, end, "master ") == 0) {
			if (kf->n == KEY_MASTERS_MAX ||
			    parse_id(&p, end, &id) != 0 ||
			    skip(&p, end, " ") != 0 ||
			    parse_hex_key(&p, end, kf->master[kf->n]) != 0)
				return -1;
			kf->id[kf->n++] = id;
		} else if (skip(&p, end, "token ") == 0) {
			if (token++ || parse_hex_key(&p, end, kf->token) != 0)
				return -1;
		} else if (skip(&p, end, "audit ") == 0) {
			if (audit++ || parse_hex_key(&p, end, kf->audit) != 0)
				return -1;
		} else
			return -1;
		if (skip(&p, end, "\n") != 0)
			return -1;
	}
	if (kf->n == 0 || !token || !audit)
		return -1;
	if (kf->n == 2) {
		if (kf->id[0] == kf->id[1])
			return -1;
		if (kf->id[0] < kf->id[1]) { /* newest first */
			id = kf->id[0];
			kf->id[0] = kf->id[1];
			kf->id[1] = id;
			memcpy(tmp, kf->master[0], KEY_BYTES);
			memcpy(kf->master[0], kf->master[1], KEY_BYTES);
			memcpy(kf->master[1], tmp, KEY_BYTES);
			sodium_memzero(tmp, sizeof(tmp));
		}
	}
	return 0;
}

static int
parse_file(const char *buf, size_t len, struct key_file *kf)
{
	const char *p = buf;

	if (len == KEY_FILE_LEN && buf[KEY_HEX_LEN] == '\n') {
		if (parse_hex_key(&p, buf + KEY_HEX_LEN, kf->master[0]) != 0)
			return -1;
		kf_from_master(kf);
		return 0;
	}
	return parse_v2(buf, len, kf);
}

/*
 * Reads an existing key file into kf (and its status into st_r when not
 * NULL). Returns 0, 1 when the file does not exist, or -1.
 */
static int
read_key_file(const char *path, struct key_file *kf, struct stat *st_r,
    char *err, size_t errlen)
{
	unsigned char *buf;
	size_t         len;
	int            rc;

	rc = secret_file_read(path, KEY_FILE_MAX, "key file", &buf, &len, st_r,
	    err, errlen);
	if (rc != 0)
		return rc;
	sodium_memzero(kf, sizeof(*kf));
	if (parse_file((const char *)buf, len, kf) != 0) {
		sodium_memzero(kf, sizeof(*kf));
		set_err(err, errlen, path,
		    "malformed (expected 64 lowercase hex characters and a "
		    "newline, or a version 2 key file)");
		rc = -1;
	}
	sodium_free(buf);
	return rc;
}

/* Reads an existing file; a missing one is an error. */
static int
read_existing(const char *path, struct key_file *kf, struct stat *st_r,
    char *err, size_t errlen)
{
	int rc = read_key_file(path, kf, st_r, err, errlen);

	if (rc == 1) {
		set_err(err, errlen, path, "does not exist");
		rc = -1;
	}
	return rc;
}

/* Appends "<name> <hex>\n" at buf + *len. */
static void
put_key(char *buf, size_t *len, const char *name, const unsigned char *key)
{
	size_t n = strlen(name);

	memcpy(buf + *len, name, n);
	*len += n;
	buf[(*len)++] = ' ';
	sodium_bin2hex(buf + *len, KEY_HEX_LEN + 1, key, KEY_BYTES);
	*len += KEY_HEX_LEN;
	buf[(*len)++] = '\n';
}

/*
 * Replaces the key file by a version 2 file with kf's contents: written
 * to path + ".tmp" (mode 0600, the old file's owner), synced, renamed
 * over path, the directory synced. Returns 0 or -1.
 */
static int
write_v2(const char *path, const struct key_file *kf, const struct stat *old,
    char *err, size_t errlen)
{
	char  *buf, *tmp, id[16];
	size_t len = 0, i;
	int    fd, e;

	buf = secure_alloc(KEY_FILE_MAX);
	memcpy(buf, KEY_HEADER, strlen(KEY_HEADER));
	len = strlen(KEY_HEADER);
	for (i = 0; i < kf->n; i++) {
		snprintf(id, sizeof(id), "master %u", kf->id[i]);
		put_key(buf, &len, id, kf->master[i]);
	}
	put_key(buf, &len, "token", kf->token);
	put_key(buf, &len, "audit", kf->audit);

	tmp = xasprintf("%s.tmp", path);
	if (unlink(tmp) == -1 && errno != ENOENT) {
		e = errno;
		goto fail;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	if (((old->st_uid != geteuid() || old->st_gid != getegid()) &&
	        fchown(fd, old->st_uid, old->st_gid) == -1) ||
	    write_all(fd, buf, len) == -1 || fsync(fd) == -1) {
		e = errno;
		close(fd);
		unlink(tmp);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		goto fail;
	}
	fsync_parent(path);
	sodium_free(buf);
	free(tmp);
	return 0;
fail:
	sodium_free(buf);
	free(tmp);
	set_errno_err(err, errlen, path, "cannot rewrite", e);
	return -1;
}

/* ---------------------------------------------------------------- */
/* sealing keys that follow the file */

static void
seal_keys_clear(struct seal_keys *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		sodium_free(ks->key[i]);
	ks->n = 0;
}

static void
seal_keys_fill(struct seal_keys *ks, const struct key_file *kf,
    const struct stat *st)
{
	size_t i;

	seal_keys_clear(ks);
	for (i = 0; i < kf->n; i++) {
		ks->id[i] = kf->id[i];
		ks->key[i] = derive(kf->master[i], ks->purpose);
	}
	ks->n = kf->n;
	ks->seen = *st;
}

static struct seal_keys *
seal_keys_new(const char *path, enum key_purpose purpose,
    const struct key_file *kf, const struct stat *st)
{
	struct seal_keys *ks = xcalloc(1, sizeof(*ks));

	if (pthread_mutex_init(&ks->mu, NULL) != 0)
		abort();
	ks->purpose = purpose;
	ks->path = xstrdup(path);
	seal_keys_fill(ks, kf, st);
	return ks;
}

static void
seal_keys_destroy(struct seal_keys *ks)
{
	if (ks == NULL)
		return;
	seal_keys_clear(ks);
	pthread_mutex_destroy(&ks->mu);
	free(ks->path);
	free(ks);
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	    a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	    a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	    a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Rereads the file when it changed; with ks->mu held. */
static void
seal_keys_refresh(struct seal_keys *ks)
{
	struct key_file *kf;
	struct stat      st;
	char             err[256];

	if (stat(ks->path, &st) == -1 || same_file(&st, &ks->seen))
		return;
	kf = kf_new();
	if (read_existing(ks->path, kf, &st, err, sizeof(err)) == 0)
		seal_keys_fill(ks, kf, &st);
	else {
		/* Keep the keys loaded; warn once per change of the file. */
		log_warn("%s; keeping the keys loaded", err);
		ks->seen = st;
	}
	kf_free(kf);
}

const unsigned char *
seal_keys_newest(struct seal_keys *ks, unsigned *id_r)
{
	pthread_mutex_lock(&ks->mu);
	seal_keys_refresh(ks);
	ASSERT(ks->n > 0);
	*id_r = ks->id[0];
	return ks->key[0];
}

static const unsigned char *
find_locked(struct seal_keys *ks, unsigned id)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (ks->id[i] == id)
			return ks->key[i];
	return NULL;
}

const unsigned char *
seal_keys_find(struct seal_keys *ks, unsigned id)
{
	const unsigned char *k;

	pthread_mutex_lock(&ks->mu);
	if ((k = find_locked(ks, id)) == NULL) {
		seal_keys_refresh(ks);
		k = find_locked(ks, id);
	}
	if (k == NULL)
		pthread_mutex_unlock(&ks->mu);
	return k;
}

void
seal_keys_release(struct seal_keys *ks)
{
	pthread_mutex_unlock(&ks->mu);
}

size_t
seal_keys_ids(struct seal_keys *ks, unsigned ids[KEY_MASTERS_MAX])
{
	size_t i, n;

	pthread_mutex_lock(&ks->mu);
	seal_keys_refresh(ks);
	n = ks->n;
	for (i = 0; i < n; i++)
		ids[i] = ks->id[i];
	pthread_mutex_unlock(&ks->mu);
	return n;
}

/* ---------------------------------------------------------------- */

int
keys_load(const char *path, int create, struct keyring *ring, char *err,
    size_t errlen)
{
	struct key_file *kf;
	struct stat      st;
	int              rc;

	crypto_ready();
	memset(ring, 0, sizeof(*ring));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (path == NULL || *path == '\0') {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "no key file given");
		return -1;
	}

	kf = kf_new();
	rc = read_key_file(path, kf, &st, err, errlen);
	if (rc == 1) {
		if (!create) {
			set_err(err, errlen, path, "does not exist");
			rc = -1;
		} else {
			rc = create_key_file(path, kf, err, errlen);
			/* Another process created it meanwhile: use theirs. */
			if (rc == 0 || rc == 1)
				rc = read_existing(path, kf, &st, err, errlen);
		}
	}
	if (rc != 0) {
		kf_free(kf);
		return -1;
	}

	ring->identity = seal_keys_new(path, KEY_IDENTITY, kf, &st);
	ring->totp = seal_keys_new(path, KEY_TOTP, kf, &st);
	ring->token = copy_key(kf->token);
	ring->audit = copy_key(kf->audit);
	ring->backup = derive_backup(kf->audit);
	kf_free(kf);
	return 0;
}

void
keys_free(struct keyring *ring)
{
	if (ring == NULL)
		return;
	seal_keys_destroy(ring->identity);
	seal_keys_destroy(ring->totp);
	/* sodium_free makes the pages writable, zeroes and unmaps them. */
	sodium_free(ring->token);
	sodium_free(ring->audit);
	sodium_free(ring->backup);
	memset(ring, 0, sizeof(*ring));
}

int
keys_ids(const char *path, unsigned ids[KEY_MASTERS_MAX], size_t *n_r,
    char *err, size_t errlen)
{
	struct key_file *kf;
	size_t           i;

	crypto_ready();
	kf = kf_new();
	if (read_existing(path, kf, NULL, err, errlen) != 0) {
		kf_free(kf);
		return -1;
	}
	for (i = 0; i < kf->n; i++)
		ids[i] = kf->id[i];
	*n_r = kf->n;
	kf_free(kf);
	return 0;
}

int
keys_rotate_begin(const char *path, unsigned *new_r, unsigned *old_r, char *err,
    size_t errlen)
{
	struct key_file *kf;
	struct stat      st;
	int              rc = 0;

	crypto_ready();
	kf = kf_new();
	if (read_existing(path, kf, &st, err, errlen) != 0) {
		kf_free(kf);
		return -1;
	}
	if (kf->n == 1) {
		if (kf->id[0] >= KEY_ID_MAX) {
			set_err(err, errlen, path, "no master key id left");
			kf_free(kf);
			return -1;
		}
		kf->id[1] = kf->id[0];
		memcpy(kf->master[1], kf->master[0], KEY_BYTES);
		kf->id[0] = kf->id[1] + 1;
		crypto_kdf_keygen(kf->master[0]);
		kf->n = 2;
		rc = write_v2(path, kf, &st, err, errlen);
	}
	*new_r = kf->id[0];
	*old_r = kf->id[1];
	kf_free(kf);
	return rc;
}

int
keys_retire(const char *path, unsigned keep, char *err, size_t errlen)
{
	struct key_file *kf;
	struct stat      st;
	int              rc;

	crypto_ready();
	kf = kf_new();
	if (read_existing(path, kf, &st, err, errlen) != 0) {
		kf_free(kf);
		return -1;
	}
	if (kf->id[0] != keep) {
		set_err(err, errlen, path, "the key to keep is not the newest");
		kf_free(kf);
		return -1;
	}
	if (kf->n == 1) {
		kf_free(kf);
		return 0;
	}
	kf->n = 1;
	sodium_memzero(kf->master[1], KEY_BYTES);
	rc = write_v2(path, kf, &st, err, errlen);
	kf_free(kf);
	return rc;
}

int
keys_lock(const char *path, char *err, size_t errlen)
{
	struct flock fl;
	char        *lock;
	int          fd, e;

	lock = xasprintf("%s.lock", path);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	free(lock);
	if (fd < 0) {
		set_errno_err(err, errlen, path, "cannot open its lock file",
		    errno);
		return -1;
	}
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == -1) {
		e = errno;
		close(fd);
		if (e == EACCES || e == EAGAIN)
			set_err(err, errlen, path,
			    "another key rotation is running");
		else
			set_errno_err(err, errlen, path, "cannot lock", e);
		return -1;
	}
	return fd;
}
