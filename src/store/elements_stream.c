/* store/elements_stream.c -- writes of a stream's elements (coll_stream.h)
 * and their undo: what storeElementPut and storeElementDelete do for a
 * stream, in elements.c's terms (its header comment holds here too).
 *
 * A stream's put differs in two ways: the index keeps most element
 * values in memory, so the undo step keeps the value the element had
 * (u->elemValue); and an entry's put moves the stream's counters (last
 * ID, entries added), so the step keeps those too (u->streamMeta).
 *
 * A stream's delete may take many elements (a trim, a group with its
 * consumers and pending entries): its UNDO_TRIM step keeps them all, with
 * their values, in a stream collection of their own (u->coll), and the
 * undo puts them back in the walk's order (groups before what they hold).
 * An entry put back after an undo keeps its ID and place; only the
 * node-filling counts Redis would never see (coll_stream.c) may differ. */
#include "store/store_internal.h"

#include <string.h>

#include "lib/alloc.h"
#include "store/coll_stream.h"
#include "store/record.h"

int storeStreamPut(store *s, int db, const void *key, size_t klen, const void *name, size_t nlen,
                   const void *val, size_t vlen, int *created) {
    int pdb = s->dbMap[db];
    keydirEntry *e = keydirLookup(s->kd[pdb], key, klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (e && (!c || collType(c) != COLL_STREAM)) return STORE_WRONGTYPE;
    if (vlen > UINT32_MAX || !collStreamCheckElement(name, nlen, val, vlen)) return STORE_ERR_WRITE;
    collLoc loc, old;
    int rc = storePutElementRecord(s, pdb, COLL_STREAM, key, klen, e, &c, name, nlen, val, vlen,
                                   &loc);
    if (rc != STORE_OK) return rc;
    collElem before;
    char *beforeValue = NULL;
    size_t beforeLen = 0;
    /* an entry's value is in the log, not the index: nothing to keep */
    if (((const char *)name)[0] != COLL_STREAM_ENTRY && collStreamGetElem(c, name, nlen, &before) && before.value) {
        beforeLen = before.vlen;
        beforeValue = xmalloc(beforeLen ? beforeLen : 1);
        memcpy(beforeValue, before.value, beforeLen);
    }
    collStreamMeta meta = *collStreamGetMeta(c);
    int existed = collStreamPut(c, name, nlen, val, vlen, &loc, &old) == 1;
    undoStep *u = storeRememberElement(s, pdb, key, klen, name, nlen, existed ? &old : NULL, NULL);
    u->elemValue = beforeValue;
    u->elemValueLen = beforeLen;
    u->streamMeta = meta;
    if (existed) storeCountBytes(s, old.segment, storeElementRecordSize(klen, nlen, old.valueLen), 0);
    storeCountBytes(s, loc.segment, storeElementRecordSize(klen, nlen, loc.valueLen), 1);
    if (created) *created = !existed;
    return storeAfterWrite(s);
}

/* What a delete passes to keepGone: the undo's collection of what went. */
typedef struct streamGone {
    store *s;
    size_t klen;
    collection *gone;
} streamGone;

static void keepGone(void *priv, const collElem *e) {
    streamGone *g = priv;
    collStreamPut(g->gone, e->name, e->nlen, e->value, e->vlen, &e->loc, NULL);
    storeCountBytes(g->s, e->loc.segment, storeElementRecordSize(g->klen, e->nlen, e->loc.valueLen),
                    0);
}

/* Whether deleting name removes anything: a trim, an entry at or below
 * its ID; anything else, the element. */
static int somethingToDelete(const collection *c, const char *name, size_t nlen) {
    if (nlen == 1 + STREAM_ID_BIN_LEN && name[0] == COLL_STREAM_TRIM) {
        streamId first, upto;
        streamIdDecode(name + 1, &upto);
        return collStreamFirstId(c, &first) && streamIdCompare(&first, &upto) <= 0;
    }
    return collFind(c, name, nlen, NULL);
}

int storeStreamDelete(store *s, int db, const void *key, size_t klen, const void *name,
                      size_t nlen) {
    int pdb = s->dbMap[db];
    keydirEntry *e = keydirLookup(s->kd[pdb], key, klen);
    if (!e) return STORE_MISSING;
    collection *c = keydirEntryCollection(e);
    if (!c || collType(c) != COLL_STREAM) return STORE_WRONGTYPE;
    if (!somethingToDelete(c, name, nlen)) return STORE_MISSING;
    uint64_t seq = storeSeqForWrite(s), off;
    int rc = storeAppendElement(s, RECORD_ELEMENT_DEL, pdb, COLL_STREAM, key, klen, name, nlen,
                                NULL, 0, 0, &off);
    if (rc != STORE_OK) return rc;
    streamGone g = {s, klen, collCreate(COLL_STREAM)};
    storePushTrimUndo(s, pdb, key, klen, g.gone);
    collStreamRemove(c, name, nlen, keepGone, &g);
    return storeAfterRemoval(s, pdb, e, c, key, klen, seq);
}

void streamElementUndo(store *s, undoStep *u, collection *c) {
    collLoc now;
    int was = collFind(c, u->name, u->nlen, &now);
    if (u->existed) {
        collStreamPut(c, u->name, u->nlen, u->elemValue, u->elemValueLen, &u->elemLoc, NULL);
        storeCountBytes(s, u->elemLoc.segment,
                        storeElementRecordSize(u->klen, u->nlen, u->elemLoc.valueLen), 1);
    } else {
        collStreamRemove(c, u->name, u->nlen, NULL, NULL);
    }
    if (was) storeCountBytes(s, now.segment, storeElementRecordSize(u->klen, u->nlen, now.valueLen), 0);
    collStreamSetCounters(c, &u->streamMeta);
}

void streamGoneUndo(store *s, undoStep *u, collection *c) {
    collIter it;
    collElem el;
    collIterInit(&it, u->coll);
    while (collIterNext(&it, &el)) {
        collStreamPut(c, el.name, el.nlen, el.value, el.vlen, &el.loc, NULL);
        storeCountBytes(s, el.loc.segment, storeElementRecordSize(u->klen, el.nlen, el.loc.valueLen),
                        1);
    }
}
