/* cmd/zset_blocking.c -- BZPOPMIN, BZPOPMAX and BZMPOP.
 *
 * As the blocking list pops (cmd/list_blocking.c): each first does what
 * its non-blocking form does on the keys in the order given (the first
 * key holding a sorted set is popped; a key of another type before it is
 * WRONGTYPE; missing keys are skipped); when every key is empty it blocks
 * through command/blocking.h, unless it may not wait (inside EXEC or a
 * script), where it answers as on a timeout.  A served client's pop is
 * zsetPop (cmd/zset.h), the same write with the same events as
 * ZPOPMIN's. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/zset.h"
#include "command/blocking.h"
#include "db/db.h"
#include "lib/alloc.h"

/* What a blocked pop remembers. */
typedef struct blockedZpop {
    int end;      /* ZSET_MIN / ZSET_MAX */
    long count;   /* BZMPOP's COUNT; 0 for BZPOPMIN/BZPOPMAX */
} blockedZpop;

/* Pops from key (a non-empty sorted set) and replies as BZPOPMIN
 * ([key, member, score]) or BZMPOP ([key, [[member, score] ...]]). */
static void popAndReply(client *c, const char *key, size_t klen, int end, long count) {
    zsetPopped p;
    if (zsetPop(c, key, klen, end, count ? count : 1, &p) < 0) return;
    if (count) {
        zsetReplyMpop(c, key, klen, &p);
    } else {
        replyArrayLen(c, 3);
        replyBulk(c, key, klen);
        replyBulkBstr(c, p.members[0]);
        zsetReplyScore(c, p.scores[0]);
    }
    zsetPoppedFree(&p);
}

static int servePop(client *c, const char *key, size_t klen, void *priv) {
    blockedZpop *bp = priv;
    int rc;
    /* A key of another type serves nobody: its waiters stay (Redis 7.0). */
    if (!dbCollection(c->db, key, klen, COLL_ZSET, &rc)) return BLOCK_NOT_READY;
    popAndReply(c, key, klen, bp->end, bp->count);
    return BLOCK_SERVED;
}

static void freeBlockedZpop(void *priv) { xfree(priv); }

static void blockingZpop(client *c, const bstr *keys, int nkeys, int end, long count,
                         long long deadline) {
    for (int j = 0; j < nkeys; j++) {
        int rc;
        const collection *z = dbCollection(c->db, keys[j], bstrLen(keys[j]), COLL_ZSET, &rc);
        if (z) {
            popAndReply(c, keys[j], bstrLen(keys[j]), end, count);
            return;
        }
        if (rc != DB_MISSING && replyDbError(c, rc)) return;
    }
    if (c->flags & CLIENT_DENY_BLOCKING) {
        replyNullArray(c);
        return;
    }
    blockedZpop *bp = xmalloc(sizeof(*bp));
    bp->end = end;
    bp->count = count;
    blockSpec spec = {
        .kind = BLOCK_KIND_ZSET,
        .serve = servePop,
        .timeoutReply = BLOCK_TIMEOUT_NULL_ARRAY,
        .priv = bp,
        .freePriv = freeBlockedZpop,
    };
    blockForKeys(c, keys, nkeys, deadline, &spec);
}

/* BZPOPMIN key [key ...] timeout, BZPOPMAX likewise. */
static void bzpopGeneric(client *c, int end) {
    long long deadline;
    if (!blockingTimeoutOrReply(c, c->argc - 1, &deadline)) return;
    blockingZpop(c, c->argv + 1, c->argc - 2, end, 0, deadline);
}

void bzpopminCommand(client *c) { bzpopGeneric(c, ZSET_MIN); }
void bzpopmaxCommand(client *c) { bzpopGeneric(c, ZSET_MAX); }

/* BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the
 * arguments after the timeout are checked first, as in Redis. */
void bzmpopCommand(client *c) {
    mpopArgs a;
    long long deadline;
    if (!mpopArgsOrReply(c, 2, "min", "max", &a) || !blockingTimeoutOrReply(c, 1, &deadline))
        return;
    blockingZpop(c, c->argv + a.firstKey, (int)a.nkeys, a.end, a.count, deadline);
}
