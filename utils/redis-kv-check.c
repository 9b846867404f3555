/* utils/redis-kv-check.c -- offline verification and inspection of a redis-kv
 * data directory.
 *
 *   redis-kv-check DIR [--verify]          check everything (the default)
 *   redis-kv-check DIR --stats             the same checks, totals only
 *   redis-kv-check DIR --dump [--segment N] [--keys-only] [--full]
 *   redis-kv-check --restore BACKUP --to DIR [--at UNIX_MS] [--data DATADIR]
 *
 * The tool links the storage engine's own code (src/store): segments are
 * validated by recoveryScan(), the very function the server runs at start-up,
 * always with dryRun set, and hint files by hintLoad().  It opens every file
 * read-only and never creates, truncates, renames or removes anything, so a
 * check can never change what the server will find.  The server must not be
 * running on DIR: nothing stops it (the tool does not take the server's LOCK
 * file, it only reads), but the active segment would change under the scan.
 *
 * Verify replays the log the way the server's loader does (store.c,
 * applyRecovered): one key directory per database, later records win,
 * deletes, FLUSHDB/FLUSHALL and expiries as of now are honoured, and batches
 * count only when committed (recoveryScan delivers nothing else).
 *
 * Restore (point in time) is the one mode that writes: it builds a NEW
 * directory DIR from a backup plus, with --at, the segments the live data
 * directory wrote after it, up to the given moment (store/pitr.h has the
 * rules); the backup and the data directory are only read.
 *
 * Exit status: 0 clean, 1 damage or a torn tail found, 2 usage error or a
 * file that cannot be read.  For --restore: 0 restored, 1 the backup is
 * damaged, 2 usage error or trouble (history missing before --at, I/O). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/crc32c.h"
#include "lib/dict.h"
#include "lib/numfmt.h"
#include "store/collection.h"
#include "store/hint.h"
#include "store/pitr.h"
#include "store/keydir.h"
#include "store/meta.h"
#include "store/record.h"
#include "store/recovery.h"
#include "store/replay.h"
#include "store/segment.h"

#define EXIT_CLEAN 0
#define EXIT_DAMAGE 1
#define EXIT_TROUBLE 2

#define MODE_VERIFY 0
#define MODE_STATS 1
#define MODE_DUMP 2
#define MODE_RESTORE 3

#define DB_SLOTS 65536          /* the record's db field is a u16 */
#define VALUE_PREVIEW 64        /* value bytes --dump prints without --full */
#define READ_CHUNK (1024 * 1024)

typedef struct options {
    const char *dir;
    int mode;
    int haveSegment;
    uint64_t segment;
    int keysOnly;
    int full;
    const char *backup;         /* --restore */
    const char *to;
    const char *data;
    int64_t atMs;               /* -1: no --at */
} options;

static const char *usageText =
    "Usage: redis-kv-check DIR [--verify]\n"
    "       redis-kv-check DIR --stats\n"
    "       redis-kv-check DIR --dump [--segment N] [--keys-only] [--full]\n"
    "       redis-kv-check --restore BACKUP --to DIR [--at UNIX_MS] [--data DATADIR]\n"
    "\n"
    "Checks or inspects a redis-kv data directory offline.\n"
    "The server must NOT be running on DIR: the tool reads the files as they\n"
    "are, while a running server keeps appending to them.  The tool never\n"
    "modifies DIR (a torn tail is reported, not cut; no hint is rewritten).\n"
    "\n"
    "Modes:\n"
    "  --verify     (default) scan every segment record by record with the\n"
    "               server's recovery code, validate every checksum, segment\n"
    "               header and hint file, replay the log into one key\n"
    "               directory per database (deletes, flushes, batches and\n"
    "               expiries as of now honoured), then print one line per\n"
    "               segment, every damage report with its file and offset,\n"
    "               the server's metadata entries (FUNCTION libraries: name,\n"
    "               value length, record) and the totals\n"
    "  --stats      the same checks, printing only the totals\n"
    "  --dump       print every record: segment, offset, sequence number,\n"
    "               timestamp, type, database, key, expiry, value length and\n"
    "               value (escaped like redis-cli); damaged regions too\n"
    "\n"
    "  --restore BACKUP --to DIR [--at UNIX_MS] [--data DATADIR]\n"
    "               point-in-time restore: build the NEW directory DIR (missing\n"
    "               or empty) from the backup directory BACKUP (e.g.\n"
    "               <dir>/backups/<id>) and, with --at, every write the live\n"
    "               data directory logged after the backup up to UNIX_MS\n"
    "               (unix time in ms, inclusive; a batch/transaction is all in\n"
    "               or all out).  The live directory is the backup's data_dir\n"
    "               unless --data names another; it is only read, and may be\n"
    "               in use by a running server.  Without --at: the backup\n"
    "               alone.  Fails (nothing written) when the history after the\n"
    "               backup is incomplete before UNIX_MS (a compaction or\n"
    "               restore since the backup), saying how far it reaches.\n"
    "               Start a server with DIR as its data directory afterwards.\n"
    "\n"
    "Dump options:\n"
    "  --segment N  only segment N (the file seg-N.log)\n"
    "  --keys-only  only the records that name a key (set, del, expire),\n"
    "               without timestamp, expiry and value\n"
    "  --full       print whole values (default: the first 64 bytes)\n"
    "\n"
    "  -h, --help   show this help\n"
    "\n"
    "Exit status:\n"
    "  0  clean\n"
    "  1  damage found (bad checksums or headers, dropped batches, damaged,\n"
    "     stale or disagreeing hint files), or a torn tail at the end of the\n"
    "     last segment (an interrupted write the server cuts off at its next\n"
    "     start), or a last segment without its header and any record (an\n"
    "     interrupted creation: the server writes the header at its next start)\n"
    "  2  usage error, or DIR or a file in it cannot be read\n"
    "For --restore: 0 restored, 1 the backup is damaged, 2 usage error or\n"
    "trouble (history after the backup incomplete before --at, I/O error).\n";

/* ------------------------------------------------------------ output */

/* Prints the error message to stderr, prefixed with the tool's name. */
static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void errorf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("redis-kv-check: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Writes len bytes of s to f escaped like redis-cli (sdscatrepr), without
 * the surrounding quotes, so that a long value can be written in pieces. */
static void putReprBody(FILE *f, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\': fputs("\\\\", f); break;
        case '"': fputs("\\\"", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        case '\a': fputs("\\a", f); break;
        case '\b': fputs("\\b", f); break;
        default:
            if (c >= 0x20 && c < 0x7f) fputc(c, f);
            else fprintf(f, "\\x%02x", c);
        }
    }
}

