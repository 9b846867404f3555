/* store/segment.h -- segment files: the numbered, append-only files of the
 * log.
 *
 * A data directory holds segment files named seg-NNNNNNNN.log, the id in
 * decimal, zero padded to at least 8 digits (so names sort like ids up to
 * 99,999,999; listings sort numerically anyway).  Exactly one segment, the
 * highest id, is ACTIVE (appended to); all others are SEALED and never
 * change again (except for being deleted after compaction).
 *
 * File layout (little-endian; the contract, like record.h):
 *
 *   offset size field
 *      0     8  magic "RKVSEG1\n"
 *      8     4  version (1)
 *     12     4  header size (32) -- records start here
 *     16     8  segment id (must match the file name)
 *     24     4  reserved, 0
 *     28     4  crc32c of bytes [0, 28)
 *     32    ..  records (record.h), back to back, no padding
 *
 * Invariants kept by this module:
 *   - a segment file it creates always has a complete header:
 *     segmentCreate writes it to seg-N.log.tmp, fsyncs, then link()s it
 *     into place (never replacing an existing file) and fsyncs the
 *     directory, so no crash leaves seg-N.log without its header.
 *     segmentCreateUnsynced does the same without the two fsyncs (for a
 *     rotation on the event loop: the store has them done by its
 *     background thread, or by the next group commit): a process crash
 *     still never leaves the name without the header, a power failure
 *     before those fsyncs may.  A file found without one (made by another
 *     program, an unsynced create cut by a power failure, or a file
 *     system that lost its blocks) holds no record when it ends within
 *     the header area; recovery (recovery.h, "The newest segment") gives
 *     such a newest segment its header with segmentWriteHeader before
 *     anything is appended, and never appends to a file whose header is
 *     bad and that holds bytes after it;
 *   - seg->size is the logical end of the file (header + complete records);
 *     segmentAppendv writes exactly there and, when a write fails part way,
 *     cuts the file back to where it started, so the file never keeps a
 *     partial record of a failed append;
 *   - a sealed segment (segmentSeal, or opened without SEGMENT_OPEN_WRITE)
 *     refuses appends.
 *
 * Errors: functions return -1 (or NULL) with errno set and, when err is
 * not NULL, a message "what path: reason" in err[0..errlen).  Nothing is
 * logged.
 *
 * Threads: segmentSync touches only the file descriptor, so a background
 * thread may call it while the owning thread appends.  Everything else
 * (append, read -- which checks seg->size --, seal, truncate, close) belongs
 * to one thread at a time. */
#ifndef REDIS_KV_SEGMENT_H
#define REDIS_KV_SEGMENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "store/record.h"

#define SEGMENT_MAGIC "RKVSEG1\n"
#define SEGMENT_MAGIC_LEN 8
#define SEGMENT_VERSION 1
#define SEGMENT_HEADER_SIZE 32

/* segmentOpen flags. */
#define SEGMENT_OPEN_READ 0      /* sealed segment, read-only */
#define SEGMENT_OPEN_WRITE 1     /* the active segment: read + append */
#define SEGMENT_OPEN_ANYHEADER 2 /* do not fail on a bad file header
                                    (recovery reports it): headerOk = 0 */

typedef struct segment {
    uint64_t id;
    uint64_t serial;    /* unique per process for each segment struct ever
                           made: a new struct for a reused id or address
                           never matches what was known of an older one */
    int fd;
    int writable;       /* opened with SEGMENT_OPEN_WRITE and not sealed */
    int sealed;         /* no appends, ever again */
    int headerOk;       /* the file header was read and is valid */
    int truncPending;   /* a failed append could not be cut back yet */
    uint64_t size;      /* logical end of the file (see invariants) */
    char *dir;          /* owned copies */
    char *path;         /* the final name, even while tmpPath is set */
    char *tmpPath;      /* segmentCreateTemp: the name until published */
    uint64_t liveBytes; /* the store's accounting: bytes of records the
                           key directory points at (owner thread only) */
    const char *map;    /* segmentMap: the file mapped read-only, or NULL */
    size_t mapLen;      /* mapped bytes; only [0, size) may be read */
    uint8_t *pageIn;    /* residency.h: per page of the mapping, 1 when it
                           was last seen in memory (owner thread only) */
    size_t pageInLen;   /* entries of pageIn */
    int randomFd;       /* residency.h: the file opened again for cold
                           reads (no readahead), -1 until first needed */
    char headerError[96]; /* why headerOk is 0 */
} segment;

