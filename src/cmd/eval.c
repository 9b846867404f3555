/* cmd/eval.c -- EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT.
 *
 * The engine is script/ (eval.h): these handlers only pick the form and
 * parse SCRIPT's arguments. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "db/db.h"
#include "script/eval.h"
#include "script/script_run.h"

#include <strings.h>

void evalCommand(client *c) { evalRun(c, 0, 0); }
void evalroCommand(client *c) { evalRun(c, 0, 1); }
void evalshaCommand(client *c) { evalRun(c, 1, 0); }
void evalsharoCommand(client *c) { evalRun(c, 1, 1); }

void scriptLoadCommand(client *c) { evalLoad(c, c->argv[2], bstrLen(c->argv[2])); }

void scriptExistsCommand(client *c) {
    replyArrayLen(c, c->argc - 2);
    for (int i = 2; i < c->argc; i++)
        replyLongLong(c, evalExists(c->argv[i], bstrLen(c->argv[i])));
}

/* SCRIPT FLUSH [ASYNC|SYNC]: the interpreter is small and freed at once
 * either way; the option is checked as Redis checks it. */
void scriptFlushCommand(client *c) {
    if (c->argc > 3 || (c->argc == 3 && strcasecmp(c->argv[2], "sync") &&
                        strcasecmp(c->argv[2], "async"))) {
        replyError(c, "SCRIPT FLUSH only support SYNC|ASYNC option");
        return;
    }
    evalFlush();
    replyOk(c);
}

void scriptKillCommand(client *c) { scriptKill(c, 1); }

void scriptHelpCommand(client *c) {
    static const char *help[] = {
        "EXISTS <sha1> [<sha1> ...]",
        "    For each SHA1, 1 if that script is in the cache, else 0.",
        "FLUSH [ASYNC|SYNC]",
        "    Empty the script cache.",
        "KILL",
        "    Stop the running script, if it has not written yet.",
        "LOAD <script>",
        "    Put the script into the cache without running it; reply with its SHA1.",
        NULL};
    replyHelp(c, help);
}
