/* tests/c/test_meta.c -- unit tests for metadata (record.h RECORD_META,
 * store/meta.{c,h}, store/store_meta.c): the record rules, the table's
 * order and prefix walks, writes and deletes, that no keyspace write
 * touches metadata, reopening from a scan, from hint files and without
 * them, compaction keeping the live value and dropping the dead ones
 * (with writes racing the merge), batches (atomic in memory and on disk,
 * cut anywhere before COMMIT), failed writes and flushes changing
 * nothing, a backup and its restore, and a damaged record reported and
 * never served. */
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/backup.h"
#include "store/keydir.h"
#include "store/meta.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL
#define DBS 4

static char errbuf[512];

static store *openAt(const char *dir, uint64_t segSize) {
    return testOpenStore(dir, segSize, DBS, T0);
}

static int metaSet(store *s, const char *name, const char *val) {
    return storeMetaSet(s, name, strlen(name), val, strlen(val));
}

static int metaDel(store *s, const char *name) {
    return storeMetaDelete(s, name, strlen(name));
}

/* storeMetaForEach's callback for dumpMeta: "name=value;" per entry. */
static void appendEntry(const char *name, size_t nlen, const char *val, size_t vlen, void *pd) {
    char *out = pd;
    size_t at = strlen(out);
    if (at + nlen + vlen + 3 > 4096) return;
    memcpy(out + at, name, nlen);
    out[at + nlen] = '=';
    memcpy(out + at + nlen + 1, val, vlen);
    out[at + nlen + 1 + vlen] = ';';
    out[at + nlen + 2 + vlen] = '\0';
}

/* Every entry under prefix, as "name=value;..." in walk order (a static
 * buffer: one result at a time). */
static const char *dumpMeta(store *s, const char *prefix) {
    static char out[4096];
    out[0] = '\0';
    storeMetaForEach(s, prefix, strlen(prefix), appendEntry, out);
    return out;
}

/* Whether dir, reopened, holds exactly the metadata want (dumpMeta's
 * form) with its live bytes counted right; says what it holds when not. */
static int reopensWith(const char *dir, uint64_t segSize, const char *want) {
    store *s = openAt(dir, segSize);
    if (s == NULL) return 0;
    const char *got = dumpMeta(s, "");
    int ok = strcmp(got, want) == 0 && storeCheckAccounting(s) == 0;
    if (!ok) fprintf(stderr, "  reopened with \"%s\", not \"%s\"\n", got, want);
    storeClose(s);
    return ok;
}

static storeStats statsOf(store *s) {
    storeStats st;
    storeGetStats(s, &st);
    return st;
}

static uint64_t totalKeys(store *s) {
    uint64_t n = 0;
    for (int db = 0; db < DBS; db++) n += keydirSize(storeKeydir(s, db));
    return n;
}

/* Removes every hint file of dir's segments [1, upto]. */
static void removeHints(const char *dir, uint64_t upto) {
    for (uint64_t id = 1; id <= upto; id++) {
        char *p = segmentPath(dir, id, ".hint");
        unlink(p);
        xfree(p);
    }
}

/* Cuts segment 1 of dir at every byte from start to end (its size),
 * reopens it each time and asks check whether the store is right (whole:
 * nothing was cut); returns the number of cuts that were not. */
static int everyCut(const char *dir, uint64_t start, uint64_t end,
                    int (*check)(store *s, int whole, uint64_t cut)) {
    size_t len;
    char *master = readFile(dir, 1, ".log", &len);
    int bad = 0;
    for (uint64_t t = start; master && len == end && t <= end; t++) {
        writeSegmentFile(dir, 1, ".log", master, (size_t)t);
        store *s = openAt(dir, 1 << 20);
        int ok = s != NULL && check(s, t == end, t) && statsOf(s).damageReports == 0 &&
                 storeCheckAccounting(s) == 0;
        storeClose(s);
        if (!ok && bad++ < 5) fprintf(stderr, "  cut at %llu\n", (unsigned long long)t);
    }
    if (!master || len != end) bad++;
    xfree(master);
    return bad;
}

/* ---- The record format ------------------------------------------------------ */

