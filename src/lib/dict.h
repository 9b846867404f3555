/* lib/dict.h -- chained hash table with incremental rehashing and SCAN
 * cursors.
 *
 * A dict maps opaque keys to opaque values.  The caller describes keys with
 * a dictType: how to hash them, compare them, and free keys and values.
 *
 * Layout.  A dict owns two bucket tables.  Normally only table 0 is in use.
 * When the table must grow or shrink, table 1 is allocated with the new
 * size and the dict is "rehashing": every dictAdd/dictReplace/dictFind/
 * dictFetchValue/dictDelete/dictUnlink/dictGetRandomKey call moves one more
 * bucket (visiting at most ten empty ones) from table 0 to table 1, so the
 * cost of a resize is spread over many operations.  When table 0 is empty
 * it is freed and table 1 becomes table 0.  dictRehashMilliseconds() lets a
 * cron finish a rehash faster while the server is idle.  The tables, their
 * sizing and the rehash are lib/rehash.h's, shared with store/keydir.c.
 *
 * Sizing.  Table sizes are powers of two (at least 4; no table is
 * allocated until the first insert).  Resizing is AUTOMATIC in both
 * directions:
 *   - grow:   on insert, when the number of entries reaches the number of
 *             buckets (load factor 1), to the next power of two above it;
 *   - shrink: after a delete/unlink, when the table is bigger than 4
 *             buckets and less than 10% full, to the smallest power of two
 *             that holds every entry.  A delete during a rehash defers the
 *             check to the end of that rehash.
 * dictResizeIfNeeded() applies the same policy on demand; callers never need
 * it for correctness.  dictExpand() pre-sizes a table before a bulk load.
 *
 * Ownership.  dictAdd/dictReplace take ownership of key and value on
 * success; dictDelete, dictEmpty, dictRelease and dictFreeUnlinkedEntry free
 * them through type->keyFree / type->valFree (either may be NULL, meaning
 * "not owned, do not free").
 *
 * Threads.  A dict is not thread-safe; use each dict from one thread. */
#ifndef REDIS_KV_DICT_H
#define REDIS_KV_DICT_H

#include <stddef.h>
#include <stdint.h>

#define DICT_OK 0
#define DICT_ERR 1

/* Smallest bucket table ever allocated. */
#define DICT_HT_INITIAL_SIZE 4

typedef struct dictEntry {
    void *key;
    void *val;
    void *next;     /* next dictEntry in the same bucket (void *: see
                     * lib/rehash.h, which moves it between tables) */
} dictEntry;

/* hash and keyEqual are required: keyEqual returns nonzero when the two keys
 * are equal, and equal keys must hash equally.  keyFree and valFree may be
 * NULL. */
typedef struct dictType {
    uint64_t (*hash)(const void *key);
    int (*keyEqual)(const void *a, const void *b);
    void (*keyFree)(void *key);
    void (*valFree)(void *val);
} dictType;

typedef struct dict dict;
typedef struct dictIterator dictIterator;
typedef void dictScanFunction(void *privdata, const dictEntry *de);

/* ---- Life cycle ---------------------------------------------------------- */

/* Creates an empty dict (no buckets allocated yet).  'type' is borrowed and
 * must outlive the dict. */
dict *dictCreate(const dictType *type);
/* Frees every entry (with the type callbacks) and the dict itself. */
void dictRelease(dict *d);
/* Frees every entry (with the type callbacks) and both tables; the dict
 * stays usable and empty.  No iterator may be live. */
void dictEmpty(dict *d);

/* ---- Insertion ------------------------------------------------------------ */

/* Adds key -> val.  DICT_OK: both are now owned by the dict.  DICT_ERR: the
 * key already exists; nothing changes and the caller still owns key/val. */
int dictAdd(dict *d, void *key, void *val);
/* Adds a new entry for 'key' with a NULL value and returns it, the caller
 * then sets the value with dictSetVal().  If the key exists, returns NULL,
 * stores the existing entry in *existing (when existing != NULL) and does
 * not take 'key'. */
dictEntry *dictAddRaw(dict *d, void *key, dictEntry **existing);
/* Sets key -> val whether or not the key exists.  Returns 1 if a new entry
 * was added (key and val now owned).  Returns 0 if the key existed: the
 * stored key is kept, 'val' replaces the old value, the old value is freed
 * with valFree and the passed 'key' with keyFree (each unless it is the very
 * same pointer as the one stored). */
int dictReplace(dict *d, void *key, void *val);

/* ---- Lookup --------------------------------------------------------------- */

