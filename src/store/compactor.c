/* store/compactor.c -- the compaction worker thread and its mailbox (see
 * compactor.h for the protocol).
 *
 * The worker never touches the key directory or any store state: what it
 * knows of the data set is the input segments it was given and the
 * verdicts the owner writes into the candidates.  Everything it shares
 * with the owner thread is under 'lock'. */
#include "store/compactor.h"

#include "lib/alloc.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A verdict round trip is made per this many candidates (or key bytes):
 * small enough that the owner's part takes a fraction of a millisecond. */
#define COMPACT_BATCH_CANDS 256
#define COMPACT_BATCH_KEYBYTES (256 * 1024)

struct compactor {
    compactConfig cfg;          /* inputs: a private copy of the array */
    pthread_t thread;
    int efd;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    int state;                  /* the pending request, or RUNNING */
    int cancelled;

    /* candidates of the current batch */
    compactCand *cands;
    size_t ncands, candCap;
    char *arena;                /* their keys */
    size_t arenaLen, arenaCap;
    segment *curInput;

    /* outputs */
    segment **outputs;
    size_t noutputs;
    size_t announced;           /* outputs[0..announced) were announced */
    uint64_t nextOutputId;
    hintWriter *hint;           /* of the last output */
    uint64_t hintMaxSeq;
    int64_t hintMaxTs;

    segment **toDelete;
    size_t ntoDelete;

    char *rec;                  /* copy buffer */
    size_t recCap;
    compactStats stats;
};

/* ------------------------------------------------------------- mailbox */

/* Worker: posts request 'what' and waits for the owner's reply.  0, or -1
 * when the merge was cancelled. */
