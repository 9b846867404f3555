/* resp/resp_encode.h -- building blocks of RESP2/RESP3 replies.  Pure: each
 * function writes protocol bytes into a caller-provided buffer and returns how
 * many it wrote.  The client layer decides where the bytes go. */
#ifndef REDIS_KV_RESP_ENCODE_H
#define REDIS_KV_RESP_ENCODE_H

#include <stddef.h>

/* Enough for any header: prefix, 20 digits and sign, CRLF. */
#define RESP_HEADER_MAX 32
/* Enough for a double in any encoding: ",<%.17g>\r\n" or a RESP2 bulk. */
#define RESP_DOUBLE_MAX 64

/* Type prefixes. */
#define RESP_STATUS '+'
#define RESP_ERROR '-'
#define RESP_INTEGER ':'
#define RESP_BULK '$'
#define RESP_ARRAY '*'
#define RESP3_MAP '%'
#define RESP3_SET '~'
#define RESP3_PUSH '>'
#define RESP3_ATTR '|'
#define RESP3_DOUBLE ','
#define RESP3_BOOL '#'
#define RESP3_VERBATIM '='
#define RESP3_BIGNUM '('
#define RESP3_NULL '_'

size_t respEncodeHeader(char *dst, char prefix, long long n);
size_t respEncodeDouble(char *dst, double d, int resp);
size_t respEncodeNull(char *dst, int resp);
size_t respEncodeNullArray(char *dst, int resp);
size_t respEncodeBool(char *dst, int b, int resp);
size_t respEncodeAggregateHeader(char *dst, char resp3prefix, long long n,
                                 int resp);

#endif
