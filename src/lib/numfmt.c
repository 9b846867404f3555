/* lib/numfmt.c -- number parsing and formatting with Redis's exact rules; see
 * numfmt.h for the contract of each function.  Floating point conversions use
 * the C library (strtod/strtold/snprintf) in the "C" locale, as Redis does. */
#include "lib/numfmt.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/alloc.h"

/* ------------------------------------------------------------------------ */
/* Integers                                                                 */
/* ------------------------------------------------------------------------ */

static inline int isDigit(char c) {
    return c >= '0' && c <= '9';
}

/* Parses the unsigned magnitude of a strict decimal: "0", or 1-9 followed
 * by digits, consuming exactly 'len' bytes, without overflowing an
 * unsigned long long.  Returns 1 on success. */
static int parseMagnitude(const char *p, size_t len, unsigned long long *out) {
    if (len == 0) return 0;
    if (len == 1 && p[0] == '0') {
        *out = 0;
        return 1;
    }
    if (p[0] < '1' || p[0] > '9') return 0;

    unsigned long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isDigit(p[i])) return 0;
        unsigned digit = (unsigned)(p[i] - '0');
        if (v > ULLONG_MAX / 10) return 0;
        v *= 10;
        if (v > ULLONG_MAX - digit) return 0;
        v += digit;
    }
    *out = v;
    return 1;
}

int numParseLongLong(const char *s, size_t slen, long long *out) {
    if (slen == 0 || slen >= NUM_LONG_STR_SIZE) return 0;

    int negative = s[0] == '-';
    const char *p = s + negative;
    size_t len = slen - (size_t)negative;
    unsigned long long mag;
    if (!parseMagnitude(p, len, &mag)) return 0;

    if (negative) {
        /* "-0" is rejected, like Redis: zero has one spelling. */
        if (mag == 0) return 0;
        if (mag > (unsigned long long)LLONG_MAX + 1ULL) return 0;
        /* -(mag - 1) - 1 stays in range even for LLONG_MIN. */
        *out = -(long long)(mag - 1) - 1;
    } else {
        if (mag > (unsigned long long)LLONG_MAX) return 0;
        *out = (long long)mag;
    }
    return 1;
}

int numParseLong(const char *s, size_t slen, long *out) {
    long long v;
    if (!numParseLongLong(s, slen, &v)) return 0;
    if (v < LONG_MIN || v > LONG_MAX) return 0;
    *out = (long)v;
    return 1;
}

int numParseUnsignedLongLong(const char *s, size_t slen,
                             unsigned long long *out) {
    if (slen == 0 || slen >= NUM_LONG_STR_SIZE) return 0;
    return parseMagnitude(s, slen, out);
}

/* Two ASCII digits for every value 0..99, so formatting emits two digits
 * per division. */
static const char digitPairs[201] =
    "00010203040506070809101112131415161718192021222324"
    "25262728293031323334353637383940414243444546474849"
    "50515253545556575859606162636465666768697071727374"
    "75767778798081828384858687888990919293949596979899";

/* Writes the decimal digits of v, preceded by '-' if 'negative', into
 * dst.  Returns the length, or 0 (dst = "") if it does not fit. */
static int formatMagnitude(char *dst, size_t dstlen, unsigned long long v,
                           int negative) {
    char tmp[NUM_LONG_STR_SIZE];
    size_t pos = sizeof(tmp);

    while (v >= 100) {
        unsigned idx = (unsigned)(v % 100) * 2;
        v /= 100;
        tmp[--pos] = digitPairs[idx + 1];
        tmp[--pos] = digitPairs[idx];
    }
    if (v >= 10) {
        unsigned idx = (unsigned)v * 2;
        tmp[--pos] = digitPairs[idx + 1];
        tmp[--pos] = digitPairs[idx];
    } else {
        tmp[--pos] = (char)('0' + v);
    }
    if (negative) tmp[--pos] = '-';

    size_t len = sizeof(tmp) - pos;
    if (len + 1 > dstlen) {
        if (dstlen > 0) dst[0] = '\0';
        return 0;
    }
    memcpy(dst, tmp + pos, len);
    dst[len] = '\0';
    return (int)len;
}

