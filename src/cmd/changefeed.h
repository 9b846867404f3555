/* cmd/changefeed.h -- the change feed (changefeed.c says what it is). */
#ifndef REDIS_KV_CHANGEFEED_H
#define REDIS_KV_CHANGEFEED_H

/* Registers the feed's observers (start-up, once). */
void changefeedInit(void);
/* 1 while changefeed-key names a stream. */
int changefeedOn(void);
/* A write scope outside commands (the active expire cycle): one batch
 * while the feed is on, ended by changefeedScopeEnd. */
void changefeedScopeBegin(void);
void changefeedScopeEnd(void);

#endif
