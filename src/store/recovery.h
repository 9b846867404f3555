/* store/recovery.h -- scanning and validating segment files.
 *
 * recoveryScan() reads one segment from its first record to its end,
 * checks every record (header checksum, field rules, full checksum; see
 * record.h) and hands each good DATA record (set, del, expire, flushdb,
 * flushall, swapdb, dbmap, patch, element, element-del, meta, meta-del)
 * to a callback, in file order.  Values
 * are never kept in memory: the file is read through one buffer
 * (segmentReader), and a record larger than the buffer has its value
 * checksummed piece by piece.
 *
 * Batches.  Records between BATCH_BEGIN and its BATCH_COMMIT are held back
 * (offset, header and a copy of the key only) and delivered when the
 * COMMIT is read, so a batch is applied entirely or not at all.  A batch
 * is DROPPED (never delivered, counted in batchesDropped, reported as
 * damage unless it is a torn tail) when:
 *   - the segment ends before its COMMIT,
 *   - another BATCH_BEGIN comes first,
 *   - the COMMIT's sequence number differs from the BEGIN's,
 *   - the number of records differs from the BEGIN's count, or
 *   - damage was found between BEGIN and COMMIT.
 * A COMMIT with no open batch is reported and ignored.
 *
 * Damage policy: SKIP AND REPORT, never stop.  When the record at offset P
 * is bad:
 *   - its header checks out (hcrc) but the full checksum does not: the
 *     header's length is trusted and scanning resumes right after it;
 *   - its header checks out but the record runs past the end of the file:
 *     the rest of the file is this record's unfinished bytes;
 *   - its header is bad: scanning resynchronises by trying every following
 *     byte offset until a header whose checksum and rules hold, with a
 *     valid full checksum, is found.
 * The bytes from P to the next good record form one damaged region,
 * reported as one recoveryDamage (file, segment id, offset, length, the
 * first reason).  A region that reaches the end of the file is, for the
 * ACTIVE segment, a torn tail: the file is cut at P (ftruncate + fsync),
 * and the cut is reported in tornBytes/tornOffset, not as damage.  An
 * unfinished batch at the end of the active segment is a torn tail too
 * (cut at its BEGIN).  A sealed segment is never modified.
 * Residual risk: when a header is damaged, resynchronising could accept a
 * complete, checksummed record that was stored inside the damaged record's
 * value (e.g. a segment file saved as a value).  The two-checksum format
 * makes that the only way; records with an intact header are skipped
 * exactly.
 *
 * A bad segment file header is reported as damage at offset 0 and the
 * records after it are still scanned (they are self-checking); a header
 * with bytes after it is never truncated or rewritten.
 *
 * The newest segment.  The store appends to the segment with the highest
 * id once recovery has scanned it as the active one, so an active scan
 * must leave a file that appends can follow.  segmentCreate never lets a
 * crash leave seg-N.log without its header, and segmentCreateUnsynced (a
 * rotation) only a power failure before its fsyncs (segment.h), yet a
 * newest file can be found in three states (recoveryClassifyHeader):
 *
 *   RECOVERY_HEADER_OK         the header is valid: records follow, a torn
 *                              tail is cut, appends go to the end.
 *   RECOVERY_HEADER_UNWRITTEN  no valid header, and the file ends within
 *                              the header area: empty, a partial header,
 *                              or 32 bytes that do not check out (magic,
 *                              version, size, id or checksum).  Records
 *                              start at byte 32, so the file holds no
 *                              record and writing its header loses
 *                              nothing.  It is what a crash leaves between
 *                              creating a file and writing its header (a
 *                              program other than segmentCreate, an
 *                              unsynced rotation and a power cut, or a file
 *                              system that lost a new file's blocks).  An
 *                              active scan writes the header
 *                              (segmentWriteHeader: file fsync, then
 *                              directory fsync; its crash reasoning is
 *                              there) before it returns, and reports it
 *                              like a torn tail (headersWritten, the bytes
 *                              in tornBytes).  Appends then start at byte
 *                              32, where the next start looks for them.
 *                              Appending to the file as found put the
 *                              first record at offset 0, where the next
 *                              start saw a bad header and cut the rest as
 *                              a torn tail: acknowledged writes were lost.
 *   RECOVERY_HEADER_DAMAGED    a bad header with bytes after it: they may
 *                              be records (they are still scanned and
 *                              loaded where they check out), so this is
 *                              real damage, and the file is never written
 *                              to.  An active scan treats it as sealed (a
 *                              tail that does not check out is reported as
 *                              damage, not cut), and storeOpen starts a
 *                              new segment after it, leaving the file as
 *                              it is for redis-kv-check; every start
 *                              reports its header again.
 *
 * The classes depend only on the file's size and header, which no
 * appends change, so the check tool (dry run) and the server agree.  A
 * sealed segment is never classified: a bad header there is damage,
 * whatever the file's size. */
#ifndef REDIS_KV_RECOVERY_H
#define REDIS_KV_RECOVERY_H

#include <stddef.h>
#include <stdint.h>

#include "store/record.h"
#include "store/segment.h"

/* Log levels passed to recoveryOptions.log (same numbers as the server's
 * LL_* levels). */
