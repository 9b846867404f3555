/* tests/c/test_rdb_encoding.c -- unit tests for the DUMP payload codec and
 * its parts: src/lib/crc64.c, lzf.c, listpack.c, ziplist.c and
 * rdb_encoding.c.
 *
 * The expected payloads are DUMP output of redis-server 7.0.15 for
 *   SET a aaaaaaaaaaaaaaaaaaaaa  (21 bytes: LZF)
 *   HSET h a 1 bb hello ccc -300 d 70000  (a listpack)
 *   SADD s 1 2 3 -70000  (an intset of 32 bits)
 * and the lists in testLists,
 * taken with redis-cli --raw DUMP KEY | head -c -1 | xxd -p. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/bstr.h"
#include "lib/crc64.h"
#include "lib/listpack.h"
#include "lib/lzf.h"
#include "lib/quicklist.h"
#include "lib/rdb_encoding.h"
#include "lib/ziplist.h"
#include "test.h"
#include "test_payload.h"

static uint64_t rngState = 0x9e3779b97f4a7c15ULL;
static uint64_t rng(void) { return testXorshift(&rngState); }

static const char *redisString =
    "00c30615016161e00a000a00fd0cb36807413f68";
static const char *redisHash =
    "10272700000008008161020101826262038568656c6c6f068363636304ded402816402f270110104ff0a0057"
    "2750130194a9c9";
static const char *redisSet =
    "0b18040000000400000090eefeff0100000002000000030000000a00a8b63c622cbf2c9c";
/* list-max-listpack-size 2, RPUSH l a b c d e: three nodes */
static const char *redisListFill2 =
    "1203020d0d0000000200816102816202ff020d0d0000000200816302816402ff020a0a0000000100816502ff"
    "0a00ec5236a76020a1db";

static void testCrc64(void) {
    TEST_CASE("CRC-64/Jones check value") {
        ASSERT(crc64(0, "123456789", 9) == 0xE9C6D914C4B8D9CAULL);
        ASSERT(crc64(0, NULL, 0) == 0);
    }
    TEST_CASE("CRC over pieces equals CRC of the whole") {
        const char *s = "The quick brown fox jumps over the lazy dog";
        size_t n = strlen(s);
        for (size_t cut = 0; cut <= n; cut++)
            ASSERT(crc64(crc64(0, s, cut), s + cut, n - cut) == crc64(0, s, n));
    }
}

static void testLzf(void) {
    TEST_CASE("LZF round trips random and repetitive inputs") {
        for (int round = 0; round < 500; round++) {
            size_t n = 1 + rng() % 5000;
            int alphabet = 1 + (int)(rng() % (round % 3 == 0 ? 256 : 4));
            size_t cap = n + n / 16 + 64;
            char *in = xmalloc(n), *out = xmalloc(cap), *back = xmalloc(n);
            for (size_t i = 0; i < n; i++) in[i] = (char)('a' + rng() % (unsigned)alphabet);
            size_t clen = lzfCompress(in, n, out, cap);
            ASSERT(clen > 0);
            ASSERT(lzfDecompress(out, clen, back, n));
            ASSERT(memcmp(in, back, n) == 0);
            /* One byte less room than needed: refused, never overrun. */
            if (clen > 1) ASSERT(lzfCompress(in, n, out, clen - 1) == 0);
            xfree(in);
            xfree(out);
            xfree(back);
        }
    }
    TEST_CASE("LZF gives redis-server's bytes") {
        char out[32];
        size_t clen = lzfCompress("aaaaaaaaaaaaaaaaaaaaa", 21, out, 17);
        bstr want = fromHex("016161e00a00");
        ASSERT_EQ_MEM(out, clen, want, bstrLen(want));
        bstrFree(want);
    }
    TEST_CASE("LZF refuses what does not fit") {
        char out[8];
        ASSERT(lzfCompress("abcdefghijklmnopqrstuvwxyz", 26, out, sizeof(out)) == 0);
    }
    TEST_CASE("LZF decompression refuses damaged streams") {
        char back[64];
        /* A reference before the start, a run past the input, a run past
         * the output, a length byte missing, trailing bytes. */
        ASSERT(!lzfDecompress("\x20\x05", 2, back, 3));
        ASSERT(!lzfDecompress("\x05" "abc", 4, back, 6));
        ASSERT(!lzfDecompress("\x02" "abc", 4, back, 2));
        ASSERT(!lzfDecompress("\x00" "a" "\xe0", 3, back, 20));
        ASSERT(!lzfDecompress("\x00" "a" "\x00" "b", 4, back, 1));
        ASSERT(lzfDecompress("\x00" "a" "\x20\x00", 4, back, 4));
        ASSERT_EQ_MEM(back, 4, "aaaa", 4);
        /* Every truncation of a good stream fails cleanly. */
        const char *good = "\x01" "aa" "\xe0\x0a\x00";
        for (size_t i = 0; i < 6; i++) ASSERT(!lzfDecompress(good, i, back, 21));
        ASSERT(lzfDecompress(good, 6, back, 21));
    }
}

