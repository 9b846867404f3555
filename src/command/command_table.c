/* command_table: every command redis-kv implements, with the documentation
 * COMMAND INFO and COMMAND DOCS return.
 *
 * Arity, flags, ACL categories, tips, group, since, complexity, doc flags and
 * argument trees follow Redis 7.0 exactly (tests/helpers/compare_command_docs.py
 * checks them against a real redis-server); the summaries are our own words.
 *
 * ACL categories are listed in full, as COMMAND INFO prints them (including
 * the ones Redis derives from flags: @admin/@dangerous from admin, @fast or
 * @slow, ...).  Flags that COMMAND INFO does not print (CMD_PROTECTED on
 * DEBUG) are set too, for their behaviour.
 *
 * Subcommand names are bare ("list"); commandTableInit() sets parent and
 * fullname ("client|list").  Non-key arguments carry keySpecIndex -1. */
#include <stddef.h>

/* client.h names struct reactor in prototypes without declaring it; declare
 * it here so those prototypes do not warn.  (Harmless once client.h does.) */
struct reactor;

#include "command/command.h"
#include "cmd/handlers.h"
#include "cmd/string_cmds.h"
#include "cmd/multi.h"

/* COMMAND DOCS "history" (version, description pairs).  command.h has no
 * field for it yet; once it has one (const char *const *history, NULL-ended)
 * and defines COMMAND_HAS_HISTORY, the entries below fill it in. */
#ifdef COMMAND_HAS_HISTORY
#define COMMAND_HISTORY(h) .history = h,
#else
#define COMMAND_HISTORY(h)
#endif

static const char *const pingTips[] = {"request_policy:all_shards", "response_policy:all_succeeded", NULL};

static const commandArg pingArgs[] = {
    {.name = "message", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .flags = ARG_OPTIONAL},
    {0}
};

