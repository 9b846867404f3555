/* cmd/dump.c -- DUMP and RESTORE: a key's value as Redis 7.0's serialized
 * payload and back (cluster.c dumpCommand / restoreCommand), so keys move
 * between redis-kv and redis-server in either direction.  The bytes are
 * lib/rdb_encoding.h's (a stream's, lib/rdb_stream.h's); this file only
 * reads the key and writes it.
 *
 * What DUMP writes follows the key's encoding as Redis's would: a hash in
 * the listpack encoding becomes RDB_TYPE_HASH_LISTPACK, a hashtable one
 * RDB_TYPE_HASH; an intset becomes RDB_TYPE_SET_INTSET, a hashtable set
 * RDB_TYPE_SET; a list becomes RDB_TYPE_LIST_QUICKLIST_2 cut into the
 * nodes Redis's RPUSH of its elements into an empty list makes under
 * list-max-listpack-size and list-compress-depth (lib/quicklist.h).
 * RESTORE also takes the list types Redis 7.0 still loads (quicklist of
 * ziplists, ziplist, plain).  A stream becomes RDB_TYPE_STREAM_LISTPACKS_2
 * with its entries cut into the listpack nodes Redis's XADDs of them
 * would make (lib/rdb_stream.h); RESTORE also takes 6.x's
 * RDB_TYPE_STREAM_LISTPACKS.  RESTORE writes the key in one batch (the old key's
 * removal under REPLACE, the elements and the TTL): after a crash the
 * log holds the old key or the new one, never a part of it.
 *
 * Where redis-kv's bytes or keys differ from redis-server's, and why:
 *   - An intset is dumped in the narrowest width of its members; Redis
 *     keeps the width of the widest member it ever held (SADD s 1 70000,
 *     SREM s 70000 dumps 32-bit values there, 16-bit ones here).  Both
 *     restore to the same set.
 *   - A list's node boundaries in Redis follow its history (LPUSH fills
 *     nodes from the head, LINSERT and LREM split and merge them);
 *     redis-kv keeps only the elements, so a list not built by RPUSH
 *     alone may dump with other boundaries here.  Both restore to the
 *     same list.
 *   - A stream's nodes in Redis keep deleted entries (XDEL, an exact
 *     trim) flagged inside them, and its later nodes are cut counting
 *     them; redis-kv keeps only the live entries and cuts its nodes anew
 *     from them, so a stream with deletions inside a node dumps with
 *     other nodes here (no flagged entries, other boundaries).  A stream
 *     built by XADDs (and trims of whole nodes) dumps to Redis's bytes.
 *     Both restore to the same stream.
 *   - A stream payload whose entries are out of order, above its last
 *     ID or not as many as its length says is refused; Redis loads it
 *     into a stream its commands then get wrong.
 *   - A restored hash takes the encoding its contents get when written
 *     (store/collection.h): a listpack payload with a value longer than
 *     hash-max-listpack-value becomes a hashtable, where Redis keeps the
 *     listpack until the next write.
 *   - Payloads are validated fully, as Redis does with
 *     sanitize-dump-payload yes; a value that runs on into the footer, an
 *     LZF string of length 0 and strings longer than proto-max-bulk-len
 *     are refused where Redis loads them. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "cmd/stream.h"
#include "db/db.h"
#include "db/evict.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "lib/rdb_encoding.h"
#include "lib/rdb_stream.h"
#include "pubsub/notify.h"
#include "server/server.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* rdbcompression: with "no", Redis's DUMP stores long strings
 * uncompressed, and so does this one. */
static int dumpCompression(void) { return server.rdbcompression; }

/* The quicklist settings DUMP cuts a list's nodes by. */
static qlOptions dumpListOptions(void) {
    return (qlOptions){server.listMaxListpackSize, server.listCompressDepth, QL_PACKED_THRESHOLD};
}

/* The payload of a collection key: its names and values read out first
 * (DB_ERR_READ when a value cannot be read), then serialized in the
 * encoding that matches the collection's.  A list's names (positions)
 * are not needed: its values come in list order. */
