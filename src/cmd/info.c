/* cmd/info.c -- INFO [section [section ...]], laid out exactly as Redis 7.0
 * does.
 *
 * Each section is one function appending its lines to a bstr.  The table
 * `infoSections` gives their order (Redis's order, then redis-kv's own
 * storage section) and whether a section is part of the default set.
 * Fields whose subsystem does not exist yet (Lua, replication buffers,
 * keyspace hits ...) are printed as 0 so that parsers find every field
 * they know; none of them pretends to measure something. */
#include "cmd/info.h"
#include "db/db.h"
#include "db/evict.h"
#include "db/expire_cycle.h"
#include "db/persist.h"
#include "lib/clock.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifdef USE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "client/client.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/latency.h"
#include "command/blocking.h"
#include "command/coldwait.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/dict.h"
#include "lib/numfmt.h"
#include "pubsub/pubsub.h"
#include "pubsub/tracking.h"
#include "script/eval.h"
#include "script/function.h"
#include "server/server.h"

typedef bstr infoSectionProc(bstr s);

/* Memory in use when start-up finished (see infoRecordStartupMemory). */
static size_t startupMemory;

void infoRecordStartupMemory(void) { startupMemory = allocUsedMemory(); }

/* ---------------------------------------------------------------- helpers */

static const char *humanBytes(char *buf, size_t len, unsigned long long n) {
    numFormatMemory(buf, len, n);
    return buf;
}

/* Appends name, turning the characters that would break the INFO format
 * ('#', ':', CR, LF) into '_', as Redis's getSafeInfoString does. */
static bstr catSafeName(bstr s, const char *name, size_t len) {
    size_t start = bstrLen(s);
    s = bstrCatLen(s, name, len);
    for (size_t i = start; i < bstrLen(s); i++)
        if (strchr("#:\r\n", s[i]) && s[i] != '\0') s[i] = '_';
    return s;
}

/* A stable identifier of this build: what Redis derives from its build
 * host and time, here from the version and the compile time. */
static unsigned long long buildId(void) {
    const char *text = REDIS_KV_VERSION " " __DATE__ " " __TIME__;
    unsigned long long h = 1469598103934665603ULL; /* FNV-1a 64 */
    for (const char *p = text; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    return h;
}

static const char *allocatorName(void) {
#ifdef USE_JEMALLOC
    /* "version" is e.g. "5.3.0-0-g54eaed1d..."; Redis prints "jemalloc-5.3.0". */
    static char name[64];
    if (!name[0]) {
        const char *v = NULL;
        size_t sz = sizeof(v);
        if (mallctl("version", &v, &sz, NULL, 0) != 0 || !v) v = "unknown";
        snprintf(name, sizeof(name), "jemalloc-%.*s", (int)strcspn(v, "-"), v);
    }
    return name;
#else
    return "libc";
#endif
}

/* ----------------------------------------------------------------- server */

static bstr infoSectionServer(bstr s) {
    static struct utsname name;
    if (!name.sysname[0]) uname(&name);
    long long uptime = (long long)(cachedClock.unixtime - server.startTime);
    /* Redis's LRU clock: seconds, wrapping at 24 bits. */
    unsigned int lruClock = (unsigned int)((cachedClock.mstime / 1000) & ((1 << 24) - 1));
    s = bstrCatPrintf(s,
        "# Server\r\n"
        "redis_version:%s\r\n"
        "redis_kv_version:%s\r\n"
        "redis_git_sha1:00000000\r\n"
        "redis_git_dirty:0\r\n"
        "redis_build_id:%llx\r\n"
        "redis_mode:standalone\r\n"
        "os:%s %s %s\r\n"
        "arch_bits:%d\r\n"
        "monotonic_clock:POSIX clock_gettime\r\n"
        "multiplexing_api:epoll\r\n"
        "atomicvar_api:c11-builtin\r\n" /* the build is C11: <stdatomic.h> */
        "gcc_version:%d.%d.%d\r\n"
        "process_id:%lld\r\n"
        "process_supervised:no\r\n"
        "run_id:%s\r\n"
        "tcp_port:%d\r\n"
        "server_time_usec:%lld\r\n"
        "uptime_in_seconds:%lld\r\n"
        "uptime_in_days:%lld\r\n"
        "hz:%d\r\n"
        "configured_hz:%d\r\n"
        "lru_clock:%u\r\n"
        "executable:%s\r\n"
        "config_file:%s\r\n"
        "io_threads_active:0\r\n",
        REDIS_API_VERSION, REDIS_KV_VERSION, buildId(),
        name.sysname, name.release, name.machine,
        (int)(sizeof(long) * 8),
#ifdef __GNUC__
        __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
        0, 0, 0,
#endif
        (long long)getpid(), server.runId, server.port, cachedClock.ustime,
        uptime, uptime / (3600 * 24), server.hz, server.configHz, lruClock,
        server.executable ? server.executable : "",
        server.configfile ? server.configfile : "");
    return s;
}

/* ---------------------------------------------------------------- clients */

static bstr infoSectionClients(bstr s) {
    return bstrCatPrintf(s,
        "# Clients\r\n"
        "connected_clients:%lu\r\n"
        "cluster_connections:0\r\n"
        "maxclients:%u\r\n"
        "client_recent_max_input_buffer:%lld\r\n"
        "client_recent_max_output_buffer:%lld\r\n"
        "blocked_clients:%lu\r\n"
        "tracking_clients:%llu\r\n"
        "clients_in_timeout_table:%lu\r\n",
        (unsigned long)listLength(server.clients), server.maxclients,
        clientsMaxQueryBuf(), clientsMaxOutputBuf(),
        clientsPausedCount() + blockingClientCount(), trackingClients,
        blockingClientsWithTimeout());
}

/* ----------------------------------------------------------------- memory */

/* Resident set size of the process, from /proc/self/statm (in pages). */
static size_t processRss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    return n == 2 ? (size_t)resident * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

static size_t totalSystemMemory(void) {
    long pages = sysconf(_SC_PHYS_PAGES), pagesize = sysconf(_SC_PAGESIZE);
    return pages > 0 && pagesize > 0 ? (size_t)pages * (size_t)pagesize : 0;
}

/* Memory held for clients, each as CLIENT LIST tot-mem counts it (what
 * maxmemory-clients limits).  All clients count as "normal": there are no
 * replicas. */
static size_t clientsMemory(void) {
    size_t total = 0;
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln))
        total += clientTotalMemory(listNodeValue(ln));
    return total;
}

