/* store/store_internal.h -- the store's state, shared by the files of the
 * engine that implement it (store.c: open, reads, writes, batches; compact.c:
 * the owner side of compaction).  Not for use outside store/.
 *
 * Invariants:
 *   - segs[0..nsegs) are the segments of the data set, sorted by id; the
 *     last one is the active segment (writable), the others are sealed;
 *   - a keydir entry's location names a record that is in a segment of
 *     segs, in an announced compaction output (compactOut), or in the
 *     pending buffer (pendBuf: the records written since the last
 *     storeFlushWrites), which will be written at offset pendBase of the
 *     active segment;
 *   - the undo log holds, newest last, how every key (and database) the
 *     pending records changed was before them: a failed flush restores
 *     the key directories from it, and the sequence counter to
 *     pendSeqStart, so nothing of the pending records remains anywhere;
 *   - liveBytes is the on-disk size of the records the key directories
 *     and the metadata table (meta) point at, and each segment's
 *     liveBytes the part of it in that segment; totalBytes the size of
 *     all segment files in segs;
 *   - a metadata entry's location obeys the keydir entries' rule above,
 *     and its value is the value of the record there (NULL only when
 *     that record failed its checksum at open: meta.h).
 * Threads: the background thread (store_bg.c) touches nothing but
 * syncFd, hintJobs, snap and stats.lastFsyncMs under syncLock, and dir
 * (never changed after open); the compaction worker talks only through its
 * compactor (compactor.h), the verification thread only through its
 * verifier (verify.h). */
#ifndef REDIS_KV_STORE_INTERNAL_H
#define REDIS_KV_STORE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "store/backup.h"
#include "store/coll_stream.h"
#include "store/collection.h"
#include "store/compactor.h"
#include "store/keydir.h"
#include "store/lazyfree.h"
#include "store/meta.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store.h"
#include "store/store_log.h"

#define STORE_MAX_OFFSET UINT32_MAX

/* One undo step of a batch: how a key (or a whole database) was before. */
typedef struct undoStep {
    int db;              /* physical, or logical for UNDO_SWAP */
    int db2;             /* UNDO_SWAP: the other logical database */
    int kind;            /* UNDO_KEY, UNDO_FLUSH or UNDO_SWAP */
    char *key;
    size_t klen;
    int existed;
    keydirLoc loc;
    keydirChain *chain;  /* a copy of the key's chain, if it had one */
    int64_t expire;
    uint64_t seq;
    keydir *savedKeydir; /* UNDO_FLUSH: the keydir before the flush */
    collection *coll;    /* UNDO_KEY: the key's collection, taken from the
                            keydir; UNDO_ELEMENT: the collection's small
                            form before the write, when its undo rebuilds
                            it (elements.c) (the step owns it until
                            released) */
    int lazyFree;        /* released through the lazy-free thread: coll,
                            or UNDO_FLUSH's savedKeydir (decided when
                            taken, by the mode then: storeSetFreeLazily) */
    int liveDeferred;    /* ... whose records still count as live: the
                            thread tallies them (lazyfree.h), or
                            storeSettleLiveBytes counts them */
    char *name;          /* UNDO_ELEMENT: the element, its prior location */
    size_t nlen;
    collLoc elemLoc;     /* (existed says whether it was there) */
    double elemScore;    /* ... and, for a sorted set's member, its score */
    char *elemValue;     /* ... and, for a stream's element kept in memory,
                            its value (owned by the step) */
    size_t elemValueLen;
    collStreamMeta streamMeta; /* a stream's counters before the write */
    metaEntry meta;      /* UNDO_META: the name's entry before the write,
                            taken out of the table (existed says whether
                            there was one; the step owns its name and
                            value until released); key is the name */
} undoStep;

/* A snapshot (snapshot.c), handed to the background thread.  The owner
 * fills everything but result before queueing it; from then on the thread
 * owns it until state is SNAP_DONE (state itself only under syncLock). */
typedef struct snapshotJob {
    int state;              /* SNAP_QUEUED, SNAP_RUNNING, SNAP_DONE */
    int resultReady;        /* result is final (old backups may still be
                               being pruned until SNAP_DONE) */
    int resultTaken;        /* storeSnapshotPoll returned it */
    uint64_t syncSegId;     /* the segment sealed for it, not yet fsynced
                               (0 = none) */
    backupManifest m;       /* id, time, seq, keys, lastSegment, dataDir;
                               the thread adds the files */
    uint64_t *segIds;       /* the sealed segments to link */
    size_t nseg;
    char *backupDir;
    int keep;
    uint64_t delayUs;
    storeSnapshotResult result;
} snapshotJob;

