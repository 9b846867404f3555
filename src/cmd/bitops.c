/* cmd/bitops.c -- the bitmap commands SETBIT, GETBIT, BITCOUNT, BITPOS and
 * BITOP, with Redis 7.0's replies, errors and argument rules.
 *
 * A bitmap is an ordinary string value; bit 0 is the most significant bit
 * of its first byte (lib/bits.h).  Readers fetch only the bytes they need
 * (dbGetRange), so GETBIT on a large bitmap reads one byte.  SETBIT writes
 * the one byte it changed through dbSetRange, which zero-pads, creates the
 * key and keeps its TTL, and writes nothing at all when the bit already had
 * the value asked for and the string does not grow (Redis then neither
 * notifies nor counts a change).  BITOP builds its result in memory and
 * stores it whole, like SET. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/bits.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"
#include "server/server.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static const char bitOffsetError[] = "bit offset is not an integer or out of range";

int bitOffsetOrReply(client *c, int i, int bits, uint64_t *offset) {
    const char *p = c->argv[i];
    size_t len = ARGLEN(c, i);
    int hashForm = bits > 0 && len > 0 && p[0] == '#';
    long long v;
    if (!numParseLongLong(p + hashForm, len - (size_t)hashForm, &v)) goto err;
    /* Redis multiplies without an overflow check, and the product wraps;
     * do the same, in unsigned arithmetic where wrapping is defined. */
    if (hashForm) v = (long long)((uint64_t)v * (uint64_t)bits);
    if (v < 0 || (v >> 3) >= server.protoMaxBulkLen) goto err;
    *offset = (uint64_t)v;
    return 1;
err:
    replyError(c, bitOffsetError);
    return 0;
}

/* Reports a read of a missing key, as Redis's lookupKeyRead does. */
static void notifyMiss(client *c, int i) {
    notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
}

/* The length of argv[1]'s value in *len.  Returns 0 after replying a db
 * error; *found says whether the key exists. */
static int valueLengthOrReply(client *c, size_t *len, int *found) {
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), len);
    if (replyDbError(c, rc)) return 0;
    *found = rc == DB_OK;
    if (!*found) *len = 0;
    return 1;
}

/* Bytes [first, first+count) of argv[1]'s value (count > 0), which the
 * caller knows exist.  NULL after replying an error; free with bstrFree. */
static bstr readBytesOrReply(client *c, size_t first, size_t count) {
    bstr part = NULL;
    int rc = dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), first, count, &part);
    if (replyDbError(c, rc)) return NULL;
    if (rc == DB_MISSING || bstrLen(part) != count) {
        /* Changed under us: cannot happen on the single-threaded loop. */
        if (part) bstrFree(part);
        replyError(c, "Error reading value from the data file");
        return NULL;
    }
    return part;
}

/* ------------------------------------------------------------------ */
/* SETBIT, GETBIT */

/* SETBIT key offset value: the bit's old value. */
void setbitCommand(client *c) {
    static const char bitError[] = "bit is not an integer or out of range";
    uint64_t off;
    long long on;
    if (!bitOffsetOrReply(c, 2, 0, &off)) return;
    if (!numParseLongLong(c->argv[3], ARGLEN(c, 3), &on) || (on & ~1LL)) {
        replyError(c, bitError);
        return;
    }
    size_t byte = (size_t)(off >> 3), len;
    int found;
    if (!valueLengthOrReply(c, &len, &found)) return;
    unsigned char old = 0;
    int grows = byte >= len;
    if (!grows) {
        bstr b = readBytesOrReply(c, byte, 1);
        if (!b) return;
        old = (unsigned char)b[0];
        bstrFree(b);
    }
    unsigned char mask = (unsigned char)(0x80u >> (off & 7));
    int oldBit = (old & mask) != 0;
    if (grows || oldBit != on) {
        unsigned char now = on ? (unsigned char)(old | mask) : (unsigned char)(old & ~mask);
        if (replyDbError(c, dbSetRange(c->db, c->argv[1], ARGLEN(c, 1), byte,
                                       (const char *)&now, 1)))
            return;
        notifyKeyspaceEvent(NOTIFY_STRING, "setbit", c->argv[1], ARGLEN(c, 1), c->db);
    }
    replyLongLong(c, oldBit);
}

/* GETBIT key offset: 0 past the end of the value or for a missing key. */
void getbitCommand(client *c) {
    uint64_t off;
    if (!bitOffsetOrReply(c, 2, 0, &off)) return;
    bstr b = NULL;
    int rc = dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), (size_t)(off >> 3), 1, &b);
    if (replyDbError(c, rc)) return;
    if (rc == DB_MISSING) notifyMiss(c, 1);
    int bit = b && bstrLen(b) == 1 && ((unsigned char)b[0] & (0x80u >> (off & 7)));
    if (b) bstrFree(b);
    replyLongLong(c, bit);
}

