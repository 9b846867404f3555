/* acl/user.c -- ACL users, their selectors and the ACL SETUSER rules.
 *
 * Rules are applied one word at a time, exactly as Redis 7.0.15 reads
 * them, to a scratch copy of the user: ACL SETUSER changes the user only
 * when every word applied.  The description (ACL LIST, ACL SAVE) is not
 * the words as typed but rebuilt from the command bits, as Redis 7.0
 * does: "+@all" or "-@all", then the categories that fit best, then
 * single commands (see aclDescribeSelectorCommands). */
#include "acl/acl.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/log.h"
#include "lib/sha256.h"
#include "server/server.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *aclFilename;
long long aclLogMaxLen = 128;
int aclPubsubDefault;

static dict *users;            /* name -> aclUser* */
static aclUser *defaultUser;
static aclUser *nobodyUser;

/* ------------------------------------------------------ command ids */

static command **commandsById;
static int commandIds;
static int *subcommandBase;    /* per top-level index: id of its first sub */
static int bitmapWords;

static const char *const categoryNames[] = {
    "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string",
    "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow",
    "blocking", "dangerous", "connection", "transaction", "scripting", NULL};

int aclCommandId(const command *cmd) {
    if (!cmd->parent) return (int)(cmd - commandTable);
    return subcommandBase[cmd->parent - commandTable] + (int)(cmd - cmd->parent->subcommands);
}

command *aclCommandById(int id) { return commandsById[id]; }

int aclCommandCount(void) { return commandIds; }

const char *aclCategoryName(int index) { return categoryNames[index]; }

/* The ACL_CAT_* flag of a category name, case-insensitive. */
int aclCategoryByName(const char *name, uint64_t *flag) {
    for (int i = 0; categoryNames[i]; i++) {
        if (!strcasecmp(name, categoryNames[i])) {
            *flag = 1ULL << i;
            return 1;
        }
    }
    return 0;
}

/* Numbers every command: the top-level ones in table order, then the
 * subcommands of each container, so ids are dense and O(1) to compute. */
static void numberCommands(void) {
    int top = 0;
    while (commandTable[top].name) top++;
    subcommandBase = xcalloc((size_t)top + 1, sizeof(int));
    int next = top;
    for (int i = 0; i < top; i++) {
        subcommandBase[i] = next;
        if (commandTable[i].subcommands)
            for (command *sub = commandTable[i].subcommands; sub->name; sub++) next++;
    }
    commandIds = next;
    commandsById = xcalloc((size_t)next, sizeof(command *));
    for (int i = 0; i < top; i++) {
        commandsById[i] = &commandTable[i];
        if (commandTable[i].subcommands)
            for (command *sub = commandTable[i].subcommands; sub->name; sub++)
                commandsById[aclCommandId(sub)] = sub;
    }
    bitmapWords = (commandIds + 63) / 64;
}

/* --------------------------------------------------------- selectors */

static aclSelector *selectorCreate(int flags) {
    aclSelector *s = xcalloc(1, sizeof(*s));
    s->flags = flags | aclPubsubDefault;
    s->allowed = xcalloc((size_t)bitmapWords, sizeof(uint64_t));
    s->patterns = listCreate();
    s->channels = listCreate();
    return s;
}

static void freeKeyPattern(void *p) {
    aclKeyPattern *kp = p;
    bstrFree(kp->pattern);
    xfree(kp);
}

static void freeBstr(void *p) { bstrFree(p); }

static void resetFirstArgs(aclSelector *s, int id) {
    if (!s->firstArgs || !s->firstArgs[id]) return;
    for (bstr *a = s->firstArgs[id]; *a; a++) bstrFree(*a);
    xfree(s->firstArgs[id]);
    s->firstArgs[id] = NULL;
}

static void resetAllFirstArgs(aclSelector *s) {
    if (!s->firstArgs) return;
    for (int id = 0; id < commandIds; id++) resetFirstArgs(s, id);
    xfree(s->firstArgs);
    s->firstArgs = NULL;
}

static void selectorFree(aclSelector *s) {
    resetAllFirstArgs(s);
    xfree(s->allowed);
    s->patterns->freeValue = freeKeyPattern;
    s->channels->freeValue = freeBstr;
    listRelease(s->patterns);
    listRelease(s->channels);
    xfree(s);
}

