/* server/main.c -- start-up, the reactor hooks, and shutdown.
 *
 * Start-up order: defaults, config file and command-line options (a bad
 * directive exits with status 1 before anything else happens), daemonize,
 * signals, open-file limits, reactor, listeners, cron, then the loop. */
#include "client/client.h"
#include "cmd/acl_cmd.h"
#include "cmd/handlers.h"
#include "cmd/info.h"
#include "cmd/latency.h"
#include "cmd/monitor.h"
#include "cmd/slowlog.h"
#include "command/coldwait.h"
#include "command/command.h"
#include "command/multi_state.h"
#include "command/write_outcome.h"
#include "db/db.h"
#include "db/evict.h"
#include "db/expire_cycle.h"
#include "db/persist.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/dict.h"
#include "pubsub/pubsub.h"
#include "pubsub/notify.h"
#include "pubsub/tracking.h"
#include "script/function.h"
#include "script/script.h"
#include "server/config.h"
#include "cmd/changefeed.h"
#include "command/blocking.h"
#include "server/server.h"
#include "store/backup.h"
#include "store/lazyfree.h"
#include "store/store.h"

#include <locale.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

struct redisServer server;

static const char *allocatorName(void) {
#ifdef USE_JEMALLOC
    return "jemalloc";
#else
    return "libc";
#endif
}

static uint64_t bstrCaseHash(const void *key) {
    return dictGenCaseHashFunction(key, bstrLen((bstr)key));
}

static int bstrEqual(const void *a, const void *b) {
    return bstrLen((bstr)a) == bstrLen((bstr)b) && memcmp(a, b, bstrLen((bstr)a)) == 0;
}

static void bstrDictFree(void *p) { bstrFree(p); }

static const dictType errorStatsDictType = {
    .hash = bstrCaseHash, .keyEqual = bstrEqual, .keyFree = bstrDictFree, .valFree = NULL};

static void generateRunId(char *out) {
    static const char hex[] = "0123456789abcdef";
    unsigned char rnd[20];
    int fd = open("/dev/urandom", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, rnd, sizeof(rnd)) : -1;
    if (fd >= 0) close(fd);
    if (n != (ssize_t)sizeof(rnd))
        for (size_t i = 0; i < sizeof(rnd); i++) rnd[i] = (unsigned char)(rand() ^ (int)i);
    for (size_t i = 0; i < sizeof(rnd); i++) {
        out[i * 2] = hex[rnd[i] >> 4];
        out[i * 2 + 1] = hex[rnd[i] & 15];
    }
    out[40] = '\0';
    uint8_t seed[16];
    memcpy(seed, rnd, sizeof(seed));
    dictSetHashSeed(seed);
}

/* dbContext's expiryHeld: CLIENT PAUSE holds expiry. */
static int expiryHeldByPause(void) { return !clientsPauseExpired(); }

/* The lazy-free thread (store/lazyfree.h): started with the keyspace,
 * stopped after the data set is closed at shutdown, so it outlives every
 * store it frees for.  NULL if it could not start: everything is then
 * freed on the event loop. */
static lazyfree *lazyFreer;

/* Hands db/ what it runs on (the store follows when it is opened). */
static void initKeyspace(void) {
    char err[256];
    lazyFreer = lazyfreeStart(err, sizeof(err));
    if (!lazyFreer) serverLog(LL_WARNING, "%s: freeing on the main thread", err);
    dbContext ctx = {
        .store = NULL,
        .dbnum = server.dbnum,
        .nowMs = &cachedClock.mstime,
        .changes = &server.dirty,
        .expiredKeys = &server.statExpiredKeys,
        .expiryHeld = expiryHeldByPause,
        .deferWrites = 1,
        .lazyfree = lazyFreer,
    };
    dbInit(&ctx);
}

static void initServerState(void) {
    memset(&server, 0, sizeof(server));
    server.pid = getpid();
    server.sofd = -1;
    logSettings.signalFd = -1;
    server.nextClientId = 1;
    server.clients = listCreate();
    server.clientsPendingWrite = listCreate();
    server.clientsToClose = listCreate();
    server.monitors = listCreate();
    server.pausedClients = listCreate();
    server.slowlog = listCreate();
    server.errorStats = dictCreate(&errorStatsDictType);
    server.activeExpireEnabled = 1;
    generateRunId(server.runId);
    cachedClockUpdate();
    configInitDefaults();
}

