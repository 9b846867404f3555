/* cmd/list.c -- the list commands, with Redis 7.0's replies, errors and
 * keyspace events (t_list.c): LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN
 * LINDEX LRANGE LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP.  The
 * blocking forms share the pop and the move (cmd/list.h).
 *
 * A list is a collection (store/collection.h, "Lists") whose elements
 * are named by their positions, with values in the log.  What each
 * command writes (record.h): a push or an insert one ELEMENT record per
 * element, LSET one ELEMENT at the element's position, LREM one
 * ELEMENT_DEL per element removed, a pop of one element one ELEMENT_DEL,
 * a pop of several and LTRIM one list trim whatever they remove; a
 * command that writes several records is one batch.  Reads walk the
 * index from the nearer end (collListSeek) and read the values they
 * return from the log; LINSERT, LREM and LPOS compare a value only when
 * its length matches. */
#include "cmd/list.h"

#include "cmd/handlers.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "pubsub/notify.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define KEY(c) (c)->argv[1], ARGLEN(c, 1)

/* ---- Lookups and arguments ---------------------------------------------- */

/* The list at key: NULL when missing (nothing replied) or of another type
 * (WRONGTYPE replied, *failed set). */
static const collection *listAt(client *c, const char *key, size_t klen, int *failed) {
    int rc;
    const collection *l = dbCollection(c->db, key, klen, COLL_LIST, &rc);
    *failed = replyDbError(c, rc);
    return l;
}

/* listAt for a read: a missing key is a "keymiss" event. */
static const collection *listRead(client *c, int *failed) {
    const collection *l = listAt(c, KEY(c), failed);
    if (!l && !*failed) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", KEY(c), c->db);
    return l;
}

static uint32_t keyListLength(client *c, const char *key, size_t klen) {
    int rc;
    const collection *l = dbCollection(c->db, key, klen, COLL_LIST, &rc);
    return l ? collCount(l) : 0;
}


int listEndOrReply(client *c, int i, int *end) {
    if (!strcasecmp(c->argv[i], "left")) *end = LIST_HEAD;
    else if (!strcasecmp(c->argv[i], "right")) *end = LIST_TAIL;
    else {
        replyErrorSyntax(c);
        return 0;
    }
    return 1;
}

/* An index as Redis reads it: negative counts from the tail.  -1 when it
 * is outside the list. */
static long rankOf(const collection *l, long long index) {
    long long n = collCount(l);
    if (index < 0) index += n;
    return index >= 0 && index < n ? (long)index : -1;
}

/* The element at rank, which exists. */
static void elementAt(const collection *l, uint32_t rank, collElem *el) {
    collIter it;
    collListSeek(&it, l, rank);
    collIterNext(&it, el);
}

/* Whether element el of a list whose key is klen bytes holds want; *rc is
 * set when its value cannot be read.  The length is compared first, so
 * most elements are never read. */
static int valueIs(size_t klen, const collElem *el, const char *want, size_t wlen, int *rc) {
    if (el->loc.valueLen != wlen) return 0;
    bstr v;
    *rc = dbElementValue(klen, el, &v);
    if (*rc != DB_OK) return 0;
    int same = memcmp(v, want, wlen) == 0;
    bstrFree(v);
    return same;
}

/* The event and signal of a write that added or replaced elements: the
 * event, then the change for WATCH and tracking. */
static void listChanged(client *c, const char *key, size_t klen, const char *event) {
    notifyKeyspaceEvent(NOTIFY_LIST, event, key, klen, c->db);
    dbKeyModified(c->db, key, klen);
}

/* The same for a write that removed elements: "del" after the event when
 * the list is gone. */
static void listWritten(client *c, const char *key, size_t klen, const char *event) {
    notifyKeyspaceEvent(NOTIFY_LIST, event, key, klen, c->db);
    if (!keyListLength(c, key, klen)) notifyKeyspaceEvent(NOTIFY_GENERIC, "del", key, klen, c->db);
    dbKeyModified(c->db, key, klen);
}

/* ---- Pushes --------------------------------------------------------------- */

/* Pushes argv[first..argc) one by one at 'end' of the list at key: one
 * batch when there are several. */
static int pushValues(client *c, const char *key, size_t klen, int end, int first) {
    int rc = DB_OK, commit = DB_OK, batch = c->argc - first > 1;
    if (batch) dbBatchBegin();
    for (int i = first; i < c->argc && rc == DB_OK; i++) {
        uint32_t rank = end == LIST_HEAD ? 0 : DB_LIST_TAIL;
        rc = dbListInsert(c->db, key, klen, rank, c->argv[i], ARGLEN(c, i));
    }
    if (batch) commit = dbBatchCommit();
    return rc != DB_OK ? rc : commit;
}

