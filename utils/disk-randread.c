/* utils/disk-randread.c -- the disk's random 4 KiB read rate, for reference
 *
 *   utils/disk-randread [-s SECS] [-q DEPTHS] FILE
 *   utils/disk-randread -s 3 -q 1,16 build/data/seg-00000002.log
 *   utils/disk-randread --drop FILE...
 *
 * Why it exists: issue 23 asks that cold GETs run at the disk's own speed,
 * so every cold-read figure needs the disk's figure next to it, measured in
 * the same run on the same file (utils/bench-coldreads.sh runs it on one of
 * the server's segment files).  For each queue depth D in DEPTHS (default
 * 1,16) it starts D threads that each pread() one 4 KiB block at a random
 * 4 KiB-aligned offset of FILE, one after the other, for SECS seconds
 * (default 3), and prints one line:
 *
 *   qd=16 reads=56733 secs=3.000 reads_per_sec=18911 mean_us=845.9
 *
 * Queue depth D is D threads with one read in flight each: the simplest way
 * to keep D reads queued at the device without io_uring or libaio.
 *
 * The file is opened with O_DIRECT, so no read is answered from the page
 * cache.  Where O_DIRECT is refused (tmpfs, some overlay file systems) the
 * tool says so on its first line ("mode=buffered"), drops the file from the
 * page cache with posix_fadvise(POSIX_FADV_DONTNEED) before each depth and
 * reads through the cache: the figure is then an upper bound.  A file on
 * tmpfs gets a warning on stderr: its figures are memory's.
 *
 * --drop only drops each FILE from the page cache (POSIX_FADV_DONTNEED after
 * an fdatasync, since dirty pages cannot be dropped) and exits: the fallback
 * of bench-coldreads.sh where /proc/sys/vm/drop_caches is not writable.
 * Pages another process has mapped stay resident either way.
 *
 * Exit status: 0, 1 on a failed system call, 2 on a usage error. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* O_DIRECT */
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

/* One read is one 4 KiB block at a 4 KiB-aligned offset: the page size and
 * the largest logical block size O_DIRECT asks alignment to on common
 * devices; a smaller block would be refused (EINVAL) on a 4Kn disk. */
#define BLOCK 4096

/* More threads than this is not a queue depth this tool is meant to show
 * (the issue asks for 1 and 16); the bound keeps a typo from starting
 * thousands of threads. */
#define MAX_DEPTH 256

typedef struct {
    int fd;
    uint64_t blocks;      /* whole 4 KiB blocks in the file */
    uint64_t seed;
    atomic_int *stop;
    uint64_t reads;       /* out: reads completed */
    double busy_us;       /* out: time spent inside pread */
    int err;              /* out: errno of a failed pread, else 0 */
} reader;

static double nowSeconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: a per-thread generator, so the threads share no state. */
static uint64_t nextRandom(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ULL;
}

/* One reader thread: random aligned preads until told to stop.  A short
 * read (only possible at the end of a file that grows or shrinks meanwhile)
 * still counts: it went to the device all the same. */
static void *readerMain(void *arg) {
    reader *r = arg;
    void *buf;
    int rc = posix_memalign(&buf, BLOCK, BLOCK);
    if (rc != 0) {
        r->err = rc;
        return NULL;
    }
    while (!atomic_load_explicit(r->stop, memory_order_relaxed)) {
        off_t off = (off_t)(nextRandom(&r->seed) % r->blocks) * BLOCK;
        double t0 = nowSeconds();
        ssize_t n = pread(r->fd, buf, BLOCK, off);
        if (n < 0) {
            if (errno == EINTR) continue;
            r->err = errno;
            break;
        }
        r->busy_us += (nowSeconds() - t0) * 1e6;
        r->reads++;
    }
    free(buf);
    return NULL;
}

/* Drops FILE's clean pages from the page cache.  Returns 0 or -1 (and
 * says why on stderr). */
