/* cmd/zset.c -- the sorted-set commands, with Redis 7.0's replies, errors
 * and keyspace events (t_zset.c): ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE
 * ZRANK ZREVRANK ZCOUNT ZLEXCOUNT.
 *
 * A sorted set is a collection (store/collection.h, "Sorted sets") of
 * members, each an ELEMENT record whose value is its score, 8 bytes
 * (collZsetScoreEncode).  Scores are parsed and formatted by lib/zrange.h
 * as Redis parses and formats them.  A command that writes several
 * members is one batch. */
#include "cmd/zset.h"
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/zrange.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEY(c) (c)->argv[1], ARGLEN(c, 1)

/* The sorted set at argv[i]: NULL when missing (nothing replied) or of
 * another type (WRONGTYPE replied, *failed set). */
static const collection *zsetAt(client *c, int i, int *failed) {
    int rc;
    const collection *z = dbCollection(c->db, c->argv[i], ARGLEN(c, i), COLL_ZSET, &rc);
    *failed = replyDbError(c, rc);
    return z;
}

/* zsetAt for a read: a missing key is a "keymiss" event. */
static const collection *zsetRead(client *c, int i, int *failed) {
    const collection *z = zsetAt(c, i, failed);
    if (!z && !*failed)
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
    return z;
}

static void zsetWritten(client *c, const char *event) {
    dbKeyModified(c->db, KEY(c));
    notifyKeyspaceEvent(NOTIFY_ZSET, event, KEY(c), c->db);
}

void zsetReplyScore(client *c, double score) {
    char buf[ZRANGE_SCORE_STR_SIZE];
    int n = zrangeFormatScore(buf, sizeof(buf), score);
    if (c->resp >= 3) {
        replyRaw(c, ",", 1);
        replyRaw(c, buf, (size_t)n);
        replyRaw(c, "\r\n", 2);
    } else {
        replyBulk(c, buf, (size_t)n);
    }
}

/* Writes member with score: one ELEMENT record. */
static int zsetPut(client *c, const char *member, size_t mlen, double score, int *created) {
    char val[COLL_ZSET_SCORE_LEN];
    collZsetScoreEncode(score, val);
    return dbElementPut(c->db, COLL_ZSET, KEY(c), member, mlen, val, sizeof(val), created);
}

/* ------------------------------------------------------------------ */
/* ZADD, ZINCRBY */

#define ZADD_NX (1 << 0)
#define ZADD_XX (1 << 1)
#define ZADD_GT (1 << 2)
#define ZADD_LT (1 << 3)
#define ZADD_CH (1 << 4)
#define ZADD_INCR (1 << 5)

/* ZADD's options from argv[2]: the flags and the index of the first
 * score, or 0 with the error replied (Redis's checks, in its order). */
static int zaddOptionsOrReply(client *c, int *flags) {
    int i = 2;
    *flags = 0;
    for (; i < c->argc; i++) {
        const char *o = c->argv[i];
        if (!strcasecmp(o, "nx")) *flags |= ZADD_NX;
        else if (!strcasecmp(o, "xx")) *flags |= ZADD_XX;
        else if (!strcasecmp(o, "gt")) *flags |= ZADD_GT;
        else if (!strcasecmp(o, "lt")) *flags |= ZADD_LT;
        else if (!strcasecmp(o, "ch")) *flags |= ZADD_CH;
        else if (!strcasecmp(o, "incr")) *flags |= ZADD_INCR;
        else break;
    }
    int pairs = c->argc - i;
    if (pairs == 0 || pairs % 2) {
        replyErrorSyntax(c);
        return 0;
    }
    if ((*flags & ZADD_NX) && (*flags & ZADD_XX)) {
        replyError(c, "XX and NX options at the same time are not compatible");
        return 0;
    }
    if (((*flags & ZADD_GT) && (*flags & ZADD_NX)) || ((*flags & ZADD_LT) && (*flags & ZADD_NX)) ||
        ((*flags & ZADD_GT) && (*flags & ZADD_LT))) {
        replyError(c, "GT, LT, and/or NX options at the same time are not compatible");
        return 0;
    }
    if ((*flags & ZADD_INCR) && pairs > 2) {
        replyError(c, "INCR option supports a single increment-element pair");
        return 0;
    }
    return i;
}

/* What one (score, member) pair of ZADD does, Redis's zsetAdd rules. */
#define ZADD_OUT_NOP 0   /* left alone: NX, XX, GT or LT said so */
#define ZADD_OUT_SAME 1  /* processed, but the score stays (nothing to log) */
#define ZADD_OUT_WRITE 2 /* the member is new, or its score changes */
#define ZADD_OUT_NAN 3   /* INCR made NaN: the command fails */

/* The outcome of one pair on z; *score is the member's score after it
 * (for INCR's reply), *exists whether it was a member. */
static int zaddDecide(const collection *z, int flags, const char *m, size_t mlen, double given,
                      double *score, int *exists) {
    double cur = 0;
    *exists = z && collZsetFind(z, m, mlen, &cur, NULL);
    if (!*exists) {
        if (flags & ZADD_XX) return ZADD_OUT_NOP;
        *score = given;
        return ZADD_OUT_WRITE;
    }
    if (flags & ZADD_NX) return ZADD_OUT_NOP;
    *score = given;
    if ((flags & ZADD_INCR) && !zrangeIncrScore(1, cur, given, score)) return ZADD_OUT_NAN;
    if (((flags & ZADD_LT) && *score >= cur) || ((flags & ZADD_GT) && *score <= cur))
        return ZADD_OUT_NOP;
    return *score == cur ? ZADD_OUT_SAME : ZADD_OUT_WRITE; /* -0 == 0: the same */
}