void infoGetMemory(memInfo *m) {
    memset(m, 0, sizeof(*m));
    m->used = allocUsedMemory();
    m->rss = processRss();
#ifdef USE_JEMALLOC
    size_t sz = sizeof(size_t);
    mallctl("stats.allocated", &m->allocated, &sz, NULL, 0);
    mallctl("stats.active", &m->active, &sz, NULL, 0);
    mallctl("stats.resident", &m->resident, &sz, NULL, 0);
#endif
    /* Without allocator statistics, fall back as Redis does: allocated is
     * what we count, active and resident are the RSS. */
    if (!m->resident) m->resident = m->rss;
    if (!m->active) m->active = m->resident;
    if (!m->allocated) m->allocated = m->used;
    /* The cron samples the peak; INFO itself may see a higher value. */
    if ((long long)m->used > server.statPeakMemory)
        server.statPeakMemory = (long long)m->used;
    m->peak = (size_t)server.statPeakMemory;
    m->startup = startupMemory;
    m->clients = clientsMemory();
    /* Overhead is everything that is not data: what start-up allocated,
     * the clients' buffers and the key directories' bucket arrays. */
    m->keydirTables = 0;
    for (int db = 0; db < server.dbnum; db++)
        m->keydirTables += dbKeydirTableBytes(db);
    m->overhead = m->startup + m->clients + m->keydirTables;
    m->dataset = m->used > m->overhead ? m->used - m->overhead : 0;
}

/* The scripting fields of INFO memory, as Redis 7.0 names them: the
 * interpreters' heaps (vm) and the caches' own bytes. */
