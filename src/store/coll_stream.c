/* store/coll_stream.c -- a stream's index (coll_stream.h): its element
 * names, its counters and its entries in nodes.  The consumer groups are
 * coll_stream_groups.c's.
 *
 * Entries.  An array of nodes in ID order; a node an array of entries
 * (ID, location: 32 bytes each) in ID order, as Redis's rax of listpacks:
 *
 *     node: e[n] (room for cap), appended (entries ever appended, deleted
 *           ones included: Redis's count + deleted), bytes (the estimate
 *           of its listpack's size), lastAppended (the newest ID ever
 *           appended: the edge ID Redis reads for MINID trimming)
 *
 * The removal of a node's last entry removes it (XDEL, a trim that takes
 * it whole), but for one case Redis has too: an exact trim that deletes
 * the live entries of a node whose last appended entry was XDELed keeps
 * the node, empty, as Redis keeps a listpack whose entries are all marked
 * deleted (so later appends and trims split where Redis's do).  Such a
 * node is always node 0 (a trim works from the front), and every walk
 * and search steps over it.  An
 * entry whose ID is above every entry's is an append (Redis's rules for a
 * new node: coll_stream.h, "Nodes"); any other goes into the node whose
 * first ID is the greatest below it (a copy, an undo).  Finds are two
 * binary searches; the walk from a point is O(1) per entry.
 *
 * Bytes: 32 per entry plus the node array's 40 per node (one per 100
 * entries by default) and the arrays' slack. */
#include "store/coll_stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/coll_internal.h"
#include "store/coll_stream_internal.h"

static uint32_t nodeMaxEntries = 100;
static uint32_t nodeMaxBytes = 4096;

/* Redis caps a node at 1 GB whatever stream-node-max-bytes says. */
#define NODE_BYTES_CAP (1u << 30)

void collStreamSetNodeLimits(uint32_t maxEntries, uint32_t maxBytes) {
    nodeMaxEntries = maxEntries;
    nodeMaxBytes = maxBytes == 0 || maxBytes > NODE_BYTES_CAP ? NODE_BYTES_CAP : maxBytes;
}

_Noreturn void streamPanic(const char *msg) {
    fprintf(stderr, "redis-kv: stream index: %s\n", msg);
    fflush(stderr);
    abort();
}

/* ---- Little- and big-endian fields ---------------------------------------- */

void streamPutLe64(char *p, uint64_t v) {
    for (int i = 0; i < 8; i++, v >>= 8) p[i] = (char)(v & 0xff);
}

uint64_t streamGetLe64(const char *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | (unsigned char)p[i];
    return v;
}

void streamPutLe32(char *p, uint32_t v) {
    for (int i = 0; i < 4; i++, v >>= 8) p[i] = (char)(v & 0xff);
}

uint32_t streamGetLe32(const char *p) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = v << 8 | (unsigned char)p[i];
    return v;
}

/* ---- Names and values ------------------------------------------------------ */

void collStreamMetaName(char out[1]) { out[0] = COLL_STREAM_META; }

void collStreamEntryName(const streamId *id, uint64_t added, char out[COLL_STREAM_ENTRY_NAME_LEN]) {
    out[0] = COLL_STREAM_ENTRY;
    streamIdEncode(id, out + 1);
    for (int i = 7; i >= 0; i--, added >>= 8) out[1 + STREAM_ID_BIN_LEN + i] = (char)(added & 0xff);
}

void collStreamTrimName(const streamId *upto, char out[1 + STREAM_ID_BIN_LEN]) {
    out[0] = COLL_STREAM_TRIM;
    streamIdEncode(upto, out + 1);
}

void collStreamMetaEncode(const collStreamMeta *m, char out[COLL_STREAM_META_LEN]) {
    streamIdEncode(&m->lastId, out);
    streamPutLe64(out + 16, m->entriesAdded);
    streamIdEncode(&m->maxDeleted, out + 24);
}

static int metaDecode(const char *v, size_t vlen, collStreamMeta *m) {
    if (v == NULL || vlen != COLL_STREAM_META_LEN) return 0;
    streamIdDecode(v, &m->lastId);
    m->entriesAdded = streamGetLe64(v + 16);
    streamIdDecode(v + 24, &m->maxDeleted);
    return 1;
}

/* ---- The index ------------------------------------------------------------- */

collStreamIndex *collStreamCreate(void) { return xcalloc(1, sizeof(collStreamIndex)); }

