/* store/coll_stream_groups.c -- a stream's consumer groups, their
 * consumers and their pending entries (coll_stream.h has the element
 * names and values; coll_stream_internal.h the structs).
 *
 * Groups are an array sorted by name, a group's consumers too (Redis
 * keeps both in a rax, whose order is this: bytewise, a prefix first),
 * so XINFO lists them in Redis's order.  A pending entry is one
 * allocation, in two ordered maps (lib/idmap.h): its group's and its
 * consumer's; moving it to another consumer (XCLAIM) moves it between
 * consumers' maps only.
 *
 * Bytes: a pending entry 56 (its struct) plus 24 to 48 in each of the
 * two maps; a consumer about 100 plus its name. */
#include <string.h>

#include "lib/alloc.h"
#include "store/coll_internal.h"
#include "store/coll_stream_internal.h"

/* ---- Names ------------------------------------------------------------------ */

char *collStreamGroupName(const char *group, size_t glen, size_t *nlen) {
    *nlen = 1 + glen;
    char *n = xmalloc(*nlen);
    n[0] = COLL_STREAM_GROUP;
    memcpy(n + 1, group, glen);
    return n;
}

/* kind + glen + group, then room for more bytes; the buffer is new. */
static char *groupPrefixed(char kind, const char *group, size_t glen, size_t more, size_t *nlen) {
    *nlen = 1 + 4 + glen + more;
    char *n = xmalloc(*nlen);
    n[0] = kind;
    streamPutLe32(n + 1, (uint32_t)glen);
    memcpy(n + 5, group, glen);
    return n;
}

char *collStreamConsumerName(const char *group, size_t glen, const char *name, size_t len,
                             size_t *nlen) {
    char *n = groupPrefixed(COLL_STREAM_CONSUMER, group, glen, len, nlen);
    memcpy(n + 5 + glen, name, len);
    return n;
}

char *collStreamPendingName(const char *group, size_t glen, const streamId *id, size_t *nlen) {
    char *n = groupPrefixed(COLL_STREAM_PENDING, group, glen, STREAM_ID_BIN_LEN, nlen);
    streamIdEncode(id, n + 5 + glen);
    return n;
}

void collStreamGroupEncode(const streamId *lastId, int64_t entriesRead,
                           char out[COLL_STREAM_GROUP_LEN]) {
    streamIdEncode(lastId, out);
    streamPutLe64(out + 16, (uint64_t)entriesRead);
}

char *collStreamPendingEncode(int64_t deliveryTime, uint64_t deliveryCount, const char *consumer,
                              size_t clen, size_t *vlen) {
    *vlen = COLL_STREAM_PENDING_MIN + clen;
    char *v = xmalloc(*vlen);
    streamPutLe64(v, (uint64_t)deliveryTime);
    streamPutLe64(v + 8, deliveryCount);
    memcpy(v + 16, consumer, clen);
    return v;
}

/* A 'c' or 'p' name taken apart: the group, and what follows it. */
typedef struct groupedName {
    const char *group;
    size_t glen;
    const char *rest;
    size_t rlen;
} groupedName;

static int splitGrouped(const char *name, size_t nlen, groupedName *out) {
    if (nlen < 5) return 0;
    uint32_t glen = streamGetLe32(name + 1);
    if (glen > nlen - 5) return 0;
    out->group = name + 5;
    out->glen = glen;
    out->rest = name + 5 + glen;
    out->rlen = nlen - 5 - glen;
    return 1;
}

/* ---- Sorted arrays of named things ------------------------------------------ */

/* Rax order: bytewise, a prefix before what extends it. */
static int nameCompare(const char *a, size_t alen, const char *b, size_t blen) {
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r) return r;
    return alen < blen ? -1 : alen > blen;
}

/* What a group and a consumer start with: their name (coll_stream_internal.h
 * keeps it first in both structs, so one search serves both arrays). */
typedef struct named {
    char *name;
    size_t nlen;
} named;

/* The index of the element named name in a by-name array of n groups or
 * consumers, or where it would go (*found 0). */
static uint32_t nameIndex(void *const *array, uint32_t n, const char *name, size_t len,
                          int *found) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const named *x = array[mid];
        int r = nameCompare(x->name, x->nlen, name, len);
        if (r == 0) {
            *found = 1;
            return mid;
        }
        if (r < 0) lo = mid + 1;
        else hi = mid;
    }
    *found = 0;
    return lo;
}

