/* cmd/persistence.c -- commands about the log itself and its snapshots.
 *
 * BGREWRITEAOF is Redis's "rewrite the append-only file in the
 * background"; here it starts a compaction of the segmented log, which is
 * the same thing for this engine: the live data rewritten compactly, the
 * old files dropped, on a worker thread, the server serving meanwhile.
 *
 * BGSAVE and SAVE take a snapshot, which is a backup (db/persist.c);
 * the replies and the interplay with a running rewrite are Redis 7.0's,
 * a compaction standing in for Redis's AOF-rewrite child. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "db/db.h"
#include "db/persist.h"
#include "lib/log.h"

#include <stdio.h>
#include <strings.h>

void bgrewriteaofCommand(client *c) {
    if (rewriteInProgress()) {
        replyError(c, "Background append only file rewriting already in progress");
        return;
    }
    if (rewriteMustWait()) {
        /* Inside EXEC (or while a snapshot runs, as Redis while its RDB
         * child runs) (the transaction's batch is open): as Redis does
         * while in EXEC, the rewrite is scheduled and the cron starts it. */
        rewriteSchedule();
        replyStatus(c, "Background append only file rewriting scheduled");
        return;
    }
    char err[256];
    if (rewriteStart(err, sizeof(err)) < 0) {
        /* Redis 7's words: the reason goes to the log, not to the client. */
        serverLog(LL_WARNING, "Can't rewrite the log: %s", err);
        replyError(c, "Can't execute an AOF background rewriting. "
                      "Please check the server logs for more information.");
        return;
    }
    replyStatus(c, "Background append only file rewriting started");
}

void bgsaveCommand(client *c) {
    int schedule = 0;
    if (c->argc > 1) {
        if (c->argc != 2 || strcasecmp(c->argv[1], "schedule") != 0) {
            replyErrorSyntax(c);
            return;
        }
        schedule = 1;
    }
    bgsavePoll();
    if (bgsaveInProgress()) {
        replyError(c, "Background save already in progress");
    } else if (rewriteInProgress() || dbInBatch()) {
        if (schedule || dbInBatch()) {
            bgsaveSchedule();
            replyStatus(c, "Background saving scheduled");
        } else {
            replyError(c, "Another child process is active (AOF?): can't BGSAVE right now. "
                          "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever "
                          "possible.");
        }
    } else {
        char err[256];
        if (bgsaveStart(err, sizeof(err)) == 0)
            replyStatus(c, "Background saving started");
        else /* Redis answers a bare -ERR; the reason helps more */
            replyErrorFormat(c, "Background saving failed: %s", err);
    }
}

void saveCommand(client *c) {
    bgsavePoll();
    if (bgsaveInProgress()) {
        replyError(c, "Background save already in progress");
        return;
    }
    char err[256];
    if (saveSync(err, sizeof(err)) == 0)
        replyOk(c);
    else
        replyErrorFormat(c, "Saving failed: %s", err);
}

void lastsaveCommand(client *c) { replyLongLong(c, (long long)persistLastSave()); }
