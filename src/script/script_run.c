/* script/script_run.c -- one run of a script: its batch, its commands, its
 * time limit and its kill.  See script_run.h. */
#include "script/script_run.h"
#include "acl/acl.h"
#include "client/reply.h"
#include "command/command.h"
#include "db/db.h"
#include "db/evict.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/numfmt.h"
#include "reactor/reactor.h"
#include "script/lua_reply.h"
#include "server/server.h"

#include <lauxlib.h>
#include <string.h>

/* Lua instructions between two looks at the clock: about a millisecond
 * of work, so a long script notices busy-reply-threshold (and a kill)
 * within a millisecond or two, and a short one pays nothing noticeable. */
#define SCRIPT_HOOK_INSTRUCTIONS 100000

static const char *const busyEvalReply =
    "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
static const char *const busyFunctionReply =
    "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

static client *scriptClient;
static scriptRun *current;

void scriptRunInit(void) {
    scriptClient = clientCreateScript();
    scriptClient->flags |= CLIENT_DENY_BLOCKING;
}

scriptRun *scriptCurrentRun(void) { return current; }

int scriptRunWrote(const scriptRun *run) { return server.dirty != run->dirtyAtStart; }

/* ------------------------------------------------------------ long runs */

static void enterBusy(scriptRun *run, long long elapsedMs) {
    run->busy = 1;
    server.busyScriptReply = run->isEval ? busyEvalReply : busyFunctionReply;
    serverLog(LL_WARNING,
              "Slow script detected: still in execution after %lld milliseconds. You can try "
              "killing the script using the %s command. Script name is: %s.",
              elapsedMs, run->isEval ? "SCRIPT KILL" : "FUNCTION KILL", run->name);
    /* Replies queued before the run wait for the log write at the end of
     * the iteration only if writes were pending then; otherwise nothing
     * needs holding, and holding would keep a client from hearing the
     * -BUSY it must hear before it sends SCRIPT KILL. */
    if (run->holdReplies) clientsHoldPendingWrites();
}

/* Other clients' turn, between two steps of a busy run: their requests
 * are read and answered (-BUSY, or an allow_busy command), and their
 * replies are written, except those held since before the run. */
static void serveOthers(void) {
    reactorProcessEvents(server.el, RE_FILE_EVENTS | RE_DONT_WAIT);
    clientsHandlePendingWrites();
    clientsFreeAsyncPending();
}

static void runHook(lua_State *L, lua_Debug *ar);

/* Raises the kill error; once killed, the hook runs on every line, so a
 * script that catches the error with pcall is stopped again at once. */
static void raiseKilled(lua_State *L) {
    lua_sethook(L, runHook, LUA_MASKLINE, 0);
    const char *msg = "Script killed by user with SCRIPT KILL...";
    luaPushError(L, msg, strlen(msg), 0);
    lua_error(L);
}

static void runHook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    scriptRun *run = current;
    if (!run) return;
    long long elapsedMs = (monotonicUs() - run->startUs) / 1000;
    if (!run->busy && elapsedMs >= server.busyReplyThreshold) enterBusy(run, elapsedMs);
    if (run->busy) serveOthers();
    if (run->killed) {
        serverLog(LL_WARNING, "Lua script killed by user with %s.",
                  run->isEval ? "SCRIPT KILL" : "FUNCTION KILL");
        raiseKilled(L);
    }
}

void scriptKill(client *c, int isEval) {
    if (!current) {
        replyError(c, "-NOTBUSY No scripts in execution right now.");
        return;
    }
    if (scriptRunWrote(current)) {
        replyError(c,
                   "-UNKILLABLE Sorry the script already executed write commands against the "
                   "dataset. You can either wait the script termination or kill the server in a "
                   "hard way using the SHUTDOWN NOSAVE command.");
        return;
    }
    if (isEval != current->isEval) {
        replyError(c, current->isEval ? busyEvalReply : busyFunctionReply);
        return;
    }
    current->killed = 1;
    replyOk(c);
}

