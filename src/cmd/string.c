/* cmd/string.c -- the string commands, with Redis 7.0's replies, errors and
 * argument rules (t_string.c).
 *
 * Values live in the log (db/), so a command that changes part of a value
 * (APPEND, SETRANGE, INCR ...) reads it, builds the new value and writes it
 * back whole, with the key's TTL carried over.  Every write is made before
 * the reply is built, so a failed write (DB_ERR_WRITE) is answered with the
 * MISCONF error and nothing else; read-only lookups answer DB_ERR_READ with
 * a read error.
 *
 * Option words are compared as C strings, as Redis does (an argument with
 * a NUL byte inside compares by its part before the NUL). */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/clock.h"
#include "pubsub/notify.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Shared helpers */

/* Redis's checkStringLength: whether a string of `size` bytes grown by
 * `append` bytes stays within proto-max-bulk-len.  Replies the error and
 * returns 0 when it does not. */
static int checkStringLength(client *c, unsigned long long size, unsigned long long append) {
    unsigned long long max = (unsigned long long)server.protoMaxBulkLen;
    if (size > max || append > max - size) {
        replyError(c, "string exceeds maximum allowed size (proto-max-bulk-len)");
        return 0;
    }
    return 1;
}


/* Replies a value that may be missing (NULL): a bulk string or a null. */
static void replyBulkOrNull(client *c, bstr value) {
    if (value) replyBulkBstr(c, value);
    else replyNull(c);
}

/* Reads the value of argv[1] into *value (NULL when the key is missing).
 * Returns 0 after replying an error. */
static int getValueOrReply(client *c, bstr *value) {
    *value = NULL;
    int rc = dbGet(c->db, c->argv[1], ARGLEN(c, 1), value);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        *value = NULL;
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
    }
    return 1;
}

/* Writes value at argv[1] with the expiry `expire` (DB_NO_EXPIRE for
 * none) and sends the keyspace event.  Returns 0 after replying an
 * error. */
static int overwriteWithTtl(client *c, const char *value, size_t len, int64_t expire,
                            const char *event) {
    if (replyDbError(c, dbSet(c->db, c->argv[1], ARGLEN(c, 1), value, len, expire))) return 0;
    notifyKeyspaceEvent(NOTIFY_STRING, event, c->argv[1], ARGLEN(c, 1), c->db);
    return 1;
}

/* Writes value at argv[1], keeping the TTL it had (for the commands that
 * modify a value in place: APPEND, SETRANGE ...).  Returns 0 after
 * replying an error. */
static int overwriteKeepTtl(client *c, const char *value, size_t len, const char *event) {
    int64_t expire = DB_NO_EXPIRE;
    int rc = dbGetExpire(c->db, c->argv[1], ARGLEN(c, 1), &expire);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) expire = DB_NO_EXPIRE;
    return overwriteWithTtl(c, value, len, expire, event);
}

/* Reads the value of argv[1] for a numeric command, with its expiry, in
 * one lookup and without an allocation: the bytes go into buf when there
 * are at most cap of them (longer values cannot be numbers, so they are
 * not read).  Returns -1 after replying a db error, 0 when the key is
 * missing (*expire DB_NO_EXPIRE), 1 with the value in buf[0, *len), 2
 * when the value is too long to be a number. */
static int readNumericValue(client *c, char *buf, size_t cap, size_t *len, int64_t *expire) {
    *expire = DB_NO_EXPIRE;
    int rc = dbGetShort(c->db, c->argv[1], ARGLEN(c, 1), buf, cap, len, expire);
    if (replyDbError(c, rc)) return -1;
    if (rc == DB_MISSING) return 0;
    return *len > cap ? 2 : 1;
}

/* ------------------------------------------------------------------ */
/* Expiry options: SET and GETEX (Redis's parseExtendedStringArgumentsOrReply) */

#define OPT_NX (1 << 0)
#define OPT_XX (1 << 1)
#define OPT_GET (1 << 2)
#define OPT_KEEPTTL (1 << 3)
#define OPT_PERSIST (1 << 4)
#define OPT_EX (1 << 5)
#define OPT_PX (1 << 6)
#define OPT_EXAT (1 << 7)
#define OPT_PXAT (1 << 8)
#define OPT_ANY_EXPIRE (OPT_EX | OPT_PX | OPT_EXAT | OPT_PXAT)

enum { PARSE_SET, PARSE_GETEX };