/* Collects a blob's elements into a bstr separated by '|'. */
static int joinEntry(void *priv, const char *s, size_t len) {
    bstr *out = priv;
    *out = bstrCatLen(*out, s, len);
    *out = bstrCatLen(*out, "|", 1);
    return 1;
}

static void testListpack(void) {
    TEST_CASE("listpack writer gives redis-server's bytes") {
        const char *items[] = {"a", "1", "bb", "hello", "ccc", "-300", "d", "70000"};
        bstr b[8];
        for (int i = 0; i < 8; i++) b[i] = bstrNew(items[i]);
        bstr lp = lpAppendBlob(bstrEmpty(), b, 8);
        bstr want = fromHex("2700000008008161020101826262038568656c6c6f068363636304ded40281640"
                            "2f270110104ff");
        ASSERT_EQ_MEM(lp, bstrLen(lp), want, bstrLen(want));
        bstr joined = bstrEmpty();
        ASSERT(lpWalk((unsigned char *)lp, bstrLen(lp), joinEntry, &joined));
        ASSERT_EQ_STR(joined, "a|1|bb|hello|ccc|-300|d|70000|");
        for (int i = 0; i < 8; i++) bstrFree(b[i]);
        bstrFree(lp);
        bstrFree(want);
        bstrFree(joined);
    }
    TEST_CASE("listpack round trips every encoding") {
        const char *items[] = {"0", "127", "128", "-4096", "4095", "-4097", "32767", "-32769",
                               "8388607", "8388608", "-2147483648", "2147483648",
                               "-9223372036854775808", "9223372036854775807", "007", "", "+1"};
        size_t n = sizeof(items) / sizeof(items[0]);
        bstr b[20];
        for (size_t i = 0; i < n; i++) b[i] = bstrNew(items[i]);
        b[n++] = bstrNewLen(NULL, 63);
        b[n++] = bstrNewLen(NULL, 4095);
        b[n++] = bstrNewLen(NULL, 70000);
        bstr lp = lpAppendBlob(bstrEmpty(), b, n);
        bstr joined = bstrEmpty(), want = bstrEmpty();
        for (size_t i = 0; i < n; i++) want = joinEntry(&want, b[i], bstrLen(b[i])) ? want : want;
        ASSERT(lpWalk((unsigned char *)lp, bstrLen(lp), joinEntry, &joined));
        ASSERT_EQ_MEM(joined, bstrLen(joined), want, bstrLen(want));
        for (size_t i = 0; i < n; i++) bstrFree(b[i]);
        bstrFree(lp);
        bstrFree(joined);
        bstrFree(want);
    }
    TEST_CASE("listpack: every truncation and flipped byte is refused or read in bounds") {
        bstr lp = fromHex("2700000008008161020101826262038568656c6c6f068363636304ded402816402"
                          "f270110104ff");
        size_t len = bstrLen(lp);
        for (size_t i = 0; i < len; i++) {
            bstr j = bstrEmpty();
            ASSERT(!lpWalk((unsigned char *)lp, i, joinEntry, &j));
            bstrFree(j);
        }
        for (size_t i = 0; i < len; i++) {
            for (int v = 0; v < 256; v++) {
                bstr m = bstrDup(lp), j = bstrEmpty();
                m[i] = (char)v;
                lpWalk((unsigned char *)m, len, joinEntry, &j); /* no crash (ASan) */
                bstrFree(m);
                bstrFree(j);
            }
        }
        bstrFree(lp);
    }
}

