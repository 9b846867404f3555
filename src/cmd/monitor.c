/* cmd/monitor.c -- MONITOR, and feeding each executed command to monitors in
 * Redis's format: +<unix.micro> [<db> <addr>] "arg" "arg" ... */
#include "cmd/monitor.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "lib/clock.h"
#include "server/server.h"

#include <string.h>

/* Feeds one call to the monitors.  Commands marked skip_monitor (the
 * script commands) are fed as they start, so that a script is seen
 * before the commands it runs ("[0 lua]"); all others once they ran, as
 * in Redis.  Admin commands are never shown. */
static void monitorFeed(const commandCallInfo *call) {
    client *c = call->c;
    if (listLength(server.monitors) == 0) return;
    bstr line = bstrCatPrintf(bstrEmpty(), "+%lld.%06lld ", cachedClock.ustime / 1000000,
                              cachedClock.ustime % 1000000);
    if (c->flags & CLIENT_SCRIPT)
        line = bstrCatPrintf(line, "[%d lua]", c->db);
    else if (c->flags & CLIENT_UNIX_SOCKET)
        line = bstrCatPrintf(line, "[%d unix:%s]", c->db, server.unixsocket);
    else
        line = bstrCatPrintf(line, "[%d %s]", c->db, clientPeerId(c));
    for (int i = 0; i < c->argc; i++) {
        line = bstrCatLen(line, " ", 1);
        if (commandArgIsSecret(c, i)) line = bstrCat(line, "\"(redacted)\"");
        else line = bstrCatRepr(line, c->argv[i], bstrLen(c->argv[i]));
    }
    line = bstrCatLen(line, "\r\n", 2);
    for (listNode *ln = listFirst(server.monitors); ln; ln = listNext(ln)) {
        client *m = listNodeValue(ln);
        replyRaw(m, line, bstrLen(line));
    }
    bstrFree(line);
}

static void monitorAfterCall(const commandCallInfo *call) {
    if (call->cmd->flags & (CMD_SKIP_MONITOR | CMD_ADMIN)) return;
    monitorFeed(call);
}

static void monitorCallStart(const commandCallInfo *call) {
    if ((call->cmd->flags & CMD_SKIP_MONITOR) && !(call->cmd->flags & CMD_ADMIN))
        monitorFeed(call);
}

void monitorInit(void) {
    commandAddObserver(monitorAfterCall);
    commandAddStartObserver(monitorCallStart);
}

void monitorCommand(client *c) {
    if (c->flags & CLIENT_MONITOR) return;
    c->flags |= CLIENT_MONITOR;
    listAddNodeTail(server.monitors, c);
    replyOk(c);
}
