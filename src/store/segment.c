/* store/segment.c -- segment files (layout and invariants in segment.h). */
#include "store/segment.h"

#include <dirent.h>
#include <sys/mman.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"

#define SEGMENT_READER_CHUNK (1024 * 1024)

void segmentErrorf(char *err, size_t errlen, const char *fmt, ...) {
    if (err == NULL || errlen == 0) return;
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    errno = saved;
}

char *segmentPath(const char *dir, uint64_t id, const char *ext) {
    size_t len = strlen(dir) + strlen(ext) + 32;
    char *p = xmalloc(len);
    snprintf(p, len, "%s/seg-%08" PRIu64 "%s", dir, id, ext);
    return p;
}

/* ---- Small syscall helpers: EINTR and short transfers handled ---------- */

/* Writes all of buf at off.  0 or -1 (errno). */
static int pwriteFull(int fd, const void *buf, size_t len, uint64_t off) {
    const char *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

/* Reads up to len bytes at off, stopping early only at end of file.
 * Returns the bytes read, or -1 (errno). */
static ssize_t preadFull(int fd, void *buf, size_t len, uint64_t off) {
    char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, p + done, len - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (n == 0) break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static int ftruncateRetry(int fd, uint64_t size) {
    int rc;
    do {
        rc = ftruncate(fd, (off_t)size);
    } while (rc != 0 && errno == EINTR);
    return rc;
}

_Thread_local uint64_t segmentFsyncCalls;

int segmentFsyncFd(int fd, int dataOnly) {
    int rc;
    segmentFsyncCalls++;
    do {
        rc = dataOnly ? fdatasync(fd) : fsync(fd);
    } while (rc != 0 && errno == EINTR);
    return rc;
}

static int closeKeepErrno(int fd) {
    int saved = errno;
    int rc = close(fd);
    errno = saved;
    return rc;
}

int segmentSyncDir(const char *dir, char *err, size_t errlen) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        segmentErrorf(err, errlen, "open directory %s: %s", dir,
                      strerror(errno));
        return -1;
    }
    if (segmentFsyncFd(fd, 0) != 0) {
        segmentErrorf(err, errlen, "fsync directory %s: %s", dir,
                      strerror(errno));
        closeKeepErrno(fd);
        return -1;
    }
    close(fd);
    return 0;
}

/* ---- File header ---------------------------------------------------------- */

static void encodeFileHeader(char *dst, uint64_t id) {
    memset(dst, 0, SEGMENT_HEADER_SIZE);
    memcpy(dst, SEGMENT_MAGIC, SEGMENT_MAGIC_LEN);
    recordPutU32(dst + 8, SEGMENT_VERSION);
    recordPutU32(dst + 12, SEGMENT_HEADER_SIZE);
    recordPutU64(dst + 16, id);
    recordPutU32(dst + 28, crc32c(dst, 28));
}

/* NULL when buf (SEGMENT_HEADER_SIZE bytes) is a valid header for id,
 * else the reason. */
static const char *checkFileHeader(const char *buf, uint64_t id) {
    if (memcmp(buf, SEGMENT_MAGIC, SEGMENT_MAGIC_LEN) != 0) {
        return "bad magic";
    }
    if (recordGetU32(buf + 28) != crc32c(buf, 28)) {
        return "header checksum mismatch";
    }
    if (recordGetU32(buf + 8) != SEGMENT_VERSION) {
        return "unsupported version";
    }
    if (recordGetU32(buf + 12) != SEGMENT_HEADER_SIZE) {
        return "unexpected header size";
    }
    if (recordGetU64(buf + 16) != id) {
        return "segment id does not match the file name";
    }
    return NULL;
}

