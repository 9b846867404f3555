/* server/config.c -- the configuration table and its loaders.  See config.h.
 *
 * Each parameter is one configDef.  Plain types (bool, enum, integers,
 * memory sizes, strings) are set and printed generically from their field;
 * the few with structure (bind, client-output-buffer-limit, dir,
 * unixsocketperm) have their own set/get functions.  An `apply` hook runs
 * after a runtime change (CONFIG SET) to make it take effect, and CONFIG SET
 * of several parameters is all or nothing: on any failure the previous
 * values are put back and re-applied.
 *
 * The Redis 7.0 directives redis-kv does not implement are in a second
 * table, config_compat.c; every lookup and listing goes through one index
 * of both (configIndexBuild), which also knows Redis's aliases and hidden
 * parameters.  An entry with a `.feature` accepts only its default
 * (configSetOne). */
#include "server/config.h"
#include "acl/acl.h"
#include "client/client.h"
#include "cmd/latency.h"
#include "db/db.h"
#include "db/evict.h"
#include "db/persist.h"
#include "lib/alloc.h"
#include "lib/glob.h"
#include "lib/numfmt.h"
#include "net/tls.h"
#include "server/server.h"
#include "store/coll_stream.h"
#include "store/store.h"
#include "store/verify.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include "pubsub/notify.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const configEnum logLevelEnum[] = {
    {"debug", LL_DEBUG}, {"verbose", LL_VERBOSE}, {"notice", LL_NOTICE},
    {"warning", LL_WARNING}, {NULL, 0}};

static const configEnum appendfsyncEnum[] = {
    {"always", STORE_FSYNC_ALWAYS}, {"everysec", STORE_FSYNC_EVERYSEC},
    {"no", STORE_FSYNC_NO}, {NULL, 0}};

static const configEnum maxmemoryPolicyEnum[] = {
    {"volatile-lru", EVICT_VOLATILE_LRU}, {"volatile-lfu", EVICT_VOLATILE_LFU},
    {"volatile-random", EVICT_VOLATILE_RANDOM}, {"volatile-ttl", EVICT_VOLATILE_TTL},
    {"allkeys-lru", EVICT_ALLKEYS_LRU}, {"allkeys-lfu", EVICT_ALLKEYS_LFU},
    {"allkeys-random", EVICT_ALLKEYS_RANDOM}, {"noeviction", EVICT_NOEVICTION}, {NULL, 0}};
static const configEnum tlsAuthClientsEnum[] = {
    {"no", TLS_AUTH_CLIENTS_NO}, {"yes", TLS_AUTH_CLIENTS_YES},
    {"optional", TLS_AUTH_CLIENTS_OPTIONAL}, {NULL, 0}};

static const configEnum protectedActionEnum[] = {
    {"no", PROTECTED_ACTION_NO}, {"yes", PROTECTED_ACTION_YES},
    {"local", PROTECTED_ACTION_LOCAL}, {NULL, 0}};

/* ----------------------------------------------------- special setters */

static int parseBindArgs(bstr *argv, int argc, char **out, int *outCount, char *err,
                         size_t errlen) {
    if (argc > CONFIG_BINDADDR_MAX) {
        snprintf(err, errlen, "Too many bind addresses specified.");
        return -1;
    }
    /* "bind" alone, or "bind ''", means no TCP listeners at all. */
    if (argc == 1 && bstrLen(argv[0]) == 0) argc = 0;
    for (int i = 0; i < argc; i++) out[i] = xstrdup(argv[i]);
    *outCount = argc;
    return 0;
}

static void freeBindArray(char **addrs, int count) {
    for (int i = 0; i < count; i++) xfree(addrs[i]);
}

static int setBind(const configDef *def, bstr *argv, int argc, char *err, size_t errlen) {
    (void)def;
    char *addrs[CONFIG_BINDADDR_MAX];
    int count;
    /* One argument holding a list ("127.0.0.1 -::1"), as CONFIG SET and a
     * quoted --bind give it, is split like a config line. */
    if (argc == 1 && strchr(argv[0], ' ')) {
        int n;
        bstr *parts = bstrSplitArgs(argv[0], &n);
        if (!parts) {
            snprintf(err, errlen, "unbalanced quotes");
            return -1;
        }
        int rc = setBind(def, parts, n, err, errlen);
        bstrFreeSplitRes(parts, n);
        return rc;
    }
    if (parseBindArgs(argv, argc, addrs, &count, err, errlen) < 0) return -1;
    int same = count == server.bindaddrCount;
    for (int i = 0; same && i < count; i++) same = strcmp(addrs[i], server.bindaddr[i]) == 0;
    if (same) {
        freeBindArray(addrs, count);
        return 0;
    }
    if (server.el) {
        /* Running: rebind first, keep the old addresses if that fails. */
        if (changeBindAddr(addrs, count, err, errlen) < 0) {
            freeBindArray(addrs, count);
            return -1;
        }
    }
    freeBindArray(server.bindaddr, server.bindaddrCount);
    memcpy(server.bindaddr, addrs, sizeof(char *) * (size_t)count);
    server.bindaddrCount = count;
    return 0;
}

static bstr getBind(const configDef *def) {
    (void)def;
    bstr s = bstrEmpty();
    for (int i = 0; i < server.bindaddrCount; i++) {
        if (i) s = bstrCatLen(s, " ", 1);
        s = bstrCat(s, server.bindaddr[i]);
    }
    return s;
}

static int parseClassName(const char *name) {
    if (!strcasecmp(name, "normal")) return CLIENT_CLASS_NORMAL;
    if (!strcasecmp(name, "slave") || !strcasecmp(name, "replica"))
        return CLIENT_CLASS_REPLICA;
    if (!strcasecmp(name, "pubsub")) return CLIENT_CLASS_PUBSUB;
    return -1;
}

/* "client-output-buffer-limit <class> <hard> <soft> <seconds> [...]",
 * validated entirely before anything changes. */
