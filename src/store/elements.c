/* store/elements.c -- writes and reads of the elements of collections
 * (hashes, sets, lists, sorted sets): one ELEMENT or ELEMENT_DEL record per element
 * changed (record.h), or one list trim for any number of a list's
 * elements, the key's collection index (collection.h) updated to point
 * at it, and an undo step that puts the elements back if the write never
 * reaches the file.
 *
 * The key's own life follows its elements: the first element written to
 * an absent key creates its collection (undo: the key goes again), and
 * the removal of the last one deletes the key, in memory as replay does
 * (replay.c).  The key keeps its expiry across element writes, and every
 * ELEMENT record repeats it (record.h says why).
 *
 * Undo, in the terms of store_internal.h: an element write pushes an
 * UNDO_ELEMENT step with the element's location before it; creating the
 * key pushes an UNDO_KEY step (absent) before that, deleting it an
 * UNDO_KEY step after it that takes the emptied collection.  Steps are
 * undone newest first, so the collection is back in the keydir before its
 * element is.  A put that converts a small collection (listpack, intset)
 * to a table, and a delete from a listpack, keep a copy of the small
 * form in the step (coll), and the undo rebuilds the collection in that
 * encoding and order: a write refused on a full disk leaves OBJECT
 * ENCODING and the order of HGETALL as they were, as in Redis, which
 * refuses it before it runs. */
#include "store/store_internal.h"

#include <string.h>

#include "lib/alloc.h"
#include "store/collection.h"
#include "store/record.h"

/* No limit: what an undo or a trim's keeping puts back already was, in
 * whatever encoding it had. */
static const collLimits unlimited = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX,
                                     UINT32_MAX};

/* Bytes on disk of an element record of a key of klen bytes, a name of
 * nlen bytes and a value of vlen bytes. */
uint64_t storeElementRecordSize(size_t klen, size_t nlen, uint32_t vlen) {
    return recordEncodedSize(RECORD_ELEMENT_HEADER_SIZE + klen + nlen, vlen);
}

/* The key field of an element record: element header, key, name.  Into
 * small when it fits, else a new buffer (the caller frees it if it is not
 * small). */
static char *elementField(char *small, size_t smallLen, int ctype, const void *key, size_t klen,
                          const void *name, size_t nlen, size_t *flen) {
    *flen = RECORD_ELEMENT_HEADER_SIZE + klen + nlen;
    char *f = *flen <= smallLen ? small : xmalloc(*flen);
    recordEncodeElementHeader(f, (uint8_t)ctype, (uint32_t)klen);
    if (klen) memcpy(f + RECORD_ELEMENT_HEADER_SIZE, key, klen);
    if (nlen) memcpy(f + RECORD_ELEMENT_HEADER_SIZE + klen, name, nlen);
    return f;
}

/* Appends one element record; *offset is where it starts. */
int storeAppendElement(store *s, int type, int pdb, int ctype, const void *key, size_t klen,
                         const void *name, size_t nlen, const void *val, size_t vlen,
                         int64_t expire, uint64_t *offset) {
    char small[256];
    size_t flen;
    char *field = elementField(small, sizeof(small), ctype, key, klen, name, nlen, &flen);
    recordHeader h;
    storeFillHeader(&h, type, pdb, flen, vlen, expire, storeSeqForWrite(s));
    int rc = storeAppendRecord(s, &h, field, val, offset);
    if (field != small) xfree(field);
    if (rc == STORE_OK) storeSeqWritten(s);
    return rc;
}

/* A copy of the small collection 'order' (its encoding, its element
 * order) with each element at its location in 'at'; NULL when 'at' lacks
 * one.  No limit applies: the copy holds what already was. */
static collection *smallCopy(const collection *order, const collection *at) {
    collection *c = collCreate(collType(order));
    collIter it;
    collElem e;
    collLoc loc;
    collIterInit(&it, order);
    while (collIterNext(&it, &e)) {
        if (!collFind(at, e.name, e.nlen, &loc)) {
            collFree(c);
            return NULL;
        }
        if (collType(c) == COLL_ZSET)
            collZsetPut(c, e.name, e.nlen, e.score, &loc, &unlimited, NULL, NULL);
        else
            collPut(c, e.name, e.nlen, &loc, &unlimited, NULL);
    }
    return c;
}

