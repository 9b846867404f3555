/* store/snapshot.c -- backups without fork and without copying (store.h).
 *
 * Sealed segments never change, so a consistent copy of the data set is
 * just their names: the owner seals the active segment (the records
 * written so far are then all in sealed segments), notes the sequence
 * number, and hands the list of sealed segments to the background thread,
 * which fsyncs the segment just sealed (the event loop never waits for
 * the disk), hard-links the segments and the hints that exist into
 * backup-dir/<id>.tmp, writes the MANIFEST durably and renames the
 * directory to backup-dir/<id> (backup.h).  The hint of the segment just
 * sealed is usually not written yet and is not waited for: loading that
 * backup scans that one segment instead.  The result is published before
 * old backups are pruned, which is cleanup.
 *
 * Why the list stays valid while the thread works: the only thing that
 * deletes sealed segments is compaction, and none starts while a snapshot
 * is queued or running (storeCompactStart refuses, callers schedule); and
 * a snapshot never starts while a compaction runs.  Writes go on into the
 * new active segment, which the backup does not include. */
#include "store/store_internal.h"

#include "lib/alloc.h"
#include "store/backup.h"
#include "store/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void snapshotJobFree(snapshotJob *job) {
    if (!job) return;
    backupManifestFree(&job->m);
    xfree(job->segIds);
    xfree(job->backupDir);
    xfree(job);
}

int storeSnapshotRunning(store *s) {
    if (!s->syncInit) return 0;
    pthread_mutex_lock(&s->syncLock);
    int running = s->snap && s->snap->state != SNAP_DONE;
    pthread_mutex_unlock(&s->syncLock);
    return running;
}

int storeSnapshotPoll(store *s, storeSnapshotResult *r) {
    if (!s->syncInit) return 0;
    snapshotJob *done = NULL;
    int got = 0;
    pthread_mutex_lock(&s->syncLock);
    snapshotJob *job = s->snap;
    if (job && job->resultReady && !job->resultTaken) {
        *r = job->result;
        job->resultTaken = got = 1;
    }
    if (job && job->state == SNAP_DONE && job->resultTaken) {
        done = job;
        s->snap = NULL;
    }
    pthread_mutex_unlock(&s->syncLock);
    snapshotJobFree(done);
    return got;
}

