/* cmd/scan.c -- the commands that walk the keyspace, KEYS and SCAN, with Redis
 * 7.0's replies and errors (db.c keysCommand / scanGenericCommand).
 *
 * Patterns are Redis's glob patterns (lib/glob.h); the pattern "*" alone
 * matches every key, the empty key name included, as in Redis.  Keys whose
 * time has passed are never returned: KEYS skips them, SCAN deletes them
 * (lazily, as any lookup does) while filtering its batch.
 *
 * SCAN's cursor is the keydir's reverse-binary cursor (db/dbScan): every
 * key present for the whole iteration is returned at least once, across
 * resizes and rehashing; a key may be returned more than once. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/glob.h"
#include "lib/numfmt.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <strings.h>


/* Whether pattern (plen bytes) is "*", which Redis takes as "everything"
 * without matching (so it also matches the empty key name). */
static int patternIsAll(const char *pattern, size_t plen) {
    return plen == 1 && pattern[0] == '*';
}

/* ------------------------------------------------------------------ */
/* KEYS */

typedef struct keysContext {
    client *c;
    const char *pattern; /* NULL: every key */
    size_t plen;
    long long count;
} keysContext;

static void keysVisit(void *priv, const char *key, size_t klen) {
    keysContext *kc = priv;
    if (kc->pattern && !globMatch(kc->pattern, kc->plen, key, klen, 0)) return;
    replyBulk(kc->c, key, klen);
    kc->count++;
}

/* KEYS pattern: every key that matches and has not expired, in the
 * keydir's order. */
void keysCommand(client *c) {
    size_t plen = bstrLen(c->argv[1]);
    keysContext kc = {c, patternIsAll(c->argv[1], plen) ? NULL : c->argv[1], plen, 0};
    void *len = replyDeferredLen(c);
    dbForEachLiveKey(c->db, keysVisit, &kc);
    replySetDeferredArrayLen(c, len, kc.count);
}

/* ------------------------------------------------------------------ */
/* SCAN */

/* The keys one SCAN call collects before filtering. */
typedef struct keyBatch {
    bstr *keys;
    size_t count;
    size_t cap;
} keyBatch;

static void keyBatchAdd(void *priv, const char *key, size_t klen) {
    keyBatch *b = priv;
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->keys = xrealloc(b->keys, b->cap * sizeof(bstr));
    }
    b->keys[b->count++] = bstrNewLen(key, klen);
}

static void keyBatchFree(keyBatch *b) {
    for (size_t i = 0; i < b->count; i++) bstrFree(b->keys[i]);
    xfree(b->keys);
}

/* Redis's parseScanCursorOrReply: strtoul in base 10, so "-1" wraps and
 * "" is 0, but no leading space, nothing after the digits (up to a NUL
 * byte) and no overflow.  Returns 0 after replying "invalid cursor". */
int scanCursorOrReply(client *c, const char *arg, unsigned long *cursor) {
    char *end;
    errno = 0;
    *cursor = strtoul(arg, &end, 10);
    if (isspace((unsigned char)arg[0]) || end[0] != '\0' || errno == ERANGE) {
        replyError(c, "invalid cursor");
        return 0;
    }
    return 1;
}

/* Parses [MATCH pattern] [COUNT count] [TYPE type] from argv[first] on,
 * in any order, each repeatable (the last one wins); TYPE only when
 * allowType (SCAN; the HSCAN family has none).  COUNT must be an integer
 * (else "value is not an integer") of at least 1 (else a syntax error); a
 * word without its value, or an unknown word, is a syntax error.
 * Returns 0 after replying the error. */
int scanOptionsOrReply(client *c, int first, int allowType, scanOptions *o) {
    o->count = SCAN_DEFAULT_COUNT;
    o->pattern = NULL;
    o->plen = 0;
    o->type = NULL;
    for (int i = first; i < c->argc; i += 2) {
        const char *opt = c->argv[i];
        int hasValue = i + 1 < c->argc;
        if (hasValue && !strcasecmp(opt, "count")) {
            if (!numParseLong(c->argv[i + 1], bstrLen(c->argv[i + 1]), &o->count)) {
                replyErrorNotInteger(c);
                return 0;
            }
            if (o->count < 1) {
                replyErrorSyntax(c);
                return 0;
            }
        } else if (hasValue && !strcasecmp(opt, "match")) {
            size_t plen = bstrLen(c->argv[i + 1]);
            o->pattern = patternIsAll(c->argv[i + 1], plen) ? NULL : c->argv[i + 1];
            o->plen = plen;
        } else if (hasValue && allowType && !strcasecmp(opt, "type")) {
            o->type = c->argv[i + 1];
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

/* Whether SCAN returns key: it matches the pattern, has the type asked
 * for, and has not expired (an expired key is deleted here).  A missing
 * key is never returned (unlike Redis 7.0, whose TYPE none let a key that
 * expired during the check through). */
static int scanKeep(client *c, const scanOptions *o, const bstr key) {
    size_t klen = bstrLen(key);
    if (o->pattern && !globMatch(o->pattern, o->plen, key, klen, 0)) return 0;
    int type = dbKeyType(c->db, key, klen);
    if (o->type && strcasecmp(o->type, dbTypeName(type)) != 0) return 0;
    return type != DB_TYPE_NONE;
}

/* SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: the next cursor
 * (a bulk string, 0 when the iteration is over) and the keys found.  As in
 * Redis, COUNT keys are collected (visiting at most 10 * COUNT buckets, so
 * a sparse table cannot stall the server) and only then filtered, so a
 * call may return fewer keys than COUNT, or none, before the end. */
void scanCommand(client *c) {
    unsigned long cursor;
    scanOptions o;
    if (!scanCursorOrReply(c, c->argv[1], &cursor) || !scanOptionsOrReply(c, 2, 1, &o)) return;

    keyBatch batch = {NULL, 0, 0};
    long maxIterations = o.count > LONG_MAX / 10 ? LONG_MAX : o.count * 10;
    do {
        cursor = dbScan(c->db, cursor, keyBatchAdd, &batch);
    } while (cursor && maxIterations-- && batch.count < (unsigned long)o.count);

    size_t kept = 0;
    for (size_t i = 0; i < batch.count; i++) {
        if (scanKeep(c, &o, batch.keys[i])) {
            bstr k = batch.keys[i];
            batch.keys[i] = batch.keys[kept];
            batch.keys[kept++] = k;
        }
    }
    replyArrayLen(c, 2);
    replyBulkLongLong(c, (long long)cursor);
    replyArrayLen(c, (long long)kept);
    for (size_t i = 0; i < kept; i++) replyBulkBstr(c, batch.keys[i]);
    keyBatchFree(&batch);
}
