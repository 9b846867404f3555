/* tests/c/test_segment_start.c -- the newest segment's start states
 * (store/recovery.h, "The newest segment"): for every way a crash or damage
 * can leave the newest segment file, open the store, write a record, then
 * close it or die without closing (a child process that _exits after its
 * fsync, as kill -9 would), open it again, and check that the record is
 * there.  A newest segment with a damaged header and bytes after it must
 * be left byte for byte as it was, reported at every start, and never
 * appended to.  Also the segment and recovery functions underneath:
 * segmentWriteHeader's refusals, and an active scan in dry-run mode. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"
#include "store/store.h"
#include "test.h"
#include "test_util.h"

/* ---- Helpers -------------------------------------------------------------- */

#define T0 1700000000000LL
#define DBS 4
/* Small enough that a write to the base segment (two records) rotates,
 * large enough that one record in a new segment does not. */
#define SMALL_SEGMENT 128

static char errbuf[512];
static char logText[8192]; /* every line the store logged since openStore */

static void captureLog(int level, const char *msg) {
    (void)level;
    size_t used = strlen(logText);
    snprintf(logText + used, sizeof(logText) - used, "%s\n", msg);
}

static store *openStore(const char *dir, uint64_t segSize, int policy) {
    logText[0] = '\0';
    return testOpenStoreWith(dir, segSize, policy, DBS, T0, captureLog);
}

static int put(store *s, const char *key, const char *val) {
    return storePut(s, 0, key, strlen(key), val, strlen(val), 0);
}

/* 1 if key holds val (NULL: must be missing); prints the difference. */
static int holds(store *s, const char *key, const char *val) {
    char *got = NULL;
    size_t glen = 0;
    int rc = storeGet(s, 0, key, strlen(key), &got, &glen);
    int ok = val == NULL ? rc == STORE_MISSING
                         : rc == STORE_OK && glen == strlen(val) && memcmp(got, val, glen) == 0;
    if (!ok)
        fprintf(stderr, "  key %s: rc %d, got %.*s, expected %s\n", key, rc,
                got ? (int)glen : 0, got ? got : "", val ? val : "(missing)");
    xfree(got);
    return ok;
}

static storeStats statsOf(store *s) {
    storeStats st;
    storeGetStats(s, &st);
    return st;
}

static void writeFile(const char *dir, uint64_t id, const char *buf, size_t len) {
    writeSegmentFile(dir, id, ".log", buf, len);
}

/* The 32 bytes of a valid header of segment id (made by segmentCreate in
 * a scratch directory). */
static void validHeader(uint64_t id, char *out) {
    char *tmp = makeTempDir("segstart-hdr");
    segment *s = segmentCreate(tmp, id, errbuf, sizeof(errbuf));
    if (s == NULL || segmentRead(s, 0, SEGMENT_HEADER_SIZE, out, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "validHeader: %s\n", errbuf);
        exit(1);
    }
    segmentClose(s);
    removeTree(tmp);
}

static void appendSet(segment *s, const char *key, const char *val, uint64_t seq) {
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = RECORD_SET;
    h.keylen = (uint32_t)strlen(key);
    h.vallen = (uint32_t)strlen(val);
    h.seq = seq;
    h.timestamp = T0;
    uint64_t off;
    if (segmentAppendRecord(s, &h, key, val, &off, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "appendSet: %s\n", errbuf);
        exit(1);
    }
}

/* The base every state starts from: segment 1 with a=1 and b=2, sealed
 * with its hint, as a rotation leaves it. */
