/* store/compact.c -- compaction (merge), the owner thread's side: when to
 * merge, which records are live, relocations, and giving up the old segments.
 * The I/O happens on the worker (compactor.c).
 *
 * A merge takes EVERY segment before a point: it seals the active segment
 * A into the inputs (without a hint: it is about to go) and starts the new active segment at A + G, leaving
 * the ids A+1 .. A+G-1 free for the outputs.  Recovery replays segments
 * in id order, so the outputs replay after all inputs and before anything
 * written since the merge began.  That is what makes it safe:
 *
 *   - an output holds only records that were live (the newest record of
 *     their key) when the owner gave its verdict, with the key's expiry of
 *     that moment; replayed after the inputs it changes nothing, because
 *     the inputs' replay already ends in that state, and whatever happened
 *     since (overwrites, deletes, expiry changes, flushes) is in segments
 *     replayed after the outputs;
 *   - so a crash at any point leaves a correct data set: outputs are
 *     written under temporary names (removed at startup) and published
 *     only when complete and fsynced; inputs are deleted only after every
 *     output is published and everything written since is synced (the
 *     records that made them dead), oldest first, each unlink durable
 *     before the next, so the inputs that remain are always the newest
 *     ones.  A
 *     record in them that is dead was killed by a newer record, which is
 *     still there (in a remaining input, or after the outputs);
 *   - tombstones, flush and expire records of the inputs are not copied:
 *     nothing older than them survives the merge; nor are SWAPDB records,
 *     so the first output starts with a DBMAP record stating the
 *     database map as the inputs leave it (record.h).
 *
 * Metadata (record.h RECORD_META) is judged like a plain key: a META
 * record is live while its name's entry points at exactly it, its copy
 * is relocated only if the entry still does, and META_DEL tombstones are
 * dropped with the others, by the same argument (a newer META of the
 * name, written during the merge, replays after the outputs).
 *
 * Patched keys (store.c, record.h RECORD_PATCH).  Compaction never copies
 * a PATCH record.  When it meets the base SET of a live chain, the owner
 * reads the key's whole value and hands it over as one SET record that
 * carries the sequence number and write time of the chain's newest
 * record and the key's current expiry; the key is relocated to it only if
 * its newest record is still the one it was at the verdict (a patch
 * written meanwhile leaves the copy as garbage and the chain, with its
 * base, where it is).  Relocation makes every record of the chain
 * garbage, in whatever segment it lies.  Crash safety, in the terms above:
 * the materialised SET replays after the inputs, where the chain's
 * records (those in inputs) rebuilt exactly its value; patches written
 * since the merge began replay after it, and replay.h skips those whose
 * sequence number is not above the SET's (they are already in it).  A
 * patch written between the verdict and the relocation names the chain's
 * newest record by its sequence number, which the SET carries too, so
 * after a restart it applies to the SET (the same value); at run time the
 * relocation failed, the chain stays and its inputs are kept.  The same
 * holds for a plain SET copied by the merge and patched before its
 * relocation: the copy keeps the sequence number the patch names.  So
 * the chain's records may be deleted as soon as the outputs holding the
 * materialised value are durable, like any relocated record.
 *
 * An input is given up only when no key points into it (its liveBytes is
 * 0); every live record was relocated or overwritten by then.  One that
 * still holds live data (a record that failed its checksum cannot be
 * copied) is kept, with every newer input, and the merge says so. */
#include "store/store_internal.h"

#include "lib/alloc.h"
#include "store/collection.h"
#include "store/record.h"
#include "store/replay.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#define COMPACT_RETRY_AFTER_FAILURE_MS 10000

static segment *activeSeg(store *s) { return s->segs[s->nsegs - 1]; }

int storeCompacting(const store *s) { return s->compact != NULL; }

int storeCompactFd(const store *s) { return s->compactEfd; }