static segment *segmentNew(const char *dir, uint64_t id, int fd) {
    static uint64_t lastSerial; /* segments are made on more than one thread */
    segment *s = xcalloc(1, sizeof(*s));
    s->id = id;
    s->serial = __atomic_add_fetch(&lastSerial, 1, __ATOMIC_RELAXED);
    s->fd = fd;
    s->randomFd = -1;
    s->dir = xstrdup(dir);
    s->path = segmentPath(dir, id, ".log");
    return s;
}

/* ---- Listing ---------------------------------------------------------------- */

static int cmpU64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Parses "seg-<id><ext>" with the id printed as segmentPath() does (at
 * least 8 digits, zero padded, no extra leading zeros).  1 on success. */
int segmentParseFileName(const char *name, const char *ext, uint64_t *id) {
    if (strncmp(name, "seg-", 4) != 0) return 0;
    const char *p = name + 4;
    uint64_t v = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9') {
        if (v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits < 8 || strcmp(p, ext) != 0) return 0;
    char canon[64];
    snprintf(canon, sizeof(canon), "seg-%08" PRIu64 "%s", v, ext);
    if (strcmp(canon, name) != 0) return 0;
    *id = v;
    return 1;
}

int segmentListIds(const char *dir, uint64_t **ids, size_t *count, char *err,
                   size_t errlen) {
    *ids = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (d == NULL) {
        segmentErrorf(err, errlen, "open directory %s: %s", dir,
                      strerror(errno));
        return -1;
    }
    uint64_t *v = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                segmentErrorf(err, errlen, "read directory %s: %s", dir,
                              strerror(errno));
                xfree(v);
                int saved = errno;
                closedir(d);
                errno = saved;
                return -1;
            }
            break;
        }
        uint64_t id;
        if (!segmentParseFileName(de->d_name, ".log", &id)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[n++] = id;
    }
    closedir(d);
    if (n) qsort(v, n, sizeof(*v), cmpU64);
    *ids = v;
    *count = n;
    return 0;
}

int segmentRemoveTempFiles(const char *dir, char *err, size_t errlen) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        segmentErrorf(err, errlen, "open directory %s: %s", dir,
                      strerror(errno));
        return -1;
    }
    int removed = 0, failed = 0;
    for (;;) {
        struct dirent *de = readdir(d);
        if (de == NULL) break;
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "seg-", 4) != 0 || len < 8 ||
            strcmp(de->d_name + len - 4, ".tmp") != 0) {
            continue;
        }
        if (unlinkat(dirfd(d), de->d_name, 0) != 0) {
            if (errno == ENOENT) continue;
            segmentErrorf(err, errlen, "unlink %s/%s: %s", dir, de->d_name,
                          strerror(errno));
            failed = 1;
            break;
        }
        removed++;
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    if (failed) return -1;
    if (removed && segmentSyncDir(dir, err, errlen) != 0) return -1;
    return removed;
}

/* ---- Create / open / close --------------------------------------------- */

segment *segmentCreateTemp(const char *dir, uint64_t id, char *err, size_t errlen) {
    char *tmp = segmentPath(dir, id, ".log.tmp");
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
        fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        segmentErrorf(err, errlen, "create %s: %s", tmp, strerror(errno));
        xfree(tmp);
        return NULL;
    }
    char hdr[SEGMENT_HEADER_SIZE];
    encodeFileHeader(hdr, id);
    if (pwriteFull(fd, hdr, sizeof(hdr), 0) != 0) {
        segmentErrorf(err, errlen, "write %s: %s", tmp, strerror(errno));
        int saved = errno;
        close(fd);
        unlink(tmp);
        xfree(tmp);
        errno = saved;
        return NULL;
    }
    segment *s = segmentNew(dir, id, fd);
    s->tmpPath = tmp;
    s->writable = 1;
    s->headerOk = 1;
    s->size = SEGMENT_HEADER_SIZE;
    return s;
}

/* Gives s its final name; with sync, durably: the file (its header and
 * anything appended) is fsynced before the link and the directory after
 * it. */
