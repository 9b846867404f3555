/* pubsub/tracking.c -- client-side caching (CLIENT TRACKING), as in Redis 7.0.
 * See tracking.h. */
#include "pubsub/tracking.h"
#include "command/blocking.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "server/server.h"

#include <stdlib.h>
#include <string.h>

#define TRACKING_CHANNEL "__redis__:invalidate"

typedef struct idSet {
    uint64_t *ids;
    size_t n, cap;
} idSet;

/* Returns 1 if id was not in s yet. */
static int idSetAdd(idSet *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->ids[i] == id) return 0;
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 4;
        s->ids = xrealloc(s->ids, s->cap * sizeof(uint64_t));
    }
    s->ids[s->n++] = id;
    return 1;
}

static void idSetRemove(idSet *s, uint64_t id) {
    for (size_t i = 0; i < s->n; i++)
        if (s->ids[i] == id) {
            s->ids[i] = s->ids[--s->n];
            return;
        }
}

static void idSetFree(void *p) {
    idSet *s = p;
    xfree(s->ids);
    xfree(s);
}

/* key -> idSet of the clients that read it (default mode). */
static const dictType tableType = {bstrDictHash, bstrDictKeyEqual, bstrDictKeyFree, idSetFree};
static dict *table;
static unsigned long long tableItems; /* sum of the table's idSet sizes */

/* The first pass over the limit drops up to this many keys; each pass that
 * ends still over it adds as many to the next (Redis's effort rule).  A
 * bigger step stalls the loop longer after a large CONFIG SET drop. */
#define TRACKING_EVICT_EFFORT 100
static unsigned int evictPassesOver;

/* BCAST: one entry per registered prefix. */
typedef struct pendingKey {
    bstr key;
    uint64_t modifier; /* client id that changed it, 0 for none */
} pendingKey;

typedef struct bcastPrefix {
    idSet clients;
    pendingKey *keys;
    size_t nkeys, cap;
} bcastPrefix;

static void bcastPrefixFree(void *p) {
    bcastPrefix *bp = p;
    xfree(bp->clients.ids);
    for (size_t i = 0; i < bp->nkeys; i++) bstrFree(bp->keys[i].key);
    xfree(bp->keys);
    xfree(bp);
}

static const dictType prefixType = {bstrDictHash, bstrDictKeyEqual, bstrDictKeyFree, bcastPrefixFree};
static dict *prefixes;

/* Messages raised inside a db batch, delivered at its commit. */
typedef struct pendingMsg {
    uint64_t target;
    bstr key; /* NULL: the flush null */
} pendingMsg;
static pendingMsg *pending;
static size_t npending, cappending;

unsigned long long trackingClients;

/* ------------------------------------------------------------ sending */

static uint64_t pushBegin(client *c) {
    uint64_t old = c->flags & CLIENT_PUSHING;
    c->flags |= CLIENT_PUSHING;
    return old;
}

static void pushEnd(client *c, uint64_t old) {
    if (!old) c->flags &= ~CLIENT_PUSHING;
}

/* Sends one invalidation for c (to c or its redirect target): keys[n] as
 * an array, or null when keys is NULL (flush).  Redis's
 * sendTrackingMessage. */
static void sendMessage(client *c, bstr *keys, size_t n) {
    int nullResp = c->resp;
    int redirected = 0;
    if (c->trackingRedir) {
        client *r = clientLookupById(c->trackingRedir);
        if (!r || (r->flags & CLIENT_CLOSE_ASAP)) {
            c->flags |= CLIENT_TRACKING_BROKEN_REDIR;
            if (c->resp > 2) {
                uint64_t old = pushBegin(c);
                replyPushLen(c, 2);
                replyBulkCString(c, "tracking-redir-broken");
                replyLongLong(c, (long long)c->trackingRedir);
                pushEnd(c, old);
            }
            return;
        }
        c = r;
        redirected = 1;
    }
    uint64_t old = pushBegin(c);
    if (c->resp > 2) {
        replyPushLen(c, 2);
        replyBulkCString(c, "invalidate");
    } else if (redirected && (c->flags & CLIENT_PUBSUB)) {
        replyArrayLen(c, 3);
        replyBulkCString(c, "message");
        replyBulkCString(c, TRACKING_CHANNEL);
    } else {
        pushEnd(c, old);
        return;
    }
    if (!keys) {
        if (nullResp > 2) replyRaw(c, "_\r\n", 3);
        else replyRaw(c, "$-1\r\n", 5);
    } else {
        replyArrayLen(c, (long long)n);
        for (size_t i = 0; i < n; i++) replyBulk(c, keys[i], bstrLen(keys[i]));
    }
    pushEnd(c, old);
}

