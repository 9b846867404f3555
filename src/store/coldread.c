/* store/coldread.c -- cold reads: knowing which pages of the segments are
 * in memory, and bringing in the ones a request needs before it runs, on
 * the cold-read threads (coldpool.h), so that the event loop never waits
 * for the disk.
 *
 * Values are read through read-only mappings of the segment files
 * (store_read.c).  A read of a page that is not in memory faults, and the
 * fault blocks the only thread that serves clients for as long as the
 * disk takes.  Asking the kernel before every read (mincore) would cost a
 * system call per read, a microsecond, more than a GET itself; so the
 * store keeps its own page map instead, and reads of pages it believes in
 * memory cost nothing extra:
 *
 *   - each mapped segment has one byte per page (segment.h pageIn): PAGE_IN
 *     (trusted), PAGE_NEW (seen in memory by the last sweep only) or
 *     PAGE_OUT.  Only PAGE_IN reads without a fetch;
 *   - a sweep on a cold-read thread (mincore over every mapping) refreshes
 *     the whole map, then waits at least COLD_SWEEP_MIN_MS and twenty times
 *     its own duration before the next one.  A page the kernel evicted
 *     since is believed in memory until then, and its read faults on the
 *     event loop (one page: the mappings are MADV_RANDOM).  To keep that
 *     rare when memory is short, a page is trusted only once two sweeps in
 *     a row saw it in memory: a page the cache keeps that long is being
 *     used, while a page a fetch just brought in for one cold read is, in
 *     a cache much smaller than the data, evicted again within
 *     milliseconds (at 20,000 cold reads a second through 8 MB of cache,
 *     in about 100 ms).  So a fetch does not mark its pages in (the
 *     request that asked for them runs without looking again), and a page
 *     new at a sweep is PAGE_NEW: until the next sweep, each read of it
 *     asks the kernel (one mincore) and fetches it if it is gone.
 *     Appended pages are PAGE_IN: the write put them in the cache;
 *   - when the last sweep found every page in memory (a data set that fits,
 *     the common case), storeColdReadsActive is 0 and the command layer
 *     asks nothing: in-memory workloads pay one branch per command.
 *
 * A fetch (storeFetch) is the set of record ranges one request will read
 * that are not known to be in memory.  The command layer fills it from the
 * request's keys, starts it, and parks the client; each range is one
 * item for the threads (a populate of the mapping, MADV_RANDOM so the
 * pages and no more; a pread on kernels without it), so the ranges of one
 * request and of many clients are read in parallel; when the last range
 * is in, done() runs on the event loop (storeColdReadEvents) and the
 * request runs, reading pages already mapped for it.
 *
 * Invariants:
 *   - fetches started and not done are on s->fetches; each has 'pending'
 *     COLD_READ items in the pool, whose owner field is the fetch;
 *   - a segment's pageIn covers its mapping (pageInLen pages), or is NULL
 *     when it is not mapped: an unmapped segment is read with pread and
 *     never counts as cold;
 *   - done() is called once per started fetch, unless the store closes
 *     first (the command layer restarts its parked requests after a
 *     reload: nothing waits on a closed store). */
#include "store/store_internal.h"

#include "lib/alloc.h"
#include "store/coldpool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The shortest pause between two sweeps, and their pause as a multiple
 * of the last sweep's duration (1.6 GB of segments: 22 ms of mincore, so
 * one sweep every 440 ms, 5% of one thread). */
#define COLD_SWEEP_MIN_MS 250
#define COLD_SWEEP_PAUSE_FACTOR 20
/* While sweeps keep finding every page in memory (a data set that fits),
 * the pause doubles after each, up to this: an idle server with a large
 * data set in memory does not spend 5% of a thread looking.  The first
 * sweep that finds a page out goes back to the short pause. */
#define COLD_SWEEP_MAX_PAUSE_MS 8000

/* A collection up to this size has all its element records fetched when a
 * request names its key; a larger one only the elements the request's
 * arguments name (HGET h f) and, for a list, the ones at its ends (a
 * queue's pops).  Elements outside those are read where they are, and may
 * fault on the event loop. */