static int publish(segment *s, int sync, char *err, size_t errlen) {
    if (s->tmpPath == NULL) return 0;
    if (sync && segmentFsyncFd(s->fd, 0) != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", s->tmpPath, strerror(errno));
        return -1;
    }
    /* link() never replaces an existing segment (rename() would). */
    if (link(s->tmpPath, s->path) != 0) {
        segmentErrorf(err, errlen, "link %s: %s", s->path, strerror(errno));
        return -1;
    }
    if (unlink(s->tmpPath) != 0) {
        segmentErrorf(err, errlen, "unlink %s: %s", s->tmpPath, strerror(errno));
        int saved = errno;
        unlink(s->path);
        errno = saved;
        return -1;
    }
    xfree(s->tmpPath);
    s->tmpPath = NULL;
    return sync ? segmentSyncDir(s->dir, err, errlen) : 0;
}

int segmentPublish(segment *s, char *err, size_t errlen) { return publish(s, 1, err, errlen); }

static segment *create(const char *dir, uint64_t id, int sync, char *err, size_t errlen) {
    segment *s = segmentCreateTemp(dir, id, err, errlen);
    if (s == NULL) return NULL;
    if (publish(s, sync, err, errlen) != 0) {
        int saved = errno;
        if (s->tmpPath) {
            unlink(s->tmpPath);
        } else {
            unlink(s->path); /* published, but not durably */
        }
        segmentClose(s);
        errno = saved;
        return NULL;
    }
    return s;
}

segment *segmentCreate(const char *dir, uint64_t id, char *err, size_t errlen) {
    return create(dir, id, 1, err, errlen);
}

segment *segmentCreateUnsynced(const char *dir, uint64_t id, char *err, size_t errlen) {
    return create(dir, id, 0, err, errlen);
}

segment *segmentOpen(const char *dir, uint64_t id, int flags, char *err,
                     size_t errlen) {
    char *path = segmentPath(dir, id, ".log");
    int write = (flags & SEGMENT_OPEN_WRITE) != 0;
    int fd = open(path, (write ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        segmentErrorf(err, errlen, "open %s: %s", path, strerror(errno));
        xfree(path);
        return NULL;
    }
    xfree(path);
    segment *s = segmentNew(dir, id, fd);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        segmentErrorf(err, errlen, "stat %s: %s", s->path, strerror(errno));
        goto fail;
    }
    s->size = (uint64_t)st.st_size;
    s->writable = write;
    s->sealed = !write;

    char hdr[SEGMENT_HEADER_SIZE];
    const char *why = NULL;
    ssize_t n = preadFull(fd, hdr, sizeof(hdr), 0);
    if (n < 0) {
        segmentErrorf(err, errlen, "read %s: %s", s->path, strerror(errno));
        goto fail;
    }
    if ((size_t)n < sizeof(hdr)) {
        why = "file shorter than the segment header";
    } else {
        why = checkFileHeader(hdr, id);
    }
    if (why == NULL) {
        s->headerOk = 1;
        return s;
    }
    snprintf(s->headerError, sizeof(s->headerError), "%s", why);
    if (flags & SEGMENT_OPEN_ANYHEADER) return s;
    errno = EBADMSG;
    segmentErrorf(err, errlen, "%s: bad segment header: %s", s->path, why);

fail: {
        int saved = errno;
        segmentClose(s);
        errno = saved;
    }
    return NULL;
}

/* Crash reasoning, step by step (recovery.h, "The newest segment", says
 * when the store calls this):
 *   1. pwrite the 32 header bytes at offset 0.  The file ended within the
 *      header area, so afterwards it is exactly the header.  A crash
 *      during the write leaves at most 32 bytes, some old, some new: still
 *      no record, so the next start finds either this same state again
 *      (and redoes it) or a valid header with nothing after it.
 *   2. fsync the file: the header and the new size are durable.
 *   3. fsync the directory.  The file's name may never have been made
 *      durable by whoever created it (a process that died before syncing
 *      the directory): without this, a power failure after the records
 *      appended next were acknowledged could take the whole file with
 *      them.  A crash before it leaves the file as steps 1-2 made it, or
 *      no file: both are states the next start handles, and nothing was
 *      acknowledged yet.
 * Only when all three are done does the store append, so no acknowledged
 * record ever depends on an unfinished step.  Writing in place rather
 * than creating a new file and renaming it over the old one needs no
 * second name and no descriptor swap, and is just as safe here because
 * every intermediate state holds no record. */
