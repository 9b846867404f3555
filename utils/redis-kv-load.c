/* utils/redis-kv-load.c -- pipelined load generator and RESP protocol fuzzer.
 *
 * Load mode:
 *   redis-kv-load [-h host] [-p port] [-s socket] [-a password]
 *                 [-c conns] [-n requests] [-P pipeline]
 *                 [-t ping|echo|custom] [--cmd "SET k v"] [-d bytes]
 *                 (--cmd "MULTI; SET a 1; SET b 2; EXEC": several commands
 *                 separated by ';' form one request, sent back to back)
 *                 [--allow-errors] [--keep-open ms] [--timeout s]
 *
 *   Opens all connections (non-blocking hiredis contexts driven by one epoll
 *   loop), confirms every one with a PING (or AUTH) round trip, prints
 *   "connected: N", then sends the requests in pipelines of P per connection
 *   and verifies every reply. After the load it can keep every connection
 *   open and idle for a while (--keep-open), then checks with a last PING on
 *   each that all of them are still up and served. Prints a "key: value"
 *   summary on stdout; the exit status is 0 only if every reply was as
 *   expected and every connection stayed up.
 *
 * Fuzz mode:
 *   redis-kv-load --fuzz [-h host] [-p port] [-s socket] [-a password]
 *                 [-n rounds] [--seed S] [--round R] [--read-ms ms] [-v]
 *
 *   Each round sends one generated malformed, truncated, oversized or merely
 *   oddly split request stream on a fresh connection, reads whatever comes
 *   back for a short while, closes the connection (sometimes abruptly), and
 *   then checks on a separate connection that the server still answers PING.
 *   Everything sent in round R depends only on (seed, R), so a failing round
 *   replays with --seed S --round R. Exit status 1 if the server ever stops
 *   answering or accepting connections.
 *
 * Exit status: 0 success, 1 test failure (bad reply, lost connection, dead
 * server), 2 usage or local resource error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <hiredis/hiredis.h>

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */
/* ------------------------------------------------------------------------ */

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define MAX_REPORTS 10 /* detailed error lines printed before going quiet */

/* die: print a message to stderr and exit with EXIT_USAGE (local errors:
 * bad arguments, out of memory, failing syscalls of our own). */
static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("redis-kv-load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory allocating %zu bytes", n);
    return p;
}

static void *xcalloc(size_t n, size_t sz) {
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) die("out of memory allocating %zu x %zu bytes", n, sz);
    return p;
}

static void *xrealloc(void *old, size_t n) {
    void *p = realloc(old, n ? n : 1);
    if (!p) die("out of memory allocating %zu bytes", n);
    return p;
}

/* now_us: monotonic clock in microseconds. */
static uint64_t now_us(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) die("clock_gettime: %s", strerror(errno));
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* parse_ll: parse a whole decimal integer within [lo, hi] or die naming the
 * option. */
static long long parse_ll(const char *opt, const char *s, long long lo, long long hi) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        die("invalid value for %s: '%s' (expected an integer in %lld..%lld)", opt, s, lo, hi);
    return v;
}

/* escape_into: write a printable, C-escaped rendering of p[0..len) into out
 * (size outsz, always NUL terminated), appending "..." when truncated. */
static void escape_into(char *out, size_t outsz, const void *p, size_t len) {
    const unsigned char *s = p;
    size_t o = 0;
    if (outsz == 0) return;
    for (size_t i = 0; i < len; i++) {
        char tmp[8];
        int n;
        unsigned char ch = s[i];
        if (ch == '\r') n = snprintf(tmp, sizeof tmp, "\\r");
        else if (ch == '\n') n = snprintf(tmp, sizeof tmp, "\\n");
        else if (ch == '\\' || ch == '"') n = snprintf(tmp, sizeof tmp, "\\%c", ch);
        else if (ch >= 32 && ch < 127) n = snprintf(tmp, sizeof tmp, "%c", ch);
        else n = snprintf(tmp, sizeof tmp, "\\x%02x", ch);
        if (n < 0) n = 0;
        if (o + (size_t)n + 4 >= outsz) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, tmp, (size_t)n);
        o += (size_t)n;
    }
    out[o] = '\0';
}

/* describe_reply: human readable one-line description of a hiredis reply. */
static void describe_reply(char *out, size_t outsz, const redisReply *r) {
    char esc[160];
    switch (r->type) {
    case REDIS_REPLY_STATUS:
        escape_into(esc, sizeof esc, r->str, r->len);
        snprintf(out, outsz, "status \"%s\"", esc);
        break;
    case REDIS_REPLY_ERROR:
        escape_into(esc, sizeof esc, r->str, r->len);
        snprintf(out, outsz, "error \"%s\"", esc);
        break;
    case REDIS_REPLY_STRING:
        escape_into(esc, sizeof esc, r->str, r->len);
        snprintf(out, outsz, "bulk(%zu) \"%s\"", r->len, esc);
        break;
    case REDIS_REPLY_INTEGER: snprintf(out, outsz, "integer %lld", r->integer); break;
    case REDIS_REPLY_NIL: snprintf(out, outsz, "nil"); break;
    case REDIS_REPLY_ARRAY: snprintf(out, outsz, "array of %zu", r->elements); break;
    default: snprintf(out, outsz, "reply of type %d", r->type); break;
    }
}

static bool reply_is_status(const redisReply *r, const char *want) {
    return r->type == REDIS_REPLY_STATUS && r->len == strlen(want) && memcmp(r->str, want, r->len) == 0;
}

/* raise_nofile: make sure at least `need` file descriptors can be open,
 * raising the soft RLIMIT_NOFILE as far as the hard limit allows. Dies with
 * an explanation when the hard limit is too low. */
static void raise_nofile(rlim_t need) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) die("getrlimit(RLIMIT_NOFILE): %s", strerror(errno));
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
        rlim_t old = rl.rlim_cur;
        rlim_t want = need + 64;
        if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max) want = rl.rlim_max;
        if (want > old) {
            rl.rlim_cur = want;
            if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
                die("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)want, strerror(errno));
            fprintf(stderr, "redis-kv-load: raised the open files limit from %llu to %llu\n",
                    (unsigned long long)old, (unsigned long long)want);
        }
        if (want < need)
            die("%llu connections need about %llu file descriptors but the hard limit is %llu; "
                "raise it (ulimit -Hn, or /etc/security/limits.conf) or use fewer connections",
                (unsigned long long)(need - 16), (unsigned long long)need,
                (unsigned long long)rl.rlim_max);
    }
}

/* ------------------------------------------------------------------------ */
/* Configuration                                                            */
/* ------------------------------------------------------------------------ */

enum load_type { T_PING, T_ECHO, T_CUSTOM };

struct config {
    const char *host;
    int port;
    const char *sock; /* unix socket path, or NULL for TCP */
    const char *auth; /* password for AUTH, or NULL */
    int timeout_s;    /* no-progress limit (load) / PING timeout (fuzz) */
    /* load */
    int conns;
    long long requests;
    int pipeline;
    enum load_type type;
    const char *cmd;
    int datasize;
    bool allow_errors;
    long long keep_open_ms;
    /* fuzz */
    bool fuzz;
    long long rounds;
    uint64_t seed;
    bool seed_set;
    long long only_round; /* -1: all rounds */
    int read_ms;
    bool verbose;
};

