/* db/db.h -- the keyspace API command handlers use.
 *
 * Keys live in numbered databases (SELECT); each key maps to a string
 * value stored in the log (store/), with an optional absolute expiry in
 * unix milliseconds.  Every function here applies lazy expiry: a key whose
 * time has passed is deleted (durably) when touched and reported missing.
 *
 * Writes are durable per `appendfsync` before the reply leaves the server.
 * A write can fail (disk full, I/O error): the function then returns
 * DB_ERR_WRITE, nothing changed, and dbWriteErrorReply() gives the
 * "-MISCONF ..." text to send.  Reads keep working while writes fail.
 *
 * Ownership: values returned as bstr are the caller's to free. */
#ifndef REDIS_KV_DB_H
#define REDIS_KV_DB_H

#include <stddef.h>
#include <stdint.h>
#include "lib/bstr.h"
#include "store/collection.h"

struct store;

/* What the keyspace runs on, handed in by the server at start-up rather
 * than read from a global: the open store, the clock expiry is judged
 * against, and the counters it bumps.  db/ keeps a copy; the pointers
 * must stay valid for the life of the process. */
typedef struct dbContext {
    struct store *store;       /* NULL until the data set is open */
    int dbnum;                 /* databases (SELECT 0 .. dbnum-1) */
    const long long *nowMs;    /* the cached clock (lib/clock.h), unix ms */
    long long *changes;        /* +1 per successful write (rdb_changes_since_last_save) */
    long long *expiredKeys;    /* +1 per expired key deleted (expired_keys) */
    /* Nonzero while expiry is held (CLIENT PAUSE): an expired key then
     * reads as missing but is not deleted.  May end a pause whose time
     * is up. */
    int (*expiryHeld)(void);
    /* Nonzero: writes wait in memory until dbFlushWrites (the server
     * flushes once per event-loop iteration); zero: each is written before
     * it returns. */
    int deferWrites;
    /* The lazy-free thread (store/lazyfree.h), or NULL: everything is
     * freed at once.  It must outlive every store db/ is given. */
    struct lazyfree *lazyfree;
} dbContext;

void dbInit(const dbContext *ctx);
/* The data set was closed (NULL) or opened again (DEBUG RELOAD, BACKUP
 * RESTORE). */
void dbSetStore(struct store *store);

#define DB_OK 0
#define DB_MISSING 1
#define DB_WRONGTYPE 2  /* the key holds another kind of value */
#define DB_ERR_WRITE -1
#define DB_ERR_READ -2

#define DB_NO_EXPIRE 0 /* expireMs value meaning "no TTL" */

/* Lookups.  `db` is a valid database index (the caller checked SELECT). */
int dbExists(int db, const char *key, size_t klen); /* 1 or 0, not DB_OK */
int dbGet(int db, const char *key, size_t klen, bstr *value);
int dbGetRange(int db, const char *key, size_t klen, size_t offset, size_t len, bstr *value);
int dbValueLength(int db, const char *key, size_t klen, size_t *len);
/* The numeric commands' read (INCR, INCRBYFLOAT): in one lookup, the
 * string value's length in *len, its expiry in *expireMs and, when it is
 * at most cap bytes, its bytes in buf (nothing is read past cap: a longer
 * value cannot be a number).  No allocation. */
int dbGetShort(int db, const char *key, size_t klen, char *buf, size_t cap, size_t *len,
               int64_t *expireMs);
/* dbExists and dbGetExpire (like dbKeyType and dbKeyMemoryUsage) do not
 * touch the key's access clock: TTL, EXISTS, TYPE and OBJECT do not count
 * as accesses, as in Redis (db/evict.h). */
int dbGetExpire(int db, const char *key, size_t klen, int64_t *expireMs);
/* The key's access clock (db/evict.h), read or set without touching it. */
int dbKeyAccessClock(int db, const char *key, size_t klen, uint32_t *clock);
int dbSetKeyAccessClock(int db, const char *key, size_t klen, uint32_t clock);
/* While off, no lookup touches a key's access clock (OBJECT, which reads
 * values to tell their encoding).  Returns the previous setting. */