static void deliver(uint64_t target, bstr key) {
    client *c = clientLookupById(target);
    if (!c || !(c->flags & CLIENT_TRACKING)) return;
    if (key) sendMessage(c, &key, 1);
    else sendMessage(c, NULL, 0);
}

/* While a command runs, invalidations wait for its end (the modifying
 * client gets its reply first, as in Redis 7.0.15); inside a db batch,
 * for its commit. */
static int mustQueue(void) {
    client *cur = server.currentClient;
    return dbInBatch() || (cur && (cur->flags & CLIENT_EXECUTING));
}

static void queueOrDeliver(uint64_t target, const char *key, size_t klen, int isNull) {
    if (!mustQueue()) {
        bstr k = isNull ? NULL : bstrNewLen(key, klen);
        deliver(target, k);
        if (k) bstrFree(k);
        return;
    }
    if (npending == cappending) {
        cappending = cappending ? cappending * 2 : 16;
        pending = xrealloc(pending, cappending * sizeof(*pending));
    }
    pending[npending++] = (pendingMsg){target, isNull ? NULL : bstrNewLen(key, klen)};
}

/* ------------------------------------------------------------ listener */

static uint64_t currentId(void) {
    return server.currentClient ? server.currentClient->id : 0;
}

/* Forgets key in the table and invalidates it for the clients that read
 * it, except modifier under NOLOOP (0: no client changed it). */
static void invalidateTableKey(const char *key, size_t klen, uint64_t modifier) {
    if (!table || !dictSize(table)) return;
    bstr k = bstrNewLen(key, klen);
    dictEntry *de = dictUnlink(table, k);
    bstrFree(k);
    if (!de) return;
    idSet *s = dictGetVal(de);
    tableItems -= s->n;
    for (size_t i = 0; i < s->n; i++) {
        client *t = clientLookupById(s->ids[i]);
        if (!t || !(t->flags & CLIENT_TRACKING) || (t->flags & CLIENT_TRACKING_BCAST)) continue;
        if ((t->flags & CLIENT_TRACKING_NOLOOP) && t->id == modifier) continue;
        queueOrDeliver(t->id, key, klen, 0);
    }
    dictFreeUnlinkedEntry(table, de);
}

static void keyModified(int db, const char *key, size_t klen) {
    (void)db;
    if (!trackingClients) return;
    uint64_t modifier = currentId();
    if (prefixes && dictSize(prefixes)) {
        dictIterator *it = dictGetIterator(prefixes);
        dictEntry *de;
        while ((de = dictNext(it))) {
            bstr p = dictGetKey(de);
            size_t plen = bstrLen(p);
            if (plen > klen || memcmp(p, key, plen) != 0) continue;
            bcastPrefix *bp = dictGetVal(de);
            if (bp->nkeys == bp->cap) {
                bp->cap = bp->cap ? bp->cap * 2 : 8;
                bp->keys = xrealloc(bp->keys, bp->cap * sizeof(pendingKey));
            }
            bp->keys[bp->nkeys++] = (pendingKey){bstrNewLen(key, klen), modifier};
        }
        dictReleaseIterator(it);
    }
    invalidateTableKey(key, klen, modifier);
}

/* A flush of any database empties the whole table, even with no tracking
 * client left (its entries may be stale ones), as Redis does. */
static void flushAll(void) {
    for (listNode *ln = listFirst(server.clients); trackingClients && ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (c->flags & CLIENT_TRACKING) queueOrDeliver(c->id, NULL, 0, 1);
    }
    if (table) dictEmpty(table);
    tableItems = 0;
}

