/* store/store_read.c -- reading values: through a read-only mapping of the
 * segment file (no system call per read), or with preadv when a segment
 * is not mapped.  No byte of a record is served before the record's whole
 * checksum has passed: a small record's on every read, a large record's
 * on its first read through the mapping in this process (verifyRecordOnce).
 * Damage that appears on disk after that first read, behind the page
 * cache, is not looked for again until the next start.
 *
 * A mapped read of a file whose pages cannot be read (an I/O error, or a
 * file cut short behind the server's back) raises SIGBUS instead of
 * returning EIO; the handler installed here turns that into a failed read
 * of that record (the segment falls back to preadv), so a bad disk gives
 * an error reply, not a crash.  Any other SIGBUS goes to the handler that
 * was installed before. */
#include "store/store_internal.h"

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "store/record.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_UNMAPPED 1 /* readMapped: no mapping covers it, use preadv */

/* ------------------------------------------------------- SIGBUS guard */

static struct sigaction previousBusAction;
static int busHandlerInstalled;
static __thread sigjmp_buf *mappedReadJump;

static void busHandler(int sig, siginfo_t *info, void *uctx) {
    if (mappedReadJump) siglongjmp(*mappedReadJump, 1);
    if (previousBusAction.sa_flags & SA_SIGINFO) {
        previousBusAction.sa_sigaction(sig, info, uctx);
        return;
    }
    if (previousBusAction.sa_handler != SIG_IGN && previousBusAction.sa_handler != SIG_DFL) {
        previousBusAction.sa_handler(sig);
        return;
    }
    signal(SIGBUS, SIG_DFL);
    raise(SIGBUS);
}

/* Installs the guard once per process (before the first mapping). */
void storeInstallBusHandler(void) {
    if (busHandlerInstalled) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = busHandler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER; /* a siglongjmp leaves it unblocked */
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, &previousBusAction) == 0) busHandlerInstalled = 1;
}

/* Maps seg for reads of up to len bytes (a no-op without the guard, or
 * when it is mapped that far already).  A failure only costs speed. */
void storeMapSegment(store *s, segment *seg, uint64_t len) {
    char err[256];
    if (!busHandlerInstalled || len > SIZE_MAX) return;
    if (segmentMap(seg, (size_t)len, err, sizeof(err)) < 0)
        storeLogf(s, STORE_LOG_NOTICE, "Reading segment %llu with pread: %s",
                  (unsigned long long)seg->id, err);
    storeColdTrack(seg);
}

static uint64_t activeMapLen(store *s) {
    uint64_t size = segmentSize(storeActive(s));
    return size > s->segmentSize ? size : s->segmentSize;
}

void storeMapAll(store *s) {
    storeInstallBusHandler();
    for (size_t i = 0; i + 1 < s->nsegs; i++) storeMapSegment(s, s->segs[i], segmentSize(s->segs[i]));
    storeMapSegment(s, storeActive(s), activeMapLen(s));
}

/* --------------------------------------------------------------- reads */

/* Records at least this long have their whole checksum checked on the
 * first read only.  A read of a few bytes of a large value (GETBIT or
 * GETRANGE on a 1 MB bitmap) would otherwise cost a checksum of all of
 * it: about 100 us, ten times what the command itself takes; a 12 KB
 * dense HyperLogLog costs 1.5 us, as much as the rest of a PFCOUNT.
 * Shorter records are checked on every read: a few hundred nanoseconds,
 * no more than the lookup here, and in one pass over the record: the
 * whole checksum covers the header as well (recordVerifyWhole).  A large
 * record's header, which has its own checksum, is checked on every read. */
#define STORE_VERIFY_ONCE_MIN (4 * 1024)

static storeVerified *verifiedSlot(store *s, const segment *seg, uint32_t offset) {
    uint64_t h = (seg->serial * UINT64_C(0x9E3779B97F4A7C15)) ^ offset;
    return &s->verified[(h ^ (h >> 29)) % STORE_VERIFIED_SLOTS];
}

/* 1 when the record (whose header h was checked) needs no checksum pass:
 * a large record this read path has already verified.  Otherwise runs the
 * check and remembers a large record that passed it. */
