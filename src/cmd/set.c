/* cmd/set.c -- the set commands, with Redis 7.0's replies, errors and
 * keyspace events (t_set.c): SADD SREM SMEMBERS SISMEMBER SMISMEMBER
 * SCARD SPOP SRANDMEMBER SMOVE SINTER SINTERCARD SINTERSTORE SUNION
 * SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
 *
 * A set is a collection (store/collection.h) of members, each an ELEMENT
 * record with an empty value.  A command that writes several members is
 * one batch.  The algebra (SINTER and friends) first reads every source
 * into a result held in memory, then, for the STORE forms, replaces the
 * destination in one batch: a destination that is also a source is read
 * before it is written. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KEY(c) (c)->argv[1], ARGLEN(c, 1)

/* The set at argv[i] for a write: NULL when missing (nothing replied) or
 * of another type (WRONGTYPE replied, *failed set). */
static const collection *setAt(client *c, int i, int *failed) {
    int rc;
    const collection *s = dbCollection(c->db, c->argv[i], ARGLEN(c, i), COLL_SET, &rc);
    *failed = replyDbError(c, rc);
    return s;
}

/* setAt for a read: a missing key is a "keymiss" event, as Redis's
 * lookupKeyRead sends. */
static const collection *setRead(client *c, int i, int *failed) {
    const collection *s = setAt(c, i, failed);
    if (!s && !*failed)
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[i], ARGLEN(c, i), c->db);
    return s;
}

/* The end of a write to key: one change signalled, one event. */
static void setWritten(client *c, const char *key, size_t klen, const char *event) {
    dbKeyModified(c->db, key, klen);
    notifyKeyspaceEvent(NOTIFY_SET, event, key, klen, c->db);
}

/* Replies the members of a walk as RESP3 set elements / RESP2 array. */
static void replyMembers(client *c, const collection *s) {
    replySetLen(c, s ? collCount(s) : 0);
    if (!s) return;
    collIter it;
    collElem el;
    collIterInit(&it, s);
    while (collIterNext(&it, &el)) replyBulk(c, el.name, el.nlen);
}

/* ------------------------------------------------------------------ */
/* SADD, SREM, SISMEMBER, SMISMEMBER, SCARD, SMEMBERS */

void saddCommand(client *c) {
    int failed;
    setAt(c, 1, &failed);
    if (failed) return;
    long long added = 0;
    int rc = DB_OK, commit = DB_OK, batch = c->argc > 3; /* one write is atomic alone */
    if (batch) dbBatchBegin();
    for (int i = 2; i < c->argc && rc == DB_OK; i++) {
        int created = 0, failed;
        const collection *s = setAt(c, 1, &failed);
        if (s && collFind(s, c->argv[i], ARGLEN(c, i), NULL)) continue; /* nothing to log */
        rc = dbElementPut(c->db, COLL_SET, KEY(c), c->argv[i], ARGLEN(c, i), NULL, 0, &created);
        added += created;
    }
    if (batch) commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    replyLongLong(c, added);
    if (added) setWritten(c, KEY(c), "sadd");
}

/* Removes members argv[first..argc); *removed, *keyRemoved.  A batch. */
static int removeMembers(client *c, int first, long long *removed, int *keyRemoved) {
    int rc = DB_OK, commit = DB_OK, batch = c->argc - first > 1;
    *removed = 0;
    *keyRemoved = 0;
    if (batch) dbBatchBegin();
    for (int i = first; i < c->argc && rc == DB_OK && !*keyRemoved; i++) {
        rc = dbElementDelete(c->db, COLL_SET, KEY(c), c->argv[i], ARGLEN(c, i), keyRemoved);
        if (rc == DB_OK) (*removed)++;
        else if (rc == DB_MISSING) rc = DB_OK;
    }
    if (batch) commit = dbBatchCommit();
    return rc != DB_OK ? rc : commit;
}

/* The "del" event of a set that lost its last member. */
static void setEmptied(client *c, const char *key, size_t klen) {
    notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, klen, c->db);
}

void sremCommand(client *c) {
    int failed;
    const collection *s = setAt(c, 1, &failed);
    if (failed) return;
    if (!s) {
        replyLongLong(c, 0);
        return;
    }
    long long removed;
    int keyRemoved;
    if (replyDbError(c, removeMembers(c, 2, &removed, &keyRemoved))) return;
    replyLongLong(c, removed);
    if (!removed) return;
    setWritten(c, KEY(c), "srem");
    if (keyRemoved) setEmptied(c, KEY(c));
}

void sismemberCommand(client *c) {
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (!failed) replyLongLong(c, s && collFind(s, c->argv[2], ARGLEN(c, 2), NULL));
}

void smismemberCommand(client *c) {
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (failed) return;
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++)
        replyLongLong(c, s && collFind(s, c->argv[i], ARGLEN(c, i), NULL));
}

