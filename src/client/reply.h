/* client/reply.h -- the API command handlers use to answer.  Each call appends
 * one RESP element (or the header of an aggregate) to the client's output, in
 * the client's protocol (RESP2 or RESP3).  Nothing is written to the socket
 * here: the client is queued and flushed before the reactor sleeps.
 *
 * Errors: replyError(c, "msg") sends "-ERR msg"; a message that starts with
 * '-' carries its own code ("-WRONGTYPE ...").  This is the one error path:
 * it also counts the error for INFO errorstats. */
#ifndef REDIS_KV_REPLY_H
#define REDIS_KV_REPLY_H

#include <stddef.h>
#include "client/client.h"

void replyRaw(client *c, const char *s, size_t len);
void replyStatus(client *c, const char *status);
void replyStatusLen(client *c, const char *status, size_t len);
void replyOk(client *c);
void replyError(client *c, const char *err);
void replyErrorLen(client *c, const char *err, size_t len);
/* An error already counted in INFO errorstats, repeated (a script's error
 * that is the error of a command it ran). */
void replyErrorNoStats(client *c, const char *err, size_t len);
void replyErrorFormat(client *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void replyErrorSyntax(client *c);
void replyErrorNotInteger(client *c);
void replyErrorSubcommand(client *c);
void replyLongLong(client *c, long long v);
void replyBulk(client *c, const void *p, size_t len);
void replyBulkCString(client *c, const char *s);
void replyBulkBstr(client *c, const bstr s);
void replyBulkLongLong(client *c, long long v);
void replyNull(client *c);
void replyNullArray(client *c);
void replyArrayLen(client *c, long long n);
void replyMapLen(client *c, long long n);
void replySetLen(client *c, long long n);
void replyPushLen(client *c, long long n);
void replyEmptyArray(client *c);
void replyDouble(client *c, double d);
void replyBool(client *c, int b);                          /* RESP2: :1 / :0 */
void replyBigNumber(client *c, const char *s, size_t len); /* RESP2: a bulk string */
void replyVerbatim(client *c, const char *s, size_t len, const char *ext);

/* Deferred aggregate lengths: for replies whose element count is known
 * only at the end.  replyDeferredLen() reserves the place; exactly one
 * replySetDeferred*() must follow, before the client's next command. */
void *replyDeferredLen(client *c);
void replySetDeferredArrayLen(client *c, void *handle, long long n);
void replySetDeferredMapLen(client *c, void *handle, long long n);

/* Takes back the last n bytes appended to c's output (c->replyTotal
 * counts them all) and returns them, for the replies of an iteration
 * whose log write failed (command/write_outcome.c).  Only bytes not yet
 * sent can be taken: output appended in an iteration leaves in its
 * beforeSleep, after the log write (client.c), so all of it is there. */
bstr replyTakeTail(client *c, size_t n);

#endif
