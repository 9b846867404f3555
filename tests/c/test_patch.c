/* test_patch.c -- patch records (record.h RECORD_PATCH): in-place string
 * changes that log only the bytes written, and every part of the engine
 * that must understand them: reads of any range, the chain bound,
 * batches, torn tails and damage, hints, live-bytes accounting and
 * compaction.  Each test keeps a model of the value and compares. */
#include "test.h"
#include "test_util.h"

#include <signal.h>
#include <sys/resource.h>

#include "store/keydir.h"
#include "store/record.h"
#include "store/store.h"

#define T0 1700000000000LL
#define FUTURE (T0 + 86400000LL)
#define DBS 4

/* The value a key should hold, kept next to the store. */
typedef struct model {
    char *v;
    size_t len;
} model;

static void modelSet(model *m, const char *v, size_t len) {
    m->v = xrealloc(m->v, len ? len : 1);
    memcpy(m->v, v, len);
    m->len = len;
}

static void modelPatch(model *m, size_t at, const char *bytes, size_t len) {
    if (at + len > m->len) {
        m->v = xrealloc(m->v, at + len);
        if (at > m->len) memset(m->v + m->len, 0, at - m->len);
        m->len = at + len;
    }
    memcpy(m->v + at, bytes, len);
}

static store *openStore(const char *dir, uint64_t segSize) {
    return testOpenStore(dir, segSize, DBS, T0);
}

static void fill(char *buf, size_t len, unsigned seed);

/* A model holding len pseudo-random bytes (from seed). */
static model randomModel(size_t len, unsigned seed) {
    model m = {xmalloc(len), len};
    fill(m.v, len, seed);
    return m;
}

/* Closes s and opens the store in dir again (a restart). */
static store *reopen(store *s, const char *dir, uint64_t segSize) {
    storeClose(s);
    return openStore(dir, segSize);
}

/* The end of a test: the store closed, the model freed, dir removed. */
static void finish(store *s, model *m, char *dir) {
    storeClose(s);
    xfree(m->v);
    removeTree(dir);
}

static keydirEntry *entryOf(store *s, int db, const char *key) {
    return keydirLookup(storeKeydir(s, db), key, strlen(key));
}

/* 1 when key holds exactly m's value (length included). */
static int holds(store *s, int db, const char *key, const model *m) {
    char *v;
    size_t len;
    if (storeGet(s, db, key, strlen(key), &v, &len) != STORE_OK) return 0;
    int ok = len == m->len && memcmp(v, m->v, len) == 0;
    xfree(v);
    return ok;
}

/* Number of (offset, len) reads that differ from the model, over every
 * offset in steps of 'step' and the lengths 1, 2, 13, 100 and "to the
 * end" (step 1 and lengths "all" when every is set). */
static int badRanges(store *s, int db, const char *key, const model *m, size_t step, int every) {
    keydirEntry *e = entryOf(s, db, key);
    if (!e) return 1;
    int bad = 0;
    char *buf = xmalloc(m->len + 1);
    for (size_t off = 0; off < m->len; off += step) {
        size_t lens[] = {1, 2, 13, 100, m->len - off};
        size_t nlens = every ? m->len - off : 5;
        for (size_t i = 0; i < nlens; i++) {
            size_t len = every ? i + 1 : lens[i];
            if (off + len > m->len) continue;
            if (storeReadValue(s, e, off, len, buf) != STORE_OK ||
                memcmp(buf, m->v + off, len) != 0)
                bad++;
        }
    }
    xfree(buf);
    return bad;
}

static uint32_t chainLen(store *s, int db, const char *key) {
    keydirEntry *e = entryOf(s, db, key);
    const keydirChain *c = e ? keydirEntryChain(e) : NULL;
    return c ? c->n : 0;
}

static void fill(char *buf, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i++) buf[i] = (char)('a' + (seed + i * 7) % 26);
}

