/* store/hint.c -- hint files (format and guarantees in hint.h). */
#include "store/hint.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdint.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/keydir.h"

#define HINT_WRITE_BUFFER (64 * 1024)

/* ---- Writing ---------------------------------------------------------------- */

struct hintWriter {
    int fd;
    char *dir;
    char *tmpPath;
    char *path;
    uint64_t segId;
    uint64_t count;
    uint64_t lastOffset;    /* entries must come in file order */
    uint32_t crc;           /* over every byte written so far */
    char *buf;
    size_t buflen;
    int failed;
};

/* Writes the buffered bytes.  0 or -1. */
static int hwFlush(hintWriter *w, char *err, size_t errlen) {
    size_t done = 0;
    while (done < w->buflen) {
        ssize_t n = write(w->fd, w->buf + done, w->buflen - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            segmentErrorf(err, errlen, "write %s: %s", w->tmpPath,
                          strerror(errno));
            w->failed = 1;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            segmentErrorf(err, errlen, "write %s: no progress", w->tmpPath);
            w->failed = 1;
            return -1;
        }
        done += (size_t)n;
    }
    w->buflen = 0;
    return 0;
}

/* Appends bytes (checksummed) through the buffer.  0 or -1. */
static int hwPut(hintWriter *w, const void *data, size_t len, char *err,
                 size_t errlen) {
    const char *p = data;
    w->crc = crc32cUpdate(w->crc, p, len);
    while (len) {
        if (w->buflen == HINT_WRITE_BUFFER && hwFlush(w, err, errlen) != 0) {
            return -1;
        }
        size_t n = HINT_WRITE_BUFFER - w->buflen;
        if (n > len) n = len;
        memcpy(w->buf + w->buflen, p, n);
        w->buflen += n;
        p += n;
        len -= n;
    }
    return 0;
}

static void hwFree(hintWriter *w) {
    if (w->fd >= 0) close(w->fd);
    xfree(w->dir);
    xfree(w->tmpPath);
    xfree(w->path);
    xfree(w->buf);
    xfree(w);
}

hintWriter *hintWriterOpen(const char *dir, uint64_t segId, char *err,
                           size_t errlen) {
    hintWriter *w = xcalloc(1, sizeof(*w));
    w->dir = xstrdup(dir);
    w->tmpPath = segmentPath(dir, segId, ".hint.tmp");
    w->path = segmentPath(dir, segId, ".hint");
    w->segId = segId;
    w->buf = xmalloc(HINT_WRITE_BUFFER);
    w->fd = open(w->tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        segmentErrorf(err, errlen, "create %s: %s", w->tmpPath,
                      strerror(errno));
        int saved = errno;
        hwFree(w);
        errno = saved;
        return NULL;
    }
    char hdr[HINT_HEADER_SIZE];
    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, HINT_MAGIC, 8);
    recordPutU32(hdr + 8, HINT_VERSION);
    recordPutU64(hdr + 16, segId);
    hwPut(w, hdr, sizeof(hdr), err, errlen); /* buffered: cannot fail */
    return w;
}

int hintWriterAdd(hintWriter *w, uint64_t offset, const recordHeader *h,
                  const char *key, const char *value, char *err, size_t errlen) {
    if (w->failed) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: writer already failed", w->tmpPath);
        return -1;
    }
    if (!recordIsDataType(h->type) || recordCheckHeader(h, 0) != NULL ||
        offset < SEGMENT_HEADER_SIZE || (w->count && offset <= w->lastOffset) ||
        (recordValueIndexed(h, key) && value == NULL)) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: invalid hint entry at offset %" PRIu64,
                      w->tmpPath, offset);
        w->failed = 1;
        return -1;
    }
    char e[HINT_ENTRY_SIZE];
    e[0] = (char)h->type;
    e[1] = (char)h->flags;
    recordPutU16(e + 2, h->db);
    recordPutU32(e + 4, h->keylen);
    recordPutU32(e + 8, h->vallen);
    recordPutU64(e + 12, offset);
    recordPutU64(e + 20, (uint64_t)h->expireAt);
    recordPutU64(e + 28, h->seq);
    if (hwPut(w, e, sizeof(e), err, errlen) != 0) return -1;
    if (hwPut(w, key, h->keylen, err, errlen) != 0) return -1;
    if (recordValueIndexed(h, key) && hwPut(w, value, h->vallen, err, errlen) != 0) return -1;
    w->count++;
    w->lastOffset = offset;
    return 0;
}

