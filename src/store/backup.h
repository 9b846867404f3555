/* store/backup.h -- the backup directory: one directory per backup, each a set
 * of hard links to sealed segment files (and their hints) plus a MANIFEST.
 *
 * Layout (backup-dir, usually <dir>/backups):
 *
 *   backup-dir/<id>/           a complete backup: its MANIFEST is valid
 *   backup-dir/<id>/MANIFEST   text, see below
 *   backup-dir/<id>/seg-*.log  the segments of the data set at the backup
 *   backup-dir/<id>/seg-*.hint their hint files (optional, speed only)
 *   backup-dir/<id>.tmp/       being written or being deleted: never listed,
 *                              removed by backupRemoveTemp
 *
 * A backup becomes visible only by the rename of <id>.tmp to <id>, after
 * every file and the MANIFEST are durable, so a crash never leaves a half
 * backup that is listed as good.  Deleting renames it back to <id>.tmp
 * first, so a half-deleted backup is never listed either.
 *
 * MANIFEST (one "name value" per line, in this order; the last line's crc
 * is CRC-32C of every byte before that line, in lowercase hex):
 *
 *   redis-kv-backup 1
 *   id 3
 *   time_ms 1763800000000      wall clock when the snapshot was taken
 *   seq 12345                  the last sequence number it contains
 *   keys 1000                  keys (all databases) at that moment
 *   bytes 123456               total size of the files below
 *   last_segment 7             the highest segment id it holds
 *   data_dir /abs/path         where it was taken (point-in-time restore
 *                              reads the segments written after it there)
 *   file seg-00000001.log 4096 (one line per file: name, size)
 *   crc32c 1a2b3c4d
 *
 * Errors: -1 (or NULL) with a message "what: why" in err[0..errlen).
 * Nothing here logs.  Not thread-safe per directory: the store serialises
 * snapshot jobs, deletes and restores. */
#ifndef REDIS_KV_BACKUP_H
#define REDIS_KV_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#define BACKUP_MANIFEST "MANIFEST"
#define BACKUP_FORMAT_VERSION 1

typedef struct backupFile {
    char *name;         /* a file name inside the backup (no '/') */
    uint64_t size;
} backupFile;

typedef struct backupManifest {
    uint64_t id;
    int64_t timeMs;
    uint64_t seq;
    uint64_t keys;
    uint64_t bytes;
    uint64_t lastSegment;
    char *dataDir;      /* owned */
    backupFile *files;  /* owned, nfiles entries */
    size_t nfiles;
} backupManifest;

/* Frees what m owns and zeroes it (a zeroed manifest is a no-op). */
void backupManifestFree(backupManifest *m);

/* Adds a file (name copied) to m and its size to m->bytes. */
void backupManifestAddFile(backupManifest *m, const char *name, uint64_t size);

/* The MANIFEST text of m (newly allocated, NUL terminated, free with
 * xfree); *len its length. */
char *backupManifestEncode(const backupManifest *m, size_t *len);

/* Parses MANIFEST text: 0 with *m filled (free with backupManifestFree),
 * or -1 on any damage (bad checksum, unknown version, missing or
 * malformed line, a file name with '/'), m then zeroed. */
int backupManifestParse(const char *text, size_t len, backupManifest *m, char *err,
                        size_t errlen);

/* Reads and parses path/MANIFEST. */
int backupManifestRead(const char *path, backupManifest *m, char *err, size_t errlen);

/* Reads and parses a file in the manifest format with any name (the
 * restore marker uses it too). */
int backupManifestReadFile(const char *file, backupManifest *m, char *err, size_t errlen);

/* Writes data to dir/name atomically and durably: name.tmp, fsync, rename,
 * fsync dir.  0 or -1 (nothing named 'name' is created or changed then). */
int backupWriteFileDurable(const char *dir, const char *name, const char *data, size_t len,
                           char *err, size_t errlen);

/* "backupDir/<id>" (suffix "" or ".tmp"), newly allocated. */
char *backupPath(const char *backupDir, uint64_t id, const char *suffix);

/* Checks that every file of the manifest exists in path with its size.
 * 0, or -1 naming the first file that is missing or has another size. */
int backupVerifyFiles(const char *path, const backupManifest *m, char *err, size_t errlen);

/* The complete backups in backupDir (valid MANIFEST whose id matches the
 * directory name), sorted by id, into a new array (free each with
 * backupManifestFree, then the array with xfree).  A missing backupDir is
 * an empty list.  Damaged entries are skipped and counted in *damaged (if
 * not NULL).  0 or -1. */
int backupList(const char *backupDir, backupManifest **out, size_t *n, size_t *damaged,
               char *err, size_t errlen);

/* One more than the highest id in backupDir, complete or not (1 if none). */
uint64_t backupNextId(const char *backupDir);

/* Makes dst a hard link to src; where links are impossible (another file
 * system) copies the file instead and fsyncs the copy.  0 or -1. */
int backupLinkOrCopy(const char *src, const char *dst, char *err, size_t errlen);

/* Removes a directory and the files in it (not recursive: backups hold
 * only files).  A missing directory is fine.  0 or -1. */
int backupRemoveDir(const char *path, char *err, size_t errlen);

/* Deletes backup id: renames it to <id>.tmp (so it is no longer listed,
 * durably) and then removes it.  -1 with errno ENOENT if there is no
 * complete backup with that id. */
int backupDelete(const char *backupDir, uint64_t id, char *err, size_t errlen);

/* Deletes the oldest complete backups until at most keep remain (keep <= 0:
 * keep all).  Returns how many it deleted, or -1. */
int backupPrune(const char *backupDir, int keep, char *err, size_t errlen);

/* Removes leftover <id>.tmp directories (interrupted backups or deletes).
 * Returns how many, or -1. */
int backupRemoveTemp(const char *backupDir, char *err, size_t errlen);

/* mkdir -p for one level: creates path if missing (0755).  0 or -1. */
int backupEnsureDir(const char *path, char *err, size_t errlen);

#endif
