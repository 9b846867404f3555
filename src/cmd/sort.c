/* cmd/sort.c -- SORT and SORT_RO, with Redis 7.0's semantics (sort.c).
 *
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
 *      [ALPHA] [STORE destination]
 *
 * The source is a list, a set or a sorted set (which sorts like a set,
 * and under BY nosort keeps its score order with LIMIT applied to it
 * directly, as a list does).  A missing key sorts as an empty list.  The steps, in Redis's order:
 *   1. the options, left to right; the first bad one is the reply (a
 *      LIMIT that is not an integer replies that error);
 *   2. the key: WRONGTYPE unless a list, a set or a sorted set ("keymiss"
 *      if missing);
 *   3. the elements, each with its weight: the element itself, or the
 *      value BY's pattern names (pattern rules below; a missing one
 *      weighs 0, or sorts first under ALPHA).  Without ALPHA a weight is
 *      read as strtod reads it, all of it, not NaN, within range, else
 *      "One or more scores can't be converted into double" (replied after
 *      every weight was looked up).  Equal numbers are ordered by the
 *      elements' bytes; ALPHA compares with strcoll, or by bytes under
 *      STORE; ALPHA BY leaves equal weights in no defined order;
 *   4. LIMIT: a negative offset is 0, a negative count means all;
 *   5. the output: each element, or for each element the values of the
 *      GET patterns (nil when missing; "#" is the element itself).
 * BY a pattern without "*" (nosort; any one of several BYs) does not
 * sort: a list keeps its order (reversed by DESC) and a set its walk
 * order; but a set sorted into a STORE is sorted by ALPHA all the same,
 * so that what is stored does not depend on the walk.
 *
 * Patterns (Redis's lookupKeyByPattern): "#" alone is the element; else
 * the first "*" is replaced by the element to make a key name, and a
 * "->field" after the "*" (with a non-empty field) reads that field of a
 * hash key instead of a string key.  A key of the other type, a missing
 * key or field, or a pattern without "*" give nothing.  As in Redis the
 * "#", "*" and "->" searches stop at a NUL byte of the pattern.
 *
 * STORE: the result (a missing GET value stored as an empty string)
 * replaces the destination as a list, its TTL dropped, with a "sortstore"
 * event; an empty result deletes the destination ("del" if it existed).
 * SORT_RO takes every option but STORE (a syntax error there).
 *
 * Not applicable here: Redis refuses BY and GET in cluster mode and to
 * ACL users without access to every key; redis-kv has neither. */
#include "cmd/handlers.h"
#include "acl/acl.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "pubsub/notify.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct sortOptions {
    int desc, alpha;
    int dontsort;           /* BY a pattern without '*' */
    long long offset, count; /* LIMIT; count -1: to the end */
    int by;                 /* argv index of BY's pattern, 0: none */
    int *gets;              /* argv indices of the GET patterns */
    int ngets;
    int store;              /* argv index of STORE's key, 0: none */
} sortOptions;

/* One element to sort: the element and its weight. */
typedef struct sortItem {
    bstr elem;
    double score; /* numeric weight */
    bstr cmp;     /* ALPHA BY: the weight, NULL when missing */
} sortItem;

/* What the comparison needs (qsort_r's argument). */
typedef struct sortOrder {
    int desc, alpha, byPattern, store;
} sortOrder;

