/*
 * backup_file.c — the sealed backup file format (backup_file.h).
 *
 * A backup file is:
 *
 *     "nmt-backup 1 <key id>\n"           30 bytes of clear text
 *     secretstream header                 24 bytes
 *     chunk*                              4-byte big-endian length, then
 *                                         that many sealed bytes
 *
 * The chunks are libsodium's crypto_secretstream_xchacha20poly1305
 * under the backup key (crypto/keys.h): the first holds the manifest
 * (JSON text) and is bound to the clear-text line and the stream header
 * as additional data; the others hold the content in pieces of at most
 * BACKUP_CHUNK bytes, the last of them tagged FINAL. The stream
 * authenticates every chunk and their order, so a truncated file lacks
 * its FINAL chunk and anything after it is refused too. The key id in
 * the clear lets a file of another installation be named as such
 * before any decryption fails.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/file.h"
#include "core/util.h"
#include "crypto/keys.h"
#include "crypto/sodium_once.h"
#include "db/backup_file.h"

#define BACKUP_MAGIC    "nmt-backup"
#define BACKUP_LINE_LEN 30 /* "nmt-backup 1 " + 16 hex + "\n" */
#define BACKUP_CHUNK    65536
#define SS_HEADER       crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES       crypto_secretstream_xchacha20poly1305_ABYTES
#define TAG_MESSAGE     crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL       crypto_secretstream_xchacha20poly1305_TAG_FINAL
#define PREFIX_LEN      (BACKUP_LINE_LEN + SS_HEADER)

struct backup_writer {
	int                                         fd;
	char                                       *path, *tmp;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char                               buf[BACKUP_CHUNK];
	size_t                                      fill;
	uint64_t                                    bytes;
};

struct backup_reader {
	FILE                                       *f;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char                               out[BACKUP_CHUNK];
	unsigned char in[BACKUP_CHUNK + SS_ABYTES];
	uint64_t      bytes, size, chunk;
	int           done;
};

static void
seterr(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, fmt, a, b);
}

void
backup_key_id(const unsigned char *key, char out[BACKUP_KEY_ID_HEX])
{
	static const char text[] = "nmt backup key id";
	unsigned char     h[crypto_generichash_BYTES_MIN];

	crypto_ready();
	crypto_generichash(h, sizeof(h), (const unsigned char *)text,
	    sizeof(text) - 1, key, KEY_BYTES);
	sodium_bin2hex(out, BACKUP_KEY_ID_HEX, h, 8);
}

static void
header_line(const unsigned char *key, char line[BACKUP_LINE_LEN + 1])
{
	char id[BACKUP_KEY_ID_HEX];

	backup_key_id(key, id);
	snprintf(line, BACKUP_LINE_LEN + 1, "%s %d %s\n", BACKUP_MAGIC,
	    BACKUP_FORMAT, id);
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t              n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Seals len bytes as one chunk (with ad, and tag) and writes it. */
static int
put_chunk(struct backup_writer *w, const unsigned char *m, size_t len,
    const unsigned char *ad, size_t adlen, unsigned char tag)
{
	unsigned char     *c = xmalloc(len + SS_ABYTES + 4);
	unsigned long long clen;
	int                rc;

	crypto_secretstream_xchacha20poly1305_push(&w->st, c + 4, &clen, m, len,
	    ad, adlen, tag);
	c[0] = (unsigned char)(clen >> 24);
	c[1] = (unsigned char)(clen >> 16);
	c[2] = (unsigned char)(clen >> 8);
	c[3] = (unsigned char)clen;
	rc = write_all(w->fd, c, (size_t)clen + 4);
	free(c);
	return rc;
}

static int
writer_start(struct backup_writer *w, const unsigned char *key,
    const char *manifest)
{
	unsigned char prefix[PREFIX_LEN];
	char          line[BACKUP_LINE_LEN + 1];

	header_line(key, line);
	memcpy(prefix, line, BACKUP_LINE_LEN);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st,
	    prefix + BACKUP_LINE_LEN, key);
	if (write_all(w->fd, prefix, sizeof(prefix)) != 0)
		return -1;
	return put_chunk(w, (const unsigned char *)manifest, strlen(manifest),
	    prefix, sizeof(prefix), TAG_MESSAGE);
}

