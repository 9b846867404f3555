/* cmd/string_cmds.h -- handlers of the string commands (cmd/string.c) and of
 * the basic keyspace commands (cmd/keys.c).  To be merged into cmd/handlers.h;
 * the table entries are in command/command_table_strings.inc. */
#ifndef REDIS_KV_STRING_CMDS_H
#define REDIS_KV_STRING_CMDS_H

#include <stdint.h>
#include "client/client.h"

/* cmd/string.c */
void getCommand(client *c);
void setCommand(client *c);
void setnxCommand(client *c);
void setexCommand(client *c);
void psetexCommand(client *c);
void getsetCommand(client *c);
void getdelCommand(client *c);
void getexCommand(client *c);
void mgetCommand(client *c);
void msetCommand(client *c);
void msetnxCommand(client *c);
void appendCommand(client *c);
void strlenCommand(client *c);
void getrangeCommand(client *c); /* also SUBSTR */
void setrangeCommand(client *c);
void incrCommand(client *c);
void decrCommand(client *c);
void incrbyCommand(client *c);
void decrbyCommand(client *c);
void incrbyfloatCommand(client *c);
void lcsCommand(client *c);
/* SET's key flags for COMMAND GETKEYSANDFLAGS (its key spec is
 * variable_flags): to be called by command_cmd.c for "set". */
uint64_t setKeySpecFlags(bstr *argv, int argc);

/* cmd/keys.c */
void delCommand(client *c);
void unlinkCommand(client *c);
void existsCommand(client *c);
void dbsizeCommand(client *c);
void flushdbCommand(client *c);
void flushallCommand(client *c);
void swapdbCommand(client *c);

/* Replies with the error for a failed db call (DB_ERR_WRITE: the MISCONF
 * text of dbWriteErrorReply(); DB_ERR_READ: a read error) and returns 1;
 * returns 0, replying nothing, for DB_OK and DB_MISSING.  Shared by every
 * handler that calls db/ (defined in cmd/keys.c). */
int replyDbError(client *c, int rc);

#endif
