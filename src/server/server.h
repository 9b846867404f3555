/* server/server.h -- the process-wide state of redis-kv.
 *
 * There is one `server` and one thread touching it (the reactor's).  Config
 * values live here as plain fields, written only by the config layer
 * (config.c) at start-up and by CONFIG SET. */
#ifndef REDIS_KV_SERVER_H
#define REDIS_KV_SERVER_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "lib/bstr.h"
#include "lib/dict.h"
#include "lib/list.h"
#include "reactor/reactor.h"
#include "lib/log.h"

#define REDIS_KV_VERSION "0.1.0"
/* The Redis API level implemented: clients read redis_version to decide on
 * RESP3 and features, so it reports the Redis version we are compatible
 * with; redis-kv's own version is reported separately. */
#define REDIS_API_VERSION "7.0.0"

#define CONFIG_BINDADDR_MAX 16
#define CONFIG_MIN_RESERVED_FDS 32
#define CONFIG_FDSET_INCR (CONFIG_MIN_RESERVED_FDS + 96)

#define CLIENT_CLASS_NORMAL 0
#define CLIENT_CLASS_REPLICA 1
#define CLIENT_CLASS_PUBSUB 2
#define CLIENT_CLASS_COUNT 3

#define PROTECTED_ACTION_NO 0
#define PROTECTED_ACTION_YES 1
#define PROTECTED_ACTION_LOCAL 2

#define PAUSE_NONE 0
#define PAUSE_WRITE 1
#define PAUSE_ALL 2

#define SHUTDOWN_DEFAULT 0
#define SHUTDOWN_SAVE 1
#define SHUTDOWN_NOSAVE 2
#define SHUTDOWN_FORCE 4   /* go on even if the final snapshot fails */

struct client;
struct store;

typedef struct clientBufferLimit {
    unsigned long long hardBytes;
    unsigned long long softBytes;
    long long softSeconds;
} clientBufferLimit;

/* One SLOWLOG entry; argv is a trimmed copy (at most 32 arguments of at
 * most 128 bytes each, as Redis keeps them). */
typedef struct slowlogEntry {
    long long id;
    long long time;
    long long durationUs;
    int argc;
    bstr *argv;
    bstr peerId;
    bstr clientName;
} slowlogEntry;

struct redisServer {
    /* Process */
    pid_t pid;
    reactor *el;
    char *configfile;     /* absolute path, or NULL when started without one */
    char *executable;
    time_t startTime;
    long long startMonotonicUs;
    volatile sig_atomic_t shutdownAsap;
    int shutdownFlags;
    long long cronloops;
    char runId[41];

    /* Data: the storage engine, opened at start-up in `dir`. */
    struct store *store;
    long long segmentSize;
    int appendfsync;
    int compactGarbagePercent;    /* automatic compaction threshold, 0 = off */
    long long compactMinSize;     /* ... once sealed segments hold this much */
    int coldReadThreads;          /* reads of values not in memory, off the
                                     event loop (store.h); 0 = on it */
    long long hashMaxListpackEntries; /* the encodings of collections */
    long long hashMaxListpackValue;
    long long setMaxIntsetEntries;
    long long zsetMaxListpackEntries;
    long long zsetMaxListpackValue;
    long long streamNodeMaxBytes;     /* stream-node-max-bytes */
    long long streamNodeMaxEntries;   /* stream-node-max-entries */
    char *changefeedKey;          /* the change feed (cmd/changefeed.c); NULL: off */
    int changefeedDb;
    int changefeedEvents;         /* NOTIFY_* classes */
    char *changefeedKeys;         /* glob; NULL: every key */
    long long changefeedMaxlen;   /* 0: no trimming */
    int listMaxListpackSize;      /* how DUMP cuts a list into nodes (Redis's */
    int listCompressDepth;        /* quicklist settings; nothing else uses them) */
    int rdbcompression;           /* DUMP LZF-compresses long strings */
    int notifyKeyspaceEvents;     /* notify-keyspace-events: NOTIFY_* flags */
    long long statExpiredKeys;
    int activeExpireEnabled;      /* DEBUG SET-ACTIVE-EXPIRE; 1 by default */
    long long dirty;              /* writes since the last successful save */

