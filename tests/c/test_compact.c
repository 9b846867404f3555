/* tests/c/test_compact.c -- unit tests for compaction (src/store/compact.c and
 * compactor.c), through store.h: a merge keeps every key, value and expiry
 * while writes go on, reclaims the garbage, survives a reopen, and every state
 * a crash can leave behind (outputs not yet published, inputs partly deleted)
 * recovers to the same data, SWAPDBs included; a damaged input is kept, never
 * copied; closing the store cancels a running merge safely. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/keydir.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL
#define FUTURE 4102444800000LL
#define DBS 4       /* the model's databases */
#define STORE_DBS 5 /* one more, out of the model's reach */
#define NKEYS 300
#define SEGSIZE 4096

static char errbuf[512];

static void quietLog(int level, const char *msg) {
    if (getenv("TEST_VERBOSE") && level >= 3) fprintf(stderr, "log: %s\n", msg);
}

static store *openAt(const char *dir) {
    storeOptions o;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.segmentSize = SEGSIZE;
    o.fsyncPolicy = STORE_FSYNC_NO;
    o.dbCount = STORE_DBS;
    o.nowMs = T0;
    o.log = quietLog;
    store *s = storeOpen(&o, errbuf, sizeof(errbuf));
    if (s == NULL) fprintf(stderr, "storeOpen(%s): %s\n", dir, errbuf);
    return s;
}

/* ---- The model: what every key must hold ---------------------------------- */

typedef struct modelKey {
    int present;
    char val[200];
    size_t vlen;
    int64_t expire;
} modelKey;

static modelKey model[DBS][NKEYS];
static unsigned rngState = 12345;

static unsigned rnd(void) {
    rngState = rngState * 1103515245u + 12345u;
    return rngState >> 8;
}

static void keyName(int i, char *buf, size_t *len) { *len = (size_t)sprintf(buf, "key:%d", i); }

/* One random write, applied to the store and to the model. */
static int randomWrite(store *s) {
    int db = (int)(rnd() % DBS), i = (int)(rnd() % NKEYS);
    char key[32];
    size_t klen;
    keyName(i, key, &klen);
    modelKey *m = &model[db][i];
    unsigned op = rnd() % 1000;
    if (op < 700) {
        m->vlen = rnd() % sizeof(m->val);
        for (size_t j = 0; j < m->vlen; j++) m->val[j] = (char)(rnd() & 0xff);
        m->expire = rnd() % 4 == 0 ? FUTURE + (int64_t)(rnd() % 1000) : 0;
        m->present = 1;
        return storePut(s, db, key, klen, m->val, m->vlen, m->expire);
    }
    if (op < 850) {
        int rc = storeDelete(s, db, key, klen);
        m->present = 0;
        return rc == STORE_MISSING ? STORE_OK : rc;
    }
    if (op < 995) {
        if (!m->present) return STORE_OK;
        m->expire = rnd() % 2 ? FUTURE + (int64_t)(rnd() % 1000) : 0;
        return storeSetExpire(s, db, key, klen, m->expire);
    }
    if (op < 998) {
        int other = (int)(rnd() % DBS);
        modelKey tmp[NKEYS];
        memcpy(tmp, model[db], sizeof(tmp));
        memcpy(model[db], model[other], sizeof(tmp));
        memcpy(model[other], tmp, sizeof(tmp));
        return storeSwapDb(s, db, other);
    }
    for (int k = 0; k < NKEYS; k++) model[db][k].present = 0;
    return storeFlush(s, db);
}

/* 1 when the store holds exactly the model (values and expiries). */
static int matchesModel(store *s) {
    int bad = 0;
    for (int db = 0; db < DBS; db++) {
        size_t count = 0;
        for (int i = 0; i < NKEYS; i++) {
            char key[32];
            size_t klen;
            keyName(i, key, &klen);
            modelKey *m = &model[db][i];
            char *got = NULL;
            size_t glen = 0;
            int rc = storeGet(s, db, key, klen, &got, &glen);
            int ok = m->present ? rc == STORE_OK && glen == m->vlen &&
                                      memcmp(got, m->val, glen) == 0
                                : rc == STORE_MISSING;
            if (ok && m->present) {
                keydirEntry *e = keydirLookup(storeKeydir(s, db), key, klen);
                ok = e && keydirEntryExpire(e) == m->expire;
                count++;
            }
            if (!ok && bad++ < 5)
                fprintf(stderr, "  db %d %s: rc %d, expected %s\n", db, key, rc,
                        m->present ? "a value" : "missing");
            xfree(got);
        }
        if (keydirSize(storeKeydir(s, db)) != count && bad++ < 5)
            fprintf(stderr, "  db %d holds %zu keys, expected %zu\n", db,
                    keydirSize(storeKeydir(s, db)), count);
    }
    return bad == 0;
}

