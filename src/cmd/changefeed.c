/* cmd/changefeed.c -- the change feed: a stream that receives one entry
 * for each change the server commits, written in the same batch as the
 * change, so that after any crash the feed holds an entry for a change if
 * and only if the change survived.  redis-kv's own; off by default.
 *
 * Configuration (server/config.c; CONFIG SET applies to the next change):
 *   changefeed-key      the stream key ("": off)
 *   changefeed-db       its database (0)
 *   changefeed-events   which events, as notify-keyspace-events classes
 *                       ("A": every class but n; the m class is never a
 *                       change and never goes in)
 *   changefeed-keys     a glob pattern the changed key must match ("*")
 *   changefeed-maxlen   approximate retention, MAXLEN ~ n (0: none)
 *
 * An entry's fields: db (the logical database, or "all" for FLUSHALL),
 * key ("" for a database-wide change), event (the keyspace-event name:
 * set, del, expired, lpush, xadd ...; flushdb, flushall, swapdb and
 * restore for the changes Redis sends no event for), and seq (the log
 * sequence number of the change).
 *
 * How an entry joins its change's batch.  Keyspace events are raised by
 * the code that made the change, after it; this module observes them
 * (notifyAddObserver) and appends the entry at once.  For both to be one
 * batch, every write scope (command.h: a top-level call, a blocked
 * client's serve) is made a batch while the feed is on, and so is each
 * run of the active expire cycle (changefeedScopeBegin / End, around it
 * in server/cron.c).  EXEC and scripts are batches of their own already.
 * FLUSHDB, FLUSHALL and SWAPDB are heard (db listeners) before they act:
 * their entries are written at the next change or the end of the scope,
 * whichever comes first -- after they acted, in their place.
 * BACKUP RESTORE replaces the whole data set, the feed's stream with it
 * (a consumer's group rewinds with the data); its entry is the first
 * after it.
 *
 * The feed's own stream is never fed (its changes are not changes of the
 * data), and a feed key that holds another type is left alone (logged
 * once). */
#include "cmd/changefeed.h"

#include <stdio.h>
#include <string.h>

#include "cmd/stream.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/glob.h"
#include "lib/log.h"
#include "pubsub/notify.h"
#include "server/server.h"

static int scopeBatch;      /* this scope's batch is ours to commit */
static int feeding;         /* an entry is being written */
static int wrongTypeLogged;

/* Database-wide changes heard before they act, written at scope end. */
typedef struct pendingChange {
    int db;                 /* -1: every database */
    const char *event;
} pendingChange;

static pendingChange *pending;
static int npending, pendingCap;

int changefeedOn(void) { return server.changefeedKey != NULL && server.changefeedKey[0]; }

/* Whether key of db is the feed's own stream. */
static int isFeedKey(int db, const char *key, size_t klen) {
    return db == server.changefeedDb && klen == strlen(server.changefeedKey) &&
           memcmp(key, server.changefeedKey, klen) == 0;
}

/* Appends one entry (and trims, with changefeed-maxlen), and wakes the
 * feed's readers. */
