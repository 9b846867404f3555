/* store/keydir.h -- the in-memory key directory of the storage engine.
 *
 * One keydir per database maps each key to where its newest value lives in
 * the segmented log: (segment id, offset in the segment, value length), plus
 * the key's absolute expiry and the sequence number of the record that wrote
 * it.  It is the only per-key memory cost of the engine, so an entry is a
 * single allocation holding the chain link, the location and the key bytes
 * inline (see keydir.c for the exact layout and its size per key).
 *
 * Limits (the store must respect them; violating one is a programming error
 * and aborts the process with a message):
 *   - offset is 32 bits: a record must start below 4 GiB in its segment, so
 *     `segment-size` is capped at 4 GiB (a segment is sealed before a record
 *     would start at or past that point; the record itself may extend past
 *     it);
 *   - valueLen is 32 bits (values are at most 512 MB, as in Redis);
 *   - keys are binary-safe, up to UINT32_MAX bytes (Redis allows 512 MB);
 *   - the sequence number is 55 bits: at most KEYDIR_SEQ_MAX (3.6e16; ten
 *     million writes a second for 114 years; the 56th bit marks a patched
 *     key).  The store must reject a record
 *     read from disk whose sequence number exceeds it.
 *   - expiry is an absolute unix time in milliseconds; 0 means "none".
 *
 * Table.  Chained hashing over power-of-two bucket arrays with incremental
 * rehashing, by the same core as lib/dict (lib/rehash.h): two tables while
 * resizing, and every lookup, set, delete, relocate and random pick moves
 * a couple of buckets from the old table to the new one.  Grows when the
 * number of keys reaches the number of buckets (to the next power of two
 * above it), shrinks when fewer than 10% of the buckets are used.
 * keydirRehashMilliseconds() lets a cron finish a rehash while the server
 * is idle.  Keys are hashed with
 * dictGenHashFunction (SipHash keyed with the process-wide seed).
 *
 * Entry pointers.  A keydirEntry pointer stays valid until the entry is
 * deleted or changed: keydirSet, keydirSetExpire and keydirRelocate may
 * reallocate the entry of the key they change (e.g. when the expiry appears
 * or disappears the entry changes size), so always use the pointer they
 * return, and never keep an entry pointer across such a call for the same
 * key.  Rehashing moves entries between tables but never reallocates them.
 *
 * Threads.  A keydir is not thread-safe; use it from one thread. */
#ifndef REDIS_KV_KEYDIR_H
#define REDIS_KV_KEYDIR_H

#include <stddef.h>
#include <stdint.h>

/* Largest sequence number an entry can hold (2^55 - 1). */
#define KEYDIR_SEQ_MAX ((UINT64_C(1) << 55) - 1)

typedef struct keydir keydir;
typedef struct keydirEntry keydirEntry;
typedef struct collection collection;

/* Where a value lives: the record at 'offset' in segment 'segment', whose
 * value is 'valueLen' bytes long.  For a patched key (below) the record is
 * the newest of its chain and valueLen the length of the whole value. */
typedef struct keydirLoc {
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
} keydirLoc;

/* Patched keys.  A key's value may be a SET record followed by patch
 * records (record.h RECORD_PATCH), each writing bytes at an offset of the
 * value before it.  The keydir keeps the list, oldest first: rec[0] is
 * the SET (at 0, len = its value length), rec[1..n) the patches.  The key
 * counts as one key; its location (keydirEntryLoc) is rec[n-1]. */
typedef struct keydirChainRec {
    uint32_t segment;
    uint32_t offset;
    uint32_t recordSize;  /* the record's bytes on disk */
    uint32_t at, len;     /* the value bytes it writes: [at, at + len) */
} keydirChainRec;

typedef struct keydirChain {
    uint32_t n;           /* records, >= 2 */
    uint32_t patchedBytes;/* sum of len over rec[1..n) */
    keydirChainRec rec[];
} keydirChain;

/* ---- Life cycle ---------------------------------------------------------- */

