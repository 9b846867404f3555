/* db/db_internal.h -- what db/'s own modules share, and nothing outside
 * db/ may include: the context dbInit was given (db.h). */
#ifndef REDIS_KV_DB_INTERNAL_H
#define REDIS_KV_DB_INTERNAL_H

#include "db/db.h"

const dbContext *dbGetContext(void);

/* db.c's helpers for the other files of db/ (typed.c): the live entry of
 * a key (expired keys deleted first; NULL when missing); a store result
 * as a db one, with a write counted in rdb_changes_since_last_save
 * (dbWriteResult); the keyspace signals. */
struct keydirEntry;
struct keydirEntry *dbLookupLive(int db, const char *key, size_t klen);
/* The same without touching the key's access clock (db/evict.h). */
struct keydirEntry *dbLookupLiveNoTouch(int db, const char *key, size_t klen);
/* evict.c: deletes an evicted key, with every signal an eviction gives. */
int dbEvictKey(int db, const char *key, size_t klen);
int dbFromStore(int storeRc);
int dbWriteResult(int storeRc);
int dbKeyWritten(int db, const char *key, size_t klen, int rc);
void dbSignalAddedKey(int db, const char *key, size_t klen);
/* Whether the store's next writes free what they delete or replace on
 * the lazy-free thread (set before each write that may delete). */
void dbFreeLazily(int lazy);

/* typed.c: the body of dbCopy for a collection (inside its batch). */
int dbCopyCollection(int db, const char *key, size_t klen, int dstDb, const char *dstKey,
                     size_t dlen, int64_t expire);

#endif