static recordHeader metaHeader(int type, uint32_t klen, uint32_t vlen, int64_t expire, int db) {
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = (uint8_t)type;
    h.keylen = klen;
    h.vallen = vlen;
    h.expireAt = expire;
    h.db = (uint16_t)db;
    h.seq = 1;
    return h;
}

static void testRecordRules(void) {
    TEST_CASE("META and META_DEL: a name of 1..1024 bytes, no db, no expiry") {
        recordHeader ok1 = metaHeader(RECORD_META, 1, 0, 0, 0);
        recordHeader ok2 = metaHeader(RECORD_META, RECORD_META_NAME_MAX, 100000, 0, 0);
        recordHeader ok3 = metaHeader(RECORD_META_DEL, 12, 0, 0, 0);
        ASSERT(recordCheckHeader(&ok1, 0) == NULL);
        ASSERT(recordCheckHeader(&ok2, 0) == NULL);
        ASSERT(recordCheckHeader(&ok3, 0) == NULL);
        recordHeader bad[] = {
            metaHeader(RECORD_META, 0, 5, 0, 0),                        /* no name */
            metaHeader(RECORD_META, RECORD_META_NAME_MAX + 1, 5, 0, 0), /* too long */
            metaHeader(RECORD_META, 3, 5, 1, 0),                        /* an expiry */
            metaHeader(RECORD_META, 3, 5, 0, 1),                        /* a database */
            metaHeader(RECORD_META_DEL, 3, 1, 0, 0),                    /* a value */
            metaHeader(RECORD_META_DEL, 0, 0, 0, 0),
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
            if (!ASSERT(recordCheckHeader(&bad[i], 0) != NULL)) fprintf(stderr, "  case %zu\n", i);
        ASSERT(recordIsDataType(RECORD_META));
        ASSERT(recordIsDataType(RECORD_META_DEL));
        ASSERT_EQ_STR(recordTypeName(RECORD_META), "meta");
        ASSERT_EQ_STR(recordTypeName(RECORD_META_DEL), "meta-del");
    }
    TEST_CASE("a META record encodes and decodes") {
        recordHeader h = metaHeader(RECORD_META, 10, 3, 0, 0);
        char buf[RECORD_HEADER_SIZE + 13];
        ASSERT_EQ_UINT(recordEncode(buf, &h, "function:x", "abc"), sizeof(buf));
        recordHeader d;
        ASSERT_EQ_INT(recordDecodeHeader(buf, sizeof(buf), 0, &d, NULL), RECORD_OK);
        ASSERT_EQ_INT(d.type, RECORD_META);
        ASSERT(recordVerify(&d, buf));
    }
}

/* ---- The table ----------------------------------------------------------------- */

static void testTable(void) {
    TEST_CASE("the table keeps names in byte order; a prefix walk is a range") {
        metaTable *t = metaTableCreate();
        const char *names[] = {"function:b", "x", "function:a", "function", "functionz",
                               "function:ab", "a"};
        int created;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            metaTableUpsert(t, names[i], strlen(names[i]), &created);
        metaTableUpsert(t, "x", 1, &created);
        ASSERT_EQ_INT(created, 0);
        ASSERT_EQ_UINT(metaTableCount(t), 7);
        const char *order[] = {"a", "function", "function:a", "function:ab", "function:b",
                               "functionz", "x"};
        for (size_t i = 0; i < 7; i++) {
            metaEntry *e = metaTableAt(t, i);
            ASSERT_EQ_MEM(e->name, e->nlen, order[i], strlen(order[i]));
        }
        size_t i = metaTableLowerBound(t, "function:", 9);
        ASSERT_EQ_UINT(i, 2);
        int n = 0;
        for (; i < metaTableCount(t) && metaNameHasPrefix(metaTableAt(t, i), "function:", 9); i++)
            n++;
        ASSERT_EQ_INT(n, 3);
        metaEntry out;
        ASSERT_EQ_INT(metaTableRemove(t, "function:a", 10, &out), 1);
        ASSERT_EQ_INT(metaTableRemove(t, "function:a", 10, NULL), 0);
        ASSERT(metaTableFind(t, "function:a", 10) == NULL);
        metaTableReinsert(t, &out);
        ASSERT(metaTableFind(t, "function:a", 10) != NULL);
        ASSERT_EQ_UINT(metaTableCount(t), 7);
        metaTableFree(t);
    }
}

/* ---- Writes ------------------------------------------------------------------------ */

static void testWrites(void) {
    TEST_CASE("set, overwrite, delete; a walk by prefix in name order") {
        char *dir = makeTempDir("meta");
        store *s = openAt(dir, 1 << 20);
        uint64_t v0 = storeMetaVersion(s);
        ASSERT_EQ_INT(metaSet(s, "function:lib2", "two"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:lib1", "one"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "other", "o"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:lib1", "one again"), STORE_OK);
        ASSERT(storeMetaVersion(s) != v0);
        ASSERT_EQ_STR(dumpMeta(s, "function:"), "function:lib1=one again;function:lib2=two;");
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:lib1=one again;function:lib2=two;other=o;");
        ASSERT_EQ_STR(dumpMeta(s, "nothing"), "");
        ASSERT_EQ_INT(metaDel(s, "function:lib2"), STORE_OK);
        uint64_t size = fileSize(dir, 1, ".log");
        ASSERT_EQ_INT(metaDel(s, "function:lib2"), STORE_OK); /* absent: nothing written */
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), size);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:lib1=one again;other=o;");
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("binary names and values, an empty value; names out of range refused") {
        char *dir = makeTempDir("meta");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(storeMetaSet(s, "a\0b", 3, "v\0\n", 3), STORE_OK);
        ASSERT_EQ_INT(storeMetaSet(s, "empty", 5, "", 0), STORE_OK);
        char longName[STORE_META_NAME_MAX + 1];
        memset(longName, 'n', sizeof(longName));
        ASSERT_EQ_INT(storeMetaSet(s, longName, STORE_META_NAME_MAX, "x", 1), STORE_OK);
        ASSERT_EQ_INT(storeMetaSet(s, longName, sizeof(longName), "x", 1), STORE_ERR_WRITE);
        ASSERT_EQ_INT(storeMetaSet(s, "", 0, "x", 1), STORE_ERR_WRITE);
        ASSERT_EQ_UINT(storeMetaCount(s), 3);
        ASSERT_EQ_UINT(statsOf(s).writeErrors, 0); /* refused, not a failed write */
        storeClose(s);
        s = openAt(dir, 1 << 20);
        ASSERT_EQ_UINT(storeMetaCount(s), 3);
        ASSERT_EQ_STR(dumpMeta(s, "empty"), "empty=;");
        storeClose(s);
        removeTree(dir);
    }
    TEST_CASE("metadata is no key: flushes, SWAPDB and deletes leave it alone") {
        char *dir = makeTempDir("meta");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(metaSet(s, "function:f", "src"), STORE_OK);
        ASSERT_EQ_UINT(totalKeys(s), 0);
        ASSERT_EQ_INT(storePut(s, 0, "function:f", 10, "key", 3, 0), STORE_OK);
        ASSERT_EQ_INT(storeDelete(s, 0, "function:f", 10), STORE_OK);
        ASSERT_EQ_INT(storeFlush(s, 0), STORE_OK);
        ASSERT_EQ_INT(storeSwapDb(s, 0, 1), STORE_OK);
        ASSERT_EQ_INT(storeFlush(s, -1), STORE_OK);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:f=src;");
        ASSERT_EQ_UINT(totalKeys(s), 0);
        storeClose(s);
        s = openAt(dir, 1 << 20); /* and so does their replay */
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:f=src;");
        ASSERT_EQ_UINT(totalKeys(s), 0);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
}

/* ---- Reopening ------------------------------------------------------------------ */

/* Writes metadata across several small segments (each sealed one gets a
 * hint), with filler keys between, and returns the active segment's id. */
static uint64_t spreadOverSegments(store *s) {
    char val[300];
    for (int round = 0; round < 20; round++) {
        char name[32];
        snprintf(name, sizeof(name), "function:lib%d", round % 7);
        memset(val, 'a' + round % 26, sizeof(val));
        snprintf(val, 20, "round %d", round);
        storeMetaSet(s, name, strlen(name), val, sizeof(val));
        if (round % 5 == 4) {
            snprintf(name, sizeof(name), "function:lib%d", round % 3);
            storeMetaDelete(s, name, strlen(name));
        }
        for (int k = 0; k < 8; k++) {
            char key[32];
            int kl = snprintf(key, sizeof(key), "k%d", k);
            storePut(s, k % DBS, key, (size_t)kl, val, sizeof(val), 0);
        }
    }
    storeWaitHints(s);
    return statsOf(s).segments;
}

static void testReopen(void) {
    TEST_CASE("metadata survives a reopen: from hints, without them, scanned") {
        char *dir = makeTempDir("meta-reopen");
        store *s = openAt(dir, 4096);
        spreadOverSegments(s);
        ASSERT(statsOf(s).segments > 5);
        char want[4096];
        snprintf(want, sizeof(want), "%s", dumpMeta(s, ""));
        ASSERT(strlen(want) > 0);
        uint64_t segs = statsOf(s).segments;
        storeClose(s);

        s = openAt(dir, 4096);
        ASSERT(statsOf(s).segmentsFromHints > 0);
        ASSERT_EQ_STR(dumpMeta(s, ""), want);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_UINT(statsOf(s).damageReports, 0);
        storeClose(s);

        removeHints(dir, segs + 10);
        s = openAt(dir, 4096);
        ASSERT_EQ_UINT(statsOf(s).segmentsFromHints, 0);
        ASSERT_EQ_STR(dumpMeta(s, ""), want);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        removeTree(dir);
    }
}

/* ---- Compaction --------------------------------------------------------------- */

/* Runs the started merge to its end, calling between(s, step) between
 * its steps. */
static void compactStepping(store *s, void (*between)(store *s, int step)) {
    int step = 0;
    while (storeCompacting(s)) {
        struct pollfd pfd = {storeCompactFd(s), POLLIN, 0};
        poll(&pfd, 1, 1000);
        storeCompactStep(s);
        if (between) between(s, step++);
    }
}

/* Changes metadata while a merge runs: an overwrite of a live name, the
 * delete of another, a new one. */
static void raceMerge(store *s, int step) {
    char name[32];
    snprintf(name, sizeof(name), "function:lib%d", step % 7);
    if (step % 3 == 0) storeMetaSet(s, name, strlen(name), "during", 6);
    else if (step % 3 == 1) storeMetaDelete(s, name, strlen(name));
    else storeMetaSet(s, "function:new", 12, "n", 1);
}

static void testCompaction(void) {
    TEST_CASE("compaction keeps the live values and drops the dead ones") {
        char *dir = makeTempDir("meta-compact");
        store *s = openAt(dir, 4096);
        spreadOverSegments(s);
        char want[4096];
        snprintf(want, sizeof(want), "%s", dumpMeta(s, ""));
        uint64_t before = statsOf(s).totalBytes;
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        storeCompactWait(s);
        storeStats st = statsOf(s);
        ASSERT_EQ_UINT(st.compactionsDone, 1);
        ASSERT(st.totalBytes < before);
        ASSERT_EQ_STR(dumpMeta(s, ""), want);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* What is left on disk: live records only (plus the DBMAP and
         * segment headers), so the dead values were dropped. */
        ASSERT(st.totalBytes - st.liveBytes < 4 * 4096);
        storeClose(s);
        ASSERT(reopensWith(dir, 4096, want));
        removeTree(dir);
    }
    TEST_CASE("writes racing a merge: a reopen sees the newest, deletes stay deleted") {
        char *dir = makeTempDir("meta-race");
        store *s = openAt(dir, 4096);
        spreadOverSegments(s);
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        compactStepping(s, raceMerge);
        char want[4096];
        snprintf(want, sizeof(want), "%s", dumpMeta(s, ""));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        /* A second merge over the first one's outputs and the racing
         * writes (tombstones among them). */
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        storeCompactWait(s);
        ASSERT_EQ_STR(dumpMeta(s, ""), want);
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        ASSERT(reopensWith(dir, 4096, want));
        removeTree(dir);
    }
    TEST_CASE("a delete survives the merge of the record it deleted") {
        char *dir = makeTempDir("meta-del");
        store *s = openAt(dir, 4096);
        ASSERT_EQ_INT(metaSet(s, "function:gone", "old"), STORE_OK);
        spreadOverSegments(s);
        ASSERT_EQ_INT(metaDel(s, "function:gone"), STORE_OK);
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        storeCompactWait(s);
        storeClose(s);
        s = openAt(dir, 4096);
        ASSERT(strstr(dumpMeta(s, ""), "function:gone") == NULL);
        storeClose(s);
        removeHints(dir, 1000);
        s = openAt(dir, 4096);
        ASSERT(strstr(dumpMeta(s, ""), "function:gone") == NULL);
        storeClose(s);
        removeTree(dir);
    }
}

/* The segment ids of dir, sorted (xfree them). */
static uint64_t *listIds(const char *dir, size_t *n) {
    uint64_t *ids = NULL;
    if (segmentListIds(dir, &ids, n, errbuf, sizeof(errbuf)) < 0) *n = 0;
    return ids;
}

/* Copies segment id (and its hint, if any) from one directory to another. */
static void copySegment(const char *from, const char *to, uint64_t id) {
    const char *exts[] = {".log", ".hint"};
    for (int i = 0; i < 2; i++) {
        size_t len;
        char *buf = readFile(from, id, exts[i], &len);
        if (!buf) continue;
        char *p = segmentPath(to, id, exts[i]);
        FILE *f = fopen(p, "wb");
        if (!f || (len && fwrite(buf, 1, len, f) != len)) exit(1);
        fclose(f);
        xfree(p);
        xfree(buf);
    }
}

static void testCompactionCrashStates(void) {
    TEST_CASE("every state a crash can leave during a merge has the same metadata") {
        char *dir = makeTempDir("meta-crash");
        char *save = makeTempDir("meta-save");
        store *s = openAt(dir, 4096);
        spreadOverSegments(s);
        char want[4096];
        snprintf(want, sizeof(want), "%s", dumpMeta(s, ""));
        size_t nin;
        uint64_t *inputs = listIds(dir, &nin);
        for (size_t i = 0; i < nin; i++) copySegment(dir, save, inputs[i]);
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        storeCompactWait(s);
        storeClose(s);
        size_t nafter;
        uint64_t *after = listIds(dir, &nafter);
        /* k oldest inputs deleted, the rest still there (k == 0: outputs
         * published, nothing deleted yet); and outputs never published. */
        for (size_t k = 0; k <= nin + 1; k++) {
            char *crash = makeTempDir("meta-state");
            int published = k <= nin;
            for (size_t i = 0; i < nafter; i++)
                if (published || i == nafter - 1) copySegment(dir, crash, after[i]);
            for (size_t i = published ? k : 0; i < nin; i++) copySegment(save, crash, inputs[i]);
            s = openAt(crash, 4096);
            if (ASSERT(s != NULL)) {
                if (!ASSERT_EQ_STR(dumpMeta(s, ""), want))
                    fprintf(stderr, "  (state %zu of %zu)\n", k, nin + 1);
                ASSERT_EQ_INT(storeCheckAccounting(s), 0);
                storeClose(s);
            }
            removeTree(crash);
        }
        xfree(inputs);
        xfree(after);
        removeTree(save);
        removeTree(dir);
    }
}

static uint64_t tornStart; /* where the cut record of testTornRecord starts */

static int tornRecordOk(store *s, int whole, uint64_t cut) {
    const char *want = whole ? "function:t=the newest value;function:u=other;"
                             : "function:t=before;function:u=other;";
    return strcmp(dumpMeta(s, ""), want) == 0 &&
           statsOf(s).tornBytes == (whole ? 0 : cut - tornStart);
}

static void testTornRecord(void) {
    TEST_CASE("a META record cut at every byte: the name keeps its previous value") {
        char *dir = makeTempDir("meta-torn");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(metaSet(s, "function:t", "before"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:u", "other"), STORE_OK);
        tornStart = fileSize(dir, 1, ".log");
        ASSERT_EQ_INT(metaSet(s, "function:t", "the newest value"), STORE_OK);
        uint64_t end = fileSize(dir, 1, ".log");
        storeClose(s);
        ASSERT_EQ_INT(everyCut(dir, tornStart, end, tornRecordOk), 0);
        removeTree(dir);
    }
}

/* ---- Batches, failed writes ------------------------------------------------------ */

static int batchCutOk(store *s, int whole, uint64_t cut) {
    (void)cut;
    return strcmp(dumpMeta(s, ""), whole ? "function:b=b1;function:c=c1;"
                                          : "function:a=a0;function:b=b0;") == 0 &&
           totalKeys(s) == (whole ? 1u : 0u);
}

static void testBatches(void) {
    TEST_CASE("a batch replaces every library at once; cut before COMMIT it is absent") {
        char *dir = makeTempDir("meta-batch");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a0"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:b", "b0"), STORE_OK);
        uint64_t batchStart = fileSize(dir, 1, ".log");
        storeBatchBegin(s);
        ASSERT_EQ_INT(metaDel(s, "function:a"), STORE_OK);
        ASSERT_EQ_INT(metaDel(s, "function:b"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:c", "c1"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:b", "b1"), STORE_OK);
        ASSERT_EQ_INT(storePut(s, 0, "k", 1, "v", 1, 0), STORE_OK);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:b=b1;function:c=c1;"); /* visible at once */
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_OK);
        uint64_t batchEnd = fileSize(dir, 1, ".log");
        storeClose(s);
        ASSERT_EQ_INT(everyCut(dir, batchStart, batchEnd, batchCutOk), 0);
        removeTree(dir);
    }
    TEST_CASE("a batch closed unfinished leaves metadata as before it") {
        char *dir = makeTempDir("meta-batch");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a0"), STORE_OK);
        storeBatchBegin(s);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a1"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:z", "z1"), STORE_OK);
        storeClose(s);
        ASSERT(reopensWith(dir, 1 << 20, "function:a=a0;"));
        removeTree(dir);
    }
}