int dbSetTouching(int on);
/* TOUCH: an access of key; 1 if it exists. */
int dbTouch(int db, const char *key, size_t klen);
/* When the key's value was last written (unix ms): SET, APPEND, RENAME
 * ... write it; reads and expiry changes do not. */
int dbLastWriteTime(int db, const char *key, size_t klen, int64_t *ms);
long long dbSize(int db);
long long dbExpiresCount(int db);

/* Writes.  Each is one atomic record unless inside a batch. */
int dbSet(int db, const char *key, size_t klen, const char *val, size_t vlen, int64_t expireMs);
/* DB_OK deleted, DB_MISSING, or error.  dbDelete is an implicit delete
 * (lazyfree-lazy-server-del); dbDeleteFreeing says whether a big
 * collection goes to the lazy-free thread (DEL, UNLINK: the caller's
 * choice, see lazyfreeSettings below). */
int dbDelete(int db, const char *key, size_t klen);
int dbDeleteFreeing(int db, const char *key, size_t klen, int lazy);
int dbSetExpire(int db, const char *key, size_t klen, int64_t expireMs);
/* Writes len bytes at offset into key's string value (SETRANGE's rule):
 * the value is zero-padded when offset lies past its end, a missing key
 * is created without TTL, an existing key keeps its TTL.  The caller has
 * checked offset + len against proto-max-bulk-len and that len > 0.  This
 * is the one entry point for in-place string changes (SETRANGE, APPEND,
 * SETBIT, BITFIELD), so the log can record only the bytes that changed. */
int dbSetRange(int db, const char *key, size_t klen, size_t offset, const char *bytes,
               size_t len);
/* db == -1: every database.  lazy: the emptied databases are freed on
 * the lazy-free thread (FLUSHALL ASYNC). */
int dbFlush(int db, int lazy);
int dbSwap(int a, int b); /* SWAPDB: a and b exchange contents */
/* Copies key's value and expiry to dstKey of dstDb, replacing whatever is
 * there, and with deleteSource also deletes key (RENAME, MOVE): one batch,
 * atomic on disk.  DB_MISSING when key is missing.  key and dstKey must
 * differ when db == dstDb. */
int dbCopy(int db, const char *key, size_t klen, int dstDb, const char *dstKey, size_t dlen,
           int deleteSource);
/* Active expiry: deletes key durably (counted in expired_keys) if its time
 * has passed.  1 when deleted, 0 when missing, not expired or expiry is
 * paused (expireIsPaused), or DB_ERR_WRITE. */
int dbDeleteIfExpired(int db, const char *key, size_t klen);

/* Iteration.  A dbKeyFn gets each key's bytes, valid during the call only,
 * and must not change the keyspace. */
typedef void dbKeyFn(void *priv, const char *key, size_t klen);
/* One SCAN step from cursor: reports the keys of one bucket (expired ones
 * too: the caller filters them, as Redis's SCAN does) and returns the next
 * cursor, 0 at the end.  Every key present for the whole iteration is
 * reported at least once, across resizes; some may be reported twice. */
unsigned long dbScan(int db, unsigned long cursor, dbKeyFn *fn, void *priv);
/* Every key that has not expired, once (KEYS).  Expired keys are skipped,
 * not deleted. */
void dbForEachLiveKey(int db, dbKeyFn *fn, void *priv);
/* A random key that has not expired: DB_OK with *key (the caller's to
 * free), or DB_MISSING when there is none.  Expired keys picked on the way
 * are deleted, as Redis's RANDOMKEY does. */
int dbRandomKey(int db, bstr *key);

/* A batch makes several writes atomic on disk (MSET, MSETNX, MULTI/EXEC):
 * after a crash all of them are there or none.  Writes between Begin and
 * Commit are visible to later lookups at once; Commit makes them durable
 * together; if any write in the batch fails, Commit returns DB_ERR_WRITE
 * and the in-memory state is rolled back to before Begin.  Batches nest:
 * only the outermost Commit writes. */