struct backup_writer *
backup_writer_open(const char *path, int force, const unsigned char *key,
    const char *manifest, char *err, size_t errlen)
{
	struct backup_writer *w;
	struct stat           st;

	crypto_ready();
	if (!force && lstat(path, &st) == 0) {
		seterr(err, errlen, "%s exists; give --force to replace it%s",
		    path, "");
		return NULL;
	}
	if (strlen(manifest) > BACKUP_CHUNK) {
		seterr(err, errlen, "the manifest is too large%s%s", "", "");
		return NULL;
	}
	w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(path);
	w->tmp = xasprintf("%s.tmp", path);
	(void)unlink(w->tmp);
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0 || writer_start(w, key, manifest) != 0) {
		seterr(err, errlen, "cannot write %s: %s", w->tmp,
		    strerror(errno));
		backup_writer_abort(w);
		return NULL;
	}
	return w;
}

int
backup_writer_put(struct backup_writer *w, const void *buf, size_t len,
    char *err, size_t errlen)
{
	const unsigned char *p = buf;
	size_t               n;

	while (len > 0) {
		if (w->fill == BACKUP_CHUNK) {
			if (put_chunk(w, w->buf, w->fill, NULL, 0,
			        TAG_MESSAGE) != 0) {
				seterr(err, errlen, "cannot write %s: %s",
				    w->tmp, strerror(errno));
				return -1;
			}
			w->fill = 0;
		}
		n = BACKUP_CHUNK - w->fill;
		if (n > len)
			n = len;
		memcpy(w->buf + w->fill, p, n);
		w->fill += n;
		w->bytes += n;
		p += n;
		len -= n;
	}
	return 0;
}

uint64_t
backup_writer_bytes(const struct backup_writer *w)
{
	return w->bytes;
}

static void
writer_free(struct backup_writer *w)
{
	sodium_memzero(&w->st, sizeof(w->st));
	sodium_memzero(w->buf, sizeof(w->buf));
	free(w->path);
	free(w->tmp);
	free(w);
}

int
backup_writer_finish(struct backup_writer *w, char *err, size_t errlen)
{
	int fd = w->fd, rc;

	rc = put_chunk(w, w->buf, w->fill, NULL, 0, TAG_FINAL);
	w->fd = -1;
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0)
		rc = rename(w->tmp, w->path);
	if (rc != 0) {
		seterr(err, errlen, "cannot write %s: %s", w->tmp,
		    strerror(errno));
		(void)unlink(w->tmp);
		writer_free(w);
		return -1;
	}
	fsync_parent(w->path);
	writer_free(w);
	return 0;
}

void
backup_writer_abort(struct backup_writer *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	(void)unlink(w->tmp);
	writer_free(w);
}

/* ---------------------------------------------------------------- */
/* reading */

/*
 * Reads one chunk's sealed bytes into r->in: 1, 0 at the end of the
 * file, -2 when it ends inside the chunk, -1 damaged.
 */
static int
read_chunk(struct backup_reader *r, size_t *clen)
{
	unsigned char len[4];
	size_t        n;

	n = fread(len, 1, 4, r->f);
	if (n == 0 && feof(r->f))
		return 0;
	if (n != 4)
		return feof(r->f) ? -2 : -1;
	*clen = (size_t)len[0] << 24 | (size_t)len[1] << 16 |
	    (size_t)len[2] << 8 | len[3];
	if (*clen < SS_ABYTES || *clen > sizeof(r->in))
		return -1;
	if (fread(r->in, 1, *clen, r->f) != *clen)
		return feof(r->f) ? -2 : -1;
	return 1;
}

/*
 * Opens one chunk into r->out: 0 with *len and *tag, -2 when the file
 * ends before it, -1 damaged.
 */
static int
open_chunk(struct backup_reader *r, const unsigned char *ad, size_t adlen,
    size_t *len, unsigned char *tag)
{
	unsigned long long mlen;
	size_t             clen;
	int                rc;

	if ((rc = read_chunk(r, &clen)) <= 0)
		return rc == 0 ? -2 : rc;
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->out, &mlen,
	        tag, r->in, clen, ad, adlen) != 0)
		return -1;
	r->chunk++;
	*len = (size_t)mlen;
	return 0;
}

