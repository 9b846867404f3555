/* store/hint.c -- hint files (format and guarantees in hint.h). */
#include "store/hint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"

#define HINT_WRITE_BUFFER (64 * 1024)

/* ---- Writing ---------------------------------------------------------------- */

struct hintWriter {
    int fd;
    char *dir;
    char *tmpPath;
    char *path;
    uint64_t segId;
    uint64_t count;
    uint64_t lastOffset;    /* entries must come in file order */
    uint32_t crc;           /* over every byte written so far */
    char *buf;
    size_t buflen;
    int failed;
};

/* Writes the buffered bytes.  0 or -1. */
static int hwFlush(hintWriter *w, char *err, size_t errlen) {
    size_t done = 0;
    while (done < w->buflen) {
        ssize_t n = write(w->fd, w->buf + done, w->buflen - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            segmentErrorf(err, errlen, "write %s: %s", w->tmpPath,
                          strerror(errno));
            w->failed = 1;
            return -1;
        }
        if (n == 0) {
            errno = EIO;
            segmentErrorf(err, errlen, "write %s: no progress", w->tmpPath);
            w->failed = 1;
            return -1;
        }
        done += (size_t)n;
    }
    w->buflen = 0;
    return 0;
}

/* Appends bytes (checksummed) through the buffer.  0 or -1. */
static int hwPut(hintWriter *w, const void *data, size_t len, char *err,
                 size_t errlen) {
    const char *p = data;
    w->crc = crc32cUpdate(w->crc, p, len);
    while (len) {
        if (w->buflen == HINT_WRITE_BUFFER && hwFlush(w, err, errlen) != 0) {
            return -1;
        }
        size_t n = HINT_WRITE_BUFFER - w->buflen;
        if (n > len) n = len;
        memcpy(w->buf + w->buflen, p, n);
        w->buflen += n;
        p += n;
        len -= n;
    }
    return 0;
}

static void hwFree(hintWriter *w) {
    if (w->fd >= 0) close(w->fd);
    xfree(w->dir);
    xfree(w->tmpPath);
    xfree(w->path);
    xfree(w->buf);
    xfree(w);
}

hintWriter *hintWriterOpen(const char *dir, uint64_t segId, char *err,
                           size_t errlen) {
    hintWriter *w = xcalloc(1, sizeof(*w));
    w->dir = xstrdup(dir);
    w->tmpPath = segmentPath(dir, segId, ".hint.tmp");
    w->path = segmentPath(dir, segId, ".hint");
    w->segId = segId;
    w->buf = xmalloc(HINT_WRITE_BUFFER);
    w->fd = open(w->tmpPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        segmentErrorf(err, errlen, "create %s: %s", w->tmpPath,
                      strerror(errno));
        int saved = errno;
        hwFree(w);
        errno = saved;
        return NULL;
    }
    char hdr[HINT_HEADER_SIZE];
    memset(hdr, 0, sizeof(hdr));
    memcpy(hdr, HINT_MAGIC, 8);
    recordPutU32(hdr + 8, HINT_VERSION);
    recordPutU64(hdr + 16, segId);
    hwPut(w, hdr, sizeof(hdr), err, errlen); /* buffered: cannot fail */
    return w;
}

int hintWriterAdd(hintWriter *w, uint64_t offset, const recordHeader *h,
                  const char *key, char *err, size_t errlen) {
    if (w->failed) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: writer already failed", w->tmpPath);
        return -1;
    }
    if (!recordIsDataType(h->type) || recordCheckHeader(h, 0) != NULL ||
        offset < SEGMENT_HEADER_SIZE || (w->count && offset <= w->lastOffset)) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: invalid hint entry at offset %" PRIu64,
                      w->tmpPath, offset);
        w->failed = 1;
        return -1;
    }
    char e[HINT_ENTRY_SIZE];
    e[0] = (char)h->type;
    e[1] = (char)h->flags;
    recordPutU16(e + 2, h->db);
    recordPutU32(e + 4, h->keylen);
    recordPutU32(e + 8, h->vallen);
    recordPutU64(e + 12, offset);
    recordPutU64(e + 20, (uint64_t)h->expireAt);
    recordPutU64(e + 28, h->seq);
    if (hwPut(w, e, sizeof(e), err, errlen) != 0) return -1;
    if (hwPut(w, key, h->keylen, err, errlen) != 0) return -1;
    w->count++;
    w->lastOffset = offset;
    return 0;
}

