/* store/coll_packed.c -- the PACKED encoding ("listpack") of a
 * collection: its hash fields in one allocation, in insertion order.
 *
 * Layout.  Exactly the bytes the entries take, entries back to back:
 *
 *     varint  nameLen     LEB128: 1 byte below 128, at most 5
 *     bytes   name
 *     u32     segment     native order, unaligned
 *     u32     offset
 *     varint  valueLen
 *
 * so an entry with a name under 128 bytes and a value under 128 bytes
 * takes 10 + n bytes.  A find decodes entries from the first; an append
 * reallocates; a replace rewrites the tail in place, moving what follows
 * only when valueLen's varint changes size; a removal moves what follows
 * down and shrinks the block.  As with Redis's listpack every change
 * reallocates: at most hash-max-listpack-entries small entries make that
 * cheap, and jemalloc resizes in place within a size class.  The buffer
 * length is a size_t: the limits are the caller's (a large
 * hash-max-listpack-value could make it pass 4 GiB). */
#include <string.h>

#include "lib/alloc.h"
#include "store/coll_internal.h"

static size_t varintLen(uint32_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *varintPut(unsigned char *p, uint32_t v) {
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static const unsigned char *varintGet(const unsigned char *p, uint32_t *out) {
    uint32_t v = 0;
    for (int shift = 0;; shift += 7) {
        v |= (uint32_t)(*p & 0x7f) << shift;
        if (!(*p++ & 0x80)) break;
    }
    *out = v;
    return p;
}

/* Bytes of an entry's segment, offset and valueLen. */
static size_t tailSize(uint32_t valueLen) {
    return 2 * sizeof(uint32_t) + varintLen(valueLen);
}

static void writeTail(unsigned char *p, const collLoc *loc) {
    memcpy(p, &loc->segment, sizeof(uint32_t));
    memcpy(p + 4, &loc->offset, sizeof(uint32_t));
    varintPut(p + 8, loc->valueLen);
}

/* Decodes the entry at 'at' into *s (loc, at, tailAt, size) and its name. */
static void decodeAt(const collection *c, size_t at, collSlot *s, const unsigned char **name,
                     uint32_t *nlen) {
    const unsigned char *p = c->u.packed.buf + at;
    const unsigned char *q = varintGet(p, nlen);
    *name = q;
    q += *nlen;
    s->at = at;
    s->tailAt = (size_t)(q - p);
    memcpy(&s->loc.segment, q, sizeof(uint32_t));
    memcpy(&s->loc.offset, q + 4, sizeof(uint32_t));
    q = varintGet(q + 8, &s->loc.valueLen);
    s->size = (size_t)(q - p);
}

int collPackedFind(const collection *c, const char *name, size_t nlen, collSlot *s) {
    size_t at = 0;
    while (at < c->u.packed.len) {
        const unsigned char *n;
        uint32_t len;
        decodeAt(c, at, s, &n, &len);
        if (len == nlen && (nlen == 0 || memcmp(n, name, nlen) == 0)) return 1;
        at += s->size;
    }
    return 0;
}

size_t collPackedElem(const collection *c, size_t at, collElem *out) {
    collSlot s;
    const unsigned char *name;
    uint32_t nlen;
    decodeAt(c, at, &s, &name, &nlen);
    out->name = (const char *)name;
    out->nlen = nlen;
    out->loc = s.loc;
    return s.size;
}

/* Resizes the buffer to 'len' bytes (freeing it at 0). */
static void resize(collection *c, size_t len) {
    if (len == 0) {
        xfree(c->u.packed.buf);
        c->u.packed.buf = NULL;
    } else {
        c->u.packed.buf = xrealloc(c->u.packed.buf, len);
    }
    c->u.packed.len = len;
}

/* Replaces bytes [at, at + oldSize) by a gap of newSize bytes, moving
 * what follows. */
static void splice(collection *c, size_t at, size_t oldSize, size_t newSize) {
    size_t len = c->u.packed.len;
    size_t rest = len - at - oldSize;
    if (newSize > oldSize) resize(c, len - oldSize + newSize);
    unsigned char *buf = c->u.packed.buf;
    if (rest) memmove(buf + at + newSize, buf + at + oldSize, rest);
    if (newSize < oldSize) resize(c, len - oldSize + newSize);
}

void collPackedAppend(collection *c, const char *name, size_t nlen, const collLoc *loc) {
    size_t at = c->u.packed.len;
    resize(c, at + varintLen((uint32_t)nlen) + nlen + tailSize(loc->valueLen));
    unsigned char *p = varintPut(c->u.packed.buf + at, (uint32_t)nlen);
    if (nlen) memcpy(p, name, nlen);
    writeTail(p + nlen, loc);
}

void collPackedSetLoc(collection *c, const collSlot *s, const collLoc *loc) {
    size_t tail = s->at + s->tailAt;
    size_t oldSize = tailSize(s->loc.valueLen);
    size_t newSize = tailSize(loc->valueLen);
    if (newSize != oldSize) splice(c, tail, oldSize, newSize);
    writeTail(c->u.packed.buf + tail, loc);
}

void collPackedDelete(collection *c, const collSlot *s) {
    splice(c, s->at, s->size, 0);
}

void collPackedFree(collection *c) {
    xfree(c->u.packed.buf);
    c->u.packed.buf = NULL;
    c->u.packed.len = 0;
}
