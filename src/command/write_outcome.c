/* command/write_outcome.c -- the replies that wait on the log write.  See
 * write_outcome.h for the rule.
 *
 * Each at-risk top-level call leaves a record: its client, the span of
 * the client's output it appended ([start, end) of c->replyTotal) and the
 * write epochs it overlapped.  outcomeSettle runs once per iteration;
 * when no epoch failed it only forgets the records.  Otherwise, per
 * client with a refused command, it takes back the output from the first
 * refused command on and appends it again with each refused command's
 * bytes replaced by the -MISCONF error. */
#include "command/write_outcome.h"
#include "client/reply.h"
#include "db/db.h"
#include "lib/alloc.h"

#include <string.h>

typedef struct outcomeRecord {
    client *c;             /* NULL once the client is freed */
    uint64_t start, end;   /* its output: c->replyTotal before and after */
    uint64_t firstEpoch, lastEpoch;
    int touchedKeys;
} outcomeRecord;

static outcomeRecord *records;
static size_t nrecords, recordsCap;

void outcomeCallBegin(client *c, outcomeMark *m) {
    m->replyTotal = c->replyTotal;
    m->epoch = dbWriteEpoch();
    m->pending = dbWritesPending();
}

void outcomeCallEnd(client *c, const outcomeMark *m, int touchedKeys) {
    uint64_t epoch = dbWriteEpoch();
    int pending = dbWritesPending();
    if (!m->pending && !pending && epoch == m->epoch) return; /* no write in sight */
    if (nrecords == recordsCap) {
        recordsCap = recordsCap ? recordsCap * 2 : 64;
        records = xrealloc(records, recordsCap * sizeof(*records));
    }
    uint64_t last = pending || epoch <= m->epoch ? epoch : epoch - 1;
    records[nrecords++] = (outcomeRecord){c, m->replyTotal, c->replyTotal, m->epoch, last,
                                          touchedKeys};
}

static int refused(const outcomeRecord *r) {
    return r->c && r->touchedKeys && dbWriteEpochFailedIn(r->firstEpoch, r->lastEpoch);
}

/* Appends bytes to c's output whatever CLIENT REPLY says: they were
 * appended once already, under the flags of their time. */
static void appendAgain(client *c, const char *p, size_t len) {
    if (!len) return;
    uint64_t old = c->flags & CLIENT_PUSHING;
    c->flags |= CLIENT_PUSHING;
    replyRaw(c, p, len);
    if (!old) c->flags &= ~CLIENT_PUSHING;
}

/* Rebuilds the output of records[from]'s client, the first refused
 * record of that client.  Records of the client after it are in call
 * order; each refused one's bytes become the error (none when it had
 * appended none: CLIENT REPLY OFF or SKIP). */
static void rebuildOutput(size_t from) {
    client *c = records[from].c;
    uint64_t base = records[from].start;
    bstr taken = replyTakeTail(c, (size_t)(c->replyTotal - base));
    uint64_t pos = base;
    for (size_t i = from; i < nrecords; i++) {
        outcomeRecord *r = &records[i];
        if (r->c != c || !refused(r)) continue;
        appendAgain(c, taken + (pos - base), (size_t)(r->start - pos));
        if (r->end > r->start) {
            uint64_t old = c->flags & CLIENT_PUSHING;
            c->flags |= CLIENT_PUSHING;
            replyError(c, dbWriteErrorReply());
            if (!old) c->flags &= ~CLIENT_PUSHING;
        }
        pos = r->end;
        r->c = NULL; /* done: the loop below must not visit this client again */
    }
    appendAgain(c, taken + (pos - base), bstrLen(taken) - (size_t)(pos - base));
    bstrFree(taken);
    for (size_t i = from; i < nrecords; i++)
        if (records[i].c == c) records[i].c = NULL;
}

void outcomeSettle(void) {
    for (size_t i = 0; i < nrecords; i++)
        if (refused(&records[i])) rebuildOutput(i);
    nrecords = 0;
    dbForgetFailedWrites();
}

static void clientFreed(client *c) {
    for (size_t i = 0; i < nrecords; i++)
        if (records[i].c == c) records[i].c = NULL;
}

static const clientListener outcomeClientListener = {.clientFreed = clientFreed};

void outcomeInit(void) { clientAddListener(&outcomeClientListener); }
