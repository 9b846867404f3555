/* resp/resp_parse.c -- incremental request parser.  See resp_parse.h.
 *
 * Invariants between calls:
 *   - reqtype == RESP_REQ_NONE means no request has started;
 *   - for multibulk, argc arguments are complete, multibulkLeft remain, and
 *     bulkLen is -1 until the "$<len>\r\n" header of the next one is read;
 *   - nothing of a partial line or partial bulk is consumed: *pos stays at
 *     its start so the caller keeps those bytes and appends more. */
#include "resp/resp_parse.h"
#include "lib/alloc.h"
#include "lib/numfmt.h"

#include <limits.h>
#include <string.h>

void respParserInit(respParser *p) {
    memset(p, 0, sizeof(*p));
    p->bulkLen = -1;
}

/* The argument array a parser keeps between requests: 1024 slots (8 KB)
 * cover every usual command; a bigger one (an SADD of 100,000 members
 * takes 800 KB) is freed with its request, so that one big command does
 * not leave its array allocated for the connection's life (memory that
 * used_memory and maxmemory would count). */
#define RESP_ARGV_KEEP 1024

/* Frees the arguments of the last request (skipping any the caller stole by
 * setting them to NULL) and readies the parser for the next one. */
void respParserResetArgs(respParser *p) {
    for (int i = 0; i < p->argc; i++) bstrFree(p->argv[i]);
    if (p->argvCap > RESP_ARGV_KEEP) {
        xfree(p->argv);
        p->argv = NULL;
        p->argvCap = 0;
    }
    p->argc = 0;
    p->argvBytes = 0;
    p->reqtype = RESP_REQ_NONE;
    p->multibulkLeft = 0;
    p->bulkLen = -1;
}

void respParserFree(respParser *p) {
    respParserResetArgs(p);
    xfree(p->argv);
    p->argv = NULL;
    p->argvCap = 0;
}

static void reserveArgs(respParser *p, long long n) {
    if (n <= p->argvCap) return;
    p->argv = xrealloc(p->argv, sizeof(bstr) * (size_t)n);
    p->argvCap = (int)n;
}

static void pushArg(respParser *p, bstr arg) {
    if (p->argc == p->argvCap) reserveArgs(p, p->argvCap ? p->argvCap * 2 : 8);
    p->argv[p->argc++] = arg;
    p->argvBytes += bstrLen(arg);
}

static int parseInline(respParser *p, const char *buf, size_t len, size_t *pos,
                       const char **err) {
    const char *start = buf + *pos;
    size_t avail = len - *pos;
    const char *nl = memchr(start, '\n', avail);
    if (!nl) {
        if (avail > RESP_INLINE_MAX_SIZE) {
            *err = "Protocol error: too big inline request";
            return RESP_PARSE_ERROR;
        }
        return RESP_PARSE_NEED_MORE;
    }
    size_t linelen = (size_t)(nl - start);
    if (linelen && start[linelen - 1] == '\r') linelen--;
    bstr line = bstrNewLen(start, linelen);
    int argc;
    bstr *argv = bstrSplitArgs(line, &argc);
    bstrFree(line);
    if (!argv) {
        *err = "Protocol error: unbalanced quotes in request";
        return RESP_PARSE_ERROR;
    }
    *pos += (size_t)(nl - start) + 1;
    reserveArgs(p, argc);
    for (int i = 0; i < argc; i++) pushArg(p, argv[i]);
    xfree(argv);
    p->reqtype = RESP_REQ_NONE;
    return argc ? RESP_PARSE_OK : RESP_PARSE_NEED_MORE;
}

#define LINE_NEED_MORE 0
#define LINE_OK 1
#define LINE_TOO_LONG (-1)
#define LINE_BAD_NUMBER (-2)
#define LINE_BAD_PREFIX (-3)

/* Reads a "<prefix><number>\r\n" header line at buf[*pos].  As in Redis,
 * the whole line must be there before its first byte is judged.  Returns
 * LINE_OK with *value set and *pos past the line, LINE_NEED_MORE, or an
 * error: LINE_TOO_LONG (no CR within the inline limit), LINE_BAD_PREFIX,
 * LINE_BAD_NUMBER. */
static int readLengthLine(const char *buf, size_t len, size_t *pos, char prefix,
                          long long *value) {
    const char *start = buf + *pos;
    size_t avail = len - *pos;
    const char *cr = memchr(start, '\r', avail);
    if (!cr) return avail > RESP_INLINE_MAX_SIZE ? LINE_TOO_LONG : LINE_NEED_MORE;
    if ((size_t)(cr - start) + 1 >= avail) return LINE_NEED_MORE; /* need the '\n' too */
    if (start[0] != prefix) return LINE_BAD_PREFIX;
    if (!numParseLongLong(start + 1, (size_t)(cr - start) - 1, value)) return LINE_BAD_NUMBER;
    *pos += (size_t)(cr - start) + 2;
    return LINE_OK;
}

