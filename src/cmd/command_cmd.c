/* cmd/command_cmd.c -- COMMAND and its subcommands (COUNT, INFO, DOCS,
 * GETKEYS, GETKEYSANDFLAGS, LIST, HELP).
 *
 * Everything is read from the command table (generated from the data files
 * in src/commands/); the reply shapes follow Redis 7.0 (server.c: addReplyCommandInfo,
 * addReplyCommandDocs, getKeysSubcommandImpl, commandListCommand):
 *
 *   COMMAND INFO entry: [name, arity, flags (set of status), first key,
 *     last key, step, ACL categories (set of status "@cat"), tips (set of
 *     bulk), key specs (set of maps), subcommands (array of entries, or an
 *     empty set when there are none)].
 *   COMMAND DOCS: map fullname -> {summary, since, group, complexity,
 *     doc_flags, history, arguments, subcommands}; optional fields are left
 *     out, not sent empty.
 *
 * Sets and maps become arrays / flat arrays under RESP2 (reply.c does it).
 * Redis emits subcommands in hash-table order; we use table order. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/glob.h"

#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Flag names */

typedef struct flagName {
    uint64_t flag;
    const char *name;
} flagName;

/* The flags COMMAND INFO prints, in Redis's order.  may_replicate,
 * sentinel, only_sentinel and protected are hidden on purpose in Redis
 * 7.0; the module_* flags are never printed either. */
static const flagName commandFlagNames[] = {
    {CMD_WRITE, "write"},
    {CMD_READONLY, "readonly"},
    {CMD_DENYOOM, "denyoom"},
    {CMD_ADMIN, "admin"},
    {CMD_PUBSUB, "pubsub"},
    {CMD_NOSCRIPT, "noscript"},
    {CMD_BLOCKING, "blocking"},
    {CMD_LOADING, "loading"},
    {CMD_STALE, "stale"},
    {CMD_SKIP_MONITOR, "skip_monitor"},
    {CMD_SKIP_SLOWLOG, "skip_slowlog"},
    {CMD_ASKING, "asking"},
    {CMD_FAST, "fast"},
    {CMD_NO_AUTH, "no_auth"},
    {CMD_NO_MANDATORY_KEYS, "no_mandatory_keys"},
    {CMD_NO_ASYNC_LOADING, "no_async_loading"},
    {CMD_NO_MULTI, "no_multi"},
    {CMD_MOVABLE_KEYS, "movablekeys"},
    {CMD_ALLOW_BUSY, "allow_busy"},
    {0, NULL}
};

/* ACL categories, in bit order (the order Redis prints them). */
static const flagName aclCategoryNames[] = {
    {ACL_CAT_KEYSPACE, "keyspace"},
    {ACL_CAT_READ, "read"},
    {ACL_CAT_WRITE, "write"},
    {ACL_CAT_SET, "set"},
    {ACL_CAT_SORTEDSET, "sortedset"},
    {ACL_CAT_LIST, "list"},
    {ACL_CAT_HASH, "hash"},
    {ACL_CAT_STRING, "string"},
    {ACL_CAT_BITMAP, "bitmap"},
    {ACL_CAT_HYPERLOGLOG, "hyperloglog"},
    {ACL_CAT_GEO, "geo"},
    {ACL_CAT_STREAM, "stream"},
    {ACL_CAT_PUBSUB, "pubsub"},
    {ACL_CAT_ADMIN, "admin"},
    {ACL_CAT_FAST, "fast"},
    {ACL_CAT_SLOW, "slow"},
    {ACL_CAT_BLOCKING, "blocking"},
    {ACL_CAT_DANGEROUS, "dangerous"},
    {ACL_CAT_CONNECTION, "connection"},
    {ACL_CAT_TRANSACTION, "transaction"},
    {ACL_CAT_SCRIPTING, "scripting"},
    {0, NULL}
};

