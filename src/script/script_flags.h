/* script/script_flags.h -- the flags a script or function declares
 * ("#!lua flags=no-writes,allow-oom" for EVAL, register_function's
 * flags for functions), and what they make of the command that runs it.
 *
 *   no-writes              the script only reads: writes are refused, and
 *                          EVAL/FCALL of it runs as a read command
 *   allow-oom              it may run (and write) past maxmemory
 *   allow-stale            it may run on a stale replica
 *   no-cluster             it refuses to run in cluster mode
 *   allow-cross-slot-keys  it may touch keys of several slots
 *
 * A script without a shebang runs in compatibility mode: no flags, and
 * its command keeps its own flags (EVAL: may_replicate). */
#ifndef REDIS_KV_SCRIPT_FLAGS_H
#define REDIS_KV_SCRIPT_FLAGS_H

#include <stddef.h>
#include <stdint.h>
#include "lib/bstr.h"

#define SCRIPT_FLAG_NO_WRITES (1ULL << 0)
#define SCRIPT_FLAG_ALLOW_OOM (1ULL << 1)
#define SCRIPT_FLAG_ALLOW_STALE (1ULL << 2)
#define SCRIPT_FLAG_NO_CLUSTER (1ULL << 3)
#define SCRIPT_FLAG_ALLOW_CROSS_SLOT (1ULL << 4)
#define SCRIPT_FLAG_EVAL_COMPAT_MODE (1ULL << 5) /* no shebang: not a declared flag */

/* The flag called name (len bytes), or 0 if there is none. */
uint64_t scriptFlagByName(const char *name, size_t len);

/* Visits the declared flags' names in order (FUNCTION LIST). */
typedef void scriptFlagVisitor(const char *name, void *privdata);
void scriptFlagsForEach(uint64_t flags, scriptFlagVisitor *fn, void *privdata);
int scriptFlagsCount(uint64_t flags);

/* The command flags a call of a script with these flags runs with
 * (Redis's scriptFlagsToCmdFlags): write unless no-writes, denyoom
 * unless allow-oom or no-writes, stale with allow-stale, never
 * may_replicate (the flags tell). */
uint64_t scriptFlagsToCommandFlags(uint64_t cmdFlags, uint64_t scriptFlags);

/* The words of the first line of a body that starts with "#!", split as
 * Redis splits it (spaces, with quoting: name="x" is name=x); words[0] is
 * "#!<engine>".  Returns the count and *words (bstrFreeSplitRes them);
 * -1 when the line has no end, -2 when its quotes do not balance. */
int scriptShebangWords(const char *body, size_t len, bstr **words);

#endif