static uint32_t groupIndex(const collStreamIndex *s, const char *name, size_t len, int *found) {
    return nameIndex((void *const *)s->groups, s->ngroups, name, len, found);
}

static uint32_t consumerIndex(const collStreamGroup *g, const char *name, size_t len, int *found) {
    return nameIndex((void *const *)g->consumers, g->nconsumers, name, len, found);
}

/* Inserts p at index at of an array of pointers (n, room cap). */
static void *pointerInsert(void *array, uint32_t *n, uint32_t *cap, uint32_t at, void *p) {
    void **a = array;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 2;
        a = xrealloc(a, sizeof(void *) * *cap);
    }
    memmove(a + at + 1, a + at, sizeof(void *) * (*n - at));
    a[at] = p;
    (*n)++;
    return a;
}

static void pointerRemove(void *array, uint32_t *n, uint32_t at) {
    void **a = array;
    memmove(a + at, a + at + 1, sizeof(void *) * (*n - at - 1));
    (*n)--;
}

static char *copyName(const char *name, size_t len) {
    char *n = xmalloc(len ? len : 1);
    memcpy(n, name, len);
    return n;
}

static collStreamGroup *groupGet(const collStreamIndex *s, const char *name, size_t len) {
    int found;
    uint32_t i = groupIndex(s, name, len, &found);
    return found ? s->groups[i] : NULL;
}

static collStreamConsumer *consumerGet(const collStreamGroup *g, const char *name, size_t len) {
    int found;
    uint32_t i = consumerIndex(g, name, len, &found);
    return found ? g->consumers[i] : NULL;
}

/* A new zeroed struct of size bytes named name, inserted at index i of a
 * by-name array (*array of *n, room *cap). */
static void *namedInsert(void *array, uint32_t *n, uint32_t *cap, uint32_t i, const char *name,
                         size_t len, size_t size) {
    named *x = xcalloc(1, size);
    x->name = copyName(name, len);
    x->nlen = len;
    *(void **)array = pointerInsert(*(void **)array, n, cap, i, x);
    return x;
}

/* The group, made (a placeholder, no record) if it is not there. */
static collStreamGroup *groupGetOrMake(collStreamIndex *s, const char *name, size_t len) {
    int found;
    uint32_t i = groupIndex(s, name, len, &found);
    if (found) return s->groups[i];
    collStreamGroup *g =
        namedInsert(&s->groups, &s->ngroups, &s->capGroups, i, name, len, sizeof(*g));
    g->entriesRead = -1;
    return g;
}

static collStreamConsumer *consumerGetOrMake(collStreamGroup *g, const char *name, size_t len) {
    int found;
    uint32_t i = consumerIndex(g, name, len, &found);
    if (found) return g->consumers[i];
    return namedInsert(&g->consumers, &g->nconsumers, &g->capConsumers, i, name, len,
                       sizeof(collStreamConsumer));
}

/* ---- Elements as a walk or a removal reports them ---------------------------- */

static void groupElem(const collStreamIndex *s, const collStreamGroup *g, collElem *out) {
    char *b = streamWalkBuf(s, 1 + g->nlen + COLL_STREAM_GROUP_LEN);
    b[0] = COLL_STREAM_GROUP;
    memcpy(b + 1, g->name, g->nlen);
    collStreamGroupEncode(&g->lastId, g->entriesRead, b + 1 + g->nlen);
    *out = (collElem){.name = b, .nlen = 1 + g->nlen, .loc = g->loc, .value = b + 1 + g->nlen,
                      .vlen = COLL_STREAM_GROUP_LEN};
}

static void consumerElem(const collStreamIndex *s, const collStreamGroup *g,
                         const collStreamConsumer *k, collElem *out) {
    size_t nlen = 5 + g->nlen + k->nlen;
    char *b = streamWalkBuf(s, nlen + COLL_STREAM_CONSUMER_LEN);
    b[0] = COLL_STREAM_CONSUMER;
    streamPutLe32(b + 1, (uint32_t)g->nlen);
    memcpy(b + 5, g->name, g->nlen);
    memcpy(b + 5 + g->nlen, k->name, k->nlen);
    streamPutLe64(b + nlen, (uint64_t)k->seenTime);
    *out = (collElem){.name = b, .nlen = nlen, .loc = k->loc, .value = b + nlen,
                      .vlen = COLL_STREAM_CONSUMER_LEN};
}

