/* reactor/reactor.c -- epoll event loop.  See reactor.h.
 *
 * Invariants:
 *   - events[fd].mask is exactly the set of events registered with epoll for
 *     fd, and maxfd is the highest fd with a non-empty mask (or -1);
 *   - timers form an unsorted singly linked list; there are only a few of
 *     them (the cron and friends), so a linear scan per iteration is cheaper
 *     than keeping a heap;
 *   - a timer deleted while the loop walks the list is only marked
 *     (id = -1) and unlinked on the next walk, so procedures may delete any
 *     timer, including themselves. */
#include "reactor/reactor.h"
#include "lib/alloc.h"
#include "lib/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef struct fileEvent {
    int mask;
    reFileProc *rproc;
    reFileProc *wproc;
    void *clientData;
} fileEvent;

typedef struct timerEvent {
    long long id;
    long long whenUs;
    reTimerProc *proc;
    void *clientData;
    struct timerEvent *next;
    int refcount; /* >0 while its procedure runs: never freed then */
} timerEvent;

struct reactor {
    int epfd;
    int setsize;
    int maxfd;
    fileEvent *events;
    struct epoll_event *fired;
    timerEvent *timers;
    long long nextTimerId;
    reSleepProc *beforeSleep;
    reSleepProc *afterSleep;
};

reactor *reactorCreate(int setsize) {
    reactor *r = xcalloc(1, sizeof(*r));
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r->epfd == -1) {
        xfree(r);
        return NULL;
    }
    r->setsize = setsize;
    r->maxfd = -1;
    r->events = xcalloc((size_t)setsize, sizeof(fileEvent));
    r->fired = xcalloc((size_t)setsize, sizeof(struct epoll_event));
    return r;
}

/* Changes the maximum number of descriptors.  Fails (RE_ERR) if a
 * descriptor at or above the new size is in use. */
int reactorResize(reactor *r, int setsize) {
    if (setsize == r->setsize) return RE_OK;
    if (r->maxfd >= setsize) return RE_ERR;
    r->events = xrealloc(r->events, sizeof(fileEvent) * (size_t)setsize);
    r->fired = xrealloc(r->fired, sizeof(struct epoll_event) * (size_t)setsize);
    for (int i = r->setsize; i < setsize; i++) r->events[i].mask = RE_NONE;
    r->setsize = setsize;
    return RE_OK;
}

static int epollMaskFor(int mask) {
    int ev = 0;
    if (mask & RE_READABLE) ev |= EPOLLIN;
    if (mask & RE_WRITABLE) ev |= EPOLLOUT;
    return ev;
}

/* Registers proc for the events in mask on fd (adding to what is already
 * registered).  Returns RE_ERR with errno set if fd is out of range or
 * epoll refuses it. */
int reactorAddFileEvent(reactor *r, int fd, int mask, reFileProc *proc,
                        void *clientData) {
    if (fd < 0 || fd >= r->setsize) {
        errno = ERANGE;
        return RE_ERR;
    }
    fileEvent *fe = &r->events[fd];
    struct epoll_event ee = {0};
    int op = fe->mask == RE_NONE ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int newmask = fe->mask | mask;
    ee.events = (uint32_t)epollMaskFor(newmask);
    ee.data.fd = fd;
    if (epoll_ctl(r->epfd, op, fd, &ee) == -1) return RE_ERR;
    fe->mask = newmask;
    if (mask & RE_READABLE) fe->rproc = proc;
    if (mask & RE_WRITABLE) fe->wproc = proc;
    fe->clientData = clientData;
    if (fd > r->maxfd) r->maxfd = fd;
    return RE_OK;
}

void reactorDelFileEvent(reactor *r, int fd, int mask) {
    if (fd < 0 || fd >= r->setsize) return;
    fileEvent *fe = &r->events[fd];
    if (fe->mask == RE_NONE) return;
    int newmask = fe->mask & ~mask;
    struct epoll_event ee = {0};
    ee.events = (uint32_t)epollMaskFor(newmask);
    ee.data.fd = fd;
    /* A failure here means the fd is already closed; nothing to undo. */
    if (newmask & (RE_READABLE | RE_WRITABLE))
        (void)epoll_ctl(r->epfd, EPOLL_CTL_MOD, fd, &ee);
    else
        (void)epoll_ctl(r->epfd, EPOLL_CTL_DEL, fd, &ee);
    fe->mask = newmask;
    if (fd == r->maxfd && newmask == RE_NONE) {
        int j;
        for (j = r->maxfd - 1; j >= 0; j--)
            if (r->events[j].mask != RE_NONE) break;
        r->maxfd = j;
    }
}