/* The body of ZADD and ZINCRBY: the pairs from argv[first], each score
 * already parsed into scores[].  Replies and signals as Redis's
 * zaddGenericCommand: INCR answers the new score, or nil when its pair
 * was left alone. */
static void zaddPairs(client *c, int flags, int first, const double *scores) {
    int failed;
    zsetAt(c, 1, &failed);
    if (failed) return;
    long long added = 0, updated = 0, processed = 0;
    int rc = DB_OK, commit = DB_OK, batch = c->argc - first > 2, nan = 0;
    double score = 0;
    if (batch) dbBatchBegin();
    for (int i = first, j = 0; i < c->argc && rc == DB_OK; i += 2, j++) {
        const collection *z = zsetAt(c, 1, &failed);
        const char *m = c->argv[i + 1];
        size_t mlen = ARGLEN(c, i + 1);
        int exists;
        int out = zaddDecide(z, flags, m, mlen, scores[j], &score, &exists);
        if (out == ZADD_OUT_NAN) {
            nan = 1;
            break;
        }
        if (out != ZADD_OUT_NOP) processed++;
        if (out != ZADD_OUT_WRITE) continue;
        rc = zsetPut(c, m, mlen, score, NULL);
        if (exists) updated++;
        else added++;
    }
    if (batch) commit = dbBatchCommit();
    if (nan) {
        replyError(c, ZRANGE_ERR_NAN);
        return;
    }
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    if (!(flags & ZADD_INCR)) replyLongLong(c, (flags & ZADD_CH) ? added + updated : added);
    else if (processed) zsetReplyScore(c, score);
    else replyNull(c);
    if (added || updated) zsetWritten(c, (flags & ZADD_INCR) ? "zincr" : "zadd");
}

/* The scores of the pairs from argv[first] into a new array, or NULL
 * with the error replied. */
static double *scoresOrReply(client *c, int first) {
    int n = (c->argc - first) / 2;
    double *scores = xmalloc(sizeof(double) * (size_t)(n ? n : 1));
    for (int i = first, j = 0; i < c->argc; i += 2, j++) {
        if (!zrangeParseScore(c->argv[i], ARGLEN(c, i), &scores[j])) {
            replyError(c, ZRANGE_ERR_SCORE);
            xfree(scores);
            return NULL;
        }
    }
    return scores;
}

void zaddCommand(client *c) {
    int flags;
    int first = zaddOptionsOrReply(c, &flags);
    if (!first) return;
    double *scores = scoresOrReply(c, first);
    if (!scores) return;
    zaddPairs(c, flags, first, scores);
    xfree(scores);
}

void zincrbyCommand(client *c) {
    double incr;
    if (!zrangeParseScore(c->argv[2], ARGLEN(c, 2), &incr)) {
        replyError(c, ZRANGE_ERR_SCORE);
        return;
    }
    zaddPairs(c, ZADD_INCR, 2, &incr);
}

/* ------------------------------------------------------------------ */
/* ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK */

void zremCommand(client *c) {
    int failed;
    const collection *z = zsetAt(c, 1, &failed);
    if (failed) return;
    if (!z) {
        replyLongLong(c, 0);
        return;
    }
    long long removed = 0;
    int keyRemoved = 0, rc = DB_OK, commit = DB_OK, batch = c->argc > 3;
    if (batch) dbBatchBegin();
    for (int i = 2; i < c->argc && rc == DB_OK && !keyRemoved; i++) {
        rc = dbElementDelete(c->db, COLL_ZSET, KEY(c), c->argv[i], ARGLEN(c, i), &keyRemoved);
        if (rc == DB_OK) removed++;
        else if (rc == DB_MISSING) rc = DB_OK;
    }
    if (batch) commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    replyLongLong(c, removed);
    if (!removed) return;
    zsetWritten(c, "zrem");
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", KEY(c), c->db);
}

void zcardCommand(client *c) {
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (!failed) replyLongLong(c, z ? collCount(z) : 0);
}

void zscoreCommand(client *c) {
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    double score;
    if (z && collZsetFind(z, c->argv[2], ARGLEN(c, 2), &score, NULL)) zsetReplyScore(c, score);
    else replyNull(c);
}

void zmscoreCommand(client *c) {
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) {
        double score;
        if (z && collZsetFind(z, c->argv[i], ARGLEN(c, i), &score, NULL)) zsetReplyScore(c, score);
        else replyNull(c);
    }
}

static void rankCommand(client *c, int reverse) {
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    uint32_t rank;
    if (!z || !collZsetRank(z, c->argv[2], ARGLEN(c, 2), &rank)) {
        replyNull(c);
        return;
    }
    replyLongLong(c, reverse ? (long long)collCount(z) - 1 - rank : rank);
}

void zrankCommand(client *c) { rankCommand(c, 0); }
void zrevrankCommand(client *c) { rankCommand(c, 1); }

/* ------------------------------------------------------------------ */
/* ZCOUNT, ZLEXCOUNT */

