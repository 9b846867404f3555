/* cmd/stream.c -- the stream commands that read and write entries:
 * XADD XRANGE XREVRANGE XLEN XDEL XTRIM XSETID, with Redis 7.0's
 * replies, errors and keyspace events (t_stream.c).  XREAD and
 * XREADGROUP are stream_read.c's, the consumer groups stream_group.c's,
 * XINFO stream_info.c's.
 *
 * A write is one batch of element records (store/coll_stream.h): XADD an
 * entry (and the 'm' counters for a new stream), a trim, an 'm' when it
 * empties the stream; XDEL an ELEMENT_DEL per entry and the 'm' (max
 * deleted ID); XSETID the 'm'. */
#include "cmd/stream.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "client/reply.h"
#include "cmd/handlers.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "pubsub/notify.h"

#define KEY(c) (c)->argv[1], ARGLEN(c, 1)

/* Redis refuses an entry whose fields and values add up to more than a
 * listpack may hold (STREAM_LISTPACK_MAX_SIZE). */
#define STREAM_ENTRY_MAX_BYTES (1ULL << 30)

static void streamWritten(client *c, const char *event) {
    dbKeyModified(c->db, KEY(c));
    notifyKeyspaceEvent(NOTIFY_STREAM, event, KEY(c), c->db);
}

/* ---- XADD ---------------------------------------------------------------------- */

/* The ID of the new entry (Redis's streamAppendItem): 1, or 0 with
 * errno EDOM when it would not be above the last ID (ERANGE when ms-*
 * finds that millisecond's sequence used up). */
static int newEntryId(const collection *s, const collStreamMeta *m, int idGiven,
                      const streamId *given, int seqAuto, streamId *id) {
    errno = EDOM;
    if (!idGiven) {
        streamNextAutoId(s, id);
    } else if (seqAuto && given->ms == m->lastId.ms) {
        if (m->lastId.seq == UINT64_MAX) {
            errno = ERANGE; /* Redis's answer here: "Elements are too large" */
            return 0;
        }
        *id = m->lastId;
        id->seq++;
    } else {
        *id = *given;
    }
    return streamIdCompare(id, &m->lastId) > 0;
}

static int fieldsTooLarge(client *c, int first) {
    unsigned long long total = 0;
    for (int i = first; i < c->argc; i++) total += ARGLEN(c, i);
    return total > STREAM_ENTRY_MAX_BYTES;
}

void xaddCommand(client *c) {
    streamTrimArgs t;
    int noMk, idPos, seqAuto = 0, idGiven;
    if (!streamTrimArgsOrReply(c, 1, &t, &noMk, &idPos)) return;
    streamId given = {0, 0}, id;
    idGiven = idPos < c->argc && !(ARGLEN(c, idPos) == 1 && c->argv[idPos][0] == '*');
    if (idGiven && !streamIdArgOrReply(c, idPos, 0, 1, &given, &seqAuto)) return;
    int fieldPos = idPos + 1;
    if (c->argc - fieldPos < 2 || (c->argc - fieldPos) % 2 == 1) {
        replyErrorFormat(c, "wrong number of arguments for '%s' command", "xadd");
        return;
    }
    if (idGiven && !seqAuto && given.ms == 0 && given.seq == 0) {
        replyError(c, "The ID specified in XADD must be greater than 0-0");
        return;
    }
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    if (!s && noMk) {
        replyNull(c);
        return;
    }
    collStreamMeta m = s ? *collStreamGetMeta(s) : (collStreamMeta){{0, 0}, 0, {0, 0}};
    if (m.lastId.ms == UINT64_MAX && m.lastId.seq == UINT64_MAX) {
        replyError(c, "The stream has exhausted the last possible ID, unable to add more items");
        return;
    }
    if (!newEntryId(s, &m, idGiven, &given, seqAuto, &id)) {
        replyError(c, errno == EDOM ? "The ID specified in XADD is equal or smaller than the "
                                      "target stream top item"
                                    : "Elements are too large to be stored");
        return;
    }
    if (fieldsTooLarge(c, fieldPos)) {
        replyError(c, "Elements are too large to be stored");
        return;
    }
    int batch = !s || t.strategy != STREAM_TRIM_NONE; /* one record needs no batch */
    if (batch) dbBatchBegin();
    size_t vlen;
    char *v = streamEncodeFields(c, fieldPos, &vlen);
    int rc = streamAppendValue(c->db, c->argv[1], s, &id, v, vlen), trimRc = DB_OK;
    xfree(v);
    long long trimmed = 0;
    if (rc == DB_OK && t.strategy != STREAM_TRIM_NONE) {
        s = dbCollection(c->db, KEY(c), COLL_STREAM, &rc);
        trimmed = s ? streamTrim(c->db, c->argv[1], s, &t, &trimRc) : 0;
        rc = trimRc;
    }
    int commit = batch ? dbBatchCommit() : DB_OK;
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    streamReplyId(c, &id);
    streamWritten(c, "xadd");
    if (trimmed > 0) notifyKeyspaceEvent(NOTIFY_STREAM, "xtrim", KEY(c), c->db);
}

/* ---- XRANGE, XREVRANGE, XLEN ---------------------------------------------------------- */

/* XRANGE key start end [COUNT n] (reverse: XREVRANGE key end start). */
static void rangeGeneric(client *c, int reverse) {
    streamId start, end;
    if (!streamBoundOrReply(c, reverse ? 3 : 2, 0, &start) ||
        !streamBoundOrReply(c, reverse ? 2 : 3, 1, &end))
        return;
    long long count = -1;
    for (int i = 4; i < c->argc; i++) {
        if (!strcasecmp(c->argv[i], "count") && i + 1 < c->argc) {
            if (!argLongLongOrReply(c, ++i, &count)) return;
            if (count < 0) count = 0;
        } else {
            replyErrorSyntax(c);
            return;
        }
    }
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    if (!s) {
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", KEY(c), c->db);
        replyEmptyArray(c);
    } else if (count == 0) {
        replyNullArray(c);
    } else {
        streamReplyRange(c, s, ARGLEN(c, 1), &start, &end, count < 0 ? 0 : count, reverse);
    }
}

