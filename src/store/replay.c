/* store/replay.c -- what each data record does to the key directories (see
 * replay.h). */
#include "store/replay.h"

#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/dict.h"
#include "store/coll_stream.h"
#include "store/collection.h"
#include "store/meta.h"

/* The bytes of the element record at loc, of a key of klen bytes. */
static inline uint64_t elementRecordSize(size_t klen, size_t nlen, const collLoc *loc) {
    return recordEncodedSize(RECORD_ELEMENT_HEADER_SIZE + klen + nlen, loc->valueLen);
}

void replayCountCollection(const collection *coll, size_t klen, replayLiveFn *fn, void *ctx,
                           int add) {
    collIter it;
    collElem el;
    collIterInit(&it, coll);
    while (collIterNext(&it, &el))
        fn(ctx, el.loc.segment, elementRecordSize(klen, el.nlen, &el.loc), add);
}

void replayCountEntry(const keydirEntry *e, replayLiveFn *fn, void *ctx, int add) {
    const collection *coll = keydirEntryCollection(e);
    if (coll) {
        size_t klen;
        keydirEntryKey(e, &klen);
        replayCountCollection(coll, klen, fn, ctx, add);
        return;
    }
    const keydirChain *c = keydirEntryChain(e);
    if (c) {
        for (uint32_t i = 0; i < c->n; i++) fn(ctx, c->rec[i].segment, c->rec[i].recordSize, add);
        return;
    }
    size_t klen;
    keydirLoc loc;
    keydirEntryKey(e, &klen);
    keydirEntryLoc(e, &loc);
    fn(ctx, loc.segment, recordEncodedSize(klen, loc.valueLen), add);
}

static void countLive(replayState *rp, const keydirEntry *e, int add) {
    if (rp->countLive && e) replayCountEntry(e, rp->countLive, rp->ctx, add);
}

/* A patch that cannot be applied: its key is dropped (see replay.h). */
static void dropPatched(replayState *rp, const recoveryItem *it, const char *key,
                        uint32_t klen, keydirEntry *e, const char *why) {
    countLive(rp, e, 0);
    if (e) keydirDelete(rp->kd[it->hdr.db], key, klen);
    rp->patchesDropped++;
    if (rp->report) rp->report(rp->ctx, it, why);
}

/* ---- Orphans: patches of a missing key, held (replay.h) ---------------- */

/* One held key: its first orphan patch (where the report points) and how
 * many there are.  It is the
 * dict's key (the dict has no values); a lookup probe is a stack orphan
 * whose key points at the caller's bytes. */
typedef struct orphan {
    int db;
    uint32_t klen;
    const char *key;        /* into raw, or the caller's (a probe) */
    uint64_t patches;
    recoveryItem first;     /* first.key points at raw */
    char raw[];             /* the first patch's record key, header included */
} orphan;

static uint64_t orphanHash(const void *k) {
    const orphan *o = k;
    return keydirHash(o->key, o->klen) ^ (uint64_t)o->db;
}

static int orphanEqual(const void *a, const void *b) {
    const orphan *x = a, *y = b;
    return x->db == y->db && x->klen == y->klen && memcmp(x->key, y->key, x->klen) == 0;
}

static const dictType orphanType = {orphanHash, orphanEqual, xfree, NULL};

/* Holds patch 'it' of the missing key db/key (klen bytes). */
static void holdOrphan(replayState *rp, const recoveryItem *it, const char *key,
                       uint32_t klen) {
    if (rp->orphans == NULL) rp->orphans = dictCreate(&orphanType);
    orphan probe = {it->hdr.db, klen, key, 0, {0}};
    dictEntry *de = dictFind(rp->orphans, &probe);
    orphan *o = de ? dictGetKey(de) : NULL;
    if (o == NULL) {
        o = xmalloc(sizeof(*o) + it->hdr.keylen);
        memcpy(o->raw, it->key, it->hdr.keylen);
        o->db = it->hdr.db;
        o->klen = klen;
        o->key = o->raw + (it->hdr.keylen - klen);
        o->patches = 0;
        o->first = *it;
        o->first.key = o->raw;
        dictAdd(rp->orphans, o, NULL);
    }
    o->patches++;
}

