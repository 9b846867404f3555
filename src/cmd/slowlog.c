/* cmd/slowlog.c -- SLOWLOG GET/LEN/RESET/HELP and the store behind them. */
#include "cmd/slowlog.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <string.h>

#define SLOWLOG_ENTRY_MAX_ARGC 32
#define SLOWLOG_ENTRY_MAX_STRING 128

static void slowlogFreeEntry(slowlogEntry *e) {
    for (int i = 0; i < e->argc; i++) bstrFree(e->argv[i]);
    xfree(e->argv);
    bstrFree(e->peerId);
    bstrFree(e->clientName);
    xfree(e);
}

/* Copies argv the way Redis trims it: at most 32 arguments (the last says
 * how many more there were) and at most 128 bytes of each (with a note of
 * how many more bytes there were). */
static slowlogEntry *slowlogCreateEntry(client *c, long long durationUs) {
    slowlogEntry *e = xcalloc(1, sizeof(*e));
    int argc = c->argc > SLOWLOG_ENTRY_MAX_ARGC ? SLOWLOG_ENTRY_MAX_ARGC : c->argc;
    e->argc = argc;
    e->argv = xmalloc(sizeof(bstr) * (size_t)argc);
    for (int i = 0; i < argc; i++) {
        if (argc != c->argc && i == argc - 1) {
            e->argv[i] = bstrCatPrintf(bstrEmpty(), "... (%d more arguments)",
                                       c->argc - argc + 1);
        } else if (bstrLen(c->argv[i]) > SLOWLOG_ENTRY_MAX_STRING) {
            e->argv[i] = bstrNewLen(c->argv[i], SLOWLOG_ENTRY_MAX_STRING);
            e->argv[i] = bstrCatPrintf(e->argv[i], "... (%zu more bytes)",
                                       bstrLen(c->argv[i]) - SLOWLOG_ENTRY_MAX_STRING);
        } else {
            e->argv[i] = bstrDup(c->argv[i]);
        }
    }
    for (int i = 1; i < argc; i++)
        if (commandArgIsSecret(c, i)) e->argv[i] = bstrCpyLen(e->argv[i], "(redacted)", 10);
    e->time = (long long)cachedClock.unixtime;
    e->durationUs = durationUs;
    e->id = server.slowlogNextId++;
    e->peerId = bstrNew(clientPeerId(c));
    e->clientName = bstrNew(c->name ? c->name : "");
    return e;
}

static void slowlogAfterCall(const commandCallInfo *call) {
    client *c = call->c;
    long long durationUs = call->durationUs;
    if (call->cmd->flags & CMD_SKIP_SLOWLOG) return;
    if (server.slowlogLogSlowerThan < 0 || durationUs < server.slowlogLogSlowerThan) return;
    listAddNodeHead(server.slowlog, slowlogCreateEntry(c, durationUs));
    while ((long long)listLength(server.slowlog) > server.slowlogMaxLen) {
        listNode *ln = listLast(server.slowlog);
        slowlogFreeEntry(listNodeValue(ln));
        listDelNode(server.slowlog, ln);
    }
}

void slowlogInit(void) { commandAddObserver(slowlogAfterCall); }

static void slowlogReset(void) {
    while (listLength(server.slowlog)) {
        listNode *ln = listFirst(server.slowlog);
        slowlogFreeEntry(listNodeValue(ln));
        listDelNode(server.slowlog, ln);
    }
}

void slowlogGetCommand(client *c) {
    long long count = 10;
    if (c->argc == 3) {
        if (!numParseLongLong(c->argv[2], bstrLen(c->argv[2]), &count) || count < -1) {
            replyError(c, "count should be greater than or equal to -1");
            return;
        }
        if (count == -1) count = (long long)listLength(server.slowlog);
    } else if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    if (count > (long long)listLength(server.slowlog)) count = (long long)listLength(server.slowlog);
    replyArrayLen(c, count);
    listNode *ln = listFirst(server.slowlog);
    for (long long i = 0; i < count; i++, ln = listNext(ln)) {
        slowlogEntry *e = listNodeValue(ln);
        replyArrayLen(c, 6);
        replyLongLong(c, e->id);
        replyLongLong(c, e->time);
        replyLongLong(c, e->durationUs);
        replyArrayLen(c, e->argc);
        for (int j = 0; j < e->argc; j++) replyBulkBstr(c, e->argv[j]);
        replyBulkBstr(c, e->peerId);
        replyBulkBstr(c, e->clientName);
    }
}

void slowlogLenCommand(client *c) { replyLongLong(c, (long long)listLength(server.slowlog)); }

void slowlogResetCommand(client *c) {
    slowlogReset();
    replyOk(c);
}

void slowlogHelpCommand(client *c) {
    static const char *help[] = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        NULL};
    replyHelp(c, help);
}
