/* db: the keyspace API over the store.  See db.h.
 *
 * Lazy expiry lives here: every lookup first checks the key's expiry
 * against the cached clock and deletes an expired key durably (a DEL
 * record, as Redis propagates a DEL) before answering. */
#include "db/db.h"
#include "lib/alloc.h"
#include "server/server.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

static char writeErrorReply[256];

static int fromStore(int rc) {
    switch (rc) {
    case STORE_OK: return DB_OK;
    case STORE_MISSING: return DB_MISSING;
    case STORE_ERR_WRITE: return DB_ERR_WRITE;
    default: return DB_ERR_READ;
    }
}

/* Maps the result of a write; each successful one counts as a change
 * (INFO rdb_changes_since_last_save). */
static int writeResult(int rc) {
    if (rc == STORE_OK) server.dirty++;
    return fromStore(rc);
}

/* Returns the live entry for key, deleting it first if it has expired.
 * NULL when missing (or just expired). */
static keydirEntry *lookupLive(int db, const char *key, size_t klen) {
    keydir *kd = storeKeydir(server.store, db);
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (!e) return NULL;
    int64_t when = keydirEntryExpire(e);
    if (when == DB_NO_EXPIRE || when > server.mstime) return e;
    /* Expired: the delete is best effort; if it cannot be written now the
     * key is still reported missing and a later access retries. */
    if (storeDelete(server.store, db, key, klen) == STORE_OK) server.statExpiredKeys++;
    return NULL;
}

int dbExists(int db, const char *key, size_t klen) {
    return lookupLive(db, key, klen) != NULL;
}

int dbGet(int db, const char *key, size_t klen, bstr *value) {
    keydirEntry *e = lookupLive(db, key, klen);
    if (!e) return DB_MISSING;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    bstr v = bstrNewLen(NULL, loc.valueLen);
    int rc = storeReadValue(server.store, e, 0, loc.valueLen, v);
    if (rc != STORE_OK) {
        bstrFree(v);
        return fromStore(rc);
    }
    *value = v;
    return DB_OK;
}

/* Reads [offset, offset+len) of the value, clipped to its end. */
int dbGetRange(int db, const char *key, size_t klen, size_t offset, size_t len, bstr *value) {
    keydirEntry *e = lookupLive(db, key, klen);
    if (!e) return DB_MISSING;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    if (offset >= loc.valueLen) len = 0;
    else if (len > loc.valueLen - offset) len = loc.valueLen - offset;
    bstr v = bstrNewLen(NULL, len);
    int rc = len ? storeReadValue(server.store, e, offset, len, v) : STORE_OK;
    if (rc != STORE_OK) {
        bstrFree(v);
        return fromStore(rc);
    }
    *value = v;
    return DB_OK;
}

int dbValueLength(int db, const char *key, size_t klen, size_t *len) {
    keydirEntry *e = lookupLive(db, key, klen);
    if (!e) return DB_MISSING;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    *len = loc.valueLen;
    return DB_OK;
}

int dbGetExpire(int db, const char *key, size_t klen, int64_t *expireMs) {
    keydirEntry *e = lookupLive(db, key, klen);
    if (!e) return DB_MISSING;
    *expireMs = keydirEntryExpire(e);
    return DB_OK;
}

long long dbSize(int db) { return (long long)keydirSize(storeKeydir(server.store, db)); }

long long dbExpiresCount(int db) {
    return (long long)keydirExpiresCount(storeKeydir(server.store, db));
}

int dbSet(int db, const char *key, size_t klen, const char *val, size_t vlen, int64_t expireMs) {
    if (expireMs != DB_NO_EXPIRE && expireMs <= server.mstime) {
        /* Setting an already-past expiry deletes the key, as in Redis. */
        int rc = writeResult(storeDelete(server.store, db, key, klen));
        return rc == DB_MISSING ? DB_OK : rc;
    }
    return writeResult(storePut(server.store, db, key, klen, val, vlen, expireMs));
}

int dbDelete(int db, const char *key, size_t klen) {
    if (!lookupLive(db, key, klen)) return DB_MISSING;
    return writeResult(storeDelete(server.store, db, key, klen));
}

int dbSetExpire(int db, const char *key, size_t klen, int64_t expireMs) {
    if (!lookupLive(db, key, klen)) return DB_MISSING;
    if (expireMs != DB_NO_EXPIRE && expireMs <= server.mstime)
        return writeResult(storeDelete(server.store, db, key, klen));
    return writeResult(storeSetExpire(server.store, db, key, klen, expireMs));
}

int dbFlush(int db) { return writeResult(storeFlush(server.store, db)); }

int dbSwap(int a, int b) {
    if (a == b) return DB_OK;
    return writeResult(storeSwapDb(server.store, a, b));
}

/* Batches nest (an MSET inside MULTI/EXEC): only the outermost pair
 * writes, so the inner one joins the outer batch instead of cutting it. */
static int batchDepth;

void dbBatchBegin(void) {
    if (batchDepth++ == 0) storeBatchBegin(server.store);
}

int dbBatchCommit(void) {
    if (batchDepth == 0 || --batchDepth > 0) return DB_OK;
    return writeResult(storeBatchCommit(server.store));
}

/* The reply for a failed write, in the words Redis uses for AOF errors. */
const char *dbWriteErrorReply(void) {
    snprintf(writeErrorReply, sizeof(writeErrorReply),
             "-MISCONF Errors writing to the AOF file: %s", storeLastWriteError(server.store));
    return writeErrorReply;
}