void resetServerStats(void) {
    server.statNumConnections = 0;
    server.statRejectedConn = 0;
    server.statExpiredKeys = 0;
    expireCycleResetStats();
    evictResetStats();
    server.statNetInputBytes = 0;
    server.statNetOutputBytes = 0;
    server.statTotalErrorReplies = 0;
    server.statUnexpectedErrorReplies = 0;
    server.statQbufLimitDisconnections = 0;
    server.statObufLimitDisconnections = 0;
    server.statTotalReadsProcessed = 0;
    server.statTotalWritesProcessed = 0;
    server.statPeakMemory = 0;
    server.statInstantaneousOps = 0;
    server.statInstantaneousNetIn = 0;
    server.statInstantaneousNetOut = 0;
    /* The counters the samples are taken from start again at 0: so do
     * their bases, or the next sample would be negative. */
    server.statInstantaneousOpsBase = 0;
    server.statNetInBase = 0;
    server.statNetOutBase = 0;
    dictEmpty(server.errorStats);
    commandResetStats();
    latencyTrackingReset();
    lazyfreeResetStats(lazyFreer);
}

/* Raises RLIMIT_NOFILE so maxclients clients plus the server's own files
 * fit, and sizes the reactor to match.  If the limit cannot be raised
 * enough, maxclients is lowered to what fits (with a warning), as Redis
 * does at start-up; at runtime (CONFIG SET) that is an error instead. */
int adjustOpenFilesLimit(unsigned int maxclients, char *err, size_t errlen) {
    rlim_t want = (rlim_t)maxclients + CONFIG_MIN_RESERVED_FDS;
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == -1) {
        snprintf(err, errlen, "getrlimit: %s", strerror(errno));
        return -1;
    }
    if (lim.rlim_cur < want) {
        struct rlimit nl = lim;
        nl.rlim_cur = want;
        if (nl.rlim_max < want) nl.rlim_max = want;
        if (setrlimit(RLIMIT_NOFILE, &nl) == -1) {
            nl.rlim_max = lim.rlim_max;
            nl.rlim_cur = lim.rlim_max < want ? lim.rlim_max : want;
            if (setrlimit(RLIMIT_NOFILE, &nl) == 0) lim = nl;
        } else {
            lim = nl;
        }
    }
    if (lim.rlim_cur < want) {
        unsigned int fits = lim.rlim_cur > CONFIG_MIN_RESERVED_FDS
                                ? (unsigned int)(lim.rlim_cur - CONFIG_MIN_RESERVED_FDS)
                                : 1;
        if (server.el) {
            snprintf(err, errlen, "The operating system is not able to handle the specified number of clients, try with %u",
                     fits);
            return -1;
        }
        serverLog(LL_WARNING,
                  "You requested maxclients of %u requiring at least %llu max file descriptors. "
                  "Server can't set maximum open files to %llu; maxclients has been reduced to %u.",
                  maxclients, (unsigned long long)want, (unsigned long long)want, fits);
        server.maxclients = fits;
        maxclients = fits;
    }
    if (server.el) {
        int setsize = (int)maxclients + CONFIG_FDSET_INCR;
        if (reactorResize(server.el, setsize) == RE_ERR) {
            snprintf(err, errlen, "The event loop API used by Redis is not able to handle the specified number of clients");
            return -1;
        }
    }
    return 0;
}

static void beforeSleep(reactor *r) {
    (void)r;
    server.inBeforeSleep = 1;
    cachedClockUpdate();
    /* Requests OpenSSL decrypted already run now, with this iteration's
     * writes and replies: no socket event would wake us for them. */
    clientsProcessTlsPending();
    long long started = monotonicUs();
    changefeedScopeBegin();
    if (server.activeExpireEnabled) expireCycleRunFast();
    changefeedScopeEnd();
    blockingServeReadyKeys();
    latencyAddSampleIfNeeded("expire-cycle", (monotonicUs() - started) / 1000);
    trackingBroadcastInvalidations();
    /* The cold reads the iteration's requests parked on go to the
     * threads in one batch (command/coldwait.h). */
    if (server.store) storeColdReadKick(server.store);
    /* Every write of this iteration goes to the log in one write, before
     * any reply leaves; if it fails, the writes are undone and the
     * commands they concern are answered -MISCONF (write_outcome.h). */
    dbFlushWrites();
    outcomeSettle();
    /* appendfsync always: one fdatasync for every write of this iteration,
     * before any of their replies leaves (group commit).  Its duration is
     * the latency monitor's "aof-fsync-always" event, as in Redis. */
    if (server.store && storeNeedsSync(server.store)) {
        started = monotonicUs();
        if (storeSync(server.store) != STORE_OK)
            serverLog(LL_WARNING, "fsync of the data file failed: %s",
                      storeLastWriteError(server.store));
        latencyAddSampleIfNeeded("aof-fsync-always", (monotonicUs() - started) / 1000);
    }
    clientsHandlePendingWrites();
    clientsFreeAsyncPending();
    server.inBeforeSleep = 0;
}