/* Formats "msg" into err (if not NULL) keeping errno unchanged.  Shared by
 * the store's files for their error buffers. */
void segmentErrorf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "dir/seg-NNNNNNNN<ext>" (ext e.g. ".log", ".hint"), newly allocated;
 * free with xfree(). */
char *segmentPath(const char *dir, uint64_t id, const char *ext);

/* The inverse of segmentPath's file name: parses "seg-<id><ext>" (only the
 * canonical spelling).  1 with *id set, or 0. */
int segmentParseFileName(const char *name, const char *ext, uint64_t *id);

/* Lists the segment ids in dir, sorted ascending, into a new array *ids
 * (free with xfree(); NULL when *count is 0).  Only canonical names
 * ("seg-" + the id as printed with at least 8 digits + ".log") count;
 * temporary files and anything else are ignored.  0 or -1. */
int segmentListIds(const char *dir, uint64_t **ids, size_t *count, char *err,
                   size_t errlen);

/* Creates segment 'id' in dir, atomically with its header (see above), and
 * returns it open for appends with size SEGMENT_HEADER_SIZE.  Fails with
 * EEXIST when the segment already exists.  NULL on error. */
segment *segmentCreate(const char *dir, uint64_t id, char *err, size_t errlen);
/* The same without making the header and the name durable (see above);
 * the caller must fsync the file and the directory before it relies on
 * them (appendfsync always: before the reply to a write in it). */
segment *segmentCreateUnsynced(const char *dir, uint64_t id, char *err, size_t errlen);

/* Compaction's outputs: creates seg-<id>.log.tmp (replacing a leftover
 * one) with its header, open for appends, NOT yet part of the data set:
 * the name is not a segment's, and startup removes it.  seg->path is
 * already the final name; seg->tmpPath the current one.  NULL on error. */
segment *segmentCreateTemp(const char *dir, uint64_t id, char *err, size_t errlen);

/* Makes a segment from segmentCreateTemp part of the data set: fsync,
 * link to the final name (never replacing a file), drop the temp name,
 * fsync the directory.  A no-op for a published segment.  0 or -1 (the
 * segment then stays temporary). */
int segmentPublish(segment *s, char *err, size_t errlen);

/* Opens an existing segment (flags above) and validates its header; size
 * is the current file size.  Without SEGMENT_OPEN_ANYHEADER a bad header
 * fails with EBADMSG.  A segment opened for writing must be recovered
 * (recovery.h) before the first append, so that size ends at a record
 * boundary.  NULL on error. */
segment *segmentOpen(const char *dir, uint64_t id, int flags, char *err,
                     size_t errlen);

/* Gives a segment opened with SEGMENT_OPEN_WRITE | SEGMENT_OPEN_ANYHEADER
 * whose header is bad and whose file ends within the header area
 * (size <= SEGMENT_HEADER_SIZE, so it holds no record) its header:
 * writes it at offset 0, fsyncs the file, then the directory.  Afterwards
 * headerOk is 1 and size SEGMENT_HEADER_SIZE, so appends can follow.
 * EINVAL for any other segment (a bad header with bytes after it may
 * hide records: it is never overwritten).  0 or -1. */
int segmentWriteHeader(segment *s, char *err, size_t errlen);

/* Closes the file and frees the segment (NULL is a no-op).  Does not sync:
 * call segmentSync or segmentSeal first when durability matters. */
void segmentClose(segment *s);

/* Appends the concatenation of iov[0..iovcnt) at the end of the segment
 * in as many pwritev calls as needed (EINTR and short writes handled; any
 * iovcnt).  On success stores the offset where the data starts in *offset
 * and returns 0; the data is written but not synced.
 * On failure (ENOSPC, EFBIG, EIO, ...) the file is truncated back to its
 * previous end, seg->size is unchanged, errno is the write's errno, and -1
 * is returned: the caller may retry later.  If even the truncation fails,
 * truncPending is set and the next append or seal retries it first.
 * Fails with EBADF on a segment that is not writable. */
int segmentAppendv(segment *s, const struct iovec *iov, int iovcnt,
                   uint64_t *offset, char *err, size_t errlen);

/* Encodes *h (record.h: checksums computed, stored into *h) and appends
 * header, key and value with one segmentAppendv, without copying the value.
 * EINVAL for an invalid header.  Same results as segmentAppendv. */
int segmentAppendRecord(segment *s, recordHeader *h, const void *key,
                        const void *val, uint64_t *offset, char *err,
                        size_t errlen);

