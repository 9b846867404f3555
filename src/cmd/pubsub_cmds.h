/* cmd/pubsub_cmds.h -- handlers of the pub/sub commands (cmd/pubsub_cmd.c). */
#ifndef REDIS_KV_PUBSUB_CMDS_H
#define REDIS_KV_PUBSUB_CMDS_H

#include "client/client.h"

void subscribeCommand(client *c);
void unsubscribeCommand(client *c);
void psubscribeCommand(client *c);
void punsubscribeCommand(client *c);
void ssubscribeCommand(client *c);
void sunsubscribeCommand(client *c);
void publishCommand(client *c);
void spublishCommand(client *c);
void pubsubChannelsCommand(client *c);
void pubsubNumsubCommand(client *c);
void pubsubNumpatCommand(client *c);
void pubsubShardchannelsCommand(client *c);
void pubsubShardnumsubCommand(client *c);
void pubsubHelpCommand(client *c);

#endif
