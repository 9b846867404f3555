/* lib/rdb_encoding.h -- the serialized value of DUMP and RESTORE: one
 * object in Redis's RDB encoding, for the types redis-kv has (strings,
 * hashes, sets, sorted sets, lists; streams are lib/rdb_stream.h's).  Pure bytes in, bytes out: no keys, no clients.
 *
 * A payload is
 *   type      one byte, RDB_TYPE_*
 *   value     the object in that type's encoding (below)
 *   version   u16 little-endian: the RDB version that wrote it (10 for
 *             Redis 7.0); a reader refuses a newer one
 *   crc       u64 little-endian: CRC-64/Jones (lib/crc64.h) of every
 *             byte before it
 *
 * Lengths.  A length is 1, 2, 5 or 9 bytes, by the top two bits of the
 * first byte b:
 *   00  the length is b & 63
 *   01  ((b & 63) << 8) | next byte (14 bits, big-endian)
 *   10  b == 0x80: a u32 big-endian follows; b == 0x81: a u64 big-endian
 *       (any other b with top bits 10 is invalid)
 *   11  not a length but a string in a special encoding, b & 63:
 *       0, 1, 2: an integer of 8, 16 or 32 bits follows (signed,
 *       little-endian), meaning its decimal string; 3: an LZF-compressed
 *       string follows: compressed length, uncompressed length (both
 *       lengths), then the compressed bytes (lib/lzf.h)
 * A string is a length and that many bytes, or a special encoding.
 *
 * Values by type:
 *   RDB_TYPE_STRING         a string
 *   RDB_TYPE_SET            a length n, then n member strings
 *   RDB_TYPE_HASH           a length n, then n (name, value) string pairs
 *   RDB_TYPE_SET_INTSET     a string holding an intset: encoding (u32 LE:
 *                           2, 4 or 8 bytes per value), count (u32 LE),
 *                           then count values of that width, signed,
 *                           little-endian, strictly ascending
 *   RDB_TYPE_HASH_LISTPACK  a string holding a listpack (lib/listpack.h)
 *                           of name, value, name, value ...
 *   RDB_TYPE_HASH_ZIPLIST   the same in a ziplist (lib/ziplist.h)
 *   RDB_TYPE_HASH_ZIPMAP    a string holding a zipmap (lib/ziplist.h)
 *   RDB_TYPE_ZSET           a length n, then n (member string, score)
 *                           pairs, the score as a length byte and that
 *                           many bytes of its decimal text (253 NaN,
 *                           254 +inf, 255 -inf) (read only)
 *   RDB_TYPE_ZSET_2         a length n, then n (member string, score as
 *                           8 bytes IEEE 754 little-endian) pairs, the
 *                           highest score first
 *   RDB_TYPE_ZSET_LISTPACK  a string holding a listpack of member,
 *   RDB_TYPE_ZSET_ZIPLIST   score, member, score ... (the score as text,
 *                           or an integer) in score order (the ziplist
 *                           form read only)
 *   RDB_TYPE_LIST           a length n, then n element strings (read only)
 *   RDB_TYPE_LIST_ZIPLIST   a string holding a ziplist of the elements
 *                           (read only)
 *   RDB_TYPE_LIST_QUICKLIST a length (the node count), then per node a
 *                           string holding a ziplist (read only)
 *   RDB_TYPE_LIST_QUICKLIST_2
 *                           a length (the node count), then per node a
 *                           container length (RDB_QL_PLAIN: the string
 *                           that follows is one element; RDB_QL_PACKED: it
 *                           holds a listpack of elements).  A node that
 *                           list-compress-depth keeps compressed is
 *                           written as an LZF string whatever
 *                           rdbcompression says (lib/quicklist.h has the
 *                           node rules).  A reader skips an empty
 *                           listpack or ziplist node, as Redis does.
 *
 * What a writer chooses, as redis-server 7.0 does, so identical contents
 * give identical bytes: a string that is a canonical integer within 32
 * bits (string2ll's rules, formatting back to the same bytes) is stored
 * in the smallest integer encoding; a string longer than 20 bytes is
 * LZF-compressed when that saves more than 4 bytes (lzf.h says how the
 * compressor matches Redis's); anything else is stored as it is.  The
 * same rule applies to members, names, values and the blobs. */
#ifndef REDIS_KV_RDB_ENCODING_H
#define REDIS_KV_RDB_ENCODING_H

#include <stddef.h>
#include <stdint.h>
#include "lib/bstr.h"
#include "lib/quicklist.h"

#define RDB_VERSION 10        /* Redis 7.0's; a payload of a newer one is refused */
#define RDB_FOOTER_SIZE 10    /* version (2) + CRC-64 (8) */

#define RDB_TYPE_STRING 0
#define RDB_TYPE_LIST 1
#define RDB_TYPE_SET 2
#define RDB_TYPE_ZSET 3
#define RDB_TYPE_HASH 4
#define RDB_TYPE_ZSET_2 5
#define RDB_TYPE_HASH_ZIPMAP 9
#define RDB_TYPE_LIST_ZIPLIST 10
#define RDB_TYPE_SET_INTSET 11
#define RDB_TYPE_ZSET_ZIPLIST 12
#define RDB_TYPE_HASH_ZIPLIST 13
#define RDB_TYPE_LIST_QUICKLIST 14
#define RDB_TYPE_HASH_LISTPACK 16
#define RDB_TYPE_ZSET_LISTPACK 17
#define RDB_TYPE_LIST_QUICKLIST_2 18

/* The container of a RDB_TYPE_LIST_QUICKLIST_2 node. */
#define RDB_QL_PLAIN 1
#define RDB_QL_PACKED 2