/* A SET or DEL of db/key: its orphans, if any, are moot. */
static inline void forgetOrphan(replayState *rp, int db, const char *key, uint32_t klen) {
    if (rp->orphans == NULL) return;
    orphan probe = {db, klen, key, 0, {0}};
    dictDelete(rp->orphans, &probe);
}

/* A flush of physical database db. */
static void forgetOrphansOfDb(replayState *rp, int db) {
    if (rp->orphans == NULL) return;
    dictIterator *di = dictGetSafeIterator(rp->orphans);
    dictEntry *de;
    while ((de = dictNext(di)) != NULL) {
        orphan *o = dictGetKey(de);
        if (o->db == db) dictDelete(rp->orphans, o);
    }
    dictReleaseIterator(di);
}

static void shrinkConverted(replayState *rp);
static void freeConverted(replayState *rp);

void replayDiscard(replayState *rp) {
    if (rp->orphans) dictRelease(rp->orphans);
    rp->orphans = NULL;
    freeConverted(rp);
}

void replayFinish(replayState *rp) {
    shrinkConverted(rp);
    freeConverted(rp);
    if (rp->orphans == NULL) return;
    dictIterator *di = dictGetIterator(rp->orphans);
    dictEntry *de;
    while ((de = dictNext(di)) != NULL) {
        orphan *o = dictGetKey(de);
        rp->patchesDropped += o->patches;
        if (rp->report) {
            char why[128];
            snprintf(why, sizeof(why), "%llu patch%s of a missing key (base record lost)",
                     (unsigned long long)o->patches, o->patches == 1 ? "" : "es");
            rp->report(rp->ctx, &o->first, why);
        }
    }
    dictReleaseIterator(di);
    replayDiscard(rp);
}

/* PATCH: extends the key's chain when the key's newest record is the one
 * the patch names (replay.h has the other cases). */
static void applyPatch(replayState *rp, const recoveryItem *it) {
    const recordHeader *h = &it->hdr;
    recordPatch p;
    recordDecodePatch(it->key, &p);
    const char *key = it->key + RECORD_PATCH_HEADER_SIZE;
    uint32_t klen = h->keylen - RECORD_PATCH_HEADER_SIZE;
    keydir *kd = rp->kd[h->db];
    keydirEntry *e = keydirLookup(kd, key, klen);
    if (!e) {
        if (p.prevSeq > rp->mergedSeq) holdOrphan(rp, it, key, klen);
        return;
    }
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    if (keydirEntrySeq(e) != p.prevSeq) {
        if (h->seq <= keydirEntrySeq(e)) return; /* folded into a newer record */
        dropPatched(rp, it, key, klen, e, "patch of a record that is not the key's newest");
        return;
    }
    uint64_t end = (uint64_t)p.at + h->vallen;
    uint64_t want = end > loc.valueLen ? end : loc.valueLen;
    if (want != p.valueLen) {
        dropPatched(rp, it, key, klen, e, "patch with an inconsistent value length");
        return;
    }
    /* base is used only when the key has no chain yet: then its newest
     * record is a SET of the whole value */
    keydirChainRec base = {loc.segment, loc.offset,
                           (uint32_t)recordEncodedSize(klen, loc.valueLen), 0, loc.valueLen};
    keydirChainRec rec = {(uint32_t)it->segId, (uint32_t)it->offset,
                          (uint32_t)recordEncodedSize(h->keylen, h->vallen), p.at, h->vallen};
    keydirAppendPatch(kd, key, klen, &base, &rec, p.valueLen, h->seq);
    if (rp->countLive) rp->countLive(rp->ctx, rec.segment, rec.recordSize, 1);
}

/* ---- Elements of collections (record.h, RECORD_ELEMENT) ---------------- */

static const collLimits defaultLimits = COLL_LIMITS_DEFAULT;

/* The element's record starts (add = 1) or stops (0) being live. */
static void countElement(replayState *rp, size_t klen, size_t nlen, const collLoc *loc,
                         int add) {
    if (rp->countLive)
        rp->countLive(rp->ctx, loc->segment, elementRecordSize(klen, nlen, loc), add);
}

/* What a list trim passes to uncountTrimmed. */
typedef struct trimCount {
    replayState *rp;
    size_t klen;
} trimCount;

static void uncountTrimmed(void *priv, const collElem *e) {
    trimCount *t = priv;
    countElement(t->rp, t->klen, e->nlen, &e->loc, 0);
}

