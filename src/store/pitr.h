/* store/pitr.h -- offline point-in-time restore: a data directory rebuilt as
 * it was at a moment, from a backup (backup.h) plus the segments the live data
 * directory wrote after it (while they are still there).
 *
 * What "history after a backup" is.  Every write unit (one record, or a
 * whole batch BATCH_BEGIN(S) .. BATCH_COMMIT(S)) takes the next sequence
 * number, exactly one more than the unit before.  A backup holds the
 * segments with ids <= last_segment and everything up to sequence number
 * seq.  So the history after it is the units of the segments with
 * id > last_segment, in id order, and it is complete for as long as their
 * sequence numbers go seq + 1, seq + 2, ... without a gap or a repeat.
 * The walk stops being history at:
 *   - a sequence gap or repeat: a compaction since the backup (its outputs
 *     carry old sequence numbers, and it deleted the segments it merged),
 *     a BACKUP RESTORE (an empty batch with a jump), a deleted segment;
 *   - a DBMAP record (only compaction writes one, first in its outputs,
 *     numbered with the merge's last sequence number, which can be exactly
 *     the one expected);
 *   - damage in a sealed segment, or in the middle of the last one (the
 *     torn tail of the last segment, e.g. a write in progress or an
 *     unfinished batch, is simply the end of the log);
 *   - the backup's own newest segment missing from the data directory (or
 *     there with another size): a compaction or restore has replaced what
 *     the backup was taken from, so segments after it, even with fitting
 *     sequence numbers, may be compaction outputs rather than history.
 *
 * The result in toDir: the backup's files (hard links, or copies across
 * file systems), the later segments that are wholly included (links, with
 * their hints), and the segment in which the cut falls copied up to the
 * cut (a record boundary; a batch is never split) as the LAST segment and
 * without a hint, so that a server opening toDir appends to that copy and
 * never to a file shared with the backup or the live data directory.
 * Without atMs (the backup alone) that last segment is a new, empty
 * segment last_segment + 1, for the same reason.  Everything written is
 * fsynced (files and directory).  The cut is "the first unit whose
 * timestamp is after atMs": units are taken in sequence order and never
 * past that one, even if a later one carries an earlier time.
 *
 * Errors: PITR_ERR_BACKUP when the backup itself is damaged (manifest,
 * missing or resized files), PITR_ERR for everything else (bad arguments,
 * toDir not empty, I/O errors, history incomplete before atMs: the message
 * then says up to which time and sequence number it is complete, and an
 * atMs equal to that time restores exactly that far).  On an error toDir
 * is left as it was found (created, then removed again, when it did not
 * exist).  Store layer: nothing here logs or knows about servers. */
#ifndef REDIS_KV_PITR_H
#define REDIS_KV_PITR_H

#include <stddef.h>
#include <stdint.h>

#define PITR_OK 0
#define PITR_ERR -1         /* trouble: arguments, I/O, missing history */
#define PITR_ERR_BACKUP -2  /* the backup is damaged */

typedef struct pitrOptions {
    const char *backupPath; /* a backup directory (with its MANIFEST) */
    const char *dataDir;    /* NULL: the manifest's data_dir */
    const char *toDir;      /* must not exist (it is created) or be empty */
    int64_t atMs;           /* unix ms; -1: the backup alone */
    int64_t nowMs;          /* for the key count: keys expired by then are
                               not counted (0: the current time) */
} pitrOptions;

typedef struct pitrReport {
    uint64_t backupId;
    int64_t backupTimeMs;
    uint64_t backupSeq;
    uint64_t backupFiles;    /* files taken from the backup */
    uint64_t segmentsCopied; /* later segments put into toDir (the cut one
                                included) */
    uint64_t lastSeq;        /* the last sequence number included */
    int64_t lastTimeMs;      /* time of the last included unit (the
                                backup's time when there is none) */
    uint64_t unitsReplayed;  /* write units included after the backup */
    int endOfLog;            /* the log ended before atMs: all of it is in */
    int64_t nextTimeMs;      /* time of the first unit left out, or -1 */
    uint64_t activeSegment;  /* id of toDir's last (active) segment */
    uint64_t activeSize;     /* its size */
    uint64_t keys;           /* keys in the result, all databases, as the
                                server's loader replays it */
    uint64_t damage;         /* damaged regions the replay of the result
                                met (in the backup's files) */
} pitrReport;

/* Does the restore described above; *rep is filled in on success (and as
 * far as known on failure).  PITR_OK, PITR_ERR or PITR_ERR_BACKUP with a
 * message in err. */
int pitrRestore(const pitrOptions *o, pitrReport *rep, char *err, size_t errlen);

#endif