void collStreamFree(collStreamIndex *s) {
    if (s == NULL) return;
    for (uint32_t i = 0; i < s->nnodes; i++) xfree(s->nodes[i].e);
    xfree(s->nodes);
    streamGroupsFree(s);
    xfree(s->walkBuf);
    xfree(s);
}

size_t collStreamMemoryBytes(const collStreamIndex *s) {
    size_t bytes = xmallocUsable((void *)s) + (s->nodes ? xmallocUsable(s->nodes) : 0);
    for (uint32_t i = 0; i < s->nnodes; i++) bytes += xmallocUsable(s->nodes[i].e);
    return bytes + streamGroupsMemoryBytes(s) + (s->walkBuf ? xmallocUsable(s->walkBuf) : 0);
}

static collStreamIndex *indexOf(const collection *c) {
    if (c->type != COLL_STREAM) streamPanic("not a stream");
    return c->u.stream;
}

const collStreamMeta *collStreamGetMeta(const collection *c) { return &indexOf(c)->meta; }
uint64_t collStreamLength(const collection *c) { return indexOf(c)->length; }
uint32_t collStreamNodeCount(const collection *c) { return indexOf(c)->nnodes; }

/* ---- Nodes ----------------------------------------------------------------- */

/* The node that holds id or would (the last whose first ID is <= id, or
 * node 0).  The stream must have a node. */
