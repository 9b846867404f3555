/* cmd/handlers.h -- every command handler, by family, and the helpers the
 * handler files share.  The command table (generated from src/commands/,
 * see utils/gen-command-table.tcl) includes this header only, so every
 * "handler" a data file names must be declared here; each family's file
 * (cmd/<family>.c) implements its own. */
#ifndef REDIS_KV_HANDLERS_H
#define REDIS_KV_HANDLERS_H

#include <stdint.h>
#include "client/client.h"
#include "store/collection.h"

/* ---------------- helpers shared by the handler files ---------------- */

/* The length of argument i of c's request. */
#define ARGLEN(c, i) bstrLen((c)->argv[i])

/* Replies with the error for a failed db call (DB_ERR_WRITE: the MISCONF
 * text of dbWriteErrorReply(); DB_ERR_READ: a read error) and returns 1;
 * returns 0, replying nothing, for DB_OK and DB_MISSING.  Shared by every
 * handler that calls db/ (defined in cmd/keys.c). */
int replyDbError(client *c, int rc);

/* argv[i] as a long long (Redis's getLongLongFromObjectOrReply): 0 after
 * replying "value is not an integer or out of range" (cmd/keys.c). */
int argLongLongOrReply(client *c, int i, long long *out);
/* The same with Redis's message of the caller's choice (XCLAIM's
 * "Invalid min-idle-time argument for XCLAIM" ...). */
int argLongLongMsgOrReply(client *c, int i, const char *msg, long long *out);

/* SCAN and the HSCAN family (cmd/scan.c): the cursor, and the options
 * after it, from argv[first] on (TYPE only with allowType).  Each returns
 * 0 after replying the error. */
#define SCAN_DEFAULT_COUNT 10 /* COUNT when none is given, as Redis's */
typedef struct scanOptions {
    long count;
    const char *pattern; /* NULL: no MATCH, or MATCH * */
    size_t plen;
    const char *type;    /* NULL: no TYPE filter */
} scanOptions;
int scanCursorOrReply(client *c, const char *arg, unsigned long *cursor);
int scanOptionsOrReply(client *c, int first, int allowType, scanOptions *o);

/* What the hash and set commands share (cmd/coll_common.c). */
uint64_t collRandomBits(void);  /* the random source of random picks */
/* A long in [-LONG_MAX, LONG_MAX] (Redis's getRangeLongFromObjectOrReply
 * and its "value is out of range, value must between ..." outside it). */
int argRangeLongOrReply(client *c, int i, long *out);
/* The value of element el of a hash whose key is klen bytes, as a bulk
 * (an error in its place when it cannot be read). */
void collReplyValue(client *c, size_t klen, const collElem *el);
/* HSCAN / SSCAN key cursor [MATCH pattern] [COUNT count]: the next cursor
 * and the elements found (fields with their values for a hash).  A small
 * encoding returns everything at once with cursor 0, as Redis; a table
 * collects COUNT elements visiting at most 10 * COUNT buckets. */
void collScanCommand(client *c, int ctype);

/* argv[i] as a long in [min, max], or 0 after replying msg (Redis's
 * getRangeLongFromObjectOrReply with a message: the same text for a value
 * that is no integer and one out of range). */
int argLongInOrReply(client *c, int i, long min, long max, const char *msg, long *out);

/* The arguments of LMPOP, ZMPOP and their blocking forms from
 * argv[first]: "numkeys key [key ...] END [COUNT count]", END one of two
 * keywords (LEFT|RIGHT, MIN|MAX). */
typedef struct mpopArgs {
    int firstKey;   /* argv index of the first key */
    long nkeys;
    int end;        /* 0 for the first keyword, 1 for the second */
    long count;     /* 1 when COUNT is not given */
} mpopArgs;

/* 1 with *a filled, or 0 after replying Redis's error (numkeys not a
 * positive integer or more than the keys given, a bad END, COUNT not
 * positive, a syntax error). */
int mpopArgsOrReply(client *c, int first, const char *end0, const char *end1, mpopArgs *a);
/* HRANDFIELD's and ZRANDMEMBER's count form over coll (not NULL), as
 * Redis's: a negative count may repeat elements, a positive one never
 * does; withValues: value(c, el) follows each element (in RESP3 as a
 * pair). */
typedef void collValueReply(client *c, const collElem *el);
void collReplyRandom(client *c, const collection *coll, long l, int withValues,
                     collValueReply *value);
/* min(count, size) distinct random elements of coll, in random order (a
 * new array, xfree it; *n set). */