typedef int walkFn(const unsigned char *p, size_t len, packEntryFn *fn, void *priv);

/* The blob in hex walks to the elements `want` (joined by '|'), and every
 * truncation of it is refused. */
static void checkBlob(walkFn *walk, const char *hex, const char *want) {
    bstr blob = fromHex(hex), j = bstrEmpty();
    ASSERT(walk((unsigned char *)blob, bstrLen(blob), joinEntry, &j));
    ASSERT_EQ_STR(j, want);
    bstrFree(j);
    for (size_t i = 0; i < bstrLen(blob); i++) {
        j = bstrEmpty();
        ASSERT(!walk((unsigned char *)blob, i, joinEntry, &j));
        bstrFree(j);
    }
    bstrFree(blob);
}

static void testZiplistZipmap(void) {
    TEST_CASE("ziplist and zipmap blobs read") {
        checkBlob(ziplistWalk,
                  "2400000021000000060000046e616d650605726564697307016e03c0d4fe0401780300ff",
                  "name|redis|n|-300|x||");
        checkBlob(zipmapWalk, "02046e616d65050172656469733f016e0300333030ff", "name|redis|n|300|");
        checkBlob(lpWalk, "0c00000002008161020101ff", "a|1|");
    }
}

/* Verifies and decodes the payload in hex into *o, of kind with n
 * elements: 1 when all of that held (free *o then). */
static int decodeHex(const char *hex, int kind, size_t n, rdbObject *o) {
    bstr p = fromHex(hex);
    int ok = ASSERT(rdbPayloadVerify(p, bstrLen(p))) &&
             ASSERT(rdbPayloadDecode(p, bstrLen(p), SIZE_MAX, o));
    bstrFree(p);
    if (!ok) return 0;
    if (ASSERT_EQ_INT(o->kind, kind) && ASSERT_EQ_INT(o->n, n)) return 1;
    rdbObjectFree(o);
    return 0;
}

