/* client/client.h -- one connection — its query buffer and parser state, its
 * reply buffers, its limits and its life cycle.
 *
 * Ownership: the server's `clients` list holds every live client; a client
 * is freed only through clientFree() (or clientFreeAsync() when it may be
 * in use further up the stack, e.g. from inside a command).  Replies are
 * appended to `buf` first, then to `reply` blocks; both are flushed in
 * beforeSleep (clientsHandlePendingWrites) so a pipeline of commands read
 * in one go is answered with one write.
 *
 * Memory: clientTotalMemory() is what a client holds (CLIENT LIST tot-mem);
 * clientUpdateMemUsage() keeps each client's share of the running total
 * that maxmemory-clients limits (client_evict.c) at every read, command,
 * write and new reply block.  clientCheckOutputBufferLimits() applies
 * client-output-buffer-limit as replies are queued. */
#ifndef REDIS_KV_CLIENT_H
#define REDIS_KV_CLIENT_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "lib/bstr.h"
#include "lib/list.h"
#include "net/net.h"
#include "resp/resp_parse.h"

#define CLIENT_REPLY_BUF_SIZE (16 * 1024)
#define CLIENT_IOBUF_LEN (16 * 1024)
#define CLIENT_REPLY_BLOCK_SIZE (16 * 1024)
/* Bytes written to one client per event before serving the others. */
#define CLIENT_MAX_WRITE_PER_EVENT (64 * 1024)

/* Client flags */
#define CLIENT_CLOSE_AFTER_REPLY (1ULL << 0)
#define CLIENT_CLOSE_ASAP (1ULL << 1)
#define CLIENT_PENDING_WRITE (1ULL << 2)
#define CLIENT_UNIX_SOCKET (1ULL << 3)
#define CLIENT_MONITOR (1ULL << 4)
#define CLIENT_PUBSUB (1ULL << 5)
#define CLIENT_MULTI (1ULL << 6)
#define CLIENT_REPLY_OFF (1ULL << 7)
#define CLIENT_REPLY_SKIP_NEXT (1ULL << 8)
#define CLIENT_REPLY_SKIP (1ULL << 9)
#define CLIENT_NO_EVICT (1ULL << 10)
#define CLIENT_PROTOCOL_ERROR (1ULL << 11)
#define CLIENT_PAUSED (1ULL << 12)
#define CLIENT_PENDING_COMMAND (1ULL << 13)
#define CLIENT_EXECUTING (1ULL << 14)
#define CLIENT_IN_TO_CLOSE (1ULL << 15)
#define CLIENT_DIRTY_CAS (1ULL << 16)  /* a WATCHed key was touched: EXEC fails */
#define CLIENT_DIRTY_EXEC (1ULL << 17) /* a command was refused while queuing */
/* Set while a pub/sub frame is being appended: CLIENT REPLY OFF|SKIP do not
 * silence those (Redis 7.0.15). */
#define CLIENT_PUSHING (1ULL << 18)
/* Set while EXEC runs the queue: a command that would make the client wait
 * for more than its one reply (SSUBSCRIBE) refuses, as in Redis 7.0. */
#define CLIENT_DENY_BLOCKING (1ULL << 19)
/* CLIENT TRACKING (pubsub/tracking.c) */
#define CLIENT_TRACKING (1ULL << 20)
#define CLIENT_TRACKING_BROKEN_REDIR (1ULL << 21)
#define CLIENT_TRACKING_BCAST (1ULL << 22)
#define CLIENT_TRACKING_OPTIN (1ULL << 23)
#define CLIENT_TRACKING_OPTOUT (1ULL << 24)
#define CLIENT_TRACKING_CACHING (1ULL << 25)
#define CLIENT_TRACKING_NOLOOP (1ULL << 26)
/* Waiting on keys (command/blocking.h): runs nothing until unblocked. */
#define CLIENT_BLOCKED (1ULL << 27)
/* The client scripts run their commands through (script/): no socket, not
 * in the clients list; its replies stay in its buffers for the script to
 * read (clientTakeOutput). */
#define CLIENT_SCRIPT (1ULL << 28)
/* Its replies wait while a busy script lets other clients in
 * (clientsHoldPendingWrites): they were queued before the script began,
 * so the log write they wait on has not happened yet. */
