/* cmd/server_cmd.c -- TIME, SHUTDOWN and DEBUG. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "db/coldread.h"
#include "db/db.h"
#include "db/persist.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <stdlib.h>
#include <signal.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

void timeCommand(client *c) {
    long long us = wallClockUs();
    replyArrayLen(c, 2);
    replyBulkLongLong(c, us / 1000000);
    replyBulkLongLong(c, us % 1000000);
}

/* SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT].  Every write is already
 * in the log, so SAVE and NOSAVE differ only in what is checked; both stop
 * the server.  ABORT has nothing to cancel: shutdowns are immediate. */
void shutdownCommand(client *c) {
    int flags = SHUTDOWN_DEFAULT, abort = 0;
    for (int i = 1; i < c->argc; i++) {
        const char *opt = c->argv[i];
        if (!strcasecmp(opt, "nosave")) flags |= SHUTDOWN_NOSAVE;
        else if (!strcasecmp(opt, "save")) flags |= SHUTDOWN_SAVE;
        else if (!strcasecmp(opt, "force")) flags |= SHUTDOWN_FORCE;
        else if (!strcasecmp(opt, "now")) continue;
        else if (!strcasecmp(opt, "abort")) abort = 1;
        else {
            replyErrorSyntax(c);
            return;
        }
    }
    if ((abort && c->argc != 2) || (flags & SHUTDOWN_NOSAVE && flags & SHUTDOWN_SAVE)) {
        replyErrorSyntax(c);
        return;
    }
    if (abort) {
        replyError(c, "No shutdown in progress.");
        return;
    }
    /* A busy script's batch is open: only NOSAVE may end the server
     * under it (the batch is dropped: none of it was acknowledged). */
    if (server.busyScriptReply && !(flags & SHUTDOWN_NOSAVE)) {
        replyError(c, server.busyScriptReply);
        return;
    }
    if (prepareForShutdown(flags) == 0) exit(0);
    replyError(c, "Errors trying to SHUTDOWN. Check logs.");
}

static void debugHelp(client *c) {
    static const char *help[] = {
        "COLD-READS COLD <delay-ms> | NORMAL",
        "    redis-kv only, for tests: COLD makes every value count as not in memory, so",
        "    that each request reading one waits for a cold read (which first sleeps",
        "    <delay-ms>); NORMAL goes back to what the kernel reports.",
        "CRASH-AFTER-PARTIAL-BATCH",
        "    redis-kv only, for tests: the next batch write (MSET, MULTI/EXEC ...)",
        "    writes only half of its bytes to the log, then the server exits at once.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "RELOAD [MERGE] [NOFLUSH] [NOSAVE]",
        "    Close the data set and load it again from disk, in place. Every write is",
        "    already on disk, so the options (which steer Redis's save, flush and load)",
        "    change nothing.",
        "SEGFAULT",
        "    Crash the server with sigsegv.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        NULL};
    replyHelp(c, help);
}

/* DEBUG COLD-READS COLD <delay-ms> | NORMAL (redis-kv's test hook,
 * db/coldread.h). */
static void debugColdReads(client *c) {
    long long delay = 0;
    int cold = !strcasecmp(c->argv[2], "cold");
    if (cold && c->argc == 4) {
        if (!argLongLongOrReply(c, 3, &delay)) return;
        if (delay < 0 || delay > 60000) {
            replyError(c, "delay-ms must be between 0 and 60000");
            return;
        }
    } else if (cold || c->argc != 3 || strcasecmp(c->argv[2], "normal")) {
        replyErrorSubcommand(c);
        return;
    }
    if (dbDebugColdReads(cold, (unsigned)delay) != 0) {
        replyError(c, "cold reads are off (cold-read-threads is 0)");
        return;
    }
    replyOk(c);
}

/* DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: Redis saves, flushes and loads
 * the RDB file; here the key directories are rebuilt from the log, which
 * already holds every write, so the options only need to be valid. */
static void debugReload(client *c) {
    for (int j = 2; j < c->argc; j++) {
        if (strcasecmp(c->argv[j], "merge") && strcasecmp(c->argv[j], "noflush") &&
            strcasecmp(c->argv[j], "nosave")) {
            replyError(c, "DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            return;
        }
    }
    if (dbInBatch()) {
        /* Inside EXEC: the reload would drop the transaction's batch. */
        replyError(c, "DEBUG RELOAD is not supported inside MULTI by redis-kv");
        return;
    }
    persistReload("DEBUG RELOAD");
    replyOk(c);
}

/* Crashes on purpose, through the crash handler, so operators and tests
 * can see that a crash leaves a stack trace in the log. */
static void debugSegfault(void) {
    raise(SIGSEGV);
}

/* DEBUG SLEEP <seconds> | LOG <message> | SEGFAULT | SET-ACTIVE-EXPIRE
 * <0|1> | HELP.  SLEEP reads its argument with strtod and SET-ACTIVE-EXPIRE
 * with atoi, as Redis does: anything unparsable is 0 (so "x" disables
 * active expiry, and any other integer enables it). */
void debugCommand(client *c) {
    const char *sub = c->argv[1];
    if (c->argc == 2 && !strcasecmp(sub, "help")) {
        debugHelp(c);
    } else if (c->argc == 3 && !strcasecmp(sub, "sleep")) {
        double secs = strtod(c->argv[2], NULL);
        if (!(secs > 0)) secs = 0;
        struct timespec ts;
        ts.tv_sec = (time_t)secs;
        ts.tv_nsec = (long)((secs - (double)ts.tv_sec) * 1e9);
        while (nanosleep(&ts, &ts) == -1) continue;
        replyOk(c);
    } else if (c->argc == 2 && !strcasecmp(sub, "segfault")) {
        serverLog(LL_WARNING, "DEBUG SEGFAULT requested by client id=%llu", (unsigned long long)c->id);
        debugSegfault();
    } else if (c->argc == 3 && !strcasecmp(sub, "set-active-expire")) {
        server.activeExpireEnabled = atoi(c->argv[2]);
        replyOk(c);
    } else if (c->argc == 2 && !strcasecmp(sub, "crash-after-partial-batch")) {
        serverLog(LL_WARNING, "DEBUG CRASH-AFTER-PARTIAL-BATCH armed by client id=%llu",
                  (unsigned long long)c->id);
        dbDebugCrashInNextBatch();
        replyOk(c);
    } else if (c->argc >= 3 && !strcasecmp(sub, "cold-reads")) {
        debugColdReads(c);
    } else if (!strcasecmp(sub, "reload")) {
        debugReload(c);
    } else if (c->argc == 3 && !strcasecmp(sub, "log")) {
        serverLog(LL_WARNING, "DEBUG LOG: %s", c->argv[2]);
        replyOk(c);
    } else {
        replyErrorSubcommand(c);
    }
}
