/* lib/rdb_stream.h -- a stream's DUMP payload: Redis 7.0's
 * RDB_TYPE_STREAM_LISTPACKS_2 written and read, and 6.x's
 * RDB_TYPE_STREAM_LISTPACKS read.  Pure code: plain structs in and out
 * (cmd/dump.c fills them from the index and turns them into element
 * writes); the framing (type byte, footer, lengths, strings) is
 * lib/rdb_encoding.h's.
 *
 * The value (learnt from DUMP of redis-server 7.0.15; "len" is an RDB
 * length, "str" an RDB string, "id" two lens, ms then seq):
 *   len    number of nodes, then per node:
 *     str  the node key: its master ID, 16 bytes (ms, seq big-endian)
 *     str  a listpack (lib/listpack.h), below
 *   len    length (live entries)
 *   id     last ID
 *   id     first ID (the first live entry's, 0-0 when none)      (v2)
 *   id     max deleted entry ID                                  (v2)
 *   len    entries added                                         (v2)
 *   len    number of groups, then per group (names in byte order):
 *     str  name
 *     id   last delivered ID
 *     len  entries read, -1 (as 2^64 - 1) when unknown           (v2)
 *     len  number of pending entries, then per entry (ID order):
 *          16 bytes ID (big-endian), delivery time (8 bytes, ms,
 *          little-endian), len delivery count
 *     len  number of consumers, then per consumer (name order):
 *          str name, seen time (8 bytes, ms, little-endian),
 *          len number of its pending entries, each a 16-byte ID
 *          (ID order; each one of the group's pending entries)
 *
 * A node's listpack holds integers and strings:
 *   master entry   count (live entries), deleted (flagged entries),
 *                  n fields, the n field names, 0
 *   entries        flags (1 deleted, 2 same fields as the master),
 *                  ms - master ms, seq - master seq (each as a signed
 *                  64-bit integer: the difference wraps),
 *                  if not "same fields": n, then n (field, value) pairs;
 *                  else the master's n values;
 *                  lp-count: the entry's element count before it but
 *                  the flags and the two deltas' (n + 3, or 2n + 4)
 *
 * The writer cuts nodes as Redis 7.0's XADD does: a new node when the
 * open one's listpack bytes plus the new entry's field and value bytes
 * reach maxBytes (0 or above 1 GB: 1 GB), or it has maxEntries entries
 * (0: no limit); a node's master fields are its first entry's.  So a
 * stream built by XADDs alone (nothing deleted inside a node) dumps to
 * the bytes redis-server dumps.
 *
 * The reader refuses, besides damaged framing and listpacks: a node key
 * that is not 16 bytes, an empty listpack, a master entry or lp-count
 * that does not match, an entry with no field, a repeated group or
 * consumer name or pending ID, a consumer's pending ID that is not its
 * group's or is another consumer's, a pending entry with no consumer
 * (all as redis-server 7.0 does with sanitize-dump-payload yes); and,
 * where Redis loads a stream its commands then get wrong: entry IDs not
 * strictly ascending (across nodes too) or above the last ID, a length
 * that is not the live entries' count.  Pending entries may come in any
 * order, as Redis allows.  A 6.x payload has no first / max deleted ID, entries added
 * or entries read: they become 0-0, the length, and Redis 7.0's
 * estimate of a group's count. */
#ifndef REDIS_KV_RDB_STREAM_H
#define REDIS_KV_RDB_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bstr.h"
#include "lib/rdb_encoding.h"
#include "lib/streamid.h"

#define RDB_TYPE_STREAM_LISTPACKS 15
#define RDB_TYPE_STREAM_LISTPACKS_2 19

/* A group's entries read when not known (Redis's SCG_INVALID_ENTRIES_READ). */
#define RDB_STREAM_READ_UNKNOWN (-1)

typedef struct rdbStreamEntry {
    streamId id;
    bstr *items;   /* field, value, field, value ... */
    size_t nitems; /* even, at least 2 */
} rdbStreamEntry;

typedef struct rdbStreamConsumer {
    bstr name;
    int64_t seenTime;
} rdbStreamConsumer;

typedef struct rdbStreamPending {
    streamId id;
    int64_t deliveryTime;
    uint64_t deliveryCount;
    size_t consumer; /* index into the group's consumers */
} rdbStreamPending;

typedef struct rdbStreamGroup {
    bstr name;
    streamId lastId;
    int64_t entriesRead;            /* RDB_STREAM_READ_UNKNOWN when unknown */
    rdbStreamConsumer *consumers;   /* in name order (bytewise) */
    size_t nconsumers;
    rdbStreamPending *pending;      /* in ID order */
    size_t npending;
} rdbStreamGroup;

typedef struct rdbStream {
    rdbStreamEntry *entries; /* live entries in ID order */
    size_t nentries;
    streamId lastId, maxDeleted;
    uint64_t entriesAdded;
    rdbStreamGroup *groups;  /* in name order (bytewise) */
    size_t ngroups;
} rdbStream;

/* The payload of s, footer included, as RDB_TYPE_STREAM_LISTPACKS_2 with
 * nodes cut by maxEntries / maxBytes (stream-node-max-entries / -bytes).
 * compress: rdbcompression. */
bstr rdbPayloadStream(const rdbStream *s, uint64_t maxEntries, uint64_t maxBytes, int compress);

/* Reads the value of a payload of type RDB_TYPE_STREAM_LISTPACKS(_2)
 * into *s (zeroed first): 1, or 0 (refused, *s left empty). */
int rdbStreamRead(rdbReader *r, int type, rdbStream *s);

/* Frees what *s holds (not s) and zeroes it. */
void rdbStreamFree(rdbStream *s);

#endif
