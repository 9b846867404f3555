/* db/typed.c -- the type layer: what kind of value a key holds, and the
 * element reads and writes of collections (hashes, sets) over the store,
 * with lazy expiry and the keyspace signals as db.c applies them to
 * strings.
 *
 * Signals.  An element write signals keyAdded when it creates the key,
 * but not keyModified: a command that writes ten fields is one change to
 * WATCH and to client tracking, as in Redis, so the command calls
 * dbKeyModified once when it is done. */
#include "db/db.h"
#include "db/db_internal.h"

#include "lib/alloc.h"
#include "store/store.h"

#include <string.h>

int dbKeyType(int db, const char *key, size_t klen) {
    keydirEntry *e = dbLookupLiveNoTouch(db, key, klen);
    if (!e) return DB_TYPE_NONE;
    const collection *c = keydirEntryCollection(e);
    return c ? collType(c) : DB_TYPE_STRING;
}

const char *dbTypeName(int type) {
    switch (type) {
    case DB_TYPE_STRING: return "string";
    case COLL_HASH: return "hash";
    case COLL_SET: return "set";
    case COLL_LIST: return "list";
    case COLL_ZSET: return "zset";
    case COLL_STREAM: return "stream";
    default: return "none";
    }
}

const collection *dbCollection(int db, const char *key, size_t klen, int ctype, int *rc) {
    keydirEntry *e = dbLookupLive(db, key, klen);
    const collection *c = e ? keydirEntryCollection(e) : NULL;
    if (!e) *rc = DB_MISSING;
    else if (!c || collType(c) != ctype) *rc = DB_WRONGTYPE;
    else *rc = DB_OK;
    return *rc == DB_OK ? c : NULL;
}

int dbElementPut(int db, int ctype, const char *key, size_t klen, const char *name, size_t nlen,
                 const char *val, size_t vlen, int *created) {
    int rc;
    int isNew = dbCollection(db, key, klen, ctype, &rc) == NULL;
    if (rc == DB_WRONGTYPE) return rc;
    rc = dbWriteResult(storeElementPut(dbGetContext()->store, db, ctype, key, klen, name, nlen,
                                       val, vlen, created));
    if (rc == DB_OK && isNew) dbSignalAddedKey(db, key, klen);
    return rc;
}

int dbElementDelete(int db, int ctype, const char *key, size_t klen, const char *name,
                    size_t nlen, int *keyRemoved) {
    int rc;
    if (!dbCollection(db, key, klen, ctype, &rc)) return rc;
    rc = dbWriteResult(
        storeElementDelete(dbGetContext()->store, db, ctype, key, klen, name, nlen));
    if (keyRemoved)
        *keyRemoved = rc == DB_OK &&
                      storeKeyType(dbGetContext()->store, db, key, klen) == STORE_TYPE_NONE;
    return rc;
}

int dbElementGet(int db, int ctype, const char *key, size_t klen, const char *name, size_t nlen,
                 bstr *value) {
    int rc;
    if (!dbCollection(db, key, klen, ctype, &rc)) return rc;
    char *v;
    size_t vlen;
    rc = storeElementGet(dbGetContext()->store, db, key, klen, name, nlen, &v, &vlen);
    if (rc != STORE_OK) return dbFromStore(rc);
    *value = bstrNewLen(v, vlen);
    xfree(v);
    return DB_OK;
}

int dbElementRead(size_t klen, const collElem *el, void *buf) {
    return dbFromStore(storeReadElementValue(dbGetContext()->store, &el->loc, klen, el->nlen, buf));
}

int dbElementValue(size_t klen, const collElem *el, bstr *value) {
    bstr v = bstrNewLen(NULL, el->loc.valueLen);
    int rc = storeReadElementValue(dbGetContext()->store, &el->loc, klen, el->nlen, v);
    if (rc != STORE_OK) {
        bstrFree(v);
        return dbFromStore(rc);
    }
    *value = v;
    return DB_OK;
}

void dbKeyModified(int db, const char *key, size_t klen) { dbKeyWritten(db, key, klen, DB_OK); }

/* The elements of a collection, names and values copied out, so that
 * nothing is written before every value was read (a damaged one fails
 * the copy before it starts). */
typedef struct elemCopy {
    bstr *names, *values;
    size_t n;
} elemCopy;

