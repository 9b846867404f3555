/* pubsub/tracking.h -- server-assisted client-side caching (CLIENT TRACKING),
 * as in Redis 7.0.
 *
 * Default mode: the keys of every read-only command a tracking client runs
 * are remembered in a table key -> client ids (OPTIN: only after CLIENT
 * CACHING YES; OPTOUT: not after CLIENT CACHING NO).  The db listener's
 * keyModified sends one invalidation per remembering client and forgets
 * the key.  BCAST mode: every modified key matching one of the client's
 * prefixes ("" = all) is queued per prefix and sent, deduplicated and
 * sorted, from beforeSleep (trackingBroadcastInvalidations).  NOLOOP skips
 * the client that made the change; REDIRECT sends to another client (RESP3:
 * a ">2 invalidate [keys]" push; RESP2: a "message" on __redis__:invalidate
 * if it is subscribed).  FLUSHDB/FLUSHALL send a null invalidation to every
 * tracking client.  Invalidations caused by a command are queued and sent
 * after it (after its reply: a whole EXEC, in order), as Redis 7.0.15 does. */
#ifndef REDIS_KV_TRACKING_H
#define REDIS_KV_TRACKING_H

#include <stdint.h>
#include "client/client.h"
#include "lib/bstr.h"

struct command;

extern unsigned long long trackingClients; /* clients with CLIENT_TRACKING */

void trackingInit(void);
void trackingEnable(client *c, uint64_t redir, uint64_t options, bstr *prefixes, int nprefixes);
void trackingDisable(client *c);
int trackingPrefixCollision(client *c, bstr *prefixes, int nprefixes, bstr *err);
void trackingRememberKeys(client *c, const struct command *cmd, int argc, bstr *argv);
void trackingBroadcastInvalidations(void);
/* After a top-level command: sends the invalidations it caused. */
void trackingAfterCommand(void);
void trackingClientFreed(client *c);

#endif