#define CLIENT_WRITES_HELD (1ULL << 29)
/* Its request waits for its values to come into memory (command/
 * coldwait.h): it runs nothing until they are in. */
#define CLIENT_COLD_WAIT (1ULL << 30)
/* ... and they came: the request runs now, without looking again. */
#define CLIENT_COLD_FETCHED (1ULL << 31)

struct command;
struct reactor;
struct pubsubClientState;
struct blockState;

/* One command queued between MULTI and EXEC. */
typedef struct multiCmd {
    struct command *cmd;
    int argc;
    bstr *argv;
} multiCmd;

typedef struct multiState {
    multiCmd *commands;
    int count;
    int cap;
    uint64_t cmdFlags;         /* the queued commands' flags, or'ed */
} multiState;

typedef struct replyBlock {
    size_t size;
    size_t used;
    char buf[];
} replyBlock;

typedef struct client {
    uint64_t id;
    int fd;
    uint64_t flags;
    int resp;                  /* 2 or 3 */
    int db;                    /* selected database */
    int authenticated;
    struct aclUser *user;      /* acl/: its user, NULL for the default user */
    bstr name;                 /* NULL when unnamed */
    bstr querybuf;
    size_t qbPos;              /* bytes of querybuf already parsed */
    size_t querybufPeak;
    respParser parser;
    int argc;                  /* the request being run: parser.argv */
    bstr *argv;
    struct command *cmd;
    struct command *lastcmd;
    time_t ctime;
    time_t lastinteraction;
    long long totNetIn;
    long long totNetOut;
    long long commandsProcessed;
    struct pubsubClientState *pubsub; /* subscriptions (pubsub/), NULL if none yet */
    multiState mstate;         /* queued commands while CLIENT_MULTI */
    void *coldTicket;          /* the parked request (command/coldwait.c),
                                  NULL unless CLIENT_COLD_WAIT */
    list *watchedKeys;         /* watchedKey* (cmd/multi.c), NULL when none */
    uint64_t trackingRedir;    /* CLIENT TRACKING REDIRECT id, 0 for none */
    bstr *trackingPrefixes;    /* BCAST prefixes */
    int trackingNPrefixes;
    struct blockState *bstate; /* command/blocking.c, NULL unless CLIENT_BLOCKED */

    /* Output: buf first, then the reply list. */
    size_t bufpos;
    size_t sentlen;            /* bytes of buf / of the head block sent */
    list *reply;               /* replyBlock* */
    size_t replyBytes;         /* bytes held by the reply list */
    uint64_t replyTotal;       /* bytes ever appended to the output */
    size_t bufPeak;            /* most of buf used since the last cron reset (rbp) */
    long long bufPeakResetMs;
    time_t obufSoftLimitReachedTime;
    size_t memTracked;         /* this client's share of server.clientsMemTotal */
    const void *multiMemArray; /* mstate.commands when multiMemBytes was summed */
    int multiMemCounted;       /* queued commands summed into multiMemBytes */
    size_t multiMemBytes;      /* their CLIENT LIST multi-mem */

    listNode *clientsNode;
    listNode *pendingWriteNode;
    listNode *pausedNode;
    char peerId[NET_ADDR_STR_LEN];  /* "ip:port", filled lazily */
    char sockName[NET_ADDR_STR_LEN];
    struct tlsConn *tls;       /* NULL for a plain connection (net/tls.h) */
    listNode *tlsPendingNode;  /* on the list of clients whose decrypted
                                  bytes wait in OpenSSL, or NULL */
    /* Last, so clientCreate can zero everything before it cheaply. */
    char buf[CLIENT_REPLY_BUF_SIZE];
} client;

/* What features report about one client in its CLIENT LIST line. */
typedef struct clientDescription {
    unsigned long channels;      /* sub= */
    unsigned long patterns;      /* psub= */
    unsigned long shardChannels; /* ssub= */
    size_t queuedBytes;          /* multi-mem= */
    const char *lastCommand;     /* cmd=, NULL before the first */
    const char *user;            /* user=, NULL for the default user */
} clientDescription;

