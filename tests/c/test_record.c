/* tests/c/test_record.c -- unit tests for src/store/record.c (the record
 * codec). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/record.h"
#include "test.h"

static recordHeader makeHeader(int type, uint16_t db, uint32_t keylen,
                               uint32_t vallen, int64_t expire, uint64_t seq) {
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = (uint8_t)type;
    h.flags = 0;
    h.db = db;
    h.keylen = keylen;
    h.vallen = vallen;
    h.expireAt = expire;
    h.seq = seq;
    h.timestamp = 1700000000123LL;
    return h;
}

/* Encodes, decodes and verifies; checks every field and the payload.
 * Returns 1 when everything matched. */
static int roundTrip(const recordHeader *in, const void *key, const void *val) {
    size_t size = (size_t)recordEncodedSize(in->keylen, in->vallen);
    char *buf = xmalloc(size);
    int ok = 1;
    size_t n = recordEncode(buf, in, key, val);
    ok &= ASSERT_EQ_UINT(n, size);
    recordHeader out;
    const char *why = NULL;
    ok &= ASSERT_EQ_INT(recordDecodeHeader(buf, size, 0, &out, &why), RECORD_OK);
    ok &= ASSERT_EQ_INT(out.type, in->type);
    ok &= ASSERT_EQ_INT(out.flags, in->flags);
    ok &= ASSERT_EQ_INT(out.db, in->db);
    ok &= ASSERT_EQ_UINT(out.keylen, in->keylen);
    ok &= ASSERT_EQ_UINT(out.vallen, in->vallen);
    ok &= ASSERT_EQ_INT(out.expireAt, in->expireAt);
    ok &= ASSERT_EQ_UINT(out.seq, in->seq);
    ok &= ASSERT_EQ_INT(out.timestamp, in->timestamp);
    ok &= ASSERT(recordVerify(&out, buf));
    ok &= ASSERT_EQ_MEM(buf + RECORD_HEADER_SIZE, in->keylen,
                        in->keylen ? key : "", in->keylen);
    ok &= ASSERT(in->vallen == 0 ||
                 memcmp(buf + RECORD_HEADER_SIZE + in->keylen, val,
                        in->vallen) == 0);
    /* The streaming form produces the same header bytes and checksums. */
    recordHeader h2 = *in;
    char hdr[RECORD_HEADER_SIZE];
    ok &= ASSERT_EQ_UINT(recordEncodeHeader(hdr, &h2, key, val),
                         RECORD_HEADER_SIZE);
    ok &= ASSERT(memcmp(hdr, buf, RECORD_HEADER_SIZE) == 0);
    ok &= ASSERT_EQ_UINT(h2.crc, out.crc);
    ok &= ASSERT_EQ_UINT(h2.hcrc, out.hcrc);
    /* Incremental verification. */
    uint32_t c = recordCrcBegin(buf);
    c = crc32cUpdate(c, key, in->keylen);
    c = crc32cUpdate(c, val, in->vallen);
    ok &= ASSERT_EQ_UINT(c, out.crc);
    xfree(buf);
    return ok;
}

static void testLayout(void) {
    TEST_CASE("header size and on-disk offsets") {
        ASSERT_EQ_UINT(recordHeaderSize(), 44);
        ASSERT_EQ_UINT(recordEncodedSize(3, 5), 52);
        recordHeader h = makeHeader(RECORD_SET, 0x0102, 3, 5,
                                    0x1112131415161718LL, 0x2122232425262728ULL);
        h.flags = 0x42;
        h.timestamp = 0x3132333435363738LL;
        char buf[64];
        ASSERT_EQ_UINT(recordEncode(buf, &h, "key", "value"), 52);
        const unsigned char *u = (const unsigned char *)buf;
        ASSERT_EQ_INT(u[8], RECORD_SET);
        ASSERT_EQ_INT(u[9], 0x42);
        ASSERT_EQ_INT(u[10], 0x02);
        ASSERT_EQ_INT(u[11], 0x01);
        ASSERT_EQ_UINT(recordGetU32(buf + 12), 3);
        ASSERT_EQ_UINT(recordGetU32(buf + 16), 5);
        ASSERT_EQ_INT(u[20], 0x18);
        ASSERT_EQ_INT(u[27], 0x11);
        ASSERT_EQ_INT(u[28], 0x28);
        ASSERT_EQ_INT(u[36], 0x38);
        ASSERT_EQ_MEM(buf + 44, 3, "key", 3);
        ASSERT_EQ_MEM(buf + 47, 5, "value", 5);
        ASSERT_EQ_UINT(recordGetU32(buf + 4), crc32c(buf + 8, 36));
        ASSERT_EQ_UINT(recordGetU32(buf), crc32c(buf + 4, 48));
    }
    TEST_CASE("type names and data types") {
        ASSERT_EQ_STR(recordTypeName(RECORD_SET), "set");
        ASSERT_EQ_STR(recordTypeName(RECORD_BATCH_COMMIT), "batch-commit");
        ASSERT_EQ_STR(recordTypeName(0), "unknown");
        ASSERT(recordIsDataType(RECORD_FLUSHALL));
        ASSERT(!recordIsDataType(RECORD_BATCH_BEGIN));
        ASSERT(!recordIsDataType(0));
    }
}