void zcountCommand(client *c) {
    zrangeScoreSpec range;
    if (!zrangeParseScoreRange(c->argv[2], ARGLEN(c, 2), c->argv[3], ARGLEN(c, 3), &range)) {
        replyError(c, ZRANGE_ERR_SCORE_RANGE);
        return;
    }
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    if (!z || zrangeScoreRangeEmpty(&range)) {
        replyLongLong(c, 0);
        return;
    }
    uint32_t start = collZsetScoreStart(z, range.min, range.minex);
    uint32_t end = collZsetScoreEnd(z, range.max, range.maxex);
    replyLongLong(c, end > start ? end - start : 0);
}

void zlexcountCommand(client *c) {
    collZsetLexBound min, max;
    if (!collZsetParseLex(c->argv[2], ARGLEN(c, 2), &min) ||
        !collZsetParseLex(c->argv[3], ARGLEN(c, 3), &max)) {
        replyError(c, ZRANGE_ERR_LEX_RANGE);
        return;
    }
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    if (!z) {
        replyLongLong(c, 0);
        return;
    }
    uint32_t start = collZsetLexStart(z, &min), end = collZsetLexEnd(z, &max);
    replyLongLong(c, end > start ? end - start : 0);
}

/* ------------------------------------------------------------------ */
/* ZRANGE and its family: ZRANGESTORE ZREVRANGE ZRANGEBYSCORE
 * ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX */

#define ZR_AUTO 0
#define ZR_RANK 1
#define ZR_SCORE 2
#define ZR_LEX 3

typedef struct zrangeReq {
    int type;              /* ZR_RANK, ZR_SCORE, ZR_LEX */
    int reverse;
    int withscores;
    long long offset, limit; /* LIMIT; limit -1: none */
    long long start, end;  /* ZR_RANK */
    zrangeScoreSpec score; /* ZR_SCORE */
    collZsetLexBound lexMin, lexMax; /* ZR_LEX */
} zrangeReq;

/* Reads a range request whose key is argv[keyIdx] (min and max follow it)
 * the way Redis 7.0's zrangeGenericCommand does: options first (a preset
 * type or direction makes its keyword a syntax error), then their
 * conflicts, then the bounds.  1, or 0 with the error replied. */
