/* store/store.c -- the engine that ties segments, records and key directories
 * together.  See store.h for the contract and store_internal.h for the
 * invariants. */
#include "store/store_internal.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/crc32c.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/replay.h"
#include "store/restore.h"
#include "store/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int64_t storeWallMs(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The open segment with this id (binary search of segs, then the
 * announced outputs of a running merge), or NULL. */
segment *storeSegmentById(store *s, uint64_t id) {
    /* most reads are of recent writes: the active segment first */
    if (s->nsegs && s->segs[s->nsegs - 1]->id == id) return s->segs[s->nsegs - 1];
    size_t lo = 0, hi = s->nsegs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->segs[mid]->id == id) return s->segs[mid];
        if (s->segs[mid]->id < id) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = 0; i < s->ncompactOut; i++)
        if (s->compactOut[i]->id == id) return s->compactOut[i];
    return NULL;
}

static void addSegment(store *s, segment *seg) {
    s->segs = xrealloc(s->segs, sizeof(segment *) * (s->nsegs + 1));
    s->segs[s->nsegs++] = seg;
}

/* ------------------------------------------------------------ loading */

/* A scan's records wait here until a batch is full (or the scan ends),
 * then go through the replay's batch path like a hint's: a scan's keys
 * are valid only during its callback, so they are copied into 'keys'
 * (keyAt[i] is item i's key's offset there). */
#define LOAD_KEYS_FLUSH (1 << 20) /* a batch of big keys goes early */
typedef struct loadContext {
    store *s;
    replayState rp;
    recoveryItem pending[REPLAY_BATCH_MAX];
    size_t keyAt[REPLAY_BATCH_MAX];
    size_t npending;
    char *keys;
    size_t keysLen, keysCap;
    segment *lastSeg;       /* countLoadBytes's cache */
} loadContext;

/* Live-bytes accounting: 'bytes' of segment segId start or stop being
 * held by a key, in the store and in the segment. */
static void countSegBytes(store *s, segment *seg, uint64_t bytes, int add) {
    if (add) {
        s->liveBytes += bytes;
        if (seg) seg->liveBytes += bytes;
    } else {
        s->liveBytes -= bytes;
        if (seg) seg->liveBytes -= bytes;
    }
}

void storeCountBytes(store *s, uint32_t segId, uint64_t bytes, int add) {
    countSegBytes(s, storeSegmentById(s, segId), bytes, add);
}

/* countBytes for the loader: records come segment by segment, so the
 * last segment found is nearly always the next one asked for. */
static void countLoadBytes(void *ctx, uint32_t segId, uint64_t bytes, int add) {
    loadContext *lc = ctx;
    if (lc->lastSeg == NULL || lc->lastSeg->id != segId)
        lc->lastSeg = storeSegmentById(lc->s, segId);
    countSegBytes(lc->s, lc->lastSeg, bytes, add);
}

static void countBytesCb(void *ctx, uint32_t segId, uint64_t bytes, int add) {
    storeCountBytes(ctx, segId, bytes, add);
}

/* A plain record at loc (key length klen) starts or stops counting. */
static void countLive(store *s, const keydirLoc *loc, size_t klen, int add) {
    storeCountBytes(s, loc->segment, recordEncodedSize(klen, loc->valueLen), add);
}

/* Every record e's key holds (one, or its whole chain). */
static void entryCountLive(store *s, const keydirEntry *e, int add) {
    replayCountEntry(e, countBytesCb, s, add);
}

static void dropLive(store *s, keydirEntry *e) {
    if (e) entryCountLive(s, e, 0);
}

static void flushKeydirAccounting(store *s, int db) {
    keydirIterator it;
    keydirIterInit(&it, s->kd[db]);
    keydirEntry *e;
    while ((e = keydirIterNext(&it))) dropLive(s, e);
    keydirIterRelease(&it);
    keydirEmpty(s->kd[db]);
}

/* Recovery met a patch it cannot apply (replay.h): a damage report. */
static void reportPatch(void *ctx, const recoveryItem *it, const char *why) {
    store *s = ((loadContext *)ctx)->s;
    s->stats.damageReports++;
    storeLogf(s, STORE_LOG_WARNING, "Segment %llu offset %llu: %s; key dropped, not served",
              (unsigned long long)it->segId, (unsigned long long)it->offset, why);
}

/* Applies one recovered record (replay.h has the rules). */
static int applyRecovered(void *ctx, const recoveryItem *it) {
    loadContext *lc = ctx;
    store *s = lc->s;
    const recordHeader *h = &it->hdr;
    if (h->seq > KEYDIR_SEQ_MAX) {
        storeLogf(s, STORE_LOG_WARNING, "Record with an impossible sequence number at "
                  "segment %llu offset %llu skipped", (unsigned long long)it->segId,
                  (unsigned long long)it->offset);
        return 0;
    }
    if (h->seq >= s->nextSeq) s->nextSeq = h->seq + 1;
    replayApply(&lc->rp, it);
    return 0;
}

/* Applies the records a scan queued (queueRecovered). */
static void flushRecovered(loadContext *lc) {
    for (size_t i = 0; i < lc->npending; i++) {
        recoveryItem *it = &lc->pending[i];
        it->key = lc->keys + lc->keyAt[i];
        if (it->value) it->value = it->key + it->hdr.keylen; /* copied after the key */
    }
    replayApplyBatch(&lc->rp, lc->pending, NULL, lc->npending);
    lc->npending = 0;
    lc->keysLen = 0;
}

/* A scan's callback: queues the record for flushRecovered, which the
 * loader calls when the scan returns. */
static int queueRecovered(void *ctx, const recoveryItem *it) {
    loadContext *lc = ctx;
    store *s = lc->s;
    if (it->hdr.seq > KEYDIR_SEQ_MAX) return applyRecovered(ctx, it); /* reports it */
    if (it->hdr.seq >= s->nextSeq) s->nextSeq = it->hdr.seq + 1;
    size_t klen = it->hdr.keylen, vlen = it->value ? it->hdr.vallen : 0;
    if (lc->keysLen + klen + vlen > lc->keysCap) {
        lc->keysCap = (lc->keysLen + klen + vlen) * 2;
        lc->keys = xrealloc(lc->keys, lc->keysCap);
    }
    if (klen) memcpy(lc->keys + lc->keysLen, it->key, klen);
    if (vlen) memcpy(lc->keys + lc->keysLen + klen, it->value, vlen);
    lc->keyAt[lc->npending] = lc->keysLen;
    lc->pending[lc->npending++] = *it;
    lc->keysLen += klen + vlen;
    if (lc->npending == REPLAY_BATCH_MAX || lc->keysLen >= LOAD_KEYS_FLUSH) flushRecovered(lc);
    return 0;
}

/* applyRecovered for a batch of hint entries (hint.h), through the
 * replay's batch path; hashes (NULL or the loader's) go along. */
static int applyRecoveredBatch(void *ctx, const recoveryItem *items, const uint64_t *hashes,
                               size_t n) {
    loadContext *lc = ctx;
    store *s = lc->s;
    for (size_t i = 0; i < n; i++) {
        uint64_t seq = items[i].hdr.seq;
        if (seq > KEYDIR_SEQ_MAX) {
            /* rare: apply around it, and let applyRecovered report it */
            replayApplyBatch(&lc->rp, items, hashes, i);
            applyRecovered(ctx, &items[i]);
            return applyRecoveredBatch(ctx, items + i + 1, hashes ? hashes + i + 1 : NULL,
                                       n - i - 1);
        }
        if (seq >= s->nextSeq) s->nextSeq = seq + 1;
    }
    replayApplyBatch(&lc->rp, items, hashes, n);
    return 0;
}

