/* db/list.c -- the writes of lists that need positions (store/collection.h,
 * "Lists"): an element that enters at a rank gets a free position there,
 * making room first when its neighbours touch; a trim or a pop removes a
 * run of elements at the ends in one record (record.h, list trim).
 *
 * The rest of a list's reads and writes are the collection ones of
 * typed.c: LSET is an element put at an existing position, LREM element
 * deletes, reads walk the collection (collListSeek). */
#include "db/db.h"
#include "db/db_internal.h"

#include "store/store.h"

#include <string.h>

/* Moves the element at rank to position 'to': an ELEMENT record with its
 * value at the new position, an ELEMENT_DEL of the old one. */
static int moveElement(int db, const char *key, size_t klen, uint32_t rank, uint64_t to) {
    int rc;
    const collection *c = dbCollection(db, key, klen, COLL_LIST, &rc);
    if (!c) return rc;
    collIter it;
    collElem el;
    collListSeek(&it, c, rank);
    if (!collIterNext(&it, &el)) return DB_MISSING;
    char from[COLL_LIST_NAME_LEN], name[COLL_LIST_NAME_LEN];
    memcpy(from, el.name, sizeof(from));
    collListPosName(to, name);
    bstr v;
    if ((rc = dbElementValue(klen, &el, &v)) != DB_OK) return rc;
    rc = dbElementPut(db, COLL_LIST, key, klen, name, sizeof(name), v, bstrLen(v), NULL);
    bstrFree(v);
    if (rc == DB_OK) rc = dbElementDelete(db, COLL_LIST, key, klen, from, sizeof(from), NULL);
    return rc;
}

/* The new position of element rank of a respace (collection.h). */
static uint64_t respacedPos(const collListRespacePlan *p, uint32_t rank, uint32_t insertRank) {
    uint64_t j = rank - p->from + (rank >= insertRank);
    return p->first + j * p->step;
}

/* Makes room for a new element at insertRank by the plan's moves, in the
 * order collection.h gives; *pos is where the new element goes. */
static int respace(int db, const char *key, size_t klen, uint32_t insertRank, uint64_t *pos) {
    int rc;
    const collection *c = dbCollection(db, key, klen, COLL_LIST, &rc);
    collListRespacePlan plan;
    if (!c) return rc;
    if (!collListRespace(c, insertRank, &plan)) return DB_ERR_WRITE; /* never: see collection.h */
    for (uint32_t r = plan.from; r < plan.to && rc == DB_OK; r++) { /* down, in order */
        collIter it;
        collElem el;
        collListSeek(&it, dbCollection(db, key, klen, COLL_LIST, &rc), r);
        collIterNext(&it, &el);
        uint64_t to = respacedPos(&plan, r, insertRank);
        if (to < collListNamePos(el.name)) rc = moveElement(db, key, klen, r, to);
    }
    for (uint32_t r = plan.to; r-- > plan.from && rc == DB_OK;) { /* up, in reverse */
        collIter it;
        collElem el;
        collListSeek(&it, dbCollection(db, key, klen, COLL_LIST, &rc), r);
        collIterNext(&it, &el);
        uint64_t to = respacedPos(&plan, r, insertRank);
        if (to > collListNamePos(el.name)) rc = moveElement(db, key, klen, r, to);
    }
    *pos = plan.first + (uint64_t)(insertRank - plan.from) * plan.step;
    return rc;
}

int dbListInsert(int db, const char *key, size_t klen, uint32_t rank, const char *val,
                 size_t vlen) {
    int rc;
    const collection *c = dbCollection(db, key, klen, COLL_LIST, &rc);
    if (rc == DB_WRONGTYPE) return rc;
    uint64_t pos = COLL_LIST_START; /* a new list's first */
    char name[COLL_LIST_NAME_LEN];
    if (c && rank > collCount(c)) rank = collCount(c);
    if (!c || collListFreePos(c, rank, &pos)) {
        collListPosName(pos, name);
        return dbElementPut(db, COLL_LIST, key, klen, name, sizeof(name), val, vlen, NULL);
    }
    dbBatchBegin();
    rc = respace(db, key, klen, rank, &pos);
    collListPosName(pos, name);
    if (rc == DB_OK) rc = dbElementPut(db, COLL_LIST, key, klen, name, sizeof(name), val, vlen, NULL);
    int commit = dbBatchCommit();
    return rc != DB_OK ? rc : commit;
}

int dbListTrim(int db, const char *key, size_t klen, uint32_t from, uint32_t to) {
    int rc;
    const collection *c = dbCollection(db, key, klen, COLL_LIST, &rc);
    if (!c) return rc;
    uint64_t lo = 1, hi = 0; /* nothing kept */
    if (from <= to && to < collCount(c)) {
        collIter it;
        collElem el;
        collListSeek(&it, c, from);
        collIterNext(&it, &el);
        lo = collListNamePos(el.name);
        collListSeek(&it, c, to);
        collIterNext(&it, &el);
        hi = collListNamePos(el.name);
    }
    return dbWriteResult(storeListTrim(dbGetContext()->store, db, key, klen, lo, hi));
}
