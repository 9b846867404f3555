/* lib/rdb_encoding.c -- DUMP payloads (the format is in rdb_encoding.h). */
#include "lib/rdb_encoding.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/crc64.h"
#include "lib/lebytes.h"
#include "lib/listpack.h"
#include "lib/lzf.h"
#include "lib/numfmt.h"
#include "lib/rdb_stream.h"
#include "lib/ziplist.h"

#define RDB_LEN_6BIT 0
#define RDB_LEN_14BIT 1
#define RDB_LEN_32BIT 0x80
#define RDB_LEN_64BIT 0x81
#define RDB_ENCVAL 3
#define RDB_ENC_INT8 0
#define RDB_ENC_INT16 1
#define RDB_ENC_INT32 2
#define RDB_ENC_LZF 3

/* The largest expansion LZF allows: a 3-byte reference copies 264 bytes.
 * A stored uncompressed length above clen times this is a lie, refused
 * before anything is allocated for it. */
#define LZF_MAX_RATIO 88

#define INTSET_HEADER_SIZE 8

/* ---- Writing -------------------------------------------------------- */

bstr rdbAppendLen(bstr out, unsigned long long len) {
    unsigned char buf[9];
    size_t n;
    if (len < 64) {
        buf[0] = (unsigned char)len;
        n = 1;
    } else if (len < 16384) {
        buf[0] = (unsigned char)(RDB_LEN_14BIT << 6 | len >> 8);
        buf[1] = (unsigned char)len;
        n = 2;
    } else {
        int bytes = len <= UINT32_MAX ? 4 : 8;
        buf[0] = bytes == 4 ? RDB_LEN_32BIT : RDB_LEN_64BIT;
        for (int i = 0; i < bytes; i++) buf[1 + i] = (unsigned char)(len >> (8 * (bytes - 1 - i)));
        n = 1 + (size_t)bytes;
    }
    return bstrCatLen(out, buf, n);
}

/* The integer encoding of s into enc (its size), or 0 when s is not a
 * canonical integer within 32 bits. */
static size_t encodeInteger(const char *s, size_t len, unsigned char *enc) {
    long long v;
    if (len > 11 || !numParseLongLong(s, len, &v)) return 0;
    int bytes, kind;
    if (v >= INT8_MIN && v <= INT8_MAX) bytes = 1, kind = RDB_ENC_INT8;
    else if (v >= INT16_MIN && v <= INT16_MAX) bytes = 2, kind = RDB_ENC_INT16;
    else if (v >= INT32_MIN && v <= INT32_MAX) bytes = 4, kind = RDB_ENC_INT32;
    else return 0;
    enc[0] = (unsigned char)(RDB_ENCVAL << 6 | kind);
    lePut(enc + 1, (uint64_t)v, bytes);
    return 1 + (size_t)bytes;
}

/* s compressed when that saves more than 4 bytes: 1 and appended, or 0. */
static int appendCompressed(bstr *out, const char *s, size_t len) {
    size_t cap = len - 4;
    char *buf = xmalloc(cap);
    size_t clen = lzfCompress(s, len, buf, cap);
    if (clen) {
        unsigned char tag = RDB_ENCVAL << 6 | RDB_ENC_LZF;
        *out = bstrCatLen(*out, &tag, 1);
        *out = rdbAppendLen(*out, clen);
        *out = rdbAppendLen(*out, len);
        *out = bstrCatLen(*out, buf, clen);
    }
    xfree(buf);
    return clen != 0;
}

bstr rdbAppendString(bstr out, const char *s, size_t len, int compress) {
    unsigned char enc[5];
    size_t elen = encodeInteger(s, len, enc);
    if (elen) return bstrCatLen(out, enc, elen);
    if (compress && len > RDB_LZF_MIN_LEN && appendCompressed(&out, s, len)) return out;
    out = rdbAppendLen(out, len);
    return bstrCatLen(out, s, len);
}

/* Appends the version and the CRC of everything before them. */
static bstr finishPayload(bstr out) {
    unsigned char footer[RDB_FOOTER_SIZE];
    footer[0] = RDB_VERSION & 0xFF;
    footer[1] = RDB_VERSION >> 8;
    out = bstrCatLen(out, footer, 2);
    lePut(footer + 2, crc64(0, out, bstrLen(out)), 8);
    return bstrCatLen(out, footer + 2, 8);
}