static void pendingElem(const collStreamIndex *s, const collStreamGroup *g,
                        const streamPending *p, collElem *out) {
    size_t nlen = 5 + g->nlen + STREAM_ID_BIN_LEN;
    size_t vlen = COLL_STREAM_PENDING_MIN + p->consumer->nlen;
    char *b = streamWalkBuf(s, nlen + vlen);
    b[0] = COLL_STREAM_PENDING;
    streamPutLe32(b + 1, (uint32_t)g->nlen);
    memcpy(b + 5, g->name, g->nlen);
    streamIdEncode(&p->id, b + 5 + g->nlen);
    streamPutLe64(b + nlen, (uint64_t)p->deliveryTime);
    streamPutLe64(b + nlen + 8, p->deliveryCount);
    memcpy(b + nlen + 16, p->consumer->name, p->consumer->nlen);
    *out = (collElem){.name = b, .nlen = nlen, .loc = p->loc, .value = b + nlen,
                      .vlen = (uint32_t)vlen};
}

/* ---- Puts ------------------------------------------------------------------- */

static int putGroup(collStreamIndex *s, const char *name, size_t nlen, const char *val,
                    size_t vlen, const collLoc *loc, collLoc *old) {
    if (val == NULL || vlen != COLL_STREAM_GROUP_LEN) return -1;
    collStreamGroup *g = groupGetOrMake(s, name + 1, nlen - 1);
    int existed = g->hasRecord;
    if (existed && old) *old = g->loc;
    streamIdDecode(val, &g->lastId);
    g->entriesRead = (int64_t)streamGetLe64(val + 16);
    g->loc = *loc;
    g->hasRecord = 1;
    return existed;
}

static int putConsumer(collStreamIndex *s, const char *name, size_t nlen, const char *val,
                       size_t vlen, const collLoc *loc, collLoc *old) {
    groupedName gn;
    if (!splitGrouped(name, nlen, &gn) || val == NULL || vlen != COLL_STREAM_CONSUMER_LEN)
        return -1;
    collStreamConsumer *k = consumerGetOrMake(groupGetOrMake(s, gn.group, gn.glen), gn.rest, gn.rlen);
    int existed = k->hasRecord;
    if (existed && old) *old = k->loc;
    k->seenTime = (int64_t)streamGetLe64(val);
    k->loc = *loc;
    k->hasRecord = 1;
    return existed;
}

static int putPending(collStreamIndex *s, const char *name, size_t nlen, const char *val,
                      size_t vlen, const collLoc *loc, collLoc *old) {
    groupedName gn;
    if (!splitGrouped(name, nlen, &gn) || gn.rlen != STREAM_ID_BIN_LEN || val == NULL ||
        vlen < COLL_STREAM_PENDING_MIN)
        return -1;
    collStreamGroup *g = groupGetOrMake(s, gn.group, gn.glen);
    collStreamConsumer *k =
        consumerGetOrMake(g, val + COLL_STREAM_PENDING_MIN, vlen - COLL_STREAM_PENDING_MIN);
    streamId id;
    streamIdDecode(gn.rest, &id);
    streamPending *p = idmapFind(&g->pending, &id);
    int existed = p != NULL;
    if (existed) {
        if (old) *old = p->loc;
        if (p->consumer != k) {
            idmapRemove(&p->consumer->pending, &id);
            idmapInsert(&k->pending, &id, p);
        }
    } else {
        p = xcalloc(1, sizeof(*p));
        p->id = id;
        idmapInsert(&g->pending, &id, p);
        idmapInsert(&k->pending, &id, p);
    }
    p->consumer = k;
    p->deliveryTime = (int64_t)streamGetLe64(val);
    p->deliveryCount = streamGetLe64(val + 8);
    p->loc = *loc;
    return existed;
}

int streamGroupsPut(collStreamIndex *s, const char *name, size_t nlen, const char *val,
                    size_t vlen, const collLoc *loc, collLoc *old) {
    switch (name[0]) {
    case COLL_STREAM_GROUP: return putGroup(s, name, nlen, val, vlen, loc, old);
    case COLL_STREAM_CONSUMER: return putConsumer(s, name, nlen, val, vlen, loc, old);
    case COLL_STREAM_PENDING: return putPending(s, name, nlen, val, vlen, loc, old);
    }
    return -1;
}

/* ---- Removals ---------------------------------------------------------------- */