static void usage(FILE *f) {
    fputs(
        "Usage:\n"
        "  redis-kv-load [options]          pipelined load, every reply verified\n"
        "  redis-kv-load --fuzz [options]   protocol fuzzing, server liveness checked\n"
        "\n"
        "Connection:\n"
        "  -h HOST            server host (default 127.0.0.1)\n"
        "  -p PORT            server port (default 6379)\n"
        "  -s SOCKET          unix socket path (overrides -h/-p)\n"
        "  -a PASSWORD        AUTH with this password on every connection\n"
        "  --timeout SEC      fail after SEC seconds without progress (default 30;\n"
        "                     in fuzz mode: PING/connect timeout, default 5)\n"
        "Load mode:\n"
        "  -c CONNS           connections, all open at once (default 50)\n"
        "  -n REQUESTS        total requests over all connections (default 100000)\n"
        "  -P PIPELINE        requests per pipeline round per connection (default 1)\n"
        "  -t TYPE            ping (expects +PONG), echo (expects the payload back)\n"
        "                     or custom (default ping)\n"
        "  --cmd \"CMD ARGS\"   command for -t custom, split on spaces; \"double quotes\"\n"
        "                     group words; any non-error reply is accepted;\n"
        "                     \"CMD1; CMD2; ...\" sends the commands back to back as\n"
        "                     one request (e.g. MULTI ... EXEC), counted once\n"
        "  -d BYTES           echo payload size (default 16)\n"
        "  --allow-errors     count error replies but do not fail on them\n"
        "  --keep-open MS     after the load keep every connection open and idle\n"
        "                     for MS milliseconds, then check all are still up\n"
        "Fuzz mode:\n"
        "  --fuzz             enable fuzz mode\n"
        "  -n ROUNDS          rounds, one fresh connection each (default 500)\n"
        "  --seed S           random seed (default: from the clock, printed)\n"
        "  --round R          replay only round R of the given seed\n"
        "  --read-ms MS       how long to wait for more response data (default 20)\n"
        "  -v                 print every round\n"
        "  --help             this text\n",
        f);
}

static void parse_args(struct config *cfg, int argc, char **argv) {
    memset(cfg, 0, sizeof *cfg);
    cfg->host = "127.0.0.1";
    cfg->port = 6379;
    cfg->timeout_s = -1;
    cfg->conns = 50;
    cfg->requests = -1;
    cfg->pipeline = 1;
    cfg->type = T_PING;
    cfg->datasize = 16;
    cfg->only_round = -1;
    cfg->read_ms = 20;
    bool type_set = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = (i + 1 < argc) ? argv[i + 1] : NULL;
#define NEED_ARG() do { if (!v) die("option %s needs a value (see --help)", a); i++; } while (0)
        if (!strcmp(a, "--help")) { usage(stdout); exit(0); }
        else if (!strcmp(a, "-h")) { NEED_ARG(); cfg->host = v; }
        else if (!strcmp(a, "-p")) { NEED_ARG(); cfg->port = (int)parse_ll(a, v, 1, 65535); }
        else if (!strcmp(a, "-s")) { NEED_ARG(); cfg->sock = v; }
        else if (!strcmp(a, "-a")) { NEED_ARG(); cfg->auth = v; }
        else if (!strcmp(a, "--timeout")) { NEED_ARG(); cfg->timeout_s = (int)parse_ll(a, v, 1, 86400); }
        else if (!strcmp(a, "-c")) { NEED_ARG(); cfg->conns = (int)parse_ll(a, v, 1, 1000000); }
        else if (!strcmp(a, "-n")) { NEED_ARG(); cfg->requests = parse_ll(a, v, 0, LLONG_MAX / 2); }
        else if (!strcmp(a, "-P")) { NEED_ARG(); cfg->pipeline = (int)parse_ll(a, v, 1, 1000000); }
        else if (!strcmp(a, "-d")) { NEED_ARG(); cfg->datasize = (int)parse_ll(a, v, 0, 512 * 1024 * 1024); }
        else if (!strcmp(a, "--cmd")) { NEED_ARG(); cfg->cmd = v; }
        else if (!strcmp(a, "--allow-errors")) cfg->allow_errors = true;
        else if (!strcmp(a, "--keep-open")) { NEED_ARG(); cfg->keep_open_ms = parse_ll(a, v, 0, 86400000); }
        else if (!strcmp(a, "--fuzz")) cfg->fuzz = true;
        else if (!strcmp(a, "--seed")) {
            NEED_ARG();
            char *end;
            errno = 0;
            unsigned long long s = strtoull(v, &end, 10);
            if (errno || end == v || *end || v[0] == '-') die("invalid value for --seed: '%s'", v);
            cfg->seed = s;
            cfg->seed_set = true;
        }
        else if (!strcmp(a, "--round")) { NEED_ARG(); cfg->only_round = parse_ll(a, v, 0, LLONG_MAX / 2); }
        else if (!strcmp(a, "--read-ms")) { NEED_ARG(); cfg->read_ms = (int)parse_ll(a, v, 1, 60000); }
        else if (!strcmp(a, "-v")) cfg->verbose = true;
        else if (!strcmp(a, "-t")) {
            NEED_ARG();
            type_set = true;
            if (!strcasecmp(v, "ping")) cfg->type = T_PING;
            else if (!strcasecmp(v, "echo")) cfg->type = T_ECHO;
            else if (!strcasecmp(v, "custom")) cfg->type = T_CUSTOM;
            else die("unknown test type '%s' (ping, echo or custom)", v);
        }
        else { usage(stderr); die("unknown option '%s'", a); }
#undef NEED_ARG
    }
    if (cfg->cmd && !type_set) cfg->type = T_CUSTOM;
    if (cfg->type == T_CUSTOM && !cfg->cmd) die("-t custom needs --cmd \"COMMAND ARGS\"");
    if (cfg->cmd && cfg->type != T_CUSTOM) die("--cmd is only used with -t custom");
    if (cfg->timeout_s < 0) cfg->timeout_s = cfg->fuzz ? 5 : 30;
    if (cfg->requests < 0) cfg->requests = cfg->fuzz ? 500 : 100000;
    if (cfg->fuzz) {
        cfg->rounds = cfg->requests;
        if (!cfg->seed_set) cfg->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    }
}

/* split_command: split a --cmd string into words. Words are separated by
 * spaces or tabs; a word in double quotes may contain spaces (no escapes).
 * Returns the word count and a malloc'ed argv (words are malloc'ed too). */
static int split_command(const char *s, char ***argvp) {
    int argc = 0, cap = 8;
    char **argv = xmalloc(sizeof(char *) * (size_t)cap);
    while (*s) {
        while (*s == ' ' || *s == '\t') s++;
        if (!*s) break;
        const char *start;
        size_t len;
        if (*s == '"') {
            start = ++s;
            const char *q = strchr(s, '"');
            if (!q) die("--cmd: unbalanced double quote");
            len = (size_t)(q - s);
            s = q + 1;
        } else {
            start = s;
            while (*s && *s != ' ' && *s != '\t') s++;
            len = (size_t)(s - start);
        }
        if (argc == cap) {
            cap *= 2;
            argv = xrealloc(argv, sizeof(char *) * (size_t)cap);
        }
        char *w = xmalloc(len + 1);
        memcpy(w, start, len);
        w[len] = '\0';
        argv[argc++] = w;
    }
    if (argc == 0) die("--cmd is empty");
    *argvp = argv;
    return argc;
}

/* ------------------------------------------------------------------------ */
/* Load mode                                                                */
/* ------------------------------------------------------------------------ */

enum conn_state {
    CS_CONNECTING, /* non-blocking connect in progress */
    CS_HANDSHAKE,  /* PING/AUTH sent, waiting for its reply */
    CS_READY,      /* connected and confirmed, waiting for the load to start */
    CS_LOAD,       /* a pipeline round is in flight */
    CS_IDLE,       /* finished its share; no request outstanding */
    CS_CHECK,      /* final PING in flight */
    CS_DONE,       /* final PING answered */
    CS_DEAD        /* failed or closed; context freed */
};

enum phase { PH_CONNECT, PH_LOAD, PH_KEEP, PH_CHECK, PH_END };

typedef struct {
    redisContext *c;
    int id;
    enum conn_state st;
    long long todo;     /* requests of this connection not yet sent */
    long long next_seq; /* sequence number of the next request sent */
    long long exp_seq;  /* sequence number of the next reply expected */
    int inflight;       /* requests outstanding in the current round */
    int grp_seen;       /* replies read of the current request (--cmd "A; B") */
    uint64_t t_round;   /* when the current round was sent (us) */
    uint32_t events;    /* epoll events currently registered */
} conn_t;

