/* store/lazyfree.c -- the lazy-free thread: a FIFO of collections and key
 * directories to free, and the counters INFO reports (lazyfree.h states
 * the contract and the protocol between the threads).
 *
 * One thread is enough: freeing is bounded by the allocator, not by a
 * device, and jobs are rare (a delete of a big collection, a flush).  A
 * job is one small allocation of its own, made by the owner when it
 * queues, freed by the thread after the job. */
#include "store/lazyfree.h"

#include "store/collection.h"
#include "store/keydir.h"

#include "lib/alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lazyJob {
    struct lazyJob *next;
    collection *coll;   /* one of coll and kd */
    keydir *kd;
    uint64_t objects;   /* what it adds to the counters */
} lazyJob;

struct lazyfree {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* the thread: a job was queued, or stop */
    pthread_cond_t idle;   /* lazyfreeWait: the queue emptied */
    lazyJob *head, *tail;  /* under lock */
    int busy;              /* under lock: the thread is freeing a job */
    int stop;              /* under lock */
    _Atomic uint64_t pending;
    _Atomic uint64_t freed;
};

/* A pthread call that cannot fail unless the program is wrong (an
 * uninitialised or destroyed mutex): stop at once rather than go on with
 * the queue unprotected. */
static void mustSucceed(int rc, const char *what) {
    if (rc == 0) return;
    fprintf(stderr, "lazyfree: %s failed: %s\n", what, strerror(rc));
    abort();
}

static void lock(lazyfree *lf) { mustSucceed(pthread_mutex_lock(&lf->lock), "pthread_mutex_lock"); }
static void unlock(lazyfree *lf) {
    mustSucceed(pthread_mutex_unlock(&lf->lock), "pthread_mutex_unlock");
}

static void freeJobContents(lazyJob *j) {
    if (j->coll) collFree(j->coll);
    else keydirRelease(j->kd);
}

static void *lazyfreeMain(void *arg) {
    lazyfree *lf = arg;
    lock(lf);
    for (;;) {
        while (!lf->head && !lf->stop)
            mustSucceed(pthread_cond_wait(&lf->wake, &lf->lock), "pthread_cond_wait");
        lazyJob *j = lf->head;
        if (!j) break; /* stop, and nothing left */
        lf->head = j->next;
        if (!lf->head) lf->tail = NULL;
        lf->busy = 1;
        unlock(lf);
        freeJobContents(j);
        /* freed first: whoever sees pending reach 0 sees freed complete */
        atomic_fetch_add(&lf->freed, j->objects);
        atomic_fetch_sub(&lf->pending, j->objects);
        xfree(j);
        lock(lf);
        lf->busy = 0;
        if (!lf->head) mustSucceed(pthread_cond_broadcast(&lf->idle), "pthread_cond_broadcast");
    }
    unlock(lf);
    return NULL;
}

lazyfree *lazyfreeStart(char *err, size_t errlen) {
    lazyfree *lf = xcalloc(1, sizeof(*lf));
    atomic_init(&lf->pending, 0);
    atomic_init(&lf->freed, 0);
    int rc = pthread_mutex_init(&lf->lock, NULL);
    if (rc != 0) goto fail;
    if ((rc = pthread_cond_init(&lf->wake, NULL)) != 0) goto failLock;
    if ((rc = pthread_cond_init(&lf->idle, NULL)) != 0) goto failWake;
    if ((rc = pthread_create(&lf->thread, NULL, lazyfreeMain, lf)) != 0) goto failIdle;
    return lf;
failIdle:
    pthread_cond_destroy(&lf->idle);
failWake:
    pthread_cond_destroy(&lf->wake);
failLock:
    pthread_mutex_destroy(&lf->lock);
fail:
    snprintf(err, errlen, "can't start the lazy-free thread: %s", strerror(rc));
    xfree(lf);
    return NULL;
}

void lazyfreeStop(lazyfree *lf) {
    if (!lf) return;
    lock(lf);
    lf->stop = 1;
    mustSucceed(pthread_cond_signal(&lf->wake), "pthread_cond_signal");
    unlock(lf);
    mustSucceed(pthread_join(lf->thread, NULL), "pthread_join");
    /* The thread drained the queue before it returned. */
    pthread_cond_destroy(&lf->idle);
    pthread_cond_destroy(&lf->wake);
    pthread_mutex_destroy(&lf->lock);
    xfree(lf);
}

size_t lazyfreeEffort(const collection *c) {
    return collEncoding(c) == COLL_ENC_TABLE ? collCount(c) : 1;
}

int lazyfreeWorthIt(const collection *c) { return lazyfreeEffort(c) > LAZYFREE_THRESHOLD; }

static void queueJob(lazyfree *lf, collection *c, keydir *kd, uint64_t objects) {
    lazyJob *j = xmalloc(sizeof(*j));
    j->next = NULL;
    j->coll = c;
    j->kd = kd;
    j->objects = objects;
    atomic_fetch_add(&lf->pending, objects);
    lock(lf);
    if (lf->tail) lf->tail->next = j;
    else lf->head = j;
    lf->tail = j;
    mustSucceed(pthread_cond_signal(&lf->wake), "pthread_cond_signal");
    unlock(lf);
}

void lazyfreeCollection(lazyfree *lf, collection *c) {
    if (!c) return;
    if (!lf) collFree(c);
    else queueJob(lf, c, NULL, 1);
}

void lazyfreeKeydir(lazyfree *lf, keydir *kd) {
    if (!kd) return;
    if (!lf || keydirSize(kd) == 0) keydirRelease(kd); /* an empty one costs nothing */
    else queueJob(lf, NULL, kd, keydirSize(kd));
}

uint64_t lazyfreePending(lazyfree *lf) { return lf ? atomic_load(&lf->pending) : 0; }

uint64_t lazyfreeFreed(lazyfree *lf) { return lf ? atomic_load(&lf->freed) : 0; }

void lazyfreeResetStats(lazyfree *lf) {
    if (lf) atomic_store(&lf->freed, 0);
}

void lazyfreeWait(lazyfree *lf) {
    if (!lf) return;
    lock(lf);
    while (lf->head || lf->busy)
        mustSucceed(pthread_cond_wait(&lf->idle, &lf->lock), "pthread_cond_wait");
    unlock(lf);
}
