/* db/persist.h -- the persistence API handlers use: snapshots started the
 * way Redis starts RDB saves (BGSAVE, SAVE, `save` points, a scheduled
 * BGSAVE), compactions of the log started the way Redis starts AOF
 * rewrites (BGREWRITEAOF), the backup directory (list, delete, restore),
 * and the figures INFO persistence prints.  It drives store/'s snapshot,
 * compaction and backup calls on the store dbInit was given, so no
 * handler touches store/ itself.  See persist.c. */
#ifndef REDIS_KV_PERSIST_H
#define REDIS_KV_PERSIST_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/backup.h"
#include "store/store.h"

/* The config values this module reads ("save", "backup-dir",
 * "backup-keep", "rdb-key-save-delay"); the config table writes them. */
typedef struct persistSettingsValue {
    char *savePoints;          /* `save`: "seconds changes ...", "" = none */
    char *backupDir;           /* relative to dir; NULL or "" = "backups" */
    int backupKeep;            /* newest N kept after a snapshot, 0 = all */
    long long rdbKeySaveDelay; /* test knob: us slept per linked file */
} persistSettingsValue;

extern persistSettingsValue persistSettings;

/* The server's part, given once at start-up: closing and opening the data
 * set again in place (DEBUG RELOAD, BACKUP RESTORE), which only the server
 * can do (it owns the store and the event loop). */
void persistInit(void (*reloadData)(const char *why));

/* The data set was opened: notes its size (aof_base_size until the first
 * compaction) and, at start-up, counts it as saved (LASTSAVE), as Redis. */
void persistDataOpened(int atStartup);

/* backup-dir as configured ("backups" when empty), relative to dir. */
const char *persistBackupDir(void);

/* ---- Snapshots (BGSAVE, SAVE) ---------------------------------------- */

int bgsaveInProgress(void);

/* Starts a snapshot in the background.  0, or -1 with the reason in err
 * (logged; rdb_last_bgsave_status becomes err). */
int bgsaveStart(char *err, size_t errlen);

/* BGSAVE SCHEDULE, or BGSAVE inside EXEC: the cron starts it. */
void bgsaveSchedule(void);

/* SAVE: a snapshot, waited for (a running compaction first).  0 or -1. */
int saveSync(char *err, size_t errlen);

/* Notes a snapshot that ended (1) or not (0); the cron calls it, and so
 * does anything that must know before it goes on. */
int bgsavePoll(void);

/* Waits for a running snapshot (and its pruning) to end and notes how it
 * ended: for what must not run beside one (restore, reload, shutdown). */
void bgsaveWait(void);

/* Whether `save` points are configured (SHUTDOWN saves then). */
int persistHasSavePoints(void);

/* LASTSAVE: when the last successful save started (unix s). */
time_t persistLastSave(void);

/* ---- Compaction (BGREWRITEAOF) ---------------------------------------- */

int rewriteInProgress(void);
/* Whether a rewrite must wait (a snapshot runs, or a batch is open). */
int rewriteMustWait(void);
/* Starts a compaction.  0, or -1 with the reason in err. */
int rewriteStart(char *err, size_t errlen);
/* BGREWRITEAOF while a snapshot runs or inside EXEC: the cron starts it. */
void rewriteSchedule(void);

/* Once per cron tick: notes the end of a snapshot, starts a scheduled
 * snapshot or rewrite, one a `save` point asks for, or an automatic
 * compaction (compact-garbage-percent). */
void persistCron(void);

/* ---- Backups ------------------------------------------------------------ */

/* The complete backups of backup-dir, oldest first (store/backup.h). */
int persistBackupList(backupManifest **list, size_t *n, size_t *damaged, char *err,
                      size_t errlen);
int persistBackupDelete(uint64_t id, char *err, size_t errlen);
/* Replaces the data set with backup id (store/restore.c: atomic), then
 * opens it again in place.  0 with the sequence number the data set now
 * ends at, or -1 with the reason in err (nothing changed). */
int persistRestore(uint64_t id, uint64_t *seq, char *err, size_t errlen);
/* DEBUG RELOAD: closes the data set and opens it again from disk. */
void persistReload(const char *why);

/* ---- INFO ----------------------------------------------------------------- */

/* The rdb_* and aof_* figures INFO persistence prints, plus the store's
 * own statistics for INFO storage and keyspace. */
typedef struct persistInfo {
    long long changesSinceSave;  /* rdb_changes_since_last_save */
    int bgsaveInProgress;
    time_t lastSave;
    int lastBgsaveOk;
    long long lastBgsaveTimeSec; /* -1 before any */
    long long currentBgsaveSec;  /* -1 when none runs */
    long long saves;             /* rdb_saves */
    int rewriteScheduled;
    unsigned long long baseBytes; /* aof_base_size */
    storeStats store;
} persistInfo;

void persistGetInfo(persistInfo *out);
void persistGetStoreStats(storeStats *out);

#endif