dictEntry *dictFind(dict *d, const void *key);
/* The value stored for 'key', or NULL if absent (or if the value is NULL). */
void *dictFetchValue(dict *d, const void *key);

/* ---- Removal -------------------------------------------------------------- */

/* Removes 'key' and frees its key and value with the type callbacks.
 * DICT_OK if removed, DICT_ERR if not found. */
int dictDelete(dict *d, const void *key);
/* Removes 'key' from the table without freeing anything and returns the
 * detached entry (NULL if absent).  The caller may still read the entry,
 * then must call dictFreeUnlinkedEntry() on it. */
dictEntry *dictUnlink(dict *d, const void *key);
/* Frees a detached entry's key, value (type callbacks) and the entry.
 * he may be NULL. */
void dictFreeUnlinkedEntry(dict *d, dictEntry *he);

/* ---- Accessors ------------------------------------------------------------ */

static inline void *dictGetKey(const dictEntry *he) { return he->key; }
static inline void *dictGetVal(const dictEntry *he) { return he->val; }
/* Stores 'val' in the entry.  The previous value is NOT freed: the caller
 * owns it (fetch it with dictGetVal() first if it must be released). */
static inline void dictSetVal(dict *d, dictEntry *he, void *val) {
    (void)d;
    he->val = val;
}
unsigned long dictSize(const dict *d);      /* number of entries */
unsigned long dictBuckets(const dict *d);   /* buckets in both tables */
int dictIsRehashing(const dict *d);

/* ---- Sizing --------------------------------------------------------------- */

/* Starts a resize so the table has at least 'size' buckets (rounded up to a
 * power of two).  DICT_ERR if rehashing already, if 'size' is smaller than
 * the number of entries, or if the table already has that size.  The
 * automatic policy may shrink the table again if it stays under 10% full
 * when entries are deleted. */
int dictExpand(dict *d, unsigned long size);
/* Applies the grow/shrink policy now; returns DICT_OK if a resize started. */
int dictResizeIfNeeded(dict *d);
/* Rehashes in steps of 100 buckets for about 'ms' milliseconds, or until
 * the rehash finishes.  Returns the number of bucket steps done (0 if not
 * rehashing or if rehashing is paused by a safe iterator or scan). */
int dictRehashMilliseconds(dict *d, int ms);

/* ---- Iteration ------------------------------------------------------------ */

/* Unsafe iterator: while it is live the caller must not call anything that
 * modifies the dict or steps the rehash (that includes dictFind).
 * dictReleaseIterator() checks a fingerprint of the tables and aborts the
 * process if they changed. */
dictIterator *dictGetIterator(dict *d);
/* Safe iterator: pauses incremental rehashing until released.  While it is
 * live the caller may look up keys, add keys (a key added during the
 * iteration may or may not be returned), and delete the entry last returned
 * by dictNext() -- but not other entries. */
dictIterator *dictGetSafeIterator(dict *d);
/* The next entry, or NULL when every entry has been returned. */
dictEntry *dictNext(dictIterator *iter);
void dictReleaseIterator(dictIterator *iter);

/* Stateless cursor iteration (the SCAN algorithm).  Start with cursor 0 and
 * call again with the returned cursor until it returns 0.  Every element
 * present in the dict for the whole iteration is passed to 'fn' at least
 * once, even if the dict grows, shrinks or rehashes between calls; elements
 * may be reported more than once.  Each call reports the entries of one
 * bucket (of each table while rehashing).  'fn' may delete the entry it is
 * given, but must not add entries; rehashing is paused during the call. */
unsigned long dictScan(dict *d, unsigned long cursor, dictScanFunction *fn,
                       void *privdata);

/* A random entry (NULL if the dict is empty): picks a random non-empty
 * bucket, then a random entry in its chain.  Not perfectly uniform when
 * chains differ in length. */
dictEntry *dictGetRandomKey(dict *d);

/* ---- Hashing -------------------------------------------------------------- */

/* SipHash-1-2 of 'len' bytes, keyed with the process-wide seed. */
uint64_t dictGenHashFunction(const void *key, size_t len);
/* Same, as if every ASCII letter were lower case ("Key" and "kEY" hash
 * equally). */
uint64_t dictGenCaseHashFunction(const void *key, size_t len);
/* Sets the 16-byte SipHash key.  Call once at startup with random bytes,
 * before any dict is filled (changing it later makes existing tables
 * unusable).  Until then a fixed built-in seed is used. */
void dictSetHashSeed(const uint8_t seed[16]);
void dictGetHashSeed(uint8_t seed[16]);

#endif
