/* lib/zrange.h -- what sorted-set commands parse, and how they print scores,
 * with Redis 7.0's exact rules.
 *
 * Four different grammars meet in the sorted-set commands, and Redis 7.0
 * is not consistent between them; each function below says which one it
 * follows (tests/c/test_zrange.c checks every rule against a real
 * redis-server 7.0.15):
 *
 *   a score (ZADD, ZINCRBY, ZADD INCR, GEO coordinates):
 *       Redis's string2d, i.e. numParseDouble: strtod's syntax ("1e3",
 *       "0x1p3", "inf", "+inf", "-infinity") over the whole argument, no
 *       leading space, not NaN, no overflow ("1e400") or underflow to zero
 *       ("1e-400"); denormals are fine.  Error: ZRANGE_ERR_SCORE.
 *   a score range bound (ZRANGEBYSCORE, ZCOUNT, ZRANGE BYSCORE,
 *       ZREMRANGEBYSCORE): an optional '(' (exclusive), then strtod over
 *       the argument read as a C string -- so it stops at a NUL byte,
 *       skips leading white space, takes "" or "(" as 0 and "1e400" as inf;
 *       only trailing garbage and NaN are refused.  Error:
 *       ZRANGE_ERR_SCORE_RANGE.
 *   a lex range bound (ZRANGEBYLEX, ZLEXCOUNT, ZRANGE BYLEX,
 *       ZREMRANGEBYLEX): "[value" (inclusive), "(value" (exclusive), "-"
 *       (below everything) or "+" (above everything); as in Redis, "-" and
 *       "+" are recognised by their first two C-string bytes ("+\0x" is
 *       "+").  Anything else, "" included: ZRANGE_ERR_LEX_RANGE.
 *   ranks (ZRANGE, ZREMRANGEBYRANK): integers, negative from the end;
 *       LIMIT offset count (BYSCORE/BYLEX): a negative offset or a zero
 *       count selects nothing, a negative count means all.
 *
 * Parsers take a byte range (binary safe) and return 1 on success or 0,
 * leaving their outputs untouched.  Lex bounds point into the argument
 * (no copy): keep the argument alive while the bound is used. */
#ifndef REDIS_KV_ZRANGE_H
#define REDIS_KV_ZRANGE_H

#include <stddef.h>

/* The command layer's error texts (the reply helper adds "ERR "). */
#define ZRANGE_ERR_SCORE "value is not a valid float"
#define ZRANGE_ERR_SCORE_RANGE "min or max is not a float"
#define ZRANGE_ERR_LEX_RANGE "min or max not valid string range item"
#define ZRANGE_ERR_NAN "resulting score is not a number (NaN)"

/* Always fits zrangeFormatScore's output. */
#define ZRANGE_SCORE_STR_SIZE 32

/* ---- Scores -------------------------------------------------------------- */

/* A score argument (ZADD, ZINCRBY): Redis's string2d, see above. */
int zrangeParseScore(const char *s, size_t len, double *out);

/* ZADD INCR / ZINCRBY: the new score of a member, 'cur' when it exists,
 * else the increment itself (so a new member incremented by -0 has score
 * -0).  0 when the sum is NaN (inf + -inf): ZRANGE_ERR_NAN, nothing
 * changes. */
int zrangeIncrScore(int exists, double cur, double incr, double *out);

/* A score as Redis 7.0 replies it, in RESP2's bulk string and RESP3's
 * double alike: "%.17g" ("1.1000000000000001", "3", "1e+22",
 * "1.2345678901234568e+17", "-0"), infinities "inf" and "-inf".  Returns
 * the length (0 and "" when dst is too small).
 *
 * Note for the index: Redis's listpack encoding (small sets) keeps a
 * score as text in a way that loses the sign of zero, so ZSCORE of a
 * member added with -0 answers "0" while the set is small and "-0" once
 * it is a skiplist; the reply of the ZADD INCR/ZINCRBY that set it is
 * "-0" either way. */
int zrangeFormatScore(char *dst, size_t dstlen, double score);

/* ---- Score ranges -------------------------------------------------------- */

typedef struct zrangeScoreSpec {
    double min, max;
    int minex, maxex;           /* 1: that end is exclusive */
} zrangeScoreSpec;

/* One score range bound, see above. */
int zrangeParseScoreBound(const char *s, size_t len, double *value,
                          int *exclusive);

/* Both bounds (min first, as ZRANGEBYSCORE takes them; a REV command
 * passes its arguments swapped). */
int zrangeParseScoreRange(const char *min, size_t minlen, const char *max,
                          size_t maxlen, zrangeScoreSpec *out);

/* 1 if no score can be in the range: min > max, or min == max with an
 * exclusive end.  ("(inf" to "+inf" is empty, "-inf" to "-inf" is not.) */
int zrangeScoreRangeEmpty(const zrangeScoreSpec *range);

int zrangeScoreGteMin(double score, const zrangeScoreSpec *range);
int zrangeScoreLteMax(double score, const zrangeScoreSpec *range);
int zrangeScoreInRange(double score, const zrangeScoreSpec *range);

/* ---- Lex ranges ---------------------------------------------------------- */

typedef enum zrangeLexKind {
    ZRANGE_LEX_MINUS,           /* "-": before every member */
    ZRANGE_LEX_VALUE,           /* "[value" or "(value" */
    ZRANGE_LEX_PLUS             /* "+": after every member */
} zrangeLexKind;

typedef struct zrangeLexBound {
    zrangeLexKind kind;
    int exclusive;              /* "-" and "+" count as exclusive */
    const char *str;            /* the value (ZRANGE_LEX_VALUE), in the arg */
    size_t len;
} zrangeLexBound;

typedef struct zrangeLexSpec {
    zrangeLexBound min, max;
} zrangeLexSpec;

int zrangeParseLexBound(const char *s, size_t len, zrangeLexBound *out);
int zrangeParseLexRange(const char *min, size_t minlen, const char *max,
                        size_t maxlen, zrangeLexSpec *out);

/* Members compare as bytes (memcmp, then the shorter first), "-" below
 * and "+" above all of them.  <0, 0, >0 as bound a sorts before, with or
 * after b. */
int zrangeLexCompare(const zrangeLexBound *a, const zrangeLexBound *b);

/* 1 if no member can be in the range: min after max, or both the same
 * with an exclusive end ("-" to "-" and "+" to "+" are empty). */
int zrangeLexRangeEmpty(const zrangeLexSpec *range);

int zrangeLexGteMin(const char *member, size_t len, const zrangeLexSpec *range);
int zrangeLexLteMax(const char *member, size_t len, const zrangeLexSpec *range);
int zrangeLexInRange(const char *member, size_t len, const zrangeLexSpec *range);

/* ---- Ranks --------------------------------------------------------------- */

/* ZRANGE start end on a set of 'len' members: negative ranks count from
 * the end, the window is clipped to the set.  Stores the first and last
 * rank (inclusive) and returns 1, or returns 0 when the window is empty
 * (start after end, or start past the last member). */
int zrangeRankWindow(long long start, long long end, long long len,
                     long long *first, long long *last);

/* LIMIT offset count: 1 when it selects nothing (offset < 0 or
 * count == 0).  A negative count means "no limit". */
int zrangeLimitEmpty(long long offset, long long count);

#endif
