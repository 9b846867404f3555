/* cmd/hash.c -- the hash commands, with Redis 7.0's replies, errors and
 * keyspace events (t_hash.c): HSET HSETNX HMSET HGET HMGET HGETALL HKEYS
 * HVALS HDEL HLEN HSTRLEN HEXISTS HINCRBY HINCRBYFLOAT HSCAN HRANDFIELD.
 *
 * A hash is a collection (store/collection.h) of fields whose values stay
 * in the log: every field written is one ELEMENT record, and a command
 * that writes several is one batch, so it reaches the disk whole or not
 * at all.  Handlers talk to db/ only (db.h, "Collections"); the index is
 * walked through collection.h's read-only API.  A command's writes are
 * one change for WATCH and client tracking (dbKeyModified), and one
 * keyspace event, as in Redis. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#define KEY(c) (c)->argv[1], ARGLEN(c, 1)

/* The hash at argv[1] for a write: NULL when missing (nothing replied)
 * or of another type (WRONGTYPE replied, *failed set). */
static const collection *hashAt(client *c, int *failed) {
    int rc;
    const collection *h = dbCollection(c->db, KEY(c), COLL_HASH, &rc);
    *failed = replyDbError(c, rc);
    return h;
}

/* hashAt for a read: a missing key is a "keymiss" event, as Redis's
 * lookupKeyRead sends. */
static const collection *hashRead(client *c, int *failed) {
    const collection *h = hashAt(c, failed);
    if (!h && !*failed) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", KEY(c), c->db);
    return h;
}

/* 0 after replying WRONGTYPE when argv[1] holds something else than a
 * hash (a missing key is fine: a write creates it). */
static int hashWritableOrReply(client *c) {
    int rc;
    dbCollection(c->db, KEY(c), COLL_HASH, &rc);
    return rc != DB_WRONGTYPE || !replyDbError(c, rc);
}

/* Sets field i / value i + 1 of argv (one ELEMENT record); *added counts
 * new fields. */
static int setField(client *c, int i, long long *added) {
    int created = 0;
    int rc = dbElementPut(c->db, COLL_HASH, KEY(c), c->argv[i], ARGLEN(c, i), c->argv[i + 1],
                          ARGLEN(c, i + 1), &created);
    *added += created;
    return rc;
}

/* The end of a write command: one change signalled, one event. */
static void hashWritten(client *c, const char *event) {
    dbKeyModified(c->db, KEY(c));
    notifyKeyspaceEvent(NOTIFY_HASH, event, KEY(c), c->db);
}

/* HSET / HMSET key field value [field value ...]: every pair, one batch. */
static void hsetGeneric(client *c, int hmset) {
    if (c->argc % 2 == 1) {
        replyErrorArity(c);
        return;
    }
    if (!hashWritableOrReply(c)) return;
    long long added = 0;
    int rc = DB_OK, commit = DB_OK, batch = c->argc > 4; /* one write is atomic alone */
    if (batch) dbBatchBegin();
    for (int i = 2; i < c->argc && rc == DB_OK; i += 2) rc = setField(c, i, &added);
    if (batch) commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    if (hmset) replyOk(c);
    else replyLongLong(c, added);
    hashWritten(c, "hset");
}

void hsetCommand(client *c) { hsetGeneric(c, 0); }
void hmsetCommand(client *c) { hsetGeneric(c, 1); }

void hsetnxCommand(client *c) {
    int failed;
    const collection *h = hashAt(c, &failed);
    if (failed) return;
    if (h && collFind(h, c->argv[2], ARGLEN(c, 2), NULL)) {
        replyLongLong(c, 0);
        return;
    }
    long long added = 0;
    if (replyDbError(c, setField(c, 2, &added))) return;
    replyLongLong(c, 1);
    hashWritten(c, "hset");
}

/* The value of field argv[i] of h as a bulk, or a null. */
static void replyField(client *c, const collection *h, const char *field, size_t flen) {
    bstr v;
    int rc = h ? dbElementGet(c->db, COLL_HASH, KEY(c), field, flen, &v) : DB_MISSING;
    if (rc == DB_MISSING) {
        replyNull(c);
    } else if (rc != DB_OK) {
        replyDbError(c, rc);
    } else {
        replyBulkBstr(c, v);
        bstrFree(v);
    }
}

void hgetCommand(client *c) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (!failed) replyField(c, h, c->argv[2], ARGLEN(c, 2));
}

/* HMGET: a null for every field of a missing key, as Redis. */
void hmgetCommand(client *c) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (failed) return;
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) replyField(c, h, c->argv[i], ARGLEN(c, i));
}

void hlenCommand(client *c) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (!failed) replyLongLong(c, h ? collCount(h) : 0);
}

/* HSTRLEN: the value's length, known without reading it. */
void hstrlenCommand(client *c) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (failed) return;
    collLoc loc;
    replyLongLong(c, h && collFind(h, c->argv[2], ARGLEN(c, 2), &loc) ? loc.valueLen : 0);
}

void hexistsCommand(client *c) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (!failed) replyLongLong(c, h && collFind(h, c->argv[2], ARGLEN(c, 2), NULL));
}

/* HDEL key field [field ...]: the fields removed, one batch; the key goes
 * with its last field ("hdel", then "del"). */
void hdelCommand(client *c) {
    int failed;
    const collection *h = hashAt(c, &failed);
    if (failed) return;
    if (!h) {
        replyLongLong(c, 0);
        return;
    }
    long long deleted = 0;
    int rc = DB_OK, keyRemoved = 0, commit = DB_OK, batch = c->argc > 3;
    if (batch) dbBatchBegin();
    for (int i = 2; i < c->argc && rc == DB_OK && !keyRemoved; i++) {
        rc = dbElementDelete(c->db, COLL_HASH, KEY(c), c->argv[i], ARGLEN(c, i), &keyRemoved);
        if (rc == DB_OK) deleted++;
        else if (rc == DB_MISSING) rc = DB_OK;
    }
    if (batch) commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    replyLongLong(c, deleted);
    if (!deleted) return;
    hashWritten(c, "hdel");
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", KEY(c), c->db);
}

