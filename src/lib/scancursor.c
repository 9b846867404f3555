/* lib/scancursor.c -- the reverse-binary SCAN cursor.  See scancursor.h. */
#include "lib/scancursor.h"

#include <limits.h>

/* Reverses the bit order of v (bit 0 <-> highest bit). */
static unsigned long reverseBits(unsigned long v) {
    unsigned int shift = sizeof(v) * CHAR_BIT;
    unsigned long mask = ~0UL;
    while ((shift >>= 1) > 0) {
        mask ^= mask << shift;
        v = ((v >> shift) & mask) | ((v << shift) & ~mask);
    }
    return v;
}

/* Adds one to the cursor counting from its high bits down, considering
 * only the bits under 'mask'. */
static unsigned long cursorNext(unsigned long v, unsigned long mask) {
    v |= ~mask;
    v = reverseBits(v);
    v++;
    return reverseBits(v);
}

unsigned long scanCursorStep(unsigned long cursor, int rehashing, int smallTable,
                             unsigned long smallMask, int bigTable, unsigned long bigMask,
                             scanBucketVisitor *visit, void *ctx) {
    unsigned long v = cursor;
    if (!rehashing) {
        visit(ctx, smallTable, v & smallMask);
        return cursorNext(v, smallMask);
    }
    visit(ctx, smallTable, v & smallMask);
    /* Buckets of the big table whose low bits equal v & smallMask. */
    do {
        visit(ctx, bigTable, v & bigMask);
        v = cursorNext(v, bigMask);
    } while (v & (smallMask ^ bigMask));
    return v;
}