static int setObufLimits(const configDef *def, bstr *argv, int argc, char *err,
                         size_t errlen) {
    (void)def;
    if (argc == 1 && bstrLen(argv[0]) == 0) return 0; /* as Redis: nothing to change */
    if (argc == 1) {
        int n;
        bstr *parts = bstrSplitArgs(argv[0], &n);
        if (!parts) {
            snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
            return -1;
        }
        int rc = n > 1 ? setObufLimits(def, parts, n, err, errlen) : -2;
        bstrFreeSplitRes(parts, n);
        if (rc != -2) return rc;
    }
    if (argc % 4 != 0 || argc == 0) {
        snprintf(err, errlen, "Wrong number of arguments in buffer limit configuration.");
        return -1;
    }
    clientBufferLimit limits[CLIENT_CLASS_COUNT];
    memcpy(limits, server.clientObufLimits, sizeof(limits));
    for (int i = 0; i < argc; i += 4) {
        int cls = parseClassName(argv[i]);
        if (cls == -1) {
            snprintf(err, errlen, "Invalid client class specified in buffer limit configuration.");
            return -1;
        }
        int e1 = 0, e2 = 0;
        unsigned long long hard = numParseMemory(argv[i + 1], &e1);
        unsigned long long soft = numParseMemory(argv[i + 2], &e2);
        long long secs;
        if (e1 || e2 || !numParseLongLong(argv[i + 3], bstrLen(argv[i + 3]), &secs) ||
            secs < 0) {
            snprintf(err, errlen, "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            return -1;
        }
        limits[cls].hardBytes = hard;
        limits[cls].softBytes = soft;
        limits[cls].softSeconds = secs;
    }
    memcpy(server.clientObufLimits, limits, sizeof(limits));
    return 0;
}

static bstr getObufLimits(const configDef *def) {
    (void)def;
    static const char *names[CLIENT_CLASS_COUNT] = {"normal", "slave", "pubsub"};
    bstr s = bstrEmpty();
    for (int i = 0; i < CLIENT_CLASS_COUNT; i++) {
        clientBufferLimit *l = &server.clientObufLimits[i];
        s = bstrCatPrintf(s, "%s%s %llu %llu %lld", i ? " " : "", names[i], l->hardBytes,
                          l->softBytes, l->softSeconds);
    }
    return s;
}

/* "maxmemory-clients": bytes (with a unit) or "N%" of maxmemory, stored as
 * -N, parsed the way Redis 7.0 parses its percent configs (including how
 * an oversized number wraps). */
static int setMemoryOrPercent(const configDef *def, bstr *argv, int argc, char *err,
                              size_t errlen) {
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    const char *v = argv[0];
    size_t len = bstrLen(argv[0]);
    long long ll;
    if (len > 1 && v[len - 1] == '%' && numParseLongLong(v, len - 1, &ll) && ll >= 0) {
        ll = -ll;
    } else {
        int bad = 0;
        unsigned long long u = numParseMemory(v, &bad);
        if (bad && len && strspn(v, "0123456789") == len) {
            bad = 0;
            u = ULLONG_MAX;
        }
        if (bad) {
            snprintf(err, errlen, "argument must be a memory or percent value");
            return -1;
        }
        ll = (long long)u;
    }
    if (ll < -100) {
        snprintf(err, errlen, "percentage argument must be less or equal to 100");
        return -1;
    }
    *(long long *)def->field = ll;
    return 0;
}

static bstr getMemoryOrPercent(const configDef *def) {
    long long v = *(long long *)def->field;
    if (v < 0) return bstrCatPrintf(bstrEmpty(), "%lld%%", -v);
    return bstrCatPrintf(bstrEmpty(), "%lld", v);
}

static int setDir(const configDef *def, bstr *argv, int argc, char *err, size_t errlen) {
    (void)def;
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    if (chdir(argv[0]) == -1) {
        snprintf(err, errlen, "No such file or directory");
        if (errno != ENOENT) snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    xfree(server.dir);
    server.dir = xstrdup(argv[0]);
    return 0;
}

static bstr getDir(const configDef *def) {
    (void)def;
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof(buf))) return bstrNew(server.dir ? server.dir : "");
    return bstrNew(buf);
}

static int setOctal(const configDef *def, bstr *argv, int argc, char *err, size_t errlen) {
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(argv[0], &end, 8);
    if (errno || *end || bstrLen(argv[0]) == 0 || v > 0777) {
        snprintf(err, errlen, "Invalid socket file permissions");
        return -1;
    }
    *(unsigned int *)def->field = (unsigned int)v;
    return 0;
}

/* `save`: Redis's RDB save points, "seconds changes" pairs: a snapshot
 * (a backup, db/persist.c) is taken when at least 'changes' writes
 * happened and 'seconds' passed since the last one.  As in Redis, lines of
 * a config file add up, and "" clears them. */
static int setSavePoints(const configDef *def, bstr *argv, int argc, char *err,
                         size_t errlen) {
    (void)def;
    if (argc == 1 && bstrLen(argv[0]) == 0) {
        xfree(persistSettings.savePoints);
        persistSettings.savePoints = xstrdup("");
        return 0;
    }
    /* One argument holding them all ("3600 1 300 100") is split on single
     * spaces, as Redis splits multi-value configs. */
    int n = argc;
    bstr *parts = argv;
    if (argc == 1) parts = bstrSplitLen(argv[0], bstrLen(argv[0]), " ", 1, &n);
    int ok = n > 0 && n % 2 == 0;
    bstr points = bstrEmpty();
    for (int i = 0; ok && i < n; i++) {
        /* strtoll, as Redis reads them ("+5" too); seconds >= 1, changes >= 0 */
        char *end;
        errno = 0;
        long long v = strtoll(parts[i], &end, 10);
        if (bstrLen(parts[i]) == 0 || *end != '\0' || errno || v < (i % 2 == 0 ? 1 : 0))
            ok = 0;
        else
            points = bstrCatPrintf(points, "%s%lld", i ? " " : "", v);
    }
    if (parts != argv) bstrFreeSplitRes(parts, n);
    if (!ok) {
        bstrFree(points);
        snprintf(err, errlen, "Invalid save parameters");
        return -1;
    }
    int appending = !server.store && persistSettings.savePoints && persistSettings.savePoints[0];
    bstr all = appending ? bstrCatPrintf(bstrEmpty(), "%s %s", persistSettings.savePoints, points)
                         : bstrCatPrintf(bstrEmpty(), "%s", points);
    xfree(persistSettings.savePoints);
    persistSettings.savePoints = xstrdup(all);
    bstrFree(all);
    bstrFree(points);
    return 0;
}

static bstr getSavePoints(const configDef *def) {
    (void)def;
    return bstrNew(persistSettings.savePoints ? persistSettings.savePoints : "");
}

/* `appendonly`: redis-kv always keeps its append-only log, so it is always
 * "yes"; "no" (the redis.conf default) is accepted with a warning so that
 * existing config files load. */
static int setAppendonly(const configDef *def, bstr *argv, int argc, char *err,
                         size_t errlen) {
    (void)def;
    if (argc != 1 || (strcasecmp(argv[0], "yes") && strcasecmp(argv[0], "no"))) {
        snprintf(err, errlen, "argument must be 'yes' or 'no'");
        return -1;
    }
    if (!strcasecmp(argv[0], "no"))
        serverLog(LL_WARNING, "appendonly no ignored: redis-kv always persists every write "
                              "to its log");
    return 0;
}

static bstr getAppendonly(const configDef *def) {
    (void)def;
    return bstrNew("yes");
}

static bstr getOctal(const configDef *def) {
    return bstrCatPrintf(bstrEmpty(), "%o", *(unsigned int *)def->field);
}

/* `notify-keyspace-events`: Redis's class letters, printed back in
 * Redis's canonical form (keyspaceEventsFlagsToString). */
static int setNotifyKeyspaceEvents(const configDef *def, bstr *argv, int argc, char *err,
                                   size_t errlen) {
    (void)def;
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    int flags = notifyStringToFlags(argv[0]);
    if (flags == -1) {
        snprintf(err, errlen, "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
        return -1;
    }
    server.notifyKeyspaceEvents = flags;
    return 0;
}

static bstr getNotifyKeyspaceEvents(const configDef *def) {
    (void)def;
    return notifyFlagsToString(server.notifyKeyspaceEvents);
}

/* `changefeed-events`: notify-keyspace-events' class letters, of which K,
 * E and m mean nothing to the feed (refused, so a typo is not silent). */
static int setChangefeedEvents(const configDef *def, bstr *argv, int argc, char *err,
                               size_t errlen) {
    (void)def;
    int flags = argc == 1 ? notifyStringToFlags(argv[0]) : -1;
    if (flags == -1 || (flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT | NOTIFY_KEY_MISS))) {
        snprintf(err, errlen, "Invalid event class character. Use 'Ag$lshzxetdn'.");
        return -1;
    }
    server.changefeedEvents = flags;
    return 0;
}

