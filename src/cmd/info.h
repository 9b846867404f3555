/* cmd/info.h -- the text of INFO, as Redis 7.0 lays it out.
 *
 * The reply is a list of sections ("# Server", "# Clients" ...), each a
 * header line followed by "field:value" lines, every line ending in "\r\n"
 * and sections separated by one empty line.  Field names and their order
 * are Redis's, so tools that parse INFO keep working; a field that has no
 * meaning in redis-kv yet is printed as 0 rather than left out. */
#ifndef REDIS_KV_INFO_H
#define REDIS_KV_INFO_H

#include <stddef.h>
#include "lib/bstr.h"

/* Memory figures INFO memory and MEMORY STATS share (bytes). */
typedef struct memInfo {
    size_t used, rss, peak, startup, overhead, dataset, clients;
    size_t keydirTables;                /* bucket arrays of every keydir */
    size_t allocated, active, resident; /* as the allocator sees them */
} memInfo;

/* Fills m: used is what the allocator wrapper counts, overhead is
 * start-up memory + clients + keydir bucket arrays, dataset the rest. */
void infoGetMemory(memInfo *m);

/* Appends a name to an INFO line with INFO's separators ('#', ':', CR,
 * LF) turned into '_', as Redis's getSafeInfoString does. */
bstr infoCatSafeName(bstr s, const char *name, size_t len);

/* The INFO text for the given section arguments, as INFO receives them
 * (case-insensitive; "default", "all" and "everything" select groups; an
 * unknown name selects nothing).  count == 0 means the default sections.
 * The caller frees the result with bstrFree(). */
bstr infoGenerate(const char *const *sections, int count);

/* Records the memory in use once start-up is done: INFO reports it as
 * used_memory_startup and counts it as overhead, not dataset.  Until it is
 * called, used_memory_startup is 0. */
void infoRecordStartupMemory(void);

#endif
