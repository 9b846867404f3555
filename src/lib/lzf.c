/* lib/lzf.c -- LZF compression and decompression (the format is in
 * lzf.h). */
#include "lib/lzf.h"

#include <stdint.h>
#include <string.h>


#define LZF_MAX_LIT 32                  /* a literal run: 1..32 bytes */
#define LZF_MAX_OFF 8192                /* 13 bits of distance, minus one */
#define LZF_MAX_REF (2 + 7 + 255)       /* 3 bits + one byte of length, plus 2 */
#define LZF_HASH_BITS 16                /* liblzf's HLOG as Redis builds it */
#define LZF_HASH_SIZE (1u << LZF_HASH_BITS)

/* The slot of the three bytes at p.  This exact mix is liblzf's: another
 * one would collide elsewhere, lose other matches and give other bytes
 * than redis-server for the same string. */
static uint32_t hashSlot(const unsigned char *p) {
    uint32_t h = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
    return ((h >> (24 - LZF_HASH_BITS)) - h * 5) & (LZF_HASH_SIZE - 1);
}

/* How many bytes at a and b agree, at least 3 (the caller checked the
 * first three), at most max, except that liblzf compares its first 16
 * extra bytes without the bound when max > 16: such a match may reach
 * 19 bytes (never past the input, which has max + 2 bytes left). */
static size_t matchLength(const unsigned char *a, const unsigned char *b, size_t max) {
    size_t len = 3;
    if (max > 16) {
        while (len < 19 && a[len] == b[len]) len++;
        if (len < 19) return len;
    }
    while (len < max && a[len] == b[len]) len++;
    return len;
}

/* Appends literal byte b to the open run, closing the run (its control
 * byte written, the next one's reserved) when it is full. */
static void putLiteral(unsigned char *out, size_t *op, size_t *lit, unsigned char b) {
    out[(*op)++] = b;
    if (++*lit == LZF_MAX_LIT) {
        out[*op - *lit - 1] = (unsigned char)(*lit - 1);
        *lit = 0;
        (*op)++;
    }
}

/* Positions of the last occurrence of each hash, per thread, kept
 * across calls: a slot holds base + position, where base grows by the
 * input length at each call, so a slot below this call's base is "none"
 * without clearing 256 KB per call (a stream's DUMP compresses one
 * listpack per node).  Position 0 is "none" too, so a match can never
 * start at position 0 (as in liblzf, whose table starts zeroed). */
static _Thread_local uint32_t lzfTable[LZF_HASH_SIZE];
static _Thread_local uint64_t lzfBase = 1;

/* The table for an input of n bytes: *base is this call's base. */
static uint32_t *lzfTableFor(size_t n, uint32_t *base) {
    if (lzfBase + n + 1 > UINT32_MAX) { /* wrapped: start afresh */
        memset(lzfTable, 0, sizeof(lzfTable));
        lzfBase = 1;
    }
    *base = (uint32_t)lzfBase;
    lzfBase += n + 1;
    return lzfTable;
}

/* The position a slot holds for this call, or 0 ("none"). */
static inline size_t slotPosition(uint32_t v, uint32_t base) { return v >= base ? v - base : 0; }

size_t lzfCompress(const void *inBuf, size_t n, void *outBuf, size_t cap) {
    const unsigned char *in = inBuf;
    unsigned char *out = outBuf;
    if (n == 0 || cap == 0) return 0;
    if (n >= UINT32_MAX / 2) return 0; /* not worth it: stored as it is */
    uint32_t base;
    uint32_t *table = lzfTableFor(n, &base);
    size_t ip = 0, op = 1, lit = 0; /* out[op - lit - 1]: the open run's control byte */
    size_t result = 0;
    while (ip + 2 < n) {
        uint32_t slot = hashSlot(in + ip);
        size_t ref = slotPosition(table[slot], base);
        table[slot] = base + (uint32_t)ip;
        if (ref > 0 && ip - ref - 1 < LZF_MAX_OFF && memcmp(in + ref, in + ip, 3) == 0) {
            size_t off = ip - ref - 1;
            /* Room for the reference and the next run's control byte. */
            if (op + 4 >= cap && op - (lit == 0) + 4 >= cap) goto done;
            out[op - lit - 1] = (unsigned char)(lit - 1); /* close the run */
            op -= lit == 0;                               /* or drop an empty one */
            size_t max = n - ip - 2 < LZF_MAX_REF ? n - ip - 2 : LZF_MAX_REF;
            size_t len = matchLength(in + ref, in + ip, max) - 2;
            if (len < 7) {
                out[op++] = (unsigned char)((off >> 8) + (len << 5));
            } else {
                out[op++] = (unsigned char)((off >> 8) + (7 << 5));
                out[op++] = (unsigned char)(len - 7);
            }
            out[op++] = (unsigned char)off;
            lit = 0;
            op++; /* the next run's control byte */
            ip += len + 2;
            if (ip + 2 >= n) break;
            /* The two positions before the match's end enter the table
             * (liblzf's VERY_FAST mode); the ones inside it do not. */
            table[hashSlot(in + ip - 2)] = base + (uint32_t)(ip - 2);
            table[hashSlot(in + ip - 1)] = base + (uint32_t)(ip - 1);
        } else {
            if (op >= cap) goto done;
            putLiteral(out, &op, &lit, in[ip++]);
        }
    }
    /* At most two bytes are left, plus a control byte. */
    if (op + 3 > cap) goto done;
    while (ip < n) putLiteral(out, &op, &lit, in[ip++]);
    out[op - lit - 1] = (unsigned char)(lit - 1);
    op -= lit == 0;
    result = op;
done:
    return result;
}

int lzfDecompress(const void *inBuf, size_t inLen, void *outBuf, size_t outLen) {
    const unsigned char *in = inBuf;
    unsigned char *out = outBuf;
    size_t ip = 0, op = 0;
    while (ip < inLen) {
        unsigned c = in[ip++];
        if (c < 32) {
            size_t run = (size_t)c + 1;
            if (run > inLen - ip || run > outLen - op) return 0;
            memcpy(out + op, in + ip, run);
            ip += run;
            op += run;
            continue;
        }
        size_t len = c >> 5;
        if (len == 7) {
            if (ip >= inLen) return 0;
            len += in[ip++];
        }
        if (ip >= inLen) return 0;
        size_t dist = ((size_t)(c & 31) << 8 | in[ip++]) + 1;
        len += 2;
        if (dist > op || len > outLen - op) return 0;
        /* Byte by byte: the source may overlap what is being written. */
        for (size_t i = 0; i < len; i++, op++) out[op] = out[op - dist];
    }
    return op == outLen;
}