/* Takes p out of both maps and frees it, reporting it first. */
static void dropPending(const collStreamIndex *s, collStreamGroup *g, streamPending *p,
                        collTrimFn *fn, void *priv) {
    if (fn) {
        collElem el;
        pendingElem(s, g, p, &el);
        fn(priv, &el);
    }
    idmapRemove(&g->pending, &p->id);
    idmapRemove(&p->consumer->pending, &p->id);
    xfree(p);
}

/* Removes consumer i of g with its pending entries: how many elements
 * went. */
static uint32_t dropConsumer(const collStreamIndex *s, collStreamGroup *g, uint32_t i,
                             collTrimFn *fn, void *priv) {
    collStreamConsumer *k = g->consumers[i];
    uint32_t gone = 0;
    while (idmapCount(&k->pending)) {
        idmapIter it;
        streamId first = {0, 0};
        void *v;
        idmapSeek(&it, &k->pending, &first);
        idmapNext(&it, NULL, &v);
        dropPending(s, g, v, fn, priv);
        gone++;
    }
    if (k->hasRecord) {
        if (fn) {
            collElem el;
            consumerElem(s, g, k, &el);
            fn(priv, &el);
        }
        gone++;
    }
    pointerRemove(g->consumers, &g->nconsumers, i);
    idmapFree(&k->pending);
    xfree(k->name);
    xfree(k);
    return gone;
}

static void freeGroup(collStreamGroup *g) {
    idmapFree(&g->pending);
    xfree(g->consumers);
    xfree(g->name);
    xfree(g);
}

static uint32_t removeGroup(collStreamIndex *s, const char *name, size_t nlen, collTrimFn *fn,
                            void *priv) {
    int found;
    uint32_t i = groupIndex(s, name + 1, nlen - 1, &found);
    if (!found) return 0;
    collStreamGroup *g = s->groups[i];
    uint32_t gone = 0;
    while (g->nconsumers) gone += dropConsumer(s, g, g->nconsumers - 1, fn, priv);
    if (g->hasRecord) {
        if (fn) {
            collElem el;
            groupElem(s, g, &el);
            fn(priv, &el);
        }
        gone++;
    }
    pointerRemove(s->groups, &s->ngroups, i);
    if (s->ngroups == 0) {
        xfree(s->groups);
        s->groups = NULL;
        s->capGroups = 0;
    }
    freeGroup(g);
    return gone;
}

uint32_t streamGroupsRemove(collStreamIndex *s, const char *name, size_t nlen, collTrimFn *fn,
                            void *priv) {
    groupedName gn;
    collStreamGroup *g;
    switch (name[0]) {
    case COLL_STREAM_GROUP: return removeGroup(s, name, nlen, fn, priv);
    case COLL_STREAM_CONSUMER: {
        int found;
        if (!splitGrouped(name, nlen, &gn) || !(g = groupGet(s, gn.group, gn.glen))) return 0;
        uint32_t i = consumerIndex(g, gn.rest, gn.rlen, &found);
        return found ? dropConsumer(s, g, i, fn, priv) : 0;
    }
    case COLL_STREAM_PENDING: {
        streamId id;
        if (!splitGrouped(name, nlen, &gn) || gn.rlen != STREAM_ID_BIN_LEN ||
            !(g = groupGet(s, gn.group, gn.glen)))
            return 0;
        streamIdDecode(gn.rest, &id);
        streamPending *p = idmapFind(&g->pending, &id);
        if (!p) return 0;
        dropPending(s, g, p, fn, priv);
        return 1;
    }
    }
    return 0;
}

/* ---- Finds and relocations ---------------------------------------------------- */

/* Where element name's location is kept, or NULL. */
static collLoc *locOf(const collStreamIndex *s, const char *name, size_t nlen) {
    groupedName gn;
    collStreamGroup *g;
    switch (name[0]) {
    case COLL_STREAM_GROUP:
        g = groupGet(s, name + 1, nlen - 1);
        return g && g->hasRecord ? &g->loc : NULL;
    case COLL_STREAM_CONSUMER: {
        if (!splitGrouped(name, nlen, &gn) || !(g = groupGet(s, gn.group, gn.glen))) return NULL;
        collStreamConsumer *k = consumerGet(g, gn.rest, gn.rlen);
        return k && k->hasRecord ? &k->loc : NULL;
    }
    case COLL_STREAM_PENDING: {
        streamId id;
        if (!splitGrouped(name, nlen, &gn) || gn.rlen != STREAM_ID_BIN_LEN ||
            !(g = groupGet(s, gn.group, gn.glen)))
            return NULL;
        streamIdDecode(gn.rest, &id);
        streamPending *p = idmapFind(&g->pending, &id);
        return p ? &p->loc : NULL;
    }
    }
    return NULL;
}