static void testPayloads(void) {
    TEST_CASE("writers give redis-server's payloads") {
        bstr s = rdbPayloadString("aaaaaaaaaaaaaaaaaaaaa", 21, 1);
        bstr want = fromHex(redisString);
        ASSERT_EQ_MEM(s, bstrLen(s), want, bstrLen(want));
        bstrFree(s);
        bstrFree(want);

        const char *names[] = {"a", "bb", "ccc", "d"}, *values[] = {"1", "hello", "-300", "70000"};
        bstr n[4], v[4];
        for (int i = 0; i < 4; i++) n[i] = bstrNew(names[i]), v[i] = bstrNew(values[i]);
        s = rdbPayloadHash(n, v, 4, 1, 1);
        want = fromHex(redisHash);
        ASSERT_EQ_MEM(s, bstrLen(s), want, bstrLen(want));
        bstrFree(s);
        bstrFree(want);
        for (int i = 0; i < 4; i++) bstrFree(n[i]), bstrFree(v[i]);

        const char *members[] = {"3", "-70000", "1", "2"};
        bstr m[4];
        for (int i = 0; i < 4; i++) m[i] = bstrNew(members[i]);
        s = rdbPayloadSet(m, 4, 1, 1);
        want = fromHex(redisSet);
        ASSERT_EQ_MEM(s, bstrLen(s), want, bstrLen(want));
        bstrFree(s);
        bstrFree(want);
        for (int i = 0; i < 4; i++) bstrFree(m[i]);
    }
    TEST_CASE("redis-server's payloads decode") {
        rdbObject o;
        if (decodeHex(redisString, RDB_OBJ_STRING, 0, &o)) {
            ASSERT_EQ_MEM(o.str, bstrLen(o.str), "aaaaaaaaaaaaaaaaaaaaa", 21);
            rdbObjectFree(&o);
        }
        if (decodeHex(redisHash, RDB_OBJ_HASH, 4, &o)) {
            ASSERT_EQ_STR(o.names[2], "ccc");
            ASSERT_EQ_STR(o.values[2], "-300");
            rdbObjectFree(&o);
        }
        if (decodeHex(redisSet, RDB_OBJ_SET, 4, &o)) {
            ASSERT_EQ_STR(o.names[0], "-70000");
            rdbObjectFree(&o);
        }
    }
    TEST_CASE("the checksum and the version are checked") {
        bstr p = fromHex(redisString);
        ASSERT(rdbPayloadVerify(p, bstrLen(p)));
        for (size_t i = 0; i < bstrLen(p); i++) {
            p[i] ^= 0x01;
            ASSERT(!rdbPayloadVerify(p, bstrLen(p)));
            p[i] ^= 0x01;
        }
        for (size_t i = 0; i < bstrLen(p); i++) ASSERT(!rdbPayloadVerify(p, i));
        bstrFree(p);
        bstr body = fromHex("000161");
        p = withFooter(body, 3);
        p[3] = 11; /* version 11 with a CRC that matches it */
        uint64_t crc = crc64(0, p, bstrLen(p) - 8);
        for (int i = 0; i < 8; i++) p[bstrLen(p) - 8 + i] = (char)(crc >> (8 * i));
        ASSERT(!rdbPayloadVerify(p, bstrLen(p)));
        bstrFree(p);
        bstrFree(body);
    }
    TEST_CASE("lengths of every size round-trip inside a string") {
        size_t sizes[] = {0, 1, 63, 64, 16383, 16384, 70000};
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
            bstr v = bstrNewLen(NULL, sizes[k]);
            for (size_t i = 0; i < sizes[k]; i++) v[i] = (char)(rng() & 0xFF);
            bstr p = rdbPayloadString(v, sizes[k], 1);
            rdbObject o;
            ASSERT(rdbPayloadDecode(p, bstrLen(p), SIZE_MAX, &o));
            ASSERT_EQ_MEM(o.str, bstrLen(o.str), v, sizes[k]);
            rdbObjectFree(&o);
            bstrFree(p);
            bstrFree(v);
        }
        bstr l = rdbAppendLen(bstrEmpty(), 4294967296ULL);
        ASSERT_EQ_INT(bstrLen(l), 9);
        ASSERT_EQ_INT((unsigned char)l[0], 0x81);
        bstrFree(l);
    }
    TEST_CASE("integer-encoded strings of 8, 16 and 32 bits") {
        const char *ints[] = {"0", "-128", "127", "128", "-32768", "32767", "32768",
                              "-2147483648", "2147483647"};
        size_t want[] = {2, 2, 2, 3, 3, 3, 5, 5, 5};
        for (size_t i = 0; i < 9; i++) {
            bstr s = rdbAppendString(bstrEmpty(), ints[i], strlen(ints[i]), 1);
            ASSERT_EQ_INT(bstrLen(s), want[i]);
            bstrFree(s);
            bstr p = rdbPayloadString(ints[i], strlen(ints[i]), 1);
            rdbObject o;
            ASSERT(rdbPayloadDecode(p, bstrLen(p), SIZE_MAX, &o));
            ASSERT_EQ_STR(o.str, ints[i]);
            rdbObjectFree(&o);
            bstrFree(p);
        }
        bstr s = rdbAppendString(bstrEmpty(), "aaaaaaaaaaaaaaaaaaaaa", 21, 0);
        ASSERT_EQ_INT(bstrLen(s), 22); /* not compressed */
        bstrFree(s);
        s = rdbAppendString(bstrEmpty(), "2147483648", 10, 1);
        ASSERT_EQ_INT(bstrLen(s), 11);
        bstrFree(s);
    }
    TEST_CASE("damaged bodies never decode out of bounds") {
        const char *payloads[] = {redisString, redisHash, redisSet, redisListFill2};
        for (int k = 0; k < 4; k++) {
            bstr p = fromHex(payloads[k]);
            size_t blen = bstrLen(p) - RDB_FOOTER_SIZE;
            for (size_t i = 0; i < blen; i++) {
                /* Truncated, with a correct footer. */
                bstr t = withFooter(p, i);
                rdbObject o;
                ASSERT(!rdbPayloadDecode(t, bstrLen(t), SIZE_MAX, &o));
                bstrFree(t);
                for (int v = 0; v < 256; v += 3) {
                    bstr m = bstrNewLen(p, blen);
                    m[i] = (char)v;
                    t = withFooter(m, blen);
                    if (rdbPayloadDecode(t, bstrLen(t), SIZE_MAX, &o)) rdbObjectFree(&o);
                    bstrFree(t);
                    bstrFree(m);
                }
            }
            bstrFree(p);
        }
    }
    TEST_CASE("strings longer than the bound are refused, plain or LZF") {
        rdbObject o;
        bstr p = fromHex(redisString); /* LZF, 21 bytes */
        ASSERT(!rdbPayloadDecode(p, bstrLen(p), 20, &o));
        ASSERT(rdbPayloadDecode(p, bstrLen(p), 21, &o));
        rdbObjectFree(&o);
        bstrFree(p);
        p = rdbPayloadString("hello", 5, 1);
        ASSERT(!rdbPayloadDecode(p, bstrLen(p), 4, &o));
        bstrFree(p);
        p = fromHex(redisHash);
        ASSERT(!rdbPayloadDecode(p, bstrLen(p), 30, &o)); /* the listpack blob is 39 */
        bstrFree(p);
    }
    TEST_CASE("a huge claimed count or LZF length is refused at once") {
        const char *bodies[] = {"0281ffffffffffffffff", "04800fffffff",
                                "00c3018fffffff00", "00c30380ffffffff000000"};
        for (int k = 0; k < 4; k++) {
            bstr b = fromHex(bodies[k]);
            bstr t = withFooter(b, bstrLen(b));
            rdbObject o;
            ASSERT(!rdbPayloadDecode(t, bstrLen(t), SIZE_MAX, &o));
            bstrFree(t);
            bstrFree(b);
        }
    }
}

