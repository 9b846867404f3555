/* lib/glob.c -- Redis-compatible glob-style pattern matching; see glob.h.
 *
 * The matcher walks pattern and string left to right.  Only '*' needs
 * backtracking: it tries the rest of the pattern against every suffix of
 * the string, recursing one level per '*'.  Two rules keep that bounded:
 *
 *   - depth: more than GLOB_MAX_NESTING nested '*' means "no match";
 *   - give-up: if the pattern tail after some '*' matched no suffix at all,
 *     no '*' to its left can help either (a longer match on the left only
 *     leaves a shorter suffix for that same tail), so every pending level
 *     returns "no match" at once.
 *
 * Quirks kept for compatibility with Redis (stringmatchlen in util.c):
 *   - the loop stops as soon as the string is exhausted, so an empty string
 *     matches only an empty pattern (or a pattern that is reduced to empty
 *     only by trailing '*' after at least one byte was consumed): "*" does
 *     not match "".  Redis callers special-case the pattern "*".
 *   - range bounds and the tested byte compare as signed chars.
 */
#include "lib/glob.h"

#include <stdint.h>

#define GLOB_MAX_NESTING 1000

typedef struct globState {
    int nocase;
    int giveUp;     /* a tail failed against every suffix: stop backtracking */
} globState;

static inline int lowerAscii(int c) {
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static inline int sameByte(unsigned char a, unsigned char b, int nocase) {
    return nocase ? lowerAscii(a) == lowerAscii(b) : a == b;
}

/* Matches the byte 'c' against the class that starts right after '['.
 * On entry *pp and *plen describe the pattern after the '['.  On return they
 * point at the class's closing ']' -- or at the last byte of the pattern
 * when the class is unterminated -- so that the caller's usual "advance
 * one byte" moves past the class.  Returns 1 if 'c' is accepted. */
static int matchClass(const unsigned char **pp, size_t *plen, unsigned char c,
                      int nocase) {
    const unsigned char *p = *pp;
    size_t len = *plen;
    int negate = 0, match = 0;

    if (len > 0 && p[0] == '^') {
        negate = 1;
        p++;
        len--;
    }
    for (;;) {
        if (len == 0) {
            /* Unterminated: step back onto the last pattern byte. */
            p--;
            len++;
            break;
        }
        if (p[0] == '\\' && len >= 2) {
            p++;
            len--;
            if (p[0] == c) match = 1;           /* escapes are exact */
        } else if (p[0] == ']') {
            break;
        } else if (len >= 3 && p[1] == '-') {
            int lo = (signed char)p[0];
            int hi = (signed char)p[2];
            int x = (signed char)c;
            if (lo > hi) {
                int t = lo;
                lo = hi;
                hi = t;
            }
            if (nocase) {
                lo = lowerAscii(lo);
                hi = lowerAscii(hi);
                x = lowerAscii(x);
            }
            if (x >= lo && x <= hi) match = 1;
            p += 2;
            len -= 2;
        } else if (sameByte(p[0], c, nocase)) {
            match = 1;
        }
        p++;
        len--;
    }
    *pp = p;
    *plen = len;
    return negate ? !match : match;
}

/* Core matcher.  'depth' counts the '*' levels above this call. */
static int matchAt(const unsigned char *p, size_t plen,
                   const unsigned char *s, size_t slen, globState *st,
                   int depth) {
    if (depth > GLOB_MAX_NESTING) return 0;

    while (plen > 0 && slen > 0) {
        switch (p[0]) {
        case '*':
            while (plen > 1 && p[1] == '*') {
                p++;
                plen--;
            }
            if (plen == 1) return 1;    /* trailing '*' eats the rest */
            for (; slen > 0; s++, slen--) {
                if (matchAt(p + 1, plen - 1, s, slen, st, depth + 1)) return 1;
                if (st->giveUp) return 0;
            }
            st->giveUp = 1;
            return 0;
        case '?':
            s++;
            slen--;
            break;
        case '[':
            p++;
            plen--;
            if (!matchClass(&p, &plen, s[0], st->nocase)) return 0;
            s++;
            slen--;
            break;
        case '\\':
            if (plen >= 2) {
                p++;
                plen--;
            }
            /* The escaped (or trailing backslash) byte is a literal. */
            if (!sameByte(p[0], s[0], st->nocase)) return 0;
            s++;
            slen--;
            break;
        default:
            if (!sameByte(p[0], s[0], st->nocase)) return 0;
            s++;
            slen--;
            break;
        }
        p++;
        plen--;
        if (slen == 0) {
            while (plen > 0 && p[0] == '*') {
                p++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}

int globMatch(const char *pattern, size_t plen, const char *string,
              size_t slen, int nocase) {
    globState st = {nocase, 0};
    return matchAt((const unsigned char *)pattern, plen,
                   (const unsigned char *)string, slen, &st, 0);
}
