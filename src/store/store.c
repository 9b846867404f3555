/* store: the engine that ties segments, records and key directories
 * together.  See store.h for the contract.
 *
 * Invariants:
 *   - segs[0..nsegs) are every segment of the data set, sorted by id; the
 *     last one is the active segment (writable), the others are sealed;
 *   - a keydir entry's location names a record that is in a segment of
 *     segs, or (during a batch) in the pending batch buffer, which will be
 *     written at offset batchBase of the active segment;
 *   - liveBytes is the on-disk size of the records the key directories
 *     point at; totalBytes the size of all segment files.
 * Threads: only the everysec fsync thread runs besides the caller, and it
 * touches nothing but syncFd under syncLock. */
#include "store/store.h"
#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define STORE_LOG_NOTICE 2
#define STORE_LOG_WARNING 3
#define STORE_MAX_OFFSET UINT32_MAX

/* One undo step of a batch: how a key (or a whole database) was before. */
typedef struct undoStep {
    int db;
    int kind;            /* UNDO_KEY or UNDO_FLUSH */
    char *key;
    size_t klen;
    int existed;
    keydirLoc loc;
    int64_t expire;
    uint64_t seq;
    keydir *savedKeydir; /* UNDO_FLUSH: the keydir before the flush */
} undoStep;

#define UNDO_KEY 0
#define UNDO_FLUSH 1

struct store {
    char *dir;
    int lockFd;             /* flock'ed LOCK file: one server per directory */
    uint64_t segmentSize;
    int fsyncPolicy;
    int dbCount;
    keydir **kd;
    segment **segs;
    size_t nsegs;
    uint64_t nextSeq;
    uint64_t liveBytes;
    uint64_t totalBytes;
    int dirty;              /* appended since the last sync */
    void (*log)(int level, const char *msg);
    storeStats stats;
    char lastError[256];

    /* Batch state */
    int inBatch;
    char *batchBuf;
    size_t batchLen, batchCap;
    uint32_t batchCount;
    uint64_t batchSeq;
    uint64_t batchBase;     /* file offset the first batched record will have */
    undoStep *undo;
    size_t nundo, undoCap;

    /* everysec fsync thread */
    pthread_t syncThread;
    int syncThreadRunning;
    pthread_mutex_t syncLock;
    pthread_cond_t syncCond;
    int syncFd;
    int stopSync;
    int syncInit;           /* the lock and condition exist */
};