void dbBatchBegin(void);
int dbBatchCommit(void);

int dbInBatch(void); /* 1 between the outermost dbBatchBegin and its Commit */
/* The log sequence number of the write just made (inside a batch: the
 * batch's, which all its records carry). */
uint64_t dbLastWriteSeq(void);

/* Deferred writes (dbContext.deferWrites).  Every write since the last
 * flush is visible at once but reaches the log only at dbFlushWrites, all
 * in one write.  If that write fails, all of them are undone (the key
 * space is as before the first) and their epoch is marked failed: a
 * command's outcome is known once every epoch it spanned is settled.
 * The store may also flush by itself (a snapshot, a compaction step, a
 * rotation), which ends an epoch just the same.  dbFlushWrites tells the
 * listeners (writesSettled) whenever an epoch ended since it last did. */
int dbFlushWrites(void);            /* DB_OK, or DB_ERR_WRITE (undone) */
int dbWritesPending(void);          /* writes wait for dbFlushWrites */
uint64_t dbWriteEpoch(void);        /* the epoch of the pending writes */
/* Whether the flush of an epoch in [first, last] failed. */
int dbWriteEpochFailedIn(uint64_t first, uint64_t last);
/* Forgets the failed epochs (after their commands were answered). */
void dbForgetFailedWrites(void);

const char *dbWriteErrorReply(void); /* "-MISCONF Errors writing to the AOF file: ..." */

/* Raw key state, without lazy expiry (nothing is deleted): whether key has
 * an entry at all (expired or not), and whether it has one whose time has
 * passed.  For WATCH, which must tell "expired" from "missing". */
int dbKeyPresent(int db, const char *key, size_t klen);
int dbKeyIsExpired(int db, const char *key, size_t klen);

/* Memory the server holds for a live key (MEMORY USAGE): its key
 * directory entry as allocated (key bytes, location, expiry) plus one
 * bucket pointer; a string's value lives in the log, not in memory.
 * -1 if the key does not exist (an expired key is deleted first). */
long long dbKeyMemoryUsage(int db, const char *key, size_t klen);
/* Bytes of the bucket arrays of db's key directory (0 before the data
 * set is open). */
size_t dbKeydirTableBytes(int db);

/* ---- Collections (db/typed.c) --------------------------------------------
 *
 * A key holds a string or a collection (store/collection.h: a hash, a set).
 * Lookups apply lazy expiry as everywhere here.  Element writes are each
 * one record (a command that writes several wraps them in a batch); the
 * key is created by its first element and deleted with its last.  They
 * signal keyAdded when they create the key, never keyModified: the
 * command calls dbKeyModified once, after all its writes. */
#define DB_TYPE_NONE -1   /* = STORE_TYPE_NONE */
#define DB_TYPE_STRING 0  /* = STORE_TYPE_STRING; collections are COLL_* */

int dbKeyType(int db, const char *key, size_t klen);
/* "string", "hash", "set", or "none" (TYPE's answers). */
const char *dbTypeName(int type);
/* The key's collection of type ctype, for reading until the next write:
 * NULL with *rc DB_MISSING, or DB_WRONGTYPE when it holds something else. */
const collection *dbCollection(int db, const char *key, size_t klen, int ctype, int *rc);
int dbElementPut(int db, int ctype, const char *key, size_t klen, const char *name, size_t nlen,
                 const char *val, size_t vlen, int *created);
/* DB_MISSING when the key or the element is absent; *keyRemoved (if not
 * NULL) is 1 when the element was the last one and the key went too. */
int dbElementDelete(int db, int ctype, const char *key, size_t klen, const char *name,
                    size_t nlen, int *keyRemoved);
int dbElementGet(int db, int ctype, const char *key, size_t klen, const char *name, size_t nlen,
                 bstr *value);
