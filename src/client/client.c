/* client/client.c -- connection life cycle, input, output and limits.  See
 * client.h. */
#include "client/client.h"
#include "client/reply.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/numfmt.h"
#include "net/net.h"
#include "net/tls.h"
#include "reactor/reactor.h"
#include "server/server.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_ACCEPTS_PER_CALL 1000
#define CLIENTS_CRON_MIN_ITERATIONS 5
/* A query buffer is trimmed in the cron only if it wastes more than this:
 * below it, the realloc would cost more than the bytes it gives back. */
#define QUERYBUF_MIN_WASTE (4 * 1024)
/* A busy client's query buffer bigger than this is shrunk towards its
 * recent peak; smaller ones are left alone (Redis's PROTO_RESIZE_THRESHOLD).
 * Lower, and ordinary 16 KB reads would be trimmed and regrown each second. */
#define QUERYBUF_RESIZE_THRESHOLD (32 * 1024)
/* Seconds without any request after which a query buffer gives back all
 * its spare room. */
#define QUERYBUF_IDLE_SECONDS 2
/* How often the reply buffer's peak (CLIENT LIST rbp) restarts from the
 * bytes in use, as Redis's reply-buffer-peak-reset-time default. */
#define REPLY_BUF_PEAK_RESET_MS 5000

static void clientReadHandler(reactor *r, int fd, void *privdata, int mask);
static void clientWriteHandler(reactor *r, int fd, void *privdata, int mask);

static void freeReplyBlock(void *b) { xfree(b); }

/* ----------------------------------------------------------- connection */

/* The one place client.c meets the socket: a plain fd or a TLS session
 * on it.  Both follow read(2)/writev(2): bytes moved, 0 for the peer's end
 * (reads), -1 with errno EAGAIN when it would block. */

/* Clients with decrypted bytes left in OpenSSL (clientsProcessTlsPending). */
static list *tlsPendingClients;

static void tlsPendingAdd(client *c);

static ssize_t connRead(client *c, void *buf, size_t len) {
    if (!c->tls) return read(c->fd, buf, len);
    int want;
    ssize_t n = tlsConnRead(c->tls, buf, len, &want);
    if (n > 0 && tlsConnPending(c->tls)) tlsPendingAdd(c);
    return n;
}

/* A TLS session writes record by record: the vectors in turn, stopping at
 * the first one it could not take whole. */
static ssize_t connWritev(client *c, const struct iovec *iov, int cnt) {
    if (!c->tls) return writev(c->fd, iov, cnt);
    ssize_t total = 0;
    for (int i = 0; i < cnt; i++) {
        int want;
        ssize_t n = tlsConnWrite(c->tls, iov[i].iov_base, iov[i].iov_len, &want);
        if (n < 0) return total ? total : -1;
        total += n;
        if ((size_t)n < iov[i].iov_len) break;
    }
    return total;
}

static const char *connLastError(client *c) {
    return c->tls ? tlsConnError(c->tls) : strerror(errno);
}

/* ------------------------------------------------------------ listeners */

/* The features that keep state for a client: the dispatcher, transactions,
 * pub/sub and tracking, a few more with the coming data types. */
#define CLIENT_MAX_LISTENERS 8
static const clientListener *listeners[CLIENT_MAX_LISTENERS];
static int listenerCount;

void clientAddListener(const clientListener *l) {
    if (listenerCount == CLIENT_MAX_LISTENERS) {
        serverLog(LL_WARNING, "Too many client listeners (CLIENT_MAX_LISTENERS)");
        abort();
    }
    listeners[listenerCount++] = l;
}

static void noRequestHandler(client *c) {
    replyError(c, "the server is starting");
}

static clientRequestHandler *requestHandler = noRequestHandler;

void clientSetRequestHandler(clientRequestHandler *handler) { requestHandler = handler; }

/* Makes a client for an accepted, non-blocking socket and starts reading
 * from it.  Returns NULL (and leaves fd to the caller) if the reactor
 * refuses the descriptor. */
client *clientCreate(int fd, uint64_t flags) {
    client *c = xmalloc(sizeof(*c));
    memset(c, 0, offsetof(client, buf));
    c->fd = fd;
    if (!(flags & CLIENT_UNIX_SOCKET)) {
        netSetTcpNoDelay(NULL, fd);
        if (server.tcpKeepalive) netSetKeepAlive(NULL, fd, server.tcpKeepalive);
    }
    if (reactorAddFileEvent(server.el, fd, RE_READABLE, clientReadHandler, c) ==
        RE_ERR) {
        xfree(c);
        return NULL;
    }
    c->id = server.nextClientId++;
    c->flags = flags;
    c->resp = 2;
    c->authenticated = clientDefaultUserOpen;
    c->querybuf = bstrEmpty();
    respParserInit(&c->parser);
    c->ctime = c->lastinteraction = cachedClock.unixtime;
    c->bufPeak = sizeof(c->buf);
    c->bufPeakResetMs = cachedClock.mstime;
    c->reply = listCreate();
    c->reply->freeValue = freeReplyBlock;
    listAddNodeTail(server.clients, c);
    c->clientsNode = listLast(server.clients);
    clientUpdateMemUsage(c);
    return c;
}

client *clientCreateScript(void) {
    client *c = xmalloc(sizeof(*c));
    memset(c, 0, offsetof(client, buf));
    c->fd = -1;
    c->id = server.nextClientId++;
    c->flags = CLIENT_SCRIPT;
    c->resp = 2;
    c->authenticated = 1;
    c->querybuf = bstrEmpty();
    respParserInit(&c->parser);
    c->ctime = c->lastinteraction = cachedClock.unixtime;
    c->reply = listCreate();
    c->reply->freeValue = freeReplyBlock;
    return c;
}