int numFormatLongLong(char *dst, size_t dstlen, long long v) {
    if (v < 0) {
        /* Negate in unsigned arithmetic so LLONG_MIN does not overflow. */
        unsigned long long mag = (unsigned long long)(-(v + 1)) + 1ULL;
        return formatMagnitude(dst, dstlen, mag, 1);
    }
    return formatMagnitude(dst, dstlen, (unsigned long long)v, 0);
}

int numFormatUnsignedLongLong(char *dst, size_t dstlen, unsigned long long v) {
    return formatMagnitude(dst, dstlen, v, 0);
}

/* ------------------------------------------------------------------------ */
/* Floating point                                                           */
/* ------------------------------------------------------------------------ */

/* isspace() of the "C" locale, safe for any byte value. */
static inline int isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
           c == '\r';
}

/* strtod/strtold need a NUL-terminated string; this holds a copy of the
 * input, on the stack when short.  Release with copyRelease(). */
typedef struct strCopy {
    char *str;
    char small[128];
} strCopy;

static void copyInit(strCopy *c, const char *s, size_t len) {
    c->str = len < sizeof(c->small) ? c->small : xmalloc(len + 1);
    memcpy(c->str, s, len);
    c->str[len] = '\0';
}

static void copyRelease(strCopy *c) {
    if (c->str != c->small) xfree(c->str);
}

/* The range rules shared by string2d and string2ld: an ERANGE result is
 * only acceptable when it is a denormal (neither +-inf nor zero). */
static int rangeOk(int err, int isInfinite, int isZero) {
    return !(err == ERANGE && (isInfinite || isZero));
}

int numParseDouble(const char *s, size_t slen, double *out) {
    if (slen == 0 || isSpace(s[0])) return 0;

    strCopy copy;
    copyInit(&copy, s, slen);
    char *end;
    errno = 0;
    double v = strtod(copy.str, &end);
    int ok = (size_t)(end - copy.str) == slen &&
             rangeOk(errno, v == HUGE_VAL || v == -HUGE_VAL,
                     fpclassify(v) == FP_ZERO) &&
             !isnan(v);
    copyRelease(&copy);

    if (ok) *out = v;
    return ok;
}

int numParseLongDouble(const char *s, size_t slen, long double *out) {
    if (slen == 0 || slen >= NUM_MAX_LONG_DOUBLE_CHARS || isSpace(s[0])) {
        return 0;
    }

    char buf[NUM_MAX_LONG_DOUBLE_CHARS];
    memcpy(buf, s, slen);
    buf[slen] = '\0';
    char *end;
    errno = 0;
    long double v = strtold(buf, &end);
    int ok = (size_t)(end - buf) == slen &&
             rangeOk(errno, v == HUGE_VALL || v == -HUGE_VALL,
                     fpclassify(v) == FP_ZERO) &&
             errno != EINVAL && !isnan(v);

    if (ok) *out = v;
    return ok;
}

/* Copies the literal 'text' into dst if it fits; returns its length or 0. */
static int putLiteral(char *dst, size_t dstlen, const char *text) {
    size_t len = strlen(text);
    if (len + 1 > dstlen) {
        if (dstlen > 0) dst[0] = '\0';
        return 0;
    }
    memcpy(dst, text, len + 1);
    return (int)len;
}

/* Checks an snprintf() result: the length written, or 0 (dst = "") when
 * it failed or was truncated. */
static int checkPrinted(char *dst, size_t dstlen, int printed) {
    if (printed < 0 || (size_t)printed + 1 > dstlen) {
        if (dstlen > 0) dst[0] = '\0';
        return 0;
    }
    return printed;
}

int numFormatDouble(char *dst, size_t dstlen, double v) {
    if (isinf(v)) return putLiteral(dst, dstlen, v > 0 ? "inf" : "-inf");
    if (isnan(v)) return putLiteral(dst, dstlen, "nan");
    return checkPrinted(dst, dstlen, snprintf(dst, dstlen, "%.17g", v));
}

/* Removes the zeros after the decimal point from the end of the number in
 * dst (length len), and the point itself if nothing is left after it;
 * turns "-0" into "0".  Returns the new length. */