static int64_t wallMs(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void storeLogf(store *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void storeLogf(store *s, int level, const char *fmt, ...) {
    if (!s->log) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->log(level, msg);
}

static segment *activeSegment(store *s) { return s->segs[s->nsegs - 1]; }

static uint64_t entryRecordSize(const keydirEntry *e) {
    size_t klen;
    keydirLoc loc;
    keydirEntryKey(e, &klen);
    keydirEntryLoc(e, &loc);
    return recordEncodedSize(klen, loc.valueLen);
}

/* Binary search: the open segment with this id, or NULL. */
static segment *segmentById(store *s, uint64_t id) {
    size_t lo = 0, hi = s->nsegs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->segs[mid]->id == id) return s->segs[mid];
        if (s->segs[mid]->id < id) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

static void addSegment(store *s, segment *seg) {
    s->segs = xrealloc(s->segs, sizeof(segment *) * (s->nsegs + 1));
    s->segs[s->nsegs++] = seg;
}

/* ------------------------------------------------------- fsync thread */

static void *syncThreadMain(void *arg) {
    store *s = arg;
    pthread_mutex_lock(&s->syncLock);
    while (!s->stopSync) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 1;
        pthread_cond_timedwait(&s->syncCond, &s->syncLock, &ts);
        if (s->stopSync) break;
        if (s->syncFd >= 0 && s->fsyncPolicy == STORE_FSYNC_EVERYSEC &&
            fdatasync(s->syncFd) == 0)
            s->stats.lastFsyncMs = wallMs();
    }
    pthread_mutex_unlock(&s->syncLock);
    return NULL;
}

/* Points the fsync thread at the active segment (a dup of its fd, so the
 * thread never syncs a closed or reused descriptor). */
static void syncThreadTrack(store *s) {
    int fd = dup(activeSegment(s)->fd);
    pthread_mutex_lock(&s->syncLock);
    if (s->syncFd >= 0) close(s->syncFd);
    s->syncFd = fd;
    pthread_mutex_unlock(&s->syncLock);
}

static void syncThreadStart(store *s) {
    pthread_mutex_init(&s->syncLock, NULL);
    pthread_cond_init(&s->syncCond, NULL);
    s->syncInit = 1;
    syncThreadTrack(s);
    if (pthread_create(&s->syncThread, NULL, syncThreadMain, s) == 0)
        s->syncThreadRunning = 1;
    else
        storeLogf(s, STORE_LOG_WARNING, "Can't start the fsync thread: %s", strerror(errno));
}

static void syncThreadStop(store *s) {
    pthread_mutex_lock(&s->syncLock);
    s->stopSync = 1;
    pthread_cond_signal(&s->syncCond);
    pthread_mutex_unlock(&s->syncLock);
    if (s->syncThreadRunning) pthread_join(s->syncThread, NULL);
    if (s->syncFd >= 0) close(s->syncFd);
    pthread_mutex_destroy(&s->syncLock);
    pthread_cond_destroy(&s->syncCond);
}

/* ------------------------------------------------------------ loading */

typedef struct loadContext {
    store *s;
} loadContext;

static void dropLive(store *s, keydirEntry *e) {
    if (e) s->liveBytes -= entryRecordSize(e);
}

static void flushKeydirAccounting(store *s, int db) {
    keydirIterator it;
    keydirIterInit(&it, s->kd[db]);
    keydirEntry *e;
    while ((e = keydirIterNext(&it))) dropLive(s, e);
    keydirIterRelease(&it);
    keydirEmpty(s->kd[db]);
}

/* Applies one recovered record to the key directories.  Records arrive in
 * log order, so a later record always wins. */
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
    if (h->type == RECORD_FLUSHALL) {
        for (int db = 0; db < s->dbCount; db++) flushKeydirAccounting(s, db);
        return 0;
    }
    if (h->db >= s->dbCount) return 0; /* a database this config does not have */
    keydir *kd = s->kd[h->db];
    if (h->type == RECORD_FLUSHDB) {
        flushKeydirAccounting(s, h->db);
        return 0;
    }
    keydirEntry *old = keydirLookup(kd, it->key, h->keylen);
    if (h->type == RECORD_SET) {
        dropLive(s, old);
        keydirLoc loc = {(uint32_t)it->segId, (uint32_t)it->offset, h->vallen};
        keydirSet(kd, it->key, h->keylen, &loc, h->expireAt, h->seq, NULL);
        s->liveBytes += recordEncodedSize(h->keylen, h->vallen);
    } else if (h->type == RECORD_DEL) {
        dropLive(s, old);
        if (old) keydirDelete(kd, it->key, h->keylen);
    } else if (h->type == RECORD_EXPIRE && old) {
        keydirSetExpire(kd, it->key, h->keylen, h->expireAt);
    }
    return 0;
}

/* After the whole log is replayed: drop keys whose expiry passed while the
 * server was down.  This must wait until the end, because a later EXPIRE
 * record (PERSIST, a new EXPIRE) may have changed an early SET's expiry. */
static void dropExpiredAfterLoad(store *s, int64_t nowMs) {
    for (int db = 0; db < s->dbCount; db++) {
        if (keydirExpiresCount(s->kd[db]) == 0) continue;
        keydirIterator it;
        keydirIterInit(&it, s->kd[db]);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) {
            int64_t when = keydirEntryExpire(e);
            if (when == 0 || when > nowMs) continue;
            size_t klen;
            const void *key = keydirEntryKey(e, &klen);
            dropLive(s, e);
            keydirDelete(s->kd[db], key, klen);
        }
        keydirIterRelease(&it);
    }
}