void storeSetCompaction(store *s, int garbagePercent, uint64_t minBytes) {
    s->compactGarbagePercent = garbagePercent;
    s->compactMinBytes = minBytes;
}

/* Bytes and live bytes of the sealed segments. */
static void sealedTotals(store *s, uint64_t *total, uint64_t *live) {
    *total = *live = 0;
    for (size_t i = 0; i + 1 < s->nsegs; i++) {
        *total += segmentSize(s->segs[i]);
        *live += s->segs[i]->liveBytes;
    }
}

/* How many output ids a merge of 'live' bytes can need: outputs roll over
 * once they reach segment-size, so each holds at least that much (or one
 * record of at least RECORD_HEADER_SIZE bytes). */
static uint64_t outputIdsNeeded(store *s, uint64_t live) {
    uint64_t per = s->segmentSize > SEGMENT_HEADER_SIZE ? s->segmentSize - SEGMENT_HEADER_SIZE
                                                        : 1;
    if (per < RECORD_HEADER_SIZE) per = RECORD_HEADER_SIZE;
    return live / per + 3;
}

int storeCompactStart(store *s, char *err, size_t errlen) {
    if (s->compact) {
        snprintf(err, errlen, "a compaction is already running");
        return -1;
    }
    if (storeSnapshotRunning(s)) {
        snprintf(err, errlen, "a snapshot is being taken");
        return -1;
    }
    if (s->inBatch) {
        snprintf(err, errlen, "a batch is open");
        return -1;
    }
    if (storeFlushWrites(s) != STORE_OK) {
        snprintf(err, errlen, "can't write the pending records: %s", storeLastWriteError(s));
        return -1;
    }
    /* From here on a failure is a rewrite that could not start: as in
     * Redis (aof_last_bgrewrite_status), the last status becomes an error
     * until a merge succeeds. */
    uint64_t gap = outputIdsNeeded(s, s->liveBytes);
    uint64_t first = activeSeg(s)->id + 1;
    if (first + gap > UINT32_MAX) {
        snprintf(err, errlen, "segment ids exhausted");
        s->stats.lastCompactionOk = 0;
        return -1;
    }
    if (storeRotateTo(s, first + gap, 0, 0) < 0) {
        snprintf(err, errlen, "can't start a new segment: %s", s->lastError);
        s->stats.lastCompactionOk = 0;
        return -1;
    }
    s->ncompactIn = s->nsegs - 1;
    s->compactIn = xmalloc(sizeof(segment *) * (s->ncompactIn ? s->ncompactIn : 1));
    memcpy(s->compactIn, s->segs, sizeof(segment *) * s->ncompactIn);
    compactConfig cfg = {s->dir, s->compactIn, s->ncompactIn, first, first + gap,
                         s->segmentSize, STORE_MAX_OFFSET, s->compactEfd, NULL, 0, 0};
    /* The DBMAP record goes out even for the identity map: it carries the
     * highest sequence number of the inputs, so that numbers never go back
     * after a restart even when the newest records were tombstones (which
     * a merge drops) -- point-in-time restore relies on that. */
    char *map = xmalloc(2 * (size_t)s->dbCount);
    replayEncodeDbMap(s->dbMap, s->dbCount, map);
    cfg.dbMap = map;
    cfg.dbMapLen = 2 * (uint32_t)s->dbCount;
    cfg.dbMapSeq = s->nextSeq - 1;
    s->compact = compactorStart(&cfg, err, errlen);
    xfree(map);
    if (!s->compact) {
        xfree(s->compactIn);
        s->compactIn = NULL;
        s->ncompactIn = 0;
        s->stats.lastCompactionOk = 0;
        return -1;
    }
    s->compactStartMs = storeWallMs();
    s->stats.compactionsStarted++;
    storeLogf(s, STORE_LOG_NOTICE, "Compaction started: %zu segments, %llu bytes, %llu live",
              s->ncompactIn, (unsigned long long)(s->totalBytes - segmentSize(activeSeg(s))),
              (unsigned long long)(s->liveBytes - activeSeg(s)->liveBytes));
    return 0;
}

