/* store/hint.h -- hint files: a sealed segment's key directory, without
 * values.
 *
 * seg-NNNNNNNN.hint sits next to seg-NNNNNNNN.log and lists, in file order,
 * every record a full recoveryScan of the segment would deliver (data
 * records of committed batches included, batch markers left out), so
 * loading it gives the callback exactly the same sequence as a scan, minus
 * reading the values.  Restart time is dominated by this.
 *
 * File layout (little-endian; the contract):
 *
 *   header, 24 bytes
 *      0  8  magic "RKVHINT1"
 *      8  4  version (2; a version 1 file, written before sorted sets,
 *              has no entry with a value and reads the same way)
 *     12  4  reserved, 0
 *     16  8  segment id
 *   entries, one per record, 36 bytes + key (+ value)
 *      0  1  type (a data type of record.h; a PATCH's key field, patch
 *              header included, is the entry's key, so a hint carries
 *              all replay needs to rebuild a chain; an ELEMENT's, with
 *              its element header and name, all a collection's index
 *              needs; a META's is its name: the value is read from
 *              the segment after the load)
 *      1  1  flags
 *      2  2  db
 *      4  4  keylen
 *      8  4  vallen
 *     12  8  offset of the record in the segment file
 *     20  8  expire_at_ms
 *     28  8  seq
 *     36  .. key
 *      .  .. value, only for a record whose value an index needs in
 *              memory (record.h recordValueIndexed: a sorted-set
 *              member's score, 8 bytes): vallen bytes
 *   trailer, 44 bytes
 *      0  8  entry count
 *      8  8  size of the segment file the hint describes
 *     16  8  highest seq of any good record in the segment (markers too)
 *     24  8  highest timestamp_ms
 *     32  8  end magic "RKVHEND\n"
 *     40  4  crc32c of every byte of the file before this field
 *
 * Atomicity: a hint is written to seg-N.hint.tmp, fsynced, renamed over
 * seg-N.hint and the directory fsynced, so a half-written hint is never
 * found under the real name.  Loading checks the whole-file checksum, the
 * structure of every entry (offsets increasing and inside the segment,
 * field rules of record.h) and that the segment still has the size the
 * hint describes, all BEFORE the first callback; a missing, damaged or
 * stale hint therefore costs nothing but a scan of the segment.
 *
 * Items loaded from a hint have fromHint = 1 and hdr.crc, hdr.hcrc and
 * hdr.timestamp set to 0; their checksums were verified when the hint was
 * written (from a scan), not at load time: readers verify a value's record
 * checksum when they read it. */
#ifndef REDIS_KV_HINT_H
#define REDIS_KV_HINT_H

#include <stddef.h>
#include <stdint.h>

#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"

#define HINT_MAGIC "RKVHINT1"
#define HINT_END_MAGIC "RKVHEND\n"
#define HINT_VERSION 2
#define HINT_VERSION_OLDEST 1
#define HINT_HEADER_SIZE 24
#define HINT_ENTRY_SIZE 36 /* without the key */
#define HINT_TRAILER_SIZE 44

/* hintLoad results. */
#define HINT_OK 0
#define HINT_MISSING 1  /* no hint file: scan the segment */
#define HINT_INVALID 2  /* damaged, stale or unreadable (reason in err);
                           nothing was delivered: scan the segment */
#define HINT_FAILED -1  /* I/O error or callback stop after delivery began;
                           do not fall back (err, errno set) */

typedef struct hintWriter hintWriter;

/* Starts seg-<segId>.hint.tmp in dir.  NULL on error. */
hintWriter *hintWriterOpen(const char *dir, uint64_t segId, char *err,
                           size_t errlen);

/* Adds the entry of the data record at 'offset' with header *h and key
 * (h->keylen bytes), and value (h->vallen bytes) when recordValueIndexed
 * says the entry carries it (it must not be NULL then; it is not read
 * otherwise).  Entries must be added in file order.  0 or -1; after an
 * error the writer only accepts hintWriterAbort. */
