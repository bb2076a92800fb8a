/*
 * file.h — making a file's replacement durable.
 *
 * A file written to a temporary name, synced and renamed over its target
 * is durable only once the directory that holds the new name is synced
 * too (POSIX rename(2) and fsync(2); the ext4 and XFS documentation say
 * the same). The key file, backups and restores use it.
 */
#ifndef NMT_CORE_FILE_H
#define NMT_CORE_FILE_H

/*
 * Syncs the directory that holds path ("." for a bare name, "/" for a
 * name in the root). Best effort: a directory that cannot be opened or
 * synced is left as it is, since the rename has already happened.
 */
void fsync_parent(const char *path);

#endif
