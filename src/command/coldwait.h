/* command/coldwait.h -- a request whose values are not in memory waits
 * for them off the event loop, and the loop serves other clients
 * meanwhile (db/coldread.h, store.h "Cold reads").
 *
 * What it promises:
 *   - a request is parked before it starts, never in its middle: EXEC
 *     waits for the values of its whole queue, EVAL and FCALL for their
 *     declared keys, so a transaction or a script still runs at once,
 *     atomically, and WATCH judges what happened before it ran;
 *   - a parked client runs nothing else: its later requests (a pipeline)
 *     wait in its query buffer, so its replies keep their order;
 *   - a request waits once: when its fetch is done it runs, even if a page
 *     went out of memory again meanwhile (it is then read on the loop);
 *   - a client freed while parked is forgotten; a fetch of a store that
 *     was closed (DEBUG RELOAD, BACKUP RESTORE) never completes, so the
 *     server calls coldWaitRestartAll after opening the new one. */
#ifndef REDIS_KV_COLDWAIT_H
#define REDIS_KV_COLDWAIT_H

#include "client/client.h"

typedef struct coldWaitStats {
    unsigned long long parked;     /* requests that waited, since start */
    unsigned long long parkedUs;   /* their total wait */
    unsigned long long waiting;    /* clients parked now */
} coldWaitStats;

void coldWaitInit(void);
/* 1 when c's request (c->cmd, checked and ready to run) was parked:
 * CLIENT_PENDING_COMMAND is set and the request runs again through the
 * request handler when its values are in memory.  0: run it now. */
int coldWaitPark(client *c);
/* Runs the request of every parked client again (from a timer, not from
 * inside the caller): their fetches belonged to a store now closed. */
void coldWaitRestartAll(void);
void coldWaitGetStats(coldWaitStats *out);

#endif