struct load {
    const struct config *cfg;
    int ep;
    conn_t *conns;
    enum phase phase;
    int connected, finished, checked, dead;
    long long replies, errors, unexpected;
    long long reports;
    bool stalled;
    uint64_t t_start, t_end, last_progress, keep_deadline;
    uint64_t *lat; /* per-round latency in us */
    size_t nlat, maxlat;
    /* pre-formatted request for ping / custom */
    char *fmt_cmd;
    size_t fmt_len;
    int group;          /* commands (so replies) per request: 1, or --cmd "A; B" */
    char *payload; /* scratch for echo payloads */
    size_t payload_cap;
};

/* vreport: print one problem line on stderr; per-connection problems
 * (`limited`) only for the first MAX_REPORTS of them. */
static void vreport(struct load *L, bool limited, const char *fmt, va_list ap) {
    if (limited && ++L->reports > MAX_REPORTS) {
        if (L->reports == MAX_REPORTS + 1) fputs("redis-kv-load: (further problems not shown)\n", stderr);
        return;
    }
    fputs("redis-kv-load: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

/* report: a per-connection problem (rate limited). */
static void report(struct load *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report(struct load *L, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(L, true, fmt, ap);
    va_end(ap);
}

/* report_always: a run-level problem, always printed. */
static void report_always(struct load *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void report_always(struct load *L, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vreport(L, false, fmt, ap);
    va_end(ap);
}

static const char *state_name(enum conn_state s) {
    static const char *names[] = {"connecting", "handshake", "ready", "load", "idle", "check", "done", "dead"};
    return names[s];
}

/* conn_kill: mark a connection dead after a failure: unregister it, free
 * its context, report `why`. Safe to call once per connection. */
static void conn_kill(struct load *L, conn_t *cn, const char *why) {
    if (cn->st == CS_DEAD) return;
    report(L, "connection %d (%s): %s", cn->id, state_name(cn->st), why);
    /* Keep the per-state counters equal to the number of live connections
     * in that state, so phase transitions stay correct. */
    if (cn->st == CS_READY) L->connected--;
    else if (cn->st == CS_IDLE) L->finished--;
    else if (cn->st == CS_DONE) L->checked--;
    if (cn->c) {
        if (epoll_ctl(L->ep, EPOLL_CTL_DEL, cn->c->fd, NULL) != 0 && errno != ENOENT && errno != EBADF)
            die("epoll_ctl(DEL): %s", strerror(errno));
        redisFree(cn->c);
        cn->c = NULL;
    }
    cn->st = CS_DEAD;
    L->dead++;
}

/* conn_events: register interest in `ev` for the connection's fd if that
 * differs from what is registered. */
static void conn_events(struct load *L, conn_t *cn, uint32_t ev) {
    if (cn->events == ev) return;
    struct epoll_event e = {.events = ev, .data.u32 = (uint32_t)cn->id};
    if (epoll_ctl(L->ep, EPOLL_CTL_MOD, cn->c->fd, &e) != 0) die("epoll_ctl(MOD): %s", strerror(errno));
    cn->events = ev;
}

/* conn_flush: write as much of the output buffer as the socket takes now;
 * keep EPOLLOUT registered while something is left. Returns false (and
 * kills the connection) on a write error. */
static bool conn_flush(struct load *L, conn_t *cn) {
    int done = 0;
    if (redisBufferWrite(cn->c, &done) != REDIS_OK) {
        char why[200];
        snprintf(why, sizeof why, "write failed: %s", cn->c->errstr);
        conn_kill(L, cn, why);
        return false;
    }
    conn_events(L, cn, done ? EPOLLIN : (EPOLLIN | EPOLLOUT));
    return true;
}

/* make_payload: the echo payload for (connection, seq): a unique prefix
 * padded with a repeating pattern to cfg->datasize bytes (the prefix alone
 * if it is longer). Returns its length; the bytes are in L->payload. */
static size_t make_payload(struct load *L, int id, long long seq) {
    size_t want = (size_t)L->cfg->datasize;
    if (L->payload_cap < want + 64) {
        L->payload_cap = want + 64;
        L->payload = xrealloc(L->payload, L->payload_cap);
    }
    int n = snprintf(L->payload, L->payload_cap, "%d:%lld:", id, seq);
    if (n < 0) die("snprintf failed");
    size_t len = (size_t)n;
    for (; len < want; len++) L->payload[len] = (char)('a' + (len % 26));
    return len;
}

/* append_request: queue the next load request of a connection. */
static void append_request(struct load *L, conn_t *cn) {
    int rc;
    if (L->cfg->type == T_ECHO) {
        size_t plen = make_payload(L, cn->id, cn->next_seq);
        const char *argv[2] = {"ECHO", L->payload};
        size_t lens[2] = {4, plen};
        rc = redisAppendCommandArgv(cn->c, 2, argv, lens);
    } else {
        rc = redisAppendFormattedCommand(cn->c, L->fmt_cmd, L->fmt_len);
    }
    if (rc != REDIS_OK) die("hiredis could not queue a command: %s", cn->c->errstr);
    cn->next_seq++;
}

/* start_round: send the next pipeline of min(P, todo) requests. */
static void start_round(struct load *L, conn_t *cn) {
    long long n = cn->todo < L->cfg->pipeline ? cn->todo : L->cfg->pipeline;
    for (long long i = 0; i < n; i++) append_request(L, cn);
    cn->todo -= n;
    cn->inflight = (int)n;
    cn->t_round = now_us();
    cn->st = CS_LOAD;
    conn_flush(L, cn);
}

/* send_single: queue one command (PING, or AUTH when a password is set and
 * `handshake` is true) and switch to state `st`. */
static void send_single(struct load *L, conn_t *cn, bool handshake, enum conn_state st) {
    int rc;
    if (handshake && L->cfg->auth) rc = redisAppendCommand(cn->c, "AUTH %s", L->cfg->auth);
    else rc = redisAppendCommand(cn->c, "PING");
    if (rc != REDIS_OK) die("hiredis could not queue a command: %s", cn->c->errstr);
    cn->st = st;
    conn_flush(L, cn);
}

/* verify_load_reply: true when `r` is an acceptable reply to the load
 * request with sequence number `seq` of connection `id`. Counts errors. */
static bool verify_load_reply(struct load *L, conn_t *cn, const redisReply *r, long long seq) {
    if (r->type == REDIS_REPLY_ERROR) {
        L->errors++;
        return L->cfg->allow_errors;
    }
    switch (L->cfg->type) {
    case T_PING: return reply_is_status(r, "PONG");
    case T_ECHO: {
        size_t plen = make_payload(L, cn->id, seq);
        return r->type == REDIS_REPLY_STRING && r->len == plen && memcmp(r->str, L->payload, plen) == 0;
    }
    case T_CUSTOM: return true;
    }
    return false;
}

/* on_reply: handle one complete reply for a connection according to its
 * state. May kill the connection. */
static void on_reply(struct load *L, conn_t *cn, redisReply *r) {
    char desc[256];
    L->last_progress = now_us();
    switch (cn->st) {
    case CS_HANDSHAKE: {
        bool ok = L->cfg->auth ? reply_is_status(r, "OK") : reply_is_status(r, "PONG");
        if (!ok) {
            char why[300];
            describe_reply(desc, sizeof desc, r);
            snprintf(why, sizeof why, "handshake got %s", desc);
            conn_kill(L, cn, why);
            return;
        }
        cn->st = CS_READY;
        L->connected++;
        return;
    }
    case CS_LOAD: {
        long long seq = cn->exp_seq;
        if (!verify_load_reply(L, cn, r, seq)) {
            L->unexpected++;
            describe_reply(desc, sizeof desc, r);
            report(L, "connection %d: unexpected reply to request %lld: %s", cn->id, seq, desc);
        }
        if (++cn->grp_seen < L->group) return;
        cn->grp_seen = 0;
        cn->exp_seq++;
        L->replies++;
        if (--cn->inflight == 0) {
            if (L->nlat < L->maxlat) L->lat[L->nlat++] = now_us() - cn->t_round;
            if (cn->todo > 0) {
                start_round(L, cn);
            } else {
                cn->st = CS_IDLE;
                L->finished++;
            }
        }
        return;
    }
    case CS_CHECK:
        if (!reply_is_status(r, "PONG")) {
            L->unexpected++;
            describe_reply(desc, sizeof desc, r);
            report(L, "connection %d: final PING got %s", cn->id, desc);
        }
        cn->st = CS_DONE;
        L->checked++;
        return;
    default:
        L->unexpected++;
        describe_reply(desc, sizeof desc, r);
        report(L, "connection %d (%s): reply nobody asked for: %s", cn->id, state_name(cn->st), desc);
        return;
    }
}

/* on_connected: a non-blocking connect finished; check its outcome and send
 * the handshake. */
static void on_connected(struct load *L, conn_t *cn) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(cn->c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err) {
        char why[200];
        snprintf(why, sizeof why, "connect: %s", strerror(err));
        conn_kill(L, cn, why);
        return;
    }
    L->last_progress = now_us();
    send_single(L, cn, true, CS_HANDSHAKE);
}

/* on_event: dispatch one epoll event for a connection. */
static void on_event(struct load *L, conn_t *cn, uint32_t ev) {
    if (cn->st == CS_DEAD) return;
    if (cn->st == CS_CONNECTING) {
        if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP)) on_connected(L, cn);
        return;
    }
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        if (redisBufferRead(cn->c) != REDIS_OK) {
            char why[200];
            snprintf(why, sizeof why, "%s", cn->c->err == REDIS_ERR_EOF ? "server closed the connection"
                                                                        : cn->c->errstr);
            conn_kill(L, cn, why);
            return;
        }
        for (;;) {
            void *rp = NULL;
            if (redisGetReply(cn->c, &rp) != REDIS_OK) {
                char why[200];
                snprintf(why, sizeof why, "protocol error: %s", cn->c->errstr);
                conn_kill(L, cn, why);
                return;
            }
            if (!rp) break;
            on_reply(L, cn, rp);
            freeReplyObject(rp);
            if (cn->st == CS_DEAD) return;
        }
    }
    if ((ev & EPOLLOUT) && cn->st != CS_DEAD) conn_flush(L, cn);
}

