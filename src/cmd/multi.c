/* cmd/multi.c -- MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * The transaction's state (the queue, the watched keys) is kept by
 * command/multi_state.c, which the dispatcher also uses.
 *
 * EXEC runs the queued commands inside one db batch, so the log gets them
 * as one BEGIN + records + COMMIT write: after a crash all of them are
 * there or none.  Single-threaded dispatch makes the transaction atomic
 * for other clients too.  If that batch cannot be written (disk full), the
 * db layer has already rolled the keyspace back; EXEC's array of replies,
 * which may claim writes that are not there, is taken back and replaced
 * with the -MISCONF error (Redis has no equivalent case). */
#include "client/reply.h"
#include "acl/acl.h"
#include "cmd/handlers.h"
#include "command/command.h"
#include "command/multi_state.h"
#include "db/db.h"

#include <string.h>

/* ------------------------------------------------------------ commands */

void multiCommand(client *c) {
    if (c->flags & CLIENT_MULTI) {
        replyError(c, "MULTI calls can not be nested");
        return;
    }
    c->flags |= CLIENT_MULTI;
    replyOk(c);
}

void discardCommand(client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        replyError(c, "DISCARD without MULTI");
        return;
    }
    multiDiscardTransaction(c);
    replyOk(c);
}

void execCommand(client *c) {
    if (!(c->flags & CLIENT_MULTI)) {
        replyError(c, "EXEC without MULTI");
        return;
    }
    if (multiWatchedKeyExpired(c)) c->flags |= CLIENT_DIRTY_CAS;
    if (c->flags & (CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC)) {
        if (c->flags & CLIENT_DIRTY_EXEC)
            replyError(c, "-EXECABORT Transaction discarded because of previous errors.");
        else
            replyNullArray(c);
        multiDiscardTransaction(c);
        return;
    }
    multiUnwatchAllKeys(c);

    /* The queue is run with c->argv/argc/cmd pointing at each command in
     * turn; the client's own request (EXEC) is put back afterwards. */
    multiState ms = c->mstate;
    memset(&c->mstate, 0, sizeof(c->mstate));
    c->flags &= ~CLIENT_MULTI;
    int origArgc = c->argc;
    bstr *origArgv = c->argv;
    command *origCmd = c->cmd;

    uint64_t mark = c->replyTotal;
    replyArrayLen(c, ms.count);
    dbBatchBegin();
    c->flags |= CLIENT_DENY_BLOCKING;
    for (int j = 0; j < ms.count; j++) {
        c->argc = ms.commands[j].argc;
        c->argv = ms.commands[j].argv;
        c->cmd = ms.commands[j].cmd;
        const char *denial = aclExecDenial(c);
        if (denial) replyError(c, denial);
        else commandCall(c);
        /* A command may have changed argv (none does yet); keep what is
         * there so it is freed below. */
        ms.commands[j].argc = c->argc;
        ms.commands[j].argv = c->argv;
    }
    c->flags &= ~CLIENT_DENY_BLOCKING;
    if (dbBatchCommit() != DB_OK) {
        /* Nothing of the transaction was applied: no reply may say it was.
         * (With deferred writes the commit cannot fail; a failed write of
         * the iteration is answered by command/write_outcome.c instead.) */
        bstrFree(replyTakeTail(c, c->replyTotal - mark));
        replyError(c, dbWriteErrorReply());
    }
    c->argc = origArgc;
    c->argv = origArgv;
    c->cmd = origCmd;
    c->mstate = ms;
    multiFreeQueue(c);
    c->flags &= ~(CLIENT_DIRTY_CAS | CLIENT_DIRTY_EXEC);
}

void watchCommand(client *c) {
    if (c->flags & CLIENT_MULTI) {
        replyError(c, "WATCH inside MULTI is not allowed");
        return;
    }
    /* No point in watching if the client is already dirty. */
    if (!(c->flags & CLIENT_DIRTY_CAS))
        for (int j = 1; j < c->argc; j++) multiWatchKey(c, c->db, c->argv[j], bstrLen(c->argv[j]));
    replyOk(c);
}

void unwatchCommand(client *c) {
    multiUnwatchAllKeys(c);
    c->flags &= ~CLIENT_DIRTY_CAS;
    replyOk(c);
}
