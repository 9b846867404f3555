/* script/script.c -- start-up of the scripting layer.  See script.h. */
#include "script/script.h"
#include "command/command.h"
#include "script/eval.h"
#include "script/function.h"
#include "script/script_flags.h"
#include "script/script_run.h"

#include <string.h>

/* The commands that run a script: EVAL's family, then FCALL's. */
#define SCRIPT_COMMANDS 6
#define SCRIPT_EVAL_COMMANDS 4
static const char *const scriptCommandNames[SCRIPT_COMMANDS] = {
    "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro"};
static command *scriptCommands[SCRIPT_COMMANDS];

/* The flags a script request runs with: its script's declared flags
 * decide, when it declares any (Redis's getCommandFlags). */
static uint64_t scriptRequestFlags(client *c, uint64_t flags) {
    for (int i = 0; i < SCRIPT_COMMANDS; i++) {
        if (c->cmd != scriptCommands[i]) continue;
        uint64_t scriptFlags = i < SCRIPT_EVAL_COMMANDS ? evalRequestScriptFlags(c)
                                                        : functionRequestScriptFlags(c);
        if (scriptFlags & SCRIPT_FLAG_EVAL_COMPAT_MODE) return flags;
        return scriptFlagsToCommandFlags(flags, scriptFlags);
    }
    return flags;
}

void scriptInit(void) {
    for (int i = 0; i < SCRIPT_COMMANDS; i++)
        scriptCommands[i] = commandLookupByName(scriptCommandNames[i],
                                                strlen(scriptCommandNames[i]));
    scriptRunInit();
    evalInit();
    functionInit();
    commandSetFlagsResolver(scriptRequestFlags);
}