static int zrangeReqOrReply(client *c, int keyIdx, int type, int reverse, zrangeReq *r) {
    memset(r, 0, sizeof(*r));
    r->limit = -1;
    int limitGiven = 0, dirGiven = reverse >= 0;
    r->reverse = reverse > 0;
    for (int j = keyIdx + 3; j < c->argc; j++) {
        const char *o = c->argv[j];
        int left = c->argc - j - 1;
        if (!strcasecmp(o, "withscores")) {
            r->withscores = 1;
        } else if (!strcasecmp(o, "limit") && left >= 2) {
            if (!argLongLongOrReply(c, j + 1, &r->offset) || !argLongLongOrReply(c, j + 2, &r->limit))
                return 0;
            limitGiven = 1;
            j += 2;
        } else if (!dirGiven && !strcasecmp(o, "rev")) {
            r->reverse = dirGiven = 1;
        } else if (type == ZR_AUTO && !strcasecmp(o, "bylex")) {
            type = ZR_LEX;
        } else if (type == ZR_AUTO && !strcasecmp(o, "byscore")) {
            type = ZR_SCORE;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    r->type = type == ZR_AUTO ? ZR_RANK : type;
    if (limitGiven && r->type == ZR_RANK) {
        replyError(c, "syntax error, LIMIT is only supported in combination with either BYSCORE "
                      "or BYLEX");
        return 0;
    }
    if (r->withscores && r->type == ZR_LEX) {
        replyError(c, "syntax error, WITHSCORES not supported in combination with BYLEX");
        return 0;
    }
    /* A reverse score or lex range is given max first. */
    int minIdx = keyIdx + 1, maxIdx = keyIdx + 2;
    if (r->reverse && r->type != ZR_RANK) {
        minIdx = keyIdx + 2;
        maxIdx = keyIdx + 1;
    }
    if (r->type == ZR_RANK)
        return argLongLongOrReply(c, minIdx, &r->start) && argLongLongOrReply(c, maxIdx, &r->end);
    if (r->type == ZR_SCORE) {
        if (!zrangeParseScoreRange(c->argv[minIdx], ARGLEN(c, minIdx), c->argv[maxIdx],
                                   ARGLEN(c, maxIdx), &r->score)) {
            replyError(c, ZRANGE_ERR_SCORE_RANGE);
            return 0;
        }
        return 1;
    }
    if (!collZsetParseLex(c->argv[minIdx], ARGLEN(c, minIdx), &r->lexMin) ||
        !collZsetParseLex(c->argv[maxIdx], ARGLEN(c, maxIdx), &r->lexMax)) {
        replyError(c, ZRANGE_ERR_LEX_RANGE);
        return 0;
    }
    return 1;
}

/* The ranks a request selects, as a walk: *first, then *n members
 * onward (backward when reverse).  0 when it selects nothing. */
static int zrangeSelect(const collection *z, const zrangeReq *r, uint32_t *first, uint32_t *n) {
    long long len = collCount(z);
    if (r->type == ZR_RANK) {
        long long lo, hi;
        if (!zrangeRankWindow(r->start, r->end, len, &lo, &hi)) return 0;
        *first = (uint32_t)(r->reverse ? len - 1 - lo : lo);
        *n = (uint32_t)(hi - lo + 1);
        return 1;
    }
    uint32_t lo, hi;
    if (r->type == ZR_SCORE) {
        lo = collZsetScoreStart(z, r->score.min, r->score.minex);
        hi = collZsetScoreEnd(z, r->score.max, r->score.maxex);
    } else {
        lo = collZsetLexStart(z, &r->lexMin);
        hi = collZsetLexEnd(z, &r->lexMax);
    }
    if (hi <= lo || zrangeLimitEmpty(r->offset, r->limit)) return 0;
    long long total = hi - lo;
    if (r->offset >= total) return 0;
    long long count = total - r->offset;
    if (r->limit >= 0 && r->limit < count) count = r->limit;
    *first = (uint32_t)(r->reverse ? hi - 1 - r->offset : lo + r->offset);
    *n = (uint32_t)count;
    return 1;
}

/* Walks n members from rank first (backward when reverse), calling fn. */
typedef void zrangeSink(void *priv, const collElem *el);
static void zrangeWalk(const collection *z, uint32_t first, uint32_t n, int reverse,
                       zrangeSink *fn, void *priv) {
    collIter it;
    collElem el;
    collZsetSeek(&it, z, reverse ? first + 1 : first);
    for (uint32_t i = 0; i < n; i++) {
        if (!(reverse ? collZsetIterPrev(&it, &el) : collIterNext(&it, &el))) break;
        fn(priv, &el);
    }
}

typedef struct zrangeReply {
    client *c;
    int withscores;
} zrangeReply;

static void replyMember(void *priv, const collElem *el) {
    zrangeReply *zr = priv;
    if (zr->withscores && zr->c->resp >= 3) replyArrayLen(zr->c, 2);
    replyBulk(zr->c, el->name, el->nlen);
    if (zr->withscores) zsetReplyScore(zr->c, el->score);
}

/* Members and encoded scores collected for a STORE. */
typedef struct zrangeCollect {
    bstr *names, *values;
    size_t n;
} zrangeCollect;

static void collectMember(void *priv, const collElem *el) {
    zrangeCollect *zc = priv;
    char val[COLL_ZSET_SCORE_LEN];
    collZsetScoreEncode(el->score, val);
    zc->names[zc->n] = bstrNewLen(el->name, el->nlen);
    zc->values[zc->n] = bstrNewLen(val, sizeof(val));
    zc->n++;
}

static void zrangeReplyRange(client *c, int keyIdx, int type, int reverse) {
    zrangeReq r;
    if (!zrangeReqOrReply(c, keyIdx, type, reverse, &r)) return;
    int failed;
    const collection *z = zsetRead(c, keyIdx, &failed);
    if (failed) return;
    uint32_t first, n;
    if (!z || !zrangeSelect(z, &r, &first, &n)) {
        replyEmptyArray(c);
        return;
    }
    zrangeReply zr = {c, r.withscores};
    replyArrayLen(c, (r.withscores && c->resp < 3) ? 2 * (long long)n : n);
    zrangeWalk(z, first, n, r.reverse, replyMember, &zr);
}

void zrangeCommand(client *c) { zrangeReplyRange(c, 1, ZR_AUTO, -1); }
void zrevrangeCommand(client *c) { zrangeReplyRange(c, 1, ZR_RANK, 1); }
void zrangebyscoreCommand(client *c) { zrangeReplyRange(c, 1, ZR_SCORE, 0); }
void zrevrangebyscoreCommand(client *c) { zrangeReplyRange(c, 1, ZR_SCORE, 1); }
void zrangebylexCommand(client *c) { zrangeReplyRange(c, 1, ZR_LEX, 0); }
void zrevrangebylexCommand(client *c) { zrangeReplyRange(c, 1, ZR_LEX, 1); }

/* ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]:
 * dst becomes the selected members (or goes, when none is selected). */
void zrangestoreCommand(client *c) {
    zrangeReq r;
    if (!zrangeReqOrReply(c, 2, ZR_AUTO, -1, &r)) return;
    if (r.withscores) { /* WITHSCORES is not an option of ZRANGESTORE */
        replyErrorSyntax(c);
        return;
    }
    int failed;
    const collection *z = zsetRead(c, 2, &failed);
    if (failed) return;
    uint32_t first, n = 0;
    if (!z || !zrangeSelect(z, &r, &first, &n)) n = 0;
    zrangeCollect zc = {NULL, NULL, 0};
    if (n) {
        zc.names = xmalloc(sizeof(bstr) * n);
        zc.values = xmalloc(sizeof(bstr) * n);
        zrangeWalk(z, first, n, r.reverse, collectMember, &zc);
    }
    int existed;
    int rc = dbReplaceCollection(c->db, COLL_ZSET, c->argv[1], ARGLEN(c, 1), zc.names, zc.values,
                                 zc.n, &existed);
    for (size_t i = 0; i < zc.n; i++) {
        bstrFree(zc.names[i]);
        bstrFree(zc.values[i]);
    }
    xfree(zc.names);
    xfree(zc.values);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, (long long)zc.n);
    if (zc.n) notifyKeyspaceEvent(NOTIFY_ZSET, "zrangestore", c->argv[1], ARGLEN(c, 1), c->db);
    else if (existed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", c->argv[1], ARGLEN(c, 1), c->db);
}

/* ------------------------------------------------------------------ */
/* ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX */

/* Deletes n members from rank first upward of the set at argv[1] (one
 * batch): the names are read first, then each is deleted. */
static int deleteRanks(client *c, const collection *z, uint32_t first, uint32_t n,
                       int *keyRemoved) {
    bstr *names = xmalloc(sizeof(bstr) * (n ? n : 1));
    collIter it;
    collElem el;
    collZsetSeek(&it, z, first);
    uint32_t got = 0;
    while (got < n && collIterNext(&it, &el)) names[got++] = bstrNewLen(el.name, el.nlen);
    int rc = DB_OK;
    *keyRemoved = 0;
    dbBatchBegin();
    for (uint32_t i = 0; i < got && rc == DB_OK; i++)
        rc = dbElementDelete(c->db, COLL_ZSET, KEY(c), names[i], bstrLen(names[i]), keyRemoved);
    int commit = dbBatchCommit();
    for (uint32_t i = 0; i < got; i++) bstrFree(names[i]);
    xfree(names);
    return rc != DB_OK ? rc : commit;
}

static void zremrangeCommand(client *c, int type, const char *event) {
    zrangeReq r;
    memset(&r, 0, sizeof(r));
    r.type = type;
    r.limit = -1;
    if (type == ZR_RANK) {
        if (!argLongLongOrReply(c, 2, &r.start) || !argLongLongOrReply(c, 3, &r.end)) return;
    } else if (type == ZR_SCORE) {
        if (!zrangeParseScoreRange(c->argv[2], ARGLEN(c, 2), c->argv[3], ARGLEN(c, 3),
                                   &r.score)) {
            replyError(c, ZRANGE_ERR_SCORE_RANGE);
            return;
        }
    } else if (!collZsetParseLex(c->argv[2], ARGLEN(c, 2), &r.lexMin) ||
               !collZsetParseLex(c->argv[3], ARGLEN(c, 3), &r.lexMax)) {
        replyError(c, ZRANGE_ERR_LEX_RANGE);
        return;
    }
    int failed;
    const collection *z = zsetAt(c, 1, &failed);
    if (failed) return;
    uint32_t first, n;
    if (!z || !zrangeSelect(z, &r, &first, &n)) {
        replyLongLong(c, 0);
        return;
    }
    int keyRemoved;
    if (replyDbError(c, deleteRanks(c, z, first, n, &keyRemoved))) return;
    replyLongLong(c, n);
    zsetWritten(c, event);
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", KEY(c), c->db);
}

void zremrangebyrankCommand(client *c) { zremrangeCommand(c, ZR_RANK, "zremrangebyrank"); }
void zremrangebyscoreCommand(client *c) { zremrangeCommand(c, ZR_SCORE, "zremrangebyscore"); }
void zremrangebylexCommand(client *c) { zremrangeCommand(c, ZR_LEX, "zremrangebylex"); }

/* ------------------------------------------------------------------ */
/* ZPOPMIN, ZPOPMAX, ZMPOP */

void zsetPoppedFree(zsetPopped *p) {
    for (long i = 0; i < p->n; i++) bstrFree(p->members[i]);
    xfree(p->members);
    xfree(p->scores);
    memset(p, 0, sizeof(*p));
}

int zsetPop(client *c, const char *key, size_t klen, int end, long count, zsetPopped *out) {
    int rc;
    const collection *z = dbCollection(c->db, key, klen, COLL_ZSET, &rc);
    long len = z ? (long)collCount(z) : 0;
    long n = count < len ? count : len;
    memset(out, 0, sizeof(*out));
    out->members = xmalloc(sizeof(bstr) * (size_t)(n ? n : 1));
    out->scores = xmalloc(sizeof(double) * (size_t)(n ? n : 1));
    collIter it;
    collElem el;
    collZsetSeek(&it, z, end == ZSET_MIN ? 0 : (uint32_t)len);
    while (out->n < n && (end == ZSET_MIN ? collIterNext(&it, &el) : collZsetIterPrev(&it, &el))) {
        out->members[out->n] = bstrNewLen(el.name, el.nlen);
        out->scores[out->n++] = el.score;
    }
    int keyRemoved = 0;
    rc = DB_OK;
    dbBatchBegin();
    for (long i = 0; i < out->n && rc == DB_OK; i++)
        rc = dbElementDelete(c->db, COLL_ZSET, key, klen, out->members[i],
                             bstrLen(out->members[i]), &keyRemoved);
    int commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) {
        zsetPoppedFree(out);
        return -1;
    }
    dbKeyModified(c->db, key, klen);
    notifyKeyspaceEvent(NOTIFY_ZSET, end == ZSET_MIN ? "zpopmin" : "zpopmax", key, klen, c->db);
    if (keyRemoved) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, klen, c->db);
    return 0;
}

