/* cmd/latency.h -- the latency monitor and per-command latency tracking.
 *
 * Two independent things, as in Redis 7.0:
 *
 * The latency monitor keeps, per event class ("command", "fast-command",
 * "expire-cycle", "aof-fsync-always"), the last LATENCY_TS_LEN samples of
 * operations that took at least latency-monitor-threshold milliseconds (0
 * disables it), at most one sample per second (the worst of that second),
 * and the worst ever.  LATENCY LATEST/HISTORY/GRAPH/DOCTOR/RESET read it.
 *
 * Latency tracking (latency-tracking yes) counts every command call's
 * duration in a histogram per command or subcommand (lib/histogram.h),
 * created on the command's first call.  LATENCY HISTOGRAM and INFO
 * latencystats read them; CONFIG RESETSTAT drops them. */
#ifndef REDIS_KV_LATENCY_H
#define REDIS_KV_LATENCY_H

#include "lib/bstr.h"

struct command;

/* Samples kept per event: 160 seconds' worth at one a second. */
#define LATENCY_TS_LEN 160

/* Adds a sample of 'ms' milliseconds to 'event' if the monitor is on and
 * ms >= latency-monitor-threshold. */
void latencyAddSampleIfNeeded(const char *event, long long ms);

/* Registers the after-call observer: each call's duration goes to the
 * command's histogram (if latency-tracking is on) and, as "command" or
 * "fast-command", to the latency monitor. */
void latencyInit(void);

/* Drops every command's histogram (CONFIG RESETSTAT). */
void latencyTrackingReset(void);

/* Appends INFO's "# Latencystats" section. */
bstr latencyInfoSection(bstr s);

/* Parses latency-tracking-info-percentiles values (each in [0, 100]);
 * on success stores them in server and returns 0, else fills err. */
int latencySetPercentiles(bstr *argv, int argc, char *err, size_t errlen);
bstr latencyGetPercentiles(void);

#endif
