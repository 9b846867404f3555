/* store/verify.c -- background verification of sealed segments (the
 * protocol between the owner and the worker is in verify.h). */
#include "store/verify.h"

#include "lib/alloc.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"
#include "store/store_log.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

verifySettingsValue verifySettings = {0};

/* The scanner's read buffer: 256 KB reads keep the disk streaming while
 * the pacing steps stay well under a second at any sensible rate. */
#define VERIFY_BUFFER (256 * 1024)

/* The worker looks at the clock (and the stop flag) once per this many
 * bytes, not per record: a segment of 16-byte values holds millions. */
#define VERIFY_PACE_STEP (64 * 1024)

/* A wait of the pacer is cut into slices this long, so a stop or a change
 * of rate is seen within a tenth of a second. */
#define VERIFY_WAIT_SLICE_US 100000

/* With the rate at 0, the worker looks at it again this often. */
#define VERIFY_OFF_POLL_US 1000000


struct verifier {
    char *dir;
    void (*log)(int level, const char *msg);
    pthread_t thread;
    int running;
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* on CLOCK_MONOTONIC */
    /* under lock */
    uint64_t activeId;
    int wake;                 /* list the directory again now */
    int stop;
    uint64_t *done;           /* sorted ids read, skipped or scanned at open */
    size_t ndone, capdone;
    verifyStats stats;
    /* worker only */
    verifyPacer pacer;
};

/* One segment's scan, for the pacing callback. */
typedef struct verifyRun {
    verifier *v;
    uint64_t pos;     /* end of the furthest record delivered */
    uint64_t paced;   /* bytes already charged to the pacer */
} verifyRun;

/* ------------------------------------------------------------ pacing */

int64_t verifyPacerDelay(verifyPacer *p, uint64_t rate, uint64_t bytes, int64_t nowUs) {
    if (p->rate != rate) {
        p->rate = rate;
        p->startUs = nowUs;
        p->bytes = 0;
    }
    p->bytes += bytes;
    int64_t due = (int64_t)((double)p->bytes * 1e6 / (double)rate);
    int64_t elapsed = nowUs - p->startUs;
    if (due > elapsed) return due - elapsed;
    if (elapsed - due > VERIFY_MAX_CREDIT_US) { /* a stall: forget most of it */
        p->startUs = nowUs - VERIFY_MAX_CREDIT_US;
        p->bytes = 0;
    }
    return 0;
}

static int64_t monotonicUs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t currentRate(void) {
    long long r = __atomic_load_n(&verifySettings.bytesPerSec, __ATOMIC_RELAXED);
    return r > 0 ? (uint64_t)r : 0;
}

/* Waits on the condition for at most 'us' (lock held). */
static void waitUs(verifier *v, int64_t us) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t ns = ts.tv_nsec + (us % 1000000) * 1000;
    ts.tv_sec += (time_t)(us / 1000000 + ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    pthread_cond_timedwait(&v->cond, &v->lock, &ts);
}

/* Charges the bytes read up to 'pos' and waits as long as the rate asks
 * (indefinitely while it is 0).  1 when the verifier is stopping. */
static int verifyPace(verifyRun *r, uint64_t pos) {
    verifier *v = r->v;
    uint64_t fresh = pos > r->paced ? pos - r->paced : 0;
    r->paced += fresh;
    pthread_mutex_lock(&v->lock);
    v->stats.bytes += fresh;
    for (;;) {
        if (v->stop) break;
        uint64_t rate = currentRate();
        if (rate == 0) {
            verifyPacerReset(&v->pacer);
            waitUs(v, VERIFY_OFF_POLL_US);
            continue;
        }
        int64_t delay = verifyPacerDelay(&v->pacer, rate, fresh, monotonicUs());
        fresh = 0;
        if (delay <= 0) break;
        waitUs(v, delay < VERIFY_WAIT_SLICE_US ? delay : VERIFY_WAIT_SLICE_US);
    }
    int stop = v->stop;
    pthread_mutex_unlock(&v->lock);
    return stop;
}

/* recoveryScan's callback: paces on the records' ends (a batch delivers
 * records it held back, with earlier offsets: those add nothing). */
static int paceOnRecord(void *ctx, const recoveryItem *it) {
    verifyRun *r = ctx;
    uint64_t end = it->offset + recordEncodedSize(it->hdr.keylen, it->hdr.vallen);
    if (end > r->pos) r->pos = end;
    if (r->pos - r->paced < VERIFY_PACE_STEP) return 0;
    return verifyPace(r, r->pos);
}

/* ------------------------------------------------------------ the set of ids read */

