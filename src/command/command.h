/* command/command.h -- the command table and dispatch.
 *
 * Every command redis-kv implements has one entry in commandTable: its
 * name, arity, flags, key positions, the handler, and the documentation
 * COMMAND DOCS returns (redis-cli builds its hints from it).  The table is
 * generated at build time from the data files in src/commands/ by
 * utils/gen-command-table.tcl, which maps the data files' names onto the
 * macros below ("no_auth" -> CMD_NO_AUTH, "@keyspace" -> ACL_CAT_KEYSPACE,
 * "pure-token" -> ARG_TYPE_PURE_TOKEN): a new flag is added here and is
 * then usable in the data files.
 *
 * A container command (CLIENT, CONFIG, ...) lists its subcommands; the
 * dispatcher picks the subcommand from argv[1].
 *
 * Arity follows Redis: N > 0 means exactly N arguments (the name included),
 * -N means at least N.  Subcommand arity counts the container name too. */
#ifndef REDIS_KV_COMMAND_H
#define REDIS_KV_COMMAND_H

#include <stdint.h>
#include "client/client.h"
#include "lib/bstr.h"

typedef void commandProc(client *c);

/* Command flags, as COMMAND INFO names them. */
#define CMD_WRITE (1ULL << 0)          /* "write" */
#define CMD_READONLY (1ULL << 1)       /* "readonly" */
#define CMD_DENYOOM (1ULL << 2)        /* "denyoom" */
#define CMD_ADMIN (1ULL << 4)          /* "admin" */
#define CMD_PUBSUB (1ULL << 5)         /* "pubsub" */
#define CMD_NOSCRIPT (1ULL << 6)       /* "noscript" */
#define CMD_BLOCKING (1ULL << 8)       /* "blocking" */
#define CMD_LOADING (1ULL << 9)        /* "loading" */
#define CMD_STALE (1ULL << 10)         /* "stale" */
#define CMD_SKIP_MONITOR (1ULL << 11)  /* "skip_monitor" */
#define CMD_SKIP_SLOWLOG (1ULL << 12)  /* "skip_slowlog" */
#define CMD_ASKING (1ULL << 13)        /* "asking" */
#define CMD_FAST (1ULL << 14)          /* "fast" */
#define CMD_NO_AUTH (1ULL << 15)       /* "no_auth" */
#define CMD_MAY_REPLICATE (1ULL << 16) /* "may_replicate" */
#define CMD_SENTINEL (1ULL << 17)      /* "sentinel" */
#define CMD_ONLY_SENTINEL (1ULL << 18) /* "only_sentinel" */
#define CMD_NO_MANDATORY_KEYS (1ULL << 19) /* "no_mandatory_keys" */
#define CMD_PROTECTED (1ULL << 20)     /* "protected" */
#define CMD_MODULE_GETKEYS (1ULL << 21)
#define CMD_MODULE_NO_CLUSTER (1ULL << 22)
#define CMD_NO_ASYNC_LOADING (1ULL << 23) /* "no_async_loading" */
#define CMD_NO_MULTI (1ULL << 24)      /* "no_multi" */
#define CMD_MOVABLE_KEYS (1ULL << 25)  /* "movablekeys" (computed) */
#define CMD_ALLOW_BUSY (1ULL << 26)    /* "allow_busy" */

/* ACL categories, as COMMAND INFO names them ("@keyspace" ...). */
#define ACL_CAT_KEYSPACE (1ULL << 0)
#define ACL_CAT_READ (1ULL << 1)
#define ACL_CAT_WRITE (1ULL << 2)
#define ACL_CAT_SET (1ULL << 3)
#define ACL_CAT_SORTEDSET (1ULL << 4)
#define ACL_CAT_LIST (1ULL << 5)
#define ACL_CAT_HASH (1ULL << 6)
#define ACL_CAT_STRING (1ULL << 7)
#define ACL_CAT_BITMAP (1ULL << 8)
#define ACL_CAT_HYPERLOGLOG (1ULL << 9)
#define ACL_CAT_GEO (1ULL << 10)
#define ACL_CAT_STREAM (1ULL << 11)
#define ACL_CAT_PUBSUB (1ULL << 12)
#define ACL_CAT_ADMIN (1ULL << 13)
#define ACL_CAT_FAST (1ULL << 14)
#define ACL_CAT_SLOW (1ULL << 15)
#define ACL_CAT_BLOCKING (1ULL << 16)
#define ACL_CAT_DANGEROUS (1ULL << 17)
#define ACL_CAT_CONNECTION (1ULL << 18)
#define ACL_CAT_TRANSACTION (1ULL << 19)
#define ACL_CAT_SCRIPTING (1ULL << 20)