static const flagName keySpecFlagNames[] = {
    {KSPEC_RO, "RO"},
    {KSPEC_RW, "RW"},
    {KSPEC_OW, "OW"},
    {KSPEC_RM, "RM"},
    {KSPEC_ACCESS, "access"},
    {KSPEC_UPDATE, "update"},
    {KSPEC_INSERT, "insert"},
    {KSPEC_DELETE, "delete"},
    {KSPEC_NOT_KEY, "not_key"},
    {KSPEC_INCOMPLETE, "incomplete"},
    {KSPEC_VARIABLE_FLAGS, "variable_flags"},
    {0, NULL}
};

static const flagName argFlagNames[] = {
    {ARG_OPTIONAL, "optional"},
    {ARG_MULTIPLE, "multiple"},
    {ARG_MULTIPLE_TOKEN, "multiple_token"},
    {0, NULL}
};

static const char *const argTypeNames[] = {
    [ARG_TYPE_STRING] = "string",
    [ARG_TYPE_INTEGER] = "integer",
    [ARG_TYPE_DOUBLE] = "double",
    [ARG_TYPE_KEY] = "key",
    [ARG_TYPE_PATTERN] = "pattern",
    [ARG_TYPE_UNIX_TIME] = "unix-time",
    [ARG_TYPE_PURE_TOKEN] = "pure-token",
    [ARG_TYPE_ONEOF] = "oneof",
    [ARG_TYPE_BLOCK] = "block",
};

/* A set of status replies: the names of the flags set in `flags`, with an
 * optional prefix ("@" for ACL categories). */
static void replyFlagSet(client *c, uint64_t flags, const flagName *names, const char *prefix) {
    long long n = 0;
    for (const flagName *f = names; f->name; f++)
        if (flags & f->flag) n++;
    replySetLen(c, n);
    for (const flagName *f = names; f->name; f++) {
        if (!(flags & f->flag)) continue;
        if (prefix) {
            char buf[64];
            size_t plen = strlen(prefix), nlen = strlen(f->name);
            memcpy(buf, prefix, plen);
            memcpy(buf + plen, f->name, nlen);
            replyStatusLen(c, buf, plen + nlen);
        } else {
            replyStatus(c, f->name);
        }
    }
}

static long long countNullTerminated(const char *const *list) {
    long long n = 0;
    if (list)
        while (list[n]) n++;
    return n;
}

static long long countSubcommands(const command *cmd) {
    long long n = 0;
    if (cmd->subcommands)
        for (const command *sub = cmd->subcommands; sub->name; sub++) n++;
    return n;
}

/* ------------------------------------------------------------------ */
/* COMMAND INFO */

typedef struct specParam {
    const char *name;
    long long value;
} specParam;

/* One half of a key spec: `part` ("begin_search", "find_keys") -> {type,
 * spec}, the spec a map of n integer parameters (none for "unknown"). */
static void replyKeySpecPart(client *c, const char *part, const char *type,
                             const specParam *params, int n) {
    replyBulkCString(c, part);
    replyMapLen(c, 2);
    replyBulkCString(c, "type");
    replyBulkCString(c, type);
    replyBulkCString(c, "spec");
    replyMapLen(c, n);
    for (int i = 0; i < n; i++) {
        replyBulkCString(c, params[i].name);
        replyLongLong(c, params[i].value);
    }
}

/* A keyword begin_search: {type keyword, spec {keyword K, startfrom N}}. */
static void replyKeySpecKeyword(client *c, const keySpec *ks) {
    replyBulkCString(c, "begin_search");
    replyMapLen(c, 2);
    replyBulkCString(c, "type");
    replyBulkCString(c, "keyword");
    replyBulkCString(c, "spec");
    replyMapLen(c, 2);
    replyBulkCString(c, "keyword");
    replyBulkCString(c, ks->keyword);
    replyBulkCString(c, "startfrom");
    replyLongLong(c, ks->startFrom);
}

