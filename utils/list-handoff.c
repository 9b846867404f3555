/* utils/list-handoff.c -- hand-off latency from LPUSH to a BRPOP-ing worker.
 *
 *   list-handoff [-h host] [-p port] [-w workers] [-i interval_us]
 *                [-d seconds] [-k key]
 *
 * Starts WORKERS threads (default 50), each with its own connection,
 * blocked in `BRPOP key 5`.  When every worker is blocked (INFO clients
 * blocked_clients reaches WORKERS; a server without that field gets a
 * short pause instead), a producer on another connection sends
 * `LPUSH key <seq>:<t>` every INTERVAL microseconds (default 200) for
 * SECONDS seconds (default 3), where t is CLOCK_MONOTONIC in nanoseconds
 * taken just before the command is sent.  A worker takes its own clock as
 * soon as BRPOP returns; the hand-off latency of a job is the difference
 * (the same clock: producer and workers run on this machine).  The pushes
 * follow a fixed schedule (clock_nanosleep to absolute deadlines), so a
 * slow reply delays the next push rather than bunching the following ones.
 *
 * At the end one `stop` element per worker ends the workers.  Prints
 * "key: value" lines: workers, pushes, popped, p50_us, p99_us, max_us,
 * mean_us.  Exit status 0 when every job was popped exactly once; 1 when a
 * job was lost or popped twice, or a command failed (for example a server
 * that answers BRPOP with "unknown command", whose error is printed);
 * 2 on a usage or local error.
 *
 * Built by make (utils/list-handoff, linked with hiredis and pthreads);
 * run by utils/bench-lists.sh.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#define EXIT_FAIL 1
#define EXIT_USAGE 2
#define BRPOP_TIMEOUT "5" /* seconds: long enough never to fire while jobs flow */
#define READY_WAIT_MS 5000 /* how long the workers may take to block */
#define DRAIN_WAIT_MS 10000 /* how long the last jobs may take to be popped */

static const char *host = "127.0.0.1";
static int port = 6379;
static int nworkers = 50;
static long interval_us = 200;
static double seconds = 3.0;
static const char *key = "list-handoff:queue";

static atomic_int ready;      /* workers connected and about to block */
static atomic_long popped;    /* jobs popped by all workers */
static atomic_bool failed;    /* a worker saw an error */
static atomic_bool stopping;  /* the producer is done: a timed-out BRPOP ends */
static _Atomic unsigned char *seen; /* per job seq: times popped */
static long maxjobs;

/* die: a local error (usage, memory, connection): message and exit 2. */
static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("list-handoff: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static int64_t nowNs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleepMs(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static redisContext *connectOrDie(void) {
    redisContext *c = redisConnect(host, port);
    if (c == NULL) die("out of memory connecting to %s:%d", host, port);
    if (c->err) die("cannot connect to %s:%d: %s", host, port, c->errstr);
    return c;
}

/* ---- the workers ---------------------------------------------------- */

/* The latencies one worker measured, in nanoseconds. */
typedef struct {
    int64_t *lat;
    size_t len, cap;
} worker;

static void workerRecord(worker *w, int64_t ns) {
    if (w->len == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 1024;
        int64_t *p = realloc(w->lat, cap * sizeof *p);
        if (p == NULL) die("out of memory");
        w->lat = p;
        w->cap = cap;
    }
    w->lat[w->len++] = ns;
}

/* Marks job SEQ popped; false when it was popped before or is unknown. */
static bool jobSeen(long seq) {
    if (seq < 0 || seq >= maxjobs) return false;
    return atomic_fetch_add(&seen[seq], 1) == 0;
}

