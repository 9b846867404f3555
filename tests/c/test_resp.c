/* tests/c/test_resp.c -- unit tests for the pure RESP layer:
 * src/resp/resp_parse.c (request parser) and src/resp/resp_encode.c (reply
 * building blocks).
 *
 * The parser is driven the way src/client/client.c clientProcessInputBuffer
 * drives it: bytes are appended to an accumulating query buffer, requests
 * are parsed from a consumed position, the arguments are released with
 * respParserResetArgs after each request, and the consumed bytes are trimmed
 * from the buffer (bstrRange) once at the end of each chunk. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "resp/resp_encode.h"
#include "resp/resp_parse.h"
#include "test.h"

/* ---- Expected requests ---------------------------------------------------- */

/* A literal argument, binary safe (sizeof, not strlen). */
typedef struct arg {
    const char *p;
    size_t len;
} arg;
#define A(lit) {(lit), sizeof(lit) - 1}
#define W(lit) (lit), (sizeof(lit) - 1)

typedef struct request {
    int argc;
    bstr *argv;
} request;

/* One piece of the corpus: its wire bytes, and the request it must parse to
 * (argc 0 for no-ops such as "*0" or a blank inline line). */
typedef struct entry {
    size_t off, len; /* in corpus.wire */
    int argc;        /* 0 or 1 request */
} entry;

typedef struct corpus {
    bstr wire;
    request *reqs;
    int nreq, capreq;
    entry *entries;
    int nent, capent;
} corpus;

static void corpusInit(corpus *c) {
    memset(c, 0, sizeof(*c));
    c->wire = bstrEmpty();
}

static void corpusFree(corpus *c) {
    for (int i = 0; i < c->nreq; i++) bstrFreeSplitRes(c->reqs[i].argv, c->reqs[i].argc);
    xfree(c->reqs);
    xfree(c->entries);
    bstrFree(c->wire);
}

static void corpusAddEntry(corpus *c, size_t off, size_t len, int argc) {
    if (c->nent == c->capent) {
        c->capent = c->capent ? c->capent * 2 : 16;
        c->entries = xrealloc(c->entries, sizeof(entry) * (size_t)c->capent);
    }
    c->entries[c->nent++] = (entry){off, len, argc};
}

static void corpusAddRequest(corpus *c, int argc, const arg *argv) {
    if (c->nreq == c->capreq) {
        c->capreq = c->capreq ? c->capreq * 2 : 16;
        c->reqs = xrealloc(c->reqs, sizeof(request) * (size_t)c->capreq);
    }
    request *r = &c->reqs[c->nreq++];
    r->argc = argc;
    r->argv = xmalloc(sizeof(bstr) * (size_t)(argc ? argc : 1));
    for (int i = 0; i < argc; i++) r->argv[i] = bstrNewLen(argv[i].p, argv[i].len);
}

/* Hand-written wire bytes and the arguments they must parse to. */
static void corpusAddRaw(corpus *c, const char *wire, size_t wirelen, int argc,
                         const arg *argv) {
    corpusAddEntry(c, bstrLen(c->wire), wirelen, argc ? 1 : 0);
    c->wire = bstrCatLen(c->wire, wire, wirelen);
    if (argc) corpusAddRequest(c, argc, argv);
}

/* Appends the RESP multibulk encoding of argv to s. */
static bstr catMultibulk(bstr s, int argc, const arg *argv) {
    s = bstrCatPrintf(s, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        s = bstrCatPrintf(s, "$%zu\r\n", argv[i].len);
        s = bstrCatLen(s, argv[i].p, argv[i].len);
        s = bstrCatLen(s, "\r\n", 2);
    }
    return s;
}

/* A multibulk request generated from its arguments. */
static void corpusAddMultibulk(corpus *c, int argc, const arg *argv) {
    size_t off = bstrLen(c->wire);
    c->wire = catMultibulk(c->wire, argc, argv);
    corpusAddEntry(c, off, bstrLen(c->wire) - off, 1);
    corpusAddRequest(c, argc, argv);
}

/* Deterministic bytes covering every value 0..255, including \r \n \0. */
static void fillPattern(char *p, size_t len, unsigned seed) {
    for (size_t i = 0; i < len; i++) p[i] = (char)((i * 31 + seed * 7 + (i >> 8)) & 0xff);
}

#define BIG_ARG_LEN (100 * 1024)

