/* command/command.c -- table set-up, lookup and dispatch.  See command.h.
 *
 * Dispatch order follows Redis 7's processCommand, because clients and
 * tests observe which error wins: lookup (unknown command/subcommand),
 * arity, protected commands, authentication, subscribed-mode rules, client
 * pause, then the call itself. */
#include "command/command.h"
#include "client/reply.h"
#include "command/blocking.h"
#include "command/coldwait.h"
#include "command/multi_state.h"
#include "command/write_outcome.h"
#include "db/evict.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "lib/log.h"
#include "lib/numfmt.h"
#include "net/net.h"
#include "server/server.h"

#include <stdlib.h>

#include <limits.h>
#include <string.h>
#include <strings.h>

static dict *commandsByName; /* lowercase name -> command*, top level only */
static const command *execCmd; /* EXEC: the dispatcher treats it specially */

static uint64_t commandNameHash(const void *key) {
    return dictGenCaseHashFunction(key, strlen(key));
}

static int commandNameEqual(const void *a, const void *b) {
    return strcasecmp(a, b) == 0;
}

static const dictType commandDictType = {
    .hash = commandNameHash,
    .keyEqual = commandNameEqual,
    .keyFree = NULL,
    .valFree = NULL,
};

/* Whether a legacy (first, last, step) triple can describe ks: a begin
 * index and a range of keys. */
static int keySpecIsRange(const keySpec *ks) {
    return ks->beginKind == KSPEC_BEGIN_INDEX && ks->findKind == KSPEC_FIND_RANGE;
}

/* Derives the legacy (first, last, step) triple COMMAND INFO shows from the
 * key specs, and the movablekeys flag, by Redis 7.0's rule
 * (populateCommandLegacyRangeSpec).  A command whose only spec is a range
 * takes it as it is (MSET: 1 -1 2).  Otherwise the range specs are merged
 * while they are consecutive and of step 1 (RENAME's keys 1 and 2 give
 * 1 2 1).  Every spec left out of the triple - a key count, an unknown
 * spec, a step other than 1, a gap - and every incomplete spec makes the
 * keys movable: a client cannot find them all from the triple.  With no
 * range spec merged the triple stays 0 0 0 (SINTERCARD).  The last key is
 * compared unsigned, so a negative (relative to the end) one wins, as in
 * Redis.  SORT: its key gives 1 1 1, its two unknown specs movablekeys. */
static void commandSetLegacyKeys(command *cmd) {
    if (cmd->keySpecCount == 0) return;
    if (cmd->keySpecCount == 1 && keySpecIsRange(&cmd->keySpecs[0])) {
        keySpec *ks = &cmd->keySpecs[0];
        cmd->firstKey = ks->beginIndex;
        cmd->lastKey = ks->lastKey < 0 ? ks->lastKey : ks->beginIndex + ks->lastKey;
        cmd->keyStep = ks->keyStep;
        if (ks->flags & KSPEC_INCOMPLETE) cmd->flags |= CMD_MOVABLE_KEYS;
        return;
    }
    int first = INT_MAX, prevLast = 0;
    unsigned last = 0;
    for (int i = 0; i < cmd->keySpecCount; i++) {
        keySpec *ks = &cmd->keySpecs[i];
        if (!keySpecIsRange(ks) || ks->keyStep != 1 ||
            (prevLast && prevLast != ks->beginIndex - 1)) {
            cmd->flags |= CMD_MOVABLE_KEYS;
            continue;
        }
        if (ks->flags & KSPEC_INCOMPLETE) cmd->flags |= CMD_MOVABLE_KEYS;
        if (ks->beginIndex < first) first = ks->beginIndex;
        int lastAbs = ks->lastKey < 0 ? ks->lastKey : ks->beginIndex + ks->lastKey;
        if ((unsigned)lastAbs > last) last = (unsigned)lastAbs;
        prevLast = (int)last;
    }
    if (first == INT_MAX) {
        cmd->flags |= CMD_MOVABLE_KEYS;
        return;
    }
    cmd->firstKey = first;
    cmd->lastKey = (int)last;
    cmd->keyStep = 1;
}

/* Where a keyword spec's keys begin: the argument after its keyword,
 * searched as command.h says; 0 when the keyword is absent. */