/* Pre-sizes each key directory for every entry the open hints hold for
 * it, so that loading them never rehashes (a rehash during a load
 * touches every key twice, and each lookup then reads two tables).  An
 * upper bound: overwritten keys count once per record; fitKeydirs takes
 * back what is far too much after the load. */
static void presizeKeydirs(store *s, const hintSlot *sh, size_t n) {
    for (int db = 0; db < s->dbCount; db++) {
        uint64_t want = keydirSize(s->kd[db]);
        for (size_t i = 0; i < n; i++)
            if (sh[i].rc == HINT_OK && (size_t)db < sh[i].hf.ndb)
                want += sh[i].hf.dbEntries[db];
        if (want > keydirSize(s->kd[db])) keydirExpandForLoad(s->kd[db], (size_t)want);
    }
}

/* After a load: a key directory with at least four buckets per key
 * (presizeKeydirs over a log of many overwrites) starts shrinking to
 * its size, a rehash that later operations finish (keydir.h). */
static void fitKeydirs(store *s) {
    for (int db = 0; db < s->dbCount; db++) {
        keydir *kd = s->kd[db];
        size_t keys = keydirSize(kd);
        if (keys == 0 && keydirBuckets(kd) > 0) keydirEmpty(kd);
        else if (keydirBuckets(kd) > 1024 && keydirBuckets(kd) / 4 >= keys) keydirExpand(kd, keys);
    }
}

/* Opens the newest segment for recovery as the active one, or, when its
 * header is damaged and bytes follow it (recovery.h, "The newest
 * segment"), read-only as a sealed one: then *startAfter is set, and
 * storeOpen starts a new segment after it, so nothing is ever appended
 * to the damaged file.  NULL on error. */
static segment *openNewest(store *s, uint64_t id, int *startAfter, char *err,
                           size_t errlen) {
    *startAfter = 0;
    segment *seg = segmentOpen(s->dir, id, SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER, err,
                               errlen);
    if (!seg || recoveryClassifyHeader(seg) != RECOVERY_HEADER_DAMAGED) return seg;
    storeLogf(s, STORE_LOG_WARNING,
              "Segment %s has a damaged header (%s) with %llu bytes after it: its records "
              "are loaded where they check out, the file is kept as it is (redis-kv-check "
              "reads it), and new writes go to a new segment after it",
              seg->path, seg->headerError, (unsigned long long)segmentSize(seg));
    segmentClose(seg);
    *startAfter = 1;
    return segmentOpen(s->dir, id, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER, err, errlen);
}

/* Loads sealed segment seg, slot i of the loader (NULL: sh was opened
 * alone): from its hint when sh->rc is HINT_OK, else by a scan (and then
 * writes its hint, for the next restart).  A hint opened alone is closed
 * here; a loader's slots stay open until the loader is finished. */
static int loadSealed(store *s, segment *seg, hintLoader *hl, size_t i, hintSlot *sh,
                      const recoveryOptions *ro, loadContext *lc, recoveryResult *res,
                      char *err, size_t errlen) {
    if (sh->rc == HINT_OK) {
        int rc = hl ? hintLoaderDeliver(hl, i, applyRecoveredBatch, lc, res, err, errlen)
                    : hintDeliver(&sh->hf, applyRecoveredBatch, lc, res, err, errlen);
        if (!hl) hintClose(&sh->hf);
        return rc == HINT_OK ? 0 : -1;
    }
    if (hintScanInstead(seg, ro, sh->rc, sh->err, queueRecovered, lc, res, err, errlen) < 0)
        return -1;
    flushRecovered(lc);
    verifierSkip(s->verify, seg->id);
    /* A sealed segment without a usable hint (crash right after sealing,
     * or a damaged hint) gets one now, for the next restart.  Its scan
     * was just logged: the hint's scan is quiet. */
    char herr[256];
    recoveryOptions quiet = *ro;
    quiet.log = NULL;
    if (hintWriteForSegment(seg, &quiet, herr, sizeof(herr)) < 0)
        storeLogf(s, STORE_LOG_NOTICE, "No hint for segment %llu: %s",
                  (unsigned long long)seg->id, herr);
    return 0;
}

/* Replays segments ids[0..n) in order; the last one is recovered as the
 * active segment (a torn tail cut, an unwritten header written), unless
 * its header is damaged: then *newId is the id storeOpen must create for
 * the writes to come (0 otherwise).  The sealed segments' hints are all
 * opened and checked first, on two threads (hint.h, hintLoader), so the
 * key directories can be sized for them (presizeKeydirs); delivering
 * them stays on this thread, in id order, while the loader's helper
 * hashes their keys ahead. */
static int recoverSegments(store *s, const storeOptions *opts, uint64_t *ids, size_t n,
                           uint64_t *newId, recoveryResult *res, char *err, size_t errlen) {
    loadContext lc;
    memset(&lc, 0, sizeof(lc));
    lc.s = s;
    lc.rp.kd = s->kd;
    lc.rp.dbCount = s->dbCount;
    lc.rp.dbMap = s->dbMap;
    lc.rp.countLive = countLoadBytes;
    lc.rp.ctx = &lc;
    lc.rp.report = reportPatch;
    lc.rp.limits = &s->collLimits;
    lc.rp.meta = s->meta;
    recoveryOptions ro = {0};
    ro.log = opts->log;
    *newId = 0;
    size_t nsealed = n ? n - 1 : 0;
    hintSlot *sh = xcalloc(nsealed ? nsealed : 1, sizeof(*sh));
    hintLoader *hl = NULL;
    int ret = -1;
    long long t0 = monotonicUs();
    for (size_t i = 0; i < nsealed; i++) {
        segment *seg = segmentOpen(s->dir, ids[i], SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER,
                                   err, errlen);
        if (!seg) goto out;
        addSegment(s, seg);
    }
    hl = hintLoaderStart(s->segs, sh, nsealed);
    long long t1 = monotonicUs();
    presizeKeydirs(s, sh, nsealed);
    long long t2 = monotonicUs();
    for (size_t i = 0; i < nsealed; i++)
        if (loadSealed(s, s->segs[i], hl, i, &sh[i], &ro, &lc, res, err, errlen) < 0) goto out;
    long long t3 = monotonicUs();
    if (n) {
        int startAfter = 0;
        segment *seg = openNewest(s, ids[n - 1], &startAfter, err, errlen);
        if (!seg) goto out;
        if (startAfter && ids[n - 1] >= UINT32_MAX) {
            errno = ERANGE;
            snprintf(err, errlen, "no segment id left after %s", seg->path);
            segmentClose(seg);
            goto out;
        }
        addSegment(s, seg);
        if (startAfter) {
            /* sealed after all: loaded as one */
            *newId = ids[n - 1] + 1;
            hintSlot last;
            memset(&last, 0, sizeof(last));
            last.rc = hintOpen(seg, &last.hf, last.err, sizeof(last.err));
            if (loadSealed(s, seg, NULL, 0, &last, &ro, &lc, res, err, errlen) < 0) goto out;
        } else {
            ro.active = 1;
            if (recoveryScan(seg, &ro, queueRecovered, &lc, res, err, errlen) < 0) goto out;
            flushRecovered(&lc);
        }
    }
    replayFinish(&lc.rp);
    long long t4 = monotonicUs();
    storeLogf(s, STORE_LOG_VERBOSE, "Load phases: hints opened and checked %.1f ms (%s), key "
              "directories sized %.1f ms, sealed segments applied %.1f ms, newest segment "
              "scanned %.1f ms", (t1 - t0) / 1e3, hl && hintLoaderThreaded(hl) ? "two threads" :
              "one thread", (t2 - t1) / 1e3, (t3 - t2) / 1e3, (t4 - t3) / 1e3);
    ret = 0;
out:
    replayDiscard(&lc.rp);
    hintLoaderFinish(hl); /* joins the helper before its mappings go */
    if (hl)
        for (size_t i = 0; i < nsealed; i++)
            if (sh[i].rc == HINT_OK) hintClose(&sh[i].hf);
    xfree(sh);
    xfree(lc.keys);
    return ret;
}

