/* cmd/stream_read.c -- XREAD and XREADGROUP, with BLOCK (Redis 7.0's
 * xreadCommand and the serving of its blocked clients).
 *
 * A read that finds nothing and may wait blocks through
 * command/blocking.h (kind BLOCK_KIND_STREAM: every waiter of a key is
 * asked, each waits for entries above its own ID).  "$" is resolved to
 * the stream's last ID when the client blocks; a group reader waits for
 * its group's new entries (">") and learns of a deleted key or group by
 * an error, as in Redis.
 *
 * XREADGROUP writes: each entry delivered becomes a pending entry of the
 * consumer (unless NOACK), the group's last delivered ID and entries-read
 * move, a consumer is created on its first read and its seen time
 * recorded; a history read counts one more delivery of each pending
 * entry it returns.  Everything a call writes is one batch, written
 * before anything is replied: the replies come from what was planned
 * (deliveries), so a refused write answers an error and nothing else. */
#include "cmd/stream.h"

#include <string.h>
#include <strings.h>

#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/blocking.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "pubsub/notify.h"

/* Entries a blocked read returns when it gave no COUNT (Redis's
 * XREAD_BLOCKED_DEFAULT_COUNT). */
#define XREAD_BLOCKED_DEFAULT_COUNT 1000

typedef struct xreadArgs {
    long long count;        /* 0: all */
    long long deadline;     /* with block: 0 = forever */
    int block;
    int noack;
    int groupArg;           /* argv index of the group (0: XREAD); the consumer follows */
    int streamsArg;         /* argv index of the first key */
    int nstreams;
    streamId *ids;          /* per stream: above which ID ("$" resolved) */
    int *newOnly;           /* per stream: ">" */
} xreadArgs;

static void xreadArgsFree(xreadArgs *a) {
    xfree(a->ids);
    xfree(a->newOnly);
}

/* ---- Arguments ------------------------------------------------------------------ */