void storeSnapshotWait(store *s) {
    while (storeSnapshotRunning(s)) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

/* Links dir/seg-<id><ext> into the backup (if it exists, for hints) and
 * adds it to the manifest.  0 or -1. */
static int linkSegmentFile(store *s, snapshotJob *job, const char *tmp, uint64_t id,
                           const char *ext, int optional, char *err, size_t errlen) {
    char *src = segmentPath(s->dir, id, ext);
    char *dst = segmentPath(tmp, id, ext);
    struct stat st;
    int rc = 0;
    if (stat(src, &st) < 0) {
        if (!(optional && errno == ENOENT)) {
            segmentErrorf(err, errlen, "%s: %s", src, strerror(errno));
            rc = -1;
        }
    } else if (backupLinkOrCopy(src, dst, err, errlen) < 0) {
        rc = -1;
    } else {
        const char *name = strrchr(dst, '/');
        backupManifestAddFile(&job->m, name ? name + 1 : dst, (uint64_t)st.st_size);
        if (job->delayUs) usleep((useconds_t)job->delayUs);
    }
    xfree(src);
    xfree(dst);
    return rc;
}

/* Builds backup-dir/<id>.tmp with every file and the MANIFEST, durably,
 * then publishes it by renaming to backup-dir/<id>.  On failure the
 * temporary directory is removed (what cannot be removed now goes at the
 * next snapshot or start: it is never listed). */
static int writeBackup(store *s, snapshotJob *job, char *err, size_t errlen) {
    char *tmp = backupPath(job->backupDir, job->m.id, ".tmp");
    char *final = backupPath(job->backupDir, job->m.id, "");
    char ignored[256];
    int rc = backupRemoveTemp(job->backupDir, err, errlen) < 0 ||
                     backupEnsureDir(tmp, err, errlen) < 0
                 ? -1
                 : 0;
    for (size_t i = 0; rc == 0 && i < job->nseg; i++) {
        rc = linkSegmentFile(s, job, tmp, job->segIds[i], ".log", 0, err, errlen);
        if (rc == 0) rc = linkSegmentFile(s, job, tmp, job->segIds[i], ".hint", 1, err, errlen);
    }
    if (rc == 0) rc = segmentSyncDir(tmp, err, errlen);
    if (rc == 0) {
        size_t len;
        char *text = backupManifestEncode(&job->m, &len);
        rc = backupWriteFileDurable(tmp, BACKUP_MANIFEST, text, len, err, errlen);
        xfree(text);
    }
    if (rc == 0 && rename(tmp, final) < 0) {
        segmentErrorf(err, errlen, "rename %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0) rc = segmentSyncDir(job->backupDir, err, errlen);
    if (rc < 0) backupRemoveDir(tmp, ignored, sizeof(ignored));
    xfree(tmp);
    xfree(final);
    return rc;
}

/* The segment sealed for the snapshot was sealed without its fsync (to
 * keep it off the event loop): done here, before anything links it. */
static int syncSealedSegment(store *s, uint64_t id, char *err, size_t errlen) {
    if (!id) return 0;
    char *path = segmentPath(s->dir, id, ".log");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc = fd >= 0 && segmentFsyncFd(fd, 1) == 0 ? 0 : -1;
    if (rc < 0) segmentErrorf(err, errlen, "fsync %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    xfree(path);
    return rc;
}

/* Makes the result visible to storeSnapshotPoll. */
static void publishResult(store *s, snapshotJob *job) {
    job->result.endMs = storeWallMs();
    pthread_mutex_lock(&s->syncLock);
    job->resultReady = 1;
    pthread_mutex_unlock(&s->syncLock);
}

void snapshotRunJob(store *s, snapshotJob *job) {
    storeSnapshotResult *r = &job->result;
    r->id = job->m.id;
    r->seq = job->m.seq;
    int ok = syncSealedSegment(s, job->syncSegId, r->error, sizeof(r->error)) == 0 &&
             writeBackup(s, job, r->error, sizeof(r->error)) == 0;
    r->ok = ok;
    publishResult(s, job);
    if (ok) {
        /* after the result: the snapshot is complete, pruning is cleanup */
        char err[256];
        int pruned = backupPrune(job->backupDir, job->keep, err, sizeof(err));
        if (pruned < 0)
            storeLogf(s, STORE_LOG_WARNING, "Can't delete old backups: %s", err);
        else if (pruned > 0)
            storeLogf(s, STORE_LOG_NOTICE, "Deleted %d old backup(s) (backup-keep %d)", pruned,
                      job->keep);
    }
}

/* Keys in every database (expired ones not yet deleted included). */
static uint64_t countKeys(store *s) {
    uint64_t keys = 0;
    for (int db = 0; db < s->dbCount; db++) keys += keydirSize(s->kd[db]);
    return keys;
}

/* Seals the active segment unless it holds no record yet (then the
 * backup simply ends with the segment before it); *sealed is the id of
 * the segment sealed, whose fsync the job owes (0 if none). */
static int sealForSnapshot(store *s, uint64_t *sealed, char *err, size_t errlen) {
    *sealed = 0;
    if (storeFlushWrites(s) != STORE_OK) { /* the writes before BGSAVE belong in it */
        snprintf(err, errlen, "can't write the pending records: %s", storeLastWriteError(s));
        return -1;
    }
    if (segmentSize(storeActive(s)) <= SEGMENT_HEADER_SIZE) return 0;
    uint64_t id = storeActive(s)->id;
    if (storeRotateTo(s, id + 1, 1, 1) < 0) {
        snprintf(err, errlen, "can't seal the active segment: %s", s->lastError);
        return -1;
    }
    *sealed = id;
    return 0;
}

/* Waits for a finished snapshot's pruning of old backups, if that is all
 * that still runs. */
static void waitForPruning(store *s) {
    pthread_mutex_lock(&s->syncLock);
    int pruning = s->snap && s->snap->resultReady && s->snap->state != SNAP_DONE;
    pthread_mutex_unlock(&s->syncLock);
    if (pruning) storeSnapshotWait(s);
}

int storeSnapshotStart(store *s, const storeSnapshotOptions *o, uint64_t *id, uint64_t *seq,
                       char *err, size_t errlen) {
    waitForPruning(s);
    if (storeSnapshotRunning(s)) {
        snprintf(err, errlen, "a snapshot is already being taken");
        return -1;
    }
    if (s->compact) {
        snprintf(err, errlen, "a compaction is running");
        return -1;
    }
    if (s->inBatch) {
        snprintf(err, errlen, "a batch is open");
        return -1;
    }
    uint64_t sealed;
    if (backupEnsureDir(o->backupDir, err, errlen) < 0 ||
        sealForSnapshot(s, &sealed, err, errlen) < 0)
        return -1;
    storeSnapshotResult unclaimed;
    storeSnapshotPoll(s, &unclaimed); /* a finished job nobody asked about */
    snapshotJob *job = xcalloc(1, sizeof(*job));
    job->syncSegId = sealed;
    job->m.id = backupNextId(o->backupDir);
    job->m.timeMs = storeWallMs();
    job->m.seq = s->nextSeq - 1;
    job->m.keys = countKeys(s);
    job->m.dataDir = xstrdup(o->dataDirAbs ? o->dataDirAbs : s->dir);
    job->nseg = s->nsegs - 1;
    job->m.lastSegment = storeActive(s)->id - 1;
    job->segIds = xmalloc(sizeof(uint64_t) * (job->nseg ? job->nseg : 1));
    for (size_t i = 0; i < job->nseg; i++) job->segIds[i] = s->segs[i]->id;
    job->backupDir = xstrdup(o->backupDir);
    job->keep = o->keep;
    job->delayUs = o->delayUsPerFile;
    job->result.startMs = job->m.timeMs;
    *id = job->m.id;
    *seq = job->m.seq;
    if (s->syncThreadRunning) {
        bgQueueSnapshot(s, job);
    } else { /* no background thread: do it here */
        snapshotRunJob(s, job);
        job->state = SNAP_DONE; /* nothing else sees the job yet */
        pthread_mutex_lock(&s->syncLock);
        s->snap = job;
        pthread_mutex_unlock(&s->syncLock);
    }
    return 0;
}
