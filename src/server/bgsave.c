/* server/bgsave.c -- snapshots as Redis's RDB saves: starting them (BGSAVE,
 * SAVE, `save` points, a scheduled BGSAVE), noting how they ended (the INFO
 * persistence rdb_* fields, LASTSAVE), and where backups live.
 *
 * A snapshot here is a backup (store/snapshot.c): the store seals the
 * active segment and its background thread links the sealed segments into
 * backup-dir/<id>.  Starting one costs a seal (an fsync); the rest happens
 * off the event loop, and the cron notices the end (as Redis's cron
 * notices its child's exit). */
#include "server/bgsave.h"

#include "lib/alloc.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "server/server.h"
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failure, save points wait
 * this long before the next try. */
#define BGSAVE_RETRY_DELAY_SEC 5

const char *bgsaveBackupDir(void) {
    return server.backupDir && server.backupDir[0] ? server.backupDir : "backups";
}

int bgsaveInProgress(void) { return server.bgsaveStartMs != 0; }

int bgsaveStart(char *err, size_t errlen) {
    char cwd[PATH_MAX];
    storeSnapshotOptions o = {0};
    o.backupDir = bgsaveBackupDir();
    o.dataDirAbs = getcwd(cwd, sizeof(cwd)) ? cwd : ".";
    o.keep = server.backupKeep;
    o.delayUsPerFile = server.rdbKeySaveDelay > 0 ? (uint64_t)server.rdbKeySaveDelay : 0;
    uint64_t id, seq;
    server.lastBgsaveTry = cachedClock.unixtime;
    if (storeSnapshotStart(server.store, &o, &id, &seq, err, errlen) < 0) {
        server.lastBgsaveOk = 0;
        serverLog(LL_WARNING, "Can't save in background: %s", err);
        return -1;
    }
    server.bgsaveStartMs = cachedClock.mstime ? cachedClock.mstime : 1;
    server.dirtyBeforeBgsave = server.dirty;
    serverLog(LL_NOTICE, "Background saving started: backup %llu at sequence number %llu",
              (unsigned long long)id, (unsigned long long)seq);
    return 0;
}

/* Notes a finished snapshot as Redis notes its child's exit. */
static void bgsaveDone(const storeSnapshotResult *r) {
    server.bgsaveStartMs = 0;
    server.lastBgsaveTimeSec = (r->endMs - r->startMs) / 1000;
    if (r->ok) {
        server.lastBgsaveOk = 1;
        server.dirty -= server.dirtyBeforeBgsave;
        server.lastsave = (time_t)(r->startMs / 1000);
        server.rdbSaves++;
        serverLog(LL_NOTICE, "Background saving terminated with success: backup %llu in %lld ms",
                  (unsigned long long)r->id, (long long)(r->endMs - r->startMs));
    } else {
        server.lastBgsaveOk = 0;
        serverLog(LL_WARNING, "Background saving error: %s", r->error);
    }
}

int bgsavePoll(void) {
    storeSnapshotResult r;
    if (!server.store || !storeSnapshotPoll(server.store, &r)) return 0;
    bgsaveDone(&r);
    return 1;
}

void bgsaveWait(void) {
    if (!server.store) return;
    storeSnapshotWait(server.store);
    bgsavePoll();
}

int saveSync(char *err, size_t errlen) {
    if (storeCompacting(server.store)) {
        /* Redis's SAVE runs whatever child is active; here the snapshot
         * needs the merge out of the way first, and SAVE blocks anyway. */
        serverLog(LL_NOTICE, "SAVE: waiting for the running compaction to end");
        storeCompactWait(server.store);
    }
    if (bgsaveStart(err, errlen) < 0) return -1;
    storeSnapshotWait(server.store);
    storeSnapshotResult r;
    if (!storeSnapshotPoll(server.store, &r)) {
        snprintf(err, errlen, "the snapshot did not finish");
        server.bgsaveStartMs = 0;
        return -1;
    }
    bgsaveDone(&r);
    if (!r.ok) snprintf(err, errlen, "%s", r.error);
    return r.ok ? 0 : -1;
}

/* Automatic snapshots wait a while after a failed one (Redis's rule). */
static int mayTryAgain(void) {
    return server.lastBgsaveOk || cachedClock.unixtime - server.lastBgsaveTry > BGSAVE_RETRY_DELAY_SEC;
}

/* Whether a `save` point says it is time: Redis's serverCron rule. */
static int savePointDue(void) {
    const char *p = server.savePoints;
    if (!p || !*p || !mayTryAgain()) return 0;
    while (*p) {
        char *end;
        long long seconds = strtoll(p, &end, 10);
        if (end == p) break;
        long long changes = strtoll(end, &end, 10);
        p = end;
        if (server.dirty >= changes && cachedClock.unixtime - server.lastsave > seconds) {
            serverLog(LL_NOTICE, "%lld changes in %lld seconds. Saving...", changes, seconds);
            return 1;
        }
    }
    return 0;
}

void bgsaveCron(void) {
    if (!server.store) return;
    bgsavePoll();
    if (bgsaveInProgress() || storeCompacting(server.store)) return;
    char err[256];
    if (server.bgsaveScheduled && mayTryAgain()) {
        if (bgsaveStart(err, sizeof(err)) == 0) server.bgsaveScheduled = 0;
        return;
    }
    if (savePointDue()) bgsaveStart(err, sizeof(err));
}
