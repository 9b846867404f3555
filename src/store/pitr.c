/* store/pitr.c -- offline point-in-time restore (pitr.h).
 *
 * Two phases.  The walk reads the later segments of the data directory and
 * decides the plan (which segments are wholly in, where the cut falls)
 * without writing anything; only then is toDir filled.  Each later segment
 * is read twice: recoveryScan (dry run, the server's own validation) finds
 * where its clean part ends (first damage, or the torn tail of the last
 * segment), then the unit walk reads just the record headers of that part
 * to group batches and check sequence numbers and times. */
#include "store/pitr.h"

#include "lib/alloc.h"
#include "lib/numfmt.h"
#include "store/backup.h"
#include "store/hint.h"
#include "store/keydir.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/replay.h"
#include "store/segment.h"
#include "store/store_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PITR_DB_SLOTS 65536 /* the record's db field is a u16 */
#define NO_ID UINT64_MAX

/* What the walk decided. */
typedef struct plan {
    uint64_t *whole;        /* later segments wholly included, ascending */
    size_t nwhole;
    uint64_t cutId;         /* toDir's last segment: this one ... */
    uint64_t cutOff;        /* ... copied up to here (<= header: a new
                               empty segment) */
    uint64_t expect;        /* the next sequence number history needs */
    uint64_t lastSeq;
    int64_t lastTime;
    uint64_t units;
    int reached;            /* a unit after atMs was found */
    int endOfLog;
    int broken;             /* history stops before atMs was reached */
    int64_t nextTime;
    char why[320];          /* broken: what was found */
} plan;

static void breakf(plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void breakf(plan *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof(p->why), fmt, ap);
    va_end(ap);
    p->broken = 1;
}

/* ---------------------------------------------------------------- walk */

/* The record header at pos of the walk's window, or -1. */
static int readHeader(segmentReader *rd, uint64_t pos, recordHeader *h, uint32_t *count) {
    const char *p = segmentReaderGet(rd, pos, RECORD_HEADER_SIZE);
    if (!p || recordDecodeHeader(p, RECORD_HEADER_SIZE, 0, h, NULL) != RECORD_OK) return -1;
    if (h->type == RECORD_BATCH_BEGIN) {
        p = segmentReaderGet(rd, pos, RECORD_HEADER_SIZE + RECORD_BATCH_COUNT_SIZE);
        if (!p || h->vallen != RECORD_BATCH_COUNT_SIZE) return -1;
        *count = recordDecodeBatchCount(p + RECORD_HEADER_SIZE);
    }
    return 0;
}

/* Walks the units of [SEGMENT_HEADER_SIZE, limit) of seg.  Sets the cut
 * and returns 1 when the walk is over (a unit after atMs, or a break), 0
 * when every unit of the range was included. */
