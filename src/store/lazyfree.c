/* store/lazyfree.c -- the lazy-free thread: a FIFO of collections and key
 * directories to free, and the counters INFO reports (lazyfree.h states
 * the contract and the protocol between the threads).
 *
 * One thread is enough: freeing is bounded by the allocator, not by a
 * device, and jobs are rare (a delete of a big collection, a flush).  A
 * job is one small allocation of its own, made by the owner when it
 * queues, freed by the thread after the job -- or, when it carries a
 * tally, by the owner once it took the tally. */
#include "store/lazyfree.h"

#include "store/collection.h"
#include "store/keydir.h"
#include "store/replay.h"

#include "lib/alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Log bytes per segment (a tally): open addressing on the segment id,
 * bytes 0 marking a free slot (a record is never 0 bytes). */
typedef struct tallySlot {
    uint32_t segment;
    uint64_t bytes;
} tallySlot;

typedef struct lazyJob {
    struct lazyJob *next;
    collection *coll;   /* one of coll and kd */
    keydir *kd;
    uint64_t objects;   /* what it adds to the counters */
    const void *owner;  /* non-NULL: tally before freeing, for this owner */
    size_t klen;        /* the collection's key length (its records' size) */
    tallySlot *slots;   /* the tally, nslots a power of two (or 0) */
    size_t nslots, used;
} lazyJob;

struct lazyfree {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;   /* the thread: a job was queued, or stop */
    pthread_cond_t idle;   /* lazyfreeWait: the queue emptied */
    lazyJob *head, *tail;  /* under lock */
    lazyJob *done;         /* under lock: tallied jobs, for lazyfreeTakeTallies */
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

static void tallyGrow(lazyJob *j) {
    size_t n = j->nslots ? j->nslots * 2 : 16;
    tallySlot *old = j->slots;
    size_t oldn = j->nslots;
    j->slots = xcalloc(n, sizeof(tallySlot));
    j->nslots = n;
    j->used = 0;
    for (size_t i = 0; i < oldn; i++) {
        if (!old[i].bytes) continue;
        size_t k = old[i].segment & (n - 1);
        while (j->slots[k].bytes) k = (k + 1) & (n - 1);
        j->slots[k] = old[i];
        j->used++;
    }
    xfree(old);
}

/* replayLiveFn: adds bytes of segment to the job's tally. */
static void tallyAdd(void *ctx, uint32_t segment, uint64_t bytes, int add) {
    (void)add;
    lazyJob *j = ctx;
    if (bytes == 0) return;
    if ((j->used + 1) * 2 > j->nslots) tallyGrow(j);
    size_t k = segment & (j->nslots - 1);
    while (j->slots[k].bytes && j->slots[k].segment != segment) k = (k + 1) & (j->nslots - 1);
    if (!j->slots[k].bytes) {
        j->slots[k].segment = segment;
        j->used++;
    }
    j->slots[k].bytes += bytes;
}

/* Tallies the records of the job's keys (if asked), then frees them. */
static void runJob(lazyJob *j) {
    if (j->owner && j->coll) replayCountCollection(j->coll, j->klen, tallyAdd, j, 0);
    if (j->owner && j->kd) {
        keydirIterator it;
        keydirIterInit(&it, j->kd);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) replayCountEntry(e, tallyAdd, j, 0);
        keydirIterRelease(&it);
    }
    if (j->coll) collFree(j->coll);
    else keydirRelease(j->kd);
}

static void jobFree(lazyJob *j) {
    xfree(j->slots);
    xfree(j);
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
        runJob(j);
        /* freed first: whoever sees pending reach 0 sees freed complete */
        atomic_fetch_add(&lf->freed, j->objects);
        atomic_fetch_sub(&lf->pending, j->objects);
        int keep = j->owner != NULL;
        if (!keep) jobFree(j);
        lock(lf);
        if (keep) { /* its tally waits for the owner */
            j->next = lf->done;
            lf->done = j;
        }
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
    /* The thread drained the queue before it returned; tallies no owner
     * took are dropped. */
    while (lf->done) {
        lazyJob *j = lf->done;
        lf->done = j->next;
        jobFree(j);
    }
    mustSucceed(pthread_cond_destroy(&lf->idle), "pthread_cond_destroy");
    mustSucceed(pthread_cond_destroy(&lf->wake), "pthread_cond_destroy");
    mustSucceed(pthread_mutex_destroy(&lf->lock), "pthread_mutex_destroy");
    xfree(lf);
}

size_t lazyfreeEffort(const collection *c) {
    if (collEncoding(c) == COLL_ENC_LIST) return collListChunks(c);
    int large = collEncoding(c) == COLL_ENC_TABLE || collEncoding(c) == COLL_ENC_SKIPLIST;
    return large ? collCount(c) : 1;
}

int lazyfreeWorthIt(const collection *c) { return lazyfreeEffort(c) > LAZYFREE_THRESHOLD; }

static void queueJob(lazyfree *lf, collection *c, keydir *kd, uint64_t objects,
                     const void *owner, size_t klen) {
    lazyJob *j = xcalloc(1, sizeof(*j));
    j->coll = c;
    j->kd = kd;
    j->objects = objects;
    j->owner = owner;
    j->klen = klen;
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
    else queueJob(lf, c, NULL, 1, NULL, 0);
}

void lazyfreeKeydir(lazyfree *lf, keydir *kd) {
    if (!kd) return;
    if (!lf || keydirSize(kd) == 0) keydirRelease(kd); /* an empty one costs nothing */
    else queueJob(lf, NULL, kd, keydirSize(kd), NULL, 0);
}

void lazyfreeCollectionTallied(lazyfree *lf, collection *c, size_t klen, const void *owner) {
    if (c) queueJob(lf, c, NULL, 1, owner, klen);
}

void lazyfreeKeydirTallied(lazyfree *lf, keydir *kd, const void *owner) {
    if (!kd) return;
    if (keydirSize(kd) == 0) keydirRelease(kd); /* nothing to tally or to free */
    else queueJob(lf, NULL, kd, keydirSize(kd), owner, 0);
}

void lazyfreeTakeTallies(lazyfree *lf, const void *owner, lazyfreeTallyFn *fn, void *ctx) {
    if (!lf) return;
    lazyJob *mine = NULL;
    lock(lf);
    for (lazyJob **link = &lf->done; *link;) {
        lazyJob *j = *link;
        if (j->owner != owner) {
            link = &j->next;
            continue;
        }
        *link = j->next;
        j->next = mine;
        mine = j;
    }
    unlock(lf);
    while (mine) {
        lazyJob *j = mine;
        mine = j->next;
        for (size_t i = 0; fn && i < j->nslots; i++)
            if (j->slots[i].bytes) fn(ctx, j->slots[i].segment, j->slots[i].bytes);
        jobFree(j);
    }
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