#define SNAP_QUEUED 1
#define SNAP_RUNNING 2
#define SNAP_DONE 3

#define UNDO_KEY 0       /* the key's whole state: value, or its collection */
#define UNDO_FLUSH 1
#define UNDO_SWAP 2
#define UNDO_EXPIRE 3    /* only the key's expiry and sequence number */
#define UNDO_ELEMENT 4   /* one element of the key's collection */
#define UNDO_TRIM 5      /* a list trim: coll holds what it removed */
#define UNDO_META 6      /* one metadata entry (store_meta.c) */

/* Large records whose whole checksum a read has already checked (see
 * store_read.c).  A record never changes while its segment exists, so a
 * match on segment serial, offset and sequence number means the same
 * bytes.  Direct-mapped: a collision only costs one more check. */
#define STORE_VERIFIED_SLOTS 1024
typedef struct storeVerified {
    uint64_t serial;  /* segment->serial, 0 = empty slot */
    uint64_t seq;
    uint32_t offset;
} storeVerified;

struct store {
    char *dir;
    int lockFd;             /* flock'ed LOCK file: one server per directory */
    uint64_t segmentSize;
    int fsyncPolicy;
    int dbCount;
    keydir **kd;            /* by physical database (record.h) */
    int *dbMap;             /* logical -> physical (SWAPDB) */
    segment **segs;
    size_t nsegs;
    uint64_t nextSeq;
    uint64_t liveBytes;
    uint64_t totalBytes;
    int dirty;              /* appended since the last sync */
    /* What a rotation left for the next storeSync (appendfsync always
     * only; otherwise the background thread syncs them): segments sealed
     * without their fsync, and the new active segment's name. */
    uint64_t *unsyncedSealed;
    size_t nunsyncedSealed, unsyncedSealedCap;
    int activeNameUnsynced;
    void (*log)(int level, const char *msg);
    storeStats stats;
    storeVerified verified[STORE_VERIFIED_SLOTS]; /* owner thread only */
    char lastError[256];
    int lastFailureErrno;   /* of the last failed write: stays after a success,
                               for the replies of that write's epoch */

    /* Pending writes (storeFlushWrites) and the batch being built in them */
    int deferWrites;        /* storeSetDeferredWrites: flush only when asked */
    char *pendBuf;
    size_t pendLen, pendCap;
    uint64_t pendBase;      /* file offset of pendBuf[0] in the active segment */
    uint64_t pendSeqStart;  /* nextSeq before the first pending record */
    uint64_t writeEpoch;    /* storeWriteEpoch: +1 per flush of pending records */
    uint64_t *failedEpochs; /* flushes that failed since storeForgetFailedEpochs */
    size_t nfailedEpochs, failedEpochsCap;
    int inBatch;
    size_t batchStart;      /* where the batch's BEGIN record goes in pendBuf */
    int pendHasBatch;       /* a committed batch is among the pending records */
    size_t batchUndoStart;  /* the batch's first undo step */
    uint32_t batchCount;
    uint64_t batchSeq;
    undoStep *undo;
    size_t nundo, undoCap;

    /* the background thread (store_bg.c): everysec fsync, hint files */
    pthread_t syncThread;
    int syncThreadRunning;
    pthread_mutex_t syncLock;
    pthread_cond_t syncCond;
    int syncFd;             /* the active segment's fd (a dup) */
    int activeNameJob;      /* bgSyncActiveName asked for a sync */
    int stopSync;
    int syncInit;           /* the lock and condition exist */
    uint64_t *hintJobs;     /* sealed segments waiting for their hint */
    size_t nhintJobs, hintJobsCap;
    uint64_t hintJobsQueued, hintJobsDone;
    snapshotJob *snap;      /* the snapshot queued, running or done, or NULL */

    /* compaction (compact.c) */
    compactor *compact;     /* the running merge, or NULL */
    int compactEfd;         /* eventfd its worker signals, for the store's life */
    segment **compactIn;    /* its inputs, oldest first */
    size_t ncompactIn;
    segment **compactOut;   /* its outputs announced so far */
    size_t ncompactOut;
    int64_t compactStartMs;
    int64_t compactRetryMs; /* no automatic start before this time */
    int compactGarbagePercent;
    uint64_t compactMinBytes;

