/* lib/listpack.c -- listpack blobs (the format is in listpack.h). */
#include "lib/listpack.h"

#include <stdint.h>
#include <string.h>

#include "lib/lebytes.h"
#include "lib/numfmt.h"

#define LP_END 0xFF

/* ---- Writing -------------------------------------------------------- */

/* The encoding of an integer element into enc: its length. */
static size_t encodeInt(unsigned char *enc, long long v) {
    if (v >= 0 && v <= 127) {
        enc[0] = (unsigned char)v;
        return 1;
    }
    if (v >= -4096 && v <= 4095) {
        uint64_t u = (uint64_t)v & 0x1FFF;
        enc[0] = (unsigned char)(0xC0 | (u >> 8));
        enc[1] = (unsigned char)u;
        return 2;
    }
    int bytes = v >= INT16_MIN && v <= INT16_MAX   ? 2
                : v >= -8388608 && v <= 8388607    ? 3
                : v >= INT32_MIN && v <= INT32_MAX ? 4
                                                   : 8;
    enc[0] = bytes == 2 ? 0xF1 : bytes == 3 ? 0xF2 : bytes == 4 ? 0xF3 : 0xF4;
    lePut(enc + 1, (uint64_t)v, bytes);
    return 1 + (size_t)bytes;
}

/* The encoding byte(s) of a string element of len bytes: their count. */
static size_t encodeStrHeader(unsigned char *enc, size_t len) {
    if (len < 64) {
        enc[0] = (unsigned char)(0x80 | len);
        return 1;
    }
    if (len < 4096) {
        enc[0] = (unsigned char)(0xE0 | (len >> 8));
        enc[1] = (unsigned char)len;
        return 2;
    }
    enc[0] = 0xF0;
    lePut(enc + 1, len, 4);
    return 5;
}

/* The backlen of an entry of l bytes into buf: its size.  The bounds are
 * Redis's (one below each power of 128, so 16383 takes three bytes). */
static size_t encodeBacklen(unsigned char *buf, uint64_t l) {
    int bytes = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
    for (int i = 0; i < bytes; i++) {
        unsigned char group = (unsigned char)((l >> (7 * (bytes - 1 - i))) & 127);
        buf[i] = i == 0 ? group : (unsigned char)(group | 128);
    }
    return (size_t)bytes;
}

size_t lpEntrySize(const char *s, size_t len) {
    unsigned char enc[9], back[5];
    long long v;
    int isInt = numParseLongLong(s, len, &v);
    size_t elen = isInt ? encodeInt(enc, v) : encodeStrHeader(enc, len) + len;
    return elen + encodeBacklen(back, elen);
}

bstr lpAppendBlob(bstr out, const bstr *items, size_t n) {
    size_t start = bstrLen(out);
    unsigned char hdr[LP_HEADER_SIZE] = {0};
    out = bstrCatLen(out, hdr, sizeof(hdr));
    for (size_t i = 0; i < n; i++) {
        unsigned char enc[9], back[5];
        size_t len = bstrLen(items[i]), elen;
        long long v;
        int isInt = numParseLongLong(items[i], len, &v);
        elen = isInt ? encodeInt(enc, v) : encodeStrHeader(enc, len);
        out = bstrCatLen(out, enc, elen);
        if (!isInt) out = bstrCatLen(out, items[i], len);
        size_t blen = encodeBacklen(back, elen + (isInt ? 0 : len));
        out = bstrCatLen(out, back, blen);
    }
    unsigned char end = LP_END;
    out = bstrCatLen(out, &end, 1);
    unsigned char *h = (unsigned char *)out + start;
    lePut(h, bstrLen(out) - start, 4);
    lePut(h + 4, n < LP_COUNT_UNKNOWN ? n : LP_COUNT_UNKNOWN, 2);
    return out;
}

/* ---- Reading -------------------------------------------------------- */

/* Decodes the backlen that ends at p[end - 1] (reading backwards, never
 * before p[lo]): 1 and *l, or 0. */
static int decodeBacklen(const unsigned char *p, size_t lo, size_t end, uint64_t *l) {
    uint64_t v = 0;
    int shift = 0;
    for (size_t i = end; i > lo && shift < 35; shift += 7) {
        unsigned char b = p[--i];
        v |= (uint64_t)(b & 127) << shift;
        if (!(b & 128)) {
            *l = v;
            return 1;
        }
    }
    return 0;
}

/* One entry at p[pos] of a blob whose end byte is at p[last]: its
 * element (into *s and *slen, or formatted into num) and its size including
 * the backlen in *size.  0 when malformed or past the end. */
static int decodeEntry(const unsigned char *p, size_t pos, size_t last, const char **s,
                       size_t *slen, char *num, size_t *size) {
    size_t avail = last - pos;
    unsigned char b = p[pos];
    size_t hdr, dlen = 0;
    long long v = 0;
    int isInt = 1;
    if (b < 0x80) {
        hdr = 1, v = b;
    } else if ((b & 0xC0) == 0x80) {
        hdr = 1, dlen = b & 0x3F, isInt = 0;
    } else if ((b & 0xE0) == 0xC0) {
        if (avail < 2) return 0;
        hdr = 2, v = leSignExtend((uint64_t)(b & 0x1F) << 8 | p[pos + 1], 13);
    } else if ((b & 0xF0) == 0xE0) {
        if (avail < 2) return 0;
        hdr = 2, dlen = (size_t)(b & 0x0F) << 8 | p[pos + 1], isInt = 0;
    } else if (b == 0xF0) {
        if (avail < 5) return 0;
        hdr = 5, dlen = leGet(p + pos + 1, 4), isInt = 0;
    } else if (b >= 0xF1 && b <= 0xF4) {
        static const int widths[] = {2, 3, 4, 8};
        int w = widths[b - 0xF1];
        if (avail < 1 + (size_t)w) return 0;
        hdr = 1 + (size_t)w, v = leSignExtend(leGet(p + pos + 1, w), w * 8);
    } else {
        return 0; /* 0xF5..0xFE, or the end byte where an entry should be */
    }
    if (hdr > avail || dlen > avail - hdr) return 0;
    size_t elen = hdr + dlen;
    unsigned char back[5];
    size_t blen = encodeBacklen(back, elen);
    if (blen > avail - elen) return 0;
    uint64_t stored;
    if (!decodeBacklen(p, pos + elen, pos + elen + blen, &stored) || stored != elen) return 0;
    if (isInt) {
        *slen = (size_t)numFormatLongLong(num, NUM_LONG_STR_SIZE, v);
        *s = num;
    } else {
        *s = (const char *)p + pos + hdr;
        *slen = dlen;
    }
    *size = elen + blen;
    return 1;
}

int lpWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv) {
    if (len < LP_HEADER_SIZE + 1 || leGet(p, 4) != len || p[len - 1] != LP_END) return 0;
    uint64_t declared = leGet(p + 4, 2), count = 0;
    size_t pos = LP_HEADER_SIZE, last = len - 1;
    while (pos < last) {
        const char *s;
        size_t slen, size;
        char num[NUM_LONG_STR_SIZE];
        if (!decodeEntry(p, pos, last, &s, &slen, num, &size)) return 0;
        if (!fn(priv, s, slen)) return 0;
        pos += size;
        count++;
    }
    return declared == LP_COUNT_UNKNOWN || declared == count;
}
