/* store/replay.h -- rebuilding key directories from the log: the one place
 * that says what each data record does to the keyspace, shared by the store's
 * loader and by utils/redis-kv-check (so the tool's counts are the server's).
 *
 * Records must be applied in log order (segments by id, file order within
 * one, batches only once committed: recovery.h and hint.h deliver them
 * that way); a later record always wins.  Keys whose expiry has passed are
 * dropped only after the whole log (replayDropExpired), because a later
 * EXPIRE record (PERSIST, a new EXPIRE) may change an early SET's expiry.
 *
 * Databases: record db fields are physical (record.h); dbMap is the
 * logical -> physical permutation as SWAPDB / DBMAP records leave it.
 *
 * Patches (record.h RECORD_PATCH) rebuild the key's chain (keydir.h).  A
 * patch applies only when the key's newest record is the one it names
 * (by sequence number: the key's entry has exactly that one);
 * otherwise it was either already folded in (compaction wrote the key's
 * materialised value as one SET carrying the sequence number of its
 * newest patch, and that SET replays before patches written while the
 * merge ran: a patch whose sequence number is not above the key's is
 * skipped), or its base is gone (damaged, or a bug): then the key is
 * dropped and the patch reported, because no value that can be rebuilt
 * is the one that was acknowledged.
 *
 * A patch of a MISSING key is not always damage: a merge gives up an
 * input as soon as nothing points into it, so the base of a chain goes
 * once the key is replaced or deleted, even when patches of that chain
 * were written after the merge began (they lie in a later segment).  So:
 *   - a patch of a missing key whose base is not newer than the last
 *     merge (the sequence number of the newest DBMAP record, which every
 *     merge writes) is skipped quietly: the merge dropped the base
 *     because a later record deleted or replaced the key;
 *   - any other patch of a missing key is an ORPHAN: held, not reported,
 *     until the key's next SET or DEL, or a flush of its database, which
 *     makes it moot (the acknowledged value was replaced), or until the
 *     end of the log (replayFinish), where the orphans left are reported,
 *     one report per key.  (A merge never drops a key for its expiry
 *     alone: a key leaves only through a DEL record or a flush.)
 * Live bytes: every record of a chain counts, each in its own segment.
 *
 * Elements (record.h, RECORD_ELEMENT): an ELEMENT puts its element into
 * the key's collection (creating it, or replacing whatever else the key
 * held), an ELEMENT_DEL takes it out, and the key goes with its last
 * element.  Each element's newest record is live.  A sorted set's
 * ELEMENT needs its score, the record's value, which the item carries
 * (recoveryItem.value, from a scan or a hint); one without it, or with a
 * NaN, is ignored (counted in 'ignored').
 *
 * Metadata (record.h, RECORD_META): a META points its name's entry in
 * the metadata table (meta.h) at its record, without the value (hints
 * carry none: the loader reads values afterwards); a META_DEL removes
 * the entry.  Nothing else touches the table (flushes, SWAPDB and DEL
 * are keyspace records).  A name's newest META record is live. */
#ifndef REDIS_KV_REPLAY_H
#define REDIS_KV_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "store/keydir.h"
#include "store/record.h"
#include "store/recovery.h"

/* Live-bytes accounting: 'bytes' of segment 'segment' start (add = 1) or
 * stop (0) being held by a key. */
typedef void replayLiveFn(void *ctx, uint32_t segment, uint64_t bytes, int add);

typedef struct replayState {
    keydir **kd;        /* dbCount physical slots; a NULL slot is created
                           on first use */
    int dbCount;        /* records for databases beyond it are ignored */
    int *dbMap;         /* logical -> physical, dbCount entries */
    /* Called when a record starts or stops being one a key holds
     * (its newest record, or one of its chain).  Optional. */
    replayLiveFn *countLive;
    void *ctx;
    uint64_t byType[RECORD_TYPE_MAX + 1]; /* applied data records */
    uint64_t ignored;   /* records for databases this config does not have,
                           and database maps that do not fit it */
    /* Patches whose base is missing (the key was dropped), and the hook
     * that reports them (optional): one call per key, with the first such
     * patch as 'it'. */
    uint64_t patchesDropped;
    uint64_t mergedSeq;     /* sequence number of the newest DBMAP record */
    void (*report)(void *ctx, const recoveryItem *it, const char *why);
    struct dict *orphans;   /* held patches of missing keys, by db and key
                               (replay.c); NULL while there are none */
    /* The encoding limits collections are rebuilt with (NULL: Redis's
     * defaults), so that a restart picks the encodings a run would. */
    const struct collLimits *limits;
    /* Collections that became a TABLE during this replay, by db and key
     * (replay.c); replayFinish gives them back their small encoding when
     * their final contents fit it. */
    struct replayKeyList *converted;
    /* The metadata table META records go into (NULL: they are counted in
     * byType and otherwise ignored). */
    struct metaTable *meta;
} replayState;

/* Calls fn for every record e's key holds: its one record, each record
 * of its chain, or each element record of its collection. */
void replayCountEntry(const keydirEntry *e, replayLiveFn *fn, void *ctx, int add);
/* The same for a collection of a key of klen bytes. */
void replayCountCollection(const collection *coll, size_t klen, replayLiveFn *fn, void *ctx,
                           int add);

/* Applies one delivered data record.  The caller has checked that its
 * sequence number fits a keydir entry (KEYDIR_SEQ_MAX). */
void replayApply(replayState *rp, const recoveryItem *it);

/* replayApply on items[0..n) in order, with the same result, but faster
 * for a batch of SETs: every key is hashed once and the cache misses of
 * the key directory are started several items ahead (keydir.h, "Bulk
 * loading").  Items with impossible sequence numbers must already be
 * left out.  Keys must stay valid for the call (hintDeliver's do).
 * hashes is NULL, or hashes[i] is keydirHash of items[i]'s key for every
 * SET item (a loader that hashed them ahead on another thread, hint.h);
 * other items' hashes are not read. */
#define REPLAY_BATCH_MAX 256
void replayApplyBatch(replayState *rp, const recoveryItem *items, const uint64_t *hashes,
                      size_t n);

/* The end of the log: reports the orphan patches left and frees them,
 * and gives the collections that converted to TABLE during the replay the
 * small encoding back where their final contents fit (collection.h,
 * collRebuildSmall).  Call it once after the last record. */
void replayFinish(replayState *rp);

/* Frees the orphans without reporting them: a replay given up on error. */
void replayDiscard(replayState *rp);

/* Empties physical database db, taking its records out of the live bytes. */
void replayFlushDb(replayState *rp, int db);

/* Drops every key whose expiry is at or before nowMs; returns how many. */
uint64_t replayDropExpired(replayState *rp, int64_t nowMs);

/* Writes the map as a DBMAP record key (2 * dbCount bytes) into dst;
 * returns 1 if the map is not the identity (so a record is needed). */
int replayEncodeDbMap(const int *dbMap, int dbCount, char *dst);

#endif