/* Writes s quoted and escaped like redis-cli: "a\x00b". */
static void putRepr(FILE *f, const char *s, size_t len) {
    fputc('"', f);
    putReprBody(f, s, len);
    fputc('"', f);
}

/* The file name part of a path (the path itself when it has no '/'). */
static const char *baseName(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ------------------------------------------------- directory listing */

/* 1 when id is among ids[0..n) (sorted ascending). */
static int containsId(const uint64_t *ids, size_t n, uint64_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] == id) return 1;
        if (ids[mid] < id) lo = mid + 1;
        else hi = mid;
    }
    return 0;
}

/* Prints a note for every leftover temporary file (the server deletes them
 * at start-up) and every hint file whose segment does not exist.  ids are
 * the segment ids, sorted.  Returns 0, or -1 after printing an error when
 * the directory cannot be read. */
static int reportStrayFiles(const char *dir, const uint64_t *ids, size_t n) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        errorf("open directory %s: %s", dir, strerror(errno));
        return -1;
    }
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(d);
        if (de == NULL) {
            if (errno != 0) {
                errorf("read directory %s: %s", dir, strerror(errno));
                closedir(d);
                return -1;
            }
            break;
        }
        const char *name = de->d_name;
        size_t len = strlen(name);
        uint64_t id;
        if (strncmp(name, "seg-", 4) == 0 && len > 8 &&
            strcmp(name + len - 4, ".tmp") == 0) {
            printf("note: %s/%s is a leftover temporary file (the server "
                   "deletes it at start-up)\n", dir, name);
        } else if (segmentParseFileName(name, ".hint", &id) &&
                   !containsId(ids, n, id)) {
            printf("note: %s/%s is a hint file without its segment\n", dir,
                   name);
        }
    }
    if (closedir(d) != 0) {
        errorf("close directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* -------------------------------------------------------- log replay */

/* The key directories rebuilt from the log with the server's own rules
 * (store/replay.h), plus what the totals need.  Every database number is
 * kept (the server ignores the ones beyond its `databases` setting). */
typedef struct replay {
    replayState st;             /* DB_SLOTS slots, created on first use */
    int64_t nowMs;              /* keys expired by then are dropped */
    uint64_t liveBytes;         /* on-disk size of the records st.kd points at */
    uint64_t expiredOnLoad;     /* keys dropped because their time passed */
    int quiet;
} replay;

static void replayCountLive(void *ctx, uint32_t segment, uint64_t bytes, int add) {
    replay *rp = ctx;
    (void)segment;
    if (add) rp->liveBytes += bytes;
    else rp->liveBytes -= bytes;
}

/* A patch whose base is missing: the server drops the key and reports it
 * as damage, and so does the check. */
static void replayReportPatch(void *ctx, const recoveryItem *it, const char *why) {
    replay *rp = ctx;
    if (!rp->quiet)
        printf("DAMAGE: seg-%08" PRIu64 ".log offset %" PRIu64 ": %s (the server drops the key)\n",
               it->segId, it->offset, why);
}

/* ---------------------------------------------------- hint comparison */

/* One hint entry reduced to its offset and a digest of everything else
 * (type, flags, db, lengths, expiry, seq, key). */
typedef struct itemSig {
    uint64_t offset;
    uint64_t digest;
} itemSig;

/* The digest of an item (hint entry or scanned record): two CRC-32Cs, one
 * over the fixed fields, one over the key, so that a hint entry and the
 * record it describes compare equal. */
static uint64_t itemDigest(const recoveryItem *it) {
    char f[32];
    const recordHeader *h = &it->hdr;
    f[0] = (char)h->type;
    f[1] = (char)h->flags;
    recordPutU16(f + 2, h->db);
    recordPutU32(f + 4, h->keylen);
    recordPutU32(f + 8, h->vallen);
    recordPutU64(f + 12, (uint64_t)h->expireAt);
    recordPutU64(f + 20, h->seq);
    recordPutU32(f + 28, 0);
    uint64_t fields = crc32c(f, sizeof(f));
    return fields << 32 | crc32c(it->key, h->keylen);
}

typedef struct sigList {
    itemSig *v;
    size_t n, cap;
} sigList;

/* hintLoad callback: remembers every entry. */
static int collectSig(void *ctx, const recoveryItem *it) {
    sigList *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n].offset = it->offset;
    l->v[l->n].digest = itemDigest(it);
    l->n++;
    return 0;
}

/* ------------------------------------------------------------ verify */

/* What the hint check of one segment found. */
#define HS_NONE 0       /* active segment without a hint: as it should be */
#define HS_OK 1
#define HS_MISSING 2
#define HS_STALE 3
#define HS_INVALID 4
#define HS_MISMATCH 5
#define HS_ACTIVE 6     /* active segment with a hint (ignored by the server) */
#define HS_COUNT 7

static const char *hintStatusName[HS_COUNT] = {
    "none", "ok", "missing", "stale", "invalid", "mismatch", "present"};

/* Context of the scan callback for one segment. */
typedef struct segScan {
    replay *rp;
    segment *seg;
    recoveryResult *res;        /* the segment's own result */
    sigList *hint;              /* entries of a valid hint, or NULL */
    size_t cursor;              /* next hint entry to compare */
    int mismatch;               /* the scan disagreed with the hint */
    uint64_t mismatchOffset;
} segScan;

/* recoveryScan callback: compares the record with the hint (when there is
 * a valid one) and applies it to the replay. */
static int scanItem(void *ctx, const recoveryItem *it) {
    segScan *sc = ctx;
    if (sc->hint && !sc->mismatch) {
        if (sc->cursor >= sc->hint->n ||
            sc->hint->v[sc->cursor].offset != it->offset ||
            sc->hint->v[sc->cursor].digest != itemDigest(it)) {
            sc->mismatch = 1;
            sc->mismatchOffset = it->offset;
            if (sc->cursor < sc->hint->n && sc->hint->v[sc->cursor].offset < it->offset)
                sc->mismatchOffset = sc->hint->v[sc->cursor].offset;
        }
        sc->cursor++;
    }
    if (it->hdr.seq > KEYDIR_SEQ_MAX) {
        /* Valid by record.h, but no key directory can hold it (the server
         * aborts on such a record). */
        recoveryAddDamage(sc->res, NULL, sc->seg, it->offset,
                          recordEncodedSize(it->hdr.keylen, it->hdr.vallen),
                          "sequence number above 2^55-1");
        return 0;
    }
    replayApply(&sc->rp->st, it);
    return 0;
}

/* Totals over all segments. */
typedef struct totals {
    uint64_t segments, sealed;
    uint64_t totalBytes;
    uint64_t recordsApplied;
    uint64_t batchesApplied, batchesDropped;
    uint64_t tornBytes, tornOffset, tornSegId;
    int unwrittenHeader;        /* the last segment has no header yet */
    uint64_t unwrittenHeaderSegId;
    uint64_t damage, damageBytes;
    uint64_t hints[HS_COUNT];
} totals;

/* Checks the hint of a sealed segment: fills *sigs with its entries and
 * returns HS_OK when it is valid, else HS_MISSING / HS_STALE / HS_INVALID
 * with the reason in why.  Never modifies anything. */
static int loadHint(segment *seg, sigList *sigs, recoveryResult *hres,
                    char *why, size_t whylen) {
    recoveryOptions ro;
    memset(&ro, 0, sizeof(ro));
    int rc = hintLoad(seg, &ro, collectSig, sigs, hres, why, whylen);
    if (rc == HINT_OK) return HS_OK;
    sigs->n = 0;
    if (rc == HINT_MISSING) return HS_MISSING;
    /* hintLoad reports staleness as HINT_INVALID; its message says which. */
    if (rc == HINT_INVALID && strstr(why, ": stale:") != NULL) return HS_STALE;
    return HS_INVALID;
}

/* For the active segment: HS_ACTIVE when a hint file exists, HS_NONE when
 * it does not, -1 (error printed) when that cannot be told. */
static int activeHintStatus(const segment *seg) {
    char *path = segmentPath(seg->dir, seg->id, ".hint");
    struct stat st;
    int rc = HS_ACTIVE;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT) {
            rc = HS_NONE;
        } else {
            errorf("stat %s: %s", path, strerror(errno));
            rc = -1;
        }
    }
    xfree(path);
    return rc;
}

