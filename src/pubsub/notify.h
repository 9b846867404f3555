/* pubsub/notify.h -- keyspace notifications (notify-keyspace-events), as in
 * Redis 7.0.
 *
 * Handlers call notifyKeyspaceEvent() right after a successful write,
 * where Redis's handlers call it; db/ adds "new" (a key created) and
 * "expired" (lazy and active expiry) through its keyspace listener.  With
 * K a message goes to __keyspace@<db>__:<key> (payload: the event), with
 * E to __keyevent@<db>__:<event> (payload: the key), via pubsubPublish.
 *
 * Inside a db batch (MULTI/EXEC, MSET, RENAME ...) events are queued and
 * delivered when the outermost batch commits, in the order they were
 * raised; a batch that rolls back drops them. */
#ifndef REDIS_KV_NOTIFY_H
#define REDIS_KV_NOTIFY_H

#include <stddef.h>
#include "lib/bstr.h"

#define NOTIFY_KEYSPACE (1 << 0) /* K */
#define NOTIFY_KEYEVENT (1 << 1) /* E */
#define NOTIFY_GENERIC (1 << 2)  /* g */
#define NOTIFY_STRING (1 << 3)   /* $ */
#define NOTIFY_LIST (1 << 4)     /* l */
#define NOTIFY_SET (1 << 5)      /* s */
#define NOTIFY_HASH (1 << 6)     /* h */
#define NOTIFY_ZSET (1 << 7)     /* z */
#define NOTIFY_EXPIRED (1 << 8)  /* x */
#define NOTIFY_EVICTED (1 << 9)  /* e */
#define NOTIFY_STREAM (1 << 10)  /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_LOADED (1 << 12)  /* module only */
#define NOTIFY_MODULE (1 << 13)  /* d */
#define NOTIFY_NEW (1 << 14)     /* n */
/* A: every class but m and n, as in Redis. */
#define NOTIFY_ALL (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | \
                    NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM |          \
                    NOTIFY_MODULE)

/* Registers the db listener ("new", "expired", batch commit/rollback). */
void notifyInit(void);

/* Redis's keyspaceEventsStringToFlags / keyspaceEventsFlagsToString. */
int notifyStringToFlags(const char *classes); /* -1: invalid character */
bstr notifyFlagsToString(int flags);

void notifyKeyspaceEvent(int type, const char *event, const char *key, size_t klen, int db);

/* Observers hear every event as it is raised, whatever
 * notify-keyspace-events says, before it is queued or published: a layer
 * above that records changes (cmd/changefeed.c) writes in the same batch
 * as the change that raised it.  An observer may write to the keyspace
 * but must not raise events of its own. */
typedef void notifyObserver(int type, const char *event, const char *key, size_t klen, int db);
void notifyAddObserver(notifyObserver *fn);

#endif