static int recoverSegments(store *s, const storeOptions *opts, uint64_t *ids, size_t n,
                           recoveryResult *res, char *err, size_t errlen) {
    loadContext lc = {s};
    recoveryOptions ro = {0};
    ro.log = opts->log;
    for (size_t i = 0; i < n; i++) {
        int last = i + 1 == n;
        segment *seg = segmentOpen(s->dir, ids[i],
                                   last ? SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER
                                        : SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER,
                                   err, errlen);
        if (!seg) return -1;
        addSegment(s, seg);
        ro.active = last;
        uint64_t fromHints = res->segmentsFromHints;
        int rc = last ? recoveryScan(seg, &ro, applyRecovered, &lc, res, err, errlen)
                      : hintLoadOrScan(seg, &ro, applyRecovered, &lc, res, err, errlen);
        if (rc < 0) return -1;
        /* A sealed segment without a usable hint (crash right after
         * sealing, or a damaged hint) gets one now, for the next restart. */
        if (!last && res->segmentsFromHints == fromHints) {
            char herr[256];
            if (hintWriteForSegment(seg, &ro, herr, sizeof(herr)) < 0)
                storeLogf(s, STORE_LOG_NOTICE, "No hint for segment %llu: %s",
                          (unsigned long long)seg->id, herr);
        }
    }
    return 0;
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

static void computeTotals(store *s) {
    s->totalBytes = 0;
    for (size_t i = 0; i < s->nsegs; i++) s->totalBytes += segmentSize(s->segs[i]);
}

/* Opens (creating if needed) the data set in opts->dir and rebuilds the key
 * directories from hints and segments, validating every checksum.  Damage
 * is reported through opts->log and in the stats; a torn tail of the
 * active segment is cut. */
store *storeOpen(const storeOptions *opts, char *err, size_t errlen) {
    store *s = xcalloc(1, sizeof(*s));
    s->dir = xstrdup(opts->dir);
    s->segmentSize = opts->segmentSize;
    s->fsyncPolicy = opts->fsyncPolicy;
    s->dbCount = opts->dbCount;
    s->log = opts->log;
    s->nextSeq = 1;
    s->syncFd = -1;
    s->lockFd = -1;
    s->kd = xcalloc((size_t)s->dbCount, sizeof(keydir *));
    for (int i = 0; i < s->dbCount; i++) s->kd[i] = keydirCreate();
    if (lockDataDir(s, err, errlen) < 0) {
        storeClose(s);
        return NULL;
    }
    long long start = wallMs();
    uint64_t *ids = NULL;
    size_t n = 0;
    recoveryResult res;
    recoveryResultInit(&res);
    if (segmentRemoveTempFiles(s->dir, err, errlen) < 0 ||
        segmentListIds(s->dir, &ids, &n, err, errlen) < 0 ||
        recoverSegments(s, opts, ids, n, &res, err, errlen) < 0) {
        xfree(ids);
        recoveryResultFree(&res);
        storeClose(s);
        return NULL;
    }
    if (n == 0) {
        segment *seg = segmentCreate(s->dir, 1, err, errlen);
        if (!seg) {
            recoveryResultFree(&res);
            storeClose(s);
            return NULL;
        }
        addSegment(s, seg);
    }
    xfree(ids);
    dropExpiredAfterLoad(s, opts->nowMs);
    if (res.maxSeq >= s->nextSeq) s->nextSeq = res.maxSeq + 1;
    s->stats.recoveryMs = (uint64_t)(wallMs() - start);
    s->stats.tornBytes = res.tornBytes;
    s->stats.recordsLoaded = res.recordsApplied;
    s->stats.segmentsFromHints = res.segmentsFromHints;
    s->stats.damageReports = res.damageTotal;
    recoveryResultFree(&res);
    computeTotals(s);
    syncThreadStart(s);
    return s;
}

static void freeUndo(store *s, int restore);

void storeClose(store *s) {
    if (!s) return;
    if (s->inBatch) freeUndo(s, 1);
    if (s->syncInit) syncThreadStop(s);
    char ignored[256];
    if (s->nsegs) segmentSync(activeSegment(s), ignored, sizeof(ignored));
    for (size_t i = 0; i < s->nsegs; i++) segmentClose(s->segs[i]);
    xfree(s->segs);
    for (int i = 0; i < s->dbCount; i++) keydirRelease(s->kd[i]);
    xfree(s->kd);
    xfree(s->batchBuf);
    xfree(s->undo);
    if (s->lockFd >= 0) close(s->lockFd);
    xfree(s->dir);
    xfree(s);
}

keydir *storeKeydir(store *s, int db) { return s->kd[db]; }
int storeDbCount(store *s) { return s->dbCount; }

/* ------------------------------------------------------------- reads */

/* preadv of the whole iovec at off, retrying after short reads. */
static int preadvFull(int fd, struct iovec *iov, int iovcnt, uint64_t off) {
    while (iovcnt > 0) {
        ssize_t n = preadv(fd, iov, iovcnt, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        off += (uint64_t)n;
        while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            iov->iov_base = (char *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return 0;
}

/* The common read, a whole value: header and key go to a scratch buffer
 * and the value straight into the caller's buffer (one preadv, no copy),
 * and the record checksum is computed over the pieces. */
static int readWholeValue(store *s, segment *seg, const keydirLoc *loc, size_t klen, void *buf) {
    char small[512];
    size_t hklen = RECORD_HEADER_SIZE + klen;
    char *hk = hklen <= sizeof(small) ? small : xmalloc(hklen);
    struct iovec iov[2] = {{hk, hklen}, {buf, loc->valueLen}};
    recordHeader h;
    int rc = STORE_ERR_READ;
    if (preadvFull(seg->fd, iov, loc->valueLen ? 2 : 1, loc->offset) < 0) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: read at offset %u: %s", seg->path,
                 loc->offset, strerror(errno ? errno : EIO));
    } else if (recordDecodeHeader(hk, hklen, 0, &h, NULL) != RECORD_OK || h.keylen != klen ||
               h.vallen != loc->valueLen ||
               crc32cUpdate(crc32cUpdate(recordCrcBegin(hk), hk + RECORD_HEADER_SIZE, klen), buf,
                            loc->valueLen) != h.crc) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad checksum at offset %u", seg->path,
                 loc->offset);
        storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
    } else {
        rc = STORE_OK;
    }
    if (hk != small) xfree(hk);
    return rc;
}