static uint32_t nodeFor(const collStreamIndex *s, const streamId *id) {
    uint32_t lo = 0, hi = s->nnodes;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (streamIdCompare(&s->nodes[mid].e[0].id, id) <= 0) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* The first position in node whose ID is >= id (n when none). */
static uint32_t posFor(const streamNode *nd, const streamId *id) {
    return (uint32_t)streamIdLowerBound(nd->e, nd->n, sizeof(streamEntry), id);
}

/* 1 with *node, *pos when the entry id is there. */
static int findEntry(const collStreamIndex *s, const streamId *id, uint32_t *node, uint32_t *pos) {
    if (s->nnodes == 0) return 0;
    uint32_t ni = nodeFor(s, id);
    const streamNode *nd = &s->nodes[ni];
    uint32_t p = posFor(nd, id);
    if (p >= nd->n || streamIdCompare(&nd->e[p].id, id) != 0) return 0;
    *node = ni;
    *pos = p;
    return 1;
}

static streamNode *insertNode(collStreamIndex *s, uint32_t at) {
    if (s->nnodes == s->capNodes) {
        s->capNodes = s->capNodes ? s->capNodes * 2 : 1;
        s->nodes = xrealloc(s->nodes, sizeof(streamNode) * s->capNodes);
    }
    memmove(s->nodes + at + 1, s->nodes + at, sizeof(streamNode) * (s->nnodes - at));
    s->nnodes++;
    memset(&s->nodes[at], 0, sizeof(streamNode));
    return &s->nodes[at];
}

static void removeNode(collStreamIndex *s, uint32_t at) {
    xfree(s->nodes[at].e);
    memmove(s->nodes + at, s->nodes + at + 1, sizeof(streamNode) * (s->nnodes - at - 1));
    s->nnodes--;
    if (s->nnodes == 0) {
        xfree(s->nodes);
        s->nodes = NULL;
        s->capNodes = 0;
    }
}

static void nodeInsertAt(streamNode *nd, uint32_t p, const streamId *id, const collLoc *loc) {
    if (nd->n == nd->cap) {
        nd->cap = nd->cap ? nd->cap * 2 : 4;
        nd->e = xrealloc(nd->e, sizeof(streamEntry) * nd->cap);
    }
    memmove(nd->e + p + 1, nd->e + p, sizeof(streamEntry) * (nd->n - p));
    nd->e[p].id = *id;
    nd->e[p].loc = *loc;
    nd->n++;
}

/* Gives a node closed to appends exactly the room its entries take
 * (Redis shrinks a full listpack likewise): growth by doubling would
 * leave a quarter of a 100-entry node empty for good. */
static void shrinkNode(streamNode *nd) {
    if (nd->n == nd->cap || nd->n == 0) return;
    nd->e = xrealloc(nd->e, sizeof(streamEntry) * nd->n);
    nd->cap = nd->n;
}

/* Whether an append of an entry of vlen bytes opens a new node after the
 * last one (Redis's streamAppendItem). */
static int lastNodeFull(const streamNode *nd, uint32_t vlen) {
    if ((uint64_t)nd->bytes + vlen >= nodeMaxBytes) return 1;
    return nodeMaxEntries && nd->appended >= nodeMaxEntries;
}

static int isAppend(const collStreamIndex *s, const streamId *id) {
    if (s->nnodes == 0) return 1;
    const streamNode *last = &s->nodes[s->nnodes - 1];
    const streamId *top = last->n ? &last->e[last->n - 1].id : &last->lastAppended;
    return streamIdCompare(id, top) > 0;
}

/* Puts entry id at loc: 1 when it was there (*old its location). */
static int entryPut(collStreamIndex *s, const streamId *id, const collLoc *loc, collLoc *old) {
    uint32_t ni, p;
    /* an append (XADD, a load in log order) cannot be there already */
    if (!isAppend(s, id) && findEntry(s, id, &ni, &p)) {
        if (old) *old = s->nodes[ni].e[p].loc;
        s->nodes[ni].e[p].loc = *loc;
        return 1;
    }
    streamNode *nd;
    if (isAppend(s, id)) {
        nd = s->nnodes ? &s->nodes[s->nnodes - 1] : NULL;
        if (nd == NULL || lastNodeFull(nd, loc->valueLen)) {
            if (nd) shrinkNode(nd); /* closed: appends go to the new one */
            nd = insertNode(s, s->nnodes);
        }
        nodeInsertAt(nd, nd->n, id, loc);
        nd->appended++;
        nd->bytes += loc->valueLen + COLL_STREAM_ENTRY_OVERHEAD;
        nd->lastAppended = *id;
    } else {
        nd = &s->nodes[nodeFor(s, id)];
        nodeInsertAt(nd, posFor(nd, id), id, loc);
        nd->appended++;
        nd->bytes += loc->valueLen + COLL_STREAM_ENTRY_OVERHEAD;
        if (streamIdCompare(id, &nd->lastAppended) > 0) nd->lastAppended = *id;
    }
    s->length++;
    return 0;
}

/* Removes the entry at (ni, p), and its node if it empties. */
static void entryRemoveAt(collStreamIndex *s, uint32_t ni, uint32_t p) {
    streamNode *nd = &s->nodes[ni];
    memmove(nd->e + p, nd->e + p + 1, sizeof(streamEntry) * (nd->n - p - 1));
    nd->n--;
    s->length--;
    if (nd->n == 0) removeNode(s, ni);
}

/* Builds an entry's element as a walk or a removal reports it: its name
 * (added 0) into buf. */
static void entryElem(char *buf, const streamEntry *e, collElem *out) {
    collStreamEntryName(&e->id, 0, buf);
    out->name = buf;
    out->nlen = COLL_STREAM_ENTRY_NAME_LEN;
    out->loc = e->loc;
    out->value = NULL;
    out->vlen = 0;
    out->score = 0;
}

/* A trim up to upto (coll_stream.h): from the front, a node whose last
 * appended ID is <= upto goes whole; the first one that is not loses its
 * entries <= upto and stays, even emptied (Redis's exact trim only marks
 * a partly trimmed node's entries deleted).  Each entry that goes is
 * reported to fn. */
static uint32_t entryTrim(collStreamIndex *s, const streamId *upto, collTrimFn *fn, void *priv) {
    uint32_t gone = 0;
    char name[COLL_STREAM_ENTRY_NAME_LEN];
    collElem el;
    while (s->nnodes) {
        streamNode *nd = &s->nodes[0];
        int whole = streamIdCompare(&nd->lastAppended, upto) <= 0;
        uint32_t cut = 0;
        while (cut < nd->n && streamIdCompare(&nd->e[cut].id, upto) <= 0) {
            if (fn) {
                entryElem(name, &nd->e[cut], &el);
                fn(priv, &el);
            }
            cut++;
        }
        gone += cut;
        s->length -= cut;
        if (!whole) {
            memmove(nd->e, nd->e + cut, sizeof(streamEntry) * (nd->n - cut));
            nd->n -= cut;
            break;
        }
        removeNode(s, 0);
    }
    return gone;
}

/* ---- Trimming plans (Redis's streamTrim) ---------------------------------- */

int collStreamTrimPlan(const collection *c, int64_t maxlen, const streamId *minid, int approx,
                       uint64_t limit, streamId *upto, uint64_t *count) {
    const collStreamIndex *s = indexOf(c);
    uint64_t length = s->length, gone = 0;
    int any = 0;
    for (uint32_t i = 0; i < s->nnodes; i++) {
        const streamNode *nd = &s->nodes[i];
        if (maxlen >= 0 && length <= (uint64_t)maxlen) break;
        if (limit && gone + nd->n > limit) break;
        int whole = maxlen >= 0 ? length - nd->n >= (uint64_t)maxlen
                                : streamIdCompare(&nd->lastAppended, minid) < 0;
        if (whole) { /* upto its last appended ID: the node goes whole on replay */
            length -= nd->n;
            gone += nd->n;
            *upto = nd->lastAppended;
            any = 1;
            continue;
        }
        if (approx) break;
        for (uint32_t p = 0; p < nd->n; p++) {
            int stop = maxlen >= 0 ? length <= (uint64_t)maxlen
                                   : streamIdCompare(&nd->e[p].id, minid) >= 0;
            if (stop) break;
            length--;
            gone++;
            *upto = nd->e[p].id; /* below its last appended ID: the node stays */
            any = 1;
        }
        break;
    }
    if (!any || gone == 0) return 0;
    *count = gone;
    return 1;
}

/* ---- Entry reads ------------------------------------------------------------ */

int collStreamFirstId(const collection *c, streamId *id) {
    const collStreamIndex *s = indexOf(c);
    for (uint32_t i = 0; i < s->nnodes && i < 2; i++) { /* node 0 may be empty */
        if (s->nodes[i].n == 0) continue;
        *id = s->nodes[i].e[0].id;
        return 1;
    }
    return 0;
}

int collStreamLastEntryId(const collection *c, streamId *id) {
    const collStreamIndex *s = indexOf(c);
    if (s->nnodes == 0 || s->nodes[s->nnodes - 1].n == 0) return 0; /* an empty sole node */
    const streamNode *nd = &s->nodes[s->nnodes - 1];
    *id = nd->e[nd->n - 1].id;
    return 1;
}

int collStreamFindEntry(const collection *c, const streamId *id, collLoc *loc) {
    const collStreamIndex *s = indexOf(c);
    uint32_t ni, p;
    if (!findEntry(s, id, &ni, &p)) return 0;
    if (loc) *loc = s->nodes[ni].e[p].loc;
    return 1;
}

void collStreamSeek(collStreamIter *it, const collection *c, const streamId *from) {
    const collStreamIndex *s = indexOf(c);
    it->c = c;
    it->valid = 0;
    if (s->nnodes == 0) return;
    it->node = nodeFor(s, from);
    it->pos = posFor(&s->nodes[it->node], from);
    if (it->pos == s->nodes[it->node].n) {
        it->node++;
        it->pos = 0;
    }
    it->valid = it->node < s->nnodes;
}

void collStreamSeekLast(collStreamIter *it, const collection *c, const streamId *upto) {
    const collStreamIndex *s = indexOf(c);
    it->c = c;
    it->valid = 0;
    if (s->nnodes == 0) return;
    uint32_t ni = nodeFor(s, upto);
    const streamNode *nd = &s->nodes[ni];
    uint32_t p = posFor(nd, upto);
    if (p < nd->n && streamIdCompare(&nd->e[p].id, upto) == 0) {
        it->node = ni;
        it->pos = p;
    } else if (p > 0) {
        it->node = ni;
        it->pos = p - 1;
    } else if (ni > 0) {
        it->node = ni - 1;
        it->pos = s->nodes[ni - 1].n - 1;
    } else {
        return;
    }
    it->valid = 1;
}

int collStreamNext(collStreamIter *it, streamId *id, collLoc *loc) {
    if (!it->valid) return 0;
    const collStreamIndex *s = indexOf(it->c);
    const streamEntry *e = &s->nodes[it->node].e[it->pos];
    if (id) *id = e->id;
    if (loc) *loc = e->loc;
    if (++it->pos == s->nodes[it->node].n) {
        it->node++;
        it->pos = 0;
        it->valid = it->node < s->nnodes;
    }
    return 1;
}

int collStreamPrev(collStreamIter *it, streamId *id, collLoc *loc) {
    if (!it->valid) return 0;
    const collStreamIndex *s = indexOf(it->c);
    const streamEntry *e = &s->nodes[it->node].e[it->pos];
    if (id) *id = e->id;
    if (loc) *loc = e->loc;
    if (it->pos > 0) {
        it->pos--;
    } else if (it->node > 0 && s->nodes[it->node - 1].n) {
        it->node--;
        it->pos = s->nodes[it->node].n - 1;
    } else { /* the first entry: node 0 may be an empty one */
        it->valid = 0;
    }
    return 1;
}

/* ---- Elements --------------------------------------------------------------- */

/* The ID in an entry's or a trim's name ("e" + ID [+ added], "t" + ID). */
static int nameId(const char *name, size_t nlen, streamId *id) {
    if (nlen != 1 + STREAM_ID_BIN_LEN && nlen != COLL_STREAM_ENTRY_NAME_LEN) return 0;
    streamIdDecode(name + 1, id);
    return 1;
}

static uint64_t nameAdded(const char *name, size_t nlen) {
    if (nlen != COLL_STREAM_ENTRY_NAME_LEN) return 0;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | (unsigned char)name[1 + STREAM_ID_BIN_LEN + i];
    return v;
}

int collStreamPut(collection *c, const char *name, size_t nlen, const char *val, size_t vlen,
                  const collLoc *loc, collLoc *old) {
    collStreamIndex *s = indexOf(c);
    if (nlen == 0) return -1;
    int existed;
    switch (name[0]) {
    case COLL_STREAM_META: {
        collStreamMeta m;
        if (nlen != 1 || !metaDecode(val, vlen, &m)) return -1;
        existed = s->hasMeta;
        if (existed && old) *old = s->metaLoc;
        s->meta = m;
        s->metaLoc = *loc;
        s->hasMeta = 1;
        break;
    }
    case COLL_STREAM_ENTRY: {
        streamId id;
        if (nlen != COLL_STREAM_ENTRY_NAME_LEN || !nameId(name, nlen, &id)) return -1;
        existed = entryPut(s, &id, loc, old);
        uint64_t added = nameAdded(name, nlen);
        if (added) {
            s->meta.lastId = id;
            s->meta.entriesAdded = added;
        }
        break;
    }
    default:
        existed = streamGroupsPut(s, name, nlen, val, vlen, loc, old);
        if (existed < 0) return -1;
    }
    if (!existed) c->count++;
    return existed;
}

uint32_t collStreamRemove(collection *c, const char *name, size_t nlen, collTrimFn *fn,
                          void *priv) {
    collStreamIndex *s = indexOf(c);
    streamId id;
    uint32_t gone = 0, ni, p;
    char buf[COLL_STREAM_ENTRY_NAME_LEN];
    collElem el;
    if (nlen == 0) return 0;
    switch (name[0]) {
    case COLL_STREAM_META:
        if (!s->hasMeta || nlen != 1) return 0;
        s->hasMeta = 0;
        if (fn) {
            char v[COLL_STREAM_META_LEN];
            collStreamMetaEncode(&s->meta, v);
            el = (collElem){.name = name, .nlen = 1, .loc = s->metaLoc, .value = v,
                            .vlen = COLL_STREAM_META_LEN};
            fn(priv, &el);
        }
        gone = 1;
        break;
    case COLL_STREAM_ENTRY:
        if (!nameId(name, nlen, &id) || !findEntry(s, &id, &ni, &p)) return 0;
        if (fn) {
            entryElem(buf, &s->nodes[ni].e[p], &el);
            fn(priv, &el);
        }
        entryRemoveAt(s, ni, p);
        gone = 1;
        break;
    case COLL_STREAM_TRIM:
        if (nlen != 1 + STREAM_ID_BIN_LEN || !nameId(name, nlen, &id)) return 0;
        gone = entryTrim(s, &id, fn, priv);
        break;
    default: gone = streamGroupsRemove(s, name, nlen, fn, priv);
    }
    c->count -= gone;
    return gone;
}

int collStreamFind(const collection *c, const char *name, size_t nlen, collLoc *loc) {
    const collStreamIndex *s = indexOf(c);
    streamId id;
    uint32_t ni, p;
    if (nlen == 0) return 0;
    switch (name[0]) {
    case COLL_STREAM_META:
        if (nlen != 1 || !s->hasMeta) return 0;
        if (loc) *loc = s->metaLoc;
        return 1;
    case COLL_STREAM_ENTRY:
        if (!nameId(name, nlen, &id) || !findEntry(s, &id, &ni, &p)) return 0;
        if (loc) *loc = s->nodes[ni].e[p].loc;
        return 1;
    default: return streamGroupsFind(s, name, nlen, loc);
    }
}

static int locEqual(const collLoc *a, const collLoc *b) {
    return a->segment == b->segment && a->offset == b->offset && a->valueLen == b->valueLen;
}

int collStreamRelocate(collection *c, const char *name, size_t nlen, const collLoc *from,
                       const collLoc *to) {
    collStreamIndex *s = indexOf(c);
    streamId id;
    uint32_t ni, p;
    if (nlen == 0) return 0;
    switch (name[0]) {
    case COLL_STREAM_META:
        if (nlen != 1 || !s->hasMeta || !locEqual(&s->metaLoc, from)) return 0;
        s->metaLoc = *to;
        return 1;
    case COLL_STREAM_ENTRY:
        if (!nameId(name, nlen, &id) || !findEntry(s, &id, &ni, &p)) return 0;
        if (!locEqual(&s->nodes[ni].e[p].loc, from)) return 0;
        s->nodes[ni].e[p].loc = *to;
        return 1;
    default: return streamGroupsRelocate(s, name, nlen, from, to);
    }
}

/* ---- The walk ---------------------------------------------------------------- *
 *
 * collIter's fields: table = the phase (WALK_*), bucket = the node or the
 * group, pos = the entry in the node, the consumer in the group, or the
 * pending entries' position (chunk << 32 | index). */

char *streamWalkBuf(const collStreamIndex *s, size_t need) {
    collStreamIndex *w = (collStreamIndex *)s; /* the walk's scratch: coll_stream.h */
    if (w->walkCap < need) {
        w->walkBuf = xrealloc(w->walkBuf, need);
        w->walkCap = need;
    }
    return w->walkBuf;
}

int collStreamIterNext(collIter *it, collElem *out) {
    const collStreamIndex *s = indexOf(it->c);
    while (1) {
        switch (it->table) {
        case STREAM_WALK_META:
            it->table = STREAM_WALK_ENTRIES;
            it->bucket = 0;
            it->pos = 0;
            if (s->hasMeta) {
                char *b = streamWalkBuf(s, 1 + COLL_STREAM_META_LEN);
                b[0] = COLL_STREAM_META;
                collStreamMetaEncode(&s->meta, b + 1);
                *out = (collElem){.name = b, .nlen = 1, .loc = s->metaLoc, .value = b + 1,
                                  .vlen = COLL_STREAM_META_LEN};
                return 1;
            }
            break;
        case STREAM_WALK_ENTRIES:
            while (it->bucket < s->nnodes && s->nodes[it->bucket].n == 0) it->bucket++;
            if (it->bucket < s->nnodes) {
                const streamNode *nd = &s->nodes[it->bucket];
                entryElem(streamWalkBuf(s, COLL_STREAM_ENTRY_NAME_LEN), &nd->e[it->pos], out);
                if (++it->pos == nd->n) {
                    it->bucket++;
                    it->pos = 0;
                }
                return 1;
            }
            it->table = STREAM_WALK_GROUP;
            it->bucket = 0;
            it->pos = 0;
            break;
        default: return streamGroupsIterNext(s, it, out);
        }
    }
}

/* ---- Checks and single elements ------------------------------------------------ */

int collStreamCheckElement(const char *name, size_t nlen, const char *val, size_t vlen) {
    if (nlen == 0) return 0;
    switch (name[0]) {
    case COLL_STREAM_META: return nlen == 1 && val != NULL && vlen == COLL_STREAM_META_LEN;
    case COLL_STREAM_ENTRY: return nlen == COLL_STREAM_ENTRY_NAME_LEN;
    default: return streamGroupsCheck(name, nlen, val, vlen);
    }
}

int collStreamGetElem(const collection *c, const char *name, size_t nlen, collElem *out) {
    const collStreamIndex *s = indexOf(c);
    streamId id;
    uint32_t ni, p;
    if (nlen == 0) return 0;
    switch (name[0]) {
    case COLL_STREAM_META: {
        if (nlen != 1 || !s->hasMeta) return 0;
        char *b = streamWalkBuf(s, 1 + COLL_STREAM_META_LEN);
        b[0] = COLL_STREAM_META;
        collStreamMetaEncode(&s->meta, b + 1);
        *out = (collElem){.name = b, .nlen = 1, .loc = s->metaLoc, .value = b + 1,
                          .vlen = COLL_STREAM_META_LEN};
        return 1;
    }
    case COLL_STREAM_ENTRY:
        if (!nameId(name, nlen, &id) || !findEntry(s, &id, &ni, &p)) return 0;
        entryElem(streamWalkBuf(s, COLL_STREAM_ENTRY_NAME_LEN), &s->nodes[ni].e[p], out);
        return 1;
    default: return streamGroupsGetElem(s, name, nlen, out);
    }
}

void collStreamSetCounters(collection *c, const collStreamMeta *m) { indexOf(c)->meta = *m; }