int storeCompactMaybeStart(store *s) {
    if (s->compact || s->compactGarbagePercent <= 0 || s->inBatch || storeSnapshotRunning(s))
        return 0;
    if (storeWallMs() < s->compactRetryMs) return 0;
    storeTakeLazyTallies(s);
    uint64_t total, live;
    sealedTotals(s, &total, &live);
    if (total == 0 || total < s->compactMinBytes) return 0;
    if ((total - live) * 100 < total * (uint64_t)s->compactGarbagePercent) return 0;
    char err[256];
    if (storeCompactStart(s, err, sizeof(err)) < 0) {
        storeLogf(s, STORE_LOG_WARNING, "Can't start compaction: %s", err);
        s->compactRetryMs = storeWallMs() + COMPACT_RETRY_AFTER_FAILURE_MS;
        return 0;
    }
    return 1;
}

/* The verdict on the base SET of a patched key: its value materialised
 * as one SET record (compact.c's header says why that is safe), or not
 * live when the value cannot be read (a damaged record: its segment is
 * kept). */
static void materialise(store *s, compactCand *cd, const keydirEntry *e) {
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    char *value = xmalloc(loc.valueLen ? loc.valueLen : 1);
    int64_t written;
    if (storeReadValue(s, e, 0, loc.valueLen, value) != STORE_OK ||
        storeEntryWriteTime(s, e, &written) != STORE_OK) {
        xfree(value);
        return;
    }
    recordHeader h;
    memset(&h, 0, sizeof(h));
    h.type = RECORD_SET;
    h.db = cd->db;
    h.keylen = cd->klen;
    h.vallen = loc.valueLen;
    h.expireAt = keydirEntryExpire(e);
    h.seq = keydirEntrySeq(e);
    h.timestamp = written;
    cd->wholeSize = recordEncodedSize(h.keylen, h.vallen);
    cd->whole = xmalloc(cd->wholeSize);
    recordEncode(cd->whole, &h, cd->key, value);
    xfree(value);
    cd->wholeVlen = loc.valueLen;
    cd->fromSegment = loc.segment;
    cd->fromOffset = loc.offset;
    cd->expireAt = h.expireAt;
    cd->materialised = 1;
    cd->live = 1;
}

/* The collection and element an ELEMENT candidate names, if its key
 * still holds a collection of that type: NULL otherwise. */
static collection *candCollection(store *s, const compactCand *cd, recordElement *el,
                                  keydirEntry **entry) {
    if (recordCheckElement(cd->key, cd->klen) != NULL) return NULL;
    recordDecodeElement(cd->key, cd->klen, el);
    keydirEntry *e = keydirLookup(s->kd[cd->db], el->key, el->klen);
    collection *c = e ? keydirEntryCollection(e) : NULL;
    if (!c || collType(c) != el->ctype) return NULL;
    *entry = e;
    return c;
}

/* An element record is live if its element points at exactly it; the
 * copy gets the key's current expiry. */
static void elementVerdict(store *s, compactCand *cd) {
    recordElement el;
    keydirEntry *e;
    collection *c = candCollection(s, cd, &el, &e);
    collLoc loc;
    if (!c || !collFind(c, el.name, el.nlen, &loc)) return;
    if (loc.segment != cd->in->id || loc.offset != cd->inOffset) return;
    cd->live = 1;
    cd->expireAt = keydirEntryExpire(e);
}

