/* net/net.c -- sockets.  See net.h. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void netSetError(char *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, NET_ERR_LEN, fmt, ap);
    va_end(ap);
}

int netSetNonBlock(char *err, int fd) {
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1) {
        netSetError(err, "fcntl(F_GETFL): %s", strerror(errno));
        return NET_ERR;
    }
    if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1) {
        netSetError(err, "fcntl(F_SETFL,O_NONBLOCK): %s", strerror(errno));
        return NET_ERR;
    }
    return NET_OK;
}

int netSetTcpNoDelay(char *err, int fd) {
    int yes = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes)) == -1) {
        netSetError(err, "setsockopt TCP_NODELAY: %s", strerror(errno));
        return NET_ERR;
    }
    return NET_OK;
}

/* Turns on TCP keepalive with probes every `interval` seconds, so dead
 * peers are noticed and middleboxes keep the connection open. */
int netSetKeepAlive(char *err, int fd, int interval) {
    int val = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &val, sizeof(val)) == -1) {
        netSetError(err, "setsockopt SO_KEEPALIVE: %s", strerror(errno));
        return NET_ERR;
    }
    val = interval;
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &val, sizeof(val)) < 0) {
        netSetError(err, "setsockopt TCP_KEEPIDLE: %s", strerror(errno));
        return NET_ERR;
    }
    val = interval / 3;
    if (val == 0) val = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &val, sizeof(val)) < 0) {
        netSetError(err, "setsockopt TCP_KEEPINTVL: %s", strerror(errno));
        return NET_ERR;
    }
    val = 3;
    if (setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &val, sizeof(val)) < 0) {
        netSetError(err, "setsockopt TCP_KEEPCNT: %s", strerror(errno));
        return NET_ERR;
    }
    return NET_OK;
}

static int netListen(char *err, int s, struct sockaddr *sa, socklen_t len,
                     int backlog) {
    if (bind(s, sa, len) == -1) {
        netSetError(err, "bind: %s", strerror(errno));
        close(s);
        return NET_ERR;
    }
    if (listen(s, backlog) == -1) {
        netSetError(err, "listen: %s", strerror(errno));
        close(s);
        return NET_ERR;
    }
    return NET_OK;
}

/* Listens on bindaddr:port.  The address family follows the address
 * ("0.0.0.0", "::", "127.0.0.1", "::1", or a host name); an IPv6 socket is
 * made IPv6-only so that "*" and "::*" can both be bound.  Returns the
 * listening fd, or NET_ERR. */
int netTcpServer(char *err, int port, const char *bindaddr, int backlog) {
    char portstr[8];
    struct addrinfo hints, *servinfo, *p;
    int s = -1, rv;
    snprintf(portstr, sizeof(portstr), "%d", port);
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if ((rv = getaddrinfo(bindaddr, portstr, &hints, &servinfo)) != 0) {
        netSetError(err, "%s", gai_strerror(rv));
        return NET_ERR;
    }
    for (p = servinfo; p != NULL; p = p->ai_next) {
        s = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
        if (s == -1) continue;
        int yes = 1;
        if (p->ai_family == AF_INET6 &&
            setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &yes, sizeof(yes)) == -1) {
            netSetError(err, "setsockopt IPV6_V6ONLY: %s", strerror(errno));
            close(s);
            s = NET_ERR;
            break;
        }
        if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) == -1) {
            netSetError(err, "setsockopt SO_REUSEADDR: %s", strerror(errno));
            close(s);
            s = NET_ERR;
            break;
        }
        if (netListen(err, s, p->ai_addr, p->ai_addrlen, backlog) == NET_ERR)
            s = NET_ERR;
        break;
    }
    if (p == NULL) {
        netSetError(err, "unable to bind socket, errno: %d", errno);
        s = NET_ERR;
    }
    freeaddrinfo(servinfo);
    return s;
}

/* Listens on a unix socket at path (removing a stale file first) and sets
 * its permissions to perm when perm is non-zero. */