static void afterSleep(reactor *r) {
    (void)r;
    cachedClockUpdate();
}

static void writePidfile(void) {
    if (!server.pidfile) return;
    FILE *fp = fopen(server.pidfile, "w");
    if (!fp) {
        serverLog(LL_WARNING, "Failed to write PID file: %s", strerror(errno));
        return;
    }
    fprintf(fp, "%d\n", (int)getpid());
    fclose(fp);
}

/* Detaches from the terminal: fork, the parent exits, the child starts a
 * new session and points stdin/stdout/stderr at /dev/null. */
static void daemonize(void) {
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "fork: %s\n", strerror(errno));
        exit(1);
    }
    if (pid > 0) exit(0);
    setsid();
    int fd = open("/dev/null", O_RDWR, 0);
    if (fd != -1) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO) close(fd);
    }
    server.pid = getpid();
}

/* Closes listeners, removes the pid file and unix socket, and logs the
 * farewell.  Persistence hooks will run here once there is data. */
/* As Redis: a final snapshot when asked (SAVE) or when `save` points are
 * set (unless NOSAVE); if it fails the shutdown is refused, unless FORCE. */
static int finalSnapshot(int flags) {
    int wanted = (flags & SHUTDOWN_SAVE) ||
                 (!(flags & SHUTDOWN_NOSAVE) && persistHasSavePoints());
    if (!wanted || !server.store) return 0;
    serverLog(LL_NOTICE, "Saving the final snapshot before exiting.");
    char err[256];
    bgsaveWait();
    if (saveSync(err, sizeof(err)) == 0) return 0;
    if (flags & SHUTDOWN_FORCE) {
        serverLog(LL_WARNING, "Error trying to save the DB (%s), exiting anyway (FORCE).", err);
        return 0;
    }
    serverLog(LL_WARNING, "Error trying to save the DB, can't exit: %s", err);
    return -1;
}

int prepareForShutdown(int flags) {
    serverLog(LL_NOTICE, "User requested shutdown...");
    if (finalSnapshot(flags) < 0) return -1;
    if (server.el) closeListeners();
    if (server.store) {
        serverLog(LL_NOTICE, "Syncing and closing the data files...");
        dbSetStore(NULL); /* first: db/ notes the store's last write epoch */
        storeClose(server.store);
        server.store = NULL;
        lazyfreeStop(lazyFreer); /* frees what is still queued */
        lazyFreer = NULL;
    }
    if (server.pidfile) unlink(server.pidfile);
    serverLog(LL_WARNING, "%s is now ready to exit, bye bye...", "redis-kv");
    return 0;
}

void serverExitGracefully(void) {
    if (prepareForShutdown(SHUTDOWN_DEFAULT) == 0) exit(0);
    serverLog(LL_WARNING, "SIGTERM received but errors trying to shut down the server, "
                          "check the logs for more information");
    server.shutdownAsap = 0;
}

static void usage(void) {
    fprintf(stderr,
            "Usage: ./redis-kv-server [/path/to/redis-kv.conf] [options] [-]\n"
            "       ./redis-kv-server - (read config from stdin)\n"
            "       ./redis-kv-server -v or --version\n"
            "       ./redis-kv-server -h or --help\n\n"
            "Examples:\n"
            "       ./redis-kv-server (run the server with default conf)\n"
            "       ./redis-kv-server redis-kv.conf\n"
            "       ./redis-kv-server --port 7777\n"
            "       ./redis-kv-server redis-kv.conf --loglevel verbose --dir /tmp/data\n");
    exit(1);
}

/* Turns "--name v1 v2 --other v" into config lines "name v1 v2\nother v\n"
 * (values quoted so spaces survive).  Returns the first non-option argument
 * index consumed as the config file via *configfile. */
static bstr parseCommandLine(int argc, char **argv, char **configfile) {
    bstr options = bstrEmpty();
    int j = 1;
    *configfile = NULL;
    if (argc >= 2 && argv[1][0] != '-') {
        *configfile = argv[1];
        j = 2;
    } else if (argc >= 2 && strcmp(argv[1], "-") == 0) {
        *configfile = argv[1];
        j = 2;
    }
    int inOption = 0;
    for (; j < argc; j++) {
        if (argv[j][0] == '-' && argv[j][1] == '-' && argv[j][2]) {
            if (inOption) options = bstrCat(options, "\n");
            options = bstrCat(options, argv[j] + 2);
            inOption = 1;
        } else {
            if (!inOption) {
                fprintf(stderr, "Invalid option '%s'\n", argv[j]);
                usage();
            }
            options = bstrCat(options, " ");
            options = bstrCatRepr(options, argv[j], strlen(argv[j]));
        }
    }
    if (inOption) options = bstrCat(options, "\n");
    return options;
}

