/* cmd/monitor.h -- MONITOR clients and the feed of every command to them. */
#ifndef REDIS_KV_MONITOR_H
#define REDIS_KV_MONITOR_H

#include "client/client.h"

/* Registers the after-call observer that feeds MONITOR clients. */
void monitorInit(void);

#endif
