/* cmd/keyspace_cmds.h -- handlers of the keyspace commands of cmd/keys.c
 * (RANDOMKEY, TYPE, TOUCH), cmd/scan.c (KEYS, SCAN), cmd/keycopy.c (RENAME,
 * RENAMENX, COPY, MOVE) and cmd/object.c (OBJECT).  To be merged into
 * cmd/handlers.h; the table entries are in command/command_table_keyspace.inc.
 */
#ifndef REDIS_KV_KEYSPACE_CMDS_H
#define REDIS_KV_KEYSPACE_CMDS_H

#include "client/client.h"

/* cmd/keys.c */
void randomkeyCommand(client *c);
void typeCommand(client *c);
void touchCommand(client *c);

/* cmd/scan.c */
void keysCommand(client *c);
void scanCommand(client *c);

/* cmd/keycopy.c */
void renameCommand(client *c);
void renamenxCommand(client *c);
void copyCommand(client *c);
void moveCommand(client *c);

/* cmd/object.c */
void objectEncodingCommand(client *c);
void objectRefcountCommand(client *c);
void objectIdletimeCommand(client *c);
void objectFreqCommand(client *c);
void objectHelpCommand(client *c);

#endif