/* Reads exactly len bytes at offset into buf (pread; EINTR and short reads
 * handled).  Reading past seg->size fails with EINVAL, a file shorter than
 * expected with EIO.  0 or -1. */
int segmentRead(segment *s, uint64_t offset, size_t len, void *buf,
                char *err, size_t errlen);

/* Maps the file read-only (MAP_SHARED) for len bytes, which may exceed
 * the file's current size so that an active segment's later appends are
 * readable through the same mapping; bytes at or past seg->size must never
 * be read (past the end of the file they raise SIGBUS).  A segment that
 * is mapped already is remapped only if len is larger.  0 or -1 (the
 * segment then stays unmapped and callers use pread). */
int segmentMap(segment *s, size_t len, char *err, size_t errlen);

/* fdatasync: makes every completed append durable.  After a failure the
 * durability of unsynced appends is unknown (the kernel may have dropped
 * the dirty pages): the caller must stop acknowledging writes to this
 * segment.  0 or -1. */
int segmentSync(segment *s, char *err, size_t errlen);

/* Seals the segment: cuts any bytes beyond seg->size, fsyncs, and marks
 * it read-only (no further appends).  Idempotent.  0 or -1. */
int segmentSeal(segment *s, char *err, size_t errlen);

/* segmentSeal with the fsync left out when sync is 0: the caller then owes
 * an fsync of the file (any descriptor of it) before relying on it. */
int segmentSealSync(segment *s, int sync, char *err, size_t errlen);

/* The logical size in bytes (header included). */
static inline uint64_t segmentSize(const segment *s) {
    return s->size;
}

/* Cuts the file to 'size' (>= SEGMENT_HEADER_SIZE unless the header is
 * bad) and fsyncs it; used by recovery to drop a torn tail.  Needs a
 * segment opened for writing.  0 or -1. */
int segmentTruncate(segment *s, uint64_t size, char *err, size_t errlen);

/* Deletes segment 'id' and its hint file (either may be missing) and
 * fsyncs the directory.  The segment must not be open for appends.
 * 0 or -1. */
int segmentRemove(const char *dir, uint64_t id, char *err, size_t errlen);

/* 1 if dir/seg-<id><ext> exists. */
int segmentFileExists(const char *dir, uint64_t id, const char *ext);

/* Removes hint files whose segment is gone (a hint written while
 * compaction deleted its segment).  Returns the number removed, or -1. */
int segmentRemoveOrphanHints(const char *dir, char *err, size_t errlen);

/* Removes leftover "seg-*.tmp" files of interrupted creations (segments and
 * hints).  Call at startup before anything else opens the directory.
 * Returns the number removed, or -1. */
int segmentRemoveTempFiles(const char *dir, char *err, size_t errlen);

/* fsync (dataOnly: fdatasync) of an open file, retried on EINTR.  0 or -1. */
int segmentFsyncFd(int fd, int dataOnly);

/* fsync and fdatasync calls the calling thread has made through this
 * module (segmentFsyncFd, segmentSyncDir ...): lets a test show that a
 * path of the event loop makes none. */
extern _Thread_local uint64_t segmentFsyncCalls;

/* fsync on the directory itself (makes creations/renames/unlinks durable).
 * 0 or -1. */
int segmentSyncDir(const char *dir, char *err, size_t errlen);

/* ---- Sequential reading through one buffer --------------------------------
 * A window over bytes [0, limit) of a file, filled with large preads.  Used
 * by recovery and hint loading so that memory stays at one buffer however
 * large the values are (a request larger than the buffer grows it to that
 * request, e.g. for one huge key). */
typedef struct segmentReader {
    int fd;             /* not owned */
    uint64_t limit;     /* readable bytes: [0, limit) */
    char *buf;          /* owned */
    size_t cap;
    uint64_t off;       /* buf holds file bytes [off, off + len) */
    size_t len;
    size_t chunk;       /* preferred read size */
} segmentReader;

/* chunk 0 = 1 MB.  No I/O happens here. */
void segmentReaderInit(segmentReader *r, int fd, uint64_t limit, size_t chunk);
void segmentReaderFree(segmentReader *r);

/* Returns a pointer to file bytes [off, off + n), valid until the next call
 * on r.  NULL with errno ERANGE if off + n > limit, or the read's errno
 * (EIO if the file is shorter than limit).  n may be 0. */
const char *segmentReaderGet(segmentReader *r, uint64_t off, size_t n);

#endif