void hintWriterAbort(hintWriter *w) {
    if (w == NULL) return;
    int saved = errno;
    unlink(w->tmpPath);
    hwFree(w);
    errno = saved;
}

int hintWriterCommit(hintWriter *w, uint64_t segSize, uint64_t maxSeq,
                     int64_t maxTimestamp, char *err, size_t errlen) {
    if (w->failed) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: writer already failed", w->tmpPath);
        hintWriterAbort(w);
        return -1;
    }
    char t[HINT_TRAILER_SIZE];
    recordPutU64(t, w->count);
    recordPutU64(t + 8, segSize);
    recordPutU64(t + 16, maxSeq);
    recordPutU64(t + 24, (uint64_t)maxTimestamp);
    memcpy(t + 32, HINT_END_MAGIC, 8);
    if (hwPut(w, t, 40, err, errlen) != 0) goto fail;
    recordPutU32(t + 40, w->crc);
    if (hwPut(w, t + 40, 4, err, errlen) != 0) goto fail;
    if (hwFlush(w, err, errlen) != 0) goto fail;
    int rc;
    do {
        rc = fsync(w->fd);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", w->tmpPath,
                      strerror(errno));
        goto fail;
    }
    if (rename(w->tmpPath, w->path) != 0) {
        segmentErrorf(err, errlen, "rename %s: %s", w->tmpPath,
                      strerror(errno));
        goto fail;
    }
    if (segmentSyncDir(w->dir, err, errlen) != 0) {
        /* The hint is complete and valid; only its durability is unsure.
         * Report the error but keep the file. */
        int saved = errno;
        hwFree(w);
        errno = saved;
        return -1;
    }
    hwFree(w);
    return 0;

fail:
    hintWriterAbort(w);
    return -1;
}

/* ---- Writing from a scan -------------------------------------------------- */

typedef struct scanToHint {
    hintWriter *w;
    char *err;
    size_t errlen;
} scanToHint;

static int addFromScan(void *ctx, const recoveryItem *it) {
    scanToHint *s = ctx;
    return hintWriterAdd(s->w, it->offset, &it->hdr, it->key, it->value, s->err,
                         s->errlen) == 0 ? 0 : 1;
}

int hintWriteForSegment(segment *seg, const recoveryOptions *opts, char *err,
                        size_t errlen) {
    recoveryOptions o;
    memset(&o, 0, sizeof(o));
    if (opts) o = *opts;
    o.active = 0;
    o.dryRun = 0;
    hintWriter *w = hintWriterOpen(seg->dir, seg->id, err, errlen);
    if (w == NULL) return -1;
    scanToHint ctx = {w, err, errlen};
    recoveryResult res;
    recoveryResultInit(&res);
    char scanErr[256] = "";
    int rc = recoveryScan(seg, &o, addFromScan, &ctx, &res, scanErr,
                          sizeof(scanErr));
    if (rc != 0) {
        int saved = errno;
        /* A callback stop means hintWriterAdd already filled err. */
        if (saved != ECANCELED) segmentErrorf(err, errlen, "%s", scanErr);
        recoveryResultFree(&res);
        hintWriterAbort(w);
        errno = saved;
        return -1;
    }
    if (res.damageTotal || res.batchesDropped) {
        errno = EBADMSG;
        segmentErrorf(err, errlen, "%s has damaged data (%" PRIu64
                      " regions); no hint written", seg->path,
                      res.damageTotal);
        recoveryResultFree(&res);
        hintWriterAbort(w);
        return -1;
    }
    uint64_t maxSeq = res.maxSeq;
    int64_t maxTs = res.maxTimestamp;
    recoveryResultFree(&res);
    return hintWriterCommit(w, seg->size, maxSeq, maxTs, err, errlen);
}

