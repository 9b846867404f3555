/* lib/sha256.h -- SHA-256 (FIPS 180-4), for ACL password hashes.
 *
 * ACL users keep only the SHA-256 of each password, written as 64
 * lowercase hex characters, as Redis does (ACL LIST, ACL SAVE and
 * `#<hash>` rules show and take that form).  Incremental: init, update
 * any number of times, final. */
#ifndef REDIS_KV_SHA256_H
#define REDIS_KV_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 64

typedef struct sha256Ctx {
    uint32_t state[8];
    uint64_t bytes;        /* total input length */
    uint8_t block[64];     /* input not yet compressed */
    size_t used;           /* bytes in block */
} sha256Ctx;

void sha256Init(sha256Ctx *ctx);
void sha256Update(sha256Ctx *ctx, const void *data, size_t len);
void sha256Final(sha256Ctx *ctx, uint8_t out[SHA256_DIGEST_LEN]);

/* The digest of data[0..len) as 64 lowercase hex characters and a NUL. */
void sha256Hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

#endif
