/* cmd/hyperloglog.c -- PFADD, PFCOUNT, PFMERGE, PFDEBUG and PFSELFTEST with
 * Redis 7.0's replies, errors and stored bytes.
 *
 * An HLL is a string value in Redis's format (lib/hll.h knows the
 * encoding; this file only reads, changes and writes values).  Each command
 * reads the whole value, changes it in memory and writes it back as one
 * record: the changed byte range through dbSetRange when that is a small
 * part of the value, else the whole value with its TTL kept.
 *
 * Writes and events follow Redis: PFADD and PFMERGE emit the "pfadd"
 * keyspace event; PFCOUNT writes the recomputed cardinality into the
 * header when the cache was invalid (the key counts as modified for WATCH
 * and tracking, through db/, but no event is emitted); PFDEBUG GETREG and
 * TODENSE store the dense form.  Sources that are read (PFCOUNT, PFMERGE)
 * emit "keymiss" when missing. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/hll.h"
#include "pubsub/notify.h"
#include "server/server.h"

#include <string.h>
#include <strings.h>

static const char *const hllWrongTypeErr = "-WRONGTYPE Key is not a valid HyperLogLog string value.";
static const char *const hllCorruptErr = "-INVALIDOBJ Corrupted HLL object detected";

/* Reads argv[i] as an HLL into *value (NULL when the key is missing; a
 * read miss emits "keymiss" when notifyMiss).  Returns 0 after replying an
 * error: a read error, or a value that is not an HLL. */
static int hllLookupOrReply(client *c, int i, int notifyMiss, bstr *value) {
    *value = NULL;
    int rc = dbGet(c->db, c->argv[i], ARGLEN(c, i), value);
    if (replyDbError(c, rc)) return 0;
    if (rc == DB_MISSING) {
        *value = NULL;
        if (notifyMiss) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
        return 1;
    }
    if (!hllIsValidHeader(*value, bstrLen(*value))) {
        bstrFree(*value);
        *value = NULL;
        replyError(c, hllWrongTypeErr);
        return 0;
    }
    return 1;
}

/* Writes the whole value at key, keeping the TTL the key has (none when
 * it is new). */
static int hllWriteWhole(client *c, const bstr key, const bstr value) {
    int64_t expire = DB_NO_EXPIRE;
    int rc = dbGetExpire(c->db, key, bstrLen(key), &expire);
    if (rc == DB_MISSING) expire = DB_NO_EXPIRE;
    else if (rc != DB_OK) return rc;
    return dbSet(c->db, key, bstrLen(key), value, bstrLen(value), expire);
}

/* Stores `value` at key, which held `old` (NULL: the key is new).  When
 * the value did not shrink and the bytes that differ span at most half of
 * it, only that span is written (dbSetRange, which also extends the value
 * when it grew); otherwise the whole value.  Returns a DB_ code. */
static int hllStore(client *c, const bstr key, const bstr old, const bstr value) {
    size_t olen = old ? bstrLen(old) : 0, nlen = bstrLen(value);
    if (!old || nlen < olen) return hllWriteWhole(c, key, value);
    size_t first = 0, last = nlen;
    while (first < olen && old[first] == value[first]) first++;
    if (nlen > olen) {
        last = nlen;
    } else {
        if (first == olen) return DB_OK; /* nothing changed */
        while (last > first && old[last - 1] == value[last - 1]) last--;
    }
    if ((last - first) * 2 > nlen) return hllWriteWhole(c, key, value);
    return dbSetRange(c->db, key, bstrLen(key), first, value + first, last - first);
}

/* PFADD key [element ...]: 1 when the HLL was created or a register
 * changed, else 0.
 *
 * A corrupt sparse list is found only when an element's register cannot
 * be located.  Redis changes the value in place, so the elements added
 * before that one stay added although the reply is an error (and no event
 * is emitted); the same bytes are stored here, so GET agrees with Redis. */