/* Reads len bytes of e's value from offset, from the segment file or, for
 * a record still in the pending batch, from the batch buffer.  A record
 * from a file is read whole and its checksum verified first, so damage
 * that a hint file could not show is reported, never served as data. */
int storeReadValue(store *s, const keydirEntry *e, size_t offset, size_t len, void *buf) {
    keydirLoc loc;
    size_t klen;
    keydirEntryLoc(e, &loc);
    keydirEntryKey(e, &klen);
    if (offset + len > loc.valueLen) return STORE_ERR_READ;
    segment *seg = segmentById(s, loc.segment);
    if (!seg) return STORE_ERR_READ;
    uint64_t valueAt = (uint64_t)loc.offset + RECORD_HEADER_SIZE + klen;
    if (s->inBatch && seg == activeSegment(s) && loc.offset >= s->batchBase) {
        memcpy(buf, s->batchBuf + (valueAt + offset - s->batchBase), len);
        return STORE_OK;
    }
    if (offset == 0 && len == loc.valueLen) return readWholeValue(s, seg, &loc, klen, buf);
    size_t recLen = (size_t)recordEncodedSize(klen, loc.valueLen);
    char *rec = xmalloc(recLen);
    char err[256];
    recordHeader h;
    int rc = STORE_ERR_READ;
    if (segmentRead(seg, loc.offset, recLen, rec, err, sizeof(err)) < 0) {
        snprintf(s->lastError, sizeof(s->lastError), "%s", err);
    } else if (recordDecodeHeader(rec, recLen, 0, &h, NULL) != RECORD_OK ||
               h.keylen != klen || h.vallen != loc.valueLen || !recordVerify(&h, rec)) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad checksum at offset %u", seg->path,
                 loc.offset);
        storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
    } else {
        memcpy(buf, rec + RECORD_HEADER_SIZE + klen + offset, len);
        rc = STORE_OK;
    }
    xfree(rec);
    return rc;
}

/* The wall-clock time e's record was written at (its header timestamp),
 * from the pending batch or from the file.  Only the header is read, and
 * it is trusted only when its own checksum (hcrc) matches. */
int storeEntryWriteTime(store *s, const keydirEntry *e, int64_t *ms) {
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    segment *seg = segmentById(s, loc.segment);
    if (!seg) return STORE_ERR_READ;
    char hdr[RECORD_HEADER_SIZE];
    if (s->inBatch && seg == activeSegment(s) && loc.offset >= s->batchBase) {
        memcpy(hdr, s->batchBuf + (loc.offset - s->batchBase), sizeof(hdr));
    } else {
        char err[256];
        if (segmentRead(seg, loc.offset, sizeof(hdr), hdr, err, sizeof(err)) < 0) {
            snprintf(s->lastError, sizeof(s->lastError), "%s", err);
            return STORE_ERR_READ;
        }
    }
    recordHeader h;
    if (recordDecodeHeader(hdr, sizeof(hdr), 0, &h, NULL) != RECORD_OK) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad header checksum at offset %u",
                 seg->path, loc.offset);
        return STORE_ERR_READ;
    }
    *ms = h.timestamp;
    return STORE_OK;
}

