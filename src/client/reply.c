/* client/reply.c -- appending RESP replies to a client's output.  See reply.h.
 *
 * Where bytes go: into c->buf while no reply block exists and it has room;
 * otherwise into the last reply block, and into new CLIENT_REPLY_BLOCK_SIZE
 * blocks as needed.  Once the reply list is non-empty nothing more goes into
 * c->buf, so the order of bytes is buf, then the blocks in list order. */
#include "client/reply.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/numfmt.h"
#include "resp/resp_encode.h"
#include "server/server.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Whether anything should be queued for c at all: CLIENT REPLY OFF/SKIP
 * silence it, and a client that is being closed gets nothing more.  Queues
 * the client for writing on its first reply. */
static int replyPrepare(client *c) {
    if ((c->flags & (CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP)) && !(c->flags & CLIENT_PUSHING))
        return 0;
    if (c->flags & CLIENT_CLOSE_ASAP) return 0;
    if (c->fd < 0) return (c->flags & CLIENT_SCRIPT) != 0;
    if (!(c->flags & CLIENT_PENDING_WRITE)) {
        c->flags |= CLIENT_PENDING_WRITE;
        listAddNodeHead(server.clientsPendingWrite, c);
        c->pendingWriteNode = listFirst(server.clientsPendingWrite);
    }
    return 1;
}

static size_t appendToBuf(client *c, const char *s, size_t len) {
    if (listLength(c->reply) > 0) return 0;
    size_t avail = sizeof(c->buf) - c->bufpos;
    size_t n = len < avail ? len : avail;
    memcpy(c->buf + c->bufpos, s, n);
    c->bufpos += n;
    if (c->bufpos > c->bufPeak) c->bufPeak = c->bufpos;
    return n;
}

static void appendToList(client *c, const char *s, size_t len) {
    listNode *ln = listLast(c->reply);
    replyBlock *tail = ln ? listNodeValue(ln) : NULL;
    if (tail && tail->size > tail->used) {
        size_t avail = tail->size - tail->used;
        size_t n = len < avail ? len : avail;
        memcpy(tail->buf + tail->used, s, n);
        tail->used += n;
        s += n;
        len -= n;
    }
    if (len) {
        size_t size = len < CLIENT_REPLY_BLOCK_SIZE ? CLIENT_REPLY_BLOCK_SIZE : len;
        replyBlock *b = xmalloc(sizeof(*b) + size);
        b->size = size;
        b->used = len;
        memcpy(b->buf, s, len);
        listAddNodeTail(c->reply, b);
        c->replyBytes += size;
        clientUpdateMemUsage(c);
    }
}

/* Takes the last n bytes off the end of the list (at most what it
 * holds), prepending them to *out.  Returns how many were taken. */
static size_t takeFromList(client *c, size_t n, bstr *out) {
    size_t taken = 0;
    while (taken < n && listLength(c->reply)) {
        listNode *ln = listLast(c->reply);
        replyBlock *b = listNodeValue(ln);
        size_t k = n - taken < b->used ? n - taken : b->used;
        bstr part = bstrNewLen(b->buf + b->used - k, k);
        part = bstrCatLen(part, *out, bstrLen(*out));
        bstrFree(*out);
        *out = part;
        b->used -= k;
        taken += k;
        if (b->used == 0) {
            c->replyBytes -= b->size;
            listDelNode(c->reply, ln);
        }
    }
    return taken;
}

bstr replyTakeTail(client *c, size_t n) {
    bstr out = bstrEmpty();
    size_t taken = takeFromList(c, n, &out);
    size_t k = n - taken;
    if (k > c->bufpos - c->sentlen) k = c->bufpos - c->sentlen;
    if (k) {
        bstr part = bstrNewLen(c->buf + c->bufpos - k, k);
        part = bstrCatLen(part, out, bstrLen(out));
        bstrFree(out);
        out = part;
        c->bufpos -= k;
    }
    c->replyTotal -= bstrLen(out);
    return out;
}

void replyRaw(client *c, const char *s, size_t len) {
    if (!replyPrepare(c)) return;
    c->replyTotal += len;
    size_t n = appendToBuf(c, s, len);
    if (n < len) appendToList(c, s + n, len - n);
    if (listLength(c->reply)) clientCheckOutputBufferLimits(c);
}

