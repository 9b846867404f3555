/* cmd/stream_common.c -- what the stream commands share (cmd/stream.h). */
#include "cmd/stream.h"

#include <string.h>
#include <strings.h>

#include "client/reply.h"
#include "cmd/handlers.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "server/server.h"

/* ---- Looking a stream up ----------------------------------------------------- */

const collection *streamAt(client *c, int i, int *failed) {
    int rc;
    const collection *s = dbCollection(c->db, c->argv[i], ARGLEN(c, i), COLL_STREAM, &rc);
    *failed = replyDbError(c, rc);
    return s;
}

/* ---- IDs ------------------------------------------------------------------------ */

int streamIdArgOrReply(client *c, int i, uint64_t missingSeq, int strict, streamId *id,
                       int *seqAuto) {
    if (streamIdParse(c->argv[i], ARGLEN(c, i), missingSeq, strict, id, seqAuto) == 0) return 1;
    replyError(c, STREAM_ERR_ID);
    return 0;
}

int streamBoundOrReply(client *c, int i, int isEnd, streamId *id) {
    int exclusive;
    if (streamIdParseBound(c->argv[i], ARGLEN(c, i), isEnd ? UINT64_MAX : 0, id, &exclusive) != 0) {
        replyError(c, STREAM_ERR_ID);
        return 0;
    }
    if (!exclusive) return 1;
    if (isEnd ? streamIdDecr(id) == 0 : streamIdIncr(id) == 0) return 1;
    replyError(c, isEnd ? "invalid end ID for the interval"
                        : "invalid start ID for the interval");
    return 0;
}

void streamReplyId(client *c, const streamId *id) {
    char buf[STREAM_ID_STR_MAX];
    size_t n = streamIdFormat(id, buf);
    replyBulk(c, buf, n);
}

/* ---- Entry values ---------------------------------------------------------------- */

static size_t varintLen(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *varintPut(unsigned char *p, uint64_t v) {
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static int varintGet(const unsigned char **p, const unsigned char *end, uint64_t *v) {
    uint64_t r = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        unsigned char b = *(*p)++;
        r |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = r;
            return 1;
        }
    }
    return 0;
}

char *streamEncodeStrings(const char *const *strs, const size_t *lens, int n, size_t *len) {
    size_t total = varintLen((uint64_t)n);
    for (int i = 0; i < n; i++) total += varintLen(lens[i]) + lens[i];
    unsigned char *buf = xmalloc(total), *p = varintPut(buf, (uint64_t)n);
    for (int i = 0; i < n; i++) {
        p = varintPut(p, lens[i]);
        memcpy(p, strs[i], lens[i]);
        p += lens[i];
    }
    *len = total;
    return (char *)buf;
}

char *streamEncodeFields(client *c, int first, size_t *len) {
    int n = c->argc - first;
    size_t *lens = xmalloc(sizeof(size_t) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) lens[i] = ARGLEN(c, first + i);
    char *v = streamEncodeStrings((const char *const *)(c->argv + first), lens, n, len);
    xfree(lens);
    return v;
}

int streamFieldIterInit(streamFieldIter *it, const char *v, size_t len) {
    it->p = (const unsigned char *)v;
    it->end = it->p + len;
    return varintGet(&it->p, it->end, &it->left) && it->left % 2 == 0;
}

int streamFieldNext(streamFieldIter *it, const char **s, size_t *slen) {
    uint64_t n;
    if (it->left == 0 || !varintGet(&it->p, it->end, &n) || n > (uint64_t)(it->end - it->p))
        return 0;
    *s = (const char *)it->p;
    *slen = (size_t)n;
    it->p += n;
    it->left--;
    return 1;
}

/* ---- Replies --------------------------------------------------------------------- */

/* The fields of an entry value as an array (an error element when the
 * value does not parse: only damage writes one). */
static void replyFields(client *c, const char *v, size_t vlen) {
    streamFieldIter it;
    const char *s;
    size_t slen;
    uint64_t n = 0;
    int ok = streamFieldIterInit(&it, v, vlen);
    while (ok && streamFieldNext(&it, &s, &slen)) n++;
    if (!ok || it.left != 0) {
        replyError(c, "stream entry value is damaged");
        return;
    }
    replyArrayLen(c, (long long)n);
    streamFieldIterInit(&it, v, vlen);
    while (streamFieldNext(&it, &s, &slen)) replyBulk(c, s, slen);
}

void streamReplyEntry(client *c, size_t klen, const streamId *id, const collLoc *loc) {
    replyArrayLen(c, 2);
    streamReplyId(c, id);
    collElem el = {.nlen = COLL_STREAM_ENTRY_NAME_LEN, .loc = *loc};
    bstr v;
    if (replyDbError(c, dbElementValue(klen, &el, &v))) return;
    replyFields(c, v, bstrLen(v));
    bstrFree(v);
}