int hintWriterAdd(hintWriter *w, uint64_t offset, const recordHeader *h,
                  const char *key, const char *value, char *err, size_t errlen);

/* Writes the trailer, fsyncs, renames into place, fsyncs the directory,
 * and frees the writer (always, even on failure, which removes the temp
 * file).  0 or -1. */
int hintWriterCommit(hintWriter *w, uint64_t segSize, uint64_t maxSeq,
                     int64_t maxTimestamp, char *err, size_t errlen);

/* Removes the temp file and frees the writer (NULL is a no-op). */
void hintWriterAbort(hintWriter *w);

/* Scans the sealed segment 'seg' (recoveryScan, no callback needed by the
 * caller) and writes its hint file.  A segment with any damage or dropped
 * batch gets NO hint (fails with EBADMSG), so the damage keeps being
 * reported at every start until the segment is repaired.  opts may be NULL
 * (its active/dryRun fields are ignored).  0 or -1. */
int hintWriteForSegment(segment *seg, const recoveryOptions *opts, char *err,
                        size_t errlen);

/* Loading in two steps, so that a loader can learn the size of what it
 * will load (and pre-size its key directories) before the first entry is
 * delivered.  hintOpen maps the hint read-only and checks all of it (the
 * checks above); hintDeliver then hands the entries out in file order, in
 * batches of up to HINT_BATCH whose keys stay valid until hintClose (they
 * point into the mapping), so the callback may look ahead inside a batch
 * (replayApplyBatch prefetches).  HINT_BATCH: enough items to overlap the
 * cache misses of their key directory inserts, few enough that the items
 * (64 bytes each) stay in L1/L2 next to the mapping's bytes. */
#define HINT_BATCH 256

/* Called with n (>= 1) entries in order; nonzero stops the delivery.
 * hashes is NULL, or hashes[i] is keydirHash of items[i].key (all
 * keylen bytes), computed ahead by a hintLoader's helper thread. */
typedef int (*recoveryBatchCallback)(void *ctx, const recoveryItem *items,
                                     const uint64_t *hashes, size_t n);

typedef struct hintFile {
    segment *seg;
    const char *map;        /* the whole file, or MAP_FAILED */
    uint64_t size;
    uint64_t count, segSize, maxSeq; /* from the trailer */
    int64_t maxTimestamp;
    uint64_t *dbEntries;    /* entries per physical database (the db field) */
    size_t ndb;             /* length of dbEntries */
} hintFile;

/* Maps and validates seg's hint.  HINT_OK (hf is open: call hintClose),
 * HINT_MISSING or HINT_INVALID (reason in err; hf needs no close). */
int hintOpen(segment *seg, hintFile *hf, char *err, size_t errlen);
/* Delivers every entry of an open hint to cb and accumulates into res
 * (recordsApplied, segmentsFromHints, maxSeq, maxTimestamp).  HINT_OK, or
 * HINT_FAILED (errno ECANCELED) when cb stopped it. */
int hintDeliver(hintFile *hf, recoveryBatchCallback cb, void *ctx,
                recoveryResult *res, char *err, size_t errlen);
/* Unmaps and frees; safe to call twice. */
void hintClose(hintFile *hf);

