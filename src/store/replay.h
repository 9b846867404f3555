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
 * logical -> physical permutation as SWAPDB / DBMAP records leave it. */
#ifndef REDIS_KV_REPLAY_H
#define REDIS_KV_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "store/keydir.h"
#include "store/record.h"
#include "store/recovery.h"

typedef struct replayState {
    keydir **kd;        /* dbCount physical slots; a NULL slot is created
                           on first use */
    int dbCount;        /* records for databases beyond it are ignored */
    int *dbMap;         /* logical -> physical, dbCount entries */
    /* Live-bytes accounting: called when a record starts (add = 1) or
     * stops (0) being the one a key points at.  Optional. */
    void (*countLive)(void *ctx, const keydirLoc *loc, size_t klen, int add);
    void *ctx;
    uint64_t byType[RECORD_TYPE_MAX + 1]; /* applied data records */
    uint64_t ignored;   /* records for databases this config does not have,
                           and database maps that do not fit it */
} replayState;

/* Applies one delivered data record.  The caller has checked that its
 * sequence number fits a keydir entry (KEYDIR_SEQ_MAX). */
void replayApply(replayState *rp, const recoveryItem *it);

/* Empties physical database db, taking its records out of the live bytes. */
void replayFlushDb(replayState *rp, int db);

/* Drops every key whose expiry is at or before nowMs; returns how many. */
uint64_t replayDropExpired(replayState *rp, int64_t nowMs);

/* Writes the map as a DBMAP record key (2 * dbCount bytes) into dst;
 * returns 1 if the map is not the identity (so a record is needed). */
int replayEncodeDbMap(const int *dbMap, int dbCount, char *dst);

#endif
