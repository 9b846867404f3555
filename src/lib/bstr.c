/* lib/bstr.c -- binary-safe, length-prefixed byte strings.  See bstr.h. */
#include "lib/bstr.h"
#include "lib/alloc.h"
#include "lib/dict.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Below this size a string that grows doubles its capacity; above it, it
 * grows by this much at a time, so big buffers do not waste half their
 * memory. */
#define BSTR_MAX_PREALLOC (1024 * 1024)

static bstr bstrAllocate(size_t len, size_t alloc) {
    struct bstrHeader *h = xmalloc(sizeof(*h) + alloc + 1);
    h->len = len;
    h->alloc = alloc;
    return h->buf;
}

bstr bstrNewLen(const void *init, size_t len) {
    bstr s = bstrAllocate(len, len);
    if (len) {
        if (init) memcpy(s, init, len);
        else memset(s, 0, len);
    }
    s[len] = '\0';
    return s;
}

bstr bstrNew(const char *cstr) {
    return bstrNewLen(cstr, cstr ? strlen(cstr) : 0);
}

bstr bstrEmpty(void) { return bstrNewLen("", 0); }

/* An empty string with room for `capacity` bytes before any reallocation. */
bstr bstrEmptyCapacity(size_t capacity) {
    bstr s = bstrAllocate(0, capacity);
    s[0] = '\0';
    return s;
}

bstr bstrDup(const bstr s) { return bstrNewLen(s, bstrLen(s)); }

void bstrFree(bstr s) {
    if (s) xfree(BSTR_HDR(s));
}

void bstrClear(bstr s) {
    BSTR_HDR(s)->len = 0;
    s[0] = '\0';
}

/* Guarantees room for `addlen` more bytes after the current length.  The
 * length is unchanged; the caller writes then calls bstrIncrLen(). */
bstr bstrMakeRoomFor(bstr s, size_t addlen) {
    struct bstrHeader *h = BSTR_HDR(s);
    if (h->alloc - h->len >= addlen) return s;
    size_t newlen = h->len + addlen;
    if (newlen < BSTR_MAX_PREALLOC) newlen *= 2;
    else newlen += BSTR_MAX_PREALLOC;
    h = xrealloc(h, sizeof(*h) + newlen + 1);
    h->alloc = newlen;
    return h->buf;
}

/* Adjusts the length after the caller wrote into (or cut from) the string's
 * spare room; keeps the terminating NUL. */
void bstrIncrLen(bstr s, ssize_t incr) {
    struct bstrHeader *h = BSTR_HDR(s);
    h->len = (size_t)((ssize_t)h->len + incr);
    s[h->len] = '\0';
}

bstr bstrCatLen(bstr s, const void *t, size_t len) {
    s = bstrMakeRoomFor(s, len);
    memcpy(s + bstrLen(s), t, len);
    bstrIncrLen(s, (ssize_t)len);
    return s;
}

bstr bstrCat(bstr s, const char *t) { return bstrCatLen(s, t, strlen(t)); }

bstr bstrCatBstr(bstr s, const bstr t) { return bstrCatLen(s, t, bstrLen(t)); }

bstr bstrCpyLen(bstr s, const char *t, size_t len) {
    bstrClear(s);
    return bstrCatLen(s, t, len);
}

bstr bstrCatVprintf(bstr s, const char *fmt, va_list ap) {
    char small[256];
    va_list cpy;
    va_copy(cpy, ap);
    int n = vsnprintf(small, sizeof(small), fmt, cpy);
    va_end(cpy);
    if (n < 0) return s;
    if ((size_t)n < sizeof(small)) return bstrCatLen(s, small, (size_t)n);
    s = bstrMakeRoomFor(s, (size_t)n + 1);
    va_copy(cpy, ap);
    vsnprintf(s + bstrLen(s), (size_t)n + 1, fmt, cpy);
    va_end(cpy);
    bstrIncrLen(s, n);
    return s;
}

bstr bstrCatPrintf(bstr s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    s = bstrCatVprintf(s, fmt, ap);
    va_end(ap);
    return s;
}

