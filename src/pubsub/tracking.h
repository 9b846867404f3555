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
 * after it (after its reply: a whole EXEC, in order), as Redis 7.0.15 does.
 *
 * The table is bounded by tracking-table-max-keys (0 = no bound): while it
 * holds more keys, random keys are dropped from it and their readers get
 * an invalidation, as if the keys had changed (NOLOOP does not skip them:
 * no client changed them).  As in Redis, the work per pass is bounded (100
 * keys, 100 more for each pass that could not get under the limit), so a
 * CONFIG SET that lowers the limit far spreads over a few event-loop
 * iterations instead of stalling one. */
#ifndef REDIS_KV_TRACKING_H
#define REDIS_KV_TRACKING_H

#include <stdint.h>
#include "client/client.h"
#include "lib/bstr.h"


extern unsigned long long trackingClients; /* clients with CLIENT_TRACKING */

/* Registers the keyspace listener (invalidations), the client listener
 * and the after-call observer (remembering what a tracking client read,
 * sending what a command invalidated). */
void trackingInit(void);
void trackingEnable(client *c, uint64_t redir, uint64_t options, bstr *prefixes, int nprefixes);
void trackingDisable(client *c);
int trackingPrefixCollision(client *c, bstr *prefixes, int nprefixes, bstr *err);
/* beforeSleep work: bounds the table to tracking-table-max-keys, then
 * sends the BCAST invalidations gathered since the last call. */
void trackingBroadcastInvalidations(void);
/* Sends the invalidations held back while a client's call ran (its reply
 * goes first): for a call made outside the command path, such as the pop
 * served to a blocked client (command/blocking.c). */
void trackingSendPending(void);

/* INFO stats: keys in the table, (key, client) pairs in it (a client that
 * turned tracking off still counts until its keys change, as in Redis),
 * and BCAST prefixes registered. */
unsigned long trackingTableKeys(void);
unsigned long long trackingTableItems(void);
unsigned long trackingPrefixCount(void);

#endif