collElem *collRandomDistinct(const collection *coll, unsigned long count, size_t *n);

/* The element names of a list of n elements built afresh (SORT STORE,
 * RESTORE), for dbReplaceCollection: a new array (cmd/sort.c). */
bstr *listRankNames(size_t n);
void listRankNamesFree(bstr *names, size_t n);

/* ---------------- handlers ---------------- */

/* cmd/list.c */
void lpushCommand(client *c);
void rpushCommand(client *c);
void lpushxCommand(client *c);
void rpushxCommand(client *c);
void linsertCommand(client *c);
void lpopCommand(client *c);
void rpopCommand(client *c);
void lmpopCommand(client *c);
void lmoveCommand(client *c);
void rpoplpushCommand(client *c);
void llenCommand(client *c);
void lindexCommand(client *c);
void lrangeCommand(client *c);
void lposCommand(client *c);
void lsetCommand(client *c);
void ltrimCommand(client *c);
void lremCommand(client *c);

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
void clientUnblockCommand(client *c);
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
/* The keys of a request, as COMMAND GETKEYSANDFLAGS finds them: key
 * specs, else the command's getkeys procedure.  pos[] and flags[] need
 * room for argc entries per key spec.  Returns the count, or -1. */
struct command;
int commandFindKeys(const struct command *cmd, int argc, bstr *argv, int *pos, uint64_t *flags);

/* cmd/acl_cmd.c: ACL and its subcommands (start-up: cmd/acl_cmd.h) */
void aclCatCommand(client *c);
void aclDeluserCommand(client *c);
void aclDryrunCommand(client *c);
void aclGenpassCommand(client *c);
void aclGetuserCommand(client *c);
void aclHelpCommand(client *c);
void aclListCommand(client *c);
void aclLoadCommand(client *c);
void aclLogCommand(client *c);
void aclSaveCommand(client *c);
void aclSetuserCommand(client *c);
void aclUsersCommand(client *c);
void aclWhoamiCommand(client *c);

/* cmd/hyperloglog.c */
void pfaddCommand(client *c);
void pfcountCommand(client *c);
void pfmergeCommand(client *c);
void pfdebugCommand(client *c);
void pfselftestCommand(client *c);
/* cmd/hash.c */
void hsetCommand(client *c);
void hmsetCommand(client *c);
void hsetnxCommand(client *c);
void hgetCommand(client *c);
void hmgetCommand(client *c);
void hlenCommand(client *c);
void hstrlenCommand(client *c);
void hexistsCommand(client *c);
void hdelCommand(client *c);
void hincrbyCommand(client *c);
void hincrbyfloatCommand(client *c);
void hgetallCommand(client *c);
void hkeysCommand(client *c);
void hvalsCommand(client *c);
void hscanCommand(client *c);
void hrandfieldCommand(client *c);
/* cmd/set.c */
void saddCommand(client *c);
void sremCommand(client *c);
void sismemberCommand(client *c);
void smismemberCommand(client *c);
void scardCommand(client *c);
void smembersCommand(client *c);
void sscanCommand(client *c);
void spopCommand(client *c);
void srandmemberCommand(client *c);
void smoveCommand(client *c);
void sinterCommand(client *c);
void sinterstoreCommand(client *c);
void sunionCommand(client *c);
void sunionstoreCommand(client *c);
void sdiffCommand(client *c);
void sdiffstoreCommand(client *c);
void sintercardCommand(client *c);
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
/* cmd/latency.c: LATENCY and its subcommands */
void latencyLatestCommand(client *c);
void latencyHistoryCommand(client *c);
void latencyResetCommand(client *c);
void latencyGraphCommand(client *c);
void latencyDoctorCommand(client *c);
void latencyHistogramCommand(client *c);
void latencyHelpCommand(client *c);

/* cmd/memory_cmd.c: MEMORY and its subcommands */
void memoryUsageCommand(client *c);
void memoryStatsCommand(client *c);
void memoryDoctorCommand(client *c);
void memoryMallocStatsCommand(client *c);
void memoryPurgeCommand(client *c);
void memoryHelpCommand(client *c);

/* cmd/replication_info.c: ROLE, READONLY, READWRITE, ASKING, CLUSTER */
void roleCommand(client *c);
void clusterDisabledCommand(client *c);
const char *replicationMasterReplid(void);

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

/* cmd/databases.c */
void swapdbCommand(client *c);

/* cmd/expire.c */
void expireCommand(client *c);
void pexpireCommand(client *c);
void expireatCommand(client *c);
void pexpireatCommand(client *c);
void ttlCommand(client *c);
void pttlCommand(client *c);
void expiretimeCommand(client *c);
void pexpiretimeCommand(client *c);
void persistCommand(client *c);

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

