/*
 * sqlite_vfs.c — the SQLite VFS this process registers as its default.
 *
 * Owns one VFS, "nmt": the VFS that was the default before (on Linux
 * SQLite's "unix"), except for journals spilled from memory to a file.
 * SQLite keeps a statement journal (a savepoint's, a statement's inside a
 * transaction) and a temporary database's journal in memory up to
 * SQLITE_CONFIG_STMTJRNL_SPILL bytes, in chunks of that size, and when one
 * grows past them writes each chunk to a temporary file with one xWrite
 * (memjournal.c, memjrnlCreateFile). The unix VFS writes at most 0x1ffff
 * bytes a call (seekAndWriteFd masks the length, SQLite 3.40.1) and reads
 * the shortened write as a full disk, so a limit above 0x1ffff made every
 * spill fail with SQLITE_FULL. Here such a journal's file is opened by
 * the underlying VFS and wrapped: its writes go down in pieces of at most
 * JOURNAL_PIECE bytes, everything else is passed through. SQLite's sorter
 * opens its temporary files with the same flag and is wrapped too, which
 * only keeps them unmapped (mmap_size is 0 here anyway). Every other file
 * is the underlying VFS's own, unwrapped.
 *
 * Ownership: the VFS and its methods are static, registered once by
 * sqlite_vfs_register() (from db_sqlite_setup's once per process) and
 * never unregistered.
 */
#include <stddef.h>

#include <sqlite3.h>

#include "db/sqlite_vfs.h"

/* Bytes per write of the underlying VFS: a power of two below 0x1ffff. */
#define JOURNAL_PIECE (64 * 1024)

/*
 * A spilled journal's file: the underlying VFS's file right after, on an
 * 8-byte boundary (it holds 64-bit fields).
 */
struct journal_file {
	_Alignas(8) sqlite3_file base;
};

/* The journals SQLite keeps in memory until they spill. */
#define SPILLED_JOURNAL (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL)

static sqlite3_vfs *vfs_under;
static sqlite3_vfs  vfs_nmt;

static sqlite3_file *
under(sqlite3_file *f)
{
	return (sqlite3_file *)((struct journal_file *)f + 1);
}

static int
journal_close(sqlite3_file *f)
{
	return under(f)->pMethods->xClose(under(f));
}

static int
journal_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return under(f)->pMethods->xRead(under(f), buf, n, off);
}

static int
journal_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	const char *p = buf;
	int         piece, rc = SQLITE_OK;

	while (n > 0 && rc == SQLITE_OK) {
		piece = n < JOURNAL_PIECE ? n : JOURNAL_PIECE;
		rc = under(f)->pMethods->xWrite(under(f), p, piece, off);
		p += piece;
		off += piece;
		n -= piece;
	}
	return rc;
}

static int
journal_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return under(f)->pMethods->xTruncate(under(f), size);
}

static int
journal_sync(sqlite3_file *f, int flags)
{
	return under(f)->pMethods->xSync(under(f), flags);
}

static int
journal_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return under(f)->pMethods->xFileSize(under(f), size);
}

static int
journal_lock(sqlite3_file *f, int level)
{
	return under(f)->pMethods->xLock(under(f), level);
}

static int
journal_unlock(sqlite3_file *f, int level)
{
	return under(f)->pMethods->xUnlock(under(f), level);
}

static int
journal_reserved(sqlite3_file *f, int *out)
{
	return under(f)->pMethods->xCheckReservedLock(under(f), out);
}

static int
journal_control(sqlite3_file *f, int op, void *arg)
{
	return under(f)->pMethods->xFileControl(under(f), op, arg);
}

static int
journal_sector(sqlite3_file *f)
{
	return under(f)->pMethods->xSectorSize(under(f));
}

static int
journal_device(sqlite3_file *f)
{
	return under(f)->pMethods->xDeviceCharacteristics(under(f));
}

/* Version 1: a journal is never shared memory nor mapped. */
static const sqlite3_io_methods journal_methods = {
	.iVersion = 1,
	.xClose = journal_close,
	.xRead = journal_read,
	.xWrite = journal_write,
	.xTruncate = journal_truncate,
	.xSync = journal_sync,
	.xFileSize = journal_size,
	.xLock = journal_lock,
	.xUnlock = journal_unlock,
	.xCheckReservedLock = journal_reserved,
	.xFileControl = journal_control,
	.xSectorSize = journal_sector,
	.xDeviceCharacteristics = journal_device,
};

static int
nmt_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	int rc;

	(void)vfs;
	if ((flags & SPILLED_JOURNAL) == 0)
		return vfs_under->xOpen(vfs_under, name, f, flags, out);
	rc = vfs_under->xOpen(vfs_under, name, under(f), flags, out);
	/* SQLite calls xClose only on a file whose pMethods is set. */
	f->pMethods = under(f)->pMethods != NULL ? &journal_methods : NULL;
	return rc;
}

int
sqlite_vfs_register(void)
{
	if ((vfs_under = sqlite3_vfs_find(NULL)) == NULL)
		return SQLITE_ERROR;
	vfs_nmt = *vfs_under;
	vfs_nmt.zName = "nmt";
	vfs_nmt.szOsFile = (int)sizeof(struct journal_file) +
	    vfs_under->szOsFile;
	vfs_nmt.xOpen = nmt_open;
	vfs_nmt.pNext = NULL;
	return sqlite3_vfs_register(&vfs_nmt, 1);
}