/* One worker: BRPOP until a `stop` element; records each job's latency. */
static void *workerMain(void *arg) {
    worker *w = arg;
    redisContext *c = connectOrDie();
    redisReply *r = redisCommand(c, "PING");
    if (r == NULL) die("PING: %s", c->errstr);
    freeReplyObject(r);
    atomic_fetch_add(&ready, 1);
    for (;;) {
        r = redisCommand(c, "BRPOP %s %s", key, BRPOP_TIMEOUT);
        int64_t t = nowNs();
        if (r == NULL) {
            fprintf(stderr, "list-handoff: BRPOP: %s\n", c->errstr);
            atomic_store(&failed, true);
            break;
        }
        if (r->type == REDIS_REPLY_ERROR) {
            if (!atomic_exchange(&failed, true)) /* the first worker tells */
                fprintf(stderr, "list-handoff: BRPOP %s %s: %s\n", key, BRPOP_TIMEOUT, r->str);
            freeReplyObject(r);
            break;
        }
        if (r->type == REDIS_REPLY_NIL) { /* timed out: block again, or end */
            freeReplyObject(r);
            if (atomic_load(&stopping)) break;
            continue;
        }
        if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
            r->element[1]->type != REDIS_REPLY_STRING) {
            fprintf(stderr, "list-handoff: BRPOP: unexpected reply (type %d)\n", r->type);
            atomic_store(&failed, true);
            freeReplyObject(r);
            break;
        }
        const char *v = r->element[1]->str;
        if (strcmp(v, "stop") == 0) {
            freeReplyObject(r);
            break;
        }
        long seq;
        int64_t sent;
        if (sscanf(v, "%ld:%" SCNd64, &seq, &sent) != 2 || !jobSeen(seq)) {
            fprintf(stderr, "list-handoff: BRPOP returned '%s': unknown or popped before\n", v);
            atomic_store(&failed, true);
        } else {
            workerRecord(w, t - sent);
            atomic_fetch_add(&popped, 1);
        }
        freeReplyObject(r);
    }
    redisFree(c);
    return NULL;
}

/* ---- the producer --------------------------------------------------- */

/* INFO clients blocked_clients, or -1 when the server has no such field. */
static long blockedClients(redisContext *c) {
    redisReply *r = redisCommand(c, "INFO clients");
    if (r == NULL) die("INFO: %s", c->errstr);
    long n = -1;
    if (r->type == REDIS_REPLY_STRING) { /* RESP2: a bulk string */
        const char *p = strstr(r->str, "blocked_clients:");
        if (p) n = strtol(p + strlen("blocked_clients:"), NULL, 10);
    }
    freeReplyObject(r);
    return n;
}

/* Waits until every worker is blocked in BRPOP (or has failed). */
static void waitWorkersBlocked(redisContext *c) {
    int64_t deadline = nowNs() + (int64_t)READY_WAIT_MS * 1000000;
    while (atomic_load(&ready) < nworkers && !atomic_load(&failed)) {
        if (nowNs() > deadline) die("the workers did not connect in %d ms", READY_WAIT_MS);
        sleepMs(1);
    }
    while (!atomic_load(&failed)) {
        long b = blockedClients(c);
        if (b < 0) { /* no such field: give the BRPOPs a moment */
            sleepMs(200);
            return;
        }
        if (b >= nworkers) return;
        if (nowNs() > deadline) die("only %ld of %d workers blocked after %d ms", b, nworkers, READY_WAIT_MS);
        sleepMs(1);
    }
}

/* LPUSH key VALUE; false (and an error printed) unless it succeeded. */
static bool pushOrFail(redisContext *c, const char *value) {
    redisReply *r = redisCommand(c, "LPUSH %s %s", key, value);
    if (r == NULL) die("LPUSH: %s", c->errstr);
    bool ok = r->type == REDIS_REPLY_INTEGER;
    if (!ok) {
        fprintf(stderr, "list-handoff: LPUSH %s %s: %s\n", key, value,
                r->type == REDIS_REPLY_ERROR ? r->str : "not an integer reply");
        atomic_store(&failed, true);
    }
    freeReplyObject(r);
    return ok;
}