/* An UNDO_ELEMENT step for name of key, which was at *prior (NULL: it
 * was not an element); smallBefore (owned by the step from now on) is
 * the collection's small form before this write, if it is to be rebuilt
 * on undo (see the top of the file). */
undoStep *storeRememberElement(store *s, int pdb, const void *key, size_t klen,
                                 const void *name, size_t nlen, const collLoc *prior,
                                 collection *smallBefore) {
    undoStep *u = storePushUndo(s, pdb, UNDO_ELEMENT);
    u->coll = smallBefore;
    u->key = xmalloc(klen ? klen : 1);
    memcpy(u->key, key, klen);
    u->klen = klen;
    u->name = xmalloc(nlen ? nlen : 1);
    memcpy(u->name, name, nlen);
    u->nlen = nlen;
    u->existed = prior != NULL;
    if (prior) u->elemLoc = *prior;
    return u;
}

int storeKeyType(store *s, int db, const void *key, size_t klen) {
    keydirEntry *e = keydirLookup(s->kd[s->dbMap[db]], key, klen);
    if (!e) return STORE_TYPE_NONE;
    collection *c = keydirEntryCollection(e);
    return c ? collType(c) : STORE_TYPE_STRING;
}

const collection *storeCollection(store *s, int db, const void *key, size_t klen) {
    keydirEntry *e = keydirLookup(s->kd[s->dbMap[db]], key, klen);
    return e ? keydirEntryCollection(e) : NULL;
}

int storePutElementRecord(store *s, int pdb, int ctype, const void *key, size_t klen,
                          keydirEntry *e, collection **c, const void *name, size_t nlen,
                          const void *val, size_t vlen, collLoc *loc) {
    uint64_t seq = storeSeqForWrite(s), off;
    int rc = storeAppendElement(s, RECORD_ELEMENT, pdb, ctype, key, klen, name, nlen, val, vlen,
                                e ? keydirEntryExpire(e) : 0, &off);
    if (rc != STORE_OK) return rc;
    if (!*c) {
        storeRememberReplaced(s, pdb, key, klen); /* absent: undo deletes it */
        *c = collCreate(ctype);
        keydirSetCollection(s->kd[pdb], key, klen, *c, 0, seq, NULL);
    } else {
        keydirEntrySetSeq(e, seq);
    }
    *loc = (collLoc){(uint32_t)storeActive(s)->id, (uint32_t)off, (uint32_t)vlen};
    return STORE_OK;
}

