/* acl/acl.h -- ACL users: who may run which commands on which keys and
 * channels, as Redis 7.0.15 has it.
 *
 * A user has flags (on/off, nopass, sanitize-payload), a list of password
 * hashes (SHA-256 hex) and a list of selectors; the first selector is the
 * root one, the others are the "(...)" selectors.  A selector holds the
 * commands it allows (one bit per command and subcommand, plus allowed
 * first arguments such as SELECT|0), its key patterns (each with read and
 * write permission) and its channel patterns.  A request is allowed when
 * any one selector allows the command, every key and every channel.
 *
 * Files:
 *   user.c    users, selectors, the SETUSER rule language, ACL LIST's
 *             description of a user;
 *   check.c   the permission check before a command runs, the -NOPERM
 *             texts, ACL LOG, authentication;
 *   aclfile.c `user` lines of the config file, `aclfile` with ACL LOAD
 *             and ACL SAVE, `requirepass` as the default user's password.
 *
 * Every client points at its user (client.h: c->user, NULL for the
 * default user); a user is never freed while a client points at it:
 * deleting a user closes its clients and points them at a user that may
 * do nothing.
 *
 * acl/ is a layer above command/ (it reads the command table) and below
 * cmd/ and script/.  The dispatcher runs its check through a hook
 * (commandSetAccessCheck), set by cmd/acl_cmd.c's aclCommandInit at
 * start-up; the keys of a request come from the command layer's
 * commandRequestKeys, which knows SET's and BITFIELD's variable key flags
 * through the finder the server registers. */
#ifndef REDIS_KV_ACL_H
#define REDIS_KV_ACL_H

#include "client/client.h"
#include "lib/bstr.h"
#include "lib/list.h"

#include <stdint.h>

struct command;

/* User flags (ACL LIST shows them in this order). */
#define ACL_USER_ON (1 << 0)
#define ACL_USER_OFF (1 << 1)
#define ACL_USER_NOPASS (1 << 2)
#define ACL_USER_SKIP_SANITIZE (1 << 3)
#define ACL_USER_SANITIZE (1 << 4)

/* Selector flags. */
#define ACL_SEL_ROOT (1 << 0)
#define ACL_SEL_ALLKEYS (1 << 1)
#define ACL_SEL_ALLCOMMANDS (1 << 2)
#define ACL_SEL_ALLCHANNELS (1 << 3)

/* Key-pattern permissions: %R~, %W~; ~ is both. */
#define ACL_KEY_READ (1 << 0)
#define ACL_KEY_WRITE (1 << 1)
#define ACL_KEY_ALL (ACL_KEY_READ | ACL_KEY_WRITE)

/* The check's verdicts, in Redis's order: when no selector allows a
 * request, the highest verdict is reported. */
#define ACL_OK 0
#define ACL_DENIED_CMD 1
#define ACL_DENIED_KEY 2
#define ACL_DENIED_AUTH 3
#define ACL_DENIED_CHANNEL 4

typedef struct aclKeyPattern {
    bstr pattern;
    int flags;                 /* ACL_KEY_* */
} aclKeyPattern;

typedef struct aclSelector {
    int flags;                 /* ACL_SEL_* */
    int future;                /* set by +@all only: new commands allowed */
    uint64_t *allowed;         /* one bit per command id (aclCommandCount) */
    bstr **firstArgs;          /* per command id: NULL-terminated, or NULL */
    list *patterns;            /* aclKeyPattern* */
    list *channels;            /* bstr */
} aclSelector;

typedef struct aclUser {
    bstr name;
    int flags;                 /* ACL_USER_* */
    list *passwords;           /* bstr, SHA-256 hex */
    list *selectors;           /* aclSelector*, the root one first */
} aclUser;

/* Settings (config.c's table points at them). */
extern char *aclFilename;          /* aclfile, "" when none */
extern long long aclLogMaxLen;     /* acllog-max-len */
extern int aclPubsubDefault;       /* acl-pubsub-default: ACL_SEL_ALLCHANNELS or 0 */

/* ---- user.c ---- */
void aclInit(void);
/* c's user (the default user for c->user == NULL). */
aclUser *aclClientUser(client *c);
aclUser *aclDefaultUser(void);
/* A user that may run nothing: clients of a deleted user point at it
 * until they are closed. */
aclUser *aclNobodyUser(void);
aclUser *aclLookupUser(const char *name, size_t len);
/* Creates and registers a user ("off resetchannels -@all", or allchannels
 * per acl-pubsub-default); NULL if the name is taken. */
aclUser *aclCreateUser(const char *name, size_t len);
/* A new user, not registered (a scratch user, a user of a file being
 * loaded). */
aclUser *aclNewUser(const char *name, size_t len);
/* Frees a user not registered (a scratch copy). */
void aclFreeUser(aclUser *u);
/* Unregisters and frees u, closing its clients; never the default user. */
void aclDeleteUser(aclUser *u);
/* A deep copy, not registered (name included). */
aclUser *aclCopyUser(const aclUser *u);
/* Replaces dst's rules by src's, keeping dst's identity (clients keep
 * pointing at it). */