static int patch(store *s, model *m, const char *key, size_t at, const char *bytes, size_t len) {
    int rc = storeSetRange(s, 0, key, strlen(key), at, bytes, len);
    if (rc == STORE_OK && m) modelPatch(m, at, bytes, len);
    return rc;
}

static uint64_t logBytes(store *s) {
    storeStats st;
    storeGetStats(s, &st);
    return st.totalBytes;
}

/* ---- Writes and reads -------------------------------------------------- */

static void testPatchOverSet(void) {
    TEST_CASE("a patch over a SET logs only its bytes; reads of every range match") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        model m = randomModel(200, 1);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, 0), STORE_OK);
        uint64_t before = logBytes(s);
        ASSERT_EQ_INT(patch(s, &m, "k", 10, "XYZ", 3), STORE_OK);
        ASSERT_EQ_UINT(logBytes(s) - before, recordEncodedSize(RECORD_PATCH_HEADER_SIZE + 1, 3));
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 2);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(badRanges(s, 0, "k", &m, 1, 1), 0);
        /* past the end: zero padding, the length grows */
        ASSERT_EQ_INT(patch(s, &m, "k", 230, "tail", 4), STORE_OK);
        keydirLoc loc;
        keydirEntryLoc(entryOf(s, 0, "k"), &loc);
        ASSERT_EQ_UINT(loc.valueLen, 234);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(badRanges(s, 0, "k", &m, 1, 1), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(storeSetRange(s, 0, "missing", 7, 0, "x", 1), STORE_MISSING);
        s = reopen(s, dir, 1 << 20);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 3);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }
}

static void testChainBound(void) {
    TEST_CASE("a chain grows to its bound, then a checkpoint SET cuts it") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        model m = randomModel(4000, 2);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "bits", 4, val, m.len, FUTURE), STORE_OK);
        uint32_t maxSeen = 0;
        int checkpoints = 0;
        for (int i = 0; i < 100; i++) {
            char b = (char)('A' + i % 26);
            size_t at = (size_t)(i * 131) % 4100; /* some past the end */
            ASSERT_EQ_INT(patch(s, &m, "bits", at, &b, 1), STORE_OK);
            uint32_t n = chainLen(s, 0, "bits");
            if (n > maxSeen) maxSeen = n;
            if (n == 0) checkpoints++;
            ASSERT(holds(s, 0, "bits", &m));
            ASSERT_EQ_INT(storeCheckAccounting(s), 0);
            ASSERT_EQ_INT(keydirEntryExpire(entryOf(s, 0, "bits")), FUTURE);
            if (i % 10 == 0) ASSERT_EQ_INT(badRanges(s, 0, "bits", &m, 37, 0), 0);
        }
        ASSERT(maxSeen >= 10);
        ASSERT(maxSeen <= 33); /* the base and at most 32 patches */
        ASSERT(checkpoints >= 1);
        s = reopen(s, dir, 1 << 20);
        ASSERT(holds(s, 0, "bits", &m));
        ASSERT_EQ_INT(badRanges(s, 0, "bits", &m, 37, 0), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("a patch as large as the value is written as a SET") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        ASSERT_EQ_INT(storePut(s, 0, "small", 5, "abc", 3, 0), STORE_OK);
        ASSERT_EQ_INT(storeSetRange(s, 0, "small", 5, 1, "ZZ", 2), STORE_OK);
        ASSERT_EQ_UINT(chainLen(s, 0, "small"), 0);
        model m = {0};
        modelSet(&m, "aZZ", 3);
        ASSERT(holds(s, 0, "small", &m));
        finish(s, &m, dir);
    }
}

/* ---- Batches ------------------------------------------------------------ */

