/* cmd/acl_cmd.c -- the ACL command and its subcommands (acl/ does the
 * work; replies are Redis 7.0.15's, RESP2 and RESP3). */
#include "cmd/acl_cmd.h"
#include "acl/acl.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "pubsub/pubsub.h"
#include "server/server.h"

#include <string.h>
#include <strings.h>
#include <sys/random.h>

static const char *const noAclFile =
    "This Redis instance is not configured to use an ACL file. You may want to specify users "
    "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
    "configuration file set) in order to store users in the Redis configuration.";

void aclCommandInit(void) {
    aclInit();
    commandSetAccessCheck(aclRequestDenial);
}

typedef struct revokeCheck {
    aclUser *u;
    int isPattern;
    int revoked;
} revokeCheck;

static void checkSubscription(const bstr name, void *privdata) {
    revokeCheck *rc = privdata;
    if (!aclUserAllowsChannel(rc->u, name, rc->isPattern)) rc->revoked = 1;
}

/* Redis closes a subscriber whose user lost one of its channels: it
 * could otherwise keep receiving what it may no longer subscribe to. */
static void killRevokedSubscribers(aclUser *u) {
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (aclClientUser(c) != u || !pubsubClientTotal(c)) continue;
        revokeCheck rc = {.u = u};
        pubsubForEachClientName(c, PUBSUB_CHANNEL, checkSubscription, &rc);
        pubsubForEachClientName(c, PUBSUB_SHARD, checkSubscription, &rc);
        rc.isPattern = 1;
        pubsubForEachClientName(c, PUBSUB_PATTERN, checkSubscription, &rc);
        if (!rc.revoked) continue;
        if (c->flags & CLIENT_EXECUTING) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
        else clientFreeAsync(c);
    }
}

/* ACL SETUSER username [rule ...] */
void aclSetuserCommand(client *c) {
    bstr err = NULL;
    if (aclSetUserRules(c->argv[2], bstrLen(c->argv[2]), c->argv + 3, c->argc - 3, &err) < 0) {
        replyError(c, err);
        bstrFree(err);
        return;
    }
    killRevokedSubscribers(aclLookupUser(c->argv[2], bstrLen(c->argv[2])));
    replyOk(c);
}

/* ACL GETUSER username: a map of flags, passwords, the root selector's
 * commands, keys and channels, and the other selectors. */
void aclGetuserCommand(client *c) {
    aclUser *u = aclLookupUser(c->argv[2], bstrLen(c->argv[2]));
    if (!u) {
        replyNull(c);
        return;
    }
    static const struct { int flag; const char *name; } flagNames[] = {
        {ACL_USER_ON, "on"}, {ACL_USER_OFF, "off"}, {ACL_USER_NOPASS, "nopass"},
        {ACL_USER_SKIP_SANITIZE, "skip-sanitize-payload"}, {ACL_USER_SANITIZE, "sanitize-payload"}};
    replyMapLen(c, 6);
    replyBulkCString(c, "flags");
    int nflags = 0;
    for (size_t i = 0; i < sizeof(flagNames) / sizeof(flagNames[0]); i++)
        if (u->flags & flagNames[i].flag) nflags++;
    replySetLen(c, nflags);
    for (size_t i = 0; i < sizeof(flagNames) / sizeof(flagNames[0]); i++)
        if (u->flags & flagNames[i].flag) replyBulkCString(c, flagNames[i].name);
    replyBulkCString(c, "passwords");
    replyArrayLen(c, (long long)listLength(u->passwords));
    for (listNode *ln = listFirst(u->passwords); ln; ln = listNext(ln))
        replyBulkBstr(c, listNodeValue(ln));
    listNode *ln = listFirst(u->selectors);
    for (int root = 1; ln; ln = listNext(ln), root = 0) {
        aclSelector *s = listNodeValue(ln);
        if (!root && ln == listNext(listFirst(u->selectors))) {
            replyBulkCString(c, "selectors");
            replyArrayLen(c, (long long)listLength(u->selectors) - 1);
        }
        if (!root) replyMapLen(c, 3);
        bstr parts[3] = {aclDescribeSelectorCommands(s), aclDescribeSelectorKeys(s),
                         aclDescribeSelectorChannels(s)};
        const char *names[3] = {"commands", "keys", "channels"};
        for (int i = 0; i < 3; i++) {
            replyBulkCString(c, names[i]);
            replyBulkBstr(c, parts[i]);
            bstrFree(parts[i]);
        }
    }
    if (listLength(u->selectors) == 1) {
        replyBulkCString(c, "selectors");
        replyArrayLen(c, 0);
    }
}

/* ACL DELUSER username [username ...]: the number deleted. */
void aclDeluserCommand(client *c) {
    for (int j = 2; j < c->argc; j++) {
        if (!strcmp(c->argv[j], "default")) {
            replyError(c, "The 'default' user cannot be removed");
            return;
        }
    }
    long long deleted = 0;
    for (int j = 2; j < c->argc; j++) {
        aclUser *u = aclLookupUser(c->argv[j], bstrLen(c->argv[j]));
        if (!u) continue;
        aclDeleteUser(u);
        deleted++;
    }
    replyLongLong(c, deleted);
}

