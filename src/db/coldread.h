/* db/coldread.h -- the keyspace's side of cold reads (store.h "Cold
 * reads"): the values a request will read, brought into memory off the
 * event loop before it runs, on the store dbInit was given.  The command
 * layer decides which keys a request reads and parks its client; this
 * module turns keys into a fetch and starts it.  See db/coldread.c. */
#ifndef REDIS_KV_DB_COLDREAD_H
#define REDIS_KV_DB_COLDREAD_H

#include <stddef.h>

#include "lib/bstr.h"

/* A store fetch (store.h), seen from above as an opaque handle. */
typedef struct storeFetch dbFetch;
typedef void dbFetchDone(void *pd);

/* 0 when every value was in memory at the last look (then no request
 * needs a fetch, and none should be built: the in-memory fast path). */
int dbColdReadsActive(void);
dbFetch *dbFetchNew(void);
/* Adds what reading key (in database db) needs from disk: its string
 * value, and when elements is 1 the elements of its collection the
 * request may read (argv: the request; the fields of a large hash it
 * names count). */
void dbFetchAddKey(dbFetch *f, int db, const char *key, size_t klen, int elements, int argc,
                   bstr *argv);
/* Starts f and takes it: 1 when done(pd) will be called on the event loop
 * once everything is in memory, 0 when nothing needed reading (done is
 * not called). */
int dbFetchStart(dbFetch *f, dbFetchDone *done, void *pd);

/* Tests (DEBUG COLD-READS): every value counts as not in memory until
 * cold is 0 again, and each cold read first sleeps delayMs.  0, or -1
 * when there are no cold-read threads. */
int dbDebugColdReads(int cold, unsigned delayMs);

#endif
