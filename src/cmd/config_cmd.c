/* cmd/config_cmd.c -- CONFIG GET, SET, RESETSTAT, REWRITE and HELP. */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/slowlog.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "server/config.h"
#include "server/server.h"

#include <string.h>

typedef struct configGetResult {
    dict *seen;      /* names already added: several patterns may match one */
    bstr *pairs;     /* name, value, name, value ... */
    long long count; /* entries in pairs */
} configGetResult;

static uint64_t cstrHash(const void *k) { return dictGenHashFunction(k, strlen(k)); }
static int cstrEqual(const void *a, const void *b) { return strcmp(a, b) == 0; }
static const dictType seenDictType = {.hash = cstrHash, .keyEqual = cstrEqual};

static void configGetCollect(const char *name, const char *shownName, const bstr value,
                             void *privdata) {
    configGetResult *r = privdata;
    if (dictAdd(r->seen, (void *)name, NULL) != DICT_OK) return;
    r->pairs = xrealloc(r->pairs, sizeof(bstr) * (size_t)(r->count + 2));
    r->pairs[r->count++] = bstrNew(shownName);
    r->pairs[r->count++] = bstrDup(value);
}

/* CONFIG GET pattern [pattern ...]: a map of every matching parameter,
 * each once however many patterns match it. */
void configGetCommand(client *c) {
    configGetResult r = {dictCreate(&seenDictType), NULL, 0};
    for (int i = 2; i < c->argc; i++)
        configForEachMatching(c->argv[i], bstrLen(c->argv[i]), configGetCollect, &r);
    replyMapLen(c, r.count / 2);
    for (long long i = 0; i < r.count; i++) {
        replyBulkBstr(c, r.pairs[i]);
        bstrFree(r.pairs[i]);
    }
    xfree(r.pairs);
    dictRelease(r.seen);
}

/* CONFIG SET name value [name value ...], all or nothing. */
void configSetCommand(client *c) {
    if ((c->argc - 2) % 2 != 0) {
        replyErrorSyntax(c); /* argc 3 never gets here: the arity check catches it */
        return;
    }
    int count = (c->argc - 2) / 2;
    bstr *names = xmalloc(sizeof(bstr) * (size_t)count);
    bstr *values = xmalloc(sizeof(bstr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        names[i] = c->argv[2 + i * 2];
        values[i] = c->argv[3 + i * 2];
        if (!configExists(names[i], bstrLen(names[i]))) {
            replyErrorFormat(c, "Unknown option or number of arguments for CONFIG SET - '%s'",
                             names[i]);
            goto done;
        }
    }
    char err[CONFIG_ERR_LEN];
    const char *bad;
    if (configSetFromStrings(names, values, count, err, sizeof(err), &bad) < 0)
        replyErrorFormat(c, "CONFIG SET failed (possibly related to argument '%s') - %s", bad, err);
    else
        replyOk(c);
done:
    xfree(names);
    xfree(values);
}

void configResetStatCommand(client *c) {
    resetServerStats();
    replyOk(c);
}

void configRewriteCommand(client *c) {
    if (!server.configfile) {
        replyError(c, "The server is running without a config file");
        return;
    }
    char err[CONFIG_ERR_LEN];
    if (configRewrite(server.configfile, err, sizeof(err)) < 0) {
        serverLog(LL_WARNING, "CONFIG REWRITE failed: %s", err);
        replyErrorFormat(c, "Rewriting config file: %s", err);
        return;
    }
    serverLog(LL_NOTICE, "CONFIG REWRITE executed with success.");
    replyOk(c);
}

void configHelpCommand(client *c) {
    static const char *help[] = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        NULL};
    replyHelp(c, help);
}
