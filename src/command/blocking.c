/* command/blocking.c -- clients that wait on keys.  See blocking.h.
 *
 * A client's states, what holds it in each, and what moves it on:
 *
 *   state     CLIENT_BLOCKED  held by                        leaves by
 *   running   no              -                              blockForKeys -> blocked
 *   blocked   yes             c->bstate, waiters[key] for    serve, timeout, CLIENT UNBLOCK
 *                             each key, blockedClients       -> resuming; freed -> gone
 *   resuming  no              the resuming list (a 0 ms      the timer runs its query
 *                             timer is armed)                buffer -> running; freed -> gone
 *
 * Only unblockClient moves a client out of "blocked", and it undoes
 * everything blockForKeys did.  The registries hold clients, so they live
 * here in the command layer, not in db/ (as WATCH's registry does).
 *
 * Keys are named by dkeys (command/dkey.h), database and key in one. */
#include "command/blocking.h"
#include "command/command.h"
#include "client/reply.h"
#include "command/dkey.h"
#include "command/write_outcome.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "lib/list.h"
#include "lib/log.h"
#include "lib/numfmt.h"
#include "reactor/reactor.h"
#include "server/server.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct blockedKey {
    bstr dkey;
    listNode *node;               /* this client's node in waiters[dkey] */
} blockedKey;

typedef struct blockState {
    client *c;
    long long deadline;           /* unix ms, 0: none */
    blockSpec spec;
    listNode *blockedNode;        /* in blockedClients */
    int nkeys;
    blockedKey keys[];
} blockState;

static dict *waiters;             /* dkey -> list of blockState*, in blocking order */
static list *blockedClients;      /* blockState*, in blocking order */
static unsigned long withDeadline; /* of blockedClients, those with a deadline */
static list *readyKeys;           /* dkeys (owned) in the order they became ready */
static dict *readySet;            /* the same dkeys, to note each once */
static list *resuming;            /* client*: unblocked, query buffer still to run */
static long long resumeTimer = -1;

static const dictType dkeyDictType = {
    .hash = bstrDictHash,
    .keyEqual = bstrDictKeyEqual,
    .keyFree = bstrDictKeyFree,
    .valFree = NULL,
};

/* ----------------------------------------------------------- the timeout */

/* Redis 7.0.15's getTimeoutFromObjectOrReply (seconds): a long double,
 * times 1000, rounded up to whole ms; what does not fit a long long
 * becomes LLONG_MIN on the machines Redis runs on, hence "negative"
 * for 1e16 too.  -0.5 rounds up to 0: forever, as in Redis. */
int blockingTimeoutOrReply(client *c, int i, long long *deadlineMs) {
    long double secs;
    if (!numParseLongDouble(c->argv[i], bstrLen(c->argv[i]), &secs)) {
        replyError(c, "timeout is not a float or out of range");
        return 0;
    }
    long double ms = ceill(secs * 1000.0L);
    if (ms < 0 || ms >= 9223372036854775807.0L) {
        replyError(c, "timeout is negative");
        return 0;
    }
    long long t = (long long)ms;
    if (t > 0) t = t > LLONG_MAX - cachedClock.mstime ? LLONG_MAX : t + cachedClock.mstime;
    *deadlineMs = t;
    return 1;
}

int blockingTimeoutMsOrReply(client *c, int i, long long *deadlineMs) {
    long long ms;
    if (!numParseLongLong(c->argv[i], bstrLen(c->argv[i]), &ms)) {
        replyError(c, "timeout is not an integer or out of range");
        return 0;
    }
    if (ms < 0) {
        replyError(c, "timeout is negative");
        return 0;
    }
    if (ms > 0 && ms > LLONG_MAX - cachedClock.mstime) {
        replyError(c, "timeout is out of range");
        return 0;
    }
    *deadlineMs = ms ? ms + cachedClock.mstime : 0;
    return 1;
}

/* ------------------------------------------------------------ resuming */

/* The 0 ms timer: runs the query buffer of each client unblocked since it
 * was armed (and of those its commands unblock in turn). */
static long long resumeClients(reactor *r, long long id, void *privdata) {
    (void)r; (void)id; (void)privdata;
    resumeTimer = -1;
    while (listLength(resuming)) {
        listNode *ln = listFirst(resuming);
        client *c = listNodeValue(ln);
        listDelNode(resuming, ln);
        if (c->flags & (CLIENT_BLOCKED | CLIENT_CLOSE_ASAP)) continue;
        client *prev = server.currentClient;
        server.currentClient = c;
        clientProcessInputBuffer(c);
        server.currentClient = prev;
    }
    return RE_NOMORE;
}

static void scheduleResume(client *c) {
    listAddNodeTail(resuming, c);
    if (resumeTimer == -1) resumeTimer = reactorAddTimer(server.el, 0, resumeClients, NULL);
}

/* ------------------------------------------------------ block / unblock */

