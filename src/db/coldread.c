/* db/coldread.c -- cold reads on the keyspace's store (coldread.h). */
#include "db/coldread.h"

#include "db/db_internal.h"
#include "lib/alloc.h"
#include "store/store.h"

/* A request names at most this many elements worth looking up in a large
 * collection (the rest are read where they are). */
#define DB_FETCH_MAX_ARGS 64

int dbColdReadsActive(void) {
    const dbContext *ctx = dbGetContext();
    return ctx->store && storeColdReadsActive(ctx->store);
}

dbFetch *dbFetchNew(void) { return storeFetchNew(); }

void dbFetchAddKey(dbFetch *f, int db, const char *key, size_t klen, int elements, int argc,
                   bstr *argv) {
    const dbContext *ctx = dbGetContext();
    if (!ctx->store) return;
    if (!elements) {
        storeFetchAddKey(ctx->store, f, db, key, klen, 0, NULL, 0);
        return;
    }
    storeFetchArg args[DB_FETCH_MAX_ARGS];
    int nargs = 0;
    for (int i = 1; i < argc && nargs < DB_FETCH_MAX_ARGS; i++)
        args[nargs++] = (storeFetchArg){argv[i], bstrLen(argv[i])};
    storeFetchAddKey(ctx->store, f, db, key, klen, 1, args, nargs);
}

int dbDebugColdReads(int cold, unsigned delayMs) {
    const dbContext *ctx = dbGetContext();
    return ctx->store ? storeColdReadDebug(ctx->store, cold, delayMs) : -1;
}

int dbFetchStart(dbFetch *f, dbFetchDone *done, void *pd) {
    const dbContext *ctx = dbGetContext();
    if (!ctx->store || storeFetchRanges(f) == 0) {
        storeFetchFree(f);
        return 0;
    }
    return storeFetchStart(ctx->store, f, done, pd);
}
