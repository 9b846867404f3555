/* command/write_outcome.h -- the replies that wait on the log write.
 *
 * The server flushes every write of an event-loop iteration with one
 * write, in beforeSleep, before any reply leaves (db.h, deferred writes).
 * If that write fails, the writes are undone, and the commands that made
 * them, or that could have seen what they wrote, must not be answered as
 * if they had succeeded.  The rule:
 *
 *   A command is at risk when its call overlaps a write epoch that has
 *   writes (some were pending when it began or ended, or a flush happened
 *   during it).  An at-risk command whose epochs all flushed keeps its
 *   reply.  One whose epoch failed is answered -MISCONF instead of its
 *   reply when it wrote or read keys (command flags write or readonly,
 *   or, for EXEC, any command it ran); others (PING, PUBLISH, INFO ...)
 *   keep theirs.  A read answered before the epoch's first write kept
 *   seeing only what is on disk, so it is not at risk.
 *
 * What is replaced is exactly the bytes the command appended; output
 * that arrived in between (pub/sub messages, invalidations, replies of
 * other commands) stays, in order.  This holds because no output of an
 * iteration leaves before beforeSleep (client.c's write handler). */
#ifndef REDIS_KV_WRITE_OUTCOME_H
#define REDIS_KV_WRITE_OUTCOME_H

#include <stdint.h>
#include "client/client.h"

struct command;

/* What outcomeCallEnd needs from the start of a top-level call. */
typedef struct outcomeMark {
    uint64_t replyTotal;   /* c->replyTotal */
    uint64_t epoch;        /* dbWriteEpoch() */
    int pending;           /* dbWritesPending() */
} outcomeMark;

/* Registers the client listener (a freed client has nothing to fix). */
void outcomeInit(void);

void outcomeCallBegin(client *c, outcomeMark *m);
/* touchedKeys: the call (or a call it made) was write or readonly. */
void outcomeCallEnd(client *c, const outcomeMark *m, int touchedKeys);

/* After the iteration's dbFlushWrites, before replies are written:
 * answers -MISCONF for the at-risk commands of failed epochs, then
 * forgets every record and the failed epochs. */
void outcomeSettle(void);

#endif