void xrangeCommand(client *c) { rangeGeneric(c, 0); }
void xrevrangeCommand(client *c) { rangeGeneric(c, 1); }

void xlenCommand(client *c) {
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    if (!s) notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", KEY(c), c->db);
    replyLongLong(c, s ? (long long)collStreamLength(s) : 0);
}

/* ---- XDEL ------------------------------------------------------------------------------ */

void xdelCommand(client *c) {
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed || !s) {
        if (!failed) replyLongLong(c, 0);
        return;
    }
    int n = c->argc - 2;
    streamId *ids = xmalloc(sizeof(streamId) * (size_t)n);
    for (int i = 0; i < n; i++) {
        if (!streamIdArgOrReply(c, i + 2, 0, 1, &ids[i], NULL)) {
            xfree(ids);
            return;
        }
    }
    collStreamMeta m = *collStreamGetMeta(s);
    long long deleted = 0;
    int rc = DB_OK;
    dbBatchBegin();
    for (int i = 0; i < n && rc == DB_OK; i++) {
        char name[COLL_STREAM_ENTRY_NAME_LEN];
        collStreamEntryName(&ids[i], 0, name);
        rc = streamDeleteElement(c->db, c->argv[1], name, 1 + STREAM_ID_BIN_LEN);
        if (rc == DB_MISSING) {
            rc = DB_OK;
            continue;
        }
        if (rc == DB_OK) deleted++;
        if (streamIdCompare(&ids[i], &m.maxDeleted) > 0) m.maxDeleted = ids[i];
    }
    if (rc == DB_OK && deleted) rc = streamWriteMeta(c->db, c->argv[1], &m);
    int commit = dbBatchCommit();
    xfree(ids);
    if (replyDbError(c, rc != DB_OK ? rc : commit)) return;
    replyLongLong(c, deleted);
    if (deleted) streamWritten(c, "xdel");
}

/* ---- XTRIM ------------------------------------------------------------------------------ */

void xtrimCommand(client *c) {
    streamTrimArgs t;
    if (!streamTrimArgsOrReply(c, 0, &t, NULL, NULL)) return;
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    if (!s) {
        replyLongLong(c, 0);
        return;
    }
    int rc;
    long long trimmed = streamTrim(c->db, c->argv[1], s, &t, &rc);
    if (replyDbError(c, rc)) return;
    replyLongLong(c, trimmed);
    if (trimmed > 0) streamWritten(c, "xtrim");
}

/* ---- XSETID ------------------------------------------------------------------------------- */

/* XSETID's options after the ID: ENTRIESADDED n, MAXDELETEDID id (not
 * below the ID). */
static int xsetidOptionsOrReply(client *c, const streamId *id, long long *added,
                                streamId *maxDel) {
    for (int i = 3; i < c->argc; i++) {
        int more = c->argc - 1 - i;
        if (!strcasecmp(c->argv[i], "entriesadded") && more) {
            if (!argLongLongOrReply(c, ++i, added)) return 0;
            if (*added < 0) {
                replyError(c, "entries_added must be positive");
                return 0;
            }
        } else if (!strcasecmp(c->argv[i], "maxdeletedid") && more) {
            if (!streamIdArgOrReply(c, ++i, 0, 1, maxDel, NULL)) return 0;
            if (streamIdCompare(id, maxDel) < 0) {
                replyError(c, "The ID specified in XSETID is smaller than the provided "
                              "max_deleted_entry_id");
                return 0;
            }
        } else {
            replyErrorSyntax(c);
            return 0;
        }
    }
    return 1;
}

/* The checks of XSETID's values against the stream (Redis's order). */
static int xsetidValidOrReply(client *c, const collection *s, const streamId *id, long long added) {
    streamId top;
    if (!collStreamLastEntryId(s, &top)) return 1;
    if (streamIdCompare(id, &top) < 0) {
        replyError(c, "The ID specified in XSETID is smaller than the target stream top "
                      "item");
        return 0;
    }
    if (added != -1 && collStreamLength(s) > (uint64_t)added) {
        replyError(c, "The entries_added specified in XSETID is smaller than the target "
                      "stream length");
        return 0;
    }
    return 1;
}

void xsetidCommand(client *c) {
    streamId id, maxDel = {0, 0};
    long long added = -1;
    if (!streamIdArgOrReply(c, 2, 0, 1, &id, NULL)) return;
    if (!xsetidOptionsOrReply(c, &id, &added, &maxDel)) return;
    int failed;
    const collection *s = streamAt(c, 1, &failed);
    if (failed) return;
    if (!s) {
        replyError(c, "no such key");
        return;
    }
    if (!xsetidValidOrReply(c, s, &id, added)) return;
    collStreamMeta m = *collStreamGetMeta(s);
    m.lastId = id;
    if (added != -1) m.entriesAdded = (uint64_t)added;
    if (maxDel.ms || maxDel.seq) m.maxDeleted = maxDel;
    if (replyDbError(c, streamWriteMeta(c->db, c->argv[1], &m))) return;
    replyOk(c);
    /* Redis 7.0's XSETID signals no modified key: WATCH and tracking miss it */
    notifyKeyspaceEvent(NOTIFY_STREAM, "xsetid", KEY(c), c->db);
}