void replyStatusLen(client *c, const char *status, size_t len) {
    char hdr[1] = {'+'};
    if (!replyPrepare(c)) return;
    replyRaw(c, hdr, 1);
    replyRaw(c, status, len);
    replyRaw(c, "\r\n", 2);
}

void replyStatus(client *c, const char *status) {
    replyStatusLen(c, status, strlen(status));
}

void replyOk(client *c) { replyRaw(c, "+OK\r\n", 5); }

/* Counts an error reply by its code (the first word) for INFO errorstats.
 * `err` starts after the '-'. */
static void countErrorReply(const char *err, size_t len) {
    const char *sp = memchr(err, ' ', len);
    size_t codelen = sp ? (size_t)(sp - err) : len;
    if (codelen > 128) codelen = 128;
    server.statTotalErrorReplies++;
    bstr code = bstrNewLen(err, codelen);
    dictEntry *de = dictFind(server.errorStats, code);
    if (de) {
        dictSetVal(server.errorStats, de,
                   (void *)((uintptr_t)dictGetVal(de) + 1));
        bstrFree(code);
    } else if (dictSize(server.errorStats) < 128) {
        dictAdd(server.errorStats, code, (void *)(uintptr_t)1);
    } else {
        bstrFree(code);
    }
}

/* The one error path.  Newlines inside the message would break the
 * protocol, so they are turned into spaces, as Redis does. */
static void appendError(client *c, const char *err, size_t len, int counted) {
    bstr msg;
    if (len && err[0] == '-') msg = bstrNewLen(err + 1, len - 1);
    else {
        msg = bstrNewLen("ERR ", 4);
        msg = bstrCatLen(msg, err, len);
    }
    bstrMapChars(msg, "\r\n", "  ", 2);
    if (counted) countErrorReply(msg, bstrLen(msg));
    replyRaw(c, "-", 1);
    replyRaw(c, msg, bstrLen(msg));
    replyRaw(c, "\r\n", 2);
    bstrFree(msg);
}

void replyErrorLen(client *c, const char *err, size_t len) { appendError(c, err, len, 1); }

void replyErrorNoStats(client *c, const char *err, size_t len) { appendError(c, err, len, 0); }

void replyError(client *c, const char *err) { replyErrorLen(c, err, strlen(err)); }

void replyErrorFormat(client *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    bstr s = bstrCatVprintf(bstrEmpty(), fmt, ap);
    va_end(ap);
    replyErrorLen(c, s, bstrLen(s));
    bstrFree(s);
}

void replyErrorSyntax(client *c) { replyError(c, "syntax error"); }

void replyErrorNotInteger(client *c) {
    replyError(c, "value is not an integer or out of range");
}

/* Redis's answer to an unknown subcommand of a known container. */
void replyErrorSubcommand(client *c) {
    bstr cmd = bstrNew(c->argv[0]);
    bstrToUpper(cmd);
    replyErrorFormat(c, "unknown subcommand or wrong number of arguments for '%.128s'. Try %s HELP.",
                     c->argc > 1 ? c->argv[1] : "", cmd);
    bstrFree(cmd);
}

static void replyHeader(client *c, char prefix, long long n) {
    char hdr[RESP_HEADER_MAX];
    replyRaw(c, hdr, respEncodeHeader(hdr, prefix, n));
}

void replyLongLong(client *c, long long v) {
    if (v == 0) replyRaw(c, ":0\r\n", 4);
    else if (v == 1) replyRaw(c, ":1\r\n", 4);
    else replyHeader(c, RESP_INTEGER, v);
}

/* Bulks up to this size are laid out whole on the stack and appended in
 * one call: the replies of LRANGE, HGETALL and MGET are mostly such. */
#define REPLY_BULK_JOIN_MAX 256

void replyBulk(client *c, const void *p, size_t len) {
    if (!replyPrepare(c)) return;
    if (len <= REPLY_BULK_JOIN_MAX) {
        char whole[RESP_HEADER_MAX + REPLY_BULK_JOIN_MAX + 2];
        size_t n = respEncodeHeader(whole, RESP_BULK, (long long)len);
        memcpy(whole + n, p, len);
        memcpy(whole + n + len, "\r\n", 2);
        replyRaw(c, whole, n + len + 2);
        return;
    }
    replyHeader(c, RESP_BULK, (long long)len);
    replyRaw(c, p, len);
    replyRaw(c, "\r\n", 2);
}