static int writeMany(store *s, int n) {
    for (int i = 0; i < n; i++)
        if (randomWrite(s) != STORE_OK) return 0;
    return 1;
}

/* Drives a running merge to its end, doing 'writesPerStep' writes
 * between its steps.  1 when every write succeeded and the live-bytes
 * accounting (which decides what a merge may delete) stayed exact. */
static int compactWithWrites(store *s, int writesPerStep) {
    int ok = 1;
    while (storeCompacting(s)) {
        struct pollfd pfd = {storeCompactFd(s), POLLIN, 0};
        poll(&pfd, 1, 100);
        if (!writeMany(s, writesPerStep)) ok = 0;
        storeCompactStep(s);
        if (storeCheckAccounting(s) != 0) ok = 0;
    }
    return ok;
}

/* Segment ids present in dir (sorted); *n set. */
static uint64_t *listIds(const char *dir, size_t *n) {
    uint64_t *ids = NULL;
    if (segmentListIds(dir, &ids, n, errbuf, sizeof(errbuf)) < 0) *n = 0;
    return ids;
}

static int countTmp(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        if (strstr(de->d_name, ".tmp")) n++;
    if (d) closedir(d);
    return n;
}

static void copyFile(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        perror("copyFile");
        exit(1);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n) exit(1);
    fclose(in);
    fclose(out);
}

/* Copies segment 'id' (log, and hint if any) from one dir to another. */
static void copySegment(const char *from, const char *to, uint64_t id) {
    const char *exts[2] = {".log", ".hint"};
    for (int i = 0; i < 2; i++) {
        if (!fileExists(from, id, exts[i])) continue;
        char *a = segmentPath(from, id, exts[i]), *b = segmentPath(to, id, exts[i]);
        copyFile(a, b);
        xfree(a);
        xfree(b);
    }
}

static void resetModel(unsigned seed) {
    memset(model, 0, sizeof(model));
    rngState = seed;
}

/* ---- Tests ------------------------------------------------------------------ */

static void testMergeKeepsData(void) {
    TEST_CASE("a merge with writes going on keeps every key, value and expiry") {
        char *dir = makeTempDir("compact");
        resetModel(1);
        store *s = openAt(dir);
        ASSERT(writeMany(s, 6000));
        storeStats before;
        storeGetStats(s, &before);
        ASSERT(before.segments > 20);
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) == 0);
        ASSERT(storeCompacting(s));
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) < 0); /* one at a time */
        ASSERT(compactWithWrites(s, 3));
        ASSERT(matchesModel(s));
        storeStats after;
        storeGetStats(s, &after);
        ASSERT_EQ_UINT(after.compactionsDone, 1);
        ASSERT(after.totalBytes < before.totalBytes);
        ASSERT(after.compactRelocated > 0);
        storeWaitHints(s); /* the writes' hint files may still be in flight */
        ASSERT_EQ_INT(countTmp(dir), 0);
        /* A second merge right away leaves almost nothing but live data. */
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) == 0);
        storeCompactWait(s);
        storeGetStats(s, &after);
        ASSERT_EQ_UINT(after.compactionsDone, 2);
        ASSERT(after.totalBytes - after.liveBytes < after.totalBytes / 4);
        ASSERT(matchesModel(s));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeClose(s);
        s = openAt(dir);
        ASSERT(s != NULL);
        ASSERT(matchesModel(s));
        ASSERT_EQ_INT(storeCheckAccounting(s), 0);
        storeGetStats(s, &after);
        ASSERT_EQ_UINT(after.damageReports, 0);
        ASSERT_EQ_UINT(after.tornBytes, 0);
        storeClose(s);
        removeTree(dir);
    }
}