/* begin_load: every connection is up; print "connected: N" and send the
 * first round on each. */
static void begin_load(struct load *L) {
    printf("connected: %d\n", L->connected);
    fflush(stdout);
    L->phase = PH_LOAD;
    L->t_start = L->last_progress = now_us();
    for (int i = 0; i < L->cfg->conns; i++) {
        conn_t *cn = &L->conns[i];
        if (cn->st != CS_READY) continue;
        if (cn->todo > 0) {
            start_round(L, cn);
        } else {
            cn->st = CS_IDLE;
            L->finished++;
        }
    }
}

/* begin_check: send one PING on every live connection. */
static void begin_check(struct load *L) {
    L->phase = PH_CHECK;
    L->last_progress = now_us();
    for (int i = 0; i < L->cfg->conns; i++) {
        conn_t *cn = &L->conns[i];
        if (cn->st == CS_IDLE) send_single(L, cn, false, CS_CHECK);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* percentile_ms: nearest-rank percentile of the sorted latencies, in ms. */
static double percentile_ms(const uint64_t *v, size_t n, double p) {
    if (n == 0) return 0.0;
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)v[rank - 1] / 1000.0;
}

static const char *phase_name(enum phase p) {
    static const char *names[] = {"connect", "load", "keep-open", "final check", "end"};
    return names[p];
}

static int run_load(const struct config *cfg) {
    struct load L;
    memset(&L, 0, sizeof L);
    L.cfg = cfg;
    raise_nofile((rlim_t)cfg->conns + 16);

    if (cfg->type == T_PING) {
        int n = redisFormatCommand(&L.fmt_cmd, "PING");
        if (n < 0) die("redisFormatCommand failed");
        L.fmt_len = (size_t)n;
    } else if (cfg->type == T_CUSTOM) {
        /* One request: the ';'-separated commands, formatted back to back. */
        char *cmds = xmalloc(strlen(cfg->cmd) + 1);
        strcpy(cmds, cfg->cmd);
        char *save = NULL;
        for (char *part = strtok_r(cmds, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
            char **argv, *one;
            int argc = split_command(part, &argv);
            size_t *lens = xmalloc(sizeof(size_t) * (size_t)argc);
            for (int i = 0; i < argc; i++) lens[i] = strlen(argv[i]);
            int n = redisFormatCommandArgv(&one, argc, (const char **)argv, lens);
            if (n < 0) die("redisFormatCommandArgv failed");
            L.fmt_cmd = xrealloc(L.fmt_cmd, L.fmt_len + (size_t)n);
            memcpy(L.fmt_cmd + L.fmt_len, one, (size_t)n);
            L.fmt_len += (size_t)n;
            L.group++;
            redisFreeCommand(one);
            for (int i = 0; i < argc; i++) free(argv[i]);
            free(argv);
            free(lens);
        }
        free(cmds);
        if (L.group == 0) die("--cmd is empty");
    }
    if (L.group == 0) L.group = 1;

    L.ep = epoll_create1(EPOLL_CLOEXEC);
    if (L.ep < 0) die("epoll_create1: %s", strerror(errno));
    L.conns = xcalloc((size_t)cfg->conns, sizeof(conn_t));

    /* Share the requests out and size the latency array. */
    long long base = cfg->requests / cfg->conns, extra = cfg->requests % cfg->conns;
    for (int i = 0; i < cfg->conns; i++) {
        conn_t *cn = &L.conns[i];
        cn->id = i;
        cn->todo = base + (i < extra ? 1 : 0);
        L.maxlat += (size_t)((cn->todo + cfg->pipeline - 1) / cfg->pipeline);
    }
    L.lat = xmalloc(sizeof(uint64_t) * (L.maxlat ? L.maxlat : 1));

    /* Start every connect at once. */
    L.last_progress = now_us();
    for (int i = 0; i < cfg->conns; i++) {
        conn_t *cn = &L.conns[i];
        cn->c = cfg->sock ? redisConnectUnixNonBlock(cfg->sock) : redisConnectNonBlock(cfg->host, cfg->port);
        if (!cn->c) die("hiredis could not allocate a context");
        cn->st = CS_CONNECTING;
        if (cn->c->err) {
            char why[200];
            snprintf(why, sizeof why, "connect: %s", cn->c->errstr);
            conn_kill(&L, cn, why);
            continue;
        }
        struct epoll_event e = {.events = EPOLLOUT, .data.u32 = (uint32_t)i};
        if (epoll_ctl(L.ep, EPOLL_CTL_ADD, cn->c->fd, &e) != 0) die("epoll_ctl(ADD): %s", strerror(errno));
        cn->events = EPOLLOUT;
    }

    int maxev = cfg->conns < 1024 ? cfg->conns : 1024;
    struct epoll_event *evs = xcalloc((size_t)maxev, sizeof *evs);
    uint64_t timeout_us = (uint64_t)cfg->timeout_s * 1000000u;

    while (L.phase != PH_END) {
        int n = epoll_wait(L.ep, evs, maxev, 50);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) on_event(&L, &L.conns[evs[i].data.u32], evs[i].events);

        uint64_t now = now_us();
        switch (L.phase) {
        case PH_CONNECT:
            if (L.dead > 0 && L.connected + L.dead == cfg->conns) {
                report_always(&L, "only %d of %d connections could be established", L.connected, cfg->conns);
                L.phase = PH_END;
            } else if (L.connected == cfg->conns) {
                begin_load(&L);
            }
            break;
        case PH_LOAD:
            if (L.finished + L.dead == cfg->conns) {
                L.t_end = now;
                if (cfg->keep_open_ms > 0) {
                    L.phase = PH_KEEP;
                    L.keep_deadline = now + (uint64_t)cfg->keep_open_ms * 1000u;
                } else {
                    begin_check(&L);
                }
            }
            break;
        case PH_KEEP:
            if (now >= L.keep_deadline) begin_check(&L);
            break;
        case PH_CHECK:
            if (L.checked + L.dead == cfg->conns) L.phase = PH_END;
            break;
        case PH_END: break;
        }
        now = now_us(); /* phase changes above may have moved last_progress */
        if (L.phase != PH_END && L.phase != PH_KEEP && now > L.last_progress &&
            now - L.last_progress > timeout_us) {
            int waiting = 0;
            for (int i = 0; i < cfg->conns; i++)
                if (L.conns[i].st != CS_DEAD && L.conns[i].st != CS_READY && L.conns[i].st != CS_IDLE &&
                    L.conns[i].st != CS_DONE)
                    waiting++;
            report_always(&L, "no progress for %d s in the %s phase (%d connections still waiting)", cfg->timeout_s,
                   phase_name(L.phase), waiting);
            L.stalled = true;
            if (L.t_end == 0 && L.t_start != 0) L.t_end = L.last_progress;
            L.phase = PH_END;
        }
    }
    if (L.t_start == 0) L.t_end = 0; /* the load never started */
    else if (L.t_end == 0) L.t_end = now_us();

    int up = 0;
    for (int i = 0; i < cfg->conns; i++) {
        conn_t *cn = &L.conns[i];
        if (cn->st == CS_DONE) up++;
        if (cn->c) redisFree(cn->c);
    }
    qsort(L.lat, L.nlat, sizeof(uint64_t), cmp_u64);
    double secs = (double)(L.t_end - L.t_start) / 1e6;
    if (L.connected < cfg->conns) printf("connected: %d\n", L.connected);
    printf("requests: %lld\n", L.replies);
    printf("errors: %lld\n", L.errors);
    printf("unexpected: %lld\n", L.unexpected);
    printf("seconds: %.3f\n", secs);
    printf("ops/s: %.0f\n", secs > 0 ? (double)L.replies / secs : 0.0);
    printf("round_p50_ms: %.3f\n", percentile_ms(L.lat, L.nlat, 50));
    printf("round_p99_ms: %.3f\n", percentile_ms(L.lat, L.nlat, 99));
    printf("round_max_ms: %.3f\n", L.nlat ? (double)L.lat[L.nlat - 1] / 1000.0 : 0.0);
    printf("connections_up: %d/%d\n", up, cfg->conns);

    if (L.dead > 0) report_always(&L, "%d of %d connections failed or were closed", L.dead, cfg->conns);
    if (L.unexpected > 0) report_always(&L, "%lld unexpected replies", L.unexpected);
    bool ok = !L.stalled && L.unexpected == 0 && L.dead == 0 && up == cfg->conns &&
              L.replies == cfg->requests;
    printf("result: %s\n", ok ? "OK" : "FAIL");
    fflush(stdout);

    free(evs);
    free(L.lat);
    free(L.conns);
    free(L.payload);
    if (L.fmt_cmd) {
        if (cfg->type == T_CUSTOM) free(L.fmt_cmd);
        else redisFreeCommand(L.fmt_cmd);
    }
    if (close(L.ep) != 0) die("close(epoll): %s", strerror(errno));
    return ok ? 0 : EXIT_FAIL;
}

/* ------------------------------------------------------------------------ */
/* Fuzz mode                                                                */
/* ------------------------------------------------------------------------ */

/* Deterministic PRNG (splitmix64). */
typedef struct { uint64_t s; } rng_t;

static uint64_t rng_next(rng_t *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* rng_below: uniform-ish integer in [0, n); 0 when n == 0. */
static uint64_t rng_below(rng_t *r, uint64_t n) {
    return n ? rng_next(r) % n : 0;
}

/* rng_chance: true with probability 1/n. */
static bool rng_chance(rng_t *r, uint64_t n) {
    return rng_below(r, n) == 0;
}

/* Growable byte buffer. */
typedef struct {
    unsigned char *p;
    size_t len, cap;
} buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->len + extra <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra) cap *= 2;
    b->p = xrealloc(b->p, cap);
    b->cap = cap;
}