/* Takes an exclusive lock on DIR/LOCK so two servers (or a server and a
 * repair tool) never write the same data set.  Held until storeClose. */
static int lockDataDir(store *s, char *err, size_t errlen) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/LOCK", s->dir);
    s->lockFd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (s->lockFd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(s->lockFd, LOCK_EX | LOCK_NB) < 0) {
        snprintf(err, errlen, "%s: %s (is another redis-kv using this directory?)", path,
                 errno == EWOULDBLOCK ? "locked" : strerror(errno));
        return -1;
    }
    return 0;
}

void storeComputeTotals(store *s) {
    s->totalBytes = 0;
    for (size_t i = 0; i < s->nsegs; i++) s->totalBytes += segmentSize(s->segs[i]);
}

/* Opens (creating if needed) the data set in opts->dir and rebuilds the key
 * directories from hints and segments, validating every checksum.  Damage
 * is reported through opts->log and in the stats; a torn tail of the
 * active segment is cut, and its header written if it never was.  A
 * newest segment whose header is damaged with bytes after it is left as
 * it is and a new active segment started after it (recovery.h, "The
 * newest segment"). */
store *storeOpen(const storeOptions *opts, char *err, size_t errlen) {
    store *s = xcalloc(1, sizeof(*s));
    s->dir = xstrdup(opts->dir);
    s->segmentSize = opts->segmentSize;
    s->fsyncPolicy = opts->fsyncPolicy;
    s->dbCount = opts->dbCount;
    s->log = opts->log;
    static const collLimits defaultCollLimits = COLL_LIMITS_DEFAULT;
    s->collLimits = opts->collLimits.maxPackedEntries ? opts->collLimits : defaultCollLimits;
    s->nextSeq = 1;
    s->syncFd = -1;
    s->lockFd = -1;
    s->compactGarbagePercent = 0;
    s->compactEfd = -1;
    s->stats.lastCompactionOk = 1;
    s->kd = xcalloc((size_t)s->dbCount, sizeof(keydir *));
    s->dbMap = xmalloc(sizeof(int) * (size_t)s->dbCount);
    for (int i = 0; i < s->dbCount; i++) {
        s->kd[i] = keydirCreate();
        s->dbMap[i] = i;
    }
    s->meta = metaTableCreate();
    s->verify = verifierCreate(s->dir, s->log);
    s->compactEfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->compactEfd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        storeClose(s);
        return NULL;
    }
    if (lockDataDir(s, err, errlen) < 0) {
        storeClose(s);
        return NULL;
    }
    long long start = storeWallMs();
    uint64_t *ids = NULL;
    size_t n = 0;
    recoveryResult res;
    recoveryResultInit(&res);
    uint64_t restored = 0;
    if (restoreFinish(s->dir, &restored, err, errlen) < 0) {
        storeClose(s);
        return NULL;
    }
    if (restored)
        storeLogf(s, STORE_LOG_NOTICE, "Restore of backup %llu completed",
                  (unsigned long long)restored);
    uint64_t newId = 0;
    if (segmentRemoveTempFiles(s->dir, err, errlen) < 0 ||
        segmentRemoveOrphanHints(s->dir, err, errlen) < 0 ||
        segmentListIds(s->dir, &ids, &n, err, errlen) < 0 ||
        recoverSegments(s, opts, ids, n, &newId, &res, err, errlen) < 0) {
        xfree(ids);
        recoveryResultFree(&res);
        storeClose(s);
        return NULL;
    }
    if (n == 0) newId = 1;
    if (newId) {
        /* segmentCreate makes the header and the name durable before it
         * returns, so the first append lands after a synced header. */
        segment *seg = segmentCreate(s->dir, newId, err, errlen);
        if (!seg) {
            recoveryResultFree(&res);
            storeClose(s);
            return NULL;
        }
        addSegment(s, seg);
    }
    xfree(ids);
    replayState rp = {.kd = s->kd, .dbCount = s->dbCount, .dbMap = s->dbMap,
                      .countLive = countBytesCb, .ctx = s};
    replayDropExpired(&rp, opts->nowMs);
    fitKeydirs(s);
    if (res.maxSeq >= s->nextSeq) s->nextSeq = res.maxSeq + 1;
    s->stats.recoveryMs = (uint64_t)(storeWallMs() - start);
    s->stats.tornBytes = res.tornBytes;
    s->stats.recordsLoaded = res.recordsApplied;
    s->stats.segmentsFromHints = res.segmentsFromHints;
    s->stats.damageReports += res.damageTotal;
    recoveryResultFree(&res);
    storeComputeTotals(s);
    storeMapAll(s);
    storeMetaLoadValues(s);
    bgThreadStart(s);
    if (storeColdReadStart(s, opts->coldReadThreads, err, errlen) < 0) {
        storeClose(s);
        return NULL;
    }
    return s;
}

static void freeUndo(store *s, int restore);
static void undoBack(store *s, size_t from, int restore);
static int syncSealedByRotation(store *s, char *err, size_t errlen);
static int flushPending(store *s);

void storeClose(store *s) {
    if (!s) return;
    storeColdReadStop(s); /* first: its threads read the segments */
    compactCancelAndWait(s);
    verifierStop(s->verify);
    if (s->inBatch) { /* an unfinished batch is dropped */
        s->inBatch = 0;
        undoBack(s, s->batchUndoStart, 1);
        s->pendLen = s->batchStart;
    }
    flushPending(s);
    if (s->syncInit) bgThreadStop(s);
    char ignored[256];
    if (s->nsegs) {
        syncSealedByRotation(s, ignored, sizeof(ignored));
        segmentSync(storeActive(s), ignored, sizeof(ignored));
        if (s->activeNameUnsynced) segmentSyncDir(s->dir, ignored, sizeof(ignored));
    }
    for (size_t i = 0; i < s->nsegs; i++) segmentClose(s->segs[i]);
    xfree(s->segs);
    for (int i = 0; i < s->dbCount; i++) keydirRelease(s->kd[i]);
    metaTableFree(s->meta);
    /* No tally of this store may outlive it (lazyfree.h) */
    lazyfreeWait(s->lazyfree);
    lazyfreeTakeTallies(s->lazyfree, s, NULL, NULL);
    xfree(s->kd);
    xfree(s->dbMap);
    xfree(s->pendBuf);
    xfree(s->failedEpochs);
    xfree(s->unsyncedSealed);
    xfree(s->undo);
    if (s->lockFd >= 0) close(s->lockFd);
    if (s->compactEfd >= 0) close(s->compactEfd);
    xfree(s->dir);
    xfree(s);
}