/* The whole value of a key, in a new buffer (NUL-terminated, xfree it). */
int storeGet(store *s, int db, const void *key, size_t klen, char **value, size_t *vlen) {
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (!e) return STORE_MISSING;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    char *buf = xmalloc((size_t)loc.valueLen + 1);
    int rc = storeReadValue(s, e, 0, loc.valueLen, buf);
    if (rc != STORE_OK) {
        xfree(buf);
        return rc;
    }
    buf[loc.valueLen] = '\0';
    *value = buf;
    *vlen = loc.valueLen;
    return STORE_OK;
}

/* ------------------------------------------------------------ writes */

/* Notes a failed write.  The first failure after a good write is logged
 * (with the file and reason); later ones only counted, so a full disk does
 * not flood the log. */
static void recordWriteError(store *s, const char *err) {
    int wasOk = s->stats.lastWriteErrno == 0;
    s->stats.writeErrors++;
    s->stats.lastWriteErrno = errno ? errno : EIO;
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
    return strerror(s->stats.lastWriteErrno ? s->stats.lastWriteErrno : EIO);
}

/* Seals the active segment (fsync, then its hint file) and starts the
 * next one.  On failure the current segment simply stays active. */
static void rotateSegment(store *s) {
    char err[256];
    segment *old = activeSegment(s);
    segment *next = segmentCreate(s->dir, old->id + 1, err, sizeof(err));
    if (!next) {
        storeLogf(s, STORE_LOG_WARNING, "Can't start a new segment: %s", err);
        return;
    }
    if (segmentSeal(old, err, sizeof(err)) < 0) {
        storeLogf(s, STORE_LOG_WARNING, "Can't seal segment %llu: %s",
                  (unsigned long long)old->id, err);
        segmentClose(next);
        segmentRemove(s->dir, old->id + 1, err, sizeof(err));
        return;
    }
    recoveryOptions ro = {0};
    if (hintWriteForSegment(old, &ro, err, sizeof(err)) < 0)
        storeLogf(s, STORE_LOG_NOTICE, "No hint for segment %llu: %s",
                  (unsigned long long)old->id, err);
    addSegment(s, next);
    s->totalBytes += segmentSize(next);
    s->dirty = 0;
    syncThreadTrack(s);
}

static void fillHeader(store *s, recordHeader *h, int type, int db, size_t klen, size_t vlen,
                       int64_t expireMs, uint64_t seq) {
    memset(h, 0, sizeof(*h));
    h->type = (uint8_t)type;
    h->db = (uint16_t)db;
    h->keylen = (uint32_t)klen;
    h->vallen = (uint32_t)vlen;
    h->expireAt = expireMs;
    h->seq = seq;
    h->timestamp = wallMs();
    (void)s;
}

/* Appends one record now (outside a batch) or to the batch buffer.  On
 * success *offset is where the record starts in the active segment. */
static int appendRecord(store *s, recordHeader *h, const void *key, const void *val,
                        uint64_t *offset) {
    uint64_t size = recordEncodedSize(h->keylen, h->vallen);
    if (s->inBatch) {
        if (s->batchLen + size > s->batchCap) {
            s->batchCap = (s->batchLen + size) * 2;
            s->batchBuf = xrealloc(s->batchBuf, s->batchCap);
        }
        recordEncode(s->batchBuf + s->batchLen, h, key, val);
        *offset = s->batchBase + s->batchLen;
        s->batchLen += size;
        s->batchCount++;
        return STORE_OK;
    }
    if (segmentSize(activeSegment(s)) + size > STORE_MAX_OFFSET) rotateSegment(s);
    char err[256];
    errno = 0;
    if (segmentAppendRecord(activeSegment(s), h, key, val, offset, err, sizeof(err)) < 0) {
        recordWriteError(s, err);
        return STORE_ERR_WRITE;
    }
    recordWriteOk(s);
    s->totalBytes += size;
    s->dirty = 1;
    return STORE_OK;
}

static void afterWrite(store *s) {
    if (!s->inBatch && segmentSize(activeSegment(s)) >= s->segmentSize) rotateSegment(s);
}