#define RECOVERY_LOG_DEBUG 0
#define RECOVERY_LOG_VERBOSE 1
#define RECOVERY_LOG_NOTICE 2
#define RECOVERY_LOG_WARNING 3

/* At most this many damage entries are kept per result; more are only
 * counted (damageTotal), so a shredded file cannot make memory grow. */
#define RECOVERY_MAX_DAMAGE 1024

/* One good data record, as given to the callback. */
typedef struct recoveryItem {
    uint64_t segId;
    uint64_t offset;    /* where the record starts in the segment file */
    recordHeader hdr;   /* from a hint: crc, hcrc and timestamp are 0 */
    const char *key;    /* hdr.keylen bytes; valid only during the call */
    /* The record's value (hdr.vallen bytes, valid as key) when an index
     * needs it in memory (recordValueIndexed: a sorted-set member's
     * score), from a scan or a hint alike; else NULL. */
    const char *value;
    int fromHint;       /* 1 when loaded from a hint file (hint.h) */
} recoveryItem;

/* Where the item's value starts in the segment file (hdr.vallen bytes). */
static inline uint64_t recoveryItemValueOffset(const recoveryItem *it) {
    return it->offset + RECORD_HEADER_SIZE + it->hdr.keylen;
}

/* Called for every good data record in order.  Return 0 to go on; any
 * other value stops the scan (recoveryScan then fails with ECANCELED and
 * does not truncate anything). */
typedef int (*recoveryCallback)(void *ctx, const recoveryItem *item);

typedef struct recoveryOptions {
    int active;             /* the last segment: a torn tail is cut */
    int dryRun;             /* report a torn tail but do not cut it */
    uint64_t maxRecordSize; /* 0 = no limit beyond the u32 length fields */
    size_t bufferSize;      /* read buffer; 0 = 1 MB (at least 4 KB) */
    /* Optional: receives one line per damage report / torn tail cut. */
    void (*log)(int level, const char *msg);
} recoveryOptions;

typedef struct recoveryDamage {
    char *path;         /* owned */
    uint64_t segId;
    uint64_t offset;
    uint64_t length;    /* bytes not served as data */
    char reason[112];
} recoveryDamage;

/* Accumulates over any number of recoveryScan/hintLoad calls: initialise
 * once with recoveryResultInit, free with recoveryResultFree. */
typedef struct recoveryResult {
    uint64_t segmentsScanned;   /* read record by record */
    uint64_t segmentsFromHints; /* loaded from a hint file (hint.h) */
    uint64_t bytesScanned;
    uint64_t recordsApplied;    /* items given to the callback */
    uint64_t batchesApplied;
    uint64_t batchesDropped;
    uint64_t tornBytes;         /* cut from active segments (or would be,
                                   with dryRun) */
    uint64_t tornOffset;        /* where the last cut happened */
    uint64_t tornSegId;
    int tornCut;                /* 1 when a file was actually truncated
                                   (or its unwritten header written) */
    uint64_t headersWritten;    /* active segments whose unwritten header
                                   was written (or would be, with dryRun):
                                   RECOVERY_HEADER_UNWRITTEN above */
    uint64_t maxSeq;            /* highest seq of any good record seen */
    int64_t maxTimestamp;
    recoveryDamage *damage;     /* owned array of damageCount entries */
    size_t damageCount;
    size_t damageCap;
    uint64_t damageTotal;       /* including entries beyond the cap */
} recoveryResult;

void recoveryResultInit(recoveryResult *r);
void recoveryResultFree(recoveryResult *r);

/* Appends one damage entry (kept up to RECOVERY_MAX_DAMAGE) and logs it.
 * Exposed for hint.c and tools. */
void recoveryAddDamage(recoveryResult *res, const recoveryOptions *opts,
                       const segment *seg, uint64_t offset, uint64_t length,
                       const char *reason);

/* The newest segment's start states (above). */
typedef enum recoveryHeaderState {
    RECOVERY_HEADER_OK,
    RECOVERY_HEADER_UNWRITTEN,
    RECOVERY_HEADER_DAMAGED
} recoveryHeaderState;

/* Which of the three states seg (opened with SEGMENT_OPEN_ANYHEADER, no
 * appends yet) is in.  Reads no file. */
recoveryHeaderState recoveryClassifyHeader(const segment *seg);

/* Scans 'seg' as described above.  seg must have been opened with
 * SEGMENT_OPEN_ANYHEADER (and SEGMENT_OPEN_WRITE when opts->active and not
 * dryRun, unless its header is RECOVERY_HEADER_DAMAGED); its size must be
 * the file size (no appends yet).  After an active scan of a segment that
 * was not RECOVERY_HEADER_DAMAGED, the header is valid and seg->size is
 * the end of the last good record or batch, so appends can follow; a
 * damaged one was scanned as sealed and must not be appended to.  opts
 * may be NULL (sealed, defaults).
 * Returns 0 when the scan completed (damage is a result, not an error), or
 * -1 with err and errno on an I/O error or a callback stop (ECANCELED). */
int recoveryScan(segment *seg, const recoveryOptions *opts,
                 recoveryCallback cb, void *ctx, recoveryResult *res,
                 char *err, size_t errlen);

#endif