static void dbFlushed(int db) {
    (void)db;
    flushAll();
}

static void deliverPending(int committed) {
    pendingMsg *m = pending;
    size_t n = npending;
    pending = NULL;
    npending = cappending = 0;
    for (size_t i = 0; i < n; i++) {
        if (committed) deliver(m[i].target, m[i].key);
        if (m[i].key) bstrFree(m[i].key);
    }
    xfree(m);
}

static void batchEnded(int committed) {
    if (committed && mustQueue()) return; /* trackingAfterCall sends them */
    deliverPending(committed);
}

/* After a top-level command: sends the invalidations it caused. */
void trackingSendPending(void) {
    if (npending && !dbInBatch()) deliverPending(1);
}

static void trackingAfterCall(const commandCallInfo *call);

static const dbKeyspaceListener trackingListener = {
    .keyModified = keyModified,
    .dbFlushed = dbFlushed,
    .dataReplaced = flushAll,
    .batchEnded = batchEnded,
};

/* Approximate bytes behind one BCAST prefix: its bstr and its entry in
 * the prefix table, as Redis counts them per client. */
#define TRACKING_PREFIX_OVERHEAD (sizeof(bstr) + 4 * sizeof(void *))

static size_t clientMemory(client *c) {
    return (size_t)c->trackingNPrefixes * TRACKING_PREFIX_OVERHEAD;
}

static const clientListener trackingClientListener = {
    .clientFreed = trackingDisable,
    .clientMemory = clientMemory,
};

void trackingInit(void) {
    table = dictCreate(&tableType);
    prefixes = dictCreate(&prefixType);
    dbAddKeyspaceListener(&trackingListener);
    clientAddListener(&trackingClientListener);
    commandAddObserver(trackingAfterCall);
    blockingAddServedHook(trackingSendPending);
}

/* ------------------------------------------------------------ remember */

/* Remembers the keys a read-only command of c read (its key specs, as
 * COMMAND GETKEYS finds them), per c's mode. */
static void rememberKeys(client *c, const command *cmd, int argc, bstr *argv) {
    uint64_t f = c->flags;
    if (!(f & CLIENT_TRACKING) || (f & CLIENT_TRACKING_BCAST)) return;
    int optin = (f & CLIENT_TRACKING_OPTIN) != 0, optout = (f & CLIENT_TRACKING_OPTOUT) != 0;
    int caching = (f & CLIENT_TRACKING_CACHING) != 0;
    if ((optin && !caching) || (optout && caching)) return;
    for (int j = 0; j < cmd->keySpecCount; j++) {
        const keySpec *ks = &cmd->keySpecs[j];
        if (ks->flags & KSPEC_NOT_KEY) continue;
        int first, last, step;
        if (!keySpecFindKeys(ks, argc, argv, &first, &last, &step)) continue;
        for (int i = first; i <= last; i += step) {
            dictEntry *existing = NULL;
            bstr k = bstrDup(argv[i]);
            dictEntry *de = dictAddRaw(table, k, &existing);
            idSet *s;
            if (de) {
                s = xcalloc(1, sizeof(*s));
                dictSetVal(table, de, s);
            } else {
                bstrFree(k);
                s = dictGetVal(existing);
            }
            if (idSetAdd(s, c->id)) tableItems++;
        }
    }
}

/* The after-call observer.  CLIENT CACHING YES|NO applies to the next
 * command only (a whole transaction when that is MULTI ... EXEC), as in
 * Redis, so the flag is cleared after any other top-level command. */
static void trackingAfterCall(const commandCallInfo *call) {
    client *c = call->c;
    const command *cmd = call->cmd;
    /* Read commands remember their keys.  A script's read commands
     * remember the keys its caller declared (EVAL ... numkeys key ...),
     * as in Redis; the script commands themselves remember nothing. */
    client *caller = call->caller;
    if ((caller->flags & CLIENT_TRACKING) && (cmd->flags & CMD_READONLY) &&
        strcmp(cmd->group, "scripting") != 0)
        rememberKeys(caller, caller->cmd, caller->argc, caller->argv);
    if (call->nested) return;
    if (!(c->flags & CLIENT_MULTI) && !(cmd->parent && !strcmp(cmd->parent->name, "client")))
        c->flags &= ~CLIENT_TRACKING_CACHING;
    trackingSendPending();
}