    verifier *verify;       /* background verification (verify.h) */

    /* collections (elements.c) */
    collLimits collLimits;  /* the encodings' limits (storeSetCollLimits) */

    /* lazy freeing (lazyfree.h): the thread (not the store's: it may
     * outlive it), and whether the writes now being made free what they
     * delete or replace through it (storeSetFreeLazily) */
    lazyfree *lazyfree;
    int freeLazily;

    /* cold reads (coldread.c) */
    struct coldPool *coldPool;  /* the threads, or NULL: reads stay here */
    struct storeFetch *fetches; /* started, not yet done */
    int allResident;        /* the last sweep found every page in memory */
    int coldSweeping;       /* a sweep is in the pool */
    int64_t coldNextSweepMs;
    int64_t coldSweepPauseMs;   /* the pause before the next sweep */
    int coldDebugCold;      /* storeColdReadDebug */
    int coldNoPopulate;     /* the kernel lacks MADV_POPULATE_READ: pread */

    /* metadata (store_meta.c; record.h RECORD_META) */
    metaTable *meta;
    uint64_t metaVersion;   /* storeMetaVersion */
};


static inline segment *storeActive(store *s) { return s->segs[s->nsegs - 1]; }

/* Whether the record at offset of seg is still in the pending buffer. */
static inline int storeIsPending(const store *s, const segment *seg, uint64_t offset) {
    return s->pendLen > 0 && seg == s->segs[s->nsegs - 1] && offset >= s->pendBase;
}

int64_t storeWallMs(void);
/* coldread.c: the page map of a segment follows its mapping
 * (storeMapSegment), and appended or fetched pages are in memory. */
void storeColdTrack(segment *seg);
void storeColdMarkIn(segment *seg, uint64_t off, uint64_t len);
int storeColdReadStart(store *s, int threads, char *err, size_t errlen);
void storeColdReadStop(store *s);
size_t storeColdReadsWaiting(const store *s);

/* The store's log line (store_log.h): storeLogf(s, STORE_LOG_WARNING, ...). */
#define storeLogf(s, level, ...) storeLogTo((s)->log, level, __VA_ARGS__)
segment *storeSegmentById(store *s, uint64_t id);
/* Seals the active segment and starts segment 'nextId'; wantHint queues
 * the sealed segment's hint file for the background thread; syncLater
 * leaves the sealed segment's fsync to the caller (a snapshot job does it
 * off the event loop).  0 or -1. */
int storeRotateTo(store *s, uint64_t nextId, int wantHint, int syncLater);
void storeComputeTotals(store *s);

/* store.c: the write path, for elements.c */
/* Encodes one record into the pending buffer; *offset is where it will
 * start in the active segment. */
int storeAppendRecord(store *s, recordHeader *h, const void *key, const void *val,
                      uint64_t *offset);
/* The end of every write (flushed at once unless deferred or batched). */
int storeAfterWrite(store *s);
/* A new, zeroed undo step of 'kind' for physical database db. */
undoStep *storePushUndo(store *s, int db, int kind);
/* The sequence number the next record takes, and taking it. */
uint64_t storeSeqForWrite(const store *s);
void storeSeqWritten(store *s);
/* Live-bytes accounting of 'bytes' in segment segId. */
void storeCountBytes(store *s, uint32_t segId, uint64_t bytes, int add);
/* Notes how a key is before a write replaces or deletes it, and takes its
 * records out of the live bytes; a collection moves into the undo step,
 * marked for lazy freeing when s->freeLazily and it is worth it. */
void storeRememberReplaced(store *s, int db, const void *key, size_t klen);
void storeFillHeader(recordHeader *h, int type, int db, size_t klen, size_t vlen,
                     int64_t expireMs, uint64_t seq);

/* Live bytes of lazily freed values.  A big collection (or a flushed
 * database) freed lazily stays counted as live until the lazy-free
 * thread has tallied its records and the store subtracts the sums
 * (storeTakeLazyTallies, at every flush of writes and every stats read),
 * so that its delete costs O(1) on the caller's thread.  Meanwhile the
 * live bytes overstate by that much: compaction starts a little later,
 * nothing else reads them.  storeSettleLiveBytes makes them exact at
 * once (counting what is still in the undo log, waiting for the thread):
 * before compaction gives up its inputs, which must then hold no live
 * byte, and in storeCheckAccounting. */
