/* store/record.c -- the record codec (format and rules in record.h). */
#include "store/record.h"

#include <string.h>

#include "lib/crc32c.h"

size_t recordHeaderSize(void) {
    return RECORD_HEADER_SIZE;
}

int recordIsDataType(int type) {
    return (type >= RECORD_SET && type <= RECORD_FLUSHALL) || type == RECORD_SWAPDB ||
           type == RECORD_DBMAP || type == RECORD_PATCH || type == RECORD_ELEMENT ||
           type == RECORD_ELEMENT_DEL || type == RECORD_META || type == RECORD_META_DEL;
}

const char *recordTypeName(int type) {
    switch (type) {
    case RECORD_SET: return "set";
    case RECORD_DEL: return "del";
    case RECORD_EXPIRE: return "expire";
    case RECORD_FLUSHDB: return "flushdb";
    case RECORD_FLUSHALL: return "flushall";
    case RECORD_BATCH_BEGIN: return "batch-begin";
    case RECORD_BATCH_COMMIT: return "batch-commit";
    case RECORD_SWAPDB: return "swapdb";
    case RECORD_DBMAP: return "dbmap";
    case RECORD_PATCH: return "patch";
    case RECORD_ELEMENT: return "element";
    case RECORD_ELEMENT_DEL: return "element-del";
    case RECORD_META: return "meta";
    case RECORD_META_DEL: return "meta-del";
    default: return "unknown";
    }
}

const char *recordCheckHeader(const recordHeader *h, uint64_t maxRecordSize) {
    switch (h->type) {
    case RECORD_SET:
        if (h->expireAt < 0) return "negative expire time";
        break;
    case RECORD_DEL:
        if (h->vallen != 0) return "delete record with a value";
        if (h->expireAt != 0) return "delete record with an expire time";
        break;
    case RECORD_EXPIRE:
        if (h->vallen != 0) return "expire record with a value";
        if (h->expireAt < 0) return "negative expire time";
        break;
    case RECORD_FLUSHDB:
    case RECORD_FLUSHALL:
    case RECORD_BATCH_COMMIT:
        if (h->keylen != 0 || h->vallen != 0) return "marker record with data";
        if (h->expireAt != 0) return "marker record with an expire time";
        if (h->type != RECORD_FLUSHDB && h->db != 0) {
            return "marker record with a database number";
        }
        break;
    case RECORD_BATCH_BEGIN:
        if (h->keylen != 0 || h->vallen != RECORD_BATCH_COUNT_SIZE) {
            return "batch begin record of the wrong size";
        }
        if (h->expireAt != 0) return "marker record with an expire time";
        if (h->db != 0) return "marker record with a database number";
        break;
    case RECORD_SWAPDB:
    case RECORD_DBMAP:
        if (h->type == RECORD_SWAPDB ? h->keylen != 4 : h->keylen == 0 || h->keylen % 2 != 0)
            return "database map record of the wrong size";
        if (h->vallen != 0) return "database map record with a value";
        if (h->expireAt != 0) return "marker record with an expire time";
        if (h->db != 0) return "marker record with a database number";
        break;
    case RECORD_PATCH:
        if (h->keylen < RECORD_PATCH_HEADER_SIZE) return "patch record without a patch header";
        if (h->expireAt != 0) return "patch record with an expire time";
        break;
    case RECORD_ELEMENT:
    case RECORD_ELEMENT_DEL:
        if (h->keylen < RECORD_ELEMENT_HEADER_SIZE) return "element record without an element header";
        if (h->type == RECORD_ELEMENT && h->expireAt < 0) return "negative expire time";
        if (h->type == RECORD_ELEMENT_DEL && h->vallen != 0) return "element delete record with a value";
        if (h->type == RECORD_ELEMENT_DEL && h->expireAt != 0)
            return "element delete record with an expire time";
        break;
    case RECORD_META:
    case RECORD_META_DEL:
        if (h->keylen == 0 || h->keylen > RECORD_META_NAME_MAX)
            return "metadata record with a name of the wrong size";
        if (h->type == RECORD_META_DEL && h->vallen != 0) return "metadata delete record with a value";
        if (h->expireAt != 0) return "metadata record with an expire time";
        if (h->db != 0) return "metadata record with a database number";
        break;
    default:
        return "invalid record type";
    }
    if (maxRecordSize &&
        recordEncodedSize(h->keylen, h->vallen) > maxRecordSize) {
        return "record larger than the maximum record size";
    }
    return NULL;
}