static bstr getChangefeedEvents(const configDef *def) {
    (void)def;
    bstr s = notifyFlagsToString(server.changefeedEvents);
    /* notify-keyspace-events' "A" hides n, as Redis prints it; here it may not */
    int all = (server.changefeedEvents & NOTIFY_ALL) == NOTIFY_ALL;
    if (all && (server.changefeedEvents & NOTIFY_NEW)) s = bstrCatLen(s, "n", 1);
    return s;
}

/* `latency-tracking-info-percentiles`: parsed and kept by cmd/latency.c,
 * which prints them in INFO latencystats. */
static int setLatencyPercentiles(const configDef *def, bstr *argv, int argc, char *err,
                                 size_t errlen) {
    (void)def;
    return latencySetPercentiles(argv, argc, err, errlen);
}

static bstr getLatencyPercentiles(const configDef *def) {
    (void)def;
    return latencyGetPercentiles();
}

/* ------------------------------------------------------- apply hooks */

static int applyPort(char *err, size_t errlen) {
    return changeListenPort(server.port, err, errlen);
}

static int applyTlsPort(char *err, size_t errlen) {
    return changeTlsPort(tlsServerSettings.port, err, errlen);
}

/* A tls-* setting changed: with the TLS port open, a new context is built
 * and used for the next handshakes; if it cannot be, the old one stays and
 * CONFIG SET fails with Redis's text (the reason goes to the log). */
static int applyTlsSettings(char *err, size_t errlen) {
    if (!tlsServerSettings.port) return 0;
    char why[CONFIG_ERR_LEN];
    if (tlsConfigure(why, sizeof(why)) == 0) return 0;
    serverLog(LL_WARNING, "%s", why);
    snprintf(err, errlen, "Unable to update TLS configuration. Check server logs.");
    return -1;
}

static int applyMaxclients(char *err, size_t errlen) {
    return adjustOpenFilesLimit(server.maxclients, err, errlen);
}

static uint32_t clampU32(long long v) { return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v; }

void configCollLimits(collLimits *lim) {
    lim->maxPackedEntries = clampU32(server.hashMaxListpackEntries);
    lim->maxPackedValue = clampU32(server.hashMaxListpackValue);
    lim->maxIntsetEntries = clampU32(server.setMaxIntsetEntries);
    lim->maxZsetPackedEntries = clampU32(server.zsetMaxListpackEntries);
    lim->maxZsetPackedValue = clampU32(server.zsetMaxListpackValue);
}

static int applyStoreSettings(char *err, size_t errlen) {
    (void)err; (void)errlen;
    if (server.store) {
        storeSetFsyncPolicy(server.store, server.appendfsync);
        storeSetSegmentSize(server.store, (uint64_t)server.segmentSize);
        storeSetCompaction(server.store, server.compactGarbagePercent,
                           (uint64_t)server.compactMinSize);
        collLimits lim;
        configCollLimits(&lim);
        storeSetCollLimits(server.store, &lim);
    }
    return 0;
}

/* A lower maxmemory-clients evicts at once, not at the next command. */
/* stream-node-max-entries / -bytes: the stream index reads them at every
 * append (store/coll_stream.h, "Nodes"). */
void configStreamNodeLimits(void) {
    collStreamSetNodeLimits(clampU32(server.streamNodeMaxEntries),
                            clampU32(server.streamNodeMaxBytes));
}

static int applyStreamNodeLimits(char *err, size_t errlen) {
    (void)err; (void)errlen;
    configStreamNodeLimits();
    return 0;
}

static int applyMaxmemoryClients(char *err, size_t errlen) {
    (void)err; (void)errlen;
    clientsEvictIfNeeded();
    return 0;
}

/* requirepass is the default user's password, as Redis maps it: set, the
 * default user has that one password; empty, it is nopass.  Passwords are
 * binary (Redis's "AUTH ... binary password" tests), so the value is kept
 * as a bstr, not a C string the config engine would cut at a NUL. */
static int applyRequirepass(char *err, size_t errlen) {
    (void)err;
    (void)errlen;
    aclSetDefaultPassword(server.requirepass, server.requirepass ? bstrLen(server.requirepass) : 0);
    return 0;
}

static int setRequirepass(const configDef *def, bstr *argv, int argc, char *err, size_t errlen) {
    (void)def;
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    bstrFree(server.requirepass);
    server.requirepass = bstrNewLen(argv[0], bstrLen(argv[0]));
    return 0;
}

static bstr getRequirepass(const configDef *def) {
    (void)def;
    return server.requirepass ? bstrNewLen(server.requirepass, bstrLen(server.requirepass))
                              : bstrEmpty();
}

static const configEnum aclPubsubDefaultEnum[] = {
    {"allchannels", ACL_SEL_ALLCHANNELS}, {"resetchannels", 0}, {NULL, 0}};

/* maxmemory: a limit below the memory in use evicts at once (or, under
 * noeviction, refuses writes from now on), with Redis's warning. */
static int applyMaxmemory(char *err, size_t errlen) {
    (void)err; (void)errlen;
    size_t used = allocUsedMemory();
    if (evictSettings.maxmemory > 0 && (size_t)evictSettings.maxmemory < used)
        serverLog(LL_WARNING,
                  "WARNING: the new maxmemory value set via CONFIG SET (%llu) is smaller than "
                  "the current memory usage (%zu). This will result in key eviction and/or the "
                  "inability to accept new write commands depending on the maxmemory-policy.",
                  (unsigned long long)evictSettings.maxmemory, used);
    if (server.el) evictPerform();
    return 0;
}

/* maxdisk (db/evict.h): measured at once, so the next command sees it. */
static int applyMaxdisk(char *err, size_t errlen) {
    (void)err; (void)errlen;
    if (server.el && evictSettings.maxdisk > 0) evictDiskMeasure();
    return 0;
}

static int applyMaxmemoryPolicy(char *err, size_t errlen) {
    (void)err; (void)errlen;
    evictPolicyChanged();
    return 0;
}

static int applyHz(char *err, size_t errlen) {
    (void)err; (void)errlen;
    if (server.configHz < 1) server.configHz = 1;
    if (server.configHz > 500) server.configHz = 500;
    server.hz = server.configHz;
    return 0;
}

/* ------------------------------------------------------------- table */

/* Designated initializers, so that an entry may add `.alias` or
 * `.feature` after the macro. */
#define BOOLCFG(n, f, d, fl, ap) {.name = n, .type = CFG_BOOL, .flags = fl, .field = &(f), \
    .max = 1, .defaultValue = d, .apply = ap}
#define INTCFG(n, f, lo, hi, d, fl, ap) {.name = n, .type = CFG_INT, .flags = fl, \
    .field = &(f), .min = lo, .max = hi, .defaultValue = d, .apply = ap}
#define UINTCFG(n, f, lo, hi, d, fl, ap) {.name = n, .type = CFG_UINT, .flags = fl, \
    .field = &(f), .min = lo, .max = hi, .defaultValue = d, .apply = ap}
#define LLCFG(n, f, lo, hi, d, fl) {.name = n, .type = CFG_LONGLONG, .flags = fl, \
    .field = &(f), .min = lo, .max = hi, .defaultValue = d}
#define MEMCFG(n, f, lo, hi, d, fl) {.name = n, .type = CFG_MEMORY, .flags = fl, \
    .field = &(f), .min = lo, .max = hi, .defaultValue = d}
#define STRCFG(n, f, d, fl) {.name = n, .type = CFG_STRING, .flags = fl, .field = &(f), \
    .defaultValue = d}
#define ENUMCFG(n, f, e, d, fl) {.name = n, .type = CFG_ENUM, .flags = fl, .field = &(f), \
    .defaultValue = d, .enums = e}