#define COLD_FETCH_ALL_ELEMENTS 128
#define COLD_FETCH_LIST_ENDS 16

/* The page map's values (segment.h pageIn). */
#define PAGE_OUT 0
#define PAGE_IN 1   /* trusted: appended, or in memory at two sweeps in a row */
#define PAGE_NEW 2  /* in memory at the last sweep only: read through a fetch */

typedef struct coldRange {
    uint64_t serial;       /* the segment's, when the fetch was made */
    uint32_t segId;
    uint64_t start, end;   /* page-aligned file offsets */
} coldRange;

struct storeFetch {
    coldRange *ranges;
    size_t n, cap;
    size_t pending;        /* COLD_READ items not yet back */
    storeFetchDone *done;
    void *pd;
    struct storeFetch *prev, *next; /* s->fetches */
};

static size_t pageSize(void) {
    static size_t size;
    if (!size) {
        long ps = sysconf(_SC_PAGESIZE);
        size = ps > 0 ? (size_t)ps : 4096;
    }
    return size;
}

/* ------------------------------------------------------------ page map */

void storeColdTrack(segment *seg) {
    if (!seg->map) return;
    size_t pages = (seg->mapLen + pageSize() - 1) / pageSize();
    if (pages <= seg->pageInLen) return;
    seg->pageIn = xrealloc(seg->pageIn, pages);
    memset(seg->pageIn + seg->pageInLen, 0, pages - seg->pageInLen);
    seg->pageInLen = pages;
}

void storeColdMarkIn(segment *seg, uint64_t off, uint64_t len) {
    if (!seg->pageIn || len == 0) return;
    size_t first = (size_t)(off / pageSize()), last = (size_t)((off + len - 1) / pageSize());
    if (last >= seg->pageInLen) last = seg->pageInLen - 1;
    for (size_t i = first; i <= last; i++) seg->pageIn[i] = PAGE_IN;
}

/* Whether a PAGE_NEW page is in memory now: one mincore (a microsecond,
 * no I/O).  Such a page was in memory at the last sweep, so it is often
 * a hot page the cache had dropped for a moment; asking spares its reads
 * a trip through the cold-read threads until the next sweep trusts it.
 * The answer is not kept: it vouches for this read only. */
static int newPageIsIn(const segment *seg, size_t page) {
    unsigned char v = 0;
    if (mincore((void *)(seg->map + page * pageSize()), pageSize(), &v) != 0) return 0;
    return v & 1;
}

/* 1 when every page of [off, off + len) of seg is believed in memory, or
 * seg is not read through a mapping. */
static int rangeIsIn(const segment *seg, uint64_t off, uint64_t len) {
    if (!seg->pageIn || len == 0) return 1;
    size_t first = (size_t)(off / pageSize()), last = (size_t)((off + len - 1) / pageSize());
    if (last >= seg->pageInLen) return 1; /* past the mapping: read with pread */
    for (size_t i = first; i <= last; i++) {
        if (seg->pageIn[i] == PAGE_IN) continue;
        if (seg->pageIn[i] == PAGE_OUT || !newPageIsIn(seg, i)) return 0;
    }
    return 1;
}

int storeColdReadsActive(const store *s) { return s->coldPool && !s->allResident; }

/* ------------------------------------------------------------- fetches */

storeFetch *storeFetchNew(void) { return xcalloc(1, sizeof(storeFetch)); }

void storeFetchFree(storeFetch *f) {
    if (!f) return;
    xfree(f->ranges);
    xfree(f);
}

size_t storeFetchRanges(const storeFetch *f) { return f->n; }

/* Adds the record [off, off + len) of segment segId if it is not known to
 * be in memory; a range that touches the last one added is merged with
 * it (the records of one key are often neighbours). */
