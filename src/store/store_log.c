/* store/store_log.c -- the store's log lines.  See store_log.h. */
#include "store/store_log.h"

#include <stdarg.h>
#include <stdio.h>

void storeLogTo(storeLogFn *log, int level, const char *fmt, ...) {
    if (!log) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log(level, msg);
}