/* Points an element at its copy, unless it changed since its verdict. */
static void relocateElement(store *s, compactCand *cd) {
    recordElement el;
    keydirEntry *e;
    collection *c = candCollection(s, cd, &el, &e);
    collLoc from = {(uint32_t)cd->in->id, (uint32_t)cd->inOffset, cd->vlen};
    collLoc to = {(uint32_t)cd->out->id, (uint32_t)cd->outOffset, cd->vlen};
    if (!c || !collRelocate(c, el.name, el.nlen, &from, &to)) return;
    uint64_t size = recordEncodedSize(cd->klen, cd->vlen);
    cd->in->liveBytes -= size;
    cd->out->liveBytes += size;
    s->stats.compactRelocated++;
}

/* A META record is live if its name's entry points at exactly it. */
static void metaVerdict(store *s, compactCand *cd) {
    metaEntry *e = metaTableFind(s->meta, cd->key, cd->klen);
    if (!e || e->loc.segment != cd->in->id || e->loc.offset != cd->inOffset) return;
    cd->live = 1;
    cd->expireAt = 0;
}

/* Points a metadata entry at its copy, unless it changed since its
 * verdict. */
static void relocateMeta(store *s, compactCand *cd) {
    metaEntry *e = metaTableFind(s->meta, cd->key, cd->klen);
    if (!e || e->loc.segment != cd->in->id || e->loc.offset != cd->inOffset ||
        e->loc.valueLen != cd->vlen)
        return;
    e->loc.segment = (uint32_t)cd->out->id;
    e->loc.offset = (uint32_t)cd->outOffset;
    uint64_t size = recordEncodedSize(cd->klen, cd->vlen);
    cd->in->liveBytes -= size;
    cd->out->liveBytes += size;
    s->stats.compactRelocated++;
}

/* Verdicts: a candidate is live if its key's entry points at exactly that
 * record, or if it is the base of the key's chain (materialise); the copy
 * gets the entry's current expiry. */
static void giveVerdicts(store *s) {
    size_t n;
    compactCand *cands = compactorCands(s->compact, &n);
    for (size_t i = 0; i < n; i++) {
        compactCand *cd = &cands[i];
        cd->live = 0;
        if (cd->db >= s->dbCount) continue;
        if (cd->type == RECORD_ELEMENT) {
            elementVerdict(s, cd);
            continue;
        }
        if (cd->type == RECORD_META) {
            metaVerdict(s, cd);
            continue;
        }
        keydirEntry *e = keydirLookup(s->kd[cd->db], cd->key, cd->klen);
        if (!e) continue;
        const keydirChain *c = keydirEntryChain(e);
        if (c) {
            if (c->rec[0].segment == cd->in->id && c->rec[0].offset == cd->inOffset)
                materialise(s, cd, e);
            continue;
        }
        keydirLoc loc;
        keydirEntryLoc(e, &loc);
        if (loc.segment != cd->in->id || loc.offset != cd->inOffset) continue;
        cd->live = 1;
        cd->expireAt = keydirEntryExpire(e);
    }
}

static void announceOutputs(store *s) {
    size_t n;
    segment **outs = compactorNewOutputs(s->compact, &n);
    if (n == 0) return;
    s->compactOut = xrealloc(s->compactOut, sizeof(segment *) * (s->ncompactOut + n));
    memcpy(s->compactOut + s->ncompactOut, outs, sizeof(segment *) * n);
    s->ncompactOut += n;
}

/* A patched key's chain becomes its materialised copy, unless the key
 * changed since the verdict: every record of the chain stops counting. */
static void relocateChain(store *s, compactCand *cd) {
    keydir *kd = s->kd[cd->db];
    keydirEntry *e = keydirLookup(kd, cd->key, cd->klen);
    const keydirChain *c = e ? keydirEntryChain(e) : NULL;
    keydirLoc from = {cd->fromSegment, cd->fromOffset, cd->wholeVlen};
    keydirLoc cur;
    if (!c) return;
    keydirEntryLoc(e, &cur);
    if (cur.segment != from.segment || cur.offset != from.offset || cur.valueLen != from.valueLen)
        return;
    for (uint32_t i = 0; i < c->n; i++) {
        segment *seg = storeSegmentById(s, c->rec[i].segment);
        if (seg) seg->liveBytes -= c->rec[i].recordSize;
        s->liveBytes -= c->rec[i].recordSize;
    }
    keydirLoc to = {(uint32_t)cd->out->id, (uint32_t)cd->outOffset, cd->wholeVlen};
    keydirRelocate(kd, cd->key, cd->klen, &from, &to);
    cd->out->liveBytes += cd->wholeSize;
    s->liveBytes += cd->wholeSize;
    s->stats.compactRelocated++;
}