/* A new, empty keydir (no buckets allocated until the first insert). */
keydir *keydirCreate(void);
/* Frees every entry and the keydir itself.  kd may be NULL. */
void keydirRelease(keydir *kd);
/* Frees every entry and both bucket arrays; the keydir stays usable and
 * empty.  No iterator may be live. */
void keydirEmpty(keydir *kd);
/* Exchanges the contents of two keydirs (SWAPDB).  No iterator may be live
 * on either. */
void keydirSwap(keydir *a, keydir *b);

/* ---- Lookup and update --------------------------------------------------- */

/* The entry for 'key' (klen bytes, binary-safe), or NULL if absent.  Key
 * may be NULL when klen is 0.  Expired entries are returned like any other:
 * expiry is the caller's business. */
keydirEntry *keydirLookup(keydir *kd, const void *key, size_t klen);

/* Inserts 'key' or overwrites it: location, expiry (absolute unix ms, 0 =
 * none; a negative expiry is stored as 1, i.e. already expired) and
 * sequence number all take the new values.  Sets *created (when
 * created != NULL) to 1 if the key was new, 0 if it was overwritten.
 * Returns the entry, which may differ from the pointer previously returned
 * for this key (see "Entry pointers" above). */
keydirEntry *keydirSet(keydir *kd, const void *key, size_t klen,
                       const keydirLoc *loc, int64_t expireMs, uint64_t seq,
                       int *created);

/* Bulk loading (replay.c): the same lookup and set with the key's hash
 * computed once by the caller (h must be keydirHash(key, klen)), and a
 * prefetch that lets a loader start the cache misses of several keys at
 * once.  keydirPrefetch with entry = 0 fetches the bucket slot h falls in;
 * with entry = 1 (some time later, once the slot is in cache) the first
 * entry of that bucket.  A prefetch is only a hint: it never changes the
 * keydir and costs nothing when wrong. */
uint64_t keydirHash(const void *key, size_t klen);
keydirEntry *keydirLookupHashed(keydir *kd, const void *key, size_t klen,
                                uint64_t h);
keydirEntry *keydirSetHashed(keydir *kd, const void *key, size_t klen, uint64_t h,
                             const keydirLoc *loc, int64_t expireMs, uint64_t seq,
                             int *created);
void keydirPrefetch(const keydir *kd, uint64_t h, int entry);
/* keydirSetHashed for a loader that accounts for the record it
 * replaces, in one walk of the bucket (keydirLookupHashed followed by
 * keydirSetHashed walks it twice).  KEYDIR_LOAD_NEW: the key was
 * inserted.  KEYDIR_LOAD_REPLACED: the key had one plain record, whose
 * location is now in *old, and was overwritten.  KEYDIR_LOAD_CHAINED:
 * the key is patched (keydirEntryChain) or a collection, and NOTHING
 * changed: the caller accounts for its records and calls
 * keydirSetHashed. */
#define KEYDIR_LOAD_NEW 0
#define KEYDIR_LOAD_REPLACED 1
#define KEYDIR_LOAD_CHAINED 2
int keydirLoadSet(keydir *kd, const void *key, size_t klen, uint64_t h,
                  const keydirLoc *loc, int64_t expireMs, uint64_t seq, keydirLoc *old);
/* keydirExpand for a load that will fill the table: a bucket array of
 * KEYDIR_HUGE_BUCKETS bytes or more is also advised to use huge pages
 * (keydir.c, adviseHuge).  4 MB: from 512K buckets on, where a load's
 * random slots stop fitting the TLB's reach; smaller tables are left to
 * the kernel's default pages. */
#define KEYDIR_HUGE_BUCKETS (4u << 20)
int keydirExpandForLoad(keydir *kd, size_t size);

/* Removes 'key'.  Returns 1 if it was present, 0 if not. */
int keydirDelete(keydir *kd, const void *key, size_t klen);

/* Changes only the expiry of 'key' (0 removes it, negative is stored as 1,
 * as in keydirSet).  Returns the entry
 * (possibly reallocated), or NULL if the key is absent. */