static aclSelector *selectorCopy(const aclSelector *src) {
    aclSelector *s = selectorCreate(0);
    s->flags = src->flags;
    s->future = src->future;
    memcpy(s->allowed, src->allowed, (size_t)bitmapWords * sizeof(uint64_t));
    for (listNode *ln = listFirst(src->patterns); ln; ln = listNext(ln)) {
        const aclKeyPattern *kp = listNodeValue(ln);
        aclKeyPattern *copy = xmalloc(sizeof(*copy));
        copy->pattern = bstrDup(kp->pattern);
        copy->flags = kp->flags;
        listAddNodeTail(s->patterns, copy);
    }
    for (listNode *ln = listFirst(src->channels); ln; ln = listNext(ln))
        listAddNodeTail(s->channels, bstrDup(listNodeValue(ln)));
    if (src->firstArgs) {
        s->firstArgs = xcalloc((size_t)commandIds, sizeof(bstr *));
        for (int id = 0; id < commandIds; id++) {
            if (!src->firstArgs[id]) continue;
            int n = 0;
            while (src->firstArgs[id][n]) n++;
            s->firstArgs[id] = xcalloc((size_t)n + 1, sizeof(bstr));
            for (int j = 0; j < n; j++) s->firstArgs[id][j] = bstrDup(src->firstArgs[id][j]);
        }
    }
    return s;
}

static int getBit(const aclSelector *s, int id) {
    return (s->allowed[id / 64] >> (id % 64)) & 1;
}

/* Clearing any bit ends "all commands": the bits must then be read. */
static void setBit(aclSelector *s, int id, int on) {
    if (on) {
        s->allowed[id / 64] |= 1ULL << (id % 64);
    } else {
        s->allowed[id / 64] &= ~(1ULL << (id % 64));
        s->flags &= ~ACL_SEL_ALLCOMMANDS;
    }
}

int aclSelectorAllowsCommandBit(const aclSelector *s, const command *cmd) {
    return getBit(s, aclCommandId(cmd));
}

/* Allows or denies cmd, and every subcommand of a container. */
static void changePerm(aclSelector *s, const command *cmd, int allow) {
    int id = aclCommandId(cmd);
    setBit(s, id, allow);
    resetFirstArgs(s, id);
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++) setBit(s, aclCommandId(sub), allow);
}

static void changeCategory(aclSelector *s, uint64_t flag, int allow) {
    for (command *cmd = commandTable; cmd->name; cmd++) {
        if (cmd->aclCategories & flag) changePerm(s, cmd, allow);
        if (cmd->subcommands)
            for (command *sub = cmd->subcommands; sub->name; sub++)
                if (sub->aclCategories & flag) changePerm(s, sub, allow);
    }
}

static void setAllCommands(aclSelector *s, int allow) {
    memset(s->allowed, allow ? 0xff : 0, (size_t)bitmapWords * sizeof(uint64_t));
    s->future = allow;
    if (allow) s->flags |= ACL_SEL_ALLCOMMANDS;
    else s->flags &= ~ACL_SEL_ALLCOMMANDS;
    resetAllFirstArgs(s);
}

static void addFirstArg(aclSelector *s, int id, const char *arg, size_t len) {
    if (!s->firstArgs) s->firstArgs = xcalloc((size_t)commandIds, sizeof(bstr *));
    int n = 0;
    if (s->firstArgs[id]) {
        for (; s->firstArgs[id][n]; n++)
            if (bstrLen(s->firstArgs[id][n]) == len &&
                !strncasecmp(s->firstArgs[id][n], arg, len))
                return;
    }
    s->firstArgs[id] = xrealloc(s->firstArgs[id], sizeof(bstr) * ((size_t)n + 2));
    s->firstArgs[id][n] = bstrNewLen(arg, len);
    s->firstArgs[id][n + 1] = NULL;
}

/* Spaces and NUL are refused in names and patterns: they could not be
 * written back as one word of ACL LIST or the ACL file. */
static int hasSpaces(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (isspace((unsigned char)s[i]) || s[i] == '\0') return 1;
    return 0;
}

static int wordIs(const char *op, size_t len, const char *word) {
    return strlen(word) == len && !strncasecmp(op, word, len);
}

/* "+cmd|first-arg": a subcommand of a container, or (deprecated in
 * Redis, still accepted) a first argument of a plain command. */
