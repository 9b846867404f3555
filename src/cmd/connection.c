/* cmd/connection.c -- PING, ECHO, QUIT, RESET, SELECT, AUTH and HELLO. */
#include "acl/acl.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "command/multi_state.h"
#include "lib/numfmt.h"
#include "pubsub/pubsub.h"
#include "server/server.h"
#include "pubsub/tracking.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

void pingCommand(client *c) {
    if (c->argc > 2) {
        replyErrorArity(c);
        return;
    }
    /* In RESP2 subscribed mode PING answers as a message frame. */
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2) {
        replyArrayLen(c, 2);
        replyBulk(c, "pong", 4);
        if (c->argc == 1) replyBulk(c, "", 0);
        else replyBulkBstr(c, c->argv[1]);
        return;
    }
    if (c->argc == 1) replyRaw(c, "+PONG\r\n", 7);
    else replyBulkBstr(c, c->argv[1]);
}

void echoCommand(client *c) { replyBulkBstr(c, c->argv[1]); }

void quitCommand(client *c) {
    replyOk(c);
    c->flags |= CLIENT_CLOSE_AFTER_REPLY;
}

/* Names may not contain spaces, newlines or other characters outside
 * '!'..'~', so CLIENT LIST stays parseable. */
int clientNameIsValid(const bstr name) {
    for (size_t i = 0; i < bstrLen(name); i++)
        if (name[i] < '!' || name[i] > '~') return 0;
    return 1;
}

void clientSetName(client *c, const bstr name) {
    bstrFree(c->name);
    c->name = bstrLen(name) ? bstrDup(name) : NULL;
}

void resetCommand(client *c) {
    multiDiscardTransaction(c);
    c->flags &= ~(CLIENT_REPLY_OFF | CLIENT_REPLY_SKIP_NEXT);
    if (c->flags & CLIENT_MONITOR) {
        listNode *ln = listSearchValue(server.monitors, c);
        if (ln) listDelNode(server.monitors, ln);
        c->flags &= ~CLIENT_MONITOR;
    }
    /* As Redis's clearClientConnectionState: every subscription is dropped,
     * without unsubscribe confirmations, and the client leaves pub/sub mode. */
    pubsubClientReset(c);
    c->flags &= ~CLIENT_PUBSUB;
    trackingDisable(c);
    c->db = 0;
    c->resp = 2;
    bstrFree(c->name);
    c->name = NULL;
    c->user = NULL; /* the default user */
    c->authenticated = aclDefaultUserIsOpen();
    replyStatus(c, "RESET");
}

void selectCommand(client *c) {
    long long id;
    if (!numParseLongLong(c->argv[1], bstrLen(c->argv[1]), &id)) {
        replyErrorNotInteger(c);
        return;
    }
    if (id < INT_MIN || id > INT_MAX) {
        /* Redis's own words (getIntFromObjectOrReply). */
        replyError(c, "value is out of range, value must between -2147483648 and 2147483647");
        return;
    }
    if (id < 0 || id >= server.dbnum) {
        replyError(c, "DB index is out of range");
        return;
    }
    c->db = (int)id;
    replyOk(c);
}

void authCommand(client *c) {
    if (c->argc > 3) {
        replyErrorSyntax(c);
        return;
    }
    bstr user = c->argc == 2 ? NULL : c->argv[1];
    bstr pass = c->argv[c->argc - 1];
    if (!user && (aclDefaultUser()->flags & ACL_USER_NOPASS)) {
        replyError(c, "AUTH <password> called without any password configured for the "
                      "default user. Are you sure your configuration is correct?");
        return;
    }
    bstr name = user ? bstrDup(user) : bstrNew("default");
    int ok = aclAuthenticate(c, name, pass);
    bstrFree(name);
    if (!ok) {
        replyError(c, "-WRONGPASS invalid username-password pair or user is disabled.");
        return;
    }
    replyOk(c);
}

static void helloReply(client *c) {
    replyMapLen(c, 7);
    replyBulkCString(c, "server");
    replyBulkCString(c, "redis");
    replyBulkCString(c, "version");
    replyBulkCString(c, REDIS_API_VERSION);
    replyBulkCString(c, "proto");
    replyLongLong(c, c->resp);
    replyBulkCString(c, "id");
    replyLongLong(c, (long long)c->id);
    replyBulkCString(c, "mode");
    replyBulkCString(c, "standalone");
    replyBulkCString(c, "role");
    replyBulkCString(c, "master");
    replyBulkCString(c, "modules");
    replyArrayLen(c, 0);
}

/* HELLO [protover [AUTH user pass] [SETNAME name]]: everything is checked
 * before anything changes, so a failing HELLO leaves the client as it was. */
void helloCommand(client *c) {
    long long ver = 0;
    int nextArg = 1;
    if (c->argc >= 2) {
        if (!numParseLongLong(c->argv[1], bstrLen(c->argv[1]), &ver)) {
            replyError(c, "Protocol version is not an integer or out of range");
            return;
        }
        nextArg = 2;
        if (ver < 2 || ver > 3) {
            replyError(c, "-NOPROTO unsupported protocol version");
            return;
        }
    }
    bstr user = NULL, pass = NULL, name = NULL;
    for (int j = nextArg; j < c->argc; j++) {
        int moreargs = c->argc - 1 - j;
        const char *opt = c->argv[j];
        if (!strcasecmp(opt, "AUTH") && moreargs >= 2) {
            user = c->argv[j + 1];
            pass = c->argv[j + 2];
            j += 2;
        } else if (!strcasecmp(opt, "SETNAME") && moreargs) {
            name = c->argv[j + 1];
            j++;
        } else {
            replyErrorFormat(c, "Syntax error in HELLO option '%s'", opt);
            return;
        }
    }
    if (user && !aclAuthenticate(c, user, pass)) {
        replyError(c, "-WRONGPASS invalid username-password pair or user is disabled.");
        return;
    }
    if (clientAuthRequired(c)) {
        replyError(c, "-NOAUTH HELLO must be called with the client already authenticated, "
                      "otherwise the HELLO AUTH <user> <pass> option can be used to "
                      "authenticate the client and select the RESP protocol version at the "
                      "same time");
        return;
    }
    if (name && !clientNameIsValid(name)) {
        replyError(c, "Client names cannot contain spaces, newlines or special characters.");
        return;
    }
    if (name) clientSetName(c, name);
    if (ver) c->resp = (int)ver;
    helloReply(c);
}
