/* store/recovery.c -- segment scanning and validation (policy in recovery.h).
 */
#include "store/recovery.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"

#define NO_OFFSET UINT64_MAX
#define MIN_BUFFER 4096

void recoveryResultInit(recoveryResult *r) {
    memset(r, 0, sizeof(*r));
}

void recoveryResultFree(recoveryResult *r) {
    for (size_t i = 0; i < r->damageCount; i++) xfree(r->damage[i].path);
    xfree(r->damage);
    memset(r, 0, sizeof(*r));
}

static void logf_(const recoveryOptions *opts, int level, const char *fmt,
                  ...) __attribute__((format(printf, 3, 4)));
static void logf_(const recoveryOptions *opts, int level, const char *fmt,
                  ...) {
    if (opts == NULL || opts->log == NULL) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    opts->log(level, msg);
}

void recoveryAddDamage(recoveryResult *res, const recoveryOptions *opts,
                       const segment *seg, uint64_t offset, uint64_t length,
                       const char *reason) {
    res->damageTotal++;
    logf_(opts, RECOVERY_LOG_WARNING,
          "Damaged data in %s at offset %" PRIu64 " (%" PRIu64
          " bytes): %s; not loaded",
          seg->path, offset, length, reason);
    if (res->damageCount >= RECOVERY_MAX_DAMAGE) return;
    if (res->damageCount == res->damageCap) {
        res->damageCap = res->damageCap ? res->damageCap * 2 : 8;
        res->damage = xrealloc(res->damage,
                               res->damageCap * sizeof(*res->damage));
    }
    recoveryDamage *d = &res->damage[res->damageCount++];
    d->path = xstrdup(seg->path);
    d->segId = seg->id;
    d->offset = offset;
    d->length = length;
    snprintf(d->reason, sizeof(d->reason), "%s", reason);
}

/* A record held back until its batch commits. */
typedef struct pendingRecord {
    uint64_t offset;
    recordHeader hdr;
    size_t keyOff;      /* into batchState.keys; an indexed value
                           (recordValueIndexed) follows the key there */
    int hasValue;
} pendingRecord;

typedef struct batchState {
    int open;
    int broken;             /* damage seen inside the batch */
    uint64_t begin;         /* offset of BATCH_BEGIN */
    uint64_t seq;
    uint32_t count;         /* declared */
    pendingRecord *recs;
    size_t nrecs, caprecs;
    char *keys;
    size_t keylen, keycap;
} batchState;

/* Everything one scan needs, so helpers take a single pointer. */
typedef struct scanState {
    segment *seg;
    const recoveryOptions *opts;
    recoveryCallback cb;
    void *ctx;
    recoveryResult *res;
    batchState batch;
    uint64_t badStart;      /* start of the current damaged region */
    const char *badReason;
} scanState;

static void batchReset(batchState *b) {
    b->open = 0;
    b->broken = 0;
    b->nrecs = 0;
    b->keylen = 0;
}

static void batchFree(batchState *b) {
    xfree(b->recs);
    xfree(b->keys);
}

static void batchPush(batchState *b, uint64_t offset, const recordHeader *h,
                      const char *key, const char *value) {
    size_t vlen = value ? h->vallen : 0;
    if (b->nrecs == b->caprecs) {
        b->caprecs = b->caprecs ? b->caprecs * 2 : 16;
        b->recs = xrealloc(b->recs, b->caprecs * sizeof(*b->recs));
    }
    if (b->keycap - b->keylen < h->keylen + vlen) {
        size_t cap = b->keycap ? b->keycap : 256;
        while (cap - b->keylen < h->keylen + vlen) cap *= 2;
        b->keys = xrealloc(b->keys, cap);
        b->keycap = cap;
    }
    pendingRecord *p = &b->recs[b->nrecs++];
    p->offset = offset;
    p->hdr = *h;
    p->keyOff = b->keylen;
    if (h->keylen) memcpy(b->keys + b->keylen, key, h->keylen);
    if (vlen) memcpy(b->keys + b->keylen + h->keylen, value, vlen);
    p->hasValue = value != NULL;
    b->keylen += h->keylen + vlen;
}

