/* cmd/stream_info.c -- XINFO STREAM [FULL [COUNT n]], XINFO GROUPS,
 * XINFO CONSUMERS and XINFO HELP, with Redis 7.0's fields in Redis's
 * order (maps in RESP3).
 *
 * One field has no counterpart here: radix-tree-nodes counts the nodes
 * of Redis's rax, a structure redis-kv does not have.  It is given as the
 * node count plus one (what a rax of that many 16-byte keys needs at the
 * least), so that it grows with the stream as Redis's does. */
#include "cmd/stream.h"

#include <strings.h>

#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/clock.h"

/* XINFO's key: a stream, or "no such key" / WRONGTYPE replied. */
static const collection *infoStreamOrReply(client *c) {
    int failed;
    const collection *s = streamAt(c, 2, &failed);
    if (!s && !failed) replyError(c, "no such key");
    return s;
}

static void replyField(client *c, const char *name) { replyBulkCString(c, name); }

/* The entry at id as XRANGE gives it, or a null when there is none. */
static void replyEdgeEntry(client *c, const collection *s, int last) {
    streamId id;
    collLoc loc;
    if (!(last ? collStreamLastEntryId(s, &id) : collStreamFirstId(s, &id)) ||
        !collStreamFindEntry(s, &id, &loc)) {
        replyNull(c);
        return;
    }
    streamReplyEntry(c, ARGLEN(c, 2), &id, &loc);
}

/* The lag of a group, or a null when it cannot be known (Redis's
 * streamReplyWithCGLag). */
static void replyLag(client *c, const collection *s, const collStreamGroup *g) {
    const collStreamMeta *m = collStreamGetMeta(s);
    int64_t read = collStreamGroupEntriesRead(g);
    const streamId *last = collStreamGroupLastId(g);
    if (m->entriesAdded == 0) {
        replyLongLong(c, 0);
    } else if (read != STREAM_ENTRIES_READ_UNKNOWN && !streamRangeHasTombstones(s, last, NULL)) {
        replyLongLong(c, (long long)m->entriesAdded - read);
    } else {
        long long est = streamEstimateDistance(s, last);
        if (est == STREAM_ENTRIES_READ_UNKNOWN) replyNull(c);
        else replyLongLong(c, (long long)m->entriesAdded - est);
    }
}

static void replyEntriesRead(client *c, const collStreamGroup *g) {
    int64_t read = collStreamGroupEntriesRead(g);
    if (read == STREAM_ENTRIES_READ_UNKNOWN) replyNull(c);
    else replyLongLong(c, read);
}

/* The fields XINFO STREAM shows in both forms, before the rest. */
static void replyStreamHead(client *c, const collection *s) {
    const collStreamMeta *m = collStreamGetMeta(s);
    uint32_t nodes = collStreamNodeCount(s);
    replyField(c, "length");
    replyLongLong(c, (long long)collStreamLength(s));
    replyField(c, "radix-tree-keys");
    replyLongLong(c, nodes);
    replyField(c, "radix-tree-nodes");
    replyLongLong(c, (long long)nodes + 1);
    replyField(c, "last-generated-id");
    streamReplyId(c, &m->lastId);
    replyField(c, "max-deleted-entry-id");
    streamReplyId(c, &m->maxDeleted);
    replyField(c, "entries-added");
    replyLongLong(c, (long long)m->entriesAdded);
    replyField(c, "recorded-first-entry-id");
    streamId first = streamFirstId(s);
    streamReplyId(c, &first);
}

/* A group's or a consumer's pending entries, at most count (0: all). */
static void replyFullPending(client *c, const collStreamGroup *g, const collStreamConsumer *k,
                             long long count) {
    void *len = replyDeferredLen(c);
    long long n = 0;
    collStreamPendingIter it;
    collStreamPending p;
    streamId zero = {0, 0};
    collStreamPendingSeek(&it, g, k, &zero);
    while ((count == 0 || n < count) && collStreamPendingNext(&it, &p)) {
        replyArrayLen(c, k ? 3 : 4);
        streamReplyId(c, &p.id);
        if (!k) {
            size_t clen;
            const char *cname = collStreamConsumerNameOf(p.consumer, &clen);
            replyBulk(c, cname, clen);
        }
        replyLongLong(c, p.deliveryTime);
        replyLongLong(c, (long long)p.deliveryCount);
        n++;
    }
    replySetDeferredArrayLen(c, len, n);
}

static void replyFullConsumer(client *c, const collStreamGroup *g, const collStreamConsumer *k,
                              long long count) {
    size_t nlen;
    const char *name = collStreamConsumerNameOf(k, &nlen);
    replyMapLen(c, 4);
    replyField(c, "name");
    replyBulk(c, name, nlen);
    replyField(c, "seen-time");
    replyLongLong(c, collStreamConsumerSeenTime(k));
    replyField(c, "pel-count");
    replyLongLong(c, (long long)collStreamConsumerPendingCount(k));
    replyField(c, "pending");
    replyFullPending(c, g, k, count);
}

