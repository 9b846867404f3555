/* tests/c/test_elements.c -- collections in the store (store/elements.c,
 * replay.c, compact.c): element writes and reads, types, the key's life
 * with its elements, restarts with and without hints, batches torn at
 * every byte, undo after a failed write, compaction while elements are
 * written, and the live-bytes accounting through all of it.
 *
 * The oracle is a digest: every key of every database with its type and
 * contents (a value, or the sorted name=value pairs of a collection) as
 * one string, compared before and after whatever must not change it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "store/keydir.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL
#define FUTURE (T0 + 86400000LL)
#define DBS 4

static store *openStore(const char *dir, uint64_t segSize) {
    return testOpenStore(dir, segSize, DBS, T0);
}

static store *reopen(store *s, const char *dir, uint64_t segSize) {
    storeClose(s);
    return openStore(dir, segSize);
}

static int hset(store *s, int db, const char *key, const char *field, const char *val) {
    return storeElementPut(s, db, COLL_HASH, key, strlen(key), field, strlen(field), val,
                           strlen(val), NULL);
}

static int sadd(store *s, int db, const char *key, const char *member) {
    return storeElementPut(s, db, COLL_SET, key, strlen(key), member, strlen(member), NULL, 0,
                           NULL);
}

static int hdel(store *s, int db, const char *key, const char *field) {
    return storeElementDelete(s, db, COLL_HASH, key, strlen(key), field, strlen(field));
}

static int srem(store *s, int db, const char *key, const char *member) {
    return storeElementDelete(s, db, COLL_SET, key, strlen(key), member, strlen(member));
}

/* 1 when field of key holds want (NULL: the field is absent). */
static int hashHolds(store *s, int db, const char *key, const char *field, const char *want) {
    char *v;
    size_t vlen;
    int rc = storeElementGet(s, db, key, strlen(key), field, strlen(field), &v, &vlen);
    if (want == NULL) return rc == STORE_MISSING;
    if (rc != STORE_OK) return 0;
    int ok = vlen == strlen(want) && memcmp(v, want, vlen) == 0;
    xfree(v);
    return ok;
}

/* ---- The digest ---------------------------------------------------------- */

typedef struct text {
    char *buf;
    size_t len, cap;
} text;

static void textAdd(text *t, const char *p, size_t n) {
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->buf = xrealloc(t->buf, t->cap);
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

static int cmpStr(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "name=value" for every element of the key's collection, sorted. */
static void digestCollection(store *s, int db, const char *key, size_t klen, text *out) {
    const collection *c = storeCollection(s, db, key, klen);
    uint32_t n = collCount(c);
    char **items = xmalloc(sizeof(char *) * (n ? n : 1));
    collIter it;
    collElem el;
    uint32_t i = 0;
    collIterInit(&it, c);
    while (collIterNext(&it, &el)) {
        char *v = NULL;
        size_t vlen = 0;
        if (collType(c) == COLL_HASH &&
            storeElementGet(s, db, key, klen, el.name, el.nlen, &v, &vlen) != STORE_OK) {
            v = xstrdup("<unreadable>");
            vlen = strlen(v);
        }
        items[i] = xmalloc(el.nlen + vlen + 2);
        memcpy(items[i], el.name, el.nlen);
        items[i][el.nlen] = '=';
        if (vlen) memcpy(items[i] + el.nlen + 1, v, vlen);
        items[i][el.nlen + 1 + vlen] = '\0';
        xfree(v);
        i++;
    }
    if (i) qsort(items, i, sizeof(char *), cmpStr);
    for (uint32_t k = 0; k < i; k++) {
        textAdd(out, items[k], strlen(items[k]));
        textAdd(out, ",", 1);
        xfree(items[k]);
    }
    xfree(items);
}

typedef struct keyList {
    char **keys;
    size_t n, cap;
} keyList;

static void collectKey(keyList *l, const void *key, size_t klen) {
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->keys = xrealloc(l->keys, sizeof(char *) * l->cap);
    }
    char *k = xmalloc(klen + 1);
    memcpy(k, key, klen);
    k[klen] = '\0';
    l->keys[l->n++] = k;
}

/* The whole data set as text (keys are NUL-free in these tests). */
static char *digest(store *s) {
    text t = {0};
    textAdd(&t, "", 0);
    for (int db = 0; db < DBS; db++) {
        keyList l = {0};
        keydirIterator it;
        keydirIterInit(&it, storeKeydir(s, db));
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) {
            size_t klen;
            const void *key = keydirEntryKey(e, &klen);
            collectKey(&l, key, klen);
        }
        keydirIterRelease(&it);
        if (l.n) qsort(l.keys, l.n, sizeof(char *), cmpStr);
        for (size_t i = 0; i < l.n; i++) {
            char head[64];
            const char *k = l.keys[i];
            int type = storeKeyType(s, db, k, strlen(k));
            keydirEntry *ke = keydirLookup(storeKeydir(s, db), k, strlen(k));
            snprintf(head, sizeof(head), "[%d %d %lld] ", db, type,
                     (long long)keydirEntryExpire(ke));
            textAdd(&t, head, strlen(head));
            textAdd(&t, k, strlen(k));
            textAdd(&t, ": ", 2);
            if (type == STORE_TYPE_STRING) {
                char *v;
                size_t vlen;
                if (storeGet(s, db, k, strlen(k), &v, &vlen) == STORE_OK) {
                    textAdd(&t, v, vlen);
                    xfree(v);
                }
            } else {
                digestCollection(s, db, k, strlen(k), &t);
            }
            textAdd(&t, "\n", 1);
            xfree(l.keys[i]);
        }
        xfree(l.keys);
    }
    return t.buf;
}