static void replyKeySpecs(client *c, const command *cmd) {
    replySetLen(c, cmd->keySpecCount);
    for (int i = 0; i < cmd->keySpecCount; i++) {
        const keySpec *ks = &cmd->keySpecs[i];
        replyMapLen(c, ks->notes ? 4 : 3);
        if (ks->notes) {
            replyBulkCString(c, "notes");
            replyBulkCString(c, ks->notes);
        }
        replyBulkCString(c, "flags");
        replyFlagSet(c, ks->flags, keySpecFlagNames, NULL);

        if (ks->beginKind == KSPEC_BEGIN_UNKNOWN) {
            replyKeySpecPart(c, "begin_search", "unknown", NULL, 0);
        } else if (ks->beginKind == KSPEC_BEGIN_KEYWORD) {
            replyKeySpecKeyword(c, ks);
        } else {
            specParam index[] = {{"index", ks->beginIndex}};
            replyKeySpecPart(c, "begin_search", "index", index, 1);
        }
        if (ks->findKind == KSPEC_FIND_UNKNOWN) {
            replyKeySpecPart(c, "find_keys", "unknown", NULL, 0);
        } else if (ks->findKind == KSPEC_FIND_KEYNUM) {
            specParam keynum[] = {{"keynumidx", ks->keynumIdx}, {"firstkey", ks->firstKey},
                                  {"keystep", ks->keyStep}};
            replyKeySpecPart(c, "find_keys", "keynum", keynum, 3);
        } else {
            specParam range[] = {{"lastkey", ks->lastKey}, {"keystep", ks->keyStep},
                                 {"limit", ks->limit}};
            replyKeySpecPart(c, "find_keys", "range", range, 3);
        }
    }
}

/* One COMMAND INFO entry; a null reply for an unknown command. */
static void replyCommandInfo(client *c, const command *cmd) {
    if (!cmd) {
        replyNull(c);
        return;
    }
    replyArrayLen(c, 10);
    replyBulkBstr(c, cmd->fullname);
    replyLongLong(c, cmd->arity);
    replyFlagSet(c, cmd->flags, commandFlagNames, NULL);
    replyLongLong(c, cmd->firstKey);
    replyLongLong(c, cmd->lastKey);
    replyLongLong(c, cmd->keyStep);
    replyFlagSet(c, cmd->aclCategories, aclCategoryNames, "@");

    long long ntips = countNullTerminated(cmd->tips);
    replySetLen(c, ntips);
    for (long long i = 0; i < ntips; i++) replyBulkCString(c, cmd->tips[i]);

    replyKeySpecs(c, cmd);

    long long nsub = countSubcommands(cmd);
    if (nsub == 0) {
        replySetLen(c, 0);
    } else {
        replyArrayLen(c, nsub);
        for (const command *sub = cmd->subcommands; sub->name; sub++) replyCommandInfo(c, sub);
    }
}

/* A command given by name to COMMAND INFO/DOCS: "get" or "client|list"
 * (case-insensitive; more than one '|' names nothing). */
static command *lookupByArg(const bstr name) {
    return commandLookupByFullname(name, bstrLen(name));
}

static void replyAllCommandInfo(client *c) {
    long long n = 0;
    for (command *cmd = commandTable; cmd->name; cmd++) n++;
    replyArrayLen(c, n);
    for (command *cmd = commandTable; cmd->name; cmd++) replyCommandInfo(c, cmd);
}

/* COMMAND */
void commandCommand(client *c) {
    replyAllCommandInfo(c);
}

/* COMMAND COUNT */
void commandCountCommand(client *c) {
    replyLongLong(c, commandCount());
}

/* COMMAND INFO [command-name ...] */
void commandInfoCommand(client *c) {
    if (c->argc == 2) {
        replyAllCommandInfo(c);
        return;
    }
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++) replyCommandInfo(c, lookupByArg(c->argv[i]));
}

/* ------------------------------------------------------------------ */
/* COMMAND DOCS */

