/* lib/ziplist.c -- reading ziplist and zipmap blobs (the formats are in
 * ziplist.h). */
#include "lib/ziplist.h"

#include <stdint.h>

#include "lib/lebytes.h"
#include "lib/numfmt.h"

#define ZL_HEADER_SIZE 10
#define ZL_END 0xFF
#define ZL_BIG_PREVLEN 254
#define ZL_COUNT_UNKNOWN 65535

/* The encoding at p[0] (avail bytes before the end byte): header size,
 * data size and, for an integer, its value.  0 when malformed. */
static int decodeEncoding(const unsigned char *p, size_t avail, size_t *hdr, size_t *dlen,
                          int *isInt, long long *v) {
    unsigned char b = p[0];
    *isInt = 0;
    *dlen = 0;
    switch (b >> 6) {
    case 0:
        *hdr = 1, *dlen = b & 0x3F;
        return 1;
    case 1:
        if (avail < 2) return 0;
        *hdr = 2, *dlen = (size_t)(b & 0x3F) << 8 | p[1];
        return 1;
    case 2:
        if (b != 0x80 || avail < 5) return 0;
        *hdr = 5;
        *dlen = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
        return 1;
    }
    *isInt = 1;
    int width;
    switch (b) {
    case 0xC0: width = 2; break;
    case 0xD0: width = 4; break;
    case 0xE0: width = 8; break;
    case 0xF0: width = 3; break;
    case 0xFE: width = 1; break;
    default:
        if (b < 0xF1 || b > 0xFD) return 0;
        *hdr = 1, *v = (b & 0x0F) - 1;
        return 1;
    }
    if (avail < 1 + (size_t)width) return 0;
    *hdr = 1 + (size_t)width;
    *v = leSignExtend(leGet(p + 1, width), width * 8);
    return 1;
}

int ziplistWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv) {
    if (len < ZL_HEADER_SIZE + 1 || leGet(p, 4) != len || p[len - 1] != ZL_END) return 0;
    uint64_t tail = leGet(p + 4, 4), declared = leGet(p + 8, 2), count = 0;
    size_t pos = ZL_HEADER_SIZE, last = len - 1, lastEntry = ZL_HEADER_SIZE, prevSize = 0;
    while (pos < last) {
        size_t avail = last - pos, plen;
        uint64_t prev;
        if (p[pos] < ZL_BIG_PREVLEN) {
            plen = 1, prev = p[pos];
        } else if (p[pos] == ZL_BIG_PREVLEN && avail >= 5) {
            plen = 5, prev = leGet(p + pos + 1, 4);
        } else {
            return 0;
        }
        if (prev != prevSize || plen >= avail) return 0;
        size_t hdr, dlen;
        int isInt;
        long long v = 0;
        if (!decodeEncoding(p + pos + plen, avail - plen, &hdr, &dlen, &isInt, &v)) return 0;
        if (hdr > avail - plen || dlen > avail - plen - hdr) return 0;
        char num[NUM_LONG_STR_SIZE];
        const char *s = (const char *)p + pos + plen + hdr;
        size_t slen = dlen;
        if (isInt) {
            slen = (size_t)numFormatLongLong(num, sizeof(num), v);
            s = num;
        }
        if (!fn(priv, s, slen)) return 0;
        lastEntry = pos;
        prevSize = plen + hdr + dlen;
        pos += prevSize;
        count++;
    }
    if (tail != lastEntry) return 0;
    return declared == ZL_COUNT_UNKNOWN || declared == count;
}

/* A zipmap length at p[*pos] (before p[last]): 1 and *out, 0 when
 * malformed or when it is the end byte. */
static int zipmapLen(const unsigned char *p, size_t *pos, size_t last, size_t *out) {
    if (*pos >= last) return 0;
    unsigned char b = p[*pos];
    if (b < ZL_BIG_PREVLEN) {
        *out = b;
        *pos += 1;
        return 1;
    }
    if (b != ZL_BIG_PREVLEN || last - *pos < 5) return 0;
    *out = leGet(p + *pos + 1, 4);
    *pos += 5;
    return 1;
}

int zipmapWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv) {
    if (len < 2 || p[len - 1] != ZL_END) return 0;
    size_t pos = 1, last = len - 1, count = 0;
    while (pos < last) {
        size_t nlen, vlen;
        if (!zipmapLen(p, &pos, last, &nlen) || nlen > last - pos) return 0;
        size_t name = pos;
        pos += nlen;
        if (!zipmapLen(p, &pos, last, &vlen) || pos >= last) return 0;
        size_t unused = p[pos++];
        if (vlen > last - pos || unused > last - pos - vlen) return 0;
        if (!fn(priv, (const char *)p + name, nlen)) return 0;
        if (!fn(priv, (const char *)p + pos, vlen)) return 0;
        pos += vlen + unused;
        count++;
    }
    return p[0] >= ZL_BIG_PREVLEN || p[0] == count;
}