/* LPUSH / RPUSH / LPUSHX / RPUSHX key element [element ...]. */
static void pushGeneric(client *c, int end, int onlyExisting) {
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (onlyExisting && !l) {
        replyLongLong(c, 0);
        return;
    }
    if (replyDbError(c, pushValues(c, KEY(c), end, 2))) return;
    replyLongLong(c, keyListLength(c, KEY(c)));
    listChanged(c, KEY(c), end == LIST_HEAD ? "lpush" : "rpush");
}

void lpushCommand(client *c) { pushGeneric(c, LIST_HEAD, 0); }
void rpushCommand(client *c) { pushGeneric(c, LIST_TAIL, 0); }
void lpushxCommand(client *c) { pushGeneric(c, LIST_HEAD, 1); }
void rpushxCommand(client *c) { pushGeneric(c, LIST_TAIL, 1); }

/* LINSERT key BEFORE|AFTER pivot element: the new length, 0 when the key
 * is missing, -1 when the pivot is not in the list. */
void linsertCommand(client *c) {
    int after;
    if (!strcasecmp(c->argv[2], "after")) after = 1;
    else if (!strcasecmp(c->argv[2], "before")) after = 0;
    else {
        replyErrorSyntax(c);
        return;
    }
    int failed, rc = DB_OK;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        replyLongLong(c, 0);
        return;
    }
    collIter it;
    collElem el;
    long rank = -1;
    collIterInit(&it, l);
    for (long i = 0; rank < 0 && rc == DB_OK && collIterNext(&it, &el); i++)
        if (valueIs(ARGLEN(c, 1), &el, c->argv[3], ARGLEN(c, 3), &rc)) rank = i;
    if (replyDbError(c, rc)) return;
    if (rank < 0) {
        replyLongLong(c, -1);
        return;
    }
    rc = dbListInsert(c->db, KEY(c), (uint32_t)(rank + after), c->argv[4], ARGLEN(c, 4));
    if (replyDbError(c, rc)) return;
    replyLongLong(c, keyListLength(c, KEY(c)));
    listChanged(c, KEY(c), "linsert");
}

/* ---- Pops ----------------------------------------------------------------- */

void listFreeValues(bstr *vals, long n) {
    for (long i = 0; i < n; i++) bstrFree(vals[i]);
    xfree(vals);
}

/* Reads the values of the first (or last) n elements of l, in the order
 * they are popped; *last is the name of the last one read. */
static int readEnd(const collection *l, size_t klen, int end, long n, bstr *vals,
                   char last[COLL_LIST_NAME_LEN]) {
    collIter it;
    collElem el;
    collListSeek(&it, l, end == LIST_HEAD ? 0 : collCount(l));
    for (long i = 0; i < n; i++) {
        if (end == LIST_HEAD) collIterNext(&it, &el);
        else collListIterPrev(&it, &el);
        int rc = dbElementValue(klen, &el, &vals[i]);
        if (rc != DB_OK) {
            listFreeValues(vals, i);
            return rc;
        }
        memcpy(last, el.name, COLL_LIST_NAME_LEN);
    }
    return DB_OK;
}

/* Removes n elements (read already) from 'end' of l: one element by its
 * name, several by one trim. */
static int removeEnd(client *c, const char *key, size_t klen, int end, long n,
                     const char last[COLL_LIST_NAME_LEN]) {
    uint32_t count = keyListLength(c, key, klen);
    if (n == 1) return dbElementDelete(c->db, COLL_LIST, key, klen, last, COLL_LIST_NAME_LEN, NULL);
    if ((uint32_t)n >= count) return dbListTrim(c->db, key, klen, 1, 0);
    if (end == LIST_HEAD) return dbListTrim(c->db, key, klen, (uint32_t)n, count - 1);
    return dbListTrim(c->db, key, klen, 0, count - 1 - (uint32_t)n);
}

long listPop(client *c, const char *key, size_t klen, int end, long count, bstr **vals) {
    int rc;
    const collection *l = dbCollection(c->db, key, klen, COLL_LIST, &rc);
    long n = count < (long)collCount(l) ? count : (long)collCount(l);
    bstr *v = xmalloc((size_t)n * sizeof(bstr));
    char last[COLL_LIST_NAME_LEN];
    rc = readEnd(l, klen, end, n, v, last);
    if (rc != DB_OK) {
        replyDbError(c, rc);
        return -1;
    }
    rc = removeEnd(c, key, klen, end, n, last);
    if (replyDbError(c, rc)) {
        listFreeValues(v, n);
        return -1;
    }
    listWritten(c, key, klen, end == LIST_HEAD ? "lpop" : "rpop");
    *vals = v;
    return n;
}

