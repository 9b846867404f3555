/* db/persist.c -- the persistence API (persist.h).
 *
 * Snapshots as Redis's RDB saves: starting them (BGSAVE, SAVE, `save`
 * points, a scheduled BGSAVE), noting how they ended (the INFO persistence
 * rdb_* fields, LASTSAVE), and where backups live.  Compactions as Redis's
 * AOF rewrites (BGREWRITEAOF, scheduled or automatic).  Backups listed,
 * deleted and restored.
 *
 * A snapshot here is a backup (store/snapshot.c): the store seals the
 * active segment and its background thread links the sealed segments into
 * backup-dir/<id>.  Starting one costs a seal (an fsync); the rest happens
 * off the event loop, and the cron notices the end (as Redis's cron
 * notices its child's exit). */
#include "db/persist.h"

#include "db/db.h"
#include "db/db_internal.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/log.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failure, save points wait
 * this long before the next try. */
#define BGSAVE_RETRY_DELAY_SEC 5

persistSettingsValue persistSettings;

/* What Redis keeps in `server` about its saves and rewrites. */
static struct {
    void (*reloadData)(const char *why);
    time_t lastsave;              /* LASTSAVE: the last successful save */
    time_t lastBgsaveTry;         /* when the last snapshot was attempted */
    int lastBgsaveOk;             /* rdb_last_bgsave_status */
    long long lastBgsaveTimeSec;  /* rdb_last_bgsave_time_sec, -1 before any */
    long long bgsaveStartMs;      /* the running one's start, 0 = none */
    long long dirtyBeforeBgsave;  /* changes when the running one started */
    long long rdbSaves;           /* successful saves since start */
    int bgsaveScheduled;          /* BGSAVE SCHEDULE / in EXEC: the cron starts it */
    int rewriteScheduled;         /* BGREWRITEAOF inside EXEC: the cron starts it */
    unsigned long long baseBytes; /* data size when the data set was opened */
} ps = {.lastBgsaveOk = 1, .lastBgsaveTimeSec = -1};

static struct store *theStore(void) { return dbGetContext()->store; }

static long long *changeCount(void) { return dbGetContext()->changes; }

void persistInit(void (*reloadData)(const char *why)) { ps.reloadData = reloadData; }

void persistDataOpened(int atStartup) {
    storeStats st;
    storeGetStats(theStore(), &st);
    ps.baseBytes = st.totalBytes;
    if (atStartup) ps.lastsave = cachedClock.unixtime; /* as Redis: the data counts as saved */
}

const char *persistBackupDir(void) {
    const char *d = persistSettings.backupDir;
    return d && d[0] ? d : "backups";
}

int persistHasSavePoints(void) {
    return persistSettings.savePoints && persistSettings.savePoints[0];
}

time_t persistLastSave(void) { return ps.lastsave; }

int bgsaveInProgress(void) { return ps.bgsaveStartMs != 0; }

void bgsaveSchedule(void) { ps.bgsaveScheduled = 1; }

int bgsaveStart(char *err, size_t errlen) {
    char cwd[PATH_MAX];
    storeSnapshotOptions o = {0};
    o.backupDir = persistBackupDir();
    o.dataDirAbs = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
    o.keep = persistSettings.backupKeep;
    o.delayUsPerFile = persistSettings.rdbKeySaveDelay > 0 ? (uint64_t)persistSettings.rdbKeySaveDelay : 0;
    uint64_t id, seq;
    ps.lastBgsaveTry = cachedClock.unixtime;
    if (storeSnapshotStart(theStore(), &o, &id, &seq, err, errlen) < 0) {
        ps.lastBgsaveOk = 0;
        serverLog(LL_WARNING, "Can't save in background: %s", err);
        return -1;
    }
    ps.bgsaveStartMs = cachedClock.mstime ? cachedClock.mstime : 1;
    ps.dirtyBeforeBgsave = *changeCount();
    serverLog(LL_NOTICE, "Background saving started: backup %llu at sequence number %llu",
              (unsigned long long)id, (unsigned long long)seq);
    return 0;
}

/* Notes a finished snapshot as Redis notes its child's exit. */
static void bgsaveDone(const storeSnapshotResult *r) {
    ps.bgsaveStartMs = 0;
    ps.lastBgsaveTimeSec = (r->endMs - r->startMs) / 1000;
    if (r->ok) {
        ps.lastBgsaveOk = 1;
        *changeCount() -= ps.dirtyBeforeBgsave;
        ps.lastsave = (time_t)(r->startMs / 1000);
        ps.rdbSaves++;
        serverLog(LL_NOTICE, "Background saving terminated with success: backup %llu in %lld ms",
                  (unsigned long long)r->id, (long long)(r->endMs - r->startMs));
    } else {
        ps.lastBgsaveOk = 0;
        serverLog(LL_WARNING, "Background saving error: %s", r->error);
    }
}

int bgsavePoll(void) {
    storeSnapshotResult r;
    if (!theStore() || !storeSnapshotPoll(theStore(), &r)) return 0;
    bgsaveDone(&r);
    return 1;
}

void bgsaveWait(void) {
    if (!theStore()) return;
    storeSnapshotWait(theStore());
    bgsavePoll();
}