int segmentWriteHeader(segment *s, char *err, size_t errlen) {
    if (!s->writable || s->headerOk || s->size > SEGMENT_HEADER_SIZE) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "write the header of %s: only a writable "
                      "segment with a bad header and no bytes after it may "
                      "get a new one", s->path);
        return -1;
    }
    char hdr[SEGMENT_HEADER_SIZE];
    encodeFileHeader(hdr, s->id);
    if (pwriteFull(s->fd, hdr, sizeof(hdr), 0) != 0) {
        segmentErrorf(err, errlen, "write the header of %s: %s", s->path,
                      strerror(errno));
        return -1;
    }
    if (segmentFsyncFd(s->fd, 0) != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", s->path, strerror(errno));
        return -1;
    }
    if (segmentSyncDir(s->dir, err, errlen) != 0) return -1;
    s->headerOk = 1;
    s->headerError[0] = '\0';
    s->size = SEGMENT_HEADER_SIZE;
    return 0;
}

int segmentMap(segment *s, size_t len, char *err, size_t errlen) {
    if (s->map && s->mapLen >= len) return 0;
    if (len == 0) return 0;
    void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, s->fd, 0);
    if (m == MAP_FAILED) {
        segmentErrorf(err, errlen, "mmap %s: %s", s->path, strerror(errno));
        return -1;
    }
    /* Reads through the mapping are random: a fault reads the one page it
     * needs, not the kernel's read-around window (128 KB, 30 times a
     * small record).  Sequential readers (recovery, compaction,
     * verification) use pread on the descriptor and keep readahead.
     * Failing costs only read amplification. */
    (void)madvise(m, len, MADV_RANDOM);
    if (s->map) munmap((void *)s->map, s->mapLen);
    s->map = m;
    s->mapLen = len;
    return 0;
}

void segmentClose(segment *s) {
    if (s == NULL) return;
    if (s->map) munmap((void *)s->map, s->mapLen);
    if (s->fd >= 0) close(s->fd);
    if (s->randomFd >= 0) close(s->randomFd);
    xfree(s->pageIn);
    xfree(s->dir);
    xfree(s->path);
    xfree(s->tmpPath);
    xfree(s);
}

/* ---- Appending --------------------------------------------------------- */

/* Retries a cut-back that failed during an earlier append.  0 or -1. */
static int finishPendingTruncate(segment *s, char *err, size_t errlen) {
    if (!s->truncPending) return 0;
    if (ftruncateRetry(s->fd, s->size) != 0) {
        segmentErrorf(err, errlen, "truncate %s: %s", s->path,
                      strerror(errno));
        return -1;
    }
    s->truncPending = 0;
    return 0;
}