/* Appends a double-quoted, escaped form of p[0..len) in the style Redis uses
 * for MONITOR and logs: printable bytes as they are, \n \r \t \a \b, quotes
 * and backslashes escaped, everything else as \xHH. */
bstr bstrCatRepr(bstr s, const char *p, size_t len) {
    s = bstrCatLen(s, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        switch (ch) {
        case '\\': case '"': s = bstrCatPrintf(s, "\\%c", ch); break;
        case '\n': s = bstrCatLen(s, "\\n", 2); break;
        case '\r': s = bstrCatLen(s, "\\r", 2); break;
        case '\t': s = bstrCatLen(s, "\\t", 2); break;
        case '\a': s = bstrCatLen(s, "\\a", 2); break;
        case '\b': s = bstrCatLen(s, "\\b", 2); break;
        default:
            if (isprint(ch)) s = bstrCatLen(s, (char *)&ch, 1);
            else s = bstrCatPrintf(s, "\\x%02x", ch);
        }
    }
    return bstrCatLen(s, "\"", 1);
}

/* Keeps only [start, end] (inclusive; negative indexes count from the end),
 * in place. */
void bstrRange(bstr s, ssize_t start, ssize_t end) {
    ssize_t len = (ssize_t)bstrLen(s);
    if (len == 0) return;
    if (start < 0) start = len + start < 0 ? 0 : len + start;
    if (end < 0) end = len + end < 0 ? 0 : len + end;
    ssize_t newlen = (start > end) ? 0 : end - start + 1;
    if (newlen != 0) {
        if (start >= len) newlen = 0;
        else if (end >= len) newlen = len - start;
    }
    if (start && newlen) memmove(s, s + start, (size_t)newlen);
    BSTR_HDR(s)->len = (size_t)newlen;
    s[newlen] = '\0';
}

bstr bstrRemoveFreeSpace(bstr s) {
    struct bstrHeader *h = BSTR_HDR(s);
    if (h->alloc == h->len) return s;
    h = xrealloc(h, sizeof(*h) + h->len + 1);
    h->alloc = h->len;
    return h->buf;
}

size_t bstrAllocSize(const bstr s) {
    return sizeof(struct bstrHeader) + bstrAlloc(s) + 1;
}

void bstrToLower(bstr s) {
    for (size_t i = 0, n = bstrLen(s); i < n; i++)
        s[i] = (char)tolower((unsigned char)s[i]);
}

void bstrToUpper(bstr s) {
    for (size_t i = 0, n = bstrLen(s); i < n; i++)
        s[i] = (char)toupper((unsigned char)s[i]);
}

void bstrMapChars(bstr s, const char *from, const char *to, size_t setlen) {
    for (size_t i = 0, n = bstrLen(s); i < n; i++)
        for (size_t j = 0; j < setlen; j++)
            if (s[i] == from[j]) { s[i] = to[j]; break; }
}