static void buildCorpus(corpus *c) {
    corpusInit(c);
    corpusAddRaw(c, W("*1\r\n$4\r\nPING\r\n"), 1, (arg[]){A("PING")});
    corpusAddRaw(c, W("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n"), 3,
                 (arg[]){A("SET"), A("key"), A("value")});
    corpusAddRaw(c, W("*0\r\n"), 0, NULL);
    corpusAddRaw(c, W("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n"), 2, (arg[]){A("ECHO"), A("")});
    corpusAddRaw(c, W("*-1\r\n"), 0, NULL);
    corpusAddRaw(c, W("*0\r\n"), 0, NULL);
    /* Binary arguments holding CRLF, NULs and protocol look-alikes. */
    corpusAddMultibulk(c, 3, (arg[]){A("SET"), A("bin\r\nkey"),
                                     A("\0\r\n\0$3\r\n*1\r\n\0")});
    corpusAddRaw(c, W("PING\r\n"), 1, (arg[]){A("PING")});
    corpusAddRaw(c, W("SET \"a b\" 'c d' \"\\x41\\n\"\r\n"), 4,
                 (arg[]){A("SET"), A("a b"), A("c d"), A("A\n")});
    corpusAddRaw(c, W("\r\n"), 0, NULL);
    corpusAddRaw(c, W("   \t  \r\n"), 0, NULL);
    corpusAddRaw(c, W("GET foo\n"), 2, (arg[]){A("GET"), A("foo")});
    corpusAddRaw(c, W("\n"), 0, NULL);
    corpusAddRaw(c, W("*2\r\n$4\r\nECHO\r\n$12\r\nline1\r\nline2\r\n"), 2,
                 (arg[]){A("ECHO"), A("line1\r\nline2")});
    /* A bulk argument above RESP_BIG_ARG. */
    {
        char *big = xmalloc(BIG_ARG_LEN);
        fillPattern(big, BIG_ARG_LEN, 1);
        memcpy(big + 1000, "\r\n$3\r\n*1\r\n", 10);
        corpusAddMultibulk(c, 3, (arg[]){A("SET"), A("big"), {big, BIG_ARG_LEN}});
        xfree(big);
    }
    corpusAddRaw(c, W("ECHO \"tab\\there\" 'it\\'s' \"q\\\"uote\" \"back\\\\slash\" "
                      "\"\\x00\\xff\\xAb\"\r\n"),
                 6, (arg[]){A("ECHO"), A("tab\there"), A("it's"), A("q\"uote"),
                            A("back\\slash"), A("\0\xff\xab")});
    /* Many arguments of lengths 0..39. */
    {
        char pat[40];
        arg argv[40];
        fillPattern(pat, sizeof(pat), 2);
        for (int i = 0; i < 40; i++) argv[i] = (arg){pat, (size_t)i};
        corpusAddMultibulk(c, 40, argv);
    }
    corpusAddRaw(c, W("  SET\tk   v  \r\n"), 3, (arg[]){A("SET"), A("k"), A("v")});
    corpusAddRaw(c, W("ECHO *abc $5\r\n"), 3, (arg[]){A("ECHO"), A("*abc"), A("$5")});
    corpusAddRaw(c, W(":1 x\r\n"), 2, (arg[]){A(":1"), A("x")});
    corpusAddRaw(c, W("ECHO \"x y\"\n"), 2, (arg[]){A("ECHO"), A("x y")});
    corpusAddRaw(c, W("ECHO a\rb\r\n"), 3, (arg[]){A("ECHO"), A("a"), A("b")});
    corpusAddRaw(c, W("*-1\r\n"), 0, NULL);
    corpusAddRaw(c, W("*1\r\n$4\r\nQUIT\r\n"), 1, (arg[]){A("QUIT")});
}

/* ---- The client emulation --------------------------------------------------- */

typedef struct feeder {
    respParser p;
    respLimits lim;
    bstr qb;
    size_t qbPos;
    long long nreq;      /* requests parsed */
    int errored;
    char err[128];
    int badInvariant;    /* an rc/position sanity check failed */
    /* Optional checks of each request. */
    const corpus *expect; /* compared in order against expect->reqs */
    int nextExpected;
    int mismatch;
    char why[200];
    bstr transcript;      /* if non-NULL, every request is serialized here */
} feeder;

static void feederInit(feeder *f, const respLimits *lim, const corpus *expect,
                       int wantTranscript) {
    memset(f, 0, sizeof(*f));
    respParserInit(&f->p);
    f->lim = *lim;
    f->qb = bstrEmpty();
    f->expect = expect;
    if (wantTranscript) f->transcript = bstrEmpty();
}

static void feederFree(feeder *f) {
    respParserFree(&f->p);
    bstrFree(f->qb);
    bstrFree(f->transcript);
}

static void checkExpected(feeder *f) {
    if (f->mismatch) return;
    const respParser *p = &f->p;
    if (f->nextExpected >= f->expect->nreq) {
        f->mismatch = 1;
        snprintf(f->why, sizeof(f->why), "unexpected extra request #%d (argc %d)",
                 f->nextExpected, p->argc);
        return;
    }
    const request *r = &f->expect->reqs[f->nextExpected];
    if (p->argc != r->argc) {
        f->mismatch = 1;
        snprintf(f->why, sizeof(f->why), "request #%d: argc %d, expected %d",
                 f->nextExpected, p->argc, r->argc);
        return;
    }
    size_t bytes = 0;
    for (int i = 0; i < r->argc; i++) {
        bytes += bstrLen(r->argv[i]);
        if (bstrLen(p->argv[i]) != bstrLen(r->argv[i]) ||
            memcmp(p->argv[i], r->argv[i], bstrLen(r->argv[i])) != 0 ||
            p->argv[i][bstrLen(p->argv[i])] != '\0') {
            f->mismatch = 1;
            snprintf(f->why, sizeof(f->why),
                     "request #%d: argv[%d] differs (len %zu, expected %zu)",
                     f->nextExpected, i, bstrLen(p->argv[i]), bstrLen(r->argv[i]));
            return;
        }
    }
    if (p->argvBytes != bytes) {
        f->mismatch = 1;
        snprintf(f->why, sizeof(f->why), "request #%d: argvBytes %zu, expected %zu",
                 f->nextExpected, p->argvBytes, bytes);
        return;
    }
    f->nextExpected++;
}

static void appendTranscript(feeder *f) {
    f->transcript = bstrCatPrintf(f->transcript, "%d\n", f->p.argc);
    for (int i = 0; i < f->p.argc; i++) {
        f->transcript = bstrCatPrintf(f->transcript, "%zu:", bstrLen(f->p.argv[i]));
        f->transcript = bstrCatLen(f->transcript, f->p.argv[i], bstrLen(f->p.argv[i]));
        f->transcript = bstrCatLen(f->transcript, "\n", 1);
    }
}

/* Appends a chunk and runs every complete request, like
 * clientProcessInputBuffer.  After a protocol error nothing more is parsed
 * (the client is closed after the reply). */
