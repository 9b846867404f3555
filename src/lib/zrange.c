/* lib/zrange.c -- sorted-set argument parsing and score formatting with
 * Redis 7.0's rules; see zrange.h for the grammar of each argument. */
#include "lib/zrange.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/numfmt.h"

/* ---- Scores -------------------------------------------------------------- */

int zrangeParseScore(const char *s, size_t len, double *out) {
    return numParseDouble(s, len, out);
}

int zrangeIncrScore(int exists, double cur, double incr, double *out) {
    double score = exists ? incr + cur : incr;
    if (isnan(score)) return 0;
    *out = score;
    return 1;
}

int zrangeFormatScore(char *dst, size_t dstlen, double score) {
    return numFormatDouble(dst, dstlen, score);
}

/* ---- Score ranges -------------------------------------------------------- */

/* strtod over s read as a C string: up to its first NUL byte, which must
 * be where the number ends.  Redis reads range bounds this way (no length,
 * no errno check), hence the leniency listed in zrange.h. */
static int parseCDouble(const char *s, size_t len, double *out) {
    const char *nul = memchr(s, '\0', len);
    if (nul != NULL) len = (size_t)(nul - s);

    char small[64];
    char *copy = len < sizeof(small) ? small : xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    char *end;
    double v = strtod(copy, &end);
    int ok = *end == '\0' && !isnan(v);
    if (copy != small) xfree(copy);

    if (ok) *out = v;
    return ok;
}

int zrangeParseScoreBound(const char *s, size_t len, double *value,
                          int *exclusive) {
    int ex = len > 0 && s[0] == '(';
    double v;
    if (!parseCDouble(s + ex, len - (size_t)ex, &v)) return 0;
    *value = v;
    *exclusive = ex;
    return 1;
}

int zrangeParseScoreRange(const char *min, size_t minlen, const char *max,
                          size_t maxlen, zrangeScoreSpec *out) {
    zrangeScoreSpec r;
    if (!zrangeParseScoreBound(min, minlen, &r.min, &r.minex)) return 0;
    if (!zrangeParseScoreBound(max, maxlen, &r.max, &r.maxex)) return 0;
    *out = r;
    return 1;
}

int zrangeScoreRangeEmpty(const zrangeScoreSpec *range) {
    return range->min > range->max ||
           (range->min == range->max && (range->minex || range->maxex));
}

int zrangeScoreGteMin(double score, const zrangeScoreSpec *range) {
    return range->minex ? score > range->min : score >= range->min;
}

int zrangeScoreLteMax(double score, const zrangeScoreSpec *range) {
    return range->maxex ? score < range->max : score <= range->max;
}

int zrangeScoreInRange(double score, const zrangeScoreSpec *range) {
    return zrangeScoreGteMin(score, range) && zrangeScoreLteMax(score, range);
}

/* ---- Lex ranges ---------------------------------------------------------- */

/* "-" or "+" alone, judged as Redis does on the C string: the byte after
 * the sign must be the end or a NUL. */
static int isLoneSign(const char *s, size_t len) {
    return len == 1 || s[1] == '\0';
}

int zrangeParseLexBound(const char *s, size_t len, zrangeLexBound *out) {
    if (len == 0) return 0;
    zrangeLexBound b = {ZRANGE_LEX_VALUE, 0, s + 1, len - 1};
    switch (s[0]) {
    case '-':
        if (!isLoneSign(s, len)) return 0;
        b = (zrangeLexBound){ZRANGE_LEX_MINUS, 1, NULL, 0};
        break;
    case '+':
        if (!isLoneSign(s, len)) return 0;
        b = (zrangeLexBound){ZRANGE_LEX_PLUS, 1, NULL, 0};
        break;
    case '(':
        b.exclusive = 1;
        break;
    case '[':
        break;
    default:
        return 0;
    }
    *out = b;
    return 1;
}

int zrangeParseLexRange(const char *min, size_t minlen, const char *max,
                        size_t maxlen, zrangeLexSpec *out) {
    zrangeLexSpec r;
    if (!zrangeParseLexBound(min, minlen, &r.min)) return 0;
    if (!zrangeParseLexBound(max, maxlen, &r.max)) return 0;
    *out = r;
    return 1;
}

int zrangeLexCompare(const zrangeLexBound *a, const zrangeLexBound *b) {
    if (a->kind != ZRANGE_LEX_VALUE || b->kind != ZRANGE_LEX_VALUE) {
        return (int)a->kind - (int)b->kind;
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int cmp = n ? memcmp(a->str, b->str, n) : 0;
    if (cmp != 0) return cmp;
    return (a->len > b->len) - (a->len < b->len);
}

int zrangeLexRangeEmpty(const zrangeLexSpec *range) {
    int cmp = zrangeLexCompare(&range->min, &range->max);
    return cmp > 0 || (cmp == 0 && (range->min.exclusive || range->max.exclusive));
}

int zrangeLexGteMin(const char *member, size_t len, const zrangeLexSpec *range) {
    zrangeLexBound m = {ZRANGE_LEX_VALUE, 0, member, len};
    int cmp = zrangeLexCompare(&m, &range->min);
    return range->min.exclusive ? cmp > 0 : cmp >= 0;
}

int zrangeLexLteMax(const char *member, size_t len, const zrangeLexSpec *range) {
    zrangeLexBound m = {ZRANGE_LEX_VALUE, 0, member, len};
    int cmp = zrangeLexCompare(&m, &range->max);
    return range->max.exclusive ? cmp < 0 : cmp <= 0;
}

int zrangeLexInRange(const char *member, size_t len, const zrangeLexSpec *range) {
    return zrangeLexGteMin(member, len, range) &&
           zrangeLexLteMax(member, len, range);
}

/* ---- Ranks --------------------------------------------------------------- */

int zrangeRankWindow(long long start, long long end, long long len,
                     long long *first, long long *last) {
    if (start < 0) start += len;
    if (end < 0) end += len;
    if (start < 0) start = 0;
    if (start > end || start >= len) return 0;
    if (end >= len) end = len - 1;
    *first = start;
    *last = end;
    return 1;
}

int zrangeLimitEmpty(long long offset, long long count) {
    return offset < 0 || count == 0;
}
