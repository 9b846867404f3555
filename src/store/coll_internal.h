/* store/coll_internal.h -- what collection.c and its four encodings
 * (coll_packed.c, coll_intset.c, coll_table.c, coll_list.c) share;
 * private to them.
 *
 * collection.c owns the struct, the encoding switch and the conversion
 * rules; each encoding file owns its storage and knows nothing of limits
 * or of the other encodings.  Between them passes a collSlot: where a
 * find left an element, so that a replace, a relocation or a removal
 * does not look for it again.  The element count is collection.c's to
 * keep: an encoding's insert and delete read c->count as it was before
 * the change. */
#ifndef REDIS_KV_COLL_INTERNAL_H
#define REDIS_KV_COLL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/collection.h"

typedef struct collTable collTable;
typedef struct collListChunk collListChunk;
typedef struct collZsl collZsl;
typedef struct collStreamIndex collStreamIndex;

struct collection {
    uint8_t type;           /* COLL_HASH ... COLL_STREAM */
    uint8_t enc;            /* COLL_ENC_*, 0 before the first insert */
    uint8_t width;          /* INTSET: bytes per value (2, 4, 8) */
    uint32_t count;
    union {
        struct {
            unsigned char *buf; /* exactly len bytes, NULL when empty */
            size_t len;
        } packed;
        struct {
            unsigned char *vals; /* count values of 'width' bytes */
            collLoc *locs;       /* count locations, parallel to vals */
        } intset;
        collTable *table;
        collZsl *zsl;           /* SKIPLIST (coll_zset.c) */
        collStreamIndex *stream; /* STREAM (coll_stream.c) */
        struct {
            union {
                collListChunk **many; /* n chunks, room for cap */
                collListChunk *one;   /* when cap is 0: the only chunk */
            } chunks;            /* (coll_list.c) */
            uint32_t n, cap;
        } list;
    } u;
};

/* Where a find left an element; the fields of its encoding only. */
typedef struct collSlot {
    collLoc loc;            /* its location (every encoding) */
    size_t at;              /* PACKED: offset of the entry */
    size_t tailAt;          /* PACKED: offset of segment in the entry */
    size_t size;            /* PACKED: bytes of the entry */
    uint32_t pos;           /* INTSET: index; LIST: index in its chunk */
    uint32_t chunk;         /* LIST: the chunk */
    void **link;            /* TABLE: what points at the entry */
    void *array;            /* TABLE: the rehashArray holding it */
    uint64_t hash;          /* TABLE, SKIPLIST: the name's hash (also when absent) */
    double score;           /* ZPACKED, SKIPLIST: the member's score */
} collSlot;

/* The caller's next random value, mixed (collection.c). */
uint64_t collNextRandom(uint64_t (*rnd)(void));
/* SplitMix64's finalizer (collection.c). */
uint64_t collMix64(uint64_t x);

/* ---- PACKED (coll_packed.c) ---------------------------------------------- */

int collPackedFind(const collection *c, const char *name, size_t nlen, collSlot *s);
void collPackedSetLoc(collection *c, const collSlot *s, const collLoc *loc);
void collPackedDelete(collection *c, const collSlot *s);
void collPackedAppend(collection *c, const char *name, size_t nlen, const collLoc *loc);
/* The entry at byte offset 'at' into *out; returns its size in bytes. */
size_t collPackedElem(const collection *c, size_t at, collElem *out);
void collPackedFree(collection *c);

/* ---- INTSET (coll_intset.c) ---------------------------------------------- */

/* The value of a member name, if it is one of Redis's canonical integers. */
int collIntsetParse(const char *name, size_t nlen, int64_t *v);
int collIntsetFind(const collection *c, const char *name, size_t nlen, collSlot *s);
void collIntsetSetLoc(collection *c, const collSlot *s, const collLoc *loc);
void collIntsetDelete(collection *c, const collSlot *s);
/* Inserts v, not a member, widening the values first if v needs it. */
void collIntsetInsert(collection *c, int64_t v, const collLoc *loc);
/* Member i (in ascending order), its name formatted into out->buf. */
void collIntsetElem(const collection *c, uint32_t i, collElem *out);
void collIntsetFree(collection *c);