static void addRecord(store *s, storeFetch *f, uint32_t segId, uint64_t off, uint64_t len) {
    segment *seg = storeSegmentById(s, segId);
    if (!seg || storeIsPending(s, seg, off) || rangeIsIn(seg, off, len)) return;
    uint64_t start = off / pageSize() * pageSize();
    uint64_t end = (off + len + pageSize() - 1) / pageSize() * pageSize();
    if (f->n) {
        coldRange *last = &f->ranges[f->n - 1];
        if (last->serial == seg->serial && start <= last->end && end >= last->start) {
            if (start < last->start) last->start = start;
            if (end > last->end) last->end = end;
            return;
        }
    }
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 4;
        f->ranges = xrealloc(f->ranges, f->cap * sizeof(*f->ranges));
    }
    f->ranges[f->n++] = (coldRange){seg->serial, segId, start, end};
}

static void addElement(store *s, storeFetch *f, size_t klen, const collElem *el) {
    if (el->value) return; /* a stream's element kept in memory */
    addRecord(s, f, el->loc.segment, el->loc.offset,
              storeElementRecordSize(klen, el->nlen, el->loc.valueLen));
}

/* The records of a collection's elements the request may read (see
 * COLD_FETCH_ALL_ELEMENTS).  Sets and sorted sets keep everything a read
 * needs in memory (members, scores): they never need a fetch. */
static void addCollection(store *s, storeFetch *f, size_t klen, const collection *c,
                          const storeFetchArg *args, int nargs) {
    int type = collType(c);
    if (type == COLL_SET || type == COLL_ZSET) return;
    collIter it;
    collElem el;
    if (collCount(c) <= COLD_FETCH_ALL_ELEMENTS) {
        collIterInit(&it, c);
        while (collIterNext(&it, &el)) addElement(s, f, klen, &el);
        return;
    }
    if (type == COLL_LIST) {
        collIterInit(&it, c);
        for (int i = 0; i < COLD_FETCH_LIST_ENDS && collIterNext(&it, &el); i++)
            addElement(s, f, klen, &el);
        collListSeek(&it, c, collCount(c) - COLD_FETCH_LIST_ENDS);
        while (collIterNext(&it, &el)) addElement(s, f, klen, &el);
        return;
    }
    for (int i = 0; i < nargs; i++) {
        collLoc loc;
        if (collFind(c, args[i].ptr, args[i].len, &loc) != 1) continue;
        el = (collElem){.name = args[i].ptr, .nlen = args[i].len, .loc = loc};
        addElement(s, f, klen, &el);
    }
}

void storeFetchAddKey(store *s, storeFetch *f, int db, const void *key, size_t klen, int elements,
                      const storeFetchArg *args, int nargs) {
    keydirEntry *e = keydirLookup(storeKeydir(s, db), key, klen);
    if (!e) return;
    const collection *c = keydirEntryCollection(e);
    if (c) {
        if (elements) addCollection(s, f, klen, c, args, nargs);
        return;
    }
    const keydirChain *chain = keydirEntryChain(e);
    if (chain) {
        for (uint32_t i = 0; i < chain->n; i++)
            addRecord(s, f, chain->rec[i].segment, chain->rec[i].offset, chain->rec[i].recordSize);
        return;
    }
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    addRecord(s, f, loc.segment, loc.offset, recordEncodedSize(klen, loc.valueLen));
}

/* A descriptor of seg's file for one cold read, owned by the read: a dup
 * of the segment's random-access descriptor, opened on first need with
 * readahead off (POSIX_FADV_RANDOM), so that a read brings in its pages
 * and no more.  The segment's own descriptor keeps its readahead for
 * the sequential readers.  -1 if the file cannot be opened. */
static int readFdFor(store *s, segment *seg) {
    if (seg->randomFd < 0) {
        const char *path = seg->tmpPath ? seg->tmpPath : seg->path;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            storeLogf(s, STORE_LOG_NOTICE, "Cold reads of %s on the event loop: %s", path,
                      strerror(errno));
            return -1;
        }
        (void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
        seg->randomFd = fd;
    }
    return fcntl(seg->randomFd, F_DUPFD_CLOEXEC, 0);
}

/* The item that brings range r of seg in: a populate of its mapping
 * (pages into the cache and the page tables at once, see coldpool.h), or
 * where the kernel cannot, a pread.  NULL if neither can be made. */