int netUnixServer(char *err, const char *path, mode_t perm, int backlog) {
    struct sockaddr_un sa;
    if (strlen(path) >= sizeof(sa.sun_path)) {
        netSetError(err, "unix socket path too long (%zu), must be under %zu",
                    strlen(path), sizeof(sa.sun_path));
        return NET_ERR;
    }
    int s = socket(AF_LOCAL, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s == -1) {
        netSetError(err, "creating socket: %s", strerror(errno));
        return NET_ERR;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_LOCAL;
    strncpy(sa.sun_path, path, sizeof(sa.sun_path) - 1);
    unlink(path);
    if (netListen(err, s, (struct sockaddr *)&sa, sizeof(sa), backlog) == NET_ERR)
        return NET_ERR;
    if (perm && chmod(sa.sun_path, perm) == -1) {
        netSetError(err, "chmod %s: %s", path, strerror(errno));
        close(s);
        return NET_ERR;
    }
    return s;
}

static int netGenericAccept(char *err, int s, struct sockaddr *sa, socklen_t *len) {
    int fd;
    do {
        fd = accept4(s, sa, len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } while (fd == -1 && errno == EINTR);
    if (fd == -1) {
        netSetError(err, "accept: %s", strerror(errno));
        return NET_ERR;
    }
    return fd;
}

/* Accepts a TCP connection; the new fd is already non-blocking. */
int netTcpAccept(char *err, int serversock, char *ip, size_t iplen, int *port) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int fd = netGenericAccept(err, serversock, (struct sockaddr *)&sa, &salen);
    if (fd == NET_ERR) return NET_ERR;
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        if (ip) inet_ntop(AF_INET, &s->sin_addr, ip, (socklen_t)iplen);
        if (port) *port = ntohs(s->sin_port);
    } else {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        if (ip) inet_ntop(AF_INET6, &s->sin6_addr, ip, (socklen_t)iplen);
        if (port) *port = ntohs(s->sin6_port);
    }
    return fd;
}

int netUnixAccept(char *err, int serversock) {
    struct sockaddr_un sa;
    socklen_t salen = sizeof(sa);
    return netGenericAccept(err, serversock, (struct sockaddr *)&sa, &salen);
}

/* Fills ip/port with the peer's (local == 0) or our own (local == 1)
 * address.  Unix sockets give ip "/unixsocket" style path and port 0. */
int netFdToString(int fd, char *ip, size_t iplen, int *port, int local) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    int rc = local ? getsockname(fd, (struct sockaddr *)&sa, &salen)
                   : getpeername(fd, (struct sockaddr *)&sa, &salen);
    if (rc == -1) goto error;
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        if (ip && !inet_ntop(AF_INET, &s->sin_addr, ip, (socklen_t)iplen))
            goto error;
        if (port) *port = ntohs(s->sin_port);
    } else if (sa.ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        if (ip && !inet_ntop(AF_INET6, &s->sin6_addr, ip, (socklen_t)iplen))
            goto error;
        if (port) *port = ntohs(s->sin6_port);
    } else if (sa.ss_family == AF_UNIX) {
        if (ip) {
            struct sockaddr_un *s = (struct sockaddr_un *)&sa;
            snprintf(ip, iplen, "%s", salen > sizeof(sa_family_t) ? s->sun_path : "");
        }
        if (port) *port = 0;
    } else {
        goto error;
    }
    return 0;
error:
    if (ip && iplen) {
        ip[0] = '?';
        if (iplen > 1) ip[1] = '\0';
    }
    if (port) *port = 0;
    return -1;
}

/* "ip:port", with IPv6 addresses in brackets, as Redis prints them. */
int netFormatAddr(char *buf, size_t buflen, const char *ip, int port) {
    return snprintf(buf, buflen, strchr(ip, ':') ? "[%s]:%d" : "%s:%d", ip, port);
}

int netFdToAddrString(int fd, char *buf, size_t buflen, int local) {
    char ip[NET_IP_STR_LEN + 64];
    int port;
    netFdToString(fd, ip, sizeof(ip), &port, local);
    return netFormatAddr(buf, buflen, ip, port);
}

/* True for unix sockets and loopback peers (127.0.0.0/8 and ::1): what
 * protected mode and "local" debug access treat as local. */
int netIsLoopbackFd(int fd) {
    struct sockaddr_storage sa;
    socklen_t salen = sizeof(sa);
    if (getpeername(fd, (struct sockaddr *)&sa, &salen) == -1) return 0;
    if (sa.ss_family == AF_UNIX) return 1;
    if (sa.ss_family == AF_INET) {
        struct sockaddr_in *s = (struct sockaddr_in *)&sa;
        return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa.ss_family == AF_INET6) {
        struct sockaddr_in6 *s = (struct sockaddr_in6 *)&sa;
        if (IN6_IS_ADDR_LOOPBACK(&s->sin6_addr)) return 1;
        if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr))
            return s->sin6_addr.s6_addr[12] == 127;
    }
    return 0;
}
