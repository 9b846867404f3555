/* store/store_log.h -- how the storage engine's files log: a line handed
 * to the callback the store was opened with (storeOptions.log), at one of
 * three levels.  The store has no logging of its own (it is a library); the
 * server passes serverLog, redis-kv-check prints to stderr. */
#ifndef REDIS_KV_STORE_LOG_H
#define REDIS_KV_STORE_LOG_H

/* The levels, equal to lib/log.h's LL_VERBOSE, LL_NOTICE and LL_WARNING. */
#define STORE_LOG_VERBOSE 1
#define STORE_LOG_NOTICE 2
#define STORE_LOG_WARNING 3

typedef void storeLogFn(int level, const char *msg);

/* Formats one line (at most 511 bytes are kept) and hands it to log;
 * does nothing when log is NULL. */
void storeLogTo(storeLogFn *log, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