/* A new, zeroed step at the end of the batch's undo log. */
static undoStep *pushUndo(store *s, int db, int kind) {
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

static void rememberUndo(store *s, int db, const void *key, size_t klen) {
    if (!s->inBatch) return;
    undoStep *u = pushUndo(s, db, UNDO_KEY);
    u->key = xmalloc(klen ? klen : 1);
    memcpy(u->key, key, klen);
    u->klen = klen;
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (e) {
        u->existed = 1;
        keydirEntryLoc(e, &u->loc);
        u->expire = keydirEntryExpire(e);
        u->seq = keydirEntrySeq(e);
    }
}

int storePut(store *s, int db, const void *key, size_t klen, const void *val, size_t vlen,
             int64_t expireMs) {
    recordHeader h;
    uint64_t seq = s->inBatch ? s->batchSeq : s->nextSeq;
    fillHeader(s, &h, RECORD_SET, db, klen, vlen, expireMs, seq);
    uint64_t off;
    int rc = appendRecord(s, &h, key, val, &off);
    if (rc != STORE_OK) return rc;
    if (!s->inBatch) s->nextSeq++;
    rememberUndo(s, db, key, klen);
    dropLive(s, keydirLookup(s->kd[db], key, klen));
    keydirLoc loc = {(uint32_t)activeSegment(s)->id, (uint32_t)off, (uint32_t)vlen};
    keydirSet(s->kd[db], key, klen, &loc, expireMs, seq, NULL);
    s->liveBytes += recordEncodedSize(klen, vlen);
    afterWrite(s);
    return STORE_OK;
}

int storeDelete(store *s, int db, const void *key, size_t klen) {
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (!e) return STORE_MISSING;
    recordHeader h;
    uint64_t seq = s->inBatch ? s->batchSeq : s->nextSeq;
    fillHeader(s, &h, RECORD_DEL, db, klen, 0, 0, seq);
    uint64_t off;
    int rc = appendRecord(s, &h, key, NULL, &off);
    if (rc != STORE_OK) return rc;
    if (!s->inBatch) s->nextSeq++;
    rememberUndo(s, db, key, klen);
    dropLive(s, keydirLookup(s->kd[db], key, klen));
    keydirDelete(s->kd[db], key, klen);
    afterWrite(s);
    return STORE_OK;
}

int storeSetExpire(store *s, int db, const void *key, size_t klen, int64_t expireMs) {
    if (!keydirLookup(s->kd[db], key, klen)) return STORE_MISSING;
    recordHeader h;
    uint64_t seq = s->inBatch ? s->batchSeq : s->nextSeq;
    fillHeader(s, &h, RECORD_EXPIRE, db, klen, 0, expireMs, seq);
    uint64_t off;
    int rc = appendRecord(s, &h, key, NULL, &off);
    if (rc != STORE_OK) return rc;
    if (!s->inBatch) s->nextSeq++;
    rememberUndo(s, db, key, klen);
    keydirSetExpire(s->kd[db], key, klen, expireMs);
    afterWrite(s);
    return STORE_OK;
}

static void rememberFlush(store *s, int db) {
    undoStep *u = pushUndo(s, db, UNDO_FLUSH);
    u->savedKeydir = keydirCreate();
    keydirSwap(u->savedKeydir, s->kd[db]);
}

/* FLUSHDB (db >= 0) or FLUSHALL (db == -1), as one durable record. */
int storeFlush(store *s, int db) {
    recordHeader h;
    uint64_t seq = s->inBatch ? s->batchSeq : s->nextSeq;
    fillHeader(s, &h, db < 0 ? RECORD_FLUSHALL : RECORD_FLUSHDB, db < 0 ? 0 : db, 0, 0, 0, seq);
    uint64_t off;
    int rc = appendRecord(s, &h, NULL, NULL, &off);
    if (rc != STORE_OK) return rc;
    if (!s->inBatch) s->nextSeq++;
    for (int i = 0; i < s->dbCount; i++) {
        if (db >= 0 && i != db) continue;
        if (s->inBatch) {
            keydirIterator it;
            keydirIterInit(&it, s->kd[i]);
            keydirEntry *e;
            while ((e = keydirIterNext(&it))) dropLive(s, e);
            keydirIterRelease(&it);
            rememberFlush(s, i);
        } else {
            flushKeydirAccounting(s, i);
        }
    }
    afterWrite(s);
    return STORE_OK;
}

/* ------------------------------------------------------------ batches */

void storeBatchBegin(store *s) {
    s->inBatch = 1;
    s->batchLen = 0;
    s->batchCount = 0;
    s->batchSeq = s->nextSeq;
    s->batchBase = segmentSize(activeSegment(s)) + RECORD_HEADER_SIZE + RECORD_BATCH_COUNT_SIZE;
    s->nundo = 0;
}

int storeInBatch(const store *s) { return s->inBatch; }

/* Releases the undo log; with restore, first puts every key (and flushed
 * database) back the way it was before the batch, newest step first. */
static void freeUndo(store *s, int restore) {
    for (size_t i = s->nundo; i-- > 0;) {
        undoStep *u = &s->undo[i];
        if (u->kind == UNDO_FLUSH) {
            if (restore) {
                flushKeydirAccounting(s, u->db);
                keydirSwap(u->savedKeydir, s->kd[u->db]);
                keydirIterator it;
                keydirIterInit(&it, s->kd[u->db]);
                keydirEntry *e;
                while ((e = keydirIterNext(&it))) s->liveBytes += entryRecordSize(e);
                keydirIterRelease(&it);
            }
            keydirRelease(u->savedKeydir);
            continue;
        }
        if (restore) {
            dropLive(s, keydirLookup(s->kd[u->db], u->key, u->klen));
            if (u->existed) {
                keydirSet(s->kd[u->db], u->key, u->klen, &u->loc, u->expire, u->seq, NULL);
                s->liveBytes += recordEncodedSize(u->klen, u->loc.valueLen);
            } else {
                keydirDelete(s->kd[u->db], u->key, u->klen);
            }
        }
        xfree(u->key);
    }
    s->nundo = 0;
}

/* Writes the batch as BEGIN + records + COMMIT in one append.  On failure
 * nothing of it is on disk (the segment is cut back) and every key it
 * touched is restored. */
int storeBatchCommit(store *s) {
    if (!s->inBatch) return STORE_OK;
    s->inBatch = 0;
    if (s->batchCount == 0) {
        freeUndo(s, 0);
        return STORE_OK;
    }
    char begin[RECORD_HEADER_SIZE + RECORD_BATCH_COUNT_SIZE], commit[RECORD_HEADER_SIZE];
    char count[RECORD_BATCH_COUNT_SIZE];
    recordHeader bh, ch;
    recordInitBatchBegin(&bh, s->batchSeq, wallMs());
    recordEncodeBatchCount(count, s->batchCount);
    recordEncode(begin, &bh, NULL, count);
    recordInitBatchCommit(&ch, s->batchSeq, wallMs());
    recordEncode(commit, &ch, NULL, NULL);
    struct iovec iov[3] = {{begin, sizeof(begin)}, {s->batchBuf, s->batchLen},
                           {commit, sizeof(commit)}};
    uint64_t off;
    char err[256];
    errno = 0;
    if (segmentAppendv(activeSegment(s), iov, 3, &off, err, sizeof(err)) < 0) {
        recordWriteError(s, err);
        freeUndo(s, 1);
        return STORE_ERR_WRITE;
    }
    recordWriteOk(s);
    s->totalBytes += sizeof(begin) + s->batchLen + sizeof(commit);
    s->nextSeq = s->batchSeq + 1;
    s->dirty = 1;
    freeUndo(s, 0);
    afterWrite(s);
    return STORE_OK;
}

/* --------------------------------------------------------- durability */

int storeNeedsSync(const store *s) {
    return s->dirty && s->fsyncPolicy == STORE_FSYNC_ALWAYS;
}

/* fdatasync of the active segment if anything was appended since the
 * last one.  With appendfsync always the server calls this once per event
 * loop iteration, before any reply is written (group commit). */
int storeSync(store *s) {
    if (!s->dirty) return STORE_OK;
    char err[256];
    errno = 0;
    if (segmentSync(activeSegment(s), err, sizeof(err)) < 0) {
        recordWriteError(s, err);
        return STORE_ERR_WRITE;
    }
    s->dirty = 0;
    pthread_mutex_lock(&s->syncLock);
    s->stats.lastFsyncMs = wallMs();
    pthread_mutex_unlock(&s->syncLock);
    return STORE_OK;
}

void storeSetFsyncPolicy(store *s, int policy) {
    pthread_mutex_lock(&s->syncLock); /* the fsync thread reads it */
    s->fsyncPolicy = policy;
    pthread_mutex_unlock(&s->syncLock);
}
void storeSetSegmentSize(store *s, uint64_t size) { s->segmentSize = size; }

void storeGetStats(store *s, storeStats *out) {
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
}