/* ---- Tests ---------------------------------------------------------------- */

static void testBasics(void) {
    TEST_CASE("hash fields: put, overwrite, read, delete; the key goes with its last field") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        int created = -1;
        ASSERT_EQ_INT(storeElementPut(s, 0, COLL_HASH, "h", 1, "f1", 2, "v1", 2, &created),
                      STORE_OK);
        ASSERT_EQ_INT(created, 1);
        ASSERT_EQ_INT(storeElementPut(s, 0, COLL_HASH, "h", 1, "f1", 2, "v1b", 3, &created),
                      STORE_OK);
        ASSERT_EQ_INT(created, 0);
        ASSERT_EQ_INT(hset(s, 0, "h", "f2", ""), STORE_OK);
        ASSERT(hashHolds(s, 0, "h", "f1", "v1b"));
        ASSERT(hashHolds(s, 0, "h", "f2", ""));
        ASSERT(hashHolds(s, 0, "h", "nope", NULL));
        ASSERT_EQ_INT(storeKeyType(s, 0, "h", 1), COLL_HASH);
        ASSERT_EQ_UINT(collCount(storeCollection(s, 0, "h", 1)), 2);
        ASSERT_EQ_INT(hdel(s, 0, "h", "nope"), STORE_MISSING);
        ASSERT_EQ_INT(hdel(s, 0, "h", "f1"), STORE_OK);
        ASSERT_EQ_INT(storeKeyType(s, 0, "h", 1), COLL_HASH);
        ASSERT_EQ_INT(hdel(s, 0, "h", "f2"), STORE_OK);
        ASSERT_EQ_INT(storeKeyType(s, 0, "h", 1), STORE_TYPE_NONE);
        ASSERT_EQ_INT(hdel(s, 0, "h", "f2"), STORE_MISSING);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }

    TEST_CASE("types: a string, a hash and a set refuse each other's writes") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        ASSERT_EQ_INT(storePut(s, 0, "str", 3, "x", 1, 0), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h", "f", "v"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "s", "m"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "str", "f", "v"), STORE_WRONGTYPE);
        ASSERT_EQ_INT(sadd(s, 0, "h", "m"), STORE_WRONGTYPE);
        ASSERT_EQ_INT(hset(s, 0, "s", "f", "v"), STORE_WRONGTYPE);
        ASSERT_EQ_INT(hdel(s, 0, "s", "m"), STORE_WRONGTYPE);
        ASSERT_EQ_INT(srem(s, 0, "str", "x"), STORE_WRONGTYPE);
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "h", 1, &v, &vlen), STORE_WRONGTYPE);
        ASSERT_EQ_INT(storeSetRange(s, 0, "s", 1, 0, "y", 1), STORE_WRONGTYPE);
        ASSERT_EQ_INT(storeElementGet(s, 0, "str", 3, "f", 1, &v, &vlen), STORE_WRONGTYPE);
        ASSERT_EQ_INT(storeKeyType(s, 0, "str", 3), STORE_TYPE_STRING);
        ASSERT_EQ_INT(storeKeyType(s, 0, "s", 1), COLL_SET);
        ASSERT(storeCollection(s, 0, "str", 3) == NULL);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }

    TEST_CASE("a whole collection goes with DEL, and a string can take its key") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        for (int i = 0; i < 300; i++) {
            char m[16];
            snprintf(m, sizeof(m), "m%d", i);
            ASSERT_EQ_INT(sadd(s, 0, "s", m), STORE_OK);
        }
        ASSERT_EQ_INT(storeDelete(s, 0, "s", 1), STORE_OK);
        ASSERT_EQ_INT(storeKeyType(s, 0, "s", 1), STORE_TYPE_NONE);
        ASSERT_EQ_INT(storePut(s, 0, "s", 1, "now a string", 12, 0), STORE_OK);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        char *before = digest(s);
        s = reopen(s, dir, 1 << 20);
        ASSERT(testSameText(before, digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }

    TEST_CASE("a string written over a collection replaces it, after restarts too") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 4096); /* the SETs land in sealed segments, with hints */
        for (int i = 0; i < 300; i++) {
            char f[16];
            snprintf(f, sizeof(f), "f%d", i);
            ASSERT_EQ_INT(hset(s, 0, "h", f, "v"), STORE_OK);
        }
        ASSERT_EQ_INT(sadd(s, 0, "s", "7"), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "h", 1, "string now", 10, 0), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "s", 1, "string too", 10, 0), STORE_OK);
        for (int i = 0; i < 200; i++) ASSERT_EQ_INT(hset(s, 0, "other", "f", "filler"), STORE_OK);
        ASSERT_EQ_INT(storeKeyType(s, 0, "h", 1), STORE_TYPE_STRING);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeWaitHints(s);
        char *before = digest(s);
        s = reopen(s, dir, 4096);
        ASSERT(testSameText(before, digest(s)));
        ASSERT_EQ_INT(storeKeyType(s, 0, "h", 1), STORE_TYPE_STRING);
        ASSERT_EQ_INT(storeKeyType(s, 0, "s", 1), STORE_TYPE_STRING);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }

    TEST_CASE("a key keeps its expiry across element writes and restarts") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        ASSERT_EQ_INT(hset(s, 0, "h", "a", "1"), STORE_OK);
        ASSERT_EQ_INT(storeSetExpire(s, 0, "h", 1, FUTURE), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h", "b", "2"), STORE_OK);
        ASSERT_EQ_INT(hdel(s, 0, "h", "a"), STORE_OK);
        keydirEntry *e = keydirLookup(storeKeydir(s, 0), "h", 1);
        ASSERT_EQ_INT(keydirEntryExpire(e), FUTURE);
        s = reopen(s, dir, 1 << 20);
        e = keydirLookup(storeKeydir(s, 0), "h", 1);
        ASSERT(e != NULL && keydirEntryExpire(e) == FUTURE);
        ASSERT(hashHolds(s, 0, "h", "b", "2"));
        storeClose(s);
        removeTree(dir);
    }
}