/* The expiry option `opt` names (EX/PX/EXAT/PXAT), or 0. */
static int expireOptionFlag(const char *opt) {
    if (!strcasecmp(opt, "ex")) return OPT_EX;
    if (!strcasecmp(opt, "px")) return OPT_PX;
    if (!strcasecmp(opt, "exat")) return OPT_EXAT;
    if (!strcasecmp(opt, "pxat")) return OPT_PXAT;
    return 0;
}

/* The flag one option word sets, given the flags already set, or 0 when
 * the word is not allowed here (a syntax error).  A repeated option is
 * allowed (the last value wins), as in Redis; conflicting ones are not. */
static int optionFlag(const char *opt, int flags, int kind, int hasNext) {
    int isSet = kind == PARSE_SET;
    int exp = expireOptionFlag(opt);
    if (exp) {
        int conflicts = (OPT_ANY_EXPIRE & ~exp) | OPT_KEEPTTL | OPT_PERSIST;
        return hasNext && !(flags & conflicts) ? exp : 0;
    }
    if (isSet && !strcasecmp(opt, "nx")) return flags & OPT_XX ? 0 : OPT_NX;
    if (isSet && !strcasecmp(opt, "xx")) return flags & OPT_NX ? 0 : OPT_XX;
    if (isSet && !strcasecmp(opt, "get")) return OPT_GET;
    if (isSet && !strcasecmp(opt, "keepttl")) return flags & OPT_ANY_EXPIRE ? 0 : OPT_KEEPTTL;
    if (!isSet && !strcasecmp(opt, "persist")) return flags & OPT_ANY_EXPIRE ? 0 : OPT_PERSIST;
    return 0;
}

/* Parses the options of SET (from argv[3]) or GETEX (from argv[2]) into
 * *flags and *expireArg (the EX/PX/EXAT/PXAT value, NULL if none).
 * Returns 0 after replying "syntax error". */
static int parseSetOptions(client *c, int kind, int *flags, bstr *expireArg) {
    *flags = 0;
    *expireArg = NULL;
    for (int j = kind == PARSE_SET ? 3 : 2; j < c->argc; j++) {
        int hasNext = j < c->argc - 1;
        int f = optionFlag(c->argv[j], *flags, kind, hasNext);
        if (!f) {
            replyErrorSyntax(c);
            return 0;
        }
        *flags |= f;
        if (f & OPT_ANY_EXPIRE) *expireArg = c->argv[++j];
    }
    return 1;
}

/* Turns an expiry argument into an absolute unix time in ms, as Redis's
 * getExpireMillisecondsOrReply: it must be an integer > 0 that does not
 * overflow once converted to ms (and, for EX/PX, once now is added).
 * `flags` holds the option that introduced it.  Returns 0 after replying
 * an error naming `cmdname`. */
static int expireToAbsMs(client *c, const bstr arg, int flags, const char *cmdname, long long *out) {
    long long ms;
    if (!numParseLongLong(arg, bstrLen(arg), &ms)) {
        replyErrorNotInteger(c);
        return 0;
    }
    int seconds = flags & (OPT_EX | OPT_EXAT);
    int relative = flags & (OPT_EX | OPT_PX);
    if (ms <= 0 || (seconds && ms > LLONG_MAX / 1000)) goto invalid;
    if (seconds) ms *= 1000;
    if (relative) {
        if (ms > LLONG_MAX - cachedClock.mstime) goto invalid;
        ms += cachedClock.mstime;
    }
    *out = ms;
    return 1;
invalid:
    replyErrorFormat(c, "invalid expire time in '%s' command", cmdname);
    return 0;
}

/* ------------------------------------------------------------------ */
/* GET, SET and friends */

void getCommand(client *c) {
    bstr value;
    if (!getValueOrReply(c, &value)) return;
    replyBulkOrNull(c, value);
    if (value) bstrFree(value);
}

/* How setGeneric answers a successful and an aborted (NX/XX) set when
 * GET was not given: SET's +OK / null, or SETNX's :1 / :0. */
enum { SET_REPLY_OK_NULL, SET_REPLY_ONE_ZERO };

typedef struct setRequest {
    int flags;          /* OPT_* */
    bstr value;
    bstr expireArg;     /* NULL: no EX/PX/EXAT/PXAT */
    const char *cmdname;
    int replyStyle;     /* SET_REPLY_* */
} setRequest;