/* Strings longer than this are tried with LZF (Redis's bound: shorter ones
 * never shrink by the 4 bytes it asks for). */
#define RDB_LZF_MIN_LEN 20

/* A decoded payload. */
#define RDB_OBJ_STRING 0
#define RDB_OBJ_HASH 1
#define RDB_OBJ_SET 2
#define RDB_OBJ_LIST 3
#define RDB_OBJ_ZSET 4      /* names: members; values: scores, RDB_SCORE_LEN bytes each */
#define RDB_OBJ_STREAM 5    /* stream: everything (lib/rdb_stream.h); n is 0 */
/* A decoded sorted set's score: the double's 8 bytes, IEEE 754
 * little-endian (the value of a sorted-set element record). */
#define RDB_SCORE_LEN 8
typedef struct rdbObject {
    int kind;       /* RDB_OBJ_* */
    bstr str;       /* RDB_OBJ_STRING: the value */
    bstr *names;    /* hash fields or set members, n of them, no duplicates
                     * (NULL for a list) */
    bstr *values;   /* hash values, or a list's elements in order (NULL
                     * for a set) */
    size_t n;       /* at least 1 for a hash, a set or a list */
    struct rdbStream *stream; /* RDB_OBJ_STREAM: the stream (may be empty) */
} rdbObject;

/* Whether p[0..len) ends in a version this build reads and a matching
 * CRC ("DUMP payload version or checksum are wrong" otherwise). */
int rdbPayloadVerify(const void *p, size_t len);

/* Decodes a verified payload into *o: 1, or 0 when the value is not one
 * this build reads (another type, a damaged encoding or blob, an empty
 * collection, a duplicate name, a string longer than maxString bytes:
 * LZF expands up to 88 times, so a small payload can claim a string the
 * store cannot hold), with *o left empty.  Never reads outside
 * p[0..len). */
int rdbPayloadDecode(const void *p, size_t len, size_t maxString, rdbObject *o);
void rdbObjectFree(rdbObject *o);

/* Payloads, footer included, as redis-server 7.0 writes them.  A hash of
 * n (names[i], values[i]) in a listpack or as RDB_TYPE_HASH; a set of n
 * members as an intset (every member a canonical 64-bit integer) or as
 * RDB_TYPE_SET.  compress: whether strings longer than RDB_LZF_MIN_LEN
 * are tried with LZF (Redis's rdbcompression, yes by default). */
bstr rdbPayloadString(const char *s, size_t len, int compress);
bstr rdbPayloadHash(const bstr *names, const bstr *values, size_t n, int listpack, int compress);
bstr rdbPayloadSet(const bstr *members, size_t n, int intset, int compress);
/* A sorted set of n (members[i], scores[i]) in score order: a listpack
 * (the scores written as Redis's d2string writes them) or
 * RDB_TYPE_ZSET_2 (highest score first, as Redis saves a skiplist). */
bstr rdbPayloadZset(const bstr *members, const double *scores, size_t n, int listpack,
                    int compress);
/* A list of the n items in order, as RDB_TYPE_LIST_QUICKLIST_2 with the
 * nodes RPUSH of the items into an empty list makes in Redis under o. */
bstr rdbPayloadList(const bstr *items, size_t n, const qlOptions *o, int compress);

/* FUNCTION DUMP's payload: per library the opcode RDB_OPCODE_FUNCTION2
 * and the library's code as a string, then the footer.  The opcode of
 * Redis 7.0's release candidates (PRE_GA) is recognised to be refused. */
#define RDB_OPCODE_FUNCTION2 245
#define RDB_OPCODE_FUNCTION_PRE_GA 246
bstr rdbPayloadFunctions(const bstr *codes, size_t n, int compress);
/* Reads a verified FUNCTION DUMP payload into *codes (an array of *n
 * strings, the caller frees each and the array): RDB_FUNCTIONS_OK, or
 * _NOT_FUNCTION (another opcode), _PRE_GA, _BAD (damaged), with nothing
 * left to free. */
#define RDB_FUNCTIONS_OK 0
#define RDB_FUNCTIONS_NOT_FUNCTION 1
#define RDB_FUNCTIONS_PRE_GA 2
#define RDB_FUNCTIONS_BAD 3
int rdbPayloadDecodeFunctions(const void *p, size_t len, size_t maxString, bstr **codes,
                              size_t *n);

/* The pieces, for tests and lib/rdb_stream.c: a length, and a string as
 * a writer stores it; a payload's type byte, and its footer appended. */
bstr rdbAppendLen(bstr out, unsigned long long len);
bstr rdbAppendString(bstr out, const char *s, size_t len, int compress);
bstr rdbPayloadStart(int type);
bstr rdbPayloadFinish(bstr out);

/* The reading side of those pieces, for lib/rdb_stream.c: a cursor over
 * a payload's value bytes (the footer excluded), every read checked
 * against what is left; each returns 1, or 0 when the bytes are short or
 * malformed. */
typedef struct rdbReader {
    const unsigned char *p;
    size_t len, pos;
    size_t maxString; /* longer strings are refused */
} rdbReader;
/* A length as Redis's rdbLoadLen reads it (a special encoding byte reads
 * as its six low bits). */
int rdbReadLen(rdbReader *r, uint64_t *len);
/* A length that counts items still to come: also refused when there are
 * fewer bytes left than items, before anything is allocated for them. */
int rdbReadCount(rdbReader *r, uint64_t *n);
int rdbReadString(rdbReader *r, bstr *out);
int rdbReadBytes(rdbReader *r, void *buf, size_t n);

#endif