/* The value of an element a walk of the collection of a key of klen bytes
 * just returned (no second lookup). */
int dbElementValue(size_t klen, const collElem *el, bstr *value);
/* dbElementValue into buf, which has room for el->loc.valueLen bytes. */
int dbElementRead(size_t klen, const collElem *el, void *buf);
/* Converts the collection at key to its large encoding now, for good
 * (Redis's SORT does so to a sorted set before reading it, which OBJECT
 * ENCODING shows).  Nothing is written: an encoding is not data. */
void dbCollectionToLargeEncoding(int db, const char *key, size_t klen);

/* The one keyModified signal of a command's collection writes. */
void dbKeyModified(int db, const char *key, size_t klen);
/* The *STORE commands: key (whatever it held) becomes a collection of
 * the n names (with values[i], or none when values is NULL), or goes when
 * n is 0; one batch.  *existed: the key held something before.  Signals
 * keyAdded only for a key that did not exist (an overwrite is no "new",
 * as Redis's setKey), keyModified once when anything changed. */
int dbReplaceCollection(int db, int ctype, const char *key, size_t klen, const bstr *names,
                        const bstr *values, size_t n, int *existed);

/* ---- Lists (db/list.c) ----------------------------------------------------
 *
 * A list is a collection of type COLL_LIST whose element names are
 * positions (store/collection.h, "Lists"); these are its writes that
 * choose positions or remove runs.  Like the element writes above they
 * signal keyAdded when they create the key, never keyModified. */

#define DB_LIST_TAIL UINT32_MAX /* a rank past the end: the tail */

/* A new element at rank (0: the head; the count or more: the tail), one
 * ELEMENT record; a missing key becomes a list.  When its neighbours' positions
 * touch, elements around it move first (a few records, one batch). */
int dbListInsert(int db, const char *key, size_t klen, uint32_t rank, const char *val,
                 size_t vlen);
/* Keeps elements [from, to] (ranks, to < count) and removes the others,
 * one record whatever their number; from > to removes all, and the key. */
int dbListTrim(int db, const char *key, size_t klen, uint32_t from, uint32_t to);

/* ---- Metadata (store/store.h, "Metadata") --------------------------------
 *
 * Named blobs that belong to the server, not to a database: FUNCTION
 * libraries live here as "function:<library name>" -> source.  They are
 * in the log like keys (they survive restarts, compaction, backups and
 * restores; BACKUP RESTORE tells dataReplaced, after which they are the
 * backup's) but they are not keys: FLUSHALL, FLUSHDB, SWAPDB and DEL
 * never touch them, and no key count, scan or memory figure sees them.
 *
 * Writes follow the keyspace's rules above: inside dbBatchBegin/Commit
 * they are atomic with the batch's other writes; with deferred writes
 * they are visible at once and reach the log at dbFlushWrites, and if
 * that fails they are undone with the rest of their epoch (the command
 * that made them is answered -MISCONF, write_outcome.h).  A layer that
 * caches metadata (the script engine's compiled libraries) therefore
 * reloads it when dbMetaVersion() moved without its own writes: after a
 * failed flush, or a restore. */
#define DB_META_NAME_MAX 1024 /* = STORE_META_NAME_MAX */
/* DB_OK, or DB_ERR_WRITE (nothing changed; also for a name of 0 or more
 * than DB_META_NAME_MAX bytes). */
int dbMetaSet(const char *name, size_t nlen, const char *val, size_t vlen);
/* DB_OK (also when absent), or DB_ERR_WRITE (nothing changed). */
int dbMetaDelete(const char *name, size_t nlen);
/* Calls fn for every entry whose name starts with prefix (plen 0: every
 * one), in name order (bytewise, a name before the longer names it
 * starts).  Name and value are valid during the call only; fn must not
 * write metadata. */
void dbMetaForEach(const char *prefix, size_t plen,
                   void (*fn)(const char *name, size_t nlen, const char *val, size_t vlen,
                              void *pd),
                   void *pd);
