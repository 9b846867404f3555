/* tests/c/test_segment.c -- unit tests for src/store/segment.c, recovery.c and
 * hint.c: segment files, appends under write failures, recovery of torn tails,
 * damage and batches, and hint files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"
#include "test.h"
#include "test_util.h"

/* ---- Helpers -------------------------------------------------------------- */

static char errbuf[512];



/* Replaces a file's content with buf[0..len). */
static void writeFile(const char *dir, uint64_t id, const char *ext,
                      const char *buf, size_t len) {
    char *p = segmentPath(dir, id, ext);
    FILE *f = fopen(p, "wb");
    xfree(p);
    if (f == NULL) {
        perror("fopen");
        exit(1);
    }
    if (len && fwrite(buf, 1, len, f) != len) {
        perror("fwrite");
        exit(1);
    }
    fclose(f);
}

static void flipByte(const char *dir, uint64_t id, const char *ext,
                     uint64_t off, unsigned char mask) {
    size_t len;
    char *buf = readFile(dir, id, ext, &len);
    buf[off] ^= (char)mask;
    writeFile(dir, id, ext, buf, len);
    xfree(buf);
}

typedef struct item {
    uint64_t segId;
    uint64_t offset;
    recordHeader h;
    char *key;
    int fromHint;
} item;

typedef struct collector {
    item *v;
    size_t n, cap;
    size_t stopAt;      /* stop (return 1) at this item, 0 = never */
} collector;

static int collect(void *ctx, const recoveryItem *it) {
    collector *c = ctx;
    if (c->stopAt && c->n + 1 == c->stopAt) return 1;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
    }
    item *x = &c->v[c->n++];
    x->segId = it->segId;
    x->offset = it->offset;
    x->h = it->hdr;
    x->key = xmalloc(it->hdr.keylen + 1);
    memcpy(x->key, it->key, it->hdr.keylen);
    x->key[it->hdr.keylen] = '\0';
    x->fromHint = it->fromHint;
    return 0;
}

static void collectorFree(collector *c) {
    for (size_t i = 0; i < c->n; i++) xfree(c->v[i].key);
    xfree(c->v);
    memset(c, 0, sizeof(*c));
}

/* Opens segment id for recovery (writable when active) and scans it. */
static int scanSegment(const char *dir, uint64_t id, int active, int dryRun,
                       size_t bufferSize, collector *c, recoveryResult *res) {
    segment *s = segmentOpen(dir, id,
                             SEGMENT_OPEN_ANYHEADER |
                                 (active ? SEGMENT_OPEN_WRITE : 0),
                             errbuf, sizeof(errbuf));
    if (s == NULL) {
        fprintf(stderr, "open: %s\n", errbuf);
        return -1;
    }
    recoveryOptions o;
    memset(&o, 0, sizeof(o));
    o.active = active;
    o.dryRun = dryRun;
    o.bufferSize = bufferSize;
    int rc = recoveryScan(s, &o, collect, c, res, errbuf, sizeof(errbuf));
    segmentClose(s);
    return rc;
}

static uint64_t seqCounter = 1;
static const int64_t TS = 1700000000000LL;

/* Appends a SET record; returns its offset (UINT64_MAX on error). */
static uint64_t appendSet(segment *s, uint16_t db, const char *key,
                          const void *val, uint32_t vallen, int64_t expire) {
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = RECORD_SET;
    h.db = db;
    h.keylen = (uint32_t)strlen(key);
    h.vallen = vallen;
    h.expireAt = expire;
    h.seq = seqCounter++;
    h.timestamp = TS + (int64_t)h.seq;
    uint64_t off;
    if (segmentAppendRecord(s, &h, key, val, &off, errbuf, sizeof(errbuf)) != 0) {
        return UINT64_MAX;
    }
    return off;
}

static uint64_t appendTyped(segment *s, int type, uint16_t db,
                            const char *key, int64_t expire) {
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = (uint8_t)type;
    h.db = db;
    h.keylen = (uint32_t)strlen(key);
    h.expireAt = expire;
    h.seq = seqCounter++;
    h.timestamp = TS + (int64_t)h.seq;
    uint64_t off;
    if (segmentAppendRecord(s, &h, key, NULL, &off, errbuf, sizeof(errbuf)) != 0) {
        return UINT64_MAX;
    }
    return off;
}

/* Appends BATCH_BEGIN(seq, count); returns its offset. */
static uint64_t appendBegin(segment *s, uint64_t seq, uint32_t count) {
    recordHeader h;
    recordInitBatchBegin(&h, seq, TS);
    char c[RECORD_BATCH_COUNT_SIZE];
    recordEncodeBatchCount(c, count);
    uint64_t off;
    if (segmentAppendRecord(s, &h, NULL, c, &off, errbuf, sizeof(errbuf)) != 0) {
        return UINT64_MAX;
    }
    return off;
}

static uint64_t appendCommit(segment *s, uint64_t seq) {
    recordHeader h;
    recordInitBatchCommit(&h, seq, TS);
    uint64_t off;
    if (segmentAppendRecord(s, &h, NULL, NULL, &off, errbuf, sizeof(errbuf)) != 0) {
        return UINT64_MAX;
    }
    return off;
}

static void fillValue(char *buf, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i++) buf[i] = (char)((i * 31 + seed) ^ (i >> 9));
}

/* ---- Segment files ---------------------------------------------------------- */

