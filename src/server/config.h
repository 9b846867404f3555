/* config: every configuration parameter, its name, type, default and
 * limits, in one table; loading config files and command-line options;
 * and the operations CONFIG GET/SET/REWRITE are built on.
 *
 * Names and accepted values follow Redis 7 so existing redis.conf snippets
 * and tools work unchanged. */
#ifndef REDIS_KV_CONFIG_H
#define REDIS_KV_CONFIG_H

#include <stddef.h>
#include "lib/bstr.h"

#define CONFIG_ERR_LEN 512

void configInitDefaults(void);
int configLoad(const char *filename, const char *options);
int configSetFromStrings(bstr *names, bstr *values, int count, char *err, size_t errlen,
                         const char **badName);
bstr configGetValue(const char *name);
int configExists(const char *name, size_t len);

/* Calls fn(name, shownName, value) for each parameter whose name matches
 * a glob pattern; shownName is what CONFIG GET prints (the pattern itself
 * for an exact name).  `value` is freed after fn returns. */
typedef void configGetVisitor(const char *name, const char *shownName, const bstr value,
                              void *privdata);
void configForEachMatching(const char *pattern, size_t plen, configGetVisitor *fn,
                           void *privdata);
int configRewrite(const char *path, char *err, size_t errlen);

#endif
