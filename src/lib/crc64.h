/* lib/crc64.h -- CRC-64/Jones, the checksum at the end of a DUMP payload
 * (and of an RDB file).
 *
 * Parameters (the "Jones" variant Redis uses): polynomial
 * 0xAD93D23594C935A9, reflected input and output (so the table is built
 * from the bit-reversed polynomial 0x95AC9329AC4BC9B5), initial value 0,
 * no final XOR.  Check value: crc64(0, "123456789", 9) ==
 * 0xE9C6D914C4B8D9CA.  A DUMP payload stores it little-endian.
 *
 * crc64(crc64(0, a, alen), b, blen) == crc64(0, a || b), so a payload can
 * be checksummed in pieces.  Thread-safe (the table is built once, by a
 * constructor, before main). */
#ifndef REDIS_KV_CRC64_H
#define REDIS_KV_CRC64_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of buf[0..len) continued from crc (0 to start); buf may be NULL
 * when len is 0. */
uint64_t crc64(uint64_t crc, const void *buf, size_t len);

#endif