static void buf_add(buf_t *b, const void *p, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void buf_adds(buf_t *b, const char *s) {
    buf_add(b, s, strlen(s));
}

static void buf_addf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_addf(buf_t *b, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) die("buf_addf: formatted text too long");
    buf_add(b, tmp, (size_t)n);
}

static void buf_fill(buf_t *b, unsigned char ch, size_t n) {
    buf_reserve(b, n);
    memset(b->p + b->len, ch, n);
    b->len += n;
}

/* buf_add_bulk: append a RESP bulk string. */
static void buf_add_bulk(buf_t *b, const void *p, size_t n) {
    buf_addf(b, "$%zu\r\n", n);
    buf_add(b, p, n);
    buf_add(b, "\r\n", 2);
}

/* Words used to build plausible commands. Only harmless commands: nothing
 * that changes configuration, shuts down, replicates or debugs. */
static const char *const safe_cmds[] = {
    "PING", "ECHO", "SET", "GET", "DEL", "EXISTS", "INCR", "DECR", "INCRBY", "APPEND", "STRLEN",
    "MSET", "MGET", "SETNX", "GETRANGE", "SETRANGE", "EXPIRE", "PEXPIRE", "TTL", "PTTL", "PERSIST",
    "TYPE", "SELECT", "MULTI", "EXEC", "DISCARD", "WATCH", "UNWATCH", "GETSET", "GETDEL", "SETEX",
    "PSETEX", "DBSIZE", "EXPIRETIME", "RENAME", "COPY", "UNLINK", "TOUCH", "HELLO", "QUIT", "RESET",
    "SUBSCRIBE", "UNSUBSCRIBE", "PUBLISH", "PSUBSCRIBE", "FUZZNOSUCHCOMMAND", "COMMAND", "TIME"};

/* Substrings never sent (case-insensitively); any occurrence produced by
 * random generation or mutation is defused by overwriting its first byte. */
static const char *const forbidden[] = {
    "shutdown", "debug", "config", "acl", "replicaof", "slaveof", "flushall", "flushdb", "client",
    "failover", "monitor", "module", "sync", "cluster", "script", "eval", "function", "save",
    "rewriteaof", "migrate", "restore", "swapdb", "sentinel", "lolwut", "wait", "bgrewrite", "fcall"};

/* defuse: overwrite the first byte of every forbidden word in the buffer. */
static void defuse(buf_t *b) {
    for (size_t f = 0; f < sizeof forbidden / sizeof forbidden[0]; f++) {
        size_t wl = strlen(forbidden[f]);
        if (b->len < wl) continue;
        for (size_t i = 0; i + wl <= b->len; i++) {
            if (strncasecmp((const char *)b->p + i, forbidden[f], wl) == 0) b->p[i] = '_';
        }
    }
}

/* rand_word: append a random word of [a-z0-9] of length 1..maxlen. */
static void rand_word(rng_t *r, buf_t *b, size_t maxlen) {
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t n = 1 + (size_t)rng_below(r, maxlen);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)alnum[rng_below(r, sizeof alnum - 1)];
        buf_add(b, &ch, 1);
    }
}

/* rand_value: append a random bulk payload: usually short, sometimes binary,
 * now and then a few KB. */
static void rand_value(rng_t *r, buf_t *b) {
    size_t n;
    switch (rng_below(r, 8)) {
    case 0: n = 0; break;
    case 1: n = (size_t)rng_below(r, 4096); break;
    default: n = (size_t)rng_below(r, 40); break;
    }
    bool binary = rng_chance(r, 3);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = binary ? (unsigned char)rng_next(r) : (unsigned char)('a' + rng_below(r, 26));
        buf_add(b, &ch, 1);
    }
}