static void makeBase(const char *dir) {
    store *s = openStore(dir, 64 * 1024 * 1024, STORE_FSYNC_NO);
    if (s == NULL || put(s, "a", "1") != STORE_OK || put(s, "b", "2") != STORE_OK) exit(1);
    storeClose(s);
    segment *seg = segmentOpen(dir, 1, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
    if (seg == NULL || hintWriteForSegment(seg, NULL, errbuf, sizeof(errbuf)) != 0) {
        fprintf(stderr, "makeBase: %s\n", errbuf);
        exit(1);
    }
    segmentClose(seg);
}

/* ---- The start states ----------------------------------------------------- */

enum {
    ST_MISSING,       /* no segment 2: the sealed segment 1 is the newest */
    ST_ZERO,          /* segment 2 exists with 0 bytes */
    ST_ONE_BYTE,      /* 1 byte of its header */
    ST_SHORT_HEADER,  /* its header minus the last byte */
    ST_BAD_MAGIC,     /* a full header with bad magic, nothing after */
    ST_WRONG_ID,      /* a full, checksummed header of another segment */
    ST_VALID_EMPTY,   /* a valid header, nothing after */
    ST_TORN_RECORD,   /* a valid header and a record cut in the middle */
    ST_DAMAGED,       /* bad magic, then two good records */
    ST_DAMAGED_TORN,  /* bad magic, a good record, a record cut short */
    ST_ONLY_ZERO,     /* segment 1 is the only one, with 0 bytes */
    ST_COUNT
};

static const char *stateName[ST_COUNT] = {
    "missing file after a sealed one", "zero bytes", "one byte",
    "header minus one byte", "full header with bad magic, nothing after",
    "full header of another segment id, nothing after", "valid header, nothing after",
    "valid header and a torn record", "damaged header, valid records after it",
    "damaged header, a record, then a torn one", "the only segment, zero bytes",
};

static int unwritten(int st) {
    return st == ST_ZERO || st == ST_ONE_BYTE || st == ST_SHORT_HEADER || st == ST_BAD_MAGIC ||
           st == ST_WRONG_ID || st == ST_ONLY_ZERO;
}

static int damaged(int st) { return st == ST_DAMAGED || st == ST_DAMAGED_TORN; }

/* The id of the newest segment the state leaves. */
static uint64_t newestId(int st) { return st == ST_MISSING || st == ST_ONLY_ZERO ? 1 : 2; }

/* Builds the state in an empty dir; *torn is the bytes the store must
 * count as torn: a torn record's, or an unwritten header's. */
static void makeState(const char *dir, int st, uint64_t *torn) {
    *torn = 0;
    if (st == ST_ONLY_ZERO) {
        writeFile(dir, 1, "", 0);
        return;
    }
    makeBase(dir);
    char hdr[SEGMENT_HEADER_SIZE];
    validHeader(2, hdr);
    switch (st) {
    case ST_MISSING: return;
    case ST_ZERO: writeFile(dir, 2, "", 0); return;
    case ST_ONE_BYTE: *torn = 1; break;
    case ST_SHORT_HEADER: *torn = SEGMENT_HEADER_SIZE - 1; break;
    case ST_BAD_MAGIC:
        hdr[0] ^= 0x01;
        *torn = SEGMENT_HEADER_SIZE;
        break;
    case ST_WRONG_ID:
        validHeader(7, hdr);
        *torn = SEGMENT_HEADER_SIZE;
        break;
    case ST_VALID_EMPTY: writeFile(dir, 2, hdr, SEGMENT_HEADER_SIZE); return;
    default: break;
    }
    if (unwritten(st)) {
        writeFile(dir, 2, hdr, (size_t)*torn);
        return;
    }
    segment *seg = segmentCreate(dir, 2, errbuf, sizeof(errbuf));
    if (seg == NULL) exit(1);
    if (st == ST_TORN_RECORD) {
        appendSet(seg, "t", "torn value", 10);
        *torn = (segmentSize(seg) - SEGMENT_HEADER_SIZE) / 2; /* what is left of it */
        if (ftruncate(seg->fd, (off_t)(SEGMENT_HEADER_SIZE + *torn)) != 0) exit(1);
        segmentClose(seg);
        return;
    }
    appendSet(seg, "d1", "x", 10);
    if (st == ST_DAMAGED) appendSet(seg, "d2", "y", 11);
    if (st == ST_DAMAGED_TORN) {
        appendSet(seg, "d2", "cut short", 11);
        if (ftruncate(seg->fd, (off_t)(segmentSize(seg) - 3)) != 0) exit(1);
    }
    segmentClose(seg);
    size_t len;
    char *buf = readFile(dir, 2, ".log", &len);
    buf[0] ^= 0x01;
    writeFile(dir, 2, buf, len);
    xfree(buf);
}

/* ---- What each start must show -------------------------------------------- */

/* The file segment id holds a valid header of its own (opens strictly). */
static int headerValid(const char *dir, uint64_t id) {
    segment *seg = segmentOpen(dir, id, SEGMENT_OPEN_READ, errbuf, sizeof(errbuf));
    segmentClose(seg);
    return seg != NULL;
}

static int sameFile(const char *dir, uint64_t id, const char *want, size_t wantLen) {
    size_t len;
    char *buf = readFile(dir, id, ".log", &len);
    int ok = buf != NULL && len == wantLen && memcmp(buf, want, len) == 0;
    xfree(buf);
    return ok;
}

typedef struct expectation {
    int st;
    uint64_t torn;      /* bytes the first open cuts */
    char *damagedImage; /* ST_DAMAGED*: segment 2 as made */
    size_t damagedLen;
} expectation;

/* Checks a store just opened; first is 1 on the open right after the state
 * was made (before c was written).  Prints what failed; 1 if all held. */
static int checkOpen(const char *dir, store *s, const expectation *x, int first) {
    int st = x->st, ok = 1;
    storeStats stats = statsOf(s);
    if (st != ST_ONLY_ZERO) ok &= holds(s, "a", "1") && holds(s, "b", "2");
    ok &= holds(s, "c", first ? NULL : "3");
    if (unwritten(st)) {
        /* The header is written before anything else: 32 bytes, valid. */
        uint64_t id = newestId(st);
        if (first) {
            ok &= fileSize(dir, id, ".log") == SEGMENT_HEADER_SIZE;
            ok &= strstr(logText, "had no header") != NULL;
        }
        ok &= headerValid(dir, id);
        ok &= stats.damageReports == 0;
        ok &= stats.tornBytes == (first ? x->torn : 0);
    } else if (damaged(st)) {
        /* Left byte for byte as it was, reported at every start, its good
         * records loaded, and the writes in a new segment 3. */
        ok &= sameFile(dir, 2, x->damagedImage, x->damagedLen);
        ok &= stats.damageReports >= (st == ST_DAMAGED_TORN ? 2u : 1u);
        ok &= stats.tornBytes == 0;
        ok &= strstr(logText, first ? "has a damaged header" : "bad segment header") != NULL;
        ok &= holds(s, "d1", "x") && holds(s, "d2", st == ST_DAMAGED ? "y" : NULL);
        ok &= fileExists(dir, 3, ".log") && headerValid(dir, 3) && stats.segments == 3;
        ok &= !fileExists(dir, 4, ".log");
    } else {
        ok &= stats.damageReports == 0;
        ok &= stats.tornBytes == (first ? x->torn : 0);
        if (st == ST_TORN_RECORD) ok &= holds(s, "t", NULL);
    }
    if (!ok)
        fprintf(stderr, "  state \"%s\", %s open; log:\n%s", stateName[st],
                first ? "first" : "a later", logText);
    return ok;
}

/* The record c=3 lies in the segment the state says it should. */
static int cWhereExpected(const char *dir, const expectation *x) {
    if (damaged(x->st)) return fileSize(dir, 3, ".log") > SEGMENT_HEADER_SIZE;
    if (x->st == ST_MISSING) return fileSize(dir, 1, ".log") > fileSize(dir, 2, ".log");
    return fileSize(dir, newestId(x->st), ".log") > SEGMENT_HEADER_SIZE;
}

/* One state, one way of stopping: crash = 0 closes the store, 1 makes a
 * child open it, write c with appendfsync always and _exit without
 * closing (the files as kill -9 leaves them; the data was fsynced). */
static void runState(int st, int crash) {
    char *dir = makeTempDir("segstart");
    expectation x;
    memset(&x, 0, sizeof(x));
    x.st = st;
    makeState(dir, st, &x.torn);
    if (damaged(st)) x.damagedImage = readFile(dir, 2, ".log", &x.damagedLen);

    int ok = 1;
    if (!crash) {
        store *s = openStore(dir, SMALL_SEGMENT, STORE_FSYNC_ALWAYS);
        ok = s != NULL && checkOpen(dir, s, &x, 1) && put(s, "c", "3") == STORE_OK &&
             storeSync(s) == STORE_OK;
        storeClose(s);
    } else {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            store *s = openStore(dir, SMALL_SEGMENT, STORE_FSYNC_ALWAYS);
            int good = s != NULL && checkOpen(dir, s, &x, 1) && put(s, "c", "3") == STORE_OK &&
                       storeSync(s) == STORE_OK;
            _exit(good ? 0 : 3);
        }
        int wst = 0;
        ok = pid > 0 && waitpid(pid, &wst, 0) == pid && WIFEXITED(wst) &&
             WEXITSTATUS(wst) == 0;
    }
    ASSERT(ok);
    ASSERT(cWhereExpected(dir, &x));

    /* Two more starts: c is there, and nothing new is reported. */
    for (int round = 0; round < 2 && ok; round++) {
        store *s = openStore(dir, SMALL_SEGMENT, STORE_FSYNC_ALWAYS);
        ok = ASSERT(s != NULL) && ASSERT(checkOpen(dir, s, &x, 0));
        storeClose(s);
    }
    xfree(x.damagedImage);
    removeTree(dir);
}

