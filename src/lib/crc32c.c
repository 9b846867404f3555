/* lib/crc32c.c -- CRC-32C, hardware (SSE4.2) or slicing-by-8 (see crc32c.h).
 */
#include "lib/crc32c.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CRC32C_HAVE_X86 1
#include <nmmintrin.h>
#else
#define CRC32C_HAVE_X86 0
#endif

#define CRC32C_POLY 0x82F63B78u /* reflected Castagnoli polynomial */

/* crcTable[k][b]: the CRC of byte b followed by k zero bytes; table 0 is
 * the classic byte-at-a-time table.  Filled once by crc32cInit(). */
static uint32_t crcTable[8][256];
static int useHardware;
static pthread_once_t crcOnce = PTHREAD_ONCE_INIT;

static void crc32cInit(void) {
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int i = 0; i < 8; i++) c = (c >> 1) ^ (CRC32C_POLY & (0u - (c & 1)));
        crcTable[0][b] = c;
    }
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = crcTable[0][b];
        for (int k = 1; k < 8; k++) {
            c = crcTable[0][c & 0xff] ^ (c >> 8);
            crcTable[k][b] = c;
        }
    }
#if CRC32C_HAVE_X86
    __builtin_cpu_init();
    useHardware = __builtin_cpu_supports("sse4.2") ? 1 : 0;
#endif
}

static inline void crc32cEnsureInit(void) {
    pthread_once(&crcOnce, crc32cInit);
}

/* Slicing-by-8 over the raw (un-inverted) register value. */
static uint32_t crcSliceBy8(uint32_t c, const unsigned char *p, size_t len) {
    while (len && ((uintptr_t)p & 7)) {
        c = crcTable[0][(c ^ *p++) & 0xff] ^ (c >> 8);
        len--;
    }
    while (len >= 8) {
        /* Assemble little-endian words byte by byte: portable and free of
         * alignment or strict-aliasing assumptions; compilers fuse it. */
        uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
                      (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 |
                      (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        lo ^= c;
        c = crcTable[7][lo & 0xff] ^ crcTable[6][(lo >> 8) & 0xff] ^
            crcTable[5][(lo >> 16) & 0xff] ^ crcTable[4][lo >> 24] ^
            crcTable[3][hi & 0xff] ^ crcTable[2][(hi >> 8) & 0xff] ^
            crcTable[1][(hi >> 16) & 0xff] ^ crcTable[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) c = crcTable[0][(c ^ *p++) & 0xff] ^ (c >> 8);
    return c;
}

uint32_t crc32cUpdateSw(uint32_t crc, const void *buf, size_t len) {
    crc32cEnsureInit();
    return ~crcSliceBy8(~crc, buf, len);
}

#if CRC32C_HAVE_X86
__attribute__((target("sse4.2")))
/* Unaligned 8-byte steps (x86 loads them at full speed), then at most one
 * step each of 4, 2 and 1 bytes: a record of a few dozen bytes, the usual
 * read, takes about ten dependent crc32 instructions, not twenty-odd. */
static uint32_t crcHw(uint32_t c, const unsigned char *p, size_t len) {
    uint64_t c64 = c;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c64 = _mm_crc32_u64(c64, w);
        p += 8;
        len -= 8;
    }
    c = (uint32_t)c64;
    if (len & 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        c = _mm_crc32_u32(c, w);
        p += 4;
    }
    if (len & 2) {
        uint16_t w;
        memcpy(&w, p, 2);
        c = _mm_crc32_u16(c, w);
        p += 2;
    }
    if (len & 1) c = _mm_crc32_u8(c, *p);
    return c;
}
#endif

uint32_t crc32cUpdateHw(uint32_t crc, const void *buf, size_t len) {
    crc32cEnsureInit();
#if CRC32C_HAVE_X86
    if (useHardware) return ~crcHw(~crc, buf, len);
#endif
    return ~crcSliceBy8(~crc, buf, len);
}

uint32_t crc32cUpdate(uint32_t crc, const void *buf, size_t len) {
    crc32cEnsureInit();
#if CRC32C_HAVE_X86
    if (useHardware) return ~crcHw(~crc, buf, len);
#endif
    return ~crcSliceBy8(~crc, buf, len);
}

uint32_t crc32c(const void *buf, size_t len) {
    return crc32cUpdate(0, buf, len);
}

int crc32cHardware(void) {
    crc32cEnsureInit();
    return useHardware;
}