void blockForKeys(client *c, const bstr *keys, int nkeys, long long deadlineMs,
                  const blockSpec *spec) {
    blockState *bs = xmalloc(sizeof(*bs) + (size_t)nkeys * sizeof(blockedKey));
    bs->c = c;
    bs->deadline = deadlineMs;
    bs->spec = *spec;
    bs->nkeys = 0;
    for (int i = 0; i < nkeys; i++) {
        bstr dkey = dkeyNew(c->db, keys[i], bstrLen(keys[i]));
        list *w = dictFetchValue(waiters, dkey);
        if (!w) {
            w = listCreate();
            dictAdd(waiters, bstrDup(dkey), w);
        } else if (listLength(w) && listNodeValue(listLast(w)) == bs) {
            bstrFree(dkey); /* the same key given twice */
            continue;
        }
        bs->keys[bs->nkeys].dkey = dkey;
        bs->keys[bs->nkeys].node = listAddNodeTail(w, bs);
        bs->nkeys++;
    }
    bs->blockedNode = listAddNodeTail(blockedClients, bs);
    if (deadlineMs) withDeadline++;
    c->bstate = bs;
    c->flags |= CLIENT_BLOCKED;
}

/* Undoes blockForKeys; with resume, c's pipelined requests run next
 * (not when it is being freed). */
static void unblockClient(client *c, int resume) {
    blockState *bs = c->bstate;
    for (int i = 0; i < bs->nkeys; i++) {
        list *w = dictFetchValue(waiters, bs->keys[i].dkey);
        listDelNode(w, bs->keys[i].node);
        if (listLength(w) == 0) {
            listRelease(w);
            dictDelete(waiters, bs->keys[i].dkey);
        }
        bstrFree(bs->keys[i].dkey);
    }
    listDelNode(blockedClients, bs->blockedNode);
    if (bs->deadline) withDeadline--;
    if (bs->spec.freePriv) bs->spec.freePriv(bs->spec.priv);
    xfree(bs);
    c->bstate = NULL;
    c->flags &= ~CLIENT_BLOCKED;
    /* Its answer is an interaction: the idle check (timeout) may run
     * before the reply is written, and the wait must not count as idle. */
    c->lastinteraction = cachedClock.unixtime;
    if (resume) scheduleResume(c);
}

static void replyTimedOut(client *c) {
    if (c->bstate->spec.timeoutReply == BLOCK_TIMEOUT_NULL_ARRAY) replyNullArray(c);
    else replyNull(c);
}

void blockingHandleTimeouts(long long nowMs) {
    if (!withDeadline) return;
    listNode *ln = listFirst(blockedClients);
    while (ln) {
        listNode *next = listNext(ln);
        blockState *bs = listNodeValue(ln);
        if (bs->deadline && bs->deadline < nowMs) {
            replyTimedOut(bs->c);
            unblockClient(bs->c, 1);
        }
        ln = next;
    }
}

int blockingUnblock(client *c, int withError) {
    if (!(c->flags & CLIENT_BLOCKED)) return 0;
    if (withError) replyError(c, "-UNBLOCKED client unblocked via CLIENT UNBLOCK");
    else replyTimedOut(c);
    unblockClient(c, 1);
    return 1;
}

unsigned long blockingClientCount(void) { return listLength(blockedClients); }

unsigned long blockingClientsWithTimeout(void) { return withDeadline; }

/* -------------------------------------------------------------- serving */

/* Notes dkey as ready if clients wait on it (takes dkey). */
static void markReady(bstr dkey) {
    if (!dictFind(waiters, dkey) || dictFind(readySet, dkey)) {
        bstrFree(dkey);
        return;
    }
    listAddNodeTail(readyKeys, bstrDup(dkey));
    dictAdd(readySet, dkey, NULL);
}

/* The hooks run after each serve (blockingAddServedHook). */
#define BLOCKING_MAX_SERVED_HOOKS 4
static blockServedHook *servedHooks[BLOCKING_MAX_SERVED_HOOKS];
static int nservedHooks;

void blockingAddServedHook(blockServedHook *fn) {
    if (nservedHooks == BLOCKING_MAX_SERVED_HOOKS) {
        serverLog(LL_WARNING, "Too many blocking served hooks (BLOCKING_MAX_SERVED_HOOKS)");
        return;
    }
    servedHooks[nservedHooks++] = fn;
}

