/* tests/c/test_pitr.c -- unit tests for src/store/pitr.c, offline
 * point-in-time restore: a data directory written through the store API, a
 * backup taken with storeSnapshotStart, more writes (a FLUSHALL among them),
 * then restores to moments before and after things happened, checked key by
 * key by opening the result with storeOpen, as a server would. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/backup.h"
#include "store/keydir.h"
#include "store/pitr.h"
#include "store/record.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define DBS 16
#define FUTURE 4102444800000LL /* 2100-01-01 */

static char errbuf[1024];

static int64_t nowMs(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Sleeps a few ms so that what follows has a later timestamp. */
static void tick(void) {
    struct timespec ts = {0, 15 * 1000000};
    nanosleep(&ts, NULL);
}

/* A moment strictly between what was written before and after the call. */
static int64_t markTime(void) {
    tick();
    int64_t t = nowMs();
    tick();
    return t;
}

static store *openStoreSeg(const char *dir, uint64_t segSize) {
    return testOpenStore(dir, segSize, DBS, nowMs());
}

static int put(store *s, int db, const char *key, const char *val) {
    return storePut(s, db, key, strlen(key), val, strlen(val), 0);
}

/* Writes prefix0..prefix<n-1> with values "v-<key>". */
static void putMany(store *s, int db, const char *prefix, int from, int to) {
    for (int i = from; i < to; i++) {
        char k[64], v[80];
        snprintf(k, sizeof(k), "%s%d", prefix, i);
        snprintf(v, sizeof(v), "v-%s", k);
        put(s, db, k, v);
    }
}

/* Takes a backup of s into backupDir; returns its path (xfree) or NULL. */
static char *backup(store *s, const char *backupDir, const char *dataDir, uint64_t *seq) {
    storeSnapshotOptions o = {backupDir, dataDir, 0, 0};
    uint64_t id, sq;
    if (storeSnapshotStart(s, &o, &id, &sq, errbuf, sizeof(errbuf)) < 0) {
        fprintf(stderr, "storeSnapshotStart: %s\n", errbuf);
        return NULL;
    }
    storeSnapshotWait(s);
    storeSnapshotResult r;
    if (!storeSnapshotPoll(s, &r) || !r.ok) {
        fprintf(stderr, "snapshot failed: %s\n", r.error);
        return NULL;
    }
    if (seq) *seq = sq;
    return backupPath(backupDir, id, "");
}

/* A fresh path for a restore target (does not exist yet). */
static char *targetPath(const char *base, const char *name) {
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", base, name);
    return xstrdup(p);
}

static int restore(const char *bk, const char *data, const char *to, int64_t at,
                   pitrReport *rep) {
    pitrOptions o = {bk, data, to, at, 0};
    errbuf[0] = 0;
    int rc = pitrRestore(&o, rep, errbuf, sizeof(errbuf));
    if (rc != PITR_OK && getenv("PITR_VERBOSE")) fprintf(stderr, "pitr: %s\n", errbuf);
    return rc;
}

/* 1 if db of s holds key with value val (NULL: key missing). */
static int holds(store *s, int db, const char *key, const char *val) {
    char *got = NULL;
    size_t glen = 0;
    int rc = storeGet(s, db, key, strlen(key), &got, &glen);
    int ok = val ? rc == STORE_OK && glen == strlen(val) && memcmp(got, val, glen) == 0
                 : rc == STORE_MISSING;
    if (!ok)
        fprintf(stderr, "  db %d key %s: rc %d, got %.*s, expected %s\n", db, key, rc,
                (int)glen, got ? got : "", val ? val : "(missing)");
    xfree(got);
    return ok;
}

/* 1 if prefix<from..to-1> all hold "v-<key>" (want) or are all missing. */
static int holdsMany(store *s, int db, const char *prefix, int from, int to, int want) {
    int ok = 1;
    for (int i = from; i < to; i++) {
        char k[64], v[80];
        snprintf(k, sizeof(k), "%s%d", prefix, i);
        snprintf(v, sizeof(v), "v-%s", k);
        ok &= holds(s, db, k, want ? v : NULL);
    }
    return ok;
}

static uint64_t keyCount(store *s) {
    uint64_t n = 0;
    for (int db = 0; db < DBS; db++) n += keydirSize(storeKeydir(s, db));
    return n;
}

static int contains(const char *hay, const char *needle) {
    if (strstr(hay, needle)) return 1;
    fprintf(stderr, "  '%s' does not contain '%s'\n", hay, needle);
    return 0;
}

/* rm -r of a tree of plain files and directories, then xfree(path). */
static void removeAll(char *path) {
    DIR *d = opendir(path);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            char sub[1024];
            snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
            struct stat st;
            if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode)) removeAll(xstrdup(sub));
            else unlink(sub);
        }
        closedir(d);
    }
    rmdir(path);
    xfree(path);
}