bstr rdbPayloadFinish(bstr out) { return finishPayload(out); }

static bstr startPayload(int type) {
    unsigned char t = (unsigned char)type;
    return bstrNewLen(&t, 1);
}

bstr rdbPayloadStart(int type) { return startPayload(type); }

bstr rdbPayloadString(const char *s, size_t len, int compress) {
    bstr out = startPayload(RDB_TYPE_STRING);
    out = rdbAppendString(out, s, len, compress);
    return finishPayload(out);
}

/* A blob built in a scratch bstr, then stored as a string. */
static bstr appendBlob(bstr out, bstr blob, int compress) {
    out = rdbAppendString(out, blob, bstrLen(blob), compress);
    bstrFree(blob);
    return out;
}

bstr rdbPayloadHash(const bstr *names, const bstr *values, size_t n, int listpack, int compress) {
    bstr out = startPayload(listpack ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH);
    if (listpack) {
        bstr *items = xmalloc((n ? 2 * n : 1) * sizeof(bstr));
        for (size_t i = 0; i < n; i++) {
            items[2 * i] = names[i];
            items[2 * i + 1] = values[i];
        }
        out = appendBlob(out, lpAppendBlob(bstrEmpty(), items, 2 * n), compress);
        xfree(items);
    } else {
        out = rdbAppendLen(out, n);
        for (size_t i = 0; i < n; i++) {
            out = rdbAppendString(out, names[i], bstrLen(names[i]), compress);
            out = rdbAppendString(out, values[i], bstrLen(values[i]), compress);
        }
    }
    return finishPayload(out);
}

/* A score as Redis's d2string writes it into a listpack: an integral
 * value within the long long range as an integer, others "%.17g",
 * infinities "inf" / "-inf", zero "0" or "-0". */
static int scoreText(char *buf, size_t len, double v) {
    if (isinf(v)) return snprintf(buf, len, v < 0 ? "-inf" : "inf");
    if (v == 0) return snprintf(buf, len, signbit(v) ? "-0" : "0");
    if (v == (double)(long long)v && v > -9.2e18 && v < 9.2e18)
        return snprintf(buf, len, "%lld", (long long)v);
    return snprintf(buf, len, "%.17g", v);
}

bstr rdbPayloadZset(const bstr *members, const double *scores, size_t n, int listpack,
                    int compress) {
    bstr out = startPayload(listpack ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2);
    if (listpack) {
        bstr *items = xmalloc((n ? 2 * n : 1) * sizeof(bstr));
        for (size_t i = 0; i < n; i++) {
            char buf[64];
            int len = scoreText(buf, sizeof(buf), scores[i]);
            items[2 * i] = members[i];
            items[2 * i + 1] = bstrNewLen(buf, (size_t)len);
        }
        out = appendBlob(out, lpAppendBlob(bstrEmpty(), items, 2 * n), compress);
        for (size_t i = 0; i < n; i++) bstrFree(items[2 * i + 1]);
        xfree(items);
    } else {
        out = rdbAppendLen(out, n);
        for (size_t i = n; i-- > 0;) {
            out = rdbAppendString(out, members[i], bstrLen(members[i]), compress);
            unsigned char b[RDB_SCORE_LEN];
            uint64_t bits;
            memcpy(&bits, &scores[i], sizeof(bits));
            lePut(b, bits, RDB_SCORE_LEN);
            out = bstrCatLen(out, b, RDB_SCORE_LEN);
        }
    }
    return finishPayload(out);
}

static int compareInt64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The intset blob of n canonical integers: sorted, in the narrowest width
 * that holds them all. */
static bstr intsetBlob(const bstr *members, size_t n) {
    int64_t *vals = xmalloc((n ? n : 1) * sizeof(int64_t));
    uint32_t width = 2;
    for (size_t i = 0; i < n; i++) {
        long long v = 0;
        numParseLongLong(members[i], bstrLen(members[i]), &v);
        vals[i] = v;
        if (v < INT16_MIN || v > INT16_MAX) width = width < 4 ? 4 : width;
        if (v < INT32_MIN || v > INT32_MAX) width = 8;
    }
    qsort(vals, n, sizeof(int64_t), compareInt64);
    bstr blob = bstrEmptyCapacity(INTSET_HEADER_SIZE + n * width);
    unsigned char hdr[INTSET_HEADER_SIZE];
    lePut(hdr, width, 4);
    lePut(hdr + 4, n, 4);
    blob = bstrCatLen(blob, hdr, sizeof(hdr));
    for (size_t i = 0; i < n; i++) {
        unsigned char v[8];
        lePut(v, (uint64_t)vals[i], (int)width);
        blob = bstrCatLen(blob, v, width);
    }
    xfree(vals);
    return blob;
}