/* The TTL the new value gets: the old one with KEEPTTL, the given one, or
 * none.  Returns 0 after replying an error. */
static int setTargetExpire(client *c, const setRequest *req, long long expireMs, int found,
                           int64_t *out) {
    *out = req->expireArg ? expireMs : DB_NO_EXPIRE;
    if (!(req->flags & OPT_KEEPTTL) || !found) return 1;
    int rc = dbGetExpire(c->db, c->argv[1], ARGLEN(c, 1), out);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) *out = DB_NO_EXPIRE;
    return 1;
}

/* Looks up argv[1] for SET: with GET reads the old value into *old,
 * otherwise only checks existence.  Returns 0 after replying an error. */
static int setLookup(client *c, int flags, bstr *old, int *found) {
    *old = NULL;
    if (flags & OPT_GET) {
        if (!getValueOrReply(c, old)) return 0;
        *found = *old != NULL;
    } else {
        *found = dbExists(c->db, c->argv[1], ARGLEN(c, 1));
    }
    return 1;
}

/* Replies to a SET that did not write because of NX/XX. */
static void replySetAborted(client *c, const setRequest *req, bstr old) {
    if (req->flags & OPT_GET) replyBulkOrNull(c, old);
    else if (req->replyStyle == SET_REPLY_ONE_ZERO) replyLongLong(c, 0);
    else replyNull(c);
}

/* Replies to a SET that wrote the value. */
static void replySetDone(client *c, const setRequest *req, bstr old) {
    if (req->flags & OPT_GET) replyBulkOrNull(c, old);
    else if (req->replyStyle == SET_REPLY_ONE_ZERO) replyLongLong(c, 1);
    else replyOk(c);
}

/* Redis's setGenericCommand for SET, SETNX, SETEX and PSETEX: validates
 * the expiry, reads the old value for GET, applies NX/XX, writes the
 * value with its TTL (no TTL unless KEEPTTL or an expiry was given; with
 * an absolute time already past the key is written and expires at its next
 * lookup, as in Redis 7.0), notifies "set" (and "expire") and replies. */
static void setGeneric(client *c, const setRequest *req) {
    long long expireMs = 0;
    if (req->expireArg && !expireToAbsMs(c, req->expireArg, req->flags, req->cmdname, &expireMs))
        return;
    bstr old;
    int found;
    if (!setLookup(c, req->flags, &old, &found)) return;
    if (((req->flags & OPT_NX) && found) || ((req->flags & OPT_XX) && !found)) {
        replySetAborted(c, req, old);
    } else {
        int64_t expire;
        if (setTargetExpire(c, req, expireMs, found, &expire) &&
            !replyDbError(c, dbSet(c->db, c->argv[1], ARGLEN(c, 1), req->value,
                                   bstrLen(req->value), expire))) {
            notifyKeyspaceEvent(NOTIFY_STRING, "set", c->argv[1], ARGLEN(c, 1), c->db);
            if (req->expireArg)
                notifyKeyspaceEvent(NOTIFY_GENERIC, "expire", c->argv[1], ARGLEN(c, 1), c->db);
            replySetDone(c, req, old);
        }
    }
    if (old) bstrFree(old);
}

/* SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
void setCommand(client *c) {
    setRequest req = {.value = c->argv[2], .cmdname = "set", .replyStyle = SET_REPLY_OK_NULL};
    if (!parseSetOptions(c, PARSE_SET, &req.flags, &req.expireArg)) return;
    setGeneric(c, &req);
}

/* The flags of SET's key for COMMAND GETKEYSANDFLAGS, whose key spec has
 * variable flags (Redis's setGetKeys): RW|ACCESS|UPDATE when a GET word
 * appears after the value, OW|UPDATE otherwise.  argv[0] is "set". */
uint64_t setKeySpecFlags(bstr *argv, int argc) {
    for (int i = 3; i < argc; i++)
        if (!strcasecmp(argv[i], "get")) return KSPEC_RW | KSPEC_ACCESS | KSPEC_UPDATE;
    return KSPEC_OW | KSPEC_UPDATE;
}

/* SETNX key value: :1 when set, :0 when the key existed. */
void setnxCommand(client *c) {
    setRequest req = {.flags = OPT_NX, .value = c->argv[2], .cmdname = "setnx",
                      .replyStyle = SET_REPLY_ONE_ZERO};
    setGeneric(c, &req);
}

