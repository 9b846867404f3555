/* command/coldwait.c -- parking a request until its values are in memory
 * (coldwait.h).
 *
 * Which keys a request reads comes from the command table: the keys of
 * its key specs flagged ACCESS (the value is read: GET, HGET, EVAL's
 * declared keys), or RW with UPDATE and not OW (the old value is changed
 * in place: SETRANGE; only a string's value is fetched for these, not a
 * collection's elements).  Keys a request only overwrites (MSET),
 * deletes or inserts into (APPEND, LPUSH), or whose length or type it
 * reads, need nothing.  Keys whose flags depend on the arguments (SET
 * with or without GET, BITFIELD) get them from the command layer's key
 * finder (commandRequestKeys).
 *
 * A parked request is a ticket: the fetch's completion finds the client
 * through it, and a client freed while parked clears it, so the
 * completion of a fetch whose client is gone does nothing. */
#include "command/coldwait.h"

#include "command/command.h"
#include "db/coldread.h"
#include "lib/alloc.h"
#include "lib/clock.h"
#include "reactor/reactor.h"
#include "server/server.h"

typedef struct coldTicket {
    client *c;            /* NULL once the client is gone */
    long long startUs;
} coldTicket;

static const command *execCmd;
static coldWaitStats stats;
static long long restartTimer = -1;

/* Adds the keys of one request (cmd with argc/argv) that it reads to f. */
static void addRequestKeys(dbFetch *f, int db, const command *cmd, int argc, bstr *argv) {
    int posBuf[16];
    uint64_t flagBuf[16];
    size_t room = COMMAND_KEYS_ROOM(cmd, argc);
    int *pos = room <= 16 ? posBuf : xmalloc(room * sizeof(*pos));
    uint64_t *flags = room <= 16 ? flagBuf : xmalloc(room * sizeof(*flags));
    int n = commandRequestKeys(cmd, argc, argv, pos, flags);
    for (int i = 0; i < n; i++) {
        uint64_t fl = flags[i];
        int updatesInPlace = (fl & KSPEC_RW) && (fl & KSPEC_UPDATE) && !(fl & KSPEC_OW);
        if (!(fl & KSPEC_ACCESS) && !updatesInPlace) continue;
        int elements = (fl & KSPEC_ACCESS) != 0;
        dbFetchAddKey(f, db, argv[pos[i]], bstrLen(argv[pos[i]]), elements, argc, argv);
    }
    if (pos != posBuf) {
        xfree(pos);
        xfree(flags);
    }
}

static void resume(client *c) {
    client *prev = server.currentClient;
    server.currentClient = c;
    clientProcessInputBuffer(c);
    server.currentClient = prev;
}

/* The fetch is done: the request runs (once, whatever the page map says
 * by now), then the rest of the client's pipeline. */
static void fetchDone(void *pd) {
    coldTicket *t = pd;
    client *c = t->c;
    if (c) {
        stats.parkedUs += (unsigned long long)(monotonicUs() - t->startUs);
        stats.waiting--;
        c->coldTicket = NULL;
        c->flags &= ~CLIENT_COLD_WAIT;
        c->flags |= CLIENT_COLD_FETCHED;
        if (!(c->flags & CLIENT_CLOSE_ASAP)) resume(c);
    }
    xfree(t);
}

int coldWaitPark(client *c) {
    if (c->flags & CLIENT_COLD_FETCHED) return 0;
    if (!dbColdReadsActive()) return 0;
    int exec = c->cmd == execCmd && (c->flags & CLIENT_MULTI);
    if (!exec && c->cmd->keySpecCount == 0 && !c->cmd->getkeys) return 0; /* PING ... */
    dbFetch *f = dbFetchNew();
    if (exec) {
        for (int i = 0; i < c->mstate.count; i++) {
            const multiCmd *mc = &c->mstate.commands[i];
            addRequestKeys(f, c->db, mc->cmd, mc->argc, mc->argv);
        }
    } else {
        addRequestKeys(f, c->db, c->cmd, c->argc, c->argv);
    }
    coldTicket *t = xmalloc(sizeof(*t));
    t->c = c;
    t->startUs = monotonicUs();
    if (!dbFetchStart(f, fetchDone, t)) {
        xfree(t);
        return 0;
    }
    c->coldTicket = t;
    c->flags |= CLIENT_COLD_WAIT | CLIENT_PENDING_COMMAND;
    stats.parked++;
    stats.waiting++;
    return 1;
}

static void clientFreed(client *c) {
    coldTicket *t = c->coldTicket;
    if (!t) return;
    t->c = NULL;
    c->coldTicket = NULL;
    stats.waiting--;
}

/* The timer of coldWaitRestartAll. */
static long long restartParked(reactor *r, long long id, void *privdata) {
    (void)r; (void)id; (void)privdata;
    restartTimer = -1;
    for (listNode *ln = listFirst(server.clients); ln;) {
        client *c = listNodeValue(ln);
        ln = listNext(ln); /* c may be freed by its requests */
        if (c->flags & CLIENT_COLD_WAIT) fetchDone(c->coldTicket);
    }
    return RE_NOMORE;
}

/* Each parked request's ticket is completed here, since the closed store
 * dropped its fetches unfinished and will never complete them. */
void coldWaitRestartAll(void) {
    if (stats.waiting && restartTimer == -1)
        restartTimer = reactorAddTimer(server.el, 0, restartParked, NULL);
}

void coldWaitGetStats(coldWaitStats *out) { *out = stats; }

void coldWaitInit(void) {
    static const clientListener listener = {.clientFreed = clientFreed};
    clientAddListener(&listener);
    execCmd = commandLookupByName("exec", 4);
}
