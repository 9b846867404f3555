/* lib/rehash.h -- a hash table's buckets: two power-of-two bucket arrays
 * that resize by rehashing incrementally.  The table machinery shared by
 * lib/dict.c and store/keydir.c.
 *
 * What the core owns.  The bucket arrays and every decision about them:
 * when to grow or shrink and to what size, moving the entries from the old
 * array to the new one a few buckets at a time, finishing that move, the
 * pause counter, the SCAN walk over both arrays and the random choice of a
 * bucket.  It does not own the entries: its user allocates them, compares
 * keys, and frees them (rehashTableClear calls back for that).
 *
 * What an entry must give.  A chain link `void *next` at a fixed offset
 * (rehashEntryType.nextOffset; `void *` so that a bucket slot and a link
 * are the same type and a lookup can hold a pointer to either), and its
 * hash, through rehashEntryType.hash, which the core calls once for every
 * entry it moves between arrays.  Nothing else: an entry does not store
 * its hash (store/keydir.c has no room for one and recomputes it) and
 * carries no header.  So using the core costs an entry no byte.
 *
 * What stays with the user.  Lookups: the user hashes its key and walks
 * t->ht[i].buckets[h & t->ht[i].sizemask] itself for i = 0, and for i = 1
 * while rehashing, comparing keys inline; a lookup makes no call into
 * this file.  Inserting and unlinking go through the inline helpers below,
 * which keep the counts and start resizes.  Each operation tests
 * rehashTableStepDue and, while a rehash is under way, calls the user's
 * one out-of-line wrapper around rehashTableMoveBuckets (why: there).
 *
 * Invariants:
 *   - ht[0].size and ht[1].size are 0 or powers of two; sizemask is
 *     size - 1; ht[i].used counts the entries linked in array i.
 *   - rehashidx == -1 means "not rehashing"; then ht[1] is all zero.
 *   - While rehashing, ht[1] is allocated, every bucket of ht[0] below
 *     rehashidx is empty and new entries go to ht[1]; so an entry is in
 *     exactly one array and a lookup must try both.
 *   - pauseRehash > 0 (a safe iterator, a running scan) means no entry
 *     moves between arrays and no array is freed.  A resize may still
 *     start (allocating ht[1] moves nothing).
 *
 * Sizing policy (the same for every user):
 *   - arrays are powers of two, at least REHASH_INITIAL_SIZE buckets, and
 *     none is allocated before the first insert;
 *   - grow: before an insert, when the entries reach the buckets (load
 *     factor 1), to the next power of two above the count;
 *   - shrink: after a removal, when the array is bigger than
 *     REHASH_INITIAL_SIZE and under 1/REHASH_SHRINK_RATIO full, to the
 *     smallest power of two holding every entry.  A removal during a
 *     rehash defers the check to the end of that rehash (only then: an
 *     array pre-sized by rehashTableExpand for entries still to come must
 *     not shrink back the moment its rehash ends).
 *
 * Threads.  None: a table is used from one thread.  The struct holds no
 * pointer to itself, so its owner may copy it by value (keydirSwap). */
#ifndef REDIS_KV_REHASH_H
#define REDIS_KV_REHASH_H

#include <stddef.h>
#include <stdint.h>

/* Smallest bucket array ever allocated.  Four pointers is the smallest
 * allocation worth making; a smaller floor would only add resizes. */
#define REHASH_INITIAL_SIZE 4
/* An array with fewer entries than 1/REHASH_SHRINK_RATIO of its buckets
 * shrinks.  Much above 10 and a deleted-from table keeps memory it does
 * not use; much below and a table that grows and shrinks by a few keys
 * around a threshold would resize back and forth. */
#define REHASH_SHRINK_RATIO 10
/* A step of n buckets gives up after visiting this many empty buckets per
 * bucket asked, so that one step on a sparse array stays short. */
#define REHASH_EMPTY_VISITS 10

typedef struct rehashArray {
    void **buckets;
    unsigned long size;
    unsigned long sizemask;
    unsigned long used;
} rehashArray;

typedef struct rehashTable {
    rehashArray ht[2];
    long rehashidx;     /* next ht[0] bucket to move, or -1 */
    int pauseRehash;    /* live safe iterators and running scans */
    int shrinkPending;  /* entries were removed while rehashing */
} rehashTable;

/* How the user's entries are chained and hashed.  'ctx' is whatever the
 * user passes along with the type (lib/dict.c: its dictType). */
typedef struct rehashEntryType {
    size_t nextOffset;      /* offsetof(entry, next); next is a void * */
    uint64_t (*hash)(const void *entry, const void *ctx);
} rehashEntryType;