void hintWriterAbort(hintWriter *w) {
    if (w == NULL) return;
    int saved = errno;
    unlink(w->tmpPath);
    hwFree(w);
    errno = saved;
}

int hintWriterCommit(hintWriter *w, uint64_t segSize, uint64_t maxSeq,
                     int64_t maxTimestamp, char *err, size_t errlen) {
    if (w->failed) {
        errno = EINVAL;
        segmentErrorf(err, errlen, "%s: writer already failed", w->tmpPath);
        hintWriterAbort(w);
        return -1;
    }
    char t[HINT_TRAILER_SIZE];
    recordPutU64(t, w->count);
    recordPutU64(t + 8, segSize);
    recordPutU64(t + 16, maxSeq);
    recordPutU64(t + 24, (uint64_t)maxTimestamp);
    memcpy(t + 32, HINT_END_MAGIC, 8);
    if (hwPut(w, t, 40, err, errlen) != 0) goto fail;
    recordPutU32(t + 40, w->crc);
    if (hwPut(w, t + 40, 4, err, errlen) != 0) goto fail;
    if (hwFlush(w, err, errlen) != 0) goto fail;
    int rc;
    do {
        rc = fsync(w->fd);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", w->tmpPath,
                      strerror(errno));
        goto fail;
    }
    if (rename(w->tmpPath, w->path) != 0) {
        segmentErrorf(err, errlen, "rename %s: %s", w->tmpPath,
                      strerror(errno));
        goto fail;
    }
    if (segmentSyncDir(w->dir, err, errlen) != 0) {
        /* The hint is complete and valid; only its durability is unsure.
         * Report the error but keep the file. */
        int saved = errno;
        hwFree(w);
        errno = saved;
        return -1;
    }
    hwFree(w);
    return 0;

fail:
    hintWriterAbort(w);
    return -1;
}

/* ---- Writing from a scan -------------------------------------------------- */

typedef struct scanToHint {
    hintWriter *w;
    char *err;
    size_t errlen;
} scanToHint;

static int addFromScan(void *ctx, const recoveryItem *it) {
    scanToHint *s = ctx;
    return hintWriterAdd(s->w, it->offset, &it->hdr, it->key, s->err,
                         s->errlen) == 0 ? 0 : 1;
}

int hintWriteForSegment(segment *seg, const recoveryOptions *opts, char *err,
                        size_t errlen) {
    recoveryOptions o;
    memset(&o, 0, sizeof(o));
    if (opts) o = *opts;
    o.active = 0;
    o.dryRun = 0;
    hintWriter *w = hintWriterOpen(seg->dir, seg->id, err, errlen);
    if (w == NULL) return -1;
    scanToHint ctx = {w, err, errlen};
    recoveryResult res;
    recoveryResultInit(&res);
    char scanErr[256] = "";
    int rc = recoveryScan(seg, &o, addFromScan, &ctx, &res, scanErr,
                          sizeof(scanErr));
    if (rc != 0) {
        int saved = errno;
        /* A callback stop means hintWriterAdd already filled err. */
        if (saved != ECANCELED) segmentErrorf(err, errlen, "%s", scanErr);
        recoveryResultFree(&res);
        hintWriterAbort(w);
        errno = saved;
        return -1;
    }
    if (res.damageTotal || res.batchesDropped) {
        errno = EBADMSG;
        segmentErrorf(err, errlen, "%s has damaged data (%" PRIu64
                      " regions); no hint written", seg->path,
                      res.damageTotal);
        recoveryResultFree(&res);
        hintWriterAbort(w);
        return -1;
    }
    uint64_t maxSeq = res.maxSeq;
    int64_t maxTs = res.maxTimestamp;
    recoveryResultFree(&res);
    return hintWriterCommit(w, seg->size, maxSeq, maxTs, err, errlen);
}

/* ---- Loading ---------------------------------------------------------------- */

typedef struct hintTrailer {
    uint64_t count;
    uint64_t segSize;
    uint64_t maxSeq;
    int64_t maxTimestamp;
    uint32_t crc;
} hintTrailer;