static int cmpI64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The value at quantile Q (0..1) of the sorted V of N > 0 elements. */
static int64_t quantile(const int64_t *v, size_t n, double q) {
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void usage(void) {
    fprintf(stderr, "usage: list-handoff [-h host] [-p port] [-w workers] "
                    "[-i interval_us] [-d seconds] [-k key]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "h:p:w:i:d:k:")) != -1) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'w': nworkers = atoi(optarg); break;
        case 'i': interval_us = atol(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'k': key = optarg; break;
        default: usage();
        }
    }
    if (optind != argc || port <= 0 || nworkers <= 0 || interval_us <= 0 || seconds <= 0) usage();
    maxjobs = (long)(seconds * 1e6 / (double)interval_us) + 1;
    seen = calloc((size_t)maxjobs, 1);
    worker *workers = calloc((size_t)nworkers, sizeof *workers);
    pthread_t *tids = calloc((size_t)nworkers, sizeof *tids);
    if (seen == NULL || workers == NULL || tids == NULL) die("out of memory");

    redisContext *c = connectOrDie();
    redisReply *r = redisCommand(c, "DEL %s", key);
    if (r == NULL) die("DEL: %s", c->errstr);
    freeReplyObject(r);

    for (int i = 0; i < nworkers; i++) {
        int err = pthread_create(&tids[i], NULL, workerMain, &workers[i]);
        if (err) die("pthread_create: %s", strerror(err));
    }
    waitWorkersBlocked(c);

    long pushes = 0;
    char value[64];
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    int64_t end = nowNs() + (int64_t)(seconds * 1e9);
    while (pushes < maxjobs && nowNs() < end && !atomic_load(&failed)) {
        next.tv_nsec += interval_us * 1000;
        while (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
        }
        snprintf(value, sizeof value, "%ld:%" PRId64, pushes, nowNs());
        if (!pushOrFail(c, value)) break;
        pushes++;
    }

    /* The last jobs, then one stop per worker (a worker stops at its
     * first); should the stops fail, the workers end at their next BRPOP
     * timeout. */
    int64_t deadline = nowNs() + (int64_t)DRAIN_WAIT_MS * 1000000;
    while (atomic_load(&popped) < pushes && !atomic_load(&failed) && nowNs() < deadline) sleepMs(1);
    atomic_store(&stopping, true);
    for (int i = 0; i < nworkers; i++) {
        if (!pushOrFail(c, "stop")) break;
    }
    for (int i = 0; i < nworkers; i++) pthread_join(tids[i], NULL);
    r = redisCommand(c, "DEL %s", key);
    if (r) freeReplyObject(r);
    redisFree(c);

    size_t n = 0;
    for (int i = 0; i < nworkers; i++) n += workers[i].len;
    int64_t *all = malloc((n ? n : 1) * sizeof *all);
    if (all == NULL) die("out of memory");
    size_t k = 0;
    double sum = 0;
    for (int i = 0; i < nworkers; i++) {
        memcpy(all + k, workers[i].lat, workers[i].len * sizeof *all);
        k += workers[i].len;
        free(workers[i].lat);
    }
    for (size_t i = 0; i < n; i++) sum += (double)all[i];
    qsort(all, n, sizeof *all, cmpI64);

    printf("workers: %d\n", nworkers);
    printf("pushes: %ld\n", pushes);
    printf("popped: %ld\n", atomic_load(&popped));
    if (n) {
        printf("p50_us: %.1f\n", (double)quantile(all, n, 0.50) / 1e3);
        printf("p99_us: %.1f\n", (double)quantile(all, n, 0.99) / 1e3);
        printf("max_us: %.1f\n", (double)all[n - 1] / 1e3);
        printf("mean_us: %.1f\n", sum / (double)n / 1e3);
    }
    bool ok = !atomic_load(&failed) && atomic_load(&popped) == pushes && pushes > 0;
    free(all);
    free(workers);
    free(tids);
    free((void *)seen);
    return ok ? 0 : EXIT_FAIL;
}