/* ---- Loading ---------------------------------------------------------------- */

/* Little-endian loads for the load path: one move each (record.h's
 * byte-by-byte getters are portable but show up in a load's profile:
 * every entry is decoded twice, once to check it and once to deliver it). */
static inline uint16_t loadU16(const char *p) {
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return le16toh(v);
}
static inline uint32_t loadU32(const char *p) {
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return le32toh(v);
}
static inline uint64_t loadU64(const char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return le64toh(v);
}

/* Decodes the entry at e (HINT_ENTRY_SIZE bytes available) into *h and
 * *offset. */
static inline void decodeEntry(const char *e, recordHeader *h, uint64_t *offset) {
    h->crc = 0;
    h->hcrc = 0;
    h->type = (uint8_t)e[0];
    h->flags = (uint8_t)e[1];
    h->db = loadU16(e + 2);
    h->keylen = loadU32(e + 4);
    h->vallen = loadU32(e + 8);
    *offset = loadU64(e + 12);
    h->expireAt = (int64_t)loadU64(e + 20);
    h->seq = loadU64(e + 28);
    h->timestamp = 0;
}

/* Counts one entry of physical database db in hf->dbEntries. */
static void countDbEntry(hintFile *hf, uint16_t db) {
    if (db >= hf->ndb) {
        size_t n = (size_t)db + 1;
        hf->dbEntries = xrealloc(hf->dbEntries, n * sizeof(uint64_t));
        memset(hf->dbEntries + hf->ndb, 0, (n - hf->ndb) * sizeof(uint64_t));
        hf->ndb = n;
    }
    hf->dbEntries[db]++;
}

/* Bytes of entries walked before their checksum is taken: the checksum
 * then reads them from L2 instead of from memory a second time (a hint
 * is far larger than the caches).  64 KB: well inside L2, and large
 * enough that the per-call overhead of crc32cUpdate is nothing. */
#define HINT_CHECK_CHUNK (64 * 1024)

/* Checks every entry in [HINT_HEADER_SIZE, size - HINT_TRAILER_SIZE) of
 * the mapped file and its checksum, counting entries per database.  One
 * pass: the entries are checksummed a chunk at a time right behind the
 * walk.  NULL when valid, else the reason. */
static const char *validateEntries(hintFile *hf) {
    const char *m = hf->map;
    uint64_t end = hf->size - HINT_TRAILER_SIZE;
    uint64_t pos = HINT_HEADER_SIZE, count = 0, lastOffset = 0, summed = 0;
    uint32_t crc = 0;
    while (pos < end) {
        if (end - pos < HINT_ENTRY_SIZE) return "truncated entry";
        recordHeader h;
        uint64_t offset;
        decodeEntry(m + pos, &h, &offset);
        uint64_t elen = HINT_ENTRY_SIZE + (uint64_t)h.keylen;
        if (elen > end - pos) return "entry key runs past the end of the entries";
        if (recordValueIndexed(&h, m + pos + HINT_ENTRY_SIZE)) elen += h.vallen;
        if (elen > end - pos) return "entry value runs past the end of the entries";
        /* a SET without a negative expiry is what recordCheckHeader
         * accepts for SET (no size limit here); anything else asks it */
        if (!(h.type == RECORD_SET && h.expireAt >= 0) &&
            (!recordIsDataType(h.type) || recordCheckHeader(&h, 0) != NULL))
            return "invalid entry";
        if (offset < SEGMENT_HEADER_SIZE || offset > hf->segSize ||
            recordEncodedSize(h.keylen, h.vallen) > hf->segSize - offset ||
            (count && offset <= lastOffset))
            return "entry offset outside the segment or out of order";
        countDbEntry(hf, h.db);
        lastOffset = offset;
        count++;
        pos += elen;
        if (pos - summed >= HINT_CHECK_CHUNK) {
            crc = crc32cUpdate(crc, m + summed, (size_t)(pos - summed));
            summed = pos;
        }
    }
    if (count != hf->count) return "entry count differs from the trailer";
    crc = crc32cUpdate(crc, m + summed, (size_t)(hf->size - 4 - summed));
    if (crc != loadU32(m + hf->size - 4)) return "checksum mismatch";
    return NULL;
}