/* The last segment is the server's active one, unless its header is
 * damaged with bytes after it (recovery.h, "The newest segment"): the
 * server then treats it as sealed and starts a new segment after it.
 * Returns whether seg is active, and prints a note (unless quiet) when a
 * last segment is not. */
static int lastSegmentActive(const segment *seg, int quiet) {
    if (recoveryClassifyHeader(seg) != RECOVERY_HEADER_DAMAGED) return 1;
    if (!quiet) {
        printf("note: %s is the last segment, but its header is damaged and bytes "
               "follow it: the server loads what checks out, never writes to it, "
               "and starts seg-%08" PRIu64 ".log after it\n", seg->path, seg->id + 1);
    }
    return 0;
}

/* Prints what an active scan found of an unwritten header (res). */
static void printUnwrittenHeader(const segment *seg, const recoveryResult *res,
                                 const char *prefix) {
    printf("%s%s has no header (%s, %" PRIu64 " bytes) and so no record: "
           "an interrupted creation, or lost blocks; the server writes its header "
           "at its next start\n", prefix, seg->path, seg->headerError, res->tornBytes);
}

/* Verifies one segment: hint check, then a dry-run recoveryScan whose
 * records go into the replay.  Prints the segment's line and its reports
 * unless quiet, and adds to *t.  Returns 0, or -1 after printing an error
 * (the file could not be read). */
static int verifySegment(const char *dir, uint64_t id, int active, replay *rp,
                         totals *t, int quiet) {
    char err[512];
    segment *seg = segmentOpen(dir, id, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER,
                               err, sizeof(err));
    if (seg == NULL) {
        errorf("%s", err);
        return -1;
    }
    if (active) active = lastSegmentActive(seg, quiet);

    recoveryResult res, hres;
    recoveryResultInit(&res);
    recoveryResultInit(&hres);
    sigList sigs = {NULL, 0, 0};
    char hintWhy[512] = "";
    int hs;
    if (active) {
        hs = activeHintStatus(seg);
    } else {
        hs = loadHint(seg, &sigs, &hres, hintWhy, sizeof(hintWhy));
    }
    int ret = -1;
    if (hs < 0) goto out;

    recoveryOptions ro;
    memset(&ro, 0, sizeof(ro));
    ro.active = active;
    ro.dryRun = 1;              /* report a torn tail, never cut it */
    segScan sc;
    memset(&sc, 0, sizeof(sc));
    sc.rp = rp;
    sc.seg = seg;
    sc.res = &res;
    sc.hint = hs == HS_OK ? &sigs : NULL;
    if (recoveryScan(seg, &ro, scanItem, &sc, &res, err, sizeof(err)) != 0) {
        errorf("%s", err);
        goto out;
    }
    if (hs == HS_OK) {
        if (!sc.mismatch && sc.cursor != sigs.n) {
            sc.mismatch = 1;
            sc.mismatchOffset = sc.cursor < sigs.n ? sigs.v[sc.cursor].offset
                                                   : seg->size;
        }
        if (sc.mismatch) {
            hs = HS_MISMATCH;
            snprintf(hintWhy, sizeof(hintWhy),
                     "the hint lists %zu records, the segment has %" PRIu64
                     " good ones; first difference at segment offset %" PRIu64,
                     sigs.n, res.recordsApplied, sc.mismatchOffset);
        } else if (hres.maxSeq != res.maxSeq) {
            hs = HS_MISMATCH;
            snprintf(hintWhy, sizeof(hintWhy),
                     "highest sequence number %" PRIu64 " in the hint, %" PRIu64
                     " in the segment", hres.maxSeq, res.maxSeq);
        }
    }

    t->segments++;
    if (!active) t->sealed++;
    t->totalBytes += seg->size;
    t->recordsApplied += res.recordsApplied;
    t->batchesApplied += res.batchesApplied;
    t->batchesDropped += res.batchesDropped;
    t->damage += res.damageTotal;
    for (size_t i = 0; i < res.damageCount; i++) t->damageBytes += res.damage[i].length;
    if (res.headersWritten) {
        t->unwrittenHeader = 1;
        t->unwrittenHeaderSegId = seg->id;
    } else if (res.tornBytes) {
        t->tornBytes += res.tornBytes;
        t->tornOffset = res.tornOffset;
        t->tornSegId = res.tornSegId;
    }
    t->hints[hs]++;

    if (!quiet) {
        printf("%s %s size=%" PRIu64 " records=%" PRIu64 " batches=%" PRIu64
               " dropped=%" PRIu64 " damage=%" PRIu64 " hint=%s",
               baseName(seg->path), active ? "active" : "sealed", seg->size,
               res.recordsApplied, res.batchesApplied, res.batchesDropped,
               res.damageTotal, hintStatusName[hs]);
        if (res.headersWritten) {
            printf(" header=unwritten");
        } else if (res.tornBytes) {
            printf(" torn=%" PRIu64 "@%" PRIu64, res.tornBytes, res.tornOffset);
        }
        putchar('\n');
        for (size_t i = 0; i < res.damageCount; i++) {
            const recoveryDamage *d = &res.damage[i];
            printf("DAMAGE: %s offset %" PRIu64 " (%" PRIu64 " bytes): %s\n",
                   d->path, d->offset, d->length, d->reason);
        }
        if (res.damageTotal > res.damageCount) {
            printf("DAMAGE: %s: %" PRIu64 " more damaged regions not listed\n",
                   seg->path, res.damageTotal - res.damageCount);
        }
        if (res.headersWritten) {
            printUnwrittenHeader(seg, &res, "UNWRITTEN HEADER: ");
        } else if (res.tornBytes) {
            printf("TORN TAIL: %s offset %" PRIu64 " (%" PRIu64 " bytes): an "
                   "interrupted write; the server cuts it at its next start\n",
                   seg->path, res.tornOffset, res.tornBytes);
        }
        if (hs == HS_STALE || hs == HS_INVALID) {
            printf("HINT: %s\n", hintWhy);
        } else if (hs == HS_MISMATCH) {
            char *hp = segmentPath(dir, id, ".hint");
            printf("HINT: %s disagrees with its segment: %s\n", hp, hintWhy);
            xfree(hp);
        } else if (hs == HS_MISSING) {
            printf("note: %s has no hint file (the server writes one at its "
                   "next start if the segment is undamaged)\n", seg->path);
        } else if (hs == HS_ACTIVE) {
            printf("note: the active segment %s has a hint file, which the "
                   "server ignores\n", seg->path);
        }
    }
    ret = 0;

out:
    xfree(sigs.v);
    recoveryResultFree(&res);
    recoveryResultFree(&hres);
    segmentClose(seg);
    return ret;
}