/* A mixed load over a few keys of every type, in db 0 and 1, seeded. */
static uint32_t rngState;
static uint32_t rnd(void) {
    rngState = rngState * 1103515245u + 12345u;
    return rngState >> 8;
}

static int randomWrite(store *s) {
    char key[8], name[8], val[64];
    int db = (int)(rnd() % 2);
    snprintf(key, sizeof(key), "%c%u", "hsx"[rnd() % 3], rnd() % 4);
    snprintf(name, sizeof(name), "n%u", rnd() % 12);
    snprintf(val, sizeof(val), "value-%u-%.*s", rnd(), (int)(rnd() % 40),
             "0123456789012345678901234567890123456789");
    uint32_t op = rnd() % 100;
    int rc;
    if (key[0] == 'x') { /* strings mixed in, and keys changing type */
        if (op < 60) rc = storePut(s, db, key, strlen(key), val, strlen(val), 0);
        else rc = storeDelete(s, db, key, strlen(key));
    } else if (op < 60) {
        rc = key[0] == 'h' ? hset(s, db, key, name, val) : sadd(s, db, key, name);
    } else if (op < 92) {
        rc = key[0] == 'h' ? hdel(s, db, key, name) : srem(s, db, key, name);
    } else if (op < 97) {
        rc = storeDelete(s, db, key, strlen(key));
    } else {
        rc = storeSetExpire(s, db, key, strlen(key), FUTURE + rnd() % 1000);
    }
    return rc == STORE_OK || rc == STORE_MISSING || rc == STORE_WRONGTYPE;
}

