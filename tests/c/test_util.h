/* tests/c/test_util.h -- helpers shared by the store's unit tests: temporary
 * data directories and file sizes.  Header-only; include after test.h. */
#ifndef REDIS_KV_TEST_UTIL_H
#define REDIS_KV_TEST_UTIL_H

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/segment.h"
#include "store/store.h"

/* A new empty directory under /tmp named after `what`; xfree'd by
 * removeTree. */
static inline char *makeTempDir(const char *what) {
    char tmpl[128];
    snprintf(tmpl, sizeof(tmpl), "/tmp/rkv-test-%s-XXXXXX", what);
    char *d = mkdtemp(tmpl);
    if (d == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    return xstrdup(d);
}

/* Removes every file in dir (flat) and dir itself, and frees dir. */
static inline void removeTree(char *dir) {
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
    }
    rmdir(dir);
    xfree(dir);
}

static inline int fileExists(const char *dir, uint64_t id, const char *ext) {
    char *p = segmentPath(dir, id, ext);
    struct stat st;
    int ok = stat(p, &st) == 0;
    xfree(p);
    return ok;
}

/* Size of a segment's file, or UINT64_MAX when it does not exist. */
static inline uint64_t fileSize(const char *dir, uint64_t id, const char *ext) {
    char *p = segmentPath(dir, id, ext);
    struct stat st;
    uint64_t size = stat(p, &st) == 0 ? (uint64_t)st.st_size : UINT64_MAX;
    xfree(p);
    return size;
}

/* Reads a segment's whole file into a new buffer (xfree it); NULL when
 * the file does not exist. */
static inline char *readFile(const char *dir, uint64_t id, const char *ext, size_t *len) {
    char *p = segmentPath(dir, id, ext);
    FILE *f = fopen(p, "rb");
    xfree(p);
    *len = 0;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = xmalloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    *len = got;
    return buf;
}

/* Writes len bytes of buf as dir's file of segment id with extension ext
 * (".log", ".hint"), replacing it; exits on failure. */
static inline void writeSegmentFile(const char *dir, uint64_t id, const char *ext,
                                    const char *buf, size_t len) {
    char *p = segmentPath(dir, id, ext);
    FILE *f = fopen(p, "wb");
    xfree(p);
    if (f == NULL || (len && fwrite(buf, 1, len, f) != len)) {
        perror("write segment file");
        exit(1);
    }
    fclose(f);
}

/* 1 when the texts a and b are equal; prints both otherwise.  Frees
 * both (xfree).  The digest comparison of the store tests. */
static inline int testSameText(char *a, char *b) {
    int same = strcmp(a, b) == 0;
    if (!same) fprintf(stderr, "--- expected\n%s--- got\n%s---\n", a, b);
    xfree(a);
    xfree(b);
    return same;
}

/* Removes every segment's hint file in dir, so the next open scans. */
static inline void testDropHints(const char *dir) {
    uint64_t *ids;
    size_t n;
    char err[256];
    if (segmentListIds(dir, &ids, &n, err, sizeof(err)) != 0) return;
    for (size_t i = 0; i < n; i++) {
        char *p = segmentPath(dir, ids[i], ".hint");
        unlink(p);
        xfree(p);
    }
    xfree(ids);
}

static inline void testQuietLog(int level, const char *msg) {
    (void)level;
    (void)msg;
}

/* Opens the store in dir with the given fsync policy and log; prints why
 * and returns NULL when it cannot. */
static inline store *testOpenStoreWith(const char *dir, uint64_t segSize, int fsyncPolicy,
                                       int dbCount, int64_t nowMs,
                                       void (*log)(int level, const char *msg)) {
    storeOptions o;
    memset(&o, 0, sizeof(o));
    o.dir = dir;
    o.segmentSize = segSize;
    o.fsyncPolicy = fsyncPolicy;
    o.dbCount = dbCount;
    o.nowMs = nowMs;
    o.log = log;
    char err[512];
    store *s = storeOpen(&o, err, sizeof(err));
    if (s == NULL) fprintf(stderr, "storeOpen(%s): %s\n", dir, err);
    return s;
}

/* Opens the store in dir (fsync off, a quiet log). */
static inline store *testOpenStore(const char *dir, uint64_t segSize, int dbCount,
                                   int64_t nowMs) {
    return testOpenStoreWith(dir, segSize, STORE_FSYNC_NO, dbCount, nowMs, testQuietLog);
}

/* RLIMIT_FSIZE: makes the next appends past 'bytes' fail with EFBIG (a
 * full disk, as far as the store can tell), and undoes it. */
typedef struct fsizeLimit {
    struct rlimit old;
    void (*oldHandler)(int);
} fsizeLimit;

static inline int limitFileSize(fsizeLimit *l, uint64_t bytes) {
    getrlimit(RLIMIT_FSIZE, &l->old);
    l->oldHandler = signal(SIGXFSZ, SIG_IGN);
    struct rlimit lim = l->old;
    lim.rlim_cur = (rlim_t)bytes;
    return setrlimit(RLIMIT_FSIZE, &lim);
}

static inline int unlimitFileSize(fsizeLimit *l) {
    int rc = setrlimit(RLIMIT_FSIZE, &l->old);
    signal(SIGXFSZ, l->oldHandler);
    return rc;
}

#endif