static int verifyRecordOnce(store *s, const segment *seg, uint32_t offset,
                            const recordHeader *h, const char *rec, uint64_t recLen) {
    if (recLen < STORE_VERIFY_ONCE_MIN) return recordVerify(h, rec);
    storeVerified *v = verifiedSlot(s, seg, offset);
    if (v->serial == seg->serial && v->offset == offset && v->seq == h->seq) return 1;
    if (!recordVerify(h, rec)) return 0;
    v->serial = seg->serial;
    v->offset = offset;
    v->seq = h->seq;
    return 1;
}

/* The record at loc, read through seg's mapping: checks the header and
 * the checksum in place (a large record's checksum once, see
 * verifyRecordOnce), then copies value bytes [offset, offset + len).
 * READ_UNMAPPED when the mapping does not cover the record. */
static int readMapped(store *s, segment *seg, const keydirLoc *loc, size_t klen,
                      size_t offset, size_t len, void *buf) {
    uint64_t recLen = recordEncodedSize(klen, loc->valueLen);
    if (!seg->map || (uint64_t)loc->offset + recLen > seg->mapLen) return READ_UNMAPPED;
    const char *rec = seg->map + loc->offset;
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0)) {
        mappedReadJump = NULL;
        snprintf(s->lastError, sizeof(s->lastError), "%s: read at offset %u: I/O error",
                 seg->path, loc->offset);
        storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
        return STORE_ERR_READ;
    }
    mappedReadJump = &jump;
    recordHeader h;
    int ok;
    if (recLen < STORE_VERIFY_ONCE_MIN) /* one checksum pass: it covers the header too */
        ok = recordVerifyWhole(rec, recLen, klen, loc->valueLen);
    else
        ok = recordDecodeHeader(rec, recLen, 0, &h, NULL) == RECORD_OK && h.keylen == klen &&
             h.vallen == loc->valueLen && verifyRecordOnce(s, seg, loc->offset, &h, rec, recLen);
    if (ok) memcpy(buf, rec + RECORD_HEADER_SIZE + klen + offset, len);
    mappedReadJump = NULL;
    if (ok) return STORE_OK;
    snprintf(s->lastError, sizeof(s->lastError), "%s: bad checksum at offset %u", seg->path,
             loc->offset);
    storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
    return STORE_ERR_READ;
}

/* preadv of the whole iovec at off, retrying after short reads. */
static int preadvFull(int fd, struct iovec *iov, int iovcnt, uint64_t off) {
    while (iovcnt > 0) {
        ssize_t n = preadv(fd, iov, iovcnt, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        off += (uint64_t)n;
        while (iovcnt > 0 && (size_t)n >= iov->iov_len) {
            n -= (ssize_t)iov->iov_len;
            iov++;
            iovcnt--;
        }
        if (iovcnt > 0) {
            iov->iov_base = (char *)iov->iov_base + n;
            iov->iov_len -= (size_t)n;
        }
    }
    return 0;
}

/* The common read, a whole value: header and key go to a scratch buffer
 * and the value straight into the caller's buffer (one preadv, no copy),
 * and the record checksum is computed over the pieces. */
static int readWholeValue(store *s, segment *seg, const keydirLoc *loc, size_t klen, void *buf) {
    char small[512];
    size_t hklen = RECORD_HEADER_SIZE + klen;
    char *hk = hklen <= sizeof(small) ? small : xmalloc(hklen);
    struct iovec iov[2] = {{hk, hklen}, {buf, loc->valueLen}};
    recordHeader h;
    int rc = STORE_ERR_READ;
    if (preadvFull(seg->fd, iov, loc->valueLen ? 2 : 1, loc->offset) < 0) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: read at offset %u: %s", seg->path,
                 loc->offset, strerror(errno ? errno : EIO));
    } else if (recordDecodeHeader(hk, hklen, 0, &h, NULL) != RECORD_OK || h.keylen != klen ||
               h.vallen != loc->valueLen ||
               crc32cUpdate(crc32cUpdate(recordCrcBegin(hk), hk + RECORD_HEADER_SIZE, klen), buf,
                            loc->valueLen) != h.crc) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad checksum at offset %u", seg->path,
                 loc->offset);
        storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
    } else {
        rc = STORE_OK;
    }
    if (hk != small) xfree(hk);
    return rc;
}

