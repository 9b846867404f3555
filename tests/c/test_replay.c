/* tests/c/test_replay.c -- the loader's batch path (replayApplyBatch)
 * against the one-record-at-a-time replay it must equal. */
#include "test.h"

#include <stdint.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "store/keydir.h"
#include "store/record.h"
#include "store/replay.h"

#define DBS 4
#define SEGS 8
#define KEYSPACE 600
#define RECORDS 40000

/* Live bytes per segment, as replay reports them. */
typedef struct liveCount {
    int64_t bytes[SEGS + 1];
} liveCount;

static void countLiveCb(void *ctx, uint32_t segment, uint64_t bytes, int add) {
    liveCount *lc = ctx;
    if (segment > SEGS) abort();
    lc->bytes[segment] += add ? (int64_t)bytes : -(int64_t)bytes;
}

typedef struct side {
    keydir *kd[DBS];
    int dbMap[DBS];
    liveCount live;
    replayState rp;
} side;

static void sideInit(side *s, int presize) {
    memset(s, 0, sizeof(*s));
    for (int i = 0; i < DBS; i++) {
        s->kd[i] = i == 3 ? NULL : keydirCreate(); /* db 3 is created on use */
        if (s->kd[i] && presize) keydirExpand(s->kd[i], RECORDS);
        s->dbMap[i] = i;
    }
    s->rp.kd = s->kd;
    s->rp.dbCount = DBS;
    s->rp.dbMap = s->dbMap;
    s->rp.countLive = countLiveCb;
    s->rp.ctx = &s->live;
}

static void sideFree(side *s) {
    replayDiscard(&s->rp);
    for (int i = 0; i < DBS; i++) keydirRelease(s->kd[i]);
}