void scardCommand(client *c) {
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (!failed) replyLongLong(c, s ? collCount(s) : 0);
}

void smembersCommand(client *c) {
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (!failed) replyMembers(c, s);
}

void sscanCommand(client *c) { collScanCommand(c, COLL_SET); }

/* ------------------------------------------------------------------ */
/* SPOP, SRANDMEMBER */

/* Members picked from a set, copied out (they outlive its changes). */
typedef struct memberList {
    bstr *m;
    size_t n;
} memberList;

static void memberListFree(memberList *l) {
    for (size_t i = 0; i < l->n; i++) bstrFree(l->m[i]);
    xfree(l->m);
}

/* min(count, size) distinct random members of s, copied. */
static memberList randomMembers(const collection *s, unsigned long count) {
    size_t n;
    collElem *picked = collRandomDistinct(s, count, &n);
    memberList l = {xmalloc(sizeof(bstr) * (n ? n : 1)), n};
    for (size_t i = 0; i < n; i++) l.m[i] = bstrNewLen(picked[i].name, picked[i].nlen);
    xfree(picked);
    return l;
}

/* Deletes the members of l from the set at argv[1] (one batch). */
static int deleteMembers(client *c, const memberList *l, int *keyRemoved) {
    int rc = DB_OK, commit = DB_OK, batch = l->n > 1;
    *keyRemoved = 0;
    if (batch) dbBatchBegin();
    for (size_t i = 0; i < l->n && rc == DB_OK; i++)
        rc = dbElementDelete(c->db, COLL_SET, KEY(c), l->m[i], bstrLen(l->m[i]), keyRemoved);
    if (batch) commit = dbBatchCommit();
    return rc != DB_OK ? rc : commit;
}

/* SPOP key count: a set of up to count members, removed ("spop", and
 * "del" when the set went). */
static void spopWithCount(client *c) {
    long long count;
    if (!numParseLongLong(c->argv[2], ARGLEN(c, 2), &count) || count < 0) {
        replyError(c, "value is out of range, must be positive");
        return;
    }
    int failed;
    const collection *s = setAt(c, 1, &failed);
    if (failed) return;
    if (!s || count == 0) {
        replySetLen(c, 0);
        return;
    }
    memberList l = randomMembers(s, (unsigned long)count);
    int keyRemoved;
    int rc = deleteMembers(c, &l, &keyRemoved);
    if (!replyDbError(c, rc)) {
        replySetLen(c, (long long)l.n);
        for (size_t i = 0; i < l.n; i++) replyBulkBstr(c, l.m[i]);
        setWritten(c, KEY(c), "spop");
        if (keyRemoved) setEmptied(c, KEY(c));
    }
    memberListFree(&l);
}

void spopCommand(client *c) {
    if (c->argc == 3) {
        spopWithCount(c);
        return;
    }
    if (c->argc > 3) {
        replyErrorSyntax(c);
        return;
    }
    int failed;
    const collection *s = setAt(c, 1, &failed);
    if (failed) return;
    if (!s) {
        replyNull(c);
        return;
    }
    memberList l = randomMembers(s, 1);
    int keyRemoved;
    if (!replyDbError(c, deleteMembers(c, &l, &keyRemoved))) {
        replyBulkBstr(c, l.m[0]);
        setWritten(c, KEY(c), "spop");
        if (keyRemoved) setEmptied(c, KEY(c));
    }
    memberListFree(&l);
}

/* SRANDMEMBER key count: an array; a negative count may repeat members. */
static void srandmemberWithCount(client *c) {
    long l;
    if (!argRangeLongOrReply(c, 2, &l)) return;
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (failed) return;
    unsigned long count = l >= 0 ? (unsigned long)l : (unsigned long)-l;
    if (!s || count == 0) {
        replyEmptyArray(c);
        return;
    }
    if (l < 0 || count == 1) {
        replyArrayLen(c, (long long)count);
        for (unsigned long i = 0; i < count; i++) {
            collElem el;
            collRandom(s, collRandomBits, &el);
            replyBulk(c, el.name, el.nlen);
        }
        return;
    }
    size_t n;
    collElem *picked = collRandomDistinct(s, count, &n);
    replyArrayLen(c, (long long)n);
    for (size_t i = 0; i < n; i++) replyBulk(c, picked[i].name, picked[i].nlen);
    xfree(picked);
}

void srandmemberCommand(client *c) {
    if (c->argc == 3) {
        srandmemberWithCount(c);
        return;
    }
    if (c->argc > 3) {
        replyErrorSyntax(c);
        return;
    }
    int failed;
    const collection *s = setRead(c, 1, &failed);
    if (failed) return;
    if (!s) {
        replyNull(c);
        return;
    }
    collElem el;
    collRandom(s, collRandomBits, &el);
    replyBulk(c, el.name, el.nlen);
}

