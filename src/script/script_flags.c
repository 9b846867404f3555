/* script/script_flags.c -- script flags by name.  See script_flags.h. */
#include "script/script_flags.h"
#include "command/command.h"

#include <string.h>

static const struct {
    const char *name;
    uint64_t flag;
} scriptFlagNames[] = {
    {"no-writes", SCRIPT_FLAG_NO_WRITES},
    {"allow-oom", SCRIPT_FLAG_ALLOW_OOM},
    {"allow-stale", SCRIPT_FLAG_ALLOW_STALE},
    {"no-cluster", SCRIPT_FLAG_NO_CLUSTER},
    {"allow-cross-slot-keys", SCRIPT_FLAG_ALLOW_CROSS_SLOT},
    {NULL, 0},
};

uint64_t scriptFlagByName(const char *name, size_t len) {
    for (int i = 0; scriptFlagNames[i].name; i++)
        if (strlen(scriptFlagNames[i].name) == len && !memcmp(scriptFlagNames[i].name, name, len))
            return scriptFlagNames[i].flag;
    return 0;
}

void scriptFlagsForEach(uint64_t flags, scriptFlagVisitor *fn, void *privdata) {
    for (int i = 0; scriptFlagNames[i].name; i++)
        if (flags & scriptFlagNames[i].flag) fn(scriptFlagNames[i].name, privdata);
}

int scriptFlagsCount(uint64_t flags) {
    int n = 0;
    for (int i = 0; scriptFlagNames[i].name; i++)
        if (flags & scriptFlagNames[i].flag) n++;
    return n;
}

uint64_t scriptFlagsToCommandFlags(uint64_t cmdFlags, uint64_t scriptFlags) {
    cmdFlags &= ~(CMD_STALE | CMD_DENYOOM | CMD_WRITE | CMD_MAY_REPLICATE);
    if (!(scriptFlags & (SCRIPT_FLAG_ALLOW_OOM | SCRIPT_FLAG_NO_WRITES))) cmdFlags |= CMD_DENYOOM;
    if (!(scriptFlags & SCRIPT_FLAG_NO_WRITES)) cmdFlags |= CMD_WRITE;
    if (scriptFlags & SCRIPT_FLAG_ALLOW_STALE) cmdFlags |= CMD_STALE;
    return cmdFlags;
}

int scriptShebangWords(const char *body, size_t len, bstr **words) {
    const char *nl = memchr(body, '\n', len);
    if (!nl) return -1;
    bstr line = bstrNewLen(body, (size_t)(nl - body));
    int n = 0;
    *words = bstrSplitArgs(line, &n);
    bstrFree(line);
    return *words ? n : -2;
}