/* ---- Lists ---------------------------------------------------------- */

/* The lists of redis-server 7.0.15, each built by one RPUSH into an empty
 * key under the settings named. */
typedef struct redisList {
    const char *what;
    qlOptions opt;
    int compress; /* rdbcompression */
    const char *items[4];
    const char *hex;
} redisList;

#define A20 "aaaaaaaaaaaaaaaaaaaa"
#define A100 A20 A20 A20 A20 A20
#define B100 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C100 "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HEX20(b) b b b b b b b b b b b b b b b b b b b b
#define HEX100(b) HEX20(b) HEX20(b) HEX20(b) HEX20(b) HEX20(b)

static const redisList redisLists[] = {
    {"one node, integers of every listpack width (defaults)",
     {-2, 0, QL_PACKED_THRESHOLD}, 1, {NULL},
     "1201022b2b00000008008161028162020101dffb02c12c02f270110104f4351cdcdf02000000098568656c6c"
     "6f06ff0a0007ca1652bb429b47"},
    {"three nodes (list-max-listpack-size 2): a b c d e",
     {2, 0, QL_PACKED_THRESHOLD}, 1, {"a", "b", "c", "d"}, NULL},
    {"a PLAIN node (DEBUG QUICKLIST-PACKED-THRESHOLD 5): x, hello world, y",
     {-2, 0, 5}, 1, {"x", "hello world", "y"},
     "1203020a0a0000000100817802ff010b68656c6c6f20776f726c64020a0a0000000100817902ff0a006ace9e"
     "219a64d7ac"},
    {"list-compress-depth 1, list-max-listpack-size 1, rdbcompression no",
     {1, 1, QL_PACKED_THRESHOLD}, 0, {A100, B100, C100},
     "120302406e6e0000000100e064" HEX100("61") "66ff02c310406e086e0000000100e06462e05a000166ff02"
     "406e6e0000000100e064" HEX100("63") "66ff0a00fc8efe4277cd9491"},
};

/* The items of redisLists[k] (the first one's are fixed here). */
static size_t listItems(size_t k, bstr *items) {
    static const char *first[] = {"a", "b", "1", "-5", "300", "70000", "12345678901", "hello"};
    size_t n = 0;
    if (k == 0) {
        for (; n < 8; n++) items[n] = bstrNewLen(first[n], strlen(first[n]));
        return n;
    }
    for (; n < 4 && redisLists[k].items[n]; n++)
        items[n] = bstrNewLen(redisLists[k].items[n], strlen(redisLists[k].items[n]));
    if (k == 1) items[n++] = bstrNewLen("e", 1);
    return n;
}