static int walkUnits(segment *seg, uint64_t limit, int64_t atMs, plan *p) {
    segmentReader rd;
    segmentReaderInit(&rd, seg->fd, limit, 256 * 1024);
    uint64_t pos = SEGMENT_HEADER_SIZE;
    int over = 0;
    while (pos < limit && !over) {
        uint64_t start = pos;
        recordHeader h;
        uint32_t count = 0;
        if (readHeader(&rd, pos, &h, &count) < 0 || h.type == RECORD_BATCH_COMMIT) {
            breakf(p, "segment %" PRIu64 ": unreadable record at offset %" PRIu64, seg->id,
                   pos);
            over = 1;
            break;
        }
        if (h.type == RECORD_DBMAP) {
            /* Only compaction writes DBMAP (first in its outputs), with
             * the sequence number its merge started at: never history. */
            breakf(p, "segment %" PRIu64 " is a compaction output (a DBMAP record at offset "
                   "%" PRIu64 ")", seg->id, pos);
            over = 1;
            break;
        }
        uint64_t seqMin = h.seq, seqMax = h.seq;
        int64_t ts = h.timestamp;
        pos += recordEncodedSize(h.keylen, h.vallen);
        if (h.type == RECORD_BATCH_BEGIN) {
            /* recoveryScan passed this range: the batch is whole, but
             * check its shape anyway rather than trust it. */
            int bad = 0;
            for (uint32_t i = 0; i <= count && !bad; i++) {
                recordHeader r;
                uint32_t c;
                if (pos >= limit || readHeader(&rd, pos, &r, &c) < 0) {
                    bad = 1;
                    break;
                }
                int isCommit = r.type == RECORD_BATCH_COMMIT;
                if (i < count ? !recordIsDataType(r.type) : !isCommit || r.seq != h.seq) bad = 1;
                if (r.seq > seqMax) seqMax = r.seq;
                if (r.timestamp > ts) ts = r.timestamp;
                pos += recordEncodedSize(r.keylen, r.vallen);
            }
            if (bad || pos > limit) {
                breakf(p, "segment %" PRIu64 ": malformed batch at offset %" PRIu64, seg->id,
                       start);
                over = 1;
                pos = start;
                break;
            }
        }
        if (seqMin != p->expect) {
            breakf(p,
                   "segment %" PRIu64 " offset %" PRIu64 " has sequence number %" PRIu64
                   " where %" PRIu64 " was expected (a compaction, a restore or a lost "
                   "segment since the backup)",
                   seg->id, start, seqMin, p->expect);
            over = 1;
            pos = start;
            break;
        }
        if (atMs >= 0 && ts > atMs) {
            p->reached = 1;
            p->nextTime = ts;
            over = 1;
            pos = start;
            break;
        }
        p->lastSeq = seqMax;
        p->expect = seqMax + 1;
        p->lastTime = ts;
        p->units++;
    }
    if (over) {
        p->cutId = seg->id;
        p->cutOff = pos; /* where the unit left out starts */
    }
    segmentReaderFree(&rd);
    return over;
}

/* One later segment: its clean part (recoveryScan, dry run), then its
 * units.  1 when the walk is over, 0 to go on with the next segment, -1 on
 * an I/O error (err). */
static int walkSegment(const char *dataDir, uint64_t id, int isLast, int64_t atMs, plan *p,
                       char *err, size_t errlen) {
    char why[256];
    segment *seg = segmentOpen(dataDir, id, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER, why,
                               sizeof(why));
    if (!seg) {
        if (errno != ENOENT) {
            segmentErrorf(err, errlen, "%s", why);
            return -1;
        }
        breakf(p, "segment %" PRIu64 " disappeared (a compaction is deleting segments?)", id);
        p->cutId = id;
        p->cutOff = 0;
        return 1;
    }
    if (!seg->headerOk && isLast && recoveryClassifyHeader(seg) == RECOVERY_HEADER_UNWRITTEN) {
        /* Holds no record (recovery.h, "The newest segment"): the log
         * ends where it begins. */
        p->endOfLog = 1;
        p->cutId = id;
        p->cutOff = 0;
        segmentClose(seg);
        return 1;
    }
    if (!seg->headerOk) {
        breakf(p, "segment %" PRIu64 ": bad file header (%s)", id, seg->headerError);
        p->cutId = id;
        p->cutOff = 0;
        segmentClose(seg);
        return 1;
    }
    recoveryResult res;
    recoveryResultInit(&res);
    recoveryOptions ro;
    memset(&ro, 0, sizeof(ro));
    ro.active = isLast;
    ro.dryRun = 1;
    if (recoveryScan(seg, &ro, NULL, NULL, &res, err, errlen) < 0) {
        recoveryResultFree(&res);
        segmentClose(seg);
        return -1;
    }
    uint64_t limit = seg->size;
    const recoveryDamage *first = NULL;
    for (size_t i = 0; i < res.damageCount; i++) {
        if (res.damage[i].offset < limit) {
            limit = res.damage[i].offset;
            first = &res.damage[i];
        }
    }
    if (res.tornBytes && res.tornOffset < limit) {
        limit = res.tornOffset;
        first = NULL; /* the end of the log, not damage */
    }
    int over = walkUnits(seg, limit, atMs, p);
    if (!over && first) {
        breakf(p, "segment %" PRIu64 ": damage at offset %" PRIu64 " (%s)", id, first->offset,
               first->reason);
        p->cutId = id;
        p->cutOff = limit;
        over = 1;
    } else if (!over && isLast) {
        p->endOfLog = 1;
        p->cutId = id;
        p->cutOff = limit;
        over = 1;
    } else if (!over) {
        p->whole = xrealloc(p->whole, sizeof(uint64_t) * (p->nwhole + 1));
        p->whole[p->nwhole++] = id;
    }
    recoveryResultFree(&res);
    segmentClose(seg);
    return over;
}