static uint64_t fileSizeOf(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
}

/* ---- The user story: undo a FLUSHALL ------------------------------------- */

/* A fresh base directory holding data/ (a store with segments of segSize
 * bytes and keys a0..a9 in db 0) and a backup of it in backups/.  The
 * store is left open, for the test to write the history after the
 * backup.  0 if the store could not be opened. */
typedef struct fixture {
    char *base, *data, *bdir, *bk;
    uint64_t bseq;
    store *s;
} fixture;

static int fixtureOpen(fixture *f, const char *name, uint64_t segSize) {
    f->base = makeTempDir(name);
    f->data = targetPath(f->base, "data");
    f->bdir = targetPath(f->base, "backups");
    mkdir(f->data, 0755);
    f->s = openStoreSeg(f->data, segSize);
    if (!f->s) return 0;
    putMany(f->s, 0, "a", 0, 10);
    f->bk = backup(f->s, f->bdir, f->data, &f->bseq);
    tick();
    return 1;
}

static void fixtureFree(fixture *f) {
    xfree(f->bk);
    xfree(f->data);
    xfree(f->bdir);
    removeAll(f->base);
}

static void testUndoFlushall(void) {
    char *base = makeTempDir("pitr");
    char *data = targetPath(base, "data"), *bdir = targetPath(base, "backups");
    mkdir(data, 0755);
    store *s = openStoreSeg(data, 1024);
    if (!s) return;
    putMany(s, 0, "a", 0, 50);
    putMany(s, 3, "b", 0, 10);
    uint64_t bseq = 0;
    char *bk = backup(s, bdir, data, &bseq);
    tick();
    putMany(s, 0, "c", 0, 15);
    int64_t tMid = markTime();
    putMany(s, 0, "c", 15, 30);
    storeBatchBegin(s);
    put(s, 0, "x1", "v-x1");
    put(s, 5, "x2", "v-x2");
    storeDelete(s, 0, "a0", 2);
    storeBatchCommit(s);
    put(s, 0, "a1", "new-a1");
    storeSwapDb(s, 3, 4);
    int64_t tBeforeFlush = markTime();
    storeFlush(s, -1);
    putMany(s, 0, "d", 0, 10);
    int64_t tEnd = markTime();
    storeStats st;
    storeGetStats(s, &st);

    TEST_CASE("pitr: restore to just before a FLUSHALL brings every key back") {
        char *to = targetPath(base, "r1");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tBeforeFlush, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.unitsReplayed, 30 + 1 + 1 + 1);
            ASSERT_EQ_UINT(r.lastSeq, bseq + 33);
            ASSERT_EQ_UINT(r.backupSeq, bseq);
            ASSERT(r.segmentsCopied >= 2);
            ASSERT(r.lastTimeMs <= tBeforeFlush);
            ASSERT(r.nextTimeMs > tBeforeFlush);
            ASSERT_EQ_INT(r.endOfLog, 0);
            ASSERT_EQ_UINT(r.keys, 49 + 10 + 30 + 2);
            ASSERT_EQ_UINT(r.damage, 0);
            store *t = openStoreSeg(to, 2048);
            if (ASSERT(t != NULL)) {
                ASSERT_EQ_UINT(keyCount(t), 49 + 10 + 30 + 2);
                ASSERT(holds(t, 0, "a0", NULL));
                ASSERT(holds(t, 0, "a1", "new-a1"));
                ASSERT(holdsMany(t, 0, "a", 2, 50, 1));
                ASSERT(holdsMany(t, 4, "b", 0, 10, 1)); /* swapped from 3 */
                ASSERT(holdsMany(t, 3, "b", 0, 10, 0));
                ASSERT(holdsMany(t, 0, "c", 0, 30, 1));
                ASSERT(holds(t, 0, "x1", "v-x1"));
                ASSERT(holds(t, 5, "x2", "v-x2"));
                ASSERT(holdsMany(t, 0, "d", 0, 10, 0));
                storeStats ts;
                storeGetStats(t, &ts);
                ASSERT_EQ_UINT(ts.lastSeq, bseq + 33);
                ASSERT_EQ_UINT(ts.damageReports, 0);
                storeClose(t);
            }
        }
        removeAll(to);
    }

    TEST_CASE("pitr: restore to a moment inside the history") {
        char *to = targetPath(base, "r2");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tMid, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.unitsReplayed, 15);
            ASSERT_EQ_UINT(r.keys, 50 + 10 + 15);
            store *t = openStoreSeg(to, 2048);
            if (ASSERT(t != NULL)) {
                ASSERT(holdsMany(t, 0, "a", 0, 50, 1));
                ASSERT(holdsMany(t, 3, "b", 0, 10, 1));
                ASSERT(holdsMany(t, 0, "c", 0, 15, 1));
                ASSERT(holdsMany(t, 0, "c", 15, 30, 0));
                ASSERT(holds(t, 0, "x1", NULL));
                ASSERT_EQ_UINT(keyCount(t), 75);
                storeClose(t);
            }
        }
        removeAll(to);
    }

    TEST_CASE("pitr: --at past the end of the log restores all of it") {
        char *to = targetPath(base, "r3");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, data, to, FUTURE, &r), PITR_OK)) {
            ASSERT_EQ_INT(r.endOfLog, 1);
            ASSERT_EQ_UINT(r.lastSeq, st.lastSeq);
            ASSERT(r.lastTimeMs < tEnd);
            ASSERT_EQ_INT(r.nextTimeMs, -1);
            ASSERT_EQ_UINT(r.keys, 10);
        }
        removeAll(to);
    }

    TEST_CASE("pitr: a time before the backup is refused, nothing is written") {
        char *to = targetPath(base, "r4");
        pitrReport r;
        ASSERT_EQ_INT(restore(bk, NULL, to, 1000, &r), PITR_ERR);
        ASSERT(contains(errbuf, "before the backup was taken"));
        ASSERT(access(to, F_OK) < 0);
        xfree(to);
    }

    TEST_CASE("pitr: without --at, the backup alone; the result is writable and "
              "the backup stays as it was") {
        char *to = targetPath(base, "r5");
        backupManifest m;
        ASSERT_EQ_INT(backupManifestRead(bk, &m, errbuf, sizeof(errbuf)), 0);
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, -1, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.unitsReplayed, 0);
            ASSERT_EQ_UINT(r.segmentsCopied, 0);
            ASSERT_EQ_UINT(r.lastSeq, bseq);
            ASSERT_EQ_UINT(r.keys, 60);
            ASSERT_EQ_UINT(r.activeSegment, m.lastSegment + 1);
            store *t = openStoreSeg(to, 2048);
            if (ASSERT(t != NULL)) {
                ASSERT(holdsMany(t, 0, "a", 0, 50, 1));
                ASSERT(holdsMany(t, 3, "b", 0, 10, 1));
                ASSERT_EQ_UINT(keyCount(t), 60);
                putMany(t, 0, "new", 0, 100); /* appends, rotates */
                storeClose(t);
            }
            ASSERT_EQ_INT(backupVerifyFiles(bk, &m, errbuf, sizeof(errbuf)), 0);
        }
        backupManifestFree(&m);
        removeAll(to);
    }

    TEST_CASE("pitr: writes to a restored directory never reach the files it shares") {
        char *to = targetPath(base, "r6");
        pitrReport r;
        backupManifest m;
        ASSERT_EQ_INT(backupManifestRead(bk, &m, errbuf, sizeof(errbuf)), 0);
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tMid, &r), PITR_OK)) {
            uint64_t liveSizes[64];
            size_t nlive = 0;
            uint64_t *ids;
            size_t n;
            segmentListIds(data, &ids, &n, errbuf, sizeof(errbuf));
            for (size_t i = 0; i < n && nlive < 64; i++) {
                char *p = segmentPath(data, ids[i], ".log");
                liveSizes[nlive++] = fileSizeOf(p);
                xfree(p);
            }
            store *t = openStoreSeg(to, 1 << 20);
            if (ASSERT(t != NULL)) {
                putMany(t, 0, "other", 0, 200);
                storeClose(t);
            }
            for (size_t i = 0; i < nlive; i++) {
                char *p = segmentPath(data, ids[i], ".log");
                ASSERT_EQ_UINT(fileSizeOf(p), liveSizes[i]);
                xfree(p);
            }
            xfree(ids);
            ASSERT_EQ_INT(backupVerifyFiles(bk, &m, errbuf, sizeof(errbuf)), 0);
        }
        backupManifestFree(&m);
        removeAll(to);
    }

    TEST_CASE("pitr: the target must be new or empty; an empty one is used") {
        char *to = targetPath(base, "r7");
        mkdir(to, 0755);
        char f[600];
        snprintf(f, sizeof(f), "%s/something", to);
        FILE *fp = fopen(f, "w");
        if (fp) fclose(fp);
        pitrReport r;
        ASSERT_EQ_INT(restore(bk, NULL, to, -1, &r), PITR_ERR);
        ASSERT(contains(errbuf, "not empty"));
        unlink(f);
        ASSERT_EQ_INT(restore(bk, NULL, to, tMid, &r), PITR_OK);
        removeAll(to);
    }

    TEST_CASE("pitr: a damaged backup is reported as such") {
        char *to = targetPath(base, "r8");
        char mf[600];
        snprintf(mf, sizeof(mf), "%s/MANIFEST", bk);
        FILE *fp = fopen(mf, "r+");
        if (ASSERT(fp != NULL)) {
            fseek(fp, 30, SEEK_SET);
            int c = fgetc(fp);
            fseek(fp, 30, SEEK_SET);
            fputc(c ^ 1, fp);
            fclose(fp);
        }
        pitrReport r;
        ASSERT_EQ_INT(restore(bk, NULL, to, tMid, &r), PITR_ERR_BACKUP);
        ASSERT(access(to, F_OK) < 0);
        xfree(to);
    }

    storeClose(s);
    xfree(bk);
    xfree(data);
    xfree(bdir);
    removeAll(base);
}

