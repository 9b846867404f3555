/* cmd/latency.c -- LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR/HISTOGRAM/HELP,
 * the latency monitor's event series and the per-command histograms.
 * See latency.h for what each promises. */
#include "cmd/latency.h"
#include "client/reply.h"
#include "cmd/handlers.h"
#include "cmd/info.h"
#include "command/command.h"
#include "lib/alloc.h"
#include "lib/histogram.h"
#include "server/server.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ------------------------------------------------------------- monitor */

typedef struct latencySample {
    int64_t time;     /* unix seconds; 0 = slot never used */
    uint32_t latency; /* milliseconds */
} latencySample;

/* One event class: a ring of samples (idx is the next slot to write). */
typedef struct latencySeries {
    char *name;
    int idx;
    uint32_t max;
    latencySample samples[LATENCY_TS_LEN];
    struct latencySeries *next;
} latencySeries;

/* Few classes exist, so a list in creation order is enough; LATEST and
 * DOCTOR report in that order. */
static latencySeries *seriesHead;

static latencySeries *seriesFind(const char *name) {
    for (latencySeries *ts = seriesHead; ts; ts = ts->next)
        if (!strcasecmp(ts->name, name)) return ts;
    return NULL;
}

static latencySeries *seriesFindOrCreate(const char *name) {
    latencySeries *ts = seriesFind(name);
    if (ts) return ts;
    ts = xcalloc(1, sizeof(*ts));
    ts->name = xstrdup(name);
    latencySeries **tail = &seriesHead;
    while (*tail) tail = &(*tail)->next;
    *tail = ts;
    return ts;
}

static void seriesFree(latencySeries *ts) {
    xfree(ts->name);
    xfree(ts);
}