static void testRoundTrips(void) {
    TEST_CASE("set: plain, with expiry, with flags") {
        recordHeader h = makeHeader(RECORD_SET, 0, 3, 3, 0, 1);
        roundTrip(&h, "foo", "bar");
        h = makeHeader(RECORD_SET, 15, 3, 3, 1893456000000LL, 99);
        h.flags = 0xFF;
        roundTrip(&h, "foo", "bar");
    }
    TEST_CASE("empty key and empty value") {
        recordHeader h = makeHeader(RECORD_SET, 0, 0, 0, 0, 2);
        roundTrip(&h, NULL, NULL);
        h = makeHeader(RECORD_SET, 0, 0, 5, 0, 2);
        roundTrip(&h, NULL, "value");
        h = makeHeader(RECORD_SET, 0, 3, 0, 0, 2);
        roundTrip(&h, "key", NULL);
    }
    TEST_CASE("binary key and value with NUL bytes") {
        char key[5] = {'\0', 'a', '\0', '\xff', '\n'};
        char val[256];
        for (int i = 0; i < 256; i++) val[i] = (char)i;
        recordHeader h = makeHeader(RECORD_SET, 65535, 5, 256, 0, UINT64_MAX);
        h.timestamp = INT64_MAX;
        roundTrip(&h, key, val);
    }
    TEST_CASE("5 MB value") {
        size_t len = 5 * 1024 * 1024;
        char *val = xmalloc(len);
        for (size_t i = 0; i < len; i++) val[i] = (char)(i * 7 + (i >> 11));
        recordHeader h = makeHeader(RECORD_SET, 3, 7, (uint32_t)len, 0, 42);
        roundTrip(&h, "bigkey!", val);
        xfree(val);
    }
    TEST_CASE("every type") {
        recordHeader h = makeHeader(RECORD_DEL, 4, 3, 0, 0, 10);
        roundTrip(&h, "old", NULL);
        h = makeHeader(RECORD_EXPIRE, 4, 3, 0, 1700000000000LL, 11);
        roundTrip(&h, "key", NULL);
        h = makeHeader(RECORD_EXPIRE, 4, 3, 0, 0, 12); /* PERSIST */
        roundTrip(&h, "key", NULL);
        h = makeHeader(RECORD_FLUSHDB, 9, 0, 0, 0, 13);
        roundTrip(&h, NULL, NULL);
        h = makeHeader(RECORD_FLUSHALL, 0, 0, 0, 0, 14);
        roundTrip(&h, NULL, NULL);
        char count[RECORD_BATCH_COUNT_SIZE];
        recordEncodeBatchCount(count, 123456);
        ASSERT_EQ_UINT(recordDecodeBatchCount(count), 123456);
        recordInitBatchBegin(&h, 15, 1700000000000LL);
        roundTrip(&h, NULL, count);
        recordInitBatchCommit(&h, 15, 1700000000001LL);
        roundTrip(&h, NULL, NULL);
        /* SWAPDB: the two logical databases, u16 LE each, in the key. */
        char swap[4] = {3, 0, 9, 0};
        h = makeHeader(RECORD_SWAPDB, 0, 4, 0, 0, 16);
        roundTrip(&h, swap, NULL);
        /* DBMAP: the whole logical -> physical map, u16 LE per database. */
        char map[8] = {1, 0, 0, 0, 3, 0, 2, 0};
        h = makeHeader(RECORD_DBMAP, 0, 8, 0, 0, 17);
        roundTrip(&h, map, NULL);
        /* PATCH: the patch header, then the key, in the key field. */
        char pkey[RECORD_PATCH_HEADER_SIZE + 3];
        recordPatch patch = {.prevSeq = 16, .at = 1000, .valueLen = 1005};
        recordEncodePatch(pkey, &patch);
        memcpy(pkey + RECORD_PATCH_HEADER_SIZE, "key", 3);
        h = makeHeader(RECORD_PATCH, 2, sizeof(pkey), 5, 0, 18);
        roundTrip(&h, pkey, "bytes");
        recordPatch back;
        recordDecodePatch(pkey, &back);
        ASSERT_EQ_UINT(back.prevSeq, 16);
        ASSERT_EQ_UINT(back.at, 1000);
        ASSERT_EQ_UINT(back.valueLen, 1005);
        /* ELEMENT / ELEMENT_DEL: the element header, the key, the name. */
        char ekey[RECORD_ELEMENT_HEADER_SIZE + 3 + 5];
        recordEncodeElementHeader(ekey, 1, 3);
        memcpy(ekey + RECORD_ELEMENT_HEADER_SIZE, "key", 3);
        memcpy(ekey + RECORD_ELEMENT_HEADER_SIZE + 3, "field", 5);
        ASSERT(recordCheckElement(ekey, sizeof(ekey)) == NULL);
        h = makeHeader(RECORD_ELEMENT, 2, sizeof(ekey), 5, 1700000000000LL, 19);
        roundTrip(&h, ekey, "value");
        h = makeHeader(RECORD_ELEMENT_DEL, 2, sizeof(ekey), 0, 0, 20);
        roundTrip(&h, ekey, NULL);
        recordElement el;
        recordDecodeElement(ekey, sizeof(ekey), &el);
        ASSERT_EQ_UINT(el.ctype, 1);
        ASSERT(el.klen == 3 && memcmp(el.key, "key", 3) == 0);
        ASSERT(el.nlen == 5 && memcmp(el.name, "field", 5) == 0);
        /* META / META_DEL: the name in the key field, no db, no expiry. */
        h = makeHeader(RECORD_META, 0, 14, 6, 0, 21);
        roundTrip(&h, "function:mylib", "source");
        h = makeHeader(RECORD_META_DEL, 0, 14, 0, 0, 22);
        roundTrip(&h, "function:mylib", NULL);
        /* an empty name is an element too (HSET h "" v) */
        recordDecodeElement(ekey, RECORD_ELEMENT_HEADER_SIZE + 3, &el);
        ASSERT_EQ_UINT(el.nlen, 0);
    }
    TEST_CASE("element headers that do not check out") {
        char e[RECORD_ELEMENT_HEADER_SIZE + 2];
        recordEncodeElementHeader(e, 2, 2);
        e[5] = 'k';
        e[6] = 'm';
        ASSERT(recordCheckElement(e, sizeof(e)) == NULL);
        ASSERT(recordCheckElement(e, RECORD_ELEMENT_HEADER_SIZE - 1) != NULL);
        ASSERT(recordCheckElement(e, RECORD_ELEMENT_HEADER_SIZE + 1) != NULL); /* key cut */
        recordEncodeElementHeader(e, 0, 2);
        ASSERT(recordCheckElement(e, sizeof(e)) != NULL); /* no collection type */
    }
}