/* SETEX key seconds value */
void setexCommand(client *c) {
    setRequest req = {.flags = OPT_EX, .value = c->argv[3], .expireArg = c->argv[2],
                      .cmdname = "setex", .replyStyle = SET_REPLY_OK_NULL};
    setGeneric(c, &req);
}

/* PSETEX key milliseconds value */
void psetexCommand(client *c) {
    setRequest req = {.flags = OPT_PX, .value = c->argv[3], .expireArg = c->argv[2],
                      .cmdname = "psetex", .replyStyle = SET_REPLY_OK_NULL};
    setGeneric(c, &req);
}

/* GETSET key value: sets the value (clearing any TTL) and returns the old
 * one, or null. */
void getsetCommand(client *c) {
    bstr old;
    if (!getValueOrReply(c, &old)) return;
    if (!replyDbError(c, dbSet(c->db, c->argv[1], ARGLEN(c, 1), c->argv[2], ARGLEN(c, 2),
                               DB_NO_EXPIRE))) {
        notifyKeyspaceEvent(NOTIFY_STRING, "set", c->argv[1], ARGLEN(c, 1), c->db);
        replyBulkOrNull(c, old);
    }
    if (old) bstrFree(old);
}

/* GETDEL key: the value (or null), and the key removed. */
void getdelCommand(client *c) {
    bstr value;
    if (!getValueOrReply(c, &value)) return;
    if (!value) {
        replyNull(c);
        return;
    }
    int rc = dbDelete(c->db, c->argv[1], ARGLEN(c, 1));
    if (!replyDbError(c, rc)) {
        notifyKeyspaceEvent(NOTIFY_GENERIC, "del", c->argv[1], ARGLEN(c, 1), c->db);
        replyBulkBstr(c, value);
    }
    bstrFree(value);
}

/* Applies GETEX's expiry change to argv[1] (which exists).  EX/PX/EXAT/
 * PXAT set the TTL (an absolute time already past removes the key, which
 * dbSetExpire does); PERSIST clears it, writing only when there is one.
 * Returns 0 after replying an error. */
static int getexApply(client *c, int flags, int hasExpire, long long expireMs) {
    const char *key = c->argv[1];
    size_t klen = ARGLEN(c, 1);
    if (hasExpire) {
        if (replyDbError(c, dbSetExpire(c->db, key, klen, expireMs))) return 0;
        /* A time already past deleted the key: Redis says "del". */
        notifyKeyspaceEvent(NOTIFY_GENERIC, expireMs <= cachedClock.mstime ? "del" : "expire", key,
                            klen, c->db);
        return 1;
    }
    if (!(flags & OPT_PERSIST)) return 1;
    int64_t current = DB_NO_EXPIRE;
    int rc = dbGetExpire(c->db, key, klen, &current);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING || current == DB_NO_EXPIRE) return 1;
    if (replyDbError(c, dbSetExpire(c->db, key, klen, DB_NO_EXPIRE))) return 0;
    notifyKeyspaceEvent(NOTIFY_GENERIC, "persist", key, klen, c->db);
    return 1;
}

/* GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST].  As in Redis, a
 * missing key answers null before the expiry value is validated. */
void getexCommand(client *c) {
    int flags;
    bstr expireArg;
    if (!parseSetOptions(c, PARSE_GETEX, &flags, &expireArg)) return;
    bstr value;
    if (!getValueOrReply(c, &value)) return;
    if (!value) {
        replyNull(c);
        return;
    }
    long long expireMs = 0;
    if ((!expireArg || expireToAbsMs(c, expireArg, flags, "getex", &expireMs)) &&
        getexApply(c, flags, expireArg != NULL, expireMs))
        replyBulkBstr(c, value);
    bstrFree(value);
}

/* MGET key [key ...]: one element per key, null when missing.  A value
 * that cannot be read becomes an error element in its place. */
void mgetCommand(client *c) {
    replyArrayLen(c, c->argc - 1);
    for (int j = 1; j < c->argc; j++) {
        bstr value = NULL;
        int rc = dbGet(c->db, c->argv[j], ARGLEN(c, j), &value);
        if (rc == DB_WRONGTYPE) { /* Redis: a null for a key of another type */
            replyNull(c);
            continue;
        }
        if (replyDbError(c, rc)) continue;
        if (rc == DB_MISSING) {
            notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[j], ARGLEN(c, j), c->db);
            replyNull(c);
            continue;
        }
        replyBulkBstr(c, value);
        bstrFree(value);
    }
}

