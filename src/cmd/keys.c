/* cmd/keys.c -- the basic keyspace commands DEL, UNLINK, EXISTS, DBSIZE,
 * FLUSHDB, FLUSHALL, RANDOMKEY, TYPE and TOUCH, with Redis 7.0's replies and
 * errors (db.c / server.c).
 *
 * A DEL of several keys is one write batch, so it is atomic on disk like
 * any multi-key write (DESIGN.md).  What differs is where the memory of a
 * deleted collection's index is freed, as in Redis 7.0: UNLINK hands a
 * big collection (more than LAZYFREE_THRESHOLD elements in a hashtable)
 * to the lazy-free thread (store/lazyfree.h), DEL does so only with
 * lazyfree-lazy-user-del yes; FLUSHDB and FLUSHALL free the emptied
 * databases there with ASYNC, or without an argument when
 * lazyfree-lazy-user-flush is yes.  The replies are the same either way:
 * the keys are gone from the keyspace before the reply.
 *
 * TYPE answers "string", "hash", "set" or "none".
 * TOUCH counts the keys that exist: no per-key access time is kept (see
 * cmd/object.c, OBJECT IDLETIME). */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"

#include <strings.h>

int replyDbError(client *c, int rc) {
    if (rc == DB_WRONGTYPE) {
        replyError(c, "-WRONGTYPE Operation against a key holding the wrong kind of value");
        return 1;
    }
    if (rc == DB_ERR_WRITE) {
        replyError(c, dbWriteErrorReply());
        return 1;
    }
    if (rc == DB_ERR_READ) {
        replyError(c, "Error reading value from the data file");
        return 1;
    }
    return 0;
}

int argLongLongOrReply(client *c, int i, long long *out) {
    if (numParseLongLong(c->argv[i], ARGLEN(c, i), out)) return 1;
    replyErrorNotInteger(c);
    return 0;
}

int argLongLongMsgOrReply(client *c, int i, const char *msg, long long *out) {
    if (numParseLongLong(c->argv[i], ARGLEN(c, i), out)) return 1;
    replyError(c, msg);
    return 0;
}

/* DEL / UNLINK key [key ...]: the number of keys removed.  A key named
 * twice is removed once.  Several keys are one batch (a single delete is
 * atomic by itself): if it cannot be written nothing is removed and the
 * client gets the write error. */
static void delGeneric(client *c, int lazy) {
    long long deleted = 0;
    int rc = DB_OK, commit = DB_OK, batch = c->argc > 2;
    if (batch) dbBatchBegin();
    for (int j = 1; j < c->argc; j++) {
        rc = dbDeleteFreeing(c->db, c->argv[j], bstrLen(c->argv[j]), lazy);
        if (rc == DB_OK) {
            deleted++;
            /* Queued by a batch: dropped if it rolls back. */
            notifyKeyspaceEvent(NOTIFY_GENERIC, "del", c->argv[j], bstrLen(c->argv[j]), c->db);
        }
        else if (rc != DB_MISSING) break;
    }
    if (batch) commit = dbBatchCommit();
    if (replyDbError(c, rc) || replyDbError(c, commit)) return;
    replyLongLong(c, deleted);
}

void delCommand(client *c) { delGeneric(c, lazyfreeSettings.lazyUserDel); }

void unlinkCommand(client *c) { delGeneric(c, 1); }

/* Replies how many of the keys argv[1..] 'found' finds (a key named
 * several times counts each time), with a keymiss event for each miss. */
static void countKeys(client *c, int (*found)(int db, const char *key, size_t klen)) {
    long long count = 0;
    for (int j = 1; j < c->argc; j++)
        if (found(c->db, c->argv[j], bstrLen(c->argv[j]))) count++;
        else notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[j], bstrLen(c->argv[j]), c->db);
    replyLongLong(c, count);
}

/* EXISTS key [key ...]: not an access of the keys (db.h dbExists). */
void existsCommand(client *c) { countKeys(c, dbExists); }

void dbsizeCommand(client *c) { replyLongLong(c, dbSize(c->db)); }

/* Redis's getFlushCommandFlags: no argument (lazy per
 * lazyfree-lazy-user-flush), or exactly one of ASYNC / SYNC (any case).
 * Returns 0 after replying a syntax error. */
static int flushArgsOrReply(client *c, int *lazy) {
    *lazy = lazyfreeSettings.lazyUserFlush;
    if (c->argc == 1) return 1;
    if (c->argc == 2 && (!strcasecmp(c->argv[1], "async") || !strcasecmp(c->argv[1], "sync"))) {
        *lazy = !strcasecmp(c->argv[1], "async");
        return 1;
    }
    replyErrorSyntax(c);
    return 0;
}

/* FLUSHDB / FLUSHALL: db is the database to empty, or -1 for all. */
static void flushGeneric(client *c, int db) {
    int lazy;
    if (!flushArgsOrReply(c, &lazy)) return;
    if (replyDbError(c, dbFlush(db, lazy))) return;
    replyOk(c);
}

void flushdbCommand(client *c) { flushGeneric(c, c->db); }

void flushallCommand(client *c) { flushGeneric(c, -1); }

/* RANDOMKEY: a random key that has not expired, or a null when the
 * database has none. */
void randomkeyCommand(client *c) {
    bstr key;
    int rc = dbRandomKey(c->db, &key);
    if (rc != DB_OK) {
        replyNull(c);
        return;
    }
    replyBulkBstr(c, key);
    bstrFree(key);
}

/* TYPE key: +string, or +none for a missing key. */
void typeCommand(client *c) {
    int type = dbKeyType(c->db, c->argv[1], bstrLen(c->argv[1]));
    if (type == DB_TYPE_NONE)
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], bstrLen(c->argv[1]), c->db);
    replyStatus(c, dbTypeName(type));
}

/* TOUCH key [key ...]: EXISTS that counts as an access of each key (its
 * LRU/LFU clock, db/evict.h), as a read does. */
void touchCommand(client *c) { countKeys(c, dbTouch); }
