/* cmd/memory_cmd.c -- MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP.
 *
 * Figures come from redis-kv's own accounting (lib/alloc counts every
 * allocation; INFO memory uses the same snapshot, cmd/info.h) and from
 * jemalloc when the server is built with it.  A key's memory is its key
 * directory entry: values live in the log (see db.h dbKeyMemoryUsage). */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/info.h"
#include "command/command.h"
#include "db/db.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* MEMORY USAGE key [SAMPLES count]: the options are checked before the
 * key is looked up.  SAMPLES matters for collections, which redis-kv does
 * not keep in memory yet: it is validated and otherwise unused. */
void memoryUsageCommand(client *c) {
    for (int j = 3; j < c->argc; j++) {
        long long samples;
        if (strcasecmp(c->argv[j], "samples") || j + 1 >= c->argc) {
            replyErrorSyntax(c);
            return;
        }
        if (!numParseLongLong(c->argv[j + 1], bstrLen(c->argv[j + 1]), &samples)) {
            replyErrorNotInteger(c);
            return;
        }
        if (samples < 0) {
            replyErrorSyntax(c);
            return;
        }
        j++;
    }
    long long bytes = dbKeyMemoryUsage(c->db, c->argv[2], bstrLen(c->argv[2]));
    if (bytes < 0) replyNull(c);
    else replyLongLong(c, bytes);
}

static double pct(size_t a, size_t b) { return b ? (double)a * 100 / (double)b : 0; }

static double ratioOf(size_t a, size_t b) { return b ? (double)a / (double)b : 0; }

/* One MEMORY STATS field: a name and either an integer or a ratio.  Redis
 * computes its ratios in float; printing the same float keeps the digits
 * comparable. */
typedef struct statField {
    const char *name;
    int isRatio;
    long long count;
    double ratio;
} statField;

static void replyStatFields(client *c, const statField *f, size_t n) {
    for (size_t i = 0; i < n; i++) {
        replyBulkCString(c, f[i].name);
        if (f[i].isRatio) replyDouble(c, (double)(float)f[i].ratio);
        else replyLongLong(c, f[i].count);
    }
}

#define STAT_COUNT(name, v) {name, 0, (long long)(v), 0}
#define STAT_RATIO(name, v) {name, 1, 0, (v)}
#define STAT_DIFF(name, a, b) {name, 0, (long long)(a) - (long long)(b), 0}

/* MEMORY STATS: Redis 7.0's fields in Redis's order.  The per-db map
 * appears for every non-empty database; "overhead.hashtable.main" is its
 * keydir's bucket array, expiries live inside the entries (0).  There is
 * no replication, cluster, AOF buffer or scripting: those are 0. */
void memoryStatsCommand(client *c) {
    memInfo m;
    infoGetMemory(&m);
    long long keys = 0;
    int dbs = 0;
    for (int db = 0; db < server.dbnum; db++) {
        long long n = dbSize(db);
        keys += n;
        dbs += n > 0;
    }
    size_t net = m.used > m.startup ? m.used - m.startup : 0;
    const statField head[] = {
        STAT_COUNT("peak.allocated", m.peak), STAT_COUNT("total.allocated", m.used),
        STAT_COUNT("startup.allocated", m.startup), STAT_COUNT("replication.backlog", 0),
        STAT_COUNT("clients.slaves", 0), STAT_COUNT("clients.normal", m.clients),
        STAT_COUNT("cluster.links", 0), STAT_COUNT("aof.buffer", 0),
        STAT_COUNT("lua.caches", 0), STAT_COUNT("functions.caches", 0),
    };
    const statField tail[] = {
        STAT_COUNT("overhead.total", m.overhead),
        STAT_COUNT("keys.count", keys),
        STAT_COUNT("keys.bytes-per-key", keys ? (long long)net / keys : 0),
        STAT_COUNT("dataset.bytes", m.dataset),
        STAT_RATIO("dataset.percentage", pct(m.dataset, net)),
        STAT_RATIO("peak.percentage", pct(m.used, m.peak)),
        STAT_COUNT("allocator.allocated", m.allocated),
        STAT_COUNT("allocator.active", m.active),
        STAT_COUNT("allocator.resident", m.resident),
        STAT_RATIO("allocator-fragmentation.ratio", ratioOf(m.active, m.allocated)),
        STAT_DIFF("allocator-fragmentation.bytes", m.active, m.allocated),
        STAT_RATIO("allocator-rss.ratio", ratioOf(m.resident, m.active)),
        STAT_DIFF("allocator-rss.bytes", m.resident, m.active),
        STAT_RATIO("rss-overhead.ratio", ratioOf(m.rss, m.resident)),
        STAT_DIFF("rss-overhead.bytes", m.rss, m.resident),
        STAT_RATIO("fragmentation", ratioOf(m.rss, m.used)),
        STAT_DIFF("fragmentation.bytes", m.rss, m.used),
    };
    size_t nhead = sizeof(head) / sizeof(head[0]), ntail = sizeof(tail) / sizeof(tail[0]);
    replyMapLen(c, (long long)(nhead + ntail) + dbs);
    replyStatFields(c, head, nhead);
    for (int db = 0; db < server.dbnum; db++) {
        if (dbSize(db) == 0) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", db);
        replyBulkCString(c, name);
        const statField perDb[] = {
            STAT_COUNT("overhead.hashtable.main", dbKeydirTableBytes(db)),
            STAT_COUNT("overhead.hashtable.expires", 0),
            STAT_COUNT("overhead.hashtable.slot-to-keys", 0),
        };
        replyMapLen(c, 3);
        replyStatFields(c, perDb, 3);
    }
    replyStatFields(c, tail, ntail);
}