static void feederFeed(feeder *f, const char *data, size_t len) {
    f->qb = bstrCatLen(f->qb, data, len);
    if (f->errored) return;
    while (f->qbPos < bstrLen(f->qb)) {
        const char *err = NULL;
        size_t before = f->qbPos;
        int rc = respParseRequest(&f->p, f->qb, bstrLen(f->qb), &f->qbPos, &f->lim, &err);
        if (f->qbPos < before || f->qbPos > bstrLen(f->qb)) f->badInvariant = 1;
        if (rc == RESP_PARSE_NEED_MORE) break;
        if (rc == RESP_PARSE_ERROR) {
            if (!err) err = "(null)";
            snprintf(f->err, sizeof(f->err), "%s", err);
            f->errored = 1;
            f->qbPos = bstrLen(f->qb);
            break;
        }
        if (rc != RESP_PARSE_OK || f->p.argc <= 0) f->badInvariant = 1;
        f->nreq++;
        if (f->expect) checkExpected(f);
        if (f->transcript) appendTranscript(f);
        respParserResetArgs(&f->p);
    }
    if (f->qbPos) {
        bstrRange(f->qb, (ssize_t)f->qbPos, -1);
        f->qbPos = 0;
    }
}

/* True when everything fed was consumed and parsed as expected. */
static int feederDone(const feeder *f, char *why, size_t whylen) {
    if (f->badInvariant) return snprintf(why, whylen, "invariant broken"), 0;
    if (f->errored) return snprintf(why, whylen, "error: %s", f->err), 0;
    if (f->mismatch) return snprintf(why, whylen, "%s", f->why), 0;
    if (f->expect && f->nextExpected != f->expect->nreq)
        return snprintf(why, whylen, "got %d requests, expected %d", f->nextExpected,
                        f->expect->nreq), 0;
    if (bstrLen(f->qb) != 0)
        return snprintf(why, whylen, "%zu bytes left unconsumed", bstrLen(f->qb)), 0;
    if (f->p.reqtype != RESP_REQ_NONE || f->p.argc != 0)
        return snprintf(why, whylen, "parser not idle (reqtype %d, argc %d)",
                        f->p.reqtype, f->p.argc), 0;
    return 1;
}

static const respLimits defaultLimits = {512LL * 1024 * 1024, 0};
static const respLimits unauthLimits = {512LL * 1024 * 1024, 1};

/* ---- 1. The valid corpus under every chunking ----------------------------- */

static void testCorpusOnePiece(const corpus *c, bstr *transcript) {
    TEST_CASE("corpus parsed in one piece gives the expected requests") {
        feeder f;
        char why[256];
        feederInit(&f, &defaultLimits, c, 1);
        feederFeed(&f, c->wire, bstrLen(c->wire));
        int ok = feederDone(&f, why, sizeof(why));
        if (!ok) fprintf(stderr, "  one piece: %s\n", why);
        ASSERT(ok);
        ASSERT_EQ_INT(f.nreq, c->nreq);
        *transcript = f.transcript;
        f.transcript = NULL;
        feederFree(&f);
    }
    TEST_CASE("corpus parsed by direct respParseRequest calls, no trimming") {
        /* The same through the raw API over one constant buffer. */
        respParser p;
        respParserInit(&p);
        size_t pos = 0, len = bstrLen(c->wire);
        int n = 0, bad = 0;
        while (pos < len) {
            const char *err = NULL;
            int rc = respParseRequest(&p, c->wire, len, &pos, &defaultLimits, &err);
            if (rc != RESP_PARSE_OK) {
                if (!(rc == RESP_PARSE_NEED_MORE && pos == len)) bad = 1;
                break;
            }
            if (n >= c->nreq || p.argc != c->reqs[n].argc) {
                bad = 1;
                break;
            }
            for (int i = 0; i < p.argc; i++)
                if (bstrLen(p.argv[i]) != bstrLen(c->reqs[n].argv[i]) ||
                    memcmp(p.argv[i], c->reqs[n].argv[i], bstrLen(p.argv[i])))
                    bad = 1;
            n++;
            respParserResetArgs(&p);
        }
        ASSERT(!bad);
        ASSERT_EQ_INT(n, c->nreq);
        ASSERT_EQ_UINT(pos, len);
        respParserFree(&p);
    }
}

static void testCorpusEverySplit(const corpus *c) {
    TEST_CASE("corpus split in two at every byte offset") {
        size_t len = bstrLen(c->wire);
        size_t failures = 0, firstFail = 0;
        char firstWhy[256] = "";
        feeder f;
        for (size_t k = 0; k <= len; k++) {
            char why[256];
            feederInit(&f, &defaultLimits, c, 0);
            feederFeed(&f, c->wire, k);
            feederFeed(&f, c->wire + k, len - k);
            if (!feederDone(&f, why, sizeof(why))) {
                if (failures++ == 0) {
                    firstFail = k;
                    memcpy(firstWhy, why, sizeof(why));
                }
            }
            feederFree(&f);
        }
        if (failures)
            fprintf(stderr, "  %zu split points fail; first at %zu of %zu: %s\n", failures,
                    firstFail, len, firstWhy);
        ASSERT_EQ_UINT(failures, 0);
    }
}

static void testCorpusChunked(const corpus *c, const bstr onePiece) {
    TEST_CASE("corpus fed one byte at a time") {
        feeder f;
        char why[256];
        size_t len = bstrLen(c->wire);
        feederInit(&f, &defaultLimits, c, 1);
        for (size_t i = 0; i < len; i++) feederFeed(&f, c->wire + i, 1);
        int ok = feederDone(&f, why, sizeof(why));
        if (!ok) fprintf(stderr, "  byte at a time: %s\n", why);
        ASSERT(ok);
        if (onePiece)
            ASSERT_EQ_MEM(f.transcript, bstrLen(f.transcript), onePiece, bstrLen(onePiece));
        feederFree(&f);
    }
    TEST_CASE("corpus fed in random chunk sizes") {
        uint64_t rng = 0x2545F4914F6CDD1DULL;
        size_t len = bstrLen(c->wire);
        int failures = 0;
        for (int round = 0; round < 200; round++) {
            feeder f;
            char why[256];
            feederInit(&f, &defaultLimits, c, 1);
            size_t pos = 0;
            while (pos < len) {
                rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
                /* Mostly small chunks, sometimes 16 KB (CLIENT_IOBUF_LEN). */
                size_t n = (rng % 8 == 0) ? 16384 : 1 + (size_t)(rng >> 8) % 40;
                if (n > len - pos) n = len - pos;
                feederFeed(&f, c->wire + pos, n);
                pos += n;
            }
            if (!feederDone(&f, why, sizeof(why))) {
                if (failures++ == 0) fprintf(stderr, "  round %d: %s\n", round, why);
            } else if (onePiece && (bstrLen(f.transcript) != bstrLen(onePiece) ||
                                    memcmp(f.transcript, onePiece, bstrLen(onePiece)))) {
                if (failures++ == 0) fprintf(stderr, "  round %d: transcript differs\n", round);
            }
            feederFree(&f);
        }
        ASSERT_EQ_INT(failures, 0);
    }
}