bstr clientTakeOutput(client *c) {
    bstr out = bstrNewLen(c->buf, c->bufpos);
    for (listNode *ln = listFirst(c->reply); ln; ln = listNext(ln)) {
        replyBlock *b = listNodeValue(ln);
        out = bstrCatLen(out, b->buf, b->used);
    }
    c->bufpos = 0;
    while (listLength(c->reply)) listDelNode(c->reply, listFirst(c->reply));
    c->replyBytes = 0;
    return out;
}

int clientDefaultUserOpen = 1;
int clientDefaultUserNopass = 1;

/* Whether c must authenticate before running commands. */
int clientAuthRequired(client *c) {
    return !c->authenticated && !clientDefaultUserOpen;
}

static void unlinkFromList(list *l, listNode **node) {
    if (*node) {
        listDelNode(l, *node);
        *node = NULL;
    }
}

/* Frees a client at once: closes its socket and removes it from every
 * server list.  If the client is running a command, this is deferred to
 * clientFreeAsync so callers up the stack never see a freed client. */
void clientFree(client *c) {
    if (c->flags & CLIENT_EXECUTING) {
        clientFreeAsync(c);
        return;
    }
    if (server.currentClient == c) server.currentClient = NULL;
    if (c->fd >= 0) {
        reactorDelFileEvent(server.el, c->fd, RE_READABLE | RE_WRITABLE);
        tlsConnFree(c->tls);
        c->tls = NULL;
        close(c->fd);
        c->fd = -1;
    }
    unlinkFromList(server.clients, &c->clientsNode);
    if (tlsPendingClients) unlinkFromList(tlsPendingClients, &c->tlsPendingNode);
    unlinkFromList(server.clientsPendingWrite, &c->pendingWriteNode);
    unlinkFromList(server.pausedClients, &c->pausedNode);
    if (c->flags & CLIENT_MONITOR) {
        listNode *ln = listSearchValue(server.monitors, c);
        if (ln) listDelNode(server.monitors, ln);
    }
    if (c->flags & CLIENT_IN_TO_CLOSE) {
        listNode *ln = listSearchValue(server.clientsToClose, c);
        if (ln) listDelNode(server.clientsToClose, ln);
    }
    server.clientsMemTotal -= c->memTracked;
    c->memTracked = 0;
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->clientFreed) listeners[i]->clientFreed(c);
    bstrFree(c->querybuf);
    bstrFree(c->name);
    respParserFree(&c->parser);
    listRelease(c->reply);
    xfree(c);
}

/* Marks c to be freed before the reactor next sleeps.  Safe to call from
 * anywhere, any number of times; nothing more is written to c. */
void clientFreeAsync(client *c) {
    if (c->flags & CLIENT_IN_TO_CLOSE) return;
    c->flags |= CLIENT_CLOSE_ASAP | CLIENT_IN_TO_CLOSE;
    listAddNodeTail(server.clientsToClose, c);
    clientUpdateMemUsage(c); /* a closing client no longer counts */
}

void clientsFreeAsyncPending(void) {
    while (listLength(server.clientsToClose)) {
        listNode *ln = listFirst(server.clientsToClose);
        client *c = listNodeValue(ln);
        if (c->flags & CLIENT_EXECUTING) break;
        listDelNode(server.clientsToClose, ln);
        c->flags &= ~CLIENT_IN_TO_CLOSE;
        clientFree(c);
    }
}

static const char *protectedModeError =
    "-DENIED Redis is running in protected mode because protected "
    "mode is enabled and no password is set for the default user. "
    "In this mode connections are only accepted from the loopback interface. "
    "If you want to connect from external computers to Redis you "
    "may adopt one of the following solutions: "
    "1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface "
    "by connecting to Redis from the same host the server is "
    "running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this "
    "change permanent. "
    "2) Alternatively you can just disable the protected mode by "
    "editing the Redis configuration file, and setting the protected "
    "mode option to 'no', and then restarting the server. "
    "3) If you started the server manually just for testing, restart "
    "it with the '--protected-mode no' option. "
    "4) Setup a an authentication password for the default user. "
    "NOTE: You only need to do one of the above things in order for "
    "the server to start accepting connections from the outside.\r\n";

/* Writes a refusal straight to a socket we are about to close: best
 * effort, the peer may be gone already. */
static void refuseConnection(int fd, const char *msg) {
    /* On the TLS port the text would reach a peer expecting a handshake:
     * the connection is only closed. */
    if (msg) {
        ssize_t rc = write(fd, msg, strlen(msg));
        (void)rc;
    }
    server.statRejectedConn++;
    close(fd);
}

static int clientTlsHandshake(client *c);