static void testFailedWrites(void) {
    TEST_CASE("a write that fails changes nothing; the next one works") {
        char *dir = makeTempDir("meta-fail");
        store *s = openAt(dir, 1 << 20);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a0"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:b", "b0"), STORE_OK);
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a1"), STORE_ERR_WRITE);
        ASSERT_EQ_INT(metaSet(s, "function:n", "n1"), STORE_ERR_WRITE);
        ASSERT_EQ_INT(metaDel(s, "function:b"), STORE_ERR_WRITE);
        storeBatchBegin(s);
        ASSERT_EQ_INT(metaDel(s, "function:a"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:c", "c1"), STORE_OK);
        ASSERT_EQ_INT(storeBatchCommit(s), STORE_ERR_WRITE);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:a=a0;function:b=b0;");
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a2"), STORE_OK);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:a=a2;function:b=b0;");
        storeClose(s);
        ASSERT(reopensWith(dir, 1 << 20, "function:a=a2;function:b=b0;"));
        removeTree(dir);
    }
    TEST_CASE("deferred writes: visible at once, undone when their flush fails") {
        char *dir = makeTempDir("meta-defer");
        store *s = openAt(dir, 1 << 20);
        storeSetDeferredWrites(s, 1);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a0"), STORE_OK);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_OK);
        fsizeLimit lim;
        ASSERT_EQ_INT(limitFileSize(&lim, fileSize(dir, 1, ".log") + 10), 0);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a1"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:a", "a2"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:b", "b1"), STORE_OK);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:a=a2;function:b=b1;");
        uint64_t v = storeMetaVersion(s);
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_ERR_WRITE);
        ASSERT(storeMetaVersion(s) != v); /* a cache knows to reload */
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:a=a0;");
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        ASSERT_EQ_INT(metaDel(s, "function:a"), STORE_OK);
        ASSERT_EQ_STR(dumpMeta(s, ""), "");
        ASSERT_EQ_INT(storeFlushWrites(s), STORE_ERR_WRITE);
        ASSERT_EQ_STR(dumpMeta(s, ""), "function:a=a0;");
        ASSERT_EQ_INT(unlimitFileSize(&lim), 0);
        storeClose(s);
        ASSERT(reopensWith(dir, 1 << 20, "function:a=a0;"));
        removeTree(dir);
    }
}