static char *absolutePath(const char *path) {
    if (path[0] == '/' || strcmp(path, "-") == 0) return xstrdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) return xstrdup(path);
    bstr p = bstrCatPrintf(bstrEmpty(), "%s/%s", cwd, path);
    char *r = xstrdup(p);
    bstrFree(p);
    return r;
}

static void storeLogHandler(int level, const char *msg) { serverLog(level, "%s", msg); }

/* Opens the data set in the working directory (`dir`) and rebuilds the
 * key directory; exits if the data cannot be opened at all.  atStartup:
 * the first open (LASTSAVE starts then), not a reload. */
static void openDataStore(int atStartup) {
    char err[512];
    storeOptions opts = {0};
    opts.dir = ".";
    opts.segmentSize = (uint64_t)server.segmentSize;
    opts.fsyncPolicy = server.appendfsync;
    opts.dbCount = server.dbnum;
    opts.nowMs = cachedClock.mstime;
    opts.log = storeLogHandler;
    opts.coldReadThreads = server.coldReadThreads;
    configCollLimits(&opts.collLimits);
    configStreamNodeLimits();
    server.store = storeOpen(&opts, err, sizeof(err));
    if (!server.store) {
        serverLog(LL_WARNING, "Can't open the data files: %s", err);
        exit(1);
    }
    dbSetStore(server.store);
    persistDataOpened(atStartup);
    storeSetCompaction(server.store, server.compactGarbagePercent,
                       (uint64_t)server.compactMinSize);
    storeStats st;
    storeGetStats(server.store, &st);
    long long keys = 0;
    for (int db = 0; db < server.dbnum; db++) keys += (long long)keydirSize(storeKeydir(server.store, db));
    serverLog(LL_NOTICE, "DB loaded from disk: %.3f seconds (%lld keys, %llu segments, %llu from hints, %llu torn bytes cut)",
              (double)st.recoveryMs / 1000, keys, (unsigned long long)st.segments,
              (unsigned long long)st.segmentsFromHints, (unsigned long long)st.tornBytes);
    functionLoadFromLog();
}

/* A crash during a snapshot leaves backup-dir/<id>.tmp behind: never
 * listed, removed here (and by the next snapshot). */
static void removeUnfinishedBackups(void) {
    char err[256];
    int n = backupRemoveTemp(persistBackupDir(), err, sizeof(err));
    if (n < 0) serverLog(LL_WARNING, "Can't remove an unfinished backup: %s", err);
    else if (n > 0) serverLog(LL_NOTICE, "Removed %d unfinished backup(s)", n);
}

/* The compaction worker signals the store's eventfd when it needs the
 * main thread (verdicts, relocations, the end): a fraction of a
 * millisecond of key-directory work per call. */
static void compactionEvent(reactor *r, int fd, void *clientData, int mask) {
    (void)r; (void)fd; (void)clientData; (void)mask;
    storeCompactStep(server.store);
}

/* The cold-read threads signal when reads and sweeps are done: parked
 * requests run from here (command/coldwait.h). */
static void coldReadEvent(reactor *r, int fd, void *clientData, int mask) {
    (void)r; (void)fd; (void)clientData; (void)mask;
    storeColdReadEvents(server.store);
}

/* The event loop watches the store's worker threads (on = 1), or stops
 * before the store is closed (on = 0).  Exits when it cannot watch them:
 * their work would never be taken. */
static void watchStoreEvents(int on) {
    int coldFd = storeColdReadFd(server.store);
    if (!on) {
        reactorDelFileEvent(server.el, storeCompactFd(server.store), RE_READABLE);
        if (coldFd >= 0) reactorDelFileEvent(server.el, coldFd, RE_READABLE);
        return;
    }
    if (reactorAddFileEvent(server.el, storeCompactFd(server.store), RE_READABLE,
                            compactionEvent, NULL) == RE_ERR ||
        (coldFd >= 0 &&
         reactorAddFileEvent(server.el, coldFd, RE_READABLE, coldReadEvent, NULL) == RE_ERR)) {
        serverLog(LL_WARNING, "Can't watch the store's threads: %s", strerror(errno));
        exit(1);
    }
}