static int keySpecKeywordBegin(const keySpec *ks, int argc, bstr *argv) {
    int forward = ks->startFrom > 0;
    int i = forward ? ks->startFrom : argc + ks->startFrom;
    int end = forward ? argc - 1 : 0;
    for (; i != end; i += i <= end ? 1 : -1) {
        if (i >= argc || i < 1) break;
        if (!strcasecmp(argv[i], ks->keyword)) return i + 1;
    }
    return 0;
}

int keySpecFindKeys(const keySpec *ks, int argc, bstr *argv, int *first, int *last, int *step) {
    if (ks->beginKind == KSPEC_BEGIN_UNKNOWN || ks->findKind == KSPEC_FIND_UNKNOWN) return 0;
    *step = ks->keyStep > 0 ? ks->keyStep : 1;
    int begin = ks->beginIndex;
    if (ks->beginKind == KSPEC_BEGIN_KEYWORD) {
        begin = keySpecKeywordBegin(ks, argc, argv);
        if (!begin) {
            *first = 1;
            *last = 0;
            return 1;
        }
    }
    if (ks->findKind == KSPEC_FIND_KEYNUM) {
        int at = begin + ks->keynumIdx;
        long long numkeys;
        if (at >= argc || !numParseLongLong(argv[at], bstrLen(argv[at]), &numkeys) ||
            numkeys < 0 || numkeys > argc)
            return 0;
        *first = begin + ks->firstKey;
        *last = *first + ((int)numkeys - 1) * *step;
        return numkeys > 0 && *last < argc;
    }
    *first = begin;
    if (ks->lastKey >= 0) *last = *first + ks->lastKey;
    else if (!ks->limit) *last = argc + ks->lastKey;
    else *last = *first + ((argc - *first) / ks->limit + ks->lastKey);
    return *first >= 0 && *first < argc && *last < argc && *last >= *first;
}

/* SORT_RO has no STORE: its key only (its BY/GET spec is unknown, so the
 * specs alone cannot answer). */
/* Redis's getKeysUsingKeySpecs, then its getkeys_proc: the key specs'
 * keys, unless a spec does not fit the arguments (a syntax error), is
 * incomplete or is unknown: then the command's getkeys procedure's, or
 * -1 when it has none. */
int commandGetKeys(const command *cmd, int argc, bstr *argv, int *pos, uint64_t *flags) {
    int n = 0;
    for (int j = 0; j < cmd->keySpecCount; j++) {
        const keySpec *ks = &cmd->keySpecs[j];
        if (ks->flags & KSPEC_NOT_KEY) continue;
        int first, last, step;
        if (!keySpecFindKeys(ks, argc, argv, &first, &last, &step)) {
            n = -1;
            break;
        }
        for (int i = first; i <= last; i += step) {
            pos[n] = i;
            flags[n] = ks->flags;
            n++;
        }
        if (ks->flags & KSPEC_INCOMPLETE) {
            n = -1;
            break;
        }
    }
    if (n < 0 && cmd->getkeys) n = cmd->getkeys(argc, argv, pos, flags);
    return n;
}

static commandKeyFinder *keyFinder = commandGetKeys;

void commandSetKeyFinder(commandKeyFinder *fn) { keyFinder = fn ? fn : commandGetKeys; }

int commandRequestKeys(const command *cmd, int argc, bstr *argv, int *pos, uint64_t *flags) {
    return keyFinder(cmd, argc, argv, pos, flags);
}

int sortRoGetKeys(int argc, bstr *argv, int *pos, uint64_t *flags) {
    (void)argv;
    if (argc < 2) return 0;
    pos[0] = 1;
    flags[0] = KSPEC_RO | KSPEC_ACCESS;
    return 1;
}

/* Reads SORT's options the way Redis's sortGetKeys does, which is not
 * quite the way SORT parses them: LIMIT is followed by two arguments, BY
 * and GET by one, any other word stands alone, and STORE names the
 * destination when an argument follows it.  The last STORE wins.  The
 * destination is then read as an option word too, so one named LIMIT, BY,
 * GET or STORE moves the scan on: for "SORT k STORE get STORE x" the
 * finder reports "get" where SORT stores into "x".  COMMAND GETKEYS must
 * answer as Redis does, so the quirk is kept. */
