/* lib/numfmt.h -- number parsing and formatting with Redis's exact rules.
 *
 * Parsers take a byte range (binary safe, no NUL terminator needed) and
 * return 1 on success, storing the value, or 0 on failure, leaving *out
 * untouched.  Formatters write a NUL-terminated string into dst and return
 * its length (without the NUL); when dst is too small they return 0 and
 * leave dst as "" (if dstlen > 0). */
#ifndef REDIS_KV_NUMFMT_H
#define REDIS_KV_NUMFMT_H

#include <stddef.h>

/* Enough for any long long / unsigned long long plus sign and NUL. */
#define NUM_LONG_STR_SIZE 21
/* Longest string numParseLongDouble accepts is one byte less; also a
 * buffer size that always fits numFormatLongDouble(humanFriendly=1). */
#define NUM_MAX_LONG_DOUBLE_CHARS (5 * 1024)
/* Always fits numFormatDouble. */
#define NUM_MAX_DOUBLE_CHARS 32

/* Redis string2ll: optional '-', then "0" or a digit 1-9 followed by
 * digits; nothing else (no spaces, no '+', no leading zeros, no "-0"),
 * at most 20 bytes, and within [LLONG_MIN, LLONG_MAX]. */
int numParseLongLong(const char *s, size_t slen, long long *out);
/* Same rules, range of long. */
int numParseLong(const char *s, size_t slen, long *out);
/* Same rules without the sign (a '-' is rejected), range of unsigned long
 * long.  Stricter than Redis's string2ull, which falls back to strtoull()
 * for values above LLONG_MAX. */
int numParseUnsignedLongLong(const char *s, size_t slen,
                             unsigned long long *out);
/* Redis string2d / getDoubleFromObject: strtod() syntax (decimal, exponent,
 * hex floats, "inf", "-inf", "+inf", "infinity"), no leading whitespace,
 * the whole range consumed, not NaN, not overflowing to +-inf, not
 * underflowing to zero.  An empty string is rejected. */
int numParseDouble(const char *s, size_t slen, double *out);
/* Redis string2ld: like numParseDouble with strtold(), and also rejected
 * when slen >= NUM_MAX_LONG_DOUBLE_CHARS. */
int numParseLongDouble(const char *s, size_t slen, long double *out);

/* Decimal formatting (Redis ll2string / ull2string). */
int numFormatLongLong(char *dst, size_t dstlen, long long v);
int numFormatUnsignedLongLong(char *dst, size_t dstlen, unsigned long long v);
/* "%.17g" as Redis 7.0's addReplyDouble, with "inf", "-inf" and "nan"
 * spelled explicitly. */
int numFormatDouble(char *dst, size_t dstlen, double v);
/* A unix time in ms as "1700000000123 (2023-11-14T22:13:20.123Z)"; the
 * raw number alone when the calendar conversion fails.  For tools' reports. */
void numFormatUnixMs(char *dst, size_t dstlen, long long ms);
/* Redis ld2string.  humanFriendly (LD_STR_HUMAN, INCRBYFLOAT's format):
 * "%.17Lf" with trailing zeros and a trailing '.' removed, "-0" becomes
 * "0".  Otherwise (LD_STR_AUTO): "%.17Lg".  Infinities are "inf"/"-inf",
 * NaN is "nan".  A human string may need up to NUM_MAX_LONG_DOUBLE_CHARS
 * bytes for huge values. */
int numFormatLongDouble(char *dst, size_t dstlen, long double v,
                        int humanFriendly);

/* The increments of INCRBY/HINCRBY and INCRBYFLOAT/HINCRBYFLOAT: cur +
 * incr in *out, or 0 when it would overflow a long long (Redis's
 * "increment or decrement would overflow").  numAddLongDouble also
 * formats the sum in INCRBYFLOAT's human-friendly form into dst (*len its
 * length); 0 when the sum is NaN or infinite ("increment would produce NaN
 * or Infinity"). */
int numAddLongLong(long long cur, long long incr, long long *out);
int numAddLongDouble(long double cur, long double incr, char *dst, size_t dstlen, int *len);

/* Redis memtoull: digits followed by an optional case-insensitive unit:
 * b (1), k (1000), kb (1024), m (1000^2), mb (1024^2), g (1000^3),
 * gb (1024^3).  Sets *err to 1 (returning 0) on a '-' sign, an unknown
 * unit, non-digits, 128 or more digits, or overflow; else to 0.  As in
 * Redis, an empty digit string counts as 0 ("" and "kb" parse as 0).
 * Unlike Redis 7.0, which wraps around, overflow is an error.  err may be
 * NULL. */
unsigned long long numParseMemory(const char *s, int *err);
/* Redis bytesToHuman: "123B", "1.00K", "2.50M", "1.00G", "T", "P"
 * (powers of 1024, two decimals); at or above 1024^6 plain "<n>B". */
int numFormatMemory(char *dst, size_t dstlen, unsigned long long bytes);

#endif
