/* cmd/list_blocking.c -- BLPOP, BRPOP, BLMPOP, BLMOVE and BRPOPLPUSH.
 *
 * Each first tries what its non-blocking form does, on the keys in the
 * order given (Redis 7.0: the first key holding a list is popped; a key
 * of another type before it is WRONGTYPE; missing keys are skipped).
 * When every key is empty it blocks through command/blocking.h, unless
 * it runs where it may not wait (inside EXEC): it then answers as on a
 * timeout, except BLMOVE and BRPOPLPUSH, which answer a null bulk there
 * (and a null array on a real timeout, as Redis 7.0 does).
 *
 * A served client's pop is the same listPop/listMove as LPOP's and
 * LMOVE's (cmd/list.h): one batch in the log, the same keyspace events,
 * WATCH and tracking, run after the command that pushed. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/list.h"
#include "command/blocking.h"
#include "db/db.h"
#include "lib/alloc.h"

#include <strings.h>

/* What a blocked pop remembers: its end and count (BLMPOP: the count and
 * the nested reply), or BLMOVE's destination and ends. */
typedef struct blockedPop {
    int from, to;       /* LIST_HEAD / LIST_TAIL */
    long count;         /* BLMPOP's COUNT; 0 for BLPOP/BRPOP */
    bstr dst;           /* BLMOVE/BRPOPLPUSH's destination, or NULL */
} blockedPop;

static void freeBlockedPop(void *priv) {
    blockedPop *bp = priv;
    if (bp->dst) bstrFree(bp->dst);
    xfree(bp);
}

/* The list at key of c->db, or NULL (missing); WRONGTYPE replied and
 * *failed set when it holds something else. */
static const collection *listOrNull(client *c, const char *key, size_t klen, int *failed) {
    int rc;
    const collection *l = dbCollection(c->db, key, klen, COLL_LIST, &rc);
    *failed = !l && replyDbError(c, rc);
    return l;
}

/* Pops from key (a non-empty list) and replies as BLPOP ([key, value])
 * or BLMPOP ([key, [values ...]]) does.  0 after a write error was
 * replied. */
static int popAndReply(client *c, const char *key, size_t klen, int end, long count) {
    bstr *vals;
    long n = listPop(c, key, klen, end, count ? count : 1, &vals);
    if (n < 0) return 0;
    if (count) {
        listReplyMpop(c, key, klen, vals, n);
    } else {
        replyArrayLen(c, 2);
        replyBulk(c, key, klen);
        replyBulkBstr(c, vals[0]);
    }
    listFreeValues(vals, n);
    return 1;
}

/* Moves from src (a non-empty list) to dst and replies the value, as
 * LMOVE.  0 after an error was replied (dst of another type: WRONGTYPE,
 * nothing moved). */
static int moveAndReply(client *c, const char *src, size_t slen, const bstr dst, int from,
                        int to) {
    bstr val;
    if (listMove(c, src, slen, dst, bstrLen(dst), from, to, &val) < 0) return 0;
    replyBulkBstr(c, val);
    bstrFree(val);
    return 1;
}

/* The blocked client's serve (blocking.h): the key became ready. */
static int servePop(client *c, const char *key, size_t klen, void *priv) {
    blockedPop *bp = priv;
    int rc;
    /* A key of another type serves nobody: its waiters stay (Redis 7.0). */
    if (!dbCollection(c->db, key, klen, COLL_LIST, &rc)) return BLOCK_NOT_READY;
    if (bp->dst) moveAndReply(c, key, klen, bp->dst, bp->from, bp->to);
    else popAndReply(c, key, klen, bp->from, bp->count);
    return BLOCK_SERVED;
}

static void blockPop(client *c, const bstr *keys, int nkeys, long long deadline, int from,
                     int to, long count, const bstr dst) {
    blockedPop *bp = xmalloc(sizeof(*bp));
    bp->from = from;
    bp->to = to;
    bp->count = count;
    bp->dst = dst ? bstrDup(dst) : NULL;
    blockSpec spec = {
        .kind = BLOCK_KIND_LIST,
        .serve = servePop,
        .timeoutReply = BLOCK_TIMEOUT_NULL_ARRAY,
        .priv = bp,
        .freePriv = freeBlockedPop,
    };
    blockForKeys(c, keys, nkeys, deadline, &spec);
}

/* BLPOP/BRPOP (count 0) and BLMPOP (count >= 1) once the arguments are
 * read: pop from the first non-empty list of keys, or wait. */
static void blockingPop(client *c, const bstr *keys, int nkeys, int end, long count,
                        long long deadline) {
    for (int j = 0; j < nkeys; j++) {
        int failed;
        if (listOrNull(c, keys[j], bstrLen(keys[j]), &failed)) {
            popAndReply(c, keys[j], bstrLen(keys[j]), end, count);
            return;
        }
        if (failed) return;
    }
    if (c->flags & CLIENT_DENY_BLOCKING) {
        replyNullArray(c);
        return;
    }
    blockPop(c, keys, nkeys, deadline, end, end, count, NULL);
}

/* BLPOP key [key ...] timeout, BRPOP likewise. */
static void blpopGeneric(client *c, int end) {
    long long deadline;
    if (!blockingTimeoutOrReply(c, c->argc - 1, &deadline)) return;
    blockingPop(c, c->argv + 1, c->argc - 2, end, 0, deadline);
}

void blpopCommand(client *c) { blpopGeneric(c, LIST_HEAD); }

void brpopCommand(client *c) { blpopGeneric(c, LIST_TAIL); }

/* BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: the
 * arguments after the timeout are checked first, as in Redis. */
void blmpopCommand(client *c) {
    listMpopArgs a;
    long long deadline;
    if (!listMpopArgsOrReply(c, 2, &a) || !blockingTimeoutOrReply(c, 1, &deadline)) return;
    blockingPop(c, c->argv + a.firstKey, (int)a.nkeys, a.end, a.count, deadline);
}

/* BLMOVE and BRPOPLPUSH once the arguments are read.  The destination's
 * type is checked only when there is something to move (Redis 7.0): a
 * client may block with a destination of another type, and is then
 * answered WRONGTYPE when served. */
static void blockingMove(client *c, int from, int to, long long deadline) {
    int failed;
    if (listOrNull(c, c->argv[1], ARGLEN(c, 1), &failed)) {
        moveAndReply(c, c->argv[1], ARGLEN(c, 1), c->argv[2], from, to);
        return;
    }
    if (failed) return;
    if (c->flags & CLIENT_DENY_BLOCKING) {
        replyNull(c);
        return;
    }
    blockPop(c, c->argv + 1, 1, deadline, from, to, 0, c->argv[2]);
}

/* BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
void blmoveCommand(client *c) {
    int from, to;
    long long deadline;
    if (!listEndOrReply(c, 3, &from) || !listEndOrReply(c, 4, &to) ||
        !blockingTimeoutOrReply(c, 5, &deadline))
        return;
    blockingMove(c, from, to, deadline);
}

/* BRPOPLPUSH source destination timeout: BLMOVE ... RIGHT LEFT. */
void brpoplpushCommand(client *c) {
    long long deadline;
    if (!blockingTimeoutOrReply(c, 3, &deadline)) return;
    blockingMove(c, LIST_TAIL, LIST_HEAD, deadline);
}
