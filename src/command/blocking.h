/* command/blocking.h -- clients that wait on keys: the one mechanism of
 * every blocking command (BLPOP and the list family now; BZPOPMIN and
 * XREAD BLOCK later), with Redis 7.0's semantics.
 *
 * A blocking command that finds nothing to take calls blockForKeys with
 * its keys, its timeout and a blockSpec: the callback that serves it and
 * the reply it gets when its time is up.  From then on the client runs
 * nothing more (its pipelined requests wait in its query buffer) until
 * it leaves the blocked state, which happens exactly once, by one of:
 *
 *   served    a key it waits on got something for it: its serve callback
 *             took it and replied (blockingServeReadyKeys)
 *   timeout   its time is up (blockingHandleTimeouts, from the cron), or
 *             CLIENT UNBLOCK id TIMEOUT: the spec's timeout reply
 *   error     CLIENT UNBLOCK id ERROR: "-UNBLOCKED ..."
 *   freed     the connection closed or was killed: nothing is replied
 *
 * After the first three, the rest of its query buffer runs from a 0 ms
 * timer, never from inside the command that unblocked it.
 *
 * When keys are served.  The db layer's keyspace listener notes every
 * key written (created, modified, or in a database swapped or restored)
 * that clients wait on; the dispatcher calls blockingServeReadyKeys after
 * each top-level command, so a push is served after the command, the EXEC
 * (which sees the whole transaction) or the script that made it, never in
 * the middle.  Keys are taken in the order they became ready, each key's
 * waiters first come first served; a serve that writes (BLMOVE's push)
 * readies more keys, served in the same call.
 *
 * What a serve is.  The callback runs as if the blocked client issued the
 * pop itself: in its database, with it as the current client (tracking's
 * NOLOOP), its output marked for the write-outcome rule (a failed log
 * write answers it -MISCONF, command/write_outcome.h), its reply leaving
 * in beforeSleep after the log write and, under appendfsync always, the
 * fsync, like any reply.  Its writes go through db/ like any command's,
 * with their keyspace events, WATCH dirtying and invalidations. */
#ifndef REDIS_KV_BLOCKING_H
#define REDIS_KV_BLOCKING_H

#include <stddef.h>
#include "client/client.h"
#include "lib/bstr.h"

/* What a blocked client gets when its time is up (and from CLIENT
 * UNBLOCK id TIMEOUT).  Redis 7.0 answers a null array to every list,
 * sorted-set and stream pop, BLMOVE's included (*-1 in RESP2, _ in
 * RESP3); a null bulk exists for the kinds to come. */
typedef enum { BLOCK_TIMEOUT_NULL_ARRAY, BLOCK_TIMEOUT_NULL } blockTimeoutReply;

/* Waiters of one kind take from the same type of value: when a key has
 * nothing for one of them, the others of its kind are not asked -- but
 * for stream readers, each of whom waits for something of its own (IDs
 * above its own, its group's new entries). */
#define BLOCK_KIND_LIST 0
#define BLOCK_KIND_ZSET 1
#define BLOCK_KIND_STREAM 2
#define BLOCK_KINDS 3

#define BLOCK_NOT_READY 0 /* the key has nothing for waiters of this kind */
#define BLOCK_SERVED 1    /* c got its one reply (an error counts): unblock it */

/* Called for a client blocked on key (in c->db) once key may hold
 * something for it.  Either takes it, replies to c and returns
 * BLOCK_SERVED, or replies nothing and returns BLOCK_NOT_READY. */
typedef int blockServeFn(client *c, const char *key, size_t klen, void *priv);

typedef struct blockSpec {
    int kind;                     /* BLOCK_KIND_* */
    blockServeFn *serve;
    blockTimeoutReply timeoutReply;
    void *priv;                   /* handed to serve (a copy of BLMOVE's destination ...) */
    void (*freePriv)(void *priv); /* called when c leaves the blocked state; may be NULL */
} blockSpec;

/* Registers the keyspace and client listeners (the dispatcher's set-up). */
void blockingInit(void);

/* XREAD's BLOCK: a timeout in milliseconds, an integer (Redis's
 * getTimeoutFromObjectOrReply in ms): the deadline as above, or 0 after
 * replying "timeout is not an integer or out of range", "timeout is
 * negative" or "timeout is out of range". */
int blockingTimeoutMsOrReply(client *c, int i, long long *deadlineMs);

/* A blocking command's timeout in seconds (decimals allowed) from
 * argv[i], as Redis 7.0 reads it: *deadlineMs is the absolute unix ms
 * at which it expires, or 0 for "forever" (a timeout of 0; a fraction of
 * a ms counts as a whole one).  0 after replying "timeout is not a float
 * or out of range" or "timeout is negative". */
int blockingTimeoutOrReply(client *c, int i, long long *deadlineMs);

/* Blocks c on keys[0 .. nkeys-1] (of c->db; a key given twice counts
 * once) until deadlineMs (0: forever).  The spec is copied; spec->priv
 * becomes the blocked state's (freePriv frees it).  The caller replies
 * nothing. */
void blockForKeys(client *c, const bstr *keys, int nkeys, long long deadlineMs,
                  const blockSpec *spec);

/* Marks key (of db) ready for its waiters without a keyspace change: a
 * write that WATCH and tracking do not see but waiters must (XGROUP
 * DESTROY wakes the group's readers with an error, as in Redis). */
void blockingSignalKey(int db, const char *key, size_t klen);

/* Serves the clients waiting on keys written since the last call (see
 * above).  The dispatcher calls it after each top-level command. */
void blockingServeReadyKeys(void);

/* Called after each serve of a blocked client, once its reply is queued:
 * a layer above (client tracking) sends what it held back while the
 * serve ran as that client's call (its invalidations follow the reply). */
typedef void blockServedHook(void);
void blockingAddServedHook(blockServedHook *fn);

/* The cron: answers and unblocks every client whose deadline is past. */
void blockingHandleTimeouts(long long nowMs);

/* CLIENT UNBLOCK: ends c's wait with the timeout reply, or with the
 * -UNBLOCKED error when withError.  0 when c is not blocked on keys. */
int blockingUnblock(client *c, int withError);

/* INFO: clients blocked on keys (blocked_clients adds the paused ones),
 * and those of them with a deadline (clients_in_timeout_table). */
unsigned long blockingClientCount(void);
unsigned long blockingClientsWithTimeout(void);

#endif