int saveSync(char *err, size_t errlen) {
    if (storeCompacting(theStore())) {
        /* Redis's SAVE runs whatever child is active; here the snapshot
         * needs the merge out of the way first, and SAVE blocks anyway. */
        serverLog(LL_NOTICE, "SAVE: waiting for the running compaction to end");
        storeCompactWait(theStore());
    }
    if (bgsaveStart(err, errlen) < 0) return -1;
    storeSnapshotWait(theStore());
    storeSnapshotResult r;
    if (!storeSnapshotPoll(theStore(), &r)) {
        snprintf(err, errlen, "the snapshot did not finish");
        ps.bgsaveStartMs = 0;
        return -1;
    }
    bgsaveDone(&r);
    if (!r.ok) snprintf(err, errlen, "%s", r.error);
    return r.ok ? 0 : -1;
}

/* Automatic snapshots wait a while after a failed one (Redis's rule). */
static int mayTryAgain(void) {
    return ps.lastBgsaveOk || cachedClock.unixtime - ps.lastBgsaveTry > BGSAVE_RETRY_DELAY_SEC;
}

/* Whether a `save` point says it is time: Redis's serverCron rule. */
static int savePointDue(void) {
    const char *p = persistSettings.savePoints;
    if (!p || !*p || !mayTryAgain()) return 0;
    while (*p) {
        char *end;
        long long seconds = strtoll(p, &end, 10);
        if (end == p) break;
        long long changes = strtoll(end, &end, 10);
        p = end;
        if (*changeCount() >= changes && cachedClock.unixtime - ps.lastsave > seconds) {
            serverLog(LL_NOTICE, "%lld changes in %lld seconds. Saving...", changes, seconds);
            return 1;
        }
    }
    return 0;
}

/* A rewrite asked for while it had to wait starts once nothing is in
 * its way. */
static void startScheduledRewrite(void) {
    if (!ps.rewriteScheduled || storeCompacting(theStore()) || storeSnapshotRunning(theStore()))
        return;
    char err[256];
    ps.rewriteScheduled = 0;
    if (storeCompactStart(theStore(), err, sizeof(err)) < 0)
        serverLog(LL_WARNING, "Can't rewrite the log: %s", err);
}

/* The snapshot side of the cron: a scheduled one, or one a `save` point
 * asks for, unless one runs or a compaction is in the way. */
static void snapshotCron(void) {
    bgsavePoll();
    if (bgsaveInProgress() || storeCompacting(theStore())) return;
    char err[256];
    if (ps.bgsaveScheduled && mayTryAgain()) {
        if (bgsaveStart(err, sizeof(err)) == 0) ps.bgsaveScheduled = 0;
        return;
    }
    if (savePointDue()) bgsaveStart(err, sizeof(err));
}

void persistCron(void) {
    if (!theStore()) return;
    snapshotCron();
    startScheduledRewrite();
    storeCompactMaybeStart(theStore());
}

/* ------------------------------------------------------------ rewrites */

int rewriteInProgress(void) { return storeCompacting(theStore()); }

int rewriteMustWait(void) { return dbInBatch() || storeSnapshotRunning(theStore()); }

int rewriteStart(char *err, size_t errlen) { return storeCompactStart(theStore(), err, errlen); }

void rewriteSchedule(void) { ps.rewriteScheduled = 1; }

/* ------------------------------------------------------------- backups */

int persistBackupList(backupManifest **list, size_t *n, size_t *damaged, char *err,
                      size_t errlen) {
    return backupList(persistBackupDir(), list, n, damaged, err, errlen);
}

int persistBackupDelete(uint64_t id, char *err, size_t errlen) {
    bgsaveWait(); /* a snapshot job may be pruning backup-dir */
    return backupDelete(persistBackupDir(), id, err, errlen);
}

int persistRestore(uint64_t id, uint64_t *seq, char *err, size_t errlen) {
    bgsaveWait(); /* a snapshot job may be pruning backup-dir */
    storeStats st;
    storeGetStats(theStore(), &st);
    char *path = backupPath(persistBackupDir(), id, "");
    int rc = storeRestoreStage(".", path, st.lastSeq + 1, err, errlen);
    xfree(path);
    if (rc < 0) return -1;
    ps.reloadData("BACKUP RESTORE");
    storeGetStats(theStore(), &st);
    (*changeCount())++;
    *seq = st.lastSeq;
    return 0;
}

void persistReload(const char *why) { ps.reloadData(why); }

/* ---------------------------------------------------------------- INFO */

void persistGetStoreStats(storeStats *out) { storeGetStats(theStore(), out); }

void persistGetInfo(persistInfo *out) {
    bgsavePoll();
    storeGetStats(theStore(), &out->store);
    out->changesSinceSave = *changeCount();
    out->bgsaveInProgress = bgsaveInProgress();
    out->lastSave = ps.lastsave;
    out->lastBgsaveOk = ps.lastBgsaveOk;
    out->lastBgsaveTimeSec = ps.lastBgsaveTimeSec;
    out->currentBgsaveSec =
        bgsaveInProgress() ? (cachedClock.mstime - ps.bgsaveStartMs) / 1000 : -1;
    out->saves = ps.rdbSaves;
    out->rewriteScheduled = ps.rewriteScheduled;
    out->baseBytes = out->store.compactionsDone ? out->store.compactBaseBytes : ps.baseBytes;
}