/* Loading the hints of many sealed segments on two threads.  Restart
 * time is spent on one thread, the one that fills the key directories
 * (a keydir is not thread-safe, keydir.h), so the second core takes the
 * work that needs no keydir:
 *
 *   1. hintLoaderStart opens and checks every hint (hintOpen: map, read
 *      in, checksum, entry walk).  The caller and a helper thread share
 *      the slots, each claiming the next unchecked one (an atomic
 *      counter), and hintLoaderStart returns once all are checked, so
 *      the caller can size its key directories (slot rc and hf are then
 *      final and the caller's to read).
 *   2. While the caller delivers the checked hints in segment order
 *      (hintLoaderDeliver), the helper walks the same entries a little
 *      ahead of it and hashes their keys into a ring (HINT_HASH_RING),
 *      which hintLoaderDeliver hands to the callback as 'hashes'.
 *
 * The ring is single-producer (the helper), single-consumer (the
 * caller), entries numbered across the usable hints in delivery order:
 * 'produced' (helper, release) says which numbers it has hashed,
 * 'consumed' (caller, release) which ones the caller no longer needs.
 * The helper writes ring[j % RING] only once j < consumed + RING (the
 * entry that used the slot before is consumed), and the caller reads it
 * only once j < produced; so a slot is never written and read at once.
 * The caller never waits for the helper: an entry not hashed yet is
 * hashed by the caller, and the helper skips what the caller has passed.
 * The helper only reads the hint mappings, which stay mapped until
 * hintLoaderFinish has joined it; it touches no keydir and no segment.
 *
 * Failures: a hint that cannot be used has its slot's rc and err set
 * exactly as hintOpen sets them, on whichever thread checked it (the
 * caller then scans the segment).  When the helper cannot be started,
 * the caller does all of it alone: the same results, one core. */
#define HINT_HASH_RING 65536  /* 512 KB: about 6 ms of the caller's
                                 work; the helper refills it when half
                                 empty, so it wakes about every 3 ms */

typedef struct hintSlot {
    hintFile hf;
    int rc;                 /* hintOpen's */
    char err[256];
} hintSlot;

typedef struct hintLoader hintLoader;

/* Checks the hints of segs[0..n) into slots[0..n) (step 1 above) and
 * leaves the helper hashing for step 2.  Never fails.  segs is read only
 * until it returns (the segments themselves must stay open until
 * hintLoaderFinish); slots must stay put until hintLoaderFinish. */
hintLoader *hintLoaderStart(segment **segs, hintSlot *slots, size_t n);
/* hintDeliver for slot i (whose rc is HINT_OK), with the helper's
 * hashes.  Slots must be delivered in increasing order; skipping some is
 * allowed.  Do not hintClose a slot before hintLoaderFinish. */
int hintLoaderDeliver(hintLoader *l, size_t i, recoveryBatchCallback cb, void *ctx,
                      recoveryResult *res, char *err, size_t errlen);
/* 1 when a helper thread runs (for the log). */
int hintLoaderThreaded(const hintLoader *l);
/* Stops and joins the helper and frees the loader (NULL is a no-op);
 * the slots stay open, for the caller to hintClose. */
void hintLoaderFinish(hintLoader *l);

/* hintOpen + hintDeliver, with one cb call per entry; cb NULL only
 * validates (res is still accumulated).  Returns HINT_OK, HINT_MISSING,
 * HINT_INVALID or HINT_FAILED (above).  opts is unused (may be NULL). */
int hintLoad(segment *seg, const recoveryOptions *opts, recoveryCallback cb,
             void *ctx, recoveryResult *res, char *err, size_t errlen);

/* The fallback after a hint could not be used: logs a HINT_INVALID
 * (hintErr, through opts->log) and scans the segment.  recoveryScan's
 * return values. */
int hintScanInstead(segment *seg, const recoveryOptions *opts, int hintRc,
                    const char *hintErr, recoveryCallback cb, void *ctx,
                    recoveryResult *res, char *err, size_t errlen);

/* The start-up path for one segment: for a sealed segment (opts NULL or
 * !opts->active) try its hint, and on HINT_MISSING / HINT_INVALID (logged
 * through opts->log) fall back to recoveryScan; the active segment is
 * always scanned.  Same return values as recoveryScan. */
int hintLoadOrScan(segment *seg, const recoveryOptions *opts,
                   recoveryCallback cb, void *ctx, recoveryResult *res,
                   char *err, size_t errlen);

#endif
