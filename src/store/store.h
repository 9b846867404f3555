/* store/store.h -- the storage engine — a Bitcask-style log of segments with
 * an in-memory key directory per database.  A library: no sockets, no clients,
 * no RESP (DESIGN.md).
 *
 * Contract:
 *   - every write appends one record (or one batch) to the active segment
 *     and updates the key directory at once; a write that cannot be
 *     appended (ENOSPC, EIO, ...) changes nothing and returns
 *     STORE_ERR_WRITE, and the next write simply tries again, so the store
 *     recovers by itself once the disk has room;
 *   - deferred writes (storeSetDeferredWrites, what the server uses): the
 *     records wait in memory, visible to reads, until storeFlushWrites
 *     appends all of them with one write (once per event-loop iteration).
 *     A failed flush undoes every write since the previous one and marks
 *     their epoch failed (storeWriteEpoch, storeFailedEpochs), so the
 *     caller can refuse exactly the commands whose writes were lost;
 *   - durability follows the fsync policy: STORE_FSYNC_ALWAYS needs the
 *     caller to call storeSync() before acknowledging (group commit: once
 *     per event-loop iteration), EVERYSEC syncs from a background thread
 *     once a second, NO leaves it to the OS;
 *   - a batch (storeBatchBegin .. storeBatchCommit) reaches the disk as
 *     BATCH_BEGIN + records + BATCH_COMMIT in one write, so recovery sees
 *     all of it or none; its writes are visible to lookups at once, and a
 *     failed write rolls the key directory back to before the batch;
 *   - values are read from the segment files, never cached: through a
 *     read-only mapping of each segment (store_read.c), or with preadv
 *     when a segment could not be mapped; every read checks the record's
 *     checksum. */
#ifndef REDIS_KV_STORE_H
#define REDIS_KV_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/collection.h"
#include "store/keydir.h"
#include "store/verify.h"

#define STORE_OK 0
#define STORE_MISSING 1
#define STORE_WRONGTYPE 2   /* a value where a collection was asked, or the
                               other way round, or another collection type */
#define STORE_ERR_WRITE -1
#define STORE_ERR_READ -2

/* What a key holds (storeKeyType): nothing, a string value, or a
 * collection of type COLL_HASH, COLL_SET ... (collection.h, all >= 1). */
#define STORE_TYPE_NONE -1
#define STORE_TYPE_STRING 0

#define STORE_FSYNC_NO 0
#define STORE_FSYNC_ALWAYS 1
#define STORE_FSYNC_EVERYSEC 2

typedef struct storeOptions {
    const char *dir;       /* where the segment files live */
    /* the encodings collections are rebuilt with at load (all zero:
     * COLL_LIMITS_DEFAULT); storeSetCollLimits changes them later */
    collLimits collLimits;
    uint64_t segmentSize;  /* seal the active segment past this size */
    int fsyncPolicy;
    int dbCount;
    int64_t nowMs;         /* wall clock at open: keys expired by then are dropped */
    int coldReadThreads;   /* cold reads off the caller's thread (coldread.c);
                              0: every read is made where it is asked for */
    void (*log)(int level, const char *msg); /* optional */
} storeOptions;