long long streamReplyRange(client *c, const collection *s, size_t klen, const streamId *start,
                           const streamId *end, long long count, int reverse) {
    void *len = replyDeferredLen(c);
    long long n = 0;
    collStreamIter it;
    streamId id;
    collLoc loc;
    if (streamIdCompare(start, end) <= 0) {
        if (reverse) collStreamSeekLast(&it, s, end);
        else collStreamSeek(&it, s, start);
        while ((count == 0 || n < count) &&
               (reverse ? collStreamPrev(&it, &id, &loc) : collStreamNext(&it, &id, &loc))) {
            if (reverse ? streamIdCompare(&id, start) < 0 : streamIdCompare(&id, end) > 0) break;
            streamReplyEntry(c, klen, &id, &loc);
            n++;
        }
    }
    replySetDeferredArrayLen(c, len, n);
    return n;
}

/* ---- Writes ------------------------------------------------------------------------ */

int streamWriteMeta(int db, const bstr key, const collStreamMeta *m) {
    char name[1], v[COLL_STREAM_META_LEN];
    collStreamMetaName(name);
    collStreamMetaEncode(m, v);
    return dbElementPut(db, COLL_STREAM, key, bstrLen(key), name, 1, v, sizeof(v), NULL);
}

int streamWriteEntry(int db, const bstr key, const streamId *id, uint64_t added, const char *val,
                     size_t vlen) {
    char name[COLL_STREAM_ENTRY_NAME_LEN];
    collStreamEntryName(id, added, name);
    return dbElementPut(db, COLL_STREAM, key, bstrLen(key), name, sizeof(name), val, vlen, NULL);
}

int streamWriteGroup(int db, const bstr key, const char *group, size_t glen,
                     const streamId *lastId, int64_t entriesRead) {
    size_t nlen;
    char *name = collStreamGroupName(group, glen, &nlen), v[COLL_STREAM_GROUP_LEN];
    collStreamGroupEncode(lastId, entriesRead, v);
    int rc = dbElementPut(db, COLL_STREAM, key, bstrLen(key), name, nlen, v, sizeof(v), NULL);
    xfree(name);
    return rc;
}

int streamWriteConsumer(int db, const bstr key, const char *group, size_t glen, const char *cname,
                        size_t clen, int64_t seenTime) {
    size_t nlen;
    char *name = collStreamConsumerName(group, glen, cname, clen, &nlen), v[8];
    for (int i = 0; i < 8; i++) v[i] = (char)(((uint64_t)seenTime >> (8 * i)) & 0xff);
    int rc = dbElementPut(db, COLL_STREAM, key, bstrLen(key), name, nlen, v, sizeof(v), NULL);
    xfree(name);
    return rc;
}

int streamWritePending(int db, const bstr key, const char *group, size_t glen, const streamId *id,
                       int64_t deliveryTime, uint64_t deliveryCount, const char *consumer,
                       size_t clen) {
    size_t nlen, vlen;
    char *name = collStreamPendingName(group, glen, id, &nlen);
    char *v = collStreamPendingEncode(deliveryTime, deliveryCount, consumer, clen, &vlen);
    int rc = dbElementPut(db, COLL_STREAM, key, bstrLen(key), name, nlen, v, vlen, NULL);
    xfree(name);
    xfree(v);
    return rc;
}

int streamDeleteElement(int db, const bstr key, const char *name, size_t nlen) {
    return dbElementDelete(db, COLL_STREAM, key, bstrLen(key), name, nlen, NULL);
}

int streamDeletePending(int db, const bstr key, const char *group, size_t glen,
                        const streamId *id) {
    size_t nlen;
    char *name = collStreamPendingName(group, glen, id, &nlen);
    int rc = streamDeleteElement(db, key, name, nlen);
    xfree(name);
    return rc;
}

/* ---- Trimming --------------------------------------------------------------------- */

/* MAXLEN/MINID [=|~] threshold at argv[*i] (the keyword): advances *i to
 * the threshold. */
static int trimStrategyOrReply(client *c, int *i, int strategy, streamTrimArgs *t) {
    if (t->strategy != STREAM_TRIM_NONE) {
        replyError(c, "syntax error, MAXLEN and MINID options at the same time are not "
                      "compatible");
        return 0;
    }
    int more = c->argc - 1 - *i;
    const char *next = c->argv[*i + 1];
    t->approx = 0;
    if (more >= 2 && ARGLEN(c, *i + 1) == 1 && (next[0] == '~' || next[0] == '=')) {
        t->approx = next[0] == '~';
        (*i)++;
    }
    (*i)++;
    if (strategy == STREAM_TRIM_MAXLEN) {
        if (!argLongLongOrReply(c, *i, &t->maxlen)) return 0;
        if (t->maxlen < 0) {
            replyError(c, "The MAXLEN argument must be >= 0.");
            return 0;
        }
    } else if (!streamIdArgOrReply(c, *i, 0, 1, &t->minid, NULL)) {
        return 0;
    }
    t->strategy = strategy;
    return 1;
}

