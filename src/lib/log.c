/* lib/log.c -- Redis-format log lines.  See log.h. */
#include "lib/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

logSettingsValue logSettings = {.verbosity = LL_NOTICE, .file = NULL, .signalFd = -1};

/* Opens the log for one write.  Redis does the same so that a rotated log
 * file is picked up without a signal. */
static FILE *logOpen(int *toStdout) {
    *toStdout = logSettings.file == NULL || logSettings.file[0] == '\0';
    if (*toStdout) return stdout;
    return fopen(logSettings.file, "a");
}

void serverLogRaw(int level, const char *msg) {
    static const char levelChars[] = ".-*#";
    int raw = level & LL_RAW;
    level &= 0xff;
    if (level < logSettings.verbosity || level >= LL_NOTHING) return;
    int toStdout;
    FILE *fp = logOpen(&toStdout);
    if (!fp) return;
    if (raw) {
        fprintf(fp, "%s", msg);
    } else {
        char buf[64];
        struct timeval tv;
        struct tm tm;
        gettimeofday(&tv, NULL);
        localtime_r(&tv.tv_sec, &tm);
        size_t off = strftime(buf, sizeof(buf), "%d %b %Y %H:%M:%S.", &tm);
        snprintf(buf + off, sizeof(buf) - off, "%03d", (int)tv.tv_usec / 1000);
        fprintf(fp, "%d:M %s %c %s\n", (int)getpid(), buf, levelChars[level], msg);
    }
    fflush(fp);
    if (!toStdout) fclose(fp);
}

void serverLog(int level, const char *fmt, ...) {
    if ((level & 0xff) < logSettings.verbosity) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    serverLogRaw(level, msg);
}

/* Async-signal-safe logging: only write(2) and no stdio, no allocation,
 * no localtime.  Used by the crash and shutdown signal handlers. */
void serverLogFromSignalHandler(int level, const char *msg) {
    if ((level & 0xff) < logSettings.verbosity) return;
    int toStdout = logSettings.file == NULL || logSettings.file[0] == '\0';
    int fd = toStdout ? STDOUT_FILENO : logSettings.signalFd;
    if (fd < 0) return;
    char pid[24];
    int n = snprintf(pid, sizeof(pid), "%d:signal-handler ", (int)getpid());
    if (write(fd, pid, (size_t)n) < 0) return;
    if (write(fd, msg, strlen(msg)) < 0) return;
    if (write(fd, "\n", 1) < 0) return;
}