static void testRestarts(void) {
    TEST_CASE("a random element load reads the same after restarts, with and without hints") {
        char *dir = makeTempDir("elements");
        rngState = 7;
        store *s = openStore(dir, 4096); /* many sealed segments, with hints */
        int ok = 1;
        for (int i = 0; i < 3000; i++) ok &= randomWrite(s);
        ASSERT(ok);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeWaitHints(s);
        char *before = digest(s);
        s = reopen(s, dir, 4096);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT(st.segmentsFromHints > 0);
        ASSERT_EQ_UINT(st.damageReports, 0);
        storeClose(s);
        /* the same files without any hint: a scan of every segment */
        testDropHints(dir);
        s = openStore(dir, 4096);
        ASSERT(testSameText(before, digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
}

static void testBatches(void) {
    TEST_CASE("a batch of element writes torn at any byte leaves none of them") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        ASSERT_EQ_INT(hset(s, 0, "h", "keep", "k"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "s", "a"), STORE_OK);
        char *before = digest(s);
        uint64_t start = fileSize(dir, 1, ".log");
        storeBatchBegin(s);
        ASSERT_EQ_INT(hset(s, 0, "h", "keep", "changed"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h", "new", "n"), STORE_OK);
        ASSERT_EQ_INT(srem(s, 0, "s", "a"), STORE_OK); /* the set goes */
        ASSERT_EQ_INT(sadd(s, 1, "t", "b"), STORE_OK);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_OK);
        char *after = digest(s);
        storeClose(s);
        size_t len;
        char *p = segmentPath(dir, 1, ".log");
        FILE *f = fopen(p, "rb");
        char *whole = xmalloc(len = (size_t)fileSize(dir, 1, ".log"));
        ASSERT(f && fread(whole, 1, len, f) == len);
        fclose(f);
        int bad = 0;
        for (uint64_t cut = start; cut <= len; cut++) {
            f = fopen(p, "wb");
            if (!f || fwrite(whole, 1, (size_t)cut, f) != cut) bad++;
            if (f) fclose(f);
            s = openStore(dir, 1 << 20);
            char *d = digest(s);
            if (strcmp(d, cut == len ? after : before) != 0 || storeCheckAccounting(s) != 0)
                bad++;
            xfree(d);
            storeClose(s);
        }
        ASSERT_EQ_INT(bad, 0);
        xfree(p);
        xfree(whole);
        xfree(before);
        xfree(after);
        removeTree(dir);
    }

    TEST_CASE("a failed write undoes every element write since the last flush") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        ASSERT_EQ_INT(hset(s, 0, "h", "a", "1"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h", "b", "2"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "s", "only"), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "str", 3, "x", 1, 0), STORE_OK);
        for (int i = 0; i < 200; i++) {
            char m[16];
            snprintf(m, sizeof(m), "big%d", i);
            ASSERT_EQ_INT(sadd(s, 1, "big", m), STORE_OK);
        }
        char *before = digest(s);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(hset(s, 0, "h", "a", "changed"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h", "c", "new"), STORE_OK);
        ASSERT_EQ_INT(hdel(s, 0, "h", "b"), STORE_OK);
        ASSERT_EQ_INT(srem(s, 0, "s", "only"), STORE_OK); /* the set goes */
        ASSERT_EQ_INT(sadd(s, 0, "s", "again"), STORE_OK); /* and comes back */
        ASSERT_EQ_INT(storeDelete(s, 0, "str", 3), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "str", "f", "a hash now"), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 1, "big", 3), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 1, "big", 3, "a string now", 12, 0), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 2, "fresh", "x"), STORE_OK);
        ASSERT(hashHolds(s, 0, "h", "a", "changed"));
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_ERR_WRITE);
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        s = reopen(s, dir, 1 << 20);
        ASSERT(testSameText(before, digest(s)));
        storeClose(s);
        removeTree(dir);
    }
}

/* The names of the key's collection in its walk order, comma-separated,
 * after its encoding ("listpack:a,b,"), to xfree. */
static char *walkOrder(store *s, int db, const char *key) {
    const collection *c = storeCollection(s, db, key, strlen(key));
    text t = {NULL, 0, 0};
    const char *enc = c ? collEncodingName(c) : "none";
    textAdd(&t, enc, strlen(enc));
    textAdd(&t, ":", 1);
    collIter it;
    collElem el;
    if (c) collIterInit(&it, c);
    while (c && collIterNext(&it, &el)) {
        textAdd(&t, el.name, el.nlen);
        textAdd(&t, ",", 1);
    }
    return t.buf;
}

static void testUndoKeepsEncoding(void) {
    TEST_CASE("a failed write leaves each collection's encoding and element order") {
        char *dir = makeTempDir("elements");
        store *s = openStore(dir, 1 << 20);
        const char *fields[] = {"d", "a", "c", "b"};
        for (int i = 0; i < 4; i++) ASSERT_EQ_INT(hset(s, 0, "h", fields[i], "v"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h2", "x", "1"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h2", "y", "2"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "ints", "3"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "ints", "1"), STORE_OK);
        char *h = walkOrder(s, 0, "h"), *h2 = walkOrder(s, 0, "h2"), *ints = walkOrder(s, 0, "ints");
        ASSERT_EQ_STR(h, "listpack:d,a,c,b,");
        ASSERT_EQ_STR(ints, "intset:1,3,");
        char *before = digest(s);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(hset(s, 0, "h", "a", "changed"), STORE_OK); /* in place */
        ASSERT_EQ_INT(hdel(s, 0, "h", "c"), STORE_OK);
        char longv[100];
        memset(longv, 'x', sizeof(longv) - 1);
        longv[sizeof(longv) - 1] = '\0';
        ASSERT_EQ_INT(hset(s, 0, "h", "long", longv), STORE_OK); /* a table now */
        ASSERT_EQ_INT(hset(s, 0, "h", "e", "after the conversion"), STORE_OK);
        ASSERT_EQ_INT(hdel(s, 0, "h2", "x"), STORE_OK);
        ASSERT_EQ_INT(hset(s, 0, "h2", "x", "back at the end"), STORE_OK);
        ASSERT_EQ_INT(sadd(s, 0, "ints", "word"), STORE_OK); /* a table now */
        ASSERT_EQ_STR(collEncodingName(storeCollection(s, 0, "ints", 4)), "hashtable");
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_ERR_WRITE);
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        ASSERT(testSameText(before, digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        char *now;
        ASSERT_EQ_STR((now = walkOrder(s, 0, "h")), h);
        xfree(now);
        ASSERT_EQ_STR((now = walkOrder(s, 0, "h2")), h2);
        xfree(now);
        ASSERT_EQ_STR((now = walkOrder(s, 0, "ints")), ints);
        xfree(now);
        xfree(h);
        xfree(h2);
        xfree(ints);
        storeClose(s);
        removeTree(dir);
    }
}

/* Drives a merge to its end with random writes between its steps. */
static int compactWithWrites(store *s, int writesPerStep) {
    char err[256];
    if (storeCompactStart(s, err, sizeof(err)) != 0) {
        fprintf(stderr, "storeCompactStart: %s\n", err);
        return 0;
    }
    int ok = 1;
    while (storeCompacting(s)) {
        for (int i = 0; i < writesPerStep; i++) ok &= randomWrite(s);
        storeCompactStep(s);
        usleep(200);
        if (storeCheckAccounting(s) != 0) ok = 0;
    }
    return ok;
}

static void testCompaction(void) {
    TEST_CASE("compaction copies live elements, drops dead ones, while elements are written") {
        char *dir = makeTempDir("elements");
        rngState = 11;
        store *s = openStore(dir, 4096);
        int ok = 1;
        for (int i = 0; i < 2000; i++) ok &= randomWrite(s);
        storeStats st0;
        storeGetStats(s, &st0);
        ASSERT(compactWithWrites(s, 5));
        ASSERT(ok);
        storeStats st1;
        storeGetStats(s, &st1);
        ASSERT(st1.totalBytes < st0.totalBytes);
        ASSERT_EQ_UINT(st1.compactionsDone, st0.compactionsDone + 1);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        char *before = digest(s);
        s = reopen(s, dir, 4096);
        ASSERT(testSameText(xstrdup(before), digest(s)));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* a second merge of the merged data changes nothing either */
        ASSERT(compactWithWrites(s, 0));
        ASSERT(testSameText(xstrdup(before), digest(s)));
        s = reopen(s, dir, 4096);
        ASSERT(testSameText(before, digest(s)));
        storeGetStats(s, &st1);
        ASSERT_EQ_UINT(st1.damageReports, 0);
        storeClose(s);
        removeTree(dir);
    }
}

int main(void) {
    testBasics();
    testRestarts();
    testBatches();
    testUndoKeepsEncoding();
    testCompaction();
    return testReport();
}
