/* store/verify.h -- background verification of sealed segments.
 *
 * A restart loads a sealed segment from its hint file, which holds keys
 * and locations but no values, so a flipped byte in a value is found only
 * when a client reads the key (and gets an error, never the bytes).  The
 * verifier reads every sealed segment once after the store opens (and
 * every segment sealed later, once), checks each record's checksums with
 * recovery's scanner (recovery.h: the same decoder, the same damage
 * rules), and reports each damaged region -- usually one record -- in the
 * log with its file and offset, so an operator learns of damage before a
 * client does.  It never modifies or drops anything: a damaged record
 * keeps answering its read error until the key is overwritten, deleted or
 * restored from a backup.
 *
 * Threads.  The verifier has a thread of its own (a scan takes seconds to
 * hours at the paced rate: the store's background thread must keep its
 * once-a-second fsync).  Two parties:
 *
 *   - the OWNER (the store, on the event loop) creates the verifier, names
 *     the segments recovery already scanned in full (verifierSkip, before
 *     verifierStart), tells it the id of the active segment at start and
 *     after every rotation (verifierNoteActive), reads its figures
 *     (verifierGetStats) and stops it (verifierStop, which joins);
 *   - the WORKER (this module's thread) lists the data directory, takes
 *     every segment with an id below the active one that it has not read
 *     yet, opens it through a file descriptor of its own, scans it, and
 *     goes back to sleep until woken by verifierNoteActive or the stop, or
 *     until VERIFY_RESCAN_MS pass (compaction publishes its outputs
 *     without a rotation).  The config writes the rate without telling
 *     anyone: while it is 0 the worker looks at it once a second.
 *
 * They share, under the verifier's lock: activeId, the stop flag, the set
 * of ids already read (the owner adds to it only before the thread
 * starts) and the stats.  Nothing of the store itself (key directories,
 * the segment list, mappings) is touched by the worker; it needs nothing
 * of the store but the directory name and the log callback.
 *
 * Compaction.  Only compaction deletes segments, and it may delete one
 * while the worker reads it.  The worker's own descriptor keeps the
 * unlinked file readable, so the scan finishes on bytes that cannot change
 * (a sealed segment never does); a segment found gone when the worker
 * wants to open it, or when its scan ends, is counted as skipped and its
 * damage (if any) is not reported: compaction met the same records and
 * reported them itself ("Compaction met N damaged records").  Segment ids
 * are never reused (outputs take ids from a gap above every older id), so
 * an id read once never names other bytes later.
 *
 * Pacing.  verifySettings.bytesPerSec (config "verify-bytes-per-sec") caps
 * the read rate; 0 stops the verification until it is set again (a
 * segment being read then stays half read, and storage_verify_in_progress
 * stays 1: paused, not done).  The
 * worker paces itself between records (a record is never split), so one
 * record larger than a second's budget is read at the disk's speed, and
 * then waits.  A stall of the disk earns at most VERIFY_MAX_CREDIT_US of
 * catch-up, so the rate holds over any second, not just on average.
 *
 * Reporting.  Each damaged region is one log line ("Background
 * verification: damaged data in FILE at offset N (L bytes): REASON"), at
 * most VERIFY_LOG_PER_SEGMENT per segment and then one line with the
 * number left out; every region counts in stats.damaged, which the store
 * adds to its damage reports (storage_damage_reports).  Segments recovery
 * scanned in full at start are not read again: their damage is counted
 * already. */
#ifndef REDIS_KV_VERIFY_H
#define REDIS_KV_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/* The config value this module reads: the config table writes it (on the
 * event loop), the worker reads it with a relaxed atomic load.  0 in a
 * program that does not set it (tools, C tests): verification off. */
typedef struct verifySettingsValue {
    long long bytesPerSec; /* verify-bytes-per-sec; 0 = off */
} verifySettingsValue;

extern verifySettingsValue verifySettings;

/* The directory is listed again this often when nothing woke the worker:
 * it is how compaction's outputs are found.  A readdir of a few hundred
 * names every few seconds costs nothing measurable. */
#define VERIFY_RESCAN_MS 5000

/* Damage lines logged per segment; the rest are counted and summed up in
 * one line, so a shredded file cannot flood the log. */
#define VERIFY_LOG_PER_SEGMENT 10

/* The most catch-up a slow stretch earns: after a disk stall the worker
 * may read this much time's worth of bytes at full speed, no more. */
#define VERIFY_MAX_CREDIT_US 1000000

typedef struct verifyStats {
    int inProgress;            /* sealed segments are waiting to be read */
    uint64_t segmentsDone;     /* read to their end */
    uint64_t segmentsSkipped;  /* deleted (by compaction) before or while read */
    uint64_t bytes;            /* bytes read */
    uint64_t damaged;          /* damaged regions found */
    uint64_t readErrors;       /* segments whose reading failed (EIO, ...) */
    char lastDamage[64];       /* "seg-00000003.log:4242", "" if none */
} verifyStats;

/* Pacing arithmetic, kept pure for its unit test.  A window opens at the
 * first call (or after verifyPacerReset, or when the rate changes); the
 * bytes read since are owed at 'rate' per second. */
typedef struct verifyPacer {
    uint64_t rate;     /* bytes per second of the open window, 0 = none open */
    int64_t startUs;
    uint64_t bytes;    /* read in the window */
} verifyPacer;

static inline void verifyPacerReset(verifyPacer *p) { p->rate = 0; }

/* Adds 'bytes' just read at time nowUs (any monotonic microsecond clock)
 * and returns how long to wait before reading on (0: go on).  rate > 0. */
int64_t verifyPacerDelay(verifyPacer *p, uint64_t rate, uint64_t bytes, int64_t nowUs);

typedef struct verifier verifier;

/* A verifier for the segments of dir (copied); log may be NULL.  Does not
 * start the thread. */
verifier *verifierCreate(const char *dir, void (*log)(int level, const char *msg));

/* Segment 'id' needs no reading (recovery scanned it at open). */
void verifierSkip(verifier *v, uint64_t id);

/* Starts the worker; activeId is the active segment's id.  0, or -1 when
 * the thread cannot be created (logged; the store works on unverified). */
int verifierStart(verifier *v, uint64_t activeId);

/* The active segment is now 'activeId': every older one is sealed. */
void verifierNoteActive(verifier *v, uint64_t activeId);

void verifierGetStats(verifier *v, verifyStats *out);

/* Stops the worker (at its next record), joins it and frees v (NULL: no-op). */
void verifierStop(verifier *v);

#endif