/* Parse results. */
#define PARSE_OK 0
#define PARSE_IOERR 1
#define PARSE_INVALID 2
#define PARSE_STOPPED 3

/* Walks the entries in [HINT_HEADER_SIZE, fileSize - HINT_TRAILER_SIZE).
 * Pass 1 (cb NULL) validates every entry and checks the file checksum;
 * pass 2 delivers.  *why gets the reason for PARSE_INVALID. */
static int parseEntries(segmentReader *rd, uint64_t fileSize,
                        const hintTrailer *tr, segment *seg,
                        recoveryCallback cb, void *ctx, const char **why) {
    uint64_t end = fileSize - HINT_TRAILER_SIZE;
    uint64_t pos = HINT_HEADER_SIZE, count = 0, lastOffset = 0;
    uint32_t crc = 0;
    if (cb == NULL) {
        const char *h = segmentReaderGet(rd, 0, HINT_HEADER_SIZE);
        if (h == NULL) return PARSE_IOERR;
        crc = crc32c(h, HINT_HEADER_SIZE);
    }
    while (pos < end) {
        if (end - pos < HINT_ENTRY_SIZE) {
            *why = "truncated entry";
            return PARSE_INVALID;
        }
        const char *e = segmentReaderGet(rd, pos, HINT_ENTRY_SIZE);
        if (e == NULL) return PARSE_IOERR;
        recordHeader h;
        memset(&h, 0, sizeof(h));
        h.type = (uint8_t)e[0];
        h.flags = (uint8_t)e[1];
        h.db = recordGetU16(e + 2);
        h.keylen = recordGetU32(e + 4);
        h.vallen = recordGetU32(e + 8);
        uint64_t offset = recordGetU64(e + 12);
        h.expireAt = (int64_t)recordGetU64(e + 20);
        h.seq = recordGetU64(e + 28);
        uint64_t elen = HINT_ENTRY_SIZE + (uint64_t)h.keylen;
        if (elen > end - pos) {
            *why = "entry key runs past the end of the entries";
            return PARSE_INVALID;
        }
        if (!recordIsDataType(h.type) || recordCheckHeader(&h, 0) != NULL) {
            *why = "invalid entry";
            return PARSE_INVALID;
        }
        if (offset < SEGMENT_HEADER_SIZE ||
            offset > tr->segSize ||
            recordEncodedSize(h.keylen, h.vallen) > tr->segSize - offset ||
            (count && offset <= lastOffset)) {
            *why = "entry offset outside the segment or out of order";
            return PARSE_INVALID;
        }
        e = segmentReaderGet(rd, pos, (size_t)elen);
        if (e == NULL) return PARSE_IOERR;
        if (cb == NULL) {
            crc = crc32cUpdate(crc, e, (size_t)elen);
        } else {
            recoveryItem it;
            it.segId = seg->id;
            it.offset = offset;
            it.hdr = h;
            it.key = e + HINT_ENTRY_SIZE;
            it.fromHint = 1;
            if (cb(ctx, &it) != 0) return PARSE_STOPPED;
        }
        lastOffset = offset;
        count++;
        pos += elen;
    }
    if (count != tr->count) {
        *why = "entry count differs from the trailer";
        return PARSE_INVALID;
    }
    if (cb == NULL) {
        const char *t = segmentReaderGet(rd, end, HINT_TRAILER_SIZE - 4);
        if (t == NULL) return PARSE_IOERR;
        crc = crc32cUpdate(crc, t, HINT_TRAILER_SIZE - 4);
        if (crc != tr->crc) {
            *why = "checksum mismatch";
            return PARSE_INVALID;
        }
    }
    return PARSE_OK;
}