#define TLSSTR(n, f) {.name = n, .type = CFG_STRING, .flags = CFG_MODIFIABLE | CFG_EMPTY_IS_NULL, \
    .field = &(f), .defaultValue = "", .apply = applyTlsSettings}
#define SPECIALCFG(n, f, d, fl, set, get) {.name = n, .type = CFG_SPECIAL, .flags = fl, \
    .field = f, .defaultValue = d, .setSpecial = set, .getSpecial = get}

static const configDef configTable[] = {
    SPECIALCFG("bind", NULL, "* -::*", CFG_MODIFIABLE, setBind, getBind),
    BOOLCFG("protected-mode", server.protectedMode, "yes", CFG_MODIFIABLE, NULL),
    INTCFG("port", server.port, 0, 65535, "6379", CFG_MODIFIABLE, applyPort),
    INTCFG("tcp-backlog", server.tcpBacklog, 0, INT_MAX, "511", CFG_IMMUTABLE, NULL),
    STRCFG("unixsocket", server.unixsocket, "", CFG_IMMUTABLE | CFG_EMPTY_IS_NULL),
    SPECIALCFG("unixsocketperm", &server.unixsocketperm, "0", CFG_IMMUTABLE, setOctal, getOctal),
    INTCFG("timeout", server.maxidletime, 0, INT_MAX, "0", CFG_MODIFIABLE, NULL),
    INTCFG("tcp-keepalive", server.tcpKeepalive, 0, INT_MAX, "300", CFG_MODIFIABLE, NULL),
    BOOLCFG("daemonize", server.daemonize, "no", CFG_IMMUTABLE, NULL),
    STRCFG("pidfile", server.pidfile, "", CFG_IMMUTABLE | CFG_EMPTY_IS_NULL),
    ENUMCFG("loglevel", logSettings.verbosity, logLevelEnum, "notice", CFG_MODIFIABLE),
    STRCFG("logfile", logSettings.file, "", CFG_IMMUTABLE),
    INTCFG("databases", server.dbnum, 1, INT_MAX, "16", CFG_IMMUTABLE, NULL),
    {.name = "requirepass", .type = CFG_SPECIAL, .flags = CFG_MODIFIABLE, .defaultValue = "",
     .setSpecial = setRequirepass, .getSpecial = getRequirepass, .apply = applyRequirepass},
    STRCFG("aclfile", aclFilename, "", CFG_IMMUTABLE),
    LLCFG("acllog-max-len", aclLogMaxLen, 0, LONG_MAX, "128", CFG_MODIFIABLE),
    ENUMCFG("acl-pubsub-default", aclPubsubDefault, aclPubsubDefaultEnum, "resetchannels",
            CFG_MODIFIABLE),
    UINTCFG("maxclients", server.maxclients, 1, UINT_MAX, "10000", CFG_MODIFIABLE, applyMaxclients),
    INTCFG("hz", server.configHz, 0, INT_MAX, "10", CFG_MODIFIABLE, applyHz),
    MEMCFG("proto-max-bulk-len", server.protoMaxBulkLen, 1024 * 1024, LLONG_MAX, "512mb", CFG_MODIFIABLE),
    MEMCFG("client-query-buffer-limit", server.clientMaxQuerybufLen, 1024 * 1024, LLONG_MAX, "1gb",
           CFG_MODIFIABLE),
    SPECIALCFG("client-output-buffer-limit", NULL,
               "normal 1gb 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60", CFG_MODIFIABLE,
               setObufLimits, getObufLimits),
    {.name = "maxmemory-clients", .type = CFG_SPECIAL, .flags = CFG_MODIFIABLE,
     .field = &server.maxmemoryClients, .defaultValue = "0", .apply = applyMaxmemoryClients,
     .setSpecial = setMemoryOrPercent, .getSpecial = getMemoryOrPercent},
    LLCFG("slowlog-log-slower-than", server.slowlogLogSlowerThan, -1, LLONG_MAX, "10000",
          CFG_MODIFIABLE),
    LLCFG("slowlog-max-len", server.slowlogMaxLen, 0, LONG_MAX, "128", CFG_MODIFIABLE),
    {.name = "busy-reply-threshold", .type = CFG_LONGLONG, .flags = CFG_MODIFIABLE,
     .field = &server.busyReplyThreshold, .max = LONG_MAX, .defaultValue = "5000",
     .alias = "lua-time-limit"},
    MEMCFG("hll-sparse-max-bytes", server.hllSparseMaxBytes, 0, LONG_MAX, "3000", CFG_MODIFIABLE),
    LLCFG("latency-monitor-threshold", server.latencyMonitorThreshold, 0, LLONG_MAX, "0",
          CFG_MODIFIABLE),
    BOOLCFG("latency-tracking", server.latencyTracking, "yes", CFG_MODIFIABLE, NULL),
    SPECIALCFG("latency-tracking-info-percentiles", NULL, "50 99 99.9", CFG_MODIFIABLE,
               setLatencyPercentiles, getLatencyPercentiles),
    ENUMCFG("enable-debug-command", server.enableDebugCmd, protectedActionEnum, "no", CFG_IMMUTABLE),
    ENUMCFG("enable-protected-configs", server.enableProtectedConfigs, protectedActionEnum, "no",
            CFG_IMMUTABLE),
    SPECIALCFG("dir", NULL, "", CFG_PROTECTED, setDir, getDir),
    {.name = "appendfsync", .type = CFG_ENUM, .field = &server.appendfsync,
     .defaultValue = "everysec", .enums = appendfsyncEnum, .apply = applyStoreSettings},
    {.name = "segment-size", .type = CFG_MEMORY, .field = &server.segmentSize, .min = 1024,
     .max = 4294967295LL, .defaultValue = "256mb", .apply = applyStoreSettings},
    INTCFG("compact-garbage-percent", server.compactGarbagePercent, 0, 100, "50", CFG_MODIFIABLE,
           applyStoreSettings),
    {.name = "compact-min-size", .type = CFG_MEMORY, .field = &server.compactMinSize,
     .max = LLONG_MAX, .defaultValue = "64mb", .apply = applyStoreSettings},
    INTCFG("cold-read-threads", server.coldReadThreads, 0, 256, "16", CFG_IMMUTABLE, NULL),
    MEMCFG("verify-bytes-per-sec", verifySettings.bytesPerSec, 0, LLONG_MAX, "32mb",
           CFG_MODIFIABLE),
    {.name = "hash-max-listpack-entries", .type = CFG_LONGLONG, .flags = CFG_MODIFIABLE,
     .field = &server.hashMaxListpackEntries, .max = LONG_MAX, .defaultValue = "512",
     .apply = applyStoreSettings, .alias = "hash-max-ziplist-entries"},
    {.name = "hash-max-listpack-value", .type = CFG_MEMORY, .flags = CFG_MODIFIABLE,
     .field = &server.hashMaxListpackValue, .max = LONG_MAX, .defaultValue = "64",
     .apply = applyStoreSettings, .alias = "hash-max-ziplist-value"},
    {.name = "set-max-intset-entries", .type = CFG_LONGLONG, .flags = CFG_MODIFIABLE,
     .field = &server.setMaxIntsetEntries, .max = LONG_MAX, .defaultValue = "512",
     .apply = applyStoreSettings},
    {.name = "zset-max-listpack-entries", .type = CFG_LONGLONG, .flags = CFG_MODIFIABLE,
     .field = &server.zsetMaxListpackEntries, .max = LONG_MAX, .defaultValue = "128",
     .apply = applyStoreSettings, .alias = "zset-max-ziplist-entries"},
    {.name = "zset-max-listpack-value", .type = CFG_MEMORY, .flags = CFG_MODIFIABLE,
     .field = &server.zsetMaxListpackValue, .max = LONG_MAX, .defaultValue = "64",
     .apply = applyStoreSettings, .alias = "zset-max-ziplist-value"},
    {.name = "stream-node-max-bytes", .type = CFG_MEMORY, .flags = CFG_MODIFIABLE,
     .field = &server.streamNodeMaxBytes, .max = LONG_MAX, .defaultValue = "4096",
     .apply = applyStreamNodeLimits},
    {.name = "stream-node-max-entries", .type = CFG_LONGLONG, .flags = CFG_MODIFIABLE,
     .field = &server.streamNodeMaxEntries, .max = LONG_MAX, .defaultValue = "100",
     .apply = applyStreamNodeLimits},
    {.name = "list-max-listpack-size", .type = CFG_INT, .flags = CFG_MODIFIABLE,
     .field = &server.listMaxListpackSize, .min = INT_MIN, .max = INT_MAX, .defaultValue = "-2",
     .alias = "list-max-ziplist-size"},
    INTCFG("list-compress-depth", server.listCompressDepth, 0, INT_MAX, "0", CFG_MODIFIABLE, NULL),
    BOOLCFG("rdbcompression", server.rdbcompression, "yes", CFG_MODIFIABLE, NULL),
    /* maxmemory and eviction (db/evict.h), read before each command. */
    {.name = "maxmemory", .type = CFG_MEMORY, .flags = CFG_MODIFIABLE,
     .field = &evictSettings.maxmemory, .max = LLONG_MAX, .defaultValue = "0",
     .apply = applyMaxmemory},
    {.name = "maxdisk", .type = CFG_MEMORY, .flags = CFG_MODIFIABLE,
     .field = &evictSettings.maxdisk, .max = LLONG_MAX, .defaultValue = "0",
     .apply = applyMaxdisk},
    {.name = "maxmemory-policy", .type = CFG_ENUM, .flags = CFG_MODIFIABLE,
     .field = &evictSettings.policy, .defaultValue = "noeviction", .enums = maxmemoryPolicyEnum,
     .apply = applyMaxmemoryPolicy},
    INTCFG("maxmemory-samples", evictSettings.samples, 1, INT_MAX, "5", CFG_MODIFIABLE, NULL),
    INTCFG("maxmemory-eviction-tenacity", evictSettings.tenacity, 0, 100, "10", CFG_MODIFIABLE,
           NULL),
    INTCFG("lfu-log-factor", evictSettings.lfuLogFactor, 0, INT_MAX, "10", CFG_MODIFIABLE, NULL),
    INTCFG("lfu-decay-time", evictSettings.lfuDecayTime, 0, INT_MAX, "1", CFG_MODIFIABLE, NULL),
    /* Lazy freeing (db.h, lazyfreeSettings): read at each delete. */
    BOOLCFG("lazyfree-lazy-eviction", lazyfreeSettings.lazyEviction, "no", CFG_MODIFIABLE, NULL),
    BOOLCFG("lazyfree-lazy-expire", lazyfreeSettings.lazyExpire, "no", CFG_MODIFIABLE, NULL),
    BOOLCFG("lazyfree-lazy-server-del", lazyfreeSettings.lazyServerDel, "no", CFG_MODIFIABLE,
            NULL),
    BOOLCFG("lazyfree-lazy-user-del", lazyfreeSettings.lazyUserDel, "no", CFG_MODIFIABLE, NULL),
    BOOLCFG("lazyfree-lazy-user-flush", lazyfreeSettings.lazyUserFlush, "no", CFG_MODIFIABLE,
            NULL),
    SPECIALCFG("appendonly", NULL, "yes", CFG_MODIFIABLE, setAppendonly, getAppendonly),
    SPECIALCFG("save", NULL, "", CFG_MODIFIABLE, setSavePoints, getSavePoints),
    STRCFG("backup-dir", persistSettings.backupDir, "backups", CFG_MODIFIABLE),
    INTCFG("backup-keep", persistSettings.backupKeep, 0, INT_MAX, "3", CFG_MODIFIABLE, NULL),
    LLCFG("rdb-key-save-delay", persistSettings.rdbKeySaveDelay, INT_MIN, INT_MAX, "0", CFG_HIDDEN),
    SPECIALCFG("notify-keyspace-events", NULL, "", CFG_MODIFIABLE, setNotifyKeyspaceEvents,
               getNotifyKeyspaceEvents),
    /* TLS (net/tls.c): the port and the server context's settings;
     * tls-auth-clients is read at each accept. */
    INTCFG("tls-port", tlsServerSettings.port, 0, 65535, "0", CFG_MODIFIABLE, applyTlsPort),
    TLSSTR("tls-cert-file", tlsServerSettings.certFile),
    TLSSTR("tls-key-file", tlsServerSettings.keyFile),
    TLSSTR("tls-key-file-pass", tlsServerSettings.keyFilePass),
    TLSSTR("tls-ca-cert-file", tlsServerSettings.caCertFile),
    TLSSTR("tls-ca-cert-dir", tlsServerSettings.caCertDir),
    TLSSTR("tls-dh-params-file", tlsServerSettings.dhParamsFile),
    TLSSTR("tls-protocols", tlsServerSettings.protocols),
    TLSSTR("tls-ciphers", tlsServerSettings.ciphers),
    TLSSTR("tls-ciphersuites", tlsServerSettings.ciphersuites),
    ENUMCFG("tls-auth-clients", tlsServerSettings.authClients, tlsAuthClientsEnum, "yes",
            CFG_MODIFIABLE),
    BOOLCFG("tls-prefer-server-ciphers", tlsServerSettings.preferServerCiphers, "no",
            CFG_MODIFIABLE, applyTlsSettings),
    BOOLCFG("tls-session-caching", tlsServerSettings.sessionCaching, "yes", CFG_MODIFIABLE,
            applyTlsSettings),
    INTCFG("tls-session-cache-size", tlsServerSettings.sessionCacheSize, 0, INT_MAX, "20480",
           CFG_MODIFIABLE, applyTlsSettings),
    INTCFG("tls-session-cache-timeout", tlsServerSettings.sessionCacheTimeout, 0, INT_MAX,
           "300", CFG_MODIFIABLE, applyTlsSettings),
    /* The change feed (cmd/changefeed.c), read at each change. */
    {.name = "changefeed-key", .type = CFG_STRING, .flags = CFG_MODIFIABLE | CFG_EMPTY_IS_NULL,
     .field = &server.changefeedKey, .defaultValue = ""},
    INTCFG("changefeed-db", server.changefeedDb, 0, INT_MAX, "0", CFG_MODIFIABLE, NULL),
    SPECIALCFG("changefeed-events", NULL, "A", CFG_MODIFIABLE, setChangefeedEvents,
               getChangefeedEvents),
    {.name = "changefeed-keys", .type = CFG_STRING, .flags = CFG_MODIFIABLE | CFG_EMPTY_IS_NULL,
     .field = &server.changefeedKeys, .defaultValue = "*"},
    LLCFG("changefeed-maxlen", server.changefeedMaxlen, 0, LLONG_MAX, "0", CFG_MODIFIABLE),
    /* Client-side caching: pubsub/tracking.c bounds its table from beforeSleep. */
    LLCFG("tracking-table-max-keys", server.trackingTableMaxKeys, 0, LONG_MAX, "1000000",
          CFG_MODIFIABLE),
    {.name = NULL},
};

