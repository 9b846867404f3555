/* store/coldpool.c -- the cold-read threads (coldpool.h). */
#include "store/coldpool.h"

#include "lib/alloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* A read goes to the page cache in pieces of this size: a large value
 * (a 512 MB string) needs no buffer of its own size. */
#define COLDPOOL_CHUNK (64 * 1024)

/* The threads' nice value, relative to the process's (see threadMain). */
#define COLDPOOL_NICE 5

struct coldPool {
    pthread_mutex_t lock;
    pthread_cond_t cond;      /* signalled when items are queued, or stop */
    coldItem *stagedHead, *stagedTail; /* submitted, not yet kicked (owner) */
    coldItem *queueHead, *queueTail;
    int sleeping;             /* threads waiting on cond */
    coldItem *doneHead, *doneTail;
    size_t inFlight;          /* submitted, not yet taken back (owner only) */
    int stop;
    int efd;
    int nthreads;
    pthread_t threads[COLDPOOL_MAX_THREADS];
    unsigned readDelayMs;     /* atomic */
};

coldItem *coldItemNew(int kind) {
    coldItem *it = xcalloc(1, sizeof(*it));
    it->kind = kind;
    it->fd = -1;
    return it;
}

void coldItemFree(coldItem *it) {
    if (!it) return;
    if (it->fd >= 0) close(it->fd);
    for (size_t i = 0; i < it->nareas; i++) xfree(it->areas[i].vec);
    xfree(it->areas);
    xfree(it);
}

static uint64_t monotonicUsec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The test hook's wait before each read (coldPoolSetReadDelay). */
static void waitReadDelay(coldPool *p) {
    unsigned delay = __atomic_load_n(&p->readDelayMs, __ATOMIC_RELAXED);
    if (delay) {
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
    }
}

/* COLD_READ: preads the range in chunks into buf, retrying after EINTR
 * and short reads; stops at the end of the file. */
static void doRead(coldPool *p, coldItem *it, char *buf) {
    waitReadDelay(p);
    uint64_t pos = it->off, end = it->off + it->len;
    while (pos < end) {
        size_t want = end - pos < COLDPOOL_CHUNK ? (size_t)(end - pos) : COLDPOOL_CHUNK;
        ssize_t n = pread(it->fd, buf, want, (off_t)pos);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            it->err = errno;
            break;
        }
        if (n == 0) break;
        pos += (uint64_t)n;
        it->bytes += (uint64_t)n;
    }
    close(it->fd);
    it->fd = -1;
}

/* COLD_POPULATE: faults the range in through the mapping.  EINVAL means
 * a kernel without MADV_POPULATE_READ (the owner then switches to
 * COLD_READ); ENOMEM an area unmapped meanwhile. */
static void doPopulate(coldPool *p, coldItem *it) {
    waitReadDelay(p);
    int rc;
    do rc = madvise((void *)(it->addr + it->off), it->len, MADV_POPULATE_READ);
    while (rc != 0 && errno == EINTR);
    if (rc == 0) it->bytes = it->len;
    else it->err = errno;
}

/* COLD_SWEEP: one mincore per area. */
static void doSweep(coldItem *it) {
    uint64_t start = monotonicUsec();
    long page = sysconf(_SC_PAGESIZE);
    for (size_t i = 0; i < it->nareas; i++) {
        coldSweepArea *a = &it->areas[i];
        size_t pages = (a->len + (size_t)page - 1) / (size_t)page;
        a->vec = pages ? xmalloc(pages) : NULL;
        a->ok = pages && mincore((void *)a->addr, a->len, a->vec) == 0;
        if (!a->ok) {
            xfree(a->vec);
            a->vec = NULL;
        }
    }
    it->usec = monotonicUsec() - start;
}

/* Appends it to the done list.  Only the item that makes the list
 * non-empty signals the eventfd: the owner drains the fd before it takes
 * the whole list (coldPoolTakeDone), so every item added after a take
 * finds the list empty again and signals, and no item is ever left
 * unannounced.  A busy pool thus costs one eventfd write per batch the
 * owner takes, not one per read. */
