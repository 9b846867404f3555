/* server/listen.c -- the server's listening sockets — binding the configured
 * TCP addresses and unix socket, and rebinding when CONFIG SET changes bind or
 * port. */
#include "client/client.h"
#include "lib/alloc.h"
#include "net/net.h"
#include "net/tls.h"
#include "server/server.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Redis's address spelling: "*" is every IPv4 address, "::*" every IPv6
 * one, and a leading "-" makes an address optional (skipped when it is not
 * available on this machine). */
/* The port the TCP listeners are bound to now.  CONFIG SET port changes
 * server.port before re-binding, so a failed re-bind restores from here. */
static int boundPort;

static const char *bindAddrToHost(const char *addr, int *optional) {
    *optional = addr[0] == '-';
    if (*optional) addr++;
    if (strcmp(addr, "*") == 0) return "0.0.0.0";
    if (strcmp(addr, "::*") == 0) return "::";
    return addr;
}

static int optionalBindFailure(int err) {
    return err == EADDRNOTAVAIL || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
           err == ESOCKTNOSUPPORT || err == EINVAL;
}

/* Opens listeners for addrs on port into fds.  On failure closes what it
 * opened and fills err.  Returns the number of fds, or -1. */
static int bindAll(char **addrs, int count, int port, int *fds, char *err, size_t errlen) {
    int n = 0;
    for (int i = 0; i < count; i++) {
        int optional;
        const char *host = bindAddrToHost(addrs[i], &optional);
        char nerr[NET_ERR_LEN];
        int fd = netTcpServer(nerr, port, host, server.tcpBacklog);
        if (fd == NET_ERR) {
            int saved = errno;
            if (optional && optionalBindFailure(saved)) continue;
            snprintf(err, errlen, "Warning: Could not create server TCP listening socket %s:%d: %s",
                     addrs[i], port, nerr);
            for (int j = 0; j < n; j++) close(fds[j]);
            return -1;
        }
        netSetNonBlock(NULL, fd);
        fds[n++] = fd;
    }
    return n;
}

/* The TLS port's listeners, on the same addresses as the plain ones. */
static int tlsfd[CONFIG_BINDADDR_MAX];
static int tlsfdCount;
static int boundTlsPort;

int tlsListenerCount(void) { return tlsfdCount; }

static int registerListeners(int *fds, int n, reFileProc *accept, char *err, size_t errlen) {
    for (int i = 0; i < n; i++) {
        if (reactorAddFileEvent(server.el, fds[i], RE_READABLE, accept, NULL) == RE_ERR) {
            snprintf(err, errlen, "Unrecoverable error creating TCP socket accept handler.");
            return -1;
        }
    }
    return 0;
}

static void closeFds(int *fds, int *count) {
    for (int i = 0; i < *count; i++) {
        reactorDelFileEvent(server.el, fds[i], RE_READABLE);
        close(fds[i]);
    }
    *count = 0;
}

void closeListeners(void) {
    closeFds(server.ipfd, &server.ipfdCount);
    closeFds(tlsfd, &tlsfdCount);
    if (server.sofd != -1) {
        reactorDelFileEvent(server.el, server.sofd, RE_READABLE);
        close(server.sofd);
        if (server.unixsocket) unlink(server.unixsocket);
        server.sofd = -1;
    }
}

/* Opens every configured listener at start-up.  Returns -1 (after logging
 * why) if any mandatory address or the unix socket cannot be bound. */
int listenToPort(void) {
    char err[NET_ERR_LEN * 2];
    server.ipfdCount = 0;
    if (server.port != 0) {
        int n = bindAll(server.bindaddr, server.bindaddrCount, server.port, server.ipfd, err,
                        sizeof(err));
        if (n < 0 || registerListeners(server.ipfd, n, clientAcceptTcpHandler, err,
                                       sizeof(err)) < 0) {
            serverLog(LL_WARNING, "%s", err);
            return -1;
        }
        server.ipfdCount = n;
    }
    boundPort = server.port;
    if (tlsServerSettings.port != 0) {
        if (tlsConfigure(err, sizeof(err)) < 0) {
            serverLog(LL_WARNING, "%s", err);
            serverLog(LL_WARNING, "Failed to configure TLS. Check logs for more info.");
            return -1;
        }
        int n = bindAll(server.bindaddr, server.bindaddrCount, tlsServerSettings.port, tlsfd,
                        err, sizeof(err));
        if (n < 0 || registerListeners(tlsfd, n, clientAcceptTlsHandler, err, sizeof(err)) < 0) {
            serverLog(LL_WARNING, "%s", err);
            return -1;
        }
        tlsfdCount = n;
    }
    boundTlsPort = tlsServerSettings.port;
    if (server.unixsocket) {
        char nerr[NET_ERR_LEN];
        server.sofd = netUnixServer(nerr, server.unixsocket, (mode_t)server.unixsocketperm,
                                    server.tcpBacklog);
        if (server.sofd == NET_ERR) {
            serverLog(LL_WARNING, "Failed opening Unix socket: %s", nerr);
            return -1;
        }
        netSetNonBlock(NULL, server.sofd);
        if (reactorAddFileEvent(server.el, server.sofd, RE_READABLE, clientAcceptUnixHandler,
                                NULL) == RE_ERR) {
            serverLog(LL_WARNING, "Unrecoverable error creating unix socket accept handler.");
            return -1;
        }
    }
    if (server.ipfdCount == 0 && tlsfdCount == 0 && server.sofd < 0) {
        serverLog(LL_WARNING, "Configured to not listen anywhere, exiting.");
        return -1;
    }
    return 0;
}