keydir *storeKeydir(store *s, int db) { return s->kd[s->dbMap[db]]; }

size_t storePendingMemory(store *s) {
    return s->pendLen + s->nundo * (sizeof(undoStep) + STORE_UNDO_KEY_BYTES);
}
int storeDbCount(store *s) { return s->dbCount; }

/* ------------------------------------------------------------ writes */

/* Notes a failed write.  The first failure after a good write is logged
 * (with the file and reason); later ones only counted, so a full disk does
 * not flood the log. */
static void recordWriteError(store *s, const char *err) {
    int wasOk = s->stats.lastWriteErrno == 0;
    s->stats.writeErrors++;
    s->stats.lastWriteErrno = errno ? errno : EIO;
    s->lastFailureErrno = s->stats.lastWriteErrno;
    snprintf(s->lastError, sizeof(s->lastError), "%s", err);
    if (wasOk) storeLogf(s, STORE_LOG_WARNING, "Error writing to the data file: %s", err);
}

/* Clears the error state after a successful write, logging the recovery. */
static void recordWriteOk(store *s) {
    if (s->stats.lastWriteErrno == 0) return;
    s->stats.lastWriteErrno = 0;
    storeLogf(s, STORE_LOG_WARNING, "Writes to the data file work again.");
}

const char *storeLastWriteError(const store *s) {
    return strerror(s->lastFailureErrno ? s->lastFailureErrno : EIO);
}

/* With syncLater, the fsyncs a rotation owes are left to others: under
 * appendfsync always to the next storeSync (the group commit, before any
 * reply of this iteration leaves: the sealed segment's last records, the
 * new file and the directory); otherwise to the background thread (the
 * hint job syncs the sealed segment before it writes the hint; the new
 * file and the directory are synced at once), within the second that
 * everysec allows. */
static void leaveSyncsForLater(store *s, uint64_t sealedId) {
    if (s->fsyncPolicy != STORE_FSYNC_ALWAYS) {
        bgSyncActiveName(s);
        return;
    }
    if (s->nunsyncedSealed == s->unsyncedSealedCap) {
        s->unsyncedSealedCap = s->unsyncedSealedCap ? s->unsyncedSealedCap * 2 : 4;
        s->unsyncedSealed = xrealloc(s->unsyncedSealed, sizeof(uint64_t) * s->unsyncedSealedCap);
    }
    s->unsyncedSealed[s->nunsyncedSealed++] = sealedId;
    s->activeNameUnsynced = 1;
}

/* Seals the active segment and starts segment nextId.  Without syncLater
 * both are made durable here (the sealed segment fsynced, the new one
 * created with segmentCreate); with it no fsync runs on the caller's
 * thread (leaveSyncsForLater).  The sealed segment's hint file is written
 * by the background thread.  On failure the current segment simply stays
 * active. */
int storeRotateTo(store *s, uint64_t nextId, int wantHint, int syncLater) {
    char err[256];
    if (s->inBatch || flushPending(s) != STORE_OK) {
        snprintf(s->lastError, sizeof(s->lastError), "%s",
                 s->inBatch ? "a batch is being built" : storeLastWriteError(s));
        return -1;
    }
    segment *old = storeActive(s);
    segment *next = syncLater ? segmentCreateUnsynced(s->dir, nextId, err, sizeof(err))
                              : segmentCreate(s->dir, nextId, err, sizeof(err));
    if (!next) {
        snprintf(s->lastError, sizeof(s->lastError), "%s", err);
        storeLogf(s, STORE_LOG_WARNING, "Can't start a new segment: %s", err);
        return -1;
    }
    if (segmentSealSync(old, !syncLater, err, sizeof(err)) < 0) {
        snprintf(s->lastError, sizeof(s->lastError), "%s", err);
        storeLogf(s, STORE_LOG_WARNING, "Can't seal segment %llu: %s",
                  (unsigned long long)old->id, err);
        segmentClose(next);
        segmentRemove(s->dir, nextId, err, sizeof(err));
        return -1;
    }
    if (wantHint) bgQueueHint(s, old->id);
    storeMapSegment(s, old, segmentSize(old));
    addSegment(s, next);
    storeMapSegment(s, next, s->segmentSize);
    s->totalBytes += segmentSize(next);
    bgTrackActive(s);
    if (syncLater) leaveSyncsForLater(s, old->id);
    else s->dirty = 0;
    return 0;
}

/* The rotation of a full segment, in the middle of the event loop's work:
 * no fsync on the way. */
static void rotateSegment(store *s) { storeRotateTo(s, storeActive(s)->id + 1, 1, 1); }

void storeFillHeader(recordHeader *h, int type, int db, size_t klen, size_t vlen,
                     int64_t expireMs, uint64_t seq) {
    memset(h, 0, sizeof(*h));
    h->type = (uint8_t)type;
    h->db = (uint16_t)db;
    h->keylen = (uint32_t)klen;
    h->vallen = (uint32_t)vlen;
    h->expireAt = expireMs;
    h->seq = seq;
    h->timestamp = storeWallMs();
}

uint64_t storeSeqForWrite(const store *s) { return s->inBatch ? s->batchSeq : s->nextSeq; }

void storeSeqWritten(store *s) {
    if (!s->inBatch) s->nextSeq++;
}

uint64_t storeLastSeq(const store *s) { return s->inBatch ? s->batchSeq : s->nextSeq - 1; }

/* Pending writes.  Every record is encoded into pendBuf, at the offset
 * it will have in the active segment, and the key directories point at it
 * at once, so a read in the same event-loop iteration sees it (from the
 * buffer: store_read.c).  storeFlushWrites appends the whole buffer with
 * one write: the server calls it once per iteration, before any reply
 * leaves (storeSetDeferredWrites); without deferral each write flushes
 * itself, as the tools and tests expect.  A batch is built in the buffer
 * too, behind a reserved BEGIN record, and is never flushed half-built. */

/* Room for more bytes at the end of pendBuf. */
static void pendReserve(store *s, size_t more) {
    if (s->pendLen + more <= s->pendCap) return;
    s->pendCap = (s->pendLen + more) * 2;
    s->pendBuf = xrealloc(s->pendBuf, s->pendCap);
}

/* Notes where the pending records start, before the first one. */
static void pendBeginIfEmpty(store *s) {
    if (s->pendLen > 0) return;
    s->pendBase = segmentSize(storeActive(s));
    s->pendSeqStart = s->nextSeq;
}

/* Outside a batch, a write that would start past segment-size (or at or
 * past STORE_MAX_OFFSET, where no record may start: keydir.h) flushes what
 * is pending first, which rotates a full segment: segments stay about
 * segment-size big even when one iteration writes many times that. */
