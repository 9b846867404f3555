/* store/lazyfree.h -- freeing big collections and emptied key directories
 * on a background thread, so that deleting a set of a million members
 * never stalls the event loop (Redis's lazy free: UNLINK, FLUSHALL ASYNC,
 * the lazyfree-lazy-* directives).
 *
 * What it promises:
 *   - lazyfreeCollection / lazyfreeKeydir take ownership of what they are
 *     given and free it on the thread, in the order queued; the caller
 *     must not touch it again, and nothing else may point into it (the
 *     store takes it out of its keydir, or its undo log, first);
 *   - counters, Redis's: pending is the objects queued and not yet freed
 *     (a collection counts 1, a keydir its number of keys), freed the
 *     objects freed by the thread since start or lazyfreeResetStats; both
 *     readable from any thread at any time;
 *   - lazyfreeStop frees everything still queued (on the thread, which it
 *     then joins) and returns only when nothing is left: a clean shutdown
 *     leaks nothing;
 *   - a NULL handle frees at once, on the caller's thread, so code and
 *     tests that run without the thread need no second path.
 *
 * Protocol between the threads.  The owner (the event loop) only appends
 * jobs to the queue and reads the counters; the thread only takes jobs
 * from its head.  The queue and the stop flag are under one mutex, which
 * neither side holds while freeing; the counters are atomics.  What is
 * freed must not share mutable state with the owner: a collection and a
 * keydir are self-contained allocations (collection.h, keydir.h), and the
 * allocator is thread-safe.
 *
 * Which deletes are lazy is not decided here: the store asks
 * lazyfreeWorthIt at the moment it takes a collection out of its keydir,
 * under the mode the command layer set (store.h, storeSetLazyFree). */
#ifndef REDIS_KV_LAZYFREE_H
#define REDIS_KV_LAZYFREE_H

#include <stddef.h>
#include <stdint.h>

typedef struct lazyfree lazyfree;
typedef struct collection collection;
typedef struct keydir keydir;

/* Redis's LAZYFREE_THRESHOLD.  Handing a job to the thread costs about as
 * much as freeing a few dozen small allocations (a lock, a signal, a
 * wake-up), so only a value whose free effort (lazyfreeEffort) is above
 * this many allocations goes to the thread.  Redis 7.0's value, kept so
 * that lazyfreed_objects counts the same deletes as Redis's: raising it
 * puts more work on the event loop, lowering it more wake-ups on the
 * thread. */
#define LAZYFREE_THRESHOLD 64

/* Starts the thread.  NULL (with the reason in err) if it cannot. */
lazyfree *lazyfreeStart(char *err, size_t errlen);
/* Frees what is queued, joins the thread and frees lf (NULL is fine). */
void lazyfreeStop(lazyfree *lf);

/* What freeing c costs, in allocations, as Redis counts it: a TABLE's
 * element count (one allocation per element); a list's chunks (Redis
 * counts its quicklist nodes: a list of small elements goes to the thread
 * past about 16,000 elements here, 29,000 in Redis); 1 for the
 * one-allocation encodings (listpack, intset). */
size_t lazyfreeEffort(const collection *c);
/* Whether c is worth handing to the thread: lazyfreeEffort > threshold. */
int lazyfreeWorthIt(const collection *c);

/* Queues c (or kd: the keydir and everything in it) for the thread; with
 * lf NULL (or an empty kd) frees it now.  c or kd NULL does nothing. */
void lazyfreeCollection(lazyfree *lf, collection *c);
void lazyfreeKeydir(lazyfree *lf, keydir *kd);

/* Tallied jobs, for the store's live-bytes accounting (store.c): walking
 * a million elements to take their records out of the live bytes is as
 * slow as freeing them, so that walk is the thread's too.  Before freeing,
 * the thread adds up the log bytes the records of c (a collection of a
 * key of klen bytes) or of every key of kd hold, per segment (replay.h's
 * rule); the owner collects the sums with lazyfreeTakeTallies, which
 * calls fn(ctx, segment, bytes) for each segment of each job of that
 * owner finished so far, then forgets them.  lf must not be NULL.  An
 * owner that goes away (storeClose) waits (lazyfreeWait) and takes its
 * tallies first, so none is ever handed to another owner at the same
 * address.  lazyfreeStop drops tallies nobody took. */
typedef void lazyfreeTallyFn(void *ctx, uint32_t segment, uint64_t bytes);
void lazyfreeCollectionTallied(lazyfree *lf, collection *c, size_t klen, const void *owner);
void lazyfreeKeydirTallied(lazyfree *lf, keydir *kd, const void *owner);
void lazyfreeTakeTallies(lazyfree *lf, const void *owner, lazyfreeTallyFn *fn, void *ctx);

/* INFO's lazyfree_pending_objects and lazyfreed_objects (0 for NULL). */
uint64_t lazyfreePending(lazyfree *lf);
uint64_t lazyfreeFreed(lazyfree *lf);
/* CONFIG RESETSTAT: freed starts again from 0 (pending is not a stat). */
void lazyfreeResetStats(lazyfree *lf);
/* Blocks until the queue is empty and the thread idle (tests; an owner
 * that needs its tallies now). */
void lazyfreeWait(lazyfree *lf);

#endif
