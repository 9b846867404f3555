/* lib/crc32c.h -- CRC-32C (Castagnoli, polynomial 0x1EDC6F41, reflected
 * 0x82F63B78), the checksum of every record and file header in the store.
 *
 * Conventions (the usual ones, e.g. iSCSI, ext4, LevelDB):
 *   - initial value 0xFFFFFFFF and final XOR 0xFFFFFFFF are applied inside,
 *     so crc32c(NULL, 0) == 0 and crc32c("123456789", 9) == 0xE3069283;
 *   - crc32cUpdate() continues a finished checksum:
 *         crc32cUpdate(crc32c(a, alen), b, blen) == crc32c(a || b)
 *     so a checksum can be computed over pieces without copying them.
 *
 * The implementation is chosen once per process: the SSE4.2 crc32
 * instruction when the CPU has it (x86-64), else a portable slicing-by-8
 * table.  Both give identical results.  All functions are thread-safe. */
#ifndef REDIS_KV_CRC32C_H
#define REDIS_KV_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of buf[0..len) continued from the finished checksum 'crc'
 * (pass 0 to start).  buf may be NULL when len is 0. */
uint32_t crc32cUpdate(uint32_t crc, const void *buf, size_t len);

/* CRC-32C of buf[0..len): crc32cUpdate(0, buf, len). */
uint32_t crc32c(const void *buf, size_t len);

/* 1 when crc32cUpdate uses the SSE4.2 instruction, 0 for the table. */
int crc32cHardware(void);

/* The two implementations, exposed so tests can compare them.
 * crc32cUpdateHw may only be called when crc32cHardware() is 1 (on other
 * CPUs or architectures it falls back to the table code). */
uint32_t crc32cUpdateSw(uint32_t crc, const void *buf, size_t len);
uint32_t crc32cUpdateHw(uint32_t crc, const void *buf, size_t len);

#endif
