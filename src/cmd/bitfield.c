/* cmd/bitfield.c -- BITFIELD and BITFIELD_RO: integer fields of 1..64 bits
 * at any bit offset of a string, with Redis 7.0's replies and errors.
 *
 * The whole argument list is parsed first (any error: nothing done).  A
 * command with only GETs reads up to nine bytes per GET.  A command that
 * writes works on one buffer holding the bytes from its lowest to its
 * highest written bit, runs the operations on it in order, and then makes
 * one dbSetRange call with the span of bytes that changed: one record,
 * whatever the number of operations.
 *
 * Redis's bookkeeping is kept: the string first grows to hold the highest
 * written bit (even when every write then fails its OVERFLOW FAIL check);
 * a SET or INCRBY counts as a change when it altered its field or the
 * string grew; "setbit" is notified once when anything changed, and
 * INFO's change counter goes up by the number of changes. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/bits.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"
#include "server/server.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

enum { BF_GET, BF_SET, BF_INCRBY };

/* One parsed operation. */
typedef struct bitfieldOp {
    int opcode;         /* BF_* */
    bitsOverflow rule;  /* the OVERFLOW in force when it was parsed */
    int sign;           /* i (1) or u (0) */
    int bits;           /* 1..64 (u: 1..63) */
    uint64_t offset;    /* in bits */
    long long arg;      /* SET value or INCRBY increment */
} bitfieldOp;

/* One element of the reply. */
typedef struct bitfieldResult {
    long long value;
    int isNull;         /* a write refused by OVERFLOW FAIL */
} bitfieldResult;

/* ------------------------------------------------------------------ */
/* Parsing */

/* Parses a type such as i16 or u8 (case sensitive, as in Redis).  Returns
 * 0 after replying an error. */
static int fieldTypeOrReply(client *c, int i, int *sign, int *bits) {
    const char *p = c->argv[i];
    long long n;
    if ((p[0] == 'i' || p[0] == 'u') && numParseLongLong(p + 1, strlen(p + 1), &n) && n >= 1 &&
        n <= (p[0] == 'i' ? 64 : 63)) {
        *sign = p[0] == 'i';
        *bits = (int)n;
        return 1;
    }
    replyError(c, "Invalid bitfield type. Use something like i16 u8. Note that u64 is not "
                  "supported but i64 is.");
    return 0;
}

/* Parses an OVERFLOW argument.  Returns 0 after replying an error. */
static int overflowRuleOrReply(client *c, int i, bitsOverflow *rule) {
    const char *name = c->argv[i];
    if (!strcasecmp(name, "wrap")) *rule = BITS_WRAP;
    else if (!strcasecmp(name, "sat")) *rule = BITS_SAT;
    else if (!strcasecmp(name, "fail")) *rule = BITS_FAIL;
    else {
        replyError(c, "Invalid OVERFLOW type specified");
        return 0;
    }
    return 1;
}

/* The opcode argv[j] names given how many arguments follow it, or -1. */
static int opcodeOf(const char *word, int remaining) {
    if (!strcasecmp(word, "get") && remaining >= 2) return BF_GET;
    if (!strcasecmp(word, "set") && remaining >= 3) return BF_SET;
    if (!strcasecmp(word, "incrby") && remaining >= 3) return BF_INCRBY;
    return -1;
}

/* Parses argv[2..] into ops (c->argc entries suffice).  Returns the number
 * of operations, or -1 after replying an error. */
static int parseOps(client *c, bitfieldOp *ops) {
    bitsOverflow rule = BITS_WRAP;
    int n = 0;
    for (int j = 2; j < c->argc; j++) {
        int remaining = c->argc - j - 1;
        if (!strcasecmp(c->argv[j], "overflow") && remaining >= 1) {
            if (!overflowRuleOrReply(c, ++j, &rule)) return -1;
            continue;
        }
        bitfieldOp *op = &ops[n];
        op->opcode = opcodeOf(c->argv[j], remaining);
        if (op->opcode < 0) {
            replyErrorSyntax(c);
            return -1;
        }
        op->rule = rule;
        op->arg = 0;
        if (!fieldTypeOrReply(c, j + 1, &op->sign, &op->bits) ||
            !bitOffsetOrReply(c, j + 2, op->bits, &op->offset))
            return -1;
        if (op->opcode != BF_GET && !numParseLongLong(c->argv[j + 3], ARGLEN(c, j + 3), &op->arg)) {
            replyErrorNotInteger(c);
            return -1;
        }
        j += op->opcode == BF_GET ? 2 : 3;
        n++;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Running the operations */

/* The bytes a writing BITFIELD works on: value bytes [lo, lo+len) in buf,
 * zero past the end of the stored value. */
typedef struct bitfieldSpan {
    unsigned char *buf;
    size_t lo, len;
    size_t oldLen;      /* the stored value's length before the command */
    int found;          /* whether the key existed */
    size_t minChanged, maxChanged; /* bytes whose content changed */
    int changes;        /* Redis's count of changing operations */
} bitfieldSpan;

/* Nine value bytes from byte `first` into win (zero past the end): enough
 * for any 64-bit field starting in byte `first`.  Bytes inside span (when
 * given) are taken from it, so a GET sees earlier writes of the command.
 * Returns 0 after replying an error. */
static int fieldWindowOrReply(client *c, const bitfieldSpan *span, size_t oldLen, size_t first,
                              unsigned char win[9]) {
    memset(win, 0, 9);
    int inside = span && first >= span->lo && first + 9 <= span->lo + span->len;
    if (!inside && first < oldLen) {
        bstr b = NULL;
        int rc = dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), first, 9, &b);
        if (replyDbError(c, rc)) return 0;
        if (b) {
            memcpy(win, b, bstrLen(b) < 9 ? bstrLen(b) : 9);
            bstrFree(b);
        }
    }
    for (size_t k = 0; span && k < 9; k++)
        if (first + k >= span->lo && first + k < span->lo + span->len)
            win[k] = span->buf[first + k - span->lo];
    return 1;
}

