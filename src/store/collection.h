/* store/collection.h -- the in-memory index of one collection (a hash, a
 * set, a list, a sorted set): its elements by name, each with the
 * location of the log record that holds it (and, for a sorted set, its
 * score: "Sorted sets" below).
 *
 * What lives where.  A collection's element NAMES (hash fields, set
 * members) live here, in memory; element VALUES (a hash field's value)
 * stay in the log and are read through the mapped segments, as string
 * values are.  Each element keeps the location of its newest record
 * (segment, offset) and that record's value length, which is what
 * compaction needs to tell a live element record from a dead one and
 * what live-bytes accounting needs when an element goes (record.h,
 * RECORD_ELEMENT).  The index knows nothing of records, keys, clients or
 * the store: it maps names to locations.
 *
 * Encodings.  Redis's, by the same rules, so OBJECT ENCODING answers as
 * Redis does for the same contents:
 *   - COLL_ENC_PACKED ("listpack"): one allocation, elements in insertion
 *     order, found by a linear scan.  A hash stays packed while it has at
 *     most maxPackedEntries elements and every name and value is at most
 *     maxPackedValue bytes (hash-max-listpack-entries / -value).  Sets
 *     are never packed (Redis 7.0 has no listpack sets).
 *   - COLL_ENC_INTSET ("intset"): sets whose members are all integers in
 *     Redis's canonical form (lib/numfmt.h numParseLongLong accepts them:
 *     "-12" yes, "012" or "+1" no), at most maxIntsetEntries of them
 *     (set-max-intset-entries); kept sorted by value, so iteration is in
 *     ascending numeric order, as Redis's.
 *   - COLL_ENC_TABLE ("hashtable"): a chained hash table over lib/rehash.h
 *     (incremental rehashing, the SCAN walk with its guarantee, uniform
 *     random picks), one allocation per element.
 * A collection starts in the small encoding its first element allows and
 * converts to TABLE, once and for good, when an insert breaks a limit
 * (never back, as in Redis).  Limits are read at each insert from the
 * collLimits the caller passes, so CONFIG SET applies to the next write.
 *
 * Memory: collection.c's header comment states the bytes per element of
 * each encoding, measured by utils/coll-membench.c and checked by
 * tests/c/test_collection.c; coll_packed.c, coll_intset.c and
 * coll_table.c lay out their storage down to jemalloc's size classes.
 *
 * Limits: a name is at most COLL_NAME_MAX bytes (512 MB, Redis's bulk
 * limit); a value length is a u32.  A collection holds at most
 * UINT32_MAX elements.  collPut aborts the process on a longer name or
 * one element too many (a programming error, as in keydir.c: the command
 * layer rejects such arguments first); finds, removes and relocations
 * of a longer name simply find nothing.
 *
 * Reads (collFind, the walks, collScan, collRandom) take a const
 * collection and never move entries between a TABLE's bucket arrays;
 * writes (collPut, collRemove, collRelocate) each move a few buckets of
 * a rehash under way.  So a walk may call collFind freely.
 *
 * Threads.  None: a collection is used from one thread. */
#ifndef REDIS_KV_COLLECTION_H
#define REDIS_KV_COLLECTION_H

#include <stddef.h>
#include <stdint.h>

#define COLL_NAME_MAX (512u * 1024 * 1024)

/* Collection types.  The numbers are on disk (record.h, RECORD_ELEMENT):
 * never renumber. */
#define COLL_HASH 1
#define COLL_SET 2
#define COLL_LIST 3
#define COLL_ZSET 4
#define COLL_STREAM 5 /* store/coll_stream.h */
#define COLL_TYPE_MAX 5

/* Lists.  A list is a collection whose element names are POSITIONS: a
 * u64 written big-endian in COLL_LIST_NAME_LEN bytes, so that the order
 * of names (memcmp) is the order of the list.  Replay, hints and
 * compaction then need nothing per type: an element record names its
 * place, whatever order the records come back in.  A new list's element
 * i sits at COLL_LIST_START + i * COLL_LIST_GAP; a push takes the
 * position one gap beyond the end, an insert one between its
 * neighbours (coll_list.c). */
#define COLL_LIST_NAME_LEN 8
#define COLL_LIST_START (UINT64_C(1) << 63)
#define COLL_LIST_GAP (UINT64_C(1) << 16)

/* The name of position pos. */
void collListPosName(uint64_t pos, char out[COLL_LIST_NAME_LEN]);
/* The position a name gives (nlen must be COLL_LIST_NAME_LEN). */
uint64_t collListNamePos(const char *name);
/* The name of element i of a list built afresh (SORT STORE, RESTORE). */
void collListRankName(uint64_t i, char out[COLL_LIST_NAME_LEN]);