static void replyFullGroup(client *c, const collection *s, const collStreamGroup *g,
                           long long count) {
    size_t nlen;
    const char *name = collStreamGroupNameOf(g, &nlen);
    replyMapLen(c, 7);
    replyField(c, "name");
    replyBulk(c, name, nlen);
    replyField(c, "last-delivered-id");
    streamReplyId(c, collStreamGroupLastId(g));
    replyField(c, "entries-read");
    replyEntriesRead(c, g);
    replyField(c, "lag");
    replyLag(c, s, g);
    replyField(c, "pel-count");
    replyLongLong(c, (long long)collStreamGroupPendingCount(g));
    replyField(c, "pending");
    replyFullPending(c, g, NULL, count);
    replyField(c, "consumers");
    replyArrayLen(c, collStreamConsumerCount(g));
    for (uint32_t i = 0; i < collStreamConsumerCount(g); i++)
        replyFullConsumer(c, g, collStreamConsumerAt(g, i), count);
}

static void replyStreamFull(client *c, const collection *s, long long count) {
    replyMapLen(c, 9);
    replyStreamHead(c, s);
    replyField(c, "entries");
    streamId lo = {0, 0}, hi = {UINT64_MAX, UINT64_MAX};
    streamReplyRange(c, s, ARGLEN(c, 2), &lo, &hi, count, 0);
    replyField(c, "groups");
    replyArrayLen(c, collStreamGroupCount(s));
    for (uint32_t i = 0; i < collStreamGroupCount(s); i++)
        replyFullGroup(c, s, collStreamGroupAt(s, i), count);
}

/* XINFO STREAM key [FULL [COUNT n]] (COUNT 10 by default, 0: all). */
void xinfoStreamCommand(client *c) {
    int full = c->argc > 3;
    long long count = 10;
    if (full && ((c->argc != 4 && c->argc != 6) || strcasecmp(c->argv[3], "full") ||
                 (c->argc == 6 && strcasecmp(c->argv[4], "count")))) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 6) {
        if (!argLongLongOrReply(c, 5, &count)) return;
        if (count < 0) count = 0;
    }
    const collection *s = infoStreamOrReply(c);
    if (!s) return;
    if (full) {
        replyStreamFull(c, s, count);
        return;
    }
    replyMapLen(c, 10);
    replyStreamHead(c, s);
    replyField(c, "groups");
    replyLongLong(c, collStreamGroupCount(s));
    replyField(c, "first-entry");
    replyEdgeEntry(c, s, 0);
    replyField(c, "last-entry");
    replyEdgeEntry(c, s, 1);
}

/* XINFO GROUPS key */
void xinfoGroupsCommand(client *c) {
    const collection *s = infoStreamOrReply(c);
    if (!s) return;
    replyArrayLen(c, collStreamGroupCount(s));
    for (uint32_t i = 0; i < collStreamGroupCount(s); i++) {
        const collStreamGroup *g = collStreamGroupAt(s, i);
        size_t nlen;
        const char *name = collStreamGroupNameOf(g, &nlen);
        replyMapLen(c, 6);
        replyField(c, "name");
        replyBulk(c, name, nlen);
        replyField(c, "consumers");
        replyLongLong(c, collStreamConsumerCount(g));
        replyField(c, "pending");
        replyLongLong(c, (long long)collStreamGroupPendingCount(g));
        replyField(c, "last-delivered-id");
        streamReplyId(c, collStreamGroupLastId(g));
        replyField(c, "entries-read");
        replyEntriesRead(c, g);
        replyField(c, "lag");
        replyLag(c, s, g);
    }
}

/* XINFO CONSUMERS key group */
void xinfoConsumersCommand(client *c) {
    const collection *s = infoStreamOrReply(c);
    if (!s) return;
    const collStreamGroup *g = collStreamFindGroup(s, c->argv[3], ARGLEN(c, 3));
    if (!g) {
        replyErrorFormat(c, "-NOGROUP No such consumer group '%s' for key name '%s'", c->argv[3],
                         c->argv[2]);
        return;
    }
    long long now = wallClockMs();
    replyArrayLen(c, collStreamConsumerCount(g));
    for (uint32_t i = 0; i < collStreamConsumerCount(g); i++) {
        const collStreamConsumer *k = collStreamConsumerAt(g, i);
        size_t nlen;
        const char *name = collStreamConsumerNameOf(k, &nlen);
        long long idle = now - collStreamConsumerSeenTime(k);
        replyMapLen(c, 3);
        replyField(c, "name");
        replyBulk(c, name, nlen);
        replyField(c, "pending");
        replyLongLong(c, (long long)collStreamConsumerPendingCount(k));
        replyField(c, "idle");
        replyLongLong(c, idle < 0 ? 0 : idle);
    }
}

void xinfoHelpCommand(client *c) {
    static const char *help[] = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        NULL};
    replyHelp(c, help);
}