/* LPOP / RPOP key [count]: one element as a bulk, or with a count an
 * array of up to count (null, or a null array with a count, when the key
 * is missing). */
static void popGeneric(client *c, int end) {
    long count = 0;
    int withCount = c->argc == 3;
    if (c->argc > 3) {
        replyErrorArity(c);
        return;
    }
    if (withCount &&
        !argLongInOrReply(c, 2, 0, LONG_MAX, "value is out of range, must be positive", &count))
        return;
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        if (withCount) replyNullArray(c);
        else replyNull(c);
        return;
    }
    if (withCount && count == 0) {
        replyEmptyArray(c);
        return;
    }
    bstr *vals;
    long n = listPop(c, KEY(c), end, withCount ? count : 1, &vals);
    if (n < 0) return;
    if (withCount) replyArrayLen(c, n);
    for (long i = 0; i < n; i++) replyBulkBstr(c, vals[i]);
    listFreeValues(vals, n);
}

void lpopCommand(client *c) { popGeneric(c, LIST_HEAD); }
void rpopCommand(client *c) { popGeneric(c, LIST_TAIL); }

int listMpopArgsOrReply(client *c, int first, listMpopArgs *a) {
    return mpopArgsOrReply(c, first, "left", "right", a); /* LIST_HEAD 0, LIST_TAIL 1 */
}

void listReplyMpop(client *c, const char *key, size_t klen, bstr *vals, long n) {
    replyArrayLen(c, 2);
    replyBulk(c, key, klen);
    replyArrayLen(c, n);
    for (long i = 0; i < n; i++) replyBulkBstr(c, vals[i]);
}

/* LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: from the first
 * key that holds a list; a null array when none does. */
void lmpopCommand(client *c) {
    listMpopArgs a;
    if (!listMpopArgsOrReply(c, 1, &a)) return;
    for (long k = 0; k < a.nkeys; k++) {
        int i = a.firstKey + (int)k, failed;
        const collection *l = listAt(c, c->argv[i], ARGLEN(c, i), &failed);
        if (failed) return;
        if (!l) continue;
        bstr *vals;
        long n = listPop(c, c->argv[i], ARGLEN(c, i), a.end, a.count, &vals);
        if (n < 0) return;
        listReplyMpop(c, c->argv[i], ARGLEN(c, i), vals, n);
        listFreeValues(vals, n);
        return;
    }
    replyNullArray(c);
}

/* ---- Moves ---------------------------------------------------------------- */

int listMove(client *c, const char *src, size_t slen, const char *dst, size_t dlen, int from,
             int to, bstr *val) {
    int failed;
    listAt(c, dst, dlen, &failed);
    if (failed) return -1;
    const collection *l = listAt(c, src, slen, &failed);
    collElem el;
    elementAt(l, from == LIST_HEAD ? 0 : collCount(l) - 1, &el);
    char name[COLL_LIST_NAME_LEN];
    memcpy(name, el.name, sizeof(name));
    bstr v;
    int rc = dbElementValue(slen, &el, &v);
    if (replyDbError(c, rc)) return -1;
    /* the push first: a list moved onto itself never empties */
    dbBatchBegin();
    uint32_t rank = to == LIST_HEAD ? 0 : DB_LIST_TAIL;
    rc = dbListInsert(c->db, dst, dlen, rank, v, bstrLen(v));
    if (rc == DB_OK) rc = dbElementDelete(c->db, COLL_LIST, src, slen, name, sizeof(name), NULL);
    int commit = dbBatchCommit();
    if (replyDbError(c, rc != DB_OK ? rc : commit)) {
        bstrFree(v);
        return -1;
    }
    dbKeyModified(c->db, dst, dlen);
    notifyKeyspaceEvent(NOTIFY_LIST, to == LIST_HEAD ? "lpush" : "rpush", dst, dlen, c->db);
    listWritten(c, src, slen, from == LIST_HEAD ? "lpop" : "rpop");
    *val = v;
    return 1;
}

/* LMOVE / RPOPLPUSH: the element moved, null when the source is missing. */
static void moveGeneric(client *c, int from, int to) {
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        replyNull(c);
        return;
    }
    bstr v;
    if (listMove(c, KEY(c), c->argv[2], ARGLEN(c, 2), from, to, &v) < 0) return;
    replyBulkBstr(c, v);
    bstrFree(v);
}