/* Points each copied key at its copy, unless it changed since its
 * verdict (then the copy is garbage in the output). */
static void applyRelocations(store *s) {
    announceOutputs(s);
    size_t n;
    compactCand *cands = compactorCands(s->compact, &n);
    for (size_t i = 0; i < n; i++) {
        compactCand *cd = &cands[i];
        if (!cd->live || !cd->out) continue;
        if (cd->materialised) {
            relocateChain(s, cd);
            continue;
        }
        if (cd->type == RECORD_ELEMENT) {
            relocateElement(s, cd);
            continue;
        }
        if (cd->type == RECORD_META) {
            relocateMeta(s, cd);
            continue;
        }
        keydirLoc from = {(uint32_t)cd->in->id, (uint32_t)cd->inOffset, cd->vlen};
        keydirLoc to = {(uint32_t)cd->out->id, (uint32_t)cd->outOffset, cd->vlen};
        if (!keydirRelocate(s->kd[cd->db], cd->key, cd->klen, &from, &to)) continue;
        uint64_t size = recordEncodedSize(cd->klen, cd->vlen);
        cd->in->liveBytes -= size;
        cd->out->liveBytes += size;
        s->stats.compactRelocated++;
    }
}

/* Removes seg from segs (it must be there). */
static void detachSegment(store *s, segment *seg) {
    for (size_t i = 0; i < s->nsegs; i++) {
        if (s->segs[i] != seg) continue;
        memmove(s->segs + i, s->segs + i + 1, sizeof(segment *) * (s->nsegs - i - 1));
        s->nsegs--;
        s->totalBytes -= segmentSize(seg);
        return;
    }
}

/* Every output is durable: gives up the inputs nothing points into any
 * more, oldest first, stopping at the first that still holds live data.
 * What made an input dead are newer records (overwrites, deletes, the
 * SET that cut a chain), and they must be on disk before it goes, or a
 * power loss could keep neither the old record nor its replacement.
 * Under appendfsync always they are; otherwise this is the one fsync a
 * merge runs on the owner's thread.  If it fails, every input is kept
 * (the next merge takes them again). */
static void giveUpInputs(store *s) {
    announceOutputs(s);
    storeSettleLiveBytes(s); /* lazily freed values: their bytes are not live */
    if (storeSync(s) != STORE_OK) {
        storeLogf(s, STORE_LOG_WARNING,
                  "Compaction keeps its %zu input segments: can't sync the newer ones: %s",
                  s->ncompactIn, storeLastWriteError(s));
        return;
    }
    size_t i = 0;
    for (; i < s->ncompactIn; i++) {
        segment *in = s->compactIn[i];
        if (in->liveBytes != 0) break;
        detachSegment(s, in);
        compactorDeleteInput(s->compact, in);
    }
    if (i < s->ncompactIn)
        storeLogf(s, STORE_LOG_WARNING,
                  "Compaction keeps %zu segments from %llu on: segment %llu still holds %llu "
                  "live bytes it could not copy (damaged records?)",
                  s->ncompactIn - i, (unsigned long long)s->compactIn[i]->id,
                  (unsigned long long)s->compactIn[i]->id,
                  (unsigned long long)s->compactIn[i]->liveBytes);
}

/* Inserts seg into segs at its sorted place (ids of outputs lie below the
 * active segment's). */
