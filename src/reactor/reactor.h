/* reactor/reactor.h -- a small single-threaded event loop on epoll.
 *
 * File events fire when a descriptor is readable or writable; timers fire
 * after a delay and may re-arm themselves; a beforeSleep hook runs every time
 * the loop is about to block.  The reactor knows nothing of clients or
 * commands: it only calls the procedures registered with it. */
#ifndef REDIS_KV_REACTOR_H
#define REDIS_KV_REACTOR_H

#define RE_NONE 0
#define RE_READABLE 1
#define RE_WRITABLE 2

#define RE_OK 0
#define RE_ERR -1

/* A timer procedure returns the delay in ms until its next run, or
 * RE_NOMORE to be deleted. */
#define RE_NOMORE -1

/* reactorProcessEvents flags */
#define RE_FILE_EVENTS 1
#define RE_TIME_EVENTS 2
#define RE_ALL_EVENTS (RE_FILE_EVENTS | RE_TIME_EVENTS)
#define RE_DONT_WAIT 4
#define RE_CALL_BEFORE_SLEEP 8
#define RE_CALL_AFTER_SLEEP 16

struct reactor;
typedef void reFileProc(struct reactor *r, int fd, void *clientData, int mask);
typedef long long reTimerProc(struct reactor *r, long long id, void *clientData);
typedef void reSleepProc(struct reactor *r);

typedef struct reactor reactor;

reactor *reactorCreate(int setsize);
int reactorResize(reactor *r, int setsize);
int reactorAddFileEvent(reactor *r, int fd, int mask, reFileProc *proc,
                        void *clientData);
void reactorDelFileEvent(reactor *r, int fd, int mask);
int reactorGetFileEvents(reactor *r, int fd);
long long reactorAddTimer(reactor *r, long long milliseconds, reTimerProc *proc,
                          void *clientData);
int reactorProcessEvents(reactor *r, int flags);
void reactorMain(reactor *r);
void reactorSetBeforeSleep(reactor *r, reSleepProc *proc);
void reactorSetAfterSleep(reactor *r, reSleepProc *proc);

#endif