/* Every strict prefix of every valid entry, parsed alone, is NEED_MORE;
 * the whole entry is OK (or a consumed no-op). */
static void testCorpusPrefixes(const corpus *c) {
    TEST_CASE("incomplete prefixes of each valid request are NEED_MORE, never ERROR") {
        respParser p;
        respParserInit(&p);
        int bad = 0, req = 0;
        for (int e = 0; e < c->nent; e++) {
            const entry *en = &c->entries[e];
            const char *buf = c->wire + en->off;
            for (size_t l = 0; l < en->len; l++) {
                size_t pos = 0;
                const char *err = NULL;
                int rc = respParseRequest(&p, buf, l, &pos, &defaultLimits, &err);
                if (rc != RESP_PARSE_NEED_MORE || pos > l) {
                    if (bad++ == 0)
                        fprintf(stderr, "  entry %d prefix %zu: rc %d err %s\n", e, l, rc,
                                err ? err : "-");
                }
                respParserResetArgs(&p);
            }
            size_t pos = 0;
            const char *err = NULL;
            int rc = respParseRequest(&p, buf, en->len, &pos, &defaultLimits, &err);
            int want = en->argc ? RESP_PARSE_OK : RESP_PARSE_NEED_MORE;
            if (rc != want || pos != en->len ||
                (en->argc && p.argc != c->reqs[req].argc)) {
                if (bad++ == 0)
                    fprintf(stderr, "  entry %d whole: rc %d pos %zu/%zu\n", e, rc, pos,
                            en->len);
            }
            if (en->argc) req++;
            respParserResetArgs(&p);
        }
        ASSERT_EQ_INT(bad, 0);
        respParserFree(&p);
    }
    TEST_CASE("prefixes fed incrementally to one parser keep NEED_MORE until complete") {
        /* The same prefixes, but growing in one buffer with one parser, so
         * the state carried between calls is exercised too. */
        int bad = 0;
        for (int e = 0; e < c->nent; e++) {
            const entry *en = &c->entries[e];
            if (en->len > 4096) continue; /* the big one is covered above */
            respParser p;
            respParserInit(&p);
            size_t pos = 0;
            for (size_t l = 0; l <= en->len; l++) {
                const char *err = NULL;
                int rc = respParseRequest(&p, c->wire + en->off, l, &pos, &defaultLimits, &err);
                int want = (l == en->len && en->argc) ? RESP_PARSE_OK : RESP_PARSE_NEED_MORE;
                if (rc != want && bad++ == 0)
                    fprintf(stderr, "  entry %d at %zu: rc %d\n", e, l, rc);
            }
            if (pos != en->len && bad++ == 0)
                fprintf(stderr, "  entry %d: pos %zu of %zu\n", e, pos, en->len);
            respParserFree(&p);
        }
        ASSERT_EQ_INT(bad, 0);
    }
}

/* ---- Parser details --------------------------------------------------------- */