static void insertSegment(store *s, segment *seg) {
    s->segs = xrealloc(s->segs, sizeof(segment *) * (s->nsegs + 1));
    size_t i = s->nsegs;
    while (i > 0 && s->segs[i - 1]->id > seg->id) {
        s->segs[i] = s->segs[i - 1];
        i--;
    }
    s->segs[i] = seg;
    s->nsegs++;
}

/* Joins the worker and takes its outputs into segs. */
static void finishCompaction(store *s, int ok) {
    segment **outs;
    size_t nouts;
    compactStats st;
    compactorFinish(s->compact, &outs, &nouts, &st);
    s->compact = NULL;
    for (size_t i = 0; i < nouts; i++) {
        insertSegment(s, outs[i]);
        storeMapSegment(s, outs[i], segmentSize(outs[i]));
        /* just written: in the page cache, as far as anyone knows until
         * the next sweep (coldread.c) */
        storeColdMarkIn(outs[i], 0, segmentSize(outs[i]));
    }
    xfree(outs);
    xfree(s->compactOut);
    s->compactOut = NULL;
    s->ncompactOut = 0;
    xfree(s->compactIn);
    s->compactIn = NULL;
    s->ncompactIn = 0;
    storeComputeTotals(s);
    int64_t ms = storeWallMs() - s->compactStartMs;
    s->stats.lastCompactionMs = (uint64_t)ms;
    s->stats.compactBytesWritten += st.bytesWritten;
    if (ok) {
        s->stats.compactionsDone++;
        s->stats.lastCompactionOk = 1;
        s->stats.compactFailStreak = 0;
        s->stats.compactBaseBytes = s->totalBytes;
        storeLogf(s, STORE_LOG_NOTICE,
                  "Compaction done in %lld ms: %llu records (%llu bytes) copied into %zu "
                  "segments, %llu segments removed",
                  (long long)ms, (unsigned long long)st.recordsCopied,
                  (unsigned long long)st.bytesWritten, nouts,
                  (unsigned long long)st.inputsDeleted);
    } else {
        s->stats.compactionsFailed++;
        s->stats.compactFailStreak++;
        s->stats.lastCompactionOk = 0;
        s->compactRetryMs = storeWallMs() + COMPACT_RETRY_AFTER_FAILURE_MS;
        storeLogf(s, STORE_LOG_WARNING, "Compaction failed after %lld ms: %s (nothing lost)",
                  (long long)ms, st.error);
    }
    if (st.damaged)
        storeLogf(s, STORE_LOG_WARNING, "Compaction met %llu damaged records (not copied)",
                  (unsigned long long)st.damaged);
}

void storeCompactStep(store *s) {
    if (!s->compact || s->inBatch) return;
    /* Verdicts, relocations and giving up inputs read the key directories
     * as the truth: pending records that a failed flush could still undo
     * would make an input record look dead that the undo brings back.
     * Flushed (or undone) first, the directories hold only what is on
     * disk. */
    storeFlushWrites(s);
    switch (compactorPoll(s->compact)) {
    case COMPACT_NEED_VERDICT:
        giveVerdicts(s);
        compactorReply(s->compact);
        break;
    case COMPACT_NEED_RELOCATE:
        applyRelocations(s);
        compactorReply(s->compact);
        break;
    case COMPACT_NEED_COMMIT:
        giveUpInputs(s);
        compactorReply(s->compact);
        break;
    case COMPACT_DONE:
        finishCompaction(s, 1);
        break;
    case COMPACT_FAILED:
        finishCompaction(s, 0);
        break;
    default:
        break;
    }
}

void storeCompactWait(store *s) {
    while (s->compact) {
        struct pollfd pfd = {s->compactEfd, POLLIN, 0};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) return;
        storeCompactStep(s);
    }
}

void compactCancelAndWait(store *s) {
    if (!s->compact) return;
    compactorCancel(s->compact);
    finishCompaction(s, 0);
}
