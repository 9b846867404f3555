/* acl/check.c -- the permission check, authentication and ACL LOG.
 *
 * A request passes when one selector of the user allows its command (or
 * the command is no_auth: AUTH, HELLO), every key the command's key specs
 * find (read for an "access" key, write for "insert", "delete",
 * "update") and every channel it publishes or subscribes to.  When none
 * does, Redis reports the denial of the selector that got furthest. */
#include "acl/acl.h"
#include "client/reply.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/glob.h"
#include "lib/sha256.h"

#include <string.h>
#include <strings.h>

/* --------------------------------------------------------- the check */

/* What a key spec asks of a key pattern: read for "access", write for
 * "insert", "delete" and "update" (RO/RW/OW say nothing here, as in
 * Redis). */
static int keyPermsNeeded(uint64_t kspecFlags) {
    int need = 0;
    if (kspecFlags & KSPEC_ACCESS) need |= ACL_KEY_READ;
    if (kspecFlags & (KSPEC_INSERT | KSPEC_DELETE | KSPEC_UPDATE)) need |= ACL_KEY_WRITE;
    return need;
}

static int selectorAllowsKey(const aclSelector *s, const bstr key, uint64_t kspecFlags) {
    if (s->flags & ACL_SEL_ALLKEYS) return 1;
    int need = keyPermsNeeded(kspecFlags);
    for (listNode *ln = listFirst(s->patterns); ln; ln = listNext(ln)) {
        const aclKeyPattern *kp = listNodeValue(ln);
        if ((kp->flags & need) != need) continue;
        if (globMatch(kp->pattern, bstrLen(kp->pattern), key, bstrLen(key), 0)) return 1;
    }
    return 0;
}

/* A channel is matched by the selector's patterns; a pattern (PSUBSCRIBE)
 * must be one of them literally. */
static int selectorAllowsChannel(const aclSelector *s, const bstr ch, int isPattern) {
    if (s->flags & ACL_SEL_ALLCHANNELS) return 1;
    for (listNode *ln = listFirst(s->channels); ln; ln = listNext(ln)) {
        bstr p = listNodeValue(ln);
        if (isPattern ? (bstrLen(p) == bstrLen(ch) && !memcmp(p, ch, bstrLen(p)))
                      : globMatch(p, bstrLen(p), ch, bstrLen(ch), 0))
            return 1;
    }
    return 0;
}

int aclUserAllowsChannel(const aclUser *u, const bstr channel, int isPattern) {
    for (listNode *ln = listFirst(u->selectors); ln; ln = listNext(ln))
        if (selectorAllowsChannel(listNodeValue(ln), channel, isPattern)) return 1;
    return 0;
}

static int commandIs(const command *cmd, const char *name) {
    return !cmd->parent && !strcmp(cmd->name, name);
}

/* The arguments of cmd that are channels it publishes or subscribes to
 * (UNSUBSCRIBE and PUBSUB are never refused for a channel). */
static int channelArgs(const command *cmd, int argc, int *first, int *last, int *isPattern) {
    *isPattern = 0;
    if (!(cmd->aclCategories & ACL_CAT_PUBSUB)) return 0;
    if (commandIs(cmd, "publish") || commandIs(cmd, "spublish")) {
        *first = *last = 1;
        return argc > 1;
    }
    if (commandIs(cmd, "subscribe") || commandIs(cmd, "ssubscribe") ||
        commandIs(cmd, "psubscribe")) {
        *isPattern = commandIs(cmd, "psubscribe");
        *first = 1;
        *last = argc - 1;
        return argc > 1;
    }
    return 0;
}

static int selectorAllowsCommand(const aclSelector *s, const command *cmd, int argc, bstr *argv) {
    if ((s->flags & ACL_SEL_ALLCOMMANDS) || (cmd->flags & CMD_NO_AUTH)) return 1;
    if (aclSelectorAllowsCommandBit(s, cmd)) return 1;
    int id = aclCommandId(cmd);
    if (argc < 2 || !s->firstArgs || !s->firstArgs[id]) return 0;
    int idx = cmd->parent ? 2 : 1;
    if (idx >= argc) return 0;
    for (bstr *a = s->firstArgs[id]; *a; a++)
        if (!strcasecmp(argv[idx], *a)) return 1;
    return 0;
}

/* The keys of the request, found once for all selectors.  Most requests
 * fit the inline room: no allocation on the hot path. */