static int allowWithBar(aclSelector *s, const char *op, size_t len) {
    const char *bar = op + len;
    while (bar > op && *(bar - 1) != '|') bar--;
    bar--;
    command *cmd = commandLookupByFullname(op, (size_t)(bar - op));
    if (!cmd) {
        errno = ENOENT;
        return -1;
    }
    if (cmd->parent) {
        errno = ECHILD;
        return -1;
    }
    size_t sublen = len - (size_t)(bar - op) - 1;
    if (sublen == 0) {
        errno = EINVAL;
        return -1;
    }
    if (cmd->subcommands) {
        command *sub = commandLookupByFullname(op, len);
        if (!sub) {
            errno = ENOENT;
            return -1;
        }
        changePerm(s, sub, 1);
    } else {
        serverLog(LL_WARNING, "Deprecation warning: Allowing a first arg of an otherwise "
                              "blocked command is a misuse of ACL and may get disabled in "
                              "the future (offender: +%.*s)", (int)len, op);
        addFirstArg(s, aclCommandId(cmd), bar + 1, sublen);
    }
    return 0;
}

static int addKeyPattern(aclSelector *s, const char *op, size_t len) {
    if (s->flags & ACL_SEL_ALLKEYS) {
        errno = EEXIST;
        return -1;
    }
    int flags = 0;
    size_t offset = 1;
    if (op[0] == '%') {
        for (; offset < len; offset++) {
            char ch = (char)toupper((unsigned char)op[offset]);
            if (ch == 'R' && !(flags & ACL_KEY_READ)) {
                flags |= ACL_KEY_READ;
            } else if (ch == 'W' && !(flags & ACL_KEY_WRITE)) {
                flags |= ACL_KEY_WRITE;
            } else if (op[offset] == '~') {
                offset++;
                break;
            } else {
                errno = EINVAL;
                return -1;
            }
        }
        if (!flags || offset == len) {
            errno = EINVAL;
            return -1;
        }
    } else {
        flags = ACL_KEY_ALL;
    }
    if (hasSpaces(op + offset, len - offset)) {
        errno = EINVAL;
        return -1;
    }
    for (listNode *ln = listFirst(s->patterns); ln; ln = listNext(ln)) {
        aclKeyPattern *kp = listNodeValue(ln);
        if (bstrLen(kp->pattern) == len - offset && !memcmp(kp->pattern, op + offset, len - offset)) {
            kp->flags |= flags;
            return 0;
        }
    }
    aclKeyPattern *kp = xmalloc(sizeof(*kp));
    kp->pattern = bstrNewLen(op + offset, len - offset);
    kp->flags = flags;
    listAddNodeTail(s->patterns, kp);
    s->flags &= ~ACL_SEL_ALLKEYS;
    return 0;
}

static int addChannel(aclSelector *s, const char *op, size_t len) {
    if (s->flags & ACL_SEL_ALLCHANNELS) {
        errno = EISDIR;
        return -1;
    }
    if (hasSpaces(op + 1, len - 1)) {
        errno = EINVAL;
        return -1;
    }
    for (listNode *ln = listFirst(s->channels); ln; ln = listNext(ln)) {
        bstr ch = listNodeValue(ln);
        if (bstrLen(ch) == len - 1 && !memcmp(ch, op + 1, len - 1)) return 0;
    }
    listAddNodeTail(s->channels, bstrNewLen(op + 1, len - 1));
    return 0;
}

static void clearList(list *l, void (*freeFn)(void *)) {
    l->freeValue = freeFn;
    listEmpty(l);
    l->freeValue = NULL;
}

