/* tests/fuzz/fuzz_hint.c -- libFuzzer harness for the hint-file reader
 * (store/hint.c: hintLoad).
 *
 * Input: byte 0 is a set of flags, the rest the hint file of a sealed
 * segment 1 of SEG_SIZE bytes (valid header, zeros after it):
 *   bit 0  fix the frame first: header magic, version and segment id,
 *          trailer end magic, segment size and the whole-file checksum,
 *          so the fuzzer reaches the entry checks
 *   bit 1  also set the trailer's entry count to the number of entries
 *          the bytes hold when walked
 *   bit 2  a small read buffer (4 KB)
 *
 * Oracle, besides the sanitizers: the promise of hint.h that nothing is
 * delivered unless the whole file is valid, so a load that reports
 * HINT_INVALID must not have called the callback; and every delivered
 * item lies inside the segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/hint.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"

#define SEG_SIZE (SEGMENT_HEADER_SIZE + 4096)

static segment *seg;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    const char *dir = fuzzDir("hint");
    char err[256];
    segmentClose(fuzzCreateSegment(dir));
    char *path = segmentPath(dir, 1, ".log");
    if (truncate(path, SEG_SIZE) != 0) abort();
    xfree(path);
    seg = segmentOpen(dir, 1, SEGMENT_OPEN_READ, err, sizeof(err));
    if (seg == NULL || segmentSize(seg) != SEG_SIZE) abort();
    return 0;
}

/* Counts the entries between header and trailer, as far as they fit. */
static uint64_t countEntries(const uint8_t *buf, size_t len) {
    size_t end = len - HINT_TRAILER_SIZE, pos = HINT_HEADER_SIZE;
    uint64_t n = 0;
    while (end - pos >= HINT_ENTRY_SIZE) {
        uint64_t step = HINT_ENTRY_SIZE + (uint64_t)fuzzGetU32(buf + pos + 4);
        if (step > end - pos) break;
        pos += (size_t)step;
        n++;
    }
    return n;
}

static void fixFrame(uint8_t *buf, size_t len, int fixCount) {
    memcpy(buf, HINT_MAGIC, 8);
    fuzzPutU32(buf + 8, HINT_VERSION);
    fuzzPutU64(buf + 16, 1);
    uint8_t *t = buf + len - HINT_TRAILER_SIZE;
    if (fixCount) fuzzPutU64(t, countEntries(buf, len));
    fuzzPutU64(t + 8, SEG_SIZE);
    memcpy(t + 32, HINT_END_MAGIC, 8);
    fuzzPutU32(t + 40, crc32c(buf, len - 4));
}

typedef struct loadCheck {
    uint64_t items;
    uint64_t lastOffset;
} loadCheck;

static int onItem(void *ctx, const recoveryItem *it) {
    loadCheck *c = ctx;
    fuzzCheckItem(it, SEG_SIZE);
    if (c->items && it->offset <= c->lastOffset) abort(); /* file order */
    if (!it->fromHint) abort();
    c->lastOffset = it->offset;
    c->items++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t inSize) {
    int flags;
    size_t size;
    uint8_t *buf = fuzzTakeInput(data, inSize, &flags, &size);
    if (buf == NULL) return 0;
    if ((flags & 1) && size >= HINT_HEADER_SIZE + HINT_TRAILER_SIZE)
        fixFrame(buf, size, flags & 2);
    fuzzWriteFile(fuzzDir("hint"), "seg-00000001.hint", buf, size, NULL, 0);

    recoveryOptions opts = {.bufferSize = (flags & 4) ? 4096 : 0};
    recoveryResult res;
    recoveryResultInit(&res);
    loadCheck c = {0};
    char err[256];
    int rc = hintLoad(seg, &opts, onItem, &c, &res, err, sizeof(err));
    if (rc == HINT_INVALID && c.items != 0) abort();
    if (rc == HINT_OK && res.recordsApplied != c.items) abort();
    recoveryResultFree(&res);
    free(buf);
    return 0;
}