bstr rdbPayloadSet(const bstr *members, size_t n, int intset, int compress) {
    bstr out = startPayload(intset ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET);
    if (intset) {
        out = appendBlob(out, intsetBlob(members, n), compress);
    } else {
        out = rdbAppendLen(out, n);
        for (size_t i = 0; i < n; i++)
            out = rdbAppendString(out, members[i], bstrLen(members[i]), compress);
    }
    return finishPayload(out);
}

/* A node's blob, LZF-compressed as Redis's quicklist keeps an inner node
 * under list-compress-depth: 1 and appended, or 0 when it is too small or
 * does not compress enough (then it is written as any string). */
static int appendCompressedNode(bstr *out, const char *blob, size_t len) {
    if (len < QL_MIN_COMPRESS_BYTES) return 0;
    char *buf = xmalloc(len);
    size_t clen = lzfCompress(blob, len, buf, len);
    int ok = clen != 0 && clen + QL_MIN_COMPRESS_IMPROVE < len;
    if (ok) {
        unsigned char tag = RDB_ENCVAL << 6 | RDB_ENC_LZF;
        *out = bstrCatLen(*out, &tag, 1);
        *out = rdbAppendLen(*out, clen);
        *out = rdbAppendLen(*out, len);
        *out = bstrCatLen(*out, buf, clen);
    }
    xfree(buf);
    return ok;
}

bstr rdbPayloadList(const bstr *items, size_t n, const qlOptions *o, int compress) {
    qlNode *nodes;
    size_t len = qlLayout(items, n, o, &nodes);
    bstr out = startPayload(RDB_TYPE_LIST_QUICKLIST_2);
    out = rdbAppendLen(out, len);
    for (size_t i = 0; i < len; i++) {
        const qlNode *nd = &nodes[i];
        out = rdbAppendLen(out, nd->plain ? RDB_QL_PLAIN : RDB_QL_PACKED);
        bstr blob = nd->plain ? bstrNewLen(items[nd->first], bstrLen(items[nd->first]))
                              : lpAppendBlob(bstrEmpty(), items + nd->first, nd->count);
        if (!qlNodeInDepth(i, len, o->compressDepth) &&
            appendCompressedNode(&out, blob, bstrLen(blob)))
            bstrFree(blob);
        else
            out = appendBlob(out, blob, compress);
    }
    xfree(nodes);
    return finishPayload(out);
}

/* ---- Reading -------------------------------------------------------- */

int rdbPayloadVerify(const void *payload, size_t len) {
    const unsigned char *p = payload;
    if (len < RDB_FOOTER_SIZE) return 0;
    const unsigned char *footer = p + len - RDB_FOOTER_SIZE;
    unsigned version = footer[0] | (unsigned)footer[1] << 8;
    if (version > RDB_VERSION) return 0;
    return crc64(0, p, len - 8) == leGet(footer + 2, 8);
}

/* The cursor over the value bytes (rdbReader, rdb_encoding.h). */
typedef rdbReader reader;

static int readByte(reader *r, unsigned char *b) {
    if (r->pos >= r->len) return 0;
    *b = r->p[r->pos++];
    return 1;
}

static int readBE(reader *r, int bytes, uint64_t *v) {
    if (r->len - r->pos < (size_t)bytes) return 0;
    *v = 0;
    for (int i = 0; i < bytes; i++) *v = *v << 8 | r->p[r->pos++];
    return 1;
}

/* A length or a special encoding: 1 with *len or, when *special is set,
 * the encoding number in *len; 0 when malformed or truncated. */
static int readLen(reader *r, uint64_t *len, int *special) {
    unsigned char b, b2;
    *special = 0;
    if (!readByte(r, &b)) return 0;
    switch (b >> 6) {
    case RDB_LEN_6BIT:
        *len = b & 63;
        return 1;
    case RDB_LEN_14BIT:
        if (!readByte(r, &b2)) return 0;
        *len = (uint64_t)(b & 63) << 8 | b2;
        return 1;
    case RDB_ENCVAL:
        *special = 1;
        *len = b & 63;
        return 1;
    }
    if (b == RDB_LEN_32BIT) return readBE(r, 4, len);
    if (b == RDB_LEN_64BIT) return readBE(r, 8, len);
    return 0;
}