/* One rule of a selector (keys, channels, commands). */
static int selectorRule(aclSelector *s, const char *op, size_t len) {
    if (wordIs(op, len, "allkeys") || wordIs(op, len, "~*")) {
        s->flags |= ACL_SEL_ALLKEYS;
        clearList(s->patterns, freeKeyPattern);
    } else if (wordIs(op, len, "resetkeys")) {
        s->flags &= ~ACL_SEL_ALLKEYS;
        clearList(s->patterns, freeKeyPattern);
    } else if (wordIs(op, len, "allchannels") || wordIs(op, len, "&*")) {
        s->flags |= ACL_SEL_ALLCHANNELS;
        clearList(s->channels, freeBstr);
    } else if (wordIs(op, len, "resetchannels")) {
        s->flags &= ~ACL_SEL_ALLCHANNELS;
        clearList(s->channels, freeBstr);
    } else if (wordIs(op, len, "allcommands") || wordIs(op, len, "+@all")) {
        setAllCommands(s, 1);
    } else if (wordIs(op, len, "nocommands") || wordIs(op, len, "-@all")) {
        setAllCommands(s, 0);
    } else if (len && (op[0] == '~' || op[0] == '%')) {
        return addKeyPattern(s, op, len);
    } else if (len && op[0] == '&') {
        return addChannel(s, op, len);
    } else if (len >= 2 && (op[0] == '+' || op[0] == '-') && op[1] == '@') {
        uint64_t flag;
        bstr name = bstrNewLen(op + 2, len - 2);
        int found = aclCategoryByName(name, &flag);
        bstrFree(name);
        if (!found) {
            errno = ENOENT;
            return -1;
        }
        changeCategory(s, flag, op[0] == '+');
    } else if (len >= 1 && op[0] == '+' && memchr(op + 1, '|', len - 1)) {
        return allowWithBar(s, op + 1, len - 1);
    } else if (len >= 1 && (op[0] == '+' || op[0] == '-')) {
        command *cmd = commandLookupByFullname(op + 1, len - 1);
        if (!cmd) {
            errno = ENOENT;
            return -1;
        }
        changePerm(s, cmd, op[0] == '+');
    } else {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* "(rule rule ...)": a new selector, appended when all its rules apply. */
static int addSelector(aclUser *u, const char *op, size_t len) {
    bstr inner = bstrNewLen(op + 1, len - 2);
    int argc = 0;
    bstr *argv = bstrSplitArgs(inner, &argc);
    bstrFree(inner);
    aclSelector *s = selectorCreate(0);
    for (int i = 0; i < argc; i++) {
        if (selectorRule(s, argv[i], bstrLen(argv[i])) < 0) {
            int saved = errno;
            bstrFreeSplitRes(argv, argc);
            selectorFree(s);
            errno = saved;
            return -1;
        }
    }
    if (argv) bstrFreeSplitRes(argv, argc);
    listAddNodeTail(u->selectors, s);
    return 0;
}

static aclSelector *rootSelector(const aclUser *u) { return listNodeValue(listFirst(u->selectors)); }

static int isHexHash(const char *h, size_t len) {
    if (len != SHA256_HEX_LEN) return 0;
    for (size_t i = 0; i < len; i++)
        if (!((h[i] >= 'a' && h[i] <= 'f') || (h[i] >= '0' && h[i] <= '9'))) return 0;
    return 1;
}

static listNode *findPassword(aclUser *u, const char *hash) {
    for (listNode *ln = listFirst(u->passwords); ln; ln = listNext(ln))
        if (!strcmp(listNodeValue(ln), hash)) return ln;
    return NULL;
}

/* >pass, #hash, <pass, !hash: the hash is the password's SHA-256 hex, or
 * given as is after checking its form. */
static int passwordRule(aclUser *u, const char *op, size_t len) {
    char hash[SHA256_HEX_LEN + 1];
    if (op[0] == '>' || op[0] == '<') {
        sha256Hex(op + 1, len - 1, hash);
    } else {
        if (!isHexHash(op + 1, len - 1)) {
            errno = EBADMSG;
            return -1;
        }
        memcpy(hash, op + 1, SHA256_HEX_LEN);
        hash[SHA256_HEX_LEN] = '\0';
    }
    listNode *ln = findPassword(u, hash);
    if (op[0] == '>' || op[0] == '#') {
        if (!ln) listAddNodeTail(u->passwords, bstrNew(hash));
    } else {
        if (!ln) {
            errno = ENODEV;
            return -1;
        }
        bstrFree(listNodeValue(ln));
        listDelNode(u->passwords, ln);
    }
    u->flags &= ~ACL_USER_NOPASS;
    return 0;
}

static void clearSelectors(aclUser *u) {
    while (listLength(u->selectors) > 1) {
        listNode *ln = listNext(listFirst(u->selectors));
        selectorFree(listNodeValue(ln));
        listDelNode(u->selectors, ln);
    }
}

static void clearPasswords(aclUser *u) { clearList(u->passwords, freeBstr); }

static void setFlag(aclUser *u, int on, int off) {
    u->flags |= on;
    u->flags &= ~off;
}

static int setUserRule(aclUser *u, const char *op, size_t len);
static void syncDefaultUser(void);

int aclSetUserRule(aclUser *u, const char *op, size_t len) {
    int rc = setUserRule(u, op, len);
    if (u == defaultUser) syncDefaultUser();
    return rc;
}

static int setUserRule(aclUser *u, const char *op, size_t len) {
    if (wordIs(op, len, "on")) {
        setFlag(u, ACL_USER_ON, ACL_USER_OFF);
    } else if (wordIs(op, len, "off")) {
        setFlag(u, ACL_USER_OFF, ACL_USER_ON);
    } else if (wordIs(op, len, "skip-sanitize-payload")) {
        setFlag(u, ACL_USER_SKIP_SANITIZE, ACL_USER_SANITIZE);
    } else if (wordIs(op, len, "sanitize-payload")) {
        setFlag(u, ACL_USER_SANITIZE, ACL_USER_SKIP_SANITIZE);
    } else if (wordIs(op, len, "nopass")) {
        u->flags |= ACL_USER_NOPASS;
        clearPasswords(u);
    } else if (wordIs(op, len, "resetpass")) {
        u->flags &= ~ACL_USER_NOPASS;
        clearPasswords(u);
    } else if (len && strchr("><#!", op[0])) {
        return passwordRule(u, op, len);
    } else if (len >= 2 && op[0] == '(' && op[len - 1] == ')') {
        return addSelector(u, op, len);
    } else if (wordIs(op, len, "clearselectors")) {
        clearSelectors(u);
    } else if (wordIs(op, len, "reset")) {
        aclSetUserRule(u, "resetpass", 9);
        aclSetUserRule(u, "resetkeys", 9);
        aclSetUserRule(u, "resetchannels", 13);
        if (aclPubsubDefault & ACL_SEL_ALLCHANNELS) aclSetUserRule(u, "allchannels", 11);
        aclSetUserRule(u, "off", 3);
        aclSetUserRule(u, "sanitize-payload", 16);
        aclSetUserRule(u, "clearselectors", 14);
        aclSetUserRule(u, "-@all", 5);
    } else {
        return selectorRule(rootSelector(u), op, len);
    }
    return 0;
}

const char *aclRuleError(int err) {
    switch (err) {
    case ENOENT: return "Unknown command or category name in ACL";
    case EINVAL: return "Syntax error";
    case EEXIST:
        return "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and "
               "does not have any effect. Try 'resetkeys' to start with an empty list of "
               "patterns";
    case EISDIR:
        return "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid "
               "and does not have any effect. Try 'resetchannels' to start with an empty list "
               "of channels";
    case ENODEV: return "The password you are trying to remove from the user does not exist";
    case EBADMSG:
        return "The password hash must be exactly 64 characters and contain only lowercase "
               "hexadecimal characters";
    case EALREADY:
        return "Duplicate user found. A user can only be defined once in config files";
    case ECHILD: return "Allowing first-arg of a subcommand is not supported";
    default: return "Wrong format";
    }
}

/* ------------------------------------------------------------- users */

aclUser *aclNewUser(const char *name, size_t len) {
    aclUser *u = xcalloc(1, sizeof(*u));
    u->name = bstrNewLen(name, len);
    u->flags = ACL_USER_OFF;
    u->passwords = listCreate();
    u->selectors = listCreate();
    listAddNodeTail(u->selectors, selectorCreate(ACL_SEL_ROOT));
    return u;
}

void aclFreeUser(aclUser *u) {
    clearPasswords(u);
    listRelease(u->passwords);
    for (listNode *ln = listFirst(u->selectors); ln; ln = listNext(ln))
        selectorFree(listNodeValue(ln));
    listRelease(u->selectors);
    bstrFree(u->name);
    xfree(u);
}

aclUser *aclCopyUser(const aclUser *src) {
    aclUser *u = xcalloc(1, sizeof(*u));
    u->name = bstrDup(src->name);
    u->passwords = listCreate();
    u->selectors = listCreate();
    aclAssignUser(u, src);
    return u;
}

/* The client layer's copy of what the default user lets through
 * (client.h), after every change of the default user. */
static void syncDefaultUser(void) {
    clientDefaultUserNopass = (defaultUser->flags & ACL_USER_NOPASS) != 0;
    clientDefaultUserOpen = clientDefaultUserNopass && !(defaultUser->flags & ACL_USER_OFF);
}

void aclAssignUser(aclUser *dst, const aclUser *src) {
    if (dst == src) return;
    clearPasswords(dst);
    for (listNode *ln = listFirst(dst->selectors); ln; ln = listNext(ln))
        selectorFree(listNodeValue(ln));
    listEmpty(dst->selectors);
    dst->flags = src->flags;
    for (listNode *ln = listFirst(src->passwords); ln; ln = listNext(ln))
        listAddNodeTail(dst->passwords, bstrDup(listNodeValue(ln)));
    for (listNode *ln = listFirst(src->selectors); ln; ln = listNext(ln))
        listAddNodeTail(dst->selectors, selectorCopy(listNodeValue(ln)));
    if (dst == defaultUser) syncDefaultUser();
}

static uint64_t userNameHash(const void *key) { return dictGenHashFunction(key, bstrLen((bstr)key)); }

static int userNameEqual(const void *a, const void *b) {
    return bstrLen((bstr)a) == bstrLen((bstr)b) && !memcmp(a, b, bstrLen((bstr)a));
}

static const dictType usersDictType = {
    .hash = userNameHash, .keyEqual = userNameEqual, .keyFree = NULL, .valFree = NULL};

aclUser *aclLookupUser(const char *name, size_t len) {
    bstr key = bstrNewLen(name, len);
    aclUser *u = dictFetchValue(users, key);
    bstrFree(key);
    return u;
}

aclUser *aclCreateUser(const char *name, size_t len) {
    if (aclLookupUser(name, len)) return NULL;
    aclUser *u = aclNewUser(name, len);
    dictAdd(users, u->name, u);
    return u;
}

aclUser *aclDefaultUser(void) { return defaultUser; }

aclUser *aclClientUser(client *c) { return c->user ? c->user : defaultUser; }

aclUser *aclNobodyUser(void) { return nobodyUser; }

/* Closes every client of u and points them at the nobody user, so that
 * nothing may run for them before they are gone. */
static void killClientsOf(aclUser *u) {
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (aclClientUser(c) != u) continue;
        c->user = nobodyUser;
        c->authenticated = 0;
        if (c->flags & CLIENT_EXECUTING) c->flags |= CLIENT_CLOSE_AFTER_REPLY;
        else clientFreeAsync(c);
    }
}

void aclDeleteUser(aclUser *u) {
    if (u == defaultUser) return;
    killClientsOf(u);
    dictDelete(users, u->name);
    aclFreeUser(u);
}

static int compareUsers(const void *a, const void *b) {
    const aclUser *x = *(aclUser *const *)a, *y = *(aclUser *const *)b;
    size_t lx = bstrLen(x->name), ly = bstrLen(y->name);
    int r = memcmp(x->name, y->name, lx < ly ? lx : ly);
    return r ? r : (lx > ly) - (lx < ly);
}

aclUser **aclUsersSorted(unsigned long *count) {
    *count = dictSize(users);
    aclUser **all = xcalloc(*count ? *count : 1, sizeof(aclUser *));
    unsigned long n = 0;
    dictIterator *it = dictGetIterator(users);
    dictEntry *de;
    while ((de = dictNext(it))) all[n++] = dictGetVal(de);
    dictReleaseIterator(it);
    qsort(all, n, sizeof(aclUser *), compareUsers);
    return all;
}

void aclReplaceUsers(aclUser **newUsers, unsigned long count, aclUser *newDefault) {
    unsigned long n;
    aclUser **old = aclUsersSorted(&n);
    for (unsigned long i = 0; i < n; i++) aclDeleteUser(old[i]);
    xfree(old);
    aclAssignUser(defaultUser, newDefault);
    for (unsigned long i = 0; i < count; i++) dictAdd(users, newUsers[i]->name, newUsers[i]);
}

static void describeClient(client *c, clientDescription *d) {
    if (c->user) d->user = c->user->name;
}

static const clientListener aclClientListener = {.describeClient = describeClient};

void aclInit(void) {
    numberCommands();
    users = dictCreate(&usersDictType);
    defaultUser = aclCreateUser("default", 7);
    const char *rules[] = {"+@all", "~*", "&*", "on", "nopass"};
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        aclSetUserRule(defaultUser, rules[i], strlen(rules[i]));
    nobodyUser = aclNewUser("nobody", 6); /* never registered, nothing allowed */
    syncDefaultUser();
    clientAddListener(&aclClientListener);
}

bstr *aclMergeSelectorArgs(bstr *argv, int argc, int *outc, int *bad) {
    bstr *out = xcalloc((size_t)argc + 1, sizeof(bstr));
    bstr open = NULL;
    int openAt = -1;
    *outc = 0;
    for (int j = 0; j < argc; j++) {
        size_t len = bstrLen(argv[j]);
        int closes = len && argv[j][len - 1] == ')';
        if (openAt == -1 && len && argv[j][0] == '(' && !closes) {
            open = bstrDup(argv[j]);
            openAt = j;
            continue;
        }
        if (openAt != -1) {
            open = bstrCat(open, " ");
            open = bstrCatLen(open, argv[j], len);
            if (closes) {
                out[(*outc)++] = open;
                open = NULL;
                openAt = -1;
            }
            continue;
        }
        out[(*outc)++] = bstrDup(argv[j]);
    }
    if (openAt != -1) {
        bstrFree(open);
        bstrFreeSplitRes(out, *outc);
        *bad = openAt;
        return NULL;
    }
    return out;
}

int aclSetUserRules(const char *name, size_t len, bstr *rules, int nrules, bstr *err) {
    if (hasSpaces(name, len)) {
        *err = bstrNew("Usernames can't contain spaces or null characters");
        return -1;
    }
    int merged, bad;
    bstr *args = aclMergeSelectorArgs(rules, nrules, &merged, &bad);
    if (!args) {
        *err = bstrCatPrintf(bstrEmpty(), "Unmatched parenthesis in acl selector starting at '%s'.",
                             rules[bad]);
        return -1;
    }
    aclUser *u = aclLookupUser(name, len);
    aclUser *temp = u ? aclCopyUser(u) : aclNewUser(name, len);
    int rc = 0;
    for (int j = 0; j < merged; j++) {
        if (aclSetUserRule(temp, args[j], bstrLen(args[j])) < 0) {
            *err = bstrCatPrintf(bstrEmpty(), "Error in ACL SETUSER modifier '%s': %s", args[j],
                                 aclRuleError(errno));
            rc = -1;
            break;
        }
    }
    if (rc == 0) {
        if (!u) u = aclCreateUser(name, len);
        aclAssignUser(u, temp);
    }
    aclFreeUser(temp);
    bstrFreeSplitRes(args, merged);
    return rc;
}

/* ------------------------------------------------------- description */

static bstr catKeyPattern(bstr s, const aclKeyPattern *kp) {
    if (kp->flags == ACL_KEY_ALL) s = bstrCat(s, "~");
    else if (kp->flags == ACL_KEY_READ) s = bstrCat(s, "%R~");
    else s = bstrCat(s, "%W~");
    return bstrCatLen(s, kp->pattern, bstrLen(kp->pattern));
}

bstr aclDescribeSelectorKeys(const aclSelector *s) {
    if (s->flags & ACL_SEL_ALLKEYS) return bstrNew("~*");
    bstr out = bstrEmpty();
    for (listNode *ln = listFirst(s->patterns); ln; ln = listNext(ln)) {
        if (ln != listFirst(s->patterns)) out = bstrCat(out, " ");
        out = catKeyPattern(out, listNodeValue(ln));
    }
    return out;
}

bstr aclDescribeSelectorChannels(const aclSelector *s) {
    if (s->flags & ACL_SEL_ALLCHANNELS) return bstrNew("&*");
    bstr out = bstrEmpty();
    for (listNode *ln = listFirst(s->channels); ln; ln = listNext(ln)) {
        if (ln != listFirst(s->channels)) out = bstrCat(out, " ");
        out = bstrCat(out, "&");
        out = bstrCat(out, listNodeValue(ln));
    }
    return out;
}

/* How many commands of a category (subcommands included) s allows and
 * denies. */
static void countCategory(const aclSelector *s, uint64_t flag, unsigned long *on,
                          unsigned long *off) {
    *on = *off = 0;
    for (int id = 0; id < commandIds; id++) {
        if (!(commandsById[id]->aclCategories & flag)) continue;
        if (getBit(s, id)) (*on)++;
        else (*off)++;
    }
}

/* The commands whose bit differs between s and the rules emitted so far
 * (fake), in table order, each container before its subcommands, then
 * the allowed first arguments of denied commands. */
static bstr describeSingleCommands(bstr rules, const aclSelector *s, aclSelector *fake,
                                   command *cmd) {
    int id = aclCommandId(cmd);
    int bit = getBit(s, id);
    if (bit != getBit(fake, id)) {
        rules = bstrCatPrintf(rules, "%c%s ", bit ? '+' : '-', cmd->fullname);
        changePerm(fake, cmd, bit);
    }
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++)
            rules = describeSingleCommands(rules, s, fake, sub);
    if (!bit && s->firstArgs && s->firstArgs[id])
        for (bstr *a = s->firstArgs[id]; *a; a++) rules = bstrCatPrintf(rules, "+%s|%s ", cmd->fullname, *a);
    return rules;
}