/* The chain link of 'entry'. */
static inline void **rehashNextLink(void *entry, size_t nextOffset) {
    return (void **)((char *)entry + nextOffset);
}

/* ---- Life cycle and counts ----------------------------------------------- */

/* An empty table: no arrays, not rehashing, not paused. */
void rehashTableInit(rehashTable *t);

/* Calls freeEntry(ctx, entry) on every entry, frees both arrays and leaves
 * the table empty (the pause count is kept).  freeEntry must not touch
 * the table. */
void rehashTableClear(rehashTable *t, const rehashEntryType *et,
                      void (*freeEntry)(void *ctx, void *entry), void *ctx);

static inline int rehashTableIsRehashing(const rehashTable *t) {
    return t->rehashidx != -1;
}

static inline unsigned long rehashTableSize(const rehashTable *t) {
    return t->ht[0].used + t->ht[1].used;
}

/* Buckets in both arrays. */
static inline unsigned long rehashTableBuckets(const rehashTable *t) {
    return t->ht[0].size + t->ht[1].size;
}

/* Bytes both bucket arrays hold from the allocator (usable sizes). */
size_t rehashTableMemoryBytes(const rehashTable *t);

/* ---- Sizing -------------------------------------------------------------- */

/* Starts a resize to at least 'size' buckets (rounded up to a power of
 * two): the first array of an empty table is allocated directly, later
 * ones start a rehash.  Returns 1 if it did, 0 if not: rehashing already,
 * 'size' below the number of entries, or the array already that size. */
int rehashTableExpand(rehashTable *t, unsigned long size);

/* Applies the grow/shrink policy now (the table must not be rehashing for
 * anything to happen).  Returns 1 if a resize started. */
int rehashTableResizeIfNeeded(rehashTable *t);

/* True when ht[0] is bigger than REHASH_INITIAL_SIZE and under
 * 1/REHASH_SHRINK_RATIO full. */
static inline int rehashTableNeedsShrink(const rehashTable *t) {
    unsigned long size = t->ht[0].size;
    /* used * ratio < size, written so that it cannot overflow. */
    return size > REHASH_INITIAL_SIZE &&
           t->ht[0].used < (size + REHASH_SHRINK_RATIO - 1) / REHASH_SHRINK_RATIO;
}

/* Out-of-line halves of the inline helpers below: start a grow (before an
 * insert) or a shrink (after a removal) if the policy asks for one; during
 * a rehash a shrink is deferred to its end. */
void rehashTableGrow(rehashTable *t);
void rehashTableShrink(rehashTable *t);

/* ---- Inserting and unlinking --------------------------------------------- */

/* Links 'entry', whose key hashes to 'h', at the head of its bucket, first
 * starting a grow if the load factor reached 1.  The caller has checked
 * that the key is not in the table. */
static inline void rehashTableLink(rehashTable *t, void *entry, uint64_t h,
                                   size_t nextOffset);
static inline void rehashTableInsert(rehashTable *t, void *entry, uint64_t h,
                                     size_t nextOffset) {
    if (!rehashTableIsRehashing(t) && t->ht[0].used >= t->ht[0].size) {
        rehashTableGrow(t);
    }
    rehashTableLink(t, entry, h, nextOffset);
}

/* rehashTableInsert without the grow, for a caller that decided against
 * one (the keydir at maxmemory, keydir.h keydirSetGrowHook).  The table
 * must have buckets. */
static inline void rehashTableLink(rehashTable *t, void *entry, uint64_t h,
                                   size_t nextOffset) {
    rehashArray *a = &t->ht[rehashTableIsRehashing(t) ? 1 : 0];
    void **slot = &a->buckets[h & a->sizemask];
    *rehashNextLink(entry, nextOffset) = *slot;
    *slot = entry;
    a->used++;
}

/* Unlinks the entry *link points at (a bucket slot or a next link of array
 * a's chain, as found by the caller's lookup), then starts a shrink if the
 * array became too sparse.  The entry's own next link is left as it was. */
static inline void rehashTableUnlink(rehashTable *t, rehashArray *a,
                                     void **link, size_t nextOffset) {
    *link = *rehashNextLink(*link, nextOffset);
    a->used--;
    if (rehashTableIsRehashing(t) || rehashTableNeedsShrink(t)) {
        rehashTableShrink(t);
    }
}

/* ---- Rehashing ----------------------------------------------------------- */

/* Frees the emptied ht[0], makes ht[1] the only array, and starts a
 * shrink a removal deferred.  Returns 1 if that shrink is rehashing. */
