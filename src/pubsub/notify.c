/* pubsub/notify.c -- keyspace notifications.  See notify.h. */
#include "pubsub/notify.h"
#include "db/db.h"
#include "lib/alloc.h"
#include "lib/log.h"
#include "pubsub/pubsub.h"
#include "server/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int notifyStringToFlags(const char *classes) {
    int flags = 0;
    for (const char *p = classes; *p; p++) {
        switch (*p) {
        case 'A': flags |= NOTIFY_ALL; break;
        case 'g': flags |= NOTIFY_GENERIC; break;
        case '$': flags |= NOTIFY_STRING; break;
        case 'l': flags |= NOTIFY_LIST; break;
        case 's': flags |= NOTIFY_SET; break;
        case 'h': flags |= NOTIFY_HASH; break;
        case 'z': flags |= NOTIFY_ZSET; break;
        case 'x': flags |= NOTIFY_EXPIRED; break;
        case 'e': flags |= NOTIFY_EVICTED; break;
        case 'K': flags |= NOTIFY_KEYSPACE; break;
        case 'E': flags |= NOTIFY_KEYEVENT; break;
        case 't': flags |= NOTIFY_STREAM; break;
        case 'm': flags |= NOTIFY_KEY_MISS; break;
        case 'd': flags |= NOTIFY_MODULE; break;
        case 'n': flags |= NOTIFY_NEW; break;
        default: return -1;
        }
    }
    return flags;
}

/* As Redis prints it: "A" hides n (it is not part of A), K E m last. */
bstr notifyFlagsToString(int flags) {
    bstr s = bstrEmpty();
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        s = bstrCatLen(s, "A", 1);
    } else {
        static const struct { int flag; char c; } order[] = {
            {NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'}, {NOTIFY_LIST, 'l'},
            {NOTIFY_SET, 's'},     {NOTIFY_HASH, 'h'},   {NOTIFY_ZSET, 'z'},
            {NOTIFY_EXPIRED, 'x'}, {NOTIFY_EVICTED, 'e'}, {NOTIFY_STREAM, 't'},
            {NOTIFY_MODULE, 'd'},  {NOTIFY_NEW, 'n'}};
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
            if (flags & order[i].flag) s = bstrCatLen(s, &order[i].c, 1);
    }
    if (flags & NOTIFY_KEYSPACE) s = bstrCatLen(s, "K", 1);
    if (flags & NOTIFY_KEYEVENT) s = bstrCatLen(s, "E", 1);
    if (flags & NOTIFY_KEY_MISS) s = bstrCatLen(s, "m", 1);
    return s;
}

/* ------------------------------------------------------------ delivery */

static void publishEvent(int flags, const char *event, const char *key, size_t klen, int db) {
    char prefix[64];
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE) {
        int n = snprintf(prefix, sizeof(prefix), "__keyspace@%d__:", db);
        bstr chan = bstrCatLen(bstrNewLen(prefix, (size_t)n), key, klen);
        pubsubPublish(chan, bstrLen(chan), event, elen);
        bstrFree(chan);
    }
    if (flags & NOTIFY_KEYEVENT) {
        int n = snprintf(prefix, sizeof(prefix), "__keyevent@%d__:", db);
        bstr chan = bstrCatLen(bstrNewLen(prefix, (size_t)n), event, elen);
        pubsubPublish(chan, bstrLen(chan), key, klen);
        bstrFree(chan);
    }
}

/* Events raised while writes wait for the log (a db batch being built,
 * or deferred writes not yet flushed), delivered once those writes are on
 * disk and dropped if they were undone: a failed write never announces
 * anything.  The flags in force when an event was raised, and the write
 * epoch it belongs to, are kept with it. */
typedef struct pendingEvent {
    int flags, db;
    const char *event; /* a string literal */
    bstr key;
    uint64_t epoch;
} pendingEvent;

static pendingEvent *pending;
static size_t pendingCount, pendingCap;

#define NOTIFY_MAX_OBSERVERS 4
static notifyObserver *observers[NOTIFY_MAX_OBSERVERS];
static int nobservers;

void notifyAddObserver(notifyObserver *fn) {
    if (nobservers == NOTIFY_MAX_OBSERVERS) {
        serverLog(LL_WARNING, "Too many keyspace event observers (NOTIFY_MAX_OBSERVERS)");
        abort();
    }
    observers[nobservers++] = fn;
}

void notifyKeyspaceEvent(int type, const char *event, const char *key, size_t klen, int db) {
    for (int i = 0; i < nobservers; i++) observers[i](type, event, key, klen, db);
    int flags = server.notifyKeyspaceEvents;
    if (!(flags & type)) return;
    if (!(flags & (NOTIFY_KEYSPACE | NOTIFY_KEYEVENT))) return;
    if (!dbInBatch() && !dbWritesPending() && pendingCount == 0) {
        publishEvent(flags, event, key, klen, db);
        return;
    }
    if (pendingCount == pendingCap) {
        pendingCap = pendingCap ? pendingCap * 2 : 16;
        pending = xrealloc(pending, pendingCap * sizeof(*pending));
    }
    pending[pendingCount++] =
        (pendingEvent){flags, db, event, bstrNewLen(key, klen), dbWriteEpoch()};
}

/* Delivers (or drops, for a failed epoch) the events of every ended
 * epoch, in the order raised; those of the open epoch stay queued.
 * Delivery cannot raise events (it does not touch the keyspace), but the
 * queue is taken first all the same. */
static void deliverSettled(void) {
    if (dbInBatch()) return;
    uint64_t open = dbWritesPending() ? dbWriteEpoch() : UINT64_MAX;
    size_t n = 0;
    while (n < pendingCount && pending[n].epoch < open) n++;
    if (n == 0) return;
    pendingEvent *ev = xmalloc(n * sizeof(*ev));
    memcpy(ev, pending, n * sizeof(*ev));
    memmove(pending, pending + n, (pendingCount - n) * sizeof(*pending));
    pendingCount -= n;
    for (size_t i = 0; i < n; i++) {
        if (!dbWriteEpochFailedIn(ev[i].epoch, ev[i].epoch))
            publishEvent(ev[i].flags, ev[i].event, ev[i].key, bstrLen(ev[i].key), ev[i].db);
        bstrFree(ev[i].key);
    }
    xfree(ev);
}

static void batchEnded(int committed) {
    (void)committed; /* a rolled-back batch is a failed epoch */
    deliverSettled();
}

static void keyAdded(int db, const char *key, size_t klen) {
    notifyKeyspaceEvent(NOTIFY_NEW, "new", key, klen, db);
}

static void keyExpired(int db, const char *key, size_t klen) {
    notifyKeyspaceEvent(NOTIFY_EXPIRED, "expired", key, klen, db);
}

static void keyEvicted(int db, const char *key, size_t klen) {
    notifyKeyspaceEvent(NOTIFY_EVICTED, "evicted", key, klen, db);
}

static const dbKeyspaceListener notifyListener = {
    .keyAdded = keyAdded,
    .keyExpired = keyExpired,
    .keyEvicted = keyEvicted,
    .batchEnded = batchEnded,
    .writesSettled = deliverSettled,
};

void notifyInit(void) { dbAddKeyspaceListener(&notifyListener); }