static const commandArg echoArgs[] = {
    {.name = "message", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

static const commandArg selectArgs[] = {
    {.name = "index", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1},
    {0}
};

static const commandArg authArgs[] = {
    {.name = "username", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .since = "6.0.0", .flags = ARG_OPTIONAL},
    {.name = "password", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const authHistory[] = {
    "6.0.0", "Added ACL style (username and password).",
    NULL};
#endif

static const commandArg helloArgumentsUsernamePasswordArgs[] = {
    {.name = "username", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {.name = "password", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

static const commandArg helloArgumentsArgs[] = {
    {.name = "protover", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1},
    {.name = "username_password", .type = ARG_TYPE_BLOCK, .keySpecIndex = -1, .token = "AUTH", .flags = ARG_OPTIONAL, .subargs = helloArgumentsUsernamePasswordArgs},
    {.name = "clientname", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "SETNAME", .flags = ARG_OPTIONAL},
    {0}
};

static const commandArg helloArgs[] = {
    {.name = "arguments", .type = ARG_TYPE_BLOCK, .keySpecIndex = -1, .flags = ARG_OPTIONAL, .subargs = helloArgumentsArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const helloHistory[] = {
    "6.2.0", "`protover` made optional; when called without arguments the command reports the current connection's context.",
    NULL};
#endif

static const commandArg clientSetnameArgs[] = {
    {.name = "connection-name", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

static const char *const clientListTips[] = {"nondeterministic_output", NULL};

static const commandArg clientListNormalMasterReplicaPubsubArgs[] = {
    {.name = "normal", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NORMAL"},
    {.name = "master", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "MASTER"},
    {.name = "replica", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "REPLICA"},
    {.name = "pubsub", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "PUBSUB"},
    {0}
};

static const commandArg clientListIdArgs[] = {
    {.name = "client-id", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1, .flags = ARG_MULTIPLE},
    {0}
};

static const commandArg clientListArgs[] = {
    {.name = "normal_master_replica_pubsub", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .token = "TYPE", .since = "5.0.0", .flags = ARG_OPTIONAL, .subargs = clientListNormalMasterReplicaPubsubArgs},
    {.name = "id", .type = ARG_TYPE_BLOCK, .keySpecIndex = -1, .token = "ID", .since = "6.2.0", .flags = ARG_OPTIONAL, .subargs = clientListIdArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const clientListHistory[] = {
    "2.8.12", "Added unique client `id` field.",
    "5.0.0", "Added optional `TYPE` filter.",
    "6.0.0", "Added `user` field.",
    "6.2.0", "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
    "7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields.",
    "7.0.3", "Added `ssub` field.",
    NULL};
#endif

static const char *const clientInfoTips[] = {"nondeterministic_output", NULL};

static const commandArg clientKillFilterNewFormatNormalMasterSlavePubsubArgs[] = {
    {.name = "normal", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NORMAL"},
    {.name = "master", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "MASTER", .since = "3.2.0"},
    {.name = "slave", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "SLAVE"},
    {.name = "replica", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "REPLICA", .since = "5.0.0"},
    {.name = "pubsub", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "PUBSUB"},
    {0}
};

static const commandArg clientKillFilterNewFormatArgs[] = {
    {.name = "client-id", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1, .token = "ID", .since = "2.8.12", .flags = ARG_OPTIONAL},
    {.name = "normal_master_slave_pubsub", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .token = "TYPE", .since = "2.8.12", .flags = ARG_OPTIONAL, .subargs = clientKillFilterNewFormatNormalMasterSlavePubsubArgs},
    {.name = "username", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "USER", .flags = ARG_OPTIONAL},
    {.name = "ip:port", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "ADDR", .flags = ARG_OPTIONAL},
    {.name = "ip:port", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "LADDR", .since = "6.2.0", .flags = ARG_OPTIONAL},
    {.name = "yes/no", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "SKIPME", .flags = ARG_OPTIONAL},
    {0}
};

static const commandArg clientKillFilterArgs[] = {
    {.name = "ip:port", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .deprecatedSince = "2.8.12"},
    {.name = "new-format", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .flags = ARG_MULTIPLE, .subargs = clientKillFilterNewFormatArgs},
    {0}
};

static const commandArg clientKillArgs[] = {
    {.name = "filter", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .subargs = clientKillFilterArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const clientKillHistory[] = {
    "2.8.12", "Added new filter format.",
    "2.8.12", "`ID` option.",
    "3.2.0", "Added `master` type in for `TYPE` option.",
    "5.0.0", "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
    "6.2.0", "`LADDR` option.",
    NULL};
#endif

static const commandArg clientReplyOnOffSkipArgs[] = {
    {.name = "on", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "ON"},
    {.name = "off", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "OFF"},
    {.name = "skip", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "SKIP"},
    {0}
};

static const commandArg clientReplyArgs[] = {
    {.name = "on_off_skip", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .subargs = clientReplyOnOffSkipArgs},
    {0}
};

static const commandArg clientPauseModeArgs[] = {
    {.name = "write", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "WRITE"},
    {.name = "all", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "ALL"},
    {0}
};

static const commandArg clientPauseArgs[] = {
    {.name = "timeout", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1},
    {.name = "mode", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .since = "6.2.0", .flags = ARG_OPTIONAL, .subargs = clientPauseModeArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const clientPauseHistory[] = {
    "6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option.",
    NULL};
#endif

static const commandArg clientNoEvictEnabledArgs[] = {
    {.name = "on", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "ON"},
    {.name = "off", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "OFF"},
    {0}
};

static const commandArg clientNoEvictArgs[] = {
    {.name = "enabled", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .subargs = clientNoEvictEnabledArgs},
    {0}
};

static const commandArg clientTrackingStatusArgs[] = {
    {.name = "on", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "ON"},
    {.name = "off", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "OFF"},
    {0}
};

static const commandArg clientTrackingArgs[] = {
    {.name = "status", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .subargs = clientTrackingStatusArgs},
    {.name = "client-id", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1, .token = "REDIRECT", .flags = ARG_OPTIONAL},
    {.name = "prefix", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "PREFIX", .flags = ARG_OPTIONAL | ARG_MULTIPLE | ARG_MULTIPLE_TOKEN},
    {.name = "bcast", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "BCAST", .flags = ARG_OPTIONAL},
    {.name = "optin", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "OPTIN", .flags = ARG_OPTIONAL},
    {.name = "optout", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "OPTOUT", .flags = ARG_OPTIONAL},
    {.name = "noloop", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NOLOOP", .flags = ARG_OPTIONAL},
    {0}
};

static const commandArg clientCachingModeArgs[] = {
    {.name = "yes", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "YES"},
    {.name = "no", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NO"},
    {0}
};

static const commandArg clientCachingArgs[] = {
    {.name = "mode", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .subargs = clientCachingModeArgs},
    {0}
};

static command clientSubcommands[] = {
    {
        .name = "id",
        .proc = clientIdCommand,
        .arity = 2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "5.0.0",
        .summary = "Returns the unique ID of the current connection.",
        .complexity = "O(1)",
    },
    {
        .name = "setname",
        .proc = clientSetnameCommand,
        .arity = 3,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "2.6.9",
        .summary = "Assigns a name to the current connection.",
        .complexity = "O(1)",
        .args = clientSetnameArgs,
    },
    {
        .name = "getname",
        .proc = clientGetnameCommand,
        .arity = 2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "2.6.9",
        .summary = "Returns the name of the current connection.",
        .complexity = "O(1)",
    },
    {
        .name = "list",
        .proc = clientListCommand,
        .arity = -2,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "2.4.0",
        .summary = "Lists the connected clients and their properties.",
        .complexity = "O(N) where N is the number of client connections",
        .tips = clientListTips,
        .args = clientListArgs,
        COMMAND_HISTORY(clientListHistory)
    },
    {
        .name = "info",
        .proc = clientInfoCommand,
        .arity = 2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.2.0",
        .summary = "Describes the current connection.",
        .complexity = "O(1)",
        .tips = clientInfoTips,
    },
    {
        .name = "kill",
        .proc = clientKillCommand,
        .arity = -3,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "2.4.0",
        .summary = "Closes one or more client connections.",
        .complexity = "O(N) where N is the number of client connections",
        .args = clientKillArgs,
        COMMAND_HISTORY(clientKillHistory)
    },
    {
        .name = "reply",
        .proc = clientReplyCommand,
        .arity = 3,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "3.2.0",
        .summary = "Controls whether the server replies to this connection's commands.",
        .complexity = "O(1)",
        .args = clientReplyArgs,
    },
    {
        .name = "pause",
        .proc = clientPauseCommand,
        .arity = -3,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "2.9.50",
        .summary = "Suspends command processing for clients for a while.",
        .complexity = "O(1)",
        .args = clientPauseArgs,
        COMMAND_HISTORY(clientPauseHistory)
    },
    {
        .name = "unpause",
        .proc = clientUnpauseCommand,
        .arity = 2,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.2.0",
        .summary = "Resumes command processing for paused clients.",
        .complexity = "O(N) Where N is the number of paused clients",
    },
    {
        .name = "no-evict",
        .proc = clientNoEvictCommand,
        .arity = 3,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "7.0.0",
        .summary = "Turns client eviction on or off for the current connection.",
        .complexity = "O(1)",
        .args = clientNoEvictArgs,
    },
    {
        .name = "tracking",
        .proc = clientTrackingCommand,
        .arity = -3,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.0.0",
        .summary = "Turns server-assisted client-side caching on or off for the connection.",
        .complexity = "O(1). Some options may introduce additional complexity.",
        .args = clientTrackingArgs,
    },
    {
        .name = "caching",
        .proc = clientCachingCommand,
        .arity = 3,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.0.0",
        .summary = "Tells the server whether to track the keys of the next command (OPTIN/OPTOUT).",
        .complexity = "O(1)",
        .args = clientCachingArgs,
    },
    {
        .name = "getredir",
        .proc = clientGetredirCommand,
        .arity = 2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.0.0",
        .summary = "Returns the client ID tracking invalidations are redirected to.",
        .complexity = "O(1)",
    },
    {
        .name = "trackinginfo",
        .proc = clientTrackinginfoCommand,
        .arity = 2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.2.0",
        .summary = "Describes the client-side caching state of the connection.",
        .complexity = "O(1)",
    },
    {
        .name = "help",
        .proc = clientHelpCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "5.0.0",
        .summary = "Lists the CLIENT subcommands.",
        .complexity = "O(1)",
    },
    {0}
};

static const commandArg configGetParameterArgs[] = {
    {.name = "parameter", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

static const commandArg configGetArgs[] = {
    {.name = "parameter", .type = ARG_TYPE_BLOCK, .keySpecIndex = -1, .flags = ARG_MULTIPLE, .subargs = configGetParameterArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const configGetHistory[] = {
    "7.0.0", "Added the ability to pass multiple pattern parameters in one call",
    NULL};
#endif

static const char *const configSetTips[] = {"request_policy:all_nodes", "response_policy:all_succeeded", NULL};

static const commandArg configSetParameterValueArgs[] = {
    {.name = "parameter", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {.name = "value", .type = ARG_TYPE_STRING, .keySpecIndex = -1},
    {0}
};

static const commandArg configSetArgs[] = {
    {.name = "parameter_value", .type = ARG_TYPE_BLOCK, .keySpecIndex = -1, .flags = ARG_MULTIPLE, .subargs = configSetParameterValueArgs},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const configSetHistory[] = {
    "7.0.0", "Added the ability to set multiple parameters in one call.",
    NULL};
#endif

static command configSubcommands[] = {
    {
        .name = "get",
        .proc = configGetCommand,
        .arity = -3,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.0.0",
        .summary = "Returns the configuration parameters matching the given patterns.",
        .complexity = "O(N) when N is the number of configuration parameters provided",
        .args = configGetArgs,
        COMMAND_HISTORY(configGetHistory)
    },
    {
        .name = "set",
        .proc = configSetCommand,
        .arity = -4,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.0.0",
        .summary = "Changes configuration parameters at run time.",
        .complexity = "O(N) when N is the number of configuration parameters provided",
        .tips = configSetTips,
        .args = configSetArgs,
        COMMAND_HISTORY(configSetHistory)
    },
    {
        .name = "resetstat",
        .proc = configResetStatCommand,
        .arity = 2,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.0.0",
        .summary = "Resets the statistics reported by INFO.",
        .complexity = "O(1)",
    },
    {
        .name = "rewrite",
        .proc = configRewriteCommand,
        .arity = 2,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.8.0",
        .summary = "Writes the running configuration back to the configuration file.",
        .complexity = "O(1)",
    },
    {
        .name = "help",
        .proc = configHelpCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW,
        .group = "server",
        .since = "5.0.0",
        .summary = "Lists the CONFIG subcommands.",
        .complexity = "O(1)",
    },
    {0}
};

static const char *const infoTips[] = {"nondeterministic_output", "request_policy:all_shards", "response_policy:special", NULL};

static const commandArg infoArgs[] = {
    {.name = "section", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .flags = ARG_OPTIONAL | ARG_MULTIPLE},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const infoHistory[] = {
    "7.0.0", "Added support for taking multiple section arguments.",
    NULL};
#endif

static const char *const timeTips[] = {"nondeterministic_output", NULL};

static const char *const slowlogGetTips[] = {"request_policy:all_nodes", "nondeterministic_output", NULL};

static const commandArg slowlogGetArgs[] = {
    {.name = "count", .type = ARG_TYPE_INTEGER, .keySpecIndex = -1, .flags = ARG_OPTIONAL},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const slowlogGetHistory[] = {
    "4.0.0", "Added client IP address, port and name to the reply.",
    NULL};
#endif

static const char *const slowlogLenTips[] = {"request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output", NULL};

static const char *const slowlogResetTips[] = {"request_policy:all_nodes", "response_policy:all_succeeded", NULL};

static command slowlogSubcommands[] = {
    {
        .name = "get",
        .proc = slowlogGetCommand,
        .arity = -2,
        .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.2.12",
        .summary = "Returns entries of the slow log.",
        .complexity = "O(N) where N is the number of entries returned",
        .tips = slowlogGetTips,
        .args = slowlogGetArgs,
        COMMAND_HISTORY(slowlogGetHistory)
    },
    {
        .name = "len",
        .proc = slowlogLenCommand,
        .arity = 2,
        .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.2.12",
        .summary = "Returns the number of entries in the slow log.",
        .complexity = "O(1)",
        .tips = slowlogLenTips,
    },
    {
        .name = "reset",
        .proc = slowlogResetCommand,
        .arity = 2,
        .flags = CMD_ADMIN | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "2.2.12",
        .summary = "Empties the slow log.",
        .complexity = "O(N) where N is the number of entries in the slowlog",
        .tips = slowlogResetTips,
    },
    {
        .name = "help",
        .proc = slowlogHelpCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW,
        .group = "server",
        .since = "6.2.0",
        .summary = "Lists the SLOWLOG subcommands.",
        .complexity = "O(1)",
    },
    {0}
};

static const commandArg shutdownNosaveSaveArgs[] = {
    {.name = "nosave", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NOSAVE"},
    {.name = "save", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "SAVE"},
    {0}
};

static const commandArg shutdownArgs[] = {
    {.name = "nosave_save", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .flags = ARG_OPTIONAL, .subargs = shutdownNosaveSaveArgs},
    {.name = "now", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "NOW", .since = "7.0.0", .flags = ARG_OPTIONAL},
    {.name = "force", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "FORCE", .since = "7.0.0", .flags = ARG_OPTIONAL},
    {.name = "abort", .type = ARG_TYPE_PURE_TOKEN, .keySpecIndex = -1, .token = "ABORT", .since = "7.0.0", .flags = ARG_OPTIONAL},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const shutdownHistory[] = {
    "7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers.",
    NULL};
#endif

static const char *const commandInfoTips[] = {"nondeterministic_output_order", NULL};

static const commandArg commandInfoArgs[] = {
    {.name = "command-name", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .flags = ARG_OPTIONAL | ARG_MULTIPLE},
    {0}
};

#ifdef COMMAND_HAS_HISTORY
static const char *const commandInfoHistory[] = {
    "7.0.0", "Allowed to be called with no argument to get info on all commands.",
    NULL};
#endif

static const char *const commandDocsTips[] = {"nondeterministic_output_order", NULL};

static const commandArg commandDocsArgs[] = {
    {.name = "command-name", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .flags = ARG_OPTIONAL | ARG_MULTIPLE},
    {0}
};

static const char *const commandListTips[] = {"nondeterministic_output_order", NULL};

static const commandArg commandListFilterbyArgs[] = {
    {.name = "module-name", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "MODULE"},
    {.name = "category", .type = ARG_TYPE_STRING, .keySpecIndex = -1, .token = "ACLCAT"},
    {.name = "pattern", .type = ARG_TYPE_PATTERN, .keySpecIndex = -1, .token = "PATTERN"},
    {0}
};

static const commandArg commandListArgs[] = {
    {.name = "filterby", .type = ARG_TYPE_ONEOF, .keySpecIndex = -1, .token = "FILTERBY", .flags = ARG_OPTIONAL, .subargs = commandListFilterbyArgs},
    {0}
};

static command commandSubcommands[] = {
    {
        .name = "count",
        .proc = commandCountCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "2.8.13",
        .summary = "Returns the number of commands.",
        .complexity = "O(1)",
    },
    {
        .name = "info",
        .proc = commandInfoCommand,
        .arity = -2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "2.8.13",
        .summary = "Returns details about the given commands, or about all of them.",
        .complexity = "O(N) where N is the number of commands to look up",
        .tips = commandInfoTips,
        .args = commandInfoArgs,
        COMMAND_HISTORY(commandInfoHistory)
    },
    {
        .name = "docs",
        .proc = commandDocsCommand,
        .arity = -2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "7.0.0",
        .summary = "Returns documentation for the given commands, or for all of them.",
        .complexity = "O(N) where N is the number of commands to look up",
        .tips = commandDocsTips,
        .args = commandDocsArgs,
    },
    {
        .name = "getkeys",
        .proc = commandGetkeysCommand,
        .arity = -4,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "2.8.13",
        .summary = "Extracts the key names from a full command line.",
        .complexity = "O(N) where N is the number of arguments to the command",
    },
    {
        .name = "getkeysandflags",
        .proc = commandGetkeysAndFlagsCommand,
        .arity = -4,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "7.0.0",
        .summary = "Extracts the key names and their access flags from a full command line.",
        .complexity = "O(N) where N is the number of arguments to the command",
    },
    {
        .name = "list",
        .proc = commandListCommand,
        .arity = -2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "7.0.0",
        .summary = "Returns the command names, optionally filtered.",
        .complexity = "O(N) where N is the total number of Redis commands",
        .tips = commandListTips,
        .args = commandListArgs,
    },
    {
        .name = "help",
        .proc = commandHelpCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "5.0.0",
        .summary = "Lists the COMMAND subcommands.",
        .complexity = "O(1)",
    },
    {0}
};

static const char *const commandTips[] = {"nondeterministic_output_order", NULL};

/* ------------------------------------------------------------------ */

#define COMMAND_TABLE_STRINGS_ARGS
#include "command/command_table_strings.inc"
#undef COMMAND_TABLE_STRINGS_ARGS
#define COMMAND_TABLE_EXPIRE_ARGS
#include "command/command_table_expire.inc"
#undef COMMAND_TABLE_EXPIRE_ARGS
#define COMMAND_TABLE_KEYSPACE_ARGS
#include "command/command_table_keyspace.inc"
#undef COMMAND_TABLE_KEYSPACE_ARGS
#define COMMAND_TABLE_PUBSUB_ARGS
#include "command/command_table_pubsub.inc"
#undef COMMAND_TABLE_PUBSUB_ARGS
#define COMMAND_TABLE_MULTI_ARGS
#include "command/command_table_multi.inc"
#undef COMMAND_TABLE_MULTI_ARGS
#define COMMAND_TABLE_PERSISTENCE_ARGS
#include "command/command_table_persistence.inc"
#undef COMMAND_TABLE_PERSISTENCE_ARGS
#define COMMAND_TABLE_HLL_ARGS
#include "command/command_table_hll.inc"
#undef COMMAND_TABLE_HLL_ARGS
#define COMMAND_TABLE_BITOPS_ARGS
#include "command/command_table_bitops.inc"
#undef COMMAND_TABLE_BITOPS_ARGS
#define COMMAND_TABLE_INTROSPECT_ARGS
#include "command/command_table_introspect.inc"
#undef COMMAND_TABLE_INTROSPECT_ARGS

command commandTable[] = {
    {
        .name = "ping",
        .proc = pingCommand,
        .arity = -1,
        .flags = CMD_FAST,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "1.0.0",
        .summary = "Checks that the server is responding.",
        .complexity = "O(1)",
        .tips = pingTips,
        .args = pingArgs,
    },
    {
        .name = "echo",
        .proc = echoCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE | CMD_FAST,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "1.0.0",
        .summary = "Returns the given string unchanged.",
        .complexity = "O(1)",
        .args = echoArgs,
    },
    {
        .name = "quit",
        .proc = quitCommand,
        .arity = -1,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "1.0.0",
        .summary = "Closes the connection after replying.",
        .complexity = "O(1)",
    },
    {
        .name = "reset",
        .proc = resetCommand,
        .arity = 1,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.2.0",
        .summary = "Resets the connection to its initial state.",
        .complexity = "O(1)",
    },
    {
        .name = "select",
        .proc = selectCommand,
        .arity = 2,
        .flags = CMD_LOADING | CMD_STALE | CMD_FAST,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "1.0.0",
        .summary = "Switches the connection to another logical database.",
        .complexity = "O(1)",
        .args = selectArgs,
    },
    {
        .name = "auth",
        .proc = authCommand,
        .arity = -2,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "1.0.0",
        .summary = "Authenticates the connection.",
        .complexity = "O(N) where N is the number of passwords defined for the user",
        .args = authArgs,
        COMMAND_HISTORY(authHistory)
    },
    {
        .name = "hello",
        .proc = helloCommand,
        .arity = -1,
        .flags = CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_FAST | CMD_NO_AUTH | CMD_ALLOW_BUSY,
        .aclCategories = ACL_CAT_FAST | ACL_CAT_CONNECTION,
        .group = "connection",
        .since = "6.0.0",
        .summary = "Negotiates the protocol version, optionally authenticating and naming the connection.",
        .complexity = "O(1)",
        .args = helloArgs,
        COMMAND_HISTORY(helloHistory)
    },
    {
        .name = "client",
        .proc = NULL,
        .arity = -2,
        .flags = 0,
        .aclCategories = ACL_CAT_SLOW,
        .group = "connection",
        .since = "2.4.0",
        .summary = "Container for commands that inspect and manage client connections.",
        .complexity = "Depends on subcommand.",
        .subcommands = clientSubcommands,
    },
    {
        .name = "config",
        .proc = NULL,
        .arity = -2,
        .flags = 0,
        .aclCategories = ACL_CAT_SLOW,
        .group = "server",
        .since = "2.0.0",
        .summary = "Container for commands that read and change the server configuration.",
        .complexity = "Depends on subcommand.",
        .subcommands = configSubcommands,
    },
    {
        .name = "info",
        .proc = infoCommand,
        .arity = -1,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "1.0.0",
        .summary = "Returns server information and statistics.",
        .complexity = "O(1)",
        .tips = infoTips,
        .args = infoArgs,
        COMMAND_HISTORY(infoHistory)
    },
    {
        .name = "time",
        .proc = timeCommand,
        .arity = 1,
        .flags = CMD_LOADING | CMD_STALE | CMD_FAST,
        .aclCategories = ACL_CAT_FAST,
        .group = "server",
        .since = "2.6.0",
        .summary = "Returns the server's current time.",
        .complexity = "O(1)",
        .tips = timeTips,
    },
    {
        .name = "slowlog",
        .proc = NULL,
        .arity = -2,
        .flags = 0,
        .aclCategories = ACL_CAT_SLOW,
        .group = "server",
        .since = "2.2.12",
        .summary = "Container for commands that manage the slow log.",
        .complexity = "Depends on subcommand.",
        .subcommands = slowlogSubcommands,
    },
    {
        .name = "monitor",
        .proc = monitorCommand,
        .arity = 1,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "1.0.0",
        .summary = "Streams every command the server processes to this connection.",
        /* no .complexity: Redis documents none */
    },
    {
        .name = "bgrewriteaof",
        .proc = bgrewriteaofCommand,
        .arity = 1,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_NO_ASYNC_LOADING,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "1.0.0",
        .summary = "Compacts the log in the background (Redis: rewrites the append-only file).",
        .complexity = "O(1)",
    },
    {
        .name = "shutdown",
        .proc = shutdownCommand,
        .arity = -1,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_NO_MULTI | CMD_ALLOW_BUSY,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "1.0.0",
        .summary = "Stops the server, optionally saving data first.",
        .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
        .args = shutdownArgs,
        COMMAND_HISTORY(shutdownHistory)
    },
    {
        .name = "debug",
        .proc = debugCommand,
        .arity = -2,
        .flags = CMD_ADMIN | CMD_NOSCRIPT | CMD_LOADING | CMD_STALE | CMD_PROTECTED,
        .aclCategories = ACL_CAT_ADMIN | ACL_CAT_SLOW | ACL_CAT_DANGEROUS,
        .group = "server",
        .since = "1.0.0",
        .summary = "Container for internal debugging commands.",
        .complexity = "Depends on subcommand.",
        .docFlags = "syscmd",
    },
    {
        .name = "command",
        .proc = commandCommand,
        .arity = -1,
        .flags = CMD_LOADING | CMD_STALE,
        .aclCategories = ACL_CAT_SLOW | ACL_CAT_CONNECTION,
        .group = "server",
        .since = "2.8.13",
        .summary = "Returns details about every command.",
        .complexity = "O(N) where N is the total number of Redis commands",
        .tips = commandTips,
        .subcommands = commandSubcommands,
    },
#define COMMAND_TABLE_STRINGS_ENTRIES
#include "command/command_table_strings.inc"
#undef COMMAND_TABLE_STRINGS_ENTRIES
#define COMMAND_TABLE_EXPIRE_ENTRIES
#include "command/command_table_expire.inc"
#undef COMMAND_TABLE_EXPIRE_ENTRIES
#define COMMAND_TABLE_KEYSPACE_ENTRIES
#include "command/command_table_keyspace.inc"
#undef COMMAND_TABLE_KEYSPACE_ENTRIES
#define COMMAND_TABLE_PUBSUB_ENTRIES
#include "command/command_table_pubsub.inc"
#undef COMMAND_TABLE_PUBSUB_ENTRIES
#define COMMAND_TABLE_MULTI_ENTRIES
#include "command/command_table_multi.inc"
#undef COMMAND_TABLE_MULTI_ENTRIES
#define COMMAND_TABLE_PERSISTENCE_ENTRIES
#include "command/command_table_persistence.inc"
#undef COMMAND_TABLE_PERSISTENCE_ENTRIES
#define COMMAND_TABLE_HLL_ENTRIES
#include "command/command_table_hll.inc"
#undef COMMAND_TABLE_HLL_ENTRIES
#define COMMAND_TABLE_BITOPS_ENTRIES
#include "command/command_table_bitops.inc"
#undef COMMAND_TABLE_BITOPS_ENTRIES
#define COMMAND_TABLE_INTROSPECT_ENTRIES
#include "command/command_table_introspect.inc"
#undef COMMAND_TABLE_INTROSPECT_ENTRIES
    {0}
};
