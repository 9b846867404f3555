/* cmd/zset.h -- what the sorted-set commands (cmd/zset.c) share with their
 * blocking forms: the pop, with Redis 7.0's keyspace events, so that a
 * pop served to a blocked client is the same write as ZPOPMIN's. */
#ifndef REDIS_KV_CMD_ZSET_H
#define REDIS_KV_CMD_ZSET_H

#include <stddef.h>

#include "client/client.h"
#include "lib/bstr.h"

#define ZSET_MIN 0
#define ZSET_MAX 1

/* The members popped by zsetPop, lowest (ZSET_MIN) or highest first. */
typedef struct zsetPopped {
    bstr *members;
    double *scores;
    long n;
} zsetPopped;

/* Pops up to count (>= 1) members from the 'end' of the sorted set at key
 * in c->db: one batch, the event "zpopmin" or "zpopmax", then "del" when
 * it emptied, the key marked modified.  The key must hold a non-empty
 * sorted set.  0 with *out filled (zsetPoppedFree), or -1 after a write
 * error was replied to c (nothing popped). */
int zsetPop(client *c, const char *key, size_t klen, int end, long count, zsetPopped *out);
void zsetPoppedFree(zsetPopped *p);

/* A score reply: a bulk string in RESP2, a double in RESP3 (Redis's
 * formatting either way, "inf" included). */
void zsetReplyScore(client *c, double score);

/* The reply of ZMPOP/BZMPOP: [key, [[member, score] ...]]. */
void zsetReplyMpop(client *c, const char *key, size_t klen, const zsetPopped *p);

#endif