/* Writes the header fields (everything but the two checksums) at dst. */
static void putFields(char *dst, const recordHeader *h) {
    dst[8] = (char)h->type;
    dst[9] = (char)h->flags;
    recordPutU16(dst + 10, h->db);
    recordPutU32(dst + 12, h->keylen);
    recordPutU32(dst + 16, h->vallen);
    recordPutU64(dst + 20, (uint64_t)h->expireAt);
    recordPutU64(dst + 28, h->seq);
    recordPutU64(dst + 36, (uint64_t)h->timestamp);
}

/* Fills the header bytes at dst and returns the full-record crc; stores
 * both checksums into dst. */
static uint32_t sealHeader(char *dst, const recordHeader *h, const void *key,
                           const void *val, uint32_t *hcrcOut) {
    putFields(dst, h);
    uint32_t hcrc = crc32c(dst + RECORD_HCRC_START,
                           RECORD_HEADER_SIZE - RECORD_HCRC_START);
    recordPutU32(dst + 4, hcrc);
    uint32_t crc = crc32c(dst + RECORD_CRC_START,
                          RECORD_HEADER_SIZE - RECORD_CRC_START);
    crc = crc32cUpdate(crc, key, h->keylen);
    crc = crc32cUpdate(crc, val, h->vallen);
    recordPutU32(dst, crc);
    *hcrcOut = hcrc;
    return crc;
}

size_t recordEncode(char *dst, const recordHeader *h, const void *key,
                    const void *val) {
    if (recordCheckHeader(h, 0) != NULL) return 0;
    uint32_t hcrc;
    sealHeader(dst, h, key, val, &hcrc);
    char *p = dst + RECORD_HEADER_SIZE;
    if (h->keylen) memcpy(p, key, h->keylen);
    p += h->keylen;
    if (h->vallen) memcpy(p, val, h->vallen);
    p += h->vallen;
    return (size_t)(p - dst);
}

size_t recordEncodeHeader(char *dst, recordHeader *h, const void *key,
                          const void *val) {
    if (recordCheckHeader(h, 0) != NULL) return 0;
    h->crc = sealHeader(dst, h, key, val, &h->hcrc);
    return RECORD_HEADER_SIZE;
}

int recordDecodeHeader(const char *buf, size_t len, uint64_t maxRecordSize,
                       recordHeader *out, const char **reason) {
    if (len < RECORD_HEADER_SIZE) return RECORD_NEED_MORE;
    recordHeader h;
    h.crc = recordGetU32(buf);
    h.hcrc = recordGetU32(buf + 4);
    h.type = (uint8_t)buf[8];
    /* Cheapest test first: most garbage fails on the type byte. */
    if (h.type == 0 || h.type > RECORD_TYPE_MAX) {
        if (reason) *reason = "invalid record type";
        return RECORD_BAD;
    }
    if (crc32c(buf + RECORD_HCRC_START,
               RECORD_HEADER_SIZE - RECORD_HCRC_START) != h.hcrc) {
        if (reason) *reason = "header checksum mismatch";
        return RECORD_BAD;
    }
    h.flags = (uint8_t)buf[9];
    h.db = recordGetU16(buf + 10);
    h.keylen = recordGetU32(buf + 12);
    h.vallen = recordGetU32(buf + 16);
    h.expireAt = (int64_t)recordGetU64(buf + 20);
    h.seq = recordGetU64(buf + 28);
    h.timestamp = (int64_t)recordGetU64(buf + 36);
    const char *why = recordCheckHeader(&h, maxRecordSize);
    if (why != NULL) {
        if (reason) *reason = why;
        return RECORD_BAD;
    }
    *out = h;
    return RECORD_OK;
}