typedef struct storeStats {
    uint64_t segments;
    uint64_t liveBytes;
    uint64_t totalBytes;
    uint64_t keydirBytes;
    uint64_t recoveryMs;
    uint64_t tornBytes;
    uint64_t recordsLoaded;
    uint64_t segmentsFromHints;
    uint64_t damageReports;
    uint64_t lastSeq;
    uint64_t writeErrors;
    int lastWriteErrno;     /* 0 when the last write succeeded */
    int64_t lastFsyncMs;
    /* compaction */
    int compacting;
    uint64_t compactionsStarted;
    uint64_t compactionsDone;
    uint64_t compactionsFailed;
    int lastCompactionOk;       /* 1 until a compaction fails */
    uint64_t lastCompactionMs;
    uint64_t compactBytesWritten;
    uint64_t compactRelocated;  /* keys moved into compaction outputs */
    int64_t compactCurrentMs;   /* how long the running one has been going */
    uint64_t compactFailStreak; /* failures since the last success */
    uint64_t compactBaseBytes;  /* totalBytes right after the last one */
    verifyStats verify;         /* background verification (verify.h); its
                                   damage is in damageReports too */
    /* cold reads (coldread.c) */
    uint64_t coldFetches;       /* fetches started (requests that waited) */
    uint64_t coldReads;         /* ranges read on the cold-read threads */
    uint64_t coldReadBytes;     /* bytes those reads asked the disk for */
    uint64_t coldReadErrors;
    uint64_t coldSweeps;
    uint64_t coldPagesIn;       /* pages of the segments in memory, and not, */
    uint64_t coldPagesOut;      /* as the last sweep saw them */
    uint64_t coldLastSweepUs;
    uint64_t coldReadsWaiting;  /* fetches started and not yet done */
} storeStats;

typedef struct store store;

store *storeOpen(const storeOptions *opts, char *err, size_t errlen);
void storeClose(store *s);
keydir *storeKeydir(store *s, int db);
int storeDbCount(store *s);
/* Memory the writes not yet in the log use: their records in the
 * pending buffer and their undo steps (with about STORE_UNDO_KEY_BYTES
 * per step for its copy of the key).  Every write adds to it until the
 * flush, a delete too, so maxmemory leaves it out, as Redis leaves out
 * its AOF buffer (db/evict.h).  The buffers' spare capacity, which stays
 * allocated after a flush, is not in it. */
#define STORE_UNDO_KEY_BYTES 32
size_t storePendingMemory(store *s);

int storeGet(store *s, int db, const void *key, size_t klen, char **value, size_t *vlen);
int storeReadValue(store *s, const keydirEntry *e, size_t offset, size_t len, void *buf);
/* When e's value was written (unix ms, the record's timestamp). */
int storeEntryWriteTime(store *s, const keydirEntry *e, int64_t *ms);
int storePut(store *s, int db, const void *key, size_t klen, const void *val, size_t vlen,
             int64_t expireMs);
/* Writes len bytes at offset 'at' of key's string value, zero-padding up
 * to it; the key keeps its expiry.  Logged as a PATCH record (only the
 * bytes written), or as a SET of the whole value when the key's chain of
 * patches reached its bound (store.c explains the bound).  STORE_MISSING
 * when the key does not exist (the caller writes a SET). */
int storeSetRange(store *s, int db, const void *key, size_t klen, size_t at, const void *bytes,
                  size_t len);
/* Deletes the key, whatever it holds (a value, a whole collection). */
int storeDelete(store *s, int db, const void *key, size_t klen);
int storeSetExpire(store *s, int db, const void *key, size_t klen, int64_t expireMs);

/* ---- Collections (elements.c; record.h RECORD_ELEMENT) ------------------- */

int storeKeyType(store *s, int db, const void *key, size_t klen);
/* The key's collection, NULL when it is absent or holds a value.  For
 * reading only, and only until the next write. */
const collection *storeCollection(store *s, int db, const void *key, size_t klen);
/* Element 'name' of the collection at key (of type ctype) now holds val
 * (vlen 0 for a set member): one ELEMENT record.  An absent key becomes a
 * collection; a key holding anything else is STORE_WRONGTYPE (the caller
 * deletes it first when it means to replace it).  *created (if not NULL)
 * is 1 when the element is new.  The key keeps its expiry. */
int storeElementPut(store *s, int db, int ctype, const void *key, size_t klen, const void *name,
                    size_t nlen, const void *val, size_t vlen, int *created);
/* A sorted set's member: storeElementPut with the score as the value
 * (record.h, "Sorted sets"), which may also be called directly with an
 * 8-byte encoded score (collZsetScoreEncode).  A NaN score, or a value
 * that is not 8 bytes, is STORE_ERR_WRITE: the command layer refuses
 * them first.  The member's score and rank are read from
 * storeCollection (collZsetFind, collZsetRank ...); storeElementDelete
 * with COLL_ZSET removes a member. */