/* The metadata line of the totals (record.h RECORD_META: FUNCTION
 * libraries and the like) with its record counts (kept off the
 * "records:" line, whose form scripts match), and unless quiet one line
 * per entry: its name, value length and where its record lies.  The
 * values were checked by the scan (every record's checksum), so they
 * are not read again. */
static void printMetadata(const replay *rp, int quiet) {
    metaTable *mt = rp->st.meta;
    uint64_t bytes = 0;
    for (size_t i = 0; i < metaTableCount(mt); i++) bytes += metaTableAt(mt, i)->loc.valueLen;
    printf("metadata: %zu entries, %" PRIu64 " value bytes (records applied: meta %" PRIu64
           ", meta-del %" PRIu64 ")\n", metaTableCount(mt), bytes,
           rp->st.byType[RECORD_META], rp->st.byType[RECORD_META_DEL]);
    for (size_t i = 0; !quiet && i < metaTableCount(mt); i++) {
        const metaEntry *e = metaTableAt(mt, i);
        fputs("meta: ", stdout);
        putRepr(stdout, e->name, e->nlen);
        printf(" vlen=%" PRIu32 " seq=%" PRIu64 " seg=%" PRIu32 " offset=%" PRIu32 "\n",
               e->loc.valueLen, e->seq, e->loc.segment, e->loc.offset);
    }
}

/* Prints the totals block (quiet: --stats, no per-entry lines). */
static void printTotals(const totals *t, const replay *rp, int quiet) {
    uint64_t sealed = t->sealed, activeSegs = t->segments - t->sealed;
    printf("segments: %" PRIu64 " (%" PRIu64 " sealed, %" PRIu64 " active)\n",
           t->segments, sealed, activeSegs);
    const uint64_t *by = rp->st.byType;
    printf("records: %" PRIu64 " applied (set %" PRIu64 ", del %" PRIu64
           ", expire %" PRIu64 ", flushdb %" PRIu64 ", flushall %" PRIu64
           ", swapdb %" PRIu64 ", dbmap %" PRIu64 ", element %" PRIu64
           ", element-del %" PRIu64 ")\n",
           t->recordsApplied, by[RECORD_SET], by[RECORD_DEL], by[RECORD_EXPIRE],
           by[RECORD_FLUSHDB], by[RECORD_FLUSHALL], by[RECORD_SWAPDB], by[RECORD_DBMAP],
           by[RECORD_ELEMENT], by[RECORD_ELEMENT_DEL]);
    uint64_t patched = 0;
    for (int db = 0; db < DB_SLOTS; db++) {
        if (rp->st.kd[db] == NULL) continue;
        keydirIterator it;
        keydirIterInit(&it, rp->st.kd[db]);
        keydirEntry *e;
        while ((e = keydirIterNext(&it))) patched += keydirEntryChain(e) != NULL;
        keydirIterRelease(&it);
    }
    printf("patches: %" PRIu64 " applied, %" PRIu64 " keys patched, %" PRIu64
           " without their base\n", by[RECORD_PATCH], patched, rp->st.patchesDropped);
    printf("batches: %" PRIu64 " committed, %" PRIu64 " dropped\n",
           t->batchesApplied, t->batchesDropped);
    uint64_t keys = 0, expires = 0;
    for (int db = 0; db < DB_SLOTS; db++) {
        if (rp->st.kd[db] == NULL) continue;
        keys += keydirSize(rp->st.kd[db]);
        expires += keydirExpiresCount(rp->st.kd[db]);
    }
    printf("keys: %" PRIu64 " (%" PRIu64 " with an expiry, %" PRIu64
           " expired while the server was down)\n", keys, expires, rp->expiredOnLoad);
    for (int db = 0; db < DB_SLOTS; db++) {
        keydir *kd = rp->st.kd[rp->st.dbMap[db]];
        if (kd == NULL || keydirSize(kd) == 0) continue;
        printf("db%d: keys=%zu,expires=%zu\n", db, keydirSize(kd), keydirExpiresCount(kd));
    }
    printMetadata(rp, quiet);
    uint64_t garbage = t->totalBytes > rp->liveBytes ? t->totalBytes - rp->liveBytes : 0;
    printf("bytes: %" PRIu64 " total, %" PRIu64 " live, %" PRIu64
           " garbage (%.1f%%)\n", t->totalBytes, rp->liveBytes, garbage,
           t->totalBytes ? 100.0 * (double)garbage / (double)t->totalBytes : 0.0);
    printf("hints: %" PRIu64 " ok, %" PRIu64 " missing, %" PRIu64 " stale, %" PRIu64
           " invalid, %" PRIu64 " mismatch\n", t->hints[HS_OK], t->hints[HS_MISSING],
           t->hints[HS_STALE], t->hints[HS_INVALID], t->hints[HS_MISMATCH]);
    if (t->tornBytes) {
        printf("torn tail: %" PRIu64 " bytes at offset %" PRIu64 " of seg-%08" PRIu64
               ".log\n", t->tornBytes, t->tornOffset, t->tornSegId);
    } else {
        printf("torn tail: 0 bytes\n");
    }
    printf("damage: %" PRIu64 " regions (%" PRIu64 " bytes)\n", t->damage,
           t->damageBytes);
}

