/* cmd/coll_common.c -- what the hash and set commands share: the
 * HSCAN/SSCAN walk, random picks (HRANDFIELD, SRANDMEMBER, SPOP), and a
 * hash value read into a reply.
 *
 * Element copies.  A walk returns collElems whose name points into the
 * collection, or, for an intset member, into the element's own buffer;
 * elemCopy keeps that right when an element is copied by value. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/glob.h"
#include "lib/numfmt.h"
#include "lib/rehash.h"
#include "lib/zrange.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <stdint.h>
#include <strings.h>

uint64_t collRandomBits(void) { return rehashRandom(); }

static void elemCopy(collElem *dst, const collElem *src) {
    *dst = *src;
    if (src->name == src->buf) dst->name = dst->buf;
}

/* A growing array of elements. */
typedef struct elemBatch {
    collElem *items;
    size_t n, cap;
} elemBatch;

static void elemBatchAdd(void *priv, const collElem *e) {
    elemBatch *b = priv;
    if (b->n == b->cap) {
        /* not xrealloc: an intset member's name lies in its own buf, so
         * each element is copied to point into its new place */
        b->cap = b->cap ? b->cap * 2 : 16;
        collElem *items = xmalloc(b->cap * sizeof(collElem));
        for (size_t i = 0; i < b->n; i++) elemCopy(&items[i], &b->items[i]);
        xfree(b->items);
        b->items = items;
    }
    elemCopy(&b->items[b->n++], e);
}

/* Values up to this size are read onto the stack, not into a new bstr:
 * LRANGE and HGETALL reply many small ones. */
#define REPLY_VALUE_STACK 512

void collReplyValue(client *c, size_t klen, const collElem *el) {
    if (el->loc.valueLen <= REPLY_VALUE_STACK) {
        char buf[REPLY_VALUE_STACK];
        if (!replyDbError(c, dbElementRead(klen, el, buf))) replyBulk(c, buf, el->loc.valueLen);
        return;
    }
    bstr v;
    int rc = dbElementValue(klen, el, &v);
    if (replyDbError(c, rc)) return;
    replyBulkBstr(c, v);
    bstrFree(v);
}

/* A score in ZSCAN's reply: a bulk string in every protocol, an integral
 * score within the long long range written as an integer (Redis's
 * d2string), others as ZSCORE writes them. */
static void replyScanScore(client *c, double score) {
    if (score == (double)(long long)score && score > -9.2e18 && score < 9.2e18) {
        replyBulkLongLong(c, (long long)score);
        return;
    }
    char buf[ZRANGE_SCORE_STR_SIZE];
    int n = zrangeFormatScore(buf, sizeof(buf), score);
    replyBulk(c, buf, (size_t)n);
}

void collScanCommand(client *c, int ctype) {
    unsigned long cursor;
    scanOptions o;
    if (!scanCursorOrReply(c, c->argv[2], &cursor) || !scanOptionsOrReply(c, 3, 0, &o)) return;
    int rc;
    const collection *coll = dbCollection(c->db, c->argv[1], ARGLEN(c, 1), ctype, &rc);
    if (replyDbError(c, rc)) return;
    if (!coll) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
    elemBatch b = {NULL, 0, 0};
    if (coll) {
        long maxIterations = o.count > LONG_MAX / 10 ? LONG_MAX : o.count * 10;
        do {
            cursor = collScan(coll, cursor, elemBatchAdd, &b);
        } while (cursor && maxIterations-- && b.n < (unsigned long)o.count);
    } else {
        cursor = 0;
    }
    size_t kept = 0;
    for (size_t i = 0; i < b.n; i++) {
        const collElem *e = &b.items[i];
        if (o.pattern && !globMatch(o.pattern, o.plen, e->name, e->nlen, 0)) continue;
        if (kept != i) elemCopy(&b.items[kept], e);
        kept++;
    }
    int withValues = ctype == COLL_HASH || ctype == COLL_ZSET;
    replyArrayLen(c, 2);
    replyBulkLongLong(c, (long long)cursor);
    replyArrayLen(c, (long long)(withValues ? 2 * kept : kept));
    for (size_t i = 0; i < kept; i++) {
        replyBulk(c, b.items[i].name, b.items[i].nlen);
        if (ctype == COLL_ZSET) replyScanScore(c, b.items[i].score);
        else if (withValues) collReplyValue(c, ARGLEN(c, 1), &b.items[i]);
    }
    xfree(b.items);
}

/* count distinct random elements of a table much bigger than count
 * (Redis's "CASE 4"): random picks, a repeat thrown away.  A table
 * element's name is a stable pointer while the collection is unchanged,
 * so the picks are told apart by it, in an open-addressing set twice the
 * size of count. */