/* Parses argv[2..] as Redis does: 0 after replying the first error. */
static int sortOptionsOrReply(client *c, int readonly, sortOptions *o) {
    *o = (sortOptions){.count = -1};
    /* BY and GET patterns read keys no key spec names: Redis allows them
     * only to a user who may read every key. */
    int fullAccess = aclClientHasFullKeyAccess(c, ACL_KEY_READ);
    o->gets = xmalloc((size_t)c->argc * sizeof(int));
    for (int j = 2; j < c->argc; j++) {
        const char *opt = c->argv[j];
        int left = c->argc - j - 1;
        if (!strcasecmp(opt, "asc")) {
            o->desc = 0;
        } else if (!strcasecmp(opt, "desc")) {
            o->desc = 1;
        } else if (!strcasecmp(opt, "alpha")) {
            o->alpha = 1;
        } else if (!strcasecmp(opt, "limit") && left >= 2) {
            if (!argLongLongOrReply(c, j + 1, &o->offset) ||
                !argLongLongOrReply(c, j + 2, &o->count))
                return 0;
            j += 2;
        } else if (!readonly && !strcasecmp(opt, "store") && left >= 1) {
            o->store = ++j;
        } else if (!strcasecmp(opt, "by") && left >= 1) {
            o->by = ++j;
            /* Once set, a later BY with a '*' does not clear it (Redis). */
            if (!strchr(c->argv[j], '*')) {
                o->dontsort = 1;
            } else if (!fullAccess) {
                replyError(c, "BY option of SORT denied due to insufficient ACL permissions.");
                return 0;
            }
        } else if (!strcasecmp(opt, "get") && left >= 1) {
            if (!fullAccess) {
                replyError(c, "GET option of SORT denied due to insufficient ACL permissions.");
                return 0;
            }
            o->gets[o->ngets++] = ++j;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

/* A value a pattern names for elem (see the file comment): DB_OK with
 * *out, DB_MISSING, or DB_ERR_READ.  A missing key is a "keymiss" event,
 * as Redis's lookupKeyRead sends. */
static int sortLookup(client *c, const bstr pattern, const bstr elem, bstr *out) {
    if (pattern[0] == '#' && pattern[1] == '\0') {
        *out = bstrNewLen(elem, bstrLen(elem));
        return DB_OK;
    }
    const char *star = strchr(pattern, '*');
    if (!star) return DB_MISSING;
    const char *arrow = strstr(star + 1, "->");
    size_t plen = bstrLen(pattern), flen = 0;
    if (arrow && arrow[2] != '\0') flen = plen - (size_t)(arrow - pattern) - 2;
    size_t prefix = (size_t)(star - pattern);
    size_t postfix = plen - prefix - 1 - (flen ? flen + 2 : 0);
    bstr key = bstrNewLen(pattern, prefix);
    key = bstrCatLen(key, elem, bstrLen(elem));
    key = bstrCatLen(key, star + 1, postfix);
    int rc, type = dbKeyType(c->db, key, bstrLen(key));
    if (type == DB_TYPE_NONE) {
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", key, bstrLen(key), c->db);
        rc = DB_MISSING;
    } else if (flen) {
        rc = type != COLL_HASH ? DB_MISSING
                               : dbElementGet(c->db, COLL_HASH, key, bstrLen(key), arrow + 2,
                                              flen, out);
    } else {
        rc = type != DB_TYPE_STRING ? DB_MISSING : dbGet(c->db, key, bstrLen(key), out);
    }
    bstrFree(key);
    return rc == DB_WRONGTYPE ? DB_MISSING : rc;
}

/* Binary comparison (Redis's compareStringObjects). */
static int compareBytes(const bstr a, const bstr b) {
    size_t la = bstrLen(a), lb = bstrLen(b);
    int cmp = memcmp(a, b, la < lb ? la : lb);
    return cmp ? cmp : (la > lb) - (la < lb);
}

/* Redis's sortCompare. */
static int sortCompare(const void *pa, const void *pb, void *arg) {
    const sortItem *a = pa, *b = pb;
    const sortOrder *ord = arg;
    int cmp;
    if (!ord->alpha) {
        cmp = a->score > b->score ? 1 : a->score < b->score ? -1 : compareBytes(a->elem, b->elem);
    } else if (ord->byPattern) {
        if (!a->cmp || !b->cmp)
            cmp = a->cmp == b->cmp ? 0 : !a->cmp ? -1 : 1;
        else
            cmp = ord->store ? compareBytes(a->cmp, b->cmp) : strcoll(a->cmp, b->cmp);
    } else {
        cmp = ord->store ? compareBytes(a->elem, b->elem) : strcoll(a->elem, b->elem);
    }
    return ord->desc ? -cmp : cmp;
}

/* The weight of every item (by its BY lookup or itself): 1, or 0 when
 * a numeric weight is no number (*bad set; every lookup is still made,
 * as Redis makes them) or DB_ERR_READ in *rc. */
static void sortWeigh(client *c, const sortOptions *o, sortItem *items, size_t n, int *bad,
                      int *rc) {
    for (size_t i = 0; i < n && *rc == DB_OK; i++) {
        bstr w = items[i].elem, looked = NULL;
        if (o->by) {
            int lrc = sortLookup(c, c->argv[o->by], items[i].elem, &looked);
            if (lrc == DB_ERR_READ) *rc = lrc;
            if (lrc != DB_OK) continue;
            w = looked;
        }
        if (o->alpha) {
            if (o->by) items[i].cmp = looked;
            continue;
        }
        char *end;
        errno = 0;
        items[i].score = strtod(w, &end);
        if (*end != '\0' || errno == ERANGE || isnan(items[i].score)) *bad = 1;
        bstrFree(looked);
    }
}

/* The elements of the key to sort into *items (a new array): all of a
 * set; of a list all, or under nosort only its [from, from + len) range
 * in list order (reversed under DESC).  DB_OK, or an error code. */
static int sortLoad(client *c, const collection *coll, int type, int rangeOnly, size_t from,
                    size_t len, int desc, sortItem **items, size_t *n) {
    size_t count = collCount(coll), want = rangeOnly ? len : count;
    sortItem *out = xcalloc(want ? want : 1, sizeof(sortItem));
    size_t first = rangeOnly ? (desc ? count - from - len : from) : 0, got = 0, pos = 0;
    collIter it;
    collElem el;
    int rc = DB_OK;
    collIterInit(&it, coll);
    while (rc == DB_OK && got < want && collIterNext(&it, &el)) {
        if (pos++ < first) continue;
        if (type == COLL_LIST)
            rc = dbElementValue(bstrLen(c->argv[1]), &el, &out[got].elem);
        else
            out[got].elem = bstrNewLen(el.name, el.nlen);
        if (rc == DB_OK) got++;
    }
    if (rangeOnly && desc) { /* read in list order, wanted from the tail */
        for (size_t i = 0; i < got / 2; i++) {
            sortItem t = out[i];
            out[i] = out[got - 1 - i];
            out[got - 1 - i] = t;
        }
    }
    *items = out;
    *n = got;
    return rc;
}

static void sortItemsFree(sortItem *items, size_t n) {
    for (size_t i = 0; i < n; i++) {
        bstrFree(items[i].elem);
        bstrFree(items[i].cmp);
    }
    xfree(items);
}

/* Replies the result items[start..end] (each element, or its GET values). */
static int sortReply(client *c, const sortOptions *o, sortItem *items, long long start,
                     long long end) {
    long long outlen = (end - start + 1) * (o->ngets ? o->ngets : 1);
    int rc = DB_OK;
    /* The values are looked up before anything is replied, so that a read
     * error can still be the whole reply. */
    bstr *vals = xcalloc(outlen > 0 ? (size_t)outlen : 1, sizeof(bstr));
    long long k = 0;
    for (long long j = start; j <= end && rc == DB_OK; j++) {
        if (!o->ngets) {
            vals[k++] = bstrNewLen(items[j].elem, bstrLen(items[j].elem));
            continue;
        }
        for (int g = 0; g < o->ngets && rc == DB_OK; g++) {
            int lrc = sortLookup(c, c->argv[o->gets[g]], items[j].elem, &vals[k++]);
            if (lrc == DB_ERR_READ) rc = lrc;
        }
    }
    if (rc == DB_OK) {
        replyArrayLen(c, outlen);
        for (long long i = 0; i < outlen; i++) {
            if (vals[i]) replyBulkBstr(c, vals[i]);
            else replyNull(c);
        }
    }
    for (long long i = 0; i < outlen; i++) bstrFree(vals[i]);
    xfree(vals);
    return rc;
}

bstr *listRankNames(size_t n) {
    bstr *names = xcalloc(n ? n : 1, sizeof(bstr));
    for (size_t i = 0; i < n; i++) {
        char name[COLL_LIST_NAME_LEN];
        collListRankName(i, name);
        names[i] = bstrNewLen(name, sizeof(name));
    }
    return names;
}

void listRankNamesFree(bstr *names, size_t n) {
    for (size_t i = 0; i < n; i++) bstrFree(names[i]);
    xfree(names);
}

/* Stores the result items[start..end] as a list at argv[o->store]. */
static int sortStore(client *c, const sortOptions *o, sortItem *items, long long start,
                     long long end) {
    long long outlen = (end - start + 1) * (o->ngets ? o->ngets : 1);
    size_t n = outlen > 0 ? (size_t)outlen : 0, k = 0;
    bstr *vals = xcalloc(n ? n : 1, sizeof(bstr));
    int rc = DB_OK;
    for (long long j = start; j <= end && rc == DB_OK; j++) {
        for (int g = 0; g < (o->ngets ? o->ngets : 1) && rc == DB_OK; g++) {
            int lrc = DB_OK;
            if (o->ngets) lrc = sortLookup(c, c->argv[o->gets[g]], items[j].elem, &vals[k]);
            else vals[k] = bstrNewLen(items[j].elem, bstrLen(items[j].elem));
            if (lrc == DB_ERR_READ) rc = lrc;
            if (!vals[k]) vals[k] = bstrEmpty();
            k++;
        }
    }
    bstr *names = listRankNames(k);
    const char *dst = c->argv[o->store];
    size_t dlen = bstrLen(c->argv[o->store]);
    int existed = 0;
    if (rc == DB_OK) rc = dbReplaceCollection(c->db, COLL_LIST, dst, dlen, names, vals, n, &existed);
    if (rc == DB_OK) {
        if (n) notifyKeyspaceEvent(NOTIFY_LIST, "sortstore", dst, dlen, c->db);
        else if (existed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dst, dlen, c->db);
        replyLongLong(c, outlen);
    }
    for (size_t i = 0; i < k; i++) bstrFree(vals[i]);
    xfree(vals);
    listRankNamesFree(names, k);
    return rc;
}

/* SORT's and SORT_RO's work once the options are parsed. */
static void sortRun(client *c, sortOptions *o) {
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    int type = dbKeyType(c->db, key, klen), rc = DB_OK;
    const collection *coll = NULL;
    if (type == DB_TYPE_NONE) {
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", key, klen, c->db);
        type = COLL_LIST; /* an empty list, as Redis sorts a missing key */
    } else if (type != COLL_LIST && type != COLL_SET && type != COLL_ZSET) {
        replyDbError(c, DB_WRONGTYPE);
        return;
    } else {
        /* Redis turns a sorted set it sorts into a skiplist first. */
        if (type == COLL_ZSET) dbCollectionToLargeEncoding(c->db, key, klen);
        coll = dbCollection(c->db, key, klen, type, &rc);
        if (replyDbError(c, rc)) return;
    }
    /* A set sorted into a STORE, or for a script, is never left in walk
     * order: what is stored or what a script sees must not depend on the
     * set's layout (as in Redis). */
    if (o->dontsort && type == COLL_SET && (o->store || (c->flags & CLIENT_SCRIPT))) {
        o->dontsort = 0;
        o->alpha = 1;
        o->by = 0;
    }
    long long len = coll ? (long long)collCount(coll) : 0;
    long long start = o->offset < 0 ? 0 : o->offset;
    long long end = o->count < 0 ? len - 1 : start + o->count - 1;
    if (o->count >= 0 && start > LLONG_MAX - o->count) end = LLONG_MAX; /* no overflow */
    if (start >= len) {
        start = len - 1;
        end = len - 2;
    }
    if (end >= len) end = len - 1;
    /* A list or a sorted set under nosort is read only for its range, in
     * its own order (a sorted set's: by score, as Redis answers). */
    int rangeOnly = (type == COLL_LIST || type == COLL_ZSET) && o->dontsort;
    sortItem *items = NULL;
    size_t n = 0;
    if (coll && (!rangeOnly || end >= start)) {
        size_t from = rangeOnly ? (size_t)start : 0, want = rangeOnly ? (size_t)(end - start + 1) : 0;
        rc = sortLoad(c, coll, type, rangeOnly, from, want, o->desc, &items, &n);
    }
    if (rangeOnly && end >= start) {
        end -= start;
        start = 0;
    }
    int bad = 0;
    if (rc == DB_OK && !o->dontsort) {
        sortWeigh(c, o, items, n, &bad, &rc);
        sortOrder ord = {o->desc, o->alpha, o->by != 0, o->store != 0};
        if (rc == DB_OK && n > 1) qsort_r(items, n, sizeof(sortItem), sortCompare, &ord);
    }
    if (replyDbError(c, rc)) {
        /* a value could not be read */
    } else if (bad) {
        replyError(c, "One or more scores can't be converted into double");
    } else if (!o->store) {
        replyDbError(c, sortReply(c, o, items, start, end));
    } else {
        replyDbError(c, sortStore(c, o, items, start, end));
    }
    sortItemsFree(items, n);
}

static void sortGeneric(client *c, int readonly) {
    sortOptions o;
    if (sortOptionsOrReply(c, readonly, &o)) sortRun(c, &o);
    xfree(o.gets);
}

void sortCommand(client *c) { sortGeneric(c, 0); }
void sortRoCommand(client *c) { sortGeneric(c, 1); }