static size_t trimFraction(char *dst, size_t len) {
    if (memchr(dst, '.', len) != NULL) {
        while (dst[len - 1] == '0') len--;
        if (dst[len - 1] == '.') len--;
    }
    if (len == 2 && dst[0] == '-' && dst[1] == '0') {
        dst[0] = '0';
        len = 1;
    }
    dst[len] = '\0';
    return len;
}

int numFormatLongDouble(char *dst, size_t dstlen, long double v,
                        int humanFriendly) {
    if (isinf(v)) return putLiteral(dst, dstlen, v > 0 ? "inf" : "-inf");
    if (isnan(v)) return putLiteral(dst, dstlen, "nan");
    if (!humanFriendly) {
        return checkPrinted(dst, dstlen, snprintf(dst, dstlen, "%.17Lg", v));
    }
    int len = checkPrinted(dst, dstlen, snprintf(dst, dstlen, "%.17Lf", v));
    if (len == 0) return 0;
    return (int)trimFraction(dst, (size_t)len);
}

/* ------------------------------------------------------------------------ */
/* Memory sizes                                                             */
/* ------------------------------------------------------------------------ */

/* Multiplier for a memory unit suffix, or 0 if the suffix is unknown. */
static unsigned long long memoryUnit(const char *u) {
    static const struct {
        const char *name;
        unsigned long long mul;
    } units[] = {
        {"", 1}, {"b", 1},
        {"k", 1000ULL}, {"kb", 1024ULL},
        {"m", 1000ULL * 1000}, {"mb", 1024ULL * 1024},
        {"g", 1000ULL * 1000 * 1000}, {"gb", 1024ULL * 1024 * 1024},
    };
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcasecmp(u, units[i].name) == 0) return units[i].mul;
    }
    return 0;
}

unsigned long long numParseMemory(const char *s, int *err) {
    int dummy;
    if (err == NULL) err = &dummy;
    *err = 1;

    if (s[0] == '-') return 0;
    const char *u = s;
    while (isDigit(*u)) u++;
    /* Redis copies the digits into a 128-byte buffer and refuses more. */
    if (u - s >= 128) return 0;

    unsigned long long mul = memoryUnit(u);
    if (mul == 0) return 0;

    unsigned long long val = 0;
    for (const char *p = s; p < u; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (val > (ULLONG_MAX - digit) / 10) return 0;
        val = val * 10 + digit;
    }
    if (val > ULLONG_MAX / mul) return 0;

    *err = 0;
    return val * mul;
}

int numFormatMemory(char *dst, size_t dstlen, unsigned long long bytes) {
    static const char suffixes[] = "KMGTP";
    int printed;

    if (bytes < 1024) {
        printed = snprintf(dst, dstlen, "%lluB", bytes);
    } else {
        /* Find the largest unit (up to P = 1024^5) not above the value. */
        unsigned long long unit = 1024;
        int i = 0;
        while (i < 4 && bytes >= unit * 1024) {
            unit *= 1024;
            i++;
        }
        if (bytes >= unit * 1024) {
            printed = snprintf(dst, dstlen, "%lluB", bytes);
        } else {
            printed = snprintf(dst, dstlen, "%.2f%c",
                               (double)bytes / (double)unit, suffixes[i]);
        }
    }
    return checkPrinted(dst, dstlen, printed);
}

void numFormatUnixMs(char *dst, size_t dstlen, long long ms) {
    long long sec = ms / 1000, rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        sec--;
    }
    time_t t = (time_t)sec;
    struct tm tm;
    char iso[40];
    if (gmtime_r(&t, &tm) == NULL || strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(dst, dstlen, "%lld", ms);
    else
        snprintf(dst, dstlen, "%lld (%s.%03dZ)", ms, iso, (int)rem);
}

int numAddLongLong(long long cur, long long incr, long long *out) {
    if ((incr < 0 && cur < 0 && incr < LLONG_MIN - cur) ||
        (incr > 0 && cur > 0 && incr > LLONG_MAX - cur))
        return 0;
    *out = cur + incr;
    return 1;
}

int numAddLongDouble(long double cur, long double incr, char *dst, size_t dstlen, int *len) {
    long double sum = cur + incr;
    if (isnan(sum) || isinf(sum)) return 0;
    *len = numFormatLongDouble(dst, dstlen, sum, 1);
    return 1;
}