/* Writes every key/value pair of MSET/MSETNX (no TTL), several pairs as
 * one batch (a single write is atomic by itself).  Returns 0 after
 * replying an error, when nothing was written. */
static int msetWrite(client *c) {
    int rc = DB_OK, commit = DB_OK, batch = c->argc > 3;
    if (batch) dbBatchBegin();
    for (int j = 1; j < c->argc && rc == DB_OK; j += 2) {
        rc = dbSet(c->db, c->argv[j], ARGLEN(c, j), c->argv[j + 1], ARGLEN(c, j + 1), DB_NO_EXPIRE);
        /* Queued by the batch: delivered at its commit, dropped if it
         * rolls back.  A single pair is no batch and its write is done. */
        if (rc == DB_OK)
            notifyKeyspaceEvent(NOTIFY_STRING, "set", c->argv[j], ARGLEN(c, j), c->db);
    }
    if (batch) commit = dbBatchCommit();
    return !replyDbError(c, rc) && !replyDbError(c, commit);
}

/* MSET key value [key value ...] */
void msetCommand(client *c) {
    if (c->argc % 2 == 0) {
        replyErrorArity(c);
        return;
    }
    if (msetWrite(c)) replyOk(c);
}

/* MSETNX key value [key value ...]: :1 when all were set, :0 (nothing
 * set) when any key exists. */
void msetnxCommand(client *c) {
    if (c->argc % 2 == 0) {
        replyErrorArity(c);
        return;
    }
    for (int j = 1; j < c->argc; j += 2) {
        if (dbExists(c->db, c->argv[j], ARGLEN(c, j))) {
            replyLongLong(c, 0);
            return;
        }
    }
    if (msetWrite(c)) replyLongLong(c, 1);
}

/* ------------------------------------------------------------------ */
/* APPEND, STRLEN, GETRANGE, SETRANGE */

/* APPEND key value: the new length.  Creates the key (no TTL) when
 * missing; otherwise keeps its TTL. */
void appendCommand(client *c) {
    size_t olen, alen = ARGLEN(c, 2);
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &olen);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) {
        if (!replyDbError(c, dbSet(c->db, c->argv[1], ARGLEN(c, 1), c->argv[2], alen, DB_NO_EXPIRE))) {
            notifyKeyspaceEvent(NOTIFY_STRING, "append", c->argv[1], ARGLEN(c, 1), c->db);
            replyLongLong(c, (long long)alen);
        }
        return;
    }
    if (!checkStringLength(c, olen, alen)) return;
    if (alen == 0) {
        /* nothing to patch, but Redis still counts it as a write of the key */
        bstr value;
        if (!getValueOrReply(c, &value)) return;
        if (!value) value = bstrEmpty(); /* cannot happen: the length was just read */
        if (overwriteKeepTtl(c, value, bstrLen(value), "append")) replyLongLong(c, (long long)olen);
        bstrFree(value);
        return;
    }
    if (replyDbError(c, dbSetRange(c->db, c->argv[1], ARGLEN(c, 1), olen, c->argv[2], alen))) return;
    notifyKeyspaceEvent(NOTIFY_STRING, "append", c->argv[1], ARGLEN(c, 1), c->db);
    replyLongLong(c, (long long)(olen + alen));
}

/* STRLEN key: 0 when missing. */
void strlenCommand(client *c) {
    size_t len = 0;
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &len);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
    replyLongLong(c, rc == DB_MISSING ? 0 : (long long)len);
}

/* Redis's GETRANGE index arithmetic: turns start/end (negative = from the
 * end) into a byte range of a string of len bytes.  Returns 0 when the
 * range is empty. */
static int rangeToOffsets(long long start, long long end, size_t len, size_t *off, size_t *count) {
    long long slen = (long long)len;
    if (start < 0 && end < 0 && start > end) return 0;
    if (start < 0) start = slen + start;
    if (end < 0) end = slen + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= slen) end = slen - 1;
    if (start > end || slen == 0) return 0;
    *off = (size_t)start;
    *count = (size_t)(end - start + 1);
    return 1;
}

/* GETRANGE key start end (and SUBSTR): an empty string when the key is
 * missing or the range is empty. */