/* The popped members as pairs: flat in RESP2 and when `flat`, else
 * [member, score] arrays (RESP3 ZPOPMIN with a count, ZMPOP). */
static void replyPopped(client *c, const zsetPopped *p, int nested) {
    nested = nested && c->resp >= 3;
    replyArrayLen(c, nested ? p->n : 2 * p->n);
    for (long i = 0; i < p->n; i++) {
        if (nested) replyArrayLen(c, 2);
        replyBulkBstr(c, p->members[i]);
        zsetReplyScore(c, p->scores[i]);
    }
}

static void zpopCommand(client *c, int end) {
    long count = 1;
    if (c->argc == 3 &&
        !argLongInOrReply(c, 2, 0, LONG_MAX, "value is out of range, must be positive", &count))
        return;
    if (c->argc > 3) {
        replyErrorSyntax(c);
        return;
    }
    int failed;
    const collection *z = zsetAt(c, 1, &failed);
    if (failed) return;
    if (!z || count == 0) {
        replyEmptyArray(c);
        return;
    }
    zsetPopped p;
    if (zsetPop(c, KEY(c), end, count, &p) < 0) return;
    replyPopped(c, &p, c->argc == 3);
    zsetPoppedFree(&p);
}

void zpopminCommand(client *c) { zpopCommand(c, ZSET_MIN); }
void zpopmaxCommand(client *c) { zpopCommand(c, ZSET_MAX); }

