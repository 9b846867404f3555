/* cmd/stream_group.c -- consumer groups: XGROUP (CREATE, SETID, DESTROY,
 * CREATECONSUMER, DELCONSUMER, HELP), XACK, XPENDING, XCLAIM and
 * XAUTOCLAIM, with Redis 7.0's replies, errors and events (t_stream.c).
 *
 * A group, a consumer and a pending entry are each an element record of
 * the stream (store/coll_stream.h): creating or moving one is an ELEMENT,
 * removing one an ELEMENT_DEL (a group's takes its consumers and pending
 * entries along).  A claim plans what it takes, writes it in one batch,
 * then replies from the plan. */
#include "cmd/stream.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/blocking.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "pubsub/notify.h"

#define KEY(c) (c)->argv[2], ARGLEN(c, 2)

/* The group argv[2] of the stream at argv[1] (*s its stream): NULL after
 * replying WRONGTYPE or Redis's NOGROUP error. */
static const collStreamGroup *groupAtOrReply(client *c, const collection **s) {
    int failed;
    *s = streamAt(c, 1, &failed);
    if (failed) return NULL;
    const collStreamGroup *g = *s ? collStreamFindGroup(*s, c->argv[2], ARGLEN(c, 2)) : NULL;
    if (!g)
        replyErrorFormat(c, "-NOGROUP No such key '%s' or consumer group '%s'", c->argv[1],
                         c->argv[2]);
    return g;
}

/* ---- XGROUP ---------------------------------------------------------------------------- */

typedef struct xgroupArgs {
    const collection *s;        /* NULL: missing (MKSTREAM will create it) */
    const collStreamGroup *g;
    int mkstream;
    long long entriesRead;
} xgroupArgs;

/* What every XGROUP subcommand but HELP checks first (Redis's order): the
 * options after the ID (MKSTREAM for CREATE, ENTRIESREAD for CREATE and
 * SETID), the key's type, the key's presence, and the group's where the
 * subcommand needs it. */
static int xgroupPrepareOrReply(client *c, int create, int setid, int needGroup, xgroupArgs *a) {
    memset(a, 0, sizeof(*a));
    a->entriesRead = STREAM_ENTRIES_READ_UNKNOWN;
    for (int i = 5; i < c->argc; i++) {
        if (create && !strcasecmp(c->argv[i], "mkstream")) {
            a->mkstream = 1;
        } else if ((create || setid) && !strcasecmp(c->argv[i], "entriesread") &&
                   i + 1 < c->argc) {
            if (!argLongLongOrReply(c, ++i, &a->entriesRead)) return 0;
            if (a->entriesRead < 0 && a->entriesRead != STREAM_ENTRIES_READ_UNKNOWN) {
                replyError(c, "value for ENTRIESREAD must be positive or -1");
                return 0;
            }
        } else {
            replyErrorSubcommand(c);
            return 0;
        }
    }
    int failed;
    a->s = streamAt(c, 2, &failed);
    if (failed) return 0;
    if (a->mkstream) return 1;
    if (!a->s) {
        replyError(c, "The XGROUP subcommand requires the key to exist. Note that for CREATE you "
                      "may want to use the MKSTREAM option to create an empty stream "
                      "automatically.");
        return 0;
    }
    a->g = collStreamFindGroup(a->s, c->argv[3], ARGLEN(c, 3));
    if (!a->g && needGroup) {
        replyErrorFormat(c, "-NOGROUP No such consumer group '%s' for key name '%s'", c->argv[3],
                         c->argv[2]);
        return 0;
    }
    return 1;
}

/* Group changes are no keyspace change in Redis 7.0 (no WATCH, no
 * invalidation): only the event. */
static void groupWritten(client *c, const char *event) {
    notifyKeyspaceEvent(NOTIFY_STREAM, event, KEY(c), c->db);
}

/* XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] */
void xgroupCreateCommand(client *c) {
    xgroupArgs a;
    if (!xgroupPrepareOrReply(c, 1, 0, 0, &a)) return;
    streamId id = {0, 0};
    if (!strcmp(c->argv[4], "$")) {
        if (a.s) id = collStreamGetMeta(a.s)->lastId;
    } else if (!streamIdArgOrReply(c, 4, 0, 1, &id, NULL)) {
        return;
    }
    if (a.s && collStreamFindGroup(a.s, c->argv[3], ARGLEN(c, 3))) {
        replyError(c, "-BUSYGROUP Consumer Group name already exists");
        return;
    }
    int rc = DB_OK;
    dbBatchBegin();
    if (!a.s) {
        collStreamMeta m = {{0, 0}, 0, {0, 0}};
        rc = streamWriteMeta(c->db, c->argv[2], &m);
    }
    if (rc == DB_OK)
        rc = streamWriteGroup(c->db, c->argv[2], c->argv[3], ARGLEN(c, 3), &id, a.entriesRead);
    int commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    replyOk(c);
    if (!a.s) dbKeyModified(c->db, KEY(c)); /* MKSTREAM made the key */
    groupWritten(c, "xgroup-create");
}

/* XGROUP SETID key group id|$ [ENTRIESREAD n] */
void xgroupSetidCommand(client *c) {
    xgroupArgs a;
    if (!xgroupPrepareOrReply(c, 0, 1, 1, &a)) return;
    streamId id;
    if (!strcmp(c->argv[4], "$")) id = collStreamGetMeta(a.s)->lastId;
    else if (!streamIdArgOrReply(c, 4, 0, 0, &id, NULL)) return;
    if (replyDbError(c, streamWriteGroup(c->db, c->argv[2], c->argv[3], ARGLEN(c, 3), &id,
                                         a.entriesRead)))
        return;
    replyOk(c);
    groupWritten(c, "xgroup-setid");
}

/* XGROUP DESTROY key group: blocked readers of the group learn of it. */
void xgroupDestroyCommand(client *c) {
    xgroupArgs a;
    if (!xgroupPrepareOrReply(c, 0, 0, 0, &a)) return;
    if (!a.g) {
        replyLongLong(c, 0);
        return;
    }
    size_t nlen;
    char *name = collStreamGroupName(c->argv[3], ARGLEN(c, 3), &nlen);
    int rc = streamDeleteElement(c->db, c->argv[2], name, nlen);
    xfree(name);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, 1);
    groupWritten(c, "xgroup-destroy");
    blockingSignalKey(c->db, KEY(c)); /* its blocked readers get -NOGROUP */
}

/* The consumer's record, created: 1, or 0 when it existed (-1 after a
 * write error, replied). */
static int createConsumer(client *c, const collStreamGroup *g, const char *name, size_t len) {
    if (collStreamFindConsumer(g, name, len)) return 0;
    if (replyDbError(c, streamWriteConsumer(c->db, c->argv[2], c->argv[3], ARGLEN(c, 3), name,
                                            len, wallClockMs())))
        return -1;
    notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", KEY(c), c->db);
    return 1;
}

/* XGROUP CREATECONSUMER key group consumer */
void xgroupCreateconsumerCommand(client *c) {
    xgroupArgs a;
    if (!xgroupPrepareOrReply(c, 0, 0, 1, &a)) return;
    int created = createConsumer(c, a.g, c->argv[4], ARGLEN(c, 4));
    if (created >= 0) replyLongLong(c, created);
}

/* XGROUP DELCONSUMER key group consumer: its pending count. */
void xgroupDelconsumerCommand(client *c) {
    xgroupArgs a;
    if (!xgroupPrepareOrReply(c, 0, 0, 1, &a)) return;
    const collStreamConsumer *k = collStreamFindConsumer(a.g, c->argv[4], ARGLEN(c, 4));
    if (!k) {
        replyLongLong(c, 0);
        return;
    }
    long long pending = (long long)collStreamConsumerPendingCount(k);
    size_t nlen;
    char *name = collStreamConsumerName(c->argv[3], ARGLEN(c, 3), c->argv[4], ARGLEN(c, 4), &nlen);
    int rc = streamDeleteElement(c->db, c->argv[2], name, nlen);
    xfree(name);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, pending);
    groupWritten(c, "xgroup-delconsumer");
}