/* Below this much memory the doctor declines to judge (as Redis does:
 * ratios of small numbers mean nothing). */
#define DOCTOR_MIN_MEMORY (5 * 1024 * 1024)

static bstr memoryDoctorReport(void) {
    memInfo m;
    infoGetMemory(&m);
    if (m.used < DOCTOR_MIN_MEMORY)
        return bstrNew("Hi Sam, this instance is empty or is using very little memory, my "
                       "issues detector can't be used in these conditions. Please, leave for "
                       "your mission on Earth and fill it with some data. The new Sam and I "
                       "will be back to our programming as soon as I finished rebooting.");
    bstr s = bstrEmpty();
    if (m.peak > m.used + m.used / 2)
        s = bstrCat(s, " * Peak memory: at some point memory use was more than 150% of what "
                       "it is now; the allocator may not have returned the difference to "
                       "the system, which RSS and fragmentation figures then show.\n\n");
    if (ratioOf(m.rss, m.used) > 1.4)
        s = bstrCat(s, " * High fragmentation: the process holds more than 1.4 times the "
                       "memory it uses. MEMORY PURGE asks the allocator to return free "
                       "pages.\n\n");
    if (m.clients > m.used / 2)
        s = bstrCat(s, " * Big client buffers: clients' query and output buffers hold more "
                       "than half of the used memory; check CLIENT LIST's qbuf and omem.\n\n");
    if (!bstrLen(s)) {
        bstrFree(s);
        return bstrNew("Hi Sam, I can't find any memory issue in your instance. I can only "
                       "account for what occurs on this base.");
    }
    return bstrCat(bstrNew("Sam, I detected a few issues in this Redis instance memory "
                           "implants:\n\n"),
                   s);
}

void memoryDoctorCommand(client *c) {
    bstr s = memoryDoctorReport();
    replyVerbatim(c, s, bstrLen(s), "txt");
    bstrFree(s);
}

#ifdef USE_JEMALLOC
static void catStats(void *priv, const char *text) {
    bstr *s = priv;
    *s = bstrCat(*s, text);
}
#endif

void memoryMallocStatsCommand(client *c) {
#ifdef USE_JEMALLOC
    bstr s = bstrEmpty();
    malloc_stats_print(catStats, &s, NULL);
    replyVerbatim(c, s, bstrLen(s), "txt");
    bstrFree(s);
#else
    static const char text[] = "Stats not supported for the current allocator";
    replyVerbatim(c, text, sizeof(text) - 1, "txt");
#endif
}

/* MEMORY PURGE: with jemalloc, return the dirty pages of every arena. */
void memoryPurgeCommand(client *c) {
#ifdef USE_JEMALLOC
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "arena.%d.purge", MALLCTL_ARENAS_ALL);
    mallctl(cmd, NULL, NULL, NULL, 0);
#endif
    replyOk(c);
}

void memoryHelpCommand(client *c) {
    static const char *help[] = {
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        NULL};
    replyHelp(c, help);
}
