/* tests/fuzz/fuzz_recovery.c -- libFuzzer harness for the record decoder
 * and the recovery scan (store/record.c, store/recovery.c).
 *
 * Input: byte 0 is a set of flags, the rest the records of one segment
 * file (the harness writes a valid 32-byte segment header in front):
 *   bit 0  scan it as the ACTIVE segment (a torn tail is cut)
 *   bit 1  fix the checksums first: walk the bytes as back-to-back records
 *          and recompute each one's hcrc and crc, so the fuzzer reaches
 *          the field rules and the batch logic instead of stopping at a
 *          checksum it cannot guess
 *   bit 2  the input carries its own (possibly bad) segment header
 *   bit 3  a small read buffer (4 KB), so records cross buffer refills
 *
 * Oracle, besides the sanitizers: every item delivered lies inside the
 * file, the counters add up, and the file only grows when an active
 * segment's unwritten header is written. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/segment.h"

static uint8_t segHeader[SEGMENT_HEADER_SIZE];

/* Takes the header of a freshly created segment 1 as the template. */
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    segment *s = fuzzCreateSegment(fuzzDir("recovery"));
    char err[256];
    if (segmentRead(s, 0, sizeof(segHeader), segHeader, err, sizeof(err)) < 0) abort();
    segmentClose(s);
    return 0;
}

/* Recomputes hcrc and crc of every whole record in buf[0..len). */
static void fixChecksums(uint8_t *buf, size_t len) {
    size_t pos = 0;
    while (len - pos >= RECORD_HEADER_SIZE) {
        uint8_t *r = buf + pos;
        uint64_t total = RECORD_HEADER_SIZE + (uint64_t)fuzzGetU32(r + 12) + fuzzGetU32(r + 16);
        if (total > len - pos) return;
        fuzzPutU32(r + 4, crc32c(r + RECORD_HCRC_START, RECORD_HEADER_SIZE - RECORD_HCRC_START));
        fuzzPutU32(r, crc32c(r + RECORD_CRC_START, (size_t)total - RECORD_CRC_START));
        pos += (size_t)total;
    }
}

typedef struct scanCheck {
    uint64_t fileSize;
    uint64_t items;
} scanCheck;

static int onItem(void *ctx, const recoveryItem *it) {
    scanCheck *c = ctx;
    fuzzCheckItem(it, c->fileSize);
    c->items++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t inSize) {
    int flags;
    size_t size;
    uint8_t *body = fuzzTakeInput(data, inSize, &flags, &size);
    if (body == NULL) return 0;
    const char *dir = fuzzDir("recovery");
    const uint8_t *hdr = segHeader;
    size_t hdrLen = sizeof(segHeader);
    uint8_t *recs = body;
    size_t recsLen = size;
    if (flags & 4) {
        hdr = NULL; /* the input's first bytes are the file header */
        hdrLen = 0;
        size_t skip = size < SEGMENT_HEADER_SIZE ? size : SEGMENT_HEADER_SIZE;
        recs += skip;
        recsLen -= skip;
    }
    if (flags & 2) fixChecksums(recs, recsLen);
    fuzzWriteFile(dir, "seg-00000001.log", hdr, hdrLen, body, size);

    int active = flags & 1;
    char err[256];
    segment *s = segmentOpen(dir, 1, SEGMENT_OPEN_ANYHEADER | (active ? SEGMENT_OPEN_WRITE : 0),
                             err, sizeof(err));
    if (s == NULL) {
        free(body);
        return 0; /* too short for a header at all */
    }
    recoveryOptions opts = {
        .active = active,
        .maxRecordSize = 1 << 20,
        .bufferSize = (flags & 8) ? 4096 : 0,
    };
    recoveryResult res;
    recoveryResultInit(&res);
    scanCheck c = {.fileSize = segmentSize(s)};
    if (recoveryScan(s, &opts, onItem, &c, &res, err, sizeof(err)) == 0) {
        if (res.recordsApplied != c.items) abort();
        /* Only an unwritten header (recovery.h) may grow the file, to
         * exactly the header. */
        uint64_t most = res.headersWritten ? SEGMENT_HEADER_SIZE : c.fileSize;
        if (segmentSize(s) > most) abort();
        if (res.headersWritten && (c.fileSize > SEGMENT_HEADER_SIZE || !s->headerOk)) abort();
        if (res.damageCount > res.damageTotal || res.damageCount > RECOVERY_MAX_DAMAGE) abort();
    }
    recoveryResultFree(&res);
    segmentClose(s);
    free(body);
    return 0;
}