/* Argument types for COMMAND DOCS. */
typedef enum {
    ARG_TYPE_STRING,
    ARG_TYPE_INTEGER,
    ARG_TYPE_DOUBLE,
    ARG_TYPE_KEY,        /* uses keySpecIndex */
    ARG_TYPE_PATTERN,
    ARG_TYPE_UNIX_TIME,
    ARG_TYPE_PURE_TOKEN,
    ARG_TYPE_ONEOF,      /* one of subargs */
    ARG_TYPE_BLOCK       /* all of subargs, in order */
} commandArgType;

#define ARG_OPTIONAL (1 << 0)
#define ARG_MULTIPLE (1 << 1)
#define ARG_MULTIPLE_TOKEN (1 << 2)

/* One documented argument.  Arrays of them end with an entry whose name is
 * NULL.  `token` is the literal word that introduces the argument (e.g.
 * "EX"), or NULL. */
typedef struct commandArg {
    const char *name;
    commandArgType type;
    int keySpecIndex;     /* for ARG_TYPE_KEY; -1 otherwise */
    const char *token;
    const char *summary;
    const char *since;
    int flags;
    const char *deprecatedSince;
    const struct commandArg *subargs;
    const char *displayText;
} commandArg;

/* Key-spec flags (COMMAND INFO "key specifications"). */
#define KSPEC_RO (1ULL << 0)
#define KSPEC_RW (1ULL << 1)
#define KSPEC_OW (1ULL << 2)
#define KSPEC_RM (1ULL << 3)
#define KSPEC_ACCESS (1ULL << 4)
#define KSPEC_UPDATE (1ULL << 5)
#define KSPEC_INSERT (1ULL << 6)
#define KSPEC_DELETE (1ULL << 7)
#define KSPEC_NOT_KEY (1ULL << 8)
#define KSPEC_INCOMPLETE (1ULL << 9)
#define KSPEC_VARIABLE_FLAGS (1ULL << 10)

/* The key-spec shapes redis-kv's commands need: begin_search by index,
 * then find_keys by range (lastkey relative: -1 = last argument) or by
 * keynum (SINTERCARD: the number of keys is the argument at keynumIdx,
 * the keys start at firstKey, both relative to beginIndex).  Either half
 * may be "unknown" instead (SORT's BY/GET patterns and its STORE
 * destination, which may be anywhere): COMMAND INFO shows the spec, but
 * it finds no keys, and the command needs a getkeys procedure (below) to
 * find them.  A "keyword" begin_search (GEORADIUS's STORE destination)
 * looks for the keyword from argument startFrom onward (a negative
 * startFrom: from argc + startFrom back to argument 1), never taking the
 * last argument, and the keys start right after it; a request without
 * the keyword has no keys for that spec, which is no error.  The zero
 * values are the common case (index, range). */
#define KSPEC_BEGIN_INDEX 0
#define KSPEC_BEGIN_UNKNOWN 1
#define KSPEC_BEGIN_KEYWORD 2
#define KSPEC_FIND_RANGE 0
#define KSPEC_FIND_KEYNUM 1
#define KSPEC_FIND_UNKNOWN 2
typedef struct keySpec {
    const char *notes;            /* COMMAND INFO "notes", or NULL */
    uint64_t flags;
    int beginKind;                /* KSPEC_BEGIN_INDEX, _UNKNOWN or _KEYWORD */
    int beginIndex;               /* index */
    const char *keyword;          /* keyword */
    int startFrom;                /* keyword */
    int findKind;                 /* KSPEC_FIND_RANGE, _KEYNUM or _UNKNOWN */
    int lastKey;                  /* range */
    int keyStep;                  /* range and keynum */
    int limit;                    /* range */
    int keynumIdx;                /* keynum */
    int firstKey;                 /* keynum */
} keySpec;