/* The backup's newest segment id (NO_ID when it holds none). */
static uint64_t newestBackupSegment(const backupManifest *m) {
    uint64_t newest = NO_ID;
    for (size_t i = 0; i < m->nfiles; i++) {
        uint64_t id;
        if (segmentParseFileName(m->files[i].name, ".log", &id) &&
            (newest == NO_ID || id > newest))
            newest = id;
    }
    return newest;
}

/* Walks the data directory's segments after the backup (atMs >= 0). */
static int walk(const backupManifest *m, const char *dataDir, int64_t atMs, plan *p, char *err,
                size_t errlen) {
    struct stat st;
    int statRc = stat(dataDir, &st);
    if (statRc < 0 || !S_ISDIR(st.st_mode)) {
        segmentErrorf(err, errlen, "data directory %s: %s (the segments written after the "
                      "backup are read there; see --data)",
                      dataDir, statRc < 0 ? strerror(errno) : "not a directory");
        return -1;
    }
    uint64_t *ids;
    size_t n;
    if (segmentListIds(dataDir, &ids, &n, err, errlen) < 0) return -1;
    p->cutId = m->lastSegment + 1;
    p->cutOff = 0;
    /* The backup's newest segment must still be there as it was: a
     * compaction (or restore) since the backup deletes it, and what
     * follows is then not history, whatever its sequence numbers say. */
    uint64_t newest = newestBackupSegment(m);
    if (newest != NO_ID) {
        char *path = segmentPath(dataDir, newest, ".log");
        int same = 0;
        for (size_t i = 0; i < m->nfiles; i++) {
            uint64_t id;
            if (segmentParseFileName(m->files[i].name, ".log", &id) && id == newest)
                same = stat(path, &st) == 0 && (uint64_t)st.st_size == m->files[i].size;
        }
        xfree(path);
        if (!same) {
            breakf(p, "segment %" PRIu64 ", the backup's newest, is no longer in %s as it "
                   "was (compacted or restored since the backup)", newest, dataDir);
            xfree(ids);
            return 0;
        }
    }
    int rc = 0;
    size_t first = 0;
    while (first < n && ids[first] <= m->lastSegment) first++;
    for (size_t i = first; i < n && rc == 0; i++)
        rc = walkSegment(dataDir, ids[i], i + 1 == n, atMs, p, err, errlen);
    if (rc == 0) p->endOfLog = 1; /* no later segment at all */
    xfree(ids);
    return rc < 0 ? -1 : 0;
}

/* --------------------------------------------------------------- writing */

/* 0 when dir is missing (*existed = 0) or an empty directory. */
static int checkTarget(const char *dir, int *existed, char *err, size_t errlen) {
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT) {
            *existed = 0;
            return 0;
        }
        segmentErrorf(err, errlen, "%s: %s", dir, strerror(errno));
        return -1;
    }
    *existed = 1;
    struct dirent *de;
    int empty = 1;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) empty = 0;
    closedir(d);
    if (!empty) segmentErrorf(err, errlen, "%s: not empty (the target must be a new or "
                              "empty directory)", dir);
    return empty ? 0 : -1;
}