/* ------------------------------------------------------------------ */
/* BITCOUNT, BITPOS */

/* A range of BITCOUNT/BITPOS, resolved to bits of the value. */
typedef struct bitRange {
    long long first, last; /* bit indexes; empty when first > last */
} bitRange;

/* Redis's index rules for [start, end] over a value of len bytes, counted
 * in bytes or (isBit) bits: negatives count from the end, then both are
 * clamped into the value.  The result is in bits. */
static bitRange resolveRange(long long start, long long end, size_t len, int isBit) {
    long long total = isBit ? (long long)len * 8 : (long long)len;
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
    bitRange r = {start, end};
    if (!isBit && start <= end) {
        r.first = start * 8;
        r.last = end * 8 + 7;
    }
    return r;
}

/* Parses a BYTE|BIT word: 1 for BIT, 0 for BYTE, -1 after replying a
 * syntax error. */
static int unitOrReply(client *c, int i) {
    if (!strcasecmp(c->argv[i], "bit")) return 1;
    if (!strcasecmp(c->argv[i], "byte")) return 0;
    replyErrorSyntax(c);
    return -1;
}

/* Reads the bytes that hold bits r.first..r.last (a non-empty range) and
 * sets *first / *last to the range counted from the first byte read.
 * NULL after replying an error; free with bstrFree. */
static bstr readRangeOrReply(client *c, bitRange r, uint64_t *first, uint64_t *last) {
    size_t fb = (size_t)(r.first >> 3), lb = (size_t)(r.last >> 3);
    bstr bytes = readBytesOrReply(c, fb, lb - fb + 1);
    *first = (uint64_t)r.first - (uint64_t)fb * 8;
    *last = (uint64_t)r.last - (uint64_t)fb * 8;
    return bytes;
}

/* BITCOUNT key [start end [BYTE|BIT]].  As in Redis, a missing key answers
 * 0 before the arguments are looked at, and two negative indexes with
 * start > end answer 0 before the unit word is. */
void bitcountCommand(client *c) {
    size_t len;
    int found, isBit = 0;
    if (!valueLengthOrReply(c, &len, &found)) return;
    if (!found) {
        notifyMiss(c, 1);
        replyLongLong(c, 0);
        return;
    }
    bitRange r = {0, (long long)len * 8 - 1};
    if (c->argc == 4 || c->argc == 5) {
        long long start, end;
        if (!argLongLongOrReply(c, 2, &start) || !argLongLongOrReply(c, 3, &end)) return;
        if (start < 0 && end < 0 && start > end) {
            replyLongLong(c, 0);
            return;
        }
        if (c->argc == 5 && (isBit = unitOrReply(c, 4)) < 0) return;
        r = resolveRange(start, end, len, isBit);
    } else if (c->argc != 2) {
        replyErrorSyntax(c);
        return;
    }
    if (r.first > r.last) {
        replyLongLong(c, 0);
        return;
    }
    uint64_t first, last;
    bstr bytes = readRangeOrReply(c, r, &first, &last);
    if (!bytes) return;
    replyLongLong(c, (long long)bitsCountRange((unsigned char *)bytes, first, last));
    bstrFree(bytes);
}

/* BITPOS's answer when no bit in the range matched: looking for a 0 with
 * no explicit end, the value counts as followed by zeros, so the answer is
 * the first bit past its end; otherwise -1. */
static long long bitposNotFound(int bit, int endGiven, size_t len) {
    return bit == 0 && !endGiven ? (long long)len * 8 : -1;
}

/* Parses BITPOS's optional range (argv[3..]) over a value of len bytes.
 * Returns 0 after replying an error. */
static int bitposRangeOrReply(client *c, size_t len, bitRange *r, int *endGiven) {
    *endGiven = 0;
    if (c->argc == 3) {
        r->first = 0;
        r->last = (long long)len * 8 - 1;
        return 1;
    }
    if (c->argc > 6) {
        replyErrorSyntax(c);
        return 0;
    }
    long long start, end;
    int isBit = 0;
    if (!argLongLongOrReply(c, 3, &start)) return 0;
    if (c->argc == 6 && (isBit = unitOrReply(c, 5)) < 0) return 0;
    if (c->argc >= 5) {
        if (!argLongLongOrReply(c, 4, &end)) return 0;
        *endGiven = 1;
    } else {
        end = isBit ? (long long)len * 8 + 7 : (long long)len - 1;
    }
    *r = resolveRange(start, end, len, isBit);
    return 1;
}

/* BITPOS key bit [start [end [BYTE|BIT]]]: the first bit set (bit 1) or
 * clear (bit 0) in the range.  A missing key is all zeros: 0 for a clear
 * bit, -1 for a set one, whatever the range. */
