/* cmd/function.c -- FUNCTION and FCALL.
 *
 * The engine is script/function.h: these handlers parse the arguments
 * and pick the subcommand's form. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "script/function.h"
#include "script/script_run.h"

#include <strings.h>

void fcallCommand(client *c) { functionCall(c, 0); }
void fcallroCommand(client *c) { functionCall(c, 1); }

/* FUNCTION LOAD [REPLACE] code */
void functionLoadCommand(client *c) {
    int replace = 0, at = 2;
    if (c->argc > 3) {
        if (c->argc == 4 && !strcasecmp(c->argv[2], "replace")) {
            replace = 1;
            at = 3;
        } else {
            replyErrorFormat(c, "Unknown option given: %s", c->argv[2]);
            return;
        }
    }
    functionLoad(c, replace, c->argv[at], bstrLen(c->argv[at]));
}

void functionDeleteCommand(client *c) {
    functionDelete(c, c->argv[2], bstrLen(c->argv[2]));
}

/* FUNCTION FLUSH [ASYNC|SYNC]: libraries are freed at once either way. */
void functionFlushCommand(client *c) {
    if (c->argc > 3) {
        replyErrorSubcommand(c);
        return;
    }
    if (c->argc == 3 && strcasecmp(c->argv[2], "sync") && strcasecmp(c->argv[2], "async")) {
        replyError(c, "FUNCTION FLUSH only supports SYNC|ASYNC option");
        return;
    }
    functionFlush(c);
}

/* FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern], each at most once. */
void functionListCommand(client *c) {
    int withCode = 0;
    bstr pattern = NULL;
    for (int i = 2; i < c->argc; i++) {
        if (!withCode && !strcasecmp(c->argv[i], "withcode")) {
            withCode = 1;
        } else if (!pattern && !strcasecmp(c->argv[i], "libraryname")) {
            if (i + 1 >= c->argc) {
                replyError(c, "library name argument was not given");
                return;
            }
            pattern = c->argv[++i];
        } else {
            replyErrorFormat(c, "Unknown argument %s", c->argv[i]);
            return;
        }
    }
    functionList(c, withCode, pattern, pattern ? bstrLen(pattern) : 0);
}

void functionDumpCommand(client *c) { functionDump(c); }

/* FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE] (APPEND by default). */
void functionRestoreCommand(client *c) {
    if (c->argc > 4) {
        replyErrorSubcommand(c);
        return;
    }
    int policy = FUNCTION_RESTORE_APPEND;
    if (c->argc == 4) {
        const char *p = c->argv[3];
        if (!strcasecmp(p, "flush")) policy = FUNCTION_RESTORE_FLUSH;
        else if (!strcasecmp(p, "replace")) policy = FUNCTION_RESTORE_REPLACE;
        else if (strcasecmp(p, "append")) {
            replyError(c, "Wrong restore policy given, value should be either FLUSH, APPEND or "
                          "REPLACE.");
            return;
        }
    }
    functionRestore(c, c->argv[2], bstrLen(c->argv[2]), policy);
}

void functionStatsCommand(client *c) { functionStats(c); }
void functionKillCommand(client *c) { scriptKill(c, 0); }

void functionHelpCommand(client *c) {
    static const char *help[] = {
        "LOAD [REPLACE] <library code>",
        "    Load a library from its code, which starts with '#!lua name=<library name>'.",
        "    With REPLACE a library of the same name is replaced.",
        "DELETE <library name>",
        "    Remove a library and its functions.",
        "FLUSH [ASYNC|SYNC]",
        "    Remove every library.",
        "LIST [WITHCODE] [LIBRARYNAME <pattern>]",
        "    Describe the libraries (those whose name matches the pattern), with their",
        "    code when WITHCODE is given.",
        "DUMP",
        "    Serialize every library into one payload.",
        "RESTORE <payload> [FLUSH|APPEND|REPLACE]",
        "    Load the libraries of a DUMP payload.  APPEND (the default) refuses a",
        "    library that exists, REPLACE replaces it, FLUSH removes every library first.",
        "STATS",
        "    The function that runs now, and how many libraries and functions there are.",
        "KILL",
        "    Stop the function that runs now, if it has not written yet.",
        NULL};
    replyHelp(c, help);
}