static void testBatches(void) {
    TEST_CASE("patches inside a committed batch apply, with their commit") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        model m = randomModel(500, 3);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, 0), STORE_OK);
        ASSERT_EQ_INT(patch(s, &m, "k", 5, "before", 6), STORE_OK);
        storeBatchBegin(s);
        ASSERT_EQ_INT(patch(s, &m, "k", 100, "one", 3), STORE_OK);
        ASSERT_EQ_INT(patch(s, &m, "k", 101, "two", 3), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "other", 5, "o", 1, 0), STORE_OK);
        ASSERT(holds(s, 0, "k", &m)); /* visible inside the batch */
        ASSERT_EQ_INT(badRanges(s, 0, "k", &m, 3, 0), 0);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_OK);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        s = reopen(s, dir, 1 << 20);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 4);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("a batch of patches whose commit fails is rolled back, chain and all") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        char val[500];
        fill(val, sizeof(val), 4);
        model m = {0}, plain = {0};
        modelSet(&m, val, sizeof(val));
        modelSet(&plain, val, sizeof(val));
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, sizeof(val), FUTURE), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "p", 1, val, sizeof(val), 0), STORE_OK);
        ASSERT_EQ_INT(patch(s, &m, "k", 7, "kept", 4), STORE_OK);
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        storeBatchBegin(s);
        ASSERT_EQ_INT(patch(s, NULL, "k", 50, "gone", 4), STORE_OK);
        ASSERT_EQ_INT(patch(s, NULL, "k", 600, "gone", 4), STORE_OK);
        ASSERT_EQ_INT(storeSetRange(s, 0, "p", 1, 3, "gone", 4), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "k", 1), STORE_OK);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_ERR_WRITE);
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT(holds(s, 0, "p", &plain));
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 2);
        ASSERT_EQ_UINT(chainLen(s, 0, "p"), 0);
        ASSERT_EQ_INT(keydirEntryExpire(entryOf(s, 0, "k")), FUTURE);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* and the chain goes on from where it was */
        ASSERT_EQ_INT(patch(s, &m, "k", 9, "on", 2), STORE_OK);
        s = reopen(s, dir, 1 << 20);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT(holds(s, 0, "p", &plain));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        xfree(m.v);
        xfree(plain.v);
        removeTree(dir);
    }
}

/* ---- Crashes and damage ------------------------------------------------- */

static void truncateFile(const char *dir, uint64_t id, uint64_t len) {
    char *p = segmentPath(dir, id, ".log");
    if (truncate(p, (off_t)len) != 0) perror("truncate");
    xfree(p);
}

static void writeFile(const char *dir, uint64_t id, const char *buf, size_t len) {
    char *p = segmentPath(dir, id, ".log");
    FILE *f = fopen(p, "wb");
    if (f) {
        fwrite(buf, 1, len, f);
        fclose(f);
    }
    xfree(p);
}

/* Writes a SET and a patch, then two more patches (inside a batch with
 * another key's SET when batched), and reopens the store cut at every
 * byte of the last write: the value is the one before it unless the
 * write is whole, and the chain and the accounting match. */
static void tornAtEveryByte(int batched) {
    char *dir = makeTempDir("patch");
    store *s = openStore(dir, 1 << 20);
    model m = randomModel(300, 5);
    ASSERT_EQ_INT(storePut(s, 0, "key", 3, m.v, m.len, 0), STORE_OK);
    ASSERT_EQ_INT(patch(s, &m, "key", 20, "first", 5), STORE_OK);
    model before = {0};
    modelSet(&before, m.v, m.len);
    uint64_t start = fileSize(dir, 1, ".log");
    if (batched) storeBatchBegin(s);
    ASSERT_EQ_INT(patch(s, &m, "key", 290, "grows the value", 15), STORE_OK);
    ASSERT_EQ_INT(patch(s, &m, "key", 2, "ab", 2), STORE_OK);
    if (batched) {
        ASSERT_EQ_INT(storePut(s, 1, "other", 5, "o", 1, 0), STORE_OK);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_OK);
    }
    storeClose(s);
    size_t len;
    char *whole = readFile(dir, 1, ".log", &len);
    uint64_t secondPatch = len - recordEncodedSize(RECORD_PATCH_HEADER_SIZE + 3, 2);
    int bad = 0;
    for (uint64_t cut = start; cut <= len; cut++) {
        writeFile(dir, 1, whole, len);
        truncateFile(dir, 1, cut);
        s = openStore(dir, 1 << 20);
        if (!s) {
            bad++;
            continue;
        }
        /* unbatched, the first of the two patches stands on its own */
        int done = cut == len, half = !batched && cut >= secondPatch && !done;
        model mid = {0};
        if (half) {
            modelSet(&mid, before.v, before.len);
            modelPatch(&mid, 290, "grows the value", 15);
        }
        const model *want = done ? &m : half ? &mid : &before;
        uint32_t chain = done ? 4u : half ? 3u : 2u;
        if (!holds(s, 0, "key", want) || storeCheckAccounting(s) != 0 ||
            chainLen(s, 0, "key") != chain)
            bad++;
        xfree(mid.v);
        storeClose(s);
    }
    ASSERT_EQ_INT(bad, 0);
    xfree(whole);
    xfree(before.v);
    s = openStore(dir, 1 << 20);
    finish(s, &m, dir);
}