/* Checks what can be checked without the entries: size, header, trailer,
 * and that the segment still has the size the hint describes. */
static const char *validateFrame(hintFile *hf, const segment *seg) {
    const char *m = hf->map;
    uint32_t version = recordGetU32(m + 8);
    if (memcmp(m, HINT_MAGIC, 8) != 0 || version < HINT_VERSION_OLDEST || version > HINT_VERSION ||
        recordGetU64(m + 16) != seg->id)
        return "bad header";
    const char *t = m + hf->size - HINT_TRAILER_SIZE;
    if (memcmp(t + 32, HINT_END_MAGIC, 8) != 0) return "bad trailer";
    hf->count = recordGetU64(t);
    hf->segSize = recordGetU64(t + 8);
    hf->maxSeq = recordGetU64(t + 16);
    hf->maxTimestamp = (int64_t)recordGetU64(t + 24);
    if (hf->segSize != seg->size) return "stale: the segment's size differs from the hint's";
    return NULL;
}

int hintOpen(segment *seg, hintFile *hf, char *err, size_t errlen) {
    memset(hf, 0, sizeof(*hf));
    hf->seg = seg;
    hf->map = MAP_FAILED;
    char *path = segmentPath(seg->dir, seg->id, ".hint");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int missing = errno == ENOENT;
        segmentErrorf(err, errlen, "open %s: %s", path, strerror(errno));
        xfree(path);
        return missing ? HINT_MISSING : HINT_INVALID;
    }
    const char *why = NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        segmentErrorf(err, errlen, "stat %s: %s", path, strerror(errno));
        goto fail;
    }
    hf->size = (uint64_t)st.st_size;
    if (hf->size < HINT_HEADER_SIZE + HINT_TRAILER_SIZE) {
        why = "file too short";
        goto fail;
    }
    if (hf->size > SIZE_MAX) {
        why = "file too large to map";
        goto fail;
    }
    /* A hint is never written in place after its rename (hint.h), so the
     * mapping cannot lose pages under us.  Reading it in with
     * MADV_POPULATE_READ (at once rather than page by page) also turns a
     * disk error into an error here, where a scan can take over, instead
     * of a SIGBUS on first access (kernels before 5.14 lack it: EINVAL,
     * and pages then fault in one by one). */
    hf->map = mmap(NULL, (size_t)hf->size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (hf->map == MAP_FAILED) {
        segmentErrorf(err, errlen, "mmap %s: %s", path, strerror(errno));
        goto fail;
    }
#ifdef MADV_POPULATE_READ
    if (madvise((void *)hf->map, (size_t)hf->size, MADV_POPULATE_READ) != 0 && errno != EINVAL) {
        segmentErrorf(err, errlen, "read %s: %s", path, strerror(errno));
        goto fail;
    }
#endif
    if ((why = validateFrame(hf, seg)) == NULL) why = validateEntries(hf);
    if (why) goto fail;
    close(fd);
    xfree(path);
    return HINT_OK;

fail:
    if (why) {
        errno = EBADMSG;
        segmentErrorf(err, errlen, "%s: %s", path, why);
    }
    {
        int saved = errno;
        close(fd);
        xfree(path);
        hintClose(hf);
        errno = saved;
    }
    return HINT_INVALID;
}

/* The ring of hashes a loader's helper computes ahead (hint.h, "Loading
 * the hints of many sealed segments"). */