static int dropFile(const char *path, int fd) {
    if (fdatasync(fd) == -1 && errno != EINVAL) {
        fprintf(stderr, "disk-randread: fdatasync %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (rc != 0) {
        fprintf(stderr, "disk-randread: posix_fadvise %s: %s\n", path, strerror(rc));
        return -1;
    }
    return 0;
}

static int dropFiles(int argc, char **argv) {
    int status = 0;
    for (int i = 0; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
        if (fd == -1) {
            fprintf(stderr, "disk-randread: open %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        if (dropFile(argv[i], fd) == -1) status = 1;
        close(fd);
    }
    return status;
}

/* Runs DEPTH readers on fd for SECS seconds and prints their line.
 * Returns 0, or -1 when a thread could not start or a read failed. */
static int measureDepth(int fd, uint64_t blocks, int depth, double secs) {
    reader rs[MAX_DEPTH];
    pthread_t tids[MAX_DEPTH];
    atomic_int stop = 0;
    int started = 0, status = 0;

    double t0 = nowSeconds();
    for (int i = 0; i < depth; i++) {
        /* xorshift needs a non-zero seed; each thread its own. */
        uint64_t seed = (0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1)) ^ (uint64_t)(t0 * 1e6);
        rs[i] = (reader){.fd = fd, .blocks = blocks, .stop = &stop, .seed = seed | 1};
        int rc = pthread_create(&tids[i], NULL, readerMain, &rs[i]);
        if (rc != 0) {
            fprintf(stderr, "disk-randread: pthread_create: %s\n", strerror(rc));
            status = -1;
            break;
        }
        started++;
    }
    struct timespec nap = {.tv_sec = (time_t)secs,
                           .tv_nsec = (long)((secs - (time_t)secs) * 1e9)};
    if (status == 0) {
        while (nanosleep(&nap, &nap) == -1 && errno == EINTR) {}
    }
    atomic_store(&stop, 1);

    uint64_t reads = 0;
    double busy_us = 0;
    for (int i = 0; i < started; i++) {
        int rc = pthread_join(tids[i], NULL);
        if (rc != 0) {
            fprintf(stderr, "disk-randread: pthread_join: %s\n", strerror(rc));
            status = -1;
            continue;
        }
        if (rs[i].err != 0) {
            fprintf(stderr, "disk-randread: pread: %s\n", strerror(rs[i].err));
            status = -1;
        }
        reads += rs[i].reads;
        busy_us += rs[i].busy_us;
    }
    double elapsed = nowSeconds() - t0;
    if (status == 0) {
        printf("qd=%d reads=%llu secs=%.3f reads_per_sec=%.0f mean_us=%.1f\n", depth,
               (unsigned long long)reads, elapsed, reads / elapsed,
               reads ? busy_us / reads : 0.0);
        fflush(stdout);
    }
    return status;
}

static void usage(void) {
    fprintf(stderr, "usage: disk-randread [-s SECS] [-q DEPTH[,DEPTH...]] FILE\n"
                    "       disk-randread --drop FILE...\n");
    exit(2);
}

/* Parses "1,16" into depths[]; returns how many, exits on a bad list. */
static int parseDepths(const char *s, int *depths, int max) {
    int n = 0;
    while (*s) {
        char *end;
        long d = strtol(s, &end, 10);
        if (end == s || d < 1 || d > MAX_DEPTH || n == max) usage();
        depths[n++] = (int)d;
        if (*end == ',') end++;
        else if (*end != '\0') usage();
        s = end;
    }
    if (n == 0) usage();
    return n;
}

int main(int argc, char **argv) {
    double secs = 3;
    int depths[16] = {1, 16};
    int ndepths = 2;
    int i = 1;

    if (argc >= 2 && strcmp(argv[1], "--drop") == 0) {
        if (argc < 3) usage();
        return dropFiles(argc - 2, argv + 2);
    }
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            char *end;
            secs = strtod(argv[++i], &end);
            if (*end != '\0' || !(secs > 0 && secs <= 3600)) usage();
        } else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc) {
            ndepths = parseDepths(argv[++i], depths, 16);
        } else {
            usage();
        }
    }
    if (i != argc - 1) usage();
    const char *path = argv[i];

    const char *mode = "O_DIRECT";
    int fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (fd == -1 && errno == EINVAL) {
        mode = "buffered";
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd == -1) {
        fprintf(stderr, "disk-randread: open %s: %s\n", path, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) == -1) {
        fprintf(stderr, "disk-randread: fstat %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t blocks = (uint64_t)st.st_size / BLOCK;
    if (blocks == 0) {
        fprintf(stderr, "disk-randread: %s is smaller than one 4 KiB block\n", path);
        return 1;
    }
    /* tmpfs takes O_DIRECT too (Linux 6.6 on), and then answers from memory. */
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC))
        fprintf(stderr, "disk-randread: %s is in memory (tmpfs): these are not a disk's figures\n",
                path);
    printf("file=%s bytes=%lld mode=%s block=%d secs=%.3g\n", path, (long long)st.st_size,
           mode, BLOCK, secs);
    fflush(stdout);

    int status = 0;
    for (int d = 0; d < ndepths && status == 0; d++) {
        if (strcmp(mode, "buffered") == 0 && dropFile(path, fd) == -1) status = 1;
        if (status == 0 && measureDepth(fd, blocks, depths[d], secs) == -1) status = 1;
    }
    if (close(fd) == -1) {
        fprintf(stderr, "disk-randread: close %s: %s\n", path, strerror(errno));
        status = 1;
    }
    return status;
}