int hintLoad(segment *seg, const recoveryOptions *opts, recoveryCallback cb,
             void *ctx, recoveryResult *res, char *err, size_t errlen) {
    char *path = segmentPath(seg->dir, seg->id, ".hint");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int missing = errno == ENOENT;
        segmentErrorf(err, errlen, "open %s: %s", path, strerror(errno));
        xfree(path);
        return missing ? HINT_MISSING : HINT_INVALID;
    }
    int ret = HINT_INVALID;
    const char *why = NULL;
    segmentReader rd;
    segmentReaderInit(&rd, fd, 0, opts ? opts->bufferSize : 0);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        segmentErrorf(err, errlen, "stat %s: %s", path, strerror(errno));
        goto out;
    }
    uint64_t size = (uint64_t)st.st_size;
    rd.limit = size;
    if (size < HINT_HEADER_SIZE + HINT_TRAILER_SIZE) {
        why = "file too short";
        goto invalid;
    }
    const char *h = segmentReaderGet(&rd, 0, HINT_HEADER_SIZE);
    if (h == NULL) goto ioerr;
    if (memcmp(h, HINT_MAGIC, 8) != 0 ||
        recordGetU32(h + 8) != HINT_VERSION || recordGetU64(h + 16) != seg->id) {
        why = "bad header";
        goto invalid;
    }
    const char *t = segmentReaderGet(&rd, size - HINT_TRAILER_SIZE,
                                     HINT_TRAILER_SIZE);
    if (t == NULL) goto ioerr;
    if (memcmp(t + 32, HINT_END_MAGIC, 8) != 0) {
        why = "bad trailer";
        goto invalid;
    }
    hintTrailer tr;
    tr.count = recordGetU64(t);
    tr.segSize = recordGetU64(t + 8);
    tr.maxSeq = recordGetU64(t + 16);
    tr.maxTimestamp = (int64_t)recordGetU64(t + 24);
    tr.crc = recordGetU32(t + 40);
    if (tr.segSize != seg->size) {
        why = "stale: the segment's size differs from the hint's";
        goto invalid;
    }

    int rc = parseEntries(&rd, size, &tr, seg, NULL, NULL, &why);
    if (rc == PARSE_IOERR) goto ioerr;
    if (rc == PARSE_INVALID) goto invalid;

    /* Valid: deliver.  From here on a failure cannot fall back to a scan. */
    if (cb != NULL) rc = parseEntries(&rd, size, &tr, seg, cb, ctx, &why);
    if (rc != PARSE_OK) {
        if (rc == PARSE_STOPPED) errno = ECANCELED;
        else if (rc == PARSE_INVALID) errno = EIO; /* file changed under us */
        segmentErrorf(err, errlen, "load %s: %s", path,
                      rc == PARSE_STOPPED ? "stopped by the caller"
                                          : "read failed after delivery began");
        ret = HINT_FAILED;
        goto out;
    }
    res->recordsApplied += tr.count;
    res->segmentsFromHints++;
    if (tr.maxSeq > res->maxSeq) res->maxSeq = tr.maxSeq;
    if (tr.maxTimestamp > res->maxTimestamp) res->maxTimestamp = tr.maxTimestamp;
    ret = HINT_OK;
    goto out;

ioerr:
    segmentErrorf(err, errlen, "read %s: %s", path,
                  errno == ERANGE ? "unexpected end of file" : strerror(errno));
    ret = HINT_INVALID;
    goto out;
invalid:
    errno = EBADMSG;
    segmentErrorf(err, errlen, "%s: %s", path, why);
    ret = HINT_INVALID;
out:
    {
        int saved = errno;
        segmentReaderFree(&rd);
        close(fd);
        xfree(path);
        errno = saved;
    }
    return ret;
}

int hintLoadOrScan(segment *seg, const recoveryOptions *opts,
                   recoveryCallback cb, void *ctx, recoveryResult *res,
                   char *err, size_t errlen) {
    if (opts == NULL || !opts->active) {
        char herr[256] = "";
        int rc = hintLoad(seg, opts, cb, ctx, res, herr, sizeof(herr));
        if (rc == HINT_OK) return 0;
        if (rc == HINT_FAILED) {
            segmentErrorf(err, errlen, "%s", herr);
            return -1;
        }
        if (rc == HINT_INVALID && opts && opts->log) {
            char msg[400];
            snprintf(msg, sizeof(msg),
                     "Hint file unusable (%s); scanning %s instead", herr,
                     seg->path);
            opts->log(RECOVERY_LOG_WARNING, msg);
        }
    }
    return recoveryScan(seg, opts, cb, ctx, res, err, errlen);
}