static void feedAppend(const char *dbField, const char *key, size_t klen, const char *event) {
    const char *fkey = server.changefeedKey;
    size_t fklen = strlen(fkey);
    int fdb = server.changefeedDb, rc;
    if (fdb >= server.dbnum) return;
    bstr bkey = bstrNewLen(fkey, fklen);
    const collection *s = dbCollection(fdb, fkey, fklen, COLL_STREAM, &rc);
    streamId id;
    if (rc == DB_WRONGTYPE) {
        if (!wrongTypeLogged++)
            serverLog(LL_WARNING, "changefeed-key '%s' holds another type: the feed is not written",
                      fkey);
    } else if (streamNextAutoId(s, &id)) {
        char seq[24];
        snprintf(seq, sizeof(seq), "%llu", (unsigned long long)dbLastWriteSeq());
        const char *strs[8] = {"db", dbField, "key", key, "event", event, "seq", seq};
        size_t lens[8] = {2, strlen(dbField), 3, klen, 5, strlen(event), 3, strlen(seq)};
        size_t vlen;
        char *v = streamEncodeStrings(strs, lens, 8, &vlen);
        feeding = 1;
        rc = streamAppendValue(fdb, bkey, s, &id, v, vlen);
        if (rc == DB_OK && server.changefeedMaxlen > 0) {
            streamTrimArgs t = {.strategy = STREAM_TRIM_MAXLEN, .approx = 1,
                                .maxlen = server.changefeedMaxlen, .limit = 10000};
            s = dbCollection(fdb, fkey, fklen, COLL_STREAM, &rc);
            if (s) streamTrim(fdb, bkey, s, &t, &rc);
        }
        if (rc == DB_OK) dbKeyModified(fdb, fkey, fklen);
        feeding = 0;
        xfree(v);
    }
    bstrFree(bkey);
}

static void feedChange(int db, const char *key, size_t klen, const char *event);

/* Writes the database-wide changes heard before they acted: called at
 * the next change (by then they have acted, and they precede it) and at
 * the scope's end. */
static void drainPending(void) {
    int n = npending;
    npending = 0;
    for (int i = 0; i < n; i++) feedChange(pending[i].db, "", 0, pending[i].event);
}

static void feedChange(int db, const char *key, size_t klen, const char *event) {
    char dbField[16];
    if (db < 0) snprintf(dbField, sizeof(dbField), "all");
    else snprintf(dbField, sizeof(dbField), "%d", db);
    feedAppend(dbField, key, klen, event);
}

/* notifyObserver: a keyspace event is a change to record, if it passes
 * the feed's filters. */
static void observeEvent(int type, const char *event, const char *key, size_t klen, int db) {
    if (!changefeedOn() || feeding || (type & NOTIFY_KEY_MISS)) return;
    if (!(type & server.changefeedEvents) || isFeedKey(db, key, klen)) return;
    const char *pat = server.changefeedKeys;
    if (pat && !(pat[0] == '*' && !pat[1]) && !globMatch(pat, strlen(pat), key, klen, 0)) return;
    drainPending();
    feedChange(db, key, klen, event);
}

static void notePending(int db, const char *event) {
    if (!changefeedOn() || !(server.changefeedEvents & NOTIFY_GENERIC)) return;
    if (npending == pendingCap) {
        pendingCap = pendingCap ? pendingCap * 2 : 8;
        pending = xrealloc(pending, sizeof(*pending) * (size_t)pendingCap);
    }
    pending[npending++] = (pendingChange){db, event};
}

static void dbFlushed(int db) { notePending(db, db < 0 ? "flushall" : "flushdb"); }

static void dbSwapped(int a, int b) {
    notePending(a, "swapdb");
    notePending(b, "swapdb");
}

/* BACKUP RESTORE: after the data set was replaced. */
static void dataReplaced(void) {
    npending = 0; /* what was heard before is gone with the old data */
    if (changefeedOn() && (server.changefeedEvents & NOTIFY_GENERIC)) feedChange(-1, "", 0, "restore");
}

void changefeedScopeBegin(void) {
    if (!changefeedOn() || dbInBatch()) return;
    dbBatchBegin();
    scopeBatch = 1;
}

void changefeedScopeEnd(void) {
    drainPending();
    if (scopeBatch) {
        scopeBatch = 0;
        dbBatchCommit(); /* its outcome is the writes' (write_outcome.h) */
    }
}

static const dbKeyspaceListener feedListener = {
    .dbFlushed = dbFlushed,
    .dbSwapped = dbSwapped,
    .dataReplaced = dataReplaced,
};

void changefeedInit(void) {
    notifyAddObserver(observeEvent);
    commandAddWriteScope(changefeedScopeBegin, changefeedScopeEnd);
    dbAddKeyspaceListener(&feedListener);
}