int storeZsetPut(store *s, int db, const void *key, size_t klen, const void *member,
                 size_t mlen, double score, int *created);
/* Removes the element (one ELEMENT_DEL record); the key goes with its
 * last element.  STORE_MISSING when key or element is absent. */
int storeElementDelete(store *s, int db, int ctype, const void *key, size_t klen,
                       const void *name, size_t nlen);
/* A list trim (record.h): the elements of the list at key whose
 * positions are outside [lo, hi] go, in one record whatever their number;
 * the key goes when none is left.  STORE_MISSING, STORE_WRONGTYPE. */
int storeListTrim(store *s, int db, const void *key, size_t klen, uint64_t lo, uint64_t hi);
/* The element's value, in a new buffer (NUL-terminated, xfree it). */
int storeElementGet(store *s, int db, const void *key, size_t klen, const void *name,
                    size_t nlen, char **value, size_t *vlen);
/* The value of the element at loc of a key of klen bytes, whose name is
 * nlen bytes: loc->valueLen bytes into buf, checksum verified. */
int storeReadElementValue(store *s, const collLoc *loc, size_t klen, size_t nlen, void *buf);
/* Makes the key's collection a TABLE now (a copy keeps its source's
 * encoding).  Not logged: a restart chooses encodings afresh, as Redis's
 * load does. */
void storeCollectionToTable(store *s, int db, const void *key, size_t klen);
/* The encoding limits of collections (the config directives). */
void storeSetCollLimits(store *s, const collLimits *lim);

/* Lazy freeing (lazyfree.h).  storeSetLazyfree names the thread that
 * frees lazily (NULL, the default: everything is freed at once); it must
 * outlive the store.  storeSetFreeLazily(s, 1): the writes that follow,
 * until the next call, hand what they delete or replace to that thread
 * -- a collection whose free effort is above LAZYFREE_THRESHOLD
 * (storeDelete, storePut over it, storeFlush's emptied databases,
 * always).  The caller (db/) sets it per write from the lazyfree-lazy-*
 * directives; the store never decides it.  The choice is made when the
 * value leaves the keydir: the value itself is freed only once its write
 * is on disk (a failed write puts it back), and the thread also takes its
 * records out of the live bytes (store_internal.h, "Live bytes of lazily
 * freed values"). */
struct lazyfree;
void storeSetLazyfree(store *s, struct lazyfree *lf);
void storeSetFreeLazily(store *s, int on);
int storeFlush(store *s, int db);
/* Logical databases a and b (valid, distinct or not) exchange contents. */
int storeSwapDb(store *s, int a, int b);

/* ---- Cold reads (coldread.c) ---------------------------------------------
 * A request whose values are not in memory waits for them off the
 * caller's thread: the caller fills a fetch from the keys the request
 * will read, starts it, and runs the request when done() is called from
 * storeColdReadEvents (see coldread.c for the page map that decides what
 * is cold, and what it promises). */
typedef struct storeFetch storeFetch;
typedef void storeFetchDone(void *pd);
/* An argument of the request: a large hash's fields it names are fetched. */
typedef struct storeFetchArg {
    const char *ptr;
    size_t len;
} storeFetchArg;
/* 0 when every page was in memory at the last look: no request needs a
 * fetch (and none is worth building). */
int storeColdReadsActive(const store *s);
storeFetch *storeFetchNew(void);
/* Adds the records of key's string value, or with elements = 1 of the
 * elements of its collection the request may read (args: the request's
 * arguments), that are not known to be in memory. */
void storeFetchAddKey(store *s, storeFetch *f, int db, const void *key, size_t klen, int elements,
                      const storeFetchArg *args, int nargs);
size_t storeFetchRanges(const storeFetch *f);
/* Starts f and takes it: 1 when done(pd) will be called, 0 when there was
 * nothing to read (f is freed, done is not called). */