int segmentAppendv(segment *s, const struct iovec *iov, int iovcnt,
                   uint64_t *offset, char *err, size_t errlen) {
    if (!s->writable || s->sealed) {
        errno = EBADF;
        segmentErrorf(err, errlen, "append to %s: segment is read-only",
                      s->path);
        return -1;
    }
    if (iovcnt < 0) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "append to %s: negative iovcnt", s->path);
        return -1;
    }
    if (finishPendingTruncate(s, err, errlen) != 0) return -1;

    uint64_t start = s->size, pos = start;
    struct iovec local[8];
    struct iovec *v = iovcnt <= 8 ? local : xmalloc(sizeof(*v) * (size_t)iovcnt);
    if (iovcnt) memcpy(v, iov, sizeof(*v) * (size_t)iovcnt);
    int idx = 0;
    /* Skip empty pieces up front so "idx < iovcnt" means "bytes remain". */
    while (idx < iovcnt && v[idx].iov_len == 0) idx++;
    while (idx < iovcnt) {
        int cnt = iovcnt - idx;
        if (cnt > IOV_MAX) cnt = IOV_MAX;
        ssize_t n = pwritev(s->fd, v + idx, cnt, (off_t)pos);
        if (n < 0) {
            if (errno == EINTR) continue;
            goto fail;
        }
        if (n == 0) {
            errno = EIO;
            goto fail;
        }
        pos += (uint64_t)n;
        size_t left = (size_t)n;
        while (left) {
            if (left >= v[idx].iov_len) {
                left -= v[idx].iov_len;
                idx++;
            } else {
                v[idx].iov_base = (char *)v[idx].iov_base + left;
                v[idx].iov_len -= left;
                left = 0;
            }
        }
        while (idx < iovcnt && v[idx].iov_len == 0) idx++;
    }
    if (v != local) xfree(v);
    s->size = pos;
    if (offset) *offset = start;
    return 0;

fail: {
        int saved = errno;
        if (v != local) xfree(v);
        /* Cut back even when no call reported progress: a failing write
         * may still have extended the file. */
        if (ftruncateRetry(s->fd, start) != 0) s->truncPending = 1;
        errno = saved;
        segmentErrorf(err, errlen, "append to %s at offset %" PRIu64 ": %s",
                      s->path, start, strerror(saved));
    }
    return -1;
}

int segmentAppendRecord(segment *s, recordHeader *h, const void *key,
                        const void *val, uint64_t *offset, char *err,
                        size_t errlen) {
    char hdr[RECORD_HEADER_SIZE];
    if (recordEncodeHeader(hdr, h, key, val) == 0) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "append to %s: invalid record header",
                      s->path);
        return -1;
    }
    struct iovec iov[3] = {
        {hdr, RECORD_HEADER_SIZE},
        {(void *)key, h->keylen},
        {(void *)val, h->vallen},
    };
    return segmentAppendv(s, iov, 3, offset, err, errlen);
}

/* ---- Reading, syncing, sealing ------------------------------------------ */

int segmentRead(segment *s, uint64_t offset, size_t len, void *buf,
                char *err, size_t errlen) {
    if (offset > s->size || len > s->size - offset) {
        errno = EINVAL;
        segmentErrorf(err, errlen,
                      "read %s: %zu bytes at %" PRIu64 " beyond the end (%" PRIu64
                      ")", s->path, len, offset, s->size);
        return -1;
    }
    ssize_t n = preadFull(s->fd, buf, len, offset);
    if (n < 0) {
        segmentErrorf(err, errlen, "read %s at %" PRIu64 ": %s", s->path,
                      offset, strerror(errno));
        return -1;
    }
    if ((size_t)n < len) {
        errno = EIO;
        segmentErrorf(err, errlen, "read %s at %" PRIu64 ": file is shorter "
                      "than expected", s->path, offset);
        return -1;
    }
    return 0;
}

int segmentSync(segment *s, char *err, size_t errlen) {
    if (segmentFsyncFd(s->fd, 1) != 0) {
        segmentErrorf(err, errlen, "fdatasync %s: %s", s->path,
                      strerror(errno));
        return -1;
    }
    return 0;
}

int segmentSeal(segment *s, char *err, size_t errlen) {
    return segmentSealSync(s, 1, err, errlen);
}