/* ------------------------------------------------------------- index */

/* Every parameter of both tables, config.c's first, then config_compat.c's.
 * Built on first use.  A name (or alias) defined twice -- say a placeholder
 * left in config_compat.c after the real entry was merged -- is a
 * programming error and stops the process. */
static const configDef **allDefs;
static int allCount;

static int nameIs(const char *defName, const char *name, size_t len) {
    return defName && strlen(defName) == len && strncasecmp(defName, name, len) == 0;
}

static void configIndexBuild(void) {
    if (allDefs) return;
    const configDef *tables[] = {configTable, configCompatTable};
    int n = 0;
    for (int t = 0; t < 2; t++)
        for (const configDef *d = tables[t]; d->name; d++) n++;
    allDefs = xmalloc(sizeof(*allDefs) * (size_t)n);
    for (int t = 0; t < 2; t++)
        for (const configDef *d = tables[t]; d->name; d++) allDefs[allCount++] = d;
    for (int i = 0; i < allCount; i++) {
        for (int j = 0; j < i; j++) {
            const char *a = allDefs[i]->name, *b = allDefs[i]->alias;
            if (nameIs(allDefs[j]->name, a, strlen(a)) || nameIs(allDefs[j]->alias, a, strlen(a)) ||
                (b && (nameIs(allDefs[j]->name, b, strlen(b)) ||
                       nameIs(allDefs[j]->alias, b, strlen(b))))) {
                fprintf(stderr, "config: parameter '%s' is defined twice\n", a);
                exit(1);
            }
        }
    }
}