static void testCrashStates(void) {
    TEST_CASE("every state a crash can leave during a merge recovers the same data") {
        char *dir = makeTempDir("compact-crash");
        char *save = makeTempDir("compact-save");
        resetModel(2);
        store *s = openAt(dir);
        ASSERT(writeMany(s, 4000));
        size_t nin;
        uint64_t *inputs = listIds(dir, &nin);
        for (size_t i = 0; i < nin; i++) copySegment(dir, save, inputs[i]);
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) == 0);
        storeCompactWait(s);
        ASSERT(matchesModel(s));
        storeClose(s);
        size_t nafter;
        uint64_t *after = listIds(dir, &nafter);
        /* The last input was the active segment: it was sealed into the
         * merge, so the saved copy of it is the sealed one. */
        for (size_t k = 0; k <= nin; k++) {
            /* k oldest inputs deleted, the others still there; k == 0 also
             * stands for "outputs published, nothing deleted yet". */
            char *crash = makeTempDir("compact-state");
            for (size_t i = 0; i < nafter; i++) copySegment(dir, crash, after[i]);
            for (size_t i = k; i < nin; i++) copySegment(save, crash, inputs[i]);
            s = openAt(crash);
            ASSERT(s != NULL);
            if (s && !matchesModel(s)) fprintf(stderr, "  (state: %zu inputs deleted)\n", k);
            storeClose(s);
            removeTree(crash);
        }
        /* Outputs never published (crash mid-merge): only the inputs and
         * the new active segment, plus a leftover temp output. */
        char *crash = makeTempDir("compact-state");
        for (size_t i = 0; i < nin; i++) copySegment(save, crash, inputs[i]);
        copySegment(dir, crash, after[nafter - 1]);
        char *tmp = segmentPath(crash, after[0], ".log.tmp");
        char *pub = segmentPath(dir, after[0], ".log");
        copyFile(pub, tmp);
        s = openAt(crash);
        ASSERT(s != NULL);
        ASSERT(matchesModel(s));
        ASSERT_EQ_INT(countTmp(crash), 0);
        storeClose(s);
        xfree(tmp);
        xfree(pub);
        removeTree(crash);
        xfree(inputs);
        xfree(after);
        removeTree(save);
        removeTree(dir);
    }
}

/* Flips a byte inside the value of a live key's record. */
static void damageValueOf(const char *dir, store *s, int db, const char *key, size_t klen) {
    keydirEntry *e = keydirLookup(storeKeydir(s, db), key, klen);
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    char *p = segmentPath(dir, loc.segment, ".log");
    int fd = open(p, O_RDWR);
    off_t at = (off_t)loc.offset + RECORD_HEADER_SIZE + (off_t)klen;
    char c;
    if (fd < 0 || pread(fd, &c, 1, at) != 1) exit(1);
    c ^= 0x5a;
    if (pwrite(fd, &c, 1, at) != 1) exit(1);
    close(fd);
    xfree(p);
}

/* Prints where the victim of testDamagedInputKept stands and the files
 * of dir, when a check of it fails: the test fails about once in twenty
 * runs on a loaded machine, and this is the evidence to read. */
static void explainVictim(store *s, const char *dir) {
    keydirEntry *e = keydirLookup(storeKeydir(s, 4), "victim", 6);
    if (e) {
        keydirLoc loc;
        keydirEntryLoc(e, &loc);
        fprintf(stderr, "victim: segment %u offset %u length %u\n", loc.segment, loc.offset,
                loc.valueLen);
    } else {
        fprintf(stderr, "victim: not in the key directory\n");
    }
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls -l '%s' >&2", dir);
    if (system(cmd) != 0) fprintf(stderr, "ls %s failed\n", dir);
}

static void testDamagedInputKept(void) {
    TEST_CASE("a damaged live record is not copied and its segment is kept") {
        char *dir = makeTempDir("compact-damage");
        resetModel(3);
        store *s = openAt(dir);
        char big[300];
        memset(big, 'v', sizeof(big));
        ASSERT(storePut(s, 4, "victim", 6, big, sizeof(big), 0) == STORE_OK);
        ASSERT(writeMany(s, 3000));
        damageValueOf(dir, s, 4, "victim", 6);
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) == 0);
        storeCompactWait(s);
        ASSERT(matchesModel(s));
        char *v = NULL;
        size_t vl;
        if (!ASSERT_EQ_INT(storeGet(s, 4, "victim", 6, &v, &vl), STORE_ERR_READ))
            explainVictim(s, dir);
        storeClose(s);
        s = openAt(dir);
        ASSERT(matchesModel(s));
        if (!ASSERT_EQ_INT(storeGet(s, 4, "victim", 6, &v, &vl), STORE_ERR_READ))
            explainVictim(s, dir);
        storeClose(s);
        removeTree(dir);
    }
}