#define COLL_ENC_PACKED 1
#define COLL_ENC_INTSET 2
#define COLL_ENC_TABLE 3
#define COLL_ENC_LIST 4
#define COLL_ENC_ZPACKED 5  /* a sorted set's "listpack" */
#define COLL_ENC_SKIPLIST 6 /* a sorted set's "skiplist" */
#define COLL_ENC_STREAM 7   /* a stream's one encoding, "stream" */

/* Where an element's newest record is, and its value length (0 for a
 * set member). */
typedef struct collLoc {
    uint32_t segment;
    uint32_t offset;
    uint32_t valueLen;
} collLoc;

/* The encoding limits (the config directives, read at every insert). */
typedef struct collLimits {
    uint32_t maxPackedEntries;  /* hash-max-listpack-entries (512) */
    uint32_t maxPackedValue;    /* hash-max-listpack-value (64) */
    uint32_t maxIntsetEntries;  /* set-max-intset-entries (512; capped at 2^30) */
    uint32_t maxZsetPackedEntries; /* zset-max-listpack-entries (128) */
    uint32_t maxZsetPackedValue;   /* zset-max-listpack-value (64) */
} collLimits;

/* Redis 7.0's defaults for the five directives. */
#define COLL_LIMITS_DEFAULT {512, 64, 512, 128, 64}

typedef struct collection collection;

/* ---- Life cycle ---------------------------------------------------------- */

/* A new, empty collection of 'type' (COLL_HASH, COLL_SET, COLL_LIST).  Its
 * encoding is chosen by its first insert (collEncoding is 0 before).  An
 * empty collection is never kept for long: the store deletes a key whose
 * collection empties. */
collection *collCreate(int type);
void collFree(collection *c); /* c may be NULL */

int collType(const collection *c);
int collEncoding(const collection *c);   /* COLL_ENC_* */
const char *collEncodingName(const collection *c); /* "listpack" ... */
uint32_t collCount(const collection *c);

/* Bytes this collection holds (its allocations, as the allocator counts
 * them), for MEMORY USAGE and INFO. */
size_t collMemoryBytes(const collection *c);

/* Converts c to TABLE now (a copy of a TABLE collection keeps its
 * encoding, as Redis's COPY and RENAME do). */
void collConvertToTable(collection *c);

/* A load rebuilds each collection from its records in log order, so one
 * that grew past a limit and shrank back is a TABLE; Redis, loading its
 * final contents, picks the small encoding again.  This is that choice: a
 * new collection with c's elements in the small encoding when they fit
 * it under lim, or NULL (c is not a TABLE, or they do not fit). */
collection *collRebuildSmall(const collection *c, const collLimits *lim);

/* A copy of a PACKED or INTSET c, in its encoding and element order
 * (one copy of its storage), or NULL when c is a TABLE or empty: what an
 * undo needs to give a collection back its small form and order. */
collection *collCopySmall(const collection *c);

/* ---- Elements ------------------------------------------------------------ */

/* 1 and *loc (if loc != NULL) when name is an element, else 0. */
int collFind(const collection *c, const char *name, size_t nlen, collLoc *loc);

/* Inserts name or moves it to a new record.  When it existed, *old (if
 * old != NULL) is its previous location and 1 is returned; 0 when new.
 * May convert the encoding (by lim).  nlen <= COLL_NAME_MAX. */
int collPut(collection *c, const char *name, size_t nlen, const collLoc *loc,
            const collLimits *lim, collLoc *old);

/* 1 when collPut(c, name, nlen, loc, lim) would convert c to TABLE (0
 * for an empty c, whose first put picks its encoding), so that a write
 * that may be undone can keep the small form first (store/elements.c). */
int collPutConverts(const collection *c, const char *name, size_t nlen, const collLoc *loc,
                    const collLimits *lim);

/* Removes name: 1 with *old (if old != NULL) its location, or 0 when it
 * was not an element. */
int collRemove(collection *c, const char *name, size_t nlen, collLoc *old);

/* Moves name to 'to' only if its location is still 'from' (compaction's
 * relocation, store/compact.c): 1 if moved, 0 if the element changed or
 * went meanwhile. */
int collRelocate(collection *c, const char *name, size_t nlen, const collLoc *from,
                 const collLoc *to);

/* ---- Walking ------------------------------------------------------------- */

/* An element as a walk or a random pick returns it.  name points into the
 * collection (or, for an intset, into buf, where the number is
 * formatted); it is valid until the collection changes. */
typedef struct collElem {
    const char *name;
    size_t nlen;
    collLoc loc;
    double score;        /* a sorted set's member: its score */
    const char *value;   /* a stream's element kept in memory: its value */
    uint32_t vlen;       /* (coll_stream.h; NULL and 0 otherwise) */
    char buf[24];
} collElem;

