/* store/compactor.h -- the background half of compaction (merge).
 *
 * A merge rewrites the live records of a set of sealed INPUT segments into
 * new OUTPUT segments and then deletes the inputs.  It is split in two so
 * that the reactor never waits on a disk:
 *
 *   - the worker thread (this module) does all the I/O: it reads each
 *     input's hint (or scans it), copies records into outputs, fsyncs,
 *     publishes the outputs, writes their hints and unlinks inputs;
 *   - the owner thread (the store, compact.c) is the only one that touches
 *     the key directory: it decides which records are live and applies the
 *     relocations, "only where the entry still points at the old place".
 *
 * They talk through one mailbox.  The worker posts a request and waits;
 * the owner sees the request (notifyFd, an eventfd, becomes readable),
 * handles it
 * and calls compactorReply().  Requests, in order:
 *
 *   COMPACT_NEED_VERDICT   cands[0..ncands) are SET, ELEMENT and META
 *                          records of one input, in file order; the owner sets live and expireAt
 *                          of each (expireAt is written into the copy).
 *                          For the base SET of a patched key the owner
 *                          also hands over 'whole': the key's value
 *                          materialised as one encoded SET record, which
 *                          the worker writes instead of the input record
 *                          (and frees, written or not).
 *   COMPACT_NEED_RELOCATE  the live ones were copied (outSeg/outOffset
 *                          set); newOutputs[0..nnewOutputs) are outputs
 *                          created since the last request, for reads.
 *   COMPACT_NEED_COMMIT    every output is durable and published; the
 *                          owner fills toDelete with the inputs it gives up
 *                          (oldest first), and the worker unlinks, closes
 *                          and frees them, each unlink made durable before
 *                          the next.
 *   COMPACT_DONE / COMPACT_FAILED   the worker has finished; the owner
 *                          calls compactorFinish.
 *
 * Ownership: input segments belong to the owner until handed over in
 * toDelete; the worker only preads them.  Outputs belong to the worker
 * until COMPACT_DONE/FAILED (the owner may pread them, by fd, once they
 * were announced); compactorFinish hands them to the owner.
 *
 * Crash safety (why the owner may delete inputs at all) is explained in
 * compact.c. */
#ifndef REDIS_KV_COMPACTOR_H
#define REDIS_KV_COMPACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "store/segment.h"

#define COMPACT_RUNNING 0
#define COMPACT_NEED_VERDICT 1
#define COMPACT_NEED_RELOCATE 2
#define COMPACT_NEED_COMMIT 3
#define COMPACT_DONE 4
#define COMPACT_FAILED 5

/* One SET, ELEMENT or META record of an input (the records a key, an
 * element or a metadata entry may still point at; every other kind is
 * never copied). */
typedef struct compactCand {
    segment *in;
    uint64_t inOffset;
    uint64_t seq;
    uint8_t type;         /* RECORD_SET, RECORD_ELEMENT or RECORD_META */
    uint16_t db;
    uint32_t klen, vlen;  /* klen: the whole key field (an element's
                             header, key and name) */
    const char *key;      /* into the worker's key arena */
    /* the owner's verdict */
    int live;
    int64_t expireAt;
    int materialised;     /* the base of a patched key: whole is set */
    char *whole;          /* NULL, or the materialised SET (xmalloc'd) */
    uint64_t wholeSize;   /* its bytes */
    uint32_t wholeVlen;   /* its value length */
    uint32_t fromSegment, fromOffset; /* the key's newest record then */
    /* where the worker copied it (live ones) */
    segment *out;
    uint64_t outOffset;
} compactCand;

typedef struct compactConfig {
    const char *dir;
    segment **inputs;     /* sealed, sorted by id; the array is copied */
    size_t ninputs;
    uint64_t firstOutputId; /* outputs take ids [first, limit) ... */
    uint64_t outputIdLimit;
    uint64_t segmentSize; /* ... rolling over past this size */
    uint64_t maxOffset;   /* an output never grows past this */
    int notifyFd;         /* the owner's eventfd (not owned): one is
                             written to it at each request */
    /* The database map when the merge began (replay.h), written as a
     * DBMAP record at the start of the first output because the SWAPDB
     * records of the inputs are not copied; NULL when it is the identity. */
    const char *dbMap;    /* copied */
    uint32_t dbMapLen;
    uint64_t dbMapSeq;
} compactConfig;

typedef struct compactStats {
    uint64_t bytesRead;       /* input records examined (live or not) */
    uint64_t bytesWritten;    /* copied into outputs */
    uint64_t recordsCopied;
    uint64_t damaged;         /* input records that failed their checksum */
    uint64_t inputsDeleted;
    char error[256];          /* why COMPACT_FAILED */
} compactStats;

typedef struct compactor compactor;

/* Starts the worker.  NULL (with err) if the thread cannot be created. */
compactor *compactorStart(const compactConfig *cfg, char *err, size_t errlen);

/* The pending request, COMPACT_RUNNING if none.  Clears the eventfd. */
int compactorPoll(compactor *c);

/* The request's data (valid until compactorReply). */
compactCand *compactorCands(compactor *c, size_t *n);
segment **compactorNewOutputs(compactor *c, size_t *n);

/* For COMPACT_NEED_COMMIT: gives up an input (oldest first). */
void compactorDeleteInput(compactor *c, segment *seg);

/* Answers the pending request; the worker goes on. */
void compactorReply(compactor *c);

/* Asks the worker to stop at its next request (outputs not yet published
 * stay temporary files, which startup removes). */
void compactorCancel(compactor *c);

/* Joins the worker (after COMPACT_DONE/FAILED, or after compactorCancel)
 * and frees it.  The outputs, sealed, go to *outputs (xfree the array);
 * stats are copied to *st. */
void compactorFinish(compactor *c, segment ***outputs, size_t *noutputs,
                     compactStats *st);

#endif