/* A second sample within the same second only raises that second's one. */
static void latencyAddSample(const char *event, uint32_t ms) {
    latencySeries *ts = seriesFindOrCreate(event);
    int64_t now = (int64_t)time(NULL);
    if (ms > ts->max) ts->max = ms;
    latencySample *prev = &ts->samples[(ts->idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
    if (prev->time == now) {
        if (ms > prev->latency) prev->latency = ms;
        return;
    }
    ts->samples[ts->idx].time = now;
    ts->samples[ts->idx].latency = ms;
    ts->idx = (ts->idx + 1) % LATENCY_TS_LEN;
}

void latencyAddSampleIfNeeded(const char *event, long long ms) {
    if (server.latencyMonitorThreshold <= 0 || ms < server.latencyMonitorThreshold) return;
    latencyAddSample(event, ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms);
}

/* Removes the named series; returns 1 if it existed. */
static int seriesReset(const char *name) {
    for (latencySeries **p = &seriesHead; *p; p = &(*p)->next) {
        if (strcasecmp((*p)->name, name)) continue;
        latencySeries *ts = *p;
        *p = ts->next;
        seriesFree(ts);
        return 1;
    }
    return 0;
}

static int seriesResetAll(void) {
    int n = 0;
    while (seriesHead) {
        latencySeries *ts = seriesHead;
        seriesHead = ts->next;
        seriesFree(ts);
        n++;
    }
    return n;
}

/* The next used sample from *cursor on (start at 0: oldest first);
 * NULL past the last. */
static const latencySample *seriesNth(const latencySeries *ts, int *cursor) {
    while (*cursor < LATENCY_TS_LEN) {
        const latencySample *s = &ts->samples[(ts->idx + *cursor) % LATENCY_TS_LEN];
        (*cursor)++;
        if (s->time) return s;
    }
    return NULL;
}

/* ----------------------------------------------------------- tracking */

/* Redis records each call as its duration in microseconds times 1000, so
 * values and bucket bounds below are nanoseconds.  The histogram hangs off
 * the command itself (created on its first call), so a call costs no
 * lookup. */
static void latencyAfterCall(const commandCallInfo *call) {
    command *cmd = call->cmd;
    long long durationUs = call->durationUs;
    latencyAddSampleIfNeeded(cmd->flags & CMD_FAST ? "fast-command" : "command",
                             durationUs / 1000);
    if (!server.latencyTracking) return;
    if (!cmd->latencyHistogram) cmd->latencyHistogram = histogramCreate();
    uint64_t ns = durationUs > 0 ? (uint64_t)durationUs * 1000 : 1;
    histogramRecord(cmd->latencyHistogram, ns);
}

void latencyInit(void) { commandAddObserver(latencyAfterCall); }

static void dropHistogram(command *cmd) {
    histogramFree(cmd->latencyHistogram);
    cmd->latencyHistogram = NULL;
}

void latencyTrackingReset(void) {
    for (command *cmd = commandTable; cmd->name; cmd++) {
        dropHistogram(cmd);
        if (cmd->subcommands)
            for (command *sub = cmd->subcommands; sub->name; sub++) dropHistogram(sub);
    }
}

static histogram *commandHistogram(command *cmd) { return cmd->latencyHistogram; }

/* ---------------------------------------------------------- percentiles */

static double *percentiles;
static int percentilesLen;

/* "%f" without the zeros after the point (and the point if nothing is
 * left after it): 99.900000 -> 99.9, 50.000000 -> 50. */
static void formatTrimmedDouble(char *buf, size_t len, double v) {
    snprintf(buf, len, "%f", v);
    if (!strchr(buf, '.')) return;
    char *end = buf + strlen(buf) - 1;
    while (*end == '0') *end-- = '\0';
    if (*end == '.') *end = '\0';
}

/* A whole argument as a double: no leading space, nothing after the
 * number, no NaN, no overflow. */
static int parsePercentile(const char *s, double *out) {
    if (!*s || strchr(" \t\r\n\v\f", *s)) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || isnan(v) || (errno == ERANGE && (isinf(v) || v == 0))) return 0;
    *out = v;
    return 1;
}

int latencySetPercentiles(bstr *argv, int argc, char *err, size_t errlen) {
    if (argc == 1 && bstrLen(argv[0]) == 0) argc = 0;
    int n = argc;
    bstr *parts = argv;
    /* One argument holding them all ("50 99 99.9") is split on spaces. */
    if (argc == 1) parts = bstrSplitLen(argv[0], bstrLen(argv[0]), " ", 1, &n);
    double *values = n ? xmalloc(sizeof(double) * (size_t)n) : NULL;
    int ok = 1;
    for (int i = 0; ok && i < n; i++) {
        if (!parsePercentile(parts[i], &values[i])) {
            snprintf(err, errlen, "Invalid latency-tracking-info-percentiles parameters");
            ok = 0;
        } else if (values[i] < 0 || values[i] > 100) {
            snprintf(err, errlen, "latency-tracking-info-percentiles parameters should sit "
                                  "between [0.0,100.0]");
            ok = 0;
        }
    }
    if (parts != argv) bstrFreeSplitRes(parts, n);
    if (!ok) {
        xfree(values);
        return -1;
    }
    xfree(percentiles);
    percentiles = values;
    percentilesLen = n;
    return 0;
}

bstr latencyGetPercentiles(void) {
    bstr s = bstrEmpty();
    char buf[64];
    for (int i = 0; i < percentilesLen; i++) {
        formatTrimmedDouble(buf, sizeof(buf), percentiles[i]);
        s = bstrCatPrintf(s, "%s%s", i ? " " : "", buf);
    }
    return s;
}

/* ------------------------------------------------------------ INFO */

static void catLatencyStats(command *cmd, void *privdata) {
    bstr *s = privdata;
    histogram *h = commandHistogram(cmd);
    if (h) {
        *s = bstrCat(*s, "latency_percentiles_usec_");
        *s = infoCatSafeName(*s, cmd->fullname, bstrLen(cmd->fullname));
        *s = bstrCat(*s, ":");
        char buf[64];
        for (int i = 0; i < percentilesLen; i++) {
            formatTrimmedDouble(buf, sizeof(buf), percentiles[i]);
            double us = (double)histogramValueAtPercentile(h, percentiles[i]) / 1000.0;
            *s = bstrCatPrintf(*s, "%sp%s=%.3f", i ? "," : "", buf, us);
        }
        *s = bstrCat(*s, "\r\n");
    }
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++) catLatencyStats(sub, privdata);
}

