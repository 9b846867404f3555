/* net/tls.h -- TLS for the server's listeners: the shared server context
 * built from the tls-* settings, and one TLS connection over an accepted,
 * non-blocking socket.
 *
 * The context: tlsConfigure() builds a new SSL_CTX from tlsServerSettings
 * and swaps it in only when every step worked, so a bad certificate, key
 * or cipher list leaves the previous context serving (CONFIG SET of a bad
 * value fails and changes nothing).  Connections already open keep the
 * context they were accepted with (OpenSSL counts its references).
 *
 * A connection never blocks.  Handshake, read and write report "would
 * block" with the direction OpenSSL waits for, and the caller waits for
 * that event on the socket.  Bytes OpenSSL has already decrypted but not
 * handed over (tlsConnPending) arrive with no socket event: the caller
 * must drain them itself (client.c does, before the reactor sleeps).
 *
 * This layer knows sockets and OpenSSL only, no client or server. */
#ifndef REDIS_KV_TLS_H
#define REDIS_KV_TLS_H

#include <stddef.h>
#include <sys/types.h>

/* tls-auth-clients, as Redis's enum values. */
#define TLS_AUTH_CLIENTS_NO 0
#define TLS_AUTH_CLIENTS_YES 1
#define TLS_AUTH_CLIENTS_OPTIONAL 2

/* The tls-* directives, as config.c stores them (strings NULL when "").
 * port and authClients are read at each bind and accept; the rest only by
 * tlsConfigure(). */
typedef struct tlsSettings {
    int port;
    char *certFile, *keyFile, *keyFilePass;
    char *caCertFile, *caCertDir;
    char *dhParamsFile;
    char *protocols, *ciphers, *ciphersuites;
    int authClients;
    int preferServerCiphers;
    int sessionCaching, sessionCacheSize, sessionCacheTimeout;
} tlsSettings;

extern tlsSettings tlsServerSettings;

/* Builds a server context from tlsServerSettings and makes it the current
 * one.  On failure the current context stays, err says why (the reason
 * Redis logs) and -1 is returned. */
int tlsConfigure(char *err, size_t errlen);
int tlsIsConfigured(void);

/* Results of tlsConnHandshake, and what *want is set to on "would block". */
#define TLS_DONE 0
#define TLS_WANT_READ 1
#define TLS_WANT_WRITE 2
#define TLS_FAILED (-1)

typedef struct tlsConn tlsConn;

/* A server-side connection on fd in the current context.  NULL if there
 * is no context or OpenSSL cannot make one (err filled).  The fd stays
 * the caller's: tlsConnFree does not close it. */
tlsConn *tlsConnNew(int fd, char *err, size_t errlen);
/* Advances the handshake: TLS_DONE, TLS_WANT_READ / TLS_WANT_WRITE (call
 * again when the socket is ready that way), or TLS_FAILED (tlsConnError
 * says why). */
int tlsConnHandshake(tlsConn *c);
int tlsConnEstablished(tlsConn *c);
/* Like read(2)/write(2) on a non-blocking socket: bytes moved, 0 for the
 * peer's end (read only), -1 with errno EAGAIN when it would block (and
 * *want the direction it waits for), or -1 with errno EIO on an error. */
ssize_t tlsConnRead(tlsConn *c, void *buf, size_t len, int *want);
ssize_t tlsConnWrite(tlsConn *c, const void *buf, size_t len, int *want);
/* Decrypted bytes waiting in OpenSSL: readable with no socket event. */
size_t tlsConnPending(tlsConn *c);
const char *tlsConnError(tlsConn *c);
void tlsConnFree(tlsConn *c);

#endif
