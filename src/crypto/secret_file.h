/*
 * secret_file.h — reading a file that holds a secret (the key file, the
 * checkpoint signing key): only a regular file that group and others may
 * neither read, write nor execute, read whole into sodium_malloc'd
 * memory, so a secret never passes through ordinary heap or stdio.
 */
#ifndef NMT_CRYPTO_SECRET_FILE_H
#define NMT_CRYPTO_SECRET_FILE_H

#include <stddef.h>

#include <sys/stat.h>

/*
 * Reads the file at path, at most max bytes (a longer file is refused).
 * Returns 0 with its bytes in *buf_r (sodium_malloc'd, max + 1 bytes,
 * the caller sodium_free()s it) and their number in *len_r, and, when
 * st_r is not NULL, its status; 1 when the file does not exist; -1 with
 * "<label> <path>: <why>" in err (errlen bytes): it cannot be opened or
 * read, is not a regular file, has group or other permission bits, or
 * is longer than max. Nothing is allocated unless it returns 0.
 */
int secret_file_read(const char *path, size_t max, const char *label,
    unsigned char **buf_r, size_t *len_r, struct stat *st_r, char *err,
    size_t errlen);

#endif