void xgroupHelpCommand(client *c) {
    static const char *help[] = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
        NULL};
    replyHelp(c, help);
}

/* ---- XACK ---------------------------------------------------------------------------------- */

/* XACK key group id [id ...]: every ID is checked before any is acked. */
void xackCommand(client *c) {
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    const collStreamGroup *g = s ? collStreamFindGroup(s, c->argv[2], ARGLEN(c, 2)) : NULL;
    if (!g) {
        replyLongLong(c, 0);
        return;
    }
    int n = c->argc - 3;
    streamId *ids = xmalloc(sizeof(streamId) * (size_t)n);
    for (int i = 0; i < n; i++) {
        if (!streamIdArgOrReply(c, i + 3, 0, 1, &ids[i], NULL)) {
            xfree(ids);
            return;
        }
    }
    long long acked = 0;
    int rc = DB_OK;
    dbBatchBegin();
    for (int i = 0; i < n && rc == DB_OK; i++) {
        rc = streamDeletePending(c->db, c->argv[1], c->argv[2], ARGLEN(c, 2), &ids[i]);
        if (rc == DB_OK) acked++;
        else if (rc == DB_MISSING) rc = DB_OK;
    }
    int commit = dbBatchCommit();
    xfree(ids);
    if (!replyDbError(c, rc != DB_OK ? rc : commit)) replyLongLong(c, acked);
}

/* ---- XPENDING ------------------------------------------------------------------------------- */

typedef struct xpendingArgs {
    int extended;
    long long minIdle, count;
    streamId start, end;
    int consumerArg;            /* 0: none */
} xpendingArgs;

/* [IDLE min] start end count [consumer], parsed before the key is looked
 * at, as in Redis. */
static int xpendingArgsOrReply(client *c, xpendingArgs *a) {
    memset(a, 0, sizeof(*a));
    if (c->argc != 3 && (c->argc < 6 || c->argc > 9)) {
        replyErrorSyntax(c);
        return 0;
    }
    if (c->argc == 3) return 1;
    a->extended = 1;
    int at = 3;
    if (!strcasecmp(c->argv[3], "idle")) {
        if (!argLongLongOrReply(c, 4, &a->minIdle)) return 0;
        if (c->argc < 8) {
            replyErrorSyntax(c);
            return 0;
        }
        at += 2;
    }
    if (!argLongLongOrReply(c, at + 2, &a->count)) return 0;
    if (a->count < 0) a->count = 0;
    if (!streamBoundOrReply(c, at, 0, &a->start) || !streamBoundOrReply(c, at + 1, 1, &a->end))
        return 0;
    if (at + 3 < c->argc) a->consumerArg = at + 3;
    return 1;
}

/* XPENDING key group: count, first and last IDs, and each consumer's
 * count (as a bulk string, as Redis sends it). */
static void replyPendingSummary(client *c, const collStreamGroup *g) {
    uint64_t total = collStreamGroupPendingCount(g);
    replyArrayLen(c, 4);
    replyLongLong(c, (long long)total);
    if (total == 0) {
        replyNull(c);
        replyNull(c);
        replyNullArray(c);
        return;
    }
    collStreamPendingIter it;
    collStreamPending p, last;
    streamId zero = {0, 0};
    collStreamPendingSeek(&it, g, NULL, &zero);
    collStreamPendingNext(&it, &p);
    streamReplyId(c, &p.id);
    last = p;
    while (collStreamPendingNext(&it, &p)) last = p;
    streamReplyId(c, &last.id);
    void *len = replyDeferredLen(c);
    long long n = 0;
    for (uint32_t i = 0; i < collStreamConsumerCount(g); i++) {
        const collStreamConsumer *k = collStreamConsumerAt(g, i);
        if (collStreamConsumerPendingCount(k) == 0) continue;
        size_t klen;
        const char *name = collStreamConsumerNameOf(k, &klen);
        replyArrayLen(c, 2);
        replyBulk(c, name, klen);
        replyBulkLongLong(c, (long long)collStreamConsumerPendingCount(k));
        n++;
    }
    replySetDeferredArrayLen(c, len, n);
}

