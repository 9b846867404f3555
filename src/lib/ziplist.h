/* lib/ziplist.h -- the two blobs older Redis versions wrote for small
 * hashes, read (and fully validated) so RESTORE takes their payloads:
 * the ziplist (RDB_TYPE_HASH_ZIPLIST, Redis 2.6 to 6.2) and the zipmap
 * (RDB_TYPE_HASH_ZIPMAP, before 2.6).  redis-kv never writes either.
 *
 * Ziplist (integers little-endian):
 *   header   total bytes (u32), offset of the last entry (u32; the
 *            header's end when empty), element count (u16; 65535: count
 *            them)
 *   entries  each: prevlen, encoding, data
 *   end      one byte 0xFF
 * prevlen is the previous entry's total size (0 for the first): one byte
 * when below 254, else 0xFE and a u32.  Encodings, by the first byte (a
 * and b stand for payload bits):
 *   00aaaaaa                   string of 0..63 bytes
 *   01aaaaaa bbbbbbbb          string of 14 bits of length (a high)
 *   10000000 + u32 big-endian  string of that length
 *   11000000 / 11010000 / 11100000
 *                              signed int16 / int32 / int64 follows
 *   11110000                   signed 24-bit integer follows
 *   11111110                   signed 8-bit integer follows
 *   1111aaaa (0001..1101)      the integer aaaa - 1 (0..12), no data
 *
 * Zipmap:
 *   zmlen (u8: the pair count when below 254), then pairs, then 0xFF.
 *   A pair: len, name, len, free (u8), value, `free` unused bytes.  A
 *   len is one byte when below 254, else 0xFE and a u32 (little-endian). */
#ifndef REDIS_KV_ZIPLIST_H
#define REDIS_KV_ZIPLIST_H

#include <stddef.h>
#include "lib/listpack.h"

/* Validate the whole blob p[0..len) and call fn for each element (a
 * zipmap: name, value, name, value ...): 1 when valid, 0 at the first
 * fault. */
int ziplistWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv);
int zipmapWalk(const unsigned char *p, size_t len, packEntryFn *fn, void *priv);

#endif