/* Client listeners.  Features that keep state for a client above this
 * layer (the dispatcher, transactions, subscriptions, tracking) register
 * one, so that client.c tells them of a client's end and asks for their
 * figures without naming them, as db's keyspace listeners do.  Any
 * callback may be NULL.
 *   clientFreed:    c is being freed: drop what is held for it.
 *   clientMemory:   bytes held for c outside the client (tot-mem,
 *                   maxmemory-clients); called after every command, so
 *                   O(1).
 *   describeClient: add c's figures to d (CLIENT LIST). */
typedef struct clientListener {
    void (*clientFreed)(client *c);
    size_t (*clientMemory)(client *c);
    void (*describeClient)(client *c, clientDescription *d);
} clientListener;

void clientAddListener(const clientListener *l);

/* The dispatcher: every complete request of a client is handed to it
 * (c->argc/argv).  It leaves CLIENT_PENDING_COMMAND set when the request
 * must be kept and handed over again later (CLIENT PAUSE). */
typedef void clientRequestHandler(client *c);
void clientSetRequestHandler(clientRequestHandler *handler);

client *clientCreate(int fd, uint64_t flags);
/* A client with no connection, for scripts (CLIENT_SCRIPT).  Not in the
 * clients list: CLIENT LIST, INFO and maxmemory-clients never see it. */
client *clientCreateScript(void);
/* Everything appended to a script client's output since it was last
 * taken, as one string (the caller's to free); the output is empty
 * afterwards. */
bstr clientTakeOutput(client *c);
void clientFree(client *c);
void clientFreeAsync(client *c);
void clientsFreeAsyncPending(void);
void clientAcceptTcpHandler(struct reactor *r, int fd, void *privdata, int mask);
void clientAcceptUnixHandler(struct reactor *r, int fd, void *privdata, int mask);
/* The TLS port's listeners: the handshake runs in the reactor like any
 * other I/O, and the client reads nothing before it is done. */
void clientAcceptTlsHandler(struct reactor *r, int fd, void *privdata, int mask);
/* Before the reactor sleeps: reads and runs what OpenSSL has already
 * decrypted for TLS clients (no socket event will announce it). */
void clientsProcessTlsPending(void);
int clientsHandlePendingWrites(void);
/* While a script runs long, other clients are served between its steps
 * (script/script_run.c), but replies queued before it began must still
 * wait for the log write at the end of the iteration.  Hold marks every
 * client with output pending now; clientsHandlePendingWrites skips the
 * marked ones until Release. */
void clientsHoldPendingWrites(void);
void clientsReleaseHeldWrites(void);
void clientInstallWriteHandler(client *c);
int clientHasPendingReplies(client *c);
void clientsCron(void);
/* CLIENT PAUSE (client.c, "pause"): start or extend, end, and ask. */
void clientsUnpause(void);
void clientsPause(int type, long long endMs);
/* Ends the pause if its time is up (Redis checks this wherever a pause
 * matters, not only in the cron).  Returns 1 when no pause is on. */
int clientsPauseExpired(void);
/* Clients held by the pause (INFO blocked_clients adds those blocked on
 * keys, command/blocking.h). */
unsigned long clientsPausedCount(void);
const char *clientPeerId(client *c);
const char *clientSockName(client *c);
bstr clientCatInfoString(bstr s, client *c);
int clientClass(client *c);
size_t clientOutputBufferMemory(client *c);
size_t clientTotalMemory(client *c);
void clientUpdateMemUsage(client *c);
int clientCheckOutputBufferLimits(client *c);
/* client_evict.c: maxmemory-clients */
size_t clientsEvictionLimit(void);
int clientsEvictIfNeeded(void);
client *clientLookupById(uint64_t id);
void clientProcessInputBuffer(client *c);
long long clientsMaxQueryBuf(void);
long long clientsMaxOutputBuf(void);
int clientAuthRequired(client *c);
/* What the default user lets through, kept up to date by acl/ (which this
 * layer cannot call): Open, a new connection is authenticated at once
 * (nopass and on); Nopass, protected mode refuses remote clients. */
extern int clientDefaultUserOpen;
extern int clientDefaultUserNopass;

#endif