/* Drops the open batch, reporting it as damage ending at 'end'. */
static void batchDrop(scanState *st, uint64_t end, const char *reason) {
    char why[112];
    snprintf(why, sizeof(why), "batch seq %" PRIu64 " dropped: %s",
             st->batch.seq, reason);
    recoveryAddDamage(st->res, st->opts, st->seg, st->batch.begin,
                      end - st->batch.begin, why);
    st->res->batchesDropped++;
    batchReset(&st->batch);
}

static int deliver(scanState *st, uint64_t offset, const recordHeader *h,
                   const char *key, const char *value) {
    recoveryItem it;
    it.segId = st->seg->id;
    it.offset = offset;
    it.hdr = *h;
    it.key = key;
    it.value = value;
    it.fromHint = 0;
    st->res->recordsApplied++;
    if (st->cb == NULL) return 0;
    return st->cb(st->ctx, &it);
}

/* Notes that the bytes at 'offset' are bad (opens a damaged region). */
static void markBad(scanState *st, uint64_t offset, const char *reason) {
    if (st->badStart != NO_OFFSET) return;
    st->badStart = offset;
    st->badReason = reason;
}

/* Closes the damaged region (if any) at 'end', where a good record
 * starts. */
static void closeBad(scanState *st, uint64_t end) {
    if (st->badStart == NO_OFFSET) return;
    recoveryAddDamage(st->res, st->opts, st->seg, st->badStart,
                      end - st->badStart, st->badReason);
    if (st->batch.open) st->batch.broken = 1;
    st->badStart = NO_OFFSET;
}

/* Applies one good record.  'value' points at its value bytes when the
 * caller had them in memory (always for batch markers).  Returns the
 * callback's non-zero value to stop. */
static int applyRecord(scanState *st, uint64_t offset, uint64_t end,
                       const recordHeader *h, const char *key,
                       const char *value) {
    batchState *b = &st->batch;
    switch (h->type) {
    case RECORD_BATCH_BEGIN:
        if (b->open) {
            batchDrop(st, offset, "another batch began before its commit");
        }
        b->open = 1;
        b->broken = 0;
        b->begin = offset;
        b->seq = h->seq;
        b->count = recordDecodeBatchCount(value);
        b->nrecs = 0;
        b->keylen = 0;
        return 0;
    case RECORD_BATCH_COMMIT:
        if (!b->open) {
            recoveryAddDamage(st->res, st->opts, st->seg, offset,
                              end - offset,
                              "batch commit without a batch begin (ignored)");
            return 0;
        }
        if (h->seq != b->seq) {
            batchDrop(st, end, "commit has a different sequence number");
            return 0;
        }
        if (b->broken) {
            batchDrop(st, end, "damaged data inside the batch");
            return 0;
        }
        if (b->nrecs != b->count) {
            batchDrop(st, end, "record count differs from the batch header");
            return 0;
        }
        for (size_t i = 0; i < b->nrecs; i++) {
            pendingRecord *p = &b->recs[i];
            const char *k = b->keys + p->keyOff;
            int rc = deliver(st, p->offset, &p->hdr, k, p->hasValue ? k + p->hdr.keylen : NULL);
            if (rc) return rc;
        }
        st->res->batchesApplied++;
        batchReset(b);
        return 0;
    default:
        /* only the values an index needs go on (recovery.h) */
        if (!recordValueIndexed(h, key)) value = NULL;
        if (b->open) {
            batchPush(b, offset, h, key, value);
            return 0;
        }
        return deliver(st, offset, h, key, value);
    }
}

recoveryHeaderState recoveryClassifyHeader(const segment *seg) {
    if (seg->headerOk) return RECOVERY_HEADER_OK;
    return seg->size <= SEGMENT_HEADER_SIZE ? RECOVERY_HEADER_UNWRITTEN
                                            : RECOVERY_HEADER_DAMAGED;
}

/* The active segment's header was never written (recovery.h, "The newest
 * segment"): write it, or with dryRun only say so. */