static void replyArgList(client *c, const commandArg *args) {
    long long n = 0;
    if (args)
        while (args[n].name) n++;
    replyArrayLen(c, n);
    for (long long i = 0; i < n; i++) {
        const commandArg *a = &args[i];
        /* Not only keys: SORT's BY/GET patterns name their (unknown) spec. */
        int hasKeySpec = a->keySpecIndex >= 0;
        int nested = a->type == ARG_TYPE_ONEOF || a->type == ARG_TYPE_BLOCK;
        long long maplen = 2;
        if (hasKeySpec) maplen++;
        if (a->token) maplen++;
        if (a->summary) maplen++;
        if (a->since) maplen++;
        if (a->deprecatedSince) maplen++;
        if (a->flags) maplen++;
        if (nested) maplen++;
        replyMapLen(c, maplen);

        replyBulkCString(c, "name");
        replyBulkCString(c, a->name);
        replyBulkCString(c, "type");
        replyBulkCString(c, argTypeNames[a->type]);
        if (hasKeySpec) {
            replyBulkCString(c, "key_spec_index");
            replyLongLong(c, a->keySpecIndex);
        }
        if (a->token) {
            replyBulkCString(c, "token");
            replyBulkCString(c, a->token);
        }
        if (a->summary) {
            replyBulkCString(c, "summary");
            replyBulkCString(c, a->summary);
        }
        if (a->since) {
            replyBulkCString(c, "since");
            replyBulkCString(c, a->since);
        }
        if (a->deprecatedSince) {
            replyBulkCString(c, "deprecated_since");
            replyBulkCString(c, a->deprecatedSince);
        }
        if (a->flags) {
            replyBulkCString(c, "flags");
            replyFlagSet(c, (uint64_t)a->flags, argFlagNames, NULL);
        }
        if (nested) {
            replyBulkCString(c, "arguments");
            replyArgList(c, a->subargs);
        }
        /* display_text: Redis 7.0 does not send it. */
    }
}

/* doc_flags: the table holds them as one string ("syscmd", or several
 * words separated by spaces or commas). */
static void replyDocFlags(client *c, const char *flags) {
    const char *seps = " ,";
    long long n = 0;
    for (const char *p = flags; *p;) {
        p += strspn(p, seps);
        if (!*p) break;
        n++;
        p += strcspn(p, seps);
    }
    replySetLen(c, n);
    for (const char *p = flags; *p;) {
        p += strspn(p, seps);
        if (!*p) break;
        size_t len = strcspn(p, seps);
        replyStatusLen(c, p, len);
        p += len;
    }
}

static void replyCommandDocs(client *c, const command *cmd) {
    long long nsub = countSubcommands(cmd);
    long long nhist = countNullTerminated(cmd->history) / 2;
    long long maplen = 1; /* group */
    if (cmd->summary) maplen++;
    if (cmd->since) maplen++;
    if (cmd->complexity) maplen++;
    if (cmd->docFlags) maplen++;
    if (cmd->deprecatedSince) maplen++;
    if (cmd->replacedBy) maplen++;
    if (nhist) maplen++;
    if (cmd->args) maplen++;
    if (nsub) maplen++;
    replyMapLen(c, maplen);

    if (cmd->summary) {
        replyBulkCString(c, "summary");
        replyBulkCString(c, cmd->summary);
    }
    if (cmd->since) {
        replyBulkCString(c, "since");
        replyBulkCString(c, cmd->since);
    }
    replyBulkCString(c, "group");
    replyBulkCString(c, cmd->group ? cmd->group : "");
    if (cmd->complexity) {
        replyBulkCString(c, "complexity");
        replyBulkCString(c, cmd->complexity);
    }
    if (cmd->docFlags) {
        replyBulkCString(c, "doc_flags");
        replyDocFlags(c, cmd->docFlags);
    }
    if (cmd->deprecatedSince) {
        replyBulkCString(c, "deprecated_since");
        replyBulkCString(c, cmd->deprecatedSince);
    }
    if (cmd->replacedBy) {
        replyBulkCString(c, "replaced_by");
        replyBulkCString(c, cmd->replacedBy);
    }
    if (nhist) {
        replyBulkCString(c, "history");
        replySetLen(c, nhist);
        for (long long i = 0; i < nhist; i++) {
            replyArrayLen(c, 2);
            replyBulkCString(c, cmd->history[2 * i]);
            replyBulkCString(c, cmd->history[2 * i + 1]);
        }
    }
    if (cmd->args) {
        replyBulkCString(c, "arguments");
        replyArgList(c, cmd->args);
    }
    if (nsub) {
        replyBulkCString(c, "subcommands");
        replyMapLen(c, nsub);
        for (const command *sub = cmd->subcommands; sub->name; sub++) {
            replyBulkBstr(c, sub->fullname);
            replyCommandDocs(c, sub);
        }
    }
}

