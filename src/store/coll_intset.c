/* store/coll_intset.c -- the INTSET encoding ("intset") of a collection:
 * a set's members as sorted integers.
 *
 * Layout.  Two allocations of exactly count elements: the values, sorted
 * ascending, each c->width bytes (2, 4 or 8, native order), and a
 * parallel array of collLoc, locs[i] belonging to value i.  The width is
 * the narrowest holding every value ever added: an insert of a wider
 * value widens them all (in place, from the last down, after a realloc),
 * and a removal never narrows them, as in Redis.  Such a wider value is
 * below or above every value held, so it goes first or last.
 *
 * Names.  Only Redis's canonical integers are members here
 * (numParseLongLong: string2ll's rules, so "12" and "-3" but not "012",
 * "+1" or "-0"); a name that is not one cannot be a member, and a walk
 * formats each value back into collElem.buf.  Finds parse the name and
 * binary-search. */
#include <string.h>

#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "store/coll_internal.h"

int collIntsetParse(const char *name, size_t nlen, int64_t *v) {
    long long ll;
    if (!numParseLongLong(name, nlen, &ll)) return 0;
    *v = (int64_t)ll;
    return 1;
}

static uint8_t widthFor(int64_t v) {
    if (v >= INT16_MIN && v <= INT16_MAX) return 2;
    if (v >= INT32_MIN && v <= INT32_MAX) return 4;
    return 8;
}

static int64_t getAt(const unsigned char *vals, uint8_t width, uint32_t i) {
    if (width == 2) {
        int16_t v;
        memcpy(&v, vals + (size_t)i * 2, 2);
        return v;
    }
    if (width == 4) {
        int32_t v;
        memcpy(&v, vals + (size_t)i * 4, 4);
        return v;
    }
    int64_t v;
    memcpy(&v, vals + (size_t)i * 8, 8);
    return v;
}

/* Stores v (which fits 'width') as value i. */
static void setAt(unsigned char *vals, uint8_t width, uint32_t i, int64_t v) {
    if (width == 2) {
        int16_t w = (int16_t)v;
        memcpy(vals + (size_t)i * 2, &w, 2);
    } else if (width == 4) {
        int32_t w = (int32_t)v;
        memcpy(vals + (size_t)i * 4, &w, 4);
    } else {
        memcpy(vals + (size_t)i * 8, &v, 8);
    }
}

static int64_t get(const collection *c, uint32_t i) {
    return getAt(c->u.intset.vals, c->width, i);
}

/* Binary search: 1 and *pos = v's index, or 0 and *pos = where v goes. */
static int search(const collection *c, int64_t v, uint32_t *pos) {
    uint32_t lo = 0, hi = c->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int64_t m = get(c, mid);
        if (m == v) {
            *pos = mid;
            return 1;
        }
        if (m < v) lo = mid + 1;
        else hi = mid;
    }
    *pos = lo;
    return 0;
}

/* Resizes both arrays to n elements of the current width (freeing at 0). */
static void resize(collection *c, uint32_t n) {
    if (n == 0) {
        collIntsetFree(c);
        return;
    }
    c->u.intset.vals = xrealloc(c->u.intset.vals, (size_t)n * c->width);
    c->u.intset.locs = xrealloc(c->u.intset.locs, (size_t)n * sizeof(collLoc));
}

/* Widens every value to 'width', with room for one more element.  From
 * the last value down, value i's new bytes start at or after its old
 * ones, so no value is overwritten before it is read. */
static void widen(collection *c, uint8_t width) {
    uint8_t old = c->width;
    c->width = width;
    resize(c, c->count + 1);
    for (uint32_t i = c->count; i-- > 0;) {
        setAt(c->u.intset.vals, width, i, getAt(c->u.intset.vals, old, i));
    }
}

int collIntsetFind(const collection *c, const char *name, size_t nlen, collSlot *s) {
    int64_t v;
    if (c->count == 0 || !collIntsetParse(name, nlen, &v)) return 0;
    if (widthFor(v) > c->width || !search(c, v, &s->pos)) return 0;
    s->loc = c->u.intset.locs[s->pos];
    return 1;
}

void collIntsetSetLoc(collection *c, const collSlot *s, const collLoc *loc) {
    c->u.intset.locs[s->pos] = *loc;
}

void collIntsetInsert(collection *c, int64_t v, const collLoc *loc) {
    uint32_t pos;
    uint8_t width = widthFor(v);
    if (width > c->width) {
        widen(c, width);
        pos = v < 0 ? 0 : c->count;
    } else {
        search(c, v, &pos);
        resize(c, c->count + 1);
    }
    unsigned char *vals = c->u.intset.vals;
    collLoc *locs = c->u.intset.locs;
    uint32_t after = c->count - pos;
    memmove(vals + (size_t)(pos + 1) * c->width, vals + (size_t)pos * c->width,
            (size_t)after * c->width);
    memmove(locs + pos + 1, locs + pos, (size_t)after * sizeof(collLoc));
    setAt(vals, c->width, pos, v);
    locs[pos] = *loc;
}

void collIntsetDelete(collection *c, const collSlot *s) {
    uint32_t pos = s->pos, after = c->count - pos - 1;
    unsigned char *vals = c->u.intset.vals;
    memmove(vals + (size_t)pos * c->width, vals + (size_t)(pos + 1) * c->width,
            (size_t)after * c->width);
    memmove(c->u.intset.locs + pos, c->u.intset.locs + pos + 1, (size_t)after * sizeof(collLoc));
    resize(c, c->count - 1);
}

void collIntsetElem(const collection *c, uint32_t i, collElem *out) {
    int n = numFormatLongLong(out->buf, sizeof(out->buf), (long long)get(c, i));
    out->name = out->buf;
    out->nlen = (size_t)n;
    out->loc = c->u.intset.locs[i];
}

void collIntsetFree(collection *c) {
    xfree(c->u.intset.vals);
    xfree(c->u.intset.locs);
    c->u.intset.vals = NULL;
    c->u.intset.locs = NULL;
}