static coldItem *readItemFor(store *s, segment *seg, const coldRange *r) {
    coldItem *it;
    if (!s->coldNoPopulate && seg->map && r->end <= seg->mapLen) {
        it = coldItemNew(COLD_POPULATE);
        it->addr = seg->map;
    } else {
        int fd = readFdFor(s, seg);
        if (fd < 0) return NULL;
        it = coldItemNew(COLD_READ);
        it->fd = fd;
    }
    it->off = r->start;
    it->len = r->end - r->start;
    return it;
}

int storeFetchStart(store *s, storeFetch *f, storeFetchDone *done, void *pd) {
    if (!s->coldPool) {
        storeFetchFree(f);
        return 0;
    }
    f->done = done;
    f->pd = pd;
    for (size_t i = 0; i < f->n; i++) {
        segment *seg = storeSegmentById(s, f->ranges[i].segId);
        coldItem *it = seg ? readItemFor(s, seg, &f->ranges[i]) : NULL;
        if (!it) continue;
        it->owner = f;
        it->tag = i;
        coldPoolSubmit(s->coldPool, it);
        f->pending++;
    }
    if (f->pending == 0) {
        storeFetchFree(f);
        return 0;
    }
    f->next = s->fetches;
    if (s->fetches) s->fetches->prev = f;
    s->fetches = f;
    s->stats.coldFetches++;
    return 1;
}

/* A COLD_READ item is back, and its fetch is done when it was the last.
 * Its pages stay as the map had them (see the top of this file). */
static void readDone(store *s, coldItem *it) {
    storeFetch *f = it->owner;
    if (it->kind == COLD_POPULATE && it->err == EINVAL && !s->coldNoPopulate) {
        s->coldNoPopulate = 1;
        storeLogf(s, STORE_LOG_NOTICE, "Cold reads use pread: this kernel has no "
                  "MADV_POPULATE_READ");
    }
    s->stats.coldReads++;
    s->stats.coldReadBytes += it->bytes;
    if (it->err) s->stats.coldReadErrors++;
    if (--f->pending) return;
    if (f->prev) f->prev->next = f->next;
    else s->fetches = f->next;
    if (f->next) f->next->prev = f->prev;
    storeFetchDone *done = f->done;
    void *pd = f->pd;
    storeFetchFree(f);
    done(pd);
}

/* -------------------------------------------------------------- sweeps */

static segment *segmentBySerial(store *s, uint64_t serial) {
    for (size_t i = 0; i < s->nsegs; i++)
        if (s->segs[i]->serial == serial) return s->segs[i];
    for (size_t i = 0; i < s->ncompactOut; i++)
        if (s->compactOut[i]->serial == serial) return s->compactOut[i];
    return NULL;
}

static void addSweepArea(coldItem *it, size_t *cap, const segment *seg) {
    if (!seg->map || !seg->pageIn) return;
    uint64_t len = seg->size < seg->mapLen ? seg->size : seg->mapLen;
    if (len == 0) return;
    if (it->nareas == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        it->areas = xrealloc(it->areas, *cap * sizeof(*it->areas));
    }
    it->areas[it->nareas++] = (coldSweepArea){seg->map, (size_t)len, seg->serial, NULL, 0};
}

static void startSweep(store *s) {
    coldItem *it = coldItemNew(COLD_SWEEP);
    size_t cap = 0;
    for (size_t i = 0; i < s->nsegs; i++) addSweepArea(it, &cap, s->segs[i]);
    for (size_t i = 0; i < s->ncompactOut; i++) addSweepArea(it, &cap, s->compactOut[i]);
    s->coldSweeping = 1;
    coldPoolSubmit(s->coldPool, it);
}


/* Copies what a sweep saw into the page maps of the segments that are
 * still mapped where they were, and decides storeColdReadsActive: the
 * data set is all in memory when no page of any segment was out (a
 * segment the sweep could not see counts as out). */