/* Decodes hex (a whole payload): 1 when it reads as the list of the n
 * items, 0 when refused. */
static int decodesAsList(bstr p, const bstr *items, size_t n) {
    rdbObject o;
    if (!rdbPayloadVerify(p, bstrLen(p)) || !rdbPayloadDecode(p, bstrLen(p), SIZE_MAX, &o))
        return 0;
    int same = o.kind == RDB_OBJ_LIST && o.names == NULL && o.n == n;
    for (size_t i = 0; same && i < n; i++)
        same = bstrLen(o.values[i]) == bstrLen(items[i]) &&
               memcmp(o.values[i], items[i], bstrLen(items[i])) == 0;
    rdbObjectFree(&o);
    return same;
}

/* A payload body given in hex, with a footer: whether it decodes. */
static int bodyDecodes(const char *hex, rdbObject *o) {
    bstr b = fromHex(hex);
    bstr p = withFooter(b, bstrLen(b));
    int ok = rdbPayloadDecode(p, bstrLen(p), SIZE_MAX, o);
    bstrFree(p);
    bstrFree(b);
    return ok;
}

static void testLists(void) {
    TEST_CASE("list payloads are redis-server's bytes and decode back") {
        for (size_t k = 0; k < sizeof(redisLists) / sizeof(redisLists[0]); k++) {
            bstr items[8];
            size_t n = listItems(k, items);
            bstr got = rdbPayloadList(items, n, &redisLists[k].opt, redisLists[k].compress);
            bstr want = fromHex(redisLists[k].hex ? redisLists[k].hex : redisListFill2);
            if (!ASSERT_EQ_MEM(got, bstrLen(got), want, bstrLen(want)))
                fprintf(stderr, "  in: %s\n", redisLists[k].what);
            ASSERT(decodesAsList(want, items, n));
            for (size_t i = 0; i < n; i++) bstrFree(items[i]);
            bstrFree(got);
            bstrFree(want);
        }
    }
    TEST_CASE("nodes are cut as Redis cuts them") {
        /* 200 strings of 100 bytes take 103 bytes each in a listpack; an
         * 8 KB node (fill -2) takes 79 of them (redis-server: 79, 79, 42). */
        bstr items[200];
        for (int i = 0; i < 200; i++) items[i] = bstrNewLen(A100, 100);
        qlNode *nodes;
        qlOptions o = {-2, 0, QL_PACKED_THRESHOLD};
        size_t len = qlLayout(items, 200, &o, &nodes);
        ASSERT_EQ_INT(len, 3);
        ASSERT_EQ_INT(nodes[0].count, 79);
        ASSERT_EQ_INT(nodes[1].first, 79);
        ASSERT_EQ_INT(nodes[2].count, 42);
        xfree(nodes);
        /* fill is clamped to -5; fill 0 gives one element per node; a
         * count fill still stops at 8 KB. */
        o.fill = -100;
        len = qlLayout(items, 200, &o, &nodes);
        ASSERT_EQ_INT(nodes[0].count, 200);
        xfree(nodes);
        o.fill = 0;
        ASSERT_EQ_INT(qlLayout(items, 200, &o, &nodes), 200);
        xfree(nodes);
        o.fill = 1000;
        len = qlLayout(items, 200, &o, &nodes);
        ASSERT_EQ_INT(nodes[0].count, 79);
        xfree(nodes);
        for (int i = 0; i < 200; i++) bstrFree(items[i]);
        ASSERT_EQ_INT(qlLayout(NULL, 0, &o, &nodes), 0);
        ASSERT(qlNodeInDepth(0, 5, 2) && qlNodeInDepth(1, 5, 2) && !qlNodeInDepth(2, 5, 2));
        ASSERT(qlNodeInDepth(3, 5, 2) && qlNodeInDepth(4, 5, 0) && qlNodeInDepth(2, 3, 2));
    }
    TEST_CASE("RESTORE's older list types: quicklist of ziplists, ziplist, plain") {
        static const char *want[] = {"a", "12", "hello", "-300", "70000"};
        static const char *bodies[] = {
            /* two ziplist nodes: a 12 hello, -300 70000 */
            "0e0217170000000f000000030000016103fd020568656c6c6fff"
            "19190000000e000000020000c0d4fe04e07011010000000000ff",
            /* an empty ziplist node is skipped */
            "0e020b0b0000000a0000000000ff17170000000f000000030000016103fd020568656c6c6fff",
            "0a17170000000f000000030000016103fd020568656c6c6fff",
            "01030161c00c0568656c6c6f",
            /* a PLAIN node holding an integer-encoded string */
            "120201c00c020a0a0000000100ded402ff"};
        static const size_t counts[] = {5, 3, 3, 3, 2};
        for (int k = 0; k < 5; k++) {
            rdbObject o;
            if (!ASSERT(bodyDecodes(bodies[k], &o))) continue;
            ASSERT_EQ_INT(o.kind, RDB_OBJ_LIST);
            ASSERT_EQ_INT(o.n, counts[k]);
            for (size_t i = 0; i < o.n && k != 4; i++)
                ASSERT_EQ_MEM(o.values[i], bstrLen(o.values[i]), want[i], strlen(want[i]));
            if (k == 4) {
                ASSERT_EQ_MEM(o.values[0], bstrLen(o.values[0]), "12", 2);
                ASSERT_EQ_MEM(o.values[1], bstrLen(o.values[1]), "-300", 4);
            }
            rdbObjectFree(&o);
        }
    }
    TEST_CASE("what redis-server 7.0.15 also loads: empty nodes, trailing bytes, 0xc1") {
        rdbObject o;
        ASSERT(bodyDecodes("12020207070000000000ff020a0a0000000100816102ff", &o));
        ASSERT_EQ_INT(o.n, 1);
        rdbObjectFree(&o);
        ASSERT(bodyDecodes("1201020a0a0000000100816102ff00", &o));
        ASSERT_EQ_INT(o.n, 1);
        rdbObjectFree(&o);
        /* A count or container written as a special encoding byte reads
         * as its six low bits, as Redis's rdbLoadLen reads it. */
        ASSERT(bodyDecodes("12c1c20a0a0000000100816102ff", &o));
        ASSERT_EQ_INT(o.n, 1);
        rdbObjectFree(&o);
    }
    TEST_CASE("damaged list payloads are refused, as redis-server refuses them") {
        static const char *bad[] = {
            "12010207070000000000ff",         /* only an empty listpack */
            "1201030a0a0000000100816102ff",     /* container 3 */
            "1201000a0a0000000100816102ff",     /* container 0 */
            "1200",                             /* no node */
            "1202020a0a0000000100816102ff0100", /* an empty PLAIN string */
            "1201020a0a0000000200816102ff",     /* a wrong listpack count */
            "1202020a0a0000000100816102ff",     /* a node missing */
            "12010140",                         /* a node cut short */
            "0e010b0b0000000a0000000000ff",     /* only an empty ziplist */
            "0a0b0b0000000a0000000000ff",       /* an empty ziplist */
            "0100",                             /* an empty plain list */
            "01020161",                         /* a plain list cut short */
        };
        for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
            rdbObject o;
            if (!ASSERT(!bodyDecodes(bad[k], &o))) fprintf(stderr, "  accepted: %s\n", bad[k]);
        }
    }
    TEST_CASE("random lists round trip through every node shape") {
        for (int round = 0; round < 200; round++) {
            size_t n = 1 + rng() % 300;
            bstr *items = xmalloc(n * sizeof(bstr));
            for (size_t i = 0; i < n; i++) {
                size_t len = rng() % 4 == 0 ? rng() % 3000 : rng() % 20;
                items[i] = bstrNewLen(NULL, len);
                for (size_t b = 0; b < len; b++) items[i][b] = (char)('0' + rng() % 12);
            }
            qlOptions o = {(int)(rng() % 12) - 6, (int)(rng() % 3), rng() % 4 ? QL_PACKED_THRESHOLD : 1000};
            bstr p = rdbPayloadList(items, n, &o, (int)(rng() % 2));
            ASSERT(decodesAsList(p, items, n));
            bstrFree(p);
            for (size_t i = 0; i < n; i++) bstrFree(items[i]);
            xfree(items);
        }
    }
}

int main(void) {
    testCrc64();
    testLzf();
    testListpack();
    testZiplistZipmap();
    testPayloads();
    testLists();
    return testReport();
}