/* Drops random keys while the table is over tracking-table-max-keys, with
 * the effort rule of tracking.h.  The key is copied first: invalidating it
 * frees the table's own copy. */
static void limitTable(void) {
    unsigned long max = (unsigned long)server.trackingTableMaxKeys;
    if (!table || max == 0 || dictSize(table) <= max) {
        evictPassesOver = 0;
        return;
    }
    unsigned long effort = TRACKING_EVICT_EFFORT * (unsigned long)(evictPassesOver + 1);
    while (effort-- > 0 && dictSize(table) > max) {
        dictEntry *de = dictGetRandomKey(table);
        if (!de) break;
        bstr key = bstrDup(dictGetKey(de));
        invalidateTableKey(key, bstrLen(key), 0);
        bstrFree(key);
    }
    if (dictSize(table) > max) evictPassesOver++;
    else evictPassesOver = 0;
}

unsigned long trackingTableKeys(void) { return table ? dictSize(table) : 0; }
unsigned long long trackingTableItems(void) { return tableItems; }
unsigned long trackingPrefixCount(void) { return prefixes ? dictSize(prefixes) : 0; }

/* ------------------------------------------------------------ BCAST */

void trackingBroadcastInvalidations(void) {
    if (trackingClients) limitTable();
    if (!prefixes || !dictSize(prefixes)) return;
    dictIterator *it = dictGetIterator(prefixes);
    dictEntry *de;
    while ((de = dictNext(it))) {
        bcastPrefix *bp = dictGetVal(de);
        if (!bp->nkeys) continue;
        /* Dedupe (last modifier wins) and sort, as Redis's rax does. */
        pendingKey *ks = bp->keys;
        size_t n = bp->nkeys;
        bp->keys = NULL;
        bp->nkeys = bp->cap = 0;
        bstr *out = xmalloc(n * sizeof(bstr));
        /* Insertion sort by key; stable, so the last modifier wins. */
        for (size_t i = 1; i < n; i++) {
            pendingKey x = ks[i];
            size_t j = i;
            while (j > 0) {
                size_t la = bstrLen(ks[j - 1].key), lb = bstrLen(x.key);
                int cmp = memcmp(ks[j - 1].key, x.key, la < lb ? la : lb);
                if (cmp == 0) cmp = la < lb ? -1 : la > lb;
                if (cmp <= 0) break;
                ks[j] = ks[j - 1];
                j--;
            }
            ks[j] = x;
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (i + 1 < n && bstrLen(ks[i].key) == bstrLen(ks[i + 1].key) &&
                memcmp(ks[i].key, ks[i + 1].key, bstrLen(ks[i].key)) == 0) {
                bstrFree(ks[i].key);
                ks[i].key = NULL;
                continue;
            }
            ks[m++] = ks[i];
        }
        for (size_t ci = 0; ci < bp->clients.n; ci++) {
            client *c = clientLookupById(bp->clients.ids[ci]);
            if (!c) continue;
            size_t cnt = 0;
            for (size_t i = 0; i < m; i++) {
                if ((c->flags & CLIENT_TRACKING_NOLOOP) && ks[i].modifier == c->id) continue;
                out[cnt++] = ks[i].key;
            }
            if (cnt) sendMessage(c, out, cnt);
        }
        for (size_t i = 0; i < m; i++) bstrFree(ks[i].key);
        xfree(ks);
        xfree(out);
    }
    dictReleaseIterator(it);
}

/* ------------------------------------------------------------ on / off */