#define KEYLIST_INLINE 16
typedef struct keyList {
    int n;                     /* -1 until found */
    int *pos;
    uint64_t *flags;
    int posBuf[KEYLIST_INLINE];
    uint64_t flagBuf[KEYLIST_INLINE];
} keyList;

static void findKeys(keyList *keys, const command *cmd, int argc, bstr *argv) {
    if (keys->n >= 0) return;
    size_t room = (size_t)argc * (size_t)(cmd->keySpecCount > 0 ? cmd->keySpecCount : 1) + 1;
    if (room <= KEYLIST_INLINE) {
        keys->pos = keys->posBuf;
        keys->flags = keys->flagBuf;
    } else {
        keys->pos = xcalloc(room, sizeof(int));
        keys->flags = xcalloc(room, sizeof(uint64_t));
    }
    keys->n = commandRequestKeys(cmd, argc, argv, keys->pos, keys->flags);
    if (keys->n < 0) keys->n = 0;
}

static int selectorCheck(const aclSelector *s, const command *cmd, int argc, bstr *argv,
                         keyList *keys, int *errpos) {
    if (!selectorAllowsCommand(s, cmd, argc, argv)) return ACL_DENIED_CMD;
    if (!(s->flags & ACL_SEL_ALLKEYS) && (cmd->getkeys || cmd->keySpecCount)) {
        findKeys(keys, cmd, argc, argv);
        for (int j = 0; j < keys->n; j++) {
            if (!selectorAllowsKey(s, argv[keys->pos[j]], keys->flags[j])) {
                *errpos = keys->pos[j];
                return ACL_DENIED_KEY;
            }
        }
    }
    int first, last, isPattern;
    if (!(s->flags & ACL_SEL_ALLCHANNELS) && channelArgs(cmd, argc, &first, &last, &isPattern)) {
        for (int j = first; j <= last; j++) {
            if (!selectorAllowsChannel(s, argv[j], isPattern)) {
                *errpos = j;
                return ACL_DENIED_CHANNEL;
            }
        }
    }
    return ACL_OK;
}

int aclCheckCommand(aclUser *u, const command *cmd, int argc, bstr *argv, int *errpos) {
    int verdict = ACL_DENIED_CMD, lastPos = 0;
    keyList keys;
    keys.n = -1;
    keys.pos = keys.posBuf;
    keys.flags = keys.flagBuf;
    *errpos = 0;
    for (listNode *ln = listFirst(u->selectors); ln; ln = listNext(ln)) {
        int pos = 0;
        int r = selectorCheck(listNodeValue(ln), cmd, argc, argv, &keys, &pos);
        if (r == ACL_OK) {
            verdict = ACL_OK;
            break;
        }
        if (r > verdict || (r == verdict && pos > lastPos)) {
            verdict = r;
            lastPos = pos;
        }
    }
    if (keys.pos != keys.posBuf) {
        xfree(keys.pos);
        xfree(keys.flags);
    }
    if (verdict != ACL_OK) *errpos = lastPos;
    return verdict;
}

static int selectorHasAllKeys(const aclSelector *s, int need) {
    if (s->flags & ACL_SEL_ALLKEYS) return 1;
    for (listNode *ln = listFirst(s->patterns); ln; ln = listNext(ln)) {
        const aclKeyPattern *kp = listNodeValue(ln);
        if ((kp->flags & need) == need && !strcmp(kp->pattern, "*")) return 1;
    }
    return 0;
}

int aclClientHasFullKeyAccess(client *c, int need) {
    aclUser *u = aclClientUser(c);
    keyList keys;
    keys.n = -1;
    keys.pos = keys.posBuf;
    keys.flags = keys.flagBuf;
    int full = 0;
    for (listNode *ln = listFirst(u->selectors); ln && !full; ln = listNext(ln)) {
        int pos;
        const aclSelector *s = listNodeValue(ln);
        full = selectorCheck(s, c->cmd, c->argc, c->argv, &keys, &pos) == ACL_OK &&
               selectorHasAllKeys(s, need);
    }
    if (keys.pos != keys.posBuf) {
        xfree(keys.pos);
        xfree(keys.flags);
    }
    return full;
}

