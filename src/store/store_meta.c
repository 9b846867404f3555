/* store/store_meta.c -- metadata writes and reads: one META or META_DEL
 * record per change (record.h), the metadata table (meta.h) updated to
 * point at it, and an undo step that puts the entry back if the write
 * never reaches the file.
 *
 * Metadata rides the keyspace's write path (store.c): a write is encoded
 * into the pending buffer, joins the open batch if there is one (so a
 * batch that replaces every FUNCTION library is one atomic unit on disk),
 * and is undone with the rest of its epoch when the flush fails; its
 * live bytes are counted like a key's, so compaction copies a live META
 * record and lets the segment of a dead one go.
 *
 * Undo, in the terms of store_internal.h: a write pushes one UNDO_META
 * step that takes the name's previous entry (value included) out of the
 * table; restoring drops whatever the name holds now and puts that entry
 * back; releasing frees it.  Steps are undone newest first, so several
 * writes of one name in one epoch unwind to the first one's "before". */
#include "store/store_internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "store/meta.h"
#include "store/record.h"

_Static_assert(STORE_META_NAME_MAX == RECORD_META_NAME_MAX,
               "store.h's name bound is the record format's");

/* Bytes on disk of the META record an entry points at. */
static uint64_t metaRecordSize(const metaEntry *e) {
    return recordEncodedSize(e->nlen, e->loc.valueLen);
}

/* Pushes the UNDO_META step of a write of name: its entry, if any, moves
 * out of the table into the step and stops counting as live. */
static void rememberMeta(store *s, const void *name, size_t nlen) {
    undoStep *u = storePushUndo(s, 0, UNDO_META);
    u->key = xmalloc(nlen ? nlen : 1);
    memcpy(u->key, name, nlen);
    u->klen = nlen;
    u->existed = metaTableRemove(s->meta, name, nlen, &u->meta);
    if (u->existed) storeCountBytes(s, u->meta.loc.segment, metaRecordSize(&u->meta), 0);
}

void metaUndo(store *s, undoStep *u, int restore) {
    if (restore) {
        metaEntry cur;
        if (metaTableRemove(s->meta, u->key, u->klen, &cur)) {
            storeCountBytes(s, cur.loc.segment, metaRecordSize(&cur), 0);
            metaEntryRelease(&cur);
        }
        if (u->existed) {
            storeCountBytes(s, u->meta.loc.segment, metaRecordSize(&u->meta), 1);
            metaTableReinsert(s->meta, &u->meta);
            memset(&u->meta, 0, sizeof(u->meta)); /* the table's again */
        }
        s->metaVersion++;
    }
    metaEntryRelease(&u->meta);
}

/* Appends one metadata record (a META with val, or a META_DEL); *offset
 * is where it starts, *seq its sequence number. */
static int appendMeta(store *s, int type, const void *name, size_t nlen, const void *val,
                      size_t vlen, uint64_t *offset, uint64_t *seq) {
    recordHeader h;
    *seq = storeSeqForWrite(s);
    storeFillHeader(&h, type, 0, nlen, vlen, 0, *seq);
    int rc = storeAppendRecord(s, &h, name, val, offset);
    if (rc == STORE_OK) storeSeqWritten(s);
    return rc;
}

int storeMetaSet(store *s, const void *name, size_t nlen, const void *val, size_t vlen) {
    if (nlen == 0 || nlen > STORE_META_NAME_MAX ||
        vlen > STORE_MAX_OFFSET - recordEncodedSize(nlen, 0))
        return STORE_ERR_WRITE;
    uint64_t off, seq;
    int rc = appendMeta(s, RECORD_META, name, nlen, val, vlen, &off, &seq);
    if (rc != STORE_OK) return rc;
    rememberMeta(s, name, nlen);
    int created;
    metaEntry *e = metaTableUpsert(s->meta, name, nlen, &created);
    e->loc.segment = (uint32_t)storeActive(s)->id;
    e->loc.offset = (uint32_t)off;
    e->loc.valueLen = (uint32_t)vlen;
    e->seq = seq;
    e->value = xmalloc(vlen ? vlen : 1);
    if (vlen) memcpy(e->value, val, vlen);
    storeCountBytes(s, e->loc.segment, metaRecordSize(e), 1);
    s->metaVersion++;
    return storeAfterWrite(s);
}

int storeMetaDelete(store *s, const void *name, size_t nlen) {
    if (metaTableFind(s->meta, name, nlen) == NULL) return STORE_OK;
    uint64_t off, seq;
    int rc = appendMeta(s, RECORD_META_DEL, name, nlen, NULL, 0, &off, &seq);
    if (rc != STORE_OK) return rc;
    rememberMeta(s, name, nlen);
    s->metaVersion++;
    return storeAfterWrite(s);
}

void storeMetaForEach(store *s, const void *prefix, size_t plen, storeMetaFn *fn, void *pd) {
    for (size_t i = metaTableLowerBound(s->meta, prefix, plen); i < metaTableCount(s->meta); i++) {
        const metaEntry *e = metaTableAt(s->meta, i);
        if (!metaNameHasPrefix(e, prefix, plen)) break;
        if (e->damaged || e->value == NULL) continue;
        fn(e->name, e->nlen, e->value, e->loc.valueLen, pd);
    }
}

size_t storeMetaCount(store *s) { return metaTableCount(s->meta); }

uint64_t storeMetaVersion(const store *s) { return s->metaVersion; }

void storeMetaLoadValues(store *s) {
    for (size_t i = 0; i < metaTableCount(s->meta); i++) {
        metaEntry *e = metaTableAt(s->meta, i);
        if (e->value || e->damaged) continue;
        char *buf = xmalloc(e->loc.valueLen ? e->loc.valueLen : 1);
        if (storeReadRecordValue(s, e->loc.segment, e->loc.offset, e->nlen, e->loc.valueLen,
                                 buf) == STORE_OK) {
            e->value = buf;
            continue;
        }
        /* Kept, and counted as live, so that its segment stays for
         * redis-kv-check (compaction cannot copy it); never served. */
        xfree(buf);
        e->damaged = 1;
        s->stats.damageReports++;
        storeLogf(s, STORE_LOG_WARNING,
                  "Metadata record of %u-byte name at segment %u offset %u is damaged: "
                  "not served", (unsigned)e->nlen, (unsigned)e->loc.segment,
                  (unsigned)e->loc.offset);
    }
}

void storeMetaCountLive(store *s, void (*fn)(void *ctx, uint32_t segId, uint64_t bytes, int add),
                        void *ctx) {
    for (size_t i = 0; i < metaTableCount(s->meta); i++) {
        const metaEntry *e = metaTableAt(s->meta, i);
        fn(ctx, e->loc.segment, metaRecordSize(e), 1);
    }
}