/* COMMAND DOCS [command-name ...]: unknown names are left out. */
void commandDocsCommand(client *c) {
    if (c->argc == 2) {
        long long n = 0;
        for (command *cmd = commandTable; cmd->name; cmd++) n++;
        replyMapLen(c, n);
        for (command *cmd = commandTable; cmd->name; cmd++) {
            replyBulkBstr(c, cmd->fullname);
            replyCommandDocs(c, cmd);
        }
        return;
    }
    void *len = replyDeferredLen(c);
    long long n = 0;
    for (int i = 2; i < c->argc; i++) {
        command *cmd = lookupByArg(c->argv[i]);
        if (!cmd) continue;
        replyBulkBstr(c, cmd->fullname);
        replyCommandDocs(c, cmd);
        n++;
    }
    replySetDeferredMapLen(c, len, n);
}

/* ------------------------------------------------------------------ */
/* COMMAND GETKEYS / GETKEYSANDFLAGS */

/* Whether the command has a getkeys procedure or at least one key spec
 * not marked not_key (Redis's doesCommandHaveKeys). */
static int commandHasKeys(const command *cmd) {
    if (cmd->getkeys) return 1;
    for (int i = 0; i < cmd->keySpecCount; i++)
        if (!(cmd->keySpecs[i].flags & KSPEC_NOT_KEY)) return 1;
    return 0;
}

/* The keys of a request as COMMAND GETKEYS shows them: commandGetKeys,
 * then the flags of key specs with variable flags, which the command
 * decides (Redis's getkeys_proc). */
int commandFindKeys(const command *cmd, int argc, bstr *argv, int *pos, uint64_t *flags) {
    int n = commandGetKeys(cmd, argc, argv, pos, flags);
    if (n == 1 && (flags[0] & KSPEC_VARIABLE_FLAGS) && cmd->proc == setCommand)
        flags[0] = setKeySpecFlags(argv, argc);
    if (n == 1 && (flags[0] & KSPEC_VARIABLE_FLAGS) && cmd->proc == bitfieldCommand)
        flags[0] = bitfieldKeySpecFlags(argv, argc);
    return n;
}

static void getKeysSubcommand(client *c, int withFlags) {
    bstr *argv = c->argv + 2;
    int argc = c->argc - 2;
    command *cmd = commandLookup(argv, argc);
    if (!cmd) {
        replyError(c, "Invalid command specified");
        return;
    }
    if (!commandHasKeys(cmd)) {
        replyError(c, "The command has no key arguments");
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity) {
        replyError(c, "Invalid number of arguments specified for command");
        return;
    }
    /* Each spec yields at most argc keys, and so does a getkeys procedure. */
    size_t room = COMMAND_KEYS_ROOM(cmd, argc);
    int posBuf[64];
    uint64_t flagBuf[64];
    int *pos = posBuf;
    uint64_t *flags = flagBuf;
    if (room > 64) {
        pos = xcalloc(room, sizeof(*pos));
        flags = xcalloc(room, sizeof(*flags));
    }
    int n = commandFindKeys(cmd, argc, argv, pos, flags);
    if (n <= 0) {
        if (cmd->flags & CMD_NO_MANDATORY_KEYS)
            replyArrayLen(c, 0);
        else
            replyError(c, "Invalid arguments specified for command");
    } else {
        replyArrayLen(c, n);
        for (int i = 0; i < n; i++) {
            if (withFlags) replyArrayLen(c, 2);
            replyBulkBstr(c, argv[pos[i]]);
            if (withFlags) replyFlagSet(c, flags[i], keySpecFlagNames, NULL);
        }
    }
    if (pos != posBuf) {
        xfree(pos);
        xfree(flags);
    }
}

