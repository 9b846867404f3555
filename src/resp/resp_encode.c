/* resp/resp_encode.c -- reply building blocks.  See resp_encode.h. */
#include "resp/resp_encode.h"
#include "lib/numfmt.h"

#include <string.h>

size_t respEncodeHeader(char *dst, char prefix, long long n) {
    dst[0] = prefix;
    size_t len = 1 + (size_t)numFormatLongLong(dst + 1, RESP_HEADER_MAX - 3, n);
    dst[len++] = '\r';
    dst[len++] = '\n';
    return len;
}

/* RESP3: ",<d>\r\n".  RESP2: the same digits as a bulk string. */
size_t respEncodeDouble(char *dst, double d, int resp) {
    char num[RESP_DOUBLE_MAX / 2];
    int n = numFormatDouble(num, sizeof(num), d);
    if (resp >= 3) {
        dst[0] = RESP3_DOUBLE;
        memcpy(dst + 1, num, (size_t)n);
        memcpy(dst + 1 + n, "\r\n", 2);
        return (size_t)n + 3;
    }
    size_t len = respEncodeHeader(dst, RESP_BULK, n);
    memcpy(dst + len, num, (size_t)n);
    memcpy(dst + len + n, "\r\n", 2);
    return len + (size_t)n + 2;
}

/* The null bulk string: RESP2 "$-1", RESP3 "_". */
size_t respEncodeNull(char *dst, int resp) {
    if (resp >= 3) {
        memcpy(dst, "_\r\n", 3);
        return 3;
    }
    memcpy(dst, "$-1\r\n", 5);
    return 5;
}

/* The null array: RESP2 "*-1", RESP3 "_". */
size_t respEncodeNullArray(char *dst, int resp) {
    if (resp >= 3) {
        memcpy(dst, "_\r\n", 3);
        return 3;
    }
    memcpy(dst, "*-1\r\n", 5);
    return 5;
}

/* RESP3 "#t"/"#f"; RESP2 ":1"/":0". */
size_t respEncodeBool(char *dst, int b, int resp) {
    if (resp >= 3) {
        memcpy(dst, b ? "#t\r\n" : "#f\r\n", 4);
        return 4;
    }
    memcpy(dst, b ? ":1\r\n" : ":0\r\n", 4);
    return 4;
}

/* Header of an aggregate that RESP3 types (map, set, push) and RESP2 sends
 * as a flat array.  For maps, n is the number of pairs: RESP2 doubles it. */
size_t respEncodeAggregateHeader(char *dst, char resp3prefix, long long n,
                                 int resp) {
    if (resp >= 3) return respEncodeHeader(dst, resp3prefix, n);
    if (resp3prefix == RESP3_MAP || resp3prefix == RESP3_ATTR) n *= 2;
    return respEncodeHeader(dst, RESP_ARRAY, n);
}