static void sweepDone(store *s, coldItem *it) {
    s->coldSweeping = 0;
    if (s->coldDebugCold) return; /* a test keeps everything cold */
    uint64_t out = 0, in = 0;
    for (size_t i = 0; i < it->nareas; i++) {
        const coldSweepArea *a = &it->areas[i];
        segment *seg = segmentBySerial(s, a->tag);
        if (!seg || seg->map != a->addr) continue;
        size_t pages = (a->len + pageSize() - 1) / pageSize();
        if (!a->ok) {
            out += pages;
            continue;
        }
        if (pages > seg->pageInLen) pages = seg->pageInLen;
        for (size_t p = 0; p < pages; p++) {
            uint8_t *page = &seg->pageIn[p];
            if (!(a->vec[p] & 1)) {
                *page = PAGE_OUT;
                out++;
                continue;
            }
            *page = *page == PAGE_OUT ? PAGE_NEW : PAGE_IN;
            in++;
        }
    }
    s->allResident = out == 0;
    s->stats.coldSweeps++;
    s->stats.coldPagesIn = in;
    s->stats.coldPagesOut = out;
    s->stats.coldLastSweepUs = it->usec;
    uint64_t pauseMs = it->usec * COLD_SWEEP_PAUSE_FACTOR / 1000;
    if (pauseMs < COLD_SWEEP_MIN_MS) pauseMs = COLD_SWEEP_MIN_MS;
    if (s->allResident && s->coldSweepPauseMs) {
        uint64_t doubled = (uint64_t)s->coldSweepPauseMs * 2;
        if (doubled > pauseMs) pauseMs = doubled < COLD_SWEEP_MAX_PAUSE_MS ? doubled : COLD_SWEEP_MAX_PAUSE_MS;
    }
    s->coldSweepPauseMs = (int64_t)pauseMs;
    s->coldNextSweepMs = storeWallMs() + (int64_t)pauseMs;
}

/* ----------------------------------------------------------- the owner */

int storeColdReadStart(store *s, int threads, char *err, size_t errlen) {
    if (threads <= 0) return 0;
    s->coldPool = coldPoolStart(threads, err, errlen);
    if (!s->coldPool) return -1;
    /* Until the first sweep (a few milliseconds from now) nothing is known:
     * reads are made where they are asked for, as without the threads,
     * rather than every first read waiting for a fetch. */
    s->allResident = 1;
    startSweep(s);
    coldPoolKick(s->coldPool);
    return 0;
}

void storeColdReadStop(store *s) {
    coldPoolStop(s->coldPool);
    s->coldPool = NULL;
    while (s->fetches) {
        storeFetch *f = s->fetches;
        s->fetches = f->next;
        storeFetchFree(f);
    }
}

int storeColdReadFd(const store *s) { return s->coldPool ? coldPoolFd(s->coldPool) : -1; }

void storeColdReadEvents(store *s) {
    if (!s->coldPool) return;
    coldItem *it = coldPoolTakeDone(s->coldPool);
    while (it) {
        coldItem *next = it->next;
        if (it->kind == COLD_SWEEP) sweepDone(s, it);
        else readDone(s, it);
        coldItemFree(it);
        it = next;
    }
}

void storeColdReadCron(store *s) {
    if (!s->coldPool || s->coldSweeping || s->coldDebugCold) return;
    if (storeWallMs() < s->coldNextSweepMs) return;
    startSweep(s);
    coldPoolKick(s->coldPool);
}

void storeColdReadKick(store *s) {
    if (s->coldPool) coldPoolKick(s->coldPool);
}

size_t storeColdReadsWaiting(const store *s) {
    size_t n = 0;
    for (const storeFetch *f = s->fetches; f; f = f->next) n++;
    return n;
}

/* Marks every page of every segment out of memory and stops the sweeps
 * (cold = 1), so that the next read of every key goes through a fetch;
 * or lets the sweeps resume (cold = 0).  delayMs makes each cold read
 * wait that long first.  For tests (DEBUG COLD-READS). */
int storeColdReadDebug(store *s, int cold, unsigned delayMs) {
    if (!s->coldPool) return -1;
    coldPoolSetReadDelay(s->coldPool, delayMs);
    s->coldDebugCold = cold;
    if (!cold) {
        s->coldNextSweepMs = 0;
        return 0;
    }
    s->allResident = 0;
    for (size_t i = 0; i < s->nsegs; i++)
        if (s->segs[i]->pageIn) memset(s->segs[i]->pageIn, 0, s->segs[i]->pageInLen);
    return 0;
}
