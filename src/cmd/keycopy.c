/* cmd/keycopy.c -- the commands that give a key's value a new name or
 * database, RENAME, RENAMENX, COPY and MOVE, with Redis 7.0's replies, errors
 * and their order (db.c renameGenericCommand / copyCommand / moveCommand).
 *
 * Each write goes through dbCopy(): the destination gets the value and the
 * TTL of the source (RENAME and MOVE keep it, COPY copies it) and, for
 * RENAME and MOVE, the source is deleted, all in one batch, so after a
 * crash the log holds all of it or none.  A write that fails (disk full)
 * changes nothing and is answered with the MISCONF error.
 *
 * The access clock (db/evict.h): RENAME, RENAMENX and MOVE keep the
 * source's, as Redis moves the object itself (an LFU counter survives);
 * COPY's copy starts with a new key's clock, as Redis's duplicate does. */
#include "cmd/handlers.h"
#include "client/reply.h"
#include "db/db.h"
#include "pubsub/notify.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

static int sameKey(client *c, int i, int j) {
    return ARGLEN(c, i) == ARGLEN(c, j) && memcmp(c->argv[i], c->argv[j], ARGLEN(c, i)) == 0;
}

/* A database index argument, as Redis's getIntFromObjectOrReply followed
 * by selectDb: not an integer, outside the int range, or not an existing
 * database each have their own error.  Returns 0 after replying it. */
static int parseDbIndex(client *c, int i, int *db) {
    long long id;
    if (!numParseLongLong(c->argv[i], ARGLEN(c, i), &id)) {
        replyErrorNotInteger(c);
        return 0;
    }
    if (id < INT_MIN || id > INT_MAX) {
        replyError(c, "value is out of range, value must between -2147483648 and 2147483647");
        return 0;
    }
    if (id < 0 || id >= server.dbnum) {
        replyError(c, "DB index is out of range");
        return 0;
    }
    *db = (int)id;
    return 1;
}

/* Copies argv[1] of the client's database, which the caller found, to
 * argv[dstArg] of dstDb (and deletes the source when `move`), then replies
 * `ok` (a status, or :1 when ok is NULL), or the write error. */
static void copyAndReply(client *c, int dstDb, int dstArg, int move, const char *ok) {
    const char *src = c->argv[1], *dst = c->argv[dstArg];
    size_t slen = ARGLEN(c, 1), dlen = ARGLEN(c, dstArg);
    uint32_t clock = 0;
    if (move) {
        /* The source is accessed first, as Redis's lookupKeyWrite does. */
        dbTouch(c->db, src, slen);
        dbKeyAccessClock(c->db, src, slen, &clock);
    }
    int rc = dbCopy(c->db, src, slen, dstDb, dst, dlen, move);
    if (replyDbError(c, rc)) return;
    if (move) dbSetKeyAccessClock(dstDb, dst, dlen, clock);
    /* Redis's events: RENAME rename_from/rename_to, MOVE move_from/
     * move_to, COPY copy_to (the "new" of the destination came first). */
    if (!move) {
        notifyKeyspaceEvent(NOTIFY_GENERIC, "copy_to", dst, dlen, dstDb);
    } else if (dstDb == c->db) {
        notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_from", src, slen, c->db);
        notifyKeyspaceEvent(NOTIFY_GENERIC, "rename_to", dst, dlen, dstDb);
    } else {
        notifyKeyspaceEvent(NOTIFY_GENERIC, "move_from", src, slen, c->db);
        notifyKeyspaceEvent(NOTIFY_GENERIC, "move_to", dst, dlen, dstDb);
    }
    if (ok) replyStatus(c, ok);
    else replyLongLong(c, 1);
}

/* RENAME / RENAMENX key newkey.  A missing key is an error ("no such
 * key"), even when both names are the same; renaming an existing key to
 * itself changes nothing (RENAME: +OK, RENAMENX: :0).  RENAMENX answers
 * :0 when newkey exists; RENAME replaces it. */
static void renameGeneric(client *c, int nx) {
    if (!dbExists(c->db, c->argv[1], ARGLEN(c, 1))) {
        replyError(c, "no such key");
        return;
    }
    if (sameKey(c, 1, 2)) {
        if (nx) replyLongLong(c, 0);
        else replyOk(c);
        return;
    }
    /* Looked up in any case, as Redis does: an expired newkey is deleted
     * (and counted) before it is replaced. */
    if (dbExists(c->db, c->argv[2], ARGLEN(c, 2)) && nx) {
        replyLongLong(c, 0);
        return;
    }
    copyAndReply(c, c->db, 2, 1, nx ? NULL : "OK");
}

void renameCommand(client *c) { renameGeneric(c, 0); }

void renamenxCommand(client *c) { renameGeneric(c, 1); }

/* COPY source destination [DB destination-db] [REPLACE]: :1 when copied,
 * :0 when the source is missing or the destination exists (without
 * REPLACE).  Options are checked in order, so the first bad one is
 * reported; copying a key onto itself in the same database is an error. */
void copyCommand(client *c) {
    int dstDb = c->db, replace = 0;
    for (int j = 3; j < c->argc; j++) {
        if (!strcasecmp(c->argv[j], "replace")) {
            replace = 1;
        } else if (!strcasecmp(c->argv[j], "db") && j + 1 < c->argc) {
            if (!parseDbIndex(c, ++j, &dstDb)) return;
        } else {
            replyErrorSyntax(c);
            return;
        }
    }
    if (dstDb == c->db && sameKey(c, 1, 2)) {
        replyError(c, "source and destination objects are the same");
        return;
    }
    if (!dbExists(c->db, c->argv[1], ARGLEN(c, 1))) {
        /* The source is read (Redis's lookupKeyRead): a miss is "keymiss". */
        notifyKeyspaceEvent(NOTIFY_KEY_MISS, "keymiss", c->argv[1], ARGLEN(c, 1), c->db);
        replyLongLong(c, 0);
        return;
    }
    if (!replace && dbExists(dstDb, c->argv[2], ARGLEN(c, 2))) {
        replyLongLong(c, 0);
        return;
    }
    copyAndReply(c, dstDb, 2, 0, NULL);
}

/* MOVE key db: :1 when moved, :0 when the key is missing here or exists
 * in the target database.  The index is checked first; moving to the
 * current database is an error. */
void moveCommand(client *c) {
    int dstDb;
    if (!parseDbIndex(c, 2, &dstDb)) return;
    if (dstDb == c->db) {
        replyError(c, "source and destination objects are the same");
        return;
    }
    if (!dbExists(c->db, c->argv[1], ARGLEN(c, 1)) ||
        dbExists(dstDb, c->argv[1], ARGLEN(c, 1))) {
        replyLongLong(c, 0);
        return;
    }
    copyAndReply(c, dstDb, 1, 1, NULL);
}