static int makeRoom(store *s, uint64_t size) {
    if (s->inBatch) return STORE_OK;
    uint64_t end = (s->pendLen ? s->pendBase + s->pendLen : segmentSize(storeActive(s)));
    if (end < s->segmentSize && end + size <= STORE_MAX_OFFSET) return STORE_OK;
    int rc = flushPending(s);
    if (rc != STORE_OK) return rc;
    if (segmentSize(storeActive(s)) + size > STORE_MAX_OFFSET) rotateSegment(s);
    return STORE_OK;
}

/* Encodes one record into the pending buffer.  *offset is where it will
 * start in the active segment. */
int storeAppendRecord(store *s, recordHeader *h, const void *key, const void *val,
                      uint64_t *offset) {
    uint64_t size = recordEncodedSize(h->keylen, h->vallen);
    int rc = makeRoom(s, size);
    if (rc != STORE_OK) return rc;
    pendBeginIfEmpty(s);
    pendReserve(s, size);
    recordEncode(s->pendBuf + s->pendLen, h, key, val);
    *offset = s->pendBase + s->pendLen;
    s->pendLen += size;
    if (s->inBatch) s->batchCount++;
    return STORE_OK;
}

/* The end of every write: flushed at once unless writes are deferred or
 * a batch is being built.  On a failed flush the write (and whatever else
 * was pending) is undone and STORE_ERR_WRITE returned. */
int storeAfterWrite(store *s) {
    if (s->inBatch || s->deferWrites) return STORE_OK;
    return flushPending(s);
}

/* A new, zeroed step at the end of the undo log. */
undoStep *storePushUndo(store *s, int db, int kind) {
    if (s->nundo == s->undoCap) {
        s->undoCap = s->undoCap ? s->undoCap * 2 : 16;
        s->undo = xrealloc(s->undo, sizeof(undoStep) * s->undoCap);
    }
    undoStep *u = &s->undo[s->nundo++];
    memset(u, 0, sizeof(*u));
    u->db = db;
    u->kind = kind;
    return u;
}

/* A new undo step of 'kind' for key, with the key's expiry and sequence
 * number if it exists.  Returns the key's entry (NULL if absent). */
static keydirEntry *pushKeyUndo(store *s, int db, int kind, const void *key, size_t klen,
                                undoStep **out) {
    undoStep *u = storePushUndo(s, db, kind);
    u->key = xmalloc(klen ? klen : 1);
    memcpy(u->key, key, klen);
    u->klen = klen;
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (e) {
        u->existed = 1;
        u->expire = keydirEntryExpire(e);
        u->seq = keydirEntrySeq(e);
    }
    *out = u;
    return e;
}

/* Notes how a string key is before a pending write patches it.  Returns
 * its entry (NULL if absent), for the caller's own use. */
static keydirEntry *rememberUndo(store *s, int db, const void *key, size_t klen) {
    undoStep *u;
    keydirEntry *e = pushKeyUndo(s, db, UNDO_KEY, key, klen, &u);
    if (e) {
        keydirEntryLoc(e, &u->loc);
        u->chain = keydirChainCopy(keydirEntryChain(e));
    }
    return e;
}

void storeRememberReplaced(store *s, int db, const void *key, size_t klen) {
    keydirEntry *e = rememberUndo(s, db, key, klen);
    if (!e) return;
    undoStep *u = &s->undo[s->nundo - 1];
    const collection *c = keydirEntryCollection(e);
    u->lazyFree = u->liveDeferred = c && s->freeLazily && s->lazyfree && lazyfreeWorthIt(c);
    if (!u->liveDeferred) dropLive(s, e);
    if (c) u->coll = keydirTakeCollection(s->kd[db], key, klen);
}

void storeSetLazyfree(store *s, lazyfree *lf) { s->lazyfree = lf; }

void storeSetFreeLazily(store *s, int on) { s->freeLazily = on; }

/* lazyfreeTallyFn: the records of a lazily freed value stop being live. */
static void subtractTally(void *ctx, uint32_t segId, uint64_t bytes) {
    store *s = ctx;
    segment *seg = storeSegmentById(s, segId);
    /* A segment is deleted only once it holds no live byte
     * (storeSettleLiveBytes runs first), so it is always there. */
    if (seg) countSegBytes(s, seg, bytes, 0);
}

void storeTakeLazyTallies(store *s) { lazyfreeTakeTallies(s->lazyfree, s, subtractTally, s); }

void storeSettleLiveBytes(store *s) {
    for (size_t i = 0; i < s->nundo; i++) {
        undoStep *u = &s->undo[i];
        if (!u->liveDeferred) continue;
        u->liveDeferred = 0;
        if (u->coll) replayCountCollection(u->coll, u->klen, countBytesCb, s, 0);
        if (!u->savedKeydir) continue;
        keydirIterator it;
        keydirIterInit(&it, u->savedKeydir);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) dropLive(s, e);
        keydirIterRelease(&it);
    }
    lazyfreeWait(s->lazyfree);
    storeTakeLazyTallies(s);
}

int storePut(store *s, int db, const void *key, size_t klen, const void *val, size_t vlen,
             int64_t expireMs) {
    db = s->dbMap[db];
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, RECORD_SET, db, klen, vlen, expireMs, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, key, val, &off);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    storeRememberReplaced(s, db, key, klen);
    keydirLoc loc = {(uint32_t)storeActive(s)->id, (uint32_t)off, (uint32_t)vlen};
    keydirSet(s->kd[db], key, klen, &loc, expireMs, seq, NULL);
    countLive(s, &loc, klen, 1);
    return storeAfterWrite(s);
}

/* Patch records and checkpoints.  A partial write of a key's value is
 * logged as a PATCH record (record.h) naming the key's newest record, and
 * the key's chain (keydir.h) grows by it: the entry points at the newest
 * record, the chain lists them all, and reads assemble the range they are
 * asked for from the records that overlap it (store_read.c).  A chain
 * that grew too long is cut by a checkpoint: the whole new value is
 * written as one SET, which makes every record of the chain garbage.
 *
 * The chain bound (patchChainMax) caps the records a read of the whole
 * value touches (the base and the patches, most of them a few dozen bytes
 * in one mapped segment), and so what a GET of a patched value costs over
 * an unpatched one; it also sets the write saving: with 1-byte patches of
 * a value of V bytes, the log grows by about V / (bound + 1) per write
 * instead of V.  The bound grows with the value, one patch per
 * STORE_PATCH_VALUE_BYTES of it, between STORE_PATCH_CHAIN_MIN and
 * STORE_PATCH_CHAIN_MAX: a 1 MB bitmap takes 1024 one-byte SETBITs per
 * checkpoint (about 1 KB of log per SETBIT instead of 1 MB), its chain
 * costs at most 20 KB of memory (2% of the value), and a GET of it copies
 * 1024 small patches after the megabyte, a few microseconds.  Raising
 * the bounds trades read work and chain memory for log bytes.
 * STORE_PATCH_FRACTION: once the patches hold more than 1/FRACTION of the
 * value's bytes a SET is cheaper to read and hardly dearer to write. */
#define STORE_PATCH_CHAIN_MIN 32
#define STORE_PATCH_CHAIN_MAX 1024
#define STORE_PATCH_VALUE_BYTES 1024
#define STORE_PATCH_FRACTION 4