int sortGetKeys(int argc, bstr *argv, int *pos, uint64_t *flags) {
    int n = sortRoGetKeys(argc, argv, pos, flags);
    int dest = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcasecmp(argv[i], "limit")) i += 2;
        else if (!strcasecmp(argv[i], "by") || !strcasecmp(argv[i], "get")) i += 1;
        else if (!strcasecmp(argv[i], "store") && i + 1 < argc) dest = i + 1;
    }
    if (dest) {
        pos[n] = dest;
        flags[n] = KSPEC_OW | KSPEC_UPDATE;
        n++;
    }
    return n;
}

static void commandInitOne(command *cmd, command *parent) {
    cmd->parent = parent;
    cmd->fullname = parent ? bstrCatPrintf(bstrEmpty(), "%s|%s", parent->name, cmd->name)
                           : bstrNew(cmd->name);
    commandSetLegacyKeys(cmd);
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++) commandInitOne(sub, cmd);
}

static void commandProcess(client *c);

static void describeClient(client *c, clientDescription *d) {
    if (c->lastcmd) d->lastCommand = c->lastcmd->fullname;
}

static const clientListener commandClientListener = {.describeClient = describeClient};

/* Builds the name index, derives what the table leaves to start-up, and
 * becomes the client layer's request handler. */
void commandTableInit(void) {
    commandsByName = dictCreate(&commandDictType);
    for (command *cmd = commandTable; cmd->name; cmd++) {
        commandInitOne(cmd, NULL);
        dictAdd(commandsByName, (void *)cmd->name, cmd);
    }
    execCmd = commandLookupByName("exec", 4);
    clientSetRequestHandler(commandProcess);
    clientAddListener(&commandClientListener);
    outcomeInit();
    blockingInit();
}

int commandCount(void) { return (int)dictSize(commandsByName); }

void commandForEach(commandVisitor *fn, void *privdata) {
    for (command *cmd = commandTable; cmd->name; cmd++) fn(cmd, privdata);
}

/* Case-insensitive lookup of a top-level command by a binary-safe name. */
command *commandLookupByName(const char *name, size_t len) {
    char buf[64];
    if (len >= sizeof(buf) || memchr(name, '\0', len)) return NULL;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return dictFetchValue(commandsByName, buf);
}

command *commandLookupSubcommand(command *container, const char *name, size_t len) {
    if (!container->subcommands) return NULL;
    for (command *sub = container->subcommands; sub->name; sub++)
        if (strlen(sub->name) == len && strncasecmp(sub->name, name, len) == 0)
            return sub;
    return NULL;
}

/* The command argv names: the subcommand when the container has some and
 * an argument follows, else the command itself.  NULL if unknown. */
command *commandLookup(bstr *argv, int argc) {
    command *base = commandLookupByName(argv[0], bstrLen(argv[0]));
    if (!base || !base->subcommands || argc == 1) return base;
    return commandLookupSubcommand(base, argv[1], bstrLen(argv[1]));
}

/* "config|get" or "ping" to its command. */
command *commandLookupByFullname(const char *fullname, size_t len) {
    const char *bar = memchr(fullname, '|', len);
    if (!bar) return commandLookupByName(fullname, len);
    command *base = commandLookupByName(fullname, (size_t)(bar - fullname));
    if (!base) return NULL;
    return commandLookupSubcommand(base, bar + 1, len - (size_t)(bar - fullname) - 1);
}

/* Whether argv[i] of c's request carries a secret that the slow log and
 * MONITOR must show as "(redacted)": every argument of AUTH, the user
 * and password after HELLO's AUTH, and the value of CONFIG SET
 * requirepass - the same arguments Redis 7 hides. */
int commandArgIsSecret(client *c, int i) {
    const command *cmd = c->cmd;
    if (!cmd || i == 0) return 0;
    if (!strcmp(cmd->fullname, "auth")) return 1;
    if (!strcmp(cmd->fullname, "acl|setuser")) return i >= 2;
    if (!strcmp(cmd->fullname, "hello")) {
        for (int j = 2; j + 2 < c->argc; j++)
            if (!strcasecmp(c->argv[j], "auth")) return i == j + 1 || i == j + 2;
        return 0;
    }
    if (!strcmp(cmd->fullname, "config|set"))
        return i >= 3 && (i % 2) == 1 && !strcasecmp(c->argv[i - 1], "requirepass");
    return 0;
}

int commandIsWrite(const command *cmd) {
    return (cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE)) != 0;
}

static uint64_t ownFlags(client *c, uint64_t flags) {
    (void)c;
    return flags;
}