int rehashTableFinish(rehashTable *t);

/* Moves every entry of ht[0] bucket 'idx' to its bucket in ht[1]. */
static inline void rehashTableMoveBucket(rehashTable *t, unsigned long idx,
                                         const rehashEntryType *et,
                                         const void *ctx) {
    rehashArray *dst = &t->ht[1];
    void *e = t->ht[0].buckets[idx];
    while (e) {
        void **link = rehashNextLink(e, et->nextOffset);
        void *next = *link;
        void **slot = &dst->buckets[et->hash(e, ctx) & dst->sizemask];
        *link = *slot;
        *slot = e;
        t->ht[0].used--;
        dst->used++;
        e = next;
    }
    t->ht[0].buckets[idx] = NULL;
}

/* Moves up to 'n' non-empty buckets from ht[0] to ht[1], visiting at most
 * n * REHASH_EMPTY_VISITS empty ones, and finishes the rehash when ht[0]
 * is empty.  Ignores the pause counter: callers check it (see
 * rehashTableStepDue).  Returns 1 if still rehashing afterwards, 0 if not.
 *
 * Inline, and meant to be called from ONE out-of-line function of the
 * user's (keydir.c and dict.c: rehashSome): there 'et' is a constant the
 * compiler sees through, so each moved entry's hash is a direct call
 * rather than a call through et->hash, and the user's lookups, which only
 * test rehashTableStepDue, stay small.  Measured on a 10,000-key keydir:
 * the call through the pointer cost about 1 ns per insert and 2 ns per
 * operation during a rehash; inlining the mover into every lookup cost
 * 1 to 2 ns per lookup. */
static inline int rehashTableMoveBuckets(rehashTable *t, int n,
                                         const rehashEntryType *et,
                                         const void *ctx) {
    if (!rehashTableIsRehashing(t)) return 0;
    int emptyVisits = n * REHASH_EMPTY_VISITS;

    while (n-- > 0 && t->ht[0].used != 0) {
        /* used != 0: there is a non-empty bucket at or after rehashidx. */
        while (t->ht[0].buckets[t->rehashidx] == NULL) {
            t->rehashidx++;
            if (--emptyVisits == 0) return 1;
        }
        rehashTableMoveBucket(t, (unsigned long)t->rehashidx, et, ctx);
        t->rehashidx++;
    }
    if (t->ht[0].used != 0) return 1;
    return rehashTableFinish(t);
}

/* True when an operation should move a few buckets: a rehash is under way
 * and nothing pauses it.  The one test every operation pays. */
static inline int rehashTableStepDue(const rehashTable *t) {
    return t->pauseRehash == 0 && rehashTableIsRehashing(t);
}

/* Rehashes in steps of 100 buckets for about 'ms' milliseconds or until
 * the rehash is done.  Returns the number of bucket steps done (0 if not
 * rehashing, or paused). */
int rehashTableRehashMilliseconds(rehashTable *t, int ms,
                                  const rehashEntryType *et, const void *ctx);

static inline void rehashTablePause(rehashTable *t) { t->pauseRehash++; }
static inline void rehashTableResume(rehashTable *t) { t->pauseRehash--; }

/* ---- Scanning and sampling ----------------------------------------------- */

/* One call of a SCAN over the table with Redis's guarantee (see
 * lib/scancursor.h): calls fn(priv, entry) for every entry of the
 * cursor's bucket(s) and returns the next cursor, 0 when done.  Rehashing
 * is paused during the call.  Each entry's next link is read before fn
 * runs, so fn may unlink, free or reallocate the entry it is given; it
 * must not insert, nor remove any other entry. */
typedef void rehashEntryFn(void *priv, void *entry);
unsigned long rehashTableScan(rehashTable *t, unsigned long cursor,
                              const rehashEntryType *et, rehashEntryFn *fn,
                              void *priv);

/* A 64-bit summary of the layout: any insert, removal, resize or rehash
 * step changes it.  lib/dict.c checks it to catch an unsafe iterator used
 * while the table changed. */
uint64_t rehashTableFingerprint(const rehashTable *t);

/* The head of a random non-empty bucket; the table must not be empty. */
void *rehashTableRandomBucket(const rehashTable *t);
/* A random entry of a random non-empty bucket (not perfectly uniform when
 * chains differ in length); the table must not be empty. */
void *rehashTableRandomEntry(const rehashTable *t, size_t nextOffset);

/* A 64-bit pseudo-random number (per-thread xorshift64*, seeded from the
 * clock): picks entries within a chain.  Not for anything secret. */
uint64_t rehashRandom(void);

#endif