static void testStartStates(void) {
    for (int crash = 0; crash <= 1; crash++) {
        for (int st = 0; st < ST_COUNT; st++) {
            char name[160];
            snprintf(name, sizeof(name), "newest segment: %s; write, %s, reopen", stateName[st],
                     crash ? "die without closing" : "close");
            TEST_CASE(name) { runState(st, crash); }
        }
    }
}

/* ---- Underneath: segmentWriteHeader and the recovery scan ------------------ */

/* Opens segment 1 of dir (writable unless dryRun) and scans it into *res
 * (initialised here; the caller frees it).  recoveryScan's result. */
static int scanSegment1(const char *dir, int active, int dryRun, recoveryResult *res) {
    recoveryResultInit(res);
    segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_ANYHEADER | (dryRun ? 0 : SEGMENT_OPEN_WRITE),
                             errbuf, sizeof(errbuf));
    if (s == NULL) return -1;
    recoveryOptions o;
    memset(&o, 0, sizeof(o));
    o.active = active;
    o.dryRun = dryRun;
    int rc = recoveryScan(s, &o, NULL, NULL, res, errbuf, sizeof(errbuf));
    segmentClose(s);
    return rc;
}

static void testWriteHeader(void) {
    TEST_CASE("segmentWriteHeader refuses a valid header, a read-only segment, bytes after") {
        char *dir = makeTempDir("segstart");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        ASSERT_EQ_INT(segmentWriteHeader(s, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EINVAL);
        appendSet(s, "k", "v", 1);
        segmentClose(s);
        size_t len;
        char *img = readFile(dir, 1, ".log", &len);
        img[0] ^= 0x01;
        writeFile(dir, 1, img, len);

        s = segmentOpen(dir, 1, SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER, errbuf,
                        sizeof(errbuf));
        ASSERT(s != NULL && recoveryClassifyHeader(s) == RECOVERY_HEADER_DAMAGED);
        ASSERT_EQ_INT(segmentWriteHeader(s, errbuf, sizeof(errbuf)), -1);
        ASSERT_EQ_INT(errno, EINVAL);
        segmentClose(s);
        ASSERT(sameFile(dir, 1, img, len));

        writeFile(dir, 1, img, 10);
        s = segmentOpen(dir, 1, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER, errbuf,
                        sizeof(errbuf));
        ASSERT(s != NULL && recoveryClassifyHeader(s) == RECOVERY_HEADER_UNWRITTEN);
        ASSERT_EQ_INT(segmentWriteHeader(s, errbuf, sizeof(errbuf)), -1);
        segmentClose(s);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), 10);

        s = segmentOpen(dir, 1, SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER, errbuf,
                        sizeof(errbuf));
        ASSERT_EQ_INT(segmentWriteHeader(s, errbuf, sizeof(errbuf)), 0);
        ASSERT(s->headerOk && segmentSize(s) == SEGMENT_HEADER_SIZE);
        appendSet(s, "k", "v", 2);
        segmentClose(s);
        ASSERT(headerValid(dir, 1));
        xfree(img);
        removeTree(dir);
    }

    TEST_CASE("an active dry-run scan reports an unwritten header and changes nothing") {
        char *dir = makeTempDir("segstart");
        char hdr[SEGMENT_HEADER_SIZE];
        validHeader(1, hdr);
        writeFile(dir, 1, hdr, 5);
        recoveryResult res;
        ASSERT_EQ_INT(scanSegment1(dir, 1, 1, &res), 0);
        ASSERT_EQ_UINT(res.headersWritten, 1);
        ASSERT_EQ_UINT(res.tornBytes, 5);
        ASSERT_EQ_UINT(res.damageTotal, 0);
        ASSERT_EQ_INT(res.tornCut, 0);
        recoveryResultFree(&res);
        ASSERT_EQ_UINT(fileSize(dir, 1, ".log"), 5);

        /* Scanned as sealed, the same file is damage. */
        ASSERT_EQ_INT(scanSegment1(dir, 0, 1, &res), 0);
        ASSERT_EQ_UINT(res.headersWritten, 0);
        ASSERT_EQ_UINT(res.damageTotal, 1);
        recoveryResultFree(&res);
        removeTree(dir);
    }

    TEST_CASE("an active scan of a damaged header never cuts its torn tail") {
        char *dir = makeTempDir("segstart");
        segment *s = segmentCreate(dir, 1, errbuf, sizeof(errbuf));
        appendSet(s, "k", "value", 1);
        appendSet(s, "l", "value", 2);
        segmentClose(s);
        size_t len;
        char *img = readFile(dir, 1, ".log", &len);
        img[3] ^= 0x40;
        writeFile(dir, 1, img, len - 2);
        recoveryResult res;
        ASSERT_EQ_INT(scanSegment1(dir, 1, 0, &res), 0);
        ASSERT_EQ_UINT(res.recordsApplied, 1);
        ASSERT_EQ_UINT(res.tornBytes, 0);
        ASSERT_EQ_UINT(res.damageTotal, 2); /* the header, the cut record */
        ASSERT_EQ_INT(res.tornCut, 0);
        recoveryResultFree(&res);
        ASSERT(sameFile(dir, 1, img, len - 2));
        xfree(img);
        removeTree(dir);
    }
}

int main(void) {
    testStartStates();
    testWriteHeader();
    return testReport();
}