/* cmd/dump.c */
void dumpCommand(client *c);
void restoreCommand(client *c);

/* cmd/sort.c */
void sortCommand(client *c);
void sortRoCommand(client *c);

/* cmd/object.c */
void objectEncodingCommand(client *c);
void objectRefcountCommand(client *c);
void objectIdletimeCommand(client *c);
void objectFreqCommand(client *c);
void objectHelpCommand(client *c);

/* cmd/pubsub_cmd.c */
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

/* cmd/multi.c */
void multiCommand(client *c);
void execCommand(client *c);
void discardCommand(client *c);
void watchCommand(client *c);
void unwatchCommand(client *c);

/* cmd/list_blocking.c */
void blpopCommand(client *c);
void brpopCommand(client *c);
void blmpopCommand(client *c);
void blmoveCommand(client *c);
void brpoplpushCommand(client *c);

/* eval.c */
void evalCommand(client *c);
void evalroCommand(client *c);
void evalshaCommand(client *c);
void evalsharoCommand(client *c);
void scriptLoadCommand(client *c);
void scriptExistsCommand(client *c);
void scriptFlushCommand(client *c);
void scriptKillCommand(client *c);
void scriptHelpCommand(client *c);

/* function.c */
void fcallCommand(client *c);
void fcallroCommand(client *c);
void functionLoadCommand(client *c);
void functionDeleteCommand(client *c);
void functionFlushCommand(client *c);
void functionListCommand(client *c);
void functionDumpCommand(client *c);
void functionRestoreCommand(client *c);
void functionStatsCommand(client *c);
void functionKillCommand(client *c);
void functionHelpCommand(client *c);

/* stream.c, stream_read.c, stream_group.c, stream_info.c */
void xaddCommand(client *c);
void xrangeCommand(client *c);
void xrevrangeCommand(client *c);
void xlenCommand(client *c);
void xdelCommand(client *c);
void xtrimCommand(client *c);
void xsetidCommand(client *c);
void xreadCommand(client *c);
void xreadgroupCommand(client *c);
void xgroupCreateCommand(client *c);
void xgroupSetidCommand(client *c);
void xgroupDestroyCommand(client *c);
void xgroupCreateconsumerCommand(client *c);
void xgroupDelconsumerCommand(client *c);
void xgroupHelpCommand(client *c);
void xackCommand(client *c);
void xpendingCommand(client *c);
void xclaimCommand(client *c);
void xautoclaimCommand(client *c);
void xinfoStreamCommand(client *c);
void xinfoGroupsCommand(client *c);
void xinfoConsumersCommand(client *c);
void xinfoHelpCommand(client *c);

/* zset.c */
void zaddCommand(client *c);
void zincrbyCommand(client *c);
void zremCommand(client *c);
void zcardCommand(client *c);
void zscoreCommand(client *c);
void zmscoreCommand(client *c);
void zrankCommand(client *c);
void zrevrankCommand(client *c);
void zcountCommand(client *c);
void zlexcountCommand(client *c);
void zrangeCommand(client *c);
void zrevrangeCommand(client *c);
void zrangebyscoreCommand(client *c);
void zrevrangebyscoreCommand(client *c);
void zrangebylexCommand(client *c);
void zrevrangebylexCommand(client *c);
void zrangestoreCommand(client *c);
void zremrangebyrankCommand(client *c);
void zremrangebyscoreCommand(client *c);
void zremrangebylexCommand(client *c);
void zpopminCommand(client *c);
void zpopmaxCommand(client *c);
void zmpopCommand(client *c);
void zrandmemberCommand(client *c);
void zscanCommand(client *c);
void zunionCommand(client *c);
void zinterCommand(client *c);
void zdiffCommand(client *c);
void zunionstoreCommand(client *c);
void zinterstoreCommand(client *c);
void zdiffstoreCommand(client *c);
void zintercardCommand(client *c);

/* zset_blocking.c */
void bzpopminCommand(client *c);
void bzpopmaxCommand(client *c);
void bzmpopCommand(client *c);

/* geo.c */
void geoaddCommand(client *c);
void geodistCommand(client *c);
void geohashCommand(client *c);
void geoposCommand(client *c);
void geosearchCommand(client *c);
void geosearchstoreCommand(client *c);
void georadiusCommand(client *c);
void georadiusroCommand(client *c);
void georadiusbymemberCommand(client *c);
void georadiusbymemberroCommand(client *c);

#endif