/* Redis 7.0's approximation: start from +@all (when the selector may run
 * future commands) or -@all, add (or remove) the categories that have more
 * commands in common with the selector than not, best fit first, then fix
 * the remaining differences command by command. */
bstr aclDescribeSelectorCommands(const aclSelector *s) {
    int additive = !s->future;
    bstr rules = bstrNew(additive ? "-@all " : "+@all ");
    aclSelector *fake = selectorCreate(0);
    setAllCommands(fake, !additive);
    aclSelector *temp = selectorCopy(s);
    char applied[sizeof(categoryNames) / sizeof(categoryNames[0])] = {0};
    for (;;) {
        int best = -1;
        unsigned long mindiff = (unsigned long)-1, maxsame = 0;
        for (int j = 0; categoryNames[j]; j++) {
            if (applied[j]) continue;
            unsigned long on, off;
            countCategory(temp, 1ULL << j, &on, &off);
            unsigned long diff = additive ? off : on, same = additive ? on : off;
            if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                best = j;
                mindiff = diff;
                maxsame = same;
            }
        }
        if (best == -1) break;
        changeCategory(fake, 1ULL << best, additive);
        changeCategory(temp, 1ULL << best, !additive);
        rules = bstrCatPrintf(rules, "%c@%s ", additive ? '+' : '-', categoryNames[best]);
        applied[best] = 1;
    }
    for (command *cmd = commandTable; cmd->name; cmd++)
        rules = describeSingleCommands(rules, s, fake, cmd);
    bstrRange(rules, 0, -2);
    selectorFree(fake);
    selectorFree(temp);
    return rules;
}