/* gen_valid: append one plausible command (valid or wrong arity) in
 * multibulk form, or in inline form when `inl` is true. */
static void gen_valid(rng_t *r, buf_t *b, bool inl) {
    const char *name = safe_cmds[rng_below(r, sizeof safe_cmds / sizeof safe_cmds[0])];
    int nargs = (int)rng_below(r, 4);
    buf_t args[4];
    memset(args, 0, sizeof args);
    for (int i = 0; i < nargs; i++) {
        switch (rng_below(r, 4)) {
        case 0: buf_addf(&args[i], "fuzz:%u", (unsigned)rng_below(r, 32)); break;
        case 1: buf_addf(&args[i], "%lld", (long long)rng_below(r, 200) - 100); break;
        case 2:
            if (inl) rand_word(r, &args[i], 12);
            else rand_value(r, &args[i]);
            break;
        default: rand_word(r, &args[i], 8); break;
        }
    }
    if (inl) {
        buf_adds(b, name);
        for (int i = 0; i < nargs; i++) {
            buf_add(b, " ", 1);
            buf_add(b, args[i].p, args[i].len);
        }
        buf_adds(b, rng_chance(r, 4) ? "\n" : "\r\n");
    } else {
        buf_addf(b, "*%d\r\n", nargs + 1);
        buf_add_bulk(b, name, strlen(name));
        for (int i = 0; i < nargs; i++) buf_add_bulk(b, args[i].p, args[i].len);
    }
    for (int i = 0; i < nargs; i++) free(args[i].p);
}

/* gen_pipeline: append 1..maxcmds plausible commands. */
static void gen_pipeline(rng_t *r, buf_t *b, unsigned maxcmds) {
    unsigned n = 1 + (unsigned)rng_below(r, maxcmds);
    for (unsigned i = 0; i < n; i++) gen_valid(r, b, rng_chance(r, 5));
}

/* Numbers that make length parsers unhappy. */
static const char *const bad_numbers[] = {
    "", "-", "+3", " 3", "3 ", "abc", "1x", "0x10", "-1", "-2", "-100", "0", "00", "-0",
    "2147483647", "2147483648", "4294967296", "9223372036854775807", "9223372036854775808",
    "-9223372036854775808", "99999999999999999999999", "1048576", "1048577", "536870912",
    "536870913", "1e3", "3.0", "\t3", "65536"};

static const char *bad_number(rng_t *r) {
    return bad_numbers[rng_below(r, sizeof bad_numbers / sizeof bad_numbers[0])];
}

/* mutate: apply 1..8 random byte-level mutations to the buffer. */
static void mutate(rng_t *r, buf_t *b) {
    static const unsigned char interesting[] = {'\r', '\n', '$', '*', '-', '0', '9', ' ', '"', '\'',
                                                '\\', 0, 0xff, '+', ':', '_'};
    unsigned n = 1 + (unsigned)rng_below(r, 8);
    for (unsigned k = 0; k < n && b->len > 0; k++) {
        size_t pos = (size_t)rng_below(r, b->len);
        switch (rng_below(r, 6)) {
        case 0: b->p[pos] ^= (unsigned char)(1u << rng_below(r, 8)); break;
        case 1: b->p[pos] = interesting[rng_below(r, sizeof interesting)]; break;
        case 2: { /* insert a byte */
            buf_reserve(b, 1);
            memmove(b->p + pos + 1, b->p + pos, b->len - pos);
            b->p[pos] = interesting[rng_below(r, sizeof interesting)];
            b->len++;
            break;
        }
        case 3: { /* delete a short range */
            size_t del = 1 + (size_t)rng_below(r, 8);
            if (del > b->len - pos) del = b->len - pos;
            memmove(b->p + pos, b->p + pos + del, b->len - pos - del);
            b->len -= del;
            break;
        }
        case 4: { /* duplicate a range */
            size_t dl = 1 + (size_t)rng_below(r, 32);
            if (dl > b->len - pos) dl = b->len - pos;
            buf_reserve(b, dl);
            memmove(b->p + pos + dl, b->p + pos, b->len - pos);
            b->len += dl;
            break;
        }
        default: b->len = pos; break; /* truncate */
        }
    }
}

enum split_style { SPLIT_WHOLE, SPLIT_BYTES, SPLIT_SMALL, SPLIT_RANDOM };
enum end_mode { END_READ, END_HALF, END_CLOSE, END_RST };

typedef struct {
    const char *name;
    enum split_style split;
    bool delays;
    enum end_mode end;
} fuzz_case_t;

/* gen_case: fill `b` with the bytes of one fuzz case and `fc` with how to
 * send them. Uses only `r`, so the case depends only on the round's seed. */