bstr latencyInfoSection(bstr s) {
    s = bstrCat(s, "# Latencystats\r\n");
    if (server.latencyTracking) commandForEach(catLatencyStats, &s);
    return s;
}

/* ------------------------------------------------------ LATENCY HISTOGRAM */

/* Reports buckets at powers of two from 1024 ns up, each labelled with
 * its highest value in whole microseconds, with the cumulative count of
 * calls up to that bucket; a bucket that adds nothing is left out. */
static void replyCommandHistogram(client *c, command *cmd, histogram *h) {
    replyBulkBstr(c, cmd->fullname);
    replyMapLen(c, 2);
    replyBulkCString(c, "calls");
    replyLongLong(c, (long long)h->total);
    replyBulkCString(c, "histogram_usec");
    void *len = replyDeferredLen(c);
    long long pairs = 0;
    uint64_t reported = 0;
    for (uint64_t level = 1024; reported < h->total && level <= HISTOGRAM_MAX_VALUE; level *= 2) {
        int bucket = histogramBucketOf(level);
        uint64_t upto = histogramCountUpTo(h, level);
        if (upto <= reported) continue;
        replyLongLong(c, (long long)(histogramBucketHighest(bucket) / 1000));
        replyLongLong(c, (long long)upto);
        reported = upto;
        pairs++;
    }
    replySetDeferredMapLen(c, len, pairs);
}

typedef struct histogramReply {
    client *c;
    long long count;
} histogramReply;

static void replyIfTracked(histogramReply *r, command *cmd) {
    histogram *h = commandHistogram(cmd);
    if (!h) return;
    replyCommandHistogram(r->c, cmd, h);
    r->count++;
}

/* A command's own histogram, then its subcommands'. */
static void replyHistogramTree(command *cmd, void *privdata) {
    replyIfTracked(privdata, cmd);
    if (cmd->subcommands)
        for (command *sub = cmd->subcommands; sub->name; sub++) replyIfTracked(privdata, sub);
}

/* LATENCY HISTOGRAM [command ...]: every command's histogram, or the
 * named ones ("client" names all of CLIENT's subcommands, "client|id"
 * one); unknown names are skipped. */
void latencyHistogramCommand(client *c) {
    histogramReply r = {c, 0};
    void *len = replyDeferredLen(c);
    if (c->argc == 2) {
        commandForEach(replyHistogramTree, &r);
    } else {
        for (int i = 2; i < c->argc; i++) {
            command *cmd = commandLookupByFullname(c->argv[i], bstrLen(c->argv[i]));
            if (cmd) replyHistogramTree(cmd, &r);
        }
    }
    replySetDeferredMapLen(c, len, r.count);
}

/* ------------------------------------------------- LATEST / HISTORY / RESET */

void latencyLatestCommand(client *c) {
    long long n = 0;
    for (latencySeries *ts = seriesHead; ts; ts = ts->next) n++;
    replyArrayLen(c, n);
    for (latencySeries *ts = seriesHead; ts; ts = ts->next) {
        const latencySample *last = &ts->samples[(ts->idx + LATENCY_TS_LEN - 1) % LATENCY_TS_LEN];
        replyArrayLen(c, 4);
        replyBulkCString(c, ts->name);
        replyLongLong(c, last->time);
        replyLongLong(c, last->latency);
        replyLongLong(c, ts->max);
    }
}

void latencyHistoryCommand(client *c) {
    latencySeries *ts = seriesFind(c->argv[2]);
    if (!ts) {
        replyEmptyArray(c);
        return;
    }
    void *len = replyDeferredLen(c);
    long long n = 0;
    int cursor = 0;
    for (const latencySample *s; (s = seriesNth(ts, &cursor)); n++) {
        replyArrayLen(c, 2);
        replyLongLong(c, s->time);
        replyLongLong(c, s->latency);
    }
    replySetDeferredArrayLen(c, len, n);
}