static void elemCopyFree(elemCopy *ec) {
    for (size_t i = 0; i < ec->n; i++) {
        bstrFree(ec->names[i]);
        bstrFree(ec->values[i]);
    }
    xfree(ec->names);
    xfree(ec->values);
}

static int elemCopyRead(const collection *c, size_t klen, elemCopy *ec) {
    uint32_t count = collCount(c);
    ec->names = xcalloc(count ? count : 1, sizeof(bstr));
    ec->values = xcalloc(count ? count : 1, sizeof(bstr));
    ec->n = 0;
    collIter it;
    collElem el;
    collIterInit(&it, c);
    while (collIterNext(&it, &el)) {
        bstr v = NULL;
        if (el.value) { /* kept in memory (a stream's state): the truth */
            v = bstrNewLen(el.value, el.vlen);
        } else if (el.loc.valueLen) {
            int rc = dbElementValue(klen, &el, &v);
            if (rc != DB_OK) return rc;
        }
        ec->names[ec->n] = bstrNewLen(el.name, el.nlen);
        ec->values[ec->n++] = v;
    }
    return DB_OK;
}

/* Writes every element of ec into the collection at key, which is
 * absent (no signal: the caller's). */
static int writeElements(int db, int ctype, const char *key, size_t klen, const bstr *names,
                         const bstr *values, size_t n) {
    struct store *st = dbGetContext()->store;
    int rc = DB_OK;
    for (size_t i = 0; rc == DB_OK && i < n; i++) {
        bstr v = values ? values[i] : NULL;
        rc = dbWriteResult(storeElementPut(st, db, ctype, key, klen, names[i],
                                           bstrLen(names[i]), v, v ? bstrLen(v) : 0, NULL));
    }
    return rc;
}

int dbReplaceCollection(int db, int ctype, const char *key, size_t klen, const bstr *names,
                        const bstr *values, size_t n, int *existed) {
    struct store *st = dbGetContext()->store;
    *existed = dbLookupLive(db, key, klen) != NULL;
    int rc = DB_OK;
    dbBatchBegin();
    if (*existed) {
        dbFreeLazily(lazyfreeSettings.lazyServerDel);
        rc = dbWriteResult(storeDelete(st, db, key, klen));
    }
    if (rc == DB_OK) rc = writeElements(db, ctype, key, klen, names, values, n);
    int commit = dbBatchCommit();
    if (rc == DB_OK) rc = commit;
    if (rc != DB_OK) return rc;
    if (n && !*existed) dbSignalAddedKey(db, key, klen);
    if (n || *existed) dbKeyModified(db, key, klen);
    return DB_OK;
}

void dbCollectionToLargeEncoding(int db, const char *key, size_t klen) {
    storeCollectionToTable(dbGetContext()->store, db, key, klen);
}

/* dbCopy of a collection (called inside dbCopy's batch): the destination,
 * deleted first if it exists, gets every element and the expiry, one
 * record each, and keeps a TABLE (or SKIPLIST) encoding as Redis's copy of the object
 * would.  O(elements), where Redis's RENAME and MOVE are O(1): element
 * records carry their key's name (record.h). */
int dbCopyCollection(int db, const char *key, size_t klen, int dstDb, const char *dstKey,
                     size_t dlen, int64_t expire) {
    struct store *st = dbGetContext()->store;
    const collection *c = storeCollection(st, db, key, klen);
    if (!c) return DB_MISSING;
    int ctype = collType(c);
    int table = collEncoding(c) == COLL_ENC_TABLE || collEncoding(c) == COLL_ENC_SKIPLIST;
    elemCopy ec;
    int rc = elemCopyRead(c, klen, &ec);
    if (rc == DB_OK && storeKeyType(st, dstDb, dstKey, dlen) != STORE_TYPE_NONE) {
        dbFreeLazily(lazyfreeSettings.lazyServerDel);
        rc = dbWriteResult(storeDelete(st, dstDb, dstKey, dlen));
    }
    if (rc == DB_OK) rc = writeElements(dstDb, ctype, dstKey, dlen, ec.names, ec.values, ec.n);
    if (rc == DB_OK && table) storeCollectionToTable(st, dstDb, dstKey, dlen);
    if (rc == DB_OK && expire != DB_NO_EXPIRE)
        rc = dbWriteResult(storeSetExpire(st, dstDb, dstKey, dlen, expire));
    elemCopyFree(&ec);
    return rc;
}