/* The argument positions one key spec finds in a request of argc
 * arguments: first, last (inclusive) and step.  0 when the request does
 * not fit the spec (too short, a bad key count) or the spec is unknown:
 * no keys.  1 with first > last when a keyword spec's keyword is absent
 * (no keys, but the request fits). */
int keySpecFindKeys(const keySpec *ks, int argc, bstr *argv, int *first, int *last, int *step);

/* A command's own key finder, for keys its specs cannot locate (Redis's
 * getkeys_proc), named by the data file's "getkeys" field.  argv[0] is the
 * command name.  Fills pos[] (argument positions, in order) and flags[]
 * (KSPEC_* of each key) and returns the number of keys, never more than
 * argc.  COMMAND GETKEYS runs it when a key spec does not fit the
 * request. */
typedef int commandGetKeysProc(int argc, bstr *argv, int *pos, uint64_t *flags);

struct command;
/* The keys of a request of cmd: their argument positions in pos[] and
 * their key specs' flags in flags[] (room for argc entries per key spec,
 * at least argc), in order.  The number of keys, or -1 when the specs do
 * not fit the request and the command has no getkeys procedure. */
int commandGetKeys(const struct command *cmd, int argc, bstr *argv, int *pos, uint64_t *flags);
/* The keys of a request with every flag settled: commandGetKeys, and for
 * key specs with variable flags (SET with or without GET, BITFIELD) what
 * the command decides, through the finder the layer above registers
 * (cmd/ knows its commands' arguments; without one, commandGetKeys).
 * Used by the checks made before a request runs (ACL, cold reads). */
typedef int commandKeyFinder(const struct command *cmd, int argc, bstr *argv, int *pos,
                             uint64_t *flags);
void commandSetKeyFinder(commandKeyFinder *fn);
int commandRequestKeys(const struct command *cmd, int argc, bstr *argv, int *pos,
                       uint64_t *flags);
/* The room commandGetKeys needs for a request of argc arguments. */
#define COMMAND_KEYS_ROOM(cmd, argc) \
    ((size_t)(argc) * (size_t)((cmd)->keySpecCount > 0 ? (cmd)->keySpecCount : 1))

/* SORT: its key, and the destination of its last STORE option. */
int sortGetKeys(int argc, bstr *argv, int *pos, uint64_t *flags);
/* SORT_RO: its key. */
int sortRoGetKeys(int argc, bstr *argv, int *pos, uint64_t *flags);

/* The most key specs one command of redis-kv has (the generator checks). */
#define COMMAND_MAX_KEY_SPECS 4

typedef struct commandStats {
    long long calls;
    long long microseconds;
    long long rejectedCalls;
    long long failedCalls;
} commandStats;

typedef struct command {
    /* Declared in the table: */
    const char *name;             /* lowercase */
    commandProc *proc;
    int arity;
    uint64_t flags;
    uint64_t aclCategories;
    const char *group;            /* "connection", "server", "generic", ... */
    const char *since;
    const char *summary;
    const char *complexity;
    const char *const *tips;      /* NULL-terminated, or NULL */
    const commandArg *args;       /* terminated by a NULL name, or NULL */
    struct command *subcommands;  /* terminated by a NULL name, or NULL */
    keySpec keySpecs[COMMAND_MAX_KEY_SPECS];
    int keySpecCount;
    const char *docFlags;         /* e.g. "syscmd" for COMMAND DOCS doc_flags */
    const char *const *history;   /* version, text, version, text ..., NULL */
    const char *deprecatedSince;  /* COMMAND DOCS "deprecated_since", or NULL */
    const char *replacedBy;       /* COMMAND DOCS "replaced_by", or NULL */
    commandGetKeysProc *getkeys;  /* keys the key specs cannot find, or NULL */
    /* Filled at start-up: */
    struct command *parent;
    bstr fullname;                /* "client|list" */
    int firstKey, lastKey, keyStep; /* legacy triple derived from key specs */
    commandStats stats;
    struct histogram *latencyHistogram; /* cmd/latency.c: call durations,
                                           NULL until the first tracked call */
} command;