int segmentSealSync(segment *s, int sync, char *err, size_t errlen) {
    if (s->sealed) return 0;
    if (finishPendingTruncate(s, err, errlen) != 0) return -1;
    struct stat st;
    if (fstat(s->fd, &st) != 0) {
        segmentErrorf(err, errlen, "stat %s: %s", s->path, strerror(errno));
        return -1;
    }
    if ((uint64_t)st.st_size != s->size &&
        ftruncateRetry(s->fd, s->size) != 0) {
        segmentErrorf(err, errlen, "truncate %s: %s", s->path,
                      strerror(errno));
        return -1;
    }
    if (sync && segmentFsyncFd(s->fd, 0) != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", s->path, strerror(errno));
        return -1;
    }
    s->sealed = 1;
    s->writable = 0;
    return 0;
}

int segmentTruncate(segment *s, uint64_t size, char *err, size_t errlen) {
    if (!s->writable) {
        errno = EBADF;
        segmentErrorf(err, errlen, "truncate %s: segment is read-only",
                      s->path);
        return -1;
    }
    if (ftruncateRetry(s->fd, size) != 0) {
        segmentErrorf(err, errlen, "truncate %s: %s", s->path,
                      strerror(errno));
        return -1;
    }
    if (segmentFsyncFd(s->fd, 0) != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", s->path, strerror(errno));
        return -1;
    }
    s->size = size;
    s->truncPending = 0;
    return 0;
}

int segmentFileExists(const char *dir, uint64_t id, const char *ext) {
    char *p = segmentPath(dir, id, ext);
    struct stat st;
    int ok = stat(p, &st) == 0;
    xfree(p);
    return ok;
}

int segmentRemoveOrphanHints(const char *dir, char *err, size_t errlen) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        segmentErrorf(err, errlen, "open directory %s: %s", dir, strerror(errno));
        return -1;
    }
    int removed = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        uint64_t id;
        if (!segmentParseFileName(de->d_name, ".hint", &id)) continue;
        if (segmentFileExists(dir, id, ".log")) continue;
        if (unlinkat(dirfd(d), de->d_name, 0) == 0) removed++;
    }
    closedir(d);
    return removed;
}

int segmentRemove(const char *dir, uint64_t id, char *err, size_t errlen) {
    /* The hint goes first: a segment without its hint only costs a scan,
     * a hint without its segment would be litter. */
    const char *exts[2] = {".hint", ".log"};
    for (int i = 0; i < 2; i++) {
        char *p = segmentPath(dir, id, exts[i]);
        if (unlink(p) != 0 && errno != ENOENT) {
            segmentErrorf(err, errlen, "unlink %s: %s", p, strerror(errno));
            xfree(p);
            return -1;
        }
        xfree(p);
    }
    return segmentSyncDir(dir, err, errlen);
}

/* ---- Reader -------------------------------------------------------------- */

void segmentReaderInit(segmentReader *r, int fd, uint64_t limit, size_t chunk) {
    memset(r, 0, sizeof(*r));
    r->fd = fd;
    r->limit = limit;
    r->chunk = chunk ? chunk : SEGMENT_READER_CHUNK;
}

void segmentReaderFree(segmentReader *r) {
    xfree(r->buf);
    r->buf = NULL;
    r->cap = r->len = 0;
}

const char *segmentReaderGet(segmentReader *r, uint64_t off, size_t n) {
    if (off > r->limit || n > r->limit - off) {
        errno = ERANGE;
        return NULL;
    }
    if (off >= r->off && off + n <= r->off + r->len) {
        return r->buf + (off - r->off);
    }
    size_t want = n > r->chunk ? n : r->chunk;
    if (want > r->limit - off) want = (size_t)(r->limit - off);
    if (want > r->cap || r->buf == NULL) {
        size_t cap = want > r->chunk ? want : r->chunk;
        xfree(r->buf);
        r->buf = xmalloc(cap ? cap : 1);
        r->cap = cap;
    }
    r->off = off;
    r->len = 0;
    ssize_t got = preadFull(r->fd, r->buf, want, off);
    if (got < 0) return NULL;
    r->len = (size_t)got;
    if ((size_t)got < n) {
        errno = EIO;
        return NULL;
    }
    return r->buf;
}
