/* store/restore.h -- the data-directory side of a restore (restore.c explains
 * the journal).  storeRestoreStage (store.h) writes it; storeOpen calls
 * restoreFinish before it reads the directory. */
#ifndef REDIS_KV_RESTORE_H
#define REDIS_KV_RESTORE_H

#include <stddef.h>
#include <stdint.h>

/* Completes a staged restore of dataDir, if one is marked (else only
 * removes an unmarked staging leftover).  0 with *restoredId the backup's
 * id (0 when there was nothing to do), or -1: the marker is unreadable or
 * a step failed; the directory is then still marked, and the next try
 * picks up where this one stopped. */
int restoreFinish(const char *dataDir, uint64_t *restoredId, char *err, size_t errlen);

/* Test hook: when 1..3, restoreFinish stops (fails) right after that step,
 * as a crash there would; the next call must finish the restore. */
extern int restoreDebugStopAfterStep;

#endif