/* ---- Batches at the cut --------------------------------------------------- */

/* Appends raw bytes to dir/seg-<id>.log. */
static void appendRaw(const char *dir, uint64_t id, const char *buf, size_t len) {
    char *p = segmentPath(dir, id, ".log");
    FILE *f = fopen(p, "ab");
    xfree(p);
    if (f == NULL) return;
    fwrite(buf, 1, len, f);
    fclose(f);
}

static uint64_t lastSegmentId(const char *dir) {
    uint64_t *ids, last = 0;
    size_t n;
    if (segmentListIds(dir, &ids, &n, errbuf, sizeof(errbuf)) == 0 && n) last = ids[n - 1];
    xfree(ids);
    return last;
}

static void testBatches(void) {
    char *base = makeTempDir("pitr-batch");
    char *data = targetPath(base, "data"), *bdir = targetPath(base, "backups");
    mkdir(data, 0755);
    store *s = openStoreSeg(data, 1 << 20);
    if (!s) return;
    putMany(s, 0, "k", 0, 10);
    uint64_t bseq;
    char *bk = backup(s, bdir, data, &bseq);
    tick();
    put(s, 0, "p1", "v-p1");
    tick();
    storeBatchBegin(s);
    put(s, 0, "y1", "v-y1");
    int64_t tIn = markTime();
    put(s, 1, "y2", "v-y2");
    storeBatchCommit(s);
    tick();
    put(s, 0, "q1", "v-q1");
    int64_t tAfter = markTime();
    storeStats st;
    storeGetStats(s, &st);
    storeClose(s);

    TEST_CASE("pitr: a batch straddling the cut is left out whole") {
        char *to = targetPath(base, "b1");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tIn, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.unitsReplayed, 1);
            ASSERT_EQ_UINT(r.lastSeq, bseq + 1);
            ASSERT(r.nextTimeMs > tIn);
            ASSERT_EQ_UINT(r.keys, 11);
            store *t = openStoreSeg(to, 1 << 20);
            if (ASSERT(t != NULL)) {
                ASSERT(holds(t, 0, "p1", "v-p1"));
                ASSERT(holds(t, 0, "y1", NULL));
                ASSERT(holds(t, 1, "y2", NULL));
                storeClose(t);
            }
        }
        removeAll(to);
    }

    TEST_CASE("pitr: a batch before the cut is in whole") {
        char *to = targetPath(base, "b2");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tAfter, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.unitsReplayed, 3);
            ASSERT_EQ_UINT(r.lastSeq, bseq + 3);
            ASSERT_EQ_UINT(r.keys, 14);
            store *t = openStoreSeg(to, 1 << 20);
            if (ASSERT(t != NULL)) {
                ASSERT(holds(t, 0, "y1", "v-y1"));
                ASSERT(holds(t, 1, "y2", "v-y2"));
                ASSERT(holds(t, 0, "q1", "v-q1"));
                storeClose(t);
            }
        }
        removeAll(to);
    }

    TEST_CASE("pitr: an unfinished batch at the end of the live log is not included") {
        /* BEGIN(count 2) + one record, as a crash mid-write leaves it. */
        char buf[512];
        size_t len = 0;
        recordHeader h;
        char count[RECORD_BATCH_COUNT_SIZE];
        recordInitBatchBegin(&h, st.lastSeq + 1, nowMs());
        recordEncodeBatchCount(count, 2);
        len += recordEncode(buf + len, &h, NULL, count);
        memset(&h, 0, sizeof(h));
        h.type = RECORD_SET;
        h.keylen = 1;
        h.vallen = 1;
        h.seq = st.lastSeq + 1;
        h.timestamp = nowMs();
        len += recordEncode(buf + len, &h, "z", "z");
        uint64_t last = lastSegmentId(data);
        uint64_t before = fileSize(data, last, ".log");
        appendRaw(data, last, buf, len);
        char *to = targetPath(base, "b3");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, FUTURE, &r), PITR_OK)) {
            ASSERT_EQ_INT(r.endOfLog, 1);
            ASSERT_EQ_UINT(r.lastSeq, st.lastSeq);
            ASSERT_EQ_UINT(r.unitsReplayed, 3);
            ASSERT_EQ_UINT(r.activeSegment, last);
            ASSERT_EQ_UINT(r.activeSize, before);
            ASSERT_EQ_UINT(r.keys, 14);
        }
        removeAll(to);
    }

    xfree(bk);
    xfree(data);
    xfree(bdir);
    removeAll(base);
}