static void finish(coldPool *p, coldItem *it) {
    pthread_mutex_lock(&p->lock);
    it->next = NULL;
    int wasEmpty = p->doneHead == NULL;
    if (p->doneTail) p->doneTail->next = it;
    else p->doneHead = it;
    p->doneTail = it;
    pthread_mutex_unlock(&p->lock);
    if (!wasEmpty) return;
    uint64_t one = 1;
    ssize_t n;
    do n = write(p->efd, &one, sizeof(one));
    while (n < 0 && errno == EINTR);
    /* EAGAIN: the counter is full, so the fd is readable anyway. */
}

/* Runs one item. */
static void work(coldPool *p, coldItem *it, char *buf) {
    if (it->kind == COLD_READ) doRead(p, it, buf);
    else if (it->kind == COLD_POPULATE) doPopulate(p, it);
    else doSweep(it);
}

static void *threadMain(void *arg) {
    coldPool *p = arg;
    /* Below the event loop: when the CPU is short, the thread serving hot
     * keys from memory goes first, and a cold read waits a little longer
     * for its turn (it waits for the disk anyway).  Failing only loses
     * that preference. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), COLDPOOL_NICE);
    char *buf = xmalloc(COLDPOOL_CHUNK);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && !p->queueHead) {
            p->sleeping++;
            pthread_cond_wait(&p->cond, &p->lock);
            p->sleeping--;
        }
        if (p->stop) break;
        coldItem *it = p->queueHead;
        p->queueHead = it->next;
        if (!p->queueHead) p->queueTail = NULL;
        /* More wait: a sleeping thread takes the next, in parallel. */
        if (p->queueHead && p->sleeping) pthread_cond_signal(&p->cond);
        pthread_mutex_unlock(&p->lock);
        work(p, it, buf);
        finish(p, it);
        pthread_mutex_lock(&p->lock);
    }
    pthread_mutex_unlock(&p->lock);
    xfree(buf);
    return NULL;
}

coldPool *coldPoolStart(int threads, char *err, size_t errlen) {
    if (threads < 1 || threads > COLDPOOL_MAX_THREADS) {
        snprintf(err, errlen, "cold-read threads must be 1..%d", COLDPOOL_MAX_THREADS);
        return NULL;
    }
    coldPool *p = xcalloc(1, sizeof(*p));
    p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (p->efd < 0) {
        snprintf(err, errlen, "eventfd: %s", strerror(errno));
        xfree(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    for (int i = 0; i < threads; i++) {
        int rc = pthread_create(&p->threads[i], NULL, threadMain, p);
        if (rc != 0) {
            snprintf(err, errlen, "pthread_create: %s", strerror(rc));
            coldPoolStop(p);
            return NULL;
        }
        p->nthreads++;
    }
    return p;
}

static void freeList(coldItem *it) {
    while (it) {
        coldItem *next = it->next;
        coldItemFree(it);
        it = next;
    }
}

void coldPoolStop(coldPool *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    freeList(p->stagedHead);
    freeList(p->queueHead);
    freeList(p->doneHead);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    close(p->efd);
    xfree(p);
}

void coldPoolSubmit(coldPool *p, coldItem *it) {
    it->next = NULL;
    if (p->stagedTail) p->stagedTail->next = it;
    else p->stagedHead = it;
    p->stagedTail = it;
    p->inFlight++;
}

void coldPoolKick(coldPool *p) {
    if (!p->stagedHead) return;
    pthread_mutex_lock(&p->lock);
    if (p->queueTail) p->queueTail->next = p->stagedHead;
    else p->queueHead = p->stagedHead;
    p->queueTail = p->stagedTail;
    if (p->sleeping) pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    p->stagedHead = p->stagedTail = NULL;
}

coldItem *coldPoolTakeDone(coldPool *p) {
    uint64_t count;
    ssize_t n;
    do n = read(p->efd, &count, sizeof(count));
    while (n < 0 && errno == EINTR);
    pthread_mutex_lock(&p->lock);
    coldItem *list = p->doneHead;
    p->doneHead = p->doneTail = NULL;
    pthread_mutex_unlock(&p->lock);
    for (coldItem *it = list; it; it = it->next) p->inFlight--;
    return list;
}

int coldPoolFd(const coldPool *p) { return p->efd; }

size_t coldPoolInFlight(const coldPool *p) { return p->inFlight; }

void coldPoolSetReadDelay(coldPool *p, unsigned ms) {
    __atomic_store_n(&p->readDelayMs, ms, __ATOMIC_RELAXED);
}