static void acceptCommon(int fd, uint64_t flags, const char *ip, int port, int tls) {
    if (listLength(server.clients) >= server.maxclients) {
        refuseConnection(fd, tls ? NULL : "-ERR max number of clients reached\r\n");
        return;
    }
    if (server.protectedMode && !(flags & CLIENT_UNIX_SOCKET) &&
        clientDefaultUserNopass &&
        !netIsLoopbackFd(fd)) {
        refuseConnection(fd, tls ? NULL : protectedModeError);
        return;
    }
    client *c = clientCreate(fd, flags);
    if (!c) {
        serverLog(LL_WARNING, "Error registering fd event for the new client: %s (fd=%d)",
                  strerror(errno), fd);
        close(fd);
        return;
    }
    if (tls) {
        char err[NET_ERR_LEN];
        c->tls = tlsConnNew(fd, err, sizeof(err));
        if (!c->tls) {
            serverLog(LL_WARNING, "Error accepting a client connection: %s", err);
            clientFree(c);
            return;
        }
    }
    server.statNumConnections++;
    if (flags & CLIENT_UNIX_SOCKET)
        serverLog(LL_VERBOSE, "Accepted connection to %s", server.unixsocket);
    else
        serverLog(LL_VERBOSE, "Accepted %s:%d", ip, port);
    /* The ClientHello may be here already. */
    if (tls) clientTlsHandshake(c);
}

/* Accepts what waits on a TCP listener, plain or TLS. */
static void acceptTcp(int fd, int tls) {
    char ip[NET_IP_STR_LEN], err[NET_ERR_LEN];
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        int port;
        int cfd = netTcpAccept(err, fd, ip, sizeof(ip), &port);
        if (cfd == NET_ERR) {
            if (errno != EWOULDBLOCK && errno != EAGAIN)
                serverLog(LL_WARNING, "Accepting client connection: %s", err);
            return;
        }
        acceptCommon(cfd, 0, ip, port, tls);
    }
}

void clientAcceptTcpHandler(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)privdata; (void)mask;
    acceptTcp(fd, 0);
}

void clientAcceptTlsHandler(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)privdata; (void)mask;
    acceptTcp(fd, 1);
}

void clientAcceptUnixHandler(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)privdata; (void)mask;
    char err[NET_ERR_LEN];
    for (int i = 0; i < MAX_ACCEPTS_PER_CALL; i++) {
        int cfd = netUnixAccept(err, fd);
        if (cfd == NET_ERR) {
            if (errno != EWOULDBLOCK && errno != EAGAIN)
                serverLog(LL_WARNING, "Accepting client connection: %s", err);
            return;
        }
        acceptCommon(cfd, CLIENT_UNIX_SOCKET, NULL, 0, 0);
    }
}

/* ---------------------------------------------------------------- input */

/* Readies c for its next request.  CLIENT REPLY SKIP silences exactly the
 * request after it: SKIP_NEXT becomes SKIP here, and SKIP is cleared after
 * the silenced request. */
static void clientResetRequest(client *c) {
    respParserResetArgs(&c->parser);
    c->argc = 0;
    c->flags &= ~(CLIENT_REPLY_SKIP | CLIENT_COLD_FETCHED);
    if (c->flags & CLIENT_REPLY_SKIP_NEXT) {
        c->flags |= CLIENT_REPLY_SKIP;
        c->flags &= ~CLIENT_REPLY_SKIP_NEXT;
    }
}

/* Runs every complete request in the query buffer, stopping early when the
 * client is to be closed or gets paused.  Consumed bytes are dropped from
 * the buffer once, at the end, so a long pipeline costs one memmove. */
void clientProcessInputBuffer(client *c) {
    respLimits lim;
    lim.maxBulkLen = server.protoMaxBulkLen;
    if (c->flags & CLIENT_PENDING_COMMAND) {
        c->flags &= ~CLIENT_PENDING_COMMAND;
        requestHandler(c);
        if (c->flags & CLIENT_PENDING_COMMAND) return;
        clientResetRequest(c);
    }
    while (c->qbPos < bstrLen(c->querybuf)) {
        /* A blocked client's next requests wait for its unblocking. */
        if (c->flags & (CLIENT_CLOSE_AFTER_REPLY | CLIENT_CLOSE_ASAP | CLIENT_BLOCKED)) break;
        const char *err = NULL;
        lim.unauthenticated = clientAuthRequired(c);
        int rc = respParseRequest(&c->parser, c->querybuf, bstrLen(c->querybuf),
                                  &c->qbPos, &lim, &err);
        if (rc == RESP_PARSE_NEED_MORE) break;
        if (rc == RESP_PARSE_ERROR) {
            serverLog(LL_VERBOSE, "Protocol error (%s) from client: id=%llu addr=%s",
                      err, (unsigned long long)c->id, clientPeerId(c));
            replyError(c, err);
            c->flags |= CLIENT_CLOSE_AFTER_REPLY | CLIENT_PROTOCOL_ERROR;
            c->qbPos = bstrLen(c->querybuf);
            break;
        }
        c->argc = c->parser.argc;
        c->argv = c->parser.argv;
        /* maxmemory-clients is enforced before each command, as in Redis:
         * the client about to run may be the one to go.  Without a limit
         * the update after the command keeps the figures current. */
        if (clientsEvictionLimit()) {
            clientUpdateMemUsage(c);
            clientsEvictIfNeeded();
            if (c->flags & CLIENT_CLOSE_ASAP) break;
        }
        requestHandler(c);
        clientUpdateMemUsage(c);
        if (c->flags & CLIENT_PENDING_COMMAND) break;
        clientResetRequest(c);
    }
    if (c->qbPos) {
        bstrRange(c->querybuf, (ssize_t)c->qbPos, -1);
        c->qbPos = 0;
    }
}

/* How much to read: normally CLIENT_IOBUF_LEN, but while a big bulk
 * argument is arriving, the rest of it in one go (*bigArg set). */