static bstr infoScriptsMemory(bstr s) {
    char evalH[32], vmH[32], scriptsH[32];
    size_t vmEval = evalInterpreterBytes(), vmFunctions = functionInterpreterBytes();
    size_t evalCache = evalCacheBytes(), functionsBytes = functionCodeBytes();
    return bstrCatPrintf(s,
        "used_memory_lua:%zu\r\n"
        "used_memory_vm_eval:%zu\r\n"
        "used_memory_lua_human:%s\r\n"
        "used_memory_scripts_eval:%zu\r\n"
        "number_of_cached_scripts:%zu\r\n"
        "number_of_functions:%zu\r\n"
        "number_of_libraries:%zu\r\n"
        "used_memory_vm_functions:%zu\r\n"
        "used_memory_vm_total:%zu\r\n"
        "used_memory_vm_total_human:%s\r\n"
        "used_memory_functions:%zu\r\n"
        "used_memory_scripts:%zu\r\n"
        "used_memory_scripts_human:%s\r\n",
        vmEval, vmEval, humanBytes(evalH, sizeof(evalH), vmEval), evalCache,
        evalCachedScripts(), functionCount(), functionLibraryCount(), vmFunctions,
        vmEval + vmFunctions,
        humanBytes(vmH, sizeof(vmH), vmEval + vmFunctions), functionsBytes,
        evalCache + functionsBytes, humanBytes(scriptsH, sizeof(scriptsH), evalCache + functionsBytes));
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0; }

static bstr infoSectionMemory(bstr s) {
    memInfo m;
    infoGetMemory(&m);
    char usedH[32], rssH[32], peakH[32], sysH[32];
    size_t sysmem = totalSystemMemory();
    size_t netUsage = m.used > m.startup ? m.used - m.startup : 1;
    uint64_t lazyPending, lazyFreed;
    dbLazyfreeStats(&lazyPending, &lazyFreed);
    s = bstrCatPrintf(s,
        "# Memory\r\n"
        "used_memory:%zu\r\n"
        "used_memory_human:%s\r\n"
        "used_memory_rss:%zu\r\n"
        "used_memory_rss_human:%s\r\n"
        "used_memory_peak:%zu\r\n"
        "used_memory_peak_human:%s\r\n"
        "used_memory_peak_perc:%.2f%%\r\n"
        "used_memory_overhead:%zu\r\n"
        "used_memory_startup:%zu\r\n"
        "used_memory_dataset:%zu\r\n"
        "used_memory_dataset_perc:%.2f%%\r\n"
        "allocator_allocated:%zu\r\n"
        "allocator_active:%zu\r\n"
        "allocator_resident:%zu\r\n"
        "total_system_memory:%zu\r\n"
        "total_system_memory_human:%s\r\n",
        m.used, humanBytes(usedH, sizeof(usedH), m.used),
        m.rss, humanBytes(rssH, sizeof(rssH), m.rss),
        m.peak, humanBytes(peakH, sizeof(peakH), m.peak),
        ratio(m.used, m.peak) * 100,
        m.overhead, m.startup, m.dataset, ratio(m.dataset, netUsage) * 100,
        m.allocated, m.active, m.resident,
        sysmem, humanBytes(sysH, sizeof(sysH), sysmem));
    s = infoScriptsMemory(s);
    char maxH[32];
    size_t maxmemory = (size_t)evictSettings.maxmemory;
    s = bstrCatPrintf(s,
        "maxmemory:%zu\r\n"
        "maxmemory_human:%s\r\n"
        "maxmemory_policy:%s\r\n",
        maxmemory, humanBytes(maxH, sizeof(maxH), maxmemory),
        evictPolicyName());
    /* redis-kv only: the data directory's bound (db/evict.h). */
    s = bstrCatPrintf(s, "maxdisk:%lld\r\nused_disk:%llu\r\n", evictSettings.maxdisk,
                      evictSettings.maxdisk > 0 ? evictDiskUsed() : 0ULL);
    /* Differences may be negative (e.g. RSS below the allocator's view
     * right after start-up): printed signed, as Redis's %zd does. */
    s = bstrCatPrintf(s,
        "allocator_frag_ratio:%.2f\r\n"
        "allocator_frag_bytes:%lld\r\n"
        "allocator_rss_ratio:%.2f\r\n"
        "allocator_rss_bytes:%lld\r\n"
        "rss_overhead_ratio:%.2f\r\n"
        "rss_overhead_bytes:%lld\r\n"
        "mem_fragmentation_ratio:%.2f\r\n"
        "mem_fragmentation_bytes:%lld\r\n"
        "mem_not_counted_for_evict:%zu\r\n"
        "mem_replication_backlog:0\r\n"
        "mem_total_replication_buffers:0\r\n"
        "mem_clients_slaves:0\r\n"
        "mem_clients_normal:%zu\r\n"
        "mem_cluster_links:0\r\n"
        "mem_aof_buffer:0\r\n"
        "mem_allocator:%s\r\n"
        "active_defrag_running:0\r\n"
        "lazyfree_pending_objects:%llu\r\n"
        "lazyfreed_objects:%llu\r\n",
        ratio(m.active, m.allocated), (long long)m.active - (long long)m.allocated,
        ratio(m.resident, m.active), (long long)m.resident - (long long)m.active,
        ratio(m.rss, m.resident), (long long)m.rss - (long long)m.resident,
        ratio(m.rss, m.used), (long long)m.rss - (long long)m.used,
        evictNotCountedMemory(), m.clients, allocatorName(), (unsigned long long)lazyPending,
        (unsigned long long)lazyFreed);
    return s;
}

