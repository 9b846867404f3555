/* tests/c/test_payload.h -- helpers shared by the DUMP payload unit tests
 * (test_rdb_encoding.c, test_rdb_stream.c): bytes from hex, and a
 * payload's footer.  Header-only; include after test.h. */
#ifndef REDIS_KV_TEST_PAYLOAD_H
#define REDIS_KV_TEST_PAYLOAD_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/bstr.h"
#include "lib/crc64.h"
#include "lib/rdb_encoding.h"

static inline bstr fromHex(const char *hex) {
    size_t n = strlen(hex) / 2;
    bstr b = bstrNewLen(NULL, n);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (char)v;
    }
    return b;
}

/* A body (type and value) with version 10 and its CRC. */
static inline bstr withFooter(const char *body, size_t len) {
    bstr p = bstrNewLen(body, len);
    unsigned char f[10] = {RDB_VERSION, 0};
    p = bstrCatLen(p, f, 2);
    uint64_t crc = crc64(0, p, bstrLen(p));
    for (int i = 0; i < 8; i++) f[i] = (unsigned char)(crc >> (8 * i));
    return bstrCatLen(p, f, 8);
}

#endif
