/* utils/stream-consumers.c -- consumer-group throughput: N consumers read
 * one stream with XREADGROUP and acknowledge what they read with XACK.
 *
 *   stream-consumers -k key -g group [-h host] [-p port] [-c consumers]
 *                    [-n count] [-e expected]
 *
 * The group must exist (XGROUP CREATE key group 0) over a stream that is
 * already filled; nothing is added while the consumers run.  Each of the
 * CONSUMERS threads (default 10) has its own connection and consumer name
 * "c<i>", and loops: one write holding `XACK key group <the IDs of its
 * previous batch>` (when there is one) and `XREADGROUP GROUP group c<i>
 * COUNT n STREAMS key >` (COUNT default 10), then both replies.  A
 * consumer stops when XREADGROUP finds nothing new (a null reply: the
 * group has delivered the whole stream), after acknowledging its last
 * batch.  So every request carries one read and one acknowledgement, as
 * a worker that acks a batch while asking for the next one does.
 *
 * The clock runs from the moment every thread is connected to the moment
 * the last one has its final XACK reply.  Prints "key: value" lines:
 * consumers, count, entries (delivered), acked, seconds, entries_per_sec.
 * Exit status 0 when entries == acked (and == EXPECTED when -e is given);
 * 1 when they differ or the server answered an error (printed); 2 on a
 * usage or local error.
 *
 * Built by make (linked with hiredis and pthreads); run by
 * utils/bench-streams.sh. */
#include <errno.h>
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
/* COUNT is capped so a batch's XACK argv fits a fixed array; far above
 * what a benchmark of small batches asks for. */
#define MAX_COUNT 1000

static const char *host = "127.0.0.1";
static int port = 6379;
static int nconsumers = 10;
static int count = 10;
static long expected = -1;
static const char *key, *group;

static atomic_int connected;   /* consumers ready to start */
static atomic_bool go;         /* set once all are connected */
static atomic_bool failed;     /* a consumer saw an error */