static void testSegmentFiles(void) {
    TEST_CASE("create, list ids numerically, ignore non-canonical names") {
        char *dir = makeTempDir("segment");
        uint64_t ids[] = {10, 2, 100000000, 1};
        for (size_t i = 0; i < 4; i++) {
            segment *s = segmentCreate(dir, ids[i], errbuf, sizeof(errbuf));
            if (!ASSERT(s != NULL)) break;
            ASSERT_EQ_UINT(segmentSize(s), SEGMENT_HEADER_SIZE);
            segmentClose(s);
        }
        ASSERT(fileExists(dir, 100000000, ".log")); /* 9 digits */
        writeFile(dir, 3, ".log.tmp", "x", 1);
        char path[PATH_MAX];
        const char *junk[] = {"seg-1.log", "seg-000000005.log", "seg-00000007.hint",
                              "seg-0000000x.log", "other.log", "seg-00000008.logx"};
        for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
            snprintf(path, sizeof(path), "%s/%s", dir, junk[i]);
            FILE *f = fopen(path, "w");
            fclose(f);
        }
        uint64_t *list;
        size_t n;
        ASSERT_EQ_INT(segmentListIds(dir, &list, &n, errbuf, sizeof(errbuf)), 0);
        if (ASSERT_EQ_UINT(n, 4)) {
            ASSERT_EQ_UINT(list[0], 1);
            ASSERT_EQ_UINT(list[1], 2);
            ASSERT_EQ_UINT(list[2], 10);
            ASSERT_EQ_UINT(list[3], 100000000);
        }
        xfree(list);
        ASSERT_EQ_INT(segmentRemoveTempFiles(dir, errbuf, sizeof(errbuf)), 1);
        ASSERT(!fileExists(dir, 3, ".log.tmp"));
        removeTree(dir);
    }

    TEST_CASE("listing an empty or missing directory") {
        char *dir = makeTempDir("segment");
        uint64_t *list = (uint64_t *)1;
        size_t n = 99;
        ASSERT_EQ_INT(segmentListIds(dir, &list, &n, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(n, 0);
        ASSERT(list == NULL);
        char missing[PATH_MAX];
        snprintf(missing, sizeof(missing), "%s/nope", dir);
        errbuf[0] = '\0';
        ASSERT_EQ_INT(segmentListIds(missing, &list, &n, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, ENOENT);
        ASSERT(strstr(errbuf, "nope") != NULL);
        removeTree(dir);
    }

    TEST_CASE("create never replaces an existing segment") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        ASSERT(s != NULL);
        ASSERT(appendSet(s, 0, "k", "v", 1, 0) == SEGMENT_HEADER_SIZE);
        segmentClose(s);
        ASSERT(segmentCreate(dir, 1, errbuf, sizeof(errbuf)) == NULL);
        ASSERT_EQ_INT(errno, EEXIST);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"),
                       SEGMENT_HEADER_SIZE + recordEncodedSize(1, 1));
        ASSERT(!fileExists(dir, 1, ".log.tmp"));
        removeTree(dir);
    }

    TEST_CASE("file header: layout, validation, open modes") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 7, errbuf, sizeof(errbuf));
        segmentClose(s);
        size_t len;
        char *buf = readFile(dir, 7, ".log", &len);
        ASSERT_EQ_UINT(len, SEGMENT_HEADER_SIZE);
        ASSERT(memcmp(buf, "RKVSEG1\n", 8) == 0);
        ASSERT_EQ_UINT(recordGetU32(buf + 8), 1);
        ASSERT_EQ_UINT(recordGetU32(buf + 12), 32);
        ASSERT_EQ_UINT(recordGetU64(buf + 16), 7);
        xfree(buf);

        s = segmentOpen(dir, 7, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        ASSERT(s != NULL && s->headerOk && s->sealed && !s->writable);
        uint64_t off;
        struct iovec iov = {"x", 1};
        ASSERT_EQ_INT(segmentAppendv(s, &iov, 1, &off, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EBADF);
        segmentClose(s);

        /* A segment renamed to another id no longer matches its header. */
        char *from = segmentPath(dir, 7, ".log"), *to = segmentPath(dir, 8, ".log");
        ASSERT_EQ_INT(rename(from, to), 0);
        xfree(from);
        xfree(to);
        ASSERT(segmentOpen(dir, 8, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf)) == NULL);
        ASSERT_EQ_INT(errno, EBADMSG);
        ASSERT(strstr(errbuf, "segment id") != NULL);

        flipByte(dir, 8, ".log", 0, 0x01);
        ASSERT(segmentOpen(dir, 8, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf)) == NULL);
        ASSERT_EQ_INT(errno, EBADMSG);
        s = segmentOpen(dir, 8, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER, errbuf,
                        sizeof(errbuf));
        ASSERT(s != NULL && !s->headerOk);
        if (s) ASSERT_EQ_STR(s->headerError, "bad magic");
        segmentClose(s);

        writeFile(dir, 9, ".log", "RKVSEG1\n", 8);
        ASSERT(segmentOpen(dir, 9, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf)) == NULL);
        ASSERT_EQ_INT(errno, EBADMSG);
        ASSERT(segmentOpen(dir, 10, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf)) == NULL);
        ASSERT_EQ_INT(errno, ENOENT);
        removeTree(dir);
    }

    TEST_CASE("append, read back, seal, remove") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        uint64_t o1 = appendSet(s, 0, "alpha", "one", 3, 0);
        uint64_t o2 = appendSet(s, 1, "beta", "two\0two", 7, 12345);
        ASSERT_EQ_UINT(o1, SEGMENT_HEADER_SIZE);
        ASSERT_EQ_UINT(o2, o1 + recordEncodedSize(5, 3));
        ASSERT_EQ_UINT(segmentSize(s), o2 + recordEncodedSize(4, 7));
        ASSERT_EQ_INT(segmentSync(s, errbuf, sizeof(errbuf)), 0);

        char buf[64];
        ASSERT_EQ_INT(segmentRead(s, o2, (size_t)recordEncodedSize(4, 7), buf,
                                  errbuf, sizeof(errbuf)), 0);
        recordHeader h;
        ASSERT_EQ_INT(recordDecodeHeader(buf, sizeof(buf), 0, &h, NULL), RECORD_OK);
        ASSERT(recordVerify(&h, buf));
        ASSERT_EQ_MEM(buf + RECORD_HEADER_SIZE, 4, "beta", 4);
        ASSERT_EQ_MEM(buf + RECORD_HEADER_SIZE + 4, 7, "two\0two", 7);
        ASSERT_EQ_INT(segmentRead(s, segmentSize(s) - 2, 3, buf, errbuf,
                                  sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EINVAL);

        /* An invalid header is refused before anything is written. */
        memset(&h, 0, sizeof(h));
        h.type = RECORD_DEL;
        h.keylen = 1;
        h.vallen = 1;
        uint64_t before = segmentSize(s), off;
        ASSERT_EQ_INT(segmentAppendRecord(s, &h, "k", "v", &off, errbuf,
                                          sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EINVAL);
        ASSERT_EQ_UINT(segmentSize(s), before);

        ASSERT_EQ_INT(segmentSeal(s, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_INT(segmentSeal(s, errbuf, sizeof(errbuf)), 0);
        ASSERT(appendSet(s, 0, "late", "x", 1, 0) == UINT64_MAX);
        ASSERT_EQ_INT(errno, EBADF);
        ASSERT_EQ_INT(segmentRead(s, o1, 4, buf, errbuf, sizeof(errbuf)), 0);
        segmentClose(s);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), before);

        writeFile(dir, 1, ".hint", "h", 1);
        ASSERT_EQ_INT(segmentRemove(dir, 1, errbuf, sizeof(errbuf)), 0);
        ASSERT(!fileExists(dir, 1, ".log"));
        ASSERT(!fileExists(dir, 1, ".hint"));
        ASSERT_EQ_INT(segmentRemove(dir, 1, errbuf, sizeof(errbuf)), 0);
        removeTree(dir);
    }

    TEST_CASE("appendv with more pieces than IOV_MAX and empty pieces") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        int n = IOV_MAX * 2 + 17;
        struct iovec *iov = xmalloc(sizeof(*iov) * (size_t)n);
        char *bytes = xmalloc((size_t)n);
        size_t total = 0;
        for (int i = 0; i < n; i++) {
            bytes[i] = (char)('a' + i % 26);
            iov[i].iov_base = bytes + i;
            iov[i].iov_len = (i % 5 == 0) ? 0 : 1;
            total += iov[i].iov_len;
        }
        uint64_t off;
        ASSERT_EQ_INT(segmentAppendv(s, iov, n, &off, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(off, SEGMENT_HEADER_SIZE);
        ASSERT_EQ_UINT(segmentSize(s), SEGMENT_HEADER_SIZE + total);
        char *back = xmalloc(total);
        ASSERT_EQ_INT(segmentRead(s, off, total, back, errbuf, sizeof(errbuf)), 0);
        size_t j = 0;
        int bad = 0;
        for (int i = 0; i < n; i++) {
            if (iov[i].iov_len && back[j++] != bytes[i]) bad++;
        }
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_INT(segmentAppendv(s, iov, 0, &off, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(off, SEGMENT_HEADER_SIZE + total);
        xfree(back);
        xfree(bytes);
        xfree(iov);
        segmentClose(s);
        removeTree(dir);
    }
}

/* ---- Write failures ---------------------------------------------------------- */

static void testAppendFailure(void) {
    TEST_CASE("append past RLIMIT_FSIZE: EFBIG, file cut back, records intact") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        char val[1000];
        fillValue(val, sizeof(val), 1);
        uint64_t offs[64];
        int good = 0;
        for (; good < 3; good++) offs[good] = appendSet(s, 0, "k", val, 1000, 0);

        struct rlimit old, lim;
        getrlimit(RLIMIT_FSIZE, &old);
        void (*oldHandler)(int) = signal(SIGXFSZ, SIG_IGN);
        lim = old;
        lim.rlim_cur = 5000; /* room for one more record and a partial one */
        ASSERT_EQ_INT(setrlimit(RLIMIT_FSIZE, &lim), 0);

        int failedErrno = 0;
        uint64_t sizeBefore = 0;
        for (int i = 0; i < 10; i++) {
            sizeBefore = segmentSize(s);
            uint64_t off = appendSet(s, 0, "k", val, 1000, 0);
            if (off == UINT64_MAX) {
                failedErrno = errno;
                break;
            }
            offs[good++] = off;
        }
        ASSERT_EQ_INT(failedErrno, EFBIG);
        ASSERT(strstr(errbuf, "append to") != NULL);
        ASSERT_EQ_INT(good, 4);
        ASSERT_EQ_UINT(segmentSize(s), sizeBefore);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), sizeBefore);
        ASSERT(!s->truncPending);

        /* A large writev that only partly fits is cut back as a whole. */
        char *big = xmalloc(100000);
        fillValue(big, 100000, 2);
        ASSERT(appendSet(s, 0, "big", big, 100000, 0) == UINT64_MAX);
        ASSERT_EQ_INT(errno, EFBIG);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), sizeBefore);

        ASSERT_EQ_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
        signal(SIGXFSZ, oldHandler);

        /* Once there is room again, appending goes on at the same place. */
        uint64_t off = appendSet(s, 0, "big", big, 100000, 0);
        ASSERT_EQ_UINT(off, sizeBefore);
        offs[good++] = off;
        segmentClose(s);
        xfree(big);

        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, 5);
        for (size_t i = 0; i < c.n && i < 5; i++) ASSERT_EQ_UINT(c.v[i].offset, offs[i]);
        ASSERT_EQ_UINT(res.damageCount, 0);
        ASSERT_EQ_UINT(res.tornBytes, 0);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }
}