void pfaddCommand(client *c) {
    bstr old;
    if (!hllLookupOrReply(c, 1, 0, &old)) return;
    bstr hll = old ? bstrDup(old) : hllCreate();
    int updated = old == NULL;
    for (int j = 2; j < c->argc; j++) {
        int rc = hllAdd(&hll, c->argv[j], ARGLEN(c, j), (size_t)server.hllSparseMaxBytes);
        if (rc < 0) {
            if (!updated || !replyDbError(c, hllStore(c, c->argv[1], old, hll)))
                replyError(c, hllCorruptErr);
            goto out;
        }
        updated |= rc;
    }
    if (updated) {
        hllCacheInvalidate(hll);
        if (replyDbError(c, hllStore(c, c->argv[1], old, hll))) goto out;
        notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", c->argv[1], ARGLEN(c, 1), c->db);
    }
    replyLongLong(c, updated);
out:
    bstrFree(hll);
    if (old) bstrFree(old);
}

/* Merges the HLLs at argv[from..argc) into max (16384 registers; missing
 * keys count as empty).  *anyDense is set when one of them is dense; with
 * keep, the value of argv[from] is left in *kept (NULL when missing).
 * Returns 0 after replying an error. */
static int hllMergeKeysOrReply(client *c, int from, uint8_t *max, int *anyDense, bstr *kept) {
    if (kept) *kept = NULL;
    for (int j = from; j < c->argc; j++) {
        bstr value;
        if (!hllLookupOrReply(c, j, 1, &value)) goto fail;
        if (!value) continue;
        if (hllEncoding(value) == HLL_DENSE && anyDense) *anyDense = 1;
        int rc = hllMergeRegisters(max, value, bstrLen(value));
        if (rc == 0 && kept && j == from) {
            *kept = value;
            continue;
        }
        bstrFree(value);
        if (rc < 0) {
            replyError(c, hllCorruptErr);
            goto fail;
        }
    }
    return 1;
fail:
    if (kept && *kept) {
        bstrFree(*kept);
        *kept = NULL;
    }
    return 0;
}

/* PFCOUNT's common case, from the 16-byte header alone: when it is valid
 * and its cached cardinality too, replies the cache and returns 1, without
 * reading the registers (up to 12 KB).  Returns 0 in every other case
 * (missing key, read error, not an HLL, stale cache) for pfcountOne's full
 * path, which gives those their replies and events. */
static int pfcountCachedOrReply(client *c) {
    size_t len;
    bstr hdr;
    if (dbValueLength(c->db, c->argv[1], ARGLEN(c, 1), &len) != DB_OK || len < HLL_HDR_SIZE)
        return 0;
    if (dbGetRange(c->db, c->argv[1], ARGLEN(c, 1), 0, HLL_HDR_SIZE, &hdr) != DB_OK) return 0;
    int cached = hllIsValidHeader(hdr, len) && hllCacheIsValid(hdr);
    if (cached) replyLongLong(c, (long long)hllCacheGet(hdr));
    bstrFree(hdr);
    return cached;
}

/* PFCOUNT of one key: the cached cardinality, or a fresh count that is
 * then cached in the value's header.  The cache is a hint: should writing
 * it fail, the count is still answered (reads keep working while writes
 * fail). */
static void pfcountOne(client *c) {
    if (pfcountCachedOrReply(c)) return;
    bstr hll;
    if (!hllLookupOrReply(c, 1, 1, &hll)) return;
    if (!hll) {
        replyLongLong(c, 0);
        return;
    }
    if (hllCacheIsValid(hll)) {
        replyLongLong(c, (long long)hllCacheGet(hll));
        bstrFree(hll);
        return;
    }
    int invalid = 0;
    uint64_t card = hllCount(hll, bstrLen(hll), &invalid);
    if (invalid) {
        replyError(c, hllCorruptErr);
        bstrFree(hll);
        return;
    }
    hllCacheSet(hll, card);
    (void)dbSetRange(c->db, c->argv[1], ARGLEN(c, 1), 8, hll + 8, 8);
    replyLongLong(c, (long long)card);
    bstrFree(hll);
}

/* PFCOUNT key [key ...]: with several keys, the cardinality of their
 * union (nothing is written). */