/* A plain length (a count, a node's container).  Like Redis's
 * rdbLoadLen without isencoded, a special encoding byte reads as its six
 * low bits.  A count that cannot be met with fewer than one byte per item
 * left is refused before anything is allocated. */
static int readCount(reader *r, uint64_t *n) {
    int special;
    return readLen(r, n, &special) && *n <= r->len - r->pos;
}

int rdbReadLen(rdbReader *r, uint64_t *len) {
    int special;
    return readLen(r, len, &special);
}

int rdbReadCount(rdbReader *r, uint64_t *n) { return readCount(r, n); }

int rdbReadBytes(rdbReader *r, void *buf, size_t n) {
    if (r->len - r->pos < n) return 0;
    memcpy(buf, r->p + r->pos, n);
    r->pos += n;
    return 1;
}

static int readLZF(reader *r, bstr *out) {
    uint64_t clen, len;
    int sp1, sp2;
    if (!readLen(r, &clen, &sp1) || !readLen(r, &len, &sp2) || sp1 || sp2) return 0;
    if (clen > r->len - r->pos || len == 0 || len / LZF_MAX_RATIO > clen || len > r->maxString)
        return 0;
    bstr s = bstrNewLen(NULL, (size_t)len);
    if (!lzfDecompress(r->p + r->pos, (size_t)clen, s, (size_t)len)) {
        bstrFree(s);
        return 0;
    }
    r->pos += clen;
    *out = s;
    return 1;
}

/* A string in any encoding into a new bstr: 1, or 0. */
static int readString(reader *r, bstr *out) {
    uint64_t len;
    int special;
    if (!readLen(r, &len, &special)) return 0;
    if (!special) {
        if (len > r->len - r->pos || len > r->maxString) return 0;
        *out = bstrNewLen(r->p + r->pos, (size_t)len);
        r->pos += len;
        return 1;
    }
    if (len == RDB_ENC_LZF) return readLZF(r, out);
    if (len > RDB_ENC_INT32) return 0;
    int bytes = 1 << len;
    if (r->len - r->pos < (size_t)bytes) return 0;
    long long v = leSignExtend(leGet(r->p + r->pos, bytes), bytes * 8);
    r->pos += (size_t)bytes;
    char num[NUM_LONG_STR_SIZE];
    int n = numFormatLongLong(num, sizeof(num), v);
    *out = bstrNewLen(num, (size_t)n);
    return 1;
}

int rdbReadString(rdbReader *r, bstr *out) { return readString(r, out); }

/* A growing list of names and values: a hash has both, a set names
 * only, a list values only (its elements). */
static void objectPush(rdbObject *o, size_t *cap, bstr name, bstr value) {
    int hasNames = o->kind != RDB_OBJ_LIST, hasValues = o->kind != RDB_OBJ_SET;
    if (o->n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        if (hasNames) o->names = xrealloc(o->names, *cap * sizeof(bstr));
        if (hasValues) o->values = xrealloc(o->values, *cap * sizeof(bstr));
    }
    if (hasNames) o->names[o->n] = name;
    if (hasValues) o->values[o->n] = value;
    o->n++;
}

void rdbObjectFree(rdbObject *o) {
    bstrFree(o->str);
    if (o->stream) {
        rdbStreamFree(o->stream);
        xfree(o->stream);
    }
    for (size_t i = 0; i < o->n; i++) {
        if (o->names) bstrFree(o->names[i]);
        if (o->values) bstrFree(o->values[i]);
    }
    xfree(o->names);
    xfree(o->values);
    memset(o, 0, sizeof(*o));
}

static int compareBstr(const void *a, const void *b) {
    bstr x = *(const bstr *)a, y = *(const bstr *)b;
    size_t lx = bstrLen(x), ly = bstrLen(y);
    int c = memcmp(x, y, lx < ly ? lx : ly);
    return c ? c : (lx > ly) - (lx < ly);
}

/* Whether two names are equal (Redis refuses such a payload). */
static int hasDuplicates(const rdbObject *o) {
    if (o->n < 2) return 0;
    bstr *sorted = xmalloc(o->n * sizeof(bstr));
    memcpy(sorted, o->names, o->n * sizeof(bstr));
    qsort(sorted, o->n, sizeof(bstr), compareBstr);
    int dup = 0;
    for (size_t i = 1; i < o->n && !dup; i++) dup = compareBstr(&sorted[i - 1], &sorted[i]) == 0;
    xfree(sorted);
    return dup;
}