/* The most patches a chain on a value of valueLen bytes may hold. */
static uint64_t patchChainMax(uint64_t valueLen) {
    uint64_t n = valueLen / STORE_PATCH_VALUE_BYTES;
    if (n < STORE_PATCH_CHAIN_MIN) return STORE_PATCH_CHAIN_MIN;
    return n > STORE_PATCH_CHAIN_MAX ? STORE_PATCH_CHAIN_MAX : n;
}

/* The whole new value (old value, zero-padded, bytes at 'at') as one SET
 * with the key's expiry: a checkpoint.  'db' is logical. */
static int putWholeValue(store *s, int db, keydirEntry *e, const void *key, size_t klen,
                         size_t at, const void *bytes, size_t len) {
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    size_t newLen = at + len > loc.valueLen ? at + len : loc.valueLen;
    char *buf = xmalloc(newLen ? newLen : 1);
    int rc = storeReadValue(s, e, 0, loc.valueLen, buf);
    if (rc == STORE_OK) {
        if (at > loc.valueLen) memset(buf + loc.valueLen, 0, at - loc.valueLen);
        memcpy(buf + at, bytes, len);
        rc = storePut(s, db, key, klen, buf, newLen, keydirEntryExpire(e));
    }
    xfree(buf);
    return rc;
}

int storeSetRange(store *s, int db, const void *key, size_t klen, size_t at, const void *bytes,
                  size_t len) {
    int pdb = s->dbMap[db];
    keydirEntry *e = keydirLookup(s->kd[pdb], key, klen);
    if (!e) return STORE_MISSING;
    if (keydirEntryCollection(e)) return STORE_WRONGTYPE;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    uint64_t newLen = (uint64_t)at + len > loc.valueLen ? (uint64_t)at + len : loc.valueLen;
    const keydirChain *c = keydirEntryChain(e);
    uint64_t patches = c ? c->n - 1 : 0, patched = c ? c->patchedBytes : 0;
    if (patches >= patchChainMax(loc.valueLen) || newLen > UINT32_MAX ||
        RECORD_PATCH_HEADER_SIZE + len >= newLen ||
        (patched + len) * STORE_PATCH_FRACTION > newLen)
        return putWholeValue(s, db, e, key, klen, at, bytes, len);

    recordPatch p = {keydirEntrySeq(e), (uint32_t)at, (uint32_t)newLen};
    size_t flen = RECORD_PATCH_HEADER_SIZE + klen;
    char small[256];
    char *field = flen <= sizeof(small) ? small : xmalloc(flen);
    recordEncodePatch(field, &p);
    if (klen) memcpy(field + RECORD_PATCH_HEADER_SIZE, key, klen);
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, RECORD_PATCH, pdb, flen, len, 0, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, field, bytes, &off);
    if (field != small) xfree(field);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    rememberUndo(s, pdb, key, klen);
    keydirChainRec base = {loc.segment, loc.offset, (uint32_t)recordEncodedSize(klen, loc.valueLen),
                           0, loc.valueLen};
    keydirChainRec rec = {(uint32_t)storeActive(s)->id, (uint32_t)off,
                          (uint32_t)recordEncodedSize(flen, len), (uint32_t)at, (uint32_t)len};
    keydirAppendPatch(s->kd[pdb], key, klen, &base, &rec, (uint32_t)newLen, seq);
    storeCountBytes(s, rec.segment, rec.recordSize, 1);
    return storeAfterWrite(s);
}

int storeDelete(store *s, int db, const void *key, size_t klen) {
    db = s->dbMap[db];
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (!e) return STORE_MISSING;
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, RECORD_DEL, db, klen, 0, 0, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, key, NULL, &off);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    storeRememberReplaced(s, db, key, klen);
    keydirDelete(s->kd[db], key, klen);
    return storeAfterWrite(s);
}

int storeSetExpire(store *s, int db, const void *key, size_t klen, int64_t expireMs) {
    db = s->dbMap[db];
    if (!keydirLookup(s->kd[db], key, klen)) return STORE_MISSING;
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, RECORD_EXPIRE, db, klen, 0, expireMs, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, key, NULL, &off);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    undoStep *u;
    pushKeyUndo(s, db, UNDO_EXPIRE, key, klen, &u);
    keydirSetExpire(s->kd[db], key, klen, expireMs);
    return storeAfterWrite(s);
}

/* Moves database db's keys into a new UNDO_FLUSH step.  Freed lazily
 * (with a thread to do it) their live bytes are left to it; otherwise
 * they stop counting here, one by one. */
static void rememberFlush(store *s, int db) {
    undoStep *u = storePushUndo(s, db, UNDO_FLUSH);
    u->lazyFree = u->liveDeferred = s->freeLazily && s->lazyfree;
    if (!u->liveDeferred) {
        keydirIterator it;
        keydirIterInit(&it, s->kd[db]);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) dropLive(s, e);
        keydirIterRelease(&it);
    }
    u->savedKeydir = keydirCreate();
    keydirSwap(u->savedKeydir, s->kd[db]);
}

/* FLUSHDB (db >= 0) or FLUSHALL (db == -1), as one durable record. */
int storeFlush(store *s, int db) {
    if (db >= 0) db = s->dbMap[db];
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, db < 0 ? RECORD_FLUSHALL : RECORD_FLUSHDB, db < 0 ? 0 : db, 0, 0, 0, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, NULL, NULL, &off);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    for (int i = 0; i < s->dbCount; i++)
        if (db < 0 || i == db) rememberFlush(s, i);
    return storeAfterWrite(s);
}

/* SWAPDB: logical databases a and b exchange their contents (their
 * physical key directories), as one record. */
int storeSwapDb(store *s, int a, int b) {
    char key[4];
    recordPutU16(key, (uint16_t)a);
    recordPutU16(key + 2, (uint16_t)b);
    recordHeader h;
    uint64_t seq = storeSeqForWrite(s);
    storeFillHeader(&h, RECORD_SWAPDB, 0, sizeof(key), 0, 0, seq);
    uint64_t off;
    int rc = storeAppendRecord(s, &h, key, NULL, &off);
    if (rc != STORE_OK) return rc;
    storeSeqWritten(s);
    undoStep *u = storePushUndo(s, a, UNDO_SWAP);
    u->db2 = b;
    int t = s->dbMap[a];
    s->dbMap[a] = s->dbMap[b];
    s->dbMap[b] = t;
    return storeAfterWrite(s);
}

/* ------------------------------------------------------------ batches */

void storeBatchBegin(store *s) {
    pendBeginIfEmpty(s);
    s->inBatch = 1;
    s->batchStart = s->pendLen;
    s->batchCount = 0;
    s->batchSeq = s->nextSeq;
    s->batchUndoStart = s->nundo;
    /* The BEGIN record, written at commit when its count is known. */
    pendReserve(s, RECORD_HEADER_SIZE + RECORD_BATCH_COUNT_SIZE);
    s->pendLen += RECORD_HEADER_SIZE + RECORD_BATCH_COUNT_SIZE;
}

int storeInBatch(const store *s) { return s->inBatch; }

/* Puts a key back as an UNDO_KEY step saw it: its value (with its chain)
 * or its collection (which goes back to the keydir), or absent. */