static void testTornPatch(void) {
    TEST_CASE("a crash at any byte of a patch record leaves the value before it") {
        tornAtEveryByte(0);
    }
    TEST_CASE("a crash at any byte of a batch of patches leaves none of them") {
        tornAtEveryByte(1);
    }

    TEST_CASE("a damaged patch drops its key (reported), never serves a wrong value") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        char val[300];
        fill(val, sizeof(val), 6);
        ASSERT_EQ_INT(storePut(s, 0, "key", 3, val, sizeof(val), 0), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "other", 5, "fine", 4, 0), STORE_OK);
        uint64_t at = fileSize(dir, 1, ".log");
        ASSERT_EQ_INT(patch(s, NULL, "key", 20, "damaged", 7), STORE_OK);
        ASSERT_EQ_INT(patch(s, NULL, "key", 40, "later", 5), STORE_OK);
        storeClose(s);
        size_t len;
        char *buf = readFile(dir, 1, ".log", &len);
        /* flip a value byte of the first patch: its checksum fails */
        buf[at + RECORD_HEADER_SIZE + RECORD_PATCH_HEADER_SIZE + 3 + 2] ^= 0x55;
        writeFile(dir, 1, buf, len);
        xfree(buf);
        s = openStore(dir, 1 << 20);
        ASSERT(s != NULL);
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "key", 3, &v, &vlen), STORE_MISSING);
        ASSERT_EQ_INT(storeGet(s, 0, "other", 5, &v, &vlen), STORE_OK);
        xfree(v);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT(st.damageReports >= 2); /* the damaged record, the orphan patch */
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
}

/* ---- Hints and restarts ------------------------------------------------- */

static void testHints(void) {
    TEST_CASE("a restart from hint files rebuilds the same chain without reading values") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 2048); /* small segments: the chain spans several */
        model m = randomModel(1500, 7);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, FUTURE), STORE_OK);
        for (int i = 0; i < 20; i++) {
            char bytes[40];
            fill(bytes, sizeof(bytes), (unsigned)i);
            ASSERT_EQ_INT(patch(s, &m, "k", (size_t)(i * 73) % 1500, bytes, 1 + i % 4), STORE_OK);
            char filler[300];
            fill(filler, sizeof(filler), (unsigned)i + 100);
            char fk[16];
            snprintf(fk, sizeof(fk), "f%d", i);
            ASSERT_EQ_INT(storePut(s, 1, fk, strlen(fk), filler, sizeof(filler), 0), STORE_OK);
        }
        uint32_t n = chainLen(s, 0, "k");
        ASSERT(n >= 2);
        storeWaitHints(s);
        s = reopen(s, dir, 2048);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT(st.segmentsFromHints >= 2);
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), n);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(badRanges(s, 0, "k", &m, 11, 0), 0);
        ASSERT_EQ_INT(keydirEntryExpire(entryOf(s, 0, "k")), FUTURE);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("a patched key past its expiry is dropped at open, accounting intact") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        char val[300];
        fill(val, sizeof(val), 8);
        ASSERT_EQ_INT(storePut(s, 0, "ttl", 3, val, sizeof(val), T0 + 1000), STORE_OK);
        ASSERT_EQ_INT(storeSetRange(s, 0, "ttl", 3, 3, "x", 1), STORE_OK);
        storeClose(s);
        s = testOpenStore(dir, 1 << 20, DBS, T0 + 5000);
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "ttl", 3, &v, &vlen), STORE_MISSING);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
}