void aclUsersCommand(client *c) {
    unsigned long n;
    aclUser **all = aclUsersSorted(&n);
    replyArrayLen(c, (long long)n);
    for (unsigned long i = 0; i < n; i++) replyBulkBstr(c, all[i]->name);
    xfree(all);
}

void aclListCommand(client *c) {
    unsigned long n;
    aclUser **all = aclUsersSorted(&n);
    replyArrayLen(c, (long long)n);
    for (unsigned long i = 0; i < n; i++) {
        bstr d = aclDescribeUser(all[i]);
        bstr line = bstrCatPrintf(bstrEmpty(), "user %s %s", all[i]->name, d);
        replyBulkBstr(c, line);
        bstrFree(line);
        bstrFree(d);
    }
    xfree(all);
}

void aclWhoamiCommand(client *c) { replyBulkBstr(c, aclClientUser(c)->name); }

/* ACL CAT [category]: the categories, or the commands of one
 * (subcommands by their full name). */
void aclCatCommand(client *c) {
    if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 2) {
        int n = 0;
        while (aclCategoryName(n)) n++;
        replyArrayLen(c, n);
        for (int i = 0; i < n; i++) replyBulkCString(c, aclCategoryName(i));
        return;
    }
    uint64_t flag;
    if (!aclCategoryByName(c->argv[2], &flag)) {
        replyErrorFormat(c, "Unknown category '%.128s'", c->argv[2]);
        return;
    }
    int n = 0;
    for (int id = 0; id < aclCommandCount(); id++)
        if (aclCommandById(id)->aclCategories & flag) n++;
    replyArrayLen(c, n);
    for (int id = 0; id < aclCommandCount(); id++)
        if (aclCommandById(id)->aclCategories & flag)
            replyBulkBstr(c, aclCommandById(id)->fullname);
}

/* ACL GENPASS [bits]: ceil(bits/4) random hex characters (256 bits by
 * default), from the kernel's random source. */
void aclGenpassCommand(client *c) {
    long long bits = 256;
    if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 3 && !numParseLongLong(c->argv[2], bstrLen(c->argv[2]), &bits)) {
        replyErrorNotInteger(c);
        return;
    }
    if (bits <= 0 || bits > 4096) {
        replyError(c, "ACL GENPASS argument must be the number of bits for the output password, "
                      "a positive number up to 4096");
        return;
    }
    static const char hex[] = "0123456789abcdef";
    size_t chars = (size_t)(bits + 3) / 4;
    unsigned char raw[512];
    size_t need = (chars + 1) / 2;
    if (getrandom(raw, need, 0) != (ssize_t)need) {
        replyError(c, "Failed to read random bytes");
        return;
    }
    char out[1025];
    for (size_t i = 0; i < chars; i++) out[i] = hex[(raw[i / 2] >> ((i % 2) * 4)) & 15];
    replyBulk(c, out, chars);
}

/* ACL DRYRUN username command [arg ...]: OK, or why not (a bulk string). */
void aclDryrunCommand(client *c) {
    aclUser *u = aclLookupUser(c->argv[2], bstrLen(c->argv[2]));
    if (!u) {
        replyErrorFormat(c, "User '%s' not found", c->argv[2]);
        return;
    }
    command *cmd = commandLookup(c->argv + 3, c->argc - 3);
    if (!cmd) {
        replyErrorFormat(c, "Command '%s' not found", c->argv[3]);
        return;
    }
    int argc = c->argc - 3;
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        replyErrorFormat(c, "wrong number of arguments for '%s' command", cmd->fullname);
        return;
    }
    bstr why = aclDryRun(u, cmd, argc, c->argv + 3);
    if (!why) {
        replyOk(c);
        return;
    }
    replyBulkBstr(c, why);
    bstrFree(why);
}

/* ACL LOG [count | RESET] */
void aclLogCommand(client *c) {
    long long count = 10;
    if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 3) {
        if (!strcasecmp(c->argv[2], "reset")) {
            aclLogReset();
            replyOk(c);
            return;
        }
        if (!numParseLongLong(c->argv[2], bstrLen(c->argv[2]), &count)) {
            replyErrorNotInteger(c);
            return;
        }
        if (count < 0) count = 0;
    }
    aclLogReply(c, count);
}

/* ACL LOAD and ACL SAVE: OK, or the error of fn on the ACL file. */
static void aclFileCommand(client *c, bstr (*fn)(const char *path)) {
    if (!aclFilename || !aclFilename[0]) {
        replyError(c, noAclFile);
        return;
    }
    bstr err = fn(aclFilename);
    if (err) {
        replyError(c, err);
        bstrFree(err);
        return;
    }
    replyOk(c);
}

void aclLoadCommand(client *c) { aclFileCommand(c, aclLoadFile); }

void aclSaveCommand(client *c) { aclFileCommand(c, aclSaveFile); }

void aclHelpCommand(client *c) {
    static const char *lines[] = {
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "LOAD",
        "    Reload users from the ACL file.",
        "LOG [<count> | RESET]",
        "    Show the ACL log entries.",
        "SAVE",
        "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        NULL};
    replyHelp(c, lines);
}