void getrangeCommand(client *c) {
    long long start, end;
    if (!argLongLongOrReply(c, 2, &start) || !argLongLongOrReply(c, 3, &end)) return;
    size_t len, off, count;
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &len);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
    if (rc == DB_MISSING || !rangeToOffsets(start, end, len, &off, &count)) {
        replyBulk(c, "", 0);
        return;
    }
    bstr part = NULL;
    rc = dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), off, count, &part);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) replyBulk(c, "", 0);
    else replyBulkBstr(c, part);
    if (part) bstrFree(part);
}

/* SETRANGE on a missing key: a new value of offset zero bytes followed by
 * the argument, without TTL. */
static void setrangeCreate(client *c, size_t offset) {
    size_t vlen = ARGLEN(c, 3);
    if (vlen == 0) {
        replyLongLong(c, 0);
        return;
    }
    if (!checkStringLength(c, offset, vlen)) return;
    bstr value = bstrNewLen(NULL, offset + vlen);
    memcpy(value + offset, c->argv[3], vlen);
    if (!replyDbError(c, dbSet(c->db, c->argv[1], ARGLEN(c, 1), value, offset + vlen, DB_NO_EXPIRE))) {
        notifyKeyspaceEvent(NOTIFY_STRING, "setrange", c->argv[1], ARGLEN(c, 1), c->db);
        replyLongLong(c, (long long)(offset + vlen));
    }
    bstrFree(value);
}

/* SETRANGE on an existing value of olen bytes: overwritten in place,
 * zero-padded when the offset lies beyond its end; the TTL is kept.  Only
 * the bytes written reach the log (dbSetRange). */
static void setrangeUpdate(client *c, size_t offset, size_t olen) {
    size_t vlen = ARGLEN(c, 3);
    if (vlen == 0) {
        replyLongLong(c, (long long)olen);
        return;
    }
    if (!checkStringLength(c, offset, vlen)) return;
    if (replyDbError(c, dbSetRange(c->db, c->argv[1], ARGLEN(c, 1), offset, c->argv[3], vlen)))
        return;
    notifyKeyspaceEvent(NOTIFY_STRING, "setrange", c->argv[1], ARGLEN(c, 1), c->db);
    replyLongLong(c, (long long)(offset + vlen > olen ? offset + vlen : olen));
}

/* SETRANGE key offset value: the new length. */
void setrangeCommand(client *c) {
    long long offset;
    if (!argLongLongOrReply(c, 2, &offset)) return;
    if (offset < 0) {
        replyError(c, "offset is out of range");
        return;
    }
    size_t olen;
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &olen);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) setrangeCreate(c, (size_t)offset);
    else setrangeUpdate(c, (size_t)offset, olen);
}

/* ------------------------------------------------------------------ */
/* INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT */

/* Adds incr to the integer at argv[1] (0 when missing), keeping the TTL,
 * and replies the result (Redis's incrDecrCommand). */
static void incrDecr(client *c, long long incr) {
    char old[NUM_LONG_STR_SIZE];
    size_t olen;
    int64_t expire;
    long long cur = 0;
    int st = readNumericValue(c, old, sizeof(old) - 1, &olen, &expire);
    if (st < 0) return;
    int ok = st == 0 || (st == 1 && numParseLongLong(old, olen, &cur));
    if (!ok) {
        replyErrorNotInteger(c);
        return;
    }
    if (!numAddLongLong(cur, incr, &cur)) {
        replyError(c, "increment or decrement would overflow");
        return;
    }
    char buf[NUM_LONG_STR_SIZE];
    int len = numFormatLongLong(buf, sizeof(buf), cur);
    if (overwriteWithTtl(c, buf, (size_t)len, expire, "incrby")) replyLongLong(c, cur);
}

void incrCommand(client *c) { incrDecr(c, 1); }

void decrCommand(client *c) { incrDecr(c, -1); }

void incrbyCommand(client *c) {
    long long incr;
    if (argLongLongOrReply(c, 2, &incr)) incrDecr(c, incr);
}

void decrbyCommand(client *c) {
    long long decr;
    if (!argLongLongOrReply(c, 2, &decr)) return;
    if (decr == LLONG_MIN) {
        replyError(c, "decrement would overflow");
        return;
    }
    incrDecr(c, -decr);
}

/* INCRBYFLOAT key increment: long double arithmetic, the result stored
 * and replied in Redis's human-friendly format ("1.1", "5000", "0"). */