static int hexDigitValue(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower((unsigned char)c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Reads one argument starting at *pp into a new bstr and advances *pp past
 * it.  Returns NULL on unbalanced quotes or a closing quote that is not
 * followed by a space. */
static bstr splitOneArg(const char **pp) {
    const char *p = *pp;
    int inq = 0, insq = 0;
    /* Fast path: a plain word with no quotes is copied in one go. */
    size_t span = strcspn(p, " \n\r\t\"'");
    if (p[span] != '"' && p[span] != '\'') {
        *pp = p + span;
        return bstrNewLen(p, span);
    }
    bstr cur = bstrEmpty();
    for (;;) {
        if (inq) {
            if (*p == '\0') goto err;
            if (p[0] == '\\' && p[1] == 'x' && hexDigitValue(p[2]) >= 0 &&
                hexDigitValue(p[3]) >= 0) {
                char b = (char)(hexDigitValue(p[2]) * 16 + hexDigitValue(p[3]));
                cur = bstrCatLen(cur, &b, 1);
                p += 3;
            } else if (p[0] == '\\' && p[1]) {
                char c;
                p++;
                switch (*p) {
                case 'n': c = '\n'; break;
                case 'r': c = '\r'; break;
                case 't': c = '\t'; break;
                case 'b': c = '\b'; break;
                case 'a': c = '\a'; break;
                default: c = *p; break;
                }
                cur = bstrCatLen(cur, &c, 1);
            } else if (*p == '"') {
                if (p[1] && !isspace((unsigned char)p[1])) goto err;
                p++;
                break;
            } else {
                cur = bstrCatLen(cur, p, 1);
            }
        } else if (insq) {
            if (*p == '\0') goto err;
            if (p[0] == '\\' && p[1] == '\'') {
                p++;
                cur = bstrCatLen(cur, "'", 1);
            } else if (*p == '\'') {
                if (p[1] && !isspace((unsigned char)p[1])) goto err;
                p++;
                break;
            } else {
                cur = bstrCatLen(cur, p, 1);
            }
        } else {
            /* As in Redis, only these end an unquoted argument. */
            if (*p == '\0' || *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') break;
            if (*p == '"') inq = 1;
            else if (*p == '\'') insq = 1;
            else cur = bstrCatLen(cur, p, 1);
        }
        if (*p) p++;
    }
    *pp = p;
    return cur;
err:
    bstrFree(cur);
    return NULL;
}

/* Splits a line into arguments the way redis-cli and the inline protocol
 * and config files do: spaces separate, "double quotes" take C-like escapes
 * (\n \r \t \b \a \xHH), 'single quotes' take only \'.  Returns an array the
 * caller frees with bstrFreeSplitRes(), or NULL on unbalanced quotes.  An
 * empty line gives a non-NULL array with *argc == 0. */
bstr *bstrSplitArgs(const char *line, int *argc) {
    const char *p = line;
    bstr *vector = NULL;
    *argc = 0;
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (*p == '\0') break;
        bstr arg = splitOneArg(&p);
        if (!arg) {
            bstrFreeSplitRes(vector, *argc);
            *argc = 0;
            return NULL;
        }
        vector = xrealloc(vector, sizeof(bstr) * (size_t)(*argc + 1));
        vector[(*argc)++] = arg;
    }
    if (!vector) vector = xmalloc(sizeof(bstr));
    return vector;
}

/* Splits s[0..len) on every occurrence of sep; empty fields are kept.
 * Returns a caller-owned array (free with bstrFreeSplitRes). */
bstr *bstrSplitLen(const char *s, size_t len, const char *sep, size_t seplen,
                   int *count) {
    bstr *tokens = NULL;
    int n = 0;
    size_t start = 0;
    *count = 0;
    if (seplen == 0) return NULL;
    for (size_t j = 0; j + seplen <= len; j++) {
        if (memcmp(s + j, sep, seplen) == 0) {
            tokens = xrealloc(tokens, sizeof(bstr) * (size_t)(n + 1));
            tokens[n++] = bstrNewLen(s + start, j - start);
            start = j + seplen;
            j = j + seplen - 1;
        }
    }
    tokens = xrealloc(tokens, sizeof(bstr) * (size_t)(n + 1));
    tokens[n++] = bstrNewLen(s + start, len - start);
    *count = n;
    return tokens;
}

void bstrFreeSplitRes(bstr *tokens, int count) {
    if (!tokens) return;
    for (int i = 0; i < count; i++) bstrFree(tokens[i]);
    xfree(tokens);
}

uint64_t bstrDictHash(const void *key) {
    return dictGenHashFunction(key, bstrLen((const bstr)key));
}

int bstrDictKeyEqual(const void *a, const void *b) {
    size_t la = bstrLen((const bstr)a);
    return la == bstrLen((const bstr)b) && memcmp(a, b, la) == 0;
}

void bstrDictKeyFree(void *key) { bstrFree(key); }

bstr bstrReadAll(FILE *fp) {
    bstr content = bstrEmpty();
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) content = bstrCatLen(content, buf, n);
    if (ferror(fp)) {
        bstrFree(content);
        return NULL;
    }
    return content;
}

void bstrTrim(bstr s, const char *cset) {
    size_t start = 0, end = bstrLen(s);
    while (start < end && strchr(cset, s[start])) start++;
    while (end > start && strchr(cset, s[end - 1])) end--;
    bstrRange(s, (ssize_t)start, (ssize_t)end - 1);
}