/* ---- Recovery ------------------------------------------------------------- */

typedef struct layout {
    uint64_t off[64];
    uint64_t end[64];
    int n;
} layout;

/* Writes a varied segment 1: returns the records' offsets. */
static void buildMixed(const char *dir, layout *L) {
    segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
    char val[3000];
    fillValue(val, sizeof(val), 3);
    L->n = 0;
#define ADD(expr)                                 \
    do {                                          \
        L->off[L->n] = (expr);                    \
        L->end[L->n] = segmentSize(s);            \
        L->n++;                                   \
    } while (0)
    ADD(appendSet(s, 0, "a", "1", 1, 0));
    ADD(appendSet(s, 0, "", "empty key", 9, 0));
    ADD(appendSet(s, 2, "b", "", 0, 1893456000000LL));
    ADD(appendSet(s, 0, "big", val, sizeof(val), 0));
    ADD(appendTyped(s, RECORD_DEL, 0, "a", 0));
    ADD(appendTyped(s, RECORD_EXPIRE, 2, "b", 0));
    ADD(appendTyped(s, RECORD_FLUSHDB, 3, "", 0));
    ADD(appendTyped(s, RECORD_FLUSHALL, 0, "", 0));
    ADD(appendSet(s, 5, "bin\0key", "v\0v", 3, 0));
    ADD(appendSet(s, 0, "last", val, 200, 0));
#undef ADD
    segmentClose(s);
}