static size_t readLength(client *c, int *bigArg) {
    respParser *p = &c->parser;
    *bigArg = 0;
    if (p->reqtype == RESP_REQ_MULTIBULK && p->bulkLen >= RESP_BIG_ARG) {
        size_t have = bstrLen(c->querybuf) - c->qbPos;
        size_t want = (size_t)p->bulkLen + 2;
        *bigArg = 1;
        if (want > have) return want - have;
    }
    return CLIENT_IOBUF_LEN;
}

/* Returns qb with room for exactly `cap` bytes (at least its length): the
 * non-greedy counterpart of bstrMakeRoomFor, for the first buffer of a
 * client, for a big argument and for the cron's trimming. */
static bstr queryBufSetCapacity(bstr qb, size_t cap) {
    size_t len = bstrLen(qb);
    if (cap < len) cap = len;
    bstr n = bstrEmptyCapacity(cap);
    n = bstrCatLen(n, qb, len);
    bstrFree(qb);
    return n;
}

/* Makes room to read `*readlen` bytes into c's query buffer, the way Redis
 * 7.0 grows it: exactly what is asked for while the buffer is still small
 * or a big argument is arriving (so its size follows the request), and
 * greedily otherwise, reading then as much as the buffer holds. */
static void queryBufMakeRoom(client *c, size_t *readlen, int bigArg) {
    if (bigArg || bstrAlloc(c->querybuf) < CLIENT_IOBUF_LEN) {
        if (bstrAvail(c->querybuf) < *readlen)
            c->querybuf = queryBufSetCapacity(c->querybuf, bstrLen(c->querybuf) + *readlen);
        return;
    }
    c->querybuf = bstrMakeRoomFor(c->querybuf, *readlen);
    *readlen = bstrAvail(c->querybuf);
}

/* Reads what c sent and runs the complete requests.  Returns -1 if c was
 * freed, 0 if nothing could be read, 1 otherwise. */
static int clientReadAndProcess(client *c) {
    /* A client whose command is still running (a long script serving
     * others between its steps) reads again when it is done. */
    if (c->flags & CLIENT_EXECUTING) return 0;
    if (c->tls && !tlsConnEstablished(c->tls)) return clientTlsHandshake(c) < 0 ? -1 : 0;
    int bigArg;
    size_t readlen = readLength(c, &bigArg);
    queryBufMakeRoom(c, &readlen, bigArg);
    ssize_t nread = connRead(c, c->querybuf + bstrLen(c->querybuf), readlen);
    if (nread == -1) {
        if (errno == EAGAIN || errno == EINTR) return 0;
        serverLog(LL_VERBOSE, "Reading from client: %s", connLastError(c));
        clientFree(c);
        return -1;
    }
    server.statTotalReadsProcessed++;
    if (nread == 0) {
        serverLog(LL_VERBOSE, "Client closed connection id=%llu addr=%s",
                  (unsigned long long)c->id, clientPeerId(c));
        clientFree(c);
        return -1;
    }
    bstrIncrLen(c->querybuf, nread);
    server.statNetInputBytes += nread;
    c->totNetIn += nread;
    c->lastinteraction = cachedClock.unixtime;
    size_t qlen = bstrLen(c->querybuf);
    if (qlen > c->querybufPeak) c->querybufPeak = qlen;
    if ((long long)(qlen - c->qbPos) > server.clientMaxQuerybufLen) {
        /* Redis's line: the CLIENT LIST line and the buffer's first bytes. */
        bstr info = clientCatInfoString(bstrEmpty(), c);
        size_t shown = qlen < 64 ? qlen : 64;
        bstr head = bstrCatRepr(bstrEmpty(), c->querybuf, shown);
        serverLog(LL_WARNING, "Closing client that reached max query buffer length: %s (qbuf initial bytes: %s)",
                  info, head);
        bstrFree(info);
        bstrFree(head);
        server.statQbufLimitDisconnections++;
        clientFree(c);
        return -1;
    }
    clientUpdateMemUsage(c);
    clientsEvictIfNeeded();
    if (c->flags & (CLIENT_PAUSED | CLIENT_COLD_WAIT | CLIENT_CLOSE_ASAP)) return 1;
    server.currentClient = c;
    clientProcessInputBuffer(c);
    server.currentClient = NULL;
    return 1;
}

static void clientReadHandler(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)fd; (void)mask;
    clientReadAndProcess(privdata);
}

/* ------------------------------------------------------------------ tls */

static void clientTlsHandshakeWritable(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)fd; (void)mask;
    clientTlsHandshake(privdata);
}

/* Moves c's handshake on as far as the socket allows, waiting for the
 * direction OpenSSL asks for; never blocks, so a slow or silent peer costs
 * only its descriptor (and `timeout` closes it like any idle client).  A
 * failure closes this connection only, logged as Redis 7.0 logs it.  Once
 * done, what came with the handshake's last flight is read at once.
 * Returns -1 if c was freed. */
static int clientTlsHandshake(client *c) {
    int rc = tlsConnHandshake(c->tls);
    if (rc == TLS_FAILED) {
        serverLog(LL_WARNING, "Error accepting a client connection: %s", tlsConnError(c->tls));
        clientFree(c);
        return -1;
    }
    int writable = reactorGetFileEvents(server.el, c->fd) & RE_WRITABLE;
    if (rc == TLS_WANT_WRITE) {
        if (!writable && reactorAddFileEvent(server.el, c->fd, RE_WRITABLE,
                                             clientTlsHandshakeWritable, c) == RE_ERR) {
            clientFree(c);
            return -1;
        }
        return 0;
    }
    if (writable) reactorDelFileEvent(server.el, c->fd, RE_WRITABLE);
    if (rc == TLS_WANT_READ) return 0;
    return clientReadAndProcess(c) < 0 ? -1 : 0;
}