/* ---- Missing history ------------------------------------------------------ */

/* The sequence number and time an error message says history reaches. */
static int parseReach(const char *msg, uint64_t *seq, int64_t *ms) {
    const char *p = strstr(msg, "sequence number ");
    unsigned long long sq;
    long long t;
    if (!p || sscanf(p, "sequence number %llu, written at %lld", &sq, &t) != 2) {
        fprintf(stderr, "  no reachable point in '%s'\n", msg);
        return 0;
    }
    *seq = sq;
    *ms = t;
    return 1;
}

static void testCompaction(void) {
    char *base = makeTempDir("pitr-compact");
    char *data = targetPath(base, "data"), *bdir = targetPath(base, "backups");
    mkdir(data, 0755);
    store *s = openStoreSeg(data, 4096);
    if (!s) return;
    for (int db = 0; db < DBS; db++) putMany(s, db, "e", 0, 5);
    uint64_t bseq;
    char *bk = backup(s, bdir, data, &bseq);
    backupManifest m;
    backupManifestRead(bk, &m, errbuf, sizeof(errbuf));
    tick();
    for (int db = 0; db < DBS; db++) putMany(s, db, "f", 0, 5);
    int64_t tBefore = markTime();
    for (int db = 0; db < DBS; db++) storeFlush(s, db); /* a FLUSHDB on every db */
    putMany(s, 0, "g", 0, 20);

    TEST_CASE("pitr: before a compaction, a FLUSHDB of every db can be undone") {
        char *to = targetPath(base, "c1");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, NULL, to, tBefore, &r), PITR_OK)) {
            ASSERT_EQ_UINT(r.keys, DBS * 10);
            ASSERT_EQ_UINT(r.unitsReplayed, DBS * 5);
        }
        removeAll(to);
    }

    char cerr[256];
    int started = storeCompactStart(s, cerr, sizeof(cerr));
    storeCompactWait(s);
    putMany(s, 0, "h", 0, 5);

    TEST_CASE("pitr: after a compaction, the error names the reachable point") {
        ASSERT_EQ_INT(started, 0);
        char *to = targetPath(base, "c2");
        pitrReport r;
        uint64_t seq = 0;
        int64_t ms = 0;
        ASSERT_EQ_INT(restore(bk, NULL, to, tBefore, &r), PITR_ERR);
        ASSERT(contains(errbuf, "complete only up to"));
        ASSERT(contains(errbuf, "compacted or restored"));
        ASSERT(access(to, F_OK) < 0);
        if (ASSERT(parseReach(errbuf, &seq, &ms))) {
            ASSERT_EQ_UINT(seq, bseq);
            ASSERT_EQ_INT(ms, m.timeMs);
            /* ... and restoring to exactly that point works. */
            if (ASSERT_EQ_INT(restore(bk, NULL, to, ms, &r), PITR_OK)) {
                ASSERT_EQ_UINT(r.lastSeq, bseq);
                ASSERT_EQ_UINT(r.unitsReplayed, 0);
                ASSERT_EQ_UINT(r.keys, DBS * 5);
            }
        }
        removeAll(to);
    }

    storeClose(s);
    backupManifestFree(&m);
    xfree(bk);
    xfree(data);
    xfree(bdir);
    removeAll(base);
}