static int parseMultibulkHeader(respParser *p, const char *buf, size_t len,
                                size_t *pos, const respLimits *lim,
                                const char **err) {
    long long n;
    int rc = readLengthLine(buf, len, pos, '*', &n);
    if (rc == LINE_NEED_MORE) return RESP_PARSE_NEED_MORE;
    if (rc == LINE_TOO_LONG) {
        *err = "Protocol error: too big mbulk count string";
        return RESP_PARSE_ERROR;
    }
    if (rc != LINE_OK || n > INT_MAX) {
        *err = "Protocol error: invalid multibulk length";
        return RESP_PARSE_ERROR;
    }
    if (n > 10 && lim->unauthenticated) {
        *err = "Protocol error: unauthenticated multibulk length";
        return RESP_PARSE_ERROR;
    }
    if (n <= 0) {
        p->reqtype = RESP_REQ_NONE; /* "*0" and "*-1" are no-ops */
        return RESP_PARSE_NEED_MORE;
    }
    /* Preallocate modestly: the count is only a promise. */
    reserveArgs(p, n < 1024 ? n : 1024);
    p->multibulkLeft = n;
    p->bulkLen = -1;
    return RESP_PARSE_OK;
}

static int parseBulkHeader(respParser *p, const char *buf, size_t len,
                           size_t *pos, const respLimits *lim, const char **err) {
    long long n;
    int rc = readLengthLine(buf, len, pos, '$', &n);
    if (rc == LINE_NEED_MORE) return RESP_PARSE_NEED_MORE;
    if (rc == LINE_TOO_LONG) {
        *err = "Protocol error: too big bulk count string";
        return RESP_PARSE_ERROR;
    }
    if (rc == LINE_BAD_PREFIX) {
        static char msg[64];
        memcpy(msg, "Protocol error: expected '$', got ' '", 38);
        msg[35] = buf[*pos];
        *err = msg;
        return RESP_PARSE_ERROR;
    }
    if (rc != LINE_OK || n < 0 || n > lim->maxBulkLen) {
        *err = "Protocol error: invalid bulk length";
        return RESP_PARSE_ERROR;
    }
    if (n > 16384 && lim->unauthenticated) {
        *err = "Protocol error: unauthenticated bulk length";
        return RESP_PARSE_ERROR;
    }
    p->bulkLen = n;
    return RESP_PARSE_OK;
}

static int parseMultibulk(respParser *p, const char *buf, size_t len,
                          size_t *pos, const respLimits *lim, const char **err) {
    if (p->multibulkLeft == 0) {
        int rc = parseMultibulkHeader(p, buf, len, pos, lim, err);
        if (rc != RESP_PARSE_OK) return rc;
    }
    while (p->multibulkLeft) {
        if (*pos >= len) return RESP_PARSE_NEED_MORE;
        if (p->bulkLen == -1) {
            int rc = parseBulkHeader(p, buf, len, pos, lim, err);
            if (rc != RESP_PARSE_OK) return rc;
        }
        if (len - *pos < (size_t)p->bulkLen + 2) return RESP_PARSE_NEED_MORE;
        pushArg(p, bstrNewLen(buf + *pos, (size_t)p->bulkLen));
        *pos += (size_t)p->bulkLen + 2;
        p->bulkLen = -1;
        p->multibulkLeft--;
    }
    p->reqtype = RESP_REQ_NONE;
    return RESP_PARSE_OK;
}

int respParseRequest(respParser *p, const char *buf, size_t len, size_t *pos,
                     const respLimits *lim, const char **err) {
    while (*pos < len) {
        if (p->reqtype == RESP_REQ_NONE)
            p->reqtype = buf[*pos] == '*' ? RESP_REQ_MULTIBULK : RESP_REQ_INLINE;
        int rc = p->reqtype == RESP_REQ_INLINE
                     ? parseInline(p, buf, len, pos, err)
                     : parseMultibulk(p, buf, len, pos, lim, err);
        if (rc == RESP_PARSE_OK || rc == RESP_PARSE_ERROR) return rc;
        /* NEED_MORE after a no-op request: keep going if bytes remain. */
        if (p->reqtype != RESP_REQ_NONE) return RESP_PARSE_NEED_MORE;
    }
    return RESP_PARSE_NEED_MORE;
}