void bitposCommand(client *c) {
    long long bit;
    if (!numParseLongLong(c->argv[2], ARGLEN(c, 2), &bit)) {
        replyErrorNotInteger(c);
        return;
    }
    if (bit != 0 && bit != 1) {
        replyError(c, "The bit argument must be 1 or 0.");
        return;
    }
    size_t len;
    int found, endGiven;
    if (!valueLengthOrReply(c, &len, &found)) return;
    if (!found) {
        notifyMiss(c, 1);
        replyLongLong(c, bit ? -1 : 0);
        return;
    }
    bitRange r;
    if (!bitposRangeOrReply(c, len, &r, &endGiven)) return;
    if (r.first > r.last) {
        replyLongLong(c, -1);
        return;
    }
    uint64_t first, last;
    bstr bytes = readRangeOrReply(c, r, &first, &last);
    if (!bytes) return;
    int64_t pos = bitsFindRange((unsigned char *)bytes, first, last, (int)bit);
    bstrFree(bytes);
    if (pos < 0) replyLongLong(c, bitposNotFound((int)bit, endGiven, len));
    else replyLongLong(c, (long long)pos + (r.first & ~7LL));
}

/* ------------------------------------------------------------------ */
/* BITOP */

/* The operator BITOP names, or -1 (NOT is BITS_XOR + 1). */
#define BITOP_NOT (BITS_XOR + 1)
static int bitopOperator(const char *name) {
    if (!strcasecmp(name, "and")) return BITS_AND;
    if (!strcasecmp(name, "or")) return BITS_OR;
    if (!strcasecmp(name, "xor")) return BITS_XOR;
    if (!strcasecmp(name, "not")) return BITOP_NOT;
    return -1;
}

/* Reads every source key (argv[3..]) into srcs (NULL for a missing key,
 * which reads as an empty string).  Returns 0 after replying an error;
 * the caller frees srcs either way. */
static int bitopReadSources(client *c, bstr *srcs, size_t *maxlen) {
    *maxlen = 0;
    for (int j = 3; j < c->argc; j++) {
        bstr v = NULL;
        int rc = dbGet(c->db, c->argv[j], ARGLEN(c, j), &v);
        if (replyDbError(c, rc)) return 0;
        if (rc == DB_MISSING) {
            notifyMiss(c, j);
            continue;
        }
        srcs[j - 3] = v;
        if (bstrLen(v) > *maxlen) *maxlen = bstrLen(v);
    }
    return 1;
}

/* Combines the sources into a new buffer of maxlen bytes (maxlen > 0). */
static unsigned char *bitopCompute(int op, bstr *srcs, int n, size_t maxlen) {
    unsigned char *res = xcalloc(maxlen, 1);
    if (srcs[0]) memcpy(res, srcs[0], bstrLen(srcs[0]));
    if (op == BITOP_NOT) {
        bitsNot(res, maxlen);
        return res;
    }
    for (int j = 1; j < n; j++) {
        size_t len = srcs[j] ? bstrLen(srcs[j]) : 0;
        bitsFold(res, maxlen, (const unsigned char *)(srcs[j] ? srcs[j] : ""), len, (bitsOp)op);
    }
    return res;
}

/* Stores BITOP's result at argv[2]: SET it (dropping any TTL), or delete
 * the key when the result is empty.  Returns 0 after replying an error. */
static int bitopStore(client *c, const unsigned char *res, size_t len) {
    const char *dest = c->argv[2];
    size_t dlen = ARGLEN(c, 2);
    if (len) {
        if (replyDbError(c, dbSet(c->db, dest, dlen, (const char *)res, len, DB_NO_EXPIRE)))
            return 0;
        notifyKeyspaceEvent(NOTIFY_STRING, "set", dest, dlen, c->db);
        return 1;
    }
    int rc = dbDelete(c->db, dest, dlen);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_OK) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", dest, dlen, c->db);
    return 1;
}

/* BITOP AND|OR|XOR|NOT destkey key [key ...]: the length of the result,
 * that of the longest source (shorter ones read as zero-padded). */
void bitopCommand(client *c) {
    int op = bitopOperator(c->argv[1]);
    if (op < 0) {
        replyErrorSyntax(c);
        return;
    }
    if (op == BITOP_NOT && c->argc != 4) {
        replyError(c, "BITOP NOT must be called with a single source key.");
        return;
    }
    int n = c->argc - 3;
    bstr *srcs = xcalloc((size_t)n, sizeof(*srcs));
    size_t maxlen;
    if (bitopReadSources(c, srcs, &maxlen)) {
        unsigned char *res = maxlen ? bitopCompute(op, srcs, n, maxlen) : NULL;
        if (bitopStore(c, res, maxlen)) replyLongLong(c, (long long)maxlen);
        xfree(res);
    }
    for (int j = 0; j < n; j++)
        if (srcs[j]) bstrFree(srcs[j]);
    xfree(srcs);
}