void aclAssignUser(aclUser *dst, const aclUser *src);
/* Applies one rule; 0, or -1 with errno set (aclRuleError names it). */
int aclSetUserRule(aclUser *u, const char *op, size_t len);
const char *aclRuleError(int err);
/* Joins "(...)" selector words split by spaces back into one argument
 * each; NULL when a parenthesis is not closed (*bad = the word that
 * opened it).  The result has *outc bstrs, freed with bstrFreeSplitRes. */
bstr *aclMergeSelectorArgs(bstr *argv, int argc, int *outc, int *bad);
/* Applies rules to a copy of the user and, when all of them apply, to
 * the user itself (created if missing).  On error returns -1 and *err
 * holds Redis's message (the caller frees it). */
int aclSetUserRules(const char *name, size_t len, bstr *rules, int nrules, bstr *err);
/* "on nopass ~* &* +@all" (ACL LIST without "user <name> "). */
bstr aclDescribeUser(const aclUser *u);
bstr aclDescribeSelectorCommands(const aclSelector *s);
bstr aclDescribeSelectorKeys(const aclSelector *s);
bstr aclDescribeSelectorChannels(const aclSelector *s);
/* Every registered user, sorted by name (caller frees the array). */
aclUser **aclUsersSorted(unsigned long *count);
/* Unregisters and frees every user but the default one, closing their
 * clients; used by ACL LOAD after it built the new set. */
void aclReplaceUsers(aclUser **users, unsigned long count, aclUser *newDefault);
/* The number of command ids and the command of one, for ACL CAT. */
int aclCommandCount(void);
int aclCategoryByName(const char *name, uint64_t *flag);
const char *aclCategoryName(int index);
int aclSelectorAllowsCommandBit(const aclSelector *s, const struct command *cmd);
int aclCommandId(const struct command *cmd);
struct command *aclCommandById(int id);

/* ---- check.c ---- */
/* Whether one selector of u allows the channel (a pattern: literally). */
int aclUserAllowsChannel(const aclUser *u, const bstr channel, int isPattern);
/* The verdict for u running cmd with argv; *errpos is the argument that
 * was refused (a key or a channel), 0 for the command. */
int aclCheckCommand(aclUser *u, const struct command *cmd, int argc, bstr *argv, int *errpos);
/* Whether a selector of c's user that allows c's request may also touch
 * every key with the given ACL_KEY_* permissions (allkeys, or a "*"
 * pattern): SORT's BY and GET read keys no key spec names. */
int aclClientHasFullKeyAccess(client *c, int need);
/* The dispatcher's check of c's request (c->cmd set): NULL when allowed,
 * else the -NOPERM reply (valid until the next call), the denial logged. */
const char *aclRequestDenial(client *c);
/* EXEC's check of each queued command (c->cmd, c->argv): the user may
 * have been changed since it was queued.  NULL or the -NOPERM reply. */
const char *aclExecDenial(client *c);
/* redis.call's check for a script run by caller: NULL or the error. */
const char *aclScriptCallDenial(client *caller, const struct command *cmd, int argc, bstr *argv);
/* Checks name/pass; on success c is that user.  On failure an ACL LOG
 * entry is written.  Returns 1 or 0. */
int aclAuthenticate(client *c, const bstr name, const bstr pass);
/* Whether the password matches one of u's (or u is nopass). */
int aclCheckPassword(const aclUser *u, const char *pass, size_t len);
/* Whether c must still authenticate (the default user has a password or
 * is off, and c did not). */
int aclAuthRequired(client *c);
/* The user new connections start with is authenticated at once. */
int aclDefaultUserIsOpen(void);
void aclLogDenial(client *c, int reason, int context, const char *object, const char *username);
void aclLogReset(void);
/* ACL LOG [count]. */
void aclLogReply(client *c, long long count);
#define ACL_LOG_CTX_TOPLEVEL 0
#define ACL_LOG_CTX_MULTI 1
#define ACL_LOG_CTX_LUA 2
/* DRYRUN: NULL when allowed, else the reason (caller frees). */
bstr aclDryRun(aclUser *u, const struct command *cmd, int argc, bstr *argv);

/* ---- aclfile.c ---- */
/* `user` lines of the config file: checked at once, applied after the
 * whole config is read (aclLoadAtStartup).  -1 and *err on a bad one. */
int aclQueueConfigUser(bstr *argv, int argc, bstr *err);
/* After the config is read: the `user` lines or the ACL file.  Exits the
 * process with Redis's message when they cannot be loaded. */
void aclLoadAtStartup(void);
/* ACL LOAD: NULL on success, else the error (caller frees). */
bstr aclLoadFile(const char *path);
/* ACL SAVE: NULL on success, else the error (caller frees). */
bstr aclSaveFile(const char *path);
/* CONFIG REWRITE: "user <name> <rules>" per user, sorted, to replace the
 * config file's user lines; none when users live in an ACL file. */
bstr *aclConfigUserLines(int *count);
/* requirepass: "" makes the default user nopass, else its one password. */
void aclSetDefaultPassword(const char *pass, size_t len);

#endif