/* COMMAND GETKEYS command [arg ...] */
void commandGetkeysCommand(client *c) {
    getKeysSubcommand(c, 0);
}

/* COMMAND GETKEYSANDFLAGS command [arg ...] */
void commandGetkeysAndFlagsCommand(client *c) {
    getKeysSubcommand(c, 1);
}

/* ------------------------------------------------------------------ */
/* COMMAND LIST */

enum { LIST_FILTER_NONE, LIST_FILTER_MODULE, LIST_FILTER_ACLCAT, LIST_FILTER_PATTERN };

typedef struct listFilter {
    int type;
    bstr arg;
    uint64_t aclcat; /* for LIST_FILTER_ACLCAT: 0 = unknown category */
} listFilter;

static int listFilterMatches(const command *cmd, const listFilter *f) {
    switch (f->type) {
    case LIST_FILTER_NONE:
        return 1;
    case LIST_FILTER_MODULE:
        return 0; /* redis-kv has no modules */
    case LIST_FILTER_ACLCAT:
        return f->aclcat && (cmd->aclCategories & f->aclcat);
    case LIST_FILTER_PATTERN:
        return globMatch(f->arg, bstrLen(f->arg), cmd->fullname, bstrLen(cmd->fullname), 1);
    }
    return 0;
}

/* Each command, then its subcommands (as Redis does). */
static void listCommands(client *c, command *cmds, const listFilter *f, long long *n) {
    for (command *cmd = cmds; cmd->name; cmd++) {
        if (listFilterMatches(cmd, f)) {
            replyBulkBstr(c, cmd->fullname);
            (*n)++;
        }
        if (cmd->subcommands) listCommands(c, cmd->subcommands, f, n);
    }
}

/* COMMAND LIST [FILTERBY MODULE name|ACLCAT category|PATTERN pattern] */
void commandListCommand(client *c) {
    listFilter f = {LIST_FILTER_NONE, NULL, 0};
    for (int i = 2; i < c->argc; i++) {
        int moreargs = c->argc - 1 - i;
        if (!strcasecmp(c->argv[i], "filterby") && moreargs == 2) {
            const char *type = c->argv[i + 1];
            if (!strcasecmp(type, "module")) {
                f.type = LIST_FILTER_MODULE;
            } else if (!strcasecmp(type, "aclcat")) {
                f.type = LIST_FILTER_ACLCAT;
            } else if (!strcasecmp(type, "pattern")) {
                f.type = LIST_FILTER_PATTERN;
            } else {
                replyErrorSyntax(c);
                return;
            }
            f.arg = c->argv[i + 2];
            i += 2;
        } else {
            replyErrorSyntax(c);
            return;
        }
    }
    if (f.type == LIST_FILTER_ACLCAT) {
        /* A category name without '@', case-insensitive, as ACL CAT
         * lists them. */
        for (const flagName *cat = aclCategoryNames; cat->name; cat++)
            if (strlen(cat->name) == bstrLen(f.arg) && !strcasecmp(cat->name, f.arg))
                f.aclcat = cat->flag;
    }
    void *len = replyDeferredLen(c);
    long long n = 0;
    listCommands(c, commandTable, &f, &n);
    replySetDeferredArrayLen(c, len, n);
}

/* ------------------------------------------------------------------ */

/* COMMAND HELP */
void commandHelpCommand(client *c) {
    static const char *help[] = {
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full Redis command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full Redis command.",
        NULL
    };
    replyHelp(c, help);
}
