/* store/restore.c -- switching a data directory to a backup, atomically and
 * crash-safely (store.h: storeRestoreStage).
 *
 * A roll-forward journal in two files of the data directory:
 *
 *   restore.tmp/   the backup's files, hard-linked (or copied) there first;
 *                  without a marker it is a leftover and is removed;
 *   RESTORE        the marker: the backup's MANIFEST (backup.h) with seq set
 *                  to the sequence-number floor.  Written atomically
 *                  (rename) once restore.tmp is complete and durable; from
 *                  that moment the restore has happened.
 *
 * restoreFinish (storeOpen, before anything else reads the directory)
 * completes a marked restore; every step is idempotent, so a crash at any
 * point is finished by the next open:
 *   1. delete every segment and hint file that is not the backup's;
 *   2. move the backup's files in from restore.tmp (rename replaces a
 *      file of the same name; both names may even be links of one inode);
 *   3. create segment last_segment + 1 holding an empty batch numbered
 *      with the floor, so that sequence numbers continue above everything
 *      the directory ever held (a leftover of an earlier try was deleted
 *      in step 1 and is made again);
 *   4. remove restore.tmp, then the marker. */
#include "store/restore.h"

#include "lib/alloc.h"
#include "store/backup.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESTORE_MARKER "RESTORE"
#define RESTORE_STAGING "restore.tmp"

/* "dir/name", newly allocated (free with xfree). */
static char *joinPath(const char *dir, const char *name) {
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = xmalloc(dl + nl + 2);
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

int storeRestoreStage(const char *dataDir, const char *backupPath, uint64_t seqFloor,
                      char *err, size_t errlen) {
    backupManifest m;
    if (backupManifestRead(backupPath, &m, err, errlen) < 0) return -1;
    char *staging = joinPath(dataDir, RESTORE_STAGING);
    int rc = backupVerifyFiles(backupPath, &m, err, errlen) < 0 ||
                     backupRemoveDir(staging, err, errlen) < 0 ||
                     backupEnsureDir(staging, err, errlen) < 0
                 ? -1
                 : 0;
    for (size_t i = 0; rc == 0 && i < m.nfiles; i++) {
        char *src = joinPath(backupPath, m.files[i].name);
        char *dst = joinPath(staging, m.files[i].name);
        rc = backupLinkOrCopy(src, dst, err, errlen);
        xfree(src);
        xfree(dst);
    }
    if (rc == 0) rc = segmentSyncDir(staging, err, errlen);
    if (rc == 0) {
        m.seq = seqFloor;
        size_t len;
        char *text = backupManifestEncode(&m, &len);
        rc = backupWriteFileDurable(dataDir, RESTORE_MARKER, text, len, err, errlen);
        xfree(text);
    }
    if (rc < 0) {
        char ignored[256];
        backupRemoveDir(staging, ignored, sizeof(ignored));
    }
    xfree(staging);
    backupManifestFree(&m);
    return rc;
}

static int inManifest(const backupManifest *m, const char *name) {
    for (size_t i = 0; i < m->nfiles; i++)
        if (strcmp(m->files[i].name, name) == 0) return 1;
    return 0;
}

/* Step 1: segments and hints of the directory that are not the backup's. */
static int removeOtherSegments(const char *dataDir, const backupManifest *m, char *err,
                               size_t errlen) {
    DIR *d = opendir(dataDir);
    if (!d) {
        segmentErrorf(err, errlen, "open directory %s: %s", dataDir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        uint64_t id;
        if (!segmentParseFileName(de->d_name, ".log", &id) &&
            !segmentParseFileName(de->d_name, ".hint", &id))
            continue;
        if (inManifest(m, de->d_name)) continue;
        if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT) {
            segmentErrorf(err, errlen, "unlink %s/%s: %s", dataDir, de->d_name,
                          strerror(errno));
            rc = -1;
        }
    }
    closedir(d);
    return rc;
}

/* Step 2: the backup's files into place. */
static int moveBackupIn(const char *dataDir, const backupManifest *m, char *err,
                        size_t errlen) {
    char *staging = joinPath(dataDir, RESTORE_STAGING);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < m->nfiles; i++) {
        char *src = joinPath(staging, m->files[i].name);
        char *dst = joinPath(dataDir, m->files[i].name);
        if (rename(src, dst) < 0 && errno != ENOENT) {
            segmentErrorf(err, errlen, "rename %s: %s", src, strerror(errno));
            rc = -1;
        } else if (unlink(src) < 0 && errno != ENOENT) {
            /* rename() between two links of one inode does nothing */
            segmentErrorf(err, errlen, "unlink %s: %s", src, strerror(errno));
            rc = -1;
        } else if (access(dst, F_OK) < 0) {
            segmentErrorf(err, errlen, "%s: missing after the restore's move", dst);
            rc = -1;
        }
        xfree(src);
        xfree(dst);
    }
    xfree(staging);
    return rc < 0 ? -1 : segmentSyncDir(dataDir, err, errlen);
}

