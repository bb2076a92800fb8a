/*
 * sqlite_vfs.h — the VFS "nmt", SQLite's default in this process: the
 * unix VFS, with journals spilled from memory to a file written in pieces
 * the unix VFS accepts (see sqlite_vfs.c).
 */
#ifndef NMT_DB_SQLITE_VFS_H
#define NMT_DB_SQLITE_VFS_H

/*
 * Registers "nmt" as the default VFS, over the default it finds. Call it
 * once per process, before the first sqlite3_open_v2(): db_sqlite_setup()
 * does, under its pthread_once.
 * Returns SQLITE_OK, or SQLite's error code (then the default is left as
 * it was, and a spill past 0x1ffff bytes fails as SQLITE_FULL).
 */
int sqlite_vfs_register(void);

#endif
