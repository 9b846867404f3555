/* server/cron.c -- the periodic work of the server, run `hz` times a second
 * from a reactor timer: client timeouts and buffer trimming, the end of a
 * client pause, automatic compaction, instantaneous metrics, active expiry,
 * and a pending shutdown. */
#include "client/client.h"
#include "cmd/latency.h"
#include "command/blocking.h"
#include "command/command.h"
#include "db/evict.h"
#include "db/expire_cycle.h"
#include "db/persist.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "cmd/changefeed.h"
#include "server/server.h"
#include "store/store.h"

#define INSTANTANEOUS_METRICS_PERIOD_MS 100

/* Samples ops/s and network rates, smoothed the way INFO's
 * instantaneous_* fields are meant (a recent average, not a total). */
static void trackInstantaneousMetrics(void) {
    long long now = cachedClock.mstime;
    long long elapsed = now - server.statInstantaneousOpsTime;
    if (elapsed < INSTANTANEOUS_METRICS_PERIOD_MS) return;
    long long ops = commandCallsTotal() - server.statInstantaneousOpsBase;
    long long in = server.statNetInputBytes - server.statNetInBase;
    long long out = server.statNetOutputBytes - server.statNetOutBase;
    if (server.statInstantaneousOpsTime) {
        server.statInstantaneousOps = (server.statInstantaneousOps + ops * 1000 / elapsed) / 2;
        server.statInstantaneousNetIn = (server.statInstantaneousNetIn + in * 1000 / elapsed) / 2;
        server.statInstantaneousNetOut =
            (server.statInstantaneousNetOut + out * 1000 / elapsed) / 2;
    }
    server.statInstantaneousOpsBase = commandCallsTotal();
    server.statNetInBase = server.statNetInputBytes;
    server.statNetOutBase = server.statNetOutputBytes;
    server.statInstantaneousOpsTime = now;
}

long long serverCron(reactor *r, long long id, void *clientData) {
    (void)r; (void)id; (void)clientData;
    cachedClockUpdate();
    if (server.shutdownAsap) {
        serverExitGracefully();
    }
    if (server.pauseType != PAUSE_NONE && cachedClock.mstime >= server.pauseEndMs)
        clientsUnpause();
    clientsCron();
    /* Blocked clients whose time is up: checked every tick, so a timeout
     * ends within 1000/hz ms of its deadline, as Redis 7.0's does. */
    blockingHandleTimeouts(cachedClock.mstime);
    long long expireStart = monotonicUs();
    changefeedScopeBegin(); /* the feed's entries join the expiries' batch */
    if (server.activeExpireEnabled) expireCycleRun(server.hz);
    changefeedScopeEnd();
    blockingServeReadyKeys(); /* readers of the feed hear of the expiries */
    latencyAddSampleIfNeeded("expire-cycle", (monotonicUs() - expireStart) / 1000);
    persistCron();
    storeColdReadCron(server.store);
    evictCron(); /* what a command's eviction left over (db/evict.h) */
    trackInstantaneousMetrics();
    long long used = (long long)allocUsedMemory();
    if (used > server.statPeakMemory) server.statPeakMemory = used;
    server.cronloops++;
    return 1000 / server.hz;
}