static void testInvalid(void) {
    TEST_CASE("encoders refuse headers that break the field rules") {
        char buf[128];
        memset(buf, 0x5A, sizeof(buf));
        recordHeader bad[] = {
            makeHeader(0, 0, 1, 1, 0, 1),
            makeHeader(RECORD_TYPE_MAX + 1, 0, 1, 1, 0, 1),
            makeHeader(RECORD_DEL, 0, 1, 1, 0, 1),
            makeHeader(RECORD_DEL, 0, 1, 0, 5, 1),
            makeHeader(RECORD_EXPIRE, 0, 1, 2, 5, 1),
            makeHeader(RECORD_SET, 0, 1, 1, -1, 1),
            makeHeader(RECORD_FLUSHDB, 0, 1, 0, 0, 1),
            makeHeader(RECORD_FLUSHALL, 3, 0, 0, 0, 1),
            makeHeader(RECORD_BATCH_BEGIN, 0, 0, 3, 0, 1),
            makeHeader(RECORD_BATCH_BEGIN, 1, 0, 4, 0, 1),
            makeHeader(RECORD_BATCH_COMMIT, 0, 0, 4, 0, 1),
            makeHeader(RECORD_ELEMENT, 0, 6, 1, -1, 1),     /* negative expiry */
            makeHeader(RECORD_ELEMENT, 0, 4, 0, 0, 1),      /* no element header */
            makeHeader(RECORD_ELEMENT_DEL, 0, 6, 1, 0, 1),  /* a value */
            makeHeader(RECORD_ELEMENT_DEL, 0, 6, 0, 5, 1),  /* an expiry */
            makeHeader(RECORD_META, 0, 0, 1, 0, 1),         /* no name */
            makeHeader(RECORD_META, 1, 4, 1, 0, 1),         /* a database */
            makeHeader(RECORD_META, 0, 4, 1, 5, 1),         /* an expiry */
            makeHeader(RECORD_META_DEL, 0, 4, 1, 0, 1),     /* a value */
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            ASSERT(recordCheckHeader(&bad[i], 0) != NULL);
            ASSERT_EQ_UINT(recordEncode(buf, &bad[i], "xxxx", "yyyy"), 0);
            ASSERT_EQ_UINT(recordEncodeHeader(buf, &bad[i], "xxxx", "yyyy"), 0);
        }
        ASSERT_EQ_INT((unsigned char)buf[0], 0x5A); /* untouched */
    }
    TEST_CASE("decode: short buffer needs more; maximum record size") {
        recordHeader h = makeHeader(RECORD_SET, 0, 3, 10, 0, 1);
        char buf[64];
        recordEncode(buf, &h, "key", "0123456789");
        recordHeader out;
        for (size_t len = 0; len < RECORD_HEADER_SIZE; len++) {
            ASSERT_EQ_INT(recordDecodeHeader(buf, len, 0, &out, NULL),
                          RECORD_NEED_MORE);
        }
        ASSERT_EQ_INT(recordDecodeHeader(buf, RECORD_HEADER_SIZE, 0, &out, NULL),
                      RECORD_OK);
        ASSERT_EQ_INT(recordDecodeHeader(buf, 57, 57, &out, NULL), RECORD_OK);
        const char *why = NULL;
        ASSERT_EQ_INT(recordDecodeHeader(buf, 57, 56, &out, &why), RECORD_BAD);
        ASSERT(why != NULL && strstr(why, "maximum") != NULL);
    }
    TEST_CASE("zero-filled space is never a record") {
        char zeros[RECORD_HEADER_SIZE] = {0};
        recordHeader out;
        ASSERT_EQ_INT(recordDecodeHeader(zeros, sizeof(zeros), 0, &out, NULL),
                      RECORD_BAD);
    }
}

