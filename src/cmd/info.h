/* cmd/info.h -- the text of INFO, as Redis 7.0 lays it out.
 *
 * The reply is a list of sections ("# Server", "# Clients" ...), each a
 * header line followed by "field:value" lines, every line ending in "\r\n"
 * and sections separated by one empty line.  Field names and their order
 * are Redis's, so tools that parse INFO keep working; a field that has no
 * meaning in redis-kv yet is printed as 0 rather than left out. */
#ifndef REDIS_KV_INFO_H
#define REDIS_KV_INFO_H

#include "lib/bstr.h"

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
