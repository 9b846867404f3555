/* cmd/multi.c -- MULTI, EXEC, DISCARD, WATCH, UNWATCH.  See multi.h.
 *
 * EXEC runs the queued commands inside one db batch, so the log gets them
 * as one BEGIN + records + COMMIT write: after a crash all of them are
 * there or none.  Single-threaded dispatch makes the transaction atomic
 * for other clients too.  If that batch cannot be written (disk full), the
 * db layer has already rolled the keyspace back; EXEC's array of replies,
 * which may claim writes that are not there, is taken back and replaced
 * with the -MISCONF error (Redis has no equivalent case).
 *
 * WATCH: watchedKeys (a dict from db+key to the list of watchedKey* of
 * the clients watching it) is told of every change by the db layer's
 * keyspace listener and sets CLIENT_DIRTY_CAS on those clients; the
 * rules for keys that are expired at WATCH time, for flushes and SWAPDB
 * are Redis 7.0's (multi.c touchWatchedKey, touchAllWatchedKeysInDb,
 * isWatchedKeyExpired). */
#include "cmd/multi.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
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

static bstr makeDkey(int db, const char *key, size_t klen) {
    uint32_t d = (uint32_t)db;
    bstr k = bstrNewLen((const char *)&d, sizeof(d));
    return bstrCatLen(k, key, klen);
}

static const char *dkeyKey(const bstr dkey, size_t *klen) {
    *klen = bstrLen(dkey) - sizeof(uint32_t);
    return dkey + sizeof(uint32_t);
}

/* ------------------------------------------------------------ watching */

static int clientWatches(client *c, const bstr dkey) {
    if (!c->watchedKeys) return 0;
    for (listNode *ln = listFirst(c->watchedKeys); ln; ln = listNext(ln)) {
        watchedKey *wk = listNodeValue(ln);
        if (bstrDictKeyEqual(wk->dkey, dkey)) return 1;
    }
    return 0;
}

static void watchKey(client *c, int db, const char *key, size_t klen) {
    bstr dkey = makeDkey(db, key, klen);
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

static void unwatchAllKeys(client *c) {
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
static int watchedKeyExpired(client *c) {
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
    bstr dkey = makeDkey(db, key, klen);
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
        uint32_t d;
        memcpy(&d, dkey, sizeof(d));
        if ((int)d != emptied) continue;
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

void multiInit(void) {
    watchedKeys = dictCreate(&watchedKeysType);
    dbAddKeyspaceListener(&watchListener);
}

/* ------------------------------------------------------------ queueing */

static void freeQueue(client *c) {
    for (int i = 0; i < c->mstate.count; i++) {
        multiCmd *mc = &c->mstate.commands[i];
        for (int j = 0; j < mc->argc; j++) bstrFree(mc->argv[j]);
        xfree(mc->argv);
    }
    xfree(c->mstate.commands);
    memset(&c->mstate, 0, sizeof(c->mstate));
}

int multiIsQueueExempt(const command *cmd) {
    commandProc *p = cmd->proc;
    return p == execCommand || p == discardCommand || p == multiCommand ||
           p == watchCommand || p == quitCommand || p == resetCommand;
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
        ms->cmdFlags |= c->cmd->flags;
    }
    replyRaw(c, "+QUEUED\r\n", 9);
}

void multiFlagTransaction(client *c) {
    if (c->flags & CLIENT_MULTI) c->flags |= CLIENT_DIRTY_EXEC;
}

void multiDiscardTransaction(client *c) {
    freeQueue(c);
    c->flags &= ~(CLIENT_MULTI | CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
    unwatchAllKeys(c);
}

void multiFreeClientState(client *c) {
    freeQueue(c);
    unwatchAllKeys(c);
}

/* The queue's memory: Redis's multi-mem (arguments and the command array). */
size_t multiStateMemory(client *c) {
    size_t mem = (size_t)c->mstate.cap * sizeof(multiCmd);
    for (int i = 0; i < c->mstate.count; i++) {
        multiCmd *mc = &c->mstate.commands[i];
        mem += (size_t)mc->argc * sizeof(bstr);
        for (int j = 0; j < mc->argc; j++) mem += bstrAllocSize(mc->argv[j]);
    }
    return mem;
}

void multiExecAbort(client *c, const char *err) {
    multiDiscardTransaction(c);
    if (err[0] == '-') err++;
    else if (!strncmp(err, "ERR ", 4)) err += 4; /* a bare message: Redis's "-ERR" */
    replyErrorFormat(c, "-EXECABORT Transaction discarded because of: %s", err);
}

/* ------------------------------------------------------------ commands */

void multiCommand(client *c) {
    if (c->flags & CLIENT_MULTI) {
        replyError(c, "MULTI calls can not be nested");
        return;
    }
    c->flags |= CLIENT_MULTI;
    replyOk(c);
}

void discardCommand(client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        replyError(c, "DISCARD without MULTI");
        return;
    }
    multiDiscardTransaction(c);
    replyOk(c);
}

void execCommand(client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        replyError(c, "EXEC without MULTI");
        return;
    }
    if (watchedKeyExpired(c)) c->flags |= CLIENT_DIRTY_CAS;
    if (c->flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) {
        if (c->flags & CLIENT_DIRTY_EXEC)
            replyError(c, "-EXECABORT Transaction discarded because of previous errors.");
        else
            replyNullArray(c);
        multiDiscardTransaction(c);
        return;
    }
    unwatchAllKeys(c);

    /* The queue is run with c->argv/argc/cmd pointing at each command in
     * turn; the client's own request (EXEC) is put back afterwards. */
    multiState ms = c->mstate;
    memset(&c->mstate, 0, sizeof(c->mstate));
    c->flags &= ~CLIENT_MULTI;
    int origArgc = c->argc;
    bstr *origArgv = c->argv;
    command *origCmd = c->cmd;

    replyMark mark;
    replyMarkSet(c, &mark);
    replyArrayLen(c, ms.count);
    dbBatchBegin();
    c->flags |= CLIENT_DENY_BLOCKING;
    for (int j = 0; j < ms.count; j++) {
        c->argc = ms.commands[j].argc;
        c->argv = ms.commands[j].argv;
        c->cmd = ms.commands[j].cmd;
        commandCall(c);
        /* A command may have changed argv (none does yet); keep what is
         * there so it is freed below. */
        ms.commands[j].argc = c->argc;
        ms.commands[j].argv = c->argv;
    }
    c->flags &= ~CLIENT_DENY_BLOCKING;
    if (dbBatchCommit() != DB_OK) {
        /* Nothing of the transaction was applied: no reply may say it was. */
        replyRewind(c, &mark);
        replyError(c, dbWriteErrorReply());
    }
    c->argc = origArgc;
    c->argv = origArgv;
    c->cmd = origCmd;
    c->mstate = ms;
    freeQueue(c);
    c->flags &= ~(CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
}

void watchCommand(client *c) {
    if (c->flags & CLIENT_MULTI) {
        replyError(c, "WATCH inside MULTI is not allowed");
        return;
    }
    /* No point in watching if the client is already dirty. */
    if (!(c->flags & CLIENT_DIRTY_CAS))
        for (int j = 1; j < c->argc; j++) watchKey(c, c->db, c->argv[j], bstrLen(c->argv[j]));
    replyOk(c);
}

void unwatchCommand(client *c) {
    unwatchAllKeys(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    replyOk(c);
}