static void tlsPendingAdd(client *c) {
    if (c->tlsPendingNode) return;
    if (!tlsPendingClients) tlsPendingClients = listCreate();
    listAddNodeTail(tlsPendingClients, c);
    c->tlsPendingNode = listLast(tlsPendingClients);
}

void clientsProcessTlsPending(void) {
    if (!tlsPendingClients) return;
    /* Each client's bytes in OpenSSL are at most a record (16 KB): drained
     * here in a few reads.  One that cannot read now (its command is still
     * running) goes back on the list for the next time; the cron's timer
     * makes sure there is one.  The list is taken from its head, a known
     * number of times, because a command run here may free other clients
     * on it. */
    for (unsigned long n = listLength(tlsPendingClients); n > 0; n--) {
        listNode *ln = listFirst(tlsPendingClients);
        if (!ln) break;
        client *c = listNodeValue(ln);
        listDelNode(tlsPendingClients, ln);
        c->tlsPendingNode = NULL;
        for (;;) {
            if (c->flags & CLIENT_CLOSE_ASAP) break;
            if (c->flags & CLIENT_EXECUTING) {
                tlsPendingAdd(c);
                break;
            }
            int rc = clientReadAndProcess(c);
            if (rc < 0) break; /* freed */
            /* connRead put it back on the list: this loop drains it. */
            if (c->tlsPendingNode) {
                listDelNode(tlsPendingClients, c->tlsPendingNode);
                c->tlsPendingNode = NULL;
            }
            if (!tlsConnPending(c->tls)) break;
            if (rc == 0) {
                tlsPendingAdd(c);
                break;
            }
        }
    }
}

/* --------------------------------------------------------------- output */

int clientHasPendingReplies(client *c) {
    return c->bufpos > 0 || listLength(c->reply) > 0;
}

/* Drops n written bytes from the front of c's output. */
static void consumeWritten(client *c, size_t n) {
    if (c->bufpos > 0) {
        size_t pending = c->bufpos - c->sentlen;
        if (n < pending) {
            c->sentlen += n;
            return;
        }
        n -= pending;
        c->bufpos = c->sentlen = 0;
    }
    while (n > 0 || (listLength(c->reply) &&
                     ((replyBlock *)listNodeValue(listFirst(c->reply)))->used == 0)) {
        listNode *ln = listFirst(c->reply);
        if (!ln) break;
        replyBlock *b = listNodeValue(ln);
        size_t pending = b->used - c->sentlen;
        if (n < pending) {
            c->sentlen += n;
            return;
        }
        n -= pending;
        c->replyBytes -= b->size;
        listDelNode(c->reply, ln);
        c->sentlen = 0;
    }
}

/* One writev of as much pending output as fits in IOV_MAX vectors.
 * Returns bytes written, 0 on EAGAIN, -1 on error. */
static ssize_t writeSome(client *c) {
    struct iovec iov[IOV_MAX];
    int cnt = 0;
    size_t offset = c->sentlen;
    if (c->bufpos > 0) {
        iov[cnt].iov_base = c->buf + c->sentlen;
        iov[cnt].iov_len = c->bufpos - c->sentlen;
        cnt++;
        offset = 0;
    }
    for (listNode *ln = listFirst(c->reply); ln && cnt < IOV_MAX; ln = listNext(ln)) {
        replyBlock *b = listNodeValue(ln);
        if (b->used == 0) continue;
        iov[cnt].iov_base = b->buf + offset;
        iov[cnt].iov_len = b->used - offset;
        offset = 0;
        cnt++;
    }
    if (cnt == 0) {
        consumeWritten(c, 0);
        return 0;
    }
    ssize_t n = connWritev(c, iov, cnt);
    if (n == -1) return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
    consumeWritten(c, (size_t)n);
    return n;
}

/* Writes what c has pending, up to CLIENT_MAX_WRITE_PER_EVENT bytes so one
 * client with a huge reply does not starve the others.  Returns -1 if the
 * client was freed. */
static int clientWrite(client *c, int handlerInstalled) {
    size_t total = 0;
    while (clientHasPendingReplies(c)) {
        ssize_t n = writeSome(c);
        if (n < 0) {
            serverLog(LL_VERBOSE, "Error writing to client: %s", connLastError(c));
            clientFree(c);
            return -1;
        }
        if (n == 0) break;
        total += (size_t)n;
        if (total > CLIENT_MAX_WRITE_PER_EVENT) break;
    }
    server.statNetOutputBytes += (long long)total;
    c->totNetOut += (long long)total;
    if (total) {
        server.statTotalWritesProcessed++;
        clientUpdateMemUsage(c);
    }
    if (!clientHasPendingReplies(c)) {
        c->sentlen = 0;
        if (handlerInstalled) reactorDelFileEvent(server.el, c->fd, RE_WRITABLE);
        if (c->flags & CLIENT_CLOSE_AFTER_REPLY) {
            clientFree(c);
            return -1;
        }
    }
    return 0;
}

/* The socket can take more of what a previous iteration could not send.
 * A client that got new output in this iteration (CLIENT_PENDING_WRITE)
 * is left to beforeSleep, which writes it after the iteration's writes
 * are as durable as appendfsync promises: with `always`, a reply to a
 * write must not leave before its fdatasync, and here, in the middle of
 * the iteration, it has not happened yet (Redis's AE_BARRIER). */