/* ------------------------------------------------------------------ */
/* HINCRBY, HINCRBYFLOAT */

/* The current value of field argv[2] of the hash at argv[1]: *value NULL
 * when the key or the field is missing.  0 after replying an error. */
static int currentField(client *c, bstr *value) {
    *value = NULL;
    if (!hashWritableOrReply(c)) return 0;
    int rc = dbElementGet(c->db, COLL_HASH, KEY(c), c->argv[2], ARGLEN(c, 2), value);
    if (rc == DB_MISSING) return 1;
    return !replyDbError(c, rc);
}

/* Writes the new value of field argv[2] and sends the event. */
static int storeField(client *c, const char *buf, size_t len, const char *event) {
    int rc = dbElementPut(c->db, COLL_HASH, KEY(c), c->argv[2], ARGLEN(c, 2), buf, len, NULL);
    if (replyDbError(c, rc)) return 0;
    hashWritten(c, event);
    return 1;
}

void hincrbyCommand(client *c) {
    long long incr, cur = 0;
    if (!argLongLongOrReply(c, 3, &incr)) return;
    bstr value;
    if (!currentField(c, &value)) return;
    int ok = !value || numParseLongLong(value, bstrLen(value), &cur);
    bstrFree(value);
    if (!ok) {
        replyError(c, "hash value is not an integer");
        return;
    }
    if (!numAddLongLong(cur, incr, &cur)) {
        replyError(c, "increment or decrement would overflow");
        return;
    }
    char buf[NUM_LONG_STR_SIZE];
    int len = numFormatLongLong(buf, sizeof(buf), cur);
    if (storeField(c, buf, (size_t)len, "hincrby")) replyLongLong(c, cur);
}

void hincrbyfloatCommand(client *c) {
    long double incr, cur = 0;
    if (!numParseLongDouble(c->argv[3], ARGLEN(c, 3), &incr)) {
        replyError(c, "value is not a valid float");
        return;
    }
    if (isnan(incr) || isinf(incr)) {
        replyError(c, "value is NaN or Infinity");
        return;
    }
    bstr value;
    if (!currentField(c, &value)) return;
    int ok = !value || numParseLongDouble(value, bstrLen(value), &cur);
    bstrFree(value);
    if (!ok) {
        replyError(c, "hash value is not a float");
        return;
    }
    char buf[NUM_MAX_LONG_DOUBLE_CHARS];
    int len;
    if (!numAddLongDouble(cur, incr, buf, sizeof(buf), &len)) {
        replyError(c, "increment would produce NaN or Infinity");
        return;
    }
    if (storeField(c, buf, (size_t)len, "hincrbyfloat")) replyBulk(c, buf, (size_t)len);
}

/* ------------------------------------------------------------------ */
/* HGETALL, HKEYS, HVALS */

#define WANT_FIELDS 1
#define WANT_VALUES 2

static void getallGeneric(client *c, int want) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (failed) return;
    long long n = h ? collCount(h) : 0;
    if (want == (WANT_FIELDS | WANT_VALUES)) replyMapLen(c, n);
    else replyArrayLen(c, n);
    if (!h) return;
    collIter it;
    collElem el;
    collIterInit(&it, h);
    while (collIterNext(&it, &el)) {
        if (want & WANT_FIELDS) replyBulk(c, el.name, el.nlen);
        if (want & WANT_VALUES) collReplyValue(c, ARGLEN(c, 1), &el);
    }
}

void hgetallCommand(client *c) { getallGeneric(c, WANT_FIELDS | WANT_VALUES); }
void hkeysCommand(client *c) { getallGeneric(c, WANT_FIELDS); }
void hvalsCommand(client *c) { getallGeneric(c, WANT_VALUES); }

/* ------------------------------------------------------------------ */
/* HSCAN, HRANDFIELD */

void hscanCommand(client *c) { collScanCommand(c, COLL_HASH); }

/* The length of HRANDFIELD's count reply of n fields: RESP2 flattens the
 * pairs, RESP3 nests them. */
static void replyFieldValue(client *c, const collElem *el) {
    collReplyValue(c, ARGLEN(c, 1), el);
}

/* HRANDFIELD key count [WITHVALUES] (Redis's hrandfieldWithCountCommand). */
static void hrandfieldWithCount(client *c, long l, int withValues) {
    int failed;
    const collection *h = hashRead(c, &failed);
    if (failed) return;
    if (!h) {
        replyEmptyArray(c);
        return;
    }
    collReplyRandom(c, h, l, withValues, replyFieldValue);
}

void hrandfieldCommand(client *c) {
    if (c->argc >= 3) {
        long l;
        if (!argRangeLongOrReply(c, 2, &l)) return;
        if (c->argc > 4 || (c->argc == 4 && strcasecmp(c->argv[3], "withvalues") != 0)) {
            replyErrorSyntax(c);
            return;
        }
        if (c->argc == 4 && (l < -LONG_MAX / 2 || l > LONG_MAX / 2)) {
            replyError(c, "value is out of range");
            return;
        }
        hrandfieldWithCount(c, l, c->argc == 4);
        return;
    }
    int failed;
    const collection *h = hashRead(c, &failed);
    if (failed) return;
    if (!h) {
        replyNull(c);
        return;
    }
    collElem el;
    collRandom(h, collRandomBits, &el);
    replyBulk(c, el.name, el.nlen);
}
