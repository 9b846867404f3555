/* store/meta.c -- the metadata table (see meta.h). */
#include "store/meta.h"

#include <string.h>

#include "lib/alloc.h"

struct metaTable {
    metaEntry *v;
    size_t n, cap;
};

metaTable *metaTableCreate(void) { return xcalloc(1, sizeof(metaTable)); }

void metaEntryRelease(metaEntry *e) {
    xfree(e->name);
    xfree(e->value);
    e->name = e->value = NULL;
}

void metaTableFree(metaTable *t) {
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) metaEntryRelease(&t->v[i]);
    xfree(t->v);
    xfree(t);
}

size_t metaTableCount(const metaTable *t) { return t->n; }

metaEntry *metaTableAt(metaTable *t, size_t i) { return &t->v[i]; }

/* memcmp order; a name sorts before the longer names it starts. */
static int nameCmp(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}

size_t metaTableLowerBound(const metaTable *t, const void *prefix, size_t plen) {
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (nameCmp(t->v[mid].name, t->v[mid].nlen, prefix, plen) < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int metaNameHasPrefix(const metaEntry *e, const void *prefix, size_t plen) {
    return e->nlen >= plen && (plen == 0 || memcmp(e->name, prefix, plen) == 0);
}

/* The index of name, or -1 (with *at: where it would go). */
static long findIndex(const metaTable *t, const void *name, size_t nlen, size_t *at) {
    size_t i = metaTableLowerBound(t, name, nlen);
    *at = i;
    if (i < t->n && t->v[i].nlen == nlen && memcmp(t->v[i].name, name, nlen) == 0)
        return (long)i;
    return -1;
}

metaEntry *metaTableFind(metaTable *t, const void *name, size_t nlen) {
    size_t at;
    long i = findIndex(t, name, nlen, &at);
    return i < 0 ? NULL : &t->v[i];
}

/* Opens a slot at index at (entries from there move up one). */
static metaEntry *insertAt(metaTable *t, size_t at) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->v = xrealloc(t->v, sizeof(metaEntry) * t->cap);
    }
    memmove(t->v + at + 1, t->v + at, sizeof(metaEntry) * (t->n - at));
    t->n++;
    return &t->v[at];
}

metaEntry *metaTableUpsert(metaTable *t, const void *name, size_t nlen, int *created) {
    size_t at;
    long i = findIndex(t, name, nlen, &at);
    *created = i < 0;
    if (i >= 0) return &t->v[i];
    metaEntry *e = insertAt(t, at);
    memset(e, 0, sizeof(*e));
    e->name = xmalloc(nlen ? nlen : 1);
    memcpy(e->name, name, nlen);
    e->nlen = (uint32_t)nlen;
    return e;
}

int metaTableRemove(metaTable *t, const void *name, size_t nlen, metaEntry *out) {
    size_t at;
    long i = findIndex(t, name, nlen, &at);
    if (i < 0) return 0;
    if (out) *out = t->v[i];
    else metaEntryRelease(&t->v[i]);
    memmove(t->v + i, t->v + i + 1, sizeof(metaEntry) * (t->n - (size_t)i - 1));
    t->n--;
    return 1;
}

void metaTableReinsert(metaTable *t, metaEntry *e) {
    size_t at;
    if (findIndex(t, e->name, e->nlen, &at) >= 0) { /* the caller's bug: keep ours */
        metaEntryRelease(e);
        return;
    }
    *insertAt(t, at) = *e;
}