/* ------------------------------------------------------------------ stats */

static bstr infoSectionStats(bstr s) {
    evictStats ev;
    evictGetStats(&ev);
    return bstrCatPrintf(s,
        "# Stats\r\n"
        "total_connections_received:%lld\r\n"
        "total_commands_processed:%lld\r\n"
        "instantaneous_ops_per_sec:%lld\r\n"
        "total_net_input_bytes:%lld\r\n"
        "total_net_output_bytes:%lld\r\n"
        "total_net_repl_input_bytes:0\r\n"
        "total_net_repl_output_bytes:0\r\n"
        "instantaneous_input_kbps:%.2f\r\n"
        "instantaneous_output_kbps:%.2f\r\n"
        "instantaneous_input_repl_kbps:0.00\r\n"
        "instantaneous_output_repl_kbps:0.00\r\n"
        "rejected_connections:%lld\r\n"
        "sync_full:0\r\n"
        "sync_partial_ok:0\r\n"
        "sync_partial_err:0\r\n"
        "expired_keys:%lld\r\n"
        "expired_stale_perc:%.2f\r\n"
        "expired_time_cap_reached_count:%lld\r\n"
        "expire_cycle_cpu_milliseconds:%lld\r\n"
        "evicted_keys:%lld\r\n"
        "evicted_clients:%lld\r\n"
        "total_eviction_exceeded_time:%lld\r\n"
        "current_eviction_exceeded_time:%lld\r\n"
        "keyspace_hits:0\r\n"
        "keyspace_misses:0\r\n"
        "pubsub_channels:%lu\r\n"
        "pubsub_patterns:%lu\r\n"
        "pubsubshard_channels:%lu\r\n"
        "latest_fork_usec:0\r\n"
        "total_forks:0\r\n"
        "migrate_cached_sockets:0\r\n"
        "slave_expires_tracked_keys:0\r\n"
        "active_defrag_hits:0\r\n"
        "active_defrag_misses:0\r\n"
        "active_defrag_key_hits:0\r\n"
        "active_defrag_key_misses:0\r\n"
        "total_active_defrag_time:0\r\n"
        "current_active_defrag_time:0\r\n"
        "tracking_total_keys:%lu\r\n"
        "tracking_total_items:%llu\r\n"
        "tracking_total_prefixes:%lu\r\n"
        "unexpected_error_replies:%lld\r\n"
        "total_error_replies:%lld\r\n"
        "dump_payload_sanitizations:0\r\n"
        "total_reads_processed:%lld\r\n"
        "total_writes_processed:%lld\r\n"
        "io_threaded_reads_processed:0\r\n"
        "io_threaded_writes_processed:0\r\n"
        /* These two appeared in later Redis versions, at this place. */
        "client_query_buffer_limit_disconnections:%lld\r\n"
        "client_output_buffer_limit_disconnections:%lld\r\n"
        "reply_buffer_shrinks:0\r\n"
        "reply_buffer_expands:0\r\n",
        server.statNumConnections, commandCallsTotal(),
        server.statInstantaneousOps, server.statNetInputBytes,
        server.statNetOutputBytes,
        (double)server.statInstantaneousNetIn / 1024,
        (double)server.statInstantaneousNetOut / 1024,
        server.statRejectedConn, server.statExpiredKeys, expireCycleStalePerc(),
        expireCycleTimeCapReached(), expireCycleCpuMs(), ev.evictedKeys, server.statEvictedClients,
        ev.totalExceededMs, ev.currentExceededMs,
        pubsubCount(PUBSUB_CHANNEL), pubsubCount(PUBSUB_PATTERN), pubsubCount(PUBSUB_SHARD),
        trackingTableKeys(), trackingTableItems(), trackingPrefixCount(),
        server.statUnexpectedErrorReplies, server.statTotalErrorReplies,
        server.statTotalReadsProcessed, server.statTotalWritesProcessed,
        server.statQbufLimitDisconnections, server.statObufLimitDisconnections);
}

