/* cmd/databases.c -- SWAPDB, which exchanges the contents of two databases.
 *
 * The store keeps a logical -> physical map of databases (record.h), so a
 * swap is one small record and no key moves; it is durable and atomic
 * like any write, and survives compaction (store/compact.c). */
#include "client/reply.h"
#include "cmd/handlers.h"
#include "db/db.h"
#include "lib/numfmt.h"
#include "server/server.h"

#include <limits.h>

/* Redis's getIntFromObjectOrReply for a DB index (an int): 1 with *db
 * set, or 0 after replying `what` as the error. */
static int parseDbIndex(client *c, bstr arg, const char *what, long long *db) {
    if (!numParseLongLong(arg, bstrLen(arg), db) || *db < INT_MIN || *db > INT_MAX) {
        replyError(c, what);
        return 0;
    }
    return 1;
}

/* SWAPDB index1 index2 */
void swapdbCommand(client *c) {
    long long a, b;
    if (!parseDbIndex(c, c->argv[1], "invalid first DB index", &a) ||
        !parseDbIndex(c, c->argv[2], "invalid second DB index", &b))
        return;
    if (a < 0 || a >= server.dbnum || b < 0 || b >= server.dbnum) {
        replyError(c, "DB index is out of range");
        return;
    }
    if (replyDbError(c, dbSwap((int)a, (int)b))) return;
    replyOk(c);
}
