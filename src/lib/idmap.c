/* lib/idmap.c -- see idmap.h. */
#include "lib/idmap.h"

#include <string.h>

#include "lib/alloc.h"

typedef struct idmapItem {
    streamId id;
    void *v;
} idmapItem;

struct idmapChunk {
    uint32_t n;
    idmapItem item[IDMAP_CHUNK];
};

void idmapFree(idmap *m) {
    for (uint32_t i = 0; i < m->nchunks; i++) xfree(m->chunks[i]);
    xfree(m->chunks);
    memset(m, 0, sizeof(*m));
}

uint64_t idmapCount(const idmap *m) { return m->count; }

size_t idmapMemoryBytes(const idmap *m) {
    size_t bytes = m->chunks ? xmallocUsable(m->chunks) : 0;
    for (uint32_t i = 0; i < m->nchunks; i++) bytes += xmallocUsable(m->chunks[i]);
    return bytes;
}

/* The chunk that holds id or would: the last chunk whose first ID is <=
 * id, or chunk 0.  The map must have a chunk. */
static uint32_t chunkFor(const idmap *m, const streamId *id) {
    uint32_t lo = 0, hi = m->nchunks; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (streamIdCompare(&m->chunks[mid]->item[0].id, id) <= 0) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* The first position in chunk k whose ID is >= id (k->n when none). */
static uint32_t posFor(const idmapChunk *k, const streamId *id) {
    return (uint32_t)streamIdLowerBound(k->item, k->n, sizeof(idmapItem), id);
}

void *idmapFind(const idmap *m, const streamId *id) {
    if (m->nchunks == 0) return NULL;
    const idmapChunk *k = m->chunks[chunkFor(m, id)];
    uint32_t p = posFor(k, id);
    return p < k->n && streamIdCompare(&k->item[p].id, id) == 0 ? k->item[p].v : NULL;
}

/* Makes room for a chunk pointer at index at. */
static void insertChunk(idmap *m, uint32_t at, idmapChunk *k) {
    if (m->nchunks == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 4;
        m->chunks = xrealloc(m->chunks, sizeof(*m->chunks) * m->cap);
    }
    memmove(m->chunks + at + 1, m->chunks + at, sizeof(*m->chunks) * (m->nchunks - at));
    m->chunks[at] = k;
    m->nchunks++;
}

int idmapInsert(idmap *m, const streamId *id, void *v) {
    if (m->nchunks == 0) insertChunk(m, 0, xcalloc(1, sizeof(idmapChunk)));
    uint32_t ci = chunkFor(m, id);
    idmapChunk *k = m->chunks[ci];
    uint32_t p = posFor(k, id);
    if (p < k->n && streamIdCompare(&k->item[p].id, id) == 0) {
        k->item[p].v = v;
        return 1;
    }
    if (k->n == IDMAP_CHUNK) {
        /* appends at the high end leave the old chunk full; else halve */
        uint32_t keep = (ci == m->nchunks - 1 && p == k->n) ? IDMAP_CHUNK : IDMAP_CHUNK / 2;
        idmapChunk *right = xcalloc(1, sizeof(idmapChunk));
        right->n = k->n - keep;
        memcpy(right->item, k->item + keep, sizeof(idmapItem) * right->n);
        k->n = keep;
        insertChunk(m, ci + 1, right);
        if (p >= keep) {
            k = right;
            p -= keep;
        }
    }
    memmove(k->item + p + 1, k->item + p, sizeof(idmapItem) * (k->n - p));
    k->item[p].id = *id;
    k->item[p].v = v;
    k->n++;
    m->count++;
    return 0;
}

void *idmapRemove(idmap *m, const streamId *id) {
    if (m->nchunks == 0) return NULL;
    uint32_t ci = chunkFor(m, id);
    idmapChunk *k = m->chunks[ci];
    uint32_t p = posFor(k, id);
    if (p >= k->n || streamIdCompare(&k->item[p].id, id) != 0) return NULL;
    void *v = k->item[p].v;
    memmove(k->item + p, k->item + p + 1, sizeof(idmapItem) * (k->n - p - 1));
    k->n--;
    m->count--;
    if (k->n == 0) {
        xfree(k);
        memmove(m->chunks + ci, m->chunks + ci + 1, sizeof(*m->chunks) * (m->nchunks - ci - 1));
        m->nchunks--;
        if (m->nchunks == 0) idmapFree(m);
    }
    return v;
}

void idmapSeek(idmapIter *it, const idmap *m, const streamId *id) {
    it->m = m;
    it->valid = 0;
    if (m->nchunks == 0) return;
    it->chunk = chunkFor(m, id);
    it->pos = posFor(m->chunks[it->chunk], id);
    if (it->pos == m->chunks[it->chunk]->n) {
        it->chunk++;
        it->pos = 0;
    }
    it->valid = it->chunk < m->nchunks;
}

void idmapSeekLast(idmapIter *it, const idmap *m, const streamId *id) {
    it->m = m;
    it->valid = 0;
    if (m->nchunks == 0) return;
    uint32_t ci = chunkFor(m, id);
    const idmapChunk *k = m->chunks[ci];
    uint32_t p = posFor(k, id);
    if (p < k->n && streamIdCompare(&k->item[p].id, id) == 0) {
        it->chunk = ci;
        it->pos = p;
        it->valid = 1;
    } else if (p > 0) {
        it->chunk = ci;
        it->pos = p - 1;
        it->valid = 1;
    } else if (ci > 0) {
        it->chunk = ci - 1;
        it->pos = m->chunks[ci - 1]->n - 1;
        it->valid = 1;
    }
}

int idmapNext(idmapIter *it, streamId *id, void **v) {
    if (!it->valid) return 0;
    const idmapItem *x = &it->m->chunks[it->chunk]->item[it->pos];
    if (id) *id = x->id;
    if (v) *v = x->v;
    if (++it->pos == it->m->chunks[it->chunk]->n) {
        it->chunk++;
        it->pos = 0;
        it->valid = it->chunk < it->m->nchunks;
    }
    return 1;
}

int idmapPrev(idmapIter *it, streamId *id, void **v) {
    if (!it->valid) return 0;
    const idmapItem *x = &it->m->chunks[it->chunk]->item[it->pos];
    if (id) *id = x->id;
    if (v) *v = x->v;
    if (it->pos > 0) {
        it->pos--;
    } else if (it->chunk > 0) {
        it->chunk--;
        it->pos = it->m->chunks[it->chunk]->n - 1;
    } else {
        it->valid = 0;
    }
    return 1;
}