keydirEntry *keydirSetExpire(keydir *kd, const void *key, size_t klen,
                             int64_t expireMs);

/* Compaction support: if 'key' exists and its location still equals
 * *oldLoc (all three fields), sets it to *newLoc and returns 1; otherwise
 * changes nothing and returns 0 (the key was overwritten or deleted since
 * the compactor copied it).  Expiry and sequence number are kept.  A
 * patched key's chain is dropped: *newLoc is its materialised value. */
int keydirRelocate(keydir *kd, const void *key, size_t klen,
                   const keydirLoc *oldLoc, const keydirLoc *newLoc);

/* Adds a patch to 'key' (which must exist; NULL if it does not): the key's
 * chain grows by *patch, starting as {*base, *patch} when the key had no
 * chain (base then describes its current record).  The value length
 * becomes valueLen and the sequence number seq; the expiry is kept.
 * keydirSet, keydirRelocate and keydirDelete drop the chain. */
keydirEntry *keydirAppendPatch(keydir *kd, const void *key, size_t klen,
                               const keydirChainRec *base,
                               const keydirChainRec *patch, uint32_t valueLen,
                               uint64_t seq);
/* keydirSet with a copy of 'chain' as the key's records (batch undo). */
keydirEntry *keydirSetChain(keydir *kd, const void *key, size_t klen,
                            const keydirChain *chain, uint32_t valueLen,
                            int64_t expireMs, uint64_t seq);
/* A copy of c (NULL for NULL), to xfree. */
keydirChain *keydirChainCopy(const keydirChain *c);

/* ---- Collections ---------------------------------------------------------- */

/* A key may hold a collection (store/collection.h) instead of a value:
 * keydirSetCollection inserts or overwrites the key with c, which the
 * keydir then owns (keydirDelete, keydirEmpty, and keydirSet or another
 * keydirSetCollection over the key free it with collFree).  Its location
 * reads as all zeros and it has no chain. */
keydirEntry *keydirSetCollection(keydir *kd, const void *key, size_t klen, collection *c,
                                 int64_t expireMs, uint64_t seq, int *created);
/* The key's collection, or NULL when it holds a value.  Valid until the
 * entry changes. */
collection *keydirEntryCollection(const keydirEntry *e);
/* Takes the collection of 'key' from the keydir: the caller owns it and
 * the entry keeps a zero location (to be overwritten or deleted next).
 * NULL when the key is absent or holds a value. */
collection *keydirTakeCollection(keydir *kd, const void *key, size_t klen);
/* The key's newest record changed without its location changing (an
 * element write of a collection). */
void keydirEntrySetSeq(keydirEntry *e, uint64_t seq);

/* ---- Entry accessors ----------------------------------------------------- */

/* The key bytes stored in 'e' (not NUL-terminated) and their length. */
const void *keydirEntryKey(const keydirEntry *e, size_t *len);
void keydirEntryLoc(const keydirEntry *e, keydirLoc *out);
/* Absolute expiry in unix ms, or 0 if the key has none. */
int64_t keydirEntryExpire(const keydirEntry *e);
uint64_t keydirEntrySeq(const keydirEntry *e);
/* The key's chain when it is patched, else NULL.  Valid until the entry
 * changes. */
const keydirChain *keydirEntryChain(const keydirEntry *e);

/* ---- Access clock ---------------------------------------------------------
 *
 * 24 bits per entry that the keydir keeps but never interprets: db/ stores
 * the key's LRU or LFU clock there (lib/accessclock.h).  A new entry gets
 * the value last given to keydirSetNewEntryClock (process-wide, 0 at
 * start); overwriting, patching, relocating or changing the expiry of an
 * entry keeps its clock.  Bits above the 24th are dropped. */
void keydirSetNewEntryClock(uint32_t clock);
uint32_t keydirEntryClock(const keydirEntry *e);
void keydirEntrySetClock(keydirEntry *e, uint32_t clock);