/* ---- Overwrites of a patched key ---------------------------------------- */

static void testOverwrites(void) {
    TEST_CASE("DEL, SET, EXPIRE, FLUSHDB, SWAPDB and copies of a patched key") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        model m = randomModel(400, 9);
        const char *val = m.v;
        const char *keys[] = {"del", "set", "exp", "copy", "flush"};
        for (int i = 0; i < 5; i++) {
            int db = i == 4 ? 2 : 0;
            ASSERT_EQ_INT(storePut(s, db, keys[i], strlen(keys[i]), val, m.len, 0), STORE_OK);
            ASSERT_EQ_INT(storeSetRange(s, db, keys[i], strlen(keys[i]), 5, "PATCH", 5), STORE_OK);
            ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        }
        modelPatch(&m, 5, "PATCH", 5);
        ASSERT_EQ_INT(storeDelete(s, 0, "del", 3), STORE_OK);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(storePut(s, 0, "set", 3, "new", 3, 0), STORE_OK);
        ASSERT_EQ_UINT(chainLen(s, 0, "set"), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(storeSetExpire(s, 0, "exp", 3, FUTURE), STORE_OK);
        ASSERT_EQ_UINT(chainLen(s, 0, "exp"), 2);
        ASSERT(holds(s, 0, "exp", &m));
        /* RENAME/COPY: the db layer reads the value and writes a SET */
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "copy", 4, &v, &vlen), STORE_OK);
        storeBatchBegin(s);
        ASSERT_EQ_INT(storePut(s, 1, "copied", 6, v, vlen, 0), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "copy", 4), STORE_OK);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_OK);
        xfree(v);
        ASSERT(holds(s, 1, "copied", &m));
        ASSERT_EQ_INT(storeSwapDb(s, 2, 3), STORE_OK);
        ASSERT(holds(s, 3, "flush", &m));
        ASSERT_EQ_INT(storeFlush(s, 3), STORE_OK);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        s = reopen(s, dir, 1 << 20);
        ASSERT_EQ_INT(storeGet(s, 0, "del", 3, &v, &vlen), STORE_MISSING);
        ASSERT_EQ_INT(storeGet(s, 3, "flush", 5, &v, &vlen), STORE_MISSING);
        ASSERT(holds(s, 0, "exp", &m));
        ASSERT(holds(s, 1, "copied", &m));
        model n = {0};
        modelSet(&n, "new", 3);
        ASSERT(holds(s, 0, "set", &n));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        xfree(m.v);
        xfree(n.v);
        removeTree(dir);
    }
}

/* ---- Compaction ---------------------------------------------------------- */

static void compactAll(store *s) {
    char err[256];
    if (storeCompactStart(s, err, sizeof(err)) != 0) {
        fprintf(stderr, "storeCompactStart: %s\n", err);
        return;
    }
    storeCompactWait(s);
}

/* Runs a merge, calling between(s, i) at each of its steps. */
static void compactWith(store *s, void (*between)(store *, int, void *), void *priv) {
    char err[256];
    if (storeCompactStart(s, err, sizeof(err)) != 0) {
        fprintf(stderr, "storeCompactStart: %s\n", err);
        return;
    }
    int i = 0;
    while (storeCompacting(s)) {
        between(s, i++, priv);
        storeCompactStep(s);
        usleep(100);
    }
}