static void replyPendingRange(client *c, const collStreamGroup *g, const xpendingArgs *a) {
    const collStreamConsumer *k = NULL;
    if (a->consumerArg) {
        k = collStreamFindConsumer(g, c->argv[a->consumerArg], ARGLEN(c, a->consumerArg));
        if (!k) {
            replyEmptyArray(c);
            return;
        }
    }
    long long now = wallClockMs(), n = 0, count = a->count;
    void *len = replyDeferredLen(c);
    collStreamPendingIter it;
    collStreamPending p;
    collStreamPendingSeek(&it, g, k, &a->start);
    while (count && collStreamPendingNext(&it, &p) && streamIdCompare(&p.id, &a->end) <= 0) {
        long long idle = now - p.deliveryTime;
        if (a->minIdle && idle < a->minIdle) continue;
        n++;
        count--;
        size_t clen;
        const char *cname = collStreamConsumerNameOf(p.consumer, &clen);
        replyArrayLen(c, 4);
        streamReplyId(c, &p.id);
        replyBulk(c, cname, clen);
        replyLongLong(c, idle < 0 ? 0 : idle);
        replyLongLong(c, (long long)p.deliveryCount);
    }
    replySetDeferredArrayLen(c, len, n);
}

void xpendingCommand(client *c) {
    xpendingArgs a;
    if (!xpendingArgsOrReply(c, &a)) return;
    const collection *s;
    const collStreamGroup *g = groupAtOrReply(c, &s);
    if (!g) return;
    if (a.extended) replyPendingRange(c, g, &a);
    else replyPendingSummary(c, g);
}

/* ---- Claims (XCLAIM, XAUTOCLAIM) ---------------------------------------------------------- */

/* One pending entry a claim handles: taken (to the claimer, with its new
 * delivery time and count), or dropped (its entry is gone). */
typedef struct claimItem {
    streamId id;
    int dropped;
    int64_t deliveryTime;
    uint64_t deliveryCount;
    collLoc loc;
} claimItem;

typedef struct claimPlan {
    claimItem *v;
    size_t n;
    int takes;              /* some item is taken: the claimer is looked up */
} claimPlan;

static void planPush(claimPlan *p, const claimItem *it) {
    p->v = xrealloc(p->v, sizeof(claimItem) * (p->n + 1));
    p->v[p->n++] = *it;
    if (!it->dropped) p->takes = 1;
}

/* Writes a plan: drops, takes, and the claimer's record (created, with
 * its event, or its seen time refreshed) when it takes anything. */
static int writeClaims(client *c, const collStreamGroup *g, const claimPlan *p, int *created) {
    const char *group = c->argv[2], *claimer = c->argv[3];
    size_t glen = ARGLEN(c, 2), clen = ARGLEN(c, 3);
    int rc = DB_OK;
    *created = p->takes && !collStreamFindConsumer(g, claimer, clen);
    if (p->takes)
        rc = streamWriteConsumer(c->db, c->argv[1], group, glen, claimer, clen, wallClockMs());
    for (size_t i = 0; i < p->n && rc == DB_OK; i++) {
        const claimItem *it = &p->v[i];
        if (it->dropped)
            rc = streamDeletePending(c->db, c->argv[1], group, glen, &it->id);
        else
            rc = streamWritePending(c->db, c->argv[1], group, glen, &it->id, it->deliveryTime,
                                    it->deliveryCount, claimer, clen);
    }
    return rc;
}

/* The claimed entries (the dropped ones are not in the reply). */
static void replyClaimed(client *c, const claimPlan *p, int justid) {
    long long n = 0;
    for (size_t i = 0; i < p->n; i++) n += !p->v[i].dropped;
    replyArrayLen(c, n);
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].dropped) continue;
        if (justid) streamReplyId(c, &p->v[i].id);
        else streamReplyEntry(c, ARGLEN(c, 1), &p->v[i].id, &p->v[i].loc);
    }
}