const char *aclRequestDenial(client *c) {
    int pos;
    int verdict = aclCheckCommand(aclClientUser(c), c->cmd, c->argc, c->argv, &pos);
    if (verdict == ACL_OK) return NULL;
    static bstr msg;
    bstrFree(msg);
    int ctx = (c->flags & CLIENT_MULTI) ? ACL_LOG_CTX_MULTI : ACL_LOG_CTX_TOPLEVEL;
    if (verdict == ACL_DENIED_CMD) {
        aclLogDenial(c, verdict, ctx, c->cmd->fullname, aclClientUser(c)->name);
        msg = bstrCatPrintf(bstrEmpty(), "-NOPERM this user has no permissions to run the '%s' "
                                         "command", c->cmd->fullname);
    } else {
        aclLogDenial(c, verdict, ctx, c->argv[pos], aclClientUser(c)->name);
        msg = bstrCatPrintf(bstrEmpty(), "-NOPERM this user has no permissions to access one of "
                                         "the %s used as arguments",
                            verdict == ACL_DENIED_KEY ? "keys" : "channels");
    }
    return msg;
}

const char *aclExecDenial(client *c) {
    int pos;
    int verdict = aclCheckCommand(aclClientUser(c), c->cmd, c->argc, c->argv, &pos);
    if (verdict == ACL_OK) return NULL;
    aclLogDenial(c, verdict, ACL_LOG_CTX_MULTI,
                 verdict == ACL_DENIED_CMD ? c->cmd->fullname : c->argv[pos], aclClientUser(c)->name);
    switch (verdict) {
    case ACL_DENIED_CMD:
        return "-NOPERM ACLs rules changed between the moment the transaction was accumulated "
               "and the EXEC call. This command is no longer allowed for the following reason: "
               "no permission to execute the command or subcommand";
    case ACL_DENIED_KEY:
        return "-NOPERM ACLs rules changed between the moment the transaction was accumulated "
               "and the EXEC call. This command is no longer allowed for the following reason: "
               "no permission to touch the specified keys";
    default:
        return "-NOPERM ACLs rules changed between the moment the transaction was accumulated "
               "and the EXEC call. This command is no longer allowed for the following reason: "
               "no permission to access one of the channels used as arguments";
    }
}

const char *aclScriptCallDenial(client *caller, const command *cmd, int argc, bstr *argv) {
    int pos;
    int verdict = aclCheckCommand(aclClientUser(caller), cmd, argc, argv, &pos);
    if (verdict == ACL_OK) return NULL;
    aclLogDenial(caller, verdict, ACL_LOG_CTX_LUA,
                 verdict == ACL_DENIED_CMD ? cmd->fullname : argv[pos], aclClientUser(caller)->name);
    switch (verdict) {
    case ACL_DENIED_CMD: return "The user executing the script can't run this command or subcommand";
    case ACL_DENIED_KEY:
        return "The user executing the script can't access at least one of the keys mentioned "
               "in the command arguments";
    default: return "The user executing the script can't publish to the channel mentioned in "
                    "the command";
    }
}

bstr aclDryRun(aclUser *u, const command *cmd, int argc, bstr *argv) {
    int pos;
    int verdict = aclCheckCommand(u, cmd, argc, argv, &pos);
    if (verdict == ACL_OK) return NULL;
    if (verdict == ACL_DENIED_CMD)
        return bstrCatPrintf(bstrEmpty(), "This user has no permissions to run the '%s' command",
                             cmd->fullname);
    return bstrCatPrintf(bstrEmpty(), "This user has no permissions to access the '%s' %s",
                         argv[pos], verdict == ACL_DENIED_KEY ? "key" : "channel");
}

/* ---------------------------------------------------- authentication */

/* Compares every byte whatever the first difference, so the time taken
 * tells nothing about how much of a hash matched. */
