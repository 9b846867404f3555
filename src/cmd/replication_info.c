/* cmd/replication_info.c -- what a standalone master answers about
 * replication and cluster: ROLE, READONLY, READWRITE, ASKING, and the
 * replication id INFO replication prints.
 *
 * redis-kv has no replicas and no cluster mode.  It answers as Redis 7.0
 * does when it runs as a master without replicas and with cluster-enabled
 * no, so that Sentinel, client libraries and monitoring see a healthy
 * master rather than a missing section. */
#include "client/reply.h"
#include "cmd/handlers.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define CLUSTER_DISABLED_ERROR "This instance has cluster support disabled"

/* The replication id: 40 hex characters, random at start-up, as a master
 * picks a new one each time it starts.  Made on first use. */
const char *replicationMasterReplid(void) {
    static char replid[41];
    if (replid[0]) return replid;
    unsigned char rnd[20];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, rnd, sizeof(rnd)) : -1;
    if (fd >= 0) close(fd);
    if (got != (ssize_t)sizeof(rnd)) {
        /* No /dev/urandom: time and pid still differ between runs. */
        srand((unsigned)time(NULL) ^ (unsigned)getpid());
        for (size_t i = 0; i < sizeof(rnd); i++) rnd[i] = (unsigned char)rand();
    }
    for (size_t i = 0; i < sizeof(rnd); i++) {
        replid[2 * i] = "0123456789abcdef"[rnd[i] >> 4];
        replid[2 * i + 1] = "0123456789abcdef"[rnd[i] & 15];
    }
    replid[40] = '\0';
    return replid;
}

/* ROLE: ["master", replication offset, replicas]. */
void roleCommand(client *c) {
    replyArrayLen(c, 3);
    replyBulkCString(c, "master");
    replyLongLong(c, 0);
    replyArrayLen(c, 0);
}

/* READONLY, READWRITE, ASKING and every CLUSTER subcommand: refused, as
 * Redis refuses them with cluster-enabled no. */
void clusterDisabledCommand(client *c) { replyError(c, CLUSTER_DISABLED_ERROR); }