/* RDB_TYPE_SET, RDB_TYPE_HASH and RDB_TYPE_LIST: a count, then strings. */
static int readPlainCollection(reader *r, rdbObject *o) {
    uint64_t n;
    size_t cap = 0;
    if (!readCount(r, &n)) return 0;
    for (uint64_t i = 0; i < n; i++) {
        bstr name = NULL, value = NULL;
        if (!readString(r, &name)) return 0;
        if (o->kind == RDB_OBJ_LIST) {
            objectPush(o, &cap, NULL, name);
            continue;
        }
        if (o->kind == RDB_OBJ_HASH && !readString(r, &value)) {
            bstrFree(name);
            return 0;
        }
        objectPush(o, &cap, name, value);
    }
    return 1;
}

/* Collects the elements of listpacks and ziplists into a list. */
typedef struct listCollector {
    rdbObject *o;
    size_t cap;
} listCollector;

static int collectElement(void *priv, const char *s, size_t len) {
    listCollector *lc = priv;
    objectPush(lc->o, &lc->cap, NULL, bstrNewLen(s, len));
    return 1;
}

/* The elements of a listpack or a ziplist blob (freed here). */
static int walkListBlob(bstr blob, listCollector *lc, int listpack) {
    const unsigned char *b = (const unsigned char *)blob;
    int ok = listpack ? lpWalk(b, bstrLen(blob), collectElement, lc)
                      : ziplistWalk(b, bstrLen(blob), collectElement, lc);
    bstrFree(blob);
    return ok;
}

/* RDB_TYPE_LIST_QUICKLIST(_2): a node count, then the nodes.  As
 * redis-server 7.0.15 does, an empty node string is refused, an empty
 * listpack or ziplist skipped (a list left with no element is refused by
 * the caller). */
static int readQuicklist(reader *r, rdbObject *o, int type) {
    uint64_t nodes;
    listCollector lc = {o, 0};
    if (!readCount(r, &nodes)) return 0;
    for (uint64_t i = 0; i < nodes; i++) {
        uint64_t container = RDB_QL_PACKED;
        if (type == RDB_TYPE_LIST_QUICKLIST_2 &&
            (!readCount(r, &container) ||
             (container != RDB_QL_PLAIN && container != RDB_QL_PACKED)))
            return 0;
        bstr blob;
        if (!readString(r, &blob)) return 0;
        if (bstrLen(blob) == 0) {
            bstrFree(blob);
            return 0;
        }
        if (container == RDB_QL_PLAIN) {
            objectPush(o, &lc.cap, NULL, blob);
            continue;
        }
        if (!walkListBlob(blob, &lc, type == RDB_TYPE_LIST_QUICKLIST_2)) return 0;
    }
    return 1;
}

/* Collects the elements of a listpack, ziplist or zipmap into a hash:
 * names and values alternate. */
typedef struct pairCollector {
    rdbObject *o;
    size_t cap;
    bstr pendingName;
} pairCollector;

static int collectPair(void *priv, const char *s, size_t len) {
    pairCollector *pc = priv;
    bstr item = bstrNewLen(s, len);
    if (!pc->pendingName) {
        pc->pendingName = item;
    } else {
        objectPush(pc->o, &pc->cap, pc->pendingName, item);
        pc->pendingName = NULL;
    }
    return 1;
}

static int readHashBlob(reader *r, rdbObject *o, int type) {
    bstr blob;
    if (!readString(r, &blob)) return 0;
    pairCollector pc = {o, 0, NULL};
    const unsigned char *b = (const unsigned char *)blob;
    int ok = type == RDB_TYPE_HASH_LISTPACK ? lpWalk(b, bstrLen(blob), collectPair, &pc)
             : type == RDB_TYPE_HASH_ZIPLIST ? ziplistWalk(b, bstrLen(blob), collectPair, &pc)
                                             : zipmapWalk(b, bstrLen(blob), collectPair, &pc);
    if (pc.pendingName) { /* an odd element count */
        bstrFree(pc.pendingName);
        ok = 0;
    }
    bstrFree(blob);
    return ok;
}

