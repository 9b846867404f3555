/* cmd/acl_cmd.h -- setting up ACL users at start-up. */
#ifndef REDIS_KV_ACL_CMD_H
#define REDIS_KV_ACL_CMD_H

/* Sets up acl/ (the default user), hands it cmd/'s key finder and makes
 * its check the dispatcher's.  After commandTableInit, before the config
 * is read (requirepass and `user` lines need the default user). */
void aclCommandInit(void);

#endif
