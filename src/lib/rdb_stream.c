/* lib/rdb_stream.c -- a stream's DUMP payload (the format is in
 * rdb_stream.h). */
#include "lib/rdb_stream.h"

#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/lebytes.h"
#include "lib/listpack.h"
#include "lib/numfmt.h"

#define FLAG_DELETED 1
#define FLAG_SAMEFIELDS 2
/* Redis's bound on one node's listpack (STREAM_LISTPACK_MAX_SIZE): a
 * stream-node-max-bytes of 0 or above it means this. */
#define NODE_MAX_BYTES_CAP ((uint64_t)1 << 30)
#define MS_TIME_LEN 8

/* ---- Writing -------------------------------------------------------- */

/* A node under construction: its listpack's elements, and what the
 * cutting rule needs to know of them. */
typedef struct nodeBuilder {
    bstr *items;
    size_t n, cap;
    size_t bytes;                      /* listpack bytes, but the count element's */
    uint64_t count;                    /* entries */
    const rdbStreamEntry *master;      /* the node's first entry */
} nodeBuilder;

static void nodePush(nodeBuilder *nb, bstr item) {
    if (nb->n == nb->cap) {
        nb->cap = nb->cap ? nb->cap * 2 : 64;
        nb->items = xrealloc(nb->items, nb->cap * sizeof(bstr));
    }
    nb->items[nb->n++] = item;
    nb->bytes += lpEntrySize(item, bstrLen(item));
}

static bstr intItem(int64_t v) {
    char buf[NUM_LONG_STR_SIZE];
    int len = numFormatLongLong(buf, sizeof(buf), (long long)v);
    return bstrNewLen(buf, (size_t)len);
}

/* The listpack's whole size as Redis would measure it now. */
static size_t nodeBytes(const nodeBuilder *nb) {
    bstr count = intItem((int64_t)nb->count);
    size_t n = LP_EMPTY_SIZE + nb->bytes + lpEntrySize(count, bstrLen(count));
    bstrFree(count);
    return n;
}

static void nodeClear(nodeBuilder *nb) {
    for (size_t i = 0; i < nb->n; i++) bstrFree(nb->items[i]);
    nb->n = 0;
    nb->bytes = 0;
    nb->count = 0;
    nb->master = NULL;
}

/* Appends the open node (key, listpack) to body; counts it in *nodes. */
static bstr nodeFlush(bstr body, nodeBuilder *nb, uint64_t *nodes, int compress) {
    if (!nb->master) return body;
    bstrFree(nb->items[0]);
    nb->items[0] = intItem((int64_t)nb->count);
    char key[STREAM_ID_BIN_LEN];
    streamIdEncode(&nb->master->id, key);
    body = rdbAppendString(body, key, sizeof(key), compress);
    bstr lp = lpAppendBlob(bstrEmpty(), nb->items, nb->n);
    body = rdbAppendString(body, lp, bstrLen(lp), compress);
    bstrFree(lp);
    nodeClear(nb);
    (*nodes)++;
    return body;
}

/* Opens a node on e: the master entry of e's field names. */
static void nodeOpen(nodeBuilder *nb, const rdbStreamEntry *e) {
    nb->master = e;
    nodePush(nb, intItem(1));
    nb->bytes -= lpEntrySize(nb->items[0], bstrLen(nb->items[0])); /* counted by nodeBytes */
    nodePush(nb, intItem(0));
    nodePush(nb, intItem((int64_t)(e->nitems / 2)));
    for (size_t i = 0; i < e->nitems; i += 2) nodePush(nb, bstrDup(e->items[i]));
    nodePush(nb, intItem(0));
}

static int sameFields(const rdbStreamEntry *a, const rdbStreamEntry *b) {
    if (a->nitems != b->nitems) return 0;
    for (size_t i = 0; i < a->nitems; i += 2)
        if (bstrLen(a->items[i]) != bstrLen(b->items[i]) ||
            memcmp(a->items[i], b->items[i], bstrLen(a->items[i])) != 0)
            return 0;
    return 1;
}

