/* script/function.h -- FUNCTION libraries and FCALL.
 *
 * A library is Lua code that starts with "#!lua name=<library>" and,
 * when it runs at load time, registers functions with
 * redis.register_function.  Libraries are data: each is kept in the log
 * as server metadata "function:<name>" -> its code (db.h dbMeta*), so
 * they survive restart, compaction, backup and restore, and are loaded
 * again from there at start-up.  Function names are one namespace over
 * all libraries.
 *
 * While a library loads it sees only `redis` with register_function,
 * log, the LOG_* levels and the version (as in Redis 7.0); when its
 * functions run they see what EVAL scripts see, except KEYS and ARGV:
 * a function gets its keys and arguments as its two parameters. */
#ifndef REDIS_KV_FUNCTION_H
#define REDIS_KV_FUNCTION_H

#include <stddef.h>
#include <stdint.h>
#include "client/client.h"

void functionInit(void);

/* Loads every library the log holds, replacing what is in memory (at
 * start-up and after the data set was replaced).  A library that no
 * longer loads is logged and skipped. */
void functionLoadFromLog(void);

/* The FUNCTION subcommands; each answers c. */
void functionLoad(client *c, int replace, const char *code, size_t len);
void functionDelete(client *c, const char *name, size_t len);
void functionFlush(client *c);
void functionList(client *c, int withCode, const char *pattern, size_t plen);
void functionDump(client *c);
#define FUNCTION_RESTORE_APPEND 0
#define FUNCTION_RESTORE_REPLACE 1
#define FUNCTION_RESTORE_FLUSH 2
void functionRestore(client *c, const char *payload, size_t len, int policy);
void functionStats(client *c);

/* FCALL and FCALL_RO (readOnly): c->argv is function numkeys key... arg... */
void functionCall(client *c, int readOnly);

/* The declared flags of the function an FCALL request names, or
 * SCRIPT_FLAG_EVAL_COMPAT_MODE when there is no such function. */
uint64_t functionRequestScriptFlags(client *c);

/* INFO */
size_t functionCount(void);
size_t functionLibraryCount(void);
size_t functionInterpreterBytes(void);
size_t functionCodeBytes(void);

#endif
