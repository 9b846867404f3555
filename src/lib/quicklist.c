/* lib/quicklist.c -- Redis 7.0's quicklist node rules (quicklist.h). */
#include "lib/quicklist.h"

#include "lib/alloc.h"
#include "lib/listpack.h"

#define QL_FILL_MIN (-5)
#define QL_FILL_MAX 32767 /* Redis's fill is a 16-bit signed field */

/* The size limits of fill -1 .. -5. */
static const size_t fillBytes[] = {4096, 8192, 16384, 32768, 65536};

/* Whether Redis appends an element of len bytes to a PACKED node of
 * bytes listpack bytes holding count elements (the rule in quicklist.h). */
static int nodeAllowsInsert(size_t bytes, size_t count, int fill, size_t len) {
    size_t estimate = bytes + len + QL_SIZE_ESTIMATE_OVERHEAD;
    if (fill < 0 && estimate <= fillBytes[-fill - 1]) return 1;
    if (estimate > QL_SIZE_SAFETY_LIMIT) return 0;
    return fill >= 0 && count < (size_t)fill;
}

size_t qlLayout(const bstr *items, size_t n, const qlOptions *o, qlNode **nodes) {
    int fill = o->fill < QL_FILL_MIN ? QL_FILL_MIN : o->fill > QL_FILL_MAX ? QL_FILL_MAX : o->fill;
    qlNode *out = n ? xmalloc(n * sizeof(qlNode)) : NULL;
    size_t len = 0, bytes = 0; /* bytes: the last node's listpack, if PACKED */
    for (size_t i = 0; i < n; i++) {
        size_t elen = bstrLen(items[i]);
        int plain = elen >= o->packedThreshold;
        qlNode *last = len ? &out[len - 1] : NULL;
        if (!plain && last && !last->plain && nodeAllowsInsert(bytes, last->count, fill, elen)) {
            last->count++;
            bytes += lpEntrySize(items[i], elen);
            continue;
        }
        out[len++] = (qlNode){i, 1, plain};
        bytes = plain ? 0 : LP_EMPTY_SIZE + lpEntrySize(items[i], elen);
    }
    *nodes = out;
    return len;
}

int qlNodeInDepth(size_t i, size_t len, int compressDepth) {
    if (compressDepth <= 0) return 1;
    size_t d = (size_t)compressDepth;
    return i < d || i + d >= len;
}