static void testRecoveryBasics(void) {
    TEST_CASE("a clean segment: every record delivered with its location") {
        char *dir = makeTempDir("segment");
        layout L;
        seqCounter = 100;
        buildMixed(dir, &L);
        size_t sizes[] = {0, 4096, 1 << 20};
        for (size_t b = 0; b < 3; b++) {
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, sizes[b], &c, &res), 0);
            if (ASSERT_EQ_UINT(c.n, (size_t)L.n)) {
                for (int i = 0; i < L.n; i++) {
                    ASSERT_EQ_UINT(c.v[i].offset, L.off[i]);
                    ASSERT_EQ_UINT(c.v[i].h.seq, 100 + (uint64_t)i);
                    ASSERT_EQ_UINT(c.v[i].segId, 1);
                    ASSERT(!c.v[i].fromHint);
                }
                ASSERT_EQ_INT(c.v[3].h.vallen, 3000);
                ASSERT_EQ_STR(c.v[3].key, "big");
                ASSERT_EQ_INT(c.v[2].h.expireAt, 1893456000000LL);
                ASSERT_EQ_INT(c.v[2].h.db, 2);
                ASSERT_EQ_INT(c.v[4].h.type, RECORD_DEL);
                ASSERT_EQ_INT(c.v[7].h.type, RECORD_FLUSHALL);
                ASSERT_EQ_MEM(c.v[8].key, c.v[8].h.keylen, "bin", 3);
            }
            ASSERT_EQ_UINT(res.recordsApplied, (uint64_t)L.n);
            ASSERT_EQ_UINT(res.maxSeq, 100 + (uint64_t)L.n - 1);
            ASSERT_EQ_UINT(res.damageCount, 0);
            ASSERT_EQ_UINT(res.tornBytes, 0);
            ASSERT_EQ_INT(res.tornCut, 0);
            ASSERT_EQ_UINT(res.segmentsScanned, 1);
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), L.end[L.n - 1]);
        removeTree(dir);
    }

    TEST_CASE("value offsets point at the values") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        recoveryScan(s, NULL, collect, &c, &res, errbuf, sizeof(errbuf));
        char buf[16];
        recoveryItem it = {.offset = c.v[8].offset, .hdr = c.v[8].h};
        ASSERT_EQ_INT(segmentRead(s, recoveryItemValueOffset(&it), 3, buf, errbuf,
                                  sizeof(errbuf)), 0);
        ASSERT_EQ_MEM(buf, 3, "v\0v", 3);
        segmentClose(s);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }

    TEST_CASE("the callback can stop a scan; nothing is truncated") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        flipByte(dir, 1, ".log", L.end[L.n - 1] - 1, 0xFF); /* torn tail */
        collector c = {0};
        c.stopAt = 3;
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), -1);
        ASSERT_EQ_INT(errno, ECANCELED);
        ASSERT_EQ_UINT(c.n, 2);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), L.end[L.n - 1]);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }

    TEST_CASE("an empty segment, and one with a damaged file header") {
        char *dir = makeTempDir("segment");
        segmentClose(segmentCreate(dir, 1, errbuf, sizeof(errbuf)));
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, 0);
        ASSERT_EQ_UINT(res.damageCount, 0);
        recoveryResultFree(&res);

        layout L;
        segmentRemove(dir, 1, errbuf, sizeof(errbuf));
        buildMixed(dir, &L);
        flipByte(dir, 1, ".log", 3, 0x20);
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 0, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, (size_t)L.n); /* records are self-checking */
        if (ASSERT_EQ_UINT(res.damageCount, 1)) {
            ASSERT_EQ_UINT(res.damage[0].offset, 0);
            ASSERT(strstr(res.damage[0].reason, "segment header") != NULL);
            ASSERT(strstr(res.damage[0].path, "seg-00000001.log") != NULL);
        }
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }
}

/* Truncates the master image to every length inside its last record and
 * checks that recovery cuts exactly that record. */
static void checkTornAtEveryOffset(const char *dir, const char *master,
                                   uint64_t lastStart, uint64_t lastEnd,
                                   size_t expectRecords, size_t bufferSize,
                                   uint64_t step) {
    int bad = 0;
    for (uint64_t t = lastStart; t < lastEnd; t += step) {
        writeFile(dir, 1, ".log", master, (size_t)t);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        int rc = scanSegment(dir, 1, 1, 0, bufferSize, &c, &res);
        if (rc != 0 || c.n != expectRecords || res.damageCount != 0 ||
            res.tornBytes != t - lastStart ||
            (t > lastStart && (res.tornOffset != lastStart || !res.tornCut)) ||
            fileSize(dir, 1, ".log") != lastStart) {
            if (bad++ < 5) {
                fprintf(stderr, "torn at %" PRIu64 ": rc %d records %zu torn %"
                        PRIu64 " damage %zu size %" PRIu64 "\n", t, rc, c.n,
                        res.tornBytes, res.damageCount, fileSize(dir, 1, ".log"));
            }
        }
        collectorFree(&c);
        recoveryResultFree(&res);
        if (step > 1 && t + step >= lastEnd && t != lastEnd - 1) {
            t = lastEnd - 1 - step; /* always try the last byte too */
        }
    }
    ASSERT_EQ_INT(bad, 0);
}

static void testTornTail(void) {
    TEST_CASE("last record cut at every byte offset: earlier records kept, "
              "file ends at the last good record") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        checkTornAtEveryOffset(dir, master, L.off[L.n - 1], L.end[L.n - 1],
                               (size_t)L.n - 1, 0, 1);
        /* Also cut inside the 3000-byte record, with a buffer smaller than
         * it (streamed checksum), every byte. */
        checkTornAtEveryOffset(dir, master, L.off[3], L.end[3], 3, 4096, 1);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("torn tail of a value larger than the buffer") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        size_t vlen = 3 * 1024 * 1024;
        char *val = xmalloc(vlen);
        fillValue(val, vlen, 4);
        appendSet(s, 0, "small", "x", 1, 0);
        uint64_t start = appendSet(s, 0, "huge", val, (uint32_t)vlen, 0);
        uint64_t end = segmentSize(s);
        segmentClose(s);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        checkTornAtEveryOffset(dir, master, start, end, 1, 64 * 1024, 99991);

        writeFile(dir, 1, ".log", master, len);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 64 * 1024, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, 2);
        if (c.n == 2) ASSERT_EQ_STR(c.v[1].key, "huge");
        collectorFree(&c);
        recoveryResultFree(&res);
        xfree(master);
        xfree(val);
        removeTree(dir);
    }

    TEST_CASE("bad checksum or bad header in the final record, zero fill: cut") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        uint64_t last = L.off[L.n - 1];
        uint64_t spots[] = {last, last + 9, last + 30, last + 50, len - 1};
        int bad = 0;
        for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++) {
            writeFile(dir, 1, ".log", master, len);
            flipByte(dir, 1, ".log", spots[i], 0x04);
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            scanSegment(dir, 1, 1, 0, 0, &c, &res);
            if (c.n != (size_t)L.n - 1 || res.tornBytes != len - last ||
                res.damageCount || fileSize(dir, 1, ".log") != last) {
                bad++;
            }
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        ASSERT_EQ_INT(bad, 0);

        /* Zeroed pages after the last record (crash after the file grew). */
        char *padded = xcalloc(1, len + 8192);
        memcpy(padded, master, len);
        writeFile(dir, 1, ".log", padded, len + 8192);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, (size_t)L.n);
        ASSERT_EQ_UINT(res.tornBytes, 8192);
        ASSERT_EQ_UINT(res.tornOffset, len);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), len);
        collectorFree(&c);
        recoveryResultFree(&res);
        xfree(padded);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("dry run reports the torn tail but leaves the file; sealed "
              "segments are never cut") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        writeFile(dir, 1, ".log", master, len - 10);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 1, 0, &c, &res), 0);
        ASSERT_EQ_UINT(res.tornBytes, L.end[L.n - 1] - 10 - L.off[L.n - 1]);
        ASSERT_EQ_INT(res.tornCut, 0);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), len - 10);
        collectorFree(&c);
        recoveryResultFree(&res);

        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 0, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, (size_t)L.n - 1);
        ASSERT_EQ_UINT(res.tornBytes, 0);
        if (ASSERT_EQ_UINT(res.damageCount, 1)) {
            ASSERT_EQ_UINT(res.damage[0].offset, L.off[L.n - 1]);
            ASSERT_EQ_UINT(res.damage[0].length, len - 10 - L.off[L.n - 1]);
        }
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), len - 10);
        collectorFree(&c);
        recoveryResultFree(&res);

        /* An active segment opened read-only cannot be cut. */
        segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        recoveryOptions o = {.active = 1};
        recoveryResultInit(&res);
        ASSERT_EQ_INT(recoveryScan(s, &o, NULL, NULL, &res, errbuf, sizeof(errbuf)),
                      -1);
        ASSERT_EQ_INT(errno, EBADF);
        segmentClose(s);
        recoveryResultFree(&res);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("appending after a torn tail was cut") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        writeFile(dir, 1, ".log", master, len - 1);
        segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER,
                                 errbuf, sizeof(errbuf));
        recoveryOptions o = {.active = 1};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(recoveryScan(s, &o, NULL, NULL, &res, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_UINT(segmentSize(s), L.off[L.n - 1]);
        ASSERT_EQ_UINT(appendSet(s, 0, "after", "cut", 3, 0), L.off[L.n - 1]);
        segmentClose(s);
        recoveryResultFree(&res);
        collector c = {0};
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, (size_t)L.n);
        if (c.n == (size_t)L.n) ASSERT_EQ_STR(c.v[L.n - 1].key, "after");
        ASSERT_EQ_UINT(res.tornBytes, 0);
        collectorFree(&c);
        recoveryResultFree(&res);
        xfree(master);
        removeTree(dir);
    }
}