/* A stream's live entries, in ID order, each entry's fields read from
 * the log (DB_ERR_READ when one cannot be read or does not parse). */
static int dumpStreamEntries(const collection *c, size_t klen, rdbStream *s) {
    uint64_t count = collStreamLength(c);
    s->entries = xcalloc(count ? count : 1, sizeof(rdbStreamEntry));
    collStreamIter it;
    streamId from = {0, 0};
    collLoc loc;
    collStreamSeek(&it, c, &from);
    while (s->nentries < count && collStreamNext(&it, &from, &loc)) {
        collElem el = {.nlen = COLL_STREAM_ENTRY_NAME_LEN, .loc = loc};
        bstr v;
        int rc = dbElementValue(klen, &el, &v);
        if (rc != DB_OK) return rc;
        rdbStreamEntry *e = &s->entries[s->nentries++];
        e->id = from;
        streamFieldIter fi;
        const char *f;
        size_t flen;
        int ok = streamFieldIterInit(&fi, v, bstrLen(v));
        e->items = xmalloc((ok && fi.left ? fi.left : 1) * sizeof(bstr));
        while (ok && streamFieldNext(&fi, &f, &flen)) e->items[e->nitems++] = bstrNewLen(f, flen);
        ok = ok && fi.left == 0 && e->nitems > 0;
        bstrFree(v);
        if (!ok) return DB_ERR_READ;
    }
    return DB_OK;
}

static int comparePendingIds(const void *a, const void *b) {
    return streamIdCompare(&((const rdbStreamPending *)a)->id, &((const rdbStreamPending *)b)->id);
}

/* One group: its consumers (in the index's name order) and its pending
 * entries, gathered consumer by consumer, then put in ID order. */
static void dumpStreamGroup(const collStreamGroup *g, rdbStreamGroup *out) {
    size_t len;
    const char *name = collStreamGroupNameOf(g, &len);
    out->name = bstrNewLen(name, len);
    out->lastId = *collStreamGroupLastId(g);
    out->entriesRead = collStreamGroupEntriesRead(g);
    uint32_t n = collStreamConsumerCount(g);
    uint64_t npending = collStreamGroupPendingCount(g);
    out->consumers = xcalloc(n ? n : 1, sizeof(rdbStreamConsumer));
    out->pending = xmalloc((npending ? npending : 1) * sizeof(rdbStreamPending));
    for (uint32_t k = 0; k < n; k++) {
        const collStreamConsumer *kc = collStreamConsumerAt(g, k);
        name = collStreamConsumerNameOf(kc, &len);
        out->consumers[k] = (rdbStreamConsumer){bstrNewLen(name, len), collStreamConsumerSeenTime(kc)};
        out->nconsumers++;
        collStreamPendingIter it;
        collStreamPending p;
        streamId from = {0, 0};
        collStreamPendingSeek(&it, g, kc, &from);
        while (out->npending < npending && collStreamPendingNext(&it, &p))
            out->pending[out->npending++] =
                (rdbStreamPending){p.id, p.deliveryTime, p.deliveryCount, k};
    }
    qsort(out->pending, out->npending, sizeof(rdbStreamPending), comparePendingIds);
}

/* A stream's payload: counters, entries, groups (lib/rdb_stream.h). */
static int dumpStream(int db, const char *key, size_t klen, bstr *payload) {
    int rc;
    const collection *c = dbCollection(db, key, klen, COLL_STREAM, &rc);
    if (!c) return rc;
    const collStreamMeta *m = collStreamGetMeta(c);
    rdbStream s = {.lastId = m->lastId, .maxDeleted = m->maxDeleted,
                   .entriesAdded = m->entriesAdded};
    rc = dumpStreamEntries(c, klen, &s);
    uint32_t ngroups = collStreamGroupCount(c);
    s.groups = xcalloc(ngroups ? ngroups : 1, sizeof(rdbStreamGroup));
    for (uint32_t i = 0; rc == DB_OK && i < ngroups; i++, s.ngroups++)
        dumpStreamGroup(collStreamGroupAt(c, i), &s.groups[i]);
    if (rc == DB_OK)
        *payload = rdbPayloadStream(&s, (uint64_t)server.streamNodeMaxEntries,
                                    (uint64_t)server.streamNodeMaxBytes, dumpCompression());
    rdbStreamFree(&s);
    return rc;
}

