/* store/coll_stream.h -- the in-memory index of a stream (COLL_STREAM):
 * its entry IDs in order, the stream's counters, and its consumer groups
 * with their consumers and pending entries.  Entry VALUES (the fields)
 * stay in the log; everything else a stream command consults is here.
 *
 * Elements.  A stream is a collection (collection.h) whose elements are
 * of five kinds, told apart by the first byte of the element name; each
 * is one ELEMENT record (record.h, "Streams"), so every stream command is
 * a batch of element records and replay, hints, compaction and backups
 * need nothing of their own:
 *
 *   kind  name                                 value (* = kept in memory)
 *   'm'   "m"                                  * the stream's counters:
 *                                                last ID (16), entries
 *                                                added (u64 LE), max
 *                                                deleted ID (16): 40 bytes
 *   'e'   "e" + ID (16) + added (u64 BE)       the entry's fields
 *   'g'   "g" + group                          * last delivered ID (16) +
 *                                                entries read (i64 LE,
 *                                                -1 = unknown): 24 bytes
 *   'c'   "c" + glen (u32 LE) + group + name   * seen time (i64 LE ms)
 *   'p'   "p" + glen (u32 LE) + group + ID     * delivery time (i64 LE ms)
 *                                                + delivery count (u64 LE)
 *                                                + consumer name
 * IDs are lib/streamid.h's binary form (big-endian: byte order is ID
 * order).  An ELEMENT_DEL names one of them (an entry by "e" + ID, the
 * 8 added bytes optional), or is a TRIM, "t" + ID: from the front,
 * each node whose last appended ID is at most ID goes whole, and the
 * next loses its entries up to ID (and stays, even emptied: "Nodes"
 * below).  Deleting a group takes its consumers and pending entries
 * with it, deleting a consumer its pending entries: one record each.
 *
 * The counters.  Every stream has its 'm' element from its first write
 * (XADD of a new key writes it too), so a stream with no entries lives
 * on, as in Redis, and the key goes only by DEL.  An 'e' record's
 * "added" is the stream's entries-added count after the XADD that wrote
 * it: replayed in log order, it sets the last ID to the entry's ID and
 * entries-added to that count, which is what the XADD did, without an
 * 'm' record per XADD.  An "added" of 0 (a copy's: COPY, RESTORE, a
 * walk's names) leaves the counters alone; those writers put the 'm'
 * element themselves.  Commands that change the counters otherwise
 * (XDEL, XTRIM, XSETID) write the 'm' element.
 *
 * Nodes.  Entries are kept in nodes as Redis keeps them in listpacks: an
 * append opens a new node when the last one has had maxEntries entries
 * appended (deleted ones count) or holds about maxBytes bytes
 * (stream-node-max-entries / -bytes), and approximate trimming ("~")
 * removes whole nodes only.  So XADD ... MAXLEN ~ leaves as many entries
 * as Redis leaves.  The bytes are an estimate from the value lengths
 * (COLL_STREAM_ENTRY_OVERHEAD each).
 *
 * Order of replay.  Records replay in log order, so a group's record
 * precedes its consumers' and pending entries'; a pending entry or a
 * consumer whose group (or consumer) has no record yet gets a
 * placeholder that the record fills when it comes.  Placeholders are
 * not elements (collCount does not count them).
 *
 * Threads: none; the walk (collIterNext) builds names in a buffer of the
 * stream's own, so one walk at a time per stream. */
#ifndef REDIS_KV_COLL_STREAM_H
#define REDIS_KV_COLL_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "lib/idmap.h"
#include "lib/streamid.h"
#include "store/collection.h"

#define COLL_STREAM_META 'm'
#define COLL_STREAM_ENTRY 'e'
#define COLL_STREAM_TRIM 't'
#define COLL_STREAM_GROUP 'g'
#define COLL_STREAM_CONSUMER 'c'
#define COLL_STREAM_PENDING 'p'

