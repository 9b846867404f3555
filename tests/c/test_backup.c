/* tests/c/test_backup.c -- unit tests for backups: the MANIFEST codec and the
 * backup directory (store/backup.c), snapshots of a live store taken while
 * writes go on (store/snapshot.c), and restores, including a crash after every
 * step of finishing one (store/restore.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/backup.h"
#include "store/restore.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

#define T0 1700000000000LL
#define DBS 4

static char errbuf[512];

static store *openAt(const char *dir, uint64_t segSize) {
    return testOpenStore(dir, segSize, DBS, T0);
}

static void removeAll(char *dir) {
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "%s failed\n", cmd);
    xfree(dir);
}

static void putInt(store *s, int db, int k, int v) {
    char key[32], val[32];
    int kl = snprintf(key, sizeof(key), "key:%d", k);
    int vl = snprintf(val, sizeof(val), "val:%d", v);
    storePut(s, db, key, (size_t)kl, val, (size_t)vl, 0);
}

/* The value of key:k in db as an int, -1 when missing. */
static int getInt(store *s, int db, int k) {
    char key[32];
    int kl = snprintf(key, sizeof(key), "key:%d", k);
    char *v;
    size_t vl;
    if (storeGet(s, db, key, (size_t)kl, &v, &vl) != STORE_OK) return -1;
    int out = atoi(v + 4);
    xfree(v);
    return out;
}

static uint64_t totalKeys(store *s) {
    uint64_t n = 0;
    for (int db = 0; db < DBS; db++) n += keydirSize(storeKeydir(s, db));
    return n;
}

static char *backupsOf(const char *dir) {
    char *p = xmalloc(strlen(dir) + 16);
    sprintf(p, "%s/backups", dir);
    return p;
}

/* Takes a snapshot and waits for it; returns its id (0 on failure). */
static uint64_t snapshotNow(store *s, const char *backupDir, int keep) {
    storeSnapshotOptions o = {backupDir, "/nowhere", keep, 0};
    uint64_t id, seq;
    if (storeSnapshotStart(s, &o, &id, &seq, errbuf, sizeof(errbuf)) < 0) return 0;
    storeSnapshotWait(s);
    storeSnapshotResult r;
    if (!storeSnapshotPoll(s, &r) || !r.ok) return 0;
    return r.id;
}

/* ---- MANIFEST ------------------------------------------------------------- */