void storeTakeLazyTallies(store *s);
void storeSettleLiveBytes(store *s);

/* elements.c: restores (restore = 1) or releases one UNDO_ELEMENT step */
void elementUndo(store *s, undoStep *u, int restore);
/* elements.c: puts back (restore = 1) what an UNDO_TRIM step's trim took */
void elementTrimUndo(store *s, undoStep *u, int restore);

/* elements.c's pieces that elements_stream.c shares. */
uint64_t storeElementRecordSize(size_t klen, size_t nlen, uint32_t vlen);
int storeAppendElement(store *s, int type, int pdb, int ctype, const void *key, size_t klen,
                       const void *name, size_t nlen, const void *val, size_t vlen,
                       int64_t expire, uint64_t *offset);
/* The ELEMENT record of a put to key (keydir entry e, collection *c; both
 * NULL when the key is absent): appended, then the key's collection made
 * (undo: the key goes again) or its entry given the record's sequence
 * number.  STORE_OK with *c the collection and *loc the record. */
int storePutElementRecord(store *s, int pdb, int ctype, const void *key, size_t klen,
                          keydirEntry *e, collection **c, const void *name, size_t nlen,
                          const void *val, size_t vlen, collLoc *loc);
undoStep *storeRememberElement(store *s, int pdb, const void *key, size_t klen,
                               const void *name, size_t nlen, const collLoc *prior,
                               collection *smallBefore);
int storeAfterRemoval(store *s, int pdb, keydirEntry *e, collection *c, const void *key,
                      size_t klen, uint64_t seq);
/* An UNDO_TRIM step for key that owns 'gone', the collection of what the
 * write removes (filled by the caller as it removes). */
undoStep *storePushTrimUndo(store *s, int pdb, const void *key, size_t klen, collection *gone);

/* elements_stream.c: storeElementPut / storeElementDelete of a stream's
 * elements, and their undo (the UNDO_ELEMENT and UNDO_TRIM steps of a
 * stream). */
int storeStreamPut(store *s, int db, const void *key, size_t klen, const void *name, size_t nlen,
                   const void *val, size_t vlen, int *created);
int storeStreamDelete(store *s, int db, const void *key, size_t klen, const void *name,
                      size_t nlen);
void streamElementUndo(store *s, undoStep *u, collection *c);
void streamGoneUndo(store *s, undoStep *u, collection *c);

/* store_meta.c: restores (restore = 1) or releases one UNDO_META step */
void metaUndo(store *s, undoStep *u, int restore);
/* store_meta.c: reads the values of the entries replay left without one
 * (once, at open); a record that fails its checksum marks its entry
 * damaged and is reported. */
void storeMetaLoadValues(store *s);
/* store_meta.c: calls fn for every metadata record that is live (for
 * storeCheckAccounting). */
void storeMetaCountLive(store *s, void (*fn)(void *ctx, uint32_t segId, uint64_t bytes, int add),
                        void *ctx);

/* store_read.c */
/* The value (vlen bytes) of the record at segment/offset whose key field
 * is klen bytes, checksum verified, into buf. */
int storeReadRecordValue(store *s, uint32_t segment, uint32_t offset, size_t klen,
                         uint32_t vlen, void *buf);
void storeInstallBusHandler(void);
void storeMapSegment(store *s, segment *seg, uint64_t len);
/* Maps every segment: sealed ones whole, the active one segment-size far. */
void storeMapAll(store *s);

/* store_bg.c */
void bgThreadStart(store *s);
void bgThreadStop(store *s);
void bgTrackActive(store *s);
/* Has the background thread fsync the active segment and the directory:
 * after a rotation created it with segmentCreateUnsynced. */
void bgSyncActiveName(store *s);
void bgQueueHint(store *s, uint64_t segId);
/* Hands the job to the thread (which runs snapshotRunJob). */
void bgQueueSnapshot(store *s, snapshotJob *job);

/* snapshot.c: the thread's part of a snapshot (no lock held). */
void snapshotRunJob(store *s, snapshotJob *job);
void snapshotJobFree(snapshotJob *job);

/* compact.c */
void compactCancelAndWait(store *s);

#endif