static void testDamage(void) {
    TEST_CASE("bad value checksum in the middle: reported, skipped exactly, "
              "later records recovered, nothing cut") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        uint64_t size = fileSize(dir, 1, ".log");
        flipByte(dir, 1, ".log", L.off[3] + 1000, 0x80);
        for (int active = 0; active < 2; active++) {
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            ASSERT_EQ_INT(scanSegment(dir, 1, active, 0, 4096, &c, &res), 0);
            if (ASSERT_EQ_UINT(c.n, (size_t)L.n - 1)) {
                ASSERT_EQ_UINT(c.v[2].offset, L.off[2]);
                ASSERT_EQ_UINT(c.v[3].offset, L.off[4]);
            }
            if (ASSERT_EQ_UINT(res.damageCount, 1)) {
                ASSERT_EQ_UINT(res.damage[0].offset, L.off[3]);
                ASSERT_EQ_UINT(res.damage[0].length, L.end[3] - L.off[3]);
                ASSERT_EQ_STR(res.damage[0].reason, "record checksum mismatch");
                ASSERT_EQ_UINT(res.damage[0].segId, 1);
            }
            ASSERT_EQ_UINT(res.tornBytes, 0);
            ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), size);
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        removeTree(dir);
    }

    TEST_CASE("damaged header in the middle: resynchronised at the next record") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        int bad = 0;
        /* Every byte of record 4's header and key, and of record 1. */
        int targets[] = {1, 4};
        for (int k = 0; k < 2; k++) {
            int r = targets[k];
            for (uint64_t at = L.off[r]; at < L.off[r] + RECORD_HEADER_SIZE + 1; at++) {
                writeFile(dir, 1, ".log", master, len);
                flipByte(dir, 1, ".log", at, 0x41);
                collector c = {0};
                recoveryResult res;
                recoveryResultInit(&res);
                scanSegment(dir, 1, 1, 0, 0, &c, &res);
                int ok = c.n == (size_t)L.n - 1 && res.damageCount == 1 &&
                         res.damage[0].offset == L.off[r] &&
                         res.damage[0].length == L.end[r] - L.off[r] &&
                         res.tornBytes == 0 && fileSize(dir, 1, ".log") == len;
                for (size_t i = 0; ok && i < c.n; i++) {
                    if (c.v[i].offset == L.off[r]) ok = 0;
                }
                if (!ok) bad++;
                collectorFree(&c);
                recoveryResultFree(&res);
            }
        }
        ASSERT_EQ_INT(bad, 0);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("garbage between records, several damaged regions") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        /* master[0..off[2]) + 1000 garbage + master[off[2]..off[6]) +
         * 77 zero bytes + master[off[6]..]. */
        size_t g1 = 1000, g2 = 77;
        char *img = xmalloc(len + g1 + g2);
        size_t p = 0;
        memcpy(img, master, L.off[2]);
        p = L.off[2];
        unsigned x = 12345;
        for (size_t i = 0; i < g1; i++) {
            x = x * 1103515245u + 12345u;
            img[p++] = (char)(x >> 16);
        }
        memcpy(img + p, master + L.off[2], L.off[6] - L.off[2]);
        p += L.off[6] - L.off[2];
        memset(img + p, 0, g2);
        p += g2;
        memcpy(img + p, master + L.off[6], len - L.off[6]);
        p += len - L.off[6];
        writeFile(dir, 1, ".log", img, p);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(c.n, (size_t)L.n);
        if (ASSERT_EQ_UINT(res.damageCount, 2)) {
            ASSERT_EQ_UINT(res.damage[0].offset, L.off[2]);
            ASSERT_EQ_UINT(res.damage[0].length, g1);
            ASSERT_EQ_UINT(res.damage[1].offset, L.off[6] + g1);
            ASSERT_EQ_UINT(res.damage[1].length, g2);
            ASSERT_EQ_STR(res.damage[1].reason, "invalid record type");
        }
        ASSERT_EQ_UINT(res.damageTotal, 2);
        ASSERT_EQ_UINT(res.tornBytes, 0);
        collectorFree(&c);
        recoveryResultFree(&res);
        xfree(img);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("results accumulate over segments; damage is logged") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        flipByte(dir, 1, ".log", L.off[5] + 2, 0x01);
        recoveryResult res;
        recoveryResultInit(&res);
        collector c = {0};
        ASSERT_EQ_INT(scanSegment(dir, 1, 0, 0, 0, &c, &res), 0);
        ASSERT_EQ_INT(scanSegment(dir, 1, 0, 0, 0, &c, &res), 0);
        ASSERT_EQ_UINT(res.segmentsScanned, 2);
        ASSERT_EQ_UINT(res.recordsApplied, 2 * ((uint64_t)L.n - 1));
        ASSERT_EQ_UINT(res.damageCount, 2);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }
}

/* ---- Batches ---------------------------------------------------------------- */

typedef struct batchLayout {
    uint64_t beginB, endB;  /* the second batch: [beginB, endB) */
    uint64_t commitA;       /* offset of the first batch's COMMIT */
    uint64_t r2;            /* offset of the first batch's 2nd record */
    uint64_t end;
} batchLayout;

/* Writes: SET x; BEGIN(10,3) SET a1, DEL a2, EXPIRE a3, COMMIT(10);
 * SET y; BEGIN(20,2) SET b1, SET b2, COMMIT(20). */