static int writeUnwrittenHeader(segment *seg, const recoveryOptions *opts,
                                recoveryResult *res, char *err,
                                size_t errlen) {
    uint64_t had = seg->size;
    char why[sizeof(seg->headerError)];
    snprintf(why, sizeof(why), "%s", seg->headerError);
    res->segmentsScanned++;
    res->bytesScanned += had;
    res->headersWritten++;
    res->tornBytes += had;
    res->tornOffset = 0;
    res->tornSegId = seg->id;
    if (opts->dryRun) {
        logf_(opts, RECOVERY_LOG_WARNING,
              "Segment %s has no header (%s, %" PRIu64 " bytes), so no "
              "record (a crash between its creation and its header, or "
              "lost blocks): its header would be written", seg->path, why,
              had);
        return 0;
    }
    if (segmentWriteHeader(seg, err, errlen) != 0) return -1;
    res->tornCut = 1;
    logf_(opts, RECOVERY_LOG_WARNING,
          "Segment %s had no header (%s, %" PRIu64 " bytes), so no record "
          "(a crash between its creation and its header, or lost blocks): "
          "header written", seg->path, why, had);
    return 0;
}

int recoveryScan(segment *seg, const recoveryOptions *opts,
                 recoveryCallback cb, void *ctx, recoveryResult *res,
                 char *err, size_t errlen) {
    static const recoveryOptions defaults = {0, 0, 0, 0, NULL};
    if (opts == NULL) opts = &defaults;
    recoveryHeaderState hs = recoveryClassifyHeader(seg);
    recoveryOptions sealedOpts;
    if (opts->active && hs == RECOVERY_HEADER_DAMAGED) {
        /* Real damage: never cut, never made appendable (recovery.h). */
        sealedOpts = *opts;
        sealedOpts.active = 0;
        opts = &sealedOpts;
    }
    if (opts->active && !opts->dryRun && !seg->writable) {
        errno = EBADF;
        segmentErrorf(err, errlen, "recover %s: the active segment must be "
                      "opened for writing", seg->path);
        return -1;
    }

    scanState st;
    memset(&st, 0, sizeof(st));
    st.seg = seg;
    st.opts = opts;
    st.cb = cb;
    st.ctx = ctx;
    st.res = res;
    st.badStart = NO_OFFSET;
    if (opts->active && hs == RECOVERY_HEADER_UNWRITTEN)
        return writeUnwrittenHeader(seg, opts, res, err, errlen);

    size_t chunk = opts->bufferSize ? opts->bufferSize : 1024 * 1024;
    if (chunk < MIN_BUFFER) chunk = MIN_BUFFER;
    const uint64_t limit = seg->size;
    segmentReader rd;
    segmentReaderInit(&rd, seg->fd, limit, chunk);
    char *keyCopy = NULL;       /* key of a record larger than the buffer */
    size_t keyCopyCap = 0;
    int ret = -1;

    res->segmentsScanned++;
    res->bytesScanned += limit;

    uint64_t pos = SEGMENT_HEADER_SIZE;
    if (!seg->headerOk) {
        char why[sizeof(seg->headerError) + 32];
        snprintf(why, sizeof(why), "bad segment header: %s",
                 seg->headerError);
        recoveryAddDamage(res, opts, seg, 0,
                          limit < SEGMENT_HEADER_SIZE ? limit
                                                      : SEGMENT_HEADER_SIZE,
                          why);
    }

    while (pos < limit) {
        uint64_t avail = limit - pos;
        if (avail < RECORD_HEADER_SIZE) {
            markBad(&st, pos, "incomplete record header");
            break;
        }
        const char *p = segmentReaderGet(&rd, pos, RECORD_HEADER_SIZE);
        if (p == NULL) goto ioerr;
        recordHeader h;
        const char *why = NULL;
        if (recordDecodeHeader(p, RECORD_HEADER_SIZE, opts->maxRecordSize, &h,
                               &why) != RECORD_OK) {
            markBad(&st, pos, why);
            pos++;
            continue;
        }
        uint64_t total = recordEncodedSize(h.keylen, h.vallen);
        if (total > avail) {
            /* The header is genuine (hcrc): the rest of the file is this
             * record's unfinished bytes. */
            markBad(&st, pos, "incomplete record");
            break;
        }

        const char *key, *value = NULL;
        char smallValue[RECORD_ZSET_SCORE_SIZE];
        uint32_t crc;
        if (total <= chunk) {
            p = segmentReaderGet(&rd, pos, (size_t)total);
            if (p == NULL) goto ioerr;
            crc = crc32cUpdate(recordCrcBegin(p), p + RECORD_HEADER_SIZE,
                               (size_t)(total - RECORD_HEADER_SIZE));
            key = p + RECORD_HEADER_SIZE;
            value = key + h.keylen;
        } else {
            /* Large record: keep a copy of the key, stream the value. */
            p = segmentReaderGet(&rd, pos, RECORD_HEADER_SIZE + (size_t)h.keylen);
            if (p == NULL) goto ioerr;
            if (h.keylen > keyCopyCap) {
                xfree(keyCopy);
                keyCopy = xmalloc(h.keylen);
                keyCopyCap = h.keylen;
            }
            if (h.keylen) memcpy(keyCopy, p + RECORD_HEADER_SIZE, h.keylen);
            crc = crc32cUpdate(recordCrcBegin(p), keyCopy, h.keylen);
            uint64_t vpos = pos + RECORD_HEADER_SIZE + h.keylen;
            uint64_t left = h.vallen;
            while (left) {
                size_t n = left > chunk ? chunk : (size_t)left;
                const char *v = segmentReaderGet(&rd, vpos, n);
                if (v == NULL) goto ioerr;
                /* an indexed value is short: it is the whole of one read */
                if (n == h.vallen && n <= sizeof(smallValue)) {
                    memcpy(smallValue, v, n);
                    value = smallValue;
                }
                crc = crc32cUpdate(crc, v, n);
                vpos += n;
                left -= n;
            }
            key = keyCopy;
        }
        if (crc != h.crc) {
            /* Trust the checked header's length and skip the record. */
            markBad(&st, pos, "record checksum mismatch");
            pos += total;
            continue;
        }

        closeBad(&st, pos);
        if (h.seq > res->maxSeq) res->maxSeq = h.seq;
        if (h.timestamp > res->maxTimestamp) res->maxTimestamp = h.timestamp;
        if (applyRecord(&st, pos, pos + total, &h, key, value) != 0) {
            errno = ECANCELED;
            segmentErrorf(err, errlen, "recover %s: stopped by the caller at "
                          "offset %" PRIu64, seg->path, pos);
            goto out;
        }
        pos += total;
    }

    /* End of file: a damaged region or an open batch reaching it. */
    uint64_t cut = NO_OFFSET;
    if (st.batch.open) {
        if (opts->active) {
            cut = st.batch.begin;
            res->batchesDropped++;
            batchReset(&st.batch);
        } else {
            batchDrop(&st, limit, "segment ends before the batch commit");
        }
    }
    if (st.badStart != NO_OFFSET) {
        if (opts->active) {
            if (cut == NO_OFFSET) cut = st.badStart;
            st.badStart = NO_OFFSET;
        } else {
            recoveryAddDamage(res, opts, seg, st.badStart,
                              limit - st.badStart, st.badReason);
        }
    }
    if (cut != NO_OFFSET && cut < limit) {
        res->tornBytes += limit - cut;
        res->tornOffset = cut;
        res->tornSegId = seg->id;
        if (opts->dryRun) {
            logf_(opts, RECOVERY_LOG_WARNING,
                  "Torn tail in %s: %" PRIu64 " bytes at offset %" PRIu64
                  " would be cut",
                  seg->path, limit - cut, cut);
        } else {
            if (segmentTruncate(seg, cut, err, errlen) != 0) goto out;
            res->tornCut = 1;
            logf_(opts, RECOVERY_LOG_WARNING,
                  "Torn tail in %s: cut %" PRIu64 " bytes at offset %" PRIu64,
                  seg->path, limit - cut, cut);
        }
    }
    ret = 0;
    goto out;

ioerr:
    segmentErrorf(err, errlen, "read %s at offset %" PRIu64 ": %s", seg->path,
                  pos, errno == ERANGE ? "unexpected end of file"
                                       : strerror(errno));
out:
    {
        int saved = errno;
        segmentReaderFree(&rd);
        xfree(keyCopy);
        batchFree(&st.batch);
        errno = saved;
    }
    return ret;
}