int storeElementPut(store *s, int db, int ctype, const void *key, size_t klen, const void *name,
                    size_t nlen, const void *val, size_t vlen, int *created) {
    if (ctype == COLL_STREAM) return storeStreamPut(s, db, key, klen, name, nlen, val, vlen, created);
    int pdb = s->dbMap[db];
    keydir *kd = s->kd[pdb];
    keydirEntry *e = keydirLookup(kd, key, klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (e && (!c || collType(c) != ctype)) return STORE_WRONGTYPE;
    if (nlen > COLL_NAME_MAX || vlen > UINT32_MAX) return STORE_ERR_WRITE;
    double score = 0;
    if (ctype == COLL_ZSET) {
        if (vlen != COLL_ZSET_SCORE_LEN) return STORE_ERR_WRITE;
        score = collZsetScoreDecode(val);
        if (score != score) return STORE_ERR_WRITE; /* NaN: never in the log */
    }
    collLoc loc, old;
    int rc = storePutElementRecord(s, pdb, ctype, key, klen, e, &c, name, nlen, val, vlen, &loc);
    if (rc != STORE_OK) return rc;
    collection *smallBefore =
        collPutConverts(c, name, nlen, &loc, &s->collLimits) ? collCopySmall(c) : NULL;
    double oldScore = 0;
    int existed = ctype == COLL_ZSET
                      ? collZsetPut(c, name, nlen, score, &loc, &s->collLimits, &old, &oldScore)
                      : collPut(c, name, nlen, &loc, &s->collLimits, &old);
    undoStep *u = storeRememberElement(s, pdb, key, klen, name, nlen, existed ? &old : NULL, smallBefore);
    u->elemScore = oldScore;
    if (existed) storeCountBytes(s, old.segment, storeElementRecordSize(klen, nlen, old.valueLen), 0);
    storeCountBytes(s, loc.segment, storeElementRecordSize(klen, nlen, loc.valueLen), 1);
    if (created) *created = !existed;
    return storeAfterWrite(s);
}

/* The end of a write that removed elements of c, the collection of key's
 * entry e: the key goes with its last element (the undo step takes the
 * emptied collection), else it takes the write's sequence number. */
int storeAfterRemoval(store *s, int pdb, keydirEntry *e, collection *c, const void *key,
                        size_t klen, uint64_t seq) {
    if (collCount(c) == 0) {
        storeRememberReplaced(s, pdb, key, klen); /* takes the empty collection */
        keydirDelete(s->kd[pdb], key, klen);
    } else {
        keydirEntrySetSeq(e, seq);
    }
    return storeAfterWrite(s);
}

int storeElementDelete(store *s, int db, int ctype, const void *key, size_t klen,
                       const void *name, size_t nlen) {
    if (ctype == COLL_STREAM) return storeStreamDelete(s, db, key, klen, name, nlen);
    int pdb = s->dbMap[db];
    keydir *kd = s->kd[pdb];
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (!e) return STORE_MISSING;
    collection *c = keydirEntryCollection(e);
    if (!c || collType(c) != ctype) return STORE_WRONGTYPE;
    collLoc cur;
    double score = 0;
    if (ctype == COLL_ZSET ? !collZsetFind(c, name, nlen, &score, &cur)
                           : !collFind(c, name, nlen, &cur))
        return STORE_MISSING;
    uint64_t seq = storeSeqForWrite(s), off;
    int rc = storeAppendElement(s, RECORD_ELEMENT_DEL, pdb, ctype, key, klen, name, nlen, NULL, 0, 0,
                           &off);
    if (rc != STORE_OK) return rc;
    /* a listpack's order: its undo puts the element back at the end */
    collection *order = collEncoding(c) == COLL_ENC_PACKED ? collCopySmall(c) : NULL;
    storeRememberElement(s, pdb, key, klen, name, nlen, &cur, order)->elemScore = score;
    collRemove(c, name, nlen, NULL);
    storeCountBytes(s, cur.segment, storeElementRecordSize(klen, nlen, cur.valueLen), 0);
    return storeAfterRemoval(s, pdb, e, c, key, klen, seq);
}

int storeElementGet(store *s, int db, const void *key, size_t klen, const void *name,
                    size_t nlen, char **value, size_t *vlen) {
    keydirEntry *e = keydirLookup(s->kd[s->dbMap[db]], key, klen);
    if (!e) return STORE_MISSING;
    collection *c = keydirEntryCollection(e);
    if (!c) return STORE_WRONGTYPE;
    collLoc loc;
    if (!collFind(c, name, nlen, &loc)) return STORE_MISSING;
    char *buf = xmalloc((size_t)loc.valueLen + 1);
    int rc = storeReadElementValue(s, &loc, klen, nlen, buf);
    if (rc != STORE_OK) {
        xfree(buf);
        return rc;
    }
    buf[loc.valueLen] = '\0';
    *value = buf;
    *vlen = loc.valueLen;
    return STORE_OK;
}

/* What a trim passes to keepTrimmed: the undo's collection of what went. */
typedef struct trimmed {
    store *s;
    size_t klen;
    collection *gone;
} trimmed;

static void keepTrimmed(void *priv, const collElem *e) {
    trimmed *t = priv;
    collPut(t->gone, e->name, e->nlen, &e->loc, &unlimited, NULL);
    storeCountBytes(t->s, e->loc.segment, storeElementRecordSize(t->klen, e->nlen, e->loc.valueLen), 0);
}

int storeListTrim(store *s, int db, const void *key, size_t klen, uint64_t lo, uint64_t hi) {
    int pdb = s->dbMap[db];
    keydir *kd = s->kd[pdb];
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (!e) return STORE_MISSING;
    collection *c = keydirEntryCollection(e);
    if (!c || collType(c) != COLL_LIST) return STORE_WRONGTYPE;
    char range[RECORD_LIST_TRIM_NAME_LEN];
    collListPosName(lo, range);
    collListPosName(hi, range + COLL_LIST_NAME_LEN);
    uint64_t seq = storeSeqForWrite(s), off;
    int rc = storeAppendElement(s, RECORD_ELEMENT_DEL, pdb, COLL_LIST, key, klen, range, sizeof(range),
                           NULL, 0, 0, &off);
    if (rc != STORE_OK) return rc;
    trimmed t = {s, klen, collCreate(COLL_LIST)};
    storePushTrimUndo(s, pdb, key, klen, t.gone);
    collListTrim(c, lo, hi, keepTrimmed, &t);
    return storeAfterRemoval(s, pdb, e, c, key, klen, seq);
}

undoStep *storePushTrimUndo(store *s, int pdb, const void *key, size_t klen, collection *gone) {
    undoStep *u = storePushUndo(s, pdb, UNDO_TRIM);
    u->key = xmalloc(klen ? klen : 1);
    memcpy(u->key, key, klen);
    u->klen = klen;
    u->coll = gone;
    return u;
}

/* Puts back what a trim took (restore), into the key's collection, which
 * newer steps (the key's deletion) gave back first. */
void elementTrimUndo(store *s, undoStep *u, int restore) {
    keydirEntry *e = restore ? keydirLookup(s->kd[u->db], u->key, u->klen) : NULL;
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (!c) return;
    if (collType(c) == COLL_STREAM) {
        streamGoneUndo(s, u, c);
        return;
    }
    collIter it;
    collElem el;
    collIterInit(&it, u->coll);
    while (collIterNext(&it, &el)) {
        collPut(c, el.name, el.nlen, &el.loc, &unlimited, NULL);
        storeCountBytes(s, el.loc.segment, storeElementRecordSize(u->klen, el.nlen, el.loc.valueLen), 1);
    }
}

int storeZsetPut(store *s, int db, const void *key, size_t klen, const void *member,
                 size_t mlen, double score, int *created) {
    char v[COLL_ZSET_SCORE_LEN];
    collZsetScoreEncode(score, v);
    return storeElementPut(s, db, COLL_ZSET, key, klen, member, mlen, v, sizeof(v), created);
}

void storeSetCollLimits(store *s, const collLimits *lim) { s->collLimits = *lim; }

void storeCollectionToTable(store *s, int db, const void *key, size_t klen) {
    keydirEntry *e = keydirLookup(s->kd[s->dbMap[db]], key, klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (c) collConvertToTable(c);
}

/* Puts an element back where the step saw it (or out, if it was not
 * there), with the live bytes, and the collection back in the encoding
 * and order of u->coll if the step has one (at the locations the
 * elements have now: a compaction may have moved some since the copy);
 * the key's collection is in the keydir by then (newer steps were undone
 * first).  undoBack frees u->coll. */
void elementUndo(store *s, undoStep *u, int restore) {
    if (!restore) return;
    keydir *kd = s->kd[u->db];
    keydirEntry *e = keydirLookup(kd, u->key, u->klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (!c) return;
    if (collType(c) == COLL_STREAM) {
        streamElementUndo(s, u, c);
        return;
    }
    collLoc now;
    int was;
    if (u->existed) {
        /* in place when the write moved it, so it keeps its position */
        was = collType(c) == COLL_ZSET ? collZsetPut(c, u->name, u->nlen, u->elemScore, &u->elemLoc,
                                                     &s->collLimits, &now, NULL)
                                       : collPut(c, u->name, u->nlen, &u->elemLoc, &s->collLimits,
                                                 &now);
        storeCountBytes(s, u->elemLoc.segment,
                        storeElementRecordSize(u->klen, u->nlen, u->elemLoc.valueLen), 1);
    } else {
        was = collRemove(c, u->name, u->nlen, &now);
    }
    if (was) storeCountBytes(s, now.segment, storeElementRecordSize(u->klen, u->nlen, now.valueLen), 0);
    collection *small = u->coll ? smallCopy(u->coll, c) : NULL;
    if (small)
        keydirSetCollection(kd, u->key, u->klen, small, keydirEntryExpire(e), keydirEntrySeq(e),
                            NULL);
}
