/* pubsub/pubsub.h -- channels, patterns and shard channels, and message
 * delivery.
 *
 * Three kinds of subscription, as in Redis 7.0: plain channels (SUBSCRIBE,
 * PUBLISH -> "message"), glob patterns over channel names (PSUBSCRIBE ->
 * "pmessage"; matched with lib/glob.c, binary-safe) and shard channels
 * (SSUBSCRIBE, SPUBLISH -> "smessage"; without cluster mode they are a
 * separate namespace that patterns never see).
 *
 * The registry: per kind, a dict name -> list of subscribed clients (in
 * subscription order) on the server side, and per client a dict name ->
 * subscription plus a list of its subscriptions in the order they were
 * made.  Each subscription remembers its node in the server's list, so
 * unsubscribing is O(1) whatever the number of subscribers.
 *
 * Delivery goes through client/reply.h, like a handler's reply: the frame
 * is encoded once per publish (once more for each matching pattern) and
 * appended to each receiver's output, so client-output-buffer-limit (class
 * pubsub) applies to it.  Frames are written with CLIENT_PUSHING set, so
 * CLIENT REPLY OFF|SKIP do not silence them (Redis 7.0.15). */
#ifndef REDIS_KV_PUBSUB_H
#define REDIS_KV_PUBSUB_H

#include <stddef.h>
#include "client/client.h"
#include "lib/bstr.h"

typedef enum {
    PUBSUB_CHANNEL = 0,
    PUBSUB_PATTERN = 1,
    PUBSUB_SHARD = 2,
} pubsubKind;
#define PUBSUB_KINDS 3

void pubsubInit(void);

/* Subscribes c to one name of the given kind and sends the confirmation
 * ("subscribe"/"psubscribe"/"ssubscribe", name, count).  Returns 1 if the
 * subscription is new, 0 if c had it already (the confirmation is sent
 * anyway, as Redis does). */
int pubsubSubscribe(client *c, pubsubKind kind, const char *name, size_t len);

/* Unsubscribes c from one name; with notify, sends the confirmation even
 * if c was not subscribed.  Returns 1 if c was subscribed. */
int pubsubUnsubscribe(client *c, pubsubKind kind, const char *name, size_t len, int notify);

/* Unsubscribes c from every name of the kind, in subscription order.  With
 * notify, one confirmation per name, or, when there was none, one
 * null-name confirmation carrying the count c still has (Redis 7.0.15).  Returns how many were dropped. */
int pubsubUnsubscribeAll(client *c, pubsubKind kind, int notify);

/* Drops every subscription of c silently and frees its pub/sub state (RESET,
 * and a client being freed).  Does not touch c->flags. */
void pubsubClientReset(client *c);

/* The count the confirmations carry: channels + patterns for those two
 * kinds, shard channels for the shard kind. */
unsigned long pubsubClientReplyCount(const client *c, pubsubKind kind);

/* Channels + patterns + shard channels of c. */
unsigned long pubsubClientTotal(const client *c);

/* Delivers message to every subscriber of channel and to every pattern
 * subscription matching it.  Returns the number of frames sent (a client
 * subscribed to the channel and to two matching patterns counts 3).  This
 * is the API keyspace notifications use. */
long long pubsubPublish(const char *channel, size_t clen, const char *msg, size_t mlen);

/* SPUBLISH: delivers to the subscribers of a shard channel only. */
long long pubsubPublishShard(const char *channel, size_t clen, const char *msg, size_t mlen);

/* Server-wide: distinct channels / patterns / shard channels with at least
 * one subscriber (INFO stats, PUBSUB NUMPAT). */
unsigned long pubsubCount(pubsubKind kind);

/* Subscribers of one channel or shard channel (PUBSUB NUMSUB). */
unsigned long pubsubNumSubscribers(pubsubKind kind, const char *name, size_t len);

/* Calls fn for each active channel (or shard channel) name. */
typedef void pubsubNameVisitor(const bstr name, void *privdata);
void pubsubForEachName(pubsubKind kind, pubsubNameVisitor *fn, void *privdata);
/* Calls fn for each name c subscribes to, of one kind, in subscription
 * order (ACL: closing a subscriber whose user lost a channel). */
void pubsubForEachClientName(client *c, pubsubKind kind, pubsubNameVisitor *fn, void *privdata);

#endif