void zsetReplyMpop(client *c, const char *key, size_t klen, const zsetPopped *p) {
    replyArrayLen(c, 2);
    replyBulk(c, key, klen);
    replyArrayLen(c, p->n);
    for (long i = 0; i < p->n; i++) {
        replyArrayLen(c, 2);
        replyBulkBstr(c, p->members[i]);
        zsetReplyScore(c, p->scores[i]);
    }
}

/* ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: from the first key
 * that holds a sorted set; a null array when none does. */
void zmpopCommand(client *c) {
    mpopArgs a;
    if (!mpopArgsOrReply(c, 1, "min", "max", &a)) return;
    for (long k = 0; k < a.nkeys; k++) {
        int i = a.firstKey + (int)k, failed;
        const collection *z = zsetAt(c, i, &failed);
        if (failed) return;
        if (!z) continue;
        zsetPopped p;
        if (zsetPop(c, c->argv[i], ARGLEN(c, i), a.end, a.count, &p) < 0) return;
        zsetReplyMpop(c, c->argv[i], ARGLEN(c, i), &p);
        zsetPoppedFree(&p);
        return;
    }
    replyNullArray(c);
}

/* ------------------------------------------------------------------ */
/* ZRANDMEMBER, ZSCAN */

static void replyElemScore(client *c, const collElem *el) { zsetReplyScore(c, el->score); }

/* ZRANDMEMBER key [count [WITHSCORES]] (Redis's zrandmemberCommand). */
void zrandmemberCommand(client *c) {
    long l = 0;
    if (c->argc >= 3) {
        if (!argRangeLongOrReply(c, 2, &l)) return;
        if (c->argc > 4 || (c->argc == 4 && strcasecmp(c->argv[3], "withscores") != 0)) {
            replyErrorSyntax(c);
            return;
        }
        if (c->argc == 4 && (l < -LONG_MAX / 2 || l > LONG_MAX / 2)) {
            replyError(c, "value is out of range");
            return;
        }
    }
    int failed;
    const collection *z = zsetRead(c, 1, &failed);
    if (failed) return;
    if (c->argc >= 3) {
        if (z) collReplyRandom(c, z, l, c->argc == 4, replyElemScore);
        else replyEmptyArray(c);
        return;
    }
    if (!z) {
        replyNull(c);
        return;
    }
    collElem el;
    collRandom(z, collRandomBits, &el);
    replyBulk(c, el.name, el.nlen);
}

void zscanCommand(client *c) { collScanCommand(c, COLL_ZSET); }

/* ------------------------------------------------------------------ */
/* ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD
 *
 * Every input (a sorted set, or a set whose members score 1) is read
 * into one table of results, member -> (score, inputs that had it); the
 * result is then sorted as a sorted set orders (score, then member) and
 * replied or stored.  A destination that is also an input is read before
 * it is written. */

#define ZOP_UNION 0
#define ZOP_INTER 1
#define ZOP_DIFF 2

#define AGG_SUM 0
#define AGG_MIN 1
#define AGG_MAX 2

typedef struct zopItem {
    bstr member;
    double score;
    long seen;     /* inputs that had it, counted in order */
} zopItem;

typedef struct zopResult {
    zopItem *items;
    size_t n, cap;
    dict *index;   /* member -> items index + 1 */
} zopResult;

static const dictType zopIndexType = {
    .hash = bstrDictHash, .keyEqual = bstrDictKeyEqual, .keyFree = NULL, .valFree = NULL};

static double aggregate(int agg, double a, double b) {
    if (agg == AGG_MIN) return a < b ? a : b;
    if (agg == AGG_MAX) return a > b ? a : b;
    double sum = a + b;
    return isnan(sum) ? 0.0 : sum; /* inf + -inf is 0, as in Redis */
}

static zopItem *zopFind(zopResult *r, const char *m, size_t mlen) {
    bstr key = bstrNewLen(m, mlen);
    dictEntry *de = dictFind(r->index, key);
    bstrFree(key);
    return de ? &r->items[(uintptr_t)dictGetVal(de) - 1] : NULL;
}

