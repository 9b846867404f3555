/* net/tls.c -- the server's TLS context and connections, on OpenSSL.  See
 * tls.h. */
#include "net/tls.h"
#include "lib/alloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

tlsSettings tlsServerSettings = {
    .authClients = TLS_AUTH_CLIENTS_YES,
    .sessionCaching = 1,
    .sessionCacheSize = 20 * 1024,
    .sessionCacheTimeout = 300,
};

static SSL_CTX *serverCtx;

struct tlsConn {
    SSL *ssl;
    int established;
    char err[256];
};

/* OpenSSL's newest queued error as "error:XXXXXXXX:lib::reason" (what
 * Redis logs), or `fallback` when the queue is empty. */
static void sslErrorString(char *buf, size_t len, const char *fallback) {
    unsigned long e = ERR_peek_last_error();
    if (e == 0) {
        snprintf(buf, len, "%s", fallback);
        return;
    }
    ERR_error_string_n(e, buf, len);
}

/* tls-protocols as SSL_OP_NO_* options to set: "" means TLSv1.2 and
 * TLSv1.3, Redis's default.  Returns -1 for an unknown name. */
static int protocolOptions(const char *protocols, long *opts) {
    int want12 = 1, want13 = 1, want10 = 0, want11 = 0;
    if (protocols && protocols[0]) {
        want12 = want13 = 0;
        char *copy = xstrdup(protocols);
        char *save = NULL;
        for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            if (!strcasecmp(w, "tlsv1")) want10 = 1;
            else if (!strcasecmp(w, "tlsv1.1")) want11 = 1;
            else if (!strcasecmp(w, "tlsv1.2")) want12 = 1;
            else if (!strcasecmp(w, "tlsv1.3")) want13 = 1;
            else {
                xfree(copy);
                return -1;
            }
        }
        xfree(copy);
        if (!(want10 | want11 | want12 | want13)) return -1;
    }
    *opts = 0;
    if (!want10) *opts |= SSL_OP_NO_TLSv1;
    if (!want11) *opts |= SSL_OP_NO_TLSv1_1;
    if (!want12) *opts |= SSL_OP_NO_TLSv1_2;
    if (!want13) *opts |= SSL_OP_NO_TLSv1_3;
    return 0;
}

/* tls-key-file-pass for an encrypted key: handed to OpenSSL while the key
 * loads, never kept in the context. */
static int keyPassword(char *buf, int size, int rwflag, void *userdata) {
    (void)rwflag;
    const char *pass = userdata;
    if (!pass) return 0;
    int len = (int)strlen(pass);
    if (len > size) len = size;
    memcpy(buf, pass, (size_t)len);
    return len;
}

static int loadDhParams(SSL_CTX *ctx, const char *file, char *err, size_t errlen) {
    BIO *bio = BIO_new_file(file, "r");
    if (!bio) {
        snprintf(err, errlen, "Failed to load %s: %s", file, strerror(errno));
        return -1;
    }
    EVP_PKEY *dh = PEM_read_bio_Parameters(bio, NULL);
    BIO_free(bio);
    if (!dh) {
        snprintf(err, errlen, "%s: failed to read DH params.", file);
        return -1;
    }
    if (SSL_CTX_set0_tmp_dh_pkey(ctx, dh) <= 0) {
        char ssl[200];
        sslErrorString(ssl, sizeof(ssl), "unknown error");
        snprintf(err, errlen, "Failed to load DH params file: %s: %s", file, ssl);
        EVP_PKEY_free(dh);
        return -1;
    }
    return 0;
}

/* Everything tlsConfigure checks and loads, into a fresh ctx. */
static int fillContext(SSL_CTX *ctx, const tlsSettings *s, char *err, size_t errlen) {
    char ssl[200];
    long protoOpts;
    if (protocolOptions(s->protocols, &protoOpts) < 0) {
        snprintf(err, errlen, "Invalid tls-protocols specified. Use a combination of "
                              "'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
        return -1;
    }
    long opts = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION | protoOpts;
#ifdef SSL_OP_NO_CLIENT_RENEGOTIATION
    opts |= SSL_OP_NO_CLIENT_RENEGOTIATION;
#endif
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    opts |= SSL_OP_IGNORE_UNEXPECTED_EOF; /* a peer that just closes is an EOF */
#endif
    if (s->preferServerCiphers) opts |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    SSL_CTX_set_options(ctx, (uint64_t)opts);
    /* Replies are written from buffers that move and grow between tries. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (s->sessionCaching) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
        SSL_CTX_sess_set_cache_size(ctx, s->sessionCacheSize);
        SSL_CTX_set_timeout(ctx, s->sessionCacheTimeout);
        SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"redis", 5);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    SSL_CTX_set_default_passwd_cb(ctx, keyPassword);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, s->keyFilePass);
    int rc = -1;
    if (SSL_CTX_use_certificate_chain_file(ctx, s->certFile) <= 0) {
        sslErrorString(ssl, sizeof(ssl), "unknown error");
        snprintf(err, errlen, "Failed to load certificate: %s: %s", s->certFile, ssl);
    } else if (SSL_CTX_use_PrivateKey_file(ctx, s->keyFile, SSL_FILETYPE_PEM) <= 0) {
        sslErrorString(ssl, sizeof(ssl), "unknown error");
        snprintf(err, errlen, "Failed to load private key: %s: %s", s->keyFile, ssl);
    } else if ((s->caCertFile || s->caCertDir) &&
               SSL_CTX_load_verify_locations(ctx, s->caCertFile, s->caCertDir) <= 0) {
        sslErrorString(ssl, sizeof(ssl), "unknown error");
        snprintf(err, errlen, "Failed to configure CA certificate(s) file/directory: %s", ssl);
    } else if (s->dhParamsFile && loadDhParams(ctx, s->dhParamsFile, err, errlen) < 0) {
        /* err filled */
    } else if (s->ciphers && !SSL_CTX_set_cipher_list(ctx, s->ciphers)) {
        snprintf(err, errlen, "Failed to configure ciphers: %s", s->ciphers);
    } else if (s->ciphersuites && !SSL_CTX_set_ciphersuites(ctx, s->ciphersuites)) {
        snprintf(err, errlen, "Failed to configure ciphersuites: %s", s->ciphersuites);
    } else {
        rc = 0;
    }
    SSL_CTX_set_default_passwd_cb_userdata(ctx, NULL);
    return rc;
}

