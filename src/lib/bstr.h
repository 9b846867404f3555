/* lib/bstr.h -- binary-safe, length-prefixed byte strings.
 *
 * A bstr is a `char *` that points just past a small header holding the
 * length and the allocated capacity, so it can be passed to any function that
 * takes a C string while also holding NUL bytes.  Invariants:
 *   - s[bstrLen(s)] == '\0' always (an extra byte is allocated for it);
 *   - bstrLen(s) <= bstrAlloc(s);
 *   - functions that may reallocate return the new pointer, and the old one
 *     must not be used again (as with realloc).
 * Whoever holds a bstr frees it with bstrFree(). */
#ifndef REDIS_KV_BSTR_H
#define REDIS_KV_BSTR_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/types.h>

typedef char *bstr;

struct bstrHeader {
    size_t len;
    size_t alloc;
    char buf[];
};

#define BSTR_HDR(s) ((struct bstrHeader *)((s) - sizeof(struct bstrHeader)))

static inline size_t bstrLen(const bstr s) { return BSTR_HDR(s)->len; }
static inline size_t bstrAlloc(const bstr s) { return BSTR_HDR(s)->alloc; }
static inline size_t bstrAvail(const bstr s) {
    return BSTR_HDR(s)->alloc - BSTR_HDR(s)->len;
}

bstr bstrNewLen(const void *init, size_t len);
bstr bstrNew(const char *cstr);
bstr bstrEmpty(void);
bstr bstrEmptyCapacity(size_t capacity);
bstr bstrDup(const bstr s);
void bstrFree(bstr s);
void bstrClear(bstr s);
bstr bstrMakeRoomFor(bstr s, size_t addlen);
void bstrIncrLen(bstr s, ssize_t incr);
bstr bstrCatLen(bstr s, const void *t, size_t len);
bstr bstrCat(bstr s, const char *t);
bstr bstrCatBstr(bstr s, const bstr t);
bstr bstrCatVprintf(bstr s, const char *fmt, va_list ap);
bstr bstrCatPrintf(bstr s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bstr bstrCatRepr(bstr s, const char *p, size_t len);
/* Removes the characters of cset from both ends of s. */
void bstrTrim(bstr s, const char *cset);
/* Everything left to read from fp, or NULL on a read error (fp stays
 * open: the caller closes it). */
bstr bstrReadAll(FILE *fp);
bstr bstrCpyLen(bstr s, const char *t, size_t len);
void bstrRange(bstr s, ssize_t start, ssize_t end);
bstr bstrRemoveFreeSpace(bstr s);
void bstrToLower(bstr s);
void bstrToUpper(bstr s);
void bstrMapChars(bstr s, const char *from, const char *to, size_t setlen);
bstr *bstrSplitArgs(const char *line, int *argc);
bstr *bstrSplitLen(const char *s, size_t len, const char *sep, size_t seplen,
                   int *count);
void bstrFreeSplitRes(bstr *tokens, int count);
size_t bstrAllocSize(const bstr s);

/* For dict types keyed by bstr (binary-safe, length included): hash,
 * equality and free with the void * signatures dictType wants. */
uint64_t bstrDictHash(const void *key);
int bstrDictKeyEqual(const void *a, const void *b);
void bstrDictKeyFree(void *key);

#endif