/* A score's value bytes (RDB_SCORE_LEN, little-endian IEEE 754). */
static bstr scoreValue(double v) {
    unsigned char b[RDB_SCORE_LEN];
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    lePut(b, bits, RDB_SCORE_LEN);
    return bstrNewLen(b, RDB_SCORE_LEN);
}

/* A score written as text (a listpack's, an old ZSET's): the whole text
 * a number, never NaN. */
static int parseScoreText(const char *s, size_t len, double *v) {
    char buf[128];
    if (len == 0 || len >= sizeof(buf)) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    *v = strtod(buf, &end);
    return end == buf + len && !isnan(*v);
}

/* RDB_TYPE_ZSET and RDB_TYPE_ZSET_2. */
static int readZset(reader *r, rdbObject *o, int type) {
    uint64_t n;
    size_t cap = 0;
    if (!readCount(r, &n)) return 0;
    for (uint64_t i = 0; i < n; i++) {
        bstr name = NULL;
        double v;
        if (!readString(r, &name)) return 0;
        int ok;
        if (type == RDB_TYPE_ZSET_2) {
            uint64_t bits;
            ok = r->len - r->pos >= RDB_SCORE_LEN;
            if (ok) {
                bits = leGet(r->p + r->pos, RDB_SCORE_LEN);
                memcpy(&v, &bits, sizeof(v));
                r->pos += RDB_SCORE_LEN;
                ok = !isnan(v);
            }
        } else {
            unsigned char len;
            ok = readByte(r, &len) && len != 253;
            if (ok && len >= 254) v = len == 254 ? INFINITY : -INFINITY;
            else if (ok) {
                ok = r->len - r->pos >= len && parseScoreText((const char *)r->p + r->pos, len, &v);
                r->pos += ok ? len : 0;
            }
        }
        if (!ok) {
            bstrFree(name);
            return 0;
        }
        objectPush(o, &cap, name, scoreValue(v));
    }
    return 1;
}

/* Collects a listpack's or ziplist's member, score, ... pairs. */
static int collectScorePair(void *priv, const char *s, size_t len) {
    pairCollector *pc = priv;
    if (!pc->pendingName) {
        pc->pendingName = bstrNewLen(s, len);
        return 1;
    }
    double v;
    if (!parseScoreText(s, len, &v)) return 0;
    objectPush(pc->o, &pc->cap, pc->pendingName, scoreValue(v));
    pc->pendingName = NULL;
    return 1;
}

static int readZsetBlob(reader *r, rdbObject *o, int type) {
    bstr blob;
    if (!readString(r, &blob)) return 0;
    pairCollector pc = {o, 0, NULL};
    const unsigned char *b = (const unsigned char *)blob;
    int ok = type == RDB_TYPE_ZSET_LISTPACK ? lpWalk(b, bstrLen(blob), collectScorePair, &pc)
                                            : ziplistWalk(b, bstrLen(blob), collectScorePair, &pc);
    if (pc.pendingName) {
        bstrFree(pc.pendingName);
        ok = 0;
    }
    bstrFree(blob);
    return ok;
}

static int readIntset(reader *r, rdbObject *o) {
    bstr blob;
    if (!readString(r, &blob)) return 0;
    const unsigned char *b = (const unsigned char *)blob;
    size_t len = bstrLen(blob), cap = 0;
    int ok = 0;
    if (len < INTSET_HEADER_SIZE) goto done;
    uint64_t width = leGet(b, 4), count = leGet(b + 4, 4);
    if ((width != 2 && width != 4 && width != 8) ||
        count * width != len - INTSET_HEADER_SIZE)
        goto done;
    int64_t prev = 0;
    for (uint64_t i = 0; i < count; i++) {
        int64_t v = leSignExtend(leGet(b + INTSET_HEADER_SIZE + i * width, (int)width),
                                 (int)width * 8);
        if (i > 0 && v <= prev) goto done; /* sorted, no duplicates */
        prev = v;
        char num[NUM_LONG_STR_SIZE];
        int n = numFormatLongLong(num, sizeof(num), v);
        objectPush(o, &cap, bstrNewLen(num, (size_t)n), NULL);
    }
    ok = 1;
done:
    bstrFree(blob);
    return ok;
}