/* A local error (usage, memory, connection): message and exit 2. */
static void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fatal(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("stream-consumers: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

static double monotonicSecs(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one consumer did. */
typedef struct consumer {
    int index;
    long entries, acked;
    double doneAt;             /* monotonicSecs() after its last reply */
} consumer;

/* A batch's IDs, copied out of the XREADGROUP reply for the next XACK. */
typedef struct idBatch {
    int n;
    char ids[MAX_COUNT][48];
} idBatch;

/* Reports a consumer's failure once per run; always returns false. */
static bool consumerFails(const consumer *c, const char *what, const char *detail) {
    if (!atomic_exchange(&failed, true))
        fprintf(stderr, "stream-consumers: c%d: %s: %s\n", c->index, what, detail);
    return false;
}

/* Copies the IDs of an XREADGROUP reply (one stream: [[key, [[id, [f, v,
 * ...]], ...]]]) into b.  False on a reply of another shape. */
static bool takeIds(consumer *c, const redisReply *r, idBatch *b) {
    b->n = 0;
    /* The connection speaks RESP2: an array of [key, entries] pairs. */
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 1 ||
        r->element[0]->type != REDIS_REPLY_ARRAY || r->element[0]->elements != 2)
        return consumerFails(c, "XREADGROUP", "not a one-stream array reply");
    const redisReply *entries = r->element[0]->element[1];
    if (entries->type != REDIS_REPLY_ARRAY || entries->elements > MAX_COUNT)
        return consumerFails(c, "XREADGROUP", "unexpected entries");
    for (size_t i = 0; i < entries->elements; i++) {
        const redisReply *e = entries->element[i];
        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
            e->element[0]->type != REDIS_REPLY_STRING || e->element[0]->len >= sizeof b->ids[0])
            return consumerFails(c, "XREADGROUP", "unexpected entry");
        memcpy(b->ids[b->n], e->element[0]->str, e->element[0]->len + 1);
        b->n++;
    }
    return true;
}

/* Queues XACK for b's IDs (when it has any) and XREADGROUP for the next
 * batch on one connection; nothing is sent until the first reply is read. */
static void queueRound(redisContext *ctx, const consumer *c, const idBatch *b) {
    if (b->n > 0) {
        const char *argv[3 + MAX_COUNT];
        argv[0] = "XACK";
        argv[1] = key;
        argv[2] = group;
        for (int i = 0; i < b->n; i++) argv[3 + i] = b->ids[i];
        if (redisAppendCommandArgv(ctx, 3 + b->n, argv, NULL) != REDIS_OK)
            fatal("XACK: %s", ctx->errstr);
    }
    char name[32], cnt[16];
    snprintf(name, sizeof name, "c%d", c->index);
    snprintf(cnt, sizeof cnt, "%d", count);
    const char *argv[] = {"XREADGROUP", "GROUP", group, name, "COUNT", cnt, "STREAMS", key, ">"};
    if (redisAppendCommandArgv(ctx, 9, argv, NULL) != REDIS_OK)
        fatal("XREADGROUP: %s", ctx->errstr);
}

/* Reads the XACK reply for a batch of n IDs; false on an error. */
static bool readAck(redisContext *ctx, consumer *c, int n) {
    redisReply *r;
    if (redisGetReply(ctx, (void **)&r) != REDIS_OK) fatal("XACK: %s", ctx->errstr);
    bool ok = r->type == REDIS_REPLY_INTEGER;
    if (ok) c->acked += r->integer;
    else consumerFails(c, "XACK", r->type == REDIS_REPLY_ERROR ? r->str : "not an integer");
    if (ok && r->integer != n) {
        char msg[64];
        snprintf(msg, sizeof msg, "acknowledged %lld of %d", r->integer, n);
        ok = consumerFails(c, "XACK", msg);
    }
    freeReplyObject(r);
    return ok;
}

static void *consumerMain(void *arg) {
    consumer *c = arg;
    redisContext *ctx = redisConnect(host, port);
    if (ctx == NULL) fatal("out of memory connecting to %s:%d", host, port);
    if (ctx->err) fatal("cannot connect to %s:%d: %s", host, port, ctx->errstr);
    idBatch *b = calloc(1, sizeof *b);
    if (b == NULL) fatal("out of memory");
    atomic_fetch_add(&connected, 1);
    while (!atomic_load(&go)) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    while (!atomic_load(&failed)) {
        queueRound(ctx, c, b);
        if (b->n > 0 && !readAck(ctx, c, b->n)) break;
        redisReply *r;
        if (redisGetReply(ctx, (void **)&r) != REDIS_OK) fatal("XREADGROUP: %s", ctx->errstr);
        if (r->type == REDIS_REPLY_NIL) { /* nothing new: the stream is drained */
            freeReplyObject(r);
            break;
        }
        if (r->type == REDIS_REPLY_ERROR) {
            consumerFails(c, "XREADGROUP", r->str);
            freeReplyObject(r);
            break;
        }
        bool ok = takeIds(c, r, b);
        freeReplyObject(r);
        if (!ok) break;
        c->entries += b->n;
    }
    c->doneAt = monotonicSecs();
    redisFree(ctx);
    free(b);
    return NULL;
}

static void usage(void) {
    fprintf(stderr, "usage: stream-consumers -k key -g group [-h host] [-p port] "
                    "[-c consumers] [-n count] [-e expected]\n");
    exit(EXIT_USAGE);
}

int main(int argc, char **argv) {
    int opt;
    while ((opt = getopt(argc, argv, "h:p:c:n:k:g:e:")) != -1) {
        switch (opt) {
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'c': nconsumers = atoi(optarg); break;
        case 'n': count = atoi(optarg); break;
        case 'k': key = optarg; break;
        case 'g': group = optarg; break;
        case 'e': expected = atol(optarg); break;
        default: usage();
        }
    }
    if (optind != argc || key == NULL || group == NULL || port <= 0 || nconsumers <= 0 ||
        count <= 0 || count > MAX_COUNT)
        usage();
    consumer *cs = calloc((size_t)nconsumers, sizeof *cs);
    pthread_t *tids = calloc((size_t)nconsumers, sizeof *tids);
    if (cs == NULL || tids == NULL) fatal("out of memory");
    for (int i = 0; i < nconsumers; i++) {
        cs[i].index = i;
        int err = pthread_create(&tids[i], NULL, consumerMain, &cs[i]);
        if (err) fatal("pthread_create: %s", strerror(err));
    }
    while (atomic_load(&connected) < nconsumers) {
        struct timespec ts = {0, 100000};
        nanosleep(&ts, NULL);
    }
    double start = monotonicSecs(), end = start;
    atomic_store(&go, true);
    long entries = 0, acked = 0;
    for (int i = 0; i < nconsumers; i++) {
        pthread_join(tids[i], NULL);
        entries += cs[i].entries;
        acked += cs[i].acked;
        if (cs[i].doneAt > end) end = cs[i].doneAt;
    }
    double secs = end - start;
    printf("consumers: %d\n", nconsumers);
    printf("count: %d\n", count);
    printf("entries: %ld\n", entries);
    printf("acked: %ld\n", acked);
    printf("seconds: %.3f\n", secs);
    printf("entries_per_sec: %.0f\n", secs > 0 ? (double)entries / secs : 0.0);
    bool ok = !atomic_load(&failed) && entries == acked && (expected < 0 || entries == expected);
    if (!ok && !atomic_load(&failed))
        fprintf(stderr, "stream-consumers: %ld entries delivered, %ld acknowledged, %ld expected\n",
                entries, acked, expected);
    free(cs);
    free(tids);
    return ok ? 0 : EXIT_FAIL;
}
