/* cmd/memory_cmd.c -- MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP.
 *
 * Figures come from redis-kv's own accounting (lib/alloc counts every
 * allocation; INFO memory uses the same snapshot, cmd/info.h) and from
 * jemalloc when the server is built with it.  A key's memory is its key
 * directory entry: values live in the log (see db.h dbKeyMemoryUsage). */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/info.h"
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

/* Redis computes these ratios in float; printing the same float keeps
 * the digits comparable. */
static void replyFloat(client *c, double v) { replyDouble(c, (double)(float)v); }

static double pct(size_t a, size_t b) { return b ? (double)a * 100 / (double)b : 0; }

static double ratioOf(size_t a, size_t b) { return b ? (double)a / (double)b : 0; }

/* MEMORY STATS: Redis 7.0's fields in Redis's order.  The per-db map
 * appears for every non-empty database; "overhead.hashtable.main" is its
 * keydir's bucket array, expiries live inside the entries (0). */
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
    replyMapLen(c, 27 + dbs);
    static const char *zeroFields[] = {"replication.backlog", "clients.slaves"};
    replyBulkCString(c, "peak.allocated");
    replyLongLong(c, (long long)m.peak);
    replyBulkCString(c, "total.allocated");
    replyLongLong(c, (long long)m.used);
    replyBulkCString(c, "startup.allocated");
    replyLongLong(c, (long long)m.startup);
    for (size_t i = 0; i < sizeof(zeroFields) / sizeof(zeroFields[0]); i++) {
        replyBulkCString(c, zeroFields[i]);
        replyLongLong(c, 0);
    }
    replyBulkCString(c, "clients.normal");
    replyLongLong(c, (long long)m.clients);
    static const char *noSubsystem[] = {"cluster.links", "aof.buffer", "lua.caches",
                                        "functions.caches"};
    for (size_t i = 0; i < sizeof(noSubsystem) / sizeof(noSubsystem[0]); i++) {
        replyBulkCString(c, noSubsystem[i]);
        replyLongLong(c, 0);
    }
    for (int db = 0; db < server.dbnum; db++) {
        if (dbSize(db) == 0) continue;
        char name[32];
        snprintf(name, sizeof(name), "db.%d", db);
        replyBulkCString(c, name);
        replyMapLen(c, 3);
        replyBulkCString(c, "overhead.hashtable.main");
        replyLongLong(c, (long long)dbKeydirTableBytes(db));
        replyBulkCString(c, "overhead.hashtable.expires");
        replyLongLong(c, 0);
        replyBulkCString(c, "overhead.hashtable.slot-to-keys");
        replyLongLong(c, 0);
    }
    replyBulkCString(c, "overhead.total");
    replyLongLong(c, (long long)m.overhead);
    replyBulkCString(c, "keys.count");
    replyLongLong(c, keys);
    replyBulkCString(c, "keys.bytes-per-key");
    replyLongLong(c, keys ? (long long)net / keys : 0);
    replyBulkCString(c, "dataset.bytes");
    replyLongLong(c, (long long)m.dataset);
    replyBulkCString(c, "dataset.percentage");
    replyFloat(c, pct(m.dataset, net));
    replyBulkCString(c, "peak.percentage");
    replyFloat(c, pct(m.used, m.peak));
    replyBulkCString(c, "allocator.allocated");
    replyLongLong(c, (long long)m.allocated);
    replyBulkCString(c, "allocator.active");
    replyLongLong(c, (long long)m.active);
    replyBulkCString(c, "allocator.resident");
    replyLongLong(c, (long long)m.resident);
    replyBulkCString(c, "allocator-fragmentation.ratio");
    replyFloat(c, ratioOf(m.active, m.allocated));
    replyBulkCString(c, "allocator-fragmentation.bytes");
    replyLongLong(c, (long long)m.active - (long long)m.allocated);
    replyBulkCString(c, "allocator-rss.ratio");
    replyFloat(c, ratioOf(m.resident, m.active));
    replyBulkCString(c, "allocator-rss.bytes");
    replyLongLong(c, (long long)m.resident - (long long)m.active);
    replyBulkCString(c, "rss-overhead.ratio");
    replyFloat(c, ratioOf(m.rss, m.resident));
    replyBulkCString(c, "rss-overhead.bytes");
    replyLongLong(c, (long long)m.rss - (long long)m.resident);
    replyBulkCString(c, "fragmentation");
    replyFloat(c, ratioOf(m.rss, m.used));
    replyBulkCString(c, "fragmentation.bytes");
    replyLongLong(c, (long long)m.rss - (long long)m.used);
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
