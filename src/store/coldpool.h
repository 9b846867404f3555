/* store/coldpool.h -- the cold-read threads: a small pool that does the
 * two kinds of work the event loop must never wait for.
 *
 *   COLD_POPULATE  faults a range of a mapping in (MADV_POPULATE_READ):
 *               the pages come into the page cache and into the process's
 *               page tables, so that the event loop then reads them
 *               without a disk wait, and without even a minor fault
 *               (coldread.c).  The call is safe on an address unmapped
 *               meanwhile: it fails (ENOMEM), it never faults;
 *   COLD_READ   the same through a file descriptor (pread, bytes thrown
 *               away), where the kernel has no MADV_POPULATE_READ (5.14);
 *   COLD_SWEEP  asks the kernel (mincore) which pages of a list of
 *               mappings are in memory.
 *
 * The pool knows nothing of segments or clients: an item carries what its
 * work needs, and tags the submitter reads back.
 *
 * Protocol between the threads.  The owner (the event loop) submits items
 * (staged, then handed over by coldPoolKick once per event-loop
 * iteration: one lock and one wake-up for the batch, since waking a
 * thread costs the waker a few microseconds) and takes finished ones; a
 * thread that takes an item while more wait and threads sleep wakes one
 * more, so a batch spreads over the pool without the owner paying for
 * it.  The threads take items from the queue head,
 * work on them without any lock held, and append them to the done list,
 * then make the eventfd readable.  The queue, the done list and the stop
 * flag are under one mutex.  An item belongs to the pool from
 * coldPoolSubmit until coldPoolTakeDone returns it; a thread touches
 * nothing of the owner's but the item's own fields (a sweep's areas are
 * addresses it only passes to mincore: an area unmapped meanwhile makes
 * mincore fail, which the item reports, and never faults).
 *
 * Items run in parallel, as many at once as there are threads: a disk
 * that serves several reads at a time (queue depth) is kept busy by
 * several waiting clients. */
#ifndef REDIS_KV_COLDPOOL_H
#define REDIS_KV_COLDPOOL_H

#include <stddef.h>
#include <stdint.h>

#define COLD_READ 1
#define COLD_SWEEP 2
#define COLD_POPULATE 3

/* The most threads a pool may have. */
#define COLDPOOL_MAX_THREADS 256

/* One mapping a sweep looks at.  vec gets one byte per page of
 * [addr, addr + len) (bit 0: in memory), allocated by the thread; ok is 0
 * when mincore failed (the area was unmapped meanwhile) and vec is NULL. */
typedef struct coldSweepArea {
    const void *addr;
    size_t len;
    uint64_t tag;          /* the submitter's */
    unsigned char *vec;
    int ok;
} coldSweepArea;

typedef struct coldItem {
    int kind;              /* COLD_READ or COLD_SWEEP */
    /* COLD_READ: in: fd (the item owns it: the pool closes it), [off,
     * off + len); COLD_POPULATE: in: [addr + off, addr + off + len).
     * out: bytes read (populated), err (an errno, 0 when all was read) */
    int fd;
    const char *addr;
    uint64_t off, len;
    uint64_t bytes;
    int err;
    /* COLD_SWEEP: in: areas (owned by the item); out: their vec and ok,
     * and how long the sweep took */
    coldSweepArea *areas;
    size_t nareas;
    uint64_t usec;
    /* the submitter's, never touched by the pool */
    void *owner;
    uint64_t tag;
    struct coldItem *next; /* the pool's lists; coldPoolTakeDone's result */
} coldItem;

typedef struct coldPool coldPool;

/* Starts 'threads' threads (1..COLDPOOL_MAX_THREADS).  NULL with the
 * reason in err if it cannot. */
coldPool *coldPoolStart(int threads, char *err, size_t errlen);
/* Lets each thread finish the item it is on, joins them, and frees every
 * item still queued or done (coldItemFree), then the pool.  NULL is fine. */
void coldPoolStop(coldPool *p);
/* Stages it (FIFO); the threads see it at the next coldPoolKick.  The
 * pool owns it until coldPoolTakeDone. */
void coldPoolSubmit(coldPool *p, coldItem *it);
/* Hands the staged items to the threads (the owner, once per event-loop
 * iteration, before it sleeps). */
void coldPoolKick(coldPool *p);
/* Every finished item, oldest first, linked by next (NULL: none), and
 * the eventfd drained.  The caller owns them. */
coldItem *coldPoolTakeDone(coldPool *p);
/* Readable while finished items wait (for the event loop). */
int coldPoolFd(const coldPool *p);
/* Items submitted and not yet taken back. */
size_t coldPoolInFlight(const coldPool *p);
/* Tests: every COLD_READ waits ms milliseconds before it reads, so that a
 * test can see a client wait.  0 turns it off. */
void coldPoolSetReadDelay(coldPool *p, unsigned ms);

/* A new zeroed item of kind (fd -1). */
coldItem *coldItemNew(int kind);
/* Frees it, its areas and their vectors, and closes its fd if still open. */
void coldItemFree(coldItem *it);

#endif