static void gen_case(rng_t *r, buf_t *b, fuzz_case_t *fc) {
    fc->end = END_READ;
    switch (rng_below(r, 20)) {
    case 0:
        fc->name = "random-bytes";
        for (size_t i = 0, n = 1 + (size_t)rng_below(r, 4096); i < n; i++) {
            unsigned char ch = (unsigned char)rng_next(r);
            buf_add(b, &ch, 1);
        }
        break;
    case 1: {
        fc->name = "random-resp-ish";
        static const char alpha[] = "*$+-:_#,(%~>|=!0123456789\r\n\r\nabc ";
        for (size_t i = 0, n = 1 + (size_t)rng_below(r, 512); i < n; i++) {
            unsigned char ch = (unsigned char)alpha[rng_below(r, sizeof alpha - 1)];
            buf_add(b, &ch, 1);
        }
        break;
    }
    case 2:
        fc->name = "bad-mbulk-len";
        buf_addf(b, "*%s\r\n", bad_number(r));
        if (rng_chance(r, 2)) gen_pipeline(r, b, 3);
        break;
    case 3:
        fc->name = "bad-bulk-len";
        buf_adds(b, "*2\r\n$4\r\nECHO\r\n$");
        buf_adds(b, bad_number(r));
        buf_adds(b, "\r\nhello\r\n");
        if (rng_chance(r, 2)) gen_pipeline(r, b, 3);
        break;
    case 4:
        fc->name = "negative-lens";
        buf_adds(b, rng_chance(r, 2) ? "*-1\r\n*-5\r\n*0\r\n" : "*1\r\n$-1\r\n");
        buf_addf(b, "*%d\r\n$-%u\r\n", 1 + (int)rng_below(r, 3), 1 + (unsigned)rng_below(r, 1000));
        gen_pipeline(r, b, 2);
        break;
    case 5:
        fc->name = "huge-mbulk-count";
        buf_addf(b, "*%s\r\n", rng_chance(r, 2) ? "1048576" : "2000000000");
        for (unsigned i = 0, n = (unsigned)rng_below(r, 2000); i < n; i++) buf_adds(b, "$1\r\na\r\n");
        fc->end = rng_chance(r, 2) ? END_CLOSE : END_READ;
        break;
    case 6:
        fc->name = "oversized-bulk";
        buf_addf(b, "*2\r\n$3\r\nSET\r\n$%s\r\n", rng_chance(r, 2) ? "536870913" : "536870912");
        buf_fill(b, 'x', (size_t)rng_below(r, 256 * 1024));
        fc->end = rng_chance(r, 2) ? END_RST : END_READ;
        break;
    case 7:
        fc->name = "oversized-inline";
        buf_adds(b, "SET fuzz:big ");
        buf_fill(b, 'y', 60 * 1024 + (size_t)rng_below(r, 16 * 1024));
        if (rng_chance(r, 2)) buf_adds(b, "\r\n");
        break;
    case 8:
        fc->name = "long-count-line";
        buf_adds(b, rng_chance(r, 2) ? "*" : "*1\r\n$");
        buf_fill(b, '1', 60 * 1024 + (size_t)rng_below(r, 16 * 1024));
        break;
    case 9:
        fc->name = "wrong-arg-type";
        buf_adds(b, "*2\r\n");
        buf_adds(b, rng_chance(r, 2) ? "+PING\r\n" : "$4\r\nECHO\r\n");
        buf_adds(b, rng_chance(r, 2) ? ":1\r\n" : "*1\r\n$1\r\na\r\n");
        break;
    case 10:
        fc->name = "bulk-len-mismatch";
        buf_adds(b, "*2\r\n$4\r\nECHO\r\n");
        buf_addf(b, "$%u\r\n", (unsigned)rng_below(r, 20));
        rand_word(r, b, 20);
        buf_adds(b, rng_chance(r, 2) ? "\r\n" : "XX");
        gen_pipeline(r, b, 2);
        break;
    case 11:
        fc->name = "unbalanced-quotes";
        buf_adds(b, rng_chance(r, 2) ? "SET \"fuzz:k v\r\n" : "ECHO 'abc\r\nECHO \"\\xzz\"\r\nECHO \"a\"b\r\n");
        break;
    case 12:
        fc->name = "resp3-types";
        {
            static const char *const frames[] = {"%1\r\n+a\r\n+b\r\n", "~1\r\n$1\r\na\r\n", "#t\r\n", "_\r\n",
                                                 ">2\r\n$4\r\nPING\r\n", "|1\r\n+a\r\n+b\r\n", ",1.5\r\n",
                                                 "(12345678901234567890\r\n", "=5\r\ntxt:a\r\n",
                                                 "!3\r\nerr\r\n"};
            for (unsigned i = 0, n = 1 + (unsigned)rng_below(r, 4); i < n; i++)
                buf_adds(b, frames[rng_below(r, sizeof frames / sizeof frames[0])]);
        }
        break;
    case 13:
        fc->name = "nul-bytes";
        {
            static const char nul[] = "*2\r\n$4\r\nECHO\r\n$4\r\n\0\0\0\0\r\nPI\0NG\r\n\0\r\n";
            buf_add(b, nul, sizeof nul - 1);
        }
        break;
    case 14:
        fc->name = "many-args";
        {
            unsigned n = 1000 + (unsigned)rng_below(r, 100000);
            buf_addf(b, "*%u\r\n", n);
            buf_add_bulk(b, "ECHO", 4);
            for (unsigned i = 1; i < n; i++) buf_adds(b, "$1\r\na\r\n");
        }
        break;
    case 15:
        fc->name = "blast-no-read";
        for (unsigned i = 0, n = 1000 + (unsigned)rng_below(r, 20000); i < n; i++) buf_adds(b, "PING\r\n");
        fc->end = rng_chance(r, 2) ? END_CLOSE : END_RST;
        break;
    case 16:
        fc->name = "bare-newlines";
        for (unsigned i = 0, n = 1 + (unsigned)rng_below(r, 64); i < n; i++)
            buf_adds(b, rng_chance(r, 2) ? "\r\n" : (rng_chance(r, 2) ? "\n" : " \t "));
        buf_adds(b, "*1\n$4\nPING\n*1\r$4\rPING\r");
        break;
    case 17:
    case 18: {
        fc->name = "mutated-pipeline";
        gen_pipeline(r, b, 8);
        mutate(r, b);
        break;
    }
    default: {
        fc->name = "truncated-pipeline";
        gen_pipeline(r, b, 8);
        if (b->len > 1) b->len = 1 + (size_t)rng_below(r, b->len - 1);
        fc->end = rng_chance(r, 2) ? END_CLOSE : END_RST;
        break;
    }
    }
    /* Plain valid pipelines now and then, only split oddly. */
    if (rng_chance(r, 10)) {
        b->len = 0;
        fc->name = "split-pipeline";
        gen_pipeline(r, b, 20);
        fc->end = END_READ;
    }
    switch (rng_below(r, 4)) {
    case 0: fc->split = SPLIT_WHOLE; break;
    case 1: fc->split = b->len <= 2048 ? SPLIT_BYTES : SPLIT_SMALL; break;
    case 2: fc->split = SPLIT_SMALL; break;
    default: fc->split = SPLIT_RANDOM; break;
    }
    fc->delays = rng_chance(r, 4);
    if (fc->end == END_READ && rng_chance(r, 5)) fc->end = END_HALF;
    defuse(b);
}

struct fuzz {
    const struct config *cfg;
    redisContext *ping; /* separate connection for liveness checks */
    unsigned long long sent, received, server_closed, send_stalls;
    char preview[220]; /* start of the response of the current round */
    size_t preview_len;
};

/* raw_connect: blocking-with-timeout connect to the configured server;
 * returns a non-blocking socket or -1 with errno set. */
static int raw_connect(const struct config *cfg, int timeout_ms) {
    int fd = -1, err = 0;
    if (cfg->sock) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        if (strlen(cfg->sock) >= sizeof sa.sun_path) { errno = ENAMETOOLONG; return -1; }
        strcpy(sa.sun_path, cfg->sock);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { err = errno; close(fd); errno = err; return -1; }
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) { err = errno; close(fd); errno = err; return -1; }
        return fd;
    }
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[16];
    snprintf(port, sizeof port, "%d", cfg->port);
    int gai = getaddrinfo(cfg->host, port, &hints, &res);
    if (gai != 0) die("cannot resolve %s: %s", cfg->host, gai_strerror(gai));
    err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) { err = errno; continue; }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        if (errno != EINPROGRESS) { err = errno; close(fd); fd = -1; continue; }
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n;
        do n = poll(&p, 1, timeout_ms); while (n < 0 && errno == EINTR);
        if (n <= 0) { err = n == 0 ? ETIMEDOUT : errno; close(fd); fd = -1; continue; }
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) soerr = errno;
        if (soerr) { err = soerr; close(fd); fd = -1; continue; }
        break;
    }
    freeaddrinfo(res);
    if (fd < 0) errno = err;
    return fd;
}

/* drain: read and discard whatever is readable now. Returns 1 if data was
 * read, 0 if nothing was available, -1 on EOF or a connection error. */
static int drain(struct fuzz *F, int fd) {
    unsigned char tmp[65536];
    int got = 0;
    for (;;) {
        ssize_t n = recv(fd, tmp, sizeof tmp, 0);
        if (n > 0) {
            F->received += (unsigned long long)n;
            size_t room = sizeof F->preview - 1 - F->preview_len;
            size_t take = (size_t)n < room ? (size_t)n : room;
            memcpy(F->preview + F->preview_len, tmp, take);
            F->preview_len += take;
            got = 1;
            continue;
        }
        if (n == 0) return -1;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return got;
        return -1;
    }
}

/* wait_read: read responses until `quiet_ms` pass with no data, EOF, or
 * `cap_ms` in total. Returns true if the server closed the connection. */
static bool wait_read(struct fuzz *F, int fd, int quiet_ms, int cap_ms) {
    uint64_t end = now_us() + (uint64_t)cap_ms * 1000u;
    for (;;) {
        uint64_t now = now_us();
        if (now >= end) return false;
        int left = (int)((end - now) / 1000u) + 1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, quiet_ms < left ? quiet_ms : left);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("poll: %s", strerror(errno));
        }
        if (n == 0) return false;
        if (drain(F, fd) < 0) return true;
    }
}

/* send_all: send p[0..len) on a non-blocking socket, draining responses
 * while the socket is full, until `deadline`. Returns 0 when sent, -1 when
 * the peer closed/reset the connection, -2 on deadline. */
static int send_all(struct fuzz *F, int fd, const unsigned char *p, size_t len, uint64_t deadline) {
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        uint64_t now = now_us();
        if (now >= deadline) return -2;
        struct pollfd pf = {.fd = fd, .events = POLLIN | POLLOUT};
        int left = (int)((deadline - now) / 1000u) + 1;
        int k = poll(&pf, 1, left < 100 ? left : 100);
        if (k < 0 && errno != EINTR) die("poll: %s", strerror(errno));
        if (k > 0 && (pf.revents & (POLLIN | POLLHUP | POLLERR)) && drain(F, fd) < 0) return -1;
    }
    return 0;
}