/* ---- Backups, damage ------------------------------------------------------------ */

static void testBackupRestore(void) {
    TEST_CASE("a backup holds the metadata of its moment; restoring brings it back") {
        char *dir = makeTempDir("meta-backup");
        char bdir[512];
        snprintf(bdir, sizeof(bdir), "%s/backups", dir);
        store *s = openAt(dir, 4096);
        spreadOverSegments(s);
        char want[4096];
        snprintf(want, sizeof(want), "%s", dumpMeta(s, ""));
        storeSnapshotOptions o = {bdir, dir, 0, 0};
        uint64_t id, seq;
        ASSERT_EQ_INT(storeSnapshotStart(s, &o, &id, &seq, errbuf, sizeof(errbuf)), 0);
        storeSnapshotWait(s);
        storeSnapshotResult r;
        ASSERT(storeSnapshotPoll(s, &r) && r.ok);
        ASSERT_EQ_INT(metaSet(s, "function:after", "x"), STORE_OK);
        ASSERT_EQ_INT(metaDel(s, "function:lib6"), STORE_OK);
        ASSERT(strcmp(dumpMeta(s, ""), want) != 0);
        char *path = backupPath(bdir, id, "");
        ASSERT_EQ_INT(storeRestoreStage(dir, path, statsOf(s).lastSeq + 1, errbuf, sizeof(errbuf)),
                      0);
        xfree(path);
        storeClose(s);
        s = openAt(dir, 4096);
        if (ASSERT(s != NULL)) {
            ASSERT_EQ_STR(dumpMeta(s, ""), want);
            ASSERT_EQ_INT(storeCheckAccounting(s), 0);
            storeClose(s);
        }
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", bdir);
        if (system(cmd) != 0) fprintf(stderr, "%s failed\n", cmd);
        removeTree(dir);
    }
}