static void nodeAppendEntry(nodeBuilder *nb, const rdbStreamEntry *e) {
    int same = sameFields(nb->master, e);
    uint64_t nf = e->nitems / 2;
    nodePush(nb, intItem(same ? FLAG_SAMEFIELDS : 0));
    nodePush(nb, intItem((int64_t)(e->id.ms - nb->master->id.ms)));
    nodePush(nb, intItem((int64_t)(e->id.seq - nb->master->id.seq)));
    if (!same) nodePush(nb, intItem((int64_t)nf));
    for (size_t i = same ? 1 : 0; i < e->nitems; i += same ? 2 : 1)
        nodePush(nb, bstrDup(e->items[i]));
    nodePush(nb, intItem((int64_t)(same ? nf + 3 : 2 * nf + 4)));
    nb->count++;
}

/* Whether e goes into a new node, by Redis 7.0's XADD rule. */
static int nodeIsFull(const nodeBuilder *nb, const rdbStreamEntry *e, uint64_t maxEntries,
                      uint64_t maxBytes) {
    if (!nb->master) return 1;
    size_t add = 0;
    for (size_t i = 0; i < e->nitems; i++) add += bstrLen(e->items[i]);
    if (nodeBytes(nb) + add >= maxBytes) return 1;
    return maxEntries && nb->count >= maxEntries;
}

static bstr appendId(bstr out, const streamId *id) {
    out = rdbAppendLen(out, id->ms);
    return rdbAppendLen(out, id->seq);
}

static bstr appendRawId(bstr out, const streamId *id) {
    char b[STREAM_ID_BIN_LEN];
    streamIdEncode(id, b);
    return bstrCatLen(out, b, sizeof(b));
}

static bstr appendMsTime(bstr out, int64_t t) {
    unsigned char b[MS_TIME_LEN];
    lePut(b, (uint64_t)t, MS_TIME_LEN);
    return bstrCatLen(out, b, sizeof(b));
}

/* A group's consumers, each with its pending IDs (in ID order, as the
 * group's pending entries are). */
static bstr appendConsumers(bstr out, const rdbStreamGroup *g, int compress) {
    size_t *owned = xcalloc(g->nconsumers + 1, sizeof(size_t));
    for (size_t i = 0; i < g->npending; i++) owned[g->pending[i].consumer + 1]++;
    for (size_t k = 0; k < g->nconsumers; k++) owned[k + 1] += owned[k];
    size_t *order = xmalloc((g->npending ? g->npending : 1) * sizeof(size_t));
    for (size_t i = 0; i < g->npending; i++) order[owned[g->pending[i].consumer]++] = i;
    /* owned[k] is now where consumer k + 1's run starts */
    out = rdbAppendLen(out, g->nconsumers);
    for (size_t k = 0, at = 0; k < g->nconsumers; k++) {
        const rdbStreamConsumer *c = &g->consumers[k];
        out = rdbAppendString(out, c->name, bstrLen(c->name), compress);
        out = appendMsTime(out, c->seenTime);
        out = rdbAppendLen(out, owned[k] - at);
        for (; at < owned[k]; at++) out = appendRawId(out, &g->pending[order[at]].id);
    }
    xfree(order);
    xfree(owned);
    return out;
}

static bstr appendGroup(bstr out, const rdbStreamGroup *g, int compress) {
    out = rdbAppendString(out, g->name, bstrLen(g->name), compress);
    out = appendId(out, &g->lastId);
    out = rdbAppendLen(out, (uint64_t)g->entriesRead);
    out = rdbAppendLen(out, g->npending);
    for (size_t i = 0; i < g->npending; i++) {
        const rdbStreamPending *p = &g->pending[i];
        out = appendRawId(out, &p->id);
        out = appendMsTime(out, p->deliveryTime);
        out = rdbAppendLen(out, p->deliveryCount);
    }
    return appendConsumers(out, g, compress);
}