/* A list trim (record.h): the elements outside [lo, hi] go. */
static int trimList(replayState *rp, collection *c, const recordElement *el) {
    trimCount t = {rp, el->klen};
    uint64_t lo = collListNamePos(el->name), hi = collListNamePos(el->name + COLL_LIST_NAME_LEN);
    return collListTrim(c, lo, hi, uncountTrimmed, &t) > 0;
}

/* ELEMENT_DEL: the element goes (or, for a list trim, the elements it
 * names); the key too with its last element. */
static void removeElement(replayState *rp, const recoveryItem *it, const recordElement *el) {
    keydir *kd = rp->kd[it->hdr.db];
    keydirEntry *e = keydirLookup(kd, el->key, el->klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    collLoc old;
    if (!c || collType(c) != el->ctype) return;
    if (el->ctype == COLL_LIST && el->nlen == RECORD_LIST_TRIM_NAME_LEN) {
        if (!trimList(rp, c, el)) return;
    } else if (el->ctype == COLL_STREAM) {
        trimCount t = {rp, el->klen};
        if (!collStreamRemove(c, el->name, el->nlen, uncountTrimmed, &t)) return;
    } else {
        if (!collRemove(c, el->name, el->nlen, &old)) return;
        countElement(rp, el->klen, el->nlen, &old, 0);
    }
    if (collCount(c) == 0) keydirDelete(kd, el->key, el->klen);
    else keydirEntrySetSeq(e, it->hdr.seq);
}

/* Whether an element record's name suits its collection type: a list's
 * are positions, or, for ELEMENT_DEL, a trim's two. */
static int elementNameFits(const recoveryItem *it, const recordElement *el) {
    if (el->nlen > COLL_NAME_MAX) return 0;
    if (el->ctype != COLL_LIST) return 1;
    return el->nlen == COLL_LIST_NAME_LEN ||
           (it->hdr.type == RECORD_ELEMENT_DEL && el->nlen == RECORD_LIST_TRIM_NAME_LEN);
}

/* The keys of replayState.converted. */
typedef struct replayKeyList {
    struct replayKey {
        int db;
        size_t klen;
        char *key;
    } *v;
    size_t n, cap;
} replayKeyList;

static void noteConverted(replayState *rp, int db, const char *key, size_t klen) {
    if (rp->converted == NULL) rp->converted = xcalloc(1, sizeof(replayKeyList));
    replayKeyList *l = rp->converted;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc(l->v, sizeof(*l->v) * l->cap);
    }
    l->v[l->n].db = db;
    l->v[l->n].klen = klen;
    l->v[l->n].key = xmalloc(klen ? klen : 1);
    memcpy(l->v[l->n].key, key, klen);
    l->n++;
}

/* The converted collections whose final contents fit a small encoding
 * get it back (the same elements at the same locations: live bytes do
 * not change). */
static void shrinkConverted(replayState *rp) {
    replayKeyList *l = rp->converted;
    const collLimits *lim = rp->limits ? rp->limits : &defaultLimits;
    for (size_t i = 0; l && i < l->n; i++) {
        keydir *kd = rp->kd[l->v[i].db];
        keydirEntry *e = kd ? keydirLookup(kd, l->v[i].key, l->v[i].klen) : NULL;
        collection *c = e ? keydirEntryCollection(e) : NULL;
        collection *small = c ? collRebuildSmall(c, lim) : NULL;
        if (small)
            keydirSetCollection(kd, l->v[i].key, l->v[i].klen, small, keydirEntryExpire(e),
                                keydirEntrySeq(e), NULL);
    }
}

static void freeConverted(replayState *rp) {
    replayKeyList *l = rp->converted;
    if (!l) return;
    for (size_t i = 0; i < l->n; i++) xfree(l->v[i].key);
    xfree(l->v);
    xfree(l);
    rp->converted = NULL;
}

/* Whether an ELEMENT of a sorted set carries a score: 8 bytes delivered
 * with it (recordValueIndexed), not a NaN (record.h).  Into *score. */
static int zsetScoreOf(const recoveryItem *it, double *score) {
    if (it->value == NULL || it->hdr.vallen != COLL_ZSET_SCORE_LEN) return 0;
    double s = collZsetScoreDecode(it->value);
    if (s != s) return 0;
    if (score) *score = s;
    return 1;
}