/* Every element once, in the encoding's order (insertion order for
 * PACKED, ascending for INTSET, table order for TABLE, the sorted order
 * for a sorted set).  The collection
 * must not change during the walk: a caller that removes elements it
 * walks collects their names first. */
typedef struct collIter {
    const collection *c;
    uint64_t pos;        /* private */
    void *entry;         /* private */
    unsigned long bucket;/* private */
    int table;           /* private */
} collIter;

void collIterInit(collIter *it, const collection *c);
int collIterNext(collIter *it, collElem *out); /* 1, or 0 at the end */

/* SCAN over the elements (HSCAN, SSCAN): calls fn for some elements and
 * returns the next cursor (0 when done).  PACKED and INTSET return every
 * element at cursor 0 and then 0, as Redis does.  TABLE gives Redis's
 * guarantee (lib/rehash.h): an element present for the whole scan is
 * returned at least once, even across resizes. */
typedef void collScanFn(void *priv, const collElem *e);
unsigned long collScan(const collection *c, unsigned long cursor, collScanFn *fn, void *priv);

/* A random element (the collection must not be empty).  rnd is the
 * caller's random source (a 64-bit value per call), so tests can seed it.
 * Every encoding picks uniformly.  TABLE: a random non-empty bucket,
 * then a position in [0, max(chain length, 8)), trying again when it is
 * past the chain's end: exactly uniform unless a chain is longer than 8,
 * where Redis's dictGetFairRandomKey is only nearly so (coll_table.c
 * says why the plain "random element of a random bucket" is not enough:
 * it fails SRANDMEMBER's distribution test).  Each value of rnd is mixed
 * before use, so a plain xorshift generator will do. */
void collRandom(const collection *c, uint64_t (*rnd)(void), collElem *out);

/* ---- Lists --------------------------------------------------------------- *
 *
 * A list (COLL_LIST) has one encoding, COLL_ENC_LIST ("quicklist", which
 * is what Redis 7.0 answers for every list); collPut, collFind and
 * collRemove take its position names (exactly COLL_LIST_NAME_LEN bytes:
 * any other name is never an element), and a walk is in list order. */

/* How many allocations hold the list's elements (its chunks, of up to
 * 255): what freeing it costs, the counterpart of the quicklist nodes
 * Redis's lazy freeing counts (a node holds up to 8 KB of elements). */
uint32_t collListChunks(const collection *c);

/* Places the iterator before element rank (0 = the head; count or more =
 * the end), so that collIterNext returns element rank and the ones after
 * it, and collListIterPrev the ones before it, last first.  O(chunks). */
void collListSeek(collIter *it, const collection *c, uint32_t rank);
/* The element before the iterator, moving it back: 1, or 0 at the head. */
int collListIterPrev(collIter *it, collElem *out);

/* Removes every element whose position is outside [lo, hi] (they are at
 * the ends), calling fn (if not NULL) with each before it goes; returns
 * how many went.  LTRIM's and a pop's work, and their replay. */
typedef void collTrimFn(void *priv, const collElem *e);
uint32_t collListTrim(collection *c, uint64_t lo, uint64_t hi, collTrimFn *fn, void *priv);

/* A free position for a new element to take rank 'rank' (0: a new head;
 * count: a new tail; else between elements rank - 1 and rank): 1 and
 * *pos, or 0 when the neighbours touch (collListRespace makes room). */
int collListFreePos(const collection *c, uint32_t rank, uint64_t *pos);

/* A respace: elements [from, to) move to evenly spaced positions so that
 * the new element at 'rank' fits between them.  Element from + j goes to
 * first + (j + (from + j >= rank)) * step, and the new element takes
 * first + (rank - from) * step.  No new position is an old position of
 * an element outside the window.  Moving them one at a time is safe when
 * the elements that go down are moved first, in list order, then the
 * ones that go up, in reverse order: no move lands on an element that
 * has not moved yet. */
typedef struct collListRespacePlan {
    uint32_t from, to;
    uint64_t first, step;
} collListRespacePlan;

/* The smallest window around rank whose move leaves at least 256 between
 * positions: 1 and *plan, or 0 when even the whole list cannot (more
 * than 2^56 elements: never). */
int collListRespace(const collection *c, uint32_t rank, collListRespacePlan *plan);