void pfcountCommand(client *c) {
    if (c->argc == 2) {
        pfcountOne(c);
        return;
    }
    static uint8_t max[HLL_REGISTERS];
    memset(max, 0, sizeof max);
    if (!hllMergeKeysOrReply(c, 1, max, NULL, NULL)) return;
    replyLongLong(c, (long long)hllCountRegisters(max));
}

/* PFMERGE destkey [sourcekey ...]: destkey becomes the union of itself and
 * the sources.  It turns dense when any input is dense, as in Redis. */
void pfmergeCommand(client *c) {
    static uint8_t max[HLL_REGISTERS];
    memset(max, 0, sizeof max);
    int anyDense = 0;
    bstr old;
    if (!hllMergeKeysOrReply(c, 1, max, &anyDense, &old)) return;
    bstr hll = old ? bstrDup(old) : hllCreate();
    if (anyDense && hllToDense(&hll) < 0) {
        replyError(c, hllCorruptErr); /* unreachable: every input was merged */
        goto out;
    }
    for (long i = 0; i < HLL_REGISTERS; i++)
        if (max[i]) hllSetRegister(&hll, i, max[i], (size_t)server.hllSparseMaxBytes);
    hllCacheInvalidate(hll);
    if (replyDbError(c, hllStore(c, c->argv[1], old, hll))) goto out;
    notifyKeyspaceEvent(NOTIFY_STRING, "pfadd", c->argv[1], ARGLEN(c, 1), c->db);
    replyOk(c);
out:
    bstrFree(hll);
    if (old) bstrFree(old);
}

/* Converts *hll (the value at argv[2]) to dense and stores it.  1 when it
 * was converted, 0 when already dense; -1 after replying an error. */
static int pfdebugToDense(client *c, bstr *hll) {
    int rc = hllToDense(hll);
    if (rc < 0) {
        replyError(c, hllCorruptErr);
        return -1;
    }
    if (rc > 0 && replyDbError(c, hllWriteWhole(c, c->argv[2], *hll))) return -1;
    return rc;
}

static void pfdebugGetreg(client *c, bstr *hll) {
    if (pfdebugToDense(c, hll) < 0) return;
    uint8_t *regs = xcalloc(HLL_REGISTERS, 1);
    hllMergeRegisters(regs, *hll, bstrLen(*hll));
    replyArrayLen(c, HLL_REGISTERS);
    for (long i = 0; i < HLL_REGISTERS; i++) replyLongLong(c, regs[i]);
    xfree(regs);
}

static void pfdebugDecode(client *c, const bstr hll) {
    if (hllEncoding(hll) != HLL_SPARSE) {
        replyError(c, "HLL encoding is not sparse");
        return;
    }
    bstr text = hllSparseDecode(hll, bstrLen(hll));
    replyBulkBstr(c, text);
    bstrFree(text);
}

/* PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: the key is looked up (and
 * must be an HLL) before the subcommand is. */
void pfdebugCommand(client *c) {
    const char *sub = c->argv[1];
    bstr hll;
    if (!hllLookupOrReply(c, 2, 0, &hll)) return;
    if (!hll) {
        replyError(c, "The specified key does not exist");
        return;
    }
    if (!strcasecmp(sub, "getreg")) {
        pfdebugGetreg(c, &hll);
    } else if (!strcasecmp(sub, "decode")) {
        pfdebugDecode(c, hll);
    } else if (!strcasecmp(sub, "encoding")) {
        replyStatus(c, hllEncoding(hll) == HLL_DENSE ? "dense" : "sparse");
    } else if (!strcasecmp(sub, "todense")) {
        int conv = pfdebugToDense(c, &hll);
        if (conv >= 0) replyLongLong(c, conv);
    } else {
        replyErrorFormat(c, "Unknown PFDEBUG subcommand '%s'", sub);
    }
    bstrFree(hll);
}

/* PFSELFTEST: runs lib/hll's self test. */
void pfselftestCommand(client *c) {
    char err[256];
    if (hllSelfTest(err, sizeof err) < 0) replyError(c, err);
    else replyOk(c);
}