    /* Listening sockets */
    int ipfd[CONFIG_BINDADDR_MAX];
    int ipfdCount;
    int sofd;

    /* Clients */
    list *clients;
    list *clientsPendingWrite;
    list *clientsToClose;
    list *monitors;
    list *pausedClients;
    uint64_t nextClientId;
    struct client *currentClient;
    int pauseType;
    long long pauseEndMs;
    int inBeforeSleep;
    /* Scripts (script/): while a script has run longer than
     * busy-reply-threshold, the error other clients' commands get
     * ("-BUSY ..."), else NULL; the dispatcher refuses with it. */
    const char *busyScriptReply;
    long long busyReplyThreshold;    /* busy-reply-threshold, ms */

    /* Statistics (INFO stats) */
    long long statNumConnections;
    long long statRejectedConn;
    long long statNetInputBytes;
    long long statNetOutputBytes;
    long long statTotalErrorReplies;
    long long statUnexpectedErrorReplies;
    long long statQbufLimitDisconnections;
    long long statObufLimitDisconnections;
    long long statTotalReadsProcessed;
    long long statTotalWritesProcessed;
    long long statIoReadsProcessed;
    long long statEvictedClients;
    long long statPeakMemory;
    long long statInstantaneousOpsBase;
    long long statInstantaneousOps;
    long long statInstantaneousOpsTime;
    long long statInstantaneousNetIn;
    long long statInstantaneousNetOut;
    long long statNetInBase;
    long long statNetOutBase;
    dict *errorStats; /* error code (first word) -> count */

    /* Slow log */
    list *slowlog;
    long long slowlogNextId;

    /* Configuration: see config.c for names, defaults and limits. */
    int port;
    char *bindaddr[CONFIG_BINDADDR_MAX];
    int bindaddrCount;
    char *unixsocket;
    unsigned int unixsocketperm;
    int tcpBacklog;
    int tcpKeepalive;
    int maxidletime;
    unsigned int maxclients;
    int protectedMode;
    int dbnum;
    bstr requirepass;             /* binary: config.c setRequirepass */
    int hz;
    int configHz;
    int dynamicHz;
    int daemonize;
    char *pidfile;
    long long protoMaxBulkLen;
    long long clientMaxQuerybufLen;
    long long maxmemoryClients;      /* bytes, or -percent of maxmemory */
    size_t clientsMemTotal;          /* client/client_evict.c */
    clientBufferLimit clientObufLimits[CLIENT_CLASS_COUNT];
    long long slowlogLogSlowerThan;
    long long slowlogMaxLen;
    long long hllSparseMaxBytes;
    long long trackingTableMaxKeys; /* tracking-table-max-keys, 0 = unbounded */
    long long latencyMonitorThreshold; /* ms; 0 = latency monitor off */
    int latencyTracking;               /* per-command latency histograms */
    int enableDebugCmd;
    int enableProtectedConfigs;
    char *dir;            /* only as given; the process chdir()s into it */
};

extern struct redisServer server;

/* Lifecycle, implemented in main.c / cron.c */
int prepareForShutdown(int flags);
void serverExitGracefully(void);
int listenToPort(void);
void closeListeners(void);
long long serverCron(reactor *r, long long id, void *clientData);
void resetServerStats(void);
int changeBindAddr(char **addrs, int count, char *err, size_t errlen);
int changeListenPort(int port, char *err, size_t errlen);
/* listen.c: the TLS port's listeners (tls-port; 0 closes them). */
int changeTlsPort(int port, char *err, size_t errlen);
int tlsListenerCount(void);
int adjustOpenFilesLimit(unsigned int maxclients, char *err, size_t errlen);
void installSignalHandlers(void);
void setupCrashHandler(void);

#endif