/* -------------------------------------------------------------------- cpu */

static bstr infoSectionCpu(bstr s) {
    struct rusage self, children, thread;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    /* INFO runs on the reactor thread, which is the main thread. */
    getrusage(RUSAGE_THREAD, &thread);
    return bstrCatPrintf(s,
        "# CPU\r\n"
        "used_cpu_sys:%ld.%06ld\r\n"
        "used_cpu_user:%ld.%06ld\r\n"
        "used_cpu_sys_children:%ld.%06ld\r\n"
        "used_cpu_user_children:%ld.%06ld\r\n"
        "used_cpu_sys_main_thread:%ld.%06ld\r\n"
        "used_cpu_user_main_thread:%ld.%06ld\r\n",
        (long)self.ru_stime.tv_sec, (long)self.ru_stime.tv_usec,
        (long)self.ru_utime.tv_sec, (long)self.ru_utime.tv_usec,
        (long)children.ru_stime.tv_sec, (long)children.ru_stime.tv_usec,
        (long)children.ru_utime.tv_sec, (long)children.ru_utime.tv_usec,
        (long)thread.ru_stime.tv_sec, (long)thread.ru_stime.tv_usec,
        (long)thread.ru_utime.tv_sec, (long)thread.ru_utime.tv_usec);
}

/* ----------------------------------------------------------- commandstats */

/* One line per command or subcommand that was called, rejected or failed;
 * a container's own line comes before its subcommands'. */
static void catCommandStats(command *cmd, void *privdata) {
    bstr *s = privdata;
    const commandStats *st = &cmd->stats;
    if (st->calls || st->rejectedCalls || st->failedCalls) {
        *s = bstrCat(*s, "cmdstat_");
        *s = catSafeName(*s, cmd->fullname, bstrLen(cmd->fullname));
        *s = bstrCatPrintf(*s,
            ":calls=%lld,usec=%lld,usec_per_call=%.2f,rejected_calls=%lld,failed_calls=%lld\r\n",
            st->calls, st->microseconds,
            st->calls ? (double)st->microseconds / (double)st->calls : 0.0,
            st->rejectedCalls, st->failedCalls);
    }
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++)
            catCommandStats(sub, privdata);
}

static bstr infoSectionCommandstats(bstr s) {
    s = bstrCat(s, "# Commandstats\r\n");
    commandForEach(catCommandStats, &s);
    return s;
}

/* ------------------------------------------------------------- errorstats */

typedef struct errorCount {
    bstr code;
    unsigned long long count;
} errorCount;

static int compareErrorCodes(const void *a, const void *b) {
    bstr x = ((const errorCount *)a)->code, y = ((const errorCount *)b)->code;
    size_t lx = bstrLen(x), ly = bstrLen(y);
    int cmp = memcmp(x, y, lx < ly ? lx : ly);
    if (cmp) return cmp;
    return lx < ly ? -1 : lx > ly;
}

/* Redis keeps error codes in a radix tree, so they come out sorted
 * bytewise; the dict here has no order, hence the sort. */
static bstr infoSectionErrorstats(bstr s) {
    s = bstrCat(s, "# Errorstats\r\n");
    unsigned long n = dictSize(server.errorStats);
    if (n == 0) return s;
    errorCount *errors = xmalloc(sizeof(*errors) * n);
    unsigned long i = 0;
    dictIterator *it = dictGetIterator(server.errorStats);
    for (dictEntry *de = dictNext(it); de && i < n; de = dictNext(it)) {
        errors[i].code = dictGetKey(de);
        errors[i].count = (uintptr_t)dictGetVal(de);
        i++;
    }
    dictReleaseIterator(it);
    qsort(errors, i, sizeof(*errors), compareErrorCodes);
    for (unsigned long j = 0; j < i; j++) {
        s = bstrCat(s, "errorstat_");
        s = catSafeName(s, errors[j].code, bstrLen(errors[j].code));
        s = bstrCatPrintf(s, ":count=%llu\r\n", errors[j].count);
    }
    xfree(errors);
    return s;
}

/* ------------------------------------------------------------ persistence */

/* Redis's field list, with the meaning each has here: there is no fork
 * (cow fields 0), the log is always on (aof_enabled:1), an "AOF rewrite"
 * is a compaction of the log (BGREWRITEAOF starts one), and the rdb_*
 * fields describe snapshots (BGSAVE, SAVE, `save` points: backups). */