#define COLL_STREAM_META_LEN 40
#define COLL_STREAM_ENTRY_NAME_LEN (1 + STREAM_ID_BIN_LEN + 8)
#define COLL_STREAM_GROUP_LEN 24
#define COLL_STREAM_CONSUMER_LEN 8
#define COLL_STREAM_PENDING_MIN 16
/* Bytes a node counts per entry beyond its value (Redis's listpack
 * spends a few per entry on flags, ID deltas and back-lengths). */
#define COLL_STREAM_ENTRY_OVERHEAD 4

/* The node limits (stream-node-max-entries, stream-node-max-bytes). */
void collStreamSetNodeLimits(uint32_t maxEntries, uint32_t maxBytes);

/* ---- Names and values (what a writer puts in records) -------------------- */

void collStreamMetaName(char out[1]);
void collStreamEntryName(const streamId *id, uint64_t added, char out[COLL_STREAM_ENTRY_NAME_LEN]);
void collStreamTrimName(const streamId *upto, char out[1 + STREAM_ID_BIN_LEN]);
/* A group's, consumer's or pending entry's name, into a new buffer
 * (xfree it); *nlen its length. */
char *collStreamGroupName(const char *group, size_t glen, size_t *nlen);
char *collStreamConsumerName(const char *group, size_t glen, const char *name, size_t len,
                             size_t *nlen);
char *collStreamPendingName(const char *group, size_t glen, const streamId *id, size_t *nlen);

typedef struct collStreamMeta {
    streamId lastId;
    uint64_t entriesAdded;
    streamId maxDeleted;
} collStreamMeta;

void collStreamMetaEncode(const collStreamMeta *m, char out[COLL_STREAM_META_LEN]);
void collStreamGroupEncode(const streamId *lastId, int64_t entriesRead,
                           char out[COLL_STREAM_GROUP_LEN]);
/* A pending entry's value into a new buffer (xfree it); *vlen its length. */
char *collStreamPendingEncode(int64_t deliveryTime, uint64_t deliveryCount, const char *consumer,
                              size_t clen, size_t *vlen);

/* ---- Writes (the store's; replay's) ----------------------------------------- */

/* Puts element name (any kind but a trim) with its value (the value is
 * needed for every kind but 'e', whose value stays in the log: val may
 * be NULL then) at loc.  1 when it existed (*old, if not NULL, its
 * location), 0 when new.  A name or value that does not parse is
 * ignored (returns -1): only damage writes one. */
int collStreamPut(collection *c, const char *name, size_t nlen, const char *val, size_t vlen,
                  const collLoc *loc, collLoc *old);

/* 1 when collStreamPut would take (name, val): what a writer checks
 * before it logs the element. */
int collStreamCheckElement(const char *name, size_t nlen, const char *val, size_t vlen);

/* Element name as a walk would give it (its value too, but for an
 * entry): 1 and *out, valid until the next walk step or change. */
int collStreamGetElem(const collection *c, const char *name, size_t nlen, collElem *out);

/* Sets the counters alone (an undo's; the 'm' element keeps its place). */
void collStreamSetCounters(collection *c, const collStreamMeta *m);

/* Removes element name, or, for a trim, the entries below its ID; a
 * group takes its consumers and pending entries along, a consumer its
 * pending entries.  fn (if not NULL) hears of every element that goes,
 * the named one last, with its name and (but for entries) value; the
 * number that went is returned (0: nothing there). */
uint32_t collStreamRemove(collection *c, const char *name, size_t nlen, collTrimFn *fn,
                          void *priv);

/* ---- Reads ---------------------------------------------------------------- */

const collStreamMeta *collStreamGetMeta(const collection *c);
uint64_t collStreamLength(const collection *c);     /* entries */
uint32_t collStreamNodeCount(const collection *c);  /* XINFO's radix-tree-keys */
/* The first and last entries' IDs: 0 when there is none. */
int collStreamFirstId(const collection *c, streamId *id);
int collStreamLastEntryId(const collection *c, streamId *id);
/* 1 and *loc when the entry id is in the stream. */
int collStreamFindEntry(const collection *c, const streamId *id, collLoc *loc);