/* Reads value bytes [offset, offset + len) of the record at loc (klen:
 * its key field's length; loc->valueLen: its value's): through the
 * segment's mapping when it has one, else from the file, or, for a record
 * not yet flushed, from the pending buffer.  The whole record's
 * checksum is verified first, so damage that a hint file could not show
 * is reported, never served as data. */
static int readRecordRange(store *s, const keydirLoc *loc, size_t klen, size_t offset,
                           size_t len, void *buf) {
    segment *seg = storeSegmentById(s, loc->segment);
    if (!seg) return STORE_ERR_READ;
    uint64_t valueAt = (uint64_t)loc->offset + RECORD_HEADER_SIZE + klen;
    if (storeIsPending(s, seg, loc->offset)) {
        memcpy(buf, s->pendBuf + (valueAt + offset - s->pendBase), len);
        return STORE_OK;
    }
    int rc = readMapped(s, seg, loc, klen, offset, len, buf);
    if (rc != READ_UNMAPPED) return rc;
    if (offset == 0 && len == loc->valueLen) return readWholeValue(s, seg, loc, klen, buf);
    size_t recLen = (size_t)recordEncodedSize(klen, loc->valueLen);
    char *rec = xmalloc(recLen);
    recordHeader h;
    rc = STORE_ERR_READ;
    struct iovec iov = {rec, recLen};
    if (preadvFull(seg->fd, &iov, 1, loc->offset) < 0) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: read at offset %u: %s", seg->path,
                 loc->offset, strerror(errno ? errno : EIO));
    } else if (recordDecodeHeader(rec, recLen, 0, &h, NULL) != RECORD_OK ||
               h.keylen != klen || h.vallen != loc->valueLen || !recordVerify(&h, rec)) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad checksum at offset %u", seg->path,
                 loc->offset);
        storeLogf(s, STORE_LOG_WARNING, "Damaged record not served: %s", s->lastError);
    } else {
        memcpy(buf, rec + RECORD_HEADER_SIZE + klen + offset, len);
        rc = STORE_OK;
    }
    xfree(rec);
    return rc;
}

/* The newest patch of c that overlaps [offset, end), if it covers all of
 * it (then no other record matters), else NULL.  The common case for the
 * bit commands: they read and patch the same few bytes again and again,
 * and this keeps such a read at one record however long the chain is. */
static const keydirChainRec *coveringPatch(const keydirChain *c, size_t offset, size_t end) {
    for (uint32_t i = c->n - 1; i >= 1; i--) {
        const keydirChainRec *r = &c->rec[i];
        size_t rEnd = (size_t)r->at + r->len;
        if (r->at >= end || rEnd <= offset) continue;
        return r->at <= offset && rEnd >= end ? r : NULL;
    }
    return NULL;
}

/* A patched key's bytes [offset, offset + len): the base SET's part of
 * the range, zeros past its end, then each patch in order over the part
 * it covers.  Only the records that overlap the range are read. */
static int readChain(store *s, const keydirChain *c, size_t klen, size_t offset, size_t len,
                     char *buf) {
    size_t end = offset + len;
    const keydirChainRec *top = coveringPatch(c, offset, end);
    if (top) {
        keydirLoc loc = {top->segment, top->offset, top->len};
        return readRecordRange(s, &loc, klen + RECORD_PATCH_HEADER_SIZE, offset - top->at, len,
                               buf);
    }
    const keydirChainRec *b = &c->rec[0];
    size_t baseEnd = end < b->len ? end : b->len;
    if (offset < baseEnd) {
        keydirLoc loc = {b->segment, b->offset, b->len};
        int rc = readRecordRange(s, &loc, klen, offset, baseEnd - offset, buf);
        if (rc != STORE_OK) return rc;
    }
    size_t zeroFrom = offset > b->len ? offset : b->len;
    if (zeroFrom < end) memset(buf + (zeroFrom - offset), 0, end - zeroFrom);
    for (uint32_t i = 1; i < c->n; i++) {
        const keydirChainRec *r = &c->rec[i];
        size_t lo = offset > r->at ? offset : r->at;
        size_t hi = end < (size_t)r->at + r->len ? end : (size_t)r->at + r->len;
        if (lo >= hi) continue;
        keydirLoc loc = {r->segment, r->offset, r->len};
        int rc = readRecordRange(s, &loc, klen + RECORD_PATCH_HEADER_SIZE, lo - r->at, hi - lo,
                                 buf + (lo - offset));
        if (rc != STORE_OK) return rc;
    }
    return STORE_OK;
}