int recordVerifyWhole(const char *buf, uint64_t recLen, uint32_t klen, uint32_t vlen) {
    if (recLen != recordEncodedSize(klen, vlen)) return 0;
    if (recordGetU32(buf + 12) != klen || recordGetU32(buf + 16) != vlen) return 0;
    uint8_t type = (uint8_t)buf[8];
    if (type == 0 || type > RECORD_TYPE_MAX) return 0;
    return crc32c(buf + RECORD_CRC_START, (size_t)recLen - RECORD_CRC_START) == recordGetU32(buf);
}

uint32_t recordCrcBegin(const char *headerBuf) {
    return crc32c(headerBuf + RECORD_CRC_START,
                  RECORD_HEADER_SIZE - RECORD_CRC_START);
}

int recordVerify(const recordHeader *h, const char *buf) {
    uint64_t total = recordEncodedSize(h->keylen, h->vallen);
    return crc32c(buf + RECORD_CRC_START,
                  (size_t)(total - RECORD_CRC_START)) == h->crc;
}

void recordInitBatchBegin(recordHeader *h, uint64_t seq, int64_t timestamp) {
    memset(h, 0, sizeof(*h));
    h->type = RECORD_BATCH_BEGIN;
    h->vallen = RECORD_BATCH_COUNT_SIZE;
    h->seq = seq;
    h->timestamp = timestamp;
}

void recordInitBatchCommit(recordHeader *h, uint64_t seq, int64_t timestamp) {
    memset(h, 0, sizeof(*h));
    h->type = RECORD_BATCH_COMMIT;
    h->seq = seq;
    h->timestamp = timestamp;
}

void recordEncodeBatchCount(char dst[RECORD_BATCH_COUNT_SIZE], uint32_t count) {
    recordPutU32(dst, count);
}

uint32_t recordDecodeBatchCount(const char src[RECORD_BATCH_COUNT_SIZE]) {
    return recordGetU32(src);
}

void recordEncodePatch(char dst[RECORD_PATCH_HEADER_SIZE], const recordPatch *p) {
    recordPutU64(dst, p->prevSeq);
    recordPutU32(dst + 8, p->at);
    recordPutU32(dst + 12, p->valueLen);
}

void recordDecodePatch(const char src[RECORD_PATCH_HEADER_SIZE], recordPatch *p) {
    p->prevSeq = recordGetU64(src);
    p->at = recordGetU32(src + 8);
    p->valueLen = recordGetU32(src + 12);
}

void recordEncodeElementHeader(char dst[RECORD_ELEMENT_HEADER_SIZE], uint8_t ctype,
                               uint32_t klen) {
    dst[0] = (char)ctype;
    recordPutU32(dst + 1, klen);
}

const char *recordCheckElement(const char *field, uint32_t fieldLen) {
    if (fieldLen < RECORD_ELEMENT_HEADER_SIZE) return "element record without an element header";
    if ((unsigned char)field[0] == 0) return "element record without a collection type";
    if (recordGetU32(field + 1) > fieldLen - RECORD_ELEMENT_HEADER_SIZE)
        return "element record whose key is longer than its key field";
    return NULL;
}

void recordDecodeElement(const char *field, uint32_t fieldLen, recordElement *out) {
    out->ctype = (uint8_t)field[0];
    out->klen = recordGetU32(field + 1);
    out->key = field + RECORD_ELEMENT_HEADER_SIZE;
    out->name = out->key + out->klen;
    out->nlen = fieldLen - RECORD_ELEMENT_HEADER_SIZE - out->klen;
}