int streamGroupsFind(const collStreamIndex *s, const char *name, size_t nlen, collLoc *loc) {
    collLoc *at = locOf(s, name, nlen);
    if (!at) return 0;
    if (loc) *loc = *at;
    return 1;
}

int streamGroupsRelocate(collStreamIndex *s, const char *name, size_t nlen, const collLoc *from,
                         const collLoc *to) {
    collLoc *at = locOf(s, name, nlen);
    if (!at || at->segment != from->segment || at->offset != from->offset ||
        at->valueLen != from->valueLen)
        return 0;
    *at = *to;
    return 1;
}

/* ---- The walk (coll_stream.c has its fields) ----------------------------------- */

int streamGroupsIterNext(const collStreamIndex *s, collIter *it, collElem *out) {
    while (it->bucket < s->ngroups) {
        const collStreamGroup *g = s->groups[it->bucket];
        switch (it->table) {
        case STREAM_WALK_GROUP:
            it->table = STREAM_WALK_CONSUMERS;
            it->pos = 0;
            if (g->hasRecord) {
                groupElem(s, g, out);
                return 1;
            }
            break;
        case STREAM_WALK_CONSUMERS:
            while (it->pos < g->nconsumers) {
                const collStreamConsumer *k = g->consumers[it->pos++];
                if (k->hasRecord) {
                    consumerElem(s, g, k, out);
                    return 1;
                }
            }
            it->table = STREAM_WALK_PENDING;
            it->pos = 0;
            break;
        default: {
            idmapIter mi = {&g->pending, (uint32_t)(it->pos >> 32), (uint32_t)it->pos, 0};
            mi.valid = mi.chunk < g->pending.nchunks;
            void *v;
            if (idmapNext(&mi, NULL, &v)) {
                it->pos = mi.valid ? ((uint64_t)mi.chunk << 32 | mi.pos) : UINT64_MAX;
                pendingElem(s, g, v, out);
                return 1;
            }
            it->table = STREAM_WALK_GROUP;
            it->bucket++;
        }
        }
    }
    return 0;
}

void streamGroupsFree(collStreamIndex *s) {
    for (uint32_t i = 0; i < s->ngroups; i++) {
        collStreamGroup *g = s->groups[i];
        idmapIter it;
        streamId first = {0, 0};
        void *v;
        idmapSeek(&it, &g->pending, &first);
        while (idmapNext(&it, NULL, &v)) xfree(v);
        for (uint32_t j = 0; j < g->nconsumers; j++) {
            idmapFree(&g->consumers[j]->pending);
            xfree(g->consumers[j]->name);
            xfree(g->consumers[j]);
        }
        freeGroup(g);
    }
    xfree(s->groups);
    s->groups = NULL;
    s->ngroups = s->capGroups = 0;
}

size_t streamGroupsMemoryBytes(const collStreamIndex *s) {
    size_t bytes = s->groups ? xmallocUsable(s->groups) : 0;
    for (uint32_t i = 0; i < s->ngroups; i++) {
        const collStreamGroup *g = s->groups[i];
        bytes += xmallocUsable((void *)g) + xmallocUsable(g->name) + idmapMemoryBytes(&g->pending);
        bytes += idmapCount(&g->pending) * sizeof(streamPending);
        if (g->consumers) bytes += xmallocUsable(g->consumers);
        for (uint32_t j = 0; j < g->nconsumers; j++) {
            const collStreamConsumer *k = g->consumers[j];
            bytes += xmallocUsable((void *)k) + xmallocUsable(k->name) +
                     idmapMemoryBytes(&k->pending);
        }
    }
    return bytes;
}

/* ---- Reads ------------------------------------------------------------------- */

static const collStreamIndex *indexOfColl(const collection *c) {
    if (c->type != COLL_STREAM) streamPanic("not a stream");
    return c->u.stream;
}

uint32_t collStreamGroupCount(const collection *c) { return indexOfColl(c)->ngroups; }