int scriptNumKeysOrReply(client *c, const char *badNumber, long long *numkeys) {
    if (!numParseLongLong(c->argv[2], bstrLen(c->argv[2]), numkeys)) {
        replyError(c, badNumber);
        return 0;
    }
    if (*numkeys > c->argc - 3) {
        replyError(c, "Number of keys can't be greater than number of args");
        return 0;
    }
    if (*numkeys < 0) {
        replyError(c, "Number of keys can't be negative");
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ the run */

void scriptRunBegin(scriptRun *run, lua_State *L) {
    run->L = L;
    run->resp = 2;
    run->busy = run->killed = 0;
    run->writeDirty = 0;
    run->startUs = monotonicUs();
    run->dirtyAtStart = server.dirty;
    run->holdReplies = dbWritesPending();
    scriptClient->db = run->caller->db;
    scriptClient->resp = 2;
    current = run;
    dbBatchBegin();
    lua_sethook(L, runHook, LUA_MASKCOUNT, SCRIPT_HOOK_INSTRUCTIONS);
}

/* "-CODE message script: <name>, on <source>:<line>." for an error that
 * says where it was raised, else "-CODE message". */
static void replyScriptError(scriptRun *run, lua_State *L) {
    client *c = run->caller;
    int t = lua_gettop(L);
    if (!lua_istable(L, t)) {
        const char *s = lua_tostring(L, t);
        replyErrorFormat(c, "Error running script (call to %s): @%s", run->name,
                         s ? s : "(error object is not a string)");
        return;
    }
    lua_getfield(L, t, "err");
    lua_getfield(L, t, "source");
    lua_getfield(L, t, "line");
    const char *msg = lua_tostring(L, -3);
    const char *source = lua_tostring(L, -2);
    const char *line = lua_tostring(L, -1);
    bstr e = bstrCatPrintf(bstrEmpty(), "-%s", msg ? msg : "ERR unknown error");
    if (source && line) e = bstrCatPrintf(e, " script: %s, on %s:%s.", run->name, source, line);
    if (luaErrorIgnoresStats(L, t)) {
        /* The command's error was counted when it was answered; the run
         * still counts as a failed call of its command, as in Redis. */
        replyErrorNoStats(c, e, bstrLen(e));
        if (c->cmd) c->cmd->stats.failedCalls++;
    } else {
        replyErrorLen(c, e, bstrLen(e));
    }
    bstrFree(e);
    lua_pop(L, 3);
}

/* Runs between two garbage-collection steps of our own.  Lua collects by
 * itself as it allocates; a step every SCRIPT_GC_PERIOD runs (Redis's
 * period) keeps a script-heavy load from piling garbage up until Lua
 * takes one long step, without paying for a step on every run. */
#define SCRIPT_GC_PERIOD 50

static void collectGarbageNowAndThen(lua_State *L) {
    static int runs;
    if (++runs < SCRIPT_GC_PERIOD) return;
    runs = 0;
    lua_gc(L, LUA_GCSTEP, SCRIPT_GC_PERIOD);
}

static void runEnd(scriptRun *run, uint64_t replyMark) {
    lua_State *L = run->L;
    lua_sethook(L, NULL, 0, 0);
    current = NULL;
    if (dbBatchCommit() != DB_OK) {
        /* As for EXEC: nothing of the run was applied, no reply may say it
         * was (with deferred writes write_outcome.c answers instead). */
        bstrFree(replyTakeTail(run->caller, run->caller->replyTotal - replyMark));
        replyError(run->caller, dbWriteErrorReply());
    }
    if (run->busy) {
        server.busyScriptReply = NULL;
        clientsReleaseHeldWrites();
    }
    collectGarbageNowAndThen(L);
}

void scriptRunCall(scriptRun *run, int errIdx, int nargs) {
    lua_State *L = run->L;
    client *c = run->caller;
    uint64_t mark = c->replyTotal;
    int rc = lua_pcall(L, nargs, 1, errIdx);
    if (rc == 0) luaReplyValue(c, L, -1, run->resp);
    else replyScriptError(run, L);
    lua_settop(L, errIdx - 1);
    runEnd(run, mark);
}

/* -------------------------------------------------------- redis.call */

/* Whether the run may run cmd; the refusal's message otherwise.  In
 * Redis's order: arity, noscript, the caller's ACL user, read-only. */
static const char *callRefusal(scriptRun *run, const command *cmd, int argc, bstr *argv) {
    if ((cmd->arity > 0 && cmd->arity != argc) || argc < -cmd->arity)
        return "Wrong number of args calling Redis command from script";
    if (cmd->flags & CMD_NOSCRIPT) return "This Redis command is not allowed from script";
    const char *denial = aclScriptCallDenial(run->caller, cmd, argc, argv);
    if (denial) return denial;
    if (run->readOnly && (cmd->flags & (CMD_WRITE | CMD_MAY_REPLICATE)))
        return "Write commands are not allowed from read-only scripts.";
    return NULL;
}

/* The OOM rule of script_run.h (Redis's scriptVerifyOOM). */
static int oomRefuses(const scriptRun *run, const command *cmd) {
    return !run->allowOom && !run->writeDirty && (cmd->flags & CMD_DENYOOM) &&
           evictOomAtCommandStart();
}

/* A refusal, answered as the command's error reply.  Redis counts it in
 * INFO errorstats when it happens, even when redis.pcall hands it to a
 * script that drops it, and not again when the script returns it; it
 * does not make the script's own call a failed one. */
static bstr refuseCall(client *sc, command *cmd, const char *msg) {
    if (cmd) cmd->stats.rejectedCalls++; /* as a refusal by the dispatcher counts */
    replyError(sc, msg);
    commandErrorCountedAside();
    return clientTakeOutput(sc);
}

bstr scriptCall(scriptRun *run, int argc, bstr *argv) {
    client *sc = scriptClient;
    sc->resp = run->resp;
    command *cmd = commandLookup(argv, argc);
    if (!cmd) return refuseCall(sc, NULL, "Unknown Redis command called from script");
    const char *refusal = callRefusal(run, cmd, argc, argv);
    if (!refusal && oomRefuses(run, cmd)) refusal = evictRefusalError();
    if (refusal) return refuseCall(sc, cmd, refusal);
    if (cmd->flags & CMD_WRITE) run->writeDirty = 1;
    sc->argc = argc;
    sc->argv = argv;
    sc->cmd = cmd;
    sc->user = run->caller->user; /* what the command asks of its user (SORT) */
    sc->flags |= CLIENT_EXECUTING;
    commandCallAs(sc, run->caller);
    sc->user = NULL; /* the caller's user may be deleted before the next call */
    sc->flags &= ~CLIENT_EXECUTING;
    sc->argc = 0;
    sc->argv = NULL;
    return clientTakeOutput(sc);
}
