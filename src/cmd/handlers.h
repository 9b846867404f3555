/* cmd/handlers.h -- every command handler, by family.  The command table
 * refers to these; each family's file (cmd/<family>.c) implements its own. */
#ifndef REDIS_KV_HANDLERS_H
#define REDIS_KV_HANDLERS_H

#include <stdint.h>
#include "client/client.h"

/* cmd/connection.c */
void pingCommand(client *c);
void echoCommand(client *c);
void quitCommand(client *c);
void resetCommand(client *c);
void selectCommand(client *c);
void authCommand(client *c);
void helloCommand(client *c);
int clientNameIsValid(const bstr name);
void clientSetName(client *c, const bstr name);

/* cmd/client_cmd.c: CLIENT and its subcommands */
void clientIdCommand(client *c);
void clientSetnameCommand(client *c);
void clientGetnameCommand(client *c);
void clientListCommand(client *c);
void clientInfoCommand(client *c);
void clientKillCommand(client *c);
void clientReplyCommand(client *c);
void clientPauseCommand(client *c);
void clientUnpauseCommand(client *c);
void clientNoEvictCommand(client *c);
void clientHelpCommand(client *c);
void clientTrackingCommand(client *c);
void clientCachingCommand(client *c);
void clientGetredirCommand(client *c);
void clientTrackinginfoCommand(client *c);

/* cmd/config_cmd.c */
void configGetCommand(client *c);
void configSetCommand(client *c);
void configResetStatCommand(client *c);
void configRewriteCommand(client *c);
void configHelpCommand(client *c);

/* cmd/info.c */
void infoCommand(client *c);

/* cmd/server_cmd.c */
void timeCommand(client *c);
void shutdownCommand(client *c);
void debugCommand(client *c);
void monitorCommand(client *c);
void bgrewriteaofCommand(client *c);
void bgsaveCommand(client *c);
void saveCommand(client *c);
void lastsaveCommand(client *c);
void backupListCommand(client *c);
void backupDeleteCommand(client *c);
void backupRestoreCommand(client *c);
void backupHelpCommand(client *c);

/* cmd/slowlog.c */
void slowlogGetCommand(client *c);
void slowlogLenCommand(client *c);
void slowlogResetCommand(client *c);
void slowlogHelpCommand(client *c);

/* cmd/command_cmd.c: COMMAND and its subcommands */
void commandCommand(client *c);
void commandCountCommand(client *c);
void commandInfoCommand(client *c);
void commandDocsCommand(client *c);
void commandGetkeysCommand(client *c);
void commandGetkeysAndFlagsCommand(client *c);
void commandListCommand(client *c);
void commandHelpCommand(client *c);

/* cmd/hyperloglog.c */
void pfaddCommand(client *c);
void pfcountCommand(client *c);
void pfmergeCommand(client *c);
void pfdebugCommand(client *c);
void pfselftestCommand(client *c);
/* cmd/bitops.c */
void setbitCommand(client *c);
void getbitCommand(client *c);
void bitcountCommand(client *c);
void bitposCommand(client *c);
void bitopCommand(client *c);
/* Parses argv[i] as a bit offset (SETBIT, GETBIT, BITFIELD): an integer
 * >= 0 whose byte lies below proto-max-bulk-len; with bits > 0 the form
 * "#N" means N * bits.  Returns 0 after replying Redis's error. */
int bitOffsetOrReply(client *c, int i, int bits, uint64_t *offset);

/* cmd/bitfield.c */
void bitfieldCommand(client *c);
void bitfieldroCommand(client *c);
/* Key-spec flags of BITFIELD's key for COMMAND GETKEYSANDFLAGS. */
uint64_t bitfieldKeySpecFlags(bstr *argv, int argc);

#endif