static void restoreKey(store *s, undoStep *u) {
    keydir *kd = s->kd[u->db];
    dropLive(s, keydirLookup(kd, u->key, u->klen));
    if (!u->existed) {
        keydirDelete(kd, u->key, u->klen);
        return;
    }
    keydirEntry *e;
    if (u->coll) {
        e = keydirSetCollection(kd, u->key, u->klen, u->coll, u->expire, u->seq, NULL);
        u->coll = NULL;
    } else if (u->chain) {
        e = keydirSetChain(kd, u->key, u->klen, u->chain, u->loc.valueLen, u->expire, u->seq);
    } else {
        e = keydirSet(kd, u->key, u->klen, &u->loc, u->expire, u->seq, NULL);
    }
    if (!u->liveDeferred) entryCountLive(s, e, 1); /* else never stopped counting */
}

/* Releases the undo steps from 'from' on; with restore, first puts every
 * key (and flushed database) they name back the way it was, newest step
 * first.  What a released step still owns (a deleted collection, a
 * flushed keydir) is freed, through the lazy-free thread when the step
 * was marked so.  freeUndo: the whole log. */
static void undoBack(store *s, size_t from, int restore) {
    for (size_t i = s->nundo; i-- > from;) {
        undoStep *u = &s->undo[i];
        if (u->kind == UNDO_SWAP) {
            if (restore) {
                int t = s->dbMap[u->db];
                s->dbMap[u->db] = s->dbMap[u->db2];
                s->dbMap[u->db2] = t;
            }
            continue;
        }
        if (u->kind == UNDO_FLUSH) {
            if (restore) {
                flushKeydirAccounting(s, u->db);
                keydirSwap(u->savedKeydir, s->kd[u->db]);
                keydirIterator it;
                keydirIterInit(&it, s->kd[u->db]);
                keydirEntry *e;
                while (!u->liveDeferred && (e = keydirIterNext(&it))) entryCountLive(s, e, 1);
                keydirIterRelease(&it);
                u->liveDeferred = 0; /* what it holds now was counted */
            }
            if (u->liveDeferred) lazyfreeKeydirTallied(s->lazyfree, u->savedKeydir, s);
            else if (u->lazyFree) lazyfreeKeydir(s->lazyfree, u->savedKeydir);
            else keydirRelease(u->savedKeydir);
            continue;
        }
        if (u->kind == UNDO_META) metaUndo(s, u, restore);
        else if (u->kind == UNDO_ELEMENT) elementUndo(s, u, restore);
        else if (u->kind == UNDO_TRIM) elementTrimUndo(s, u, restore);
        else if (u->kind == UNDO_EXPIRE && restore) keydirSetExpire(s->kd[u->db], u->key, u->klen, u->expire);
        else if (u->kind == UNDO_KEY && restore) restoreKey(s, u);
        if (u->liveDeferred) lazyfreeCollectionTallied(s->lazyfree, u->coll, u->klen, s);
        else if (u->lazyFree) lazyfreeCollection(s->lazyfree, u->coll);
        else collFree(u->coll);
        xfree(u->key);
        xfree(u->chain);
        xfree(u->name);
        xfree(u->elemValue);
    }
    s->nundo = from;
}

static void freeUndo(store *s, int restore) { undoBack(s, 0, restore); }

/* Fault injection for the tests (DEBUG CRASH-AFTER-PARTIAL-BATCH): when
 * set, the next flush that holds a batch appends only the first half of
 * its bytes and the process exits at once, as a crash in the middle of
 * the write would. */
int storeDebugCrashAfterPartialBatch;

static void crashAfterPartialWrite(store *s) {
    struct iovec iov = {s->pendBuf, s->pendLen / 2};
    uint64_t off;
    char err[256];
    segmentAppendv(storeActive(s), &iov, 1, &off, err, sizeof(err));
    _exit(1);
}

/* Closes the batch: its BEGIN record (with the count) goes into the place
 * reserved for it and a COMMIT follows, so the log gets BEGIN + records +
 * COMMIT in one piece; an empty batch leaves nothing.  Deferred, nothing
 * is written yet and the commit cannot fail; otherwise it is flushed, and
 * a failure undoes every key the batch touched. */
int storeBatchCommit(store *s) {
    if (!s->inBatch) return STORE_OK;
    s->inBatch = 0;
    if (s->batchCount == 0) {
        s->pendLen = s->batchStart;
        return storeAfterWrite(s);
    }
    recordHeader bh, ch;
    char count[RECORD_BATCH_COUNT_SIZE];
    recordInitBatchBegin(&bh, s->batchSeq, storeWallMs());
    recordEncodeBatchCount(count, s->batchCount);
    recordEncode(s->pendBuf + s->batchStart, &bh, NULL, count);
    recordInitBatchCommit(&ch, s->batchSeq, storeWallMs());
    pendReserve(s, RECORD_HEADER_SIZE);
    recordEncode(s->pendBuf + s->pendLen, &ch, NULL, NULL);
    s->pendLen += RECORD_HEADER_SIZE;
    s->pendHasBatch = 1;
    s->nextSeq = s->batchSeq + 1;
    return storeAfterWrite(s);
}

/* ------------------------------------------------------- flushing writes */

static void noteFailedEpoch(store *s) {
    if (s->nfailedEpochs == s->failedEpochsCap) {
        s->failedEpochsCap = s->failedEpochsCap ? s->failedEpochsCap * 2 : 4;
        s->failedEpochs = xrealloc(s->failedEpochs, sizeof(uint64_t) * s->failedEpochsCap);
    }
    s->failedEpochs[s->nfailedEpochs++] = s->writeEpoch;
}

/* What the pending buffer and the undo log keep between flushes.  One big
 * write (an SADD of 100,000 members, a DEL of a big collection) grows them
 * to its own size, megabytes that would otherwise stay allocated for good
 * after it -- and a server that just deleted a big set should use about
 * as much memory as before it was created (Redis's UNLINK test checks
 * that).  Up to these sizes they are kept, so the usual small writes never
 * reallocate; past them they are freed once flushed, and the next big
 * write grows them again: a few reallocations against megabytes written.
 * 256 KB of records and 1024 steps (about 140 KB) cover the writes of an
 * iteration of small commands, and stay small next to the server's own
 * start-up memory (under 1 MB). */
#define STORE_PEND_KEEP_BYTES (256u << 10)
#define STORE_UNDO_KEEP_STEPS 1024

/* Frees the pending buffer and the undo log past what they keep; both
 * must be empty. */
static void trimWriteBuffers(store *s) {
    if (s->pendCap > STORE_PEND_KEEP_BYTES) {
        xfree(s->pendBuf);
        s->pendBuf = NULL;
        s->pendCap = 0;
    }
    if (s->undoCap > STORE_UNDO_KEEP_STEPS) {
        xfree(s->undo);
        s->undo = NULL;
        s->undoCap = 0;
    }
}

/* Appends the pending records with one write.  On success they are in the
 * file and the undo log is dropped; a full segment is then rotated.  On
 * failure the segment is cut back to where it was (segment.h), every key
 * directory change since the last flush is undone, newest first, the
 * sequence counter goes back, and the epoch is noted as failed: nothing
 * of those writes remains, and the caller learns which commands to refuse
 * (storeFailedEpochs).  Either way a new epoch begins. */
