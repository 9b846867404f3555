/* lib/log.h -- the one logging helper, writing lines in Redis's format:
 *   <pid>:<role> <day> <mon> <year> <hh:mm:ss.mmm> <level-char> <message>
 * to the configured logfile, or stdout when logfile is "".
 *
 * It sits at the bottom so that every layer may log.  Its settings are its
 * own (logSettings), written by the config layer ("loglevel", "logfile")
 * and by start-up (the file descriptor the signal handlers write to). */
#ifndef REDIS_KV_LOG_H
#define REDIS_KV_LOG_H

#define LL_DEBUG 0
#define LL_VERBOSE 1
#define LL_NOTICE 2
#define LL_WARNING 3
#define LL_NOTHING 4
#define LL_RAW (1 << 10) /* OR-ed in: write the message with no prefix */

typedef struct logSettingsValue {
    int verbosity;   /* LL_*: lines below it are dropped */
    char *file;      /* "logfile": "" or NULL means stdout */
    int signalFd;    /* open on file for the signal handlers, or -1 */
} logSettingsValue;

extern logSettingsValue logSettings;

void serverLog(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void serverLogRaw(int level, const char *msg);
void serverLogFromSignalHandler(int level, const char *msg);

#endif