static commandFlagsResolver *flagsResolver = ownFlags;

void commandSetFlagsResolver(commandFlagsResolver *fn) { flagsResolver = fn; }

uint64_t commandRequestFlags(client *c) { return flagsResolver(c, c->cmd->flags); }

static long long callsTotal;

void commandResetStats(void) {
    callsTotal = 0;
    for (command *cmd = commandTable; cmd->name; cmd++) {
        memset(&cmd->stats, 0, sizeof(cmd->stats));
        if (cmd->subcommands)
            for (command *sub = cmd->subcommands; sub->name; sub++)
                memset(&sub->stats, 0, sizeof(sub->stats));
    }
}

/* Like Redis's rejectCommand: a refused command dooms the transaction it
 * was sent in, and a refused EXEC discards it with EXECABORT. */
static void rejectCommand(client *c, const char *err) {
    multiFlagTransaction(c);
    if (c->cmd) c->cmd->stats.rejectedCalls++;
    if (c->cmd && c->cmd == execCmd) multiExecAbort(c, err);
    else replyError(c, err);
}

static void rejectUnknownCommand(client *c) {
    command *base = commandLookupByName(c->argv[0], bstrLen(c->argv[0]));
    bstr err = bstrEmpty();
    if (base && base->subcommands) {
        bstr upper = bstrNew(c->argv[0]);
        bstrToUpper(upper);
        err = bstrCatPrintf(err, "unknown subcommand '%.128s'. Try %s HELP.",
                            c->argv[1], upper);
        bstrFree(upper);
    } else {
        bstr args = bstrEmpty();
        for (int i = 1; i < c->argc && bstrLen(args) < 128; i++)
            args = bstrCatPrintf(args, "'%.*s' ", 128 - (int)bstrLen(args), c->argv[i]);
        err = bstrCatPrintf(err, "unknown command '%.128s', with args beginning with: %s",
                            c->argv[0], args);
        bstrFree(args);
    }
    rejectCommand(c, err);
    bstrFree(err);
}

/* DEBUG is "protected": allowed per enable-debug-command (yes, or local
 * for loopback and unix-socket clients). */
static int protectedCommandAllowed(client *c) {
    if (server.enableDebugCmd == PROTECTED_ACTION_YES) return 1;
    if (server.enableDebugCmd == PROTECTED_ACTION_LOCAL)
        return (c->flags & CLIENT_UNIX_SOCKET) || netIsLoopbackFd(c->fd);
    return 0;
}

/* Top-level commands only: SLOWLOG RESET is not RESET. */
static int allowedInSubscribedMode(const command *cmd) {
    if (cmd->parent) return 0;
    static const char *const allowed[] = {"ping", "subscribe", "ssubscribe", "unsubscribe",
                                          "sunsubscribe", "psubscribe", "punsubscribe",
                                          "quit", "reset", NULL};
    for (int i = 0; allowed[i]; i++)
        if (strcmp(cmd->name, allowed[i]) == 0) return 1;
    return 0;
}

/* Holds c until the pause ends: the parsed request stays in c->argv.  A
 * client unpaused but not yet resumed is still on the list (client.c). */
static void holdForPause(client *c) {
    c->flags |= CLIENT_PAUSED | CLIENT_PENDING_COMMAND;
    if (c->pausedNode) return;
    listAddNodeTail(server.pausedClients, c);
    c->pausedNode = listLast(server.pausedClients);
}

/* Redis 7.0's rule, by command flags only: PAUSE ALL holds every command;
 * PAUSE WRITE holds what may change data or reach the replication stream
 * (write and may-replicate: SET, PUBLISH, ...), and EXEC when a queued
 * command is one (a read-only transaction runs).  Checked before MULTI
 * queues a command, so a write sent inside MULTI is held too. */
static int pauseHolds(client *c, const command *cmd) {
    if (clientsPauseExpired()) return 0;
    if (server.pauseType == PAUSE_ALL) return 1;
    if (commandRequestFlags(c) & (CMD_WRITE | CMD_MAY_REPLICATE)) return 1;
    return cmd == execCmd && (c->flags & CLIENT_MULTI) &&
           (c->mstate.cmdFlags & (CMD_WRITE | CMD_MAY_REPLICATE));
}

static commandAccessCheck *accessCheck;

void commandSetAccessCheck(commandAccessCheck *fn) { accessCheck = fn; }