/* Growth under a memory limit.  Before an insert that would double a
 * keydir's bucket array (moreBytes: the new array's size, allocated while
 * the old one still exists), the hook, when set, may refuse; the key is
 * then inserted at the current size and the array grows at a later insert
 * the hook allows.  Redis does the same for its keyspace (dictExpandAllowed)
 * so that a rehash does not push a server over maxmemory into evicting
 * keys it has room for.  Process-wide; NULL (the default): always grow. */
typedef int keydirGrowHook(size_t moreBytes, double loadFactor);
void keydirSetGrowHook(keydirGrowHook *hook);

/* ---- Statistics ---------------------------------------------------------- */

size_t keydirSize(const keydir *kd);            /* number of keys */
size_t keydirExpiresCount(const keydir *kd);    /* keys with an expiry */
/* Bytes the keydir holds from the allocator: the usable size of every
 * entry, of both bucket arrays and of the keydir header itself. */
size_t keydirMemoryBytes(const keydir *kd);
size_t keydirBuckets(const keydir *kd);         /* buckets in both tables */
int keydirIsRehashing(const keydir *kd);

/* ---- Sizing -------------------------------------------------------------- */

/* Pre-sizes the table for 'size' keys (rounded up to a power of two), e.g.
 * before loading a hint file.  Returns 1 if a resize started, 0 if not
 * (rehashing already, too small for the current keys, or same size). */
int keydirExpand(keydir *kd, size_t size);
/* Rehashes in steps of 100 buckets for about 'ms' milliseconds or until
 * the rehash is done.  Returns the number of bucket steps done (0 if not
 * rehashing or if a live iterator pauses rehashing). */
int keydirRehashMilliseconds(keydir *kd, int ms);

/* ---- Iteration ----------------------------------------------------------- */

/* Cursor iteration with Redis's SCAN guarantee.  Start with cursor 0 and
 * call again with the returned cursor until it returns 0.  Every key
 * present for the whole iteration is passed to 'fn' at least once, even if
 * the keydir grows, shrinks or rehashes between calls; keys may be reported
 * more than once.  Each call reports one bucket (of each table while
 * rehashing).  Rehashing is paused during the call.  Inside 'fn' the caller
 * may look keys up, delete the entry it is given, or change that entry's
 * key with keydirSet/keydirSetExpire/keydirRelocate; it must not insert new
 * keys, nor delete or change any other key. */
typedef void keydirScanFn(void *priv, keydirEntry *e);
unsigned long keydirScan(keydir *kd, unsigned long cursor, keydirScanFn *fn,
                         void *priv);

/* A random entry, or NULL if the keydir is empty: a random non-empty bucket,
 * then a random entry of its chain (not perfectly uniform when chains differ
 * in length). */
keydirEntry *keydirRandom(keydir *kd);
/* Active-expiry sampling: up to 'tries' random picks, returning the first
 * entry that has an expiry; NULL if none was found or no key has one. */
keydirEntry *keydirRandomWithExpire(keydir *kd, int tries);

/* Safe iterator, on the caller's stack:
 *
 *     keydirIterator it;
 *     keydirIterInit(&it, kd);
 *     while ((e = keydirIterNext(&it)) != NULL) ...
 *     keydirIterRelease(&it);
 *
 * Every key present for the whole iteration is returned exactly once.
 * While it is live, rehashing is paused and the caller may look keys up,
 * delete or change (keydirSet/SetExpire/Relocate) the entry last returned,
 * and insert new keys (an inserted key may or may not be returned), but must
 * not delete or change any other existing key (that could free the entry
 * the iterator returns next), and must not empty, swap or release the
 * keydir.
 * keydirIterRelease must be called exactly once. */
typedef struct keydirIterator {
    keydir *kd;
    keydirEntry *nextEntry;     /* saved so the current entry may change */
    unsigned long index;        /* bucket being walked in table 'table' */
    int table;
    int started;
} keydirIterator;

void keydirIterInit(keydirIterator *it, keydir *kd);
keydirEntry *keydirIterNext(keydirIterator *it);
void keydirIterRelease(keydirIterator *it);

#endif