bstr rdbPayloadStream(const rdbStream *s, uint64_t maxEntries, uint64_t maxBytes, int compress) {
    if (maxBytes == 0 || maxBytes > NODE_MAX_BYTES_CAP) maxBytes = NODE_MAX_BYTES_CAP;
    nodeBuilder nb = {0};
    uint64_t nodes = 0;
    bstr body = bstrEmpty();
    for (size_t i = 0; i < s->nentries; i++) {
        const rdbStreamEntry *e = &s->entries[i];
        if (nodeIsFull(&nb, e, maxEntries, maxBytes)) {
            body = nodeFlush(body, &nb, &nodes, compress);
            nodeOpen(&nb, e);
        }
        nodeAppendEntry(&nb, e);
    }
    body = nodeFlush(body, &nb, &nodes, compress);
    xfree(nb.items);

    bstr out = rdbPayloadStart(RDB_TYPE_STREAM_LISTPACKS_2);
    out = rdbAppendLen(out, nodes);
    out = bstrCatBstr(out, body);
    bstrFree(body);
    out = rdbAppendLen(out, s->nentries);
    out = appendId(out, &s->lastId);
    streamId first = s->nentries ? s->entries[0].id : (streamId){0, 0};
    out = appendId(out, &first);
    out = appendId(out, &s->maxDeleted);
    out = rdbAppendLen(out, s->entriesAdded);
    out = rdbAppendLen(out, s->ngroups);
    for (size_t i = 0; i < s->ngroups; i++) out = appendGroup(out, &s->groups[i], compress);
    return rdbPayloadFinish(out);
}

/* ---- Freeing -------------------------------------------------------- */

static void freeItems(bstr *items, size_t n) {
    for (size_t i = 0; i < n; i++) bstrFree(items[i]);
    xfree(items);
}

static void freeGroup(rdbStreamGroup *g) {
    bstrFree(g->name);
    for (size_t k = 0; k < g->nconsumers; k++) bstrFree(g->consumers[k].name);
    xfree(g->consumers);
    xfree(g->pending);
}

void rdbStreamFree(rdbStream *s) {
    for (size_t i = 0; i < s->nentries; i++) freeItems(s->entries[i].items, s->entries[i].nitems);
    xfree(s->entries);
    for (size_t i = 0; i < s->ngroups; i++) freeGroup(&s->groups[i]);
    xfree(s->groups);
    memset(s, 0, sizeof(*s));
}

/* ---- Reading -------------------------------------------------------- */

/* A listpack's elements, all of them, as strings. */
typedef struct itemList {
    bstr *items;
    size_t n, cap;
} itemList;

static int collectItem(void *priv, const char *s, size_t len) {
    itemList *l = priv;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xrealloc(l->items, l->cap * sizeof(bstr));
    }
    l->items[l->n++] = bstrNewLen(s, len);
    return 1;
}

/* A cursor over one node's elements while its entries are decoded. */
typedef struct nodeReader {
    itemList l;
    size_t pos;
} nodeReader;

static int nodeInt(nodeReader *nr, int64_t *v) {
    long long x;
    if (nr->pos >= nr->l.n) return 0;
    bstr s = nr->l.items[nr->pos];
    if (!numParseLongLong(s, bstrLen(s), &x)) return 0;
    nr->pos++;
    *v = x;
    return 1;
}

/* A count element: an integer in [min, what is left]. */
static int nodeCount(nodeReader *nr, int64_t min, int64_t *v) {
    return nodeInt(nr, v) && *v >= min && (uint64_t)*v <= nr->l.n - nr->pos;
}

/* Takes the next element out of the list (the reader now owns it). */
static bstr nodeTake(nodeReader *nr) {
    bstr s = nr->l.items[nr->pos];
    nr->l.items[nr->pos++] = NULL;
    return s;
}