/* A compaction after exactly one write: its outputs start with a DBMAP
 * record numbered like that write (the merge's last sequence number), so
 * the numbers fit where the write should be.  The backup's newest segment
 * being gone, and the DBMAP itself, are what tell. */
static void testCompactionLooksContiguous(void) {
    fixture f;
    if (!fixtureOpen(&f, "pitr-contig", 1 << 20)) return;
    char *base = f.base, *bk = f.bk;
    uint64_t bseq = f.bseq;
    store *s = f.s;
    put(s, 0, "x", "v-x");
    char cerr[256];
    int started = storeCompactStart(s, cerr, sizeof(cerr));
    storeCompactWait(s);
    putMany(s, 0, "b", 0, 3);
    storeStats st;
    storeGetStats(s, &st);
    storeClose(s);

    TEST_CASE("pitr: compaction outputs are not taken for history even when their "
              "sequence number fits") {
        ASSERT_EQ_INT(started, 0);
        ASSERT_EQ_UINT(st.lastSeq, bseq + 4);
        char *to = targetPath(base, "k1");
        pitrReport r;
        ASSERT_EQ_INT(restore(bk, NULL, to, FUTURE, &r), PITR_ERR);
        ASSERT(contains(errbuf, "compacted or restored"));
        removeAll(to);
    }

    fixtureFree(&f);
}