/* Changes whenever the metadata may have changed (each write, an undo of
 * writes by a failed flush, a new data set). */
uint64_t dbMetaVersion(void);

/* ---- Lazy freeing (store/lazyfree.h) -------------------------------------
 *
 * Which deletes hand a big collection (free effort above
 * LAZYFREE_THRESHOLD: a hashtable of more than 64 elements) or a flushed
 * database to the lazy-free thread instead of freeing it on the event
 * loop: Redis 7.0's lazyfree-lazy-* directives, all "no" by default.
 * db/ applies lazyExpire (expired keys, EXPIRE in the past) and
 * lazyServerDel (what a write deletes or replaces: SET over a collection,
 * the destination of RENAME/MOVE/COPY, *STORE) by itself; the commands
 * that delete on a user's request decide with lazyUserDel (DEL; UNLINK is
 * always lazy) and lazyUserFlush (FLUSHALL/FLUSHDB without ASYNC/SYNC). */
typedef struct lazyfreeSettingsValue {
    int lazyEviction;   /* lazyfree-lazy-eviction (db/evict.h) */
    int lazyExpire;     /* lazyfree-lazy-expire */
    int lazyServerDel;  /* lazyfree-lazy-server-del */
    int lazyUserDel;    /* lazyfree-lazy-user-del */
    int lazyUserFlush;  /* lazyfree-lazy-user-flush */
} lazyfreeSettingsValue;

extern lazyfreeSettingsValue lazyfreeSettings;

/* INFO's lazyfree_pending_objects and lazyfreed_objects. */
void dbLazyfreeStats(uint64_t *pending, uint64_t *freed);

/* DEBUG CRASH-AFTER-PARTIAL-BATCH: the next batch commit writes half of
 * its bytes and exits the process (store.h, for crash tests). */
void dbDebugCrashInNextBatch(void);

/* Keyspace listeners: the one place every change to the keyspace is
 * signalled (Redis's signalModifiedKey / signalFlushedDb / swapdb hooks).
 * WATCH registers one; keyspace notifications and client tracking can
 * register theirs.  keyModified is called after a successful write of key
 * (SET, DEL, expiry change, expired-key deletion, each key of RENAME/COPY/
 * MOVE ...); dbFlushed before a FLUSHDB/FLUSHALL empties db (-1: every
 * database); dbSwapped before SWAPDB exchanges a and b.  A listener must not
 * change the keyspace.  Any callback may be NULL. */
typedef struct dbKeyspaceListener {
    void (*keyModified)(int db, const char *key, size_t klen);
    void (*dbFlushed)(int db);
    void (*dbSwapped)(int a, int b);
    /* keyAdded: after a write created key (it was missing or expired), before
     * keyModified; RENAME/COPY/MOVE always create their destination, as
     * Redis's dbAdd does.  keyExpired: after an expired key was deleted (lazy
     * or active expiry).  batchEnded: after the outermost dbBatchCommit,
     * committed 0 when it rolled back.  keyEvicted: after maxmemory
     * evicted key (db/evict.h), after its keyModified. */
    void (*keyAdded)(int db, const char *key, size_t klen);
    void (*keyExpired)(int db, const char *key, size_t klen);
    void (*keyEvicted)(int db, const char *key, size_t klen);
    void (*batchEnded)(int committed);
    /* dataReplaced: after the whole data set was replaced (BACKUP RESTORE):
     * every key may have changed. */
    void (*dataReplaced)(void);
    /* writesSettled: epochs ended (dbFlushWrites): what was raised for the
     * writes of an epoch before dbWriteEpoch() is now known to be on disk,
     * or undone if dbWriteEpochFailedIn(epoch, epoch). */
    void (*writesSettled)(void);
} dbKeyspaceListener;

void dbAddKeyspaceListener(const dbKeyspaceListener *l);

/* Tells every listener that the whole data set was replaced. */
void dbSignalReplaced(void);

#endif