/* health_ping: true if the server answers PING (AUTH first when a password
 * is configured) on the separate check connection, reconnecting once if
 * that connection was lost. */
static bool health_ping(struct fuzz *F, char *why, size_t whysz) {
    const struct config *cfg = F->cfg;
    struct timeval tv = {.tv_sec = cfg->timeout_s, .tv_usec = 0};
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!F->ping) {
            F->ping = cfg->sock ? redisConnectUnixWithTimeout(cfg->sock, tv)
                                : redisConnectWithTimeout(cfg->host, cfg->port, tv);
            if (!F->ping) die("hiredis could not allocate a context");
            if (F->ping->err) {
                snprintf(why, whysz, "connect: %s", F->ping->errstr);
                redisFree(F->ping);
                F->ping = NULL;
                continue;
            }
            if (redisSetTimeout(F->ping, tv) != REDIS_OK) die("redisSetTimeout failed");
            if (cfg->auth) {
                redisReply *r = redisCommand(F->ping, "AUTH %s", cfg->auth);
                bool ok = r && reply_is_status(r, "OK");
                if (r) freeReplyObject(r);
                if (!ok) {
                    snprintf(why, whysz, "AUTH failed");
                    redisFree(F->ping);
                    F->ping = NULL;
                    continue;
                }
            }
        }
        redisReply *r = redisCommand(F->ping, "PING");
        if (r && reply_is_status(r, "PONG")) {
            freeReplyObject(r);
            return true;
        }
        if (r) {
            char desc[256];
            describe_reply(desc, sizeof desc, r);
            snprintf(why, whysz, "PING got %s", desc);
            freeReplyObject(r);
        } else {
            snprintf(why, whysz, "PING failed (timeout %d s): %s", cfg->timeout_s, F->ping->errstr);
        }
        redisFree(F->ping);
        F->ping = NULL;
    }
    return false;
}

static const char *split_name(enum split_style s) {
    static const char *n[] = {"whole", "1-byte", "small", "random"};
    return n[s];
}

static const char *end_name(enum end_mode e) {
    static const char *n[] = {"read", "half-close", "close", "reset"};
    return n[e];
}

/* fuzz_round: run round `round`. Returns false if the server could not be
 * reached (connect refused/timed out); protocol-level outcomes are fine. */
static bool fuzz_round(struct fuzz *F, long long round, char *why, size_t whysz) {
    const struct config *cfg = F->cfg;
    rng_t seed_mix = {cfg->seed};
    rng_t r = {rng_next(&seed_mix) ^ ((uint64_t)round * 0xD1B54A32D192ED03ULL)};
    buf_t b = {0};
    fuzz_case_t fc;
    gen_case(&r, &b, &fc);
    F->preview_len = 0;

    int fd = raw_connect(cfg, cfg->timeout_s * 1000);
    if (fd < 0) {
        snprintf(why, whysz, "round %lld: cannot connect: %s", round, strerror(errno));
        free(b.p);
        return false;
    }
    uint64_t deadline = now_us() + 3000000u;
    size_t off = 0;
    bool closed = false;
    int delays_left = 8; /* bounds the time a round can spend pausing */
    while (off < b.len) {
        size_t chunk = b.len - off;
        /* Fine splits only over the first 4 KB, so large cases stay fast. */
        enum split_style sp = (off >= 4096 && fc.split != SPLIT_WHOLE) ? SPLIT_RANDOM : fc.split;
        switch (sp) {
        case SPLIT_WHOLE: break;
        case SPLIT_BYTES: chunk = 1; break;
        case SPLIT_SMALL: chunk = 1 + (size_t)rng_below(&r, 16); break;
        case SPLIT_RANDOM: chunk = 1 + (size_t)rng_below(&r, 65536); break;
        }
        if (chunk > b.len - off) chunk = b.len - off;
        int rc = send_all(F, fd, b.p + off, chunk, deadline);
        if (rc == -1) { closed = true; break; }
        if (rc == -2) { F->send_stalls++; break; }
        off += chunk;
        F->sent += chunk;
        if (fc.delays && delays_left > 0 && off < b.len && rng_chance(&r, 8)) {
            delays_left--;
            if (wait_read(F, fd, 1 + (int)rng_below(&r, 3), 5)) {
                closed = true;
                break;
            }
        }
    }
    if (!closed) {
        switch (fc.end) {
        case END_HALF:
            if (shutdown(fd, SHUT_WR) != 0 && errno != ENOTCONN) die("shutdown: %s", strerror(errno));
            closed = wait_read(F, fd, cfg->read_ms, 1000);
            break;
        case END_READ: closed = wait_read(F, fd, cfg->read_ms, 1000); break;
        case END_CLOSE: break;
        case END_RST: {
            struct linger lg = {.l_onoff = 1, .l_linger = 0};
            if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
                die("setsockopt(SO_LINGER): %s", strerror(errno));
            break;
        }
        }
    }
    if (closed) F->server_closed++;
    if (close(fd) != 0 && errno != ECONNRESET) die("close: %s", strerror(errno));
    if (cfg->verbose) {
        char esc[400], resp[400];
        escape_into(esc, sizeof esc, b.p, b.len < 120 ? b.len : 120);
        escape_into(resp, sizeof resp, F->preview, F->preview_len);
        printf("round %lld: %s, %zu bytes (%zu sent), split %s%s, end %s%s\n  sent: \"%s\"\n  got:  \"%s\"\n",
               round, fc.name, b.len, off, split_name(fc.split), fc.delays ? "+delays" : "", end_name(fc.end),
               closed ? ", server closed" : "", esc, resp);
    }
    free(b.p);
    return true;
}

static int run_fuzz(const struct config *cfg) {
    struct fuzz F;
    memset(&F, 0, sizeof F);
    F.cfg = cfg;
    char why[512] = "";

    printf("seed: %" PRIu64 "\n", cfg->seed);
    fflush(stdout);
    if (!health_ping(&F, why, sizeof why)) {
        fprintf(stderr, "redis-kv-load: server not answering before fuzzing: %s\n", why);
        return EXIT_FAIL;
    }
    long long first = cfg->only_round >= 0 ? cfg->only_round : 0;
    long long last = cfg->only_round >= 0 ? cfg->only_round + 1 : cfg->rounds;
    uint64_t t0 = now_us();
    bool ok = true;
    long long round;
    for (round = first; round < last; round++) {
        if (!fuzz_round(&F, round, why, sizeof why) || !health_ping(&F, why, sizeof why)) {
            fprintf(stderr, "redis-kv-load: server failed after round %lld: %s\n"
                            "redis-kv-load: replay with: --fuzz --seed %" PRIu64 " --round %lld -v\n",
                    round, why, cfg->seed, round);
            ok = false;
            round++;
            break;
        }
    }
    double secs = (double)(now_us() - t0) / 1e6;
    if (F.ping) redisFree(F.ping);
    printf("rounds: %lld\n", round - first);
    printf("bytes_sent: %llu\n", F.sent);
    printf("bytes_received: %llu\n", F.received);
    printf("server_closed: %llu\n", F.server_closed);
    printf("send_stalls: %llu\n", F.send_stalls);
    printf("seconds: %.3f\n", secs);
    printf("result: %s\n", ok ? "OK" : "FAIL");
    fflush(stdout);
    return ok ? 0 : EXIT_FAIL;
}

int main(int argc, char **argv) {
    struct config cfg;
    parse_args(&cfg, argc, argv);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGPIPE, &sa, NULL) != 0)
        die("cannot ignore SIGPIPE: %s", strerror(errno));

    return cfg.fuzz ? run_fuzz(&cfg) : run_load(&cfg);
}