static int request(compactor *c, int what) {
    pthread_mutex_lock(&c->lock);
    if (c->cancelled) {
        pthread_mutex_unlock(&c->lock);
        return -1;
    }
    c->state = what;
    uint64_t one = 1;
    ssize_t w = write(c->efd, &one, sizeof(one));
    (void)w; /* an eventfd write only fails when the counter overflows */
    while (c->state == what && !c->cancelled) pthread_cond_wait(&c->cond, &c->lock);
    int rc = c->cancelled ? -1 : 0;
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int compactorPoll(compactor *c) {
    uint64_t n;
    ssize_t r = read(c->efd, &n, sizeof(n));
    (void)r; /* EAGAIN: nothing new, the state says what is pending */
    pthread_mutex_lock(&c->lock);
    int st = c->state;
    pthread_mutex_unlock(&c->lock);
    return st;
}

compactCand *compactorCands(compactor *c, size_t *n) {
    *n = c->ncands;
    return c->cands;
}

segment **compactorNewOutputs(compactor *c, size_t *n) {
    *n = c->noutputs - c->announced;
    return c->outputs + c->announced;
}

void compactorDeleteInput(compactor *c, segment *seg) {
    c->toDelete = xrealloc(c->toDelete, sizeof(segment *) * (c->ntoDelete + 1));
    c->toDelete[c->ntoDelete++] = seg;
}

void compactorReply(compactor *c) {
    pthread_mutex_lock(&c->lock);
    c->state = COMPACT_RUNNING;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

void compactorCancel(compactor *c) {
    pthread_mutex_lock(&c->lock);
    c->cancelled = 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->lock);
}

/* -------------------------------------------------------------- outputs */

static void failf(compactor *c, const char *fmt, const char *detail) {
    if (c->stats.error[0] == '\0') snprintf(c->stats.error, sizeof(c->stats.error), fmt, detail);
}

/* Seals the newest output, publishes it under its real name, then commits
 * its hint (a hint never exists without its segment).  0 or -1. */
static int finishOutput(compactor *c) {
    if (c->noutputs == 0) return 0;
    segment *out = c->outputs[c->noutputs - 1];
    if (out->sealed) return 0;
    char err[256];
    if (segmentSeal(out, err, sizeof(err)) < 0 || segmentPublish(out, err, sizeof(err)) < 0) {
        failf(c, "%s", err);
        hintWriterAbort(c->hint);
        c->hint = NULL;
        return -1;
    }
    if (c->hint && hintWriterCommit(c->hint, segmentSize(out), c->hintMaxSeq, c->hintMaxTs, err,
                                    sizeof(err)) < 0) {
        /* Not fatal: startup scans a segment without a hint. */
    }
    c->hint = NULL;
    return 0;
}

/* The output the next 'size' bytes go to: the newest one, or a new one
 * once it has reached segment-size (while output ids last; after that
 * the last output keeps growing up to maxOffset). */
static segment *outputFor(compactor *c, uint64_t size) {
    segment *cur = c->noutputs ? c->outputs[c->noutputs - 1] : NULL;
    int full = cur && segmentSize(cur) >= c->cfg.segmentSize;
    if (cur && (!full || c->nextOutputId >= c->cfg.outputIdLimit)) {
        if (segmentSize(cur) + size <= c->cfg.maxOffset) return cur;
        failf(c, "%s", "compaction outputs ran out of room");
        return NULL;
    }
    if (c->nextOutputId >= c->cfg.outputIdLimit) {
        failf(c, "%s", "compaction outputs ran out of ids");
        return NULL;
    }
    if (finishOutput(c) < 0) return NULL;
    char err[256];
    segment *out = segmentCreateTemp(c->cfg.dir, c->nextOutputId, err, sizeof(err));
    if (!out) {
        failf(c, "%s", err);
        return NULL;
    }
    c->nextOutputId++;
    c->outputs = xrealloc(c->outputs, sizeof(segment *) * (c->noutputs + 1));
    c->outputs[c->noutputs++] = out;
    c->hint = hintWriterOpen(c->cfg.dir, out->id, err, sizeof(err));
    c->hintMaxSeq = 0;
    c->hintMaxTs = 0;
    return out;
}

/* Appends the checked record rec (size bytes, header *h) to an output,
 * adds its hint entry and sets cd's out/outOffset.  0 or -1. */
static int appendCopy(compactor *c, compactCand *cd, const char *rec, uint64_t size,
                      const recordHeader *h) {
    segment *out = outputFor(c, size);
    if (!out) return -1;
    struct iovec iov = {(void *)rec, size};
    uint64_t off;
    char err[256];
    if (segmentAppendv(out, &iov, 1, &off, err, sizeof(err)) < 0) {
        failf(c, "%s", err);
        return -1;
    }
    if (c->hint && hintWriterAdd(c->hint, off, h, rec + RECORD_HEADER_SIZE,
                                 rec + RECORD_HEADER_SIZE + h->keylen, err, sizeof(err)) < 0) {
        hintWriterAbort(c->hint);
        c->hint = NULL;
    }
    if (h->seq > c->hintMaxSeq) c->hintMaxSeq = h->seq;
    if (h->timestamp > c->hintMaxTs) c->hintMaxTs = h->timestamp;
    cd->out = out;
    cd->outOffset = off;
    c->stats.bytesWritten += size;
    c->stats.recordsCopied++;
    return 0;
}

/* Appends the owner's materialised record of a patched key (cd->whole)
 * to an output.  0 or -1. */
static int writeWhole(compactor *c, compactCand *cd) {
    recordHeader h;
    if (recordDecodeHeader(cd->whole, cd->wholeSize, 0, &h, NULL) != RECORD_OK) {
        failf(c, "%s", "materialised record does not decode");
        return -1;
    }
    return appendCopy(c, cd, cd->whole, cd->wholeSize, &h);
}

/* Frees the materialised records of the current candidates. */
static void freeWholes(compactor *c) {
    for (size_t i = 0; i < c->ncands; i++) {
        xfree(c->cands[i].whole);
        c->cands[i].whole = NULL;
    }
}

/* Reads the record of one live candidate, checks it, and appends it to
 * an output with the owner's expiry.  0 (the candidate's out/outOffset
 * set, or live cleared when the input record is damaged) or -1. */
static int copyRecord(compactor *c, compactCand *cd) {
    if (cd->whole) return writeWhole(c, cd);
    uint64_t size = recordEncodedSize(cd->klen, cd->vlen);
    if (size > c->recCap) {
        c->rec = xrealloc(c->rec, size);
        c->recCap = size;
    }
    char err[256];
    recordHeader h;
    if (segmentRead(cd->in, cd->inOffset, size, c->rec, err, sizeof(err)) < 0) {
        failf(c, "%s", err);
        return -1;
    }
    c->stats.bytesRead += size;
    if (recordDecodeHeader(c->rec, size, 0, &h, NULL) != RECORD_OK || h.type != cd->type ||
        h.keylen != cd->klen || h.vallen != cd->vlen || !recordVerify(&h, c->rec)) {
        c->stats.damaged++;
        cd->live = 0; /* stays where it is: the owner keeps its segment */
        return 0;
    }
    if (h.expireAt != cd->expireAt) {
        h.expireAt = cd->expireAt;
        recordEncodeHeader(c->rec, &h, c->rec + RECORD_HEADER_SIZE,
                           c->rec + RECORD_HEADER_SIZE + h.keylen);
    }
    return appendCopy(c, cd, c->rec, size, &h);
}

/* One round: verdicts for the collected candidates, copies of the live
 * ones, relocations.  0 or -1. */
static int flushBatch(compactor *c) {
    if (c->ncands == 0) return 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = request(c, COMPACT_NEED_VERDICT);
    size_t live = 0;
    for (size_t i = 0; i < c->ncands && rc == 0; i++) {
        compactCand *cd = &c->cands[i];
        cd->out = NULL;
        if (!cd->live) continue;
        if (copyRecord(c, cd) < 0) rc = -1;
        else if (cd->live) live++;
    }
    freeWholes(c);
    if (rc < 0) return -1;
    if (live) {
        /* Outputs are announced only with a request the owner sees. */
        if (request(c, COMPACT_NEED_RELOCATE) < 0) return -1;
        c->announced = c->noutputs;
    }
    c->ncands = 0;
    c->arenaLen = 0;
    /* Duty cycle: rest as long as the round took, so the merge takes at
     * most about half a core from a busy server. */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    if (ns > 0) {
        struct timespec rest = {ns / 1000000000LL, ns % 1000000000LL};
        nanosleep(&rest, NULL);
    }
    return 0;
}

/* Recovery callback over an input: collects its SET, ELEMENT and META
 * records. */
static int collectCand(void *ctx, const recoveryItem *it) {
    compactor *c = ctx;
    if (it->hdr.type != RECORD_SET && it->hdr.type != RECORD_ELEMENT &&
        it->hdr.type != RECORD_META)
        return 0;
    if (c->arenaLen + it->hdr.keylen > c->arenaCap) {
        /* Keys already collected point into the arena: flush first. */
        if (c->ncands && flushBatch(c) < 0) return 1;
        if (it->hdr.keylen > c->arenaCap) {
            c->arenaCap = it->hdr.keylen > COMPACT_BATCH_KEYBYTES ? it->hdr.keylen
                                                                  : COMPACT_BATCH_KEYBYTES;
            c->arena = xrealloc(c->arena, c->arenaCap);
        }
    }
    if (c->ncands == c->candCap) {
        c->candCap = c->candCap ? c->candCap * 2 : 64;
        c->cands = xrealloc(c->cands, sizeof(compactCand) * c->candCap);
    }
    compactCand *cd = &c->cands[c->ncands++];
    memset(cd, 0, sizeof(*cd));
    cd->in = c->curInput;
    cd->inOffset = it->offset;
    cd->seq = it->hdr.seq;
    cd->type = it->hdr.type;
    cd->db = it->hdr.db;
    cd->klen = it->hdr.keylen;
    cd->vlen = it->hdr.vallen;
    memcpy(c->arena + c->arenaLen, it->key, it->hdr.keylen);
    cd->key = c->arena + c->arenaLen;
    c->arenaLen += it->hdr.keylen;
    if (c->ncands >= COMPACT_BATCH_CANDS && flushBatch(c) < 0) return 1;
    return 0;
}

/* The DBMAP record, first thing in the first output.  0 or -1. */
static int writeDbMap(compactor *c) {
    if (!c->cfg.dbMap) return 0;
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = RECORD_DBMAP;
    h.keylen = c->cfg.dbMapLen;
    h.seq = c->cfg.dbMapSeq;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    h.timestamp = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    uint64_t size = recordEncodedSize(h.keylen, 0);
    char *buf = xmalloc(size);
    recordEncode(buf, &h, c->cfg.dbMap, NULL);
    segment *out = outputFor(c, size);
    char err[256];
    struct iovec iov = {buf, size};
    uint64_t off;
    int rc = out ? segmentAppendv(out, &iov, 1, &off, err, sizeof(err)) : -1;
    if (rc < 0 && out) failf(c, "%s", err);
    if (rc == 0 && c->hint &&
        hintWriterAdd(c->hint, off, &h, c->cfg.dbMap, NULL, err, sizeof(err)) < 0) {
        hintWriterAbort(c->hint);
        c->hint = NULL;
    }
    if (rc == 0 && h.seq > c->hintMaxSeq) c->hintMaxSeq = h.seq;
    xfree(buf);
    return rc;
}

/* Copies the live records of every input.  0 or -1. */
static int copyInputs(compactor *c) {
    recoveryOptions ro = {0};
    for (size_t i = 0; i < c->cfg.ninputs; i++) {
        recoveryResult res;
        recoveryResultInit(&res);
        char err[256];
        c->curInput = c->cfg.inputs[i];
        int rc = hintLoadOrScan(c->curInput, &ro, collectCand, c, &res, err, sizeof(err));
        c->stats.damaged += res.damageTotal;
        recoveryResultFree(&res);
        if (rc < 0) {
            failf(c, "%s", errno == ECANCELED ? "cancelled" : err);
            return -1;
        }
        if (flushBatch(c) < 0) {
            failf(c, "%s", "cancelled");
            return -1;
        }
    }
    return 0;
}

/* Unlinks the inputs the owner gave up, oldest first, each unlink durable
 * before the next (see compact.c for why the order matters). */
static int deleteInputs(compactor *c) {
    for (size_t i = 0; i < c->ntoDelete; i++) {
        segment *seg = c->toDelete[i];
        char err[256];
        int rc;
        if (seg->tmpPath) {
            rc = unlink(seg->tmpPath) == 0 || errno == ENOENT ? 0 : -1;
            if (rc < 0) snprintf(err, sizeof(err), "unlink %s: %s", seg->tmpPath, strerror(errno));
        } else {
            rc = segmentRemove(c->cfg.dir, seg->id, err, sizeof(err));
        }
        segmentClose(seg);
        c->toDelete[i] = NULL;
        if (rc < 0) {
            failf(c, "%s", err);
            for (size_t j = i + 1; j < c->ntoDelete; j++) segmentClose(c->toDelete[j]);
            c->ntoDelete = 0;
            return -1;
        }
        c->stats.inputsDeleted++;
    }
    c->ntoDelete = 0;
    return 0;
}

static void *workerMain(void *arg) {
    compactor *c = arg;
    int ok = writeDbMap(c) == 0 && copyInputs(c) == 0 && finishOutput(c) == 0;
    if (ok && c->announced < c->noutputs) ok = request(c, COMPACT_NEED_RELOCATE) == 0;
    if (ok) c->announced = c->noutputs;
    if (ok) ok = request(c, COMPACT_NEED_COMMIT) == 0 && deleteInputs(c) == 0;
    if (!ok) {
        hintWriterAbort(c->hint);
        c->hint = NULL;
        for (size_t i = 0; i < c->noutputs; i++) {
            char err[256];
            segmentSeal(c->outputs[i], err, sizeof(err)); /* read-only from now on */
        }
        failf(c, "%s", "cancelled");
    }
    pthread_mutex_lock(&c->lock);
    c->state = ok ? COMPACT_DONE : COMPACT_FAILED;
    uint64_t one = 1;
    ssize_t w = write(c->efd, &one, sizeof(one));
    (void)w;
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ------------------------------------------------------------ lifecycle */

compactor *compactorStart(const compactConfig *cfg, char *err, size_t errlen) {
    compactor *c = xcalloc(1, sizeof(*c));
    c->cfg = *cfg;
    if (cfg->dbMap) {
        char *map = xmalloc(cfg->dbMapLen);
        memcpy(map, cfg->dbMap, cfg->dbMapLen);
        c->cfg.dbMap = map;
    }
    c->cfg.inputs = xmalloc(sizeof(segment *) * (cfg->ninputs ? cfg->ninputs : 1));
    memcpy(c->cfg.inputs, cfg->inputs, sizeof(segment *) * cfg->ninputs);
    c->nextOutputId = cfg->firstOutputId;
    c->efd = cfg->notifyFd;
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->cond, NULL);
    int rc = pthread_create(&c->thread, NULL, workerMain, c);
    if (rc != 0) {
        snprintf(err, errlen, "pthread_create: %s", strerror(rc));
        pthread_mutex_destroy(&c->lock);
        pthread_cond_destroy(&c->cond);
        xfree(c->cfg.inputs);
        xfree((char *)c->cfg.dbMap);
        xfree(c);
        return NULL;
    }
    return c;
}

void compactorFinish(compactor *c, segment ***outputs, size_t *noutputs, compactStats *st) {
    pthread_join(c->thread, NULL);
    *outputs = c->outputs;
    *noutputs = c->noutputs;
    *st = c->stats;
    for (size_t i = 0; i < c->ntoDelete; i++) segmentClose(c->toDelete[i]);
    xfree(c->toDelete);
    xfree(c->cands);
    xfree(c->arena);
    xfree(c->rec);
    xfree(c->cfg.inputs);
    xfree((char *)c->cfg.dbMap);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->cond);
    xfree(c);
}
