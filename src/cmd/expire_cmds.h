/* cmd/expire_cmds.h -- handlers of the expiry commands (cmd/expire.c).  To be
 * merged into cmd/handlers.h; the table entries are in
 * command/command_table_expire.inc. */
#ifndef REDIS_KV_EXPIRE_CMDS_H
#define REDIS_KV_EXPIRE_CMDS_H

#include "client/client.h"

void expireCommand(client *c);
void pexpireCommand(client *c);
void expireatCommand(client *c);
void pexpireatCommand(client *c);
void ttlCommand(client *c);
void pttlCommand(client *c);
void expiretimeCommand(client *c);
void pexpiretimeCommand(client *c);
void persistCommand(client *c);

#endif