/* One kind of TCP listener: the plain port's or the TLS port's. */
typedef struct listenerGroup {
    int *fds;
    int *count;
    int *boundPort;
    reFileProc *accept;
} listenerGroup;

static listenerGroup plainGroup(void) {
    return (listenerGroup){server.ipfd, &server.ipfdCount, &boundPort, clientAcceptTcpHandler};
}

static listenerGroup tlsGroup(void) {
    return (listenerGroup){tlsfd, &tlsfdCount, &boundTlsPort, clientAcceptTlsHandler};
}

static int openListeners(listenerGroup g, char **addrs, int count, int port, char *err,
                         size_t errlen) {
    int fds[CONFIG_BINDADDR_MAX];
    int n = 0;
    if (port != 0) {
        n = bindAll(addrs, count, port, fds, err, errlen);
        if (n < 0) return -1;
    }
    if (registerListeners(fds, n, g.accept, err, errlen) < 0) {
        closeFds(fds, &n);
        return -1;
    }
    memcpy(g.fds, fds, sizeof(int) * (size_t)n);
    *g.count = n;
    *g.boundPort = port;
    return 0;
}

/* Replaces g's listeners with ones for (addrs, port).  As in Redis the
 * old ones are closed first (the new list may share addresses with them),
 * and reopened on the old addresses if the new ones cannot all be bound,
 * so a failure leaves the server listening where it did. */
static int rebind(listenerGroup g, char **addrs, int count, int port, char *err,
                  size_t errlen) {
    closeFds(g.fds, g.count);
    if (openListeners(g, addrs, count, port, err, errlen) == 0) return 0;
    char ignored[NET_ERR_LEN * 2];
    if (openListeners(g, server.bindaddr, server.bindaddrCount, *g.boundPort, ignored,
                      sizeof(ignored)) < 0)
        serverLog(LL_WARNING, "Failed to restore the old listeners: %s", ignored);
    return -1;
}

/* New bind addresses move both ports; if the TLS port cannot follow, the
 * plain one goes back too. */
int changeBindAddr(char **addrs, int count, char *err, size_t errlen) {
    if (rebind(plainGroup(), addrs, count, server.port, err, errlen) < 0) {
        snprintf(err, errlen, "Failed to bind to specified addresses.");
        return -1;
    }
    if (rebind(tlsGroup(), addrs, count, boundTlsPort, err, errlen) < 0) {
        char ignored[NET_ERR_LEN * 2];
        rebind(plainGroup(), server.bindaddr, server.bindaddrCount, server.port, ignored,
               sizeof(ignored));
        snprintf(err, errlen, "Failed to bind to specified addresses.");
        return -1;
    }
    return 0;
}

int changeListenPort(int port, char *err, size_t errlen) {
    if (rebind(plainGroup(), server.bindaddr, server.bindaddrCount, port, err, errlen) < 0) {
        snprintf(err, errlen, "Unable to listen on this port. Check server logs.");
        return -1;
    }
    return 0;
}

/* CONFIG SET tls-port: opening the TLS port builds the context from the
 * settings first (they are not applied while the port is closed), with
 * Redis's texts. */
int changeTlsPort(int port, char *err, size_t errlen) {
    if (port != 0 && (!tlsIsConfigured() || boundTlsPort == 0)) {
        char why[NET_ERR_LEN * 2];
        if (tlsConfigure(why, sizeof(why)) < 0) {
            serverLog(LL_WARNING, "%s", why);
            snprintf(err, errlen, "Unable to update TLS configuration. Check server logs.");
            return -1;
        }
    }
    if (rebind(tlsGroup(), server.bindaddr, server.bindaddrCount, port, err, errlen) < 0) {
        serverLog(LL_WARNING, "%s", err);
        snprintf(err, errlen, "Unable to listen on this port. Check server logs.");
        return -1;
    }
    return 0;
}
