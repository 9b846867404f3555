/* lib/bits.c -- bit arithmetic on byte strings (see bits.h). */
#include "lib/bits.h"

#include <string.h>

uint64_t bitsPopcount(const unsigned char *p, size_t len) {
    uint64_t count = 0;
    size_t i = 0;
    /* Eight bytes at a time; memcpy keeps unaligned reads defined. */
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        count += (uint64_t)__builtin_popcountll(w);
    }
    for (; i < len; i++) count += (uint64_t)__builtin_popcount(p[i]);
    return count;
}

/* The bits of one byte that lie between bit positions lo..hi (0 = most
 * significant), as a mask. */
static unsigned char byteMask(unsigned lo, unsigned hi) {
    return (unsigned char)((0xFFu >> lo) & (0xFFu << (7 - hi)));
}

uint64_t bitsCountRange(const unsigned char *p, uint64_t first, uint64_t last) {
    uint64_t fb = first >> 3, lb = last >> 3;
    if (fb == lb)
        return (uint64_t)__builtin_popcount(p[fb] & byteMask(first & 7, last & 7));
    uint64_t count = (uint64_t)__builtin_popcount(p[fb] & byteMask(first & 7, 7));
    count += bitsPopcount(p + fb + 1, (size_t)(lb - fb - 1));
    count += (uint64_t)__builtin_popcount(p[lb] & byteMask(0, last & 7));
    return count;
}

/* The first bit equal to `bit` in byte b restricted to mask, as a position
 * 0..7, or -1. */
static int findInByte(unsigned char b, unsigned char mask, int bit) {
    unsigned char hits = (unsigned char)((bit ? b : (unsigned char)~b) & mask);
    if (!hits) return -1;
    return __builtin_clz((unsigned)hits) - (int)(sizeof(unsigned) * 8 - 8);
}

/* The first byte of p[0..len) that holds a bit equal to `bit`, or len.
 * Skips eight bytes at a time over the bytes that cannot match. */
static size_t findByte(const unsigned char *p, size_t len, int bit) {
    uint64_t skip = bit ? 0 : UINT64_MAX;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w != skip) break;
    }
    unsigned char skipByte = bit ? 0 : 0xFF;
    while (i < len && p[i] == skipByte) i++;
    return i;
}

int64_t bitsFindRange(const unsigned char *p, uint64_t first, uint64_t last, int bit) {
    uint64_t fb = first >> 3, lb = last >> 3;
    if (fb == lb) {
        int pos = findInByte(p[fb], byteMask(first & 7, last & 7), bit);
        return pos < 0 ? -1 : (int64_t)(fb * 8 + (uint64_t)pos);
    }
    int pos = findInByte(p[fb], byteMask(first & 7, 7), bit);
    if (pos >= 0) return (int64_t)(fb * 8 + (uint64_t)pos);
    uint64_t mid = fb + 1 + findByte(p + fb + 1, (size_t)(lb - fb - 1), bit);
    if (mid < lb) return (int64_t)(mid * 8 + (uint64_t)findInByte(p[mid], 0xFF, bit));
    pos = findInByte(p[lb], byteMask(0, last & 7), bit);
    return pos < 0 ? -1 : (int64_t)(lb * 8 + (uint64_t)pos);
}

void bitsFold(unsigned char *acc, size_t acclen, const unsigned char *src, size_t srclen,
              bitsOp op) {
    /* Plain byte loops: the compiler vectorises them. */
    switch (op) {
    case BITS_AND:
        for (size_t i = 0; i < srclen; i++) acc[i] &= src[i];
        memset(acc + srclen, 0, acclen - srclen);
        break;
    case BITS_OR:
        for (size_t i = 0; i < srclen; i++) acc[i] |= src[i];
        break;
    case BITS_XOR:
        for (size_t i = 0; i < srclen; i++) acc[i] ^= src[i];
        break;
    }
}

void bitsNot(unsigned char *p, size_t len) {
    for (size_t i = 0; i < len; i++) p[i] = (unsigned char)~p[i];
}

int bitsGet(const unsigned char *p, uint64_t off) {
    return (p[off >> 3] >> (7 - (off & 7))) & 1;
}

uint64_t bitsGetUnsigned(const unsigned char *p, uint64_t off, int bits) {
    uint64_t value = 0;
    for (int i = 0; i < bits; i++) value = (value << 1) | (uint64_t)bitsGet(p, off + (uint64_t)i);
    return value;
}

/* Reads the low `bits` bits of v as a two's complement number. */
static int64_t signExtend(uint64_t v, int bits) {
    if (bits < 64) {
        uint64_t high = UINT64_MAX << bits;
        v = (v >> (bits - 1)) & 1 ? v | high : v & ~high;
    }
    int64_t out;
    memcpy(&out, &v, sizeof(out)); /* defined, unlike a narrowing cast */
    return out;
}

int64_t bitsGetSigned(const unsigned char *p, uint64_t off, int bits) {
    return signExtend(bitsGetUnsigned(p, off, bits), bits);
}

void bitsSetField(unsigned char *p, uint64_t off, int bits, uint64_t value) {
    for (int i = 0; i < bits; i++) {
        uint64_t pos = off + (uint64_t)i;
        unsigned char bit = (unsigned char)(1u << (7 - (pos & 7)));
        if ((value >> (bits - 1 - i)) & 1) p[pos >> 3] |= bit;
        else p[pos >> 3] &= (unsigned char)~bit;
    }
}

int bitsAddSigned(int64_t value, int64_t incr, int bits, bitsOverflow rule, int64_t *result) {
    int64_t max = bits == 64 ? INT64_MAX : (int64_t)((UINT64_C(1) << (bits - 1)) - 1);
    int64_t min = -max - 1;
    /* max - incr and min - incr cannot overflow for the signs tested. */
    int dir = 0;
    if (value > max || (incr > 0 && value > max - incr)) dir = 1;
    else if (value < min || (incr < 0 && value < min - incr)) dir = -1;
    uint64_t sum = (uint64_t)value + (uint64_t)incr; /* wraps mod 2^64 */
    if (dir == 0) *result = signExtend(sum, 64);
    else if (rule == BITS_WRAP) *result = signExtend(sum, bits);
    else if (rule == BITS_SAT) *result = dir > 0 ? max : min;
    return dir;
}

int bitsAddUnsigned(uint64_t value, int64_t incr, int bits, bitsOverflow rule, uint64_t *result) {
    uint64_t max = (UINT64_C(1) << bits) - 1;
    uint64_t magnitude = incr < 0 ? (uint64_t)0 - (uint64_t)incr : (uint64_t)incr;
    int dir = 0;
    if (value > max || (incr > 0 && magnitude > max - value)) dir = 1;
    else if (incr < 0 && magnitude > value) dir = -1;
    uint64_t sum = value + (uint64_t)incr; /* wraps mod 2^64 */
    if (dir == 0) *result = sum;
    else if (rule == BITS_WRAP) *result = sum & max;
    else if (rule == BITS_SAT) *result = dir > 0 ? max : 0;
    return dir;
}