/* DEBUG RELOAD and BACKUP RESTORE: closes the data set and opens it again
 * from disk, in place (clients stay connected).  A running compaction is
 * cancelled (it loses nothing).  Exits like a failed start if the data
 * cannot be opened again, since there would be nothing to serve. */
static void reloadDataStore(const char *why) {
    long long start = monotonicUs();
    bgsaveWait(); /* a snapshot's end is noted, not lost */
    dbFlushWrites(); /* what was written before the reload is in the files */
    watchStoreEvents(0);
    dbSetStore(NULL); /* first: db/ notes the store's last write epoch */
    storeClose(server.store);
    server.store = NULL;
    cachedClockUpdate();
    openDataStore(0);
    watchStoreEvents(1);
    coldWaitRestartAll(); /* the old store's fetches will never finish */
    serverLog(LL_NOTICE, "DB reloaded by %s in %lld ms", why, (monotonicUs() - start) / 1000);
}

static void initListenersAndLoop(void) {
    char err[256];
    if (adjustOpenFilesLimit(server.maxclients, err, sizeof(err)) < 0) {
        serverLog(LL_WARNING, "%s", err);
        exit(1);
    }
    server.el = reactorCreate((int)server.maxclients + CONFIG_FDSET_INCR);
    if (!server.el) {
        serverLog(LL_WARNING, "Failed creating the event loop. Error message: '%s'",
                  strerror(errno));
        exit(1);
    }
    if (listenToPort() < 0) exit(1);
    watchStoreEvents(1);
    if (reactorAddTimer(server.el, 1, serverCron, NULL) == RE_ERR) {
        serverLog(LL_WARNING, "Can't create event loop timers.");
        exit(1);
    }
    reactorSetBeforeSleep(server.el, beforeSleep);
    reactorSetAfterSleep(server.el, afterSleep);
}

int main(int argc, char **argv) {
    if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
        printf("redis-kv server v=%s redis-api=%s malloc=%s bits=%d\n", REDIS_KV_VERSION,
               REDIS_API_VERSION, allocatorName(), (int)(sizeof(long) * 8));
        return 0;
    }
    if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) usage();
    /* SORT ALPHA compares with strcoll in the environment's collation, as
     * Redis does; numbers and replies are unaffected (LC_COLLATE only). */
    setlocale(LC_COLLATE, "");
    initServerState();
    commandTableInit();
    commandSetKeyFinder(commandFindKeys); /* cmd/ settles SET's and BITFIELD's key flags */
    aclCommandInit();
    pubsubInit();
    notifyInit();
    changefeedInit();
    trackingInit();
    multiInit();
    coldWaitInit();
    slowlogInit();
    latencyInit();
    monitorInit();
    scriptInit();
    server.executable = absolutePath(argv[0]);
    char *configfile;
    bstr options = parseCommandLine(argc, argv, &configfile);
    if (configfile) server.configfile = absolutePath(configfile);
    configLoad(configfile, options);
    bstrFree(options);
    if (server.daemonize) daemonize();
    if (logSettings.file && logSettings.file[0]) {
        logSettings.signalFd = open(logSettings.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    }
    serverLog(LL_WARNING, "oO0OoO0OoO0Oo redis-kv is starting oO0OoO0OoO0Oo");
    serverLog(LL_WARNING, "redis-kv version=%s, redis API=%s, bits=%d, pid=%d, just started",
              REDIS_KV_VERSION, REDIS_API_VERSION, (int)(sizeof(long) * 8), (int)getpid());
    if (argc == 1)
        serverLog(LL_WARNING, "Warning: no config file specified, using the default config. "
                              "In order to specify a config file use %s /path/to/redis-kv.conf",
                  argv[0]);
    else
        serverLog(LL_WARNING, "Configuration loaded");
    installSignalHandlers();
    setupCrashHandler();
    server.startTime = time(NULL);
    server.startMonotonicUs = monotonicUs();
    cachedClockUpdate();
    initKeyspace();
    persistInit(reloadDataStore);
    openDataStore(1);
    removeUnfinishedBackups();
    initListenersAndLoop();
    if (server.daemonize || server.pidfile) {
        if (!server.pidfile) server.pidfile = xstrdup("/var/run/redis.pid");
        writePidfile();
    }
    serverLog(LL_NOTICE, "Server initialized");
    if (server.ipfdCount > 0)
        serverLog(LL_NOTICE, "Ready to accept connections tcp");
    if (tlsListenerCount() > 0)
        serverLog(LL_NOTICE, "Ready to accept connections tls");
    if (server.sofd >= 0)
        serverLog(LL_NOTICE, "Ready to accept connections unix");
    infoRecordStartupMemory();
    reactorMain(server.el);
    serverExitGracefully();
    return 0;
}