static void buildBatches(const char *dir, batchLayout *B) {
    segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
    seqCounter = 1;
    appendSet(s, 0, "x", "1", 1, 0);
    appendBegin(s, 10, 3);
    seqCounter = 11;
    appendSet(s, 0, "a1", "v", 1, 0);
    B->r2 = appendTyped(s, RECORD_DEL, 0, "a2", 0);
    appendTyped(s, RECORD_EXPIRE, 0, "a3", 99);
    B->commitA = appendCommit(s, 10);
    appendSet(s, 0, "y", "2", 1, 0);
    B->beginB = appendBegin(s, 20, 2);
    seqCounter = 21;
    appendSet(s, 1, "b1", "v1", 2, 0);
    appendSet(s, 1, "b2", "v2", 2, 0);
    appendCommit(s, 20);
    B->endB = B->end = segmentSize(s);
    segmentClose(s);
}

static int keysAre(const collector *c, const char **keys, size_t n) {
    if (c->n != n) return 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c->v[i].key, keys[i]) != 0) return 0;
    }
    return 1;
}

static void testBatches(void) {
    TEST_CASE("committed batches are applied in order") {
        char *dir = makeTempDir("segment");
        batchLayout B;
        buildBatches(dir, &B);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        const char *all[] = {"x", "a1", "a2", "a3", "y", "b1", "b2"};
        ASSERT(keysAre(&c, all, 7));
        ASSERT_EQ_UINT(res.batchesApplied, 2);
        ASSERT_EQ_UINT(res.batchesDropped, 0);
        ASSERT_EQ_UINT(res.recordsApplied, 7);
        ASSERT_EQ_UINT(res.maxSeq, 22);
        if (c.n == 7) {
            ASSERT_EQ_INT(c.v[2].h.type, RECORD_DEL);
            ASSERT_EQ_UINT(c.v[2].offset, B.r2);
            ASSERT_EQ_INT(c.v[3].h.expireAt, 99);
            ASSERT_EQ_INT(c.v[6].h.db, 1);
        }
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }

    TEST_CASE("a batch cut anywhere before its COMMIT is dropped entirely "
              "(every byte offset)") {
        char *dir = makeTempDir("segment");
        batchLayout B;
        buildBatches(dir, &B);
        size_t len;
        char *master = readFile(dir, 1, ".log", &len);
        const char *before[] = {"x", "a1", "a2", "a3", "y"};
        int bad = 0;
        for (uint64_t t = B.beginB; t < B.endB; t++) {
            writeFile(dir, 1, ".log", master, (size_t)t);
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            int rc = scanSegment(dir, 1, 1, 0, 0, &c, &res);
            int ok = rc == 0 && keysAre(&c, before, 5) && res.damageCount == 0 &&
                     res.batchesApplied == 1 &&
                     /* a torn BEGIN record never opened a batch */
                     res.batchesDropped ==
                         (t >= B.beginB + recordEncodedSize(0, 4) ? 1u : 0u) &&
                     res.tornBytes == t - B.beginB &&
                     fileSize(dir, 1, ".log") == B.beginB;
            if (!ok) {
                if (bad++ < 5) {
                    fprintf(stderr, "cut at %" PRIu64 ": rc %d n %zu dropped %"
                            PRIu64 " torn %" PRIu64 " damage %zu\n", t, rc, c.n,
                            res.batchesDropped, res.tornBytes, res.damageCount);
                }
            }
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        ASSERT_EQ_INT(bad, 0);

        /* In a sealed segment the same is damage, and the file is kept. */
        writeFile(dir, 1, ".log", master, (size_t)B.endB - 1);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 0, 0, 0, &c, &res), 0);
        ASSERT(keysAre(&c, before, 5));
        ASSERT_EQ_UINT(res.batchesDropped, 1);
        if (ASSERT_EQ_UINT(res.damageCount, 2)) {
            ASSERT_EQ_UINT(res.damage[0].offset, B.beginB);
            ASSERT(strstr(res.damage[0].reason, "before the batch commit") != NULL);
        }
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), B.endB - 1);
        collectorFree(&c);
        recoveryResultFree(&res);
        xfree(master);
        removeTree(dir);
    }

    TEST_CASE("damage inside a batch drops the batch; later records applied") {
        char *dir = makeTempDir("segment");
        batchLayout B;
        buildBatches(dir, &B);
        flipByte(dir, 1, ".log", B.r2 + RECORD_HEADER_SIZE, 0x01); /* key */
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        const char *keys[] = {"x", "y", "b1", "b2"};
        ASSERT(keysAre(&c, keys, 4));
        ASSERT_EQ_UINT(res.batchesDropped, 1);
        ASSERT_EQ_UINT(res.batchesApplied, 1);
        ASSERT_EQ_UINT(res.damageCount, 2); /* the record, then the batch */
        ASSERT_EQ_UINT(res.tornBytes, 0);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }

    TEST_CASE("wrong count, mismatched commit, orphan commit, nested begin") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        appendBegin(s, 1, 2);               /* count says 2, has 1 */
        appendSet(s, 0, "c1", "v", 1, 0);
        appendCommit(s, 1);
        appendBegin(s, 5, 1);               /* commit seq differs */
        appendSet(s, 0, "c2", "v", 1, 0);
        appendCommit(s, 6);
        appendCommit(s, 7);                 /* no batch open */
        appendBegin(s, 8, 1);               /* never committed ... */
        appendSet(s, 0, "c3", "v", 1, 0);
        appendBegin(s, 9, 1);               /* ... another begins */
        appendSet(s, 0, "ok", "v", 1, 0);
        appendCommit(s, 9);
        appendSet(s, 0, "plain", "v", 1, 0);
        uint64_t size = segmentSize(s);
        segmentClose(s);
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(scanSegment(dir, 1, 1, 0, 0, &c, &res), 0);
        const char *keys[] = {"ok", "plain"};
        ASSERT(keysAre(&c, keys, 2));
        ASSERT_EQ_UINT(res.batchesDropped, 3);
        ASSERT_EQ_UINT(res.batchesApplied, 1);
        ASSERT_EQ_UINT(res.damageCount, 4);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), size);
        collectorFree(&c);
        recoveryResultFree(&res);
        removeTree(dir);
    }
}

/* ---- Hint files ---------------------------------------------------------- */

/* A bigger sealed segment with batches, every type, empty and binary keys,
 * and values larger than the read buffer. */
