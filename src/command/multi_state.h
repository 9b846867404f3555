/* command/multi_state.h -- a client's transaction, with Redis 7.0's
 * semantics: the commands queued between MULTI and EXEC (client.h's
 * mstate) and the keys it WATCHes.
 *
 * The dispatcher (command.c) queues a client's commands while it is in
 * MULTI (multiQueueCommand) and flags the transaction when it refuses one
 * (multiFlagTransaction); EXEC (cmd/multi.c) runs the queue as one atomic
 * batch of the log.  The registry of watched keys hears of every change
 * through the db layer's keyspace listener; a client's queue and watches
 * are dropped when it is freed (a client listener). */
#ifndef REDIS_KV_MULTI_STATE_H
#define REDIS_KV_MULTI_STATE_H

#include <stddef.h>
#include "client/client.h"

struct command;

/* Registers the keyspace and client listeners. */
void multiInit(void);

/* ---- The queue --------------------------------------------------------- */

int multiIsQueueExempt(const struct command *cmd); /* run even inside MULTI */
void multiQueueCommand(client *c);    /* c->cmd/argv to c's queue, +QUEUED */
void multiFlagTransaction(client *c); /* a refused command dooms the EXEC */
void multiFreeQueue(client *c);       /* empties c's queue */
/* Forgets the queue and the watches, and leaves MULTI (DISCARD, RESET). */
void multiDiscardTransaction(client *c);
/* EXEC's reply when the dispatcher refuses EXEC itself (wrong arity ...):
 * discards the transaction and answers -EXECABORT with err's reason. */
void multiExecAbort(client *c, const char *err);

/* ---- WATCH --------------------------------------------------------------- */

void multiWatchKey(client *c, int db, const char *key, size_t klen);
void multiUnwatchAllKeys(client *c);
/* Redis's isWatchedKeyExpired: a key watched while alive has expired
 * since (EXEC then fails). */
int multiWatchedKeyExpired(client *c);

#endif
