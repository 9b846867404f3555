/* cmd/object.c -- OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP, with
 * Redis 7.0's replies and errors (object.c objectCommand).  A missing key
 * gives a null (RESP2 $-1, RESP3 _).
 *
 * Values live in the log, not as Redis objects, so the answers are
 * derived the way Redis would see a freshly stored value:
 *   - ENCODING: "int" for a value Redis's tryObjectEncoding turns into an
 *     integer (at most 20 bytes that string2l accepts: no sign but '-', no
 *     leading zero or space, within a long), else "embstr" up to 44 bytes,
 *     else "raw".  Redis also says "raw" for a short value that APPEND or
 *     SETRANGE built in place; redis-kv keeps no such history.
 *   - REFCOUNT: an "int" value in 0..9999 is one of Redis's shared integers
 *     (refcount INT_MAX, 2147483647); any other value has 1.  Redis stops
 *     sharing them under maxmemory with an LRU or LFU policy (a shared
 *     object cannot carry a key's access clock), so then they have 1 too.
 *   - ENCODING of a hash or a set: its index's encoding, which follows
 *     Redis's rules and names (store/collection.h: "listpack", "intset",
 *     "hashtable").
 *   - IDLETIME: seconds since the key's last access (a read, a write or
 *     TOUCH; db/evict.h), from its LRU clock; under an LFU policy the clock
 *     holds the LFU counter instead and Redis's error says so.
 *   - FREQ: the LFU counter (after decay) under an LFU maxmemory policy,
 *     else Redis's error.  Both look the key up first (a missing key gives
 *     the null before any error) and neither counts as an access. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "db/evict.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <limits.h>

/* Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT and OBJ_SHARED_INTEGERS. */
#define OBJECT_EMBSTR_MAX 44
#define OBJECT_SHARED_INTEGERS 10000
#define OBJECT_SHARED_REFCOUNT INT_MAX

typedef enum { ENC_INT, ENC_EMBSTR, ENC_RAW, ENC_COLLECTION } objectEncoding;

/* The encoding of argv[2]'s value into *enc (and its integer into *num
 * for ENC_INT).  Replies a null for a missing key, or the read error, and
 * returns 0 then. */
static int lookupEncodingAndReply(client *c, objectEncoding *enc, long *num);

/* OBJECT is no access of the key (Redis's LOOKUP_NOTOUCH). */
static int lookupEncodingOrReply(client *c, objectEncoding *enc, long *num) {
    int was = dbSetTouching(0);
    int found = lookupEncodingAndReply(c, enc, num);
    dbSetTouching(was);
    return found;
}

static int lookupEncodingAndReply(client *c, objectEncoding *enc, long *num) {
    int type = dbKeyType(c->db, c->argv[2], ARGLEN(c, 2));
    if (type > DB_TYPE_STRING) {
        *enc = ENC_COLLECTION;
        return 1;
    }
    size_t len;
    int rc = dbValueLength(c->db, c->argv[2], ARGLEN(c, 2), &len);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        replyNull(c);
        return 0;
    }
    *enc = len <= OBJECT_EMBSTR_MAX ? ENC_EMBSTR : ENC_RAW;
    if (len < NUM_LONG_STR_SIZE) {
        bstr value;
        rc = dbGetRange(c->db, c->argv[2], ARGLEN(c, 2), 0, len, &value);
        if (replyDbError(c, rc)) return 0;
        if (numParseLong(value, bstrLen(value), num)) *enc = ENC_INT;
        bstrFree(value);
    }
    return 1;
}

void objectEncodingCommand(client *c) {
    static const char *const names[] = {"int", "embstr", "raw"};
    objectEncoding enc;
    long num;
    if (!lookupEncodingOrReply(c, &enc, &num)) return;
    if (enc != ENC_COLLECTION) {
        replyBulkCString(c, names[enc]);
        return;
    }
    int type = dbKeyType(c->db, c->argv[2], ARGLEN(c, 2)), rc;
    const collection *coll = dbCollection(c->db, c->argv[2], ARGLEN(c, 2), type, &rc);
    replyBulkCString(c, collEncodingName(coll));
}

void objectRefcountCommand(client *c) {
    objectEncoding enc;
    long num;
    if (!lookupEncodingOrReply(c, &enc, &num)) return;
    int sharing = evictSettings.maxmemory == 0 || !evictPolicyUsesClock();
    int shared = sharing && enc == ENC_INT && num >= 0 && num < OBJECT_SHARED_INTEGERS;
    replyLongLong(c, shared ? OBJECT_SHARED_REFCOUNT : 1);
}

/* The access clock of argv[2], without touching it; replies the null
 * (or the read error) and returns 0 when the key is missing. */
static int lookupClockOrReply(client *c, uint32_t *clock) {
    int rc = dbKeyAccessClock(c->db, c->argv[2], ARGLEN(c, 2), clock);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        replyNull(c);
        return 0;
    }
    return 1;
}

void objectIdletimeCommand(client *c) {
    uint32_t clock;
    if (!lookupClockOrReply(c, &clock)) return;
    if (evictPolicyIsLfu()) {
        replyError(c, "An LFU maxmemory policy is selected, idle time not tracked. Please note "
                      "that when switching between policies at runtime LRU and LFU data will "
                      "take some time to adjust.");
        return;
    }
    replyLongLong(c, (long long)(evictIdleMs(clock) / 1000));
}

void objectFreqCommand(client *c) {
    uint32_t clock;
    if (!lookupClockOrReply(c, &clock)) return;
    if (!evictPolicyIsLfu()) {
        replyError(c, "An LFU maxmemory policy is not selected, access frequency not tracked. "
                      "Please note that when switching between policies at runtime LRU and LFU "
                      "data will take some time to adjust.");
        return;
    }
    replyLongLong(c, evictFreq(clock));
}

void objectHelpCommand(client *c) {
    static const char *help[] = {
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        NULL};
    replyHelp(c, help);
}