/* One serve, run as the blocked client's own command (blocking.h). */
static int serveOne(blockState *bs, const char *key, size_t klen) {
    client *c = bs->c;
    client *prev = server.currentClient;
    server.currentClient = c;
    outcomeMark mark;
    outcomeCallBegin(c, &mark);
    /* as a call of c's own: the invalidations it causes follow its reply */
    int executing = c->flags & CLIENT_EXECUTING;
    c->flags |= CLIENT_EXECUTING;
    long long errors = server.statTotalErrorReplies;
    commandWriteScopeBegin();
    int rc = bs->spec.serve(c, key, klen, bs->spec.priv);
    commandWriteScopeEnd();
    if (!executing) c->flags &= ~CLIENT_EXECUTING;
    if (rc == BLOCK_SERVED) outcomeCallEnd(c, &mark, 1);
    /* an error served (a group gone) fails the call that blocked, as in Redis */
    if (rc == BLOCK_SERVED && server.statTotalErrorReplies > errors && c->lastcmd)
        c->lastcmd->stats.failedCalls++;
    server.currentClient = prev;
    for (int i = 0; i < nservedHooks; i++) servedHooks[i]();
    return rc;
}

/* Offers dkey to its waiters, first come first served, until every kind
 * of waiter found nothing (stream readers are each asked: one waits for
 * entries above its own ID, or for its own group, so one that found
 * nothing says nothing of the next).  A served client leaves the list (its node
 * only: nothing a serve does unblocks another client at once). */
static void serveKey(const bstr dkey) {
    list *w = dictFetchValue(waiters, dkey);
    if (!w) return;
    size_t klen;
    const char *key = dkeyKey(dkey, &klen);
    unsigned exhausted = 0;
    listNode *ln = listFirst(w);
    while (ln && exhausted != (1u << BLOCK_KINDS) - 1) {
        listNode *next = listNext(ln);
        blockState *bs = listNodeValue(ln);
        unsigned kind = 1u << bs->spec.kind;
        /* A client being closed is skipped: what it took would be lost. */
        if (!(exhausted & kind) && !(bs->c->flags & CLIENT_CLOSE_ASAP)) {
            if (serveOne(bs, key, klen) == BLOCK_SERVED) unblockClient(bs->c, 1);
            else if (bs->spec.kind != BLOCK_KIND_STREAM) exhausted |= kind;
        }
        ln = next;
    }
}

void blockingServeReadyKeys(void) {
    static int serving;
    if (serving) return;
    serving = 1;
    while (listLength(readyKeys)) {
        listNode *ln = listFirst(readyKeys);
        bstr dkey = listNodeValue(ln);
        listDelNode(readyKeys, ln);
        dictDelete(readySet, dkey); /* a serve may ready it again */
        serveKey(dkey);
        bstrFree(dkey);
    }
    serving = 0;
}

/* ------------------------------------------------------------ listeners */

static void keyWritten(int db, const char *key, size_t klen) {
    if (!listLength(blockedClients)) return;
    markReady(dkeyNew(db, key, klen));
}

void blockingSignalKey(int db, const char *key, size_t klen) { keyWritten(db, key, klen); }

/* Every waited-on key of database db (-1: all) becomes ready. */
static void markDbReady(int db) {
    if (!dictSize(waiters)) return;
    dictIterator *it = dictGetIterator(waiters);
    dictEntry *de;
    while ((de = dictNext(it)) != NULL) {
        bstr dkey = dictGetKey(de);
        if (db == -1 || dkeyDb(dkey) == db) markReady(bstrDup(dkey));
    }
    dictReleaseIterator(it);
}

/* SWAPDB: the waiters stay with the database number (Redis 7.0), and
 * find there what the other database held. */
static void dbSwapped(int a, int b) {
    markDbReady(a);
    markDbReady(b);
}

static void dataReplaced(void) { markDbReady(-1); }

/* A flush readies every waited-on key of the database: a stream reader
 * of a group learns that its key is gone (the serve runs after the
 * flush, after the command). */
static void dbFlushed(int db) { markDbReady(db); }

static const dbKeyspaceListener blockingKeyspaceListener = {
    .keyModified = keyWritten,
    .keyAdded = keyWritten,
    .keyExpired = keyWritten,
    .dbFlushed = dbFlushed,
    .dbSwapped = dbSwapped,
    .dataReplaced = dataReplaced,
};

static void clientFreed(client *c) {
    if (c->flags & CLIENT_BLOCKED) unblockClient(c, 0);
    listNode *ln;
    while ((ln = listSearchValue(resuming, c)) != NULL) listDelNode(resuming, ln);
}

static size_t clientMemory(client *c) {
    blockState *bs = c->bstate;
    if (!bs) return 0;
    size_t mem = xmallocUsable(bs);
    for (int i = 0; i < bs->nkeys; i++) mem += bstrAllocSize(bs->keys[i].dkey);
    return mem;
}

static const clientListener blockingClientListener = {
    .clientFreed = clientFreed,
    .clientMemory = clientMemory,
};

void blockingInit(void) {
    waiters = dictCreate(&dkeyDictType);
    readySet = dictCreate(&dkeyDictType);
    blockedClients = listCreate();
    readyKeys = listCreate();
    resuming = listCreate();
    dbAddKeyspaceListener(&blockingKeyspaceListener);
    clientAddListener(&blockingClientListener);
}
