/* lib/quicklist.h -- how redis-server 7.0 cuts a list into quicklist
 * nodes, so that DUMP of a list gives Redis's bytes (lib/rdb_encoding.h,
 * RDB_TYPE_LIST_QUICKLIST_2).  Pure arithmetic over element lengths: no
 * blobs are built here.
 *
 * A Redis 7.0 list is a chain of nodes.  A node is PACKED (a listpack of
 * one or more elements) or PLAIN (one element stored as it is, for an
 * element of at least the packed threshold).  RPUSH appends to the last
 * node while Redis's rule allows it, else starts a new node:
 *   - never into or after a PLAIN node, never an element of at least
 *     the packed threshold (that one gets a PLAIN node of its own);
 *   - the estimate of the grown node is its listpack bytes + the
 *     element's string length (an integer's decimal digits too) + 8;
 *   - fill < 0 (list-max-listpack-size -1 .. -5): allowed when the
 *     estimate is at most 4096, 8192, 16384, 32768 or 65536 bytes;
 *   - otherwise (fill >= 0, or the size test failed): refused when the
 *     estimate is above the 8192-byte safety limit, else allowed while
 *     the node holds fewer than fill elements.
 * fill is clamped to [-5, 32767] first, as Redis does.
 *
 * Compression (list-compress-depth d > 0): the d nodes at each end stay
 * as they are; every node between them is kept LZF-compressed when it
 * is at least 48 bytes and compresses by more than 8 bytes. */
#ifndef REDIS_KV_QUICKLIST_H
#define REDIS_KV_QUICKLIST_H

#include <stddef.h>
#include "lib/bstr.h"

/* Redis's default packed threshold (1 GB): an element this long gets a
 * PLAIN node.  DEBUG QUICKLIST-PACKED-THRESHOLD changes it in Redis,
 * which is how the PLAIN bytes were checked against redis-server. */
#define QL_PACKED_THRESHOLD ((size_t)1 << 30)

/* Why 8192: Redis's SIZE_SAFETY_LIMIT, the largest node a count limit
 * (fill >= 0) may build; a bigger one would change the node boundaries
 * and so the DUMP bytes. */
#define QL_SIZE_SAFETY_LIMIT 8192
/* Redis's SIZE_ESTIMATE_OVERHEAD: what an entry may add beyond its
 * string bytes (encoding and backlen), rounded up.  Changing it moves
 * node boundaries. */
#define QL_SIZE_ESTIMATE_OVERHEAD 8
/* Compression: smaller nodes are never compressed, and a compression
 * must save more than QL_MIN_COMPRESS_IMPROVE bytes to be kept. */
#define QL_MIN_COMPRESS_BYTES 48
#define QL_MIN_COMPRESS_IMPROVE 8

typedef struct qlOptions {
    int fill;               /* list-max-listpack-size */
    int compressDepth;      /* list-compress-depth */
    size_t packedThreshold; /* QL_PACKED_THRESHOLD */
} qlOptions;

/* One node: elements [first, first + count) of the list. */
typedef struct qlNode {
    size_t first, count;
    int plain;
} qlNode;

/* The nodes RPUSH of items[0..n) into an empty list makes, in order:
 * their number, the array in *nodes (xfree it; NULL when n is 0). */
size_t qlLayout(const bstr *items, size_t n, const qlOptions *o, qlNode **nodes);

/* Whether node i of len is one a compress depth leaves uncompressed. */
int qlNodeInDepth(size_t i, size_t len, int compressDepth);

#endif
