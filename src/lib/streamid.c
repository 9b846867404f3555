/* lib/streamid.c -- stream entry IDs: order, arithmetic, text and binary
 * forms, and Redis 7.0's argument grammar (see lib/streamid.h). */
#include "lib/streamid.h"

#include <string.h>

#include "lib/numfmt.h"

int streamIdCompare(const streamId *a, const streamId *b) {
    if (a->ms != b->ms) return a->ms < b->ms ? -1 : 1;
    if (a->seq != b->seq) return a->seq < b->seq ? -1 : 1;
    return 0;
}

int streamIdIncr(streamId *id) {
    if (id->seq != UINT64_MAX) {
        id->seq++;
        return 0;
    }
    if (id->ms == UINT64_MAX) return -1;
    id->ms++;
    id->seq = 0;
    return 0;
}

int streamIdDecr(streamId *id) {
    if (id->seq != 0) {
        id->seq--;
        return 0;
    }
    if (id->ms == 0) return -1;
    id->ms--;
    id->seq = UINT64_MAX;
    return 0;
}

size_t streamIdFormat(const streamId *id, char *buf) {
    /* Each half fits NUM_LONG_STR_SIZE (20 digits + NUL), so neither call
     * can fail on a STREAM_ID_STR_MAX buffer. */
    size_t n = (size_t)numFormatUnsignedLongLong(buf, NUM_LONG_STR_SIZE, id->ms);
    buf[n++] = '-';
    n += (size_t)numFormatUnsignedLongLong(buf + n, NUM_LONG_STR_SIZE, id->seq);
    return n;
}

static void putBigEndian64(unsigned char *p, uint64_t v) {
    for (int i = 7; i >= 0; i--) {
        p[i] = (unsigned char)v;
        v >>= 8;
    }
}

static uint64_t getBigEndian64(const unsigned char *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

void streamIdEncode(const streamId *id, char out[STREAM_ID_BIN_LEN]) {
    putBigEndian64((unsigned char *)out, id->ms);
    putBigEndian64((unsigned char *)out + 8, id->seq);
}

void streamIdDecode(const char in[STREAM_ID_BIN_LEN], streamId *id) {
    id->ms = getBigEndian64((const unsigned char *)in);
    id->seq = getBigEndian64((const unsigned char *)in + 8);
}

/* ---- Parsing -------------------------------------------------------------- */

/* strtoull(s, &end, 10) in the C locale, asked to consume s[0..len) whole:
 * white space, an optional sign, at least one digit, nothing after.  A
 * magnitude above UINT64_MAX is refused (ERANGE); a '-' negates modulo
 * 2^64, as strtoull does.  Written out rather than called so that neither
 * the locale nor a missing NUL terminator can change the answer. */
static int parseLikeStrtoull(const char *s, size_t len, uint64_t *out) {
    size_t i = 0;
    while (i < len && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) i++;
    int negative = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    if (i == len) return -1;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        unsigned digit = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - digit) / 10) return -1;
        v = v * 10 + digit;
    }
    *out = negative ? (uint64_t)0 - v : v;
    return 0;
}

/* One part of an ID, as Redis's string2ull reads it: its strict integer
 * parser first, where a negative value is refused; when that parser does
 * not take the text at all (leading zeros, spaces, '+', "-0", beyond the
 * long long range, 21 bytes or more), strtoull's looser grammar decides. */
static int parseIdPart(const char *s, size_t len, uint64_t *out) {
    long long ll;
    if (numParseLongLong(s, len, &ll)) {
        if (ll < 0) return -1;
        *out = (uint64_t)ll;
        return 0;
    }
    return parseLikeStrtoull(s, len, out);
}

int streamIdParse(const char *s, size_t len, uint64_t missingSeq, int strict,
                  streamId *out, int *seqAuto) {
    if (len > STREAM_ID_ARG_MAX) return -1;
    len = strnlen(s, len); /* Redis reads the argument as a C string */

    if (len == 1 && (s[0] == '-' || s[0] == '+')) {
        if (strict) return -1;
        uint64_t v = s[0] == '-' ? 0 : UINT64_MAX;
        out->ms = out->seq = v;
        if (seqAuto) *seqAuto = 0;
        return 0;
    }

    const char *dash = memchr(s, '-', len);
    size_t msLen = dash ? (size_t)(dash - s) : len;
    uint64_t ms, seq = missingSeq;
    int autoSeq = 0;
    if (parseIdPart(s, msLen, &ms) != 0) return -1;
    if (dash) {
        const char *seqText = dash + 1;
        size_t seqLen = len - msLen - 1;
        if (seqAuto && seqLen == 1 && seqText[0] == '*') {
            seq = 0;
            autoSeq = 1;
        } else if (parseIdPart(seqText, seqLen, &seq) != 0) {
            return -1;
        }
    }
    out->ms = ms;
    out->seq = seq;
    if (seqAuto) *seqAuto = autoSeq;
    return 0;
}

int streamIdParseBound(const char *s, size_t len, uint64_t missingSeq,
                       streamId *out, int *exclusive) {
    if (exclusive && len > 1 && s[0] == '(') {
        if (streamIdParse(s + 1, len - 1, missingSeq, 1, out, NULL) != 0) return -1;
        *exclusive = 1;
        return 0;
    }
    if (streamIdParse(s, len, missingSeq, 0, out, NULL) != 0) return -1;
    if (exclusive) *exclusive = 0;
    return 0;
}

size_t streamIdLowerBound(const void *base, size_t n, size_t stride, const streamId *id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const streamId *at = (const streamId *)((const char *)base + mid * stride);
        if (streamIdCompare(at, id) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}