/* The LIMIT rules once every option is read. */
static int trimLimitOrReply(client *c, int xadd, int limitGiven, streamTrimArgs *t) {
    if (t->limit && t->strategy == STREAM_TRIM_NONE) {
        replyError(c, "syntax error, LIMIT cannot be used without specifying a trimming "
                      "strategy");
        return 0;
    }
    if (!xadd && t->strategy == STREAM_TRIM_NONE) {
        replyError(c, "syntax error, XTRIM must be called with a trimming strategy");
        return 0;
    }
    if (limitGiven && !t->approx) {
        replyError(c, "syntax error, LIMIT cannot be used without the special ~ option");
        return 0;
    }
    if (!limitGiven) {
        long long perNode = server.streamNodeMaxEntries;
        t->limit = t->approx ? 100 * perNode : 0;
        if (t->approx && (t->limit <= 0 || t->limit > 10000)) t->limit = 10000;
    }
    return 1;
}

int streamTrimArgsOrReply(client *c, int xadd, streamTrimArgs *t, int *noMkStream, int *idArg) {
    memset(t, 0, sizeof(*t));
    t->maxlen = -1;
    int limitGiven = 0, i = 2;
    if (noMkStream) *noMkStream = 0;
    for (; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        const char *opt = c->argv[i];
        if (xadd && ARGLEN(c, i) == 1 && opt[0] == '*') break;
        if (!strcasecmp(opt, "maxlen") && more) {
            if (!trimStrategyOrReply(c, &i, STREAM_TRIM_MAXLEN, t)) return 0;
        } else if (!strcasecmp(opt, "minid") && more) {
            if (!trimStrategyOrReply(c, &i, STREAM_TRIM_MINID, t)) return 0;
        } else if (!strcasecmp(opt, "limit") && more) {
            if (!argLongLongOrReply(c, i + 1, &t->limit)) return 0;
            if (t->limit < 0) {
                replyError(c, "The LIMIT argument must be >= 0.");
                return 0;
            }
            limitGiven = 1;
            i++;
        } else if (xadd && !strcasecmp(opt, "nomkstream")) {
            *noMkStream = 1;
        } else if (xadd) {
            break; /* the ID: the caller parses it */
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    if (idArg) *idArg = i;
    return trimLimitOrReply(c, xadd, limitGiven, t);
}

long long streamTrim(client *c, const collection *s, const streamTrimArgs *t, int *rc) {
    streamId upto;
    uint64_t count;
    *rc = DB_OK;
    if (t->strategy == STREAM_TRIM_NONE) return 0;
    if (!collStreamTrimPlan(s, t->strategy == STREAM_TRIM_MAXLEN ? t->maxlen : -1, &t->minid,
                            t->approx, (uint64_t)t->limit, &upto, &count))
        return 0;
    collStreamMeta m = *collStreamGetMeta(s);
    int emptied = count == collStreamLength(s);
    char name[1 + STREAM_ID_BIN_LEN];
    collStreamTrimName(&upto, name);
    *rc = streamDeleteElement(c->db, c->argv[1], name, sizeof(name));
    /* the newest entry's record carried the counters: now the 'm' one does */
    if (*rc == DB_OK && emptied) *rc = streamWriteMeta(c->db, c->argv[1], &m);
    return *rc == DB_OK ? (long long)count : -1;
}

/* ---- Consumer-group counters ----------------------------------------------------------- */

streamId streamFirstId(const collection *s) {
    streamId id = {0, 0};
    collStreamFirstId(s, &id);
    return id;
}

static int idIsZero(const streamId *id) { return id->ms == 0 && id->seq == 0; }

int streamRangeHasTombstones(const collection *s, const streamId *start, const streamId *end) {
    const collStreamMeta *m = collStreamGetMeta(s);
    if (collStreamLength(s) == 0 || idIsZero(&m->maxDeleted)) return 0;
    streamId first = streamFirstId(s);
    if (streamIdCompare(&first, &m->maxDeleted) > 0) return 0;
    streamId lo = start ? *start : (streamId){0, 0};
    streamId hi = end ? *end : (streamId){UINT64_MAX, UINT64_MAX};
    return streamIdCompare(&lo, &m->maxDeleted) <= 0 && streamIdCompare(&m->maxDeleted, &hi) <= 0;
}

long long streamEstimateDistance(const collection *s, const streamId *id) {
    const collStreamMeta *m = collStreamGetMeta(s);
    uint64_t length = collStreamLength(s);
    if (m->entriesAdded == 0) return 0;
    if (length == 0 && streamIdCompare(id, &m->lastId) < 1) return (long long)m->entriesAdded;
    int cmpLast = streamIdCompare(id, &m->lastId);
    if (cmpLast == 0) return (long long)m->entriesAdded;
    if (cmpLast > 0) return STREAM_ENTRIES_READ_UNKNOWN;
    streamId first = streamFirstId(s);
    int cmpFirst = streamIdCompare(id, &first);
    if (idIsZero(&m->maxDeleted) || streamIdCompare(&m->maxDeleted, &first) < 0) {
        if (cmpFirst < 0) return (long long)(m->entriesAdded - length);
        if (cmpFirst == 0) return (long long)(m->entriesAdded - length + 1);
    }
    return STREAM_ENTRIES_READ_UNKNOWN;
}
