/* store/store_bg.c -- the store's background thread: once a second it
 * fdatasyncs the active segment (appendfsync everysec), it writes the hint
 * files of freshly sealed segments, and it links snapshots (snapshot.c), so
 * that neither an fsync nor a scan of a whole segment ever runs on the
 * caller's thread.
 *
 * The thread shares only syncFd, hintJobs and stats.lastFsyncMs with the
 * owner, under syncLock, and never holds the lock across I/O.  It reads
 * sealed segments through its own file descriptors, so a segment that
 * compaction deletes meanwhile is never touched through a closed fd; a
 * hint written for a segment deleted in between is removed again here
 * (and at the next start, as an orphan).
 *
 * It also starts the verification thread (verify.h) and tells it of every
 * new active segment, which is when the previous one became sealed. */
#include "store/store_internal.h"

#include "store/hint.h"
#include "store/recovery.h"

#include "lib/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Writes the hint of sealed segment 'id', unless it is gone.  A rotation
 * seals a segment without its fsync (storeRotateTo), so it is synced here
 * first: a hint never describes records that are not on disk. */
static void writeHint(store *s, uint64_t id) {
    char err[256];
    segment *seg = segmentOpen(s->dir, id, SEGMENT_OPEN_READ, err, sizeof(err));
    if (!seg) return; /* deleted by compaction already: no hint needed */
    if (segmentFsyncFd(seg->fd, 1) != 0) {
        storeLogf(s, STORE_LOG_WARNING, "Can't sync sealed segment %llu: %s (no hint written)",
                  (unsigned long long)id, strerror(errno));
        segmentClose(seg);
        return;
    }
    recoveryOptions ro = {0};
    int rc = hintWriteForSegment(seg, &ro, err, sizeof(err));
    segmentClose(seg);
    if (rc < 0) return; /* startup scans a segment without a hint */
    if (segmentFileExists(s->dir, id, ".log")) return;
    char *hint = segmentPath(s->dir, id, ".hint");
    unlink(hint);
    xfree(hint);
}

/* The name of a segment created by a rotation (segmentCreateUnsynced):
 * the file was fsynced just before, the directory is now. */
static void syncActiveName(store *s) {
    char err[256];
    if (segmentSyncDir(s->dir, err, sizeof(err)) != 0)
        storeLogf(s, STORE_LOG_WARNING, "Can't sync the data directory: %s", err);
}

/* A queued snapshot runs before any queued hint: the hint of the segment
 * it just sealed is not waited for (a backup's newest segment may lack
 * one; loading it scans the segment instead). */
static int snapshotReady(store *s) { return s->snap && s->snap->state == SNAP_QUEUED; }

/* Runs the ready snapshot job; called and returns with syncLock held. */
static void runSnapshot(store *s) {
    snapshotJob *job = s->snap;
    job->state = SNAP_RUNNING;
    pthread_mutex_unlock(&s->syncLock);
    snapshotRunJob(s, job); /* sets resultReady under the lock */
    pthread_mutex_lock(&s->syncLock);
    job->state = SNAP_DONE;
}

static void *bgThreadMain(void *arg) {
    store *s = arg;
    pthread_mutex_lock(&s->syncLock);
    while (!s->stopSync || s->nhintJobs > 0 || snapshotReady(s) || s->activeNameJob) {
        if (snapshotReady(s)) {
            runSnapshot(s);
            continue;
        }
        if (s->nhintJobs == 0 && !s->activeNameJob) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&s->syncCond, &s->syncLock, &ts);
            if (s->stopSync && s->nhintJobs == 0 && !snapshotReady(s) && !s->activeNameJob)
                break;
            if (snapshotReady(s)) continue;
        }
        int nameJob = s->activeNameJob && s->syncFd >= 0;
        s->activeNameJob = 0;
        int fd = (s->fsyncPolicy == STORE_FSYNC_EVERYSEC || nameJob) && s->syncFd >= 0
                     ? dup(s->syncFd) : -1;
        uint64_t job = 0;
        int haveJob = s->nhintJobs > 0;
        if (haveJob) {
            job = s->hintJobs[0];
            memmove(s->hintJobs, s->hintJobs + 1, sizeof(uint64_t) * --s->nhintJobs);
        }
        pthread_mutex_unlock(&s->syncLock);
        int synced = fd >= 0 && segmentFsyncFd(fd, !nameJob) == 0;
        if (fd >= 0) close(fd);
        if (nameJob) syncActiveName(s);
        if (haveJob) writeHint(s, job);
        pthread_mutex_lock(&s->syncLock);
        if (haveJob) s->hintJobsDone++;
        if (synced) s->stats.lastFsyncMs = storeWallMs();
    }
    pthread_mutex_unlock(&s->syncLock);
    return NULL;
}