static size_t doneFind(const verifier *v, uint64_t id) {
    size_t lo = 0, hi = v->ndone;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v->done[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static int doneHas(const verifier *v, uint64_t id) {
    size_t i = doneFind(v, id);
    return i < v->ndone && v->done[i] == id;
}

/* Adds id (lock held). */
static void doneAdd(verifier *v, uint64_t id) {
    size_t i = doneFind(v, id);
    if (i < v->ndone && v->done[i] == id) return;
    if (v->ndone == v->capdone) {
        v->capdone = v->capdone ? v->capdone * 2 : 64;
        v->done = xrealloc(v->done, sizeof(uint64_t) * v->capdone);
    }
    memmove(v->done + i + 1, v->done + i, sizeof(uint64_t) * (v->ndone - i));
    v->done[i] = id;
    v->ndone++;
}

/* Keeps only the ids still in the directory listing ids[0..n) (sorted),
 * so the set never outgrows the data set; then moves the ids below
 * activeId that are not in it to the front of ids.  Returns their number
 * (lock held). */
static size_t takePending(verifier *v, uint64_t *ids, size_t n) {
    size_t kept = 0, j = 0;
    for (size_t i = 0; i < v->ndone; i++) {
        while (j < n && ids[j] < v->done[i]) j++;
        if (j < n && ids[j] == v->done[i]) v->done[kept++] = v->done[i];
    }
    v->ndone = kept;
    size_t pending = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i] < v->activeId && !doneHas(v, ids[i])) ids[pending++] = ids[i];
    return pending;
}

/* ------------------------------------------------------------ one segment */

