/* lib/streamid.h -- stream entry IDs ("ms-seq"): order, arithmetic, the
 * text and binary forms, and Redis 7.0's rules for ID arguments.
 *
 * An ID is two unsigned 64-bit numbers, a millisecond time and a sequence
 * number within it, ordered by ms then seq.  0-0 is the smallest ID and
 * 18446744073709551615-18446744073709551615 (max-max) the largest.
 *
 * Argument grammar (Redis 7.0.15's, checked by experiment; every case is
 * in tests/c/test_streamid.c):
 *   - an argument longer than STREAM_ID_ARG_MAX bytes is refused, however
 *     it would parse;
 *   - the argument is read as a C string: a NUL byte ends it ("1\0x" is
 *     "1");
 *   - "-" is 0-0 and "+" is max-max, except in strict mode;
 *   - otherwise the FIRST '-' splits ms from seq ("-1" has an empty ms and
 *     is refused; "1--5" has seq "-5"); with no '-', seq is the caller's
 *     missingSeq ("5" is 5-0 for XADD, 5-max as an XRANGE end);
 *   - each part is a number as Redis's string2ull reads it: a plain
 *     integer (string2ll's grammar) that is not negative, or else anything
 *     strtoull(base 10) consumes whole without overflow.  So " 1", "\t1",
 *     "+1" and "01" are 1, "1 " and "" are refused, a part of "-0" is 0
 *     and "-00001" wraps to 18446744073709551615, while "-3" is refused.
 *   - "ms-*" (exactly one '*' after the first '-') is accepted only where
 *     the caller allows an auto sequence (XADD).
 * Every parse failure is Redis's single "ERR Invalid stream ID specified
 * as stream command argument"; the caller sends it.
 *
 * Pure code: no server headers, no allocation. */
#ifndef REDIS_KV_STREAMID_H
#define REDIS_KV_STREAMID_H

#include <stddef.h>
#include <stdint.h>

typedef struct streamId {
    uint64_t ms, seq;
} streamId;

/* Longest text form, "18446744073709551615-18446744073709551615", + NUL. */
#define STREAM_ID_STR_MAX 42
/* The binary form: ms then seq, each 8 bytes big-endian. */
#define STREAM_ID_BIN_LEN 16
/* Redis copies an ID argument into a 128-byte stack buffer with its NUL:
 * a longer argument is refused before it is looked at. */
#define STREAM_ID_ARG_MAX 127

/* <0, 0 or >0 as *a is below, equal to or above *b (ms first, then seq). */
int streamIdCompare(const streamId *a, const streamId *b);

/* Moves *id to the next ID (seq + 1, or ms + 1 and seq 0 when seq is the
 * max).  0, or -1 with *id unchanged when *id is max-max. */
int streamIdIncr(streamId *id);

/* Moves *id to the previous ID (seq - 1, or ms - 1 and seq max when seq is
 * 0).  0, or -1 with *id unchanged when *id is 0-0. */
int streamIdDecr(streamId *id);

/* Writes "ms-seq" in decimal into buf (at least STREAM_ID_STR_MAX bytes),
 * NUL-terminated; returns its length without the NUL. */
size_t streamIdFormat(const streamId *id, char *buf);

/* The 16-byte form: ms big-endian, then seq big-endian, so that memcmp of
 * two encodings orders them exactly as streamIdCompare does. */
void streamIdEncode(const streamId *id, char out[STREAM_ID_BIN_LEN]);

/* The inverse of streamIdEncode; any 16 bytes decode to an ID. */
void streamIdDecode(const char in[STREAM_ID_BIN_LEN], streamId *id);

/* The index of the first of n records in ID order, stride bytes apart
 * from base and each starting with its streamId, whose ID is >= *id (n
 * when none): the binary search of every ordered array of IDs. */
size_t streamIdLowerBound(const void *base, size_t n, size_t stride, const streamId *id);

/* Parses s[0..len) as Redis 7.0 parses a stream ID argument (grammar
 * above): "ms-seq", or "ms" alone (seq = missingSeq), "-" (0-0) and "+"
 * (max-max) unless strict, and when seqAuto != NULL also "ms-*" (seq 0
 * and *seqAuto = 1; any other accepted form sets *seqAuto = 0).  Returns
 * 0 with *out set, or -1 with *out and *seqAuto untouched. */
int streamIdParse(const char *s, size_t len, uint64_t missingSeq, int strict,
                  streamId *out, int *seqAuto);

/* An interval bound of XRANGE, XREVRANGE, XPENDING and XAUTOCLAIM: when
 * exclusive != NULL and s is longer than one byte and starts with '(', the
 * bound is exclusive (*exclusive = 1) and the rest is parsed strictly, so
 * "(-" and "(+" are refused; otherwise s is parsed as by streamIdParse
 * (strict = 0, no "ms-*") and *exclusive = 0 -- "(" alone is refused.
 * Returns 0, or -1 with the outputs untouched.  Turning an exclusive bound
 * into an inclusive one (streamIdIncr / streamIdDecr, and Redis's "invalid
 * start/end ID for the interval" when that overflows) is the caller's. */
int streamIdParseBound(const char *s, size_t len, uint64_t missingSeq,
                       streamId *out, int *exclusive);

#endif
