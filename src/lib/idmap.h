/* lib/idmap.h -- an ordered map from stream IDs (lib/streamid.h) to
 * pointers: a stream consumer group's pending entries, by ID, and each
 * consumer's.
 *
 * Shape.  Items sorted by ID in chunks of at most IDMAP_CHUNK, the chunks
 * in an array sorted by their first ID: a two-level B+-tree.  A find is
 * two binary searches; an insert or a removal moves at most a chunk's
 * items (and, when a chunk splits or empties, the chunk array: n / 64
 * pointers).  Pending entries are mostly added at the high end and
 * acknowledged near the low end, where both are cheap.
 *
 * Memory: 24 bytes per item in full chunks (16 of ID, 8 of pointer), a
 * chunk split leaves two half-full ones, so between 24 and 48.
 *
 * The map never owns the pointers.  Iterators are invalidated by any
 * insert or removal. */
#ifndef REDIS_KV_IDMAP_H
#define REDIS_KV_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/streamid.h"

#define IDMAP_CHUNK 64

typedef struct idmapChunk idmapChunk;

typedef struct idmap {
    idmapChunk **chunks;
    uint32_t nchunks, cap;
    uint64_t count;
} idmap;

#define IDMAP_INIT {NULL, 0, 0, 0}

void idmapFree(idmap *m); /* frees the map's storage; it is empty after */
uint64_t idmapCount(const idmap *m);
size_t idmapMemoryBytes(const idmap *m);

/* The pointer at id, or NULL. */
void *idmapFind(const idmap *m, const streamId *id);
/* Maps id to v: 1 when id was there (its pointer replaced), 0 when new. */
int idmapInsert(idmap *m, const streamId *id, void *v);
/* Removes id: its pointer, or NULL when it was not there. */
void *idmapRemove(idmap *m, const streamId *id);

/* A position in the map.  idmapSeek places it at the first item >= id;
 * idmapSeekLast at the last item <= id.  Next and Prev return the item at
 * the position and step past it (1), or 0 at an end. */
typedef struct idmapIter {
    const idmap *m;
    uint32_t chunk, pos;
    int valid;
} idmapIter;

void idmapSeek(idmapIter *it, const idmap *m, const streamId *id);
void idmapSeekLast(idmapIter *it, const idmap *m, const streamId *id);
int idmapNext(idmapIter *it, streamId *id, void **v);
int idmapPrev(idmapIter *it, streamId *id, void **v);

#endif