/* Step 3: a new active segment whose only content is an empty batch
 * numbered seqFloor. */
static int writeSeqFloor(const char *dataDir, uint64_t segId, uint64_t seqFloor, char *err,
                         size_t errlen) {
    segment *seg = segmentCreate(dataDir, segId, err, errlen);
    if (!seg) return -1;
    char count[RECORD_BATCH_COUNT_SIZE];
    recordEncodeBatchCount(count, 0);
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = RECORD_BATCH_BEGIN;
    h.vallen = RECORD_BATCH_COUNT_SIZE;
    h.seq = seqFloor;
    h.timestamp = storeWallMs();
    uint64_t off;
    int rc = segmentAppendRecord(seg, &h, "", count, &off, err, errlen);
    if (rc == 0) {
        memset(&h, 0, sizeof(h));
        h.type = RECORD_BATCH_COMMIT;
        h.seq = seqFloor;
        h.timestamp = storeWallMs();
        rc = segmentAppendRecord(seg, &h, "", "", &off, err, errlen);
    }
    if (rc == 0) rc = segmentSync(seg, err, errlen);
    segmentClose(seg);
    return rc;
}

static int finishMarked(const char *dataDir, const char *marker, const char *staging,
                        const backupManifest *m, char *err, size_t errlen);

int restoreDebugStopAfterStep = 0;

/* The test hook: 1 (after setting err) if the restore must stop here. */
static int stopHere(int step, char *err, size_t errlen) {
    if (restoreDebugStopAfterStep != step) return 0;
    segmentErrorf(err, errlen, "stopped after step %d (test hook)", step);
    return 1;
}

int restoreFinish(const char *dataDir, uint64_t *restoredId, char *err, size_t errlen) {
    char ignored[256];
    char *marker = joinPath(dataDir, RESTORE_MARKER);
    char *staging = joinPath(dataDir, RESTORE_STAGING);
    backupManifest m;
    int rc = 0;
    *restoredId = 0;
    if (access(marker, F_OK) < 0) {
        backupRemoveDir(staging, ignored, sizeof(ignored)); /* an unmarked leftover */
    } else if (backupManifestReadFile(marker, &m, err, errlen) < 0) {
        rc = -1;
    } else {
        rc = finishMarked(dataDir, marker, staging, &m, err, errlen);
        if (rc == 0) *restoredId = m.id;
        backupManifestFree(&m);
    }
    xfree(marker);
    xfree(staging);
    return rc;
}

/* Steps 1-4 of a marked restore. */
static int finishMarked(const char *dataDir, const char *marker, const char *staging,
                        const backupManifest *m, char *err, size_t errlen) {
    int rc = removeOtherSegments(dataDir, m, err, errlen) < 0 || stopHere(1, err, errlen) ||
                     moveBackupIn(dataDir, m, err, errlen) < 0 || stopHere(2, err, errlen) ||
                     writeSeqFloor(dataDir, m->lastSegment + 1, m->seq, err, errlen) < 0 ||
                     stopHere(3, err, errlen) ||
                     backupRemoveDir(staging, err, errlen) < 0
                 ? -1
                 : 0;
    if (rc == 0 && unlink(marker) < 0) {
        segmentErrorf(err, errlen, "unlink %s: %s", marker, strerror(errno));
        rc = -1;
    }
    return rc == 0 ? segmentSyncDir(dataDir, err, errlen) : -1;
}