static void testManifestCodec(void) {
    backupManifest m = {0};
    m.id = 7;
    m.timeMs = T0;
    m.seq = 1234;
    m.keys = 99;
    m.lastSegment = 12;
    m.dataDir = xstrdup("/data dir/with space");
    backupManifestAddFile(&m, "seg-00000001.log", 4096);
    backupManifestAddFile(&m, "seg-00000001.hint", 100);
    size_t len;
    char *text = backupManifestEncode(&m, &len);
    TEST_CASE("a manifest reads back as written") {
        backupManifest r;
        ASSERT_EQ_INT(backupManifestParse(text, len, &r, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(r.id, 7);
        ASSERT_EQ_UINT(r.seq, 1234);
        ASSERT_EQ_UINT(r.keys, 99);
        ASSERT_EQ_UINT(r.bytes, 4196);
        ASSERT_EQ_UINT(r.lastSegment, 12);
        ASSERT(r.timeMs == T0);
        ASSERT_EQ_STR(r.dataDir, "/data dir/with space");
        ASSERT_EQ_UINT(r.nfiles, 2);
        if (r.nfiles == 2) {
            ASSERT_EQ_STR(r.files[1].name, "seg-00000001.hint");
            ASSERT_EQ_UINT(r.files[1].size, 100);
        }
        backupManifestFree(&r);
    }
    TEST_CASE("any flipped byte makes the manifest damaged") {
        int accepted = 0;
        for (size_t i = 0; i < len; i++) {
            text[i] ^= 0x01;
            backupManifest r;
            if (backupManifestParse(text, len, &r, errbuf, sizeof(errbuf)) == 0) {
                accepted++;
                backupManifestFree(&r);
            }
            text[i] ^= 0x01;
        }
        ASSERT_EQ_INT(accepted, 0);
    }
    TEST_CASE("a cut manifest is damaged") {
        backupManifest r;
        ASSERT_EQ_INT(backupManifestParse(text, len - 12, &r, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(backupManifestParse("", 0, &r, errbuf, sizeof(errbuf)), -1);
    }
    TEST_CASE("a file name with a slash is refused even with a good checksum") {
        backupManifest bad = {0};
        bad.id = 1;
        bad.dataDir = xstrdup("/d");
        backupManifestAddFile(&bad, "../seg-00000001.log", 1);
        size_t blen;
        char *btext = backupManifestEncode(&bad, &blen);
        backupManifest r;
        ASSERT_EQ_INT(backupManifestParse(btext, blen, &r, errbuf, sizeof(errbuf)), -1);
        xfree(btext);
        backupManifestFree(&bad);
    }
    TEST_CASE("a NUL in a file name or the data dir is refused (found by fuzz_manifest)") {
        /* Before the fix the name was cut at the NUL: "file \0x 10" named
         * the file "", and the manifest's own encoding did not parse. */
        const char *base = "redis-kv-backup 1\nid 1\ntime_ms 0\nseq 0\nkeys 0\nbytes 10\n"
                           "last_segment 1\n";
        const char *tails[2][2] = {{"data_dir /d\nfile ", "x 10\n"},
                                   {"data_dir /d", "x\nfile seg-00000001.log 10\n"}};
        for (int i = 0; i < 2; i++) {
            char buf[256];
            size_t n = (size_t)snprintf(buf, sizeof(buf), "%s%s", base, tails[i][0]);
            buf[n++] = '\0';
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", tails[i][1]);
            n += (size_t)snprintf(buf + n, sizeof(buf) - n, "crc32c %08x\n",
                                  (unsigned)crc32c(buf, n));
            backupManifest r;
            ASSERT_EQ_INT(backupManifestParse(buf, n, &r, errbuf, sizeof(errbuf)), -1);
        }
    }
    TEST_CASE("a time_ms beyond INT64_MAX is refused (found by fuzz_manifest)") {
        /* Before the fix it became a negative timeMs, which the encoder
         * wrote with a '-' that the parser then refused. */
        const char *body = "redis-kv-backup 1\nid 1\ntime_ms 9223372036854775808\nseq 0\n"
                           "keys 0\nbytes 0\nlast_segment 1\ndata_dir /d\n";
        char buf[256];
        size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", body);
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "crc32c %08x\n",
                              (unsigned)crc32c(buf, n));
        backupManifest r;
        ASSERT_EQ_INT(backupManifestParse(buf, n, &r, errbuf, sizeof(errbuf)), -1);
        /* INT64_MAX itself is a time the encoder can write back. */
        n = (size_t)snprintf(buf, sizeof(buf), "%s", body);
        char *p = strstr(buf, "9223372036854775808");
        p[18] = '7';
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "crc32c %08x\n",
                              (unsigned)crc32c(buf, n));
        if (ASSERT_EQ_INT(backupManifestParse(buf, n, &r, errbuf, sizeof(errbuf)), 0)) {
            ASSERT(r.timeMs == INT64_MAX);
            backupManifestFree(&r);
        }
    }
    xfree(text);
    backupManifestFree(&m);
}

/* ---- Snapshots ------------------------------------------------------------ */

static void testSnapshotIsPointInTime(void) {
    char *dir = makeTempDir("backup");
    char *bdir = backupsOf(dir);
    store *s = openAt(dir, 4096);
    if (!ASSERT(s != NULL)) return;
    for (int i = 0; i < 500; i++) putInt(s, i % DBS, i, i);
    /* 20 ms per file linked: the snapshot is surely still running when the
     * test below asks for a second one and a compaction (without the delay,
     * a slow build -- ASan -- could see it end in between) */
    storeSnapshotOptions o = {bdir, dir, 0, 20000};
    uint64_t id, seq;
    TEST_CASE("a snapshot starts and names its sequence number") {
        ASSERT_EQ_INT(storeSnapshotStart(s, &o, &id, &seq, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(id, 1);
        ASSERT_EQ_UINT(seq, 500);
    }
    /* Writes go on while the thread links: none of them is in the backup. */
    for (int i = 0; i < 500; i++) putInt(s, i % DBS, i, i + 100000);
    for (int i = 500; i < 600; i++) putInt(s, 0, i, i);
    storeFlush(s, 1);
    TEST_CASE("one snapshot at a time; no compaction meanwhile") {
        uint64_t id2, seq2;
        if (storeSnapshotRunning(s)) {
            ASSERT_EQ_INT(storeSnapshotStart(s, &o, &id2, &seq2, errbuf, sizeof(errbuf)), -1);
            ASSERT_EQ_INT(storeCompactStart(s, errbuf, sizeof(errbuf)), -1);
        }
        storeSnapshotWait(s);
        storeSnapshotResult r;
        ASSERT_EQ_INT(storeSnapshotPoll(s, &r), 1);
        ASSERT(r.ok);
        ASSERT_EQ_UINT(r.id, 1);
        ASSERT_EQ_INT(storeSnapshotPoll(s, &r), 0);
    }
    TEST_CASE("the backup is listed with its manifest") {
        backupManifest *list;
        size_t n, damaged;
        ASSERT_EQ_INT(backupList(bdir, &list, &n, &damaged, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(n, 1);
        ASSERT_EQ_UINT(damaged, 0);
        if (n == 1) {
            ASSERT_EQ_UINT(list[0].seq, 500);
            ASSERT_EQ_UINT(list[0].keys, 500);
            ASSERT_EQ_STR(list[0].dataDir, dir);
            char *path = backupPath(bdir, 1, "");
            ASSERT_EQ_INT(backupVerifyFiles(path, &list[0], errbuf, sizeof(errbuf)), 0);
            xfree(path);
            backupManifestFree(&list[0]);
        }
        xfree(list);
    }
    storeStats st;
    storeGetStats(s, &st);
    TEST_CASE("restoring it gives exactly the data set of its sequence number") {
        char *path = backupPath(bdir, 1, "");
        ASSERT_EQ_INT(storeRestoreStage(dir, path, st.lastSeq + 1, errbuf, sizeof(errbuf)), 0);
        xfree(path);
        storeClose(s);
        s = openAt(dir, 4096);
        if (ASSERT(s != NULL)) {
            ASSERT_EQ_UINT(totalKeys(s), 500);
            int wrong = 0;
            for (int i = 0; i < 500; i++) wrong += getInt(s, i % DBS, i) != i;
            ASSERT_EQ_INT(wrong, 0);
            ASSERT_EQ_INT(getInt(s, 0, 550), -1);
            storeStats after;
            storeGetStats(s, &after);
            ASSERT_EQ_UINT(after.lastSeq, st.lastSeq + 1);
            /* the backup itself is untouched and can be restored again */
            path = backupPath(bdir, 1, "");
            backupManifest m;
            ASSERT_EQ_INT(backupManifestRead(path, &m, errbuf, sizeof(errbuf)), 0);
            ASSERT_EQ_INT(backupVerifyFiles(path, &m, errbuf, sizeof(errbuf)), 0);
            backupManifestFree(&m);
            xfree(path);
        }
    }
    TEST_CASE("sequence numbers keep rising after a restore and a reopen") {
        putInt(s, 0, 1, 7);
        storeStats a;
        storeGetStats(s, &a);
        ASSERT_EQ_UINT(a.lastSeq, st.lastSeq + 2);
        storeClose(s);
        s = openAt(dir, 4096);
        if (ASSERT(s != NULL)) {
            storeGetStats(s, &a);
            ASSERT_EQ_UINT(a.lastSeq, st.lastSeq + 2);
            ASSERT_EQ_INT(getInt(s, 0, 1), 7);
        }
    }
    storeClose(s);
    xfree(bdir);
    removeAll(dir);
}

static void testKeepAndDelete(void) {
    char *dir = makeTempDir("backup");
    char *bdir = backupsOf(dir);
    store *s = openAt(dir, 1 << 20);
    if (!ASSERT(s != NULL)) return;
    TEST_CASE("backup-keep leaves the newest N") {
        for (int i = 0; i < 4; i++) {
            putInt(s, 0, i, i);
            ASSERT_EQ_UINT(snapshotNow(s, bdir, 2), (uint64_t)i + 1);
        }
        backupManifest *list;
        size_t n;
        ASSERT_EQ_INT(backupList(bdir, &list, &n, NULL, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(n, 2);
        if (n == 2) {
            ASSERT_EQ_UINT(list[0].id, 3);
            ASSERT_EQ_UINT(list[1].id, 4);
        }
        for (size_t i = 0; i < n; i++) backupManifestFree(&list[i]);
        xfree(list);
    }
    TEST_CASE("a snapshot with nothing new still makes a complete backup") {
        ASSERT_EQ_UINT(snapshotNow(s, bdir, 0), 5);
    }
    TEST_CASE("delete removes one; unknown ids are ENOENT") {
        ASSERT_EQ_INT(backupDelete(bdir, 3, errbuf, sizeof(errbuf)), 0);
        errno = 0;
        ASSERT_EQ_INT(backupDelete(bdir, 3, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, ENOENT);
        char *p = backupPath(bdir, 3, "");
        ASSERT(access(p, F_OK) < 0);
        xfree(p);
    }
    TEST_CASE("damaged and half-written backups are not listed; temp dirs are removed") {
        char *p = backupPath(bdir, 4, "");
        char man[600];
        snprintf(man, sizeof(man), "%s/MANIFEST", p);
        FILE *f = fopen(man, "r+");
        if (ASSERT(f != NULL)) {
            fseek(f, 20, SEEK_SET);
            fputc('#', f);
            fclose(f);
        }
        char *tmp = backupPath(bdir, 9, ".tmp");
        ASSERT_EQ_INT(mkdir(tmp, 0755), 0);
        backupManifest *list;
        size_t n, damaged;
        ASSERT_EQ_INT(backupList(bdir, &list, &n, &damaged, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(n, 1); /* only 5 */
        ASSERT_EQ_UINT(damaged, 1);
        for (size_t i = 0; i < n; i++) backupManifestFree(&list[i]);
        xfree(list);
        ASSERT_EQ_UINT(backupNextId(bdir), 10);
        ASSERT_EQ_INT(backupRemoveTemp(bdir, errbuf, sizeof(errbuf)), 1);
        ASSERT(access(tmp, F_OK) < 0);
        xfree(tmp);
        xfree(p);
    }
    TEST_CASE("staging a backup with a missing file fails and changes nothing") {
        char *p = backupPath(bdir, 5, "");
        char seg[600];
        snprintf(seg, sizeof(seg), "%s/seg-00000001.log", p);
        ASSERT_EQ_INT(unlink(seg), 0);
        ASSERT_EQ_INT(storeRestoreStage(dir, p, 100, errbuf, sizeof(errbuf)), -1);
        ASSERT(strstr(errbuf, "seg-00000001.log") != NULL);
        char marker[600];
        snprintf(marker, sizeof(marker), "%s/RESTORE", dir);
        ASSERT(access(marker, F_OK) < 0);
        xfree(p);
    }
    storeClose(s);
    xfree(bdir);
    removeAll(dir);
}

/* A crash after each step of finishing a restore: the next open finishes
 * it, and the result is always the backup's data set. */
static void testRestoreCrashSteps(void) {
    for (int step = 1; step <= 3; step++) {
        char *dir = makeTempDir("restore");
        char *bdir = backupsOf(dir);
        store *s = openAt(dir, 2048);
        if (!ASSERT(s != NULL)) return;
        for (int i = 0; i < 200; i++) putInt(s, 0, i, i);
        uint64_t id = snapshotNow(s, bdir, 0);
        for (int i = 0; i < 200; i++) putInt(s, 0, i, -i);
        for (int i = 200; i < 300; i++) putInt(s, 1, i, i);
        storeStats st;
        storeGetStats(s, &st);
        char *path = backupPath(bdir, id, "");
        TEST_CASE("a restore interrupted after a step finishes at the next open") {
            ASSERT_EQ_UINT(id, 1);
            ASSERT_EQ_INT(storeRestoreStage(dir, path, st.lastSeq + 1, errbuf, sizeof(errbuf)),
                          0);
            storeClose(s);
            restoreDebugStopAfterStep = step;
            s = openAt(dir, 2048);
            ASSERT(s == NULL);
            restoreDebugStopAfterStep = 0;
            if (s) storeClose(s);
            s = openAt(dir, 2048);
            if (ASSERT(s != NULL)) {
                int wrong = 0;
                for (int i = 0; i < 200; i++) wrong += getInt(s, 0, i) != i;
                ASSERT_EQ_INT(wrong, 0);
                ASSERT_EQ_UINT(totalKeys(s), 200);
                storeStats a;
                storeGetStats(s, &a);
                ASSERT_EQ_UINT(a.lastSeq, st.lastSeq + 1);
            }
        }
        xfree(path);
        if (s) storeClose(s);
        xfree(bdir);
        removeAll(dir);
    }
}

int main(void) {
    testManifestCodec();
    testSnapshotIsPointInTime();
    testKeepAndDelete();
    testRestoreCrashSteps();
    return testReport();
}