void latencyResetCommand(client *c) {
    if (c->argc == 2) {
        replyLongLong(c, seriesResetAll());
        return;
    }
    long long n = 0;
    for (int i = 2; i < c->argc; i++) n += seriesReset(c->argv[i]);
    replyLongLong(c, n);
}

/* ------------------------------------------------------------ GRAPH */

#define GRAPH_COLS 80
#define GRAPH_ROWS 4

/* How long ago a sample was, as the graph labels it: 5s, 3m, 2h, 1d. */
static void formatAgo(char *buf, size_t len, int64_t seconds) {
    if (seconds < 60) snprintf(buf, len, "%llds", (long long)seconds);
    else if (seconds < 3600) snprintf(buf, len, "%lldm", (long long)(seconds / 60));
    else if (seconds < 86400) snprintf(buf, len, "%lldh", (long long)(seconds / 3600));
    else snprintf(buf, len, "%lldd", (long long)(seconds / 86400));
}

/* The level (0 .. GRAPH_ROWS*3-1) of each sample between min and max. */
static int graphLevel(uint32_t v, uint32_t min, uint32_t max) {
    const int levels = GRAPH_ROWS * 3;
    double span = max > min ? (double)(max - min) : 1;
    int level = (int)((double)(v - min) * levels / span);
    return level < 0 ? 0 : level >= levels ? levels - 1 : level;
}

/* One block of up to GRAPH_COLS columns: GRAPH_ROWS rows of bars, each
 * row split in three heights ('_', 'o', '#'; '|' below the top of a
 * bar), a blank line, then each column's label written downwards. */
static bstr graphBlock(bstr g, const uint32_t *vals, char labels[][24], int n, uint32_t min,
                       uint32_t max) {
    char line[GRAPH_COLS + 1];
    for (int row = 0; row < GRAPH_ROWS; row++) {
        for (int j = 0; j < n; j++) {
            int part = graphLevel(vals[j], min, max) - (GRAPH_ROWS - 1 - row) * 3;
            line[j] = part < 0 ? ' ' : part < 3 ? "_o#"[part] : '|';
        }
        g = bstrCatLen(bstrCatLen(g, line, (size_t)n), "\n", 1);
    }
    memset(line, ' ', (size_t)n);
    g = bstrCatLen(bstrCatLen(g, line, (size_t)n), "\n", 1);
    for (size_t k = 0;; k++) {
        int any = 0;
        for (int j = 0; j < n; j++) {
            int has = strlen(labels[j]) > k;
            line[j] = has ? labels[j][k] : ' ';
            any |= has;
        }
        if (!any) break;
        g = bstrCatLen(bstrCatLen(g, line, (size_t)n), "\n", 1);
    }
    return g;
}

void latencyGraphCommand(client *c) {
    latencySeries *ts = seriesFind(c->argv[2]);
    if (!ts) {
        replyErrorFormat(c, "No samples available for event '%s'", c->argv[2]);
        return;
    }
    uint32_t vals[LATENCY_TS_LEN], min = 0, max = 0;
    char labels[LATENCY_TS_LEN][24];
    int n = 0, cursor = 0;
    int64_t now = (int64_t)time(NULL);
    for (const latencySample *s; (s = seriesNth(ts, &cursor)); n++) {
        vals[n] = s->latency;
        if (n == 0 || s->latency > max) max = s->latency;
        if (n == 0 || s->latency < min) min = s->latency;
        formatAgo(labels[n], sizeof(labels[n]), now - s->time);
    }
    bstr g = bstrCatPrintf(bstrEmpty(), "%s - high %lu ms, low %lu ms (all time high %lu ms)\n",
                           ts->name, (unsigned long)max, (unsigned long)min,
                           (unsigned long)ts->max);
    for (int j = 0; j < GRAPH_COLS; j++) g = bstrCatLen(g, "-", 1);
    g = bstrCatLen(g, "\n", 1);
    for (int start = 0; start < n; start += GRAPH_COLS) {
        int cols = n - start < GRAPH_COLS ? n - start : GRAPH_COLS;
        if (start) g = bstrCatLen(g, "\n", 1);
        g = graphBlock(g, vals + start, labels + start, cols, min, max);
    }
    replyVerbatim(c, g, bstrLen(g), "txt");
    bstrFree(g);
}