static void buildForHints(const char *dir, uint64_t id) {
    segment *s = segmentCreate(dir, id, errbuf, sizeof(errbuf));
    char *val = xmalloc(200000);
    fillValue(val, 200000, 9);
    seqCounter = 1000;
    for (int i = 0; i < 300; i++) {
        char key[32];
        snprintf(key, sizeof(key), "key:%d", i % 97);
        switch (i % 11) {
        case 0: appendTyped(s, RECORD_DEL, (uint16_t)(i % 4), key, 0); break;
        case 1: appendTyped(s, RECORD_EXPIRE, (uint16_t)(i % 4), key, TS + i); break;
        case 2:
            appendBegin(s, seqCounter++, 2);
            appendSet(s, 0, key, val, 10, 0);
            appendSet(s, 0, "", val, 0, 0);
            appendCommit(s, seqCounter - 3);
            break;
        case 3: appendSet(s, 1, key, val, 150000, TS * 2); break;
        case 4: appendTyped(s, RECORD_FLUSHDB, 2, "", 0); break;
        case 5: appendSet(s, 3, "bin\0ary", val, 5, 0); break;
        default: appendSet(s, (uint16_t)(i % 16), key, val, (uint32_t)(i * 7), 0);
        }
    }
    appendTyped(s, RECORD_FLUSHALL, 0, "", 0);
    segmentSeal(s, errbuf, sizeof(errbuf));
    segmentClose(s);
    xfree(val);
}

static int sameItems(const collector *a, const collector *b) {
    if (a->n != b->n) return 0;
    for (size_t i = 0; i < a->n; i++) {
        const item *x = &a->v[i], *y = &b->v[i];
        if (x->segId != y->segId || x->offset != y->offset ||
            x->h.type != y->h.type || x->h.flags != y->h.flags ||
            x->h.db != y->h.db || x->h.keylen != y->h.keylen ||
            x->h.vallen != y->h.vallen || x->h.expireAt != y->h.expireAt ||
            x->h.seq != y->h.seq ||
            memcmp(x->key, y->key, x->h.keylen) != 0) {
            return 0;
        }
    }
    return 1;
}