/* Reads len bytes of e's value from offset (readRecordRange for a plain
 * key, readChain for a patched one). */
int storeReadValue(store *s, const keydirEntry *e, size_t offset, size_t len, void *buf) {
    keydirLoc loc;
    size_t klen;
    keydirEntryLoc(e, &loc);
    keydirEntryKey(e, &klen);
    if (offset + len > loc.valueLen) return STORE_ERR_READ;
    const keydirChain *c = keydirEntryChain(e);
    if (c) return readChain(s, c, klen, offset, len, buf);
    return readRecordRange(s, &loc, klen, offset, len, buf);
}

int storeReadRecordValue(store *s, uint32_t segment, uint32_t offset, size_t klen,
                         uint32_t vlen, void *buf) {
    keydirLoc rec = {segment, offset, vlen};
    return readRecordRange(s, &rec, klen, 0, vlen, buf);
}

int storeReadElementValue(store *s, const collLoc *loc, size_t klen, size_t nlen, void *buf) {
    keydirLoc rec = {loc->segment, loc->offset, loc->valueLen};
    return readRecordRange(s, &rec, RECORD_ELEMENT_HEADER_SIZE + klen + nlen, 0, loc->valueLen,
                           buf);
}

/* The wall-clock time e's record was written at (its header timestamp),
 * from the pending buffer or from the file.  Only the header is read, and
 * it is trusted only when its own checksum (hcrc) matches. */
int storeEntryWriteTime(store *s, const keydirEntry *e, int64_t *ms) {
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    segment *seg = storeSegmentById(s, loc.segment);
    if (!seg) return STORE_ERR_READ;
    char hdr[RECORD_HEADER_SIZE];
    if (storeIsPending(s, seg, loc.offset)) {
        memcpy(hdr, s->pendBuf + (loc.offset - s->pendBase), sizeof(hdr));
    } else {
        struct iovec iov = {hdr, sizeof(hdr)};
        if (preadvFull(seg->fd, &iov, 1, loc.offset) < 0) {
            snprintf(s->lastError, sizeof(s->lastError), "%s: read at offset %u: %s", seg->path,
                     loc.offset, strerror(errno ? errno : EIO));
            return STORE_ERR_READ;
        }
    }
    recordHeader h;
    if (recordDecodeHeader(hdr, sizeof(hdr), 0, &h, NULL) != RECORD_OK) {
        snprintf(s->lastError, sizeof(s->lastError), "%s: bad header checksum at offset %u",
                 seg->path, loc.offset);
        return STORE_ERR_READ;
    }
    *ms = h.timestamp;
    return STORE_OK;
}

/* The whole value of a key, in a new buffer (NUL-terminated, xfree it). */
int storeGet(store *s, int db, const void *key, size_t klen, char **value, size_t *vlen) {
    db = s->dbMap[db];
    keydirEntry *e = keydirLookup(s->kd[db], key, klen);
    if (!e) return STORE_MISSING;
    if (keydirEntryCollection(e)) return STORE_WRONGTYPE;
    keydirLoc loc;
    keydirEntryLoc(e, &loc);
    char *buf = xmalloc((size_t)loc.valueLen + 1);
    int rc = storeReadValue(s, e, 0, loc.valueLen, buf);
    if (rc != STORE_OK) {
        xfree(buf);
        return rc;
    }
    buf[loc.valueLen] = '\0';
    *value = buf;
    *vlen = loc.valueLen;
    return STORE_OK;
}