/* Now, in unix ms; exits with status 2 if the clock cannot be read. */
static int64_t wallClockMs(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        errorf("clock_gettime: %s", strerror(errno));
        exit(EXIT_TROUBLE);
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --verify and --stats: checks every segment in id order (the last one as
 * the active segment) and prints the verdict.  Returns the exit status. */
static int runVerify(const options *o, const uint64_t *ids, size_t n) {
    int quiet = o->mode == MODE_STATS;
    replay rp;
    memset(&rp, 0, sizeof(rp));
    rp.st.kd = xcalloc(DB_SLOTS, sizeof(keydir *));
    rp.st.dbCount = DB_SLOTS;
    rp.st.dbMap = xmalloc(sizeof(int) * DB_SLOTS);
    for (int db = 0; db < DB_SLOTS; db++) rp.st.dbMap[db] = db;
    rp.st.countLive = replayCountLive;
    rp.st.report = replayReportPatch;
    rp.st.ctx = &rp;
    rp.st.meta = metaTableCreate();
    rp.quiet = quiet;
    rp.nowMs = wallClockMs();
    totals t;
    memset(&t, 0, sizeof(t));
    int status = EXIT_CLEAN;

    if (!quiet) {
        printf("checking %s (read-only; the server must not be running on it)\n",
               o->dir);
    }
    if (!quiet && reportStrayFiles(o->dir, ids, n) != 0) {
        status = EXIT_TROUBLE;
        goto out;
    }
    if (n == 0 && !quiet) printf("note: no segment files (seg-*.log) in %s\n", o->dir);
    for (size_t i = 0; i < n; i++) {
        if (verifySegment(o->dir, ids[i], i + 1 == n, &rp, &t, quiet) != 0) {
            status = EXIT_TROUBLE;
            goto out;
        }
    }
    replayFinish(&rp.st);
    rp.expiredOnLoad = replayDropExpired(&rp.st, rp.nowMs);
    t.damage += rp.st.patchesDropped;
    if (!quiet) printf("-- totals\n");
    printTotals(&t, &rp, quiet);
    uint64_t badHints = t.hints[HS_STALE] + t.hints[HS_INVALID] + t.hints[HS_MISMATCH];
    if (t.damage || badHints) {
        status = EXIT_DAMAGE;
        printf("result: DAMAGED (%" PRIu64 " damaged regions, %" PRIu64
               " bad hint files)%s\n", t.damage, badHints,
               t.tornBytes ? " and a torn tail" : "");
    } else if (t.tornBytes) {
        status = EXIT_DAMAGE;
        printf("result: TORN TAIL (%" PRIu64 " bytes at the end of the last "
               "segment; everything before it is intact)\n", t.tornBytes);
    } else if (t.unwrittenHeader) {
        status = EXIT_DAMAGE;
        printf("result: UNWRITTEN HEADER (seg-%08" PRIu64 ".log, the last segment, "
               "holds no record yet; everything before it is intact)\n",
               t.unwrittenHeaderSegId);
    } else {
        printf("result: clean\n");
    }

out:
    replayDiscard(&rp.st);
    for (int db = 0; db < DB_SLOTS; db++) keydirRelease(rp.st.kd[db]);
    xfree(rp.st.kd);
    xfree(rp.st.dbMap);
    metaTableFree(rp.st.meta);
    return status;
}

/* -------------------------------------------------------------- dump */

typedef struct offsetList {
    uint64_t *v;
    size_t n, cap;
} offsetList;

/* recoveryScan callback: the offsets of the records recovery delivers (in
 * file order, so the list is sorted). */
static int collectOffset(void *ctx, const recoveryItem *it) {
    offsetList *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 1024;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = it->offset;
    return 0;
}

/* A walk over every record of one segment, for --dump. */
typedef struct dumpWalk {
    const options *o;
    segment *seg;
    segmentReader rd;
    offsetList applied;         /* records recovery delivers */
    size_t appliedCursor;
    const recoveryDamage **damage; /* recovery's reports, by offset */
    size_t ndamage, damageCursor;
    uint64_t records;
} dumpWalk;

/* qsort order of damage report pointers: by offset. */
static int cmpDamage(const void *a, const void *b) {
    const recoveryDamage *x = *(const recoveryDamage *const *)a;
    const recoveryDamage *y = *(const recoveryDamage *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Prints recovery's damage reports that start at or before 'upto'. */
static void dumpFlushDamage(dumpWalk *w, uint64_t upto) {
    while (w->damageCursor < w->ndamage && w->damage[w->damageCursor]->offset <= upto) {
        const recoveryDamage *d = w->damage[w->damageCursor++];
        printf("!! damaged seg=%" PRIu64 " offset=%" PRIu64 " length=%" PRIu64
               ": %s\n", d->segId, d->offset, d->length, d->reason);
    }
}

/* 1 when recovery delivers the data record at pos. */
static int dumpIsApplied(dumpWalk *w, uint64_t pos) {
    while (w->appliedCursor < w->applied.n && w->applied.v[w->appliedCursor] < pos) {
        w->appliedCursor++;
    }
    return w->appliedCursor < w->applied.n && w->applied.v[w->appliedCursor] == pos;
}

/* An element's name as a dump shows it: a list's position as a number
 * (a list trim's two as "trim=lo..hi"), other names as they are. */
static void putElementName(const recordElement *el) {
    if (el->ctype == COLL_LIST && el->nlen == COLL_LIST_NAME_LEN) {
        printf(" position=%" PRIu64, collListNamePos(el->name));
    } else if (el->ctype == COLL_LIST && el->nlen == RECORD_LIST_TRIM_NAME_LEN) {
        printf(" trim=%" PRIu64 "..%" PRIu64, collListNamePos(el->name),
               collListNamePos(el->name + COLL_LIST_NAME_LEN));
    } else {
        printf(" %s=", el->ctype == COLL_HASH                             ? "field"
                       : el->ctype == COLL_SET || el->ctype == COLL_ZSET ? "member"
                                                                          : "element");
        putRepr(stdout, el->name, el->nlen);
    }
}

/* Prints the checked record at pos.  key is h->keylen bytes; value is the
 * whole value when the record was read in one piece, else NULL and the
 * value is read again in pieces.  Returns 0, or -1 after printing an error
 * (read failure). */
static int dumpPrintRecord(dumpWalk *w, uint64_t pos, const recordHeader *h,
                           const char *key, const char *value) {
    int keyed = h->type == RECORD_SET || h->type == RECORD_DEL ||
                h->type == RECORD_EXPIRE || h->type == RECORD_PATCH ||
                h->type == RECORD_ELEMENT || h->type == RECORD_ELEMENT_DEL;
    if (w->o->keysOnly && !keyed) return 0;
    char ts[80];
    printf("seg=%" PRIu64 " offset=%" PRIu64 " seq=%" PRIu64, w->seg->id, pos, h->seq);
    if (!w->o->keysOnly) {
        numFormatUnixMs(ts, sizeof(ts), h->timestamp);
        printf(" ts=%s", ts);
    }
    printf(" type=%s db=%u", recordTypeName(h->type), (unsigned)h->db);
    if (h->flags) printf(" flags=%u", (unsigned)h->flags);
    fputs(" key=", stdout);
    if (h->type == RECORD_PATCH) {
        recordPatch p;
        recordDecodePatch(key, &p);
        putRepr(stdout, key + RECORD_PATCH_HEADER_SIZE, h->keylen - RECORD_PATCH_HEADER_SIZE);
        if (!w->o->keysOnly)
            printf(" patches=seq:%" PRIu64 " at=%" PRIu32 " len=%" PRIu32, p.prevSeq, p.at,
                   p.valueLen);
    } else if ((h->type == RECORD_ELEMENT || h->type == RECORD_ELEMENT_DEL) &&
               recordCheckElement(key, h->keylen) == NULL) {
        recordElement el;
        recordDecodeElement(key, h->keylen, &el);
        putRepr(stdout, el.key, el.klen);
        putElementName(&el);
    } else {
        putRepr(stdout, key, h->keylen);
    }
    if (!w->o->keysOnly) {
        if (h->expireAt) {
            numFormatUnixMs(ts, sizeof(ts), h->expireAt);
            printf(" expire=%s", ts);
        } else {
            fputs(" expire=none", stdout);
        }
        printf(" vlen=%" PRIu32, h->vallen);
        if (value && recordValueIndexed(h, key)) {
            /* a sorted set's member: its score, as ZSCORE would print it */
            char score[64];
            numFormatDouble(score, sizeof(score), collZsetScoreDecode(value));
            printf(" score=%s", score);
        } else if (h->type == RECORD_BATCH_BEGIN) {
            /* A marker is 48 bytes: always read in one piece. */
            printf(" count=%" PRIu32, value ? recordDecodeBatchCount(value) : 0);
        } else {
            uint64_t show = h->vallen;
            if (!w->o->full && show > VALUE_PREVIEW) show = VALUE_PREVIEW;
            fputs(" value=\"", stdout);
            if (value) {
                putReprBody(stdout, value, (size_t)show);
            } else {
                uint64_t at = pos + RECORD_HEADER_SIZE + h->keylen, left = show;
                while (left) {
                    size_t k = left > READ_CHUNK ? READ_CHUNK : (size_t)left;
                    const char *p = segmentReaderGet(&w->rd, at, k);
                    if (p == NULL) {
                        putchar('\n');
                        errorf("read %s at offset %" PRIu64 ": %s", w->seg->path, at,
                               errno == ERANGE ? "unexpected end of file"
                                               : strerror(errno));
                        return -1;
                    }
                    putReprBody(stdout, p, k);
                    at += k;
                    left -= k;
                }
            }
            putchar('"');
            if (show < h->vallen) printf("... (%" PRIu64 " more bytes)", h->vallen - show);
        }
    }
    if (recordIsDataType(h->type) && !dumpIsApplied(w, pos)) fputs(" [not applied]", stdout);
    putchar('\n');
    return 0;
}

/* Walks every record of w->seg in file order the way recoveryScan does
 * (header checksum and rules, full checksum; byte-wise resynchronisation
 * after a bad header, exact skip after a bad record) and prints each good
 * record, with recovery's damage reports at their offsets.  Returns 0, or
 * -1 after printing an error. */
static int dumpWalkSegment(dumpWalk *w) {
    const uint64_t limit = w->seg->size;
    char *keyCopy = NULL;
    size_t keyCopyCap = 0;
    uint64_t pos = SEGMENT_HEADER_SIZE;
    int ret = -1;
    while (pos < limit && limit - pos >= RECORD_HEADER_SIZE) {
        const char *p = segmentReaderGet(&w->rd, pos, RECORD_HEADER_SIZE);
        if (p == NULL) goto ioerr;
        recordHeader h;
        if (recordDecodeHeader(p, RECORD_HEADER_SIZE, 0, &h, NULL) != RECORD_OK) {
            pos++;
            continue;
        }
        uint64_t total = recordEncodedSize(h.keylen, h.vallen);
        if (total > limit - pos) break;     /* the rest is this record's */
        const char *key, *value = NULL;
        uint32_t crc;
        if (total <= READ_CHUNK) {
            p = segmentReaderGet(&w->rd, pos, (size_t)total);
            if (p == NULL) goto ioerr;
            crc = crc32cUpdate(recordCrcBegin(p), p + RECORD_HEADER_SIZE,
                               (size_t)(total - RECORD_HEADER_SIZE));
            key = p + RECORD_HEADER_SIZE;
            value = key + h.keylen;
        } else {
            /* Large record: keep a copy of the key, stream the value. */
            p = segmentReaderGet(&w->rd, pos, RECORD_HEADER_SIZE + (size_t)h.keylen);
            if (p == NULL) goto ioerr;
            if (h.keylen > keyCopyCap) {
                xfree(keyCopy);
                keyCopy = xmalloc(h.keylen);
                keyCopyCap = h.keylen;
            }
            if (h.keylen) memcpy(keyCopy, p + RECORD_HEADER_SIZE, h.keylen);
            crc = crc32cUpdate(recordCrcBegin(p), keyCopy, h.keylen);
            uint64_t vpos = pos + RECORD_HEADER_SIZE + h.keylen, left = h.vallen;
            while (left) {
                size_t k = left > READ_CHUNK ? READ_CHUNK : (size_t)left;
                const char *v = segmentReaderGet(&w->rd, vpos, k);
                if (v == NULL) {
                    pos = vpos;
                    goto ioerr;
                }
                crc = crc32cUpdate(crc, v, k);
                vpos += k;
                left -= k;
            }
            key = keyCopy;
        }
        if (crc != h.crc) {
            pos += total;
            continue;
        }
        dumpFlushDamage(w, pos);
        w->records++;
        if (dumpPrintRecord(w, pos, &h, key, value) != 0) goto out;
        pos += total;
    }
    dumpFlushDamage(w, UINT64_MAX);
    ret = 0;
    goto out;

ioerr:
    errorf("read %s at offset %" PRIu64 ": %s", w->seg->path, pos,
           errno == ERANGE ? "unexpected end of file" : strerror(errno));
out:
    xfree(keyCopy);
    return ret;
}

/* Dumps segment 'id' (active: the last one, see lastSegmentActive) and
 * adds its counts to the totals.  Returns 0, or -1 after printing an
 * error. */
static int dumpSegment(const options *o, uint64_t id, int active, uint64_t *records,
                       uint64_t *damaged, uint64_t *torn, uint64_t *unwritten) {
    char err[512];
    segment *seg = segmentOpen(o->dir, id, SEGMENT_OPEN_READ | SEGMENT_OPEN_ANYHEADER,
                               err, sizeof(err));
    if (seg == NULL) {
        errorf("%s", err);
        return -1;
    }
    if (active) active = lastSegmentActive(seg, 0);
    dumpWalk w;
    memset(&w, 0, sizeof(w));
    w.o = o;
    w.seg = seg;
    int ret = -1;

    /* First the server's own verdict: which records recovery applies, what
     * it reports as damage, where a torn tail starts. */
    recoveryOptions ro;
    memset(&ro, 0, sizeof(ro));
    ro.active = active;
    ro.dryRun = 1;
    recoveryResult res;
    recoveryResultInit(&res);
    if (recoveryScan(seg, &ro, collectOffset, &w.applied, &res, err, sizeof(err)) != 0) {
        errorf("%s", err);
        goto out;
    }
    if (res.damageCount) {
        w.damage = xmalloc(res.damageCount * sizeof(*w.damage));
        for (size_t i = 0; i < res.damageCount; i++) w.damage[i] = &res.damage[i];
        qsort(w.damage, res.damageCount, sizeof(*w.damage), cmpDamage);
        w.ndamage = res.damageCount;
    }

    printf("# %s %s size=%" PRIu64 " header=%s%s\n", baseName(seg->path),
           active ? "active" : "sealed", seg->size, seg->headerOk ? "ok" : "BAD: ",
           seg->headerOk ? "" : seg->headerError);
    segmentReaderInit(&w.rd, seg->fd, seg->size, READ_CHUNK);
    int rc = dumpWalkSegment(&w);
    segmentReaderFree(&w.rd);
    if (rc != 0) goto out;
    if (res.damageTotal > res.damageCount) {
        printf("!! %" PRIu64 " more damaged regions not listed\n",
               res.damageTotal - res.damageCount);
    }
    if (res.headersWritten) {
        printUnwrittenHeader(seg, &res, "!! ");
        *unwritten += res.headersWritten;
    } else if (res.tornBytes) {
        printf("!! torn tail seg=%" PRIu64 " offset=%" PRIu64 " length=%" PRIu64
               ": an interrupted write; the server cuts it at its next start\n",
               seg->id, res.tornOffset, res.tornBytes);
        *torn += res.tornBytes;
    }
    *records += w.records;
    *damaged += res.damageTotal;
    ret = 0;

out:
    xfree(w.damage);
    xfree(w.applied.v);
    recoveryResultFree(&res);
    segmentClose(seg);
    return ret;
}

/* --dump: every segment, or only --segment N.  Returns the exit status
 * (1 when recovery would report damage or a torn tail). */
static int runDump(const options *o, const uint64_t *ids, size_t n) {
    uint64_t records = 0, damaged = 0, torn = 0, unwritten = 0;
    size_t dumped = 0;
    for (size_t i = 0; i < n; i++) {
        if (o->haveSegment && ids[i] != o->segment) continue;
        if (dumpSegment(o, ids[i], i + 1 == n, &records, &damaged, &torn, &unwritten) != 0) {
            return EXIT_TROUBLE;
        }
        dumped++;
    }
    if (o->haveSegment && dumped == 0) {
        errorf("no segment %" PRIu64 " (seg-%08" PRIu64 ".log) in %s", o->segment,
               o->segment, o->dir);
        return EXIT_TROUBLE;
    }
    printf("# %zu segments, %" PRIu64 " good records, %" PRIu64
           " damage reports, %" PRIu64 " torn bytes\n", dumped, records, damaged, torn);
    return damaged || torn || unwritten ? EXIT_DAMAGE : EXIT_CLEAN;
}

/* ---------------------------------------------------------------- main */

/* Prints the message (printf-style) and a pointer to
 * --help on stderr, and exits with status 2. */
static _Noreturn void usageError(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static _Noreturn void usageError(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("redis-kv-check: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'redis-kv-check --help'.\n", stderr);
    exit(EXIT_TROUBLE);
}

/* Parses a segment id: decimal digits only, no overflow.  1 on success. */
static int parseId(const char *s, uint64_t *out) {
    if (*s < '0' || *s > '9') return 0;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        if (v > (UINT64_MAX - 9) / 10) return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 1;
}

/* Fills *o from the command line; exits with status 2 on a usage error and
 * 0 after --help. */
static void parseArgs(int argc, char **argv, options *o) {
    memset(o, 0, sizeof(*o));
    o->atMs = -1;
    int modeSet = 0, endOfOptions = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int mode = -1;
        if (endOfOptions || a[0] != '-' || a[1] == '\0') {
            if (o->dir) usageError("more than one directory given ('%s')", a);
            o->dir = a;
        } else if (!strcmp(a, "--")) {
            endOfOptions = 1;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usageText, stdout);
            exit(fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_TROUBLE);
        } else if (!strcmp(a, "--verify")) {
            mode = MODE_VERIFY;
        } else if (!strcmp(a, "--stats")) {
            mode = MODE_STATS;
        } else if (!strcmp(a, "--dump")) {
            mode = MODE_DUMP;
        } else if (!strcmp(a, "--segment")) {
            if (i + 1 >= argc) usageError("%s needs a segment number", a);
            if (!parseId(argv[++i], &o->segment))
                usageError("bad segment number '%s'", argv[i]);
            o->haveSegment = 1;
        } else if (!strcmp(a, "--restore")) {
            if (i + 1 >= argc) usageError("%s needs a backup directory", a);
            o->backup = argv[++i];
            mode = MODE_RESTORE;
        } else if (!strcmp(a, "--to") || !strcmp(a, "--data")) {
            if (i + 1 >= argc) usageError("%s needs a directory", a);
            if (a[2] == 't') o->to = argv[++i];
            else o->data = argv[++i];
        } else if (!strcmp(a, "--at")) {
            uint64_t ms;
            if (i + 1 >= argc) usageError("%s needs a unix time in milliseconds", a);
            if (!parseId(argv[++i], &ms) || ms > INT64_MAX)
                usageError("bad time '%s' (unix time in milliseconds)", argv[i]);
            o->atMs = (int64_t)ms;
        } else if (!strcmp(a, "--keys-only")) {
            o->keysOnly = 1;
        } else if (!strcmp(a, "--full")) {
            o->full = 1;
        } else {
            usageError("unknown option '%s'", a);
        }
        if (mode >= 0) {
            if (modeSet && o->mode != mode) {
                usageError("give only one of --verify, --stats, --dump and --restore");
            }
            o->mode = mode;
            modeSet = 1;
        }
    }
    if (o->mode == MODE_RESTORE) {
        if (o->dir) usageError("--restore takes no DIR argument (use --to DIR)");
        if (o->to == NULL) usageError("--restore needs --to DIR");
        if (o->haveSegment || o->keysOnly || o->full)
            usageError("--segment, --keys-only and --full go with --dump");
        return;
    }
    if (o->to || o->data || o->atMs >= 0) usageError("--to, --at and --data go with --restore");
    if (o->dir == NULL) usageError("no data directory given");
    if (o->mode != MODE_DUMP && (o->haveSegment || o->keysOnly || o->full)) {
        usageError("--segment, --keys-only and --full go with --dump");
    }
}

/* Seeds the key directories' hash function with random bytes, so that a
 * crafted data set cannot make them degenerate. */
static void seedHash(void) {
    uint8_t seed[16];
    if (getentropy(seed, sizeof(seed)) != 0) {
        errorf("getentropy: %s (using the built-in hash seed)", strerror(errno));
        return;
    }
    dictSetHashSeed(seed);
}

/* --restore: prints the report; the exit status. */
static int runRestore(const options *o) {
    pitrOptions po = {o->backup, o->data, o->to, o->atMs, 0};
    pitrReport r;
    char err[1024], t[64];
    int rc = pitrRestore(&po, &r, err, sizeof(err));
    if (rc != PITR_OK) {
        errorf("restore failed: %s", err);
        return rc == PITR_ERR_BACKUP ? EXIT_DAMAGE : EXIT_TROUBLE;
    }
    numFormatUnixMs(t, sizeof(t), r.backupTimeMs);
    printf("restored backup %" PRIu64 " (taken at %s, seq %" PRIu64 ") into %s\n", r.backupId,
           t, r.backupSeq, o->to);
    if (o->atMs >= 0) {
        numFormatUnixMs(t, sizeof(t), o->atMs);
        printf("point in time:         %s\n", t);
    } else {
        printf("point in time:         the backup itself (no --at)\n");
    }
    printf("files from the backup: %" PRIu64 "\n", r.backupFiles);
    printf("later segments copied: %" PRIu64 "\n", r.segmentsCopied);
    printf("units replayed:        %" PRIu64 " (after the backup)\n", r.unitsReplayed);
    printf("last seq included:     %" PRIu64 "\n", r.lastSeq);
    numFormatUnixMs(t, sizeof(t), r.lastTimeMs);
    printf("last unit's time:      %s\n", t);
    if (r.nextTimeMs >= 0) {
        numFormatUnixMs(t, sizeof(t), r.nextTimeMs);
        printf("first unit left out:   %s\n", t);
    } else if (r.endOfLog) {
        printf("first unit left out:   none: the log ends before --at, all of it is in\n");
    }
    printf("active segment:        seg-%08" PRIu64 ".log (%" PRIu64 " bytes)\n",
           r.activeSegment, r.activeSize);
    printf("keys:                  %" PRIu64 "\n", r.keys);
    if (r.damage) {
        errorf("the backup's files have %" PRIu64 " damaged region(s): run redis-kv-check %s",
               r.damage, o->to);
        return EXIT_DAMAGE;
    }
    return EXIT_CLEAN;
}

int main(int argc, char **argv) {
    options o;
    parseArgs(argc, argv, &o);
    seedHash();
    if (o.mode == MODE_RESTORE) {
        int status = runRestore(&o);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            errorf("write to standard output: %s", strerror(errno));
            return EXIT_TROUBLE;
        }
        return status;
    }

    struct stat st;
    if (stat(o.dir, &st) != 0) {
        errorf("%s: %s", o.dir, strerror(errno));
        return EXIT_TROUBLE;
    }
    if (!S_ISDIR(st.st_mode)) {
        errorf("%s: not a directory", o.dir);
        return EXIT_TROUBLE;
    }
    uint64_t *ids = NULL;
    size_t n = 0;
    char err[512];
    if (segmentListIds(o.dir, &ids, &n, err, sizeof(err)) != 0) {
        errorf("%s", err);
        return EXIT_TROUBLE;
    }

    int status = o.mode == MODE_DUMP ? runDump(&o, ids, n) : runVerify(&o, ids, n);
    xfree(ids);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        errorf("write to standard output: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    return status;
}