static uint64_t rng = 88172645463325252ULL;
static uint32_t next32(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* The generated log: items whose keys live in one arena (stable). */
typedef struct logGen {
    recoveryItem *items;
    size_t n;
    char *arena;
    size_t used, cap;
} logGen;

static const char *arenaPut(logGen *g, const void *bytes, size_t len) {
    if (g->used + len > g->cap) abort(); /* sized up front */
    char *p = g->arena + g->used;
    memcpy(p, bytes, len);
    g->used += len;
    return p;
}

/* Builds a log of every record kind, applying each to 'ref' one by one as
 * it goes (so that patches can name the key's real newest record, or,
 * now and then, a wrong one). */
static void generate(logGen *g, side *ref) {
    g->items = xcalloc(RECORDS, sizeof(recoveryItem));
    g->cap = (size_t)RECORDS * 64;
    g->arena = xmalloc(g->cap);
    uint64_t seq = 0;
    uint32_t offset = 100;
    for (size_t i = 0; i < RECORDS; i++) {
        recoveryItem *it = &g->items[g->n++];
        memset(it, 0, sizeof(*it));
        it->segId = 1 + i * SEGS / RECORDS;
        it->offset = offset;
        it->fromHint = 1;
        recordHeader *h = &it->hdr;
        h->seq = ++seq;
        h->db = (uint16_t)(next32() % DBS);
        char key[32];
        int klen = snprintf(key, sizeof(key), "key:%u", next32() % KEYSPACE);
        uint32_t roll = next32() % 1000;
        if (roll < 700) {
            h->type = RECORD_SET;
            h->vallen = 1 + next32() % 100;
            h->expireAt = next32() % 4 == 0 ? 1000 + next32() % 5000 : 0;
        } else if (roll < 780) {
            h->type = RECORD_DEL;
        } else if (roll < 850) {
            h->type = RECORD_EXPIRE;
            h->expireAt = next32() % 3 == 0 ? 0 : 1000 + next32() % 5000;
        } else if (roll < 985) {
            h->type = RECORD_PATCH;
            keydirEntry *e = ref->kd[h->db] ? keydirLookup(ref->kd[h->db], key, (size_t)klen) : NULL;
            recordPatch p = {0, next32() % 50, 0};
            keydirLoc loc = {0, 0, 0};
            if (e) {
                keydirEntryLoc(e, &loc);
                p.prevSeq = keydirEntrySeq(e);
            }
            if (next32() % 10 == 0) p.prevSeq = next32() % (seq + 1); /* a lost base */
            h->vallen = 1 + next32() % 20;
            p.valueLen = p.at + h->vallen > loc.valueLen ? p.at + h->vallen : loc.valueLen;
            char pk[RECORD_PATCH_HEADER_SIZE + 32];
            recordEncodePatch(pk, &p);
            memcpy(pk + RECORD_PATCH_HEADER_SIZE, key, (size_t)klen);
            h->keylen = RECORD_PATCH_HEADER_SIZE + (uint32_t)klen;
            it->key = arenaPut(g, pk, h->keylen);
        } else if (roll < 990) {
            h->type = RECORD_FLUSHDB;
            klen = 0;
        } else if (roll < 995) {
            h->type = RECORD_SWAPDB;
            h->db = 0;
            char ab[4];
            recordPutU16(ab, (uint16_t)(next32() % DBS));
            recordPutU16(ab + 2, (uint16_t)(next32() % DBS));
            h->keylen = 4;
            it->key = arenaPut(g, ab, 4);
        } else if (roll < 997) {
            h->type = RECORD_DBMAP;
            h->db = 0;
            char map[2 * DBS];
            int perm[DBS] = {3, 1, 0, 2};
            for (int d = 0; d < DBS; d++) recordPutU16(map + 2 * d, (uint16_t)perm[d]);
            h->keylen = 2 * DBS;
            it->key = arenaPut(g, map, h->keylen);
        } else {
            h->type = RECORD_SET; /* a database this configuration lacks */
            h->db = DBS + 1;
            h->vallen = 5;
        }
        if (it->key == NULL) {
            h->keylen = (uint32_t)klen;
            it->key = arenaPut(g, key, (size_t)klen);
        }
        offset += (uint32_t)recordEncodedSize(h->keylen, h->vallen);
        replayApply(&ref->rp, it);
    }
}

/* Every key of a equals b's: location, sequence number, expiry, chain. */
static int sameKeydirs(side *a, side *b) {
    for (int db = 0; db < DBS; db++) {
        size_t na = a->kd[db] ? keydirSize(a->kd[db]) : 0;
        size_t nb = b->kd[db] ? keydirSize(b->kd[db]) : 0;
        if (!ASSERT_EQ_INT((long long)na, (long long)nb)) return 0;
        if (na == 0) continue;
        keydirIterator it;
        keydirIterInit(&it, a->kd[db]);
        keydirEntry *e;
        int ok = 1;
        while (ok && (e = keydirIterNext(&it)) != NULL) {
            size_t klen;
            const void *key = keydirEntryKey(e, &klen);
            keydirEntry *f = keydirLookup(b->kd[db], key, klen);
            if (!ASSERT(f != NULL)) {
                ok = 0;
                break;
            }
            keydirLoc la, lb;
            keydirEntryLoc(e, &la);
            keydirEntryLoc(f, &lb);
            ok = ASSERT(la.segment == lb.segment && la.offset == lb.offset &&
                        la.valueLen == lb.valueLen) &&
                 ASSERT(keydirEntrySeq(e) == keydirEntrySeq(f)) &&
                 ASSERT(keydirEntryExpire(e) == keydirEntryExpire(f));
            const keydirChain *ca = keydirEntryChain(e), *cb = keydirEntryChain(f);
            if (ok && ASSERT((ca == NULL) == (cb == NULL)) && ca)
                ok = ASSERT(ca->n == cb->n) &&
                     ASSERT(memcmp(ca->rec, cb->rec, ca->n * sizeof(ca->rec[0])) == 0);
        }
        keydirIterRelease(&it);
        if (!ok) return 0;
    }
    return 1;
}

static void testBatchEqualsSerial(void) {
    side ref;
    sideInit(&ref, 0);
    logGen g = {0};
    generate(&g, &ref);
    replayFinish(&ref.rp);
    TEST_CASE("the generated log has every kind of record and lost patches") {
        for (int t = RECORD_SET; t <= RECORD_PATCH; t++) {
            if (t == RECORD_FLUSHALL || t == RECORD_BATCH_BEGIN || t == RECORD_BATCH_COMMIT)
                continue;
            ASSERT(ref.rp.byType[t] > 0);
        }
        ASSERT(ref.rp.patchesDropped > 0);
        ASSERT(ref.rp.ignored > 0);
    }
    /* every key hashed ahead, as a hint loader's helper does (hint.h) */
    uint64_t *hashes = xmalloc(g.n * sizeof(uint64_t));
    for (size_t k = 0; k < g.n; k++) hashes[k] = keydirHash(g.items[k].key, g.items[k].hdr.keylen);
    for (int variant = 0; variant <= 2; variant++) {
        int presize = variant >= 1, hashed = variant == 2;
        side b;
        sideInit(&b, presize);
        /* batches of every size, 1 to more than REPLAY_BATCH_MAX */
        size_t i = 0;
        while (i < g.n) {
            size_t n = 1 + next32() % (REPLAY_BATCH_MAX + 60);
            if (n > g.n - i) n = g.n - i;
            replayApplyBatch(&b.rp, g.items + i, hashed ? hashes + i : NULL, n);
            i += n;
        }
        replayFinish(&b.rp);
        TEST_CASE(hashed    ? "batch replay with the keys hashed ahead equals serial replay"
                  : presize ? "batch replay into pre-sized keydirs equals serial replay"
                            : "batch replay equals serial replay") {
            sameKeydirs(&ref, &b);
            ASSERT(memcmp(ref.dbMap, b.dbMap, sizeof(ref.dbMap)) == 0);
            ASSERT(memcmp(ref.live.bytes, b.live.bytes, sizeof(ref.live.bytes)) == 0);
            ASSERT(memcmp(ref.rp.byType, b.rp.byType, sizeof(ref.rp.byType)) == 0);
            ASSERT_EQ_INT((long long)ref.rp.patchesDropped, (long long)b.rp.patchesDropped);
            ASSERT_EQ_INT((long long)ref.rp.ignored, (long long)b.rp.ignored);
            ASSERT_EQ_INT((long long)ref.rp.mergedSeq, (long long)b.rp.mergedSeq);
        }
        TEST_CASE("after dropping expired keys both sides still agree") {
            replayDropExpired(&ref.rp, 3500);
            replayDropExpired(&b.rp, 3500);
            sameKeydirs(&ref, &b);
            ASSERT(memcmp(ref.live.bytes, b.live.bytes, sizeof(ref.live.bytes)) == 0);
        }
        sideFree(&b);
        /* the reference was changed by the expiry drop: rebuild it */
        sideFree(&ref);
        sideInit(&ref, 0);
        for (size_t k = 0; k < g.n; k++) replayApply(&ref.rp, &g.items[k]);
        replayFinish(&ref.rp);
    }
    TEST_CASE("live bytes equal what the keys hold") {
        liveCount recount = {{0}};
        for (int db = 0; db < DBS; db++) {
            if (!ref.kd[db]) continue;
            keydirIterator it;
            keydirIterInit(&it, ref.kd[db]);
            keydirEntry *e;
            while ((e = keydirIterNext(&it)) != NULL)
                replayCountEntry(e, countLiveCb, &recount, 1);
            keydirIterRelease(&it);
        }
        ASSERT(memcmp(recount.bytes, ref.live.bytes, sizeof(recount.bytes)) == 0);
    }
    sideFree(&ref);
    xfree(hashes);
    xfree(g.items);
    xfree(g.arena);
}

/* The hashed keydir calls are the plain ones with the hash given. */
static void testHashedKeydir(void) {
    TEST_CASE("keydirSetHashed and keydirLookupHashed equal keydirSet and keydirLookup") {
        keydir *kd = keydirCreate();
        keydirExpand(kd, 1000);
        for (int i = 0; i < 2000; i++) {
            char key[16];
            int klen = snprintf(key, sizeof(key), "k%d", i % 700);
            uint64_t h = keydirHash(key, (size_t)klen);
            keydirPrefetch(kd, h, 0);
            keydirPrefetch(kd, h, 1);
            keydirLoc loc = {1, (uint32_t)i, (uint32_t)i};
            keydirSetHashed(kd, key, (size_t)klen, h, &loc, 0, (uint64_t)i + 1, NULL);
            keydirEntry *e = keydirLookupHashed(kd, key, (size_t)klen, h);
            if (!ASSERT(e != NULL && e == keydirLookup(kd, key, (size_t)klen))) break;
            if (!ASSERT(keydirEntrySeq(e) == (uint64_t)i + 1)) break;
        }
        ASSERT_EQ_INT((long long)keydirSize(kd), 700);
        keydirRelease(kd);
    }
}

/* keydirLoadSet: one walk for what keydirLookupHashed + keydirSetHashed
 * did, telling the loader what it replaced. */
static void testLoadSet(void) {
    TEST_CASE("keydirLoadSet inserts, replaces (giving the old location) or leaves a chain") {
        keydir *kd = keydirCreate();
        keydirExpandForLoad(kd, 100);
        uint64_t h = keydirHash("k", 1);
        keydirLoc a = {1, 100, 10}, b = {2, 200, 20}, old = {0, 0, 0};
        ASSERT_EQ_INT(keydirLoadSet(kd, "k", 1, h, &a, 0, 1, &old), KEYDIR_LOAD_NEW);
        ASSERT_EQ_INT(keydirLoadSet(kd, "k", 1, h, &b, 5000, 2, &old), KEYDIR_LOAD_REPLACED);
        ASSERT(old.segment == 1 && old.offset == 100 && old.valueLen == 10);
        keydirEntry *e = keydirLookup(kd, "k", 1);
        keydirLoc now;
        keydirEntryLoc(e, &now);
        ASSERT(now.segment == 2 && now.offset == 200 && now.valueLen == 20);
        ASSERT(keydirEntryExpire(e) == 5000 && keydirEntrySeq(e) == 2);
        ASSERT_EQ_INT((long long)keydirExpiresCount(kd), 1);
        /* a patched key: nothing changes, the caller takes the long way */
        keydirChainRec base = {2, 200, 60, 0, 20}, patch = {3, 300, 50, 5, 4};
        keydirAppendPatch(kd, "k", 1, &base, &patch, 20, 3);
        keydirLoc c = {4, 400, 40};
        ASSERT_EQ_INT(keydirLoadSet(kd, "k", 1, h, &c, 0, 4, &old), KEYDIR_LOAD_CHAINED);
        e = keydirLookup(kd, "k", 1);
        ASSERT(keydirEntryChain(e) != NULL && keydirEntrySeq(e) == 3);
        ASSERT_EQ_INT((long long)keydirSize(kd), 1);
        keydirRelease(kd);
    }
}

int main(void) {
    testHashedKeydir();
    testLoadSet();
    testBatchEqualsSerial();
    return testReport();
}