static void testLostSegment(void) {
    fixture f;
    if (!fixtureOpen(&f, "pitr-lost", 1024)) return;
    char *base = f.base, *data = f.data, *bk = f.bk;
    uint64_t bseq = f.bseq;
    store *s = f.s;
    backupManifest m;
    backupManifestRead(bk, &m, errbuf, sizeof(errbuf));
    putMany(s, 0, "l", 0, 100);
    storeWaitHints(s);
    storeClose(s);
    /* Lose one segment in the middle of the history after the backup. */
    uint64_t lost = m.lastSegment + 3;
    char *p = segmentPath(data, lost, ".log");
    ASSERT_EQ_INT(unlink(p), 0);
    xfree(p);
    p = segmentPath(data, lost, ".hint");
    unlink(p);
    xfree(p);

    TEST_CASE("pitr: a lost segment stops history; restoring up to it works") {
        char *to = targetPath(base, "l1");
        pitrReport r;
        uint64_t seq = 0;
        int64_t ms = 0;
        ASSERT_EQ_INT(restore(bk, NULL, to, FUTURE, &r), PITR_ERR);
        ASSERT(contains(errbuf, "was expected"));
        if (ASSERT(parseReach(errbuf, &seq, &ms))) {
            ASSERT(seq > bseq + 2);
            ASSERT(seq < bseq + 100);
            if (ASSERT_EQ_INT(restore(bk, NULL, to, ms, &r), PITR_OK)) {
                ASSERT_EQ_UINT(r.lastSeq, seq);
                ASSERT_EQ_UINT(r.segmentsCopied, 3); /* two whole ones, the cut one */
                ASSERT_EQ_UINT(r.keys, 10 + (seq - bseq));
                store *t = openStoreSeg(to, 1024);
                if (ASSERT(t != NULL)) {
                    ASSERT(holdsMany(t, 0, "l", 0, (int)(seq - bseq), 1));
                    ASSERT(holdsMany(t, 0, "l", (int)(seq - bseq), 100, 0));
                    storeClose(t);
                }
            }
        }
        removeAll(to);
    }

    TEST_CASE("pitr: --data names another copy of the live directory") {
        char *to = targetPath(base, "l2");
        char *none = targetPath(base, "nowhere");
        pitrReport r;
        ASSERT_EQ_INT(restore(bk, none, to, FUTURE, &r), PITR_ERR);
        ASSERT(contains(errbuf, "nowhere"));
        xfree(none);
        removeAll(to);
    }

    backupManifestFree(&m);
    fixtureFree(&f);
}

