/* server/config_compat.c -- the Redis 7.0 directives redis-kv accepts for
 * compatibility
 *
 * An existing redis.conf, a command line written for redis-server, and
 * tools that CONFIG GET/SET Redis's parameters must all work unchanged.  So
 * every directive Redis 7.0.15 knows is a parameter here too, with Redis's
 * name, alias, type, range, default and mutability (CONFIG SET of an
 * immutable one is refused, as in Redis).  config.c holds the parameters
 * redis-kv implements; this file holds the rest, in three classes:
 *
 *  1. Done redis-kv's own way.  The directive names a mechanism redis-kv
 *     replaces (the RDB file, the AOF files and their rewrite, encodings
 *     and their size limits, I/O threads, the allocator's
 *     knobs, the OOM score, ...).  Any valid value is accepted, kept, shown
 *     by CONFIG GET and written by CONFIG REWRITE; it changes nothing.
 *     README.md's Configuration section says what each means here.
 *
 *  2. Tuning a feature redis-kv does not have yet (cluster timeouts,
 *     replication buffers, TLS for replication, ...).  A value
 *     only tunes the missing feature, so it is kept like class 1: the
 *     setting is ready when the feature arrives.
 *
 *  3. Turning a missing feature on (`cluster-enabled yes`, `replicaof h p`,
 *     `activedefrag yes`, ...).  The default
 *     value is accepted; any other is refused with an error that names the
 *     directive and the missing feature, from a config file, the command
 *     line and CONFIG SET alike (the `.feature` of an entry; config.c's
 *     configSetOne applies the rule).  Starting as if the feature were
 *     there would be worse than not starting.
 *
 * The rule between 2 and 3: a value that would make redis-kv behave
 * differently towards clients or other servers (listen, connect, refuse,
 * evict, authenticate) needs the feature; a value that only adjusts how a
 * feature would behave once on does not.
 *
 * Values of classes 1-3 live in anonymous static storage (file-scope
 * compound literals), not in `server`: nothing reads them.  When a feature
 * arrives, its entries move to config.c's table with a field in `server`. */
#include "server/config.h"
#include "lib/alloc.h"
#include "server/server.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------- enum values */

static const configEnum oomScoreAdjEnum[] = {
    {"no", 0}, {"yes", 1}, {"relative", 1}, {"absolute", 2}, {NULL, 0}};

static const configEnum supervisedEnum[] = {
    {"upstart", 1}, {"systemd", 2}, {"auto", 3}, {"no", 0}, {NULL, 0}};

static const configEnum syslogFacilityEnum[] = {
    {"user", 0}, {"local0", 1}, {"local1", 2}, {"local2", 3}, {"local3", 4},
    {"local4", 5}, {"local5", 6}, {"local6", 7}, {"local7", 8}, {NULL, 0}};

static const configEnum replDisklessLoadEnum[] = {
    {"disabled", 0}, {"on-empty-db", 1}, {"swapdb", 2}, {NULL, 0}};

static const configEnum sanitizeDumpPayloadEnum[] = {
    {"no", 0}, {"yes", 1}, {"clients", 2}, {NULL, 0}};

static const configEnum protectedActionCompatEnum[] = {
    {"no", 0}, {"yes", 1}, {"local", 2}, {NULL, 0}};

static const configEnum endpointTypeEnum[] = {
    {"ip", 0}, {"hostname", 1}, {"unknown-endpoint", 2}, {NULL, 0}};

static const configEnum propagationErrorEnum[] = {
    {"ignore", 0}, {"panic", 1}, {"panic-on-replicas", 2}, {NULL, 0}};

/* shutdown-on-sigint/sigterm: Redis takes a set of these flags; only
 * "default" is accepted here, so single words are enough to name them. */
static const configEnum shutdownOnSignalEnum[] = {
    {"default", 0}, {"save", 1}, {"nosave", 2}, {"now", 4}, {"force", 8}, {NULL, 0}};

/* -------------------------------------------------- special parameters */

/* The arguments of a multi-argument directive as one list: a config line
 * and `--x a b` give several, CONFIG SET one with spaces. */