int storeFetchStart(store *s, storeFetch *f, storeFetchDone *done, void *pd);
void storeFetchFree(storeFetch *f);
/* The event loop watches this fd (-1: no cold-read threads) and calls
 * storeColdReadEvents when it is readable; storeColdReadCron every tick. */
int storeColdReadFd(const store *s);
void storeColdReadEvents(store *s);
void storeColdReadCron(store *s);
/* Hands the fetches started since the last call to the threads: once
 * per event-loop iteration, before it sleeps (one wake-up per batch). */
void storeColdReadKick(store *s);
/* Tests: every page counts as out of memory until cold is 0 again, and
 * each cold read first waits delayMs.  -1 without cold-read threads. */
int storeColdReadDebug(store *s, int cold, unsigned delayMs);

/* ---- Metadata (store_meta.c; record.h RECORD_META) ----------------------
 *
 * Named blobs of the server's that belong to no database (FUNCTION
 * libraries): name -> value, kept in memory (meta.h says why).  A write
 * is one META or META_DEL record, and behaves as the keyspace's writes
 * do: it joins the open batch, waits in the pending buffer when writes
 * are deferred, and a failed write or flush undoes it.  Flushes, SWAPDB,
 * deletes and expiry never touch metadata, and it is no key: no keydir
 * holds it. */
#define STORE_META_NAME_MAX 1024 /* = RECORD_META_NAME_MAX */
/* Name (1..STORE_META_NAME_MAX bytes) now holds val.  STORE_OK, or
 * STORE_ERR_WRITE (nothing changed; also for a name or value the format
 * cannot hold). */
int storeMetaSet(store *s, const void *name, size_t nlen, const void *val, size_t vlen);
/* Name is gone.  STORE_OK also when it was absent (nothing is written). */
int storeMetaDelete(store *s, const void *name, size_t nlen);
/* Calls fn for every entry whose name starts with prefix (plen 0: all),
 * in name order (memcmp, shorter first).  Name and value are valid
 * during the call only; fn must not write metadata.  Entries whose
 * record was found damaged at open are left out. */
typedef void storeMetaFn(const char *name, size_t nlen, const char *val, size_t vlen, void *pd);
void storeMetaForEach(store *s, const void *prefix, size_t plen, storeMetaFn *fn, void *pd);
/* Entries (damaged ones included). */
size_t storeMetaCount(store *s);
/* Changes whenever the metadata may have changed: every write, and every
 * undo of one (a failed flush).  A layer that caches metadata compares it
 * to know when to reload. */
uint64_t storeMetaVersion(const store *s);

/* The sequence number of the write just made: inside a batch, the
 * batch's (every record of a batch carries it). */
uint64_t storeLastSeq(const store *s);
void storeBatchBegin(store *s);
int storeBatchCommit(store *s);
int storeInBatch(const store *s);
/* Test hook: the next batch write stops half way and the process exits. */
extern int storeDebugCrashAfterPartialBatch;

/* Deferred writes (see the contract above).  Off by default: each write
 * is then flushed before it returns. */
void storeSetDeferredWrites(store *s, int on);
/* Appends every pending record with one write (nothing inside a batch:
 * the batch is flushed whole after its commit).  STORE_OK, or
 * STORE_ERR_WRITE after undoing every write since the previous flush. */
int storeFlushWrites(store *s);
int storeHasPendingWrites(const store *s);
/* The epoch of the pending writes: it advances at every flush that had
 * something to write, whether it succeeded or not. */
uint64_t storeWriteEpoch(const store *s);
/* The epochs whose flush failed (since storeForgetFailedEpochs), *n of
 * them. */
const uint64_t *storeFailedEpochs(const store *s, size_t *n);
void storeForgetFailedEpochs(store *s);

int storeSync(store *s);
/* Sealed segments get their hint file from a background thread; this
 * waits until every one queued so far is written (tests, tools). */