void incrbyfloatCommand(client *c) {
    long double incr, cur = 0;
    if (!numParseLongDouble(c->argv[2], ARGLEN(c, 2), &incr)) {
        replyError(c, "value is not a valid float");
        return;
    }
    char old[NUM_MAX_LONG_DOUBLE_CHARS];
    size_t olen;
    int64_t expire;
    int st = readNumericValue(c, old, sizeof(old) - 1, &olen, &expire);
    if (st < 0) return;
    int ok = st == 0 || (st == 1 && numParseLongDouble(old, olen, &cur));
    if (!ok) {
        replyError(c, "value is not a valid float");
        return;
    }
    char buf[NUM_MAX_LONG_DOUBLE_CHARS];
    int len;
    if (!numAddLongDouble(cur, incr, buf, sizeof(buf), &len)) {
        replyError(c, "increment would produce NaN or Infinity");
        return;
    }
    if (overwriteWithTtl(c, buf, (size_t)len, expire, "incrbyfloat")) replyBulk(c, buf, (size_t)len);
}

/* ------------------------------------------------------------------ */
/* LCS */

typedef struct lcsOptions {
    int getLen, getIdx, withMatchLen;
    long long minMatchLen;
} lcsOptions;

/* Parses LCS's options (from argv[3]).  Returns 0 after replying an
 * error. */
static int lcsParseOptions(client *c, lcsOptions *o) {
    memset(o, 0, sizeof(*o));
    for (int j = 3; j < c->argc; j++) {
        const char *opt = c->argv[j];
        int moreargs = c->argc - 1 - j;
        if (!strcasecmp(opt, "idx")) {
            o->getIdx = 1;
        } else if (!strcasecmp(opt, "len")) {
            o->getLen = 1;
        } else if (!strcasecmp(opt, "withmatchlen")) {
            o->withMatchLen = 1;
        } else if (!strcasecmp(opt, "minmatchlen") && moreargs) {
            if (!argLongLongOrReply(c, j + 1, &o->minMatchLen)) return 0;
            if (o->minMatchLen < 0) o->minMatchLen = 0;
            j++;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    if (o->getIdx && o->getLen) {
        replyError(c, "If you want both the length and indexes, please just use IDX.");
        return 0;
    }
    return 1;
}

/* Length of the value at argv[i] (0 when missing).  Returns 0 after
 * replying an error. */
static int lcsValueLength(client *c, int i, size_t *len) {
    int rc = dbValueLength(c->db, c->argv[i], ARGLEN(c, i), len);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        *len = 0;
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
    }
    return 1;
}

/* Reads the value at argv[i], "" when missing.  Returns 0 after replying
 * an error. */
static int lcsReadValue(client *c, int i, bstr *value) {
    *value = NULL;
    int rc = dbGet(c->db, c->argv[i], ARGLEN(c, i), value);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) *value = bstrEmpty();
    return 1;
}

/* Allocates the (alen+1) x (blen+1) table of LCS lengths, refusing (with
 * Redis's errors) strings too long for 32-bit indexes or a table larger
 * than proto-max-bulk-len.  The allocation may fail without aborting the
 * server, so it uses malloc() rather than xmalloc().  NULL after replying
 * an error. */
