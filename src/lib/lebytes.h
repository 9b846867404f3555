/* lib/lebytes.h -- little-endian integers in byte buffers, as the blob
 * formats of DUMP payloads store them (listpack, ziplist, intset, the RDB
 * integer encodings and footer).  Byte by byte, so any alignment and any
 * host order will do. */
#ifndef REDIS_KV_LEBYTES_H
#define REDIS_KV_LEBYTES_H

#include <stdint.h>

/* The unsigned integer in p[0..bytes), bytes <= 8. */
static inline uint64_t leGet(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* The low `bytes` bytes of v into p. */
static inline void lePut(unsigned char *p, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* The low `bits` bits of u as a two's complement number. */
static inline long long leSignExtend(uint64_t u, int bits) {
    if (bits < 64 && (u & (1ULL << (bits - 1)))) u |= ~0ULL << bits;
    return (long long)u;
}

#endif