int reactorGetFileEvents(reactor *r, int fd) {
    if (fd < 0 || fd >= r->setsize) return 0;
    return r->events[fd].mask;
}

long long reactorAddTimer(reactor *r, long long milliseconds, reTimerProc *proc,
                          void *clientData) {
    timerEvent *t = xmalloc(sizeof(*t));
    t->id = r->nextTimerId++;
    t->whenUs = monotonicUs() + milliseconds * 1000;
    t->proc = proc;
    t->clientData = clientData;
    t->refcount = 0;
    t->next = r->timers;
    r->timers = t;
    return t->id;
}

/* Microseconds until the earliest timer, 0 if one is due, -1 if none. */
static long long usUntilNearestTimer(reactor *r) {
    long long nearest = -1;
    for (timerEvent *t = r->timers; t; t = t->next)
        if (t->id != -1 && (nearest == -1 || t->whenUs < nearest))
            nearest = t->whenUs;
    if (nearest == -1) return -1;
    long long now = monotonicUs();
    return nearest > now ? nearest - now : 0;
}

static int processTimers(reactor *r) {
    int processed = 0;
    long long maxId = r->nextTimerId - 1;
    long long now = monotonicUs();
    timerEvent *prev = NULL, *t = r->timers;
    while (t) {
        if (t->id == -1) {
            timerEvent *next = t->next;
            if (t->refcount == 0) {
                if (prev) prev->next = next;
                else r->timers = next;
                xfree(t);
            } else {
                prev = t;
            }
            t = next;
            continue;
        }
        /* Timers created by procedures in this pass wait for the next one. */
        if (t->id > maxId || t->whenUs > now) {
            prev = t;
            t = t->next;
            continue;
        }
        t->refcount++;
        long long ret = t->proc(r, t->id, t->clientData);
        t->refcount--;
        processed++;
        now = monotonicUs();
        if (ret == RE_NOMORE) t->id = -1;
        else t->whenUs = now + ret * 1000;
        prev = t;
        t = t->next;
    }
    return processed;
}

/* Runs one iteration: waits for file events (no longer than until the next
 * timer, not at all with RE_DONT_WAIT), dispatches them, then runs due
 * timers.  Returns the number of events processed. */
int reactorProcessEvents(reactor *r, int flags) {
    int processed = 0;
    if (!(flags & (RE_FILE_EVENTS | RE_TIME_EVENTS))) return 0;
    long long waitUs = -1;
    if (flags & RE_TIME_EVENTS) waitUs = usUntilNearestTimer(r);
    if (flags & RE_DONT_WAIT) waitUs = 0;
    else if (!(flags & RE_TIME_EVENTS)) waitUs = -1;
    if (r->beforeSleep && (flags & RE_CALL_BEFORE_SLEEP)) r->beforeSleep(r);

    int timeoutMs = waitUs < 0 ? -1 : (int)((waitUs + 999) / 1000);
    int numevents = epoll_wait(r->epfd, r->fired, r->setsize, timeoutMs);
    if (numevents < 0) numevents = 0; /* EINTR: a signal arrived */
    if (r->afterSleep && (flags & RE_CALL_AFTER_SLEEP)) r->afterSleep(r);

    for (int j = 0; j < numevents; j++) {
        struct epoll_event *e = &r->fired[j];
        int fd = e->data.fd;
        fileEvent *fe = &r->events[fd];
        int mask = 0;
        if (e->events & EPOLLIN) mask |= RE_READABLE;
        if (e->events & EPOLLOUT) mask |= RE_WRITABLE;
        if (e->events & (EPOLLERR | EPOLLHUP)) mask |= RE_READABLE | RE_WRITABLE;
        /* Readable first, then writable; one handler registered for both
         * runs once. */
        int fired = 0;
        if (fe->mask & mask & RE_READABLE) {
            fe->rproc(r, fd, fe->clientData, mask);
            fired++;
            fe = &r->events[fd]; /* the handler may have resized the array */
        }
        if ((fe->mask & mask & RE_WRITABLE) && (!fired || fe->wproc != fe->rproc))
            fe->wproc(r, fd, fe->clientData, mask);
        processed++;
    }
    if (flags & RE_TIME_EVENTS) processed += processTimers(r);
    return processed;
}

/* Runs the loop forever: the server leaves it only by exiting. */
void reactorMain(reactor *r) {
    for (;;)
        reactorProcessEvents(r, RE_ALL_EVENTS | RE_CALL_BEFORE_SLEEP |
                                    RE_CALL_AFTER_SLEEP);
}

void reactorSetBeforeSleep(reactor *r, reSleepProc *proc) { r->beforeSleep = proc; }
void reactorSetAfterSleep(reactor *r, reSleepProc *proc) { r->afterSleep = proc; }