/* Runs a GET.  Returns 0 after replying an error. */
static int runGet(client *c, const bitfieldSpan *span, size_t oldLen, const bitfieldOp *op,
                  bitfieldResult *res) {
    unsigned char win[9];
    size_t first = (size_t)(op->offset >> 3);
    if (!fieldWindowOrReply(c, span, oldLen, first, win)) return 0;
    uint64_t off = op->offset & 7;
    res->value = op->sign ? (long long)bitsGetSigned(win, off, op->bits)
                          : (long long)bitsGetUnsigned(win, off, op->bits);
    res->isNull = 0;
    return 1;
}

/* Runs a SET or INCRBY on the span, as Redis does: SET answers the old
 * value, INCRBY the new one, and a write refused by OVERFLOW FAIL answers
 * null and changes nothing. */
static void runWrite(bitfieldSpan *span, int grew, const bitfieldOp *op, bitfieldResult *res) {
    uint64_t off = op->offset - (uint64_t)span->lo * 8;
    int64_t incr = op->opcode == BF_INCRBY ? op->arg : 0;
    uint64_t oldRaw = bitsGetUnsigned(span->buf, off, op->bits), newRaw;
    int overflow;
    if (op->sign) {
        int64_t old = bitsGetSigned(span->buf, off, op->bits);
        int64_t from = op->opcode == BF_INCRBY ? old : op->arg, now = 0;
        overflow = bitsAddSigned(from, incr, op->bits, op->rule, &now);
        res->value = op->opcode == BF_INCRBY ? now : old;
        newRaw = (uint64_t)now;
    } else {
        uint64_t from = op->opcode == BF_INCRBY ? oldRaw : (uint64_t)op->arg, now = 0;
        overflow = bitsAddUnsigned(from, incr, op->bits, op->rule, &now);
        res->value = (long long)(op->opcode == BF_INCRBY ? now : oldRaw);
        newRaw = now;
    }
    res->isNull = overflow && op->rule == BITS_FAIL;
    if (res->isNull) return;
    bitsSetField(span->buf, off, op->bits, newRaw);
    uint64_t mask = op->bits == 64 ? UINT64_MAX : (UINT64_C(1) << op->bits) - 1;
    int changed = (newRaw & mask) != oldRaw;
    if (!changed && !grew) return;
    span->changes++;
    if (!changed) return;
    size_t first = (size_t)(op->offset >> 3), last = (size_t)((op->offset + (uint64_t)op->bits - 1) >> 3);
    if (first < span->minChanged) span->minChanged = first;
    if (last > span->maxChanged) span->maxChanged = last;
}

/* Sets up the span for the write operations among ops: from the lowest to
 * the highest byte any of them writes, read from the value.  Returns 0
 * after replying an error. */
static int spanLoadOrReply(client *c, const bitfieldOp *ops, int n, bitfieldSpan *span) {
    uint64_t lo = UINT64_MAX, hi = 0;
    for (int j = 0; j < n; j++) {
        if (ops[j].opcode == BF_GET) continue;
        uint64_t last = ops[j].offset + (uint64_t)ops[j].bits - 1;
        if ((ops[j].offset >> 3) < lo) lo = ops[j].offset >> 3;
        if ((last >> 3) > hi) hi = last >> 3;
    }
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &span->oldLen);
    if (replyDbError(c, rc)) return 0;
    span->found = rc == DB_OK;
    if (!span->found) span->oldLen = 0;
    span->lo = (size_t)lo;
    span->len = (size_t)(hi - lo + 1);
    span->buf = xcalloc(span->len, 1);
    span->minChanged = SIZE_MAX;
    span->maxChanged = 0;
    span->changes = 0;
    if (span->lo >= span->oldLen) return 1;
    bstr b = NULL;
    rc = dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), span->lo, span->len, &b);
    if (replyDbError(c, rc)) return 0;
    if (b) {
        memcpy(span->buf, b, bstrLen(b) < span->len ? bstrLen(b) : span->len);
        bstrFree(b);
    }
    return 1;
}