static void testCompaction(void) {
    TEST_CASE("compaction materialises a chain: base and patches in one segment") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 1 << 20);
        model m = randomModel(3000, 10);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, FUTURE), STORE_OK);
        for (int i = 0; i < 5; i++) ASSERT_EQ_INT(patch(s, &m, "k", (size_t)i * 100, "zz", 2), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "plain", 5, "p", 1, 0), STORE_OK);
        compactAll(s);
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 0);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(keydirEntryExpire(entryOf(s, 0, "k")), FUTURE);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(patch(s, &m, "k", 2999, "end", 3), STORE_OK);
        s = reopen(s, dir, 1 << 20);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 2);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("compaction of a segment holding the base only, another the patches only") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 4096);
        model m = randomModel(3500, 11);
        const char *val = m.v;
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, 0), STORE_OK);
        char filler[1000];
        fill(filler, sizeof(filler), 12);
        ASSERT_EQ_INT(storePut(s, 1, "f1", 2, filler, sizeof(filler), 0), STORE_OK); /* rotates */
        for (int i = 0; i < 4; i++) ASSERT_EQ_INT(patch(s, &m, "k", (size_t)i * 7, "pp", 2), STORE_OK);
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 5);
        const keydirChain *c = keydirEntryChain(entryOf(s, 0, "k"));
        ASSERT(c->rec[0].segment != c->rec[1].segment);
        compactAll(s);
        ASSERT_EQ_UINT(chainLen(s, 0, "k"), 0);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT_EQ_UINT(st.compactionsDone, 1);
        s = reopen(s, dir, 4096);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }
}

/* Patches written while a merge runs: some fold into the materialised
 * copy, some race it; after it and after a restart the value is exact. */
typedef struct racing {
    model *m;
    int bad;
} racing;

static void patchDuringMerge(store *s, int step, void *priv) {
    racing *r = priv;
    char b[3];
    fill(b, sizeof(b), (unsigned)step);
    if (patch(s, r->m, "k", (size_t)(step * 53) % 3000, b, sizeof(b)) != STORE_OK) r->bad++;
    if (!holds(s, 0, "k", r->m)) r->bad++;
    if (storeCheckAccounting(s) != 0) r->bad++;
}

/* One merge with a patch at each of its steps, then restarts: the value
 * is exact and nothing is reported as damage.  chained: the key already
 * has patches when the merge starts (its base gets materialised), else
 * it is a plain SET (copied as it is). */
static void raceOnce(int chained) {
    char *dir = makeTempDir("patch");
    store *s = openStore(dir, 4096);
    model m = randomModel(3000, 13);
    const char *val = m.v;
    ASSERT_EQ_INT(storePut(s, 0, "k", 1, val, m.len, 0), STORE_OK);
    for (int i = 0; chained && i < 3; i++) ASSERT_EQ_INT(patch(s, &m, "k", (size_t)i, "q", 1), STORE_OK);
    for (int i = 0; i < 8; i++) {
        char fk[8], filler[600];
        snprintf(fk, sizeof(fk), "f%d", i);
        fill(filler, sizeof(filler), (unsigned)i);
        ASSERT_EQ_INT(storePut(s, 1, fk, strlen(fk), filler, sizeof(filler), 0), STORE_OK);
    }
    racing r = {&m, 0};
    compactWith(s, patchDuringMerge, &r);
    ASSERT_EQ_INT(r.bad, 0);
    ASSERT(holds(s, 0, "k", &m));
    ASSERT_EQ_INT(storeCheckAccounting(s), 0);
    for (int round = 0; round < 2; round++) {
        s = reopen(s, dir, 4096);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeStats st;
        storeGetStats(s, &st);
        ASSERT_EQ_UINT(st.damageReports, 0);
        /* a second merge picks up whatever the first left */
        compactAll(s);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
    }
    finish(s, &m, dir);
}

/* between-callback: at the first step, patches then deletes the key, so
 * the merge drops its base while the patch is in the new segment. */