void bgSyncActiveName(store *s) {
    pthread_mutex_lock(&s->syncLock);
    s->activeNameJob = 1;
    pthread_cond_signal(&s->syncCond);
    pthread_mutex_unlock(&s->syncLock);
}

/* Points the thread at the active segment (a dup of its fd, so the
 * thread never syncs a closed or reused descriptor). */
void bgTrackActive(store *s) {
    int fd = dup(s->segs[s->nsegs - 1]->fd);
    pthread_mutex_lock(&s->syncLock);
    if (s->syncFd >= 0) close(s->syncFd);
    s->syncFd = fd;
    pthread_mutex_unlock(&s->syncLock);
    verifierNoteActive(s->verify, s->segs[s->nsegs - 1]->id);
}

void bgQueueHint(store *s, uint64_t segId) {
    pthread_mutex_lock(&s->syncLock);
    if (s->nhintJobs == s->hintJobsCap) {
        s->hintJobsCap = s->hintJobsCap ? s->hintJobsCap * 2 : 8;
        s->hintJobs = xrealloc(s->hintJobs, sizeof(uint64_t) * s->hintJobsCap);
    }
    s->hintJobs[s->nhintJobs++] = segId;
    s->hintJobsQueued++;
    pthread_cond_signal(&s->syncCond);
    pthread_mutex_unlock(&s->syncLock);
}

void bgQueueSnapshot(store *s, snapshotJob *job) {
    pthread_mutex_lock(&s->syncLock);
    job->state = SNAP_QUEUED;
    s->snap = job;
    pthread_cond_signal(&s->syncCond);
    pthread_mutex_unlock(&s->syncLock);
}

void bgThreadStart(store *s) {
    pthread_mutex_init(&s->syncLock, NULL);
    pthread_cond_init(&s->syncCond, NULL);
    s->syncInit = 1;
    bgTrackActive(s);
    if (pthread_create(&s->syncThread, NULL, bgThreadMain, s) == 0)
        s->syncThreadRunning = 1;
    else
        storeLogf(s, STORE_LOG_WARNING, "Can't start the background thread: %s",
                  strerror(errno));
    verifierStart(s->verify, s->segs[s->nsegs - 1]->id);
}

void storeWaitHints(store *s) {
    for (;;) {
        pthread_mutex_lock(&s->syncLock);
        int pending = s->hintJobsDone < s->hintJobsQueued;
        pthread_mutex_unlock(&s->syncLock);
        if (!pending) return;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
}

/* Stops the thread once the hints queued so far are written (a crash
 * loses them instead: the next start writes the hints that are missing). */
void bgThreadStop(store *s) {
    pthread_mutex_lock(&s->syncLock);
    s->stopSync = 1;
    pthread_cond_signal(&s->syncCond);
    pthread_mutex_unlock(&s->syncLock);
    if (s->syncThreadRunning) pthread_join(s->syncThread, NULL);
    if (s->syncFd >= 0) close(s->syncFd);
    xfree(s->hintJobs);
    if (s->snap) snapshotJobFree(s->snap);
    s->snap = NULL;
    pthread_mutex_destroy(&s->syncLock);
    pthread_cond_destroy(&s->syncCond);
}
