/* lib/listpack.h -- Redis's listpack blob, as a DUMP payload carries a
 * small hash (RDB_TYPE_HASH_LISTPACK) and each node of a list
 * (RDB_TYPE_LIST_QUICKLIST_2): written for DUMP, read and fully validated
 * for RESTORE.
 *
 * The format (all integers little-endian unless said otherwise):
 *   header   total bytes (u32: the whole blob, header and end included),
 *            element count (u16; 65535 means "count them")
 *   entries  each: encoding byte(s), data, backlen
 *   end      one byte 0xFF
 * Entry encodings, by the first byte (a and b stand for payload bits):
 *   0aaaaaaa                 integer 0..127 in the byte
 *   10aaaaaa                 string of 0..63 bytes follows
 *   110aaaaa bbbbbbbb        13-bit signed integer (a high bits, two's
 *                            complement)
 *   1110aaaa bbbbbbbb        string of 0..4095 bytes follows (length
 *                            a:b, a high)
 *   11110000 + u32           string of that many bytes follows
 *   11110001 / 0010 / 0011 / 0100
 *                            signed integer of 16 / 24 / 32 / 64 bits follows
 *   0xF5..0xFE               invalid; 0xFF is the end byte
 * backlen: the entry's length without the backlen (encoding + data), in
 * 1..5 bytes of 7 bits each, the most significant group first and every
 * byte after the first with bit 7 set, so the blob can be walked
 * backwards.
 *
 * A writer chooses Redis's encoding for each element: an element that is
 * a canonical integer (no sign but '-', no leading zero, within 64 bits,
 * as Redis's string2ll) is stored as the smallest integer encoding that
 * holds it, anything else as the smallest string encoding; identical
 * contents give identical bytes. */
#ifndef REDIS_KV_LISTPACK_H
#define REDIS_KV_LISTPACK_H

#include <stddef.h>
#include "lib/bstr.h"

#define LP_HEADER_SIZE 6
#define LP_COUNT_UNKNOWN 65535
#define LP_EMPTY_SIZE (LP_HEADER_SIZE + 1) /* header and end byte */

/* Called for each element of a blob, in order: its bytes (an integer
 * entry formatted in decimal), valid during the call.  Returns 0 to stop
 * the walk (which then fails). */
typedef int packEntryFn(void *priv, const char *s, size_t len);

/* Appends the listpack of the n elements items[0..n) to out (a bstr) and
 * returns the new bstr. */
bstr lpAppendBlob(bstr out, const bstr *items, size_t n);

/* The bytes the element s[0..len) takes in a listpack written by
 * lpAppendBlob: encoding, data and backlen. */
size_t lpEntrySize(const char *s, size_t len);

/* Validates the whole blob p[0..len) (header, every entry and its
 * backlen, the count, the end byte exactly at the end) and calls fn for
 * each element: 1 when valid, 0 at the first fault (fn may have been
 * called for earlier elements). */
int lpWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv);

#endif