/* ---- TABLE (coll_table.c) ------------------------------------------------ */

collTable *collTableCreate(void);
void collTableFree(collTable *ct); /* ct may be NULL */
/* Bucket arrays sized for n elements (a conversion's presizing). */
void collTableExpand(collTable *ct, uint32_t n);
size_t collTableMemoryBytes(const collTable *ct);
/* A write's share of a rehash under way. */
void collTableStep(collTable *ct);
uint64_t collTableHash(const char *name, size_t nlen);
/* Finds name; s->hash is set either way, for collTableAdd. */
int collTableFind(const collTable *ct, const char *name, size_t nlen, collSlot *s);
void collTableSetLoc(const collSlot *s, const collLoc *loc);
void collTableDelete(collTable *ct, const collSlot *s);
/* Links a new element for name (absent; its hash is h). */
void collTableAdd(collTable *ct, const char *name, size_t nlen, uint64_t h, const collLoc *loc);
int collTableIterNext(collIter *it, const collTable *ct, collElem *out);
unsigned long collTableScan(collTable *ct, unsigned long cursor, collScanFn *fn, void *priv);
void collTableRandom(const collTable *ct, uint64_t (*rnd)(void), collElem *out);

/* ---- LIST (coll_list.c) -------------------------------------------------- */

/* Finds a position name (other names are never elements). */
int collListFind(const collection *c, const char *name, size_t nlen, collSlot *s);
void collListSetLoc(collection *c, const collSlot *s, const collLoc *loc);
void collListDelete(collection *c, const collSlot *s);
/* Inserts a position name, known absent, at its place in the order. */
void collListInsert(collection *c, const char *name, const collLoc *loc);
int collListIterNext(collIter *it, collElem *out);
/* Removes the elements outside [lo, hi] (collListTrim); returns how many. */
uint32_t collListTrimEnds(collection *c, uint64_t lo, uint64_t hi, collTrimFn *fn, void *priv);
size_t collListMemoryBytes(const collection *c);
void collListFree(collection *c);

/* ---- ZPACKED and SKIPLIST (coll_zset.c) ----------------------------------- */

/* ZPACKED lives in u.packed (its own entry layout, coll_zset.c). */
int collZpackedFind(const collection *c, const char *name, size_t nlen, collSlot *s);
void collZpackedSetLoc(collection *c, const collSlot *s, const collLoc *loc);
void collZpackedDelete(collection *c, const collSlot *s);
/* Inserts name, known absent, at its place in the order. */
void collZpackedInsert(collection *c, const char *name, size_t nlen, double score,
                       const collLoc *loc);
/* The entry at byte offset 'at' into *out; returns its size in bytes. */
size_t collZpackedElem(const collection *c, size_t at, collElem *out);
int collZpackedIterNext(collIter *it, collElem *out);

collZsl *collZslCreate(void);
void collZslFree(collZsl *z); /* z may be NULL */
void collZslExpand(collZsl *z, uint32_t n);
size_t collZslMemoryBytes(const collZsl *z);
void collZslStep(collZsl *z);
uint64_t collZslHash(const char *name, size_t nlen);
/* Finds name; s->hash is set either way, for collZslInsert. */
int collZslFind(const collZsl *z, const char *name, size_t nlen, collSlot *s);
void collZslSetLoc(const collSlot *s, const collLoc *loc);
void collZslDelete(collZsl *z, const collSlot *s);
/* Links a new member (absent; its hash is h). */
void collZslInsert(collZsl *z, const char *name, size_t nlen, uint64_t h, double score,
                   const collLoc *loc);
/* Places it at the first member (collIterInit's share). */
void collZslIterInit(collIter *it, const collZsl *z);
int collZslIterNext(collIter *it, collElem *out);
unsigned long collZslScan(collZsl *z, unsigned long cursor, collScanFn *fn, void *priv);

#endif