static bstr infoSectionPersistence(bstr s) {
    persistInfo pi;
    persistGetInfo(&pi);
    const storeStats st = pi.store;
    long long lastRewriteSec =
        st.compactionsDone + st.compactionsFailed ? (long long)(st.lastCompactionMs / 1000) : -1;
    long long currentRewriteSec = st.compacting ? (long long)(st.compactCurrentMs / 1000) : -1;
    return bstrCatPrintf(s,
        "# Persistence\r\n"
        "loading:0\r\nasync_loading:0\r\n"
        "current_cow_peak:0\r\ncurrent_cow_size:0\r\ncurrent_cow_size_age:0\r\n"
        "current_fork_perc:0.00\r\ncurrent_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n"
        "rdb_changes_since_last_save:%lld\r\nrdb_bgsave_in_progress:%d\r\n"
        "rdb_last_save_time:%lld\r\nrdb_last_bgsave_status:%s\r\n"
        "rdb_last_bgsave_time_sec:%lld\r\nrdb_current_bgsave_time_sec:%lld\r\n"
        "rdb_saves:%lld\r\nrdb_last_cow_size:0\r\n"
        "rdb_last_load_keys_expired:0\r\nrdb_last_load_keys_loaded:%llu\r\n"
        "aof_enabled:1\r\naof_rewrite_in_progress:%d\r\naof_rewrite_scheduled:%d\r\n"
        "aof_last_rewrite_time_sec:%lld\r\naof_current_rewrite_time_sec:%lld\r\n"
        "aof_last_bgrewrite_status:%s\r\naof_rewrites:%llu\r\n"
        "aof_rewrites_consecutive_failures:%llu\r\naof_last_write_status:%s\r\n"
        "aof_last_cow_size:0\r\nmodule_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n"
        "aof_current_size:%llu\r\naof_base_size:%llu\r\naof_pending_rewrite:0\r\n"
        "aof_buffer_length:0\r\naof_pending_bio_fsync:0\r\naof_delayed_fsync:0\r\n",
        pi.changesSinceSave, pi.bgsaveInProgress, (long long)pi.lastSave,
        pi.lastBgsaveOk ? "ok" : "err", pi.lastBgsaveTimeSec, pi.currentBgsaveSec,
        pi.saves, (unsigned long long)st.recordsLoaded,
        st.compacting, pi.rewriteScheduled, lastRewriteSec, currentRewriteSec,
        st.lastCompactionOk ? "ok" : "err", (unsigned long long)st.compactionsStarted,
        (unsigned long long)st.compactFailStreak, st.lastWriteErrno ? "err" : "ok",
        (unsigned long long)st.totalBytes, pi.baseBytes);
}

/* ---------------------------------------------------------------- storage */

/* Bytes this process made the disk read (/proc/self/io read_bytes: page
 * faults and the cold-read threads alike), or -1 where the kernel does
 * not say. */
static long long processDiskReadBytes(void) {
    FILE *fp = fopen("/proc/self/io", "r");
    if (!fp) return -1;
    char line[128];
    long long v = -1;
    while (fgets(line, sizeof(line), fp))
        if (sscanf(line, "read_bytes: %lld", &v) == 1) break;
    fclose(fp);
    return v;
}

/* Page faults that made the event loop wait for the disk (INFO runs on
 * it): a read the page map did not foresee, or code paged out under
 * memory pressure.  -1 where the kernel does not say. */
static long long eventLoopMajorFaults(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_THREAD, &ru) != 0) return -1;
    return (long long)ru.ru_majflt;
}

/* The cold reads of the storage section (command/coldwait.h, store.h):
 * requests parked and for how long, the reads made for them, and what
 * the last sweep saw of the segments in memory. */