struct hintLoader {
    segment **segs;
    hintSlot *slots;
    size_t n;
    int threaded;
    pthread_t thread;
    /* step 1 */
    atomic_size_t nextSlot;     /* the next slot to claim */
    pthread_mutex_t lock;
    pthread_cond_t checked;
    size_t nchecked;            /* under lock */
    /* step 2 */
    atomic_uint_fast64_t produced, consumed;
    atomic_int stop;
    /* The helper, finding the ring full, sleeps on 'roomy' (under lock)
     * until the caller has consumed up to 'wake', which is nonzero only
     * while it sleeps, so the caller pays one load per batch for it. */
    atomic_uint_fast64_t wake;
    pthread_cond_t roomy;
    uint64_t ring[HINT_HASH_RING];
};

/* Hands the entries of hf out in batches.  With a loader, g is the number
 * of hf's first entry in the ring's numbering, and the hashes the helper
 * has computed are used (the rest are computed here). */
static int deliverEntries(hintFile *hf, hintLoader *l, uint64_t g, recoveryBatchCallback cb,
                          void *ctx, recoveryResult *res, char *err, size_t errlen) {
    recoveryItem items[HINT_BATCH];
    uint64_t hashes[HINT_BATCH];
    size_t n = 0;
    uint64_t end = hf->size - HINT_TRAILER_SIZE, pos = HINT_HEADER_SIZE;
    while (pos < end) {
        recoveryItem *it = &items[n++];
        decodeEntry(hf->map + pos, &it->hdr, &it->offset);
        it->segId = hf->seg->id;
        it->key = hf->map + pos + HINT_ENTRY_SIZE;
        it->value = NULL;
        it->fromHint = 1;
        pos += HINT_ENTRY_SIZE + (uint64_t)it->hdr.keylen;
        if (recordValueIndexed(&it->hdr, it->key)) {
            it->value = it->key + it->hdr.keylen;
            pos += it->hdr.vallen;
        }
        if (n < HINT_BATCH && pos < end) continue;
        if (l) {
            uint64_t ready = atomic_load_explicit(&l->produced, memory_order_acquire);
            for (size_t i = 0; i < n; i++)
                hashes[i] = g + i < ready ? l->ring[(g + i) % HINT_HASH_RING]
                                          : keydirHash(items[i].key, items[i].hdr.keylen);
        }
        if (cb(ctx, items, l ? hashes : NULL, n) != 0) {
            errno = ECANCELED;
            segmentErrorf(err, errlen, "load %s hint: stopped by the caller", hf->seg->path);
            return HINT_FAILED;
        }
        if (l) {
            g += n;
            /* seq_cst store then load, against the helper's store of
             * 'wake' then load of 'consumed': one of the two sees the
             * other's store, so a sleeping helper is always woken */
            atomic_store(&l->consumed, g);
            uint64_t wake = atomic_load(&l->wake);
            if (wake && g >= wake) {
                pthread_mutex_lock(&l->lock);
                pthread_cond_signal(&l->roomy);
                pthread_mutex_unlock(&l->lock);
            }
        }
        n = 0;
    }
    res->recordsApplied += hf->count;
    res->segmentsFromHints++;
    if (hf->maxSeq > res->maxSeq) res->maxSeq = hf->maxSeq;
    if (hf->maxTimestamp > res->maxTimestamp) res->maxTimestamp = hf->maxTimestamp;
    return HINT_OK;
}

int hintDeliver(hintFile *hf, recoveryBatchCallback cb, void *ctx,
                recoveryResult *res, char *err, size_t errlen) {
    return deliverEntries(hf, NULL, 0, cb, ctx, res, err, errlen);
}

/* ---- Loading on two threads (hint.h) -------------------------------------- */

/* Step 1, on both threads: checks unclaimed slots until none is left,
 * then waits until the other thread's are checked too. */
