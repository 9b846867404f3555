/* tests/fuzz/fuzz_resp.c -- libFuzzer harness for the RESP request parser.
 *
 * Input: byte 0 picks the limits (bit 0: unauthenticated, bit 1: a small
 * proto-max-bulk-len), byte 1 the size of the pieces the rest is fed in
 * (1..256).  The rest is a client's byte stream.
 *
 * Oracle, besides the sanitizers: the parser promises it "can stop at any
 * byte", so feeding the stream in pieces must give exactly the requests,
 * and the error, that feeding it whole gives.  The harness records both
 * runs as a transcript (each argv, then the final status and error text)
 * and aborts when they differ. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/bstr.h"
#include "resp/resp_parse.h"

/* A growable byte string for the transcript (the parser's own bstr is not
 * used here so that the oracle shares no code with what it checks). */
typedef struct transcript {
    char *buf;
    size_t len, cap;
} transcript;

static void trAdd(transcript *t, const void *p, size_t n) {
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n) cap *= 2;
        char *nb = realloc(t->buf, cap);
        if (nb == NULL) abort();
        t->buf = nb;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
}

static void trAddLen(transcript *t, size_t n) {
    trAdd(t, &n, sizeof(n));
}

/* Feeds data[0..len) in pieces of 'step' bytes (0: all at once), the way
 * a connection does: unconsumed bytes stay in the buffer and the next
 * read is appended.  Writes every request and the end state to *t. */
static void parseStream(const uint8_t *data, size_t len, size_t step,
                        const respLimits *lim, transcript *t) {
    respParser p;
    respParserInit(&p);
    size_t avail = step ? 0 : len; /* bytes "received" so far */
    size_t pos = 0;
    int st = RESP_PARSE_NEED_MORE;
    const char *err = NULL;
    for (;;) {
        st = respParseRequest(&p, (const char *)data, avail, &pos, lim, &err);
        if (pos > avail) abort(); /* consumed bytes it was never given */
        if (st == RESP_PARSE_OK) {
            trAddLen(t, (size_t)p.argc);
            for (int i = 0; i < p.argc; i++) {
                trAddLen(t, bstrLen(p.argv[i]));
                trAdd(t, p.argv[i], bstrLen(p.argv[i]));
            }
            respParserResetArgs(&p);
            continue;
        }
        if (st == RESP_PARSE_ERROR) break;
        if (avail == len) break; /* NEED_MORE with nothing left to give */
        avail = avail + step > len ? len : avail + step;
    }
    trAddLen(t, (size_t)st);
    if (st == RESP_PARSE_ERROR) {
        if (err == NULL) abort();
        trAdd(t, err, strlen(err));
    }
    respParserFree(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    respLimits lim = {
        .maxBulkLen = (data[0] & 2) ? 64 : 512LL * 1024 * 1024,
        .unauthenticated = data[0] & 1,
    };
    size_t step = (size_t)data[1] + 1;
    data += 2;
    size -= 2;

    transcript whole = {0}, pieces = {0};
    parseStream(data, size, 0, &lim, &whole);
    parseStream(data, size, step, &lim, &pieces);
    if (whole.len != pieces.len || memcmp(whole.buf, pieces.buf, whole.len) != 0) {
        fprintf(stderr, "fuzz_resp: whole and %zu-byte pieces parse differently\n", step);
        abort();
    }
    free(whole.buf);
    free(pieces.buf);
    return 0;
}