typedef struct xclaimArgs {
    long long minIdle;
    long long retryCount;       /* -1: not given */
    long long deliveryTime;     /* -1: not given */
    int force, justid;
    streamId lastId;
    int lastIdArg;              /* argv index of the last ID to claim */
} xclaimArgs;

/* The options after XCLAIM's IDs. */
static int xclaimOptionsOrReply(client *c, int from, long long now, xclaimArgs *a) {
    for (int j = from; j < c->argc; j++) {
        int more = c->argc - 1 - j;
        const char *o = c->argv[j];
        long long v;
        if (!strcasecmp(o, "force")) {
            a->force = 1;
        } else if (!strcasecmp(o, "justid")) {
            a->justid = 1;
        } else if (!strcasecmp(o, "idle") && more) {
            if (!argLongLongMsgOrReply(c, ++j, "Invalid IDLE option argument for XCLAIM", &v))
                return 0;
            a->deliveryTime = now - v;
        } else if (!strcasecmp(o, "time") && more) {
            if (!argLongLongMsgOrReply(c, ++j, "Invalid TIME option argument for XCLAIM", &v))
                return 0;
            a->deliveryTime = v;
        } else if (!strcasecmp(o, "retrycount") && more) {
            if (!argLongLongMsgOrReply(c, ++j, "Invalid RETRYCOUNT option argument for XCLAIM",
                                       &a->retryCount))
                return 0;
        } else if (!strcasecmp(o, "lastid") && more) {
            if (!streamIdArgOrReply(c, ++j, 0, 1, &a->lastId, NULL)) return 0;
        } else {
            replyErrorFormat(c, "Unrecognized XCLAIM option '%s'", o);
            return 0;
        }
    }
    return 1;
}

/* What XCLAIM does to each ID (Redis's order of checks). */
static void planXclaim(client *c, const collection *s, const collStreamGroup *g,
                       const xclaimArgs *a, long long now, claimPlan *p) {
    for (int j = 5; j <= a->lastIdArg; j++) {
        claimItem it = {.dropped = 0};
        streamIdParse(c->argv[j], ARGLEN(c, j), 0, 1, &it.id, NULL);
        collStreamPending pe;
        int pending = collStreamFindPending(g, &it.id, &pe);
        if (!collStreamFindEntry(s, &it.id, &it.loc)) {
            if (pending) {
                it.dropped = 1;
                planPush(p, &it);
            }
            continue;
        }
        if (!pending && !a->force) continue;
        if (!pending) {
            pe.consumer = NULL; /* FORCE makes one: delivered once, now */
            pe.deliveryCount = 1;
        } else if (a->minIdle && now - pe.deliveryTime < a->minIdle) {
            continue;
        }
        it.deliveryTime = a->deliveryTime;
        it.deliveryCount = a->retryCount >= 0 ? (uint64_t)a->retryCount
                                              : pe.deliveryCount + !a->justid;
        planPush(p, &it);
    }
}

/* XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms]
 * [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
void xclaimCommand(client *c) {
    const collection *s;
    const collStreamGroup *g = groupAtOrReply(c, &s);
    if (!g) return;
    xclaimArgs a = {.retryCount = -1, .deliveryTime = -1};
    if (!argLongLongMsgOrReply(c, 4, "Invalid min-idle-time argument for XCLAIM", &a.minIdle))
        return;
    if (a.minIdle < 0) a.minIdle = 0;
    int j = 5;
    streamId id;
    while (j < c->argc && streamIdParse(c->argv[j], ARGLEN(c, j), 0, 1, &id, NULL) == 0) j++;
    a.lastIdArg = j - 1;
    long long now = wallClockMs();
    if (!xclaimOptionsOrReply(c, j, now, &a)) return;
    if (a.deliveryTime == -1 || a.deliveryTime < 0 || a.deliveryTime > now) a.deliveryTime = now;
    claimPlan p = {NULL, 0, 0};
    planXclaim(c, s, g, &a, now, &p);
    int moveLast = streamIdCompare(&a.lastId, collStreamGroupLastId(g)) > 0, created;
    dbBatchBegin();
    int rc = writeClaims(c, g, &p, &created);
    if (rc == DB_OK && moveLast)
        rc = streamWriteGroup(c->db, c->argv[1], c->argv[2], ARGLEN(c, 2), &a.lastId,
                              collStreamGroupEntriesRead(g));
    int commit = dbBatchCommit();
    if (!replyDbError(c, rc != DB_OK ? rc : commit)) {
        replyClaimed(c, &p, a.justid);
        if (created)
            notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", c->argv[1], ARGLEN(c, 1),
                                c->db);
    }
    xfree(p.v);
}

/* XAUTOCLAIM's walk: at most count entries claimed or dropped, in at
 * most count * 10 pending entries looked at; *cursor the next one to
 * look at (0-0 at the end). */