static void pushEntry(rdbStream *s, size_t *cap, const rdbStreamEntry *e) {
    if (s->nentries == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        s->entries = xrealloc(s->entries, *cap * sizeof(rdbStreamEntry));
    }
    s->entries[s->nentries++] = *e;
}

/* One entry of a node: its ID (master plus the deltas, which wrap as
 * Redis's do), its fields into *e unless it is flagged deleted (then
 * e->items is NULL, as after a failure). */
static int readEntry(nodeReader *nr, const streamId *master, size_t mfirst, int64_t mfields,
                     rdbStreamEntry *e, int *deleted) {
    int64_t flags, dms, dseq, nf, lpcount;
    if (!nodeInt(nr, &flags) || (flags & ~(FLAG_DELETED | FLAG_SAMEFIELDS)) ||
        !nodeInt(nr, &dms) || !nodeInt(nr, &dseq))
        return 0;
    int same = (flags & FLAG_SAMEFIELDS) != 0;
    *deleted = (flags & FLAG_DELETED) != 0;
    e->id.ms = master->ms + (uint64_t)dms;
    e->id.seq = master->seq + (uint64_t)dseq;
    nf = mfields;
    if (!same && !nodeCount(nr, 1, &nf)) return 0;
    if ((uint64_t)nf > (nr->l.n - nr->pos) / (same ? 1 : 2)) return 0;
    if (nf == 0) return 0; /* XADD writes at least one field */
    e->nitems = 2 * (size_t)nf;
    e->items = xmalloc(e->nitems * sizeof(bstr));
    for (size_t i = 0; i < e->nitems; i += 2) {
        e->items[i] = same ? bstrDup(nr->l.items[mfirst + i / 2]) : nodeTake(nr);
        e->items[i + 1] = nodeTake(nr);
    }
    int ok = nodeInt(nr, &lpcount) && lpcount == (same ? nf + 3 : 2 * nf + 4);
    if (!ok || *deleted) {
        freeItems(e->items, e->nitems);
        e->items = NULL;
    }
    return ok;
}

/* One node: the key (its master ID) and the listpack.  Its live entries
 * are appended to s; *prev is the last entry ID seen (any, deleted
 * ones too), *havePrev whether there was one. */
static int readNode(rdbReader *r, rdbStream *s, size_t *cap, streamId *prev, int *havePrev) {
    bstr key = NULL, lp = NULL;
    nodeReader nr = {{NULL, 0, 0}, 0};
    int ok = rdbReadString(r, &key) && bstrLen(key) == STREAM_ID_BIN_LEN &&
             rdbReadString(r, &lp) &&
             lpWalk((const unsigned char *)lp, bstrLen(lp), collectItem, &nr.l) && nr.l.n > 0;
    streamId master = {0, 0};
    if (ok) streamIdDecode(key, &master);
    int64_t count = 0, deleted = 0, mfields = 0, zero = -1, live = 0, dead = 0;
    ok = ok && nodeInt(&nr, &count) && count >= 0 && nodeInt(&nr, &deleted) && deleted >= 0 &&
         nodeCount(&nr, 0, &mfields);
    size_t mfirst = nr.pos;
    if (ok) nr.pos += (size_t)mfields;
    ok = ok && nodeInt(&nr, &zero) && zero == 0;
    while (ok && nr.pos < nr.l.n) {
        rdbStreamEntry e = {{0, 0}, NULL, 0};
        int isDeleted = 0;
        ok = readEntry(&nr, &master, mfirst, mfields, &e, &isDeleted) &&
             (!*havePrev || streamIdCompare(prev, &e.id) < 0) &&
             streamIdCompare(&master, &e.id) <= 0;
        if (!ok) {
            if (e.items) freeItems(e.items, e.nitems);
            break;
        }
        *prev = e.id;
        *havePrev = 1;
        if (isDeleted) {
            dead++;
        } else {
            live++;
            pushEntry(s, cap, &e);
        }
    }
    ok = ok && live == count && dead == deleted && live + dead > 0;
    for (size_t i = 0; i < nr.l.n; i++) bstrFree(nr.l.items[i]);
    xfree(nr.l.items);
    bstrFree(key);
    bstrFree(lp);
    return ok;
}

