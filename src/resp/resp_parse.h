/* resp/resp_parse.h -- incremental parser for client requests (RESP multibulk
 * and inline commands).  Pure: it reads bytes from a buffer the caller owns
 * and does no I/O.
 *
 * Use: keep one respParser per connection.  Each call consumes what it can
 * from buf[*pos..len) and advances *pos.  It returns RESP_PARSE_OK when a
 * whole request is in p->argv[0..p->argc) (the caller runs it, then calls
 * respParserResetArgs), RESP_PARSE_NEED_MORE when the buffer ends mid
 * request (state is kept: call again with more bytes, from any split), or
 * RESP_PARSE_ERROR with *err set to Redis's protocol error text (the
 * connection must then be closed).  Empty requests (blank inline lines,
 * "*0", "*-1") are skipped silently. */
#ifndef REDIS_KV_RESP_PARSE_H
#define REDIS_KV_RESP_PARSE_H

#include <stddef.h>
#include "lib/bstr.h"

#define RESP_PARSE_OK 0
#define RESP_PARSE_NEED_MORE 1
#define RESP_PARSE_ERROR 2

#define RESP_REQ_NONE 0
#define RESP_REQ_INLINE 1
#define RESP_REQ_MULTIBULK 2

#define RESP_INLINE_MAX_SIZE (1024 * 64)
/* Bulk arguments at least this big are read into a buffer of their exact
 * size, so the connection can read straight into it. */
#define RESP_BIG_ARG (1024 * 32)

typedef struct respLimits {
    long long maxBulkLen;  /* proto-max-bulk-len */
    int unauthenticated;   /* tighter limits before AUTH, as in Redis */
} respLimits;

typedef struct respParser {
    int reqtype;
    long long multibulkLeft; /* bulk arguments still to read */
    long long bulkLen;       /* length of the bulk being read, -1 before $ */
    int argc;
    int argvCap;
    bstr *argv;
    size_t argvBytes;        /* bytes held by argv, for CLIENT LIST argv-mem */
} respParser;

void respParserInit(respParser *p);
void respParserResetArgs(respParser *p);
void respParserFree(respParser *p);
int respParseRequest(respParser *p, const char *buf, size_t len, size_t *pos,
                     const respLimits *lim, const char **err);

#endif
