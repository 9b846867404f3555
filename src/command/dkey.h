/* command/dkey.h -- a key of one database as a single byte string (4
 * bytes of database number, then the key's bytes), the name under which
 * the command layer's registries of clients hold keys: WATCH's
 * (multi_state.c) and the blocked clients' (blocking.c). */
#ifndef REDIS_KV_DKEY_H
#define REDIS_KV_DKEY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lib/bstr.h"

static inline bstr dkeyNew(int db, const char *key, size_t klen) {
    uint32_t d = (uint32_t)db;
    bstr k = bstrNewLen((const char *)&d, sizeof(d));
    return bstrCatLen(k, key, klen);
}

static inline int dkeyDb(const bstr dkey) {
    uint32_t d;
    memcpy(&d, dkey, sizeof(d));
    return (int)d;
}

static inline const char *dkeyKey(const bstr dkey, size_t *klen) {
    *klen = bstrLen(dkey) - sizeof(uint32_t);
    return dkey + sizeof(uint32_t);
}

#endif