static void checkSlots(hintLoader *l) {
    size_t i, mine = 0;
    while ((i = atomic_fetch_add(&l->nextSlot, 1)) < l->n) {
        hintSlot *sl = &l->slots[i];
        sl->rc = hintOpen(l->segs[i], &sl->hf, sl->err, sizeof(sl->err));
        mine++;
    }
    pthread_mutex_lock(&l->lock);
    l->nchecked += mine;
    if (l->nchecked == l->n) pthread_cond_broadcast(&l->checked);
    while (l->nchecked < l->n) pthread_cond_wait(&l->checked, &l->lock);
    pthread_mutex_unlock(&l->lock);
}

/* Step 2, on the helper: hashes the entries of the usable hints in
 * delivery order into the ring, keeping at most HINT_HASH_RING entries
 * ahead of the caller, until the end or until told to stop. */
static void hashAhead(hintLoader *l) {
    uint64_t g = 0;
    for (size_t s = 0; s < l->n; s++) {
        if (l->slots[s].rc != HINT_OK) continue;
        const hintFile *hf = &l->slots[s].hf;
        uint64_t end = hf->size - HINT_TRAILER_SIZE, pos = HINT_HEADER_SIZE;
        while (pos < end) {
            if (atomic_load_explicit(&l->stop, memory_order_relaxed)) return;
            uint64_t done = atomic_load_explicit(&l->consumed, memory_order_acquire);
            if (g >= done + HINT_HASH_RING) {
                /* A full ring: sleep until the caller has emptied half
                 * of it (a few ms), so as to wake rarely: on a busy
                 * machine each wake-up may take the caller's core. */
                pthread_mutex_lock(&l->lock);
                atomic_store(&l->wake, g - HINT_HASH_RING / 2);
                while (!atomic_load_explicit(&l->stop, memory_order_relaxed) &&
                       (done = atomic_load(&l->consumed)) < g - HINT_HASH_RING / 2)
                    pthread_cond_wait(&l->roomy, &l->lock);
                atomic_store_explicit(&l->wake, 0, memory_order_relaxed);
                pthread_mutex_unlock(&l->lock);
                if (atomic_load_explicit(&l->stop, memory_order_relaxed)) return;
            }
            /* a block of entries that all fit in the ring; those the
             * caller has passed already are skipped, not hashed */
            uint64_t blockEnd = done + HINT_HASH_RING;
            if (blockEnd > g + HINT_BATCH) blockEnd = g + HINT_BATCH;
            for (; g < blockEnd && pos < end; g++) {
                const char *e = hf->map + pos;
                recordHeader h;
                uint64_t unused;
                decodeEntry(e, &h, &unused);
                uint32_t klen = h.keylen;
                if (g >= done) l->ring[g % HINT_HASH_RING] = keydirHash(e + HINT_ENTRY_SIZE, klen);
                pos += HINT_ENTRY_SIZE + (uint64_t)klen;
                if (recordValueIndexed(&h, e + HINT_ENTRY_SIZE)) pos += h.vallen;
            }
            atomic_store_explicit(&l->produced, g, memory_order_release);
        }
    }
}

static void *loaderMain(void *arg) {
    hintLoader *l = arg;
    checkSlots(l);
    hashAhead(l);
    return NULL;
}

hintLoader *hintLoaderStart(segment **segs, hintSlot *slots, size_t n) {
    hintLoader *l = xcalloc(1, sizeof(*l));
    l->segs = segs;
    l->slots = slots;
    l->n = n;
    atomic_init(&l->nextSlot, 0);
    atomic_init(&l->produced, 0);
    atomic_init(&l->consumed, 0);
    atomic_init(&l->stop, 0);
    atomic_init(&l->wake, 0);
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->checked, NULL);
    pthread_cond_init(&l->roomy, NULL);
    /* Without a thread (none needed, or none to be had) checkSlots below
     * claims every slot and finds them all checked. */
    l->threaded = n > 0 && pthread_create(&l->thread, NULL, loaderMain, l) == 0;
    checkSlots(l);
    return l;
}