static bstr describeSelector(const aclSelector *s) {
    bstr out = aclDescribeSelectorKeys(s);
    if (bstrLen(out)) out = bstrCat(out, " ");
    if (!(s->flags & ACL_SEL_ALLCHANNELS)) out = bstrCat(out, "resetchannels ");
    bstr channels = aclDescribeSelectorChannels(s);
    if (bstrLen(channels)) out = bstrCatPrintf(out, "%s ", channels);
    bstrFree(channels);
    bstr rules = aclDescribeSelectorCommands(s);
    out = bstrCatLen(out, rules, bstrLen(rules));
    bstrFree(rules);
    return out;
}

bstr aclDescribeUser(const aclUser *u) {
    static const struct { int flag; const char *name; } flagNames[] = {
        {ACL_USER_ON, "on"}, {ACL_USER_OFF, "off"}, {ACL_USER_NOPASS, "nopass"},
        {ACL_USER_SKIP_SANITIZE, "skip-sanitize-payload"}, {ACL_USER_SANITIZE, "sanitize-payload"}};
    bstr out = bstrEmpty();
    for (size_t i = 0; i < sizeof(flagNames) / sizeof(flagNames[0]); i++)
        if (u->flags & flagNames[i].flag) out = bstrCatPrintf(out, "%s ", flagNames[i].name);
    for (listNode *ln = listFirst(u->passwords); ln; ln = listNext(ln))
        out = bstrCatPrintf(out, "#%s ", (char *)listNodeValue(ln));
    for (listNode *ln = listFirst(u->selectors); ln; ln = listNext(ln)) {
        bstr d = describeSelector(listNodeValue(ln));
        if (ln == listFirst(u->selectors)) out = bstrCatLen(out, d, bstrLen(d));
        else out = bstrCatPrintf(out, " (%s)", d);
        bstrFree(d);
    }
    return out;
}