static void clientWriteHandler(reactor *r, int fd, void *privdata, int mask) {
    (void)r; (void)fd; (void)mask;
    client *c = privdata;
    if (c->flags & CLIENT_PENDING_WRITE) return;
    clientWrite(c, 1);
}

void clientInstallWriteHandler(client *c) {
    if (reactorGetFileEvents(server.el, c->fd) & RE_WRITABLE) return;
    if (reactorAddFileEvent(server.el, c->fd, RE_WRITABLE, clientWriteHandler, c) ==
        RE_ERR)
        clientFreeAsync(c);
}

/* Called before the reactor sleeps: writes every queued client's replies
 * directly, and only those that could not be flushed wait for the socket
 * to become writable.  Returns how many clients were handled. */
int clientsHandlePendingWrites(void) {
    int processed = 0;
    /* Replies queued for clients other than the one running (pub/sub
     * messages, invalidations) count too: enforce maxmemory-clients before
     * writing, so an evicted client gets nothing more. */
    clientsEvictIfNeeded();
    listNode *next;
    for (listNode *ln = listFirst(server.clientsPendingWrite); ln; ln = next) {
        next = listNext(ln);
        client *c = listNodeValue(ln);
        if (c->flags & CLIENT_WRITES_HELD) continue;
        listDelNode(server.clientsPendingWrite, ln);
        c->pendingWriteNode = NULL;
        c->flags &= ~CLIENT_PENDING_WRITE;
        processed++;
        if (c->flags & CLIENT_CLOSE_ASAP) continue;
        if (clientWrite(c, 0) < 0) continue;
        if (clientHasPendingReplies(c)) clientInstallWriteHandler(c);
    }
    return processed;
}

void clientsHoldPendingWrites(void) {
    for (listNode *ln = listFirst(server.clientsPendingWrite); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        c->flags |= CLIENT_WRITES_HELD;
    }
}

void clientsReleaseHeldWrites(void) {
    for (listNode *ln = listFirst(server.clientsPendingWrite); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        c->flags &= ~CLIENT_WRITES_HELD;
    }
}

/* --------------------------------------------------------------- limits */

int clientClass(client *c) {
    if (c->flags & CLIENT_PUBSUB) return CLIENT_CLASS_PUBSUB;
    return CLIENT_CLASS_NORMAL;
}

/* Bytes the output buffers hold beyond the fixed reply buffer, with the
 * list's own nodes: what client-output-buffer-limit counts and CLIENT LIST
 * shows as omem (as in Redis). */
size_t clientOutputBufferMemory(client *c) {
    return c->replyBytes + listLength(c->reply) * (sizeof(listNode) + sizeof(replyBlock));
}

/* Everything c holds, as CLIENT LIST tot-mem and maxmemory-clients count
 * it (Redis 7.0's accounting): the client structure with its reply buffer,
 * the query buffer's allocation, the arguments parsed so far, the reply
 * list, and what the listeners hold for it (queued MULTI commands and
 * WATCHed keys, approximations of the subscriptions and tracking
 * prefixes).  The name is not counted (Redis does not either). */
size_t clientTotalMemory(client *c) {
    size_t mem = xmallocUsable(c) + clientOutputBufferMemory(c);
    mem += bstrAllocSize(c->querybuf);
    mem += c->parser.argvBytes + (size_t)c->parser.argc * sizeof(bstr);
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->clientMemory) mem += listeners[i]->clientMemory(c);
    return mem;
}

/* Brings c's share of server.clientsMemTotal (the figure maxmemory-clients
 * is compared with) up to date.  A client being closed counts for nothing:
 * its memory is about to go, and evicting others for it would be wrong. */
void clientUpdateMemUsage(client *c) {
    if (c->flags & CLIENT_SCRIPT) return;
    size_t mem = (c->flags & CLIENT_CLOSE_ASAP) ? 0 : clientTotalMemory(c);
    server.clientsMemTotal = server.clientsMemTotal - c->memTracked + mem;
    c->memTracked = mem;
}

/* Applies client-output-buffer-limit to c.  The soft limit must be exceeded
 * continuously for its seconds; the hard limit at once.  A client over its
 * limit is closed asynchronously.  Returns 1 if c is being closed. */
int clientCheckOutputBufferLimits(client *c) {
    if (c->flags & CLIENT_CLOSE_ASAP) return 1;
    int cls = clientClass(c);
    clientBufferLimit *lim = &server.clientObufLimits[cls];
    unsigned long long used = clientOutputBufferMemory(c);
    int hard = lim->hardBytes && used >= lim->hardBytes;
    int soft = lim->softBytes && used >= lim->softBytes;
    if (soft) {
        if (c->obufSoftLimitReachedTime == 0) {
            c->obufSoftLimitReachedTime = cachedClock.unixtime;
            soft = 0;
        } else if (cachedClock.unixtime - c->obufSoftLimitReachedTime <= lim->softSeconds) {
            soft = 0;
        }
    } else {
        c->obufSoftLimitReachedTime = 0;
    }
    if (!hard && !soft) return 0;
    bstr info = clientCatInfoString(bstrEmpty(), c);
    serverLog(LL_WARNING, "Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
              info);
    bstrFree(info);
    server.statObufLimitDisconnections++;
    clientFreeAsync(c);
    return 1;
}

/* ----------------------------------------------------------------- cron */

/* Gives back query buffer room the client is not using, as Redis 7.0
 * does: all of it once the client has been idle a while, or, for a busy
 * client whose buffer is far above its recent peak (after one big
 * argument, say), down to that peak (never below the bulk being read).
 * Then the peak restarts from what is in use, so it measures the next
 * interval only. */