/* ------------------------------------------------------------ DOCTOR */

/* Average, mean deviation and mean period (seconds between samples) of
 * one series. */
typedef struct seriesSummary {
    int samples;
    double avg, mad, period;
} seriesSummary;

static seriesSummary summarize(const latencySeries *ts) {
    seriesSummary r = {0, 0, 0, 0};
    int64_t first = 0, last = 0;
    double sum = 0;
    int cursor = 0;
    for (const latencySample *s; (s = seriesNth(ts, &cursor));) {
        if (!r.samples) first = s->time;
        last = s->time;
        sum += s->latency;
        r.samples++;
    }
    if (!r.samples) return r;
    r.avg = sum / r.samples;
    cursor = 0;
    for (const latencySample *s; (s = seriesNth(ts, &cursor));)
        r.mad += fabs((double)s->latency - r.avg);
    r.mad /= r.samples;
    r.period = r.samples > 1 ? (double)(last - first) / (r.samples - 1) : 0;
    return r;
}

/* What to look at for each event class redis-kv samples. */
static const char *adviceFor(const char *event) {
    if (!strcmp(event, "command") || !strcmp(event, "fast-command"))
        return "- Check your Slow Log (SLOWLOG GET) to see which commands are slow, and "
               "make sure slowlog-log-slower-than is below the latency monitor "
               "threshold so that they are logged.\n";
    if (!strcmp(event, "expire-cycle"))
        return "- Many keys expiring at the same time make the active expiry cycle "
               "run long: spread the expiry times of keys written together.\n";
    if (!strcmp(event, "aof-fsync-always"))
        return "- With appendfsync always every write waits for the disk: a faster "
               "disk, or appendfsync everysec, lowers this latency.\n";
    return NULL;
}

static bstr latencyDoctorReport(void) {
    if (server.latencyMonitorThreshold <= 0 && !seriesHead)
        return bstrNew(
            "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis "
            "instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" "
            "in order to enable it. If we weren't in a deep space mission I'd suggest to "
            "take a look at https://redis.io/topics/latency-monitor.\n");
    if (!seriesHead)
        return bstrNew(
            "Dave, no latency spike was observed during the lifetime of this Redis "
            "instance, not in the slightest bit. I honestly think you ought to sit down "
            "calmly, take a stress pill, and think things over.\n");
    bstr s = bstrNew("Dave, I have observed latency spikes in this Redis instance. You "
                     "don't mind talking about it, do you Dave?\n\n");
    int i = 1;
    for (latencySeries *ts = seriesHead; ts; ts = ts->next, i++) {
        seriesSummary sum = summarize(ts);
        s = bstrCatPrintf(s,
            "%d. %s: %d latency spikes (average %lums, mean deviation %lums, period %.2f "
            "sec). Worst all time event %lums.\n",
            i, ts->name, sum.samples, (unsigned long)sum.avg, (unsigned long)sum.mad,
            sum.period, (unsigned long)ts->max);
    }
    s = bstrCat(s, "\nI have a few advices for you:\n\n");
    if (server.slowlogLogSlowerThan < 0 ||
        server.slowlogLogSlowerThan > server.latencyMonitorThreshold * 1000)
        s = bstrCatPrintf(s, "- Your current Slow Log configuration only logs events that "
                             "are slower than your configured latency monitor threshold. "
                             "Please use 'CONFIG SET slowlog-log-slower-than %lld'.\n",
                          server.latencyMonitorThreshold * 1000);
    for (latencySeries *ts = seriesHead; ts; ts = ts->next) {
        const char *advice = adviceFor(ts->name);
        if (!advice || strstr(s, advice)) continue;
        s = bstrCat(s, advice);
    }
    return s;
}

void latencyDoctorCommand(client *c) {
    bstr s = latencyDoctorReport();
    replyVerbatim(c, s, bstrLen(s), "txt");
    bstrFree(s);
}

void latencyHelpCommand(client *c) {
    static const char *help[] = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram "
        "for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
        NULL};
    replyHelp(c, help);
}
