/* cmd/expire.c -- the expiry commands EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT
 * (with NX | XX | GT | LT), TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST,
 * with Redis 7.0's replies, errors and argument rules (expire.c).
 *
 * Expiry times are absolute unix times in milliseconds, compared with the
 * cached clock (cachedClock.mstime) as db/ does for lazy expiry.  Every change
 * goes through dbSetExpire(), which writes it durably before the reply is
 * built; a failed write (DB_ERR_WRITE) is answered with the MISCONF error
 * and nothing else.
 *
 * Option words are compared as C strings, as Redis does (an argument with
 * a NUL byte inside compares by its part before the NUL). */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/clock.h"
#include "pubsub/notify.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <limits.h>
#include <stdint.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT */

#define EXPIRE_NX (1 << 0)
#define EXPIRE_XX (1 << 1)
#define EXPIRE_GT (1 << 2)
#define EXPIRE_LT (1 << 3)

/* Redis's parseExtendedExpireArgumentsOrReply: the options after the
 * time (argv[3] on), in any order and repeatable.  An unknown word is
 * reported first, then the incompatible combinations.  Returns 0 after
 * replying an error. */
static int parseExpireFlags(client *c, int *flags) {
    *flags = 0;
    for (int j = 3; j < c->argc; j++) {
        const char *opt = c->argv[j];
        if (!strcasecmp(opt, "nx")) *flags |= EXPIRE_NX;
        else if (!strcasecmp(opt, "xx")) *flags |= EXPIRE_XX;
        else if (!strcasecmp(opt, "gt")) *flags |= EXPIRE_GT;
        else if (!strcasecmp(opt, "lt")) *flags |= EXPIRE_LT;
        else {
            replyErrorFormat(c, "Unsupported option %s", opt);
            return 0;
        }
    }
    if ((*flags & EXPIRE_NX) && (*flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT))) {
        replyError(c, "NX and XX, GT or LT options at the same time are not compatible");
        return 0;
    }
    if ((*flags & EXPIRE_GT) && (*flags & EXPIRE_LT)) {
        replyError(c, "GT and LT options at the same time are not compatible");
        return 0;
    }
    return 1;
}

/* Turns argv[2] into an absolute unix time in ms, as Redis's
 * expireGenericCommand: any integer (negative ones too), converted from
 * seconds when `seconds`, then added to basetime (now for EXPIRE/PEXPIRE,
 * 0 for EXPIREAT/PEXPIREAT).  Only an overflow of either step is refused.
 * Returns 0 after replying an error naming `cmdname`. */
static int expireTargetMs(client *c, const char *cmdname, long long basetime, int seconds,
                          long long *when) {
    long long t;
    if (!numParseLongLong(c->argv[2], ARGLEN(c, 2), &t)) {
        replyErrorNotInteger(c);
        return 0;
    }
    if (seconds) {
        if (t > LLONG_MAX / 1000 || t < LLONG_MIN / 1000) goto invalid;
        t *= 1000;
    }
    if (t > LLONG_MAX - basetime) goto invalid;
    *when = t + basetime;
    return 1;
invalid:
    replyErrorFormat(c, "invalid expire time in '%s' command", cmdname);
    return 0;
}

/* Whether NX/XX/GT/LT allow replacing the key's expiry `current`
 * (DB_NO_EXPIRE: none) by `when`.  A key without TTL counts as an
 * infinite TTL for GT and LT: GT always fails on it, LT always passes. */
static int expireConditionMet(int flags, int64_t current, long long when) {
    int hasTtl = current != DB_NO_EXPIRE;
    if ((flags & EXPIRE_NX) && hasTtl) return 0;
    if ((flags & EXPIRE_XX) && !hasTtl) return 0;
    if ((flags & EXPIRE_GT) && (!hasTtl || when <= current)) return 0;
    if ((flags & EXPIRE_LT) && hasTtl && when >= current) return 0;
    return 1;
}

/* EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT]: :1
 * when the expiry was set (a time not after now deletes the key), :0 when
 * the key is missing or a condition is not met.  The options and the time
 * are validated before the key is looked up, as in Redis. */
static void expireGeneric(client *c, const char *cmdname, long long basetime, int seconds) {
    int flags;
    long long when;
    if (!parseExpireFlags(c, &flags) || !expireTargetMs(c, cmdname, basetime, seconds, &when))
        return;
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    if (flags) {
        int64_t current = DB_NO_EXPIRE;
        int rc = dbGetExpire(c->db, key, klen, &current);
        if (replyDbError(c, rc)) return;
        if (rc == DB_MISSING || !expireConditionMet(flags, current, when)) {
            replyLongLong(c, 0);
            return;
        }
    }
    /* dbSetExpire deletes the key for a time not after now; 0 is such a
     * time here but means "no TTL" to it, so it is passed as -1. */
    if (when == DB_NO_EXPIRE) when = -1;
    int rc = dbSetExpire(c->db, key, klen, when);
    if (replyDbError(c, rc)) return;
    /* A time not after now deleted the key: Redis says "del". */
    if (rc == DB_OK)
        notifyKeyspaceEvent(NOTIFY_GENERIC, when <= cachedClock.mstime ? "del" : "expire", key, klen,
                            c->db);
    replyLongLong(c, rc == DB_OK ? 1 : 0);
}

void expireCommand(client *c) { expireGeneric(c, "expire", cachedClock.mstime, 1); }

void pexpireCommand(client *c) { expireGeneric(c, "pexpire", cachedClock.mstime, 0); }

void expireatCommand(client *c) { expireGeneric(c, "expireat", 0, 1); }

void pexpireatCommand(client *c) { expireGeneric(c, "pexpireat", 0, 0); }

/* ------------------------------------------------------------------ */
/* TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST */

/* Redis's ttlGenericCommand: -2 when the key is missing, -1 when it has
 * no TTL, else the time left (or, with `absolute`, the expiry time) in ms
 * or in seconds rounded to the nearest ((ms + 500) / 1000).  The rounding
 * is done unsigned: the value is never negative, and an expiry near
 * LLONG_MAX then rounds as Redis's build computes it instead of
 * overflowing. */
static void ttlGeneric(client *c, int millis, int absolute) {
    int64_t expire = DB_NO_EXPIRE;
    int rc = dbGetExpire(c->db, c->argv[1], ARGLEN(c, 1), &expire);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) {
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
        replyLongLong(c, -2);
        return;
    }
    if (expire == DB_NO_EXPIRE) {
        replyLongLong(c, -1);
        return;
    }
    long long ttl = absolute ? expire : expire - cachedClock.mstime;
    if (ttl < 0) ttl = 0;
    if (millis) replyLongLong(c, ttl);
    else replyLongLong(c, (long long)(((unsigned long long)ttl + 500) / 1000));
}

void ttlCommand(client *c) { ttlGeneric(c, 0, 0); }

void pttlCommand(client *c) { ttlGeneric(c, 1, 0); }

void expiretimeCommand(client *c) { ttlGeneric(c, 0, 1); }

void pexpiretimeCommand(client *c) { ttlGeneric(c, 1, 1); }

/* PERSIST key: :1 when a TTL was removed, :0 when the key is missing or
 * had none (nothing is written then). */
void persistCommand(client *c) {
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    int64_t expire = DB_NO_EXPIRE;
    int rc = dbGetExpire(c->db, key, klen, &expire);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING || expire == DB_NO_EXPIRE) {
        replyLongLong(c, 0);
        return;
    }
    rc = dbSetExpire(c->db, key, klen, DB_NO_EXPIRE);
    if (replyDbError(c, rc)) return;
    if (rc == DB_OK) notifyKeyspaceEvent(NOTIFY_GENERIC, "persist", key, klen, c->db);
    replyLongLong(c, rc == DB_OK ? 1 : 0);
}
