/* command/multi_state.c -- a client's transaction: the commands queued
 * between MULTI and EXEC, and the keys it WATCHes.  See multi_state.h.
 *
 * WATCH: watchedKeys (a dict from db+key to the list of watchedKey* of
 * the clients watching it) is told of every change by the db layer's
 * keyspace listener and sets CLIENT_DIRTY_CAS on those clients; the
 * rules for keys that are expired at WATCH time, for flushes and SWAPDB
 * are Redis 7.0's (multi.c touchWatchedKey, touchAllWatchedKeysInDb,
 * isWatchedKeyExpired).  It lives in the command layer, not in db/,
 * because it holds clients; the dispatcher (command.c) queues and dooms
 * transactions through it, and cmd/multi.c's MULTI, EXEC, DISCARD,
 * WATCH and UNWATCH are built on it. */
#include "command/multi_state.h"
#include "client/reply.h"
#include "command/command.h"
#include "command/dkey.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "server/server.h"

#include <string.h>

typedef struct watchedKey {
    client *c;
    int db;
    int expired;    /* the key had expired (and was not deleted) at WATCH */
    bstr dkey;      /* 4 bytes of db, then the key: the registry's key */
} watchedKey;

static dict *watchedKeys; /* dkey -> list of watchedKey* */

static void clientListFree(void *val) { listRelease(val); }

static const dictType watchedKeysType = {
    .hash = bstrDictHash,
    .keyEqual = bstrDictKeyEqual,
    .keyFree = bstrDictKeyFree,
    .valFree = clientListFree,
};

/* ------------------------------------------------------------ watching */

static int clientWatches(client *c, const bstr dkey) {
    if (!c->watchedKeys) return 0;
    for (listNode *ln = listFirst(c->watchedKeys); ln; ln = listNext(ln)) {
        watchedKey *wk = listNodeValue(ln);
        if (bstrDictKeyEqual(wk->dkey, dkey)) return 1;
    }
    return 0;
}

void multiWatchKey(client *c, int db, const char *key, size_t klen) {
    bstr dkey = dkeyNew(db, key, klen);
    if (clientWatches(c, dkey)) {
        bstrFree(dkey);
        return;
    }
    watchedKey *wk = xmalloc(sizeof(*wk));
    wk->c = c;
    wk->db = db;
    wk->expired = dbKeyIsExpired(db, key, klen);
    wk->dkey = dkey;
    list *clients = dictFetchValue(watchedKeys, dkey);
    if (!clients) {
        clients = listCreate();
        dictAdd(watchedKeys, bstrDup(dkey), clients);
    }
    listAddNodeTail(clients, wk);
    if (!c->watchedKeys) c->watchedKeys = listCreate();
    listAddNodeTail(c->watchedKeys, wk);
}

void multiUnwatchAllKeys(client *c) {
    if (!c->watchedKeys) return;
    while (listLength(c->watchedKeys)) {
        listNode *ln = listFirst(c->watchedKeys);
        watchedKey *wk = listNodeValue(ln);
        list *clients = dictFetchValue(watchedKeys, wk->dkey);
        if (clients) {
            listNode *n = listSearchValue(clients, wk);
            if (n) listDelNode(clients, n);
            if (listLength(clients) == 0) dictDelete(watchedKeys, wk->dkey);
        }
        bstrFree(wk->dkey);
        xfree(wk);
        listDelNode(c->watchedKeys, ln);
    }
    listRelease(c->watchedKeys);
    c->watchedKeys = NULL;
}

/* Redis's isWatchedKeyExpired: a watched key that had not expired at WATCH
 * but has now (deleted or not yet) makes EXEC fail. */
int multiWatchedKeyExpired(client *c) {
    if (!c->watchedKeys) return 0;
    for (listNode *ln = listFirst(c->watchedKeys); ln; ln = listNext(ln)) {
        watchedKey *wk = listNodeValue(ln);
        if (wk->expired) continue;
        size_t klen;
        const char *key = dkeyKey(wk->dkey, &klen);
        if (dbKeyIsExpired(wk->db, key, klen)) return 1;
    }
    return 0;
}