/* Entries in ID order from a point, either way.  Next / Prev give an
 * entry and step (1), or 0 at the end. */
typedef struct collStreamIter {
    const collection *c;
    uint32_t node, pos;
    int valid;
} collStreamIter;

void collStreamSeek(collStreamIter *it, const collection *c, const streamId *from); /* >= */
void collStreamSeekLast(collStreamIter *it, const collection *c, const streamId *upto); /* <= */
int collStreamNext(collStreamIter *it, streamId *id, collLoc *loc);
int collStreamPrev(collStreamIter *it, streamId *id, collLoc *loc);

/* Trimming, as Redis 7.0 plans it (its streamTrim): *count entries go,
 * and *upto is the ID a trim record names (coll_stream.h's TRIM rule:
 * a whole node's last appended ID, or the last entry taken from a node
 * that stays).  maxlen >= 0 trims to that length, else to
 * minid; approx removes whole nodes only; limit (0 = none) caps how many
 * entries go (whole nodes, with approx).  0 when nothing goes. */
int collStreamTrimPlan(const collection *c, int64_t maxlen, const streamId *minid, int approx,
                       uint64_t limit, streamId *upto, uint64_t *count);

/* ---- Consumer groups (reads) ------------------------------------------------ */

typedef struct collStreamGroup collStreamGroup;
typedef struct collStreamConsumer collStreamConsumer;

typedef struct collStreamPending {
    streamId id;
    int64_t deliveryTime;
    uint64_t deliveryCount;
    const collStreamConsumer *consumer;
} collStreamPending;

uint32_t collStreamGroupCount(const collection *c);
const collStreamGroup *collStreamGroupAt(const collection *c, uint32_t i); /* name order */
const collStreamGroup *collStreamFindGroup(const collection *c, const char *name, size_t len);
const char *collStreamGroupNameOf(const collStreamGroup *g, size_t *len);
const streamId *collStreamGroupLastId(const collStreamGroup *g);
int64_t collStreamGroupEntriesRead(const collStreamGroup *g);
uint64_t collStreamGroupPendingCount(const collStreamGroup *g);

uint32_t collStreamConsumerCount(const collStreamGroup *g);
const collStreamConsumer *collStreamConsumerAt(const collStreamGroup *g, uint32_t i);
const collStreamConsumer *collStreamFindConsumer(const collStreamGroup *g, const char *name,
                                                 size_t len);
const char *collStreamConsumerNameOf(const collStreamConsumer *k, size_t *len);
int64_t collStreamConsumerSeenTime(const collStreamConsumer *k);
uint64_t collStreamConsumerPendingCount(const collStreamConsumer *k);

/* A pending entry of the group by ID: 1 and *out. */
int collStreamFindPending(const collStreamGroup *g, const streamId *id, collStreamPending *out);

/* Pending entries in ID order, of the group (k NULL) or of consumer k,
 * from the first >= from. */
typedef struct collStreamPendingIter {
    idmapIter it;
} collStreamPendingIter;

void collStreamPendingSeek(collStreamPendingIter *it, const collStreamGroup *g,
                           const collStreamConsumer *k, const streamId *from);
int collStreamPendingNext(collStreamPendingIter *it, collStreamPending *out);

/* ---- For collection.c ------------------------------------------------------ */

typedef struct collStreamIndex collStreamIndex;
collStreamIndex *collStreamCreate(void);
void collStreamFree(collStreamIndex *s);
size_t collStreamMemoryBytes(const collStreamIndex *s);
int collStreamFind(const collection *c, const char *name, size_t nlen, collLoc *loc);
int collStreamRelocate(collection *c, const char *name, size_t nlen, const collLoc *from,
                       const collLoc *to);
/* The walk: meta, entries, then each group, its consumers, its pending
 * entries (so a replay of the walk in order rebuilds the stream). */
int collStreamIterNext(collIter *it, collElem *out);

#endif