extern command commandTable[];

void commandTableInit(void);
command *commandLookup(bstr *argv, int argc);
command *commandLookupByName(const char *name, size_t len);
command *commandLookupSubcommand(command *container, const char *name, size_t len);
command *commandLookupByFullname(const char *fullname, size_t len);
void commandCall(client *c);
/* commandCall of a command a script runs through its own client c on
 * behalf of caller (the client that sent EVAL or FCALL): observers that
 * keep state per client (tracking) credit caller. */
void commandCallAs(client *c, client *caller);
/* An error reply counted outside any call (a script's redis.call refused
 * with -OOM, Redis's incrCommandStatsOnError): not a failure of the call
 * under way. */
void commandErrorCountedAside(void);

/* Marks the call under way as one that read data kept in the log without
 * being flagged write or readonly (FCALL and FUNCTION LIST read the
 * function libraries): if the iteration's log write fails, its reply is
 * replaced like a read's (write_outcome.h). */
void commandMarkDataRead(void);

/* The flags a request runs with.  A command's flags are fixed, except
 * where its arguments decide (EVAL of a script that declares flags, which
 * then runs as a write or as a read: script/); the layer that knows
 * registers a resolver, called with the command's own flags. */
typedef uint64_t commandFlagsResolver(client *c, uint64_t flags);
void commandSetFlagsResolver(commandFlagsResolver *fn);
uint64_t commandRequestFlags(client *c);
void commandResetStats(void);
int commandCount(void);
int commandIsWrite(const command *cmd);
int commandArgIsSecret(client *c, int i);

/* After-call observers.  Features that want to hear of every call (the
 * slow log, latency tracking, MONITOR, client tracking) register one, so
 * that commandCall does its bookkeeping without naming them.  Observers
 * run in registration order after each call, nested ones (the commands
 * EXEC runs) included; they must not reply to c. */
typedef struct commandCallInfo {
    client *c;
    client *caller;               /* on whose behalf: c, or the client whose
                                     script ran the command (commandCallAs) */
    command *cmd;
    long long durationUs;
    int nested;                   /* run by EXEC, not by the client itself */
} commandCallInfo;

typedef void commandObserver(const commandCallInfo *call);
void commandAddObserver(commandObserver *fn);
/* Start observers run just before each call (durationUs is 0): for what
 * must be seen before the commands a call runs itself (MONITOR shows a
 * script before the commands of the script). */
void commandAddStartObserver(commandObserver *fn);

/* Write scopes: hooks around everything that may change the keyspace
 * outside a command's own batch -- each top-level call of a command
 * that is not "admin" (a read may delete an expired key, EXEC and EVAL
 * write, SHUTDOWN or BGSAVE change no key), and each serve of a blocked
 * client.  begin runs before, end after, in the same
 * iteration; scopes do not nest.  The change feed (cmd/changefeed.c)
 * makes each scope one batch, so that what it records of a change is
 * written with the change. */
typedef void commandScopeHook(void);
void commandAddWriteScope(commandScopeHook *begin, commandScopeHook *end);
void commandWriteScopeBegin(void);
void commandWriteScopeEnd(void);

/* The permission check (ACL users): run after the checks of arity and
 * authentication, before a command is queued or runs; returns NULL to go
 * on, else the error the request is rejected with.  acl/ registers it
 * (cmd/acl_cmd.c at start-up); none means every command is allowed. */
typedef const char *commandAccessCheck(client *c);
void commandSetAccessCheck(commandAccessCheck *fn);

/* Total calls since start-up or CONFIG RESETSTAT (total_commands_processed). */
long long commandCallsTotal(void);

/* Replies that name the command being run (c->cmd). */
void replyErrorArity(client *c);   /* "wrong number of arguments for 'get' command" */
/* The HELP reply of container commands: a first line naming the command,
 * then the given lines, as status replies. */
void replyHelp(client *c, const char **lines);

/* Iteration over every top-level command, for COMMAND and INFO. */
typedef void commandVisitor(command *cmd, void *privdata);
void commandForEach(commandVisitor *fn, void *privdata);

#endif