void lmoveCommand(client *c) {
    int from, to;
    if (!listEndOrReply(c, 3, &from) || !listEndOrReply(c, 4, &to)) return;
    moveGeneric(c, from, to);
}

void rpoplpushCommand(client *c) { moveGeneric(c, LIST_TAIL, LIST_HEAD); }

/* ---- Reads ---------------------------------------------------------------- */

void llenCommand(client *c) {
    int failed;
    const collection *l = listRead(c, &failed);
    if (!failed) replyLongLong(c, l ? collCount(l) : 0);
}

/* LINDEX key index: the element, or null (also for a missing key, before
 * the index is read, as Redis does). */
void lindexCommand(client *c) {
    int failed;
    const collection *l = listRead(c, &failed);
    if (failed) return;
    if (!l) {
        replyNull(c);
        return;
    }
    long long index;
    if (!argLongLongOrReply(c, 2, &index)) return;
    long rank = rankOf(l, index);
    if (rank < 0) {
        replyNull(c);
        return;
    }
    collElem el;
    elementAt(l, (uint32_t)rank, &el);
    collReplyValue(c, ARGLEN(c, 1), &el);
}

/* Redis's range normalisation (LRANGE, LTRIM): 1 and [*from, *to] within
 * a list of n elements, or 0 when the range is empty. */
static int normaliseRange(long long start, long long end, uint32_t n, uint32_t *from,
                          uint32_t *to) {
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    if (start > end || start >= n) return 0;
    if (end >= n) end = (long long)n - 1;
    *from = (uint32_t)start;
    *to = (uint32_t)end;
    return 1;
}

/* LRANGE key start stop. */
void lrangeCommand(client *c) {
    long long start, end;
    if (!argLongLongOrReply(c, 2, &start) || !argLongLongOrReply(c, 3, &end)) return;
    int failed;
    const collection *l = listRead(c, &failed);
    if (failed) return;
    uint32_t from, to;
    if (!l || !normaliseRange(start, end, collCount(l), &from, &to)) {
        replyEmptyArray(c);
        return;
    }
    collIter it;
    collElem el;
    collListSeek(&it, l, from);
    replyArrayLen(c, (long long)to - from + 1);
    for (uint32_t i = from; i <= to && collIterNext(&it, &el); i++)
        collReplyValue(c, ARGLEN(c, 1), &el);
}

/* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
typedef struct lposArgs {
    long rank, count, maxlen; /* count -1: not given */
} lposArgs;