static collElem *pickDistinct(const collection *coll, unsigned long count) {
    size_t slots = 16;
    while (slots < 2 * (size_t)count) slots *= 2;
    const char **seen = xcalloc(slots, sizeof(char *));
    collElem *out = xmalloc(sizeof(collElem) * count);
    unsigned long got = 0;
    while (got < count) {
        collElem el;
        collRandom(coll, collRandomBits, &el);
        size_t h = ((uintptr_t)el.name >> 3) * 0x9E3779B97F4A7C15ull & (slots - 1);
        while (seen[h] && seen[h] != el.name) h = (h + 1) & (slots - 1);
        if (seen[h]) continue;
        seen[h] = el.name;
        elemCopy(&out[got++], &el);
    }
    xfree(seen);
    return out;
}

collElem *collRandomDistinct(const collection *coll, unsigned long count, size_t *n) {
    if (collEncoding(coll) == COLL_ENC_TABLE && (uint64_t)count * 3 <= collCount(coll)) {
        *n = count;
        return pickDistinct(coll, count);
    }
    elemBatch b = {NULL, 0, 0};
    collIter it;
    collElem el;
    collIterInit(&it, coll);
    while (collIterNext(&it, &el)) elemBatchAdd(&b, &el);
    if (count > b.n) count = b.n;
    /* a partial Fisher-Yates shuffle: the first count places */
    for (size_t i = 0; i < count; i++) {
        size_t j = i + (size_t)(collRandomBits() % (b.n - i));
        if (j == i) continue;
        collElem t;
        elemCopy(&t, &b.items[i]);
        elemCopy(&b.items[i], &b.items[j]);
        elemCopy(&b.items[j], &t);
    }
    *n = count;
    return b.items;
}

int argRangeLongOrReply(client *c, int i, long *out) {
    long long v;
    if (!argLongLongOrReply(c, i, &v)) return 0;
    if (v < -LONG_MAX || v > LONG_MAX) {
        replyErrorFormat(c, "value is out of range, value must between %ld and %ld", -LONG_MAX,
                         LONG_MAX);
        return 0;
    }
    *out = (long)v;
    return 1;
}

int argLongInOrReply(client *c, int i, long min, long max, const char *msg, long *out) {
    long long v;
    if (!numParseLongLong(c->argv[i], ARGLEN(c, i), &v) || v < min || v > max) {
        replyError(c, msg);
        return 0;
    }
    *out = (long)v;
    return 1;
}

int mpopArgsOrReply(client *c, int first, const char *end0, const char *end1, mpopArgs *a) {
    if (!argLongInOrReply(c, first, 1, LONG_MAX, "numkeys should be greater than 0", &a->nkeys))
        return 0;
    a->firstKey = first + 1;
    a->count = 1;
    if (a->nkeys > c->argc - first - 2) { /* no room for END */
        replyErrorSyntax(c);
        return 0;
    }
    int at = a->firstKey + (int)a->nkeys, counted = 0;
    if (!strcasecmp(c->argv[at], end0)) a->end = 0;
    else if (!strcasecmp(c->argv[at], end1)) a->end = 1;
    else {
        replyErrorSyntax(c);
        return 0;
    }
    for (int j = at + 1; j < c->argc; j++) {
        if (!counted && !strcasecmp(c->argv[j], "count") && j + 1 < c->argc) {
            if (!argLongInOrReply(c, ++j, 1, LONG_MAX, "count should be greater than 0",
                                  &a->count))
                return 0;
            counted = 1;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

static void replyRandomLen(client *c, unsigned long n, int withValues) {
    replyArrayLen(c, (long long)(withValues && c->resp == 2 ? n * 2 : n));
}

static void replyRandomElem(client *c, const collElem *el, int withValues,
                            collValueReply *value) {
    if (withValues && c->resp == 3) replyArrayLen(c, 2);
    replyBulk(c, el->name, el->nlen);
    if (withValues) value(c, el);
}

void collReplyRandom(client *c, const collection *coll, long l, int withValues,
                     collValueReply *value) {
    unsigned long count = l >= 0 ? (unsigned long)l : (unsigned long)-l;
    if (count == 0) {
        replyEmptyArray(c);
        return;
    }
    if (l < 0 || count == 1) {
        replyRandomLen(c, count, withValues);
        for (unsigned long i = 0; i < count; i++) {
            collElem el;
            collRandom(coll, collRandomBits, &el);
            replyRandomElem(c, &el, withValues, value);
        }
        return;
    }
    size_t n;
    collElem *picked = collRandomDistinct(coll, count, &n);
    replyRandomLen(c, n, withValues);
    for (size_t i = 0; i < n; i++) replyRandomElem(c, &picked[i], withValues, value);
    xfree(picked);
}