static uint32_t *lcsAllocTable(client *c, size_t alen, size_t blen) {
    if (alen >= UINT32_MAX - 1 || blen >= UINT32_MAX - 1) {
        replyError(c, "String too long for LCS");
        return NULL;
    }
    unsigned long long cells = (unsigned long long)(alen + 1) * (blen + 1);
    if (cells > (unsigned long long)server.protoMaxBulkLen / sizeof(uint32_t)) {
        replyError(c, "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return NULL;
    }
    uint32_t *dp = malloc(cells * sizeof(uint32_t));
    if (!dp) replyError(c, "Insufficient memory, failed allocating transient memory for LCS");
    return dp;
}

/* Fills dp so that dp[i*(blen+1)+j] is the LCS length of a[0..i) and
 * b[0..j). */
static void lcsFillTable(uint32_t *dp, const char *a, uint32_t alen, const char *b, uint32_t blen) {
    size_t w = (size_t)blen + 1;
    for (uint32_t i = 0; i <= alen; i++) {
        for (uint32_t j = 0; j <= blen; j++) {
            if (i == 0 || j == 0) {
                dp[i * w + j] = 0;
            } else if (a[i - 1] == b[j - 1]) {
                dp[i * w + j] = dp[(i - 1) * w + j - 1] + 1;
            } else {
                uint32_t up = dp[(i - 1) * w + j], left = dp[i * w + j - 1];
                dp[i * w + j] = up > left ? up : left;
            }
        }
    }
}

/* One IDX match: [[a_start, a_end], [b_start, b_end]] plus its length
 * with WITHMATCHLEN. */
static void lcsReplyRange(client *c, const lcsOptions *o, uint32_t as, uint32_t ae, uint32_t bs,
                          uint32_t be) {
    replyArrayLen(c, 2 + o->withMatchLen);
    replyArrayLen(c, 2);
    replyLongLong(c, as);
    replyLongLong(c, ae);
    replyArrayLen(c, 2);
    replyLongLong(c, bs);
    replyLongLong(c, be);
    if (o->withMatchLen) replyLongLong(c, (long long)ae - as + 1);
}

/* Walks the table back from (alen, blen) as Redis's lcsCommand does,
 * writing the LCS into result (which has room for it) and, with IDX,
 * replying each run of contiguous matches (longest-last-first, filtered
 * by MINMATCHLEN).  Returns the number of ranges replied. */
static long long lcsBacktrack(client *c, const lcsOptions *o, const uint32_t *dp, const char *a,
                              uint32_t alen, const char *b, uint32_t blen, char *result) {
    size_t w = (size_t)blen + 1;
    uint32_t idx = dp[(size_t)alen * w + blen];
    uint32_t as = alen, ae = 0, bs = 0, be = 0; /* as == alen: no range open */
    long long ranges = 0;
    uint32_t i = alen, j = blen;
    while (i > 0 && j > 0) {
        int emit = 0;
        if (a[i - 1] == b[j - 1]) {
            result[idx - 1] = a[i - 1];
            if (as == alen) {
                as = ae = i - 1;
                bs = be = j - 1;
            } else if (as == i && bs == j) {
                as--;
                bs--;
            } else {
                emit = 1;
            }
            if (as == 0 || bs == 0) emit = 1;
            idx--, i--, j--;
        } else {
            if (dp[(size_t)(i - 1) * w + j] > dp[(size_t)i * w + j - 1]) i--;
            else j--;
            if (as != alen) emit = 1;
        }
        if (!emit) continue;
        if (o->getIdx && (o->minMatchLen == 0 || (long long)(ae - as + 1) >= o->minMatchLen)) {
            lcsReplyRange(c, o, as, ae, bs, be);
            ranges++;
        }
        as = alen;
    }
    return ranges;
}

/* Computes and replies LCS of a and b: the string, its length (LEN), or
 * with IDX the map {matches: [...], len: n} (a flat array in RESP2). */
static void lcsReply(client *c, const lcsOptions *o, uint32_t *dp, const bstr a, const bstr b) {
    uint32_t alen = (uint32_t)bstrLen(a), blen = (uint32_t)bstrLen(b);
    lcsFillTable(dp, a, alen, b, blen);
    uint32_t total = dp[(size_t)alen * ((size_t)blen + 1) + blen];
    if (o->getLen) {
        replyLongLong(c, total);
        return;
    }
    bstr result = bstrNewLen(NULL, total);
    void *deferred = NULL;
    if (o->getIdx) {
        replyMapLen(c, 2);
        replyBulkCString(c, "matches");
        deferred = replyDeferredLen(c);
    }
    long long ranges = lcsBacktrack(c, o, dp, a, alen, b, blen, result);
    if (deferred) {
        replySetDeferredArrayLen(c, deferred, ranges);
        replyBulkCString(c, "len");
        replyLongLong(c, total);
    } else {
        replyBulkBstr(c, result);
    }
    bstrFree(result);
}

/* LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN].  Missing
 * keys count as empty strings.  The options and the size of the table are
 * checked before the values are read. */
void lcsCommand(client *c) {
    lcsOptions o;
    size_t alen, blen;
    if (!lcsParseOptions(c, &o)) return;
    if (!lcsValueLength(c, 1, &alen) || !lcsValueLength(c, 2, &blen)) return;
    uint32_t *dp = lcsAllocTable(c, alen, blen);
    if (!dp) return;
    bstr a = NULL, b = NULL;
    if (lcsReadValue(c, 1, &a) && lcsReadValue(c, 2, &b)) {
        if (bstrLen(a) == alen && bstrLen(b) == blen) lcsReply(c, &o, dp, a, b);
        else replyError(c, "Error reading value from the data file");
    }
    if (a) bstrFree(a);
    if (b) bstrFree(b);
    free(dp);
}