/* Reads and checks the clear-text line and the stream header. */
static int
read_prefix(struct backup_reader *r, const char *path, const unsigned char *key,
    unsigned char prefix[PREFIX_LEN], char *err, size_t errlen)
{
	char line[BACKUP_LINE_LEN + 1], ours[BACKUP_KEY_ID_HEX];

	if (fread(prefix, 1, PREFIX_LEN, r->f) != PREFIX_LEN ||
	    memcmp(prefix, BACKUP_MAGIC " ", sizeof(BACKUP_MAGIC)) != 0) {
		seterr(err, errlen, "%s is not an NMT backup file%s", path, "");
		return -1;
	}
	header_line(key, line);
	if (memcmp(prefix, line, sizeof(BACKUP_MAGIC) + 2) != 0 ||
	    prefix[BACKUP_LINE_LEN - 1] != '\n') {
		seterr(err, errlen,
		    "%s is in a backup format this nmtctl does not read "
		    "(it reads format 1)%s",
		    path, "");
		return -1;
	}
	if (memcmp(prefix, line, BACKUP_LINE_LEN) != 0) {
		memcpy(line, prefix + sizeof(BACKUP_MAGIC) + 2, 16);
		line[16] = '\0';
		backup_key_id(key, ours);
		if (err != NULL && errlen > 0)
			snprintf(err, errlen,
			    "%s was sealed with another key file (its key id "
			    "%s, this key file's %s): it belongs to another "
			    "installation",
			    path, line, ours);
		return -1;
	}
	return 0;
}

static void
reader_damaged(const char *path, int rc, char *err, size_t errlen)
{
	if (rc == -2)
		seterr(err, errlen,
		    "%s is truncated: it ends before its last chunk%s", path,
		    "");
	else
		seterr(err, errlen,
		    "%s is damaged: a chunk fails its authentication "
		    "(changed, cut or reordered bytes)%s",
		    path, "");
}

struct backup_reader *
backup_reader_open(const char *path, const unsigned char *key,
    char **manifest_r, char *err, size_t errlen)
{
	struct backup_reader *r;
	unsigned char         prefix[PREFIX_LEN], tag;
	struct stat           st;
	size_t                len;
	int                   rc = -1;

	crypto_ready();
	*manifest_r = NULL;
	r = xcalloc(1, sizeof(*r));
	if ((r->f = fopen(path, "rbe")) == NULL ||
	    fstat(fileno(r->f), &st) != 0) {
		seterr(err, errlen, "cannot open %s: %s", path,
		    strerror(errno));
		backup_reader_close(r);
		return NULL;
	}
	r->size = (uint64_t)st.st_size;
	if (read_prefix(r, path, key, prefix, err, errlen) != 0) {
		backup_reader_close(r);
		return NULL;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&r->st,
	        prefix + BACKUP_LINE_LEN, key) != 0 ||
	    (rc = open_chunk(r, prefix, sizeof(prefix), &len, &tag)) != 0 ||
	    tag != TAG_MESSAGE) {
		reader_damaged(path, rc == -2 ? -2 : -1, err, errlen);
		backup_reader_close(r);
		return NULL;
	}
	*manifest_r = xstrndup((const char *)r->out, len);
	return r;
}

int
backup_reader_next(struct backup_reader *r, const unsigned char **buf,
    size_t *len, char *err, size_t errlen)
{
	unsigned char tag;
	int           rc;

	while (!r->done) {
		if ((rc = open_chunk(r, NULL, 0, len, &tag)) != 0) {
			reader_damaged("the backup file", rc, err, errlen);
			return -1;
		}
		if (tag == TAG_FINAL) {
			r->done = 1;
			if (fgetc(r->f) != EOF) {
				seterr(err, errlen,
				    "the backup file is damaged: bytes follow "
				    "its last chunk%s%s",
				    "", "");
				return -1;
			}
		} else if (tag != TAG_MESSAGE) {
			reader_damaged("the backup file", -1, err, errlen);
			return -1;
		}
		if (*len > 0) {
			r->bytes += *len;
			*buf = r->out;
			return 1;
		}
	}
	return 0;
}

uint64_t
backup_reader_bytes(const struct backup_reader *r)
{
	return r->bytes;
}

uint64_t
backup_reader_size(const struct backup_reader *r)
{
	return r->size;
}

void
backup_reader_close(struct backup_reader *r)
{
	if (r == NULL)
		return;
	if (r->f != NULL)
		fclose(r->f);
	sodium_memzero(r, sizeof(*r));
	free(r);
}