/* Flips a byte of the value of the META record of name, at segment seg. */
static void damageMetaValue(const char *dir, uint64_t seg, const char *name, const char *val) {
    size_t len;
    char *buf = readFile(dir, seg, ".log", &len);
    size_t nlen = strlen(name), vlen = strlen(val);
    for (size_t i = RECORD_HEADER_SIZE; buf && i + nlen + vlen <= len; i++) {
        if (memcmp(buf + i, name, nlen) != 0 || memcmp(buf + i + nlen, val, vlen) != 0) continue;
        char *p = segmentPath(dir, seg, ".log");
        int fd = open(p, O_RDWR);
        char c = (char)(buf[i + nlen] ^ 0x5a);
        if (fd < 0 || pwrite(fd, &c, 1, (off_t)(i + nlen)) != 1) exit(1);
        close(fd);
        xfree(p);
        break;
    }
    xfree(buf);
}

static void testDamage(void) {
    TEST_CASE("a damaged META record is reported and not served; its segment is kept") {
        char *dir = makeTempDir("meta-damage");
        store *s = openAt(dir, 4096);
        ASSERT_EQ_INT(metaSet(s, "function:hurt", "the source of hurt"), STORE_OK);
        ASSERT_EQ_INT(metaSet(s, "function:well", "the source of well"), STORE_OK);
        spreadOverSegments(s); /* seals segment 1, with its hint */
        storeClose(s);
        ASSERT(fileExists(dir, 1, ".hint"));
        damageMetaValue(dir, 1, "function:hurt", "the source of hurt");

        /* From the hint: the location loads, the value fails its checksum. */
        s = openAt(dir, 4096);
        ASSERT(statsOf(s).damageReports > 0);
        ASSERT(strstr(dumpMeta(s, ""), "function:hurt") == NULL);
        ASSERT(strstr(dumpMeta(s, ""), "function:well=the source of well;") != NULL);
        ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), 0);
        storeCompactWait(s);
        ASSERT(fileExists(dir, 1, ".log"));
        ASSERT(strstr(dumpMeta(s, ""), "function:well=the source of well;") != NULL);
        storeClose(s);

        /* Scanned: the record is damage, and the name is simply absent. */
        removeHints(dir, 1);
        s = openAt(dir, 4096);
        ASSERT(statsOf(s).damageReports > 0);
        ASSERT(strstr(dumpMeta(s, ""), "function:hurt") == NULL);
        ASSERT(strstr(dumpMeta(s, ""), "function:well=the source of well;") != NULL);
        storeClose(s);
        removeTree(dir);
    }
}

int main(void) {
    testRecordRules();
    testTable();
    testWrites();
    testReopen();
    testCompaction();
    testCompactionCrashStates();
    testTornRecord();
    testBatches();
    testFailedWrites();
    testBackupRestore();
    testDamage();
    return testReport();
}