static const char *baseName(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Logs the damage of a scanned segment (capped) and counts it (lock
 * not held). */
static void reportDamage(verifier *v, const segment *seg, const recoveryResult *res) {
    size_t shown = res->damageCount < VERIFY_LOG_PER_SEGMENT ? res->damageCount
                                                            : VERIFY_LOG_PER_SEGMENT;
    for (size_t i = 0; i < shown; i++) {
        const recoveryDamage *d = &res->damage[i];
        storeLogTo(v->log, STORE_LOG_WARNING,
                   "Background verification: damaged data in %s at offset %" PRIu64
                   " (%" PRIu64 " bytes): %s", seg->path, d->offset, d->length, d->reason);
    }
    if (res->damageTotal > shown)
        storeLogTo(v->log, STORE_LOG_WARNING,
                   "Background verification: %" PRIu64 " more damaged regions in %s"
                   " (not logged)", res->damageTotal - shown, seg->path);
    pthread_mutex_lock(&v->lock);
    v->stats.damaged += res->damageTotal;
    if (res->damageCount)
        snprintf(v->stats.lastDamage, sizeof(v->stats.lastDamage), "%s:%" PRIu64,
                 baseName(seg->path), res->damage[res->damageCount - 1].offset);
    pthread_mutex_unlock(&v->lock);
}

/* Reads and checks sealed segment 'id'.  1 when the verifier is stopping
 * (the segment then stays unread). */
static int verifySegment(verifier *v, uint64_t id) {
    char err[256];
    segment *seg = segmentOpen(v->dir, id, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER, err,
                               sizeof(err));
    if (!seg) {
        int gone = errno == ENOENT;
        if (!gone)
            storeLogTo(v->log, STORE_LOG_WARNING, "Background verification: can't open %s", err);
        pthread_mutex_lock(&v->lock);
        if (gone) v->stats.segmentsSkipped++;
        else v->stats.readErrors++;
        doneAdd(v, id);
        pthread_mutex_unlock(&v->lock);
        return 0;
    }
    (void)posix_fadvise(seg->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    verifyRun run = {v, 0, 0};
    recoveryOptions ro = {0};
    ro.bufferSize = VERIFY_BUFFER;
    recoveryResult res;
    recoveryResultInit(&res);
    int rc = recoveryScan(seg, &ro, paceOnRecord, &run, &res, err, sizeof(err));
    int stopping = rc < 0 && errno == ECANCELED;
    /* The bytes after the last record delivered (damage, a batch's
     * commit) are paid for too. */
    if (!stopping) stopping = verifyPace(&run, seg->size);
    if (!stopping) {
        int gone = !segmentFileExists(v->dir, id, ".log");
        if (rc < 0 && !gone)
            storeLogTo(v->log, STORE_LOG_WARNING, "Background verification: %s", err);
        if (rc == 0 && !gone) reportDamage(v, seg, &res);
        pthread_mutex_lock(&v->lock);
        if (gone) v->stats.segmentsSkipped++;
        else if (rc < 0) v->stats.readErrors++;
        else v->stats.segmentsDone++;
        doneAdd(v, id);
        pthread_mutex_unlock(&v->lock);
    }
    recoveryResultFree(&res);
    segmentClose(seg);
    return stopping;
}

/* ------------------------------------------------------------ the worker */

static void *verifyMain(void *arg) {
    verifier *v = arg;
    int firstPass = 1;
    int listFailing = 0;      /* logged once until the listing works again */
    pthread_mutex_lock(&v->lock);
    while (!v->stop) {
        if (currentRate() == 0) {
            v->stats.inProgress = 0;
            waitUs(v, VERIFY_OFF_POLL_US);
            continue;
        }
        v->wake = 0;
        pthread_mutex_unlock(&v->lock);
        char err[256];
        uint64_t *ids = NULL;
        size_t n = 0;
        int listed = segmentListIds(v->dir, &ids, &n, err, sizeof(err)) == 0;
        if (!listed && !listFailing)
            storeLogTo(v->log, STORE_LOG_WARNING, "Background verification: %s", err);
        listFailing = !listed;
        pthread_mutex_lock(&v->lock);
        size_t pending = listed ? takePending(v, ids, n) : 0;
        if (pending == 0) {
            xfree(ids);
            if (v->wake) continue;
            v->stats.inProgress = 0;
            if (firstPass && v->stats.segmentsDone + v->stats.segmentsSkipped > 0)
                storeLogTo(v->log, STORE_LOG_NOTICE,
                           "Background verification of the sealed segments done: "
                           "%" PRIu64 " read (%" PRIu64 " bytes), %" PRIu64 " damaged regions",
                      v->stats.segmentsDone, v->stats.bytes, v->stats.damaged);
            firstPass = 0;
            verifyPacerReset(&v->pacer);
            if (!v->stop && !v->wake) waitUs(v, (int64_t)VERIFY_RESCAN_MS * 1000);
            continue;
        }
        v->stats.inProgress = 1;
        pthread_mutex_unlock(&v->lock);
        int stopping = 0;
        for (size_t i = 0; i < pending && !stopping; i++) stopping = verifySegment(v, ids[i]);
        xfree(ids);
        pthread_mutex_lock(&v->lock);
    }
    pthread_mutex_unlock(&v->lock);
    return NULL;
}

/* ------------------------------------------------------------ the owner's side */

verifier *verifierCreate(const char *dir, void (*log)(int level, const char *msg)) {
    verifier *v = xcalloc(1, sizeof(*v));
    v->dir = xstrdup(dir);
    v->log = log;
    pthread_mutex_init(&v->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&v->cond, &attr);
    pthread_condattr_destroy(&attr);
    return v;
}

void verifierSkip(verifier *v, uint64_t id) {
    pthread_mutex_lock(&v->lock);
    doneAdd(v, id);
    pthread_mutex_unlock(&v->lock);
}

int verifierStart(verifier *v, uint64_t activeId) {
    pthread_mutex_lock(&v->lock);
    v->activeId = activeId;
    v->stats.inProgress = currentRate() > 0;
    pthread_mutex_unlock(&v->lock);
    int rc = pthread_create(&v->thread, NULL, verifyMain, v);
    if (rc != 0) {
        storeLogTo(v->log, STORE_LOG_WARNING, "Can't start the verification thread: %s",
                   strerror(rc));
        v->stats.inProgress = 0;
        return -1;
    }
    v->running = 1;
    return 0;
}

void verifierNoteActive(verifier *v, uint64_t activeId) {
    pthread_mutex_lock(&v->lock);
    if (activeId > v->activeId) {
        v->activeId = activeId;
        v->wake = 1;
        if (v->running && currentRate() > 0) v->stats.inProgress = 1;
        pthread_cond_broadcast(&v->cond);
    }
    pthread_mutex_unlock(&v->lock);
}

void verifierGetStats(verifier *v, verifyStats *out) {
    if (!v) {
        memset(out, 0, sizeof(*out));
        return;
    }
    pthread_mutex_lock(&v->lock);
    *out = v->stats;
    pthread_mutex_unlock(&v->lock);
}

void verifierStop(verifier *v) {
    if (!v) return;
    pthread_mutex_lock(&v->lock);
    v->stop = 1;
    pthread_cond_broadcast(&v->cond);
    pthread_mutex_unlock(&v->lock);
    if (v->running) pthread_join(v->thread, NULL);
    pthread_mutex_destroy(&v->lock);
    pthread_cond_destroy(&v->cond);
    xfree(v->done);
    xfree(v->dir);
    xfree(v);
}
