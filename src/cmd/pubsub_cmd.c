/* cmd/pubsub_cmd.c -- SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB.  The registry and
 * delivery are in pubsub/pubsub.c; this file is the commands' arguments and
 * replies.
 *
 * CLIENT_PUBSUB (pub/sub mode: the RESP2 command restriction, the pubsub
 * output-buffer class, no idle timeout) is set by every subscribe command,
 * even one that adds nothing, and cleared by an unsubscribe command that
 * leaves the client with no channel, pattern or shard channel at all, as
 * in Redis 7.0.15. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "lib/glob.h"
#include "pubsub/pubsub.h"

static void subscribeGeneric(client *c, pubsubKind kind) {
    for (int j = 1; j < c->argc; j++)
        pubsubSubscribe(c, kind, c->argv[j], bstrLen(c->argv[j]));
    c->flags |= CLIENT_PUBSUB;
}

static void unsubscribeGeneric(client *c, pubsubKind kind) {
    if (c->argc == 1) {
        pubsubUnsubscribeAll(c, kind, 1);
    } else {
        for (int j = 1; j < c->argc; j++)
            pubsubUnsubscribe(c, kind, c->argv[j], bstrLen(c->argv[j]), 1);
    }
    if (pubsubClientTotal(c) == 0) c->flags &= ~CLIENT_PUBSUB;
}

void subscribeCommand(client *c) { subscribeGeneric(c, PUBSUB_CHANNEL); }
void unsubscribeCommand(client *c) { unsubscribeGeneric(c, PUBSUB_CHANNEL); }
void psubscribeCommand(client *c) { subscribeGeneric(c, PUBSUB_PATTERN); }
void punsubscribeCommand(client *c) { unsubscribeGeneric(c, PUBSUB_PATTERN); }
void ssubscribeCommand(client *c) {
    if (c->flags & CLIENT_DENY_BLOCKING) {
        replyError(c, "SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        return;
    }
    subscribeGeneric(c, PUBSUB_SHARD);
}
void sunsubscribeCommand(client *c) { unsubscribeGeneric(c, PUBSUB_SHARD); }

void publishCommand(client *c) {
    long long n = pubsubPublish(c->argv[1], bstrLen(c->argv[1]), c->argv[2],
                                bstrLen(c->argv[2]));
    replyLongLong(c, n);
}

void spublishCommand(client *c) {
    long long n = pubsubPublishShard(c->argv[1], bstrLen(c->argv[1]), c->argv[2],
                                     bstrLen(c->argv[2]));
    replyLongLong(c, n);
}

/* ---------------------------------------------------------------- PUBSUB */

typedef struct {
    client *c;
    bstr pattern;   /* NULL: every name */
    long long n;
} channelsWalk;

static void channelsVisit(const bstr name, void *privdata) {
    channelsWalk *w = privdata;
    if (w->pattern && !globMatch(w->pattern, bstrLen(w->pattern), name, bstrLen(name), 0))
        return;
    replyBulkBstr(w->c, name);
    w->n++;
}

/* PUBSUB CHANNELS|SHARDCHANNELS [pattern] */
static void channelsGeneric(client *c, pubsubKind kind) {
    if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    channelsWalk w = {c, c->argc == 3 ? c->argv[2] : NULL, 0};
    void *len = replyDeferredLen(c);
    pubsubForEachName(kind, channelsVisit, &w);
    replySetDeferredArrayLen(c, len, w.n);
}

/* PUBSUB NUMSUB|SHARDNUMSUB [channel ...]: a flat array of name, count. */
static void numsubGeneric(client *c, pubsubKind kind) {
    replyArrayLen(c, (long long)(c->argc - 2) * 2);
    for (int j = 2; j < c->argc; j++) {
        replyBulkBstr(c, c->argv[j]);
        replyLongLong(c, (long long)pubsubNumSubscribers(kind, c->argv[j],
                                                         bstrLen(c->argv[j])));
    }
}

void pubsubChannelsCommand(client *c) { channelsGeneric(c, PUBSUB_CHANNEL); }
void pubsubShardchannelsCommand(client *c) { channelsGeneric(c, PUBSUB_SHARD); }
void pubsubNumsubCommand(client *c) { numsubGeneric(c, PUBSUB_CHANNEL); }
void pubsubShardnumsubCommand(client *c) { numsubGeneric(c, PUBSUB_SHARD); }

void pubsubNumpatCommand(client *c) {
    replyLongLong(c, (long long)pubsubCount(PUBSUB_PATTERN));
}

void pubsubHelpCommand(client *c) {
    static const char *help[] = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        NULL};
    replyHelp(c, help);
}