static int readId(rdbReader *r, streamId *id) {
    return rdbReadLen(r, &id->ms) && rdbReadLen(r, &id->seq);
}

static int readRawId(rdbReader *r, streamId *id) {
    char b[STREAM_ID_BIN_LEN];
    if (!rdbReadBytes(r, b, sizeof(b))) return 0;
    streamIdDecode(b, id);
    return 1;
}

static int readMsTime(rdbReader *r, int64_t *t) {
    unsigned char b[MS_TIME_LEN];
    if (!rdbReadBytes(r, b, sizeof(b))) return 0;
    *t = (int64_t)leGet(b, MS_TIME_LEN);
    return 1;
}

static int compareNames(const void *pa, const void *pb) {
    bstr a = *(const bstr *)pa, b = *(const bstr *)pb;
    size_t la = bstrLen(a), lb = bstrLen(b);
    int c = memcmp(a, b, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

/* Whether the n names (each at stride bytes from the last, in an array
 * of structs) are all different. */
static int namesUnique(const void *first, size_t n, size_t stride) {
    if (n < 2) return 1;
    bstr *names = xmalloc(n * sizeof(bstr));
    for (size_t i = 0; i < n; i++) memcpy(&names[i], (const char *)first + i * stride, sizeof(bstr));
    qsort(names, n, sizeof(bstr), compareNames);
    int unique = 1;
    for (size_t i = 1; i < n && unique; i++) unique = compareNames(&names[i - 1], &names[i]) != 0;
    xfree(names);
    return unique;
}

/* The group's pending entry of ID id, by bisection (they ascend). */
static rdbStreamPending *findPending(rdbStreamGroup *g, const streamId *id) {
    size_t lo = 0, hi = g->npending;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = streamIdCompare(&g->pending[mid].id, id);
        if (c == 0) return &g->pending[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* The consumers of g, each claiming its pending entries. */
static int readConsumers(rdbReader *r, rdbStreamGroup *g) {
    uint64_t n;
    if (!rdbReadCount(r, &n)) return 0;
    g->consumers = xcalloc(n ? n : 1, sizeof(rdbStreamConsumer));
    for (size_t k = 0; k < n; k++) {
        rdbStreamConsumer *c = &g->consumers[k];
        uint64_t owned;
        if (!rdbReadString(r, &c->name)) return 0;
        g->nconsumers++;
        if (!readMsTime(r, &c->seenTime) || !rdbReadCount(r, &owned)) return 0;
        for (uint64_t i = 0; i < owned; i++) {
            streamId id;
            rdbStreamPending *p;
            if (!readRawId(r, &id) || !(p = findPending(g, &id)) || p->consumer != SIZE_MAX)
                return 0;
            p->consumer = k;
        }
    }
    for (size_t i = 0; i < g->npending; i++)
        if (g->pending[i].consumer == SIZE_MAX) return 0;
    return namesUnique(&g->consumers[0].name, g->nconsumers, sizeof(rdbStreamConsumer));
}

/* Redis 7.0's estimate of a group's entries read where a 6.x payload has
 * none (its streamEstimateDistanceFromFirstEverEntry, with entries added
 * equal to the length and no deletion known). */
static int64_t estimateEntriesRead(const rdbStream *s, const streamId *id) {
    if (!s->entriesAdded) return 0;
    int cmpLast = streamIdCompare(id, &s->lastId);
    if (!s->nentries && cmpLast <= 0) return (int64_t)s->entriesAdded;
    if (cmpLast == 0) return (int64_t)s->entriesAdded;
    if (cmpLast > 0) return RDB_STREAM_READ_UNKNOWN;
    int cmpFirst = streamIdCompare(id, &s->entries[0].id);
    if (cmpFirst < 0) return (int64_t)(s->entriesAdded - s->nentries);
    if (cmpFirst == 0) return (int64_t)(s->entriesAdded - s->nentries + 1);
    return RDB_STREAM_READ_UNKNOWN;
}

static int comparePendingIds(const void *a, const void *b) {
    return streamIdCompare(&((const rdbStreamPending *)a)->id, &((const rdbStreamPending *)b)->id);
}

static int readGroup(rdbReader *r, rdbStream *s, int type, rdbStreamGroup *g) {
    uint64_t read, n;
    if (!rdbReadString(r, &g->name) || !readId(r, &g->lastId)) return 0;
    if (type == RDB_TYPE_STREAM_LISTPACKS_2) {
        if (!rdbReadLen(r, &read)) return 0;
        g->entriesRead = (int64_t)read;
        if (g->entriesRead < RDB_STREAM_READ_UNKNOWN) return 0;
    } else {
        g->entriesRead = estimateEntriesRead(s, &g->lastId);
    }
    if (!rdbReadCount(r, &n)) return 0;
    g->pending = xmalloc((n ? n : 1) * sizeof(rdbStreamPending));
    for (size_t i = 0; i < n; i++) {
        rdbStreamPending *p = &g->pending[i];
        p->consumer = SIZE_MAX;
        if (!readRawId(r, &p->id) || !readMsTime(r, &p->deliveryTime) ||
            !rdbReadLen(r, &p->deliveryCount))
            return 0;
        g->npending++;
    }
    /* Redis writes them in ID order but loads any order: sorted here for
     * readConsumers' bisection, a repeated ID refused. */
    qsort(g->pending, g->npending, sizeof(rdbStreamPending), comparePendingIds);
    for (size_t i = 1; i < g->npending; i++)
        if (streamIdCompare(&g->pending[i - 1].id, &g->pending[i].id) == 0) return 0;
    return readConsumers(r, g);
}

/* The counters after the nodes, checked against the entries read. */
static int readCounters(rdbReader *r, int type, rdbStream *s) {
    uint64_t length;
    streamId first;
    if (!rdbReadLen(r, &length) || !readId(r, &s->lastId) || length != s->nentries) return 0;
    if (s->nentries && streamIdCompare(&s->entries[s->nentries - 1].id, &s->lastId) > 0) return 0;
    if (type != RDB_TYPE_STREAM_LISTPACKS_2) {
        s->entriesAdded = length;
        return 1;
    }
    return readId(r, &first) && readId(r, &s->maxDeleted) && rdbReadLen(r, &s->entriesAdded);
}

int rdbStreamRead(rdbReader *r, int type, rdbStream *s) {
    memset(s, 0, sizeof(*s));
    uint64_t nodes, ngroups;
    size_t cap = 0;
    streamId prev = {0, 0};
    int havePrev = 0, ok = rdbReadCount(r, &nodes);
    for (uint64_t i = 0; ok && i < nodes; i++) ok = readNode(r, s, &cap, &prev, &havePrev);
    ok = ok && readCounters(r, type, s) && rdbReadCount(r, &ngroups);
    if (ok) s->groups = xcalloc(ngroups ? ngroups : 1, sizeof(rdbStreamGroup));
    for (uint64_t i = 0; ok && i < ngroups; i++) {
        rdbStreamGroup *g = &s->groups[i];
        s->ngroups++;
        ok = readGroup(r, s, type, g);
    }
    ok = ok && namesUnique(&s->groups[0].name, s->ngroups, sizeof(rdbStreamGroup));
    if (!ok) rdbStreamFree(s);
    return ok;
}