/* The client layer's request handler: checks and runs the request in
 * c->argv.  The result is in c's replies; if c is held by CLIENT PAUSE,
 * or parked until its values are in memory (coldwait.h),
 * CLIENT_PENDING_COMMAND is set and the request must be kept for a later
 * call. */
static void commandProcess(client *c) {
    c->cmd = c->lastcmd = commandLookup(c->argv, c->argc);
    command *cmd = c->cmd;
    if (!cmd) {
        rejectUnknownCommand(c);
        return;
    }
    if ((cmd->arity > 0 && cmd->arity != c->argc) || c->argc < -cmd->arity) {
        bstr err = bstrCatPrintf(bstrEmpty(), "wrong number of arguments for '%s' command",
                                 cmd->fullname);
        rejectCommand(c, err);
        bstrFree(err);
        return;
    }
    if ((cmd->flags & CMD_PROTECTED) && !protectedCommandAllowed(c)) {
        bstr err = bstrCatPrintf(bstrEmpty(),
            "%s command not allowed. If the %s option is set to \"local\", you can run it "
            "from a local connection, otherwise you need to set this option in the "
            "configuration file, and then restart the server.",
            "DEBUG", "enable-debug-command");
        rejectCommand(c, err);
        bstrFree(err);
        return;
    }
    if (clientAuthRequired(c) && !(cmd->flags & CMD_NO_AUTH)) {
        rejectCommand(c, "-NOAUTH Authentication required.");
        return;
    }
    if ((c->flags & CLIENT_MULTI) && (cmd->flags & CMD_NO_MULTI)) {
        rejectCommand(c, "Command not allowed inside a transaction");
        return;
    }
    const char *denial = accessCheck ? accessCheck(c) : NULL;
    if (denial) {
        rejectCommand(c, denial);
        return;
    }
    if ((c->flags & CLIENT_PUBSUB) && c->resp == 2 && !allowedInSubscribedMode(cmd)) {
        bstr err = bstrCatPrintf(bstrEmpty(),
            "Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
            "are allowed in this context", cmd->fullname);
        rejectCommand(c, err);
        bstrFree(err);
        return;
    }
    /* maxmemory (db/evict.h): room is made first; when none can be, a
     * deny-oom command (or an EXEC queueing one) is refused, and so is
     * anything but EXEC/DISCARD/QUIT/RESET inside MULTI, as in Redis. */
    if (evictBeforeCommand() == EVICT_FAIL &&
        ((commandRequestFlags(c) & CMD_DENYOOM) ||
         (cmd == execCmd && (c->mstate.cmdFlags & CMD_DENYOOM)) ||
         ((c->flags & CLIENT_MULTI) && !multiIsQueueExempt(cmd)))) {
        rejectCommand(c, evictRefusalError());
        return;
    }
    /* A script that ran past busy-reply-threshold lets clients in between
     * its steps, for the commands marked allow_busy (SCRIPT KILL ...). */
    if (server.busyScriptReply && !(cmd->flags & CMD_ALLOW_BUSY)) {
        rejectCommand(c, server.busyScriptReply);
        return;
    }
    if (pauseHolds(c, cmd)) {
        holdForPause(c);
        return;
    }
    if ((c->flags & CLIENT_MULTI) && !multiIsQueueExempt(cmd)) {
        multiQueueCommand(c);
        return;
    }
    if (coldWaitPark(c)) return;
    commandCall(c);
    /* Keys the command (the whole of an EXEC) made ready are served now,
     * after it and never in its middle (command/blocking.h). */
    blockingServeReadyKeys();
}

/* Error replies counted when the last call began or ended: a call failed
 * if errors were counted since.  Shared by nested calls (EXEC runs its
 * queue through commandCall), so, as in Redis, an error of a command inside
 * EXEC counts for that command and not for EXEC too. */
static long long errorsWatermark;

#define COMMAND_MAX_OBSERVERS 8
static commandObserver *observers[COMMAND_MAX_OBSERVERS];
static int observerCount;
static commandObserver *startObservers[COMMAND_MAX_OBSERVERS];
static int startObserverCount;

static void addObserver(commandObserver **to, int *count, commandObserver *fn) {
    if (*count == COMMAND_MAX_OBSERVERS) {
        serverLog(LL_WARNING, "Too many command observers (COMMAND_MAX_OBSERVERS)");
        abort();
    }
    to[(*count)++] = fn;
}