static void patchThenDelete(store *s, int step, void *priv) {
    (void)priv;
    if (step != 0) return;
    storeSetRange(s, 0, "gone", 4, 3, "x", 1);
    storeDelete(s, 0, "gone", 4);
}

/* between-callback: at the first step (before any verdict), patches k
 * until its chain is cut by a full SET.  The merge then finds the base
 * dead and gives up its segment, while the patches written before the
 * cut, in the new active segment, name records of the given-up chain. */
static void patchUntilCut(store *s, int step, void *priv) {
    model *m = priv;
    if (step != 0) return;
    for (int i = 0; i < 40; i++) {
        char b[2];
        fill(b, sizeof(b), (unsigned)i);
        if (patch(s, m, "k", (size_t)(i * 71) % 3000, b, sizeof(b)) != STORE_OK) return;
    }
}

/* A key whose SET is in segment 1 and whose patches are in segment 2;
 * then 'after' (a SET, a DEL, a flush or nothing) in segment 2, and
 * segment 1 removed: the patches have lost their base.  Returns the store
 * reopened on it. */
enum { LOST_NOTHING_AFTER, LOST_THEN_SET, LOST_THEN_DEL, LOST_THEN_FLUSH };
static store *loseBase(const char *dir, int after) {
    store *s = openStore(dir, 4096);
    model m = randomModel(3000, 15);
    ASSERT_EQ_INT(storePut(s, 0, "k", 1, m.v, m.len, 0), STORE_OK);
    ASSERT_EQ_INT(storePut(s, 1, "f", 1, m.v, 1500, 0), STORE_OK); /* rotates */
    ASSERT(fileExists(dir, 2, ".log"));
    for (int i = 0; i < 3; i++) ASSERT_EQ_INT(patch(s, &m, "k", (size_t)i, "z", 1), STORE_OK);
    if (after == LOST_THEN_SET) ASSERT_EQ_INT(storePut(s, 0, "k", 1, "new", 3, 0), STORE_OK);
    if (after == LOST_THEN_DEL) ASSERT_EQ_INT(storeDelete(s, 0, "k", 1), STORE_OK);
    if (after == LOST_THEN_FLUSH) ASSERT_EQ_INT(storeFlush(s, 0), STORE_OK);
    storeClose(s);
    xfree(m.v);
    char *p = segmentPath(dir, 1, ".log");
    ASSERT_EQ_INT(unlink(p), 0);
    xfree(p);
    p = segmentPath(dir, 1, ".hint");
    unlink(p);
    xfree(p);
    return openStore(dir, 4096);
}

static uint64_t damageOf(store *s) {
    storeStats st;
    storeGetStats(s, &st);
    return st.damageReports;
}

static void testLostBase(void) {
    TEST_CASE("patches whose base is lost, the key never replaced: one report, key dropped") {
        char *dir = makeTempDir("patch");
        store *s = loseBase(dir, LOST_NOTHING_AFTER);
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "k", 1, &v, &vlen), STORE_MISSING);
        ASSERT_EQ_UINT(damageOf(s), 1);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("patches whose base is lost, then a SET of the key: no damage, the SET holds") {
        char *dir = makeTempDir("patch");
        store *s = loseBase(dir, LOST_THEN_SET);
        model want = {0};
        modelSet(&want, "new", 3);
        ASSERT(holds(s, 0, "k", &want));
        ASSERT_EQ_UINT(damageOf(s), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &want, dir);
    }
    TEST_CASE("patches whose base is lost, then a DEL or a FLUSHDB: no damage, no key") {
        for (int after = LOST_THEN_DEL; after <= LOST_THEN_FLUSH; after++) {
            char *dir = makeTempDir("patch");
            store *s = loseBase(dir, after);
            char *v;
            size_t vlen;
            ASSERT_EQ_INT(storeGet(s, 0, "k", 1, &v, &vlen), STORE_MISSING);
            ASSERT_EQ_UINT(damageOf(s), 0);
            ASSERT_EQ_INT(storeCheckAccounting(s), 0);
            storeClose(s);
            removeTree(dir);
        }
    }
}