static void testParserState(void) {
    TEST_CASE("partial big bulk: header consumed, data kept, state exposed") {
        respParser p;
        respParserInit(&p);
        const char *buf = "*2\r\n$3\r\nSET\r\n$40000\r\nabc";
        size_t len = strlen(buf), pos = 0;
        const char *err = NULL;
        ASSERT_EQ_INT(respParseRequest(&p, buf, len, &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_INT(p.reqtype, RESP_REQ_MULTIBULK);
        ASSERT_EQ_INT(p.bulkLen, 40000);
        ASSERT_EQ_INT(p.multibulkLeft, 1);
        ASSERT_EQ_INT(p.argc, 1);
        ASSERT_EQ_UINT(pos, len - 3); /* at the start of the bulk data */
        respParserFree(&p);
    }
    TEST_CASE("bulk data without its CRLF is incomplete") {
        respParser p;
        respParserInit(&p);
        const char *err = NULL;
        size_t pos = 0;
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$3\r\nfoo"), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 8);
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$3\r\nfoo\r"), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 8);
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$3\r\nfoo\r\n"), &pos, &defaultLimits, &err),
                      RESP_PARSE_OK);
        ASSERT_EQ_UINT(pos, 13);
        ASSERT_EQ_INT(p.argc, 1);
        ASSERT_EQ_MEM(p.argv[0], bstrLen(p.argv[0]), "foo", 3);
        ASSERT_EQ_INT(p.reqtype, RESP_REQ_NONE);
        respParserFree(&p);
    }
    TEST_CASE("header line needs its LF before being consumed") {
        respParser p;
        respParserInit(&p);
        const char *err = NULL;
        size_t pos = 0;
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r"), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 0);
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$3\r"), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 4);
        ASSERT_EQ_INT(p.bulkLen, -1);
        respParserFree(&p);
    }
    TEST_CASE("a huge announced count preallocates modestly") {
        respParser p;
        respParserInit(&p);
        const char *err = NULL;
        size_t pos = 0;
        ASSERT_EQ_INT(respParseRequest(&p, W("*2147483647\r\n"), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_INT(p.multibulkLeft, 2147483647);
        ASSERT(p.argvCap <= 1024);
        ASSERT_EQ_INT(p.reqtype, RESP_REQ_MULTIBULK);
        respParserFree(&p);
    }
    TEST_CASE("requests with more arguments than the preallocation") {
        int n = 3000;
        arg *argv = xmalloc(sizeof(arg) * (size_t)n);
        char digits[3000][6];
        for (int i = 0; i < n; i++) {
            int l = snprintf(digits[i], sizeof(digits[i]), "%d", i);
            argv[i] = (arg){digits[i], (size_t)l};
        }
        bstr wire = catMultibulk(bstrEmpty(), n, argv);
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        ASSERT_EQ_INT(respParseRequest(&p, wire, bstrLen(wire), &pos, &defaultLimits, &err),
                      RESP_PARSE_OK);
        if (ASSERT_EQ_INT(p.argc, n)) {
            int bad = 0;
            for (int i = 0; i < n; i++)
                if (bstrLen(p.argv[i]) != argv[i].len || memcmp(p.argv[i], argv[i].p, argv[i].len))
                    bad++;
            ASSERT_EQ_INT(bad, 0);
        }
        ASSERT_EQ_UINT(pos, bstrLen(wire));
        respParserFree(&p);
        bstrFree(wire);
        xfree(argv);
    }
    TEST_CASE("argvBytes and arguments stolen by the caller") {
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        const char *buf = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\nECHO hi\r\n";
        size_t len = strlen(buf);
        ASSERT_EQ_INT(respParseRequest(&p, buf, len, &pos, &defaultLimits, &err), RESP_PARSE_OK);
        ASSERT_EQ_UINT(p.argvBytes, 14);
        bstr stolen = p.argv[2];
        p.argv[2] = NULL; /* the caller keeps it (as a stored value would) */
        respParserResetArgs(&p);
        ASSERT_EQ_INT(p.argc, 0);
        ASSERT_EQ_UINT(p.argvBytes, 0);
        ASSERT_EQ_MEM(stolen, bstrLen(stolen), "0123456789", 10);
        bstrFree(stolen);
        ASSERT_EQ_INT(respParseRequest(&p, buf, len, &pos, &defaultLimits, &err), RESP_PARSE_OK);
        ASSERT_EQ_INT(p.argc, 2);
        ASSERT_EQ_UINT(p.argvBytes, 6);
        ASSERT_EQ_UINT(pos, len);
        respParserFree(&p);
        respParserFree(&p); /* freeing twice is harmless */
    }
    TEST_CASE("inline: a NUL byte ends the line's arguments, as in Redis") {
        /* Redis splits the inline line with sdssplitargs, a C-string API. */
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        ASSERT_EQ_INT(respParseRequest(&p, W("ECHO a\0b c\r\nPING\r\n"), &pos, &defaultLimits,
                                       &err),
                      RESP_PARSE_OK);
        if (ASSERT_EQ_INT(p.argc, 2)) ASSERT_EQ_STR(p.argv[1], "a");
        ASSERT_EQ_UINT(pos, 12);
        respParserFree(&p);
    }
    TEST_CASE("inline: only no-ops in the buffer consume it all") {
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        const char *buf = "\r\n\n  \r\n*0\r\n*-1\r\n*-7\r\n\n";
        ASSERT_EQ_INT(respParseRequest(&p, buf, strlen(buf), &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, strlen(buf));
        ASSERT_EQ_INT(p.reqtype, RESP_REQ_NONE);
        respParserFree(&p);
    }
    TEST_CASE("arguments at RESP_BIG_ARG boundaries, byte at a time") {
        size_t sizes[] = {RESP_BIG_ARG - 1, RESP_BIG_ARG, RESP_BIG_ARG + 1};
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            corpus c;
            corpusInit(&c);
            char *data = xmalloc(sizes[s]);
            fillPattern(data, sizes[s], (unsigned)s + 5);
            corpusAddMultibulk(&c, 2, (arg[]){A("ECHO"), {data, sizes[s]}});
            corpusAddRaw(&c, W("PING\r\n"), 1, (arg[]){A("PING")});
            xfree(data);
            feeder f;
            char why[256];
            feederInit(&f, &defaultLimits, &c, 0);
            for (size_t i = 0; i < bstrLen(c.wire); i++) feederFeed(&f, c.wire + i, 1);
            int ok = feederDone(&f, why, sizeof(why));
            if (!ok) fprintf(stderr, "  size %zu: %s\n", sizes[s], why);
            ASSERT(ok);
            feederFree(&f);
            corpusFree(&c);
        }
    }
    TEST_CASE("inline up to 64 KB without newline waits, then parses") {
        size_t n = RESP_INLINE_MAX_SIZE;
        char *line = xmalloc(n + 1);
        memset(line, 'a', n);
        line[n] = '\n';
        feeder f;
        feederInit(&f, &defaultLimits, NULL, 0);
        feederFeed(&f, line, n);
        ASSERT(!f.errored);
        ASSERT_EQ_INT(f.nreq, 0);
        feederFeed(&f, line + n, 1);
        ASSERT(!f.errored);
        ASSERT_EQ_INT(f.nreq, 1);
        ASSERT_EQ_UINT(bstrLen(f.qb), 0);
        feederFree(&f);
        xfree(line);
    }
    TEST_CASE("count line up to 64 KB without CR waits") {
        size_t n = RESP_INLINE_MAX_SIZE;
        char *line = xmalloc(n + 8);
        line[0] = '*';
        memset(line + 1, '1', n - 1);
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        ASSERT_EQ_INT(respParseRequest(&p, line, n, &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 0);
        memcpy(line, "*1\r\n$", 5);
        memset(line + 5, '1', n - 1); /* the whole n + 4 bytes passed below */
        ASSERT_EQ_INT(respParseRequest(&p, line, n + 4, &pos, &defaultLimits, &err),
                      RESP_PARSE_NEED_MORE);
        ASSERT_EQ_UINT(pos, 4);
        respParserFree(&p);
        xfree(line);
    }
    TEST_CASE("limits: boundaries that are still accepted") {
        respLimits small = {10, 0};
        char ten[] = "*1\r\n$10\r\n0123456789\r\n";
        feeder f;
        feederInit(&f, &small, NULL, 0);
        feederFeed(&f, W(ten));
        ASSERT(!f.errored);
        ASSERT_EQ_INT(f.nreq, 1);
        feederFree(&f);

        arg argv[10];
        for (int i = 0; i < 10; i++) argv[i] = (arg)A("x");
        bstr wire = catMultibulk(bstrEmpty(), 10, argv);
        char *data = xmalloc(16384);
        memset(data, 'v', 16384);
        wire = catMultibulk(wire, 2, (arg[]){A("ECHO"), {data, 16384}});
        wire = bstrCat(wire, "PING\r\n");
        xfree(data);
        feederInit(&f, &unauthLimits, NULL, 0);
        feederFeed(&f, wire, bstrLen(wire));
        ASSERT(!f.errored);
        ASSERT_EQ_INT(f.nreq, 3);
        feederFree(&f);
        bstrFree(wire);
    }
}

/* ---- 2. Protocol errors ----------------------------------------------------- */

typedef struct errorCase {
    const char *name;
    bstr wire;
    respLimits lim;
    const char *err;
    int before; /* requests parsed before the error */
} errorCase;

static void runErrorCase(const errorCase *ec) {
    size_t len = bstrLen(ec->wire);
    int bad = 0;
    char why[300] = "";
    /* Chunk sizes: 0 = one piece; every size below; and for small inputs
     * byte at a time plus every two-chunk split. */
    size_t chunkings[] = {0, 1, 3, 997, 16384};
    for (size_t ci = 0; ci < sizeof(chunkings) / sizeof(chunkings[0]); ci++) {
        size_t chunk = chunkings[ci] ? chunkings[ci] : len;
        if (chunk == 0) chunk = 1;
        if (chunkings[ci] && chunkings[ci] < 10 && len > 2000) continue;
        feeder f;
        feederInit(&f, &ec->lim, NULL, 0);
        for (size_t pos = 0; pos < len; pos += chunk)
            feederFeed(&f, ec->wire + pos, len - pos < chunk ? len - pos : chunk);
        if (!f.errored || strcmp(f.err, ec->err) != 0 || f.nreq != ec->before ||
            f.badInvariant) {
            if (!bad++)
                snprintf(why, sizeof(why), "chunk %zu: errored %d err \"%s\" nreq %lld",
                         chunkings[ci], f.errored, f.err, f.nreq);
        }
        feederFree(&f);
    }
    if (len <= 2000) {
        for (size_t k = 0; k <= len; k++) {
            feeder f;
            feederInit(&f, &ec->lim, NULL, 0);
            feederFeed(&f, ec->wire, k);
            feederFeed(&f, ec->wire + k, len - k);
            if (!f.errored || strcmp(f.err, ec->err) != 0 || f.nreq != ec->before) {
                if (!bad++)
                    snprintf(why, sizeof(why), "split %zu: errored %d err \"%s\" nreq %lld", k,
                             f.errored, f.err, f.nreq);
            }
            feederFree(&f);
        }
    }
    TEST_CASE(ec->name) {
        if (bad) fprintf(stderr, "  %s: %s (expected \"%s\")\n", ec->name, why, ec->err);
        ASSERT_EQ_INT(bad, 0);
    }
}

static bstr repeatWire(const char *prefix, char c, size_t n) {
    bstr s = bstrNew(prefix);
    s = bstrMakeRoomFor(s, n);
    memset(s + bstrLen(s), c, n);
    bstrIncrLen(s, (ssize_t)n);
    return s;
}

#define E_MBULK "Protocol error: invalid multibulk length"
#define E_BULK "Protocol error: invalid bulk length"
#define E_INLINE "Protocol error: too big inline request"
#define E_QUOTES "Protocol error: unbalanced quotes in request"
#define E_MBULK_STR "Protocol error: too big mbulk count string"
#define E_BULK_STR "Protocol error: too big bulk count string"
#define E_UNAUTH_MBULK "Protocol error: unauthenticated multibulk length"
#define E_UNAUTH_BULK "Protocol error: unauthenticated bulk length"

static void testProtocolErrors(void) {
    const respLimits def = defaultLimits, un = unauthLimits, small = {10, 0};
    errorCase cases[] = {
        {"*3000000000 is an invalid multibulk length", bstrNew("*3000000000\r\n"), def, E_MBULK, 0},
        {"*abc is an invalid multibulk length", bstrNew("*abc\r\n"), def, E_MBULK, 0},
        {"empty count is an invalid multibulk length", bstrNew("*\r\n"), def, E_MBULK, 0},
        {"*-0 is an invalid multibulk length", bstrNew("*-0\r\n"), def, E_MBULK, 0},
        {"*+1 is an invalid multibulk length", bstrNew("*+1\r\n"), def, E_MBULK, 0},
        {"* 1 is an invalid multibulk length", bstrNew("* 1\r\n"), def, E_MBULK, 0},
        {"*01 is an invalid multibulk length", bstrNew("*01\r\n"), def, E_MBULK, 0},
        {"*1 with trailing space is an invalid multibulk length", bstrNew("*1 \r\n"), def,
         E_MBULK, 0},
        {"*2147483648 (INT_MAX+1) is an invalid multibulk length", bstrNew("*2147483648\r\n"),
         def, E_MBULK, 0},
        {"20-digit overflowing count is an invalid multibulk length",
         bstrNew("*99999999999999999999\r\n"), def, E_MBULK, 0},
        {"$-1 inside a multibulk is an invalid bulk length", bstrNew("*1\r\n$-1\r\n"), def,
         E_BULK, 0},
        {"$abc is an invalid bulk length", bstrNew("*1\r\n$abc\r\n"), def, E_BULK, 0},
        {"empty $ is an invalid bulk length", bstrNew("*1\r\n$\r\n"), def, E_BULK, 0},
        {"$-0 is an invalid bulk length", bstrNew("*2\r\n$1\r\na\r\n$-0\r\n"), def, E_BULK, 0},
        {"bulk longer than maxBulkLen is an invalid bulk length",
         bstrNew("*1\r\n$11\r\nhello world\r\n"), small, E_BULK, 0},
        {"expected '$', got 'f'", bstrNew("*1\r\nfoo\r\n"), def,
         "Protocol error: expected '$', got 'f'", 0},
        {"expected '$', got ':' for the second argument", bstrNew("*2\r\n$3\r\nGET\r\n:1\r\n"),
         def, "Protocol error: expected '$', got ':'", 0},
        {"requests before the error are still delivered",
         bstrNew("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\nfoo\r\n"), def,
         "Protocol error: expected '$', got 'f'", 2},
        {"inline over 64 KB without newline is too big", repeatWire("", 'a', 64 * 1024 + 1),
         def, E_INLINE, 0},
        {"inline: unbalanced double quote", bstrNew("SET \"foo\r\n"), def, E_QUOTES, 0},
        {"inline: unbalanced single quote", bstrNew("SET 'foo\r\n"), def, E_QUOTES, 0},
        {"inline: escaped closing quote leaves it unbalanced", bstrNew("ECHO \"abc\\\"\n"), def,
         E_QUOTES, 0},
        {"inline: closing double quote followed by a non-space",
         bstrNew("PING\r\nECHO \"a\"b\r\n"), def, E_QUOTES, 1},
        {"inline: closing single quote followed by a non-space", bstrNew("ECHO 'a'b\n"), def,
         E_QUOTES, 0},
        {"count line over 64 KB without CR: too big mbulk count string",
         repeatWire("*", '1', 70000), def, E_MBULK_STR, 0},
        {"bulk count line over 64 KB without CR: too big bulk count string",
         repeatWire("*1\r\n$", '1', 70000), def, E_BULK_STR, 0},
        {"unauthenticated: *11 is refused", bstrNew("*11\r\n"), un, E_UNAUTH_MBULK, 0},
        {"unauthenticated: $16385 is refused", bstrNew("*1\r\n$16385\r\n"), un, E_UNAUTH_BULK, 0},
        {"unauthenticated: invalid count is reported first", bstrNew("*3000000000\r\n"), un,
         E_MBULK, 0},
        {"unauthenticated: invalid bulk length is reported first", bstrNew("*1\r\n$-1\r\n"), un,
         E_BULK, 0},
        {"unauthenticated: maxBulkLen is checked before the auth limit",
         bstrNew("*1\r\n$20000\r\n"), (respLimits){17000, 1}, E_BULK, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        runErrorCase(&cases[i]);
        bstrFree(cases[i].wire);
    }
    TEST_CASE("error text for direct calls, and *pos is not past the buffer") {
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        const char *err = NULL;
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$4\r\nPING\r\n*x\r\n"), &pos,
                                       &defaultLimits, &err),
                      RESP_PARSE_OK);
        ASSERT(err == NULL);
        respParserResetArgs(&p);
        ASSERT_EQ_INT(respParseRequest(&p, W("*1\r\n$4\r\nPING\r\n*x\r\n"), &pos,
                                       &defaultLimits, &err),
                      RESP_PARSE_ERROR);
        ASSERT_EQ_STR(err, E_MBULK);
        ASSERT(pos <= 19);
        respParserFree(&p);
    }
}

/* ---- 3. A long pipeline -------------------------------------------------- */

static void testPipeline(void) {
    const char ping[] = "*1\r\n$4\r\nPING\r\n";
    const size_t plen = sizeof(ping) - 1;
    const int n = 100000;
    bstr buf = bstrEmptyCapacity(plen * (size_t)n);
    for (int i = 0; i < n; i++) buf = bstrCatLen(buf, ping, plen);
    TEST_CASE("100,000 pipelined PINGs in one buffer parse to 100,000 requests") {
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        int count = 0, bad = 0, rc;
        const char *err = NULL;
        while ((rc = respParseRequest(&p, buf, bstrLen(buf), &pos, &defaultLimits, &err)) ==
               RESP_PARSE_OK) {
            count++;
            if (p.argc != 1 || bstrLen(p.argv[0]) != 4 || memcmp(p.argv[0], "PING", 4)) bad++;
            respParserResetArgs(&p);
        }
        ASSERT_EQ_INT(rc, RESP_PARSE_NEED_MORE);
        ASSERT_EQ_INT(count, n);
        ASSERT_EQ_INT(bad, 0);
        ASSERT_EQ_UINT(pos, bstrLen(buf));
        respParserFree(&p);
    }
    TEST_CASE("the same pipeline read in 16 KB chunks by the client emulation") {
        feeder f;
        feederInit(&f, &defaultLimits, NULL, 0);
        for (size_t pos = 0; pos < bstrLen(buf); pos += 16384) {
            size_t c = bstrLen(buf) - pos < 16384 ? bstrLen(buf) - pos : 16384;
            feederFeed(&f, buf + pos, c);
        }
        ASSERT(!f.errored);
        ASSERT(!f.badInvariant);
        ASSERT_EQ_INT(f.nreq, n);
        ASSERT_EQ_UINT(bstrLen(f.qb), 0);
        feederFree(&f);
    }
    TEST_CASE("100,000 pipelined inline PINGs") {
        bstr in = bstrEmpty();
        for (int i = 0; i < n; i++) in = bstrCatLen(in, (i & 1) ? "PING\r\n" : "PING\n", (i & 1) ? 6 : 5);
        respParser p;
        respParserInit(&p);
        size_t pos = 0;
        int count = 0;
        const char *err = NULL;
        while (respParseRequest(&p, in, bstrLen(in), &pos, &defaultLimits, &err) == RESP_PARSE_OK) {
            count++;
            respParserResetArgs(&p);
        }
        ASSERT_EQ_INT(count, n);
        ASSERT_EQ_UINT(pos, bstrLen(in));
        respParserFree(&p);
        bstrFree(in);
    }
    bstrFree(buf);
}

/* ---- 4. resp_encode ------------------------------------------------------- */

#define ASSERT_ENC(call, expected)                          \
    do {                                                    \
        char b_[128];                                       \
        memset(b_, 0x5a, sizeof(b_));                       \
        size_t n_ = (call);                                 \
        ASSERT_EQ_MEM(b_, n_, expected, strlen(expected));  \
    } while (0)

static void testEncode(void) {
    TEST_CASE("respEncodeHeader") {
        ASSERT_ENC(respEncodeHeader(b_, RESP_ARRAY, 0), "*0\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP_BULK, 5), "$5\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP_BULK, -1), "$-1\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP_INTEGER, -42), ":-42\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP_INTEGER, LLONG_MAX), ":9223372036854775807\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP_INTEGER, LLONG_MIN), ":-9223372036854775808\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP3_MAP, 7), "%7\r\n");
        ASSERT_ENC(respEncodeHeader(b_, RESP3_SET, 1234567890), "~1234567890\r\n");
    }
    TEST_CASE("respEncodeHeader stays within RESP_HEADER_MAX") {
        char b[RESP_HEADER_MAX + 16];
        memset(b, 0x5a, sizeof(b));
        size_t n = respEncodeHeader(b, RESP_INTEGER, LLONG_MIN);
        ASSERT(n <= RESP_HEADER_MAX);
        int intact = 1;
        for (size_t i = RESP_HEADER_MAX; i < sizeof(b); i++) intact &= b[i] == 0x5a;
        ASSERT(intact);
    }
    TEST_CASE("respEncodeDouble RESP2: a bulk string") {
        ASSERT_ENC(respEncodeDouble(b_, 1.5, 2), "$3\r\n1.5\r\n");
        ASSERT_ENC(respEncodeDouble(b_, 0.0, 2), "$1\r\n0\r\n");
        ASSERT_ENC(respEncodeDouble(b_, INFINITY, 2), "$3\r\ninf\r\n");
        ASSERT_ENC(respEncodeDouble(b_, -INFINITY, 2), "$4\r\n-inf\r\n");
        ASSERT_ENC(respEncodeDouble(b_, 3.0, 2), "$1\r\n3\r\n");
        ASSERT_ENC(respEncodeDouble(b_, -2.25, 2), "$5\r\n-2.25\r\n");
        ASSERT_ENC(respEncodeDouble(b_, 0.1, 2), "$19\r\n0.10000000000000001\r\n");
        ASSERT_ENC(respEncodeDouble(b_, -DBL_MAX, 2), "$24\r\n-1.7976931348623157e+308\r\n");
    }
    TEST_CASE("respEncodeDouble RESP3: a double") {
        ASSERT_ENC(respEncodeDouble(b_, 1.5, 3), ",1.5\r\n");
        ASSERT_ENC(respEncodeDouble(b_, 0.0, 3), ",0\r\n");
        ASSERT_ENC(respEncodeDouble(b_, INFINITY, 3), ",inf\r\n");
        ASSERT_ENC(respEncodeDouble(b_, -INFINITY, 3), ",-inf\r\n");
        ASSERT_ENC(respEncodeDouble(b_, 1e300, 3), ",1.0000000000000001e+300\r\n");
        ASSERT_ENC(respEncodeDouble(b_, -DBL_MAX, 3), ",-1.7976931348623157e+308\r\n");
    }
    TEST_CASE("respEncodeDouble stays within RESP_DOUBLE_MAX") {
        double vals[] = {-DBL_MAX, DBL_MAX, -DBL_MIN, -4.9406564584124654e-324,
                         -1.2345678901234567e-300, -INFINITY};
        int ok = 1;
        for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
            for (int resp = 2; resp <= 3; resp++) {
                char b[RESP_DOUBLE_MAX + 32];
                memset(b, 0x5a, sizeof(b));
                size_t n = respEncodeDouble(b, vals[i], resp);
                if (n > RESP_DOUBLE_MAX) ok = 0;
                for (size_t j = RESP_DOUBLE_MAX; j < sizeof(b); j++)
                    if (b[j] != 0x5a) ok = 0;
            }
        }
        ASSERT(ok);
    }
    TEST_CASE("null, null array and booleans in RESP2 and RESP3") {
        ASSERT_ENC(respEncodeNull(b_, 2), "$-1\r\n");
        ASSERT_ENC(respEncodeNull(b_, 3), "_\r\n");
        ASSERT_ENC(respEncodeNullArray(b_, 2), "*-1\r\n");
        ASSERT_ENC(respEncodeNullArray(b_, 3), "_\r\n");
        ASSERT_ENC(respEncodeBool(b_, 1, 2), ":1\r\n");
        ASSERT_ENC(respEncodeBool(b_, 0, 2), ":0\r\n");
        ASSERT_ENC(respEncodeBool(b_, 1, 3), "#t\r\n");
        ASSERT_ENC(respEncodeBool(b_, 0, 3), "#f\r\n");
        ASSERT_ENC(respEncodeBool(b_, 42, 3), "#t\r\n");
        ASSERT_ENC(respEncodeBool(b_, -1, 2), ":1\r\n");
    }
    TEST_CASE("aggregate headers: RESP2 flattens, doubling map lengths") {
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_MAP, 3, 2), "*6\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_MAP, 0, 2), "*0\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_MAP, 3, 3), "%3\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_SET, 3, 2), "*3\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_SET, 3, 3), "~3\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_PUSH, 3, 2), "*3\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_PUSH, 3, 3), ">3\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP_ARRAY, 4, 3), "*4\r\n");
        ASSERT_ENC(respEncodeAggregateHeader(b_, RESP3_MAP, 1000000, 2), "*2000000\r\n");
    }
}

int main(void) {
    corpus c;
    bstr onePiece = NULL;
    buildCorpus(&c);
    testCorpusOnePiece(&c, &onePiece);
    testCorpusChunked(&c, onePiece);
    testCorpusEverySplit(&c);
    testCorpusPrefixes(&c);
    bstrFree(onePiece);
    corpusFree(&c);

    testParserState();
    testProtocolErrors();
    testPipeline();
    testEncode();
    return testReport();
}