static int xreadOptionsOrReply(client *c, int group, xreadArgs *a) {
    for (int i = 1; i < c->argc; i++) {
        int more = c->argc - i - 1;
        const char *o = c->argv[i];
        if (!strcasecmp(o, "block") && more) {
            if (c->flags & CLIENT_SCRIPT) {
                replyErrorFormat(c, "%s command is not allowed with BLOCK option from scripts",
                                 c->argv[0]);
                return 0;
            }
            if (!blockingTimeoutMsOrReply(c, ++i, &a->deadline)) return 0;
            a->block = 1;
        } else if (!strcasecmp(o, "count") && more) {
            if (!argLongLongOrReply(c, ++i, &a->count)) return 0;
            if (a->count < 0) a->count = 0;
        } else if (!strcasecmp(o, "streams") && more) {
            a->streamsArg = i + 1;
            int n = c->argc - a->streamsArg;
            if (n % 2) {
                /* XREADGROUP's too: Redis 7.0.15 has one text */
                replyError(c, "Unbalanced XREAD list of streams: for each stream key an ID or "
                              "'$' must be specified.");
                return 0;
            }
            a->nstreams = n / 2;
            break;
        } else if (!strcasecmp(o, "group") && more >= 2) {
            if (!group) {
                replyError(c, "The GROUP option is only supported by XREADGROUP. You called "
                              "XREAD instead.");
                return 0;
            }
            a->groupArg = i + 1;
            i += 2;
        } else if (!strcasecmp(o, "noack")) {
            if (!group) {
                replyError(c, "The NOACK option is only supported by XREADGROUP. You called "
                              "XREAD instead.");
                return 0;
            }
            a->noack = 1;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    if (a->streamsArg == 0) {
        replyErrorSyntax(c);
        return 0;
    }
    if (group && a->groupArg == 0) {
        replyError(c, "Missing GROUP option for XREADGROUP");
        return 0;
    }
    return 1;
}

/* The IDs, each checked with its key as Redis does (type, group), "$"
 * and ">" resolved. */
static int xreadIdsOrReply(client *c, xreadArgs *a) {
    a->ids = xcalloc((size_t)a->nstreams, sizeof(streamId));
    a->newOnly = xcalloc((size_t)a->nstreams, sizeof(int));
    for (int k = 0; k < a->nstreams; k++) {
        int ki = a->streamsArg + k, ii = ki + a->nstreams, failed;
        const collection *s = streamAt(c, ki, &failed);
        if (failed) return 0;
        const char *arg = c->argv[ii];
        if (a->groupArg && (!s || !collStreamFindGroup(s, c->argv[a->groupArg],
                                                       ARGLEN(c, a->groupArg)))) {
            replyErrorFormat(c, "-NOGROUP No such key '%s' or consumer group '%s' in XREADGROUP "
                                "with GROUP option",
                             c->argv[ki], c->argv[a->groupArg]);
            return 0;
        }
        if (!strcmp(arg, "$")) {
            if (a->groupArg) {
                replyError(c, "The $ ID is meaningless in the context of XREADGROUP: you want to "
                              "read the history of this consumer by specifying a proper ID, or "
                              "use the > ID to get new messages. The $ ID would just return an "
                              "empty result set.");
                return 0;
            }
            if (s) a->ids[k] = collStreamGetMeta(s)->lastId;
        } else if (!strcmp(arg, ">")) {
            if (!a->groupArg) {
                replyError(c, "The > ID can be specified only when calling XREADGROUP using the "
                              "GROUP <group> <consumer> option.");
                return 0;
            }
            a->newOnly[k] = 1;
        } else if (!streamIdArgOrReply(c, ii, 0, 1, &a->ids[k], NULL)) {
            return 0;
        }
    }
    return 1;
}

/* ---- Deliveries: what one stream gives, planned before anything is written ------ */

typedef struct delivery {
    streamId id;
    collLoc loc;
    int exists;             /* history: the entry is still in the stream */
} delivery;

typedef struct streamServe {
    const char *key;
    size_t klen;
    delivery *v;
    size_t n;
} streamServe;

static void servePush(streamServe *sv, const streamId *id, const collLoc *loc, int exists) {
    sv->v = xrealloc(sv->v, sizeof(delivery) * (sv->n + 1));
    sv->v[sv->n].id = *id;
    if (loc) sv->v[sv->n].loc = *loc;
    sv->v[sv->n].exists = exists;
    sv->n++;
}

/* The entries above gt, at most count (0: all). */
static void planEntries(const collection *s, const streamId *gt, long long count,
                        streamServe *sv) {
    streamId start = *gt, id;
    collLoc loc;
    if (streamIdIncr(&start) != 0) return;
    collStreamIter it;
    collStreamSeek(&it, s, &start);
    while ((count == 0 || (long long)sv->n < count) && collStreamNext(&it, &id, &loc))
        servePush(sv, &id, &loc, 1);
}

/* A history read: the consumer's pending entries above gt. */
static void planHistory(const collection *s, const collStreamGroup *g,
                        const collStreamConsumer *k, const streamId *gt, long long count,
                        streamServe *sv) {
    streamId start = *gt;
    if (!k || streamIdIncr(&start) != 0) return;
    collStreamPendingIter it;
    collStreamPending p;
    collStreamPendingSeek(&it, g, k, &start);
    while ((count == 0 || (long long)sv->n < count) && collStreamPendingNext(&it, &p)) {
        collLoc loc;
        int exists = collStreamFindEntry(s, &p.id, &loc);
        servePush(sv, &p.id, exists ? &loc : NULL, exists);
    }
}

/* ---- Group writes ------------------------------------------------------------------ */

typedef struct groupRead {
    const bstr key;
    const char *group, *consumer;
    size_t glen, clen;
    int noack;
    int history;
} groupRead;

/* The consumer's record: created (with its event) or its seen time moved. */
static int touchConsumer(client *c, const collection *s, const groupRead *r, int *created) {
    const collStreamGroup *g = collStreamFindGroup(s, r->group, r->glen);
    *created = collStreamFindConsumer(g, r->consumer, r->clen) == NULL;
    return streamWriteConsumer(c->db, r->key, r->group, r->glen, r->consumer, r->clen,
                               wallClockMs());
}

/* The writes of delivering sv's entries as new ones: a pending entry each
 * (unless NOACK, or moved to this consumer when another had it), and the
 * group's last ID and entries-read as Redis moves them per entry. */
static int writeNewDeliveries(client *c, const collection *s, const groupRead *r,
                              const streamServe *sv) {
    const collStreamGroup *g = collStreamFindGroup(s, r->group, r->glen);
    streamId last = *collStreamGroupLastId(g);
    int64_t read = collStreamGroupEntriesRead(g);
    int moved = 0;
    for (size_t i = 0; i < sv->n; i++) {
        const streamId *id = &sv->v[i].id;
        if (streamIdCompare(id, &last) <= 0) continue;
        if (read != STREAM_ENTRIES_READ_UNKNOWN && !streamRangeHasTombstones(s, id, NULL))
            read++;
        else if (collStreamGetMeta(s)->entriesAdded)
            read = streamEstimateDistance(s, id);
        last = *id;
        moved = 1;
    }
    long long now = wallClockMs();
    int rc = DB_OK;
    for (size_t i = 0; i < sv->n && rc == DB_OK && !r->noack; i++)
        rc = streamWritePending(c->db, r->key, r->group, r->glen, &sv->v[i].id, now, 1,
                                r->consumer, r->clen);
    if (rc == DB_OK && moved) rc = streamWriteGroup(c->db, r->key, r->group, r->glen, &last, read);
    return rc;
}

/* A history read counts one more delivery of each entry still there. */
static int writeHistoryDeliveries(client *c, const collection *s, const groupRead *r,
                                  const streamServe *sv) {
    const collStreamGroup *g = collStreamFindGroup(s, r->group, r->glen);
    long long now = wallClockMs();
    int rc = DB_OK;
    for (size_t i = 0; i < sv->n && rc == DB_OK; i++) {
        collStreamPending p;
        if (!sv->v[i].exists || !collStreamFindPending(g, &sv->v[i].id, &p)) continue;
        rc = streamWritePending(c->db, r->key, r->group, r->glen, &p.id, now,
                                p.deliveryCount + 1, r->consumer, r->clen);
    }
    return rc;
}

/* ---- Replies ------------------------------------------------------------------------ */

static void replyServe(client *c, const streamServe *sv) {
    if (c->resp == 2) replyArrayLen(c, 2);
    replyBulk(c, sv->key, sv->klen);
    replyArrayLen(c, (long long)sv->n);
    for (size_t i = 0; i < sv->n; i++) {
        if (sv->v[i].exists) {
            streamReplyEntry(c, sv->klen, &sv->v[i].id, &sv->v[i].loc);
        } else {
            replyArrayLen(c, 2);
            streamReplyId(c, &sv->v[i].id);
            replyNullArray(c);
        }
    }
}

/* The outer aggregate: an array in RESP2, a map in RESP3. */
static void replyServedLen(client *c, long long n) {
    if (c->resp == 2) replyArrayLen(c, n);
    else replyMapLen(c, n);
}

/* ---- Serving now ---------------------------------------------------------------------- */

/* Plans what stream k gives now (for a group, also writes it): 1 when it
 * is served (sv filled), 0 when not, -1 after a write error (*rc). */
static int serveStreamNow(client *c, const xreadArgs *a, int k, streamServe *sv, int *rc) {
    int ki = a->streamsArg + k;
    const collection *s = dbCollection(c->db, c->argv[ki], ARGLEN(c, ki), COLL_STREAM, rc);
    *rc = DB_OK;
    sv->key = c->argv[ki];
    sv->klen = ARGLEN(c, ki);
    if (!s) return 0;
    streamId gt = a->ids[k], top;
    int hasTop = collStreamLastEntryId(s, &top);
    if (!a->groupArg) {
        if (!hasTop || streamIdCompare(&top, &gt) <= 0) return 0;
        planEntries(s, &gt, a->count, sv);
        return 1;
    }
    groupRead r = {c->argv[ki], c->argv[a->groupArg], c->argv[a->groupArg + 1],
                   ARGLEN(c, a->groupArg), ARGLEN(c, a->groupArg + 1), a->noack,
                   !a->newOnly[k]};
    const collStreamGroup *g = collStreamFindGroup(s, r.group, r.glen);
    int serve = r.history;
    if (!serve && hasTop && streamIdCompare(&top, collStreamGroupLastId(g)) > 0) {
        serve = 1;
        gt = *collStreamGroupLastId(g);
    }
    if (!serve) return 0; /* no consumer is made for nothing (Redis 7.0) */
    if (r.history)
        planHistory(s, g, collStreamFindConsumer(g, r.consumer, r.clen), &gt, a->count, sv);
    else
        planEntries(s, &gt, a->count, sv);
    int created;
    *rc = touchConsumer(c, s, &r, &created);
    if (*rc == DB_OK && created)
        notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", sv->key, sv->klen, c->db);
    s = dbCollection(c->db, sv->key, sv->klen, COLL_STREAM, rc);
    if (*rc == DB_OK)
        *rc = r.history ? writeHistoryDeliveries(c, s, &r, sv) : writeNewDeliveries(c, s, &r, sv);
    return *rc != DB_OK ? -1 : 1;
}

static void freeServes(streamServe *sv, int n) {
    for (int i = 0; i < n; i++) xfree(sv[i].v);
    xfree(sv);
}

/* Serves what can be served now: 1 when it replied (entries, or an
 * error), 0 when nothing was there. */
static int xreadServeNow(client *c, const xreadArgs *a) {
    streamServe *sv = xcalloc((size_t)a->nstreams, sizeof(streamServe));
    int *served = xcalloc((size_t)a->nstreams, sizeof(int));
    int n = 0, rc = DB_OK;
    if (a->groupArg) dbBatchBegin();
    for (int k = 0; k < a->nstreams && rc == DB_OK; k++) {
        int r = serveStreamNow(c, a, k, &sv[k], &rc);
        if (r == 1) {
            served[k] = 1;
            n++;
        }
    }
    int commit = a->groupArg ? dbBatchCommit() : DB_OK;
    int replied = 1;
    if (!replyDbError(c, rc != DB_OK ? rc : commit)) {
        if (n) {
            replyServedLen(c, n);
            for (int k = 0; k < a->nstreams; k++)
                if (served[k]) replyServe(c, &sv[k]);
        } else {
            replied = 0;
        }
    }
    freeServes(sv, a->nstreams);
    xfree(served);
    return replied;
}

/* ---- Blocking ---------------------------------------------------------------------------- */

/* What a blocked reader remembers: its keys and IDs ("$" resolved), its
 * count, and for XREADGROUP its group and consumer. */
typedef struct blockedRead {
    int nstreams;
    bstr *keys;
    streamId *ids;
    long long count;
    bstr group, consumer;   /* NULL for XREAD */
    int noack;
} blockedRead;

static void freeBlockedRead(void *priv) {
    blockedRead *br = priv;
    for (int i = 0; i < br->nstreams; i++) bstrFree(br->keys[i]);
    xfree(br->keys);
    xfree(br->ids);
    bstrFree(br->group);
    bstrFree(br->consumer);
    xfree(br);
}

/* The reply of a blocked reader served from one key. */
static void replyServedOne(client *c, const streamServe *sv) {
    replyServedLen(c, 1);
    replyServe(c, sv);
}

/* A blocked XREADGROUP: its group's new entries, or an error when the key
 * or the group is gone. */
static int serveGroupReader(client *c, const collection *s, blockedRead *br, int k) {
    if (!s) {
        replyError(c, "-UNBLOCKED the stream key no longer exists");
        return BLOCK_SERVED;
    }
    const collStreamGroup *g = collStreamFindGroup(s, br->group, bstrLen(br->group));
    if (!g) {
        replyError(c, "-NOGROUP the consumer group this client was blocked on no longer exists");
        return BLOCK_SERVED;
    }
    streamId gt = *collStreamGroupLastId(g);
    if (streamIdCompare(&collStreamGetMeta(s)->lastId, &gt) <= 0) return BLOCK_NOT_READY;
    streamServe sv = {br->keys[k], bstrLen(br->keys[k]), NULL, 0};
    planEntries(s, &gt, br->count, &sv);
    groupRead r = {br->keys[k], br->group, br->consumer, bstrLen(br->group),
                   bstrLen(br->consumer), br->noack, 0};
    dbBatchBegin();
    int created, rc = touchConsumer(c, s, &r, &created);
    if (rc == DB_OK && created)
        notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", sv.key, sv.klen, c->db);
    s = dbCollection(c->db, sv.key, sv.klen, COLL_STREAM, &rc);
    if (rc == DB_OK) rc = writeNewDeliveries(c, s, &r, &sv);
    int commit = dbBatchCommit();
    if (!replyDbError(c, rc != DB_OK ? rc : commit)) replyServedOne(c, &sv);
    xfree(sv.v);
    return BLOCK_SERVED;
}

static int serveBlockedRead(client *c, const char *key, size_t klen, void *priv) {
    blockedRead *br = priv;
    int k = 0;
    while (k < br->nstreams &&
           (bstrLen(br->keys[k]) != klen || memcmp(br->keys[k], key, klen) != 0))
        k++;
    if (k == br->nstreams) return BLOCK_NOT_READY;
    int rc;
    const collection *s = dbCollection(c->db, key, klen, COLL_STREAM, &rc);
    if (br->group) return serveGroupReader(c, s, br, k);
    if (!s || streamIdCompare(&collStreamGetMeta(s)->lastId, &br->ids[k]) <= 0)
        return BLOCK_NOT_READY;
    streamServe sv = {br->keys[k], bstrLen(br->keys[k]), NULL, 0};
    planEntries(s, &br->ids[k], br->count, &sv);
    replyServedOne(c, &sv);
    xfree(sv.v);
    return BLOCK_SERVED;
}

static void xreadBlock(client *c, xreadArgs *a) {
    blockedRead *br = xcalloc(1, sizeof(*br));
    br->nstreams = a->nstreams;
    br->keys = xmalloc(sizeof(bstr) * (size_t)a->nstreams);
    for (int k = 0; k < a->nstreams; k++) br->keys[k] = bstrDup(c->argv[a->streamsArg + k]);
    br->ids = a->ids;
    a->ids = NULL;
    br->count = a->count ? a->count : XREAD_BLOCKED_DEFAULT_COUNT;
    if (a->groupArg) {
        br->group = bstrDup(c->argv[a->groupArg]);
        br->consumer = bstrDup(c->argv[a->groupArg + 1]);
        br->noack = a->noack;
    }
    blockSpec spec = {
        .kind = BLOCK_KIND_STREAM,
        .serve = serveBlockedRead,
        .timeoutReply = BLOCK_TIMEOUT_NULL_ARRAY,
        .priv = br,
        .freePriv = freeBlockedRead,
    };
    blockForKeys(c, c->argv + a->streamsArg, a->nstreams, a->deadline, &spec);
}

/* ---- The commands -------------------------------------------------------------------------- */

static void xreadGeneric(client *c, int group) {
    xreadArgs a;
    memset(&a, 0, sizeof(a));
    if (!xreadOptionsOrReply(c, group, &a) || !xreadIdsOrReply(c, &a) || xreadServeNow(c, &a)) {
        xreadArgsFree(&a);
        return;
    }
    if (!a.block || (c->flags & CLIENT_DENY_BLOCKING)) replyNullArray(c);
    else xreadBlock(c, &a);
    xreadArgsFree(&a);
}

void xreadCommand(client *c) { xreadGeneric(c, 0); }
void xreadgroupCommand(client *c) { xreadGeneric(c, 1); }