/* A sorted set's payload: its members and scores, all in memory. */
static bstr dumpZset(const collection *z) {
    size_t n = 0, count = collCount(z);
    bstr *names = xmalloc(sizeof(bstr) * (count ? count : 1));
    double *scores = xmalloc(sizeof(double) * (count ? count : 1));
    collIter it;
    collElem el;
    collIterInit(&it, z);
    while (n < count && collIterNext(&it, &el)) {
        names[n] = bstrNewLen(el.name, el.nlen);
        scores[n++] = el.score;
    }
    bstr payload = rdbPayloadZset(names, scores, n, collEncoding(z) == COLL_ENC_ZPACKED,
                                  dumpCompression());
    for (size_t i = 0; i < n; i++) bstrFree(names[i]);
    xfree(names);
    xfree(scores);
    return payload;
}

static int dumpCollection(int db, const char *key, size_t klen, int type, bstr *payload) {
    int rc;
    const collection *coll = dbCollection(db, key, klen, type, &rc);
    if (!coll) return rc;
    if (type == COLL_STREAM) return dumpStream(db, key, klen, payload);
    if (type == COLL_ZSET) {
        *payload = dumpZset(coll);
        return DB_OK;
    }
    size_t n = 0, count = collCount(coll);
    bstr *names = type != COLL_LIST ? xcalloc(count ? count : 1, sizeof(bstr)) : NULL;
    bstr *values = type != COLL_SET ? xcalloc(count ? count : 1, sizeof(bstr)) : NULL;
    collIter it;
    collElem el;
    collIterInit(&it, coll);
    rc = DB_OK;
    while (rc == DB_OK && collIterNext(&it, &el)) {
        if (values) rc = dbElementValue(klen, &el, &values[n]);
        if (rc != DB_OK) break;
        if (names) names[n] = bstrNewLen(el.name, el.nlen);
        n++;
    }
    if (rc == DB_OK && type == COLL_HASH) {
        *payload = rdbPayloadHash(names, values, n, collEncoding(coll) == COLL_ENC_PACKED,
                                  dumpCompression());
    } else if (rc == DB_OK && type == COLL_LIST) {
        qlOptions opt = dumpListOptions();
        *payload = rdbPayloadList(values, n, &opt, dumpCompression());
    } else if (rc == DB_OK) {
        *payload = rdbPayloadSet(names, n, collEncoding(coll) == COLL_ENC_INTSET, dumpCompression());
    }
    for (size_t i = 0; i < n; i++) {
        if (names) bstrFree(names[i]);
        if (values) bstrFree(values[i]);
    }
    xfree(names);
    xfree(values);
    return rc;
}

/* DUMP key: the serialized value, or a null for a missing key. */
void dumpCommand(client *c) {
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    int type = dbKeyType(c->db, key, klen);
    if (type == DB_TYPE_NONE) {
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", key, klen, c->db);
        replyNull(c);
        return;
    }
    bstr payload = NULL, value = NULL;
    int rc;
    if (type == DB_TYPE_STRING) {
        rc = dbGet(c->db, key, klen, &value);
        if (rc == DB_OK) payload = rdbPayloadString(value, bstrLen(value), dumpCompression());
        bstrFree(value);
    } else {
        rc = dumpCollection(c->db, key, klen, type, &payload);
    }
    if (replyDbError(c, rc)) return;
    replyBulkBstr(c, payload);
    bstrFree(payload);
}

/* RESTORE's options, from argv[4] on. */
typedef struct restoreOptions {
    int replace, absttl;
    long long idle, freq; /* -1 when not given */
} restoreOptions;