/* ---- Sorted sets ---------------------------------------------------------- *
 *
 * A sorted set (COLL_ZSET) keeps every member WITH its score in memory,
 * ordered by (score, member bytewise) as Redis orders them; an element
 * record's value is the score (record.h), so the location's valueLen is
 * always COLL_ZSET_SCORE_LEN.  Two encodings, Redis's:
 *   - COLL_ENC_ZPACKED ("listpack"): one allocation, members in order;
 *     while the set has at most maxZsetPackedEntries members and every
 *     member is at most maxZsetPackedValue bytes (128 and 64: 128
 *     members stay, a 129th converts; a 65-byte member converts; 0
 *     entries makes the first member convert);
 *   - COLL_ENC_SKIPLIST ("skiplist"): a skiplist with spans and a hash
 *     table of its members (coll_zset.c has the layout and the bytes per
 *     member), for good once converted, as in Redis.
 * Costs: find by member O(1) (SKIPLIST) or O(n) (ZPACKED, n <= 128 by
 * default); rank, element at a rank, score and lex bounds O(log n);
 * a walk from a rank O(1) per step either way.
 *
 * collPut must not be used on a sorted set (it has no score: it aborts);
 * collZsetPut is its put.  collFind, collRemove, collRelocate, the walks,
 * collScan (SKIPLIST: over the member table, with the SCAN guarantee;
 * ZPACKED: everything at cursor 0), collRandom (exactly uniform: a random
 * rank), collPutConverts, collConvertToTable (to SKIPLIST),
 * collRebuildSmall and collCopySmall serve sorted sets as the other
 * types; each collElem carries its member's score. */

#define COLL_ZSET_SCORE_LEN 8

/* A score as a zset element record's value: the IEEE 754 bits of the
 * double, little-endian (record.h says why). */
void collZsetScoreEncode(double score, char out[COLL_ZSET_SCORE_LEN]);
double collZsetScoreDecode(const char *in);

/* Inserts member name with score at loc, or moves it to score and loc:
 * 1 when it existed (*old and *oldScore, each if not NULL, say where it
 * was), 0 when new.  May convert to SKIPLIST (by lim).  score must not
 * be NaN (aborts: the writer and replay refuse one). */
int collZsetPut(collection *c, const char *name, size_t nlen, double score, const collLoc *loc,
                const collLimits *lim, collLoc *old, double *oldScore);

/* 1 with *score and *loc (each if not NULL) when name is a member. */
int collZsetFind(const collection *c, const char *name, size_t nlen, double *score,
                 collLoc *loc);

/* 1 with *rank (0-based, ascending) when name is a member.  The rank in
 * descending order (ZREVRANK) is count - 1 - rank. */
int collZsetRank(const collection *c, const char *name, size_t nlen, uint32_t *rank);

/* The member at rank (< count) into *out. */
void collZsetAt(const collection *c, uint32_t rank, collElem *out);

/* Score ranges as ranks: the members with score in [min, max] (each
 * bound exclusive when asked: "(1") are the ranks [start, end) of
 *   start = collZsetScoreStart(c, min, minExclusive)  -- the first member
 *           with score >= min (> min); count when none;
 *   end   = collZsetScoreEnd(c, max, maxExclusive)    -- one past the last
 *           member with score <= max (< max); 0 when none.
 * So ZCOUNT is end - start (when end > start), the reverse walk of
 * ZREVRANGEBYSCORE starts at rank end - 1, and -inf/+inf need nothing
 * special. */
uint32_t collZsetScoreStart(const collection *c, double min, int exclusive);
uint32_t collZsetScoreEnd(const collection *c, double max, int exclusive);

/* Lexicographic bounds (ZRANGEBYLEX): "-", "+", "[name" or "(name". */
#define COLL_LEX_NAME 0
#define COLL_LEX_MIN 1 /* "-": before every member */
#define COLL_LEX_MAX 2 /* "+": after every member */
typedef struct collZsetLexBound {
    int kind;
    int exclusive;       /* "(" */
    const char *name;    /* into the parsed string */
    size_t nlen;
} collZsetLexBound;

/* 1 and *out when s is a bound of that form, else 0 (Redis's "min or max
 * not valid string range item"). */
int collZsetParseLex(const char *s, size_t len, collZsetLexBound *out);

/* As for scores: the members within [min, max] are the ranks
 * [collZsetLexStart(min), collZsetLexEnd(max)).  Meaningful when every
 * member has the same score, as Redis requires for BYLEX; otherwise the
 * ranks are those of the members' order compared by name alone (never
 * out of [0, count]). */
uint32_t collZsetLexStart(const collection *c, const collZsetLexBound *min);
uint32_t collZsetLexEnd(const collection *c, const collZsetLexBound *max);

/* Places it before the member at rank (count or more: the end), so that
 * collIterNext returns that member and the ones after it, and
 * collZsetIterPrev the ones before it, last first.  O(log n). */
void collZsetSeek(collIter *it, const collection *c, uint32_t rank);
/* The member before the iterator, moving it back: 1, or 0 at the start. */
int collZsetIterPrev(collIter *it, collElem *out);

#endif