/* A write of key: every client watching it is dirty, except that deleting
 * a key that had already expired at WATCH is no logical change. */
static void touchWatchedKey(int db, const char *key, size_t klen) {
    if (dictSize(watchedKeys) == 0) return;
    bstr dkey = dkeyNew(db, key, klen);
    list *clients = dictFetchValue(watchedKeys, dkey);
    bstrFree(dkey);
    if (!clients) return;
    for (listNode *ln = listFirst(clients); ln; ln = listNext(ln)) {
        watchedKey *wk = listNodeValue(ln);
        if (wk->expired && !dbKeyPresent(db, key, klen)) {
            wk->expired = 0;
            continue;
        }
        wk->c->flags |= CLIENT_DIRTY_CAS;
    }
}

/* Redis's touchAllWatchedKeysInDb: `emptied` loses its content, which
 * `replacedWith` (or nothing, -1) takes the place of.  Called before the
 * change. */
static void touchAllWatchedKeysInDb(int emptied, int replacedWith) {
    if (dictSize(watchedKeys) == 0) return;
    dictIterator *it = dictGetSafeIterator(watchedKeys);
    dictEntry *de;
    while ((de = dictNext(it)) != NULL) {
        bstr dkey = dictGetKey(de);
        if (dkeyDb(dkey) != emptied) continue;
        size_t klen;
        const char *key = dkeyKey(dkey, &klen);
        int inEmptied = dbKeyPresent(emptied, key, klen);
        int inReplacement = replacedWith >= 0 && dbKeyPresent(replacedWith, key, klen);
        if (!inEmptied && !inReplacement) continue;
        list *clients = dictGetVal(de);
        for (listNode *ln = listFirst(clients); ln; ln = listNext(ln)) {
            watchedKey *wk = listNodeValue(ln);
            if (wk->expired) {
                if (!inReplacement) {
                    wk->expired = 0; /* an expired key deleted: no change */
                    continue;
                }
                if (dbKeyIsExpired(replacedWith, key, klen)) continue;
            } else if (!inEmptied && dbKeyIsExpired(replacedWith, key, klen)) {
                wk->expired = 1; /* a missing key replaced by an expired one */
                continue;
            }
            wk->c->flags |= CLIENT_DIRTY_CAS;
        }
    }
    dictReleaseIterator(it);
}

static void flushedDb(int db) {
    if (db >= 0) {
        touchAllWatchedKeysInDb(db, -1);
        return;
    }
    for (int j = 0; j < server.dbnum; j++) touchAllWatchedKeysInDb(j, -1);
}

static void swappedDb(int a, int b) {
    touchAllWatchedKeysInDb(a, b);
    touchAllWatchedKeysInDb(b, a);
}

/* A restore replaced the data set: every watching client is dirty. */
static void dataReplaced(void) {
    if (dictSize(watchedKeys) == 0) return;
    dictIterator *it = dictGetSafeIterator(watchedKeys);
    dictEntry *de;
    while ((de = dictNext(it)) != NULL) {
        list *clients = dictGetVal(de);
        for (listNode *ln = listFirst(clients); ln; ln = listNext(ln)) {
            watchedKey *wk = listNodeValue(ln);
            wk->c->flags |= CLIENT_DIRTY_CAS;
        }
    }
    dictReleaseIterator(it);
}

static const dbKeyspaceListener watchListener = {
    .keyModified = touchWatchedKey,
    .dbFlushed = flushedDb,
    .dbSwapped = swappedDb,
    .dataReplaced = dataReplaced,
};

/* ------------------------------------------------------- client listener */

/* Approximate bytes behind one WATCHed key in the registry (a list node
 * and its record, a hash entry and its bucket slot): Redis counts such
 * overheads per client without walking the tables, and so do we. */
#define MULTI_WATCH_OVERHEAD (sizeof(listNode) + 4 * sizeof(void *))

/* The queued commands' arguments as Redis counts them for CLIENT LIST
 * multi-mem: their bytes plus one pointer per argument; 0 outside MULTI.
 * Queued commands are only ever appended, or all dropped at once, so the
 * sum is kept and only new commands are added (it starts over when the
 * queue shrinks or moves): the memory is counted after every queued
 * command, and a fresh sum each time would make a long transaction
 * quadratic. */