/* Parses the options as Redis does: IDLETIME and FREQ exclude each other
 * (the second is a syntax error) and their values are checked at once.
 * Returns 0 after replying the error. */
static int restoreOptionsOrReply(client *c, restoreOptions *o) {
    *o = (restoreOptions){0, 0, -1, -1};
    for (int j = 4; j < c->argc; j++) {
        const char *opt = c->argv[j];
        int hasValue = j + 1 < c->argc;
        if (!strcasecmp(opt, "replace")) {
            o->replace = 1;
        } else if (!strcasecmp(opt, "absttl")) {
            o->absttl = 1;
        } else if (!strcasecmp(opt, "idletime") && hasValue && o->freq == -1) {
            if (!argLongLongOrReply(c, ++j, &o->idle)) return 0;
            if (o->idle < 0) {
                replyError(c, "Invalid IDLETIME value, must be >= 0");
                return 0;
            }
        } else if (!strcasecmp(opt, "freq") && hasValue && o->idle == -1) {
            if (!argLongLongOrReply(c, ++j, &o->freq)) return 0;
            if (o->freq < 0 || o->freq > 255) {
                replyError(c, "Invalid FREQ value, must be >= 0 and <= 255");
                return 0;
            }
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

static int restoreCollType(int kind) {
    switch (kind) {
    case RDB_OBJ_HASH: return COLL_HASH;
    case RDB_OBJ_SET: return COLL_SET;
    case RDB_OBJ_ZSET: return COLL_ZSET;
    default: return COLL_LIST;
    }
}

/* A decoded stream's element writes, in the order replay needs them:
 * the counters, every entry (added 0: the counters stay as written),
 * then each group, its consumers, its pending entries. */
static int restoreStream(int db, const char *key, size_t klen, const rdbStream *s) {
    bstr k = bstrNewLen(key, klen);
    collStreamMeta m = {s->lastId, s->entriesAdded, s->maxDeleted};
    int rc = streamWriteMeta(db, k, &m);
    for (size_t i = 0; rc == DB_OK && i < s->nentries; i++) {
        const rdbStreamEntry *e = &s->entries[i];
        size_t vlen, *lens = xmalloc(e->nitems * sizeof(size_t));
        for (size_t j = 0; j < e->nitems; j++) lens[j] = bstrLen(e->items[j]);
        char *v = streamEncodeStrings((const char *const *)e->items, lens, (int)e->nitems, &vlen);
        rc = streamWriteEntry(db, k, &e->id, 0, v, vlen);
        xfree(v);
        xfree(lens);
    }
    for (size_t i = 0; rc == DB_OK && i < s->ngroups; i++) {
        const rdbStreamGroup *g = &s->groups[i];
        size_t glen = bstrLen(g->name);
        rc = streamWriteGroup(db, k, g->name, glen, &g->lastId, g->entriesRead);
        for (size_t j = 0; rc == DB_OK && j < g->nconsumers; j++)
            rc = streamWriteConsumer(db, k, g->name, glen, g->consumers[j].name,
                                     bstrLen(g->consumers[j].name), g->consumers[j].seenTime);
        for (size_t j = 0; rc == DB_OK && j < g->npending; j++) {
            const rdbStreamPending *p = &g->pending[j];
            bstr owner = g->consumers[p->consumer].name;
            rc = streamWritePending(db, k, g->name, glen, &p->id, p->deliveryTime,
                                    p->deliveryCount, owner, bstrLen(owner));
        }
    }
    bstrFree(k);
    return rc;
}

/* Writes the decoded object at key with its expiry (DB_NO_EXPIRE: none),
 * the old key (under REPLACE) deleted first, all in one batch. */
static int restoreObject(int db, const char *key, size_t klen, const rdbObject *o,
                         int64_t expireAt) {
    int rc = DB_OK, existed;
    dbBatchBegin();
    /* Deleted rather than overwritten, as Redis's dbDelete + dbAdd: the
     * key is then new, and a keyspace "new" event follows. */
    if (dbExists(db, key, klen)) rc = dbDelete(db, key, klen);
    if (rc == DB_OK && o->kind == RDB_OBJ_STRING) {
        rc = dbSet(db, key, klen, o->str, bstrLen(o->str), expireAt);
    } else if (rc == DB_OK && o->kind == RDB_OBJ_STREAM) {
        rc = restoreStream(db, key, klen, o->stream);
        if (rc == DB_OK && expireAt != DB_NO_EXPIRE) rc = dbSetExpire(db, key, klen, expireAt);
    } else if (rc == DB_OK) {
        int list = o->kind == RDB_OBJ_LIST;
        bstr *names = list ? listRankNames(o->n) : o->names;
        const bstr *values = o->kind == RDB_OBJ_SET ? NULL : o->values;
        rc = dbReplaceCollection(db, restoreCollType(o->kind), key, klen, names, values, o->n,
                                 &existed);
        if (rc == DB_OK && expireAt != DB_NO_EXPIRE) rc = dbSetExpire(db, key, klen, expireAt);
        if (list) listRankNamesFree(names, o->n);
    }
    int commit = dbBatchCommit();
    return rc != DB_OK ? rc : commit;
}

/* Under REPLACE, a payload whose absolute TTL has passed removes the old
 * key (a "del" event when there was one) and restores nothing, as Redis's
 * RESTORE does; without REPLACE there is no key (BUSYKEY came first). */
static void restoreExpired(client *c, const restoreOptions *o) {
    if (o->replace) {
        int rc = dbDelete(c->db, c->argv[1], ARGLEN(c, 1));
        if (replyDbError(c, rc)) return;
        if (rc == DB_OK)
            notifyKeyspaceEvent(NOTIFY_GENERIC, "del", c->argv[1], ARGLEN(c, 1), c->db);
    }
    replyOk(c);
}

/* RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f].
 * The checks in Redis's order: options, BUSYKEY, the TTL, the payload's
 * version and CRC, then its contents. */
void restoreCommand(client *c) {
    restoreOptions o;
    long long ttl;
    if (!restoreOptionsOrReply(c, &o)) return;
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    if (!o.replace && dbExists(c->db, key, klen)) {
        replyError(c, "-BUSYKEY Target key name already exists.");
        return;
    }
    if (!argLongLongOrReply(c, 2, &ttl)) return;
    if (ttl < 0) {
        replyError(c, "Invalid TTL value, must be >= 0");
        return;
    }
    if (!rdbPayloadVerify(c->argv[3], ARGLEN(c, 3))) {
        replyError(c, "DUMP payload version or checksum are wrong");
        return;
    }
    /* A string, name or value is at most a bulk's size (proto-max-bulk-len,
     * and the 512 MB the index and the keydir hold). */
    size_t maxString = (size_t)server.protoMaxBulkLen;
    if (maxString > COLL_NAME_MAX) maxString = COLL_NAME_MAX;
    rdbObject obj;
    if (!rdbPayloadDecode(c->argv[3], ARGLEN(c, 3), maxString, &obj)) {
        replyError(c, "Bad data format");
        return;
    }
    /* A relative TTL that overflows when added to the clock wraps to the
     * past in Redis (the key is expired at once): so here too. */
    long long now = cachedClock.mstime;
    int64_t expireAt = DB_NO_EXPIRE;
    if (ttl) expireAt = o.absttl ? ttl : ttl > INT64_MAX - now ? INT64_MIN : ttl + now;
    if (ttl && expireAt <= now) {
        restoreExpired(c, &o);
    } else {
        int rc = restoreObject(c->db, key, klen, &obj, expireAt);
        uint32_t clock;
        if (rc == DB_OK && dbKeyAccessClock(c->db, key, klen, &clock) == DB_OK)
            dbSetKeyAccessClock(c->db, key, klen, evictRestoredClock(clock, o.idle, o.freq));
        if (!replyDbError(c, rc)) {
            notifyKeyspaceEvent(NOTIFY_GENERIC, "restore", key, klen, c->db);
            replyOk(c);
        }
    }
    rdbObjectFree(&obj);
}