static void forgetClient(client *c) {
    if (c->flags & CLIENT_TRACKING_BCAST) {
        for (int i = 0; i < c->trackingNPrefixes; i++) {
            dictEntry *de = dictFind(prefixes, c->trackingPrefixes[i]);
            if (!de) continue;
            bcastPrefix *bp = dictGetVal(de);
            idSetRemove(&bp->clients, c->id);
            if (!bp->clients.n) dictDelete(prefixes, c->trackingPrefixes[i]);
        }
    }
    for (int i = 0; i < c->trackingNPrefixes; i++) bstrFree(c->trackingPrefixes[i]);
    xfree(c->trackingPrefixes);
    c->trackingPrefixes = NULL;
    c->trackingNPrefixes = 0;
}

void trackingDisable(client *c) {
    if (!(c->flags & CLIENT_TRACKING)) return;
    forgetClient(c);
    trackingClients--;
    c->flags &= ~(CLIENT_TRACKING | CLIENT_TRACKING_BROKEN_REDIR | CLIENT_TRACKING_BCAST |
                  CLIENT_TRACKING_OPTIN | CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_CACHING |
                  CLIENT_TRACKING_NOLOOP);
    c->trackingRedir = 0;
}

void trackingEnable(client *c, uint64_t redir, uint64_t options, bstr *pfx, int npfx) {
    if (!(c->flags & CLIENT_TRACKING)) trackingClients++;
    c->flags |= CLIENT_TRACKING;
    c->flags &= ~(CLIENT_TRACKING_BROKEN_REDIR | CLIENT_TRACKING_BCAST | CLIENT_TRACKING_OPTIN |
                  CLIENT_TRACKING_OPTOUT | CLIENT_TRACKING_NOLOOP);
    c->flags |= options;
    c->trackingRedir = redir;
    if (options & CLIENT_TRACKING_BCAST) {
        if (npfx == 0) {
            bstr e = bstrNewLen("", 0);
            trackingEnable(c, redir, options, &e, 1);
            bstrFree(e);
            return;
        }
        for (int i = 0; i < npfx; i++) {
            int have = 0;
            for (int j = 0; j < c->trackingNPrefixes; j++)
                if (bstrDictKeyEqual(c->trackingPrefixes[j], pfx[i])) have = 1;
            if (have) continue;
            c->trackingPrefixes =
                xrealloc(c->trackingPrefixes, sizeof(bstr) * (size_t)(c->trackingNPrefixes + 1));
            c->trackingPrefixes[c->trackingNPrefixes++] = bstrDup(pfx[i]);
            dictEntry *existing = NULL;
            bstr k = bstrDup(pfx[i]);
            dictEntry *de = dictAddRaw(prefixes, k, &existing);
            bcastPrefix *bp;
            if (de) {
                bp = xcalloc(1, sizeof(*bp));
                dictSetVal(prefixes, de, bp);
            } else {
                bstrFree(k);
                bp = dictGetVal(existing);
            }
            idSetAdd(&bp->clients, c->id);
        }
    }
}

/* Whether c's registered prefixes (and pfx) overlap one another: Redis's
 * checkPrefixCollisionsOrReply, error text in *err (caller frees). */
int trackingPrefixCollision(client *c, bstr *pfx, int npfx, bstr *err) {
    for (int i = 0; i < npfx; i++) {
        for (int j = 0; j < c->trackingNPrefixes; j++) {
            bstr a = pfx[i], b = c->trackingPrefixes[j];
            size_t la = bstrLen(a), lb = bstrLen(b), l = la < lb ? la : lb;
            if (memcmp(a, b, l) == 0) {
                *err = bstrCatPrintf(bstrEmpty(),
                    "Prefix '%s' overlaps with an existing prefix '%s'. "
                    "Prefixes for a single client must not overlap.", a, b);
                return 1;
            }
        }
        for (int j = i + 1; j < npfx; j++) {
            bstr a = pfx[i], b = pfx[j];
            size_t la = bstrLen(a), lb = bstrLen(b), l = la < lb ? la : lb;
            if (memcmp(a, b, l) == 0) {
                *err = bstrCatPrintf(bstrEmpty(),
                    "Prefix '%s' overlaps with another provided prefix '%s'. "
                    "Prefixes for a single client must not overlap.", a, b);
                return 1;
            }
        }
    }
    return 0;
}