/* ------------------------------------------------------------------ */
/* SMOVE */

/* SMOVE source destination member (Redis's order of checks: a missing
 * source first, then both types, then the same key). */
void smoveCommand(client *c) {
    int failedSrc, failedDst;
    const bstr dst = c->argv[2], member = c->argv[3];
    int rc;
    const collection *src = dbCollection(c->db, KEY(c), COLL_SET, &rc);
    if (rc == DB_MISSING) {
        replyLongLong(c, 0);
        return;
    }
    failedSrc = replyDbError(c, rc);
    if (failedSrc) return;
    setAt(c, 2, &failedDst);
    if (failedDst) return;
    if (ARGLEN(c, 1) == bstrLen(dst) && memcmp(c->argv[1], dst, bstrLen(dst)) == 0) {
        replyLongLong(c, collFind(src, member, bstrLen(member), NULL));
        return;
    }
    if (!collFind(src, member, bstrLen(member), NULL)) {
        replyLongLong(c, 0);
        return;
    }
    /* the destination changes only when it did not have the member; the
     * events come in Redis's order: srem (del), then the destination's
     * new and sadd.  They are queued with the batch's writes and dropped
     * with them if those never reach the file (write_outcome.h). */
    const collection *to = setAt(c, 2, &failedDst);
    int keyRemoved = 0, add = !to || !collFind(to, member, bstrLen(member), NULL);
    dbBatchBegin();
    rc = dbElementDelete(c->db, COLL_SET, KEY(c), member, bstrLen(member), &keyRemoved);
    if (rc == DB_OK) {
        notifyKeyspaceEvent(NOTIFY_SET, "srem", KEY(c), c->db);
        if (keyRemoved) setEmptied(c, KEY(c));
        dbKeyModified(c->db, KEY(c));
    }
    if (rc == DB_OK && add)
        rc = dbElementPut(c->db, COLL_SET, dst, bstrLen(dst), member, bstrLen(member), NULL, 0,
                          NULL);
    int commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    if (add) {
        dbKeyModified(c->db, dst, bstrLen(dst));
        notifyKeyspaceEvent(NOTIFY_SET, "sadd", dst, bstrLen(dst), c->db);
    }
    replyLongLong(c, 1);
}

/* ------------------------------------------------------------------ */
/* SINTER, SUNION, SDIFF and their STORE forms, SINTERCARD */

#define SET_OP_INTER 0
#define SET_OP_UNION 1
#define SET_OP_DIFF 2

/* The source sets of an operation: sets[i] NULL for a missing key. */
typedef struct setSources {
    const collection **sets;
    int n;
    int missing;
} setSources;

/* Looks up keys argv[first .. first + n): 0 after replying WRONGTYPE. */
static int readSources(client *c, int first, int n, setSources *src) {
    src->sets = xmalloc(sizeof(collection *) * (size_t)n);
    src->n = n;
    src->missing = 0;
    for (int i = 0; i < n; i++) {
        int failed;
        src->sets[i] = setRead(c, first + i, &failed);
        if (failed) {
            xfree(src->sets);
            return 0;
        }
        if (!src->sets[i]) src->missing++;
    }
    return 1;
}

static int bySize(const void *a, const void *b) {
    uint32_t x = collCount(*(const collection *const *)a);
    uint32_t y = collCount(*(const collection *const *)b);
    return x < y ? -1 : x > y;
}

/* Adds a copy of a member to the result. */
static void resultAdd(memberList *r, size_t *cap, const char *m, size_t len) {
    if (r->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        r->m = xrealloc(r->m, sizeof(bstr) * *cap);
    }
    r->m[r->n++] = bstrNewLen(m, len);
}

/* Whether every set of sets[from..n) holds the member. */
static int inAll(const collection **sets, int from, int n, const char *m, size_t len) {
    for (int j = from; j < n; j++)
        if (!collFind(sets[j], m, len, NULL)) return 0;
    return 1;
}

/* The intersection (smallest set first, each member checked in the
 * others), stopping at limit members (0: no limit). */
static memberList intersect(setSources *src, unsigned long limit) {
    memberList r = {NULL, 0};
    size_t cap = 0;
    if (src->missing) return r;
    qsort(src->sets, (size_t)src->n, sizeof(collection *), bySize);
    collIter it;
    collElem el;
    collIterInit(&it, src->sets[0]);
    while ((limit == 0 || r.n < limit) && collIterNext(&it, &el))
        if (inAll(src->sets, 1, src->n, el.name, el.nlen)) resultAdd(&r, &cap, el.name, el.nlen);
    return r;
}

