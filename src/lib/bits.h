/* lib/bits.h -- bit arithmetic on byte strings, for the bitmap commands.
 *
 * Bit numbering is Redis's: bit 0 is the most significant bit of byte 0,
 * bit 8 the most significant bit of byte 1, and so on.  A bitfield of
 * `bits` bits at bit offset `off` is read most significant bit first, so
 * "u8 at offset 0" is byte 0 as an unsigned number.
 *
 * Pure code: no allocation, no I/O, no server state.  Callers guarantee
 * every bit they name lies inside the buffer they pass. */
#ifndef REDIS_KV_BITS_H
#define REDIS_KV_BITS_H

#include <stddef.h>
#include <stdint.h>

/* Set bits in the whole of p[0..len). */
uint64_t bitsPopcount(const unsigned char *p, size_t len);

/* Set bits among bits first..last (inclusive) of p; first <= last. */
uint64_t bitsCountRange(const unsigned char *p, uint64_t first, uint64_t last);

/* The index of the first bit equal to `bit` (0 or 1) among bits
 * first..last (inclusive) of p, or -1 when there is none; first <= last. */
int64_t bitsFindRange(const unsigned char *p, uint64_t first, uint64_t last, int bit);

/* BITOP's operators.  bitsFold makes acc = acc OP src byte by byte over
 * acc[0..acclen), reading src as zero past srclen (srclen <= acclen);
 * bitsNot flips every bit of p[0..len). */
typedef enum { BITS_AND, BITS_OR, BITS_XOR } bitsOp;
void bitsFold(unsigned char *acc, size_t acclen, const unsigned char *src, size_t srclen,
              bitsOp op);
void bitsNot(unsigned char *p, size_t len);

/* Bit `off` of p: 0 or 1. */
int bitsGet(const unsigned char *p, uint64_t off);

/* The `bits`-wide field (1..64) at bit offset off, as an unsigned number,
 * and its two's complement reading. */
uint64_t bitsGetUnsigned(const unsigned char *p, uint64_t off, int bits);
int64_t bitsGetSigned(const unsigned char *p, uint64_t off, int bits);

/* Stores the low `bits` bits of value (1..64) at bit offset off. */
void bitsSetField(unsigned char *p, uint64_t off, int bits, uint64_t value);

/* What happens when a value does not fit its field (BITFIELD OVERFLOW). */
typedef enum { BITS_WRAP, BITS_SAT, BITS_FAIL } bitsOverflow;

/* value + incr for a signed field of `bits` bits (1..64), computed without
 * overflow.  Returns 0 when the exact sum fits [min, max], with *result set
 * to it; 1 when it lies above max, -1 below min.  On overflow *result gets
 * what the rule makes of it: WRAP keeps the low `bits` bits of the sum
 * (two's complement), SAT the nearest limit; FAIL leaves it unchanged.
 * A SET is the same check with incr 0. */
int bitsAddSigned(int64_t value, int64_t incr, int bits, bitsOverflow rule, int64_t *result);

/* The same for an unsigned field of 1..63 bits.  value may itself be out of
 * range (a negative SET argument read as unsigned); it then counts as an
 * overflow above max. */
int bitsAddUnsigned(uint64_t value, int64_t incr, int bits, bitsOverflow rule, uint64_t *result);

#endif
