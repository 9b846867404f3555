/* lib/lzf.h -- LZF, the compression of long strings in RDB and DUMP
 * payloads.
 *
 * The format.  A compressed stream is a sequence of chunks, each opening
 * with a control byte c:
 *   - c < 32: a literal run: the next c + 1 bytes are copied as they are;
 *   - c >= 32: a back reference: L = c >> 5 (1..7); when L is 7 the next
 *     byte is added to it; then one more byte b gives the distance
 *     D = ((c & 31) << 8 | b) + 1, and L + 2 bytes are copied from D bytes
 *     back in the output (the source may overlap the bytes being written,
 *     which repeats a pattern).  So a reference copies 3..264 bytes from at
 *     most 8192 bytes back.
 * The stream has no header and no end marker: its length and the length
 * of what it expands to are stored beside it (RDB: clen, then len).
 *
 * The compressor is greedy and makes the choices Redis's liblzf build
 * makes (a one-slot table of the last position of each 3-byte hash, the
 * two positions before a match's end entered after it, a match never
 * starting at position 0 ...), so that DUMP gives the bytes redis-server
 * gives for the same string: each choice is commented in lzf.c. */
#ifndef REDIS_KV_LZF_H
#define REDIS_KV_LZF_H

#include <stddef.h>

/* Compresses in[0..inLen) into out, which has room for cap bytes: the
 * compressed length, or 0 when the result would not fit in cap bytes
 * (the caller then stores the string uncompressed). */
size_t lzfCompress(const void *in, size_t inLen, void *out, size_t cap);

/* Expands the stream in[0..inLen) into out[0..outLen): 1 when it is
 * well formed and expands to exactly outLen bytes, else 0 (a reference
 * reaching before the start, a run past either end, trailing bytes). */
int lzfDecompress(const void *in, size_t inLen, void *out, size_t outLen);

#endif