static bstr infoColdReads(bstr s, const storeStats *st) {
    coldWaitStats cw;
    coldWaitGetStats(&cw);
    return bstrCatPrintf(s,
        "storage_cold_read_threads:%d\r\n"
        "storage_cold_requests_parked:%llu\r\nstorage_cold_requests_waiting:%llu\r\n"
        "storage_cold_parked_usec:%llu\r\nstorage_cold_parked_usec_per_request:%.2f\r\n"
        "storage_cold_reads:%llu\r\nstorage_cold_read_bytes:%llu\r\n"
        "storage_cold_read_bytes_per_read:%.2f\r\nstorage_cold_read_errors:%llu\r\n"
        "storage_pages_in_memory:%llu\r\nstorage_pages_not_in_memory:%llu\r\n"
        "storage_residency_sweeps:%llu\r\nstorage_last_residency_sweep_usec:%llu\r\n"
        "storage_process_disk_read_bytes:%lld\r\nstorage_event_loop_major_faults:%lld\r\n",
        server.coldReadThreads, cw.parked, cw.waiting, cw.parkedUs,
        cw.parked ? (double)cw.parkedUs / (double)cw.parked : 0.0,
        (unsigned long long)st->coldReads, (unsigned long long)st->coldReadBytes,
        st->coldReads ? (double)st->coldReadBytes / (double)st->coldReads : 0.0,
        (unsigned long long)st->coldReadErrors, (unsigned long long)st->coldPagesIn,
        (unsigned long long)st->coldPagesOut, (unsigned long long)st->coldSweeps,
        (unsigned long long)st->coldLastSweepUs, processDiskReadBytes(), eventLoopMajorFaults());
}

/* redis-kv's own section: the shape and health of the segmented log. */
static bstr infoSectionStorage(bstr s) {
    storeStats st;
    persistGetStoreStats(&st);
    uint64_t dead = st.totalBytes > st.liveBytes ? st.totalBytes - st.liveBytes : 0;
    static const char *policies[] = {"no", "always", "everysec"};
    s = bstrCatPrintf(s,
        "# Storage\r\n"
        "storage_segments:%llu\r\nstorage_total_bytes:%llu\r\nstorage_live_bytes:%llu\r\n"
        "storage_dead_bytes:%llu\r\nstorage_garbage_ratio:%.4f\r\nstorage_keydir_bytes:%llu\r\n"
        "storage_compacting:%d\r\nstorage_compactions:%llu\r\n"
        "storage_compactions_failed:%llu\r\nstorage_last_compaction_ms:%llu\r\n"
        "storage_compaction_bytes_written:%llu\r\nstorage_compaction_keys_moved:%llu\r\n"
        "storage_last_recovery_ms:%llu\r\n"
        "storage_records_loaded:%llu\r\nstorage_segments_from_hints:%llu\r\n"
        "storage_torn_bytes_cut:%llu\r\nstorage_damage_reports:%llu\r\n"
        "storage_last_seq:%llu\r\nstorage_write_errors:%llu\r\n"
        "storage_appendfsync:%s\r\nstorage_last_fsync_ms:%lld\r\n"
        "storage_verify_in_progress:%d\r\nstorage_verify_segments_done:%llu\r\n"
        "storage_verify_segments_skipped:%llu\r\nstorage_verify_bytes:%llu\r\n"
        "storage_verify_damaged_records:%llu\r\nstorage_verify_read_errors:%llu\r\n"
        "storage_verify_last_damage:%s\r\n",
        (unsigned long long)st.segments, (unsigned long long)st.totalBytes,
        (unsigned long long)st.liveBytes, (unsigned long long)dead,
        st.totalBytes ? (double)dead / (double)st.totalBytes : 0.0,
        (unsigned long long)st.keydirBytes, st.compacting,
        (unsigned long long)st.compactionsDone, (unsigned long long)st.compactionsFailed,
        (unsigned long long)st.lastCompactionMs, (unsigned long long)st.compactBytesWritten,
        (unsigned long long)st.compactRelocated,
        (unsigned long long)st.recoveryMs,
        (unsigned long long)st.recordsLoaded, (unsigned long long)st.segmentsFromHints,
        (unsigned long long)st.tornBytes, (unsigned long long)st.damageReports,
        (unsigned long long)st.lastSeq, (unsigned long long)st.writeErrors,
        policies[server.appendfsync], (long long)st.lastFsyncMs,
        st.verify.inProgress, (unsigned long long)st.verify.segmentsDone,
        (unsigned long long)st.verify.segmentsSkipped, (unsigned long long)st.verify.bytes,
        (unsigned long long)st.verify.damaged, (unsigned long long)st.verify.readErrors,
        st.verify.lastDamage);
    return infoColdReads(s, &st);
}

/* ------------------------------------------------------------ replication */

/* A standalone master with no replicas and no backlog, field for field as
 * Redis 7.0 prints it; Sentinel reads role and the replication ids. */