/* Writes what the operations changed with one dbSetRange: the changed
 * bytes, extended to the end of the span when the string grows (Redis
 * grows it even when no write succeeded).  Returns 0 after replying an
 * error. */
static int spanStoreOrReply(client *c, bitfieldSpan *span, int grew) {
    size_t end = span->lo + span->len - 1;
    size_t from = span->minChanged, to = span->maxChanged;
    if (grew) {
        if (from > end) from = end;
        to = end;
    } else if (span->changes == 0) {
        return 1;
    }
    int rc = dbSetRange(c->db, c->argv[1], ARGLEN(c, 1), from,
                        (const char *)span->buf + (from - span->lo), to - from + 1);
    if (replyDbError(c, rc)) return 0;
    /* dbSetRange counted one change; Redis counts one per changing op. */
    server.dirty += span->changes - 1;
    if (span->changes)
        notifyKeyspaceEvent(NOTIFY_STRING, "setbit", c->argv[1], ARGLEN(c, 1), c->db);
    return 1;
}

/* Runs ops that include writes.  Returns 0 after replying an error. */
static int runWriting(client *c, const bitfieldOp *ops, int n, bitfieldResult *res) {
    bitfieldSpan span;
    if (!spanLoadOrReply(c, ops, n, &span)) {
        xfree(span.buf);
        return 0;
    }
    int grew = !span.found || span.lo + span.len > span.oldLen;
    int ok = 1;
    for (int j = 0; j < n && ok; j++) {
        if (ops[j].opcode == BF_GET) ok = runGet(c, &span, span.oldLen, &ops[j], &res[j]);
        else runWrite(&span, grew, &ops[j], &res[j]);
    }
    ok = ok && spanStoreOrReply(c, &span, grew);
    xfree(span.buf);
    return ok;
}

/* Runs GET-only ops.  Returns 0 after replying an error. */
static int runReading(client *c, const bitfieldOp *ops, int n, bitfieldResult *res) {
    size_t len;
    int rc = dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &len);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        len = 0;
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
    }
    for (int j = 0; j < n; j++)
        if (!runGet(c, NULL, len, &ops[j], &res[j])) return 0;
    return 1;
}

static void replyResults(client *c, const bitfieldResult *res, int n) {
    replyArrayLen(c, n);
    for (int j = 0; j < n; j++) {
        if (res[j].isNull) replyNull(c);
        else replyLongLong(c, res[j].value);
    }
}

/* BITFIELD and BITFIELD_RO (readOnly): parse, refuse writes for _RO, run,
 * reply one element per GET/SET/INCRBY. */
static void bitfieldGeneric(client *c, int readOnly) {
    bitfieldOp *ops = xmalloc(sizeof(*ops) * (size_t)c->argc);
    bitfieldResult *res = NULL;
    int n = parseOps(c, ops);
    if (n < 0) goto done;
    int writes = 0;
    for (int j = 0; j < n; j++) writes |= ops[j].opcode != BF_GET;
    if (writes && readOnly) {
        replyError(c, "BITFIELD_RO only supports the GET subcommand");
        goto done;
    }
    res = xcalloc((size_t)n + 1, sizeof(*res));
    if (writes ? runWriting(c, ops, n, res) : runReading(c, ops, n, res))
        replyResults(c, res, n);
done:
    xfree(res);
    xfree(ops);
}

/* BITFIELD key [GET type offset] [SET type offset value]
 *     [INCRBY type offset increment] [OVERFLOW WRAP|SAT|FAIL] ... */
void bitfieldCommand(client *c) { bitfieldGeneric(c, 0); }

/* BITFIELD_RO key [GET type offset ...] */
void bitfieldroCommand(client *c) { bitfieldGeneric(c, 1); }

/* The flags of BITFIELD's key for COMMAND GETKEYSANDFLAGS (its key spec has
 * variable flags): RO|ACCESS when every operation is a GET, else
 * RW|ACCESS|UPDATE, as Redis's bitfieldGetKeys.  argv[0] is "bitfield". */
uint64_t bitfieldKeySpecFlags(bstr *argv, int argc) {
    for (int j = 2; j < argc; j++) {
        int remaining = argc - j - 1;
        if (!strcasecmp(argv[j], "overflow") && remaining >= 1) {
            j++;
            continue;
        }
        /* A write, or a syntax error (safer to assume a write). */
        if (opcodeOf(argv[j], remaining) != BF_GET) return KSPEC_RW | KSPEC_ACCESS | KSPEC_UPDATE;
        j += 2;
    }
    return KSPEC_RO | KSPEC_ACCESS;
}
