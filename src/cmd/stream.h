/* cmd/stream.h -- what the stream command files share (cmd/stream.c,
 * stream_read.c, stream_group.c, stream_info.c; their common part is
 * stream_common.c): argument parsing with Redis 7.0's errors, an entry's
 * value, the writes of a stream's elements, replies of entries, and the
 * consumer-group counters (entries read, lag) as 7.0 computes them.
 *
 * A stream is a collection of element records (store/coll_stream.h has
 * the names and values); every command that changes one is a batch. */
#ifndef REDIS_KV_CMD_STREAM_H
#define REDIS_KV_CMD_STREAM_H

#include <stdint.h>

#include "client/client.h"
#include "lib/bstr.h"
#include "lib/streamid.h"
#include "store/coll_stream.h"

#define STREAM_ERR_ID "Invalid stream ID specified as stream command argument"
/* The entries-read value of a group whose count is not known (Redis's
 * SCG_INVALID_ENTRIES_READ). */
#define STREAM_ENTRIES_READ_UNKNOWN (-1)

/* ---- Looking a stream up ----------------------------------------------------- */

/* The stream at argv[i]: NULL when missing (nothing replied) or of
 * another type (WRONGTYPE replied, *failed = 1). */
const collection *streamAt(client *c, int i, int *failed);

/* ---- IDs ------------------------------------------------------------------------ */

/* argv[i] as an ID (streamIdParse): 1, or 0 after replying STREAM_ERR_ID. */
int streamIdArgOrReply(client *c, int i, uint64_t missingSeq, int strict, streamId *id,
                       int *seqAuto);
/* An interval bound (XRANGE, XPENDING, XAUTOCLAIM): an exclusive "(" one
 * made inclusive, start upward and end downward; 0 after replying. */
int streamBoundOrReply(client *c, int i, int isEnd, streamId *id);
void streamReplyId(client *c, const streamId *id);

/* ---- Entry values ------------------------------------------------------------ *
 *
 * An entry's record value: its field/value strings one after another,
 * each as a varint length (7 bits a byte, low first, high bit = more
 * follows) and its bytes, the number of strings first (a varint). */

/* n strings as an entry value (xfree it); *len its length. */
char *streamEncodeStrings(const char *const *strs, const size_t *lens, int n, size_t *len);
/* argv[first..argc) as an entry value. */
char *streamEncodeFields(client *c, int first, size_t *len);
/* The strings of an entry value in order (each into *s, *slen): 1, or 0
 * at the end or on a value that does not parse. */
typedef struct streamFieldIter {
    const unsigned char *p, *end;
    uint64_t left;
} streamFieldIter;
int streamFieldIterInit(streamFieldIter *it, const char *v, size_t len);
int streamFieldNext(streamFieldIter *it, const char **s, size_t *slen);

/* ---- Replies ------------------------------------------------------------------- */

/* [id, [field, value ...]] of the entry at loc (an error element in its
 * place if its value cannot be read). */
void streamReplyEntry(client *c, size_t klen, const streamId *id, const collLoc *loc);
/* The entries of s in [start, end] (reverse: from end down), at most
 * count (0: all), as an array; returns how many. */
long long streamReplyRange(client *c, const collection *s, size_t klen, const streamId *start,
                           const streamId *end, long long count, int reverse);

/* ---- Writes (each one element record; the caller batches) ----------------------- */

int streamWriteMeta(int db, const bstr key, const collStreamMeta *m);
int streamWriteEntry(int db, const bstr key, const streamId *id, uint64_t added, const char *val,
                     size_t vlen);
int streamWriteGroup(int db, const bstr key, const char *group, size_t glen,
                     const streamId *lastId, int64_t entriesRead);
int streamWriteConsumer(int db, const bstr key, const char *group, size_t glen, const char *name,
                        size_t nlen, int64_t seenTime);
int streamWritePending(int db, const bstr key, const char *group, size_t glen, const streamId *id,
                       int64_t deliveryTime, uint64_t deliveryCount, const char *consumer,
                       size_t clen);
/* Deletes element name (built by coll_stream.h's makers). */
int streamDeleteElement(int db, const bstr key, const char *name, size_t nlen);
int streamDeletePending(int db, const bstr key, const char *group, size_t glen,
                        const streamId *id);

/* ---- Trimming (XADD's and XTRIM's options) ------------------------------------------ */

typedef struct streamTrimArgs {
    int strategy;           /* STREAM_TRIM_NONE, _MAXLEN, _MINID */
    int approx;             /* "~" */
    long long maxlen;
    streamId minid;
    long long limit;        /* 0: none */
} streamTrimArgs;

#define STREAM_TRIM_NONE 0
#define STREAM_TRIM_MAXLEN 1
#define STREAM_TRIM_MINID 2

/* XADD's and XTRIM's arguments from argv[2], as Redis 7.0's
 * streamParseAddOrTrimArgsOrReply reads them.  For XADD (xadd = 1) also
 * NOMKSTREAM and the ID: *idArg is the argv index of the ID ("*" or an
 * explicit one), whose fields follow.  Returns 0 after replying. */
int streamTrimArgsOrReply(client *c, int xadd, streamTrimArgs *t, int *noMkStream, int *idArg);

/* Trims the stream at argv[1] as t says (a trim record and the counters'
 * 'm' record, inside the caller's batch): how many entries went, or -1
 * after a write error (*rc). */
long long streamTrim(client *c, const collection *s, const streamTrimArgs *t, int *rc);

/* ---- Consumer-group counters (Redis 7.0's, t_stream.c) --------------------------------- */

/* Whether [start, end] (NULL: open) may hold a deleted entry. */
int streamRangeHasTombstones(const collection *s, const streamId *start, const streamId *end);
/* The entries-added count at id, if known (else STREAM_ENTRIES_READ_UNKNOWN). */
long long streamEstimateDistance(const collection *s, const streamId *id);
/* The first entry's ID, or 0-0 for an empty stream (Redis's first_id). */
streamId streamFirstId(const collection *s);

#endif
