/* cmd/slowlog.h -- the SLOWLOG store.  Every command that runs longer than
 * slowlog-log-slower-than microseconds is recorded, newest first, keeping at
 * most slowlog-max-len entries. */
#ifndef REDIS_KV_SLOWLOG_H
#define REDIS_KV_SLOWLOG_H

#include "client/client.h"

/* Registers the after-call observer that records slow calls. */
void slowlogInit(void);

#endif