int hintLoaderDeliver(hintLoader *l, size_t i, recoveryBatchCallback cb, void *ctx,
                      recoveryResult *res, char *err, size_t errlen) {
    uint64_t g = 0;
    for (size_t s = 0; s < i; s++)
        if (l->slots[s].rc == HINT_OK) g += l->slots[s].hf.count;
    return deliverEntries(&l->slots[i].hf, l->threaded ? l : NULL, g, cb, ctx, res, err,
                          errlen);
}

int hintLoaderThreaded(const hintLoader *l) { return l->threaded; }

void hintLoaderFinish(hintLoader *l) {
    if (l == NULL) return;
    pthread_mutex_lock(&l->lock);
    atomic_store_explicit(&l->stop, 1, memory_order_relaxed);
    pthread_cond_signal(&l->roomy);
    pthread_mutex_unlock(&l->lock);
    if (l->threaded) pthread_join(l->thread, NULL);
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->checked);
    pthread_cond_destroy(&l->roomy);
    xfree(l);
}

void hintClose(hintFile *hf) {
    if (hf->map != MAP_FAILED && hf->map != NULL) munmap((void *)hf->map, (size_t)hf->size);
    hf->map = MAP_FAILED;
    xfree(hf->dbEntries);
    hf->dbEntries = NULL;
    hf->ndb = 0;
}

/* hintLoad's callback adapter: a batch to one call per item. */
typedef struct itemAdapter {
    recoveryCallback cb;
    void *ctx;
} itemAdapter;

static int deliverItems(void *ctx, const recoveryItem *items, const uint64_t *hashes,
                        size_t n) {
    (void)hashes;
    itemAdapter *a = ctx;
    for (size_t i = 0; i < n; i++)
        if (a->cb(a->ctx, &items[i]) != 0) return 1;
    return 0;
}

int hintLoad(segment *seg, const recoveryOptions *opts, recoveryCallback cb,
             void *ctx, recoveryResult *res, char *err, size_t errlen) {
    (void)opts;
    hintFile hf;
    int rc = hintOpen(seg, &hf, err, errlen);
    if (rc != HINT_OK) return rc;
    itemAdapter a = {cb, ctx};
    rc = cb ? hintDeliver(&hf, deliverItems, &a, res, err, errlen) : HINT_OK;
    if (!cb) {
        res->recordsApplied += hf.count;
        res->segmentsFromHints++;
        if (hf.maxSeq > res->maxSeq) res->maxSeq = hf.maxSeq;
        if (hf.maxTimestamp > res->maxTimestamp) res->maxTimestamp = hf.maxTimestamp;
    }
    hintClose(&hf);
    return rc;
}

int hintScanInstead(segment *seg, const recoveryOptions *opts, int hintRc,
                    const char *hintErr, recoveryCallback cb, void *ctx,
                    recoveryResult *res, char *err, size_t errlen) {
    if (hintRc == HINT_INVALID && opts && opts->log) {
        char msg[400];
        snprintf(msg, sizeof(msg), "Hint file unusable (%s); scanning %s instead", hintErr,
                 seg->path);
        opts->log(RECOVERY_LOG_WARNING, msg);
    }
    return recoveryScan(seg, opts, cb, ctx, res, err, errlen);
}

int hintLoadOrScan(segment *seg, const recoveryOptions *opts,
                   recoveryCallback cb, void *ctx, recoveryResult *res,
                   char *err, size_t errlen) {
    int rc = HINT_MISSING;
    char herr[256] = "";
    if (opts == NULL || !opts->active) {
        rc = hintLoad(seg, opts, cb, ctx, res, herr, sizeof(herr));
        if (rc == HINT_OK) return 0;
        if (rc == HINT_FAILED) {
            segmentErrorf(err, errlen, "%s", herr);
            return -1;
        }
    }
    return hintScanInstead(seg, opts, rc, herr, cb, ctx, res, err, errlen);
}