static int flushPending(store *s) {
    storeTakeLazyTallies(s);
    if (s->pendLen == 0) {
        freeUndo(s, 0); /* steps of writes that left nothing to write */
        return STORE_OK;
    }
    if (storeDebugCrashAfterPartialBatch && s->pendHasBatch) crashAfterPartialWrite(s);
    struct iovec iov = {s->pendBuf, s->pendLen};
    uint64_t off;
    char err[256];
    errno = 0;
    int failed = segmentAppendv(storeActive(s), &iov, 1, &off, err, sizeof(err)) < 0;
    if (failed) {
        recordWriteError(s, err);
        freeUndo(s, 1);
        s->nextSeq = s->pendSeqStart;
        noteFailedEpoch(s);
    } else {
        recordWriteOk(s);
        storeColdMarkIn(storeActive(s), off, s->pendLen);
        s->totalBytes += s->pendLen;
        s->dirty = 1;
        freeUndo(s, 0);
    }
    s->pendLen = 0;
    s->pendHasBatch = 0;
    trimWriteBuffers(s);
    s->writeEpoch++;
    if (failed) return STORE_ERR_WRITE;
    if (segmentSize(storeActive(s)) >= s->segmentSize) rotateSegment(s);
    return STORE_OK;
}

int storeFlushWrites(store *s) {
    if (s->inBatch) return STORE_OK; /* a batch is flushed whole, at its commit */
    return flushPending(s);
}

void storeSetDeferredWrites(store *s, int on) {
    s->deferWrites = on;
    if (!on) storeFlushWrites(s);
}

int storeHasPendingWrites(const store *s) { return s->pendLen > 0; }

uint64_t storeWriteEpoch(const store *s) { return s->writeEpoch; }

void storeForgetFailedEpochs(store *s) { s->nfailedEpochs = 0; }

const uint64_t *storeFailedEpochs(const store *s, size_t *n) {
    *n = s->nfailedEpochs;
    return s->failedEpochs;
}

/* --------------------------------------------------------- durability */

int storeNeedsSync(const store *s) {
    return s->dirty && s->fsyncPolicy == STORE_FSYNC_ALWAYS;
}

/* The segments rotations sealed since the last sync (leaveSyncsForLater).
 * One that compaction deleted meanwhile needs nothing: its live records
 * were copied to outputs the merge synced. */
static int syncSealedByRotation(store *s, char *err, size_t errlen) {
    while (s->nunsyncedSealed > 0) {
        uint64_t id = s->unsyncedSealed[s->nunsyncedSealed - 1];
        segment *seg = storeSegmentById(s, id);
        if (seg && segmentFsyncFd(seg->fd, 1) != 0) {
            snprintf(err, errlen, "fdatasync %s: %s", seg->path, strerror(errno));
            return -1;
        }
        s->nunsyncedSealed--;
    }
    return 0;
}

/* fdatasync of the active segment if anything was appended since the
 * last one.  With appendfsync always the server calls this once per event
 * loop iteration, before any reply is written (group commit). */
int storeSync(store *s) {
    if (storeFlushWrites(s) != STORE_OK) return STORE_ERR_WRITE;
    if (!s->dirty) return STORE_OK;
    char err[256];
    errno = 0;
    if (syncSealedByRotation(s, err, sizeof(err)) < 0 ||
        segmentSync(storeActive(s), err, sizeof(err)) < 0 ||
        (s->activeNameUnsynced && segmentSyncDir(s->dir, err, sizeof(err)) < 0)) {
        recordWriteError(s, err);
        return STORE_ERR_WRITE;
    }
    s->activeNameUnsynced = 0;
    s->dirty = 0;
    pthread_mutex_lock(&s->syncLock);
    s->stats.lastFsyncMs = storeWallMs();
    pthread_mutex_unlock(&s->syncLock);
    return STORE_OK;
}

void storeSetFsyncPolicy(store *s, int policy) {
    pthread_mutex_lock(&s->syncLock); /* the fsync thread reads it */
    s->fsyncPolicy = policy;
    pthread_mutex_unlock(&s->syncLock);
}
void storeSetSegmentSize(store *s, uint64_t size) { s->segmentSize = size; }

/* Recomputes what each segment's and the store's liveBytes should be from
 * the key directories (O(keys)); the number of mismatches, each logged. */
/* storeCheckAccounting's tally: each record a key holds, by segment. */
typedef struct accountTally {
    store *s;
    segment **all;
    size_t nall;
    uint64_t *sums;
    uint64_t total;
    int bad;
} accountTally;

static void tallyRecord(void *ctx, uint32_t segId, uint64_t bytes, int add) {
    accountTally *t = ctx;
    (void)add;
    t->total += bytes;
    size_t i = 0;
    while (i < t->nall && t->all[i]->id != segId) i++;
    if (i < t->nall) {
        t->sums[i] += bytes;
        return;
    }
    storeLogf(t->s, STORE_LOG_WARNING, "A key points at missing segment %u", segId);
    t->bad++;
}

int storeCheckAccounting(store *s) {
    storeSettleLiveBytes(s);
    accountTally t = {s, NULL, s->nsegs + s->ncompactOut, NULL, 0, 0};
    size_t nall = t.nall;
    segment **all = t.all = xmalloc(sizeof(segment *) * (nall ? nall : 1));
    memcpy(all, s->segs, sizeof(segment *) * s->nsegs);
    if (s->ncompactOut) memcpy(all + s->nsegs, s->compactOut, sizeof(segment *) * s->ncompactOut);
    uint64_t *sums = t.sums = xcalloc(nall ? nall : 1, sizeof(uint64_t));
    for (int db = 0; db < s->dbCount; db++) {
        keydirIterator it;
        keydirIterInit(&it, s->kd[db]);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) replayCountEntry(e, tallyRecord, &t, 1);
        keydirIterRelease(&it);
    }
    storeMetaCountLive(s, tallyRecord, &t);
    int bad = t.bad;
    uint64_t total = t.total;
    for (size_t i = 0; i < nall; i++) {
        if (sums[i] == all[i]->liveBytes) continue;
        storeLogf(s, STORE_LOG_WARNING, "Segment %llu: %llu live bytes counted, %llu actual",
                  (unsigned long long)all[i]->id, (unsigned long long)all[i]->liveBytes,
                  (unsigned long long)sums[i]);
        bad++;
    }
    if (total != s->liveBytes) {
        storeLogf(s, STORE_LOG_WARNING, "Store: %llu live bytes counted, %llu actual",
                  (unsigned long long)s->liveBytes, (unsigned long long)total);
        bad++;
    }
    xfree(sums);
    xfree(all);
    return bad;
}

void storeGetStats(store *s, storeStats *out) {
    storeTakeLazyTallies(s);
    pthread_mutex_lock(&s->syncLock);
    *out = s->stats;
    pthread_mutex_unlock(&s->syncLock);
    out->segments = s->nsegs;
    out->liveBytes = s->liveBytes;
    out->totalBytes = s->totalBytes;
    out->lastSeq = s->nextSeq - 1;
    size_t kb = 0;
    for (int i = 0; i < s->dbCount; i++) kb += keydirMemoryBytes(s->kd[i]);
    out->keydirBytes = kb;
    out->compacting = s->compact != NULL;
    out->compactCurrentMs = s->compact ? storeWallMs() - s->compactStartMs : 0;
    verifierGetStats(s->verify, &out->verify);
    out->damageReports += out->verify.damaged;
    out->coldReadsWaiting = storeColdReadsWaiting(s);
}