static int configIndexOf(const configDef *def) {
    for (int i = 0; i < allCount; i++)
        if (allDefs[i] == def) return i;
    return -1;
}

/* The parameter called `name` (or by its alias), any case. */
static const configDef *configLookup(const char *name, size_t len) {
    configIndexBuild();
    for (int i = 0; i < allCount; i++)
        if (nameIs(allDefs[i]->name, name, len) || nameIs(allDefs[i]->alias, name, len))
            return allDefs[i];
    return NULL;
}

int configExists(const char *name, size_t len) { return configLookup(name, len) != NULL; }

/* ------------------------------------------------- generic set / get */

static int setEnum(const configDef *def, const char *value, char *err, size_t errlen) {
    for (const configEnum *e = def->enums; e->name; e++) {
        if (!strcasecmp(e->name, value)) {
            *(int *)def->field = e->value;
            return 0;
        }
    }
    bstr names = bstrEmpty();
    for (const configEnum *e = def->enums; e->name; e++)
        names = bstrCatPrintf(names, "%s%s", e == def->enums ? "" : ", ", e->name);
    snprintf(err, errlen, "argument(s) must be one of the following: %s", names);
    bstrFree(names);
    return -1;
}

static int checkRange(const configDef *def, long long v, char *err, size_t errlen) {
    if (v < def->min || v > def->max) {
        snprintf(err, errlen, "argument must be between %lld and %lld inclusive", def->min,
                 def->max);
        return -1;
    }
    return 0;
}

static int setNumeric(const configDef *def, const char *value, char *err, size_t errlen) {
    long long v;
    if (def->type == CFG_MEMORY) {
        int bad = 0;
        unsigned long long u = numParseMemory(value, &bad);
        /* Like Redis (strtoull saturating), a number too big for 64 bits
         * is out of range rather than malformed. */
        if (bad && value[0] && strspn(value, "0123456789") == strlen(value)) {
            bad = 0;
            u = ULLONG_MAX;
        }
        if (bad) {
            snprintf(err, errlen, "argument must be a memory value");
            return -1;
        }
        if (u > LLONG_MAX) {
            snprintf(err, errlen, "argument must be between %lld and %lld inclusive", def->min,
                     def->max);
            return -1;
        }
        v = (long long)u;
    } else if (!numParseLongLong(value, strlen(value), &v)) {
        snprintf(err, errlen, "argument couldn't be parsed into an integer");
        return -1;
    }
    if (checkRange(def, v, err, errlen) < 0) return -1;
    switch (def->type) {
    case CFG_INT: *(int *)def->field = (int)v; break;
    case CFG_UINT: *(unsigned int *)def->field = (unsigned int)v; break;
    default: *(long long *)def->field = v; break;
    }
    return 0;
}

static void setString(const configDef *def, const char *value) {
    char **field = def->field;
    xfree(*field);
    *field = (value[0] == '\0' && (def->flags & CFG_EMPTY_IS_NULL)) ? NULL : xstrdup(value);
}

/* Sets one parameter from its argument list (most take exactly one).
 * Returns 0, or -1 with err filled in Redis's words. */
static int configSetValue(const configDef *def, bstr *argv, int argc, char *err,
                          size_t errlen) {
    if (def->type == CFG_SPECIAL) return def->setSpecial(def, argv, argc, err, errlen);
    if (argc != 1) {
        snprintf(err, errlen, "wrong number of arguments");
        return -1;
    }
    const char *value = argv[0];
    switch (def->type) {
    case CFG_BOOL:
        if (!strcasecmp(value, "yes")) *(int *)def->field = 1;
        else if (!strcasecmp(value, "no")) *(int *)def->field = 0;
        else {
            snprintf(err, errlen, "argument must be 'yes' or 'no'");
            return -1;
        }
        return 0;
    case CFG_ENUM: return setEnum(def, value, err, errlen);
    case CFG_STRING:
        if (def->check && def->check(def, value, err, errlen) < 0) return -1;
        setString(def, value);
        return 0;
    default: return setNumeric(def, value, err, errlen);
    }
}

static bstr configGetDef(const configDef *def);
static int isDefaultValue(const configDef *def);
static int setFromString(const configDef *def, const char *name, const char *value, char *err,
                         size_t errlen);
static int setFromBstr(const configDef *def, const char *name, const bstr value, char *err,
                       size_t errlen);

/* configSetValue, plus the rule for a missing feature (config_compat.c):
 * a value other than the default is refused, naming the directive as
 * `name` (what the user wrote: "slaveof" or "replicaof"), and the previous
 * value stays. */
static int configSetOne(const configDef *def, const char *name, bstr *argv, int argc,
                        char *err, size_t errlen) {
    if (!def->feature) return configSetValue(def, argv, argc, err, errlen);
    bstr old = configGetDef(def);
    int rc = configSetValue(def, argv, argc, err, errlen);
    if (rc == 0 && !isDefaultValue(def)) {
        bstr given = bstrEmpty();
        for (int i = 0; i < argc; i++) given = bstrCatPrintf(given, " %s", argv[i]);
        snprintf(err, errlen,
                 "'%s%s' needs %s, which redis-kv does not have (only the default %s%s%s "
                 "is accepted)", name, given, def->feature, def->defaultValue[0] ? "'" : "",
                 def->defaultValue[0] ? def->defaultValue : "\"\"",
                 def->defaultValue[0] ? "'" : "");
        bstrFree(given);
        char ignored[CONFIG_ERR_LEN];
        setFromBstr(def, name, old, ignored, sizeof(ignored));
        rc = -1;
    }
    bstrFree(old);
    return rc;
}

static bstr configGetDef(const configDef *def) {
    switch (def->type) {
    case CFG_BOOL: return bstrNew(*(int *)def->field ? "yes" : "no");
    case CFG_ENUM:
        for (const configEnum *e = def->enums; e->name; e++)
            if (e->value == *(int *)def->field) return bstrNew(e->name);
        return bstrEmpty();
    case CFG_INT: return bstrCatPrintf(bstrEmpty(), "%d", *(int *)def->field);
    case CFG_UINT: return bstrCatPrintf(bstrEmpty(), "%u", *(unsigned int *)def->field);
    case CFG_LONGLONG:
    case CFG_MEMORY: return bstrCatPrintf(bstrEmpty(), "%lld", *(long long *)def->field);
    case CFG_STRING: {
        char *s = *(char **)def->field;
        return bstrNew(s ? s : "");
    }
    case CFG_SPECIAL: return def->getSpecial(def);
    }
    return bstrEmpty();
}

