/* lib/crc64.c -- CRC-64/Jones (see crc64.h for the parameters), one table
 * lookup per byte. */
#include "lib/crc64.h"

#define CRC64_POLY_REFLECTED 0x95AC9329AC4BC9B5ULL

static uint64_t crc64Table[256];

/* Byte-at-a-time table of the reflected polynomial: entry b is the CRC
 * register after shifting the 8 bits of b out of it. */
__attribute__((constructor)) static void crc64BuildTable(void) {
    for (unsigned b = 0; b < 256; b++) {
        uint64_t c = b;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (CRC64_POLY_REFLECTED & (0 - (c & 1)));
        crc64Table[b] = c;
    }
}

uint64_t crc64(uint64_t crc, const void *buf, size_t len) {
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++) crc = crc64Table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}