static void zopAdd(zopResult *r, const char *m, size_t mlen, double score) {
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->items = xrealloc(r->items, sizeof(zopItem) * r->cap);
        /* the index holds positions, not pointers: nothing to fix */
    }
    zopItem *it = &r->items[r->n++];
    it->member = bstrNewLen(m, mlen);
    it->score = score;
    it->seen = 1;
    dictAdd(r->index, it->member, (void *)(uintptr_t)r->n);
}

/* Applies input number i (weight w) of op to r. */
static void zopInput(zopResult *r, int op, int agg, long i, double w, const char *m, size_t mlen,
                     double score) {
    double v = score * w;
    if (isnan(v)) v = 0.0;
    zopItem *it = zopFind(r, m, mlen);
    if (op == ZOP_UNION) {
        if (it) it->score = aggregate(agg, it->score, v);
        else zopAdd(r, m, mlen, v);
    } else if (op == ZOP_INTER) {
        if (i == 0) zopAdd(r, m, mlen, v);
        else if (it && it->seen == i) {
            it->score = aggregate(agg, it->score, v);
            it->seen++;
        }
    } else {
        if (i == 0) zopAdd(r, m, mlen, score);
        else if (it) it->seen = 0; /* in a later input: not in the difference */
    }
}

/* Reads the input at argv[k] (a sorted set, a set, or missing) into r. */
static void zopReadInput(client *c, int k, zopResult *r, int op, int agg, long i, double w) {
    int type = dbKeyType(c->db, c->argv[k], ARGLEN(c, k));
    if (type != COLL_ZSET && type != COLL_SET) return;
    int rc;
    const collection *coll = dbCollection(c->db, c->argv[k], ARGLEN(c, k), type, &rc);
    collIter it;
    collElem el;
    collIterInit(&it, coll);
    while (collIterNext(&it, &el))
        zopInput(r, op, agg, i, w, el.name, el.nlen, type == COLL_ZSET ? el.score : 1.0);
}

static int zopCompare(const void *a, const void *b) {
    const zopItem *x = a, *y = b;
    if (x->score < y->score) return -1;
    if (x->score > y->score) return 1;
    size_t lx = bstrLen(x->member), ly = bstrLen(y->member);
    int cmp = memcmp(x->member, y->member, lx < ly ? lx : ly);
    return cmp ? cmp : (lx > ly) - (lx < ly);
}

static void zopFree(zopResult *r) {
    for (size_t i = 0; i < r->n; i++) bstrFree(r->items[i].member);
    xfree(r->items);
    dictRelease(r->index);
}

/* The arguments of the algebra from argv[numkeysIdx]: 1, or 0 with the
 * error replied.  *nkeys inputs from argv[numkeysIdx + 1], their weights
 * (a new array), the aggregate and WITHSCORES (allowed: withscoresOk). */
static int zopArgsOrReply(client *c, int numkeysIdx, int op, int withscoresOk, long *nkeys,
                          double **weights, int *agg, int *withscores) {
    long long n;
    if (!argLongLongOrReply(c, numkeysIdx, &n)) return 0;
    if (n < 1) {
        replyErrorFormat(c, "at least 1 input key is needed for '%s' command", c->cmd->fullname);
        return 0;
    }
    if (n > c->argc - numkeysIdx - 1) {
        replyErrorSyntax(c);
        return 0;
    }
    *nkeys = (long)n;
    *agg = AGG_SUM;
    *withscores = 0;
    *weights = xmalloc(sizeof(double) * (size_t)n);
    for (long i = 0; i < n; i++) (*weights)[i] = 1.0;
    for (int j = numkeysIdx + 1 + (int)n; j < c->argc; j++) {
        int left = c->argc - j - 1;
        if (op != ZOP_DIFF && !strcasecmp(c->argv[j], "weights") && left >= n) {
            for (long i = 0; i < n; i++) {
                if (!zrangeParseScore(c->argv[j + 1 + i], ARGLEN(c, j + 1 + (int)i),
                                      &(*weights)[i])) {
                    replyError(c, "weight value is not a float");
                    xfree(*weights);
                    return 0;
                }
            }
            j += (int)n;
        } else if (op != ZOP_DIFF && !strcasecmp(c->argv[j], "aggregate") && left >= 1) {
            const char *a = c->argv[++j];
            if (!strcasecmp(a, "sum")) *agg = AGG_SUM;
            else if (!strcasecmp(a, "min")) *agg = AGG_MIN;
            else if (!strcasecmp(a, "max")) *agg = AGG_MAX;
            else {
                replyErrorSyntax(c);
                xfree(*weights);
                return 0;
            }
        } else if (withscoresOk && !strcasecmp(c->argv[j], "withscores")) {
            *withscores = 1;
        } else {
            replyErrorSyntax(c);
            xfree(*weights);
            return 0;
        }
    }
    return 1;
}

/* 1 when every input key argv[first ..] is missing, a sorted set or a
 * set; else 0 with WRONGTYPE replied, before anything is read. */
static int zopInputsOrReply(client *c, int first, long nkeys) {
    for (long i = 0; i < nkeys; i++) {
        int k = first + (int)i;
        int type = dbKeyType(c->db, c->argv[k], ARGLEN(c, k));
        if (type != DB_TYPE_NONE && type != COLL_ZSET && type != COLL_SET) {
            replyDbError(c, DB_WRONGTYPE);
            return 0;
        }
    }
    return 1;
}

/* Reads the inputs argv[first ..] into a new r, keeps what op selects
 * (sorted as a sorted set orders) and returns it in r. */
