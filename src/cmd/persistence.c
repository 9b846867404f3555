/* persistence: commands about the log itself.
 *
 * BGREWRITEAOF is Redis's "rewrite the append-only file in the
 * background"; here it starts a compaction of the segmented log, which is
 * the same thing for this engine: the live data rewritten compactly, the
 * old files dropped, on a worker thread, the server serving meanwhile. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "db/db.h"
#include "server/server.h"
#include "store/store.h"

#include <stdio.h>

void bgrewriteaofCommand(client *c) {
    if (storeCompacting(server.store)) {
        replyError(c, "Background append only file rewriting already in progress");
        return;
    }
    if (dbInBatch()) {
        /* Inside EXEC (the transaction's batch is open): as Redis does
         * while in EXEC, the rewrite is scheduled and the cron starts it. */
        server.rewriteScheduled = 1;
        replyStatus(c, "Background append only file rewriting scheduled");
        return;
    }
    char err[256];
    if (storeCompactStart(server.store, err, sizeof(err)) < 0) {
        /* Redis 7's words: the reason goes to the log, not to the client. */
        serverLog(LL_WARNING, "Can't rewrite the log: %s", err);
        replyError(c, "Can't execute an AOF background rewriting. "
                      "Please check the server logs for more information.");
        return;
    }
    replyStatus(c, "Background append only file rewriting started");
}