int rdbPayloadDecode(const void *payload, size_t len, size_t maxString, rdbObject *o) {
    memset(o, 0, sizeof(*o));
    reader r = {payload, len >= RDB_FOOTER_SIZE ? len - RDB_FOOTER_SIZE : 0, 0, maxString};
    unsigned char type;
    if (!readByte(&r, &type)) return 0;
    int ok;
    switch (type) {
    case RDB_TYPE_STRING:
        o->kind = RDB_OBJ_STRING;
        return readString(&r, &o->str);
    case RDB_TYPE_SET:
        o->kind = RDB_OBJ_SET;
        ok = readPlainCollection(&r, o);
        break;
    case RDB_TYPE_SET_INTSET:
        o->kind = RDB_OBJ_SET;
        ok = readIntset(&r, o);
        break;
    case RDB_TYPE_HASH:
        o->kind = RDB_OBJ_HASH;
        ok = readPlainCollection(&r, o);
        break;
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
        o->kind = RDB_OBJ_ZSET;
        ok = readZset(&r, o, type);
        break;
    case RDB_TYPE_ZSET_LISTPACK:
    case RDB_TYPE_ZSET_ZIPLIST:
        o->kind = RDB_OBJ_ZSET;
        ok = readZsetBlob(&r, o, type);
        break;
    case RDB_TYPE_HASH_LISTPACK:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_ZIPMAP:
        o->kind = RDB_OBJ_HASH;
        ok = readHashBlob(&r, o, type);
        break;
    case RDB_TYPE_LIST:
        o->kind = RDB_OBJ_LIST;
        ok = readPlainCollection(&r, o);
        break;
    case RDB_TYPE_LIST_ZIPLIST: {
        o->kind = RDB_OBJ_LIST;
        listCollector lc = {o, 0};
        bstr blob;
        ok = readString(&r, &blob) && walkListBlob(blob, &lc, 0);
        break;
    }
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2:
        o->kind = RDB_OBJ_LIST;
        ok = readQuicklist(&r, o, type);
        break;
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
        o->kind = RDB_OBJ_STREAM;
        o->stream = xcalloc(1, sizeof(rdbStream));
        ok = rdbStreamRead(&r, type, o->stream);
        break;
    default:
        return 0; /* modules: not here */
    }
    /* Redis refuses an empty collection and a repeated name (a list's
     * elements may repeat; a stream checks its own, and may be empty). */
    if (ok && o->kind != RDB_OBJ_STREAM &&
        (o->n == 0 || (o->kind != RDB_OBJ_LIST && hasDuplicates(o))))
        ok = 0;
    if (!ok) rdbObjectFree(o);
    return ok;
}

/* ------------------------------------------------------------ functions */

bstr rdbPayloadFunctions(const bstr *codes, size_t n, int compress) {
    bstr out = bstrEmpty();
    for (size_t i = 0; i < n; i++) {
        unsigned char op = RDB_OPCODE_FUNCTION2;
        out = bstrCatLen(out, &op, 1);
        out = rdbAppendString(out, codes[i], bstrLen(codes[i]), compress);
    }
    return finishPayload(out);
}

static void freeCodes(bstr *codes, size_t n) {
    for (size_t i = 0; i < n; i++) bstrFree(codes[i]);
    xfree(codes);
}

int rdbPayloadDecodeFunctions(const void *payload, size_t len, size_t maxString, bstr **codes,
                              size_t *n) {
    reader r = {payload, len >= RDB_FOOTER_SIZE ? len - RDB_FOOTER_SIZE : 0, 0, maxString};
    size_t cap = 0;
    *codes = NULL;
    *n = 0;
    while (r.pos < r.len) {
        unsigned char op;
        readByte(&r, &op);
        int rc = op == RDB_OPCODE_FUNCTION2 ? RDB_FUNCTIONS_OK
                 : op == RDB_OPCODE_FUNCTION_PRE_GA ? RDB_FUNCTIONS_PRE_GA
                                                    : RDB_FUNCTIONS_NOT_FUNCTION;
        bstr code = NULL;
        if (rc == RDB_FUNCTIONS_OK && !readString(&r, &code)) rc = RDB_FUNCTIONS_BAD;
        if (rc != RDB_FUNCTIONS_OK) {
            freeCodes(*codes, *n);
            *codes = NULL;
            *n = 0;
            return rc;
        }
        if (*n == cap) {
            cap = cap ? cap * 2 : 4;
            *codes = xrealloc(*codes, cap * sizeof(bstr));
        }
        (*codes)[(*n)++] = code;
    }
    return RDB_FUNCTIONS_OK;
}
