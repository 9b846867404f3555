/* net/net.h -- listening sockets, accept, and socket options (TCP and unix).
 *
 * Every function that can fail takes an `err` buffer of NET_ERR_LEN bytes,
 * fills it with a readable reason, and returns NET_ERR (-1). */
#ifndef REDIS_KV_NET_H
#define REDIS_KV_NET_H

#include <stddef.h>
#include <sys/types.h>

#define NET_OK 0
#define NET_ERR -1
#define NET_ERR_LEN 256
#define NET_IP_STR_LEN 46 /* INET6_ADDRSTRLEN */
#define NET_ADDR_STR_LEN (NET_IP_STR_LEN + 32)

int netTcpServer(char *err, int port, const char *bindaddr, int backlog);
int netUnixServer(char *err, const char *path, mode_t perm, int backlog);
int netTcpAccept(char *err, int serversock, char *ip, size_t iplen, int *port);
int netUnixAccept(char *err, int serversock);
int netSetNonBlock(char *err, int fd);
int netSetTcpNoDelay(char *err, int fd);
int netSetKeepAlive(char *err, int fd, int interval);
int netFdToString(int fd, char *ip, size_t iplen, int *port, int local);
int netFormatAddr(char *buf, size_t buflen, const char *ip, int port);
int netFdToAddrString(int fd, char *buf, size_t buflen, int local);
int netIsLoopbackFd(int fd);

#endif