/* A record is damaged by flipping bits: detected when the header is
 * rejected or the full checksum fails. */
static int detected(const char *buf, size_t size) {
    recordHeader out;
    if (recordDecodeHeader(buf, size, 0, &out, NULL) != RECORD_OK) return 1;
    if (recordEncodedSize(out.keylen, out.vallen) != size) return 1;
    return !recordVerify(&out, buf);
}

static void testBitFlips(void) {
    TEST_CASE("every single-bit flip in a small record is detected") {
        recordHeader h = makeHeader(RECORD_SET, 2, 5, 11, 1700000000000LL, 77);
        char buf[64];
        size_t size = recordEncode(buf, &h, "hello", "world\0value");
        ASSERT_EQ_UINT(size, 60);
        ASSERT(!detected(buf, size));
        int missed = 0;
        for (size_t i = 0; i < size; i++) {
            for (int bit = 0; bit < 8; bit++) {
                buf[i] ^= (char)(1 << bit);
                if (!detected(buf, size)) missed++;
                buf[i] ^= (char)(1 << bit);
            }
        }
        ASSERT_EQ_INT(missed, 0);
        ASSERT(!detected(buf, size));
    }
    TEST_CASE("every byte replaced by another value is detected") {
        recordHeader h = makeHeader(RECORD_EXPIRE, 1, 4, 0, 5, 78);
        char buf[64];
        size_t size = recordEncode(buf, &h, "abcd", NULL);
        int missed = 0;
        for (size_t i = 0; i < size; i++) {
            char orig = buf[i];
            for (int v = 0; v < 256; v++) {
                if ((char)v == orig) continue;
                buf[i] = (char)v;
                if (!detected(buf, size)) missed++;
            }
            buf[i] = orig;
        }
        ASSERT_EQ_INT(missed, 0);
    }
    TEST_CASE("a flip in a 5 MB value is detected, the header still decodes") {
        size_t len = 5 * 1024 * 1024;
        char *buf = xmalloc(RECORD_HEADER_SIZE + 1 + len);
        char *val = xcalloc(1, len);
        recordHeader h = makeHeader(RECORD_SET, 0, 1, (uint32_t)len, 0, 5);
        size_t size = recordEncode(buf, &h, "k", val);
        int missed = 0;
        size_t positions[] = {45, 46, 1000, len / 2, size - 1};
        for (size_t i = 0; i < sizeof(positions) / sizeof(positions[0]); i++) {
            buf[positions[i]] ^= 0x10;
            recordHeader out;
            if (recordDecodeHeader(buf, size, 0, &out, NULL) != RECORD_OK ||
                recordVerify(&out, buf)) {
                missed++;
            }
            buf[positions[i]] ^= 0x10;
        }
        ASSERT_EQ_INT(missed, 0);
        xfree(val);
        xfree(buf);
    }
}

int main(void) {
    testLayout();
    testRoundTrips();
    testInvalid();
    testBitFlips();
    return testReport();
}
