/* pubsub/pubsub.c -- the subscription registry and delivery.  See pubsub.h. */
#include "pubsub/pubsub.h"
#include "client/reply.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/glob.h"
#include "lib/list.h"

#include <string.h>

/* One subscription of one client. */
typedef struct subscription {
    bstr name;
    list *subscribers;      /* the server's list of this name's subscribers */
    listNode *serverNode;   /* our client's node in it */
    listNode *clientNode;   /* this subscription's node in the client's order */
} subscription;

/* A client's pub/sub state, allocated on its first subscription. */
struct pubsubClientState {
    dict *subs[PUBSUB_KINDS];   /* name -> subscription* (key is sub->name) */
    list *order[PUBSUB_KINDS];  /* subscription*, in subscription order */
};

/* Server side, per kind: name (owned) -> list of client*. */
static dict *registry[PUBSUB_KINDS];

static const char *const subscribeEvent[PUBSUB_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsubscribeEvent[PUBSUB_KINDS] = {"unsubscribe", "punsubscribe",
                                                           "sunsubscribe"};

static void clientListFree(void *l) { listRelease(l); }

static void subscriptionFree(void *s) {
    subscription *sub = s;
    bstrFree(sub->name);
    xfree(sub);
}

/* Server registry: owns names and the subscriber lists. */
static const dictType registryDictType = {
    .hash = bstrDictHash,
    .keyEqual = bstrDictKeyEqual,
    .keyFree = bstrDictKeyFree,
    .valFree = clientListFree,
};

/* Client side: the key is the subscription's own name, freed with it. */
static const dictType clientSubsDictType = {
    .hash = bstrDictHash,
    .keyEqual = bstrDictKeyEqual,
    .keyFree = NULL,
    .valFree = subscriptionFree,
};

static struct pubsubClientState *clientState(client *c) {
    if (!c->pubsub) {
        c->pubsub = xmalloc(sizeof(*c->pubsub));
        for (int k = 0; k < PUBSUB_KINDS; k++) {
            c->pubsub->subs[k] = dictCreate(&clientSubsDictType);
            c->pubsub->order[k] = listCreate();
        }
    }
    return c->pubsub;
}

/* The number c has of the kind (CLIENT LIST sub=, psub=, ssub=, through
 * the client listener pubsubInit registers). */
static unsigned long pubsubClientCount(const client *c, pubsubKind kind) {
    return c->pubsub ? dictSize(c->pubsub->subs[kind]) : 0;
}

unsigned long pubsubClientReplyCount(const client *c, pubsubKind kind) {
    if (kind == PUBSUB_SHARD) return pubsubClientCount(c, PUBSUB_SHARD);
    return pubsubClientCount(c, PUBSUB_CHANNEL) + pubsubClientCount(c, PUBSUB_PATTERN);
}

unsigned long pubsubClientTotal(const client *c) {
    return pubsubClientCount(c, PUBSUB_CHANNEL) + pubsubClientCount(c, PUBSUB_PATTERN) +
           pubsubClientCount(c, PUBSUB_SHARD);
}

/* Approximate bytes behind one subscription in the registry (a hash entry
 * and its bucket slot, a list node): Redis counts such overheads per
 * client without walking the tables, and so do we. */
#define PUBSUB_SUB_OVERHEAD (4 * sizeof(void *))

static size_t clientMemory(client *c) { return pubsubClientTotal(c) * PUBSUB_SUB_OVERHEAD; }

static void describeClient(client *c, clientDescription *d) {
    d->channels = pubsubClientCount(c, PUBSUB_CHANNEL);
    d->patterns = pubsubClientCount(c, PUBSUB_PATTERN);
    d->shardChannels = pubsubClientCount(c, PUBSUB_SHARD);
}

static const clientListener pubsubClientListener = {
    .clientFreed = pubsubClientReset,
    .clientMemory = clientMemory,
    .describeClient = describeClient,
};

void pubsubInit(void) {
    for (int k = 0; k < PUBSUB_KINDS; k++) registry[k] = dictCreate(&registryDictType);
    clientAddListener(&pubsubClientListener);
}

/* Pub/sub frames reach the client even under CLIENT REPLY OFF|SKIP. */
static uint64_t pushBegin(client *c) {
    uint64_t old = c->flags & CLIENT_PUSHING;
    c->flags |= CLIENT_PUSHING;
    return old;
}

static void pushEnd(client *c, uint64_t old) {
    if (!old) c->flags &= ~CLIENT_PUSHING;
}

/* [event, name or null, count], as an array (RESP2) or a push (RESP3). */
static void replyEvent(client *c, const char *event, const char *name, size_t len,
                       unsigned long count) {
    uint64_t old = pushBegin(c);
    if (c->resp == 2) replyArrayLen(c, 3);
    else replyPushLen(c, 3);
    replyBulkCString(c, event);
    if (name) replyBulk(c, name, len);
    else replyNull(c);
    replyLongLong(c, (long long)count);
    pushEnd(c, old);
}

int pubsubSubscribe(client *c, pubsubKind kind, const char *name, size_t len) {
    struct pubsubClientState *st = clientState(c);
    bstr key = bstrNewLen(name, len);
    int added = 0;
    if (!dictFind(st->subs[kind], key)) {
        subscription *sub = xmalloc(sizeof(*sub));
        sub->name = key;
        dictEntry *de = dictFind(registry[kind], key);
        if (de) {
            sub->subscribers = dictGetVal(de);
        } else {
            sub->subscribers = listCreate();
            dictAdd(registry[kind], bstrDup(key), sub->subscribers);
        }
        listAddNodeTail(sub->subscribers, c);
        sub->serverNode = listLast(sub->subscribers);
        listAddNodeTail(st->order[kind], sub);
        sub->clientNode = listLast(st->order[kind]);
        dictAdd(st->subs[kind], sub->name, sub);
        added = 1;
    } else {
        bstrFree(key);
    }
    replyEvent(c, subscribeEvent[kind], name, len, pubsubClientReplyCount(c, kind));
    return added;
}

/* Removes one subscription from the server's side and the client's order;
 * the caller removes it from the client's dict (which frees it). */
static void detach(client *c, pubsubKind kind, subscription *sub) {
    listDelNode(sub->subscribers, sub->serverNode);
    if (listLength(sub->subscribers) == 0) dictDelete(registry[kind], sub->name);
    listDelNode(c->pubsub->order[kind], sub->clientNode);
}

int pubsubUnsubscribe(client *c, pubsubKind kind, const char *name, size_t len, int notify) {
    int removed = 0;
    if (c->pubsub) {
        bstr key = bstrNewLen(name, len);
        subscription *sub = dictFetchValue(c->pubsub->subs[kind], key);
        if (sub) {
            detach(c, kind, sub);
            dictDelete(c->pubsub->subs[kind], key);
            removed = 1;
        }
        bstrFree(key);
    }
    if (notify)
        replyEvent(c, unsubscribeEvent[kind], name, len, pubsubClientReplyCount(c, kind));
    return removed;
}

int pubsubUnsubscribeAll(client *c, pubsubKind kind, int notify) {
    int count = 0;
    while (c->pubsub && listLength(c->pubsub->order[kind])) {
        subscription *sub = listNodeValue(listFirst(c->pubsub->order[kind]));
        detach(c, kind, sub);
        /* The dict frees sub and its name: reply from a copy. */
        bstr name = notify ? bstrDup(sub->name) : NULL;
        dictDelete(c->pubsub->subs[kind], sub->name);
        if (notify) {
            replyEvent(c, unsubscribeEvent[kind], name, bstrLen(name),
                       pubsubClientReplyCount(c, kind));
            bstrFree(name);
        }
        count++;
    }
    /* Nothing to drop: one null-name confirmation that still carries the
     * count c keeps (its patterns, say, after a bare UNSUBSCRIBE). */
    if (notify && count == 0)
        replyEvent(c, unsubscribeEvent[kind], NULL, 0, pubsubClientReplyCount(c, kind));
    return count;
}

void pubsubClientReset(client *c) {
    if (!c->pubsub) return;
    for (int k = 0; k < PUBSUB_KINDS; k++) {
        pubsubUnsubscribeAll(c, k, 0);
        dictRelease(c->pubsub->subs[k]);
        listRelease(c->pubsub->order[k]);
    }
    xfree(c->pubsub);
    c->pubsub = NULL;
}

/* ------------------------------------------------------------- delivery */

static bstr catBulk(bstr s, const char *p, size_t len) {
    s = bstrCatPrintf(s, "$%zu\r\n", len);
    s = bstrCatLen(s, p, len);
    return bstrCatLen(s, "\r\n", 2);
}

/* The RESP2 frame; the RESP3 one differs only in its first byte ('>'). */
static bstr encodeFrame(const char *event, const char *pat, size_t plen, const char *ch,
                        size_t clen, const char *msg, size_t mlen) {
    bstr f = bstrEmptyCapacity(32 + plen + clen + mlen);
    f = bstrCatPrintf(f, "*%d\r\n", pat ? 4 : 3);
    f = catBulk(f, event, strlen(event));
    if (pat) f = catBulk(f, pat, plen);
    f = catBulk(f, ch, clen);
    return catBulk(f, msg, mlen);
}

static void sendFrame(client *c, bstr frame) {
    uint64_t old = pushBegin(c);
    if (c->resp == 2) {
        replyRaw(c, frame, bstrLen(frame));
    } else {
        replyRaw(c, ">", 1);
        replyRaw(c, frame + 1, bstrLen(frame) - 1);
    }
    pushEnd(c, old);
}

static long long deliver(list *subscribers, bstr frame) {
    long long n = 0;
    for (listNode *ln = listFirst(subscribers); ln; ln = listNext(ln)) {
        sendFrame(listNodeValue(ln), frame);
        n++;
    }
    return n;
}

static long long publishKind(pubsubKind kind, const char *channel, size_t clen,
                             const char *msg, size_t mlen) {
    long long receivers = 0;
    bstr key = bstrNewLen(channel, clen);
    list *subscribers = dictFetchValue(registry[kind], key);
    if (subscribers) {
        bstr frame = encodeFrame(kind == PUBSUB_SHARD ? "smessage" : "message", NULL, 0,
                                 channel, clen, msg, mlen);
        receivers += deliver(subscribers, frame);
        bstrFree(frame);
    }
    bstrFree(key);
    if (kind == PUBSUB_SHARD || dictSize(registry[PUBSUB_PATTERN]) == 0) return receivers;
    /* Delivery never changes the registry (a client over its output limit
     * is only closed later), so a plain iterator is enough. */
    dictIterator *it = dictGetIterator(registry[PUBSUB_PATTERN]);
    dictEntry *de;
    while ((de = dictNext(it))) {
        bstr pat = dictGetKey(de);
        if (!globMatch(pat, bstrLen(pat), channel, clen, 0)) continue;
        bstr frame = encodeFrame("pmessage", pat, bstrLen(pat), channel, clen, msg, mlen);
        receivers += deliver(dictGetVal(de), frame);
        bstrFree(frame);
    }
    dictReleaseIterator(it);
    return receivers;
}

long long pubsubPublish(const char *channel, size_t clen, const char *msg, size_t mlen) {
    return publishKind(PUBSUB_CHANNEL, channel, clen, msg, mlen);
}

long long pubsubPublishShard(const char *channel, size_t clen, const char *msg, size_t mlen) {
    return publishKind(PUBSUB_SHARD, channel, clen, msg, mlen);
}

/* -------------------------------------------------------- introspection */

unsigned long pubsubCount(pubsubKind kind) { return dictSize(registry[kind]); }

unsigned long pubsubNumSubscribers(pubsubKind kind, const char *name, size_t len) {
    bstr key = bstrNewLen(name, len);
    list *l = dictFetchValue(registry[kind], key);
    bstrFree(key);
    return l ? listLength(l) : 0;
}

void pubsubForEachName(pubsubKind kind, pubsubNameVisitor *fn, void *privdata) {
    dictIterator *it = dictGetIterator(registry[kind]);
    dictEntry *de;
    while ((de = dictNext(it))) fn(dictGetKey(de), privdata);
    dictReleaseIterator(it);
}

void pubsubForEachClientName(client *c, pubsubKind kind, pubsubNameVisitor *fn, void *privdata) {
    if (!c->pubsub) return;
    for (listNode *ln = listFirst(c->pubsub->order[kind]); ln; ln = listNext(ln)) {
        subscription *sub = listNodeValue(ln);
        fn(sub->name, privdata);
    }
}