static void clientsCronResizeQueryBuffer(client *c) {
    size_t len = bstrLen(c->querybuf);
    size_t size = bstrAlloc(c->querybuf);
    long long bulk = c->parser.bulkLen;
    if (bstrAvail(c->querybuf) > QUERYBUF_MIN_WASTE) {
        if (cachedClock.unixtime - c->lastinteraction > QUERYBUF_IDLE_SECONDS) {
            c->querybuf = bstrRemoveFreeSpace(c->querybuf);
        } else if (size > QUERYBUF_RESIZE_THRESHOLD && size / 2 > c->querybufPeak) {
            size_t want = len > c->querybufPeak ? len : c->querybufPeak;
            if (bulk >= 0 && (size_t)bulk > want) want = (size_t)bulk;
            if (want < size) c->querybuf = queryBufSetCapacity(c->querybuf, want);
        }
    }
    c->querybufPeak = len;
    if (bulk >= 0 && (size_t)bulk > c->querybufPeak) c->querybufPeak = (size_t)bulk;
}

/* Restarts the reply buffer's peak (rbp) from what is in use now, every
 * REPLY_BUF_PEAK_RESET_MS. */
static void clientsCronResetReplyPeak(client *c) {
    if (cachedClock.mstime - c->bufPeakResetMs < REPLY_BUF_PEAK_RESET_MS) return;
    c->bufPeak = c->bufpos;
    c->bufPeakResetMs = cachedClock.mstime;
}

/* Returns 1 if c was closed for being idle longer than `timeout`. */
static int clientsCronHandleTimeout(client *c) {
    if (!server.maxidletime) return 0;
    if (c->flags & (CLIENT_PUBSUB | CLIENT_MONITOR | CLIENT_PAUSED | CLIENT_BLOCKED)) return 0;
    if (cachedClock.unixtime - c->lastinteraction <= server.maxidletime) return 0;
    serverLog(LL_VERBOSE, "Closing idle client");
    clientFree(c);
    return 1;
}

/* Visits a share of the clients on every cron tick, so that each is seen
 * about once a second whatever their number. */
void clientsCron(void) {
    long numclients = (long)listLength(server.clients);
    long iterations = numclients / server.hz;
    if (iterations < CLIENTS_CRON_MIN_ITERATIONS)
        iterations = numclients < CLIENTS_CRON_MIN_ITERATIONS ? numclients
                                                              : CLIENTS_CRON_MIN_ITERATIONS;
    while (listLength(server.clients) && iterations--) {
        listRotateHeadToTail(server.clients);
        listNode *ln = listLast(server.clients);
        client *c = listNodeValue(ln);
        c->clientsNode = ln;
        if (clientsCronHandleTimeout(c)) continue;
        clientsCronResizeQueryBuffer(c);
        clientsCronResetReplyPeak(c);
        clientUpdateMemUsage(c);
        /* A client over its soft limit that gets no new output must still
         * be closed once the limit's seconds have passed. */
        if (c->replyBytes) clientCheckOutputBufferLimits(c);
    }
    clientsEvictIfNeeded();
}

long long clientsMaxQueryBuf(void) {
    long long max = 0;
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        long long n = (long long)bstrLen(c->querybuf) - (long long)c->qbPos;
        if (n > max) max = n;
    }
    return max;
}

long long clientsMaxOutputBuf(void) {
    long long max = 0;
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        long long n = (long long)clientOutputBufferMemory(c);
        if (n > max) max = n;
    }
    return max;
}

/* ---------------------------------------------------------------- pause */

/* CLIENT PAUSE, as in Redis 7.0.  A held client (command.c holdForPause)
 * keeps its parsed request and sits on server.pausedClients with
 * CLIENT_PAUSED set; INFO counts it in blocked_clients.  Ending the pause
 * (CLIENT UNPAUSE, or the cron once the time is up) only clears the flag
 * and arms a 0 ms timer: the held requests run from that timer, never from
 * inside the command or lookup that ended the pause, so a transaction
 * that runs CLIENT UNPAUSE stays atomic (Redis queues them for beforeSleep
 * the same way).  A client still on the list without the flag is waiting
 * for that timer; if a new pause came first, its request is held again. */

static long long resumeTimer = -1;

/* The timer: runs the request of each client that was waiting when it
 * fired (clients held again meanwhile go back to the tail; one killed
 * while held is only dropped from the list). */
static long long resumeUnpausedClients(reactor *r, long long id, void *privdata) {
    (void)r; (void)id; (void)privdata;
    resumeTimer = -1;
    for (unsigned long n = listLength(server.pausedClients); n > 0; n--) {
        listNode *ln = listFirst(server.pausedClients);
        if (!ln) break;
        client *c = listNodeValue(ln);
        listDelNode(server.pausedClients, ln);
        c->pausedNode = NULL;
        if (c->flags & CLIENT_PAUSED) {
            listAddNodeTail(server.pausedClients, c);
            c->pausedNode = listLast(server.pausedClients);
            continue;
        }
        if (c->flags & CLIENT_CLOSE_ASAP) continue; /* killed while held */
        client *prev = server.currentClient;
        server.currentClient = c;
        clientProcessInputBuffer(c);
        server.currentClient = prev;
    }
    return RE_NOMORE;
}