static void testCompactionRace(void) {
    TEST_CASE("a chain cut while a merge runs: its base goes, its patches are no damage") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 4096);
        model m = randomModel(3000, 16);
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, m.v, m.len, 0), STORE_OK);
        for (int i = 0; i < 3; i++) ASSERT_EQ_INT(patch(s, &m, "k", (size_t)i, "q", 1), STORE_OK);
        char filler[600];
        fill(filler, sizeof(filler), 3);
        for (int i = 0; i < 8; i++) {
            char fk[8];
            snprintf(fk, sizeof(fk), "f%d", i);
            ASSERT_EQ_INT(storePut(s, 1, fk, strlen(fk), filler, sizeof(filler), 0), STORE_OK);
        }
        compactWith(s, patchUntilCut, &m);
        ASSERT(!fileExists(dir, 1, ".log")); /* the chain's base went with its segment */
        ASSERT(holds(s, 0, "k", &m));
        s = reopen(s, dir, 4096);
        ASSERT(holds(s, 0, "k", &m));
        ASSERT_EQ_UINT(damageOf(s), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("a patch whose base a merge dropped (the key was deleted) is no damage") {
        char *dir = makeTempDir("patch");
        store *s = openStore(dir, 4096);
        model m = randomModel(2000, 14);
        ASSERT_EQ_INT(storePut(s, 0, "gone", 4, m.v, m.len, 0), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "kept", 4, m.v, m.len, 0), STORE_OK);
        compactWith(s, patchThenDelete, NULL);
        s = reopen(s, dir, 4096);
        char *v;
        size_t vlen;
        ASSERT_EQ_INT(storeGet(s, 0, "gone", 4, &v, &vlen), STORE_MISSING);
        ASSERT(holds(s, 0, "kept", &m));
        storeStats st;
        storeGetStats(s, &st);
        ASSERT_EQ_UINT(st.damageReports, 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        finish(s, &m, dir);
    }

    TEST_CASE("patches written at every step of a merge of a chain: exact after restarts") {
        raceOnce(1);
    }
    TEST_CASE("patches written at every step of a merge of a plain SET: exact after restarts") {
        raceOnce(0);
    }
}

/* ---- The record codec ---------------------------------------------------- */

static void testRecordRules(void) {
    TEST_CASE("PATCH records: the patch header round-trips; field rules hold") {
        recordPatch p = {UINT64_C(0x123456789abc), 99, 1000}, q;
        char buf[RECORD_PATCH_HEADER_SIZE];
        recordEncodePatch(buf, &p);
        recordDecodePatch(buf, &q);
        ASSERT_EQ_UINT(q.prevSeq, UINT64_C(0x123456789abc));
        ASSERT_EQ_UINT(q.at, 99);
        ASSERT_EQ_UINT(q.valueLen, 1000);
        recordHeader h;
        memset(&h, 0, sizeof(h));
        h.type = RECORD_PATCH;
        h.keylen = RECORD_PATCH_HEADER_SIZE + 1;
        h.vallen = 3;
        ASSERT(recordCheckHeader(&h, 0) == NULL);
        ASSERT(recordIsDataType(RECORD_PATCH));
        ASSERT_EQ_STR(recordTypeName(RECORD_PATCH), "patch");
        h.expireAt = 5;
        ASSERT(recordCheckHeader(&h, 0) != NULL);
        h.expireAt = 0;
        h.keylen = RECORD_PATCH_HEADER_SIZE - 1;
        ASSERT(recordCheckHeader(&h, 0) != NULL);
    }
}

int main(void) {
    testRecordRules();
    testPatchOverSet();
    testChainBound();
    testBatches();
    testTornPatch();
    testHints();
    testOverwrites();
    testCompaction();
    testCompactionRace();
    testLostBase();
    return testReport();
}