const collStreamGroup *collStreamGroupAt(const collection *c, uint32_t i) {
    return indexOfColl(c)->groups[i];
}

const collStreamGroup *collStreamFindGroup(const collection *c, const char *name, size_t len) {
    const collStreamGroup *g = groupGet(indexOfColl(c), name, len);
    return g && g->hasRecord ? g : NULL;
}

const char *collStreamGroupNameOf(const collStreamGroup *g, size_t *len) {
    *len = g->nlen;
    return g->name;
}

const streamId *collStreamGroupLastId(const collStreamGroup *g) { return &g->lastId; }
int64_t collStreamGroupEntriesRead(const collStreamGroup *g) { return g->entriesRead; }
uint64_t collStreamGroupPendingCount(const collStreamGroup *g) { return idmapCount(&g->pending); }
uint32_t collStreamConsumerCount(const collStreamGroup *g) { return g->nconsumers; }

const collStreamConsumer *collStreamConsumerAt(const collStreamGroup *g, uint32_t i) {
    return g->consumers[i];
}

const collStreamConsumer *collStreamFindConsumer(const collStreamGroup *g, const char *name,
                                                 size_t len) {
    return consumerGet(g, name, len);
}

const char *collStreamConsumerNameOf(const collStreamConsumer *k, size_t *len) {
    *len = k->nlen;
    return k->name;
}

int64_t collStreamConsumerSeenTime(const collStreamConsumer *k) { return k->seenTime; }

uint64_t collStreamConsumerPendingCount(const collStreamConsumer *k) {
    return idmapCount(&k->pending);
}

static void pendingOut(const streamPending *p, collStreamPending *out) {
    out->id = p->id;
    out->deliveryTime = p->deliveryTime;
    out->deliveryCount = p->deliveryCount;
    out->consumer = p->consumer;
}

int collStreamFindPending(const collStreamGroup *g, const streamId *id, collStreamPending *out) {
    const streamPending *p = idmapFind(&g->pending, id);
    if (!p) return 0;
    if (out) pendingOut(p, out);
    return 1;
}

void collStreamPendingSeek(collStreamPendingIter *it, const collStreamGroup *g,
                           const collStreamConsumer *k, const streamId *from) {
    idmapSeek(&it->it, k ? &k->pending : &g->pending, from);
}

int collStreamPendingNext(collStreamPendingIter *it, collStreamPending *out) {
    void *v;
    if (!idmapNext(&it->it, NULL, &v)) return 0;
    pendingOut(v, out);
    return 1;
}

int streamGroupsCheck(const char *name, size_t nlen, const char *val, size_t vlen) {
    groupedName gn;
    switch (name[0]) {
    case COLL_STREAM_GROUP: return val != NULL && vlen == COLL_STREAM_GROUP_LEN;
    case COLL_STREAM_CONSUMER:
        return splitGrouped(name, nlen, &gn) && val != NULL && vlen == COLL_STREAM_CONSUMER_LEN;
    case COLL_STREAM_PENDING:
        return splitGrouped(name, nlen, &gn) && gn.rlen == STREAM_ID_BIN_LEN && val != NULL &&
               vlen >= COLL_STREAM_PENDING_MIN;
    }
    return 0;
}

int streamGroupsGetElem(const collStreamIndex *s, const char *name, size_t nlen, collElem *out) {
    groupedName gn;
    collStreamGroup *g;
    switch (name[0]) {
    case COLL_STREAM_GROUP:
        g = groupGet(s, name + 1, nlen - 1);
        if (!g || !g->hasRecord) return 0;
        groupElem(s, g, out);
        return 1;
    case COLL_STREAM_CONSUMER: {
        if (!splitGrouped(name, nlen, &gn) || !(g = groupGet(s, gn.group, gn.glen))) return 0;
        collStreamConsumer *k = consumerGet(g, gn.rest, gn.rlen);
        if (!k || !k->hasRecord) return 0;
        consumerElem(s, g, k, out);
        return 1;
    }
    case COLL_STREAM_PENDING: {
        streamId id;
        if (!splitGrouped(name, nlen, &gn) || gn.rlen != STREAM_ID_BIN_LEN ||
            !(g = groupGet(s, gn.group, gn.glen)))
            return 0;
        streamIdDecode(gn.rest, &id);
        streamPending *p = idmapFind(&g->pending, &id);
        if (!p) return 0;
        pendingElem(s, g, p, out);
        return 1;
    }
    }
    return 0;
}