/* Removes what a failed restore put into dir (it was empty or missing). */
static void undoTarget(const char *dir, int existed) {
    char ignored[256];
    if (!existed) {
        backupRemoveDir(dir, ignored, sizeof(ignored));
        return;
    }
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            unlinkat(dirfd(d), de->d_name, 0);
    closedir(d);
}

static int linkFile(const char *srcDir, const char *dstDir, const char *name, int optional,
                    char *err, size_t errlen) {
    char src[4096], dst[4096];
    snprintf(src, sizeof(src), "%s/%s", srcDir, name);
    snprintf(dst, sizeof(dst), "%s/%s", dstDir, name);
    if (optional && access(src, F_OK) < 0 && errno == ENOENT) return 0;
    return backupLinkOrCopy(src, dst, err, errlen);
}

/* toDir/seg-<id>.log: the first len bytes of dataDir's, written under a
 * temporary name (startup removes it), fsynced, renamed into place. */
static int copyPrefix(const char *dataDir, const char *toDir, uint64_t id, uint64_t len,
                      char *err, size_t errlen) {
    char *src = segmentPath(dataDir, id, ".log");
    char *dst = segmentPath(toDir, id, ".log");
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    char *buf = NULL;
    if (in < 0) {
        segmentErrorf(err, errlen, "open %s: %s", src, strerror(errno));
        goto done;
    }
    out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) {
        segmentErrorf(err, errlen, "create %s: %s", tmp, strerror(errno));
        goto done;
    }
    buf = xmalloc(1 << 20);
    for (uint64_t off = 0; off < len;) {
        size_t want = len - off > (1 << 20) ? (1 << 20) : (size_t)(len - off);
        ssize_t r = pread(in, buf, want, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            segmentErrorf(err, errlen, "read %s: %s", src,
                          r == 0 ? "file shorter than expected" : strerror(errno));
            goto done;
        }
        for (ssize_t w = 0; w < r;) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) {
                segmentErrorf(err, errlen, "write %s: %s", tmp, strerror(errno));
                goto done;
            }
            w += k;
        }
        off += (uint64_t)r;
    }
    if (segmentFsyncFd(out, 0) < 0) {
        segmentErrorf(err, errlen, "fsync %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (rename(tmp, dst) < 0) {
        segmentErrorf(err, errlen, "rename %s: %s", tmp, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    if (rc < 0 && out >= 0) unlink(tmp);
    xfree(buf);
    xfree(src);
    xfree(dst);
    return rc;
}

/* Fills toDir according to the plan. */
static int writeTarget(const pitrOptions *o, const backupManifest *m, const char *dataDir,
                       const plan *p, pitrReport *rep, char *err, size_t errlen) {
    for (size_t i = 0; i < m->nfiles; i++) {
        if (linkFile(o->backupPath, o->toDir, m->files[i].name, 0, err, errlen) < 0) return -1;
        rep->backupFiles++;
    }
    for (size_t i = 0; i < p->nwhole; i++) {
        char name[64];
        snprintf(name, sizeof(name), "seg-%08" PRIu64 ".log", p->whole[i]);
        if (linkFile(dataDir, o->toDir, name, 0, err, errlen) < 0) return -1;
        snprintf(name, sizeof(name), "seg-%08" PRIu64 ".hint", p->whole[i]);
        if (linkFile(dataDir, o->toDir, name, 1, err, errlen) < 0) return -1;
        rep->segmentsCopied++;
    }
    if (p->cutOff <= SEGMENT_HEADER_SIZE) {
        segment *seg = segmentCreate(o->toDir, p->cutId, err, errlen);
        if (!seg) return -1;
        segmentClose(seg);
    } else {
        if (copyPrefix(dataDir, o->toDir, p->cutId, p->cutOff, err, errlen) < 0) return -1;
    }
    if (o->atMs >= 0) rep->segmentsCopied++;
    rep->activeSegment = p->cutId;
    rep->activeSize = p->cutOff <= SEGMENT_HEADER_SIZE ? SEGMENT_HEADER_SIZE : p->cutOff;
    if (segmentSyncDir(o->toDir, err, errlen) < 0) return -1;
    /* The directory's own entry, when it was created here. */
    char parent[4096];
    snprintf(parent, sizeof(parent), "%s", o->toDir);
    size_t plen = strlen(parent);
    while (plen > 1 && parent[plen - 1] == '/') parent[--plen] = 0;
    char *slash = strrchr(parent, '/');
    if (slash == parent) parent[1] = 0;
    else if (slash) *slash = 0;
    else snprintf(parent, sizeof(parent), ".");
    return segmentSyncDir(parent, err, errlen);
}

/* ------------------------------------------------------------ key count */

typedef struct countCtx {
    replayState rp;
} countCtx;

static int countApply(void *ctx, const recoveryItem *it) {
    countCtx *c = ctx;
    if (it->hdr.seq <= KEYDIR_SEQ_MAX) replayApply(&c->rp, it);
    return 0;
}

/* Replays dir as the server's loader does (hints for the sealed segments,
 * a scan of the last one) and counts the keys not expired at nowMs. */
static int countKeys(const char *dir, int64_t nowMs, uint64_t *keys, uint64_t *damage,
                     char *err, size_t errlen) {
    uint64_t *ids;
    size_t n;
    if (segmentListIds(dir, &ids, &n, err, errlen) < 0) return -1;
    countCtx c;
    memset(&c, 0, sizeof(c));
    c.rp.dbCount = PITR_DB_SLOTS;
    c.rp.kd = xcalloc(PITR_DB_SLOTS, sizeof(keydir *));
    c.rp.dbMap = xmalloc(sizeof(int) * PITR_DB_SLOTS);
    for (int i = 0; i < PITR_DB_SLOTS; i++) c.rp.dbMap[i] = i;
    recoveryResult res;
    recoveryResultInit(&res);
    recoveryOptions ro;
    memset(&ro, 0, sizeof(ro));
    ro.dryRun = 1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        segment *seg = segmentOpen(dir, ids[i], SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER,
                                   err, errlen);
        if (!seg) {
            rc = -1;
            break;
        }
        ro.active = i + 1 == n;
        rc = hintLoadOrScan(seg, &ro, countApply, &c, &res, err, errlen);
        segmentClose(seg);
    }
    if (rc == 0) replayFinish(&c.rp);
    replayDiscard(&c.rp);
    if (rc == 0) {
        replayDropExpired(&c.rp, nowMs);
        *keys = 0;
        for (int i = 0; i < PITR_DB_SLOTS; i++)
            if (c.rp.kd[i]) *keys += keydirSize(c.rp.kd[i]);
        *damage = res.damageTotal;
    }
    for (int i = 0; i < PITR_DB_SLOTS; i++)
        if (c.rp.kd[i]) keydirRelease(c.rp.kd[i]);
    xfree(c.rp.kd);
    xfree(c.rp.dbMap);
    recoveryResultFree(&res);
    xfree(ids);
    return rc;
}

/* ---------------------------------------------------------------- entry */

int pitrRestore(const pitrOptions *o, pitrReport *rep, char *err, size_t errlen) {
    memset(rep, 0, sizeof(*rep));
    rep->nextTimeMs = -1;
    if (!o->backupPath || !o->toDir) {
        segmentErrorf(err, errlen, "a backup and a target directory are needed");
        return PITR_ERR;
    }
    struct stat st;
    int statRc = stat(o->backupPath, &st);
    if (statRc < 0 || !S_ISDIR(st.st_mode)) {
        segmentErrorf(err, errlen, "backup %s: %s", o->backupPath,
                      statRc < 0 ? strerror(errno) : "not a directory");
        return PITR_ERR;
    }
    backupManifest m;
    char why[512];
    if (backupManifestRead(o->backupPath, &m, why, sizeof(why)) < 0) {
        segmentErrorf(err, errlen, "backup %s is damaged: %s", o->backupPath, why);
        return PITR_ERR_BACKUP;
    }
    int rc = PITR_ERR;
    plan p;
    memset(&p, 0, sizeof(p));
    p.nextTime = -1;
    rep->backupId = m.id;
    rep->backupTimeMs = m.timeMs;
    rep->backupSeq = m.seq;
    rep->lastSeq = m.seq;
    rep->lastTimeMs = m.timeMs;
    if (backupVerifyFiles(o->backupPath, &m, why, sizeof(why)) < 0) {
        segmentErrorf(err, errlen, "backup %s is damaged: %s", o->backupPath, why);
        rc = PITR_ERR_BACKUP;
        goto out;
    }
    uint64_t newest = newestBackupSegment(&m);
    if (newest != NO_ID && newest > m.lastSegment) {
        segmentErrorf(err, errlen, "backup %s is damaged: segment %" PRIu64 " is newer than "
                      "its last_segment %" PRIu64, o->backupPath, newest, m.lastSegment);
        rc = PITR_ERR_BACKUP;
        goto out;
    }
    char t1[64], t2[64];
    if (o->atMs >= 0 && o->atMs < m.timeMs) {
        numFormatUnixMs(t1, sizeof(t1), o->atMs);
        numFormatUnixMs(t2, sizeof(t2), m.timeMs);
        segmentErrorf(err, errlen, "%s is before the backup was taken (%s): restore from an "
                      "older backup", t1, t2);
        goto out;
    }
    const char *dataDir = o->dataDir ? o->dataDir : m.dataDir;
    p.expect = m.seq + 1;
    p.lastSeq = m.seq;
    p.lastTime = m.timeMs;
    p.cutId = m.lastSegment + 1;
    p.cutOff = 0;
    if (o->atMs >= 0) {
        if (!dataDir || !*dataDir) {
            segmentErrorf(err, errlen, "the backup names no data directory: give one");
            goto out;
        }
        if (walk(&m, dataDir, o->atMs, &p, err, errlen) < 0) goto out;
        if (p.broken && o->atMs > p.lastTime) {
            numFormatUnixMs(t1, sizeof(t1), p.lastTime);
            segmentErrorf(err, errlen, "history after backup %" PRIu64 " in %s is complete "
                          "only up to sequence number %" PRIu64 ", written at %s%s: %s; "
                          "restore to that time or earlier",
                          m.id, dataDir, p.lastSeq, t1,
                          p.units ? "" : " (the backup itself)", p.why);
            goto out;
        }
        if (p.broken) p.endOfLog = 0;
    }
    rep->lastSeq = p.lastSeq;
    rep->lastTimeMs = p.lastTime;
    rep->unitsReplayed = p.units;
    rep->endOfLog = o->atMs >= 0 && p.endOfLog && !p.reached;
    rep->nextTimeMs = p.nextTime;

    int existed;
    if (checkTarget(o->toDir, &existed, err, errlen) < 0) goto out;
    if (!existed && mkdir(o->toDir, 0755) < 0) {
        segmentErrorf(err, errlen, "mkdir %s: %s", o->toDir, strerror(errno));
        goto out;
    }
    if (writeTarget(o, &m, dataDir, &p, rep, err, errlen) < 0 ||
        countKeys(o->toDir, o->nowMs ? o->nowMs : storeWallMs(), &rep->keys, &rep->damage, err,
                  errlen) < 0) {
        undoTarget(o->toDir, existed);
        goto out;
    }
    rc = PITR_OK;
out:
    xfree(p.whole);
    backupManifestFree(&m);
    return rc;
}