int tlsConfigure(char *err, size_t errlen) {
    const tlsSettings *s = &tlsServerSettings;
    if (!s->certFile) {
        snprintf(err, errlen, "No tls-cert-file configured!");
        return -1;
    }
    if (!s->keyFile) {
        snprintf(err, errlen, "No tls-key-file configured!");
        return -1;
    }
    if (s->authClients != TLS_AUTH_CLIENTS_NO && !s->caCertFile && !s->caCertDir) {
        snprintf(err, errlen, "Either tls-ca-cert-file or tls-ca-cert-dir must be specified "
                              "when tls-cluster, tls-replication or tls-auth-clients are "
                              "enabled!");
        return -1;
    }
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        char ssl[200];
        sslErrorString(ssl, sizeof(ssl), "out of memory");
        snprintf(err, errlen, "Failed to create the TLS context: %s", ssl);
        return -1;
    }
    if (fillContext(ctx, s, err, errlen) < 0) {
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return -1;
    }
    SSL_CTX_free(serverCtx); /* open connections hold their own reference */
    serverCtx = ctx;
    return 0;
}

int tlsIsConfigured(void) { return serverCtx != NULL; }

/* ------------------------------------------------------- connections */

tlsConn *tlsConnNew(int fd, char *err, size_t errlen) {
    if (!serverCtx) {
        snprintf(err, errlen, "TLS is not configured");
        return NULL;
    }
    tlsConn *c = xcalloc(1, sizeof(*c));
    ERR_clear_error();
    c->ssl = SSL_new(serverCtx);
    if (!c->ssl || !SSL_set_fd(c->ssl, fd)) {
        sslErrorString(err, errlen, "SSL_new failed");
        if (c->ssl) SSL_free(c->ssl);
        xfree(c);
        return NULL;
    }
    SSL_set_accept_state(c->ssl);
    /* The context asks every client for a certificate; "no" and
     * "optional" relax that per connection, so a CONFIG SET of
     * tls-auth-clients applies to the next accept without a rebuild. */
    if (tlsServerSettings.authClients == TLS_AUTH_CLIENTS_NO)
        SSL_set_verify(c->ssl, SSL_VERIFY_NONE, NULL);
    else if (tlsServerSettings.authClients == TLS_AUTH_CLIENTS_OPTIONAL)
        SSL_set_verify(c->ssl, SSL_VERIFY_PEER, NULL);
    return c;
}

/* Reads OpenSSL's verdict on the call that returned rc: 0 when it would
 * block (*want set), 1 for the peer's orderly end, -1 for an error
 * (c->err filled). */
static int classify(tlsConn *c, int rc, int *want) {
    int e = SSL_get_error(c->ssl, rc);
    switch (e) {
    case SSL_ERROR_WANT_READ: *want = TLS_WANT_READ; return 0;
    case SSL_ERROR_WANT_WRITE: *want = TLS_WANT_WRITE; return 0;
    case SSL_ERROR_ZERO_RETURN: return 1;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_last_error() == 0) {
            if (errno == 0) return 1;
            snprintf(c->err, sizeof(c->err), "%s", strerror(errno));
            return -1;
        }
        /* fall through */
    default:
        sslErrorString(c->err, sizeof(c->err), "unknown TLS error");
        return -1;
    }
}

int tlsConnHandshake(tlsConn *c) {
    if (c->established) return TLS_DONE;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        c->established = 1;
        return TLS_DONE;
    }
    int want = 0;
    int v = classify(c, rc, &want);
    if (v == 0) return want;
    if (v == 1) snprintf(c->err, sizeof(c->err), "Connection closed during the handshake");
    return TLS_FAILED;
}

int tlsConnEstablished(tlsConn *c) { return c->established; }

ssize_t tlsConnRead(tlsConn *c, void *buf, size_t len, int *want) {
    if (len > INT_MAX) len = INT_MAX;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read(c->ssl, buf, (int)len);
    if (rc > 0) return rc;
    int v = classify(c, rc, want);
    if (v == 1) return 0;
    errno = v == 0 ? EAGAIN : EIO;
    return -1;
}

ssize_t tlsConnWrite(tlsConn *c, const void *buf, size_t len, int *want) {
    if (len == 0) return 0;
    if (len > INT_MAX) len = INT_MAX;
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write(c->ssl, buf, (int)len);
    if (rc > 0) return rc;
    int v = classify(c, rc, want);
    if (v == 1) snprintf(c->err, sizeof(c->err), "Connection closed");
    errno = v == 0 ? EAGAIN : EIO;
    return -1;
}

size_t tlsConnPending(tlsConn *c) {
    int n = SSL_pending(c->ssl);
    return n > 0 ? (size_t)n : 0;
}

const char *tlsConnError(tlsConn *c) { return c->err[0] ? c->err : "unknown error"; }

void tlsConnFree(tlsConn *c) {
    if (!c) return;
    SSL_free(c->ssl);
    xfree(c);
}