static bstr infoSectionReplication(bstr s) {
    return bstrCatPrintf(s,
        "# Replication\r\n"
        "role:master\r\n"
        "connected_slaves:0\r\n"
        "master_failover_state:no-failover\r\n"
        "master_replid:%s\r\n"
        "master_replid2:0000000000000000000000000000000000000000\r\n"
        "master_repl_offset:0\r\n"
        "second_repl_offset:-1\r\n"
        "repl_backlog_active:0\r\n"
        "repl_backlog_size:1048576\r\n"
        "repl_backlog_first_byte_offset:0\r\n"
        "repl_backlog_histlen:0\r\n",
        replicationMasterReplid());
}

/* ---------------------------------------------- modules, latency, cluster */

/* No modules are ever loaded: the header alone, as Redis prints it. */
static bstr infoSectionModules(bstr s) { return bstrCat(s, "# Modules\r\n"); }

static bstr infoSectionLatencystats(bstr s) { return latencyInfoSection(s); }

bstr infoCatSafeName(bstr s, const char *name, size_t len) { return catSafeName(s, name, len); }

static bstr infoSectionCluster(bstr s) {
    return bstrCat(s, "# Cluster\r\ncluster_enabled:0\r\n");
}

/* --------------------------------------------------------------- keyspace */

/* One line per non-empty database: "db0:keys=N,expires=M,avg_ttl=T".
 * avg_ttl (ms) is the active expiry cycle's estimate from the TTLs it
 * samples (db/expire_cycle.h); 0 until it sampled some, and when no key
 * has a TTL, as in Redis. */
static bstr infoSectionKeyspace(bstr s) {
    s = bstrCat(s, "# Keyspace\r\n");
    for (int db = 0; db < server.dbnum; db++) {
        long long keys = dbSize(db);
        if (keys == 0) continue;
        s = bstrCatPrintf(s, "db%d:keys=%lld,expires=%lld,avg_ttl=%lld\r\n", db, keys,
                          dbExpiresCount(db), expireCycleAvgTtl(db));
    }
    return s;
}

/* ---------------------------------------------------------------- assembly */

static const struct infoSection {
    const char *name;
    infoSectionProc *proc;
    int isDefault; /* printed by INFO without arguments and by INFO default */
} infoSections[] = {
    {"server", infoSectionServer, 1},
    {"clients", infoSectionClients, 1},
    {"memory", infoSectionMemory, 1},
    {"persistence", infoSectionPersistence, 1},
    {"stats", infoSectionStats, 1},
    {"replication", infoSectionReplication, 1},
    {"cpu", infoSectionCpu, 1},
    {"modules", infoSectionModules, 1},
    {"commandstats", infoSectionCommandstats, 0},
    {"errorstats", infoSectionErrorstats, 1},
    {"latencystats", infoSectionLatencystats, 0},
    {"cluster", infoSectionCluster, 1},
    {"keyspace", infoSectionKeyspace, 1},
    {"storage", infoSectionStorage, 1},
};

#define INFO_SECTION_COUNT (sizeof(infoSections) / sizeof(infoSections[0]))

bstr infoGenerate(const char *const *sections, int count) {
    int want[INFO_SECTION_COUNT] = {0};
    int wantDefault = count == 0, wantAll = 0;
    for (int i = 0; i < count; i++) {
        const char *arg = sections[i];
        /* "all" is everything but module-generated sections, which only
         * "everything" adds; there are no modules, so they are the same. */
        if (!strcasecmp(arg, "all") || !strcasecmp(arg, "everything")) wantAll = 1;
        else if (!strcasecmp(arg, "default")) wantDefault = 1;
        for (size_t j = 0; j < INFO_SECTION_COUNT; j++)
            if (!strcasecmp(arg, infoSections[j].name)) want[j] = 1;
    }
    bstr s = bstrEmpty();
    int printed = 0;
    for (size_t j = 0; j < INFO_SECTION_COUNT; j++) {
        if (!(wantAll || want[j] || (wantDefault && infoSections[j].isDefault)))
            continue;
        if (printed++) s = bstrCat(s, "\r\n");
        s = infoSections[j].proc(s);
    }
    return s;
}

void infoCommand(client *c) {
    /* argv entries are bstrs, which are also NUL-terminated C strings. */
    bstr s = infoGenerate((const char *const *)(c->argv + 1), c->argc - 1);
    replyVerbatim(c, s, bstrLen(s), "txt");
    bstrFree(s);
}