void storeWaitHints(store *s);
int storeNeedsSync(const store *s);
void storeSetFsyncPolicy(store *s, int policy);
void storeSetSegmentSize(store *s, uint64_t size);
void storeGetStats(store *s, storeStats *out);
/* Tests: recomputes the live-bytes accounting of every segment (and the
 * total) from the key directories and logs each mismatch; returns their
 * number (0 = consistent).  O(keys x segments): not for production. */
int storeCheckAccounting(store *s);
/* strerror of the last failed write, even after later writes succeeded
 * (the refused commands of its epoch are answered with it). */
const char *storeLastWriteError(const store *s);

/* Compaction (compact.c): rewrites the live records of every segment into
 * new ones and deletes the old, on a worker thread, so the caller never
 * waits on the disk.  The caller drives it: when storeCompactFd() (an
 * eventfd that lives as long as the store) is readable, call
 * storeCompactStep() --
 * a fraction of a millisecond of key-directory work.  Reads and writes go
 * on meanwhile; a crash at any point loses nothing. */
int storeCompactStart(store *s, char *err, size_t errlen); /* 0 or -1 */
/* Starts one if the sealed segments hold at least minBytes and at least
 * garbagePercent of them is garbage (storeSetCompaction; 0 = never).
 * Returns 1 when one started. */
int storeCompactMaybeStart(store *s);
void storeSetCompaction(store *s, int garbagePercent, uint64_t minBytes);
int storeCompacting(const store *s);
int storeCompactFd(const store *s);
void storeCompactStep(store *s);
/* Blocks until the running compaction (if any) ends (tests, tools). */
void storeCompactWait(store *s);

/* Snapshots (snapshot.c): a backup of the data set without fork and
 * without copying: the active segment is sealed (unless it is empty) and a
 * job of the background thread hard-links every sealed segment and its
 * hint into backupDir/<id>.tmp, writes the MANIFEST (backup.h) and renames
 * the directory to backupDir/<id>.  The backup holds exactly the data set
 * as of the last sequence number written before the call, whatever is
 * written meanwhile.  One snapshot at a time; while one runs no compaction
 * starts, and none may start while a compaction runs (callers schedule). */
typedef struct storeSnapshotOptions {
    const char *backupDir;  /* absolute, or relative to the process's cwd */
    const char *dataDirAbs; /* recorded in the manifest (point-in-time restore) */
    int keep;               /* then delete all but the newest 'keep' (<= 0: none) */
    uint64_t delayUsPerFile;/* test knob: sleep this long per file linked */
} storeSnapshotOptions;

typedef struct storeSnapshotResult {
    int ok;
    uint64_t id;
    uint64_t seq;
    int64_t startMs, endMs;
    char error[256];        /* why it failed (ok == 0) */
} storeSnapshotResult;

/* 0 with *id and *seq (the backup's id and sequence number) set, or -1
 * (a snapshot or a compaction is running, a batch is open, the active
 * segment cannot be sealed) with the reason in err. */
int storeSnapshotStart(store *s, const storeSnapshotOptions *o, uint64_t *id, uint64_t *seq,
                       char *err, size_t errlen);
int storeSnapshotRunning(store *s);
/* 1 and *r filled when a snapshot ended since the last call, else 0. */
int storeSnapshotPoll(store *s, storeSnapshotResult *r);
/* Blocks until the running snapshot (if any) has ended. */
void storeSnapshotWait(store *s);

/* Restore (restore.c).  Stages backup 'backupPath' (a directory with a
 * valid MANIFEST) for data directory 'dataDir': links its files into
 * dataDir/restore.tmp and durably writes the marker dataDir/RESTORE.  The
 * data set is unchanged until the marker exists and replaced as soon as it
 * does: the next storeOpen of dataDir (the caller closes its store first;
 * a crash in between does the same on restart) deletes every other
 * segment, moves the backup's in, and appends an empty batch with
 * sequence number seqFloor, so that sequence numbers never go back.
 * 0 or -1 (nothing changed; the reason in err). */
int storeRestoreStage(const char *dataDir, const char *backupPath, uint64_t seqFloor,
                      char *err, size_t errlen);

#endif
