/* lib/glob.h -- Redis-compatible glob-style pattern matching (KEYS, SCAN
 * MATCH, PSUBSCRIBE, ACL patterns ...). */
#ifndef REDIS_KV_GLOB_H
#define REDIS_KV_GLOB_H

#include <stddef.h>

/* Returns 1 if 'string' matches 'pattern', else 0.  Both are binary safe
 * (explicit lengths, NUL is an ordinary byte).  Same semantics as Redis's
 * stringmatchlen():
 *   *        any sequence of bytes, including none
 *   ?        exactly one byte
 *   [abc]    one byte from the set; [^abc] one byte not in it;
 *            [a-c] a range (reversed ranges like [c-a] work too);
 *            \x inside a class is a literal x; an unterminated class
 *            extends to the end of the pattern
 *   \x       the literal byte x (a trailing \ is a literal backslash)
 * With nocase, ASCII letters compare case-insensitively (except escaped
 * bytes inside a class, as in Redis).  Range bounds compare as signed
 * chars, as Redis does on x86/x86-64 (so [a-\xff] means \xff..'a').
 *
 * Cost is bounded: recursion depth is limited to 1000 nested '*' (deeper
 * patterns never match, as in Redis), and once the tail of a pattern after
 * a '*' fails against every suffix, the outer '*'s stop trying longer
 * matches, so patterns like "*a*a*a*a*b" stay polynomial. */
int globMatch(const char *pattern, size_t plen, const char *string,
              size_t slen, int nocase);

#endif