/* A newest segment whose header was never written (recovery.h: the
 * server gives it its header at the next start) holds no record: it is
 * the end of the log, not a break in its history. */
static void testUnwrittenLastSegment(void) {
    fixture f;
    if (!fixtureOpen(&f, "pitr-unwritten", 1024)) return;
    char *base = f.base, *data = f.data, *bk = f.bk;
    store *s = f.s;
    putMany(s, 0, "u", 0, 40);
    storeStats st;
    storeGetStats(s, &st);
    storeWaitHints(s);
    storeClose(s);
    appendRaw(data, lastSegmentId(data) + 1, "", 0);

    TEST_CASE("pitr: an empty newest segment is the end of the log") {
        char *to = targetPath(base, "u1");
        pitrReport r;
        if (ASSERT_EQ_INT(restore(bk, data, to, FUTURE, &r), PITR_OK)) {
            ASSERT_EQ_INT(r.endOfLog, 1);
            ASSERT_EQ_UINT(r.lastSeq, st.lastSeq);
            ASSERT_EQ_UINT(r.keys, 50);
        }
        removeAll(to);
    }
    fixtureFree(&f);
}

int main(void) {
    testUndoFlushall();
    testBatches();
    testCompaction();
    testCompactionLooksContiguous();
    testLostSegment();
    testUnwrittenLastSegment();
    return testReport();
}