static void testHints(void) {
    TEST_CASE("hint file load is equivalent to a full scan") {
        char *dir = makeTempDir("segment");
        buildForHints(dir, 3);
        collector scan = {0}, hint = {0};
        recoveryResult rs, rh;
        recoveryResultInit(&rs);
        recoveryResultInit(&rh);
        ASSERT_EQ_INT(scanSegment(dir, 3, 0, 0, 64 * 1024, &scan, &rs), 0);
        ASSERT(scan.n > 300);

        segment *s = segmentOpen(dir, 3, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &hint, &rh, errbuf, sizeof(errbuf)),
                      HINT_MISSING);
        ASSERT_EQ_INT(hintWriteForSegment(s, NULL, errbuf, sizeof(errbuf)), 0);
        ASSERT(fileExists(dir, 3, ".hint"));
        ASSERT(!fileExists(dir, 3, ".hint.tmp"));
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &hint, &rh, errbuf, sizeof(errbuf)),
                      HINT_OK);
        ASSERT(sameItems(&scan, &hint));
        ASSERT(hint.n > 0 && hint.v[0].fromHint && hint.v[0].h.timestamp == 0);
        ASSERT_EQ_UINT(rh.recordsApplied, rs.recordsApplied);
        ASSERT_EQ_UINT(rh.maxSeq, rs.maxSeq);
        ASSERT_EQ_INT(rh.maxTimestamp, rs.maxTimestamp);
        ASSERT_EQ_UINT(rh.segmentsFromHints, 1);
        ASSERT_EQ_UINT(rh.segmentsScanned, 0);

        /* The hint is much smaller than the segment. */
        ASSERT(fileSize(dir, 3, ".hint") * 10 < fileSize(dir, 3, ".log"));

        /* hintLoadOrScan takes the hint. */
        collector both = {0};
        recoveryResult rb;
        recoveryResultInit(&rb);
        ASSERT_EQ_INT(hintLoadOrScan(s, NULL, collect, &both, &rb, errbuf,
                                     sizeof(errbuf)), 0);
        ASSERT(sameItems(&scan, &both));
        ASSERT_EQ_UINT(rb.segmentsFromHints, 1);
        collectorFree(&both);
        recoveryResultFree(&rb);

        /* The active segment is always scanned, even with a hint. */
        recoveryOptions o = {.active = 1, .dryRun = 1};
        recoveryResultInit(&rb);
        ASSERT_EQ_INT(hintLoadOrScan(s, &o, collect, &both, &rb, errbuf,
                                     sizeof(errbuf)), 0);
        ASSERT(sameItems(&scan, &both));
        ASSERT_EQ_UINT(rb.segmentsScanned, 1);
        ASSERT_EQ_UINT(rb.segmentsFromHints, 0);
        collectorFree(&both);
        recoveryResultFree(&rb);

        /* A callback stop while loading a hint: HINT_FAILED, no fallback. */
        collector stop = {0};
        stop.stopAt = 5;
        recoveryResultInit(&rb);
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &stop, &rb, errbuf, sizeof(errbuf)),
                      HINT_FAILED);
        ASSERT_EQ_INT(errno, ECANCELED);
        ASSERT_EQ_UINT(stop.n, 4);
        collectorFree(&stop);
        recoveryResultFree(&rb);

        segmentClose(s);
        collectorFree(&scan);
        collectorFree(&hint);
        recoveryResultFree(&rs);
        recoveryResultFree(&rh);
        removeTree(dir);
    }

    TEST_CASE("hint file: layout of header, entries and trailer") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 4, errbuf, sizeof(errbuf));
        seqCounter = 50;
        appendSet(s, 6, "key", "value", 5, 777);
        segmentSeal(s, errbuf, sizeof(errbuf));
        ASSERT_EQ_INT(hintWriteForSegment(s, NULL, errbuf, sizeof(errbuf)), 0);
        size_t len;
        char *h = readFile(dir, 4, ".hint", &len);
        ASSERT_EQ_UINT(len, HINT_HEADER_SIZE + HINT_ENTRY_SIZE + 3 + HINT_TRAILER_SIZE);
        ASSERT(memcmp(h, "RKVHINT1", 8) == 0);
        ASSERT_EQ_UINT(recordGetU32(h + 8), HINT_VERSION);
        ASSERT_EQ_UINT(recordGetU64(h + 16), 4);
        const char *e = h + HINT_HEADER_SIZE;
        ASSERT_EQ_INT(e[0], RECORD_SET);
        ASSERT_EQ_INT(recordGetU16(e + 2), 6);
        ASSERT_EQ_UINT(recordGetU32(e + 4), 3);
        ASSERT_EQ_UINT(recordGetU32(e + 8), 5);
        ASSERT_EQ_UINT(recordGetU64(e + 12), SEGMENT_HEADER_SIZE);
        ASSERT_EQ_UINT(recordGetU64(e + 20), 777);
        ASSERT_EQ_UINT(recordGetU64(e + 28), 50);
        ASSERT_EQ_MEM(e + 36, 3, "key", 3);
        const char *t = e + 39;
        ASSERT_EQ_UINT(recordGetU64(t), 1);
        ASSERT_EQ_UINT(recordGetU64(t + 8), segmentSize(s));
        ASSERT_EQ_UINT(recordGetU64(t + 16), 50);
        ASSERT(memcmp(t + 32, "RKVHEND\n", 8) == 0);
        xfree(h);
        segmentClose(s);
        removeTree(dir);
    }

    TEST_CASE("a damaged, truncated or stale hint is never used: fallback scan") {
        char *dir = makeTempDir("segment");
        segment *s = segmentCreate(dir, 5, errbuf, sizeof(errbuf));
        seqCounter = 1;
        for (int i = 0; i < 20; i++) {
            char key[16];
            snprintf(key, sizeof(key), "k%d", i);
            appendSet(s, (uint16_t)(i % 3), key, "value", 5, i % 2 ? TS : 0);
        }
        segmentSeal(s, errbuf, sizeof(errbuf));
        ASSERT_EQ_INT(hintWriteForSegment(s, NULL, errbuf, sizeof(errbuf)), 0);
        collector ref = {0};
        recoveryResult rr;
        recoveryResultInit(&rr);
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &ref, &rr, errbuf, sizeof(errbuf)),
                      HINT_OK);
        size_t len;
        char *good = readFile(dir, 5, ".hint", &len);

        int delivered = 0, notInvalid = 0, fallbackBad = 0;
        for (size_t i = 0; i < len; i++) {
            good[i] ^= 0x08;
            writeFile(dir, 5, ".hint", good, len);
            good[i] ^= 0x08;
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            if (hintLoad(s, NULL, collect, &c, &res, errbuf, sizeof(errbuf)) !=
                HINT_INVALID) {
                notInvalid++;
            }
            if (c.n) delivered++;
            ASSERT_EQ_UINT(res.recordsApplied, 0);
            ASSERT_EQ_INT(hintLoadOrScan(s, NULL, collect, &c, &res, errbuf,
                                         sizeof(errbuf)), 0);
            if (!sameItems(&c, &ref) || res.segmentsScanned != 1) fallbackBad++;
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        ASSERT_EQ_INT(notInvalid, 0);
        ASSERT_EQ_INT(delivered, 0);
        ASSERT_EQ_INT(fallbackBad, 0);

        for (size_t cut = 0; cut < len; cut++) {
            writeFile(dir, 5, ".hint", good, cut);
            collector c = {0};
            recoveryResult res;
            recoveryResultInit(&res);
            if (hintLoad(s, NULL, collect, &c, &res, errbuf, sizeof(errbuf)) !=
                HINT_INVALID) {
                notInvalid++;
            }
            if (c.n) delivered++;
            collectorFree(&c);
            recoveryResultFree(&res);
        }
        ASSERT_EQ_INT(notInvalid, 0);
        ASSERT_EQ_INT(delivered, 0);

        /* Stale: the segment no longer has the size the hint describes. */
        writeFile(dir, 5, ".hint", good, len);
        segmentClose(s);
        size_t slen;
        char *seg = readFile(dir, 5, ".log", &slen);
        writeFile(dir, 5, ".log", seg, slen - 1);
        s = segmentOpen(dir, 5, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        collector c = {0};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &c, &res, errbuf, sizeof(errbuf)),
                      HINT_INVALID);
        ASSERT(strstr(errbuf, "stale") != NULL);
        ASSERT_EQ_UINT(c.n, 0);
        segmentClose(s);
        recoveryResultFree(&res);

        /* A leftover temp file is not a hint. */
        char *hp = segmentPath(dir, 5, ".hint");
        unlink(hp);
        xfree(hp);
        writeFile(dir, 5, ".log", seg, slen);
        writeFile(dir, 5, ".hint.tmp", good, len);
        s = segmentOpen(dir, 5, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        recoveryResultInit(&res);
        ASSERT_EQ_INT(hintLoad(s, NULL, collect, &c, &res, errbuf, sizeof(errbuf)),
                      HINT_MISSING);
        segmentClose(s);
        recoveryResultFree(&res);
        ASSERT_EQ_INT(segmentRemoveTempFiles(dir, errbuf, sizeof(errbuf)), 1);

        xfree(seg);
        xfree(good);
        collectorFree(&ref);
        recoveryResultFree(&rr);
        removeTree(dir);
    }

    TEST_CASE("no hint is written for a damaged segment") {
        char *dir = makeTempDir("segment");
        buildForHints(dir, 6);
        flipByte(dir, 6, ".log", 5000, 0x02);
        segment *s = segmentOpen(dir, 6, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
        ASSERT_EQ_INT(hintWriteForSegment(s, NULL, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EBADMSG);
        ASSERT(!fileExists(dir, 6, ".hint"));
        ASSERT(!fileExists(dir, 6, ".hint.tmp"));
        segmentClose(s);
        removeTree(dir);
    }

    TEST_CASE("hint writer: entries must come in order") {
        char *dir = makeTempDir("segment");
        hintWriter *w = hintWriterOpen(dir, 1, errbuf, sizeof(errbuf));
        recordHeader h = {.type = RECORD_SET, .keylen = 1, .vallen = 1};
        ASSERT_EQ_INT(hintWriterAdd(w, 100, &h, "a", NULL, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_INT(hintWriterAdd(w, 100, &h, "b", NULL, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(hintWriterCommit(w, 1000, 1, 1, errbuf, sizeof(errbuf)), -1);
        ASSERT(!fileExists(dir, 1, ".hint"));
        ASSERT(!fileExists(dir, 1, ".hint.tmp"));
        removeTree(dir);
    }
}

/* ---- Log callback ------------------------------------------------------------ */

static int logLines, logWarnings;
static void testLog(int level, const char *msg) {
    logLines++;
    if (level == RECOVERY_LOG_WARNING && strstr(msg, "seg-00000001.log")) {
        logWarnings++;
    }
}

static void testLogging(void) {
    TEST_CASE("damage and torn tails are logged through the callback") {
        char *dir = makeTempDir("segment");
        layout L;
        buildMixed(dir, &L);
        flipByte(dir, 1, ".log", L.off[2] + 1, 0x01);
        flipByte(dir, 1, ".log", L.end[L.n - 1] - 1, 0x01);
        segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER,
                                 errbuf, sizeof(errbuf));
        recoveryOptions o = {.active = 1, .log = testLog};
        recoveryResult res;
        recoveryResultInit(&res);
        ASSERT_EQ_INT(recoveryScan(s, &o, NULL, NULL, &res, errbuf, sizeof(errbuf)), 0);
        ASSERT_EQ_INT(logLines, 2);
        ASSERT_EQ_INT(logWarnings, 2);
        ASSERT_EQ_UINT(res.recordsApplied, (uint64_t)L.n - 2);
        segmentClose(s);
        recoveryResultFree(&res);
        removeTree(dir);
    }
}

int main(void) {
    testSegmentFiles();
    testAppendFailure();
    testRecoveryBasics();
    testTornTail();
    testDamage();
    testBatches();
    testHints();
    testLogging();
    return testReport();
}