/* A later pause never weakens nor shortens the current one: the mode and
 * the end are each the stronger of the two (Redis 7.0.15, checked with
 * MULTI / CLIENT PAUSE 100000 ALL / CLIENT PAUSE 10 WRITE / EXEC).  A pause
 * whose time is up but that the cron has not ended yet counts for none. */
void clientsPause(int type, long long endMs) {
    clientsPauseExpired();
    if (type > server.pauseType) server.pauseType = type;
    if (endMs > server.pauseEndMs) server.pauseEndMs = endMs;
}

int clientsPauseExpired(void) {
    if (server.pauseType != PAUSE_NONE && cachedClock.mstime >= server.pauseEndMs) clientsUnpause();
    return server.pauseType == PAUSE_NONE;
}

/* Ends the pause; the held clients run from the resume timer. */
void clientsUnpause(void) {
    server.pauseType = PAUSE_NONE;
    server.pauseEndMs = 0;
    for (listNode *ln = listFirst(server.pausedClients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        c->flags &= ~CLIENT_PAUSED;
    }
    if (listLength(server.pausedClients) && resumeTimer == -1)
        resumeTimer = reactorAddTimer(server.el, 0, resumeUnpausedClients, NULL);
}

unsigned long clientsPausedCount(void) {
    unsigned long n = 0;
    for (listNode *ln = listFirst(server.pausedClients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (c->flags & CLIENT_PAUSED) n++;
    }
    return n;
}

/* ----------------------------------------------------------------- info */

/* Fills buf (once; it is cached in the client) with the peer's (local 0)
 * or our own (local 1) address as "ip:port", or "<unixsocket>:0". */
static const char *clientAddrString(client *c, char *buf, size_t len, int local) {
    if (buf[0] == '\0') {
        if (c->flags & CLIENT_UNIX_SOCKET)
            snprintf(buf, len, "%s:0", server.unixsocket ? server.unixsocket : "");
        else if (c->fd >= 0)
            netFdToAddrString(c->fd, buf, len, local);
    }
    return buf;
}

const char *clientPeerId(client *c) {
    if (c->flags & CLIENT_SCRIPT) return "?:0"; /* no peer: Redis's answer (SLOWLOG) */
    return clientAddrString(c, c->peerId, sizeof(c->peerId), 0);
}

const char *clientSockName(client *c) {
    return clientAddrString(c, c->sockName, sizeof(c->sockName), 1);
}

static void clientFlagsString(client *c, char *flags) {
    char *p = flags;
    if (c->flags & CLIENT_MONITOR) *p++ = 'O';
    if (c->flags & CLIENT_PUBSUB) *p++ = 'P';
    if (c->flags & CLIENT_MULTI) *p++ = 'x';
    if (c->flags & (CLIENT_PAUSED | CLIENT_BLOCKED)) *p++ = 'b';
    if (c->flags & CLIENT_TRACKING) *p++ = 't';
    if (c->flags & CLIENT_TRACKING_BROKEN_REDIR) *p++ = 'R';
    if (c->flags & CLIENT_TRACKING_BCAST) *p++ = 'B';
    if (c->flags & CLIENT_DIRTY_CAS) *p++ = 'd';
    if (c->flags & CLIENT_CLOSE_AFTER_REPLY) *p++ = 'c';
    if (c->flags & CLIENT_UNIX_SOCKET) *p++ = 'U';
    if (c->flags & CLIENT_CLOSE_ASAP) *p++ = 'A';
    if (c->flags & CLIENT_NO_EVICT) *p++ = 'e';
    if (p == flags) *p++ = 'N';
    *p = '\0';
}

/* Appends c's CLIENT LIST line (without newline), field for field as Redis
 * 7.0 prints it. */
bstr clientCatInfoString(bstr s, client *c) {
    char flags[16], events[3], *p = events;
    clientFlagsString(c, flags);
    int mask = c->fd >= 0 ? reactorGetFileEvents(server.el, c->fd) : 0;
    if (mask & RE_READABLE) *p++ = 'r';
    if (mask & RE_WRITABLE) *p++ = 'w';
    *p = '\0';
    clientDescription d = {0};
    for (int i = 0; i < listenerCount; i++)
        if (listeners[i]->describeClient) listeners[i]->describeClient(c, &d);
    return bstrCatPrintf(s,
        "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s "
        "db=%d sub=%lu psub=%lu ssub=%lu multi=%d qbuf=%zu qbuf-free=%zu argv-mem=%zu "
        "multi-mem=%zu rbs=%zu rbp=%zu obl=%zu oll=%lu omem=%zu tot-mem=%zu "
        "events=%s cmd=%s user=%s redir=%lld resp=%d",
        (unsigned long long)c->id, clientPeerId(c), clientSockName(c), c->fd,
        c->name ? c->name : "", (long long)(cachedClock.unixtime - c->ctime),
        (long long)(cachedClock.unixtime - c->lastinteraction), flags, c->db,
        d.channels, d.patterns, d.shardChannels, (c->flags & CLIENT_MULTI) ? c->mstate.count : -1,
        bstrLen(c->querybuf), bstrAvail(c->querybuf), c->parser.argvBytes, d.queuedBytes,
        sizeof(c->buf), c->bufPeak, c->bufpos, (unsigned long)listLength(c->reply),
        clientOutputBufferMemory(c), clientTotalMemory(c), events,
        d.lastCommand ? d.lastCommand : "NULL", d.user ? d.user : "default",
        (c->flags & CLIENT_TRACKING) ? (long long)c->trackingRedir : -1LL, c->resp);
}

client *clientLookupById(uint64_t id) {
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (c->id == id) return c;
    }
    return NULL;
}