void replyBulkCString(client *c, const char *s) {
    if (!s) replyNull(c);
    else replyBulk(c, s, strlen(s));
}

void replyBulkBstr(client *c, const bstr s) { replyBulk(c, s, bstrLen(s)); }

void replyBulkLongLong(client *c, long long v) {
    char buf[32];
    int n = numFormatLongLong(buf, sizeof(buf), v);
    replyBulk(c, buf, (size_t)n);
}

void replyNull(client *c) {
    char buf[8];
    replyRaw(c, buf, respEncodeNull(buf, c->resp));
}

void replyNullArray(client *c) {
    char buf[8];
    replyRaw(c, buf, respEncodeNullArray(buf, c->resp));
}

void replyArrayLen(client *c, long long n) { replyHeader(c, RESP_ARRAY, n); }

static void replyAggregateLen(client *c, char prefix, long long n) {
    char hdr[RESP_HEADER_MAX];
    replyRaw(c, hdr, respEncodeAggregateHeader(hdr, prefix, n, c->resp));
}

void replyMapLen(client *c, long long n) { replyAggregateLen(c, RESP3_MAP, n); }
void replySetLen(client *c, long long n) { replyAggregateLen(c, RESP3_SET, n); }
void replyPushLen(client *c, long long n) { replyAggregateLen(c, RESP3_PUSH, n); }

void replyEmptyArray(client *c) { replyRaw(c, "*0\r\n", 4); }

void replyBool(client *c, int b) {
    if (c->resp < 3) replyRaw(c, b ? ":1\r\n" : ":0\r\n", 4);
    else replyRaw(c, b ? "#t\r\n" : "#f\r\n", 4);
}

void replyBigNumber(client *c, const char *s, size_t len) {
    if (c->resp < 3) {
        replyBulk(c, s, len);
        return;
    }
    replyRaw(c, "(", 1);
    replyRaw(c, s, len);
    replyRaw(c, "\r\n", 2);
}

void replyDouble(client *c, double d) {
    char buf[RESP_DOUBLE_MAX];
    replyRaw(c, buf, respEncodeDouble(buf, d, c->resp));
}

/* RESP3 verbatim string ("=<len>\r\n<ext>:<text>\r\n", ext is 3 chars such
 * as "txt"); RESP2 clients get a plain bulk string. */
void replyVerbatim(client *c, const char *s, size_t len, const char *ext) {
    if (c->resp < 3) {
        replyBulk(c, s, len);
        return;
    }
    replyHeader(c, RESP3_VERBATIM, (long long)len + 4);
    replyRaw(c, ext, 3);
    replyRaw(c, ":", 1);
    replyRaw(c, s, len);
    replyRaw(c, "\r\n", 2);
}

/* A deferred length is a reply block of size 0 placed in the list; later
 * data goes into fresh blocks after it.  Setting the length fills the
 * placeholder with the header. */
void *replyDeferredLen(client *c) {
    if (!replyPrepare(c)) return NULL;
    replyBlock *b = xmalloc(sizeof(*b));
    b->size = 0;
    b->used = 0;
    listAddNodeTail(c->reply, b);
    return listLast(c->reply);
}

static void replySetDeferred(client *c, void *handle, char prefix, long long n) {
    if (!handle) return;
    listNode *ln = handle;
    char hdr[RESP_HEADER_MAX];
    size_t len = respEncodeAggregateHeader(hdr, prefix, n, c->resp);
    replyBlock *b = xrealloc(listNodeValue(ln), sizeof(replyBlock) + len);
    memcpy(b->buf, hdr, len);
    b->size = len;
    b->used = len;
    ln->value = b;
    c->replyTotal += len;
    c->replyBytes += len;
    /* Later data must not be appended into the placeholder: it is full. */
    clientCheckOutputBufferLimits(c);
}

void replySetDeferredArrayLen(client *c, void *handle, long long n) {
    replySetDeferred(c, handle, RESP_ARRAY, n);
}

void replySetDeferredMapLen(client *c, void *handle, long long n) {
    replySetDeferred(c, handle, RESP3_MAP, n);
}