/* A pattern without glob characters names one parameter exactly (any
 * case), and Redis then echoes the name as the client typed it. */
void configForEachMatching(const char *pattern, size_t plen, configGetVisitor *fn,
                           void *privdata) {
    configIndexBuild();
    if (!memchr(pattern, '*', plen) && !memchr(pattern, '?', plen) &&
        !memchr(pattern, '[', plen) && !memchr(pattern, '\\', plen)) {
        const configDef *d = configLookup(pattern, plen);
        if (d) {
            bstr v = configGetDef(d);
            fn(nameIs(d->name, pattern, plen) ? d->name : d->alias, pattern, v, privdata);
            bstrFree(v);
        }
        return;
    }
    /* A glob lists a parameter and its alias as two (Redis 7.0 does);
     * hidden ones need their exact name. */
    for (int i = 0; i < allCount; i++) {
        const configDef *d = allDefs[i];
        if (d->flags & CFG_HIDDEN) continue;
        const char *names[2] = {d->name, d->alias};
        for (int k = 0; k < 2 && names[k]; k++) {
            if (!globMatch(pattern, plen, names[k], strlen(names[k]), 1)) continue;
            bstr v = configGetDef(d);
            fn(names[k], names[k], v, privdata);
            bstrFree(v);
        }
    }
}

/* Sets a parameter from one value (a CONFIG SET value, binary: a
 * requirepass may hold a NUL) called `name` (the parameter's name or
 * alias). */
static int setFromBstr(const configDef *def, const char *name, const bstr value, char *err,
                       size_t errlen) {
    int argc = 1;
    bstr *argv = xmalloc(sizeof(bstr));
    argv[0] = bstrNewLen(value, bstrLen(value));
    int rc = configSetOne(def, name, argv, argc, err, errlen);
    bstrFreeSplitRes(argv, argc);
    return rc;
}

/* The same from a C string (a default). */
static int setFromString(const configDef *def, const char *name, const char *value, char *err,
                         size_t errlen) {
    bstr v = bstrNew(value);
    int rc = setFromBstr(def, name, v, err, errlen);
    bstrFree(v);
    return rc;
}

void configInitDefaults(void) {
    char err[CONFIG_ERR_LEN];
    configIndexBuild();
    for (int i = 0; i < allCount; i++) {
        const configDef *d = allDefs[i];
        if (d->defaultValue[0] == '\0' && d->setSpecial == setDir) continue;
        if (setFromString(d, d->name, d->defaultValue, err, sizeof(err)) < 0) {
            fprintf(stderr, "Bad default for %s: %s\n", d->name, err);
            exit(1);
        }
    }
    server.hz = server.configHz;
}

/* -------------------------------------------------------- CONFIG SET */

/* Sets several parameters at once, all or nothing (Redis 7 semantics):
 * unknown names, duplicates, immutable and protected parameters are
 * refused before anything changes; if a value is bad or its apply hook
 * fails, every parameter is restored to its previous value.  On failure
 * *badName is the parameter to name in the error. */
int configSetFromStrings(bstr *names, bstr *values, int count, char *err, size_t errlen,
                         const char **badName) {
    const configDef **defs = xcalloc((size_t)count, sizeof(*defs));
    bstr *old = xcalloc((size_t)count, sizeof(bstr));
    int rc = -1, set = 0;
    *badName = NULL;
    for (int i = 0; i < count; i++) {
        defs[i] = configLookup(names[i], bstrLen(names[i]));
        *badName = names[i];
        if (!defs[i]) {
            snprintf(err, errlen, "Unknown option");
            goto done;
        }
        if (defs[i]->flags & CFG_IMMUTABLE) {
            snprintf(err, errlen, "can't set immutable config");
            goto done;
        }
        if ((defs[i]->flags & CFG_PROTECTED) &&
            server.enableProtectedConfigs != PROTECTED_ACTION_YES) {
            snprintf(err, errlen, "can't set protected config");
            goto done;
        }
        for (int j = 0; j < i; j++) {
            /* A parameter and its alias may both be given (the last
             * wins), as in Redis; one name twice may not. */
            if (defs[j] == defs[i] && !strcasecmp(names[j], names[i])) {
                snprintf(err, errlen, "duplicate parameter");
                goto done;
            }
        }
    }
    for (int i = 0; i < count; i++) old[i] = configGetDef(defs[i]);
    for (set = 0; set < count; set++) {
        *badName = names[set];
        if (setFromBstr(defs[set], names[set], values[set], err, errlen) < 0) goto restore;
    }
    for (int i = 0; i < count; i++) {
        *badName = names[i];
        bstr now = configGetDef(defs[i]);
        int changed = bstrLen(now) != bstrLen(old[i]) || memcmp(now, old[i], bstrLen(now)) != 0;
        bstrFree(now);
        /* As in Redis, a value set to what it already was is not re-applied
         * (re-binding the same port would fail). */
        if (changed && defs[i]->apply && defs[i]->apply(err, errlen) < 0) {
            set = count;
            goto restore;
        }
    }
    rc = 0;
    goto done;
restore:
    for (int i = 0; i < set; i++) {
        char ignored[CONFIG_ERR_LEN];
        setFromBstr(defs[i], names[i], old[i], ignored, sizeof(ignored));
        if (defs[i]->apply) defs[i]->apply(ignored, sizeof(ignored));
    }
done:
    for (int i = 0; i < count; i++) bstrFree(old[i]);
    xfree(old);
    xfree(defs);
    return rc;
}

/* ------------------------------------------------------ file loading */

static void loadError(int linenum, const char *line, const char *reason) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (redis-kv %s) ***\n", REDIS_KV_VERSION);
    fprintf(stderr, "Reading the configuration file, at line %d\n", linenum);
    fprintf(stderr, ">>> '%s'\n", line);
    fprintf(stderr, "%s\n", reason);
    exit(1);
}

static bstr readWholeFile(const char *filename, char *err, size_t errlen) {
    FILE *fp = strcmp(filename, "-") == 0 ? stdin : fopen(filename, "r");
    if (!fp) {
        snprintf(err, errlen, "Fatal error, can't open config file '%s': %s", filename,
                 strerror(errno));
        return NULL;
    }
    bstr content = bstrReadAll(fp);
    if (fp != stdin) fclose(fp);
    if (!content) {
        snprintf(err, errlen, "Fatal error reading config file '%s'", filename);
        return NULL;
    }
    return content;
}

static void loadFromString(const char *config, int depth);

static void loadInclude(const char *path, int depth, int linenum, const char *line) {
    char err[CONFIG_ERR_LEN];
    if (depth > 16) loadError(linenum, line, "Too many nested includes");
    bstr content = readWholeFile(path, err, sizeof(err));
    if (!content) loadError(linenum, line, err);
    loadFromString(content, depth + 1);
    bstrFree(content);
}

/* Applies one "name arg arg ..." line.  Exits the process with Redis's
 * fatal config error on anything wrong. */
