/* server/bgsave.h -- snapshots (backups) started the way Redis starts RDB
 * saves: BGSAVE, SAVE, `save` points.  See bgsave.c. */
#ifndef REDIS_KV_BGSAVE_H
#define REDIS_KV_BGSAVE_H

#include <stddef.h>

/* backup-dir as configured ("backups" when empty), relative to dir. */
const char *bgsaveBackupDir(void);

int bgsaveInProgress(void);

/* Starts a snapshot in the background.  0, or -1 with the reason in err
 * (logged; rdb_last_bgsave_status becomes err). */
int bgsaveStart(char *err, size_t errlen);

/* SAVE: a snapshot, waited for (a running compaction first).  0 or -1. */
int saveSync(char *err, size_t errlen);

/* Notes a snapshot that ended (1) or not (0); the cron calls it, and so
 * does anything that must know before it goes on. */
int bgsavePoll(void);

/* Waits for a running snapshot (and its pruning) to end and notes how it
 * ended: for what must not run beside one (restore, reload, shutdown). */
void bgsaveWait(void);

/* Once per cron tick: notes the end of a snapshot, starts a scheduled one
 * or one a `save` point asks for. */
void bgsaveCron(void);

#endif
