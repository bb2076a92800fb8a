/*
 * test_backup.c — unit tests for the backup key (crypto/keys.c) and the
 * sealed backup file (db/backup_file.c): the key outlives a rotation and
 * differs between installations; a file reads back exactly what was
 * written, and every flipped byte, every cut and any added byte is
 * refused.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/keys.h"
#include "db/backup_file.h"

#define CONTENT_LEN (200 * 1024 + 17) /* four chunks, the last partial */

struct fixture {
	char dir[64];
	char key[96], key2[96], file[96], copy[96];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	snprintf(f->dir, sizeof(f->dir), "/tmp/nmt-test-backup-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->key, sizeof(f->key), "%s/key", f->dir);
	snprintf(f->key2, sizeof(f->key2), "%s/key2", f->dir);
	snprintf(f->file, sizeof(f->file), "%s/b.nmtbak", f->dir);
	snprintf(f->copy, sizeof(f->copy), "%s/copy", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char            p[128];

	unlink(f->key);
	unlink(f->key2);
	unlink(f->file);
	unlink(f->copy);
	snprintf(p, sizeof(p), "%s.tmp", f->key);
	unlink(p);
	snprintf(p, sizeof(p), "%s.lock", f->key);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void
backup_key_of(const char *path, unsigned char out[KEY_BYTES])
{
	struct keyring r;
	char           err[256];

	assert_int_equal(keys_load(path, 1, &r, err, sizeof(err)), 0);
	assert_non_null(r.backup);
	memcpy(out, r.backup, KEY_BYTES);
	assert_memory_not_equal(r.backup, r.audit, KEY_BYTES);
	keys_free(&r);
}

static void
test_backup_key_outlives_rotation(void **state)
{
	struct fixture *f = *state;
	unsigned char   k1[KEY_BYTES], k2[KEY_BYTES], other[KEY_BYTES];
	unsigned        newid, oldid;
	char            err[256];

	backup_key_of(f->key, k1);
	assert_int_equal(keys_rotate_begin(f->key, &newid, &oldid, err,
	                     sizeof(err)),
	    0);
	backup_key_of(f->key, k2);
	assert_memory_equal(k1, k2, KEY_BYTES);
	assert_int_equal(keys_retire(f->key, newid, err, sizeof(err)), 0);
	backup_key_of(f->key, k2);
	assert_memory_equal(k1, k2, KEY_BYTES);
	backup_key_of(f->key2, other);
	assert_memory_not_equal(k1, other, KEY_BYTES);
}

static unsigned char *
content(void)
{
	unsigned char *c = malloc(CONTENT_LEN);
	size_t         i;

	for (i = 0; i < CONTENT_LEN; i++)
		c[i] = (unsigned char)(i * 7 + i / 251);
	return c;
}

static void
write_backup(const char *path, const unsigned char *key, const unsigned char *c)
{
	struct backup_writer *w;
	char                  err[256];

	w = backup_writer_open(path, 1, key, "{\"format\": 1}", err,
	    sizeof(err));
	assert_non_null(w);
	assert_int_equal(backup_writer_put(w, c, 1000, err, sizeof(err)), 0);
	assert_int_equal(backup_writer_put(w, c + 1000, CONTENT_LEN - 1000, err,
	                     sizeof(err)),
	    0);
	assert_int_equal(backup_writer_finish(w, err, sizeof(err)), 0);
}

/* Reads the whole file: 0 and its content in out, or -1 with err. */
static int
read_backup(const char *path, const unsigned char *key, unsigned char *out,
    size_t *len, char *err, size_t errlen)
{
	struct backup_reader *r;
	const unsigned char  *buf;
	char                 *manifest;
	size_t                n;
	int                   rc;

	*len = 0;
	if ((r = backup_reader_open(path, key, &manifest, err, errlen)) == NULL)
		return -1;
	assert_string_equal(manifest, "{\"format\": 1}");
	free(manifest);
	while ((rc = backup_reader_next(r, &buf, &n, err, errlen)) == 1) {
		assert_true(*len + n <= CONTENT_LEN);
		memcpy(out + *len, buf, n);
		*len += n;
	}
	backup_reader_close(r);
	return rc;
}

static unsigned char *
file_bytes(const char *path, size_t *len)
{
	FILE          *fp = fopen(path, "rb");
	unsigned char *b;
	struct stat    st;

	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	*len = (size_t)st.st_size;
	b = malloc(*len + 1);
	assert_int_equal(fread(b, 1, *len, fp), *len);
	fclose(fp);
	return b;
}

static void
put_bytes(const char *path, const unsigned char *b, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, len, fp), len);
	fclose(fp);
}

static void
test_backup_file_round_trip_and_damage(void **state)
{
	struct fixture *f = *state;
	unsigned char   key[KEY_BYTES], key2[KEY_BYTES];
	unsigned char  *c = content(), *out = malloc(CONTENT_LEN), *b;
	char            err[256];
	size_t          len, n, i;
	struct stat     st;

	backup_key_of(f->key, key);
	backup_key_of(f->key2, key2);
	write_backup(f->file, key, c);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	assert_int_equal(read_backup(f->file, key, out, &n, err, sizeof(err)),
	    0);
	assert_int_equal(n, CONTENT_LEN);
	assert_memory_equal(out, c, CONTENT_LEN);

	/* another installation's key: named, not called damaged */
	assert_int_equal(read_backup(f->file, key2, out, &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "another key file"));

	b = file_bytes(f->file, &len);
	/* every byte flipped is found (in the key id as another key) */
	for (i = 0; i < len; i += (i < 256 || i > len - 256) ? 1 : 997) {
		b[i] ^= 0x20;
		put_bytes(f->copy, b, len);
		b[i] ^= 0x20;
		assert_int_equal(read_backup(f->copy, key, out, &n, err,
		                     sizeof(err)),
		    -1);
	}
	/* every cut is found, and so is an added byte */
	for (i = 0; i < len; i += (i < 200 || i > len - 200) ? 1 : 1009) {
		put_bytes(f->copy, b, i);
		assert_int_equal(read_backup(f->copy, key, out, &n, err,
		                     sizeof(err)),
		    -1);
	}
	b[len] = 0;
	put_bytes(f->copy, b, len + 1);
	assert_int_equal(read_backup(f->copy, key, out, &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "bytes follow its last chunk"));
	free(b);
	free(c);
	free(out);
}

static void
test_backup_file_refuses_existing(void **state)
{
	struct fixture *f = *state;
	unsigned char   key[KEY_BYTES];
	char            err[256], tmp[128];
	struct stat     st;

	backup_key_of(f->key, key);
	put_bytes(f->file, (const unsigned char *)"keep", 4);
	assert_null(
	    backup_writer_open(f->file, 0, key, "{}", err, sizeof(err)));
	assert_non_null(strstr(err, "--force"));
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_size, 4);
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->file);
	assert_int_equal(access(tmp, F_OK), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_backup_key_outlives_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backup_file_round_trip_and_damage, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_backup_file_refuses_existing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