static uint64_t bstrHash(const void *k) { return dictGenHashFunction(k, bstrLen((bstr)k)); }
static int bstrEqual(const void *a, const void *b) {
    return bstrLen((bstr)a) == bstrLen((bstr)b) && memcmp(a, b, bstrLen((bstr)a)) == 0;
}
static const dictType memberSetType = {bstrHash, bstrEqual, NULL, NULL};

/* The union, each member once. */
static memberList unite(const setSources *src) {
    memberList r = {NULL, 0};
    size_t cap = 0;
    dict *seen = dictCreate(&memberSetType);
    for (int i = 0; i < src->n; i++) {
        if (!src->sets[i]) continue;
        collIter it;
        collElem el;
        collIterInit(&it, src->sets[i]);
        while (collIterNext(&it, &el)) {
            bstr m = bstrNewLen(el.name, el.nlen);
            if (dictAdd(seen, m, NULL) != DICT_OK) {
                bstrFree(m);
                continue;
            }
            if (r.n == cap) {
                cap = cap ? cap * 2 : 16;
                r.m = xrealloc(r.m, sizeof(bstr) * cap);
            }
            r.m[r.n++] = m; /* the dict borrows it */
        }
    }
    dictRelease(seen);
    return r;
}

/* The members of the first set that no other set holds. */
static memberList subtract(const setSources *src) {
    memberList r = {NULL, 0};
    size_t cap = 0;
    if (!src->sets[0]) return r;
    collIter it;
    collElem el;
    collIterInit(&it, src->sets[0]);
    while (collIterNext(&it, &el)) {
        int found = 0;
        for (int j = 1; j < src->n && !found; j++)
            found = src->sets[j] && collFind(src->sets[j], el.name, el.nlen, NULL);
        if (!found) resultAdd(&r, &cap, el.name, el.nlen);
    }
    return r;
}

static memberList compute(setSources *src, int op) {
    return op == SET_OP_INTER ? intersect(src, 0) : op == SET_OP_UNION ? unite(src) : subtract(src);
}

static const char *storeEvent(int op) {
    return op == SET_OP_INTER ? "sinterstore" : op == SET_OP_UNION ? "sunionstore" : "sdiffstore";
}

/* SINTER / SUNION / SDIFF keys argv[first..], or the STORE forms into
 * argv[1] (first = 2): the result, or its size once stored. */
static void setOperation(client *c, int first, int op, int store) {
    setSources src;
    if (!readSources(c, first, c->argc - first, &src)) return;
    memberList r = compute(&src, op);
    xfree(src.sets);
    if (!store) {
        replySetLen(c, (long long)r.n);
        for (size_t i = 0; i < r.n; i++) replyBulkBstr(c, r.m[i]);
        memberListFree(&r);
        return;
    }
    int existed;
    int rc = dbReplaceCollection(c->db, COLL_SET, KEY(c), r.m, NULL, r.n, &existed);
    if (!replyDbError(c, rc)) {
        replyLongLong(c, (long long)r.n);
        if (r.n) notifyKeyspaceEvent(NOTIFY_SET, storeEvent(op), KEY(c), c->db);
        else if (existed) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", KEY(c), c->db);
    }
    memberListFree(&r);
}

void sinterCommand(client *c) { setOperation(c, 1, SET_OP_INTER, 0); }
void sinterstoreCommand(client *c) { setOperation(c, 2, SET_OP_INTER, 1); }
void sunionCommand(client *c) { setOperation(c, 1, SET_OP_UNION, 0); }
void sunionstoreCommand(client *c) { setOperation(c, 2, SET_OP_UNION, 1); }
void sdiffCommand(client *c) { setOperation(c, 1, SET_OP_DIFF, 0); }
void sdiffstoreCommand(client *c) { setOperation(c, 2, SET_OP_DIFF, 1); }

/* SINTERCARD numkeys key [key ...] [LIMIT limit] */
void sintercardCommand(client *c) {
    long long numkeys, limit = 0;
    if (!numParseLongLong(c->argv[1], ARGLEN(c, 1), &numkeys) || numkeys < 1) {
        replyError(c, "numkeys should be greater than 0");
        return;
    }
    if (numkeys > c->argc - 2) {
        replyError(c, "Number of keys can't be greater than number of args");
        return;
    }
    for (int i = 2 + (int)numkeys; i < c->argc; i += 2) {
        if (strcasecmp(c->argv[i], "limit") != 0 || i + 1 >= c->argc) {
            replyErrorSyntax(c);
            return;
        }
        if (!numParseLongLong(c->argv[i + 1], ARGLEN(c, i + 1), &limit) || limit < 0) {
            replyError(c, "LIMIT can't be negative");
            return;
        }
    }
    setSources src;
    if (!readSources(c, 2, (int)numkeys, &src)) return;
    memberList r = intersect(&src, (unsigned long)limit);
    xfree(src.sets);
    replyLongLong(c, (long long)r.n);
    memberListFree(&r);
}
