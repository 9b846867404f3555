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
 *     (refcount INT_MAX, 2147483647); any other value has 1.
 *   - ENCODING of a hash or a set: its index's encoding, which follows
 *     Redis's rules and names (store/collection.h: "listpack", "intset",
 *     "hashtable").
 *   - IDLETIME: no per-key access clock is kept (the keydir entry has no
 *     room for one without a bigger allocation size class for many key
 *     lengths), so this is the time since the value was last written, from
 *     the timestamp in its log record: an upper bound of Redis's idle time,
 *     exact for keys that are not read.  Reads and TOUCH do not reset it.
 *     A collection's elements are records of their own and the key keeps
 *     no time of its newest one: its idle time reads 0.
 *   - FREQ: Redis tracks access frequency only under an LFU maxmemory
 *     policy, which redis-kv does not have, so it always gets Redis's
 *     error for that case (after the missing-key check, as in Redis). */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
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
static int lookupEncodingOrReply(client *c, objectEncoding *enc, long *num) {
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
    int shared = enc == ENC_INT && num >= 0 && num < OBJECT_SHARED_INTEGERS;
    replyLongLong(c, shared ? OBJECT_SHARED_REFCOUNT : 1);
}

/* Seconds since the value was written (see the top of the file). */
void objectIdletimeCommand(client *c) {
    int64_t written;
    int rc = dbLastWriteTime(c->db, c->argv[2], ARGLEN(c, 2), &written);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) {
        replyNull(c);
        return;
    }
    long long idle = cachedClock.mstime - written;
    replyLongLong(c, idle > 0 ? idle / 1000 : 0);
}

void objectFreqCommand(client *c) {
    if (!dbExists(c->db, c->argv[2], ARGLEN(c, 2))) {
        replyNull(c);
        return;
    }
    replyError(c, "An LFU maxmemory policy is not selected, access frequency not tracked. "
                  "Please note that when switching between policies at runtime LRU and LFU "
                  "data will take some time to adjust.");
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