static int lposArgsOrReply(client *c, lposArgs *a) {
    *a = (lposArgs){1, -1, 0};
    for (int j = 3; j < c->argc; j++) {
        int more = j + 1 < c->argc;
        if (!strcasecmp(c->argv[j], "rank") && more) {
            if (!argRangeLongOrReply(c, ++j, &a->rank)) return 0;
            if (a->rank == 0) {
                replyError(c, "RANK can't be zero: use 1 to start from the first match, 2 from "
                              "the second ... or use negative to start from the end of the list");
                return 0;
            }
        } else if (!strcasecmp(c->argv[j], "count") && more) {
            if (!argLongInOrReply(c, ++j, 0, LONG_MAX, "COUNT can't be negative", &a->count))
                return 0;
        } else if (!strcasecmp(c->argv[j], "maxlen") && more) {
            if (!argLongInOrReply(c, ++j, 0, LONG_MAX, "MAXLEN can't be negative", &a->maxlen))
                return 0;
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

void lposCommand(client *c) {
    lposArgs a;
    if (!lposArgsOrReply(c, &a)) return;
    int failed;
    const collection *l = listRead(c, &failed);
    if (failed) return;
    if (!l) {
        if (a.count != -1) replyEmptyArray(c);
        else replyNull(c);
        return;
    }
    int fromTail = a.rank < 0, rc = DB_OK;
    unsigned long skip = (unsigned long)(fromTail ? -a.rank : a.rank) - 1;
    uint32_t n = collCount(l);
    long want = a.count == -1 ? 1 : a.count; /* 0: every match */
    void *len = a.count != -1 ? replyDeferredLen(c) : NULL;
    long found = 0;
    collIter it;
    collElem el;
    collListSeek(&it, l, fromTail ? n : 0);
    for (uint32_t i = 0; (a.maxlen == 0 || i < (unsigned long)a.maxlen) && rc == DB_OK; i++) {
        if (!(fromTail ? collListIterPrev(&it, &el) : collIterNext(&it, &el))) break;
        if (!valueIs(ARGLEN(c, 1), &el, c->argv[2], ARGLEN(c, 2), &rc)) continue;
        if (skip) {
            skip--;
            continue;
        }
        replyLongLong(c, fromTail ? (long long)n - 1 - i : i);
        if (++found == want) break;
    }
    if (rc != DB_OK) { /* a value that cannot be read: an error in its place */
        if (len) replySetDeferredArrayLen(c, len, found + 1);
        replyDbError(c, rc);
        return;
    }
    if (len) replySetDeferredArrayLen(c, len, found);
    else if (!found) replyNull(c);
}

/* ---- Changes in place ----------------------------------------------------- */

/* LSET key index element. */
void lsetCommand(client *c) {
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        replyError(c, "no such key");
        return;
    }
    long long index;
    if (!argLongLongOrReply(c, 2, &index)) return;
    long rank = rankOf(l, index);
    if (rank < 0) {
        replyError(c, "index out of range");
        return;
    }
    collElem el;
    elementAt(l, (uint32_t)rank, &el);
    char name[COLL_LIST_NAME_LEN];
    memcpy(name, el.name, sizeof(name));
    int rc = dbElementPut(c->db, COLL_LIST, KEY(c), name, sizeof(name), c->argv[3], ARGLEN(c, 3),
                          NULL);
    if (replyDbError(c, rc)) return;
    replyOk(c);
    listChanged(c, KEY(c), "lset");
}

/* LTRIM key start stop. */
void ltrimCommand(client *c) {
    long long start, end;
    if (!argLongLongOrReply(c, 2, &start) || !argLongLongOrReply(c, 3, &end)) return;
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        replyOk(c);
        return;
    }
    uint32_t n = collCount(l), from = 1, to = 0; /* empty: keep nothing */
    normaliseRange(start, end, n, &from, &to);
    int rc = DB_OK;
    if (from > to || from > 0 || to < n - 1) rc = dbListTrim(c->db, KEY(c), from, to);
    if (replyDbError(c, rc)) return;
    replyOk(c);
    listWritten(c, KEY(c), "ltrim");
}

/* The names of the elements LREM removes: up to count (0: all) equal to
 * value, from the head (count >= 0) or the tail. */
static int lremMatches(const collection *l, size_t klen, const char *value, size_t vlen,
                       long long count, char **names, uint32_t *n) {
    collIter it;
    collElem el;
    int rc = DB_OK, fromTail = count < 0;
    unsigned long long limit = count == 0 ? ULLONG_MAX
                               : fromTail ? -(unsigned long long)count
                                          : (unsigned long long)count;
    *names = NULL;
    *n = 0;
    collListSeek(&it, l, fromTail ? collCount(l) : 0);
    while (*n < limit && (fromTail ? collListIterPrev(&it, &el) : collIterNext(&it, &el))) {
        if (!valueIs(klen, &el, value, vlen, &rc)) {
            if (rc != DB_OK) break;
            continue;
        }
        if ((*n & (*n - 1)) == 0) /* at 0, 1, 2, 4 ...: room for twice as many */
            *names = xrealloc(*names, (size_t)(*n ? *n * 2 : 1) * COLL_LIST_NAME_LEN);
        memcpy(*names + (size_t)*n * COLL_LIST_NAME_LEN, el.name, COLL_LIST_NAME_LEN);
        (*n)++;
    }
    return rc;
}

/* LREM key count element: how many were removed. */
void lremCommand(client *c) {
    long long count;
    if (!argLongLongOrReply(c, 2, &count)) return;
    int failed;
    const collection *l = listAt(c, KEY(c), &failed);
    if (failed) return;
    if (!l) {
        replyLongLong(c, 0);
        return;
    }
    char *names;
    uint32_t n;
    int rc = lremMatches(l, ARGLEN(c, 1), c->argv[3], ARGLEN(c, 3), count, &names, &n);
    if (rc == DB_OK && n) {
        int commit = DB_OK;
        if (n > 1) dbBatchBegin();
        for (uint32_t i = 0; i < n && rc == DB_OK; i++)
            rc = dbElementDelete(c->db, COLL_LIST, KEY(c), names + (size_t)i * COLL_LIST_NAME_LEN,
                                 COLL_LIST_NAME_LEN, NULL);
        if (n > 1) commit = dbBatchCommit();
        if (rc == DB_OK) rc = commit;
    }
    xfree(names);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, n);
    if (n) listWritten(c, KEY(c), "lrem");
}
