/* cmd/multi.h -- transactions (MULTI, EXEC, DISCARD) and optimistic locking
 * (WATCH, UNWATCH), with Redis 7.0's semantics.
 *
 * The dispatcher (command.c) queues a client's commands while it is in
 * MULTI (multiQueueCommand) and flags the transaction when it refuses one
 * (multiFlagTransaction); EXEC runs the queue as one atomic batch of the
 * log.  WATCH keeps a registry of watched keys that hears of every change
 * through the db layer's keyspace listener. */
#ifndef REDIS_KV_MULTI_H
#define REDIS_KV_MULTI_H

#include "client/client.h"

void multiInit(void);                 /* registers the keyspace listener */
void multiQueueCommand(client *c);    /* c->cmd/argv to c's queue, +QUEUED */
void multiFlagTransaction(client *c); /* a refused command dooms the EXEC */
void multiDiscardTransaction(client *c); /* forget the queue and the watches */
void multiFreeClientState(client *c); /* on client free */
size_t multiStateMemory(client *c);   /* CLIENT LIST multi-mem */
int multiIsQueueExempt(const struct command *cmd); /* run even inside MULTI */
/* EXEC's reply when the dispatcher refuses EXEC itself (wrong arity ...). */
void multiExecAbort(client *c, const char *err);
/* The handlers (MULTI, EXEC, ...) are declared in cmd/handlers.h. */

#endif