static size_t queuedArgvMemory(client *c) {
    if (c->mstate.count < c->multiMemCounted || c->mstate.commands != c->multiMemArray) {
        c->multiMemArray = c->mstate.commands;
        c->multiMemCounted = 0;
        c->multiMemBytes = 0;
    }
    for (; c->multiMemCounted < c->mstate.count; c->multiMemCounted++) {
        multiCmd *mc = &c->mstate.commands[c->multiMemCounted];
        c->multiMemBytes += (size_t)mc->argc * sizeof(bstr);
        for (int j = 0; j < mc->argc; j++) c->multiMemBytes += bstrLen(mc->argv[j]);
    }
    return c->multiMemBytes;
}

static size_t clientMemory(client *c) {
    size_t mem = queuedArgvMemory(c) + (size_t)c->mstate.cap * sizeof(multiCmd);
    if (c->watchedKeys) mem += listLength(c->watchedKeys) * MULTI_WATCH_OVERHEAD;
    return mem;
}

static void describeClient(client *c, clientDescription *d) {
    d->queuedBytes = queuedArgvMemory(c);
}

static void clientFreed(client *c) {
    multiFreeQueue(c);
    multiUnwatchAllKeys(c);
}

static const clientListener multiClientListener = {
    .clientFreed = clientFreed,
    .clientMemory = clientMemory,
    .describeClient = describeClient,
};

void multiInit(void) {
    watchedKeys = dictCreate(&watchedKeysType);
    dbAddKeyspaceListener(&watchListener);
    clientAddListener(&multiClientListener);
}

/* ------------------------------------------------------------ queueing */

void multiFreeQueue(client *c) {
    for (int i = 0; i < c->mstate.count; i++) {
        multiCmd *mc = &c->mstate.commands[i];
        for (int j = 0; j < mc->argc; j++) bstrFree(mc->argv[j]);
        xfree(mc->argv);
    }
    xfree(c->mstate.commands);
    memset(&c->mstate, 0, sizeof(c->mstate));
}

int multiIsQueueExempt(const command *cmd) {
    if (cmd->parent) return 0;
    static const char *const exempt[] = {"exec", "discard", "multi", "watch", "quit", "reset",
                                         NULL};
    for (int i = 0; exempt[i]; i++)
        if (!strcmp(cmd->name, exempt[i])) return 1;
    return 0;
}

/* Queues c's request; once the transaction is doomed nothing more is kept,
 * but the client still hears +QUEUED, as in Redis. */
void multiQueueCommand(client *c) {
    if (!(c->flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC))) {
        multiState *ms = &c->mstate;
        if (ms->count == ms->cap) {
            ms->cap = ms->cap ? ms->cap * 2 : 4;
            ms->commands = xrealloc(ms->commands, sizeof(multiCmd) * (size_t)ms->cap);
        }
        multiCmd *mc = &ms->commands[ms->count++];
        mc->cmd = c->cmd;
        mc->argc = c->argc;
        mc->argv = xmalloc(sizeof(bstr) * (size_t)c->argc);
        for (int j = 0; j < c->argc; j++) mc->argv[j] = bstrDup(c->argv[j]);
        ms->cmdFlags |= commandRequestFlags(c);
    }
    replyRaw(c, "+QUEUED\r\n", 9);
}

void multiFlagTransaction(client *c) {
    if (c->flags & CLIENT_MULTI) c->flags |= CLIENT_DIRTY_EXEC;
}

void multiDiscardTransaction(client *c) {
    multiFreeQueue(c);
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
    multiUnwatchAllKeys(c);
}

void multiExecAbort(client *c, const char *err) {
    multiDiscardTransaction(c);
    if (err[0] == '-') err++;
    else if (!strncmp(err, "ERR ", 4)) err += 4; /* a bare message: Redis's "-ERR" */
    replyErrorFormat(c, "-EXECABORT Transaction discarded because of: %s", err);
}