void commandAddObserver(commandObserver *fn) { addObserver(observers, &observerCount, fn); }

void commandAddStartObserver(commandObserver *fn) {
    addObserver(startObservers, &startObserverCount, fn);
}

#define COMMAND_MAX_SCOPES 2
static commandScopeHook *scopeBegin[COMMAND_MAX_SCOPES], *scopeEnd[COMMAND_MAX_SCOPES];
static int scopeCount;

void commandAddWriteScope(commandScopeHook *begin, commandScopeHook *end) {
    if (scopeCount == COMMAND_MAX_SCOPES) {
        serverLog(LL_WARNING, "Too many write scopes (COMMAND_MAX_SCOPES)");
        abort();
    }
    scopeBegin[scopeCount] = begin;
    scopeEnd[scopeCount++] = end;
}

void commandWriteScopeBegin(void) {
    for (int i = 0; i < scopeCount; i++) scopeBegin[i]();
}

void commandWriteScopeEnd(void) {
    for (int i = scopeCount; i-- > 0;) scopeEnd[i]();
}

long long commandCallsTotal(void) { return callsTotal; }

/* Whether the top-level call under way, or a call it made, read or wrote
 * keys (write_outcome.h). */
static int callTouchedKeys;

void commandMarkDataRead(void) { callTouchedKeys = 1; }

/* Runs c->cmd, then does the bookkeeping every call gets: the command's
 * stats, failed-call counting, and the observers.  Nests (EXEC).  A
 * top-level call whose writes (or whose reads of writes) may still be
 * undone by a failed log write is noted for outcomeSettle. */
void commandCall(client *c) { commandCallAs(c, c); }

void commandCallAs(client *c, client *caller) {
    command *cmd = c->cmd;
    uint64_t wasExecuting = c->flags & CLIENT_EXECUTING;
    outcomeMark mark;
    if (!wasExecuting) {
        outcomeCallBegin(c, &mark);
        callTouchedKeys = 0;
    }
    if (cmd->flags & (CMD_WRITE | CMD_READONLY)) callTouchedKeys = 1;
    errorsWatermark = server.statTotalErrorReplies;
    c->flags |= CLIENT_EXECUTING;
    commandCallInfo call = {.c = c, .caller = caller, .cmd = cmd, .nested = wasExecuting != 0};
    for (int i = 0; i < startObserverCount; i++) startObservers[i](&call);
    /* admin commands (SHUTDOWN, BGSAVE, DEBUG, BACKUP ...) act on the
     * server, not on keys one change at a time: no scope */
    int scoped = !wasExecuting && !(cmd->flags & CMD_ADMIN);
    if (scoped) commandWriteScopeBegin();
    long long start = monotonicUs();
    cmd->proc(c);
    long long duration = monotonicUs() - start;
    if (scoped) commandWriteScopeEnd();
    if (!wasExecuting) {
        c->flags &= ~CLIENT_EXECUTING;
        outcomeCallEnd(c, &mark, callTouchedKeys);
    }
    if (server.statTotalErrorReplies > errorsWatermark) cmd->stats.failedCalls++;
    errorsWatermark = server.statTotalErrorReplies;
    cmd->stats.calls++;
    cmd->stats.microseconds += duration;
    callsTotal++;
    c->commandsProcessed++;
    c->lastcmd = cmd;
    call.durationUs = duration;
    for (int i = 0; i < observerCount; i++) observers[i](&call);
}

void commandErrorCountedAside(void) { errorsWatermark = server.statTotalErrorReplies; }

void replyErrorArity(client *c) {
    replyErrorFormat(c, "wrong number of arguments for '%s' command",
                     c->cmd ? c->cmd->fullname : c->argv[0]);
}

void replyHelp(client *c, const char **lines) {
    bstr cmd = bstrNew(c->cmd && c->cmd->parent ? c->cmd->parent->name : c->argv[0]);
    bstrToUpper(cmd);
    long long n = 0;
    while (lines[n]) n++;
    replyArrayLen(c, n + 3);
    bstr head = bstrCatPrintf(bstrEmpty(),
                              "%s <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", cmd);
    replyStatus(c, head);
    for (long long i = 0; i < n; i++) replyStatus(c, lines[i]);
    replyStatus(c, "HELP");
    replyStatus(c, "    Prints this help.");
    bstrFree(head);
    bstrFree(cmd);
}
