/* client/client_evict.c -- maxmemory-clients: client eviction by total memory
 *
 * The contract (Redis 7.0's): every connected client's memory, as
 * clientTotalMemory() counts it, adds up in server.clientsMemTotal (kept
 * current by clientUpdateMemUsage at each read, command, write and new
 * reply block, and in the cron).  When that total reaches the limit, the
 * client using the most memory is closed, then the next largest, until the
 * total is below the limit again.  A client with CLIENT NO-EVICT on counts
 * towards the total but is never chosen; a client already being closed
 * counts for nothing.  Each eviction is logged ("Evicting client: ...")
 * and counted in INFO stats evicted_clients.
 *
 * It runs before every command (so the client about to run may be the one
 * to go), after every read, before replies are written, in the cron, and
 * at once when CONFIG SET changes the limit.  Choosing the victim walks
 * the client list, which is fine because it only happens when the limit is
 * exceeded; the usual check is one comparison. */
#include "client/client.h"
#include "db/evict.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "server/server.h"

/* Seconds between two "nothing left to evict" warnings: the condition is
 * checked before every command and would otherwise flood the log. */
#define EVICT_WARN_INTERVAL 10

/* The limit in bytes, 0 for none.  A percentage (stored negative) is of
 * maxmemory (db/evict.h); as in Redis, a percentage of an unset maxmemory
 * means no limit. */
size_t clientsEvictionLimit(void) {
    if (server.maxmemoryClients < 0 && evictSettings.maxmemory > 0)
        return (size_t)(evictSettings.maxmemory * -server.maxmemoryClients / 100);
    if (server.maxmemoryClients <= 0) return 0;
    return (size_t)server.maxmemoryClients;
}

static int clientEvictable(client *c) {
    return !(c->flags & (CLIENT_NO_EVICT | CLIENT_CLOSE_ASAP));
}

static client *largestEvictableClient(void) {
    client *best = NULL;
    for (listNode *ln = listFirst(server.clients); ln; ln = listNext(ln)) {
        client *c = listNodeValue(ln);
        if (clientEvictable(c) && (!best || c->memTracked > best->memTracked)) best = c;
    }
    return best;
}

/* Closes clients, largest first, until the clients' total memory is under
 * maxmemory-clients.  Victims are freed asynchronously (one of them may be
 * running a command up the stack), but stop counting at once.  Returns how
 * many were evicted. */
int clientsEvictIfNeeded(void) {
    static time_t lastWarn;
    size_t limit = clientsEvictionLimit();
    int evicted = 0;
    if (limit == 0) return 0;
    while (server.clientsMemTotal >= limit) {
        client *c = largestEvictableClient();
        if (!c) {
            if (cachedClock.unixtime - lastWarn >= EVICT_WARN_INTERVAL) {
                serverLog(LL_WARNING, "Over client maxmemory after evicting all evictable clients");
                lastWarn = cachedClock.unixtime;
            }
            break;
        }
        bstr info = clientCatInfoString(bstrEmpty(), c);
        serverLog(LL_NOTICE, "Evicting client: %s", info);
        bstrFree(info);
        server.statEvictedClients++;
        clientFreeAsync(c);
        evicted++;
    }
    return evicted;
}
