/* store/replay.c -- what each data record does to the key directories (see
 * replay.h). */
#include "store/replay.h"

static void countLive(replayState *rp, const keydirEntry *e, int add) {
    if (!rp->countLive || !e) return;
    size_t klen;
    keydirLoc loc;
    keydirEntryKey(e, &klen);
    keydirEntryLoc(e, &loc);
    rp->countLive(rp->ctx, &loc, klen, add);
}

void replayFlushDb(replayState *rp, int db) {
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
        applyDbMap(rp, it->key, h->keylen);
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
    keydir *kd = rp->kd[h->db];
    keydirEntry *old = keydirLookup(kd, it->key, h->keylen);
    if (h->type == RECORD_SET) {
        countLive(rp, old, 0);
        keydirLoc loc = {(uint32_t)it->segId, (uint32_t)it->offset, h->vallen};
        keydirSet(kd, it->key, h->keylen, &loc, h->expireAt, h->seq, NULL);
        if (rp->countLive) rp->countLive(rp->ctx, &loc, h->keylen, 1);
    } else if (h->type == RECORD_DEL) {
        countLive(rp, old, 0);
        if (old) keydirDelete(kd, it->key, h->keylen);
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