/* Whether c is in its large encoding (TABLE, a sorted set's SKIPLIST). */
static int isLarge(const collection *c) {
    return collEncoding(c) == COLL_ENC_TABLE || collEncoding(c) == COLL_ENC_SKIPLIST;
}

/* ELEMENT: the element holds this record's value; a key that is absent
 * or holds something else becomes a new collection of the record's type. */
static void putElement(replayState *rp, const recoveryItem *it, const recordElement *el) {
    const recordHeader *h = &it->hdr;
    keydir *kd = rp->kd[h->db];
    keydirEntry *e = keydirLookup(kd, el->key, el->klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (!c || collType(c) != el->ctype) {
        countLive(rp, e, 0);
        c = collCreate(el->ctype);
        keydirSetCollection(kd, el->key, el->klen, c, h->expireAt, h->seq, NULL);
        forgetOrphan(rp, h->db, el->key, el->klen);
    } else {
        e = keydirSetExpire(kd, el->key, el->klen, h->expireAt);
        keydirEntrySetSeq(e, h->seq);
    }
    collLoc loc = {(uint32_t)it->segId, (uint32_t)it->offset, h->vallen}, old;
    int wasTable = isLarge(c), existed;
    const collLimits *lim = rp->limits ? rp->limits : &defaultLimits;
    double score;
    if (el->ctype == COLL_ZSET && zsetScoreOf(it, &score))
        existed = collZsetPut(c, el->name, el->nlen, score, &loc, lim, &old, NULL);
    else if (el->ctype == COLL_STREAM)
        existed = collStreamPut(c, el->name, el->nlen, it->value, h->vallen, &loc, &old) == 1;
    else
        existed = collPut(c, el->name, el->nlen, &loc, lim, &old);
    if (existed) countElement(rp, el->klen, el->nlen, &old, 0);
    countElement(rp, el->klen, el->nlen, &loc, 1);
    if (!wasTable && isLarge(c) && collCount(c) > 1)
        noteConverted(rp, h->db, el->key, el->klen);
}

/* Either element record; one whose element header does not check out
 * (only a bug writes one: its checksum passed) or names a collection type
 * this build does not know is ignored. */
static void applyElement(replayState *rp, const recoveryItem *it) {
    recordElement el;
    if (recordCheckElement(it->key, it->hdr.keylen) != NULL) {
        rp->ignored++;
        return;
    }
    recordDecodeElement(it->key, it->hdr.keylen, &el);
    if (el.ctype > COLL_TYPE_MAX || !elementNameFits(it, &el) ||
        (el.ctype == COLL_ZSET && it->hdr.type == RECORD_ELEMENT && !zsetScoreOf(it, NULL)) ||
        (el.ctype == COLL_STREAM && it->hdr.type == RECORD_ELEMENT &&
         !collStreamCheckElement(el.name, el.nlen, it->value, it->hdr.vallen))) {
        rp->ignored++;
        return;
    }
    if (it->hdr.type == RECORD_ELEMENT) putElement(rp, it, &el);
    else removeElement(rp, it, &el);
}

/* ---- Metadata (record.h, RECORD_META) ----------------------------------- */

/* META: the name's entry points at this record (its value is read after
 * the load); META_DEL: the entry goes.  The record replaced or deleted
 * stops being live. */
static void applyMeta(replayState *rp, const recoveryItem *it) {
    const recordHeader *h = &it->hdr;
    if (rp->meta == NULL) return;
    metaEntry old;
    if (metaTableRemove(rp->meta, it->key, h->keylen, &old)) {
        if (rp->countLive)
            rp->countLive(rp->ctx, old.loc.segment, recordEncodedSize(old.nlen, old.loc.valueLen),
                          0);
        metaEntryRelease(&old);
    }
    if (h->type == RECORD_META_DEL) return;
    int created;
    metaEntry *e = metaTableUpsert(rp->meta, it->key, h->keylen, &created);
    e->loc.segment = (uint32_t)it->segId;
    e->loc.offset = (uint32_t)it->offset;
    e->loc.valueLen = h->vallen;
    e->seq = h->seq;
    if (rp->countLive)
        rp->countLive(rp->ctx, e->loc.segment, recordEncodedSize(h->keylen, h->vallen), 1);
}

void replayFlushDb(replayState *rp, int db) {
    forgetOrphansOfDb(rp, db);
    keydir *kd = rp->kd[db];
    if (kd == NULL) return;
    if (rp->countLive) {
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        while ((e = keydirIterNext(&it)) != NULL) countLive(rp, e, 0);
        keydirIterRelease(&it);
    }
    keydirEmpty(kd);
}

/* SWAPDB a b: logical a and b exchange their physical databases. */
static void applySwap(replayState *rp, const char *key) {
    int a = recordGetU16(key), b = recordGetU16(key + 2);
    if (a >= rp->dbCount || b >= rp->dbCount) {
        rp->ignored++;
        return;
    }
    int t = rp->dbMap[a];
    rp->dbMap[a] = rp->dbMap[b];
    rp->dbMap[b] = t;
}

/* DBMAP: the whole map.  A map written with more databases than this
 * configuration has is applied only if its first dbCount entries are a
 * permutation of them; a shorter one leaves the rest as they are (the
 * identity, when compaction wrote it). */
static void applyDbMap(replayState *rp, const char *key, uint32_t klen) {
    int n = (int)(klen / 2) < rp->dbCount ? (int)(klen / 2) : rp->dbCount;
    unsigned char seen[65536 / 8] = {0};
    for (int i = 0; i < n; i++) {
        int p = recordGetU16(key + 2 * i);
        if (p >= n || seen[p / 8] & (1 << (p % 8))) {
            rp->ignored++;
            return;
        }
        seen[p / 8] |= (unsigned char)(1 << (p % 8));
    }
    for (int i = 0; i < n; i++) rp->dbMap[i] = recordGetU16(key + 2 * i);
}

/* SET with the key's hash known: the common record of a load. */
static void applySet(replayState *rp, const recoveryItem *it, uint64_t hash) {
    const recordHeader *h = &it->hdr;
    keydir *kd = rp->kd[h->db];
    keydirLoc loc = {(uint32_t)it->segId, (uint32_t)it->offset, h->vallen}, old;
    switch (keydirLoadSet(kd, it->key, h->keylen, hash, &loc, h->expireAt, h->seq, &old)) {
    case KEYDIR_LOAD_REPLACED:
        if (rp->countLive)
            rp->countLive(rp->ctx, old.segment, recordEncodedSize(h->keylen, old.valueLen), 0);
        break;
    case KEYDIR_LOAD_CHAINED: /* rare: every record of the chain or collection stops counting */
        countLive(rp, keydirLookupHashed(kd, it->key, h->keylen, hash), 0);
        keydirSetHashed(kd, it->key, h->keylen, hash, &loc, h->expireAt, h->seq, NULL);
        break;
    default:
        break;
    }
    if (rp->countLive)
        rp->countLive(rp->ctx, loc.segment, recordEncodedSize(h->keylen, h->vallen), 1);
    forgetOrphan(rp, h->db, it->key, h->keylen);
}

/* The prefetch pipeline, in items: a key's bucket slot is fetched
 * 2 * AHEAD items before its SET is applied, the entry the slot points at
 * AHEAD items before.  AHEAD 8: about the misses a core keeps in flight
 * (10 to 12 line-fill buffers), so those of eight keys overlap; fetching
 * further ahead only evicts lines before they are used. */
#define REPLAY_PREFETCH_AHEAD 8

/* A batch item that takes the SET fast path (its keydir may not exist
 * yet: an earlier item of the batch, or its own apply, creates it). */
static inline int isFastSet(const replayState *rp, const recoveryItem *it) {
    return it->hdr.type == RECORD_SET && it->hdr.db < rp->dbCount;
}

/* Fetches item i's bucket slot (entry 0) or first entry (1), if it is a
 * SET whose keydir exists. */
static inline void prefetchItem(const replayState *rp, const recoveryItem *items,
                                const uint64_t *hash, size_t i, size_t n, int entry) {
    if (i >= n || !isFastSet(rp, &items[i])) return;
    const keydir *kd = rp->kd[items[i].hdr.db];
    if (kd) keydirPrefetch(kd, hash[i], entry);
}

void replayApplyBatch(replayState *rp, const recoveryItem *items, const uint64_t *hashes,
                      size_t n) {
    uint64_t hash[REPLAY_BATCH_MAX];
    while (n > REPLAY_BATCH_MAX) {
        replayApplyBatch(rp, items, hashes, REPLAY_BATCH_MAX);
        items += REPLAY_BATCH_MAX;
        if (hashes) hashes += REPLAY_BATCH_MAX;
        n -= REPLAY_BATCH_MAX;
    }
    /* A FLUSH or SWAPDB in the batch makes some prefetches useless, never
     * wrong: the hash depends on the key bytes only, a prefetch changes
     * nothing, and each item is applied in order below. */
    if (hashes == NULL) {
        for (size_t i = 0; i < n; i++)
            if (isFastSet(rp, &items[i])) hash[i] = keydirHash(items[i].key, items[i].hdr.keylen);
        hashes = hash;
    }
    for (size_t i = 0; i < 2 * REPLAY_PREFETCH_AHEAD; i++)
        prefetchItem(rp, items, hashes, i, n, 0);
    for (size_t i = 0; i < n; i++) {
        prefetchItem(rp, items, hashes, i + 2 * REPLAY_PREFETCH_AHEAD, n, 0);
        prefetchItem(rp, items, hashes, i + REPLAY_PREFETCH_AHEAD, n, 1);
        if (isFastSet(rp, &items[i])) {
            rp->byType[RECORD_SET]++;
            if (rp->kd[items[i].hdr.db] == NULL) rp->kd[items[i].hdr.db] = keydirCreate();
            applySet(rp, &items[i], hashes[i]);
        } else {
            replayApply(rp, &items[i]);
        }
    }
}

void replayApply(replayState *rp, const recoveryItem *it) {
    const recordHeader *h = &it->hdr;
    rp->byType[h->type]++;
    switch (h->type) {
    case RECORD_FLUSHALL:
        for (int db = 0; db < rp->dbCount; db++) replayFlushDb(rp, db);
        return;
    case RECORD_SWAPDB:
        applySwap(rp, it->key);
        return;
    case RECORD_DBMAP:
        if (h->seq > rp->mergedSeq) rp->mergedSeq = h->seq;
        applyDbMap(rp, it->key, h->keylen);
        return;
    case RECORD_META:
    case RECORD_META_DEL:
        applyMeta(rp, it);
        return;
    default:
        break;
    }
    if (h->db >= rp->dbCount) {
        rp->ignored++;
        return;
    }
    if (h->type == RECORD_FLUSHDB) {
        replayFlushDb(rp, h->db);
        return;
    }
    if (rp->kd[h->db] == NULL) rp->kd[h->db] = keydirCreate();
    if (h->type == RECORD_PATCH) {
        applyPatch(rp, it);
        return;
    }
    if (h->type == RECORD_ELEMENT || h->type == RECORD_ELEMENT_DEL) {
        applyElement(rp, it);
        return;
    }
    if (h->type == RECORD_SET) {
        applySet(rp, it, keydirHash(it->key, h->keylen));
        return;
    }
    keydir *kd = rp->kd[h->db];
    keydirEntry *old = keydirLookup(kd, it->key, h->keylen);
    if (h->type == RECORD_DEL) {
        countLive(rp, old, 0);
        if (old) keydirDelete(kd, it->key, h->keylen);
        forgetOrphan(rp, h->db, it->key, h->keylen);
    } else if (h->type == RECORD_EXPIRE && old) {
        keydirSetExpire(kd, it->key, h->keylen, h->expireAt);
    }
}

uint64_t replayDropExpired(replayState *rp, int64_t nowMs) {
    uint64_t dropped = 0;
    for (int db = 0; db < rp->dbCount; db++) {
        keydir *kd = rp->kd[db];
        if (kd == NULL || keydirExpiresCount(kd) == 0) continue;
        keydirIterator it;
        keydirIterInit(&it, kd);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) {
            int64_t when = keydirEntryExpire(e);
            if (when == 0 || when > nowMs) continue;
            size_t klen;
            const void *key = keydirEntryKey(e, &klen);
            countLive(rp, e, 0);
            keydirDelete(kd, key, klen);
            dropped++;
        }
        keydirIterRelease(&it);
    }
    return dropped;
}

int replayEncodeDbMap(const int *dbMap, int dbCount, char *dst) {
    int identity = 1;
    for (int i = 0; i < dbCount; i++) {
        recordPutU16(dst + 2 * i, (uint16_t)dbMap[i]);
        if (dbMap[i] != i) identity = 0;
    }
    return !identity;
}
