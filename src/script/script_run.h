/* script/script_run.h -- one run of a script or function: who asked, how
 * its commands run, how its writes reach the log, and what happens when it
 * runs long.
 *
 * Promises:
 *   - One run at a time (scripts are atomic); scriptCurrentRun() is it.
 *   - Every write of a run is in one db batch: after a crash all of them
 *     are in the log or none (as for MULTI/EXEC).
 *   - The run's commands go through the one script client, whose
 *     database starts as the caller's (SELECT inside a script changes
 *     only the script's) and whose protocol starts at RESP2.
 *   - Past busy-reply-threshold ms the run lets other clients in between
 *     its steps: they get -BUSY except for allow_busy commands (SCRIPT
 *     KILL, FUNCTION KILL, SHUTDOWN NOSAVE ...).  Replies queued before
 *     the run began wait for the end of the iteration as usual.
 *   - A kill (SCRIPT KILL / FUNCTION KILL) stops a run that has not
 *     written: the script gets an error it cannot catch.
 *
 * States of a run:
 *   running  -> busy       elapsed >= busy-reply-threshold (the Lua hook)
 *   running|busy -> killed a kill of a run that did not write
 *   any      -> ended      scriptRunEnd (the batch commits, -BUSY ends) */
#ifndef REDIS_KV_SCRIPT_RUN_H
#define REDIS_KV_SCRIPT_RUN_H

#include <lua.h>
#include "client/client.h"

typedef struct scriptRun {
    client *caller;
    const char *name;     /* in error replies: "script: <name>, on ..." */
    int isEval;           /* EVAL family; else FCALL (BUSY and kill texts) */
    int readOnly;         /* EVAL_RO, FCALL_RO, the no-writes flag */
    int allowOom;         /* the allow-oom flag */
    int writeDirty;       /* a write command got past the checks */
    int resp;             /* redis.setresp: 2 or 3 */
    long long startUs;    /* monotonic */
    long long dirtyAtStart;
    int busy;
    int killed;
    int holdReplies;      /* log writes were pending when it began */
    lua_State *L;
} scriptRun;

/* Creates the script client (once, at start-up). */
void scriptRunInit(void);

/* The run under way, or NULL. */
scriptRun *scriptCurrentRun(void);

/* Starts run (its fields caller, name, isEval, readOnly, allowOom set by
 * the caller) on interpreter L: the batch opens, the timer starts. */
void scriptRunBegin(scriptRun *run, lua_State *L);

/* Calls the function under nargs arguments on L's stack (function below
 * them, error handler below it at errIdx) and answers the caller: the
 * function's value converted, or its error as Redis words it.  Then ends
 * the run: the batch commits and other clients are answered again. */
void scriptRunCall(scriptRun *run, int errIdx, int nargs);

/* Whether the run has written (a kill must be refused then). */
int scriptRunWrote(const scriptRun *run);

/* numkeys of an EVAL or FCALL request (argv[2]) into *numkeys: 1, or 0
 * with the error sent to c (badNumber when it is not a number). */
int scriptNumKeysOrReply(client *c, const char *badNumber, long long *numkeys);

/* SCRIPT KILL (isEval) and FUNCTION KILL: answers c. */
void scriptKill(client *c, int isEval);

/* Runs argv as a command of the current run (redis.call): the checks
 * Redis makes for commands from scripts, then the command through the
 * script client.  Returns the reply's bytes (the caller's to free); a
 * command that may not run here gets its refusal as an error reply,
 * counted in INFO errorstats and as a rejected call of the command then.
 * Under maxmemory, when the command that started the run found no room,
 * a deny-oom command is refused with -OOM until the run's first write
 * command (after it, stopping would leave the run half done), unless the
 * script has allow-oom: Redis's scriptVerifyOOM.  Scripts with flags and
 * no allow-oom never get there (the dispatcher refused them); it matters
 * for EVAL scripts without a shebang. */
bstr scriptCall(scriptRun *run, int argc, bstr *argv);

#endif