static void loadLine(bstr *argv, int argc, int depth, int linenum, const char *line) {
    char err[CONFIG_ERR_LEN];
    bstrToLower(argv[0]);
    if (!strcmp(argv[0], "include") && argc == 2) {
        loadInclude(argv[1], depth, linenum, line);
        return;
    }
    if (!strcmp(argv[0], "user") && argc >= 2) {
        bstr aclErr = NULL;
        if (aclQueueConfigUser(argv, argc, &aclErr) < 0) loadError(linenum, line, aclErr);
        return;
    }
    const char *feature = configCompatFileOnly(argv[0]);
    if (feature) {
        snprintf(err, sizeof(err), "'%s' needs %s, which redis-kv does not have", argv[0],
                 feature);
        loadError(linenum, line, err);
    }
    const configDef *def = configLookup(argv[0], bstrLen(argv[0]));
    if (!def) loadError(linenum, line, "Bad directive or wrong number of arguments");
    if (argc < 2 || (def->type != CFG_SPECIAL && argc != 2))
        loadError(linenum, line, "wrong number of arguments");
    if (configSetOne(def, argv[0], argv + 1, argc - 1, err, sizeof(err)) < 0)
        loadError(linenum, line, err);
}

static void loadFromString(const char *config, int depth) {
    int nlines;
    bstr *lines = bstrSplitLen(config, strlen(config), "\n", 1, &nlines);
    for (int i = 0; i < nlines; i++) {
        bstr line = lines[i];
        bstrTrim(line, " \t\r");
        if (bstrLen(line) == 0 || line[0] == '#') continue;
        int argc;
        bstr *argv = bstrSplitArgs(line, &argc);
        if (!argv) loadError(i + 1, line, "Unbalanced quotes in configuration line");
        if (argc) loadLine(argv, argc, depth, i + 1, line);
        bstrFreeSplitRes(argv, argc);
    }
    bstrFreeSplitRes(lines, nlines);
}

/* Loads `filename` (may be NULL) followed by `options` (command-line
 * options already turned into config lines), exactly as Redis does: later
 * lines win.  Exits with status 1 on any error. */
int configLoad(const char *filename, const char *options) {
    bstr config = bstrEmpty();
    if (filename) {
        char err[CONFIG_ERR_LEN];
        bstr content = readWholeFile(filename, err, sizeof(err));
        if (!content) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        config = bstrCatBstr(config, content);
        bstrFree(content);
    }
    if (options) {
        config = bstrCat(config, "\n");
        config = bstrCat(config, options);
    }
    loadFromString(config, 0);
    bstrFree(config);
    char ignored[CONFIG_ERR_LEN];
    applyHz(ignored, sizeof(ignored));
    applyRequirepass(ignored, sizeof(ignored));
    aclLoadAtStartup(); /* after requirepass: `user default` lines win */
    return 0;
}

/* ---------------------------------------------------- CONFIG REWRITE */

static bstr rewriteValue(const configDef *def) {
    bstr v = configGetDef(def);
    /* An empty list ("save", "bind" ...) is written as "" so that the line
     * still has its argument. */
    if (def->type == CFG_STRING || def->setSpecial == setDir || def->setSpecial == setRequirepass ||
        bstrLen(v) == 0) {
        bstr q = bstrCatRepr(bstrEmpty(), v, bstrLen(v));
        bstrFree(v);
        return q;
    }
    /* An empty list (latency-tracking-info-percentiles "") must read
     * back as one empty argument, as Redis writes it. */
    if (bstrLen(v) == 0) return bstrCat(v, "\"\"");
    return v;
}

static bstr rewriteLineFor(const configDef *def) {
    bstr v = rewriteValue(def);
    bstr line = bstrCatPrintf(bstrEmpty(), "%s %s", def->name, v);
    bstrFree(v);
    return line;
}

static int isDefaultValue(const configDef *def) {
    if (def->setSpecial == setDir) return 0;
    bstr cur = configGetDef(def);
    int same;
    if (def->type == CFG_MEMORY) {
        int bad = 0;
        same = (unsigned long long)atoll(cur) == numParseMemory(def->defaultValue, &bad);
    } else if (def->setSpecial == setObufLimits) {
        same = strcmp(cur, "normal 1073741824 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60") == 0;
    } else {
        same = strcmp(cur, def->defaultValue) == 0;
    }
    bstrFree(cur);
    return same;
}

/* Rewrites the config file in place (through a temporary file and rename):
 * every line that sets a known parameter is replaced by its current value
 * (its first occurrence; later duplicates are dropped), comments and
 * unknown lines stay as they are, and parameters that differ from their
 * default but are not in the file are appended. */
int configRewrite(const char *path, char *err, size_t errlen) {
    bstr content = readWholeFile(path, err, errlen);
    if (!content) content = bstrEmpty();
    int nlines;
    bstr *lines = bstrSplitLen(content, bstrLen(content), "\n", 1, &nlines);
    bstrFree(content);
    if (nlines && bstrLen(lines[nlines - 1]) == 0) nlines--, bstrFree(lines[nlines]);
    configIndexBuild();
    int ndefs = allCount;
    char *written = xcalloc((size_t)ndefs, 1);
    bstr out = bstrEmpty();
    int nusers, usersOut = 0; /* ACL users replace the file's user lines in turn */
    bstr *users = aclConfigUserLines(&nusers);
    for (int i = 0; i < nlines; i++) {
        int argc;
        bstr *argv = lines[i][0] == '#' ? NULL : bstrSplitArgs(lines[i], &argc);
        int isUser = argv && argc && !strcasecmp(argv[0], "user");
        const configDef *def = argv && argc ? configLookup(argv[0], bstrLen(argv[0])) : NULL;
        if (argv) bstrFreeSplitRes(argv, argc);
        if (isUser) {
            if (usersOut < nusers) out = bstrCatPrintf(out, "%s\n", users[usersOut++]);
            continue;
        }
        if (!def) {
            out = bstrCatPrintf(out, "%s\n", lines[i]);
            continue;
        }
        int idx = configIndexOf(def);
        if (written[idx]) continue;
        written[idx] = 1;
        bstr l = rewriteLineFor(def);
        out = bstrCatPrintf(out, "%s\n", l);
        bstrFree(l);
    }
    int header = 0;
    for (int i = 0; i < ndefs; i++) {
        if (written[i] || isDefaultValue(allDefs[i])) continue;
        if (!header) out = bstrCat(out, "# Generated by CONFIG REWRITE\n");
        header = 1;
        bstr l = rewriteLineFor(allDefs[i]);
        out = bstrCatPrintf(out, "%s\n", l);
        bstrFree(l);
    }
    for (; usersOut < nusers; usersOut++) {
        if (!header) out = bstrCat(out, "# Generated by CONFIG REWRITE\n");
        header = 1;
        out = bstrCatPrintf(out, "%s\n", users[usersOut]);
    }
    if (users) bstrFreeSplitRes(users, nusers);
    bstrFreeSplitRes(lines, nlines);
    xfree(written);
    bstr tmp = bstrCatPrintf(bstrEmpty(), "%s.tmp-%d", path, (int)getpid());
    int rc = -1;
    FILE *fp = fopen(tmp, "w");
    if (!fp) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        goto done;
    }
    int bad = fwrite(out, 1, bstrLen(out), fp) != bstrLen(out);
    bad |= fflush(fp) != 0 || fsync(fileno(fp)) != 0;
    bad |= fclose(fp) != 0;
    if (bad || rename(tmp, path) == -1) {
        snprintf(err, errlen, "Rewriting config file: %s", strerror(errno));
        unlink(tmp);
        goto done;
    }
    rc = 0;
done:
    bstrFree(tmp);
    bstrFree(out);
    return rc;
}