#define XAUTOCLAIM_ATTEMPTS_FACTOR 10

static void planXautoclaim(const collection *s, const collStreamGroup *g, const streamId *start,
                           long long minIdle, long count, int justid, long long now,
                           claimPlan *p, streamId *cursor) {
    long long attempts = (long long)count * XAUTOCLAIM_ATTEMPTS_FACTOR;
    collStreamPendingIter it;
    collStreamPending pe;
    collStreamPendingSeek(&it, g, NULL, start);
    *cursor = (streamId){0, 0};
    int more = collStreamPendingNext(&it, &pe);
    while (attempts-- && count && more) {
        claimItem ci = {.id = pe.id};
        if (!collStreamFindEntry(s, &pe.id, &ci.loc)) {
            ci.dropped = 1;
            planPush(p, &ci);
            count--;
        } else if (!minIdle || now - pe.deliveryTime >= minIdle) {
            ci.deliveryTime = now;
            ci.deliveryCount = pe.deliveryCount + !justid;
            planPush(p, &ci);
            count--;
        }
        more = collStreamPendingNext(&it, &pe);
    }
    if (more) *cursor = pe.id;
}

/* XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
void xautoclaimCommand(client *c) {
    long long minIdle;
    if (!argLongLongMsgOrReply(c, 4, "Invalid min-idle-time argument for XAUTOCLAIM", &minIdle))
        return;
    if (minIdle < 0) minIdle = 0;
    streamId start, cursor;
    if (!streamBoundOrReply(c, 5, 0, &start)) return;
    long count = 100;
    int justid = 0;
    for (int j = 6; j < c->argc; j++) {
        if (!strcasecmp(c->argv[j], "count") && j + 1 < c->argc) {
            /* Redis sizes its buffer of deleted IDs (16 bytes each) by COUNT */
            long maxCount = LONG_MAX / (long)sizeof(streamId);
            if (!argLongInOrReply(c, ++j, 1, maxCount, "COUNT must be > 0", &count)) return;
        } else if (!strcasecmp(c->argv[j], "justid")) {
            justid = 1;
        } else {
            replyErrorSyntax(c);
            return;
        }
    }
    const collection *s;
    const collStreamGroup *g = groupAtOrReply(c, &s);
    if (!g) return;
    long long now = wallClockMs();
    claimPlan p = {NULL, 0, 0};
    planXautoclaim(s, g, &start, minIdle, count, justid, now, &p, &cursor);
    int created;
    dbBatchBegin();
    int rc = writeClaims(c, g, &p, &created);
    int commit = dbBatchCommit();
    if (!replyDbError(c, rc != DB_OK ? rc : commit)) {
        replyArrayLen(c, 3);
        streamReplyId(c, &cursor);
        replyClaimed(c, &p, justid);
        long long dropped = 0;
        for (size_t i = 0; i < p.n; i++) dropped += p.v[i].dropped;
        replyArrayLen(c, dropped);
        for (size_t i = 0; i < p.n; i++)
            if (p.v[i].dropped) streamReplyId(c, &p.v[i].id);
        if (created)
            notifyKeyspaceEvent(NOTIFY_STREAM, "xgroup-createconsumer", c->argv[1], ARGLEN(c, 1),
                                c->db);
    }
    xfree(p.v);
}
