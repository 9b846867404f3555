/* store/coll_stream_internal.h -- what coll_stream.c (names, counters,
 * entries) and coll_stream_groups.c (consumer groups) share; private to
 * them. */
#ifndef REDIS_KV_COLL_STREAM_INTERNAL_H
#define REDIS_KV_COLL_STREAM_INTERNAL_H

#include "lib/idmap.h"
#include "store/coll_stream.h"

typedef struct streamEntry {
    streamId id;
    collLoc loc;
} streamEntry;

typedef struct streamNode {
    streamEntry *e;         /* n entries in ID order, room for cap */
    uint32_t n, cap;
    uint32_t appended;      /* entries ever appended, deleted ones too */
    uint32_t bytes;         /* the listpack's size, estimated */
    streamId lastAppended;
} streamNode;

/* A pending entry: in its group's map and its consumer's, by ID. */
typedef struct streamPending {
    streamId id;
    int64_t deliveryTime;
    uint64_t deliveryCount;
    collStreamConsumer *consumer;
    collLoc loc;
} streamPending;

/* A consumer and a group start with their name (coll_stream_groups.c
 * searches both arrays by it). */
struct collStreamConsumer {
    char *name;
    size_t nlen;
    int64_t seenTime;
    collLoc loc;
    int hasRecord;          /* 0: a placeholder (coll_stream.h) */
    idmap pending;
};

struct collStreamGroup {
    char *name;
    size_t nlen;
    streamId lastId;
    int64_t entriesRead;
    collLoc loc;
    int hasRecord;
    idmap pending;
    collStreamConsumer **consumers; /* by name */
    uint32_t nconsumers, capConsumers;
};

struct collStreamIndex {
    collStreamMeta meta;
    collLoc metaLoc;
    int hasMeta;
    streamNode *nodes;      /* by first ID */
    uint32_t nnodes, capNodes;
    uint64_t length;
    collStreamGroup **groups; /* by name */
    uint32_t ngroups, capGroups;
    char *walkBuf;          /* the walk's names and values */
    size_t walkCap;
};

/* The walk's phases (collIter.table). */
#define STREAM_WALK_META 0
#define STREAM_WALK_ENTRIES 1
#define STREAM_WALK_GROUP 2
#define STREAM_WALK_CONSUMERS 3
#define STREAM_WALK_PENDING 4

_Noreturn void streamPanic(const char *msg);
void streamPutLe64(char *p, uint64_t v);
uint64_t streamGetLe64(const char *p);
void streamPutLe32(char *p, uint32_t v);
uint32_t streamGetLe32(const char *p);
char *streamWalkBuf(const collStreamIndex *s, size_t need);

/* coll_stream_groups.c: the 'g', 'c' and 'p' elements (coll_stream.h);
 * the same contracts as collStreamPut / Remove / Find / Relocate. */
int streamGroupsPut(collStreamIndex *s, const char *name, size_t nlen, const char *val,
                    size_t vlen, const collLoc *loc, collLoc *old);
uint32_t streamGroupsRemove(collStreamIndex *s, const char *name, size_t nlen, collTrimFn *fn,
                            void *priv);
int streamGroupsFind(const collStreamIndex *s, const char *name, size_t nlen, collLoc *loc);
int streamGroupsRelocate(collStreamIndex *s, const char *name, size_t nlen, const collLoc *from,
                         const collLoc *to);
int streamGroupsGetElem(const collStreamIndex *s, const char *name, size_t nlen, collElem *out);
int streamGroupsCheck(const char *name, size_t nlen, const char *val, size_t vlen);
int streamGroupsIterNext(const collStreamIndex *s, collIter *it, collElem *out);
void streamGroupsFree(collStreamIndex *s);
size_t streamGroupsMemoryBytes(const collStreamIndex *s);

#endif