static int hashesEqual(const char *a, const char *b) {
    unsigned char diff = 0;
    for (int i = 0; i < SHA256_HEX_LEN; i++) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

int aclCheckPassword(const aclUser *u, const char *pass, size_t len) {
    if (u->flags & ACL_USER_NOPASS) return 1;
    char hash[SHA256_HEX_LEN + 1];
    sha256Hex(pass, len, hash);
    for (listNode *ln = listFirst(u->passwords); ln; ln = listNext(ln))
        if (hashesEqual(listNodeValue(ln), hash)) return 1;
    return 0;
}

int aclAuthenticate(client *c, const bstr name, const bstr pass) {
    aclUser *u = aclLookupUser(name, bstrLen(name));
    if (u && !(u->flags & ACL_USER_OFF) && aclCheckPassword(u, pass, bstrLen(pass))) {
        c->user = u;
        c->authenticated = 1;
        return 1;
    }
    aclLogDenial(c, ACL_DENIED_AUTH, (c->flags & CLIENT_MULTI) ? ACL_LOG_CTX_MULTI
                                                               : ACL_LOG_CTX_TOPLEVEL,
                 c->argv[0], name);
    return 0;
}

int aclDefaultUserIsOpen(void) {
    const aclUser *d = aclDefaultUser();
    return (d->flags & ACL_USER_NOPASS) && !(d->flags & ACL_USER_OFF);
}

int aclAuthRequired(client *c) { return !c->authenticated && !aclDefaultUserIsOpen(); }

/* ----------------------------------------------------------- ACL LOG */

/* Denials alike (same reason, context, object and user) within this
 * many milliseconds of the last one are counted in one entry, as Redis
 * groups them, so a client retrying fills no log. */
#define ACL_LOG_GROUPING_MS 60000

typedef struct aclLogEntry {
    long long count;
    int reason;
    int context;
    bstr object;
    bstr username;
    long long ctimeMs;
    bstr clientInfo;
} aclLogEntry;

static list *aclLog;

static void freeLogEntry(void *p) {
    aclLogEntry *e = p;
    bstrFree(e->object);
    bstrFree(e->username);
    bstrFree(e->clientInfo);
    xfree(e);
}

static void trimLog(void) {
    while (aclLog && listLength(aclLog) > (unsigned long)(aclLogMaxLen > 0 ? aclLogMaxLen : 0)) {
        listNode *ln = aclLog->tail;
        freeLogEntry(listNodeValue(ln));
        listDelNode(aclLog, ln);
    }
}

void aclLogDenial(client *c, int reason, int context, const char *object, const char *username) {
    if (!aclLog) aclLog = listCreate();
    long long now = cachedClock.mstime;
    bstr info = clientCatInfoString(bstrEmpty(), c);
    for (listNode *ln = listFirst(aclLog); ln; ln = listNext(ln)) {
        aclLogEntry *e = listNodeValue(ln);
        if (e->reason == reason && e->context == context && !strcmp(e->object, object) &&
            !strcmp(e->username, username) && now - e->ctimeMs < ACL_LOG_GROUPING_MS) {
            e->count++;
            e->ctimeMs = now;
            bstrFree(e->clientInfo);
            e->clientInfo = info;
            listDelNode(aclLog, ln);
            listAddNodeHead(aclLog, e);
            return;
        }
    }
    aclLogEntry *e = xcalloc(1, sizeof(*e));
    e->count = 1;
    e->reason = reason;
    e->context = context;
    e->object = bstrNew(object);
    e->username = bstrNew(username);
    e->ctimeMs = now;
    e->clientInfo = info;
    listAddNodeHead(aclLog, e);
    trimLog();
}

void aclLogReset(void) {
    if (!aclLog) return;
    aclLog->freeValue = freeLogEntry;
    listEmpty(aclLog);
    aclLog->freeValue = NULL;
}

void aclLogReply(client *c, long long count) {
    static const char *const reasons[] = {"", "command", "key", "auth", "channel"};
    static const char *const contexts[] = {"toplevel", "multi", "lua"};
    trimLog();
    long long n = aclLog ? (long long)listLength(aclLog) : 0;
    if (count < n) n = count;
    replyArrayLen(c, n);
    listNode *ln = aclLog ? listFirst(aclLog) : NULL;
    for (long long i = 0; i < n; i++, ln = listNext(ln)) {
        aclLogEntry *e = listNodeValue(ln);
        replyMapLen(c, 7);
        replyBulkCString(c, "count");
        replyLongLong(c, e->count);
        replyBulkCString(c, "reason");
        replyBulkCString(c, reasons[e->reason]);
        replyBulkCString(c, "context");
        replyBulkCString(c, contexts[e->context]);
        replyBulkCString(c, "object");
        replyBulkBstr(c, e->object);
        replyBulkCString(c, "username");
        replyBulkBstr(c, e->username);
        replyBulkCString(c, "age-seconds");
        replyDouble(c, (double)(cachedClock.mstime - e->ctimeMs) / 1000.0);
        replyBulkCString(c, "client-info");
        replyBulkBstr(c, e->clientInfo);
    }
}
