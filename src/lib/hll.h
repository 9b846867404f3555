/* lib/hll.h -- HyperLogLog values in Redis's exact byte format.
 *
 * An HLL is an ordinary string value.  Its bytes are Redis 7.0's, so a
 * value written by Redis's PFADD is read here and the other way round:
 *
 *   offset  size  field
 *   0       4     magic "HYLL"
 *   4       1     encoding: 0 dense, 1 sparse (anything else: not an HLL)
 *   5       3     unused (kept as found)
 *   8       8     cached cardinality, little endian; bit 7 of byte 15 set
 *                 means "invalid, recount".  Invalidating sets only that
 *                 bit, the other 63 bits stay as they were.
 *   16      ...   registers
 *
 * 16384 registers (P = 14 index bits), each the length of the longest
 * "000..1" run seen among the hashes that chose it (0..51, 6 bits).
 *
 * Dense: exactly 12288 bytes of 6-bit registers packed little endian:
 * register i occupies bits 6i .. 6i+5 of the array, least significant bit
 * first, so it starts in byte 6i/8 at bit (6i mod 8) and may spill into the
 * next byte.  A dense value is always HLL_DENSE_SIZE bytes.
 *
 * Sparse: a run-length list of opcodes covering all 16384 registers in order:
 *   00nnnnnn           ZERO:  n+1 registers (1..64) are 0
 *   01nnnnnn mmmmmmmm  XZERO: (n<<8 | m)+1 registers (1..16384) are 0
 *   1vvvvvnn           VAL:   n+1 registers (1..4) are v+1 (1..32)
 * A new HLL is sparse: one XZERO covering all 16384 registers.  A register
 * value above 32, or a sparse value that would grow past the caller's
 * sparseMax bytes (hll-sparse-max-bytes, header included), turns the value
 * dense for good.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits
 * pick the register, the rest (with bit 50 forced to 1) give the run length.
 * Counting uses Ertl's improved raw estimator ("New cardinality estimation
 * algorithms for HyperLogLog sketches", 2017), as Redis 7 does, so the
 * numbers are Redis's to the unit.
 *
 * Nothing here trusts its input: every reader stays within the bytes it is
 * given, and a sparse list that does not add up to 16384 registers is
 * reported as corrupt (-1 / *invalid), never followed out of bounds. */
#ifndef REDIS_KV_HLL_H
#define REDIS_KV_HLL_H

#include <stddef.h>
#include <stdint.h>
#include "lib/bstr.h"

#define HLL_P 14
#define HLL_REGISTERS (1 << HLL_P)                      /* 16384 */
#define HLL_BITS 6
#define HLL_HDR_SIZE 16
#define HLL_DENSE_SIZE (HLL_HDR_SIZE + (HLL_REGISTERS * HLL_BITS + 7) / 8) /* 12304 */
#define HLL_DENSE 0
#define HLL_SPARSE 1
/* The largest register value the sparse VAL opcode can hold. */
#define HLL_SPARSE_VAL_MAX 32

/* The 64-bit hash of an element (MurmurHash64A, seed 0xadc83b19, reading
 * 8-byte words little endian). */
uint64_t hllHash(const void *ele, size_t len);
/* The register an element selects (*index) and the value it proposes
 * for it (1..51). */
int hllPatternLength(const void *ele, size_t len, long *index);

/* Whether p[0..len) has an HLL header Redis accepts: at least 16 bytes,
 * the magic, a known encoding, and the exact dense size when dense.  The
 * registers are not looked at (a sparse list can still be corrupt). */
int hllIsValidHeader(const char *p, size_t len);
int hllEncoding(const char *p); /* HLL_DENSE or HLL_SPARSE; header checked */

/* A new empty HLL (sparse, cached cardinality 0 and valid). */
bstr hllCreate(void);

/* Changes to a value the caller owns (*h, checked by hllIsValidHeader).
 * They may reallocate *h.  sparseMax is hll-sparse-max-bytes.
 *
 * hllAdd: adds an element.  1 when a register changed, 0 when not, -1
 * when the sparse list is corrupt (*h may then be partly changed).  The
 * cached cardinality is left alone: the caller invalidates it once.
 * hllSetRegister: raises register `index` to `count` if lower; same
 * results.  hllToDense: 1 when converted, 0 when already dense, -1 when
 * the sparse list is corrupt (*h unchanged). */
int hllAdd(bstr *h, const void *ele, size_t len, size_t sparseMax);
int hllSetRegister(bstr *h, long index, uint8_t count, size_t sparseMax);
int hllToDense(bstr *h);

/* Cached cardinality (header checked by the caller). */
int hllCacheIsValid(const char *p);
uint64_t hllCacheGet(const char *p);
void hllCacheSet(char *p, uint64_t card);
void hllCacheInvalidate(char *p);

/* Raises max[i] (16384 bytes, one register each) to register i of the HLL
 * p[0..len) (header checked).  0, or -1 when the sparse list is corrupt. */
int hllMergeRegisters(uint8_t *max, const char *p, size_t len);

/* Estimated cardinality of the HLL p[0..len) (header checked), ignoring
 * the cache.  *invalid (if not NULL) is set to 1 when the sparse list is
 * corrupt; the result is then meaningless. */
uint64_t hllCount(const char *p, size_t len, int *invalid);
/* The same estimate from 16384 one-byte registers. */
uint64_t hllCountRegisters(const uint8_t *regs);

/* PFDEBUG DECODE's text for a sparse HLL: "Z:n" (XZERO), "z:n" (ZERO),
 * "v:value,n" (VAL), separated by one space. */
bstr hllSparseDecode(const char *p, size_t len);

/* PFSELFTEST: checks the dense register packing, that sparse and dense
 * forms of the same additions count alike, and the estimator's error on
 * fixed data.  0 when all pass; else -1 with a message in err. */
int hllSelfTest(char *err, size_t errlen);

#endif