static bstr *splitWords(bstr *argv, int argc, int *n, int *owned) {
    *owned = argc == 1 && strchr(argv[0], ' ');
    if (!*owned) {
        *n = argc == 1 && bstrLen(argv[0]) == 0 ? 0 : argc;
        return argv;
    }
    return bstrSplitLen(argv[0], bstrLen(argv[0]), " ", 1, n);
}

static void storeWords(const configDef *def, bstr *words, int n) {
    bstr joined = bstrEmpty();
    for (int i = 0; i < n; i++) joined = bstrCatPrintf(joined, "%s%s", i ? " " : "", words[i]);
    char **field = def->field;
    xfree(*field);
    *field = xstrdup(joined);
    bstrFree(joined);
}

static bstr getWords(const configDef *def) {
    char *s = *(char **)def->field;
    return bstrNew(s ? s : "");
}

/* oom-score-adj-values: three integers in -2000..2000, one per process
 * class (master, replica, background child), as Redis checks them. */
static int setOomScoreAdjValues(const configDef *def, bstr *argv, int argc, char *err,
                                size_t errlen) {
    int n, owned, rc = 0;
    bstr *words = splitWords(argv, argc, &n, &owned);
    if (n != 3) {
        snprintf(err, errlen, "wrong number of arguments");
        rc = -1;
    }
    for (int i = 0; rc == 0 && i < n; i++) {
        char *end;
        errno = 0;
        long v = strtol(words[i], &end, 10);
        if (errno || *end || bstrLen(words[i]) == 0 || v < -2000 || v > 2000) {
            snprintf(err, errlen,
                     "Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
            rc = -1;
        }
    }
    if (rc == 0) storeWords(def, words, n);
    if (owned) bstrFreeSplitRes(words, n);
    return rc;
}

/* replicaof / slaveof: "host port", or "no one" for none (shown as ""). */
static int setReplicaof(const configDef *def, bstr *argv, int argc, char *err, size_t errlen) {
    int n, owned, rc = 0;
    bstr *words = splitWords(argv, argc, &n, &owned);
    if (n == 0 || (n == 2 && !strcasecmp(words[0], "no") && !strcasecmp(words[1], "one"))) {
        storeWords(def, words, 0);
    } else if (n != 2) {
        snprintf(err, errlen, "wrong number of arguments");
        rc = -1;
    } else {
        char *end;
        long port = strtol(words[1], &end, 10);
        if (*end || bstrLen(words[1]) == 0 || port < 0 || port > 65535) {
            snprintf(err, errlen, "Invalid master port");
            rc = -1;
        } else {
            storeWords(def, words, 2);
        }
    }
    if (owned) bstrFreeSplitRes(words, n);
    return rc;
}

/* dbfilename, appendfilename, appenddirname: a name inside `dir`, never a
 * path, as Redis checks them (the AOF names may not be empty either). */
static int checkFileName(const configDef *def, const char *value, char *err, size_t errlen) {
    if (value[0] == '\0' && strcmp(def->name, "dbfilename") != 0) {
        snprintf(err, errlen, "%s can't be empty", def->name);
        return -1;
    }
    if (strchr(value, '/')) {
        snprintf(err, errlen, "%s can't be a path, just a %s", def->name,
                 strcmp(def->name, "appenddirname") ? "filename" : "dirname");
        return -1;
    }
    return 0;
}

/* proc-title-template: Redis's template check, kept so that a template
 * redis-server refuses is refused here too.  "{{" and "}}" are literal
 * braces, a variable must be one Redis knows, and the title may not come
 * out blank (the variables Redis checks as empty count as blank). */
static int checkProcTitleTemplate(const configDef *def, const char *value, char *err,
                                  size_t errlen) {
    (void)def;
    static const struct { const char *name; int blank; } vars[] = {
        {"title", 1}, {"listen-addr", 0}, {"server-mode", 1}, {"port", 0},
        {"tls-port", 0}, {"unixsocket", 1}, {"config-file", 0}};
    int visible = 0, ok = 1;
    for (const char *p = value; ok && *p; p++) {
        if ((p[0] == '{' || p[0] == '}') && p[1] == p[0]) {
            visible = 1;
            p++;
        } else if (p[0] != '{') {
            if (p[0] != ' ') visible = 1;
        } else {
            const char *end = strchr(p + 1, '}');
            size_t len = end ? (size_t)(end - p - 1) : 0;
            ok = 0;
            for (size_t i = 0; end && i < sizeof(vars) / sizeof(vars[0]); i++) {
                if (strlen(vars[i].name) == len && !strncmp(vars[i].name, p + 1, len)) {
                    ok = 1;
                    if (!vars[i].blank) visible = 1;
                }
            }
            if (end) p = end;
        }
    }
    if (!ok || !visible) {
        snprintf(err, errlen, "template format is invalid or contains unknown variables");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------- table */

/* Field lists; an entry is `{KIND(...)}` or `{KIND(...), ALIAS(..)}`.  Each
 * gets its own anonymous static slot for the value. */
#define F_BOOL(n, d, fl) .name = n, .type = CFG_BOOL, .flags = fl, .field = &(int){0}, \
    .max = 1, .defaultValue = d
#define F_INT(n, lo, hi, d, fl) .name = n, .type = CFG_INT, .flags = fl, .field = &(int){0}, \
    .min = lo, .max = hi, .defaultValue = d
#define F_UINT(n, lo, hi, d, fl) .name = n, .type = CFG_UINT, .flags = fl, \
    .field = &(unsigned int){0}, .min = lo, .max = hi, .defaultValue = d
#define F_LL(n, lo, hi, d, fl) .name = n, .type = CFG_LONGLONG, .flags = fl, \
    .field = &(long long){0}, .min = lo, .max = hi, .defaultValue = d
#define F_MEM(n, lo, hi, d, fl) .name = n, .type = CFG_MEMORY, .flags = fl, \
    .field = &(long long){0}, .min = lo, .max = hi, .defaultValue = d
#define F_STR(n, d, fl) .name = n, .type = CFG_STRING, .flags = fl, .field = &(char *){NULL}, \
    .defaultValue = d
#define F_ENUM(n, e, d, fl) .name = n, .type = CFG_ENUM, .flags = fl, .field = &(int){0}, \
    .enums = e, .defaultValue = d
#define F_WORDS(n, set, d, fl) .name = n, .type = CFG_SPECIAL, .flags = fl, \
    .field = &(char *){NULL}, .setSpecial = set, .getSpecial = getWords, .defaultValue = d
#define ALIAS(a) .alias = a
#define NEEDS(f) .feature = f

#define MOD CFG_MODIFIABLE
#define IMM CFG_IMMUTABLE
#define NUL CFG_EMPTY_IS_NULL
#define HID CFG_HIDDEN

const configDef configCompatTable[] = {
    /* 1. Done redis-kv's own way: kept, no effect. */
    {F_STR("dbfilename", "dump.rdb", CFG_PROTECTED), .check = checkFileName},
    {F_BOOL("rdbchecksum", "yes", IMM)},
    {F_BOOL("rdb-del-sync-files", "no", MOD)},
    {F_BOOL("rdb-save-incremental-fsync", "yes", MOD)},
    {F_BOOL("stop-writes-on-bgsave-error", "yes", MOD)},
    {F_STR("appendfilename", "appendonly.aof", IMM), .check = checkFileName},
    {F_STR("appenddirname", "appendonlydir", IMM), .check = checkFileName},
    {F_BOOL("aof-use-rdb-preamble", "yes", MOD)},
    {F_BOOL("aof-load-truncated", "yes", MOD)},
    {F_BOOL("aof-timestamp-enabled", "no", MOD)},
    {F_BOOL("aof-rewrite-incremental-fsync", "yes", MOD)},
    {F_BOOL("aof-disable-auto-gc", "no", MOD)},
    {F_BOOL("no-appendfsync-on-rewrite", "no", MOD)},
    {F_INT("auto-aof-rewrite-percentage", 0, INT_MAX, "100", MOD)},
    {F_MEM("auto-aof-rewrite-min-size", 0, LLONG_MAX, "64mb", MOD)},
    {F_BOOL("activerehashing", "yes", MOD)},
    {.name = "dynamic-hz", .type = CFG_BOOL, .field = &server.dynamicHz, .max = 1,
     .defaultValue = "yes"},
    {F_INT("active-expire-effort", 1, 10, "1", MOD)},
    {F_INT("io-threads", 1, 128, "1", IMM)},
    {F_BOOL("io-threads-do-reads", "no", IMM)},
    {F_BOOL("jemalloc-bg-thread", "yes", MOD)},
    {F_ENUM("oom-score-adj", oomScoreAdjEnum, "no", MOD)},
    {F_WORDS("oom-score-adj-values", setOomScoreAdjValues, "0 200 800", MOD)},
    {F_BOOL("disable-thp", "yes", IMM)},
    {F_BOOL("always-show-logo", "no", IMM)},
    {F_BOOL("set-proc-title", "yes", IMM)},
    {F_STR("proc-title-template", "{title} {listen-addr} {server-mode}", MOD),
     .check = checkProcTitleTemplate},
    {F_BOOL("crash-log-enabled", "yes", MOD)},
    {F_BOOL("crash-memcheck-enabled", "yes", MOD)},
    {F_STR("ignore-warnings", "", MOD)},
    {F_INT("shutdown-timeout", 0, INT_MAX, "10", MOD)},
    {F_INT("key-load-delay", INT_MIN, INT_MAX, "0", HID)},
    {F_LL("loading-process-events-interval-bytes", 1024, INT_MAX, "2097152", HID)},
    {F_INT("watchdog-period", 0, INT_MAX, "0", HID)},
    {F_BOOL("use-exit-on-panic", "no", HID)},

    /* 2. Tuning a missing feature: kept for when it arrives. */
    {F_STR("cluster-config-file", "nodes.conf", IMM)},
    {F_INT("cluster-port", 0, 65535, "0", IMM)},
    {F_STR("cluster-announce-ip", "", NUL)},
    {F_STR("cluster-announce-hostname", "", NUL)},
    {F_INT("cluster-announce-port", 0, 65535, "0", MOD)},
    {F_INT("cluster-announce-bus-port", 0, 65535, "0", MOD)},
    {F_INT("cluster-announce-tls-port", 0, 65535, "0", MOD)},
    {F_LL("cluster-node-timeout", 0, LLONG_MAX, "15000", MOD)},
    {F_INT("cluster-migration-barrier", 0, INT_MAX, "1", MOD)},
    {F_INT("cluster-replica-validity-factor", 0, INT_MAX, "10", MOD),
     ALIAS("cluster-slave-validity-factor")},
    {F_BOOL("cluster-replica-no-failover", "no", MOD), ALIAS("cluster-slave-no-failover")},
    {F_BOOL("cluster-require-full-coverage", "yes", MOD)},
    {F_BOOL("cluster-allow-reads-when-down", "no", MOD)},
    {F_BOOL("cluster-allow-pubsubshard-when-down", "yes", MOD)},
    {F_BOOL("cluster-allow-replica-migration", "yes", MOD)},
    {F_MEM("cluster-link-sendbuf-limit", 0, LLONG_MAX, "0", MOD)},
    {F_ENUM("cluster-preferred-endpoint-type", endpointTypeEnum, "ip", MOD)},
    {F_STR("masterauth", "", NUL)},
    {F_STR("masteruser", "", NUL)},
    {F_MEM("repl-backlog-size", 1, LLONG_MAX, "1mb", MOD)},
    {F_LL("repl-backlog-ttl", 0, LONG_MAX, "3600", MOD)},
    {F_BOOL("repl-diskless-sync", "yes", MOD)},
    {F_INT("repl-diskless-sync-delay", 0, INT_MAX, "5", MOD)},
    {F_INT("repl-diskless-sync-max-replicas", 0, INT_MAX, "0", MOD)},
    {F_ENUM("repl-diskless-load", replDisklessLoadEnum, "disabled", MOD)},
    {F_BOOL("repl-disable-tcp-nodelay", "no", MOD)},
    {F_INT("repl-ping-replica-period", 1, INT_MAX, "10", MOD), ALIAS("repl-ping-slave-period")},
    {F_INT("repl-timeout", 1, INT_MAX, "60", MOD)},
    {F_STR("replica-announce-ip", "", NUL), ALIAS("slave-announce-ip")},
    {F_INT("replica-announce-port", 0, 65535, "0", MOD), ALIAS("slave-announce-port")},
    {F_BOOL("replica-announced", "yes", MOD)},
    {F_BOOL("replica-ignore-maxmemory", "yes", MOD), ALIAS("slave-ignore-maxmemory")},
    {F_BOOL("replica-lazy-flush", "no", MOD), ALIAS("slave-lazy-flush")},
    {F_INT("replica-priority", 0, INT_MAX, "100", MOD), ALIAS("slave-priority")},
    {F_BOOL("replica-read-only", "yes", MOD), ALIAS("slave-read-only")},
    {F_BOOL("replica-serve-stale-data", "yes", MOD), ALIAS("slave-serve-stale-data")},
    {F_BOOL("replica-ignore-disk-write-errors", "no", MOD)},
    {F_INT("min-replicas-max-lag", 0, INT_MAX, "10", MOD), ALIAS("min-slaves-max-lag")},
    {F_ENUM("propagation-error-behavior", propagationErrorEnum, "ignore", MOD)},
    {F_STR("bind-source-addr", "", NUL)},
    {F_ENUM("sanitize-dump-payload", sanitizeDumpPayloadEnum, "no", MOD)},
    {F_STR("syslog-ident", "redis", IMM)},
    {F_ENUM("syslog-facility", syslogFacilityEnum, "local0", IMM)},
    {F_INT("active-defrag-cycle-min", 1, 99, "1", MOD)},
    {F_INT("active-defrag-cycle-max", 1, 99, "25", MOD)},
    {F_INT("active-defrag-threshold-lower", 0, 1000, "10", MOD)},
    {F_INT("active-defrag-threshold-upper", 0, 1000, "100", MOD)},
    {F_MEM("active-defrag-ignore-bytes", 1, LLONG_MAX, "100mb", MOD)},
    {F_LL("active-defrag-max-scan-fields", 1, LONG_MAX, "1000", MOD)},
    /* TLS for replication and cluster links, and the client side of
     * those links: kept for when replication and cluster mode arrive. */
    {F_BOOL("tls-replication", "no", MOD)},
    {F_BOOL("tls-cluster", "no", MOD)},
    {F_STR("tls-client-cert-file", "", NUL)},
    {F_STR("tls-client-key-file", "", NUL)},
    {F_STR("tls-client-key-file-pass", "", NUL)},

    /* 3. Turning a missing feature on: only the default is accepted. */
    {F_BOOL("cluster-enabled", "no", IMM), NEEDS("cluster mode")},
    {F_WORDS("replicaof", setReplicaof, "", IMM), ALIAS("slaveof"), NEEDS("replication")},
    {F_INT("min-replicas-to-write", 0, INT_MAX, "0", MOD), ALIAS("min-slaves-to-write"),
     NEEDS("replication")},
    {F_BOOL("activedefrag", "no", MOD), NEEDS("active defragmentation")},
    {F_ENUM("enable-module-command", protectedActionCompatEnum, "no", IMM), NEEDS("modules")},
    {F_ENUM("supervised", supervisedEnum, "no", IMM), NEEDS("supervision (upstart/systemd)")},
    {F_BOOL("syslog-enabled", "no", IMM), NEEDS("logging to syslog")},
    {F_UINT("socket-mark-id", 0, UINT_MAX, "0", IMM), NEEDS("socket marks")},
    {F_STR("server_cpulist", "", IMM | NUL), NEEDS("CPU affinity")},
    {F_STR("bio_cpulist", "", IMM | NUL), NEEDS("CPU affinity")},
    {F_STR("aof_rewrite_cpulist", "", IMM | NUL), NEEDS("CPU affinity")},
    {F_STR("bgsave_cpulist", "", IMM | NUL), NEEDS("CPU affinity")},
    {F_ENUM("shutdown-on-sigint", shutdownOnSignalEnum, "default", MOD),
     NEEDS("shutdown flags for signals")},
    {F_ENUM("shutdown-on-sigterm", shutdownOnSignalEnum, "default", MOD),
     NEEDS("shutdown flags for signals")},

    {.name = NULL},
};

/* Directives Redis reads only from a config file, each for a feature
 * redis-kv does not have: any use is refused. */
const char *configCompatFileOnly(const char *name) {
    static const struct { const char *name, *feature; } fileOnly[] = {
        {"rename-command", "renaming commands"},
        {"loadmodule", "modules"},
        {"sentinel", "Sentinel mode"},
    };
    for (size_t i = 0; i < sizeof(fileOnly) / sizeof(fileOnly[0]); i++)
        if (!strcasecmp(name, fileOnly[i].name)) return fileOnly[i].feature;
    return NULL;
}