static void testCloseCancels(void) {
    TEST_CASE("closing the store cancels a running merge; nothing is lost") {
        char *dir = makeTempDir("compact-cancel");
        resetModel(4);
        store *s = openAt(dir);
        ASSERT(writeMany(s, 4000));
        ASSERT(storeCompactStart(s, errbuf, sizeof(errbuf)) == 0);
        /* A few steps, then close mid-way. */
        for (int i = 0; i < 3 && storeCompacting(s); i++) {
            struct pollfd pfd = {storeCompactFd(s), POLLIN, 0};
            poll(&pfd, 1, 100);
            storeCompactStep(s);
        }
        storeClose(s);
        s = openAt(dir);
        ASSERT(s != NULL);
        ASSERT(matchesModel(s));
        ASSERT_EQ_INT(countTmp(dir), 0);
        storeClose(s);
        removeTree(dir);
    }
}

static void testAutomaticStart(void) {
    TEST_CASE("a merge starts by itself past the garbage threshold, not before") {
        char *dir = makeTempDir("compact-auto");
        resetModel(5);
        store *s = openAt(dir);
        storeSetCompaction(s, 50, 0);
        char val[100];
        memset(val, 'x', sizeof(val));
        for (int i = 0; i < 200; i++) {
            char key[32];
            size_t klen;
            keyName(i, key, &klen);
            ASSERT(storePut(s, 1, key, klen, val, sizeof(val), 0) == STORE_OK);
        }
        ASSERT_EQ_INT(storeCompactMaybeStart(s), 0); /* all live */
        storeSetCompaction(s, 0, 0);
        for (int r = 0; r < 5; r++)
            for (int i = 0; i < 200; i++) {
                char key[32];
                size_t klen;
                keyName(i, key, &klen);
                ASSERT(storePut(s, 1, key, klen, val, sizeof(val), 0) == STORE_OK);
            }
        ASSERT_EQ_INT(storeCompactMaybeStart(s), 0); /* disabled */
        storeSetCompaction(s, 50, 1ULL << 40);
        ASSERT_EQ_INT(storeCompactMaybeStart(s), 0); /* below the minimum size */
        storeSetCompaction(s, 50, 0);
        ASSERT_EQ_INT(storeCompactMaybeStart(s), 1);
        storeCompactWait(s);
        ASSERT_EQ_INT(storeCompactMaybeStart(s), 0);
        ASSERT_EQ_UINT(keydirSize(storeKeydir(s, 1)), 200);
        storeClose(s);
        removeTree(dir);
    }
}

/* A power loss keeps only what was synced: an input may go only once the
 * records that made it dead are on disk, whatever the fsync policy. */
static void testInputsGoAfterTheirReplacementsAreSynced(void) {
    TEST_CASE("appendfsync no: the overwrites that emptied an input are synced before it goes") {
        char *dir = makeTempDir("compact-sync");
        store *s = openAt(dir);
        char val[100];
        memset(val, 'a', sizeof(val));
        for (int i = 0; i < 200; i++) {
            char key[32];
            size_t klen;
            keyName(i, key, &klen);
            ASSERT(storePut(s, 1, key, klen, val, sizeof(val), 0) == STORE_OK);
        }
        char err[256];
        ASSERT_EQ_INT(storeCompactStart(s, err, sizeof(err)), 0);
        /* every key overwritten while the merge runs: no input record is
         * live by the commit, and the overwrites are not synced yet */
        memset(val, 'b', sizeof(val));
        for (int i = 0; i < 200; i++) {
            char key[32];
            size_t klen;
            keyName(i, key, &klen);
            ASSERT(storePut(s, 1, key, klen, val, sizeof(val), 0) == STORE_OK);
        }
        uint64_t before = segmentFsyncCalls;
        storeCompactWait(s);
        ASSERT(!fileExists(dir, 1, ".log"));
        ASSERT(segmentFsyncCalls - before >= 1);
        storeClose(s);
        removeTree(dir);
    }
}

int main(void) {
    testMergeKeepsData();
    testCrashStates();
    testDamagedInputKept();
    testCloseCancels();
    testAutomaticStart();
    testInputsGoAfterTheirReplacementsAreSynced();
    return testReport();
}