static void zopCollect(client *c, int first, long nkeys, int op, int agg, const double *weights,
                       zopResult *r) {
    memset(r, 0, sizeof(*r));
    r->index = dictCreate(&zopIndexType);
    for (long i = 0; i < nkeys; i++) {
        zopReadInput(c, first + (int)i, r, op, agg, i, weights ? weights[i] : 1.0);
        if (op == ZOP_INTER && r->n == 0) break; /* nothing can be in every input */
    }
    size_t kept = 0;
    for (size_t i = 0; i < r->n; i++) {
        zopItem *it = &r->items[i];
        int keep = op == ZOP_UNION || (op == ZOP_INTER && it->seen == nkeys) ||
                   (op == ZOP_DIFF && it->seen);
        if (keep) r->items[kept++] = *it;
        else bstrFree(it->member);
    }
    r->n = kept;
    if (r->n > 1) qsort(r->items, r->n, sizeof(zopItem), zopCompare); /* items may be NULL */
}

/* Reads the arguments and runs op: 1 with the result in r, or 0 with an
 * error replied. */
static int zopRunOrReply(client *c, int numkeysIdx, int op, int withscoresOk, zopResult *r,
                         int *withscores) {
    long nkeys;
    double *weights;
    int agg;
    if (!zopArgsOrReply(c, numkeysIdx, op, withscoresOk, &nkeys, &weights, &agg, withscores))
        return 0;
    if (zopInputsOrReply(c, numkeysIdx + 1, nkeys))
        zopCollect(c, numkeysIdx + 1, nkeys, op, agg, weights, r);
    else
        r->index = NULL;
    xfree(weights);
    return r->index != NULL;
}

static void zopReplyCommand(client *c, int op) {
    zopResult r;
    int withscores;
    if (!zopRunOrReply(c, 1, op, 1, &r, &withscores)) return;
    replyArrayLen(c, (withscores && c->resp < 3) ? 2 * (long long)r.n : (long long)r.n);
    for (size_t i = 0; i < r.n; i++) {
        if (withscores && c->resp >= 3) replyArrayLen(c, 2);
        replyBulkBstr(c, r.items[i].member);
        if (withscores) zsetReplyScore(c, r.items[i].score);
    }
    zopFree(&r);
}

static void zopStoreCommand(client *c, int op, const char *event) {
    zopResult r;
    int withscores;
    if (!zopRunOrReply(c, 2, op, 0, &r, &withscores)) return;
    bstr *names = xmalloc(sizeof(bstr) * (r.n ? r.n : 1));
    bstr *values = xmalloc(sizeof(bstr) * (r.n ? r.n : 1));
    for (size_t i = 0; i < r.n; i++) {
        char val[COLL_ZSET_SCORE_LEN];
        collZsetScoreEncode(r.items[i].score, val);
        names[i] = r.items[i].member;
        values[i] = bstrNewLen(val, sizeof(val));
    }
    int existed;
    int rc = dbReplaceCollection(c->db, COLL_ZSET, c->argv[1], ARGLEN(c, 1), names, values, r.n,
                                 &existed);
    for (size_t i = 0; i < r.n; i++) bstrFree(values[i]);
    xfree(names);
    xfree(values);
    size_t n = r.n;
    zopFree(&r);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, (long long)n);
    if (n) notifyKeyspaceEvent(NOTIFY_ZSET, event, c->argv[1], ARGLEN(c, 1), c->db);
    else if (existed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", c->argv[1], ARGLEN(c, 1), c->db);
}

void zunionCommand(client *c) { zopReplyCommand(c, ZOP_UNION); }
void zinterCommand(client *c) { zopReplyCommand(c, ZOP_INTER); }
void zdiffCommand(client *c) { zopReplyCommand(c, ZOP_DIFF); }
void zunionstoreCommand(client *c) { zopStoreCommand(c, ZOP_UNION, "zunionstore"); }
void zinterstoreCommand(client *c) { zopStoreCommand(c, ZOP_INTER, "zinterstore"); }
void zdiffstoreCommand(client *c) { zopStoreCommand(c, ZOP_DIFF, "zdiffstore"); }

/* ZINTERCARD numkeys key [key ...] [LIMIT limit] */
void zintercardCommand(client *c) {
    long long nkeys;
    if (!argLongLongOrReply(c, 1, &nkeys)) return;
    if (nkeys < 1) {
        replyError(c, "at least 1 input key is needed for 'zintercard' command");
        return;
    }
    if (nkeys > c->argc - 2) {
        replyErrorSyntax(c);
        return;
    }
    long limit = 0;
    for (int j = 2 + (int)nkeys; j < c->argc; j++) {
        if (!strcasecmp(c->argv[j], "limit") && j + 1 < c->argc) {
            if (!argLongInOrReply(c, ++j, 0, LONG_MAX, "LIMIT can't be negative", &limit)) return;
        } else {
            replyErrorSyntax(c);
            return;
        }
    }
    if (!zopInputsOrReply(c, 2, (long)nkeys)) return;
    zopResult r;
    zopCollect(c, 2, (long)nkeys, ZOP_INTER, AGG_SUM, NULL, &r);
    long long card = (limit && (long long)r.n > limit) ? limit : (long long)r.n;
    zopFree(&r);
    replyLongLong(c, card);
}
