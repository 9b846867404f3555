/* cmd/backup.c -- the BACKUP command (redis-kv's own; Redis has no backups to
 * manage).  Backups are made by BGSAVE / SAVE / `save` points
 * (db/persist.c) and live in backup-dir (store/backup.h).
 *
 *   BACKUP LIST                 id, time (unix ms), seq, keys, bytes of each
 *   BACKUP DELETE id
 *   BACKUP RESTORE id|LATEST    the live data set becomes the backup's
 *
 * A restore is atomic on disk (store/restore.c) and in memory (the key
 * directory is rebuilt from the restored files before the next command
 * runs).  Everyone is told: WATCHing clients fail their EXEC, tracking
 * clients get a full (null) invalidation, and RESTORE_CHANNEL carries
 * "<id> <seq>" to subscribers. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "db/db.h"
#include "db/persist.h"
#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "pubsub/pubsub.h"
#include "lib/log.h"
#include "server/server.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define RESTORE_CHANNEL "__redis-kv__:restore"

static void replyBackupEntry(client *c, const backupManifest *m) {
    replyMapLen(c, 5);
    replyBulkCString(c, "id");
    replyLongLong(c, (long long)m->id);
    replyBulkCString(c, "time");
    replyLongLong(c, (long long)m->timeMs);
    replyBulkCString(c, "seq");
    replyLongLong(c, (long long)m->seq);
    replyBulkCString(c, "keys");
    replyLongLong(c, (long long)m->keys);
    replyBulkCString(c, "bytes");
    replyLongLong(c, (long long)m->bytes);
}

static void freeList(backupManifest *list, size_t n) {
    for (size_t i = 0; i < n; i++) backupManifestFree(&list[i]);
    xfree(list);
}

/* The complete backups, oldest first; replies the error itself on failure. */
static int listBackups(client *c, backupManifest **list, size_t *n) {
    char err[256];
    size_t damaged;
    if (persistBackupList(list, n, &damaged, err, sizeof(err)) < 0) {
        replyErrorFormat(c, "Can't list the backups: %s", err);
        return -1;
    }
    if (damaged)
        serverLog(LL_WARNING, "%zu damaged or incomplete backup(s) in %s are not listed",
                  damaged, persistBackupDir());
    return 0;
}

void backupListCommand(client *c) {
    backupManifest *list;
    size_t n;
    if (listBackups(c, &list, &n) < 0) return;
    replyArrayLen(c, (long long)n);
    for (size_t i = 0; i < n; i++) replyBackupEntry(c, &list[i]);
    freeList(list, n);
}

static int parseBackupId(client *c, const bstr arg, uint64_t *id) {
    unsigned long long v;
    if (!numParseUnsignedLongLong(arg, bstrLen(arg), &v) || v == 0) {
        replyError(c, "invalid backup id");
        return -1;
    }
    *id = v;
    return 0;
}

void backupDeleteCommand(client *c) {
    uint64_t id;
    if (parseBackupId(c, c->argv[2], &id) < 0) return;
    char err[256];
    if (persistBackupDelete(id, err, sizeof(err)) < 0) {
        if (errno == ENOENT) replyError(c, "no such backup");
        else replyErrorFormat(c, "Can't delete backup %" PRIu64 ": %s", id, err);
        return;
    }
    serverLog(LL_NOTICE, "Backup %" PRIu64 " deleted", id);
    replyOk(c);
}

/* The id BACKUP RESTORE names (LATEST: the newest complete backup);
 * 0 when there is no such backup, after replying the error. */
static uint64_t resolveRestoreId(client *c) {
    uint64_t want = 0;
    int latest = strcasecmp(c->argv[2], "latest") == 0;
    if (!latest && parseBackupId(c, c->argv[2], &want) < 0) return 0;
    backupManifest *list;
    size_t n;
    if (listBackups(c, &list, &n) < 0) return 0;
    uint64_t found = 0;
    for (size_t i = 0; i < n; i++)
        if (latest || list[i].id == want) found = list[i].id;
    freeList(list, n);
    if (!found) replyError(c, "no such backup");
    return found;
}

/* Tells everyone that the data set is now backup id at sequence seq. */
static void announceRestore(uint64_t id, uint64_t seq) {
    dbSignalReplaced();
    char msg[64];
    int len = snprintf(msg, sizeof(msg), "%" PRIu64 " %" PRIu64, id, seq);
    pubsubPublish(RESTORE_CHANNEL, strlen(RESTORE_CHANNEL), msg, (size_t)len);
}

void backupRestoreCommand(client *c) {
    bgsaveWait(); /* a snapshot job may be pruning backup-dir */
    uint64_t id = resolveRestoreId(c);
    if (!id) return;
    char err[512];
    uint64_t seq;
    if (persistRestore(id, &seq, err, sizeof(err)) < 0) {
        serverLog(LL_WARNING, "Can't restore backup %" PRIu64 ": %s", id, err);
        replyErrorFormat(c, "Can't restore backup %" PRIu64 ": %s", id, err);
        return;
    }
    serverLog(LL_NOTICE, "Backup %" PRIu64 " restored; sequence number now %" PRIu64, id, seq);
    replyArrayLen(c, 2);
    replyLongLong(c, (long long)id);
    replyLongLong(c, (long long)seq);
    announceRestore(id, seq);
}

void backupHelpCommand(client *c) {
    static const char *help[] = {
        "LIST",
        "    Return the backups, oldest first: id, time (unix ms), seq (the last",
        "    sequence number included), keys and bytes of each.",
        "DELETE <id>",
        "    Delete a backup.",
        "RESTORE <id>|LATEST",
        "    Replace the whole data set with a backup, atomically. Returns the",
        "    backup's id and the new sequence number; every client is told (see",
        "    the " RESTORE_CHANNEL " channel).",
        NULL};
    replyHelp(c, help);
}
